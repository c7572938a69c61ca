//! `slogen init`: every file it writes, checked by what consumes it: the example spec by lint
//! and its schema, the rules by `generate` and the PrometheusRule CRD, the workflows' steps run
//! in bash (the gate against the real Prometheus fixture), pre-commit's config by pre-commit,
//! the report CronJob's command against the fixture, the web UI's Deployment by running its
//! container's command on a clone of the scaffold (what git-sync gives it) against the fixture
//! and probing it, `.gitignore` by git. The workflows also go
//! through actionlint, zizmor and check-jsonschema (`actions_check.rs`).

use std::path::Path;
use std::process::Command;

use serde_json::Value;

use crate::precommit::pre_commit;
use crate::prom_fixture::fixture;
use crate::prom_model::END;
use crate::prometheusrule::{assert_valid_object, crd_validator};
use crate::support::{root, slogen, text};
use crate::workflows::{
    assert_commit_step_pushes_only, assert_generate_workflow, bash_step, load_yaml, run_step,
    step_run, steps,
};

/// Every file `init` writes into an empty folder.
/// The first four come from the example spec, which is not written when `slos/` has specs.
pub const FILES: [&str; 17] = [
    "slos/example.yaml",
    "generated/example.yaml",
    "dashboards/slo-example-api.yaml",
    "dashboards/slo-overview.yaml",
    "deploy/alertmanager-slos.yaml",
    "argocd/application.yaml",
    "argocd/dashboards.yaml",
    ".github/workflows/generate-slos.yaml",
    ".github/workflows/slo-check.yaml",
    ".github/workflows/slo-gate.yaml",
    ".pre-commit-config.yaml",
    "deploy/slo-report-cronjob.yaml",
    "deploy/slogen-incidents.yaml",
    "deploy/slogen-serve.yaml",
    ".slogen/prometheus-v1.schema.json",
    ".slogen/kubernetes.schema.json",
    ".gitignore",
];

fn init(dir: &Path, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["init", "."];
    args.extend_from_slice(extra);
    slogen(dir, &args)
}

/// A scaffolded git repository.
pub fn scaffold(extra: &[&str]) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let git = Command::new("git")
        .args(["init", "-q", "-b", "main"])
        .current_dir(tmp.path())
        .output()
        .unwrap();
    assert!(git.status.success());
    let out = init(tmp.path(), extra);
    assert!(out.status.success(), "{}", text(&out.stderr));
    tmp
}

/// The image the release workflow pushes for this version: ghcr.io/<repository>:<version>,
/// from Cargo.toml's `repository` (the one place the project's home is written).
pub fn release_image() -> String {
    let manifest: toml::Value =
        toml::from_str(&std::fs::read_to_string(root().join("Cargo.toml")).unwrap()).unwrap();
    let pkg = &manifest["package"];
    let repo = pkg["repository"].as_str().unwrap();
    let path = repo
        .strip_prefix("https://github.com/")
        .expect("a GitHub repository");
    format!(
        "ghcr.io/{}:{}",
        path.to_lowercase(),
        pkg["version"].as_str().unwrap()
    )
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
    let stdout = text(&out.stdout);
    for f in FILES {
        assert!(dir.join(f).is_file(), "{f} missing");
        assert!(
            stdout.contains(&format!("created team-slos/{f}\n")),
            "{f}: {stdout}"
        );
    }
    assert!(stdout.contains("output format: prometheusrule"), "{stdout}");

    // The example spec lints clean and passes the schema it points yaml-language-server at.
    let lint = slogen(&dir, &["lint", "slos/"]);
    assert!(
        lint.status.success(),
        "{}{}",
        text(&lint.stdout),
        text(&lint.stderr)
    );
    let spec = std::fs::read_to_string(dir.join("slos/example.yaml")).unwrap();
    assert!(spec.contains("# yaml-language-server: $schema=../.slogen/prometheus-v1.schema.json"));
    assert!(spec
        .contains("slogen generate -i slos/ -o generated/ --output-format prometheusrule --check"));
    assert_valid_against(&dir.join(".slogen/prometheus-v1.schema.json"), &spec);
    for (kind, file) in [
        ("prometheus-v1", "prometheus-v1"),
        ("kubernetes", "kubernetes"),
    ] {
        let printed = slogen(&dir, &["schema", kind]);
        assert_eq!(
            std::fs::read(dir.join(format!(".slogen/{file}.schema.json"))).unwrap(),
            printed.stdout,
            "{file} schema"
        );
    }
    let k8s = std::fs::read_to_string(root().join("slos/api-gateway.yaml")).unwrap();
    assert_valid_against(&dir.join(".slogen/kubernetes.schema.json"), &k8s);

    // generated/ holds exactly what the workflows' generate command writes: a PrometheusRule,
    // valid against the CRD, so ArgoCD can apply it.
    let gen = slogen(
        &dir,
        &[
            "generate",
            "-i",
            "slos/example.yaml",
            "--output-format",
            "prometheusrule",
        ],
    );
    assert!(gen.status.success(), "{}", text(&gen.stderr));
    assert_eq!(
        std::fs::read(dir.join("generated/example.yaml")).unwrap(),
        gen.stdout
    );
    let rule = load_yaml(&dir.join("generated/example.yaml"));
    assert_eq!(rule["kind"], "PrometheusRule");
    assert_eq!(rule["metadata"]["name"], "example-api");
    assert_eq!(
        rule["spec"]["groups"].as_array().unwrap().len(),
        3,
        "SLI, metadata, alerts"
    );
    assert_valid_object(&crd_validator(), &rule, "generated/example.yaml");

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

    // dashboards/ holds exactly what the workflows' dashboards command writes (its --check
    // passes), ConfigMaps the Grafana sidecar loads, and ArgoCD syncs it next to the rules.
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
    for f in [
        "dashboards/slo-example-api.yaml",
        "dashboards/slo-overview.yaml",
    ] {
        let cm = load_yaml(&dir.join(f));
        assert_eq!(cm["kind"], "ConfigMap", "{f}");
        assert_eq!(cm["metadata"]["labels"]["grafana_dashboard"], "1", "{f}");
    }
    let app = load_yaml(&dir.join("argocd/dashboards.yaml"));
    assert_eq!(app["kind"], "Application");
    assert_eq!(app["spec"]["source"]["path"], "dashboards");
    assert_eq!(
        app["spec"]["source"]["repoURL"],
        "https://git.example.org/acme/slos.git"
    );
    assert_eq!(app["spec"]["destination"]["namespace"], "monitoring");
    assert_eq!(app["spec"]["syncPolicy"]["automated"]["prune"], true);
}

fn assert_valid_against(schema: &Path, spec: &str) {
    let schema: Value = serde_json::from_slice(&std::fs::read(schema).unwrap()).unwrap();
    let v = jsonschema::validator_for(&schema).unwrap();
    let doc = slogen::spec::split_documents(spec).remove(0);
    let json =
        slogen::spec::read::to_json(&slogen::yaml::parse_one(&doc.text, doc.origin).unwrap());
    let errors: Vec<String> = v.iter_errors(&json).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{errors:?}");
}

#[test]
fn the_generate_workflow_installs_the_release_and_commits_only_generated_and_dashboards() {
    let repo = scaffold(&[]);
    let wf = load_yaml(&repo.path().join(".github/workflows/generate-slos.yaml"));
    let steps = assert_generate_workflow(
        &wf,
        "cargo install --locked --version \"$SLOGEN_VERSION\" slogen",
    );
    assert_eq!(wf["env"]["SLOGEN_VERSION"], env!("CARGO_PKG_VERSION"));
    let generate = &step_run(&steps, "slogen generate");
    assert_eq!(
        generate,
        "slogen generate -i slos/ -o generated/ --prune --output-format prometheusrule"
    );
    // The generate step leaves generated/ as init wrote it.
    let before = std::fs::read(repo.path().join("generated/example.yaml")).unwrap();
    run_step(repo.path(), generate, &[]);
    assert_eq!(
        std::fs::read(repo.path().join("generated/example.yaml")).unwrap(),
        before
    );
    // So does the dashboards step with dashboards/, and it runs before the commit.
    let dashboards = &step_run(&steps, "slogen dashboards");
    assert_eq!(
        dashboards,
        "slogen dashboards -i slos/ -o dashboards/ --output-format configmap --prune"
    );
    let before = std::fs::read(repo.path().join("dashboards/slo-example-api.yaml")).unwrap();
    run_step(repo.path(), dashboards, &[]);
    assert_eq!(
        std::fs::read(repo.path().join("dashboards/slo-example-api.yaml")).unwrap(),
        before
    );
    let at = |needle: &str| steps.iter().position(|s| s.run.contains(needle)).unwrap();
    assert!(at("slogen dashboards") < at("git commit"));
    assert_commit_step_pushes_only(
        &wf,
        &["generated", "dashboards"],
        "generated/ and dashboards/ are up to date",
        "Regenerate generated/ and dashboards/ from slos/",
    );

    // --slogen-git builds from that source instead, at the version's tag.
    let repo = scaffold(&["--slogen-git", "https://git.example.com/mirror/slogen.git"]);
    let wf = load_yaml(&repo.path().join(".github/workflows/generate-slos.yaml"));
    assert_generate_workflow(
        &wf,
        "cargo install --locked --git https://git.example.com/mirror/slogen.git --tag \"v$SLOGEN_VERSION\" slogen",
    );
}

#[test]
fn the_check_workflow_lints_with_annotations_and_sarif_and_checks_generated() {
    let repo = scaffold(&[]);
    let dir = repo.path();
    let wf = load_yaml(&dir.join(".github/workflows/slo-check.yaml"));
    let paths = wf["on"]["pull_request"]["paths"].as_array().unwrap();
    for p in ["slos/**", "generated/**"] {
        assert!(paths.iter().any(|x| x == p), "{p} not a trigger");
    }
    assert_eq!(
        wf["jobs"]["check"]["permissions"]["security-events"],
        "write"
    );
    assert_eq!(wf["jobs"]["check"]["permissions"]["contents"], "read");
    let steps = steps(&wf, "check");
    let names: Vec<&str> = steps.iter().map(|s| s.name.as_str()).collect();
    let upload = steps
        .iter()
        .position(|s| s.uses.starts_with("github/codeql-action/upload-sarif@"))
        .expect("SARIF upload");
    let sarif_step = names
        .iter()
        .position(|n| n.contains("SARIF for code scanning"))
        .unwrap();
    assert!(sarif_step < upload, "{names:?}");
    let with = &load_yaml(&dir.join(".github/workflows/slo-check.yaml"))["jobs"]["check"]["steps"]
        [upload]["with"];
    assert_eq!(with["sarif_file"], "slogen.sarif");

    // On the scaffold: SARIF written and valid, no annotations, generated/ current.
    let sarif_run = &step_run(&steps, "SARIF for code scanning");
    let annotate = &step_run(&steps, "Lint (annotations)");
    let check = &step_run(&steps, "generated/ is up to date");
    let dash_check = &step_run(&steps, "dashboards/ is up to date");
    run_step(dir, sarif_run, &[]);
    assert_sarif_valid(&dir.join("slogen.sarif"), 0);
    let clean = run_step(dir, annotate, &[]);
    assert!(!clean.contains("::error"), "{clean}");
    run_step(dir, check, &[]);
    run_step(dir, dash_check, &[]);

    // A bad spec: annotations at its line, exit 1; the SARIF step still passes and reports it.
    let spec = std::fs::read_to_string(dir.join("slos/example.yaml")).unwrap();
    std::fs::write(
        dir.join("slos/example.yaml"),
        spec.replacen("objective: 99.9", "objective: 101", 1),
    )
    .unwrap();
    let line = 1 + spec
        .lines()
        .position(|l| l.contains("objective: 99.9"))
        .unwrap();
    run_step(dir, sarif_run, &[]);
    assert_sarif_valid(&dir.join("slogen.sarif"), 1);
    let bad = bash_step(dir, annotate, &[]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(
        text(&bad.stdout).contains(&format!("::error file=slos/example.yaml,line={line}")),
        "{}",
        text(&bad.stdout)
    );
    // A spec that changed without its rules: the check step fails with a diff.
    std::fs::write(
        dir.join("slos/example.yaml"),
        spec.replacen("objective: 99.9", "objective: 99.5", 1),
    )
    .unwrap();
    let stale = bash_step(dir, check, &[]);
    assert_eq!(stale.status.code(), Some(1));
    assert!(
        text(&stale.stdout).contains("+++ b/generated/example.yaml"),
        "{}",
        text(&stale.stdout)
    );
    // The dashboards show the objective, so theirs fails too.
    let stale = bash_step(dir, dash_check, &[]);
    assert_eq!(stale.status.code(), Some(1));
    assert!(
        text(&stale.stdout).contains("dashboards/slo-example-api.yaml"),
        "{}",
        text(&stale.stdout)
    );
    // And lint that cannot run at all (exit 2) fails the SARIF step.
    std::fs::remove_dir_all(dir.join("slos")).unwrap();
    assert!(!bash_step(dir, sarif_run, &[]).status.success());
}

fn assert_sarif_valid(path: &Path, results: usize) {
    let sarif: Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("tests/fixtures/sarif-schema-2.1.0.json")).unwrap(),
    )
    .unwrap();
    let validator = jsonschema::draft4::new(&schema).unwrap();
    assert!(validator.is_valid(&sarif), "{sarif}");
    let found = sarif["runs"][0]["results"].as_array().unwrap();
    assert_eq!(
        found.iter().filter(|r| r["level"] == "error").count(),
        results,
        "{sarif}"
    );
}

#[test]
fn the_gate_workflow_gates_on_the_live_error_budget() {
    let repo = scaffold(&[]);
    let wf = load_yaml(&repo.path().join(".github/workflows/slo-gate.yaml"));
    assert!(wf["on"]["workflow_call"].is_object(), "reusable");
    assert!(
        wf["on"]["workflow_dispatch"].is_object(),
        "runnable by hand"
    );
    assert!(wf["on"].get("push").is_none() && wf["on"].get("pull_request").is_none());
    assert_eq!(wf["jobs"]["gate"]["permissions"], serde_json::json!({}));
    let steps = steps(&wf, "gate");
    let gate = &step_run(&steps, "slogen gate");

    // The step as GitHub runs it, against the Prometheus fixture at the end of its history.
    let f = fixture();
    let time = format!("--time {END}");
    let env = |min: &'static str| {
        vec![
            ("PROMETHEUS_URL", f.url.clone()),
            ("PROMETHEUS_TOKEN", String::new()),
            ("SERVICE", "tr-web".to_string()),
            ("MIN_BUDGET", min.to_string()),
            ("ARGS", time.clone()),
        ]
    };
    let run = |min: &'static str| {
        let e = env(min);
        let refs: Vec<(&str, &str)> = e.iter().map(|(k, v)| (*k, v.as_str())).collect();
        bash_step(repo.path(), gate, &refs)
    };
    let allow = run("10%");
    assert_eq!(
        allow.status.code(),
        Some(0),
        "{}{}",
        text(&allow.stdout),
        text(&allow.stderr)
    );
    assert!(
        text(&allow.stdout)
            .starts_with("allow: lowest error budget is tr-web-requests-availability"),
        "{}",
        text(&allow.stdout)
    );
    let block = run("40%");
    assert_eq!(block.status.code(), Some(1), "{}", text(&block.stdout));
    assert!(
        text(&block.stdout).starts_with("block: tr-web-requests-availability has"),
        "{}",
        text(&block.stdout)
    );
}

#[test]
fn pre_commit_config_and_report_cronjob() {
    let repo = scaffold(&[]);
    let dir = repo.path();
    let home = tempfile::tempdir().unwrap();
    let valid = pre_commit(
        dir,
        home.path(),
        &["validate-config", ".pre-commit-config.yaml"],
    );
    assert!(
        valid.status.success(),
        "{}{}",
        text(&valid.stdout),
        text(&valid.stderr)
    );
    let pc = load_yaml(&dir.join(".pre-commit-config.yaml"));
    let repo0 = &pc["repos"][0];
    assert_eq!(repo0["repo"], env!("CARGO_PKG_REPOSITORY"));
    assert_eq!(repo0["rev"], slogen::VERSION);
    let hooks = repo0["hooks"].as_array().unwrap();
    let ids: Vec<&str> = hooks.iter().map(|h| h["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["slogen-generate", "slogen-lint"]);
    // The generate hook writes what the workflows check.
    let args: Vec<&str> = hooks[0]["args"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap())
        .collect();
    assert_eq!(
        args,
        [
            "-i",
            "slos/",
            "-o",
            "generated/",
            "--prune",
            "--output-format",
            "prometheusrule"
        ]
    );
    let mut cmd = vec!["generate"];
    cmd.extend(&args);
    cmd.push("--check");
    // The hook's args plus --check (the read-only hook docs/init-and-ci.md describes) check
    // without writing or pruning.
    let check = slogen(dir, &cmd);
    assert!(check.status.success(), "{}", text(&check.stderr));
    let orphan = dir.join("generated/gone.yaml");
    std::fs::copy(dir.join("generated/example.yaml"), &orphan).unwrap();
    let stale = slogen(dir, &cmd);
    assert_eq!(stale.status.code(), Some(1));
    assert!(
        text(&stale.stderr).contains("generated/gone.yaml (orphaned)"),
        "{}",
        text(&stale.stderr)
    );
    assert!(orphan.exists(), "--check removed a file");
    std::fs::remove_file(&orphan).unwrap();

    // The report CronJob: the image the release workflow pushes, and the same file as
    // examples/cronjob-report.yaml.
    let cron_text = std::fs::read_to_string(dir.join("deploy/slo-report-cronjob.yaml")).unwrap();
    assert_eq!(
        cron_text,
        std::fs::read_to_string(root().join("examples/cronjob-report.yaml")).unwrap()
    );
    assert_report_cronjob_runs(&load_yaml(&dir.join("deploy/slo-report-cronjob.yaml")));
}

/// Checks a report CronJob and runs its container's command, with its environment, against the
/// Prometheus fixture (at the end of the fixture's history, which the CronJob would read now).
pub fn assert_report_cronjob_runs(cron: &Value) {
    assert_eq!(cron["apiVersion"], "batch/v1");
    assert_eq!(cron["kind"], "CronJob");
    let pod = &cron["spec"]["jobTemplate"]["spec"]["template"]["spec"];
    assert_eq!(pod["securityContext"]["runAsNonRoot"], true);
    let c = &pod["containers"][0];
    assert_eq!(c["image"], release_image().as_str());
    assert_eq!(c["securityContext"]["allowPrivilegeEscalation"], false);
    assert_eq!(c["securityContext"]["readOnlyRootFilesystem"], true);
    let env: Vec<&str> = c["env"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        env,
        ["PROMETHEUS_URL", "PROMETHEUS_TOKEN", "SLACK_WEBHOOK_URL"]
    );
    let mut args: Vec<String> = c["args"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap().to_string())
        .collect();
    assert_eq!(args[0], "report");
    args.extend(["--time".to_string(), END.to_string()]);
    let f = fixture();
    let out = Command::new(crate::support::slogen_bin())
        .args(&args)
        .env("PROMETHEUS_URL", &f.url)
        .env_remove("SLACK_WEBHOOK_URL")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let report = text(&out.stdout);
    assert!(report.starts_with("# SLO report:"), "{report}");
    assert!(
        report.contains("| tr-web-requests-availability | 99.9% |"),
        "{report}"
    );
}

#[test]
fn serve_deployment_runs_on_a_clone_of_the_repository() {
    let repo = scaffold(&["--repo-url", "https://git.example.org/acme/slos.git"]);
    let dir = repo.path();
    for git in [
        vec!["add", "-A"],
        vec![
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@example.org",
            "commit",
            "-qm",
            "init",
        ],
    ] {
        let out = Command::new("git")
            .args(&git)
            .current_dir(dir)
            .output()
            .unwrap();
        assert!(out.status.success(), "git {git:?}: {}", text(&out.stderr));
    }
    let yaml = std::fs::read_to_string(dir.join("deploy/slogen-serve.yaml")).unwrap();
    let docs: Vec<Value> = yaml
        .split("\n---\n")
        .map(|d| serde_norway::from_str(d).unwrap())
        .collect();
    let (deploy, service) = (&docs[0], &docs[1]);
    assert_eq!(deploy["kind"], "Deployment");
    assert_eq!(service["kind"], "Service");
    let pod = &deploy["spec"]["template"]["spec"];
    assert_eq!(
        deploy["spec"]["selector"]["matchLabels"],
        deploy["spec"]["template"]["metadata"]["labels"]
    );
    assert_eq!(
        service["spec"]["selector"],
        deploy["spec"]["template"]["metadata"]["labels"]
    );
    assert_eq!(pod["securityContext"]["runAsNonRoot"], true);
    // git-sync clones the repository init was told about, once before slogen starts and then
    // every minute, into the volume slogen reads.
    for (c, last) in [
        (&pod["initContainers"][0], "--one-time"),
        (&pod["containers"][1], "--period=60s"),
    ] {
        let args = c["args"].as_array().unwrap();
        assert_eq!(args[0], "--repo=https://git.example.org/acme/slos.git");
        assert!(
            args.contains(&Value::from("--link=repo"))
                && args.contains(&Value::from("--root=/git"))
        );
        assert_eq!(args.last().unwrap(), last);
    }
    let c = &pod["containers"][0];
    assert_eq!(c["image"], release_image().as_str());
    assert_eq!(c["securityContext"]["readOnlyRootFilesystem"], true);
    assert_eq!(c["volumeMounts"][0]["mountPath"], "/git");
    // What git-sync leaves in the volume: a checkout of the repository at /git/repo.
    let volume = tempfile::tempdir().unwrap();
    let clone = Command::new("git")
        .args(["clone", "-q"])
        .arg(dir)
        .arg(volume.path().join("repo"))
        .output()
        .unwrap();
    assert!(clone.status.success(), "{}", text(&clone.stderr));
    // The container's command, on that checkout, against the Prometheus fixture.
    let port = crate::support::server_port();
    let mut listen_port = 0;
    let argv: Vec<String> = c["args"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            let a = a.as_str().unwrap();
            if let Some(path) = a.strip_prefix("--input=/git/") {
                format!("--input={}", volume.path().join(path).display())
            } else if let Some(addr) = a.strip_prefix("--listen=") {
                listen_port = addr.rsplit(':').next().unwrap().parse().unwrap();
                format!("--listen=127.0.0.1:{port}")
            } else {
                a.to_string()
            }
        })
        .collect();
    assert_eq!(c["ports"][0]["containerPort"], listen_port);
    assert_eq!(argv[0], "serve");
    let env: Vec<&str> = c["env"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["name"].as_str().unwrap())
        .collect();
    assert_eq!(env, ["PROMETHEUS_URL", "PROMETHEUS_TOKEN"]);
    let serve = crate::serve::Serve::start_argv(
        &[argv, vec!["--time".into(), END.to_string()]].concat(),
        port,
        &[("PROMETHEUS_URL", &fixture().url)],
    );
    for probe in ["readinessProbe", "livenessProbe"] {
        let path = c[probe]["httpGet"]["path"].as_str().unwrap();
        assert_eq!(c[probe]["httpGet"]["port"], "http");
        assert_eq!(serve.get(path).0, 200, "{probe} {path}");
    }
    let api = serve.json("/api/v1/slos");
    assert_eq!(api["prometheus"]["error"], Value::Null);
    assert!(api["slos"]
        .as_array()
        .unwrap()
        .iter()
        .any(|s| s["in_specs"] == true
            && s["source"]["file"]
                .as_str()
                .unwrap()
                .ends_with("slos/example.yaml")));
}

#[test]
fn gitignore_keeps_slogens_temporary_files_out_of_git() {
    let repo = scaffold(&[]);
    let dir = repo.path();
    for f in [
        ".slogen-a1B2c3.tmp",
        "generated/.slogen-x.tmp",
        "slogen.sarif",
    ] {
        let p = dir.join(f);
        std::fs::write(&p, "x").unwrap();
        let ignored = Command::new("git")
            .args(["check-ignore", "-q", f])
            .current_dir(dir)
            .status()
            .unwrap();
        assert!(ignored.success(), "{f} is not ignored");
    }
    let kept = Command::new("git")
        .args(["check-ignore", "-q", "generated/example.yaml"])
        .current_dir(dir)
        .status()
        .unwrap();
    assert!(!kept.success(), "generated rules must not be ignored");

    // An existing .gitignore gets only the missing lines, once.
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join(".gitignore"), "target/\nslogen.sarif").unwrap();
    let out = init(tmp.path(), &[]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("updated ./.gitignore"),
        "{}",
        text(&out.stdout)
    );
    let gi = std::fs::read_to_string(tmp.path().join(".gitignore")).unwrap();
    assert_eq!(gi, "target/\nslogen.sarif\n\n# slogen: temporary files a killed run can leave next to its outputs, and lint's SARIF report\n.slogen-*.tmp\n");
    let again = init(tmp.path(), &["--force"]);
    assert!(again.status.success());
    assert!(text(&again.stdout).contains("unchanged ./.gitignore"));
    assert_eq!(
        std::fs::read_to_string(tmp.path().join(".gitignore")).unwrap(),
        gi
    );
}

#[test]
fn existing_specs_choose_the_output_format_and_get_no_example() {
    // prometheus/v1 specs: PrometheusRule objects, no example, a reminder to generate.
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::fs::create_dir_all(dir.join("slos/team")).unwrap();
    std::fs::copy(
        root().join("slos/tr-web.yaml"),
        dir.join("slos/team/tr-web.yaml"),
    )
    .unwrap();
    let out = init(dir, &[]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(!dir.join("slos/example.yaml").exists() && !dir.join("generated").exists());
    assert!(
        stdout
            .contains("output format: prometheusrule (slos/ holds prometheus/v1 or OpenSLO specs"),
        "{stdout}"
    );
    assert!(stdout.contains("write generated/:  slogen generate -i slos/ -o generated/ --prune --output-format prometheusrule"), "{stdout}");
    let check = std::fs::read_to_string(dir.join(".github/workflows/slo-check.yaml")).unwrap();
    assert!(check.contains("--check --output-format prometheusrule"));
    // Running the reminder makes the check pass.
    let gen = slogen(
        dir,
        &[
            "generate",
            "-i",
            "slos/",
            "-o",
            "generated/",
            "--prune",
            "--output-format",
            "prometheusrule",
        ],
    );
    assert!(gen.status.success(), "{}", text(&gen.stderr));
    assert!(load_yaml(&dir.join("generated/team/tr-web.yaml"))["kind"] == "PrometheusRule");

    // Only Kubernetes specs: Sloth's output already suits ArgoCD; no flag in the commands.
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::fs::create_dir_all(dir.join("slos")).unwrap();
    std::fs::copy(
        root().join("slos/api-gateway.yaml"),
        dir.join("slos/api-gateway.yaml"),
    )
    .unwrap();
    let out = init(dir, &[]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("output format: sloth"),
        "{}",
        text(&out.stdout)
    );
    let wf = std::fs::read_to_string(dir.join(".github/workflows/generate-slos.yaml")).unwrap();
    assert!(
        wf.contains("run: slogen generate -i slos/ -o generated/ --prune\n"),
        "{wf}"
    );
    assert!(
        !wf.contains("generate -i slos/ -o generated/ --output-format"),
        "{wf}"
    );
    let pc = load_yaml(&dir.join(".pre-commit-config.yaml"));
    assert!(
        pc["repos"][0]["hooks"][0].get("args").is_none(),
        "the manifest's args"
    );

    // --output-format wins over what slos/ holds.
    let out = init(dir, &["--force", "--output-format", "prometheusrule"]);
    assert!(out.status.success());
    let wf = std::fs::read_to_string(dir.join(".github/workflows/generate-slos.yaml")).unwrap();
    assert!(
        wf.contains("--prune --output-format prometheusrule\n"),
        "{wf}"
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
    std::fs::write(dir.join(".gitignore"), "target/\n").unwrap();
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
    assert!(!err.contains(".gitignore"), "{err}");
    assert!(err.contains("--force"), "{err}");
    // Nothing written, nothing changed.
    assert!(!dir.join("generated").exists());
    assert!(!dir.join("argocd").exists());
    assert_eq!(
        std::fs::read_to_string(dir.join("slos/example.yaml")).unwrap(),
        "mine\n"
    );
    assert_eq!(
        std::fs::read_to_string(dir.join(".gitignore")).unwrap(),
        "target/\n"
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

    // A second init finds slos/ holding a spec now, so it writes no example; every other file
    // of its own is a conflict.
    let again = init(dir, &[]);
    assert_eq!(again.status.code(), Some(1));
    let err = text(&again.stderr);
    for f in &FILES[4..FILES.len() - 1] {
        assert!(err.contains(f), "{f} not listed: {err}");
    }
    assert!(!err.contains("slos/example.yaml"), "{err}");
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
