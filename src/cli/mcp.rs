//! `slogen mcp`: parses the server's flags and hands off to [`crate::mcp::serve`].
//!
//! Secrets never come from argv: Prometheus credentials are read from `PROMETHEUS_TOKEN` (or
//! `PROMETHEUS_USERNAME`/`PROMETHEUS_PASSWORD`) and the `argocd` CLI reads `ARGOCD_AUTH_TOKEN`.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{bail, Context};
use clap::Args;

use super::args::GenFlags;
use super::discover::FilterArgs;
use super::input::DEFAULT_INPUT;
use crate::duration::Duration;
use crate::mcp::SpecSource;
use crate::prom::parse_header;

/// Options of `slogen mcp`.
#[derive(Debug, Clone, Args)]
pub struct McpArgs {
    /// Prometheus (or Thanos, Mimir, Cortex) base URL, e.g. http://prometheus:9090.
    #[arg(long = "prometheus-url", env = "PROMETHEUS_URL", value_name = "URL")]
    pub prometheus_url: String,
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
    /// Time limit of each Prometheus request.
    #[arg(long = "timeout", default_value = "10s", value_name = "DURATION")]
    pub timeout: String,
    /// Extra header sent to Prometheus, e.g. "X-Scope-OrgID: t1" (repeatable).
    #[arg(short = 'H', long = "header", value_name = "NAME: VALUE")]
    pub headers: Vec<String>,
    /// The engine behind --prometheus-url (see `slogen budget --help`).
    #[arg(long, value_enum, default_value = "prometheus", env = "SLOGEN_ENGINE")]
    pub engine: super::prom_args::EngineArg,
    /// VictoriaMetrics cluster tenant or Mimir/Cortex tenant (see `slogen budget --help`).
    #[arg(long, value_name = "TENANT", env = "SLOGEN_TENANT")]
    pub tenant: Option<String>,
    /// Answer as of this time instead of now (RFC 3339 or Unix seconds; reviews of past
    /// incidents).
    #[arg(long = "at", value_name = "TIME")]
    pub at: Option<String>,
    #[command(flatten)]
    pub gen: GenFlags,
}

/// Runs `mcp` until the client disconnects.
pub fn run(args: McpArgs) -> anyhow::Result<ExitCode> {
    let timeout = Duration::parse(&args.timeout)
        .ok()
        .filter(|d| !d.is_zero())
        .with_context(|| {
            format!(
                "invalid --timeout {:?}: use a duration such as 10s",
                args.timeout
            )
        })?;
    let mut headers = Vec::new();
    for h in &args.headers {
        headers.push(parse_header(h).with_context(|| format!("invalid --header {h:?}"))?);
    }
    if args.allow_write && !args.argocd {
        bail!("--allow-write only applies to the ArgoCD tools: add --argocd");
    }
    let at = args
        .at
        .as_deref()
        .map(|t| crate::timefmt::parse_time(t).context("--at"))
        .transpose()?;
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
        prometheus_url: args.prometheus_url,
        engine: args.engine.engine(),
        tenant: args.tenant,
        timeout: std::time::Duration::from_millis(timeout.as_millis()),
        headers,
        specs,
        argocd: args.argocd.then_some(args.argocd_bin),
        allow_write: args.allow_write,
        at,
    })?;
    Ok(ExitCode::SUCCESS)
}
