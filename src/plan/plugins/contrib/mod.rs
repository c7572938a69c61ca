//! Sloth's contrib SLO plugins, built in under their `sloth.dev/contrib/...` IDs with the same
//! config schemas and effects (sloth-generation.md §6.2). One file per plugin.
//!
//! Configs are read with serde: unknown keys are ignored as Go's `encoding/json` ignores them,
//! and a missing config (`null`) is the empty config.

mod denominator_corrected_rules;
mod error_budget_exhausted_alert;
mod info_labels;
mod remove_labels;
mod rule_intervals;
mod validate_victoria_metrics;

use super::Factory;
use crate::duration::Duration;

/// The contrib plugins by ID.
pub const FACTORIES: &[(&str, Factory)] = &[
    (
        "sloth.dev/contrib/denominator_corrected_rules/v1",
        denominator_corrected_rules::factory,
    ),
    (
        "sloth.dev/contrib/error_budget_exhausted_alert/v1",
        error_budget_exhausted_alert::factory,
    ),
    ("sloth.dev/contrib/info_labels/v1", info_labels::factory),
    ("sloth.dev/contrib/remove_labels/v1", remove_labels::factory),
    (
        "sloth.dev/contrib/rule_intervals/v1",
        rule_intervals::factory,
    ),
    (
        "sloth.dev/contrib/validate_victoria_metrics/v1",
        validate_victoria_metrics::factory,
    ),
];

/// A Prometheus duration in a plugin config, as prometheus/common `model.Duration` reads JSON:
/// a string such as `"5m"`; absent is zero.
fn config_duration(field: &str, value: &Option<String>) -> Result<Duration, String> {
    match value {
        None => Ok(Duration::default()),
        Some(s) => Duration::parse(s).map_err(|e| format!("{field}: {e}")),
    }
}

#[cfg(test)]
pub(crate) mod test_util {
    //! A real SLO through the real default chain, for the plugins' effect tests.

    use crate::model::PluginDecl;
    use crate::pipeline::Generator;
    use crate::plan::{self, Plan, SloPlugins};

    /// getting-started's SLO (sloth-generation.md §11), with `plugins` after the defaults.
    pub(crate) const SPEC: &str = r#"version: "prometheus/v1"
service: "myservice"
labels:
  owner: "myteam"
  tier: "2"
slos:
  - name: "requests-availability"
    objective: 99.9
    sli:
      events:
        error_query: sum(rate(http_request_duration_seconds_count{job="myservice",code=~"(5..|429)"}[{{.window}}]))
        total_query: sum(rate(http_request_duration_seconds_count{job="myservice"}[{{.window}}]))
    alerting:
      name: MyServiceHighErrorRate
      page_alert:
        labels:
          severity: pageteam
      ticket_alert:
        labels:
          severity: "slack"
"#;

    /// Plans [`SPEC`] (or `spec`) with `plugins` given as CLI plugins.
    pub(crate) fn plan_with(
        spec: &str,
        plugins: &[(&str, serde_json::Value)],
    ) -> Result<Plan, String> {
        let generator = Generator {
            cli_plugins: plugins
                .iter()
                .map(|(id, config)| PluginDecl {
                    config: config.clone(),
                    ..PluginDecl::new(id)
                })
                .collect(),
            ..Generator::default()
        };
        let doc = &crate::spec::split_documents(spec)[0];
        let group = generator
            .lower_document(doc)
            .map_err(|p| format!("{p:?}"))?;
        plan::build(
            &group,
            "v0",
            &SloPlugins::builtin(),
            plan::Disable::default(),
        )
        .map_err(|e| e.to_string())
    }

    /// The plan of [`SPEC`] with the default chain only.
    pub(crate) fn baseline() -> Plan {
        plan_with(SPEC, &[]).expect("baseline plans")
    }
}
