//! `L007 histogram-quantile`: a latency percentile used as an SLI. Documentation: [`DOCS`].

use crate::diag::{Diagnostic, RuleInfo, Severity};
use crate::lint::context::{DocCtx, SloView};
use crate::lint::query;

/// The rule's documentation: what it does, why it matters, an example.
pub(crate) const DOCS: &str = r#"## What it does
Flags `histogram_quantile` in an SLI query.

## Why is this bad?
Sloth's SLIs are ratios of bad events to all events over a window. `histogram_quantile`
returns a latency in seconds, not a ratio: dividing it by a request rate, or treating
"p99 above 300ms" as a 0/1 error ratio, gives burn rates and budgets that mean nothing.
Count the requests that were too slow instead, with the histogram's buckets.

## Example
```yaml
# Instead of
error_ratio_query: histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket[{{.window}}]))) > bool 0.3
# count slow requests:
events:
  error_query: |
    sum(rate(http_request_duration_seconds_count[{{.window}}]))
    -
    sum(rate(http_request_duration_seconds_bucket{le="0.25"}[{{.window}}]))
  total_query: sum(rate(http_request_duration_seconds_count[{{.window}}]))
```

## References
- slok/sloth issue 506 (latency SLIs).
"#;

/// The catalogue entry.
pub(crate) const RULE: RuleInfo = RuleInfo {
    code: "L007",
    name: "histogram-quantile",
    severity: Severity::Warning,
    summary: "`histogram_quantile` inside an SLI: a latency percentile, not a ratio of events",
    docs: DOCS,
};

/// Looks for the function in every query.
pub(crate) fn check(ctx: &DocCtx, slo: &SloView, out: &mut Vec<Diagnostic>) {
    for q in &slo.queries {
        let Some(facts) = query::analyze(&q.text) else {
            continue;
        };
        if !facts.functions.contains(&"histogram_quantile") {
            continue;
        }
        let offset = q.text.find("histogram_quantile").unwrap_or(0);
        out.push(
            ctx.span(&RULE, ctx.in_query(q, offset, "histogram_quantile".len()),
                format!("{} uses `histogram_quantile`, a latency percentile, not a ratio of events", q.role.field(ctx.kind)))
                .with_label("percentile")
                .with_help("count slow requests with buckets: errors = `x_count` − `x_bucket{le=\"<threshold>\"}`, total = `x_count`"),
        );
    }
}
