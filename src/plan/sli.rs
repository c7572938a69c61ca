//! SLI recording rules (`sloth.dev/core/sli_rules/v1`).

use std::collections::BTreeMap;

use super::mwmb::MwmbAlerts;
use super::{id_labels, id_selector, PlanError, Rule};
use crate::duration::Duration;
use crate::model::template::{self, MissingKey};
use crate::model::{Sli, Slo};

/// The SLI error-ratio rules: one per alert window, then the period's.
///
/// compat(sloth): the period rule is the "optimized" average of the 5m-style rule unless
/// `disable_optimized` (sloth-generation.md §4.2.1).
pub fn rules(
    slo: &Slo,
    alerts: &MwmbAlerts,
    disable_optimized: bool,
) -> Result<Vec<Rule>, PlanError> {
    let mut windows = alerts.windows();
    windows.push(slo.period);
    let mut out = Vec::with_capacity(windows.len());
    for w in windows {
        let expr = if w == slo.period && !disable_optimized {
            optimized_expr(slo, alerts.page_quick.short, w)?
        } else {
            sli_expr(slo, w)?
        };
        out.push(Rule {
            record: record_name(w),
            expr,
            labels: labels(slo, w),
            ..Rule::default()
        });
    }
    Ok(out)
}

/// `slo:sli_error:ratio_rate<W>`.
pub fn record_name(window: Duration) -> String {
    format!("slo:sli_error:ratio_rate{window}")
}

/// ID labels, then `sloth_window`, then the SLO's labels (which may override both).
pub fn labels(slo: &Slo, window: Duration) -> crate::model::Labels {
    let mut labels = id_labels(slo);
    labels.insert("sloth_window".into(), window.to_string());
    for (k, v) in &slo.labels {
        labels.insert(k.clone(), v.clone());
    }
    labels
}

/// The SLI query for one window, rendered.
pub fn sli_expr(slo: &Slo, window: Duration) -> Result<String, PlanError> {
    let text = match &slo.sli {
        Sli::Events {
            error_query,
            total_query,
        } => format!("({error_query})\n/\n({total_query})\n"),
        Sli::Raw { error_ratio_query } => format!("({error_ratio_query})"),
    };
    render_window(slo, &text, window)
}

/// Renders a query template with `.window`.
pub fn render_window(slo: &Slo, text: &str, window: Duration) -> Result<String, PlanError> {
    let data = BTreeMap::from([("window", window.to_string())]);
    template::render(text, &data, MissingKey::Error).map_err(|e| PlanError {
        slo: slo.id.clone(),
        plugin: "sloth.dev/core/sli_rules/v1".into(),
        message: format!("could not render SLI query template: {e}"),
    })
}

/// The period rule as the mean of the short-window rule over the period.
pub fn optimized_expr(slo: &Slo, short: Duration, period: Duration) -> Result<String, PlanError> {
    if short == period {
        return Err(PlanError {
            slo: slo.id.clone(),
            plugin: "sloth.dev/core/sli_rules/v1".into(),
            message: "can't optimize using the same SLO period and the page quick short window"
                .into(),
        });
    }
    let sel = id_selector(slo);
    Ok(format!(
        "sum_over_time(slo:sli_error:ratio_rate{short}{sel}[{period}])\n/ ignoring (sloth_window)\ncount_over_time(slo:sli_error:ratio_rate{short}{sel}[{period}])\n"
    ))
}
