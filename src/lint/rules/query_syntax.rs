//! `V009`/`V010`: Sloth's query checks, run by lint on every query as written, in the dialect
//! chosen with `--dialect`. Documentation: [`sloth_validation`](super::sloth_validation).
//!
//! The checks themselves are [`crate::model::validate::check_query`], the one implementation
//! `generate` and `validate` use too; lint adds the exact line inside multi-line queries and
//! runs them even when a plugin chain leaves Sloth's validator out.

use crate::diag::Diagnostic;
use crate::lint::context::{DocCtx, SloView};
use crate::lint::registry;
use crate::model::validate::{self, code};

/// Checks each query's template and PromQL.
pub(crate) fn check(ctx: &DocCtx, slo: &SloView, out: &mut Vec<Diagnostic>) {
    for q in slo.queries.iter().filter(|q| q.written) {
        let field = q.role.field(ctx.kind);
        let dialect = ctx.dialect(q);
        for (c, message) in validate::check_query(&q.text, dialect) {
            let info = registry::info(c).expect("validation codes are registered");
            let mut d = ctx
                .span(info, ctx.query_span(q), format!("{field}: {message}"))
                .with_label(if c == code::QUERY_TEMPLATE {
                    "no {{.window}} here"
                } else {
                    "does not parse"
                });
            d.help = Some(if c == code::QUERY_TEMPLATE {
                "write the range as `[{{.window}}]`, e.g. `sum(rate(http_requests_total{code=~\"5..\"}[{{.window}}]))`".into()
            } else {
                format!(
                    "the query is parsed as {} after `{{{{.window}}}}` becomes `1m`; for VictoriaMetrics queries use `--dialect metricsql`",
                    match dialect {
                        validate::Dialect::PromQl => "PromQL",
                        validate::Dialect::MetricsQl => "MetricsQL",
                    }
                )
            });
            out.push(d);
        }
    }
}
