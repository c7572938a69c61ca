//! `slogen alertmanager -i SPECS`: the Alertmanager configuration for the specs' SLO alerts.
//!
//! Prints a complete configuration, or with `--merge FILE` that file with slogen's route,
//! inhibit rules and receivers spliced in. `-o FILE` and `--check` behave as in `generate`:
//! written atomically and only when changed; `--check` writes nothing and exits 1 with a diff.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{bail, Context};
use clap::Args;

use super::args::GenFlags;
use super::discover::FilterArgs;
use super::generate::{print_check, write_output};
use super::outputs::{compare, Planned};
use crate::alertmanager::{self, facts, Options, Timers, Webhook};
use crate::duration::Duration;

/// Options of `slogen alertmanager`.
#[derive(Debug, Clone, Args)]
pub struct AlertmanagerArgs {
    /// Spec file, or folder searched recursively for .yml/.yaml files.
    #[arg(short = 'i', long = "input", value_name = "PATH")]
    pub input: PathBuf,
    /// Output file; `-` is stdout.
    #[arg(short = 'o', long = "out", default_value = "-", value_name = "PATH")]
    pub out: PathBuf,
    /// Write nothing; exit 1 with a diff when the -o file differs from what would be written.
    #[arg(long)]
    pub check: bool,
    /// Splice slogen's route, inhibit rules and receivers into this Alertmanager configuration
    /// and print the result; everything else is kept, comments are not.
    #[arg(long, value_name = "FILE")]
    pub merge: Option<PathBuf>,
    /// Make both receivers webhooks to this URL (`slogen incidents`), with send_resolved.
    #[arg(long, value_name = "URL")]
    pub webhook_url: Option<String>,
    /// File (as Alertmanager sees it) holding the bearer token the webhook sends
    /// (`http_config.authorization.credentials_file`).
    #[arg(long, value_name = "PATH", requires = "webhook_url")]
    pub webhook_credentials_file: Option<String>,
    /// Name of the receiver of page alerts.
    #[arg(long, default_value = "slo-page", value_name = "NAME")]
    pub page_receiver: String,
    /// Name of the receiver of ticket alerts.
    #[arg(long, default_value = "slo-ticket", value_name = "NAME")]
    pub ticket_receiver: String,
    /// Name of the root route's receiver (complete configuration only).
    #[arg(long, default_value = "default", value_name = "NAME")]
    pub default_receiver: String,
    /// SLO alerts go to slogen's receivers only; by default they also reach the other routes
    /// that match them (slogen's route has `continue: true`).
    #[arg(long)]
    pub exclusive: bool,
    #[command(flatten)]
    pub timers: TimerArgs,
    #[command(flatten)]
    pub filters: FilterArgs,
    #[command(flatten)]
    pub gen: GenFlags,
}

/// Per-severity notification timers (docs/alertmanager.md says why the defaults).
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Notification timers")]
pub struct TimerArgs {
    #[arg(long, default_value = "30s", value_name = "DURATION")]
    pub page_group_wait: String,
    #[arg(long, default_value = "5m", value_name = "DURATION")]
    pub page_group_interval: String,
    #[arg(long, default_value = "1h", value_name = "DURATION")]
    pub page_repeat_interval: String,
    #[arg(long, default_value = "5m", value_name = "DURATION")]
    pub ticket_group_wait: String,
    #[arg(long, default_value = "30m", value_name = "DURATION")]
    pub ticket_group_interval: String,
    #[arg(long, default_value = "1d", value_name = "DURATION")]
    pub ticket_repeat_interval: String,
}

impl TimerArgs {
    fn timers(&self) -> anyhow::Result<(Timers, Timers)> {
        let d = |flag: &str, v: &str| Duration::parse(v).with_context(|| format!("--{flag}"));
        Ok((
            Timers {
                group_wait: d("page-group-wait", &self.page_group_wait)?,
                group_interval: d("page-group-interval", &self.page_group_interval)?,
                repeat_interval: d("page-repeat-interval", &self.page_repeat_interval)?,
            },
            Timers {
                group_wait: d("ticket-group-wait", &self.ticket_group_wait)?,
                group_interval: d("ticket-group-interval", &self.ticket_group_interval)?,
                repeat_interval: d("ticket-repeat-interval", &self.ticket_repeat_interval)?,
            },
        ))
    }
}

impl AlertmanagerArgs {
    fn options(&self) -> anyhow::Result<Options> {
        let (page, ticket) = self.timers.timers()?;
        Ok(Options {
            page_receiver: self.page_receiver.clone(),
            ticket_receiver: self.ticket_receiver.clone(),
            default_receiver: self.default_receiver.clone(),
            page,
            ticket,
            webhook: self.webhook_url.as_ref().map(|url| Webhook {
                url: url.clone(),
                credentials_file: self.webhook_credentials_file.clone(),
            }),
            exclusive: self.exclusive,
        })
    }
}

/// Runs `alertmanager`.
pub fn run(args: AlertmanagerArgs) -> anyhow::Result<ExitCode> {
    let opts = args.options()?;
    opts.validate().map_err(anyhow::Error::msg)?;
    let out_path = args.out.to_str().filter(|o| *o != "-");
    if args.check && out_path.is_none() {
        bail!("--check compares with an output file: give -o FILE (with -o - there is nothing to compare)");
    }
    // Read the file to merge before the specs: a missing file is the quicker error.
    let user = match &args.merge {
        Some(path) => Some(
            std::fs::read_to_string(path)
                .with_context(|| format!("reading --merge {}", path.display()))?,
        ),
        None => None,
    };
    let generator = args.gen.generator()?;
    let set = match super::specset::load(&args.input, &args.filters, &generator)? {
        Ok(set) => set,
        Err(problems) => {
            let mut err = std::io::stderr().lock();
            for p in problems {
                let _ = writeln!(err, "error: {p}");
            }
            return Ok(ExitCode::from(1));
        }
    };
    let slos = facts::collect(&set.planned)?;
    let text = match (&user, &args.merge) {
        (Some(user), Some(path)) => match alertmanager::render_merged(&slos, &opts, user) {
            Ok(text) => text,
            Err(alertmanager::Error::Merge(e)) => {
                bail!("{}:{}: {} (--merge)", path.display(), e.pos, e.message)
            }
            Err(e) => return Err(e.into()),
        },
        _ => alertmanager::render(&slos, &opts, crate::VERSION)?,
    };
    if args.check {
        let path = out_path.expect("checked above");
        let planned = [Planned {
            path: path.to_string(),
            bytes: text.into_bytes(),
        }];
        return Ok(print_check(&compare(&planned), 1));
    }
    write_output(&args.out, text.as_bytes())?;
    Ok(ExitCode::SUCCESS)
}
