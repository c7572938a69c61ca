//! `sloth.dev/contrib/denominator_corrected_rules/v1`: SLI rules corrected by the ratio of the
//! window's traffic to the period's, for events SLIs (sloth-generation.md §6.2).
//!
//! It replaces the SLI rules and appends one `slo:numerator_correction:ratio<W>` metadata
//! rule per alert window.
//!
//! compat(sloth): the queries are pasted into Go templates rendered with `missingkey=error`
//! and the keys `numeratorCorrectionMetric`, `window`, `filter` and `windowKey`; v0.16.0 does
//! not wrap the error query in parentheses (the `contrib-denominator-corrected` golden).

use std::collections::BTreeMap;

use serde::Deserialize;

use super::super::core::config;
use super::super::{Request, SloPlugin};
use crate::duration::Duration;
use crate::model::template::{self, MissingKey};
use crate::model::Sli;
use crate::plan::{id_labels, id_selector, sli, Rule, SloRules};

const NUMERATOR: &str = "slo:numerator_correction:ratio";

#[derive(Debug, Default, Deserialize)]
struct Config {
    #[serde(rename = "disableOptimized", default)]
    disable_optimized: bool,
}

pub(super) fn factory(v: &serde_json::Value) -> Result<Box<dyn SloPlugin>, String> {
    let cfg: Config = config(v)?;
    Ok(Box::new(DenominatorCorrected(cfg)))
}

struct DenominatorCorrected(Config);

impl SloPlugin for DenominatorCorrected {
    fn process(&self, req: &Request, rules: &mut SloRules) -> Result<(), String> {
        let slo = req.slo;
        let (error_query, total_query) = match &slo.sli {
            Sli::Events {
                error_query,
                total_query,
            } if !error_query.is_empty() && !total_query.is_empty() => (error_query, total_query),
            _ => return Err("denominator corrected SLI requires SLI event type".into()),
        };
        let filter = id_selector(slo);
        let alert_windows = req.alerts.windows();
        let mut windows = alert_windows.clone();
        windows.push(slo.period);
        let mut sli_rules = Vec::with_capacity(windows.len());
        for w in windows {
            let text = if w == slo.period && self.0.disable_optimized {
                format!("({error_query})\n/\n({total_query})\n")
            } else if w == slo.period {
                let metric = format!("{}{filter}", sli::record_name(req.alerts.page_quick.short));
                format!("sum_over_time({metric}[{{{{.window}}}}])\n/ ignoring ({{{{.windowKey}}}})\ncount_over_time({metric}[{{{{.window}}}}])\n")
            } else {
                format!("(\n{{{{.numeratorCorrectionMetric}}}}{{{{.window}}}}{{{{.filter}}}}\n* on()\n{error_query}\n)\n/\n({total_query})\n")
            };
            let data = BTreeMap::from([
                ("numeratorCorrectionMetric", NUMERATOR.to_string()),
                ("window", w.to_string()),
                ("filter", filter.clone()),
                ("windowKey", "sloth_window".to_string()),
            ]);
            let expr = template::render(&text, &data, MissingKey::Error).map_err(|e| {
                format!("could not create {:?} SLO rule for window {w}: could not render SLI expression template: {e}", slo.id)
            })?;
            sli_rules.push(Rule {
                record: sli::record_name(w),
                expr,
                labels: sli::labels(slo, w),
                ..Rule::default()
            });
        }
        rules.sli.rules = sli_rules;

        let mut labels = id_labels(slo);
        labels.extend(slo.labels.clone());
        for w in alert_windows {
            let render = |window: Duration| {
                let data = BTreeMap::from([("window", window.to_string())]);
                template::render(total_query, &data, MissingKey::Error).map_err(|e| {
                    format!("could not create numerator rule: could not create {NUMERATOR}{w}: {e}")
                })
            };
            rules.metadata.rules.push(Rule {
                record: format!("{NUMERATOR}{w}"),
                expr: format!("({})/({})", render(w)?, render(slo.period)?),
                labels: labels.clone(),
                ..Rule::default()
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::super::test_util::{baseline, plan_with, SPEC};

    const ID: &str = "sloth.dev/contrib/denominator_corrected_rules/v1";

    #[test]
    fn replaces_sli_rules_and_appends_numerator_corrections() {
        let plan = plan_with(SPEC, &[(ID, serde_json::Value::Null)]).unwrap();
        let (got, base) = (&plan.slos[0].1, &baseline().slos[0].1);
        let sel = r#"{sloth_id="myservice-requests-availability", sloth_service="myservice", sloth_slo="requests-availability"}"#;
        assert_eq!(got.sli.rules.len(), base.sli.rules.len());
        assert_eq!(
            got.sli.rules[0].expr,
            format!("(\nslo:numerator_correction:ratio5m{sel}\n* on()\nsum(rate(http_request_duration_seconds_count{{job=\"myservice\",code=~\"(5..|429)\"}}[5m]))\n)\n/\n(sum(rate(http_request_duration_seconds_count{{job=\"myservice\"}}[5m])))\n")
        );
        // The optimized period rule is the core one.
        assert_eq!(got.sli.rules[7], base.sli.rules[7]);
        for (g, b) in got.sli.rules.iter().zip(&base.sli.rules) {
            assert_eq!((&g.record, &g.labels), (&b.record, &b.labels));
        }
        assert_eq!(got.metadata.rules[..7], base.metadata.rules[..]);
        let extra: Vec<&str> = got.metadata.rules[7..]
            .iter()
            .map(|r| r.record.as_str())
            .collect();
        assert_eq!(
            extra,
            [
                "slo:numerator_correction:ratio5m",
                "slo:numerator_correction:ratio30m",
                "slo:numerator_correction:ratio1h",
                "slo:numerator_correction:ratio2h",
                "slo:numerator_correction:ratio6h",
                "slo:numerator_correction:ratio1d",
                "slo:numerator_correction:ratio3d",
            ]
        );
        assert_eq!(
            got.metadata.rules[7].expr,
            r#"(sum(rate(http_request_duration_seconds_count{job="myservice"}[5m])))/(sum(rate(http_request_duration_seconds_count{job="myservice"}[30d])))"#
        );
        assert_eq!(got.metadata.rules[7].labels, base.metadata.rules[0].labels);
        assert_eq!(got.alerts, base.alerts);
    }

    #[test]
    fn disable_optimized_period_rule() {
        let plan = plan_with(SPEC, &[(ID, json!({"disableOptimized": true}))]).unwrap();
        assert_eq!(
            plan.slos[0].1.sli.rules[7].expr,
            "(sum(rate(http_request_duration_seconds_count{job=\"myservice\",code=~\"(5..|429)\"}[30d])))\n/\n(sum(rate(http_request_duration_seconds_count{job=\"myservice\"}[30d])))\n"
        );
    }

    #[test]
    fn requires_an_events_sli() {
        let raw = SPEC.replace(
            "      events:\n        error_query: sum(rate(http_request_duration_seconds_count{job=\"myservice\",code=~\"(5..|429)\"}[{{.window}}]))\n        total_query:",
            "      raw:\n        error_ratio_query:",
        );
        let err = plan_with(&raw, &[(ID, serde_json::Value::Null)]).unwrap_err();
        assert!(
            err.contains("denominator corrected SLI requires SLI event type"),
            "{err}"
        );
    }
}
