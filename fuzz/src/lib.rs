//! Oracles shared by slogen's fuzz targets: what must hold of every output, beyond "no panic".
//!
//! Generated YAML is read back with serde_norway (libyaml), a parser independent of both
//! slogen's writer and its yaml-rust2 reader, and compared field by field with the plan it
//! was written from: every string the same, no rule, label or annotation lost or added.
//! Every `expr` of an SLO whose chain validates PromQL must parse with promql-parser.

use std::collections::BTreeMap;

use serde::Deserialize;
use slogen::model::{self, Dialect, SloGroup};
use slogen::pipeline::Generator;
use slogen::plan::{self, Plan, Rule};
use slogen::spec::{self, SpecKind};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RulesFile {
    groups: Vec<Group>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Group {
    name: String,
    #[serde(default)]
    interval: Option<String>,
    rules: Vec<ParsedRule>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ParsedRule {
    #[serde(default)]
    record: String,
    #[serde(default)]
    alert: String,
    expr: String,
    #[serde(default, rename = "for")]
    for_: Option<String>,
    #[serde(default)]
    labels: BTreeMap<String, String>,
    #[serde(default)]
    annotations: BTreeMap<String, String>,
}

#[derive(Debug, Deserialize)]
struct KubeObject {
    spec: RulesFile,
}

/// Checks one document's emitted text against the plan it was written from.
pub fn check_document(text: &str, plan: &Plan, group: &SloGroup) {
    let mut docs = serde_norway::Deserializer::from_str(text);
    let doc = docs.next().expect("one YAML document");
    let file = if plan.kind == SpecKind::Kubernetes {
        KubeObject::deserialize(doc)
            .unwrap_or_else(|e| panic!("emitted YAML does not parse back: {e}\n{text}"))
            .spec
    } else {
        RulesFile::deserialize(doc)
            .unwrap_or_else(|e| panic!("emitted YAML does not parse back: {e}\n{text}"))
    };
    assert!(docs.next().is_none(), "one document per spec document");
    let want: Vec<_> = plan
        .slos
        .iter()
        .flat_map(|(_, rules)| rules.groups())
        .collect();
    assert_eq!(file.groups.len(), want.len(), "rule groups lost or added");
    for (got, want) in file.groups.iter().zip(want) {
        assert_eq!(got.name, want.name);
        let interval = (!want.interval.is_zero()).then(|| want.interval.to_string());
        assert_eq!(got.interval, interval);
        assert_eq!(got.rules.len(), want.rules.len(), "rules lost or added");
        for (g, w) in got.rules.iter().zip(&want.rules) {
            check_rule(g, w);
        }
    }
    let promql = group
        .slos
        .iter()
        .all(|s| model::lower::validators(&s.plugins).contains(&Dialect::PromQl));
    if promql {
        for g in &file.groups {
            for r in &g.rules {
                if let Err(e) = promql_parser::parser::parse(&r.expr) {
                    panic!("emitted expr does not parse: {e}\n{}", r.expr);
                }
            }
        }
    }
}

fn check_rule(got: &ParsedRule, want: &Rule) {
    assert_eq!(got.record, want.record);
    assert_eq!(got.alert, want.alert);
    assert_eq!(got.expr, want.expr);
    let for_ = (!want.for_.is_zero()).then(|| want.for_.to_string());
    assert_eq!(got.for_, for_);
    assert_eq!(got.labels, want.labels, "labels lost or changed");
    assert_eq!(
        got.annotations, want.annotations,
        "annotations lost or changed"
    );
}

/// Runs one spec file through the pipeline and checks every output against its plan.
///
/// Returns true when the file generated.
pub fn check_file(generator: &Generator, text: &str) -> bool {
    let result = generator.generate_file(text);
    let again = generator.generate_file(text);
    assert_eq!(result, again, "generation is deterministic");
    let Ok(out) = result else {
        return false;
    };
    let mut joined = String::new();
    for doc in spec::split_documents(text) {
        // Alone, a document may lack what its file gives it (OpenSLO v1 SLI references).
        let Ok(group) = generator.lower_document(&doc) else {
            return true;
        };
        if group.slos.is_empty() {
            continue;
        }
        let plan = plan::build(
            &group,
            &generator.version,
            &generator.slo_plugins,
            generator.disable,
        )
        .expect("a generated file plans");
        let Ok(text) = slogen::emit::document(&plan) else {
            continue;
        };
        check_document(&text, &plan, &group);
        for slo in &group.slos {
            for name in [&slo.id, &slo.service, &slo.name] {
                assert!(
                    model::validate::check_name(name).is_none()
                        || model::lower::validators(&slo.plugins).is_empty(),
                    "a validated SLO breaks the name rule: {name:?}"
                );
            }
        }
        joined.push_str(&text);
    }
    assert_eq!(joined, out.text, "documents alone give the file's output");
    true
}

thread_local! {
    static GENERATOR: Generator = Generator::default();
}

/// Runs `f` with a default [`Generator`], built once per thread: building one compiles
/// regexes and plugin templates, which would dominate a fuzz iteration.
pub fn with_generator<R>(f: impl FnOnce(&Generator) -> R) -> R {
    GENERATOR.with(f)
}

/// Prefixes that steer fuzz input towards each spec format.
pub const HEADERS: [&str; 5] = [
    "version: \"prometheus/v1\"\n",
    "apiVersion: sloth.slok.dev/v1\nkind: PrometheusServiceLevel\n",
    "apiVersion: openslo/v1alpha\nkind: SLO\n",
    "apiVersion: openslo/v1\nkind: SLO\n",
    "",
];

/// Fuzz input as a spec: the first byte picks a format header, the rest is the text.
pub fn spec_text(data: &[u8]) -> Option<String> {
    let (&first, rest) = data.split_first()?;
    let body = std::str::from_utf8(rest).ok()?;
    let header = HEADERS[first as usize % HEADERS.len()];
    Some(format!("{header}{body}"))
}
