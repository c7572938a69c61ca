//! `sloth.dev/contrib/rule_intervals/v1`: sets the evaluation interval of the SLI, metadata and
//! alert groups (each its own value, else `default`). Groups added by other plugins are left
//! alone (sloth-generation.md §6.2).

use serde::Deserialize;

use super::super::core::config;
use super::super::{Request, SloPlugin};
use super::config_duration;
use crate::duration::Duration;
use crate::plan::SloRules;

#[derive(Debug, Default, Deserialize)]
struct Config {
    #[serde(default)]
    interval: IntervalConfig,
}

#[derive(Debug, Default, Deserialize)]
struct IntervalConfig {
    default: Option<String>,
    #[serde(rename = "sliError")]
    sli_error: Option<String>,
    metadata: Option<String>,
    alert: Option<String>,
}

pub(super) fn factory(v: &serde_json::Value) -> Result<Box<dyn SloPlugin>, String> {
    let cfg: Config = config(v)?;
    let i = &cfg.interval;
    let default = config_duration("interval.default", &i.default)?;
    if default.is_zero() {
        return Err("at least default interval is required".into());
    }
    let pick = |field: &str, v: &Option<String>| -> Result<Duration, String> {
        let d = config_duration(field, v)?;
        Ok(if d.is_zero() { default } else { d })
    };
    Ok(Box::new(RuleIntervals {
        sli: pick("interval.sliError", &i.sli_error)?,
        metadata: pick("interval.metadata", &i.metadata)?,
        alert: pick("interval.alert", &i.alert)?,
    }))
}

struct RuleIntervals {
    sli: Duration,
    metadata: Duration,
    alert: Duration,
}

impl SloPlugin for RuleIntervals {
    fn process(&self, _: &Request, rules: &mut SloRules) -> Result<(), String> {
        rules.sli.interval = self.sli;
        rules.metadata.interval = self.metadata;
        rules.alerts.interval = self.alert;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::super::test_util::{baseline, plan_with, SPEC};
    use crate::duration::Duration;

    const ID: &str = "sloth.dev/contrib/rule_intervals/v1";

    #[test]
    fn default_and_specific_intervals() {
        let plan = plan_with(
            SPEC,
            &[(ID, json!({"interval": {"default": "5m", "alert": "1m30s"}}))],
        )
        .unwrap();
        let mut want = baseline().slos[0].1.clone();
        want.sli.interval = Duration::parse("5m").unwrap();
        want.metadata.interval = Duration::parse("5m").unwrap();
        want.alerts.interval = Duration::parse("90s").unwrap();
        assert_eq!(plan.slos[0].1, want);
    }

    #[test]
    fn default_is_required_and_durations_are_checked() {
        let err = plan_with(SPEC, &[(ID, json!({"interval": {"sliError": "1m"}}))]).unwrap_err();
        assert!(
            err.contains("at least default interval is required"),
            "{err}"
        );
        let err =
            plan_with(SPEC, &[(ID, json!({"interval": {"default": "5 minutes"}}))]).unwrap_err();
        assert!(
            err.contains("interval.default: not a valid duration string"),
            "{err}"
        );
    }
}
