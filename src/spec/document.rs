//! Cutting a file into documents and telling their formats apart, the way Sloth does.
//!
//! compat(sloth): Sloth does not use YAML's own document markers. It trims the file, blanks
//! every line that starts with `#`, splits at every line that starts with `---` and trims each
//! piece (sloth-cli-validation.md §2.1). Formats are then told apart by regexes over the text
//! (§2.2), so `version: "prometheus/v1" # comment` is not detected. Both are reproduced here,
//! keeping each document's position in the file.

use super::SpecKind;
use crate::source::Pos;

/// One document of a spec file.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    /// Index in the file, from 0.
    pub index: usize,
    /// The document's text, comment lines blanked and trimmed.
    pub text: String,
    /// Where `text` starts in the file.
    pub origin: Pos,
}

/// Splits `text` into documents as Sloth's `SplitYAML` does.
pub fn split_documents(text: &str) -> Vec<Document> {
    let trimmed = text.trim_start();
    let lead = &text[..text.len() - trimmed.len()];
    let first = 1 + lead.matches('\n').count();
    let col = 1 + lead.rsplit('\n').next().unwrap_or("").chars().count();
    let body = trimmed.trim_end();

    let mut docs = Vec::new();
    let mut current = String::new();
    let mut origin: Option<Pos> = None;
    for (line, raw_line) in (first..).zip(body.split('\n')) {
        let start_col = if line == first { col } else { 1 };
        if let Some(rest) = raw_line.strip_prefix("---") {
            push_doc(&mut docs, &mut current, origin.take());
            current.push_str(rest);
            if rest.trim().is_empty() {
                origin = None;
            } else {
                let ws = rest.len() - rest.trim_start().len();
                origin = Some(Pos::new(line, start_col + 3 + ws));
            }
        } else {
            if !current.is_empty() || origin.is_some() {
                current.push('\n');
            }
            if !raw_line.starts_with('#') {
                if origin.is_none() && !raw_line.trim().is_empty() {
                    let ws = raw_line.len() - raw_line.trim_start().len();
                    origin = Some(Pos::new(line, start_col + ws));
                    // Leading blank lines of a document are dropped by the trim below.
                    current.clear();
                }
                current.push_str(raw_line);
            }
        }
    }
    push_doc(&mut docs, &mut current, origin);
    docs
}

fn push_doc(docs: &mut Vec<Document>, current: &mut String, origin: Option<Pos>) {
    let text = std::mem::take(current);
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return;
    }
    let origin = origin.unwrap_or(Pos::new(1, 1));
    docs.push(Document {
        index: docs.len(),
        text: trimmed.to_string(),
        origin,
    });
}

/// One of Sloth's detection regexes, `(?m)^KEY: +['"]?VALUE['"]? *$`, matched by hand.
///
/// Compiling Sloth's seven regexes cost more than the rest of a small `generate --check` run
/// (docs/benchmarks.md); this matcher is checked against them in the tests. As in the regex,
/// `.` in a value stands for any character but a line break.
struct LineRule {
    key: &'static str,
    values: &'static [&'static str],
    /// `prometheus/v1` also allows a `\r` before the end of the line (`\r?\n? *$`).
    cr: bool,
}

const PROM_V1: LineRule = LineRule {
    key: "version",
    values: &["prometheus/v1"],
    cr: true,
};
const K8S_KIND: LineRule = LineRule::new("kind", &["PrometheusServiceLevel"]);
const K8S_API: LineRule = LineRule::new("apiVersion", &["sloth.slok.dev/v1"]);
const OPENSLO_KIND: LineRule = LineRule::new("kind", &["SLO"]);
const OPENSLO_ALPHA: LineRule = LineRule::new("apiVersion", &["openslo/v1alpha"]);
const OPENSLO_V1: LineRule = LineRule::new("apiVersion", &["openslo/v1"]);
const OPENSLO_V1_ANY_KIND: LineRule = LineRule::new(
    "kind",
    &["SLO", "SLI", "DataSource", "Service", "AlertPolicy"],
);

impl LineRule {
    const fn new(key: &'static str, values: &'static [&'static str]) -> Self {
        LineRule {
            key,
            values,
            cr: false,
        }
    }

    /// True when some line of `text` matches (a line starts at the text's start or after `\n`).
    fn is_match(&self, text: &str) -> bool {
        text.split('\n').any(|line| self.line_matches(line))
    }

    fn line_matches(&self, line: &str) -> bool {
        let Some(rest) = line
            .strip_prefix(self.key)
            .and_then(|r| r.strip_prefix(':'))
        else {
            return false;
        };
        let value = rest.trim_start_matches(' ');
        if value.len() == rest.len() {
            return false;
        }
        // Every value starts with a letter, so a leading quote can only be the optional one.
        let value = value.strip_prefix(['\'', '"']).unwrap_or(value);
        self.values.iter().any(|want| {
            let Some(after) = strip_pattern(value, want) else {
                return false;
            };
            let after = after.strip_prefix(['\'', '"']).unwrap_or(after);
            let after = match after.strip_prefix('\r') {
                Some(a) if self.cr => a,
                _ => after,
            };
            after.bytes().all(|b| b == b' ')
        })
    }
}

/// `text` without a leading match of `pattern`, where `.` matches any one character.
fn strip_pattern<'a>(text: &'a str, pattern: &str) -> Option<&'a str> {
    let mut chars = text.char_indices();
    for p in pattern.chars() {
        let (_, c) = chars.next()?;
        if p != '.' && p != c {
            return None;
        }
    }
    Some(chars.as_str())
}

/// Detects a document's format with Sloth's regexes, in Sloth's order. OpenSLO v1 is
/// slogen's extension and is tried last, so it never changes what Sloth would detect.
pub fn detect(text: &str) -> Option<SpecKind> {
    if PROM_V1.is_match(text) {
        return Some(SpecKind::PrometheusV1);
    }
    if K8S_KIND.is_match(text) && K8S_API.is_match(text) {
        return Some(SpecKind::Kubernetes);
    }
    if OPENSLO_KIND.is_match(text) && OPENSLO_ALPHA.is_match(text) {
        return Some(SpecKind::OpenSloV1Alpha);
    }
    if OPENSLO_V1_ANY_KIND.is_match(text) && OPENSLO_V1.is_match(text) {
        return Some(SpecKind::OpenSloV1);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_like_sloth() {
        let text = "\n# head\nversion: a\n---\n# c\nb: 1\n--- x: 2\n---\n\n";
        let docs = split_documents(text);
        assert_eq!(docs.len(), 3);
        assert_eq!(docs[0].text, "version: a");
        assert_eq!(docs[0].origin, Pos::new(3, 1));
        assert_eq!(docs[1].text, "b: 1");
        assert_eq!(docs[1].origin, Pos::new(6, 1));
        assert_eq!(docs[2].text, "x: 2");
        assert_eq!(docs[2].origin, Pos::new(7, 5));
    }

    #[test]
    fn positions_survive_blanked_comments() {
        let docs = split_documents("a: 1\n# x\nb: 2\n");
        assert_eq!(docs[0].text, "a: 1\n\nb: 2");
    }

    #[test]
    fn comment_only_file_has_no_documents() {
        assert!(split_documents("# only\n#comments\n").is_empty());
    }

    /// The hand matchers agree with Sloth's regexes, on texts built to sit near their edges.
    #[test]
    fn line_rules_match_like_sloths_regexes() {
        use regex::Regex;
        let rules = [
            (
                &PROM_V1,
                r#"(?m)^version: +['"]?prometheus/v1['"]?\r?\n? *$"#,
            ),
            (
                &K8S_KIND,
                r#"(?m)^kind: +['"]?PrometheusServiceLevel['"]? *$"#,
            ),
            (
                &K8S_API,
                r#"(?m)^apiVersion: +['"]?sloth.slok.dev/v1['"]? *$"#,
            ),
            (&OPENSLO_KIND, r#"(?m)^kind: +['"]?SLO['"]? *$"#),
            (
                &OPENSLO_ALPHA,
                r#"(?m)^apiVersion: +['"]?openslo/v1alpha['"]? *$"#,
            ),
            (&OPENSLO_V1, r#"(?m)^apiVersion: +['"]?openslo/v1['"]? *$"#),
            (
                &OPENSLO_V1_ANY_KIND,
                r#"(?m)^kind: +['"]?(SLO|SLI|DataSource|Service|AlertPolicy)['"]? *$"#,
            ),
        ];
        let keys = ["version", "kind", "apiVersion", " kind", "Kind", "kind:"];
        let values = [
            "prometheus/v1",
            "prometheus/v10",
            "PrometheusServiceLevel",
            "sloth.slok.dev/v1",
            "slothXslokédev/v1",
            "sloth.slok.dev/v1alpha",
            "openslo/v1alpha",
            "openslo/v1",
            "SLO",
            "SLI",
            "SLOs",
            "DataSource",
            "Service",
            "AlertPolicy",
            "",
        ];
        let seps = [": ", ":   ", ":", ":\t", ": \t"];
        let quotes = ["", "'", "\"", "''", "\"'"];
        let tails = [
            "", " ", "  ", "\r", "\r ", " \r", "\t", "x", " # c", "\r\n  ", "\r\r",
        ];
        let mut checked = 0;
        for (rule, pattern) in rules {
            let re = Regex::new(pattern).unwrap();
            for key in keys {
                for sep in seps {
                    for value in values {
                        for (qa, qb) in quotes
                            .iter()
                            .flat_map(|a| quotes.iter().map(move |b| (a, b)))
                        {
                            for tail in tails {
                                let line = format!("{key}{sep}{qa}{value}{qb}{tail}");
                                for text in [
                                    line.clone(),
                                    format!("a: 1\n{line}\nb: 2"),
                                    format!("{line}\n"),
                                    format!("x{line}"),
                                ] {
                                    assert_eq!(
                                        rule.is_match(&text),
                                        re.is_match(&text),
                                        "{pattern} on {text:?}"
                                    );
                                    checked += 1;
                                }
                            }
                        }
                    }
                }
            }
        }
        assert!(checked > 100_000, "{checked}");
    }

    #[test]
    fn detects_like_sloth() {
        assert_eq!(
            detect("version: \"prometheus/v1\"\n"),
            Some(SpecKind::PrometheusV1)
        );
        assert_eq!(
            detect("version: prometheus/v1\n"),
            Some(SpecKind::PrometheusV1)
        );
        assert_eq!(detect("version: \"prometheus/v1\" # c\n"), None);
        assert_eq!(detect("version: \"prometheus/v999\"\n"), None);
        assert_eq!(
            detect("apiVersion: sloth.slok.dev/v1\nkind: PrometheusServiceLevel\n"),
            Some(SpecKind::Kubernetes)
        );
        assert_eq!(
            detect("apiVersion: openslo/v1alpha\nkind: SLO\n"),
            Some(SpecKind::OpenSloV1Alpha)
        );
        assert_eq!(
            detect("apiVersion: openslo/v1\nkind: SLO\n"),
            Some(SpecKind::OpenSloV1)
        );
    }
}
