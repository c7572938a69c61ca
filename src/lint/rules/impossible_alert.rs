//! `L005 impossible-alert`: a burn-rate alert window whose threshold is above 100% errors.
//! Documentation: [`DOCS`].

use crate::diag::{Diagnostic, RuleInfo, Severity};
use crate::gofmt::format_g;
use crate::lint::context::{DocCtx, SloView};
use crate::spec::windows::Window;

/// The rule's documentation: what it does, why it matters, an example.
pub(crate) const DOCS: &str = r#"## What it does
For every enabled alert (page and ticket) and each of its two window pairs, computes the
burn-rate factor B that Sloth uses (budget share × period / long window; 14.4 for the 1h/5m
page of a 30-day SLO) and the error-ratio threshold B × (1 − objective). Flags the window
when the threshold is 1 or more.

## Why is this bad?
The alert fires when the error ratio over both windows exceeds the threshold. An error ratio
cannot exceed 1 (100% of requests failing), so such an alert can never fire: a page at 14.4×
is impossible on any objective of 93.06% or lower, at 6× on 83.3% or lower. The SLO looks
covered but nobody will ever be paged.

## Example
```yaml
slos:
  - name: batch-jobs
    objective: 90        # L005: page window 1h/5m (factor 14.4) needs 144% errors
```
Raise the objective, disable the alert that cannot fire, or use an `AlertWindows` catalogue
with smaller factors for low objectives.

## References
- Google SRE Workbook, "Alerting on SLOs" (multiwindow, multi-burn-rate alerts).
"#;

/// The catalogue entry.
pub(crate) const RULE: RuleInfo = RuleInfo {
    code: "L005",
    name: "impossible-alert",
    severity: Severity::Error,
    summary: "An alert that can never fire: burn factor × (1 − objective) ≥ 1",
    docs: DOCS,
};

/// Checks every enabled alert window against the objective.
pub(crate) fn check(ctx: &DocCtx, slo: &SloView, out: &mut Vec<Diagnostic>) {
    let (Some(objective), Some(windows)) = (&slo.objective, &slo.windows) else {
        return;
    };
    let obj = objective.value;
    if !(obj > 0.0 && obj < 100.0) {
        return;
    }
    let period_hours = windows.period.go_hours();
    let mut pairs: Vec<(&str, &str, &Window)> = Vec::new();
    if slo.page {
        pairs.push(("page", "quick", &windows.page_quick));
        pairs.push(("page", "slow", &windows.page_slow));
    }
    if slo.ticket {
        pairs.push(("ticket", "quick", &windows.ticket_quick));
        pairs.push(("ticket", "slow", &windows.ticket_slow));
    }
    for (alert, speed, w) in pairs {
        // compat(sloth): the factor as Sloth computes it (sloth-generation.md §4.1).
        let factor = w.error_budget_percent * period_hours / 100.0 / w.long.go_hours();
        let threshold = factor * (100.0 - obj) / 100.0;
        if threshold < 1.0 {
            continue;
        }
        let max_objective = 100.0 * (1.0 - 1.0 / factor);
        out.push(
            ctx.at(
                &RULE,
                objective.pos,
                format!(
                    "the {alert} alert can never fire: its {speed} window {}/{} has burn-rate factor {}, and {} × (1 − {}%) = {} ≥ 1",
                    w.long,
                    w.short,
                    round(factor),
                    round(factor),
                    format_g(obj),
                    round(threshold)
                ),
            )
            .with_label(format!("needs {}% of requests to fail", round(threshold * 100.0)))
            .with_help(format!(
                "raise the objective above {}%, disable the {alert} alert, or use alert windows with a smaller factor",
                round(max_objective)
            )),
        );
    }
}

/// A number with at most four decimals, for messages.
fn round(x: f64) -> String {
    format_g((x * 10_000.0).round() / 10_000.0)
}
