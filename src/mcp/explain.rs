//! `explain_slo`: what an SLO promises and when its alerts fire, from the spec alone.
//!
//! Takes a valid [`Slo`]; produces the error budget in time and the four multi-window,
//! multi-burn-rate alert conditions with their thresholds and detection times. The maths is
//! `slogen explain`'s ([`crate::prove::explain`]); this adds the alert names and SLI queries an
//! assistant needs, and rounds float noise for JSON. Offline: no Prometheus.

use schemars::JsonSchema;
use serde::Serialize;

use crate::live::round;
use crate::model::{Sli, Slo};
use crate::prove::explain::{explain_slo, human, ConditionExplain};

/// The explanation of one SLO.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub(crate) struct Explanation {
    pub id: String,
    pub service: String,
    pub slo: String,
    pub description: String,
    /// Objective, as a ratio (0.999).
    pub objective_ratio: f64,
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
    /// `quick` or `slow`.
    pub speed: String,
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
    /// Minutes from the start of a total outage until the alert fires (null: never).
    pub minutes_to_fire_at_full_outage: Option<f64>,
    /// Minutes after a total outage ends until the alert stops firing.
    pub minutes_to_reset_after_outage: Option<f64>,
    /// False when the threshold is 100% or more: this alert can never fire.
    pub can_fire: bool,
}

/// Explains `slo`.
pub(crate) fn explain(slo: &Slo) -> Explanation {
    let maths = explain_slo(slo);
    let name = |severity: &str| {
        let meta = if severity == "page" {
            &slo.page_alert
        } else {
            &slo.ticket_alert
        };
        meta.as_ref().map(|a| a.name.clone())
    };
    let minutes = |s: Option<f64>| s.map(|s| round(s / 60.0, 3));
    let condition = |c: &ConditionExplain| AlertCondition {
        severity: c.severity.into(),
        speed: c.speed.into(),
        alert_name: name(c.severity),
        short_window: c.short_window.clone(),
        long_window: c.long_window.clone(),
        burn_rate_factor: round(c.burn_rate_factor, 6),
        error_ratio_threshold: round(c.error_ratio_threshold, 9),
        budget_consumed_percent: round(c.budget_consumed_percent, 6),
        hours_to_exhaustion: round(maths.period_seconds / 3600.0 / c.burn_rate_factor, 3),
        minutes_to_fire_at_full_outage: minutes(c.detection_seconds_at_outage),
        minutes_to_reset_after_outage: minutes(c.reset_seconds_after_outage),
        can_fire: c.can_fire,
    };
    let (sli_kind, sli_queries) = match &slo.sli {
        Sli::Events {
            error_query,
            total_query,
        } => ("events", vec![error_query.clone(), total_query.clone()]),
        Sli::Raw { error_ratio_query } => ("raw", vec![error_ratio_query.clone()]),
    };
    Explanation {
        id: slo.id.clone(),
        service: slo.service.clone(),
        slo: slo.name.clone(),
        description: slo.description.clone(),
        objective_ratio: crate::live::round(slo.objective / 100.0, 9),
        objective_percent: slo.objective,
        period: maths.period.clone(),
        error_budget_percent: round(maths.error_budget_ratio * 100.0, 9),
        error_budget_minutes: round(maths.period_seconds / 60.0 * maths.error_budget_ratio, 3),
        sli_kind: sli_kind.into(),
        sli_queries,
        alerts: maths.conditions.iter().map(condition).collect(),
    }
}

/// A few sentences for people.
pub(crate) fn summary(e: &Explanation) -> String {
    let mut s = format!(
        "{}: {}% of events must succeed over {}, so {}% may fail: {} minutes of full outage per period.",
        e.id, e.objective_percent, e.period, e.error_budget_percent, e.error_budget_minutes
    );
    for a in &e.alerts {
        let fire = a
            .minutes_to_fire_at_full_outage
            .map_or("never".to_string(), |m| human(m * 60.0));
        s.push_str(&format!(
            "\n- {} when the error ratio over both {} and {} exceeds {} ({}x burn rate; {}% of the budget spent, all of it in {} h; a full outage fires it in {fire})",
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mcp::catalog::Catalog;

    #[test]
    fn explains_the_google_windows_of_a_30d_slo() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("slos");
        let c = Catalog::load(&crate::mcp::SpecSource::dir(dir.clone())).expect("slos/ reads");
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
        // A full outage fills the 1h window to 1.44% errors in 1h × 0.0144 = 51.84 s.
        assert_eq!(e.alerts[0].minutes_to_fire_at_full_outage, Some(0.864));
        assert_eq!(e.alerts[0].speed, "quick");
    }
}
