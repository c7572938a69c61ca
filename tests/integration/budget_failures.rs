//! `slogen budget`, `gate` and `report` when Prometheus cannot answer: down (connection
//! refused), hung (timeout), HTTP and API errors, empty results; and how credentials and
//! headers reach it. Loopback stubs stand in for the proxies and broken servers a real
//! Prometheus will not imitate on demand.

use std::path::Path;
use std::process::Command;

use super::http_stub::{silent_listener, Stub};
use super::support::{slogen_bin, text};

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Runs slogen with a clean Prometheus/Slack environment plus `env`.
pub fn run_env(args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut cmd = Command::new(slogen_bin());
    cmd.args(args);
    for k in [
        "PROMETHEUS_URL",
        "PROMETHEUS_TOKEN",
        "PROMETHEUS_USERNAME",
        "PROMETHEUS_PASSWORD",
        "SLACK_WEBHOOK_URL",
    ] {
        cmd.env_remove(k);
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("slogen runs");
    Run {
        code: out.status.code().expect("exit code"),
        stdout: text(&out.stdout),
        stderr: text(&out.stderr),
    }
}

pub fn run(args: &[&str]) -> Run {
    run_env(args, &[])
}

/// Runs budget, gate and report against `url` and checks each says `message` and exits as
/// documented: 2 for every one of these failures.
pub fn assert_failure(url: &str, extra: &[&str], message: &str) {
    for cmd in ["budget", "report"] {
        let r = run(&[&[cmd, "--prometheus-url", url], extra].concat());
        assert_eq!(
            (r.code, r.stderr.as_str()),
            (2, format!("error: {message}\n").as_str()),
            "{cmd}"
        );
    }
    let r = run(&[&["gate", "--prometheus-url", url], extra].concat());
    assert_eq!(
        (r.code, r.stdout.as_str()),
        (2, format!("undecided: cannot decide: {message}\n").as_str())
    );
}

/// A loopback port that refuses connections while the returned socket lives: bound, so no
/// other test's server can be given it, but never listening. (A port merely found free can be
/// taken by a concurrent test's stub before the command connects.)
pub fn refusing_port() -> (socket2::Socket, u16) {
    use socket2::{Domain, Socket, Type};
    let socket = Socket::new(Domain::IPV4, Type::STREAM, None).expect("a TCP socket");
    let addr: std::net::SocketAddr = "127.0.0.1:0".parse().expect("address");
    socket.bind(&addr.into()).expect("bind a loopback port");
    let port = socket
        .local_addr()
        .expect("local addr")
        .as_socket()
        .expect("an IP address")
        .port();
    (socket, port)
}

#[test]
fn prometheus_down_is_connection_refused() {
    let (_bound, port) = refusing_port();
    let url = format!("http://127.0.0.1:{port}");
    assert_failure(&url, &[], &format!("cannot reach Prometheus at {url}: connection refused (is Prometheus running on that address?)"));
}

#[test]
fn slow_prometheus_times_out() {
    let url = silent_listener();
    assert_failure(
        &url,
        &["--timeout", "1s"],
        &format!(
            "Prometheus at {url} did not answer within 1s (raise --timeout if it is just slow)"
        ),
    );
}

#[test]
fn http_errors_from_a_proxy_are_reported() {
    let stub = Stub::start(503, "text/plain", "upstream unavailable\n");
    assert_failure(
        &stub.url,
        &[],
        &format!(
            "Prometheus at {} answered HTTP 503: upstream unavailable",
            stub.url
        ),
    );
    let stub = Stub::start(401, "text/plain", "");
    assert_failure(
        &stub.url,
        &[],
        &format!("Prometheus at {} answered HTTP 401", stub.url),
    );
}

#[test]
fn api_errors_are_reported() {
    let stub = Stub::start(
        400,
        "application/json",
        r#"{"status":"error","errorType":"bad_data","error":"invalid parameter \"query\": 1:1: parse error"}"#,
    );
    assert_failure(
        &stub.url,
        &[],
        "Prometheus rejected the query (bad_data): invalid parameter \"query\": 1:1: parse error",
    );
}

#[test]
fn empty_results_are_no_data() {
    let stub = Stub::start(
        200,
        "application/json",
        r#"{"status":"success","data":{"resultType":"vector","result":[]}}"#,
    );
    assert_failure(
        &stub.url,
        &[],
        &format!(
        "no data: no slo:objective:ratio series for any SLO at {} (are Sloth/slogen rules loaded?)",
        stub.url
    ),
    );
    let r = run(&["gate", "--prometheus-url", &stub.url, "--allow-no-data"]);
    assert_eq!(r.code, 0, "{}", r.stdout);
}

#[test]
fn credentials_come_from_env_or_file_and_headers_are_sent() {
    let stub = Stub::start(
        200,
        "application/json",
        r#"{"status":"success","data":{"resultType":"vector","result":[]}}"#,
    );
    let url = stub.url.as_str();
    run_env(
        &["budget", "--prometheus-url", url, "-H", "X-Scope-OrgID: t1"],
        &[("PROMETHEUS_TOKEN", "s3cret")],
    );
    let req = &stub.requests()[0];
    assert_eq!(req.request_line, "POST /api/v1/query HTTP/1.1");
    assert_eq!(
        req.header("authorization").as_deref(),
        Some("Bearer s3cret")
    );
    assert_eq!(req.header("x-scope-orgid").as_deref(), Some("t1"));
    assert_eq!(req.body, "query=slo%3Aobjective%3Aratio");

    run_env(
        &["budget", "--prometheus-url", url],
        &[
            ("PROMETHEUS_USERNAME", "Aladdin"),
            ("PROMETHEUS_PASSWORD", "open sesame"),
        ],
    );
    assert_eq!(
        stub.requests()[0].header("authorization").as_deref(),
        Some("Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==")
    );

    let dir = tempfile::tempdir().unwrap();
    let token = dir.path().join("token");
    std::fs::write(&token, "from-file\n").unwrap();
    run_env(
        &[
            "budget",
            "--prometheus-url",
            url,
            "--prometheus-token-file",
            token.to_str().unwrap(),
        ],
        &[("PROMETHEUS_TOKEN", "ignored")],
    );
    assert_eq!(
        stub.requests()[0].header("authorization").as_deref(),
        Some("Bearer from-file")
    );

    let r = run(&[
        "budget",
        "--prometheus-url",
        url,
        "--prometheus-token-file",
        &missing(dir.path()),
    ]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.starts_with("error: reading token file "),
        "{}",
        r.stderr
    );
}

fn missing(dir: &Path) -> String {
    dir.join("nope").to_str().unwrap().to_string()
}
