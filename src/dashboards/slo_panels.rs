//! The panels of one SLO: what it promises, its budget, its SLI, its burn rates, its alerts
//! and its events, in lines of the grid. A panel whose data the plan does not record is left
//! out, and the others on its line widen to fill it.

use serde_json::json;

use super::levels;
use super::panel::{self, md_escape, md_url, thresholds, Panel, Target};
use super::query;
use super::slo::SloView;
use crate::budget::policy::{colour, Levels};

/// Panels side by side: each with the width it would like, all of one height.
pub struct Line {
    pub height: u32,
    pub panels: Vec<(Panel, u32)>,
}

const BUDGET: &str = "slo:period_error_budget_remaining:ratio";
const ERROR_BUDGET: &str = "slo:error_budget:ratio";

/// The colour of an alert severity.
pub fn severity_colour(severity: &str) -> &'static str {
    if severity == "page" {
        colour::RED
    } else {
        colour::ORANGE
    }
}

/// A number as people write it: `99.9`, `99.95`, `0.1`.
pub fn decimal(x: f64) -> String {
    let s = format!("{x:.6}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    s.to_string()
}

/// A burn-rate factor as Grafana shows it next to its threshold: `14.4`, `0.9333`.
fn factor(x: f64) -> String {
    let s = format!("{x:.4}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// A legend: the group labels, then `suffix`.
fn legend(v: &SloView, suffix: &str) -> String {
    let mut parts: Vec<String> = v.grouping.iter().map(|l| format!("{{{{{l}}}}}")).collect();
    if !suffix.is_empty() {
        parts.push(suffix.to_string());
    }
    parts.join(" ")
}

/// Every line of panels for one SLO.
pub fn lines(v: &SloView, levels: &Levels) -> Vec<Line> {
    let grouped = !v.grouping.is_empty();
    let mut first = vec![(about(v), 6)];
    if v.records(BUDGET) {
        first.push((budget_left(v, levels, grouped), 4));
        first.push((policy(v, levels, grouped), 4));
        first.push((burn_down(v, levels), 10));
    }
    let mut second = Vec::new();
    if v.records_sli(v.short) {
        second.push((error_ratio(v), 12));
    }
    if v.records(ERROR_BUDGET) && !v.windows.is_empty() {
        second.push((burn_by_window(v), 12));
    }
    let mut third = Vec::new();
    if v.records(ERROR_BUDGET) && !v.pairs.is_empty() {
        third.push((burn_by_pair(v), 12));
    }
    if !v.alerts.is_empty() {
        third.push((alerts(v), 12));
    }
    let mut fourth = Vec::new();
    if let Some(p) = events(v) {
        fourth.push((p, 24));
    }
    [(7, first), (8, second), (8, third), (7, fourth)]
        .into_iter()
        .filter(|(_, panels)| !panels.is_empty())
        .map(|(height, panels)| Line { height, panels })
        .collect()
}

/// The SLO's promise in words: objective, period, description, SLI, alerts, runbooks.
fn about(v: &SloView) -> Panel {
    let slo = v.slo;
    let mut md = format!(
        "**Objective:** {}% over {} (error budget {}%)\n\n",
        decimal(slo.objective),
        slo.period,
        decimal(100.0 - slo.objective)
    );
    if !slo.description.trim().is_empty() {
        md.push_str(&format!("{}\n\n", md_escape(slo.description.trim())));
    }
    let kind = match &slo.sli {
        crate::model::Sli::Events { .. } => "ratio of error events to all events",
        crate::model::Sli::Raw { .. } => "error ratio query",
    };
    md.push_str(&format!("**SLI:** {kind}"));
    if !v.grouping.is_empty() {
        let labels: Vec<String> = v.grouping.iter().map(|l| md_escape(l)).collect();
        md.push_str(&format!(", one series per {}", labels.join(", ")));
    }
    md.push_str("  \n");
    if !v.alerts.is_empty() {
        let alerts: Vec<String> = v
            .alerts
            .iter()
            .map(|a| match &a.severity {
                Some(s) => format!("{} ({})", md_escape(&a.name), md_escape(s)),
                None => md_escape(&a.name),
            })
            .collect();
        md.push_str(&format!("**Alerts:** {}  \n", alerts.join(", ")));
    }
    if !slo.labels.is_empty() {
        let labels: Vec<String> = slo
            .labels
            .iter()
            .map(|(k, v)| format!("{}={}", md_escape(k), md_escape(v)))
            .collect();
        md.push_str(&format!("**Labels:** {}  \n", labels.join(", ")));
    }
    md.push_str(&format!("**ID:** {}\n", md_escape(&slo.id)));
    if !v.links.is_empty() {
        md.push_str("\n**Runbooks and links:**\n\n");
        for l in &v.links {
            md.push_str(&format!(
                "- [{}]({})\n",
                md_escape(&l.title),
                md_url(&l.url)
            ));
        }
    }
    panel::text(
        "About",
        "The SLO as its spec declares it, and the links its alerts carry.",
        md,
    )
}

fn budget_left(v: &SloView, levels: &Levels, grouped: bool) -> Panel {
    let description = format!(
        "Error budget left in the rolling {} period: 100% untouched, 0% spent, below 0% overspent. \
         From slo:period_error_budget_remaining:ratio; the colour is the error-budget policy level.",
        v.slo.period
    );
    let p = if grouped {
        panel::bar_gauge("Error budget left", &description)
            .set("min", json!(0))
            .set("max", json!(1))
    } else {
        panel::stat("Error budget left", &description, false)
    };
    p.target(Target::instant(query::recorded(v, BUDGET), legend(v, "")))
        .unit("percentunit")
        .set("decimals", json!(2))
        .set("color", json!({ "mode": "thresholds" }))
        .set("mappings", json!(levels::mappings(levels, false)))
        .set("thresholds", levels::thresholds(levels))
}

fn policy(v: &SloView, levels: &Levels, grouped: bool) -> Panel {
    panel::stat(
        "Policy",
        "What the error-budget policy says for the budget left: ship freely, be cautious, focus \
         on reliability, or freeze features.",
        grouped,
    )
    .target(Target::instant(query::recorded(v, BUDGET), legend(v, "")))
    .set("color", json!({ "mode": "thresholds" }))
    .set("mappings", json!(levels::mappings(levels, true)))
    .set("thresholds", levels::thresholds(levels))
}

fn burn_down(v: &SloView, levels: &Levels) -> Panel {
    let period = v.slo.period.to_string();
    // The whole period, unless that is longer than one query may span.
    let shown = super::grafana_span(v.slo.period.min(super::MAX_SPAN));
    let mut p = panel::time_series(
        "Error budget burn-down",
        &format!(
            "The error budget left in the rolling {period} period, at each moment of the last \
             {shown}: a fall is budget being spent, a rise is bad events leaving the window. \
             Dashed lines: the policy levels."
        ),
    )
    .target(Target::range(
        query::recorded(v, BUDGET),
        legend(v, "budget left"),
    ))
    .unit("percentunit")
    .set("decimals", json!(2))
    .set("color", json!({ "mode": "thresholds" }))
    .set("thresholds", levels::thresholds(levels));
    p.custom["gradientMode"] = json!("scheme");
    p.custom["thresholdsStyle"] = json!({ "mode": "dashed" });
    p.custom["axisSoftMin"] = json!(0);
    p.custom["axisSoftMax"] = json!(1);
    p.time_from = Some(shown);
    p
}

fn error_ratio(v: &SloView) -> Panel {
    let mut p = panel::time_series(
        "SLI error ratio",
        &format!(
            "Share of bad events: the mean of the {} error ratio over each point of the graph \
             (how the period SLI is computed), the {} error ratio, and the error ratio the \
             objective allows.",
            v.short, v.slo.period
        ),
    )
    .target(Target::range(
        query::sli_per_step(v),
        legend(v, &format!("error ratio ({} mean)", v.short)),
    ))
    .unit("percentunit");
    if v.records_sli(v.slo.period) {
        p = p.target(Target::range(
            query::sli(v, v.slo.period),
            legend(v, &format!("{} error ratio", v.slo.period)),
        ));
        let id = panel::ref_id(p.targets.len() - 1);
        p = p.override_query(
            &id,
            vec![("color", json!({ "fixedColor": "blue", "mode": "fixed" }))],
        );
    }
    if v.records(ERROR_BUDGET) {
        p = p.target(Target::range(
            query::recorded_all_groups(v, ERROR_BUDGET),
            format!("allowed by the objective ({}%)", decimal(v.slo.objective)),
        ));
        let id = panel::ref_id(p.targets.len() - 1);
        p = p.override_query(
            &id,
            vec![
                (
                    "color",
                    json!({ "fixedColor": colour::RED, "mode": "fixed" }),
                ),
                (
                    "custom.lineStyle",
                    json!({ "dash": [10, 10], "fill": "dash" }),
                ),
                ("custom.fillOpacity", json!(0)),
            ],
        );
    }
    p.interval = Some(v.step.to_string());
    p
}

fn burn_by_window(v: &SloView) -> Panel {
    let mut p = panel::bar_gauge(
        "Burn rate by alert window",
        "How fast each alert window spends the error budget now: 1x spends it exactly over the \
         period. Each bar turns orange past its ticket threshold and red past its page \
         threshold.",
    )
    .unit("suffix:x")
    .set("decimals", json!(2))
    .set("min", json!(0))
    .set("color", json!({ "mode": "thresholds" }))
    .set("thresholds", thresholds(colour::GREEN, &[]));
    for w in &v.windows {
        p = p.target(Target::instant(
            query::burn_rate(v, *w),
            legend(v, &w.to_string()),
        ));
        let steps: Vec<(f64, &str)> = v
            .thresholds(*w)
            .into_iter()
            .map(|(f, s)| (f, severity_colour(s)))
            .collect();
        if !steps.is_empty() {
            let id = panel::ref_id(p.targets.len() - 1);
            p = p.override_query(&id, vec![("thresholds", thresholds(colour::GREEN, &steps))]);
        }
    }
    p
}

fn burn_by_pair(v: &SloView) -> Panel {
    let mut p = panel::time_series(
        "Burn rate by alert window pair",
        "For each window pair of the alerts, the lower of its two burn rates: the alert fires \
         while this is above the pair's threshold (dashed).",
    )
    .unit("suffix:x")
    .set("decimals", json!(2))
    .set("min", json!(0));
    for pair in &v.pairs {
        p = p.target(Target::range(
            query::pair_burn_rate(v, pair.short, pair.long),
            legend(
                v,
                &format!(
                    "{} {} & {} (over {}x)",
                    pair.severity,
                    pair.long,
                    pair.short,
                    factor(pair.factor)
                ),
            ),
        ));
        let id = panel::ref_id(p.targets.len() - 1);
        let colour = severity_colour(&pair.severity);
        p = p.override_query(
            &id,
            vec![
                (
                    "thresholds",
                    thresholds("transparent", &[(pair.factor, colour)]),
                ),
                ("custom.thresholdsStyle", json!({ "mode": "dashed" })),
            ],
        );
    }
    p.interval = Some(v.step.to_string());
    p
}

fn alerts(v: &SloView) -> Panel {
    let state = |firing: &str| {
        json!([{
            "type": "value",
            "options": {
                "0": { "color": colour::GREEN, "index": 0, "text": "OK" },
                "1": { "color": firing, "index": 1, "text": "firing" },
            },
        }])
    };
    let mut p = panel::state_timeline(
        "Alerts firing",
        "Each alert of the SLO: firing (red for page, orange for ticket) at any time in a point \
         of the graph, or OK. Alerts whose rules carry sloth_window show one row per window.",
    )
    .set("color", json!({ "mode": "thresholds" }))
    .set("thresholds", thresholds(colour::GREEN, &[]))
    .set("mappings", state(colour::RED));
    for a in &v.alerts {
        let name = match &a.severity {
            Some(s) => format!("{} ({s})", a.name),
            None => a.name.clone(),
        };
        p = p.target(Target::range(
            query::alert_firing(v, &a.name, a.severity.as_deref()),
            legend(v, &format!("{name} {{{{sloth_window}}}}")),
        ));
        if a.severity.as_deref() != Some("page") {
            let id = panel::ref_id(p.targets.len() - 1);
            p = p.override_query(&id, vec![("mappings", state(colour::ORANGE))]);
        }
    }
    p.interval = Some(v.step.to_string());
    p
}

fn events(v: &SloView) -> Option<Panel> {
    let e = v.events.as_ref()?;
    let mut p = panel::time_series(
        "Events",
        "Events per second, from the SLI's own queries over Grafana's rate interval: all \
         events, and the bad ones.",
    )
    .unit("cps")
    .target(Target::range(query::events(v, &e.total), legend(v, "all")))
    .target(Target::range(query::events(v, &e.errors), legend(v, "bad")));
    p = p.override_query(
        "B",
        vec![(
            "color",
            json!({ "fixedColor": colour::RED, "mode": "fixed" }),
        )],
    );
    p.interval = Some(v.step.to_string());
    Some(p)
}
