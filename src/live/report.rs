//! The periodic SLO report: how each SLO did over a window such as the last 7 days.
//!
//! Takes a [`Client`], a [`Selector`] and a window; produces a [`Report`] with, per SLO, the
//! SLI over the window, the budget the window consumed, the budget left in the period, alert
//! firings, the worst hours and a budget-remaining series for a chart. Only range and instant
//! queries over Sloth-standard series are used, so it works on any Sloth installation.
//!
//! When Prometheus holds less history than the window (or the period), every figure is
//! computed over the part that has data ([`Coverage`]), and the report says how much that is:
//! the SLI and the budget consumed come from the covered part only, and no worst hour starts
//! before the data does. The budget the window consumed never exceeds what the period has used
//! (1 − budget left) when the window lies within the period. Rendering (text, Markdown, HTML,
//! JSON) is the CLI's job.

use std::collections::BTreeMap;

use serde::Serialize;

use super::coverage::{first_samples, Coverage};
use super::{fetch_statuses, Selector, SloStatus};
use crate::prom::{Client, Error, Range, Series};
use crate::timefmt::serialize_rfc3339;

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
    #[serde(serialize_with = "serialize_rfc3339")]
    pub start: f64,
    #[serde(serialize_with = "serialize_rfc3339")]
    pub end: f64,
    /// The mean error ratio of that hour.
    pub error_ratio: f64,
    /// `error_ratio / (1 - objective)`.
    pub burn_rate: f64,
}

/// One point of the budget chart.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct BudgetPoint {
    #[serde(serialize_with = "serialize_rfc3339")]
    pub time: f64,
    /// The remaining budget as a ratio; `NaN` (JSON `null`) without traffic.
    pub budget_remaining_ratio: f64,
}

/// One SLO's part of the report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SloReport {
    /// The state at the end of the window.
    pub status: SloStatus,
    /// The SLI over the covered part of the window: 1 minus the mean of
    /// `slo:sli_error:ratio_rate5m`, as Sloth's period SLI is computed. `NaN` without traffic,
    /// `None` without data.
    pub sli: Option<f64>,
    /// Share of the period's error budget the covered part of the window used (0.25 = a
    /// quarter of it).
    pub budget_consumed: Option<f64>,
    /// True when `budget_consumed` was lowered to what the period has used (1 − budget left),
    /// because the window's data claimed more.
    pub budget_consumed_capped: bool,
    /// How much of the window has data.
    pub window_coverage: Coverage,
    /// How much of the SLO's period (ending with the window) has data; Sloth's budget left is
    /// computed over that part. `None` when the period is not recorded.
    pub period_coverage: Option<Coverage>,
    pub alert_firings: Vec<AlertFirings>,
    /// Up to three worst hours, worst first; all within the covered part.
    pub worst_periods: Vec<WorstPeriod>,
    /// The remaining budget over the window, for the chart.
    pub budget_series: Vec<BudgetPoint>,
}

/// The whole report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    #[serde(serialize_with = "serialize_rfc3339")]
    pub start: f64,
    #[serde(serialize_with = "serialize_rfc3339")]
    pub end: f64,
    pub slos: Vec<SloReport>,
}

const HOUR: f64 = 3600.0;
const DAY: f64 = 86_400.0;
/// Points in the budget chart.
const CHART_POINTS: f64 = 48.0;
/// Step of the alert query: Sloth's alert windows are 5m at the shortest.
const ALERT_STEP: f64 = 300.0;
/// Points Prometheus returns per series of a range query at most (it refuses more than 11,000).
const MAX_POINTS: f64 = 10_000.0;

/// The alert query's step: 5 minutes, or longer over a window so long that 5 minutes would be
/// more points than Prometheus returns (a 40-day window at 5m is 11,520).
fn alert_step(span: f64) -> f64 {
    ALERT_STEP.max(((span / MAX_POINTS) / 60.0).ceil() * 60.0)
}

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

    // Where each SLO's data begins, looked for over the window and the longest period.
    let longest_period = statuses
        .iter()
        .filter_map(|s| s.period_days)
        .fold(0.0_f64, f64::max)
        * DAY;
    let look_from = window.end - span.max(longest_period);
    let first = first_samples(client, sel, look_from, window.end)?;

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
    let step = alert_step(span);
    let alerts = client.query_range(
        &format!("ALERTS{{{alert_sel}}}"),
        Range {
            start: window.start,
            end: window.end,
            step,
        },
    )?;

    let slos = statuses
        .into_iter()
        .map(|status| {
            let error_budget = 1.0 - status.objective;
            let first_sample = first.get(&status.id).copied();
            let window_coverage = Coverage::new(window.end - span, window.end, first_sample);
            let period_secs = status.period_days.filter(|d| *d > 0.0).map(|d| d * DAY);
            let period_coverage =
                period_secs.map(|p| Coverage::new(window.end - p, window.end, first_sample));
            let mean = mean_error.get(&status.id).copied();
            let (consumed, capped) = match (mean, period_secs) {
                (Some(m), Some(p)) => {
                    let c = m * window_coverage.covered_secs() / p / error_budget;
                    within_period(c, span <= p, status.known_budget())
                }
                _ => (None, false),
            };
            SloReport {
                sli: mean.map(|m| 1.0 - m),
                budget_consumed: consumed,
                budget_consumed_capped: capped,
                alert_firings: firings(&alerts, &status.id, step),
                worst_periods: worst(
                    &hourly,
                    &status.id,
                    error_budget,
                    window_coverage.covered_from,
                ),
                budget_series: points_of(&budget, &status.id),
                window_coverage,
                period_coverage,
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

/// The budget a window within the period consumed, never more than the period has used
/// (`1 − left`); with `true` when it had to be lowered.
fn within_period(consumed: f64, window_in_period: bool, left: Option<f64>) -> (Option<f64>, bool) {
    match left {
        Some(left) if window_in_period && consumed.is_finite() && consumed > 1.0 - left + 1e-9 => {
            (Some((1.0 - left).max(0.0)), true)
        }
        _ => (Some(consumed), false),
    }
}

fn by_id(samples: Vec<crate::prom::Sample>) -> BTreeMap<String, f64> {
    super::by_id(samples)
}

fn of_slo<'a>(series: &'a [Series], id: &'a str) -> impl Iterator<Item = &'a Series> + 'a {
    series
        .iter()
        .filter(move |s| s.labels.get("sloth_id").map(String::as_str) == Some(id))
}

fn points_of(series: &[Series], id: &str) -> Vec<BudgetPoint> {
    of_slo(series, id)
        .next()
        .map(|s| {
            s.points
                .iter()
                .map(|&(time, v)| BudgetPoint {
                    time,
                    budget_remaining_ratio: v,
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Counts firing episodes per alert and severity, in a series sampled every `step` seconds.
fn firings(series: &[Series], id: &str, step: f64) -> Vec<AlertFirings> {
    let mut counts: BTreeMap<(String, String), u32> = BTreeMap::new();
    for s in of_slo(series, id) {
        let name = s.labels.get("alertname").cloned().unwrap_or_default();
        let severity = s.labels.get("sloth_severity").cloned().unwrap_or_default();
        let mut episodes = 0;
        let mut last: Option<f64> = None;
        for (t, _) in &s.points {
            if last.is_none_or(|l| t - l > step * 1.5) {
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

/// The three hours with the highest mean error ratio (ignoring error-free and NaN hours, and
/// hours that begin before `covered_from`, whose mean would be of part of an hour).
fn worst(
    series: &[Series],
    id: &str,
    error_budget: f64,
    covered_from: Option<f64>,
) -> Vec<WorstPeriod> {
    let Some(from) = covered_from else {
        return Vec::new();
    };
    let mut hours: Vec<(f64, f64)> = of_slo(series, id)
        .flat_map(|s| s.points.iter().copied())
        .filter(|(t, v)| v.is_finite() && *v > 0.0 && t - HOUR >= from)
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
            firings(&s, "a", ALERT_STEP),
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
        let w = worst(&s, "a", 0.001, Some(0.0));
        assert_eq!(w.len(), 2);
        assert_eq!(
            (w[0].start, w[0].end, w[0].error_ratio),
            (7200.0, 10800.0, 0.05)
        );
        assert!((w[0].burn_rate - 50.0).abs() < 1e-9);
        // No hour begins before the data does.
        let w = worst(&s, "a", 0.001, Some(3000.0));
        assert_eq!(w.len(), 1);
        assert_eq!(w[0].start, 7200.0);
        assert!(worst(&s, "a", 0.001, None).is_empty());
    }

    #[test]
    fn alert_steps_stay_under_prometheus_point_limit() {
        assert_eq!(alert_step(7.0 * 86_400.0), 300.0);
        let forty = 40.0 * 86_400.0;
        assert!(
            forty / alert_step(forty) <= MAX_POINTS,
            "{}",
            alert_step(forty)
        );
    }

    #[test]
    fn a_window_in_the_period_never_consumes_more_than_the_period_used() {
        assert_eq!(within_period(0.3, true, Some(0.5)), (Some(0.3), false));
        assert_eq!(
            within_period(4.3389, true, Some(0.3861)),
            (Some(1.0 - 0.3861), true)
        );
        // A window longer than the period may use more than one period's budget.
        assert_eq!(within_period(1.4, false, Some(0.3)), (Some(1.4), false));
        assert_eq!(within_period(0.3, true, None), (Some(0.3), false));
    }
}
