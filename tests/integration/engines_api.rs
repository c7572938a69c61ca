//! budget, gate and report against loopback stand-ins that answer as VictoriaMetrics
//! cluster, Mimir/Cortex and Thanos Query document it, checked at the request level: where the
//! tenant goes, which partial-response argument is sent, and what slogen says about partial
//! answers and limit errors. (The real VictoriaMetrics single node is in `engines_vm.rs`.)
//!
//! Documented shapes used:
//! - Prometheus HTTP API envelope: `{"status":"success","data":…,"warnings":[…]}`; errors
//!   `{"status":"error","errorType":…,"error":…}` with 400/422/503.
//! - Thanos Query: `partial_response` request parameter; with partial response on, store
//!   failures come back as `warnings` on a `success` answer.
//! - VictoriaMetrics cluster: vmselect serves `/select/<accountID>[:<projectID>]/prometheus/
//!   api/v1/query`; a partial answer carries `"isPartial":true`; `deny_partial_response=1`
//!   refuses it; query errors are HTTP 422 with `"errorType":"422"`.
//! - Mimir/Cortex: tenant in `X-Scope-OrgID`; limits refused with HTTP 422, e.g.
//!   `the query time range exceeds the limit (query length: …, limit: …)
//!   (err-mimir-max-query-length)`.

use super::budget_failures::{assert_failure, run};
use super::http_stub::Stub;

/// One SLO's series: every metric budget asks for gets this sample.
const OK: &str = r#"{"status":"success","data":{"resultType":"vector","result":[{"metric":{"sloth_id":"svc-a","sloth_service":"svc","sloth_slo":"a","alertname":"X"},"value":[1767225600,"0.5"]}]}}"#;
const THANOS_PARTIAL: &str = r#"{"status":"success","data":{"resultType":"vector","result":[{"metric":{"sloth_id":"svc-a","sloth_service":"svc","sloth_slo":"a"},"value":[1767225600,"0.5"]}]},"warnings":["fetch series for block 01HX: rpc error: code = Unavailable desc = store 10.0.0.7:10901 unavailable"]}"#;
const VM_PARTIAL: &str = r#"{"status":"success","isPartial":true,"data":{"resultType":"vector","result":[{"metric":{"sloth_id":"svc-a","sloth_service":"svc","sloth_slo":"a"},"value":[1767225600,"0.5"]}]}}"#;
const PROM_INFO: &str = r#"{"status":"success","data":{"resultType":"vector","result":[{"metric":{"sloth_id":"svc-a","sloth_service":"svc","sloth_slo":"a"},"value":[1767225600,"0.5"]}]},"warnings":["PromQL warning: encountered a mix of histograms and floats"]}"#;
const MIMIR_LIMIT: &str = r#"{"status":"error","errorType":"execution","error":"expanding series: the query time range exceeds the limit (query length: 769h0m0s, limit: 768h0m0s) (err-mimir-max-query-length). To adjust the related per-tenant limit, configure -querier.max-partial-query-length, or contact your service administrator."}"#;
const VM_LIMIT: &str = r#"{"status":"error","errorType":"422","error":"error when executing query=\"slo:objective:ratio\" on the time range (start=1767225300000, end=1767225600000, step=300000): cannot execute query: the number of matching timeseries exceeds 30000; either narrow down the search or increase -search.maxUniqueTimeseries command-line flag value"}"#;

fn budget(url: &str, extra: &[&str]) -> super::budget_failures::Run {
    run(&[
        &["budget", "--prometheus-url", url, "--time", "1767225600"],
        extra,
    ]
    .concat())
}

#[test]
fn victoriametrics_cluster_tenant_is_a_path_prefix() {
    let stub = Stub::start(200, "application/json", OK);
    let r = budget(
        &stub.url,
        &["--engine", "victoriametrics", "--tenant", "42:1"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let reqs = stub.requests();
    assert!(!reqs.is_empty());
    for q in &reqs {
        assert!(
            q.request_line
                .starts_with("POST /select/42:1/prometheus/api/v1/query "),
            "{}",
            q.request_line
        );
        assert_eq!(q.header("X-Scope-OrgID"), None);
    }
    // Not a VictoriaMetrics tenant: refused before any request.
    let r = budget(
        &stub.url,
        &["--engine", "victoriametrics", "--tenant", "team-a"],
    );
    assert_ne!(r.code, 0);
    assert!(
        r.stderr.contains("accountID or accountID:projectID"),
        "{}",
        r.stderr
    );
}

#[test]
fn mimir_tenant_is_the_x_scope_orgid_header() {
    let stub = Stub::start(200, "application/json", OK);
    for engine in ["mimir", "cortex"] {
        let r = budget(&stub.url, &["--engine", engine, "--tenant", "team-a"]);
        assert_eq!(r.code, 0, "{}", r.stderr);
    }
    let reqs = stub.requests();
    assert!(!reqs.is_empty());
    for q in &reqs {
        assert!(
            q.request_line.starts_with("POST /api/v1/query "),
            "{}",
            q.request_line
        );
        assert_eq!(q.header("X-Scope-OrgID").as_deref(), Some("team-a"));
        // Figures are read with the server's partial-response default.
        assert!(!q.body.contains("partial_response"), "{}", q.body);
    }
    let r = budget(&stub.url, &["--tenant", "team-a"]);
    assert_ne!(r.code, 0);
    assert!(r.stderr.contains("--tenant needs --engine"), "{}", r.stderr);
    let r = budget(
        &stub.url,
        &[
            "--engine",
            "mimir",
            "--tenant",
            "a",
            "-H",
            "X-Scope-OrgID: b",
        ],
    );
    assert!(r.stderr.contains("keep one"), "{}", r.stderr);
}

#[test]
fn thanos_partial_answers_are_flagged_and_the_gate_refuses_them() {
    let stub = Stub::start(200, "application/json", THANOS_PARTIAL);
    // budget shows the figures, flagged as partial, and exits 3.
    let r = budget(&stub.url, &["--engine", "thanos"]);
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(
        r.stdout
            .starts_with("PARTIAL DATA: thanos answered from part of its data"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("store 10.0.0.7:10901 unavailable"));
    let r = budget(&stub.url, &["--engine", "thanos", "--format", "json"]);
    assert_eq!(r.code, 3);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["partial"], true);
    assert_eq!(v["warnings"].as_array().unwrap().len(), 1);
    // gate asks Thanos not to answer partially; when an answer still is, it cannot decide.
    let _earlier = stub.requests();
    let r = run(&[
        "gate",
        "--prometheus-url",
        &stub.url,
        "--time",
        "1767225600",
        "--engine",
        "thanos",
    ]);
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout
            .starts_with("undecided: cannot decide: thanos answered from part of its data"),
        "{}",
        r.stdout
    );
    let gate_reqs = stub.requests();
    assert!(!gate_reqs.is_empty());
    for q in &gate_reqs {
        assert!(q.body.contains("partial_response=false"), "{}", q.body);
    }
}

#[test]
fn victoriametrics_partial_answers_are_flagged_and_denied_for_the_gate() {
    let stub = Stub::start(200, "application/json", VM_PARTIAL);
    let r = budget(&stub.url, &["--engine", "victoriametrics"]);
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(r.stdout.contains("(isPartial)"), "{}", r.stdout);
    let _earlier = stub.requests();
    let r = run(&[
        "gate",
        "--prometheus-url",
        &stub.url,
        "--time",
        "1767225600",
        "--engine",
        "victoriametrics",
    ]);
    assert_eq!(r.code, 2);
    for q in &stub.requests() {
        assert!(q.body.contains("deny_partial_response=1"), "{}", q.body);
    }
    // Even with the default engine, VictoriaMetrics' flag is read: never shown as whole.
    let r = budget(&stub.url, &[]);
    assert_eq!(r.code, 3);
}

#[test]
fn prometheus_warnings_are_passed_on_without_calling_the_data_partial() {
    let stub = Stub::start(200, "application/json", PROM_INFO);
    let r = budget(&stub.url, &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!r.stdout.contains("PARTIAL"));
    assert!(
        r.stderr
            .contains("warning: prometheus says: PromQL warning"),
        "{}",
        r.stderr
    );
}

#[test]
fn limit_errors_say_which_limit_and_what_to_do() {
    let mimir = Stub::start(422, "application/json", MIMIR_LIMIT);
    assert_failure(
        &mimir.url,
        &["--engine", "mimir", "--tenant", "t1"],
        &format!(
            "mimir refused the query as over one of its limits (execution): {}; {}",
            serde_json::from_str::<serde_json::Value>(MIMIR_LIMIT).unwrap()["error"]
                .as_str()
                .unwrap(),
            slogen::prom::engine::limit_hint("query length").unwrap()
        ),
    );
    let vm = Stub::start(422, "application/json", VM_LIMIT);
    let r = budget(&vm.url, &["--engine", "victoriametrics"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.starts_with(
            "error: victoriametrics refused the query as over one of its limits (422): "
        ),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("narrow the selection (--service, --slo)"),
        "{}",
        r.stderr
    );
}
