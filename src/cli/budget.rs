//! `slogen budget`: the error budget of every SLO, read from a live Prometheus.
//!
//! Exit status: 0 when the budgets were read (NaN budgets included, shown as "no traffic");
//! 1 for bad flags or credentials; 2 when Prometheus could not answer (down, timeout, HTTP or
//! API error) or no SLO matched.

use std::process::ExitCode;

use clap::Args;

use super::format::{
    eprint_error, eprint_warning, formats, json_text, write_stdout, Format, Paint, Stream,
};
use super::prom_args::{PromArgs, SelectArgs};
use crate::budget::policy::{Levels, PolicyLevel};
use crate::budget::row::BudgetRow;
pub use crate::budget::row::{budget_cell, objective_percent};
use crate::live::{fetch_statuses, SloStatus};
use crate::timefmt::rfc3339;

/// Exit status when Prometheus could not answer or had no data.
pub const EXIT_NO_ANSWER: u8 = 2;

#[derive(Debug, Clone, Args)]
pub struct BudgetArgs {
    #[command(flatten)]
    pub prom: PromArgs,
    #[command(flatten)]
    pub select: SelectArgs,
    /// Output format.
    #[arg(long, default_value = "text", value_parser = formats(&[Format::Text, Format::Json]))]
    pub format: Format,
}

/// Prints a Prometheus failure as `error: …` and returns [`EXIT_NO_ANSWER`].
pub fn no_answer(e: &crate::prom::Error) -> ExitCode {
    eprint_error(&e.to_string());
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
        Format::Json => render_json(&statuses, &levels, at.unwrap_or_else(now))?,
        _ => render_table(&statuses, &levels, Paint::of(Stream::Stdout)),
    };
    let engine = client.engine().name();
    if notes.partial {
        // Never shown as whole: flagged in the output itself, and the exit code says so.
        let warning = partial_warning(engine, &notes.warnings);
        text = match args.format {
            Format::Json => {
                let mut v: serde_json::Value = serde_json::from_str(&text)?;
                v["partial"] = true.into();
                v["warnings"] = notes.warnings.clone().into();
                json_text(&v)?
            }
            _ => format!("PARTIAL DATA: {warning}\n{text}"),
        };
        eprint_warning(&warning);
    } else {
        for w in &notes.warnings {
            eprint_warning(&format!("{engine} says: {w}"));
        }
    }
    write_stdout(text.as_bytes())?;
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

/// Now, in whole Unix seconds.
pub fn now() -> f64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs_f64().floor())
        .unwrap_or(0.0)
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

/// The policy level of an SLO's remaining budget, when it is known.
pub fn level_of(s: &SloStatus, levels: &Levels) -> Option<PolicyLevel> {
    s.known_budget().map(|b| levels.level(b))
}

/// Renders the aligned table, most at-risk SLO first; the policy column in its level's colour.
pub fn render_table(statuses: &[SloStatus], levels: &Levels, paint: Paint) -> String {
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
    let mut levels_of_rows: Vec<Option<PolicyLevel>> = vec![None];
    for s in statuses {
        let level = level_of(s, levels);
        rows.push(vec![
            s.id.clone(),
            objective_percent(s.objective),
            s.period_days.map_or("-".into(), |d| format!("{d}d")),
            budget_cell(s),
            burn_cell(s),
            level.map_or("unknown".into(), |l| l.advice().to_string()),
            alerts_cell(s),
        ]);
        levels_of_rows.push(level);
    }
    align(&rows, |row, col, cell| match (col, levels_of_rows[row]) {
        (5, Some(level)) => paint.level(level, cell),
        _ => cell.to_string(),
    })
}

/// Left-aligned columns two spaces apart; `style` colours a padded cell (row, column, text).
pub fn align(rows: &[Vec<String>], style: impl Fn(usize, usize, &str) -> String) -> String {
    let cols = rows.first().map_or(0, Vec::len);
    let widths: Vec<usize> = (0..cols)
        .map(|c| rows.iter().map(|r| r[c].chars().count()).max().unwrap_or(0))
        .collect();
    let mut out = String::new();
    for (i, r) in rows.iter().enumerate() {
        let last = r.len().saturating_sub(1);
        let cells: Vec<String> = r
            .iter()
            .zip(&widths)
            .enumerate()
            .map(|(c, (cell, w))| {
                let pad = if c == last {
                    String::new()
                } else {
                    " ".repeat(w - cell.chars().count())
                };
                format!("{}{pad}", style(i, c, cell))
            })
            .collect();
        out.push_str(cells.join("  ").trim_end());
        out.push('\n');
    }
    out
}

fn render_json(statuses: &[SloStatus], levels: &Levels, at: f64) -> anyhow::Result<String> {
    let items: Vec<BudgetRow> = statuses
        .iter()
        .map(|s| BudgetRow::new(s.clone(), levels))
        .collect();
    json_text(&serde_json::json!({ "evaluated_at": rfc3339(at), "slos": items }))
}
