//! Flags shared by the commands that read a live Prometheus (`budget`, `gate`, `report`,
//! `mcp`): one set, so a connection that works for one command works for every other.
//!
//! Secrets are never flags: a bearer token comes from `--prometheus-token-file` or
//! `PROMETHEUS_TOKEN`, basic auth from `PROMETHEUS_USERNAME`/`PROMETHEUS_PASSWORD`
//! ([`crate::prom::Auth::from_env`]).

use std::path::PathBuf;

use anyhow::{bail, Context};
use clap::Args;

use crate::duration::Duration;
use crate::live::Selector;
use crate::prom::{parse_header, Auth, Client, ClientOptions, Engine};

/// How to reach Prometheus.
#[derive(Debug, Clone, Args)]
pub struct PromArgs {
    /// Prometheus base URL (Thanos, Mimir and Cortex query endpoints work too).
    #[arg(long = "prometheus-url", env = "PROMETHEUS_URL", value_name = "URL")]
    pub url: String,
    /// File holding a bearer token (otherwise PROMETHEUS_TOKEN, or basic auth from
    /// PROMETHEUS_USERNAME and PROMETHEUS_PASSWORD).
    #[arg(long = "prometheus-token-file", value_name = "PATH")]
    pub token_file: Option<PathBuf>,
    /// Extra request header, as `Name: value` (repeatable), e.g. `X-Scope-OrgID: tenant1`.
    #[arg(short = 'H', long = "header", value_name = "NAME: VALUE")]
    pub headers: Vec<String>,
    /// Give up on a request after this long.
    #[arg(long, default_value = "10s", value_name = "DURATION")]
    pub timeout: String,
    /// Evaluate at this time (RFC 3339 or Unix seconds) instead of now; `--at` is the same
    /// (mcp's earlier name, for reviews of past incidents).
    #[arg(long, alias = "at", value_name = "TIME")]
    pub time: Option<String>,
    /// The engine behind --prometheus-url: prometheus, victoriametrics, mimir (or Cortex) or
    /// thanos. It decides where --tenant goes and how partial answers are refused or flagged.
    #[arg(long, value_enum, default_value = "prometheus", env = "SLOGEN_ENGINE")]
    pub engine: EngineArg,
    /// Tenant: a VictoriaMetrics cluster's accountID[:projectID] (queried under
    /// /select/<tenant>/prometheus) or a Mimir/Cortex tenant (sent as X-Scope-OrgID).
    #[arg(long, value_name = "TENANT", env = "SLOGEN_TENANT")]
    pub tenant: Option<String>,
}

/// `--engine` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Default)]
pub enum EngineArg {
    #[default]
    Prometheus,
    #[value(alias = "vm")]
    Victoriametrics,
    #[value(alias = "cortex")]
    Mimir,
    Thanos,
}

impl EngineArg {
    /// The client's engine.
    pub fn engine(self) -> Engine {
        match self {
            EngineArg::Prometheus => Engine::Prometheus,
            EngineArg::Victoriametrics => Engine::VictoriaMetrics,
            EngineArg::Mimir => Engine::Mimir,
            EngineArg::Thanos => Engine::Thanos,
        }
    }
}

/// Which SLOs.
#[derive(Debug, Clone, Args)]
pub struct SelectArgs {
    /// Only this service (`sloth_service`).
    #[arg(long, value_name = "SERVICE")]
    pub service: Option<String>,
    /// Only this SLO (its name or its `sloth_id`).
    #[arg(long, value_name = "NAME")]
    pub slo: Option<String>,
}

impl SelectArgs {
    /// The library selector.
    pub fn selector(&self) -> Selector {
        Selector {
            service: self.service.clone(),
            slo: self.slo.clone(),
        }
    }
}

impl PromArgs {
    /// Builds the client from the flags and the environment.
    /// The client for reading figures: partial answers are accepted and flagged
    /// ([`Client::take_notes`]).
    pub fn client(&self) -> anyhow::Result<Client> {
        self.client_with(false)
    }

    /// The client for decisions (`gate`): the engine is asked to fail rather than answer from
    /// part of the data (Thanos `partial_response=false`, VictoriaMetrics
    /// `deny_partial_response=1`).
    pub fn decision_client(&self) -> anyhow::Result<Client> {
        self.client_with(true)
    }

    fn client_with(&self, deny_partial: bool) -> anyhow::Result<Client> {
        let timeout = Duration::parse(&self.timeout).context("--timeout")?;
        if timeout.is_zero() {
            bail!("--timeout: must be more than zero");
        }
        let headers = self
            .headers
            .iter()
            .map(|h| parse_header(h))
            .collect::<Result<Vec<_>, _>>()
            .context("--header")?;
        let auth = Auth::from_env(self.token_file.as_deref())?;
        let opts = ClientOptions {
            url: self.url.clone(),
            timeout: std::time::Duration::from_millis(timeout.as_millis()),
            auth,
            headers,
            engine: self.engine.engine(),
            tenant: self.tenant.clone(),
            deny_partial,
        };
        Ok(Client::new(opts)?)
    }

    /// The evaluation time given with `--time`, if any.
    pub fn at(&self) -> anyhow::Result<Option<f64>> {
        self.time
            .as_deref()
            .map(|t| crate::timefmt::parse_time(t).context("--time"))
            .transpose()
    }
}

/// [`PromArgs`] for a command where Prometheus is optional (`incidents`): the same flags,
/// `--prometheus-url` not required. `None` when no URL is given (flag or `PROMETHEUS_URL`).
#[derive(Debug, Clone)]
pub struct OptionalPromArgs(pub Option<PromArgs>);

impl clap::FromArgMatches for OptionalPromArgs {
    fn from_arg_matches(m: &clap::ArgMatches) -> Result<Self, clap::Error> {
        use clap::parser::ValueSource;
        let url_given = m
            .value_source("url")
            .is_some_and(|s| s != ValueSource::DefaultValue);
        if !url_given {
            // Another Prometheus flag on the command line means the user expects Prometheus to
            // be read; values from the environment (shared with other commands) do not.
            let flags = PromArgs::augment_args(clap::Command::new("prom"));
            if let Some(arg) = flags
                .get_arguments()
                .find(|a| m.value_source(a.get_id().as_str()) == Some(ValueSource::CommandLine))
            {
                let flag = arg
                    .get_long()
                    .map_or_else(|| arg.get_id().to_string(), |l| format!("--{l}"));
                return Err(clap::Error::raw(
                    clap::error::ErrorKind::MissingRequiredArgument,
                    format!("{flag} needs --prometheus-url (or PROMETHEUS_URL)"),
                ));
            }
            return Ok(OptionalPromArgs(None));
        }
        PromArgs::from_arg_matches(m).map(|p| OptionalPromArgs(Some(p)))
    }

    fn update_from_arg_matches(&mut self, m: &clap::ArgMatches) -> Result<(), clap::Error> {
        *self = Self::from_arg_matches(m)?;
        Ok(())
    }
}

impl Args for OptionalPromArgs {
    fn augment_args(cmd: clap::Command) -> clap::Command {
        // The one command with optional Prometheus flags (`incidents`) reads Prometheus at each
        // notification's time and refuses --time; it is not offered.
        PromArgs::augment_args(cmd)
            .mut_arg("url", |a| a.required(false))
            .mut_arg("time", |a| a.hide(true))
    }

    fn augment_args_for_update(cmd: clap::Command) -> clap::Command {
        Self::augment_args(cmd)
    }
}
