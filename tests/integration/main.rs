//! slogen's integration tests, compiled as one binary.

mod budget_cmds;
mod budget_failures;
mod check;
mod crashsafe;
mod dirmode;
mod docs;
mod explain;
mod fuzz_regressions;
mod golden;
mod hostile;
mod http_stub;
mod init;
mod injection;
mod lint;
#[cfg(feature = "mcp")]
mod mcp;
mod openslo;
mod precommit;
mod prom_fixture;
mod prom_model;
mod prom_server;
mod promtool_check;
mod props;
mod prove;
mod regex_matchers;
mod schema;
mod slo_plugins;
mod slogen_plugins;
mod support;
mod validate;
mod workflow_loop;
mod workflows;
