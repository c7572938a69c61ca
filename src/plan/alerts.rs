//! Page and ticket alert rules (`sloth.dev/core/alert_rules/v1`).

use super::mwmb::{MwmbAlert, MwmbAlerts};
use super::sli::record_name;
use super::{id_selector, Rule};
use crate::gofmt::format_g;
use crate::model::{AlertMeta, Labels, Slo};

/// The page rule then the ticket rule, for those enabled (sloth-generation.md §4.2.3).
pub fn rules(slo: &Slo, alerts: &MwmbAlerts) -> Vec<Rule> {
    let mut out = Vec::new();
    if let Some(meta) = &slo.page_alert {
        out.push(rule(
            slo,
            meta,
            "page",
            &alerts.page_quick,
            &alerts.page_slow,
        ));
    }
    if let Some(meta) = &slo.ticket_alert {
        out.push(rule(
            slo,
            meta,
            "ticket",
            &alerts.ticket_quick,
            &alerts.ticket_slow,
        ));
    }
    out
}

/// The condition of one window pair: both windows' error ratios over the pair's threshold.
/// `extra` lines are added to the conjunction (slogen's `min_traffic` guard).
pub fn pair_expr(slo: &Slo, a: &MwmbAlert, extra: &[String]) -> String {
    let sel = id_selector(slo);
    let eb = format_g(a.error_budget / 100.0);
    let f = format_g(a.burn_rate_factor);
    let (s, l) = (record_name(a.short), record_name(a.long));
    let mut text = format!(
        "(\n    max({s}{sel} > ({f} * {eb})) without (sloth_window)\n    and\n    max({l}{sel} > ({f} * {eb})) without (sloth_window)"
    );
    for e in extra {
        text.push_str("\n    and\n    ");
        text.push_str(e);
    }
    text.push_str("\n)");
    text
}

fn rule(slo: &Slo, meta: &AlertMeta, severity: &str, quick: &MwmbAlert, slow: &MwmbAlert) -> Rule {
    // compat(sloth): the two pairs joined by `or`, with a final newline.
    let expr = format!(
        "{}\nor\n{}\n",
        pair_expr(slo, quick, &[]),
        pair_expr(slo, slow, &[])
    );
    let mut labels = Labels::from([("sloth_severity".to_string(), severity.to_string())]);
    labels.extend(meta.labels.clone());
    let mut annotations = Labels::from([
        (
            "title".to_string(),
            format!("({severity}) {{{{$labels.sloth_service}}}} {{{{$labels.sloth_slo}}}} SLO error budget burn rate is too fast."),
        ),
        (
            "summary".to_string(),
            "{{$labels.sloth_service}} {{$labels.sloth_slo}} SLO error budget burn rate is over expected.".to_string(),
        ),
    ]);
    annotations.extend(meta.annotations.clone());
    Rule {
        alert: meta.name.clone(),
        expr,
        labels,
        annotations,
        ..Rule::default()
    }
}
