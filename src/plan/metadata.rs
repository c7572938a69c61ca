//! Metadata recording rules (`sloth.dev/core/metadata_rules/v1`).

use super::mwmb::MwmbAlerts;
use super::{id_labels, id_selector, Info, Rule};
use crate::gofmt::{format_f, format_g};
use crate::model::Slo;

/// The seven metadata rules: objective, error budget, period, burn rates, budget remaining
/// and `sloth_slo_info` (sloth-generation.md §4.2.2).
pub fn rules(slo: &Slo, alerts: &MwmbAlerts, info: &Info) -> Vec<Rule> {
    let mut labels = id_labels(slo);
    for (k, v) in &slo.labels {
        labels.insert(k.clone(), v.clone());
    }
    let sel = id_selector(slo);
    let ratio = slo.objective / 100.0;
    let short = alerts.page_quick.short;
    let period = slo.period;
    let rule = |record: &str, expr: String| Rule {
        record: record.to_string(),
        expr,
        labels: labels.clone(),
        ..Rule::default()
    };
    let mut info_labels = labels.clone();
    for (k, v) in [
        ("sloth_version", info.version.clone()),
        ("sloth_mode", info.mode.clone()),
        ("sloth_spec", info.spec.clone()),
        ("sloth_objective", format_f(slo.objective)),
    ] {
        info_labels.insert(k.to_string(), v);
    }
    vec![
        rule("slo:objective:ratio", format!("vector({})", format_g(ratio))),
        rule("slo:error_budget:ratio", format!("vector(1-{})", format_g(ratio))),
        rule(
            "slo:time_period:days",
            format!("vector({})", format_g(period.go_hours() / 24.0)),
        ),
        rule(
            "slo:current_burn_rate:ratio",
            format!("slo:sli_error:ratio_rate{short}{sel}\n/ on(sloth_id, sloth_slo, sloth_service) group_left\nslo:error_budget:ratio{sel}\n"),
        ),
        rule(
            "slo:period_burn_rate:ratio",
            format!("slo:sli_error:ratio_rate{period}{sel}\n/ on(sloth_id, sloth_slo, sloth_service) group_left\nslo:error_budget:ratio{sel}\n"),
        ),
        rule(
            "slo:period_error_budget_remaining:ratio",
            format!("1 - slo:period_burn_rate:ratio{sel}"),
        ),
        Rule {
            record: "sloth_slo_info".into(),
            expr: "vector(1)".into(),
            labels: info_labels,
            ..Rule::default()
        },
    ]
}
