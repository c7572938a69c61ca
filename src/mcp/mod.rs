//! `slogen mcp`: a Model Context Protocol server over stdio, so an assistant can answer
//! "what is my error budget?" from live Prometheus and the SLO specs.
//!
//! Takes the [`Config`] built by `cli/mcp.rs`; serves JSON-RPC on stdin/stdout until the
//! client hangs up. Built on rmcp (the official Rust SDK) and a single-threaded tokio runtime;
//! this is the only async code in slogen. Tools are thin adapters over library code
//! ([`crate::budget`], [`crate::pipeline`], [`crate::plan::mwmb`]); logs go to stderr, since
//! stdout carries the protocol. Behind the cargo feature `mcp` (on by default).

mod argocd;
mod catalog;

pub use catalog::SpecSource;
mod explain;
mod server;
mod tools;

use anyhow::Context;
use rmcp::ServiceExt;

use crate::prom::Client;

/// How the server was asked to run.
#[derive(Debug)]
pub struct Config {
    /// The Prometheus client, built from the shared connection flags (`cli::prom_args`) as a
    /// decision client: answers feed the gate policy, so partial data is refused at the source.
    pub client: Client,
    /// The specs, and how to read them.
    pub specs: SpecSource,
    /// The `argocd` executable when the ArgoCD tools are on.
    pub argocd: Option<String>,
    pub allow_write: bool,
    /// Evaluate live answers at this Unix time instead of now.
    pub at: Option<f64>,
}

/// Serves MCP on stdin/stdout until the client disconnects. Credentials never come from argv
/// (`--prometheus-token-file`, `PROMETHEUS_TOKEN`, or `PROMETHEUS_USERNAME`/`PROMETHEUS_PASSWORD`;
/// the `argocd` CLI reads `ARGOCD_AUTH_TOKEN` itself).
pub fn serve(config: Config) -> anyhow::Result<()> {
    let client = config.client;
    if config.specs.dir.is_some() {
        catalog::Catalog::load(&config.specs).map_err(anyhow::Error::msg)?;
    }
    let state = tools::State {
        client,
        specs: config.specs,
        at: config.at,
        argocd: config.argocd,
        allow_write: config.allow_write,
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    let result = runtime.block_on(async move {
        let service = server::SloServer::new(state)
            .serve(rmcp::transport::stdio())
            .await
            .context("starting the MCP session on stdin/stdout")?;
        service.waiting().await.context("serving MCP")?;
        anyhow::Ok(())
    });
    // A tool still blocked on a slow Prometheus must not keep a disconnected server alive.
    runtime.shutdown_timeout(std::time::Duration::from_secs(1));
    result
}
