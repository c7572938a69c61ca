//! `--merge`: slogen's route, inhibit rules and receivers spliced into the user's
//! Alertmanager configuration, everything else kept.
//!
//! The file is read with slogen's YAML reader (YAML 1.1 typing, as Alertmanager's yaml.v2
//! reads it) and written back with the yaml.v2-compatible writer: keys keep their order and
//! values their types, but comments and anchors do not survive (aliases are expanded).
//!
//! What slogen owns, so that a second run replaces it instead of adding a copy:
//! - the root's child route whose `matchers` are one `sloth_id=~…` matcher and whose
//!   `group_by` is [`GROUP_BY`]; the new one goes first among the root's children;
//! - inhibit rules that match only `sloth_*` labels (in `source_matchers`/`target_matchers`)
//!   and hold `sloth_id` in `equal`; the new ones go first;
//! - with `--webhook-url`, the receivers it names (replaced where they are). Without it, a
//!   receiver of that name the user already has is theirs (a placeholder filled in) and is
//!   kept; only missing ones are added.

use super::config::{Fragment, GROUP_BY};
use crate::emit::yaml::{self as out, Value};
use crate::source::Pos;
use crate::yaml::{self, Node, NodeKind, Resolved};

/// Why the user's file cannot take slogen's configuration.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{pos}: {message}")]
pub struct MergeError {
    pub pos: Pos,
    pub message: String,
}

fn err(pos: Pos, message: impl Into<String>) -> MergeError {
    MergeError {
        pos,
        message: message.into(),
    }
}

/// The user's configuration text with `frag` spliced in.
pub fn merge(user: &str, frag: &Fragment) -> Result<String, MergeError> {
    let root = yaml::parse_one(user, Pos::new(1, 1))
        .map_err(|e| err(e.pos, format!("not valid YAML: {}", e.message)))?;
    let NodeKind::Map(_) = &root.kind else {
        return Err(err(
            root.pos,
            format!(
                "an Alertmanager configuration is a map with a `route` and `receivers`, this is {}; run without --merge for a complete configuration",
                root.type_name()
            ),
        ));
    };
    let pos_of = |key: &str| {
        root.as_map()
            .and_then(|m| m.iter().find(|(k, _)| key_text(k) == Some(key)))
            .map_or(root.pos, |(_, v)| v.pos)
    };
    let Value::Map(mut top) = to_value(&root)? else {
        unreachable!("a map node converts to a map")
    };
    splice_route(&mut top, frag, pos_of("route"))?;
    splice_inhibit(&mut top, frag, pos_of("inhibit_rules"))?;
    splice_receivers(&mut top, frag, pos_of("receivers"))?;
    Ok(out::to_string(&Value::Map(top)))
}

fn splice_route(top: &mut [(String, Value)], frag: &Fragment, pos: Pos) -> Result<(), MergeError> {
    let Some(route) = get_mut(top, "route") else {
        return Err(err(
            pos,
            "the configuration has no `route`; Alertmanager needs a root route with a receiver (run without --merge for a complete configuration)",
        ));
    };
    let Value::Map(route) = route else {
        return Err(err(pos, "`route` must be a map"));
    };
    let routes = match get_mut(route, "routes") {
        Some(v) => v,
        None => {
            route.push(("routes".into(), Value::Seq(Vec::new())));
            &mut route.last_mut().expect("just pushed").1
        }
    };
    if matches!(routes, Value::Null) {
        *routes = Value::Seq(Vec::new());
    }
    let Value::Seq(children) = routes else {
        return Err(err(pos, "`route.routes` must be a list of routes"));
    };
    children.retain(|c| !is_slogen_route(c));
    children.insert(0, frag.route.clone());
    Ok(())
}

fn is_slogen_route(v: &Value) -> bool {
    let Value::Map(m) = v else { return false };
    let matchers = strs(get(m, "matchers"));
    let group_by = strs(get(m, "group_by"));
    matches!(matchers.as_deref(), Some([one]) if one.trim_start().starts_with("sloth_id=~"))
        && group_by.as_deref() == Some(&GROUP_BY.map(String::from)[..])
}

fn splice_inhibit(
    top: &mut Vec<(String, Value)>,
    frag: &Fragment,
    pos: Pos,
) -> Result<(), MergeError> {
    let rules = match get_mut(top, "inhibit_rules") {
        Some(v) => v,
        None if frag.inhibit_rules.is_empty() => return Ok(()),
        None => {
            top.push(("inhibit_rules".into(), Value::Seq(Vec::new())));
            &mut top.last_mut().expect("just pushed").1
        }
    };
    if matches!(rules, Value::Null) {
        *rules = Value::Seq(Vec::new());
    }
    let Value::Seq(rules) = rules else {
        return Err(err(pos, "`inhibit_rules` must be a list"));
    };
    rules.retain(|r| !is_slogen_inhibit(r));
    for (i, r) in frag.inhibit_rules.iter().enumerate() {
        rules.insert(i, r.clone());
    }
    Ok(())
}

fn is_slogen_inhibit(v: &Value) -> bool {
    let Value::Map(m) = v else { return false };
    let known = ["source_matchers", "target_matchers", "equal"];
    if m.iter().any(|(k, _)| !known.contains(&k.as_str())) {
        return false;
    }
    let sloth_only = |key| {
        strs(get(m, key)).is_some_and(|ms| {
            !ms.is_empty() && ms.iter().all(|s| s.trim_start().starts_with("sloth_"))
        })
    };
    sloth_only("source_matchers")
        && sloth_only("target_matchers")
        && strs(get(m, "equal")).is_some_and(|e| e.iter().any(|l| l == "sloth_id"))
}

fn splice_receivers(
    top: &mut Vec<(String, Value)>,
    frag: &Fragment,
    pos: Pos,
) -> Result<(), MergeError> {
    let list = match get_mut(top, "receivers") {
        Some(v) => v,
        None => {
            top.push(("receivers".into(), Value::Seq(Vec::new())));
            &mut top.last_mut().expect("just pushed").1
        }
    };
    if matches!(list, Value::Null) {
        *list = Value::Seq(Vec::new());
    }
    let Value::Seq(list) = list else {
        return Err(err(pos, "`receivers` must be a list"));
    };
    for r in &frag.receivers {
        let existing = list.iter().position(|v| match v {
            Value::Map(m) => matches!(get(m, "name"), Some(Value::Str(n)) if *n == r.name),
            _ => false,
        });
        match existing {
            Some(_) if r.placeholder => {}
            Some(i) => list[i] = r.value.clone(),
            None => list.push(r.value.clone()),
        }
    }
    Ok(())
}

fn get<'a>(m: &'a [(String, Value)], key: &str) -> Option<&'a Value> {
    m.iter().find(|(k, _)| k == key).map(|(_, v)| v)
}

fn get_mut<'a>(m: &'a mut [(String, Value)], key: &str) -> Option<&'a mut Value> {
    m.iter_mut().find(|(k, _)| k == key).map(|(_, v)| v)
}

/// A list of strings, if `v` is one.
fn strs(v: Option<&Value>) -> Option<Vec<String>> {
    match v? {
        Value::Seq(items) => items
            .iter()
            .map(|i| match i {
                Value::Str(s) => Some(s.clone()),
                _ => None,
            })
            .collect(),
        _ => None,
    }
}

fn key_text(n: &Node) -> Option<&str> {
    n.as_scalar().map(|s| s.text.as_str())
}

/// A node as the writer's value, typed the way yaml.v2 reads it.
fn to_value(n: &Node) -> Result<Value, MergeError> {
    Ok(match &n.kind {
        NodeKind::Scalar(s) => match yaml::resolve::resolve(s) {
            Resolved::Null => Value::Null,
            Resolved::Bool(b) => Value::Bool(b),
            Resolved::Int(i) => match i64::try_from(i) {
                Ok(i) => Value::Int(i),
                Err(_) => Value::Str(s.text.clone()),
            },
            Resolved::Float(f) => Value::Float(f),
            Resolved::Str(t) => Value::Str(t),
        },
        NodeKind::Seq(items) => Value::Seq(items.iter().map(to_value).collect::<Result<_, _>>()?),
        NodeKind::Map(entries) => {
            let mut m: Vec<(String, Value)> = Vec::with_capacity(entries.len());
            for (k, v) in entries {
                let Some(key) = k.as_scalar() else {
                    return Err(err(
                        k.pos,
                        "a map key must be a plain value, not a list or map",
                    ));
                };
                if m.iter().any(|(seen, _)| *seen == key.text) {
                    return Err(err(
                        k.pos,
                        format!(
                            "key {:?} appears twice in this map; Alertmanager refuses duplicate keys",
                            key.text
                        ),
                    ));
                }
                m.push((key.text.clone(), to_value(v)?));
            }
            Value::Map(m)
        }
    })
}
