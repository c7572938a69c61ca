//! One notification in, incidents opened, noted or resolved, the state recorded.
//!
//! The steps for a firing group: start an episode; for each sink without an incident yet,
//! record that it is being asked (the state file is written), ask it (or, when an earlier
//! attempt may have succeeded unrecorded, look for it first), record what it answered. For
//! an open group, a burn rate that moved by `burn_change`× or more since it was last reported
//! becomes a note. A resolved group's incidents are resolved sink by sink, each recorded; the
//! episode then becomes the group's `last`, which a later episode links. Every change is in
//! the state file before [`Engine::handle`] returns, and any sink failure makes it return an
//! error, so the HTTP answer is 2xx only for work done. Notifications of one group are handled
//! one at a time; different groups in parallel.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

use super::figures::{explain, Figures, Specs};
use super::payload::{Notification, Status};
use super::render;
use super::sink::{AlertLine, Incident, Live, Sink, SinkError};
use super::state::{Episode, Group, Store};
use crate::http::Registry;
use crate::timefmt::rfc3339;

/// Metric families the engine keeps.
pub mod metric {
    pub const NOTIFICATIONS: &str = "slogen_incidents_notifications_total";
    pub const OPENED: &str = "slogen_incidents_opened_total";
    pub const CLOSED: &str = "slogen_incidents_closed_total";
    pub const NOTES: &str = "slogen_incidents_notes_total";
    pub const SINK_ERRORS: &str = "slogen_incidents_sink_errors_total";
    pub const OPEN: &str = "slogen_incidents_open";
}

/// Everything the engine works with.
pub struct Engine {
    pub store: Store,
    /// In the order incidents are opened: a later sink can link an earlier one's incident.
    pub sinks: Vec<Box<dyn Sink>>,
    pub specs: Option<Specs>,
    pub figures: Option<Box<dyn Figures>>,
    /// A burn rate this many times higher or lower than the last reported one is noted.
    pub burn_change: f64,
    pub metrics: Arc<Registry>,
    /// Unix seconds now.
    pub now: fn() -> f64,
    locks: Mutex<HashMap<String, Arc<Mutex<()>>>>,
}

/// What a notification did, for the answer's one line.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// Incidents opened in these sinks (`github#12`).
    Opened(Vec<String>),
    /// The burn rate moved: a note was added.
    Noted,
    /// A repeat of a known state: nothing to do.
    Unchanged,
    Resolved,
    /// A resolution for a group without an open incident.
    NothingOpen,
}

impl Outcome {
    pub fn line(&self) -> String {
        match self {
            Outcome::Opened(where_) => format!("opened: {}", where_.join(", ")),
            Outcome::Noted => "noted the burn rate".into(),
            Outcome::Unchanged => "already known".into(),
            Outcome::Resolved => "resolved".into(),
            Outcome::NothingOpen => "no open incident for this group".into(),
        }
    }
}

/// Work not done: the caller answers 5xx, Alertmanager retries.
#[derive(Debug, thiserror::Error)]
pub enum Failure {
    #[error("{}", .0.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("; "))]
    Sinks(Vec<SinkError>),
    #[error("writing the state file: {0:#}")]
    State(anyhow::Error),
}

impl Engine {
    pub fn new(
        store: Store,
        sinks: Vec<Box<dyn Sink>>,
        specs: Option<Specs>,
        figures: Option<Box<dyn Figures>>,
        metrics: Arc<Registry>,
    ) -> Engine {
        use crate::http::metrics::Kind;
        let m = &metrics;
        m.describe(
            metric::NOTIFICATIONS,
            "Alertmanager notifications accepted, by status.",
            Kind::Counter,
        );
        m.describe(metric::OPENED, "Incidents opened.", Kind::Counter);
        m.describe(
            metric::CLOSED,
            "Incidents resolved and closed.",
            Kind::Counter,
        );
        m.describe(
            metric::NOTES,
            "Notes added because the burn rate moved.",
            Kind::Counter,
        );
        m.describe(
            metric::SINK_ERRORS,
            "Failed calls to a sink (GitHub, Slack), by sink.",
            Kind::Counter,
        );
        m.describe(
            metric::OPEN,
            "Alert groups with an open incident.",
            Kind::Gauge,
        );
        for s in &sinks {
            m.add(metric::SINK_ERRORS, &[("sink", s.name())], 0.0);
        }
        m.add(metric::OPENED, &[], 0.0);
        m.add(metric::CLOSED, &[], 0.0);
        m.set(metric::OPEN, &[], store.open_count() as f64);
        Engine {
            store,
            sinks,
            specs,
            figures,
            burn_change: 2.0,
            metrics,
            now: now_unix,
            locks: Mutex::new(HashMap::new()),
        }
    }

    /// Handles one notification; see the module documentation.
    pub fn handle(&self, n: &Notification) -> Result<Outcome, Failure> {
        self.metrics
            .inc(metric::NOTIFICATIONS, &[("status", n.status.as_str())]);
        let lock = {
            let mut locks = self.locks.lock().unwrap_or_else(|e| e.into_inner());
            locks.entry(n.group_key.clone()).or_default().clone()
        };
        let _one_at_a_time = lock.lock().unwrap_or_else(|e| e.into_inner());
        let group = self.store.group(&n.group_key);
        let out = match n.status {
            Status::Firing => self.firing(n, group),
            Status::Resolved => self.resolved(n, group),
        };
        self.metrics
            .set(metric::OPEN, &[], self.store.open_count() as f64);
        out
    }

    fn save(&self, key: &str, group: &Group) -> Result<(), Failure> {
        self.store.put(key, group.clone()).map_err(Failure::State)
    }

    fn sink_failed(&self, e: SinkError, errors: &mut Vec<SinkError>) {
        self.metrics.inc(metric::SINK_ERRORS, &[("sink", e.sink)]);
        errors.push(e);
    }

    fn firing(&self, n: &Notification, mut group: Group) -> Result<Outcome, Failure> {
        let key = n.group_key.as_str();
        let now = (self.now)();
        let fresh = group.open.is_none();
        let mut ep = group.open.take().unwrap_or_else(|| Episode {
            marker: marker(key, now),
            title: String::new(),
            starts_at: n.starts_at().unwrap_or_default().to_string(),
            opened_at: rfc3339(now),
            sinks: BTreeMap::new(),
            burn_rate: None,
            resolved_at: None,
        });
        let mut inc = self.incident(n, &ep);
        if ep.title.is_empty() {
            ep.title = inc.title.clone();
        }
        let had_any = ep.sinks.values().any(|s| s.reference.is_some());
        let mut errors = Vec::new();
        let mut opened = Vec::new();
        for sink in &self.sinks {
            let name = sink.name();
            let st = ep.sinks.entry(name.to_string()).or_default().clone();
            if let Some(r) = &st.reference {
                inc.refs.insert(name.to_string(), r.clone());
                continue;
            }
            let found = if st.attempted {
                match sink.find(&inc) {
                    Ok(f) => f,
                    Err(e) => {
                        self.sink_failed(e, &mut errors);
                        continue;
                    }
                }
            } else {
                None
            };
            let reference = match found {
                Some(r) => r,
                None => {
                    if !st.attempted {
                        ep.sinks.entry(name.to_string()).or_default().attempted = true;
                        group.open = Some(ep.clone());
                        self.save(key, &group)?;
                    }
                    let previous = group
                        .last
                        .as_ref()
                        .and_then(|l| l.sinks.get(name))
                        .and_then(|s| s.reference.as_ref());
                    match sink.open(&inc, previous) {
                        Ok(r) => r,
                        Err(e) => {
                            self.sink_failed(e, &mut errors);
                            continue;
                        }
                    }
                }
            };
            opened.push(sink.describe(&reference));
            inc.refs.insert(name.to_string(), reference.clone());
            ep.sinks.entry(name.to_string()).or_default().reference = Some(reference);
            group.open = Some(ep.clone());
            self.save(key, &group)?;
        }
        let has_any = ep.sinks.values().any(|s| s.reference.is_some());
        if has_any && !had_any {
            self.metrics.inc(metric::OPENED, &[]);
        }
        let mut noted = false;
        if let Some(now_rate) = inc.live.burn_rate() {
            match ep.burn_rate {
                Some(was) if !fresh && moved(was, now_rate, self.burn_change) => {
                    let note = render::burn_comment(was, now_rate, &inc.live);
                    let mut ok = true;
                    for sink in &self.sinks {
                        let Some(r) = ep.sinks.get(sink.name()).and_then(|s| s.reference.clone())
                        else {
                            continue;
                        };
                        if let Err(e) = sink.note(&r, &inc, &note) {
                            ok = false;
                            self.sink_failed(e, &mut errors);
                        }
                    }
                    if ok {
                        ep.burn_rate = Some(now_rate);
                        noted = true;
                        self.metrics.inc(metric::NOTES, &[]);
                    }
                }
                None => ep.burn_rate = Some(now_rate),
                Some(_) => {}
            }
        }
        group.open = Some(ep);
        if group != self.store.group(key) {
            self.save(key, &group)?;
        } else {
            // Nothing new, but an earlier change may not be on disk yet (a failed write):
            // answer 2xx only once it is.
            self.store.sync().map_err(Failure::State)?;
        }
        if !errors.is_empty() {
            return Err(Failure::Sinks(errors));
        }
        Ok(if !opened.is_empty() {
            Outcome::Opened(opened)
        } else if noted {
            Outcome::Noted
        } else {
            Outcome::Unchanged
        })
    }

    fn resolved(&self, n: &Notification, mut group: Group) -> Result<Outcome, Failure> {
        let key = n.group_key.as_str();
        let Some(mut ep) = group.open.take() else {
            self.store.sync().map_err(Failure::State)?;
            return Ok(Outcome::NothingOpen);
        };
        if ep.resolved_at.is_none() {
            ep.resolved_at = Some(rfc3339((self.now)()));
        }
        let mut inc = self.incident(n, &ep);
        inc.resolved_at = ep.resolved_at.clone();
        let mut errors = Vec::new();
        let mut closed_any = false;
        for sink in &self.sinks {
            let name = sink.name();
            let Some(st) = ep.sinks.get(name).cloned() else {
                continue;
            };
            if st.resolved {
                continue;
            }
            let reference = match (&st.reference, st.attempted) {
                (Some(r), _) => Some(r.clone()),
                (None, true) => match sink.find(&inc) {
                    Ok(f) => f,
                    Err(e) => {
                        self.sink_failed(e, &mut errors);
                        continue;
                    }
                },
                (None, false) => None,
            };
            if let Some(r) = &reference {
                if let Err(e) = sink.resolve(r, &inc) {
                    self.sink_failed(e, &mut errors);
                    continue;
                }
                closed_any = true;
            }
            let entry = ep.sinks.entry(name.to_string()).or_default();
            entry.reference = reference;
            entry.resolved = true;
            group.open = Some(ep.clone());
            self.save(key, &group)?;
        }
        if !errors.is_empty() {
            group.open = Some(ep);
            self.save(key, &group)?;
            return Err(Failure::Sinks(errors));
        }
        group.open = None;
        group.last = Some(ep);
        self.save(key, &group)?;
        if closed_any {
            self.metrics.inc(metric::CLOSED, &[]);
        }
        Ok(Outcome::Resolved)
    }

    /// The incident's facts from the notification, the specs and Prometheus.
    fn incident(&self, n: &Notification, ep: &Episode) -> Incident {
        let label = |k: &str| n.label(k).unwrap_or_default().to_string();
        let (severity, service, slo, slo_id) = (
            label("sloth_severity"),
            label("sloth_service"),
            label("sloth_slo"),
            label("sloth_id"),
        );
        let alertname = n
            .label("alertname")
            .or_else(|| {
                n.alerts
                    .first()
                    .and_then(|a| a.labels.get("alertname").map(String::as_str))
            })
            .unwrap_or_default();
        let mut windows: Vec<String> = n
            .alerts
            .iter()
            .filter(|a| a.status == Status::Firing)
            .filter_map(|a| a.labels.get("sloth_window").cloned())
            .collect();
        windows.sort();
        windows.dedup();
        let live = match (&self.figures, slo_id.is_empty()) {
            (Some(f), false) => f.figures(&slo_id, &service),
            (Some(_), true) => Live::Unavailable("the alerts carry no sloth_id".into()),
            (None, _) => Live::NotConfigured,
        };
        Incident {
            marker: ep.marker.clone(),
            title: if ep.title.is_empty() {
                render::title(&severity, &service, &slo, alertname)
            } else {
                ep.title.clone()
            },
            group_key: n.group_key.clone(),
            explain: explain(self.specs.as_ref(), &slo_id, &severity, &windows),
            severity,
            service,
            slo,
            slo_id,
            starts_at: ep.starts_at.clone(),
            alertmanager_url: alertmanager_url(n),
            alerts: n
                .alerts
                .iter()
                .take(50)
                .map(|a| AlertLine {
                    name: a.labels.get("alertname").cloned().unwrap_or_default(),
                    status: a.status.as_str().into(),
                    starts_at: a.starts_at.clone(),
                    generator_url: a.generator_url.clone(),
                    window: a.labels.get("sloth_window").cloned(),
                    annotations: a.annotations.clone(),
                })
                .collect(),
            annotations: n.common_annotations.clone(),
            truncated_alerts: n.truncated_alerts + n.alerts.len().saturating_sub(50) as u64,
            live,
            resolved_at: None,
            refs: BTreeMap::new(),
        }
    }
}

/// True when `now` is at least `factor` times `was`, or at most `was / factor`.
pub fn moved(was: f64, now: f64, factor: f64) -> bool {
    if !(was.is_finite() && now.is_finite()) || factor <= 1.0 {
        return false;
    }
    if was <= 0.0 {
        return now > 0.0;
    }
    now >= was * factor || now <= was / factor
}

/// Alertmanager's page listing the group's alerts: `{externalURL}/#/alerts?receiver=…&filter=…`.
fn alertmanager_url(n: &Notification) -> Option<String> {
    if n.external_url.is_empty() {
        return None;
    }
    let filter: Vec<String> = n
        .group_labels
        .iter()
        .map(|(k, v)| format!("{k}=\"{}\"", v.replace('\\', "\\\\").replace('"', "\\\"")))
        .collect();
    Some(format!(
        "{}/#/alerts?receiver={}&filter={}",
        n.external_url.trim_end_matches('/'),
        query(&n.receiver),
        query(&format!("{{{}}}", filter.join(",")))
    ))
}

fn query(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A marker unique to one episode of one group: FNV-1a of the group key, the time in
/// milliseconds, and a count (two episodes of one group within a millisecond differ too).
fn marker(group_key: &str, now: f64) -> String {
    static SEQ: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in group_key.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    let seq = SEQ.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    format!("{h:016x}-{}-{seq}", (now * 1000.0) as u64)
}

fn now_unix() -> f64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs_f64())
        .unwrap_or(0.0)
}

#[cfg(test)]
mod tests;
