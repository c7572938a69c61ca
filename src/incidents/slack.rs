//! Slack: opened and resolved incidents posted to an incoming webhook as Block Kit messages.
//!
//! One message when an incident opens (a header, the figures as fields, the summary, links to
//! Alertmanager and the runbook, and the GitHub issue when there is one) and one when it is
//! resolved. Notes are not posted: Slack announces, the issue keeps the history. The webhook
//! URL is a secret (it carries the token): it is never part of a message or a log line.

use std::time::Duration;

use serde_json::{json, Value};

use super::render::{percent, rate, safe_url};
use super::sink::{http, Incident, Live, Sink, SinkError, SinkRef};
use crate::http::Secret;

/// The Slack sink.
pub struct Slack {
    url: Secret,
    agent: ureq::Agent,
}

impl Slack {
    /// Checks the URL's form; no request is sent.
    pub fn new(url: Secret, timeout: Duration) -> Result<Slack, String> {
        let lower = url.expose().to_ascii_lowercase();
        if !(lower.starts_with("https://") || lower.starts_with("http://")) {
            return Err(
                "the Slack webhook URL must be an http(s) URL (https://hooks.slack.com/services/…)"
                    .into(),
            );
        }
        Ok(Slack {
            url,
            agent: http::agent(timeout),
        })
    }

    fn post(&self, what: &str, payload: &Value) -> Result<(), SinkError> {
        let mut resp = self
            .agent
            .post(self.url.expose())
            .header("Content-Type", "application/json; charset=utf-8")
            .send(payload.to_string().as_bytes())
            .map_err(|e| fail(format!("posting {what}: {}", http::transport(&e))))?;
        let status = resp.status().as_u16();
        if !(200..300).contains(&status) {
            let body = resp.body_mut().read_to_string().unwrap_or_default();
            return Err(fail(format!(
                "posting {what}: Slack answered HTTP {status}: {}",
                http::excerpt(&body)
            )));
        }
        Ok(())
    }
}

fn fail(message: String) -> SinkError {
    SinkError {
        sink: "slack",
        message,
    }
}

impl Sink for Slack {
    fn name(&self) -> &'static str {
        "slack"
    }

    fn open(&self, inc: &Incident, _previous: Option<&SinkRef>) -> Result<SinkRef, SinkError> {
        self.post("the incident", &opened(inc, inc.refs.get("github")))?;
        Ok(SinkRef {
            id: "message".into(),
            url: None,
        })
    }

    fn describe(&self, _r: &SinkRef) -> String {
        "slack".into()
    }

    fn note(&self, _r: &SinkRef, _inc: &Incident, _note: &str) -> Result<(), SinkError> {
        Ok(())
    }

    fn resolve(&self, _r: &SinkRef, inc: &Incident) -> Result<(), SinkError> {
        self.post("the resolution", &resolved(inc))
    }
}

/// The Block Kit message of an opened incident; `issue` links the GitHub issue when known.
pub fn opened(inc: &Incident, issue: Option<&SinkRef>) -> Value {
    let mut fields = Vec::new();
    if let Live::Figures {
        objective,
        burn_rate,
        budget_remaining,
        ..
    } = &inc.live
    {
        fields.push(field("Objective", &percent(*objective)));
        if let Some(b) = burn_rate {
            fields.push(field("Burn rate", &rate(*b)));
        }
        if let Some(r) = budget_remaining {
            fields.push(field("Error budget left", &percent(*r)));
        }
    }
    fields.push(field("Started", &inc.starts_at));
    let mut blocks = vec![header(&format!("🔥 {}", inc.title))];
    blocks.push(json!({"type": "section", "fields": fields}));
    let summary = inc
        .annotations
        .get("summary")
        .or_else(|| inc.alerts.iter().find_map(|a| a.annotations.get("summary")));
    if let Some(s) = summary {
        blocks.push(
            json!({"type": "section", "text": {"type": "mrkdwn", "text": esc(&clip(s, 2900))}}),
        );
    }
    let links = links(inc, issue);
    if !links.is_empty() {
        blocks.push(
            json!({"type": "context", "elements": [{"type": "mrkdwn", "text": links.join(" · ")}]}),
        );
    }
    json!({"text": format!("Incident opened: {}", inc.title), "blocks": blocks})
}

/// The Block Kit message of a resolved incident.
pub fn resolved(inc: &Incident) -> Value {
    let mut blocks = vec![header(&format!("✅ Resolved: {}", inc.title))];
    let when = inc.resolved_at.as_deref().unwrap_or("now");
    blocks.push(json!({"type": "section", "text": {"type": "mrkdwn", "text": esc(&format!("Stopped firing at {when}; it started at {}.", inc.starts_at))}}));
    let links = links(inc, None);
    if !links.is_empty() {
        blocks.push(
            json!({"type": "context", "elements": [{"type": "mrkdwn", "text": links.join(" · ")}]}),
        );
    }
    json!({"text": format!("Incident resolved: {}", inc.title), "blocks": blocks})
}

fn header(text: &str) -> Value {
    // Header blocks take plain text, 150 characters at most.
    json!({"type": "header", "text": {"type": "plain_text", "text": clip(text, 150), "emoji": true}})
}

fn field(name: &str, value: &str) -> Value {
    json!({"type": "mrkdwn", "text": format!("*{}*\n{}", esc(name), esc(value))})
}

fn links(inc: &Incident, issue: Option<&SinkRef>) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(u) = issue.and_then(|i| i.url.as_deref()).and_then(link_target) {
        out.push(format!("<{u}|GitHub issue>"));
    }
    if let Some(u) = inc.alertmanager_url.as_deref().and_then(link_target) {
        out.push(format!("<{u}|Alertmanager>"));
    }
    let runbook = inc
        .annotations
        .get("runbook")
        .or_else(|| inc.alerts.iter().find_map(|a| a.annotations.get("runbook")));
    if let Some(u) = runbook.and_then(|r| link_target(r)) {
        out.push(format!("<{u}|Runbook>"));
    }
    out
}

/// An http(s) URL safe inside `<…|…>`.
fn link_target(u: &str) -> Option<String> {
    safe_url(u).map(|s| s.replace('|', "%7C").replace('&', "&amp;"))
}

/// Slack's mrkdwn escapes: `&`, `<`, `>`.
fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

fn clip(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut c: String = s.chars().take(max - 1).collect();
    c.push('…');
    c
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn block_kit_message_of_an_opened_incident() {
        let mut inc = crate::incidents::tests_support::incident();
        inc.annotations
            .insert("summary".into(), "<b>burning</b> & more".into());
        let issue = SinkRef {
            id: "7".into(),
            url: Some("https://github.com/acme/inc/issues/7".into()),
        };
        let m = opened(&inc, Some(&issue));
        let blocks = m["blocks"].as_array().unwrap();
        assert_eq!(blocks[0]["type"], "header");
        assert_eq!(blocks[0]["text"]["type"], "plain_text");
        assert!(blocks[0]["text"]["text"]
            .as_str()
            .unwrap()
            .contains("tr-web / requests-availability"));
        let fields: Vec<&str> = blocks[1]["fields"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["text"].as_str().unwrap())
            .collect();
        assert_eq!(fields[0], "*Objective*\n99.9%");
        assert_eq!(fields[1], "*Burn rate*\n14.2×");
        assert_eq!(
            blocks[2]["text"]["text"],
            "&lt;b&gt;burning&lt;/b&gt; &amp; more"
        );
        let context = blocks[3]["elements"][0]["text"].as_str().unwrap();
        assert!(
            context.starts_with("<https://github.com/acme/inc/issues/7|GitHub issue>"),
            "{context}"
        );
        assert!(m["text"].as_str().unwrap().starts_with("Incident opened: "));
    }

    #[test]
    fn headers_fit_slacks_limit() {
        let mut inc = crate::incidents::tests_support::incident();
        inc.title = "x".repeat(400);
        let m = resolved(&inc);
        assert_eq!(
            m["blocks"][0]["text"]["text"]
                .as_str()
                .unwrap()
                .chars()
                .count(),
            150
        );
        assert!(Slack::new(
            Secret::new("hooks.slack.com/x").unwrap(),
            Duration::from_secs(1)
        )
        .is_err());
    }
}
