//! `sloth-common/prometheus/*`: Prometheus' own rule evaluations and scrape targets.

use super::common::{fill, filter_trimmed};
use super::SliPluginCall;

const RULES_EVAL_AVAILABILITY: &str = r#"
sum(rate(prometheus_rule_evaluation_failures_total{ ⟨F⟩ }[{{ .window }}]))
/
sum(rate(prometheus_rule_evaluations_total{ ⟨F⟩ }[{{ .window }}]))
"#;

/// `sloth-common/prometheus/rules/eval-availability`: errors are failed rule evaluations.
pub(super) fn rules_eval_availability(call: &SliPluginCall<'_>) -> Result<String, String> {
    Ok(fill(
        RULES_EVAL_AVAILABILITY,
        &[("F", filter_trimmed(call))],
    ))
}

const TARGETS_AVAILABILITY: &str = r#"
sum(count_over_time((up{ ⟨F⟩ } == 0)[{{ .window }}:])) or vector(0)
/
sum(count_over_time((up{ ⟨F⟩ })[{{ .window }}:]))
"#;

/// `sloth-common/prometheus/targets/availability`: errors are samples of targets that are down.
pub(super) fn targets_availability(call: &SliPluginCall<'_>) -> Result<String, String> {
    Ok(fill(TARGETS_AVAILABILITY, &[("F", filter_trimmed(call))]))
}

#[cfg(test)]
mod tests {
    use super::super::test_util::run;
    use super::*;

    #[test]
    fn rules_eval_query() {
        assert_eq!(
            run(rules_eval_availability, &[]).unwrap(),
            "\nsum(rate(prometheus_rule_evaluation_failures_total{  }[{{ .window }}]))\n/\nsum(rate(prometheus_rule_evaluations_total{  }[{{ .window }}]))\n"
        );
        assert_eq!(
            run(rules_eval_availability, &[("filter", r#"{k1="v1",k2="v2",}"#)]).unwrap(),
            "\nsum(rate(prometheus_rule_evaluation_failures_total{ k1=\"v1\",k2=\"v2\" }[{{ .window }}]))\n/\nsum(rate(prometheus_rule_evaluations_total{ k1=\"v1\",k2=\"v2\" }[{{ .window }}]))\n"
        );
    }

    #[test]
    fn targets_query() {
        assert_eq!(
            run(targets_availability, &[]).unwrap(),
            "\nsum(count_over_time((up{  } == 0)[{{ .window }}:])) or vector(0)\n/\nsum(count_over_time((up{  })[{{ .window }}:]))\n"
        );
        assert_eq!(
            run(targets_availability, &[("filter", r#"job="node""#)]).unwrap(),
            "\nsum(count_over_time((up{ job=\"node\" } == 0)[{{ .window }}:])) or vector(0)\n/\nsum(count_over_time((up{ job=\"node\" })[{{ .window }}:]))\n"
        );
    }
}
