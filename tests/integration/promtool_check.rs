//! `promtool check rules` over every rules file the suite produces: each golden generate
//! case's expected (Sloth) and actual (slogen) output, the `slos/` specs, and the lint fixtures
//! that generate. Kubernetes outputs are checked through their extracted `spec.groups`.
//!
//! The YAML is read with serde_norway (a dev-dependency) only to split documents and pull
//! `spec.groups` out of `PrometheusRule` objects; the bytes under test are never re-written
//! for Prometheus-format output beyond one file per document.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::golden::{cases, render_tpl};
use crate::support::{promtool, root, slogen, text};

/// Splits generated text into one Prometheus rules file per document, under `dir`.
pub fn write_rule_files(dir: &Path, name: &str, generated: &str) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for (i, doc) in serde_norway::Deserializer::from_str(generated).enumerate() {
        let value = serde_norway::Value::deserialize(doc)
            .unwrap_or_else(|e| panic!("{name}: document {i} is not YAML: {e}"));
        let groups = if let Some(g) = value.get("groups") {
            g.clone()
        } else if let Some(g) = value.get("spec").and_then(|s| s.get("groups")) {
            assert_eq!(
                value.get("kind").and_then(|k| k.as_str()),
                Some("PrometheusRule"),
                "{name}: document {i} has spec.groups but is not a PrometheusRule"
            );
            g.clone()
        } else {
            panic!("{name}: document {i} has neither groups nor spec.groups");
        };
        let mut map = serde_norway::Mapping::new();
        map.insert("groups".into(), groups);
        let path = dir.join(format!("{name}.{i}.rules.yml"));
        let body = serde_norway::to_string(&map).expect("YAML serialises");
        std::fs::write(&path, body).expect("write rules file");
        files.push(path);
    }
    assert!(!files.is_empty(), "{name}: no YAML documents in the output");
    files
}

/// Runs one `promtool check rules` over all `files` and fails with its report.
pub fn check_rules(files: &[PathBuf]) {
    let mut args = vec!["check".to_string(), "rules".to_string()];
    args.extend(files.iter().map(|f| f.to_string_lossy().into_owned()));
    let argv: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = promtool(&root(), &argv);
    assert!(
        out.status.success(),
        "promtool check rules failed on {} file(s):\n{}\n{}",
        files.len(),
        text(&out.stdout),
        text(&out.stderr)
    );
    let report = text(&out.stdout);
    assert_eq!(
        report.matches("SUCCESS").count(),
        files.len(),
        "promtool did not report SUCCESS for every file:\n{report}\n{}",
        text(&out.stderr)
    );
}

/// Generates `spec` (relative to `cwd`) with slogen and returns stdout, or None on failure.
fn generate(cwd: &Path, args: &[&str]) -> Option<String> {
    let out = slogen(cwd, args);
    out.status.success().then(|| text(&out.stdout))
}

/// Golden cases whose Sloth output Prometheus itself rejects, with promtool's reason. They
/// are asserted to fail with exactly that reason, so a change in either direction is seen.
pub const PROMETHEUS_REJECTS: &[(&str, &str)] = &[
    // The contrib info-labels plugin copies spec keys like `plug-l1` into label names.
    ("ex-contrib-slo-plugins", "invalid label name: plug-l1"),
    // The VictoriaMetrics example uses MetricsQL, which Prometheus does not parse.
    (
        "ex-victoria-metrics",
        "unknown function with name \"histogram_share\"",
    ),
];

/// Runs `promtool check rules` on `files` expecting failure with `reason`.
fn check_rules_rejected(files: &[PathBuf], reason: &str) {
    let mut args = vec!["check".to_string(), "rules".to_string()];
    args.extend(files.iter().map(|f| f.to_string_lossy().into_owned()));
    let argv: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = promtool(&root(), &argv);
    let report = format!("{}{}", text(&out.stdout), text(&out.stderr));
    assert!(
        !out.status.success() && report.contains(reason),
        "expected promtool to reject {files:?} with {reason:?}, got:\n{report}"
    );
}

#[test]
fn promtool_checks_golden_expected_and_actual_outputs() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let golden = root().join("tests/golden");
    let plugins = root().join("tests/fixtures/sloth-plugins");
    let mut files = Vec::new();
    let mut cases_checked = 0;
    let mut generated = 0;
    for case in cases() {
        if case.args.first().map(String::as_str) != Some("generate")
            || matches!(case.expect.as_str(), "pass" | "fail")
        {
            continue;
        }
        let mut case_files = Vec::new();
        let cwd = golden.join(&case.cwd);
        let expected = std::fs::read_to_string(cwd.join(&case.expect)).expect("golden file");
        case_files.extend(write_rule_files(
            tmp.path(),
            &format!("{}.sloth", case.id),
            &render_tpl(&expected),
        ));
        let args: Vec<String> = case
            .args
            .iter()
            .map(|a| a.replace("{PLUGINS}", &plugins.to_string_lossy()))
            .collect();
        let argv: Vec<&str> = args.iter().map(String::as_str).collect();
        cases_checked += 1;
        // A case slogen cannot generate yet fails in the golden tests; here its Sloth output
        // is still checked, and every output slogen does produce.
        if let Some(actual) = generate(&cwd, &argv) {
            case_files.extend(write_rule_files(
                tmp.path(),
                &format!("{}.slogen", case.id),
                &actual,
            ));
            generated += 1;
        }
        match PROMETHEUS_REJECTS.iter().find(|(id, _)| *id == case.id) {
            Some((_, reason)) => check_rules_rejected(&case_files, reason),
            None => files.extend(case_files),
        }
    }
    assert!(
        cases_checked >= 20,
        "only {cases_checked} golden generate cases found"
    );
    assert!(
        generated >= 15,
        "slogen generated only {generated} golden cases"
    );
    check_rules(&files);
}

/// Spec files directly under `dir` with a YAML extension, sorted.
fn yaml_files(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut out: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| matches!(p.extension().and_then(|e| e.to_str()), Some("yaml" | "yml")))
        .collect();
    out.sort();
    out
}

#[test]
fn promtool_checks_slos_and_lint_fixture_outputs() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let specs = yaml_files(&root().join("slos"));
    assert!(!specs.is_empty(), "no specs in slos/");
    let mut files = Vec::new();
    for spec in &specs {
        let name = spec
            .file_stem()
            .expect("file name")
            .to_string_lossy()
            .into_owned();
        let spec_arg = spec.to_string_lossy();
        let out = generate(&root(), &["generate", "-i", &spec_arg])
            .unwrap_or_else(|| panic!("slogen generate failed on {}", spec.display()));
        files.extend(write_rule_files(tmp.path(), &name, &out));
    }
    let slos_files = files.len();
    files.extend(lint_fixture_outputs(tmp.path()));
    assert!(files.len() >= slos_files);
    check_rules(&files);
}

/// The rules of every lint fixture that generates (when the checkout has lint fixtures).
/// Fixtures that must fail (`err_*`) or are not specs do not generate; the lint tests own
/// them. Everything that does generate must pass promtool.
fn lint_fixture_outputs(tmp: &Path) -> Vec<PathBuf> {
    let dir = root().join("tests/fixtures/lint");
    let mut files = Vec::new();
    if !dir.exists() {
        return files;
    }
    for spec in walkdir::WalkDir::new(&dir).sort_by_file_name() {
        let spec = spec.expect("walk lint fixtures").into_path();
        if !matches!(
            spec.extension().and_then(|e| e.to_str()),
            Some("yaml" | "yml")
        ) {
            continue;
        }
        // Fixtures named err_* show a lint finding (some still generate, e.g. L011's label
        // names that promtool refuses, which is the point of that rule); the lint tests own
        // them. Every other fixture that generates must pass promtool.
        if spec
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with("err_"))
        {
            continue;
        }
        let spec_arg = spec.to_string_lossy();
        let Some(out) = generate(&root(), &["generate", "-i", &spec_arg]) else {
            continue;
        };
        let name = spec
            .strip_prefix(&dir)
            .expect("under the fixture folder")
            .to_string_lossy()
            .replace(['/', '\\'], "_");
        files.extend(write_rule_files(tmp, &format!("lint_{name}"), &out));
    }
    files
}
