//! `sloth.dev/contrib/validate_victoria_metrics/v1`: Sloth's validation with queries parsed as
//! MetricsQL.
//!
//! The validation itself runs while lowering, where every validator of the chain is applied
//! (`model::lower::validators` knows this ID); in the chain the plugin has nothing left to do.

use super::super::{Request, SloPlugin};
use crate::plan::SloRules;

pub(super) fn factory(_: &serde_json::Value) -> Result<Box<dyn SloPlugin>, String> {
    Ok(Box::new(ValidateVictoriaMetrics))
}

struct ValidateVictoriaMetrics;

impl SloPlugin for ValidateVictoriaMetrics {
    fn process(&self, _: &Request, _: &mut SloRules) -> Result<(), String> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_util::{baseline, plan_with, SPEC};

    #[test]
    fn no_effect_on_the_rules() {
        let plan = plan_with(
            SPEC,
            &[(
                "sloth.dev/contrib/validate_victoria_metrics/v1",
                serde_json::Value::Null,
            )],
        )
        .unwrap();
        assert_eq!(plan.slos, baseline().slos);
    }

    #[test]
    fn metricsql_queries_pass_only_with_this_validator() {
        // `WITH` templates are MetricsQL, not PromQL.
        let spec = SPEC.replace(
            "error_query: sum(rate(",
            "error_query: WITH (f = {job=\"myservice\"}) sum(rate(",
        );
        let overridden = spec.replace(
            "slos:\n",
            "slo_plugins:\n  overridePrevious: true\n  chain:\n    - id: sloth.dev/contrib/validate_victoria_metrics/v1\n    - id: sloth.dev/core/sli_rules/v1\nslos:\n",
        );
        assert!(plan_with(&spec, &[]).is_err());
        assert!(plan_with(&overridden, &[]).is_ok());
    }
}
