//! Fuzz target 2: the whole `generate` pipeline, bytes to emitted YAML.
//!
//! Every generated document is read back with an independent YAML parser and compared with
//! its plan (same strings, no rule, label or annotation lost), every PromQL `expr` parses, and
//! generating twice gives the same bytes ([`slogen_fuzz::check_file`]).
#![no_main]

use libfuzzer_sys::fuzz_target;
use slogen_fuzz::{check_file, spec_text, with_generator};

fuzz_target!(|data: &[u8]| {
    let Some(text) = spec_text(data) else {
        return;
    };
    with_generator(|generator| check_file(generator, &text));
});
