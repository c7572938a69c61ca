//! `sloth-common/kubernetes/nginx-ingress/*`: NGINX ingress controller requests.

use super::common::{fill, validated_filter, with_comma};
use super::SliPluginCall;

const AVAILABILITY: &str = r#"
sum(rate(nginx_ingress_controller_requests{ ⟨FE⟩status=~"(5..|429)" }[{{.window}}]))
/
sum(rate(nginx_ingress_controller_requests{ ⟨FT⟩ }[{{.window}}]))
or on() vector(0)
"#;

/// `sloth-common/kubernetes/nginx-ingress/availability`: errors are `5xx` and `429` statuses.
pub(super) fn availability(call: &SliPluginCall<'_>) -> Result<String, String> {
    let filter = validated_filter(call, false).map_err(|e| format!("could not get filter: {e}"))?;
    Ok(fill(
        AVAILABILITY,
        &[("FE", &with_comma(&filter)), ("FT", &filter)],
    ))
}

#[cfg(test)]
mod tests {
    use super::super::test_util::run;
    use super::*;

    #[test]
    fn query() {
        assert_eq!(
            run(availability, &[]).unwrap(),
            "\nsum(rate(nginx_ingress_controller_requests{ status=~\"(5..|429)\" }[{{.window}}]))\n/\nsum(rate(nginx_ingress_controller_requests{  }[{{.window}}]))\nor on() vector(0)\n"
        );
        assert_eq!(
            run(availability, &[("filter", r#"ingress="my-ingress""#)]).unwrap(),
            "\nsum(rate(nginx_ingress_controller_requests{ ingress=\"my-ingress\",status=~\"(5..|429)\" }[{{.window}}]))\n/\nsum(rate(nginx_ingress_controller_requests{ ingress=\"my-ingress\" }[{{.window}}]))\nor on() vector(0)\n"
        );
    }

    #[test]
    fn invalid_filter() {
        assert_eq!(
            run(availability, &[("filter", r#"ingress=~"my-.*""#)]).unwrap_err(),
            r#"could not get filter: invalid prometheus filter: ingress=~"my-.*""#
        );
    }
}
