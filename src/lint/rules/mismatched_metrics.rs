//! `L003 mismatched-metrics`: error and total queries that count different metrics.
//! Documentation: [`DOCS`].

use crate::diag::{Diagnostic, RuleInfo, Severity};
use crate::lint::context::{DocCtx, QueryRole, SloView};
use crate::lint::query;

/// The rule's documentation: what it does, why it matters, an example.
pub(crate) const DOCS: &str = r#"## What it does
Flags an events SLI whose `error_query` and `total_query` share no metric. Histogram and
counter suffixes are ignored, so `x_bucket` over `x_count` is one metric.

## Why is this bad?
The error ratio is only meaningful when errors are a subset of the total. Two different
metrics come from different instrumentation, can be scraped from different targets and reset
at different times, so the ratio can exceed 1 or drop to 0 for reasons that have nothing to
do with the service. (An error query equal to the total query is refused by Sloth: V008.)

## Example
```yaml
events:
  error_query: sum(rate(http_errors_total[{{.window}}]))
  total_query: sum(rate(http_requests_total[{{.window}}]))  # L003
```
Prefer one metric split by a label: `http_requests_total{code=~"5.."}` over
`http_requests_total`.
"#;

/// The catalogue entry.
pub(crate) const RULE: RuleInfo = RuleInfo {
    code: "L003",
    name: "mismatched-metrics",
    severity: Severity::Warning,
    summary: "error_query and total_query count different metrics",
    docs: DOCS,
};

/// Compares the metric families of the error and total queries.
pub(crate) fn check(ctx: &DocCtx, slo: &SloView, out: &mut Vec<Diagnostic>) {
    let (Some(e), Some(t)) = (
        slo.queries.iter().find(|q| q.role == QueryRole::Error),
        slo.queries.iter().find(|q| q.role == QueryRole::Total),
    ) else {
        return;
    };
    let (Some(ef), Some(tf)) = (query::analyze(&e.text), query::analyze(&t.text)) else {
        return;
    };
    let (ea, ta) = (ef.families(), tf.families());
    if ea.is_empty() || ta.is_empty() || ea.iter().any(|f| ta.contains(f)) {
        return;
    }
    let names = |v: Vec<String>| {
        v.iter()
            .map(|n| format!("`{n}`"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    out.push(
        ctx.span(
            &RULE,
            ctx.query_span(e),
            format!(
                "{} and {} count different metrics: {} against {}",
                e.role.field(ctx.kind),
                t.role.field(ctx.kind),
                names(ef.metric_names()),
                names(tf.metric_names())
            ),
        )
        .with_label("errors counted here")
        .with_help("count errors and totals from one metric told apart by a label, e.g. `http_requests_total{code=~\"5..\"}` over `http_requests_total`"),
    );
}
