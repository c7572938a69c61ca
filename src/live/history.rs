//! Figures over a range, for charts: the remaining error budget (Sloth's
//! `slo:period_error_budget_remaining:ratio`, the period's budget left at each instant) and
//! the SLI's error ratio over one of its recorded windows. One range query each, for every
//! selected SLO and group at once.

use std::collections::BTreeMap;

use serde::Serialize;

use super::groups::group_labels;
use super::{esc, Selector, ERROR_RATIO};
use crate::prom::{Client, Error, Labels, Range, Series};

/// One series over a range: an SLO, or one group of a grouped SLO.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct History {
    pub id: String,
    /// The group's labels; empty for an SLO that is not grouped.
    pub group: Labels,
    /// `(Unix seconds, value)` in time order; `NaN` where the SLI had no traffic.
    pub points: Vec<(f64, f64)>,
}

/// A range of `span` seconds ending at `end`, in about `points` steps of whole seconds (at
/// least one minute each).
pub fn range_ending(end: f64, span: f64, points: u32) -> Range {
    let step = (span / f64::from(points.max(1))).round().max(60.0);
    Range {
        start: end - span,
        end,
        step,
    }
}

/// The remaining error budget of every selected SLO over `range`. `slo_labels` are the
/// labels of each SLO's objective series ([`super::Overview::slo_labels`]); series of other
/// SLOs are left out.
pub fn budget_history(
    client: &Client,
    sel: &Selector,
    range: Range,
    slo_labels: &BTreeMap<String, Labels>,
) -> Result<Vec<History>, Error> {
    let q = format!(
        "slo:period_error_budget_remaining:ratio{{{}}}",
        sel.matchers()
    );
    let series = client.query_range(&q, range)?;
    Ok(histories(
        series.into_iter().filter(|s| keeps(sel, s)),
        slo_labels,
    ))
}

/// The error ratio of SLO `id` over its recorded `window` (e.g. `1h`), over `range`.
pub fn error_ratio_history(
    client: &Client,
    id: &str,
    window: &str,
    range: Range,
    slo_labels: &BTreeMap<String, Labels>,
) -> Result<Vec<History>, Error> {
    let q = format!("{ERROR_RATIO}{window}{{sloth_id=\"{}\"}}", esc(id));
    Ok(histories(client.query_range(&q, range)?, slo_labels))
}

fn keeps(sel: &Selector, s: &Series) -> bool {
    sel.keeps(&crate::prom::Sample {
        labels: s.labels.clone(),
        timestamp: 0.0,
        value: 0.0,
    })
}

fn histories(
    series: impl IntoIterator<Item = Series>,
    slo_labels: &BTreeMap<String, Labels>,
) -> Vec<History> {
    let mut out: Vec<History> = series
        .into_iter()
        .filter_map(|s| {
            let id = s.labels.get("sloth_id")?.clone();
            let base = slo_labels.get(&id)?;
            Some(History {
                group: group_labels(&s.labels, base),
                id,
                points: s.points,
            })
        })
        .collect();
    out.sort_by(|a, b| (&a.id, &a.group).cmp(&(&b.id, &b.group)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_step_in_whole_seconds() {
        let r = range_ending(1_000_000.0, 30.0 * 86_400.0, 240);
        assert_eq!(r.step, 10_800.0);
        assert_eq!(r.end - r.start, 30.0 * 86_400.0);
        assert_eq!(range_ending(100.0, 600.0, 1000).step, 60.0);
    }

    #[test]
    fn series_of_unknown_slos_are_left_out_and_groups_named() {
        let labels = |pairs: &[(&str, &str)]| -> Labels {
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        };
        let known = BTreeMap::from([("a".to_string(), labels(&[("sloth_id", "a")]))]);
        let got = histories(
            [
                Series {
                    labels: labels(&[("sloth_id", "a"), ("route", "/x")]),
                    points: vec![(1.0, 0.5)],
                },
                Series {
                    labels: labels(&[("sloth_id", "other")]),
                    points: vec![],
                },
            ],
            &known,
        );
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].group, labels(&[("route", "/x")]));
    }
}
