//! The standard Prometheus rules file (`groups:`), for `prometheus/v1` and OpenSLO input.
//!
//! compat(sloth): keys keep the order of Prometheus' `rulefmt` structs (`name, interval,
//! rules`; `record, alert, expr, for, labels, annotations`) while label and annotation maps are
//! sorted the yaml.v2 way (sloth-generation.md §7.1).

use super::yaml::{self, Value};
use super::{header, EmitError};
use crate::model::Labels;
use crate::plan::{Plan, Rule, RuleGroup};

/// The header and the rules file for one document.
pub fn document(plan: &Plan) -> Result<String, EmitError> {
    let groups: Vec<Value> = plan
        .slos
        .iter()
        .flat_map(|(_, rules)| rules.groups())
        .map(group)
        .collect();
    if groups.is_empty() {
        return Err(EmitError::NoRules);
    }
    let doc = Value::Map(vec![("groups".into(), Value::Seq(groups))]);
    Ok(header(&plan.info.version) + &yaml::to_string(&doc))
}

fn group(g: &RuleGroup) -> Value {
    let mut m = vec![("name".to_string(), Value::Str(g.name.clone()))];
    if !g.interval.is_zero() {
        m.push(("interval".into(), Value::Str(g.interval.to_string())));
    }
    m.push((
        "rules".into(),
        Value::Seq(g.rules.iter().map(rule).collect()),
    ));
    Value::Map(m)
}

fn rule(r: &Rule) -> Value {
    let mut m = Vec::new();
    if !r.record.is_empty() {
        m.push(("record".to_string(), Value::Str(r.record.clone())));
    }
    if !r.alert.is_empty() {
        m.push(("alert".to_string(), Value::Str(r.alert.clone())));
    }
    m.push(("expr".into(), Value::Str(r.expr.clone())));
    if !r.for_.is_zero() {
        m.push(("for".into(), Value::Str(r.for_.to_string())));
    }
    if !r.labels.is_empty() {
        m.push(("labels".into(), sorted_map(&r.labels)));
    }
    if !r.annotations.is_empty() {
        m.push(("annotations".into(), sorted_map(&r.annotations)));
    }
    Value::Map(m)
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
