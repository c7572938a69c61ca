//! `slogen/bool_gauge/v1`: the share of samples at 0 of a 0/1 gauge.
//!
//! Options: `metric` (for example blackbox's `probe_success`) and `selector` (label matchers,
//! optional). An events SLI over samples: every sample in the window is an event, and a
//! sample at 0 is an error, so the error ratio is the share of samples at 0 (`count - sum` of
//! a 0/1 gauge counts its zeros). Events are samples, so a target scraped twice as often
//! weighs twice as much.

use std::collections::BTreeMap;

use super::slogen_options::{braces, OptionProblem, Options};

/// Builds the (error, total) queries from the options.
pub fn queries(options: &BTreeMap<String, String>) -> Result<(String, String), Vec<OptionProblem>> {
    let mut o = Options::new(options, &["metric", "selector"]);
    let metric = o.metric("the 0/1 gauge, such as probe_success");
    let sel = o.selector();
    let value = match (metric, sel) {
        (Some(m), Some(sel)) if o.problems.is_empty() => {
            let s = format!("{m}{}[{{{{.window}}}}]", braces(&sel, ""));
            Some((
                format!("sum(count_over_time({s}) - sum_over_time({s}))"),
                format!("sum(count_over_time({s}))"),
            ))
        }
        _ => None,
    };
    o.finish(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zeros_over_samples() {
        let opts = BTreeMap::from([
            ("metric".to_string(), "probe_success".to_string()),
            ("selector".to_string(), r#"job="blackbox""#.to_string()),
        ]);
        let (e, t) = queries(&opts).unwrap();
        assert_eq!(
            e,
            r#"sum(count_over_time(probe_success{job="blackbox"}[{{.window}}]) - sum_over_time(probe_success{job="blackbox"}[{{.window}}]))"#
        );
        assert_eq!(
            t,
            r#"sum(count_over_time(probe_success{job="blackbox"}[{{.window}}]))"#
        );
        let errs =
            queries(&BTreeMap::from([("metric".to_string(), "9x".to_string())])).unwrap_err();
        assert_eq!(errs[0].option.as_deref(), Some("metric"));
    }
}
