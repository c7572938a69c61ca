//! `L004 mismatched-grouping`: error and total queries aggregated by different labels.
//! Documentation: [`DOCS`].

use crate::diag::{Diagnostic, RuleInfo, Severity};
use crate::lint::context::{DocCtx, QueryRole, SloView};
use crate::lint::query;

/// The rule's documentation: what it does, why it matters, an example.
pub(crate) const DOCS: &str = r#"## What it does
Flags an events SLI whose `error_query` and `total_query` aggregate with different grouping
(`sum by (code)` against `sum`, or `by (job)` against `by (instance)`).

## Why is this bad?
Sloth divides the error query by the total query. PromQL matches the two sides by their
label sets, so different groupings give series that never match: the SLI is empty (no data,
no alerts), or only some groups get a ratio.

## Example
```yaml
events:
  error_query: sum by (job) (rate(http_requests_total{code=~"5.."}[{{.window}}]))
  total_query: sum(rate(http_requests_total[{{.window}}]))   # L004
```
"#;

/// The catalogue entry.
pub(crate) const RULE: RuleInfo = RuleInfo {
    code: "L004",
    name: "mismatched-grouping",
    severity: Severity::Warning,
    summary: "error_query and total_query aggregate by different labels",
    docs: DOCS,
};

/// Compares the outermost aggregations of the error and total queries.
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
    let (Some(eg), Some(tg)) = (ef.grouping, tf.grouping) else {
        return;
    };
    if eg == tg {
        return;
    }
    let show = |g: &str| {
        if g.is_empty() {
            "no grouping".to_string()
        } else {
            format!("`{g}`")
        }
    };
    out.push(
        ctx.span(
            &RULE,
            ctx.query_span(e),
            format!(
                "{} aggregates with {} but {} with {}",
                e.role.field(ctx.kind),
                show(&eg),
                t.role.field(ctx.kind),
                show(&tg)
            ),
        )
        .with_label("grouping differs from the total query")
        .with_help("aggregate both queries by the same labels, or the division matches no series"),
    );
}
