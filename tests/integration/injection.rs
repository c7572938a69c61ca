//! Injection (issue 11): `"`, `\`, `}`, newlines and `{{` in a service, an SLO name, a label
//! value or a query never break the PromQL or the YAML slogen writes.
//!
//! Where Sloth refuses (its name rule for IDs, names and services; Go templates in queries),
//! slogen refuses with the same rule. Where Sloth accepts (label and annotation values), the
//! value is written as yaml.v2 writes it and reads back unchanged, and it never reaches a
//! PromQL selector: selectors hold only the ID labels, which the name rule keeps plain
//! (sloth-generation.md §5.4).

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::json;

use crate::promtool_check::{check_rules, write_rule_files};
use crate::support::{slogen, text};

const HOSTILE: &[&str] = &[
    "a\"b",
    "a\\b",
    "a}b",
    "a\nb",
    "a{{b",
    "x\"} or vector(1) # ",
    "x\\\"}",
    "{{ .window }}",
    "}}",
];

/// A prometheus/v1 spec; `service`, `name` and `label` are written as JSON strings. `label`
/// is the value of the `owner` label of the SLO and of its alerts, and the alerts' summary.
fn spec(service: &str, name: &str, label: &str, query: &str) -> String {
    format!(
        "version: \"prometheus/v1\"\nservice: {}\nlabels:\n  owner: {}\nslos:\n  - name: {}\n    objective: 99.9\n    sli:\n      raw:\n        error_ratio_query: {}\n    alerting:\n      name: Alert\n      labels:\n        owner: {}\n      annotations:\n        summary: {}\n      page_alert:\n        labels:\n          severity: page\n      ticket_alert:\n        disable: true\n",
        json!(service),
        json!(label),
        json!(name),
        json!(query),
        json!(label),
        json!(label),
    )
}

const QUERY: &str = "sum(rate(errors[{{.window}}]))";

fn generate(spec: &str) -> std::process::Output {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("s.yaml"), spec).unwrap();
    slogen(dir.path(), &["generate", "-i", "s.yaml"])
}

#[test]
fn hostile_service_and_slo_names_are_refused_by_sloths_name_rule() {
    for bad in HOSTILE {
        for (service, name, code) in [(*bad, "ok", "[V003]"), ("ok", *bad, "[V001]")] {
            let out = generate(&spec(service, name, "v", QUERY));
            let err = text(&out.stderr);
            assert_eq!(out.status.code(), Some(1), "{bad:?}: {err}");
            assert!(out.stdout.is_empty(), "{bad:?}");
            // The ID (`service-name`) is checked first, as Sloth does.
            assert!(
                err.contains("invalid SLO ID") || err.contains(code),
                "{bad:?}: {err}"
            );
            assert!(err.contains("can only contain alphanumeric"), "{err}");
        }
    }
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
    expr: String,
    #[serde(default)]
    labels: BTreeMap<String, String>,
    #[serde(default)]
    annotations: BTreeMap<String, String>,
}

#[test]
fn hostile_label_and_annotation_values_are_written_as_data() {
    let tmp = tempfile::tempdir().unwrap();
    let mut promtool_files = Vec::new();
    for (i, bad) in HOSTILE.iter().enumerate() {
        let out = generate(&spec("svc", "slo", bad, QUERY));
        assert!(out.status.success(), "{bad:?}: {}", text(&out.stderr));
        let generated = text(&out.stdout);
        let file: RulesFile = serde_norway::from_str(&generated)
            .unwrap_or_else(|e| panic!("{bad:?}: output is not YAML: {e}\n{generated}"));
        let mut alerts = 0;
        for rule in file.groups.iter().flat_map(|g| &g.rules) {
            assert_eq!(rule.labels.get("owner").map(String::as_str), Some(*bad));
            promql_parser::parser::parse(&rule.expr)
                .unwrap_or_else(|e| panic!("{bad:?}: expr broken: {e}\n{}", rule.expr));
            assert!(!rule.expr.contains(bad), "{bad:?} reached an expression");
            if let Some(summary) = rule.annotations.get("summary") {
                assert_eq!(summary, bad);
                alerts += 1;
            }
        }
        assert_eq!(alerts, 1, "{bad:?}: the page alert carries the annotation");
        // Prometheus expands `{{ }}` in alert labels and annotations as templates; a value
        // that is not a valid template is accepted by Sloth and slogen alike, and refused by
        // Prometheus, so only the others go through promtool.
        if !bad.contains("{{") && !bad.contains("}}") {
            promtool_files.extend(write_rule_files(tmp.path(), &format!("v{i}"), &generated));
        }
    }
    check_rules(&promtool_files);
}

#[test]
fn selectors_quote_the_id_labels_with_go_strconv_quote() {
    // The widest ID the name rule allows: every character class it accepts.
    let out = generate(&spec("Svc.1_a-b", "S.l_o-9", "v", QUERY));
    assert!(out.status.success(), "{}", text(&out.stderr));
    let generated = text(&out.stdout);
    assert!(
        generated.contains(
            r#"{sloth_id="Svc.1_a-b-S.l_o-9", sloth_service="Svc.1_a-b", sloth_slo="S.l_o-9"}"#
        ),
        "{generated}"
    );
}

#[test]
fn template_syntax_in_queries_is_go_templates_or_an_error() {
    // A literal `{{` is written as Go writes it: a string action.
    let literal = r#"sum(rate(errors{path="{{"{{"}}x"}[{{.window}}]))"#;
    let out = generate(&spec("svc", "slo", "v", literal));
    assert!(out.status.success(), "{}", text(&out.stderr));
    let file: RulesFile = serde_norway::from_str(&text(&out.stdout)).unwrap();
    let exprs: Vec<&str> = file
        .groups
        .iter()
        .flat_map(|g| &g.rules)
        .map(|r| r.expr.as_str())
        .collect();
    assert!(
        exprs.contains(&r#"(sum(rate(errors{path="{{x"}[5m])))"#),
        "{exprs:#?}"
    );
    // Anything else that is not `.window` is refused, never passed through.
    for bad in [
        r#"sum(rate(errors[{{.window}}])) {{"#,
        r#"sum(rate(errors{a="}}"}[{{.window}}])) or {{ .x | printf "%s" }}"#,
        r#"sum(rate(errors[{{.window}}])) {{ .window }"#,
        r#"sum(rate(errors{a="x\"}[{{.window}}]))"#,
    ] {
        let out = generate(&spec("svc", "slo", "v", bad));
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{bad}: {err}");
        assert!(err.contains("error_ratio_query"), "{bad}: {err}");
    }
}
