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
use serde::Serialize;

use super::args::GenFlags;
use super::discover::FilterArgs;
use super::format::{formats, json_text, write_stdout, Format, Paint, Stream};
use super::generate::read_spec;
use super::input::find_specs;
use super::outputs::carries_header;
use crate::model::validate::code::DUPLICATE_ID;
use crate::pipeline::{code, FileContext, Problem};
use crate::source::Pos;
use crate::spec::split_documents;

/// Options of `slogen validate`.
#[derive(Debug, Clone, Args)]
pub struct ValidateArgs {
    /// Spec file, or folder searched recursively for .yml/.yaml files (repeatable).
    #[arg(
        short = 'i',
        long = "input",
        env = "SLOTH_INPUT",
        value_name = "PATH",
        required = true
    )]
    pub input: Vec<PathBuf>,
    #[command(flatten)]
    pub filters: FilterArgs,
    /// Allow the same SLO ID in several documents or files.
    #[arg(long = "ignore-slo-duplicates", env = "SLOTH_IGNORE_SLO_DUPLICATES")]
    pub ignore_slo_duplicates: bool,
    /// Output format: text (problems on stderr, as Sloth) or json (a report on stdout).
    #[arg(long, default_value = "text", value_parser = formats(&[Format::Text, Format::Json]))]
    pub format: Format,
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
#[derive(Default, Serialize)]
struct Tally {
    files: usize,
    documents: usize,
    /// The SLOs every document declares, valid or not (a document that cannot be read as far
    /// as its SLOs, e.g. bad YAML, adds the SLOs its problems name).
    slos: usize,
    errors: usize,
    bad_files: usize,
}

/// One problem, as `validate --format json` lists it.
#[derive(Serialize)]
struct JsonProblem {
    file: String,
    /// 0 when unknown.
    line: usize,
    column: usize,
    /// From 1; `null` for problems of the file itself.
    document: Option<usize>,
    slo: Option<String>,
    field: Option<String>,
    code: Option<&'static str>,
    message: String,
}

/// What a run found.
#[derive(Default)]
struct Findings {
    tally: Tally,
    problems: Vec<JsonProblem>,
    hints: Vec<String>,
}

impl Findings {
    fn file_problem(&mut self, file: &str, message: String) {
        self.tally.errors += 1;
        self.tally.bad_files += 1;
        self.problems.push(JsonProblem {
            file: file.to_string(),
            line: 0,
            column: 0,
            document: None,
            slo: None,
            field: None,
            code: None,
            message,
        });
    }
}

/// Runs `validate`.
pub fn run(args: ValidateArgs) -> anyhow::Result<ExitCode> {
    let generator = args.gen.generator()?;
    let filters = args.filters.filters()?;
    let found = find_specs(&args.input, &filters);
    let mut f = Findings::default();
    let mut text_lines: Vec<String> = Vec::new();
    let error = Paint::of(Stream::Stderr).error("error");
    for p in &found.problems {
        text_lines.push(format!("{error}: {p}"));
        f.file_problem("", p.clone());
    }
    if found.files.is_empty() && found.problems.is_empty() {
        let inputs: Vec<String> = args.input.iter().map(|p| p.display().to_string()).collect();
        anyhow::bail!(
            "0 slo specs have been discovered under {} (files ending in .yml or .yaml, after --fs-include/--fs-exclude)",
            inputs.join(", ")
        );
    }

    let mut seen: BTreeMap<String, FirstSeen> = BTreeMap::new();
    for path in &found.files {
        let file = path.display().to_string();
        f.tally.files += 1;
        let text = match read_spec(path) {
            Ok(t) => t,
            Err(e) => {
                text_lines.push(format!("{error}: {e:#}"));
                f.file_problem(&file, format!("{e:#}"));
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
            f.tally.documents += 1;
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
                    let named: BTreeSet<&String> =
                        p.iter().filter_map(|p| p.slo.as_ref()).collect();
                    let declared = generator.declared_slos(&doc).unwrap_or(0);
                    f.tally.slos += declared.max(named.len());
                    problems.append(&mut p);
                    continue;
                }
            };
            f.tally.slos += group.slos.len();
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
            text_lines.push(format!("{error}: {}", p.display(Path::new(&file))));
            f.problems.push(JsonProblem {
                file: file.clone(),
                line: p.pos.line,
                column: p.pos.col,
                document: Some(p.document + 1),
                slo: p.slo.clone(),
                field: (!p.field.is_empty()).then(|| p.field.clone()),
                code: Some(p.code),
                message: p.message.clone(),
            });
        }
        f.tally.errors += problems.len();
        if !problems.is_empty() {
            f.tally.bad_files += 1;
            if carries_header(path) {
                let hint =
                    format!("{file} is a file slogen generated, not a spec; skip it with -e");
                text_lines.push(format!("hint: {hint}"));
                f.hints.push(hint);
            }
        }
    }

    let t = &f.tally;
    let code = if t.errors == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    };
    if args.format == Format::Json {
        let report = serde_json::json!({
            "valid": t.errors == 0,
            "files": t.files,
            "documents": t.documents,
            "slos": t.slos,
            "errors": t.errors,
            "files_with_errors": t.bad_files,
            "problems": f.problems,
            "hints": f.hints,
        });
        write_stdout(json_text(&report)?.as_bytes())?;
        return Ok(code);
    }
    let paint = Paint::of(Stream::Stderr);
    let verdict = if t.errors == 0 {
        paint.ok("all valid")
    } else {
        paint.error(&format!("{} error(s) in {} file(s)", t.errors, t.bad_files))
    };
    let mut err = std::io::stderr().lock();
    for l in text_lines {
        let _ = writeln!(err, "{l}");
    }
    let _ = writeln!(
        err,
        "validated {} file(s), {} document(s), {} SLO(s): {verdict}",
        t.files, t.documents, t.slos
    );
    Ok(code)
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
