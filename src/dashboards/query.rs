//! The PromQL the panels run. Every query reads slogen's recording rules (or `ALERTS`, which
//! Prometheus writes from slogen's alert rules); only the events panel runs the SLI's own
//! queries, over `$__rate_interval`. No range is longer than a panel step, and no query uses
//! a subquery, so the dashboards stay within Mimir's 768h limit on every data source.

use promql_parser::parser::Expr;

use super::slo::{SloView, SLI_RECORD};
use crate::duration::Duration;
use crate::gofmt::quote_go;

/// Grafana's variables, as they appear in queries.
pub const INTERVAL: &str = "$__interval";
pub const RATE_INTERVAL: &str = "$__rate_interval";

/// Mimir's default `max_query_lookback`-style limit on one range or subquery: 768h.
pub const MAX_RANGE: Duration = Duration::from_hours(768);

/// The labels that identify an SLO's series, for `on (…)` matching.
const ID_LABELS: &str = "sloth_id, sloth_slo, sloth_service";

/// `name="value"`, the value quoted as PromQL reads it.
pub fn matcher(name: &str, value: &str) -> String {
    format!("{name}={}", quote_go(value))
}

/// `{sloth_id="…", route=~"$route", …}`: one SLO, filtered by the group variables.
pub fn selector(v: &SloView) -> String {
    let mut parts = vec![matcher("sloth_id", &v.slo.id)];
    for label in &v.grouping {
        parts.push(format!("{label}=~\"${}\"", super::variable_name(label)));
    }
    format!("{{{}}}", parts.join(", "))
}

/// `{sloth_id="…"}`: one SLO, every group.
fn id_selector(v: &SloView) -> String {
    format!("{{{}}}", matcher("sloth_id", &v.slo.id))
}

/// `sloth_window` and the grouping labels, for `by (…)`.
fn by_window_and_groups(v: &SloView) -> String {
    let mut labels = vec!["sloth_window".to_string()];
    labels.extend(v.grouping.iter().cloned());
    labels.join(", ")
}

/// A recorded metric of the SLO.
pub fn recorded(v: &SloView, record: &str) -> String {
    format!("{record}{}", selector(v))
}

/// A recorded metric of the SLO that has no group labels (objective, error budget).
pub fn recorded_all_groups(v: &SloView, record: &str) -> String {
    format!("{record}{}", id_selector(v))
}

/// The SLI error ratio over `window`.
pub fn sli(v: &SloView, window: Duration) -> String {
    recorded(v, &format!("{SLI_RECORD}{window}"))
}

/// The mean of the short-window error ratio over each panel step: Sloth's definition of the
/// period SLI, one step at a time.
pub fn sli_per_step(v: &SloView) -> String {
    format!("avg_over_time({}[{INTERVAL}])", sli(v, v.short))
}

/// An error ratio expression as a burn rate: divided by the recorded error budget.
fn as_burn_rate(v: &SloView, ratio: &str) -> String {
    format!(
        "{ratio}\n/ on ({ID_LABELS}) group_left\nslo:error_budget:ratio{}",
        id_selector(v)
    )
}

/// The burn rate over one alert window.
pub fn burn_rate(v: &SloView, window: Duration) -> String {
    as_burn_rate(v, &sli(v, window))
}

/// The burn rate of a window pair as its alert sees it: the lower of the two windows' rates.
/// The alert condition holds exactly when this exceeds the pair's factor.
pub fn pair_burn_rate(v: &SloView, short: Duration, long: Duration) -> String {
    let ratio = format!(
        "min without (sloth_window) (\n  {}\n  or\n  {}\n)",
        sli(v, short),
        sli(v, long)
    );
    as_burn_rate(v, &ratio)
}

/// 1 where the alert fired at any time in a panel step (one series per `sloth_window` where
/// the rules carry it), 0 where it did not fire at all.
pub fn alert_firing(v: &SloView, name: &str, severity: Option<&str>) -> String {
    let mut m = vec![
        matcher("sloth_id", &v.slo.id),
        matcher("alertname", name),
        matcher("alertstate", "firing"),
    ];
    if let Some(s) = severity {
        m.push(matcher("sloth_severity", s));
    }
    for label in &v.grouping {
        m.push(format!("{label}=~\"${}\"", super::variable_name(label)));
    }
    format!(
        "max by ({}) (max_over_time(ALERTS{{{}}}[{INTERVAL}]))\nor on () vector(0)",
        by_window_and_groups(v),
        m.join(", ")
    )
}

/// An SLI query of the SLO, restricted to the selected groups.
pub fn events(v: &SloView, q: &str) -> String {
    if v.grouping.is_empty() {
        return q.to_string();
    }
    format!(
        "({q})\nand on ({})\n{}",
        v.grouping.join(", "),
        sli(v, v.short)
    )
}

/// `sloth_service=~"a|b"` for a list of services.
pub fn services_matcher(services: &[&str]) -> String {
    regex_matcher("sloth_service", services)
}

/// `label=~"a|b"`, each value escaped for the regex and the string; `label="a"` for one.
pub fn regex_matcher(label: &str, values: &[&str]) -> String {
    if let [one] = values {
        return matcher(label, one);
    }
    let alternatives: Vec<String> = values
        .iter()
        .map(|s| crate::promql::quote_meta(s))
        .collect();
    format!("{label}=~{}", quote_go(&alternatives.join("|")))
}

/// The text with Grafana's interval variables replaced by durations Grafana could give them.
fn with_sample_intervals(expr: &str) -> String {
    expr.replace(RATE_INTERVAL, "30m15s")
        .replace(INTERVAL, "30m")
}

/// True when the text parses once Grafana's variables are filled in, and neither a range nor
/// a subquery in it is longer than [`MAX_RANGE`].
pub fn within_limits(expr: &str) -> bool {
    match crate::promql::parse(&with_sample_intervals(expr)) {
        Ok(e) => longest_range(&e) <= std::time::Duration::from_millis(MAX_RANGE.as_millis()),
        Err(_) => false,
    }
}

/// The longest range or subquery range in an expression.
pub fn longest_range(e: &Expr) -> std::time::Duration {
    let zero = std::time::Duration::ZERO;
    match e {
        Expr::MatrixSelector(m) => m.range,
        Expr::Subquery(s) => s.range.max(longest_range(&s.expr)),
        Expr::Aggregate(a) => {
            let p = a.param.as_deref().map(longest_range).unwrap_or(zero);
            longest_range(&a.expr).max(p)
        }
        Expr::Binary(b) => longest_range(&b.lhs).max(longest_range(&b.rhs)),
        Expr::Paren(p) => longest_range(&p.expr),
        Expr::Unary(u) => longest_range(&u.expr),
        Expr::Call(c) => c
            .args
            .args
            .iter()
            .map(|a| longest_range(a))
            .max()
            .unwrap_or(zero),
        _ => zero,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_count_ranges_and_subqueries() {
        assert!(within_limits("sum(rate(x[$__rate_interval]))"));
        assert!(within_limits("avg_over_time(x[$__interval])"));
        assert!(within_limits("rate(x[768h])"));
        assert!(!within_limits("rate(x[769h])"));
        assert!(within_limits("max_over_time(rate(x[5m])[31d:1h])"));
        assert!(!within_limits("max_over_time(rate(x[5m])[33d:1h])"));
        assert!(!within_limits("sum(rate(x[5m]) or rate(y[33d]))"));
        assert!(!within_limits("sum(rate(x[5m])"));
    }

    #[test]
    fn service_regexes_escape_each_name() {
        assert_eq!(
            services_matcher(&["tr-web", "a.b", "c\"d", "(x|y)*"]),
            r#"sloth_service=~"tr-web|a\\.b|c\"d|\\(x\\|y\\)\\*""#
        );
        let re =
            regex::Regex::new(&format!("^(?:{})$", crate::promql::quote_meta("(x|y)*"))).unwrap();
        assert!(re.is_match("(x|y)*") && !re.is_match("x"));
    }
}
