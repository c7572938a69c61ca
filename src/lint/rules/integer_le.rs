//! `L009 integer-le-matcher`: `le="1"` that stops matching on Prometheus 3.
//! Documentation: [`DOCS`].

use super::le_matchers;
use crate::diag::{Diagnostic, RuleInfo, Severity};
use crate::lint::context::{DocCtx, SloView};

/// The rule's documentation: what it does, why it matters, an example.
pub(crate) const DOCS: &str = r#"## What it does
Flags bucket matchers with an integer bound, such as `le="1"` or `le="10"`.

## Why is this bad?
Prometheus 3 normalises the `le` label of classic histograms to a float, so the bucket that
Prometheus 2 stored as `le="1"` is stored as `le="1.0"`. A matcher on `le="1"` then selects
nothing: the error count drops to zero and the SLO looks perfect.

## Example
```yaml
error_query: sum(rate(http_request_duration_seconds_bucket{le="1"}[{{.window}}]))   # L009
# works on both Prometheus 2 and 3:
error_query: sum(rate(http_request_duration_seconds_bucket{le=~"1(\\.0)?"}[{{.window}}]))
```

## References
- Prometheus 3 migration guide, "le and quantile label values".
"#;

/// The catalogue entry.
pub(crate) const RULE: RuleInfo = RuleInfo {
    code: "L009",
    name: "integer-le-matcher",
    severity: Severity::Warning,
    summary: "An integer `le` bucket matcher (`le=\"1\"`) that matches nothing on Prometheus 3",
    docs: DOCS,
};

/// True for bounds written as integers.
pub(crate) fn is_integer(v: &str) -> bool {
    let digits = v.strip_prefix('-').unwrap_or(v);
    !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit())
}

/// Checks every `le` matcher.
pub(crate) fn check(ctx: &DocCtx, slo: &SloView, out: &mut Vec<Diagnostic>) {
    for q in &slo.queries {
        for m in le_matchers::find(q) {
            if !is_integer(&m.value) {
                continue;
            }
            out.push(
                ctx.span(
                    &RULE,
                    ctx.in_query(q, m.offset, m.len),
                    format!(
                        "{} matches bucket `le=\"{}\"`, which Prometheus 3 stores as `le=\"{}.0\"`",
                        q.role.field(ctx.kind),
                        m.value,
                        m.value
                    ),
                )
                .with_label("integer bucket bound")
                .with_help(format!(
                    "match both spellings: `le=~\"{}(\\\\.0)?\"`",
                    m.value
                )),
            );
        }
    }
}
