//! Prometheus Operator `PrometheusRule` objects, for Kubernetes input.
//!
//! compat(sloth): Sloth writes these through a JSON round trip, so every map, struct-like or
//! not, comes out in yaml.v2's natural key order, and `for` is dropped from rules
//! (sloth-generation.md §8).

use super::header;
use super::yaml::{self, Value};
use crate::plan::{Plan, Rule, RuleGroup};

/// The header and the `PrometheusRule` for one Kubernetes document.
pub fn document(plan: &Plan) -> String {
    let kube = plan.kube.clone().unwrap_or_default();
    let mut labels: Vec<(String, String)> = kube.labels.clone().unwrap_or_default();
    for (k, v) in [
        ("app.kubernetes.io/component", "SLO"),
        ("app.kubernetes.io/managed-by", "sloth"),
    ] {
        labels.retain(|(lk, _)| lk != k);
        labels.push((k.to_string(), v.to_string()));
    }
    let mut metadata = Vec::new();
    if let Some(ann) = &kube.annotations {
        metadata.push(("annotations".to_string(), str_map(ann)));
    }
    metadata.push(("labels".to_string(), str_map(&labels)));
    if !kube.name.is_empty() {
        metadata.push(("name".into(), Value::Str(kube.name.clone())));
    }
    if !kube.namespace.is_empty() {
        metadata.push(("namespace".into(), Value::Str(kube.namespace.clone())));
    }
    let groups: Vec<Value> = plan
        .slos
        .iter()
        .flat_map(|(_, rules)| rules.groups())
        .map(group)
        .collect();
    let mut doc = Value::Map(vec![
        (
            "apiVersion".into(),
            Value::Str("monitoring.coreos.com/v1".into()),
        ),
        ("kind".into(), Value::Str("PrometheusRule".into())),
        ("metadata".into(), Value::Map(metadata)),
        (
            "spec".into(),
            Value::Map(vec![("groups".into(), Value::Seq(groups))]),
        ),
    ]);
    yaml::sort_natural(&mut doc, true);
    header(&plan.info.version) + &yaml::to_string(&doc)
}

fn str_map(pairs: &[(String, String)]) -> Value {
    Value::Map(
        pairs
            .iter()
            .map(|(k, v)| (k.clone(), Value::Str(v.clone())))
            .collect(),
    )
}

fn group(g: &RuleGroup) -> Value {
    let mut m = vec![
        ("name".to_string(), Value::Str(g.name.clone())),
        (
            "rules".to_string(),
            Value::Seq(g.rules.iter().map(rule).collect()),
        ),
    ];
    if !g.interval.is_zero() {
        m.push(("interval".into(), Value::Str(g.interval.to_string())));
    }
    Value::Map(m)
}

fn rule(r: &Rule) -> Value {
    let mut m = vec![("expr".to_string(), Value::Str(r.expr.clone()))];
    if !r.record.is_empty() {
        m.push(("record".into(), Value::Str(r.record.clone())));
    }
    if !r.alert.is_empty() {
        m.push(("alert".into(), Value::Str(r.alert.clone())));
    }
    let pairs = |l: &crate::model::Labels| -> Vec<(String, String)> {
        l.iter().map(|(k, v)| (k.clone(), v.clone())).collect()
    };
    if !r.labels.is_empty() {
        m.push(("labels".into(), str_map(&pairs(&r.labels))));
    }
    if !r.annotations.is_empty() {
        m.push(("annotations".into(), str_map(&pairs(&r.annotations))));
    }
    Value::Map(m)
}
