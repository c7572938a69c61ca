//! `slogen alertmanager` checked by Alertmanager's own tool: `amtool check-config` on every
//! configuration printed for `slos/` and the golden examples, `amtool config routes test` on
//! the label sets the generated alert rules carry (read from `slogen generate`'s output, not
//! from the configuration), and the `--merge`, `-o` and `--check` contracts.
//!
//! Fails (never skips) when `amtool` is missing: `./scripts/test` installs Debian's
//! `prometheus-alertmanager`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::golden::cases;
use crate::support::{root, slogen, text};

/// Runs `amtool` with `args`. Panics when it is not installed.
pub fn amtool(args: &[&str]) -> Output {
    Command::new("amtool")
        .args(args)
        .output()
        .unwrap_or_else(|e| {
            panic!("amtool does not run ({e}): install Debian's `prometheus-alertmanager` package (./scripts/test does it)")
        })
}

fn check_config(file: &Path, what: &str) {
    let out = amtool(&["check-config", &file.to_string_lossy()]);
    assert!(
        out.status.success() && text(&out.stdout).contains("SUCCESS"),
        "amtool check-config refused the configuration for {what}:\n{}\n{}\n{}",
        text(&out.stdout),
        text(&out.stderr),
        std::fs::read_to_string(file).unwrap_or_default()
    );
}

/// The receivers `amtool config routes test` gives for a label set.
pub fn routes_test(config: &Path, labels: &BTreeMap<String, String>) -> Vec<String> {
    let mut args = vec![
        "config".to_string(),
        "routes".to_string(),
        "test".to_string(),
        format!("--config.file={}", config.display()),
    ];
    args.extend(labels.iter().map(|(k, v)| format!("{k}={v}")));
    let argv: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = amtool(&argv);
    assert!(
        out.status.success(),
        "amtool config routes test: {}",
        text(&out.stderr)
    );
    text(&out.stdout)
        .trim()
        .split(',')
        .map(|s| s.trim().to_string())
        .collect()
}

/// Variants of the command every input is printed with.
const VARIANTS: [&[&str]; 2] = [
    &[],
    &[
        "--webhook-url",
        "http://127.0.0.1:9095/alerts",
        "--webhook-credentials-file",
        "/etc/alertmanager/slogen-token",
        "--exclusive",
        "--page-group-wait",
        "1s",
    ],
];

#[test]
fn amtool_accepts_every_configuration_printed_for_slos_and_the_golden_examples() {
    let tmp = tempfile::tempdir().unwrap();
    let golden = root().join("tests/golden");
    let plugins = root().join("tests/fixtures/sloth-plugins");
    // (id, cwd, args, whether Sloth's output for the input has alert rules).
    let mut inputs: Vec<(String, PathBuf, Vec<String>, bool)> = vec![(
        "slos".into(),
        root(),
        vec!["-i".into(), "slos".into()],
        true,
    )];
    for case in cases() {
        // Only generate cases Sloth writes rules for; alertmanager has no --disable-* flags.
        let generates = case.args.first().map(String::as_str) == Some("generate")
            && !["fail", "pass"].contains(&case.expect.as_str())
            && !case.args.iter().any(|a| a == "--disable-alerts");
        if !generates {
            continue;
        }
        let cwd = golden.join(&case.cwd);
        let expected = std::fs::read_to_string(cwd.join(&case.expect)).unwrap();
        let has_alerts = expected
            .lines()
            .any(|l| l.trim_start_matches([' ', '-']).starts_with("alert: "));
        let args = case.args[1..]
            .iter()
            .filter(|a| *a != "--disable-recordings")
            .map(|a| a.replace("{PLUGINS}", &plugins.to_string_lossy()))
            .collect();
        inputs.push((case.id.clone(), cwd, args, has_alerts));
    }
    let mut checked = 0;
    for (id, cwd, args, has_alerts) in &inputs {
        for (v, extra) in VARIANTS.iter().enumerate() {
            let mut argv = vec!["alertmanager"];
            argv.extend(args.iter().map(String::as_str));
            argv.extend(extra.iter());
            let out = slogen(cwd, &argv);
            if !has_alerts {
                // Every SLO disables alerting (or the format has none): nothing to route.
                assert_eq!(out.status.code(), Some(1), "{id}");
                assert!(
                    text(&out.stderr).contains("no SLO alerts to route"),
                    "{id}: {}",
                    text(&out.stderr)
                );
                continue;
            }
            assert!(out.status.success(), "{id}: {}", text(&out.stderr));
            let file = tmp.path().join(format!("{id}.{v}.yml"));
            std::fs::write(&file, &out.stdout).unwrap();
            check_config(&file, id);
            checked += 1;
        }
    }
    assert!(checked >= 2 * 15, "only {checked} configurations checked");
}

/// Every alert rule `slogen generate` writes for `spec`, as the label set Prometheus gives
/// its alerts: the labels of the SLI recording rules of the same SLO (without
/// `sloth_window`, which `max … without (sloth_window)` drops) overlaid with the rule's own.
pub fn alert_label_sets(spec: &str) -> Vec<BTreeMap<String, String>> {
    let out = slogen(&root(), &["generate", "-i", spec]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let doc: serde_norway::Value = serde_norway::from_str(&text(&out.stdout)).unwrap();
    let mut series: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    let mut alerts = Vec::new();
    let labels_of = |rule: &serde_norway::Value| -> BTreeMap<String, String> {
        rule.get("labels")
            .and_then(|l| l.as_mapping())
            .map(|m| {
                m.iter()
                    .map(|(k, v)| {
                        (
                            k.as_str().unwrap().to_string(),
                            v.as_str().unwrap().to_string(),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default()
    };
    // A Kubernetes spec gives a PrometheusRule, its groups under `spec`.
    let groups = doc.get("groups").unwrap_or_else(|| &doc["spec"]["groups"]);
    for group in groups.as_sequence().unwrap() {
        for rule in group["rules"].as_sequence().unwrap() {
            let mut labels = labels_of(rule);
            if rule.get("record").is_some() && labels.contains_key("sloth_window") {
                labels.remove("sloth_window");
                series.insert(labels["sloth_id"].clone(), labels);
            } else if let Some(name) = rule.get("alert") {
                labels.insert("alertname".into(), name.as_str().unwrap().into());
                alerts.push((group["name"].as_str().unwrap().to_string(), labels));
            }
        }
    }
    alerts
        .into_iter()
        .map(|(group, rule_labels)| {
            // sloth-slo-alerts-<id>
            let id = group.strip_prefix("sloth-slo-alerts-").unwrap();
            let mut labels = series[id].clone();
            labels.extend(rule_labels);
            labels
        })
        .collect()
}

#[test]
fn amtool_routes_page_and_ticket_alerts_to_their_receivers() {
    let tmp = tempfile::tempdir().unwrap();
    let config = tmp.path().join("am.yml");
    let out = slogen(
        &root(),
        &[
            "alertmanager",
            "-i",
            "slos",
            "-o",
            &config.to_string_lossy(),
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let mut seen = 0;
    for spec in ["slos/tr-web.yaml", "slos/api-gateway.yaml"] {
        for labels in alert_label_sets(spec) {
            let want = match labels["sloth_severity"].as_str() {
                "page" => "slo-page",
                "ticket" => "slo-ticket",
                other => panic!("unexpected severity {other}"),
            };
            assert_eq!(routes_test(&config, &labels), [want], "{labels:?}");
            seen += 1;
        }
    }
    assert_eq!(seen, 6, "3 SLOs, a page and a ticket alert each");
    // An alert of an SLO the specs do not hold, and any other alert, take the root's receiver.
    let other: BTreeMap<String, String> = [
        ("alertname", "X"),
        ("sloth_id", "elsewhere-slo"),
        ("sloth_severity", "page"),
    ]
    .into_iter()
    .map(|(k, v)| (k.into(), v.into()))
    .collect();
    assert_eq!(routes_test(&config, &other), ["default"]);
}

const USER_CONFIG: &str = "\
# The team's Alertmanager: pages go to the pager, everything else to chat.
global:
  resolve_timeout: 5m
route:
  receiver: chat
  group_by: [alertname]
  routes:
    - matchers: ['severity=\"critical\"']
      receiver: pager
receivers:
  - name: chat
  - name: pager
";

#[test]
fn merge_into_a_users_configuration_keeps_its_routes_and_is_stable_on_disk() {
    let tmp = tempfile::tempdir().unwrap();
    let config = tmp.path().join("alertmanager.yml");
    std::fs::write(&config, USER_CONFIG).unwrap();
    let path = config.to_string_lossy().into_owned();
    let merge = |input: &str, extra: &[&str]| {
        let mut argv = vec!["alertmanager", "-i", input, "--merge", &path, "-o", &path];
        argv.extend(extra);
        slogen(&root(), &argv)
    };
    let out = merge("slos", &[]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    check_config(&config, "the merged configuration");
    let merged = std::fs::read_to_string(&config).unwrap();
    assert!(merged.contains("receiver: pager") && merged.contains("- name: chat"));

    // Page alerts reach slogen's receiver and, as before the merge, the pager.
    for labels in alert_label_sets("slos/tr-web.yaml") {
        let got = routes_test(&config, &labels);
        match labels["sloth_severity"].as_str() {
            "page" => assert_eq!(got, ["slo-page", "pager"], "{labels:?}"),
            _ => assert_eq!(got, ["slo-ticket"], "{labels:?}"),
        }
    }

    // Again: nothing changes, and the file is not rewritten.
    let before = std::fs::metadata(&config).unwrap().modified().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(20));
    let out = merge("slos", &[]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(std::fs::read_to_string(&config).unwrap(), merged);
    assert_eq!(
        std::fs::metadata(&config).unwrap().modified().unwrap(),
        before
    );
    let out = merge("slos", &["--check"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));

    // One spec file fewer: --check says so with a diff and leaves the file alone.
    let out = merge("slos/tr-web.yaml", &["--check"]);
    assert_eq!(out.status.code(), Some(1));
    let diff = text(&out.stdout);
    assert!(
        diff.contains("-    - sloth_id=~\"api-gateway-requests-availability|"),
        "{diff}"
    );
    assert!(
        text(&out.stderr).contains("out of date"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(std::fs::read_to_string(&config).unwrap(), merged);

    // --exclusive: page alerts go to slogen's receiver only.
    let out = merge("slos", &["--exclusive"]);
    assert!(out.status.success());
    for labels in alert_label_sets("slos/tr-web.yaml") {
        if labels["sloth_severity"] == "page" {
            assert_eq!(routes_test(&config, &labels), ["slo-page"]);
        }
    }
}

#[test]
fn a_merge_file_alertmanager_would_refuse_is_an_error_at_its_line() {
    let tmp = tempfile::tempdir().unwrap();
    let config = tmp.path().join("am.yml");
    std::fs::write(
        &config,
        "route:\n  receiver: a\nreceivers: []\nroute:\n  receiver: b\n",
    )
    .unwrap();
    let out = slogen(
        &root(),
        &[
            "alertmanager",
            "-i",
            "slos",
            "--merge",
            &config.to_string_lossy(),
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(
        err.contains(&format!(
            "{}:4:1: key \"route\" appears twice",
            config.display()
        )),
        "{err}"
    );
    assert!(out.stdout.is_empty());
    // A bad timer names its flag.
    let out = slogen(
        &root(),
        &[
            "alertmanager",
            "-i",
            "slos",
            "--page-group-interval",
            "soon",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("--page-group-interval"));
}

/// docs/alertmanager.md shows the command's real output for `slos/`.
#[test]
fn the_documented_configuration_is_what_the_command_prints() {
    let doc = std::fs::read_to_string(root().join("docs/alertmanager.md")).unwrap();
    let start = doc
        .find("```console\n$ slogen alertmanager -i slos/")
        .unwrap();
    let block = &doc[start + "```console\n".len()..];
    let block = &block[..block.find("```").unwrap()];
    let mut lines = block.lines();
    let mut command = String::new();
    for l in lines.by_ref() {
        let l = l.trim_start_matches("$ ");
        command.push_str(l.trim_end_matches('\\').trim());
        command.push(' ');
        if !l.ends_with('\\') {
            break;
        }
    }
    let shown: String = lines.map(|l| format!("{l}\n")).collect();
    let argv: Vec<&str> = command.split_whitespace().skip(1).collect();
    let out = slogen(&root(), &argv);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let printed = text(&out.stdout).replace(env!("CARGO_PKG_VERSION"), "0.1.0");
    assert_eq!(
        shown, printed,
        "docs/alertmanager.md is stale for: {command}"
    );
}
