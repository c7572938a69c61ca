//! slogen's own SLO plugins: opt-in extensions under `slogen/...` IDs, one file each.
//!
//! They run in the plugin chain like Sloth's contrib plugins (priority 0 or more, after the
//! default plugins), so a spec that uses none of them generates Sloth's bytes, and Sloth
//! itself refuses a spec that uses one with "plugin not found". Unlike the contrib plugins,
//! their configs are checked strictly: [`check_config`] reports every unknown key and bad value
//! with its path, which `validate` and `lint` show at the key's line and column (V018).

pub mod alert_for;
pub mod burn_window_label;
pub mod check;
pub mod config;
pub mod events;
pub mod exact_ratio;
pub mod min_traffic;

use serde_json::Value;

use super::Factory;
use crate::duration::Duration;
use crate::model::Slo;
use crate::plan::mwmb::{MwmbAlert, MwmbAlerts};
use crate::plan::{Rule, SloRules};

pub use config::ConfigProblem;

pub const ALERT_FOR: &str = "slogen/alert_for/v1";
pub const MIN_TRAFFIC: &str = "slogen/min_traffic/v1";
pub const BURN_WINDOW_LABEL: &str = "slogen/burn_window_label/v1";
pub const EXACT_RATIO: &str = "slogen/exact_ratio/v1";

/// The slogen SLO plugins by ID.
pub const FACTORIES: &[(&str, Factory)] = &[
    (ALERT_FOR, alert_for::factory),
    (MIN_TRAFFIC, min_traffic::factory),
    (BURN_WINDOW_LABEL, burn_window_label::factory),
    (EXACT_RATIO, exact_ratio::factory),
];

/// Every problem in the config of slogen plugin `id`; `None` when `id` is not one of them.
pub fn check_config(id: &str, config: &Value) -> Option<Vec<ConfigProblem>> {
    Some(match id {
        ALERT_FOR => alert_for::parse(config).err().unwrap_or_default(),
        MIN_TRAFFIC => min_traffic::parse(config).err().unwrap_or_default(),
        BURN_WINDOW_LABEL => burn_window_label::check(config),
        EXACT_RATIO => exact_ratio::check(config),
        _ => return None,
    })
}

/// What an SLO's chain asks of the slogen plugins, for `explain` and `test-rules`.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Options {
    pub page_for: Duration,
    pub ticket_for: Duration,
    /// `min_traffic`'s floor.
    pub min_events: Option<f64>,
    /// `burn_window_label`: one alert rule per window pair.
    pub split: bool,
    /// `exact_ratio`: windows derived from 5-minute steps.
    pub exact: bool,
}

impl Options {
    /// The options of `slo`'s final chain (configs that do not parse count as absent; they
    /// fail generation anyway).
    pub fn of(slo: &Slo) -> Self {
        let mut o = Options::default();
        for p in &slo.plugins {
            match p.id.as_str() {
                ALERT_FOR => {
                    if let Ok(c) = alert_for::parse(&p.config) {
                        o.page_for = c.page;
                        o.ticket_for = c.ticket;
                    }
                }
                MIN_TRAFFIC => {
                    o.min_events = min_traffic::parse(&p.config).ok().map(|c| c.min_events)
                }
                BURN_WINDOW_LABEL => o.split = true,
                EXACT_RATIO => o.exact = true,
                _ => {}
            }
        }
        o
    }

    /// The `for` of a severity's alerts.
    pub fn for_of(&self, severity: &str) -> Duration {
        if severity == "page" {
            self.page_for
        } else {
            self.ticket_for
        }
    }
}

/// The quick and slow window pairs of `severity` (`page` or `ticket`).
pub fn conditions(alerts: &MwmbAlerts, severity: &str) -> Option<[MwmbAlert; 2]> {
    match severity {
        "page" => Some([alerts.page_quick, alerts.page_slow]),
        "ticket" => Some([alerts.ticket_quick, alerts.ticket_slow]),
        _ => None,
    }
}

/// Calls `f` on every alert rule labelled `sloth_severity: <severity>`; returns how many.
fn severity_rules(rules: &mut SloRules, severity: &str, mut f: impl FnMut(&mut Rule)) -> usize {
    let mut n = 0;
    for r in &mut rules.alerts.rules {
        if !r.alert.is_empty()
            && r.labels.get("sloth_severity").map(String::as_str) == Some(severity)
        {
            f(r);
            n += 1;
        }
    }
    n
}

/// The operands of an expression's top-level `or`s, trimmed of surrounding newlines.
pub fn split_or(expr: &str) -> Vec<&str> {
    let b = expr.as_bytes();
    let (mut depth, mut quote, mut start) = (0i32, None::<u8>, 0usize);
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        match quote {
            Some(q) => {
                if c == b'\\' {
                    i += 1;
                } else if c == q {
                    quote = None;
                }
            }
            None => match c {
                b'"' | b'\'' | b'`' => quote = Some(c),
                b'(' | b'{' | b'[' => depth += 1,
                b')' | b'}' | b']' => depth -= 1,
                b'o' if depth == 0
                    && b[i..].starts_with(b"or")
                    && (i == 0 || b[i - 1].is_ascii_whitespace())
                    && b.get(i + 2).is_none_or(|n| n.is_ascii_whitespace()) =>
                {
                    out.push(expr[start..i].trim_matches('\n'));
                    start = i + 2;
                    i += 1;
                }
                _ => {}
            },
        }
        i += 1;
    }
    out.push(expr[start..].trim_matches('\n'));
    out
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::super::contrib::test_util::{baseline, plan_with, SPEC};
    use super::*;

    #[test]
    fn split_or_at_top_level_only() {
        assert_eq!(
            split_or("(\na or b\n)\nor\n(\nc\n)\n"),
            ["(\na or b\n)", "(\nc\n)"]
        );
        assert_eq!(split_or(r#"x{a="or ("} or y"#), [r#"x{a="or ("} "#, " y"]);
        assert_eq!(split_or("orange"), ["orange"]);
    }

    #[test]
    fn plugins_compose_in_any_order() {
        let all = [
            (ALERT_FOR, json!({"page": "2m", "ticket": "10m"})),
            (MIN_TRAFFIC, json!({"min_events": 50})),
            (BURN_WINDOW_LABEL, Value::Null),
            (EXACT_RATIO, Value::Null),
        ];
        let forward = plan_with(SPEC, &all).unwrap();
        let mut rev = all.clone();
        rev.reverse();
        let backward = plan_with(SPEC, &rev).unwrap();
        let (f, b) = (&forward.slos[0].1, &backward.slos[0].1);
        assert_eq!(f.alerts, b.alerts);
        assert_eq!(f.extra, b.extra);
        assert_eq!(f.alerts.rules.len(), 4);
        for r in &f.alerts.rules {
            assert_eq!(
                r.expr.matches(">= 50) without (sloth_window)").count(),
                1,
                "{}",
                r.expr
            );
            let want = if r.labels["sloth_severity"] == "page" {
                "2m"
            } else {
                "10m"
            };
            assert_eq!(r.for_.to_string(), want);
        }
        // The same SLI rules whatever the order (min_traffic reads exact_ratio's steps).
        let mut fs = f.sli.rules.clone();
        let mut bs = b.sli.rules.clone();
        fs.sort_by(|x, y| x.record.cmp(&y.record));
        bs.sort_by(|x, y| x.record.cmp(&y.record));
        assert_eq!(fs, bs);
        let o = Options::of(&crate::prove::tests_support::slo(99.9));
        assert_eq!(o, Options::default());
        assert_ne!(baseline().slos[0].1, *f);
    }
}
