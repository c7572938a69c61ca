//! `V009`/`V010`: Sloth's query checks, run by lint on every query as written, in the dialect
//! chosen with `--dialect`. Documentation: [`sloth_validation`](super::sloth_validation).
//!
//! The checks themselves are [`crate::model::validate::check_query`], the one implementation
//! `generate` and `validate` use too; lint adds the exact line inside multi-line queries and
//! runs them even when a plugin chain leaves Sloth's validator out. A query that glues
//! `{{.window}}` to other text is also parsed in every window `generate` writes it with, as
//! `generate` does ([`crate::model::validate::window_glued`]).

use std::collections::BTreeMap;

use crate::diag::Diagnostic;
use crate::duration::Duration;
use crate::lint::context::{sli_path, DocCtx, QueryRef, SloView};
use crate::lint::registry;
use crate::lint::rules::unknown_key;
use crate::model::template::{self, MissingKey};
use crate::model::validate::{self, code, Dialect};

/// Checks each query's template and PromQL.
pub(crate) fn check(ctx: &DocCtx, slo: &SloView, out: &mut Vec<Diagnostic>) {
    for q in slo.queries.iter().filter(|q| q.written) {
        let field = q.role.field(ctx.kind);
        let dialect = ctx.dialect(q);
        let problems = validate::check_query(&q.text, dialect);
        if problems.is_empty() && dialect == Dialect::PromQl {
            glued_window(ctx, slo, q, out);
        }
        for (c, message) in problems {
            let info = registry::info(c).expect("validation codes are registered");
            if c == code::QUERY_TEMPLATE && q.text.trim().is_empty() {
                out.push(missing(ctx, slo, q));
                continue;
            }
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

/// A query that is missing or empty: names the key, and the misspelt key that was probably
/// meant for it.
fn missing(ctx: &DocCtx, slo: &SloView, q: &QueryRef) -> Diagnostic {
    let info = registry::info(code::QUERY_TEMPLATE).expect("validation codes are registered");
    let field = q.role.field(ctx.kind);
    let index = ctx
        .slos
        .iter()
        .position(|v| std::ptr::eq(v, slo))
        .expect("the SLO is one of the document's");
    if let Some((node, key)) =
        unknown_key::near_miss(ctx, &sli_path(ctx.kind, index, q.role), field)
    {
        return ctx
            .at(
                info,
                node.pos,
                format!("`{field}` is missing: `{key}` is not a key Sloth knows, so the SLI has no {field}"),
            )
            .with_label(format!("did you mean `{field}`?"))
            .with_help(format!("rename `{key}` to `{field}`"));
    }
    ctx.span(
        info,
        ctx.query_span(q),
        format!("`{field}` is missing or empty; the SLI needs it"),
    )
    .with_label("no query")
    .with_help(format!(
        "add `{field}:` with a query that uses `{{{{.window}}}}` as its range, e.g. `sum(rate(http_requests_total[{{{{.window}}}}]))`"
    ))
}

/// Parses a query whose `{{.window}}` touches other text in each window of its SLO, and
/// reports the first that does not parse (`[30d{{.window}}]` is `[30d1d]` in the 1d window).
fn glued_window(ctx: &DocCtx, slo: &SloView, q: &QueryRef, out: &mut Vec<Diagnostic>) {
    let Some(w) = &slo.windows else { return };
    if !validate::window_glued(&q.text) {
        return;
    }
    let mut windows: Vec<Duration> = [w.page_quick, w.page_slow, w.ticket_quick, w.ticket_slow]
        .iter()
        .flat_map(|a| [a.short, a.long])
        .chain([w.period])
        .collect();
    windows.sort();
    windows.dedup();
    for window in windows {
        let data = BTreeMap::from([("window", window.to_string())]);
        let Ok(rendered) = template::render(&q.text, &data, MissingKey::NoValue) else {
            return;
        };
        if let Err(e) = crate::promql::check(&rendered) {
            let info =
                registry::info(code::QUERY_EXPRESSION).expect("validation codes are registered");
            let field = q.role.field(ctx.kind);
            let mut d = ctx
                .span(
                    info,
                    ctx.query_span(q),
                    format!("{field}: with `{{{{.window}}}}` as `{window}`, a window `generate` writes, the query does not parse: {e}"),
                )
                .with_label("does not parse in every window");
            d.help = Some(
                "`{{.window}}` is replaced as text; keep it apart from other letters and digits, e.g. `[{{.window}}]`"
                    .into(),
            );
            out.push(d);
            return;
        }
    }
}
