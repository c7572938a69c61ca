//! `slogen kubernetes-controller`: Sloth's in-cluster controller, which slogen does not have.
//!
//! A Sloth user who runs it gets a message saying what to do instead, not clap's
//! "unrecognized subcommand". The command accepts (and ignores) every flag Sloth's takes, so the
//! same message comes whatever the deployment passes.

use std::ffi::OsString;
use std::io::Write;
use std::process::ExitCode;

use clap::Args;

/// Whatever Sloth's controller was given.
#[derive(Debug, Clone, Args)]
pub struct ControllerArgs {
    #[arg(
        trailing_var_arg = true,
        allow_hyphen_values = true,
        hide = true,
        num_args = 0..
    )]
    pub ignored: Vec<OsString>,
}

/// Where the migration guide lives.
pub fn migration_guide() -> String {
    format!(
        "{}/blob/main/docs/migrating-from-sloth.md#kubernetes-controller",
        env!("CARGO_PKG_REPOSITORY")
    )
}

/// Prints what to do instead and exits 2.
pub fn run(_: ControllerArgs) -> ExitCode {
    let _ = writeln!(
        std::io::stderr().lock(),
        "error: slogen has no kubernetes-controller: it generates rules ahead of time, in git, \
         instead of watching PrometheusServiceLevel objects in the cluster.\n\
         Keep your PrometheusServiceLevel files in git and generate their PrometheusRule objects \
         in CI, then let your GitOps tool apply them:\n\n    \
         slogen generate -i slos/ -o generated/ --output-format prometheusrule\n\n\
         `slogen init` scaffolds that setup (CI workflows, pre-commit, an ArgoCD Application). \
         The migration guide explains each step:\n    {}",
        migration_guide()
    );
    ExitCode::from(2)
}
