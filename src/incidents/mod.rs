//! `slogen incidents`: Alertmanager's webhook notifications turned into incidents.
//!
//! Each alert group (Alertmanager's group key) becomes one incident per sink while it fires:
//! a GitHub issue ([`github`]) and a Slack message ([`slack`]), behind one small trait
//! ([`sink::Sink`]), so a third sink is one new file. [`payload`] reads webhook version 4;
//! [`engine`] decides what a notification does and records every step in the state file
//! ([`state`]) before the answer, so a receiver killed at any point never opens a second
//! incident for a group; [`render`] writes the Markdown, escaping everything alerts carry;
//! [`figures`] gathers the live figures (through [`crate::live`]) and the explanation (through
//! [`crate::prove::explain`]); [`server`] is the HTTP edge on [`crate::http`].

pub mod engine;
pub mod figures;
pub mod github;
pub mod payload;
pub mod render;
pub mod server;
pub mod sink;
pub mod slack;
pub mod state;

#[cfg(test)]
pub(crate) mod tests_support {
    use std::collections::BTreeMap;

    use super::sink::{AlertLine, Explained, Incident, Live};

    /// A firing page incident of tr-web's availability SLO with live figures.
    pub(crate) fn incident() -> Incident {
        Incident {
            marker: "00ff-1".into(),
            title: "SLO page: tr-web / requests-availability is burning its error budget".into(),
            group_key: "{}:{sloth_id=\"tr-web-requests-availability\"}".into(),
            severity: "page".into(),
            service: "tr-web".into(),
            slo: "requests-availability".into(),
            slo_id: "tr-web-requests-availability".into(),
            starts_at: "2026-12-03T10:00:05Z".into(),
            alertmanager_url: Some("http://alertmanager:9093/#/alerts".into()),
            alerts: vec![AlertLine {
                name: "TrWebHighErrorRate".into(),
                status: "firing".into(),
                starts_at: "2026-12-03T10:00:05Z".into(),
                generator_url: "http://prometheus:9090/graph".into(),
                window: None,
                annotations: BTreeMap::from([(
                    "runbook".to_string(),
                    "https://runbooks.example.com/tr-web".to_string(),
                )]),
            }],
            annotations: BTreeMap::new(),
            truncated_alerts: 0,
            live: Live::Figures {
                objective: 0.999,
                period_days: Some(30.0),
                burn_rate: Some(14.2),
                budget_remaining: Some(0.613),
            },
            explain: Explained::NoSpecs,
            resolved_at: None,
            refs: BTreeMap::new(),
        }
    }
}
