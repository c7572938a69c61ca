//! SLI plugins: an SLO's `sli.plugin` is turned into a raw error-ratio query by a plugin chosen
//! by ID (sloth-generation.md §5.3, sloth-cli-validation.md §5.1).
//!
//! Sloth runs Go source files with an interpreter; slogen cannot. Instead:
//! - the 21 plugins of `slok/sloth-common-sli-plugins` are built in ([`SliPlugins::builtin`]),
//!   byte-identical to the Go ones, one module per plugin family;
//! - users write plugins as YAML files with a minijinja template ([`template`], documented in
//!   `docs/plugins.md`), loaded from `-p/--plugins-path` ([`SliPlugins::load`]);
//! - Go plugin files found on a plugin path are recognised by their `SLIPluginID`: calling one
//!   gives [`SliPluginError::GoPlugin`], which says how to port it. A Go file whose ID is a
//!   built-in (e.g. a clone of sloth-common-sli-plugins) or has a template port is ignored.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

mod common;
mod gocompat;
pub mod template;

mod coredns;
mod fake;
mod haproxy;
mod istio;
mod kooper;
mod kubernetes_apiserver;
mod nginx_ingress;
mod noop;
mod prometheus;
mod slogen_bool_gauge;
mod slogen_latency;
mod slogen_options;
mod slok_go_http_metrics;
mod traefik;

pub use slogen_latency::le_regex;
pub use slogen_options::OptionProblem;

/// slogen's SLI plugins that produce an events SLI (error and total queries) rather than
/// one error-ratio query, so that event-based SLO plugins can use them.
pub const EVENTS_PLUGINS: [&str; 2] = ["slogen/latency/v1", "slogen/bool_gauge/v1"];

/// The (error, total) queries of slogen events plugin `id`, or every problem with its options;
/// `None` when `id` is not one of [`EVENTS_PLUGINS`].
pub fn events_plugin(
    id: &str,
    options: &BTreeMap<String, String>,
) -> Option<Result<(String, String), Vec<OptionProblem>>> {
    match id {
        "slogen/latency/v1" => Some(slogen_latency::queries(options)),
        "slogen/bool_gauge/v1" => Some(slogen_bool_gauge::queries(options)),
        _ => None,
    }
}

/// What Sloth passes an SLI plugin (sloth-generation.md §5.3).
#[derive(Debug, Clone, Copy)]
pub struct SliPluginCall<'a> {
    pub service: &'a str,
    pub slo: &'a str,
    /// The objective as Sloth formats it for plugins: Go fmt "%f", e.g. "99.900000".
    pub objective: &'a str,
    /// Spec-level labels only (not SLO labels), as Sloth passes them.
    pub labels: &'a BTreeMap<String, String>,
    pub options: &'a BTreeMap<String, String>,
}

/// Why an SLI plugin could not be loaded or run.
#[derive(Debug, thiserror::Error)]
pub enum SliPluginError {
    /// No plugin has this ID. Sloth: `could not get plugin: plugin "<id>" not found: resource not found`.
    #[error("plugin \"{id}\" not found: resource not found")]
    NotFound { id: String },
    /// The plugin rejected its input. Sloth: `plugin "<id>" execution error: <err>`.
    #[error("plugin \"{id}\" execution error: {message}")]
    Execution { id: String, message: String },
    /// A plugin file or plugin path could not be read or is not a valid plugin.
    #[error("could not load SLI plugin {}: {message}", path.display())]
    Load { path: PathBuf, message: String },
    /// Two plugins have the same ID (Sloth: `plugin "<id>" already loaded`).
    #[error("plugin \"{id}\" already loaded: defined by {first} and by {second}")]
    Duplicate {
        id: String,
        first: String,
        second: String,
    },
    /// The plugin is a Go source file, which slogen cannot run.
    #[error("{}", go_plugin_message(path, id.as_deref()))]
    GoPlugin { path: PathBuf, id: Option<String> },
}

fn go_plugin_message(path: &Path, id: Option<&str>) -> String {
    let what = match id {
        Some(id) => format!("plugin \"{id}\" is a Go SLI plugin ({})", path.display()),
        None => format!("{} is a Go SLI plugin", path.display()),
    };
    format!(
        "{what}: slogen cannot run Go plugins; port it to a template plugin (a plugin.yaml file \
         with `version: slogen/sli-plugin/v1` next to it, see docs/plugins.md)"
    )
}

/// A built-in plugin: `Err` is the plugin's own error text.
pub type BuiltinSliPlugin = fn(&SliPluginCall<'_>) -> Result<String, String>;

/// The plugins of `slok/sloth-common-sli-plugins`, by ID.
pub const BUILTIN_SLI_PLUGINS: &[(&str, BuiltinSliPlugin)] = &[
    ("sloth-common/coredns/availability", coredns::availability),
    ("sloth-common/coredns/latency", coredns::latency),
    ("sloth-common/fake", fake::fake),
    (
        "sloth-common/haproxy/frontend/availability",
        haproxy::frontend_availability,
    ),
    ("sloth-common/istio/v1/availability", istio::v1_availability),
    ("sloth-common/istio/v1/latency", istio::v1_latency),
    (
        "sloth-common/kubernetes/apiserver/availability",
        kubernetes_apiserver::availability,
    ),
    (
        "sloth-common/kubernetes/apiserver/latency",
        kubernetes_apiserver::latency,
    ),
    (
        "sloth-common/kubernetes/kooper/availability",
        kooper::availability,
    ),
    ("sloth-common/kubernetes/kooper/latency", kooper::latency),
    (
        "sloth-common/kubernetes/kooper/queue-congestion",
        kooper::queue_congestion,
    ),
    (
        "sloth-common/kubernetes/nginx-ingress/availability",
        nginx_ingress::availability,
    ),
    ("sloth-common/noop", noop::noop),
    (
        "sloth-common/prometheus/rules/eval-availability",
        prometheus::rules_eval_availability,
    ),
    (
        "sloth-common/prometheus/targets/availability",
        prometheus::targets_availability,
    ),
    (
        "sloth-common/slok-go-http-metrics/availability",
        slok_go_http_metrics::availability,
    ),
    (
        "sloth-common/slok-go-http-metrics/latency",
        slok_go_http_metrics::latency,
    ),
    (
        "sloth-common/traefik/v1/availability",
        traefik::v1_availability,
    ),
    ("sloth-common/traefik/v1/latency", traefik::v1_latency),
    (
        "sloth-common/traefik/v2/availability",
        traefik::v2_availability,
    ),
    ("sloth-common/traefik/v2/latency", traefik::v2_latency),
];

/// All SLI plugins available to one run: the built-ins plus the ones loaded from `-p` paths.
pub struct SliPlugins {
    builtins: BTreeMap<&'static str, BuiltinSliPlugin>,
    templates: BTreeMap<String, template::TemplatePlugin>,
    /// Go plugin files that have no runnable counterpart, by their `SLIPluginID`.
    go: BTreeMap<String, PathBuf>,
    /// Files on plugin paths that were looked at and not loaded, with the reason.
    skipped: Vec<(PathBuf, String)>,
}

impl fmt::Debug for SliPlugins {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SliPlugins")
            .field("builtins", &self.builtins.keys().collect::<Vec<_>>())
            .field("templates", &self.templates.keys().collect::<Vec<_>>())
            .field("go", &self.go)
            .field("skipped", &self.skipped)
            .finish()
    }
}

impl SliPlugins {
    /// The built-in plugins only.
    pub fn builtin() -> Self {
        SliPlugins {
            builtins: BUILTIN_SLI_PLUGINS.iter().copied().collect(),
            templates: BTreeMap::new(),
            go: BTreeMap::new(),
            skipped: Vec::new(),
        }
    }

    /// Loads user plugins found recursively under each path (see [`template`]). Duplicate IDs
    /// are an error naming both places.
    pub fn load(paths: &[PathBuf]) -> Result<Self, SliPluginError> {
        let mut plugins = Self::builtin();
        let mut go_files: Vec<(String, PathBuf)> = Vec::new();
        for root in paths {
            for found in template::discover(root)? {
                match found {
                    template::Found::Template(plugin) => plugins.add_template(*plugin)?,
                    template::Found::Go { path, id: Some(id) } => go_files.push((id, path)),
                    template::Found::Go { path, id: None } => plugins.skipped.push((
                        path,
                        "Go file without an SLIPluginID constant, not an SLI plugin".to_string(),
                    )),
                    template::Found::Skipped { path, reason } => {
                        plugins.skipped.push((path, reason))
                    }
                }
            }
        }
        for (id, path) in go_files {
            let reason = if plugins.builtins.contains_key(id.as_str()) {
                format!("Go SLI plugin {id:?}: replaced by slogen's built-in plugin")
            } else if plugins.templates.contains_key(&id) {
                format!("Go SLI plugin {id:?}: replaced by its template port")
            } else if let Some(first) = plugins.go.get(&id) {
                format!(
                    "Go SLI plugin {id:?}: ID already used by {}",
                    first.display()
                )
            } else {
                plugins.go.insert(id, path);
                continue;
            };
            plugins.skipped.push((path, reason));
        }
        Ok(plugins)
    }

    fn add_template(&mut self, plugin: template::TemplatePlugin) -> Result<(), SliPluginError> {
        let id = plugin.id().to_string();
        let first = if self.builtins.contains_key(id.as_str()) {
            Some("slogen's built-in plugins".to_string())
        } else {
            self.templates
                .get(&id)
                .map(|p| p.path().display().to_string())
        };
        if let Some(first) = first {
            return Err(SliPluginError::Duplicate {
                id,
                first,
                second: plugin.path().display().to_string(),
            });
        }
        self.templates.insert(id, plugin);
        Ok(())
    }

    /// Runs plugin `id`; Ok(query) is used by the caller as a raw error-ratio query.
    pub fn call(&self, id: &str, call: &SliPluginCall) -> Result<String, SliPluginError> {
        let result = if let Some(plugin) = self.builtins.get(id) {
            plugin(call)
        } else if let Some(plugin) = self.templates.get(id) {
            plugin.call(call)
        } else if let Some(path) = self.go.get(id) {
            return Err(SliPluginError::GoPlugin {
                path: path.clone(),
                id: Some(id.to_string()),
            });
        } else {
            return Err(SliPluginError::NotFound { id: id.to_string() });
        };
        result.map_err(|message| SliPluginError::Execution {
            id: id.to_string(),
            message,
        })
    }

    /// The IDs of the runnable plugins (built-in and template), sorted.
    pub fn ids(&self) -> Vec<String> {
        let mut ids: Vec<String> = self
            .builtins
            .keys()
            .map(|id| id.to_string())
            .chain(self.templates.keys().cloned())
            .collect();
        ids.sort();
        ids
    }

    /// Go SLI plugins found on the plugin paths that slogen cannot run: (ID, file).
    pub fn go_plugins(&self) -> impl Iterator<Item = (&str, &Path)> {
        self.go
            .iter()
            .map(|(id, path)| (id.as_str(), path.as_path()))
    }

    /// Plugin-looking files that were not loaded, with the reason (for `--debug` logging).
    pub fn skipped(&self) -> &[(PathBuf, String)] {
        &self.skipped
    }
}

#[cfg(test)]
pub(crate) mod test_util {
    use std::collections::BTreeMap;

    use super::SliPluginCall;

    /// Owned inputs for a [`SliPluginCall`].
    pub(crate) struct Input {
        pub options: BTreeMap<String, String>,
        pub labels: BTreeMap<String, String>,
        pub objective: String,
    }

    impl Input {
        pub(crate) fn new(options: &[(&str, &str)]) -> Self {
            Input {
                options: options
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect(),
                labels: BTreeMap::new(),
                objective: "99.900000".to_string(),
            }
        }

        pub(crate) fn labels(mut self, labels: &[(&str, &str)]) -> Self {
            self.labels = labels
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect();
            self
        }

        pub(crate) fn objective(mut self, objective: &str) -> Self {
            self.objective = objective.to_string();
            self
        }

        pub(crate) fn call(&self) -> SliPluginCall<'_> {
            SliPluginCall {
                service: "svc",
                slo: "slo",
                objective: &self.objective,
                labels: &self.labels,
                options: &self.options,
            }
        }
    }

    /// Runs a built-in plugin function on these options.
    pub(crate) fn run(
        plugin: super::BuiltinSliPlugin,
        options: &[(&str, &str)],
    ) -> Result<String, String> {
        plugin(&Input::new(options).call())
    }
}

#[cfg(test)]
mod tests {
    use super::test_util::Input;
    use super::*;

    #[test]
    fn builtins_have_the_21_catalogue_ids() {
        let plugins = SliPlugins::builtin();
        let ids = plugins.ids();
        assert_eq!(ids.len(), 21);
        assert_eq!(
            ids,
            [
                "sloth-common/coredns/availability",
                "sloth-common/coredns/latency",
                "sloth-common/fake",
                "sloth-common/haproxy/frontend/availability",
                "sloth-common/istio/v1/availability",
                "sloth-common/istio/v1/latency",
                "sloth-common/kubernetes/apiserver/availability",
                "sloth-common/kubernetes/apiserver/latency",
                "sloth-common/kubernetes/kooper/availability",
                "sloth-common/kubernetes/kooper/latency",
                "sloth-common/kubernetes/kooper/queue-congestion",
                "sloth-common/kubernetes/nginx-ingress/availability",
                "sloth-common/noop",
                "sloth-common/prometheus/rules/eval-availability",
                "sloth-common/prometheus/targets/availability",
                "sloth-common/slok-go-http-metrics/availability",
                "sloth-common/slok-go-http-metrics/latency",
                "sloth-common/traefik/v1/availability",
                "sloth-common/traefik/v1/latency",
                "sloth-common/traefik/v2/availability",
                "sloth-common/traefik/v2/latency",
            ]
        );
    }

    #[test]
    fn call_runs_by_id_and_wraps_errors_like_sloth() {
        let plugins = SliPlugins::builtin();
        let input = Input::new(&[]);
        assert_eq!(
            plugins.call("sloth-common/noop", &input.call()).unwrap(),
            "max_over_time(vector(0)[{{.window}}:])"
        );
        let err = plugins
            .call("sloth-common/coredns/latency", &input.call())
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            r#"plugin "sloth-common/coredns/latency" execution error: could not get bucket: "bucket" option is required"#
        );
        let err = plugins.call("nope", &input.call()).unwrap_err();
        assert_eq!(
            err.to_string(),
            r#"plugin "nope" not found: resource not found"#
        );
        assert!(matches!(err, SliPluginError::NotFound { .. }));
    }

    #[test]
    fn go_plugin_error_explains_porting() {
        let err = SliPluginError::GoPlugin {
            path: PathBuf::from("plugins/x/plugin.go"),
            id: Some("x".to_string()),
        };
        assert_eq!(
            err.to_string(),
            "plugin \"x\" is a Go SLI plugin (plugins/x/plugin.go): slogen cannot run Go \
             plugins; port it to a template plugin (a plugin.yaml file with `version: \
             slogen/sli-plugin/v1` next to it, see docs/plugins.md)"
        );
    }
}
