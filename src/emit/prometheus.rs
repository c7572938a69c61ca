//! The standard Prometheus rules file (`groups:`), for `prometheus/v1` and OpenSLO input.
//!
//! compat(sloth): keys keep the order of Prometheus' `rulefmt` structs (`name, interval,
//! rules`; `record, alert, expr, for, labels, annotations`) while label and annotation maps are
//! sorted the yaml.v2 way (sloth-generation.md §7.1).
//!
//! The file is written straight into one string with [`yaml::Writer`]: these are the largest
//! documents slogen writes, and building a [`yaml::Value`] tree first cost as much as writing.

use super::yaml::{self, Value};
use super::{header, EmitError};
use crate::model::Labels;
use crate::plan::{Plan, Rule, RuleGroup};

/// The header and the rules file for one document.
pub fn document(plan: &Plan) -> Result<String, EmitError> {
    write(plan, header(&plan.info.version))
}

/// The rules file without its header: the `groups:` mapping at column 0, which
/// [`super::prometheus_rule`] nests under `spec:`.
pub fn body(plan: &Plan) -> Result<String, EmitError> {
    write(plan, String::new())
}

fn write(plan: &Plan, prefix: String) -> Result<String, EmitError> {
    let mut groups = plan.slos.iter().flat_map(|(_, rules)| rules.groups());
    let Some(first) = groups.next() else {
        return Err(EmitError::NoRules);
    };
    let mut w = yaml::Writer::new(prefix);
    w.map();
    w.key("groups");
    w.seq_of(std::iter::once(first).chain(groups), group);
    w.end();
    Ok(w.finish())
}

/// One group; `plan::Rules::groups` gives only groups with rules.
fn group(w: &mut yaml::Writer, g: &RuleGroup) {
    w.map();
    w.entry("name", &g.name);
    if !g.interval.is_zero() {
        w.entry("interval", &g.interval.to_string());
    }
    w.key("rules");
    w.seq_of(&g.rules, rule);
    w.end();
}

pub(super) fn rule(w: &mut yaml::Writer, r: &Rule) {
    w.map();
    if !r.record.is_empty() {
        w.entry("record", &r.record);
    }
    if !r.alert.is_empty() {
        w.entry("alert", &r.alert);
    }
    w.entry("expr", &r.expr);
    if !r.for_.is_zero() {
        w.entry("for", &r.for_.to_string());
    }
    for (key, labels) in [("labels", &r.labels), ("annotations", &r.annotations)] {
        if !labels.is_empty() {
            w.key(key);
            w.map();
            for (k, v) in natural_order(labels) {
                w.entry(k, v);
            }
            w.end();
        }
    }
    w.end();
}

/// A label map's entries in yaml.v2's natural key order.
fn natural_order(labels: &Labels) -> Vec<(&String, &String)> {
    let mut entries: Vec<_> = labels.iter().collect();
    entries.sort_by(|a, b| yaml::natural_cmp(a.0, b.0));
    entries
}

/// A label map in yaml.v2's natural key order.
pub fn sorted_map(labels: &Labels) -> Value {
    let mut v = Value::Map(
        labels
            .iter()
            .map(|(k, v)| (k.clone(), Value::Str(v.clone())))
            .collect(),
    );
    yaml::sort_natural(&mut v, false);
    v
}
