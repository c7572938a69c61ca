//! Synthetic history for `scripts/bench --rules-eval`: an estate of SLOs with 50 counter series
//! each over 31 days, as OpenMetrics files cut into 2-hour chunks (promtool's
//! `tsdb create-blocks-from openmetrics` re-reads its whole input for every 2-hour block, so
//! one file per block keeps the import linear).
//!
//! Traffic per SLO follows the time of day (1.75× at noon, 0.25× at midnight) and errors are
//! three times likelier at night than at noon, with a 2-hour 5% incident per SLO: the case
//! where a mean of 5-minute ratios drifts from the ratio of sums. Series: 10 instances × codes
//! 200, 201, 404 (good) and 500, 503 (errors) of `http_requests_total{service, instance, code}`,
//! scraped every `--scrape` seconds.
//!
//! The recording-rule history the two rule sets read is written too, computed from the same
//! traffic, as Prometheus would have recorded it: Sloth's `slo:sli_error:ratio_rate5m` every
//! minute, and exact_ratio's `slo:sli_error_events:rate5m`/`slo:sli_total_events:rate5m` every
//! 5 minutes (backfilling 100 SLOs' rules with promtool would take hours).
//!
//! usage: rules_eval_data --slos 100 --days 31 --end UNIX_SECONDS --scrape 120 --out DIR

use std::fmt::Write as _;
use std::io::Write as _;

const CODES: [(&str, bool, f64); 5] = [
    ("200", false, 0.8),
    ("201", false, 0.1),
    ("404", false, 0.1),
    ("500", true, 0.7),
    ("503", true, 0.3),
];
const INSTANCES: usize = 10;

fn arg(args: &[String], name: &str, default: &str) -> String {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
        .unwrap_or_else(|| default.to_string())
}

/// Requests per second and error ratio of SLO `s` at time `t` (seconds).
fn traffic(s: usize, t: f64, start: f64) -> (f64, f64) {
    let day = 86_400.0;
    let phase = ((t - 6.0 * 3600.0) / day) * std::f64::consts::TAU;
    let d = 1.0 + 0.75 * phase.sin();
    let rps = (5.0 + (s % 10) as f64 * 20.0) * d;
    let base = 0.0005 * (1 + s % 5) as f64;
    let mut e = base * (2.5 - d) / 1.5;
    let incident = start + ((10 + s % 20) as f64) * day + (s % 24) as f64 * 3600.0;
    if t >= incident && t < incident + 7200.0 {
        e = 0.05;
    }
    (rps, e)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let slos: usize = arg(&args, "--slos", "100").parse().expect("--slos");
    let days: u64 = arg(&args, "--days", "31").parse().expect("--days");
    let end: u64 = arg(&args, "--end", "0").parse().expect("--end");
    let scrape: u64 = arg(&args, "--scrape", "120").parse().expect("--scrape");
    let out = std::path::PathBuf::from(arg(&args, "--out", "rules-eval-data"));
    std::fs::create_dir_all(&out).expect("out dir");
    let end = end - end % 7200;
    let start = end - days * 86_400;
    let minutes = ((end - start) / 60) as usize;
    // Per SLO, per minute: (good, errors) in that minute, integrated at 10 s.
    let mut per_min: Vec<Vec<(f64, f64)>> = Vec::with_capacity(slos);
    for s in 0..slos {
        let mut v = Vec::with_capacity(minutes);
        for m in 0..minutes {
            let (mut g, mut b) = (0.0, 0.0);
            for k in 0..6 {
                let t = (start + m as u64 * 60) as f64 + k as f64 * 10.0 + 5.0;
                let (rps, e) = traffic(s, t, start as f64);
                g += rps * (1.0 - e) * 10.0;
                b += rps * e * 10.0;
            }
            v.push((g, b));
        }
        per_min.push(v);
    }
    let service = |s: usize| format!("svc-s{s:03}");
    let sloth = |s: usize| {
        format!(
            "sloth_id=\"{}-requests-availability\",sloth_service=\"{}\",sloth_slo=\"requests-availability\",sloth_window=\"5m\"",
            service(s),
            service(s)
        )
    };
    let chunk = 7200u64;
    let mut totals = vec![0.0f64; slos * INSTANCES * CODES.len()];
    let mut t = start;
    let mut minute = 0usize;
    let mut files = 0;
    while t < end {
        let mut raw = String::with_capacity(32 << 20);
        let mut rec = String::new();
        let mut tiles = (String::new(), String::new());
        let chunk_end = t + chunk;
        // Counters: advance minute by minute; print at scrape times.
        let mut lines: Vec<String> = vec![String::new(); totals.len()];
        let mut m = minute;
        let mut ts = t;
        while ts < chunk_end {
            // At ts the counters hold everything before ts: print them, then the recordings
            // of the 5 minutes before ts, then advance one minute.
            if (ts - start).is_multiple_of(scrape) {
                for s in 0..slos {
                    for i in 0..INSTANCES {
                        for (c, (code, _, _)) in CODES.iter().enumerate() {
                            let k = (s * INSTANCES + i) * CODES.len() + c;
                            let _ = writeln!(
                                lines[k],
                                "http_requests_total{{service=\"{}\",instance=\"i{i}\",code=\"{code}\"}} {:.3} {ts}",
                                service(s),
                                totals[k]
                            );
                        }
                    }
                }
            }
            if m >= 5 {
                for (s, slo_min) in per_min.iter().enumerate() {
                    let (g, b) = slo_min[m - 5..m]
                        .iter()
                        .fold((0.0, 0.0), |a, x| (a.0 + x.0, a.1 + x.1));
                    let _ = writeln!(
                        rec,
                        "slo:sli_error:ratio_rate5m{{{}}} {} {ts}",
                        sloth(s),
                        b / (g + b)
                    );
                    if (ts - start).is_multiple_of(300) {
                        let _ = writeln!(
                            tiles.0,
                            "slo:sli_error_events:rate5m{{{}}} {} {ts}",
                            sloth(s),
                            b / 300.0
                        );
                        let _ = writeln!(
                            tiles.1,
                            "slo:sli_total_events:rate5m{{{}}} {} {ts}",
                            sloth(s),
                            (g + b) / 300.0
                        );
                    }
                }
            }
            for (s, slo_min) in per_min.iter().enumerate() {
                let (g, b) = slo_min[m];
                for i in 0..INSTANCES {
                    for (c, (_, err, share)) in CODES.iter().enumerate() {
                        let k = (s * INSTANCES + i) * CODES.len() + c;
                        totals[k] += if *err { b } else { g } * share / INSTANCES as f64;
                    }
                }
            }
            ts += 60;
            m += 1;
        }
        for l in &lines {
            raw.push_str(l);
        }
        raw.push_str(&rec);
        raw.push_str(&tiles.0);
        raw.push_str(&tiles.1);
        raw.push_str("# EOF\n");
        let path = out.join(format!("chunk-{files:04}.om"));
        std::fs::File::create(&path)
            .and_then(|mut f| f.write_all(raw.as_bytes()))
            .expect("write chunk");
        files += 1;
        minute = m;
        t = chunk_end;
    }
    println!(
        "{files} chunks, {} series, start {start}, end {end}",
        totals.len() + 3 * slos
    );
}
