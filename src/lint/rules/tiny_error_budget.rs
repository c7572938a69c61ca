//! `L006 tiny-error-budget`: an objective so close to 100% that the budget is useless.
//! Documentation: [`DOCS`].

use crate::diag::{Diagnostic, RuleInfo, Severity};
use crate::gofmt::format_g;
use crate::lint::context::{DocCtx, SloView};

/// The rule's documentation: what it does, why it matters, an example.
pub(crate) const DOCS: &str = r#"## What it does
Flags objectives of 99.999% and above, and says how small the budget is: the time of full
outage it allows over the SLO period, and the daily traffic below which the budget is
smaller than one failed request a day.

## Why is this bad?
At 99.999% over 30 days the budget is 26 seconds of full outage. Unless the service handles
at least 100,000 requests a day, a single failed request a day already spends more than the
budget, so the SLO is breached by noise and every burn-rate alert is either silent or firing.
An objective of 100% has no budget at all.

## Example
```yaml
objective: 99.9999   # L006: 2.6 s of outage in 30 days
```
"#;

/// The catalogue entry.
pub(crate) const RULE: RuleInfo = RuleInfo {
    code: "L006",
    name: "tiny-error-budget",
    severity: Severity::Warning,
    summary: "An objective of 99.999% or more: a budget smaller than one failed request a day at modest traffic",
    docs: DOCS,
};

/// The objective from which the rule warns, percent.
pub(crate) const THRESHOLD: f64 = 99.999;

/// Checks the objective against [`THRESHOLD`].
pub(crate) fn check(ctx: &DocCtx, slo: &SloView, out: &mut Vec<Diagnostic>) {
    let Some(objective) = &slo.objective else {
        return;
    };
    let obj = objective.value;
    // Tolerate 99.999 written as a float slightly below it.
    if !(THRESHOLD - 1e-9..=100.0).contains(&obj) {
        return;
    }
    let budget = (100.0 - obj) / 100.0;
    let d = if budget <= 0.0 {
        ctx.at(
            &RULE,
            objective.pos,
            "objective 100% leaves no error budget: every failed request breaks the SLO",
        )
        .with_label("no budget")
    } else {
        let period = slo.windows.map(|w| w.period);
        let outage = period
            .map(|p| {
                let secs = p.as_millis() as f64 / 1000.0 * budget;
                format!("{} of full outage per {p}, and ", seconds(secs))
            })
            .unwrap_or_default();
        let per_day = (1.0 / budget).round();
        ctx.at(
            &RULE,
            objective.pos,
            format!(
                "objective {}% leaves an error budget of {}%: {outage}less than one failed request a day below {} requests a day",
                format_g(obj),
                format_g(((budget * 100.0) * 1e9).round() / 1e9),
                per_day as u64
            ),
        )
        .with_label("tiny budget")
    };
    out.push(d.with_help(
        "pick the objective your users need and your traffic can measure (99.9% or 99.99% are common)",
    ));
}

fn seconds(s: f64) -> String {
    if s >= 120.0 {
        format!("{}m", format_g((s / 6.0).round() / 10.0))
    } else {
        format!("{}s", format_g((s * 10.0).round() / 10.0))
    }
}
