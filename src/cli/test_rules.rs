//! `slogen test-rules [-i PATH]... -o DIR`: promtool unit-test files that prove each SLO's rules.
//!
//! Writes each SLO's rules (Prometheus format, Kubernetes input included) and its test files
//! (recording rules, page alert, ticket alert) into DIR, so `promtool test rules
//! DIR/*.test.yml` runs as is. Inputs are spec files or folders. An SLO whose SLI cannot be
//! synthesized is reported and makes the command fail; the other SLOs' files are still written.
//! Two SLOs with one ID (their files would collide) are refused before anything is written.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context};
use clap::Args;

use super::args::GenFlags;
use super::format::{eprint_error, write_stdout};
use super::fsio::write_atomic;
use super::generate::{read_spec, report};
use super::input::SpecInput;
use crate::emit;
use crate::prove::plan_file;
use crate::prove::testgen::{slo_tests, RulesRef};

/// Options of `slogen test-rules`.
#[derive(Debug, Clone, Args)]
pub struct TestRulesArgs {
    #[command(flatten)]
    pub input: SpecInput,
    /// Folder for the rules and test files (created if missing).
    #[arg(short = 'o', long = "out", value_name = "DIR")]
    pub out: PathBuf,
    #[command(flatten)]
    pub gen: GenFlags,
}

/// Runs `test-rules`.
pub fn run(args: TestRulesArgs) -> anyhow::Result<ExitCode> {
    let generator = args.gen.generator()?;
    let found = args.input.find()?;
    let mut failed = !found.problems.is_empty();
    for p in &found.problems {
        eprint_error(p);
    }
    if found.files.is_empty() && !failed {
        bail!(
            "no spec files (.yml, .yaml) found in {}",
            args.input.describe()
        );
    }
    // Every SLO's planned files first, so an ID clash is found before anything is written.
    let mut planned_files: Vec<(PathBuf, Vec<(String, String)>)> = Vec::new();
    let mut owners: BTreeMap<String, PathBuf> = BTreeMap::new();
    let mut untestable = 0usize;
    let mut slos = 0usize;
    for file in &found.files {
        let text = match read_spec(file) {
            Ok(t) => t,
            Err(e) => {
                eprint_error(&format!("{e:#}"));
                failed = true;
                continue;
            }
        };
        let planned = match plan_file(&generator, &text) {
            Ok(p) => p,
            Err(problems) => {
                report(Path::new(file), &problems);
                failed = true;
                continue;
            }
        };
        for (group, plan) in &planned {
            for (slo, (_, rules)) in group.slos.iter().zip(&plan.slos) {
                slos += 1;
                if let Some(first) = owners.insert(slo.id.clone(), file.clone()) {
                    bail!(
                        "SLO ID {:?} is declared in {} and in {}: its test files would overwrite each other; rename one",
                        slo.id,
                        first.display(),
                        file.display()
                    );
                }
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
                        let mut out = vec![(rules_file.clone(), rules_text)];
                        out.extend(files.into_iter().map(|f| (f.name, f.text)));
                        planned_files.push((file.clone(), out));
                    }
                    Err(e) => {
                        eprint_error(&format!("{}: {e}", file.display()));
                        untestable += 1;
                        failed = true;
                    }
                }
            }
        }
    }
    let mut written = 0usize;
    for (_, files) in &planned_files {
        for (name, text) in files {
            write_atomic(&args.out.join(name), text.as_bytes())?;
            if name.ends_with(".test.yml") {
                written += 1;
            }
        }
    }
    let out = args.out.display();
    let summary = if written == 0 {
        // Nothing to run: say so, and do not suggest running promtool on an empty folder.
        eprint_error(&format!(
            "no test written: none of the {slos} SLO(s) could be tested ({untestable} with an SLI that cannot be synthesized, see above)"
        ));
        return Ok(ExitCode::from(1));
    } else if untestable > 0 {
        format!(
            "wrote {written} test file(s) for {} of {slos} SLO(s) to {out} ({untestable} could not be tested, see above); run them with: promtool test rules {out}/*.test.yml\n",
            planned_files.len()
        )
    } else {
        format!(
            "wrote {written} test file(s) for {} SLO(s) to {out}; run them with: promtool test rules {out}/*.test.yml\n",
            planned_files.len()
        )
    };
    write_stdout(summary.as_bytes())?;
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
