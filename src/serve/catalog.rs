//! The SLO specs the server shows, read again when they change on disk.
//!
//! [`Catalog::build`] takes the spec files' texts and runs each through the same
//! [`Generator`] as `slogen generate` (so validation lives in one place): every valid SLO with
//! its file, line and generated rule groups, and every problem with its file, line and column.
//! [`Specs`] holds the current catalog and, at most once per interval, asks its loader for
//! the files again; when any text changed, the catalog is rebuilt. So an edit shows on the
//! next page without a restart, and a spec folder is never read more than once a second.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::emit;
use crate::model::Slo;
use crate::pipeline::Generator;
use crate::plan::{Plan, SloRules};
use crate::spec::SpecKind;

/// One spec file as the loader read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecFile {
    /// The path as discovered (`slos/tr-web.yaml`).
    pub path: String,
    /// Its text, or why it could not be read.
    pub text: Result<String, String>,
}

/// Finds and reads the spec files: `Err` when the input itself cannot be read.
pub type Loader = Arc<dyn Fn() -> Result<Vec<SpecFile>, String> + Send + Sync>;

/// One valid SLO of the specs.
#[derive(Debug, Clone)]
pub struct SpecSlo {
    pub slo: Slo,
    /// The spec file it is written in, and the line of its entry.
    pub file: String,
    pub line: usize,
    /// Its rules as generated.
    pub rules: SloRules,
    /// Its rule groups as Prometheus rules YAML, as `generate` writes them.
    pub rules_yaml: String,
}

/// Every SLO of the specs, and what kept the others out.
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    /// Spec files found.
    pub files: usize,
    /// SLOs in file order; an ID seen twice keeps its first.
    pub slos: Vec<SpecSlo>,
    /// One line per problem: `path:line:col: …`.
    pub problems: Vec<String>,
    /// Set when the input could not be read at all.
    pub error: Option<String>,
}

impl Catalog {
    /// Generates every file and gathers its SLOs and problems.
    pub fn build(files: &[SpecFile], generator: &Generator) -> Catalog {
        let mut c = Catalog {
            files: files.len(),
            ..Catalog::default()
        };
        let mut seen: BTreeMap<String, String> = BTreeMap::new();
        for f in files {
            let text = match &f.text {
                Ok(t) => t,
                Err(e) => {
                    c.problems.push(format!("{}: {e}", f.path));
                    continue;
                }
            };
            let path = Path::new(&f.path);
            if let Err(problems) = generator.generate_file(text) {
                c.problems
                    .extend(problems.iter().map(|p| p.display(path).to_string()));
                continue;
            }
            let planned = match crate::prove::plan_file(generator, text) {
                Ok(p) => p,
                Err(problems) => {
                    c.problems
                        .extend(problems.iter().map(|p| p.display(path).to_string()));
                    continue;
                }
            };
            for (group, plan) in planned {
                for slo in group.slos {
                    if let Some(first) = seen.get(&slo.id) {
                        c.problems.push(format!(
                            "{}:{}: SLO ID {:?} is already defined in {first}; this one is not shown",
                            f.path, slo.pos, slo.id
                        ));
                        continue;
                    }
                    seen.insert(slo.id.clone(), f.path.clone());
                    let rules = plan
                        .slos
                        .iter()
                        .find(|(id, _)| *id == slo.id)
                        .map(|(_, r)| r.clone())
                        .unwrap_or_default();
                    c.slos.push(SpecSlo {
                        rules_yaml: rules_yaml(&plan, &slo.id, &rules),
                        file: f.path.clone(),
                        line: slo.pos.line,
                        rules,
                        slo,
                    });
                }
            }
        }
        if c.files == 0 && c.error.is_none() {
            c.error = Some("no spec files found (files ending in .yml or .yaml)".into());
        }
        c
    }

    /// The SLO with this ID.
    pub fn find(&self, id: &str) -> Option<&SpecSlo> {
        self.slos.iter().find(|s| s.slo.id == id)
    }

    /// Ready when the specs load: the input reads, holds spec files, and every one generates.
    pub fn ready(&self) -> Result<(), String> {
        if let Some(e) = &self.error {
            return Err(format!("the specs do not load: {e}"));
        }
        match self.problems.as_slice() {
            [] => Ok(()),
            [one] => Err(format!("the specs do not load: {one}")),
            [first, rest @ ..] => Err(format!(
                "the specs do not load: {first} (and {} more problems)",
                rest.len()
            )),
        }
    }
}

/// One SLO's rule groups as a rules file, without the generated-file header.
fn rules_yaml(plan: &Plan, id: &str, rules: &SloRules) -> String {
    let one = Plan {
        kind: SpecKind::PrometheusV1,
        kube: None,
        info: plan.info.clone(),
        slos: vec![(id.to_string(), rules.clone())],
    };
    match emit::prometheus::document(&one) {
        Ok(text) => text
            .strip_prefix(&emit::header(&plan.info.version))
            .unwrap_or(&text)
            .to_string(),
        Err(e) => format!("# {e}\n"),
    }
}

/// The current catalog, rebuilt when the spec files change.
pub struct Specs {
    loader: Loader,
    generator: Generator,
    interval: Duration,
    state: Mutex<State>,
}

struct State {
    checked: Option<Instant>,
    files: Option<Result<Vec<SpecFile>, String>>,
    catalog: Arc<Catalog>,
}

impl Specs {
    /// Specs read through `loader`, looked at again at most once per `interval`.
    pub fn new(loader: Loader, generator: Generator, interval: Duration) -> Specs {
        Specs {
            loader,
            generator,
            interval,
            state: Mutex::new(State {
                checked: None,
                files: None,
                catalog: Arc::new(Catalog::default()),
            }),
        }
    }

    /// The catalog, after reading the files again if the interval has passed. Blocking (it
    /// reads files); call it off the async workers.
    pub fn current(&self) -> Arc<Catalog> {
        // A panic while building leaves the previous catalog in place; keep serving it.
        let mut st = self.state.lock().unwrap_or_else(|e| e.into_inner());
        if st.checked.is_some_and(|t| t.elapsed() < self.interval) {
            return st.catalog.clone();
        }
        let files = (self.loader)();
        st.checked = Some(Instant::now());
        if st.files.as_ref() != Some(&files) {
            let catalog = match &files {
                Ok(f) => Catalog::build(f, &self.generator),
                Err(e) => Catalog {
                    error: Some(e.clone()),
                    ..Catalog::default()
                },
            };
            st.catalog = Arc::new(catalog);
            st.files = Some(files);
        }
        st.catalog.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, text: &str) -> SpecFile {
        SpecFile {
            path: path.into(),
            text: Ok(text.into()),
        }
    }

    fn repo_spec(name: &str) -> SpecFile {
        let p = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("slos")
            .join(name);
        file(
            &format!("slos/{name}"),
            &std::fs::read_to_string(p).expect("the repository's spec"),
        )
    }

    #[test]
    fn reads_the_example_specs_with_lines_and_rules() {
        let c = Catalog::build(
            &[repo_spec("api-gateway.yaml"), repo_spec("tr-web.yaml")],
            &Generator::default(),
        );
        assert_eq!(c.ready(), Ok(()));
        let ids: Vec<&str> = c.slos.iter().map(|s| s.slo.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "api-gateway-requests-availability",
                "tr-web-requests-availability",
                "tr-web-requests-latency"
            ]
        );
        let latency = c.find("tr-web-requests-latency").expect("found");
        assert_eq!(
            (latency.file.as_str(), latency.line),
            ("slos/tr-web.yaml", 30)
        );
        assert!(latency
            .rules_yaml
            .starts_with("groups:\n- name: sloth-slo-sli-recordings-tr-web-requests-latency\n"));
        assert!(!latency.rules_yaml.contains("requests-availability"));
        assert_eq!(latency.rules.groups().count(), 3);
    }

    #[test]
    fn problems_name_the_file_line_and_field() {
        let bad = file(
            "slos/bad.yaml",
            "version: \"prometheus/v1\"\nservice: \"bad-svc\"\nslos:\n  - name: \"bad-slo\"\n    objective: 140\n    sli:\n      raw:\n        error_ratio_query: sum(rate(x[{{.window}}]))\n    alerting:\n      page_alert:\n        disable: true\n      ticket_alert:\n        disable: true\n",
        );
        let c = Catalog::build(&[bad, repo_spec("tr-web.yaml")], &Generator::default());
        assert_eq!(c.slos.len(), 2, "the good file still shows");
        assert_eq!(c.problems.len(), 1, "{:?}", c.problems);
        assert!(
            c.problems[0].starts_with("slos/bad.yaml:5:"),
            "{}",
            c.problems[0]
        );
        assert!(c.problems[0].contains("objective"), "{}", c.problems[0]);
        let why = c.ready().unwrap_err();
        assert!(
            why.starts_with("the specs do not load: slos/bad.yaml:5:"),
            "{why}"
        );
        let unreadable = Catalog::build(
            &[SpecFile {
                path: "slos/x.yaml".into(),
                text: Err("permission denied".into()),
            }],
            &Generator::default(),
        );
        assert_eq!(unreadable.problems, ["slos/x.yaml: permission denied"]);
    }

    #[test]
    fn duplicate_ids_keep_the_first() {
        let c = Catalog::build(
            &[repo_spec("tr-web.yaml"), {
                let mut f = repo_spec("tr-web.yaml");
                f.path = "slos/copy.yaml".into();
                f
            }],
            &Generator::default(),
        );
        assert_eq!(c.slos.len(), 2);
        assert_eq!(c.problems.len(), 2);
        assert!(c.problems[0].contains("already defined in slos/tr-web.yaml"));
    }

    #[test]
    fn specs_reload_when_a_file_changes() {
        let text = Arc::new(Mutex::new(repo_spec("tr-web.yaml")));
        let reads = Arc::new(Mutex::new(0));
        let (t, r) = (text.clone(), reads.clone());
        let loader: Loader = Arc::new(move || {
            *r.lock().unwrap() += 1;
            Ok(vec![t.lock().unwrap().clone()])
        });
        let specs = Specs::new(loader, Generator::default(), Duration::ZERO);
        let first = specs.current();
        assert_eq!(first.slos.len(), 2);
        let same = specs.current();
        assert!(
            Arc::ptr_eq(&first, &same),
            "unchanged files keep the catalog"
        );
        text.lock().unwrap().text = Ok(repo_spec("api-gateway.yaml").text.unwrap());
        assert_eq!(specs.current().slos.len(), 1);
        assert_eq!(*reads.lock().unwrap(), 3);

        let slow = Specs::new(
            Arc::new(|| Err("reading input slos/: not found".into())),
            Generator::default(),
            Duration::from_secs(3600),
        );
        let c = slow.current();
        assert_eq!(
            c.ready(),
            Err("the specs do not load: reading input slos/: not found".into())
        );
    }
}
