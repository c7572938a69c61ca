//! What each MCP tool does, as plain blocking functions of the server [`State`].
//!
//! Takes the tool's arguments; produces an [`Answer`] (a one-paragraph summary for people and
//! a structured value for programs) or a message that becomes an MCP tool error. No rmcp types
//! here, so the logic reads (and tests) without the protocol; `server.rs` is the wiring.

use std::collections::BTreeSet;

use schemars::JsonSchema;
use serde::Serialize;

use crate::budget::policy::{self, GatePolicy, PolicyLevel, Verdict};
use crate::duration::Duration;
use crate::live::{self, round, Selector, SloStatus};
use crate::prom::Client;

use super::catalog::{Catalog, SpecSource};
use super::explain::{self, Explanation};
use crate::live::trend::{self, Trend};
use crate::live::violations::{self, Violation};
use crate::timefmt::rfc3339;

/// What the server was started with.
pub(crate) struct State {
    pub client: Client,
    pub specs: SpecSource,
    /// Evaluate at this Unix time instead of now (for reviews of past incidents).
    pub at: Option<f64>,
    /// The `argocd` executable, when `--argocd` is on.
    pub argocd: Option<String>,
    pub allow_write: bool,
}

impl State {
    fn now(&self) -> f64 {
        self.at.unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_secs_f64().floor())
                .unwrap_or(0.0)
        })
    }

    fn catalog(&self) -> Result<Catalog, String> {
        Catalog::load(&self.specs)
    }
}

/// A tool's answer.
pub(crate) struct Answer<T> {
    pub summary: String,
    pub value: T,
}

fn answer<T>(summary: String, value: T) -> Result<Answer<T>, String> {
    Ok(Answer { summary, value })
}

/// The gate's policy level in the words of `get_deployment_risk`.
fn risk_name(level: PolicyLevel) -> &'static str {
    match level {
        PolicyLevel::ShipFreely => "LOW",
        PolicyLevel::Cautious => "MEDIUM",
        PolicyLevel::FocusOnReliability => "HIGH",
        PolicyLevel::Freeze => "CRITICAL",
    }
}

/// One SLO's error budget now.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub(crate) struct BudgetRow {
    pub id: String,
    pub service: String,
    pub slo: String,
    /// The objective as a ratio (0.999).
    pub objective_ratio: f64,
    /// The objective as a percentage (99.9).
    pub objective_percent: f64,
    /// The SLO period, e.g. `30d`.
    pub period: Option<String>,
    /// Error budget left in the period, as a ratio (negative when overspent); null without data.
    pub budget_remaining_ratio: Option<f64>,
    /// The same as a percentage, two decimals.
    pub budget_remaining_percent: Option<f64>,
    /// Current (5m) burn rate: 1 spends the budget exactly over the period.
    pub current_burn_rate: Option<f64>,
    /// The error-budget policy level (`slogen gate`'s): ship_freely, cautious,
    /// focus_on_reliability or freeze.
    pub policy_level: Option<String>,
    /// What the level advises, in words.
    pub policy_advice: Option<String>,
    /// The level as a risk: LOW, MEDIUM, HIGH or CRITICAL.
    pub risk: Option<String>,
    /// Alerts of this SLO firing in Prometheus, as `name (severity)`.
    pub firing_alerts: Vec<String>,
    /// Why a figure is missing, when one is.
    pub note: Option<String>,
}

fn budget_row(s: &SloStatus) -> BudgetRow {
    let levels = policy::Levels::default();
    let known = s.known_budget();
    let level = known.map(|b| levels.level(b));
    BudgetRow {
        id: s.id.clone(),
        service: s.service.clone(),
        slo: s.slo.clone(),
        objective_ratio: s.objective,
        objective_percent: round(s.objective * 100.0, 6),
        period: s.period_days.map(|d| format!("{d}d")),
        budget_remaining_ratio: known,
        budget_remaining_percent: known.map(|b| round(b * 100.0, 2)),
        current_burn_rate: s.burn_rate.filter(|b| b.is_finite()).map(|b| round(b, 3)),
        policy_level: level.map(|l| l.name().to_string()),
        policy_advice: level.map(|l| l.advice().to_string()),
        risk: level.map(|l| risk_name(l).to_string()),
        firing_alerts: s
            .alerts
            .iter()
            .map(|a| format!("{} ({})", a.name, a.severity))
            .collect(),
        note: s.missing_reason().map(str::to_string),
    }
}

fn row_line(r: &BudgetRow) -> String {
    let budget = r
        .budget_remaining_percent
        .map_or("unknown".into(), |b| format!("{b}%"));
    let burn = r
        .current_burn_rate
        .map_or("unknown".into(), |b| format!("{b}x"));
    let mut line = format!(
        "{}: {budget} of the {} error budget left (objective {}%), burn rate {burn}",
        r.id,
        r.period.as_deref().unwrap_or("period's"),
        r.objective_percent
    );
    if let (Some(l), Some(risk)) = (&r.policy_level, &r.risk) {
        line.push_str(&format!(", policy {l} (risk {risk})"));
    }
    if !r.firing_alerts.is_empty() {
        line.push_str(&format!(", firing: {}", r.firing_alerts.join(", ")));
    }
    line
}

/// Fetches statuses; an unknown service is named as such, with the known ones.
fn statuses(
    state: &State,
    service: Option<&str>,
    slo: Option<&str>,
) -> Result<Vec<SloStatus>, String> {
    let sel = Selector {
        service: service.map(str::to_string),
        slo: slo.map(str::to_string),
    };
    let fetched = live::fetch_statuses(&state.client, &sel, Some(state.now()));
    let notes = state.client.take_notes();
    if notes.partial {
        return Err(crate::prom::Error::Partial {
            engine: state.client.engine().name(),
            warnings: notes.warnings.join("; "),
        }
        .to_string());
    }
    match fetched {
        Ok(v) => Ok(v),
        Err(e @ crate::prom::Error::NoData { .. }) => {
            let catalog = state.catalog()?;
            match service {
                Some(s) if catalog.service_slos(s).is_err() => {
                    Err(unknown_service(state, &catalog, s))
                }
                _ => Err(e.to_string()),
            }
        }
        Err(e) => Err(e.to_string()),
    }
}

/// Names a service that neither the specs nor Prometheus know, with the services each has.
fn unknown_service(state: &State, catalog: &Catalog, service: &str) -> String {
    let in_specs = catalog.services();
    let specs = if in_specs.is_empty() {
        "no SLO specs are loaded (start slogen mcp with -i DIR)".to_string()
    } else {
        format!("services in the specs: {}", in_specs.join(", "))
    };
    let prometheus = match trend::running(&state.client, state.now()) {
        Ok(running) => {
            let mut services: Vec<String> = running.into_iter().map(|r| r.service).collect();
            services.sort();
            services.dedup();
            if services.is_empty() {
                "Prometheus runs no SLO rules".to_string()
            } else {
                format!("in Prometheus: {}", services.join(", "))
            }
        }
        Err(e) => format!("Prometheus could not be asked: {e}"),
    };
    format!("unknown service {service:?}: neither the specs nor Prometheus have an SLO of it ({specs}; {prometheus})")
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub(crate) struct BudgetAnswer {
    pub evaluated_at: String,
    /// Most at risk first.
    pub slos: Vec<BudgetRow>,
}

pub(crate) fn query_error_budget(
    state: &State,
    service: &str,
    slo: Option<&str>,
) -> Result<Answer<BudgetAnswer>, String> {
    let rows: Vec<BudgetRow> = statuses(state, Some(service), slo)?
        .iter()
        .map(budget_row)
        .collect();
    let lines: Vec<String> = rows.iter().map(row_line).collect();
    answer(
        lines.join("\n"),
        BudgetAnswer {
            evaluated_at: rfc3339(state.now()),
            slos: rows,
        },
    )
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub(crate) struct ViolationsAnswer {
    pub evaluated_at: String,
    /// Burn-rate alert conditions that hold now, pages first.
    pub violations: Vec<Violation>,
    /// SLOs that have spent their whole error budget for the period.
    pub exhausted_budgets: Vec<BudgetRow>,
}

pub(crate) fn list_slo_violations(state: &State) -> Result<Answer<ViolationsAnswer>, String> {
    let catalog = state.catalog()?;
    let at = state.now();
    let slos: Vec<&crate::model::Slo> = catalog.slos.iter().map(|(_, s)| s).collect();
    let violations = violations::violations(&state.client, &slos, at).map_err(|e| e.to_string())?;
    let exhausted: Vec<BudgetRow> =
        match live::fetch_statuses(&state.client, &Selector::default(), Some(at)) {
            Ok(v) => v
                .iter()
                .filter(|s| s.known_budget().is_some_and(|b| b <= 0.0))
                .map(budget_row)
                .collect(),
            Err(crate::prom::Error::NoData { .. }) => Vec::new(),
            Err(e) => return Err(e.to_string()),
        };
    let mut lines: Vec<String> = violations
        .iter()
        .map(|v| {
            let window = match (&v.short_window, &v.long_window) {
                (Some(s), Some(l)) => format!(
                    " on the {s}/{l} windows ({}x)",
                    v.burn_rate_factor.unwrap_or(0.0)
                ),
                _ => String::new(),
            };
            let since = v.since.as_deref().map_or(String::new(), |s| {
                format!(
                    " since {}{s}",
                    if v.since_is_lower_bound {
                        "before "
                    } else {
                        ""
                    }
                )
            });
            format!(
                "{} {}: {}{window}{since}",
                v.severity,
                v.id,
                v.alert_name.as_deref().unwrap_or("burn-rate alert")
            )
        })
        .collect();
    lines.extend(exhausted.iter().map(|r| {
        format!(
            "{}: error budget exhausted ({}%)",
            r.id,
            r.budget_remaining_percent.unwrap_or(0.0)
        )
    }));
    if lines.is_empty() {
        lines.push(format!(
            "No SLO is violating its burn-rate alerts or out of budget at {}.",
            rfc3339(at)
        ));
    }
    answer(
        lines.join("\n"),
        ViolationsAnswer {
            evaluated_at: rfc3339(at),
            violations,
            exhausted_budgets: exhausted,
        },
    )
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub(crate) struct RiskAnswer {
    pub service: String,
    /// LOW, MEDIUM, HIGH or CRITICAL.
    pub risk: String,
    /// The error-budget policy level of the lowest budget: ship_freely, cautious,
    /// focus_on_reliability or freeze.
    pub policy_level: String,
    /// The error-budget policy's advice for that level.
    pub policy_advice: String,
    /// What `slogen gate --service SERVICE` with its defaults (minimum 10% budget, a firing
    /// page alert blocks) decides: allow or block.
    pub gate: String,
    pub lowest_budget_percent: Option<f64>,
    pub reasons: Vec<String>,
    pub slos: Vec<BudgetRow>,
}

pub(crate) fn get_deployment_risk(
    state: &State,
    service: &str,
) -> Result<Answer<RiskAnswer>, String> {
    let statuses = statuses(state, Some(service), None)?;
    let decision = policy::decide(Ok(&statuses), &GatePolicy::default());
    if decision.verdict == Verdict::Undecided {
        return Err(format!(
            "cannot assess the deployment risk of {service}: {}",
            decision.reason
        ));
    }
    let level = decision.level.unwrap_or(PolicyLevel::ShipFreely);
    let rows: Vec<BudgetRow> = statuses.iter().map(budget_row).collect();
    let mut reasons = vec![decision.reason.clone()];
    for r in &rows {
        reasons.push(row_line(r));
    }
    let risk = risk_name(level).to_string();
    let gate = if decision.verdict == Verdict::Block {
        "block"
    } else {
        "allow"
    };
    let summary = format!(
        "{service}: deployment risk {risk} (policy {}: {}); gate: {gate}: {}",
        level.name(),
        level.advice(),
        decision.reason
    );
    answer(
        summary,
        RiskAnswer {
            service: service.into(),
            risk,
            policy_level: level.name().into(),
            policy_advice: level.advice().into(),
            gate: gate.into(),
            lowest_budget_percent: decision.lowest_budget.map(|b| round(b * 100.0, 2)),
            reasons,
            slos: rows,
        },
    )
}

/// An SLO from the specs, from Prometheus, or both.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub(crate) struct SloEntry {
    pub id: String,
    pub service: String,
    pub slo: String,
    /// The spec file declaring it, relative to the spec directory.
    pub spec_file: Option<String>,
    pub spec_objective_percent: Option<f64>,
    pub spec_period: Option<String>,
    pub in_prometheus: bool,
    pub running_objective_percent: Option<f64>,
    pub running_period: Option<String>,
    pub sloth_version: Option<String>,
    /// Differences between the spec and the running rules; empty when in step.
    pub drift: Vec<String>,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub(crate) struct SlosAnswer {
    pub slos: Vec<SloEntry>,
    /// Spec files that do not generate, with their problems.
    pub spec_errors: Vec<String>,
    /// Why the running side is missing, when Prometheus could not be read.
    pub prometheus_error: Option<String>,
}

pub(crate) fn list_slos(
    state: &State,
    service: Option<&str>,
) -> Result<Answer<SlosAnswer>, String> {
    let catalog = state.catalog()?;
    let (running, prometheus_error) = match trend::running(&state.client, state.now()) {
        Ok(r) => (r, None),
        Err(e) => (Vec::new(), Some(e.to_string())),
    };
    let wanted = |s: &str| service.is_none_or(|w| w == s);
    let mut entries: Vec<SloEntry> = Vec::new();
    for (file, slo) in catalog.slos.iter().filter(|(_, s)| wanted(&s.service)) {
        let run = running.iter().find(|r| r.id == slo.id);
        let mut drift = Vec::new();
        let period = slo.period.to_string();
        let running_period = run.and_then(|r| r.period_days).map(|d| format!("{d}d"));
        match run {
            None if prometheus_error.is_none() => drift.push(
                "not running: Prometheus has no sloth_slo_info for it (rules not loaded?)"
                    .to_string(),
            ),
            None => {}
            Some(r) => {
                if r.objective_percent
                    .is_some_and(|o| (o - slo.objective).abs() > 1e-9)
                {
                    drift.push(format!(
                        "objective: spec {}%, running {}%",
                        slo.objective,
                        r.objective_percent.unwrap_or(0.0)
                    ));
                }
                if let Some(rp) = running_period
                    .as_ref()
                    .filter(|rp| Duration::parse(rp).ok() != Some(slo.period))
                {
                    drift.push(format!("period: spec {period}, running {rp}"));
                }
            }
        }
        entries.push(SloEntry {
            id: slo.id.clone(),
            service: slo.service.clone(),
            slo: slo.name.clone(),
            spec_file: Some(file.clone()),
            spec_objective_percent: Some(slo.objective),
            spec_period: Some(period),
            in_prometheus: run.is_some(),
            running_objective_percent: run.and_then(|r| r.objective_percent),
            running_period,
            sloth_version: run.and_then(|r| r.sloth_version.clone()),
            drift,
        });
    }
    let in_specs: BTreeSet<String> = catalog.slos.iter().map(|(_, s)| s.id.clone()).collect();
    for r in running
        .iter()
        .filter(|r| wanted(&r.service) && !in_specs.contains(&r.id))
    {
        entries.push(SloEntry {
            id: r.id.clone(),
            service: r.service.clone(),
            slo: r.slo.clone(),
            spec_file: None,
            spec_objective_percent: None,
            spec_period: None,
            in_prometheus: true,
            running_objective_percent: r.objective_percent,
            running_period: r.period_days.map(|d| format!("{d}d")),
            sloth_version: r.sloth_version.clone(),
            drift: vec![
                "not in the specs: Prometheus runs rules for it, no spec file declares it".into(),
            ],
        });
    }
    if let (Some(s), true) = (service, entries.is_empty()) {
        return Err(unknown_service(state, &catalog, s));
    }
    entries.sort_by(|a, b| a.id.cmp(&b.id));
    let spec_errors: Vec<String> = catalog
        .files
        .iter()
        .filter_map(|f| f.rules.as_ref().err().cloned())
        .collect();
    let drifting = entries.iter().filter(|e| !e.drift.is_empty()).count();
    let mut summary = format!(
        "{} SLO(s), {} drifting between specs and Prometheus",
        entries.len(),
        drifting
    );
    for e in &entries {
        let obj = e
            .spec_objective_percent
            .or(e.running_objective_percent)
            .unwrap_or(0.0);
        summary.push_str(&format!(
            "\n- {} ({}%){}",
            e.id,
            obj,
            if e.drift.is_empty() {
                String::new()
            } else {
                format!(": {}", e.drift.join("; "))
            }
        ));
    }
    if let Some(err) = &prometheus_error {
        summary.push_str(&format!(
            "\nPrometheus could not be read, so only the specs are listed: {err}"
        ));
    }
    answer(
        summary,
        SlosAnswer {
            slos: entries,
            spec_errors,
            prometheus_error,
        },
    )
}

/// The range of a trend: at least an hour, at most 90 days.
fn parse_range(range: &str) -> Result<f64, String> {
    let d = Duration::parse(range.trim())
        .map_err(|_| format!("invalid range {range:?}: use a duration such as 24h, 7d or 30d"))?;
    let secs = d.as_millis() as f64 / 1000.0;
    if !(3600.0..=90.0 * 86_400.0).contains(&secs) {
        return Err(format!(
            "invalid range {range:?}: must be between 1h and 90d"
        ));
    }
    Ok(secs)
}

pub(crate) fn get_sli_trend(
    state: &State,
    service: &str,
    slo: &str,
    range: &str,
) -> Result<Answer<Trend>, String> {
    let secs = parse_range(range)?;
    let catalog = state.catalog()?;
    let spec = catalog
        .find(service, slo)
        .map_err(|l| l.message(service, Some(slo)))?;
    let t = trend::trend(&state.client, spec, range.trim(), secs, state.now())
        .map_err(|e| e.to_string())?;
    if t.sli_mean_percent.is_none() {
        return Err(format!("no data: slo:sli_error:ratio_rate5m{{sloth_id=\"{}\"}} has no samples between {} and {}", t.id, t.start, t.end));
    }
    let pct = |v: Option<f64>| v.map_or("?".into(), |v| format!("{v}%"));
    let mut summary = format!(
        "{} over {} to {}: SLI min {}, max {}, mean {} (objective {}%); burn rate {}x to {}x",
        t.id,
        t.range,
        t.end,
        pct(t.sli_min_percent),
        pct(t.sli_max_percent),
        pct(t.sli_mean_percent),
        t.objective_percent,
        t.burn_rate_min.unwrap_or(0.0),
        t.burn_rate_max.unwrap_or(0.0)
    );
    if let Some(w) = &t.worst_hour {
        summary.push_str(&format!(
            "; worst hour {} to {}: SLI {}%, burn rate {}x",
            w.start, w.end, w.sli_percent, w.burn_rate
        ));
    }
    answer(summary, t)
}

pub(crate) fn explain_slo(
    state: &State,
    service: &str,
    slo: &str,
) -> Result<Answer<Explanation>, String> {
    let catalog = state.catalog()?;
    let spec = catalog
        .find(service, slo)
        .map_err(|l| l.message(service, Some(slo)))?;
    let e = explain::explain(spec);
    answer(explain::summary(&e), e)
}

pub(crate) fn argocd_sync_status(
    state: &State,
    app: &str,
) -> Result<Answer<super::argocd::SyncStatus>, String> {
    let bin = state
        .argocd
        .as_deref()
        .ok_or("ArgoCD tools are off (start slogen mcp with --argocd)")?;
    let s = super::argocd::sync_status(bin, app)?;
    let summary = format!(
        "{}: {} and {} at revision {}{}",
        s.app,
        s.sync_status,
        s.health_status,
        s.revision.as_deref().unwrap_or("unknown"),
        s.operation_phase
            .as_deref()
            .map_or(String::new(), |p| format!(" (last operation {p})"))
    );
    answer(summary, s)
}

pub(crate) fn rollback_deployment(
    state: &State,
    app: &str,
    revision: &str,
    confirm: bool,
) -> Result<Answer<super::argocd::Rollback>, String> {
    let bin = state
        .argocd
        .as_deref()
        .ok_or("ArgoCD tools are off (start slogen mcp with --argocd)")?;
    let execute = state.allow_write && confirm;
    let r = super::argocd::rollback(bin, app, revision, execute)?;
    let what = format!(
        "roll {} back from {} to history entry {} (revision {}) with `{}`",
        r.app,
        r.from_revision.as_deref().unwrap_or("the current revision"),
        r.to_history_id,
        r.to_revision,
        r.command
    );
    if !state.allow_write {
        return Err(format!("not done: writes are off (start slogen mcp with --allow-write to allow rollbacks). This call would {what}."));
    }
    if !confirm {
        return Err(format!(
            "not done: the call must carry confirm: true. With it, this call would {what}."
        ));
    }
    answer(format!("Rolled back: {what}."), r)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::live::FiringAlert;

    #[test]
    fn ranges_are_durations_between_an_hour_and_ninety_days() {
        assert_eq!(parse_range("24h"), Ok(86_400.0));
        assert_eq!(parse_range(" 7d "), Ok(604_800.0));
        assert!(parse_range("30m")
            .unwrap_err()
            .contains("between 1h and 90d"));
        assert!(parse_range("91d").is_err());
        assert!(parse_range("banana").unwrap_err().contains("invalid range"));
    }

    #[test]
    fn rows_carry_the_gate_levels_and_explain_missing_budgets() {
        let status = |budget: Option<f64>| SloStatus {
            id: "svc-a".into(),
            service: "svc".into(),
            slo: "a".into(),
            objective: 0.999,
            period_days: Some(30.0),
            budget_remaining: budget,
            burn_rate: Some(f64::NAN),
            alerts: vec![FiringAlert {
                name: "A".into(),
                severity: "page".into(),
            }],
        };
        let levels: Vec<(Option<String>, Option<String>)> = [0.9, 0.5, 0.2, 0.05, 0.049, -1.0]
            .iter()
            .map(|b| {
                let row = budget_row(&status(Some(*b)));
                (row.policy_level, row.risk)
            })
            .collect();
        let want = [
            ("ship_freely", "LOW"),
            ("cautious", "MEDIUM"),
            ("cautious", "MEDIUM"),
            ("focus_on_reliability", "HIGH"),
            ("freeze", "CRITICAL"),
            ("freeze", "CRITICAL"),
        ];
        assert_eq!(
            levels,
            want.map(|(l, r)| (Some(l.to_string()), Some(r.to_string())))
        );
        let row = budget_row(&status(Some(f64::NAN)));
        assert_eq!(row.budget_remaining_percent, None);
        assert_eq!(row.current_burn_rate, None);
        assert_eq!(
            row.note.as_deref(),
            Some("the error budget is NaN (no traffic in the period)")
        );
        assert_eq!(row.firing_alerts, ["A (page)"]);
        assert_eq!(row.period.as_deref(), Some("30d"));
    }
}
