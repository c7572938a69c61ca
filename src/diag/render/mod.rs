//! Renderers: the same [`Diagnostic`](super::Diagnostic)s as a code frame, JSON, SARIF or
//! GitHub workflow commands.
//!
//! Each format is one file. Renderers return text and never print; the rule catalogue they
//! need (names, summaries) is handed in as [`RuleInfo`] data, so `diag` imports nothing from
//! the stages that produce diagnostics.

pub mod github;
pub mod json;
pub mod sarif;
pub mod text;

use std::path::Path;

use super::Severity;

/// What a renderer needs to know about a rule: its catalogue entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RuleInfo {
    /// The stable code (`L005`).
    pub code: &'static str,
    /// The kebab-case name (`impossible-alert`).
    pub name: &'static str,
    /// The default severity.
    pub severity: Severity,
    /// One line saying what the rule flags.
    pub summary: &'static str,
    /// The rationale and an example, in Markdown.
    pub docs: &'static str,
}

/// The output formats of `slogen lint`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Format {
    /// Code frames like rustc's, coloured on a terminal.
    #[default]
    Human,
    /// A JSON array of diagnostics.
    Json,
    /// SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.
    Sarif,
    /// GitHub Actions workflow commands (`::error file=…`), shown as annotations.
    Github,
}

/// A path as forward-slashed text, the way JSON, SARIF and GitHub want it.
pub(crate) fn slash_path(path: &Path) -> String {
    let s = path.to_string_lossy();
    let s = s.strip_prefix("./").unwrap_or(&s);
    s.replace('\\', "/")
}
