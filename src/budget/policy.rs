//! The error-budget policy: levels by remaining budget, and the deployment gate's decision.
//!
//! Takes [`SloStatus`] values (or the error that prevented reading them) and a [`GatePolicy`];
//! produces a [`GateDecision`]: allow, block, or cannot decide, with a one-line reason and the
//! policy level of the SLO with the least budget. The default levels follow the common
//! error-budget policy: more than 50% left ship freely, 20–50% be cautious, 5–20% focus on
//! reliability, under 5% freeze features. A firing page alert blocks whatever the budget (an
//! incident is going on), unless `allow_firing` is set. A small YAML file can change every
//! threshold.
//!
//! Shares are written `10%` (a percentage) or `0.1` (a ratio in [0, 1]); [`parse_fraction`]
//! accepts both and keeps which one was written, so messages can show how it was read.

use std::fmt;

use serde::Serialize;

use crate::live::SloStatus;
use crate::prom::Error;

/// What the remaining budget says about shipping.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PolicyLevel {
    ShipFreely,
    Cautious,
    FocusOnReliability,
    Freeze,
}

/// The colours every view of slogen (dashboards, pages, reports) shows states in, from
/// Grafana's classic palette so that a generated dashboard and a hand-made one agree.
pub mod colour {
    pub const GREEN: &str = "#73BF69";
    pub const YELLOW: &str = "#FADE2A";
    pub const ORANGE: &str = "#FF9830";
    pub const RED: &str = "#F2495C";
    /// No level: the budget is unknown (no traffic, or not recorded).
    pub const GREY: &str = "#8E8E8E";
}

impl PolicyLevel {
    /// Every level, from the most budget left to the least.
    pub const ALL: [PolicyLevel; 4] = [
        PolicyLevel::ShipFreely,
        PolicyLevel::Cautious,
        PolicyLevel::FocusOnReliability,
        PolicyLevel::Freeze,
    ];

    /// The level's name in JSON, MCP, configuration, URLs and CSS classes: `ship_freely`,
    /// `cautious`, `focus_on_reliability`, `freeze`.
    pub fn name(self) -> &'static str {
        match self {
            PolicyLevel::ShipFreely => "ship_freely",
            PolicyLevel::Cautious => "cautious",
            PolicyLevel::FocusOnReliability => "focus_on_reliability",
            PolicyLevel::Freeze => "freeze",
        }
    }

    /// The level named `name` ([`PolicyLevel::name`]).
    pub fn from_name(name: &str) -> Option<PolicyLevel> {
        PolicyLevel::ALL.into_iter().find(|l| l.name() == name)
    }

    /// The colour this level is shown in: green, yellow, orange, red.
    pub fn colour(self) -> &'static str {
        match self {
            PolicyLevel::ShipFreely => colour::GREEN,
            PolicyLevel::Cautious => colour::YELLOW,
            PolicyLevel::FocusOnReliability => colour::ORANGE,
            PolicyLevel::Freeze => colour::RED,
        }
    }

    /// The advice shown to people.
    pub fn advice(self) -> &'static str {
        match self {
            PolicyLevel::ShipFreely => "ship freely",
            PolicyLevel::Cautious => "be cautious with risky changes",
            PolicyLevel::FocusOnReliability => "focus on reliability",
            PolicyLevel::Freeze => "freeze features",
        }
    }
}

impl fmt::Display for PolicyLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.advice())
    }
}

/// Lower bounds (ratios) of the levels: at or above `ship_freely` ships freely, and so on;
/// below `focus_on_reliability` is a freeze.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Levels {
    pub ship_freely: f64,
    pub cautious: f64,
    pub focus_on_reliability: f64,
}

impl Default for Levels {
    fn default() -> Self {
        Levels {
            ship_freely: 0.5,
            cautious: 0.2,
            focus_on_reliability: 0.05,
        }
    }
}

impl Levels {
    /// The level for a remaining budget ratio. A boundary value belongs to the better level
    /// except 50%, which is "cautious" ("more than 50%" ships freely).
    pub fn level(&self, remaining: f64) -> PolicyLevel {
        if remaining > self.ship_freely {
            PolicyLevel::ShipFreely
        } else if remaining >= self.cautious {
            PolicyLevel::Cautious
        } else if remaining >= self.focus_on_reliability {
            PolicyLevel::FocusOnReliability
        } else {
            PolicyLevel::Freeze
        }
    }

    /// The remaining budgets each level covers, `(level, lowest, highest)`, both ends
    /// included (`None`: unbounded). Neighbouring levels share their boundary;
    /// [`Levels::level`] says which of the two a boundary value belongs to.
    pub fn bands(&self) -> [(PolicyLevel, Option<f64>, Option<f64>); 4] {
        [
            (PolicyLevel::ShipFreely, Some(self.ship_freely), None),
            (
                PolicyLevel::Cautious,
                Some(self.cautious),
                Some(self.ship_freely),
            ),
            (
                PolicyLevel::FocusOnReliability,
                Some(self.focus_on_reliability),
                Some(self.cautious),
            ),
            (PolicyLevel::Freeze, None, Some(self.focus_on_reliability)),
        ]
    }

    fn check(&self) -> Result<(), String> {
        let ok = self.ship_freely >= self.cautious && self.cautious >= self.focus_on_reliability;
        if ok {
            Ok(())
        } else {
            Err("levels must satisfy ship_freely >= cautious >= focus_on_reliability".into())
        }
    }
}

/// The rules the gate applies.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GatePolicy {
    /// Block when any selected SLO has less budget left than this ratio.
    pub min_budget: f64,
    /// Where `min_budget` came from and how it was read, e.g. `--min-budget 0.1 read as a
    /// ratio`; shown in the decision.
    pub min_budget_origin: String,
    /// Block when any selected SLO burns faster than this (current 5m burn rate).
    pub max_burn_rate: Option<f64>,
    /// Allow when there is no data (no series, or NaN budgets) instead of "cannot decide".
    pub allow_no_data: bool,
    /// Do not block on firing page alerts (by default an SLO that pages blocks).
    pub allow_firing: bool,
    pub levels: Levels,
}

impl Default for GatePolicy {
    fn default() -> Self {
        GatePolicy {
            min_budget: 0.1,
            min_budget_origin: "the default".into(),
            max_burn_rate: None,
            allow_no_data: false,
            allow_firing: false,
            levels: Levels::default(),
        }
    }
}

/// The gate's answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Allow,
    Block,
    /// Prometheus could not be asked, or had no data: exit 2.
    Undecided,
}

/// A decision with the one-line reason behind it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GateDecision {
    pub verdict: Verdict,
    /// One line, naming the SLO, the value and the threshold that decided.
    pub reason: String,
    /// The level of the SLO with the least known budget, when there is one.
    pub level: Option<PolicyLevel>,
    /// The lowest known remaining budget (ratio).
    pub lowest_budget: Option<f64>,
}

/// Formats a ratio as a percentage with two decimals (`0.30085` → `30.09%`).
pub fn percent(ratio: f64) -> String {
    if ratio.is_nan() {
        return "NaN".into();
    }
    format!("{:.2}%", ratio * 100.0)
}

/// The first firing page alert of the statuses (most at risk first), with its SLO.
pub fn firing_page(statuses: &[SloStatus]) -> Option<(&SloStatus, &crate::live::FiringAlert)> {
    statuses.iter().find_map(|s| {
        s.alerts
            .iter()
            .find(|a| a.severity == "page")
            .map(|a| (s, a))
    })
}

/// Decides whether to deploy from the statuses, or from the error that prevented reading them.
///
/// In order: no data at all (undecided, or allowed with `allow_no_data`); a firing page alert
/// (block, unless `allow_firing`); an SLO without a known budget (undecided unless
/// `allow_no_data`); the lowest budget under `min_budget` (block); a burn rate over
/// `max_burn_rate` (block); else allow.
pub fn decide(statuses: Result<&[SloStatus], &Error>, policy: &GatePolicy) -> GateDecision {
    let undecided = |reason: String| GateDecision {
        verdict: Verdict::Undecided,
        reason,
        level: None,
        lowest_budget: None,
    };
    let statuses = match statuses {
        Ok(s) => s,
        Err(e @ Error::NoData { .. }) if policy.allow_no_data => {
            return GateDecision {
                verdict: Verdict::Allow,
                reason: format!("{e}; allowed by --allow-no-data"),
                level: None,
                lowest_budget: None,
            }
        }
        Err(e) => return undecided(format!("cannot decide: {e}")),
    };
    let (known, unknown): (Vec<&SloStatus>, Vec<&SloStatus>) =
        statuses.iter().partition(|s| s.known_budget().is_some());
    let lowest_known = known
        .iter()
        .filter_map(|s| s.known_budget())
        .min_by(f64::total_cmp);
    if let (Some((s, alert)), false) = (firing_page(statuses), policy.allow_firing) {
        let burn = s
            .burn_rate
            .filter(|b| b.is_finite())
            .map_or(String::new(), |b| format!(" (burn rate {b:.2}x)"));
        return GateDecision {
            verdict: Verdict::Block,
            reason: format!(
                "{} is paging: {} is firing{burn}; deploys wait for the incident (allow them with --allow-firing or allow_firing: true)",
                s.id, alert.name
            ),
            level: lowest_known.map(|b| policy.levels.level(b)),
            lowest_budget: lowest_known,
        };
    }
    if let Some(u) = unknown.first() {
        if !policy.allow_no_data {
            let why = u.missing_reason().unwrap_or("no data");
            return undecided(format!("cannot decide: {}: {why}", u.id));
        }
    }
    let Some(lowest) = known.iter().copied().min_by(|a, b| {
        let (x, y) = (a.known_budget(), b.known_budget());
        x.unwrap_or(f64::INFINITY)
            .total_cmp(&y.unwrap_or(f64::INFINITY))
    }) else {
        return GateDecision {
            verdict: Verdict::Allow,
            reason: "no SLO has a known error budget; allowed by --allow-no-data".into(),
            level: None,
            lowest_budget: None,
        };
    };
    let budget = lowest
        .known_budget()
        .expect("partitioned on a known budget");
    let level = Some(policy.levels.level(budget));
    let decision = |verdict, reason| GateDecision {
        verdict,
        reason,
        level,
        lowest_budget: Some(budget),
    };
    if budget < policy.min_budget {
        return decision(
            Verdict::Block,
            format!(
                "{} has {} of its error budget left, below the minimum {} ({})",
                lowest.id,
                percent(budget),
                percent(policy.min_budget),
                policy.min_budget_origin
            ),
        );
    }
    if let Some(max) = policy.max_burn_rate {
        let burning = known.iter().find(|s| s.burn_rate.is_some_and(|b| b > max));
        if let Some(s) = burning {
            let rate = s.burn_rate.expect("found by its burn rate");
            return decision(
                Verdict::Block,
                format!(
                    "{} burns its error budget at {rate:.2}x, above the maximum {max}x",
                    s.id
                ),
            );
        }
    }
    let skipped = if unknown.is_empty() {
        String::new()
    } else {
        format!(
            " ({} SLO(s) without data ignored by --allow-no-data)",
            unknown.len()
        )
    };
    decision(
        Verdict::Allow,
        format!(
            "lowest error budget is {} at {}, minimum {} ({}){skipped}",
            lowest.id,
            percent(budget),
            percent(policy.min_budget),
            policy.min_budget_origin
        ),
    )
}

/// A share as written: `10%` (a percentage) or `0.1` (a ratio).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Fraction {
    /// The share as a ratio (10% is 0.1).
    pub ratio: f64,
    /// True when written with `%`.
    pub percent: bool,
}

impl Fraction {
    /// How `raw` was read, for messages: `10%`, or `0.1 read as a ratio`.
    pub fn reading(&self, raw: &str) -> String {
        if self.percent {
            raw.trim().to_string()
        } else {
            format!("{} read as a ratio", raw.trim())
        }
    }
}

/// Parses a share: `10%` is a percentage in [0%, 100%]; a number without `%` is a ratio in
/// [0, 1], so `0.1` and `10%` mean the same and `10` is refused (it would be 1000%).
pub fn parse_fraction(raw: &str) -> Result<Fraction, String> {
    let t = raw.trim();
    let (num, percent) = match t.strip_suffix('%') {
        Some(n) => (n.trim(), true),
        None => (t, false),
    };
    let Ok(v) = num.parse::<f64>() else {
        return Err(format!(
            "{raw:?} is not a share: write a percentage such as 10% or a ratio such as 0.1"
        ));
    };
    match (percent, v.is_finite()) {
        (true, true) if (0.0..=100.0).contains(&v) => Ok(Fraction {
            ratio: v / 100.0,
            percent,
        }),
        (false, true) if (0.0..=1.0).contains(&v) => Ok(Fraction { ratio: v, percent }),
        (false, true) if v > 1.0 && v <= 100.0 => Err(format!(
            "{raw:?} is not a ratio in [0, 1]; for {v} percent write {v}%"
        )),
        _ => Err(format!(
            "{raw:?} is out of range: write a percentage from 0% to 100% or a ratio from 0 to 1"
        )),
    }
}

/// Reads a gate policy file over `base` (the built-in defaults). Every key is optional:
///
/// ```yaml
/// min_budget: 10%          # block below this remaining budget (or 0.1, a ratio)
/// max_burn_rate: 10        # block above this current burn rate
/// allow_no_data: false
/// allow_firing: false      # true: a firing page alert does not block
/// levels:                  # lower bounds of the policy levels
///   ship_freely: 50%
///   cautious: 20%
///   focus_on_reliability: 5%
/// ```
///
/// `file` names the file in [`GatePolicy::min_budget_origin`].
pub fn parse_policy(text: &str, base: GatePolicy, file: &str) -> Result<GatePolicy, String> {
    use yaml_rust2::{Yaml, YamlLoader};
    let docs = YamlLoader::load_from_str(text).map_err(|e| format!("not valid YAML: {e}"))?;
    let mut policy = base;
    let Some(doc) = docs.into_iter().next() else {
        return Ok(policy);
    };
    let Yaml::Hash(map) = doc else {
        return Err(
            "the policy must be a mapping (keys: min_budget, max_burn_rate, allow_no_data, levels)"
                .into(),
        );
    };
    let share = |key: &str, v: &Yaml| -> Result<(f64, String), String> {
        let raw = match v {
            Yaml::String(s) | Yaml::Real(s) => s.clone(),
            Yaml::Integer(i) => i.to_string(),
            _ => {
                return Err(format!(
                    "{key}: expected a percentage like 10% or a ratio like 0.1"
                ))
            }
        };
        let f = parse_fraction(&raw).map_err(|e| format!("{key}: {e}"))?;
        Ok((f.ratio, f.reading(&raw)))
    };
    let pct = |key: &str, v: &Yaml| share(key, v).map(|(ratio, _)| ratio);
    for (k, v) in &map {
        let key = k.as_str().unwrap_or("");
        match key {
            "min_budget" => {
                let (ratio, reading) = share(key, v)?;
                policy.min_budget = ratio;
                policy.min_budget_origin = format!("min_budget: {reading} in {file}");
            }
            "max_burn_rate" => {
                let rate = match v {
                    Yaml::Real(s) => s.parse::<f64>().ok(),
                    Yaml::Integer(i) => Some(*i as f64),
                    Yaml::Null => None,
                    _ => return Err("max_burn_rate: expected a number like 10".into()),
                };
                policy.max_burn_rate = rate;
            }
            "allow_no_data" => {
                policy.allow_no_data = v.as_bool().ok_or("allow_no_data: expected true or false")?
            }
            "allow_firing" => {
                policy.allow_firing = v.as_bool().ok_or("allow_firing: expected true or false")?
            }
            "levels" => {
                let Yaml::Hash(levels) = v else {
                    return Err("levels: expected a mapping".into());
                };
                for (lk, lv) in levels {
                    let lkey = lk.as_str().unwrap_or("");
                    let name = format!("levels.{lkey}");
                    match lkey {
                        "ship_freely" => policy.levels.ship_freely = pct(&name, lv)?,
                        "cautious" => policy.levels.cautious = pct(&name, lv)?,
                        "focus_on_reliability" => policy.levels.focus_on_reliability = pct(&name, lv)?,
                        _ => return Err(format!("{name}: unknown level (valid: ship_freely, cautious, focus_on_reliability)")),
                    }
                }
            }
            _ => {
                return Err(format!(
                    "{key}: unknown key (valid: min_budget, max_burn_rate, allow_no_data, allow_firing, levels)"
                ))
            }
        }
    }
    policy.levels.check()?;
    Ok(policy)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status(id: &str, budget: Option<f64>, burn: Option<f64>) -> SloStatus {
        SloStatus {
            id: id.into(),
            service: "svc".into(),
            slo: id.into(),
            objective: 0.999,
            period_days: Some(30.0),
            budget_remaining: budget,
            burn_rate: burn,
            alerts: vec![],
        }
    }

    #[test]
    fn levels_follow_the_default_policy() {
        let l = Levels::default();
        for (remaining, want) in [
            (0.9, PolicyLevel::ShipFreely),
            (0.5, PolicyLevel::Cautious),
            (0.2, PolicyLevel::Cautious),
            (0.19, PolicyLevel::FocusOnReliability),
            (0.05, PolicyLevel::FocusOnReliability),
            (0.049, PolicyLevel::Freeze),
            (-0.5, PolicyLevel::Freeze),
        ] {
            assert_eq!(l.level(remaining), want, "{remaining}");
        }
    }

    #[test]
    fn level_names_match_their_json_and_round_trip() {
        for level in PolicyLevel::ALL {
            let json = serde_json::to_string(&level).unwrap();
            assert_eq!(json, format!("\"{}\"", level.name()));
            assert_eq!(PolicyLevel::from_name(level.name()), Some(level));
        }
        assert_eq!(PolicyLevel::from_name("LOW"), None);
    }

    #[test]
    fn blocks_below_minimum_and_above_burn_rate() {
        let policy = GatePolicy::default();
        let s = [
            status("a", Some(0.08), Some(1.0)),
            status("b", Some(0.6), None),
        ];
        let d = decide(Ok(&s), &policy);
        assert_eq!(d.verdict, Verdict::Block);
        assert_eq!(
            d.reason,
            "a has 8.00% of its error budget left, below the minimum 10.00% (the default)"
        );
        assert_eq!(d.level, Some(PolicyLevel::FocusOnReliability));

        let s = [status("a", Some(0.3), Some(12.5))];
        let p = GatePolicy {
            max_burn_rate: Some(10.0),
            ..GatePolicy::default()
        };
        let d = decide(Ok(&s), &p);
        assert_eq!(d.verdict, Verdict::Block);
        assert_eq!(
            d.reason,
            "a burns its error budget at 12.50x, above the maximum 10x"
        );
    }

    #[test]
    fn no_data_is_undecided_unless_allowed() {
        let s = [
            status("a", Some(f64::NAN), None),
            status("b", Some(0.7), None),
        ];
        let d = decide(Ok(&s), &GatePolicy::default());
        assert_eq!(d.verdict, Verdict::Undecided);
        assert_eq!(
            d.reason,
            "cannot decide: a: the error budget is NaN (no traffic in the period)"
        );
        let allow = GatePolicy {
            allow_no_data: true,
            ..GatePolicy::default()
        };
        let d = decide(Ok(&s), &allow);
        assert_eq!(d.verdict, Verdict::Allow);
        assert_eq!(d.level, Some(PolicyLevel::ShipFreely));
        let none = Error::NoData {
            what: "nothing".into(),
        };
        assert_eq!(decide(Err(&none), &allow).verdict, Verdict::Allow);
        assert_eq!(
            decide(Err(&none), &GatePolicy::default()).verdict,
            Verdict::Undecided
        );
    }

    #[test]
    fn a_firing_page_blocks_unless_allowed() {
        let mut paging = status("a", Some(0.3861), Some(30.0));
        paging.alerts = vec![
            crate::live::FiringAlert {
                name: "TrWebHighErrorRate".into(),
                severity: "page".into(),
            },
            crate::live::FiringAlert {
                name: "TrWebHighErrorRate".into(),
                severity: "ticket".into(),
            },
        ];
        let s = [paging, status("b", Some(0.9), None)];
        let d = decide(Ok(&s), &GatePolicy::default());
        assert_eq!(d.verdict, Verdict::Block);
        assert_eq!(d.reason, "a is paging: TrWebHighErrorRate is firing (burn rate 30.00x); deploys wait for the incident (allow them with --allow-firing or allow_firing: true)");
        assert_eq!(d.level, Some(PolicyLevel::Cautious));
        let allow = GatePolicy {
            allow_firing: true,
            ..GatePolicy::default()
        };
        assert_eq!(decide(Ok(&s), &allow).verdict, Verdict::Allow);
        // A ticket alert alone does not block.
        let mut ticket = status("a", Some(0.5), None);
        ticket.alerts = vec![crate::live::FiringAlert {
            name: "X".into(),
            severity: "ticket".into(),
        }];
        assert_eq!(
            decide(Ok(&[ticket]), &GatePolicy::default()).verdict,
            Verdict::Allow
        );
    }

    #[test]
    fn policy_file_overrides_defaults() {
        let p = parse_policy(
            "min_budget: 0.25\nmax_burn_rate: 6\nallow_firing: true\nlevels:\n  ship_freely: 75%\n  cautious: 0.4\n",
            GatePolicy::default(),
            "policy.yaml",
        )
        .unwrap();
        assert_eq!(p.min_budget, 0.25);
        assert_eq!(
            p.min_budget_origin,
            "min_budget: 0.25 read as a ratio in policy.yaml"
        );
        assert_eq!(p.max_burn_rate, Some(6.0));
        assert!(p.allow_firing);
        assert_eq!(p.levels.ship_freely, 0.75);
        assert_eq!(p.levels.cautious, 0.4);
        assert_eq!(p.levels.focus_on_reliability, 0.05);
        assert!(parse_policy("min_budgt: 1%", GatePolicy::default(), "p")
            .unwrap_err()
            .contains("unknown key"));
        assert!(parse_policy("levels: {cautious: 60%}", GatePolicy::default(), "p").is_err());
        assert_eq!(
            parse_policy("min_budget: 10", GatePolicy::default(), "p").unwrap_err(),
            "min_budget: \"10\" is not a ratio in [0, 1]; for 10 percent write 10%"
        );
    }

    #[test]
    fn shares_are_percentages_with_a_sign_and_ratios_without() {
        let f = |raw: &str| parse_fraction(raw).map(|f| (f.ratio, f.percent));
        assert_eq!(f("10%"), Ok((0.1, true)));
        assert_eq!(f("0.1"), Ok((0.1, false)));
        assert_eq!(f(" 2.5 % "), Ok((0.025, true)));
        assert_eq!(f("1"), Ok((1.0, false)));
        assert_eq!(f("0"), Ok((0.0, false)));
        assert!(f("10").unwrap_err().contains("write 10%"));
        assert!(f("ten").is_err());
        assert!(f("150%").is_err());
        assert!(f("-0.1").is_err());
        assert!(f("NaN").is_err());
        let tenth = parse_fraction("0.1").unwrap();
        assert_eq!(tenth.reading("0.1"), "0.1 read as a ratio");
        assert_eq!(parse_fraction("10%").unwrap().reading("10%"), "10%");
    }
}
