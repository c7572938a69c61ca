//! The catalogue: every code lint can report, in the order of docs/rules.md.
//!
//! Parse (`P`) and validation (`V`) codes come first; they are produced by the spec readers
//! and the model's validator and only documented here. Lint rules (`L`) follow, each with the
//! function that runs it. Codes are stable forever and never reused.

use super::context::{DocCtx, SloView};
use super::rules::*;
use crate::diag::{Diagnostic, RuleInfo};

/// How a lint rule runs.
#[derive(Clone, Copy)]
pub(crate) enum Check {
    /// Once per SLO.
    Slo(fn(&DocCtx, &SloView, &mut Vec<Diagnostic>)),
    /// Once per document.
    Document(fn(&DocCtx, &mut Vec<Diagnostic>)),
    /// By the driver, across documents and files.
    Driver,
}

/// A lint rule: its catalogue entry and how it runs.
pub(crate) struct Entry {
    pub info: RuleInfo,
    pub check: Check,
}

/// The lint rules, in catalogue order.
pub(crate) static LINT: &[Entry] = &[
    Entry {
        info: unknown_key::RULE,
        check: Check::Document(unknown_key::check),
    },
    Entry {
        info: hardcoded_range::RULE,
        check: Check::Slo(hardcoded_range::check),
    },
    Entry {
        info: mismatched_metrics::RULE,
        check: Check::Slo(mismatched_metrics::check),
    },
    Entry {
        info: mismatched_grouping::RULE,
        check: Check::Slo(mismatched_grouping::check),
    },
    Entry {
        info: impossible_alert::RULE,
        check: Check::Slo(impossible_alert::check),
    },
    Entry {
        info: tiny_error_budget::RULE,
        check: Check::Slo(tiny_error_budget::check),
    },
    Entry {
        info: histogram_quantile::RULE,
        check: Check::Slo(histogram_quantile::check),
    },
    Entry {
        info: uncommon_bucket::RULE,
        check: Check::Slo(uncommon_bucket::check),
    },
    Entry {
        info: integer_le::RULE,
        check: Check::Slo(integer_le::check),
    },
    Entry {
        info: duplicate_slo_id::RULE,
        check: Check::Driver,
    },
    Entry {
        info: invalid_label_name::RULE,
        check: Check::Slo(invalid_label_name::check),
    },
    Entry {
        info: reserved_label::RULE,
        check: Check::Slo(reserved_label::check),
    },
    Entry {
        info: missing_description::RULE,
        check: Check::Slo(missing_description::check),
    },
    Entry {
        info: objective_as_ratio::RULE,
        check: Check::Slo(objective_as_ratio::check),
    },
    Entry {
        info: query_length::RULE,
        check: Check::Slo(query_length::check),
    },
    Entry {
        info: metricsql_only::RULE,
        check: Check::Slo(metricsql_only::check),
    },
];

/// Every code in catalogue order: parse, validation, lint.
pub fn all() -> Vec<RuleInfo> {
    sloth_validation::PARSE
        .iter()
        .chain(sloth_validation::VALIDATION)
        .copied()
        .chain(LINT.iter().map(|e| e.info))
        .collect()
}

/// The entry of `code` (`L005`) or name (`impossible-alert`), any letter case.
pub fn find(code_or_name: &str) -> Option<RuleInfo> {
    all().into_iter().find(|r| {
        r.code.eq_ignore_ascii_case(code_or_name) || r.name.eq_ignore_ascii_case(code_or_name)
    })
}

/// The entry of exactly `code`.
pub(crate) fn info(code: &str) -> Option<&'static RuleInfo> {
    sloth_validation::PARSE
        .iter()
        .chain(sloth_validation::VALIDATION)
        .chain(LINT.iter().map(|e| &e.info))
        .find(|r| r.code == code)
}

/// What `slogen lint --explain CODE` prints: the same text as docs/rules.md.
pub fn explain(rule: &RuleInfo) -> String {
    format!(
        "# {} {}\n\nDefault severity: {}. {}.\n\n{}",
        rule.code,
        rule.name,
        rule.severity,
        rule.summary,
        rule.docs.trim_end()
    )
}

/// The text of docs/rules.md, generated from the catalogue.
pub fn rules_markdown() -> String {
    let mut s = String::from(
        "# slogen lint rules\n\n<!-- Generated from src/lint/registry.rs by `SLOGEN_UPDATE_DOCS=1 cargo test rules_doc`; do not edit. -->\n\n\
         Codes: `P` the file or document cannot be read, `V` Sloth's validation refuses it, `L` lint's own rules.\n\
         Print one with `slogen lint --explain CODE`; change levels in `.slogen.toml` (see docs/lint.md).\n\n\
         | Code | Name | Default | What it flags |\n|---|---|---|---|\n",
    );
    for r in all() {
        s.push_str(&format!(
            "| [{}](#{}) | `{}` | {} | {} |\n",
            r.code,
            anchor(&r),
            r.name,
            r.severity,
            r.summary.replace('|', "\\|")
        ));
    }
    for r in all() {
        s.push_str("\n---\n\n");
        let text = explain(&r).replacen("# ", "## ", 1);
        // Nest the rule's own headings one level deeper.
        let text = text
            .replace("\n## What", "\n### What")
            .replace("\n## Why", "\n### Why")
            .replace("\n## Example", "\n### Example")
            .replace("\n## References", "\n### References");
        s.push_str(&text);
        s.push('\n');
    }
    s
}

fn anchor(r: &RuleInfo) -> String {
    format!("{}-{}", r.code, r.name).to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_names_are_unique_and_well_formed() {
        let rules = all();
        for (i, r) in rules.iter().enumerate() {
            assert!(
                r.code.len() == 4 && "PVL".contains(&r.code[..1]),
                "{}",
                r.code
            );
            assert!(
                r.name.chars().all(|c| c.is_ascii_lowercase() || c == '-'),
                "{}",
                r.name
            );
            assert!(
                r.docs.contains("## What it does")
                    && r.docs.contains("## Why is this bad?")
                    && r.docs.contains("## Example"),
                "{}",
                r.code
            );
            for o in &rules[i + 1..] {
                assert_ne!(r.code, o.code);
                assert_ne!(r.name, o.name);
            }
        }
    }

    #[test]
    fn finds_by_code_or_name() {
        assert_eq!(find("l005").unwrap().name, "impossible-alert");
        assert_eq!(find("unknown-key").unwrap().code, "L001");
        assert_eq!(find("V010").unwrap().name, "invalid-promql");
        assert!(find("L999").is_none());
    }
}
