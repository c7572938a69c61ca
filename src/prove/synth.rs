//! Synthetic counter series for an SLI, built from the SLI's own queries.
//!
//! The queries are parsed with promql-parser; every metric selector becomes one concrete
//! series (its `=` and `=~` matchers turned into label values). Each series is a counter that
//! grows by a fixed amount per sample. The module then looks for a "good" mix of series (error
//! ratio 0) and a "bad" mix (error ratio 1); when the SLI is linear in its counters, as
//! `sum(rate(errors)) / sum(rate(total))` and its variants are, the mix
//! `(1 − e)·good + e·bad` has error ratio exactly `e`, which the module checks by evaluating
//! the queries on it. Anything else (gauges, quantiles, non-linear maths) is reported as an
//! [`SynthError`], never skipped.

use std::collections::BTreeMap;

use promql_parser::label::{MatchOp, Matcher};
use promql_parser::parser::Expr;

use crate::duration::Duration;
use crate::model::Sli;
use crate::model::Slo;
use crate::plan::sli::render_window;

/// Total events per sample in every scenario: large enough that whole-number error counts
/// resolve error ratios down to 1e-6.
pub const TRAFFIC: f64 = 1_000_000.0;

/// One synthetic counter: its series selector and its increase per sample at error ratio 0
/// (`good`) and 1 (`bad`).
#[derive(Debug, Clone, PartialEq)]
pub struct SynthSeries {
    /// `metric{label="value", …}`, as promtool's `series:` field reads it.
    pub series: String,
    pub good: f64,
    pub bad: f64,
}

impl SynthSeries {
    /// The increase per sample at error ratio `e`.
    pub fn step(&self, e: f64) -> f64 {
        (1.0 - e) * self.good + e * self.bad
    }
}

/// The synthetic counters of one SLI and the queries they feed.
#[derive(Debug, Clone)]
pub struct Synth {
    pub series: Vec<SynthSeries>,
    error: Expr,
    total: Expr,
    labels: Vec<BTreeMap<String, String>>,
}

impl Synth {
    /// The (error, total) values the SLI's two queries give when every series grows by its
    /// whole-number increment at error ratio `e` per second.
    pub fn counts(&self, e: f64) -> (f64, f64) {
        self.counts_at(e, 1.0)
    }

    /// [`Synth::counts`] at traffic `scale`.
    pub fn counts_at(&self, e: f64, scale: f64) -> (f64, f64) {
        let rates = super::scenario::increments(&self.series, e, scale);
        let err = evaluate(&self.error, &self.labels, &rates).expect("checked when synthesized");
        let tot = evaluate(&self.total, &self.labels, &rates).expect("checked when synthesized");
        (err, tot)
    }

    /// The error ratio the whole-number increments for target `e` really give.
    pub fn ratio(&self, e: f64) -> f64 {
        let (err, tot) = self.counts(e);
        err / tot
    }
}

/// Why an SLI's series cannot be synthesized.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cannot synthesize input series for slo {slo:?}: {reason}")]
pub struct SynthError {
    pub slo: String,
    pub reason: String,
}

/// The counters whose mix gives any chosen error ratio for `slo`'s SLI.
pub fn synthesize(slo: &Slo) -> Result<Synth, SynthError> {
    let fail = |reason: String| SynthError {
        slo: slo.id.clone(),
        reason,
    };
    let window = Duration::from_millis(5 * 60 * 1000);
    let render = |q: &str| render_window(slo, q, window).map_err(|e| fail(e.message));
    let parse =
        |q: &str| crate::promql::parse(q).map_err(|e| fail(format!("query does not parse: {e}")));
    let (error, total) = match &slo.sli {
        Sli::Events {
            error_query,
            total_query,
        } => (parse(&render(error_query)?)?, parse(&render(total_query)?)?),
        Sli::Raw { error_ratio_query } => {
            let ratio = parse(&render(error_ratio_query)?)?;
            match strip_parens(&ratio) {
                Expr::Binary(b) if b.op.to_string() == "/" => ((*b.lhs).clone(), (*b.rhs).clone()),
                _ => {
                    return Err(fail(format!(
                        "the raw error ratio query is not a ratio of two counter expressions (A / B): {}",
                        error_ratio_query.trim()
                    )))
                }
            }
        }
    };
    let mut selectors = Vec::new();
    collect_selectors(&error, &mut selectors);
    collect_selectors(&total, &mut selectors);
    let mut series: Vec<String> = Vec::new();
    let mut label_sets: Vec<BTreeMap<String, String>> = Vec::new();
    for sel in &selectors {
        let labels = example_labels(sel).map_err(fail)?;
        let text = series_text(&labels);
        if !series.contains(&text) {
            series.push(text);
            label_sets.push(labels);
        }
    }
    if series.is_empty() {
        return Err(fail("the SLI queries select no metric".into()));
    }
    if series.len() > 10 {
        return Err(fail(format!(
            "the SLI queries select {} different series; at most 10 are supported",
            series.len()
        )));
    }
    let eval = |rates: &[f64]| -> Result<(f64, f64), String> {
        let e = evaluate(&error, &label_sets, rates)?;
        let t = evaluate(&total, &label_sets, rates)?;
        Ok((e, t))
    };
    let n = series.len();
    let (mut good, mut bad): (Option<Vec<f64>>, Option<Vec<f64>>) = (None, None);
    for mask in 1u32..(1 << n) {
        let rates: Vec<f64> = (0..n).map(|i| f64::from((mask >> i) & 1)).collect();
        let (e, t) = eval(&rates).map_err(&fail)?;
        if t <= 0.0 || !t.is_finite() {
            continue;
        }
        let scaled: Vec<f64> = rates.iter().map(|r| r * TRAFFIC / t).collect();
        if good.is_none() && (e / t).abs() < 1e-12 {
            good = Some(scaled);
        } else if bad.is_none() && (e / t - 1.0).abs() < 1e-12 {
            bad = Some(scaled);
        }
    }
    let (Some(good), Some(bad)) = (good, bad) else {
        return Err(fail(format!(
            "no mix of the series {} gives an error ratio of both 0 and 1",
            series.join(", ")
        )));
    };
    let out: Vec<SynthSeries> = series
        .iter()
        .cloned()
        .enumerate()
        .map(|(i, s)| SynthSeries {
            series: s,
            good: good[i],
            bad: bad[i],
        })
        .filter(|s| s.good != 0.0 || s.bad != 0.0)
        .collect();
    // The mix must give exactly the ratio asked for: that is what linear means here.
    for e in [0.001, 0.37, 1.0] {
        let rates: Vec<f64> = label_sets
            .iter()
            .map(|l| {
                let text = series_text(l);
                out.iter()
                    .find(|s| s.series == text)
                    .map_or(0.0, |s| s.step(e))
            })
            .collect();
        let (err, tot) = eval(&rates).map_err(&fail)?;
        if ((err / tot) - e).abs() > 1e-9 * e.max(1e-3) {
            return Err(fail(format!(
                "the SLI is not linear in its counters (a mix for error ratio {e} gives {})",
                err / tot
            )));
        }
    }
    let labels = out
        .iter()
        .map(|s| {
            let i = series
                .iter()
                .position(|t| *t == s.series)
                .expect("kept series come from the list");
            label_sets[i].clone()
        })
        .collect();
    Ok(Synth {
        series: out,
        error,
        total,
        labels,
    })
}

fn strip_parens(e: &Expr) -> &Expr {
    match e {
        Expr::Paren(p) => strip_parens(&p.expr),
        other => other,
    }
}

fn collect_selectors(e: &Expr, out: &mut Vec<promql_parser::parser::VectorSelector>) {
    match e {
        Expr::Aggregate(a) => collect_selectors(&a.expr, out),
        Expr::Unary(u) => collect_selectors(&u.expr, out),
        Expr::Binary(b) => {
            collect_selectors(&b.lhs, out);
            collect_selectors(&b.rhs, out);
        }
        Expr::Paren(p) => collect_selectors(&p.expr, out),
        Expr::Subquery(s) => collect_selectors(&s.expr, out),
        Expr::VectorSelector(v) => out.push(v.clone()),
        Expr::MatrixSelector(m) => out.push(m.vs.clone()),
        Expr::Call(c) => c.args.args.iter().for_each(|a| collect_selectors(a, out)),
        _ => {}
    }
}

/// A label set that the selector's positive matchers select.
pub(crate) fn example_labels(
    sel: &promql_parser::parser::VectorSelector,
) -> Result<BTreeMap<String, String>, String> {
    let mut labels = BTreeMap::new();
    if let Some(name) = &sel.name {
        labels.insert("__name__".to_string(), name.clone());
    }
    if !sel.matchers.or_matchers.is_empty() {
        return Err(format!("selector {sel} uses `or` matchers"));
    }
    for m in &sel.matchers.matchers {
        match &m.op {
            MatchOp::Equal => {
                labels.insert(m.name.clone(), m.value.clone());
            }
            MatchOp::Re(_) => {
                let v = example_match(m).ok_or_else(|| {
                    format!(
                        "no example value found for the regex matcher {}=~{:?} in {sel}",
                        m.name, m.value
                    )
                })?;
                labels.insert(m.name.clone(), v);
            }
            MatchOp::NotEqual | MatchOp::NotRe(_) => {}
        }
    }
    if !labels.contains_key("__name__") {
        return Err(format!("selector {sel} has no metric name"));
    }
    let all_match = sel
        .matchers
        .matchers
        .iter()
        .all(|m| m.is_match(labels.get(&m.name).map_or("", String::as_str)));
    if !all_match {
        return Err(format!(
            "could not build a series that selector {sel} selects"
        ));
    }
    Ok(labels)
}

/// A short printable string that a regex matcher accepts.
fn example_match(m: &Matcher) -> Option<String> {
    let hir = regex_syntax::Parser::new().parse(&m.value).ok()?;
    let mut s = String::new();
    example(&hir, &mut s)?;
    m.is_match(&s).then_some(s)
}

fn example(h: &regex_syntax::hir::Hir, out: &mut String) -> Option<()> {
    use regex_syntax::hir::{Class, HirKind};
    match h.kind() {
        HirKind::Empty | HirKind::Look(_) => {}
        HirKind::Literal(l) => out.push_str(std::str::from_utf8(&l.0).ok()?),
        HirKind::Class(Class::Unicode(c)) => {
            let preferred = ['0', 'a', 'A', '_', '-', '.'];
            let found = preferred
                .into_iter()
                .find(|p| c.ranges().iter().any(|r| r.start() <= *p && *p <= r.end()))
                .or_else(|| {
                    c.ranges()
                        .iter()
                        .map(|r| r.start())
                        .find(|ch| !ch.is_control())
                })?;
            out.push(found);
        }
        HirKind::Class(Class::Bytes(_)) => return None,
        HirKind::Repetition(r) => {
            for _ in 0..r.min {
                example(&r.sub, out)?;
            }
        }
        HirKind::Capture(c) => example(&c.sub, out)?,
        HirKind::Concat(parts) => {
            for p in parts {
                example(p, out)?;
            }
        }
        HirKind::Alternation(alts) => example(alts.first()?, out)?,
    }
    Some(())
}

/// `metric{a="1", b="2"}`.
pub(crate) fn series_text(labels: &BTreeMap<String, String>) -> String {
    let name = labels.get("__name__").map_or("", String::as_str);
    let rest: Vec<String> = labels
        .iter()
        .filter(|(k, _)| k.as_str() != "__name__")
        .map(|(k, v)| format!("{k}={}", crate::gofmt::quote_go(v)))
        .collect();
    format!("{name}{{{}}}", rest.join(", "))
}

/// The value of `e` when every series grows at `rates[i]` per second, all series together
/// read as one (the SLIs aggregate them with `sum`).
fn evaluate(e: &Expr, series: &[BTreeMap<String, String>], rates: &[f64]) -> Result<f64, String> {
    match e {
        Expr::Paren(p) => evaluate(&p.expr, series, rates),
        Expr::NumberLiteral(n) => Ok(n.val),
        Expr::Unary(u) => Ok(-evaluate(&u.expr, series, rates)?),
        Expr::Aggregate(a) if a.op.to_string() == "sum" => evaluate(&a.expr, series, rates),
        Expr::Aggregate(a) => Err(format!("aggregation `{}` is not supported (only sum)", a.op)),
        Expr::Binary(b) => {
            let (l, r) = (evaluate(&b.lhs, series, rates)?, evaluate(&b.rhs, series, rates)?);
            match b.op.to_string().as_str() {
                "+" => Ok(l + r),
                "-" => Ok(l - r),
                "*" => Ok(l * r),
                "/" => Ok(l / r),
                op => Err(format!("operator `{op}` is not supported")),
            }
        }
        Expr::Call(c) => {
            let name = c.func.name;
            let scale = match name {
                "rate" | "irate" => 1.0,
                "increase" => 300.0,
                _ => return Err(format!("function `{name}` is not supported (only rate, irate, increase of counters)")),
            };
            let Some(Expr::MatrixSelector(m)) = c.args.args.first().map(|a| a.as_ref()) else {
                return Err(format!("`{name}` of something other than a range selector"));
            };
            let mut sum = 0.0;
            for (labels, rate) in series.iter().zip(rates) {
                let name_ok = m.vs.name.as_ref().is_none_or(|n| labels.get("__name__") == Some(n));
                let all = m
                    .vs
                    .matchers
                    .matchers
                    .iter()
                    .all(|mt| mt.is_match(labels.get(&mt.name).map_or("", String::as_str)));
                if name_ok && all {
                    sum += rate;
                }
            }
            Ok(sum * scale)
        }
        Expr::VectorSelector(v) => Err(format!(
            "selector {v} is read directly (a gauge); only counters under rate() or increase() can be synthesized"
        )),
        other => Err(format!("expression `{other}` is not supported")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn events(error: &str, total: &str) -> Slo {
        let mut slo = crate::prove::tests_support::slo(99.9);
        slo.sli = Sli::Events {
            error_query: error.into(),
            total_query: total.into(),
        };
        slo
    }

    #[test]
    fn availability_uses_an_error_series_and_a_good_series() {
        let s = synthesize(&events(
            r#"sum(rate(http_requests_total{service="a",code=~"5.."}[{{.window}}]))"#,
            r#"sum(rate(http_requests_total{service="a"}[{{.window}}]))"#,
        ))
        .expect("synthesizes");
        assert_eq!(
            s.series,
            vec![
                SynthSeries {
                    series: r#"http_requests_total{code="500", service="a"}"#.into(),
                    good: 0.0,
                    bad: TRAFFIC
                },
                SynthSeries {
                    series: r#"http_requests_total{service="a"}"#.into(),
                    good: TRAFFIC,
                    bad: 0.0
                },
            ]
        );
    }

    #[test]
    fn latency_difference_of_count_and_bucket() {
        let s = synthesize(&events(
            r#"(sum(rate(d_count{s="a"}[{{.window}}])) - sum(rate(d_bucket{s="a",le="0.3"}[{{.window}}])))"#,
            r#"sum(rate(d_count{s="a"}[{{.window}}]))"#,
        ))
        .expect("synthesizes")
        .series;
        assert_eq!(s[0].series, r#"d_count{s="a"}"#);
        assert_eq!((s[0].good, s[0].bad), (TRAFFIC, TRAFFIC));
        assert_eq!(s[1].series, r#"d_bucket{le="0.3", s="a"}"#);
        assert_eq!((s[1].good, s[1].bad), (TRAFFIC, 0.0));
        assert!((s[1].step(0.25) - 0.75 * TRAFFIC).abs() < 1e-9);
    }

    #[test]
    fn gauges_and_non_ratios_are_reported() {
        let mut slo = crate::prove::tests_support::slo(95.0);
        slo.sli = Sli::Raw {
            error_ratio_query:
                "1 - (sum(sum_over_time(g[{{.window}}])) / sum(count_over_time(g[{{.window}}])))"
                    .into(),
        };
        let e = synthesize(&slo).expect_err("not a ratio");
        assert!(
            e.to_string()
                .contains("not a ratio of two counter expressions"),
            "{e}"
        );
        let e =
            synthesize(&events("sum(g{a=\"1\"})", "sum(rate(t[{{.window}}]))")).expect_err("gauge");
        assert!(
            e.reason.contains("no mix") || e.reason.contains("gauge"),
            "{e}"
        );
        let e = synthesize(&events(
            "histogram_quantile(0.9, sum(rate(h_bucket[{{.window}}])) by (le))",
            "sum(rate(t[{{.window}}]))",
        ))
        .expect_err("quantile");
        assert!(e.reason.contains("histogram_quantile"), "{e}");
    }

    #[test]
    fn regex_examples() {
        let m = |re: &str| {
            example_match(&Matcher::new(
                MatchOp::Re(regex::Regex::new(&format!("^(?:{re})$")).unwrap()),
                "x",
                re,
            ))
        };
        assert_eq!(m("5..").as_deref(), Some("500"));
        assert_eq!(m("(5..|429)").as_deref(), Some("500"));
        assert_eq!(m("GET|POST").as_deref(), Some("GET"));
        assert_eq!(m(".*").as_deref(), Some(""));
        assert_eq!(m("[45]xx").as_deref(), Some("4xx"));
    }
}
