//! Property tests (issue 11) over generated valid specs and awkward strings:
//! deterministic output whatever the file order, `promtool check rules` on a sample, every
//! label kept, and scalars that need quoting surviving an emit-and-parse round trip.
//!
//! Specs are written as YAML keys with JSON values (JSON is YAML), so the input side never
//! goes through slogen's own writer. Case counts are small to keep the suite fast.

use std::collections::BTreeMap;
use std::path::Path;

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use serde::Deserialize;
use serde_json::json;
use slogen::emit::yaml::{to_string, Value};
use slogen::pipeline::Generator;

use crate::promtool_check::{check_rules, write_rule_files};
use crate::support::{slogen, text};

/// Strings that a YAML writer must quote or escape to keep them strings.
fn awkward() -> impl Strategy<Value = String> {
    const FIXED: &[&str] = &[
        "#",
        "# not a comment",
        "a #b",
        "a: b",
        "a:",
        ":a",
        "*x",
        "&x",
        "!x",
        "!!str",
        "%x",
        "@x",
        "`x",
        "|",
        ">",
        "-",
        "- x",
        "?",
        "? x",
        "yes",
        "no",
        "on",
        "off",
        "Yes",
        "NO",
        "y",
        "n",
        "true",
        "False",
        "null",
        "~",
        "Null",
        "123",
        "-7",
        "1.5",
        "1e3",
        "0x1F",
        "0o17",
        "0b101",
        "1_000",
        "12:30",
        ".inf",
        "-.Inf",
        ".nan",
        "2001-12-14",
        "{a: b}",
        "[x]",
        "a, b",
        "'",
        "\"",
        "a\"b",
        "a\\b",
        "}",
        "{{ .x }}",
        "{{",
        "\t",
        "a\tb",
        " lead",
        "trail ",
        "trail  ",
        "a\nb",
        "a\n",
        "\n",
        "a\n\nb",
        "a\r\nb",
        "ü",
        "日本語",
        "émoji 🎉",
        "\u{85}",
        "\u{2028}",
        "\u{feff}x",
        "a\u{7f}b",
        "\u{1}",
    ];
    let fixed = FIXED;
    prop_oneof![
        3 => proptest::sample::select(fixed).prop_map(str::to_string),
        1 => "[ -~]{0,30}",
        1 => "\\PC{1,20}",
        1 => "[a-z ]{150,300}",
        1 => proptest::collection::vec(proptest::sample::select(fixed), 1..4)
            .prop_map(|parts| parts.concat()),
    ]
}

#[derive(Debug, Clone)]
struct SpecCase {
    service: String,
    labels: BTreeMap<String, String>,
    slos: Vec<serde_json::Value>,
}

impl SpecCase {
    /// The spec file: a YAML header line (format detection needs it) and JSON values.
    fn text(&self) -> String {
        format!(
            "version: \"prometheus/v1\"\nservice: {}\nlabels: {}\nslos: {}\n",
            json!(self.service),
            json!(self.labels),
            json!(self.slos)
        )
    }
}

/// Label values Prometheus accepts in alerting rules: a `{{` would be read as a template.
fn label_value(promtool_safe: bool) -> BoxedStrategy<String> {
    awkward()
        .prop_filter("non-empty", |s| !s.is_empty())
        .prop_filter("no template", move |s| {
            !promtool_safe || !(s.contains("{{") || s.contains("}}"))
        })
        .boxed()
}

fn spec_case(promtool_safe: bool) -> impl Strategy<Value = SpecCase> {
    let labels =
        proptest::collection::btree_map("l[a-z0-9_]{0,6}", label_value(promtool_safe), 0..4);
    let slo = (
        "[a-z][a-z0-9-]{0,6}[a-z0-9]",
        proptest::sample::select(&[90.0, 95.0, 99.0, 99.5, 99.9, 99.95, 99.99][..]),
        any::<bool>(),
        proptest::collection::btree_map("l[a-z0-9_]{0,6}", label_value(promtool_safe), 0..3),
        0..3u8,
    )
        .prop_map(|(name, objective, events, labels, alerts)| {
            let sli = if events {
                json!({"events": {
                    "error_query": "sum(rate(http_requests_total{code=~\"5..\"}[{{.window}}]))",
                    "total_query": "sum(rate(http_requests_total[{{.window}}]))"}})
            } else {
                json!({"raw": {"error_ratio_query": "avg_over_time(errors:ratio[{{ .window }}])"}})
            };
            let alerting = match alerts {
                0 => json!({"page_alert": {"disable": true}, "ticket_alert": {"disable": true}}),
                1 => json!({"name": "HighErrorRate", "labels": {"team": "a b"},
                    "page_alert": {"labels": {"severity": "page"}},
                    "ticket_alert": {"disable": true}}),
                _ => json!({"name": "Budget", "annotations": {"summary": "SLO \"x\" burning"},
                    "page_alert": {"labels": {"severity": "page"}},
                    "ticket_alert": {"labels": {"severity": "ticket"}}}),
            };
            json!({"name": name, "objective": objective, "labels": labels, "sli": sli,
                   "alerting": alerting})
        });
    (
        "[a-z][a-z0-9-]{0,8}[a-z0-9]",
        labels,
        proptest::collection::vec(slo, 1..4),
    )
        .prop_map(|(service, labels, mut slos)| {
            // SLO names must be unique within a file; alert names too, or promtool's lint
            // reports alerts with equal names and labels as duplicates.
            for (i, s) in slos.iter_mut().enumerate() {
                let name = format!("{}-{i}", s["name"].as_str().unwrap());
                s["name"] = json!(name);
                if let Some(alert) = s["alerting"]["name"].as_str() {
                    s["alerting"]["name"] = json!(format!("{alert}{i}"));
                }
            }
            SpecCase {
                service,
                labels,
                slos,
            }
        })
}

#[derive(Debug, Deserialize)]
struct RulesFile {
    groups: Vec<Group>,
}

#[derive(Debug, Deserialize)]
struct Group {
    rules: Vec<Rule>,
}

#[derive(Debug, Deserialize)]
struct Rule {
    #[serde(default)]
    record: String,
    expr: String,
    #[serde(default)]
    labels: BTreeMap<String, String>,
}

/// Generates `case` and checks the output: deterministic, every expr parses, every SLO label
/// on every recording rule and alert, as written.
fn generate_and_check(case: &SpecCase) -> String {
    let spec = case.text();
    let generator = Generator::default();
    let out = generator
        .generate_file(&spec)
        .unwrap_or_else(|p| panic!("valid spec refused: {p:?}\n{spec}"));
    let again = generator.generate_file(&spec).expect("generated once");
    assert_eq!(out.text, again.text, "same input, same bytes");
    let mut docs = 0;
    for doc in serde_norway::Deserializer::from_str(&out.text) {
        docs += 1;
        let file = RulesFile::deserialize(doc).expect("output parses back");
        for rule in file.groups.iter().flat_map(|g| &g.rules) {
            promql_parser::parser::parse(&rule.expr)
                .unwrap_or_else(|e| panic!("expr does not parse: {e}\n{}", rule.expr));
            // Spec labels reach every recording rule unless an SLO label overrides them
            // (alert rules carry the alert's labels only, sloth-generation.md §4.2.3).
            for (k, v) in case.labels.iter().filter(|_| !rule.record.is_empty()) {
                if case.slos.iter().all(|s| s["labels"].get(k).is_none())
                    && !k.starts_with("sloth_")
                {
                    assert_eq!(rule.labels.get(k), Some(v), "label {k} lost\n{}", out.text);
                }
            }
        }
    }
    assert_eq!(docs, 1);
    out.text
}

#[test]
fn generation_is_deterministic_and_keeps_every_label() {
    let mut runner = TestRunner::new(Config::with_cases(48));
    runner
        .run(&spec_case(false), |case| {
            generate_and_check(&case);
            Ok(())
        })
        .unwrap();
}

#[test]
fn output_does_not_depend_on_file_order() {
    let mut runner = TestRunner::new(Config::with_cases(4));
    let files = proptest::collection::vec(spec_case(false), 2..5);
    runner
        .run(&(files, any::<u64>()), |(cases, seed)| {
            let tmp = tempfile::tempdir().unwrap();
            // The same specs, created in two different orders under different folders.
            let mut order: Vec<usize> = (0..cases.len()).collect();
            let write = |dir: &Path, order: &[usize]| {
                std::fs::create_dir_all(dir).unwrap();
                for &i in order {
                    std::fs::write(dir.join(format!("s{i}.yaml")), cases[i].text()).unwrap();
                }
            };
            write(&tmp.path().join("one"), &order);
            order.rotate_left((seed as usize) % cases.len());
            order.reverse();
            write(&tmp.path().join("two"), &order);
            for name in ["one", "two"] {
                let out = slogen(
                    tmp.path(),
                    &["generate", "-i", name, "-o", &format!("{name}-out")],
                );
                assert!(out.status.success(), "{}", text(&out.stderr));
            }
            for i in 0..cases.len() {
                let a = std::fs::read(tmp.path().join(format!("one-out/s{i}.yaml"))).unwrap();
                let b = std::fs::read(tmp.path().join(format!("two-out/s{i}.yaml"))).unwrap();
                assert_eq!(a, b, "s{i}.yaml differs with file order");
            }
            Ok(())
        })
        .unwrap();
}

#[test]
fn a_sample_of_generated_files_passes_promtool() {
    let tmp = tempfile::tempdir().unwrap();
    let mut runner = TestRunner::new(Config::with_cases(8));
    let files = std::cell::RefCell::new(Vec::new());
    runner
        .run(&spec_case(true), |case| {
            let out = generate_and_check(&case);
            let n = files.borrow().len();
            let written = write_rule_files(tmp.path(), &format!("case{n}"), &out);
            files.borrow_mut().extend(written);
            Ok(())
        })
        .unwrap();
    let files = files.into_inner();
    assert!(files.len() >= 8);
    check_rules(&files);
}

/// One string through the writer and back through serde_norway, as a value, a key and an item.
fn round_trip(s: &str) {
    let doc = Value::Map(vec![
        ("value".into(), Value::Str(s.to_string())),
        (
            "keys".into(),
            Value::Map(vec![(s.to_string(), Value::Str("v".into()))]),
        ),
        ("items".into(), Value::Seq(vec![Value::Str(s.to_string())])),
    ]);
    let written = to_string(&doc);
    let typed: serde_norway::Value = serde_norway::from_str(&written)
        .unwrap_or_else(|e| panic!("{s:?} written as unreadable YAML: {e}\n{written}"));
    // YAML 1.2 readers take 0o17 and 0x1F as numbers; yaml.v2 (YAML 1.1) and Sloth leave them
    // plain, so for those only the text is compared.
    let yaml12_number = s.starts_with("0o") || s.starts_with("0x");
    if !yaml12_number {
        assert_eq!(
            typed["value"].as_str(),
            Some(s),
            "{s:?} read back as:\n{written}"
        );
        assert_eq!(
            typed["items"][0].as_str(),
            Some(s),
            "{s:?} read back as:\n{written}"
        );
    }
    #[derive(Deserialize)]
    struct Doc {
        value: String,
        keys: BTreeMap<String, String>,
        items: Vec<String>,
    }
    let doc: Doc = serde_norway::from_str(&written).unwrap();
    assert_eq!(doc.value, s, "{written}");
    assert_eq!(doc.items, [s], "{written}");
    assert_eq!(doc.keys.keys().collect::<Vec<_>>(), [s], "{written}");
}

#[test]
fn awkward_scalars_survive_emit_and_parse() {
    let mut runner = TestRunner::new(Config::with_cases(512));
    runner
        .run(&awkward(), |s| {
            round_trip(&s);
            Ok(())
        })
        .unwrap();
}

#[test]
fn very_long_lines_survive_emit_and_parse() {
    for s in [
        "x".repeat(100_000),
        "word ".repeat(20_000),
        format!("{} end", "a b\n".repeat(5_000)),
        "   ".repeat(1000) + "x  ",
    ] {
        round_trip(&s);
    }
}
