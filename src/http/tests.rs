//! The plumbing against real sockets: raw HTTP/1.1 on loopback, so every limit is seen as a
//! client sees it.

use std::time::Duration;

use axum::routing::{get, post};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use super::*;

struct Running {
    addr: SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    done: tokio::task::JoinHandle<std::io::Result<()>>,
}

async fn start(limits: Limits, ready: ReadyCheck) -> Running {
    let secret = Secret::new("s3cret\n").unwrap();
    let routes = Router::new()
        .route("/echo", post(|body: String| async move { body }))
        .route(
            "/slow",
            get(|| async {
                tokio::time::sleep(Duration::from_millis(400)).await;
                "slow done"
            }),
        )
        .route(
            "/admin",
            post(|| async { "changed" })
                .route_layer(middleware::from_fn_with_state(secret, require_bearer)),
        );
    let app = app(
        routes,
        AppOptions {
            name: "test",
            limits: limits.clone(),
            metrics: Arc::new(Registry::new()),
            ready,
        },
    );
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let done = tokio::spawn(async move {
        serve(listener, app, &limits, async {
            let _ = rx.await;
        })
        .await
    });
    Running {
        addr,
        stop: Some(tx),
        done,
    }
}

/// Sends raw bytes and reads the whole answer (the server closes after `Connection: close`).
async fn raw(addr: SocketAddr, request: &[u8]) -> String {
    let mut s = TcpStream::connect(addr).await.unwrap();
    s.write_all(request).await.unwrap();
    let mut out = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(5), s.read_to_end(&mut out)).await;
    String::from_utf8_lossy(&out).into_owned()
}

fn get_req(path: &str) -> Vec<u8> {
    format!("GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").into_bytes()
}

fn always_ready() -> ReadyCheck {
    Arc::new(|| Ok(()))
}

#[tokio::test]
async fn health_ready_metrics_and_one_line_errors() {
    let srv = start(
        Limits::default(),
        Arc::new(|| Err("specs do not load: slos/x.yaml:3:1".into())),
    )
    .await;
    let health = raw(srv.addr, &get_req("/healthz")).await;
    assert!(health.starts_with("HTTP/1.1 200"), "{health}");
    let ready = raw(srv.addr, &get_req("/readyz")).await;
    assert!(ready.starts_with("HTTP/1.1 503"), "{ready}");
    assert!(
        ready.ends_with("specs do not load: slos/x.yaml:3:1\n"),
        "{ready}"
    );
    let missing = raw(srv.addr, &get_req("/nope?token=abc")).await;
    assert!(missing.starts_with("HTTP/1.1 404"), "{missing}");
    assert!(
        missing.contains("x-content-type-options: nosniff"),
        "{missing}"
    );
    assert!(missing.ends_with("no such page: /nope\n"), "{missing}");
    let wrong_method = raw(srv.addr, &get_req("/echo")).await;
    assert!(wrong_method.starts_with("HTTP/1.1 405"), "{wrong_method}");
    let metrics = raw(srv.addr, &get_req("/metrics")).await;
    assert!(
        metrics.contains("# TYPE slogen_http_requests_total counter"),
        "{metrics}"
    );
    assert!(
        metrics.contains("slogen_http_requests_total{code=\"404\",route=\"(unmatched)\"} 1"),
        "{metrics}"
    );
    assert!(
        metrics.contains("slogen_http_requests_total{code=\"503\",route=\"/readyz\"} 1"),
        "{metrics}"
    );
    assert!(
        !metrics.contains("token=abc"),
        "query strings never reach metrics"
    );
}

#[tokio::test]
async fn bodies_over_the_limit_are_413_declared_or_streamed() {
    let limits = Limits {
        max_body_bytes: 16,
        ..Limits::default()
    };
    let srv = start(limits, always_ready()).await;
    let ok = raw(
        srv.addr,
        b"POST /echo HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: 5\r\n\r\nhello",
    )
    .await;
    assert!(
        ok.starts_with("HTTP/1.1 200") && ok.ends_with("hello"),
        "{ok}"
    );
    let declared = raw(
        srv.addr,
        b"POST /echo HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: 17\r\n\r\n",
    )
    .await;
    assert!(declared.starts_with("HTTP/1.1 413"), "{declared}");
    assert!(
        declared.ends_with("over the limit of 16 bytes\n"),
        "{declared}"
    );
    let chunked = raw(
        srv.addr,
        b"POST /echo HTTP/1.1\r\nHost: x\r\nConnection: close\r\nTransfer-Encoding: chunked\r\n\r\n14\r\n01234567890123456789\r\n0\r\n\r\n",
    )
    .await;
    assert!(chunked.starts_with("HTTP/1.1 413"), "{chunked}");
}

#[tokio::test]
async fn bearer_auth_guards_state_changes() {
    let srv = start(Limits::default(), always_ready()).await;
    let post = |auth: &str| {
        format!("POST /admin HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: 0\r\n{auth}\r\n")
            .into_bytes()
    };
    let none = raw(srv.addr, &post("")).await;
    assert!(none.starts_with("HTTP/1.1 401"), "{none}");
    assert!(none.contains("www-authenticate: Bearer"), "{none}");
    let wrong = raw(srv.addr, &post("Authorization: Bearer nope\r\n")).await;
    assert!(wrong.starts_with("HTTP/1.1 401"), "{wrong}");
    assert!(!wrong.contains("s3cret"), "the secret never shows: {wrong}");
    let right = raw(srv.addr, &post("Authorization: bearer s3cret\r\n")).await;
    assert!(
        right.starts_with("HTTP/1.1 200") && right.ends_with("changed"),
        "{right}"
    );
}

#[tokio::test]
async fn slow_requests_get_503_and_slow_clients_are_dropped() {
    let limits = Limits {
        request_timeout: Duration::from_millis(100),
        header_timeout: Duration::from_millis(200),
        ..Limits::default()
    };
    let srv = start(limits, always_ready()).await;
    let slow = raw(srv.addr, &get_req("/slow")).await;
    assert!(slow.starts_with("HTTP/1.1 503"), "{slow}");
    assert!(
        slow.ends_with("the request took longer than 0.1s\n"),
        "{slow}"
    );
    // A client that never finishes its headers is cut off after the header timeout.
    let mut s = TcpStream::connect(srv.addr).await.unwrap();
    s.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
        .await
        .unwrap();
    let mut buf = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(3), s.read_to_end(&mut buf)).await;
    assert!(read.is_ok(), "the server closed the slow connection");
}

#[tokio::test]
async fn in_flight_requests_are_bounded_and_finish() {
    let limits = Limits {
        max_in_flight: 2,
        ..Limits::default()
    };
    let srv = start(limits, always_ready()).await;
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..6 {
        let addr = srv.addr;
        tasks.push(tokio::spawn(
            async move { raw(addr, &get_req("/slow")).await },
        ));
    }
    for t in tasks {
        let r = t.await.unwrap();
        assert!(r.ends_with("slow done"), "{r}");
    }
    // Six 400 ms requests, two at a time: three rounds.
    assert!(started.elapsed() >= Duration::from_millis(1150));
}

#[tokio::test]
async fn shutdown_lets_requests_in_flight_finish() {
    let mut srv = start(Limits::default(), always_ready()).await;
    let addr = srv.addr;
    let pending = tokio::spawn(async move { raw(addr, &get_req("/slow")).await });
    tokio::time::sleep(Duration::from_millis(100)).await;
    srv.stop.take().unwrap().send(()).unwrap();
    let answer = pending.await.unwrap();
    assert!(answer.ends_with("slow done"), "{answer}");
    srv.done.await.unwrap().unwrap();
    assert!(
        TcpStream::connect(addr).await.is_err(),
        "no longer listening"
    );
}

#[test]
fn listen_addresses() {
    assert_eq!(parse_listen("8080").unwrap().to_string(), "127.0.0.1:8080");
    assert_eq!(
        parse_listen("localhost:9").unwrap().to_string(),
        "127.0.0.1:9"
    );
    assert_eq!(
        parse_listen("0.0.0.0:80").unwrap().to_string(),
        "0.0.0.0:80"
    );
    assert_eq!(parse_listen("[::1]:80").unwrap().to_string(), "[::1]:80");
    let e = parse_listen("example.com:80").unwrap_err();
    assert!(e.contains("HOST:PORT"), "{e}");
}

#[test]
fn secrets_do_not_print() {
    let s = Secret::new(" tok\n").unwrap();
    assert_eq!(s.expose(), "tok");
    assert_eq!(format!("{s:?}"), "Secret(***)");
    assert!(Secret::new("  \n").is_err());
    assert!(constant_time_eq(b"abc", b"abc"));
    assert!(!constant_time_eq(b"abc", b"abd"));
    assert!(!constant_time_eq(b"abc", b"abcd"));
}
