//! Prometheus Operator `PrometheusRule` objects, for Kubernetes input.
//!
//! compat(sloth): Sloth writes these through a JSON round trip, so every map, struct-like or
//! not, comes out in yaml.v2's natural key order, and `for` is dropped from rules
//! (sloth-generation.md §8). The struct-like maps' keys are written here already in that
//! order; label and annotation maps are sorted with [`yaml::natural_cmp`].
//!
//! Like the rules file, the object is written straight into one string with [`yaml::Writer`]:
//! building a [`yaml::Value`] tree first and sorting it cost more than writing it (a
//! `generate --check` of this repository's `slos/` spent a quarter of its instructions there).

use super::header;
use super::yaml;
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
    let mut w = yaml::Writer::new(header(&plan.info.version));
    w.map();
    w.entry("apiVersion", "monitoring.coreos.com/v1");
    w.entry("kind", "PrometheusRule");
    w.key("metadata");
    w.map();
    if let Some(ann) = &kube.annotations {
        w.key("annotations");
        str_map(&mut w, ann.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    }
    w.key("labels");
    str_map(&mut w, labels.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    if !kube.name.is_empty() {
        w.entry("name", &kube.name);
    }
    if !kube.namespace.is_empty() {
        w.entry("namespace", &kube.namespace);
    }
    w.end();
    w.key("spec");
    w.map();
    w.key("groups");
    w.seq_of(
        plan.slos.iter().flat_map(|(_, rules)| rules.groups()),
        group,
    );
    w.end();
    w.end();
    w.finish()
}

/// A map of strings, its keys in yaml.v2's natural order (`{}` when empty).
fn str_map<'a>(w: &mut yaml::Writer, pairs: impl Iterator<Item = (&'a str, &'a str)>) {
    let mut pairs: Vec<_> = pairs.collect();
    if pairs.is_empty() {
        w.empty_map();
        return;
    }
    // Stable, like the tree sort it replaces: equal keys keep their order.
    pairs.sort_by(|a, b| yaml::natural_cmp(a.0, b.0));
    w.map();
    for (k, v) in pairs {
        w.entry(k, v);
    }
    w.end();
}

/// One group, keys in natural order: `interval`, `name`, `rules`.
fn group(w: &mut yaml::Writer, g: &RuleGroup) {
    w.map();
    if !g.interval.is_zero() {
        w.entry("interval", &g.interval.to_string());
    }
    w.entry("name", &g.name);
    w.key("rules");
    w.seq_of(&g.rules, rule);
    w.end();
}

fn pairs(l: &crate::model::Labels) -> impl Iterator<Item = (&str, &str)> {
    l.iter().map(|(k, v)| (k.as_str(), v.as_str()))
}

/// One rule, keys in natural order: `alert`, `annotations`, `expr`, `labels`, `record`.
fn rule(w: &mut yaml::Writer, r: &Rule) {
    w.map();
    if !r.alert.is_empty() {
        w.entry("alert", &r.alert);
    }
    if !r.annotations.is_empty() {
        w.key("annotations");
        str_map(w, pairs(&r.annotations));
    }
    w.entry("expr", &r.expr);
    if !r.labels.is_empty() {
        w.key("labels");
        str_map(w, pairs(&r.labels));
    }
    if !r.record.is_empty() {
        w.entry("record", &r.record);
    }
    w.end();
}
