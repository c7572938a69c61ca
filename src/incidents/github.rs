//! GitHub issues as incidents, through the REST API (github.com or GitHub Enterprise).
//!
//! - open: `POST /repos/{owner}/{repo}/issues` with the title, the body and the labels;
//! - note: `POST /repos/{owner}/{repo}/issues/{number}/comments`;
//! - resolve: `PATCH /repos/{owner}/{repo}/issues/{number}` with `state: closed`
//!   (`state_reason: completed`), then a comment;
//! - find: `GET /repos/{owner}/{repo}/issues?state=all&sort=created&direction=desc`, newest
//!   first, looking for the incident's marker in the bodies.
//!
//! Every request sends `Authorization: Bearer <token>`, `Accept: application/vnd.github+json`
//! and `X-GitHub-Api-Version: 2022-11-28`, as GitHub documents. The token never appears in a
//! message.

use std::time::Duration;

use serde::Deserialize;

use super::render;
use super::sink::{http, Incident, Sink, SinkError, SinkRef};
use crate::http::Secret;

/// The GitHub sink.
pub struct GitHub {
    api: String,
    owner: String,
    repo: String,
    token: Secret,
    labels: Vec<String>,
    agent: ureq::Agent,
}

/// GitHub's REST API on github.com.
pub const DEFAULT_API: &str = "https://api.github.com";

/// The labels an issue gets by default; `{severity}`, `{service}` and `{slo}` are replaced.
pub const DEFAULT_LABELS: [&str; 2] = ["slo-incident", "slo:{severity}"];

impl GitHub {
    /// Checks the options; no request is sent.
    pub fn new(
        api_url: &str,
        repo: &str,
        token: Secret,
        labels: Vec<String>,
        timeout: Duration,
    ) -> Result<GitHub, String> {
        let api = api_url.trim().trim_end_matches('/').to_string();
        let lower = api.to_ascii_lowercase();
        if !(lower.starts_with("https://") || lower.starts_with("http://")) {
            return Err(format!(
                "--github-api-url {api_url:?}: expected an http(s) URL such as {DEFAULT_API} or https://github.example.com/api/v3"
            ));
        }
        let valid = |s: &str| {
            !s.is_empty()
                && s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        };
        let (owner, name) = repo
            .split_once('/')
            .filter(|(o, n)| valid(o) && valid(n))
            .ok_or_else(|| {
                format!("--github-repo {repo:?}: expected OWNER/NAME, such as acme/incidents")
            })?;
        Ok(GitHub {
            api,
            owner: owner.to_string(),
            repo: name.to_string(),
            token,
            labels,
            agent: http::agent(timeout),
        })
    }

    fn url(&self, tail: &str) -> String {
        format!("{}/repos/{}/{}{tail}", self.api, self.owner, self.repo)
    }

    fn labels_for(&self, inc: &Incident) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for l in &self.labels {
            let v = l
                .replace("{severity}", &inc.severity)
                .replace("{service}", &inc.service)
                .replace("{slo}", &inc.slo);
            let v: String = v.trim().chars().take(50).collect();
            // A label whose placeholder was empty (`slo:` for a non-SLO alert) is left out.
            if v.is_empty() || v.ends_with(':') || out.contains(&v) {
                continue;
            }
            out.push(v);
        }
        out
    }

    /// Sends a request; `Ok((status, body))` for any answer, an error for no answer.
    fn send(
        &self,
        op: &str,
        method: &str,
        url: &str,
        body: Option<&serde_json::Value>,
    ) -> Result<(u16, String), SinkError> {
        let auth = format!("Bearer {}", self.token.expose());
        let result = match (method, body) {
            ("GET", _) => self
                .agent
                .get(url)
                .header("Authorization", &auth)
                .header("Accept", "application/vnd.github+json")
                .header("X-GitHub-Api-Version", "2022-11-28")
                .call(),
            (m, Some(b)) => {
                let req = if m == "PATCH" {
                    self.agent.patch(url)
                } else {
                    self.agent.post(url)
                };
                req.header("Authorization", &auth)
                    .header("Accept", "application/vnd.github+json")
                    .header("X-GitHub-Api-Version", "2022-11-28")
                    .header("Content-Type", "application/json")
                    .send(b.to_string().as_bytes())
            }
            _ => unreachable!("writes carry a body"),
        };
        let mut resp = result.map_err(|e| fail(format!("{op}: {}", http::transport(&e))))?;
        let status = resp.status().as_u16();
        let text = resp
            .body_mut()
            .with_config()
            .limit(16 * 1024 * 1024)
            .read_to_string()
            .map_err(|e| fail(format!("{op}: reading the answer: {}", http::transport(&e))))?;
        Ok((status, text))
    }

    fn expect(
        &self,
        op: &str,
        method: &str,
        url: &str,
        body: Option<&serde_json::Value>,
        ok: u16,
    ) -> Result<String, SinkError> {
        let (status, text) = self.send(op, method, url, body)?;
        if status != ok && !(ok == 200 && status == 201) {
            #[derive(Deserialize)]
            struct Message {
                message: String,
            }
            let why = serde_json::from_str::<Message>(&text)
                .map(|m| m.message)
                .unwrap_or_else(|_| http::excerpt(&text));
            return Err(fail(format!("{op}: GitHub answered HTTP {status}: {why}")));
        }
        Ok(text)
    }
}

fn fail(message: String) -> SinkError {
    SinkError {
        sink: "github",
        message,
    }
}

#[derive(Deserialize)]
struct Issue {
    number: u64,
    #[serde(default)]
    html_url: Option<String>,
    #[serde(default)]
    body: Option<String>,
    #[serde(default)]
    pull_request: Option<serde_json::Value>,
}

impl Issue {
    fn reference(&self) -> SinkRef {
        SinkRef {
            id: self.number.to_string(),
            url: self.html_url.clone(),
        }
    }
}

impl Sink for GitHub {
    fn name(&self) -> &'static str {
        "github"
    }

    fn open(&self, inc: &Incident, previous: Option<&SinkRef>) -> Result<SinkRef, SinkError> {
        let previous = previous.map(|p| (p.id.as_str(), p.url.as_deref()));
        let payload = serde_json::json!({
            "title": inc.title,
            "body": render::body(inc, previous),
            "labels": self.labels_for(inc),
        });
        let text = self.expect(
            "opening an issue",
            "POST",
            &self.url("/issues"),
            Some(&payload),
            201,
        )?;
        let issue: Issue = serde_json::from_str(&text).map_err(|e| {
            fail(format!(
                "opening an issue: the answer is not an issue: {}",
                e.to_string().replace('\n', " ")
            ))
        })?;
        Ok(issue.reference())
    }

    fn note(&self, r: &SinkRef, _inc: &Incident, note: &str) -> Result<(), SinkError> {
        let payload = serde_json::json!({ "body": note });
        self.expect(
            "commenting",
            "POST",
            &self.url(&format!("/issues/{}/comments", r.id)),
            Some(&payload),
            201,
        )?;
        Ok(())
    }

    fn resolve(&self, r: &SinkRef, inc: &Incident) -> Result<(), SinkError> {
        // Closing first: closing again is harmless, so a retry after a failed comment adds
        // the comment once.
        let payload = serde_json::json!({ "state": "closed", "state_reason": "completed" });
        self.expect(
            "closing the issue",
            "PATCH",
            &self.url(&format!("/issues/{}", r.id)),
            Some(&payload),
            200,
        )?;
        self.note(r, inc, &render::resolved_comment(inc))
    }

    fn find(&self, inc: &Incident) -> Result<Option<SinkRef>, SinkError> {
        let mut url = self.url("/issues?state=all&sort=created&direction=desc&per_page=100");
        if let Some(first) = self.labels_for(inc).first() {
            url.push_str("&labels=");
            url.push_str(&percent_encode(first));
        }
        let text = self.expect("looking for the issue", "GET", &url, None, 200)?;
        let issues: Vec<Issue> = serde_json::from_str(&text).map_err(|e| {
            fail(format!(
                "looking for the issue: the answer is not a list of issues: {}",
                e.to_string().replace('\n', " ")
            ))
        })?;
        let mark = format!("<!-- slogen-incident: {} -->", inc.marker);
        Ok(issues
            .iter()
            .filter(|i| i.pull_request.is_none())
            .find(|i| i.body.as_deref().is_some_and(|b| b.contains(&mark)))
            .map(Issue::reference))
    }
}

/// Percent-encodes a query parameter value.
fn percent_encode(s: &str) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn gh(labels: &[&str]) -> GitHub {
        GitHub::new(
            "https://ghe.example.com/api/v3/",
            "acme/slo-incidents",
            Secret::new("t0ken").unwrap(),
            labels.iter().map(|s| s.to_string()).collect(),
            Duration::from_secs(1),
        )
        .unwrap()
    }

    #[test]
    fn urls_and_options() {
        let g = gh(&[]);
        assert_eq!(
            g.url("/issues/3"),
            "https://ghe.example.com/api/v3/repos/acme/slo-incidents/issues/3"
        );
        let bad = |api: &str, repo: &str| {
            GitHub::new(
                api,
                repo,
                Secret::new("t").unwrap(),
                vec![],
                Duration::from_secs(1),
            )
            .err()
            .unwrap()
        };
        assert!(bad("api.github.com", "a/b").contains("--github-api-url"));
        assert!(bad(DEFAULT_API, "acme").contains("OWNER/NAME"));
        assert!(bad(DEFAULT_API, "a/b/c").contains("OWNER/NAME"));
        assert_eq!(percent_encode("slo:page x"), "slo%3Apage%20x");
    }

    #[test]
    fn label_templates() {
        let g = gh(&[
            "slo-incident",
            "slo:{severity}",
            "svc/{service}",
            "slo-incident",
        ]);
        let mut inc = crate::incidents::tests_support::incident();
        assert_eq!(
            g.labels_for(&inc),
            ["slo-incident", "slo:page", "svc/tr-web"]
        );
        inc.severity.clear();
        assert_eq!(g.labels_for(&inc), ["slo-incident", "svc/tr-web"]);
    }
}
