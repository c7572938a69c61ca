//! `slogen mcp`: parses the server's flags and hands off to [`crate::mcp::serve`].
//!
//! The connection flags are every live command's ([`PromArgs`]: `--prometheus-url`,
//! `--prometheus-token-file`, `-H`, `--timeout`, `--engine`, `--tenant`, and `--time`, which
//! `--at` names too). Secrets never come from argv: Prometheus credentials are read from a file
//! or `PROMETHEUS_TOKEN` (or `PROMETHEUS_USERNAME`/`PROMETHEUS_PASSWORD`) and the `argocd` CLI
//! reads `ARGOCD_AUTH_TOKEN`.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{bail, Context};
use clap::Args;

use super::args::GenFlags;
use super::discover::FilterArgs;
use super::input::DEFAULT_INPUT;
use super::prom_args::PromArgs;
use crate::mcp::SpecSource;

/// Options of `slogen mcp`.
#[derive(Debug, Clone, Args)]
pub struct McpArgs {
    #[command(flatten)]
    pub prom: PromArgs,
    /// Folder of SLO specs (searched recursively for .yml/.yaml) [default: slos/ when it
    /// exists].
    #[arg(short = 'i', long = "input", alias = "slos", value_name = "DIR")]
    pub input: Option<PathBuf>,
    #[command(flatten)]
    pub filters: FilterArgs,
    /// Offer the ArgoCD tools, run through the `argocd` CLI.
    #[arg(long = "argocd")]
    pub argocd: bool,
    /// The argocd executable.
    #[arg(long = "argocd-bin", default_value = "argocd", value_name = "PATH")]
    pub argocd_bin: String,
    /// Allow tools that change things (rollback_deployment), each call still needing confirm: true.
    #[arg(long = "allow-write")]
    pub allow_write: bool,
    #[command(flatten)]
    pub gen: GenFlags,
}

/// Runs `mcp` until the client disconnects.
pub fn run(args: McpArgs) -> anyhow::Result<ExitCode> {
    if args.allow_write && !args.argocd {
        bail!("--allow-write only applies to the ArgoCD tools: add --argocd");
    }
    // Answers feed decisions (the gate policy): partial data is refused at the source.
    let client = args
        .prom
        .decision_client()
        .context("configuring the Prometheus client")?;
    let at = args.prom.at()?;
    let dir = match args.input {
        Some(dir) if !dir.is_dir() => bail!("-i {}: not a directory", dir.display()),
        Some(dir) => Some(dir),
        None => Some(PathBuf::from(DEFAULT_INPUT)).filter(|d| d.is_dir()),
    };
    // Checked once now, so a bad flag fails at start rather than at the first tool call.
    args.gen.generator()?;
    let filters = args.filters.filters()?;
    let gen = args.gen.clone();
    let specs = SpecSource {
        dir,
        generator: Arc::new(move || gen.generator().map_err(|e| format!("{e:#}"))),
        keep: Arc::new(move |path| filters.keeps(path)),
    };
    crate::mcp::serve(crate::mcp::Config {
        client,
        specs,
        argocd: args.argocd.then_some(args.argocd_bin),
        allow_write: args.allow_write,
        at,
    })?;
    Ok(ExitCode::SUCCESS)
}
