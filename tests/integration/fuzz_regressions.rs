//! Inputs that crashed a fuzz target (`scripts/fuzz`, README "Fuzzing"), kept as regression
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
