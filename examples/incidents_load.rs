//! Load generator for the `slogen incidents` benchmark (`scripts/bench-incidents`).
//!
//! ```sh
//! cargo run --release --example incidents_load -- --url http://127.0.0.1:9095/alerts \
//!     --token-file TOKEN --groups 500 --status firing --concurrency 8 [--prefix g]
//! cargo run --release --example incidents_load -- --github URL/repos/o/r/issues \
//!     --token GITHUB_TOKEN --groups 500 --concurrency 8
//! ```
//!
//! Sends one Alertmanager webhook notification (version 4) per group, `--groups` of them,
//! from `--concurrency` threads with keep-alive connections, and prints one JSON line:
//! `{"requests": N, "seconds": S, "per_second": R, "p50_ms": …, "p99_ms": …, "errors": E}`.
//! With `--github`, it posts issues straight to the GitHub stand-in instead: the sink's own
//! floor, measured the same way.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

struct Opts {
    url: String,
    token: String,
    groups: usize,
    status: String,
    concurrency: usize,
    prefix: String,
    github: bool,
}

fn parse() -> Opts {
    let mut o = Opts {
        url: String::new(),
        token: String::new(),
        groups: 100,
        status: "firing".into(),
        concurrency: 8,
        prefix: "g".into(),
        github: false,
    };
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut i = 0;
    while i < args.len() {
        let v = args.get(i + 1).cloned().unwrap_or_default();
        match args[i].as_str() {
            "--url" => o.url = v,
            "--github" => {
                o.url = v;
                o.github = true;
            }
            "--token" => o.token = v,
            "--token-file" => {
                o.token = std::fs::read_to_string(&v)
                    .expect("token file")
                    .trim()
                    .to_string()
            }
            "--groups" => o.groups = v.parse().expect("--groups N"),
            "--status" => o.status = v,
            "--concurrency" => o.concurrency = v.parse().expect("--concurrency N"),
            "--prefix" => o.prefix = v,
            other => panic!("unknown argument {other}"),
        }
        i += 2;
    }
    assert!(!o.url.is_empty(), "--url or --github is required");
    o
}

fn notification(group: &str, status: &str) -> String {
    format!(
        r#"{{"version":"4","groupKey":"{{}}/{{sloth_id=~\"bench\"}}:{{sloth_id=\"{group}\"}}","status":"{status}","receiver":"slo-page","truncatedAlerts":0,
"groupLabels":{{"sloth_id":"{group}","sloth_service":"bench","sloth_slo":"{group}","sloth_severity":"page"}},
"commonLabels":{{"alertname":"BenchHighErrorRate","severity":"critical"}},"commonAnnotations":{{"summary":"bench"}},
"externalURL":"http://alertmanager:9093",
"alerts":[{{"status":"{status}","labels":{{"alertname":"BenchHighErrorRate","sloth_id":"{group}","sloth_service":"bench","sloth_slo":"{group}","sloth_severity":"page"}},
"annotations":{{"summary":"bench","runbook":"https://runbooks.example.com/bench"}},"startsAt":"2026-12-03T10:00:00Z","endsAt":"0001-01-01T00:00:00Z",
"generatorURL":"http://prometheus:9090/graph","fingerprint":"0123456789abcdef"}}]}}"#
    )
}

fn main() {
    let o = Arc::new(parse());
    let next = Arc::new(AtomicUsize::new(0));
    let errors = Arc::new(AtomicUsize::new(0));
    let latencies = Arc::new(Mutex::new(Vec::with_capacity(o.groups)));
    let started = Instant::now();
    let workers: Vec<_> = (0..o.concurrency)
        .map(|_| {
            let (o, next, errors, latencies) =
                (o.clone(), next.clone(), errors.clone(), latencies.clone());
            std::thread::spawn(move || {
                let agent: ureq::Agent = ureq::Agent::config_builder()
                    .timeout_global(Some(Duration::from_secs(60)))
                    .http_status_as_error(false)
                    .build()
                    .into();
                let auth = format!("Bearer {}", o.token);
                let mut mine = Vec::new();
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= o.groups {
                        break;
                    }
                    let group = format!("{}-{i}", o.prefix);
                    let body = if o.github {
                        format!(
                            r#"{{"title":"bench {group}","body":"b","labels":["slo-incident"]}}"#
                        )
                    } else {
                        notification(&group, &o.status)
                    };
                    let mut req = agent
                        .post(&o.url)
                        .header("Authorization", &auth)
                        .header("Content-Type", "application/json");
                    if o.github {
                        req = req
                            .header("Accept", "application/vnd.github+json")
                            .header("X-GitHub-Api-Version", "2022-11-28");
                    }
                    let t = Instant::now();
                    let ok = match req.send(body.as_bytes()) {
                        Ok(mut r) => {
                            let _ = r.body_mut().read_to_string();
                            r.status().is_success()
                        }
                        Err(_) => false,
                    };
                    mine.push(t.elapsed().as_secs_f64());
                    if !ok {
                        errors.fetch_add(1, Ordering::Relaxed);
                    }
                }
                latencies.lock().unwrap().extend(mine);
            })
        })
        .collect();
    for w in workers {
        w.join().unwrap();
    }
    let secs = started.elapsed().as_secs_f64();
    let mut lat = latencies.lock().unwrap().clone();
    lat.sort_by(|a, b| a.total_cmp(b));
    let pct = |p: f64| {
        if lat.is_empty() {
            return 0.0;
        }
        let i = ((lat.len() as f64 * p).ceil() as usize).clamp(1, lat.len()) - 1;
        lat[i] * 1000.0
    };
    println!(
        r#"{{"requests": {}, "seconds": {secs:.4}, "per_second": {:.1}, "p50_ms": {:.2}, "p99_ms": {:.2}, "errors": {}}}"#,
        lat.len(),
        lat.len() as f64 / secs,
        pct(0.50),
        pct(0.99),
        errors.load(Ordering::Relaxed)
    );
}
