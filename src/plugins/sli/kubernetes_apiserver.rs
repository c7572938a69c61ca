//! `sloth-common/kubernetes/apiserver/*`: Kubernetes API server requests.

use super::common::{bucket, fill, validated_filter, with_comma};
use super::SliPluginCall;

const AVAILABILITY: &str = r#"
sum(rate(apiserver_request_total{ ⟨FE⟩code=~"(5..|429)" }[{{.window}}]))
/
sum(rate(apiserver_request_total{ ⟨FT⟩ }[{{.window}}]))
"#;

/// `sloth-common/kubernetes/apiserver/availability`: errors are `5xx` and `429` responses.
pub(super) fn availability(call: &SliPluginCall<'_>) -> Result<String, String> {
    let filter = validated_filter(call, false).map_err(|e| format!("could not get filter: {e}"))?;
    Ok(fill(
        AVAILABILITY,
        &[("FE", &with_comma(&filter)), ("FT", &filter)],
    ))
}

const LATENCY: &str = r#"
(
  sum(rate(apiserver_request_duration_seconds_count{ ⟨F⟩verb!="WATCH" }[{{.window}}]))
  -
  sum(rate(apiserver_request_duration_seconds_bucket{ ⟨F⟩le="⟨B⟩",verb!="WATCH" }[{{.window}}]))
)
/
sum(rate(apiserver_request_duration_seconds_count{ ⟨F⟩verb!="WATCH" }[{{.window}}]))
"#;

/// `sloth-common/kubernetes/apiserver/latency`: errors are non-`WATCH` requests slower than
/// `bucket`.
pub(super) fn latency(call: &SliPluginCall<'_>) -> Result<String, String> {
    let bucket = bucket(call).map_err(|e| format!("could not get bucket: {e}"))?;
    let filter = validated_filter(call, false).map_err(|e| format!("could not get filter: {e}"))?;
    Ok(fill(LATENCY, &[("F", &with_comma(&filter)), ("B", bucket)]))
}

#[cfg(test)]
mod tests {
    use super::super::test_util::run;
    use super::*;

    #[test]
    fn availability_without_filter() {
        assert_eq!(
            run(availability, &[]).unwrap(),
            "\nsum(rate(apiserver_request_total{ code=~\"(5..|429)\" }[{{.window}}]))\n/\nsum(rate(apiserver_request_total{  }[{{.window}}]))\n"
        );
    }

    #[test]
    fn availability_with_filter() {
        assert_eq!(
            run(availability, &[("filter", r#"{k1="v1",k2="v2",}"#)]).unwrap(),
            "\nsum(rate(apiserver_request_total{ k1=\"v1\",k2=\"v2\",code=~\"(5..|429)\" }[{{.window}}]))\n/\nsum(rate(apiserver_request_total{ k1=\"v1\",k2=\"v2\" }[{{.window}}]))\n"
        );
    }

    #[test]
    fn availability_invalid_filter() {
        assert_eq!(
            run(availability, &[("filter", r#"{k1="v1",k2}"#)]).unwrap_err(),
            r#"could not get filter: invalid prometheus filter: k1="v1",k2"#
        );
    }

    #[test]
    fn latency_query() {
        assert_eq!(
            run(latency, &[("bucket", "0.5"), ("filter", r#"job="apiserver""#)]).unwrap(),
            "\n(\n  sum(rate(apiserver_request_duration_seconds_count{ job=\"apiserver\",verb!=\"WATCH\" }[{{.window}}]))\n  -\n  sum(rate(apiserver_request_duration_seconds_bucket{ job=\"apiserver\",le=\"0.5\",verb!=\"WATCH\" }[{{.window}}]))\n)\n/\nsum(rate(apiserver_request_duration_seconds_count{ job=\"apiserver\",verb!=\"WATCH\" }[{{.window}}]))\n"
        );
        assert_eq!(
            run(latency, &[("bucket", "1")]).unwrap(),
            "\n(\n  sum(rate(apiserver_request_duration_seconds_count{ verb!=\"WATCH\" }[{{.window}}]))\n  -\n  sum(rate(apiserver_request_duration_seconds_bucket{ le=\"1\",verb!=\"WATCH\" }[{{.window}}]))\n)\n/\nsum(rate(apiserver_request_duration_seconds_count{ verb!=\"WATCH\" }[{{.window}}]))\n"
        );
    }

    #[test]
    fn latency_errors() {
        assert_eq!(
            run(latency, &[("filter", r#"job="apiserver""#)]).unwrap_err(),
            r#"could not get bucket: "bucket" option is required"#
        );
        assert_eq!(
            run(latency, &[("bucket", "1"), ("filter", "job")]).unwrap_err(),
            "could not get filter: invalid prometheus filter: job"
        );
    }
}
