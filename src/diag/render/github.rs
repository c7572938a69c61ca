//! The GitHub format: workflow commands that GitHub Actions shows as annotations on the diff.
//!
//! `::error file=slos/a.yaml,line=3,col=5,endLine=3,endColumn=9,title=L001 unknown-key::…`;
//! property values and messages are escaped as the runner's toolkit escapes them.

use super::{slash_path, RuleInfo};
use crate::diag::{Diagnostic, Severity};

/// Renders one workflow command per diagnostic.
pub fn render(diags: &[Diagnostic], rules: &[RuleInfo]) -> String {
    let mut out = String::new();
    for d in diags {
        let command = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "notice",
        };
        let name = rules
            .iter()
            .find(|r| r.code == d.code)
            .map(|r| r.name)
            .unwrap_or("");
        let mut props = vec![format!("file={}", property(&slash_path(&d.file)))];
        if !d.span.start.is_unknown() {
            props.push(format!("line={}", d.span.start.line));
            props.push(format!("col={}", d.span.start.col));
            props.push(format!("endLine={}", d.span.end.line));
            props.push(format!("endColumn={}", d.span.end.col));
        }
        props.push(format!("title={}", property(&format!("{} {name}", d.code))));
        let mut message = d.message.clone();
        for n in &d.notes {
            message.push_str(&format!("\nnote: {n}"));
        }
        if let Some(h) = &d.help {
            message.push_str(&format!("\nhelp: {h}"));
        }
        out.push_str(&format!(
            "::{command} {}::{}\n",
            props.join(","),
            data(&message)
        ));
    }
    out
}

/// Escapes a message the way @actions/core's `escapeData` does.
fn data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a property value the way @actions/core's `escapeProperty` does.
fn property(s: &str) -> String {
    data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Span;
    use crate::source::Pos;

    #[test]
    fn escapes_like_the_actions_toolkit() {
        let d = Diagnostic::new(
            "L001",
            Severity::Warning,
            "./slos/a,b.yaml",
            Span::on_line(Pos::new(3, 5), 4),
            "50% bad\nreally",
        )
        .with_help("fix: it");
        let out = render(&[d], &[]);
        assert_eq!(
            out,
            "::warning file=slos/a%2Cb.yaml,line=3,col=5,endLine=3,endColumn=9,title=L001 ::50%25 bad%0Areally%0Ahelp: fix: it\n"
        );
    }
}
