//! The command line: arguments in, library calls, output and exit codes out.
//!
//! Each subcommand is a file that parses its options into a plain struct, calls the library
//! and renders the result. Only this module prints or exits.

pub mod alertmanager;
pub mod args;
pub mod budget;
pub mod cli_doc;
pub mod controller;
pub mod dashboards;
pub mod discover;
pub mod docs;
pub mod engine_args;
pub mod exit;
pub mod explain;
pub mod folder_lock;
pub mod format;
pub mod fsio;
pub mod gate;
pub mod generate;
pub mod generate_dir;
pub mod incidents;
pub mod init;
pub mod init_incidents;
pub mod input;
pub mod lint;
#[cfg(feature = "mcp")]
pub mod mcp;
pub mod output_format;
pub mod outputs;
pub mod prom_args;
pub mod report;
pub mod report_render;
pub mod report_slack;
pub mod schema;
pub mod serve;
pub mod specset;
pub mod test_rules;
pub mod validate;

use std::io::Write;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// slogen: SLOs as code to Prometheus rules, byte for byte as Sloth v0.16.0 writes them.
#[derive(Debug, Parser)]
#[command(name = "slogen", version = crate::VERSION, about, long_about = None)]
pub struct Cli {
    #[command(flatten)]
    pub global: args::GlobalFlags,
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands. Each carries its exit status ([`exit`]) for `--help` and docs/cli.md.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Generate Prometheus rules from SLO specs (Sloth-compatible).
    #[command(after_help = exit::GENERATE)]
    Generate(Box<generate::GenerateArgs>),
    /// Validate SLO specs (files or folders) and report every problem (Sloth-compatible).
    #[command(after_help = exit::VALIDATE)]
    Validate(Box<validate::ValidateArgs>),
    /// Serve SLO tools to AI assistants over the Model Context Protocol (stdio).
    #[cfg(feature = "mcp")]
    #[command(after_help = exit::MCP)]
    Mcp(Box<mcp::McpArgs>),
    /// Explain each SLO's alerts: windows, burn factors, budget spent, detection and reset times.
    #[command(after_help = exit::EXPLAIN)]
    Explain(Box<explain::ExplainArgs>),
    /// Write promtool unit tests (`promtool test rules`) that prove each SLO's rules.
    #[command(after_help = exit::TEST_RULES)]
    TestRules(Box<test_rules::TestRulesArgs>),
    /// Scaffold an SLOs-as-code repository: slos/, generated/, ArgoCD, CI and pre-commit.
    #[command(after_help = exit::INIT)]
    Init(init::InitArgs),
    /// Print the JSON Schema of an input format, for editors and CI.
    #[command(after_help = exit::SCHEMA)]
    Schema(schema::SchemaArgs),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    #[command(after_help = exit::COMPLETIONS)]
    Completions(docs::CompletionsArgs),
    /// Print the man page, or write one page per subcommand into a folder.
    #[command(after_help = exit::MAN)]
    Man(docs::ManArgs),
    /// Check SLO specs: every problem at once, at file:line:col, with stable codes.
    #[command(after_help = exit::LINT)]
    Lint(Box<lint::LintArgs>),
    /// Show the error budget of every SLO, read from a live Prometheus.
    #[command(after_help = exit::BUDGET)]
    Budget(Box<budget::BudgetArgs>),
    /// Deployment gate for CI, from the error budget and firing page alerts.
    #[command(after_help = exit::GATE)]
    Gate(Box<gate::GateArgs>),
    /// Report how every SLO did over a window (text, JSON, Markdown or HTML; Slack post).
    #[command(after_help = exit::REPORT)]
    Report(Box<report::ReportArgs>),
    /// Generate Grafana dashboards: one per service and an overview of every SLO.
    #[command(after_help = exit::DASHBOARDS)]
    Dashboards(Box<dashboards::DashboardsArgs>),
    /// Print the Alertmanager configuration that routes the specs' SLO alerts (page, ticket).
    #[command(after_help = exit::ALERTMANAGER)]
    Alertmanager(Box<alertmanager::AlertmanagerArgs>),
    /// Receive Alertmanager notifications and turn each alert group into an incident
    /// (GitHub issue, Slack message).
    #[command(after_help = exit::INCIDENTS)]
    Incidents(Box<incidents::IncidentsArgs>),
    /// Serve a read-only web UI and JSON API: every SLO, its error budget and why it burns.
    #[command(after_help = exit::SERVE)]
    Serve(Box<serve::ServeArgs>),
    /// Print the version.
    #[command(after_help = exit::VERSION)]
    Version,
    /// Sloth's in-cluster controller: not in slogen; prints what to do instead.
    #[command(
        name = "kubernetes-controller",
        aliases = ["controller", "k8s-controller"],
        hide = true,
        disable_help_flag = true
    )]
    KubernetesController(controller::ControllerArgs),
}

/// Runs the command line and returns the process exit code.
pub fn main() -> ExitCode {
    let argv = match args::expand_argv(std::env::args_os().collect()) {
        Ok(a) => a,
        Err(e) => return fail(&e),
    };
    let cli = match Cli::try_parse_from(argv) {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    match run(cli) {
        Ok(code) => code,
        Err(e) => fail(&e),
    }
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    format::set_no_color(cli.global.no_color);
    match cli.command {
        Command::Generate(a) => generate::run(*a),
        Command::Validate(a) => validate::run(*a),
        #[cfg(feature = "mcp")]
        Command::Mcp(a) => mcp::run(*a),
        Command::Explain(a) => explain::run(*a),
        Command::TestRules(a) => test_rules::run(*a),
        Command::Init(a) => init::run(a),
        Command::Schema(a) => schema::run(a),
        Command::Completions(a) => docs::completions(a),
        Command::Man(a) => docs::man(a),
        Command::Lint(a) => Ok(lint::run(*a)),
        Command::Budget(a) => budget::run(*a),
        Command::Gate(a) => Ok(gate::run(*a)),
        Command::Report(a) => report::run(*a),
        Command::Serve(a) => serve::run(*a),
        Command::KubernetesController(a) => Ok(controller::run(a)),
        Command::Dashboards(a) => dashboards::run(*a),
        Command::Alertmanager(a) => alertmanager::run(*a),
        Command::Incidents(a) => incidents::run(*a),
        Command::Version => {
            let mut out = std::io::stdout().lock();
            let _ = out.write_all(crate::VERSION.as_bytes());
            let _ = out.write_all(b"\n");
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Prints an operational failure as `error: …` with its causes and returns exit code 1.
pub fn fail(e: &anyhow::Error) -> ExitCode {
    let mut msg = format!("{e}");
    for cause in e.chain().skip(1) {
        msg.push_str(&format!(": {cause}"));
    }
    format::eprint_error(&msg);
    ExitCode::from(1)
}
