//! slogen's integration tests, compiled as one binary.

mod check;
mod dirmode;
mod explain;
mod golden;
#[cfg(feature = "mcp")]
mod mcp;
mod openslo;
mod promtool_check;
mod prove;
mod slo_plugins;
mod support;
mod validate;
