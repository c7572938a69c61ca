//! The few pieces of Go's standard library whose behaviour leaks into SLI plugin output or
//! errors: `strconv.ParseFloat`/`ParseBool` (which inputs they accept and their error texts),
//! `strconv.Quote` (used by those error texts and by `%q`), `fmt`'s `%f`, and the syntax check
//! of `regexp.Compile` (RE2 syntax with Go's error texts).
//!
//! These are written from the Go documentation and behaviour. `strconv.Quote` is the crate's
//! [`crate::gofmt::quote_go`].

use crate::gofmt::quote_go as quote;

/// Go `fmt.Sprintf("%f", x)`: six decimals, `+Inf`, `-Inf`, `NaN` (unlike
/// [`crate::gofmt::format_f`], which is the shortest `'f'` form).
pub(crate) fn format_percent_f(x: f64) -> String {
    if x.is_nan() {
        "NaN".to_string()
    } else if x.is_infinite() {
        if x > 0.0 { "+Inf" } else { "-Inf" }.to_string()
    } else {
        format!("{x:.6}")
    }
}

/// Go `strconv.ParseBool`.
pub(crate) fn parse_bool(s: &str) -> Result<bool, String> {
    match s {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Ok(true),
        "0" | "f" | "F" | "FALSE" | "false" | "False" => Ok(false),
        _ => Err(format!(
            "strconv.ParseBool: parsing {}: invalid syntax",
            quote(s)
        )),
    }
}

/// Go `strconv.ParseFloat(s, 64)`: same accepted syntax (decimal and hexadecimal literals,
/// digit-separating underscores, `inf`/`infinity`/`nan` in any case), same errors.
pub(crate) fn parse_float(s: &str) -> Result<f64, String> {
    let syntax = || format!("strconv.ParseFloat: parsing {}: invalid syntax", quote(s));
    let range = || {
        format!(
            "strconv.ParseFloat: parsing {}: value out of range",
            quote(s)
        )
    };
    if let Some((value, n)) = special(s) {
        return if n == s.len() {
            Ok(value)
        } else {
            Err(syntax())
        };
    }
    let b = s.as_bytes();
    let mut i = 0;
    let mut neg = false;
    if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
        neg = b[i] == b'-';
        i += 1;
    }
    let hex = i + 2 < b.len() && b[i] == b'0' && lower(b[i + 1]) == b'x';
    if hex {
        i += 2;
    }
    let mut underscores = false;
    let mut saw_dot = false;
    let mut saw_digits = false;
    // Decimal: the digits as written (for Rust's parser). Hex: mantissa bits.
    let mut mantissa: u64 = 0;
    let mut nd = 0i64;
    let mut nd_mant = 0i64;
    let mut dp = 0i64;
    let mut trunc = false;
    while i < b.len() {
        let c = b[i];
        if c == b'_' {
            underscores = true;
        } else if c == b'.' {
            if saw_dot {
                break;
            }
            saw_dot = true;
            dp = nd;
        } else if c.is_ascii_digit() || (hex && c.is_ascii_hexdigit()) {
            saw_digits = true;
            if hex {
                if c == b'0' && nd == 0 {
                    dp -= 1;
                } else {
                    nd += 1;
                    if nd_mant < 16 {
                        mantissa = mantissa * 16 + u64::from(hex_val(c));
                        nd_mant += 1;
                    } else if c != b'0' {
                        trunc = true;
                    }
                }
            }
        } else {
            break;
        }
        i += 1;
    }
    if !saw_digits {
        return Err(syntax());
    }
    if !saw_dot {
        dp = nd;
    }
    let exp_char = if hex { b'p' } else { b'e' };
    let mut exp = 0i64;
    if i < b.len() && lower(b[i]) == exp_char {
        i += 1;
        if i >= b.len() {
            return Err(syntax());
        }
        let mut esign = 1;
        if b[i] == b'+' || b[i] == b'-' {
            if b[i] == b'-' {
                esign = -1;
            }
            i += 1;
        }
        if i >= b.len() || !b[i].is_ascii_digit() {
            return Err(syntax());
        }
        while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'_') {
            if b[i] == b'_' {
                underscores = true;
            } else if exp < 10000 {
                exp = exp * 10 + i64::from(b[i] - b'0');
            }
            i += 1;
        }
        exp *= esign;
    } else if hex {
        return Err(syntax());
    }
    if underscores && !underscore_ok(&s[..i]) {
        return Err(syntax());
    }
    if i != b.len() {
        return Err(syntax());
    }
    let value = if hex {
        // value = mantissa * 2^(4*(dp - nd_mant) + exp)
        let mut m = mantissa;
        if trunc {
            m |= 1;
        }
        let e = 4 * (dp - nd_mant) + exp;
        let e = e.clamp(-5000, 5000) as i32;
        let mut v = m as f64;
        // Scale in steps so that intermediate results neither overflow nor underflow early.
        let mut e = e;
        while e > 0 {
            let step = e.min(1000);
            v *= 2f64.powi(step);
            e -= step;
        }
        while e < 0 {
            let step = (-e).min(1000);
            v /= 2f64.powi(step);
            e += step;
        }
        if neg {
            -v
        } else {
            v
        }
    } else {
        let cleaned: String = s.chars().filter(|&c| c != '_').collect();
        match cleaned.parse::<f64>() {
            Ok(v) => v,
            Err(_) => return Err(syntax()),
        }
    };
    if value.is_infinite() {
        return Err(range());
    }
    Ok(value)
}

fn lower(c: u8) -> u8 {
    c | (b'x' - b'X')
}

fn hex_val(c: u8) -> u8 {
    match c {
        b'0'..=b'9' => c - b'0',
        b'a'..=b'f' => c - b'a' + 10,
        b'A'..=b'F' => c - b'A' + 10,
        _ => 0,
    }
}

/// Go's `special`: a possibly signed `inf`/`infinity`, or `nan` (unsigned), as a prefix of `s`.
fn special(s: &str) -> Option<(f64, usize)> {
    let b = s.as_bytes();
    let first = *b.first()?;
    let prefix_len = |t: &[u8], word: &[u8]| {
        t.iter()
            .zip(word)
            .take_while(|(a, w)| a.to_ascii_lowercase() == **w)
            .count()
    };
    match first {
        b'+' | b'-' | b'i' | b'I' => {
            let (sign, nsign) = match first {
                b'-' => (-1.0, 1),
                b'+' => (1.0, 1),
                _ => (1.0, 0),
            };
            let mut n = prefix_len(&b[nsign..], b"infinity");
            if 3 < n && n < 8 {
                n = 3;
            }
            if n == 3 || n == 8 {
                return Some((sign * f64::INFINITY, nsign + n));
            }
            None
        }
        b'n' | b'N' if prefix_len(b, b"nan") == 3 => Some((f64::NAN, 3)),
        _ => None,
    }
}

/// Go's `underscoreOK`: underscores only between digits (or after a base prefix).
fn underscore_ok(s: &str) -> bool {
    let mut b = s.as_bytes();
    let mut saw = b'^';
    let mut i = 0;
    if !b.is_empty() && (b[0] == b'-' || b[0] == b'+') {
        b = &b[1..];
    }
    let mut hex = false;
    if b.len() >= 2 && b[0] == b'0' && matches!(lower(b[1]), b'b' | b'o' | b'x') {
        i = 2;
        saw = b'0';
        hex = lower(b[1]) == b'x';
    }
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_digit() || (hex && c.is_ascii_hexdigit()) {
            saw = b'0';
        } else if c == b'_' {
            if saw != b'0' {
                return false;
            }
            saw = b'_';
        } else {
            if saw == b'_' {
                return false;
            }
            saw = b'!';
        }
        i += 1;
    }
    saw != b'_'
}

/// The syntax check of Go's `regexp.Compile` (RE2 syntax with Perl extensions). `Err` holds Go's
/// error text, e.g. ``error parsing regexp: missing closing ): `(a` ``.
///
/// Not reproduced: the limits on nesting depth, program size and nested repetition counts.
pub(crate) fn regexp_check(expr: &str) -> Result<(), String> {
    RegexpChecker {
        expr,
        stack: Vec::new(),
    }
    .run()
    .map_err(|(code, fragment)| format!("error parsing regexp: {code}: `{fragment}`"))
}

const ERR_INVALID_CHAR_RANGE: &str = "invalid character class range";
const ERR_INVALID_ESCAPE: &str = "invalid escape sequence";
const ERR_INVALID_NAMED_CAPTURE: &str = "invalid named capture";
const ERR_INVALID_PERL_OP: &str = "invalid or unsupported Perl syntax";
const ERR_INVALID_REPEAT_OP: &str = "invalid nested repetition operator";
const ERR_INVALID_REPEAT_SIZE: &str = "invalid repeat count";
const ERR_MISSING_BRACKET: &str = "missing closing ]";
const ERR_MISSING_PAREN: &str = "missing closing )";
const ERR_MISSING_REPEAT_ARGUMENT: &str = "missing argument to repetition operator";
const ERR_TRAILING_BACKSLASH: &str = "trailing backslash at end of expression";
const ERR_UNEXPECTED_PAREN: &str = "unexpected )";

type ReErr = (&'static str, String);

#[derive(Clone, Copy, PartialEq)]
enum Item {
    LeftParen,
    VerticalBar,
    Atom,
}

struct RegexpChecker<'a> {
    expr: &'a str,
    stack: Vec<Item>,
}

impl<'a> RegexpChecker<'a> {
    fn err(&self, code: &'static str, from: usize, to: usize) -> ReErr {
        (code, self.expr[from..to].to_string())
    }

    fn byte(&self, i: usize) -> Option<u8> {
        self.expr.as_bytes().get(i).copied()
    }

    /// The rune at `i` and the index after it; `None` at the end (Go's RuneError with size 0).
    fn rune(&self, i: usize) -> Option<(char, usize)> {
        self.expr[i..].chars().next().map(|c| (c, i + c.len_utf8()))
    }

    fn run(mut self) -> Result<(), ReErr> {
        let len = self.expr.len();
        let mut i = 0;
        let mut last_repeat: Option<usize> = None;
        while i < len {
            let mut repeat = None;
            match self.expr.as_bytes()[i] {
                b'(' => {
                    if self.byte(i + 1) == Some(b'?') {
                        i = self.perl_flags(i)?;
                    } else {
                        self.stack.push(Item::LeftParen);
                        i += 1;
                    }
                }
                b'|' => {
                    while matches!(self.stack.last(), Some(Item::Atom | Item::VerticalBar)) {
                        self.stack.pop();
                    }
                    self.stack.push(Item::VerticalBar);
                    i += 1;
                }
                b')' => {
                    match self.stack.iter().rposition(|it| *it == Item::LeftParen) {
                        Some(p) => self.stack.truncate(p),
                        None => return Err(self.err(ERR_UNEXPECTED_PAREN, 0, len)),
                    }
                    self.stack.push(Item::Atom);
                    i += 1;
                }
                b'^' | b'$' | b'.' => {
                    self.stack.push(Item::Atom);
                    i += 1;
                }
                b'[' => {
                    i = self.class(i)?;
                    self.stack.push(Item::Atom);
                }
                b'*' | b'+' | b'?' => {
                    let before = i;
                    i = self.repeat(before, i + 1, last_repeat)?;
                    repeat = Some(before);
                }
                b'{' => {
                    let before = i;
                    match self.parse_repeat(i) {
                        None => {
                            self.stack.push(Item::Atom);
                            i += 1;
                        }
                        Some((min, max, after)) => {
                            if !(0..=1000).contains(&min) || max > 1000 || (max >= 0 && min > max) {
                                return Err(self.err(ERR_INVALID_REPEAT_SIZE, before, after));
                            }
                            i = self.repeat(before, after, last_repeat)?;
                            repeat = Some(before);
                        }
                    }
                }
                b'\\' => i = self.backslash(i)?,
                _ => {
                    i = self.rune(i).map_or(len, |(_, next)| next);
                    self.stack.push(Item::Atom);
                }
            }
            last_repeat = repeat;
        }
        if self.stack.contains(&Item::LeftParen) {
            return Err(self.err(ERR_MISSING_PAREN, 0, len));
        }
        Ok(())
    }

    fn repeat(
        &mut self,
        before: usize,
        mut after: usize,
        last_repeat: Option<usize>,
    ) -> Result<usize, ReErr> {
        if self.byte(after) == Some(b'?') {
            after += 1;
        }
        if let Some(last) = last_repeat {
            return Err(self.err(ERR_INVALID_REPEAT_OP, last, after));
        }
        match self.stack.last() {
            Some(Item::Atom) => Ok(after),
            _ => Err(self.err(ERR_MISSING_REPEAT_ARGUMENT, before, after)),
        }
    }

    /// `{n}`, `{n,}`, `{n,m}`: `Some((min, max, after))`, max -1 for no maximum, -1 for numbers
    /// too big; `None` when it is not a repeat (then `{` is a literal).
    fn parse_repeat(&self, i: usize) -> Option<(i64, i64, usize)> {
        let mut j = i + 1;
        let (mut min, next) = self.parse_int(j)?;
        j = next;
        let max;
        match self.byte(j)? {
            b',' => {
                j += 1;
                match self.byte(j)? {
                    b'}' => max = -1,
                    _ => {
                        let (m, next) = self.parse_int(j)?;
                        j = next;
                        max = m;
                        if max < 0 {
                            min = -1;
                        }
                    }
                }
            }
            _ => max = min,
        }
        if self.byte(j)? != b'}' {
            return None;
        }
        Some((min, max, j + 1))
    }

    fn parse_int(&self, i: usize) -> Option<(i64, usize)> {
        let b = self.expr.as_bytes();
        if !b.get(i)?.is_ascii_digit() {
            return None;
        }
        if b[i] == b'0' && b.get(i + 1).is_some_and(u8::is_ascii_digit) {
            return None;
        }
        let mut j = i;
        let mut n: i64 = 0;
        while j < b.len() && b[j].is_ascii_digit() {
            if n >= 0 {
                if n >= 100_000_000 {
                    n = -1;
                } else {
                    n = n * 10 + i64::from(b[j] - b'0');
                }
            }
            j += 1;
        }
        Some((n, j))
    }

    fn perl_flags(&mut self, start: usize) -> Result<usize, ReErr> {
        let t = &self.expr[start..];
        let tb = t.as_bytes();
        if (tb.len() > 4 && tb[2] == b'P' && tb[3] == b'<') || (tb.len() > 3 && tb[2] == b'<') {
            let begin = if tb[2] == b'<' { 3 } else { 4 };
            let Some(end) = t.find('>') else {
                return Err(self.err(ERR_INVALID_NAMED_CAPTURE, start, self.expr.len()));
            };
            let name = &t[begin..end];
            let valid =
                !name.is_empty() && name.chars().all(|c| c == '_' || c.is_ascii_alphanumeric());
            if !valid {
                return Err(self.err(ERR_INVALID_NAMED_CAPTURE, start, start + end + 1));
            }
            self.stack.push(Item::LeftParen);
            return Ok(start + end + 1);
        }
        let mut i = start + 2;
        let mut negated = false;
        let mut saw_flag = false;
        while let Some((c, next)) = self.rune(i) {
            i = next;
            match c {
                'i' | 'm' | 's' | 'U' => saw_flag = true,
                '-' => {
                    if negated {
                        break;
                    }
                    negated = true;
                    saw_flag = false;
                }
                ':' | ')' => {
                    if negated && !saw_flag {
                        break;
                    }
                    if c == ':' {
                        self.stack.push(Item::LeftParen);
                    }
                    return Ok(i);
                }
                _ => break,
            }
        }
        Err(self.err(ERR_INVALID_PERL_OP, start, i))
    }

    fn backslash(&mut self, i: usize) -> Result<usize, ReErr> {
        match self.byte(i + 1) {
            Some(b'A' | b'b' | b'B' | b'z') => {
                self.stack.push(Item::Atom);
                return Ok(i + 2);
            }
            Some(b'C') => return Err(self.err(ERR_INVALID_ESCAPE, i, i + 2)),
            Some(b'Q') => {
                let rest = &self.expr[i + 2..];
                let (lit, next) = match rest.find("\\E") {
                    Some(p) => (&rest[..p], i + 2 + p + 2),
                    None => (rest, self.expr.len()),
                };
                if !lit.is_empty() {
                    self.stack.push(Item::Atom);
                }
                return Ok(next);
            }
            Some(b'p' | b'P') => {
                let next = self.unicode_class(i)?;
                self.stack.push(Item::Atom);
                return Ok(next);
            }
            Some(b'd' | b'D' | b's' | b'S' | b'w' | b'W') => {
                self.stack.push(Item::Atom);
                return Ok(i + 2);
            }
            _ => {}
        }
        let (_, next) = self.escape(i)?;
        self.stack.push(Item::Atom);
        Ok(next)
    }

    /// A single-character escape at `i` (a backslash): the rune and the index after it.
    fn escape(&self, i: usize) -> Result<(u32, usize), ReErr> {
        let Some((c, mut t)) = self.rune(i + 1) else {
            return Err((ERR_TRAILING_BACKSLASH, String::new()));
        };
        let invalid = |t: usize| Err(self.err(ERR_INVALID_ESCAPE, i, t));
        match c {
            '1'..='7' | '0' => {
                if c != '0' && !matches!(self.byte(t), Some(b'0'..=b'7')) {
                    return invalid(t);
                }
                let mut r = c as u32 - '0' as u32;
                for _ in 1..3 {
                    match self.byte(t) {
                        Some(d @ b'0'..=b'7') => {
                            r = r * 8 + u32::from(d - b'0');
                            t += 1;
                        }
                        _ => break,
                    }
                }
                Ok((r, t))
            }
            'x' => {
                let Some((c2, next)) = self.rune(t) else {
                    return invalid(t);
                };
                t = next;
                if c2 == '{' {
                    let mut nhex = 0;
                    let mut r: u32 = 0;
                    loop {
                        let Some((c, next)) = self.rune(t) else {
                            return invalid(t);
                        };
                        t = next;
                        if c == '}' {
                            break;
                        }
                        let Some(v) = c.to_digit(16) else {
                            return invalid(t);
                        };
                        r = r * 16 + v;
                        if r > 0x10FFFF {
                            return invalid(t);
                        }
                        nhex += 1;
                    }
                    if nhex == 0 {
                        return invalid(t);
                    }
                    return Ok((r, t));
                }
                let x = c2.to_digit(16);
                let y = match self.rune(t) {
                    Some((c3, next)) => {
                        t = next;
                        c3.to_digit(16)
                    }
                    None => None,
                };
                match (x, y) {
                    (Some(x), Some(y)) => Ok((x * 16 + y, t)),
                    _ => invalid(t),
                }
            }
            'a' => Ok((7, t)),
            'f' => Ok((12, t)),
            'n' => Ok((10, t)),
            'r' => Ok((13, t)),
            't' => Ok((9, t)),
            'v' => Ok((11, t)),
            _ if c.is_ascii() && !c.is_ascii_alphanumeric() => Ok((c as u32, t)),
            _ => invalid(t),
        }
    }

    /// `\pX`, `\p{Name}`, `\PX`, `\P{^Name}` at `i`.
    fn unicode_class(&self, i: usize) -> Result<usize, ReErr> {
        let (seq_end, name) = match self.rune(i + 2) {
            Some(('{', _)) => {
                let Some(end) = self.expr[i..].find('}') else {
                    return Err(self.err(ERR_INVALID_CHAR_RANGE, i, self.expr.len()));
                };
                (i + end + 1, &self.expr[i + 3..i + end])
            }
            Some((_, next)) => (next, &self.expr[i + 2..next]),
            None => (i + 2, ""),
        };
        let name = name.strip_prefix('^').unwrap_or(name);
        if !is_go_unicode_table(name) {
            return Err(self.err(ERR_INVALID_CHAR_RANGE, i, seq_end));
        }
        Ok(seq_end)
    }

    /// A bracketed class starting at `i`; returns the index after its `]`.
    fn class(&self, i: usize) -> Result<usize, ReErr> {
        let b = self.expr.as_bytes();
        let len = b.len();
        let mut t = i + 1;
        if self.byte(t) == Some(b'^') {
            t += 1;
        }
        let mut first = true;
        while t >= len || b[t] != b']' || first {
            first = false;
            if len - t.min(len) > 2 && b[t] == b'[' && b[t + 1] == b':' {
                if let Some(p) = self.expr[t + 2..].find(":]") {
                    let end = t + 2 + p + 2;
                    if !POSIX_CLASSES.contains(&&self.expr[t..end]) {
                        return Err(self.err(ERR_INVALID_CHAR_RANGE, t, end));
                    }
                    t = end;
                    continue;
                }
            }
            if t + 1 < len && b[t] == b'\\' {
                match b[t + 1] {
                    b'p' | b'P' => {
                        t = self.unicode_class(t)?;
                        continue;
                    }
                    b'd' | b'D' | b's' | b'S' | b'w' | b'W' => {
                        t += 2;
                        continue;
                    }
                    _ => {}
                }
            }
            let range_start = t;
            let (lo, next) = self.class_char(t, i)?;
            t = next;
            if t + 1 < len && b[t] == b'-' && b[t + 1] != b']' {
                let (hi, next) = self.class_char(t + 1, i)?;
                t = next;
                if hi < lo {
                    return Err(self.err(ERR_INVALID_CHAR_RANGE, range_start, t));
                }
            }
        }
        Ok(t + 1)
    }

    fn class_char(&self, t: usize, class_start: usize) -> Result<(u32, usize), ReErr> {
        match self.rune(t) {
            None => Err(self.err(ERR_MISSING_BRACKET, class_start, self.expr.len())),
            Some(('\\', _)) => self.escape(t),
            Some((c, next)) => Ok((c as u32, next)),
        }
    }
}

const POSIX_CLASSES: &[&str] = &[
    "[:alnum:]",
    "[:alpha:]",
    "[:ascii:]",
    "[:blank:]",
    "[:cntrl:]",
    "[:digit:]",
    "[:graph:]",
    "[:lower:]",
    "[:print:]",
    "[:punct:]",
    "[:space:]",
    "[:upper:]",
    "[:word:]",
    "[:xdigit:]",
    "[:^alnum:]",
    "[:^alpha:]",
    "[:^ascii:]",
    "[:^blank:]",
    "[:^cntrl:]",
    "[:^digit:]",
    "[:^graph:]",
    "[:^lower:]",
    "[:^print:]",
    "[:^punct:]",
    "[:^space:]",
    "[:^upper:]",
    "[:^word:]",
    "[:^xdigit:]",
];

/// Whether Go's `regexp/syntax` knows `\p{name}`: `Any`, a general category or a script of
/// Go's `unicode` package (Unicode 15.0.0). Names are case-sensitive.
fn is_go_unicode_table(name: &str) -> bool {
    #[rustfmt::skip]
    const CATEGORIES: &[&str] = &[
        "C", "Cc", "Cf", "Co", "Cs", "L", "Ll", "Lm", "Lo", "Lt", "Lu", "M", "Mc", "Me", "Mn",
        "N", "Nd", "Nl", "No", "P", "Pc", "Pd", "Pe", "Pf", "Pi", "Po", "Ps", "S", "Sc", "Sk",
        "Sm", "So", "Z", "Zl", "Zp", "Zs",
    ];
    #[rustfmt::skip]
    const SCRIPTS: &[&str] = &[
        "Adlam", "Ahom", "Anatolian_Hieroglyphs", "Arabic", "Armenian", "Avestan", "Balinese",
        "Bamum", "Bassa_Vah", "Batak", "Bengali", "Bhaiksuki", "Bopomofo", "Brahmi", "Braille",
        "Buginese", "Buhid", "Canadian_Aboriginal", "Carian", "Caucasian_Albanian", "Chakma",
        "Cham", "Cherokee", "Chorasmian", "Common", "Coptic", "Cuneiform", "Cypriot",
        "Cypro_Minoan", "Cyrillic", "Deseret", "Devanagari", "Dives_Akuru", "Dogra", "Duployan",
        "Egyptian_Hieroglyphs", "Elbasan", "Elymaic", "Ethiopic", "Georgian", "Glagolitic",
        "Gothic", "Grantha", "Greek", "Gujarati", "Gunjala_Gondi", "Gurmukhi", "Han", "Hangul",
        "Hanifi_Rohingya", "Hanunoo", "Hatran", "Hebrew", "Hiragana", "Imperial_Aramaic",
        "Inherited", "Inscriptional_Pahlavi", "Inscriptional_Parthian", "Javanese", "Kaithi",
        "Kannada", "Katakana", "Kawi", "Kayah_Li", "Kharoshthi", "Khitan_Small_Script", "Khmer",
        "Khojki", "Khudawadi", "Lao", "Latin", "Lepcha", "Limbu", "Linear_A", "Linear_B", "Lisu",
        "Lycian", "Lydian", "Mahajani", "Makasar", "Malayalam", "Mandaic", "Manichaean",
        "Marchen", "Masaram_Gondi", "Medefaidrin", "Meetei_Mayek", "Mende_Kikakui",
        "Meroitic_Cursive", "Meroitic_Hieroglyphs", "Miao", "Modi", "Mongolian", "Mro",
        "Multani", "Myanmar", "Nabataean", "Nag_Mundari", "Nandinagari", "New_Tai_Lue", "Newa",
        "Nko", "Nushu", "Nyiakeng_Puachue_Hmong", "Ogham", "Ol_Chiki", "Old_Hungarian",
        "Old_Italic", "Old_North_Arabian", "Old_Permic", "Old_Persian", "Old_Sogdian",
        "Old_South_Arabian", "Old_Turkic", "Old_Uyghur", "Oriya", "Osage", "Osmanya",
        "Pahawh_Hmong", "Palmyrene", "Pau_Cin_Hau", "Phags_Pa", "Phoenician", "Psalter_Pahlavi",
        "Rejang", "Runic", "Samaritan", "Saurashtra", "Sharada", "Shavian", "Siddham",
        "SignWriting", "Sinhala", "Sogdian", "Sora_Sompeng", "Soyombo", "Sundanese",
        "Syloti_Nagri", "Syriac", "Tagalog", "Tagbanwa", "Tai_Le", "Tai_Tham", "Tai_Viet",
        "Takri", "Tamil", "Tangsa", "Tangut", "Telugu", "Thaana", "Thai", "Tibetan", "Tifinagh",
        "Tirhuta", "Toto", "Ugaritic", "Vai", "Vithkuqi", "Wancho", "Warang_Citi", "Yezidi", "Yi",
        "Zanabazar_Square",
    ];
    name == "Any" || CATEGORIES.contains(&name) || SCRIPTS.contains(&name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_percent_f_is_go_percent_f() {
        assert_eq!(format_percent_f(0.01), "0.010000");
        assert_eq!(format_percent_f(20.0), "20.000000");
        assert_eq!(format_percent_f(0.0078125), "0.007812");
        assert_eq!(format_percent_f(f64::INFINITY), "+Inf");
        assert_eq!(format_percent_f(f64::NEG_INFINITY), "-Inf");
        assert_eq!(format_percent_f(f64::NAN), "NaN");
    }

    #[test]
    fn parse_bool_accepts_go_spellings() {
        for s in ["1", "t", "T", "TRUE", "true", "True"] {
            assert_eq!(parse_bool(s), Ok(true));
        }
        for s in ["0", "f", "F", "FALSE", "false", "False"] {
            assert_eq!(parse_bool(s), Ok(false));
        }
        assert_eq!(
            parse_bool("yes"),
            Err(r#"strconv.ParseBool: parsing "yes": invalid syntax"#.to_string())
        );
    }

    #[test]
    fn parse_float_accepts_go_syntax() {
        let ok = [
            ("0.25", 0.25),
            ("1e3", 1000.0),
            ("+.5", 0.5),
            ("5.", 5.0),
            ("1_000.5", 1000.5),
            ("0x1p-2", 0.25),
            ("0x1.8p1", 3.0),
            ("-0X_1P0", -1.0),
            ("Inf", f64::INFINITY),
            ("-infinity", f64::NEG_INFINITY),
            ("1e-400", 0.0),
        ];
        for (s, want) in ok {
            assert_eq!(parse_float(s), Ok(want), "{s}");
        }
        assert!(parse_float("NaN").unwrap().is_nan());
        for s in [
            "", "abc", ".", "1e", "1e+", "0x1", "1__0", "_1", "1_", "+nan", "infin", "1.2.3", " 1",
            "1 ", "0x", "1p3",
        ] {
            assert_eq!(
                parse_float(s),
                Err(format!(
                    "strconv.ParseFloat: parsing {}: invalid syntax",
                    quote(s)
                )),
                "{s}"
            );
        }
        assert_eq!(
            parse_float("1e400"),
            Err(r#"strconv.ParseFloat: parsing "1e400": value out of range"#.to_string())
        );
        assert_eq!(
            parse_float("0x1p1024"),
            Err(r#"strconv.ParseFloat: parsing "0x1p1024": value out of range"#.to_string())
        );
    }

    #[test]
    fn regexp_check_accepts_re2() {
        for re in [
            "SERVFAIL",
            "SERVFAIL|REFUSED",
            "(SERVFAIL|REFUSED)",
            "^my-svc.*$",
            "a{2,3}b{2,}c{2}",
            "x{,3}",
            "a{",
            "[a-z0-9_-]+",
            "[]a]",
            "[^]a]",
            "[[:alpha:]]",
            r"\d+\s*\w?\pL\p{Greek}\P{^Han}",
            r"(?i)abc(?-s:x)(?P<name>y)(?<n2>z)",
            r"\Qa.b\E+",
            r"\x41\x{263a}\101\0\.\_",
            "^*",
            "a*?",
            "a|",
            "()",
        ] {
            assert_eq!(regexp_check(re), Ok(()), "{re}");
        }
    }

    #[test]
    fn regexp_check_gives_go_errors() {
        let cases = [
            ("(abc", "missing closing ): `(abc`"),
            ("abc)", "unexpected ): `abc)`"),
            ("[abc", "missing closing ]: `[abc`"),
            ("a**", "invalid nested repetition operator: `**`"),
            ("a{2}*", "invalid nested repetition operator: `{2}*`"),
            ("*a", "missing argument to repetition operator: `*`"),
            ("a|*", "missing argument to repetition operator: `*`"),
            ("(+)", "missing argument to repetition operator: `+`"),
            ("a{1001}", "invalid repeat count: `{1001}`"),
            ("a{3,2}", "invalid repeat count: `{3,2}`"),
            (r"\q", "invalid escape sequence: `\\q`"),
            (r"a\", "trailing backslash at end of expression: ``"),
            (r"\8", "invalid escape sequence: `\\8`"),
            (r"\xZ1", "invalid escape sequence: `\\xZ1`"),
            (r"\C", "invalid escape sequence: `\\C`"),
            (r"\pX", "invalid character class range: `\\pX`"),
            (r"\p{Foo}x", "invalid character class range: `\\p{Foo}`"),
            ("[z-a]", "invalid character class range: `z-a`"),
            ("[[:foo:]]", "invalid character class range: `[:foo:]`"),
            ("(?P<>a)", "invalid named capture: `(?P<>`"),
            ("(?P<na-me>a)", "invalid named capture: `(?P<na-me>`"),
            ("(?x)a", "invalid or unsupported Perl syntax: `(?x`"),
            ("(?=a)", "invalid or unsupported Perl syntax: `(?=`"),
            ("(?i-)a", "invalid or unsupported Perl syntax: `(?i-)`"),
        ];
        for (re, want) in cases {
            assert_eq!(
                regexp_check(re),
                Err(format!("error parsing regexp: {want}")),
                "{re}"
            );
        }
    }
}
