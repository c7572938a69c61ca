//! Diagnostics as data: problems in the user's specs, with a code, a severity and a place.
//!
//! A [`Diagnostic`] is plain data that every stage can produce and every renderer can read:
//! the human code frame, JSON, SARIF and GitHub annotations all live in [`render`], one file
//! each. Nothing here prints; `cli` decides where the rendered text goes.

pub mod render;

pub use render::{Format, RuleInfo};

use std::fmt;
use std::path::PathBuf;

use serde::Serialize;

use crate::source::Pos;

/// How bad a diagnostic is. Ordered from least to most severe.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing; never fails a run.
    Info,
    /// Probably wrong; fails a run under `--deny-warnings`.
    Warning,
    /// Wrong: Sloth would refuse it, or it cannot work as written.
    Error,
}

impl Severity {
    /// The lower-case word used in output and configuration.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    /// Parses `error`, `warning` or `info` (as written in configuration).
    pub fn parse(s: &str) -> Option<Severity> {
        match s {
            "error" => Some(Severity::Error),
            "warning" | "warn" => Some(Severity::Warning),
            "info" => Some(Severity::Info),
            _ => None,
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A range in a file: from `start` up to, not including, `end`. Lines and columns count from
/// 1; an unknown place has line 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Span {
    pub start: Pos,
    pub end: Pos,
}

impl Span {
    /// A span of `len` characters on the line of `start`.
    pub fn on_line(start: Pos, len: usize) -> Span {
        Span {
            start,
            end: Pos::new(start.line, start.col + len.max(1)),
        }
    }
}

/// One problem in one spec file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// A stable code: `P…` parse, `V…` Sloth's validation, `L…` lint rules.
    pub code: &'static str,
    pub severity: Severity,
    /// One sentence saying what is wrong.
    pub message: String,
    /// The file, as the user named it or discovery found it.
    pub file: PathBuf,
    /// The offending key or value.
    pub span: Span,
    /// A short label under the highlighted text.
    pub label: Option<String>,
    /// How to fix it.
    pub help: Option<String>,
    /// Extra facts (the other place of a duplicate, a computation).
    pub notes: Vec<String>,
}

impl Diagnostic {
    /// A diagnostic without label, help or notes.
    pub fn new(
        code: &'static str,
        severity: Severity,
        file: impl Into<PathBuf>,
        span: Span,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            code,
            severity,
            message: message.into(),
            file: file.into(),
            span,
            label: None,
            help: None,
            notes: Vec::new(),
        }
    }

    /// Adds a help line.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Adds a label under the highlighted text.
    pub fn with_label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    /// Adds a note.
    pub fn with_note(mut self, note: impl Into<String>) -> Self {
        self.notes.push(note.into());
        self
    }
}

/// Counts of diagnostics by severity.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Tally {
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
}

impl Tally {
    /// Counts `diags`.
    pub fn of(diags: &[Diagnostic]) -> Tally {
        let mut t = Tally::default();
        for d in diags {
            match d.severity {
                Severity::Error => t.errors += 1,
                Severity::Warning => t.warnings += 1,
                Severity::Info => t.infos += 1,
            }
        }
        t
    }
}
