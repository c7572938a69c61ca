//! The periodic SLO report: how each SLO did over a window such as the last 7 days.
//!
//! Takes a [`Client`], a [`Selector`] and a window; produces a [`Report`] with, per SLO, the
//! SLI over the window, the budget the window consumed, the budget left in the period, alert
//! firings, the worst hours and a budget-remaining series for a chart. Only range and instant
//! queries over Sloth-standard series are used, so it works on any Sloth installation.
//! Rendering (Markdown, HTML, JSON) is the CLI's job.

use std::collections::BTreeMap;

use serde::Serialize;

use super::{fetch_statuses, Selector, SloStatus};
use crate::prom::{Client, Error, Range, Series};

/// The window a report covers, in Unix seconds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ReportWindow {
    pub start: f64,
    pub end: f64,
}

/// How often an alert fired in the window.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AlertFirings {
    pub name: String,
    /// `sloth_severity`: `page` or `ticket`.
    pub severity: String,
    /// Separate firing episodes (a gap longer than the query step starts a new one).
    pub count: u32,
}

/// One hour among the worst of the window.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WorstPeriod {
    pub start: f64,
    pub end: f64,
    /// The mean error ratio of that hour.
    pub error_ratio: f64,
    /// `error_ratio / (1 - objective)`.
    pub burn_rate: f64,
}

/// One SLO's part of the report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SloReport {
    /// The state at the end of the window.
    pub status: SloStatus,
    /// The SLI over the window: 1 minus the mean of `slo:sli_error:ratio_rate5m`, as Sloth's
    /// period SLI is computed. `NaN` without traffic, `None` without data.
    pub sli: Option<f64>,
    /// Share of the period's error budget the window used (0.25 = a quarter of it).
    pub budget_consumed: Option<f64>,
    pub alert_firings: Vec<AlertFirings>,
    /// Up to three worst hours, worst first.
    pub worst_periods: Vec<WorstPeriod>,
    /// `(time, remaining budget ratio)` over the window, for the chart.
    pub budget_series: Vec<(f64, f64)>,
}

/// The whole report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    pub start: f64,
    pub end: f64,
    pub slos: Vec<SloReport>,
}

const HOUR: f64 = 3600.0;
/// Points in the budget chart.
const CHART_POINTS: f64 = 48.0;
/// Step of the alert query: Sloth's alert windows are 5m at the shortest.
const ALERT_STEP: f64 = 300.0;

/// Builds the report for the selected SLOs; [`Error::NoData`] when none match.
pub fn build_report(
    client: &Client,
    sel: &Selector,
    window: ReportWindow,
) -> Result<Report, Error> {
    let statuses = fetch_statuses(client, sel, Some(window.end))?;
    let span = (window.end - window.start).max(ALERT_STEP);
    let matchers = sel.matchers();
    let errors = format!("slo:sli_error:ratio_rate5m{{{matchers}}}");

    let mean_error = by_id(client.query(
        &format!("avg_over_time({errors}[{}s])", span as i64),
        Some(window.end),
    )?);
    let hourly = client.query_range(
        &format!("avg_over_time({errors}[1h])"),
        Range {
            start: window.start + HOUR,
            end: window.end,
            step: HOUR,
        },
    )?;
    let chart_step = (span / CHART_POINTS).max(60.0).round();
    let budget = client.query_range(
        &format!("slo:period_error_budget_remaining:ratio{{{matchers}}}"),
        Range {
            start: window.end - chart_step * CHART_POINTS,
            end: window.end,
            step: chart_step,
        },
    )?;
    let alert_sel = if matchers.is_empty() {
        "alertstate=\"firing\",sloth_id!=\"\"".to_string()
    } else {
        format!("alertstate=\"firing\",{matchers}")
    };
    let alerts = client.query_range(
        &format!("ALERTS{{{alert_sel}}}"),
        Range {
            start: window.start,
            end: window.end,
            step: ALERT_STEP,
        },
    )?;

    let slos = statuses
        .into_iter()
        .map(|status| {
            let error_budget = 1.0 - status.objective;
            let mean = mean_error.get(&status.id).copied();
            let consumed = match (mean, status.period_days) {
                (Some(m), Some(days)) if days > 0.0 => {
                    Some(m * span / (days * 86400.0) / error_budget)
                }
                _ => None,
            };
            SloReport {
                sli: mean.map(|m| 1.0 - m),
                budget_consumed: consumed,
                alert_firings: firings(&alerts, &status.id),
                worst_periods: worst(&hourly, &status.id, error_budget),
                budget_series: points_of(&budget, &status.id),
                status,
            }
        })
        .collect();
    Ok(Report {
        start: window.start,
        end: window.end,
        slos,
    })
}

fn by_id(samples: Vec<crate::prom::Sample>) -> BTreeMap<String, f64> {
    super::by_id(samples)
}

fn of_slo<'a>(series: &'a [Series], id: &'a str) -> impl Iterator<Item = &'a Series> + 'a {
    series
        .iter()
        .filter(move |s| s.labels.get("sloth_id").map(String::as_str) == Some(id))
}

fn points_of(series: &[Series], id: &str) -> Vec<(f64, f64)> {
    of_slo(series, id)
        .next()
        .map(|s| s.points.clone())
        .unwrap_or_default()
}

/// Counts firing episodes per alert and severity.
fn firings(series: &[Series], id: &str) -> Vec<AlertFirings> {
    let mut counts: BTreeMap<(String, String), u32> = BTreeMap::new();
    for s in of_slo(series, id) {
        let name = s.labels.get("alertname").cloned().unwrap_or_default();
        let severity = s.labels.get("sloth_severity").cloned().unwrap_or_default();
        let mut episodes = 0;
        let mut last: Option<f64> = None;
        for (t, _) in &s.points {
            if last.is_none_or(|l| t - l > ALERT_STEP * 1.5) {
                episodes += 1;
            }
            last = Some(*t);
        }
        *counts.entry((name, severity)).or_default() += episodes;
    }
    counts
        .into_iter()
        .map(|((name, severity), count)| AlertFirings {
            name,
            severity,
            count,
        })
        .collect()
}

/// The three hours with the highest mean error ratio (ignoring error-free and NaN hours).
fn worst(series: &[Series], id: &str, error_budget: f64) -> Vec<WorstPeriod> {
    let mut hours: Vec<(f64, f64)> = of_slo(series, id)
        .flat_map(|s| s.points.iter().copied())
        .filter(|(_, v)| v.is_finite() && *v > 0.0)
        .collect();
    hours.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.total_cmp(&b.0)));
    hours
        .into_iter()
        .take(3)
        .map(|(end, ratio)| WorstPeriod {
            start: end - HOUR,
            end,
            error_ratio: ratio,
            burn_rate: ratio / error_budget,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::prom::Labels;

    fn series(id: &str, extra: &[(&str, &str)], points: &[(f64, f64)]) -> Series {
        let mut labels = Labels::new();
        labels.insert("sloth_id".into(), id.into());
        for (k, v) in extra {
            labels.insert((*k).into(), (*v).into());
        }
        Series {
            labels,
            points: points.to_vec(),
        }
    }

    #[test]
    fn firing_episodes_split_on_gaps() {
        let s = [
            series(
                "a",
                &[("alertname", "X"), ("sloth_severity", "page")],
                &[(0.0, 1.0), (300.0, 1.0), (1200.0, 1.0)],
            ),
            series(
                "b",
                &[("alertname", "X"), ("sloth_severity", "page")],
                &[(0.0, 1.0)],
            ),
        ];
        assert_eq!(
            firings(&s, "a"),
            vec![AlertFirings {
                name: "X".into(),
                severity: "page".into(),
                count: 2
            }]
        );
    }

    #[test]
    fn worst_hours_are_sorted_and_skip_nan() {
        let s = [series(
            "a",
            &[],
            &[
                (3600.0, 0.01),
                (7200.0, f64::NAN),
                (10800.0, 0.05),
                (14400.0, 0.0),
            ],
        )];
        let w = worst(&s, "a", 0.001);
        assert_eq!(w.len(), 2);
        assert_eq!(
            (w[0].start, w[0].end, w[0].error_ratio),
            (7200.0, 10800.0, 0.05)
        );
        assert!((w[0].burn_rate - 50.0).abs() < 1e-9);
    }
}
