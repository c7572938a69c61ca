//! Checking that text parses as PromQL without compiling each regex matcher again.
//!
//! promql-parser compiles a full `regex::Regex` for every `=~` / `!~` matcher it reads, and
//! that compilation was most of the cost of validating SLI queries and of `--verify-exprs`:
//! the same matchers come back in every SLO of a service, in the error and total queries, and
//! in every window's generated expression. [`check`] answers the same question as a full
//! parse, Ok or the parser's own error, while compiling each distinct regex literal once per
//! thread.
//!
//! Why the answer is the same: the parser reads a regex matcher's literal only to unquote and
//! compile it (refusing the query when either fails) and to ask whether the matcher matches
//! the empty string (a selector of matchers that all match it is refused); nothing else in the
//! grammar or its checks looks at the literal. The four match operators are interchangeable
//! in the grammar (`match_op`), and `=` appears nowhere else in it. So when every regex
//! literal unquotes and compiles on its own, the query parses exactly when the query with each
//! `name=~"…"` / `name!~"…"` replaced by `name=""` (the matcher matches the empty string) or
//! `name="x"` (it does not) parses. Every other outcome, an invalid literal, a lexer error or a
//! failed parse of the replaced text, is answered by parsing the original text, so errors are
//! word for word the parser's own.

use std::cell::RefCell;
use std::collections::HashMap;

use lrpar::{Lexeme, Lexer};
use promql_parser::parser::token::{T_EQL_REGEX, T_NEQ_REGEX, T_STRING};
use promql_parser::parser::Expr;

/// Distinct regex literals remembered per thread before the memory is cleared.
const MAX_LITERALS: usize = 4096;

thread_local! {
    /// `(negated, literal as written)` → whether the matcher matches the empty string, or
    /// `None` when the literal does not unquote or compile.
    static LITERALS: RefCell<HashMap<(bool, String), Option<bool>>> = RefCell::new(HashMap::new());
}

/// Whether `text` parses as PromQL; the error is the one [`super::parse`] gives.
pub fn check(text: &str) -> Result<(), String> {
    // Text without `=~` / `!~` has no regex matcher: nothing to replace, so no need to lex it
    // first (most generated rules: metadata and alerts).
    if !text.contains("=~") && !text.contains("!~") {
        return super::parse(text).map(|_| ());
    }
    if let Some(replaced) = without_regex_matchers(text) {
        if super::parse(&replaced).is_ok() {
            return Ok(());
        }
    }
    super::parse(text).map(|_| ())
}

/// `text` with every regex matcher replaced by an equality matcher that matches the empty
/// string exactly when the regex matcher does; `None` when the text does not lex, when a
/// regex literal is invalid, or when there is no regex matcher to replace.
fn without_regex_matchers(text: &str) -> Option<String> {
    let tokens = super::guarded(|| {
        let lexer = promql_parser::parser::lexer(text)?;
        let tokens: Vec<(u16, usize, usize)> = lexer
            .iter()
            .filter_map(Result::ok)
            .map(|l| (l.tok_id(), l.span().start(), l.span().end()))
            .collect();
        Ok(tokens)
    })
    .ok()?;
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    let mut replaced = false;
    for pair in tokens.windows(2) {
        let [(op, op_start, _), (T_STRING, lit_start, lit_end)] = pair else {
            continue;
        };
        let negated = match *op {
            T_EQL_REGEX => false,
            T_NEQ_REGEX => true,
            _ => continue,
        };
        let matches_empty = literal_matches_empty(negated, &text[*lit_start..*lit_end])?;
        out.push_str(&text[copied..*op_start]);
        out.push_str(if matches_empty { "=\"\"" } else { "=\"x\"" });
        copied = *lit_end;
        replaced = true;
    }
    if !replaced {
        return None;
    }
    out.push_str(&text[copied..]);
    Some(out)
}

/// Whether the matcher `a=~literal` (`a!~literal` when `negated`) matches the empty string;
/// `None` when the parser refuses the literal. Parsed once per thread and literal.
fn literal_matches_empty(negated: bool, literal: &str) -> Option<bool> {
    let key = (negated, literal.to_string());
    if let Some(known) = LITERALS.with(|m| m.borrow().get(&key).copied()) {
        return known;
    }
    let op = if negated { "!~" } else { "=~" };
    let answer = match super::parse(&format!("x{{a{op}{literal}}}")) {
        Ok(Expr::VectorSelector(vs)) => match vs.matchers.matchers.as_slice() {
            [m] if vs.matchers.or_matchers.is_empty() => Some(m.is_match("")),
            _ => None,
        },
        _ => None,
    };
    LITERALS.with(|m| {
        let mut m = m.borrow_mut();
        if m.len() >= MAX_LITERALS {
            m.clear();
        }
        m.insert(key, answer);
    });
    answer
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The check and a full parse agree, error messages included.
    fn agrees(text: &str) {
        assert_eq!(
            check(text),
            super::super::parse(text).map(|_| ()),
            "{text:?}"
        );
    }

    #[test]
    fn agrees_with_the_parser() {
        for text in [
            r#"sum(rate(x{a=~"(5..|429)",b!~"canary|shadow"}[5m]))"#,
            r#"x{a=~"("}"#,                // invalid regex
            r#"x{a!~"[z-a]"}"#,            // invalid range
            r#"{a=~".*"}"#,                // every matcher matches ""
            r#"{a!~".+"}"#,                // NotRe of a non-empty regex matches ""
            r#"{a=~".+"}"#,                // fine: does not match ""
            r#"{a!~""}"#,                  // fine: does not match ""
            r#"{a=~".*", b="x"}"#,         // fine
            r#"{__name__=~"x.*", a="1"}"#, // fine
            r#"x{__name__=~"x"}"#,         // name set twice
            r#"x{a=~"\q"}"#,               // bad escape
            r#"x{a=~'single'} + y{b!~`raw\d`}"#,
            r#"x{a=~=~"x"}"#,
            r#"x{a=~b}"#,
            r#"x{a=~"x"} == bool y"#,
            r#"x{"quoted.name"=~"a|b"}"#,
            r#"{"quoted.name"=~".*"}"#,
            r#"x{a=~"a{2,1}"}"#,  // repeat bounds reversed
            r#"x{a=~"a{bbb}c"}"#, // Go-style literal braces
            "x{a=~\"x\" # comment\n}",
            r#"sum(rate(x{a=~"b"}[5m])"#,                  // unclosed
            r#"rate(x{a=~"b"}[18446744073709551615:1m])"#, // panics inside the parser
        ] {
            agrees(text);
        }
    }

    #[test]
    fn remembers_literals() {
        assert_eq!(literal_matches_empty(false, r#""a|""#), Some(true));
        assert_eq!(literal_matches_empty(true, r#""a|""#), Some(false));
        assert_eq!(literal_matches_empty(false, r#""(""#), None);
        let known = LITERALS.with(|m| m.borrow().get(&(true, r#""a|""#.to_string())).copied());
        assert_eq!(known, Some(Some(false)));
    }
}
