//! The configs of slogen's own plugins, added to the spec schemas as `if`/`then` conditions on
//! the plugin ID: an editor then completes `slogen/min_traffic/v1`'s `min_events` and flags a
//! misspelled key in its config, while other plugins' configs stay free-form as in Sloth.

use serde_json::{json, Value};

/// Prometheus duration syntax, as `model.ParseDuration` accepts it.
const DURATION: &str =
    r"^(0|([0-9]+y)?([0-9]+w)?([0-9]+d)?([0-9]+h)?([0-9]+m)?([0-9]+s)?([0-9]+ms)?)$";

fn duration(doc: &str) -> Value {
    json!({"type": "string", "pattern": DURATION, "description": doc})
}

/// The config schema of each slogen SLO plugin.
fn slo_plugin_configs() -> Vec<(&'static str, Value)> {
    let none = json!({
        "type": ["object", "null"],
        "additionalProperties": false,
        "maxProperties": 0,
        "description": "This plugin takes no config."
    });
    vec![
        (
            "slogen/alert_for/v1",
            json!({
                "type": ["object", "null"],
                "additionalProperties": false,
                "properties": {
                    "page": duration("`for:` of the page alerts, e.g. `5m`."),
                    "ticket": duration("`for:` of the ticket alerts, e.g. `30m`."),
                }
            }),
        ),
        (
            "slogen/min_traffic/v1",
            json!({
                "type": "object",
                "additionalProperties": false,
                "required": ["min_events"],
                "properties": {
                    "min_events": {
                        "type": "number",
                        "minimum": 0,
                        "description": "Alerts fire only when the SLO's total events in the alert's long window reach this number."
                    }
                }
            }),
        ),
        ("slogen/burn_window_label/v1", none.clone()),
        ("slogen/exact_ratio/v1", none),
    ]
}

/// The options schema of each slogen SLI plugin; `scalar` is the schema of a string leaf.
fn sli_plugin_options(scalar: &Value) -> Vec<(&'static str, Value)> {
    let with_doc = |doc: &str| {
        let mut s = scalar.clone();
        s["description"] = doc.into();
        s
    };
    vec![
        (
            "slogen/latency/v1",
            json!({
                "type": "object",
                "additionalProperties": false,
                "required": ["metric", "le"],
                "properties": {
                    "metric": with_doc("The histogram's base name, e.g. `http_request_duration_seconds`."),
                    "le": with_doc("The latency threshold: a bucket bound, e.g. `0.3`."),
                    "selector": with_doc("Label matchers, e.g. `job=\"api\"`."),
                    "native": with_doc("`\"true\"` for a native histogram."),
                }
            }),
        ),
        (
            "slogen/bool_gauge/v1",
            json!({
                "type": "object",
                "additionalProperties": false,
                "required": ["metric"],
                "properties": {
                    "metric": with_doc("The 0/1 gauge, e.g. `probe_success`."),
                    "selector": with_doc("Label matchers, e.g. `job=\"blackbox\"`."),
                }
            }),
        ),
    ]
}

fn conditions(key: &str, by_id: Vec<(&'static str, Value)>) -> Value {
    Value::Array(
        by_id
            .into_iter()
            .map(|(id, schema)| {
                json!({
                    "if": {"properties": {"id": {"const": id}}, "required": ["id"]},
                    "then": {"properties": {key: schema}}
                })
            })
            .collect(),
    )
}

/// Adds the conditions to every plugin entry (`id` + `config`) and SLI plugin (`id` +
/// `options`) of a spec schema. `strict_strings`: option values must be strings (Kubernetes).
pub fn add_plugin_conditions(schema: &mut Value, strict_strings: bool) {
    let scalar = if strict_strings {
        json!({"type": "string"})
    } else {
        json!({"type": ["string", "number", "boolean"]})
    };
    walk(schema, &scalar);
}

fn walk(v: &mut Value, scalar: &Value) {
    match v {
        Value::Object(map) => {
            let props = map.get("properties").and_then(Value::as_object);
            let has = |k: &str| props.is_some_and(|p| p.contains_key(k));
            let add = if has("id") && has("config") {
                Some(conditions("config", slo_plugin_configs()))
            } else if has("id") && has("options") {
                Some(conditions("options", sli_plugin_options(scalar)))
            } else {
                None
            };
            for child in map.values_mut() {
                walk(child, scalar);
            }
            if let Some(all) = add {
                map.insert("allOf".into(), all);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|i| walk(i, scalar)),
        _ => {}
    }
}
