//! Options of slogen's own SLI plugins: checked one by one, every problem reported with the
//! option it is about, so that `validate` and `lint` point at its line and column.

use std::collections::BTreeMap;

use promql_parser::parser::Expr;

/// One problem with an SLI plugin's options.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OptionProblem {
    /// The option; `None` for the options as a whole (a required one is missing).
    pub option: Option<String>,
    /// True when the option's name is wrong (unknown), not its value.
    pub on_key: bool,
    pub message: String,
}

/// Reads options, collecting problems.
pub(super) struct Options<'a> {
    map: &'a BTreeMap<String, String>,
    pub problems: Vec<OptionProblem>,
}

impl<'a> Options<'a> {
    /// Reads `map`, reporting every option not in `known`.
    pub fn new(map: &'a BTreeMap<String, String>, known: &[&str]) -> Self {
        let mut o = Options {
            map,
            problems: Vec::new(),
        };
        for k in map.keys() {
            if !known.contains(&k.as_str()) {
                o.problems.push(OptionProblem {
                    option: Some(k.clone()),
                    on_key: true,
                    message: format!("unknown option {k:?} (known options: {})", known.join(", ")),
                });
            }
        }
        o
    }

    pub fn problem(&mut self, option: &str, message: String) {
        self.problems.push(OptionProblem {
            option: Some(option.to_string()),
            on_key: false,
            message,
        });
    }

    /// A required, non-empty option.
    pub fn required(&mut self, key: &str, what: &str) -> Option<&'a str> {
        match self.map.get(key).map(|s| s.trim()) {
            Some(v) if !v.is_empty() => Some(v),
            Some(_) => {
                self.problem(key, format!("{key} must not be empty: {what}"));
                None
            }
            None => {
                self.problems.push(OptionProblem {
                    option: None,
                    on_key: false,
                    message: format!("option {key:?} is required: {what}"),
                });
                None
            }
        }
    }

    /// The `metric` option: a metric name.
    pub fn metric(&mut self, what: &str) -> Option<&'a str> {
        let m = self.required("metric", what)?;
        let valid = m.chars().enumerate().all(|(i, c)| {
            c.is_ascii_alphabetic() || c == '_' || c == ':' || (i > 0 && c.is_ascii_digit())
        });
        if !valid {
            self.problem("metric", format!("{m:?} is not a metric name"));
            return None;
        }
        Some(m)
    }

    /// The optional `selector` option: label matchers such as `job="api",code!~"5.."`, with or
    /// without braces. `Some("")` when absent.
    pub fn selector(&mut self) -> Option<String> {
        let Some(raw) = self.map.get("selector") else {
            return Some(String::new());
        };
        let inner = raw
            .trim()
            .trim_start_matches('{')
            .trim_end_matches('}')
            .trim();
        let inner = inner.trim_matches(',').trim();
        if inner.is_empty() {
            return Some(String::new());
        }
        match crate::promql::parse(&format!("m{{{inner}}}")) {
            Ok(Expr::VectorSelector(_)) => Some(inner.to_string()),
            Ok(_) => {
                self.problem(
                    "selector",
                    format!("{raw:?} is not a list of label matchers"),
                );
                None
            }
            Err(e) => {
                self.problem(
                    "selector",
                    format!("{raw:?} is not a list of label matchers such as job=\"api\",code!~\"5..\": {e}"),
                );
                None
            }
        }
    }

    /// An optional boolean written `"true"` or `"false"`.
    pub fn boolean(&mut self, key: &str) -> Option<bool> {
        match self.map.get(key).map(|s| s.trim()) {
            None | Some("false") => Some(false),
            Some("true") => Some(true),
            Some(other) => {
                self.problem(
                    key,
                    format!("must be \"true\" or \"false\", found {other:?}"),
                );
                None
            }
        }
    }

    /// The queries built by `f`, or the problems.
    pub fn finish<T>(self, value: Option<T>) -> Result<T, Vec<OptionProblem>> {
        match value {
            Some(v) if self.problems.is_empty() => Ok(v),
            _ => Err(self.problems),
        }
    }
}

/// `{sel}` or nothing, with `extra` matchers appended.
pub(super) fn braces(sel: &str, extra: &str) -> String {
    match (sel.is_empty(), extra.is_empty()) {
        (true, true) => String::new(),
        (false, true) => format!("{{{sel}}}"),
        (true, false) => format!("{{{extra}}}"),
        (false, false) => format!("{{{sel},{extra}}}"),
    }
}
