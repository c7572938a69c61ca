//! Finding `le` matchers of histogram buckets in a query, for the two bucket rules.

use std::sync::LazyLock;

use regex::Regex;

use crate::lint::context::QueryRef;
use crate::lint::query;

/// One `le="…"` equality matcher and where it is written in the query (byte offset, length).
pub(crate) struct LeMatcher {
    pub value: String,
    pub offset: usize,
    pub len: usize,
}

static LE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"\ble\s*=\s*(?:"([^"]*)"|'([^']*)')"#).expect("valid regex"));

/// The `le` equality matchers of a query that parses.
pub(crate) fn find(q: &QueryRef) -> Vec<LeMatcher> {
    let Some(facts) = query::analyze(&q.text) else {
        return Vec::new();
    };
    let values: Vec<&str> = facts
        .selectors
        .iter()
        .flat_map(|s| s.matchers.iter())
        .filter(|(n, op, _)| n == "le" && *op == "=")
        .map(|(_, _, v)| v.as_str())
        .collect();
    let mut out = Vec::new();
    for c in LE.captures_iter(&q.text) {
        let m = c.get(0).expect("whole match");
        let v = c
            .get(1)
            .or_else(|| c.get(2))
            .map(|g| g.as_str())
            .unwrap_or("");
        if values.contains(&v) {
            out.push(LeMatcher {
                value: v.to_string(),
                offset: m.start(),
                len: m.as_str().chars().count(),
            });
        }
    }
    out
}
