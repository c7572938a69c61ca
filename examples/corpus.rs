//! Writes a synthetic but realistic corpus of SLO spec files, for benchmarks.
//!
//! ```sh
//! cargo run --release --example corpus -- --slos 10000 --out /tmp/corpus [--single-file] [--seed 1]
//! ```
//!
//! The mix follows what real repositories hold: mostly `prometheus/v1` files, some Kubernetes
//! `PrometheusServiceLevel`s and OpenSLO documents; events, raw and plugin SLIs; 1 to 8 SLOs per
//! file; long queries and many labels; some folders nested three deep. With `--single-file`
//! every SLO goes into one `prometheus/v1` file (one spec document per service). The corpus is
//! deterministic for a seed.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64*: small, fast and good enough to vary a corpus.
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

struct Args {
    slos: usize,
    out: PathBuf,
    single_file: bool,
    seed: u64,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        slos: 1000,
        out: PathBuf::from("corpus"),
        single_file: false,
        seed: 1,
    };
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        let mut value = |name: &str| it.next().ok_or(format!("{name} needs a value"));
        match a.as_str() {
            "--slos" => {
                args.slos = value("--slos")?
                    .parse()
                    .map_err(|e| format!("--slos: {e}"))?
            }
            "--out" => args.out = PathBuf::from(value("--out")?),
            "--seed" => {
                args.seed = value("--seed")?
                    .parse()
                    .map_err(|e| format!("--seed: {e}"))?
            }
            "--single-file" => args.single_file = true,
            other => return Err(format!("unknown argument {other}")),
        }
    }
    Ok(args)
}

fn main() {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(2);
        }
    };
    if let Err(e) = run(&args) {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}

fn run(args: &Args) -> std::io::Result<()> {
    std::fs::create_dir_all(&args.out)?;
    let mut rng = Rng(args.seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    if args.single_file {
        let mut text = String::new();
        let mut written = 0;
        let mut service = 0;
        while written < args.slos {
            let n = (args.slos - written).min(8);
            if !text.is_empty() {
                text.push_str("---\n");
            }
            text.push_str(&prom_v1(&mut rng, service, n));
            written += n;
            service += 1;
        }
        return std::fs::write(args.out.join("slos.yaml"), text);
    }
    let mut written = 0;
    let mut file = 0;
    while written < args.slos {
        let n = ((1 + rng.below(8)) as usize).min(args.slos - written);
        let kind = rng.below(10);
        let (text, n) = match kind {
            0..=6 => (prom_v1(&mut rng, file, n), n),
            7 | 8 => (kubernetes(&mut rng, file, n), n),
            _ => (openslo(&mut rng, file), 1),
        };
        let dir = folder(&args.out, file, &mut rng);
        std::fs::create_dir_all(&dir)?;
        std::fs::write(dir.join(format!("service-{file:06}.yaml")), text)?;
        written += n;
        file += 1;
    }
    Ok(())
}

/// Spreads files over team folders, some nested three deep.
fn folder(root: &Path, file: usize, rng: &mut Rng) -> PathBuf {
    let team = format!("team-{:02}", file % 17);
    match rng.below(4) {
        0 => root.to_path_buf(),
        1 => root.join(team),
        2 => root.join(team).join(format!("area-{}", file % 5)),
        _ => root
            .join(team)
            .join(format!("area-{}", file % 5))
            .join(format!("env-{}", file % 3)),
    }
}

fn labels(rng: &mut Rng, indent: &str, n: u64) -> String {
    let mut s = String::new();
    for i in 0..n {
        let _ = writeln!(s, "{indent}label_{i}: \"value-{}-{i}\"", rng.below(1000));
    }
    s
}

fn long_filter(rng: &mut Rng, service: usize) -> String {
    let mut f = format!("job=\"svc-{service}\",namespace=\"ns-{}\"", rng.below(50));
    for i in 0..rng.below(6) {
        let _ = write!(f, ",dim_{i}!~\"(canary|shadow|test-{})\"", rng.below(100));
    }
    f
}

fn prom_v1(rng: &mut Rng, service: usize, slos: usize) -> String {
    let mut s = format!(
        "version: \"prometheus/v1\"\nservice: \"svc-{service}\"\nlabels:\n  owner: \"team-{}\"\n  tier: \"{}\"\n",
        service % 17,
        1 + rng.below(3)
    );
    let n = rng.below(6);
    s.push_str(&labels(rng, "  ", n));
    s.push_str("slos:\n");
    for i in 0..slos {
        let objective = ["99", "99.5", "99.9", "99.95", "99.99"][rng.below(5) as usize];
        let _ = write!(
            s,
            "  - name: \"slo-{i}\"\n    objective: {objective}\n    description: \"Synthetic SLO {i} of service {service}.\"\n    labels:\n      category: \"cat-{}\"\n",
            rng.below(4)
        );
        let n = rng.below(4);
        s.push_str(&labels(rng, "      ", n));
        let filter = long_filter(rng, service);
        match rng.below(10) {
            0..=5 => {
                let _ = write!(
                    s,
                    "    sli:\n      events:\n        error_query: sum(rate(http_requests_total{{{filter},code=~\"(5..|429)\"}}[{{{{.window}}}}])) by (job)\n        total_query: sum(rate(http_requests_total{{{filter}}}[{{{{.window}}}}])) by (job)\n"
                );
            }
            6..=8 => {
                let _ = write!(
                    s,
                    "    sli:\n      raw:\n        error_ratio_query: |\n          sum(rate(grpc_server_handled_total{{{filter},grpc_code!=\"OK\"}}[{{{{.window}}}}]))\n          /\n          sum(rate(grpc_server_handled_total{{{filter}}}[{{{{.window}}}}]))\n"
                );
            }
            _ => {
                let _ = write!(
                    s,
                    "    sli:\n      plugin:\n        id: \"sloth-common/coredns/availability\"\n        options:\n          filter: 'job=\"dns-{service}\"'\n"
                );
            }
        }
        if rng.below(5) == 0 {
            s.push_str("    alerting:\n      page_alert:\n        disable: true\n      ticket_alert:\n        disable: true\n");
        } else {
            let _ = write!(
                s,
                "    alerting:\n      name: Svc{service}Slo{i}Burn\n      labels:\n        category: \"availability\"\n      annotations:\n        runbook: \"https://runbooks.example.com/svc-{service}/slo-{i}\"\n      page_alert:\n        labels:\n          severity: critical\n      ticket_alert:\n        labels:\n          severity: warning\n"
            );
        }
    }
    s
}

fn kubernetes(rng: &mut Rng, service: usize, slos: usize) -> String {
    let mut s = format!(
        "apiVersion: sloth.slok.dev/v1\nkind: PrometheusServiceLevel\nmetadata:\n  name: svc-{service}\n  namespace: monitoring\nspec:\n  service: \"svc-{service}\"\n  labels:\n    owner: \"team-{}\"\n  slos:\n",
        service % 17
    );
    for i in 0..slos {
        let filter = long_filter(rng, service);
        let _ = write!(
            s,
            "    - name: \"slo-{i}\"\n      objective: 99.9\n      sli:\n        events:\n          errorQuery: sum(rate(http_requests_total{{{filter},code=~\"5..\"}}[{{{{.window}}}}]))\n          totalQuery: sum(rate(http_requests_total{{{filter}}}[{{{{.window}}}}]))\n      alerting:\n        name: Svc{service}Slo{i}\n        pageAlert:\n          labels:\n            severity: critical\n        ticketAlert:\n          labels:\n            severity: warning\n"
        );
    }
    s
}

fn openslo(rng: &mut Rng, service: usize) -> String {
    let filter = long_filter(rng, service);
    format!(
        "apiVersion: openslo/v1alpha\nkind: SLO\nmetadata:\n  name: slo-{service}\n  displayName: Synthetic\nspec:\n  service: svc-{service}\n  description: Synthetic OpenSLO SLO.\n  budgetingMethod: Occurrences\n  objectives:\n    - ratioMetrics:\n        good:\n          source: prometheus\n          queryType: promql\n          query: sum(rate(http_requests_total{{{filter},code!~\"5..\"}}[{{{{.window}}}}]))\n        total:\n          source: prometheus\n          queryType: promql\n          query: sum(rate(http_requests_total{{{filter}}}[{{{{.window}}}}]))\n      target: 0.999\n  timeWindows:\n    - count: 30\n      unit: Day\n"
    )
}
