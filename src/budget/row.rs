//! One SLO's error budget as JSON: its status, its objective as a ratio and as a percent, and
//! its policy level. `slogen budget --format json` prints these rows and `slogen serve`
//! answers them in its API, so the two speak the same vocabulary.

use serde::Serialize;

use super::policy::{percent, Levels, PolicyLevel};
use crate::live::{round, SloStatus};

/// A status with what the policy makes of it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BudgetRow {
    #[serde(flatten)]
    pub status: SloStatus,
    /// The objective as a percent (99.9), beside `objective` as a ratio (0.999).
    pub objective_percent: f64,
    /// `ship_freely`, `cautious`, `focus_on_reliability` or `freeze`; `null` when the budget
    /// is unknown.
    pub policy_level: Option<PolicyLevel>,
    /// Why the budget is unknown, when it is.
    pub no_data_reason: Option<String>,
}

impl BudgetRow {
    /// The row of `status` under `levels`.
    pub fn new(status: SloStatus, levels: &Levels) -> BudgetRow {
        BudgetRow {
            objective_percent: round(status.objective * 100.0, 6),
            policy_level: status.known_budget().map(|b| levels.level(b)),
            no_data_reason: status.missing_reason().map(str::to_string),
            status,
        }
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
        let v = serde_json::to_value(BudgetRow::new(status, &Levels::default())).unwrap();
        assert_eq!(v["objective"], 0.9995);
        assert_eq!(v["objective_percent"], 99.95);
        assert_eq!(v["policy_level"], "cautious");
        assert_eq!(v["no_data_reason"], serde_json::Value::Null);
        assert_eq!(v["id"], "a");
    }
}
