//! `sloth-common/slok-go-http-metrics/*`: services instrumented with slok/go-http-metrics.

use super::common::{
    bucket, exclude_errors, fill, validated_filter, with_comma, ERROR_CODES_EXCLUDED,
};
use super::SliPluginCall;

const AVAILABILITY: &str = r#"
sum(rate(http_request_duration_seconds_count{ ⟨FE⟩code=~"(5..|429)" }[{{.window}}]))
/
sum(rate(http_request_duration_seconds_count{ ⟨FT⟩ }[{{.window}}]))
"#;

/// `sloth-common/slok-go-http-metrics/availability`: errors are `5xx` and `429` responses;
/// `filter` is required.
pub(super) fn availability(call: &SliPluginCall<'_>) -> Result<String, String> {
    let filter = validated_filter(call, true).map_err(|e| format!("could not get filter: {e}"))?;
    Ok(fill(
        AVAILABILITY,
        &[("FE", &with_comma(&filter)), ("FT", &filter)],
    ))
}

const LATENCY: &str = r#"
1 - (
  sum(rate(http_request_duration_seconds_bucket{ ⟨FB⟩le="⟨B⟩" }[{{.window}}]))
  /
  sum(rate(http_request_duration_seconds_count{ ⟨FC⟩ }[{{.window}}]))
)
"#;

/// `sloth-common/slok-go-http-metrics/latency`: errors are requests slower than `bucket`;
/// `filter` is required, `exclude_errors` leaves `5xx` responses out.
pub(super) fn latency(call: &SliPluginCall<'_>) -> Result<String, String> {
    let bucket = bucket(call).map_err(|e| format!("could not get bucket: {e}"))?;
    let mut filter =
        validated_filter(call, true).map_err(|e| format!("could not get filter: {e}"))?;
    if exclude_errors(call).map_err(|e| format!("could not get exclude_errors: {e}"))? {
        filter = format!("{filter},{ERROR_CODES_EXCLUDED}");
    }
    Ok(fill(
        LATENCY,
        &[("FB", &with_comma(&filter)), ("FC", &filter), ("B", bucket)],
    ))
}

#[cfg(test)]
mod tests {
    use super::super::test_util::run;
    use super::*;

    #[test]
    fn availability_query() {
        assert_eq!(
            run(availability, &[("filter", r#"{handler="/api",service="x",}"#)]).unwrap(),
            "\nsum(rate(http_request_duration_seconds_count{ handler=\"/api\",service=\"x\",code=~\"(5..|429)\" }[{{.window}}]))\n/\nsum(rate(http_request_duration_seconds_count{ handler=\"/api\",service=\"x\" }[{{.window}}]))\n"
        );
    }

    #[test]
    fn availability_errors() {
        assert_eq!(
            run(availability, &[]).unwrap_err(),
            "could not get filter: filter is required"
        );
        assert_eq!(
            run(availability, &[("filter", "")]).unwrap_err(),
            "could not get filter: filter is required"
        );
        assert_eq!(
            run(availability, &[("filter", "{}")]).unwrap_err(),
            "could not get filter: invalid prometheus filter: "
        );
    }

    #[test]
    fn latency_query() {
        assert_eq!(
            run(latency, &[("bucket", "0.25"), ("filter", r#"service="x""#)]).unwrap(),
            "\n1 - (\n  sum(rate(http_request_duration_seconds_bucket{ service=\"x\",le=\"0.25\" }[{{.window}}]))\n  /\n  sum(rate(http_request_duration_seconds_count{ service=\"x\" }[{{.window}}]))\n)\n"
        );
        assert_eq!(
            run(
                latency,
                &[
                    ("bucket", "0.25"),
                    ("filter", r#"service="x""#),
                    ("exclude_errors", "true")
                ]
            )
            .unwrap(),
            "\n1 - (\n  sum(rate(http_request_duration_seconds_bucket{ service=\"x\",code!~\"5..\",le=\"0.25\" }[{{.window}}]))\n  /\n  sum(rate(http_request_duration_seconds_count{ service=\"x\",code!~\"5..\" }[{{.window}}]))\n)\n"
        );
    }

    #[test]
    fn latency_errors() {
        assert_eq!(
            run(latency, &[("filter", r#"service="x""#)]).unwrap_err(),
            r#"could not get bucket: "bucket" option is required"#
        );
        assert_eq!(
            run(latency, &[("bucket", "0.25")]).unwrap_err(),
            "could not get filter: filter is required"
        );
        assert_eq!(
            run(
                latency,
                &[
                    ("bucket", "0.25"),
                    ("filter", r#"service="x""#),
                    ("exclude_errors", "nope")
                ]
            )
            .unwrap_err(),
            r#"could not get exclude_errors: not a valid exclude_errors, can't parse to bool: strconv.ParseBool: parsing "nope": invalid syntax"#
        );
    }
}
