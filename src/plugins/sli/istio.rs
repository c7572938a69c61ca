//! `sloth-common/istio/v1/*`: Istio (v1 telemetry) request metrics.

use super::common::{bucket, fill, filter_excluding_errors, filter_with_comma, required_trimmed};
use super::SliPluginCall;

// Line 3 ends with one space and line 4 is two spaces, `/` and ten spaces, as in the original.
const V1_AVAILABILITY: &str = concat!(
    "\n",
    "(\n",
    r#"  sum(rate(istio_requests_total{ ⟨F⟩destination_service_name="⟨S⟩",destination_service_namespace="⟨NS⟩",response_code=~"(5..|429)" }[{{.window}}])) "#,
    "\n",
    "  /          \n",
    r#"  (sum(rate(istio_requests_total{ ⟨F⟩destination_service_name="⟨S⟩",destination_service_namespace="⟨NS⟩" }[{{.window}}])) > 0)"#,
    "\n",
    ") OR on() vector(0)\n",
);

/// `sloth-common/istio/v1/availability`: errors are `5xx` and `429` responses of a service.
pub(super) fn v1_availability(call: &SliPluginCall<'_>) -> Result<String, String> {
    let service =
        required_trimmed(call, "service").map_err(|e| format!("could not get service: {e}"))?;
    let namespace =
        required_trimmed(call, "namespace").map_err(|e| format!("could not get namespace: {e}"))?;
    Ok(fill(
        V1_AVAILABILITY,
        &[
            ("F", &filter_with_comma(call)),
            ("S", &service),
            ("NS", &namespace),
        ],
    ))
}

const V1_LATENCY: &str = r#"
1 - ((
  sum(rate(istio_request_duration_milliseconds_bucket{ ⟨F⟩destination_service_name="⟨S⟩",destination_service_namespace="⟨NS⟩",le="⟨B⟩" }[{{.window}}]))
  /
  (sum(rate(istio_request_duration_milliseconds_count{ ⟨F⟩destination_service_name="⟨S⟩",destination_service_namespace="⟨NS⟩" }[{{.window}}])) > 0)
) OR on() vector(1))
"#;

/// `sloth-common/istio/v1/latency`: errors are requests slower than `bucket` (milliseconds).
pub(super) fn v1_latency(call: &SliPluginCall<'_>) -> Result<String, String> {
    let bucket = bucket(call).map_err(|e| format!("could not get bucket: {e}"))?;
    let service =
        required_trimmed(call, "service").map_err(|e| format!("could not get service: {e}"))?;
    let namespace =
        required_trimmed(call, "namespace").map_err(|e| format!("could not get namespace: {e}"))?;
    let filter = filter_excluding_errors(call).map_err(|e| format!("could not get filter: {e}"))?;
    Ok(fill(
        V1_LATENCY,
        &[
            ("F", &filter),
            ("S", &service),
            ("NS", &namespace),
            ("B", bucket),
        ],
    ))
}

#[cfg(test)]
mod tests {
    use super::super::test_util::run;
    use super::*;

    #[test]
    fn availability_query_keeps_trailing_spaces() {
        assert_eq!(
            run(
                v1_availability,
                &[("namespace", "default"), ("service", "test")]
            )
            .unwrap(),
            "\n(\n  sum(rate(istio_requests_total{ destination_service_name=\"test\",destination_service_namespace=\"default\",response_code=~\"(5..|429)\" }[{{.window}}])) \n  /          \n  (sum(rate(istio_requests_total{ destination_service_name=\"test\",destination_service_namespace=\"default\" }[{{.window}}])) > 0)\n) OR on() vector(0)\n"
        );
    }

    #[test]
    fn availability_with_filter() {
        assert_eq!(
            run(
                v1_availability,
                &[
                    ("filter", r#"k1="v2",k2="v2","#),
                    ("namespace", " default "),
                    ("service", "test")
                ]
            )
            .unwrap(),
            "\n(\n  sum(rate(istio_requests_total{ k1=\"v2\",k2=\"v2\",destination_service_name=\"test\",destination_service_namespace=\"default\",response_code=~\"(5..|429)\" }[{{.window}}])) \n  /          \n  (sum(rate(istio_requests_total{ k1=\"v2\",k2=\"v2\",destination_service_name=\"test\",destination_service_namespace=\"default\" }[{{.window}}])) > 0)\n) OR on() vector(0)\n"
        );
    }

    #[test]
    fn availability_errors() {
        assert_eq!(
            run(v1_availability, &[("namespace", "default")]).unwrap_err(),
            "could not get service: service is required"
        );
        assert_eq!(
            run(v1_availability, &[("service", "test"), ("namespace", "  ")]).unwrap_err(),
            "could not get namespace: namespace is required"
        );
    }

    #[test]
    fn latency_query() {
        assert_eq!(
            run(
                v1_latency,
                &[("bucket", "300"), ("namespace", "default"), ("service", "test")]
            )
            .unwrap(),
            "\n1 - ((\n  sum(rate(istio_request_duration_milliseconds_bucket{ destination_service_name=\"test\",destination_service_namespace=\"default\",le=\"300\" }[{{.window}}]))\n  /\n  (sum(rate(istio_request_duration_milliseconds_count{ destination_service_name=\"test\",destination_service_namespace=\"default\" }[{{.window}}])) > 0)\n) OR on() vector(1))\n"
        );
    }

    #[test]
    fn latency_query_excluding_errors() {
        assert_eq!(
            run(
                v1_latency,
                &[
                    ("bucket", "300"),
                    ("namespace", "default"),
                    ("service", "test"),
                    ("filter", r#"{k1="v1"}"#),
                    ("exclude_errors", "true")
                ]
            )
            .unwrap(),
            "\n1 - ((\n  sum(rate(istio_request_duration_milliseconds_bucket{ k1=\"v1\",code!~\"5..\",destination_service_name=\"test\",destination_service_namespace=\"default\",le=\"300\" }[{{.window}}]))\n  /\n  (sum(rate(istio_request_duration_milliseconds_count{ k1=\"v1\",code!~\"5..\",destination_service_name=\"test\",destination_service_namespace=\"default\" }[{{.window}}])) > 0)\n) OR on() vector(1))\n"
        );
        assert_eq!(
            run(
                v1_latency,
                &[
                    ("bucket", "300"),
                    ("namespace", "default"),
                    ("service", "test"),
                    ("exclude_errors", "T")
                ]
            )
            .unwrap(),
            "\n1 - ((\n  sum(rate(istio_request_duration_milliseconds_bucket{ code!~\"5..\",destination_service_name=\"test\",destination_service_namespace=\"default\",le=\"300\" }[{{.window}}]))\n  /\n  (sum(rate(istio_request_duration_milliseconds_count{ code!~\"5..\",destination_service_name=\"test\",destination_service_namespace=\"default\" }[{{.window}}])) > 0)\n) OR on() vector(1))\n"
        );
    }

    #[test]
    fn latency_errors() {
        assert_eq!(
            run(v1_latency, &[("namespace", "default"), ("service", "test")]).unwrap_err(),
            r#"could not get bucket: "bucket" option is required"#
        );
        assert_eq!(
            run(v1_latency, &[("bucket", "300"), ("namespace", "default")]).unwrap_err(),
            "could not get service: service is required"
        );
        assert_eq!(
            run(v1_latency, &[("bucket", "300"), ("service", "test")]).unwrap_err(),
            "could not get namespace: namespace is required"
        );
        assert_eq!(
            run(
                v1_latency,
                &[
                    ("bucket", "300"),
                    ("namespace", "default"),
                    ("service", "test"),
                    ("exclude_errors", "yes")
                ]
            )
            .unwrap_err(),
            r#"could not get filter: could not get exclude_errors: not a valid exclude_errors, can't parse to bool: strconv.ParseBool: parsing "yes": invalid syntax"#
        );
    }
}
