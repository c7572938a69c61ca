//! `AlertWindows` files: the multi-window, multi-burn-rate catalogs, keyed by SLO period.
//!
//! Without `--slo-period-windows-path` the catalog is Sloth's two embedded files (Google's
//! workbook numbers for 30d and 28d, copied from Sloth v0.16.0 into `src/spec/windows/`).
//! With it, only the files found under that folder count (sloth-generation.md §4.1).
//!
//! An extension: without `--slo-period-windows-path` the catalogue also has 7d, 14d and 90d,
//! derived from the same Workbook parameters ([`derive`]). Specs on 28d or 30d are unaffected.

pub mod derive;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::read::{Coercion, Reader};
use super::SpecError;
use crate::duration::Duration;
use crate::source::Pos;
use crate::yaml::{self, Node, Resolved};

const GOOGLE_30D: &str = include_str!("windows/google-30d.yaml");
const GOOGLE_28D: &str = include_str!("windows/google-28d.yaml");

/// One alert window: a share of the error budget spent over a long and a short window.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Window {
    pub error_budget_percent: f64,
    pub short: Duration,
    pub long: Duration,
}

/// The four windows of an SLO period.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AlertWindows {
    pub period: Duration,
    pub page_quick: Window,
    pub page_slow: Window,
    pub ticket_quick: Window,
    pub ticket_slow: Window,
}

/// The catalog: alert windows by SLO period.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct WindowCatalog {
    by_period: BTreeMap<Duration, AlertWindows>,
}

/// A catalog file that could not be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}:{}: {}", path.display(), error.pos, error)]
pub struct WindowsError {
    pub path: PathBuf,
    pub error: SpecError,
}

impl WindowCatalog {
    /// Sloth's embedded catalog: google-30d and google-28d. Parsed once per process: every
    /// generator starts from it, and parsing it cost as much as a small spec.
    pub fn sloth_default() -> Self {
        static DEFAULT: std::sync::LazyLock<WindowCatalog> =
            std::sync::LazyLock::new(WindowCatalog::parse_embedded);
        DEFAULT.clone()
    }

    /// The catalogue used without `--slo-period-windows-path`: Sloth's 30d and 28d plus the
    /// derived 7d, 14d and 90d ([`derive`]).
    pub fn builtin() -> Self {
        static BUILTIN: std::sync::LazyLock<WindowCatalog> = std::sync::LazyLock::new(|| {
            let mut catalog = WindowCatalog::sloth_default();
            for days in derive::DERIVED_PERIODS {
                let windows = derive::derive(Duration::from_days(days));
                catalog.by_period.insert(windows.period, windows);
            }
            catalog
        });
        BUILTIN.clone()
    }

    fn parse_embedded() -> Self {
        let mut catalog = WindowCatalog::default();
        for (name, text) in [
            ("google-30d.yaml", GOOGLE_30D),
            ("google-28d.yaml", GOOGLE_28D),
        ] {
            let windows = parse(text).expect("embedded windows files are valid");
            catalog
                .insert(Path::new(name), windows)
                .expect("embedded windows files agree");
        }
        catalog
    }

    /// Every `.yaml`/`.yml` file found recursively under `dir`, in path order.
    pub fn load_dir(dir: &Path) -> Result<Self, WindowsError> {
        let io_err = |path: &Path, e: &dyn std::fmt::Display| WindowsError {
            path: path.to_path_buf(),
            error: SpecError {
                pos: Pos::default(),
                field: String::new(),
                message: format!("could not read: {e}"),
            },
        };
        let mut catalog = WindowCatalog::default();
        let mut files: Vec<PathBuf> = Vec::new();
        for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
            let entry = entry.map_err(|e| io_err(dir, &e))?;
            let p = entry.path();
            let ext = p.extension().and_then(|e| e.to_str()).unwrap_or("");
            if entry.file_type().is_file() && (ext == "yaml" || ext == "yml") {
                files.push(p.to_path_buf());
            }
        }
        for path in files {
            let text = std::fs::read_to_string(&path).map_err(|e| io_err(&path, &e))?;
            let windows = parse(&text).map_err(|error| WindowsError {
                path: path.clone(),
                error,
            })?;
            catalog.insert(&path, windows)?;
        }
        Ok(catalog)
    }

    fn insert(&mut self, path: &Path, windows: AlertWindows) -> Result<(), WindowsError> {
        if let Some(existing) = self.by_period.get(&windows.period) {
            if *existing != windows {
                return Err(WindowsError {
                    path: path.to_path_buf(),
                    error: SpecError {
                        pos: Pos::default(),
                        field: "spec.sloPeriod".into(),
                        message: format!(
                            "a different catalog for the {} period was already loaded",
                            windows.period
                        ),
                    },
                });
            }
        }
        self.by_period.insert(windows.period, windows);
        Ok(())
    }

    /// The windows for `period`, if the catalog has them.
    pub fn get(&self, period: Duration) -> Option<&AlertWindows> {
        self.by_period.get(&period)
    }

    /// The periods the catalog knows, shortest first.
    pub fn periods(&self) -> Vec<Duration> {
        self.by_period.keys().copied().collect()
    }
}

/// Parses one `AlertWindows` file.
pub fn parse(text: &str) -> Result<AlertWindows, SpecError> {
    let root = yaml::parse_documents(text, Pos::new(1, 1))
        .map_err(|e| SpecError {
            pos: e.pos,
            field: String::new(),
            message: format!("invalid YAML: {e}"),
        })?
        .into_iter()
        .next()
        .ok_or_else(|| SpecError {
            pos: Pos::new(1, 1),
            field: String::new(),
            message: "empty windows file".into(),
        })?;
    let mut r = Reader::new(Coercion::YamlV2);
    let api = r.string(&root, "apiVersion", "apiVersion");
    let kind = r.string(&root, "kind", "kind");
    if api.value != "sloth.slok.dev/v1" {
        return Err(SpecError {
            pos: api.pos,
            field: "apiVersion".into(),
            message: format!("must be sloth.slok.dev/v1, found {:?}", api.value),
        });
    }
    if kind.value != "AlertWindows" {
        return Err(SpecError {
            pos: kind.pos,
            field: "kind".into(),
            message: format!("must be AlertWindows, found {:?}", kind.value),
        });
    }
    let spec = r.get(&root, "spec").cloned().unwrap_or(root.clone());
    let period = duration(&mut r, &spec, "sloPeriod", "spec.sloPeriod");
    let window = |r: &mut Reader, sev: &str, speed: &str| -> Window {
        let field = format!("spec.{sev}.{speed}");
        let node = r
            .get(&spec, sev)
            .and_then(|s| r.get(s, speed))
            .cloned()
            .unwrap_or_else(|| spec.clone());
        let ebp = match r.get(&node, "errorBudgetPercent").and_then(Node::resolved) {
            Some(Resolved::Int(i)) => i as f64,
            Some(Resolved::Float(f)) => f,
            _ => 0.0,
        };
        let w = Window {
            error_budget_percent: ebp,
            short: duration(r, &node, "shortWindow", &format!("{field}.shortWindow")),
            long: duration(r, &node, "longWindow", &format!("{field}.longWindow")),
        };
        if w.error_budget_percent == 0.0 || w.short.is_zero() || w.long.is_zero() {
            r.error(
                node.pos,
                &field,
                "errorBudgetPercent, shortWindow and longWindow are all required and non-zero",
            );
        }
        w
    };
    let windows = AlertWindows {
        period,
        page_quick: window(&mut r, "page", "quick"),
        page_slow: window(&mut r, "page", "slow"),
        ticket_quick: window(&mut r, "ticket", "quick"),
        ticket_slow: window(&mut r, "ticket", "slow"),
    };
    if period.is_zero() {
        r.error(
            spec.pos,
            "spec.sloPeriod",
            "sloPeriod is required, e.g. 30d",
        );
    }
    match r.errors.into_iter().next() {
        Some(e) => Err(e),
        None => Ok(windows),
    }
}

fn duration(r: &mut Reader, node: &Node, key: &str, field: &str) -> Duration {
    let s = r.string(node, key, field);
    if s.value.is_empty() {
        return Duration::default();
    }
    match Duration::parse(&s.value) {
        Ok(d) => d,
        Err(e) => {
            r.error(s.pos, field, e.to_string());
            Duration::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_catalog_has_30d_and_28d() {
        let c = WindowCatalog::sloth_default();
        assert_eq!(
            c.periods(),
            vec![Duration::from_days(28), Duration::from_days(30)]
        );
        let w = c.get(Duration::from_days(30)).unwrap();
        assert_eq!(w.page_quick.error_budget_percent, 2.0);
        assert_eq!(w.ticket_slow.long, Duration::from_days(3));
    }

    #[test]
    fn builtin_catalog_adds_7d_14d_90d() {
        let c = WindowCatalog::builtin();
        let days: Vec<String> = c.periods().iter().map(|p| p.to_string()).collect();
        assert_eq!(days, ["1w", "2w", "4w", "30d", "90d"]);
        let sloth = WindowCatalog::sloth_default();
        for p in sloth.periods() {
            assert_eq!(c.get(p), sloth.get(p));
        }
    }

    #[test]
    fn reports_missing_window() {
        let text = "apiVersion: sloth.slok.dev/v1\nkind: AlertWindows\nspec:\n  sloPeriod: 7d\n";
        let err = parse(text).unwrap_err();
        assert!(err.field.starts_with("spec.page.quick"), "{err:?}");
    }
}
