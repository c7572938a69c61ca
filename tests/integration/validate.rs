//! `slogen validate`: Sloth's validate cases, and every problem reported with its place.
//!
//! The fixtures in tests/fixtures/validate are small enough to read; each expected line
//! below names the line:col of the value at fault in them.

use std::path::Path;

use crate::support::{root, slogen, text};

/// Copies the validate fixtures into `dir/specs` and adds a dangling symlink spec.
fn make_specs(dir: &Path) {
    let specs = dir.join("specs");
    std::fs::create_dir(&specs).unwrap();
    for e in std::fs::read_dir(root().join("tests/fixtures/validate")).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), specs.join(e.file_name())).unwrap();
    }
    std::os::unix::fs::symlink("nowhere.yaml", specs.join("d-broken.yaml")).unwrap();
}

#[test]
fn validate_reports_every_problem_with_its_place_and_a_summary() {
    let tmp = tempfile::tempdir().unwrap();
    make_specs(tmp.path());
    let run = slogen(tmp.path(), &["validate", "-i", "specs"]);
    assert_eq!(run.status.code(), Some(1));
    assert_eq!(text(&run.stdout), "", "validate prints nothing on stdout");
    let stderr = text(&run.stderr);
    let lines: Vec<&str> = stderr.lines().collect();
    let want = [
        // Two invalid SLOs in one document: both reported.
        "error: specs/a-bad.yaml:5:16: document 1: slo \"shop-latency\": objective: objective must >0 and <=100",
        "error: specs/a-bad.yaml:16:10: document 1: slo \"shop-errors\": sli: invalid SLI: at least one SLI type is required",
        // Document 2 of a file whose document 1 is fine.
        "error: specs/b-multi.yaml:20:22: document 2: slo \"cart-add\": sli.events: invalid SLI: both error and total queries can't be the same",
        // A Kubernetes spec repeating a prometheus/v1 SLO ID from another file.
        "error: specs/c-dup.yaml:8:13: document 1: slo \"shop-checkout\": name: SLO duplicated. SLO{service=shop, name=checkout}, ID=shop-checkout already exists in a file: specs/b-multi.yaml:4:11 (document 1)",
        // An unreadable spec is named, and the files after it are still checked.
        "error: reading spec file specs/d-broken.yaml: No such file or directory",
    ];
    assert_eq!(lines.len(), want.len() + 1, "{stderr}");
    for (got, want) in lines.iter().zip(want) {
        assert!(got.starts_with(want), "got:  {got}\nwant: {want}…");
    }
    // 6 files (f-empty has no document); SLOs: 2 (a) + 1 + 1 (b) + 1 (c) + 1 (e).
    assert_eq!(
        lines.last().unwrap(),
        &"validated 6 file(s), 5 document(s), 6 SLO(s): 5 error(s) in 4 file(s)"
    );
    // e-good.yml reuses shop-latency, but a-bad.yaml's failed document registered nothing.
    assert!(!stderr.contains("e-good.yml"), "{stderr}");
}

#[test]
fn ignore_slo_duplicates_drops_only_the_duplicate() {
    let tmp = tempfile::tempdir().unwrap();
    make_specs(tmp.path());
    let run = slogen(
        tmp.path(),
        &["validate", "-i", "specs", "--ignore-slo-duplicates"],
    );
    let stderr = text(&run.stderr);
    assert_eq!(run.status.code(), Some(1));
    assert!(!stderr.contains("duplicated"), "{stderr}");
    assert!(
        stderr.ends_with("validated 6 file(s), 5 document(s), 6 SLO(s): 4 error(s) in 3 file(s)\n"),
        "{stderr}"
    );
}

#[test]
fn valid_specs_pass_with_filters_and_single_files() {
    let tmp = tempfile::tempdir().unwrap();
    make_specs(tmp.path());
    let run = slogen(tmp.path(), &["validate", "-i", "specs", "-n", "good|empty"]);
    assert!(run.status.success(), "{}", text(&run.stderr));
    assert_eq!(
        text(&run.stderr),
        "validated 2 file(s), 1 document(s), 1 SLO(s): all valid\n"
    );
    // A single file, named directly.
    let run = slogen(tmp.path(), &["validate", "-i", "specs/b-multi.yaml"]);
    assert_eq!(run.status.code(), Some(1));
    assert!(text(&run.stderr).contains("specs/b-multi.yaml:20:22: document 2"));
    // Exclude wins over include.
    let run = slogen(
        tmp.path(),
        &["validate", "-i", "specs", "-n", "good", "-e", "good"],
    );
    assert_eq!(run.status.code(), Some(1));
    assert!(text(&run.stderr).contains("0 slo specs have been discovered"));
}

#[test]
fn symlink_loops_and_folders_named_like_specs_are_reported_and_the_rest_checked() {
    let tmp = tempfile::tempdir().unwrap();
    let specs = tmp.path().join("specs");
    std::fs::create_dir_all(specs.join("sub")).unwrap();
    std::os::unix::fs::symlink("b.yaml", specs.join("a.yaml")).unwrap();
    std::os::unix::fs::symlink("a.yaml", specs.join("b.yaml")).unwrap();
    // A symlinked folder is not followed; named like a spec, it is reported.
    std::os::unix::fs::symlink("..", specs.join("sub/up.yaml")).unwrap();
    std::fs::copy(
        root().join("tests/fixtures/validate/e-good.yml"),
        specs.join("sub/z.yml"),
    )
    .unwrap();
    let run = slogen(tmp.path(), &["validate", "-i", "specs"]);
    let stderr = text(&run.stderr);
    assert_eq!(run.status.code(), Some(1));
    assert!(
        stderr.contains("error: reading spec file specs/a.yaml: Too many levels of symbolic links"),
        "{stderr}"
    );
    assert!(
        stderr.contains("error: reading spec file specs/b.yaml: Too many levels of symbolic links"),
        "{stderr}"
    );
    assert!(
        stderr.contains("error: reading spec file specs/sub/up.yaml: Is a directory"),
        "{stderr}"
    );
    assert!(
        stderr.ends_with("validated 4 file(s), 1 document(s), 1 SLO(s): 3 error(s) in 3 file(s)\n"),
        "{stderr}"
    );
}

/// Sloth's 13 validate cases (tests/golden/cases.tsv `va-*`).
#[test]
fn golden_validate_cases() {
    crate::golden::assert_cases(&["va"]);
}
