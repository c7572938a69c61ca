//! `generate --target vmalert|mimir|thanos`: every output checked by the engine's own loader
//! where it runs here (`vmalert -dryRun`, VictoriaMetrics 1.79.5), and against the documented
//! file formats where it does not (Mimir, Thanos), with the rules themselves proven by
//! `promtool check rules` and compared with the Prometheus output (which the golden tests pin
//! to Sloth's bytes).
//!
//! Formats, as their sources define them:
//! - Mimir, `mimirtool rules load|sync|check` (grafana/mimir `pkg/mimirtool/rules/rules.go`
//!   `RuleNamespace` {`namespace`, `groups`}; `parser.go` `ParseBytes` decodes every YAML
//!   document as one namespace with `KnownFields(true)` and `ParseFiles` refuses a repeated
//!   namespace; `Validate` refuses a group name repeated in a namespace). Group fields:
//!   `rwrulefmt.RuleGroup` = Prometheus `rulefmt.RuleGroup` (`name`, `interval`,
//!   `query_offset`, `limit`, `rules`) plus `source_tenants`, `evaluation_delay`,
//!   `align_evaluation_time_on_interval`.
//! - Thanos ruler (thanos-io/thanos `pkg/rules/rules.go`, `RuleGroup.UnmarshalYAML`): the
//!   Prometheus rule file, one document, each group with an optional
//!   `partial_response_strategy` of `warn` or `abort` (upper-cased and looked up in
//!   `storepb.PartialResponseStrategy_value`; empty means abort).
//! - Prometheus rules (`rulefmt.Rule`): `record`, `alert`, `expr`, `for`, `keep_firing_for`,
//!   `labels`, `annotations`.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde::Deserialize;
use serde_norway::Value;

use crate::golden::cases;
use crate::promtool_check::PROMETHEUS_REJECTS;
use crate::support::{promtool, root, slogen, text};

const RULE_KEYS: &[&str] = &[
    "record",
    "alert",
    "expr",
    "for",
    "keep_firing_for",
    "labels",
    "annotations",
];
const PROM_GROUP_KEYS: &[&str] = &["name", "interval", "query_offset", "limit", "rules"];
const MIMIR_EXTRA_GROUP_KEYS: &[&str] = &[
    "source_tenants",
    "evaluation_delay",
    "align_evaluation_time_on_interval",
];

/// The `vmalert` binary; the test fails (never skips) without it: `./scripts/test` installs
/// Debian's `victoria-metrics` package.
pub fn vmalert_bin() -> PathBuf {
    which("vmalert").expect(
        "vmalert not found on PATH: install Debian's `victoria-metrics` package (./scripts/test does it)",
    )
}

pub fn which(name: &str) -> Option<PathBuf> {
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join(name))
            .find(|p| p.is_file())
    })
}

/// Runs `vmalert -dryRun -rule=FILE`; `Err` with vmalert's fatal line when it refuses.
pub fn vmalert_dry_run(file: &Path) -> Result<(), String> {
    let out = Command::new(vmalert_bin())
        .arg("-dryRun")
        .arg(format!("-rule={}", file.display()))
        .arg("-loggerLevel=ERROR")
        .output()
        .expect("vmalert runs");
    if out.status.success() {
        Ok(())
    } else {
        Err(format!("{}{}", text(&out.stdout), text(&out.stderr)))
    }
}

/// Every YAML document of `s`.
fn docs(s: &str) -> Vec<Value> {
    serde_norway::Deserializer::from_str(s)
        .map(|d| Value::deserialize(d).expect("generated output is YAML"))
        .collect()
}

/// The groups of Prometheus-target output (rules files or `PrometheusRule`s), in order, with
/// `for` dropped when `drop_for` (Sloth's Kubernetes output has none).
fn prometheus_groups(s: &str, drop_for: bool) -> Vec<Value> {
    let mut out = Vec::new();
    for d in docs(s) {
        let groups = d
            .get("groups")
            .or_else(|| d.get("spec").and_then(|s| s.get("groups")))
            .and_then(Value::as_sequence)
            .expect("groups");
        out.extend(groups.iter().cloned());
    }
    if drop_for {
        out.iter_mut().for_each(strip_for);
    }
    out
}

fn strip_for(group: &mut Value) {
    for rule in group
        .get_mut("rules")
        .and_then(Value::as_sequence_mut)
        .expect("rules")
    {
        rule.as_mapping_mut().unwrap().remove("for");
    }
}

fn keys(v: &Value) -> Vec<String> {
    v.as_mapping()
        .expect("a mapping")
        .keys()
        .map(|k| k.as_str().expect("string key").to_string())
        .collect()
}

fn assert_keys_within(what: &str, v: &Value, allowed: &[&str]) {
    for k in keys(v) {
        assert!(allowed.contains(&k.as_str()), "{what}: unknown field {k:?}");
    }
}

/// The golden generate cases that produce output, with their argument lists.
fn generate_cases() -> Vec<(String, PathBuf, Vec<String>)> {
    let golden = root().join("tests/golden");
    let plugins = root().join("tests/fixtures/sloth-plugins");
    cases()
        .into_iter()
        .filter(|c| c.args[0] == "generate" && c.expect != "fail")
        .map(|c| {
            let args = c
                .args
                .iter()
                .map(|a| a.replace("{PLUGINS}", &plugins.to_string_lossy()))
                .collect();
            (c.id, golden.join(&c.cwd), args)
        })
        .collect()
}

fn run_case(cwd: &Path, args: &[String], extra: &[&str]) -> String {
    let mut argv: Vec<&str> = args.iter().map(String::as_str).collect();
    argv.extend_from_slice(extra);
    let out = slogen(cwd, &argv);
    assert!(out.status.success(), "{argv:?}: {}", text(&out.stderr));
    text(&out.stdout)
}

/// `promtool check rules` on one file. Its duplicate-rule lint is off: a Kubernetes file of
/// several `PrometheusRule`s (`k8s-multifile`) may hold the same alert name and labels in
/// two objects; merged into one ruler file they are still two valid rules.
fn check_rules(files: &[PathBuf]) {
    for f in files {
        let out = promtool(
            &root(),
            &["check", "rules", "--lint=none", f.to_str().unwrap()],
        );
        assert!(
            out.status.success() && text(&out.stdout).contains("SUCCESS"),
            "promtool check rules {}:\n{}{}",
            f.display(),
            text(&out.stdout),
            text(&out.stderr)
        );
    }
}

/// Golden cases whose Sloth output Prometheus itself refuses (promtool_check.rs pins why):
/// their groups are still compared, not proven by promtool.
fn rejected_by_prometheus(id: &str) -> bool {
    PROMETHEUS_REJECTS.iter().any(|(r, _)| *r == id)
}

fn is_k8s(prom: &str) -> bool {
    prom.contains("kind: PrometheusRule")
}

#[test]
fn vmalert_loads_every_golden_case_in_both_dialects() {
    let tmp = tempfile::tempdir().unwrap();
    let mut ran = 0;
    for (id, cwd, args) in generate_cases() {
        let prom = run_case(&cwd, &args, &[]);
        for dialect in ["promql", "metricsql"] {
            let got = run_case(&cwd, &args, &["--target", "vmalert", "--dialect", dialect]);
            // vmalert reads the first document only: everything must be in one.
            let d = docs(&got);
            assert_eq!(d.len(), 1, "{id}: vmalert output must be one document");
            assert_eq!(keys(&d[0]), ["groups"], "{id}");
            let mut groups = d[0]["groups"].as_sequence().unwrap().clone();
            if is_k8s(&prom) {
                groups.iter_mut().for_each(strip_for);
            }
            assert_eq!(
                groups,
                prometheus_groups(&prom, is_k8s(&prom)),
                "{id}: the vmalert groups differ from the Prometheus output's"
            );
            let file = tmp.path().join(format!("{id}-{dialect}.yml"));
            std::fs::write(&file, &got).unwrap();
            vmalert_dry_run(&file).unwrap_or_else(|e| panic!("{id} ({dialect}): {e}"));
            ran += 1;
        }
    }
    assert!(ran >= 60, "only {ran} vmalert runs");
}

#[test]
fn vmalert_loads_the_repository_slos() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let run = slogen(
        &root(),
        &[
            "generate",
            "-i",
            "slos",
            "-o",
            out.to_str().unwrap(),
            "--target",
            "vmalert",
        ],
    );
    assert!(run.status.success(), "{}", text(&run.stderr));
    let files: Vec<PathBuf> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(files.len(), 2);
    for f in files {
        vmalert_dry_run(&f).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
    }
}

#[test]
fn vmalert_reads_only_the_first_document_so_slogen_writes_one() {
    // The reason for the layout, measured on the real vmalert: a broken second document passes.
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("two.yml");
    std::fs::write(
        &file,
        "groups:\n- name: a\n  rules:\n  - record: x\n    expr: up\n---\ngroups:\n- name: b\n  rules:\n  - record: y\n    expr: sum(up\n",
    )
    .unwrap();
    assert_eq!(vmalert_dry_run(&file), Ok(()));
    std::fs::write(
        &file,
        "groups:\n- name: b\n  rules:\n  - record: y\n    expr: sum(up\n",
    )
    .unwrap();
    assert!(vmalert_dry_run(&file).is_err());
}

#[test]
fn mimir_output_is_one_namespace_per_document_in_mimirtool_format() {
    let tmp = tempfile::tempdir().unwrap();
    for (id, cwd, args) in generate_cases() {
        let prom = run_case(&cwd, &args, &[]);
        let got = run_case(&cwd, &args, &["--target", "mimir"]);
        let mut namespaces = BTreeSet::new();
        let mut all_groups = Vec::new();
        for (i, d) in docs(&got).into_iter().enumerate() {
            // RuleNamespace: `namespace` and `groups`, nothing else (KnownFields(true)).
            assert_eq!(keys(&d), ["namespace", "groups"], "{id} document {i}");
            let ns = d["namespace"].as_str().expect("namespace is a string");
            assert!(!ns.is_empty(), "{id}");
            assert!(
                namespaces.insert(ns.to_string()),
                "{id}: namespace {ns} repeated"
            );
            let groups = d["groups"].as_sequence().unwrap();
            let mut names = BTreeSet::new();
            for g in groups {
                let allowed: Vec<&str> = PROM_GROUP_KEYS
                    .iter()
                    .chain(MIMIR_EXTRA_GROUP_KEYS)
                    .copied()
                    .collect();
                assert_keys_within(&id, g, &allowed);
                assert!(
                    names.insert(g["name"].as_str().unwrap().to_string()),
                    "{id}: group repeated in {ns}"
                );
                for r in g["rules"].as_sequence().unwrap() {
                    assert_keys_within(&id, r, RULE_KEYS);
                    // The namespace is the service of every rule's SLO.
                    if let Some(service) = r.get("labels").and_then(|l| l.get("sloth_service")) {
                        assert_eq!(service.as_str(), Some(ns), "{id}");
                    }
                }
            }
            // The namespace's groups are a Prometheus rules file: promtool proves them.
            let path = tmp.path().join(format!("{id}.{i}.yml"));
            let mut map = serde_norway::Mapping::new();
            map.insert("groups".into(), d["groups"].clone());
            std::fs::write(&path, serde_norway::to_string(&map).unwrap()).unwrap();
            if !rejected_by_prometheus(&id) {
                check_rules(&[path]);
            }
            all_groups.extend(groups.iter().cloned());
        }
        let mut want = prometheus_groups(&prom, is_k8s(&prom));
        if is_k8s(&prom) {
            all_groups.iter_mut().for_each(strip_for);
        }
        // Grouped by namespace, the groups are the Prometheus output's, each once.
        let key = |g: &Value| g["name"].as_str().unwrap().to_string();
        all_groups.sort_by_key(key);
        want.sort_by_key(key);
        assert_eq!(all_groups, want, "{id}");
    }
}

#[test]
fn mimir_namespaces_follow_services_or_the_flag() {
    let ex = root().join("tests/golden/examples");
    let ns = |extra: &[&str]| -> Vec<String> {
        let mut argv = vec!["generate", "-i", "multifile.yml", "--target", "mimir"];
        argv.extend_from_slice(extra);
        let out = slogen(&ex, &argv);
        assert!(out.status.success(), "{}", text(&out.stderr));
        docs(&text(&out.stdout))
            .iter()
            .map(|d| d["namespace"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(ns(&[]), ["myservice", "myservice2"]);
    assert_eq!(ns(&["--namespace", "slos"]), ["slos"]);
    assert_eq!(ns(&["--namespace", "{file}"]), ["multifile"]);
    assert_eq!(
        ns(&["--namespace", "team-{service}"]),
        ["team-myservice", "team-myservice2"]
    );
}

#[test]
fn mimir_folder_refuses_a_namespace_two_specs_declare() {
    let tmp = tempfile::tempdir().unwrap();
    let specs = tmp.path().join("specs");
    std::fs::create_dir_all(specs.join("sub")).unwrap();
    let ex = root().join("tests/golden/examples");
    // Both declare the service `myservice`.
    std::fs::copy(
        ex.join("getting-started.yml"),
        specs.join("getting-started.yml"),
    )
    .unwrap();
    std::fs::copy(ex.join("multifile.yml"), specs.join("sub/multifile.yml")).unwrap();
    let gen = |extra: &[&str]| {
        let mut argv = vec!["generate", "-i", "specs", "-o", "out", "--target", "mimir"];
        argv.extend_from_slice(extra);
        slogen(tmp.path(), &argv)
    };
    let run = gen(&[]);
    assert_eq!(run.status.code(), Some(1));
    let stderr = text(&run.stderr);
    assert!(
        stderr.contains(
            "Mimir namespace \"myservice\" is also generated from specs/sub/multifile.yml"
        ),
        "{stderr}"
    );
    assert!(stderr.contains("--namespace '{file}'"), "{stderr}");
    // Neither colliding output was written.
    assert!(!tmp.path().join("out/getting-started.yml").exists());
    assert!(!tmp.path().join("out/sub/multifile.yml").exists());
    // Named after their files, they load side by side.
    let run = gen(&["--namespace", "{file}"]);
    assert!(run.status.success(), "{}", text(&run.stderr));
    let a = std::fs::read_to_string(tmp.path().join("out/sub/multifile.yml")).unwrap();
    assert!(a.contains("\nnamespace: sub-multifile\n"), "{a}");
}

#[test]
fn thanos_groups_carry_the_partial_response_strategy() {
    let tmp = tempfile::tempdir().unwrap();
    for (id, cwd, args) in generate_cases() {
        let prom = run_case(&cwd, &args, &[]);
        for (flag, want) in [
            (None, "abort"),
            (Some("warn"), "warn"),
            (Some("abort"), "abort"),
        ] {
            let mut extra = vec!["--target", "thanos"];
            if let Some(f) = flag {
                extra.extend(["--partial-response", f]);
            }
            let got = run_case(&cwd, &args, &extra);
            let d = docs(&got);
            assert_eq!(d.len(), 1, "{id}: the Thanos ruler reads one document");
            assert_eq!(keys(&d[0]), ["groups"], "{id}");
            let mut groups = d[0]["groups"].as_sequence().unwrap().clone();
            for g in &mut groups {
                let mut allowed = PROM_GROUP_KEYS.to_vec();
                allowed.push("partial_response_strategy");
                assert_keys_within(&id, g, &allowed);
                assert_eq!(g["partial_response_strategy"].as_str(), Some(want), "{id}");
                g.as_mapping_mut()
                    .unwrap()
                    .remove("partial_response_strategy");
                for r in g["rules"].as_sequence().unwrap() {
                    assert_keys_within(&id, r, RULE_KEYS);
                }
            }
            // Without the Thanos field, a Prometheus rules file promtool accepts, with the
            // Prometheus output's groups.
            let path = tmp.path().join(format!("{id}.yml"));
            let mut map = serde_norway::Mapping::new();
            map.insert("groups".into(), Value::Sequence(groups.clone()));
            std::fs::write(&path, serde_norway::to_string(&map).unwrap()).unwrap();
            if !rejected_by_prometheus(&id) {
                check_rules(&[path]);
            }
            if is_k8s(&prom) {
                groups.iter_mut().for_each(strip_for);
            }
            assert_eq!(groups, prometheus_groups(&prom, is_k8s(&prom)), "{id}");
        }
    }
}

#[test]
fn every_target_keeps_check_prune_and_untouched_failures() {
    for target in ["vmalert", "mimir", "thanos"] {
        let tmp = tempfile::tempdir().unwrap();
        let specs = tmp.path().join("specs");
        std::fs::create_dir_all(&specs).unwrap();
        for f in ["api-gateway.yaml", "tr-web.yaml"] {
            std::fs::copy(root().join("slos").join(f), specs.join(f)).unwrap();
        }
        let gen = |extra: &[&str]| {
            let mut argv = vec!["generate", "-i", "specs", "-o", "out", "--target", target];
            argv.extend_from_slice(extra);
            slogen(tmp.path(), &argv)
        };
        assert!(gen(&[]).status.success(), "{target}");
        let run = gen(&["--check"]);
        assert!(run.status.success(), "{target}: {}", text(&run.stderr));

        // A hand edit is stale, with a diff; --check writes nothing.
        let out = tmp.path().join("out/tr-web.yaml");
        let good = std::fs::read_to_string(&out).unwrap();
        std::fs::write(
            &out,
            good.replacen("sloth_window: 5m", "sloth_window: 6m", 1),
        )
        .unwrap();
        let run = gen(&["--check"]);
        assert_eq!(run.status.code(), Some(1), "{target}");
        assert!(
            text(&run.stdout).contains("+      sloth_window: 5m"),
            "{target}"
        );
        assert!(std::fs::read_to_string(&out)
            .unwrap()
            .contains("sloth_window: 6m"));

        // An orphan that carries the header goes with --prune; a regenerate repairs the edit.
        std::fs::copy(&out, tmp.path().join("out/gone.yaml")).unwrap();
        let run = gen(&["--prune"]);
        assert!(run.status.success(), "{target}: {}", text(&run.stderr));
        assert!(!tmp.path().join("out/gone.yaml").exists(), "{target}");
        assert_eq!(std::fs::read_to_string(&out).unwrap(), good, "{target}");

        // A broken spec fails and leaves its earlier output as it was.
        std::fs::write(
            specs.join("tr-web.yaml"),
            "version: prometheus/v1\nservice: x\nslos: [",
        )
        .unwrap();
        let run = gen(&[]);
        assert_eq!(run.status.code(), Some(1), "{target}");
        assert_eq!(std::fs::read_to_string(&out).unwrap(), good, "{target}");
        assert!(text(&run.stderr).contains("left as it was"), "{target}");
    }
}

#[test]
fn target_options_are_refused_where_they_mean_nothing() {
    let ex = root().join("tests/golden/examples");
    for (args, says) in [
        (
            vec!["--dialect", "metricsql"],
            "--dialect metricsql needs --target vmalert",
        ),
        (
            vec!["--target", "mimir", "--dialect", "metricsql"],
            "mimir evaluates PromQL",
        ),
        (
            vec!["--namespace", "x"],
            "it needs --output-format prometheusrule or --target mimir",
        ),
        (
            vec!["--target", "vmalert", "--output-format", "prometheusrule"],
            "--target vmalert writes its ruler's layout",
        ),
        (
            vec!["--target", "mimir", "--namespace", "a/b"],
            "cannot contain `/`",
        ),
        (
            vec!["--target", "vmalert", "--partial-response", "warn"],
            "it needs --target thanos",
        ),
        (vec!["--target", "cortex"], "invalid value 'cortex'"),
    ] {
        let mut argv = vec!["generate", "-i", "getting-started.yml"];
        argv.extend(args.iter().copied());
        let out = slogen(&ex, &argv);
        assert_ne!(out.status.code(), Some(0), "{args:?}");
        assert!(
            text(&out.stderr).contains(says),
            "{args:?}: {}",
            text(&out.stderr)
        );
    }
}

/// Spec text whose SLI error query is `q` (with `{{.window}}`).
fn spec_with(q: &str) -> String {
    format!(
        "version: prometheus/v1\nservice: svc\nslos:\n- name: sli\n  objective: 99\n  sli:\n    events:\n      error_query: '{}'\n      total_query: sum(rate(x_total[{{{{.window}}}}]))\n  alerting:\n    name: A\n    page_alert: {{disable: true}}\n    ticket_alert: {{disable: true}}\n",
        q.replace('\'', "''")
    )
}

#[test]
fn metricsql_validation_agrees_with_vmalert() {
    // Each query, with `{{.window}}` as 5m, is also put to vmalert directly: slogen must accept
    // exactly the queries vmalert accepts, and its output of the accepted ones must load.
    let tmp = tempfile::tempdir().unwrap();
    // Each entry: the query, and whether slogen is stricter than `vmalert -dryRun`. vmalert
    // 1.79 parses calls to functions it does not know and fails only when evaluating them
    // ("unknown func"); slogen refuses them at generate time. The end-to-end VictoriaMetrics
    // test shows the evaluation failure on the real server.
    let queries = [
        ("sum(rate(x_errors_total[{{.window}}]))", false),
        (
            "WITH (f = {job=\"a\"}) sum(rate(x_errors_total{f}[{{.window}}]))",
            false,
        ),
        (
            "1 - histogram_share(0.3, sum by (vmrange) (rate(d_bucket[{{.window}}])))",
            false,
        ),
        (
            "sum(increase_pure(x_errors_total[{{.window}}])) default 0",
            false,
        ),
        (
            "range_avg(sum(rate(x_errors_total{a=\"1\"}[{{.window}}])))",
            false,
        ),
        (
            "sum(rate(x_errors_total[{{.window}}]) keep_metric_names)",
            false,
        ),
        ("sum(rate(x_errors_total[{{.window}}])) > 1Ki", false),
        ("sum(rate(x_errors_total[{{.window}}])", false),
        (
            "sum(rate(x_errors_total[{{.window}}])) keep_metric_names",
            false,
        ),
        ("sum(rate(x_errors_total[{{.window}}}))", false),
        (
            "histogram_shar(0.3, sum(rate(d_bucket[{{.window}}])))",
            true,
        ),
        ("sum(rate(x_errors_total[{{.window}}])) +", false),
        ("sum(rate(x_errors_total{a=\"1}[{{.window}}]))", false),
    ];
    let mut accepted = 0;
    for (i, (q, stricter)) in queries.iter().enumerate() {
        let rule = tmp.path().join(format!("direct{i}.yml"));
        let expr = q.replace("{{.window}}", "5m");
        std::fs::write(
            &rule,
            format!(
                "groups:\n- name: g\n  rules:\n  - record: r\n    expr: '{}'\n",
                expr.replace('\'', "''")
            ),
        )
        .unwrap();
        let vm_ok = vmalert_dry_run(&rule).is_ok();
        assert!(!stricter || vm_ok, "{q}: vmalert -dryRun now refuses it");
        let spec = tmp.path().join(format!("spec{i}.yml"));
        std::fs::write(&spec, spec_with(q)).unwrap();
        let out_file = tmp.path().join(format!("out{i}.yml"));
        let run = slogen(
            tmp.path(),
            &[
                "generate",
                "-i",
                spec.to_str().unwrap(),
                "-o",
                out_file.to_str().unwrap(),
                "--target",
                "vmalert",
                "--dialect",
                "metricsql",
            ],
        );
        assert_eq!(
            run.status.success(),
            vm_ok && !stricter,
            "{q}: vmalert {} it, slogen {} it: {}",
            if vm_ok { "accepts" } else { "refuses" },
            if run.status.success() {
                "accepts"
            } else {
                "refuses"
            },
            text(&run.stderr)
        );
        if run.status.success() {
            vmalert_dry_run(&out_file).unwrap_or_else(|e| panic!("{q}: {e}"));
            accepted += 1;
        } else {
            assert!(
                text(&run.stderr).contains("[V010]"),
                "{}",
                text(&run.stderr)
            );
        }
    }
    assert_eq!(accepted, 7);
}
