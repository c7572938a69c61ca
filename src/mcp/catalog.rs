//! The SLO specs the server knows about, read from `-i DIR` at each request.
//!
//! Takes a directory of spec files and the command line's generation settings
//! ([`SpecSource`]); produces every SLO (through the same [`crate::pipeline::Generator`] as
//! `slogen generate`, so validation lives in one place), the generated rules of each file, and
//! the files that failed with their problems. Reading again on each call keeps answers in step
//! with edits; a spec directory is a few files and reads in microseconds. Never talks to
//! Prometheus.

use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;

use crate::model::Slo;
use crate::pipeline::Generator;
use crate::spec;

/// Where the specs come from and how they are read: the folder, the generator the command
/// line describes (`-l`, `-p`, `-s`, `--default-slo-period`, …) and its discovery filter
/// (`--fs-include`/`--fs-exclude`).
#[derive(Clone)]
pub struct SpecSource {
    pub dir: Option<PathBuf>,
    /// Builds the generator; called at each read, so plugin folders are read again too.
    pub generator: Arc<dyn Fn() -> Result<Generator, String> + Send + Sync>,
    /// True for a walked path (as `generate` names it) to keep.
    pub keep: Arc<dyn Fn(&str) -> bool + Send + Sync>,
}

impl SpecSource {
    /// The specs of `dir`, read with the default generator and no filter.
    pub fn dir(dir: impl Into<PathBuf>) -> SpecSource {
        SpecSource {
            dir: Some(dir.into()),
            ..SpecSource::default()
        }
    }
}

impl Default for SpecSource {
    fn default() -> Self {
        SpecSource {
            dir: None,
            generator: Arc::new(|| Ok(Generator::default())),
            keep: Arc::new(|_| true),
        }
    }
}

impl fmt::Debug for SpecSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SpecSource")
            .field("dir", &self.dir)
            .finish()
    }
}

/// One spec file and what it generated.
#[derive(Debug, Clone)]
pub(crate) struct SpecFile {
    /// Path relative to the spec directory, with `/` separators.
    pub name: String,
    pub text: String,
    /// The generated Prometheus rules, or every problem found, one per line.
    pub rules: Result<String, String>,
}

/// Every spec file of the directory and every valid SLO in them.
#[derive(Debug, Clone, Default)]
pub(crate) struct Catalog {
    pub files: Vec<SpecFile>,
    /// SLOs in file order, each with the name of its file.
    pub slos: Vec<(String, Slo)>,
}

/// Why an SLO could not be found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Lookup {
    UnknownService { known: Vec<String> },
    UnknownSlo { known: Vec<String> },
}

impl Catalog {
    /// Reads every `.yaml`/`.yml` file under `dir` (recursively, in path order). A file that does
    /// not generate is kept with its problems; it contributes no SLOs.
    pub(crate) fn load(source: &SpecSource) -> Result<Catalog, String> {
        let Some(dir) = source.dir.as_deref() else {
            return Ok(Catalog::default());
        };
        let generator = (source.generator)()?;
        let mut paths: Vec<PathBuf> = Vec::new();
        for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
            let entry =
                entry.map_err(|e| format!("reading spec directory {}: {e}", dir.display()))?;
            let p = entry.path();
            let yaml = p
                .extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| e.eq_ignore_ascii_case("yaml") || e.eq_ignore_ascii_case("yml"));
            let kept = p.to_str().is_some_and(|s| (source.keep)(s));
            if entry.file_type().is_file() && yaml && kept {
                paths.push(p.to_path_buf());
            }
        }
        let mut catalog = Catalog::default();
        for path in paths {
            let text = std::fs::read_to_string(&path)
                .map_err(|e| format!("reading spec file {}: {e}", path.display()))?;
            let rel = path.strip_prefix(dir).unwrap_or(&path);
            let name = rel.to_string_lossy().replace('\\', "/");
            let rules = generator
                .generate_file(&text)
                .map(|o| o.text)
                .map_err(|problems| {
                    let lines: Vec<String> = problems
                        .iter()
                        .map(|p| p.display(rel).to_string())
                        .collect();
                    lines.join("\n")
                });
            if rules.is_ok() {
                for doc in spec::split_documents(&text) {
                    if let Ok(group) = generator.lower_document(&doc) {
                        catalog
                            .slos
                            .extend(group.slos.into_iter().map(|s| (name.clone(), s)));
                    }
                }
            }
            catalog.files.push(SpecFile { name, text, rules });
        }
        Ok(catalog)
    }

    /// Service names in the specs, sorted, without duplicates.
    pub(crate) fn services(&self) -> Vec<String> {
        let mut v: Vec<String> = self.slos.iter().map(|(_, s)| s.service.clone()).collect();
        v.sort();
        v.dedup();
        v
    }

    /// The SLOs of `service`, or why there are none.
    pub(crate) fn service_slos(&self, service: &str) -> Result<Vec<&Slo>, Lookup> {
        let v: Vec<&Slo> = self
            .slos
            .iter()
            .map(|(_, s)| s)
            .filter(|s| s.service == service)
            .collect();
        if v.is_empty() {
            return Err(Lookup::UnknownService {
                known: self.services(),
            });
        }
        Ok(v)
    }

    /// One SLO of `service`, by name (`requests-availability`) or ID
    /// (`tr-web-requests-availability`).
    pub(crate) fn find(&self, service: &str, slo: &str) -> Result<&Slo, Lookup> {
        let slos = self.service_slos(service)?;
        if let Some(s) = slos.iter().find(|s| s.name == slo || s.id == slo) {
            return Ok(s);
        }
        Err(Lookup::UnknownSlo {
            known: slos.iter().map(|s| s.name.clone()).collect(),
        })
    }
}

impl Lookup {
    /// A message naming what was asked for and what exists.
    pub(crate) fn message(&self, service: &str, slo: Option<&str>) -> String {
        match self {
            Lookup::UnknownService { known } if known.is_empty() => format!(
                "unknown service {service:?}: no SLO specs are loaded (start slogen mcp with -i DIR)"
            ),
            Lookup::UnknownService { known } => format!(
                "unknown service {service:?}: not in the SLO specs (known services: {})",
                known.join(", ")
            ),
            Lookup::UnknownSlo { known } => format!(
                "unknown SLO {:?} of service {service:?} (its SLOs: {})",
                slo.unwrap_or(""),
                known.join(", ")
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn catalog() -> Catalog {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("slos");
        Catalog::load(&SpecSource::dir(dir)).expect("the repository's slos/ directory reads")
    }

    #[test]
    fn reads_the_example_specs() {
        let c = catalog();
        assert_eq!(c.services(), ["api-gateway", "tr-web"]);
        assert_eq!(c.files.len(), 2);
        assert!(c
            .files
            .iter()
            .all(|f| f.rules.as_ref().is_ok_and(|r| r.contains("sloth_slo_info"))));
        let s = c.find("tr-web", "requests-latency").expect("found by name");
        assert_eq!(s.objective, 99.0);
        assert_eq!(
            c.find("tr-web", "tr-web-requests-latency").map(|s| &s.id),
            Ok(&s.id)
        );
    }

    #[test]
    fn unknown_names_list_what_exists() {
        let c = catalog();
        let e = c.find("nope", "x").unwrap_err();
        assert_eq!(
            e.message("nope", Some("x")),
            "unknown service \"nope\": not in the SLO specs (known services: api-gateway, tr-web)"
        );
        let e = c.find("tr-web", "x").unwrap_err();
        assert_eq!(
            e.message("tr-web", Some("x")),
            "unknown SLO \"x\" of service \"tr-web\" (its SLOs: requests-availability, requests-latency)"
        );
    }
}
