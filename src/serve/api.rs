//! The JSON API behind the pages: `/api/v1/slos` and `/api/v1/slos/{id}`.
//!
//! Each SLO is the row `slogen budget --format json` prints ([`BudgetRow`]: `id`, `service`,
//! `slo`, `objective_ratio`, `objective_percent`, `period_days`, `budget_remaining_ratio`,
//! `budget_remaining_percent`, `burn_rate`, `alerts`, `missing_reason`, `policy_level`,
//! `policy_advice`), with what the pages add: the spec's source, the burn rates over the page
//! and ticket windows, whether it burns now, its groups. Times are RFC 3339; `_ratio` fields
//! are ratios (0.3) and `_percent` fields percents (30); an unknown figure is `null`, and
//! `missing_reason` says why.

use serde::Serialize;

use super::catalog::Catalog;
use super::data::SloSeries;
use super::view::SloView;
use crate::budget::policy::PolicyLevel;
use crate::budget::row::BudgetRow;
use crate::live::history::History;
use crate::live::windows::ConditionState;
use crate::live::FiringAlert;
use crate::prom::Labels;
use crate::timefmt::rfc3339;

/// Where the figures come from.
#[derive(Debug, Clone, Serialize)]
pub struct Meta {
    /// The instant the figures are for.
    pub evaluated_at: String,
    pub prometheus: PromMeta,
    pub specs: SpecsMeta,
}

#[derive(Debug, Clone, Serialize)]
pub struct PromMeta {
    /// The server's URL, without credentials.
    pub url: String,
    /// Why Prometheus gave no figures (down, slow, refused, no SLO series); `null` when it
    /// answered.
    pub error: Option<String>,
    /// The engine answered from part of its data (VictoriaMetrics `isPartial`, Thanos
    /// warnings): the figures are not the whole.
    pub partial: bool,
    /// Warnings the engine sent with its answers.
    pub warnings: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SpecsMeta {
    pub files: usize,
    pub slos: usize,
    /// Problems that keep specs out, `path:line:col: …`.
    pub problems: Vec<String>,
}

impl SpecsMeta {
    pub fn of(c: &Catalog) -> SpecsMeta {
        let mut problems = c.problems.clone();
        if let Some(e) = &c.error {
            problems.insert(0, e.clone());
        }
        SpecsMeta {
            files: c.files,
            slos: c.slos.len(),
            problems,
        }
    }
}

/// Where an SLO is written.
#[derive(Debug, Clone, Serialize)]
pub struct Source {
    pub file: String,
    pub line: usize,
}

/// A burn rate over one alert window, against its factor.
#[derive(Debug, Clone, Serialize)]
pub struct WindowBurn {
    /// The long window of the severity's quick condition (`1h` for page, `1d` for ticket).
    pub window: String,
    pub burn_rate: Option<f64>,
    pub burn_rate_factor: f64,
    /// Both windows of the condition are over the factor.
    pub condition_holds: bool,
}

fn window_burn(conditions: &[ConditionState], severity: &str) -> Option<WindowBurn> {
    conditions
        .iter()
        .find(|c| c.severity == severity && c.speed == "quick" && c.enabled)
        .map(|c| WindowBurn {
            window: c.long_window.clone(),
            burn_rate: c.long_burn_rate,
            burn_rate_factor: c.burn_rate_factor,
            condition_holds: c.holds,
        })
}

/// One group of a grouped SLO.
#[derive(Debug, Clone, Serialize)]
pub struct Group {
    pub labels: Labels,
    pub budget_remaining_ratio: Option<f64>,
    pub budget_remaining_percent: Option<f64>,
    pub burn_rate: Option<f64>,
    pub policy_level: Option<PolicyLevel>,
    pub alerts: Vec<FiringAlert>,
    pub burning: bool,
}

/// One SLO in the API.
#[derive(Debug, Clone, Serialize)]
pub struct Slo {
    #[serde(flatten)]
    pub row: BudgetRow,
    pub description: Option<String>,
    pub source: Option<Source>,
    pub in_specs: bool,
    pub in_prometheus: bool,
    /// A burn-rate condition holds or an alert fires (for the SLO or one of its groups).
    pub burning: bool,
    pub page_burn_rate: Option<WindowBurn>,
    pub ticket_burn_rate: Option<WindowBurn>,
    /// The groups of a grouped SLO, most at risk first (the SLO's figures are the worst
    /// group's); empty otherwise.
    pub groups: Vec<Group>,
    /// The SLO's page.
    pub url: String,
}

impl Slo {
    pub fn of(v: &SloView) -> Slo {
        Slo {
            description: v
                .spec
                .map(|s| s.slo.description.clone())
                .filter(|d| !d.is_empty()),
            source: v.spec.map(|s| Source {
                file: s.file.clone(),
                line: s.line,
            }),
            in_specs: v.spec.is_some(),
            in_prometheus: v.in_prometheus,
            burning: v.burning,
            page_burn_rate: window_burn(&v.conditions, "page"),
            ticket_burn_rate: window_burn(&v.conditions, "ticket"),
            groups: v
                .groups
                .iter()
                .map(|g| Group {
                    labels: g.status.labels.clone(),
                    budget_remaining_ratio: known(g.status.budget_remaining),
                    budget_remaining_percent: known(g.status.budget_remaining)
                        .map(|b| crate::live::round(b * 100.0, 4)),
                    burn_rate: g.status.burn_rate,
                    policy_level: g.level,
                    alerts: g.status.alerts.clone(),
                    burning: g.burning,
                })
                .collect(),
            url: format!("/slo/{}", super::links::encode(&v.row.status.id)),
            row: v.row.clone(),
        }
    }
}

/// A budget when it is a number (not missing, not NaN).
fn known(b: Option<f64>) -> Option<f64> {
    b.filter(|v| !v.is_nan())
}

/// `/api/v1/slos`.
#[derive(Debug, Clone, Serialize)]
pub struct List {
    #[serde(flatten)]
    pub meta: Meta,
    pub slos: Vec<Slo>,
}

/// One alert condition in the SLO's detail.
#[derive(Debug, Clone, Serialize)]
pub struct Condition {
    #[serde(flatten)]
    pub state: ConditionState,
    /// Group labels, for a grouped SLO (the worst group's conditions).
    pub group: Option<Labels>,
    /// Seconds from the start of a full outage to firing; `null` when it cannot fire.
    pub detection_seconds_at_outage: Option<f64>,
    /// Share of the period's budget spent by the time it fires, percent.
    pub budget_consumed_percent: f64,
    /// Prometheus has this severity's alert firing now (`ALERTS`).
    pub firing: bool,
}

/// A query with its link to Prometheus's graph page.
#[derive(Debug, Clone, Serialize)]
pub struct Query {
    pub name: String,
    pub expr: String,
    pub graph_url: String,
}

/// A series over the period.
#[derive(Debug, Clone, Serialize)]
pub struct Series {
    pub group: Labels,
    /// `[time (RFC 3339), value]`, values `null` without traffic.
    pub points: Vec<(String, Option<f64>)>,
}

impl Series {
    pub fn of(h: &History) -> Series {
        Series {
            group: h.group.clone(),
            points: h
                .points
                .iter()
                .map(|(t, v)| (rfc3339(*t), Some(*v).filter(|v| v.is_finite())))
                .collect(),
        }
    }
}

/// `/api/v1/slos/{id}`.
#[derive(Debug, Clone, Serialize)]
pub struct Detail {
    #[serde(flatten)]
    pub meta: Meta,
    pub slo: Slo,
    pub conditions: Vec<Condition>,
    pub queries: Vec<Query>,
    /// The generated rule groups' names.
    pub rule_groups: Vec<String>,
    /// Budget left across the period, per group.
    pub budget_history: Vec<Series>,
    /// The error ratio over `error_ratio_window`, per group.
    pub error_ratio_history: Vec<Series>,
    pub error_ratio_window: Option<String>,
}

impl Detail {
    /// The histories of `series`, empty when it holds none.
    pub fn histories(series: &SloSeries) -> (Vec<Series>, Vec<Series>, Option<String>) {
        match &series.facts {
            Ok(f) => (
                f.budget.iter().map(Series::of).collect(),
                f.ratios.iter().map(Series::of).collect(),
                Some(f.window.clone()),
            ),
            Err(_) => (Vec::new(), Vec::new(), None),
        }
    }
}
