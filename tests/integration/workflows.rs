//! The GitHub workflows cannot run here, so their structure is checked instead: triggers,
//! jobs, steps and the commands they run. The shell of the commit step, which decides whether
//! anything is committed, is run for real against a local bare remote.
//!
//! The files are read with serde_norway, a YAML 1.2 reader as GitHub's is: `on:` is a key
//! named "on", not the boolean YAML 1.1 would make of it.

use std::path::Path;
use std::process::Command;

use serde_json::Value;

use crate::support::{root, text};

/// A workflow file, as JSON.
pub fn load_yaml(path: &Path) -> Value {
    let source =
        std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_norway::from_str(&source).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// One step of a job.
#[derive(Debug, Clone)]
pub struct Step {
    pub name: String,
    pub uses: String,
    pub run: String,
}

/// The steps of `job`, in order.
pub fn steps(workflow: &Value, job: &str) -> Vec<Step> {
    let steps = workflow["jobs"][job]["steps"]
        .as_array()
        .unwrap_or_else(|| panic!("job {job} has no steps"));
    steps
        .iter()
        .map(|s| Step {
            name: s["name"].as_str().unwrap_or_default().to_string(),
            uses: s["uses"].as_str().unwrap_or_default().to_string(),
            run: s["run"].as_str().unwrap_or_default().to_string(),
        })
        .collect()
}

/// The index of the first step whose `run` contains `needle`.
fn step_running(steps: &[Step], needle: &str) -> usize {
    steps
        .iter()
        .position(|s| s.run.contains(needle))
        .unwrap_or_else(|| panic!("no step runs {needle:?}: {steps:#?}"))
}

/// Checks a generate workflow: triggered by pushes to `slos/**`, allowed to push, checks out,
/// gets slogen by building it from source, generates, then commits and pushes on change.
/// `build` is the command that builds slogen; returns the steps.
pub fn assert_generate_workflow(wf: &Value, build: &str) -> Vec<Step> {
    assert_eq!(wf["on"]["push"]["paths"], serde_json::json!(["slos/**"]));
    assert_eq!(wf["on"]["push"]["branches"], serde_json::json!(["main"]));
    let job_write = wf["jobs"]["generate"]["permissions"]["contents"] == "write";
    let top_write = wf["permissions"]["contents"] == "write";
    assert!(job_write || top_write, "the job must be able to push");
    let jobs = wf["jobs"].as_object().expect("jobs");
    assert_eq!(jobs.len(), 1, "one job");
    assert_eq!(wf["jobs"]["generate"]["runs-on"], "ubuntu-latest");
    let steps = steps(wf, "generate");
    assert!(
        steps[0].uses.starts_with("actions/checkout@"),
        "checkout first"
    );
    for s in &steps {
        for banned in ["curl ", "wget ", "releases/download"] {
            assert!(
                !s.run.contains(banned),
                "step {:?} downloads a binary",
                s.name
            );
        }
    }
    let built = step_running(&steps, build);
    let linted = step_running(&steps, "slogen lint slos/");
    let generated = step_running(&steps, "slogen generate -i slos/ -o generated/ --prune");
    let committed = step_running(&steps, "git commit");
    assert!(
        built < linted && linted < generated && generated < committed,
        "build, lint, generate, commit: {steps:#?}"
    );
    let commit = &steps[committed].run;
    assert!(commit.contains("git add -A generated/"), "{commit}");
    assert!(commit.contains("push origin \"HEAD:$BRANCH\""), "{commit}");
    steps
}

#[test]
fn ci_workflow_builds_lints_and_runs_the_test_command() {
    let wf = load_yaml(&root().join(".github/workflows/ci.yaml"));
    assert!(wf["on"]["push"].is_object(), "runs on push");
    assert!(
        wf["on"].get("pull_request").is_some(),
        "runs on pull requests"
    );
    let steps = steps(&wf, "test");
    assert!(steps[0].uses.starts_with("actions/checkout@"));
    let build = step_running(&steps, "cargo build --release --locked");
    let clippy = step_running(&steps, "cargo clippy --all-targets --locked -- -D warnings");
    let fmt = step_running(&steps, "cargo fmt --all --check");
    let test = step_running(&steps, "./scripts/test");
    assert!(build < test && clippy < test && fmt < test, "{steps:#?}");
    // .ci/run, the gate of record, runs the same command.
    let ci_run = std::fs::read_to_string(root().join(".ci/run")).unwrap();
    assert!(ci_run.contains("./scripts/test"), "{ci_run}");
    let timeout = wf["jobs"]["test"]["timeout-minutes"]
        .as_u64()
        .expect("a timeout");
    assert!(timeout <= 90, "CI's budget is 90 minutes");
}

#[test]
fn generate_workflow_builds_slogen_from_this_source() {
    let wf = load_yaml(&root().join(".github/workflows/generate-slos.yaml"));
    let steps = assert_generate_workflow(&wf, "cargo build --release --locked --bin slogen");
    let build = step_running(&steps, "cargo build");
    assert!(steps[build]
        .run
        .contains("target/release\" >> \"$GITHUB_PATH\""));
}

fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.com")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.com")
        .output()
        .expect("git runs");
    assert!(out.status.success(), "git {args:?}: {}", text(&out.stderr));
    text(&out.stdout)
}

/// Runs a step's script as GitHub runs `run:` (`bash --noprofile --norc -eo pipefail`), in
/// `dir`, with `env` and the slogen under test first on PATH.
pub fn bash_step(dir: &Path, script: &str, env: &[(&str, &str)]) -> std::process::Output {
    let bin = crate::support::slogen_bin();
    let path = format!(
        "{}:{}",
        bin.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    Command::new("bash")
        .args(["--noprofile", "--norc", "-eo", "pipefail", "-c", script])
        .current_dir(dir)
        .env("PATH", path)
        .env("NO_COLOR", "1")
        .envs(env.iter().copied())
        .output()
        .expect("bash runs")
}

/// [`bash_step`], which must succeed; its stdout.
pub fn run_step(dir: &Path, script: &str, env: &[(&str, &str)]) -> String {
    let out = bash_step(dir, script, env);
    assert!(
        out.status.success(),
        "{script}\n{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    text(&out.stdout)
}

/// The `run` of the first step whose name or `run` contains `needle`.
pub fn step_run(steps: &[Step], needle: &str) -> String {
    steps
        .iter()
        .find(|s| s.name.contains(needle) || s.run.contains(needle))
        .unwrap_or_else(|| panic!("no step {needle:?}: {steps:#?}"))
        .run
        .clone()
}

#[test]
fn commit_step_commits_and_pushes_only_changes_to_generated() {
    let wf = load_yaml(&root().join(".github/workflows/generate-slos.yaml"));
    assert_commit_step_pushes_only(
        &wf,
        &["generated"],
        "generated/ is up to date",
        "Regenerate generated/ from slos/",
    );
}

/// Runs a generate workflow's commit step against a local bare remote: nothing to commit
/// (it prints `up_to_date`), then a commit (subject `subject`) of the changes in `folders`
/// alone, pushed to the branch the workflow ran on.
pub fn assert_commit_step_pushes_only(
    wf: &Value,
    folders: &[&str],
    up_to_date: &str,
    subject: &str,
) {
    let steps = steps(wf, "generate");
    let commit = &steps[step_running(&steps, "git commit")].run;
    let env = [("GITHUB_TOKEN", "not-a-token"), ("BRANCH", "main")];

    let tmp = tempfile::tempdir().unwrap();
    let remote = tmp.path().join("remote.git");
    let work = tmp.path().join("work");
    git(
        tmp.path(),
        &[
            "init",
            "-q",
            "--bare",
            "-b",
            "main",
            remote.to_str().unwrap(),
        ],
    );
    git(
        tmp.path(),
        &[
            "clone",
            "-q",
            remote.to_str().unwrap(),
            work.to_str().unwrap(),
        ],
    );
    git(&work, &["checkout", "-q", "-b", "main"]);
    for f in folders {
        std::fs::create_dir_all(work.join(f)).unwrap();
        std::fs::write(work.join(f).join("a.yaml"), "old\n").unwrap();
    }
    std::fs::create_dir_all(work.join("slos")).unwrap();
    std::fs::write(work.join("slos/a.yaml"), "spec\n").unwrap();
    git(&work, &["add", "-A"]);
    git(&work, &["commit", "-q", "-m", "start"]);
    git(&work, &["push", "-q", "-u", "origin", "main"]);

    // Nothing changed: no commit.
    let out = run_step(&work, commit, &env);
    assert!(out.contains(up_to_date), "{out}");
    assert_eq!(git(&remote, &["rev-list", "--count", "main"]).trim(), "1");

    // A changed and a new file in each folder, and an unrelated edit that must not be
    // committed.
    let mut expected = format!("github-actions[bot] {subject}\n");
    let mut sorted = folders.to_vec();
    sorted.sort_unstable(); // git lists paths in order
    for f in sorted {
        std::fs::write(work.join(f).join("a.yaml"), "new\n").unwrap();
        std::fs::write(work.join(f).join("b.yaml"), "b\n").unwrap();
        expected.push_str(&format!("\n{f}/a.yaml\n{f}/b.yaml"));
    }
    std::fs::write(work.join("slos/a.yaml"), "edited\n").unwrap();
    run_step(&work, commit, &env);
    assert_eq!(git(&remote, &["rev-list", "--count", "main"]).trim(), "2");
    let files = git(&remote, &["show", "--name-only", "--format=%an %s", "main"]);
    assert_eq!(files.trim(), expected);
}
