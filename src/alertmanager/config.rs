//! The route subtree, inhibit rules and receivers for a set of SLOs, as YAML values.
//!
//! Everything is derived from [`SloFacts`]: which severities exist, which `sloth_severity`
//! values the alerts carry, which SLO IDs the subtree matches, which window pairs are
//! labelled. The output order is fixed (sorted IDs, page before ticket), so the same specs
//! always give the same bytes.

use std::collections::{BTreeMap, BTreeSet};

use super::facts::{SloFacts, Speed, SEVERITY, WINDOW};
use super::{Options, Severity, Timers};
use crate::emit::yaml::Value;
use crate::gofmt::quote_go;

/// The labels each notification group is keyed by: one group per SLO and severity. The
/// service and SLO name add nothing to the grouping (the ID holds both) but put them in the
/// webhook's `groupLabels`, where the receiver reads them.
pub const GROUP_BY: [&str; 4] = ["sloth_id", "sloth_service", "sloth_slo", "sloth_severity"];

/// What slogen adds to an Alertmanager configuration.
#[derive(Debug, Clone, PartialEq)]
pub struct Fragment {
    /// One route, to go first among the root route's children.
    pub route: Value,
    pub inhibit_rules: Vec<Value>,
    pub receivers: Vec<Receiver>,
    /// Per severity: the labels every alert reaching its receiver carries, for the header.
    pub common_labels: Vec<(Severity, BTreeMap<String, String>)>,
}

/// A receiver slogen names.
#[derive(Debug, Clone, PartialEq)]
pub struct Receiver {
    pub name: String,
    /// True when it has no integration yet: the user fills it in.
    pub placeholder: bool,
    pub value: Value,
}

/// Why no configuration can be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    #[error(
        "no SLO alerts to route: every SLO of the input disables both its page and ticket alerts"
    )]
    NoAlerts,
    #[error("{0}")]
    Option(String),
}

/// Builds the fragment for `slos`.
pub fn fragment(slos: &[SloFacts], opts: &Options) -> Result<Fragment, ConfigError> {
    opts.validate().map_err(ConfigError::Option)?;
    let severities: BTreeSet<Severity> = slos
        .iter()
        .flat_map(|s| s.alerts.iter().map(|a| a.severity))
        .collect();
    if severities.is_empty() {
        return Err(ConfigError::NoAlerts);
    }
    let ids: BTreeSet<&str> = slos
        .iter()
        .filter(|s| !s.alerts.is_empty())
        .map(|s| s.id.as_str())
        .collect();
    let children = severities
        .iter()
        .map(|&sev| {
            let timers = opts.timers(sev);
            Value::Map(vec![
                ("receiver".into(), opts.receiver(sev).into()),
                ("matchers".into(), strings([eq(SEVERITY, sev.label())])),
                ("group_wait".into(), timers.group_wait.to_string().into()),
                (
                    "group_interval".into(),
                    timers.group_interval.to_string().into(),
                ),
                (
                    "repeat_interval".into(),
                    timers.repeat_interval.to_string().into(),
                ),
            ])
        })
        .collect();
    let route = Value::Map(vec![
        ("matchers".into(), strings([id_matcher(&ids)])),
        ("group_by".into(), strings(GROUP_BY.map(String::from))),
        ("routes".into(), Value::Seq(children)),
        // Merged first among the user's routes, SLO alerts still reach the routes that
        // matched them before (a pager on `severity="critical"`), unless --exclusive.
        ("continue".into(), Value::Bool(!opts.exclusive)),
    ]);
    let mut inhibit_rules = Vec::new();
    if severities.len() == 2 && slos.iter().any(has_both) {
        inhibit_rules.push(inhibit(
            vec![eq(SEVERITY, Severity::Page.label())],
            vec![eq(SEVERITY, Severity::Ticket.label())],
        ));
    }
    inhibit_rules.extend(window_rules(slos));
    let receivers = severities
        .iter()
        .map(|&sev| receiver(opts.receiver(sev), opts))
        .collect();
    let common_labels = severities
        .iter()
        .map(|&sev| (sev, common_labels(slos, sev)))
        .collect();
    Ok(Fragment {
        route,
        inhibit_rules,
        receivers,
        common_labels,
    })
}

fn has_both(s: &SloFacts) -> bool {
    let sev: BTreeSet<Severity> = s.alerts.iter().map(|a| a.severity).collect();
    sev.len() == 2
}

/// Within one SLO and severity, the quick window pair's alert mutes the slow pair's, where
/// alerts carry `sloth_window` (pyrra#1883: one problem, one notification). A pair's rule
/// names the SLOs it holds for only when other SLOs label the same severity's windows
/// differently (another period's catalog), so that no value is ever both a source and a
/// target for one SLO.
fn window_rules(slos: &[SloFacts]) -> Vec<Value> {
    // (severity, quick value, slow value) → SLO IDs.
    let mut pairs: BTreeMap<(Severity, String, String), BTreeSet<&str>> = BTreeMap::new();
    let mut labelled: BTreeMap<Severity, BTreeSet<&str>> = BTreeMap::new();
    for slo in slos {
        for sev in [Severity::Page, Severity::Ticket] {
            let value = |speed| {
                slo.alerts
                    .iter()
                    .filter(|a| a.severity == sev)
                    .filter_map(|a| a.window.as_ref())
                    .find(|w| w.speed == Some(speed))
                    .map(|w| w.value.clone())
            };
            if let (Some(q), Some(s)) = (value(Speed::Quick), value(Speed::Slow)) {
                pairs.entry((sev, q, s)).or_default().insert(&slo.id);
                labelled.entry(sev).or_default().insert(&slo.id);
            }
        }
    }
    pairs
        .iter()
        .map(|((sev, quick, slow), ids)| {
            let mut target = vec![eq(SEVERITY, sev.label()), eq(WINDOW, slow)];
            if labelled.get(sev) != Some(ids) {
                target.push(id_matcher(ids));
            }
            inhibit(vec![eq(SEVERITY, sev.label()), eq(WINDOW, quick)], target)
        })
        .collect()
}

fn inhibit(source: Vec<String>, target: Vec<String>) -> Value {
    Value::Map(vec![
        ("source_matchers".into(), strings(source)),
        ("target_matchers".into(), strings(target)),
        ("equal".into(), strings(["sloth_id".to_string()])),
    ])
}

fn receiver(name: &str, opts: &Options) -> Receiver {
    let mut entries = vec![("name".to_string(), Value::from(name))];
    if let Some(hook) = &opts.webhook {
        let mut cfg = vec![
            ("url".to_string(), Value::from(hook.url.as_str())),
            ("send_resolved".to_string(), Value::Bool(true)),
        ];
        if let Some(file) = &hook.credentials_file {
            cfg.push((
                "http_config".into(),
                Value::Map(vec![(
                    "authorization".into(),
                    Value::Map(vec![
                        ("type".into(), "Bearer".into()),
                        ("credentials_file".into(), file.as_str().into()),
                    ]),
                )]),
            ));
        }
        entries.push(("webhook_configs".into(), Value::Seq(vec![Value::Map(cfg)])));
    }
    Receiver {
        name: name.to_string(),
        placeholder: opts.webhook.is_none(),
        value: Value::Map(entries),
    }
}

/// The labels with the same value on every alert of `sev`.
fn common_labels(slos: &[SloFacts], sev: Severity) -> BTreeMap<String, String> {
    let mut alerts = slos
        .iter()
        .flat_map(|s| &s.alerts)
        .filter(|a| a.severity == sev);
    let Some(first) = alerts.next() else {
        return BTreeMap::new();
    };
    let mut common = first.labels.clone();
    for a in alerts {
        common.retain(|k, v| a.labels.get(k) == Some(v));
    }
    common
}

/// `name="value"` in Alertmanager's matcher syntax (OpenMetrics escapes).
pub fn eq(name: &str, value: &str) -> String {
    format!("{name}=\"{}\"", escape_matcher_value(value))
}

/// `sloth_id=~"a|b"`, each ID escaped as a literal: the SLOs this configuration knows.
fn id_matcher<'a>(ids: impl IntoIterator<Item = &'a &'a str>) -> String {
    let alternatives: Vec<String> = ids
        .into_iter()
        .map(|id| crate::promql::quote_meta(id))
        .collect();
    format!(
        "sloth_id=~\"{}\"",
        escape_matcher_value(&alternatives.join("|"))
    )
}

/// Alertmanager's matcher value escapes: `\\`, `\"` and `\n`.
fn escape_matcher_value(v: &str) -> String {
    let mut out = String::with_capacity(v.len());
    for c in v.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out
}

fn strings<I: IntoIterator<Item = String>>(items: I) -> Value {
    Value::Seq(items.into_iter().map(Value::Str).collect())
}

/// A complete configuration: a root route to `opts.default_receiver` (a placeholder) with
/// slogen's route as its only child, the inhibit rules, and every receiver.
pub fn complete(frag: &Fragment, opts: &Options) -> Value {
    let mut receivers = vec![Value::Map(vec![(
        "name".into(),
        opts.default_receiver.as_str().into(),
    )])];
    receivers.extend(frag.receivers.iter().map(|r| r.value.clone()));
    let mut top = vec![(
        "route".to_string(),
        Value::Map(vec![
            ("receiver".into(), opts.default_receiver.as_str().into()),
            ("routes".into(), Value::Seq(vec![frag.route.clone()])),
        ]),
    )];
    if !frag.inhibit_rules.is_empty() {
        top.push((
            "inhibit_rules".into(),
            Value::Seq(frag.inhibit_rules.clone()),
        ));
    }
    top.push(("receivers".into(), Value::Seq(receivers)));
    Value::Map(top)
}

/// The comment lines that open a complete configuration.
pub fn header(frag: &Fragment, opts: &Options, version: &str) -> String {
    let mut h = format!(
        "# Alertmanager configuration for SLO alerts, written by `slogen alertmanager` ({version}).\n\
         # One notification group per SLO and severity; while an SLO's page alert fires, its\n\
         # ticket alert is muted.\n"
    );
    for (sev, labels) in &frag.common_labels {
        let set: Vec<String> = labels
            .iter()
            .map(|(k, v)| format!("{k}={}", quote_go(v)))
            .collect();
        h.push_str(&format!(
            "# {} alerts go to receiver {}; they all carry {}.\n",
            sev.label(),
            quote_go(opts.receiver(*sev)),
            set.join(", ")
        ));
    }
    if opts.webhook.is_none() {
        h.push_str(&format!(
            "# The receivers are placeholders (Alertmanager drops what reaches them): fill in their\n\
             # integrations, or run again with --webhook-url for `slogen incidents`. Receiver {}\n\
             # takes every other alert.\n",
            quote_go(&opts.default_receiver)
        ));
    }
    h
}

impl Options {
    /// The receiver of `sev`'s alerts.
    pub fn receiver(&self, sev: Severity) -> &str {
        match sev {
            Severity::Page => &self.page_receiver,
            Severity::Ticket => &self.ticket_receiver,
        }
    }

    /// The timers of `sev`'s route.
    pub fn timers(&self, sev: Severity) -> Timers {
        match sev {
            Severity::Page => self.page,
            Severity::Ticket => self.ticket,
        }
    }
}
