//! Executable SLO plugins (`slo-plugin.yaml`): failures are reported with the SLO and the
//! plugin ID, exit non-zero and leave earlier output untouched.

use std::path::Path;

use crate::support::{root, slogen, text};

const SPEC: &str = r#"version: "prometheus/v1"
service: "svc01"
slos:
  - name: "slo1"
    objective: 99.9
    plugins:
      chain:
        - id: "PLUGIN"
          config: {labels: {k1: v1}}
    sli:
      events:
        error_query: sum(rate(errors_total[{{.window}}]))
        total_query: sum(rate(requests_total[{{.window}}]))
    alerting:
      page_alert: {disable: true}
      ticket_alert: {disable: true}
"#;

/// A plugin folder holding one shell-script plugin `test/p` and a spec that uses `id`.
fn setup(script: &str, timeout: &str, id: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let plugin = dir.path().join("plugins/p");
    std::fs::create_dir_all(&plugin).unwrap();
    std::fs::write(plugin.join("plugin.sh"), script).unwrap();
    std::fs::write(
        plugin.join("slo-plugin.yaml"),
        format!("version: slogen/slo-plugin/v1\nid: test/p\ncommand: [sh, plugin.sh]\ntimeout: {timeout}\n"),
    )
    .unwrap();
    std::fs::write(dir.path().join("spec.yaml"), SPEC.replace("PLUGIN", id)).unwrap();
    std::fs::write(dir.path().join("out.yaml"), "previous output\n").unwrap();
    dir
}

/// Runs generate into `out.yaml`; returns (success, stderr).
fn generate(dir: &Path) -> (bool, String) {
    let out = slogen(
        dir,
        &[
            "generate",
            "-i",
            "spec.yaml",
            "-o",
            "out.yaml",
            "-p",
            "plugins",
        ],
    );
    (out.status.success(), text(&out.stderr))
}

fn assert_fails(dir: &tempfile::TempDir, wants: &[&str]) {
    let (ok, stderr) = generate(dir.path());
    assert!(!ok, "expected failure");
    for want in wants {
        assert!(stderr.contains(want), "stderr lacks {want:?}:\n{stderr}");
    }
    let out = std::fs::read_to_string(dir.path().join("out.yaml")).unwrap();
    assert_eq!(
        out, "previous output\n",
        "a failed run must leave the output untouched"
    );
}

const WHO: [&str; 2] = ["slo \"svc01-slo1\"", "plugin \"test/p\""];

#[test]
fn crash_reports_exit_status_and_stderr() {
    let dir = setup("echo 'something broke' >&2\nexit 3\n", "10s", "test/p");
    assert_fails(
        &dir,
        &[
            WHO[0],
            WHO[1],
            "exited with exit status: 3",
            "something broke",
        ],
    );
}

#[test]
fn timeout_stops_the_plugin() {
    let dir = setup("exec sleep 30\n", "300ms", "test/p");
    assert_fails(
        &dir,
        &[WHO[0], WHO[1], "timed out after 300ms and was stopped"],
    );
}

#[test]
fn invalid_json_on_stdout() {
    let dir = setup("cat >/dev/null\necho 'not json'\n", "10s", "test/p");
    assert_fails(
        &dir,
        &[WHO[0], WHO[1], "invalid JSON on stdout", "\"not json\\n\""],
    );
}

#[test]
fn plugin_reported_error() {
    let dir = setup(
        "cat >/dev/null\necho '{\"error\": \"label k1 is reserved\"}'\n",
        "10s",
        "test/p",
    );
    assert_fails(
        &dir,
        &[
            WHO[0],
            WHO[1],
            "the plugin reported an error: label k1 is reserved",
        ],
    );
}

#[test]
fn a_plugin_can_add_an_extra_group() {
    // jq-free edit: the plugin replaces the rules with one extra group of its own.
    let script = "cat >/dev/null\necho '{\"rules\": {\"sli\": {}, \"metadata\": {}, \"alerts\": {}, \"extra\": [{\"name\": \"mine\", \"interval\": \"1m\", \"rules\": [{\"record\": \"x:y\", \"expr\": \"vector(1)\"}]}]}}'\n";
    let dir = setup(script, "10s", "test/p");
    let spec = std::fs::read_to_string(dir.path().join("spec.yaml")).unwrap();
    std::fs::write(
        dir.path().join("spec.yaml"),
        spec.replace(
            "    plugins:\n",
            "    plugins:\n      overridePrevious: true\n",
        ),
    )
    .unwrap();
    let (ok, stderr) = generate(dir.path());
    assert!(ok, "{stderr}");
    let out = std::fs::read_to_string(dir.path().join("out.yaml")).unwrap();
    assert!(
        out.ends_with("groups:\n- name: mine\n  interval: 1m\n  rules:\n  - record: x:y\n    expr: vector(1)\n"),
        "{out}"
    );
}

#[test]
fn unknown_id_says_how_to_provide_it() {
    let dir = setup("", "10s", "team/missing");
    assert_fails(
        &dir,
        &[
            "plugin \"team/missing\" not found",
            "slo-plugin.yaml manifest with `id: team/missing`",
        ],
    );
}

#[test]
fn go_plugin_on_the_path_says_how_to_port_it() {
    let dir = setup("", "10s", "team/go-plugin");
    let go = dir.path().join("plugins/go");
    std::fs::create_dir_all(&go).unwrap();
    std::fs::write(
        go.join("plugin.go"),
        "package plugin\n\nconst (\n\tPluginVersion = \"prometheus/slo/v1\"\n\tPluginID      = \"team/go-plugin\"\n)\n",
    )
    .unwrap();
    assert_fails(
        &dir,
        &[
            "plugin \"team/go-plugin\" is a Go SLO plugin",
            "go/plugin.go",
            "port it to an executable plugin",
        ],
    );
}

#[test]
fn duplicate_ids_are_refused() {
    let dir = setup("", "10s", "test/p");
    let other = dir.path().join("plugins/q");
    std::fs::create_dir_all(&other).unwrap();
    std::fs::copy(
        dir.path().join("plugins/p/slo-plugin.yaml"),
        other.join("slo-plugin.yaml"),
    )
    .unwrap();
    std::fs::copy(
        dir.path().join("plugins/p/plugin.sh"),
        other.join("plugin.sh"),
    )
    .unwrap();
    assert_fails(&dir, &["plugin \"test/p\" already loaded from"]);
}

#[test]
fn sloth_plugin1_port_checks_its_config() {
    let dir = tempfile::tempdir().unwrap();
    let spec = SPEC
        .replace("PLUGIN", "integration-tests/plugin1")
        .replace("{labels: {k1: v1}}", "{labels: [k1]}");
    std::fs::write(dir.path().join("spec.yaml"), spec).unwrap();
    let plugins = root().join("tests/fixtures/sloth-plugins");
    let out = slogen(
        dir.path(),
        &[
            "generate",
            "-i",
            "spec.yaml",
            "-p",
            plugins.to_str().unwrap(),
        ],
    );
    assert!(!out.status.success());
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("plugin \"integration-tests/plugin1\""),
        "{stderr}"
    );
    assert!(
        stderr.contains("invalid config: expected {\"labels\": {\"key\": \"value\"}}"),
        "{stderr}"
    );
}
