//! A YAML writer that prints exactly what gopkg.in/yaml.v2 v2.4.0 `yaml.Marshal` prints.
//!
//! Sloth writes its standard output with yaml.v2 and its Kubernetes output with
//! sigs.k8s.io/yaml, whose emitter is byte-identical (sloth-generation.md §7, §8). Byte
//! identity depends on many emitter details: which quoting style a string gets, where long
//! scalars fold, how sequences are indented, how keys are ordered. This module reproduces
//! them by walking a [`Value`] tree with the same state yaml.v2's emitter keeps (column,
//! indentation stack, the `whitespace` and `indention` flags), so that the decisions are
//! taken at the same moments and on the same data as in Go.
//!
//! Settings are yaml.v2's defaults: indent 2, width 80, unicode output, `\n` breaks, no
//! document markers. Only empty collections are written in flow style (`{}`, `[]`), as
//! yaml.v2 does for values without a `flow` struct tag.
//!
//! Parts: `analyze` chooses a scalar's style (encode.go `stringv`, emitterc.go
//! `yaml_emitter_select_scalar_style`), `resolve` tells whether a plain scalar reads back as a
//! string under YAML 1.1 (resolve.go), `emitter` is the emitter's state machine (emitterc.go).

use std::cmp::Ordering;

use crate::gofmt::{format_g, go_is_digit, go_is_letter};

use analyze::requested_string_style;
use emitter::{Emitter, IN_MAPPING, IN_SEQUENCE};

/// A YAML document as Sloth's writers build it. Map keeps the order given: callers decide
/// struct order or call `sort_natural`.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// A Go `string`: its style (plain, quoted, literal) is chosen like yaml.v2 `stringv`.
    Str(String),
    /// A Go integer, printed in decimal.
    Int(i64),
    /// A Go `bool`: `true` / `false`.
    Bool(bool),
    /// A Go `float64`: `strconv.FormatFloat(x, 'g', -1, 64)`, `.inf`, `-.inf`, `.nan`.
    Float(f64),
    /// A nil value: `null`.
    Null,
    /// A mapping, written in the order given (Go structs keep field order; Go maps are
    /// sorted with [`natural_cmp`] by yaml.v2, see [`sort_natural`]).
    Map(Vec<(String, Value)>),
    /// A sequence.
    Seq(Vec<Value>),
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::Str(s.to_string())
    }
}

impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::Str(s)
    }
}

/// The document text yaml.v2 `Marshal` gives for `v` (a top-level Map or Seq), ending in "\n".
///
/// The only exception to the final `\n` is yaml.v2's own: a last scalar written as a `|+`
/// literal keeps all its trailing line breaks.
pub fn to_string(v: &Value) -> String {
    let mut e = Emitter::new(String::new());
    e.node(v, IN_SEQUENCE);
    // DOCUMENT-END: an implicit end only finishes the current line.
    e.write_indent();
    e.out
}

/// Writes a document event by event, with the emitter [`to_string`] uses, for callers that
/// would otherwise build a large [`Value`] only to write it once: the generated rules files.
///
/// Map keys come out in the order given; empty collections take yaml.v2's flow form
/// ([`Writer::empty_map`], [`Writer::empty_seq`]).
pub struct Writer {
    e: Emitter,
    /// The last event was a mapping key, so the next node is that key's value.
    after_key: bool,
}

impl Writer {
    /// A writer appending to `prefix` (for example a header ending in a line break).
    pub fn new(prefix: String) -> Self {
        Writer {
            e: Emitter::new(prefix),
            after_key: false,
        }
    }

    /// Starts a block mapping; [`Self::end`] ends it.
    pub fn map(&mut self) {
        self.e.increase_indent(false, false);
        self.after_key = false;
    }

    /// A key of the current mapping; its value is the next node written.
    pub fn key(&mut self, key: &str) {
        self.e.mapping_key(key);
        self.after_key = true;
    }

    /// Starts a block sequence; [`Self::end`] ends it.
    pub fn seq(&mut self) {
        let ctx = if self.after_key {
            IN_MAPPING
        } else {
            IN_SEQUENCE
        };
        self.e.sequence_start(ctx);
        self.after_key = false;
    }

    /// Starts an item of the current sequence.
    pub fn item(&mut self) {
        self.e.sequence_item();
        self.after_key = false;
    }

    /// A Go string value.
    pub fn str(&mut self, s: &str) {
        let ctx = if self.after_key {
            IN_MAPPING
        } else {
            IN_SEQUENCE
        };
        self.e.scalar(s, requested_string_style(s), ctx);
        self.after_key = false;
    }

    /// A `key: value` pair of strings.
    pub fn entry(&mut self, key: &str, value: &str) {
        self.key(key);
        self.str(value);
    }

    /// An empty mapping, in yaml.v2's flow form ` {}`.
    pub fn empty_map(&mut self) {
        self.e.empty_flow("{", "}");
        self.after_key = false;
    }

    /// An empty sequence, in yaml.v2's flow form ` []`.
    pub fn empty_seq(&mut self) {
        self.e.empty_flow("[", "]");
        self.after_key = false;
    }

    /// A block sequence with one item per element of `items`, each written by `write`; the
    /// flow form ` []` when there are none.
    pub fn seq_of<T>(
        &mut self,
        items: impl IntoIterator<Item = T>,
        mut write: impl FnMut(&mut Writer, T),
    ) {
        let mut items = items.into_iter().peekable();
        if items.peek().is_none() {
            self.empty_seq();
            return;
        }
        self.seq();
        for item in items {
            self.item();
            write(self, item);
        }
        self.end();
    }

    /// Ends the innermost mapping or sequence.
    pub fn end(&mut self) {
        self.e.pop_indent();
    }

    /// The text written, ending like [`to_string`]'s.
    pub fn finish(mut self) -> String {
        self.e.write_indent();
        self.e.out
    }
}

/// yaml.v2 keyList.Less "natural" ordering of map keys (team2 < team10, _x < A < a, a_b < a1).
///
/// Runes are compared from the first difference: two letters (Go `unicode.IsLetter`) by code
/// point; a letter against a non-letter puts the non-letter first; otherwise the digit runs
/// (Go `unicode.IsDigit`) starting there are read as numbers and the smaller number, then the
/// shorter run, then the smaller rune comes first. A prefix sorts before the longer string.
///
/// This order is not always transitive (`9` < `09b` < `0b` < `9`). yaml.v2 sorts keys taken
/// from Go's randomised map iteration, so for such key sets Sloth's own output changes from
/// run to run; no fixed order can match it, and [`sort_natural`] just picks a deterministic
/// one. For transitive sets (all realistic label names) the result is exactly Go's.
// compat(sloth): yaml.v2 sorts Go map keys this way, not by bytes (sloth-generation.md §7.2).
pub fn natural_cmp(a: &str, b: &str) -> Ordering {
    if a == b {
        return Ordering::Equal;
    }
    if key_less(a, b) {
        Ordering::Less
    } else if key_less(b, a) {
        Ordering::Greater
    } else {
        // Distinct strings are always ordered by key_less; keep the sort total anyway.
        a.cmp(b)
    }
}

/// Sort a map's entries by `natural_cmp`, recursively when `deep`.
///
/// With `deep`, maps nested anywhere below `v` (inside maps and sequences) are sorted too,
/// which is what the Kubernetes output gets from its JSON round trip (sloth-generation.md §8).
pub fn sort_natural(v: &mut Value, deep: bool) {
    match v {
        Value::Map(entries) => {
            entries.sort_by(|x, y| natural_cmp(&x.0, &y.0));
            if deep {
                for (_, child) in entries.iter_mut() {
                    sort_natural(child, true);
                }
            }
        }
        Value::Seq(items) if deep => {
            for child in items.iter_mut() {
                sort_natural(child, true);
            }
        }
        _ => {}
    }
}

/// yaml.v2 `keyList.Less` for two string keys.
fn key_less(a: &str, b: &str) -> bool {
    // Label names are ASCII: compare their bytes, which are their characters, without
    // collecting them.
    if a.is_ascii() && b.is_ascii() {
        return runes_less(a.as_bytes(), b.as_bytes());
    }
    let ar: Vec<char> = a.chars().collect();
    let br: Vec<char> = b.chars().collect();
    runes_less(&ar, &br)
}

/// `key_less` over the runes of two keys (bytes of ASCII keys, or chars).
fn runes_less<R: Copy + Into<char>>(ar: &[R], br: &[R]) -> bool {
    let a = |i: usize| -> char { ar[i].into() };
    let b = |i: usize| -> char { br[i].into() };
    for i in 0..ar.len().min(br.len()) {
        let (ac, bc) = (a(i), b(i));
        if ac == bc {
            continue;
        }
        let al = go_is_letter(ac);
        let bl = go_is_letter(bc);
        if al && bl {
            return ac < bc;
        }
        if al || bl {
            return bl;
        }
        // Neither is a letter: compare the digit runs starting here as numbers.
        let (mut an, mut bn) = (0i64, 0i64);
        if ac == '0' || bc == '0' {
            // compat(sloth): a zero inside a number that already had a non-zero digit seeds
            // both numbers with 1, so `a1` < `a01` but `10` vs `100` compare by value
            // (yaml.v2 sorter.go; sloth-generation.md §7.2).
            for j in (0..i).rev() {
                if !go_is_digit(a(j)) {
                    break;
                }
                if a(j) != '0' {
                    an = 1;
                    bn = 1;
                    break;
                }
            }
        }
        let digit_value = |c: char| i64::from(u32::from(c)) - i64::from(u32::from('0'));
        let mut ai = i;
        while ai < ar.len() && go_is_digit(a(ai)) {
            an = an.wrapping_mul(10).wrapping_add(digit_value(a(ai)));
            ai += 1;
        }
        let mut bi = i;
        while bi < br.len() && go_is_digit(b(bi)) {
            bn = bn.wrapping_mul(10).wrapping_add(digit_value(b(bi)));
            bi += 1;
        }
        if an != bn {
            return an < bn;
        }
        if ai != bi {
            return ai < bi;
        }
        return ac < bc;
    }
    ar.len() < br.len()
}

mod analyze;
mod emitter;
mod resolve;
#[cfg(test)]
mod tests;
