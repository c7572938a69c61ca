//! Links the pages carry: queries opened in Prometheus's graph page, and which strings from
//! specs are safe to link at all.

use crate::timefmt::rfc3339;

/// Percent-encodes `s` for a URL query value or path segment (RFC 3986: everything but the
/// unreserved characters).
pub fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// A base URL without credentials (`https://user:pass@host/x` → `https://host/x`) and
/// without a trailing `/`, fit to show on a page.
pub fn public_url(url: &str) -> String {
    let url = url.trim().trim_end_matches('/');
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let (authority, path) = match rest.find('/') {
        Some(i) => rest.split_at(i),
        None => (rest, ""),
    };
    let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    format!("{scheme}://{host}{path}")
}

/// The link that opens `expr` in Prometheus's graph page (`/graph?g0.expr=…`; Prometheus 3
/// keeps these links working), graphed over `range` (e.g. `1d`) up to `end` (Unix seconds,
/// shown in UTC).
pub fn graph_url(base: &str, expr: &str, range: &str, end: f64) -> String {
    let end = rfc3339(end);
    // The graph page takes `2026-01-01 00:00:00` (UTC).
    let end_input = format!("{} {}", &end[..10], &end[11..19]);
    format!(
        "{base}/graph?g0.expr={}&g0.tab=0&g0.range_input={}&g0.end_input={}&g0.moment_input={}",
        encode(expr),
        encode(range),
        encode(&end_input),
        encode(&end_input)
    )
}

/// True when `s` is an absolute `http(s)` URL, so it can be a link (a runbook annotation);
/// anything else (`javascript:…`, relative paths) is shown as text only.
pub fn is_web_url(s: &str) -> bool {
    let lower = s.trim().to_ascii_lowercase();
    (lower.starts_with("https://") || lower.starts_with("http://"))
        && !s.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// A Prometheus range such as `30d` or `1h` for a span of seconds (whole days or hours).
pub fn range_input(seconds: f64) -> String {
    let s = seconds.max(3600.0);
    if s >= 86_400.0 {
        format!("{}d", (s / 86_400.0).round() as i64)
    } else {
        format!("{}h", (s / 3600.0).round() as i64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_everything_but_unreserved() {
        assert_eq!(encode("a-b_c.d~e"), "a-b_c.d~e");
        assert_eq!(
            encode("sum(rate(x{code=~\"5..\"}[5m]))"),
            "sum%28rate%28x%7Bcode%3D~%225..%22%7D%5B5m%5D%29%29"
        );
        assert_eq!(encode("é &"), "%C3%A9%20%26");
    }

    #[test]
    fn graph_links_carry_the_query_and_the_time() {
        let u = graph_url(
            "http://prom:9090",
            "slo:sli_error:ratio_rate5m{sloth_id=\"a\"}",
            "1d",
            1_767_225_600.0,
        );
        assert_eq!(
            u,
            "http://prom:9090/graph?g0.expr=slo%3Asli_error%3Aratio_rate5m%7Bsloth_id%3D%22a%22%7D\
             &g0.tab=0&g0.range_input=1d&g0.end_input=2026-01-01%2000%3A00%3A00\
             &g0.moment_input=2026-01-01%2000%3A00%3A00"
        );
    }

    #[test]
    fn credentials_never_reach_a_page() {
        assert_eq!(
            public_url("https://user:s3cret@prom.example/prometheus/"),
            "https://prom.example/prometheus"
        );
        assert_eq!(public_url("http://127.0.0.1:9090"), "http://127.0.0.1:9090");
    }

    #[test]
    fn only_web_urls_are_links() {
        assert!(is_web_url("https://runbooks.example.com/x"));
        assert!(!is_web_url("javascript:alert(1)"));
        assert!(!is_web_url(" JAVASCRIPT:alert(1)"));
        assert!(!is_web_url("https://x\" onmouseover=\"y"));
        assert!(!is_web_url("/relative"));
    }

    #[test]
    fn ranges_in_days_or_hours() {
        assert_eq!(range_input(30.0 * 86_400.0), "30d");
        assert_eq!(range_input(7200.0), "2h");
        assert_eq!(range_input(10.0), "1h");
    }
}
