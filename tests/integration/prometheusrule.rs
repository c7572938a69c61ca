//! `generate --output-format prometheusrule|rules`.
//!
//! Every golden `prometheus/v1` and OpenSLO case is generated as `PrometheusRule` objects and
//! compared with Sloth's own rules file for it: `spec.groups` must be Sloth's `groups:` block
//! byte for byte (indented under `spec:`), and each object must be valid against the
//! PrometheusRule CRD's OpenAPI schema, vendored from prometheus-operator
//! (`tests/fixtures/prometheus-operator/SOURCE.md`). Kubernetes specs keep Sloth's objects.

use std::path::Path;

use serde_json::{json, Value};

use crate::golden::{cases, normalise, render_tpl, Case};
use crate::support::{promtool, root, slogen, text};

/// The CRD's `openAPIV3Schema` as a JSON Schema validator, made strict: every object schema
/// that lists its properties refuses others (the API server would silently drop them).
pub(crate) fn crd_validator() -> jsonschema::Validator {
    let path = root()
        .join("tests/fixtures/prometheus-operator/monitoring.coreos.com_prometheusrules.yaml");
    let crd: Value = serde_norway::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    assert_eq!(crd["spec"]["names"]["kind"], "PrometheusRule");
    let version = &crd["spec"]["versions"][0];
    assert_eq!(version["name"], "v1");
    let mut schema = version["schema"]["openAPIV3Schema"].clone();
    strict(&mut schema);
    schema["$schema"] = json!("http://json-schema.org/draft-07/schema#");
    jsonschema::validator_for(&schema).expect("the CRD schema compiles")
}

fn strict(v: &mut Value) {
    match v {
        Value::Object(map) => {
            if map.contains_key("properties") && !map.contains_key("additionalProperties") {
                map.insert("additionalProperties".into(), json!(false));
            }
            // `(?i)` (Go RE2) is not ECMA 262; the one pattern using it becomes its plain form.
            if let Some(Value::String(p)) = map.get_mut("pattern") {
                if let Some(rest) = p.strip_prefix("^(?i)") {
                    *p = format!(
                        "^{}",
                        rest.replace("abort|warn", "[aA][bB][oO][rR][tT]|[wW][aA][rR][nN]")
                    );
                }
            }
            map.values_mut().for_each(strict);
        }
        Value::Array(items) => items.iter_mut().for_each(strict),
        _ => {}
    }
}

/// Checks an object as the API server would: the CRD schema, a valid name and labels, and
/// unique group names (`spec.groups` is a list map keyed by `name`).
pub(crate) fn assert_valid_object(validator: &jsonschema::Validator, obj: &Value, what: &str) {
    let errors: Vec<String> = validator
        .iter_errors(obj)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "{what}: not a valid PrometheusRule: {errors:#?}"
    );
    let subdomain =
        regex::Regex::new(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
            .unwrap();
    let name = obj["metadata"]["name"].as_str().unwrap_or_default();
    assert!(
        name.len() <= 253 && subdomain.is_match(name),
        "{what}: bad name {name:?}"
    );
    let label_part = regex::Regex::new(r"^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$").unwrap();
    if let Some(labels) = obj["metadata"]["labels"].as_object() {
        for (k, v) in labels {
            let key_name = k.rsplit('/').next().unwrap();
            assert!(
                key_name.len() <= 63 && label_part.is_match(key_name),
                "{what}: label key {k}"
            );
            let v = v.as_str().unwrap();
            assert!(
                v.is_empty() || (v.len() <= 63 && label_part.is_match(v)),
                "{what}: label {k}={v}"
            );
        }
    }
    let groups = obj["spec"]["groups"].as_array().unwrap();
    let mut names: Vec<&str> = groups.iter().map(|g| g["name"].as_str().unwrap()).collect();
    names.sort();
    let n = names.len();
    names.dedup();
    assert_eq!(names.len(), n, "{what}: group names repeat");
}

/// The documents of a generated file, each without its leading `\n---\n`.
fn documents(text: &str) -> Vec<&str> {
    text.split("\n---\n")
        .filter(|d| !d.trim().is_empty())
        .collect()
}

/// Splits a document at its first line starting with `key`: (header, rest).
fn split_at_key<'a>(doc: &'a str, key: &str) -> (&'a str, &'a str) {
    let i = doc
        .find(&format!("\n{key}"))
        .unwrap_or_else(|| panic!("no {key} in {doc}"))
        + 1;
    (&doc[..i], &doc[i..])
}

/// The name a service gives, written here independently of slogen's code.
fn expected_name(service: &str) -> String {
    let re = regex::Regex::new("[^a-z0-9]+").unwrap();
    let name = re
        .replace_all(&service.to_lowercase(), "-")
        .trim_matches('-')
        .to_string();
    name[..name.len().min(63)].trim_end_matches('-').to_string()
}

fn run_case(case: &Case, extra: &[&str]) -> (String, std::process::Output) {
    let plugins = root().join("tests/fixtures/sloth-plugins");
    let mut args: Vec<String> = case
        .args
        .iter()
        .map(|a| a.replace("{PLUGINS}", &plugins.to_string_lossy()))
        .collect();
    args.extend(extra.iter().map(|s| s.to_string()));
    let argv: Vec<&str> = args.iter().map(String::as_str).collect();
    let dir = root().join("tests/golden").join(&case.cwd);
    let want = std::fs::read_to_string(dir.join(&case.expect)).expect("golden file");
    (normalise(&render_tpl(&want)), slogen(&dir, &argv))
}

fn generate_cases() -> Vec<Case> {
    cases()
        .into_iter()
        .filter(|c| c.args[0] == "generate" && c.expect != "fail")
        .collect()
}

fn is_kubernetes(golden: &str) -> bool {
    golden.contains("\nkind: PrometheusRule\n")
}

#[test]
fn prometheus_v1_and_openslo_golden_cases_wrap_sloths_groups_byte_for_byte() {
    let validator = crd_validator();
    let service_re = regex::Regex::new(r#"sloth_service(?:: |=")([^"\s]+)"#).unwrap();
    let mut checked = 0;
    for case in generate_cases() {
        let (want, _) = run_case(&case, &[]);
        if is_kubernetes(&want) {
            continue;
        }
        checked += 1;
        let (_, out) = run_case(
            &case,
            &[
                "--output-format",
                "prometheusrule",
                "--namespace",
                "monitoring",
                "--label",
                "release=prometheus",
            ],
        );
        assert!(out.status.success(), "{}: {}", case.id, text(&out.stderr));
        let got = normalise(&text(&out.stdout));
        let (plain, objects) = (documents(&want), documents(&got));
        assert_eq!(
            plain.len(),
            objects.len(),
            "{}: one object per document",
            case.id
        );
        let mut names = Vec::new();
        for (i, (plain, object)) in plain.iter().zip(&objects).enumerate() {
            let what = format!("{} document {}", case.id, i + 1);
            let (plain_header, groups) = split_at_key(plain, "groups:");
            let (object_header, _) = split_at_key(object, "apiVersion:");
            assert_eq!(plain_header, object_header, "{what}: header");
            let (_, spec) = split_at_key(object, "spec:");
            let mut unindented = String::new();
            for line in spec["spec:\n".len()..].split_inclusive('\n') {
                unindented.push_str(line.strip_prefix("  ").unwrap_or_else(|| {
                    assert_eq!(line, "\n", "{what}: a line not under spec:");
                    line
                }));
            }
            assert_eq!(
                unindented, groups,
                "{what}: spec.groups is not Sloth's groups block"
            );

            let obj: Value = serde_norway::from_str(object).unwrap();
            let rules: Value = serde_norway::from_str(plain).unwrap();
            assert_eq!(
                obj["spec"]["groups"], rules["groups"],
                "{what}: groups as data"
            );
            assert_eq!(obj["apiVersion"], "monitoring.coreos.com/v1");
            assert_eq!(obj["kind"], "PrometheusRule");
            assert_eq!(obj["metadata"]["namespace"], "monitoring");
            assert_eq!(obj["metadata"]["labels"]["release"], "prometheus");
            assert_eq!(
                obj["metadata"]["labels"]["app.kubernetes.io/managed-by"],
                "slogen"
            );
            // The service, from Sloth's rules: a `sloth_service` label or selector.
            let service = &service_re
                .captures(plain)
                .unwrap_or_else(|| panic!("{what}: no sloth_service"))[1];
            let mut name = expected_name(service);
            let repeats = names.iter().filter(|n: &&String| **n == name).count();
            if repeats > 0 {
                name = format!("{name}-{}", repeats + 1);
            }
            names.push(expected_name(service));
            assert_eq!(obj["metadata"]["name"], name.as_str(), "{what}");
            assert_valid_object(&validator, &obj, &what);
        }
    }
    assert!(
        checked >= 20,
        "only {checked} prometheus/v1 and OpenSLO cases"
    );
}

#[test]
fn kubernetes_golden_cases_keep_sloths_objects() {
    let validator = crd_validator();
    let mut checked = 0;
    for case in generate_cases() {
        let (want, _) = run_case(&case, &[]);
        if !is_kubernetes(&want) {
            continue;
        }
        checked += 1;
        let (_, out) = run_case(
            &case,
            &[
                "--output-format",
                "prometheusrule",
                "--namespace",
                "elsewhere",
            ],
        );
        assert!(out.status.success(), "{}: {}", case.id, text(&out.stderr));
        assert_eq!(
            normalise(&text(&out.stdout)),
            want,
            "{}: not Sloth's output",
            case.id
        );
        for doc in documents(&want) {
            let obj: Value = serde_norway::from_str(doc).unwrap();
            assert_valid_object(&validator, &obj, &case.id);
        }
    }
    assert!(checked >= 8, "only {checked} Kubernetes cases");
}

/// `--output-format rules` writes Kubernetes specs as rules files: the same groups as Sloth's
/// objects, as data, and promtool loads them.
#[test]
fn rules_format_writes_kubernetes_specs_as_rules_files() {
    let tmp = tempfile::tempdir().unwrap();
    let mut checked = 0;
    for case in generate_cases() {
        let (want, _) = run_case(&case, &[]);
        let (_, out) = run_case(&case, &["--output-format", "rules"]);
        assert!(out.status.success(), "{}: {}", case.id, text(&out.stderr));
        let got = normalise(&text(&out.stdout));
        if !is_kubernetes(&want) {
            assert_eq!(got, want, "{}: rules files are Sloth's already", case.id);
            continue;
        }
        checked += 1;
        let (objects, files) = (documents(&want), documents(&got));
        assert_eq!(objects.len(), files.len(), "{}", case.id);
        for (i, (object, file)) in objects.iter().zip(&files).enumerate() {
            let obj: Value = serde_norway::from_str(object).unwrap();
            let rules: Value = serde_norway::from_str(file).unwrap();
            assert_eq!(
                rules.as_object().unwrap().len(),
                1,
                "{}: only groups",
                case.id
            );
            if obj["spec"]["groups"].as_array().unwrap().is_empty() {
                continue;
            }
            assert_eq!(
                obj["spec"]["groups"],
                rules["groups"],
                "{} document {}",
                case.id,
                i + 1
            );
            let path = tmp.path().join(format!("{}-{i}.yaml", case.id));
            std::fs::write(&path, file).unwrap();
            let check = promtool(tmp.path(), &["check", "rules", path.to_str().unwrap()]);
            assert!(
                check.status.success(),
                "{}: {}{}",
                case.id,
                text(&check.stdout),
                text(&check.stderr)
            );
        }
    }
    assert!(checked >= 8, "only {checked} Kubernetes cases");
}

fn write(dir: &Path, rel: &str, body: &str) {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, body).unwrap();
}

fn spec(service: &str) -> String {
    format!(
        "version: \"prometheus/v1\"\nservice: \"{service}\"\nslos:\n  - name: \"availability\"\n    objective: 99.9\n    sli:\n      events:\n        error_query: sum(rate(http_requests_total{{code=~\"5..\"}}[{{{{.window}}}}]))\n        total_query: sum(rate(http_requests_total[{{{{.window}}}}]))\n    alerting:\n      page_alert:\n        disable: true\n      ticket_alert:\n        disable: true\n"
    )
}

const K8S: &str = "apiVersion: sloth.slok.dev/v1\nkind: PrometheusServiceLevel\nmetadata:\n  name: gateway\nspec:\n  service: gateway\n  slos:\n    - name: availability\n      objective: 99.9\n      sli:\n        events:\n          errorQuery: sum(rate(x_total{code=~\"5..\"}[{{.window}}]))\n          totalQuery: sum(rate(x_total[{{.window}}]))\n      alerting:\n        pageAlert:\n          disable: true\n        ticketAlert:\n          disable: true\n";

fn gen(dir: &Path, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["generate", "-i", "slos/", "-o", "generated/"];
    args.extend_from_slice(extra);
    slogen(dir, &args)
}

#[test]
fn a_folder_mixing_rules_files_and_objects_warns_once() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    write(dir, "slos/a.yaml", &spec("shop"));
    write(dir, "slos/b.yaml", &spec("cart"));
    write(dir, "slos/k8s/gateway.yaml", K8S);
    let out = gen(dir, &[]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let err = text(&out.stderr);
    assert_eq!(err.matches("warning:").count(), 1, "{err}");
    assert!(err.contains("generated mixes Prometheus rules files (2: generated/a.yaml, generated/b.yaml) and Kubernetes PrometheusRule objects (1: generated/k8s/gateway.yaml)"), "{err}");
    assert!(err.contains("--output-format prometheusrule"), "{err}");
    // --check warns too; an explicit format does not.
    let check = gen(dir, &["--check"]);
    assert!(check.status.success());
    assert!(text(&check.stderr).contains("warning: generated mixes"));
    for format in ["sloth", "rules", "prometheusrule"] {
        let out = gen(dir, &["--output-format", format]);
        assert!(out.status.success(), "{format}: {}", text(&out.stderr));
        assert!(
            !text(&out.stderr).contains("warning"),
            "{format}: {}",
            text(&out.stderr)
        );
    }
    // Now every output is an object, and --check agrees with the same flags.
    for f in ["a", "b", "k8s/gateway"] {
        let t = std::fs::read_to_string(dir.join(format!("generated/{f}.yaml"))).unwrap();
        assert!(t.contains("\nkind: PrometheusRule\n"), "{f}: {t}");
    }
    let check = gen(dir, &["--check", "--output-format", "prometheusrule"]);
    assert!(check.status.success(), "{}", text(&check.stderr));
    let stale = gen(dir, &["--check"]);
    assert_eq!(
        stale.status.code(),
        Some(1),
        "the default format writes other files"
    );
}

#[test]
fn objects_with_one_name_fail_the_run_before_anything_is_written() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    write(dir, "slos/a.yaml", &spec("Shop"));
    write(dir, "slos/b.yaml", &spec("SHOP"));
    write(dir, "slos/c.yaml", &spec("cart"));
    let out = gen(dir, &["--output-format", "prometheusrule"]);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(err.contains("error: 2 PrometheusRule objects named \"shop\" in the namespace they are applied in: slos/a.yaml (document 1), slos/b.yaml (document 1)"), "{err}");
    assert!(err.contains("nothing was written"), "{err}");
    assert!(
        !dir.join("generated/c.yaml").exists(),
        "a clash writes nothing"
    );
    let leftovers: Vec<_> = std::fs::read_dir(dir.join("generated"))
        .map(|d| d.count())
        .into_iter()
        .collect();
    assert!(
        leftovers.iter().all(|n| *n == 0),
        "temporary files left: {leftovers:?}"
    );

    // Documents of one file are numbered instead: shop, shop-2.
    write(
        dir,
        "one.yaml",
        &format!("{}---\n{}", spec("shop"), spec("SHOP")),
    );
    let out = slogen(
        dir,
        &[
            "generate",
            "-i",
            "one.yaml",
            "--output-format",
            "prometheusrule",
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let names: Vec<String> = documents(&text(&out.stdout))
        .iter()
        .map(|d| {
            serde_norway::from_str::<Value>(d).unwrap()["metadata"]["name"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(names, ["shop", "shop-2"]);
    // --name names a file's object.
    let out = slogen(
        dir,
        &[
            "generate",
            "-i",
            "slos/c.yaml",
            "--output-format",
            "prometheusrule",
            "--name",
            "cart.slos",
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("\n  name: cart.slos\n"),
        "{}",
        text(&out.stdout)
    );
}

#[test]
fn bad_metadata_flags_say_what_is_valid() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    write(dir, "slos/a.yaml", &spec("shop"));
    write(dir, "slos/x.yaml", &spec("日本"));
    let file = [
        "generate",
        "-i",
        "slos/a.yaml",
        "--output-format",
        "prometheusrule",
    ];
    for (extra, message) in [
        (
            vec!["--namespace", "Monitoring"],
            "invalid namespace \"Monitoring\": a namespace is at most 63 characters",
        ),
        (
            vec!["--label", "release"],
            "invalid --label \"release\": expected KEY=VALUE",
        ),
        (
            vec!["--label", "team name=x"],
            "invalid label key \"team name\"",
        ),
        (
            vec!["--label", "team=a b"],
            "invalid value \"a b\" of label \"team\"",
        ),
        (vec!["--name", "Shop_1"], "invalid object name \"Shop_1\""),
    ] {
        let mut args = file.to_vec();
        args.extend(extra.iter());
        let out = slogen(dir, &args);
        assert_eq!(out.status.code(), Some(1), "{extra:?}");
        assert!(
            text(&out.stderr).contains(message),
            "{extra:?}: {}",
            text(&out.stderr)
        );
    }
    let out = slogen(
        dir,
        &["generate", "-i", "slos/a.yaml", "--namespace", "monitoring"],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("--namespace is the namespace of PrometheusRule objects or a Mimir rule namespace: it needs --output-format prometheusrule or --target mimir"), "{}", text(&out.stderr));
    let out = gen(dir, &["--output-format", "prometheusrule", "--name", "x"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr)
        .contains("with a folder input each PrometheusRule is named after its spec's service"));
    // Only an SLO that skips validation can have such a service.
    let out = slogen(
        dir,
        &[
            "generate",
            "-i",
            "slos/x.yaml",
            "--output-format",
            "prometheusrule",
            "--disable-default-slo-plugins",
            "-s",
            r#"{"id":"sloth.dev/core/sli_rules/v1"}"#,
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("service \"日本\" gives no Kubernetes object name"),
        "{}",
        text(&out.stderr)
    );
    assert!(
        text(&out.stderr).contains("slos/x.yaml"),
        "{}",
        text(&out.stderr)
    );
}

/// The schema check is not vacuous: objects the API server refuses fail it.
#[test]
fn the_crd_schema_refuses_what_the_api_server_refuses() {
    let validator = crd_validator();
    let good = json!({"apiVersion": "monitoring.coreos.com/v1", "kind": "PrometheusRule",
        "metadata": {"name": "x"},
        "spec": {"groups": [{"name": "g", "interval": "1m", "rules": [{"record": "r", "expr": "up"}]}]}});
    assert!(validator.is_valid(&good));
    let mut bad = Vec::new();
    let mut no_expr = good.clone();
    no_expr["spec"]["groups"][0]["rules"][0] = json!({"record": "r"});
    bad.push(no_expr);
    let mut bad_interval = good.clone();
    bad_interval["spec"]["groups"][0]["interval"] = json!("5 minutes");
    bad.push(bad_interval);
    let mut unknown = good.clone();
    unknown["spec"]["groups"][0]["rules"][0]["severity"] = json!("page");
    bad.push(unknown);
    let mut no_spec = good.clone();
    no_spec.as_object_mut().unwrap().remove("spec");
    bad.push(no_spec);
    let mut label_number = good.clone();
    label_number["spec"]["groups"][0]["rules"][0]["labels"] = json!({"tier": 1});
    bad.push(label_number);
    for b in bad {
        assert!(!validator.is_valid(&b), "accepted {b}");
    }
}
