//! `L015 query-length-limit`: generated rules that read more history than the engine allows.
//! Documentation: [`DOCS`].

use crate::diag::{Diagnostic, RuleInfo, Severity};
use crate::duration::Duration;
use crate::lint::context::{DocCtx, SloView};
use crate::lint::query;

/// The rule's documentation: what it does, why it matters, an example.
pub(crate) const DOCS: &str = r#"## What it does
Flags SLOs whose generated rules query a longer range than the engine's maximum query length
(768h, 32 days, unless `--max-query-length` or `max_query_length` in `.slogen.toml` says
otherwise): an SLO period over it (every SLO's period rules, such as
`slo:sli_error:ratio_rate90d` and the remaining-budget rule, read `[<period>]`), and range
selectors or subqueries written with a fixed range over it.

## Why is this bad?
Distributed engines cap how much time one query may cover. Grafana Mimir and Cortex refuse
longer queries with `the query time range exceeds the limit (query length: …, limit: …)`
(`max_partial_query_length` / `max_query_length`, often 768h in hosted setups); for a ruler,
the rule evaluation fails every time, so the period's error budget is never recorded and
`slogen budget` finds no data (sloth#435). VictoriaMetrics (`-search.maxQueryDuration` is a
time limit, not a range one) and Thanos accept long ranges but pay for them.

## Example
```yaml
# slo period 90d (a custom windows catalogue): the period rules read [90d] = 2160h > 768h
slos:
  - name: availability
    objective: 99.9
```
Use a period within the limit (30d, 28d), or raise the engine's limit and pass
`--max-query-length` to match it.
"#;

/// The catalogue entry.
pub(crate) const RULE: RuleInfo = RuleInfo {
    code: "L015",
    name: "query-length-limit",
    severity: Severity::Warning,
    summary:
        "Generated rules query a range longer than the engine's max query length (768h by default)",
    docs: DOCS,
};

/// Mimir's and hosted Cortex' common limit: 768h (32 days).
pub const DEFAULT_MAX: Duration = Duration::from_hours(768);

/// Reports the SLO's period and every fixed range over the limit.
pub(crate) fn check(ctx: &DocCtx, slo: &SloView, out: &mut Vec<Diagnostic>) {
    let max = ctx.opts.config.max_query_length.unwrap_or(DEFAULT_MAX);
    if let Some(w) = &slo.windows {
        if w.period > max {
            out.push(
                ctx.at(
                    &RULE,
                    slo.name.pos,
                    format!(
                        "SLO {:?} has a {} period: its period rules query [{}] ({}h), over the max query length {} ({}h)",
                        slo.name.value,
                        w.period,
                        w.period,
                        hours(w.period),
                        max,
                        hours(max)
                    ),
                )
                .with_label("period over the query length limit")
                .with_help("use a period within the limit, or raise the engine's limit and pass --max-query-length"),
            );
        }
    }
    for q in &slo.queries {
        let Some(facts) = query::analyze(&q.text) else {
            continue;
        };
        let field = q.role.field(ctx.kind);
        for r in &facts.fixed_ranges {
            let ms = r.as_millis() as u64;
            let range = Duration::from_millis(ms);
            if range <= max {
                continue;
            }
            out.push(
                ctx.span(&RULE, ctx.query_span(q), format!(
                    "{field} reads a fixed range of {range} ({}h), over the max query length {max} ({}h)",
                    hours(range),
                    hours(max)
                ))
                .with_label("range over the query length limit")
                .with_help("shorten the range, or raise the engine's limit and pass --max-query-length"),
            );
        }
    }
}

fn hours(d: Duration) -> String {
    let h = d.go_hours();
    if h.fract() == 0.0 {
        format!("{h:.0}")
    } else {
        format!("{h:.2}")
    }
}
