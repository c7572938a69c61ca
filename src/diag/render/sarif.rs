//! The SARIF 2.1.0 format, for GitHub code scanning and other SARIF viewers.
//!
//! One run; the tool's rules are the whole catalogue (so `ruleIndex` is stable); each result
//! names its rule, level, message and one physical location. A test validates the output
//! against the official OASIS schema.

use serde_json::{json, Value};

use super::{slash_path, RuleInfo};
use crate::diag::{Diagnostic, Severity};

const SCHEMA: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// Renders `diags` as a SARIF log; `rules` is the catalogue, `version` slogen's version.
pub fn render(diags: &[Diagnostic], rules: &[RuleInfo], version: &str) -> String {
    let descriptors: Vec<Value> = rules
        .iter()
        .map(|r| {
            json!({
                "id": r.code,
                "name": r.name,
                "shortDescription": { "text": r.summary },
                "fullDescription": { "text": r.summary },
                "help": { "text": r.docs, "markdown": r.docs },
                "defaultConfiguration": { "level": level(r.severity) },
            })
        })
        .collect();
    let results: Vec<Value> = diags.iter().map(|d| result(d, rules)).collect();
    let log = json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "slogen",
                "semanticVersion": version.trim_start_matches('v'),
                "rules": descriptors,
            }},
            "results": results,
            "columnKind": "unicodeCodePoints",
        }],
    });
    let mut s = serde_json::to_string_pretty(&log).expect("SARIF serialises");
    s.push('\n');
    s
}

fn result(d: &Diagnostic, rules: &[RuleInfo]) -> Value {
    let mut text = d.message.clone();
    for n in &d.notes {
        text.push_str(&format!("\nnote: {n}"));
    }
    if let Some(h) = &d.help {
        text.push_str(&format!("\nhelp: {h}"));
    }
    // Code scanning needs a region; a file-level problem points at its first line.
    let (start, end) = if d.span.start.is_unknown() {
        ((1, 1), (1, 2))
    } else {
        let end = if d.span.end.line < d.span.start.line
            || (d.span.end.line == d.span.start.line && d.span.end.col <= d.span.start.col)
        {
            (d.span.start.line, d.span.start.col + 1)
        } else {
            (d.span.end.line, d.span.end.col)
        };
        ((d.span.start.line, d.span.start.col), end)
    };
    let mut r = json!({
        "ruleId": d.code,
        "level": level(d.severity),
        "message": { "text": text },
        "locations": [{
            "physicalLocation": {
                "artifactLocation": { "uri": slash_path(&d.file) },
                "region": {
                    "startLine": start.0,
                    "startColumn": start.1,
                    "endLine": end.0,
                    "endColumn": end.1,
                },
            },
        }],
    });
    if let Some(i) = rules.iter().position(|x| x.code == d.code) {
        r["ruleIndex"] = json!(i);
    }
    r
}
