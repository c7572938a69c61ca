//! `L016 metricsql-only`: MetricsQL in a query meant for Prometheus, Mimir or Thanos.
//! Documentation: [`DOCS`].

use crate::diag::{Diagnostic, RuleInfo, Severity};
use crate::emit::engine::Target;
use crate::lint::context::{DocCtx, SloView};
use crate::metricsql;
use crate::model::template::{self, MissingKey};

/// The rule's documentation: what it does, why it matters, an example.
pub(crate) const DOCS: &str = r#"## What it does
Flags SLI queries that call a function only VictoriaMetrics' MetricsQL has
(`histogram_share`, `range_avg`, `increase_pure`, `label_set`, …) or use `WITH` templates,
when the rules are for Prometheus, Mimir or Thanos. The target is `--target` (or `target` in
`.slogen.toml`); without one, a document that declares Sloth's VictoriaMetrics validator, or
a run with `--dialect metricsql`, is taken to be for vmalert and is not flagged.

## Why is this bad?
Prometheus, Mimir and Thanos evaluate PromQL: the rule file is refused when it is loaded
(`promtool check rules`, `mimirtool rules check`, the Thanos ruler), or, where the check is
skipped, every evaluation fails and the SLO records nothing.

## Example
```yaml
error_query: 1 - histogram_share(0.3, sum by (vmrange) (rate(d_bucket[{{.window}}])))  # L016
```
Generate for vmalert (`slogen generate --target vmalert --dialect metricsql`), or write the
query in PromQL (`histogram_quantile`, `le` buckets).
"#;

/// The catalogue entry.
pub(crate) const RULE: RuleInfo = RuleInfo {
    code: "L016",
    name: "metricsql-only",
    severity: Severity::Warning,
    summary: "A MetricsQL-only function or `WITH` in a query for Prometheus, Mimir or Thanos",
    docs: DOCS,
};

/// Reports each MetricsQL-only function a query calls.
pub(crate) fn check(ctx: &DocCtx, slo: &SloView, out: &mut Vec<Diagnostic>) {
    let target = match ctx.opts.config.target {
        Some(t) => t,
        None if ctx.vm_declared || ctx.opts.dialect == crate::model::Dialect::MetricsQl => {
            Target::Vmalert
        }
        None => Target::Prometheus,
    };
    if target == Target::Vmalert {
        return;
    }
    let data = std::collections::BTreeMap::from([("window", "5m".to_string())]);
    for q in &slo.queries {
        let Ok(rendered) = template::render(&q.text, &data, MissingKey::NoValue) else {
            continue;
        };
        let field = q.role.field(ctx.kind);
        let Some(called) = metricsql::called_functions(&rendered) else {
            continue;
        };
        let mut found: Vec<String> = called
            .into_iter()
            .filter(|f| metricsql::functions::is_metricsql_only(f))
            .collect();
        found.dedup();
        if metricsql::uses_with(&rendered) {
            found.insert(0, "WITH".into());
        }
        for name in found {
            let lower = q.text.to_ascii_lowercase();
            let span = match lower.find(&format!("{}(", name.to_ascii_lowercase())) {
                Some(at) => ctx.in_query(q, at, name.len()),
                None => ctx.query_span(q),
            };
            let what = if name == "WITH" {
                "MetricsQL's `WITH` templates".to_string()
            } else {
                format!("the MetricsQL-only function `{name}`")
            };
            out.push(
                ctx.span(
                    &RULE,
                    span,
                    format!(
                        "{field} uses {what}; {} evaluates PromQL and will refuse it",
                        target.name()
                    ),
                )
                .with_label("MetricsQL only")
                .with_help("generate with --target vmalert --dialect metricsql, or write the query in PromQL"),
            );
        }
    }
}
