//! What Prometheus runs (`sloth_slo_info`, for drift against the specs) and an SLO's SLI over
//! a range (worst, best and mean, and the worst clock hour).

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::Serialize;

use super::{esc, label, round, ERROR_RATIO};
use crate::model::Slo;
use crate::prom::{Client, Error, Range};
use crate::timefmt::rfc3339;

/// One SLO as Prometheus runs it (`sloth_slo_info` and `slo:time_period:days`).
#[derive(Debug, Clone)]
pub struct Running {
    pub id: String,
    pub service: String,
    pub slo: String,
    pub objective_percent: Option<f64>,
    pub period_days: Option<f64>,
    pub sloth_version: Option<String>,
}

/// Every SLO Prometheus has rules for, from `sloth_slo_info`.
pub fn running(client: &Client, at: f64) -> Result<Vec<Running>, Error> {
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
pub struct Trend {
    pub id: String,
    pub service: String,
    pub slo: String,
    /// The objective as a ratio (0.999) and as a percentage (99.9).
    pub objective_ratio: f64,
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
pub struct WorstHour {
    pub start: String,
    pub end: String,
    pub sli_percent: f64,
    pub burn_rate: f64,
}

/// Summarises `slo`'s SLI over the `range_secs` before `end` (Unix seconds).
pub fn trend(
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
        objective_ratio: round(slo.objective / 100.0, 9),
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
