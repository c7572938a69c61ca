//! What the generated alerts carry: the labels routing and inhibition match on, read from
//! the plans rather than assumed.
//!
//! An SLO alert's labels are those of the SLI recording rules it reads (the three ID labels
//! and the SLO's labels; `sloth_window` is aggregated away by `max … without (sloth_window)`),
//! overlaid with the alert rule's own labels (`sloth_severity`, the user's page/ticket labels,
//! and whatever a plugin adds). The opt-in `slogen/burn_window_label/v1` plugin splits each
//! alert into one rule per window pair labelled `sloth_window: <long window>`; such a label is
//! read back here from the rule, and matched against the SLO's own alert windows to know
//! which pair (quick or slow) it names.

use crate::duration::Duration;
use crate::model::{Labels, Slo, SloGroup};
use crate::plan::mwmb::MwmbAlerts;
use crate::plan::{id_labels, Plan};

/// The label Sloth gives each alert's severity.
pub const SEVERITY: &str = "sloth_severity";
/// The label of an alert's window pair (`slogen/burn_window_label/v1`).
pub const WINDOW: &str = "sloth_window";

/// Which of an SLO's two alerts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Page,
    Ticket,
}

impl Severity {
    /// Sloth's `sloth_severity` value.
    pub fn label(self) -> &'static str {
        match self {
            Severity::Page => "page",
            Severity::Ticket => "ticket",
        }
    }

    /// The severity a `sloth_severity` value names.
    pub fn from_label(v: &str) -> Option<Severity> {
        match v {
            "page" => Some(Severity::Page),
            "ticket" => Some(Severity::Ticket),
            _ => None,
        }
    }
}

/// Which window pair of a severity: the quick one has the higher burn factor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Speed {
    Quick,
    Slow,
}

/// An alert's `sloth_window` label and the window pair it names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WindowLabel {
    /// The label's value, as the rule carries it (`1h`).
    pub value: String,
    /// `None` when the value is not one of the SLO's long windows for this severity.
    pub speed: Option<Speed>,
}

/// One alerting rule of an SLO, with every label its alerts will carry that the rules fix.
#[derive(Debug, Clone, PartialEq)]
pub struct AlertFacts {
    pub alertname: String,
    pub severity: Severity,
    pub labels: Labels,
    pub window: Option<WindowLabel>,
}

/// An SLO and its alerting rules.
#[derive(Debug, Clone, PartialEq)]
pub struct SloFacts {
    pub id: String,
    pub service: String,
    pub name: String,
    pub alerts: Vec<AlertFacts>,
    /// The long windows of (quick, slow) page and ticket alerts, as the SLO's windows give them.
    pub page_windows: (Duration, Duration),
    pub ticket_windows: (Duration, Duration),
}

impl SloFacts {
    /// True when some alert of the SLO carries a `sloth_window` label.
    pub fn labels_windows(&self) -> bool {
        self.alerts.iter().any(|a| a.window.is_some())
    }
}

/// An alert whose labels cannot be routed as a page or a ticket.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("SLO {slo:?}: alert {alert:?} has {SEVERITY}={value:?}; slogen routes SLO alerts by {SEVERITY} \"page\" or \"ticket\", so an alert label must not replace it")]
pub struct FactsError {
    pub slo: String,
    pub alert: String,
    pub value: String,
}

/// The alert facts of every SLO of the planned documents, in spec order.
///
/// `planned` pairs each document's model with its plan (`prove::plan_file`); plan entries
/// follow the SLOs' order. Rules without a `sloth_severity` label (recording rules, or an
/// alert a plugin adds for another purpose) are not SLO burn alerts and are left out.
pub fn collect(planned: &[(SloGroup, Plan)]) -> Result<Vec<SloFacts>, FactsError> {
    let mut out = Vec::new();
    for (group, plan) in planned {
        for (slo, (_, rules)) in group.slos.iter().zip(&plan.slos) {
            let mut facts = slo_facts(slo);
            for rule in rules.groups().flat_map(|g| &g.rules) {
                if rule.alert.is_empty() {
                    continue;
                }
                let Some(value) = rule.labels.get(SEVERITY) else {
                    continue;
                };
                let Some(severity) = Severity::from_label(value) else {
                    return Err(FactsError {
                        slo: slo.id.clone(),
                        alert: rule.alert.clone(),
                        value: value.clone(),
                    });
                };
                let mut labels = id_labels(slo);
                labels.extend(slo.labels.clone());
                labels.remove(WINDOW);
                labels.extend(rule.labels.clone());
                let window = labels.get(WINDOW).map(|v| WindowLabel {
                    value: v.clone(),
                    speed: facts.speed_of(severity, v),
                });
                facts.alerts.push(AlertFacts {
                    alertname: rule.alert.clone(),
                    severity,
                    labels,
                    window,
                });
            }
            out.push(facts);
        }
    }
    Ok(out)
}

fn slo_facts(slo: &Slo) -> SloFacts {
    let w = MwmbAlerts::new(slo);
    SloFacts {
        id: slo.id.clone(),
        service: slo.service.clone(),
        name: slo.name.clone(),
        alerts: Vec::new(),
        page_windows: (w.page_quick.long, w.page_slow.long),
        ticket_windows: (w.ticket_quick.long, w.ticket_slow.long),
    }
}

impl SloFacts {
    /// Which window pair of `severity` a `sloth_window` value names, if any.
    pub fn speed_of(&self, severity: Severity, value: &str) -> Option<Speed> {
        let d = Duration::parse(value).ok()?;
        let (quick, slow) = match severity {
            Severity::Page => self.page_windows,
            Severity::Ticket => self.ticket_windows,
        };
        if quick == slow {
            return None;
        }
        if d == quick {
            Some(Speed::Quick)
        } else if d == slow {
            Some(Speed::Slow)
        } else {
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::Generator;
    use crate::prove::plan_file;

    const SPEC: &str = r#"
version: "prometheus/v1"
service: "svc"
labels:
  owner: team-a
slos:
  - name: "avail"
    objective: 99.9
    sli:
      events:
        error_query: sum(rate(req_total{code=~"5.."}[{{.window}}]))
        total_query: sum(rate(req_total[{{.window}}]))
    alerting:
      name: SvcHighErrorRate
      labels:
        category: availability
      page_alert:
        labels:
          severity: critical
      ticket_alert:
        labels:
          severity: warning
  - name: "quiet"
    objective: 99
    sli:
      raw:
        error_ratio_query: sum(rate(x[{{.window}}]))
    alerting:
      page_alert:
        disable: true
      ticket_alert:
        disable: true
"#;

    #[test]
    fn reads_each_alerts_labels_from_the_plan() {
        let planned = plan_file(&Generator::default(), SPEC).unwrap();
        let facts = collect(&planned).unwrap();
        assert_eq!(facts.len(), 2);
        let avail = &facts[0];
        assert_eq!(avail.id, "svc-avail");
        let sev: Vec<Severity> = avail.alerts.iter().map(|a| a.severity).collect();
        assert_eq!(sev, [Severity::Page, Severity::Ticket]);
        let page = &avail.alerts[0].labels;
        assert_eq!(page["sloth_id"], "svc-avail");
        assert_eq!(page["sloth_service"], "svc");
        assert_eq!(page["sloth_slo"], "avail");
        assert_eq!(page["sloth_severity"], "page");
        assert_eq!(page["severity"], "critical");
        assert_eq!(page["category"], "availability");
        assert_eq!(page["owner"], "team-a");
        assert!(!page.contains_key("sloth_window"));
        assert_eq!(avail.alerts[1].labels["severity"], "warning");
        assert!(facts[1].alerts.is_empty(), "both alerts disabled");
    }

    #[test]
    fn a_replaced_severity_is_an_error_naming_the_slo() {
        let spec = SPEC.replace("severity: critical", "sloth_severity: critical");
        let planned = plan_file(&Generator::default(), &spec).unwrap();
        let err = collect(&planned).unwrap_err();
        assert_eq!(err.slo, "svc-avail");
        assert_eq!(err.value, "critical");
        assert!(err.to_string().contains("sloth_severity"), "{err}");
    }

    #[test]
    fn window_values_are_matched_to_the_slos_windows() {
        let planned = plan_file(&Generator::default(), SPEC).unwrap();
        let facts = collect(&planned).unwrap();
        let f = &facts[0];
        // Sloth's 30d catalog: page 1h/6h, ticket 1d/3d.
        assert_eq!(f.speed_of(Severity::Page, "1h"), Some(Speed::Quick));
        assert_eq!(f.speed_of(Severity::Page, "6h"), Some(Speed::Slow));
        assert_eq!(f.speed_of(Severity::Ticket, "1d"), Some(Speed::Quick));
        assert_eq!(f.speed_of(Severity::Ticket, "3d"), Some(Speed::Slow));
        assert_eq!(f.speed_of(Severity::Ticket, "1h"), None);
        assert_eq!(f.speed_of(Severity::Page, "soon"), None);
    }
}
