//! User SLO plugins without Go: executables described by a `slo-plugin.yaml` manifest and
//! found on `-p/--plugins-path`, run like protoc plugins (JSON request on stdin, changed rules
//! on stdout; [`protocol`]). Documented with a worked example in `docs/plugins.md`.
//!
//! A plugin path is searched recursively in file-name order, skipping directories whose name
//! starts with `..` as Sloth does. Files whose name ends with `slo-plugin.yaml` or
//! `slo-plugin.yml` are manifests:
//!
//! ```yaml
//! version: slogen/slo-plugin/v1
//! id: my-team/info-labels        # the ID spec chains and -s use
//! command: [python3, plugin.py]  # run in the manifest's folder; a program with a `/` is
//!                                # relative to it, others are looked up on PATH
//! timeout: 10s                   # optional, default 10s
//! ```
//!
//! Go files matching Sloth's `plugin.go$` that declare an SLO plugin (`PluginVersion =
//! "prometheus/slo/v1"`) are remembered by their `PluginID`: using that ID explains how to
//! port the plugin. Go files whose ID is built in or has a port are ignored.
//!
//! This is the one place in the planner that does IO: running a user's plugin is the point.

mod process;
pub mod protocol;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, LazyLock};

use regex::Regex;
use yaml_rust2::{Yaml, YamlLoader};

use super::{Request, SloPlugin};
use crate::duration::Duration;
use crate::plan::SloRules;

/// The default time limit of one plugin run.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_millis(10_000);

/// An executable SLO plugin from a manifest.
#[derive(Debug)]
pub struct ExternalPlugin {
    pub id: String,
    /// The manifest file.
    pub manifest: PathBuf,
    program: PathBuf,
    args: Vec<String>,
    timeout: Duration,
}

/// What was found on the plugin paths.
#[derive(Debug, Default)]
pub struct Discovered {
    pub plugins: Vec<ExternalPlugin>,
    /// Go SLO plugins: (`PluginID`, file).
    pub go: Vec<(String, PathBuf)>,
}

/// Why the plugin paths could not be loaded.
#[derive(Debug, thiserror::Error)]
#[error("could not load SLO plugin {}: {message}", path.display())]
pub struct LoadError {
    pub path: PathBuf,
    pub message: String,
}

static GO_PLUGIN_FILE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new("plugin.go$").expect("valid regex"));
static GO_SLO_VERSION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"\bPluginVersion\s*(?:string\s*)?=\s*"prometheus/slo/v1""#).expect("valid regex")
});
static GO_PLUGIN_ID: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"\bPluginID\s*(?:string\s*)?=\s*(?:"((?:[^"\\\n]|\\.)*)"|`([^`]*)`)"#)
        .expect("valid regex")
});

/// The `PluginID` of a Go SLO plugin source, if it is one.
pub fn go_slo_plugin_id(text: &str) -> Option<String> {
    if !GO_SLO_VERSION.is_match(text) {
        return None;
    }
    let c = GO_PLUGIN_ID.captures(text)?;
    c.get(1).or(c.get(2)).map(|m| m.as_str().to_string())
}

/// Finds manifests and Go SLO plugins under `roots`.
pub fn discover(roots: &[PathBuf]) -> Result<Discovered, LoadError> {
    let mut found = Discovered::default();
    for root in roots {
        let err = |path: &Path, message: String| LoadError {
            path: path.to_path_buf(),
            message,
        };
        std::fs::metadata(root).map_err(|e| err(root, format!("could not read: {e}")))?;
        let walker = walkdir::WalkDir::new(root)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| {
                !(e.depth() > 0
                    && e.file_type().is_dir()
                    && e.file_name().to_string_lossy().starts_with(".."))
            });
        for entry in walker {
            let entry =
                entry.map_err(|e| err(e.path().unwrap_or(root), format!("could not read: {e}")))?;
            if entry.file_type().is_dir() {
                continue;
            }
            let path = entry.path();
            let name = entry.file_name().to_string_lossy();
            let is_manifest = name.ends_with("slo-plugin.yaml") || name.ends_with("slo-plugin.yml");
            let relative = path.strip_prefix(root).unwrap_or(path).to_string_lossy();
            if !is_manifest && !GO_PLUGIN_FILE.is_match(&relative) {
                continue;
            }
            if path.is_dir() {
                continue;
            }
            let text = std::fs::read(path)
                .map(|b| String::from_utf8_lossy(&b).into_owned())
                .map_err(|e| err(path, format!("could not read: {e}")))?;
            if is_manifest {
                found
                    .plugins
                    .push(ExternalPlugin::from_manifest(path, &text).map_err(|m| err(path, m))?);
            } else if let Some(id) = go_slo_plugin_id(&text) {
                found.go.push((id, path.to_path_buf()));
            }
        }
    }
    Ok(found)
}

impl ExternalPlugin {
    /// Reads a manifest.
    pub fn from_manifest(path: &Path, text: &str) -> Result<Self, String> {
        let docs = YamlLoader::load_from_str(text).map_err(|e| format!("invalid YAML: {e}"))?;
        let Some(Yaml::Hash(map)) = docs.first() else {
            return Err("expected a YAML mapping with version, id and command".into());
        };
        let get = |k: &str| map.get(&Yaml::String(k.to_string()));
        match get("version") {
            Some(Yaml::String(v)) if v == protocol::VERSION => {}
            other => {
                return Err(format!(
                    "version must be {:?}, found {other:?}",
                    protocol::VERSION
                ))
            }
        }
        let id = match get("id") {
            Some(Yaml::String(s)) if !s.is_empty() => s.clone(),
            _ => return Err("id is required (the ID that plugin chains use)".into()),
        };
        let command: Vec<String> =
            match get("command") {
                Some(Yaml::String(s)) => vec![s.clone()],
                Some(Yaml::Array(items)) => items
                    .iter()
                    .map(|i| match i {
                        Yaml::String(s) => Ok(s.clone()),
                        Yaml::Integer(n) => Ok(n.to_string()),
                        _ => Err("command items must be strings".to_string()),
                    })
                    .collect::<Result<_, _>>()?,
                _ => return Err(
                    "command is required: the program and its arguments, e.g. [python3, plugin.py]"
                        .into(),
                ),
            };
        let Some((program, args)) = command.split_first() else {
            return Err("command is empty".into());
        };
        let dir = path.parent().unwrap_or(Path::new("."));
        let program = if program.contains('/') {
            let p = dir.join(program);
            if !p.is_file() {
                return Err(format!("command program {} does not exist", p.display()));
            }
            p
        } else {
            PathBuf::from(program)
        };
        let timeout = match get("timeout") {
            None => DEFAULT_TIMEOUT,
            Some(Yaml::String(s)) => match Duration::parse(s) {
                Ok(d) if !d.is_zero() => d,
                _ => {
                    return Err(format!(
                        "timeout {s:?} is not a positive duration such as 10s"
                    ))
                }
            },
            Some(other) => {
                return Err(format!(
                    "timeout must be a duration such as 10s, found {other:?}"
                ))
            }
        };
        Ok(ExternalPlugin {
            id,
            manifest: path.to_path_buf(),
            program,
            args: args.to_vec(),
            timeout,
        })
    }

    /// The plugin configured for one chain entry.
    pub fn instance(self: &Arc<Self>, config: &serde_json::Value) -> Box<dyn SloPlugin> {
        Box::new(Instance {
            plugin: Arc::clone(self),
            config: config.clone(),
        })
    }

    fn run(&self, input: String) -> Result<SloRules, String> {
        let dir = self.manifest.parent().unwrap_or(Path::new("."));
        let timeout = std::time::Duration::from_millis(self.timeout.as_millis());
        let what = format!("executable plugin {}", self.manifest.display());
        let done = process::run(&self.program, &self.args, dir, input.into_bytes(), timeout)
            .map_err(|e| match e {
                process::RunError::Spawn(e) => {
                    format!("{what}: could not start {}: {e}", self.program.display())
                }
                process::RunError::TimedOut => {
                    format!("{what}: timed out after {} and was stopped (set `timeout` in the manifest to allow longer)", self.timeout)
                }
            })?;
        if !done.status.success() {
            let stderr = String::from_utf8_lossy(&done.stderr);
            let tail: Vec<&str> = stderr.trim_end().lines().rev().take(5).collect();
            let tail: Vec<&str> = tail.into_iter().rev().collect();
            return Err(format!(
                "{what}: exited with {}{}",
                done.status,
                if tail.is_empty() {
                    String::new()
                } else {
                    format!("; stderr: {}", tail.join(" | "))
                }
            ));
        }
        protocol::response(&done.stdout).map_err(|e| format!("{what}: {e}"))
    }
}

struct Instance {
    plugin: Arc<ExternalPlugin>,
    config: serde_json::Value,
}

impl SloPlugin for Instance {
    fn process(&self, req: &Request, rules: &mut SloRules) -> Result<(), String> {
        let input = protocol::request(&self.plugin.id, &self.config, req, rules);
        *rules = self.plugin.run(input)?;
        Ok(())
    }
}

/// The message for a chain that uses a Go SLO plugin.
pub fn go_plugin_message(id: &str, path: &Path) -> String {
    format!(
        "plugin {id:?} is a Go SLO plugin ({}): slogen cannot run Go plugins; port it to an \
         executable plugin: a slo-plugin.yaml manifest with `version: {}`, `id: {id}` and a \
         `command` that reads the JSON request on stdin and writes the rules on stdout (see \
         docs/plugins.md)",
        path.display(),
        protocol::VERSION
    )
}

/// IDs of plugins found more than once, for the duplicate check: (id, first, second).
pub(super) fn first_duplicate<'a>(
    plugins: impl IntoIterator<Item = (&'a str, &'a Path)>,
) -> Option<(String, PathBuf, PathBuf)> {
    let mut seen: BTreeMap<&str, &Path> = BTreeMap::new();
    for (id, path) in plugins {
        if let Some(first) = seen.insert(id, path) {
            return Some((id.to_string(), first.to_path_buf(), path.to_path_buf()));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_slo_plugin_ids() {
        let go = "package plugin\nconst (\n\tPluginVersion = \"prometheus/slo/v1\"\n\tPluginID      = \"team/x\"\n)\n";
        assert_eq!(go_slo_plugin_id(go).as_deref(), Some("team/x"));
        // SLI plugins and k8s transform plugins are not SLO plugins.
        assert_eq!(
            go_slo_plugin_id(
                "const SLIPluginVersion = \"prometheus/v1\"\nconst SLIPluginID = \"a\""
            ),
            None
        );
        assert_eq!(
            go_slo_plugin_id(
                "const PluginVersion = \"prometheus/k8stransform/v1\"\nconst PluginID = \"a\""
            ),
            None
        );
    }

    #[test]
    fn manifests() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("p.sh"), "#!/bin/sh\n").unwrap();
        let m = dir.path().join("slo-plugin.yaml");
        let p = ExternalPlugin::from_manifest(
            &m,
            "version: slogen/slo-plugin/v1\nid: a/b\ncommand: [./p.sh, x]\ntimeout: 2s\n",
        )
        .unwrap();
        assert_eq!(p.id, "a/b");
        assert_eq!(p.program, dir.path().join("./p.sh"));
        assert_eq!(p.args, ["x"]);
        assert_eq!(p.timeout, Duration::parse("2s").unwrap());
        let p = ExternalPlugin::from_manifest(
            &m,
            "version: slogen/slo-plugin/v1\nid: a/b\ncommand: python3\n",
        )
        .unwrap();
        assert_eq!(p.program, PathBuf::from("python3"));
        assert_eq!(p.timeout, DEFAULT_TIMEOUT);
        let err = |t: &str| ExternalPlugin::from_manifest(&m, t).unwrap_err();
        assert!(err("version: x\n").contains("version must be"));
        assert!(err("version: slogen/slo-plugin/v1\ncommand: x\n").contains("id is required"));
        assert!(err("version: slogen/slo-plugin/v1\nid: a\n").contains("command is required"));
        assert!(
            err("version: slogen/slo-plugin/v1\nid: a\ncommand: [./missing]\n")
                .contains("does not exist")
        );
        assert!(
            err("version: slogen/slo-plugin/v1\nid: a\ncommand: x\ntimeout: 0s\n")
                .contains("positive duration")
        );
    }
}
