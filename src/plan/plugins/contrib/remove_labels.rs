//! `sloth.dev/contrib/remove_labels/v1`: strips the SLO's own labels from the recording rules,
//! keeping the ID labels (and `sloth_window` on SLI rules) plus `preserveLabels`; rules whose
//! record is `sloth_slo_info` or in `skipMetrics` are left alone (sloth-generation.md §6.2).
//!
//! Deviation from Sloth (docs/deviations.md): Sloth's core metadata plugin gives
//! its six non-info rules one shared label map, so removing labels through any of them removes
//! them from all six, and a `skipMetrics` entry naming one of them has no effect (§12 item 18).
//! slogen honours `skipMetrics` for every rule. Without such an entry the output is the same.

use std::collections::BTreeSet;

use serde::Deserialize;

use super::super::core::config;
use super::super::{Request, SloPlugin};
use crate::plan::{id_labels, Rule, SloRules};

#[derive(Debug, Default, Deserialize)]
struct Config {
    #[serde(rename = "preserveLabels", default)]
    preserve_labels: Vec<String>,
    #[serde(rename = "skipMetrics", default)]
    skip_metrics: Vec<String>,
}

pub(super) fn factory(v: &serde_json::Value) -> Result<Box<dyn SloPlugin>, String> {
    Ok(Box::new(RemoveLabels(config(v)?)))
}

struct RemoveLabels(Config);

impl SloPlugin for RemoveLabels {
    fn process(&self, req: &Request, rules: &mut SloRules) -> Result<(), String> {
        let mut preserve: BTreeSet<String> = id_labels(req.slo).into_keys().collect();
        preserve.extend(self.0.preserve_labels.iter().cloned());
        let mut skip: BTreeSet<&str> = self.0.skip_metrics.iter().map(String::as_str).collect();
        skip.insert("sloth_slo_info");
        let strip = |rules: &mut [Rule], preserve: &BTreeSet<String>| {
            for rule in rules
                .iter_mut()
                .filter(|r| !skip.contains(r.record.as_str()))
            {
                rule.labels.retain(|k, _| preserve.contains(k));
            }
        };
        let mut sli_preserve = preserve.clone();
        sli_preserve.insert("sloth_window".into());
        strip(&mut rules.sli.rules, &sli_preserve);
        strip(&mut rules.metadata.rules, &preserve);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::super::test_util::{baseline, plan_with, SPEC};

    const ID: &str = "sloth.dev/contrib/remove_labels/v1";

    #[test]
    fn keeps_id_window_and_preserved_labels() {
        let plan = plan_with(SPEC, &[(ID, json!({"preserveLabels": ["tier"]}))]).unwrap();
        let mut want = baseline().slos[0].1.clone();
        for r in &mut want.sli.rules {
            r.labels.remove("owner");
        }
        for r in want
            .metadata
            .rules
            .iter_mut()
            .filter(|r| r.record != "sloth_slo_info")
        {
            r.labels.remove("owner");
        }
        let got = &plan.slos[0].1;
        assert_eq!(got, &want);
        let keys: Vec<&str> = got.sli.rules[0].labels.keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            [
                "sloth_id",
                "sloth_service",
                "sloth_slo",
                "sloth_window",
                "tier"
            ]
        );
        let keys: Vec<&str> = got.metadata.rules[0]
            .labels
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(keys, ["sloth_id", "sloth_service", "sloth_slo", "tier"]);
    }

    #[test]
    fn skip_metrics_are_left_alone() {
        let plan = plan_with(
            SPEC,
            &[(
                ID,
                json!({"skipMetrics": ["slo:sli_error:ratio_rate5m", "slo:objective:ratio"]}),
            )],
        )
        .unwrap();
        let base = baseline();
        let (got, base) = (&plan.slos[0].1, &base.slos[0].1);
        assert_eq!(got.sli.rules[0], base.sli.rules[0]);
        assert!(!got.sli.rules[1].labels.contains_key("owner"));
        // slogen honours skipMetrics for metadata rules too (a deviation, see the module doc).
        assert_eq!(got.metadata.rules[0], base.metadata.rules[0]);
        assert!(!got.metadata.rules[1].labels.contains_key("owner"));
        assert_eq!(got.metadata.rules[6], base.metadata.rules[6]);
        assert_eq!(got.alerts, base.alerts);
    }
}
