//! `slogen alertmanager`: the Alertmanager configuration for the SLO alerts the specs generate.
//!
//! A generator like [`crate::emit`]: planned SLOs in, deterministic text out. [`facts`] reads
//! the labels each alert will carry from the plans; [`config`] derives from them a route
//! subtree (page and ticket alerts to their receivers, one notification group per SLO and
//! severity, timers per severity), the inhibit rules (an SLO's page mutes its ticket; with
//! window-labelled alerts, its quick window pair mutes its slow one) and the receivers
//! (webhooks to `slogen incidents`, or placeholders); [`merge`] splices them into a user's
//! configuration. No IO here: `cli::alertmanager` reads the specs and writes the output.

pub mod config;
pub mod facts;
pub mod merge;

use crate::duration::Duration;

pub use config::{Fragment, Receiver};
pub use facts::{Severity, SloFacts};

/// When a severity's notifications go out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timers {
    /// How long a new group waits for more alerts before its first notification.
    pub group_wait: Duration,
    /// How long a group waits before notifying about changes (new alerts, resolutions).
    pub group_interval: Duration,
    /// How long before a notification that changed nothing is sent again.
    pub repeat_interval: Duration,
}

impl Timers {
    /// Pages: a fast burn was already confirmed by two windows, so the page goes out 30s
    /// later (time for the SLO's other window pair or series to join the same message). The
    /// page's short windows (5m, 30m in Sloth's catalog) change its state no faster than every
    /// few minutes, so changes and the resolution are sent every 5m. A page still firing is
    /// repeated hourly, so whoever acknowledged it is reminded, and the incident receiver can
    /// note how the burn rate moved.
    pub const PAGE: Timers = Timers {
        group_wait: Duration::from_millis(30 * 1000),
        group_interval: Duration::from_millis(5 * 60 * 1000),
        repeat_interval: Duration::from_millis(60 * 60 * 1000),
    };

    /// Tickets: a slow burn (days until the budget is gone) is work for the next business
    /// day; waiting 5m before the first notification costs nothing and lets a page of the
    /// same SLO, if the burn is fast, arrive first and mute the ticket. The ticket's short
    /// windows (2h, 6h) move slowly, so changes go out every 30m, and a ticket still open is
    /// repeated once a day.
    pub const TICKET: Timers = Timers {
        group_wait: Duration::from_millis(5 * 60 * 1000),
        group_interval: Duration::from_millis(30 * 60 * 1000),
        repeat_interval: Duration::from_millis(24 * 60 * 60 * 1000),
    };
}

/// Where the receivers send notifications: `slogen incidents`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Webhook {
    pub url: String,
    /// A file on the Alertmanager host holding the bearer token (`http_config.authorization`).
    pub credentials_file: Option<String>,
}

/// What the configuration is made of besides the specs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    pub page_receiver: String,
    pub ticket_receiver: String,
    /// The root route's receiver, in a complete configuration only.
    pub default_receiver: String,
    pub page: Timers,
    pub ticket: Timers,
    pub webhook: Option<Webhook>,
    /// SLO alerts go to slogen's receivers only (`continue: false` on slogen's route).
    pub exclusive: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            page_receiver: "slo-page".into(),
            ticket_receiver: "slo-ticket".into(),
            default_receiver: "default".into(),
            page: Timers::PAGE,
            ticket: Timers::TICKET,
            webhook: None,
            exclusive: false,
        }
    }
}

impl Options {
    /// Checks what Alertmanager would refuse, with the flag to change.
    pub fn validate(&self) -> Result<(), String> {
        let names = [
            ("--page-receiver", &self.page_receiver),
            ("--ticket-receiver", &self.ticket_receiver),
            ("--default-receiver", &self.default_receiver),
        ];
        for (flag, name) in names {
            if name.trim().is_empty() {
                return Err(format!("{flag}: a receiver needs a name"));
            }
        }
        for (i, (fa, a)) in names.iter().enumerate() {
            if let Some((fb, _)) = names[i + 1..].iter().find(|(_, b)| b == a) {
                return Err(format!(
                    "{fa} and {fb} are both {a:?}: each receiver needs its own name"
                ));
            }
        }
        for (sev, t) in [("page", self.page), ("ticket", self.ticket)] {
            if t.group_interval.is_zero() {
                return Err(format!("--{sev}-group-interval: must be more than zero"));
            }
            if t.repeat_interval.is_zero() {
                return Err(format!("--{sev}-repeat-interval: must be more than zero"));
            }
        }
        if let Some(hook) = &self.webhook {
            let rest = hook
                .url
                .strip_prefix("http://")
                .or_else(|| hook.url.strip_prefix("https://"));
            match rest {
                Some(r) if !r.is_empty() && !r.starts_with('/') => {}
                _ => {
                    return Err(format!(
                        "--webhook-url {:?}: expected an http:// or https:// URL with a host, such as http://slogen-incidents:8080/alerts",
                        hook.url
                    ))
                }
            }
            if hook.url.contains('@') {
                return Err(
                    "--webhook-url: put no credentials in the URL (Alertmanager shows it); give the token with --webhook-credentials-file".into(),
                );
            }
        }
        Ok(())
    }
}

/// A complete configuration for `slos`: header comments, then YAML.
pub fn render(slos: &[SloFacts], opts: &Options, version: &str) -> Result<String, Error> {
    let frag = config::fragment(slos, opts)?;
    let body = crate::emit::yaml::to_string(&config::complete(&frag, opts));
    Ok(config::header(&frag, opts, version) + &body)
}

/// The user's configuration `user` with slogen's parts for `slos` spliced in.
pub fn render_merged(slos: &[SloFacts], opts: &Options, user: &str) -> Result<String, Error> {
    let frag = config::fragment(slos, opts)?;
    Ok(merge::merge(user, &frag)?)
}

/// Why no configuration was made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Config(#[from] config::ConfigError),
    #[error(transparent)]
    Merge(#[from] merge::MergeError),
}

#[cfg(test)]
mod tests;
