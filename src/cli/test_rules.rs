//! `slogen test-rules SPEC -o DIR`: promtool unit-test files that prove each SLO's rules.
//!
//! Writes each SLO's rules (Prometheus format, Kubernetes input included) and its test files
//! (recording rules, page alert, ticket alert) next to them, so `promtool test rules
//! DIR/*.test.yml` runs as is. An SLO whose SLI cannot be synthesized is reported and makes
//! the command fail; the other SLOs' files are still written.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::Args;

use super::args::GenFlags;
use super::fsio::write_atomic;
use super::generate::{read_spec, report};
use crate::emit;
use crate::prove::plan_file;
use crate::prove::testgen::{slo_tests, RulesRef};

/// Options of `slogen test-rules`.
#[derive(Debug, Clone, Args)]
pub struct TestRulesArgs {
    /// Spec file whose SLOs to test.
    #[arg(value_name = "SPEC")]
    pub spec: PathBuf,
    /// Folder for the rules and test files (created if missing).
    #[arg(short = 'o', long = "out", value_name = "DIR")]
    pub out: PathBuf,
    #[command(flatten)]
    pub gen: GenFlags,
}

/// Runs `test-rules`.
pub fn run(args: TestRulesArgs) -> anyhow::Result<ExitCode> {
    let generator = args.gen.generator()?;
    let text = read_spec(&args.spec)?;
    let planned = match plan_file(&generator, &text) {
        Ok(p) => p,
        Err(problems) => return Ok(report(&args.spec, &problems)),
    };
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("creating folder {}", args.out.display()))?;
    let mut written = 0;
    let mut failures = Vec::new();
    for (group, plan) in &planned {
        for (slo, (_, rules)) in group.slos.iter().zip(&plan.slos) {
            // Each SLO gets its own rules file, so promtool evaluates only that SLO's rules.
            let rules_file = format!("{}.rules.yml", slo.id);
            let mut own = plan.clone();
            own.slos = vec![(slo.id.clone(), rules.clone())];
            let rules_text =
                emit::prometheus::document(&own).context("writing the rules for the tests")?;
            // exact_ratio's step group is read by the SLI group: evaluate it first, as it
            // would have been evaluated by then in a running Prometheus.
            let mut order: Vec<String> = rules.groups().map(|g| g.name.clone()).collect();
            order.sort_by_key(|g| {
                !g.starts_with(crate::plan::plugins::slogen::exact_ratio::GROUP_PREFIX)
            });
            let rules_ref = RulesRef {
                file: &rules_file,
                group_order: &order,
            };
            match slo_tests(slo, rules, rules_ref) {
                Ok(files) => {
                    write_atomic(&args.out.join(&rules_file), rules_text.as_bytes())?;
                    for f in files {
                        write_atomic(&args.out.join(&f.name), f.text.as_bytes())?;
                        written += 1;
                    }
                }
                Err(e) => failures.push(e),
            }
        }
    }
    let mut err = std::io::stderr().lock();
    for f in &failures {
        let _ = writeln!(err, "error: {}: {f}", args.spec.display());
    }
    let mut out = std::io::stdout().lock();
    let _ = writeln!(
        out,
        "wrote {written} test file(s) to {}; run them with: promtool test rules {}/*.test.yml",
        args.out.display(),
        args.out.display()
    );
    Ok(if failures.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
