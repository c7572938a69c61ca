//! The GitHub REST and Slack webhook stand-in (`tests/standins/sinks.py`) on a loopback
//! port: it speaks the documented shapes, checks the `Authorization: Bearer` and `Accept`
//! headers, and records every request for the tests to read.

use std::path::Path;
use std::time::Duration;

use serde_json::Value;

use crate::procs::{get, post, wait_for, Proc};
use crate::support::{root, server_port};

/// The token the stand-in accepts.
pub const GITHUB_TOKEN: &str = "ghp_standin_token_0123456789";

pub struct Standin {
    pub url: String,
    _proc: Proc,
}

impl Standin {
    pub fn start(dir: &Path) -> Standin {
        let port = server_port();
        let script = root().join("tests/standins/sinks.py");
        let proc = Proc::start(
            &[
                "python3",
                &script.to_string_lossy(),
                "--port",
                &port.to_string(),
                "--token",
                GITHUB_TOKEN,
            ],
            &[],
            &dir.join(format!("standin-{port}.log")),
        );
        let url = format!("http://127.0.0.1:{port}");
        wait_for(Duration::from_secs(20), "the stand-in", || {
            get(&format!("{url}/_standin/requests")).filter(|(s, _)| *s == 200)
        });
        Standin { url, _proc: proc }
    }

    /// The GitHub API base URL (GitHub Enterprise's form, under /api/v3).
    pub fn github_api(&self) -> String {
        format!("{}/api/v3", self.url)
    }

    /// A Slack incoming-webhook URL (its path is the secret part).
    pub fn slack_webhook(&self) -> String {
        format!("{}/slack/T0001/B0001/s3cr3tSlackPath", self.url)
    }

    /// Every request so far.
    pub fn requests(&self) -> Vec<Value> {
        let (_, body) = get(&format!("{}/_standin/requests", self.url)).expect("stand-in answers");
        serde_json::from_str::<Vec<Value>>(&body).unwrap()
    }

    /// Requests whose method is `method` and path ends with `suffix`.
    pub fn requests_to(&self, method: &str, suffix: &str) -> Vec<Value> {
        self.requests()
            .into_iter()
            .filter(|r| r["method"] == method && r["path"].as_str().unwrap().ends_with(suffix))
            .collect()
    }

    /// The issues of `repo` (OWNER/NAME), with their comments in `comment_bodies`.
    pub fn issues(&self, repo: &str) -> Vec<Value> {
        let (_, body) = get(&format!("{}/_standin/issues", self.url)).expect("stand-in answers");
        let v: Value = serde_json::from_str(&body).unwrap();
        v.get(repo)
            .and_then(|i| i.as_array().cloned())
            .unwrap_or_default()
    }

    /// The next `times` requests `method … suffix` are answered `status`; with
    /// `create_anyway`, after doing the work (an answer lost on the way back).
    pub fn fail(&self, method: &str, suffix: &str, status: u16, times: u32, create_anyway: bool) {
        let body = serde_json::json!({
            "method": method, "path_suffix": suffix, "status": status,
            "times": times, "create_anyway": create_anyway,
        });
        let (s, _) = post(
            &format!("{}/_standin/fail", self.url),
            &[("Content-Type", "application/json")],
            body.to_string().as_bytes(),
        );
        assert_eq!(s, 200);
    }
}
