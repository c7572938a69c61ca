//! What the overview and the API show, as plain data built from the specs and the live facts.
//!
//! [`slo_views`] joins the two: every SLO Prometheus records (in its risk order, the order of
//! `slogen budget`), then every SLO of the specs that Prometheus does not record. Each carries
//! its [`BudgetRow`] (the JSON of `budget --format json`), its spec, its groups and the state
//! of its alert conditions. [`rows`] turns them into table rows (one per group of a grouped
//! SLO, most at risk first) and [`Filter`] selects rows. Text is formatted here; escaping is
//! the templates' job.

use std::collections::BTreeMap;

use serde::Serialize;

use super::catalog::{Catalog, SpecSlo};
use super::data::Board;
use super::svg::{self, Line};
use crate::budget::policy::{Levels, PolicyLevel};
use crate::budget::row::{budget_cell, objective_percent, BudgetRow};
use crate::live::groups::{describe, GroupStatus};
use crate::live::windows::{conditions, ConditionState};
use crate::live::{risk_cmp, FiringAlert, SloStatus};
use crate::prom::Labels;

/// One SLO with everything known about it.
#[derive(Debug, Clone)]
pub struct SloView<'a> {
    pub row: BudgetRow,
    pub spec: Option<&'a SpecSlo>,
    /// Prometheus records it (`slo:objective:ratio`).
    pub in_prometheus: bool,
    /// Its alert conditions now (empty without a spec); for a grouped SLO, its worst group's.
    pub conditions: Vec<ConditionState>,
    /// The groups of a grouped SLO, most at risk first; empty otherwise.
    pub groups: Vec<GroupView>,
    /// A condition holds or an alert fires, for the SLO or any of its groups.
    pub burning: bool,
    /// Budget left over the period (the whole SLO; empty for grouped SLOs).
    pub trend: Vec<(f64, f64)>,
    /// Where the trend starts (Unix seconds): the SLO's period before the board's instant.
    pub trend_start: f64,
}

/// One group of a grouped SLO.
#[derive(Debug, Clone)]
pub struct GroupView {
    pub status: GroupStatus,
    pub level: Option<PolicyLevel>,
    pub conditions: Vec<ConditionState>,
    pub burning: bool,
    pub trend: Vec<(f64, f64)>,
}

fn is_burning(conditions: &[ConditionState], alerts: &[FiringAlert]) -> bool {
    !alerts.is_empty() || conditions.iter().any(|c| c.enabled && c.holds)
}

/// Why an SLO of the specs has no figures.
fn missing(board: &Board) -> String {
    match &board.facts {
        Ok(_) => {
            "not recorded in Prometheus (no slo:objective:ratio series; are its rules loaded?)"
                .into()
        }
        Err(_) => "Prometheus did not answer".into(),
    }
}

/// Every SLO: Prometheus's in risk order, then the specs' others in file order.
pub fn slo_views<'a>(catalog: &'a Catalog, board: &Board, levels: &Levels) -> Vec<SloView<'a>> {
    let mut out = Vec::new();
    let facts = board.facts.as_ref().ok();
    let statuses: &[SloStatus] = facts.map_or(&[], |f| &f.overview.statuses);
    let ratios_of = |id: &str, group: &Labels| -> BTreeMap<String, f64> {
        facts
            .and_then(|f| {
                f.overview
                    .windows
                    .iter()
                    .find(|w| w.id == id && &w.group == group)
            })
            .map(|w| w.ratios.clone())
            .unwrap_or_default()
    };
    let trend_of = |id: &str, group: &Labels, start: f64| -> Vec<(f64, f64)> {
        facts
            .and_then(|f| f.trends.iter().find(|h| h.id == id && &h.group == group))
            .map(|h| {
                h.points
                    .iter()
                    .copied()
                    .filter(|(t, _)| *t >= start)
                    .collect()
            })
            .unwrap_or_default()
    };
    let mut push = |status: SloStatus, spec: Option<&'a SpecSlo>, in_prometheus: bool| {
        let period_days = status
            .period_days
            .or(spec.map(|s| s.slo.period.as_millis() as f64 / 86_400_000.0))
            .unwrap_or(30.0);
        let trend_start = board.at - period_days * 86_400.0;
        let groups: Vec<GroupView> = facts
            .map(|f| {
                f.overview
                    .groups
                    .iter()
                    .filter(|g| g.id == status.id)
                    .map(|g| {
                        let conditions = spec.map_or(Vec::new(), |s| {
                            conditions(&s.slo, &ratios_of(&g.id, &g.labels))
                        });
                        GroupView {
                            level: g.known_budget().map(|b| levels.level(b)),
                            burning: is_burning(&conditions, &g.alerts),
                            trend: trend_of(&g.id, &g.labels, trend_start),
                            conditions,
                            status: g.clone(),
                        }
                    })
                    .collect()
            })
            .unwrap_or_default();
        let conditions = match groups.first() {
            Some(worst) => worst.conditions.clone(),
            None => spec.map_or(Vec::new(), |s| {
                conditions(&s.slo, &ratios_of(&status.id, &Labels::new()))
            }),
        };
        let burning = is_burning(&conditions, &status.alerts) || groups.iter().any(|g| g.burning);
        let trend = if groups.is_empty() {
            trend_of(&status.id, &Labels::new(), trend_start)
        } else {
            Vec::new()
        };
        let mut row = BudgetRow::new(status, levels);
        if !in_prometheus {
            row.unavailable = Some(missing(board));
        }
        out.push(SloView {
            row,
            spec,
            in_prometheus,
            conditions,
            groups,
            burning,
            trend,
            trend_start,
        });
    };
    for s in statuses {
        push(s.clone(), catalog.find(&s.id), true);
    }
    for spec in &catalog.slos {
        if statuses.iter().any(|s| s.id == spec.slo.id) {
            continue;
        }
        let status = SloStatus {
            id: spec.slo.id.clone(),
            service: spec.slo.service.clone(),
            slo: spec.slo.name.clone(),
            objective: spec.slo.objective / 100.0,
            period_days: Some(spec.slo.period.as_millis() as f64 / 86_400_000.0),
            budget_remaining: None,
            burn_rate: None,
            alerts: Vec::new(),
        };
        push(status, Some(spec), false);
    }
    out
}

/// A burn rate over one window against the factor that alerts.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct BurnCell {
    pub window: String,
    /// `2.50x`, or `-` when not recorded.
    pub text: String,
    pub factor: String,
    /// The condition holds (both of its windows are over the factor).
    pub over: bool,
}

/// The page and ticket burn rates shown in a row: each severity's quick condition, its
/// long window.
pub fn burn_cells(conditions: &[ConditionState]) -> (Option<BurnCell>, Option<BurnCell>) {
    let cell = |severity: &str| {
        conditions
            .iter()
            .find(|c| c.severity == severity && c.speed == "quick" && c.enabled)
            .map(|c| BurnCell {
                window: c.long_window.clone(),
                text: c.long_burn_rate.map_or("-".into(), |b| format!("{b:.2}x")),
                factor: format!("{}x", trim_number(c.burn_rate_factor, 2)),
                over: c.holds,
            })
    };
    (cell("page"), cell("ticket"))
}

/// A number with at most `digits` decimals and no trailing zeros (`14.4`, `6`, `0.5`).
pub fn trim_number(v: f64, digits: usize) -> String {
    let s = format!("{v:.digits$}");
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

/// A burn rate as people read it: `20.00x`, `NaN`, or `-` when not recorded.
pub fn burn_text(v: Option<f64>) -> String {
    match v {
        None => "-".into(),
        Some(v) if v.is_nan() => "NaN".into(),
        Some(v) => format!("{v:.2}x"),
    }
}

/// Firing alerts as `Name (severity)`.
pub fn alert_texts(alerts: &[FiringAlert]) -> Vec<String> {
    alerts
        .iter()
        .map(|a| match a.severity.as_str() {
            "" => a.name.clone(),
            s => format!("{} ({s})", a.name),
        })
        .collect()
}

/// A period in days as `30d`.
pub fn period_text(days: Option<f64>) -> String {
    days.map_or("-".into(), |d| format!("{}d", trim_number(d, 2)))
}

/// One row of the overview table.
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    pub id: String,
    pub service: String,
    pub slo: String,
    /// The group's labels (`route="/pay"`); empty for an SLO that is not grouped.
    pub group: String,
    pub description: String,
    pub objective: String,
    pub period: String,
    /// `30.09%`, `NaN (no traffic)` or `no data`.
    pub budget: String,
    /// The remaining budget ratio as JSON writes it (full precision), or empty.
    pub budget_exact: String,
    /// `ship_freely` … `freeze`, or `unknown`.
    pub level: &'static str,
    pub advice: String,
    pub burn_now: String,
    pub page: Option<BurnCell>,
    pub ticket: Option<BurnCell>,
    pub alerts: Vec<String>,
    pub burning: bool,
    /// Why figures are missing, or that Prometheus runs an SLO the specs lack.
    pub note: String,
    pub sparkline: String,
    /// Lower-case text the search looks in.
    pub search: String,
    #[serde(skip)]
    risk: (Option<f64>, Option<f64>),
}

fn level_fields(level: Option<PolicyLevel>) -> (&'static str, String) {
    match level {
        Some(l) => (l.name(), l.advice().to_string()),
        None => ("unknown", "unknown: no budget figure".to_string()),
    }
}

fn exact(v: Option<f64>) -> String {
    v.filter(|v| v.is_finite()).map_or(String::new(), |v| {
        serde_json::to_string(&v).unwrap_or_default()
    })
}

/// The overview's rows, most at risk first: one per SLO, one per group of a grouped SLO.
pub fn rows(views: &[SloView]) -> Vec<Row> {
    let mut out = Vec::new();
    for v in views {
        let s = &v.row.status;
        let description = v.spec.map_or(String::new(), |x| x.slo.description.clone());
        let note = if !v.in_prometheus {
            v.row.missing_reason().unwrap_or_default().to_string()
        } else if v.spec.is_none() {
            "not in the specs".to_string()
        } else {
            String::new()
        };
        let base = |group: String,
                    budget: Option<f64>,
                    burn: Option<f64>,
                    level: Option<PolicyLevel>,
                    conds: &[ConditionState],
                    alerts: &[FiringAlert],
                    burning: bool,
                    spark: String| {
            let (level, advice) = level_fields(level);
            let (page, ticket) = burn_cells(conds);
            let status_like = SloStatus {
                budget_remaining: budget,
                ..s.clone()
            };
            let search = [
                s.service.as_str(),
                s.slo.as_str(),
                s.id.as_str(),
                description.as_str(),
                group.as_str(),
                level,
            ]
            .join(" ")
            .to_lowercase();
            Row {
                id: s.id.clone(),
                service: s.service.clone(),
                slo: s.slo.clone(),
                group,
                description: description.clone(),
                objective: objective_percent(s.objective),
                period: period_text(s.period_days),
                budget: if v.in_prometheus {
                    budget_cell(&status_like)
                } else {
                    "no data".into()
                },
                budget_exact: exact(budget),
                level,
                advice,
                burn_now: burn_text(burn),
                page,
                ticket,
                alerts: alert_texts(alerts),
                burning,
                note: note.clone(),
                sparkline: spark,
                search,
                risk: (budget.filter(|b| !b.is_nan()), burn),
            }
        };
        if v.groups.is_empty() {
            let spark = svg::sparkline(
                &[Line {
                    label: String::new(),
                    points: v.trend.clone(),
                }],
                v.trend_start,
                view_end(v),
            );
            out.push(base(
                String::new(),
                s.budget_remaining,
                s.burn_rate,
                v.row.policy_level,
                &v.conditions,
                &s.alerts,
                v.burning,
                spark,
            ));
        } else {
            for g in &v.groups {
                let spark = svg::sparkline(
                    &[Line {
                        label: describe(&g.status.labels),
                        points: g.trend.clone(),
                    }],
                    v.trend_start,
                    view_end(v),
                );
                out.push(base(
                    describe(&g.status.labels),
                    g.status.budget_remaining,
                    g.status.burn_rate,
                    g.level,
                    &g.conditions,
                    &g.status.alerts,
                    g.burning,
                    spark,
                ));
            }
        }
    }
    // Stable: equal risks keep the SLO order (Prometheus's, then the specs').
    out.sort_by(|a, b| risk_cmp(a.risk, b.risk));
    out
}

/// The end of a view's trend: its period after the start.
fn view_end(v: &SloView) -> f64 {
    let days = v.row.status.period_days.unwrap_or(30.0);
    v.trend_start + days * 86_400.0
}

/// The overview's filters, from the query string.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Filter {
    /// Exact service name.
    pub service: String,
    /// A policy level name, or `unknown`.
    pub level: String,
    /// Only SLOs (or groups) with a condition holding or an alert firing.
    pub burning: bool,
    /// Text searched, case-insensitively, in service, SLO, ID, description and group.
    pub q: String,
}

/// Longest search text kept.
const MAX_QUERY: usize = 200;

impl Filter {
    /// Reads `service`, `level`, `burning` and `q`; other parameters are ignored.
    pub fn parse(params: &BTreeMap<String, String>) -> Result<Filter, String> {
        let get = |k: &str| {
            params
                .get(k)
                .map(|v| v.trim().to_string())
                .unwrap_or_default()
        };
        let level = get("level");
        if !level.is_empty() && level != "unknown" && PolicyLevel::from_name(&level).is_none() {
            let names: Vec<&str> = PolicyLevel::ALL.iter().map(|l| l.name()).collect();
            return Err(format!(
                "level {level:?} is not a policy level (use one of {}, or unknown)",
                names.join(", ")
            ));
        }
        let burning = match get("burning").to_ascii_lowercase().as_str() {
            "" | "0" | "false" | "off" | "no" => false,
            "1" | "true" | "on" | "yes" => true,
            other => {
                return Err(format!(
                    "burning {other:?} is not a yes/no value (use 1 or 0)"
                ))
            }
        };
        Ok(Filter {
            service: get("service"),
            level,
            burning,
            q: get("q").chars().take(MAX_QUERY).collect(),
        })
    }

    /// True when no filter is set.
    pub fn is_empty(&self) -> bool {
        *self == Filter::default()
    }

    /// True when `row` passes every filter set.
    pub fn keeps(&self, row: &Row) -> bool {
        (self.service.is_empty() || row.service == self.service)
            && (self.level.is_empty() || row.level == self.level)
            && (!self.burning || row.burning)
            && (self.q.is_empty() || row.search.contains(&self.q.to_lowercase()))
    }

    /// True when an SLO passes (for the API): its own figures, or any of its groups'.
    pub fn keeps_slo(&self, view: &SloView, rows: &[Row]) -> bool {
        rows.iter()
            .filter(|r| r.id == view.row.status.id)
            .any(|r| self.keeps(r))
    }
}

/// Counts of rows per level, best first, then unknown.
pub fn level_counts(rows: &[Row]) -> Vec<(&'static str, String, usize)> {
    let mut out: Vec<(&'static str, String, usize)> = PolicyLevel::ALL
        .iter()
        .map(|l| {
            (
                l.name(),
                l.advice().to_string(),
                rows.iter().filter(|r| r.level == l.name()).count(),
            )
        })
        .collect();
    out.push((
        "unknown",
        "unknown".to_string(),
        rows.iter().filter(|r| r.level == "unknown").count(),
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn filters_parse_and_refuse_unknown_values() {
        let f = Filter::parse(&params(&[
            ("service", " tr-web "),
            ("level", "freeze"),
            ("burning", "1"),
            ("q", "Latency"),
            ("other", "x"),
        ]))
        .unwrap();
        assert_eq!(f.service, "tr-web");
        assert!(f.burning);
        assert!(Filter::parse(&params(&[])).unwrap().is_empty());
        let e = Filter::parse(&params(&[("level", "LOW")])).unwrap_err();
        assert_eq!(
            e,
            "level \"LOW\" is not a policy level (use one of ship_freely, cautious, focus_on_reliability, freeze, or unknown)"
        );
        assert!(Filter::parse(&params(&[("burning", "maybe")])).is_err());
        let long = "x".repeat(500);
        assert_eq!(
            Filter::parse(&params(&[("q", &long)])).unwrap().q.len(),
            MAX_QUERY
        );
    }

    #[test]
    fn numbers_read_as_people_expect() {
        assert_eq!(trim_number(14.4, 2), "14.4");
        assert_eq!(trim_number(6.0, 2), "6");
        assert_eq!(burn_text(Some(20.0)), "20.00x");
        assert_eq!(burn_text(Some(f64::NAN)), "NaN");
        assert_eq!(burn_text(None), "-");
        assert_eq!(period_text(Some(28.0)), "28d");
        assert_eq!(exact(Some(0.30085)), "0.30085");
        assert_eq!(exact(Some(f64::NAN)), "");
    }
}
