//! `sloth.dev/contrib/error_budget_exhausted_alert/v1`: appends an alert that fires when the
//! period's error budget remaining drops to `threshold` (sloth-generation.md §6.2, §11b).
//!
//! compat(sloth): the selector is the three ID labels (`sloth_id` rebuilt as
//! `<service>-<name>`), then the SLO's labels (extra labels included), then
//! `selector_labels`, printed as a byte-sorted label set; the threshold prints with `%g`. It
//! appends, so it must run after the default `alert_rules` plugin, which replaces the group.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::super::core::config;
use super::super::{Request, SloPlugin};
use super::config_duration;
use crate::duration::Duration;
use crate::gofmt;
use crate::model::Labels;
use crate::plan::{Rule, SloRules};

#[derive(Debug, Default, Deserialize)]
struct Config {
    #[serde(default)]
    threshold: f64,
    #[serde(rename = "for")]
    for_: Option<String>,
    #[serde(default)]
    annotations: Labels,
    #[serde(default)]
    alert_name: String,
    #[serde(default)]
    selector_labels: Labels,
    #[serde(default)]
    alert_labels: Labels,
}

pub(super) fn factory(v: &serde_json::Value) -> Result<Box<dyn SloPlugin>, String> {
    let mut cfg: Config = config(v)?;
    let mut for_ = config_duration("for", &cfg.for_)?;
    if for_.is_zero() {
        for_ = Duration::from_millis(5 * 60 * 1000);
    }
    if cfg.alert_name.is_empty() {
        cfg.alert_name = "ErrorBudgetExhausted".into();
    }
    Ok(Box::new(ErrorBudgetExhausted { cfg, for_ }))
}

struct ErrorBudgetExhausted {
    cfg: Config,
    for_: Duration,
}

impl SloPlugin for ErrorBudgetExhausted {
    fn process(&self, req: &Request, rules: &mut SloRules) -> Result<(), String> {
        let slo = req.slo;
        let mut selector: BTreeMap<&str, String> = BTreeMap::from([
            ("sloth_slo", slo.name.clone()),
            ("sloth_service", slo.service.clone()),
            ("sloth_id", format!("{}-{}", slo.service, slo.name)),
        ]);
        for (k, v) in slo.labels.iter().chain(self.cfg.selector_labels.iter()) {
            selector.insert(k, v.clone());
        }
        let set = gofmt::label_set(selector.iter().map(|(k, v)| (*k, v.as_str())));
        rules.alerts.rules.push(Rule {
            alert: self.cfg.alert_name.clone(),
            expr: format!(
                "slo:period_error_budget_remaining:ratio{set} <= {}",
                gofmt::format_g(self.cfg.threshold)
            ),
            for_: self.for_,
            labels: self.cfg.alert_labels.clone(),
            annotations: self.cfg.annotations.clone(),
            ..Rule::default()
        });
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::super::test_util::{baseline, plan_with, SPEC};
    use crate::duration::Duration;
    use crate::plan::Rule;

    const ID: &str = "sloth.dev/contrib/error_budget_exhausted_alert/v1";

    #[test]
    fn appends_the_alert_after_the_default_alerts() {
        let plan = plan_with(SPEC, &[(ID, json!({"alert_labels": {"severity": "info"}}))]).unwrap();
        let mut want = baseline().slos[0].1.clone();
        // sloth-generation.md §11b: byte-sorted selector with the spec labels, `<= 0`, 5m.
        want.alerts.rules.push(Rule {
            alert: "ErrorBudgetExhausted".into(),
            expr: r#"slo:period_error_budget_remaining:ratio{owner="myteam", sloth_id="myservice-requests-availability", sloth_service="myservice", sloth_slo="requests-availability", tier="2"} <= 0"#.into(),
            for_: Duration::parse("5m").unwrap(),
            labels: [("severity".to_string(), "info".to_string())].into(),
            ..Rule::default()
        });
        assert_eq!(plan.slos[0].1, want);
    }

    #[test]
    fn config_threshold_for_name_selector_annotations() {
        let cfg = json!({
            "threshold": -0.1, "for": "1h", "alert_name": "Out",
            "selector_labels": {"env": "prod", "owner": "other"},
            "annotations": {"summary": "gone"}
        });
        let plan = plan_with(SPEC, &[(ID, cfg)]).unwrap();
        let alert = plan.slos[0].1.alerts.rules.last().unwrap();
        assert_eq!(alert.alert, "Out");
        assert_eq!(
            alert.expr,
            r#"slo:period_error_budget_remaining:ratio{env="prod", owner="other", sloth_id="myservice-requests-availability", sloth_service="myservice", sloth_slo="requests-availability", tier="2"} <= -0.1"#
        );
        assert_eq!(alert.for_, Duration::parse("1h").unwrap());
        assert!(alert.labels.is_empty());
        assert_eq!(
            alert.annotations.get("summary").map(String::as_str),
            Some("gone")
        );
    }

    #[test]
    fn bad_config_is_an_error() {
        let err = plan_with(SPEC, &[(ID, json!({"threshold": "low"}))]).unwrap_err();
        assert!(err.contains("invalid config"), "{err}");
    }
}
