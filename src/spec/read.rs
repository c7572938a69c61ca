//! Typed reads from a [`Node`] tree, with the coercions of each of Sloth's YAML stacks.
//!
//! compat(sloth): the three formats are decoded by three different Go stacks
//! (sloth-generation.md §3.1, §3.2, §9), and users' specs depend on their differences:
//! `prometheus/v1` matches keys case-insensitively and turns `tier: 2` into `"2"`; Kubernetes
//! matches keys exactly and refuses an unquoted number where a string belongs; OpenSLO keeps
//! a scalar's source text. [`Coercion`] names the stack and [`Reader`] applies it, collecting
//! every problem instead of stopping at the first.

use super::{Spanned, SpecError};
use crate::gofmt;
use crate::source::Pos;
use crate::yaml::{Node, NodeKind, Resolved};

/// Which of Sloth's decoders a format goes through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Coercion {
    /// sigs.k8s.io/yaml with a typed target: case-insensitive keys, scalars coerced to strings.
    SigsYaml,
    /// apimachinery's universal deserializer: exact keys, no coercion into strings.
    KubeJson,
    /// yaml.v2 straight into structs: exact keys, strings keep their source text.
    YamlV2,
}

/// Reads fields out of one document and collects the problems it finds.
#[derive(Debug)]
pub struct Reader {
    pub coercion: Coercion,
    pub errors: Vec<SpecError>,
}

/// A string-to-string map as written, entries in document order, each key and value spanned.
pub type RawMap = Vec<(Spanned<String>, Spanned<String>)>;

impl Reader {
    /// A reader for one of Sloth's decoders.
    pub fn new(coercion: Coercion) -> Self {
        Reader {
            coercion,
            errors: Vec::new(),
        }
    }

    /// Records a problem with `field` at `pos`.
    pub fn error(&mut self, pos: Pos, field: &str, message: impl Into<String>) {
        self.errors.push(SpecError {
            pos,
            field: field.to_string(),
            message: message.into(),
        });
    }

    /// The value of `key` in map `node`, with the decoder's key matching.
    ///
    /// compat(sloth): Go's encoding/json prefers an exact key but accepts any letter case, and
    /// sigs.k8s.io/yaml hands it the keys sorted, so among several matches the last in byte
    /// order wins; for an exact duplicate, the last one written wins.
    pub fn get<'a>(&self, node: &'a Node, key: &str) -> Option<&'a Node> {
        let map = node.as_map()?;
        let mut found: Option<(&'a str, &'a Node)> = None;
        for (k, v) in map {
            let Some(name) = k.as_scalar().map(|s| s.text.as_str()) else {
                continue;
            };
            let matches = match self.coercion {
                Coercion::SigsYaml => name.eq_ignore_ascii_case(key),
                Coercion::KubeJson | Coercion::YamlV2 => name == key,
            };
            if !matches {
                continue;
            }
            found = match found {
                Some((prev, _)) if self.coercion == Coercion::SigsYaml && name < prev => found,
                _ => Some((name, v)),
            };
        }
        if self.coercion == Coercion::SigsYaml {
            // An exact match beats case-insensitive ones.
            let exact = map
                .iter()
                .rev()
                .find(|(k, _)| k.as_scalar().is_some_and(|s| s.text == key));
            if let Some((_, v)) = exact {
                return Some(v);
            }
        }
        found.map(|(_, v)| v)
    }

    /// Checks that `node` is a map (or null); records an error otherwise.
    pub fn expect_map(&mut self, node: &Node, field: &str) -> bool {
        match &node.kind {
            NodeKind::Map(_) => true,
            _ if node.is_null() => false,
            _ => {
                self.error(
                    node.pos,
                    field,
                    format!("expected a map, found {}", node.type_name()),
                );
                false
            }
        }
    }

    /// A string field; absent or null gives an empty string.
    pub fn string(&mut self, parent: &Node, key: &str, field: &str) -> Spanned<String> {
        match self.get(parent, key) {
            None => Spanned::new(String::new(), parent.pos),
            Some(node) => self.string_value(node, field),
        }
    }

    /// A string from a value node, coerced as the decoder would.
    pub fn string_value(&mut self, node: &Node, field: &str) -> Spanned<String> {
        let pos = node.pos;
        let Some(scalar) = node.as_scalar() else {
            self.error(
                pos,
                field,
                format!("expected a string, found {}", node.type_name()),
            );
            return Spanned::new(String::new(), pos);
        };
        if self.coercion == Coercion::YamlV2 {
            if node.is_null() {
                return Spanned::new(String::new(), pos);
            }
            return Spanned::new(scalar.text.clone(), pos);
        }
        let resolved = node.resolved().expect("scalar resolves");
        let text = match (self.coercion, resolved) {
            (_, Resolved::Str(s)) => s,
            (_, Resolved::Null) => String::new(),
            (Coercion::SigsYaml, Resolved::Bool(b)) => b.to_string(),
            (Coercion::SigsYaml, Resolved::Int(i)) => i.to_string(),
            // compat(sloth): sigs.k8s.io/yaml formats floats for string targets at 32-bit
            // precision, so `1.10` becomes "1.1" (sloth-generation.md §3.1).
            (Coercion::SigsYaml, Resolved::Float(f)) => gofmt::format_g32(f as f32),
            (_, other) => {
                self.error(
                    pos,
                    field,
                    format!(
                        "expected a string, found {} ({}); quote it: \"{}\"",
                        type_word(&other),
                        scalar.text,
                        scalar.text
                    ),
                );
                String::new()
            }
        };
        Spanned::new(text, pos)
    }

    /// A number field (the objective). Absent or null gives `None`.
    pub fn number(&mut self, parent: &Node, key: &str, field: &str) -> Option<Spanned<f64>> {
        let node = self.get(parent, key)?;
        if node.is_null() {
            return None;
        }
        match node.resolved() {
            Some(Resolved::Int(i)) => Some(Spanned::new(i as f64, node.pos)),
            Some(Resolved::Float(f)) => Some(Spanned::new(f, node.pos)),
            _ => {
                let shown = node
                    .as_scalar()
                    .map(|s| format!(" ({:?})", s.text))
                    .unwrap_or_default();
                self.error(
                    node.pos,
                    field,
                    format!(
                        "expected a number, found {}{shown}; write it unquoted, e.g. 99.9",
                        node.type_name()
                    ),
                );
                None
            }
        }
    }

    /// An integer field (plugin priority). Absent or null gives 0.
    pub fn integer(&mut self, parent: &Node, key: &str, field: &str) -> i64 {
        let Some(node) = self.get(parent, key) else {
            return 0;
        };
        match node.resolved() {
            Some(Resolved::Null) => 0,
            Some(Resolved::Int(i)) if i64::try_from(i).is_ok() => i as i64,
            _ => {
                self.error(
                    node.pos,
                    field,
                    format!("expected an integer, found {}", node.type_name()),
                );
                0
            }
        }
    }

    /// A boolean field. Absent or null gives false.
    pub fn boolean(&mut self, parent: &Node, key: &str, field: &str) -> Spanned<bool> {
        let Some(node) = self.get(parent, key) else {
            return Spanned::new(false, parent.pos);
        };
        match node.resolved() {
            Some(Resolved::Null) => Spanned::new(false, node.pos),
            Some(Resolved::Bool(b)) => Spanned::new(b, node.pos),
            _ => {
                self.error(
                    node.pos,
                    field,
                    format!("expected true or false, found {}", node.type_name()),
                );
                Spanned::new(false, node.pos)
            }
        }
    }

    /// A string-to-string map (labels, annotations, options). Absent or null gives empty.
    pub fn string_map(&mut self, parent: &Node, key: &str, field: &str) -> RawMap {
        let Some(node) = self.get(parent, key) else {
            return Vec::new();
        };
        if !self.expect_map(node, field) {
            return Vec::new();
        }
        let mut out: RawMap = Vec::new();
        for (k, v) in node.as_map().expect("checked map") {
            let name = self.string_value(k, field);
            let value = self.string_value(v, &format!("{field}.{}", name.value));
            // Duplicate keys: the last one wins, in the first one's place.
            if let Some(slot) = out.iter_mut().find(|(n, _)| n.value == name.value) {
                slot.1 = value;
            } else {
                out.push((name, value));
            }
        }
        out
    }

    /// A list field. Absent or null gives no items.
    pub fn seq<'a>(&mut self, parent: &'a Node, key: &str, field: &str) -> Vec<&'a Node> {
        let Some(node) = self.get(parent, key) else {
            return Vec::new();
        };
        match &node.kind {
            NodeKind::Seq(items) => items.iter().collect(),
            _ if node.is_null() => Vec::new(),
            _ => {
                self.error(
                    node.pos,
                    field,
                    format!("expected a list, found {}", node.type_name()),
                );
                Vec::new()
            }
        }
    }
}

fn type_word(r: &Resolved) -> &'static str {
    match r {
        Resolved::Null => "null",
        Resolved::Bool(_) => "a boolean",
        Resolved::Int(_) => "an integer",
        Resolved::Float(_) => "a number",
        Resolved::Str(_) => "a string",
    }
}

/// The node as JSON, typed the YAML 1.1 way (plugin configs are handed to plugins as JSON).
pub fn to_json(node: &Node) -> serde_json::Value {
    use serde_json::Value;
    match &node.kind {
        NodeKind::Seq(items) => Value::Array(items.iter().map(to_json).collect()),
        NodeKind::Map(entries) => {
            let mut map = serde_json::Map::new();
            for (k, v) in entries {
                let key = match k.resolved() {
                    Some(Resolved::Str(s)) => s,
                    Some(Resolved::Int(i)) => i.to_string(),
                    Some(Resolved::Bool(b)) => b.to_string(),
                    Some(Resolved::Float(f)) => gofmt::format_g(f),
                    Some(Resolved::Null) => "null".to_string(),
                    None => continue,
                };
                map.insert(key, to_json(v));
            }
            Value::Object(map)
        }
        NodeKind::Scalar(_) => match node.resolved().expect("scalar") {
            Resolved::Null => Value::Null,
            Resolved::Bool(b) => Value::Bool(b),
            Resolved::Int(i) => i64::try_from(i)
                .map(Value::from)
                .unwrap_or_else(|_| Value::from(i as f64)),
            Resolved::Float(f) => serde_json::Number::from_f64(f)
                .map(Value::Number)
                .unwrap_or(Value::Null),
            Resolved::Str(s) => Value::String(s),
        },
    }
}
