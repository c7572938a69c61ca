//! `slogen report`: how every SLO did over a window (the weekly report a CronJob runs).
//!
//! Exit status: 0 when the report was produced (and posted); 1 for bad flags, a failed write
//! or a failed Slack post; 2 when Prometheus could not answer or no SLO matched.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{bail, Context};
use clap::Args;
use serde::Serialize;

use super::budget::{no_answer, now};
use super::format::{eprint_warning, formats, json_text, write_stdout, Format, Paint, Stream};
use super::prom_args::{PromArgs, SelectArgs};
use super::{report_render, report_slack};
use crate::budget::policy::PolicyLevel;
use crate::duration::Duration;
use crate::live::report::{build_report, Report, ReportWindow, SloReport};

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
    #[arg(long, default_value = "text", value_parser = formats(&[Format::Text, Format::Json, Format::Markdown, Format::Html]))]
    pub format: Format,
    /// Write the report to this file (atomically) instead of stdout.
    #[arg(short = 'o', long = "out", value_name = "PATH")]
    pub out: Option<PathBuf>,
    /// Post the report to this Slack incoming webhook (Block Kit: the SLOs at risk).
    #[arg(
        long,
        env = "SLACK_WEBHOOK_URL",
        value_name = "URL",
        hide_env_values = true
    )]
    pub slack_webhook: Option<String>,
    /// Where the full report is published, linked from the Slack post.
    #[arg(long, value_name = "URL")]
    pub report_url: Option<String>,
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
        Format::Markdown => report_render::markdown(&report, &args.since),
        Format::Html => report_render::html(&report, &args.since),
        Format::Json => json_text(&JsonReport::new(&report))?,
        _ => {
            let paint = match args.out {
                Some(_) => Paint::off(),
                None => Paint::of(Stream::Stdout),
            };
            report_render::text(&report, &args.since, paint)
        }
    };
    if notes.partial {
        // Never shown as whole: a banner (or fields) in the report itself, and exit 3.
        let warning = super::budget::partial_warning(client.engine().name(), &notes.warnings);
        body = match args.format {
            Format::Markdown => format!("> **PARTIAL DATA**: {warning}\n\n{body}"),
            Format::Html => body.replacen(
                "<body>",
                &format!(
                    "<body>\n<p role=\"alert\"><strong>PARTIAL DATA</strong>: {}</p>",
                    html_escape(&warning)
                ),
                1,
            ),
            Format::Json => {
                let mut v: serde_json::Value = serde_json::from_str(&body)?;
                v["partial"] = true.into();
                v["warnings"] = notes.warnings.clone().into();
                json_text(&v)?
            }
            _ => format!("PARTIAL DATA: {warning}\n\n{body}"),
        };
        eprint_warning(&warning);
    }
    match &args.out {
        Some(path) => {
            super::fsio::write_atomic(path, body.as_bytes())
                .with_context(|| format!("writing report {}", path.display()))?;
        }
        None => write_stdout(body.as_bytes())?,
    }
    if let Some(url) = args.slack_webhook.as_deref().filter(|u| !u.is_empty()) {
        let links = report_slack::Links {
            report: args.report_url.as_deref(),
            prometheus: &args.prom.url,
        };
        let partial = notes
            .partial
            .then(|| super::budget::partial_warning(client.engine().name(), &notes.warnings));
        let payload = report_slack::payload(&report, &args.since, &links, partial.as_deref());
        post_slack(url, &payload, &args.prom.timeout).context("posting the report to Slack")?;
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

/// `report --format json`: the report, each SLO with its policy level beside.
#[derive(Serialize)]
struct JsonReport<'a> {
    #[serde(serialize_with = "crate::timefmt::serialize_rfc3339")]
    start: f64,
    #[serde(serialize_with = "crate::timefmt::serialize_rfc3339")]
    end: f64,
    slos: Vec<JsonSlo<'a>>,
}

#[derive(Serialize)]
struct JsonSlo<'a> {
    #[serde(flatten)]
    report: &'a SloReport,
    policy_level: Option<PolicyLevel>,
    policy_advice: Option<&'static str>,
}

impl<'a> JsonReport<'a> {
    fn new(r: &'a Report) -> Self {
        JsonReport {
            start: r.start,
            end: r.end,
            slos: r
                .slos
                .iter()
                .map(|s| {
                    let level = report_render::level(s);
                    JsonSlo {
                        report: s,
                        policy_level: level,
                        policy_advice: level.map(PolicyLevel::advice),
                    }
                })
                .collect(),
        }
    }
}

/// Posts a Block Kit payload to a Slack incoming webhook.
fn post_slack(url: &str, payload: &serde_json::Value, timeout: &str) -> anyhow::Result<()> {
    let timeout = Duration::parse(timeout).context("--timeout")?;
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(std::time::Duration::from_millis(timeout.as_millis())))
        .http_status_as_error(false)
        .build()
        .into();
    let body = payload.to_string();
    let mut resp = agent
        .post(url)
        .header("Content-Type", "application/json")
        .send(body.as_bytes())
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let status = resp.status().as_u16();
    if !(200..300).contains(&status) {
        let body = resp.body_mut().read_to_string().unwrap_or_default();
        bail!("the webhook answered HTTP {status}: {}", body.trim());
    }
    Ok(())
}
