//! Whether a plain scalar would read back as a string under yaml.v2's YAML 1.1 rules; the
//! writer quotes every string that would not.

use crate::yaml::resolve::is_yaml_float;

/// True when yaml.v2 would read `s`, written plain, back as a string (`resolve` gives `!!str`).
// compat(sloth): yaml.v2 resolves YAML 1.1 style: yes/no/on/off are bools, `0x1F`, `0o17`,
// `017` and `0b101` are ints, `2024-01-01` is a timestamp (sloth-generation.md §7.2).
pub(super) fn resolves_to_string(s: &str) -> bool {
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
            if is_yaml_float(&plain) && go_parse_float(&plain).is_some() {
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
pub(super) fn go_parse_uint(s: &str, base: u32) -> Option<u64> {
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
pub(super) fn go_parse_int(s: &str, base: u32) -> bool {
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

/// Go `strconv.ParseFloat(s, 64)` for the strings yaml.v2 passes it: `None` on a syntax error
/// or on overflow to infinity. Underscores are accepted between digits, as Go does.
///
/// Only decimal syntax is handled: yaml.v2 calls `ParseFloat` on text starting with `.` or on
/// text that already matched its decimal float pattern, so Go's `inf`/`nan` spellings and hex
/// floats cannot reach it (and are refused here).
pub(super) fn go_parse_float(s: &str) -> Option<f64> {
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
pub(super) fn go_underscore_ok(s: &str) -> bool {
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
pub(super) fn is_base60_float(s: &str) -> bool {
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
pub(super) fn is_go_timestamp(s: &str) -> bool {
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
pub(super) fn go_getnum(b: &[u8]) -> Option<(u32, &[u8])> {
    let d0 = *b.first().filter(|c| c.is_ascii_digit())?;
    match b.get(1).filter(|c| c.is_ascii_digit()) {
        Some(&d1) => Some((u32::from(d0 - b'0') * 10 + u32::from(d1 - b'0'), &b[2..])),
        None => Some((u32::from(d0 - b'0'), &b[1..])),
    }
}

/// `2006-1-2`: year, month (1–12) and day (range checked by the caller), and the rest.
pub(super) fn parse_go_date(b: &[u8]) -> Option<(u32, u32, u32, &[u8])> {
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
pub(super) fn parse_go_clock(b: &[u8]) -> Option<&[u8]> {
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
pub(super) fn parse_go_zone(b: &[u8]) -> Option<&[u8]> {
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

pub(super) fn days_in_month(month: u32, year: u32) -> u32 {
    match month {
        2 if year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400)) => {
            29
        }
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}
