//! Inputs that crashed a fuzz target (`scripts/fuzz`, docs/fuzzing.md), kept as regression
//! tests. Each names the target and the property it broke.

use std::path::PathBuf;

use slogen::lint::{lint_files, Config, LintOptions};
use slogen::model::Dialect;
use slogen::pipeline::Generator;
use slogen::spec;

fn lines(text: &str) -> usize {
    text.split('\n').count()
}

/// spec_lower: a YAML error at the end of a document was reported one line past the end of
/// the file (the parser marks end of input on the next line).
#[test]
fn fuzz_spec_lower_error_at_end_of_input_points_inside_the_file() {
    let text = "# This example shows the same example as getting-started.yml but using OpenSLO spec.\n# It will generate the Prometheus rules i~ a Prometheus rules format.\n#\n# `sloth generate -i ./examples/openslo-getting-started.yml`\n#\napiVersion: openslo/v1alpha\nkind: SLO\nmetadata:\n  name: sloth-slo-my-servic\u{4}# This example shows the sae\n  dme example i";
    let generator = Generator::default();
    let docs = spec::split_documents(text);
    assert_eq!(docs.len(), 1);
    let problems = generator.lower_document(&docs[0]).unwrap_err();
    assert!(!problems.is_empty());
    for p in problems {
        assert!(p.pos.line <= lines(text), "{p:?}");
    }
}

/// lint: a missing value at the end of a document (`slos:` followed only by comments) was
/// placed on a line past the end of the file.
#[test]
fn fuzz_lint_empty_value_at_end_of_input_points_inside_the_file() {
    let text = "# Inlsloth-common/prometheus/targets/availabilityine suppression: every finding of this file is silenc!ed by a comme nt.\nversion: \"prometheus/v1\"\nservice: \"batch\"\nslos:\n  # Low objective on purpose: the page alert is known not to fire.\n  # slogen";
    let generator = Generator::default();
    let config = Config::default();
    let opts = LintOptions {
        generator: &generator,
        dialect: Dialect::PromQl,
        config: &config,
    };
    let files = vec![(PathBuf::from("f.yaml"), text.as_bytes().to_vec())];
    let out = lint_files(&files, &opts);
    assert!(
        out.diagnostics
            .iter()
            .any(|d| d.message.contains("at least one SLO")),
        "{:?}",
        out.diagnostics
    );
    for d in &out.diagnostics {
        assert!(d.span.start.line <= lines(text), "{d:?}");
    }
}

/// A spec whose one query is `query`, for the generate regressions below.
fn spec_with_total_query(query: &str) -> String {
    format!(
        "version: \"prometheus/v1\"\nservice: \"svc01\"\nslos:\n  - name: \"slo1\"\n    objective: 99.9\n    sli:\n      events:\n        error_query: sum(rate(http_requests_total{{code=~\"5..\"}}[{{{{.window}}}}]))\n        total_query: {query}\n    alerting:\n      page_alert:\n        disable: true\n      ticket_alert:\n        disable: true\n"
    )
}

/// Runs `slogen generate` on `spec`; returns (exit code, stderr).
fn generate_cli(spec: &str) -> (Option<i32>, String) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("slo.yaml"), spec).unwrap();
    let out = crate::support::slogen(dir.path(), &["generate", "-i", "slo.yaml"]);
    (out.status.code(), crate::support::text(&out.stderr))
}

/// spec_lower: promql-parser panicked (`Duration::from_secs_f64` overflow) on a subquery
/// range of 18446744073709551615 seconds; slogen crashed instead of refusing the query.
#[test]
fn fuzz_spec_lower_parser_panic_is_a_query_error() {
    let query = "sum(rate(jobs_total[18446744073709551615:1645377207{{.window}}]))";
    let problems = Generator::default()
        .lower_document(&spec::split_documents(&spec_with_total_query(query))[0])
        .unwrap_err();
    assert!(
        problems.iter().any(|p| p
            .message
            .contains("PromQL parser cannot read this expression")),
        "{problems:?}"
    );
    let (code, stderr) = generate_cli(&spec_with_total_query(query));
    assert_eq!(code, Some(1), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(stderr.contains("slo.yaml:9:"), "{stderr}");
}

/// generate: a query whose last line ends in a `#` comment parses on its own, but in the SLI
/// rule the comment swallowed the `)` written after it, so Prometheus would reject the rule.
#[test]
fn fuzz_generate_trailing_comment_in_a_query_is_refused() {
    let query = "s#####um(rate(http_requests_total[{{.window}}]))";
    let (code, stderr) = generate_cli(&spec_with_total_query(query));
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains("`#` comment"), "{stderr}");
    assert!(stderr.contains("slo.yaml:9:"), "{stderr}");
    // A comment that a line break closes is fine: the `)` lands on the next line.
    let block = "|\n          sum(rate(http_requests_total[{{.window}}])) # all requests\n";
    let (code, stderr) = generate_cli(&spec_with_total_query(block));
    assert_eq!(code, Some(0), "{stderr}");
}

/// generate: `[30d{{.window}}]` validates (`30d1m` is a duration) but the SLI rule of the 1d
/// window read `[30d1d]`, which Prometheus rejects. Queries that glue the placeholder to other
/// text are now checked in every window they are written with.
#[test]
fn fuzz_generate_window_glued_to_a_duration_is_refused() {
    let query = "sum(rate(http_requests_total[30d{{.window}}]))";
    let (code, stderr) = generate_cli(&spec_with_total_query(query));
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains("30d1d"), "{stderr}");
    assert!(stderr.contains("touches the text around it"), "{stderr}");
    assert!(stderr.contains("slo.yaml:4:"), "{stderr}");
    // Glued to a recording rule's name, the placeholder gives a valid name in every window.
    let recorded = "sum(job:http_requests:rate{{.window}})";
    let (code, stderr) = generate_cli(&spec_with_total_query(recorded));
    assert_eq!(code, Some(0), "{stderr}");
}
