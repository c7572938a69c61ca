//! `lint`: every problem of every spec at once, at file:line:col, with a stable code.
//!
//! Takes file contents (the CLI reads them) and returns [`Diagnostic`]s; never prints, never
//! exits, never changes the model. Per document it reports what Sloth refuses (the spec
//! readers' and `model`'s own diagnostics, one implementation shared with `generate` and
//! `validate`), then runs the rules of [`registry`] on the raw spec, then checks SLO IDs
//! across documents and files. Project configuration ([`config`]) and inline comments
//! ([`suppress`]) silence or re-level codes; when one finding explains others, [`fold`] keeps
//! the cause and folds the rest into it.

pub mod config;
pub(crate) mod context;
pub(crate) mod fold;
pub(crate) mod query;
pub mod registry;
pub(crate) mod rules;
pub(crate) mod span;
pub(crate) mod suppress;

use std::path::{Path, PathBuf};

use context::{DocCtx, SloView};
use registry::Check;
use rules::duplicate_slo_id::{self, Seen};
use rules::sloth_validation;

use crate::diag::{Diagnostic, Severity, Span};
use crate::model::{validate::code as vcode, Dialect};
use crate::pipeline::{Generator, Problem};
use crate::source::Pos;
use crate::spec::{self, sloth, Document, SpecKind};
use crate::yaml;

pub use config::Config;

/// Files larger than this are reported (P102) and not parsed.
pub const MAX_FILE_BYTES: usize = 16 * 1024 * 1024;

/// What shapes a lint run besides the files.
pub struct LintOptions<'a> {
    /// Generation settings (period, windows, plugins, extra labels), as `generate` takes them.
    pub generator: &'a Generator,
    /// The query language SLI queries are parsed in.
    pub dialect: Dialect,
    /// Project configuration.
    pub config: &'a Config,
}

/// The result of a run.
#[derive(Debug, Clone, Default)]
pub struct Outcome {
    /// Every diagnostic, by file (in input order), then line and column.
    pub diagnostics: Vec<Diagnostic>,
    /// Files linted.
    pub files: usize,
    /// SLOs seen.
    pub slos: usize,
}

/// Lints files given as `(path, contents)`, in order.
pub fn lint_files(files: &[(PathBuf, Vec<u8>)], opts: &LintOptions) -> Outcome {
    let mut out = Outcome::default();
    let mut seen: Vec<Seen> = Vec::new();
    let mut per_file: Vec<Vec<Diagnostic>> = Vec::new();
    let mut texts: Vec<(&Path, Option<&str>, Vec<suppress::SloLines>)> = Vec::new();
    for (path, bytes) in files {
        let (diags, text, slos, lines) = lint_file(path, bytes, opts, &mut seen);
        out.files += 1;
        out.slos += slos;
        per_file.push(diags);
        texts.push((path, text, lines));
    }
    let mut dups = Vec::new();
    duplicate_slo_id::check(&seen, &mut dups);
    for d in dups {
        if let Some(i) = files.iter().position(|(p, _)| *p == d.file) {
            per_file[i].push(d);
        }
    }
    for (diags, (_, text, lines)) in per_file.iter_mut().zip(&texts) {
        if let Some(text) = text {
            suppress::apply(text, lines, diags);
        }
        opts.config.apply(diags);
        fold::apply(diags, opts.config);
        diags.sort_by(|a, b| (a.span.start, a.code).cmp(&(b.span.start, b.code)));
        // Group labels are seen through every SLO of the group; report each place once.
        diags.dedup_by(|a, b| a.code == b.code && a.span == b.span && a.message == b.message);
        out.diagnostics.append(diags);
    }
    out
}

type FileResult<'b> = (
    Vec<Diagnostic>,
    Option<&'b str>,
    usize,
    Vec<suppress::SloLines>,
);

fn lint_file<'b>(
    path: &Path,
    bytes: &'b [u8],
    opts: &LintOptions,
    seen: &mut Vec<Seen>,
) -> FileResult<'b> {
    let file_diag = |code: &'static str, msg: String| {
        let info = registry::info(code).expect("registered code");
        let mut d = Diagnostic::new(code, info.severity, path, Span::default(), msg);
        d.help = sloth_validation::help(code).map(str::to_string);
        vec![d]
    };
    if bytes.len() > MAX_FILE_BYTES {
        let msg = format!(
            "file is {} bytes, over the {} MiB lint reads; not parsed",
            bytes.len(),
            MAX_FILE_BYTES >> 20
        );
        return (file_diag("P102", msg), None, 0, Vec::new());
    }
    let text = match std::str::from_utf8(bytes) {
        Ok(t) if !t.contains('\0') => t,
        Ok(_) => {
            return (
                file_diag(
                    "P100",
                    "file contains NUL bytes: binary, not a YAML spec".into(),
                ),
                None,
                0,
                Vec::new(),
            )
        }
        Err(e) => {
            let msg = format!(
                "file is not UTF-8 text (first bad byte at offset {})",
                e.valid_up_to()
            );
            return (file_diag("P100", msg), None, 0, Vec::new());
        }
    };
    let docs = spec::split_documents(text);
    if docs.is_empty() {
        return (
            file_diag("P101", "file holds no YAML documents".into()),
            Some(text),
            0,
            Vec::new(),
        );
    }
    let mut diags = Vec::new();
    let mut slos = 0;
    let mut lines = Vec::new();
    for doc in &docs {
        let views = lint_document(path, text, doc, opts, &mut diags);
        slos += views.len();
        let doc_end = doc.origin.line + doc.text.matches('\n').count();
        for (i, v) in views.iter().enumerate() {
            let last = views
                .get(i + 1)
                .map(|n| n.pos.line.saturating_sub(1))
                .unwrap_or(doc_end);
            lines.push((v.pos.line, last.max(v.pos.line)));
            if !v.name.value.is_empty() {
                let pos = if v.name.pos.is_unknown() {
                    v.pos
                } else {
                    v.name.pos
                };
                seen.push(Seen {
                    id: v.id.clone(),
                    file: path.to_path_buf(),
                    document: doc.index,
                    pos,
                    span: span::token(text, pos),
                });
            }
        }
    }
    (diags, Some(text), slos, lines)
}

/// Lints one document; returns its SLO views.
fn lint_document(
    path: &Path,
    text: &str,
    doc: &Document,
    opts: &LintOptions,
    out: &mut Vec<Diagnostic>,
) -> Vec<SloView> {
    let lowered = opts.generator.lower_document(doc);
    let problems: Vec<Problem> = match &lowered {
        Ok(_) => Vec::new(),
        Err(p) => p.clone(),
    };
    let kind = spec::detect(&doc.text);
    let root = kind.and_then(|_| yaml::parse_one(&doc.text, doc.origin).ok());
    let views = match (kind, &root) {
        (Some(k @ (SpecKind::PrometheusV1 | SpecKind::Kubernetes)), Some(root)) => {
            let flavor = if k == SpecKind::Kubernetes {
                sloth::Flavor::Kubernetes
            } else {
                sloth::Flavor::PrometheusV1
            };
            let windows = opts
                .generator
                .catalog
                .get(opts.generator.default_period)
                .copied();
            sloth::read(root, flavor)
                .map(|s| context::views_from_spec(&s, k, windows))
                .unwrap_or_default()
        }
        (Some(_), _) => lowered
            .as_ref()
            .map(context::views_from_model)
            .unwrap_or_default(),
        (None, _) => Vec::new(),
    };
    let checked: Vec<Pos> = views
        .iter()
        .flat_map(|v| v.queries.iter().filter(|q| q.written).map(|q| q.pos))
        .collect();
    let mut model_refused = Vec::new();
    for p in problems {
        // Lint checks every written query itself (rules::query_syntax), with the exact span.
        if (p.code == vcode::QUERY_TEMPLATE || p.code == vcode::QUERY_EXPRESSION)
            && checked.contains(&p.pos)
        {
            model_refused.push(p.pos);
            continue;
        }
        out.push(problem(path, text, p));
    }
    let Some(kind) = kind else {
        return views;
    };
    let ctx = DocCtx {
        file: path,
        text,
        kind,
        root: root.as_ref(),
        slos: &views,
        opts,
        vm_declared: vm_declared(doc, opts),
        model_refused,
    };
    for slo in &views {
        rules::query_syntax::check(&ctx, slo, out);
    }
    for e in registry::LINT {
        match e.check {
            Check::Document(f) => f(&ctx, out),
            Check::Slo(f) => {
                for slo in ctx.slos {
                    f(&ctx, slo, out);
                }
            }
            Check::Driver => {}
        }
    }
    views
}

/// True when Sloth's VictoriaMetrics validator is declared for the document.
fn vm_declared(doc: &Document, opts: &LintOptions) -> bool {
    const VM: &str = "sloth.dev/contrib/validate_victoria_metrics/v1";
    doc.text.contains(VM) || opts.generator.cli_plugins.iter().any(|p| p.id == VM)
}

/// A problem from the shared reader and validator, as a diagnostic.
fn problem(path: &Path, text: &str, p: Problem) -> Diagnostic {
    let severity = registry::info(p.code)
        .map(|r| r.severity)
        .unwrap_or(Severity::Error);
    let mut message = String::new();
    if let Some(slo) = &p.slo {
        message.push_str(&format!("SLO `{slo}`: "));
    }
    message.push_str(&p.message);
    let mut d = Diagnostic::new(p.code, severity, path, span::token(text, p.pos), message);
    if !p.field.is_empty() {
        d.label = Some(p.field.clone());
    }
    d.help = sloth_validation::help(p.code).map(str::to_string);
    d
}
