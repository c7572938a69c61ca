//! The keys each of Sloth's formats knows, per nesting level: one table for every consumer.
//!
//! compat(sloth): Sloth decodes without rejecting unknown fields, so a misspelled key
//! (`ticker_alert`, `disabled`) is silently dropped (sloth-generation.md §3.1, §3.2). `lint`
//! walks a document against these tables to find such keys. `prometheus/v1` matches keys
//! case-insensitively (`Service:` is `service`), Kubernetes exactly.

use super::SpecKind;

/// The shape expected at one place of a document.
#[derive(Debug)]
pub enum Shape {
    /// A map with these keys, each with the shape of its value.
    Map(&'static [(&'static str, &'static Shape)]),
    /// A list whose items all have one shape.
    Seq(&'static Shape),
    /// Anything: user-chosen keys (labels, annotations, plugin config) or a scalar.
    Any,
}

use Shape::{Any, Map, Seq};

static PLUGIN: Shape = Map(&[("id", &Any), ("priority", &Any), ("config", &Any)]);
static CHAIN: Shape = Map(&[("overridePrevious", &Any), ("chain", &Seq(&PLUGIN))]);

static PROM_ALERT: Shape = Map(&[("disable", &Any), ("labels", &Any), ("annotations", &Any)]);
static PROM_ALERTING: Shape = Map(&[
    ("name", &Any),
    ("labels", &Any),
    ("annotations", &Any),
    ("page_alert", &PROM_ALERT),
    ("ticket_alert", &PROM_ALERT),
]);
static PROM_SLI: Shape = Map(&[
    ("raw", &Map(&[("error_ratio_query", &Any)])),
    (
        "events",
        &Map(&[("error_query", &Any), ("total_query", &Any)]),
    ),
    ("plugin", &Map(&[("id", &Any), ("options", &Any)])),
]);
static PROM_SLO: Shape = Map(&[
    ("name", &Any),
    ("description", &Any),
    ("objective", &Any),
    ("labels", &Any),
    ("plugins", &CHAIN),
    ("sli", &PROM_SLI),
    ("alerting", &PROM_ALERTING),
]);
/// `version: "prometheus/v1"` documents.
pub static PROMETHEUS_V1: Shape = Map(&[
    ("version", &Any),
    ("service", &Any),
    ("labels", &Any),
    ("slo_plugins", &CHAIN),
    ("slos", &Seq(&PROM_SLO)),
]);

static K8S_ALERTING: Shape = Map(&[
    ("name", &Any),
    ("labels", &Any),
    ("annotations", &Any),
    ("pageAlert", &PROM_ALERT),
    ("ticketAlert", &PROM_ALERT),
]);
static K8S_SLI: Shape = Map(&[
    ("raw", &Map(&[("errorRatioQuery", &Any)])),
    (
        "events",
        &Map(&[("errorQuery", &Any), ("totalQuery", &Any)]),
    ),
    ("plugin", &Map(&[("id", &Any), ("options", &Any)])),
]);
static K8S_SLO: Shape = Map(&[
    ("name", &Any),
    ("description", &Any),
    ("objective", &Any),
    ("labels", &Any),
    ("plugins", &CHAIN),
    ("sli", &K8S_SLI),
    ("alerting", &K8S_ALERTING),
]);
static K8S_SPEC: Shape = Map(&[
    ("service", &Any),
    ("labels", &Any),
    ("sloPlugins", &CHAIN),
    ("slos", &Seq(&K8S_SLO)),
]);
/// Kubernetes `PrometheusServiceLevel` objects.
pub static KUBERNETES: Shape = Map(&[
    ("apiVersion", &Any),
    ("kind", &Any),
    ("metadata", &Any),
    ("spec", &K8S_SPEC),
    ("status", &Any),
]);

/// The shape of a whole document of `kind`; `None` for formats without a table here.
pub fn document(kind: SpecKind) -> Option<&'static Shape> {
    match kind {
        SpecKind::PrometheusV1 => Some(&PROMETHEUS_V1),
        SpecKind::Kubernetes => Some(&KUBERNETES),
        SpecKind::OpenSloV1Alpha | SpecKind::OpenSloV1 => None,
    }
}

/// True when the value of `key` can change the generated rules. Only an SLO's `description`
/// and a Kubernetes object's `status` never reach them; a misspelling of any other key changes
/// the output (lint makes it an error).
pub fn shapes_output(key: &str) -> bool {
    !matches!(key, "description" | "status")
}

/// True when `kind` matches keys ignoring letter case.
pub fn case_insensitive(kind: SpecKind) -> bool {
    kind == SpecKind::PrometheusV1
}

impl Shape {
    /// The shape of `key`'s value in this map, matching as `kind` does; `None` when the key
    /// is unknown here (or this is not a map).
    pub fn child(&self, key: &str, kind: SpecKind) -> Option<&'static Shape> {
        let Map(entries) = self else {
            return None;
        };
        let ci = case_insensitive(kind);
        entries
            .iter()
            .find(|(k, _)| *k == key || (ci && k.eq_ignore_ascii_case(key)))
            .map(|(_, s)| *s)
    }

    /// The keys of this map.
    pub fn keys(&self) -> Vec<&'static str> {
        match self {
            Map(entries) => entries.iter().map(|(k, _)| *k).collect(),
            _ => Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prometheus_keys_ignore_case_but_not_underscores() {
        let slo = PROMETHEUS_V1.child("slos", SpecKind::PrometheusV1).unwrap();
        let Seq(item) = slo else {
            panic!("slos is a list")
        };
        let alerting = item.child("Alerting", SpecKind::PrometheusV1).unwrap();
        assert!(alerting
            .child("PAGE_ALERT", SpecKind::PrometheusV1)
            .is_some());
        assert!(alerting
            .child("pageAlert", SpecKind::PrometheusV1)
            .is_none());
    }

    #[test]
    fn kubernetes_keys_are_exact() {
        let spec = KUBERNETES.child("spec", SpecKind::Kubernetes).unwrap();
        assert!(spec.child("sloPlugins", SpecKind::Kubernetes).is_some());
        assert!(spec.child("sloplugins", SpecKind::Kubernetes).is_none());
    }
}
