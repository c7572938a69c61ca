//! `sloth.dev/contrib/info_labels/v1`: adds labels to the SLO's info metric.
//!
//! compat(sloth): only the **first** metadata rule whose record is `metricName` is changed, and
//! the config's labels override existing ones, `sloth_*` included (sloth-generation.md §6.2,
//! §12 item 19).

use serde::Deserialize;

use super::super::core::config;
use super::super::{Request, SloPlugin};
use crate::model::Labels;
use crate::plan::SloRules;

#[derive(Debug, Default, Deserialize)]
struct Config {
    #[serde(default)]
    labels: Labels,
    #[serde(rename = "metricName", default)]
    metric_name: String,
}

pub(super) fn factory(v: &serde_json::Value) -> Result<Box<dyn SloPlugin>, String> {
    let mut cfg: Config = config(v)?;
    if cfg.metric_name.is_empty() {
        cfg.metric_name = "sloth_slo_info".into();
    }
    if cfg.labels.is_empty() {
        return Err("at least one label is required".into());
    }
    Ok(Box::new(InfoLabels(cfg)))
}

struct InfoLabels(Config);

impl SloPlugin for InfoLabels {
    fn process(&self, _: &Request, rules: &mut SloRules) -> Result<(), String> {
        if let Some(rule) = rules
            .metadata
            .rules
            .iter_mut()
            .find(|r| r.record == self.0.metric_name)
        {
            rule.labels.extend(self.0.labels.clone());
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::super::test_util::{baseline, plan_with, SPEC};

    const ID: &str = "sloth.dev/contrib/info_labels/v1";

    #[test]
    fn merges_into_the_info_rule_only_overriding_existing_labels() {
        let plan = plan_with(
            SPEC,
            &[(ID, json!({"labels": {"k1": "v1", "sloth_mode": "custom"}}))],
        )
        .unwrap();
        let mut want = baseline().slos[0].1.clone();
        let info = want
            .metadata
            .rules
            .iter_mut()
            .find(|r| r.record == "sloth_slo_info")
            .unwrap();
        info.labels.insert("k1".into(), "v1".into());
        info.labels.insert("sloth_mode".into(), "custom".into());
        assert_eq!(plan.slos[0].1, want);
    }

    #[test]
    fn other_metric_name() {
        let plan = plan_with(
            SPEC,
            &[(
                ID,
                json!({"labels": {"k": "v"}, "metricName": "slo:objective:ratio"}),
            )],
        )
        .unwrap();
        let meta = &plan.slos[0].1.metadata.rules;
        assert_eq!(meta[0].labels.get("k").map(String::as_str), Some("v"));
        assert!(!meta[6].labels.contains_key("k"));
    }

    #[test]
    fn labels_are_required() {
        let err = plan_with(SPEC, &[(ID, json!({"metricName": "x"}))]).unwrap_err();
        assert!(err.contains("at least one label is required"), "{err}");
        let err = plan_with(SPEC, &[(ID, serde_json::Value::Null)]).unwrap_err();
        assert!(err.contains("at least one label is required"), "{err}");
    }
}
