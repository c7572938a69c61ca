//! `slogen explain SPEC`: what each SLO's alerts will do, from the MWMB maths.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Args, ValueEnum};

use super::args::GenFlags;
use super::generate::{read_spec, report};
use crate::prove::explain::{explain_slo, render_table, SloExplain};
use crate::prove::plan_file;

/// Output formats of `explain`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum Format {
    #[default]
    Table,
    Json,
}

/// Options of `slogen explain`.
#[derive(Debug, Clone, Args)]
pub struct ExplainArgs {
    /// Spec file whose SLOs to explain.
    #[arg(value_name = "SPEC")]
    pub spec: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    #[command(flatten)]
    pub gen: GenFlags,
}

/// Runs `explain`.
pub fn run(args: ExplainArgs) -> anyhow::Result<ExitCode> {
    let generator = args.gen.generator()?;
    let text = read_spec(&args.spec)?;
    let planned = match plan_file(&generator, &text) {
        Ok(p) => p,
        Err(problems) => return Ok(report(&args.spec, &problems)),
    };
    let explained: Vec<SloExplain> = planned
        .iter()
        .flat_map(|(group, _)| group.slos.iter().map(explain_slo))
        .collect();
    let out = match args.format {
        Format::Json => serde_json::to_string_pretty(&explained).context("rendering JSON")? + "\n",
        Format::Table => explained
            .iter()
            .map(render_table)
            .collect::<Vec<_>>()
            .join("\n"),
    };
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(out.as_bytes()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
        r => r.context("writing to stdout")?,
    }
    Ok(ExitCode::SUCCESS)
}
