//! `slogen generate -i DIR -o DIR`: every spec under a folder, mirrored into another.
//!
//! compat(sloth): the checks and the mapping are Sloth's (sloth-cli-validation.md §1.3, §1.8):
//! the output must be a folder and not the input folder, zero specs is an error, and each spec
//! `<in>/a/b.yaml` lands at `<out>/a/b.yaml`. Two deliberate differences, both documented in
//! the README: Sloth creates (truncates) every output before generating and stops at the first
//! bad spec; slogen generates every spec in memory, writes each good one atomically (unchanged
//! files are not rewritten), never touches the output of a bad one, reports every bad spec and
//! exits 1. A missing output folder is created instead of refused.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use anyhow::{bail, Context};

use super::discover::{discover, go_clean, output_path, Filters};
use super::generate::{print_check, read_spec, GenerateArgs};
use super::outputs::{
    carries_header, compare, find_orphans, orphans_as_stale, prune, write_planned, Planned,
};
use crate::pipeline::Generator;

/// Runs `generate` for a folder input.
pub fn run(args: &GenerateArgs, generator: &Generator) -> anyhow::Result<ExitCode> {
    let Some(input) = args.input.to_str() else {
        bail!("input path {} is not valid UTF-8", args.input.display());
    };
    let Some(out) = args.out.to_str() else {
        bail!("output path {} is not valid UTF-8", args.out.display());
    };
    check_output_folder(&args.input, out)?;
    let filters = Filters::new(args.fs_include.as_deref(), args.fs_exclude.as_deref())?;
    let found = discover(&args.input, &filters)?;

    let mut err = std::io::stderr().lock();
    let mut failures = 0usize;
    for p in &found.problems {
        let _ = writeln!(err, "error: {}: {}", p.path.display(), p.message);
        failures += 1;
    }
    if found.files.is_empty() {
        bail!("0 slo specs have been discovered under {input} (files ending in .yml or .yaml, after --fs-include/--fs-exclude)");
    }

    // Every output a discovered spec maps to, good or bad: none of them is an orphan.
    let mut expected = BTreeSet::new();
    let mut planned = Vec::new();
    for spec in &found.files {
        let target = match output_path(input, out, spec) {
            Ok(t) => t,
            Err(e) => {
                let _ = writeln!(err, "error: {e:#}");
                failures += 1;
                continue;
            }
        };
        expected.insert(target.clone());
        let text = match read_spec(Path::new(spec)) {
            Ok(t) => t,
            Err(e) => {
                let _ = writeln!(err, "error: {e:#}");
                failures += 1;
                continue;
            }
        };
        match generator.generate_file(&text) {
            Ok(o) => planned.push(Planned {
                path: target,
                bytes: o.text.into_bytes(),
            }),
            Err(problems) => {
                for p in &problems {
                    let _ = writeln!(err, "error: {}", p.display(Path::new(spec)));
                }
                let _ = writeln!(err, "error: {spec}: not generated; {target} left as it was");
                if carries_header(Path::new(spec)) {
                    let _ = writeln!(err, "hint: {spec} is a file slogen generated; keep -o outside -i, or skip it with -e");
                }
                failures += 1;
            }
        }
    }

    // An unreadable folder hides specs, so their outputs would look orphaned.
    let orphans = if found.problems.is_empty() {
        find_orphans(&go_clean(out), &expected)?
    } else {
        if args.check || args.prune {
            let _ = writeln!(err, "warning: some input folders could not be read; orphaned outputs are not looked for");
        }
        Vec::new()
    };

    if args.check {
        drop(err);
        let mut stale = compare(&planned);
        stale.extend(orphans_as_stale(&orphans));
        let code = print_check(&stale, expected.len() + orphans.len());
        return Ok(if failures > 0 {
            ExitCode::from(1)
        } else {
            code
        });
    }

    let report = write_planned(&planned);
    for e in &report.failed {
        let _ = writeln!(err, "error: {e:#}");
    }
    failures += report.failed.len();
    let removed = if args.prune {
        prune(&orphans)?
    } else {
        Vec::new()
    };
    for r in &removed {
        let _ = writeln!(err, "removed {}", r.display());
    }
    let _ = writeln!(
        err,
        "{} spec file(s): {} generated ({} written, {} unchanged), {failures} failed{}",
        found.files.len(),
        planned.len(),
        report.written,
        report.unchanged,
        if args.prune {
            format!(", {} orphan(s) removed", removed.len())
        } else if orphans.is_empty() {
            String::new()
        } else {
            format!(
                ", {} orphaned output(s) left (remove them with --prune)",
                orphans.len()
            )
        }
    );
    Ok(if failures > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// compat(sloth): with a folder input, `-o` must be a folder other than the input.
fn check_output_folder(input: &Path, out: &str) -> anyhow::Result<()> {
    if out == "-" {
        bail!(
            "with a folder input, -o must be a folder (`-`, stdout, only works with a file input)"
        );
    }
    match std::fs::metadata(out) {
        Ok(m) if !m.is_dir() => {
            bail!("the path {out:?} is not a directory, however input is a directory")
        }
        Ok(_) => {
            let a = input
                .canonicalize()
                .with_context(|| format!("resolving {}", input.display()))?;
            let b = Path::new(out)
                .canonicalize()
                .with_context(|| format!("resolving {out}"))?;
            if a == b {
                bail!(
                    "input and output can't be the same directory: {}",
                    a.display()
                );
            }
            Ok(())
        }
        // Created when the first output is written; with --check every output is missing.
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e).with_context(|| format!("reading output folder {out}")),
    }
}
