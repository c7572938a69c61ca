//! `slogen budget`: the error budget of every SLO, read from a live Prometheus.
//!
//! Exit status: 0 when the budgets were read (NaN budgets included, shown as "no traffic");
//! 1 for bad flags or credentials; 2 when Prometheus could not answer (down, timeout, HTTP or
//! API error) or no SLO matched.

use std::io::Write;
use std::process::ExitCode;

use super::prom_args::{PromArgs, SelectArgs};
use crate::budget::policy::{Levels, PolicyLevel};
use crate::budget::row::BudgetRow;
pub use crate::budget::row::{budget_cell, objective_percent};
use crate::live::{fetch_statuses, SloStatus};
use clap::{Args, ValueEnum};

/// Exit status when Prometheus could not answer or had no data.
pub const EXIT_NO_ANSWER: u8 = 2;

#[derive(Debug, Clone, Args)]
pub struct BudgetArgs {
    #[command(flatten)]
    pub prom: PromArgs,
    #[command(flatten)]
    pub select: SelectArgs,
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    pub format: BudgetFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BudgetFormat {
    Table,
    Json,
}

/// Prints a Prometheus failure as `error: …` and returns [`EXIT_NO_ANSWER`].
pub fn no_answer(e: &crate::prom::Error) -> ExitCode {
    #[allow(clippy::print_stderr)]
    {
        eprintln!("error: {e}");
    }
    ExitCode::from(EXIT_NO_ANSWER)
}

pub fn run(args: BudgetArgs) -> anyhow::Result<ExitCode> {
    let client = args.prom.client()?;
    let at = args.prom.at()?;
    let statuses = match fetch_statuses(&client, &args.select.selector(), at) {
        Ok(s) => s,
        Err(e) => return Ok(no_answer(&e)),
    };
    let notes = client.take_notes();
    let levels = Levels::default();
    let mut text = match args.format {
        BudgetFormat::Table => render_table(&statuses, &levels),
        BudgetFormat::Json => render_json(&statuses, &levels)?,
    };
    let engine = client.engine().name();
    if notes.partial {
        // Never shown as whole: flagged in the output itself, and the exit code says so.
        let warning = partial_warning(engine, &notes.warnings);
        text = match args.format {
            BudgetFormat::Table => format!("PARTIAL DATA: {warning}\n{text}"),
            BudgetFormat::Json => {
                let mut v: serde_json::Value = serde_json::from_str(&text)?;
                v["partial"] = true.into();
                v["warnings"] = notes.warnings.clone().into();
                serde_json::to_string_pretty(&v)? + "\n"
            }
        };
        eprintln!("warning: {warning}");
    } else {
        for w in &notes.warnings {
            eprintln!("warning: {engine} says: {w}");
        }
    }
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
    Ok(if notes.partial {
        ExitCode::from(EXIT_PARTIAL)
    } else {
        ExitCode::SUCCESS
    })
}

/// Exit status of `budget` and `report` when the engine answered from part of its data.
pub const EXIT_PARTIAL: u8 = 3;

/// The one-line warning for figures computed from partial data.
pub fn partial_warning(engine: &str, warnings: &[String]) -> String {
    format!(
        "{engine} answered from part of its data ({}); these figures are not the whole and may understate errors (exit {EXIT_PARTIAL})",
        if warnings.is_empty() {
            "isPartial".to_string()
        } else {
            warnings.join("; ")
        }
    )
}

fn burn_cell(s: &SloStatus) -> String {
    match s.burn_rate {
        None => "-".into(),
        Some(v) if v.is_nan() => "NaN".into(),
        Some(v) => format!("{v:.2}x"),
    }
}

fn alerts_cell(s: &SloStatus) -> String {
    if s.alerts.is_empty() {
        return "-".into();
    }
    let names: Vec<String> = s
        .alerts
        .iter()
        .map(|a| match a.severity.as_str() {
            "" => a.name.clone(),
            sev => format!("{}({sev})", a.name),
        })
        .collect();
    names.join(",")
}

fn level_of(s: &SloStatus, levels: &Levels) -> Option<PolicyLevel> {
    s.known_budget().map(|b| levels.level(b))
}

/// Renders the aligned table, most at-risk SLO first.
pub fn render_table(statuses: &[SloStatus], levels: &Levels) -> String {
    let header = [
        "SLO",
        "OBJECTIVE",
        "PERIOD",
        "BUDGET LEFT",
        "BURN RATE",
        "POLICY",
        "FIRING",
    ];
    let mut rows: Vec<Vec<String>> = vec![header.iter().map(|h| h.to_string()).collect()];
    for s in statuses {
        rows.push(vec![
            s.id.clone(),
            objective_percent(s.objective),
            s.period_days.map_or("-".into(), |d| format!("{d}d")),
            budget_cell(s),
            burn_cell(s),
            level_of(s, levels).map_or("unknown".into(), |l| l.advice().to_string()),
            alerts_cell(s),
        ]);
    }
    let widths: Vec<usize> = (0..header.len())
        .map(|c| rows.iter().map(|r| r[c].chars().count()).max().unwrap_or(0))
        .collect();
    let mut out = String::new();
    for r in &rows {
        let cells: Vec<String> = r
            .iter()
            .zip(&widths)
            .map(|(c, w)| format!("{c:<w$}"))
            .collect();
        out.push_str(cells.join("  ").trim_end());
        out.push('\n');
    }
    out
}

fn render_json(statuses: &[SloStatus], levels: &Levels) -> anyhow::Result<String> {
    let items: Vec<BudgetRow> = statuses
        .iter()
        .map(|s| BudgetRow::new(s.clone(), levels))
        .collect();
    // serde_json writes NaN as null; `no_data_reason` says why.
    Ok(serde_json::to_string_pretty(&serde_json::json!({ "slos": items }))? + "\n")
}
