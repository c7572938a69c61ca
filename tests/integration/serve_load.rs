//! The load figures of `slogen serve` for the benchmark table: rounds of 200 concurrent
//! requests on loopback against the real Prometheus fixture, bounded in count (20 rounds per
//! configuration) and in time (each request gives up after 30 s). `scripts/bench` runs it
//! (`cargo test --release --test integration serve_load_bench -- --ignored --nocapture`) and
//! prints its `serve-bench:` lines; it asserts only that every request succeeds. Timings are
//! reported as ratios to `/healthz` measured in the same run, memory as the server's resident
//! size after the first, the middle and the last round (flat: the second half adds nothing).

use std::time::Instant;

use super::prom_fixture::fixture;
use super::serve::{end, spec_dir, Serve, MAIN_SPECS};

const CLIENTS: usize = 200;
/// Rounds per configuration (`SLOGEN_SERVE_BENCH_ROUNDS` overrides).
fn rounds() -> usize {
    std::env::var("SLOGEN_SERVE_BENCH_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20)
}

const PATHS: [&str; 4] = [
    "/",
    "/api/v1/slos",
    "/slo/tr-web-requests-availability",
    "/api/v1/slos/api-gateway-requests-availability",
];

/// One round: `CLIENTS` requests at once, cycling through `paths`; the wall time and each
/// request's latency (seconds).
fn round(serve: &Serve, paths: &[&str]) -> (f64, Vec<f64>) {
    let started = Instant::now();
    let latencies: Vec<f64> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..CLIENTS)
            .map(|i| {
                let path = paths[i % paths.len()];
                s.spawn(move || {
                    let t = Instant::now();
                    let (status, body) = serve.get(path);
                    assert!(status == 200 && !body.is_empty(), "{path}: {status}");
                    t.elapsed().as_secs_f64()
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("a client"))
            .collect()
    });
    (started.elapsed().as_secs_f64(), latencies)
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// Runs the rounds against a server started with `cache_ttl`; prints its figures.
fn measure(label: &str, cache_ttl: &str, healthz_wall: f64) {
    let specs = spec_dir(&MAIN_SPECS);
    let serve = Serve::start(
        &[
            "-i",
            specs.path().to_str().unwrap(),
            "--prometheus-url",
            &fixture().url,
            "--time",
            &end(),
            "--cache-ttl",
            cache_ttl,
        ],
        &[],
    );
    // Warm up: the first read of every page.
    let cold = Instant::now();
    for p in PATHS {
        assert_eq!(serve.get(p).0, 200);
    }
    let cold = cold.elapsed().as_secs_f64();
    let rounds = rounds();
    let mut walls = Vec::new();
    let mut all = Vec::new();
    let mut rss = Vec::new();
    let mut slowest = Vec::new();
    for _ in 0..rounds {
        let (wall, lat) = round(&serve, &PATHS);
        walls.push(wall);
        slowest.push(lat.iter().copied().fold(0.0, f64::max));
        all.extend(lat);
        rss.push(serve.rss_kib());
    }
    all.sort_by(f64::total_cmp);
    let wall = median(&mut walls);
    let mib = |k: u64| k as f64 / 1024.0;
    let (first, half, last) = (rss[0], rss[rounds / 2 - 1], rss[rounds - 1]);
    let reads = serve.metric("slogen_serve_prometheus_reads_total{kind=\"overview\"}")
        + serve.metric("slogen_serve_prometheus_reads_total{kind=\"slo\"}");
    println!(
        "serve-bench: {label}: {CLIENTS} concurrent requests x {rounds} rounds, median round {wall:.3}s \
         ({:.1}x /healthz's {healthz_wall:.3}s), latency p50 {:.1}ms p99 {:.1}ms max {:.1}ms, \
         first reads of the 4 pages {cold:.3}s, Prometheus reads {reads}, \
         RSS {:.1} MiB after round 1, {:.1} MiB after round {}, {:.1} MiB after round {rounds} \
         (second half {:+.1}%)",
        wall / healthz_wall,
        percentile(&all, 0.5) * 1000.0,
        percentile(&all, 0.99) * 1000.0,
        all.last().copied().unwrap_or(0.0) * 1000.0,
        mib(first),
        mib(half),
        rounds / 2,
        mib(last),
        (last as f64 / half.max(1) as f64 - 1.0) * 100.0,
    );
    eprintln!(
        "slowest request per round (ms): {:?}",
        slowest
            .iter()
            .map(|s| (s * 1000.0).round())
            .collect::<Vec<_>>()
    );
}

#[test]
#[ignore = "a benchmark: scripts/bench runs it"]
fn serve_load_bench() {
    let specs = spec_dir(&MAIN_SPECS);
    let baseline = Serve::start(
        &[
            "-i",
            specs.path().to_str().unwrap(),
            "--prometheus-url",
            &fixture().url,
            "--time",
            &end(),
        ],
        &[],
    );
    let mut healthz: Vec<f64> = (0..rounds())
        .map(|_| round(&baseline, &["/healthz"]).0)
        .collect();
    let healthz_wall = median(&mut healthz);
    drop(baseline);
    measure("cached (--cache-ttl 60s)", "60s", healthz_wall);
    measure("uncached (--cache-ttl 0s)", "0s", healthz_wall);
}
