//! `slogen/alert_for/v1`: a `for:` duration on the page and ticket alerts.
//!
//! Config `{page: <duration>, ticket: <duration>}`, either left out. A condition must then hold
//! for that long, at every evaluation, before the alert fires: a burn that ends sooner (a
//! failover, a deploy) never pages. Detection is delayed by exactly the duration.

use serde_json::Value;

use super::super::{Request, SloPlugin};
use super::config::{ConfigProblem, Reader};
use super::severity_rules;
use crate::duration::Duration;
use crate::plan::SloRules;

/// The parsed config.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct AlertFor {
    pub page: Duration,
    pub ticket: Duration,
}

fn read(v: &Value) -> (Option<AlertFor>, Reader) {
    let mut r = Reader::default();
    let Some(map) = r.object(v, &["page", "ticket"]) else {
        return (None, r);
    };
    let (page, ticket) = (r.duration(map, "page"), r.duration(map, "ticket"));
    let cfg = match (page, ticket) {
        (Some(page), Some(ticket)) => Some(AlertFor { page, ticket }),
        _ => None,
    };
    (cfg, r)
}

/// The config, or every problem in it.
pub fn parse(v: &Value) -> Result<AlertFor, Vec<ConfigProblem>> {
    match read(v) {
        (Some(c), r) if r.problems.is_empty() => Ok(c),
        (_, r) => Err(r.problems),
    }
}

pub(super) fn factory(v: &Value) -> Result<Box<dyn SloPlugin>, String> {
    let (cfg, r) = read(v);
    Ok(Box::new(r.finish(cfg)?))
}

impl SloPlugin for AlertFor {
    fn process(&self, req: &Request, rules: &mut SloRules) -> Result<(), String> {
        for (severity, for_, enabled) in [
            ("page", self.page, req.slo.page_alert.is_some()),
            ("ticket", self.ticket, req.slo.ticket_alert.is_some()),
        ] {
            if !enabled || for_.is_zero() {
                continue;
            }
            let found = severity_rules(rules, severity, |r| r.for_ = for_);
            if found == 0 {
                return Err(format!(
                    "no {severity} alert rule to set `for` on: chain this plugin after \
                     sloth.dev/core/alert_rules/v1 (priority 0 or more)"
                ));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::super::super::contrib::test_util::{baseline, plan_with, SPEC};
    use super::*;

    const ID: &str = super::super::ALERT_FOR;

    #[test]
    fn sets_for_by_severity_and_nothing_else() {
        let plan = plan_with(SPEC, &[(ID, json!({"page": "5m", "ticket": "1h"}))]).unwrap();
        let mut want = baseline().slos[0].1.clone();
        want.alerts.rules[0].for_ = Duration::parse("5m").unwrap();
        want.alerts.rules[1].for_ = Duration::parse("1h").unwrap();
        assert_eq!(plan.slos[0].1, want);
        let plan = plan_with(SPEC, &[(ID, json!({"ticket": "2m"}))]).unwrap();
        assert!(plan.slos[0].1.alerts.rules[0].for_.is_zero());
        assert_eq!(plan.slos[0].1.alerts.rules[1].for_.to_string(), "2m");
    }

    #[test]
    fn config_problems_name_the_key() {
        let errs = parse(&json!({"page": "5 minutes", "tickt": "1h", "ticket": 5})).unwrap_err();
        let text: Vec<String> = errs.iter().map(|e| e.to_string()).collect();
        assert_eq!(text.len(), 3, "{text:?}");
        assert!(
            text[0].starts_with("config.tickt: unknown key \"tickt\" (known keys: page, ticket)"),
            "{text:?}"
        );
        assert!(
            text[1].starts_with("config.page: not a valid duration string"),
            "{text:?}"
        );
        assert!(
            text[2].contains(
                "config.ticket: must be a duration string such as \"5m\", found a number"
            ),
            "{text:?}"
        );
        assert_eq!(errs[0].path, ["tickt"]);
        assert!(errs[0].on_key);
        assert!(parse(&json!([1])).is_err());
        assert_eq!(parse(&Value::Null), Ok(AlertFor::default()));
    }

    #[test]
    fn refuses_to_run_before_the_alert_rules() {
        let early = SPEC.replace(
            "slos:\n",
            "slo_plugins:\n  chain:\n    - id: slogen/alert_for/v1\n      priority: -1\n      config: {page: 5m}\nslos:\n",
        );
        let err = plan_with(&early, &[]).unwrap_err();
        assert!(
            err.contains("V018") && err.contains("use a priority of 0 or more"),
            "{err}"
        );
        // Without the default plugins there is nothing to edit.
        let alone = SPEC.replace(
            "slos:\n",
            "slo_plugins:\n  overridePrevious: true\n  chain:\n    - id: slogen/alert_for/v1\n      config: {page: 5m}\nslos:\n",
        );
        let err = plan_with(&alone, &[]).unwrap_err();
        assert!(err.contains("no page alert rule to set `for` on"), "{err}");
    }
}
