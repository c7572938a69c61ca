//! `slogen gate`: the deployment gate for CI, from the error budget in a live Prometheus.
//!
//! Exit status: 0 allow, 1 block, 2 cannot decide (Prometheus down or slow, HTTP or API error,
//! no data, NaN budgets, bad flags or policy file). No data allows only with
//! `--allow-no-data`. It prints one line: the verdict, the reason, and the policy level.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::Args;

use super::prom_args::{PromArgs, SelectArgs};
use crate::budget::policy::{
    decide, parse_percent, parse_policy, GateDecision, GatePolicy, Verdict,
};
use crate::live::fetch_statuses;

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
    /// Block when an SLO has less error budget left than this (default 10%, or the policy file).
    #[arg(long, value_name = "PERCENT")]
    pub min_budget: Option<String>,
    /// Block when an SLO's current burn rate is above this.
    #[arg(long, value_name = "X")]
    pub max_burn_rate: Option<f64>,
    /// Allow when there is no data (no series, or no traffic) instead of exiting 2.
    #[arg(long)]
    pub allow_no_data: bool,
    /// YAML policy file: min_budget, max_burn_rate, allow_no_data, levels (flags win).
    #[arg(long, value_name = "PATH")]
    pub policy: Option<PathBuf>,
}

pub fn run(args: GateArgs) -> ExitCode {
    let decision = match evaluate(&args) {
        Ok(d) => d,
        Err(e) => {
            let mut msg = format!("{e}");
            for cause in e.chain().skip(1) {
                msg.push_str(&format!(": {cause}"));
            }
            GateDecision {
                verdict: Verdict::Undecided,
                reason: format!("cannot decide: {msg}"),
                level: None,
                lowest_budget: None,
            }
        }
    };
    let _ = std::io::stdout()
        .lock()
        .write_all(render(&decision).as_bytes());
    ExitCode::from(match decision.verdict {
        Verdict::Allow => EXIT_ALLOW,
        Verdict::Block => EXIT_BLOCK,
        Verdict::Undecided => EXIT_UNDECIDED,
    })
}

fn evaluate(args: &GateArgs) -> anyhow::Result<GateDecision> {
    let mut policy = GatePolicy::default();
    if let Some(path) = &args.policy {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("reading policy file {}", path.display()))?;
        policy = parse_policy(&text, policy)
            .map_err(anyhow::Error::msg)
            .with_context(|| format!("policy file {}", path.display()))?;
    }
    if let Some(raw) = &args.min_budget {
        policy.min_budget = parse_percent(raw)
            .map_err(anyhow::Error::msg)
            .context("--min-budget")?;
    }
    if let Some(rate) = args.max_burn_rate {
        policy.max_burn_rate = Some(rate);
    }
    policy.allow_no_data |= args.allow_no_data;
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
    Ok(decide(statuses.as_ref().map(Vec::as_slice), &policy))
}

/// `allow: <reason> (policy: <advice>)`, one line.
fn render(d: &GateDecision) -> String {
    let verdict = match d.verdict {
        Verdict::Allow => "allow",
        Verdict::Block => "block",
        Verdict::Undecided => "undecided",
    };
    let reason = d.reason.replace('\n', " ");
    match d.level {
        Some(level) => format!("{verdict}: {reason} (policy: {})\n", level.advice()),
        None => format!("{verdict}: {reason}\n"),
    }
}
