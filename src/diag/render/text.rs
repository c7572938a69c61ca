//! The human format: a code frame per diagnostic, like rustc or ruff, via annotate-snippets.
//!
//! Colour is the caller's decision (a terminal, `NO_COLOR`, `--no-color`); this file only
//! turns it on or off. Only the lines a diagnostic points at are handed to annotate-snippets,
//! so a huge file costs no more than a small one.

use std::path::Path;

use annotate_snippets::renderer::DecorStyle;
use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};

use crate::diag::{Diagnostic, Severity, Tally};

/// Renders `diags` as code frames. `source` returns a file's text by path.
pub fn render<'s>(
    diags: &[Diagnostic],
    source: &dyn Fn(&Path) -> Option<&'s str>,
    color: bool,
) -> String {
    let renderer = if color {
        Renderer::styled()
    } else {
        Renderer::plain()
    }
    .decor_style(DecorStyle::Ascii);
    let mut out = String::new();
    for d in diags {
        out.push_str(&render_one(&renderer, d, source(&d.file)));
        out.push_str("\n\n");
    }
    out
}

fn level(s: Severity) -> Level<'static> {
    match s {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
        Severity::Info => Level::INFO,
    }
}

fn render_one(renderer: &Renderer, d: &Diagnostic, text: Option<&str>) -> String {
    let path = d.file.to_string_lossy().into_owned();
    let title = level(d.severity)
        .primary_title(d.message.as_str())
        .id(d.code);
    let frame = text.and_then(|t| frame(t, d));
    let mut group = match frame {
        Some((src, line, range)) => {
            let mut ann = AnnotationKind::Primary.span(range);
            if let Some(l) = &d.label {
                ann = ann.label(l.as_str());
            }
            title.element(
                Snippet::source(src)
                    .line_start(line)
                    .path(path.clone())
                    .annotation(ann),
            )
        }
        None => {
            let place = if d.span.start.is_unknown() {
                path.clone()
            } else {
                format!("{path}:{}", d.span.start)
            };
            title.element(annotate_snippets::Origin::path(place))
        }
    };
    for n in &d.notes {
        group = group.element(Level::NOTE.message(n.as_str()));
    }
    if let Some(h) = &d.help {
        group = group.element(Level::HELP.message(h.as_str()));
    }
    let report: [Group; 1] = [group];
    renderer.render(&report)
}

/// The source lines a span covers, the first line's number, and the span as a byte range
/// inside those lines.
fn frame(text: &str, d: &Diagnostic) -> Option<(String, usize, std::ops::Range<usize>)> {
    let start = d.span.start;
    if start.is_unknown() {
        return None;
    }
    let last = d.span.end.line.max(start.line);
    let lines: Vec<&str> = text
        .split('\n')
        .skip(start.line - 1)
        .take(last - start.line + 1)
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .collect();
    let first = *lines.first()?;
    let src = lines.join("\n");
    let begin = byte_at(first, start.col);
    let end = if d.span.end.line > start.line {
        let offset: usize = lines[..lines.len() - 1].iter().map(|l| l.len() + 1).sum();
        offset + byte_at(lines[lines.len() - 1], d.span.end.col)
    } else {
        byte_at(first, d.span.end.col.max(start.col + 1))
    };
    let end = end.max(begin).min(src.len());
    Some((src, start.line, begin..end))
}

/// The byte offset of 1-based character column `col` in `line`, clamped to its end.
fn byte_at(line: &str, col: usize) -> usize {
    line.char_indices()
        .nth(col.saturating_sub(1))
        .map(|(i, _)| i)
        .unwrap_or(line.len())
}

/// The closing line: counts of what was found.
pub fn summary(diags: &[Diagnostic], files: usize, slos: usize) -> String {
    let t = Tally::of(diags);
    let plural = |n: usize, w: &str| format!("{n} {w}{}", if n == 1 { "" } else { "s" });
    if diags.is_empty() {
        return format!(
            "All checks passed: {}, {}.\n",
            plural(files, "file"),
            plural(slos, "SLO")
        );
    }
    format!(
        "Found {}, {} and {} in {} ({}).\n",
        plural(t.errors, "error"),
        plural(t.warnings, "warning"),
        plural(t.infos, "info"),
        plural(files, "file"),
        plural(slos, "SLO")
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Span;
    use crate::source::Pos;

    #[test]
    fn frames_the_pointed_text() {
        let d = Diagnostic::new(
            "L001",
            Severity::Warning,
            "a.yaml",
            Span::on_line(Pos::new(2, 3), 4),
            "unknown key",
        )
        .with_help("did you mean `name`?");
        let text = "x: 1\n  nmae: y\n";
        let out = render(&[d], &|_| Some(text), false);
        assert!(out.contains("warning[L001]: unknown key"), "{out}");
        assert!(out.contains("--> a.yaml:2:3"), "{out}");
        assert!(out.contains("2 |   nmae: y"), "{out}");
        assert!(out.contains("^^^^"), "{out}");
        assert!(out.contains("help: did you mean `name`?"), "{out}");
    }

    #[test]
    fn unknown_place_has_no_frame() {
        let d = Diagnostic::new(
            "P101",
            Severity::Warning,
            "e.yaml",
            Span::default(),
            "empty",
        );
        let out = render(&[d], &|_| Some(""), false);
        assert!(out.contains("warning[P101]: empty"), "{out}");
        assert!(out.contains("e.yaml"), "{out}");
    }
}
