//! The errors a Prometheus query can end in, as an enum callers can `match` on.
//!
//! `gate` turns every variant into "cannot decide" (exit 2); MCP tools turn them into tool
//! errors. The messages name the server and say what to check, so they can be shown as-is.

use std::time::Duration;

/// Why a Prometheus query failed.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Nothing accepted the connection (refused, no route, unknown host, TLS handshake failed).
    #[error("cannot reach Prometheus at {url}: {reason}")]
    Unreachable { url: String, reason: String },
    /// The server accepted the connection but did not answer in time.
    #[error("Prometheus at {url} did not answer within {}s (raise --timeout if it is just slow)", timeout.as_secs_f64())]
    Timeout { url: String, timeout: Duration },
    /// An HTTP error that is not a Prometheus API error body (a proxy, a wrong URL, auth).
    #[error("Prometheus at {url} answered HTTP {status}{}", body_suffix(body))]
    Http {
        url: String,
        status: u16,
        body: String,
    },
    /// Prometheus itself rejected the request (`"status":"error"`), e.g. a bad query.
    #[error("Prometheus rejected the query ({error_type}): {error}")]
    Api { error_type: String, error: String },
    /// The engine refused the query as over one of its limits (Mimir's query length, a
    /// VictoriaMetrics `-search.max*` flag): an error body, mostly with HTTP 422.
    #[error(
        "{engine} refused the query as over one of its limits ({error_type}): {error}; {hint}"
    )]
    Limit {
        engine: &'static str,
        error_type: String,
        error: String,
        hint: &'static str,
    },
    /// The engine answered from part of its data (a Thanos store or a VictoriaMetrics storage
    /// node missing): the figures are not the whole, so no budget or decision is made of them.
    #[error("{engine} answered from part of its data ({warnings}); a budget from partial data is not shown as whole: retry when every store answers")]
    Partial {
        engine: &'static str,
        warnings: String,
    },
    /// The answer was not the JSON the Prometheus HTTP API documents.
    #[error("cannot decode the answer of Prometheus at {url}: {reason}")]
    Decode { url: String, reason: String },
    /// The query succeeded but matched no series.
    #[error("no data: {what}")]
    NoData { what: String },
    /// The client options are unusable (bad URL, header, credentials file).
    #[error("{0}")]
    Config(String),
}

impl Error {
    /// True when the failure says nothing about the SLOs themselves (the server could not be
    /// asked, or did not answer): callers report "cannot decide", never "block".
    pub fn is_unavailable(&self) -> bool {
        matches!(
            self,
            Error::Unreachable { .. } | Error::Timeout { .. } | Error::Http { .. }
        )
    }
}

fn body_suffix(body: &str) -> String {
    let body = body.trim();
    if body.is_empty() {
        return String::new();
    }
    let short: String = body.chars().take(200).collect();
    let more = if body.chars().count() > 200 {
        "…"
    } else {
        ""
    };
    format!(": {short}{more}")
}
