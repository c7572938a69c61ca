//! End to end on a real VictoriaMetrics (Debian `victoria-metrics` 1.79.5), no mocks:
//!
//! 1. `victoria-metrics` starts on 127.0.0.1; the budget fixture's month of synthetic counters
//!    ([`super::prom_model`], the same traffic the Prometheus fixture holds) is imported
//!    through `/api/v1/import/prometheus` with millisecond timestamps.
//! 2. slogen's `--target vmalert` rules for the fixture's specs are evaluated into it with
//!    vmalert's replay mode (`-replay.timeFrom/-replay.timeTo`, remote write back to the same
//!    server), level after level: a rule is replayed after every rule whose recording it reads
//!    (vmalert's writes become searchable only after a flush, so a rule cannot read the
//!    output of another replayed in the same run).
//! 3. `budget`, `gate` and `report` run against it with `--engine victoriametrics`, and their
//!    figures are compared with the same commands against the Prometheus fixture.
//!
//! Tolerance. VictoriaMetrics' `rate()` does not extrapolate: it takes the increase from the
//! last sample before the window to the last one in it, where Prometheus extrapolates the
//! first-to-last increase inside the window to its edges. On these counters (a constant rate
//! per minute, with incidents that start and end on whole minutes) both give the same rate for
//! every window that does not straddle an incident edge; a 5m window that does can differ by
//! one minute's errors. The period budget averages 8,640 such 5m ratios, and at most two per
//! incident edge differ, so the remaining budget moves by a few hundredths of a percentage
//! point. Evaluation timestamps differ more: vmalert replays on a 5m grid aligned to the
//! epoch, Prometheus' backfill evaluates each group at an offset hashed from its name, so the
//! recordings read at END can be up to a few minutes apart. api-gateway's incident is still
//! going at END and burns 45% of its budget in 2 hours, about 0.4 percentage points a minute
//! (measured: 54.56% on VictoriaMetrics, 54.95% on Prometheus). Allowed: 1 percentage point
//! of budget left (and of the report's budget consumed), 2% of a burn rate, 0.05 percentage
//! points of the report's SLI, and the same gate verdicts, policy levels and fired alerts.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde::Deserialize;
use serde_json::Value;

use super::budget_failures::run;
use super::engines_generate::which;
use super::prom_fixture::fixture;
use super::prom_model::{raw_series, DAY, END, HOUR, MINUTE, PERIOD, RAW_START, REPORT_SINCE};
use super::support::{root, server_port, slogen, text};

/// A running `victoria-metrics`, stopped by its PID when dropped (also when a test fails).
struct VmServer {
    child: Child,
    port: u16,
    _dir: tempfile::TempDir,
}

impl Drop for VmServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl VmServer {
    fn start() -> VmServer {
        let bin = which("victoria-metrics").expect(
            "victoria-metrics not found on PATH: install Debian's `victoria-metrics` package (./scripts/test does it)",
        );
        let dir = tempfile::tempdir().unwrap();
        let port = server_port();
        let child = Command::new(bin)
            .arg(format!(
                "-storageDataPath={}",
                dir.path().join("data").display()
            ))
            .arg(format!("-httpListenAddr=127.0.0.1:{port}"))
            .arg("-retentionPeriod=100y")
            // Replays read what the previous level wrote: no cached query results.
            .arg("-search.disableCache")
            .arg("-loggerLevel=ERROR")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("victoria-metrics starts");
        let server = VmServer {
            child,
            port,
            _dir: dir,
        };
        let deadline = Instant::now() + Duration::from_secs(60);
        while Instant::now() < deadline {
            if ureq::get(format!("{}/health", server.url())).call().is_ok() {
                return server;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!("victoria-metrics did not answer /health within 60s");
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    fn flush(&self) {
        ureq::get(format!("{}/internal/force_flush", self.url()))
            .call()
            .expect("force_flush");
    }
}

/// The fixture's raw counters, cumulative per minute, in the Prometheus text format with
/// millisecond timestamps, posted a few days at a time.
fn import(vm: &VmServer) {
    let series = raw_series();
    let minutes: Vec<i64> = (0..=(END - RAW_START) / MINUTE)
        .map(|i| RAW_START + i * MINUTE)
        .collect();
    let mut totals = vec![0.0f64; series.len()];
    for chunk in minutes.chunks((4 * DAY / MINUTE) as usize) {
        let mut body = String::new();
        for &t in chunk {
            for (s, total) in series.iter().zip(totals.iter_mut()) {
                if t > RAW_START {
                    *total += (s.increase)(t);
                }
                let labels: Vec<String> = s
                    .labels
                    .iter()
                    .map(|(k, v)| format!("{k}=\"{v}\""))
                    .collect();
                body.push_str(&format!(
                    "{}{{{}}} {} {}\n",
                    s.name,
                    labels.join(","),
                    total,
                    t * 1000
                ));
            }
        }
        ureq::post(format!("{}/api/v1/import/prometheus", vm.url()))
            .send(body.as_bytes())
            .expect("import");
    }
    vm.flush();
}

/// Every rule of the specs' `--target vmalert` output, with its group-level nothing (Sloth's
/// groups set no interval).
fn vmalert_rules(specs: &[PathBuf]) -> Vec<serde_norway::Value> {
    let mut rules = Vec::new();
    for spec in specs {
        let out = slogen(
            &root(),
            &[
                "generate",
                "-i",
                spec.to_str().unwrap(),
                "--target",
                "vmalert",
            ],
        );
        assert!(out.status.success(), "{}", text(&out.stderr));
        let doc = serde_norway::Value::deserialize(
            serde_norway::Deserializer::from_str(&text(&out.stdout))
                .next()
                .unwrap(),
        )
        .unwrap();
        for g in doc["groups"].as_sequence().unwrap() {
            rules.extend(g["rules"].as_sequence().unwrap().iter().cloned());
        }
    }
    rules
}

fn record(r: &serde_norway::Value) -> &str {
    r.get("record").and_then(|v| v.as_str()).unwrap_or("")
}

/// Replay levels: a rule's level is one more than that of any rule whose recording it reads.
fn levels(rules: &[serde_norway::Value]) -> Vec<Vec<serde_norway::Value>> {
    let names: Vec<String> = rules.iter().map(|r| record(r).to_string()).collect();
    let mut level = vec![0usize; rules.len()];
    for _ in 0..rules.len() {
        let mut changed = false;
        for (i, r) in rules.iter().enumerate() {
            let expr = r["expr"].as_str().unwrap();
            for (j, n) in names.iter().enumerate() {
                if i != j && !n.is_empty() && reads(expr, n) && level[i] <= level[j] {
                    level[i] = level[j] + 1;
                    changed = true;
                }
            }
        }
        if !changed {
            break;
        }
    }
    let top = level.iter().copied().max().unwrap_or(0);
    (0..=top)
        .map(|l| {
            rules
                .iter()
                .zip(&level)
                .filter(|(_, &lv)| lv == l)
                .map(|(r, _)| r.clone())
                .collect()
        })
        .collect()
}

/// True when `expr` reads the series `name` (not just a longer name starting with it).
fn reads(expr: &str, name: &str) -> bool {
    expr.match_indices(name).any(|(at, _)| {
        let next = expr[at + name.len()..].chars().next();
        !next.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':')
    })
}

/// Replays `rules` (each its own group) over `[from, to]` into `vm`, then flushes.
fn replay(vm: &VmServer, dir: &Path, n: usize, rules: &[serde_norway::Value], from: i64, to: i64) {
    if rules.is_empty() {
        return;
    }
    let groups: Vec<serde_norway::Value> = rules
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let mut g = serde_norway::Mapping::new();
            g.insert("name".into(), format!("level{n}-rule{i}").into());
            g.insert(
                "rules".into(),
                serde_norway::Value::Sequence(vec![r.clone()]),
            );
            serde_norway::Value::Mapping(g)
        })
        .collect();
    let mut file = serde_norway::Mapping::new();
    file.insert("groups".into(), serde_norway::Value::Sequence(groups));
    let path = dir.join(format!("replay-{n}-{from}.yml"));
    std::fs::write(&path, serde_norway::to_string(&file).unwrap()).unwrap();
    let out = Command::new(which("vmalert").expect("vmalert on PATH"))
        .arg(format!("-rule={}", path.display()))
        .arg(format!("-datasource.url={}", vm.url()))
        .arg(format!("-remoteWrite.url={}", vm.url()))
        .arg(format!(
            "-replay.timeFrom={}",
            slogen::timefmt::rfc3339(from as f64)
        ))
        .arg(format!(
            "-replay.timeTo={}",
            slogen::timefmt::rfc3339(to as f64)
        ))
        .arg("-evaluationInterval=5m")
        .arg("-replay.disableProgressBar")
        .arg("-loggerLevel=ERROR")
        .output()
        .expect("vmalert runs");
    assert!(
        out.status.success(),
        "vmalert replay failed: {}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    vm.flush();
}

/// The fixture's SLOs, evaluated into a fresh VictoriaMetrics.
fn build() -> VmServer {
    let vm = VmServer::start();
    import(&vm);
    let specs = [
        root().join("slos/tr-web.yaml"),
        root().join("slos/api-gateway.yaml"),
        root().join("tests/fixtures/budget/quiet-batch.yaml"),
    ];
    let dir = tempfile::tempdir().unwrap();
    // The report's window, and the 5m history the period rule reads over it.
    let window_start = END - REPORT_SINCE - HOUR;
    let history_start = window_start - PERIOD;
    for (n, level) in levels(&vmalert_rules(&specs)).into_iter().enumerate() {
        let (history, rest): (Vec<_>, Vec<_>) = level
            .into_iter()
            .partition(|r| record(r) == "slo:sli_error:ratio_rate5m");
        replay(&vm, dir.path(), n, &history, history_start, END);
        replay(&vm, dir.path(), n, &rest, window_start, END);
    }
    vm
}

fn json(args: &[&str]) -> Value {
    let r = run(args);
    assert!(r.code == 0, "{args:?}: {}{}", r.stdout, r.stderr);
    serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("{args:?}: {e}: {}", r.stdout))
}

fn by_id(v: &Value) -> std::collections::BTreeMap<String, Value> {
    v["slos"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["id"].as_str().unwrap().to_string(), s.clone()))
        .collect()
}

fn close(a: &Value, b: &Value, abs: f64, rel: f64, what: &str) {
    match (a.as_f64(), b.as_f64()) {
        (Some(x), Some(y)) => assert!(
            (x - y).abs() <= abs + rel * y.abs(),
            "{what}: VictoriaMetrics {x} vs Prometheus {y}"
        ),
        _ => assert_eq!(a, b, "{what}"),
    }
}

fn args(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

#[test]
fn budget_gate_and_report_on_victoriametrics_agree_with_prometheus() {
    let started = Instant::now();
    let vm = build();
    eprintln!(
        "victoria-metrics fixture built in {:.1}s",
        started.elapsed().as_secs_f64()
    );
    let prom = fixture();
    let at = END.to_string();
    let vm_url = vm.url();

    // budget
    let on = |url: &str, engine: &str, cmd: &[&str]| -> Vec<String> {
        let mut v: Vec<String> = cmd.iter().map(|s| s.to_string()).collect();
        v.extend(["--prometheus-url", url, "--engine", engine, "--time", &at].map(String::from));
        v
    };
    let vmb = json(&args(&on(
        &vm_url,
        "victoriametrics",
        &["budget", "--format", "json"],
    )));
    let pb = json(&args(&on(
        &prom.url,
        "prometheus",
        &["budget", "--format", "json"],
    )));
    let (vmb, pb) = (by_id(&vmb), by_id(&pb));
    assert_eq!(
        vmb.keys().collect::<Vec<_>>(),
        pb.keys().collect::<Vec<_>>()
    );
    assert!(vmb.len() >= 3, "{vmb:?}");
    for (id, p) in &pb {
        let v = &vmb[id];
        // The names of the shared JSON (docs/cli.md): a renamed field must not compare null
        // with null.
        assert!(p["objective_ratio"].as_f64().is_some(), "{id}: {p}");
        eprintln!(
            "{id}: budget VM {} / Prometheus {}; burn VM {} / Prometheus {}",
            v["budget_remaining_ratio"],
            p["budget_remaining_ratio"],
            v["burn_rate"],
            p["burn_rate"]
        );
        close(
            &v["objective_ratio"],
            &p["objective_ratio"],
            1e-9,
            0.0,
            &format!("{id} objective"),
        );
        close(
            &v["budget_remaining_ratio"],
            &p["budget_remaining_ratio"],
            0.01,
            0.0,
            &format!("{id} budget"),
        );
        close(
            &v["burn_rate"],
            &p["burn_rate"],
            0.0,
            0.02,
            &format!("{id} burn rate"),
        );
        assert_eq!(v["policy_level"], p["policy_level"], "{id}");
    }

    // serve on the same engine shows budget's figures, field for field (one read model).
    let specs = super::serve::spec_dir(&[
        "slos/tr-web.yaml",
        "slos/api-gateway.yaml",
        "tests/fixtures/budget/quiet-batch.yaml",
    ]);
    let serve = super::serve::Serve::start(
        &[
            "-i",
            specs.path().to_str().unwrap(),
            "--prometheus-url",
            &vm_url,
            "--engine",
            "victoriametrics",
            "--time",
            &at,
        ],
        &[],
    );
    let api = serve.json("/api/v1/slos");
    assert_eq!(api["prometheus"]["error"], Value::Null, "{api}");
    assert_eq!(api["prometheus"]["partial"], false);
    let served = by_id(&api);
    for (id, b) in &vmb {
        for (k, v) in b.as_object().unwrap() {
            assert_eq!(&served[id][k], v, "serve on VictoriaMetrics: {id} {k}");
        }
    }
    for path in ["/", "/slo/api-gateway-requests-availability"] {
        let (status, html) = serve.get(path);
        assert_eq!(status, 200, "{path}");
        assert!(!html.contains("id=\"prometheus-banner\""), "{path}");
    }
    drop(serve);

    // gate: the same verdict for each service.
    for service in ["tr-web", "api-gateway"] {
        let g = |url: &str, engine: &str| {
            let r = run(&args(&on(url, engine, &["gate", "--service", service])));
            (r.code, r.stdout.split(':').next().unwrap_or("").to_string())
        };
        assert_eq!(
            g(&vm_url, "victoriametrics"),
            g(&prom.url, "prometheus"),
            "{service}"
        );
    }

    // report over the fixture's report window.
    let since = format!("{}s", REPORT_SINCE);
    let vr = json(&args(&on(
        &vm_url,
        "victoriametrics",
        &["report", "--format", "json", "--since", &since],
    )));
    let pr = json(&args(&on(
        &prom.url,
        "prometheus",
        &["report", "--format", "json", "--since", &since],
    )));
    let key = |r: &Value| -> std::collections::BTreeMap<String, Value> {
        r["slos"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| (s["status"]["id"].as_str().unwrap().to_string(), s.clone()))
            .collect()
    };
    let (vr, pr) = (key(&vr), key(&pr));
    assert_eq!(vr.keys().collect::<Vec<_>>(), pr.keys().collect::<Vec<_>>());
    for (id, p) in &pr {
        let v = &vr[id];
        eprintln!(
            "{id}: report sli VM {} / Prometheus {}; consumed VM {} / Prometheus {}",
            v["sli"], p["sli"], v["budget_consumed"], p["budget_consumed"]
        );
        close(&v["sli"], &p["sli"], 0.0005, 0.0, &format!("{id} sli"));
        close(
            &v["budget_consumed"],
            &p["budget_consumed"],
            0.01,
            0.0,
            &format!("{id} budget consumed"),
        );
        let firings = |r: &Value| {
            r["alert_firings"]
                .as_array()
                .unwrap()
                .iter()
                .map(|a| a["name"].as_str().unwrap().to_string())
                .collect::<std::collections::BTreeSet<_>>()
        };
        assert_eq!(firings(v), firings(p), "{id}: alerts that fired");
    }

    // A misspelt function: vmalert -dryRun parses it (engines_generate.rs), the server
    // refuses it when evaluating, with VictoriaMetrics' 422 shape, as slogen reports it.
    let client = slogen::prom::Client::new(slogen::prom::ClientOptions {
        engine: slogen::prom::Engine::VictoriaMetrics,
        ..slogen::prom::ClientOptions::new(vm_url.clone())
    })
    .unwrap();
    let err = client
        .query("histogram_shar(0.3, http_requests_total)", Some(END as f64))
        .unwrap_err();
    assert!(
        err.to_string()
            .starts_with("Prometheus rejected the query (422): ")
            && err.to_string().contains("unknown func \"histogram_shar\""),
        "{err}"
    );
    drop(vm);
}
