//! Fuzz target 4: `slogen lint` on arbitrary bytes (invalid UTF-8, NULs, anything).
//!
//! Beyond "no panic": the run is deterministic, every diagnostic has a code, a message and
//! names the file it was given, and its span starts inside the file.
#![no_main]

use std::path::PathBuf;

use libfuzzer_sys::fuzz_target;
use slogen::lint::{lint_files, Config, LintOptions};
use slogen::model::Dialect;
use slogen::pipeline::Generator;
use slogen_fuzz::with_generator;

fuzz_target!(|data: &[u8]| {
    with_generator(|generator| check(generator, data));
});

fn check(generator: &Generator, data: &[u8]) {
    let config = Config::default();
    let opts = LintOptions {
        generator,
        dialect: Dialect::PromQl,
        config: &config,
    };
    let files = vec![(PathBuf::from("fuzz.yaml"), data.to_vec())];
    let out = lint_files(&files, &opts);
    let again = lint_files(&files, &opts);
    assert_eq!(
        out.diagnostics.len(),
        again.diagnostics.len(),
        "lint is deterministic"
    );
    let lines = data.split(|&b| b == b'\n').count();
    for d in &out.diagnostics {
        assert!(!d.code.is_empty() && !d.message.is_empty(), "{d:?}");
        assert_eq!(d.file, PathBuf::from("fuzz.yaml"));
        assert!(d.span.start.line <= lines, "span past the end: {d:?}");
    }
}
