//! `L014 objective-as-ratio`: an objective written as a ratio (0.999) instead of a percent.
//! Documentation: [`DOCS`].

use crate::diag::{Diagnostic, RuleInfo, Severity};
use crate::gofmt::format_g;
use crate::lint::context::{DocCtx, SloView};

/// The rule's documentation: what it does, why it matters, an example.
pub(crate) const DOCS: &str = r#"## What it does
Flags an objective of 1 or less in a Sloth spec.

## Why is this bad?
Sloth's `objective` is a percentage. `0.999` is accepted (it is above 0) but means 0.999%:
an SLO that is met when 99% of requests fail, with alerts that can never fire. OpenSLO's
`target` is a ratio; Sloth's `objective` is not.

## Example
```yaml
objective: 0.999   # L014: write 99.9
```
"#;

/// The catalogue entry.
pub(crate) const RULE: RuleInfo = RuleInfo {
    code: "L014",
    name: "objective-as-ratio",
    severity: Severity::Warning,
    summary: "An objective of 1 or less, probably a ratio where Sloth wants a percentage",
    docs: DOCS,
};

/// Checks the objective's magnitude.
pub(crate) fn check(ctx: &DocCtx, slo: &SloView, out: &mut Vec<Diagnostic>) {
    let Some(objective) = &slo.objective else {
        return;
    };
    let obj = objective.value;
    if !(obj > 0.0 && obj <= 1.0) || ctx.kind.spec_name().starts_with("openslo") {
        return;
    }
    out.push(
        ctx.at(
            &RULE,
            objective.pos,
            format!(
                "objective {}% looks like a ratio; Sloth reads it as a percentage",
                format_g(obj)
            ),
        )
        .with_label("percent, not ratio")
        .with_help(format!(
            "write `objective: {}`",
            format_g(((obj * 100.0) * 1e9).round() / 1e9)
        )),
    );
}
