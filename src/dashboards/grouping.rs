//! Which labels an SLI's series are split by: the `by (…)` of its queries' aggregations.
//!
//! A grouped SLO (`sum by (route) (rate(…))`) records one series per route, so its dashboard
//! needs a variable per grouping label and panels that split per group. The labels are read
//! from the PromQL syntax tree of the SLI expression as the recording rule computes it
//! (`(error)/(total)` for events SLIs): [`output_labels`] follows how Prometheus carries labels
//! through aggregations, functions and vector matching. Where the labels cannot be known from
//! the text alone (a raw selector, `without (…)`), the SLO is treated as ungrouped: its panels
//! still show every series, but get no variable.

use std::collections::BTreeSet;

use promql_parser::parser::{Expr, LabelModifier, VectorMatchCardinality};

/// The labels an expression's result series carry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OutputLabels {
    /// Exactly these labels (empty: a single series).
    Known(BTreeSet<String>),
    /// Whatever the raw series carry.
    Unknown,
}

use OutputLabels::{Known, Unknown};

/// The grouping labels of an SLI expression: its output labels when they are known, without
/// `sloth_*` labels (the recording rules set those). Empty for an ungrouped SLO, for text that
/// does not parse, and when the labels cannot be known.
pub fn grouping_labels(expr: &str) -> Vec<String> {
    let Ok(parsed) = crate::promql::parse(expr) else {
        return Vec::new();
    };
    match output_labels(&parsed) {
        Known(labels) => labels
            .into_iter()
            .filter(|l| !l.starts_with("sloth_") && !l.starts_with("__"))
            .collect(),
        Unknown => Vec::new(),
    }
}

fn names(labels: &promql_parser::label::Labels) -> BTreeSet<String> {
    labels.labels.iter().cloned().collect()
}

/// The labels of the result of `expr`, as Prometheus computes them.
pub fn output_labels(expr: &Expr) -> OutputLabels {
    match expr {
        Expr::Aggregate(a) => {
            let op = a.op.to_string();
            let inner = output_labels(&a.expr);
            let mut out = match &a.modifier {
                Some(LabelModifier::Include(by)) => Known(names(by)),
                Some(LabelModifier::Exclude(without)) => match inner.clone() {
                    Known(mut ls) => {
                        for l in &without.labels {
                            ls.remove(l);
                        }
                        Known(ls)
                    }
                    Unknown => Unknown,
                },
                None => Known(BTreeSet::new()),
            };
            // These keep each input series (and its labels) instead of aggregating.
            if matches!(op.as_str(), "topk" | "bottomk" | "limitk" | "limit_ratio") {
                out = inner;
            }
            if op == "count_values" {
                if let (Known(ls), Some(param)) = (&mut out, &a.param) {
                    if let Expr::StringLiteral(s) = param.as_ref() {
                        ls.insert(s.val.clone());
                    }
                }
            }
            out
        }
        Expr::Binary(b) => binary_labels(b),
        Expr::Paren(p) => output_labels(&p.expr),
        Expr::Unary(u) => output_labels(&u.expr),
        Expr::Subquery(s) => output_labels(&s.expr),
        Expr::Call(c) => call_labels(c),
        Expr::NumberLiteral(_) | Expr::StringLiteral(_) => Known(BTreeSet::new()),
        Expr::VectorSelector(_) | Expr::MatrixSelector(_) | Expr::Extension(_) => Unknown,
    }
}

fn is_scalar(e: &Expr) -> bool {
    e.value_type() == promql_parser::parser::value::ValueType::Scalar
}

fn binary_labels(b: &promql_parser::parser::BinaryExpr) -> OutputLabels {
    let (lhs, rhs) = (output_labels(&b.lhs), output_labels(&b.rhs));
    if is_scalar(&b.lhs) {
        return rhs;
    }
    if is_scalar(&b.rhs) {
        return lhs;
    }
    let modifier = b.modifier.as_ref();
    let matching = modifier.and_then(|m| m.matching.as_ref());
    let card = modifier.map(|m| &m.card);
    if b.op.is_set_operator() {
        return match b.op.to_string().as_str() {
            // `or` adds the right side's series where the left has none.
            "or" if lhs != rhs => Unknown,
            _ => lhs,
        };
    }
    match card {
        Some(VectorMatchCardinality::ManyToOne(include)) => add(lhs, &rhs, include),
        Some(VectorMatchCardinality::OneToMany(include)) => add(rhs, &lhs, include),
        _ => match matching {
            // One-to-one with `on (…)`: the result keeps only the `on` labels.
            Some(LabelModifier::Include(on)) => Known(names(on)),
            Some(LabelModifier::Exclude(ignoring)) => match lhs {
                Known(mut ls) => {
                    for l in &ignoring.labels {
                        ls.remove(l);
                    }
                    Known(ls)
                }
                Unknown => Unknown,
            },
            None => lhs,
        },
    }
}

/// `group_left (include)`: the many side's labels plus `include` from the one side.
fn add(
    many: OutputLabels,
    _one: &OutputLabels,
    include: &promql_parser::label::Labels,
) -> OutputLabels {
    match many {
        Known(mut ls) => {
            ls.extend(names(include));
            Known(ls)
        }
        Unknown => Unknown,
    }
}

fn call_labels(c: &promql_parser::parser::Call) -> OutputLabels {
    let arg = |i: usize| c.args.args.get(i).map(|a| output_labels(a));
    let string_arg = |i: usize| match c.args.args.get(i).map(|a| a.as_ref()) {
        Some(Expr::StringLiteral(s)) => Some(s.val.clone()),
        _ => None,
    };
    match c.func.name {
        "vector" | "time" | "pi" | "scalar" => Known(BTreeSet::new()),
        "label_replace" => match (arg(0), string_arg(1)) {
            (Some(Known(mut ls)), Some(dst)) => {
                ls.insert(dst);
                Known(ls)
            }
            _ => Unknown,
        },
        "label_join" => match (arg(0), string_arg(1)) {
            (Some(Known(mut ls)), Some(dst)) => {
                ls.insert(dst);
                Known(ls)
            }
            _ => Unknown,
        },
        "histogram_quantile" | "histogram_fraction" => {
            let last = c.args.args.len().saturating_sub(1);
            match arg(last) {
                Some(Known(mut ls)) => {
                    ls.remove("le");
                    Known(ls)
                }
                other => other.unwrap_or(Unknown),
            }
        }
        // Every other function keeps the labels of its vector argument.
        _ => c
            .args
            .args
            .iter()
            .find(|a| !is_scalar(a) && !matches!(a.as_ref(), Expr::StringLiteral(_)))
            .map(|a| output_labels(a))
            .unwrap_or(Known(BTreeSet::new())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grouping(q: &str) -> Vec<String> {
        grouping_labels(q)
    }

    #[test]
    fn reads_the_by_labels_through_functions_and_matching() {
        for (q, want) in [
            ("sum(rate(x[5m]))", vec![]),
            ("sum by (route) (rate(x[5m]))", vec!["route"]),
            ("sum(rate(x[5m])) by (route, method)", vec!["method", "route"]),
            (
                "(sum by (route) (rate(e[5m])))\n/\n(sum by (route) (rate(t[5m])))\n",
                vec!["route"],
            ),
            (
                "1 - (sum by (route) (rate(e[5m])) / sum by (route) (rate(t[5m])))",
                vec!["route"],
            ),
            (
                "sum by (route, le) (rate(h_bucket[5m])) / ignoring (le) group_left sum by (route) (rate(h_count[5m]))",
                vec!["le", "route"],
            ),
            (
                "sum by (a, b) (rate(e[5m])) / on (a) sum by (a) (rate(t[5m]))",
                vec!["a"],
            ),
            ("clamp_max(sum by (zone) (x), 1)", vec!["zone"]),
            (
                "label_replace(sum by (zone) (x), \"region\", \"$1\", \"zone\", \"(.*)-.*\")",
                vec!["region", "zone"],
            ),
            (
                "histogram_quantile(0.9, sum by (le, route) (rate(h_bucket[5m])))",
                vec!["route"],
            ),
            ("sum by (sloth_window, route) (x)", vec!["route"]),
            ("topk(3, sum by (route) (x))", vec!["route"]),
        ] {
            assert_eq!(grouping(q), want, "{q}");
        }
    }

    #[test]
    fn unknowable_labels_are_ungrouped() {
        for q in [
            "rate(x_errors[5m]) / rate(x_total[5m])",
            "sum without (instance) (rate(x[5m]))",
            "sum by (a) (x) or sum by (b) (y)",
            "not promql (",
        ] {
            assert_eq!(grouping(q), Vec::<String>::new(), "{q}");
        }
    }
}
