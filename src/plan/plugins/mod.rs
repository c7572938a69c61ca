//! SLO plugins: the chain that fills and edits an SLO's rule groups.
//!
//! Sloth's plugins are Go source interpreted at run time; slogen builds the core and contrib
//! plugins in, under the same IDs and config schemas (sloth-generation.md §6.2). A plugin is a
//! factory that checks its JSON config and returns a [`SloPlugin`]; the chain runs them in
//! order over one mutable [`SloRules`].

pub mod contrib;
pub mod core;

use std::collections::BTreeMap;
use std::fmt;

use super::mwmb::MwmbAlerts;
use super::{Info, SloRules};
use crate::model::Slo;

/// A plugin failed, or could not be found or configured.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanError {
    pub slo: String,
    pub plugin: String,
    pub message: String,
}

impl fmt::Display for PlanError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "could not generate {:?} slo: plugin {:?}: {}",
            self.slo, self.plugin, self.message
        )
    }
}

impl std::error::Error for PlanError {}

/// What a plugin is given besides the rules.
#[derive(Debug, Clone, Copy)]
pub struct Request<'a> {
    pub slo: &'a Slo,
    pub alerts: &'a MwmbAlerts,
    pub info: &'a Info,
}

/// One configured plugin.
pub trait SloPlugin: Send + Sync {
    /// Edits `rules` for the SLO in `req`; the error message is shown with the plugin's ID.
    fn process(&self, req: &Request, rules: &mut SloRules) -> Result<(), String>;
}

/// Builds a plugin from its JSON config (`Null` when none was given).
pub type Factory = fn(&serde_json::Value) -> Result<Box<dyn SloPlugin>, String>;

/// The SLO plugins one run can use, by ID.
#[derive(Clone, Default)]
pub struct SloPlugins {
    factories: BTreeMap<String, Factory>,
}

impl fmt::Debug for SloPlugins {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.factories.keys()).finish()
    }
}

impl SloPlugins {
    /// The plugins built into slogen.
    pub fn builtin() -> Self {
        let mut plugins = SloPlugins::default();
        for (id, factory) in core::FACTORIES.iter().chain(contrib::FACTORIES) {
            plugins.factories.insert(id.to_string(), *factory);
        }
        plugins
    }

    /// Adds a plugin under `id`; an ID already present is refused.
    pub fn register(&mut self, id: &str, factory: Factory) -> Result<(), String> {
        if self.factories.contains_key(id) {
            return Err(format!("SLO plugin {id:?} is defined twice"));
        }
        self.factories.insert(id.to_string(), factory);
        Ok(())
    }

    /// True when `id` names a known plugin.
    pub fn contains(&self, id: &str) -> bool {
        self.factories.contains_key(id)
    }

    /// Every known plugin ID.
    pub fn ids(&self) -> Vec<String> {
        self.factories.keys().cloned().collect()
    }

    /// Runs `slo`'s chain over empty rule groups.
    pub fn run(&self, slo: &Slo, alerts: &MwmbAlerts, info: &Info) -> Result<SloRules, PlanError> {
        let req = Request { slo, alerts, info };
        let mut rules = SloRules::default();
        for decl in &slo.plugins {
            let err = |message: String| PlanError {
                slo: slo.id.clone(),
                plugin: decl.id.clone(),
                message,
            };
            let factory = self.factories.get(&decl.id).ok_or_else(|| {
                err(format!(
                    "could not get SLO plugin: plugin {:?} not found (known plugins: {}; user plugins load with -p/--plugins-path)",
                    decl.id,
                    self.ids().join(", ")
                ))
            })?;
            let plugin = factory(&decl.config).map_err(|e| err(format!("invalid config: {e}")))?;
            plugin
                .process(&req, &mut rules)
                .map_err(|e| err(format!("slo processor failed: {e}")))?;
        }
        Ok(rules)
    }
}
