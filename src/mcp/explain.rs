//! `explain_slo`: what an SLO promises and when its alerts fire, from the spec alone.
//!
//! Takes a valid [`Slo`]; produces the error budget in time and the four multi-window,
//! multi-burn-rate alert conditions with their thresholds, from [`MwmbAlerts`] (the maths the
//! generator emits, so the numbers are the ones in the rules). Offline: no Prometheus.
//! If a shared `explain` module appears in the library, [`explain`] is the one place to switch.

use schemars::JsonSchema;
use serde::Serialize;

use crate::model::{Sli, Slo};
use crate::plan::mwmb::{MwmbAlert, MwmbAlerts};

/// The explanation of one SLO.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub(crate) struct Explanation {
    pub id: String,
    pub service: String,
    pub slo: String,
    pub description: String,
    /// Objective, percent (99.9).
    pub objective_percent: f64,
    /// The SLO period, e.g. `30d`.
    pub period: String,
    /// `100 - objective`, percent of events allowed to fail.
    pub error_budget_percent: f64,
    /// The error budget as time: minutes of total outage the period tolerates.
    pub error_budget_minutes: f64,
    /// `events` (error and total queries) or `raw` (an error-ratio query).
    pub sli_kind: String,
    /// The SLI queries, `{{.window}}` as written.
    pub sli_queries: Vec<String>,
    /// The alert conditions, page first.
    pub alerts: Vec<AlertCondition>,
}

/// One window pair of the multi-window, multi-burn-rate alerts.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub(crate) struct AlertCondition {
    /// `page` or `ticket`.
    pub severity: String,
    /// The alert's name, when that severity is enabled.
    pub alert_name: Option<String>,
    pub short_window: String,
    pub long_window: String,
    /// How many times faster than "exactly on budget" the SLO must burn.
    pub burn_rate_factor: f64,
    /// The error ratio both windows must exceed (factor × error budget).
    pub error_ratio_threshold: f64,
    /// Share of the period's budget spent by the time the long window fires, percent.
    pub budget_consumed_percent: f64,
    /// Hours until the whole budget is gone at exactly this burn rate.
    pub hours_to_exhaustion: f64,
}

/// Explains `slo`.
pub(crate) fn explain(slo: &Slo) -> Explanation {
    let alerts = MwmbAlerts::new(slo);
    let period_hours = slo.period.go_hours();
    let name = |m: &Option<crate::model::AlertMeta>| m.as_ref().map(|a| a.name.clone());
    let condition = |severity: &str, a: &MwmbAlert, alert_name: Option<String>| AlertCondition {
        severity: severity.into(),
        alert_name,
        short_window: a.short.to_string(),
        long_window: a.long.to_string(),
        burn_rate_factor: round(a.burn_rate_factor, 6),
        error_ratio_threshold: round(a.burn_rate_factor * a.error_budget / 100.0, 9),
        budget_consumed_percent: a.error_budget_percent,
        hours_to_exhaustion: round(period_hours / a.burn_rate_factor, 3),
    };
    let (sli_kind, sli_queries) = match &slo.sli {
        Sli::Events {
            error_query,
            total_query,
        } => ("events", vec![error_query.clone(), total_query.clone()]),
        Sli::Raw { error_ratio_query } => ("raw", vec![error_ratio_query.clone()]),
    };
    let budget = 100.0 - slo.objective;
    Explanation {
        id: slo.id.clone(),
        service: slo.service.clone(),
        slo: slo.name.clone(),
        description: slo.description.clone(),
        objective_percent: slo.objective,
        period: slo.period.to_string(),
        error_budget_percent: round(budget, 9),
        error_budget_minutes: round(period_hours * 60.0 * budget / 100.0, 3),
        sli_kind: sli_kind.into(),
        sli_queries,
        alerts: vec![
            condition("page", &alerts.page_quick, name(&slo.page_alert)),
            condition("page", &alerts.page_slow, name(&slo.page_alert)),
            condition("ticket", &alerts.ticket_quick, name(&slo.ticket_alert)),
            condition("ticket", &alerts.ticket_slow, name(&slo.ticket_alert)),
        ],
    }
}

/// A few sentences for people.
pub(crate) fn summary(e: &Explanation) -> String {
    let mut s = format!(
        "{}: {}% of events must succeed over {}, so {}% may fail: {} minutes of full outage per period.",
        e.id, e.objective_percent, e.period, e.error_budget_percent, e.error_budget_minutes
    );
    for a in &e.alerts {
        s.push_str(&format!(
            "\n- {} when the error ratio over both {} and {} exceeds {} ({}x burn rate; {}% of the budget spent, all of it in {} h)",
            a.severity,
            a.short_window,
            a.long_window,
            a.error_ratio_threshold,
            a.burn_rate_factor,
            a.budget_consumed_percent,
            a.hours_to_exhaustion
        ));
    }
    s
}

/// Rounds away float noise (`0.0009999999999999432` → `0.001`) for people and JSON.
pub(crate) fn round(v: f64, digits: i32) -> f64 {
    let p = 10f64.powi(digits);
    (v * p).round() / p
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mcp::catalog::Catalog;

    #[test]
    fn explains_the_google_windows_of_a_30d_slo() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("slos");
        let c = Catalog::load(Some(&dir)).expect("slos/ reads");
        let e = explain(c.find("tr-web", "requests-availability").expect("exists"));
        assert_eq!(e.period, "30d");
        assert_eq!(e.error_budget_percent, 0.1);
        // 30 days × 24 h × 60 min × 0.1% = 43.2 minutes.
        assert_eq!(e.error_budget_minutes, 43.2);
        let factors: Vec<f64> = e.alerts.iter().map(|a| a.burn_rate_factor).collect();
        assert_eq!(factors, [14.4, 6.0, 3.0, 1.0]);
        let thresholds: Vec<f64> = e.alerts.iter().map(|a| a.error_ratio_threshold).collect();
        assert_eq!(thresholds, [0.0144, 0.006, 0.003, 0.001]);
        assert_eq!(e.alerts[0].short_window, "5m");
        assert_eq!(e.alerts[0].long_window, "1h");
        assert_eq!(
            e.alerts[0].alert_name.as_deref(),
            Some("TrWebHighErrorRate")
        );
        // 720 h / 14.4 = 50 h.
        assert_eq!(e.alerts[0].hours_to_exhaustion, 50.0);
    }
}
