//! What differs between Prometheus-compatible query APIs, as each engine documents it.
//!
//! - **VictoriaMetrics** single node answers `/api/v1/query` at its root; a cluster's vmselect
//!   answers under `/select/<accountID>[:<projectID>]/prometheus` (the tenant is in the path).
//!   A cluster with a vmstorage node down answers `"isPartial": true`; the query argument
//!   `deny_partial_response=1` makes it fail instead. Query errors are HTTP 422 with
//!   `{"status":"error","errorType":"422","error":…}`.
//! - **Mimir** and Cortex take the tenant in the `X-Scope-OrgID` header and refuse a query
//!   over their limits with HTTP 422 (`the query time range exceeds the limit (query length:
//!   …, limit: …)`, `err-mimir-max-query-length`, …).
//! - **Thanos** Query answers what the stores it reached hold when some fail, listing the
//!   failures in `warnings` (partial response, on by default); the query argument
//!   `partial_response=false` makes it fail instead.
//! - **Prometheus** 2.x/3.x may add `warnings` (and `infos`) that do not mean missing data.

/// The engine behind the query URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Engine {
    /// Prometheus, or anything that answers like it.
    #[default]
    Prometheus,
    VictoriaMetrics,
    /// Mimir or Cortex.
    Mimir,
    Thanos,
}

impl Engine {
    /// The name used on the command line and in messages.
    pub fn name(self) -> &'static str {
        match self {
            Engine::Prometheus => "prometheus",
            Engine::VictoriaMetrics => "victoriametrics",
            Engine::Mimir => "mimir",
            Engine::Thanos => "thanos",
        }
    }

    /// The form arguments that make the engine fail rather than answer from part of the data.
    pub fn deny_partial_args(self) -> &'static [(&'static str, &'static str)] {
        match self {
            Engine::Thanos => &[("partial_response", "false")],
            Engine::VictoriaMetrics => &[("deny_partial_response", "1")],
            Engine::Prometheus | Engine::Mimir => &[],
        }
    }

    /// True when `warnings` in an answer mean that part of the data is missing.
    pub fn warnings_mean_partial(self) -> bool {
        self == Engine::Thanos
    }
}

/// Where a tenant goes, or why it cannot be used with this engine.
pub fn tenant_route(engine: Engine, tenant: &str) -> Result<TenantRoute, String> {
    match engine {
        Engine::VictoriaMetrics => {
            let ok = |s: &str| !s.is_empty() && s.len() <= 10 && s.bytes().all(|b| b.is_ascii_digit());
            let valid = match tenant.split_once(':') {
                Some((a, p)) => ok(a) && ok(p),
                None => ok(tenant),
            };
            if !valid {
                return Err(format!(
                    "tenant {tenant:?}: a VictoriaMetrics cluster tenant is accountID or accountID:projectID, both numbers (e.g. 0 or 42:1)"
                ));
            }
            Ok(TenantRoute::PathPrefix(format!("/select/{tenant}/prometheus")))
        }
        Engine::Mimir => {
            if tenant.is_empty() || tenant.len() > 150 || tenant.chars().any(|c| c.is_control() || c == '|') {
                return Err(format!(
                    "tenant {tenant:?}: a Mimir/Cortex tenant ID is 1 to 150 printable characters (`|` separates federated tenants, give one)"
                ));
            }
            Ok(TenantRoute::Header("X-Scope-OrgID".into(), tenant.into()))
        }
        Engine::Prometheus | Engine::Thanos => Err(format!(
            "--tenant needs --engine victoriametrics (cluster path /select/<tenant>/prometheus) or mimir (X-Scope-OrgID); {} has no tenants (send a header with -H if a proxy needs one)",
            engine.name()
        )),
    }
}

/// How a tenant reaches the engine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TenantRoute {
    /// Appended to the base URL's path.
    PathPrefix(String),
    /// Sent as a request header.
    Header(String, String),
}

/// What the answers since the last [`super::Client::take_notes`] said besides their data.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Notes {
    /// At least one answer came from part of the data (VictoriaMetrics `isPartial`, Thanos
    /// warnings).
    pub partial: bool,
    /// Every warning the engine sent, deduplicated, in order.
    pub warnings: Vec<String>,
}

impl Notes {
    pub(super) fn add(&mut self, engine: Engine, partial: bool, warnings: Vec<String>) {
        self.partial |= partial || (engine.warnings_mean_partial() && !warnings.is_empty());
        for w in warnings {
            if !self.warnings.contains(&w) {
                self.warnings.push(w);
            }
        }
    }
}

/// A hint when an engine's error says a query went over one of its limits.
pub fn limit_hint(error: &str) -> Option<&'static str> {
    let e = error.to_ascii_lowercase();
    if e.contains("query length")
        || e.contains("max-query-length")
        || e.contains("max_query_length")
        || e.contains("time range exceeds")
    {
        return Some(
            "the engine caps how long a range one query may cover; slogen reads the SLO period's recorded \
             series ([<period>] ranges in the rules, and a range query over the period in report). \
             Raise the limit (Mimir/Cortex: max_partial_query_length, max_total_query_length; \
             VictoriaMetrics: -search.maxQueryDuration) or use a shorter SLO period; lint rule L015 flags such SLOs",
        );
    }
    if e.contains("maxqueryduration")
        || e.contains("search.max")
        || e.contains("too many")
        || e.contains("max-samples")
        || e.contains("exceeds")
        || e.contains("limit")
    {
        return Some(
            "the engine refused the query as over one of its resource limits (samples, series or \
             duration); raise that limit, narrow the selection (--service, --slo) or shorten \
             report's --from/--to",
        );
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tenants_go_where_each_engine_reads_them() {
        assert_eq!(
            tenant_route(Engine::VictoriaMetrics, "42:1"),
            Ok(TenantRoute::PathPrefix("/select/42:1/prometheus".into()))
        );
        assert!(tenant_route(Engine::VictoriaMetrics, "team-a").is_err());
        assert_eq!(
            tenant_route(Engine::Mimir, "team-a"),
            Ok(TenantRoute::Header("X-Scope-OrgID".into(), "team-a".into()))
        );
        assert!(tenant_route(Engine::Mimir, "a|b").is_err());
        assert!(tenant_route(Engine::Thanos, "x")
            .unwrap_err()
            .contains("--engine"));
    }

    #[test]
    fn limits_are_recognised() {
        assert!(limit_hint("expanding series: the query time range exceeds the limit (query length: 769h, limit: 768h) (err-mimir-max-query-length)")
            .unwrap()
            .contains("max_partial_query_length"));
        assert!(limit_hint("cannot execute query: the number of matching timeseries exceeds 30000; either narrow down the search or increase -search.maxUniqueTimeseries").is_some());
        assert!(limit_hint("parse error: unexpected )").is_none());
    }

    #[test]
    fn partial_answers_are_noted() {
        let mut n = Notes::default();
        n.add(Engine::Prometheus, false, vec!["PromQL info: x".into()]);
        assert!(!n.partial);
        n.add(
            Engine::Thanos,
            false,
            vec!["store 10.0.0.1 unavailable".into()],
        );
        assert!(n.partial);
        let mut v = Notes::default();
        v.add(Engine::VictoriaMetrics, true, vec![]);
        assert!(v.partial);
    }
}
