//! slogen turns SLOs written as code into Prometheus rules, byte for byte as Sloth v0.16.0 does.
//!
//! ```text
//! bytes ─spec::parse─▶ spec::* (raw, with spans) ─model::lower─▶ model::SloGroup (valid)
//!              │                 │                                   │
//!              └─▶ Diagnostic ◀──┴──────── lint::check ◀─────────────┤
//!                                                                    ▼
//!                                       plan::build ─▶ plan::Plan ─emit::*─▶ bytes
//! ```
//!
//! - [`source`], [`duration`], [`gofmt`]: shared primitives (positions, Prometheus durations,
//!   Go number and string formatting); [`promql`], the guarded door to promql-parser.
//! - [`yaml`]: a YAML node tree that keeps positions, resolved the YAML 1.1 way Sloth does.
//! - [`spec`]: stage 1, the three input formats read into raw structs.
//! - [`model`]: stage 2, validated SLOs; one validator for every format and command.
//! - [`plan`]: stage 3, SLOs expanded into rule groups, with Sloth's plugin chain.
//! - [`emit`]: stage 4, rule groups written as yaml.v2 would write them.
//! - [`alertmanager`]: the Alertmanager routes, inhibit rules and receivers for the SLO alerts.
//! - [`incidents`]: `slogen incidents`, the Alertmanager webhook receiver (GitHub, Slack).
//! - [`prom`]: the edge to a live Prometheus: a small HTTP API client.
//! - [`live`]: the one read model: SLO statuses, violations, trends and report data from
//!   a live Prometheus, read through [`prom`].
//! - [`budget`]: decisions on those facts: policy levels and the deployment gate.
//! - [`dashboards`]: Grafana dashboards from the model and the plan, a generator like [`emit`].
//! - [`http`]: shared plumbing of slogen's HTTP servers; [`serve`]: the web UI and its JSON
//!   API (`slogen serve`).
//! - [`mcp`] (feature `mcp`, on by default): the MCP server over stdio.
//! - [`schema`]: JSON Schemas of the input formats, for editors (`slogen schema`).
//! - [`diag`]: diagnostics as data, and their renderers (human, JSON, SARIF, GitHub).
//! - [`lint`]: every problem of a spec at once: Sloth's validation plus lint's own rules.
//! - [`cli`]: the edge: arguments, files, exit codes.

pub mod duration;
pub mod gofmt;
pub mod metricsql;
pub mod promql;
pub mod source;
pub mod timefmt;

pub mod diag;

pub mod yaml;

pub mod spec;

pub mod model;

pub mod plugins;

pub mod plan;

pub mod emit;

pub mod alertmanager;

pub mod pipeline;

pub mod prom;

pub mod http;

pub mod live;

pub mod budget;

pub mod dashboards;
pub mod incidents;
#[cfg(feature = "mcp")]
pub mod mcp;
pub mod serve;

pub mod lint;
pub mod prove;

pub mod schema;

pub mod cli;

/// The version slogen reports in headers and in the `sloth_version` label.
pub const VERSION: &str = concat!("v", env!("CARGO_PKG_VERSION"));
