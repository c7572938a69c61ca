//! Live answers from Prometheus: violations, drift and trends, read from the recorded series.
//!
//! Takes a [`Client`], the evaluation time and the specs' SLOs; produces plain data for the
//! tools. Budgets and the gate policy come from [`crate::budget`]; this module adds what only
//! the MCP tools ask: which alert window is burning and since when (computed from the
//! `slo:sli_error:ratio_rate<window>` recordings and the spec's burn-rate factors, so it works
//! at any instant of history, not only while Prometheus evaluates the alerts), `sloth_slo_info`
//! against the specs, and the SLI over a range. Blocking; the server runs it off the async
//! threads.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::Serialize;

use crate::model::Slo;
use crate::plan::mwmb::{MwmbAlert, MwmbAlerts};
use crate::prom::{Client, Error, Labels, Range};

use super::explain::round;

const ERROR_RATIO: &str = "slo:sli_error:ratio_rate";

/// A burn-rate alert condition that holds at the evaluation time.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub(crate) struct Violation {
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

fn holds(ratios: &BTreeMap<String, f64>, w: &MwmbAlert) -> bool {
    let threshold = w.burn_rate_factor * w.error_budget / 100.0;
    let over =
        |d: &crate::duration::Duration| ratios.get(&d.to_string()).is_some_and(|v| *v > threshold);
    over(&w.short) && over(&w.long)
}

/// The burn-rate conditions that hold at `at` for the specs' SLOs (one per SLO and severity,
/// the quicker window first), merged with the firing `ALERTS` of SLOs and severities not
/// covered.
pub(crate) fn violations(client: &Client, slos: &[&Slo], at: f64) -> Result<Vec<Violation>, Error> {
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

/// One SLO as Prometheus runs it (`sloth_slo_info` and `slo:time_period:days`).
#[derive(Debug, Clone)]
pub(crate) struct Running {
    pub id: String,
    pub service: String,
    pub slo: String,
    pub objective_percent: Option<f64>,
    pub period_days: Option<f64>,
    pub sloth_version: Option<String>,
}

/// Every SLO Prometheus has rules for, from `sloth_slo_info`.
pub(crate) fn running(client: &Client, at: f64) -> Result<Vec<Running>, Error> {
    let periods: BTreeMap<String, f64> = client
        .query("slo:time_period:days", Some(at))?
        .into_iter()
        .map(|s| (label(&s.labels, "sloth_id"), s.value))
        .collect();
    let mut out: Vec<Running> = client
        .query("sloth_slo_info", Some(at))?
        .into_iter()
        .map(|s| {
            let id = label(&s.labels, "sloth_id");
            Running {
                service: label(&s.labels, "sloth_service"),
                slo: label(&s.labels, "sloth_slo"),
                objective_percent: s.labels.get("sloth_objective").and_then(|o| o.parse().ok()),
                period_days: periods.get(&id).copied(),
                sloth_version: s.labels.get("sloth_version").cloned(),
                id,
            }
        })
        .collect();
    out.sort_by(|a, b| a.id.cmp(&b.id));
    out.dedup_by(|a, b| a.id == b.id);
    Ok(out)
}

/// The SLI of one SLO over a range, summarised.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub(crate) struct Trend {
    pub id: String,
    pub service: String,
    pub slo: String,
    pub objective_percent: f64,
    /// The range looked at, e.g. `24h`, ending at `end`.
    pub range: String,
    pub start: String,
    pub end: String,
    /// SLI (share of good events, percent) over 5-minute windows: worst, best and mean.
    pub sli_min_percent: Option<f64>,
    pub sli_max_percent: Option<f64>,
    pub sli_mean_percent: Option<f64>,
    /// Burn rate over 5-minute windows: lowest and highest.
    pub burn_rate_min: Option<f64>,
    pub burn_rate_max: Option<f64>,
    /// The clock hour with the highest error ratio.
    pub worst_hour: Option<WorstHour>,
}

/// The worst hour of a trend.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub(crate) struct WorstHour {
    pub start: String,
    pub end: String,
    pub sli_percent: f64,
    pub burn_rate: f64,
}

/// Summarises `slo`'s SLI over the `range_secs` before `end` (Unix seconds).
pub(crate) fn trend(
    client: &Client,
    slo: &Slo,
    range: &str,
    range_secs: f64,
    end: f64,
) -> Result<Trend, Error> {
    let sel = format!("{{sloth_id=\"{}\"}}", esc(&slo.id));
    let rate5m = format!("{ERROR_RATIO}5m{sel}");
    let budget = (100.0 - slo.objective) / 100.0;
    let one = |f: &str| -> Result<Option<f64>, Error> {
        let q = format!("{f}({rate5m}[{}s])", range_secs as i64);
        Ok(client
            .query(&q, Some(end))?
            .first()
            .map(|s| s.value)
            .filter(|v| v.is_finite()))
    };
    let (worst, best, mean) = (
        one("max_over_time")?,
        one("min_over_time")?,
        one("avg_over_time")?,
    );
    let sli = |r: Option<f64>| r.map(|r| round((1.0 - r) * 100.0, 6));
    let burn = |r: Option<f64>| r.map(|r| round(r / budget, 3));
    // Clock hours: the 1h error ratio sampled at each full hour in the range.
    let last_hour = (end / 3600.0).floor() * 3600.0;
    let hours = Range {
        start: (last_hour - range_secs + 3600.0).min(last_hour),
        end: last_hour,
        step: 3600.0,
    };
    let mut worst_hour: Option<(f64, f64)> = None;
    for series in client.query_range(&format!("{ERROR_RATIO}1h{sel}"), hours)? {
        for (t, v) in series.points {
            if v.is_finite() && worst_hour.is_none_or(|(_, w)| v > w) {
                worst_hour = Some((t, v));
            }
        }
    }
    Ok(Trend {
        id: slo.id.clone(),
        service: slo.service.clone(),
        slo: slo.name.clone(),
        objective_percent: slo.objective,
        range: range.to_string(),
        start: rfc3339(end - range_secs),
        end: rfc3339(end),
        sli_min_percent: sli(worst),
        sli_max_percent: sli(best),
        sli_mean_percent: sli(mean),
        burn_rate_min: burn(best),
        burn_rate_max: burn(worst),
        worst_hour: worst_hour.map(|(t, v)| WorstHour {
            start: rfc3339(t - 3600.0),
            end: rfc3339(t),
            sli_percent: round((1.0 - v) * 100.0, 6),
            burn_rate: round(v / budget, 3),
        }),
    })
}

fn label(labels: &Labels, k: &str) -> String {
    labels.get(k).cloned().unwrap_or_default()
}

/// Escapes a double-quoted PromQL string.
fn esc(s: &str) -> String {
    s.replace('\\', "\\\\").replace('"', "\\\"")
}

/// Escapes regex metacharacters (the metric prefix has none but `:` is safe; keep it general).
fn regex_escape(s: &str) -> String {
    regex::escape(s).replace('\\', "\\\\")
}

/// Unix seconds as RFC 3339 in UTC, to the second (`2026-11-27T10:00:00Z`).
pub(crate) fn rfc3339(unix: f64) -> String {
    let secs = unix.floor() as i64;
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_matches_known_instants() {
        assert_eq!(rfc3339(0.0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(951_782_400.0), "2000-02-29T00:00:00Z");
        assert_eq!(rfc3339(1_700_000_000.5), "2023-11-14T22:13:20Z");
        assert_eq!(rfc3339(-1.0), "1969-12-31T23:59:59Z");
    }

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
