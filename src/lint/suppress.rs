//! Inline suppression: `# slogen-lint: disable=L004,impossible-alert` on one SLO.
//!
//! The YAML parser drops comments, so directives are read from the source lines at known
//! positions: the comment lines directly above an SLO's first line (its `- name:`), or a
//! comment at the end of that line. The directive covers the SLO's lines, up to the next SLO.
//! `# slogen-lint: disable-file=CODE` anywhere turns codes off for the whole file, and
//! `disable=all` turns off every code.

use super::registry;
use super::span::line_of;
use crate::diag::Diagnostic;

const MARK: &str = "slogen-lint:";

/// Lines (first, last) of one SLO in a file.
pub(crate) type SloLines = (usize, usize);

/// A directive's codes (`None` for all) over a range of lines.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Directive {
    codes: Option<Vec<&'static str>>,
    first: usize,
    last: usize,
}

/// Drops the diagnostics silenced by directives in `text`.
pub(crate) fn apply(text: &str, slos: &[SloLines], diags: &mut Vec<Diagnostic>) {
    if !text.contains(MARK) {
        return;
    }
    let directives = parse(text, slos);
    diags.retain(|d| {
        !directives.iter().any(|x| {
            let line = d.span.start.line;
            let in_range = line >= x.first && line <= x.last;
            in_range && x.codes.as_ref().is_none_or(|c| c.contains(&d.code))
        })
    });
}

fn parse(text: &str, slos: &[SloLines]) -> Vec<Directive> {
    let mut out = Vec::new();
    for line in text.split('\n') {
        if let Some(codes) = directive(line, "disable-file=") {
            out.push(Directive {
                codes,
                first: 0,
                last: usize::MAX,
            });
        }
    }
    for &(first, last) in slos {
        let mut lines = vec![first];
        let mut l = first;
        while l > 1 {
            l -= 1;
            match line_of(text, l) {
                Some(t) if t.trim_start().starts_with('#') => lines.push(l),
                _ => break,
            }
        }
        for l in lines {
            if let Some(codes) = line_of(text, l).and_then(|t| directive(t, "disable=")) {
                out.push(Directive { codes, first, last });
            }
        }
    }
    out
}

/// The codes of a `slogen-lint: <key>…` comment on `line`; `Some(None)` means all.
fn directive(line: &str, key: &str) -> Option<Option<Vec<&'static str>>> {
    let at = line.find('#')?;
    let comment = line[at + 1..].trim();
    let rest = comment.strip_prefix(MARK)?.trim();
    let list = rest.strip_prefix(key)?;
    let list = list.split_whitespace().next().unwrap_or("");
    let mut codes = Vec::new();
    for item in list.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        if item == "all" {
            return Some(None);
        }
        if let Some(r) = registry::find(item) {
            codes.push(r.code);
        }
    }
    Some(Some(codes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_directives_above_and_on_the_slo_line() {
        let text = "slos:\n  # checkout\n  # slogen-lint: disable=L013,impossible-alert\n  - name: a\n    objective: 90\n  - name: b # slogen-lint: disable=all\n";
        let d = parse(text, &[(4, 5), (6, 6)]);
        assert_eq!(
            d,
            vec![
                Directive {
                    codes: Some(vec!["L013", "L005"]),
                    first: 4,
                    last: 5
                },
                Directive {
                    codes: None,
                    first: 6,
                    last: 6
                },
            ]
        );
    }

    #[test]
    fn file_directive_covers_everything() {
        let d = parse("# slogen-lint: disable-file=L001\nversion: x\n", &[]);
        assert_eq!(d[0].codes, Some(vec!["L001"]));
        assert_eq!((d[0].first, d[0].last), (0, usize::MAX));
    }
}
