//! `slogen explain [-i PATH]...`: what each SLO's alerts will do, from the MWMB maths, for
//! every spec file named or found in a folder.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use clap::Args;
use serde::Serialize;

use super::args::GenFlags;
use super::format::{eprint_error, formats, json_text, write_stdout, Format};
use super::generate::{read_spec, report};
use super::input::SpecInput;
use crate::prove::explain::{explain_slo, render_table, SloExplain};
use crate::prove::plan_file;

/// Options of `slogen explain`.
#[derive(Debug, Clone, Args)]
pub struct ExplainArgs {
    #[command(flatten)]
    pub input: SpecInput,
    /// Output format.
    #[arg(long, default_value = "text", value_parser = formats(&[Format::Text, Format::Json]))]
    pub format: Format,
    #[command(flatten)]
    pub gen: GenFlags,
}

/// One explained SLO and the file that declares it.
#[derive(Serialize)]
struct Explained {
    file: String,
    #[serde(flatten)]
    explain: SloExplain,
}

/// Runs `explain`.
pub fn run(args: ExplainArgs) -> anyhow::Result<ExitCode> {
    let generator = args.gen.generator()?;
    let found = args.input.find()?;
    let mut failed = !found.problems.is_empty();
    for p in &found.problems {
        eprint_error(p);
    }
    if found.files.is_empty() && !failed {
        anyhow::bail!(
            "no spec files (.yml, .yaml) found in {}",
            args.input.describe()
        );
    }
    let mut explained: Vec<Explained> = Vec::new();
    for file in &found.files {
        let text = match read_spec(file) {
            Ok(t) => t,
            Err(e) => {
                eprint_error(&format!("{e:#}"));
                failed = true;
                continue;
            }
        };
        match plan_file(&generator, &text) {
            Ok(planned) => explained.extend(planned.iter().flat_map(|(group, _)| {
                group.slos.iter().map(|slo| Explained {
                    file: file.display().to_string(),
                    explain: explain_slo(slo),
                })
            })),
            Err(problems) => {
                report(Path::new(file), &problems);
                failed = true;
            }
        }
    }
    let out = match args.format {
        Format::Json => json_text(&explained)?,
        _ => explained
            .iter()
            .map(|e| render_table(&e.explain))
            .collect::<Vec<_>>()
            .join("\n"),
    };
    write_stdout(out.as_bytes())?;
    let _ = std::io::stdout().flush();
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
