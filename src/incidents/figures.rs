//! The facts an incident shows: live figures from Prometheus (through [`crate::live`], the one
//! read model) and what `slogen explain` says about the alert's windows (through
//! [`crate::prove::explain`]), for the SLO the alert group names.

use std::collections::BTreeMap;

use super::render::strip_userinfo;
use super::sink::{Condition, Explained, Live};
use crate::live::{fetch_statuses, Selector};
use crate::model::Slo;
use crate::prom::Client;
use crate::prove::explain::explain_slo;

/// Where live figures come from.
pub trait Figures: Send + Sync {
    /// The SLO's objective, burn rate and budget left now.
    fn figures(&self, slo_id: &str, service: &str) -> Live;
}

/// Live figures read from Prometheus with [`fetch_statuses`], as `budget` shows them.
pub struct PromFigures {
    pub client: Client,
}

impl Figures for PromFigures {
    fn figures(&self, slo_id: &str, service: &str) -> Live {
        let sel = Selector {
            service: (!service.is_empty()).then(|| service.to_string()),
            slo: Some(slo_id.to_string()),
        };
        match fetch_statuses(&self.client, &sel, None) {
            Ok(statuses) => match statuses.into_iter().find(|s| s.id == slo_id) {
                Some(s) => Live::Figures {
                    objective: s.objective,
                    period_days: s.period_days,
                    burn_rate: s.burn_rate,
                    budget_remaining: s.budget_remaining,
                },
                None => Live::Unavailable(format!("no series for SLO {slo_id}")),
            },
            // The client's messages name the server; never with credentials in it.
            Err(e) => Live::Unavailable(without_userinfo(&e.to_string())),
        }
    }
}

fn without_userinfo(msg: &str) -> String {
    msg.split(' ')
        .map(|w| {
            if w.contains("://") {
                strip_userinfo(w)
            } else {
                w.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The specs' SLOs by `sloth_id`, for explanations.
pub type Specs = BTreeMap<String, Slo>;

/// What `explain` says about `severity`'s window pairs of the SLO; `fired_windows` are the
/// `sloth_window` values the firing alerts carry (empty when they carry none).
pub fn explain(
    specs: Option<&Specs>,
    slo_id: &str,
    severity: &str,
    fired_windows: &[String],
) -> Explained {
    let Some(specs) = specs else {
        return Explained::NoSpecs;
    };
    let Some(slo) = specs.get(slo_id) else {
        return Explained::UnknownSlo;
    };
    let e = explain_slo(slo);
    let conditions = e
        .conditions
        .iter()
        .filter(|c| c.severity == severity && c.enabled)
        .map(|c| Condition {
            speed: c.speed.to_string(),
            short_window: c.short_window.clone(),
            long_window: c.long_window.clone(),
            burn_rate_factor: c.burn_rate_factor,
            error_ratio_threshold: c.error_ratio_threshold,
            budget_consumed_percent: c.budget_consumed_percent,
            detection_seconds_at_outage: c.detection_seconds_at_outage,
            fired: fired_windows.contains(&c.long_window),
        })
        .collect();
    Explained::Conditions {
        objective_percent: e.objective_percent,
        period: e.period,
        conditions,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::prove::tests_support::slo;

    #[test]
    fn explains_the_firing_severitys_window_pairs() {
        let specs: Specs = [("svc-slo".to_string(), slo(99.9))].into();
        let Explained::Conditions { conditions, .. } =
            explain(Some(&specs), "svc-slo", "page", &["6h".to_string()])
        else {
            panic!()
        };
        assert_eq!(conditions.len(), 2);
        assert_eq!(
            (
                conditions[0].short_window.as_str(),
                conditions[0].long_window.as_str()
            ),
            ("5m", "1h")
        );
        // 2% of 30d over 1h: factor 14.4; threshold 1.44%.
        assert!((conditions[0].burn_rate_factor - 14.4).abs() < 1e-9);
        assert!((conditions[0].error_ratio_threshold - 0.0144).abs() < 1e-12);
        assert!(!conditions[0].fired && conditions[1].fired);
        assert_eq!(explain(None, "svc-slo", "page", &[]), Explained::NoSpecs);
        assert_eq!(
            explain(Some(&specs), "other", "page", &[]),
            Explained::UnknownSlo
        );
    }

    #[test]
    fn prometheus_messages_lose_credentials() {
        assert_eq!(
            without_userinfo("cannot reach Prometheus at https://u:p@prom:9090/x: refused"),
            "cannot reach Prometheus at https://prom:9090/x: refused"
        );
    }
}
