//! Regex matchers in SLI queries. slogen compiles each distinct regex literal once per thread
//! (`promql::check`) instead of once per parse; it must still accept exactly what
//! promql-parser accepts and refuse the rest with the parser's own message, in validation and
//! with `--verify-exprs`. The expected outcome comes from promql-parser itself.

use serde_json::json;

use crate::support::{slogen, text};

/// A prometheus/v1 spec with one raw SLI query (written as a JSON string).
fn spec(query: &str) -> String {
    format!(
        "version: \"prometheus/v1\"\nservice: svc\nslos:\n  - name: slo\n    objective: 99.9\n    sli:\n      raw:\n        error_ratio_query: {}\n    alerting:\n      name: Alert\n      page_alert:\n        disable: true\n      ticket_alert:\n        disable: true\n",
        json!(query)
    )
}

#[test]
fn regex_matchers_are_refused_as_the_parser_refuses_them() {
    let queries = [
        r#"sum(rate(x{code=~"(5..|429)",env!~"canary|shadow"}[{{.window}}]))"#,
        r#"sum(rate(x{code=~"(5..|429"}[{{.window}}]))"#, // unclosed group
        r#"sum(rate(x{code!~"[z-a]"}[{{.window}}]))"#,    // reversed range
        r#"sum(rate({code=~".*"}[{{.window}}]))"#,        // every matcher matches ""
        r#"sum(rate({code!~".+"}[{{.window}}]))"#,        // so does this one
        r#"sum(rate({code!~""}[{{.window}}]))"#,          // this one does not
        r#"sum(rate({code=~".*", job="a"}[{{.window}}]))"#,
        r#"sum(rate(x{code=~"a{bbb}"}[{{.window}}]))"#, // Go reads `{bbb}` literally
        r#"sum(rate(x{code=~"\\q"}[{{.window}}]))"#,    // unknown escape in the regex
        r#"sum(rate(x{code=~'single',a!~`raw\d`}[{{.window}}]))"#,
        r#"sum(rate(x{__name__=~"x"}[{{.window}}]))"#, // metric name set twice
    ];
    let dir = tempfile::tempdir().unwrap();
    let mut refused = 0;
    for (i, query) in queries.iter().enumerate() {
        let file = dir.path().join(format!("spec-{i}.yaml"));
        std::fs::write(&file, spec(query)).unwrap();
        // Validation renders the query with a one-minute window (sloth-cli-validation.md §3.2).
        let expected = promql_parser::parser::parse(&query.replace("{{.window}}", "1m"));
        for verify in [false, true] {
            let mut args = vec!["generate", "-i", file.to_str().unwrap(), "-o", "-"];
            if verify {
                args.push("--verify-exprs");
            }
            let out = slogen(dir.path(), &args);
            let stderr = text(&out.stderr);
            match &expected {
                Ok(_) => {
                    assert!(out.status.success(), "{query}: {stderr}");
                    assert!(text(&out.stdout).contains("slo:sli_error:ratio_rate5m"));
                }
                Err(message) => {
                    assert_eq!(out.status.code(), Some(1), "{query} was accepted");
                    assert!(
                        stderr.contains(message.as_str()),
                        "{query}: expected {message:?} in {stderr}"
                    );
                }
            }
        }
        refused += usize::from(expected.is_err());
    }
    // The list holds both kinds: the test would prove little otherwise.
    assert!(refused >= 5 && refused < queries.len(), "{refused} refused");
}
