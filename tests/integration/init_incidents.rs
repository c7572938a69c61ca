//! What `slogen init` writes for the incident loop, checked by what consumes it: the
//! Alertmanager configuration by `amtool` (and against what `slogen alertmanager` prints with
//! the command `init` names), the receiver's manifests against `slogen incidents --help` and the
//! configuration's webhook URL, and docs/incidents.md against the file `init` writes.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use serde::Deserialize;

use crate::alertmanager_cfg::{alert_label_sets, amtool, routes_test};
use crate::init::{release_image, scaffold};
use crate::support::{root, slogen, slogen_bin, text};

const CONFIG: &str = "deploy/alertmanager-slos.yaml";
const DEPLOYMENT: &str = "deploy/slogen-incidents.yaml";

/// `line` split as a shell would split a command without quotes.
fn words(line: &str) -> Vec<&str> {
    line.split_whitespace().collect()
}

/// The `slogen alertmanager …` command `init` prints in its next steps.
fn printed_command(stdout: &str) -> String {
    let at = stdout
        .find("slogen alertmanager ")
        .unwrap_or_else(|| panic!("no alertmanager command in:\n{stdout}"));
    stdout[at..].lines().next().unwrap().trim().to_string()
}

fn yaml_docs(text: &str) -> Vec<serde_norway::Value> {
    serde_norway::Deserializer::from_str(text)
        .map(|d| serde_norway::Value::deserialize(d).unwrap())
        .collect()
}

/// Runs the `slogen alertmanager` command `init` printed, in `dir`, with `extra`.
fn run_printed(dir: &Path, command: &str, extra: &[&str]) -> std::process::Output {
    let mut argv = words(command)[1..].to_vec();
    argv.extend(extra);
    slogen(dir, &argv)
}

#[test]
fn init_writes_an_alertmanager_configuration_amtool_accepts_and_its_command_keeps_current() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let out = slogen(dir, &["init", "."]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.contains(&format!("created ./{CONFIG}")), "{stdout}");

    // Alertmanager accepts it, and the example's page and ticket alerts (as generate writes
    // them) reach their receivers.
    let config = dir.join(CONFIG);
    let check = amtool(&["check-config", &config.to_string_lossy()]);
    assert!(
        check.status.success(),
        "{}{}",
        text(&check.stdout),
        text(&check.stderr)
    );
    let sets = alert_label_sets(&dir.join("slos/example.yaml").to_string_lossy());
    assert_eq!(sets.len(), 2);
    for labels in &sets {
        let want = format!("slo-{}", labels["sloth_severity"]);
        assert_eq!(routes_test(&config, labels), [want], "{labels:?}");
    }

    // It is exactly what the printed command writes: --check on the scaffold passes, and
    // fails once the specs change.
    let command = printed_command(&stdout);
    let fresh = run_printed(dir, &command, &["--check"]);
    assert_eq!(fresh.status.code(), Some(0), "{}", text(&fresh.stderr));
    let spec = dir.join("slos/example.yaml");
    let edited = std::fs::read_to_string(&spec)
        .unwrap()
        .replace("requests-availability", "requests-ok");
    std::fs::write(&spec, edited).unwrap();
    let stale = run_printed(dir, &command, &["--check"]);
    assert_eq!(stale.status.code(), Some(1), "{}", text(&stale.stderr));

    // The webhook is the receiver's Service, as the manifests declare it, with the token file
    // of the Secret the manifests' header names.
    let am: serde_norway::Value =
        serde_norway::from_str(&std::fs::read_to_string(&config).unwrap()).unwrap();
    let hook = &am["receivers"][1]["webhook_configs"][0];
    let docs = yaml_docs(&std::fs::read_to_string(dir.join(DEPLOYMENT)).unwrap());
    let service = &docs[2];
    let url = format!(
        "http://{}.{}.svc:{}/alerts",
        service["metadata"]["name"].as_str().unwrap(),
        service["metadata"]["namespace"].as_str().unwrap(),
        service["spec"]["ports"][0]["port"].as_u64().unwrap()
    );
    assert_eq!(hook["url"].as_str(), Some(url.as_str()));
    assert_eq!(hook["send_resolved"].as_bool(), Some(true));
    let secret = docs[1]["spec"]["template"]["spec"]["volumes"][0]["secret"]["secretName"]
        .as_str()
        .unwrap();
    assert_eq!(
        hook["http_config"]["authorization"]["credentials_file"].as_str(),
        Some(format!("/etc/alertmanager/secrets/{secret}/token").as_str()),
        "the Prometheus Operator mounts alertmanager.spec.secrets there"
    );
}

#[test]
fn with_specs_in_slos_init_configures_their_alerts_or_says_why_not() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::fs::create_dir_all(dir.join("slos")).unwrap();
    std::fs::copy(
        root().join("slos/tr-web.yaml"),
        dir.join("slos/tr-web.yaml"),
    )
    .unwrap();
    let out = slogen(dir, &["init", "."]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let command = printed_command(&text(&out.stdout));
    let fresh = run_printed(dir, &command, &["--check"]);
    assert_eq!(fresh.status.code(), Some(0), "{}", text(&fresh.stderr));
    let written = std::fs::read_to_string(dir.join(CONFIG)).unwrap();
    assert!(
        written.contains("sloth_id=~\"tr-web-requests-availability"),
        "{written}"
    );

    // A spec that does not generate: no configuration, and init says why and what to run.
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::fs::create_dir_all(dir.join("slos")).unwrap();
    std::fs::write(
        dir.join("slos/bad.yaml"),
        "version: \"prometheus/v1\"\nservice: \"shop\"\nslos:\n  - name: \"requests\"\n    objective: 140\n    sli: {raw: {error_ratio_query: 'sum(rate(e[{{.window}}]))'}}\n    alerting: {name: A}\n",
    )
    .unwrap();
    let out = slogen(dir, &["init", "."]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(!dir.join(CONFIG).exists());
    assert!(
        stdout.contains("(not written: 1 problem(s) in slos/, first: slos/bad.yaml:5:"),
        "{stdout}"
    );
    assert!(stdout.contains("slogen alertmanager -i slos/"), "{stdout}");
}

/// The receiver's manifests: the kinds a deployment needs, one replica that is never doubled,
/// the release image, container arguments the receiver accepts; docs/incidents.md shows this
/// file.
#[test]
fn the_receivers_manifests_use_real_flags_and_are_the_documented_ones() {
    let tmp = scaffold(&[]);
    let written = std::fs::read_to_string(tmp.path().join(DEPLOYMENT)).unwrap();
    let docs = yaml_docs(&written);
    let kinds: Vec<&str> = docs.iter().map(|d| d["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["PersistentVolumeClaim", "Deployment", "Service"]);
    let deploy = &docs[1]["spec"];
    assert_eq!(deploy["replicas"].as_u64(), Some(1));
    assert_eq!(deploy["strategy"]["type"], "Recreate");
    let pod = &deploy["template"]["spec"];
    let container = &pod["containers"][0];
    assert_eq!(container["image"].as_str(), Some(release_image().as_str()));
    let args: Vec<String> = container["args"]
        .as_sequence()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap().to_string())
        .collect();
    assert_eq!(args[0], "incidents");
    let help = text(
        &Command::new(slogen_bin())
            .args(["incidents", "--help"])
            .output()
            .unwrap()
            .stdout,
    );
    let mut flags = BTreeMap::new();
    for a in &args[1..] {
        let (flag, value) = a.split_once('=').unwrap();
        assert!(
            help.contains(&format!("{flag} <")),
            "{flag} is not a flag of slogen incidents"
        );
        flags.insert(flag, value);
    }
    // Off loopback with a token file, as documented; the receiver refuses the same without.
    assert_eq!(flags["--listen"], "0.0.0.0:9095");
    // Every file flag points into a mounted volume.
    let mounts: Vec<&str> = container["volumeMounts"]
        .as_sequence()
        .unwrap()
        .iter()
        .map(|m| m["mountPath"].as_str().unwrap())
        .collect();
    for flag in [
        "--token-file",
        "--state-file",
        "--github-token-file",
        "--slack-webhook-url-file",
        "--input",
    ] {
        let path = flags[flag];
        assert!(
            mounts.iter().any(|m| path.starts_with(m)),
            "{flag}={path} is in no volume of {mounts:?}"
        );
    }
    // No volume is mounted inside another (a read-only Secret cannot hold a mount point).
    for a in &mounts {
        for b in &mounts {
            assert!(a == b || !a.starts_with(&format!("{b}/")), "{a} inside {b}");
        }
    }
    let port = docs[2]["spec"]["ports"][0]["port"].as_u64().unwrap();
    assert_eq!(port, 9095);

    // docs/incidents.md shows the same manifests (the file without its comment header).
    let doc = std::fs::read_to_string(root().join("docs/incidents.md")).unwrap();
    let start = doc.find("<!-- deployment-example").unwrap();
    let block = &doc[start..];
    let block = &block[block.find("```yaml\n").unwrap() + 8..];
    let block = &block[..block.find("```").unwrap()];
    let body: String = written
        .lines()
        .skip_while(|l| l.starts_with('#'))
        .map(|l| format!("{l}\n"))
        .collect();
    assert_eq!(
        block, body,
        "docs/incidents.md's manifests differ from {DEPLOYMENT}"
    );
}
