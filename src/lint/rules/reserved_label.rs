//! `L012 reserved-label`: a user label that overrides one of Sloth's `sloth_*` labels.
//! Documentation: [`DOCS`].

use crate::diag::{Diagnostic, RuleInfo, Severity};
use crate::lint::context::{DocCtx, SloView};

/// The rule's documentation: what it does, why it matters, an example.
pub(crate) const DOCS: &str = r#"## What it does
Flags user labels whose name starts with `sloth_`.

## Why is this bad?
Sloth puts `sloth_id`, `sloth_service`, `sloth_slo`, `sloth_window`, `sloth_severity` and
the `sloth_*` info labels on the rules it generates; dashboards, alert routes and the
metadata rules join on them. A user label with such a name overrides or collides with
Sloth's, which breaks those joins in ways that are hard to see.

## Example
```yaml
labels:
  sloth_service: checkout   # L012
```
"#;

/// The catalogue entry.
pub(crate) const RULE: RuleInfo = RuleInfo {
    code: "L012",
    name: "reserved-label",
    severity: Severity::Warning,
    summary: "A user label named `sloth_*`, overriding the labels Sloth sets",
    docs: DOCS,
};

/// Checks every label key.
pub(crate) fn check(ctx: &DocCtx, slo: &SloView, out: &mut Vec<Diagnostic>) {
    for l in &slo.labels {
        if !l.key.value.starts_with("sloth_") {
            continue;
        }
        out.push(
            ctx.at(
                &RULE,
                l.key.pos,
                format!(
                    "label `{}` in `{}` overrides a label that Sloth sets on the generated rules",
                    l.key.value, l.scope
                ),
            )
            .with_label("reserved prefix")
            .with_help("rename the label; names starting with `sloth_` belong to Sloth"),
        );
    }
}
