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

fn rule(slo: &Slo, meta: &AlertMeta, severity: &str, quick: &MwmbAlert, slow: &MwmbAlert) -> Rule {
    let sel = id_selector(slo);
    let eb = format_g(quick.error_budget / 100.0);
    let fq = format_g(quick.burn_rate_factor);
    let fs = format_g(slow.burn_rate_factor);
    let (qs, ql) = (record_name(quick.short), record_name(quick.long));
    let (ss, sl) = (record_name(slow.short), record_name(slow.long));
    let expr = format!(
        "(\n    max({qs}{sel} > ({fq} * {eb})) without (sloth_window)\n    and\n    max({ql}{sel} > ({fq} * {eb})) without (sloth_window)\n)\nor\n(\n    max({ss}{sel} > ({fs} * {eb})) without (sloth_window)\n    and\n    max({sl}{sel} > ({fs} * {eb})) without (sloth_window)\n)\n"
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
