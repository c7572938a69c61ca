//! `L013 missing-description`: an SLO without a description. Documentation: [`DOCS`].

use crate::diag::{Diagnostic, RuleInfo, Severity};
use crate::lint::context::{DocCtx, SloView};

/// The rule's documentation: what it does, why it matters, an example.
pub(crate) const DOCS: &str = r#"## What it does
Flags SLOs with no `description` (or an empty one).

## Why is this bad?
The description is what the person paged at 3 a.m. reads to learn what the SLO promises and
to whom. Sloth puts it nowhere in the alert itself, so the spec is the only place it lives.
(An alert with no `alerting.name` while it is enabled is refused by Sloth: V011.)

## Example
```yaml
- name: requests-availability
  description: "Checkout API answers without 5xx errors."
```
"#;

/// The catalogue entry.
pub(crate) const RULE: RuleInfo = RuleInfo {
    code: "L013",
    name: "missing-description",
    severity: Severity::Info,
    summary: "An SLO with no description",
    docs: DOCS,
};

/// Checks the description.
pub(crate) fn check(ctx: &DocCtx, slo: &SloView, out: &mut Vec<Diagnostic>) {
    if !slo.description.value.trim().is_empty() {
        return;
    }
    let pos = if slo.name.pos.is_unknown() {
        slo.pos
    } else {
        slo.name.pos
    };
    out.push(
        ctx.at(&RULE, pos, format!("SLO `{}` has no description", slo.id))
            .with_label("no description")
            .with_help("add `description:` saying what the SLO promises, and to whom"),
    );
}
