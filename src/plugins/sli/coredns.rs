//! `sloth-common/coredns/*`: CoreDNS responses by rcode, and request latency.

use super::common::{bucket, fill, filter_trimmed, opt, with_comma};
use super::gocompat;
use super::SliPluginCall;

const AVAILABILITY: &str = r#"
sum(rate(coredns_dns_responses_total{ ⟨FE⟩rcode=~"⟨R⟩" }[{{.window}}]))
/
(sum(rate(coredns_dns_responses_total{ ⟨FT⟩ }[{{.window}}])) > 0)
"#;

/// `sloth-common/coredns/availability`: errors are responses whose rcode matches
/// `custom_rcode_regex` (default `SERVFAIL`).
pub(super) fn availability(call: &SliPluginCall<'_>) -> Result<String, String> {
    let rcode = rcode_regex(call).map_err(|e| format!("could not get custom rcodes regex: {e}"))?;
    let filter = filter_trimmed(call);
    Ok(fill(
        AVAILABILITY,
        &[("FE", &with_comma(filter)), ("FT", filter), ("R", &rcode)],
    ))
}

fn rcode_regex(call: &SliPluginCall<'_>) -> Result<String, String> {
    let rcode = opt(call, "custom_rcode_regex").unwrap_or("").trim();
    if rcode.is_empty() {
        return Ok("SERVFAIL".to_string());
    }
    gocompat::regexp_check(rcode).map_err(|e| format!("invalid regex: {e}"))?;
    Ok(rcode.to_string())
}

const LATENCY: &str = r#"
1 - ((
  sum(rate(coredns_dns_request_duration_seconds_bucket{ ⟨FE⟩le="⟨B⟩" }[{{ .window }}]))
  /
  (sum(rate(coredns_dns_request_duration_seconds_count{ ⟨FT⟩ }[{{ .window }}])) > 0)
) OR on() vector(1))
"#;

/// `sloth-common/coredns/latency`: errors are requests slower than the `bucket` (`le`).
pub(super) fn latency(call: &SliPluginCall<'_>) -> Result<String, String> {
    let bucket = bucket(call).map_err(|e| format!("could not get bucket: {e}"))?;
    let filter = filter_trimmed(call);
    Ok(fill(
        LATENCY,
        &[("FE", &with_comma(filter)), ("FT", filter), ("B", bucket)],
    ))
}

#[cfg(test)]
mod tests {
    use super::super::test_util::run;
    use super::*;

    #[test]
    fn availability_default_rcode() {
        assert_eq!(
            run(availability, &[]).unwrap(),
            "\nsum(rate(coredns_dns_responses_total{ rcode=~\"SERVFAIL\" }[{{.window}}]))\n/\n(sum(rate(coredns_dns_responses_total{  }[{{.window}}])) > 0)\n"
        );
    }

    #[test]
    fn availability_custom_rcode_and_filter() {
        assert_eq!(
            run(
                availability,
                &[
                    ("filter", r#"{k1="v2",k2="v2",}"#),
                    ("custom_rcode_regex", " (SERVFAIL|REFUSED) ")
                ]
            )
            .unwrap(),
            "\nsum(rate(coredns_dns_responses_total{ k1=\"v2\",k2=\"v2\",rcode=~\"(SERVFAIL|REFUSED)\" }[{{.window}}]))\n/\n(sum(rate(coredns_dns_responses_total{ k1=\"v2\",k2=\"v2\" }[{{.window}}])) > 0)\n"
        );
    }

    #[test]
    fn availability_bad_regex() {
        assert_eq!(
            run(availability, &[("custom_rcode_regex", "(SERVFAIL")]).unwrap_err(),
            "could not get custom rcodes regex: invalid regex: error parsing regexp: missing closing ): `(SERVFAIL`"
        );
    }

    #[test]
    fn latency_query() {
        assert_eq!(
            run(latency, &[("bucket", "0.25"), ("filter", r#"k1="v1""#)]).unwrap(),
            "\n1 - ((\n  sum(rate(coredns_dns_request_duration_seconds_bucket{ k1=\"v1\",le=\"0.25\" }[{{ .window }}]))\n  /\n  (sum(rate(coredns_dns_request_duration_seconds_count{ k1=\"v1\" }[{{ .window }}])) > 0)\n) OR on() vector(1))\n"
        );
    }

    #[test]
    fn latency_bucket_errors() {
        assert_eq!(
            run(latency, &[]).unwrap_err(),
            r#"could not get bucket: "bucket" option is required"#
        );
        assert_eq!(
            run(latency, &[("bucket", "")]).unwrap_err(),
            r#"could not get bucket: "bucket" option is required"#
        );
        assert_eq!(
            run(latency, &[("bucket", "1s")]).unwrap_err(),
            r#"could not get bucket: not a valid bucket, can't parse to float64: strconv.ParseFloat: parsing "1s": invalid syntax"#
        );
    }
}
