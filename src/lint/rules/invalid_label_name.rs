//! `L011 invalid-label-name`: a label name Prometheus refuses. Documentation: [`DOCS`].

use std::sync::LazyLock;

use regex::Regex;

use crate::diag::{Diagnostic, RuleInfo, Severity};
use crate::lint::context::{DocCtx, SloView};

/// The rule's documentation: what it does, why it matters, an example.
pub(crate) const DOCS: &str = r#"## What it does
Flags label names (group, SLO and alert labels) that are not valid Prometheus label names:
they must match `[a-zA-Z_][a-zA-Z0-9_]*`.

## Why is this bad?
Sloth only refuses empty names and `__name__`, so it generates the rules, but Prometheus
refuses to load a rule file with a label such as `team-name` or `app.kubernetes.io/name`:
every rule in the file is lost, not only this SLO's.

## Example
```yaml
labels:
  team-name: checkout   # L011: write team_name
```
"#;

/// The catalogue entry.
pub(crate) const RULE: RuleInfo = RuleInfo {
    code: "L011",
    name: "invalid-label-name",
    severity: Severity::Error,
    summary: "A label name that is not a valid Prometheus label name",
    docs: DOCS,
};

static NAME: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[a-zA-Z_][a-zA-Z0-9_]*$").expect("valid regex"));

/// Checks every label key.
pub(crate) fn check(ctx: &DocCtx, slo: &SloView, out: &mut Vec<Diagnostic>) {
    for l in &slo.labels {
        let k = &l.key.value;
        // Empty names and `__name__` are Sloth's own checks (V006, V012).
        if k.is_empty() || k == "__name__" || NAME.is_match(k) {
            continue;
        }
        let fixed: String = k
            .chars()
            .enumerate()
            .map(|(i, c)| {
                if c.is_ascii_alphanumeric() && !(i == 0 && c.is_ascii_digit()) || c == '_' {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        out.push(
            ctx.at(
                &RULE,
                l.key.pos,
                format!(
                    "`{k}` in `{}` is not a valid Prometheus label name",
                    l.scope
                ),
            )
            .with_label("invalid label name")
            .with_help(format!(
                "label names match [a-zA-Z_][a-zA-Z0-9_]*; for example `{fixed}`"
            )),
        );
    }
}
