//! `slogen/exact_ratio/v1`: every window's error ratio as a ratio of sums of 5-minute steps.
//!
//! Sloth computes each alert window from the raw counters (`rate(x[3d])` reads three days of
//! every series of the SLI, at every evaluation) and the period window as the *mean* of the
//! 5-minute ratios, which weighs a quiet night's minute like a busy afternoon's
//! (sloth#241). This plugin records, in its own group evaluated every 5 minutes, the SLI's
//! error and total events of each 5-minute step:
//!
//! - `slo:sli_error_events:rate5m` and `slo:sli_total_events:rate5m` (events per second over
//!   the step; a query that counts events is divided by 300);
//!
//! and derives every window longer than 5 minutes (alert windows and the period) as
//!
//! ```text
//! sum_over_time(slo:sli_error_events:rate5m{…}[W - 1ms]) / sum_over_time(slo:sli_total_events:rate5m{…}[W - 1ms])
//! ```
//!
//! the sum of errors over the sum of totals across the window: exactly `W/5m` steps, each
//! weighted by its traffic. The range is 1 ms short of `W` because Prometheus 2 ranges include
//! their start: a step stamped exactly `W` earlier (as in backfills and unit tests, where
//! evaluations align) would otherwise be counted too. Prometheus 3 ranges exclude it already.
//!
//! The 5-minute window itself keeps Sloth's query on the raw counters, evaluated at the group's
//! own interval, so the page alert's short window reacts as fast as before. Record names and
//! metadata rules are unchanged, so alerts, `budget`, `gate`, `report` and dashboards keep
//! working. Long windows read one pre-aggregated series per SLO instead of every raw series.

use serde_json::Value;

use super::super::{Request, SloPlugin};
use super::config::{check_none, without_config, ConfigProblem};
use super::events::{self, Unit};
use crate::duration::Duration;
use crate::model::Sli;
use crate::plan::{id_selector, sli, Rule, RuleGroup, SloRules};

/// The step: one sample of each step series per 5 minutes.
pub const STEP: Duration = Duration::from_millis(300_000);
/// The error events per second of each step.
pub const ERROR_TILE: &str = "slo:sli_error_events:rate5m";
/// The total events per second of each step.
pub const TOTAL_TILE: &str = "slo:sli_total_events:rate5m";
/// The step series' group is named this, then the SLO ID.
pub const GROUP_PREFIX: &str = "sloth-slo-sli-events-";

/// True when window `w` is derived from the steps: a whole number of them, more than one.
pub fn tiled(w: Duration) -> bool {
    w > STEP && w.as_millis().is_multiple_of(STEP.as_millis())
}

/// The range that selects exactly `w / 5m` steps.
pub fn range(w: Duration) -> Duration {
    Duration::from_millis(w.as_millis() - 1)
}

pub(super) struct ExactRatio;

/// Every problem in the config (it takes none).
pub fn check(v: &Value) -> Vec<ConfigProblem> {
    check_none(v)
}

pub(super) fn factory(v: &Value) -> Result<Box<dyn SloPlugin>, String> {
    Ok(Box::new(without_config(v, ExactRatio)?))
}

/// The expression of a window derived from the steps.
pub fn window_expr(slo: &crate::model::Slo, w: Duration) -> String {
    let sel = id_selector(slo);
    let r = range(w);
    format!("sum_over_time({ERROR_TILE}{sel}[{r}])\n/\nsum_over_time({TOTAL_TILE}{sel}[{r}])\n")
}

impl SloPlugin for ExactRatio {
    fn process(&self, req: &Request, rules: &mut SloRules) -> Result<(), String> {
        let slo = req.slo;
        let Sli::Events {
            error_query,
            total_query,
        } = &slo.sli
        else {
            return Err(
                "needs an events SLI (error_query and total_query): a raw error-ratio \
                        query cannot be summed as events"
                    .into(),
            );
        };
        let mut steps = Vec::new();
        for (record, query) in [(ERROR_TILE, error_query), (TOTAL_TILE, total_query)] {
            let q = sli::render_window(slo, query, STEP).map_err(|e| e.message)?;
            let expr = match events::unit(slo, query)? {
                Unit::Rate => q.trim().to_string(),
                Unit::Count => format!("({}) / {}", q.trim(), STEP.as_millis() / 1000),
            };
            steps.push(Rule {
                record: record.to_string(),
                expr,
                labels: sli::labels(slo, STEP),
                ..Rule::default()
            });
        }
        let mut derived = 0;
        for rule in &mut rules.sli.rules {
            let window = rule
                .record
                .strip_prefix("slo:sli_error:ratio_rate")
                .and_then(|w| Duration::parse(w).ok());
            if let Some(w) = window.filter(|w| tiled(*w)) {
                rule.expr = window_expr(slo, w);
                derived += 1;
            }
        }
        if derived == 0 {
            return Err("no SLI window rule to derive: chain this plugin after \
                        sloth.dev/core/sli_rules/v1 (priority 0 or more)"
                .into());
        }
        rules.extra.push(RuleGroup {
            name: format!("{GROUP_PREFIX}{}", slo.id),
            interval: STEP,
            rules: steps,
        });
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::super::contrib::test_util::{baseline, plan_with, SPEC};
    use super::*;

    const ID: &str = super::super::EXACT_RATIO;
    const SEL: &str = r#"{sloth_id="myservice-requests-availability", sloth_service="myservice", sloth_slo="requests-availability"}"#;

    #[test]
    fn steps_group_and_derived_windows() {
        let plan = plan_with(SPEC, &[(ID, Value::Null)]).unwrap();
        let (got, base) = (&plan.slos[0].1, &baseline().slos[0].1);
        assert_eq!((&got.metadata, &got.alerts), (&base.metadata, &base.alerts));
        assert_eq!(
            got.sli.rules[0], base.sli.rules[0],
            "the 5m window stays on raw counters"
        );
        for (g, b) in got.sli.rules.iter().zip(&base.sli.rules).skip(1) {
            assert_eq!((&g.record, &g.labels), (&b.record, &b.labels));
        }
        assert_eq!(
            got.sli.rules[7].expr,
            format!("sum_over_time(slo:sli_error_events:rate5m{SEL}[29d23h59m59s999ms])\n/\nsum_over_time(slo:sli_total_events:rate5m{SEL}[29d23h59m59s999ms])\n")
        );
        assert!(got.sli.rules[2].expr.contains("[59m59s999ms]"));
        assert_eq!(got.extra.len(), 1);
        let g = &got.extra[0];
        assert_eq!(
            g.name,
            "sloth-slo-sli-events-myservice-requests-availability"
        );
        assert_eq!(g.interval.to_string(), "5m");
        assert_eq!(
            g.rules
                .iter()
                .map(|r| (r.record.as_str(), r.expr.as_str()))
                .collect::<Vec<_>>(),
            [
                (
                    ERROR_TILE,
                    r#"sum(rate(http_request_duration_seconds_count{job="myservice",code=~"(5..|429)"}[5m]))"#
                ),
                (
                    TOTAL_TILE,
                    r#"sum(rate(http_request_duration_seconds_count{job="myservice"}[5m]))"#
                ),
            ]
        );
        assert_eq!(g.rules[0].labels, base.sli.rules[0].labels);
    }

    #[test]
    fn counting_queries_become_rates() {
        let plan = plan_with(
            &SPEC.replace("sum(rate(", "sum(increase("),
            &[(ID, Value::Null)],
        )
        .unwrap();
        assert_eq!(
            plan.slos[0].1.extra[0].rules[1].expr,
            r#"(sum(increase(http_request_duration_seconds_count{job="myservice"}[5m]))) / 300"#
        );
    }

    #[test]
    fn windows_that_are_not_whole_steps_keep_raw_queries() {
        assert!(tiled(Duration::parse("1h").unwrap()));
        assert!(!tiled(STEP));
        assert!(!tiled(Duration::parse("7m").unwrap()));
        assert_eq!(
            range(Duration::parse("1h").unwrap()).to_string(),
            "59m59s999ms"
        );
    }
}
