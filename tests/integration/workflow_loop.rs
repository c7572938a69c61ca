//! The whole SLOs-as-code loop in a temporary git repository: `slogen init`, `generate`,
//! `--check` catching a forgotten regeneration and a deleted spec, `--prune`, and pre-commit
//! running both hooks on a real `git commit`.
//!
//! pre-commit runs the hooks of `.pre-commit-hooks.yaml` through a `repo: local` config with
//! the same entry, args and files, pointed at the slogen cargo built for the tests: building
//! slogen again inside pre-commit (`language: rust`) would take minutes.

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

use crate::precommit::{manifest, pre_commit};
use crate::support::{slogen, slogen_bin, text};

fn git(dir: &Path, args: &[&str]) -> Output {
    Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.com")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.com")
        .env("PRE_COMMIT_COLOR", "never")
        .output()
        .expect("git runs")
}

fn ok(out: Output, what: &str) -> String {
    assert!(
        out.status.success(),
        "{what}: exit {:?}\n{}{}",
        out.status.code(),
        text(&out.stdout),
        text(&out.stderr)
    );
    format!("{}{}", text(&out.stdout), text(&out.stderr))
}

/// `generate` as the scaffold's workflows and hooks run it (`init` chose PrometheusRule
/// objects, for ArgoCD).
fn generate(dir: &Path, extra: &[&str]) -> Output {
    let mut args = vec![
        "generate",
        "-i",
        "slos/",
        "-o",
        "generated/",
        "--output-format",
        "prometheusrule",
    ];
    args.extend_from_slice(extra);
    slogen(dir, &args)
}

/// A `repo: local` pre-commit config running the manifest's hooks with the test binary, with
/// the `args` the scaffolded `.pre-commit-config.yaml` gives a hook in place of the manifest's.
fn local_config(hooks: &[Value], scaffolded: &Value) -> String {
    let bin = slogen_bin();
    let mut out = String::from("repos:\n  - repo: local\n    hooks:\n");
    for h in hooks {
        let entry = h["entry"].as_str().unwrap();
        let sub = entry.strip_prefix("slogen ").expect("entry runs slogen");
        let own = scaffolded["repos"][0]["hooks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["id"] == h["id"])
            .and_then(|s| s.get("args"));
        let args: Vec<String> = own
            .unwrap_or(&h["args"])
            .as_array()
            .unwrap()
            .iter()
            .map(|a| serde_json::to_string(a).unwrap())
            .collect();
        out.push_str(&format!(
            "      - id: {}\n        name: {}\n        entry: {}\n        args: [{}]\n        language: system\n        files: {}\n        pass_filenames: {}\n        require_serial: true\n",
            h["id"].as_str().unwrap(),
            h["name"].as_str().unwrap(),
            serde_json::to_string(&format!("{} {sub}", bin.display())).unwrap(),
            args.join(", "),
            serde_json::to_string(&h["files"]).unwrap(),
            h["pass_filenames"],
        ));
    }
    out
}

#[test]
fn init_generate_check_prune_and_pre_commit() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path();
    ok(git(repo, &["init", "-q", "-b", "main"]), "git init");

    // 1. init, 2. generate, 3. --check passes.
    ok(slogen(repo, &["init", "."]), "init");
    let scaffolded = std::fs::read(repo.join("generated/example.yaml")).unwrap();
    ok(generate(repo, &[]), "generate");
    assert_eq!(
        std::fs::read(repo.join("generated/example.yaml")).unwrap(),
        scaffolded
    );
    ok(generate(repo, &["--check"]), "--check right after init");

    // 4. Edit a spec: --check fails with a diff of the stale rules.
    let spec_path = repo.join("slos/example.yaml");
    let spec = std::fs::read_to_string(&spec_path).unwrap();
    std::fs::write(
        &spec_path,
        spec.replacen("objective: 99.9", "objective: 99.5", 1),
    )
    .unwrap();
    let stale = generate(repo, &["--check"]);
    assert_eq!(stale.status.code(), Some(1), "{}", text(&stale.stderr));
    let diff = format!("{}{}", text(&stale.stdout), text(&stale.stderr));
    assert!(diff.contains("generated/example.yaml"), "{diff}");
    assert!(diff.contains("@@"), "no unified diff: {diff}");
    let changed = |sign: char, value: &str| {
        diff.lines()
            .any(|l| l.starts_with(sign) && l.contains("sloth_objective") && l.contains(value))
    };
    assert!(changed('-', "99.9") && changed('+', "99.5"), "{diff}");
    assert_eq!(
        std::fs::read(repo.join("generated/example.yaml")).unwrap(),
        scaffolded,
        "--check wrote"
    );

    // 5. generate, and --check passes.
    ok(generate(repo, &[]), "generate after edit");
    ok(generate(repo, &["--check"]), "--check after generate");

    // 6. Delete a spec: --check fails on the orphan; --prune removes it.
    let second = spec
        .replacen("name: example-api", "name: checkout", 1)
        .replacen("service: \"example-api\"", "service: \"checkout\"", 1);
    std::fs::write(repo.join("slos/checkout.yaml"), &second).unwrap();
    ok(generate(repo, &[]), "generate a second spec");
    assert!(repo.join("generated/checkout.yaml").is_file());
    std::fs::remove_file(repo.join("slos/checkout.yaml")).unwrap();
    let orphan = generate(repo, &["--check"]);
    assert_eq!(orphan.status.code(), Some(1));
    let report = format!("{}{}", text(&orphan.stdout), text(&orphan.stderr));
    assert!(report.contains("generated/checkout.yaml"), "{report}");
    let pruned = ok(generate(repo, &["--prune"]), "--prune");
    assert!(
        pruned.contains("generated/checkout.yaml"),
        "--prune does not say what it removed: {pruned}"
    );
    assert!(!repo.join("generated/checkout.yaml").exists());
    assert!(repo.join("generated/example.yaml").is_file());
    ok(generate(repo, &["--check"]), "--check after --prune");

    // 7. pre-commit runs both hooks on a real commit.
    let home = tempfile::tempdir().unwrap();
    let hooks = manifest();
    let scaffolded = crate::workflows::load_yaml(&repo.join(".pre-commit-config.yaml"));
    std::fs::write(
        repo.join(".pre-commit-config.yaml"),
        local_config(&hooks, &scaffolded),
    )
    .unwrap();
    ok(git(repo, &["add", "-A"]), "git add");
    let install = pre_commit(repo, home.path(), &["install"]);
    ok(install, "pre-commit install");
    let first = commit(repo, home.path(), "start");
    let log = ok(first, "first commit");
    for h in &hooks {
        let name = h["name"].as_str().unwrap();
        assert!(
            log.lines()
                .any(|l| l.starts_with(name) && l.ends_with("Passed")),
            "{name} did not pass: {log}"
        );
    }

    // Someone edits a spec and forgets to regenerate: the generate hook regenerates and
    // fails the commit; staging its output lets the commit through.
    std::fs::write(
        &spec_path,
        spec.replacen("objective: 99.9", "objective: 99.95", 1),
    )
    .unwrap();
    ok(git(repo, &["add", "slos/example.yaml"]), "git add spec");
    let refused = commit(repo, home.path(), "raise the objective");
    assert!(
        !refused.status.success(),
        "commit went through with stale rules"
    );
    let log = format!("{}{}", text(&refused.stdout), text(&refused.stderr));
    assert!(log.contains("files were modified by this hook"), "{log}");
    ok(
        generate(repo, &["--check"]),
        "the hook regenerated generated/",
    );
    ok(git(repo, &["add", "generated/"]), "git add generated");
    ok(
        commit(repo, home.path(), "raise the objective"),
        "second commit",
    );
    let files = ok(
        git(repo, &["show", "--name-only", "--format=", "HEAD"]),
        "git show",
    );
    assert_eq!(files.trim(), "generated/example.yaml\nslos/example.yaml");

    // A spec with an error: the lint hook fails the commit and points at the line.
    std::fs::write(
        &spec_path,
        spec.replacen("objective: 99.9", "objective: 101", 1),
    )
    .unwrap();
    ok(git(repo, &["add", "slos/example.yaml"]), "git add bad spec");
    let refused = commit(repo, home.path(), "break the objective");
    assert!(
        !refused.status.success(),
        "commit went through with an invalid spec"
    );
    let log = format!("{}{}", text(&refused.stdout), text(&refused.stderr));
    let lint = hooks[1]["name"].as_str().unwrap();
    assert!(
        log.lines()
            .any(|l| l.starts_with(lint) && l.ends_with("Failed")),
        "{log}"
    );
    let line = 1 + spec
        .lines()
        .position(|l| l.contains("objective: 99.9"))
        .unwrap();
    assert!(log.contains(&format!("slos/example.yaml:{line}:")), "{log}");

    // 9. Issue 16: `page_alert:` in a Kubernetes spec (which spells it `pageAlert`), or
    // `pageAlert:` in a prometheus/v1 one (`page_alert`), is ignored, and the page alert loses
    // `severity: critical`, the label Alertmanager routes on. The lint hook fails the commit on
    // it, and so does the lint step of the scaffolded workflow.
    let (right, wrong) = if spec.contains("pageAlert:") {
        ("pageAlert", "page_alert")
    } else {
        ("page_alert", "pageAlert")
    };
    let misspelt = spec.replacen(&format!("{right}:"), &format!("{wrong}:"), 1);
    assert_ne!(misspelt, spec);
    std::fs::write(&spec_path, &misspelt).unwrap();
    ok(
        git(repo, &["add", "slos/example.yaml"]),
        "git add misspelt spec",
    );
    let refused = commit(repo, home.path(), "misspell a key");
    assert!(
        !refused.status.success(),
        "commit went through with a misspelt key"
    );
    let log = format!("{}{}", text(&refused.stdout), text(&refused.stderr));
    assert!(
        log.lines()
            .any(|l| l.starts_with(lint) && l.ends_with("Failed")),
        "{log}"
    );
    let line = 1 + misspelt
        .lines()
        .position(|l| l.contains(&format!("{wrong}:")))
        .unwrap();
    assert!(
        log.contains(&format!("error[L001]: unknown key `{wrong}`"))
            && log.contains(&format!("slos/example.yaml:{line}:"))
            && log.contains(&format!("did you mean `{right}`?")),
        "{log}"
    );
    let workflow =
        std::fs::read_to_string(repo.join(".github/workflows/generate-slos.yaml")).unwrap();
    assert!(workflow.contains("run: slogen lint slos/"), "{workflow}");
    let ci_lint = slogen(repo, &["lint", "slos/"]);
    assert_eq!(ci_lint.status.code(), Some(1), "{}", text(&ci_lint.stdout));
}

fn commit(repo: &Path, home: &Path, message: &str) -> Output {
    Command::new("git")
        .args(["commit", "-q", "-m", message])
        .current_dir(repo)
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.com")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.com")
        .env("PRE_COMMIT_HOME", home)
        .env("PRE_COMMIT_COLOR", "never")
        .env("SKIP", "")
        .output()
        .expect("git runs")
}
