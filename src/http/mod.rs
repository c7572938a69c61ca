//! Shared server plumbing for slogen's HTTP servers (`slogen serve`, `slogen incidents`).
//!
//! One place to get the edges of a server right, tested once:
//!
//! - listening: loopback unless told otherwise ([`parse_listen`]), a bounded number of
//!   connections, a header-read timeout so slow clients cannot hold a connection, and a
//!   graceful shutdown on SIGTERM or SIGINT that lets requests in flight finish ([`serve`]);
//! - limits: request bodies ([`Limits::max_body_bytes`], answered 413 up front from
//!   `Content-Length` and while reading otherwise), a deadline per request (503) and a bound
//!   on requests handled at once (later ones wait for a slot until their deadline);
//! - bearer auth for routes that change state ([`require_bearer`]), compared in constant time;
//! - `/healthz`, `/readyz` (a readiness check the server supplies) and `/metrics` in the
//!   Prometheus text format ([`metrics::Registry`], with request counts and durations per
//!   route);
//! - one log line per request on stderr, with the method, the route and the status only:
//!   never the query string, headers or bodies, which may carry secrets.
//!
//! Every error answer is `text/plain` with a one-line reason ([`reject`]), and every answer
//! carries `X-Content-Type-Options: nosniff`. Routes are axum routers; the servers add their
//! own.

pub mod metrics;

use std::future::Future;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::{DefaultBodyLimit, MatchedPath, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;

pub use metrics::Registry;

/// Bounds on what one server accepts.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Largest request body; more is answered 413.
    pub max_body_bytes: usize,
    /// Deadline of one request, from its headers to its answer, waiting for a slot included.
    pub request_timeout: Duration,
    /// Time a client has to send its request headers.
    pub header_timeout: Duration,
    /// Requests handled at once; more wait for a slot until their deadline.
    pub max_in_flight: usize,
    /// Open connections; more wait in the listen backlog.
    pub max_connections: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_body_bytes: 1024 * 1024,
            request_timeout: Duration::from_secs(30),
            header_timeout: Duration::from_secs(10),
            max_in_flight: 64,
            max_connections: 1024,
        }
    }
}

/// Parses a listen address: `HOST:PORT`, `[v6]:PORT`, or a bare `PORT` (loopback).
pub fn parse_listen(raw: &str) -> Result<SocketAddr, String> {
    let s = raw.trim();
    if let Ok(port) = s.parse::<u16>() {
        return Ok(SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), port));
    }
    if let Some(port) = s.strip_prefix("localhost:") {
        if let Ok(port) = port.parse::<u16>() {
            return Ok(SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), port));
        }
    }
    s.parse::<SocketAddr>().map_err(|_| {
        format!("invalid listen address {raw:?}: use HOST:PORT such as 127.0.0.1:8080 (an IP address, or localhost), [::1]:8080, or a bare port for loopback")
    })
}

/// A secret read from a file or the environment. Its `Debug` never shows the value.
#[derive(Clone)]
pub struct Secret(Arc<str>);

impl Secret {
    /// Wraps a secret value; surrounding whitespace (a file's trailing newline) is dropped.
    /// An empty value is refused.
    pub fn new(value: &str) -> Result<Secret, String> {
        let v = value.trim();
        if v.is_empty() {
            return Err("the secret is empty".into());
        }
        Ok(Secret(Arc::from(v)))
    }

    /// Reads a secret from a file (its first line's content, trimmed).
    pub fn from_file(path: &std::path::Path) -> Result<Secret, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("reading {}: {e}", path.display()))?;
        Secret::new(&text).map_err(|e| format!("{}: {e}", path.display()))
    }

    /// The value, for a request header or a comparison; never for logs or pages.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(***)")
    }
}

/// An error answer: `text/plain`, one line.
pub fn reject(status: StatusCode, reason: impl Into<String>) -> Response {
    let mut line: String = reason.into().replace(['\r', '\n'], " ");
    line.push('\n');
    (
        status,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        line,
    )
        .into_response()
}

/// The readiness check of a server: `Ok` when it can do its work, or the reason it cannot.
pub type ReadyCheck = Arc<dyn Fn() -> Result<(), String> + Send + Sync>;

/// What [`app`] wraps around a server's own routes.
pub struct AppOptions {
    /// Names the server in log lines, e.g. `serve`.
    pub name: &'static str,
    pub limits: Limits,
    pub metrics: Arc<Registry>,
    pub ready: ReadyCheck,
}

#[derive(Clone)]
struct Shared {
    name: &'static str,
    limits: Limits,
    metrics: Arc<Registry>,
    slots: Arc<Semaphore>,
}

/// The server's routes with `/healthz`, `/readyz` and `/metrics` added and every limit,
/// metric and log line applied, ready for [`serve`].
pub fn app(routes: Router, opts: AppOptions) -> Router {
    opts.metrics.describe(
        "slogen_http_requests_total",
        "HTTP requests answered, by route and status code.",
        metrics::Kind::Counter,
    );
    opts.metrics.describe(
        "slogen_http_request_duration_seconds",
        "Time to answer HTTP requests, by route.",
        metrics::Kind::Summary,
    );
    let shared = Shared {
        name: opts.name,
        slots: Arc::new(Semaphore::new(opts.limits.max_in_flight.max(1))),
        limits: opts.limits.clone(),
        metrics: opts.metrics.clone(),
    };
    let ready = opts.ready.clone();
    let registry = opts.metrics.clone();
    routes
        .route("/healthz", get(|| async { "ok\n" }))
        .route(
            "/readyz",
            get(move || {
                let ready = ready.clone();
                async move {
                    match ready() {
                        Ok(()) => (StatusCode::OK, "ready\n").into_response(),
                        Err(why) => reject(StatusCode::SERVICE_UNAVAILABLE, why),
                    }
                }
            }),
        )
        .route(
            "/metrics",
            get(move || {
                let registry = registry.clone();
                async move {
                    (
                        [(
                            header::CONTENT_TYPE,
                            HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
                        )],
                        registry.render(),
                    )
                }
            }),
        )
        .fallback(|req: Request| async move {
            reject(
                StatusCode::NOT_FOUND,
                format!("no such page: {}", req.uri().path()),
            )
        })
        .method_not_allowed_fallback(|req: Request| async move {
            reject(
                StatusCode::METHOD_NOT_ALLOWED,
                format!("{} is not allowed on {}", req.method(), req.uri().path()),
            )
        })
        .layer(DefaultBodyLimit::max(opts.limits.max_body_bytes))
        .layer(middleware::from_fn_with_state(shared, edge))
}

/// Body limit from `Content-Length`, the deadline, the in-flight bound, metrics and the log
/// line, for every request.
async fn edge(State(s): State<Shared>, req: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = req.method().clone();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| "(unmatched)".to_string());
    let too_long = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok())
        .is_some_and(|n| n > s.limits.max_body_bytes as u64);
    let resp = if too_long {
        reject(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!(
                "the request body is over the limit of {} bytes",
                s.limits.max_body_bytes
            ),
        )
    } else {
        let deadline = s.limits.request_timeout;
        let work = async {
            let Ok(_slot) = s.slots.acquire().await else {
                return reject(StatusCode::SERVICE_UNAVAILABLE, "the server is stopping");
            };
            next.run(req).await
        };
        match tokio::time::timeout(deadline, work).await {
            Ok(r) => r,
            Err(_) => reject(
                StatusCode::SERVICE_UNAVAILABLE,
                format!("the request took longer than {}s", deadline.as_secs_f64()),
            ),
        }
    };
    let mut resp = resp;
    // Browsers must take every answer as the type it says (a one-line error echoing a path
    // stays text).
    resp.headers_mut().insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    let status = resp.status().as_u16();
    let elapsed = started.elapsed();
    s.metrics.inc(
        "slogen_http_requests_total",
        &[("route", &route), ("code", &status.to_string())],
    );
    s.metrics.observe(
        "slogen_http_request_duration_seconds",
        &[("route", &route)],
        elapsed.as_secs_f64(),
    );
    if !matches!(route.as_str(), "/healthz" | "/readyz" | "/metrics") {
        log(
            s.name,
            &format!(
                "{method} {route} {status} {:.1}ms",
                elapsed.as_secs_f64() * 1000.0
            ),
        );
    }
    resp
}

/// Writes one log line on stderr: `2026-12-03T10:00:00Z slogen serve: …`.
pub fn log(name: &str, line: &str) {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs_f64())
        .unwrap_or(0.0);
    #[allow(clippy::print_stderr)]
    {
        eprintln!("{} slogen {name}: {line}", crate::timefmt::rfc3339(now));
    }
}

/// Middleware that answers 401 unless the request carries `Authorization: Bearer <token>`.
/// Put it on the routes that change state:
/// `router.route_layer(axum::middleware::from_fn_with_state(secret, http::require_bearer))`.
pub async fn require_bearer(State(token): State<Secret>, req: Request, next: Next) -> Response {
    let given = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            let (scheme, rest) = v.split_once(' ')?;
            scheme.eq_ignore_ascii_case("bearer").then(|| rest.trim())
        });
    match given {
        Some(t) if constant_time_eq(t.as_bytes(), token.expose().as_bytes()) => next.run(req).await,
        Some(_) => unauthorized("the bearer token is wrong"),
        None => unauthorized("this endpoint needs an Authorization: Bearer token"),
    }
}

fn unauthorized(reason: &str) -> Response {
    let mut r = reject(StatusCode::UNAUTHORIZED, reason);
    r.headers_mut()
        .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
    r
}

/// Compares without an early exit, so the time taken does not tell how much of a guess was
/// right. Lengths may differ (the length is not secret).
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Resolves when the process gets SIGTERM or SIGINT.
pub async fn shutdown_signal() {
    let int = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = int => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = int.await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = int.await;
    }
}

/// How long requests in flight get to finish after a shutdown signal.
const DRAIN: Duration = Duration::from_secs(10);

/// Serves `app` on `listener` until `shutdown` resolves, then stops accepting, lets requests
/// in flight finish (up to 10 s) and returns.
///
/// HTTP/1.1 with keep-alive; each connection must send its request headers within
/// [`Limits::header_timeout`]; at most [`Limits::max_connections`] are open at once.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    limits: &Limits,
    shutdown: impl Future<Output = ()>,
) -> std::io::Result<()> {
    let graceful = GracefulShutdown::new();
    let connections = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout)
        .keep_alive(true);
    tokio::pin!(shutdown);
    loop {
        let permit = tokio::select! {
            p = connections.clone().acquire_owned() => match p {
                Ok(p) => p,
                Err(_) => break,
            },
            _ = &mut shutdown => break,
        };
        let (stream, _peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(c) => c,
                Err(e) => {
                    // Out of file descriptors and the like: wait a little, keep serving.
                    log("http", &format!("accept failed: {e}"));
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            _ = &mut shutdown => break,
        };
        let service = TowerToHyperService::new(app.clone());
        let conn = http.serve_connection(TokioIo::new(stream), service);
        let conn = graceful.watch(conn);
        tokio::spawn(async move {
            let _ = conn.await;
            drop(permit);
        });
    }
    drop(listener);
    tokio::select! {
        _ = graceful.shutdown() => {}
        _ = tokio::time::sleep(DRAIN) => {}
    }
    Ok(())
}

#[cfg(test)]
mod tests;
