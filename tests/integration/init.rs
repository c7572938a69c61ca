//! `slogen init`: the scaffolded tree, its generated rules, and refusing to overwrite.

use std::path::Path;

use crate::support::{slogen, text};
use crate::workflows::{assert_generate_workflow, load_yaml};

const FILES: [&str; 9] = [
    "slos/example.yaml",
    "generated/example.yaml",
    "dashboards/slo-example-api.yaml",
    "dashboards/slo-overview.yaml",
    "argocd/application.yaml",
    "argocd/dashboards.yaml",
    ".github/workflows/generate-slos.yaml",
    ".pre-commit-config.yaml",
    ".slogen/kubernetes.schema.json",
];

fn init(dir: &Path, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["init", "."];
    args.extend_from_slice(extra);
    slogen(dir, &args)
}

#[test]
fn scaffolds_a_working_layout() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("team-slos");
    let out = slogen(
        tmp.path(),
        &[
            "init",
            "team-slos",
            "--repo-url",
            "https://git.example.org/acme/slos.git",
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    for f in FILES {
        assert!(dir.join(f).is_file(), "{f} missing");
        assert!(
            text(&out.stdout).contains(f),
            "{f} not reported: {}",
            text(&out.stdout)
        );
    }

    // generated/ holds exactly what `generate` writes for the example spec.
    let gen = slogen(&dir, &["generate", "-i", "slos/example.yaml"]);
    assert!(gen.status.success(), "{}", text(&gen.stderr));
    assert_eq!(
        std::fs::read(dir.join("generated/example.yaml")).unwrap(),
        gen.stdout
    );
    let rule = load_yaml(&dir.join("generated/example.yaml"));
    assert_eq!(rule["kind"], "PrometheusRule", "ArgoCD can apply it");
    assert_eq!(rule["metadata"]["namespace"], "monitoring");
    let groups = rule["spec"]["groups"].as_array().unwrap();
    assert_eq!(groups.len(), 3, "SLI, metadata and alert groups");

    // The ArgoCD Application syncs generated/ to monitoring, pruning and self-healing.
    let app = load_yaml(&dir.join("argocd/application.yaml"));
    assert_eq!(app["apiVersion"], "argoproj.io/v1alpha1");
    assert_eq!(app["kind"], "Application");
    assert_eq!(
        app["spec"]["source"]["repoURL"],
        "https://git.example.org/acme/slos.git"
    );
    assert_eq!(app["spec"]["source"]["path"], "generated");
    assert_eq!(app["spec"]["destination"]["namespace"], "monitoring");
    assert_eq!(app["spec"]["syncPolicy"]["automated"]["prune"], true);
    assert_eq!(app["spec"]["syncPolicy"]["automated"]["selfHeal"], true);

    // dashboards/ holds exactly what `dashboards --format configmap` writes, and ArgoCD
    // syncs it next to the rules.
    let dash = slogen(
        &dir,
        &[
            "dashboards",
            "-i",
            "slos/",
            "-o",
            "dashboards/",
            "--format",
            "configmap",
            "--check",
        ],
    );
    assert!(
        dash.status.success(),
        "{}{}",
        text(&dash.stdout),
        text(&dash.stderr)
    );
    let cm = load_yaml(&dir.join("dashboards/slo-example-api.yaml"));
    assert_eq!(cm["kind"], "ConfigMap");
    assert_eq!(cm["metadata"]["labels"]["grafana_dashboard"], "1");
    let app = load_yaml(&dir.join("argocd/dashboards.yaml"));
    assert_eq!(app["kind"], "Application");
    assert_eq!(app["spec"]["source"]["path"], "dashboards");
    assert_eq!(
        app["spec"]["source"]["repoURL"],
        "https://git.example.org/acme/slos.git"
    );
    assert_eq!(app["spec"]["destination"]["namespace"], "monitoring");

    // The workflow builds slogen from source with cargo, and regenerates the dashboards
    // before it commits.
    let wf = load_yaml(&dir.join(".github/workflows/generate-slos.yaml"));
    let steps = assert_generate_workflow(&wf, "cargo install --locked --git \"$SLOGEN_GIT\"");
    let at = |needle: &str| steps.iter().position(|s| s.run.contains(needle)).unwrap();
    assert!(
        at("slogen dashboards -i slos/ -o dashboards/ --format configmap --prune")
            < at("git commit")
    );
    assert!(steps[at("git commit")]
        .run
        .contains("git add -A generated/ dashboards/"));
    assert_eq!(wf["env"]["SLOGEN_TAG"], slogen::VERSION);

    // pre-commit uses slogen's two hooks.
    let pc = load_yaml(&dir.join(".pre-commit-config.yaml"));
    let hooks: Vec<&str> = pc["repos"][0]["hooks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["id"].as_str().unwrap())
        .collect();
    assert_eq!(hooks, ["slogen-generate", "slogen-lint"]);
    assert_eq!(pc["repos"][0]["rev"], slogen::VERSION);

    // The example spec passes the schema it points yaml-language-server at.
    let spec = std::fs::read_to_string(dir.join("slos/example.yaml")).unwrap();
    assert!(spec.contains("# yaml-language-server: $schema=../.slogen/kubernetes.schema.json"));
    let schema: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join(".slogen/kubernetes.schema.json")).unwrap())
            .unwrap();
    let doc = slogen::spec::split_documents(&spec).remove(0);
    let node = slogen::yaml::parse_one(&doc.text, doc.origin).unwrap();
    let v = jsonschema::validator_for(&schema).unwrap();
    let json = slogen::spec::read::to_json(&node);
    assert!(
        v.is_valid(&json),
        "{:?}",
        v.iter_errors(&json)
            .map(|e| e.to_string())
            .collect::<Vec<_>>()
    );
}

#[test]
fn lists_every_conflict_and_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::fs::create_dir_all(dir.join("slos")).unwrap();
    std::fs::write(dir.join("slos/example.yaml"), "mine\n").unwrap();
    std::fs::write(dir.join(".pre-commit-config.yaml"), "repos: []\n").unwrap();
    std::fs::write(dir.join("README.md"), "hello\n").unwrap();
    let out = init(dir, &[]);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(
        err.contains("2 existing path(s); nothing was written"),
        "{err}"
    );
    assert!(
        err.contains("slos/example.yaml") && err.contains(".pre-commit-config.yaml"),
        "{err}"
    );
    assert!(err.contains("--force"), "{err}");
    // Nothing written, nothing changed.
    assert!(!dir.join("generated").exists());
    assert!(!dir.join("argocd").exists());
    assert_eq!(
        std::fs::read_to_string(dir.join("slos/example.yaml")).unwrap(),
        "mine\n"
    );

    // --force overwrites; files init does not own are left alone.
    let out = init(dir, &["--force"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_ne!(
        std::fs::read_to_string(dir.join("slos/example.yaml")).unwrap(),
        "mine\n"
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("README.md")).unwrap(),
        "hello\n"
    );

    // A second init finds all of its own files.
    let again = init(dir, &[]);
    assert_eq!(again.status.code(), Some(1));
    let err = text(&again.stderr);
    for f in FILES {
        assert!(err.contains(f), "{f} not listed: {err}");
    }
}

#[test]
fn a_folder_in_the_way_is_a_conflict_even_with_force() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(tmp.path().join("argocd/application.yaml")).unwrap();
    let out = init(tmp.path(), &["--force"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("argocd/application.yaml (a folder)"),
        "{}",
        text(&out.stderr)
    );
    assert!(!tmp.path().join("slos").exists());
}

#[test]
fn non_empty_folder_without_conflicts_is_fine() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("notes.txt"), "keep\n").unwrap();
    let out = init(tmp.path(), &[]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        std::fs::read_to_string(tmp.path().join("notes.txt")).unwrap(),
        "keep\n"
    );
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("set repoURL in argocd/application.yaml"),
        "{stdout}"
    );
}
