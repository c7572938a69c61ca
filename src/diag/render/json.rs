//! The JSON format: one array of flat objects, stable field names, for scripts and editors.

use serde::Serialize;

use super::{slash_path, RuleInfo};
use crate::diag::{Diagnostic, Severity};

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    code: &'a str,
    name: &'a str,
    severity: Severity,
    message: &'a str,
    file: String,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    label: Option<&'a str>,
    help: Option<&'a str>,
    notes: &'a [String],
}

/// Renders `diags` as a pretty-printed JSON array; `rules` supplies each code's name.
pub fn render(diags: &[Diagnostic], rules: &[RuleInfo]) -> String {
    let items: Vec<JsonDiagnostic> = diags
        .iter()
        .map(|d| JsonDiagnostic {
            code: d.code,
            name: rules
                .iter()
                .find(|r| r.code == d.code)
                .map(|r| r.name)
                .unwrap_or(""),
            severity: d.severity,
            message: &d.message,
            file: slash_path(&d.file),
            line: d.span.start.line,
            column: d.span.start.col,
            end_line: d.span.end.line,
            end_column: d.span.end.col,
            label: d.label.as_deref(),
            help: d.help.as_deref(),
            notes: &d.notes,
        })
        .collect();
    let mut s = serde_json::to_string_pretty(&items).expect("diagnostics serialise");
    s.push('\n');
    s
}
