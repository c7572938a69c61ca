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

use std::cmp::Ordering;

use crate::gofmt::{format_g, go_is_digit, go_is_letter};

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
/// Only non-empty block collections can be written this way (empty ones take yaml.v2's flow
/// form, which only [`to_string`] writes), and map keys come out in the order given.
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

// ---------------------------------------------------------------------------------------------
// Scalar styles (encode.go `stringv`, emitterc.go `yaml_emitter_select_scalar_style`).

const BEST_INDENT: i32 = 2;
const BEST_WIDTH: usize = 80;
/// Keys longer than this many bytes are written in the `? key` / `: value` form.
const MAX_SIMPLE_KEY_LEN: usize = 128;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Style {
    Plain,
    SingleQuoted,
    DoubleQuoted,
    Literal,
}

/// The style the encoder asks for a Go string (encode.go `stringv`).
fn requested_string_style(s: &str) -> Style {
    if s.contains('\n') {
        // compat(sloth): any string with a newline asks for a literal block, e.g. every
        // multi-line `expr` (sloth-generation.md §7.2).
        Style::Literal
    } else if resolves_to_string(s) && !is_base60_float(s) {
        Style::Plain
    } else {
        // compat(sloth): strings that YAML 1.1 would read back as something else are
        // double-quoted: `tier: "2"`, `sloth_objective: "99.9"`, `x: "yes"`
        // (sloth-generation.md §7.2).
        Style::DoubleQuoted
    }
}

/// What yaml.v2 `yaml_emitter_analyze_scalar` finds out about a scalar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Analysis {
    multiline: bool,
    block_plain_allowed: bool,
    single_quoted_allowed: bool,
    block_allowed: bool,
}

/// yaml.v2 `is_printable`: `\n`, 0x20–0x7E, U+00A0–U+D7FF, U+E000–U+FFFD except U+FEFF.
/// TAB, CR, DEL, C1 controls and every character outside the BMP (emoji) are not printable.
fn is_printable(c: char) -> bool {
    matches!(c, '\n' | '\u{20}'..='\u{7e}' | '\u{a0}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}')
        && c != '\u{feff}'
}

/// yaml.v2 `is_break`: CR, LF, NEL, LS, PS.
fn is_break(c: char) -> bool {
    matches!(c, '\r' | '\n' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

/// yaml.v2 `is_blank`: space or tab.
fn is_blank(c: char) -> bool {
    c == ' ' || c == '\t'
}

/// yaml.v2 `is_blankz`: blank, break or NUL.
fn is_blankz(c: char) -> bool {
    is_blank(c) || is_break(c) || c == '\0'
}

fn analyze(value: &str) -> Analysis {
    if value.is_empty() {
        return Analysis {
            multiline: false,
            block_plain_allowed: true,
            single_quoted_allowed: true,
            block_allowed: false,
        };
    }
    analyze_ascii(value)
        .unwrap_or_else(|| analyze_chars(value))
        .analysis()
}

/// What `yaml_emitter_analyze_scalar` notes while walking a non-empty scalar.
#[derive(Debug, Default, PartialEq, Eq)]
struct Findings {
    block_indicators: bool,
    line_breaks: bool,
    special_characters: bool,
    leading_space: bool,
    leading_break: bool,
    trailing_space: bool,
    trailing_break: bool,
    break_space: bool,
    space_break: bool,
}

impl Findings {
    /// The styles the findings allow, as yaml.v2 derives them.
    ///
    /// Flow-context permissions are not tracked: Sloth's documents never hold a scalar inside
    /// a flow collection (only empty `{}` and `[]` are flow).
    fn analysis(&self) -> Analysis {
        let mut a = Analysis {
            multiline: self.line_breaks,
            block_plain_allowed: true,
            single_quoted_allowed: true,
            block_allowed: true,
        };
        if self.leading_space || self.leading_break || self.trailing_space || self.trailing_break {
            a.block_plain_allowed = false;
        }
        if self.trailing_space {
            a.block_allowed = false;
        }
        if self.break_space {
            a.block_plain_allowed = false;
            a.single_quoted_allowed = false;
        }
        if self.space_break || self.special_characters {
            a.block_plain_allowed = false;
            a.single_quoted_allowed = false;
            a.block_allowed = false;
        }
        if self.line_breaks || self.block_indicators {
            a.block_plain_allowed = false;
        }
        a
    }
}

/// [`analyze_chars`] for the common case, a non-empty scalar of printable ASCII and `\n`
/// (names, labels, expressions), in one pass over its bytes; `None` for any other scalar.
fn analyze_ascii(value: &str) -> Option<Findings> {
    let bytes = value.as_bytes();
    let (first, last) = (bytes[0], bytes[bytes.len() - 1]);
    // Without tabs and other breaks, "followed by whitespace" (yaml.v2 `is_blankz`) is
    // "followed by a space or the end", and "preceded by whitespace" is "after a space or a
    // `\n`".
    let followed_by_space = |i: usize| bytes.get(i + 1).is_none_or(|&b| b == b' ');
    let mut f = Findings {
        block_indicators: value.starts_with("---")
            || value.starts_with("...")
            || matches!(
                first,
                b'#' | b','
                    | b'['
                    | b']'
                    | b'{'
                    | b'}'
                    | b'&'
                    | b'*'
                    | b'!'
                    | b'|'
                    | b'>'
                    | b'\''
                    | b'"'
                    | b'%'
                    | b'@'
                    | b'`'
            )
            || (matches!(first, b'?' | b'-') && followed_by_space(0)),
        leading_space: first == b' ',
        leading_break: first == b'\n',
        trailing_space: last == b' ',
        trailing_break: last == b'\n',
        ..Findings::default()
    };
    let mut previous = 0u8; // nothing before the first byte (a `#` there is handled above)
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b':' if followed_by_space(i) => f.block_indicators = true,
            b'#' if previous == b' ' || previous == b'\n' => f.block_indicators = true,
            b' ' => f.break_space |= previous == b'\n',
            b'\n' => {
                f.line_breaks = true;
                f.space_break |= previous == b' ';
            }
            0x21..=0x7e => {}
            _ => return None,
        }
        previous = b;
    }
    Some(f)
}

/// yaml.v2 `yaml_emitter_analyze_scalar` over the characters of a non-empty `value`.
fn analyze_chars(value: &str) -> Findings {
    let mut chars = value.chars().peekable();
    let mut f = Findings {
        block_indicators: value.starts_with("---") || value.starts_with("..."),
        ..Findings::default()
    };
    let mut preceded_by_whitespace = true;
    let mut previous_space = false;
    let mut previous_break = false;

    let mut first = true;
    while let Some(c) = chars.next() {
        let next = chars.peek().copied();
        let last = next.is_none();
        let followed_by_whitespace = next.is_none_or(is_blank);
        if first {
            match c {
                '#' | ',' | '[' | ']' | '{' | '}' | '&' | '*' | '!' | '|' | '>' | '\'' | '"'
                | '%' | '@' | '`' => f.block_indicators = true,
                '?' | ':' | '-' if followed_by_whitespace => f.block_indicators = true,
                _ => {}
            }
        } else {
            match c {
                ':' if followed_by_whitespace => f.block_indicators = true,
                '#' if preceded_by_whitespace => f.block_indicators = true,
                _ => {}
            }
        }

        if !is_printable(c) {
            f.special_characters = true;
        }
        if c == ' ' {
            f.leading_space |= first;
            f.trailing_space |= last;
            f.break_space |= previous_break;
            previous_space = true;
            previous_break = false;
        } else if is_break(c) {
            f.line_breaks = true;
            f.leading_break |= first;
            f.trailing_break |= last;
            f.space_break |= previous_space;
            previous_space = false;
            previous_break = true;
        } else {
            previous_space = false;
            previous_break = false;
        }
        preceded_by_whitespace = is_blankz(c);
        first = false;
    }
    f
}

/// yaml.v2 `yaml_emitter_select_scalar_style` in block context.
fn select_style(requested: Style, value: &str, a: &Analysis, simple_key: bool) -> Style {
    let mut style = requested;
    if simple_key && a.multiline {
        style = Style::DoubleQuoted;
    }
    if style == Style::Plain && (!a.block_plain_allowed || (value.is_empty() && simple_key)) {
        style = Style::SingleQuoted;
    }
    if style == Style::SingleQuoted && !a.single_quoted_allowed {
        style = Style::DoubleQuoted;
    }
    if style == Style::Literal && (!a.block_allowed || simple_key) {
        style = Style::DoubleQuoted;
    }
    style
}

// ---------------------------------------------------------------------------------------------
// YAML 1.1 resolution (resolve.go `resolve`, encode.go `isBase60Float`).

/// True when yaml.v2 would read `s`, written plain, back as a string (`resolve` gives `!!str`).
// compat(sloth): yaml.v2 resolves YAML 1.1 style: yes/no/on/off are bools, `0x1F`, `0o17`,
// `017` and `0b101` are ints, `2024-01-01` is a timestamp (sloth-generation.md §7.2).
fn resolves_to_string(s: &str) -> bool {
    let Some(&first) = s.as_bytes().first() else {
        return false; // "" is null
    };
    let hint = match first {
        b'+' | b'-' => 'S',
        b'0'..=b'9' => 'D',
        b'y' | b'Y' | b'n' | b'N' | b't' | b'T' | b'f' | b'F' | b'o' | b'O' | b'~' => 'M',
        b'.' => '.',
        // No hint: not even the special-value table is consulted (so `<<` stays a string).
        _ => return true,
    };
    const SPECIAL: &[&str] = &[
        "y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON", "n", "N", "no",
        "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF", "~", "null", "Null", "NULL",
        ".nan", ".NaN", ".NAN", ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf",
        "-.Inf", "-.INF",
    ];
    if SPECIAL.contains(&s) {
        return false;
    }
    match hint {
        'M' => true,
        '.' => go_parse_float(s).is_none(),
        _ => {
            if is_go_timestamp(s) {
                return false;
            }
            let plain = s.replace('_', "");
            if go_parse_int(&plain, 0) || go_parse_uint(&plain, 0).is_some() {
                return false;
            }
            if is_yaml_style_float(&plain) && go_parse_float(&plain).is_some() {
                return false;
            }
            if let Some(rest) = plain.strip_prefix("0b") {
                if go_parse_int(rest, 2) || go_parse_uint(rest, 2).is_some() {
                    return false;
                }
            } else if let Some(rest) = plain.strip_prefix("-0b") {
                if go_parse_int(&format!("-{rest}"), 2) {
                    return false;
                }
            }
            true
        }
    }
}

/// Go `strconv.ParseUint(s, base, 64)` for base 0 (prefixes `0x`, `0o`, `0b`, legacy octal
/// `0…`) or an explicit base; `None` on syntax or range errors. `s` has no underscores here.
fn go_parse_uint(s: &str, base: u32) -> Option<u64> {
    if s.is_empty() {
        return None;
    }
    let (digits, base) = if base == 0 {
        let b = s.as_bytes();
        if b[0] == b'0' {
            let prefix = if b.len() >= 3 {
                b[1].to_ascii_lowercase()
            } else {
                0
            };
            match prefix {
                b'b' => (&s[2..], 2),
                b'o' => (&s[2..], 8),
                b'x' => (&s[2..], 16),
                _ => (&s[1..], 8),
            }
        } else {
            (s, 10)
        }
    } else {
        (s, base)
    };
    let mut n: u64 = 0;
    for c in digits.chars() {
        let d = c.to_digit(36)?;
        if d >= base {
            return None;
        }
        n = n.checked_mul(u64::from(base))?.checked_add(u64::from(d))?;
    }
    Some(n)
}

/// Go `strconv.ParseInt(s, base, 64)` succeeds: optional sign, then `ParseUint`, in range.
fn go_parse_int(s: &str, base: u32) -> bool {
    let (neg, body) = match s.as_bytes().first() {
        Some(b'+') => (false, &s[1..]),
        Some(b'-') => (true, &s[1..]),
        _ => (false, s),
    };
    match go_parse_uint(body, base) {
        Some(u) if neg => u <= 1 << 63,
        Some(u) => u < 1 << 63,
        None => false,
    }
}

/// `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$` (resolve.go `yamlStyleFloat`).
fn is_yaml_style_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    let digits = |i: &mut usize| {
        let start = *i;
        while *i < b.len() && b[*i].is_ascii_digit() {
            *i += 1;
        }
        *i - start
    };
    if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
        i += 1;
    }
    if i < b.len() && b[i] == b'.' {
        i += 1;
        if digits(&mut i) == 0 {
            return false;
        }
    } else {
        if digits(&mut i) == 0 {
            return false;
        }
        if i < b.len() && b[i] == b'.' {
            i += 1;
            digits(&mut i);
        }
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        i += 1;
        if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == b.len()
}

/// Go `strconv.ParseFloat(s, 64)` for the strings yaml.v2 passes it: `None` on a syntax error
/// or on overflow to infinity. Underscores are accepted between digits, as Go does.
///
/// Only decimal syntax is handled: yaml.v2 calls `ParseFloat` on text starting with `.` or on
/// text that already matched its decimal float pattern, so Go's `inf`/`nan` spellings and hex
/// floats cannot reach it (and are refused here).
fn go_parse_float(s: &str) -> Option<f64> {
    let b = s.as_bytes();
    let mut i = 0;
    if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
        i += 1;
    }
    let mut saw_digits = false;
    let mut saw_dot = false;
    while i < b.len() {
        match b[i] {
            b'_' => {}
            b'.' if !saw_dot => saw_dot = true,
            b'0'..=b'9' => saw_digits = true,
            _ => break,
        }
        i += 1;
    }
    if !saw_digits {
        return None;
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        i += 1;
        if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
            i += 1;
        }
        if i >= b.len() || !b[i].is_ascii_digit() {
            return None;
        }
        while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'_') {
            i += 1;
        }
    }
    if i != b.len() || (s.contains('_') && !go_underscore_ok(s)) {
        return None;
    }
    let v: f64 = s.replace('_', "").parse().ok()?;
    v.is_finite().then_some(v)
}

/// Go `strconv.underscoreOK` for a decimal number: every `_` sits between two digits.
fn go_underscore_ok(s: &str) -> bool {
    let body = s.strip_prefix(['+', '-']).unwrap_or(s);
    let mut saw = '^';
    for c in body.chars() {
        if c.is_ascii_digit() {
            saw = '0';
        } else if c == '_' {
            if saw != '0' {
                return false;
            }
            saw = '_';
        } else {
            if saw == '_' {
                return false;
            }
            saw = '!';
        }
    }
    saw != '_'
}

/// encode.go `isBase60Float`: `^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$`.
// compat(sloth): yaml.v2 quotes YAML 1.1 sexagesimal numbers like `1:20` although it no longer
// reads them as numbers (sloth-generation.md §7.2).
fn is_base60_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
        i += 1;
    }
    if i >= b.len() || !b[i].is_ascii_digit() {
        return false;
    }
    while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'_') {
        i += 1;
    }
    let mut groups = 0;
    while i < b.len() && b[i] == b':' {
        i += 1;
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        // The digits after `:` must be exactly `[0-5]?[0-9]`; what follows is `:`, `.` or end.
        match i - start {
            1 => {}
            2 if b[start] <= b'5' => {}
            _ => return false,
        }
        groups += 1;
    }
    if groups == 0 {
        return false;
    }
    if i < b.len() && b[i] == b'.' {
        i += 1;
        while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'_') {
            i += 1;
        }
    }
    i == b.len()
}

/// yaml.v2 `parseTimestamp`: four digits and `-`, then one of Go's layouts
/// `2006-1-2T15:4:5.999999999Z07:00`, the same with `t`, `2006-1-2 15:4:5.999999999` and
/// `2006-1-2`, with Go `time.Parse`'s field widths and range checks.
fn is_go_timestamp(s: &str) -> bool {
    let b = s.as_bytes();
    let lead = b.iter().take_while(|c| c.is_ascii_digit()).count();
    if lead != 4 || lead == b.len() || b[lead] != b'-' {
        return false;
    }
    let Some((year, month, day, rest)) = parse_go_date(b) else {
        return false;
    };
    if day < 1 || day > days_in_month(month, year) {
        return false;
    }
    if rest.is_empty() {
        return true; // 2006-1-2
    }
    match rest[0] {
        b'T' | b't' => parse_go_clock(&rest[1..])
            .is_some_and(|tail| parse_go_zone(tail).is_some_and(|t| t.is_empty())),
        b' ' => {
            // A space in a Go layout matches a run of spaces in the value.
            let start = rest.iter().take_while(|c| **c == b' ').count();
            parse_go_clock(&rest[start..]).is_some_and(|tail| tail.is_empty())
        }
        _ => false,
    }
}

/// Go `getnum(s, false)`: one or two leading digits.
fn go_getnum(b: &[u8]) -> Option<(u32, &[u8])> {
    let d0 = *b.first().filter(|c| c.is_ascii_digit())?;
    match b.get(1).filter(|c| c.is_ascii_digit()) {
        Some(&d1) => Some((u32::from(d0 - b'0') * 10 + u32::from(d1 - b'0'), &b[2..])),
        None => Some((u32::from(d0 - b'0'), &b[1..])),
    }
}

/// `2006-1-2`: year, month (1–12) and day (range checked by the caller), and the rest.
fn parse_go_date(b: &[u8]) -> Option<(u32, u32, u32, &[u8])> {
    let year: u32 = std::str::from_utf8(&b[..4]).ok()?.parse().ok()?;
    let rest = b[4..].strip_prefix(b"-")?;
    let (month, rest) = go_getnum(rest)?;
    if !(1..=12).contains(&month) {
        return None;
    }
    let rest = rest.strip_prefix(b"-")?;
    let (day, rest) = go_getnum(rest)?;
    Some((year, month, day, rest))
}

/// `15:4:5.999999999`: hour, minute, second and an optional `.`/`,` fraction.
fn parse_go_clock(b: &[u8]) -> Option<&[u8]> {
    let (hour, rest) = go_getnum(b)?;
    let rest = rest.strip_prefix(b":")?;
    let (minute, rest) = go_getnum(rest)?;
    let rest = rest.strip_prefix(b":")?;
    let (second, mut rest) = go_getnum(rest)?;
    if hour >= 24 || minute >= 60 || second >= 60 {
        return None;
    }
    if rest.len() >= 2 && (rest[0] == b'.' || rest[0] == b',') && rest[1].is_ascii_digit() {
        let digits = rest[1..].iter().take_while(|c| c.is_ascii_digit()).count();
        rest = &rest[1 + digits..];
    }
    Some(rest)
}

/// `Z07:00`: `Z`, or a sign, two-digit hours (≤ 24), `:`, two-digit minutes (≤ 60).
fn parse_go_zone(b: &[u8]) -> Option<&[u8]> {
    if let Some(rest) = b.strip_prefix(b"Z") {
        return Some(rest);
    }
    if b.len() < 6 || b[3] != b':' || !(b[0] == b'+' || b[0] == b'-') {
        return None;
    }
    let two = |x: &[u8]| -> Option<u32> {
        (x[0].is_ascii_digit() && x[1].is_ascii_digit())
            .then(|| u32::from(x[0] - b'0') * 10 + u32::from(x[1] - b'0'))
    };
    let (hours, minutes) = (two(&b[1..3])?, two(&b[4..6])?);
    (hours <= 24 && minutes <= 60).then_some(&b[6..])
}

fn days_in_month(month: u32, year: u32) -> u32 {
    match month {
        2 if year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400)) => {
            29
        }
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

// ---------------------------------------------------------------------------------------------
// The emitter (emitterc.go), driven by a tree walk instead of an event queue.

/// A mapping value (not a key).
const IN_MAPPING: Context = Context {
    mapping: true,
    simple_key: false,
};
/// A sequence item, or the document's root.
const IN_SEQUENCE: Context = Context {
    mapping: false,
    simple_key: false,
};

/// Where a node sits, as far as the emitter's decisions go.
#[derive(Debug, Clone, Copy)]
struct Context {
    /// The node is a mapping key or value (block sequences there are not indented).
    mapping: bool,
    /// The node is a simple (`key:`) mapping key: never folded, never a block scalar.
    simple_key: bool,
}

struct Emitter {
    out: String,
    /// Characters (not bytes) written on the current line, indentation included.
    column: usize,
    /// The last thing written was whitespace (or nothing yet on the line).
    whitespace: bool,
    /// Only indentation has been written on the current line so far.
    indention: bool,
    indent: i32,
    indents: Vec<i32>,
}

impl Emitter {
    fn new(out: String) -> Self {
        Emitter {
            out,
            column: 0,
            whitespace: true,
            indention: true,
            indent: -1,
            indents: Vec::new(),
        }
    }

    fn node(&mut self, v: &Value, ctx: Context) {
        match v {
            Value::Map(entries) if entries.is_empty() => self.empty_flow("{", "}"),
            Value::Map(entries) => self.block_mapping(entries),
            Value::Seq(items) if items.is_empty() => self.empty_flow("[", "]"),
            Value::Seq(items) => self.block_sequence(items, ctx),
            Value::Str(s) => self.scalar(s, requested_string_style(s), ctx),
            Value::Int(i) => self.scalar(&i.to_string(), Style::Plain, ctx),
            Value::Bool(b) => self.scalar(if *b { "true" } else { "false" }, Style::Plain, ctx),
            Value::Float(f) => {
                let text = match format_g(*f).as_str() {
                    "+Inf" => ".inf".to_string(),
                    "-Inf" => "-.inf".to_string(),
                    "NaN" => ".nan".to_string(),
                    s => s.to_string(),
                };
                self.scalar(&text, Style::Plain, ctx)
            }
            Value::Null => self.scalar("null", Style::Plain, ctx),
        }
    }

    // compat(sloth): empty maps and sequences are written in flow style, ` {}` / ` []`
    // (sloth-generation.md §7.2).
    fn empty_flow(&mut self, open: &str, close: &str) {
        self.write_indicator(open, true, true, false);
        self.increase_indent(true, false);
        self.pop_indent();
        self.write_indicator(close, false, false, false);
    }

    fn block_mapping(&mut self, entries: &[(String, Value)]) {
        self.increase_indent(false, false);
        for (key, value) in entries {
            self.mapping_key(key);
            self.node(value, IN_MAPPING);
        }
        self.pop_indent();
    }

    /// One key of a block mapping, up to and including its `:`.
    fn mapping_key(&mut self, key: &str) {
        self.write_indent();
        let analysis = analyze(key);
        if key.len() <= MAX_SIMPLE_KEY_LEN && !analysis.multiline {
            let key_ctx = Context {
                mapping: true,
                simple_key: true,
            };
            self.scalar_analyzed(key, &analysis, requested_string_style(key), key_ctx);
            self.write_indicator(":", false, false, false);
        } else {
            // compat(sloth): long or multi-line keys use the complex form `? key` /
            // `: value` (sloth-generation.md §7.2).
            self.write_indicator("?", true, false, true);
            self.scalar_analyzed(key, &analysis, requested_string_style(key), IN_MAPPING);
            self.write_indent();
            self.write_indicator(":", true, false, true);
        }
    }

    fn block_sequence(&mut self, items: &[Value], ctx: Context) {
        self.sequence_start(ctx);
        for item in items {
            self.sequence_item();
            self.node(item, IN_SEQUENCE);
        }
        self.pop_indent();
    }

    fn sequence_start(&mut self, ctx: Context) {
        // compat(sloth): a block sequence that is a mapping value is not indented
        // (`groups:` / `- name:` in the same column; sloth-generation.md §7.2).
        let indentless = ctx.mapping && !self.indention;
        self.increase_indent(false, indentless);
    }

    /// The `-` of one sequence item.
    fn sequence_item(&mut self) {
        self.write_indent();
        self.write_indicator("-", true, false, true);
    }

    fn scalar(&mut self, value: &str, requested: Style, ctx: Context) {
        self.scalar_analyzed(value, &analyze(value), requested, ctx);
    }

    fn scalar_analyzed(
        &mut self,
        value: &str,
        analysis: &Analysis,
        requested: Style,
        ctx: Context,
    ) {
        let style = select_style(requested, value, analysis, ctx.simple_key);
        self.increase_indent(true, false);
        let allow_breaks = !ctx.simple_key;
        match style {
            Style::Plain => self.write_plain(value, allow_breaks),
            Style::SingleQuoted => self.write_single_quoted(value, allow_breaks),
            Style::DoubleQuoted => self.write_double_quoted(value, allow_breaks),
            Style::Literal => self.write_literal(value),
        }
        self.pop_indent();
    }

    fn increase_indent(&mut self, flow: bool, indentless: bool) {
        self.indents.push(self.indent);
        if self.indent < 0 {
            self.indent = if flow { BEST_INDENT } else { 0 };
        } else if !indentless {
            self.indent += BEST_INDENT;
        }
    }

    fn pop_indent(&mut self) {
        self.indent = self.indents.pop().expect("indent pushed by the same node");
    }

    /// Writes one character that is not a line break.
    fn put(&mut self, c: char) {
        self.out.push(c);
        self.column += 1;
    }

    fn put_break(&mut self) {
        self.out.push('\n');
        self.column = 0;
    }

    /// yaml.v2 `write_break`: `\n` is written as the configured break; the other break
    /// characters are copied and reset the column.
    fn write_break(&mut self, c: char) {
        if c == '\n' {
            self.put_break();
        } else {
            self.out.push(c);
            self.column = 0;
        }
    }

    fn write_indent(&mut self) {
        let indent = self.indent.max(0) as usize;
        if !self.indention || self.column > indent || (self.column == indent && !self.whitespace) {
            self.put_break();
        }
        while self.column < indent {
            self.put(' ');
        }
        self.whitespace = true;
        self.indention = true;
    }

    fn write_indicator(
        &mut self,
        indicator: &str,
        need_whitespace: bool,
        is_whitespace: bool,
        is_indention: bool,
    ) {
        if need_whitespace && !self.whitespace {
            self.put(' ');
        }
        for c in indicator.chars() {
            self.put(c);
        }
        self.whitespace = is_whitespace;
        self.indention = self.indention && is_indention;
    }

    // compat(sloth): plain scalars fold at a single space once the column is past 80, with the
    // continuation indented (key indent + 2); keys never fold (sloth-generation.md §7.2).
    fn write_plain(&mut self, value: &str, allow_breaks: bool) {
        if !self.whitespace {
            self.put(' ');
        }
        if value.is_ascii() && !value.bytes().any(|b| b == b'\n' || b == b'\r') {
            self.write_plain_ascii_line(value, allow_breaks);
        } else {
            let mut spaces = false;
            let mut breaks = false;
            let mut chars = value.chars().peekable();
            while let Some(c) = chars.next() {
                if c == ' ' {
                    let next_is_space = chars.peek() == Some(&' ');
                    if allow_breaks && !spaces && self.column > BEST_WIDTH && !next_is_space {
                        self.write_indent();
                    } else {
                        self.put(c);
                    }
                    spaces = true;
                } else if is_break(c) {
                    if !breaks && c == '\n' {
                        self.put_break();
                    }
                    self.write_break(c);
                    self.indention = true;
                    breaks = true;
                } else {
                    if breaks {
                        self.write_indent();
                    }
                    self.put(c);
                    self.indention = false;
                    spaces = false;
                    breaks = false;
                }
            }
        }
        self.whitespace = false;
        self.indention = false;
    }

    /// [`Self::write_plain`]'s loop for ASCII text without line breaks: the runs between
    /// spaces go out whole, and only spaces are looked at one by one, where folding may happen.
    fn write_plain_ascii_line(&mut self, value: &str, allow_breaks: bool) {
        let bytes = value.as_bytes();
        let mut spaces = false;
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i] == b' ' {
                let next_is_space = bytes.get(i + 1) == Some(&b' ');
                if allow_breaks && !spaces && self.column > BEST_WIDTH && !next_is_space {
                    self.write_indent();
                } else {
                    self.put(' ');
                }
                spaces = true;
                i += 1;
            } else {
                let end = bytes[i..]
                    .iter()
                    .position(|&b| b == b' ')
                    .map_or(bytes.len(), |p| i + p);
                self.out.push_str(&value[i..end]);
                self.column += end - i;
                self.indention = false;
                spaces = false;
                i = end;
            }
        }
    }

    fn write_single_quoted(&mut self, value: &str, allow_breaks: bool) {
        self.write_indicator("'", true, false, false);
        let mut spaces = false;
        let mut breaks = false;
        let mut chars = value.chars().peekable();
        let mut first = true;
        while let Some(c) = chars.next() {
            if c == ' ' {
                // Not at the first or last character, and not before another space.
                let fold_here = !first && chars.peek().is_some_and(|&n| n != ' ');
                if allow_breaks && !spaces && self.column > BEST_WIDTH && fold_here {
                    self.write_indent();
                } else {
                    self.put(c);
                }
                spaces = true;
            } else if is_break(c) {
                if !breaks && c == '\n' {
                    self.put_break();
                }
                self.write_break(c);
                self.indention = true;
                breaks = true;
            } else {
                if breaks {
                    self.write_indent();
                }
                if c == '\'' {
                    self.put('\'');
                }
                self.put(c);
                self.indention = false;
                spaces = false;
                breaks = false;
            }
            first = false;
        }
        self.write_indicator("'", false, false, false);
        self.whitespace = false;
        self.indention = false;
    }

    // compat(sloth): yaml.v2's double-quoted escapes, folding with a `\` before a leading
    // space of the continuation line (sloth-generation.md §7.2).
    fn write_double_quoted(&mut self, value: &str, allow_breaks: bool) {
        // compat(sloth): yaml.v2 checks for a byte-order mark at the start of the value instead
        // of at the current character, so a value starting with U+FEFF is escaped entirely
        // (sloth-generation.md §7.2).
        let starts_with_bom = value.starts_with('\u{feff}');
        self.write_indicator("\"", true, false, false);
        let mut spaces = false;
        let mut chars = value.chars().peekable();
        let mut first = true;
        while let Some(c) = chars.next() {
            if !is_printable(c) || starts_with_bom || is_break(c) || c == '"' || c == '\\' {
                self.put('\\');
                self.put_escape(c);
                spaces = false;
            } else if c == ' ' {
                let next = chars.peek().copied();
                if allow_breaks && !spaces && self.column > BEST_WIDTH && !first && next.is_some() {
                    self.write_indent();
                    if next == Some(' ') {
                        self.put('\\');
                    }
                } else {
                    self.put(c);
                }
                spaces = true;
            } else {
                self.put(c);
                spaces = false;
            }
            first = false;
        }
        self.write_indicator("\"", false, false, false);
        self.whitespace = false;
        self.indention = false;
    }

    /// The escape of `c` after its `\` in a double-quoted scalar.
    fn put_escape(&mut self, c: char) {
        match c {
            '\0' => self.put('0'),
            '\u{07}' => self.put('a'),
            '\u{08}' => self.put('b'),
            '\t' => self.put('t'),
            '\n' => self.put('n'),
            '\u{0b}' => self.put('v'),
            '\u{0c}' => self.put('f'),
            '\r' => self.put('r'),
            '\u{1b}' => self.put('e'),
            '"' => self.put('"'),
            '\\' => self.put('\\'),
            '\u{85}' => self.put('N'),
            '\u{a0}' => self.put('_'),
            '\u{2028}' => self.put('L'),
            '\u{2029}' => self.put('P'),
            _ => {
                let v = u32::from(c);
                let (letter, width) = if v <= 0xff {
                    ('x', 2)
                } else if v <= 0xffff {
                    ('u', 4)
                } else {
                    ('U', 8)
                };
                self.put(letter);
                for k in (0..width).rev() {
                    let digit = (v >> (4 * k)) & 0xf;
                    let hex = char::from_digit(digit, 16).expect("a hex digit");
                    self.put(hex.to_ascii_uppercase());
                }
            }
        }
    }

    // compat(sloth): literal blocks get `|`, `|-` or `|+` by their trailing line breaks and an
    // indentation indicator `2` when they start with a space or a break; empty lines carry no
    // indentation (sloth-generation.md §7.2).
    fn write_literal(&mut self, value: &str) {
        // Literal style is only chosen for values with a line break, so never empty.
        let first = value.chars().next().expect("a literal scalar is not empty");
        let mut from_end = value.chars().rev();
        let last = from_end.next().expect("a literal scalar is not empty");
        let before_last = from_end.next();
        self.write_indicator("|", true, false, false);
        if first == ' ' || is_break(first) {
            self.write_indicator(&BEST_INDENT.to_string(), false, false, false);
        }
        let chomp = if !is_break(last) {
            Some("-")
        } else if before_last.is_none_or(is_break) {
            Some("+")
        } else {
            None
        };
        if let Some(chomp) = chomp {
            self.write_indicator(chomp, false, false, false);
        }
        self.put_break();
        self.indention = true;
        self.whitespace = true;
        let mut breaks = true;
        for c in value.chars() {
            if is_break(c) {
                self.write_break(c);
                self.indention = true;
                breaks = true;
            } else {
                if breaks {
                    self.write_indent();
                }
                self.put(c);
                self.indention = false;
                breaks = false;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gofmt::{format_f, label_set};

    fn s(x: &str) -> Value {
        Value::Str(x.to_string())
    }

    fn map(entries: Vec<(&str, Value)>) -> Value {
        Value::Map(
            entries
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect(),
        )
    }

    /// The document `x: <value>`.
    fn one(value: &str) -> String {
        to_string(&map(vec![("x", s(value))]))
    }

    /// The document with `value` under `key`, nested in `k:` maps so that `key` sits at
    /// column `indent`.
    fn nested(indent: usize, key: &str, value: &str) -> String {
        let mut v = map(vec![(key, s(value))]);
        for _ in 0..indent / 2 {
            v = map(vec![("k", v)]);
        }
        to_string(&v)
    }

    /// The document with `value` under key `x` at column `indent`.
    fn at_indent(indent: usize, value: &str) -> String {
        nested(indent, "x", value)
    }

    #[test]
    fn plain_and_double_quoted_by_resolution() {
        let cases: &[(&str, &str)] = &[
            // Strings YAML 1.1 reads as something else get double quotes.
            ("2", r#""2""#),
            ("99.9", r#""99.9""#),
            ("-1", r#""-1""#),
            ("+1", r#""+1""#),
            ("1e3", r#""1e3""#),
            ("1E+3", r#""1E+3""#),
            (".5", r#"".5""#),
            ("1.", r#""1.""#),
            ("", r#""""#),
            ("~", r#""~""#),
            ("null", r#""null""#),
            ("Null", r#""Null""#),
            ("NULL", r#""NULL""#),
            ("true", r#""true""#),
            ("True", r#""True""#),
            ("FALSE", r#""FALSE""#),
            ("yes", r#""yes""#),
            ("Yes", r#""Yes""#),
            ("y", r#""y""#),
            ("N", r#""N""#),
            ("no", r#""no""#),
            ("on", r#""on""#),
            ("On", r#""On""#),
            ("OFF", r#""OFF""#),
            (".inf", r#"".inf""#),
            ("-.Inf", r#""-.Inf""#),
            ("+.INF", r#""+.INF""#),
            (".NaN", r#"".NaN""#),
            ("0x1F", r#""0x1F""#),
            ("0X1f", r#""0X1f""#),
            ("0o17", r#""0o17""#),
            ("017", r#""017""#),
            ("08", r#""08""#),
            ("0b101", r#""0b101""#),
            ("-0b101", r#""-0b101""#),
            ("0b-1", r#""0b-1""#),
            ("1_000", r#""1_000""#),
            (".5_5", r#"".5_5""#),
            ("18446744073709551615", r#""18446744073709551615""#),
            ("-9223372036854775809", r#""-9223372036854775809""#),
            ("2024-01-01", r#""2024-01-01""#),
            ("2024-1-2", r#""2024-1-2""#),
            ("2024-02-29", r#""2024-02-29""#),
            ("2024-01-01T10:00:00Z", r#""2024-01-01T10:00:00Z""#),
            (
                "2024-1-2t3:4:5.123456789+02:00",
                r#""2024-1-2t3:4:5.123456789+02:00""#,
            ),
            ("2024-01-01 10:00:00", r#""2024-01-01 10:00:00""#),
            ("2024-01-01  10:00:00,5", r#""2024-01-01  10:00:00,5""#),
            ("1:20", r#""1:20""#),
            ("07:30", r#""07:30""#),
            ("1:2:3", r#""1:2:3""#),
            ("+1_0:59.5", r#""+1_0:59.5""#),
            // Strings that stay strings are plain.
            ("<<", "<<"),
            ("yEs", "yEs"),
            ("yes please", "yes please"),
            ("._5", "._5"),
            ("1e999", "1e999"),
            ("0xFFFFFFFFFFFFFFFFFF", "0xFFFFFFFFFFFFFFFFFF"),
            ("0x", "0x"),
            ("1.2.3", "1.2.3"),
            ("2023-02-29", "2023-02-29"),
            ("2024-13-01", "2024-13-01"),
            ("2024-01-01T10:00:00", "2024-01-01T10:00:00"),
            ("2024-01-01T24:00:00Z", "2024-01-01T24:00:00Z"),
            ("2024-01-01x", "2024-01-01x"),
            ("12024-01-01", "12024-01-01"),
            ("1:60", "1:60"),
            ("5m", "5m"),
            ("30d", "30d"),
            ("myservice", "myservice"),
            ("it's", "it's"),
            ("cli-gen-prom", "cli-gen-prom"),
            ("prometheus/v1", "prometheus/v1"),
            ("vector(0.9990000000000001)", "vector(0.9990000000000001)"),
            ("\u{a0}x", "\u{a0}x"),
            ("é", "é"),
        ];
        for (value, want) in cases {
            assert_eq!(one(value), format!("x: {want}\n"), "value {value:?}");
        }
    }

    /// The one-pass ASCII analysis finds what the character walk finds, for every string of
    /// up to five characters over an alphabet of the characters that matter to it.
    #[test]
    fn ascii_analysis_matches_the_character_walk() {
        let alphabet = [' ', '\n', ':', '#', '-', '?', '.', 'a', '\'', '|', '\t'];
        let mut strings = vec![String::new()];
        let mut checked = 0;
        for _ in 0..5 {
            let mut longer = Vec::new();
            for s in &strings {
                for c in alphabet {
                    let t = format!("{s}{c}");
                    let slow = analyze_chars(&t);
                    match analyze_ascii(&t) {
                        Some(fast) => assert_eq!(fast, slow, "{t:?}"),
                        None => assert!(t.contains('\t'), "{t:?} left to the walk"),
                    }
                    checked += 1;
                    longer.push(t);
                }
            }
            strings = longer;
        }
        assert!(checked > 100_000);
        for t in [
            "---x", "...", "a: b", "a:", "x #y", "a\n#b", "é", "\u{85}x", "a\r",
        ] {
            if let Some(fast) = analyze_ascii(t) {
                assert_eq!(fast, analyze_chars(t), "{t:?}");
            } else {
                assert!(!t.is_ascii() || t.contains('\r'), "{t:?}");
            }
        }
    }

    #[test]
    fn single_quoted_for_indicators() {
        let cases: &[(&str, &str)] = &[
            ("#alerts-myteam", "'#alerts-myteam'"),
            ("a: b", "'a: b'"),
            ("a:", "'a:'"),
            ("1:", "'1:'"),
            ("- x", "'- x'"),
            ("-", "'-'"),
            ("? x", "'? x'"),
            (": x", "': x'"),
            ("@x", "'@x'"),
            ("`x`", "'`x`'"),
            ("%x", "'%x'"),
            ("!x", "'!x'"),
            ("&x", "'&x'"),
            ("*x", "'*x'"),
            ("|x", "'|x'"),
            (">x", "'>x'"),
            ("[a]", "'[a]'"),
            ("{a}", "'{a}'"),
            (",a", "',a'"),
            ("'q'", "'''q'''"),
            ("\"q\"", "'\"q\"'"),
            ("a #b", "'a #b'"),
            ("---", "'---'"),
            ("...x", "'...x'"),
            ("trail ", "'trail '"),
            (" lead", "' lead'"),
            (
                "{{$labels.sloth_service}} is down",
                "'{{$labels.sloth_service}} is down'",
            ),
            // Indicators that only matter in flow context, or not at the start, stay plain.
            ("a#b", "a#b"),
            ("a,b", "a,b"),
            ("a:b", "a:b"),
            ("?x", "?x"),
            (":x", ":x"),
            ("-x", "-x"),
            ("a [b] {c}", "a [b] {c}"),
            ("code=~\"(5..|429)\"", "code=~\"(5..|429)\""),
        ];
        for (value, want) in cases {
            assert_eq!(one(value), format!("x: {want}\n"), "value {value:?}");
        }
    }

    #[test]
    fn double_quoted_escapes() {
        let cases: &[(&str, &str)] = &[
            ("tab\there", r#""tab\there""#),
            ("a\rb", r#""a\rb""#),
            ("\u{0}\u{7}\u{8}\u{b}\u{c}\u{1b}", r#""\0\a\b\v\f\e""#),
            ("\u{1}\u{7f}", r#""\x01\x7F""#),
            ("\u{85}", r#""\N""#),
            ("\u{9f}", r#""\x9F""#),
            ("emoji😀", r#""emoji\U0001F600""#),
            ("😀", r#""\U0001F600""#),
            ("\u{fffe}", r#""\uFFFE""#),
            ("q\"b\\\t", r#""q\"b\\\t""#),
            // A newline with an escape-forcing neighbour: no literal block possible.
            ("a \nb", r#""a \nb""#),
            ("a\tb\nc", r#""a\tb\nc""#),
            ("a\nb ", r#""a\nb ""#),
            // Quirk: a leading byte-order mark escapes every character after it.
            ("\u{feff}ab c", r#""\uFEFF\x61\x62\x20\x63""#),
        ];
        for (value, want) in cases {
            assert_eq!(one(value), format!("x: {want}\n"), "value {value:?}");
        }
    }

    #[test]
    fn literal_blocks() {
        let cases: &[(&str, &str)] = &[
            ("a\nb", "x: |-\n  a\n  b\n"),
            ("a\nb\n", "x: |\n  a\n  b\n"),
            ("a\n\n", "x: |+\n  a\n\n"),
            ("a\nb\n\n\n", "x: |+\n  a\n  b\n\n\n"),
            ("\n", "x: |2+\n\n"),
            ("\na", "x: |2-\n\n  a\n"),
            (" a\nb", "x: |2-\n   a\n  b\n"),
            ("a\n\n  b\n", "x: |\n  a\n\n    b\n"),
            ("a\n b", "x: |-\n  a\n   b\n"),
            ("it's: #1\n- [x]", "x: |-\n  it's: #1\n  - [x]\n"),
        ];
        for (value, want) in cases {
            assert_eq!(one(value), *want, "value {value:?}");
        }
        // Content is indented two more than the owning key, wherever it is.
        assert_eq!(
            at_indent(4, "a\nb\n"),
            "k:\n  k:\n    x: |\n      a\n      b\n"
        );
        assert_eq!(
            to_string(&Value::Seq(vec![s("a\nb"), s("c")])),
            "- |-\n  a\n  b\n- c\n"
        );
    }

    #[test]
    fn plain_folding_at_80_columns() {
        let a77 = "a".repeat(77);
        let a78 = "a".repeat(78);
        // The column must be past 80 when the space comes.
        assert_eq!(one(&format!("{a77} b c")), format!("x: {a77} b\n  c\n"));
        assert_eq!(one(&format!("{a78} b c")), format!("x: {a78}\n  b c\n"));
        // Never at a space followed by a space, nor at the second of two spaces.
        assert_eq!(one(&format!("{a78}  b")), format!("x: {a78}  b\n"));
        // A long token is never broken.
        let long = "a".repeat(100);
        assert_eq!(one(&long), format!("x: {long}\n"));
        // Continuation lines are indented two more than the key.
        assert_eq!(
            at_indent(6, &format!("{a78} b")),
            format!("k:\n  k:\n    k:\n      x: {a78}\n        b\n")
        );
        // Keys never fold.
        let key = format!("{a78} b c");
        assert_eq!(
            to_string(&map(vec![(key.as_str(), s("v"))])),
            format!("{key}: v\n")
        );
    }

    /// Golden lines: the same strings fold differently at the std and the K8s indentation.
    #[test]
    fn golden_folding_points() {
        let sel = label_set([
            ("sloth_id", "myservice-requests-availability"),
            ("sloth_service", "myservice"),
            ("sloth_slo", "requests-availability"),
        ]);
        let expr = format!("1 - slo:period_burn_rate:ratio{sel}");
        assert_eq!(
            at_indent(4, &expr),
            "k:\n  k:\n    x: 1 - slo:period_burn_rate:ratio{sloth_id=\"myservice-requests-availability\",\n      sloth_service=\"myservice\", sloth_slo=\"requests-availability\"}\n"
        );
        assert_eq!(
            at_indent(6, &expr),
            "k:\n  k:\n    k:\n      x: 1 - slo:period_burn_rate:ratio{sloth_id=\"myservice-requests-availability\",\n        sloth_service=\"myservice\", sloth_slo=\"requests-availability\"}\n"
        );
        let title = "(ticket) {{$labels.sloth_service}} {{$labels.sloth_slo}} SLO error budget burn rate is too fast.";
        assert!(nested(6, "title", title).ends_with(
            "      title: (ticket) {{$labels.sloth_service}} {{$labels.sloth_slo}} SLO error budget\n        burn rate is too fast.\n"
        ));
        assert!(nested(8, "title", title).ends_with(
            "        title: (ticket) {{$labels.sloth_service}} {{$labels.sloth_slo}} SLO error\n          budget burn rate is too fast.\n"
        ));
        // Single-quoted folding (examples/_gen/home-wifi.yml, k8s-home-wifi.yml).
        let summary =
            "{{$labels.sloth_service}} {{$labels.sloth_slo}} SLO error budget burn rate is over expected.";
        assert!(nested(6, "summary", summary).ends_with(
            "      summary: '{{$labels.sloth_service}} {{$labels.sloth_slo}} SLO error budget burn\n        rate is over expected.'\n"
        ));
        assert!(nested(8, "summary", summary).ends_with(
            "        summary: '{{$labels.sloth_service}} {{$labels.sloth_slo}} SLO error budget\n          burn rate is over expected.'\n"
        ));
    }

    #[test]
    fn quoted_folding() {
        let a76 = "a".repeat(76);
        let a77 = "a".repeat(77);
        // Single-quoted: `x: '#` is 5 columns, so the space comes at column 81.
        assert_eq!(one(&format!("#{a76} b c")), format!("x: '#{a76}\n  b c'\n"));
        // Never at the last character.
        assert_eq!(one(&format!("#{a76} ")), format!("x: '#{a76} '\n"));
        // Double-quoted: a space after the fold is protected by a backslash.
        assert_eq!(
            one(&format!("\t{a77} b")),
            format!("x: \"\\t{a77}\n  b\"\n")
        );
        assert_eq!(
            one(&format!("\t{a77}  b")),
            format!("x: \"\\t{a77}\n  \\ b\"\n")
        );
        assert_eq!(one(&format!("\t{a77} ")), format!("x: \"\\t{a77} \"\n"));
    }

    #[test]
    fn keys() {
        let doc = |k: &str| to_string(&map(vec![(k, s("v"))]));
        assert_eq!(doc("2"), "\"2\": v\n");
        assert_eq!(doc("yes"), "\"yes\": v\n");
        assert_eq!(doc(""), "\"\": v\n");
        assert_eq!(doc("a: b"), "'a: b': v\n");
        assert_eq!(doc("#k"), "'#k': v\n");
        assert_eq!(doc("tab\tkey"), "\"tab\\tkey\": v\n");
        assert_eq!(
            doc("app.kubernetes.io/component"),
            "app.kubernetes.io/component: v\n"
        );
        // Up to 128 bytes a key is simple; longer keys use the complex form.
        let k128 = "k".repeat(128);
        assert_eq!(doc(&k128), format!("{k128}: v\n"));
        let k129 = "k".repeat(129);
        assert_eq!(doc(&k129), format!("? {k129}\n: v\n"));
        // Bytes, not characters: 43 three-byte characters are 129 bytes.
        let wide = "日".repeat(43);
        assert_eq!(doc(&wide), format!("? {wide}\n: v\n"));
        // A multi-line key is a complex key written as a literal block.
        assert_eq!(doc("a\nb"), "? |-\n  a\n  b\n: v\n");
        // Complex keys are not simple keys, so they fold.
        let words = vec!["word"; 30].join(" ");
        let folded = format!(
            "? {}\n  {}\n: v\n",
            vec!["word"; 16].join(" "),
            vec!["word"; 14].join(" ")
        );
        assert_eq!(doc(&words), folded);
        // Collections after a complex key start on the `:` line.
        assert_eq!(
            to_string(&map(vec![(k129.as_str(), map(vec![("a", Value::Int(1))]))])),
            format!("? {k129}\n: a: 1\n")
        );
        assert_eq!(
            to_string(&map(vec![(
                k129.as_str(),
                Value::Seq(vec![s("a"), s("b")])
            )])),
            format!("? {k129}\n: - a\n  - b\n")
        );
    }

    #[test]
    fn collections_and_indentation() {
        let cases: Vec<(Value, &str)> = vec![
            (map(vec![]), "{}\n"),
            (Value::Seq(vec![]), "[]\n"),
            (map(vec![("a", map(vec![]))]), "a: {}\n"),
            (map(vec![("a", Value::Seq(vec![]))]), "a: []\n"),
            (Value::Seq(vec![map(vec![]), Value::Seq(vec![])]), "- {}\n- []\n"),
            (
                map(vec![("a", map(vec![("b", map(vec![("c", s("d"))]))]))]),
                "a:\n  b:\n    c: d\n",
            ),
            (
                Value::Seq(vec![Value::Seq(vec![s("a"), s("b")]), Value::Seq(vec![s("c")])]),
                "- - a\n  - b\n- - c\n",
            ),
            (
                map(vec![(
                    "groups",
                    Value::Seq(vec![map(vec![
                        ("name", s("x")),
                        ("interval", s("5m")),
                        ("rules", Value::Seq(vec![map(vec![("record", s("r")), ("expr", s("e"))])])),
                    ])]),
                )]),
                "groups:\n- name: x\n  interval: 5m\n  rules:\n  - record: r\n    expr: e\n",
            ),
            (
                Value::Seq(vec![map(vec![("a", map(vec![("b", s("c"))])), ("d", s("e"))])]),
                "- a:\n    b: c\n  d: e\n",
            ),
            (
                map(vec![
                    ("i", Value::Int(5)),
                    ("neg", Value::Int(-3)),
                    ("t", Value::Bool(true)),
                    ("f", Value::Bool(false)),
                    ("h", Value::Float(0.5)),
                    ("g", Value::Float(1e6)),
                    ("s", Value::Float(1e-5)),
                    ("w", Value::Float(30.0)),
                    ("p", Value::Float(f64::INFINITY)),
                    ("m", Value::Float(f64::NEG_INFINITY)),
                    ("q", Value::Float(f64::NAN)),
                    ("z", Value::Null),
                ]),
                "i: 5\nneg: -3\nt: true\nf: false\nh: 0.5\ng: 1e+06\ns: 1e-05\nw: 30\np: .inf\nm: -.inf\nq: .nan\nz: null\n",
            ),
            (Value::Seq(vec![Value::Null, Value::Int(1)]), "- null\n- 1\n"),
        ];
        for (value, want) in cases {
            assert_eq!(to_string(&value), want, "{value:?}");
        }
    }

    /// Derived from the emitter code (no golden has it): a Unicode line separator is copied
    /// as is, resets the column, and the next line gets the scalar indentation.
    #[test]
    fn unicode_line_separator_quirk() {
        assert_eq!(one("a\u{2028}b"), "x: 'a\u{2028}  b'\n");
    }

    #[test]
    fn natural_order() {
        let ascending: &[&[&str]] = &[
            &["team2", "team10"],
            &["a9", "a10"],
            &["a1", "a01"],
            &["a-b", "a_b", "a1"],
            &["_x", "A", "a"],
            &["Z", "a", "z", "é"],
            &["a", "ab"],
            &["a11", "a105"],
            &["10", "100"],
            &["a100", "a10x"],
            &["x", "x1", "x1a"],
            &[
                "sloth_id",
                "sloth_mode",
                "sloth_objective",
                "sloth_service",
                "sloth_severity",
                "sloth_slo",
                "sloth_spec",
                "sloth_version",
                "sloth_window",
            ],
            &["cmd", "owner", "plug-l1", "repo", "sloth_id", "tier"],
            &["apiVersion", "kind", "metadata", "spec"],
            &["annotations", "labels", "name", "namespace"],
            &[
                "app.kubernetes.io/component",
                "app.kubernetes.io/managed-by",
            ],
            &["interval", "name", "rules"],
            &["alert", "annotations", "expr", "labels", "record"],
        ];
        for keys in ascending {
            for w in keys.windows(2) {
                assert_eq!(
                    natural_cmp(w[0], w[1]),
                    Ordering::Less,
                    "{} < {}",
                    w[0],
                    w[1]
                );
                assert_eq!(
                    natural_cmp(w[1], w[0]),
                    Ordering::Greater,
                    "{} > {}",
                    w[1],
                    w[0]
                );
            }
        }
        assert_eq!(natural_cmp("same", "same"), Ordering::Equal);
    }

    #[test]
    fn sort_natural_shallow_and_deep() {
        let unsorted = || {
            map(vec![
                ("team10", s("x")),
                (
                    "b",
                    Value::Seq(vec![map(vec![("z", s("1")), ("a", s("2"))])]),
                ),
                ("team2", map(vec![("yy", s("1")), ("x", s("2"))])),
                ("_a", s("x")),
            ])
        };
        let mut shallow = unsorted();
        sort_natural(&mut shallow, false);
        assert_eq!(
            to_string(&shallow),
            "_a: x\nb:\n- z: \"1\"\n  a: \"2\"\nteam2:\n  yy: \"1\"\n  x: \"2\"\nteam10: x\n"
        );
        let mut deep = unsorted();
        sort_natural(&mut deep, true);
        assert_eq!(
            to_string(&deep),
            "_a: x\nb:\n- a: \"2\"\n  z: \"1\"\nteam2:\n  x: \"2\"\n  yy: \"1\"\nteam10: x\n"
        );
    }

    // -----------------------------------------------------------------------------------------
    // Whole documents against Sloth's own output (examples/getting-started.yml, generated with
    // `--extra-labels cmd=examplesgen.sh`), built from the rule data, not parsed from the golden.

    struct Rule {
        record: Option<String>,
        alert: Option<String>,
        expr: String,
        labels: Vec<(String, String)>,
        annotations: Vec<(String, String)>,
    }

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    /// A labels map in the order given, as a Go map would arrive (unsorted).
    fn string_map(list: &[(String, String)]) -> Value {
        Value::Map(list.iter().map(|(k, v)| (k.clone(), s(v))).collect())
    }

    /// The rule groups of getting-started.yml; `mode` and `spec` are the info labels.
    fn getting_started_groups(mode: &str, spec: &str) -> Vec<(String, Vec<Rule>)> {
        let id = "myservice-requests-availability";
        let sel = label_set([
            ("sloth_slo", "requests-availability"),
            ("sloth_service", "myservice"),
            ("sloth_id", id),
        ]);
        // Deliberately out of order: the writers sort label maps.
        let base = pairs(&[
            ("tier", "2"),
            ("sloth_slo", "requests-availability"),
            ("sloth_service", "myservice"),
            ("sloth_id", id),
            ("repo", "myorg/myservice"),
            ("owner", "myteam"),
            ("cmd", "examplesgen.sh"),
        ]);
        let with = |extra: &[(&str, &str)]| {
            let mut l = base.clone();
            l.extend(pairs(extra));
            l
        };

        let mut sli = Vec::new();
        for w in ["5m", "30m", "1h", "2h", "6h", "1d", "3d"] {
            sli.push(Rule {
                record: Some(format!("slo:sli_error:ratio_rate{w}")),
                alert: None,
                expr: format!(
                    "(sum(rate(http_request_duration_seconds_count{{job=\"myservice\",code=~\"(5..|429)\"}}[{w}])))\n/\n(sum(rate(http_request_duration_seconds_count{{job=\"myservice\"}}[{w}])))\n"
                ),
                labels: with(&[("sloth_window", w)]),
                annotations: vec![],
            });
        }
        sli.push(Rule {
            record: Some("slo:sli_error:ratio_rate30d".into()),
            alert: None,
            expr: format!(
                "sum_over_time(slo:sli_error:ratio_rate5m{sel}[30d])\n/ ignoring (sloth_window)\ncount_over_time(slo:sli_error:ratio_rate5m{sel}[30d])\n"
            ),
            labels: with(&[("sloth_window", "30d")]),
            annotations: vec![],
        });

        let ratio = format_g(99.9 / 100.0);
        let burn = |w: &str| {
            format!(
                "slo:sli_error:ratio_rate{w}{sel}\n/ on(sloth_id, sloth_slo, sloth_service) group_left\nslo:error_budget:ratio{sel}\n"
            )
        };
        let meta_rule = |record: &str, expr: String, labels: Vec<(String, String)>| Rule {
            record: Some(record.into()),
            alert: None,
            expr,
            labels,
            annotations: vec![],
        };
        let objective = format_f(99.9);
        let meta = vec![
            meta_rule(
                "slo:objective:ratio",
                format!("vector({ratio})"),
                base.clone(),
            ),
            meta_rule(
                "slo:error_budget:ratio",
                format!("vector(1-{ratio})"),
                base.clone(),
            ),
            meta_rule("slo:time_period:days", "vector(30)".into(), base.clone()),
            meta_rule("slo:current_burn_rate:ratio", burn("5m"), base.clone()),
            meta_rule("slo:period_burn_rate:ratio", burn("30d"), base.clone()),
            meta_rule(
                "slo:period_error_budget_remaining:ratio",
                format!("1 - slo:period_burn_rate:ratio{sel}"),
                base.clone(),
            ),
            meta_rule(
                "sloth_slo_info",
                "vector(1)".into(),
                with(&[
                    ("sloth_version", "dev"),
                    ("sloth_spec", spec),
                    ("sloth_objective", &objective),
                    ("sloth_mode", mode),
                ]),
            ),
        ];

        let budget = format_g((100.0 - 99.9) / 100.0);
        let alert_expr = |quick: (&str, &str, f64), slow: (&str, &str, f64)| {
            let half = |(short, long, factor): (&str, &str, f64)| {
                let f = format_g(factor);
                format!(
                    "(\n    max(slo:sli_error:ratio_rate{short}{sel} > ({f} * {budget})) without (sloth_window)\n    and\n    max(slo:sli_error:ratio_rate{long}{sel} > ({f} * {budget})) without (sloth_window)\n)\n"
                )
            };
            format!("{}or\n{}", half(quick), half(slow))
        };
        let title = |sev: &str| {
            format!(
                "({sev}) {{{{$labels.sloth_service}}}} {{{{$labels.sloth_slo}}}} SLO error budget burn rate is too fast."
            )
        };
        let summary = "High error rate on 'myservice' requests responses";
        let alerts = vec![
            Rule {
                record: None,
                alert: Some("MyServiceHighErrorRate".into()),
                expr: alert_expr(("5m", "1h", 14.4), ("30m", "6h", 6.0)),
                labels: pairs(&[
                    ("sloth_severity", "page"),
                    ("severity", "pageteam"),
                    ("routing_key", "myteam"),
                    ("category", "availability"),
                ]),
                annotations: vec![
                    ("title".into(), title("page")),
                    ("summary".into(), summary.into()),
                ],
            },
            Rule {
                record: None,
                alert: Some("MyServiceHighErrorRate".into()),
                expr: alert_expr(("2h", "1d", 3.0), ("6h", "3d", 1.0)),
                labels: pairs(&[
                    ("sloth_severity", "ticket"),
                    ("slack_channel", "#alerts-myteam"),
                    ("severity", "slack"),
                    ("category", "availability"),
                ]),
                annotations: vec![
                    ("title".into(), title("ticket")),
                    ("summary".into(), summary.into()),
                ],
            },
        ];

        vec![
            (format!("sloth-slo-sli-recordings-{id}"), sli),
            (format!("sloth-slo-meta-recordings-{id}"), meta),
            (format!("sloth-slo-alerts-{id}"), alerts),
        ]
    }

    /// The std writer's shape: Go struct order, label and annotation maps natural-sorted.
    fn std_rule(r: &Rule) -> Value {
        let mut m = Vec::new();
        if let Some(record) = &r.record {
            m.push(("record".to_string(), s(record)));
        }
        if let Some(alert) = &r.alert {
            m.push(("alert".to_string(), s(alert)));
        }
        m.push(("expr".to_string(), s(&r.expr)));
        for (key, list) in [("labels", &r.labels), ("annotations", &r.annotations)] {
            if !list.is_empty() {
                let mut v = string_map(list);
                sort_natural(&mut v, false);
                m.push((key.to_string(), v));
            }
        }
        Value::Map(m)
    }

    /// The K8s writer's shape: plain maps in any order, everything natural-sorted.
    fn k8s_rule(r: &Rule) -> Value {
        let mut m = Vec::new();
        if !r.labels.is_empty() {
            m.push(("labels".to_string(), string_map(&r.labels)));
        }
        if !r.annotations.is_empty() {
            m.push(("annotations".to_string(), string_map(&r.annotations)));
        }
        m.push(("expr".to_string(), s(&r.expr)));
        if let Some(record) = &r.record {
            m.push(("record".to_string(), s(record)));
        }
        if let Some(alert) = &r.alert {
            m.push(("alert".to_string(), s(alert)));
        }
        Value::Map(m)
    }

    fn golden(path: &str) -> String {
        let file = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/golden")
            .join(path);
        let text = std::fs::read_to_string(&file)
            .unwrap_or_else(|e| panic!("reading golden {}: {e}", file.display()));
        let header = "\n---\n# Code generated by Sloth (dev): https://github.com/slok/sloth.\n# DO NOT EDIT.\n\n";
        text.strip_prefix(header)
            .expect("a single Sloth document with the dev header")
            .to_string()
    }

    fn assert_same(got: &str, want: &str) {
        if got != want {
            let line = got
                .lines()
                .zip(want.lines())
                .position(|(g, w)| g != w)
                .unwrap_or(0);
            panic!(
                "first difference at line {}:\n got: {:?}\nwant: {:?}",
                line + 1,
                got.lines().nth(line),
                want.lines().nth(line)
            );
        }
    }

    #[test]
    fn golden_std_getting_started() {
        let groups = getting_started_groups("cli-gen-prom", "prometheus/v1");
        let doc = map(vec![(
            "groups",
            Value::Seq(
                groups
                    .iter()
                    .map(|(name, rules)| {
                        map(vec![
                            ("name", s(name)),
                            ("rules", Value::Seq(rules.iter().map(std_rule).collect())),
                        ])
                    })
                    .collect(),
            ),
        )]);
        assert_same(
            &to_string(&doc),
            &golden("examples/_gen/getting-started.yml"),
        );
    }

    #[test]
    fn golden_k8s_getting_started() {
        let groups = getting_started_groups("cli-gen-k8s", "sloth.slok.dev/v1");
        let mut doc = map(vec![
            (
                "spec",
                map(vec![(
                    "groups",
                    Value::Seq(
                        groups
                            .iter()
                            .map(|(name, rules)| {
                                map(vec![
                                    ("rules", Value::Seq(rules.iter().map(k8s_rule).collect())),
                                    ("name", s(name)),
                                ])
                            })
                            .collect(),
                    ),
                )]),
            ),
            (
                "metadata",
                map(vec![
                    ("namespace", s("monitoring")),
                    ("name", s("sloth-slo-my-service")),
                    (
                        "labels",
                        map(vec![
                            ("app.kubernetes.io/managed-by", s("sloth")),
                            ("app.kubernetes.io/component", s("SLO")),
                        ]),
                    ),
                ]),
            ),
            ("kind", s("PrometheusRule")),
            ("apiVersion", s("monitoring.coreos.com/v1")),
        ]);
        sort_natural(&mut doc, true);
        assert_same(
            &to_string(&doc),
            &golden("examples/_gen/k8s-getting-started.yml"),
        );
    }
}
