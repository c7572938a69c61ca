//! What each command's exit status means, shown at the end of its `--help` and in the table
//! of docs/cli.md (generated from the command tree, [`super::cli_doc`]).
//!
//! Every command also exits 2 on a usage error (an unknown flag, a bad value), as clap does.
//! Each text starts with `Exit status:`; a new command adds its own here and attaches it with
//! `#[command(after_help = exit::NAME)]`.

pub const GENERATE: &str = "Exit status: 0 every output written (with --check: every output current), 1 a spec is invalid, an output is stale (--check) or cannot be written.";
pub const VALIDATE: &str =
    "Exit status: 0 every spec is valid, 1 a spec is invalid or cannot be read.";
pub const MCP: &str =
    "Exit status: 0 the client disconnected, 1 bad flags or the specs cannot be read at start.";
pub const EXPLAIN: &str = "Exit status: 0 every SLO explained, 1 a spec cannot be read or is invalid (the others are still explained).";
pub const TEST_RULES: &str = "Exit status: 0 every SLO's tests written, 1 a spec is invalid or an SLI cannot be synthesized (the other SLOs' tests are still written).";
pub const INIT: &str =
    "Exit status: 0 scaffolded, 1 a file exists (without --force) or cannot be written.";
pub const SCHEMA: &str = "Exit status: 0 printed, 1 the output cannot be written.";
pub const COMPLETIONS: &str = "Exit status: 0 printed.";
pub const MAN: &str = "Exit status: 0 printed or written, 1 a page cannot be written.";
pub const LINT: &str = "Exit status: 0 no errors (no warnings either, with --deny-warnings), 1 findings at that level, 2 lint could not run (bad config, unreadable path).";
pub const BUDGET: &str = "Exit status: 0 budgets read (NaN budgets included), 1 bad flags or credentials, 2 Prometheus could not answer or no SLO matched, 3 the engine answered from part of its data (figures shown, flagged partial).";
pub const GATE: &str = "Exit status: 0 allow, 1 block, 2 cannot decide (no data, a partial answer, Prometheus down, bad flags or policy).";
pub const REPORT: &str = "Exit status: 0 report written (and posted), 1 bad flags, a failed write or Slack post, 2 Prometheus could not answer or no SLO matched, 3 the engine answered from part of its data (report written, flagged partial).";
pub const DASHBOARDS: &str = "Exit status: 0 every dashboard written (with --check: every dashboard current), 1 a spec is invalid, a dashboard is stale (--check) or cannot be written.";
pub const ALERTMANAGER: &str = "Exit status: 0 configuration printed or written (with --check: the file is current), 1 a spec is invalid, the file is stale (--check), --merge cannot read the configuration, or it cannot be written.";
pub const INCIDENTS: &str = "Exit status: 0 stopped by SIGTERM or SIGINT after finishing the requests in flight, 1 bad flags, unreadable specs or state, or the address cannot be bound.";
pub const SERVE: &str = "Exit status: 0 stopped by SIGTERM or SIGINT after finishing the requests in flight, 1 bad flags, an input that does not exist, or the address cannot be bound. Specs with problems and Prometheus trouble do not stop it: /readyz and the pages say so.";
pub const VERSION: &str = "Exit status: 0.";
