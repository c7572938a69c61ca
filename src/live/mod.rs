//! The one read model: live facts about the SLOs, read from Prometheus (or a compatible engine).
//!
//! Every figure `budget`, `gate`, `report`, `serve`, the incident bodies and the MCP tools show
//! comes from here, so the same number shows everywhere. Each function takes a [`Client`], a
//! selection (or the specs' SLOs) and an evaluation time, and returns plain data:
//!
//! - [`fetch_statuses`]: per-SLO [`SloStatus`] (objective, period, budget left, burn rate, firing
//!   alerts) from the series Sloth and slogen record: `slo:objective:ratio`,
//!   `slo:time_period:days`, `slo:period_error_budget_remaining:ratio`,
//!   `slo:current_burn_rate:ratio` and `ALERTS`;
//! - [`violations`]: which burn-rate window pairs hold, and since when;
//! - [`trend`]: what Prometheus runs (`sloth_slo_info`) and an SLI over a range;
//! - [`coverage`]: how much of a range holds data ("data covers 3 of 30 days");
//! - [`report`]: the periodic report's rows;
//! - [`fetch_overview`]: the statuses with each grouped SLO's [`groups`] and every SLO's
//!   error ratio per window ([`windows`]), the facts a dashboard shows at once;
//! - [`history`]: the remaining budget and the error ratio over a range, for charts.
//!
//! A grouped SLO (an SLI aggregated `by (labels)`) records one series per group; its
//! [`SloStatus`] carries the worst group's figures (lowest budget, highest burn rate).
//!
//! In JSON every type here reads the same way: objectives as `objective_ratio` and
//! `objective_percent`, budgets as `budget_remaining_ratio` and `budget_remaining_percent`,
//! times as RFC 3339 strings.
//!
//! It never prints, renders or serves; all IO goes through [`crate::prom`]. Decisions on top of
//! these facts (policy levels, the gate) live in [`crate::budget::policy`].

pub mod coverage;
pub mod groups;
pub mod history;
pub mod report;
pub mod trend;
pub mod violations;
pub mod windows;

use std::collections::BTreeMap;

use serde::Serialize;

use crate::prom::{Client, Error, Labels, Sample};

pub use groups::GroupStatus;
pub use windows::WindowRatios;

/// Which SLOs to look at; `None` fields match everything.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Selector {
    /// Matches the `sloth_service` label.
    pub service: Option<String>,
    /// Matches the `sloth_slo` label (the SLO's name) or the `sloth_id` label.
    pub slo: Option<String>,
}

impl Selector {
    /// PromQL label matchers for this selection, without braces (may be empty). The SLO name
    /// is matched after the query ([`Selector::keeps`]), because it may be a `sloth_slo` or a
    /// `sloth_id`.
    pub fn matchers(&self) -> String {
        match &self.service {
            Some(s) => format!("sloth_service=\"{}\"", esc(s)),
            None => String::new(),
        }
    }

    /// True when a sample's labels belong to the selection.
    pub fn keeps(&self, s: &Sample) -> bool {
        let label = |k: &str| s.labels.get(k).map(String::as_str).unwrap_or("");
        let service_ok = self
            .service
            .as_deref()
            .is_none_or(|v| label("sloth_service") == v);
        let slo_ok = self
            .slo
            .as_deref()
            .is_none_or(|v| label("sloth_slo") == v || label("sloth_id") == v);
        service_ok && slo_ok
    }

    /// A short human description, e.g. `service "tr-web"`.
    pub fn describe(&self) -> String {
        match (&self.service, &self.slo) {
            (None, None) => "any SLO".into(),
            (Some(s), None) => format!("service {s:?}"),
            (None, Some(n)) => format!("SLO {n:?}"),
            (Some(s), Some(n)) => format!("service {s:?}, SLO {n:?}"),
        }
    }
}

/// The prefix of the SLI error-ratio recordings (`slo:sli_error:ratio_rate5m`, …).
pub(crate) const ERROR_RATIO: &str = "slo:sli_error:ratio_rate";

/// Escapes a string for a double-quoted PromQL label value.
pub(crate) fn esc(s: &str) -> String {
    s.replace('\\', "\\\\").replace('"', "\\\"")
}

/// Escapes regex metacharacters for a PromQL `=~` matcher.
pub(crate) fn regex_escape(s: &str) -> String {
    regex::escape(s).replace('\\', "\\\\")
}

/// A label's value, empty when absent.
pub(crate) fn label(labels: &crate::prom::Labels, k: &str) -> String {
    labels.get(k).cloned().unwrap_or_default()
}

/// Rounds to `digits` decimal places, away from float noise (`0.0009999999999999432` → `0.001`),
/// for people and JSON.
pub fn round(v: f64, digits: i32) -> f64 {
    let p = 10f64.powi(digits);
    (v * p).round() / p
}

/// An alert of the SLO that is firing.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct FiringAlert {
    /// `alertname`.
    pub name: String,
    /// `sloth_severity` (`page` or `ticket`), empty when the alert has none.
    pub severity: String,
}

/// The error-budget state of one SLO at one instant.
#[derive(Debug, Clone, PartialEq)]
pub struct SloStatus {
    /// `sloth_id`.
    pub id: String,
    pub service: String,
    pub slo: String,
    /// The objective as a ratio (0.999).
    pub objective: f64,
    /// The SLO period in days, when recorded.
    pub period_days: Option<f64>,
    /// Error budget left in the period, as a ratio (1 = untouched, < 0 = overspent). `NaN` when
    /// the SLI had no traffic; `None` when the series is not recorded at all.
    pub budget_remaining: Option<f64>,
    /// The current (5m) burn rate: 1 spends the budget exactly over the period.
    pub burn_rate: Option<f64>,
    /// Firing alerts, sorted.
    pub alerts: Vec<FiringAlert>,
}

/// A status in the shared JSON names: `objective_ratio` and `objective_percent`,
/// `budget_remaining_ratio` and `budget_remaining_percent` (`null` when unknown: missing or
/// NaN; `missing_reason` says why). Views that add fields flatten it.
#[derive(Debug, Clone, Serialize)]
pub struct StatusJson<'a> {
    pub id: &'a str,
    pub service: &'a str,
    pub slo: &'a str,
    pub objective_ratio: f64,
    pub objective_percent: f64,
    pub period_days: Option<f64>,
    pub budget_remaining_ratio: Option<f64>,
    pub budget_remaining_percent: Option<f64>,
    pub burn_rate: Option<f64>,
    pub alerts: &'a [FiringAlert],
    pub missing_reason: Option<&'a str>,
}

impl Serialize for SloStatus {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.to_json().serialize(s)
    }
}

impl SloStatus {
    /// The status in the shared JSON names ([`StatusJson`]).
    pub fn to_json(&self) -> StatusJson<'_> {
        let budget = self.known_budget();
        StatusJson {
            id: &self.id,
            service: &self.service,
            slo: &self.slo,
            objective_ratio: self.objective,
            objective_percent: round(self.objective * 100.0, 6),
            period_days: self.period_days,
            budget_remaining_ratio: budget,
            budget_remaining_percent: budget.map(|b| round(b * 100.0, 4)),
            burn_rate: self.burn_rate.filter(|b| b.is_finite()),
            alerts: &self.alerts,
            missing_reason: self.missing_reason(),
        }
    }

    /// The remaining budget when it is a number (not missing, not NaN).
    pub fn known_budget(&self) -> Option<f64> {
        self.budget_remaining.filter(|v| !v.is_nan())
    }

    /// Why the remaining budget is unknown, if it is.
    pub fn missing_reason(&self) -> Option<&'static str> {
        match self.budget_remaining {
            None => Some("slo:period_error_budget_remaining:ratio is not recorded"),
            Some(v) if v.is_nan() => Some("the error budget is NaN (no traffic in the period)"),
            Some(_) => None,
        }
    }
}

/// Instant query `metric{selection}` (with `extra` matchers), keeping only selected series.
fn select(
    client: &Client,
    sel: &Selector,
    metric: &str,
    extra: &str,
    at: Option<f64>,
) -> Result<Vec<Sample>, Error> {
    let matchers: Vec<String> = [sel.matchers(), extra.to_string()]
        .into_iter()
        .filter(|m| !m.is_empty())
        .collect();
    let q = format!("{metric}{{{}}}", matchers.join(","));
    let q = if matchers.is_empty() {
        metric.to_string()
    } else {
        q
    };
    Ok(client
        .query(&q, at)?
        .into_iter()
        .filter(|s| sel.keeps(s))
        .collect())
}

/// Values of one metric keyed by `sloth_id`.
pub(crate) fn by_id(samples: Vec<Sample>) -> BTreeMap<String, f64> {
    samples
        .into_iter()
        .filter_map(|s| Some((s.labels.get("sloth_id")?.clone(), s.value)))
        .collect()
}

/// The lower of two remaining budgets, a number winning over `NaN` (a group without traffic
/// says nothing about the others).
pub(crate) fn worst_budget(prev: Option<f64>, v: f64) -> f64 {
    match prev {
        Some(p) if !p.is_nan() && (v.is_nan() || p < v) => p,
        _ => v,
    }
}

/// The higher of two burn rates, a number winning over `NaN`.
pub(crate) fn worst_burn(prev: Option<f64>, v: f64) -> f64 {
    match prev {
        Some(p) if !p.is_nan() && (v.is_nan() || p > v) => p,
        _ => v,
    }
}

/// Worst value per `sloth_id` (one series per group of a grouped SLO).
fn worst_by_id(samples: &[Sample], worst: fn(Option<f64>, f64) -> f64) -> BTreeMap<String, f64> {
    let mut out: BTreeMap<String, f64> = BTreeMap::new();
    for s in samples {
        if let Some(id) = s.labels.get("sloth_id") {
            let prev = out.get(id).copied();
            out.insert(id.clone(), worst(prev, s.value));
        }
    }
    out
}

/// What a dashboard shows at once, read at one instant.
#[derive(Debug, Clone, PartialEq)]
pub struct Overview {
    /// Unix seconds the figures are for.
    pub at: f64,
    /// Every selected SLO, most at risk first ([`fetch_statuses`]).
    pub statuses: Vec<SloStatus>,
    /// The groups of grouped SLOs, most at risk first within each SLO.
    pub groups: Vec<GroupStatus>,
    /// Error ratios per window, per SLO and group.
    pub windows: Vec<WindowRatios>,
    /// The labels of each SLO's `slo:objective:ratio` series, by `sloth_id`: what every
    /// series of the SLO carries, so what is left tells its groups apart.
    pub slo_labels: BTreeMap<String, Labels>,
}

/// Fetches the status of every selected SLO at `at` (Unix seconds; server time when `None`),
/// most at risk first: lowest known budget first, then unknown budgets, ties by burn rate.
///
/// An SLO is any series of `slo:objective:ratio`; none matching is [`Error::NoData`].
pub fn fetch_statuses(
    client: &Client,
    sel: &Selector,
    at: Option<f64>,
) -> Result<Vec<SloStatus>, Error> {
    let objectives = select(client, sel, "slo:objective:ratio", "", at)?;
    if objectives.is_empty() {
        return Err(no_slos(client, sel));
    }
    let raw = Raw::fetch(client, sel, at)?;
    Ok(raw.statuses(&objectives))
}

/// [`fetch_statuses`] with the groups of grouped SLOs and every SLO's error ratio per window,
/// at `at` (Unix seconds). Seven instant queries, whatever the number of SLOs.
pub fn fetch_overview(client: &Client, sel: &Selector, at: f64) -> Result<Overview, Error> {
    let objectives = select(client, sel, "slo:objective:ratio", "", Some(at))?;
    if objectives.is_empty() {
        return Err(no_slos(client, sel));
    }
    let raw = Raw::fetch(client, sel, Some(at))?;
    let slo_labels = groups::slo_labels(&objectives);
    let windows = windows::window_ratios(client, sel, at, &slo_labels)?;
    Ok(Overview {
        at,
        statuses: raw.statuses(&objectives),
        groups: groups::build(&slo_labels, &raw.remaining, &raw.burn, &raw.alerts),
        windows,
        slo_labels,
    })
}

fn no_slos(client: &Client, sel: &Selector) -> Error {
    Error::NoData {
        what: format!(
            "no slo:objective:ratio series for {} at {} (are Sloth/slogen rules loaded?)",
            sel.describe(),
            client.url()
        ),
    }
}

/// The answers behind the statuses, before they are put together.
struct Raw {
    periods: BTreeMap<String, f64>,
    remaining: Vec<Sample>,
    burn: Vec<Sample>,
    alerts: Vec<Sample>,
}

impl Raw {
    fn fetch(client: &Client, sel: &Selector, at: Option<f64>) -> Result<Raw, Error> {
        Ok(Raw {
            periods: by_id(select(client, sel, "slo:time_period:days", "", at)?),
            remaining: select(
                client,
                sel,
                "slo:period_error_budget_remaining:ratio",
                "",
                at,
            )?,
            burn: select(client, sel, "slo:current_burn_rate:ratio", "", at)?,
            alerts: select(client, sel, "ALERTS", "alertstate=\"firing\"", at)?,
        })
    }

    fn statuses(&self, objectives: &[Sample]) -> Vec<SloStatus> {
        let remaining = worst_by_id(&self.remaining, worst_budget);
        let burn = worst_by_id(&self.burn, worst_burn);
        let mut alerts: BTreeMap<String, Vec<FiringAlert>> = BTreeMap::new();
        for s in &self.alerts {
            let Some(id) = s.labels.get("sloth_id") else {
                continue;
            };
            let alert = FiringAlert {
                name: s.labels.get("alertname").cloned().unwrap_or_default(),
                severity: s.labels.get("sloth_severity").cloned().unwrap_or_default(),
            };
            alerts.entry(id.clone()).or_default().push(alert);
        }
        let mut out: Vec<SloStatus> = Vec::new();
        for o in objectives {
            let label = |k: &str| o.labels.get(k).cloned().unwrap_or_default();
            let id = label("sloth_id");
            if out.iter().any(|s| s.id == id) {
                continue;
            }
            let mut firing = alerts.remove(&id).unwrap_or_default();
            firing.sort();
            firing.dedup();
            out.push(SloStatus {
                service: label("sloth_service"),
                slo: label("sloth_slo"),
                objective: o.value,
                period_days: self.periods.get(&id).copied(),
                budget_remaining: remaining.get(&id).copied(),
                burn_rate: burn.get(&id).copied(),
                alerts: firing,
                id,
            });
        }
        sort_by_risk(&mut out);
        out
    }
}

/// Risk order of two `(known budget, burn rate)` pairs: lowest known budget first, unknown
/// budgets last; ties by the higher burn rate.
pub fn risk_cmp(
    a: (Option<f64>, Option<f64>),
    b: (Option<f64>, Option<f64>),
) -> std::cmp::Ordering {
    let key = |x: Option<f64>| x.filter(|v| !v.is_nan()).unwrap_or(f64::INFINITY);
    let burn = |x: Option<f64>| x.filter(|v| !v.is_nan()).unwrap_or(0.0);
    key(a.0)
        .total_cmp(&key(b.0))
        .then(burn(b.1).total_cmp(&burn(a.1)))
}

/// Most at risk first: lowest known budget, then unknown budgets; ties by higher burn rate,
/// then by ID, so the order is deterministic.
pub fn sort_by_risk(statuses: &mut [SloStatus]) {
    statuses.sort_by(|a, b| {
        risk_cmp(
            (a.known_budget(), a.burn_rate),
            (b.known_budget(), b.burn_rate),
        )
        .then_with(|| a.id.cmp(&b.id))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status(id: &str, budget: Option<f64>, burn: Option<f64>) -> SloStatus {
        SloStatus {
            id: id.into(),
            service: "s".into(),
            slo: id.into(),
            objective: 0.999,
            period_days: Some(30.0),
            budget_remaining: budget,
            burn_rate: burn,
            alerts: vec![],
        }
    }

    #[test]
    fn most_at_risk_first_unknown_last() {
        let mut v = vec![
            status("nan", Some(f64::NAN), None),
            status("high", Some(0.9), Some(1.0)),
            status("low", Some(0.1), None),
            status("missing", None, None),
            status("high-burning", Some(0.9), Some(5.0)),
        ];
        sort_by_risk(&mut v);
        let ids: Vec<&str> = v.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(ids, ["low", "high-burning", "high", "missing", "nan"]);
    }

    #[test]
    fn grouped_slos_report_their_worst_group() {
        assert_eq!(worst_budget(None, 0.5), 0.5);
        assert_eq!(worst_budget(Some(0.5), 0.2), 0.2);
        assert_eq!(worst_budget(Some(0.2), f64::NAN), 0.2);
        assert_eq!(worst_budget(Some(f64::NAN), 0.7), 0.7);
        assert!(worst_budget(Some(f64::NAN), f64::NAN).is_nan());
        assert_eq!(worst_burn(Some(2.0), 3.0), 3.0);
        assert_eq!(worst_burn(Some(2.0), f64::NAN), 2.0);
    }

    #[test]
    fn selector_matchers_escape_values() {
        let sel = Selector {
            service: Some("a\"b".into()),
            slo: Some("x.y".into()),
        };
        assert_eq!(sel.matchers(), r#"sloth_service="a\"b""#);
        assert_eq!(Selector::default().matchers(), "");
    }
}
