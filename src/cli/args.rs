//! Flags shared by Sloth-compatible commands, and the kingpin behaviours clap lacks.
//!
//! compat(sloth): Sloth's CLI (kingpin) reads every flag from `SLOTH_<FLAG>` when it is not
//! given, splits repeatable flags' environment values on newlines, accepts `-l k:v` as well as
//! `-l k=v`, and expands `@file` arguments (sloth-cli-validation.md §1.1). Each is a small
//! named step here, applied before or after clap.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::path::PathBuf;

use anyhow::{bail, Context};
use clap::Args;

use crate::duration::Duration;
use crate::model::PluginDecl;
use crate::pipeline::Generator;
use crate::plan::SloPlugins;
use crate::plugins::sli::SliPlugins;
use crate::spec::windows::WindowCatalog;

/// Sloth's global flags; accepted for compatibility.
#[derive(Debug, Clone, Args, Default)]
pub struct GlobalFlags {
    /// Enable debug logging.
    #[arg(long, global = true, env = "SLOTH_DEBUG", hide = true)]
    pub debug: bool,
    /// Disable logging.
    #[arg(long, global = true, env = "SLOTH_NO_LOG", hide = true)]
    pub no_log: bool,
    /// Disable colour in output (NO_COLOR is honoured too).
    #[arg(long, global = true, env = "SLOTH_NO_COLOR")]
    pub no_color: bool,
    /// Log format (default or json); accepted for Sloth compatibility.
    #[arg(long, global = true, env = "SLOTH_LOGGER", hide = true)]
    pub logger: Option<String>,
}

/// The flags that shape generation, shared by `generate`, `validate` and `lint`.
#[derive(Debug, Clone, Args, Default)]
pub struct GenFlags {
    /// Extra labels added to every SLO, overriding spec labels (repeatable, `k=v` or `k:v`).
    #[arg(short = 'l', long = "extra-labels", value_name = "KEY=VALUE")]
    pub extra_labels: Vec<String>,
    /// Folders with user plugins (repeatable; searched recursively).
    #[arg(short = 'p', long = "plugins-path", value_name = "DIR")]
    pub plugins_path: Vec<PathBuf>,
    /// Folder of AlertWindows files; replaces the built-in catalog (30d, 28d, and 7d, 14d, 90d).
    #[arg(
        long = "slo-period-windows-path",
        env = "SLOTH_SLO_PERIOD_WINDOWS_PATH",
        value_name = "DIR"
    )]
    pub slo_period_windows_path: Option<PathBuf>,
    /// SLO period used by specs that do not set their own.
    #[arg(
        long = "default-slo-period",
        env = "SLOTH_DEFAULT_SLO_PERIOD",
        default_value = "30d",
        value_name = "DURATION"
    )]
    pub default_slo_period: String,
    /// SLO plugins added to every SLO, as JSON `{"id":…,"priority":N,"config":{…}}` (repeatable).
    #[arg(short = 's', long = "slo-plugins", value_name = "JSON")]
    pub slo_plugins: Vec<String>,
    /// Do not run the default plugin chain (validate, sli_rules, metadata_rules, alert_rules).
    #[arg(
        long = "disable-default-slo-plugins",
        env = "SLOTH_DISABLE_DEFAULT_SLO_PLUGINS"
    )]
    pub disable_default_slo_plugins: bool,
}

impl GenFlags {
    /// Fills repeatable flags from `SLOTH_*` variables when they were not given.
    pub fn apply_env(&mut self) {
        if self.extra_labels.is_empty() {
            self.extra_labels = env_lines("SLOTH_EXTRA_LABELS");
        }
        if self.plugins_path.is_empty() {
            self.plugins_path = env_lines("SLOTH_PLUGINS_PATH")
                .into_iter()
                .map(PathBuf::from)
                .collect();
        }
        if self.slo_plugins.is_empty() {
            self.slo_plugins = env_lines("SLOTH_SLO_PLUGINS");
        }
    }

    /// Builds the generator these flags describe.
    pub fn generator(&self) -> anyhow::Result<Generator> {
        let mut flags = self.clone();
        flags.apply_env();
        let default_period = Duration::parse(&flags.default_slo_period)
            .with_context(|| "invalid --default-slo-period".to_string())?;
        let catalog = match &flags.slo_period_windows_path {
            Some(dir) => WindowCatalog::load_dir(dir)
                .with_context(|| format!("loading alert windows from {}", dir.display()))?,
            None => WindowCatalog::builtin(),
        };
        if catalog.get(default_period).is_none() {
            let known: Vec<String> = catalog.periods().iter().map(|p| p.to_string()).collect();
            bail!(
                "invalid default slo period: window period {default_period} missing from the alert windows catalog (it has: {})",
                known.join(", ")
            );
        }
        let mut extra_labels = BTreeMap::new();
        for kv in &flags.extra_labels {
            let (k, v) = split_key_value(kv)?;
            extra_labels.insert(k, v);
        }
        let cli_plugins = flags
            .slo_plugins
            .iter()
            .map(|s| parse_plugin_decl(s))
            .collect::<anyhow::Result<Vec<_>>>()?;
        let sli_plugins = if flags.plugins_path.is_empty() {
            SliPlugins::builtin()
        } else {
            SliPlugins::load(&flags.plugins_path).context("loading SLI plugins")?
        };
        let slo_plugins = if flags.plugins_path.is_empty() {
            SloPlugins::builtin()
        } else {
            SloPlugins::load(&flags.plugins_path).context("loading SLO plugins")?
        };
        Ok(Generator {
            default_period,
            catalog,
            extra_labels,
            cli_plugins,
            disable_default_plugins: flags.disable_default_slo_plugins,
            sli_plugins,
            slo_plugins,
            ..Generator::default()
        })
    }
}

/// compat(sloth): kingpin map flags split at the first `:` or `=`.
pub fn split_key_value(kv: &str) -> anyhow::Result<(String, String)> {
    match kv.find([':', '=']) {
        Some(i) => Ok((kv[..i].to_string(), kv[i + 1..].to_string())),
        None => bail!("expected KEY=VALUE got '{kv}'"),
    }
}

/// Parses one `-s/--slo-plugins` JSON declaration.
pub fn parse_plugin_decl(s: &str) -> anyhow::Result<PluginDecl> {
    #[derive(serde::Deserialize)]
    struct Decl {
        id: String,
        #[serde(default)]
        priority: i64,
        #[serde(default)]
        config: serde_json::Value,
    }
    let d: Decl = serde_json::from_str(s).with_context(|| {
        format!("invalid --slo-plugins value {s:?}: expected JSON like {{\"id\":\"sloth.dev/core/noop/v1\",\"priority\":0,\"config\":{{}}}}")
    })?;
    if let Some(problems) = crate::plan::plugins::slogen::check_config(&d.id, &d.config) {
        let mut all: Vec<String> = problems.iter().map(|p| p.to_string()).collect();
        if d.priority < 0 {
            all.push(format!(
                "priority must be 0 or more (found {}): the plugin edits the default plugins' rules",
                d.priority
            ));
        }
        if !all.is_empty() {
            bail!("invalid --slo-plugins {}: {} [V018]", d.id, all.join("; "));
        }
    }
    Ok(PluginDecl {
        id: d.id,
        config: d.config,
        priority: d.priority,
    })
}

fn env_lines(name: &str) -> Vec<String> {
    let Ok(v) = std::env::var(name) else {
        return Vec::new();
    };
    let v = v.strip_suffix('\n').unwrap_or(&v);
    let v = v.strip_suffix('\r').unwrap_or(v);
    if v.is_empty() {
        return Vec::new();
    }
    v.split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l).to_string())
        .collect()
}

/// compat(sloth): kingpin expands an argument `@path` into the file's lines.
pub fn expand_argv(argv: Vec<OsString>) -> anyhow::Result<Vec<OsString>> {
    let mut out = Vec::with_capacity(argv.len());
    for (i, a) in argv.into_iter().enumerate() {
        let s = a.to_string_lossy();
        if i > 0 && s.len() > 1 && s.starts_with('@') {
            let path = &s[1..];
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("expanding argument file {path}"))?;
            out.extend(text.lines().filter(|l| !l.is_empty()).map(OsString::from));
        } else {
            out.push(a);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_at_first_separator() {
        assert_eq!(split_key_value("a=b").unwrap(), ("a".into(), "b".into()));
        assert_eq!(
            split_key_value("a:b=c").unwrap(),
            ("a".into(), "b=c".into())
        );
        assert_eq!(
            split_key_value("a=b:c").unwrap(),
            ("a".into(), "b:c".into())
        );
        assert!(split_key_value("ab").is_err());
    }

    #[test]
    fn plugin_decl_json() {
        let d = parse_plugin_decl(r#"{"id":"x","priority":-1,"config":{"a":1}}"#).unwrap();
        assert_eq!(d.id, "x");
        assert_eq!(d.priority, -1);
        assert!(parse_plugin_decl("{").is_err());
    }
}
