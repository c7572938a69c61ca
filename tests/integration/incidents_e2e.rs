//! The whole loop on loopback, with the real components: a real Prometheus evaluates
//! slogen's rules for an SLO whose error ratio is far above its budget, a real Alertmanager
//! routes the alerts with the configuration `slogen alertmanager --webhook-url …` prints, and
//! `slogen incidents` opens issues in the GitHub stand-in (`standin.rs`).
//!
//! The SLO (`tests/fixtures/incidents/checkout.yaml`) is 99% over 1h with windows of seconds
//! (`windows/1h.yaml`, every short window 10s), so alerts fire within seconds and all stop
//! together 10s after the errors stop. The test's exporter serves `e2e_requests_total`, half
//! of it failing until the test turns errors off. Asserted:
//! - GitHub's first answer is a 502: the receiver answers 5xx, Alertmanager retries, and the
//!   retry opens exactly one issue (the page's);
//! - the receiver is killed with SIGKILL and restarted between two notifications of the page
//!   group: still one issue;
//! - the ticket alert fires in Prometheus but Alertmanager holds it as inhibited by the page
//!   alert, and no ticket issue opens;
//! - the issue's figures: burn rate 50× (error ratio 0.5 over a budget of 0.01), and
//!   `explain`'s window pairs (10s/30s at 2.4×: 2% of 1h within 30s);
//! - once the errors stop, the issue gets a resolution comment and is closed.
//!
//! Timers are short for the test: group_wait 1s, group_interval 2s, repeat_interval 5s.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::incidents_recv::REPO;
use crate::procs::{get, wait_for, Proc};
use crate::prom_server::PromServer;
use crate::standin::{Standin, GITHUB_TOKEN};
use crate::support::{root, server_port, slogen, slogen_bin, text};

/// Serves `e2e_requests_total`: 100 requests a second, half of them 5xx while errors are on.
struct Exporter {
    port: u16,
    errors: Arc<AtomicBool>,
}

impl Exporter {
    fn start() -> Exporter {
        let port = server_port();
        let listener = TcpListener::bind(("127.0.0.1", port)).expect("bind exporter");
        let errors = Arc::new(AtomicBool::new(true));
        let on = errors.clone();
        let started = Instant::now();
        // Failed requests counted until errors went off, in milliseconds of error time.
        let error_ms = Arc::new(AtomicU64::new(0));
        let last = Arc::new(AtomicU64::new(0));
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut line = String::new();
                while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
                    line.clear();
                }
                let now_ms = started.elapsed().as_millis() as u64;
                let prev = last.swap(now_ms, Ordering::SeqCst);
                if on.load(Ordering::SeqCst) {
                    error_ms.fetch_add(now_ms.saturating_sub(prev), Ordering::SeqCst);
                }
                let t = now_ms as f64 / 1000.0;
                let failed = error_ms.load(Ordering::SeqCst) as f64 / 1000.0 * 50.0;
                // Both series start high, so that rate() extrapolates them alike.
                let body = format!(
                    "# TYPE e2e_requests_total counter\ne2e_requests_total{{code=\"200\"}} {}\ne2e_requests_total{{code=\"500\"}} {}\n",
                    100_000.0 + 100.0 * t - failed,
                    100_000.0 + failed
                );
                let _ = stream.write_all(
                    format!(
                        "HTTP/1.1 200 OK\r\nContent-Type: text/plain; version=0.0.4\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                        body.len()
                    )
                    .as_bytes(),
                );
            }
        });
        Exporter { port, errors }
    }
}

const GEN: [&str; 4] = [
    "--default-slo-period",
    "1h",
    "--slo-period-windows-path",
    "tests/fixtures/incidents/windows",
];
const SPEC: &str = "tests/fixtures/incidents/checkout.yaml";
const TOKEN: &str = "am-to-receiver-token";

pub fn start_alertmanager(dir: &Path, port: u16, config: &Path) -> Proc {
    let data = dir.join("am-data");
    std::fs::create_dir_all(&data).unwrap();
    let proc = Proc::start(
        &[
            "prometheus-alertmanager",
            &format!("--config.file={}", config.display()),
            &format!("--web.listen-address=127.0.0.1:{port}"),
            &format!("--web.external-url=http://127.0.0.1:{port}"),
            "--cluster.listen-address=",
            &format!("--storage.path={}", data.display()),
        ],
        &[],
        &dir.join("alertmanager.log"),
    );
    wait_for(Duration::from_secs(30), "Alertmanager /-/ready", || {
        get(&format!("http://127.0.0.1:{port}/-/ready")).filter(|(s, _)| *s == 200)
    });
    proc
}

fn start_receiver(dir: &Path, port: u16, standin: &Standin, prom: &str) -> Proc {
    let bin = slogen_bin();
    let mut argv: Vec<String> = vec![
        bin.to_string_lossy().into_owned(),
        "incidents".into(),
        "--listen".into(),
        format!("127.0.0.1:{port}"),
        "--token-file".into(),
        dir.join("token").to_string_lossy().into_owned(),
        "--state-file".into(),
        dir.join("state.json").to_string_lossy().into_owned(),
        "--github-repo".into(),
        REPO.into(),
        "--github-api-url".into(),
        standin.github_api(),
        "--prometheus-url".into(),
        prom.into(),
        "-i".into(),
        root().join(SPEC).to_string_lossy().into_owned(),
    ];
    argv.extend(
        GEN.iter()
            .map(|a| a.replace("tests/", &format!("{}/tests/", root().display()))),
    );
    let argv: Vec<&str> = argv.iter().map(String::as_str).collect();
    let proc = Proc::start(
        &argv,
        &[("GITHUB_TOKEN", GITHUB_TOKEN)],
        &dir.join("receiver.log"),
    );
    wait_for(Duration::from_secs(30), "the receiver's /healthz", || {
        get(&format!("http://127.0.0.1:{port}/healthz")).filter(|(s, _)| *s == 200)
    });
    proc
}

/// A counter of the receiver's `/metrics`.
fn metric(port: u16, series: &str) -> f64 {
    get(&format!("http://127.0.0.1:{port}/metrics"))
        .map(|(_, t)| t)
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix(series)?.strip_prefix(' ')?.parse().ok())
        .unwrap_or(0.0)
}

/// Alertmanager's alerts matching `filter` (a matcher such as `sloth_severity="ticket"`).
fn am_alerts(am: u16, filter: &str) -> Vec<Value> {
    let q: String = filter
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b == b'_' {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    let (_, body) = get(&format!("http://127.0.0.1:{am}/api/v2/alerts?filter={q}")).unwrap();
    serde_json::from_str(&body).unwrap()
}

/// The number after `| name |` in an issue body's figure table.
fn figure(body: &str, name: &str) -> f64 {
    let line = body
        .lines()
        .find(|l| l.starts_with(&format!("| {name} | ")))
        .unwrap_or_else(|| panic!("no {name} row in:\n{body}"));
    let cell = line.split('|').nth(2).unwrap().trim();
    let num: String = cell
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.' || *c == '-')
        .collect();
    num.parse().unwrap_or_else(|_| panic!("{name}: {cell}"))
}

#[test]
fn an_slo_breach_becomes_one_issue_through_prometheus_and_alertmanager() {
    let started = Instant::now();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("token"), format!("{TOKEN}\n")).unwrap();
    let (receiver_port, am_port) = (server_port(), server_port());

    // The rules and the Alertmanager configuration, as a user would make them.
    let rules = d.join("rules.yml");
    let mut argv = vec!["generate", "-i", SPEC, "-o"];
    let rules_s = rules.to_string_lossy().into_owned();
    argv.push(&rules_s);
    argv.extend(GEN);
    let out = slogen(&root(), &argv);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let am_config = d.join("alertmanager.yml");
    let am_config_s = am_config.to_string_lossy().into_owned();
    let webhook = format!("http://127.0.0.1:{receiver_port}/alerts");
    let token_s = d.join("token").to_string_lossy().into_owned();
    let mut argv = vec![
        "alertmanager",
        "-i",
        SPEC,
        "-o",
        &am_config_s,
        "--webhook-url",
        &webhook,
        "--webhook-credentials-file",
        &token_s,
        "--page-group-wait",
        "1s",
        "--page-group-interval",
        "2s",
        "--page-repeat-interval",
        "5s",
        "--ticket-group-wait",
        "1s",
        "--ticket-group-interval",
        "2s",
        "--ticket-repeat-interval",
        "5s",
    ];
    argv.extend(GEN);
    let out = slogen(&root(), &argv);
    assert!(out.status.success(), "{}", text(&out.stderr));

    let standin = Standin::start(d);
    standin.fail("POST", "/issues", 502, 1, false);
    let exporter = Exporter::start();
    let am = start_alertmanager(d, am_port, &am_config);
    let prom_config = d.join("prometheus.yml");
    std::fs::write(
        &prom_config,
        format!(
            "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nrule_files: ['{}']\n\
             scrape_configs:\n  - job_name: e2e\n    static_configs: [{{targets: ['127.0.0.1:{}']}}]\n\
             alerting:\n  alertmanagers:\n    - static_configs: [{{targets: ['127.0.0.1:{am_port}']}}]\n",
            rules.display(),
            exporter.port
        ),
    )
    .unwrap();
    let data = d.join("prom-data");
    let prom = PromServer::start(&data, &prom_config, &data);
    let receiver = start_receiver(d, receiver_port, &standin, &prom.url());

    // 1. GitHub's first answer is a 502; Alertmanager retries; one issue opens.
    let issues = wait_for(Duration::from_secs(120), "the page issue", || {
        Some(standin.issues(REPO)).filter(|i| !i.is_empty())
    });
    assert_eq!(issues.len(), 1);
    let issue = &issues[0];
    assert_eq!(
        issue["title"],
        "SLO page: checkout / requests-availability is burning its error budget",
        "{}\n{}",
        receiver.output(),
        am.output()
    );
    let creates = standin.requests_to("POST", "/issues");
    let statuses: Vec<i64> = creates
        .iter()
        .map(|r| r["status"].as_i64().unwrap())
        .collect();
    assert_eq!(
        statuses,
        [502, 201],
        "the 502, then the retry that opened it"
    );
    assert_eq!(
        metric(
            receiver_port,
            "slogen_incidents_sink_errors_total{sink=\"github\"}"
        ),
        1.0
    );
    for r in standin.requests() {
        if r["path"].as_str().unwrap().starts_with("/api/v3/") {
            assert_eq!(r["auth_ok"], true, "{r}");
            assert_eq!(r["accept"], "application/vnd.github+json", "{r}");
        }
    }
    // What the issue says: live figures from Prometheus, the windows from `explain`.
    let body = issue["body"].as_str().unwrap();
    assert!(body.contains("| Objective | 99% over 1h |"), "{body}");
    let burn = figure(body, "Burn rate now");
    assert!(
        (burn - 50.0).abs() < 0.5,
        "burn rate {burn}, expected 0.5 / 0.01 = 50:\n{body}"
    );
    assert!(figure(body, "Error budget left") < 0.0, "{body}");
    assert!(
        body.contains("| 10s / 30s (quick) | 2.4× | 2.4% | 2% |"),
        "{body}"
    );
    assert!(
        body.contains("| 10s / 1m (slow) | 3× | 3% | 5% |"),
        "{body}"
    );
    assert!(
        body.contains("[https://runbooks.example.com/checkout/availability]"),
        "{body}"
    );
    assert!(
        body.contains(&format!(
            "](http://127.0.0.1:{am_port}/#/alerts?receiver=slo-page&filter="
        )),
        "{body}"
    );

    // 2. SIGKILL between two notifications of the group, then a restart: still one issue.
    receiver.signal("KILL");
    assert!(receiver.wait_exit(Duration::from_secs(10)));
    drop(receiver);
    let _restarted = start_receiver(d, receiver_port, &standin, &prom.url());
    wait_for(
        Duration::from_secs(60),
        "a notification to the restarted receiver",
        || {
            (metric(
                receiver_port,
                "slogen_incidents_notifications_total{status=\"firing\"}",
            ) >= 1.0)
                .then_some(())
        },
    );
    assert_eq!(standin.issues(REPO).len(), 1);
    let created = standin
        .requests_to("POST", "/issues")
        .iter()
        .filter(|r| r["status"] == 201)
        .count();
    assert_eq!(created, 1);

    // 3. The ticket alert fires in Prometheus, and Alertmanager holds it as inhibited.
    let (_, alerts) = get(&format!(
        "{}/api/v1/query?query=ALERTS%7Bsloth_severity%3D%22ticket%22%2Calertstate%3D%22firing%22%7D",
        prom.url()
    ))
    .unwrap();
    let firing: Value = serde_json::from_str(&alerts).unwrap();
    assert_eq!(
        firing["data"]["result"].as_array().unwrap().len(),
        1,
        "{alerts}"
    );
    let tickets = am_alerts(am_port, "sloth_severity=\"ticket\"");
    assert_eq!(tickets.len(), 1, "{tickets:?}");
    assert_eq!(tickets[0]["status"]["state"], "suppressed", "{tickets:?}");
    assert!(!tickets[0]["status"]["inhibitedBy"]
        .as_array()
        .unwrap()
        .is_empty());

    // 4. The errors stop: the page resolves, the issue gets a comment and is closed.
    exporter.errors.store(false, Ordering::SeqCst);
    let closed = wait_for(Duration::from_secs(120), "the issue to close", || {
        standin
            .issues(REPO)
            .into_iter()
            .next()
            .filter(|i| i["state"] == "closed")
    });
    assert_eq!(closed["state_reason"], "completed");
    let comments: Vec<&str> = closed["comment_bodies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    let resolution = comments.last().unwrap();
    assert!(
        resolution.starts_with("Resolved at ")
            && resolution
                .contains("the page alert of **checkout / requests-availability** stopped firing"),
        "{comments:?}"
    );
    // Alertmanager delivers the ticket's resolution too (if at all) within a few seconds;
    // no ticket issue ever opened.
    std::thread::sleep(Duration::from_secs(3));
    let issues = standin.issues(REPO);
    assert_eq!(issues.len(), 1, "exactly one issue: {issues:?}");
    assert_eq!(metric(receiver_port, "slogen_incidents_closed_total"), 1.0);
    eprintln!(
        "incident loop end to end: {:.1}s",
        started.elapsed().as_secs_f64()
    );
}
