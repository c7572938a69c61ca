//! The one door to promql-parser.
//!
//! promql-parser panics on some inputs: fuzzing found a subquery whose range is
//! `18446744073709551615…` seconds, which overflows `Duration::from_secs_f64` inside the
//! parser. slogen reads specs anyone in an organisation can edit and must never panic on them,
//! so every parse goes through [`parse`], which turns a panic inside the parser into an
//! ordinary parse error. [`check`] answers whether text parses without compiling the same
//! regex matchers again and again. While a guarded parse runs, a panic hook keeps the parser's panic
//! message off stderr; every other panic still reaches the previous hook.

use std::any::Any;
use std::cell::Cell;
use std::panic::{self, AssertUnwindSafe};
use std::sync::Once;

use promql_parser::parser::{self, Expr};

thread_local! {
    static GUARDED: Cell<bool> = const { Cell::new(false) };
}

mod check;

pub use check::check;

/// Parses `text` as PromQL; a panic inside the parser becomes an error naming its cause.
pub fn parse(text: &str) -> Result<Expr, String> {
    guarded(|| parser::parse(text))
}

/// Runs `f`, a call into promql-parser; a panic inside it becomes an error naming its cause.
fn guarded<T>(f: impl FnOnce() -> Result<T, String>) -> Result<T, String> {
    install_quiet_hook();
    GUARDED.with(|g| g.set(true));
    let result = panic::catch_unwind(AssertUnwindSafe(f));
    GUARDED.with(|g| g.set(false));
    match result {
        Ok(parsed) => parsed,
        Err(payload) => Err(format!(
            "the PromQL parser cannot read this expression ({})",
            panic_message(payload.as_ref())
        )),
    }
}

fn install_quiet_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if !GUARDED.with(Cell::get) {
                previous(info);
            }
        }));
    });
}

fn panic_message(payload: &(dyn Any + Send)) -> &str {
    if let Some(s) = payload.downcast_ref::<&str>() {
        s
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s
    } else {
        "internal error"
    }
}

/// `s` as a literal in an RE2 regex, as Go's `regexp.QuoteMeta` writes it: the syntax
/// characters escaped. For label regexes in Prometheus and Alertmanager (both RE2, anchored at
/// both ends).
pub fn quote_meta(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if "\\.+*?()|[]{}^$".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn parses_ordinary_expressions() {
        assert!(parse("sum(rate(x[5m]))").is_ok());
        assert!(parse("sum(rate(x[5m])").unwrap_err().contains("unclosed"));
    }

    #[test]
    fn a_panic_inside_the_parser_is_an_error() {
        // A subquery range too large for a Duration: promql-parser panics on it.
        let err = parse("rate(x[18446744073709551615:1m])").unwrap_err();
        assert!(err.contains("cannot read this expression"), "{err}");
        // The guard is released: ordinary parses still work afterwards.
        assert!(parse("up").is_ok());
    }
}
