//! What an SLO's page shows, as plain data: its figures, the burn-down and error-ratio
//! charts, every alert window pair with its factor, detection time and state, the queries
//! with their links to Prometheus, and the spec's source and generated rules.

use serde::Serialize;

use super::api::{self, Condition, Query};
use super::data::SloSeries;
use super::links::{graph_url, is_web_url, range_input};
use super::svg::{self, percent_label, Line, Rule};
use super::view::{rows, trim_number, BurnCell, Row, SloView};
use crate::budget::policy::{Levels, PolicyLevel};
use crate::live::esc;
use crate::live::groups::describe;
use crate::model::AlertMeta;
use crate::plan::mwmb::MwmbAlerts;
use crate::prove::explain::{explain_slo, human, seconds};

/// The window whose error ratio the chart draws, and its length in seconds: the page alert's
/// quick condition's long window (`1h` with Sloth's catalogs), the shortest long window.
pub fn ratio_window(v: &SloView) -> (String, f64) {
    match v.spec {
        Some(s) => {
            let w = MwmbAlerts::new(&s.slo).page_quick.long;
            (w.to_string(), seconds(w))
        }
        None => ("1h".to_string(), 3600.0),
    }
}

/// The SLO's period in seconds.
pub fn period_seconds(v: &SloView) -> f64 {
    match v.spec {
        Some(s) => seconds(s.slo.period),
        None => v.row.status.period_days.unwrap_or(30.0) * 86_400.0,
    }
}

/// Every alert condition, with the workbook's figures and whether the severity fires.
pub fn conditions(v: &SloView) -> Vec<Condition> {
    let Some(spec) = v.spec else {
        return Vec::new();
    };
    let explained = explain_slo(&spec.slo);
    let (group, alerts) = match v.groups.first() {
        Some(g) => (Some(g.status.labels.clone()), &g.status.alerts),
        None => (None, &v.row.status.alerts),
    };
    v.conditions
        .iter()
        .zip(explained.conditions)
        .map(|(state, e)| Condition {
            firing: alerts.iter().any(|a| a.severity == state.severity),
            detection_seconds_at_outage: e.detection_seconds_at_outage,
            budget_consumed_percent: e.budget_consumed_percent,
            group: group.clone(),
            state: state.clone(),
        })
        .collect()
}

/// The queries behind the page, each with its link to Prometheus's graph page.
pub fn queries(v: &SloView, link_base: &str, at: f64) -> Vec<Query> {
    let id = &v.row.status.id;
    let sel = format!("{{sloth_id=\"{}\"}}", esc(id));
    let (window, _) = ratio_window(v);
    let range = range_input(period_seconds(v));
    let mut out: Vec<(String, String)> = vec![
        (
            "Budget left in the period".into(),
            format!("slo:period_error_budget_remaining:ratio{sel}"),
        ),
        (
            "Burn rate now (5m)".into(),
            format!("slo:current_burn_rate:ratio{sel}"),
        ),
        (
            format!("Error ratio over {window}"),
            format!("slo:sli_error:ratio_rate{window}{sel}"),
        ),
        (
            "Burn rate over the period".into(),
            format!("slo:period_burn_rate:ratio{sel}"),
        ),
        (
            "Alerts firing".into(),
            format!("ALERTS{{sloth_id=\"{}\",alertstate=\"firing\"}}", esc(id)),
        ),
    ];
    if let Some(spec) = v.spec {
        if let Some(r) = spec
            .rules
            .sli
            .rules
            .iter()
            .find(|r| r.record == "slo:sli_error:ratio_rate5m")
        {
            out.push(("SLI error ratio (5m), from the spec".into(), r.expr.clone()));
        }
        for r in &spec.rules.alerts.rules {
            let severity = r.labels.get("sloth_severity").cloned().unwrap_or_default();
            out.push((format!("Alert {} ({severity})", r.alert), r.expr.clone()));
        }
    }
    out.into_iter()
        .map(|(name, expr)| Query {
            graph_url: graph_url(link_base, &expr, &range, at),
            name,
            expr,
        })
        .collect()
}

/// One row of the conditions table.
#[derive(Debug, Clone, Serialize)]
pub struct ConditionRow {
    pub severity: &'static str,
    pub speed: &'static str,
    pub enabled: bool,
    pub short_window: String,
    pub long_window: String,
    pub factor: String,
    pub threshold: String,
    pub short_burn: String,
    pub long_burn: String,
    pub detection: String,
    pub consumed: String,
    pub holds: bool,
    pub firing: bool,
    pub can_fire: bool,
}

fn condition_row(c: &Condition) -> ConditionRow {
    let s = &c.state;
    let burn = |b: Option<f64>| b.map_or("-".into(), |b| format!("{b:.2}x"));
    ConditionRow {
        severity: s.severity,
        speed: s.speed,
        enabled: s.enabled,
        short_window: s.short_window.clone(),
        long_window: s.long_window.clone(),
        factor: format!("{}x", trim_number(s.burn_rate_factor, 2)),
        threshold: percent_label(s.error_ratio_threshold),
        short_burn: burn(s.short_burn_rate),
        long_burn: burn(s.long_burn_rate),
        detection: c
            .detection_seconds_at_outage
            .map_or("never (the factor is over 100% errors)".into(), human),
        consumed: format!("{}%", trim_number(c.budget_consumed_percent, 2)),
        holds: s.holds,
        firing: c.firing,
        can_fire: c.detection_seconds_at_outage.is_some(),
    }
}

/// An annotation, linked when it is a web URL.
#[derive(Debug, Clone, Serialize)]
pub struct Annotation {
    pub key: String,
    pub value: String,
    pub link: bool,
}

/// An alert as the spec declares it.
#[derive(Debug, Clone, Serialize)]
pub struct AlertSpec {
    pub severity: &'static str,
    pub name: String,
    pub labels: Vec<(String, String)>,
    pub annotations: Vec<Annotation>,
}

fn alert_spec(severity: &'static str, m: &AlertMeta) -> AlertSpec {
    AlertSpec {
        severity,
        name: m.name.clone(),
        labels: m
            .labels
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
        annotations: m
            .annotations
            .iter()
            .map(|(k, v)| Annotation {
                key: k.clone(),
                value: v.clone(),
                link: is_web_url(v),
            })
            .collect(),
    }
}

/// Everything the SLO page shows.
#[derive(Debug, Clone, Serialize)]
pub struct Page {
    /// The SLO's overview row (its worst group's, for a grouped SLO).
    pub row: Row,
    /// One row per group of a grouped SLO.
    pub groups: Vec<Row>,
    pub source: Option<api::Source>,
    pub labels: Vec<(String, String)>,
    pub alert_specs: Vec<AlertSpec>,
    pub budget_chart: String,
    pub ratio_chart: String,
    pub ratio_window: String,
    /// Why the charts are empty, when Prometheus did not answer their queries.
    pub series_error: Option<String>,
    pub conditions: Vec<ConditionRow>,
    /// The group the conditions are shown for (the worst), for a grouped SLO.
    pub condition_group: String,
    pub page_burn: Option<BurnCell>,
    pub queries: Vec<Query>,
    pub rule_groups: Vec<String>,
    pub rules_yaml: String,
}

fn lines(histories: &[crate::live::history::History]) -> Vec<Line> {
    histories
        .iter()
        .map(|h| Line {
            label: describe(&h.group),
            points: h.points.clone(),
        })
        .collect()
}

/// The policy levels' lower bounds as chart rules, in each level's colour.
fn level_bounds(levels: &Levels) -> Vec<Rule> {
    [
        (PolicyLevel::ShipFreely, levels.ship_freely),
        (PolicyLevel::Cautious, levels.cautious),
        (PolicyLevel::FocusOnReliability, levels.focus_on_reliability),
    ]
    .into_iter()
    .map(|(l, v)| Rule {
        label: format!("{} above {}", l.advice(), percent_label(v)),
        value: v,
        colour: l.colour(),
    })
    .collect()
}

/// The objective's error budget (1x) and each enabled condition's threshold.
fn thresholds(v: &SloView) -> Vec<Rule> {
    let budget = 1.0 - v.row.status.objective;
    let mut out = vec![Rule {
        label: "objective (1x)".into(),
        value: budget,
        colour: "#57606a",
    }];
    for c in v.conditions.iter().filter(|c| c.enabled) {
        let name = format!(
            "{} {} {}x ({} & {})",
            c.severity,
            c.speed,
            trim_number(c.burn_rate_factor, 2),
            c.short_window,
            c.long_window
        );
        // A 1x condition sits on the objective's line: one line, both names.
        if (c.error_ratio_threshold - budget).abs() <= budget * 1e-9 {
            out[0].label = format!("{} = {name}", out[0].label);
            continue;
        }
        let colour = if c.severity == "page" {
            PolicyLevel::Freeze.colour()
        } else {
            PolicyLevel::FocusOnReliability.colour()
        };
        out.push(Rule {
            label: name,
            value: c.error_ratio_threshold,
            colour,
        });
    }
    out
}

/// The page of `v`, with its series over the period.
pub fn page(v: &SloView, series: &SloSeries, link_base: &str, at: f64, levels: &Levels) -> Page {
    let mut all = rows(std::slice::from_ref(v));
    let row = all.first().cloned().expect("every SLO has a row");
    let groups = if v.groups.is_empty() {
        Vec::new()
    } else {
        std::mem::take(&mut all)
    };
    let (start, end) = (at - period_seconds(v), at);
    let (ratio_window, _) = ratio_window(v);
    let (budget_chart, ratio_chart, series_error) = match &series.facts {
        Ok(f) => (
            svg::budget_chart(&lines(&f.budget), f.start, f.end, &level_bounds(levels)),
            svg::ratio_chart(&lines(&f.ratios), f.start, f.end, &thresholds(v)),
            None,
        ),
        Err(e) => (
            svg::budget_chart(&[], start, end, &level_bounds(levels)),
            svg::ratio_chart(&[], start, end, &thresholds(v)),
            Some(e.clone()),
        ),
    };
    let spec = v.spec;
    Page {
        source: spec.map(|s| api::Source {
            file: s.file.clone(),
            line: s.line,
        }),
        labels: spec.map_or(Vec::new(), |s| {
            s.slo
                .labels
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect()
        }),
        alert_specs: spec.map_or(Vec::new(), |s| {
            let mut out = Vec::new();
            if let Some(m) = &s.slo.page_alert {
                out.push(alert_spec("page", m));
            }
            if let Some(m) = &s.slo.ticket_alert {
                out.push(alert_spec("ticket", m));
            }
            out
        }),
        budget_chart,
        ratio_chart,
        ratio_window,
        series_error,
        conditions: conditions(v).iter().map(condition_row).collect(),
        condition_group: v
            .groups
            .first()
            .map_or(String::new(), |g| describe(&g.status.labels)),
        page_burn: row.page.clone(),
        queries: queries(v, link_base, at),
        rule_groups: spec.map_or(Vec::new(), |s| {
            s.rules.groups().map(|g| g.name.clone()).collect()
        }),
        rules_yaml: spec.map_or(String::new(), |s| s.rules_yaml.clone()),
        groups,
        row,
    }
}
