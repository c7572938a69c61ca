//! Grouped SLOs: an SLI whose queries aggregate `by (labels)` records one series per group
//! (`route="/pay"`, `route="/cart"`), all under the same `sloth_id`. Their budgets and burn
//! rates differ, so each group is a fact of its own.
//!
//! A series' group is told apart by its labels: every label except the metric name, Sloth's
//! own (`sloth_*`) and those the SLO's `slo:objective:ratio` series carries (the spec's labels,
//! which every series of the SLO shares). An SLO whose series carry no other label is not
//! grouped.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::{worst_budget, worst_burn, FiringAlert};
use crate::prom::{Labels, Sample};

/// The budget state of one group of a grouped SLO at one instant.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupStatus {
    /// `sloth_id` of the SLO.
    pub id: String,
    /// The labels that tell this group apart, e.g. `{route="/pay"}`.
    pub labels: Labels,
    /// Error budget left in the period, as a ratio; `NaN` without traffic, `None` when not
    /// recorded.
    pub budget_remaining: Option<f64>,
    /// The current (5m) burn rate.
    pub burn_rate: Option<f64>,
    /// This group's firing alerts, sorted.
    pub alerts: Vec<FiringAlert>,
}

impl GroupStatus {
    /// The remaining budget when it is a number.
    pub fn known_budget(&self) -> Option<f64> {
        self.budget_remaining.filter(|v| !v.is_nan())
    }
}

/// The labels of `series` that tell its group apart, given the labels of the SLO's
/// `slo:objective:ratio` series.
pub fn group_labels(series: &Labels, slo_labels: &Labels) -> Labels {
    series
        .iter()
        .filter(|(k, _)| {
            k.as_str() != "__name__" && !k.starts_with("sloth_") && !slo_labels.contains_key(*k)
        })
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

/// The labels of each SLO's objective series, by `sloth_id` (the first series wins).
pub fn slo_labels(objectives: &[Sample]) -> BTreeMap<String, Labels> {
    let mut out: BTreeMap<String, Labels> = BTreeMap::new();
    for o in objectives {
        let Some(id) = o.labels.get("sloth_id") else {
            continue;
        };
        out.entry(id.clone()).or_insert_with(|| {
            let mut l = o.labels.clone();
            l.remove("__name__");
            l
        });
    }
    out
}

/// `sloth_id` and group of a sample, when it belongs to a known SLO.
fn key_of(s: &Labels, slos: &BTreeMap<String, Labels>) -> Option<(String, Labels)> {
    let id = s.get("sloth_id")?;
    let base = slos.get(id)?;
    Some((id.clone(), group_labels(s, base)))
}

/// The groups of every grouped SLO, from the samples of the budget, burn-rate and `ALERTS`
/// queries; most at risk first within each SLO. SLOs that are not grouped have none.
pub(crate) fn build(
    slos: &BTreeMap<String, Labels>,
    remaining: &[Sample],
    burn: &[Sample],
    alerts: &[Sample],
) -> Vec<GroupStatus> {
    let mut groups: BTreeMap<(String, Labels), GroupStatus> = BTreeMap::new();
    fn entry(
        groups: &mut BTreeMap<(String, Labels), GroupStatus>,
        id: String,
        labels: Labels,
    ) -> &mut GroupStatus {
        groups
            .entry((id.clone(), labels.clone()))
            .or_insert_with(|| GroupStatus {
                id,
                labels,
                budget_remaining: None,
                burn_rate: None,
                alerts: Vec::new(),
            })
    }
    for s in remaining {
        if let Some((id, g)) = key_of(&s.labels, slos).filter(|(_, g)| !g.is_empty()) {
            let e = entry(&mut groups, id, g);
            e.budget_remaining = Some(worst_budget(e.budget_remaining, s.value));
        }
    }
    for s in burn {
        if let Some((id, g)) = key_of(&s.labels, slos).filter(|(_, g)| !g.is_empty()) {
            let e = entry(&mut groups, id, g);
            e.burn_rate = Some(worst_burn(e.burn_rate, s.value));
        }
    }
    // An alert's own labels (alertname, severity, …) are not part of its group: keep only the
    // keys the SLO's groups have.
    let mut keys: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (id, labels) in groups.keys() {
        keys.entry(id.clone())
            .or_default()
            .extend(labels.keys().cloned());
    }
    for a in alerts {
        let Some(id) = a.labels.get("sloth_id") else {
            continue;
        };
        let Some(group_keys) = keys.get(id) else {
            continue;
        };
        let labels: Labels = a
            .labels
            .iter()
            .filter(|(k, _)| group_keys.contains(*k))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        if let Some(g) = groups.get_mut(&(id.clone(), labels)) {
            g.alerts.push(FiringAlert {
                name: a.labels.get("alertname").cloned().unwrap_or_default(),
                severity: a.labels.get("sloth_severity").cloned().unwrap_or_default(),
            });
        }
    }
    let mut out: Vec<GroupStatus> = groups.into_values().collect();
    for g in &mut out {
        g.alerts.sort();
        g.alerts.dedup();
    }
    out.sort_by(|a, b| {
        a.id.cmp(&b.id).then_with(|| {
            super::risk_cmp(
                (a.known_budget(), a.burn_rate),
                (b.known_budget(), b.burn_rate),
            )
            .then_with(|| a.labels.cmp(&b.labels))
        })
    });
    out
}

/// A group's labels as PromQL-style text: `route="/pay", zone="a"`.
pub fn describe(labels: &Labels) -> String {
    labels
        .iter()
        .map(|(k, v)| format!("{k}={v:?}"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(pairs: &[(&str, &str)], value: f64) -> Sample {
        Sample {
            labels: pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            timestamp: 0.0,
            value,
        }
    }

    #[test]
    fn groups_are_the_labels_beyond_the_slos_own() {
        let objectives = [sample(
            &[
                ("__name__", "slo:objective:ratio"),
                ("sloth_id", "c-a"),
                ("owner", "web"),
            ],
            0.999,
        )];
        let slos = slo_labels(&objectives);
        let rem = |route: &str, v| {
            sample(
                &[
                    ("sloth_id", "c-a"),
                    ("owner", "web"),
                    ("route", route),
                    ("sloth_window", "30d"),
                ],
                v,
            )
        };
        let remaining = [rem("/pay", 0.6), rem("/cart", 0.1)];
        let burn = [rem("/pay", 0.4), rem("/cart", 0.9)];
        let alerts = [sample(
            &[
                ("sloth_id", "c-a"),
                ("route", "/cart"),
                ("alertname", "X"),
                ("sloth_severity", "ticket"),
                ("severity", "warning"),
            ],
            1.0,
        )];
        let g = build(&slos, &remaining, &burn, &alerts);
        assert_eq!(g.len(), 2);
        assert_eq!(describe(&g[0].labels), "route=\"/cart\"");
        assert_eq!(g[0].budget_remaining, Some(0.1));
        assert_eq!(g[0].burn_rate, Some(0.9));
        assert_eq!(
            g[0].alerts,
            [FiringAlert {
                name: "X".into(),
                severity: "ticket".into()
            }]
        );
        assert_eq!(g[1].budget_remaining, Some(0.6));
        assert!(g[1].alerts.is_empty());
    }

    #[test]
    fn ungrouped_slos_have_no_groups() {
        let objectives = [sample(&[("sloth_id", "a"), ("owner", "web")], 0.99)];
        let slos = slo_labels(&objectives);
        let remaining = [sample(
            &[("sloth_id", "a"), ("owner", "web"), ("sloth_slo", "x")],
            0.5,
        )];
        assert!(build(&slos, &remaining, &[], &[]).is_empty());
    }
}
