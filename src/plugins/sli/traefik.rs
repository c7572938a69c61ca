//! `sloth-common/traefik/*`: Traefik v1 backends and v2 services.

use super::common::{bucket, fill, filter_excluding_errors, filter_with_comma, regex_option};
use super::SliPluginCall;

const V1_AVAILABILITY: &str = r#"
(
  sum(rate(traefik_backend_requests_total{ ⟨F⟩backend=~"⟨R⟩",code=~"(5..|429)" }[{{.window}}]))
  /
  (sum(rate(traefik_backend_requests_total{ ⟨F⟩backend=~"⟨R⟩" }[{{.window}}])) > 0)
) OR on() vector(0)
"#;

/// `sloth-common/traefik/v1/availability`: errors are `5xx` and `429` responses of the backends
/// matching `backend_regex`.
pub(super) fn v1_availability(call: &SliPluginCall<'_>) -> Result<String, String> {
    let backend = backend_regex(call)?;
    Ok(fill(
        V1_AVAILABILITY,
        &[("F", &filter_with_comma(call)), ("R", &backend)],
    ))
}

const V1_LATENCY: &str = r#"
1 - ((
  sum(rate(traefik_backend_request_duration_seconds_bucket{ ⟨F⟩backend=~"⟨R⟩",le="⟨B⟩" }[{{.window}}]))
  /
  (sum(rate(traefik_backend_request_duration_seconds_count{ ⟨F⟩backend=~"⟨R⟩" }[{{.window}}])) > 0)
) OR on() vector(1))
"#;

/// `sloth-common/traefik/v1/latency`: errors are backend requests slower than `bucket`.
pub(super) fn v1_latency(call: &SliPluginCall<'_>) -> Result<String, String> {
    let bucket = bucket(call).map_err(|e| format!("could not get bucket: {e}"))?;
    let backend = backend_regex(call)?;
    let filter = filter_excluding_errors(call).map_err(|e| format!("could not get filter: {e}"))?;
    Ok(fill(
        V1_LATENCY,
        &[("F", &filter), ("R", &backend), ("B", bucket)],
    ))
}

fn backend_regex(call: &SliPluginCall<'_>) -> Result<String, String> {
    regex_option(call, "backend_regex", "backend is required")
        .map_err(|e| format!("could not get backend regex: {e}"))
}

const V2_AVAILABILITY: &str = r#"
(
  sum(rate(traefik_service_requests_total{ ⟨F⟩service=~"⟨R⟩",code=~"(5..)" }[{{.window}}]))
  /
  (sum(rate(traefik_service_requests_total{ ⟨F⟩service=~"⟨R⟩" }[{{.window}}])) > 0)
) OR on() vector(0)
"#;

/// `sloth-common/traefik/v2/availability`: errors are `5xx` responses of the services matching
/// `service_name_regex`.
pub(super) fn v2_availability(call: &SliPluginCall<'_>) -> Result<String, String> {
    let service = service_name_regex(call)?;
    Ok(fill(
        V2_AVAILABILITY,
        &[("F", &filter_with_comma(call)), ("R", &service)],
    ))
}

const V2_LATENCY: &str = r#"
1 - ((
  sum(rate(traefik_service_request_duration_seconds_bucket{ ⟨F⟩service=~"⟨R⟩",le="⟨B⟩" }[{{.window}}]))
  /
  (sum(rate(traefik_service_request_duration_seconds_count{ ⟨F⟩service=~"⟨R⟩" }[{{.window}}])) > 0)
) OR on() vector(1))
"#;

/// `sloth-common/traefik/v2/latency`: errors are service requests slower than `bucket`.
pub(super) fn v2_latency(call: &SliPluginCall<'_>) -> Result<String, String> {
    let bucket = bucket(call).map_err(|e| format!("could not get bucket: {e}"))?;
    let service = service_name_regex(call)?;
    let filter = filter_excluding_errors(call).map_err(|e| format!("could not get filter: {e}"))?;
    Ok(fill(
        V2_LATENCY,
        &[("F", &filter), ("R", &service), ("B", bucket)],
    ))
}

fn service_name_regex(call: &SliPluginCall<'_>) -> Result<String, String> {
    regex_option(call, "service_name_regex", "service name is required")
        .map_err(|e| format!("could not get service name: {e}"))
}

#[cfg(test)]
mod tests {
    use super::super::test_util::run;
    use super::*;

    #[test]
    fn v1_availability_query() {
        assert_eq!(
            run(
                v1_availability,
                &[("backend_regex", " ^my-backend$ "), ("filter", r#"{k1="v1"}"#)]
            )
            .unwrap(),
            "\n(\n  sum(rate(traefik_backend_requests_total{ k1=\"v1\",backend=~\"^my-backend$\",code=~\"(5..|429)\" }[{{.window}}]))\n  /\n  (sum(rate(traefik_backend_requests_total{ k1=\"v1\",backend=~\"^my-backend$\" }[{{.window}}])) > 0)\n) OR on() vector(0)\n"
        );
    }

    #[test]
    fn v1_availability_errors() {
        assert_eq!(
            run(v1_availability, &[]).unwrap_err(),
            "could not get backend regex: backend is required"
        );
        assert_eq!(
            run(v1_availability, &[("backend_regex", "[a-")]).unwrap_err(),
            "could not get backend regex: invalid regex: error parsing regexp: missing closing ]: `[a-`"
        );
    }

    #[test]
    fn v1_latency_query() {
        assert_eq!(
            run(
                v1_latency,
                &[
                    ("backend_regex", "my-backend"),
                    ("bucket", "0.3"),
                    ("exclude_errors", "true")
                ]
            )
            .unwrap(),
            "\n1 - ((\n  sum(rate(traefik_backend_request_duration_seconds_bucket{ code!~\"5..\",backend=~\"my-backend\",le=\"0.3\" }[{{.window}}]))\n  /\n  (sum(rate(traefik_backend_request_duration_seconds_count{ code!~\"5..\",backend=~\"my-backend\" }[{{.window}}])) > 0)\n) OR on() vector(1))\n"
        );
    }

    #[test]
    fn v1_latency_errors() {
        assert_eq!(
            run(v1_latency, &[("backend_regex", "b")]).unwrap_err(),
            r#"could not get bucket: "bucket" option is required"#
        );
        assert_eq!(
            run(v1_latency, &[("bucket", "1")]).unwrap_err(),
            "could not get backend regex: backend is required"
        );
        assert_eq!(
            run(
                v1_latency,
                &[
                    ("bucket", "1"),
                    ("backend_regex", "b"),
                    ("exclude_errors", "2")
                ]
            )
            .unwrap_err(),
            r#"could not get filter: could not get exclude_errors: not a valid exclude_errors, can't parse to bool: strconv.ParseBool: parsing "2": invalid syntax"#
        );
    }

    #[test]
    fn v2_availability_query() {
        assert_eq!(
            run(v2_availability, &[("service_name_regex", "^my-svc@.*$")]).unwrap(),
            "\n(\n  sum(rate(traefik_service_requests_total{ service=~\"^my-svc@.*$\",code=~\"(5..)\" }[{{.window}}]))\n  /\n  (sum(rate(traefik_service_requests_total{ service=~\"^my-svc@.*$\" }[{{.window}}])) > 0)\n) OR on() vector(0)\n"
        );
    }

    #[test]
    fn v2_availability_errors() {
        assert_eq!(
            run(v2_availability, &[("service_name_regex", "  ")]).unwrap_err(),
            "could not get service name: service name is required"
        );
        assert_eq!(
            run(v2_availability, &[("service_name_regex", "a)")]).unwrap_err(),
            "could not get service name: invalid regex: error parsing regexp: unexpected ): `a)`"
        );
    }

    #[test]
    fn v2_latency_query() {
        assert_eq!(
            run(
                v2_latency,
                &[
                    ("service_name_regex", "my-svc"),
                    ("bucket", "0.3"),
                    ("filter", r#"{k1="v1",}"#),
                    ("exclude_errors", "false")
                ]
            )
            .unwrap(),
            "\n1 - ((\n  sum(rate(traefik_service_request_duration_seconds_bucket{ k1=\"v1\",service=~\"my-svc\",le=\"0.3\" }[{{.window}}]))\n  /\n  (sum(rate(traefik_service_request_duration_seconds_count{ k1=\"v1\",service=~\"my-svc\" }[{{.window}}])) > 0)\n) OR on() vector(1))\n"
        );
    }

    #[test]
    fn v2_latency_errors() {
        assert_eq!(
            run(v2_latency, &[("service_name_regex", "s")]).unwrap_err(),
            r#"could not get bucket: "bucket" option is required"#
        );
        assert_eq!(
            run(v2_latency, &[("bucket", "0.3")]).unwrap_err(),
            "could not get service name: service name is required"
        );
        assert_eq!(
            run(
                v2_latency,
                &[
                    ("bucket", "0.3"),
                    ("service_name_regex", "s"),
                    ("exclude_errors", "no")
                ]
            )
            .unwrap_err(),
            r#"could not get filter: could not get exclude_errors: not a valid exclude_errors, can't parse to bool: strconv.ParseBool: parsing "no": invalid syntax"#
        );
    }
}
