//! `sloth-common/haproxy/*`: HAProxy frontend responses.

use super::common::{fill, filter_with_comma};
use super::SliPluginCall;

const FRONTEND_AVAILABILITY: &str = r#"
sum(rate(haproxy_frontend_http_responses_total{ ⟨F⟩code="5xx" }[{{.window}}]))
/
sum(rate(haproxy_frontend_http_responses_total{ ⟨F⟩ }[{{.window}}]))
"#;

/// `sloth-common/haproxy/frontend/availability`: errors are `5xx` responses.
pub(super) fn frontend_availability(call: &SliPluginCall<'_>) -> Result<String, String> {
    Ok(fill(
        FRONTEND_AVAILABILITY,
        &[("F", &filter_with_comma(call))],
    ))
}

#[cfg(test)]
mod tests {
    use super::super::test_util::run;
    use super::*;

    #[test]
    fn without_filter() {
        assert_eq!(
            run(frontend_availability, &[]).unwrap(),
            "\nsum(rate(haproxy_frontend_http_responses_total{ code=\"5xx\" }[{{.window}}]))\n/\nsum(rate(haproxy_frontend_http_responses_total{  }[{{.window}}]))\n"
        );
        assert_eq!(
            run(frontend_availability, &[("filter", "")]).unwrap(),
            run(frontend_availability, &[]).unwrap()
        );
    }

    #[test]
    fn with_filter() {
        assert_eq!(
            run(frontend_availability, &[("filter", r#"{proxy="http-in",}"#)]).unwrap(),
            "\nsum(rate(haproxy_frontend_http_responses_total{ proxy=\"http-in\",code=\"5xx\" }[{{.window}}]))\n/\nsum(rate(haproxy_frontend_http_responses_total{ proxy=\"http-in\", }[{{.window}}]))\n"
        );
    }
}
