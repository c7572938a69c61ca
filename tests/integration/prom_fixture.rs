//! A real Prometheus with weeks of SLO history, built once per test run and shared.
//!
//! Steps (shared docs/prometheus-fixtures.md): write the synthetic counters of
//! [`super::prom_model`] as OpenMetrics and turn them into blocks with `promtool tsdb
//! create-blocks-from openmetrics`; generate the rules of `slos/tr-web.yaml`,
//! `slos/api-gateway.yaml` and the quiet fixture service with slogen's library; backfill
//! them with `promtool tsdb create-blocks-from rules` in passes, because a rule only sees the
//! recordings of earlier passes (SLI windows and metadata → period SLI, current burn and
//! alerts → period burn → budget remaining), restarting Prometheus between passes. Sloth's
//! alert rules are backfilled as the `ALERTS` series Prometheus would have written, value 1
//! (promtool does not evaluate alert rules; Sloth's have no `for`, so firing = the expression
//! holds). [`shared`] builds another server the same way from other specs and counters (the
//! grouped SLOs of the dashboard tests).
//! promtool writes blocks of up to 486h instead of 2h ([`MAX_BLOCK`]), which takes the build
//! from 2-5.5 minutes to about 10 seconds. The finished server listens on 127.0.0.1 and
//! stops, and its data goes, when the test process ends ([`super::prom_server`]).
//! [`grouped_fixture`] builds a second, small server the same way for a grouped SLO.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::time::Instant;

use serde_json::{json, Value};
use yaml_rust2::{Yaml, YamlLoader};

use super::prom_model::{
    raw_series, RawSeries, DAY, END, HOUR, MINUTE, PERIOD, RAW_START, REPORT_SINCE, STEP,
};
use super::prom_server::PromServer;
use super::support::{promtool_bin, root};

/// The shared fixture server.
pub struct Fixture {
    pub url: String,
    /// Seconds the build took.
    pub build_secs: f64,
    _server: PromServer,
    _dir: tempfile::TempDir,
}

/// Built once per test run; a failed build is remembered, so every test that needs the
/// server fails at once with its message instead of building it again.
static FIXTURE: OnceLock<Result<Fixture, String>> = OnceLock::new();
static GROUPED: OnceLock<Result<Fixture, String>> = OnceLock::new();

/// What a fixture server holds: raw counters, and the rules of these specs backfilled over
/// them.
pub struct Definition {
    pub series: Vec<RawSeries>,
    pub specs: Vec<PathBuf>,
    /// First raw sample (Unix seconds).
    pub raw_start: i64,
    /// Every rule is backfilled over `[window_start, END]`, the 5m SLI over
    /// `[history_start, END]` (the period rule reads it).
    pub window_start: i64,
    pub history_start: i64,
}

/// The fixture, built on first use. Fails (never skips) when promtool or prometheus is missing.
pub fn fixture() -> &'static Fixture {
    shared(&FIXTURE, "Prometheus fixture", || Definition {
        series: raw_series(),
        specs: vec![
            root().join("slos/tr-web.yaml"),
            root().join("slos/api-gateway.yaml"),
            root().join("tests/fixtures/budget/quiet-batch.yaml"),
        ],
        ..Definition::month()
    })
}

/// A second, small server for grouped SLOs (`tests/fixtures/serve/checkout-grouped.yaml`,
/// an SLI aggregated `by (route)`), with the traffic of [`super::prom_model::grouped_series`]:
/// four days of constant error ratios per route, so every figure is exact whatever the
/// number of samples. Kept apart so the main fixture's SLOs, which the budget tests list
/// whole, stay as they are.
pub fn grouped_fixture() -> &'static Fixture {
    shared(&GROUPED, "grouped Prometheus fixture", || Definition {
        specs: vec![root().join("tests/fixtures/serve/checkout-grouped.yaml")],
        series: super::prom_model::grouped_series(),
        raw_start: END - 4 * DAY,
        window_start: END - DAY,
        history_start: END - 3 * DAY - HOUR,
    })
}

impl Definition {
    /// The main fixture's spans: raw counters from `RAW_START`; every rule over the window
    /// the report, the chart and the alerts need, and the 5m SLI over a period before it
    /// (the 30d period rule reads it). Fill in `series` and `specs`.
    pub fn month() -> Definition {
        let window_start = END - REPORT_SINCE - HOUR;
        Definition {
            series: Vec::new(),
            specs: Vec::new(),
            raw_start: RAW_START,
            window_start,
            history_start: window_start - PERIOD,
        }
    }
}

/// A fixture server kept in `cell` (`name` in messages): built from `definition` on first
/// use, once per test run, with the same steps as [`fixture`].
pub fn shared(
    cell: &'static OnceLock<Result<Fixture, String>>,
    name: &'static str,
    definition: impl FnOnce() -> Definition + std::panic::UnwindSafe,
) -> &'static Fixture {
    let built = cell.get_or_init(|| {
        std::panic::catch_unwind(|| {
            let started = Instant::now();
            let dir = tempfile::tempdir().expect("temp dir");
            let server = build(dir.path(), definition());
            let build_secs = started.elapsed().as_secs_f64();
            eprintln!("{name} built in {build_secs:.1}s at {}", server.url());
            Fixture {
                url: server.url(),
                build_secs,
                _server: server,
                _dir: dir,
            }
        })
        .map_err(|e| {
            e.downcast_ref::<String>()
                .cloned()
                .or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default()
        })
    });
    match built {
        Ok(f) => f,
        Err(e) => panic!("the {name} could not be built: {e}"),
    }
}

/// promtool's hidden `--max-block-duration`: blocks of up to 486h (the largest of
/// Prometheus' block ranges under 31 days) instead of 2h. promtool writes one block per rule
/// and block range, and queries the server once for each, so 2h blocks meant thousands of
/// tiny blocks and queries for a month of history; a few large ones hold the same samples.
const MAX_BLOCK: &str = "--max-block-duration=744h";
/// promtool processes run side by side (the machines running the tests have 2 cores).
const WIDTH: usize = 2;
/// Days of raw samples per OpenMetrics file.
const RAW_CHUNK_DAYS: i64 = 8;

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

/// Writes the raw counters as OpenMetrics, in files of `RAW_CHUNK_DAYS` days that promtool
/// imports side by side (it re-reads its whole input for every block it writes).
fn write_raw_blocks(dir: &Path, data: &Path, series: &[RawSeries], raw_start: i64) {
    let minutes: Vec<i64> = (0..=(END - raw_start) / MINUTE)
        .map(|i| raw_start + i * MINUTE)
        .collect();
    let cumulative: Vec<Vec<f64>> = series
        .iter()
        .map(|s| {
            let mut v = 0.0;
            minutes
                .iter()
                .map(|&t| {
                    if t > raw_start {
                        v += (s.increase)(t);
                    }
                    v
                })
                .collect()
        })
        .collect();
    let mut cmds = Vec::new();
    for (chunk_no, chunk) in minutes
        .chunks((RAW_CHUNK_DAYS * DAY / MINUTE) as usize)
        .enumerate()
    {
        let first = (chunk[0] - raw_start) / MINUTE;
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
        let mut c = Command::new(promtool_bin());
        c.args(["tsdb", "create-blocks-from", "openmetrics", "-q", MAX_BLOCK])
            .arg(&path)
            .arg(data);
        cmds.push(c);
    }
    run_parallel(cmds, WIDTH);
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

/// An alert rule as the recording of the `ALERTS` series Prometheus writes while it fires:
/// value 1, with the rule's labels.
fn as_alerts_recording(rule: &Value) -> Value {
    let mut labels = rule["labels"].as_object().cloned().unwrap_or_default();
    labels.insert("alertname".into(), rule["alert"].clone());
    labels.insert("alertstate".into(), json!("firing"));
    let expr = format!("({}) * 0 + 1", rule["expr"].as_str().unwrap_or_default());
    json!({ "record": "ALERTS", "expr": expr, "labels": labels })
}

/// One promtool rules backfill: rules over `[start, end]`.
struct Job {
    rules: Vec<Value>,
    start: i64,
    end: i64,
}

/// Backfills `jobs` against the server on `data`, then moves the new blocks into `data`.
/// Each job's rules are spread over `WIDTH` rule files (one group each) that promtool
/// evaluates side by side over the job's whole range.
fn backfill_pass(dir: &Path, data: &Path, config: &Path, pass: usize, jobs: Vec<Job>) {
    let out = dir.join(format!("pass{pass}"));
    std::fs::create_dir_all(&out).expect("pass dir");
    {
        let server = PromServer::start(data, config, dir);
        let mut cmds = Vec::new();
        for (j, job) in jobs.iter().enumerate() {
            for part in 0..WIDTH {
                let rules: Vec<&Value> = job.rules.iter().skip(part).step_by(WIDTH).collect();
                if rules.is_empty() {
                    continue;
                }
                let name = format!("pass{pass}-{j}-{part}");
                // Prometheus offsets a group's evaluations by a hash of its name and file
                // path; a path relative to the fixture's directory keeps the sample times,
                // and so every figure, the same from run to run.
                let file = format!("{name}.json");
                let body = json!({ "groups": [{ "name": name, "rules": rules }] });
                std::fs::write(dir.join(&file), body.to_string()).expect("write rules");
                let mut c = Command::new(promtool_bin());
                c.args(["tsdb", "create-blocks-from", "rules", "-q", MAX_BLOCK])
                    .arg(format!("--start={}", job.start))
                    .arg(format!("--end={}", job.end))
                    .arg(format!("--url={}", server.url()))
                    .arg(format!("--output-dir={}", out.display()))
                    .arg(format!("--eval-interval={STEP}s"))
                    .arg(&file)
                    .current_dir(dir);
                cmds.push(c);
            }
        }
        run_parallel(cmds, WIDTH);
    }
    for entry in std::fs::read_dir(&out).expect("read pass dir") {
        let entry = entry.expect("dir entry");
        std::fs::rename(entry.path(), data.join(entry.file_name())).expect("move block");
    }
}

fn record_name(rule: &Value) -> &str {
    rule["record"].as_str().unwrap_or("")
}

fn build(dir: &Path, definition: Definition) -> PromServer {
    let data = dir.join("data");
    std::fs::create_dir_all(&data).expect("data dir");
    let config = dir.join("prometheus.yml");
    std::fs::write(&config, "global:\n  scrape_interval: 1h\n").expect("config");
    let t0 = Instant::now();
    let phase = |name: &str| {
        eprintln!(
            "prometheus fixture: {name} done after {:.1}s",
            t0.elapsed().as_secs_f64()
        )
    };
    write_raw_blocks(dir, &data, &definition.series, definition.raw_start);
    phase("raw blocks");

    let rules: Vec<Value> = definition
        .specs
        .iter()
        .flat_map(|p| generated_rules(p))
        .collect();
    let pick = |f: &dyn Fn(&Value) -> bool| -> Vec<Value> {
        rules.iter().filter(|r| f(r)).cloned().collect()
    };

    let (window_start, history_start) = (definition.window_start, definition.history_start);
    let is_5m = |r: &Value| record_name(r) == "slo:sli_error:ratio_rate5m";
    let pass1 = vec![
        Job {
            rules: pick(&is_5m),
            start: history_start,
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
    phase("rules pass 1");
    backfill_pass(dir, &data, &config, 2, window(pass2));
    phase("rules pass 2");
    backfill_pass(dir, &data, &config, 3, window(pass3));
    phase("rules pass 3");
    backfill_pass(dir, &data, &config, 4, window(pass4));
    phase("rules pass 4");
    PromServer::start(&data, &config, dir)
}
