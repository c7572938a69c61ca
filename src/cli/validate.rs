//! `slogen validate`: Sloth's `validate`, reporting every problem instead of a count.
//!
//! Each document of each discovered spec goes through the same generation `generate` runs
//! (its output is discarded), so validation and generation share one validator
//! (`model::lower`). compat(sloth): SLO IDs must be unique across documents and files unless
//! `--ignore-slo-duplicates`; IDs register in discovery order, only from documents that
//! generated cleanly, and a later copy is reported naming the first file
//! (sloth-cli-validation.md §3.3, §4). Unlike Sloth, every invalid file, document and SLO is
//! printed with file, line:col, document, SLO and field, an unreadable file does not stop the
//! run, and a summary line ends the output.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;

use super::args::GenFlags;
use super::discover::{discover, FilterArgs};
use super::generate::read_spec;
use super::outputs::carries_header;
use crate::model::validate::code::DUPLICATE_ID;
use crate::pipeline::{code, FileContext, Problem};
use crate::source::Pos;
use crate::spec::split_documents;

/// Options of `slogen validate`.
#[derive(Debug, Clone, Args)]
pub struct ValidateArgs {
    /// Spec file, or folder searched recursively for .yml/.yaml files.
    #[arg(short = 'i', long = "input", env = "SLOTH_INPUT", value_name = "PATH")]
    pub input: PathBuf,
    #[command(flatten)]
    pub filters: FilterArgs,
    /// Allow the same SLO ID in several documents or files.
    #[arg(long = "ignore-slo-duplicates", env = "SLOTH_IGNORE_SLO_DUPLICATES")]
    pub ignore_slo_duplicates: bool,
    #[command(flatten)]
    pub gen: GenFlags,
}

/// Where an SLO ID was first seen.
struct FirstSeen {
    file: String,
    document: usize,
    pos: Pos,
}

/// Counts for the summary line.
#[derive(Default)]
struct Tally {
    files: usize,
    documents: usize,
    /// The SLOs of documents that generated, plus each invalid SLO a problem names (a document
    /// that fails before its SLOs are known, e.g. bad YAML, adds none).
    slos: usize,
    errors: usize,
    bad_files: usize,
}

/// Runs `validate`.
pub fn run(args: ValidateArgs) -> anyhow::Result<ExitCode> {
    let generator = args.gen.generator()?;
    let filters = args.filters.filters()?;
    let found = discover(&args.input, &filters)?;
    let mut err = std::io::stderr().lock();
    let mut tally = Tally::default();
    for p in &found.problems {
        let _ = writeln!(err, "error: {}: {}", p.path.display(), p.message);
        tally.errors += 1;
        tally.bad_files += 1;
    }
    if found.files.is_empty() {
        anyhow::bail!(
            "0 slo specs have been discovered under {} (files ending in .yml or .yaml, after --fs-include/--fs-exclude)",
            args.input.display()
        );
    }

    let mut seen: BTreeMap<String, FirstSeen> = BTreeMap::new();
    for file in &found.files {
        tally.files += 1;
        let text = match read_spec(Path::new(file)) {
            Ok(t) => t,
            Err(e) => {
                let _ = writeln!(err, "error: {e:#}");
                tally.errors += 1;
                tally.bad_files += 1;
                continue;
            }
        };
        let docs = split_documents(&text);
        // OpenSLO v1 SLOs may reference SLI documents of the same file.
        let (ctx, mut problems) = match generator.file_context(&docs) {
            Ok(ctx) => (ctx, Vec::new()),
            Err(p) => (FileContext::default(), p),
        };
        for doc in docs {
            tally.documents += 1;
            let generated = generator.generate_document_in(&doc, &ctx).or_else(|p| {
                // compat(sloth): validate never writes, so Sloth's "0 SLO Prometheus rules
                // generated" (raised by its writer) cannot fail it (§4).
                if p.iter().all(|p| p.code == code::EMIT) {
                    generator
                        .lower_document_in(&doc, &ctx)
                        .map(|g| (String::new(), g))
                } else {
                    Err(p)
                }
            });
            let group = match generated {
                Ok((_, group)) => group,
                Err(mut p) => {
                    let ids: BTreeSet<&String> = p.iter().filter_map(|p| p.slo.as_ref()).collect();
                    tally.slos += ids.len();
                    problems.append(&mut p);
                    continue;
                }
            };
            tally.slos += group.slos.len();
            if args.ignore_slo_duplicates {
                continue;
            }
            for slo in &group.slos {
                if let Some(first) = seen.get(&slo.id) {
                    problems.push(duplicate(slo, doc.index, first));
                    continue;
                }
                seen.insert(
                    slo.id.clone(),
                    FirstSeen {
                        file: file.clone(),
                        document: doc.index,
                        pos: name_pos(slo),
                    },
                );
            }
        }
        for p in &problems {
            let _ = writeln!(err, "error: {}", p.display(Path::new(file)));
        }
        tally.errors += problems.len();
        if !problems.is_empty() {
            tally.bad_files += 1;
            if carries_header(Path::new(file)) {
                let _ = writeln!(
                    err,
                    "hint: {file} is a file slogen generated, not a spec; skip it with -e"
                );
            }
        }
    }

    let verdict = if tally.errors == 0 {
        "all valid".to_string()
    } else {
        format!("{} error(s) in {} file(s)", tally.errors, tally.bad_files)
    };
    let _ = writeln!(
        err,
        "validated {} file(s), {} document(s), {} SLO(s): {verdict}",
        tally.files, tally.documents, tally.slos
    );
    Ok(if tally.errors == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// compat(sloth): Sloth's duplicate message, naming the file where the ID was first seen;
/// slogen adds that first position.
fn duplicate(slo: &crate::model::Slo, document: usize, first: &FirstSeen) -> Problem {
    let at = if first.pos.is_unknown() {
        first.file.clone()
    } else {
        format!("{}:{}", first.file, first.pos)
    };
    Problem {
        document,
        pos: name_pos(slo),
        slo: Some(slo.id.clone()),
        field: "name".into(),
        code: DUPLICATE_ID,
        message: format!(
            "SLO duplicated. SLO{{service={}, name={}}}, ID={} already exists in a file: {at} (document {}); rename one of them or pass --ignore-slo-duplicates",
            slo.service,
            slo.name,
            slo.id,
            first.document + 1
        ),
    }
}

/// Where an SLO's name is written (its ID is made from it), else where the SLO is.
fn name_pos(slo: &crate::model::Slo) -> Pos {
    if slo.spans.name.is_unknown() {
        slo.pos
    } else {
        slo.spans.name
    }
}
