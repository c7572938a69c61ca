//! What an SLI query counts: a per-second rate or a number of events.
//!
//! `min_traffic` needs numbers of events and `exact_ratio` records per-second rates; both read
//! the unit from the functions the query applies to its `{{.window}}` ranges.

use promql_parser::parser::Expr;

use crate::duration::Duration;
use crate::model::Slo;
use crate::plan::sli::render_window;

/// The unit of an SLI query's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// Events per second: every range goes through `rate()` or `irate()`.
    Rate,
    /// Events in the window: every range goes through `increase()`, `count_over_time()` or
    /// `sum_over_time()`.
    Count,
}

/// The unit of `query` (a template with `{{.window}}`), or why it cannot be told.
pub fn unit(slo: &Slo, query: &str) -> Result<Unit, String> {
    let text = render_window(slo, query, Duration::from_millis(300_000)).map_err(|e| e.message)?;
    let expr = crate::promql::parse(&text)?;
    let mut funcs = Vec::new();
    range_functions(&expr, &mut funcs);
    let all = |set: &[&str]| !funcs.is_empty() && funcs.iter().all(|f| set.contains(f));
    if all(&["rate", "irate"]) {
        Ok(Unit::Rate)
    } else if all(&["increase", "count_over_time", "sum_over_time"]) {
        Ok(Unit::Count)
    } else {
        Err(format!(
            "cannot tell whether {:?} is a rate or a number of events: apply rate() (or irate()) to \
             every window range, or increase(), count_over_time() or sum_over_time() to every one \
             (found {})",
            query.trim(),
            if funcs.is_empty() {
                "no range function".to_string()
            } else {
                funcs.join(", ")
            }
        ))
    }
}

/// The functions applied directly to a range selector, in order.
fn range_functions(e: &Expr, out: &mut Vec<&'static str>) {
    match e {
        Expr::Aggregate(a) => range_functions(&a.expr, out),
        Expr::Unary(u) => range_functions(&u.expr, out),
        Expr::Binary(b) => {
            range_functions(&b.lhs, out);
            range_functions(&b.rhs, out);
        }
        Expr::Paren(p) => range_functions(&p.expr, out),
        Expr::Subquery(s) => range_functions(&s.expr, out),
        Expr::Call(c) => {
            for a in &c.args.args {
                if matches!(a.as_ref(), Expr::MatrixSelector(_) | Expr::Subquery(_)) {
                    out.push(c.func.name);
                }
                range_functions(a, out);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn u(q: &str) -> Result<Unit, String> {
        unit(&crate::prove::tests_support::slo(99.9), q)
    }

    #[test]
    fn rates_counts_and_the_rest() {
        assert_eq!(u("sum(rate(a[{{.window}}]))"), Ok(Unit::Rate));
        assert_eq!(
            u("sum(rate(a[{{.window}}])) - sum(irate(b[{{.window}}]))"),
            Ok(Unit::Rate)
        );
        assert_eq!(u("sum(increase(a[{{.window}}]))"), Ok(Unit::Count));
        assert_eq!(
            u("sum(count_over_time(p[{{.window}}]) - sum_over_time(p[{{.window}}]))"),
            Ok(Unit::Count)
        );
        let e = u("sum(rate(a[{{.window}}])) / sum(increase(b[{{.window}}]))").unwrap_err();
        assert!(e.contains("found rate, increase"), "{e}");
        assert!(u("sum(avg_over_time(g[{{.window}}]))").is_err());
    }
}
