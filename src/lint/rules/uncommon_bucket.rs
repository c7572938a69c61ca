//! `L008 uncommon-bucket`: an `le` bucket that default histograms do not have.
//! Documentation: [`DOCS`].

use super::{integer_le, le_matchers};
use crate::diag::{Diagnostic, RuleInfo, Severity};
use crate::lint::context::{DocCtx, SloView};

/// The rule's documentation: what it does, why it matters, an example.
pub(crate) const DOCS: &str = r#"## What it does
Flags a bucket matcher `le="…"` whose bound is not one of the default buckets of the
Prometheus client libraries (.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, +Inf).

## Why is this bad?
An equality matcher on a bucket that the histogram does not have selects nothing, so the
latency SLI counts no fast requests (or no slow ones) and the SLO is always breached, or
never. It only works if the service declares that bucket. This is a reminder to check;
turn it off in `.slogen.toml` if your histograms use custom buckets.

The `le` option of the `slogen/latency/v1` SLI plugin is checked the same way.

## Example
```yaml
error_query: sum(rate(http_request_duration_seconds_bucket{le="0.3"}[{{.window}}]))  # L008
sli:
  plugin:
    id: slogen/latency/v1
    options: {metric: http_request_duration_seconds, le: "0.3"}          # L008
```
"#;

/// The catalogue entry.
pub(crate) const RULE: RuleInfo = RuleInfo {
    code: "L008",
    name: "uncommon-bucket",
    severity: Severity::Info,
    summary: "An `le` bucket matcher on a bound that default histograms do not have",
    docs: DOCS,
};

/// The default buckets of the Prometheus client libraries.
const DEFAULT_BUCKETS: [f64; 11] = [
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// True when `v` is one of [`DEFAULT_BUCKETS`].
fn is_default(v: &str) -> bool {
    v.trim()
        .parse::<f64>()
        .is_ok_and(|v| DEFAULT_BUCKETS.iter().any(|b| (b - v).abs() < 1e-12))
}

/// Checks every non-integer `le` matcher (integers are L009's), and `slogen/latency/v1`'s `le`.
pub(crate) fn check(ctx: &DocCtx, slo: &SloView, out: &mut Vec<Diagnostic>) {
    if let Some(le) = slo.latency_le.as_ref().filter(|le| !is_default(&le.value)) {
        out.push(
            ctx.at(
                &RULE,
                le.pos,
                format!(
                    "slogen/latency/v1 option `le: {}` is a bucket bound that default histograms do not have",
                    le.value.trim()
                ),
            )
            .with_label("may not exist")
            .with_help("check that the histogram declares this bucket; without it the SLI counts every request as slow"),
        );
    }
    for q in &slo.queries {
        for m in le_matchers::find(q) {
            if integer_le::is_integer(&m.value) || m.value == "+Inf" {
                continue;
            }
            if is_default(&m.value) {
                continue;
            }
            out.push(
                ctx.span(&RULE, ctx.in_query(q, m.offset, m.len),
                    format!("{} matches bucket `le=\"{}\"`, which default histograms do not have", q.role.field(ctx.kind), m.value))
                    .with_label("may not exist")
                    .with_help("check that the histogram declares this bucket; without it the matcher selects nothing"),
            );
        }
    }
}
