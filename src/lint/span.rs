//! Spans from parser positions: how far the key or value that starts at a position reaches.
//!
//! The YAML parser gives where each key and value starts. To underline the whole token, the
//! end is read from the source line at that known position: a quoted scalar ends at its
//! closing quote, a plain one before `: `, ` #` or the end of the line. For SLI queries, a
//! place inside the query (a `[5m]`, an `le` matcher) is mapped back to the file through the
//! scalar's style.

use crate::diag::Span;
use crate::source::Pos;

/// The text of line `line` (from 1) of `text`.
pub(crate) fn line_of(text: &str, line: usize) -> Option<&str> {
    if line == 0 {
        return None;
    }
    text.split('\n')
        .nth(line - 1)
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
}

/// The span of the key or scalar that starts at `pos`.
pub(crate) fn token(text: &str, pos: Pos) -> Span {
    if pos.is_unknown() {
        return Span::default();
    }
    let Some(line) = line_of(text, pos.line) else {
        return Span::on_line(pos, 1);
    };
    let rest: Vec<char> = line.chars().skip(pos.col - 1).collect();
    let len = match rest.first() {
        None => 1,
        Some('"') => closing(&rest, '"', true),
        Some('\'') => closing(&rest, '\'', false),
        Some('|') | Some('>') | Some('{') | Some('[') => 1,
        Some(_) => plain_len(&rest),
    };
    Span::on_line(pos, len)
}

fn closing(rest: &[char], quote: char, escapes: bool) -> usize {
    let mut i = 1;
    while i < rest.len() {
        if escapes && rest[i] == '\\' {
            i += 2;
            continue;
        }
        if rest[i] == quote {
            if !escapes && rest.get(i + 1) == Some(&quote) {
                i += 2;
                continue;
            }
            return i + 1;
        }
        i += 1;
    }
    rest.len()
}

fn plain_len(rest: &[char]) -> usize {
    let mut end = rest.len();
    for i in 0..rest.len() {
        let next = rest.get(i + 1).copied();
        if rest[i] == ':' && (next.is_none() || next == Some(' ') || next == Some('\t')) {
            end = i;
            break;
        }
        if rest[i] == '#' && i > 0 && (rest[i - 1] == ' ' || rest[i - 1] == '\t') {
            end = i;
            break;
        }
    }
    while end > 0 && rest[end - 1].is_whitespace() {
        end -= 1;
    }
    end.max(1)
}

/// Where the characters of a scalar value live in the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ValueLayout {
    /// On one line from this column (after any opening quote).
    Inline(Pos),
    /// A literal block (`|`): line k of the value is file line `first + k`, indented.
    Literal { first: usize },
    /// Anything else (folded, multi-line plain): only the start is known.
    Other(Pos),
}

/// The layout of the scalar value at `pos`.
///
/// For block scalars the parser reports where the content starts, so a value that begins a
/// line under a key ending in `|` is a literal block starting on that line.
pub(crate) fn layout(text: &str, pos: Pos) -> ValueLayout {
    let Some(line) = line_of(text, pos.line) else {
        return ValueLayout::Other(pos);
    };
    let before: String = line.chars().take(pos.col.saturating_sub(1)).collect();
    if before.trim().is_empty() && pos.line > 1 {
        match block_indicator(text, pos.line - 1) {
            Some('|') => return ValueLayout::Literal { first: pos.line },
            Some(_) => return ValueLayout::Other(pos),
            None => {}
        }
    }
    match line.chars().nth(pos.col.saturating_sub(1)) {
        Some('|') => ValueLayout::Literal {
            first: pos.line + 1,
        },
        Some('>') => ValueLayout::Other(pos),
        Some('"') | Some('\'') => ValueLayout::Inline(Pos::new(pos.line, pos.col + 1)),
        _ => ValueLayout::Inline(pos),
    }
}

/// `|` or `>` when the nearest non-blank line at or above `line` ends with a block scalar
/// header (`key: |`, `key: |-`, `key: >2`).
fn block_indicator(text: &str, mut line: usize) -> Option<char> {
    while line > 0 {
        let l = line_of(text, line)?;
        let l = match l.find(" #") {
            Some(i) => &l[..i],
            None => l,
        };
        let t = l.trim_end();
        if t.is_empty() {
            line -= 1;
            continue;
        }
        let head = t.trim_end_matches(|c: char| c == '-' || c == '+' || c.is_ascii_digit());
        let c = head.chars().last()?;
        let prev = head[..head.len() - 1].chars().last();
        return ((c == '|' || c == '>')
            && matches!(prev, Some(' ') | Some(':') | Some('-') | None))
        .then_some(c);
    }
    None
}

/// The span of `len` characters at byte offset `offset` of a value with `layout`; the
/// value's first line when the place cannot be known.
pub(crate) fn inside(
    text: &str,
    layout: ValueLayout,
    value: &str,
    offset: usize,
    len: usize,
) -> Span {
    let offset = floor_boundary(value, offset);
    let before = &value[..offset];
    match layout {
        ValueLayout::Inline(start) if !before.contains('\n') => Span::on_line(
            Pos::new(start.line, start.col + before.chars().count()),
            len,
        ),
        ValueLayout::Literal { first } => {
            let k = before.matches('\n').count();
            let col_in_value = before.rsplit('\n').next().unwrap_or("").chars().count();
            let line = first + k;
            let indent = line_of(text, line)
                .map(|l| l.chars().take_while(|c| *c == ' ').count())
                .unwrap_or(0);
            Span::on_line(Pos::new(line, indent + 1 + col_in_value), len)
        }
        ValueLayout::Inline(start) | ValueLayout::Other(start) => token(text, start),
    }
}

/// The span of a whole query value: all its lines for a literal block, else its token.
pub(crate) fn value(text: &str, pos: Pos, value: &str) -> Span {
    match layout(text, pos) {
        ValueLayout::Literal { first } => {
            let Some(l) = line_of(text, first) else {
                return token(text, pos);
            };
            let indent = l.chars().take_while(|c| *c == ' ').count();
            let lines = value.trim_end_matches('\n').matches('\n').count();
            let last = first + lines;
            let end_col = line_of(text, last)
                .map(|t| t.trim_end().chars().count())
                .unwrap_or(0)
                + 1;
            Span {
                start: Pos::new(first, indent + 1),
                end: Pos::new(last, end_col),
            }
        }
        _ => token(text, pos),
    }
}

fn floor_boundary(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_ends() {
        let t = "  ticker_alert: x\n  name: \"a \\\" b\" # c\n  q: sum(x) # note\n";
        assert_eq!(token(t, Pos::new(1, 3)).end, Pos::new(1, 15));
        assert_eq!(token(t, Pos::new(2, 9)).end, Pos::new(2, 17));
        assert_eq!(token(t, Pos::new(3, 6)).end, Pos::new(3, 12));
    }

    #[test]
    fn places_inside_literal_blocks() {
        let t = "q: |\n    sum(a[5m])\n    /\n    sum(b[5m])\n";
        let value = "sum(a[5m])\n/\nsum(b[5m])\n";
        let l = layout(t, Pos::new(1, 4));
        assert_eq!(l, ValueLayout::Literal { first: 2 });
        let off = value.rfind("[5m]").unwrap();
        assert_eq!(
            inside(t, l, value, off, 4),
            Span::on_line(Pos::new(4, 10), 4)
        );
    }

    #[test]
    fn block_content_positions_are_literal_blocks() {
        let t = "q: |-\n    sum(a[5m])\n    / 2\n";
        let l = layout(t, Pos::new(2, 5));
        assert_eq!(l, ValueLayout::Literal { first: 2 });
        assert_eq!(
            inside(t, l, "sum(a[5m])\n/ 2", 11, 1),
            Span::on_line(Pos::new(3, 5), 1)
        );
        assert_eq!(
            layout("q: >\n  a\n", Pos::new(2, 3)),
            ValueLayout::Other(Pos::new(2, 3))
        );
        assert_eq!(
            layout("a: 1\nq: x\n", Pos::new(2, 4)),
            ValueLayout::Inline(Pos::new(2, 4))
        );
    }

    #[test]
    fn places_inside_quoted_values() {
        let t = "q: \"sum(a[5m])\"\n";
        let l = layout(t, Pos::new(1, 4));
        assert_eq!(
            inside(t, l, "sum(a[5m])", 5, 4),
            Span::on_line(Pos::new(1, 10), 4)
        );
    }
}
