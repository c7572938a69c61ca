//! SLO plugins: the chain that fills and edits an SLO's rule groups.
//!
//! Sloth's plugins are Go source interpreted at run time; slogen builds the core and contrib
//! plugins in, under the same IDs and config schemas (sloth-generation.md §6.2). A plugin is a
//! factory that checks its JSON config and returns a [`SloPlugin`]; the chain runs them in
//! order over one mutable [`SloRules`].

pub mod contrib;
pub mod core;
pub mod external;
pub mod slogen;

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;

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

/// How a plugin ID is provided.
#[derive(Clone)]
enum Entry {
    Builtin(Factory),
    External(Arc<external::ExternalPlugin>),
    /// A Go plugin file found on a plugin path: it cannot run, using it explains how to port it.
    Go(PathBuf),
}

/// The SLO plugins one run can use, by ID.
#[derive(Clone, Default)]
pub struct SloPlugins {
    entries: BTreeMap<String, Entry>,
}

impl fmt::Debug for SloPlugins {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.entries.keys()).finish()
    }
}

impl SloPlugins {
    /// The plugins built into slogen.
    pub fn builtin() -> Self {
        let mut plugins = SloPlugins::default();
        for (id, factory) in core::FACTORIES
            .iter()
            .chain(contrib::FACTORIES)
            .chain(slogen::FACTORIES)
        {
            plugins
                .entries
                .insert(id.to_string(), Entry::Builtin(*factory));
        }
        plugins
    }

    /// The built-in plugins plus the executable plugins found under `paths` (see
    /// [`external`]). An ID defined twice is an error naming both places, as in Sloth.
    pub fn load(paths: &[PathBuf]) -> Result<Self, external::LoadError> {
        let mut plugins = Self::builtin();
        let found = external::discover(paths)?;
        let ids = found
            .plugins
            .iter()
            .map(|p| (p.id.as_str(), p.manifest.as_path()));
        if let Some((id, first, second)) = external::first_duplicate(ids) {
            return Err(external::LoadError {
                path: second,
                message: format!("plugin {id:?} already loaded from {}", first.display()),
            });
        }
        for p in found.plugins {
            if plugins.entries.contains_key(&p.id) {
                return Err(external::LoadError {
                    path: p.manifest.clone(),
                    message: format!("plugin {:?} already loaded: it is built into slogen", p.id),
                });
            }
            plugins
                .entries
                .insert(p.id.clone(), Entry::External(Arc::new(p)));
        }
        // Go files of plugins that are built in or ported (e.g. a clone of Sloth's own
        // plugins on the path) are ignored.
        for (id, path) in found.go {
            plugins.entries.entry(id).or_insert(Entry::Go(path));
        }
        Ok(plugins)
    }

    /// Adds a plugin under `id`; an ID already present is refused.
    pub fn register(&mut self, id: &str, factory: Factory) -> Result<(), String> {
        if self.entries.contains_key(id) {
            return Err(format!("SLO plugin {id:?} is defined twice"));
        }
        self.entries.insert(id.to_string(), Entry::Builtin(factory));
        Ok(())
    }

    /// True when `id` names a plugin that can run.
    pub fn contains(&self, id: &str) -> bool {
        matches!(
            self.entries.get(id),
            Some(Entry::Builtin(_) | Entry::External(_))
        )
    }

    /// Every plugin ID that can run.
    pub fn ids(&self) -> Vec<String> {
        self.entries
            .keys()
            .filter(|id| self.contains(id))
            .cloned()
            .collect()
    }

    fn instance(&self, id: &str, config: &serde_json::Value) -> Result<Box<dyn SloPlugin>, String> {
        match self.entries.get(id) {
            Some(Entry::Builtin(factory)) => {
                factory(config).map_err(|e| format!("invalid config: {e}"))
            }
            Some(Entry::External(p)) => Ok(p.instance(config)),
            Some(Entry::Go(path)) => Err(external::go_plugin_message(id, path)),
            None => Err(format!(
                "could not get SLO plugin: plugin {id:?} not found (known plugins: {}). A user \
                 plugin is loaded from -p/--plugins-path: write a slo-plugin.yaml manifest with \
                 `id: {id}` and a `command` (see docs/plugins.md)",
                self.ids().join(", ")
            )),
        }
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
            let plugin = self.instance(&decl.id, &decl.config).map_err(err)?;
            plugin
                .process(&req, &mut rules)
                .map_err(|e| err(format!("slo processor failed: {e}")))?;
        }
        Ok(rules)
    }
}
