//! `L002 hardcoded-range`: a range written literally where `{{.window}}` belongs.
//! Documentation: [`DOCS`].

use std::sync::LazyLock;

use regex::Regex;

use crate::diag::{Diagnostic, RuleInfo, Severity};
use crate::lint::context::{DocCtx, SloView};
use crate::lint::query;

/// The rule's documentation: what it does, why it matters, an example.
pub(crate) const DOCS: &str = r#"## What it does
Flags range selectors and subqueries in an SLI query whose range is written literally
(`[5m]`) instead of `[{{.window}}]`. A query with no `{{.window}}` at all is refused by Sloth
(V009); this rule catches the query that uses the window in one place and a fixed range in
another.

## Why is this bad?
Sloth renders each SLI query once per alert window (5m, 30m, 1h, 2h, 6h, 1d, 3d) and for the
SLO period. A fixed range makes every one of those recording rules measure the same 5 minutes,
so the long windows of the burn-rate alerts see short-term noise, and the ratio mixes two
different time ranges.

## Example
```yaml
error_query: sum(rate(http_requests_total{code=~"5.."}[{{.window}}]))
total_query: sum(rate(http_requests_total[5m]))   # L002: use [{{.window}}]
```
"#;

/// The catalogue entry.
pub(crate) const RULE: RuleInfo = RuleInfo {
    code: "L002",
    name: "hardcoded-range",
    severity: Severity::Warning,
    summary: "A range written literally (`[5m]`) in an SLI query instead of `[{{.window}}]`",
    docs: DOCS,
};

static RANGE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\[\s*([0-9][0-9a-zA-Z]*)\s*(:[^\]]*)?\]").expect("valid regex"));

/// Reports every literal range of every query.
pub(crate) fn check(ctx: &DocCtx, slo: &SloView, out: &mut Vec<Diagnostic>) {
    for q in &slo.queries {
        let Some(facts) = query::analyze(&q.text) else {
            continue;
        };
        if facts.fixed_ranges.is_empty() {
            continue;
        }
        let field = q.role.field(ctx.kind);
        for m in RANGE.find_iter(&q.text) {
            let written = m.as_str();
            out.push(
                ctx.span(
                    &RULE,
                    ctx.in_query(q, m.start(), written.chars().count()),
                    format!(
                        "{field} uses the hard-coded range `{written}` instead of the alert window"
                    ),
                )
                .with_label("fixed range")
                .with_help(
                    "write `[{{.window}}]` so that each recording rule covers its own window",
                ),
            );
        }
    }
}
