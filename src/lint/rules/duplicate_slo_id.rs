//! `L010 duplicate-slo-id`: one SLO ID in several documents or files. Documentation: [`DOCS`].
//!
//! Duplicates inside one document are Sloth's own check (V014); this rule compares every
//! document of every file linted in one run, which only the driver can see.

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::diag::{Diagnostic, RuleInfo, Severity, Span};
use crate::source::Pos;

/// The rule's documentation: what it does, why it matters, an example.
pub(crate) const DOCS: &str = r#"## What it does
Flags an SLO whose ID (`<service>-<name>`) is already used by an SLO in another document or
another file of the same run.

## Why is this bad?
Every generated series carries `sloth_id`. Two SLOs with one ID write the same recording
rule series from two rule groups, so Prometheus reports duplicate-series errors and the
budget of one SLO is computed from the other's data. `sloth validate` refuses duplicates
across files too.

## Example
```yaml
# slos/a.yaml                       # slos/b.yaml
service: checkout                   service: checkout
slos: [{name: availability, …}]     slos: [{name: availability, …}]   # L010
```
"#;

/// The catalogue entry.
pub(crate) const RULE: RuleInfo = RuleInfo {
    code: "L010",
    name: "duplicate-slo-id",
    severity: Severity::Error,
    summary: "An SLO ID used in another document or file",
    docs: DOCS,
};

/// Where an SLO ID was seen.
#[derive(Debug, Clone)]
pub(crate) struct Seen {
    pub id: String,
    pub file: PathBuf,
    pub document: usize,
    pub pos: Pos,
    pub span: Span,
}

/// Reports every SLO whose ID appeared earlier in another document.
pub(crate) fn check(all: &[Seen], out: &mut Vec<Diagnostic>) {
    let mut first: BTreeMap<&str, &Seen> = BTreeMap::new();
    for s in all {
        match first.get(s.id.as_str()) {
            None => {
                first.insert(&s.id, s);
            }
            Some(f) if f.file == s.file && f.document == s.document => {}
            Some(f) => out.push(
                Diagnostic::new(
                    RULE.code,
                    RULE.severity,
                    &s.file,
                    s.span,
                    format!("SLO ID `{}` is already used", s.id),
                )
                .with_label("duplicate SLO ID")
                .with_note(format!("first defined at {}:{}", f.file.display(), f.pos))
                .with_help(
                    "rename the SLO or its service; each SLO ID must be unique across all specs",
                ),
            ),
        }
    }
}
