//! `sloth-common/kubernetes/kooper/*`: controllers built with kooper.

use super::common::{bucket, fill, filter_with_comma, opt};
use super::SliPluginCall;

const AVAILABILITY: &str = r#"
(
  sum(rate(kooper_controller_processed_event_duration_seconds_count{ ⟨F⟩controller="⟨C⟩",success="false" }[{{ .window }}]))
  /
  ((
    sum(rate(kooper_controller_processed_event_duration_seconds_count{ ⟨F⟩controller="⟨C⟩" }[{{ .window }}]))
    -
    (sum(rate(kooper_controller_queued_events_total{ ⟨F⟩controller="⟨C⟩",requeue="true" }[{{ .window }}])) OR on() vector(0))
  ) > 0)
) OR on() vector(0)
"#;

/// `sloth-common/kubernetes/kooper/availability`: errors are failed event handlings, requeues
/// excluded from the total.
pub(super) fn availability(call: &SliPluginCall<'_>) -> Result<String, String> {
    let controller = controller(call)?;
    Ok(fill(
        AVAILABILITY,
        &[("F", &filter_with_comma(call)), ("C", controller)],
    ))
}

const LATENCY: &str = r#"
1 - ((
  sum(rate(kooper_controller_processed_event_duration_seconds_bucket{ ⟨F⟩controller="⟨C⟩",le="⟨B⟩" }[{{ .window }}]))
  /
  (sum(rate(kooper_controller_processed_event_duration_seconds_count{ ⟨F⟩controller="⟨C⟩" }[{{ .window }}])) > 0)
) OR on() vector(1))
"#;

/// `sloth-common/kubernetes/kooper/latency`: errors are event handlings slower than `bucket`.
pub(super) fn latency(call: &SliPluginCall<'_>) -> Result<String, String> {
    bucketed(LATENCY, call)
}

const QUEUE_CONGESTION: &str = r#"
1 - ((
  sum(rate(kooper_controller_event_in_queue_duration_seconds_bucket{ ⟨F⟩controller="⟨C⟩",le="⟨B⟩" }[{{ .window }}]))
  /
  (sum(rate(kooper_controller_event_in_queue_duration_seconds_count{ ⟨F⟩controller="⟨C⟩" }[{{ .window }}])) > 0)
) OR on() vector(1))
"#;

/// `sloth-common/kubernetes/kooper/queue-congestion`: errors are events queued longer than
/// `bucket`.
pub(super) fn queue_congestion(call: &SliPluginCall<'_>) -> Result<String, String> {
    bucketed(QUEUE_CONGESTION, call)
}

fn bucketed(template: &str, call: &SliPluginCall<'_>) -> Result<String, String> {
    let bucket = bucket(call).map_err(|e| format!("could not get bucket: {e}"))?;
    let controller = controller(call)?;
    Ok(fill(
        template,
        &[
            ("F", &filter_with_comma(call)),
            ("C", controller),
            ("B", bucket),
        ],
    ))
}

fn controller<'a>(call: &'a SliPluginCall<'_>) -> Result<&'a str, String> {
    match opt(call, "controller") {
        None | Some("") => {
            Err(r#"could not get controller: "controller" option is required"#.to_string())
        }
        Some(controller) => Ok(controller),
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_util::run;
    use super::*;

    #[test]
    fn availability_query() {
        assert_eq!(
            run(
                availability,
                &[("controller", "test-ctrl"), ("filter", r#"{k1="v1"}"#)]
            )
            .unwrap(),
            "\n(\n  sum(rate(kooper_controller_processed_event_duration_seconds_count{ k1=\"v1\",controller=\"test-ctrl\",success=\"false\" }[{{ .window }}]))\n  /\n  ((\n    sum(rate(kooper_controller_processed_event_duration_seconds_count{ k1=\"v1\",controller=\"test-ctrl\" }[{{ .window }}]))\n    -\n    (sum(rate(kooper_controller_queued_events_total{ k1=\"v1\",controller=\"test-ctrl\",requeue=\"true\" }[{{ .window }}])) OR on() vector(0))\n  ) > 0)\n) OR on() vector(0)\n"
        );
    }

    #[test]
    fn availability_requires_controller() {
        assert_eq!(
            run(availability, &[("controller", "")]).unwrap_err(),
            r#"could not get controller: "controller" option is required"#
        );
    }

    #[test]
    fn latency_query() {
        assert_eq!(
            run(latency, &[("controller", "test-ctrl"), ("bucket", "0.1")]).unwrap(),
            "\n1 - ((\n  sum(rate(kooper_controller_processed_event_duration_seconds_bucket{ controller=\"test-ctrl\",le=\"0.1\" }[{{ .window }}]))\n  /\n  (sum(rate(kooper_controller_processed_event_duration_seconds_count{ controller=\"test-ctrl\" }[{{ .window }}])) > 0)\n) OR on() vector(1))\n"
        );
    }

    #[test]
    fn queue_congestion_query() {
        assert_eq!(
            run(
                queue_congestion,
                &[
                    ("controller", "test-ctrl"),
                    ("bucket", "0.1"),
                    ("filter", "{k1=\"v1\",}")
                ]
            )
            .unwrap(),
            "\n1 - ((\n  sum(rate(kooper_controller_event_in_queue_duration_seconds_bucket{ k1=\"v1\",controller=\"test-ctrl\",le=\"0.1\" }[{{ .window }}]))\n  /\n  (sum(rate(kooper_controller_event_in_queue_duration_seconds_count{ k1=\"v1\",controller=\"test-ctrl\" }[{{ .window }}])) > 0)\n) OR on() vector(1))\n"
        );
    }

    #[test]
    fn bucketed_errors_in_order() {
        for plugin in [latency as super::super::BuiltinSliPlugin, queue_congestion] {
            assert_eq!(
                run(plugin, &[]).unwrap_err(),
                r#"could not get bucket: "bucket" option is required"#
            );
            assert_eq!(
                run(plugin, &[("bucket", "0.1")]).unwrap_err(),
                r#"could not get controller: "controller" option is required"#
            );
            assert_eq!(
                run(plugin, &[("bucket", "x"), ("controller", "c")]).unwrap_err(),
                r#"could not get bucket: not a valid bucket, can't parse to float64: strconv.ParseFloat: parsing "x": invalid syntax"#
            );
        }
    }
}
