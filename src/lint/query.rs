//! What lint rules need to know about an SLI query: its selectors, ranges, functions and
//! grouping, read from the PromQL syntax tree after `{{.window}}` expansion.
//!
//! The query is rendered with a sentinel window that nobody writes by hand, so that after
//! parsing, every range equal to the sentinel came from `{{.window}}` and every other range
//! was written literally.

use std::collections::BTreeMap;
use std::time::Duration as StdDuration;

use promql_parser::label::MatchOp;
use promql_parser::parser::{Expr, LabelModifier};

use crate::model::template::{self, MissingKey};

/// The window the query is rendered with: 2h9m37s, a range nobody writes.
const SENTINEL: &str = "7777s";
const SENTINEL_SECS: u64 = 7777;

/// One vector selector: its metric name (when fixed) and `(label, op, value)` matchers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Selector {
    pub name: Option<String>,
    pub matchers: Vec<(String, &'static str, String)>,
}

/// Facts about a query that parses.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct QueryFacts {
    pub selectors: Vec<Selector>,
    /// Ranges written literally (`[5m]`), in seconds.
    pub fixed_ranges: Vec<StdDuration>,
    /// How many ranges came from `{{.window}}`.
    pub window_ranges: usize,
    /// Function names called, in order.
    pub functions: Vec<&'static str>,
    /// The grouping of the outermost aggregations, when they agree: `by (a, b)`,
    /// `without (c)`, or empty for a plain `sum(...)`. `None` when there is no aggregation or
    /// the outermost aggregations disagree.
    pub grouping: Option<String>,
}

impl QueryFacts {
    /// Metric families used: names without `_bucket`, `_count`, `_sum` or `_total`.
    pub fn families(&self) -> Vec<String> {
        let mut out: Vec<String> = self
            .selectors
            .iter()
            .filter_map(|s| s.name.as_deref())
            .map(family)
            .collect();
        out.sort();
        out.dedup();
        out
    }

    /// Metric names used, sorted.
    pub fn metric_names(&self) -> Vec<String> {
        let mut out: Vec<String> = self
            .selectors
            .iter()
            .filter_map(|s| s.name.clone())
            .collect();
        out.sort();
        out.dedup();
        out
    }
}

/// The family of a metric name: the name without a histogram or counter suffix.
pub(crate) fn family(name: &str) -> String {
    for suffix in ["_bucket", "_count", "_sum", "_total"] {
        if let Some(base) = name.strip_suffix(suffix) {
            return base.to_string();
        }
    }
    name.to_string()
}

/// Parses `query` with `{{.window}}` expanded to the sentinel; `None` when the template or
/// the PromQL does not parse (other rules report that).
pub(crate) fn analyze(query: &str) -> Option<QueryFacts> {
    let data = BTreeMap::from([("window", SENTINEL.to_string())]);
    let rendered = template::render(query, &data, MissingKey::NoValue).ok()?;
    let expr = crate::promql::parse(&rendered).ok()?;
    let mut facts = QueryFacts::default();
    walk(&expr, &mut facts);
    facts.grouping = outer_grouping(&expr);
    Some(facts)
}

fn walk(expr: &Expr, f: &mut QueryFacts) {
    match expr {
        Expr::Aggregate(a) => {
            if let Some(p) = &a.param {
                walk(p, f);
            }
            walk(&a.expr, f);
        }
        Expr::Unary(u) => walk(&u.expr, f),
        Expr::Binary(b) => {
            walk(&b.lhs, f);
            walk(&b.rhs, f);
        }
        Expr::Paren(p) => walk(&p.expr, f),
        Expr::Subquery(s) => {
            range(s.range, f);
            walk(&s.expr, f);
        }
        Expr::VectorSelector(vs) => f.selectors.push(selector(vs)),
        Expr::MatrixSelector(ms) => {
            range(ms.range, f);
            f.selectors.push(selector(&ms.vs));
        }
        Expr::Call(c) => {
            f.functions.push(c.func.name);
            for a in &c.args.args {
                walk(a, f);
            }
        }
        Expr::NumberLiteral(_) | Expr::StringLiteral(_) | Expr::Extension(_) => {}
    }
}

fn range(d: StdDuration, f: &mut QueryFacts) {
    if d.as_secs() == SENTINEL_SECS && d.subsec_nanos() == 0 {
        f.window_ranges += 1;
    } else {
        f.fixed_ranges.push(d);
    }
}

fn selector(vs: &promql_parser::parser::VectorSelector) -> Selector {
    let mut name = vs.name.clone();
    let mut matchers = Vec::new();
    for m in &vs.matchers.matchers {
        let op = match &m.op {
            MatchOp::Equal => "=",
            MatchOp::NotEqual => "!=",
            MatchOp::Re(_) => "=~",
            MatchOp::NotRe(_) => "!~",
        };
        if m.name == "__name__" && op == "=" && name.is_none() {
            name = Some(m.value.clone());
            continue;
        }
        matchers.push((m.name.clone(), op, m.value.clone()));
    }
    Selector { name, matchers }
}

/// The grouping shared by the outermost aggregations of `expr`.
fn outer_grouping(expr: &Expr) -> Option<String> {
    let mut found: Vec<String> = Vec::new();
    let mut stack = vec![expr];
    while let Some(e) = stack.pop() {
        match e {
            Expr::Aggregate(a) => found.push(grouping_text(a.modifier.as_ref())),
            Expr::Unary(u) => stack.push(&u.expr),
            Expr::Binary(b) => {
                stack.push(&b.lhs);
                stack.push(&b.rhs);
            }
            Expr::Paren(p) => stack.push(&p.expr),
            Expr::Subquery(s) => stack.push(&s.expr),
            Expr::Call(c) => stack.extend(c.args.args.iter().map(|a| a.as_ref())),
            _ => {}
        }
    }
    let first = found.first()?.clone();
    found.iter().all(|g| *g == first).then_some(first)
}

fn grouping_text(m: Option<&LabelModifier>) -> String {
    let (word, labels) = match m {
        None => return String::new(),
        Some(LabelModifier::Include(l)) => ("by", &l.labels),
        Some(LabelModifier::Exclude(l)) => ("without", &l.labels),
    };
    let mut labels: Vec<&str> = labels.iter().map(|s| s.as_str()).collect();
    labels.sort();
    labels.dedup();
    format!("{word} ({})", labels.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tells_window_ranges_from_fixed_ones() {
        let f = analyze("sum(rate(a_total[{{.window}}])) / sum(rate(a_total[5m]))").unwrap();
        assert_eq!(f.window_ranges, 1);
        assert_eq!(f.fixed_ranges, vec![StdDuration::from_secs(300)]);
    }

    #[test]
    fn reads_names_matchers_functions_and_grouping() {
        let f = analyze(r#"sum by (code, job) (rate(http_request_duration_seconds_bucket{le="0.3"}[{{.window}}]))"#)
            .unwrap();
        assert_eq!(
            f.metric_names(),
            vec!["http_request_duration_seconds_bucket"]
        );
        assert_eq!(f.families(), vec!["http_request_duration_seconds"]);
        assert_eq!(
            f.selectors[0].matchers,
            vec![("le".to_string(), "=", "0.3".to_string())]
        );
        assert_eq!(f.functions, vec!["rate"]);
        assert_eq!(f.grouping.as_deref(), Some("by (code, job)"));
    }

    #[test]
    fn grouping_of_a_plain_sum_is_empty_and_of_none_is_unknown() {
        assert_eq!(
            analyze("sum(rate(a[{{.window}}]))")
                .unwrap()
                .grouping
                .as_deref(),
            Some("")
        );
        assert_eq!(analyze("rate(a[{{.window}}])").unwrap().grouping, None);
    }

    #[test]
    fn unparsable_queries_give_nothing() {
        assert!(analyze("sum(rate(a[{{.window}}])").is_none());
        assert!(analyze("sum(rate(a[{{.window}]))").is_none());
    }
}
