//! `slogen/burn_window_label/v1`: one alert rule per window pair, labelled with its long window.
//!
//! Sloth writes each severity as one rule, `(quick pair) or (slow pair)`, so a firing alert
//! does not say which pair fired. This plugin splits each rule into one rule per pair, with
//! the label `sloth_window: <long window>` (for example `1h`); the alert name, severity,
//! labels, annotations and `for` are kept. Alertmanager routes and inhibits on the label, and
//! dashboards show it. Takes no config.

use serde_json::Value;

use super::super::{Request, SloPlugin};
use super::config::{check_none, without_config, ConfigProblem};
use super::{conditions, split_or};
use crate::plan::{Rule, SloRules};

/// The label each split rule carries.
pub const LABEL: &str = "sloth_window";

pub(super) struct BurnWindowLabel;

/// Every problem in the config (it takes none).
pub fn check(v: &Value) -> Vec<ConfigProblem> {
    check_none(v)
}

pub(super) fn factory(v: &Value) -> Result<Box<dyn SloPlugin>, String> {
    Ok(Box::new(without_config(v, BurnWindowLabel)?))
}

impl SloPlugin for BurnWindowLabel {
    fn process(&self, req: &Request, rules: &mut SloRules) -> Result<(), String> {
        let mut out: Vec<Rule> = Vec::with_capacity(rules.alerts.rules.len() * 2);
        for rule in std::mem::take(&mut rules.alerts.rules) {
            let severity = rule.labels.get("sloth_severity").cloned();
            let Some(conds) = severity.as_deref().and_then(|s| conditions(req.alerts, s)) else {
                out.push(rule);
                continue;
            };
            let pieces = split_or(&rule.expr);
            let matches = pieces.len() == conds.len()
                && pieces.iter().zip(&conds).all(|(p, c)| {
                    p.contains(&format!(
                        "{}{} > ",
                        crate::plan::sli::record_name(c.long),
                        crate::plan::id_selector(req.slo)
                    ))
                });
            if !matches {
                return Err(format!(
                    "alert {:?} ({}) is not Sloth's `(quick pair) or (slow pair)`: chain this \
                     plugin once, after sloth.dev/core/alert_rules/v1 (priority 0 or more)",
                    rule.alert,
                    severity.unwrap_or_default()
                ));
            }
            for (piece, cond) in pieces.iter().zip(&conds) {
                let mut r = rule.clone();
                r.expr = format!("{piece}\n");
                r.labels.insert(LABEL.to_string(), cond.long.to_string());
                out.push(r);
            }
        }
        rules.alerts.rules = out;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::super::super::contrib::test_util::{baseline, plan_with, SPEC};
    use super::*;

    const ID: &str = super::super::BURN_WINDOW_LABEL;

    #[test]
    fn one_rule_per_pair_with_its_long_window() {
        let plan = plan_with(SPEC, &[(ID, Value::Null)]).unwrap();
        let base = baseline().slos[0].1.clone();
        let got = &plan.slos[0].1;
        assert_eq!((&got.sli, &got.metadata), (&base.sli, &base.metadata));
        let windows: Vec<(&str, &str)> = got
            .alerts
            .rules
            .iter()
            .map(|r| {
                (
                    r.labels["sloth_severity"].as_str(),
                    r.labels[LABEL].as_str(),
                )
            })
            .collect();
        assert_eq!(
            windows,
            [
                ("page", "1h"),
                ("page", "6h"),
                ("ticket", "1d"),
                ("ticket", "3d")
            ]
        );
        for (i, r) in got.alerts.rules.iter().enumerate() {
            let orig = &base.alerts.rules[i / 2];
            assert_eq!((&r.alert, &r.annotations), (&orig.alert, &orig.annotations));
            let mut labels = r.labels.clone();
            labels.remove(LABEL);
            assert_eq!(labels, orig.labels);
            // Each piece is one of the original's two pairs, whole.
            let body = r.expr.trim_end_matches('\n');
            assert!(orig.expr.contains(body), "{}", r.expr);
            assert_eq!(r.expr.matches("\nor\n").count(), 0);
        }
        assert!(got.alerts.rules[0]
            .expr
            .contains("slo:sli_error:ratio_rate1h{"));
        assert!(got.alerts.rules[1]
            .expr
            .contains("slo:sli_error:ratio_rate6h{"));
    }

    #[test]
    fn takes_no_config() {
        let errs = check(&json!({"label": "x"}));
        assert_eq!(errs.len(), 1);
        assert!(errs[0].to_string().contains("this plugin takes no config"));
        assert!(check(&json!({})).is_empty());
    }
}
