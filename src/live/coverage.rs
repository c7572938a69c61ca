//! How much history Prometheus holds for each SLO: the oldest sample of its SLI recording
//! (`slo:sli_error:ratio_rate5m`) within a range.
//!
//! A Prometheus that started recording three days ago answers a 30-day question from three
//! days of data: range functions average over what exists, and Sloth's budget left treats those
//! days as the whole period. Figures over a range must say how much of it has data ("data
//! covers 3 of 30 days") and be computed over that part only. [`first_samples`] finds where the
//! data begins; [`Coverage`] is that fact for one range, for the report, `serve`, dashboards
//! and incident bodies alike.

use std::collections::BTreeMap;

use serde::Serialize;

use super::{by_id, regex_escape, Selector, ERROR_RATIO};
use crate::prom::{Client, Error};
use crate::timefmt::{serialize_rfc3339, serialize_rfc3339_opt};

/// The longest step at which a subquery still sees every sample: Prometheus' default 5-minute
/// lookback.
const MAX_STEP: f64 = 300.0;
/// Steps of the first, coarse pass over the whole range. A subquery costs about one selection
/// per step (8,640 steps over 30 days took seconds on a loaded machine), so the range is
/// looked at coarsely, then only the stretch where the data begins is looked at finely.
const COARSE_STEPS: f64 = 200.0;
/// The step of the fine pass: every sample is seen.
const FINE_STEP: f64 = 60.0;

/// The oldest sample time of each selected SLO's 5m SLI recording in `(start, end]` (Unix
/// seconds), keyed by `sloth_id`. An SLO without a sample in the range is absent.
///
/// `min_over_time(timestamp(...)[range:step])`: `timestamp` gives each sample's own time. A
/// coarse pass over the range finds, per SLO, a sample within one coarse step (plus the
/// lookback) of the first; a fine pass over just that stretch, with a step no longer than the
/// lookback, finds the first sample itself. SLOs whose data begins at about the same time
/// share a fine query. (When data begins before the range, the answer is a time within one
/// step of `start`.)
pub fn first_samples(
    client: &Client,
    sel: &Selector,
    start: f64,
    end: f64,
) -> Result<BTreeMap<String, f64>, Error> {
    let span = (end - start).max(60.0);
    let coarse = step_for(span);
    let mut first = oldest(client, &sel.matchers(), span, coarse, end, sel)?;
    if coarse <= MAX_STEP {
        return Ok(first);
    }
    // Group SLOs whose coarse answers lie within a step of each other; refine each group.
    let mut found: Vec<(f64, String)> = first.iter().map(|(id, t)| (*t, id.clone())).collect();
    found.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut groups: Vec<Vec<(f64, String)>> = Vec::new();
    for f in found {
        match groups.last_mut() {
            Some(g) if f.0 - g[0].0 <= coarse => g.push(f),
            _ => groups.push(vec![f]),
        }
    }
    for g in groups {
        let latest = g.iter().map(|f| f.0).fold(f64::MIN, f64::max).min(end);
        let earliest = g.iter().map(|f| f.0).fold(f64::MAX, f64::min);
        let from = (earliest - coarse - MAX_STEP).max(end - span);
        let ids: Vec<String> = g.iter().map(|f| regex_escape(&f.1)).collect();
        let mut matchers = sel.matchers();
        if !matchers.is_empty() {
            matchers.push(',');
        }
        matchers.push_str(&format!("sloth_id=~\"{}\"", ids.join("|")));
        let fine = oldest(client, &matchers, latest - from, FINE_STEP, latest, sel)?;
        for (id, t) in fine {
            let entry = first.entry(id).or_insert(t);
            *entry = entry.min(t);
        }
    }
    Ok(first)
}

/// One pass: the oldest sample time per SLO within `span` before `at`, at `step`.
fn oldest(
    client: &Client,
    matchers: &str,
    span: f64,
    step: f64,
    at: f64,
    sel: &Selector,
) -> Result<BTreeMap<String, f64>, Error> {
    let q = format!(
        "min_over_time(timestamp({ERROR_RATIO}5m{{{matchers}}})[{}s:{}s])",
        span.ceil().max(step) as i64,
        step as i64
    );
    let samples: Vec<_> = client
        .query(&q, Some(at))?
        .into_iter()
        .filter(|s| sel.keeps(s))
        .collect();
    Ok(by_id(samples))
}

/// How close to the start of a range [`first_samples`] answers when data begins before it.
fn resolution(span: f64) -> f64 {
    let coarse = step_for(span);
    if coarse <= MAX_STEP {
        coarse
    } else {
        FINE_STEP
    }
}

/// The coarse step for a range: about [`COARSE_STEPS`] steps, whole minutes.
fn step_for(span: f64) -> f64 {
    ((span / COARSE_STEPS / 60.0).ceil() * 60.0).max(FINE_STEP)
}

/// How much of a range holds data for one SLO.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Coverage {
    /// The range asked about.
    #[serde(serialize_with = "serialize_rfc3339")]
    pub start: f64,
    #[serde(serialize_with = "serialize_rfc3339")]
    pub end: f64,
    /// Where the data in it begins: the oldest sample, or `start` when data goes back further.
    /// `None` when the range holds no data at all.
    #[serde(serialize_with = "serialize_rfc3339_opt")]
    pub covered_from: Option<f64>,
    /// Days of the range with data, and days asked about.
    pub covered_days: f64,
    pub requested_days: f64,
    /// True when the whole range has data.
    pub complete: bool,
}

impl Coverage {
    /// The coverage of `[start, end]` for an SLO whose oldest sample (looked for at least as
    /// far back as `start`) is `first_sample`.
    pub fn new(start: f64, end: f64, first_sample: Option<f64>) -> Coverage {
        let span = (end - start).max(0.0);
        // Data that begins before the range shows up within one step of its start.
        let complete_from = start + resolution(span);
        let covered_from = first_sample.map(|f| if f <= complete_from { start } else { f });
        let covered = covered_from.map_or(0.0, |c| (end - c).max(0.0));
        Coverage {
            start,
            end,
            covered_from,
            covered_days: covered / 86_400.0,
            requested_days: span / 86_400.0,
            complete: covered_from == Some(start),
        }
    }

    /// Seconds of the range with data.
    pub fn covered_secs(&self) -> f64 {
        self.covered_days * 86_400.0
    }

    /// `data covers 3 of 30 days`, `data covers 5 hours of 7 days`, `no data in the last 7
    /// days`.
    pub fn describe(&self) -> String {
        let of = days(self.requested_days);
        if self.covered_from.is_none() {
            return format!("no data in the {of}");
        }
        if self.covered_days < 1.0 {
            let hours = trim(self.covered_days * 24.0);
            return format!("data covers {hours} hour(s) of {of}");
        }
        format!("data covers {} of {of}", trim(self.covered_days))
    }
}

/// `30 days`, `1 day`, `12 hours`.
fn days(d: f64) -> String {
    if d < 1.0 {
        return format!("{} hours", trim(d * 24.0));
    }
    let n = trim(d);
    if n == "1" {
        "1 day".into()
    } else {
        format!("{n} days")
    }
}

/// One decimal at most, none when whole (`3`, `2.5`, `32`); whole from 10 up.
fn trim(x: f64) -> String {
    if x >= 10.0 {
        return format!("{:.0}", x.floor());
    }
    let s = format!("{:.1}", (x * 10.0).floor() / 10.0);
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: f64 = 86_400.0;

    #[test]
    fn coverage_of_a_range() {
        let end = 100.0 * DAY;
        let short = Coverage::new(end - 30.0 * DAY, end, Some(end - 3.0 * DAY - 600.0));
        assert!(!short.complete);
        assert_eq!(short.covered_from, Some(end - 3.0 * DAY - 600.0));
        assert!((short.covered_secs() - (3.0 * DAY + 600.0)).abs() < 1e-6);
        assert_eq!(short.describe(), "data covers 3 of 30 days");

        // Data older than the range: the sample found is within a step of its start.
        let full = Coverage::new(end - 7.0 * DAY, end, Some(end - 7.0 * DAY + 60.0));
        assert!(full.complete);
        assert_eq!(full.covered_secs(), 7.0 * DAY);
        let late = Coverage::new(end - 7.0 * DAY, end, Some(end - 7.0 * DAY + 600.0));
        assert!(!late.complete);

        let none = Coverage::new(end - 7.0 * DAY, end, None);
        assert_eq!(none.describe(), "no data in the 7 days");
        assert_eq!(none.covered_secs(), 0.0);

        let hours = Coverage::new(end - 2.0 * DAY, end, Some(end - 5.5 * 3600.0));
        assert_eq!(hours.describe(), "data covers 5.5 hour(s) of 2 days");
        let long = Coverage::new(end - 40.0 * DAY, end, Some(end - 32.0 * DAY - 3600.0));
        assert_eq!(long.describe(), "data covers 32 of 40 days");
    }

    #[test]
    fn coarse_steps_are_whole_minutes_about_two_hundred_a_range() {
        assert_eq!(step_for(3600.0), 60.0);
        assert_eq!(step_for(2.0 * DAY), 900.0);
        assert_eq!(step_for(30.0 * DAY), 12_960.0);
        assert!(30.0 * DAY / step_for(30.0 * DAY) <= COARSE_STEPS);
    }
}
