//! `sloth-common/fake`: an SLI that burns the error budget at a chosen rate.

use super::common::opt;
use super::gocompat::{format_percent_f, parse_float};
use super::SliPluginCall;

/// `sloth-common/fake`: error ratio = error budget × `burn_rate`, optionally with a pseudo-random
/// `jitter_percent`.
pub(super) fn fake(call: &SliPluginCall<'_>) -> Result<String, String> {
    let objective = parse_float(call.objective)
        .map_err(|e| format!("not a valid objective, can't parse to float64: {e}"))
        .map_err(|e| format!("could not get objective: {e}"))?;
    let burn_rate = match opt(call, "burn_rate") {
        None => Err("'burn_rate' option is required".to_string()),
        Some(s) => parse_float(s)
            .map_err(|e| format!("not a valid burn_rate, can't parse to float64: {e}")),
    }
    .map_err(|e| format!("could not get burn rate: {e}"))?;
    let jitter = match opt(call, "jitter_percent") {
        None => Ok(0.0),
        Some(s) => parse_float(s)
            .map_err(|e| format!("not a valid jitter_percent, can't parse to float64: {e}")),
    }
    .map_err(|e| format!("could not get jitter percent: {e}"))?;

    let error_budget_ratio = (100.0 - objective) / 100.0;
    let expected = error_budget_ratio * burn_rate;
    let query = format!(
        "max_over_time(vector({})[{{{{.window}}}}:])",
        format_percent_f(expected)
    );
    if jitter == 0.0 {
        return Ok(query);
    }
    let jitter_query = format!(
        "({} * ({} - ((time() * minute() * hour() * day_of_week() * month()) % {}))) / 100",
        format_percent_f(expected),
        format_percent_f(jitter),
        format_percent_f(jitter * 2.0)
    );
    Ok(format!("({query}) - ({jitter_query})"))
}

#[cfg(test)]
mod tests {
    use super::super::test_util::Input;
    use super::*;

    fn run(objective: &str, options: &[(&str, &str)]) -> Result<String, String> {
        fake(&Input::new(options).objective(objective).call())
    }

    #[test]
    fn without_jitter() {
        assert_eq!(
            run("99.000000", &[("burn_rate", "1")]).unwrap(),
            "max_over_time(vector(0.010000)[{{.window}}:])"
        );
        assert_eq!(
            run("99.900000", &[("burn_rate", "2"), ("jitter_percent", "0")]).unwrap(),
            "max_over_time(vector(0.002000)[{{.window}}:])"
        );
    }

    #[test]
    fn with_jitter() {
        assert_eq!(
            run("99.000000", &[("burn_rate", "1"), ("jitter_percent", "10")]).unwrap(),
            "(max_over_time(vector(0.010000)[{{.window}}:])) - ((0.010000 * (10.000000 - ((time() * minute() * hour() * day_of_week() * month()) % 20.000000))) / 100)"
        );
    }

    #[test]
    fn errors() {
        assert_eq!(
            run("99.000000", &[]).unwrap_err(),
            "could not get burn rate: 'burn_rate' option is required"
        );
        assert_eq!(
            run("99.000000", &[("burn_rate", "")]).unwrap_err(),
            r#"could not get burn rate: not a valid burn_rate, can't parse to float64: strconv.ParseFloat: parsing "": invalid syntax"#
        );
        assert_eq!(
            run("99.000000", &[("burn_rate", "1"), ("jitter_percent", "")]).unwrap_err(),
            r#"could not get jitter percent: not a valid jitter_percent, can't parse to float64: strconv.ParseFloat: parsing "": invalid syntax"#
        );
        assert_eq!(
            run("", &[("burn_rate", "1")]).unwrap_err(),
            r#"could not get objective: not a valid objective, can't parse to float64: strconv.ParseFloat: parsing "": invalid syntax"#
        );
    }
}
