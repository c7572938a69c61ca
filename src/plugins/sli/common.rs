//! Option handling shared by the built-in plugins, written to match the helpers that each Go
//! plugin of `slok/sloth-common-sli-plugins` repeats (same checks, same error texts).
//!
//! Helpers return the plugin's inner error; each plugin adds the `could not get …: ` prefix its
//! Go original adds.

use std::sync::LazyLock;

use regex::Regex;

use super::gocompat;
use super::SliPluginCall;

/// An option's value, `None` when the key is absent.
pub(super) fn opt<'a>(call: &'a SliPluginCall<'_>, key: &str) -> Option<&'a str> {
    call.options.get(key).map(String::as_str)
}

/// Go `strings.Trim(s, "{},")`.
pub(super) fn trim_braces_commas(s: &str) -> &str {
    s.trim_matches(|c| c == '{' || c == '}' || c == ',')
}

/// Filter families B and P: the trimmed `filter` option, `""` when absent.
pub(super) fn filter_trimmed<'a>(call: &'a SliPluginCall<'_>) -> &'a str {
    trim_braces_commas(opt(call, "filter").unwrap_or(""))
}

/// Filter family C: the trimmed `filter` option followed by `,`, or `""`.
pub(super) fn filter_with_comma(call: &SliPluginCall<'_>) -> String {
    with_comma(filter_trimmed(call))
}

/// `f + ","` unless `f` is empty.
pub(super) fn with_comma(f: &str) -> String {
    if f.is_empty() {
        String::new()
    } else {
        format!("{f},")
    }
}

/// `^{?([^=]+="[^=,"]+",)*([^=]+="[^=,"]+")$`, multi-line, as the Go plugins compile it.
static VALID_FILTER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?m)^\{?([^=]+="[^=,"]+",)*([^=]+="[^=,"]+")$"#).expect("valid regex")
});

/// Filter families A and A-req: the trimmed filter, checked against the Prometheus filter
/// shape. Absent or empty gives `""`, or `filter is required` when `required`.
pub(super) fn validated_filter(call: &SliPluginCall<'_>, required: bool) -> Result<String, String> {
    let filter = match opt(call, "filter") {
        None | Some("") if required => return Err("filter is required".to_string()),
        None | Some("") => return Ok(String::new()),
        Some(f) => trim_braces_commas(f),
    };
    if !VALID_FILTER.is_match(filter) {
        return Err(format!("invalid prometheus filter: {filter}"));
    }
    Ok(filter.to_string())
}

/// The `bucket` option: required, must parse as a Go float64, used as written.
pub(super) fn bucket<'a>(call: &'a SliPluginCall<'_>) -> Result<&'a str, String> {
    let bucket = opt(call, "bucket").unwrap_or("");
    if bucket.is_empty() {
        return Err(r#""bucket" option is required"#.to_string());
    }
    gocompat::parse_float(bucket)
        .map_err(|e| format!("not a valid bucket, can't parse to float64: {e}"))?;
    Ok(bucket)
}

/// The `exclude_errors` option: absent or empty is false, otherwise a Go bool.
pub(super) fn exclude_errors(call: &SliPluginCall<'_>) -> Result<bool, String> {
    match opt(call, "exclude_errors").unwrap_or("") {
        "" => Ok(false),
        s => gocompat::parse_bool(s)
            .map_err(|e| format!("not a valid exclude_errors, can't parse to bool: {e}")),
    }
}

/// `code!~"5.."`, the selector that `exclude_errors` adds.
pub(super) const ERROR_CODES_EXCLUDED: &str = r#"code!~"5..""#;

/// Filter family E: the trimmed filter plus, with `exclude_errors`, `code!~"5.."`, each
/// followed by `,`.
pub(super) fn filter_excluding_errors(call: &SliPluginCall<'_>) -> Result<String, String> {
    let filter = filter_trimmed(call);
    let exclude = exclude_errors(call).map_err(|e| format!("could not get exclude_errors: {e}"))?;
    Ok(match (exclude, filter.is_empty()) {
        (false, true) => String::new(),
        (false, false) => format!("{filter},"),
        (true, true) => format!("{ERROR_CODES_EXCLUDED},"),
        (true, false) => format!("{filter},{ERROR_CODES_EXCLUDED},"),
    })
}

/// A regex option: whitespace-trimmed, required (`missing` is the error when empty), and it
/// must compile as a Go regexp.
pub(super) fn regex_option(
    call: &SliPluginCall<'_>,
    key: &str,
    missing: &str,
) -> Result<String, String> {
    let value = opt(call, key).unwrap_or("").trim();
    if value.is_empty() {
        return Err(missing.to_string());
    }
    gocompat::regexp_check(value).map_err(|e| format!("invalid regex: {e}"))?;
    Ok(value.to_string())
}

/// A required string option, whitespace-trimmed (istio's `service` and `namespace`).
pub(super) fn required_trimmed(call: &SliPluginCall<'_>, key: &str) -> Result<String, String> {
    let value = opt(call, key).unwrap_or("").trim();
    if value.is_empty() {
        return Err(format!("{key} is required"));
    }
    Ok(value.to_string())
}

/// Substitutes `⟨NAME⟩` placeholders of a query template in one pass (values are inserted
/// verbatim and never re-scanned).
pub(super) fn fill(template: &str, vars: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len() + 64);
    let mut rest = template;
    while let Some(start) = rest.find('⟨') {
        out.push_str(&rest[..start]);
        let after = &rest[start + '⟨'.len_utf8()..];
        let Some(end) = after.find('⟩') else {
            break;
        };
        let name = &after[..end];
        match vars.iter().find(|(n, _)| *n == name) {
            Some((_, value)) => out.push_str(value),
            None => {
                debug_assert!(false, "unknown placeholder {name}");
                out.push_str(&rest[start..start + '⟨'.len_utf8() + end + '⟩'.len_utf8()]);
            }
        }
        rest = &after[end + '⟩'.len_utf8()..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fill_substitutes_once() {
        assert_eq!(fill("a⟨X⟩b⟨Y⟩c", &[("X", "⟨Y⟩"), ("Y", "1")]), "a⟨Y⟩b1c");
        assert_eq!(fill("no placeholders", &[]), "no placeholders");
    }

    #[test]
    fn trim_is_go_strings_trim() {
        assert_eq!(trim_braces_commas(r#"{,a="b",}"#), r#"a="b""#);
        assert_eq!(trim_braces_commas("{},"), "");
        assert_eq!(trim_braces_commas(r#"a="{b}""#), r#"a="{b}""#);
    }

    #[test]
    fn valid_filter_shape() {
        for ok in [r#"a="b""#, r#"{a="b",c!="d""#, "x\na=\"b\""] {
            assert!(VALID_FILTER.is_match(ok), "{ok}");
        }
        for bad in ["a", r#"a="b,c""#, r#"a="b" c"#, r#"a=~"b""#, ""] {
            assert!(!VALID_FILTER.is_match(bad), "{bad}");
        }
    }
}
