//! User SLI plugins without Go: YAML files holding a minijinja template (documented with a
//! worked example in `docs/plugins.md`).
//!
//! A plugin path (`-p/--plugins-path`, repeatable) is searched recursively, in file-name order;
//! directories whose name starts with `..` are skipped, as Sloth does (git-sync and ConfigMap
//! mounts). Symbolic links to files are read; symbolic links to directories are not followed.
//!
//! - A file whose name ends with `plugin.yaml` or `plugin.yml` (`plugin.yaml`,
//!   `my-plugin.yaml`, `availability.sli-plugin.yaml`…) is a template plugin when its `version`
//!   is `slogen/sli-plugin/v1`:
//!
//!   ```yaml
//!   version: slogen/sli-plugin/v1
//!   id: my-team/http/availability      # the ID that `sli.plugin.id` uses
//!   description: optional free text
//!   required_options: [job]            # each must be present (it may be empty)
//!   required_labels: [owner]           # each must be present and non-empty
//!   template: |-
//!     sum(rate(http_errors_total{job="{{ options.job }}"}[{{ window }}]))
//!     /
//!     sum(rate(http_requests_total{job="{{ options.job }}"}[{{ window }}]))
//!   ```
//!
//!   The template is rendered with `options`, `labels` (spec-level labels), `meta` (`service`,
//!   `slo`, `objective`) and `window`, which is the text `{{.window}}` that Sloth's SLI
//!   templates expect (or write `{% raw %}{{ .window }}{% endraw %}`). Printing an undefined
//!   value is an error. `fail("message")` aborts with that message as the plugin's error;
//!   `value is search(regex)` tests for an unanchored regex match. The output is exactly the
//!   rendered text: trailing newlines are kept (use `|-` to have none).
//!   A missing required option gives `<name> options is required`, a missing label
//!   `invalid labels: "<name>" label is required`, as in Sloth's example Go plugin.
//!   Files with another `version` are left to other plugin kinds (noted in `skipped`).
//! - A file whose path matches Sloth's `plugin.go$` is a Go plugin: slogen reads its
//!   `SLIPluginID` so that calling that ID explains how to port it.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use minijinja::{AutoEscape, Environment, Error, ErrorKind, UndefinedBehavior, Value};
use regex::Regex;
use yaml_rust2::{Yaml, YamlLoader};

use super::{SliPluginCall, SliPluginError};
use crate::gofmt::quote_go;

/// The `version` of a template SLI plugin file.
pub const VERSION: &str = "slogen/sli-plugin/v1";

/// What the `window` template variable renders as.
const WINDOW: &str = "{{.window}}";

/// A template SLI plugin loaded from a YAML file.
#[derive(Debug)]
pub struct TemplatePlugin {
    id: String,
    path: PathBuf,
    description: Option<String>,
    required_options: Vec<String>,
    required_labels: Vec<String>,
    env: Environment<'static>,
}

/// One plugin-looking file found on a plugin path.
#[derive(Debug)]
pub(crate) enum Found {
    Template(Box<TemplatePlugin>),
    /// A Go plugin file, with its `SLIPluginID` when it declares one.
    Go {
        path: PathBuf,
        id: Option<String>,
    },
    Skipped {
        path: PathBuf,
        reason: String,
    },
}

thread_local! {
    /// The message of the `fail()` call that aborted the current render.
    static FAILED: RefCell<Option<String>> = const { RefCell::new(None) };
}

impl TemplatePlugin {
    /// Parses a plugin file. `Ok(Err(reason))` when the YAML is not a template SLI plugin (no
    /// `version`, or another kind's); `Err` when it is one but is invalid.
    pub fn from_yaml(path: &Path, text: &str) -> Result<Result<Self, String>, SliPluginError> {
        let load_err = |message: String| SliPluginError::Load {
            path: path.to_path_buf(),
            message,
        };
        let docs =
            YamlLoader::load_from_str(text).map_err(|e| load_err(format!("invalid YAML: {e}")))?;
        let doc = match docs.as_slice() {
            [doc] => doc,
            [] => return Ok(Err("empty file".to_string())),
            _ => return Ok(Err("several YAML documents".to_string())),
        };
        let Yaml::Hash(map) = doc else {
            return Ok(Err("not a YAML mapping".to_string()));
        };
        match map.get(&Yaml::String("version".to_string())) {
            Some(Yaml::String(v)) if v == VERSION => {}
            Some(Yaml::String(v)) if v.starts_with("slogen/sli-plugin/") => {
                return Err(load_err(format!(
                    "unsupported version {v:?}, expected {VERSION:?}"
                )))
            }
            Some(v) => return Ok(Err(format!("version {v:?} is not {VERSION:?}"))),
            None => return Ok(Err("no version field".to_string())),
        }

        let mut id = None;
        let mut description = None;
        let mut template = None;
        let mut required_options = Vec::new();
        let mut required_labels = Vec::new();
        for (key, value) in map {
            let key = match key {
                Yaml::String(k) => k.as_str(),
                other => return Err(load_err(format!("invalid key {other:?}"))),
            };
            let string = |value: &Yaml| match value {
                Yaml::String(s) => Ok(s.clone()),
                _ => Err(load_err(format!("{key} must be a string"))),
            };
            match key {
                "version" => {}
                "id" => id = Some(string(value)?),
                "description" => description = Some(string(value)?),
                "template" => template = Some(string(value)?),
                "required_options" | "required_labels" => {
                    let list = match value {
                        Yaml::Array(items) => {
                            items.iter().map(string).collect::<Result<Vec<_>, _>>()?
                        }
                        Yaml::Null => Vec::new(),
                        _ => return Err(load_err(format!("{key} must be a list of strings"))),
                    };
                    if key == "required_options" {
                        required_options = list;
                    } else {
                        required_labels = list;
                    }
                }
                other => {
                    return Err(load_err(format!(
                        "unknown field {other:?} (expected version, id, description, \
                         required_options, required_labels, template)"
                    )))
                }
            }
        }
        let id = id
            .filter(|id| !id.is_empty())
            .ok_or_else(|| load_err("missing id".to_string()))?;
        let template = template.ok_or_else(|| load_err("missing template".to_string()))?;

        let mut env = Environment::new();
        env.set_keep_trailing_newline(true);
        env.set_undefined_behavior(UndefinedBehavior::SemiStrict);
        env.set_auto_escape_callback(|_| AutoEscape::None);
        env.add_function("fail", fail);
        env.add_test("search", search);
        env.add_template_owned(path.display().to_string(), template)
            .map_err(|e| load_err(format!("invalid template: {e}")))?;

        Ok(Ok(TemplatePlugin {
            id,
            path: path.to_path_buf(),
            description,
            required_options,
            required_labels,
            env,
        }))
    }

    pub fn id(&self) -> &str {
        &self.id
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn description(&self) -> Option<&str> {
        self.description.as_deref()
    }

    /// Runs the plugin; `Err` is the plugin's error text.
    pub fn call(&self, call: &SliPluginCall<'_>) -> Result<String, String> {
        for option in &self.required_options {
            if !call.options.contains_key(option) {
                return Err(format!("{option} options is required"));
            }
        }
        for label in &self.required_labels {
            if call.labels.get(label).is_none_or(|v| v.is_empty()) {
                return Err(format!(
                    "invalid labels: {} label is required",
                    quote_go(label)
                ));
            }
        }
        let meta: BTreeMap<&str, &str> = [
            ("service", call.service),
            ("slo", call.slo),
            ("objective", call.objective),
        ]
        .into_iter()
        .collect();
        let ctx = minijinja::context! {
            options => call.options,
            labels => call.labels,
            meta => meta,
            window => WINDOW,
        };
        FAILED.with(|f| f.borrow_mut().take());
        let rendered = self
            .env
            .get_template(&self.path.display().to_string())
            .and_then(|t| t.render(ctx));
        let failed = FAILED.with(|f| f.borrow_mut().take());
        rendered.map_err(|e| failed.unwrap_or_else(|| format!("could not execute template: {e}")))
    }
}

/// `fail(message)`: aborts the render; the message becomes the plugin's error.
fn fail(message: String) -> Result<Value, Error> {
    FAILED.with(|f| *f.borrow_mut() = Some(message.clone()));
    Err(Error::new(ErrorKind::InvalidOperation, message))
}

/// `value is search(regex)`: whether the regex matches anywhere in the value.
fn search(value: &str, pattern: &str) -> Result<bool, Error> {
    let re = Regex::new(pattern).map_err(|e| {
        Error::new(
            ErrorKind::InvalidOperation,
            format!("invalid regex {pattern:?}: {e}"),
        )
    })?;
    Ok(re.is_match(value))
}

/// Sloth's rule for Go plugin files, applied to the path relative to the plugin path.
static GO_PLUGIN_FILE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new("plugin.go$").expect("valid regex"));

static GO_SLI_PLUGIN_ID: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"\bSLIPluginID\s*(?:string\s*)?=\s*(?:"((?:[^"\\\n]|\\.)*)"|`([^`]*)`)"#)
        .expect("valid regex")
});

/// The `SLIPluginID` constant of a Go SLI plugin source, if it declares one.
pub(crate) fn go_sli_plugin_id(source: &str) -> Option<String> {
    let caps = GO_SLI_PLUGIN_ID.captures(source)?;
    if let Some(raw) = caps.get(2) {
        return Some(raw.as_str().to_string());
    }
    let quoted = caps.get(1)?.as_str();
    // Plugin IDs have no escapes in practice; undo the simple ones.
    Some(quoted.replace("\\\"", "\"").replace("\\\\", "\\"))
}

fn is_template_file(name: &str) -> bool {
    name.ends_with("plugin.yaml") || name.ends_with("plugin.yml")
}

/// Finds the plugin files under `root`.
pub(crate) fn discover(root: &Path) -> Result<Vec<Found>, SliPluginError> {
    let load_err = |path: &Path, message: String| SliPluginError::Load {
        path: path.to_path_buf(),
        message,
    };
    std::fs::metadata(root).map_err(|e| load_err(root, format!("could not read: {e}")))?;
    let walker = walkdir::WalkDir::new(root)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            !(e.depth() > 0
                && e.file_type().is_dir()
                && e.file_name().to_string_lossy().starts_with(".."))
        });
    let mut found = Vec::new();
    for entry in walker {
        let entry = entry.map_err(|e| {
            let path = e.path().unwrap_or(root).to_path_buf();
            load_err(&path, format!("could not read: {e}"))
        })?;
        if entry.file_type().is_dir() {
            continue;
        }
        let path = entry.path();
        let name = entry.file_name().to_string_lossy();
        let relative = match path.strip_prefix(root) {
            Ok(rel) if !rel.as_os_str().is_empty() => rel.to_string_lossy().replace('\\', "/"),
            _ => name.to_string(),
        };
        let is_template = is_template_file(&name);
        let is_go = GO_PLUGIN_FILE.is_match(&relative);
        if !is_template && !is_go {
            continue;
        }
        if entry.path_is_symlink() && path.is_dir() {
            continue;
        }
        let bytes =
            std::fs::read(path).map_err(|e| load_err(path, format!("could not read: {e}")))?;
        let text = String::from_utf8_lossy(&bytes);
        if is_template {
            match TemplatePlugin::from_yaml(path, &text)? {
                Ok(plugin) => found.push(Found::Template(Box::new(plugin))),
                Err(reason) => found.push(Found::Skipped {
                    path: path.to_path_buf(),
                    reason: format!("not an SLI template plugin: {reason}"),
                }),
            }
        } else {
            found.push(Found::Go {
                path: path.to_path_buf(),
                id: go_sli_plugin_id(&text),
            });
        }
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::super::test_util::Input;
    use super::super::SliPlugins;
    use super::*;

    fn fixtures() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/sloth-plugins/sli")
    }

    fn plugin(text: &str) -> TemplatePlugin {
        TemplatePlugin::from_yaml(Path::new("test/plugin.yaml"), text)
            .unwrap()
            .unwrap()
    }

    const OWNER_TIER: &[(&str, &str)] = &[("owner", "myteam"), ("tier", "2")];

    fn expected(metric: &str, filter: &str, job: &str) -> String {
        format!(
            "\nsum(rate({metric}{{ {filter}job=\"{job}\",code=~\"(5..|429)\" }}[{{{{.window}}}}]))\n/\nsum(rate({metric}{{ {filter}job=\"{job}\" }}[{{{{.window}}}}]))"
        )
    }

    /// The two ports of Sloth's Go test plugins behave like the originals.
    #[test]
    fn ported_go_test_plugins() {
        let plugins = SliPlugins::load(&[fixtures()]).unwrap();
        for (id, metric) in [
            (
                "getting_started_availability",
                "http_request_duration_seconds_count",
            ),
            ("integration_test", "integration_test"),
        ] {
            let run = |options: &[(&str, &str)], labels: &[(&str, &str)]| {
                plugins
                    .call(id, &Input::new(options).labels(labels).call())
                    .map_err(|e| e.to_string())
            };
            assert_eq!(
                run(&[("job", "svc")], OWNER_TIER).unwrap(),
                expected(metric, "", "svc")
            );
            assert_eq!(
                run(&[("job", "svc"), ("filter", "")], OWNER_TIER).unwrap(),
                expected(metric, "", "svc")
            );
            assert_eq!(
                run(
                    &[("job", "svc"), ("filter", r#"{env="prod",team="a",}"#)],
                    OWNER_TIER
                )
                .unwrap(),
                expected(metric, r#"env="prod",team="a","#, "svc")
            );
            assert_eq!(
                run(&[("job", ""), ("filter", r#"{,x="y"}"#)], OWNER_TIER).unwrap(),
                expected(metric, r#"x="y","#, "")
            );
            assert_eq!(
                run(&[], OWNER_TIER).unwrap_err(),
                format!(r#"plugin "{id}" execution error: job options is required"#)
            );
            assert_eq!(
                run(&[("job", "svc")], &[("owner", "myteam")]).unwrap_err(),
                format!(
                    r#"plugin "{id}" execution error: invalid labels: "tier" label is required"#
                )
            );
            assert_eq!(
                run(&[("job", "svc")], &[("owner", ""), ("tier", "1")]).unwrap_err(),
                format!(
                    r#"plugin "{id}" execution error: invalid labels: "owner" label is required"#
                )
            );
            assert_eq!(
                run(&[("job", "svc"), ("filter", "{env}")], OWNER_TIER).unwrap_err(),
                format!(r#"plugin "{id}" execution error: invalid prometheus filter: env,"#)
            );
        }
    }

    #[test]
    fn template_variables_and_window() {
        let p = plugin(
            "version: slogen/sli-plugin/v1\nid: t\ntemplate: |\n  {{ meta.service }}/{{ meta.slo }}/{{ meta.objective }}/{{ labels.team }}/{{ options.o }}[{{ window }}]{% raw %}[{{ .window }}]{% endraw %}\n",
        );
        let input = Input::new(&[("o", "v")]).labels(&[("team", "a")]);
        assert_eq!(
            p.call(&input.call()).unwrap(),
            "svc/slo/99.900000/a/v[{{.window}}][{{ .window }}]\n"
        );
        assert_eq!(p.id(), "t");
    }

    #[test]
    fn template_errors() {
        let p = plugin(
            "version: slogen/sli-plugin/v1\nid: t\nrequired_options: [a]\ntemplate: \"{% if options.a == 'x' %}{{ fail('bad a: ' ~ options.a) }}{% endif %}{{ options.b }}\"\n",
        );
        assert_eq!(
            p.call(&Input::new(&[]).call()).unwrap_err(),
            "a options is required"
        );
        assert_eq!(
            p.call(&Input::new(&[("a", "x")]).call()).unwrap_err(),
            "bad a: x"
        );
        let err = p.call(&Input::new(&[("a", "y")]).call()).unwrap_err();
        assert!(
            err.starts_with("could not execute template: undefined value"),
            "{err}"
        );
    }

    #[test]
    fn invalid_plugin_files() {
        let load = |text: &str| TemplatePlugin::from_yaml(Path::new("p/plugin.yaml"), text);
        let err = |text: &str| load(text).unwrap_err().to_string();
        assert_eq!(
            err("version: slogen/sli-plugin/v1\ntemplate: x\n"),
            "could not load SLI plugin p/plugin.yaml: missing id"
        );
        assert_eq!(
            err("version: slogen/sli-plugin/v1\nid: x\n"),
            "could not load SLI plugin p/plugin.yaml: missing template"
        );
        assert!(
            err("version: slogen/sli-plugin/v1\nid: x\ntemplate: x\nextra: 1\n")
                .contains("unknown field \"extra\"")
        );
        assert!(
            err("version: slogen/sli-plugin/v1\nid: x\ntemplate: '{% if %}'\n")
                .contains("invalid template")
        );
        assert!(err("version: slogen/sli-plugin/v2\nid: x\ntemplate: x\n")
            .contains("unsupported version"));
        assert!(err("id: [\n").contains("invalid YAML"));
        // Other kinds of plugin files are not ours.
        assert!(load("version: slogen/slo-plugin/v1\nid: x\n")
            .unwrap()
            .is_err());
        assert!(load("id: x\n").unwrap().is_err());
    }

    #[test]
    fn go_plugin_ids() {
        assert_eq!(
            go_sli_plugin_id("const (\n\tSLIPluginVersion = \"prometheus/v1\"\n\tSLIPluginID      = \"a/b\"\n)\n"),
            Some("a/b".to_string())
        );
        assert_eq!(
            go_sli_plugin_id("const SLIPluginID = `raw`"),
            Some("raw".to_string())
        );
        assert_eq!(go_sli_plugin_id("const PluginID = \"slo\""), None);
    }

    #[test]
    fn loading_a_plugin_tree() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let write = |rel: &str, text: &str| {
            let path = root.join(rel);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        };
        let tpl = |id: &str| format!("version: slogen/sli-plugin/v1\nid: {id}\ntemplate: q-{id}\n");
        write("a/plugin.yaml", &tpl("team/a"));
        write("b/my.sli-plugin.yaml", &tpl("team/b"));
        write("..2024_01_01/plugin.yaml", &tpl("hidden"));
        write(
            "go/plugin.go",
            "package x\nconst SLIPluginID = \"team/go\"\n",
        );
        write(
            "go2/myplugin.go",
            "package x\nconst SLIPluginID = \"sloth-common/noop\"\n",
        );
        write(
            "go3/plugin.go",
            "package x\nconst SLIPluginID = \"team/a\"\n",
        );
        write(
            "go4/plugin_test.go",
            "package x\nconst SLIPluginID = \"team/test\"\n",
        );
        write("slo/plugin.yaml", "version: slogen/slo-plugin/v1\nid: x\n");
        write("other.yaml", "not: a plugin\n");

        let plugins = SliPlugins::load(&[root.to_path_buf()]).unwrap();
        let input = Input::new(&[]);
        assert_eq!(plugins.call("team/a", &input.call()).unwrap(), "q-team/a");
        assert_eq!(plugins.call("team/b", &input.call()).unwrap(), "q-team/b");
        assert!(matches!(
            plugins.call("hidden", &input.call()),
            Err(SliPluginError::NotFound { .. })
        ));
        assert!(matches!(
            plugins.call("team/test", &input.call()),
            Err(SliPluginError::NotFound { .. })
        ));
        match plugins.call("team/go", &input.call()) {
            Err(SliPluginError::GoPlugin { path, id }) => {
                assert_eq!(id.as_deref(), Some("team/go"));
                assert!(path.ends_with("go/plugin.go"));
            }
            other => panic!("unexpected {other:?}"),
        }
        // The built-in noop still runs although a Go file declares its ID.
        assert!(plugins.call("sloth-common/noop", &input.call()).is_ok());
        assert_eq!(plugins.ids().len(), 23);
        assert_eq!(plugins.go_plugins().count(), 1);
        // go2, go3 and slo/plugin.yaml are noted.
        assert_eq!(plugins.skipped().len(), 3, "{:?}", plugins.skipped());

        // The same ID twice is an error naming both files.
        write("c/plugin.yaml", &tpl("team/a"));
        let err = SliPlugins::load(&[root.to_path_buf()]).unwrap_err();
        let msg = err.to_string();
        assert!(
            msg.starts_with("plugin \"team/a\" already loaded: defined by "),
            "{msg}"
        );
        assert!(
            msg.contains("a/plugin.yaml") && msg.contains("c/plugin.yaml"),
            "{msg}"
        );

        // A built-in ID too.
        std::fs::remove_file(root.join("c/plugin.yaml")).unwrap();
        write("c/plugin.yaml", &tpl("sloth-common/noop"));
        let msg = SliPlugins::load(&[root.to_path_buf()])
            .unwrap_err()
            .to_string();
        assert!(msg.contains("slogen's built-in plugins"), "{msg}");

        let missing = SliPlugins::load(&[root.join("nope")]).unwrap_err();
        assert!(matches!(missing, SliPluginError::Load { .. }));
    }
}
