//! `slogen serve`: the flags, the spec loader (the same discovery and generation flags as
//! `generate`) and the runtime; [`crate::serve`] does the rest.
//!
//! Exit status: 0 after a clean shutdown (SIGTERM or SIGINT); 1 for bad flags, an input that
//! does not exist, or an address that cannot be listened on. Specs with problems do not stop
//! the server: `/readyz` answers 503 naming them until they are fixed.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{bail, Context};
use clap::Args;

use super::args::GenFlags;
use super::discover::{discover, FilterArgs};
use super::generate::read_spec;
use super::prom_args::PromArgs;
use crate::duration::Duration;
use crate::http::{self, log, Limits};
use crate::prom::{parse_header, Auth};
use crate::serve::catalog::{Loader, SpecFile};

/// Options of `slogen serve`.
#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// Spec file, or folder searched recursively for .yml/.yaml files (`--slos` as in `slogen
    /// mcp`). Changes are picked up without a restart.
    #[arg(
        short = 'i',
        long = "input",
        visible_alias = "slos",
        value_name = "PATH"
    )]
    pub input: PathBuf,
    #[command(flatten)]
    pub filters: FilterArgs,
    #[command(flatten)]
    pub prom: PromArgs,
    /// Address to listen on: HOST:PORT, [v6]:PORT, or a bare port (loopback).
    #[arg(long, default_value = "127.0.0.1:8080", value_name = "ADDR")]
    pub listen: String,
    /// How long Prometheus's answers are kept, so a busy page does not hammer it.
    #[arg(long = "cache-ttl", default_value = "5s", value_name = "DURATION")]
    pub cache_ttl: String,
    /// How often the specs are looked at again for changes.
    #[arg(
        long = "reload-interval",
        default_value = "2s",
        value_name = "DURATION"
    )]
    pub reload_interval: String,
    /// The Prometheus URL the pages' query links open, when browsers reach Prometheus at
    /// another address than slogen does.
    #[arg(long = "prometheus-link-url", value_name = "URL")]
    pub link_url: Option<String>,
    /// Requests handled at once; more wait for a slot.
    #[arg(long = "max-concurrent", default_value_t = 64, value_name = "N")]
    pub max_concurrent: usize,
    #[command(flatten)]
    pub gen: GenFlags,
}

fn duration(flag: &str, raw: &str) -> anyhow::Result<std::time::Duration> {
    let d = Duration::parse(raw)
        .with_context(|| format!("invalid {flag} {raw:?}: use a duration such as 5s, 1m or 0s"))?;
    Ok(std::time::Duration::from_millis(d.as_millis()))
}

/// Finds and reads the spec files under `input`, as `generate` does.
fn loader(input: PathBuf, filters: super::discover::Filters) -> Loader {
    Arc::new(move || {
        let found = discover(&input, &filters).map_err(|e| format!("{e:#}"))?;
        let mut files: Vec<SpecFile> = found
            .problems
            .iter()
            .map(|p| SpecFile {
                path: p.path.display().to_string(),
                text: Err(p.message.clone()),
            })
            .collect();
        for f in found.files {
            files.push(SpecFile {
                text: read_spec(Path::new(&f)).map_err(|e| format!("{e:#}")),
                path: f,
            });
        }
        Ok(files)
    })
}

/// Every credential the client sends, so no error text shows one.
fn secrets(prom: &PromArgs) -> anyhow::Result<Vec<String>> {
    let mut out = Vec::new();
    match Auth::from_env(prom.token_file.as_deref())? {
        Auth::None => {}
        Auth::Bearer(t) => out.push(t),
        Auth::Basic { password, .. } => out.push(password),
    }
    for h in &prom.headers {
        let (_, value) = parse_header(h).with_context(|| format!("invalid --header {h:?}"))?;
        out.push(value);
    }
    Ok(out)
}

/// Runs the server until SIGTERM or SIGINT.
pub fn run(args: ServeArgs) -> anyhow::Result<ExitCode> {
    let generator = args.gen.generator()?;
    let filters = args.filters.filters()?;
    std::fs::metadata(&args.input)
        .with_context(|| format!("reading input {}", args.input.display()))?;
    let client = args.prom.client()?;
    let at = args.prom.at()?;
    let deadline = duration("--timeout", &args.prom.timeout)?;
    let cache_ttl = duration("--cache-ttl", &args.cache_ttl)?;
    let reload = duration("--reload-interval", &args.reload_interval)?;
    if args.max_concurrent == 0 {
        bail!("--max-concurrent: must be at least 1");
    }
    let listen: SocketAddr = http::parse_listen(&args.listen).map_err(anyhow::Error::msg)?;
    if let Some(url) = &args.link_url {
        if !(url.starts_with("http://") || url.starts_with("https://")) {
            bail!("--prometheus-link-url {url:?} must start with http:// or https://");
        }
    }
    let opts = crate::serve::Options {
        client,
        at,
        deadline,
        cache_ttl,
        reload,
        loader: loader(args.input.clone(), filters),
        generator,
        secrets: secrets(&args.prom)?,
        link_url: args.link_url.clone(),
        limits: Limits {
            // Past the Prometheus deadline, so a slow Prometheus is a banner, not a 503.
            request_timeout: deadline + std::time::Duration::from_secs(5),
            max_in_flight: args.max_concurrent,
            ..Limits::default()
        },
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .max_blocking_threads(32)
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(listen)
            .await
            .with_context(|| format!("cannot listen on {listen}"))?;
        let addr = listener.local_addr().context("reading the listen address")?;
        log(
            "serve",
            &format!(
                "listening on http://{addr} (specs: {}, Prometheus: {})",
                args.input.display(),
                crate::serve::links::public_url(&args.prom.url)
            ),
        );
        if !addr.ip().is_loopback() {
            log(
                "serve",
                &format!("{addr} is not a loopback address: anyone who reaches it sees every SLO and its budget (the server is read-only)"),
            );
        }
        crate::serve::run(listener, opts, http::shutdown_signal())
            .await
            .context("serving")?;
        log("serve", "stopped");
        anyhow::Ok(())
    })?;
    Ok(ExitCode::SUCCESS)
}
