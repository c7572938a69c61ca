//! `slogen generate -i DIR -o DIR`: every spec under a folder, mirrored into another.
//!
//! compat(sloth): the checks and the mapping are Sloth's (sloth-cli-validation.md §1.3, §1.8):
//! the output must be a folder and not the input folder, zero specs is an error, and each spec
//! `<in>/a/b.yaml` lands at `<out>/a/b.yaml`. Two deliberate differences, both documented in
//! docs/generate.md: Sloth creates (truncates) every output before generating and stops at the first
//! bad spec; slogen generates every spec in memory, writes each good one atomically (unchanged
//! files are not rewritten), never touches the output of a bad one, reports every bad spec and
//! exits 1. A missing output folder is created instead of refused.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use anyhow::{bail, Context};

use super::discover::{discover, go_clean, output_path};
use super::folder_lock::FolderLock;
use super::format::{paint_line, Paint, Stream};
use super::fsio::{commit, stage, Staged};
use super::generate::{print_check, read_spec, GenerateArgs};
use super::output_format::{mixed_warning, name_clashes, Output};
use super::outputs::{carries_header, compare_one, find_orphans, orphans_as_stale, prune, Stale};
use crate::emit::{OutputFormat, Written};
use crate::pipeline::Generator;

/// Runs `generate` for a folder input.
pub fn run(args: &GenerateArgs, generator: &Generator) -> anyhow::Result<ExitCode> {
    let error_word = || Paint::of(Stream::Stderr).error("error");
    let Some(input) = args.input.to_str() else {
        bail!("input path {} is not valid UTF-8", args.input.display());
    };
    let Some(out) = args.out.to_str() else {
        bail!("output path {} is not valid UTF-8", args.out.display());
    };
    check_output_folder(&args.input, out)?;
    let filters = args.filters.filters()?;
    let found = discover(&args.input, &filters)?;

    let mut err = std::io::stderr().lock();
    let mut failures = 0usize;
    for p in &found.problems {
        let _ = writeln!(err, "{}: {}: {}", error_word(), p.path.display(), p.message);
        failures += 1;
    }
    if found.files.is_empty() {
        bail!("0 slo specs have been discovered under {input} (files ending in .yml or .yaml, after --fs-include/--fs-exclude)");
    }

    // Every output a discovered spec maps to, good or bad: none of them is an orphan.
    let mut expected = BTreeSet::new();
    let mut jobs = Vec::with_capacity(found.files.len());
    for spec in &found.files {
        match output_path(input, out, spec) {
            Ok(target) => {
                expected.insert(target.clone());
                jobs.push((spec.as_str(), target));
            }
            Err(e) => {
                let _ = writeln!(err, "{}: {e:#}", error_word());
                failures += 1;
            }
        }
    }
    // One writer per output folder; the leftovers of killed runs go before this run stages
    // its own. `--check` writes nothing and takes no lock.
    let _lock = if args.check {
        None
    } else {
        let lock = FolderLock::acquire(Path::new(out))?;
        lock.sweep(true);
        Some(lock)
    };
    // Specs are independent: each is generated and then staged in a temporary file beside its
    // output (or compared, with --check) at once, by a few worker threads, so memory holds one
    // output per worker, never the whole tree.
    let results = process_all(input, &jobs, generator, args.check);
    if let Some(code) = check_written(args, generator, out, &jobs, &results, &mut err) {
        // Nothing staged is committed: dropping the results removes their temporary files.
        return Ok(code);
    }
    let repeated = repeated_namespaces(&jobs, &results);
    let mut stale = Vec::new();
    let mut staged = Vec::new();
    let (mut generated, mut unchanged) = (0usize, 0usize);
    for (i, r) in results.into_iter().enumerate() {
        for m in &r.messages {
            let _ = writeln!(err, "{}", paint_line(m));
        }
        if let Some(lines) = repeated.get(&i) {
            for l in lines {
                let _ = writeln!(err, "{l}");
            }
            failures += 1;
            continue;
        }
        match r.outcome {
            Outcome::Failed => failures += 1,
            Outcome::Staged(s) => {
                generated += 1;
                staged.push(s);
            }
            Outcome::Unchanged | Outcome::Current => {
                (generated, unchanged) = (generated + 1, unchanged + 1)
            }
            Outcome::Stale(s) => {
                generated += 1;
                stale.push(s);
            }
        }
    }
    // Then every staged output goes in place: one sync for all, one rename each.
    let mut written = 0usize;
    for (path, result) in commit(staged) {
        match result {
            Ok(()) => written += 1,
            Err(e) => {
                let _ = writeln!(err, "{}: {e:#}", error_word());
                let _ = writeln!(err, "{}: {}: left as it was", error_word(), path.display());
                (generated, failures) = (generated - 1, failures + 1);
            }
        }
    }

    // An unreadable folder hides specs, so their outputs would look orphaned.
    let orphans = if found.problems.is_empty() {
        find_orphans(&go_clean(out), &expected)?
    } else {
        if args.check || args.prune {
            let _ = writeln!(err, "{}", paint_line("warning: some input folders could not be read; orphaned outputs are not looked for"));
        }
        Vec::new()
    };

    if args.check {
        drop(err);
        stale.extend(orphans_as_stale(&orphans));
        let code = print_check(&stale, expected.len() + orphans.len());
        return Ok(if failures > 0 {
            ExitCode::from(1)
        } else {
            code
        });
    }

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
        generated,
        written,
        unchanged,
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

/// What the outputs are, taken together: with `--output-format prometheusrule`, two objects
/// with one name fail the run before anything is written (exit 1, returned); without a chosen
/// format, a mix of rules files and Kubernetes objects is worth one warning.
fn check_written(
    args: &GenerateArgs,
    generator: &Generator,
    out: &str,
    jobs: &[(&str, String)],
    results: &[Processed],
    err: &mut impl Write,
) -> Option<ExitCode> {
    let by_spec: Vec<Output> = jobs
        .iter()
        .zip(results)
        .flat_map(|((spec, _), r)| r.written.iter().map(move |(d, w)| (*spec, *d, w)))
        .collect();
    if matches!(generator.output, OutputFormat::PrometheusRule(_)) {
        let clashes = name_clashes(&by_spec);
        if !clashes.is_empty() {
            for r in results {
                for m in &r.messages {
                    let _ = writeln!(err, "{m}");
                }
            }
            for c in &clashes {
                let _ = writeln!(err, "error: {c}");
            }
            let _ = writeln!(err, "error: nothing was written");
            return Some(ExitCode::from(1));
        }
    }
    if !args.output.chosen() {
        let by_output: Vec<Output> = jobs
            .iter()
            .zip(results)
            .flat_map(|((_, target), r)| {
                r.written.iter().map(move |(d, w)| (target.as_str(), *d, w))
            })
            .collect();
        if let Some(w) = mixed_warning(&go_clean(out), &by_output) {
            let _ = writeln!(err, "{w}");
        }
    }
    None
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

/// `--target mimir`: the jobs whose namespaces another spec's output declares too, with the
/// lines to print for each. `mimirtool rules load/sync` refuses a namespace repeated across the
/// files it is given ("repeated namespace attempted to be loaded"), so none of them is written.
fn repeated_namespaces(
    jobs: &[(&str, String)],
    results: &[Processed],
) -> std::collections::BTreeMap<usize, Vec<String>> {
    let mut owners: std::collections::BTreeMap<&str, Vec<usize>> = Default::default();
    for (i, r) in results.iter().enumerate() {
        for ns in &r.namespaces {
            owners.entry(ns.as_str()).or_default().push(i);
        }
    }
    let mut out: std::collections::BTreeMap<usize, Vec<String>> = Default::default();
    for (ns, idx) in owners.iter().filter(|(_, idx)| idx.len() > 1) {
        let specs: Vec<&str> = idx.iter().map(|&i| jobs[i].0).collect();
        for &i in idx {
            out.entry(i).or_default().push(format!(
                "error: {}: Mimir namespace {ns:?} is also generated from {}; mimirtool loads one namespace from one place, so {} is left as it was (give the specs distinct services, or name namespaces after their files with --namespace '{{file}}')",
                jobs[i].0,
                specs.iter().filter(|s| **s != jobs[i].0).copied().collect::<Vec<_>>().join(", "),
                jobs[i].1
            ));
        }
    }
    out
}

/// What happened to one spec.
enum Outcome {
    Failed,
    /// Written to a temporary file, to be put in place with the others.
    Staged(Staged),
    Unchanged,
    /// `--check`: the output is current.
    Current,
    /// `--check`: the output is missing or differs.
    Stale(Stale),
}

/// One spec's outcome and the lines to print for it.
struct Processed {
    messages: Vec<String>,
    outcome: Outcome,
    /// What each of its documents was written as.
    written: Vec<(usize, Written)>,
    /// `--target mimir`: the rule namespaces the output declares.
    namespaces: Vec<String>,
}

/// Processes every `(spec, target)` job, in parallel, returning results in job order.
fn process_all(
    input: &str,
    jobs: &[(&str, String)],
    generator: &Generator,
    check: bool,
) -> Vec<Processed> {
    let workers = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .clamp(1, 8)
        .min(jobs.len().max(1));
    if workers == 1 {
        return jobs
            .iter()
            .map(|(spec, target)| process(input, spec, target, generator, check))
            .collect();
    }
    let next = std::sync::atomic::AtomicUsize::new(0);
    let mut slots: Vec<Option<Processed>> = (0..jobs.len()).map(|_| None).collect();
    let done: Vec<Vec<(usize, Processed)>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                scope.spawn(|| {
                    let mut mine = Vec::new();
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some((spec, target)) = jobs.get(i) else {
                            break;
                        };
                        mine.push((i, process(input, spec, target, generator, check)));
                    }
                    mine
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("a generate worker panicked"))
            .collect()
    });
    for (i, p) in done.into_iter().flatten() {
        slots[i] = Some(p);
    }
    slots
        .into_iter()
        .map(|p| p.expect("every job was processed"))
        .collect()
}

/// What `{file}` stands for in a Mimir `--namespace`: the spec's path under the input folder,
/// without its extension, folders joined with `-` (`a/b/web.yaml` is `a-b-web`).
fn file_name(input: &str, spec: &str) -> String {
    let rel = Path::new(spec)
        .strip_prefix(input)
        .unwrap_or(Path::new(spec))
        .with_extension("");
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("-")
}

/// Generates one spec, then stages its output (or compares it, with `--check`).
fn process(input: &str, spec: &str, target: &str, generator: &Generator, check: bool) -> Processed {
    let mut messages = Vec::new();
    let failed = |messages: Vec<String>| Processed {
        messages,
        outcome: Outcome::Failed,
        written: Vec::new(),
        namespaces: Vec::new(),
    };
    let text = match read_spec(Path::new(spec)) {
        Ok(t) => t,
        Err(e) => return failed(vec![format!("error: {e:#}")]),
    };
    let (bytes, written, namespaces) = match generator
        .generate_file_named(&text, &file_name(input, spec))
    {
        Ok(o) => (o.text.into_bytes(), o.written, o.namespaces),
        Err(problems) => {
            for p in &problems {
                messages.push(format!("error: {}", p.display(Path::new(spec))));
            }
            messages.push(format!(
                "error: {spec}: not generated; {target} left as it was"
            ));
            if carries_header(Path::new(spec)) {
                messages.push(format!("hint: {spec} is a file slogen generated; keep -o outside -i, or skip it with -e"));
            }
            return failed(messages);
        }
    };
    if check {
        let outcome = match compare_one(target, &bytes) {
            Some(s) => Outcome::Stale(s),
            None => Outcome::Current,
        };
        return Processed {
            messages,
            outcome,
            written,
            namespaces,
        };
    }
    match stage(Path::new(target), &bytes) {
        Ok(Some(s)) => Processed {
            messages,
            outcome: Outcome::Staged(s),
            written,
            namespaces,
        },
        Ok(None) => Processed {
            messages,
            outcome: Outcome::Unchanged,
            written,
            namespaces,
        },
        Err(e) => failed(vec![format!("error: {e:#}")]),
    }
}
