//! What an SLO's alerts will do, from the SRE workbook's multi-window, multi-burn-rate maths.
//!
//! For a period T, error budget b = 1 − objective, long window W, short window w and burn
//! factor B, an alert condition fires when both windows' error ratios exceed B·b
//! (field-notes §3.4). After a step to error ratio e > B·b it fires once the long window holds
//! enough errors, `t = W·B·b/e`; it has then spent `B·W/T` of the budget whatever e is; after
//! the errors stop it resets when the short window drops below the threshold,
//! `w·(1 − B·b/e)` later. A condition with B·b ≥ 1 can never fire. These numbers are what
//! `slogen explain` prints and what the generated promtool tests assert.

use serde::Serialize;

use crate::duration::Duration;
use crate::model::Slo;
use crate::plan::mwmb::{MwmbAlert, MwmbAlerts};

/// One alert condition (page or ticket, quick or slow) of an SLO, explained.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ConditionExplain {
    /// `page` or `ticket`.
    pub severity: &'static str,
    /// `quick` or `slow`.
    pub speed: &'static str,
    /// False when the SLO's spec disables this severity's alert.
    pub enabled: bool,
    pub long_window: String,
    pub short_window: String,
    pub long_window_seconds: f64,
    pub short_window_seconds: f64,
    pub burn_rate_factor: f64,
    /// The error ratio both windows must exceed: factor × error budget.
    pub error_ratio_threshold: f64,
    /// Share of the period's error budget spent when the condition fires, percent.
    pub budget_consumed_percent: f64,
    /// Seconds from the start of a total outage (100% errors) to firing; None if it never fires.
    pub detection_seconds_at_outage: Option<f64>,
    /// Seconds to fire at a burn of exactly the factor: the long window, as a limit (the
    /// rule compares with `>`, so an exactly-at-threshold burn sits on the edge).
    pub detection_seconds_at_threshold: Option<f64>,
    /// Seconds from the end of a total outage until the condition stops firing.
    pub reset_seconds_after_outage: Option<f64>,
    /// False when factor × error budget ≥ 1: no error ratio can exceed the threshold.
    pub can_fire: bool,
    /// `for:` of this severity's alert (`slogen/alert_for/v1`), seconds; the detection times
    /// above include it.
    pub for_seconds: f64,
    /// With `slogen/burn_window_label/v1`: the `sloth_window` label of this pair's own rule.
    pub window_label: Option<String>,
    /// With `slogen/min_traffic/v1`: the events the long window must hold for this pair to fire.
    pub min_events: Option<f64>,
}

/// Every alert condition of one SLO, explained.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SloExplain {
    pub slo: String,
    /// The objective as a ratio (0.999) and as a percentage (99.9).
    pub objective_ratio: f64,
    pub objective_percent: f64,
    pub period: String,
    pub period_seconds: f64,
    /// The error budget as a ratio (1 − objective).
    pub error_budget_ratio: f64,
    pub conditions: Vec<ConditionExplain>,
    /// How the SLI windows are computed: `raw` (Sloth: each window from the raw counters, the
    /// period as the mean of 5m ratios) or `exact_ratio` (ratio of sums of 5m steps).
    pub sli_windows: &'static str,
}

/// Seconds in a duration.
pub fn seconds(d: Duration) -> f64 {
    d.as_millis() as f64 / 1000.0
}

/// Seconds until a condition fires after errors step from 0 to ratio `e`; None if never.
pub fn detection_seconds(a: &MwmbAlert, budget: f64, e: f64) -> Option<f64> {
    let threshold = a.burn_rate_factor * budget;
    if e <= threshold || threshold >= 1.0 {
        return None;
    }
    // Both windows must exceed the threshold; the long one fills last.
    Some(seconds(a.long).max(seconds(a.short)) * threshold / e)
}

/// Seconds after errors at ratio `e` stop until the condition's short window drops below.
pub fn reset_seconds(a: &MwmbAlert, budget: f64, e: f64) -> Option<f64> {
    let threshold = a.burn_rate_factor * budget;
    if e <= threshold || threshold >= 1.0 {
        return None;
    }
    Some(seconds(a.short) * (1.0 - threshold / e))
}

/// The four conditions of `slo`, page first, with what its slogen plugins change.
pub fn explain_slo(slo: &Slo) -> SloExplain {
    let opts = crate::plan::plugins::slogen::Options::of(slo);
    let alerts = MwmbAlerts::new(slo);
    let budget = (100.0 - slo.objective) / 100.0;
    let period = seconds(slo.period);
    let conditions = [
        (
            "page",
            "quick",
            &alerts.page_quick,
            slo.page_alert.is_some(),
        ),
        ("page", "slow", &alerts.page_slow, slo.page_alert.is_some()),
        (
            "ticket",
            "quick",
            &alerts.ticket_quick,
            slo.ticket_alert.is_some(),
        ),
        (
            "ticket",
            "slow",
            &alerts.ticket_slow,
            slo.ticket_alert.is_some(),
        ),
    ]
    .into_iter()
    .map(|(severity, speed, a, enabled)| {
        let threshold = a.burn_rate_factor * budget;
        let can_fire = threshold < 1.0;
        let for_seconds = seconds(opts.for_of(severity));
        let delayed = |t: Option<f64>| t.map(|t| t + for_seconds);
        ConditionExplain {
            severity,
            speed,
            enabled,
            long_window: a.long.to_string(),
            short_window: a.short.to_string(),
            long_window_seconds: seconds(a.long),
            short_window_seconds: seconds(a.short),
            burn_rate_factor: a.burn_rate_factor,
            error_ratio_threshold: threshold,
            budget_consumed_percent: 100.0 * a.burn_rate_factor * seconds(a.long) / period,
            detection_seconds_at_outage: delayed(detection_seconds(a, budget, 1.0)),
            detection_seconds_at_threshold: delayed(
                can_fire.then(|| seconds(a.long).max(seconds(a.short))),
            ),
            reset_seconds_after_outage: reset_seconds(a, budget, 1.0),
            can_fire,
            for_seconds,
            window_label: opts.split.then(|| a.long.to_string()),
            min_events: opts.min_events,
        }
    })
    .collect();
    SloExplain {
        slo: slo.id.clone(),
        objective_ratio: crate::live::round(slo.objective / 100.0, 9),
        objective_percent: slo.objective,
        period: slo.period.to_string(),
        period_seconds: period,
        error_budget_ratio: budget,
        conditions,
        sli_windows: if opts.exact { "exact_ratio" } else { "raw" },
    }
}

/// A duration in seconds as a short human string: `52s`, `4m56s`, `1h`, `2d14h`.
pub fn human(secs: f64) -> String {
    let total = secs.round() as u64;
    let units = [("d", 86_400), ("h", 3_600), ("m", 60), ("s", 1)];
    let mut parts = Vec::new();
    let mut rest = total;
    for (name, size) in units {
        if rest >= size {
            parts.push(format!("{}{name}", rest / size));
            rest %= size;
        }
        if parts.len() == 2 {
            break;
        }
    }
    if parts.is_empty() {
        return "0s".into();
    }
    // Two units at most: drop the remainder of the second, a table is for reading.
    parts.join("")
}

/// The table `slogen explain` prints for one SLO.
pub fn render_table(e: &SloExplain) -> String {
    let mut out = format!(
        "{}: objective {}% over {} (error budget {} of events, {} of full outage)\n",
        e.slo,
        crate::gofmt::format_g(e.objective_percent),
        e.period,
        crate::gofmt::format_g(round_sig(e.error_budget_ratio)),
        human(e.error_budget_ratio * e.period_seconds)
    );
    let header = [
        "alert",
        "long",
        "short",
        "burn",
        "threshold",
        "budget@fire",
        "detect@100%",
        "detect@burn",
        "reset@100%",
    ];
    let with_for = e.conditions.iter().any(|c| c.for_seconds > 0.0);
    let mut rows: Vec<Vec<String>> = vec![header.iter().map(|s| s.to_string()).collect()];
    if with_for {
        rows[0].push("for".into());
    }
    let opt = |v: Option<f64>| v.map_or_else(|| "never".to_string(), human);
    for c in &e.conditions {
        let name = format!(
            "{} {}{}{}",
            c.severity,
            c.speed,
            c.window_label
                .as_ref()
                .map_or(String::new(), |w| format!(" [sloth_window={w}]")),
            if c.enabled { "" } else { " (disabled)" }
        );
        rows.push(vec![
            name,
            c.long_window.clone(),
            c.short_window.clone(),
            format!("{}x", crate::gofmt::format_g(round_sig(c.burn_rate_factor))),
            format!(
                "{}%",
                crate::gofmt::format_g(round_sig(100.0 * c.error_ratio_threshold))
            ),
            format!(
                "{}%",
                crate::gofmt::format_g(round_sig(c.budget_consumed_percent))
            ),
            opt(c.detection_seconds_at_outage),
            opt(c.detection_seconds_at_threshold),
            opt(c.reset_seconds_after_outage),
        ]);
        if with_for {
            rows.last_mut()
                .expect("row just pushed")
                .push(human(c.for_seconds));
        }
    }
    let widths: Vec<usize> = (0..rows[0].len())
        .map(|i| rows.iter().map(|r| r[i].chars().count()).max().unwrap_or(0))
        .collect();
    for r in &rows {
        let line: Vec<String> = r
            .iter()
            .zip(&widths)
            .map(|(c, w)| format!("{c:<w$}"))
            .collect();
        out.push_str("  ");
        out.push_str(line.join("  ").trim_end());
        out.push('\n');
    }
    if with_for {
        out.push_str("  detection times include `for:` (slogen/alert_for/v1)\n");
    }
    if e.conditions.iter().any(|c| c.window_label.is_some()) {
        out.push_str("  each window pair is its own alert rule, labelled sloth_window (slogen/burn_window_label/v1)\n");
    }
    if let Some(min) = e.conditions.iter().find_map(|c| c.min_events) {
        let floors: Vec<String> = e
            .conditions
            .iter()
            .filter(|c| c.enabled)
            .map(|c| {
                format!(
                    "{} {} needs {}/s over {}",
                    c.severity,
                    c.speed,
                    crate::gofmt::format_g(round_sig(min / c.long_window_seconds)),
                    c.long_window
                )
            })
            .collect();
        out.push_str(&format!(
            "  low-traffic floor (slogen/min_traffic/v1): no alert until the long window holds {} events ({})\n",
            crate::gofmt::format_g(min),
            floors.join(", ")
        ));
    }
    if e.sli_windows == "exact_ratio" {
        out.push_str("  SLI windows: ratio of sums of 5m steps, not Sloth's mean of 5m ratios (slogen/exact_ratio/v1)\n");
    }
    for c in e.conditions.iter().filter(|c| !c.can_fire) {
        out.push_str(&format!(
            "  warning: {} {} can never fire: {}x the error budget is {}%, an error ratio above 100%\n",
            c.severity,
            c.speed,
            crate::gofmt::format_g(round_sig(c.burn_rate_factor)),
            crate::gofmt::format_g(round_sig(100.0 * c.error_ratio_threshold))
        ));
    }
    out
}

/// Rounds to 6 significant digits, so that 14.399999999999999 prints as 14.4.
fn round_sig(x: f64) -> f64 {
    if x == 0.0 || !x.is_finite() {
        return x;
    }
    let mag = 10f64.powi(5 - x.abs().log10().floor() as i32);
    (x * mag).round() / mag
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn workbook_numbers_for_99_9_over_30d() {
        let e = explain_slo(&crate::prove::tests_support::slo(99.9));
        let pq = &e.conditions[0];
        assert!((pq.burn_rate_factor - 14.4).abs() < 1e-9);
        assert!((pq.budget_consumed_percent - 2.0).abs() < 1e-9);
        // Field notes §3.4: 52 s at 100%, reset 4.93 min.
        assert_eq!(human(pq.detection_seconds_at_outage.unwrap()), "52s");
        assert!((pq.reset_seconds_after_outage.unwrap() / 60.0 - 4.928).abs() < 1e-3);
        let ps = &e.conditions[1];
        assert_eq!(human(ps.detection_seconds_at_outage.unwrap()), "2m10s");
        assert!((ps.budget_consumed_percent - 5.0).abs() < 1e-9);
        let ts = &e.conditions[3];
        assert_eq!(human(ts.detection_seconds_at_outage.unwrap()), "4m19s");
        assert_eq!(ts.detection_seconds_at_threshold, Some(3.0 * 86_400.0));
        assert!(e.conditions.iter().all(|c| c.can_fire));
    }

    #[test]
    fn low_objectives_have_alerts_that_never_fire() {
        let e = explain_slo(&crate::prove::tests_support::slo(90.0));
        let pq = &e.conditions[0];
        assert!(!pq.can_fire, "14.4 × 10% > 100%");
        assert_eq!(pq.detection_seconds_at_outage, None);
        assert!(e.conditions[1].can_fire, "6 × 10% = 60%");
        assert!(render_table(&e).contains("warning: page quick can never fire"));
    }

    #[test]
    fn detection_at_a_given_error_ratio() {
        let e = crate::prove::tests_support::slo(99.9);
        let a = MwmbAlerts::new(&e).page_slow;
        // 6h/30m × 6 at 1% errors: 3.6 h (field notes table).
        let t = detection_seconds(&a, 0.001, 0.01).unwrap();
        assert!((t - 3.6 * 3600.0).abs() < 1e-6);
        assert_eq!(detection_seconds(&a, 0.001, 0.005), None);
    }
}
