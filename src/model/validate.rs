//! Sloth's validation rules (`sloth.dev/core/validate/v1`), each in one place.
//!
//! compat(sloth): the rules and their wording follow slok/sloth
//! `pkg/common/validation/slo.go` (sloth-cli-validation.md §3.2). Sloth stops at the first
//! failure of an SLO; slogen reports every failure, in Sloth's order, so the first message is
//! the one Sloth would give.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use regex::Regex;

use super::template::{self, MissingKey};
use super::{AlertMeta, ModelError, Sli, Slo};
use crate::source::Pos;

/// Which query language the validator parses queries with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Dialect {
    /// Prometheus PromQL (`sloth.dev/core/validate/v1`).
    #[default]
    PromQl,
    /// VictoriaMetrics MetricsQL (`sloth.dev/contrib/validate_victoria_metrics/v1`): a
    /// superset of PromQL; expressions PromQL refuses are accepted.
    MetricsQl,
}

/// Stable codes of the validation rules, shared with `lint`.
pub mod code {
    pub const INVALID_ID: &str = "V001";
    pub const INVALID_NAME: &str = "V002";
    pub const INVALID_SERVICE: &str = "V003";
    pub const MISSING_PERIOD: &str = "V004";
    pub const OBJECTIVE_RANGE: &str = "V005";
    pub const INVALID_LABEL: &str = "V006";
    pub const SLI_KIND: &str = "V007";
    pub const SAME_QUERIES: &str = "V008";
    pub const QUERY_TEMPLATE: &str = "V009";
    pub const QUERY_EXPRESSION: &str = "V010";
    pub const ALERT_NAME: &str = "V011";
    pub const ALERT_LABEL: &str = "V012";
    pub const PLUGINS: &str = "V013";
    pub const DUPLICATE_ID: &str = "V014";
    pub const UNSUPPORTED_PERIOD: &str = "V015";
    pub const SLI_PLUGIN: &str = "V016";
    /// An OpenSLO document that cannot be mapped to an SLO (unsupported feature, bad source).
    pub const OPENSLO: &str = "V017";
    /// A `slogen/*` SLO plugin whose config, place in the chain or SLI cannot work.
    pub const SLOGEN_PLUGIN: &str = "V018";
    pub const SHAPE: &str = "V000";
}

static NAME_RE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[A-Za-z0-9][-A-Za-z0-9_.]*[A-Za-z0-9]$").expect("valid regex"));
static WINDOW_RE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\{\{ *\.window *\}\}").expect("valid regex"));

const NAME_RULE: &str =
    "name must start and end with an alphanumeric and can only contain alphanumeric, '.', '_', and '-'";

/// Positions of an SLO's fields, for pointing at the one that is wrong.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SloSpans {
    pub name: Pos,
    pub service: Pos,
    pub objective: Pos,
    pub sli: Pos,
    pub error_query: Pos,
    pub total_query: Pos,
    pub page_alert: Pos,
    pub ticket_alert: Pos,
    /// `alerting.name` (where `alerting` starts when the name is absent).
    pub alert_name: Pos,
    pub labels: BTreeMap<String, Pos>,
}

/// Every rule the SLO breaks, in Sloth's order.
pub fn validate_slo(slo: &Slo, spans: &SloSpans, dialect: Dialect) -> Vec<ModelError> {
    let mut errs = Vec::new();
    let mut push = |code: &'static str, pos: Pos, field: &str, message: String| {
        errs.push(ModelError {
            code,
            pos: if pos.is_unknown() { slo.pos } else { pos },
            slo: Some(slo.id.clone()),
            field: field.to_string(),
            message,
        });
    };
    if let Some(m) = check_name(&slo.id) {
        // The ID is `<service>-<name>`: point at the part that breaks it.
        let (pos, field) = if check_name(&slo.service).is_some() {
            (spans.service, "service")
        } else {
            (spans.name, "name")
        };
        push(code::INVALID_ID, pos, field, format!("invalid SLO ID: {m}"));
    } else {
        if let Some(m) = check_name(&slo.name) {
            push(
                code::INVALID_NAME,
                spans.name,
                "name",
                format!("invalid SLO name: {m}"),
            );
        }
        if let Some(m) = check_name(&slo.service) {
            push(
                code::INVALID_SERVICE,
                spans.service,
                "service",
                format!("invalid SLO service: {m}"),
            );
        }
    }
    if slo.period.is_zero() {
        push(
            code::MISSING_PERIOD,
            slo.pos,
            "",
            "time window is required".into(),
        );
    }
    if !(slo.objective > 0.0 && slo.objective <= 100.0) {
        push(
            code::OBJECTIVE_RANGE,
            spans.objective,
            "objective",
            format!(
                "objective must >0 and <=100 (found {}; write a percentage such as 99.9)",
                crate::gofmt::format_g(slo.objective)
            ),
        );
    }
    for (k, v) in &slo.labels {
        let pos = spans.labels.get(k).copied().unwrap_or(slo.pos);
        if let Some(m) = check_label(k, v, "label") {
            push(
                code::INVALID_LABEL,
                pos,
                &format!("labels.{k}"),
                format!("invalid SLO {m}"),
            );
        }
    }
    match &slo.sli {
        Sli::Events {
            error_query,
            total_query,
        } => {
            if error_query == total_query {
                push(
                    code::SAME_QUERIES,
                    spans.error_query,
                    "sli.events",
                    "invalid SLI: both error and total queries can't be the same".into(),
                );
            }
            for (what, q, pos, field) in [
                (
                    "error",
                    error_query,
                    spans.error_query,
                    "sli.events.error_query",
                ),
                (
                    "total",
                    total_query,
                    spans.total_query,
                    "sli.events.total_query",
                ),
            ] {
                for (code, m) in check_query(q, dialect) {
                    let kind = if code == code::QUERY_TEMPLATE {
                        "template"
                    } else {
                        "expression"
                    };
                    push(
                        code,
                        pos,
                        field,
                        format!("invalid SLI: sli {what} query {kind}: {m}"),
                    );
                }
            }
        }
        Sli::Raw { error_ratio_query } => {
            for (code, m) in check_query(error_ratio_query, dialect) {
                let kind = if code == code::QUERY_TEMPLATE {
                    "template"
                } else {
                    "expression"
                };
                push(
                    code,
                    spans.error_query,
                    "sli.raw.error_ratio_query",
                    format!("invalid SLI: sli raw query {kind}: {m}"),
                );
            }
        }
    }
    for (which, alert, pos) in [
        ("page", &slo.page_alert, spans.page_alert),
        ("ticket", &slo.ticket_alert, spans.ticket_alert),
    ] {
        if let Some(alert) = alert {
            for (code, m) in check_alert(alert) {
                let (pos, field) = if code == code::ALERT_NAME {
                    (spans.alert_name, "alerting.name".to_string())
                } else {
                    (pos, format!("alerting.{which}_alert"))
                };
                push(
                    code,
                    pos,
                    &field,
                    format!("invalid alert: {which} alert: {m}"),
                );
            }
        }
    }
    for p in &slo.plugins {
        if p.id.is_empty() {
            push(
                code::PLUGINS,
                slo.pos,
                "plugins",
                "invalid plugins: plugin ID is required".into(),
            );
        }
    }
    errs
}

/// Sloth's name rule for IDs, names and services.
pub fn check_name(name: &str) -> Option<String> {
    if name.is_empty() {
        return Some("required".into());
    }
    if !NAME_RE.is_match(name) {
        return Some(NAME_RULE.into());
    }
    None
}

fn check_label(k: &str, v: &str, what: &str) -> Option<String> {
    if k == "__name__" {
        return Some(format!(
            "{what} key {k:?}: the {what} key \"__name__\" is not allowed"
        ));
    }
    if k.is_empty() {
        return Some(format!(
            "{what} key {k:?}: the {what} key {k:?} is not valid"
        ));
    }
    if v.is_empty() {
        return Some(format!("{what} value \"\": the {what} value is required"));
    }
    None
}

fn check_alert(alert: &AlertMeta) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    if alert.name.is_empty() {
        out.push((code::ALERT_NAME, "alert name is required".to_string()));
    }
    for (k, v) in &alert.labels {
        if let Some(m) = check_label(k, v, "label") {
            out.push((code::ALERT_LABEL, format!("invalid alert {m}")));
        }
    }
    for (k, v) in &alert.annotations {
        if k.is_empty() {
            out.push((
                code::ALERT_LABEL,
                format!(
                    "invalid alert annotation key {k:?}: the annotation key {k:?} is not valid"
                ),
            ));
        } else if v.is_empty() {
            out.push((
                code::ALERT_LABEL,
                "invalid alert annotation value \"\": the annotation value is required".to_string(),
            ));
        }
    }
    out
}

/// Template and expression checks of one query.
pub fn check_query(query: &str, dialect: Dialect) -> Vec<(&'static str, String)> {
    if query.is_empty() {
        return vec![(
            code::QUERY_TEMPLATE,
            "query template is required: required".into(),
        )];
    }
    if !WINDOW_RE.is_match(query) {
        return vec![(
            code::QUERY_TEMPLATE,
            "template must contain the {{ .window }} variable".into(),
        )];
    }
    let data = BTreeMap::from([("window", "1m".to_string())]);
    let rendered = match template::render(query, &data, MissingKey::NoValue) {
        Ok(r) => r,
        Err(e) => return vec![(code::QUERY_EXPRESSION, e.0)],
    };
    if let Err(e) = parse_expr(&rendered, dialect) {
        return vec![(code::QUERY_EXPRESSION, e)];
    }
    // Every query is written inside `(` `)` (the SLI rules); a `#` comment on its last line
    // would swallow the `)` and Prometheus would reject the rule, so refuse it here.
    if rendered.contains('#') && parse_expr(&format!("({rendered})"), dialect).is_err() {
        return vec![(
            code::QUERY_EXPRESSION,
            "the query's last line ends in a `#` comment, which would swallow the `)` written \
             after the query in the SLI rule; end the query with a line break or drop the comment"
                .into(),
        )];
    }
    Vec::new()
}

/// Whether a `{{ .window }}` placeholder in `query` touches a letter, digit, `_` or `.`.
///
/// The window is substituted as text, so such a query can parse in the `1m` it is validated
/// with and not in another window: `[30d{{.window}}]` is `30d1m` (a duration) but `30d1d`
/// (not one) in the day-long windows. Queries like `rate{{.window}}` in a recording-rule name
/// are legitimate, so this is a reason to check every generated window, not an error.
pub fn window_glued(query: &str) -> bool {
    let glue =
        |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.');
    WINDOW_RE.find_iter(query).any(|m| {
        glue(query[..m.start()].chars().next_back()) || glue(query[m.end()..].chars().next())
    })
}

/// Parses a rendered expression in `dialect`.
pub fn parse_expr(expr: &str, dialect: Dialect) -> Result<(), String> {
    match dialect {
        Dialect::PromQl => crate::promql::check(expr),
        // MetricsQL accepts everything PromQL does and more (`crate::metricsql` says how far
        // it is checked).
        Dialect::MetricsQl => crate::metricsql::check(expr),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_rule() {
        assert!(check_name("svc01-slo1").is_none());
        assert!(check_name("a").is_some());
        assert!(check_name("-slo1").is_some());
        assert!(check_name("").unwrap().contains("required"));
    }

    #[test]
    fn glued_windows() {
        assert!(!window_glued("sum(rate(x[{{.window}}]))"));
        assert!(!window_glued("rate(x[{{ .window }}:1m]) offset 5m"));
        assert!(window_glued("rate(x[30d{{.window}}])"));
        assert!(window_glued("job:errors:rate{{.window}}"));
        assert!(window_glued("rate(x[{{.window}}0])"));
    }

    #[test]
    fn query_rules() {
        assert!(check_query("sum(rate(x[{{.window}}]))", Dialect::PromQl).is_empty());
        assert!(check_query("sum(rate(x[{{ .window }}]))", Dialect::PromQl).is_empty());
        assert_eq!(
            check_query("sum(rate(x[5m]))", Dialect::PromQl)[0].0,
            code::QUERY_TEMPLATE
        );
        assert_eq!(
            check_query("sum(rate(x[{{-.window}}]))", Dialect::PromQl)[0].0,
            code::QUERY_TEMPLATE
        );
        assert_eq!(
            check_query("sum(rate(x{[{{.window}}]))", Dialect::PromQl)[0].0,
            code::QUERY_EXPRESSION
        );
        assert!(check_query("", Dialect::PromQl)[0].1.contains("required"));
    }
}
