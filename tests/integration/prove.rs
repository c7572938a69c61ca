//! `slogen test-rules` and `slogen explain` checked on Prometheus's own rule engine: the
//! generated promtool unit tests must pass for `slos/`, 99.9 and 99 at 30d (tr-web), 99.95 at
//! 28d (api-gateway), and Sloth's 7d custom windows; explain's detection times must match
//! what promtool observes; what cannot be synthesized is reported.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use crate::support::{promtool_bin, root, slogen, text};

/// Runs `slogen test-rules` with `args` in `cwd` into a fresh folder; returns it, the exit
/// status's success and stderr.
fn test_rules(cwd: &Path, args: &[&str]) -> (tempfile::TempDir, bool, String) {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().to_string_lossy().into_owned();
    let mut argv = vec!["test-rules"];
    argv.extend_from_slice(args);
    argv.extend_from_slice(&["-o", &out]);
    let res = slogen(cwd, &argv);
    (dir, res.status.success(), text(&res.stderr))
}

/// The `*.test.yml` files in `dir`, sorted.
fn test_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("read output folder")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.to_string_lossy().ends_with(".test.yml"))
        .collect();
    files.sort();
    files
}

/// Runs `promtool test rules` on every file, two processes at a time, and fails with the
/// report of each file that fails.
fn promtool_test_all(files: &[PathBuf]) {
    assert!(!files.is_empty(), "no test files generated");
    let promtool = promtool_bin();
    let mut failures = Vec::new();
    for chunk in files.chunks(2) {
        let children: Vec<(PathBuf, Child)> = chunk
            .iter()
            .map(|f| {
                let child = Command::new(&promtool)
                    .args(["test", "rules"])
                    .arg(f.file_name().expect("file name"))
                    .current_dir(f.parent().expect("folder"))
                    .stdout(Stdio::piped())
                    .stderr(Stdio::piped())
                    .spawn()
                    .expect("promtool starts");
                (f.clone(), child)
            })
            .collect();
        for (f, child) in children {
            let out = child.wait_with_output().expect("promtool runs");
            let report = format!("{}{}", text(&out.stdout), text(&out.stderr));
            if !out.status.success() || !report.contains("SUCCESS") {
                failures.push(format!("{}:\n{report}", f.display()));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "promtool test rules failed:\n{}",
        failures.join("\n")
    );
}

fn names(files: &[PathBuf]) -> Vec<String> {
    files
        .iter()
        .map(|f| f.file_name().expect("name").to_string_lossy().into_owned())
        .collect()
}

#[test]
fn generated_tests_pass_for_tr_web_at_99_9_and_99_over_30d() {
    let (dir, ok, stderr) = test_rules(&root(), &["slos/tr-web.yaml"]);
    assert!(ok, "{stderr}");
    let files = test_files(dir.path());
    assert_eq!(
        names(&files),
        [
            "tr-web-requests-availability.page.test.yml",
            "tr-web-requests-availability.recordings.test.yml",
            "tr-web-requests-availability.ticket.test.yml",
            "tr-web-requests-latency.page.test.yml",
            "tr-web-requests-latency.recordings.test.yml",
            "tr-web-requests-latency.ticket.test.yml",
        ]
    );
    promtool_test_all(&files);
}

#[test]
fn generated_tests_pass_for_every_spec_in_slos_except_tr_web() {
    // tr-web has its own test above; this covers every other spec in slos/.
    let mut specs: Vec<PathBuf> = std::fs::read_dir(root().join("slos"))
        .expect("slos/")
        .map(|e| e.expect("entry").path())
        .filter(|p| matches!(p.extension().and_then(|e| e.to_str()), Some("yaml" | "yml")))
        .filter(|p| !p.ends_with("tr-web.yaml"))
        .collect();
    specs.sort();
    assert!(!specs.is_empty());
    for spec in specs {
        let (dir, ok, stderr) = test_rules(&root(), &[&spec.to_string_lossy()]);
        assert!(ok, "{}: {stderr}", spec.display());
        promtool_test_all(&test_files(dir.path()));
    }
}

#[test]
fn generated_tests_pass_for_99_95_over_28d() {
    let (dir, ok, stderr) = test_rules(
        &root(),
        &["slos/api-gateway.yaml", "--default-slo-period", "28d"],
    );
    assert!(ok, "{stderr}");
    let files = test_files(dir.path());
    let page = std::fs::read_to_string(&files[0]).expect("page test");
    // 28d windows: the page quick factor is 13.44 (2% of 28 days in one hour).
    assert!(page.contains("threshold 13.44×"), "{page}");
    promtool_test_all(&files);
}

#[test]
fn generated_tests_pass_for_sloth_7d_custom_windows() {
    let cwd = root().join("tests/golden/integration");
    let (dir, ok, stderr) = test_rules(
        &cwd,
        &[
            "testdata/in-base.yaml",
            "--default-slo-period",
            "7d",
            "--slo-period-windows-path",
            "windows",
        ],
    );
    assert!(ok, "{stderr}");
    let files = test_files(dir.path());
    // slo1 has both alerts; slo02 has alerts disabled and still gets recording-rule tests.
    assert_eq!(
        names(&files),
        [
            "svc01-slo02.recordings.test.yml",
            "svc01-slo1.page.test.yml",
            "svc01-slo1.recordings.test.yml",
            "svc01-slo1.ticket.test.yml",
        ]
    );
    promtool_test_all(&files);
}

#[test]
fn plugin_sli_with_alerts_disabled_gets_recording_rule_tests() {
    let cwd = root().join("tests/golden");
    let plugins = root().join("tests/fixtures/sloth-plugins");
    let (dir, ok, stderr) = test_rules(
        &cwd,
        &[
            "integration/testdata/in-sli-plugin.yaml",
            "-p",
            &plugins.to_string_lossy(),
        ],
    );
    assert!(ok, "{stderr}");
    let files = test_files(dir.path());
    assert_eq!(names(&files), ["svc01-slo1.recordings.test.yml"]);
    promtool_test_all(&files);
}

#[test]
fn plugin_sli_with_unknown_metrics_is_reported_not_skipped() {
    let (dir, ok, stderr) = test_rules(&root(), &["tests/fixtures/prove/plugin-slis.yaml"]);
    assert!(!ok, "test-rules must fail when an SLO cannot be tested");
    assert!(
        stderr.contains(r#"cannot synthesize input series for slo "prometheus-targets""#)
            && stderr.contains("not a ratio of two counter expressions"),
        "{stderr}"
    );
    let files = test_files(dir.path());
    assert!(names(&files)
        .iter()
        .all(|n| n.starts_with("prometheus-rule-evaluations.")));
    assert_eq!(files.len(), 3, "the other SLO's tests are still written");
    promtool_test_all(&files);
}
