//! Which burn-rate alert conditions hold at an instant, and since when.
//!
//! Computed from the `slo:sli_error:ratio_rate<window>` recordings and the spec's burn-rate
//! factors, so it works at any instant of history, not only while Prometheus evaluates the
//! alerts; merged with the firing `ALERTS` for conditions the specs do not cover.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::Serialize;

use super::windows::holds;
use super::{esc, label, regex_escape, round, ERROR_RATIO};
use crate::model::Slo;
use crate::plan::mwmb::{MwmbAlert, MwmbAlerts};
use crate::prom::{Client, Error, Labels, Range};
use crate::timefmt::rfc3339;

/// A burn-rate alert condition that holds at the evaluation time.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Violation {
    pub id: String,
    pub service: String,
    pub slo: String,
    /// `page` or `ticket`.
    pub severity: String,
    /// The alert's name: from the spec, or from `ALERTS`.
    pub alert_name: Option<String>,
    /// The window pair that fires, e.g. `5m` and `1h`; absent when only `ALERTS` says so.
    pub short_window: Option<String>,
    pub long_window: Option<String>,
    pub burn_rate_factor: Option<f64>,
    /// Burn rates now over the short and long windows.
    pub short_burn_rate: Option<f64>,
    pub long_burn_rate: Option<f64>,
    /// When the condition started to hold (RFC 3339, UTC).
    pub since: Option<String>,
    /// True when it already held at the start of the look-back (3 days), so it began earlier.
    pub since_is_lower_bound: bool,
    /// True when Prometheus has the alert firing in `ALERTS`.
    pub firing_in_prometheus: bool,
}

/// Error ratios of one SLO by window (`5m` → 0.0012), at `at`.
fn window_ratios(client: &Client, id: &str, at: f64) -> Result<BTreeMap<String, f64>, Error> {
    let q = format!(
        "{{__name__=~\"{}.+\",sloth_id=\"{}\"}}",
        regex_escape(ERROR_RATIO),
        esc(id)
    );
    let mut out = BTreeMap::new();
    for s in client.query(&q, Some(at))? {
        if let Some(w) = window_of(&s.labels) {
            out.insert(w, s.value);
        }
    }
    Ok(out)
}

fn window_of(labels: &Labels) -> Option<String> {
    let name = labels.get("__name__")?;
    name.strip_prefix(ERROR_RATIO).map(str::to_string)
}

/// The four conditions of an SLO: `(severity, alert name, window pair)`, page quick first.
fn conditions(slo: &Slo) -> Vec<(&'static str, Option<String>, MwmbAlert)> {
    let a = MwmbAlerts::new(slo);
    let page = slo.page_alert.as_ref().map(|m| m.name.clone());
    let ticket = slo.ticket_alert.as_ref().map(|m| m.name.clone());
    vec![
        ("page", page.clone(), a.page_quick),
        ("page", page, a.page_slow),
        ("ticket", ticket.clone(), a.ticket_quick),
        ("ticket", ticket, a.ticket_slow),
    ]
}

/// The burn-rate conditions that hold at `at` for the specs' SLOs (one per SLO and severity,
/// the quicker window first), merged with the firing `ALERTS` of SLOs and severities not
/// covered.
pub fn violations(client: &Client, slos: &[&Slo], at: f64) -> Result<Vec<Violation>, Error> {
    let mut out: Vec<Violation> = Vec::new();
    for slo in slos {
        let ratios = window_ratios(client, &slo.id, at)?;
        let budget = (100.0 - slo.objective) / 100.0;
        for (severity, alert_name, w) in conditions(slo) {
            if out.iter().any(|v| v.id == slo.id && v.severity == severity) || !holds(&ratios, &w) {
                continue;
            }
            let (since, lower_bound) = since(client, &slo.id, &w, at)?;
            let rate = |d: &crate::duration::Duration| {
                ratios.get(&d.to_string()).map(|r| round(r / budget, 3))
            };
            out.push(Violation {
                id: slo.id.clone(),
                service: slo.service.clone(),
                slo: slo.name.clone(),
                severity: severity.into(),
                alert_name,
                short_window: Some(w.short.to_string()),
                long_window: Some(w.long.to_string()),
                burn_rate_factor: Some(round(w.burn_rate_factor, 6)),
                short_burn_rate: rate(&w.short),
                long_burn_rate: rate(&w.long),
                since: since.map(rfc3339),
                since_is_lower_bound: lower_bound,
                firing_in_prometheus: false,
            });
        }
    }
    let firing = client.query(
        "ALERTS{alertstate=\"firing\",sloth_severity=~\"page|ticket\"}",
        Some(at),
    )?;
    let active_since: BTreeMap<(String, String), f64> = client
        .query(
            "ALERTS_FOR_STATE{sloth_severity=~\"page|ticket\"}",
            Some(at),
        )?
        .into_iter()
        .map(|s| {
            (
                (
                    label(&s.labels, "sloth_id"),
                    label(&s.labels, "sloth_severity"),
                ),
                s.value,
            )
        })
        .collect();
    for a in firing {
        let (id, severity) = (
            label(&a.labels, "sloth_id"),
            label(&a.labels, "sloth_severity"),
        );
        if let Some(v) = out
            .iter_mut()
            .find(|v| v.id == id && v.severity == severity)
        {
            v.firing_in_prometheus = true;
            continue;
        }
        out.push(Violation {
            service: label(&a.labels, "sloth_service"),
            slo: label(&a.labels, "sloth_slo"),
            alert_name: a.labels.get("alertname").cloned(),
            since: active_since
                .get(&(id.clone(), severity.clone()))
                .copied()
                .map(rfc3339),
            id,
            severity,
            short_window: None,
            long_window: None,
            burn_rate_factor: None,
            short_burn_rate: None,
            long_burn_rate: None,
            since_is_lower_bound: false,
            firing_in_prometheus: true,
        });
    }
    out.sort_by(|a, b| (a.severity != "page", &a.id).cmp(&(b.severity != "page", &b.id)));
    Ok(out)
}

/// When the condition `w` of SLO `id` last started to hold before `at`, looking back 3 days in
/// 5-minute steps; the flag is true when it held for the whole look-back.
fn since(client: &Client, id: &str, w: &MwmbAlert, at: f64) -> Result<(Option<f64>, bool), Error> {
    let step = 300.0;
    let range = Range {
        start: at - 3.0 * 86_400.0,
        end: at,
        step,
    };
    let q = format!(
        "{{__name__=~\"{}({}|{})\",sloth_id=\"{}\"}}",
        regex_escape(ERROR_RATIO),
        w.short,
        w.long,
        esc(id)
    );
    let mut by_time: BTreeMap<i64, BTreeMap<String, f64>> = BTreeMap::new();
    for series in client.query_range(&q, range)? {
        let Some(window) = window_of(&series.labels) else {
            continue;
        };
        for (t, v) in series.points {
            by_time
                .entry(t as i64)
                .or_default()
                .insert(window.clone(), v);
        }
    }
    let mut start = None;
    for (t, ratios) in by_time.iter().rev() {
        if !holds(ratios, w) {
            return Ok((start, false));
        }
        start = Some(*t as f64);
    }
    Ok((start, start.is_some()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn window_names_come_from_the_metric_name() {
        let mut l = Labels::new();
        l.insert("__name__".into(), "slo:sli_error:ratio_rate30m".into());
        assert_eq!(window_of(&l).as_deref(), Some("30m"));
        assert_eq!(
            regex_escape("slo:sli_error:ratio_rate"),
            "slo:sli_error:ratio_rate"
        );
    }
}
