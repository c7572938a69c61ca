//! YAML 1.1 scalar resolution, as yaml.v2 `resolve.go` does it.
//!
//! compat(sloth): Sloth's readers all go through yaml.v2, so `yes`, `on` and `y` are booleans,
//! `02` is octal and `1_000` is an integer (sloth-generation.md §3.1, §7.2). A YAML 1.2 parser
//! would type these differently, so the typing is done here, not by the parser.

use super::{Scalar, ScalarStyle};

/// A scalar's YAML 1.1 type and value.
#[derive(Debug, Clone, PartialEq)]
pub enum Resolved {
    Null,
    Bool(bool),
    Int(i128),
    Float(f64),
    Str(String),
}

/// Types a scalar: quoted and block scalars and `!!str` are strings; plain ones are resolved.
pub fn resolve(s: &Scalar) -> Resolved {
    if s.style != ScalarStyle::Plain {
        return Resolved::Str(s.text.clone());
    }
    match s.tag.as_deref() {
        None | Some("") => resolve_plain(&s.text),
        Some(t) if t.ends_with("str") => Resolved::Str(s.text.clone()),
        Some(t) if t.ends_with("bool") || t.ends_with("int") || t.ends_with("float") => {
            resolve_plain(&s.text)
        }
        Some(t) if t.ends_with("null") => Resolved::Null,
        Some(_) => resolve_plain(&s.text),
    }
}

/// Types the text of an untagged plain scalar.
pub fn resolve_plain(text: &str) -> Resolved {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Resolved::Null,
        "y" | "Y" | "yes" | "Yes" | "YES" | "on" | "On" | "ON" | "true" | "True" | "TRUE" => {
            return Resolved::Bool(true)
        }
        "n" | "N" | "no" | "No" | "NO" | "off" | "Off" | "OFF" | "false" | "False" | "FALSE" => {
            return Resolved::Bool(false)
        }
        ".nan" | ".NaN" | ".NAN" => return Resolved::Float(f64::NAN),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => {
            return Resolved::Float(f64::INFINITY)
        }
        "-.inf" | "-.Inf" | "-.INF" => return Resolved::Float(f64::NEG_INFINITY),
        _ => {}
    }
    let first = text.as_bytes()[0];
    if first == b'.' {
        if let Some(f) = go_parse_float(text) {
            return Resolved::Float(f);
        }
        return Resolved::Str(text.to_string());
    }
    if !(first.is_ascii_digit() || first == b'+' || first == b'-') {
        return Resolved::Str(text.to_string());
    }
    if is_timestamp(text) {
        return Resolved::Str(text.to_string());
    }
    let plain: String = text.chars().filter(|&c| c != '_').collect();
    if let Some(i) = go_parse_int(&plain) {
        return Resolved::Int(i);
    }
    if is_yaml_float(&plain) {
        if let Some(f) = go_parse_float(&plain) {
            return Resolved::Float(f);
        }
    }
    Resolved::Str(text.to_string())
}

/// Go `strconv.ParseInt(s, 0, 64)` (falling back to `ParseUint`), on text without `_`.
fn go_parse_int(s: &str) -> Option<i128> {
    let (neg, body) = match s.as_bytes().first()? {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    if body.is_empty() {
        return None;
    }
    let (radix, digits) = if let Some(rest) = body.strip_prefix("0x").or(body.strip_prefix("0X")) {
        (16, rest)
    } else if let Some(rest) = body.strip_prefix("0b").or(body.strip_prefix("0B")) {
        (2, rest)
    } else if let Some(rest) = body.strip_prefix("0o").or(body.strip_prefix("0O")) {
        (8, rest)
    } else if body.len() > 1 && body.starts_with('0') {
        (8, &body[1..])
    } else {
        (10, body)
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    let v = u64::from_str_radix(digits, radix).ok()?;
    let v = i128::from(v);
    if neg {
        // ParseInt: down to i64::MIN; ParseUint refuses any sign.
        if v > i128::from(i64::MAX) + 1 {
            return None;
        }
        Some(-v)
    } else {
        Some(v)
    }
}

/// `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$` (resolve.go `yamlStyleFloat`); the
/// writer's quoting decision uses the same test.
pub(crate) fn is_yaml_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
        i += 1;
    }
    let digits = |i: &mut usize| {
        let start = *i;
        while *i < b.len() && b[*i].is_ascii_digit() {
            *i += 1;
        }
        *i - start
    };
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

/// Go `strconv.ParseFloat(s, 64)` for the decimal forms YAML produces.
fn go_parse_float(s: &str) -> Option<f64> {
    let lower = s.to_ascii_lowercase();
    let body = lower.trim_start_matches(['+', '-']);
    if body.starts_with("inf") || body.starts_with("nan") {
        return None;
    }
    s.parse::<f64>().ok()
}

/// yaml.v2 `parseTimestamp`: four digits then `-`, in one of the accepted layouts.
fn is_timestamp(s: &str) -> bool {
    let b = s.as_bytes();
    let year_digits = b.iter().take_while(|c| c.is_ascii_digit()).count();
    if year_digits != 4 || b.len() == 4 || b[4] != b'-' {
        return false;
    }
    // Date part: YYYY-M-D or YYYY-MM-DD, optionally followed by a time.
    let rest = &s[5..];
    let mut parts = rest.splitn(2, '-');
    let month = parts.next().unwrap_or("");
    let tail = parts.next().unwrap_or("");
    if month.is_empty() || month.len() > 2 || !month.bytes().all(|c| c.is_ascii_digit()) {
        return false;
    }
    let day_len = tail.bytes().take_while(|c| c.is_ascii_digit()).count();
    if day_len == 0 || day_len > 2 {
        return false;
    }
    let time = &tail[day_len..];
    if time.is_empty() {
        return true;
    }
    let sep = time.as_bytes()[0];
    if !(sep == b'T' || sep == b't' || sep == b' ') {
        return false;
    }
    let t = &time[1..];
    let mut fields = t.splitn(3, ':');
    let h = fields.next().unwrap_or("");
    let m = fields.next().unwrap_or("");
    let sec = fields.next().unwrap_or("");
    let ok_num = |x: &str| !x.is_empty() && x.len() <= 2 && x.bytes().all(|c| c.is_ascii_digit());
    if !ok_num(h) || !ok_num(m) {
        return false;
    }
    let sec_digits = sec.bytes().take_while(|c| c.is_ascii_digit()).count();
    sec_digits > 0 && sec_digits <= 2
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_1_1_table() {
        use Resolved::*;
        let cases: &[(&str, Resolved)] = &[
            ("", Null),
            ("~", Null),
            ("null", Null),
            ("yes", Bool(true)),
            ("On", Bool(true)),
            ("y", Bool(true)),
            ("no", Bool(false)),
            ("off", Bool(false)),
            ("2", Int(2)),
            ("02", Int(2)),
            ("010", Int(8)),
            ("0x1F", Int(31)),
            ("1_000", Int(1000)),
            ("-5", Int(-5)),
            ("08", Float(8.0)),
            ("1.10", Float(1.1)),
            ("99.9", Float(99.9)),
            ("1e6", Float(1e6)),
            (".5", Float(0.5)),
            ("2024-01-01", Str("2024-01-01".into())),
            ("1.2.3", Str("1.2.3".into())),
            ("myservice", Str("myservice".into())),
            ("#x", Str("#x".into())),
        ];
        for (text, want) in cases {
            assert_eq!(&resolve_plain(text), want, "{text:?}");
        }
    }

    #[test]
    fn quoted_is_always_a_string() {
        let s = Scalar {
            text: "2".into(),
            style: ScalarStyle::DoubleQuoted,
            tag: None,
        };
        assert_eq!(resolve(&s), Resolved::Str("2".into()));
    }
}
