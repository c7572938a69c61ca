//! Fuzz target 1: spec reading and lowering, for every input format.
//!
//! The first input byte picks a format header (prometheus/v1, Kubernetes, OpenSLO v1alpha,
//! OpenSLO v1, none); the rest is the spec. Beyond "no panic": lowering is deterministic, every
//! problem points inside the file, and every lowered SLO obeys the model's invariants.
#![no_main]

use libfuzzer_sys::fuzz_target;
use slogen::model::{self, Dialect};
use slogen::pipeline::Generator;
use slogen::spec;
use slogen_fuzz::{spec_text, with_generator};

fuzz_target!(|data: &[u8]| {
    let Some(text) = spec_text(data) else {
        return;
    };
    with_generator(|generator| check(generator, &text));
});

fn check(generator: &Generator, text: &str) {
    let lines = text.split('\n').count();
    for doc in spec::split_documents(text) {
        let first = generator.lower_document(&doc);
        assert_eq!(
            first,
            generator.lower_document(&doc),
            "lowering is deterministic"
        );
        match first {
            Ok(group) => {
                for slo in &group.slos {
                    if model::lower::validators(&slo.plugins).contains(&Dialect::PromQl) {
                        assert!(slo.objective > 0.0 && slo.objective <= 100.0);
                        assert!(model::validate::check_name(&slo.id).is_none(), "{}", slo.id);
                        assert!(!slo.period.is_zero());
                    }
                }
            }
            Err(problems) => {
                assert!(!problems.is_empty());
                for p in problems {
                    assert!(!p.message.is_empty());
                    assert!(p.pos.line <= lines, "problem past the end: {p:?}");
                }
            }
        }
    }
}
