//! One SLO's error budget as JSON: its status in the shared names, and its policy level.
//! `slogen budget --format json` prints these rows and `slogen serve` answers them in its API,
//! so the two speak the same vocabulary.

use serde::{Serialize, Serializer};

use super::policy::{percent, Levels, PolicyLevel};
use crate::live::{SloStatus, StatusJson};

/// A status with what the policy makes of it. As JSON: the status's fields in the shared
/// names (`objective_ratio`, `objective_percent`, `budget_remaining_ratio`,
/// `budget_remaining_percent`, `missing_reason`, …), then `policy_level` and `policy_advice`.
#[derive(Debug, Clone, PartialEq)]
pub struct BudgetRow {
    pub status: SloStatus,
    /// `ship_freely`, `cautious`, `focus_on_reliability` or `freeze`; `None` when the budget
    /// is unknown.
    pub policy_level: Option<PolicyLevel>,
    /// Why the budget is unknown when the status alone cannot say (Prometheus did not
    /// answer); it replaces the status's own `missing_reason`.
    pub unavailable: Option<String>,
}

impl BudgetRow {
    /// The row of `status` under `levels`.
    pub fn new(status: SloStatus, levels: &Levels) -> BudgetRow {
        BudgetRow {
            policy_level: status.known_budget().map(|b| levels.level(b)),
            unavailable: None,
            status,
        }
    }

    /// Why the budget is unknown, if it is.
    pub fn missing_reason(&self) -> Option<&str> {
        self.unavailable
            .as_deref()
            .or_else(|| self.status.missing_reason())
    }
}

impl Serialize for BudgetRow {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Json<'a> {
            #[serde(flatten)]
            status: StatusJson<'a>,
            policy_level: Option<PolicyLevel>,
            policy_advice: Option<&'static str>,
        }
        let mut status = self.status.to_json();
        status.missing_reason = self.missing_reason();
        Json {
            status,
            policy_level: self.policy_level,
            policy_advice: self.policy_level.map(PolicyLevel::advice),
        }
        .serialize(s)
    }
}

/// An objective as a percentage without trailing zeros (`99.9%`, `99.95%`, `99%`).
pub fn objective_percent(ratio: f64) -> String {
    let s = format!("{:.4}", ratio * 100.0);
    let s = s.trim_end_matches('0').trim_end_matches('.');
    format!("{s}%")
}

/// The budget as people read it: a percentage, or why there is none.
pub fn budget_cell(s: &SloStatus) -> String {
    match s.budget_remaining {
        None => "no data".into(),
        Some(v) if v.is_nan() => "NaN (no traffic)".into(),
        Some(v) => percent(v),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn objectives_print_without_trailing_zeros() {
        assert_eq!(objective_percent(0.999), "99.9%");
        assert_eq!(objective_percent(0.9995), "99.95%");
        assert_eq!(objective_percent(0.99), "99%");
    }

    #[test]
    fn rows_carry_the_objective_both_ways_and_the_level() {
        let status = SloStatus {
            id: "a".into(),
            service: "s".into(),
            slo: "x".into(),
            objective: 0.9995,
            period_days: Some(30.0),
            budget_remaining: Some(0.3),
            burn_rate: None,
            alerts: vec![],
        };
        let mut row = BudgetRow::new(status, &Levels::default());
        let v = serde_json::to_value(&row).unwrap();
        assert_eq!(v["objective_ratio"], 0.9995);
        assert_eq!(v["objective_percent"], 99.95);
        assert_eq!(v["budget_remaining_ratio"], 0.3);
        assert_eq!(v["budget_remaining_percent"], 30.0);
        assert_eq!(v["policy_level"], "cautious");
        assert_eq!(v["policy_advice"], "be cautious with risky changes");
        assert_eq!(v["missing_reason"], serde_json::Value::Null);
        assert_eq!(v["id"], "a");
        // A reason from outside the status wins over the status's own.
        row.status.budget_remaining = None;
        row.policy_level = None;
        row.unavailable = Some("Prometheus did not answer".into());
        let v = serde_json::to_value(&row).unwrap();
        assert_eq!(v["missing_reason"], "Prometheus did not answer");
        assert_eq!(v["budget_remaining_ratio"], serde_json::Value::Null);
        assert_eq!(v["policy_advice"], serde_json::Value::Null);
    }
}
