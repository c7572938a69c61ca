//! MetricsQL, VictoriaMetrics' query language, as far as slogen checks it.
//!
//! There is no MetricsQL parser in Rust. MetricsQL accepts PromQL, so [`check`] first asks
//! the PromQL parser; a query it refuses is then read with MetricsQL's lexical rules
//! (`metricsql/lexer.go`: identifiers with `:` and `.`, three kinds of string quotes,
//! durations such as `1h30m` or `1i`, numbers with `Ki`/`MB` suffixes, `#` comments) and its
//! structure is checked: brackets pair up, the query is not empty and does not end in an
//! operator, and every called function is a MetricsQL function ([`functions`]) or a `WITH`
//! template defined in the query. That catches what breaks rule files in practice (an
//! unclosed bracket, an unknown or misspelt function, a half-edited query); the complete
//! grammar is vmalert's, and `vmalert -dryRun -rule=FILE` is the authoritative check (the
//! tests run it on every generated vmalert file; docs/engines.md shows how to run it in CI).

pub mod functions;

/// One token of a query, with its byte offset.
#[derive(Debug, Clone, PartialEq)]
struct Token {
    kind: Kind,
    at: usize,
}

#[derive(Debug, Clone, PartialEq)]
enum Kind {
    Ident(String),
    Str,
    Number,
    Open(char),
    Close(char),
    /// `,`, `:`, `@`, `=` and other punctuation that joins operands.
    Punct(char),
    /// A binary or comparison operator (`+`, `==`, `=~`, …).
    Op(&'static str),
}

/// Checks that `expr` can be a MetricsQL expression; the reason when it cannot.
pub fn check(expr: &str) -> Result<(), String> {
    if expr.trim().is_empty() {
        return Err("empty expression".into());
    }
    if crate::promql::check(expr).is_ok() {
        return Ok(());
    }
    let tokens = lex(expr)?;
    if tokens.is_empty() {
        return Err("empty expression (only comments)".into());
    }
    brackets(expr, &tokens)?;
    calls(&tokens)?;
    keep_metric_names(&tokens)?;
    if let Some(Token {
        kind: Kind::Op(op), ..
    }) = tokens.last()
    {
        return Err(format!("the expression ends with the operator `{op}`"));
    }
    Ok(())
}

/// Names of the functions `expr` calls, in order (lower case; `WITH` templates excluded).
/// `None` when it does not lex.
pub fn called_functions(expr: &str) -> Option<Vec<String>> {
    let tokens = lex(expr).ok()?;
    let defined = with_names(&tokens);
    Some(
        tokens
            .windows(2)
            .filter_map(|w| match (&w[0].kind, &w[1].kind) {
                (Kind::Ident(name), Kind::Open('(')) => Some(name.to_ascii_lowercase()),
                _ => None,
            })
            .filter(|n| !KEYWORDS.contains(&n.as_str()) && !defined.contains(n))
            .collect(),
    )
}

/// True when `expr` uses MetricsQL's `WITH` templates, which PromQL lacks.
pub fn uses_with(expr: &str) -> bool {
    lex(expr).is_ok_and(|t| {
        t.windows(2).any(|w| {
            matches!((&w[0].kind, &w[1].kind), (Kind::Ident(n), Kind::Open('('))
                if n.eq_ignore_ascii_case("with"))
        })
    })
}

/// Words followed by `(` that are not function calls.
const KEYWORDS: &[&str] = &[
    "by",
    "without",
    "on",
    "ignoring",
    "group_left",
    "group_right",
    "with",
    "and",
    "or",
    "unless",
    "if",
    "ifnot",
    "default",
    "atan2",
    "bool",
    "offset",
    "limit",
    "keep_metric_names",
];

fn lex(s: &str) -> Result<Vec<Token>, String> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        let at = i;
        let push = |out: &mut Vec<Token>, kind| out.push(Token { kind, at });
        match c {
            b' ' | b'\t' | b'\n' | b'\r' => i += 1,
            b'#' => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            b'"' | b'\'' | b'`' => {
                i += 1;
                loop {
                    match b.get(i) {
                        None => return Err(format!("unterminated string starting at offset {at}")),
                        Some(b'\\') if c != b'`' => i += 2,
                        Some(&q) if q == c => {
                            i += 1;
                            break;
                        }
                        Some(_) => i += 1,
                    }
                }
                push(&mut out, Kind::Str);
            }
            b'(' | b'{' | b'[' => {
                push(&mut out, Kind::Open(c as char));
                i += 1;
            }
            b')' | b'}' | b']' => {
                push(&mut out, Kind::Close(c as char));
                i += 1;
            }
            b',' | b':' | b'@' | b';' => {
                push(&mut out, Kind::Punct(c as char));
                i += 1;
            }
            b'0'..=b'9' => {
                i = number(b, i)?;
                push(&mut out, Kind::Number);
            }
            b'.' if b.get(i + 1).is_some_and(u8::is_ascii_digit) => {
                i = number(b, i)?;
                push(&mut out, Kind::Number);
            }
            b'$' if s[i..].starts_with("$__interval") => {
                i += "$__interval".len();
                push(&mut out, Kind::Number);
            }
            _ => {
                if let Some((op, len)) = operator(&s[i..]) {
                    push(
                        &mut out,
                        if op == "=" {
                            Kind::Punct('=')
                        } else {
                            Kind::Op(op)
                        },
                    );
                    i += len;
                    continue;
                }
                let (ident, len) = ident(&s[i..]).ok_or_else(|| {
                    let ch = s[i..].chars().next().unwrap_or('?');
                    format!("unexpected character {ch:?} at offset {i}")
                })?;
                push(&mut out, Kind::Ident(ident));
                i += len;
            }
        }
    }
    Ok(out)
}

fn operator(s: &str) -> Option<(&'static str, usize)> {
    const OPS: &[&str] = &[
        "==", "!=", ">=", "<=", "=~", "!~", "+", "-", "*", "/", "%", "^", ">", "<", "=",
    ];
    OPS.iter()
        .find(|o| s.starts_with(**o))
        .map(|o| (*o, o.len()))
}

/// An identifier: a letter, `_` or `:` (or a `\` escape) first, then also digits and `.`.
fn ident(s: &str) -> Option<(String, usize)> {
    let mut name = String::new();
    let mut chars = s.char_indices().peekable();
    while let Some(&(i, c)) = chars.peek() {
        let ok = if name.is_empty() {
            c.is_alphabetic() || c == '_' || c == ':'
        } else {
            c.is_alphanumeric() || c == '_' || c == ':' || c == '.'
        };
        if c == '\\' {
            chars.next();
            let (_, escaped) = chars.next()?;
            name.push(escaped);
            continue;
        }
        if !ok {
            return (!name.is_empty()).then_some((name, i));
        }
        name.push(c);
        chars.next();
    }
    (!name.is_empty()).then_some((name, s.len()))
}

/// Scans a number or a duration starting at `i`; the offset after it.
fn number(b: &[u8], start: usize) -> Result<usize, String> {
    let mut i = start;
    while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_' || b[i] == b'.') {
        // An exponent's sign belongs to the number (`1e-3`).
        if matches!(b[i], b'e' | b'E')
            && matches!(b.get(i + 1), Some(b'+' | b'-'))
            && b.get(i + 2).is_some_and(u8::is_ascii_digit)
            && b[start..i].iter().all(|c| c.is_ascii_digit() || *c == b'.')
        {
            i += 2;
        }
        i += 1;
    }
    let text = std::str::from_utf8(&b[start..i]).unwrap_or("");
    if is_number(text) || is_duration(text) {
        Ok(i)
    } else {
        Err(format!(
            "`{text}` at offset {start} is neither a number nor a duration"
        ))
    }
}

fn is_number(t: &str) -> bool {
    let t = t.replace('_', "");
    for (prefix, radix) in [("0x", 16), ("0X", 16), ("0o", 8), ("0b", 2)] {
        if let Some(digits) = t.strip_prefix(prefix) {
            return !digits.is_empty() && u64::from_str_radix(digits, radix).is_ok();
        }
    }
    const SUFFIXES: &[&str] = &[
        "KiB", "MiB", "GiB", "TiB", "KB", "MB", "GB", "TB", "Ki", "Mi", "Gi", "Ti", "K", "M", "G",
        "T",
    ];
    let base = SUFFIXES
        .iter()
        .find_map(|s| t.strip_suffix(s))
        .unwrap_or(&t);
    !base.is_empty() && base.parse::<f64>().is_ok()
}

fn is_duration(t: &str) -> bool {
    let b = t.as_bytes();
    let mut i = 0;
    if b.is_empty() {
        return false;
    }
    while i < b.len() {
        let digits = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i < b.len() && b[i] == b'.' {
            i += 1;
            while i < b.len() && b[i].is_ascii_digit() {
                i += 1;
            }
        }
        if i == digits || i == b.len() {
            return false;
        }
        match b[i] {
            b'm' | b'M' if matches!(b.get(i + 1), Some(b's' | b'S')) => i += 2,
            b'm' => i += 1,
            b's' | b'S' | b'h' | b'H' | b'd' | b'D' | b'w' | b'W' | b'y' | b'Y' | b'i' | b'I' => {
                i += 1
            }
            _ => return false,
        }
    }
    true
}

fn brackets(expr: &str, tokens: &[Token]) -> Result<(), String> {
    let mut stack: Vec<(char, usize)> = Vec::new();
    for t in tokens {
        match t.kind {
            Kind::Open(c) => stack.push((c, t.at)),
            Kind::Close(c) => {
                let want = match c {
                    ')' => '(',
                    '}' => '{',
                    _ => '[',
                };
                match stack.pop() {
                    Some((open, _)) if open == want => {}
                    Some((open, at)) => {
                        return Err(format!(
                            "`{c}` at offset {} closes the `{open}` opened at offset {at}",
                            t.at
                        ))
                    }
                    None => return Err(format!("unexpected `{c}` at offset {}", t.at)),
                }
            }
            _ => {}
        }
    }
    match stack.pop() {
        Some((open, at)) => Err(format!(
            "the `{open}` opened at offset {at} is never closed ({} bytes follow it)",
            expr.len() - at - 1
        )),
        None => Ok(()),
    }
}

/// Names a `WITH (…)` in the query defines: the identifier that starts each item.
fn with_names(tokens: &[Token]) -> Vec<String> {
    let mut names = Vec::new();
    for (i, w) in tokens.windows(2).enumerate() {
        let (Kind::Ident(kw), Kind::Open('(')) = (&w[0].kind, &w[1].kind) else {
            continue;
        };
        if !kw.eq_ignore_ascii_case("with") {
            continue;
        }
        let mut depth = 0usize;
        let mut item_start = true;
        for t in &tokens[i + 1..] {
            match &t.kind {
                Kind::Open(_) => {
                    depth += 1;
                    // The WITH's own bracket starts the first item.
                    item_start = depth == 1;
                    continue;
                }
                Kind::Close(_) => {
                    depth -= 1;
                    if depth == 0 {
                        break;
                    }
                }
                Kind::Punct(',') if depth == 1 => {
                    item_start = true;
                    continue;
                }
                Kind::Ident(n) if depth == 1 && item_start => names.push(n.to_ascii_lowercase()),
                _ => {}
            }
            item_start = false;
        }
    }
    names
}

/// `keep_metric_names` follows a rollup or transform function's `)`: never an aggregation's,
/// a plain bracket's or a selector's.
fn keep_metric_names(tokens: &[Token]) -> Result<(), String> {
    let mut opened_by: Vec<Option<String>> = Vec::new();
    let mut last_closed: Option<Option<String>> = None;
    for (i, t) in tokens.iter().enumerate() {
        match &t.kind {
            Kind::Open(c) => {
                let func = match (c, i.checked_sub(1).map(|p| &tokens[p].kind)) {
                    ('(', Some(Kind::Ident(n))) => Some(n.to_ascii_lowercase()),
                    _ => None,
                };
                opened_by.push(func);
                last_closed = None;
            }
            Kind::Close(')') => last_closed = opened_by.pop(),
            Kind::Close(_) => {
                opened_by.pop();
                last_closed = Some(None);
            }
            Kind::Ident(n) if n.eq_ignore_ascii_case("keep_metric_names") => {
                let ok = matches!(&last_closed, Some(Some(f))
                    if functions::is_metricsql(f) && !functions::is_aggregate(f));
                if !ok {
                    return Err(format!(
                        "`keep_metric_names` at offset {} must follow a rollup or transform function call such as `rate(…)`, not an aggregation or a selector",
                        t.at
                    ));
                }
                last_closed = None;
            }
            _ => last_closed = None,
        }
    }
    Ok(())
}

fn calls(tokens: &[Token]) -> Result<(), String> {
    let defined = with_names(tokens);
    for w in tokens.windows(2) {
        let (Kind::Ident(name), Kind::Open('(')) = (&w[0].kind, &w[1].kind) else {
            continue;
        };
        let lower = name.to_ascii_lowercase();
        if KEYWORDS.contains(&lower.as_str())
            || functions::is_metricsql(&lower)
            || defined.contains(&lower)
        {
            continue;
        }
        return Err(format!(
            "unknown function `{name}` at offset {} (not a MetricsQL function nor a WITH template of this query)",
            w[0].at
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_promql_and_metricsql() {
        for q in [
            "sum(rate(http_requests_total{code=~\"5..\"}[5m]))",
            "1 - histogram_share(0.2, sum by (vmrange) (rate(d_bucket{a=\"b\"}[5m])))",
            "vector(1)[5m]",
            "WITH (f = {job=\"x\"}) sum(rate(f[1h30m]))",
            "WITH (r(m) = rate(m[5i])) r(x) / r(y)",
            "rate(x[$__interval]) default 0",
            "sum(rate(x[5m]) keep_metric_names)",
            "x{a=\"1\" or b=\"2\"} > 1Ki # a comment",
            "range_avg(increase_pure(x[1d])) * 1e-3",
        ] {
            assert_eq!(check(q), Ok(()), "{q}");
        }
    }

    #[test]
    fn refuses_what_vmalert_refuses() {
        for (q, why) in [
            ("sum(rate(x[5m])", "never closed"),
            ("sum(rate(x[5m]}))", "closes the `(`"),
            ("sum(rate(x[5m])))", "unexpected `)`"),
            (
                "histogram_shar(0.2, x)",
                "unknown function `histogram_shar`",
            ),
            ("sum(rate(x[5m])) /", "ends with the operator"),
            ("x{a=\"b}", "unterminated string"),
            ("rate(x[5q])", "neither a number nor a duration"),
            ("sum(rate(x[5m])) keep_metric_names", "must follow a rollup"),
            ("", "empty"),
        ] {
            let err = check(q).unwrap_err();
            assert!(err.contains(why), "{q}: {err}");
        }
    }

    #[test]
    fn lists_called_functions_without_templates() {
        assert_eq!(
            called_functions("WITH (r(m) = RATE(m[5m])) histogram_share(0.5, r(x))").unwrap(),
            vec!["rate", "histogram_share"]
        );
        assert!(uses_with("with (a = 1) a"));
        assert!(!uses_with("sum(x)"));
    }
}
