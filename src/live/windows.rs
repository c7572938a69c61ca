//! Error ratios per alert window, and which burn-rate conditions they satisfy.
//!
//! Sloth records the SLI's error ratio over every window its alerts use
//! (`slo:sli_error:ratio_rate5m`, `…1h`, `…3d`); one instant query reads them all, for every
//! SLO and group. [`conditions`] applies an SLO's four multi-window, multi-burn-rate
//! conditions (factors from [`crate::plan::mwmb`]) to those ratios: what the generated alert
//! rules evaluate, at any instant of history.

use std::collections::BTreeMap;

use serde::Serialize;

use super::groups::group_labels;
use super::{regex_escape, Selector, ERROR_RATIO};
use crate::duration::Duration;
use crate::model::Slo;
use crate::plan::mwmb::{MwmbAlert, MwmbAlerts};
use crate::prom::{Client, Error, Labels};

/// The error ratio of every recorded window of one SLO (or one group of it) at an instant.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WindowRatios {
    pub id: String,
    /// The group's labels; empty for an SLO that is not grouped.
    pub group: Labels,
    /// Error ratio by window (`5m` → 0.0012); `NaN` without traffic.
    pub ratios: BTreeMap<String, f64>,
}

/// Every selected SLO's error ratios at `at`, in one query. `slo_labels` are the labels of
/// each SLO's objective series ([`super::Overview::slo_labels`]); series of other SLOs are
/// left out.
pub fn window_ratios(
    client: &Client,
    sel: &Selector,
    at: f64,
    slo_labels: &BTreeMap<String, Labels>,
) -> Result<Vec<WindowRatios>, Error> {
    let mut matchers = vec![format!("__name__=~\"{}.+\"", regex_escape(ERROR_RATIO))];
    let extra = sel.matchers();
    if !extra.is_empty() {
        matchers.push(extra);
    }
    let q = format!("{{{}}}", matchers.join(","));
    let mut out: BTreeMap<(String, Labels), BTreeMap<String, f64>> = BTreeMap::new();
    for s in client.query(&q, Some(at))? {
        if !sel.keeps(&s) {
            continue;
        }
        let Some(id) = s.labels.get("sloth_id") else {
            continue;
        };
        let Some(base) = slo_labels.get(id) else {
            continue;
        };
        let Some(window) = s
            .labels
            .get("__name__")
            .and_then(|n| n.strip_prefix(ERROR_RATIO))
        else {
            continue;
        };
        out.entry((id.clone(), group_labels(&s.labels, base)))
            .or_default()
            .insert(window.to_string(), s.value);
    }
    Ok(out
        .into_iter()
        .map(|((id, group), ratios)| WindowRatios { id, group, ratios })
        .collect())
}

/// One of an SLO's four alert conditions, applied to the error ratios of an instant.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ConditionState {
    /// `page` or `ticket`.
    pub severity: &'static str,
    /// `quick` or `slow`.
    pub speed: &'static str,
    /// False when the spec disables this severity's alert.
    pub enabled: bool,
    pub short_window: String,
    pub long_window: String,
    pub burn_rate_factor: f64,
    /// The error ratio both windows must exceed: factor × error budget.
    pub error_ratio_threshold: f64,
    /// Burn rates (error ratio ÷ error budget) over each window; `None` when not recorded.
    pub short_burn_rate: Option<f64>,
    pub long_burn_rate: Option<f64>,
    /// Both windows are over the threshold: the alert expression holds.
    pub holds: bool,
}

/// True when both of `w`'s windows are over its threshold in `ratios` (window → error ratio),
/// as the generated alert rule compares (`>`).
pub(crate) fn holds(ratios: &BTreeMap<String, f64>, w: &MwmbAlert) -> bool {
    let threshold = w.burn_rate_factor * w.error_budget / 100.0;
    let over = |d: &Duration| ratios.get(&d.to_string()).is_some_and(|v| *v > threshold);
    over(&w.short) && over(&w.long)
}

/// The four conditions of `slo` (page quick, page slow, ticket quick, ticket slow) against
/// `ratios` (window → error ratio).
pub fn conditions(slo: &Slo, ratios: &BTreeMap<String, f64>) -> Vec<ConditionState> {
    let a = MwmbAlerts::new(slo);
    let budget = (100.0 - slo.objective) / 100.0;
    let page = slo.page_alert.is_some();
    let ticket = slo.ticket_alert.is_some();
    [
        ("page", "quick", page, a.page_quick),
        ("page", "slow", page, a.page_slow),
        ("ticket", "quick", ticket, a.ticket_quick),
        ("ticket", "slow", ticket, a.ticket_slow),
    ]
    .into_iter()
    .map(|(severity, speed, enabled, w)| {
        let burn = |d: &Duration| {
            ratios
                .get(&d.to_string())
                .filter(|v| v.is_finite())
                .map(|r| r / budget)
        };
        ConditionState {
            severity,
            speed,
            enabled,
            short_window: w.short.to_string(),
            long_window: w.long.to_string(),
            burn_rate_factor: w.burn_rate_factor,
            error_ratio_threshold: w.burn_rate_factor * budget,
            short_burn_rate: burn(&w.short),
            long_burn_rate: burn(&w.long),
            holds: holds(ratios, &w),
        }
    })
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::prove::tests_support::slo;

    #[test]
    fn conditions_hold_when_both_windows_are_over() {
        let s = slo(99.9);
        // 14.4 × 0.1% = 1.44%: the page quick pair (5m, 1h) is over; 30m is not.
        let ratios: BTreeMap<String, f64> = [("5m", 0.02), ("1h", 0.015), ("30m", 0.001)]
            .into_iter()
            .map(|(w, v)| (w.to_string(), v))
            .collect();
        let c = conditions(&s, &ratios);
        assert_eq!(c.len(), 4);
        assert_eq!((c[0].severity, c[0].speed), ("page", "quick"));
        assert_eq!(
            (c[0].short_window.as_str(), c[0].long_window.as_str()),
            ("5m", "1h")
        );
        assert!(c[0].holds);
        assert!((c[0].burn_rate_factor - 14.4).abs() < 1e-9);
        assert!((c[0].error_ratio_threshold - 0.0144).abs() < 1e-12);
        assert!((c[0].long_burn_rate.unwrap() - 15.0).abs() < 1e-9);
        assert!(!c[1].holds, "30m is under 6x");
        assert_eq!(c[1].long_burn_rate, None, "6h is not recorded here");
        assert!(c.iter().all(|c| c.enabled));
    }
}
