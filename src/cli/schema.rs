//! `slogen schema`: prints the JSON Schema of one input format.

use std::process::ExitCode;

use clap::Args;

use super::generate::write_output;
use crate::schema::{self, SchemaKind};

/// Options of `slogen schema`.
#[derive(Debug, Clone, Args)]
pub struct SchemaArgs {
    /// The input format: prometheus/v1 specs, Kubernetes PrometheusServiceLevel objects, or
    /// AlertWindows files.
    #[arg(value_enum, value_name = "FORMAT")]
    pub format: SchemaKind,
    /// Write the schema to this file instead of stdout.
    #[arg(short = 'o', long = "out", default_value = "-", value_name = "PATH")]
    pub out: std::path::PathBuf,
}

/// Runs `schema`.
pub fn run(args: SchemaArgs) -> anyhow::Result<ExitCode> {
    write_output(&args.out, schema::render(args.format).as_bytes())?;
    Ok(ExitCode::SUCCESS)
}
