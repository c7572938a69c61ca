//! A small, blocking client for the Prometheus HTTP API (`/api/v1/query`, `/api/v1/query_range`).
//!
//! It takes a base URL, credentials ([`Auth`]), extra headers and a timeout, and returns decoded
//! samples or an [`Error`] callers can match on. It knows nothing about SLOs (that is
//! [`crate::budget`]) and never prints. TLS goes through rustls (the `ureq` crate), so no
//! system OpenSSL is needed. Requests are POSTed as forms, which Prometheus, Thanos, Mimir and
//! Cortex accept, so long queries never hit URL length limits.
//!
//! ```no_run
//! use slogen::prom::{Auth, Client, ClientOptions};
//! let client = Client::new(ClientOptions {
//!     auth: Auth::from_env(None)?,
//!     ..ClientOptions::new("http://127.0.0.1:9090")
//! })?;
//! for s in client.query("slo:period_error_budget_remaining:ratio", None)? {
//!     println!("{:?} {}", s.labels.get("sloth_id"), s.value);
//! }
//! # Ok::<(), slogen::prom::Error>(())
//! ```

mod auth;
mod decode;
pub mod engine;
mod error;

use std::collections::BTreeMap;
use std::time::Duration;

pub use auth::{parse_header, Auth, ENV_PASSWORD, ENV_TOKEN, ENV_USERNAME};
pub use engine::{Engine, Notes};
pub use error::Error;

/// Labels of one series, sorted by name.
pub type Labels = BTreeMap<String, String>;

/// One sample of an instant vector (or the single value of a scalar result, with no labels).
#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    pub labels: Labels,
    /// Unix time in seconds.
    pub timestamp: f64,
    /// The value; `NaN` and infinities are kept as Prometheus sent them.
    pub value: f64,
}

/// One series of a range query.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    pub labels: Labels,
    /// `(unix seconds, value)` pairs in time order.
    pub points: Vec<(f64, f64)>,
}

/// The time span and resolution of a range query, in Unix seconds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Range {
    pub start: f64,
    pub end: f64,
    pub step: f64,
}

/// How to reach a Prometheus-compatible server.
#[derive(Debug, Clone)]
pub struct ClientOptions {
    /// Base URL, e.g. `https://prometheus.example.com` or `http://mimir/prometheus`.
    pub url: String,
    /// Limit for a whole request, connect to last byte.
    pub timeout: Duration,
    pub auth: Auth,
    /// Extra headers sent with every request, e.g. `("X-Scope-OrgID", "t1")`.
    pub headers: Vec<(String, String)>,
    /// The engine behind the URL ([`engine`] says what differs).
    pub engine: Engine,
    /// The tenant: a VictoriaMetrics cluster path (`/select/<tenant>/prometheus`) or Mimir's
    /// `X-Scope-OrgID` header.
    pub tenant: Option<String>,
    /// Ask the engine to fail rather than answer from part of the data (Thanos
    /// `partial_response=false`, VictoriaMetrics `deny_partial_response=1`): for decisions.
    pub deny_partial: bool,
}

impl ClientOptions {
    /// Options for `url` with no credentials and a 10 s timeout.
    pub fn new(url: impl Into<String>) -> ClientOptions {
        ClientOptions {
            url: url.into(),
            timeout: Duration::from_secs(10),
            auth: Auth::None,
            headers: Vec::new(),
            engine: Engine::Prometheus,
            tenant: None,
            deny_partial: false,
        }
    }
}

/// A configured Prometheus API client; cheap to share between threads (`Send + Sync`).
#[derive(Debug)]
pub struct Client {
    agent: ureq::Agent,
    base: String,
    timeout: Duration,
    auth_header: Option<String>,
    headers: Vec<(String, String)>,
    engine: Engine,
    deny_partial: bool,
    notes: std::sync::Mutex<Notes>,
}

/// Largest response body accepted (range queries over weeks can be large).
const MAX_BODY: u64 = 64 * 1024 * 1024;

impl Client {
    /// Checks the options and builds the client; no request is sent.
    pub fn new(opts: ClientOptions) -> Result<Client, Error> {
        let base = opts.url.trim().trim_end_matches('/').to_string();
        if !(base.starts_with("http://") || base.starts_with("https://")) {
            return Err(Error::Config(format!(
                "Prometheus URL {:?} must start with http:// or https://",
                opts.url
            )));
        }
        if opts.timeout.is_zero() {
            return Err(Error::Config("the timeout must be more than zero".into()));
        }
        for (name, value) in &opts.headers {
            parse_header(&format!("{name}: {value}"))?;
        }
        let mut base = base;
        let mut headers = opts.headers;
        if let Some(tenant) = &opts.tenant {
            match engine::tenant_route(opts.engine, tenant).map_err(Error::Config)? {
                engine::TenantRoute::PathPrefix(p) => {
                    if base.ends_with(&p) {
                        return Err(Error::Config(format!(
                            "the URL {base} already ends in {p}: give the vmselect root with --tenant, or the full path without it"
                        )));
                    }
                    base.push_str(&p);
                }
                engine::TenantRoute::Header(name, value) => {
                    if headers.iter().any(|(n, _)| n.eq_ignore_ascii_case(&name)) {
                        return Err(Error::Config(format!(
                            "both --tenant and a {name} header are given: keep one"
                        )));
                    }
                    headers.push((name, value));
                }
            }
        }
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .timeout_global(Some(opts.timeout))
            .http_status_as_error(false)
            .build()
            .into();
        Ok(Client {
            agent,
            base,
            timeout: opts.timeout,
            auth_header: opts.auth.header_value(),
            headers,
            engine: opts.engine,
            deny_partial: opts.deny_partial,
            notes: Default::default(),
        })
    }

    /// A client with the same settings and connection pool whose notes start empty and stay
    /// its own: reads that run at the same time (a server's pages) each know what their own
    /// answers said.
    pub fn fork(&self) -> Client {
        Client {
            agent: self.agent.clone(),
            base: self.base.clone(),
            timeout: self.timeout,
            auth_header: self.auth_header.clone(),
            headers: self.headers.clone(),
            engine: self.engine,
            deny_partial: self.deny_partial,
            notes: Default::default(),
        }
    }

    /// The engine this client speaks to.
    pub fn engine(&self) -> Engine {
        self.engine
    }

    /// What the answers since the last call said besides their data (partial data,
    /// warnings), and starts over.
    pub fn take_notes(&self) -> Notes {
        std::mem::take(&mut *self.notes.lock().unwrap_or_else(|e| e.into_inner()))
    }

    fn note(&self, body: &str) {
        let (partial, warnings) = decode::notes(body);
        if partial || !warnings.is_empty() {
            self.notes.lock().unwrap_or_else(|e| e.into_inner()).add(
                self.engine,
                partial,
                warnings,
            );
        }
    }

    /// The base URL requests go to.
    pub fn url(&self) -> &str {
        &self.base
    }

    /// Runs an instant query at `time` (Unix seconds; the server's "now" when `None`).
    /// An empty result is `Ok(vec![])`; callers that need data turn it into
    /// [`Error::NoData`].
    pub fn query(&self, promql: &str, time: Option<f64>) -> Result<Vec<Sample>, Error> {
        let mut form = vec![("query", promql.to_string())];
        if let Some(t) = time {
            form.push(("time", format_time(t)));
        }
        let body = self.post("/api/v1/query", &form)?;
        let samples = decode::instant(&body).map_err(|reason| self.decode_error(reason))?;
        self.note(&body);
        Ok(samples)
    }

    /// Runs a range query.
    pub fn query_range(&self, promql: &str, range: Range) -> Result<Vec<Series>, Error> {
        let form = vec![
            ("query", promql.to_string()),
            ("start", format_time(range.start)),
            ("end", format_time(range.end)),
            ("step", format_time(range.step)),
        ];
        let body = self.post("/api/v1/query_range", &form)?;
        let series = decode::range(&body).map_err(|reason| self.decode_error(reason))?;
        self.note(&body);
        Ok(series)
    }

    fn decode_error(&self, reason: String) -> Error {
        match reason.strip_prefix(decode::API_ERROR) {
            Some(rest) => {
                let (error_type, error) = rest.split_once('\n').unwrap_or(("", rest));
                self.api_error(error_type.to_string(), error.to_string())
            }
            None => Error::Decode {
                url: self.base.clone(),
                reason,
            },
        }
    }

    /// An API error, as a limit error when the engine says a limit was hit.
    fn api_error(&self, error_type: String, error: String) -> Error {
        match engine::limit_hint(&error) {
            Some(hint) => Error::Limit {
                engine: self.engine.name(),
                error_type,
                error,
                hint,
            },
            None => Error::Api { error_type, error },
        }
    }

    fn post(&self, path: &str, form: &[(&str, String)]) -> Result<String, Error> {
        let url = format!("{}{}", self.base, path);
        let mut form = form.to_vec();
        if self.deny_partial {
            form.extend(
                self.engine
                    .deny_partial_args()
                    .iter()
                    .map(|(k, v)| (*k, v.to_string())),
            );
        }
        let mut req = self.agent.post(&url).header("Accept", "application/json");
        if let Some(auth) = &self.auth_header {
            req = req.header("Authorization", auth);
        }
        for (name, value) in &self.headers {
            req = req.header(name.as_str(), value.as_str());
        }
        let pairs = form.iter().map(|(k, v)| (*k, v.as_str()));
        let mut resp = req.send_form(pairs).map_err(|e| self.transport_error(e))?;
        let status = resp.status().as_u16();
        let body = resp
            .body_mut()
            .with_config()
            .limit(MAX_BODY)
            .read_to_string()
            .map_err(|e| self.transport_error(e))?;
        if (200..300).contains(&status) {
            return Ok(body);
        }
        // Prometheus answers 400/422/503 with a JSON error body; anything else came from a
        // proxy or a wrong URL.
        if let Some((error_type, error)) = decode::api_error(&body) {
            return Err(self.api_error(error_type, error));
        }
        Err(Error::Http {
            url: self.base.clone(),
            status,
            body,
        })
    }

    fn transport_error(&self, e: ureq::Error) -> Error {
        let url = self.base.clone();
        match e {
            ureq::Error::Timeout(_) => Error::Timeout {
                url,
                timeout: self.timeout,
            },
            ureq::Error::Io(io) if io.kind() == std::io::ErrorKind::TimedOut => Error::Timeout {
                url,
                timeout: self.timeout,
            },
            ureq::Error::Io(io) if io.kind() == std::io::ErrorKind::ConnectionRefused => {
                Error::Unreachable {
                    url,
                    reason: "connection refused (is Prometheus running on that address?)".into(),
                }
            }
            ureq::Error::HostNotFound => Error::Unreachable {
                url,
                reason: "host not found".into(),
            },
            ureq::Error::BodyExceedsLimit(n) => Error::Decode {
                url,
                reason: format!("the answer is larger than {n} bytes"),
            },
            other => Error::Unreachable {
                url,
                reason: other.to_string(),
            },
        }
    }
}

/// Formats Unix seconds the way the API accepts them (`1700000000` or `1700000000.5`).
fn format_time(t: f64) -> String {
    if t.fract() == 0.0 && t.abs() < 1e15 {
        format!("{}", t as i64)
    } else {
        format!("{t:.3}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_bad_urls_and_headers() {
        assert!(matches!(
            Client::new(ClientOptions::new("localhost:9090")),
            Err(Error::Config(_))
        ));
        let opts = ClientOptions {
            headers: vec![("bad name".into(), "x".into())],
            ..ClientOptions::new("http://127.0.0.1:9")
        };
        assert!(matches!(Client::new(opts), Err(Error::Config(_))));
        let c = Client::new(ClientOptions::new("https://p.example/prom/")).unwrap();
        assert_eq!(c.url(), "https://p.example/prom");
    }

    #[test]
    fn times_are_plain_seconds() {
        assert_eq!(format_time(1_700_000_000.0), "1700000000");
        assert_eq!(format_time(300.0), "300");
        assert_eq!(format_time(1.25), "1.250");
    }
}
