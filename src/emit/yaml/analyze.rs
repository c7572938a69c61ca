//! Choosing a scalar's style as yaml.v2 does: the style the encoder asks for, the
//! emitter's analysis of the scalar, and the style it settles on.

use super::resolve::{is_base60_float, resolves_to_string};

pub(super) const BEST_INDENT: i32 = 2;
pub(super) const BEST_WIDTH: usize = 80;
/// Keys longer than this many bytes are written in the `? key` / `: value` form.
pub(super) const MAX_SIMPLE_KEY_LEN: usize = 128;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Style {
    Plain,
    SingleQuoted,
    DoubleQuoted,
    Literal,
}

/// The style the encoder asks for a Go string (encode.go `stringv`).
pub(super) fn requested_string_style(s: &str) -> Style {
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
pub(super) struct Analysis {
    pub(super) multiline: bool,
    pub(super) block_plain_allowed: bool,
    pub(super) single_quoted_allowed: bool,
    pub(super) block_allowed: bool,
}

/// yaml.v2 `is_printable`: `\n`, 0x20–0x7E, U+00A0–U+D7FF, U+E000–U+FFFD except U+FEFF.
/// TAB, CR, DEL, C1 controls and every character outside the BMP (emoji) are not printable.
pub(super) fn is_printable(c: char) -> bool {
    matches!(c, '\n' | '\u{20}'..='\u{7e}' | '\u{a0}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}')
        && c != '\u{feff}'
}

/// yaml.v2 `is_break`: CR, LF, NEL, LS, PS.
pub(super) fn is_break(c: char) -> bool {
    matches!(c, '\r' | '\n' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

/// yaml.v2 `is_blank`: space or tab.
pub(super) fn is_blank(c: char) -> bool {
    c == ' ' || c == '\t'
}

/// yaml.v2 `is_blankz`: blank, break or NUL.
pub(super) fn is_blankz(c: char) -> bool {
    is_blank(c) || is_break(c) || c == '\0'
}

pub(super) fn analyze(value: &str) -> Analysis {
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
pub(super) struct Findings {
    pub(super) block_indicators: bool,
    pub(super) line_breaks: bool,
    pub(super) special_characters: bool,
    pub(super) leading_space: bool,
    pub(super) leading_break: bool,
    pub(super) trailing_space: bool,
    pub(super) trailing_break: bool,
    pub(super) break_space: bool,
    pub(super) space_break: bool,
}

impl Findings {
    /// The styles the findings allow, as yaml.v2 derives them.
    ///
    /// Flow-context permissions are not tracked: Sloth's documents never hold a scalar inside
    /// a flow collection (only empty `{}` and `[]` are flow).
    pub(super) fn analysis(&self) -> Analysis {
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
pub(super) fn analyze_ascii(value: &str) -> Option<Findings> {
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
pub(super) fn analyze_chars(value: &str) -> Findings {
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
pub(super) fn select_style(requested: Style, value: &str, a: &Analysis, simple_key: bool) -> Style {
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
