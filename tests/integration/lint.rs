//! `slogen lint`: each rule fires on its fixture and is quiet on correct specs, the rendered
//! output is pinned by snapshots, Sloth's bad validate fixtures are reported at the right
//! lines, SARIF validates against the official schema, and docs/rules.md is current.

use std::path::PathBuf;

use slogen::diag::render;
use slogen::diag::Diagnostic;
use slogen::lint::{self, registry, Config, LintOptions};
use slogen::model::Dialect;
use slogen::pipeline::Generator;

use crate::support::{root, slogen, text};

/// Lints `files` (paths relative to the repository root) with default settings.
fn lint_paths(files: &[&str], dialect: Dialect) -> Vec<Diagnostic> {
    let inputs: Vec<(PathBuf, Vec<u8>)> = files
        .iter()
        .map(|f| {
            (
                PathBuf::from(f),
                std::fs::read(root().join(f)).expect("fixture"),
            )
        })
        .collect();
    lint_inputs(&inputs, dialect)
}

fn lint_inputs(inputs: &[(PathBuf, Vec<u8>)], dialect: Dialect) -> Vec<Diagnostic> {
    let generator = Generator::default();
    let config = Config::default();
    let opts = LintOptions {
        generator: &generator,
        dialect,
        config: &config,
    };
    lint::lint_files(inputs, &opts).diagnostics
}

fn fixtures() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(root().join("tests/fixtures/lint"))
        .expect("fixture folder")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".yaml"))
        .collect();
    names.sort();
    names
}

fn codes(diags: &[Diagnostic]) -> Vec<(&'static str, usize)> {
    diags.iter().map(|d| (d.code, d.span.start.line)).collect()
}

#[test]
fn each_err_fixture_fires_its_rule() {
    for name in fixtures().iter().filter(|n| n.starts_with("err_")) {
        // err_<CODE>_<rule-name>.yaml
        let mut parts = name.trim_end_matches(".yaml").splitn(3, '_').skip(1);
        let code = parts.next().expect("code in name");
        let rule = registry::find(code).unwrap_or_else(|| panic!("{name}: unknown code"));
        assert_eq!(
            parts.next(),
            Some(rule.name),
            "{name}: file name must carry the rule name"
        );
        let diags = lint_paths(&[&format!("tests/fixtures/lint/{name}")], Dialect::PromQl);
        assert!(
            diags.iter().any(|d| d.code == rule.code),
            "{name}: {:?}",
            codes(&diags)
        );
    }
}

#[test]
fn every_lint_rule_has_a_fixture() {
    let names = fixtures();
    for r in registry::all().iter().filter(|r| r.code.starts_with('L')) {
        assert!(
            names
                .iter()
                .any(|n| n.starts_with(&format!("err_{}_", r.code))),
            "no fixture for {} {}",
            r.code,
            r.name
        );
    }
}

#[test]
fn correct_specs_are_quiet() {
    for name in fixtures().iter().filter(|n| n.starts_with("ok")) {
        let diags = lint_paths(&[&format!("tests/fixtures/lint/{name}")], Dialect::PromQl);
        assert!(diags.is_empty(), "{name}: {:?}", codes(&diags));
    }
}

#[test]
fn suppression_comments_are_what_keeps_a_spec_quiet() {
    let path = "tests/fixtures/lint/ok-suppressed.yaml";
    let raw = std::fs::read_to_string(root().join(path)).unwrap();
    let stripped = raw.replace("slogen-lint:", "nothing:");
    let diags = lint_inputs(
        &[(PathBuf::from(path), stripped.into_bytes())],
        Dialect::PromQl,
    );
    let found = codes(&diags);
    // Without the comments: the first SLO's missing description and impossible page alert,
    // the second SLO's missing description, ratio objective and fixed range.
    // At 90% the 1h/5m page cannot fire; 0.99 makes three of the four windows impossible, and
    // being a ratio is why: L014 is shown, as an error, with the three L005 folded into it.
    assert_eq!(
        found,
        vec![
            ("L013", 7),
            ("L005", 8),
            ("L013", 15),
            ("L014", 16),
            ("L002", 19)
        ]
    );
    let ratio = diags.iter().find(|d| d.code == "L014").unwrap();
    assert_eq!(ratio.severity, slogen::diag::Severity::Error);
    assert_eq!(
        ratio
            .notes
            .iter()
            .filter(|n| n.starts_with("L005: "))
            .count(),
        3
    );
}

#[test]
fn fixture_snapshots() {
    insta::glob!("../fixtures/lint", "*.yaml", |path| {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let rel = format!("tests/fixtures/lint/{name}");
        let diags = lint_paths(&[&rel], Dialect::PromQl);
        let input = std::fs::read_to_string(path).unwrap();
        let human =
            render::text::render(&diags, &|_: &std::path::Path| Some(input.as_str()), false);
        let json = render::json::render(&diags, &registry::all());
        insta::with_settings!({ description => input.clone(), omit_expression => true }, {
            insta::assert_snapshot!(format!("{human}---- json ----\n{json}"));
        });
    });
}

#[test]
fn sloth_bad_validate_fixtures_are_reported_at_the_right_lines() {
    let dir = "tests/golden/integration/testdata/validate/bad";
    let lint_one = |f: &str| lint_paths(&[&format!("{dir}/{f}")], Dialect::PromQl);
    // Lines read from the files: `objective: 101 # BAD!` is line 28; prometheus/v1 ignores
    // the camelCase `pageAlert`/`ticketAlert` of lines 21 and 24.
    for f in ["bad-aa.yaml", "bad-ab.yaml", "bad-ba.yaml"] {
        let d = lint_one(f);
        assert_eq!(
            codes(&d),
            vec![("L001", 21), ("L001", 24), ("V005", 28)],
            "{f}"
        );
        assert_eq!(d[2].span.start.col, 16, "{f}: the objective's value");
        assert!(d[0]
            .help
            .as_deref()
            .unwrap()
            .contains("did you mean `page_alert`?"));
    }
    // `service: "" # BAD!` on line 7 makes the ID "-slo1" (and "-slo02").
    let d = lint_one("bad-k8s.yaml");
    assert_eq!(codes(&d), vec![("V001", 7), ("V001", 7)]);
    // Document 1's `name: "" # BAD!` on line 22, with the page and ticket alerts enabled.
    let d = lint_one("bad-multi-k8s.yaml");
    assert_eq!(codes(&d), vec![("V011", 22), ("V011", 22)]);
    assert!(
        d[0].message.contains("page alert: alert name is required"),
        "{}",
        d[0].message
    );
    // Document 2's `sli: {} # BAD!` on line 77.
    let d = lint_one("bad-multi.yaml");
    assert_eq!(codes(&d), vec![("V007", 77)]);
    // Valid in Sloth v0.16.0 (28d windows are embedded), and so quiet.
    let d = lint_one("bad-openslo.yaml");
    assert!(d.is_empty(), "{:?}", codes(&d));
}

#[test]
fn duplicate_ids_across_files_point_at_the_later_file() {
    let dir = "tests/golden/integration/testdata/validate/bad";
    let d = lint_paths(
        &[&format!("{dir}/bad-aa.yaml"), &format!("{dir}/bad-ab.yaml")],
        Dialect::PromQl,
    );
    let dups: Vec<&Diagnostic> = d.iter().filter(|x| x.code == "L010").collect();
    assert_eq!(dups.len(), 2, "{:?}", codes(&d));
    assert!(dups.iter().all(|x| x.file.ends_with("bad-ab.yaml")));
    assert_eq!((dups[0].span.start.line, dups[1].span.start.line), (6, 27));
    assert!(
        dups[0].notes[0].contains("bad-aa.yaml:6:11"),
        "{:?}",
        dups[0].notes
    );
}

#[test]
fn metricsql_dialect_accepts_victoriametrics_syntax() {
    let spec = "version: \"prometheus/v1\"\nservice: vm\nslos:\n  - name: ab\n    objective: 99.9\n    description: d\n    sli:\n      raw:\n        error_ratio_query: sum(rate(errors_total[{{.window}}])) / sum(rate(requests_total[{{.window}}])) default 0\n    alerting:\n      name: A\n";
    let input = [(PathBuf::from("vm.yaml"), spec.as_bytes().to_vec())];
    let prom = lint_inputs(&input, Dialect::PromQl);
    assert_eq!(codes(&prom), vec![("V010", 9)]);
    assert!(lint_inputs(&input, Dialect::MetricsQl).is_empty());
    // Sloth's VictoriaMetrics validator in place of the default chain selects MetricsQL too;
    // next to the default chain, Sloth's PromQL validator still refuses the query.
    let vm_only = spec.replace(
        "slos:\n",
        "slo_plugins:\n  overridePrevious: true\n  chain:\n    - id: sloth.dev/contrib/validate_victoria_metrics/v1\n    - id: sloth.dev/core/sli_rules/v1\nslos:\n",
    );
    let input = [(PathBuf::from("vm.yaml"), vm_only.into_bytes())];
    let found = lint_inputs(&input, Dialect::PromQl);
    assert!(
        found.iter().all(|d| d.code != "V010"),
        "{:?}",
        codes(&found)
    );
    let both = spec.replace(
        "slos:\n",
        "slo_plugins:\n  chain:\n    - id: sloth.dev/contrib/validate_victoria_metrics/v1\nslos:\n",
    );
    let input = [(PathBuf::from("vm.yaml"), both.into_bytes())];
    assert_eq!(
        codes(&lint_inputs(&input, Dialect::PromQl)),
        vec![("V010", 12)]
    );
}

#[test]
fn hostile_input_gives_diagnostics_and_the_run_goes_on() {
    let mut bomb =
        String::from("version: \"prometheus/v1\"\na0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..9 {
        let p = i - 1;
        bomb.push_str(&format!(
            "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
        ));
    }
    let deep = format!(
        "version: \"prometheus/v1\"\nx: {}{}\n",
        "[".repeat(5000),
        "]".repeat(5000)
    );
    let huge = vec![b'#'; lint::MAX_FILE_BYTES + 1];
    let inputs = vec![
        (
            PathBuf::from("binary.yaml"),
            vec![0x7f, b'E', b'L', b'F', 0, 1, 2],
        ),
        (PathBuf::from("latin1.yaml"), b"service: caf\xe9\n".to_vec()),
        (PathBuf::from("empty.yaml"), Vec::new()),
        (PathBuf::from("bomb.yaml"), bomb.into_bytes()),
        (PathBuf::from("deep.yaml"), deep.into_bytes()),
        (PathBuf::from("huge.yaml"), huge),
        (
            PathBuf::from("ok.yaml"),
            std::fs::read(root().join("tests/fixtures/lint/ok.yaml")).unwrap(),
        ),
    ];
    let d = lint_inputs(&inputs, Dialect::PromQl);
    let by_file: Vec<(String, &str)> = d
        .iter()
        .map(|x| (x.file.display().to_string(), x.code))
        .collect();
    assert_eq!(
        by_file,
        vec![
            ("binary.yaml".into(), "P100"),
            ("latin1.yaml".into(), "P100"),
            ("empty.yaml".into(), "P101"),
            ("bomb.yaml".into(), "P001"),
            ("deep.yaml".into(), "P001"),
            ("huge.yaml".into(), "P102"),
        ]
    );
    assert!(d[3].message.contains("alias bomb"), "{}", d[3].message);
    assert!(d[4].message.contains("nesting"), "{}", d[4].message);
}

#[test]
fn sarif_output_validates_against_the_sarif_2_1_0_schema() {
    let files: Vec<String> = fixtures()
        .iter()
        .map(|n| format!("tests/fixtures/lint/{n}"))
        .collect();
    let refs: Vec<&str> = files.iter().map(String::as_str).collect();
    let diags = lint_paths(&refs, Dialect::PromQl);
    assert!(diags.len() > 20);
    let sarif: serde_json::Value =
        serde_json::from_str(&render::sarif::render(&diags, &registry::all(), "v0.1.0")).unwrap();
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("tests/fixtures/sarif-schema-2.1.0.json")).unwrap(),
    )
    .unwrap();
    let validator = jsonschema::draft4::new(&schema).expect("the SARIF schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(&sarif)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    // And a broken log is refused, so the check has teeth.
    let mut broken = sarif.clone();
    broken["runs"][0]["results"][0]["level"] = serde_json::json!("fatal");
    assert!(!validator.is_valid(&broken));
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), diags.len());
}

#[test]
fn rules_doc_is_current() {
    let path = root().join("docs/rules.md");
    let fresh = registry::rules_markdown();
    if std::env::var_os("SLOGEN_UPDATE_DOCS").is_some() {
        std::fs::write(&path, &fresh).unwrap();
    }
    let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
    if on_disk != fresh {
        let diff = similar::TextDiff::from_lines(&on_disk, &fresh)
            .unified_diff()
            .to_string();
        panic!("docs/rules.md is stale; run `SLOGEN_UPDATE_DOCS=1 cargo test rules_doc`:\n{diff}");
    }
}

#[test]
fn cli_exit_codes_formats_and_explain() {
    let r = root();
    let run = |args: &[&str]| slogen(&r, args);
    let ok = run(&["lint", "tests/fixtures/lint/ok.yaml"]);
    assert_eq!(ok.status.code(), Some(0), "{}", text(&ok.stderr));
    assert_eq!(text(&ok.stdout), "All checks passed: 1 file, 2 SLOs.\n");

    let err = run(&["lint", "tests/fixtures/lint/err_L005_impossible-alert.yaml"]);
    assert_eq!(err.status.code(), Some(1));
    assert!(
        text(&err.stdout).contains("error[L005]"),
        "{}",
        text(&err.stdout)
    );

    // Warnings alone pass, unless --deny-warnings.
    let warn = [
        "lint",
        "tests/fixtures/lint/err_L003_mismatched-metrics.yaml",
    ];
    assert_eq!(run(&warn).status.code(), Some(0));
    let denied = run(&[warn[0], warn[1], "--deny-warnings"]);
    assert_eq!(denied.status.code(), Some(1));

    // A path that cannot be read: exit 2, and the other file is still linted.
    let missing = run(&[
        "lint",
        "no/such/file.yaml",
        "tests/fixtures/lint/err_L005_impossible-alert.yaml",
    ]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(
        text(&missing.stderr).contains("no/such/file.yaml"),
        "{}",
        text(&missing.stderr)
    );
    assert!(text(&missing.stdout).contains("error[L005]"));

    let gh = run(&[
        "lint",
        "--format",
        "github",
        "tests/fixtures/lint/err_L013_missing-description.yaml",
    ]);
    assert_eq!(
        text(&gh.stdout),
        "::notice file=tests/fixtures/lint/err_L013_missing-description.yaml,line=4,col=11,endLine=4,endColumn=25,title=L013 missing-description::SLO `svc-availability` has no description%0Ahelp: add `description:` saying what the SLO promises, and to whom\n"
    );

    let json = run(&[
        "lint",
        "--format",
        "json",
        "tests/golden/integration/testdata/validate/bad",
    ]);
    assert_eq!(json.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).expect("JSON output");
    assert!(v
        .as_array()
        .unwrap()
        .iter()
        .any(|d| d["code"] == "V007" && d["line"] == 77));

    let explain = run(&["lint", "--explain", "L005"]);
    assert_eq!(explain.status.code(), Some(0));
    let rule = registry::find("L005").unwrap();
    assert_eq!(
        text(&explain.stdout),
        format!("{}\n", registry::explain(&rule))
    );
    assert!(text(&explain.stdout).contains("## Why is this bad?"));
    assert_eq!(run(&["lint", "--explain", "L999"]).status.code(), Some(2));
}

#[test]
fn config_file_disables_and_relevels() {
    let dir = tempfile::tempdir().unwrap();
    let spec =
        std::fs::read(root().join("tests/fixtures/lint/err_L005_impossible-alert.yaml")).unwrap();
    std::fs::create_dir(dir.path().join("slos")).unwrap();
    std::fs::write(dir.path().join("slos/a.yaml"), spec).unwrap();
    std::fs::write(
        dir.path().join(".slogen.toml"),
        "[lint]\ndisable = [\"impossible-alert\"]\n[lint.severity]\nL013 = \"error\"\n",
    )
    .unwrap();
    // The default path is slos/, the config is found in the current folder.
    let out = slogen(dir.path(), &["lint", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 0, "{v}");
    let other = std::fs::read_to_string(
        root().join("tests/fixtures/lint/err_L013_missing-description.yaml"),
    )
    .unwrap()
    .replace("service: \"svc\"", "service: \"other\"");
    std::fs::write(dir.path().join("slos/b.yaml"), other).unwrap();
    let out = slogen(dir.path(), &["lint", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v[0]["code"], "L013");
    assert_eq!(v[0]["severity"], "error");
    assert_eq!(out.status.code(), Some(1));
    std::fs::write(
        dir.path().join(".slogen.toml"),
        "[lint]\ndisable = [\"L404\"]\n",
    )
    .unwrap();
    let bad = slogen(dir.path(), &["lint"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        text(&bad.stderr).contains("unknown rule \"L404\""),
        "{}",
        text(&bad.stderr)
    );
}

/// A query that glues `{{.window}}` to a duration validates in `1m` but not in the 1d window
/// generate writes; lint reports it at the query's line, as generate refuses it.
#[test]
fn window_glued_to_a_duration_is_reported_in_the_window_that_breaks() {
    let spec = "version: \"prometheus/v1\"\nservice: \"svc\"\nslos:\n  - name: \"slo1\"\n    objective: 99.9\n    sli:\n      events:\n        error_query: sum(rate(http_requests_total{code=~\"5..\"}[30d{{.window}}]))\n        total_query: sum(job:http_requests:rate{{.window}})\n    alerting:\n      page_alert:\n        disable: true\n      ticket_alert:\n        disable: true\n";
    let diags = lint_inputs(
        &[(PathBuf::from("glued.yaml"), spec.as_bytes().to_vec())],
        Dialect::PromQl,
    );
    let v010: Vec<_> = diags.iter().filter(|d| d.code == "V010").collect();
    assert_eq!(v010.len(), 1, "{diags:?}");
    assert_eq!(v010[0].span.start.line, 8, "{diags:?}");
    assert!(v010[0].message.contains("`1d`"), "{}", v010[0].message);
    assert!(v010[0].message.contains("30d1d"), "{}", v010[0].message);
}
