//! Sloth's core SLO plugins: validate, sli_rules, metadata_rules, alert_rules, noop, debug.

use serde::Deserialize;

use super::{Factory, Request, SloPlugin};
use crate::plan::{alerts, metadata, sli, SloRules};

/// The core plugins by ID.
pub const FACTORIES: &[(&str, Factory)] = &[
    ("sloth.dev/core/validate/v1", |_| Ok(Box::new(Noop))),
    ("sloth.dev/core/noop/v1", |_| Ok(Box::new(Noop))),
    ("sloth.dev/core/debug/v1", |_| Ok(Box::new(Noop))),
    ("sloth.dev/core/sli_rules/v1", sli_rules),
    ("sloth.dev/core/metadata_rules/v1", |_| {
        Ok(Box::new(MetadataRules))
    }),
    ("sloth.dev/core/alert_rules/v1", |_| {
        Ok(Box::new(AlertRules))
    }),
];

/// A plugin with no effect on the rules. Validation itself runs while lowering the model
/// (`model::lower` reads the chain), so the validate plugin has nothing left to do here, and
/// Sloth's debug plugin only logs.
struct Noop;

impl SloPlugin for Noop {
    fn process(&self, _: &Request, _: &mut SloRules) -> Result<(), String> {
        Ok(())
    }
}

/// Parses a plugin config; a missing config is the type's default.
pub fn config<T: for<'de> Deserialize<'de> + Default>(v: &serde_json::Value) -> Result<T, String> {
    if v.is_null() {
        return Ok(T::default());
    }
    serde_json::from_value(v.clone()).map_err(|e| e.to_string())
}

#[derive(Debug, Default, Deserialize)]
struct SliRulesConfig {
    #[serde(rename = "disableOptimized", default)]
    disable_optimized: bool,
}

fn sli_rules(v: &serde_json::Value) -> Result<Box<dyn SloPlugin>, String> {
    let cfg: SliRulesConfig = config(v)?;
    Ok(Box::new(SliRules {
        disable_optimized: cfg.disable_optimized,
    }))
}

struct SliRules {
    disable_optimized: bool,
}

impl SloPlugin for SliRules {
    fn process(&self, req: &Request, rules: &mut SloRules) -> Result<(), String> {
        rules.sli.rules =
            sli::rules(req.slo, req.alerts, self.disable_optimized).map_err(|e| e.message)?;
        Ok(())
    }
}

struct MetadataRules;

impl SloPlugin for MetadataRules {
    fn process(&self, req: &Request, rules: &mut SloRules) -> Result<(), String> {
        rules.metadata.rules = metadata::rules(req.slo, req.alerts, req.info);
        Ok(())
    }
}

struct AlertRules;

impl SloPlugin for AlertRules {
    fn process(&self, req: &Request, rules: &mut SloRules) -> Result<(), String> {
        rules.alerts.rules = alerts::rules(req.slo, req.alerts);
        Ok(())
    }
}
