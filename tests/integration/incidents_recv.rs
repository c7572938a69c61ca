//! `slogen incidents` as a process, driven with Alertmanager-shaped notifications, against
//! the GitHub/Slack stand-in (`standin.rs`): what it opens, repeats, resolves and links;
//! what it refuses (401, 400, 413, 405) with the state file untouched; sink failures answered
//! 5xx and retried into exactly one issue, also when GitHub's answer was lost; SIGKILL
//! between two notifications; SIGTERM; no secret in logs or issues. The whole loop with a
//! real Prometheus and Alertmanager is `incidents_e2e.rs`.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::Value;

use crate::procs::{get, post, wait_for, Proc};
use crate::standin::{Standin, GITHUB_TOKEN};
use crate::support::{root, server_port, slogen_bin};

pub const REPO: &str = "acme/slo-incidents";
const TOKEN: &str = "receiver-token-7f3a9c";

/// A receiver process and where it listens.
pub struct Receiver {
    pub url: String,
    pub proc: Proc,
}

/// The receiver's arguments for `dir` (state file, tokens) and the stand-in.
fn args(dir: &Path, port: u16, standin: &Standin) -> Vec<String> {
    std::fs::write(dir.join("token"), format!("{TOKEN}\n")).unwrap();
    std::fs::write(dir.join("slack-url"), standin.slack_webhook()).unwrap();
    [
        "incidents",
        "--listen",
        &format!("127.0.0.1:{port}"),
        "--token-file",
        &dir.join("token").to_string_lossy(),
        "--state-file",
        &dir.join("state.json").to_string_lossy(),
        "--github-repo",
        REPO,
        "--github-api-url",
        &standin.github_api(),
        "--slack-webhook-url-file",
        &dir.join("slack-url").to_string_lossy(),
        "-i",
        &root().join("slos").to_string_lossy(),
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()
}

impl Receiver {
    pub fn start(dir: &Path, port: u16, standin: &Standin) -> Receiver {
        Receiver::start_with(dir, port, standin, &[])
    }

    pub fn start_with(dir: &Path, port: u16, standin: &Standin, extra: &[&str]) -> Receiver {
        let bin = slogen_bin();
        let mut argv = vec![bin.to_string_lossy().into_owned()];
        argv.extend(args(dir, port, standin));
        argv.extend(extra.iter().map(|s| s.to_string()));
        let argv: Vec<&str> = argv.iter().map(String::as_str).collect();
        let proc = Proc::start(
            &argv,
            &[("GITHUB_TOKEN", GITHUB_TOKEN)],
            &dir.join("receiver.log"),
        );
        let url = format!("http://127.0.0.1:{port}");
        wait_for(Duration::from_secs(30), "the receiver's /healthz", || {
            get(&format!("{url}/healthz")).filter(|(s, _)| *s == 200)
        });
        Receiver { url, proc }
    }

    /// POSTs a notification with the bearer token.
    pub fn send(&self, body: &str) -> (u16, String) {
        post(
            &format!("{}/alerts", self.url),
            &[
                ("Authorization", &format!("Bearer {TOKEN}")),
                ("Content-Type", "application/json"),
            ],
            body.as_bytes(),
        )
    }

    /// One counter or gauge of `/metrics` (the line starting with `series`).
    pub fn metric(&self, series: &str) -> f64 {
        let (_, text) = get(&format!("{}/metrics", self.url)).expect("metrics");
        text.lines()
            .find_map(|l| l.strip_prefix(series)?.strip_prefix(' ')?.parse().ok())
            .unwrap_or(0.0)
    }
}

/// A notification of tr-web's availability SLO, as Alertmanager 0.25 sends one.
pub fn notification(group_key: &str, status: &str, severity: &str) -> String {
    let alert_status = status;
    serde_json::json!({
        "receiver": format!("slo-{severity}"),
        "status": status,
        "alerts": [{
            "status": alert_status,
            "labels": {
                "alertname": "TrWebHighErrorRate", "sloth_id": "tr-web-requests-availability",
                "sloth_service": "tr-web", "sloth_slo": "requests-availability",
                "sloth_severity": severity, "severity": "critical", "category": "availability",
            },
            "annotations": {
                "runbook": "https://runbooks.example.com/tr-web/availability",
                "summary": "tr-web requests-availability SLO error budget burn rate is over expected.",
                "title": "(page) tr-web requests-availability SLO error budget burn rate is too fast.",
            },
            "startsAt": "2026-12-03T10:00:05.123Z",
            "endsAt": if status == "firing" { "0001-01-01T00:00:00Z" } else { "2026-12-03T10:20:05Z" },
            "generatorURL": "http://prometheus:9090/graph?g0.expr=slo",
            "fingerprint": "6f1e0b8d1c9a7e22",
        }],
        "groupLabels": {
            "sloth_id": "tr-web-requests-availability", "sloth_service": "tr-web",
            "sloth_slo": "requests-availability", "sloth_severity": severity,
        },
        "commonLabels": {"alertname": "TrWebHighErrorRate", "severity": "critical"},
        "commonAnnotations": {"runbook": "https://runbooks.example.com/tr-web/availability"},
        "externalURL": "http://alertmanager.example:9093",
        "version": "4",
        "groupKey": group_key,
        "truncatedAlerts": 0,
    })
    .to_string()
}

fn github_requests_are_authenticated(standin: &Standin) {
    let gh: Vec<Value> = standin
        .requests()
        .into_iter()
        .filter(|r| r["path"].as_str().unwrap().starts_with("/api/v3/repos/"))
        .collect();
    assert!(!gh.is_empty());
    for r in &gh {
        assert_eq!(r["auth_ok"], true, "Authorization: Bearer <token> on {r}");
        assert_eq!(r["accept"], "application/vnd.github+json", "{r}");
        assert_eq!(r["api_version"], "2022-11-28", "{r}");
        assert!(
            r["user_agent"].as_str().unwrap().starts_with("slogen/"),
            "{r}"
        );
    }
}

#[test]
fn incidents_open_once_resolve_and_a_new_episode_links_the_old() {
    let dir = tempfile::tempdir().unwrap();
    let standin = Standin::start(dir.path());
    let rx = Receiver::start(dir.path(), server_port(), &standin);
    let (s, line) = rx.send(&notification("g-page", "firing", "page"));
    assert_eq!((s, line.as_str()), (200, "opened: github#1, slack\n"));
    let (s, line) = rx.send(&notification("g-page", "firing", "page"));
    assert_eq!((s, line.as_str()), (200, "already known\n"));

    let issues = standin.issues(REPO);
    assert_eq!(issues.len(), 1);
    let issue = &issues[0];
    assert_eq!(
        issue["title"],
        "SLO page: tr-web / requests-availability is burning its error budget"
    );
    let labels: Vec<&str> = issue["labels"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["name"].as_str().unwrap())
        .collect();
    assert_eq!(labels, ["slo-incident", "slo:page"]);
    let body = issue["body"].as_str().unwrap();
    // From the specs (`explain`): tr-web is 99.9% over 30d, Sloth's page windows 5m/1h at
    // 14.4× (2% of 30 days in 1 hour) and 30m/6h at 6×.
    assert!(body.contains("| Objective | 99.9% over 30d |"), "{body}");
    assert!(
        body.contains("| 5m / 1h (quick) | 14.4× | 1.44% | 2% | 52s |"),
        "{body}"
    );
    assert!(
        body.contains("| 30m / 6h (slow) | 6× | 0.6% | 5% |"),
        "{body}"
    );
    assert!(body.contains("[https://runbooks.example.com/tr-web/availability](https://runbooks.example.com/tr-web/availability)"));
    assert!(body.contains("| Alertmanager | [this alert group](http://alertmanager.example:9093/#/alerts?receiver=slo-page&filter=%7B"));
    assert!(
        body.contains("| Started | 2026-12-03T10:00:05.123Z |"),
        "{body}"
    );
    assert!(body.contains("<!-- slogen-incident: "));

    let slack = standin.requests_to("POST", "/slack/T0001/B0001/s3cr3tSlackPath");
    assert_eq!(slack.len(), 1);
    assert_eq!(slack[0]["status"], 200, "Block Kit accepted: {}", slack[0]);
    let blocks = slack[0]["body"]["blocks"].as_array().unwrap();
    assert_eq!(blocks[0]["type"], "header");
    let context = blocks.last().unwrap()["elements"][0]["text"]
        .as_str()
        .unwrap();
    assert!(
        context.contains("<https://github.example/acme/slo-incidents/issues/1|GitHub issue>"),
        "{context}"
    );

    let (s, line) = rx.send(&notification("g-page", "resolved", "page"));
    assert_eq!((s, line.as_str()), (200, "resolved\n"));
    let issue = &standin.issues(REPO)[0];
    assert_eq!(issue["state"], "closed");
    assert_eq!(issue["state_reason"], "completed");
    let comments = issue["comment_bodies"].as_array().unwrap();
    assert_eq!(comments.len(), 1);
    assert!(
        comments[0].as_str().unwrap().starts_with("Resolved at "),
        "{comments:?}"
    );
    assert_eq!(
        standin
            .requests_to("POST", "/slack/T0001/B0001/s3cr3tSlackPath")
            .len(),
        2
    );
    let (_, line) = rx.send(&notification("g-page", "resolved", "page"));
    assert_eq!(line, "no open incident for this group\n");

    // The group fires again: a new issue, linking the old one.
    let (s, line) = rx.send(&notification("g-page", "firing", "page"));
    assert_eq!((s, line.as_str()), (200, "opened: github#2, slack\n"));
    let issues = standin.issues(REPO);
    assert_eq!(issues.len(), 2);
    let body = issues[1]["body"].as_str().unwrap();
    assert!(
        body.contains("| Previously | [#1](https://github.example/acme/slo-incidents/issues/1)"),
        "{body}"
    );
    github_requests_are_authenticated(&standin);
    assert_eq!(rx.metric("slogen_incidents_opened_total"), 2.0);
    assert_eq!(rx.metric("slogen_incidents_closed_total"), 1.0);
    assert_eq!(rx.metric("slogen_incidents_open"), 1.0);
    assert_eq!(
        rx.metric("slogen_incidents_notifications_total{status=\"firing\"}"),
        3.0
    );
    assert_eq!(
        rx.metric("slogen_incidents_notifications_total{status=\"resolved\"}"),
        2.0
    );
}

#[test]
fn bad_requests_are_refused_in_one_line_and_leave_the_state_alone() {
    let dir = tempfile::tempdir().unwrap();
    let standin = Standin::start(dir.path());
    let rx = Receiver::start(dir.path(), server_port(), &standin);
    assert_eq!(rx.send(&notification("g", "firing", "page")).0, 200);
    let state = dir.path().join("state.json");
    let before = std::fs::read(&state).unwrap();
    let body = notification("g2", "firing", "page");
    let url = format!("{}/alerts", rx.url);

    let (s, msg) = post(&url, &[], body.as_bytes());
    assert_eq!(s, 401);
    assert_eq!(msg, "this endpoint needs an Authorization: Bearer token\n");
    let (s, _) = post(
        &format!("{}/create", rx.url),
        &[("Authorization", "Bearer nope")],
        body.as_bytes(),
    );
    assert_eq!(s, 401);
    let (s, msg) = rx.send("{\"version\": \"4\", \"groupKey\": ");
    assert_eq!(s, 400);
    assert!(
        msg.starts_with("the body is not a JSON object:") && msg.matches('\n').count() == 1,
        "{msg}"
    );
    let (s, msg) = rx.send(&body.replace("\"version\":\"4\"", "\"version\":\"3\""));
    assert_eq!((s, msg.as_str()), (400, "payload version \"3\" is not supported: slogen incidents reads Alertmanager's webhook version \"4\"\n"));
    // A 2 MiB body: answered 413 from its Content-Length, before the body is read (a client
    // still sending may see the connection close, so this one reads the answer first).
    let answer = raw_post_headers(&rx.url, "/alerts", 2 * 1024 * 1024);
    assert!(answer.starts_with("HTTP/1.1 413 "), "{answer}");
    assert!(
        answer.ends_with("the request body is over the limit of 1048576 bytes\n"),
        "{answer}"
    );
    let (s, _) = get(&url).unwrap();
    assert_eq!(s, 405);
    assert_eq!(std::fs::read(&state).unwrap(), before, "state untouched");
    assert_eq!(standin.issues(REPO).len(), 1);
    assert_eq!(
        get(&format!("{}/healthz", rx.url)).unwrap(),
        (200, "ok\n".to_string())
    );
    let (s, metrics) = get(&format!("{}/metrics", rx.url)).unwrap();
    assert_eq!(s, 200);
    assert!(
        metrics.contains("slogen_http_requests_total{code=\"401\",route=\"/alerts\"} 1"),
        "{metrics}"
    );
    assert!(metrics.contains("# TYPE slogen_incidents_sink_errors_total counter"));
}

#[test]
fn sink_failures_answer_5xx_and_the_retry_opens_exactly_one_issue() {
    let dir = tempfile::tempdir().unwrap();
    let standin = Standin::start(dir.path());
    let rx = Receiver::start(dir.path(), server_port(), &standin);

    // GitHub answers 502: not done, so the receiver says 5xx and Alertmanager retries.
    // Slack does not wait for GitHub: the on-call hears of it at once.
    standin.fail("POST", "/issues", 502, 1, false);
    let (s, msg) = rx.send(&notification("g-a", "firing", "page"));
    assert_eq!(s, 502);
    assert!(
        msg.starts_with("not done, retry: github: opening an issue: GitHub answered HTTP 502"),
        "{msg}"
    );
    assert_eq!(standin.issues(REPO).len(), 0);
    assert_eq!(
        rx.metric("slogen_incidents_sink_errors_total{sink=\"github\"}"),
        1.0
    );
    let (s, line) = rx.send(&notification("g-a", "firing", "page"));
    assert_eq!((s, line.as_str()), (200, "opened: github#1\n"));
    assert_eq!(standin.issues(REPO).len(), 1);

    // GitHub creates the issue but its answer is lost (a proxy's 502): the retry finds the
    // issue by its marker instead of opening a second.
    standin.fail("POST", "/issues", 502, 1, true);
    let (s, _) = rx.send(&notification("g-b", "firing", "page"));
    assert_eq!(s, 502);
    assert_eq!(standin.issues(REPO).len(), 2, "created, answer lost");
    let (s, line) = rx.send(&notification("g-b", "firing", "page"));
    assert_eq!((s, line.as_str()), (200, "opened: github#2\n"));
    assert_eq!(standin.issues(REPO).len(), 2, "adopted, not opened again");
    let lists = standin.requests_to("GET", "/issues");
    assert!(!lists.is_empty());
    assert_eq!(lists.last().unwrap()["query"]["labels"][0], "slo-incident");

    // Slack fails after GitHub succeeded: 5xx; the retry posts to Slack only.
    standin.fail("POST", "/slack/T0001/B0001/s3cr3tSlackPath", 500, 1, false);
    let (s, msg) = rx.send(&notification("g-c", "firing", "page"));
    assert_eq!(s, 502);
    assert!(
        msg.contains("slack: posting the incident: Slack answered HTTP 500"),
        "{msg}"
    );
    assert!(!msg.contains("s3cr3tSlackPath"), "{msg}");
    let (s, line) = rx.send(&notification("g-c", "firing", "page"));
    assert_eq!((s, line.as_str()), (200, "opened: slack\n"));
    assert_eq!(standin.issues(REPO).len(), 3);
    assert_eq!(rx.metric("slogen_incidents_opened_total"), 3.0);
    assert_eq!(
        rx.metric("slogen_incidents_sink_errors_total{sink=\"slack\"}"),
        1.0
    );

    // A failed close is retried too: the issue ends closed, with one resolution comment.
    standin.fail("PATCH", "/issues/1", 503, 1, false);
    assert_eq!(rx.send(&notification("g-a", "resolved", "page")).0, 502);
    assert_eq!(rx.send(&notification("g-a", "resolved", "page")).0, 200);
    let issue = &standin.issues(REPO)[0];
    assert_eq!(issue["state"], "closed");
    assert_eq!(issue["comment_bodies"].as_array().unwrap().len(), 1);
}

#[test]
fn a_receiver_killed_between_two_notifications_keeps_one_issue() {
    let dir = tempfile::tempdir().unwrap();
    let standin = Standin::start(dir.path());
    let port = server_port();
    let rx = Receiver::start(dir.path(), port, &standin);
    assert_eq!(rx.send(&notification("g", "firing", "page")).0, 200);
    rx.proc.signal("KILL");
    assert!(rx.proc.wait_exit(Duration::from_secs(10)));
    drop(rx);
    let state: Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("state.json")).unwrap()).unwrap();
    assert_eq!(
        state["groups"]["g"]["open"]["sinks"]["github"]["reference"]["id"],
        "1"
    );
    let rx = Receiver::start(dir.path(), port, &standin);
    let (s, line) = rx.send(&notification("g", "firing", "page"));
    assert_eq!((s, line.as_str()), (200, "already known\n"));
    assert_eq!(standin.issues(REPO).len(), 1);
    assert_eq!(standin.requests_to("POST", "/issues").len(), 1);
    assert_eq!(rx.send(&notification("g", "resolved", "page")).0, 200);
    assert_eq!(standin.issues(REPO)[0]["state"], "closed");
}

/// Sends only the headers of a POST declaring a `len`-byte body, and reads the answer.
fn raw_post_headers(url: &str, path: &str, len: usize) -> String {
    use std::io::{Read, Write};
    let addr = url.strip_prefix("http://").unwrap();
    let mut s = std::net::TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    write!(
        s,
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {TOKEN}\r\nContent-Type: application/json\r\nContent-Length: {len}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut out = String::new();
    let _ = s.read_to_string(&mut out);
    out
}

/// The receiver as a direct child, to read its exit status.
struct Direct(Child);

impl Drop for Direct {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn sigterm_stops_cleanly_and_secrets_stay_out_of_logs_and_issues() {
    let dir = tempfile::tempdir().unwrap();
    let standin = Standin::start(dir.path());
    let port = server_port();
    let log = dir.path().join("direct.log");
    let mut child = Direct(
        Command::new(slogen_bin())
            .args(args(dir.path(), port, &standin))
            .env("GITHUB_TOKEN", GITHUB_TOKEN)
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).unwrap())
            .spawn()
            .unwrap(),
    );
    let url = format!("http://127.0.0.1:{port}");
    wait_for(Duration::from_secs(30), "the receiver", || {
        get(&format!("{url}/healthz")).filter(|(s, _)| *s == 200)
    });
    let send = |body: &str| {
        post(
            &format!("{url}/alerts"),
            &[("Authorization", &format!("Bearer {TOKEN}"))],
            body.as_bytes(),
        )
    };
    assert_eq!(send(&notification("g", "firing", "page")).0, 200);
    standin.fail("POST", "/issues", 401, 1, false);
    assert_eq!(send(&notification("g2", "firing", "page")).0, 502);
    assert_eq!(send(&notification("g", "resolved", "page")).0, 200);

    let ok = Command::new("kill")
        .args(["-TERM", &child.0.id().to_string()])
        .status()
        .unwrap()
        .success();
    assert!(ok);
    let status = wait_for(Duration::from_secs(15), "the receiver to exit", || {
        child.0.try_wait().unwrap()
    });
    assert!(status.success(), "exit status {status:?}");
    let out = std::fs::read_to_string(&log).unwrap();
    assert!(out.contains("slogen incidents: stopped"), "{out}");
    assert!(
        out.contains("github: opening an issue: GitHub answered HTTP 401"),
        "{out}"
    );

    let mut everything = out.clone();
    for issue in standin.issues(REPO) {
        everything.push_str(&issue.to_string());
    }
    for secret in [GITHUB_TOKEN, TOKEN, "s3cr3tSlackPath"] {
        assert!(
            !everything.contains(secret),
            "{secret} leaked:\n{everything}"
        );
    }
}

/// A state file the receiver cannot read stops it at start, naming the place.
#[test]
fn a_damaged_state_file_stops_the_receiver_before_it_listens() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state.json");
    std::fs::write(&state, "{\"version\": 1, \"groups\": {\n  \"g\": [}\n").unwrap();
    let standin_dir = PathBuf::from(dir.path());
    let standin = Standin::start(&standin_dir);
    let out = Command::new(slogen_bin())
        .args(args(dir.path(), server_port(), &standin))
        .env("GITHUB_TOKEN", GITHUB_TOKEN)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("state.json:2:"), "{err}");
    assert!(err.contains("will not overwrite"), "{err}");
    assert_eq!(
        std::fs::read_to_string(&state).unwrap(),
        "{\"version\": 1, \"groups\": {\n  \"g\": [}\n"
    );
}
