//! `slogen/min_traffic/v1`: no alert while the long window holds fewer than `min_events` events.
//!
//! Config `{min_events: <number>}`. At 3 a.m. one failed request out of three is a 33% error
//! ratio, far over any burn-rate threshold, yet nothing worth a page. The plugin records the
//! SLO's total events over each alert condition's long window,
//! `slo:sli_total_events:increase<window>`, and adds to each condition
//! `and max(slo:sli_total_events:increase<long window>{…} >= min_events) without (sloth_window)`.
//!
//! The events come from the SLI's `total_query`: multiplied by the window's seconds when it is
//! a rate, as is when it counts events ([`super::events`]). With `slogen/exact_ratio/v1` in
//! the chain they are summed from its 5-minute steps instead of reading raw counters again.

use serde_json::Value;

use super::super::{Request, SloPlugin};
use super::config::{ConfigProblem, Reader};
use super::events::{self, Unit};
use super::{conditions, exact_ratio, severity_rules, EXACT_RATIO};
use crate::duration::Duration;
use crate::gofmt::format_g;
use crate::model::Sli;
use crate::plan::{alerts, id_selector, sli, Rule, SloRules};

/// The recorded total events of a window, `slo:sli_total_events:increase<window>`.
pub const RECORD: &str = "slo:sli_total_events:increase";

/// The parsed config.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MinTraffic {
    pub min_events: f64,
}

fn read(v: &Value) -> (Option<MinTraffic>, Reader) {
    let mut r = Reader::default();
    let cfg = r
        .object(v, &["min_events"])
        .and_then(|m| r.non_negative(m, "min_events"))
        .map(|min_events| MinTraffic { min_events });
    (cfg, r)
}

/// The config, or every problem in it.
pub fn parse(v: &Value) -> Result<MinTraffic, Vec<ConfigProblem>> {
    match read(v) {
        (Some(c), r) if r.problems.is_empty() => Ok(c),
        (_, r) => Err(r.problems),
    }
}

pub(super) fn factory(v: &Value) -> Result<Box<dyn SloPlugin>, String> {
    let (cfg, r) = read(v);
    Ok(Box::new(r.finish(cfg)?))
}

/// The guard line added to a condition whose long window is `long`.
pub fn guard(slo: &crate::model::Slo, long: Duration, min_events: f64) -> String {
    format!(
        "max({RECORD}{long}{} >= {}) without (sloth_window)",
        id_selector(slo),
        format_g(min_events)
    )
}

impl SloPlugin for MinTraffic {
    fn process(&self, req: &Request, rules: &mut SloRules) -> Result<(), String> {
        let slo = req.slo;
        let Sli::Events { total_query, .. } = &slo.sli else {
            return Err(
                "needs an events SLI (error_query and total_query) to count traffic; \
                        a raw error-ratio query has no total"
                    .into(),
            );
        };
        let exact = slo.plugins.iter().any(|p| p.id == EXACT_RATIO);
        let mut longs = Vec::new();
        for (severity, enabled) in [
            ("page", slo.page_alert.is_some()),
            ("ticket", slo.ticket_alert.is_some()),
        ] {
            if !enabled {
                continue;
            }
            let conds = conditions(req.alerts, severity).expect("page and ticket have conditions");
            let mut found = 0;
            let mut missing = None;
            severity_rules(rules, severity, |rule| {
                for c in &conds {
                    let plain = alerts::pair_expr(slo, c, &[]);
                    if rule.expr.contains(&plain) {
                        let guarded =
                            alerts::pair_expr(slo, c, &[guard(slo, c.long, self.min_events)]);
                        rule.expr = rule.expr.replace(&plain, &guarded);
                        found += 1;
                    }
                }
                if found == 0 {
                    missing = Some(rule.alert.clone());
                }
            });
            if found == 0 {
                return Err(match missing {
                    Some(name) => format!(
                        "alert {name:?} ({severity}) holds none of Sloth's window-pair conditions: \
                         chain this plugin once, after sloth.dev/core/alert_rules/v1"
                    ),
                    None => format!(
                        "no {severity} alert rule to guard: chain this plugin after \
                         sloth.dev/core/alert_rules/v1 (priority 0 or more)"
                    ),
                });
            }
            longs.extend(conds.iter().map(|c| c.long));
        }
        longs.sort();
        longs.dedup();
        let sel = id_selector(slo);
        let unit = if exact {
            None
        } else {
            Some(events::unit(slo, total_query)?)
        };
        for w in longs {
            let expr = if exact && exact_ratio::tiled(w) {
                format!(
                    "sum_over_time({}{sel}[{}]) * {}",
                    exact_ratio::TOTAL_TILE,
                    exact_ratio::range(w),
                    exact_ratio::STEP.as_millis() / 1000
                )
            } else {
                let q = sli::render_window(slo, total_query, w).map_err(|e| e.message)?;
                match unit.map_or_else(|| events::unit(slo, total_query), Ok)? {
                    Unit::Rate => format!("({}) * {}", q.trim(), w.as_millis() / 1000),
                    Unit::Count => q.trim().to_string(),
                }
            };
            rules.sli.rules.push(Rule {
                record: format!("{RECORD}{w}"),
                expr,
                labels: sli::labels(slo, w),
                ..Rule::default()
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::super::super::contrib::test_util::{baseline, plan_with, SPEC};
    use super::*;

    const ID: &str = super::super::MIN_TRAFFIC;
    const SEL: &str = r#"{sloth_id="myservice-requests-availability", sloth_service="myservice", sloth_slo="requests-availability"}"#;

    #[test]
    fn records_long_window_traffic_and_guards_each_pair() {
        let plan = plan_with(SPEC, &[(ID, json!({"min_events": 100}))]).unwrap();
        let (got, base) = (&plan.slos[0].1, &baseline().slos[0].1);
        assert_eq!(got.sli.rules[..8], base.sli.rules[..]);
        assert_eq!(got.metadata, base.metadata);
        let extra: Vec<(&str, &str)> = got.sli.rules[8..]
            .iter()
            .map(|r| (r.record.as_str(), r.labels["sloth_window"].as_str()))
            .collect();
        assert_eq!(
            extra,
            [
                ("slo:sli_total_events:increase1h", "1h"),
                ("slo:sli_total_events:increase6h", "6h"),
                ("slo:sli_total_events:increase1d", "1d"),
                ("slo:sli_total_events:increase3d", "3d"),
            ]
        );
        assert_eq!(
            got.sli.rules[8].expr,
            r#"(sum(rate(http_request_duration_seconds_count{job="myservice"}[1h]))) * 3600"#
        );
        let page = &got.alerts.rules[0].expr;
        assert_eq!(page.matches(" >= 100) without (sloth_window)").count(), 2);
        assert!(page.contains(&format!(
            "    max(slo:sli_error:ratio_rate1h{SEL} > (14.4 * 0.0009999999999999432)) without (sloth_window)\n    and\n    max(slo:sli_total_events:increase1h{SEL} >= 100) without (sloth_window)\n)\nor\n"
        )), "{page}");
        assert!(got.alerts.rules[1]
            .expr
            .contains(&format!("max(slo:sli_total_events:increase3d{SEL} >= 100)")));
        // Everything else about the alerts is unchanged.
        for (g, b) in got.alerts.rules.iter().zip(&base.alerts.rules) {
            assert_eq!(
                (&g.alert, &g.labels, &g.annotations),
                (&b.alert, &b.labels, &b.annotations)
            );
        }
    }

    #[test]
    fn counts_stay_counts_and_exact_ratio_steps_are_reused() {
        let spec = SPEC.replace("sum(rate(", "sum(increase(");
        let plan = plan_with(&spec, &[(ID, json!({"min_events": 5}))]).unwrap();
        assert_eq!(
            plan.slos[0].1.sli.rules[8].expr,
            r#"sum(increase(http_request_duration_seconds_count{job="myservice"}[1h]))"#
        );
        let plan = plan_with(
            SPEC,
            &[
                (super::super::EXACT_RATIO, Value::Null),
                (ID, json!({"min_events": 5})),
            ],
        )
        .unwrap();
        assert_eq!(
            plan.slos[0].1.sli.rules[8].expr,
            format!("sum_over_time(slo:sli_total_events:rate5m{SEL}[59m59s999ms]) * 300")
        );
    }

    #[test]
    fn config_and_sli_problems() {
        let e = parse(&json!({"min_events": -1})).unwrap_err();
        assert_eq!(
            e[0].to_string(),
            "config.min_events: must be at least 0, found -1"
        );
        let e = parse(&json!({})).unwrap_err();
        assert!(e[0].message.contains("min_events is required"), "{e:?}");
        let e = parse(&json!({"min_events": "10"})).unwrap_err();
        assert!(e[0].message.contains("must be a number, found a string"));
        let raw = SPEC.replace(
            "      events:\n        error_query: sum(rate(http_request_duration_seconds_count{job=\"myservice\",code=~\"(5..|429)\"}[{{.window}}]))\n        total_query:",
            "      raw:\n        error_ratio_query:",
        );
        let err = plan_with(&raw, &[(ID, json!({"min_events": 1}))]).unwrap_err();
        assert!(err.contains("needs an events SLI"), "{err}");
    }
}
