//! The emitter state machine of yaml.v2 (emitterc.go), driven by a tree walk or by
//! [`super::Writer`] instead of an event queue.

use super::analyze::*;
use super::*;

/// A mapping value (not a key).
pub(super) const IN_MAPPING: Context = Context {
    mapping: true,
    simple_key: false,
};
/// A sequence item, or the document's root.
pub(super) const IN_SEQUENCE: Context = Context {
    mapping: false,
    simple_key: false,
};

/// Where a node sits, as far as the emitter's decisions go.
#[derive(Debug, Clone, Copy)]
pub(super) struct Context {
    /// The node is a mapping key or value (block sequences there are not indented).
    pub(super) mapping: bool,
    /// The node is a simple (`key:`) mapping key: never folded, never a block scalar.
    pub(super) simple_key: bool,
}

pub(super) struct Emitter {
    pub(super) out: String,
    /// Characters (not bytes) written on the current line, indentation included.
    pub(super) column: usize,
    /// The last thing written was whitespace (or nothing yet on the line).
    pub(super) whitespace: bool,
    /// Only indentation has been written on the current line so far.
    pub(super) indention: bool,
    pub(super) indent: i32,
    pub(super) indents: Vec<i32>,
}

impl Emitter {
    pub(super) fn new(out: String) -> Self {
        Emitter {
            out,
            column: 0,
            whitespace: true,
            indention: true,
            indent: -1,
            indents: Vec::new(),
        }
    }

    pub(super) fn node(&mut self, v: &Value, ctx: Context) {
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
    pub(super) fn empty_flow(&mut self, open: &str, close: &str) {
        self.write_indicator(open, true, true, false);
        self.increase_indent(true, false);
        self.pop_indent();
        self.write_indicator(close, false, false, false);
    }

    pub(super) fn block_mapping(&mut self, entries: &[(String, Value)]) {
        self.increase_indent(false, false);
        for (key, value) in entries {
            self.mapping_key(key);
            self.node(value, IN_MAPPING);
        }
        self.pop_indent();
    }

    /// One key of a block mapping, up to and including its `:`.
    pub(super) fn mapping_key(&mut self, key: &str) {
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

    pub(super) fn block_sequence(&mut self, items: &[Value], ctx: Context) {
        self.sequence_start(ctx);
        for item in items {
            self.sequence_item();
            self.node(item, IN_SEQUENCE);
        }
        self.pop_indent();
    }

    pub(super) fn sequence_start(&mut self, ctx: Context) {
        // compat(sloth): a block sequence that is a mapping value is not indented
        // (`groups:` / `- name:` in the same column; sloth-generation.md §7.2).
        let indentless = ctx.mapping && !self.indention;
        self.increase_indent(false, indentless);
    }

    /// The `-` of one sequence item.
    pub(super) fn sequence_item(&mut self) {
        self.write_indent();
        self.write_indicator("-", true, false, true);
    }

    pub(super) fn scalar(&mut self, value: &str, requested: Style, ctx: Context) {
        self.scalar_analyzed(value, &analyze(value), requested, ctx);
    }

    pub(super) fn scalar_analyzed(
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

    pub(super) fn increase_indent(&mut self, flow: bool, indentless: bool) {
        self.indents.push(self.indent);
        if self.indent < 0 {
            self.indent = if flow { BEST_INDENT } else { 0 };
        } else if !indentless {
            self.indent += BEST_INDENT;
        }
    }

    pub(super) fn pop_indent(&mut self) {
        self.indent = self.indents.pop().expect("indent pushed by the same node");
    }

    /// Writes one character that is not a line break.
    pub(super) fn put(&mut self, c: char) {
        self.out.push(c);
        self.column += 1;
    }

    pub(super) fn put_break(&mut self) {
        self.out.push('\n');
        self.column = 0;
    }

    /// yaml.v2 `write_break`: `\n` is written as the configured break; the other break
    /// characters are copied and reset the column.
    pub(super) fn write_break(&mut self, c: char) {
        if c == '\n' {
            self.put_break();
        } else {
            self.out.push(c);
            self.column = 0;
        }
    }

    pub(super) fn write_indent(&mut self) {
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

    pub(super) fn write_indicator(
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
    pub(super) fn write_plain(&mut self, value: &str, allow_breaks: bool) {
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
    pub(super) fn write_plain_ascii_line(&mut self, value: &str, allow_breaks: bool) {
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

    pub(super) fn write_single_quoted(&mut self, value: &str, allow_breaks: bool) {
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
    pub(super) fn write_double_quoted(&mut self, value: &str, allow_breaks: bool) {
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
    pub(super) fn put_escape(&mut self, c: char) {
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
    pub(super) fn write_literal(&mut self, value: &str) {
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
