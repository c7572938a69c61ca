//! `slogen incidents --listen ADDR`: the Alertmanager webhook receiver.
//!
//! Builds the sinks, the state store, the specs (for explanations) and the Prometheus client
//! (for live figures) from the flags, then serves until SIGTERM. Secrets come from files or
//! the environment, never from logs: `GITHUB_TOKEN` or `--github-token-file`, the Slack
//! webhook URL from `SLACK_WEBHOOK_URL`, `--slack-webhook-url` or `--slack-webhook-url-file`,
//! the receiver's own bearer token from `--token-file`.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{bail, Context};
use clap::Args;

use super::args::GenFlags;
use super::discover::FilterArgs;
use super::prom_args::OptionalPromArgs;
use crate::http::{self, AppOptions, Limits, Registry, Secret};
use crate::incidents::engine::Engine;
use crate::incidents::figures::{Figures, PromFigures, Specs};
use crate::incidents::github::{GitHub, DEFAULT_API, DEFAULT_LABELS};
use crate::incidents::server;
use crate::incidents::sink::Sink;
use crate::incidents::slack::Slack;
use crate::incidents::state::{Persist, Store};

/// Options of `slogen incidents`.
#[derive(Debug, Clone, Args)]
pub struct IncidentsArgs {
    /// Address to listen on: HOST:PORT, or a bare port for 127.0.0.1.
    #[arg(long, default_value = "127.0.0.1:9095", value_name = "ADDR")]
    pub listen: String,
    /// File holding the bearer token Alertmanager must send (its
    /// `http_config.authorization.credentials_file`); required off loopback.
    #[arg(long, value_name = "PATH")]
    pub token_file: Option<PathBuf>,
    /// Where the receiver records which alert group is which incident.
    #[arg(
        long,
        default_value = "slogen-incidents-state.json",
        value_name = "PATH"
    )]
    pub state_file: PathBuf,

    /// Comment on an open incident when the burn rate is this many times higher or lower
    /// than when it was last reported.
    #[arg(long, default_value_t = 2.0, value_name = "FACTOR")]
    pub burn_change: f64,
    /// Give up on a GitHub or Slack request after this long (the notification is then
    /// answered 5xx and retried by Alertmanager).
    #[arg(long, default_value = "10s", value_name = "DURATION")]
    pub sink_timeout: String,

    /// Open GitHub issues in this repository (OWNER/NAME); the token comes from GITHUB_TOKEN
    /// or --github-token-file.
    #[arg(long, value_name = "OWNER/NAME", help_heading = "GitHub")]
    pub github_repo: Option<String>,
    /// File holding the GitHub token (otherwise GITHUB_TOKEN).
    #[arg(long, value_name = "PATH", help_heading = "GitHub")]
    pub github_token_file: Option<PathBuf>,
    /// GitHub's REST API (GitHub Enterprise: https://HOST/api/v3).
    #[arg(long, default_value = DEFAULT_API, value_name = "URL", help_heading = "GitHub")]
    pub github_api_url: String,
    /// A label for the issues (repeatable; {severity}, {service} and {slo} are replaced).
    /// Default: slo-incident and slo:{severity}.
    #[arg(long = "github-label", value_name = "LABEL", help_heading = "GitHub")]
    pub github_labels: Vec<String>,

    /// Post opened and resolved incidents to this Slack incoming webhook.
    #[arg(
        long,
        env = "SLACK_WEBHOOK_URL",
        hide_env_values = true,
        value_name = "URL",
        help_heading = "Slack"
    )]
    pub slack_webhook_url: Option<String>,
    /// File holding the Slack webhook URL (keeps it out of the process list).
    #[arg(
        long,
        value_name = "PATH",
        help_heading = "Slack",
        conflicts_with = "slack_webhook_url"
    )]
    pub slack_webhook_url_file: Option<PathBuf>,

    /// Specs of the SLOs (file or folder), to explain the alert that fired.
    #[arg(short = 'i', long = "input", value_name = "PATH")]
    pub input: Option<PathBuf>,
    #[command(flatten)]
    pub filters: FilterArgs,
    #[command(flatten)]
    pub gen: GenFlags,

    /// Read the objective, burn rate and budget left from Prometheus (--prometheus-url).
    #[command(flatten, next_help_heading = "Prometheus (optional)")]
    pub prom: OptionalPromArgs,
}

/// Runs `incidents`.
pub fn run(args: IncidentsArgs) -> anyhow::Result<ExitCode> {
    let addr = http::parse_listen(&args.listen).map_err(anyhow::Error::msg)?;
    if args.prom.0.as_ref().is_some_and(|p| p.time.is_some()) {
        bail!("--time: the receiver reads Prometheus at the time of each notification; leave --time out");
    }
    let token = args
        .token_file
        .as_deref()
        .map(Secret::from_file)
        .transpose()
        .map_err(|e| anyhow::anyhow!("--token-file: {e}"))?;
    if token.is_none() && !addr.ip().is_loopback() {
        bail!(
            "listening on {addr} without --token-file would let anyone who reaches it open and close incidents; give --token-file (Alertmanager sends it with http_config.authorization), or listen on 127.0.0.1"
        );
    }
    if !(args.burn_change > 1.0 && args.burn_change.is_finite()) {
        bail!("--burn-change: must be a factor above 1, such as 2");
    }
    let sink_timeout =
        crate::duration::Duration::parse(&args.sink_timeout).context("--sink-timeout")?;
    if sink_timeout.is_zero() {
        bail!("--sink-timeout: must be more than zero");
    }
    let timeout = std::time::Duration::from_millis(sink_timeout.as_millis());
    let sinks = sinks(&args, timeout)?;
    let specs = match &args.input {
        Some(input) => Some(load_specs(&args, input)?),
        None => None,
    };
    let figures: Option<Box<dyn Figures>> = match &args.prom.0 {
        Some(p) => Some(Box::new(PromFigures {
            client: p.client()?,
        })),
        None => None,
    };
    let persist: Persist =
        Box::new(|path, bytes| super::fsio::write_atomic(path, bytes).map(|_| ()));
    let store = Store::open(&args.state_file, persist, now()).map_err(anyhow::Error::new)?;

    let describe = describe(&args, &sinks, specs.as_ref());
    let metrics = Arc::new(Registry::new());
    let mut engine = Engine::new(store, sinks, specs, figures, metrics.clone());
    engine.burn_change = args.burn_change;
    let routes = server::routes(Arc::new(engine), token);
    let limits = Limits::default();
    let app = http::app(
        routes,
        AppOptions {
            name: "incidents",
            limits: limits.clone(),
            metrics,
            ready: Arc::new(|| Ok(())),
        },
    );
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .with_context(|| format!("listening on {addr}"))?;
        let local = listener.local_addr().unwrap_or(addr);
        http::log(
            "incidents",
            &format!("listening on http://{local} ({describe})"),
        );
        http::serve(listener, app, &limits, http::shutdown_signal())
            .await
            .context("serving")?;
        http::log("incidents", "stopped");
        anyhow::Ok(())
    })?;
    Ok(ExitCode::SUCCESS)
}

fn sinks(args: &IncidentsArgs, timeout: std::time::Duration) -> anyhow::Result<Vec<Box<dyn Sink>>> {
    let mut sinks: Vec<Box<dyn Sink>> = Vec::new();
    if let Some(repo) = &args.github_repo {
        let token = match &args.github_token_file {
            Some(path) => {
                Secret::from_file(path).map_err(|e| anyhow::anyhow!("--github-token-file: {e}"))?
            }
            None => match std::env::var("GITHUB_TOKEN") {
                Ok(v) => Secret::new(&v).map_err(|e| anyhow::anyhow!("GITHUB_TOKEN: {e}"))?,
                Err(_) => bail!(
                    "--github-repo needs a token: set GITHUB_TOKEN or give --github-token-file"
                ),
            },
        };
        let labels = if args.github_labels.is_empty() {
            DEFAULT_LABELS.iter().map(|s| s.to_string()).collect()
        } else {
            args.github_labels.clone()
        };
        let gh = GitHub::new(&args.github_api_url, repo, token, labels, timeout)
            .map_err(anyhow::Error::msg)?;
        sinks.push(Box::new(gh));
    } else if args.github_token_file.is_some() {
        bail!("--github-token-file needs --github-repo OWNER/NAME");
    }
    let slack_url = match (&args.slack_webhook_url_file, &args.slack_webhook_url) {
        (Some(path), _) => Some(
            Secret::from_file(path)
                .map_err(|e| anyhow::anyhow!("--slack-webhook-url-file: {e}"))?,
        ),
        (None, Some(u)) if !u.trim().is_empty() => {
            Some(Secret::new(u).map_err(|e| anyhow::anyhow!("--slack-webhook-url: {e}"))?)
        }
        _ => None,
    };
    if let Some(url) = slack_url {
        sinks.push(Box::new(
            Slack::new(url, timeout).map_err(anyhow::Error::msg)?,
        ));
    }
    if sinks.is_empty() {
        bail!(
            "no incident sink: give --github-repo OWNER/NAME (with GITHUB_TOKEN or --github-token-file), --slack-webhook-url (or SLACK_WEBHOOK_URL), or both"
        );
    }
    Ok(sinks)
}

fn load_specs(args: &IncidentsArgs, input: &std::path::Path) -> anyhow::Result<Specs> {
    let generator = args.gen.generator()?;
    match super::specset::load(input, &args.filters, &generator)? {
        Ok(set) => Ok(set
            .planned
            .into_iter()
            .flat_map(|(group, _)| group.slos)
            .map(|slo| (slo.id.clone(), slo))
            .collect()),
        Err(problems) => bail!(
            "the specs under {} do not load:\n{}",
            input.display(),
            problems.join("\n")
        ),
    }
}

/// What the receiver does, for its first log line: no secret in it.
fn describe(args: &IncidentsArgs, sinks: &[Box<dyn Sink>], specs: Option<&Specs>) -> String {
    let mut parts: Vec<String> = sinks
        .iter()
        .map(|s| match (s.name(), &args.github_repo) {
            ("github", Some(repo)) => format!("github {repo}"),
            (name, _) => name.to_string(),
        })
        .collect();
    match specs {
        Some(s) => parts.push(format!("{} SLO(s) from specs", s.len())),
        None => parts.push("no specs".into()),
    }
    if let Some(p) = &args.prom.0 {
        parts.push(format!(
            "prometheus {}",
            crate::incidents::render::strip_userinfo(&p.url)
        ));
    }
    parts.push(format!("state {}", args.state_file.display()));
    parts.join("; ")
}

fn now() -> f64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs_f64())
        .unwrap_or(0.0)
}
