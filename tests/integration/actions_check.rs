//! The GitHub workflows (this repository's and every variant `slogen init` writes) and the
//! composite action `action.yml`, checked by the tools GitHub users run on them: actionlint,
//! zizmor (offline, no finding above "low") and check-jsonschema with SchemaStore's workflow
//! and action schemas. All three come from PyPI (`./scripts/test` installs them); a missing
//! one fails the test.

use std::path::Path;
use std::process::{Command, Output};

use crate::init::scaffold;
use crate::support::{root, text};
use crate::workflows::load_yaml;

fn tool(dir: &Path, program: &str, args: &[&str]) -> Output {
    Command::new(program)
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .unwrap_or_else(|e| {
            panic!("{program} cannot run ({e}): ./scripts/test installs it from PyPI")
        })
}

fn assert_clean(out: &Output, what: &str) {
    assert!(
        out.status.success(),
        "{what}: exit {:?}\n{}{}",
        out.status.code(),
        text(&out.stdout),
        text(&out.stderr)
    );
}

/// The workflow files of a repository.
fn workflows(dir: &Path) -> Vec<String> {
    let mut files: Vec<String> = std::fs::read_dir(dir.join(".github/workflows"))
        .unwrap()
        .map(|e| {
            format!(
                ".github/workflows/{}",
                e.unwrap().file_name().to_string_lossy()
            )
        })
        .collect();
    files.sort();
    assert!(!files.is_empty());
    files
}

/// actionlint, zizmor and check-jsonschema on a repository's workflows (and its action.yml).
fn check_repository(dir: &Path, what: &str) {
    // actionlint finds .github/workflows from the git root, and checks a local action's
    // inputs where a workflow uses it (`uses: ./`).
    assert_clean(
        &tool(dir, "actionlint", &["-no-color"]),
        &format!("{what}: actionlint"),
    );
    let zizmor = tool(
        dir,
        "zizmor",
        &["--offline", "--min-severity", "medium", "."],
    );
    assert_clean(&zizmor, &format!("{what}: zizmor"));
    assert!(
        text(&zizmor.stdout).contains("No findings"),
        "{what}: {}",
        text(&zizmor.stdout)
    );
    let files = workflows(dir);
    let mut args = vec!["--builtin-schema", "vendor.github-workflows"];
    args.extend(files.iter().map(String::as_str));
    assert_clean(
        &tool(dir, "check-jsonschema", &args),
        &format!("{what}: check-jsonschema"),
    );
    for f in &files {
        assert_pinned_and_credential_free(&dir.join(f));
    }
}

/// Every action is pinned to a full commit SHA, with its version in a comment, and every
/// checkout leaves no credentials behind.
fn assert_pinned_and_credential_free(path: &Path) {
    let source = std::fs::read_to_string(path).unwrap();
    let pin =
        regex::Regex::new(r"^\s*(?:- )?uses: ([^@\s]+)@([0-9a-f]{40}) # v\d+(\.\d+)*$").unwrap();
    for line in source
        .lines()
        .filter(|l| l.trim_start().trim_start_matches("- ").starts_with("uses:"))
    {
        if line.trim_end().ends_with("uses: ./") {
            continue;
        }
        assert!(
            pin.is_match(line),
            "{}: not pinned to a SHA with a version comment: {line}",
            path.display()
        );
    }
    let wf = load_yaml(path);
    for (job, body) in wf["jobs"].as_object().unwrap() {
        for step in body["steps"].as_array().into_iter().flatten() {
            if step["uses"]
                .as_str()
                .is_some_and(|u| u.starts_with("actions/checkout@"))
            {
                assert_eq!(
                    step["with"]["persist-credentials"],
                    false,
                    "{}: job {job}",
                    path.display()
                );
            }
        }
    }
}

#[test]
fn this_repositorys_workflows_and_action_pass_the_checkers() {
    check_repository(&root(), "this repository");
    let action = tool(
        &root(),
        "check-jsonschema",
        &["--builtin-schema", "vendor.github-actions", "action.yml"],
    );
    assert_clean(&action, "action.yml: check-jsonschema");
    // actionlint reads action.yml only through a workflow that uses it: ci.yaml does.
    let ci = std::fs::read_to_string(root().join(".github/workflows/ci.yaml")).unwrap();
    assert!(ci.contains("uses: ./\n"), "ci.yaml runs the action");
}

/// The checkers are not vacuous: the workflows this repository had before fail them.
#[test]
fn the_checkers_catch_unpinned_actions_and_persisted_credentials() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    assert!(Command::new("git")
        .args(["init", "-q"])
        .current_dir(dir)
        .status()
        .unwrap()
        .success());
    std::fs::create_dir_all(dir.join(".github/workflows")).unwrap();
    std::fs::write(
        dir.join(".github/workflows/old.yaml"),
        "name: old\non: push\npermissions:\n  contents: read\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - uses: actions/cache@v4\n        with:\n          path: target\n          key: k\n",
    )
    .unwrap();
    let zizmor = tool(
        dir,
        "zizmor",
        &["--offline", "--min-severity", "medium", "."],
    );
    assert!(!zizmor.status.success());
    let report = text(&zizmor.stdout);
    assert!(
        report.contains("unpinned-uses") && report.contains("artipacked"),
        "{report}"
    );
    let actionlint = tool(dir, "actionlint", &["-no-color"]);
    assert!(!actionlint.status.success());
    assert!(
        text(&actionlint.stdout).contains("node20"),
        "{}",
        text(&actionlint.stdout)
    );
}

#[test]
fn every_workflow_init_writes_passes_the_checkers() {
    for extra in [
        &[][..],
        &["--output-format", "sloth"][..],
        &["--output-format", "rules"][..],
        &["--slogen-git", "https://git.example.com/mirror/slogen.git"][..],
    ] {
        let repo = scaffold(extra);
        let names = workflows(repo.path());
        assert_eq!(
            names,
            [
                ".github/workflows/generate-slos.yaml",
                ".github/workflows/slo-check.yaml",
                ".github/workflows/slo-gate.yaml"
            ]
        );
        check_repository(repo.path(), &format!("init {extra:?}"));
    }
}
