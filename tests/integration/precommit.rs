//! The pre-commit hooks slogen offers (`.pre-commit-hooks.yaml`) and this repository's own
//! `.pre-commit-config.yaml`, checked by the real `pre-commit` tool from PyPI.
//!
//! `./scripts/test` installs pre-commit; a test that cannot find it fails.

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

use crate::support::{root, text};
use crate::workflows::load_yaml;

/// The pre-commit version scripts/test installs.
pub const PRE_COMMIT_VERSION: &str = "4.5.1";

/// Runs `python3 -m pre_commit ARGS` in `dir`, with its cache in `home`.
pub fn pre_commit(dir: &Path, home: &Path, args: &[&str]) -> Output {
    let out = Command::new("python3")
        .args(["-m", "pre_commit"])
        .args(args)
        .current_dir(dir)
        .env("PRE_COMMIT_HOME", home)
        .env("PRE_COMMIT_COLOR", "never")
        .env("SKIP", "")
        .output()
        .expect("python3 runs");
    let err = text(&out.stderr);
    assert!(
        !err.contains("No module named pre_commit"),
        "pre-commit is not installed: run ./scripts/test, or python3 -m pip install pre-commit=={PRE_COMMIT_VERSION}"
    );
    out
}

/// The hooks of `.pre-commit-hooks.yaml`.
pub fn manifest() -> Vec<Value> {
    load_yaml(&root().join(".pre-commit-hooks.yaml"))
        .as_array()
        .expect("a list of hooks")
        .clone()
}

#[test]
fn pre_commit_accepts_the_hook_manifest_and_configs() {
    let home = tempfile::tempdir().unwrap();
    let version = pre_commit(&root(), home.path(), &["--version"]);
    assert!(version.status.success(), "{}", text(&version.stderr));
    assert_eq!(
        text(&version.stdout).trim(),
        format!("pre-commit {PRE_COMMIT_VERSION}")
    );
    for (cmd, file) in [
        ("validate-manifest", ".pre-commit-hooks.yaml"),
        ("validate-config", ".pre-commit-config.yaml"),
    ] {
        let out = pre_commit(&root(), home.path(), &[cmd, file]);
        assert!(
            out.status.success() && out.stderr.is_empty(),
            "{cmd} {file}: {}{}",
            text(&out.stdout),
            text(&out.stderr)
        );
    }
    // ...and refuses a broken manifest, so the check above means something.
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(
        tmp.path().join("bad.yaml"),
        "- id: x\n  entry: slogen\n  language: rusty\n",
    )
    .unwrap();
    let bad = pre_commit(tmp.path(), home.path(), &["validate-manifest", "bad.yaml"]);
    assert!(!bad.status.success());
}

#[test]
fn hook_manifest_offers_generate_and_lint_built_with_cargo() {
    let hooks = manifest();
    let ids: Vec<&str> = hooks.iter().map(|h| h["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["slogen-generate", "slogen-lint"]);
    for h in &hooks {
        assert_eq!(h["language"], "rust", "pre-commit builds slogen with cargo");
        assert_eq!(
            h["pass_filenames"], false,
            "{}: works on whole folders",
            h["id"]
        );
        assert!(h["description"].as_str().is_some_and(|d| d.len() > 20));
    }
    let generate = &hooks[0];
    assert_eq!(generate["entry"], "slogen generate");
    assert_eq!(
        generate["args"],
        serde_json::json!(["-i", "slos/", "-o", "generated/", "--prune"])
    );
    let lint = &hooks[1];
    assert_eq!(lint["entry"], "slogen lint");
    assert_eq!(lint["args"], serde_json::json!(["slos/"]));
    // pre-commit matches `files` with Python's re.search; these patterns mean the same in Rust.
    let files = |h: &Value| regex::Regex::new(h["files"].as_str().unwrap()).unwrap();
    assert!(files(generate).is_match("slos/team/a.yaml"));
    assert!(
        files(generate).is_match("generated/a.yaml"),
        "hand edits of rules are undone"
    );
    assert!(!files(generate).is_match("src/slos/a.yaml"));
    assert!(files(lint).is_match("slos/a.yml"));
    assert!(!files(lint).is_match("generated/a.yaml"));
    // Cargo can build the binary the entries name.
    let cargo = std::fs::read_to_string(root().join("Cargo.toml")).unwrap();
    assert!(
        cargo.contains("[[bin]]\nname = \"slogen\""),
        "no slogen binary target"
    );
}

#[test]
fn repository_config_runs_the_same_hooks_as_the_manifest() {
    let config = load_yaml(&root().join(".pre-commit-config.yaml"));
    let local = &config["repos"][0];
    assert_eq!(local["repo"], "local");
    for offered in manifest() {
        let id = offered["id"].as_str().unwrap();
        let ours = local["hooks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|h| h["id"] == id)
            .unwrap_or_else(|| panic!("{id} missing from .pre-commit-config.yaml"));
        let sub = offered["entry"]
            .as_str()
            .unwrap()
            .trim_start_matches("slogen ");
        assert_eq!(
            ours["entry"],
            format!("cargo run --quiet --release -- {sub}")
        );
        for key in ["args", "files", "pass_filenames"] {
            assert_eq!(ours[key], offered[key], "{id}: {key}");
        }
    }
}
