//! `slogen budget`, `gate` and `report` against a real Prometheus holding a month of
//! backfilled SLO history ([`super::prom_fixture`]), with every figure checked against the
//! traffic model ([`super::prom_model`]), including the NaN budget of a service without
//! traffic, an empty result and the Slack post. The failures a real Prometheus will not
//! produce on demand (down, hung, HTTP and API errors) are in [`super::budget_failures`].

use serde_json::Value;
use slogen::timefmt::format_utc;

use super::budget_failures::{run, run_env};
use super::http_stub::Stub;
use super::prom_fixture::fixture;
use super::prom_model::{slo, slos, DAY, END, HOUR, PERIOD, REPORT_SINCE, STEP};
use slogen::budget::policy::Levels;

/// When the backfill last recorded `metric` for `id` at or before `at`. Prometheus offsets
/// each rule group's evaluations by a hash of its name and file, so recordings are not on the
/// 5m grid through END; the model needs to know where they are (their values it computes).
fn sample_time(metric: &str, id: &str, at: f64) -> f64 {
    let client =
        slogen::prom::Client::new(slogen::prom::ClientOptions::new(fixture().url.clone())).unwrap();
    let q = format!("timestamp({metric}{{sloth_id=\"{id}\"}})");
    let got = client.query(&q, Some(at)).unwrap();
    assert_eq!(got.len(), 1, "{q} at {at}");
    got[0].value
}

/// What the model says `budget` shows at END for an SLO.
pub struct Expected {
    pub remaining: f64,
    pub burn: f64,
    /// A sample time of the 5m SLI recording.
    pub grid: f64,
}

pub fn expected(id: &str) -> Expected {
    let m = slo(id);
    let end = END as f64;
    let grid = sample_time("slo:sli_error:ratio_rate5m", id, end);
    let t4 = sample_time("slo:period_error_budget_remaining:ratio", id, end);
    let t3 = sample_time("slo:period_burn_rate:ratio", id, t4);
    let t30 = sample_time("slo:sli_error:ratio_rate30d", id, t3);
    let tc = sample_time("slo:current_burn_rate:ratio", id, end);
    let t5 = sample_time("slo:sli_error:ratio_rate5m", id, tc);
    Expected {
        remaining: m.budget_remaining(t30, grid),
        burn: m.burn_rate(t5),
        grid,
    }
}

fn end() -> String {
    END.to_string()
}

/// `30.09%`, as the commands print ratios.
fn pct(ratio: f64) -> String {
    format!("{:.2}%", ratio * 100.0)
}

/// Cells of a table row (columns are separated by two or more spaces).
fn cells(line: &str) -> Vec<String> {
    line.split("  ")
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(String::from)
        .collect()
}

#[test]
fn budget_table_matches_the_traffic_model() {
    let f = fixture();
    let r = run(&["budget", "--prometheus-url", &f.url, "--time", &end()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(
        cells(lines[0]),
        [
            "SLO",
            "OBJECTIVE",
            "PERIOD",
            "BUDGET LEFT",
            "BURN RATE",
            "POLICY",
            "FIRING"
        ]
    );

    let avail = slo("tr-web-requests-availability");
    let latency = slo("tr-web-requests-latency");
    let gateway = slo("api-gateway-requests-availability");
    // The incident burned 60% of tr-web's availability budget, on top of its 0.01% baseline.
    let incident_share: f64 = 72.0 * 0.072 / 8641.0 / 0.001;
    assert!((incident_share - 0.6).abs() < 0.001, "{incident_share}");
    let firing = |s: &super::prom_model::ModelSlo, name: &str| {
        let mut v = Vec::new();
        if s.alert_condition(END, true) {
            v.push(format!("{name}(page)"));
        }
        if s.alert_condition(END, false) {
            v.push(format!("{name}(ticket)"));
        }
        if v.is_empty() {
            "-".to_string()
        } else {
            v.join(",")
        }
    };
    let want = vec![
        vec![
            avail.id.to_string(),
            "99.9%".into(),
            "30d".into(),
            pct(expected(avail.id).remaining),
            format!("{:.2}x", expected(avail.id).burn),
            "be cautious with risky changes".into(),
            firing(&avail, "TrWebHighErrorRate"),
        ],
        vec![
            gateway.id.to_string(),
            "99.95%".into(),
            "30d".into(),
            pct(expected(gateway.id).remaining),
            format!("{:.2}x", expected(gateway.id).burn),
            "ship freely".into(),
            firing(&gateway, "ApiGatewayHighErrorRate"),
        ],
        vec![
            latency.id.to_string(),
            "99%".into(),
            "30d".into(),
            pct(expected(latency.id).remaining),
            format!("{:.2}x", expected(latency.id).burn),
            "ship freely".into(),
            firing(&latency, "TrWebHighLatency"),
        ],
        vec![
            "quiet-batch-jobs-success".into(),
            "99%".into(),
            "30d".into(),
            "NaN (no traffic)".into(),
            "NaN".into(),
            "unknown".into(),
            "-".into(),
        ],
    ];
    let got: Vec<Vec<String>> = lines[1..].iter().map(|l| cells(l)).collect();
    assert_eq!(got, want, "\n{}", r.stdout);
    // The figures the model implies, spelled out once so a reader can check the maths.
    // 1 - (72 × 7.2% + 8,568 or 8,569 × 0.01%) / 8,640 or 8,641 samples / 0.1%: the count
    // depends on where Prometheus put the rule group's evaluations.
    assert!(
        ["30.08%", "30.09%"].contains(&want[0][3].as_str()),
        "{}",
        want[0][3]
    );
    assert_eq!(want[2][3], "80.00%");
    assert_eq!(want[1][4], "20.00x");
    assert_eq!(want[1][6], "ApiGatewayHighErrorRate(page)");
}

#[test]
fn budget_json_carries_exact_values_and_nan_reasons() {
    let f = fixture();
    let r = run(&[
        "budget",
        "--prometheus-url",
        &f.url,
        "--time",
        &end(),
        "--service",
        "tr-web",
        "--format",
        "json",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: Value = serde_json::from_str(&r.stdout).expect("json");
    let items = v["slos"].as_array().expect("slos");
    assert_eq!(items.len(), 2);
    for item in items {
        let m = slo(item["id"].as_str().expect("id"));
        let got = item["budget_remaining_ratio"].as_f64().expect("a number");
        assert!(
            (got - expected(m.id).remaining).abs() < 1e-9,
            "{}: {got}",
            m.id
        );
        let percent = item["budget_remaining_percent"].as_f64().unwrap();
        assert!((percent - got * 100.0).abs() < 1e-4, "{percent}");
        assert!((item["objective_ratio"].as_f64().unwrap() - m.objective).abs() < 1e-12);
        assert!((item["objective_percent"].as_f64().unwrap() - m.objective * 100.0).abs() < 1e-9);
        let level = Levels::default().level(got);
        assert_eq!(item["policy_level"], level.name());
        assert_eq!(item["policy_advice"], level.advice());
        assert_eq!(item["period_days"].as_f64(), Some(30.0));
        assert_eq!(item["service"], "tr-web");
    }
    let quiet = run(&[
        "budget",
        "--prometheus-url",
        &f.url,
        "--time",
        &end(),
        "--slo",
        "jobs-success",
        "--format",
        "json",
    ]);
    let v: Value = serde_json::from_str(&quiet.stdout).expect("json");
    assert_eq!(v["slos"][0]["budget_remaining_ratio"], Value::Null);
    assert_eq!(
        v["slos"][0]["missing_reason"],
        "the error budget is NaN (no traffic in the period)"
    );
    assert_eq!(v["slos"][0]["policy_level"], Value::Null);
    assert_eq!(v["evaluated_at"], "2026-01-01T00:00:00Z");
}

#[test]
fn gate_allows_blocks_and_cannot_decide() {
    let f = fixture();
    let t = end();
    let base = [
        "gate",
        "--prometheus-url",
        f.url.as_str(),
        "--time",
        t.as_str(),
    ];
    let gate = |extra: &[&str]| {
        let mut args = base.to_vec();
        args.extend_from_slice(extra);
        run(&args)
    };
    let left = pct(expected("tr-web-requests-availability").remaining);

    let r = gate(&["--service", "tr-web"]);
    assert_eq!((r.code, r.stdout.as_str()), (0, format!(
        "allow: lowest error budget is tr-web-requests-availability at {left}, minimum 10.00% (the default) (policy: be cautious with risky changes)\n"
    ).as_str()));

    let r = gate(&["--service", "tr-web", "--min-budget", "40%"]);
    assert_eq!((r.code, r.stdout.as_str()), (1, format!(
        "block: tr-web-requests-availability has {left} of its error budget left, below the minimum 40.00% (--min-budget 40%) (policy: be cautious with risky changes)\n"
    ).as_str()));

    let burn = expected("api-gateway-requests-availability").burn;
    let r = gate(&[
        "--service",
        "api-gateway",
        "--max-burn-rate",
        "10",
        "--allow-firing",
    ]);
    assert_eq!((r.code, r.stdout.as_str()), (1, format!(
        "block: api-gateway-requests-availability burns its error budget at {burn:.2}x, above the maximum 10x (policy: ship freely)\n"
    ).as_str()));

    // No traffic: the budget is NaN, so the gate cannot decide unless told to allow.
    let r = gate(&["--service", "quiet-batch"]);
    assert_eq!((r.code, r.stdout.as_str()), (2, "undecided: cannot decide: quiet-batch-jobs-success: the error budget is NaN (no traffic in the period)\n"));
    let r = gate(&["--service", "quiet-batch", "--allow-no-data"]);
    assert_eq!(
        (r.code, r.stdout.as_str()),
        (
            0,
            "allow: no SLO has a known error budget; allowed by --allow-no-data\n"
        )
    );

    // An empty result from a real Prometheus.
    let r = gate(&["--service", "no-such-service"]);
    assert_eq!(r.code, 2);
    assert_eq!(r.stdout, format!(
        "undecided: cannot decide: no data: no slo:objective:ratio series for service \"no-such-service\" at {} (are Sloth/slogen rules loaded?)\n",
        f.url
    ));
    assert_eq!(
        gate(&["--service", "no-such-service", "--allow-no-data"]).code,
        0
    );
}

#[test]
fn gate_policy_file_changes_thresholds() {
    let f = fixture();
    let dir = tempfile::tempdir().unwrap();
    let policy = dir.path().join("policy.yaml");
    std::fs::write(
        &policy,
        "min_budget: 35%\nlevels:\n  ship_freely: 25%\n  cautious: 10%\n",
    )
    .unwrap();
    let p = policy.to_str().unwrap();
    let t = end();
    let left = pct(expected("tr-web-requests-availability").remaining);
    let r = run(&[
        "gate",
        "--prometheus-url",
        &f.url,
        "--time",
        &t,
        "--service",
        "tr-web",
        "--policy",
        p,
    ]);
    assert_eq!((r.code, r.stdout.as_str()), (1, format!(
        "block: tr-web-requests-availability has {left} of its error budget left, below the minimum 35.00% (min_budget: 35% in {p}) (policy: ship freely)\n"
    ).as_str()));
    // A flag wins over the file.
    let r = run(&[
        "gate",
        "--prometheus-url",
        &f.url,
        "--time",
        &t,
        "--service",
        "tr-web",
        "--policy",
        p,
        "--min-budget",
        "0.05",
    ]);
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert!(
        r.stdout
            .contains("minimum 5.00% (--min-budget 0.05 read as a ratio)"),
        "{}",
        r.stdout
    );

    std::fs::write(&policy, "min_budget: lots\n").unwrap();
    let r = run(&[
        "gate",
        "--prometheus-url",
        &f.url,
        "--time",
        &t,
        "--policy",
        p,
    ]);
    assert_eq!(r.code, 2);
    assert!(
        r.stdout.starts_with(&format!(
            "undecided: cannot decide: policy file {}: min_budget: \"lots\" is not a share",
            policy.display()
        )),
        "{}",
        r.stdout
    );
}

/// The Markdown report a model predicts, row by row.
fn expected_report_rows() -> Vec<String> {
    let start = END - REPORT_SINCE;
    let names = [
        (
            "tr-web-requests-availability",
            "TrWebHighErrorRate",
            "99.9%",
        ),
        ("tr-web-requests-latency", "TrWebHighLatency", "99%"),
        (
            "api-gateway-requests-availability",
            "ApiGatewayHighErrorRate",
            "99.95%",
        ),
    ];
    let mut rows = Vec::new();
    for (id, alert, objective) in names {
        let m = slo(id);
        let ex = expected(id);
        let mean = m.mean_ratio(END as f64, REPORT_SINCE, ex.grid);
        let consumed = mean * REPORT_SINCE as f64 / PERIOD as f64 / m.error_budget();
        let policy = Levels::default().level(ex.remaining).advice();
        let mut alerts = Vec::new();
        for (page, sev) in [(true, "page"), (false, "ticket")] {
            let n = m.alert_episodes(start, END, page);
            if n > 0 {
                alerts.push(format!("{alert} ({sev}) ×{n}"));
            }
        }
        let alerts = if alerts.is_empty() {
            "none".to_string()
        } else {
            alerts.join(", ")
        };
        rows.push(format!(
            "| {id} | {objective} | {:.4}% | {} | {} (30d) | {policy} | {alerts} |",
            (1.0 - mean) * 100.0,
            pct(consumed),
            pct(ex.remaining),
        ));
    }
    rows
}

#[test]
fn report_markdown_matches_the_traffic_model() {
    let f = fixture();
    let r = run(&[
        "report",
        "--prometheus-url",
        &f.url,
        "--time",
        &end(),
        "--since",
        "2d",
        "--format",
        "markdown",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let md = &r.stdout;
    assert!(md.starts_with(&format!(
        "# SLO report: {} to {}\n",
        format_utc((END - REPORT_SINCE) as f64),
        format_utc(END as f64)
    )));
    for want in expected_report_rows() {
        let row = md
            .lines()
            .find(|l| l.starts_with(&want[..want.find(" | ").unwrap()]))
            .unwrap_or_else(|| panic!("no row for {want}\n{md}"));
        // The last cell is the sparkline: 49 points of the remaining budget.
        let (body, spark) = row.trim_end_matches(" |").rsplit_once(" | ").unwrap();
        assert_eq!(format!("{body} |"), want, "\n{md}");
        assert_eq!(spark.chars().count(), 49, "{spark}");
    }
    assert!(md.contains("| quiet-batch-jobs-success | 99% | NaN (no traffic) | NaN (no traffic) | NaN (no traffic) (30d) | unknown | none | no data |"), "{md}");
    assert!(!md.contains("Data coverage"), "every window has data: {md}");
    // The incident's six hours at 7.2% are tr-web's worst; the first three are listed.
    let m = slo("tr-web-requests-availability");
    let worst = m.worst_hours(END - REPORT_SINCE, END, expected(m.id).grid);
    assert_eq!(worst.len(), 3);
    for (t, ratio) in worst {
        let line = format!(
            "- tr-web-requests-availability: {} to {}: error ratio {:.4}%, burn rate {:.2}x",
            format_utc((t - 3600) as f64),
            format_utc(t as f64),
            ratio * 100.0,
            ratio / m.error_budget()
        );
        assert!(md.contains(&line), "missing {line}\n{md}");
    }
    assert!(md.contains("error ratio 7.2000%, burn rate 72.00x"), "{md}");
}

#[test]
fn report_json_and_html() {
    let f = fixture();
    let t = end();
    let r = run(&[
        "report",
        "--prometheus-url",
        &f.url,
        "--time",
        &t,
        "--since",
        "2d",
        "--service",
        "api-gateway",
        "--format",
        "json",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: Value = serde_json::from_str(&r.stdout).expect("json");
    let s = &v["slos"][0];
    let m = slo("api-gateway-requests-availability");
    let ex = expected(m.id);
    let mean = m.mean_ratio(END as f64, REPORT_SINCE, ex.grid);
    assert!((s["sli"].as_f64().unwrap() - (1.0 - mean)).abs() < 1e-12);
    let consumed = mean * REPORT_SINCE as f64 / PERIOD as f64 / m.error_budget();
    assert!((s["budget_consumed"].as_f64().unwrap() - consumed).abs() < 1e-9);
    assert_eq!(s["alert_firings"][0]["severity"], "page");
    assert_eq!(
        s["alert_firings"][0]["count"].as_u64(),
        Some(u64::from(m.alert_episodes(END - REPORT_SINCE, END, true)))
    );
    let last = s["budget_series"].as_array().unwrap().last().unwrap();
    assert_eq!(last["time"], "2026-01-01T00:00:00Z");
    assert!((last["budget_remaining_ratio"].as_f64().unwrap() - ex.remaining).abs() < 1e-9);
    assert_eq!(
        (v["start"].as_str(), v["end"].as_str()),
        (Some("2025-12-30T00:00:00Z"), Some("2026-01-01T00:00:00Z"))
    );
    assert_eq!(s["policy_level"], "ship_freely");
    assert_eq!(s["policy_advice"], "ship freely");
    assert_eq!(s["window_coverage"]["complete"], true);
    assert!(s["worst_periods"][0]["start"]
        .as_str()
        .unwrap()
        .ends_with('Z'));
    assert_eq!(s["status"]["objective_percent"].as_f64(), Some(99.95));

    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("report.html");
    let r = run(&[
        "report",
        "--prometheus-url",
        &f.url,
        "--time",
        &t,
        "--since",
        "2d",
        "--format",
        "html",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout, "");
    let html = std::fs::read_to_string(&out).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert_eq!(
        html.matches("<polyline").count(),
        3,
        "three SLOs with data get a chart"
    );
    assert!(
        html.contains("aria-label=\"no data\""),
        "the quiet SLO has no chart"
    );
    assert!(html.contains(&pct(expected("tr-web-requests-availability").remaining)));

    // Issue 16, defect 1: the report file is created as any new file is (0666 less this
    // process's umask, the mode a plain create gives beside it), and a chmod survives the
    // next report.
    use std::os::unix::fs::PermissionsExt;
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    let probe = dir.path().join("probe");
    std::fs::write(&probe, "").unwrap();
    assert_eq!(
        mode(&out),
        mode(&probe),
        "a new report gets the umask's mode"
    );
    std::fs::set_permissions(&out, std::fs::Permissions::from_mode(0o640)).unwrap();
    let r = run(&[
        "report",
        "--prometheus-url",
        &f.url,
        "--time",
        &t,
        "--since",
        "1d",
        "--format",
        "html",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_ne!(std::fs::read_to_string(&out).unwrap(), html, "rewritten");
    assert_eq!(mode(&out), 0o640, "a replaced report keeps its mode");
}

/// Issue 16, defect 7: Slack got a Markdown table, which it shows as raw pipes. Now a Block
/// Kit message: a header, one section per SLO at risk with its policy level, and links.
#[test]
fn report_posts_block_kit_to_slack() {
    let f = fixture();
    let slack = Stub::start(200, "text/plain", "ok");
    let t = end();
    let args = [
        "report",
        "--prometheus-url",
        f.url.as_str(),
        "--time",
        t.as_str(),
        "--since",
        "2d",
        "--service",
        "tr-web",
        "--report-url",
        "https://reports.example.com/slo/2026-01-01.html",
    ];
    let r = run_env(
        &args,
        &[(
            "SLACK_WEBHOOK_URL",
            &format!("{}/services/T0/B0/x", slack.url),
        )],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let reqs = slack.requests();
    assert_eq!(reqs.len(), 1);
    assert_eq!(reqs[0].request_line, "POST /services/T0/B0/x HTTP/1.1");
    assert_eq!(
        reqs[0].header("content-type").as_deref(),
        Some("application/json")
    );
    let payload: Value = serde_json::from_str(&reqs[0].body).expect("json payload");
    let blocks = payload["blocks"].as_array().expect("Block Kit blocks");
    assert!(!reqs[0].body.contains("|---|"), "no Markdown table");
    // Slack's limits: at most 50 blocks, a plain-text header of at most 150 characters.
    assert!(blocks.len() <= 50);
    assert_eq!(blocks[0]["type"], "header");
    assert_eq!(blocks[0]["text"]["type"], "plain_text");
    let header = blocks[0]["text"]["text"].as_str().unwrap();
    assert!(
        header.starts_with("SLO report: ") && header.chars().count() <= 150,
        "{header}"
    );
    assert!(payload["text"]
        .as_str()
        .unwrap()
        .contains("2 SLO(s), 1 at risk"));
    let context = blocks[1]["elements"][0]["text"].as_str().unwrap();
    assert!(
        context.contains("<https://reports.example.com/slo/2026-01-01.html|Full report>"),
        "{context}"
    );
    // tr-web's availability spent 60% of its budget in an incident inside the window and paged:
    // at risk. Its latency SLO ships freely without alerts: not listed.
    let sections: Vec<&str> = blocks
        .iter()
        .filter(|b| b["type"] == "section")
        .map(|b| b["text"]["text"].as_str().unwrap())
        .collect();
    assert_eq!(sections.len(), 1, "{sections:#?}");
    let avail = sections[0];
    assert!(avail.contains("*tr-web-requests-availability*"), "{avail}");
    let left = expected("tr-web-requests-availability").remaining;
    let level = Levels::default().level(left);
    assert_eq!(level.name(), "cautious");
    assert!(
        avail.contains(&format!("policy *cautious*: {}", level.advice())),
        "{avail}"
    );
    assert!(
        avail.contains(&format!("Budget left *{}*", pct(left))),
        "{avail}"
    );
    assert!(avail.contains("TrWebHighErrorRate (page)"), "{avail}");
    let link = format!("<{}/graph?g0.expr=slo%3Aperiod_error_budget_remaining%3Aratio%7Bsloth_id%3D%22tr-web-requests-availability%22%7D&amp;g0.tab=0&amp;g0.range_input=2d|Budget in Prometheus>", f.url);
    assert!(avail.contains(&link), "{avail}\n{link}");

    // A webhook that refuses the post fails the run.
    let broken = Stub::start(404, "text/plain", "no_service");
    let r = run(&[&args[..], &["--slack-webhook", &broken.url]].concat());
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.ends_with(
            "error: posting the report to Slack: the webhook answered HTTP 404: no_service\n"
        ),
        "{}",
        r.stderr
    );
}

/// Issue 16, defect 5: the gate allowed deploys while a page alert fired (budget 80%, burning
/// at 20x). A firing page alert of the selected service blocks by default; `--allow-firing` or
/// `allow_firing: true` turn that off.
#[test]
fn gate_blocks_while_a_page_alert_fires() {
    let f = fixture();
    let t = end();
    let gateway = slo("api-gateway-requests-availability");
    assert!(gateway.alert_condition(END, true), "the model pages at END");
    let ex = expected(gateway.id);
    assert!(ex.remaining > 0.5, "plenty of budget: {}", ex.remaining);
    let base = [
        "gate",
        "--prometheus-url",
        f.url.as_str(),
        "--time",
        t.as_str(),
        "--service",
        "api-gateway",
    ];
    let r = run(&base);
    assert_eq!((r.code, r.stdout.as_str()), (1, format!(
        "block: api-gateway-requests-availability is paging: ApiGatewayHighErrorRate is firing (burn rate {:.2}x); deploys wait for the incident (allow them with --allow-firing or allow_firing: true) (policy: ship freely)\n",
        ex.burn
    ).as_str()));
    let r = run(&[&base[..], &["--allow-firing"]].concat());
    assert_eq!(r.code, 0, "{}", r.stdout);
    let dir = tempfile::tempdir().unwrap();
    let policy = dir.path().join("policy.yaml");
    std::fs::write(&policy, "allow_firing: true\n").unwrap();
    let r = run(&[&base[..], &["--policy", policy.to_str().unwrap()]].concat());
    assert_eq!(r.code, 0, "{}", r.stdout);

    // --format json: the same decision, with the policy's vocabulary.
    let r = run(&[&base[..], &["--format", "json", "--min-budget", "0.1"]].concat());
    assert_eq!(r.code, 1);
    let v: Value = serde_json::from_str(&r.stdout).expect("json");
    assert_eq!(v["verdict"], "block");
    assert_eq!(v["exit_code"], 1);
    assert_eq!(v["policy_level"], "ship_freely");
    assert_eq!(v["policy_advice"], "ship freely");
    assert_eq!(v["min_budget_ratio"].as_f64(), Some(0.1));
    assert_eq!(v["min_budget_origin"], "--min-budget 0.1 read as a ratio");
    assert_eq!(v["evaluated_at"], "2026-01-01T00:00:00Z");
    assert!((v["lowest_budget_ratio"].as_f64().unwrap() - ex.remaining).abs() < 1e-9);

    // A time as RFC 3339 means the same instant as Unix seconds.
    let rfc = run(&[
        "gate",
        "--prometheus-url",
        f.url.as_str(),
        "--time",
        "2026-01-01T00:00:00Z",
        "--service",
        "api-gateway",
    ]);
    assert_eq!((rfc.code, &rfc.stdout), (1, &run(&base).stdout));

    // A bare number is a ratio: 10 would be 1000%, so it is refused, saying how to write it.
    let r = run(&[&base[..], &["--min-budget", "10"]].concat());
    assert_eq!(r.code, 2);
    assert_eq!(
        r.stdout,
        "undecided: cannot decide: --min-budget: \"10\" is not a ratio in [0, 1]; for 10 percent write 10%\n"
    );
}

/// Issue 16, defect 6: with less history than the window, the report showed a consumed budget
/// over the whole window (more than the budget left allows) and hours before the data began.
/// The fixture's SLI recording starts 32 days and 1 hour before END: a 40-day report covers 32
/// of its days, and every figure is computed over them.
#[test]
fn report_computes_over_the_history_prometheus_holds() {
    let f = fixture();
    let t = end();
    let id = "tr-web-requests-availability";
    let m = slo(id);
    let ex = expected(id);
    let history_start = END - REPORT_SINCE - HOUR - PERIOD;
    // Where the recording begins, read from Prometheus directly.
    let first = sample_time(
        "slo:sli_error:ratio_rate5m",
        id,
        (history_start + STEP) as f64,
    );
    assert!(
        first >= history_start as f64 && first < (history_start + STEP) as f64,
        "{first}"
    );
    let since = 40 * DAY;
    let args = |format: &str| {
        run(&[
            "report",
            "--prometheus-url",
            f.url.as_str(),
            "--time",
            t.as_str(),
            "--since",
            "40d",
            "--service",
            "tr-web",
            "--format",
            format,
        ])
    };
    let json = args("json");
    assert_eq!(json.code, 0, "{}", json.stderr);
    let v: Value = serde_json::from_str(&json.stdout).unwrap();
    let s = v["slos"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["status"]["id"] == id)
        .unwrap();
    let covered = END as f64 - first;
    let cov = &s["window_coverage"];
    assert_eq!(cov["complete"], false);
    assert_eq!(
        cov["covered_from"].as_str(),
        Some(slogen::timefmt::rfc3339(first).as_str())
    );
    assert!((cov["covered_days"].as_f64().unwrap() - covered / DAY as f64).abs() < 1e-9);
    assert_eq!(cov["requested_days"].as_f64(), Some(40.0));
    // Over the covered part only: the mean of the samples that exist, times the days that
    // have them, as a share of the 30-day budget.
    let mean = m.mean_ratio(END as f64, END - first as i64, ex.grid);
    let consumed = mean * covered / PERIOD as f64 / m.error_budget();
    let got = s["budget_consumed"].as_f64().unwrap();
    assert!((got - consumed).abs() < 1e-6, "{got} vs {consumed}");
    let nominal = mean * since as f64 / PERIOD as f64 / m.error_budget();
    assert!(
        (got - nominal).abs() > 0.1,
        "not over the whole window: {got} vs {nominal}"
    );
    assert!((s["sli"].as_f64().unwrap() - (1.0 - mean)).abs() < 1e-9);
    for w in s["worst_periods"].as_array().unwrap() {
        let start = slogen::timefmt::parse_time(w["start"].as_str().unwrap()).unwrap();
        assert!(start >= first, "a worst hour before the data began: {w}");
    }
    // The period (30 days) is covered throughout.
    assert_eq!(s["period_coverage"]["complete"], true);

    let md = args("markdown").stdout;
    assert!(
        md.contains(&format!(
            "- {id}: data covers 32 of 40 days (since {}); the SLI and the budget consumed are computed over those",
            format_utc(first)
        )),
        "{md}"
    );
    let text = args("text").stdout;
    assert!(text.contains("Data coverage:"), "{text}");

    // A window within the period never shows more consumed than the period has used.
    let r = run(&[
        "report",
        "--prometheus-url",
        f.url.as_str(),
        "--time",
        t.as_str(),
        "--since",
        "30d",
        "--format",
        "json",
    ]);
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    for s in v["slos"].as_array().unwrap() {
        if let (Some(c), Some(left)) = (
            s["budget_consumed"].as_f64(),
            s["status"]["budget_remaining_ratio"].as_f64(),
        ) {
            assert!(
                c <= 1.0 - left + 1e-9,
                "{}: consumed {c}, left {left}",
                s["status"]["id"]
            );
        }
    }
}

#[test]
fn fixture_holds_a_month_of_history() {
    let f = fixture();
    // A month of five-minute SLI samples lies behind the 30d SLI at END.
    let q = "count_over_time(slo:sli_error:ratio_rate5m{sloth_id=\"tr-web-requests-availability\"}[30d])";
    let client =
        slogen::prom::Client::new(slogen::prom::ClientOptions::new(f.url.clone())).unwrap();
    let got = client.query(q, Some(END as f64)).unwrap();
    assert_eq!(got.len(), 1);
    assert!([8640.0, 8641.0].contains(&got[0].value), "{}", got[0].value);
    eprintln!(
        "fixture build: {:.1}s; {} SLOs in the model; {DAY}s a day",
        f.build_secs,
        slos().len()
    );
}
