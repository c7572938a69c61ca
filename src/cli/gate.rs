//! `slogen gate`: the deployment gate for CI, from the error budget in a live Prometheus.
//!
//! Exit status: 0 allow, 1 block, 2 cannot decide (Prometheus down or slow, HTTP or API error,
//! no data, NaN budgets, bad flags or policy file). No data allows only with
//! `--allow-no-data`; a firing page alert blocks unless `--allow-firing`. It prints one line:
//! the verdict, the reason (with the minimum budget as it was read), and the policy level; or,
//! with `--format json`, the same as an object.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::Args;
use serde::Serialize;

use super::format::{formats, json_text, write_stdout, Format, Paint, Stream};
use super::prom_args::{PromArgs, SelectArgs};
use crate::budget::policy::{
    decide, parse_fraction, parse_policy, GateDecision, GatePolicy, PolicyLevel, Verdict,
};
use crate::live::{fetch_statuses, round};
use crate::timefmt::rfc3339;

/// Exit status: deploy.
pub const EXIT_ALLOW: u8 = 0;
/// Exit status: do not deploy.
pub const EXIT_BLOCK: u8 = 1;
/// Exit status: cannot decide.
pub const EXIT_UNDECIDED: u8 = 2;

#[derive(Debug, Clone, Args)]
pub struct GateArgs {
    #[command(flatten)]
    pub prom: PromArgs,
    #[command(flatten)]
    pub select: SelectArgs,
    /// Block when an SLO has less error budget left than this: a percentage (10%) or a ratio
    /// in [0, 1] (0.1) [default: 10%, or the policy file].
    #[arg(long, value_name = "SHARE")]
    pub min_budget: Option<String>,
    /// Block when an SLO's current burn rate is above this.
    #[arg(long, value_name = "X")]
    pub max_burn_rate: Option<f64>,
    /// Allow when there is no data (no series, or no traffic) instead of exiting 2.
    #[arg(long)]
    pub allow_no_data: bool,
    /// Do not block when a page alert of a selected SLO is firing.
    #[arg(long)]
    pub allow_firing: bool,
    /// YAML policy file: min_budget, max_burn_rate, allow_no_data, allow_firing, levels
    /// (flags win).
    #[arg(long, value_name = "PATH")]
    pub policy: Option<PathBuf>,
    /// Output format.
    #[arg(long, default_value = "text", value_parser = formats(&[Format::Text, Format::Json]))]
    pub format: Format,
}

pub fn run(args: GateArgs) -> ExitCode {
    let (decision, policy) = match evaluate(&args) {
        Ok(d) => d,
        Err(e) => {
            let mut msg = format!("{e}");
            for cause in e.chain().skip(1) {
                msg.push_str(&format!(": {cause}"));
            }
            let decision = GateDecision {
                verdict: Verdict::Undecided,
                reason: format!("cannot decide: {msg}"),
                level: None,
                lowest_budget: None,
            };
            (decision, None)
        }
    };
    let text = match args.format {
        Format::Json => {
            let at = args.prom.at().ok().flatten().unwrap_or_else(now);
            json_text(&JsonDecision::new(&decision, policy.as_ref(), at))
                .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}\n"))
        }
        _ => render(&decision, Paint::of(Stream::Stdout)),
    };
    let _ = write_stdout(text.as_bytes());
    ExitCode::from(exit_code(decision.verdict))
}

fn exit_code(v: Verdict) -> u8 {
    match v {
        Verdict::Allow => EXIT_ALLOW,
        Verdict::Block => EXIT_BLOCK,
        Verdict::Undecided => EXIT_UNDECIDED,
    }
}

fn now() -> f64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs_f64().floor())
        .unwrap_or(0.0)
}

/// The policy the flags and the policy file describe.
pub fn policy(args: &GateArgs) -> anyhow::Result<GatePolicy> {
    let mut policy = GatePolicy::default();
    if let Some(path) = &args.policy {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("reading policy file {}", path.display()))?;
        policy = parse_policy(&text, policy, &path.display().to_string())
            .map_err(anyhow::Error::msg)
            .with_context(|| format!("policy file {}", path.display()))?;
    }
    if let Some(raw) = &args.min_budget {
        let f = parse_fraction(raw)
            .map_err(anyhow::Error::msg)
            .context("--min-budget")?;
        policy.min_budget = f.ratio;
        policy.min_budget_origin = format!("--min-budget {}", f.reading(raw));
    }
    if let Some(rate) = args.max_burn_rate {
        policy.max_burn_rate = Some(rate);
    }
    policy.allow_no_data |= args.allow_no_data;
    policy.allow_firing |= args.allow_firing;
    Ok(policy)
}

fn evaluate(args: &GateArgs) -> anyhow::Result<(GateDecision, Option<GatePolicy>)> {
    let policy = policy(args)?;
    // A missing store must not make a deploy look safe: the engine is asked to fail rather
    // than answer from part of the data, and an answer still flagged partial is undecided.
    let client = args.prom.decision_client()?;
    let at = args.prom.at()?;
    let mut statuses = fetch_statuses(&client, &args.select.selector(), at);
    let notes = client.take_notes();
    if notes.partial {
        statuses = Err(crate::prom::Error::Partial {
            engine: client.engine().name(),
            warnings: notes.warnings.join("; "),
        });
    }
    let decision = decide(statuses.as_ref().map(Vec::as_slice), &policy);
    Ok((decision, Some(policy)))
}

/// The decision as `gate --format json` prints it.
#[derive(Debug, Serialize)]
struct JsonDecision<'a> {
    verdict: Verdict,
    exit_code: u8,
    reason: &'a str,
    policy_level: Option<PolicyLevel>,
    policy_advice: Option<&'static str>,
    lowest_budget_ratio: Option<f64>,
    lowest_budget_percent: Option<f64>,
    min_budget_ratio: Option<f64>,
    min_budget_percent: Option<f64>,
    /// Where the minimum came from and how it was read.
    min_budget_origin: Option<&'a str>,
    max_burn_rate: Option<f64>,
    allow_no_data: Option<bool>,
    allow_firing: Option<bool>,
    evaluated_at: String,
}

impl<'a> JsonDecision<'a> {
    fn new(d: &'a GateDecision, p: Option<&'a GatePolicy>, at: f64) -> Self {
        JsonDecision {
            verdict: d.verdict,
            exit_code: exit_code(d.verdict),
            reason: &d.reason,
            policy_level: d.level,
            policy_advice: d.level.map(PolicyLevel::advice),
            lowest_budget_ratio: d.lowest_budget,
            lowest_budget_percent: d.lowest_budget.map(|b| round(b * 100.0, 4)),
            min_budget_ratio: p.map(|p| p.min_budget),
            min_budget_percent: p.map(|p| round(p.min_budget * 100.0, 4)),
            min_budget_origin: p.map(|p| p.min_budget_origin.as_str()),
            max_burn_rate: p.and_then(|p| p.max_burn_rate),
            allow_no_data: p.map(|p| p.allow_no_data),
            allow_firing: p.map(|p| p.allow_firing),
            evaluated_at: rfc3339(at),
        }
    }
}

/// `allow: <reason> (policy: <advice>)`, one line.
fn render(d: &GateDecision, paint: Paint) -> String {
    let verdict = match d.verdict {
        Verdict::Allow => paint.ok("allow"),
        Verdict::Block => paint.error("block"),
        Verdict::Undecided => paint.warning("undecided"),
    };
    let reason = d.reason.replace('\n', " ");
    match d.level {
        Some(level) => format!(
            "{verdict}: {reason} (policy: {})\n",
            paint.level(level, level.advice())
        ),
        None => format!("{verdict}: {reason}\n"),
    }
}
