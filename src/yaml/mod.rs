//! A YAML node tree that keeps positions.
//!
//! Sloth reads specs through three YAML stacks (sloth-generation.md §3): all of them parse with
//! yaml.v2, which resolves plain scalars the YAML 1.1 way. This module parses one document
//! with `yaml-rust2`'s event parser into [`Node`]s that remember where they start, and leaves
//! the typing of scalars to [`resolve`], so that each spec format can apply its own coercion.
//!
//! It never recurses on input: nesting depth and alias expansion are bounded, so hostile input
//! (deep nesting, "billion laughs") ends with an error instead of a crash.

pub mod resolve;

use std::collections::HashMap;

use yaml_rust2::parser::{Event, Parser};
use yaml_rust2::scanner::{Marker, TScalarStyle};

use crate::source::Pos;

pub use resolve::Resolved;

/// Deepest nesting of maps and sequences accepted.
pub const MAX_DEPTH: usize = 256;
/// Most nodes one document may expand to, aliases included.
pub const MAX_NODES: usize = 1_000_000;
/// Most scalar bytes aliases may copy into one document. Without it, an alias to a long
/// scalar repeated many times would stay under [`MAX_NODES`] and still need gigabytes.
pub const MAX_ALIAS_BYTES: usize = 16 * 1024 * 1024;

/// How a scalar was written; only plain scalars are typed by resolution.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScalarStyle {
    Plain,
    SingleQuoted,
    DoubleQuoted,
    Literal,
    Folded,
}

/// A scalar as written: its text after YAML unescaping, its style and its tag.
#[derive(Debug, Clone, PartialEq)]
pub struct Scalar {
    pub text: String,
    pub style: ScalarStyle,
    pub tag: Option<String>,
}

/// The shape of a node.
#[derive(Debug, Clone, PartialEq)]
pub enum NodeKind {
    Scalar(Scalar),
    /// Entries in document order; duplicate keys are kept (readers decide who wins).
    Map(Vec<(Node, Node)>),
    Seq(Vec<Node>),
}

/// A YAML node and the position where it starts.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub kind: NodeKind,
    pub pos: Pos,
}

/// A YAML syntax error, or input over the limits.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct YamlError {
    pub message: String,
    pub pos: Pos,
}

impl Node {
    /// The scalar, if this is one.
    pub fn as_scalar(&self) -> Option<&Scalar> {
        match &self.kind {
            NodeKind::Scalar(s) => Some(s),
            _ => None,
        }
    }

    /// The map entries, if this is a map.
    pub fn as_map(&self) -> Option<&[(Node, Node)]> {
        match &self.kind {
            NodeKind::Map(m) => Some(m),
            _ => None,
        }
    }

    /// The items, if this is a sequence.
    pub fn as_seq(&self) -> Option<&[Node]> {
        match &self.kind {
            NodeKind::Seq(s) => Some(s),
            _ => None,
        }
    }

    /// The scalar typed the YAML 1.1 way yaml.v2 types it; `None` for maps and sequences.
    pub fn resolved(&self) -> Option<Resolved> {
        self.as_scalar().map(resolve::resolve)
    }

    /// True for an explicit or implicit null (`~`, `null`, empty).
    pub fn is_null(&self) -> bool {
        matches!(self.resolved(), Some(Resolved::Null))
    }

    /// A word for the node's type, for error messages.
    pub fn type_name(&self) -> &'static str {
        match &self.kind {
            NodeKind::Map(_) => "a map",
            NodeKind::Seq(_) => "a list",
            NodeKind::Scalar(s) => match resolve::resolve(s) {
                Resolved::Null => "null",
                Resolved::Bool(_) => "a boolean",
                Resolved::Int(_) => "an integer",
                Resolved::Float(_) => "a number",
                Resolved::Str(_) => "a string",
            },
        }
    }
}

/// Parses every document in `text`. Positions are offset by `origin` (the line and column in
/// the file where `text` starts), so that chunks cut out of a file report file positions.
pub fn parse_documents(text: &str, origin: Pos) -> Result<Vec<Node>, YamlError> {
    let mut parser = Parser::new_from_str(text);
    let mut builder = Builder::new(origin, end_of(text, origin));
    loop {
        let (event, mark) = parser.next_token().map_err(|e| YamlError {
            message: if e.info().contains("recursion limit") {
                format!(
                    "nesting deeper than the parser's limit ({}); refusing to read it",
                    e.info()
                )
            } else {
                e.info().to_string()
            },
            pos: builder.pos(*e.marker()),
        })?;
        if event == Event::StreamEnd {
            break;
        }
        builder.push(event, mark)?;
    }
    Ok(builder.docs)
}

/// Parses a text that holds exactly one document; an empty text gives a null node.
pub fn parse_one(text: &str, origin: Pos) -> Result<Node, YamlError> {
    let mut docs = parse_documents(text, origin)?;
    match docs.len() {
        0 => Ok(Node {
            kind: NodeKind::Scalar(Scalar {
                text: String::new(),
                style: ScalarStyle::Plain,
                tag: None,
            }),
            pos: origin,
        }),
        1 => Ok(docs.remove(0)),
        _ => Err(YamlError {
            message: "expected one YAML document, found several".into(),
            pos: docs[1].pos,
        }),
    }
}

enum Frame {
    Map {
        entries: Vec<(Node, Node)>,
        key: Option<Node>,
        pos: Pos,
        anchor: usize,
    },
    Seq {
        items: Vec<Node>,
        pos: Pos,
        anchor: usize,
    },
}

struct Builder {
    origin: Pos,
    /// Where `text` ends: the parser marks empty values and errors at end of input one line
    /// past the last, and every position is kept inside the text.
    end: Pos,
    stack: Vec<Frame>,
    anchors: HashMap<usize, Node>,
    docs: Vec<Node>,
    nodes: usize,
    alias_bytes: usize,
}

impl Builder {
    fn new(origin: Pos, end: Pos) -> Self {
        Builder {
            origin,
            end,
            stack: Vec::new(),
            anchors: HashMap::new(),
            docs: Vec::new(),
            nodes: 0,
            alias_bytes: 0,
        }
    }

    fn pos(&self, mark: Marker) -> Pos {
        // yaml-rust2 counts lines from 1 and columns from 0.
        let line = mark.line().max(1);
        let col = mark.col() + 1;
        let pos = if line == 1 {
            Pos::new(self.origin.line, self.origin.col + col - 1)
        } else {
            Pos::new(self.origin.line + line - 1, col)
        };
        pos.min(self.end)
    }

    fn count(&mut self, n: usize, pos: Pos) -> Result<(), YamlError> {
        self.nodes = self.nodes.saturating_add(n);
        if self.nodes > MAX_NODES {
            return Err(YamlError {
                message: format!(
                    "document expands to more than {MAX_NODES} nodes (alias bomb?); refusing to read it"
                ),
                pos,
            });
        }
        Ok(())
    }

    fn push(&mut self, event: Event, mark: Marker) -> Result<(), YamlError> {
        let pos = self.pos(mark);
        match event {
            Event::StreamStart | Event::Nothing | Event::DocumentEnd => Ok(()),
            Event::DocumentStart => {
                self.anchors.clear();
                Ok(())
            }
            Event::StreamEnd => Ok(()),
            Event::Alias(id) => {
                let node = self.anchors.get(&id).cloned().ok_or_else(|| YamlError {
                    message: "unknown anchor".into(),
                    pos,
                })?;
                let (nodes, bytes) = size_of(&node);
                self.count(nodes, pos)?;
                self.alias_bytes = self.alias_bytes.saturating_add(bytes);
                if self.alias_bytes > MAX_ALIAS_BYTES {
                    return Err(YamlError {
                        message: format!(
                            "aliases expand to more than {MAX_ALIAS_BYTES} bytes of text (alias bomb?); refusing to read it"
                        ),
                        pos,
                    });
                }
                self.finish(Node { pos, ..node })
            }
            Event::Scalar(text, style, anchor, tag) => {
                self.count(1, pos)?;
                let style = match style {
                    TScalarStyle::Plain => ScalarStyle::Plain,
                    TScalarStyle::SingleQuoted => ScalarStyle::SingleQuoted,
                    TScalarStyle::DoubleQuoted => ScalarStyle::DoubleQuoted,
                    TScalarStyle::Literal => ScalarStyle::Literal,
                    TScalarStyle::Folded => ScalarStyle::Folded,
                };
                let tag = tag.map(|t| format!("{}{}", t.handle, t.suffix));
                let node = Node {
                    kind: NodeKind::Scalar(Scalar { text, style, tag }),
                    pos,
                };
                if anchor > 0 {
                    self.anchors.insert(anchor, node.clone());
                }
                self.finish(node)
            }
            Event::SequenceStart(anchor, _) => {
                self.open(pos)?;
                self.stack.push(Frame::Seq {
                    items: Vec::new(),
                    pos,
                    anchor,
                });
                Ok(())
            }
            Event::MappingStart(anchor, _) => {
                self.open(pos)?;
                self.stack.push(Frame::Map {
                    entries: Vec::new(),
                    key: None,
                    pos,
                    anchor,
                });
                Ok(())
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let frame = self
                    .stack
                    .pop()
                    .expect("parser balances start and end events");
                let (node, anchor) = match frame {
                    Frame::Map {
                        entries,
                        pos,
                        anchor,
                        ..
                    } => (
                        Node {
                            kind: NodeKind::Map(entries),
                            pos,
                        },
                        anchor,
                    ),
                    Frame::Seq { items, pos, anchor } => (
                        Node {
                            kind: NodeKind::Seq(items),
                            pos,
                        },
                        anchor,
                    ),
                };
                if anchor > 0 {
                    self.anchors.insert(anchor, node.clone());
                }
                self.finish(node)
            }
        }
    }

    fn open(&mut self, pos: Pos) -> Result<(), YamlError> {
        self.count(1, pos)?;
        if self.stack.len() >= MAX_DEPTH {
            return Err(YamlError {
                message: format!("nesting deeper than {MAX_DEPTH} levels; refusing to read it"),
                pos,
            });
        }
        Ok(())
    }

    fn finish(&mut self, node: Node) -> Result<(), YamlError> {
        match self.stack.last_mut() {
            None => self.docs.push(node),
            Some(Frame::Seq { items, .. }) => items.push(node),
            Some(Frame::Map { entries, key, .. }) => match key.take() {
                None => *key = Some(node),
                Some(k) => entries.push((k, node)),
            },
        }
        Ok(())
    }
}

/// The position just after the last character of `text`, which starts at `origin`.
fn end_of(text: &str, origin: Pos) -> Pos {
    let breaks = text.matches('\n').count();
    let last = text.rsplit('\n').next().unwrap_or("").chars().count();
    if breaks == 0 {
        Pos::new(origin.line, origin.col + last)
    } else {
        Pos::new(origin.line + breaks, last + 1)
    }
}

/// The number of nodes in `node` and the bytes of its scalars, counted up to the limits.
fn size_of(node: &Node) -> (usize, usize) {
    let mut n = 0usize;
    let mut bytes = 0usize;
    let mut stack = vec![node];
    while let Some(x) = stack.pop() {
        n += 1;
        match &x.kind {
            NodeKind::Scalar(s) => bytes = bytes.saturating_add(s.text.len()),
            NodeKind::Seq(items) => stack.extend(items.iter()),
            NodeKind::Map(entries) => {
                for (k, v) in entries {
                    stack.push(k);
                    stack.push(v);
                }
            }
        }
        if n > MAX_NODES || bytes > MAX_ALIAS_BYTES {
            break;
        }
    }
    (n, bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(text: &str) -> Node {
        parse_one(text, Pos::new(1, 1)).expect("valid yaml")
    }

    #[test]
    fn keeps_positions_of_keys_and_values() {
        let n = one("a: 1\nb:\n  c: x\n  d: [1, 2]\n");
        let m = n.as_map().unwrap();
        assert_eq!(m[0].0.pos, Pos::new(1, 1));
        assert_eq!(m[0].1.pos, Pos::new(1, 4));
        assert_eq!(m[1].0.pos, Pos::new(2, 1));
        let inner = m[1].1.as_map().unwrap();
        assert_eq!(inner[0].0.pos, Pos::new(3, 3));
        assert_eq!(inner[0].1.pos, Pos::new(3, 6));
    }

    #[test]
    fn origin_offsets_positions() {
        let n = parse_one("a: 1\nb: 2", Pos::new(10, 4)).unwrap();
        let m = n.as_map().unwrap();
        assert_eq!(m[0].0.pos, Pos::new(10, 4));
        assert_eq!(m[1].0.pos, Pos::new(11, 1));
    }

    #[test]
    fn aliases_expand() {
        let n = one("a: &x {k: v}\nb: *x\n");
        let m = n.as_map().unwrap();
        assert_eq!(m[1].1.as_map().unwrap()[0].1.as_scalar().unwrap().text, "v");
    }

    #[test]
    fn alias_bomb_is_refused() {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..12 {
            let p = i - 1;
            text.push_str(&format!(
                "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
            ));
        }
        let err = parse_one(&text, Pos::new(1, 1)).unwrap_err();
        assert!(err.message.contains("alias bomb"), "{err}");
    }

    #[test]
    fn alias_to_a_long_scalar_is_refused() {
        // Few nodes, many bytes: 2,000 copies of a 10 KiB string.
        let mut text = format!("a: &a \"{}\"\nb: [", "x".repeat(10 * 1024));
        text.push_str(&"*a, ".repeat(2_000));
        text.push_str("]\n");
        let err = parse_one(&text, Pos::new(1, 1)).unwrap_err();
        assert!(err.message.contains("bytes of text"), "{err}");
    }

    #[test]
    fn deep_nesting_is_refused() {
        // Flow collections stop at the scanner's limit, block ones at ours. An indented map
        // 10,000 deep would be 50 MB, over the file size limit, so 1,000 levels stand in for it.
        let block_map: String = (0..1_000)
            .map(|i| format!("{}k:\n", " ".repeat(i)))
            .collect();
        for text in [
            "[".repeat(10_000) + &"]".repeat(10_000),
            "{a: ".repeat(10_000) + &"}".repeat(10_000),
            "- ".repeat(10_000) + "x",
            block_map,
        ] {
            let err = parse_one(&text, Pos::new(1, 1)).unwrap_err();
            assert!(err.message.contains("nesting"), "{err}");
        }
    }

    /// Regression (fuzz target spec_lower): an error at the end of input was placed on a line
    /// past the end of the file.
    #[test]
    fn positions_at_end_of_input_stay_inside_the_text() {
        let err = parse_one("a: b\nc", Pos::new(3, 1)).unwrap_err();
        assert!(err.pos <= Pos::new(4, 2), "{err:?}");
        let n = parse_one("a: 1\nslos:", Pos::new(2, 1)).unwrap();
        let value = &n.as_map().unwrap()[1].1;
        assert!(value.is_null());
        assert!(value.pos <= Pos::new(3, 6), "{:?}", value.pos);
        let err = parse_one("k: [a", Pos::new(1, 5)).unwrap_err();
        assert!(err.pos <= Pos::new(1, 10), "{err:?}");
    }

    #[test]
    fn syntax_error_has_position() {
        let err = parse_one("a: b\n  c: d\n", Pos::new(1, 1)).unwrap_err();
        assert_eq!(err.pos.line, 2, "{err:?}");
    }
}
