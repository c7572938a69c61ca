//! Project configuration of lint: `.slogen.toml`, table `[lint]`.
//!
//! ```toml
//! [lint]
//! disable = ["L008", "missing-description"]   # codes or names; "all" turns every rule off
//! enable = ["L013"]                            # turns rules back on after "all"
//! dialect = "metricsql"                        # default for --dialect
//! target = "mimir"                             # default for --target (L016)
//! max_query_length = "768h"                    # default for --max-query-length (L015)
//!
//! [lint.severity]                              # re-level: error, warning, info or off
//! L003 = "error"
//! ```
//!
//! This file only parses and applies; finding and reading the file is `cli`'s job.

use std::collections::{BTreeMap, BTreeSet};

use serde::Deserialize;

use super::registry;
use crate::diag::{Diagnostic, Severity};
use crate::duration::Duration;
use crate::emit::engine::Target;
use crate::model::Dialect;

/// The name slogen looks for, from the current folder upwards.
pub const FILE_NAME: &str = ".slogen.toml";

/// Lint settings of a project.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Config {
    /// Codes turned off.
    pub disabled: BTreeSet<&'static str>,
    /// Codes whose severity is changed.
    pub severity: BTreeMap<&'static str, Severity>,
    /// The query dialect, unless `--dialect` is given.
    pub dialect: Option<Dialect>,
    /// The ruler the rules are for (L016), unless `--target` is given.
    pub target: Option<Target>,
    /// The engine's max query length (L015), unless `--max-query-length` is given.
    pub max_query_length: Option<Duration>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    lint: Option<LintTable>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LintTable {
    #[serde(default)]
    disable: Vec<String>,
    #[serde(default)]
    enable: Vec<String>,
    #[serde(default)]
    severity: BTreeMap<String, String>,
    dialect: Option<String>,
    target: Option<String>,
    max_query_length: Option<String>,
}

/// Parses the text of a config file; the error names the bad entry.
pub fn parse(text: &str) -> Result<Config, String> {
    let file: File = toml::from_str(text).map_err(|e| e.to_string().trim_end().to_string())?;
    let Some(t) = file.lint else {
        return Ok(Config::default());
    };
    let mut c = Config::default();
    let all: Vec<&'static str> = registry::all().iter().map(|r| r.code).collect();
    for d in &t.disable {
        if d == "all" {
            c.disabled.extend(all.iter().copied());
        } else {
            c.disabled.insert(code(d)?);
        }
    }
    for e in &t.enable {
        c.disabled.remove(code(e)?);
    }
    for (k, v) in &t.severity {
        let k = code(k)?;
        if v == "off" {
            c.disabled.insert(k);
            continue;
        }
        let s = Severity::parse(v).ok_or_else(|| {
            format!("severity of {k}: expected error, warning, info or off, found {v:?}")
        })?;
        c.severity.insert(k, s);
    }
    c.dialect = match t.dialect.as_deref() {
        None => None,
        Some("promql") => Some(Dialect::PromQl),
        Some("metricsql") => Some(Dialect::MetricsQl),
        Some(other) => {
            return Err(format!(
                "dialect: expected promql or metricsql, found {other:?}"
            ))
        }
    };
    c.target = match t.target.as_deref() {
        None => None,
        Some("prometheus") => Some(Target::Prometheus),
        Some("vmalert") => Some(Target::Vmalert),
        Some("mimir") => Some(Target::Mimir),
        Some("thanos") => Some(Target::Thanos),
        Some(other) => {
            return Err(format!(
                "target: expected prometheus, vmalert, mimir or thanos, found {other:?}"
            ))
        }
    };
    c.max_query_length = match t.max_query_length.as_deref() {
        None => None,
        Some(s) => Some(
            Duration::parse(s)
                .ok()
                .filter(|d| !d.is_zero())
                .ok_or_else(|| {
                    format!("max_query_length: expected a duration such as \"768h\", found {s:?}")
                })?,
        ),
    };
    Ok(c)
}

fn code(s: &str) -> Result<&'static str, String> {
    registry::find(s).map(|r| r.code).ok_or_else(|| {
        format!("unknown rule {s:?} (see docs/rules.md or `slogen lint --explain CODE`)")
    })
}

impl Config {
    /// Drops disabled diagnostics and applies severity changes.
    pub fn apply(&self, diags: &mut Vec<Diagnostic>) {
        diags.retain(|d| !self.disabled.contains(d.code));
        for d in diags.iter_mut() {
            if let Some(s) = self.severity.get(d.code) {
                d.severity = *s;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_disable_enable_and_levels() {
        let c = parse(
            "[lint]\ndisable = [\"all\"]\nenable = [\"L005\", \"unknown-key\"]\ndialect = \"metricsql\"\n[lint.severity]\nL003 = \"error\"\nL013 = \"off\"\n",
        )
        .unwrap();
        assert!(!c.disabled.contains("L005") && !c.disabled.contains("L001"));
        assert!(c.disabled.contains("L013") && c.disabled.contains("V005"));
        assert_eq!(c.severity.get("L003"), Some(&Severity::Error));
        assert_eq!(c.dialect, Some(Dialect::MetricsQl));
        let c = parse("[lint]\ntarget = \"mimir\"\nmax_query_length = \"720h\"\n").unwrap();
        assert_eq!(c.target, Some(Target::Mimir));
        assert_eq!(c.max_query_length, Some(Duration::from_hours(720)));
        assert!(parse("[lint]\ntarget = \"cortex\"\n")
            .unwrap_err()
            .contains("cortex"));
        assert!(parse("[lint]\nmax_query_length = \"0\"\n").is_err());
    }

    #[test]
    fn refuses_unknown_codes_keys_and_levels() {
        assert!(parse("[lint]\ndisable = [\"L999\"]\n")
            .unwrap_err()
            .contains("L999"));
        assert!(parse("[lint]\ndisabled = []\n").is_err());
        assert!(parse("[lint.severity]\nL001 = \"fatal\"\n")
            .unwrap_err()
            .contains("fatal"));
        assert_eq!(parse("").unwrap(), Config::default());
    }
}
