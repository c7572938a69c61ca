//! Cause before symptom: when one finding explains others, the cause is shown, as an error,
//! and the findings it explains are folded into it as notes.
//!
//! - An objective written as a ratio (L014, `objective: 0.999`) is why alerts at that objective
//!   can never fire (L005): the L005 findings at the objective become one note of the L014,
//!   which is then an error.
//! - A required query reported missing next to a misspelling of its key (V009 at the unknown
//!   key, see `rules::query_syntax`) already says what L001 would: the L001 at the same key goes.
//!
//! A severity set in `.slogen.toml` is kept: folding never overrides the project's choice.

use crate::diag::{Diagnostic, Severity};

use super::Config;

/// Folds the findings of one file (after suppressions and configuration were applied).
pub(crate) fn apply(diags: &mut Vec<Diagnostic>, config: &Config) {
    ratio_objective_explains_impossible_alerts(diags, config);
    missing_query_explains_unknown_key(diags);
}

fn ratio_objective_explains_impossible_alerts(diags: &mut Vec<Diagnostic>, config: &Config) {
    let causes: Vec<usize> = (0..diags.len())
        .filter(|&i| diags[i].code == "L014")
        .collect();
    let mut explained = vec![false; diags.len()];
    for &c in &causes {
        let span = diags[c].span;
        let derived: Vec<usize> = (0..diags.len())
            .filter(|&i| diags[i].code == "L005" && diags[i].span == span)
            .collect();
        if derived.is_empty() {
            continue;
        }
        let mut notes: Vec<String> = derived
            .iter()
            .map(|&i| format!("L005: {}", diags[i].message))
            .collect();
        for &i in &derived {
            explained[i] = true;
        }
        let cause = &mut diags[c];
        if !config.severity.contains_key("L014") {
            cause.severity = Severity::Error;
        }
        cause.notes.insert(
            0,
            format!(
                "this is also why {} alert window(s) at this objective could never fire (L005):",
                derived.len()
            ),
        );
        cause.notes.append(&mut notes);
    }
    let mut i = 0;
    diags.retain(|_| {
        i += 1;
        !explained[i - 1]
    });
}

fn missing_query_explains_unknown_key(diags: &mut Vec<Diagnostic>) {
    let missing: Vec<_> = diags
        .iter()
        .filter(|d| d.code == "V009" && d.message.contains("is not a key Sloth knows"))
        .map(|d| (d.file.clone(), d.span))
        .collect();
    diags.retain(|d| !(d.code == "L001" && missing.contains(&(d.file.clone(), d.span))));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Span;
    use crate::source::Pos;

    fn diag(code: &'static str, severity: Severity, line: usize, msg: &str) -> Diagnostic {
        Diagnostic::new(
            code,
            severity,
            "a.yaml",
            Span::on_line(Pos::new(line, 5), 3),
            msg,
        )
    }

    #[test]
    fn a_ratio_objective_folds_the_impossible_alerts_it_causes() {
        let mut diags = vec![
            diag("L005", Severity::Error, 5, "the page alert can never fire"),
            diag(
                "L005",
                Severity::Error,
                5,
                "the ticket alert can never fire",
            ),
            diag("L005", Severity::Error, 9, "elsewhere"),
            diag("L014", Severity::Warning, 5, "looks like a ratio"),
        ];
        apply(&mut diags, &Config::default());
        let codes: Vec<(&str, usize)> = diags.iter().map(|d| (d.code, d.span.start.line)).collect();
        assert_eq!(codes, [("L005", 9), ("L014", 5)]);
        assert_eq!(diags[1].severity, Severity::Error);
        assert_eq!(
            diags[1].notes,
            [
                "this is also why 2 alert window(s) at this objective could never fire (L005):",
                "L005: the page alert can never fire",
                "L005: the ticket alert can never fire"
            ]
        );

        let mut config = Config::default();
        config.severity.insert("L014", Severity::Info);
        let mut diags = vec![
            diag("L005", Severity::Error, 5, "x"),
            diag("L014", Severity::Info, 5, "y"),
        ];
        apply(&mut diags, &config);
        assert_eq!(diags.len(), 1);
        assert_eq!(
            diags[0].severity,
            Severity::Info,
            "the project's level stays"
        );
    }

    #[test]
    fn a_missing_query_at_a_misspelt_key_replaces_its_unknown_key() {
        let mut diags = vec![
            diag("V009", Severity::Error, 9, "`total_query` is missing: `totl_query` is not a key Sloth knows, so the SLI has no total_query"),
            diag("L001", Severity::Error, 9, "unknown key `totl_query`"),
            diag("L001", Severity::Warning, 12, "unknown key `runbook`"),
        ];
        apply(&mut diags, &Config::default());
        let codes: Vec<&str> = diags.iter().map(|d| d.code).collect();
        assert_eq!(codes, ["V009", "L001"]);
    }
}
