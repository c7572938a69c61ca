//! `sloth-common/noop`: an SLI that never errors.

use super::SliPluginCall;

/// `sloth-common/noop`: always 0, no options.
pub(super) fn noop(_call: &SliPluginCall<'_>) -> Result<String, String> {
    Ok("max_over_time(vector(0)[{{.window}}:])".to_string())
}

#[cfg(test)]
mod tests {
    use super::super::test_util::run;
    use super::*;

    #[test]
    fn noop_query() {
        assert_eq!(
            run(noop, &[("anything", "ignored")]).unwrap(),
            "max_over_time(vector(0)[{{.window}}:])"
        );
    }
}
