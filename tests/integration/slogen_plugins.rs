//! slogen's opt-in plugins proven on Prometheus's own evaluator (promtool): the generated
//! unit tests for every plugin pass, `bool_gauge` counts the samples at 0, derived periods
//! generate and pass their tests, and bad configs are reported at file:line:col.

use std::path::Path;

use crate::support::{promtool, root, slogen, text};

fn names(dir: &Path, file: &str) -> Vec<String> {
    let doc: serde_json::Value =
        serde_norway::from_str(&std::fs::read_to_string(dir.join(file)).expect("test file"))
            .expect("YAML");
    doc["tests"]
        .as_array()
        .expect("tests")
        .iter()
        .map(|t| t["name"].as_str().expect("name").to_string())
        .collect()
}

fn promtool_passes(dir: &Path) {
    let mut files: Vec<String> = std::fs::read_dir(dir)
        .expect("out")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".test.yml"))
        .collect();
    files.sort();
    assert!(!files.is_empty());
    for f in files {
        let out = promtool(dir, &["test", "rules", &f]);
        let report = format!("{}{}", text(&out.stdout), text(&out.stderr));
        assert!(
            out.status.success() && report.contains("SUCCESS"),
            "{f}:\n{report}"
        );
    }
}

#[test]
fn test_rules_proves_every_plugin_on_promtool() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().to_string_lossy().into_owned();
    let res = slogen(
        &root(),
        &[
            "test-rules",
            "tests/fixtures/slogen/plugins.yaml",
            "-o",
            &out,
        ],
    );
    assert!(res.status.success(), "{}", text(&res.stderr));
    let page = names(dir.path(), "checkout-requests-latency.page.test.yml");
    let rec = names(dir.path(), "checkout-requests-latency.recordings.test.yml");
    let has = |list: &[String], what: &str| {
        assert!(
            list.iter().any(|n| n.contains(what)),
            "{what:?} not in {list:#?}"
        )
    };
    // alert_for: pending for exactly `for`, then firing.
    has(&page, "(pending for exactly `for: 5m` first)");
    // min_traffic: a total outage below the floor never fires; with enough traffic it does.
    has(&page, "below min_events 100): never fires");
    has(&page, "page alert during a total outage: fires after");
    // burn_window_label: a burst crossing only the 1h/5m pair fires only that rule.
    has(
        &page,
        "crosses only the page pair 1h/5m: only the sloth_window=1h rule fires",
    );
    // exact_ratio: both numbers, each checked.
    has(&rec, "the period SLI is the ratio of sums 0.0266667; Sloth's mean of 5m ratios on the same series gives 0.1025");
    // latency: exactly the requests above le, the bucket spelled as Prometheus 2 keeps it.
    has(&rec, "counts exactly the requests slower than le=0.25: 150 of 1000 per step (bucket stored as le=\"0.250\")");
    promtool_passes(dir.path());
}

#[test]
fn bool_gauge_error_ratio_is_the_share_of_samples_at_zero() {
    let dir = tempfile::tempdir().expect("tempdir");
    let spec = dir.path().join("probe.yaml");
    std::fs::write(
        &spec,
        "version: \"prometheus/v1\"\nservice: web\nslos:\n  - name: probe\n    objective: 99\n    sli:\n      plugin:\n        id: slogen/bool_gauge/v1\n        options: {metric: probe_success, selector: 'job=\"blackbox\"'}\n    alerting:\n      name: ProbeFailing\n",
    )
    .unwrap();
    let res = slogen(
        dir.path(),
        &["generate", "-i", "probe.yaml", "-o", "rules.yml"],
    );
    assert!(res.status.success(), "{}", text(&res.stderr));
    // Two probes scraped every minute for 10 minutes (samples at 0..10m). Over the 5m window
    // at 10m ([5m, 10m], 6 samples each): probe a is 0 at 6m and 7m, probe b at 9m; a probe of
    // another job is always 0 and must not count. 3 zeros of 12 samples: 0.25.
    let test = "rule_files: [rules.yml]\nevaluation_interval: 1m\ntests:\n  - interval: 1m\n    input_series:\n      - series: 'probe_success{job=\"blackbox\", instance=\"a\"}'\n        values: '1 1 1 1 1 1 0 0 1 1 1'\n      - series: 'probe_success{job=\"blackbox\", instance=\"b\"}'\n        values: '1 1 1 1 1 1 1 1 1 0 1'\n      - series: 'probe_success{job=\"other\", instance=\"c\"}'\n        values: '0 0 0 0 0 0 0 0 0 0 0'\n    promql_expr_test:\n      - expr: slo:sli_error:ratio_rate5m\n        eval_time: 10m\n        exp_samples:\n          - labels: 'slo:sli_error:ratio_rate5m{sloth_id=\"web-probe\", sloth_service=\"web\", sloth_slo=\"probe\", sloth_window=\"5m\"}'\n            value: 0.25\n";
    std::fs::write(dir.path().join("probe.test.yml"), test).unwrap();
    let out = promtool(dir.path(), &["test", "rules", "probe.test.yml"]);
    assert!(
        out.status.success(),
        "{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
}

#[test]
fn derived_periods_generate_and_their_alerts_pass_promtool() {
    for (period, page_quick) in [("7d", "15m"), ("14d", "30m"), ("90d", "3h")] {
        let res = slogen(
            &root(),
            &[
                "explain",
                "slos/tr-web.yaml",
                "--format",
                "json",
                "--default-slo-period",
                period,
            ],
        );
        assert!(res.status.success(), "{period}: {}", text(&res.stderr));
        let v: serde_json::Value = serde_json::from_slice(&res.stdout).expect("json");
        assert_eq!(v[0]["conditions"][0]["long_window"], page_quick, "{period}");
        // 2% of the budget at page quick detection, whatever the period.
        let spent = v[0]["conditions"][0]["budget_consumed_percent"]
            .as_f64()
            .unwrap();
        assert!((spent - 2.0).abs() < 1e-9, "{period}: {spent}");
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().to_string_lossy().into_owned();
    let res = slogen(
        &root(),
        &[
            "test-rules",
            "slos/tr-web.yaml",
            "--default-slo-period",
            "7d",
            "-o",
            &out,
        ],
    );
    assert!(res.status.success(), "{}", text(&res.stderr));
    promtool_passes(dir.path());
}

#[test]
fn explain_accounts_for_each_plugin() {
    let res = slogen(
        &root(),
        &[
            "explain",
            "tests/fixtures/slogen/plugins.yaml",
            "--format",
            "json",
        ],
    );
    assert!(res.status.success(), "{}", text(&res.stderr));
    let v: serde_json::Value = serde_json::from_slice(&res.stdout).expect("json");
    let c = &v[0]["conditions"];
    // 99% over 30d: page quick fires after 1h × 14.4 × 1% = 8m38.4s of a total outage, plus `for: 5m`.
    let detect = c[0]["detection_seconds_at_outage"].as_f64().unwrap();
    assert!((detect - (0.144 * 3600.0 + 300.0)).abs() < 1e-6, "{detect}");
    assert_eq!(c[0]["for_seconds"], 300.0);
    assert_eq!(c[2]["for_seconds"], 1800.0);
    assert_eq!(c[1]["window_label"], "6h");
    assert_eq!(c[3]["min_events"], 100.0);
    assert_eq!(v[0]["sli_windows"], "exact_ratio");
    let table = text(&slogen(&root(), &["explain", "tests/fixtures/slogen/plugins.yaml"]).stdout);
    for want in [
        "page quick [sloth_window=1h]",
        "detection times include `for:`",
        "low-traffic floor (slogen/min_traffic/v1): no alert until the long window holds 100 events",
        "ratio of sums of 5m steps",
    ] {
        assert!(table.contains(want), "{want:?} in\n{table}");
    }
}

#[test]
fn bad_configs_are_reported_at_their_keys_by_validate() {
    let res = slogen(
        &root(),
        &[
            "validate",
            "-i",
            "tests/fixtures/lint/err_V018_slogen-plugin-config.yaml",
        ],
    );
    assert!(!res.status.success());
    let err = text(&res.stderr) + &text(&res.stdout);
    for want in [
        ":8:15: document 1: slo_plugins.chain[0].config.page: invalid slogen/alert_for/v1 config: not a valid duration string",
        ":9:9: document 1: slo_plugins.chain[0].config.tiket: invalid slogen/alert_for/v1 config: unknown key \"tiket\" (known keys: page, ticket) [V018]",
        ":17:21: document 1: slo \"checkout-requests-availability\": slos[0].plugins.chain[0].priority:",
        ":18:32: document 1: slo \"checkout-requests-availability\": slos[0].plugins.chain[0].config.min_events: invalid slogen/min_traffic/v1 config: must be at least 0, found -10 [V018]",
        ":20:20: document 1: slo \"checkout-requests-availability\": slos[0].plugins.chain[1].config.window: invalid slogen/exact_ratio/v1 config: unknown key \"window\" (this plugin takes no config) [V018]",
        ":19:15: document 1: slo \"checkout-requests-availability\": plugins: slogen/exact_ratio/v1 needs an events SLI",
    ] {
        assert!(err.contains(want), "{want:?} in\n{err}");
    }
    // The same on the command line: refused before any file is read.
    let res = slogen(
        &root(),
        &[
            "generate",
            "-i",
            "slos/tr-web.yaml",
            "-s",
            r#"{"id":"slogen/min_traffic/v1","config":{"min_events":-1}}"#,
        ],
    );
    assert!(!res.status.success());
    assert!(text(&res.stderr).contains("invalid --slo-plugins slogen/min_traffic/v1: config.min_events: must be at least 0, found -1 [V018]"), "{}", text(&res.stderr));
}
