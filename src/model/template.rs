//! The part of Go's `text/template` that SLI queries use.
//!
//! compat(sloth): Sloth renders every query as a Go template with `{{.window}}` (and, for the
//! denominator-corrected plugin, a few more keys), with `missingkey=error` when generating and
//! without it when validating (sloth-generation.md §5.2). Specs in the wild use `{{.window}}`,
//! `{{ .window }}`, trim markers (`{{- .window -}}`), comments, and string literals such as
//! `{{"{{"}}` to write a literal `{{`. Those are supported exactly; any other action (pipelines,
//! functions, `if`/`range`) is refused with an error that names it, never silently changed.

use std::collections::BTreeMap;

/// What to do with a key the data does not have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MissingKey {
    /// `missingkey=error`: fail, as generation does.
    Error,
    /// Go's default: print `<no value>`, as Sloth's validator does.
    NoValue,
}

/// A template that could not be parsed or executed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct TemplateError(pub String);

/// Renders `text` with `data`.
pub fn render(
    text: &str,
    data: &BTreeMap<&str, String>,
    missing: MissingKey,
) -> Result<String, TemplateError> {
    let mut out = String::with_capacity(text.len() + 16);
    let mut rest = text;
    loop {
        let Some(open) = rest.find("{{") else {
            out.push_str(rest);
            return Ok(out);
        };
        let mut before = &rest[..open];
        let mut inner_start = open + 2;
        // `{{- ` trims the white space before the action.
        if rest[inner_start..].starts_with("- ")
            || rest[inner_start..].starts_with("-\t")
            || rest[inner_start..].starts_with("-\n")
            || rest[inner_start..].starts_with("-\r")
        {
            before = before.trim_end_matches([' ', '\t', '\r', '\n']);
            inner_start += 1;
        }
        out.push_str(before);
        let after_open = &rest[inner_start..];
        let close = find_close(after_open).ok_or_else(|| {
            TemplateError(format!(
                "template: query:{}: unclosed action",
                line_of(text, text.len() - rest.len() + open)
            ))
        })?;
        let mut inner = &after_open[..close];
        let mut trim_after = false;
        if inner.ends_with(" -") || inner.ends_with("\t-") || inner.ends_with("\n-") {
            inner = &inner[..inner.len() - 1];
            trim_after = true;
        }
        out.push_str(&eval(inner.trim(), data, missing)?);
        rest = &after_open[close + 2..];
        if trim_after {
            rest = rest.trim_start_matches([' ', '\t', '\r', '\n']);
        }
    }
}

/// The position of the `}}` that closes an action, skipping string literals.
fn find_close(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'"' => {
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    if b[i] == b'\\' {
                        i += 1;
                    }
                    i += 1;
                }
            }
            b'`' => {
                i += 1;
                while i < b.len() && b[i] != b'`' {
                    i += 1;
                }
            }
            b'}' if i + 1 < b.len() && b[i + 1] == b'}' => return Some(i),
            _ => {}
        }
        i += 1;
    }
    None
}

fn line_of(text: &str, offset: usize) -> usize {
    1 + text[..offset.min(text.len())].matches('\n').count()
}

fn eval(
    action: &str,
    data: &BTreeMap<&str, String>,
    missing: MissingKey,
) -> Result<String, TemplateError> {
    if action.starts_with("/*") && action.ends_with("*/") {
        return Ok(String::new());
    }
    if let Some(key) = action.strip_prefix('.') {
        if key.is_empty() || !key.chars().all(|c| c.is_alphanumeric() || c == '_') {
            return Err(unsupported(action));
        }
        return match data.get(key) {
            Some(v) => Ok(v.clone()),
            None => match missing {
                MissingKey::Error => Err(TemplateError(format!(
                    "template: query: executing \"query\" at <.{key}>: map has no entry for key \"{key}\""
                ))),
                MissingKey::NoValue => Ok("<no value>".to_string()),
            },
        };
    }
    if let Some(lit) = string_literal(action) {
        return Ok(lit);
    }
    Err(unsupported(action))
}

fn unsupported(action: &str) -> TemplateError {
    TemplateError(format!(
        "template: query: unsupported action {{{{{action}}}}}: slogen supports {{{{.key}}}}, \
         trim markers, comments and string literals; write the query without it"
    ))
}

/// A Go interpreted ("...") or raw (`...`) string literal.
fn string_literal(s: &str) -> Option<String> {
    if s.len() >= 2 && s.starts_with('`') && s.ends_with('`') {
        return Some(s[1..s.len() - 1].to_string());
    }
    if !(s.len() >= 2 && s.starts_with('"') && s.ends_with('"')) {
        return None;
    }
    let body = &s[1..s.len() - 1];
    let mut out = String::new();
    let mut chars = body.chars();
    while let Some(c) = chars.next() {
        if c == '"' {
            return None;
        }
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next()? {
            'n' => out.push('\n'),
            't' => out.push('\t'),
            'r' => out.push('\r'),
            '\\' => out.push('\\'),
            '"' => out.push('"'),
            '\'' => out.push('\''),
            _ => return None,
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn window(text: &str) -> Result<String, TemplateError> {
        let data = BTreeMap::from([("window", "5m".to_string())]);
        render(text, &data, MissingKey::Error)
    }

    #[test]
    fn renders_window_forms() {
        assert_eq!(window("x[{{.window}}]").unwrap(), "x[5m]");
        assert_eq!(window("x[{{ .window }}]").unwrap(), "x[5m]");
        assert_eq!(window("x[ {{- .window -}} ]").unwrap(), "x[5m]");
        assert_eq!(window("a {{/* c */}}b").unwrap(), "a b");
        assert_eq!(window("{{\"{{\"}}x}}").unwrap(), "{{x}}");
        assert_eq!(window("no action").unwrap(), "no action");
    }

    #[test]
    fn missing_key_modes() {
        let err = window("{{.other}}").unwrap_err();
        assert!(
            err.0.contains("map has no entry for key \"other\""),
            "{err}"
        );
        let data = BTreeMap::from([("window", "1m".to_string())]);
        assert_eq!(
            render("{{.other}}", &data, MissingKey::NoValue).unwrap(),
            "<no value>"
        );
    }

    #[test]
    fn refuses_what_it_does_not_run() {
        assert!(window("{{ printf \"%s\" .window }}").is_err());
        assert!(window("{{ .window ").is_err());
    }
}
