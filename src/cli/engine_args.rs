//! `generate --target`: which ruler the rules are for, and each ruler's own options.
//!
//! The default, `prometheus`, writes Sloth's bytes. The other targets change the file layout
//! ([`crate::emit::engine`]) and, with `--dialect metricsql`, the query language SLI queries
//! are validated in.

use anyhow::bail;
use clap::{Args, ValueEnum};

use super::lint::DialectArg;
use crate::emit::engine::{PartialResponse, Target, TargetOptions};
use crate::model::Dialect;
use crate::pipeline::Generator;

/// The target flags of `generate`.
#[derive(Debug, Clone, Args, Default)]
pub struct EngineFlags {
    /// The ruler the rules are for: prometheus (Sloth's output), vmalert (VictoriaMetrics),
    /// mimir (`mimirtool rules load/sync`) or thanos (Thanos ruler). Slogen extension.
    #[arg(long = "target", value_enum, default_value = "prometheus")]
    pub target: TargetArg,
    /// Query language SLI queries are validated in; `metricsql` needs --target vmalert.
    #[arg(long = "dialect", value_enum, value_name = "DIALECT")]
    pub dialect: Option<DialectArg>,
    /// Mimir namespace of the rule groups (--target mimir): a name, where `{service}` is the
    /// SLO's service and `{file}` the spec file's name (its path under -i, `/` as `-`)
    /// [default: {service}]. Given on the command line as `--namespace`, which `generate`
    /// shares with the PrometheusRule objects' namespace ([`EngineFlags::with_namespace`]).
    #[arg(skip)]
    pub namespace: Option<String>,
    /// Thanos partial_response_strategy of every rule group (--target thanos) [default: abort].
    #[arg(long = "partial-response", value_enum, value_name = "STRATEGY")]
    pub partial_response: Option<PartialResponseArg>,
}

/// `--target` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum TargetArg {
    #[default]
    Prometheus,
    Vmalert,
    Mimir,
    Thanos,
}

/// `--partial-response` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PartialResponseArg {
    Warn,
    Abort,
}

impl TargetArg {
    /// The library's target.
    pub fn target(self) -> Target {
        match self {
            TargetArg::Prometheus => Target::Prometheus,
            TargetArg::Vmalert => Target::Vmalert,
            TargetArg::Mimir => Target::Mimir,
            TargetArg::Thanos => Target::Thanos,
        }
    }
}

impl EngineFlags {
    /// Takes `generate`'s one `--namespace`: the Mimir namespace with `--target mimir`, else
    /// left to the PrometheusRule objects (returned).
    pub fn with_namespace(&mut self, namespace: Option<String>) -> Option<String> {
        if self.target == TargetArg::Mimir {
            self.namespace = namespace;
            None
        } else {
            namespace
        }
    }

    /// Checks the combination and sets the generator's target and dialect.
    pub fn apply(&self, generator: &mut Generator) -> anyhow::Result<()> {
        let target = self.target.target();
        let dialect = match self.dialect {
            Some(DialectArg::Metricsql) => Dialect::MetricsQl,
            Some(DialectArg::Promql) | None => Dialect::PromQl,
        };
        if dialect == Dialect::MetricsQl && target != Target::Vmalert {
            bail!(
                "--dialect metricsql needs --target vmalert: {} evaluates PromQL and would refuse MetricsQL-only queries",
                target.name()
            );
        }
        if self.namespace.is_some() && target != Target::Mimir {
            bail!("--namespace is a Mimir rule namespace: it needs --target mimir");
        }
        if let Some(ns) = &self.namespace {
            if ns.trim().is_empty() || ns.contains('/') {
                bail!("--namespace {ns:?}: a Mimir namespace must be non-empty and cannot contain `/` (it is part of the ruler API's URL path)");
            }
        }
        if self.partial_response.is_some() && target != Target::Thanos {
            bail!(
                "--partial-response is Thanos' partial_response_strategy: it needs --target thanos"
            );
        }
        generator.target = TargetOptions {
            target,
            namespace: self.namespace.clone(),
            partial_response: match self.partial_response {
                Some(PartialResponseArg::Warn) => PartialResponse::Warn,
                Some(PartialResponseArg::Abort) | None => PartialResponse::Abort,
            },
        };
        generator.dialect = dialect;
        Ok(())
    }
}
