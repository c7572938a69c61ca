//! What a dashboard shows about one SLO, read from its model and its plan.
//!
//! Windows come from the SLI recording rules the plan holds, burn-rate factors from the
//! alert windows of [`crate::plan::mwmb`] (the catalogue's, whatever the period), severities,
//! alert names and runbook links from the plan's alert rules. A panel whose recording rule
//! the plan does not hold is left out rather than left empty.

use std::collections::{BTreeMap, BTreeSet};

use super::grouping::grouping_labels;
use super::query;
use crate::duration::Duration;
use crate::model::template::{self, MissingKey};
use crate::model::{Sli, Slo};
use crate::plan::mwmb::{MwmbAlert, MwmbAlerts};
use crate::plan::SloRules;

/// The SLI recording rules' name, before the window.
pub const SLI_RECORD: &str = "slo:sli_error:ratio_rate";

/// A window pair of an alert: it fires when both windows burn faster than `factor`.
#[derive(Debug, Clone, PartialEq)]
pub struct Pair {
    pub severity: String,
    pub short: Duration,
    pub long: Duration,
    pub factor: f64,
}

/// An alert rule of the SLO, as `ALERTS` carries it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Alert {
    pub name: String,
    /// `sloth_severity`, when the rule sets it.
    pub severity: Option<String>,
}

/// A link found in the alerts' annotations.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Link {
    pub title: String,
    pub url: String,
}

/// The SLI's event queries, rendered for Grafana's `$__rate_interval`.
#[derive(Debug, Clone, PartialEq)]
pub struct Events {
    pub errors: String,
    pub total: String,
}

/// One SLO as its panels need it.
#[derive(Debug, Clone)]
pub struct SloView<'a> {
    pub slo: &'a Slo,
    /// The alert windows with an SLI recording, shortest first (the period excluded).
    pub windows: Vec<Duration>,
    /// Recording rule names the plan holds.
    pub records: BTreeSet<String>,
    /// The window of the current burn rate (the page alert's short window).
    pub short: Duration,
    /// Window pairs of the alerts the plan holds, page first.
    pub pairs: Vec<Pair>,
    pub alerts: Vec<Alert>,
    pub links: Vec<Link>,
    /// Labels the SLI's series are split by (empty: one series).
    pub grouping: Vec<String>,
    /// The shortest step worth plotting: the SLI's short window, or the rule groups'
    /// evaluation interval when that is longer.
    pub step: Duration,
    pub events: Option<Events>,
}

impl<'a> SloView<'a> {
    /// Reads what the dashboards need from the model and the plan.
    pub fn new(slo: &'a Slo, rules: &'a SloRules) -> Self {
        let all_rules = || rules.groups().flat_map(|g| g.rules.iter());
        let records: BTreeSet<String> = all_rules()
            .filter(|r| !r.record.is_empty())
            .map(|r| r.record.clone())
            .collect();
        let mut windows: Vec<Duration> = records
            .iter()
            .filter_map(|r| r.strip_prefix(SLI_RECORD))
            .filter_map(|w| Duration::parse(w).ok())
            .filter(|w| *w != slo.period)
            .collect();
        windows.sort();
        windows.dedup();

        let mut alerts: BTreeSet<Alert> = BTreeSet::new();
        let mut links: BTreeSet<Link> = BTreeSet::new();
        for rule in all_rules().filter(|r| !r.alert.is_empty()) {
            let severity = rule.labels.get("sloth_severity").cloned();
            for (key, value) in &rule.annotations {
                let v = value.trim();
                if v.starts_with("https://") || v.starts_with("http://") {
                    links.insert(Link {
                        title: key.clone(),
                        url: v.to_string(),
                    });
                }
            }
            alerts.insert(Alert {
                name: rule.alert.clone(),
                severity,
            });
        }
        let severities: BTreeSet<&str> = alerts
            .iter()
            .filter_map(|a| a.severity.as_deref())
            .collect();

        let mwmb = MwmbAlerts::new(slo);
        let mut pairs = Vec::new();
        for (severity, quick, slow) in [
            ("page", mwmb.page_quick, mwmb.page_slow),
            ("ticket", mwmb.ticket_quick, mwmb.ticket_slow),
        ] {
            if !severities.contains(severity) {
                continue;
            }
            for w in [quick, slow] {
                if windows.contains(&w.short) && windows.contains(&w.long) {
                    pairs.push(pair(severity, &w));
                }
            }
        }

        let short = mwmb.page_quick.short;
        let interval = rules.groups().map(|g| g.interval).max().unwrap_or_default();
        let grouping = crate::plan::sli::sli_expr(slo, short)
            .map(|e| grouping_labels(&e))
            .unwrap_or_default();
        SloView {
            slo,
            windows,
            records,
            short,
            pairs,
            alerts: alerts.into_iter().collect(),
            links: links.into_iter().collect(),
            step: short.max(interval),
            events: events(slo),
            grouping,
        }
    }

    /// True when the plan records `name`.
    pub fn records(&self, name: &str) -> bool {
        self.records.contains(name)
    }

    /// True when the plan records the SLI over `window`.
    pub fn records_sli(&self, window: Duration) -> bool {
        self.records.contains(&format!("{SLI_RECORD}{window}"))
    }

    /// The factor and severity of every pair `window` belongs to, lowest factor first.
    pub fn thresholds(&self, window: Duration) -> Vec<(f64, &str)> {
        let mut by_severity: BTreeMap<&str, f64> = BTreeMap::new();
        for p in &self.pairs {
            if p.short == window || p.long == window {
                let f = by_severity.entry(p.severity.as_str()).or_insert(p.factor);
                *f = f.min(p.factor);
            }
        }
        let mut out: Vec<(f64, &str)> = by_severity.into_iter().map(|(s, f)| (f, s)).collect();
        out.sort_by(|a, b| a.0.total_cmp(&b.0));
        out
    }
}

fn pair(severity: &str, w: &MwmbAlert) -> Pair {
    Pair {
        severity: severity.to_string(),
        short: w.short,
        long: w.long,
        factor: w.burn_rate_factor,
    }
}

/// The error and total queries at `$__rate_interval`, for an events SLI whose queries both
/// use `{{.window}}` and stay within the query limits once Grafana fills the window in.
fn events(slo: &Slo) -> Option<Events> {
    let Sli::Events {
        error_query,
        total_query,
    } = &slo.sli
    else {
        return None;
    };
    let render = |q: &str| -> Option<String> {
        if !q.contains(".window") {
            return None;
        }
        let data = BTreeMap::from([("window", query::RATE_INTERVAL.to_string())]);
        let text = template::render(q, &data, MissingKey::Error).ok()?;
        let text = text.trim().to_string();
        query::within_limits(&text).then_some(text)
    };
    Some(Events {
        errors: render(error_query)?,
        total: render(total_query)?,
    })
}
