//! `slogen/latency/v1`: requests slower than a histogram bucket over all requests.
//!
//! Options: `metric` (the histogram's base name, e.g. `http_request_duration_seconds`), `le`
//! (the threshold, a bucket bound in the metric's unit), `selector` (label matchers,
//! optional) and `native` (`"true"` for a native histogram).
//!
//! Classic histograms give an events SLI: errors are `<metric>_count` minus the `le` bucket
//! (buckets are cumulative, so that is exactly the requests above `le`), totals are
//! `<metric>_count`. The bucket is matched in every spelling Prometheus stores it in: the
//! text written by the client (`0.3`, `0.30`, `1`) on Prometheus 2, the normalised float
//! (`1.0`, `0.3`) on Prometheus 3 (`le=~"0\\.30*"`, `le=~"1(\\.0+)?"`), and Go's exponent form
//! for tiny or huge bounds (`5e-05`). Native histograms use `histogram_fraction`, which
//! interpolates inside the bucket that holds `le`.

use std::collections::BTreeMap;

use super::slogen_options::{braces, OptionProblem, Options};

/// Builds the (error, total) queries from the options.
pub fn queries(options: &BTreeMap<String, String>) -> Result<(String, String), Vec<OptionProblem>> {
    let mut o = Options::new(options, &["metric", "le", "selector", "native"]);
    let metric = o.metric("the histogram's base name, such as http_request_duration_seconds");
    if let Some(m) = metric {
        for suffix in ["_bucket", "_count", "_sum"] {
            if let Some(base) = m.strip_suffix(suffix) {
                o.problem(
                    "metric",
                    format!("give the histogram's base name {base:?}, without {suffix:?}"),
                );
            }
        }
    }
    let le = o
        .required("le", "the latency threshold, a bucket bound such as 0.3")
        .and_then(|s| match s.parse::<f64>() {
            Ok(v) if v.is_finite() && v > 0.0 => Some(v),
            _ => {
                o.problem(
                    "le",
                    format!("must be a number above 0 such as 0.3 (a bucket bound), found {s:?}"),
                );
                None
            }
        });
    let sel = o.selector();
    let native = o.boolean("native");
    let value = match (metric, le, sel, native) {
        (Some(m), Some(le), Some(sel), Some(native)) if o.problems.is_empty() => Some(if native {
            let h = format!("sum(rate({m}{}[{{{{.window}}}}]))", braces(&sel, ""));
            (
                format!("histogram_count({h}) * (1 - histogram_fraction(0, {le}, {h}))"),
                format!("histogram_count({h})"),
            )
        } else {
            let count = format!("sum(rate({m}_count{}[{{{{.window}}}}]))", braces(&sel, ""));
            let bucket = format!(
                "sum(rate({m}_bucket{}[{{{{.window}}}}]))",
                braces(
                    &sel,
                    &format!("le=~{}", crate::gofmt::quote_go(&le_regex(le)))
                )
            );
            (format!("{count} - {bucket}"), count)
        }),
        _ => None,
    };
    o.finish(value)
}

/// A regex that matches every spelling of bucket bound `v`.
pub fn le_regex(v: f64) -> String {
    let dec = format!("{v}");
    let mut alts = vec![match dec.split_once('.') {
        Some((int, frac)) => format!("{int}\\.{frac}0*"),
        None => format!("{dec}(\\.0+)?"),
    }];
    let g = crate::gofmt::format_g(v);
    if g.contains('e') {
        alts.push(regex::escape(&g));
    }
    alts.join("|")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts(kv: &[(&str, &str)]) -> BTreeMap<String, String> {
        kv.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn classic_histogram_counts_requests_above_le() {
        let (e, t) = queries(&opts(&[
            ("metric", "http_request_duration_seconds"),
            ("le", "0.30"),
            ("selector", "{job=\"api\"}"),
        ]))
        .unwrap();
        assert_eq!(
            t,
            r#"sum(rate(http_request_duration_seconds_count{job="api"}[{{.window}}]))"#
        );
        assert_eq!(
            e,
            r#"sum(rate(http_request_duration_seconds_count{job="api"}[{{.window}}])) - sum(rate(http_request_duration_seconds_bucket{job="api",le=~"0\\.30*"}[{{.window}}]))"#
        );
    }

    #[test]
    fn le_spellings_of_prometheus_2_and_3() {
        let re = |v: f64| regex::Regex::new(&format!("^(?:{})$", le_regex(v))).unwrap();
        for (v, yes, no) in [
            (
                0.3,
                &["0.3", "0.30", "0.300"][..],
                &["0.03", "3", "0.31", "1.3"][..],
            ),
            (1.0, &["1", "1.0", "1.00"], &["10", "0.1", "1.5"]),
            (
                0.00005,
                &["0.00005", "5e-05", "0.000050"],
                &["5e-5x", "0.0005"],
            ),
            (2.5, &["2.5", "2.50"], &["2.05", "25"]),
        ] {
            for s in yes {
                assert!(re(v).is_match(s), "{v} should match {s}");
            }
            for s in no {
                assert!(!re(v).is_match(s), "{v} should not match {s}");
            }
        }
    }

    #[test]
    fn native_histograms_use_histogram_fraction() {
        let (e, t) = queries(&opts(&[
            ("metric", "rpc_seconds"),
            ("le", "0.25"),
            ("native", "true"),
        ]))
        .unwrap();
        assert_eq!(t, "histogram_count(sum(rate(rpc_seconds[{{.window}}])))");
        assert_eq!(e, "histogram_count(sum(rate(rpc_seconds[{{.window}}]))) * (1 - histogram_fraction(0, 0.25, sum(rate(rpc_seconds[{{.window}}]))))");
        for (e, t) in [(&e, &t)] {
            for q in [e, t] {
                crate::promql::parse(&q.replace("{{.window}}", "5m")).expect("parses");
            }
        }
    }

    #[test]
    fn every_bad_option_is_reported() {
        let errs = queries(&opts(&[
            ("metric", "x_bucket"),
            ("le", "+Inf"),
            ("selector", "job=api"),
            ("native", "yes"),
            ("bucket", "1"),
        ]))
        .unwrap_err();
        let got: Vec<(Option<&str>, bool)> = errs
            .iter()
            .map(|e| (e.option.as_deref(), e.on_key))
            .collect();
        assert_eq!(
            got,
            [
                (Some("bucket"), true),
                (Some("metric"), false),
                (Some("le"), false),
                (Some("selector"), false),
                (Some("native"), false)
            ],
            "{errs:?}"
        );
        let errs = queries(&opts(&[])).unwrap_err();
        assert_eq!(errs.len(), 2);
        assert!(errs[0].message.contains("\"metric\" is required"));
    }
}
