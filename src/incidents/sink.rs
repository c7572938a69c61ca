//! Where incidents go: one small trait, one file per sink (`github.rs`, `slack.rs`).
//!
//! A sink opens an incident, may add a note to it (the burn rate moved a lot), and resolves
//! it. Each call is blocking and either did its work or returns a [`SinkError`]; the receiver
//! then answers 5xx so that Alertmanager retries. A sink that can search what it created
//! ([`Sink::find`]) lets a retry after a crash adopt an incident instead of opening a second.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// What a sink calls an incident it opened: an issue number and its page, say.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SinkRef {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

/// A sink that did not do its work. The message never holds a secret.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{sink}: {message}")]
pub struct SinkError {
    pub sink: &'static str,
    pub message: String,
}

/// One place incidents go.
pub trait Sink: Send + Sync {
    /// A short lowercase name: the key in the state file and the `sink` metric label.
    fn name(&self) -> &'static str;

    /// How an opened incident is named in the answer and the log: `github#12`.
    fn describe(&self, r: &SinkRef) -> String {
        format!("{}#{}", self.name(), r.id)
    }

    /// Opens the incident; `previous` is this sink's incident of the group's last episode.
    fn open(&self, inc: &Incident, previous: Option<&SinkRef>) -> Result<SinkRef, SinkError>;

    /// Adds a short note to an open incident; sinks that only announce may ignore it.
    fn note(&self, r: &SinkRef, inc: &Incident, note: &str) -> Result<(), SinkError>;

    /// Says the incident is over and closes it.
    fn resolve(&self, r: &SinkRef, inc: &Incident) -> Result<(), SinkError>;

    /// The incident carrying `inc.marker`, if this sink already opened it (a previous attempt
    /// that died before it was recorded). Sinks that cannot search answer `None`.
    fn find(&self, _inc: &Incident) -> Result<Option<SinkRef>, SinkError> {
        Ok(None)
    }
}

/// Everything known about an incident, for sinks to render.
#[derive(Debug, Clone, PartialEq)]
pub struct Incident {
    pub marker: String,
    pub title: String,
    pub group_key: String,
    /// `page`, `ticket`, or empty for alerts that are not SLO alerts.
    pub severity: String,
    pub service: String,
    pub slo: String,
    pub slo_id: String,
    /// The group's earliest `startsAt`.
    pub starts_at: String,
    /// Alertmanager's page for this group, when Alertmanager said where it is.
    pub alertmanager_url: Option<String>,
    pub alerts: Vec<AlertLine>,
    /// Annotations every alert of the group shares.
    pub annotations: BTreeMap<String, String>,
    pub truncated_alerts: u64,
    pub live: Live,
    pub explain: Explained,
    /// When the incident was resolved (RFC 3339), for the resolution message.
    pub resolved_at: Option<String>,
    /// The incidents earlier sinks opened for this episode, by sink name (Slack links the
    /// GitHub issue).
    pub refs: BTreeMap<String, SinkRef>,
}

/// One alert of the group.
#[derive(Debug, Clone, PartialEq)]
pub struct AlertLine {
    pub name: String,
    pub status: String,
    pub starts_at: String,
    pub generator_url: String,
    /// The window pair (`sloth_window`), where the alerts carry it.
    pub window: Option<String>,
    pub annotations: BTreeMap<String, String>,
}

/// Live figures of the SLO, from Prometheus through `crate::live`.
#[derive(Debug, Clone, PartialEq)]
pub enum Live {
    /// The receiver has no `--prometheus-url`.
    NotConfigured,
    /// Prometheus could not say; the reason.
    Unavailable(String),
    Figures {
        /// Ratio (0.999).
        objective: f64,
        period_days: Option<f64>,
        burn_rate: Option<f64>,
        /// Ratio of the period's budget left.
        budget_remaining: Option<f64>,
    },
}

impl Live {
    /// The burn rate, when known and a number.
    pub fn burn_rate(&self) -> Option<f64> {
        match self {
            Live::Figures { burn_rate, .. } => burn_rate.filter(|b| b.is_finite()),
            _ => None,
        }
    }
}

/// What `slogen explain` says about the alert that fired.
#[derive(Debug, Clone, PartialEq)]
pub enum Explained {
    /// The receiver was started without specs (`-i`).
    NoSpecs,
    /// The specs hold no SLO with this ID.
    UnknownSlo,
    Conditions {
        objective_percent: f64,
        period: String,
        conditions: Vec<Condition>,
    },
}

/// One window pair of the firing severity.
#[derive(Debug, Clone, PartialEq)]
pub struct Condition {
    /// `quick` or `slow`.
    pub speed: String,
    pub short_window: String,
    pub long_window: String,
    pub burn_rate_factor: f64,
    /// The error ratio both windows exceed.
    pub error_ratio_threshold: f64,
    /// Share of the period's budget spent by the time it fires, percent.
    pub budget_consumed_percent: f64,
    /// Seconds to fire from the start of a total outage.
    pub detection_seconds_at_outage: Option<f64>,
    /// True when the alerts carry `sloth_window` and name this pair.
    pub fired: bool,
}

/// Helpers for sinks that speak HTTP.
pub mod http {
    use std::time::Duration;

    /// A blocking HTTP client: no automatic errors for 4xx/5xx, a timeout per request.
    pub fn agent(timeout: Duration) -> ureq::Agent {
        ureq::Agent::config_builder()
            .timeout_global(Some(timeout))
            .http_status_as_error(false)
            .user_agent(format!("slogen/{}", crate::VERSION))
            .build()
            .into()
    }

    /// Why a request got no answer, without the URL (which may hold a secret).
    pub fn transport(e: &ureq::Error) -> String {
        match e {
            ureq::Error::Io(io) => format!("connection failed ({})", io.kind()),
            ureq::Error::Timeout(_) => "timed out".into(),
            ureq::Error::HostNotFound => "host not found".into(),
            ureq::Error::ConnectionFailed => "connection failed".into(),
            ureq::Error::Tls(_) => "TLS failed".into(),
            ureq::Error::BodyExceedsLimit(n) => format!("answer larger than {n} bytes"),
            _ => "request failed".into(),
        }
    }

    /// The first line of an error answer, shortened, for a message.
    pub fn excerpt(body: &str) -> String {
        let line = body.trim().lines().next().unwrap_or("").trim();
        let mut s: String = line.chars().take(200).collect();
        if line.chars().count() > 200 {
            s.push('…');
        }
        s
    }
}
