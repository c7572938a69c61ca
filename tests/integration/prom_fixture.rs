//! A real Prometheus with weeks of SLO history, built once per test run and shared.
//!
//! Steps (shared docs/prometheus-fixtures.md): write the synthetic counters of
//! [`super::prom_model`] as OpenMetrics and turn them into blocks with `promtool tsdb
//! create-blocks-from openmetrics`; generate the rules of `slos/tr-web.yaml`,
//! `slos/api-gateway.yaml` and the quiet fixture service with slogen's library; backfill
//! them with `promtool tsdb create-blocks-from rules` in passes, because a rule only sees the
//! recordings of earlier passes (SLI windows and metadata → period SLI, current burn and
//! alerts → period burn → budget remaining), restarting Prometheus between passes. Sloth's
//! alert rules are backfilled as the `ALERTS` series Prometheus would have written (promtool
//! does not evaluate alert rules; Sloth's have no `for`, so firing = the expression holds).
//! The finished server listens on 127.0.0.1 and dies with the test process.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use yaml_rust2::{Yaml, YamlLoader};

use super::budget_failures::free_port;
use super::prom_model::{
    raw_series, DAY, END, HOUR, MINUTE, PERIOD, RAW_START, REPORT_SINCE, STEP,
};
use super::support::root;

/// The shared fixture server.
pub struct Fixture {
    pub url: String,
    /// Seconds the build took.
    pub build_secs: f64,
    _server: PromServer,
    _dir: tempfile::TempDir,
}

static FIXTURE: OnceLock<Fixture> = OnceLock::new();

/// The fixture, built on first use. Fails (never skips) when promtool or prometheus is missing.
pub fn fixture() -> &'static Fixture {
    FIXTURE.get_or_init(|| {
        let started = Instant::now();
        let dir = tempfile::tempdir().expect("temp dir");
        let server = build(dir.path());
        let build_secs = started.elapsed().as_secs_f64();
        eprintln!(
            "prometheus fixture built in {build_secs:.1}s at {}",
            server.url()
        );
        Fixture {
            url: server.url(),
            build_secs,
            _server: server,
            _dir: dir,
        }
    })
}

/// A running `prometheus` on a free loopback port; stopped on drop, and by a watchdog when
/// the test process exits (a static is never dropped).
pub struct PromServer {
    child: Child,
    port: u16,
    watchdog: Option<Child>,
}

impl PromServer {
    pub fn start(data: &Path, config: &Path) -> PromServer {
        let port = free_port();
        let child = Command::new("prometheus")
            .arg(format!("--config.file={}", config.display()))
            .arg(format!("--storage.tsdb.path={}", data.display()))
            .arg(format!("--web.listen-address=127.0.0.1:{port}"))
            .arg("--storage.tsdb.retention.time=3650d")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("prometheus must be installed (Debian package `prometheus`); ./scripts/test installs it");
        let watchdog = Command::new("sh")
            .arg("-c")
            .arg(format!(
                "while kill -0 {} 2>/dev/null && kill -0 {} 2>/dev/null; do sleep 1; done; kill {} 2>/dev/null",
                std::process::id(),
                child.id(),
                child.id()
            ))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .ok();
        let server = PromServer {
            child,
            port,
            watchdog,
        };
        server.wait_ready();
        server
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    fn wait_ready(&self) {
        let deadline = Instant::now() + Duration::from_secs(120);
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .timeout_global(Some(Duration::from_secs(2)))
            .build()
            .into();
        while Instant::now() < deadline {
            if let Ok(r) = agent.get(format!("{}/-/ready", self.url())).call() {
                if r.status() == 200 {
                    return;
                }
            }
            std::thread::sleep(Duration::from_millis(200));
        }
        panic!("prometheus did not become ready on {}", self.url());
    }
}

impl Drop for PromServer {
    fn drop(&mut self) {
        // SIGTERM by PID so the TSDB closes cleanly, then reap it.
        let _ = Command::new("kill")
            .arg(self.child.id().to_string())
            .status();
        let _ = self.child.wait();
        if let Some(w) = &mut self.watchdog {
            let _ = w.kill();
            let _ = w.wait();
        }
    }
}

fn run(cmd: &mut Command) {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("running {cmd:?}: {e} (is promtool installed?)"));
    assert!(
        out.status.success(),
        "{cmd:?} failed: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Runs commands at most `width` at a time.
fn run_parallel(mut cmds: Vec<Command>, width: usize) {
    while !cmds.is_empty() {
        let batch: Vec<Command> = cmds.drain(..width.min(cmds.len())).collect();
        let handles: Vec<_> = batch
            .into_iter()
            .map(|mut c| std::thread::spawn(move || run(&mut c)))
            .collect();
        for h in handles {
            h.join().expect("a promtool run");
        }
    }
}

/// Writes the raw counters, one OpenMetrics file per day (promtool re-reads its whole input
/// for every 2-hour block it writes, so small files keep the import linear).
fn write_raw_blocks(dir: &Path, data: &Path) {
    let series = raw_series();
    let minutes: Vec<i64> = (0..=(END - RAW_START) / MINUTE)
        .map(|i| RAW_START + i * MINUTE)
        .collect();
    let cumulative: Vec<Vec<f64>> = series
        .iter()
        .map(|s| {
            let mut v = 0.0;
            minutes
                .iter()
                .map(|&t| {
                    if t > RAW_START {
                        v += (s.increase)(t);
                    }
                    v
                })
                .collect()
        })
        .collect();
    let mut cmds = Vec::new();
    for (chunk_no, chunk) in minutes.chunks((DAY / MINUTE) as usize).enumerate() {
        let first = (chunk[0] - RAW_START) / MINUTE;
        let mut text = String::new();
        for (s, values) in series.iter().zip(&cumulative) {
            let labels: Vec<String> = s
                .labels
                .iter()
                .map(|(k, v)| format!("{k}=\"{v}\""))
                .collect();
            for (i, t) in chunk.iter().enumerate() {
                let v = values[first as usize + i];
                text.push_str(&format!("{}{{{}}} {v} {t}\n", s.name, labels.join(",")));
            }
        }
        text.push_str("# EOF\n");
        let path = dir.join(format!("raw-{chunk_no:02}.om"));
        std::fs::write(&path, text).expect("write openmetrics");
        let mut c = Command::new("promtool");
        c.args(["tsdb", "create-blocks-from", "openmetrics", "-q"])
            .arg(&path)
            .arg(data);
        cmds.push(c);
    }
    run_parallel(cmds, 4);
}

/// Rule groups slogen generates for a spec file, as JSON rule objects.
fn generated_rules(spec: &Path) -> Vec<Value> {
    let text = std::fs::read_to_string(spec).expect("read spec");
    let out = slogen::pipeline::Generator::default()
        .generate_file(&text)
        .unwrap_or_else(|p| panic!("generating {}: {p:?}", spec.display()));
    let docs = YamlLoader::load_from_str(&out.text).expect("generated YAML parses");
    let mut rules = Vec::new();
    for doc in docs {
        let groups = match &doc["groups"] {
            Yaml::Array(g) => g.clone(),
            _ => match &doc["spec"]["groups"] {
                Yaml::Array(g) => g.clone(),
                _ => continue,
            },
        };
        for g in groups {
            if let Yaml::Array(rs) = &g["rules"] {
                rules.extend(rs.iter().map(to_json));
            }
        }
    }
    assert!(
        !rules.is_empty(),
        "no rules generated for {}",
        spec.display()
    );
    rules
}

fn to_json(y: &Yaml) -> Value {
    match y {
        Yaml::Hash(h) => Value::Object(
            h.iter()
                .map(|(k, v)| (k.as_str().unwrap_or_default().to_string(), to_json(v)))
                .collect(),
        ),
        Yaml::Array(a) => Value::Array(a.iter().map(to_json).collect()),
        Yaml::String(s) | Yaml::Real(s) => Value::String(s.clone()),
        Yaml::Integer(i) => Value::String(i.to_string()),
        Yaml::Boolean(b) => Value::String(b.to_string()),
        _ => Value::Null,
    }
}

/// An alert rule as the recording of the `ALERTS` series Prometheus writes while it fires.
fn as_alerts_recording(rule: &Value) -> Value {
    let mut labels = rule["labels"].as_object().cloned().unwrap_or_default();
    labels.insert("alertname".into(), rule["alert"].clone());
    labels.insert("alertstate".into(), json!("firing"));
    json!({ "record": "ALERTS", "expr": rule["expr"], "labels": labels })
}

/// One promtool rules backfill: rules over `[start, end]`.
struct Job {
    rules: Vec<Value>,
    start: i64,
    end: i64,
}

/// Backfills `jobs` against the server on `data`, then moves the new blocks into `data`.
fn backfill_pass(dir: &Path, data: &Path, config: &Path, pass: usize, jobs: Vec<Job>) {
    let out = dir.join(format!("pass{pass}"));
    std::fs::create_dir_all(&out).expect("pass dir");
    {
        let server = PromServer::start(data, config);
        let mut cmds = Vec::new();
        for (j, job) in jobs.iter().enumerate() {
            let file = dir.join(format!("pass{pass}-{j}.json"));
            let body =
                json!({ "groups": [{ "name": format!("pass{pass}-{j}"), "rules": job.rules }] });
            std::fs::write(&file, body.to_string()).expect("write rules");
            // Two-day slices run in parallel; each promtool process stays small.
            let mut start = job.start;
            while start <= job.end {
                let end = (start + 2 * DAY - STEP).min(job.end);
                let mut c = Command::new("promtool");
                c.args(["tsdb", "create-blocks-from", "rules", "-q"])
                    .arg(format!("--start={start}"))
                    .arg(format!("--end={end}"))
                    .arg(format!("--url={}", server.url()))
                    .arg(format!("--output-dir={}", out.display()))
                    .arg(format!("--eval-interval={STEP}s"))
                    .arg(&file);
                cmds.push(c);
                if end >= job.end {
                    break;
                }
                // promtool leaves out one end of its range; overlapping slices by a step
                // keeps every evaluation (a repeated sample is the same value, deduplicated).
                start = end - STEP;
            }
        }
        run_parallel(cmds, 4);
    }
    for entry in std::fs::read_dir(&out).expect("read pass dir") {
        let entry = entry.expect("dir entry");
        std::fs::rename(entry.path(), data.join(entry.file_name())).expect("move block");
    }
}

fn record_name(rule: &Value) -> &str {
    rule["record"].as_str().unwrap_or("")
}

fn build(dir: &Path) -> PromServer {
    let data = dir.join("data");
    std::fs::create_dir_all(&data).expect("data dir");
    let config = dir.join("prometheus.yml");
    std::fs::write(&config, "global:\n  scrape_interval: 1h\n").expect("config");
    write_raw_blocks(dir, &data);

    let specs: Vec<PathBuf> = vec![
        root().join("slos/tr-web.yaml"),
        root().join("slos/api-gateway.yaml"),
        root().join("tests/fixtures/budget/quiet-batch.yaml"),
    ];
    let rules: Vec<Value> = specs.iter().flat_map(|p| generated_rules(p)).collect();
    let pick = |f: &dyn Fn(&Value) -> bool| -> Vec<Value> {
        rules.iter().filter(|r| f(r)).cloned().collect()
    };

    // The window the report, the chart and the alerts need, and the 5m history the 30d
    // period rule needs over it.
    let window_start = END - REPORT_SINCE - HOUR;
    let history_start = window_start - PERIOD;
    let is_5m = |r: &Value| record_name(r) == "slo:sli_error:ratio_rate5m";
    // Only SLOs whose error ratio changes over the month need the whole month of 5m samples;
    // for a steady SLO (latency, no traffic) the mean over the window is the mean over 30d,
    // and skipping ~800 two-hour blocks keeps the build short.
    let steady = |r: &Value| {
        let id = r["labels"]["sloth_id"].as_str().unwrap_or("");
        matches!(id, "tr-web-requests-latency" | "quiet-batch-jobs-success")
    };
    let pass1 = vec![
        Job {
            rules: pick(&|r| is_5m(r) && !steady(r)),
            start: history_start,
            end: END,
        },
        Job {
            rules: pick(&|r| is_5m(r) && steady(r)),
            start: window_start,
            end: END,
        },
        Job {
            rules: pick(&|r| {
                let n = record_name(r);
                (n.starts_with("slo:sli_error:ratio_rate")
                    && !is_5m(r)
                    && n != "slo:sli_error:ratio_rate30d")
                    || matches!(
                        n,
                        "slo:objective:ratio"
                            | "slo:error_budget:ratio"
                            | "slo:time_period:days"
                            | "sloth_slo_info"
                    )
            }),
            start: window_start,
            end: END,
        },
    ];
    let alerts: Vec<Value> = rules
        .iter()
        .filter(|r| r.get("alert").is_some())
        .map(as_alerts_recording)
        .collect();
    let mut pass2 = pick(&|r| {
        matches!(
            record_name(r),
            "slo:sli_error:ratio_rate30d" | "slo:current_burn_rate:ratio"
        )
    });
    pass2.extend(alerts);
    let pass3 = pick(&|r| record_name(r) == "slo:period_burn_rate:ratio");
    let pass4 = pick(&|r| record_name(r) == "slo:period_error_budget_remaining:ratio");
    let covered = pass1.iter().map(|j| j.rules.len()).sum::<usize>()
        + pass2.len()
        + pass3.len()
        + pass4.len();
    let recordings = rules.iter().filter(|r| r.get("record").is_some()).count();
    let alert_rules = rules.len() - recordings;
    assert_eq!(
        covered,
        rules.len(),
        "every generated rule is backfilled ({recordings} recordings, {alert_rules} alerts)"
    );

    let window = |rules| {
        vec![Job {
            rules,
            start: window_start,
            end: END,
        }]
    };
    backfill_pass(dir, &data, &config, 1, pass1);
    backfill_pass(dir, &data, &config, 2, window(pass2));
    backfill_pass(dir, &data, &config, 3, window(pass3));
    backfill_pass(dir, &data, &config, 4, window(pass4));
    PromServer::start(&data, &config)
}
