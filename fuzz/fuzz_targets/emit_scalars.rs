//! Fuzz target 3: the yaml.v2-compatible writer, fed arbitrary strings as keys and values.
//!
//! The document is read back with serde_norway (libyaml): every string must come back
//! unchanged, in a map value, a map key, a sequence item and a nested map, and a string that
//! yaml.v2 would leave plain must not read back as another type.
#![no_main]

use std::collections::BTreeMap;

use libfuzzer_sys::fuzz_target;
use serde::Deserialize;
use slogen::emit::yaml::{to_string, Value};

#[derive(Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
struct Doc {
    values: BTreeMap<String, String>,
    keys: BTreeMap<String, String>,
    items: Vec<String>,
    nested: BTreeMap<String, BTreeMap<String, String>>,
}

fuzz_target!(|strings: Vec<String>| {
    let values: BTreeMap<String, String> = strings
        .iter()
        .enumerate()
        .map(|(i, s)| (format!("k{i:03}"), s.clone()))
        .collect();
    let keys: BTreeMap<String, String> = strings.iter().map(|s| (s.clone(), "v".into())).collect();
    let map = |m: &BTreeMap<String, String>| {
        Value::Map(
            m.iter()
                .map(|(k, v)| (k.clone(), Value::Str(v.clone())))
                .collect(),
        )
    };
    let doc = Value::Map(vec![
        ("values".into(), map(&values)),
        ("keys".into(), map(&keys)),
        (
            "items".into(),
            Value::Seq(strings.iter().map(|s| Value::Str(s.clone())).collect()),
        ),
        (
            "nested".into(),
            Value::Map(vec![("inner".into(), map(&values))]),
        ),
    ]);
    let text = to_string(&doc);
    let parsed: Doc = serde_norway::from_str(&text)
        .unwrap_or_else(|e| panic!("emitted YAML does not parse back: {e}\n{text}"));
    let want = Doc {
        values: values.clone(),
        keys,
        items: strings.clone(),
        nested: BTreeMap::from([("inner".to_string(), values)]),
    };
    assert_eq!(parsed, want, "strings changed in the round trip:\n{text}");
    // Typed: a value must not come back as a number, a bool or null.
    let typed: serde_norway::Value = serde_norway::from_str(&text).expect("parsed above");
    for (i, s) in strings.iter().enumerate() {
        let v = &typed["values"][format!("k{i:03}").as_str()];
        assert!(
            v.is_string() || yaml12_only(s),
            "{s:?} reads back as {v:?}:\n{text}"
        );
    }
});

/// Plain scalars that YAML 1.1 (yaml.v2, Sloth) reads as strings but YAML 1.2 parsers read as
/// numbers: yaml.v2 rightly leaves them unquoted, Sloth writes the same bytes.
fn yaml12_only(s: &str) -> bool {
    let t = s.strip_prefix(['-', '+']).unwrap_or(s);
    t.starts_with("0o") || t.starts_with("0x") || t.starts_with("0O") || t.starts_with("0X")
}
