//! `slogen report`: how every SLO did over a window (the weekly report a CronJob runs).
//!
//! Exit status: 0 when the report was produced (and posted); 1 for bad flags, a failed write
//! or a failed Slack post; 2 when Prometheus could not answer or no SLO matched.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{bail, Context};
use clap::{Args, ValueEnum};

use super::budget::no_answer;
use super::prom_args::{PromArgs, SelectArgs};
use super::report_render;
use crate::duration::Duration;
use crate::live::report::{build_report, ReportWindow};

#[derive(Debug, Clone, Args)]
pub struct ReportArgs {
    #[command(flatten)]
    pub prom: PromArgs,
    #[command(flatten)]
    pub select: SelectArgs,
    /// The window to report on, ending now (or at --time).
    #[arg(long, default_value = "7d", value_name = "DURATION")]
    pub since: String,
    /// Output format.
    #[arg(long, value_enum, default_value = "markdown")]
    pub format: ReportFormat,
    /// Write the report to this file (atomically) instead of stdout.
    #[arg(short = 'o', long = "out", value_name = "PATH")]
    pub out: Option<PathBuf>,
    /// Post the Markdown summary to this Slack incoming webhook.
    #[arg(
        long,
        env = "SLACK_WEBHOOK_URL",
        value_name = "URL",
        hide_env_values = true
    )]
    pub slack_webhook: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    Markdown,
    Json,
    Html,
}

pub fn run(args: ReportArgs) -> anyhow::Result<ExitCode> {
    let since = Duration::parse(&args.since).context("--since")?;
    if since.is_zero() {
        bail!("--since: must be more than zero");
    }
    let client = args.prom.client()?;
    let end = match args.prom.at()? {
        Some(t) => t,
        None => now(),
    };
    let window = ReportWindow {
        start: end - since.as_millis() as f64 / 1000.0,
        end,
    };
    let report = match build_report(&client, &args.select.selector(), window) {
        Ok(r) => r,
        Err(e) => return Ok(no_answer(&e)),
    };
    let notes = client.take_notes();
    let mut body = match args.format {
        ReportFormat::Markdown => report_render::markdown(&report, &args.since),
        ReportFormat::Html => report_render::html(&report, &args.since),
        ReportFormat::Json => serde_json::to_string_pretty(&report)? + "\n",
    };
    if notes.partial {
        // Never shown as whole: a banner (or fields) in the report itself, and exit 3.
        let warning = super::budget::partial_warning(client.engine().name(), &notes.warnings);
        body = match args.format {
            ReportFormat::Markdown => format!("> **PARTIAL DATA**: {warning}\n\n{body}"),
            ReportFormat::Html => body.replacen(
                "<body>",
                &format!(
                    "<body>\n<p role=\"alert\"><strong>PARTIAL DATA</strong>: {}</p>",
                    html_escape(&warning)
                ),
                1,
            ),
            ReportFormat::Json => {
                let mut v: serde_json::Value = serde_json::from_str(&body)?;
                v["partial"] = true.into();
                v["warnings"] = notes.warnings.clone().into();
                serde_json::to_string_pretty(&v)? + "\n"
            }
        };
        eprintln!("warning: {warning}");
    }
    match &args.out {
        Some(path) => {
            super::fsio::write_atomic(path, body.as_bytes())
                .with_context(|| format!("writing report {}", path.display()))?;
        }
        None => {
            let _ = std::io::stdout().lock().write_all(body.as_bytes());
        }
    }
    if let Some(url) = args.slack_webhook.as_deref().filter(|u| !u.is_empty()) {
        let mut summary = report_render::markdown(&report, &args.since);
        if notes.partial {
            let warning = super::budget::partial_warning(client.engine().name(), &notes.warnings);
            summary = format!("*PARTIAL DATA*: {warning}\n\n{summary}");
        }
        post_slack(url, &summary, &args.prom.timeout).context("posting the report to Slack")?;
    }
    Ok(if notes.partial {
        ExitCode::from(super::budget::EXIT_PARTIAL)
    } else {
        ExitCode::SUCCESS
    })
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn now() -> f64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs_f64().floor())
        .unwrap_or(0.0)
}

/// Posts `{"text": summary}` to a Slack incoming webhook.
fn post_slack(url: &str, summary: &str, timeout: &str) -> anyhow::Result<()> {
    let timeout = Duration::parse(timeout).context("--timeout")?;
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(std::time::Duration::from_millis(timeout.as_millis())))
        .http_status_as_error(false)
        .build()
        .into();
    let payload = serde_json::json!({ "text": summary }).to_string();
    let mut resp = agent
        .post(url)
        .header("Content-Type", "application/json")
        .send(payload.as_bytes())
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let status = resp.status().as_u16();
    if !(200..300).contains(&status) {
        let body = resp.body_mut().read_to_string().unwrap_or_default();
        bail!("the webhook answered HTTP {status}: {}", body.trim());
    }
    Ok(())
}
