//! Reading the configs of slogen's SLO plugins: every problem, each with the path of the key
//! it is about, so that the spec reader can point at the line and column.

use std::fmt;

use serde_json::{Map, Value};

use crate::duration::Duration;

/// One problem in a plugin config.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigProblem {
    /// Keys from the config's root to the offending value; empty for the config itself.
    pub path: Vec<String>,
    /// True when the key itself is wrong (unknown), not its value.
    pub on_key: bool,
    pub message: String,
}

impl fmt::Display for ConfigProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "config.{}: {}", self.path.join("."), self.message)
        }
    }
}

/// Collects problems while a config is read.
#[derive(Debug, Default)]
pub struct Reader {
    pub problems: Vec<ConfigProblem>,
}

impl Reader {
    fn push(&mut self, path: &[&str], on_key: bool, message: String) {
        self.problems.push(ConfigProblem {
            path: path.iter().map(|s| s.to_string()).collect(),
            on_key,
            message,
        });
    }

    /// The config as a map whose keys are all `known`; `null` (no config) is an empty map.
    pub fn object<'a>(&mut self, v: &'a Value, known: &[&str]) -> Option<&'a Map<String, Value>> {
        static EMPTY: std::sync::LazyLock<Map<String, Value>> = std::sync::LazyLock::new(Map::new);
        let map = match v {
            Value::Null => return Some(&EMPTY),
            Value::Object(m) => m,
            other => {
                self.push(
                    &[],
                    false,
                    format!("config must be a map, found {}", json_type(other)),
                );
                return None;
            }
        };
        for key in map.keys() {
            if !known.contains(&key.as_str()) {
                let hint = if known.is_empty() {
                    "this plugin takes no config".to_string()
                } else {
                    format!("known keys: {}", known.join(", "))
                };
                self.push(&[key], true, format!("unknown key {key:?} ({hint})"));
            }
        }
        Some(map)
    }

    /// An optional Prometheus duration written as a string (`5m`); zero when absent.
    pub fn duration(&mut self, map: &Map<String, Value>, key: &str) -> Option<Duration> {
        match map.get(key) {
            None | Some(Value::Null) => Some(Duration::default()),
            Some(Value::String(s)) => match Duration::parse(s) {
                Ok(d) => Some(d),
                Err(e) => {
                    self.push(&[key], false, e.to_string());
                    None
                }
            },
            Some(other) => {
                self.push(
                    &[key],
                    false,
                    format!(
                        "must be a duration string such as \"5m\", found {}",
                        json_type(other)
                    ),
                );
                None
            }
        }
    }

    /// A required number at least zero.
    pub fn non_negative(&mut self, map: &Map<String, Value>, key: &str) -> Option<f64> {
        match map.get(key) {
            None | Some(Value::Null) => {
                self.push(
                    &[],
                    false,
                    format!("{key} is required (a number of events, at least 0)"),
                );
                None
            }
            Some(Value::Number(n)) => match n.as_f64() {
                Some(x) if x >= 0.0 && x.is_finite() => Some(x),
                _ => {
                    self.push(&[key], false, format!("must be at least 0, found {n}"));
                    None
                }
            },
            Some(other) => {
                self.push(
                    &[key],
                    false,
                    format!("must be a number, found {}", json_type(other)),
                );
                None
            }
        }
    }

    /// The collected problems as one message, for a plugin that fails while planning.
    pub fn finish<T>(self, value: Option<T>) -> Result<T, String> {
        match (value, self.problems.is_empty()) {
            (Some(v), true) => Ok(v),
            _ => Err(self
                .problems
                .iter()
                .map(|p| p.to_string())
                .collect::<Vec<_>>()
                .join("; ")),
        }
    }
}

fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a map",
    }
}

/// Every problem in the config of a plugin that takes none (an empty object, or nothing).
pub fn check_none(v: &Value) -> Vec<ConfigProblem> {
    let mut r = Reader::default();
    r.object(v, &[]);
    r.problems
}

/// `plugin`, once its config is found empty as a plugin that takes none wants it.
pub fn without_config<P>(v: &Value, plugin: P) -> Result<P, String> {
    let mut r = Reader::default();
    r.object(v, &[]);
    r.finish(Some(plugin))
}
