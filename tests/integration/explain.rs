//! `slogen explain`: the table and JSON, and its predicted detection times checked against
//! the firing times promtool observes on the generated rules.

use std::fmt::Write as _;

use crate::support::{promtool, root, slogen, text};

fn explain_json(spec: &str) -> serde_json::Value {
    let out = slogen(&root(), &["explain", spec, "--format", "json"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("explain prints JSON")
}

#[test]
fn explain_table_for_tr_web() {
    let out = slogen(&root(), &["explain", "slos/tr-web.yaml"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let table = text(&out.stdout);
    // Workbook numbers for 99.9% over 30d (field notes §3.4): 52 s, 2m10s, 4m19s.
    let row = table
        .lines()
        .find(|l| l.trim_start().starts_with("page quick"))
        .expect("page quick row");
    let cols: Vec<&str> = row.split_whitespace().collect();
    assert_eq!(
        cols[2..],
        ["1h", "5m", "14.4x", "1.44%", "2%", "52s", "1h", "4m56s"]
    );
    assert!(table.contains("objective 99.9% over 30d"), "{table}");
    assert!(table.contains("objective 99% over 30d"), "{table}");
}

#[test]
fn explain_reports_alerts_that_can_never_fire() {
    let json = explain_json("tests/fixtures/prove/low-objective.yaml");
    let conds = json[0]["conditions"].as_array().expect("conditions");
    assert_eq!(conds[0]["can_fire"], false);
    assert_eq!(
        conds[0]["detection_seconds_at_outage"],
        serde_json::Value::Null
    );
    assert_eq!(conds[1]["can_fire"], true);
    let out = slogen(
        &root(),
        &["explain", "tests/fixtures/prove/low-objective.yaml"],
    );
    assert!(text(&out.stdout).contains("warning: page quick can never fire"));
}

/// Predicted seconds to fire for the page alert (quick or slow) at error ratio `e`, from
/// explain's JSON thresholds and windows.
fn predicted_page(slo: &serde_json::Value, e: f64) -> Option<f64> {
    slo["conditions"]
        .as_array()
        .expect("conditions")
        .iter()
        .filter(|c| c["severity"] == "page")
        .filter_map(|c| {
            let thr = c["error_ratio_threshold"].as_f64().expect("threshold");
            let long = c["long_window_seconds"].as_f64().expect("long");
            (e > thr).then(|| long * thr / e)
        })
        .min_by(f64::total_cmp)
}

/// Writes a promtool test group: 6h of good traffic, then errors at `errors` per minute out of
/// 1000, asserting the page alert is absent one evaluation (1m) before explain's prediction
/// and firing one evaluation after it.
fn scenario(out: &mut String, errors: u32, predicted_s: f64) {
    let onset = 360; // minutes: the 6h page slow window full of good traffic.
    let before = onset + (predicted_s / 60.0).floor() as u32;
    let steps = before - onset + 2;
    let good = 1000 - errors;
    let _ = write!(
        out,
        r#"  - name: "{errors} errors per 1000, predicted {predicted_s}s"
    interval: 1m
    input_series:
      - series: 'http_requests_total{{service="tr-web", code="500"}}'
        values: '0+0x{onset} {errors}+{errors}x{steps}'
      - series: 'http_requests_total{{service="tr-web", code="200"}}'
        values: '0+1000x{onset} {}+{good}x{steps}'
    promql_expr_test:
      - expr: ALERTS{{alertstate="firing", sloth_severity="page", sloth_id="tr-web-requests-availability"}}
        eval_time: {before}m
        exp_samples: []
      - expr: count(ALERTS{{alertstate="firing", sloth_severity="page", sloth_id="tr-web-requests-availability"}})
        eval_time: {}m
        exp_samples:
          - labels: '{{}}'
            value: 1
"#,
        1000 * onset + good,
        before + 1
    );
}

#[test]
fn explain_detection_times_agree_with_promtool() {
    let json = explain_json("slos/tr-web.yaml");
    let slo = &json[0];
    assert_eq!(slo["slo"], "tr-web-requests-availability");
    let dir = tempfile::tempdir().expect("tempdir");
    // The SLO's own rules file, as test-rules writes it (only this SLO's groups, so promtool
    // evaluates half as many rules as with the whole spec's output).
    let out = dir.path().to_string_lossy().into_owned();
    let gen = slogen(&root(), &["test-rules", "slos/tr-web.yaml", "-o", &out]);
    assert!(gen.status.success(), "{}", text(&gen.stderr));
    let rules = std::fs::read_to_string(dir.path().join("tr-web-requests-availability.rules.yml"))
        .expect("rules");
    assert_eq!(
        rules.matches("\n- name: ").count() + rules.matches("\n  - name: ").count(),
        3,
        "{rules}"
    );
    std::fs::write(dir.path().join("rules.yml"), rules).expect("write rules");
    let groups: Vec<String> = ["sli-recordings", "meta-recordings", "alerts"]
        .iter()
        .map(|g| format!("sloth-slo-{g}-tr-web-requests-availability"))
        .collect();
    let mut file = format!(
        "rule_files: [rules.yml]\nevaluation_interval: 1m\ngroup_eval_order: [{}]\ntests:\n",
        groups.join(", ")
    );
    // A total outage, 2% errors (page quick fires), 1.1% (only page slow fires).
    let mut cases = 0;
    for errors in [1000, 20, 11] {
        let e = f64::from(errors) / 1000.0;
        let p = predicted_page(slo, e).expect("the page alert fires");
        let outage = slo["conditions"][0]["detection_seconds_at_outage"]
            .as_f64()
            .expect("outage");
        if errors == 1000 {
            assert!(
                (p - outage).abs() < 1e-6,
                "the 100% column is the same prediction: {p} vs {outage}"
            );
        }
        scenario(&mut file, errors, p);
        cases += 1;
    }
    assert_eq!(cases, 3);
    std::fs::write(dir.path().join("agree.test.yml"), &file).expect("write test");
    let out = promtool(dir.path(), &["test", "rules", "agree.test.yml"]);
    assert!(
        out.status.success(),
        "promtool disagrees with explain:\n{}{}\n{file}",
        text(&out.stdout),
        text(&out.stderr)
    );
}
