//! A test scenario: phases of constant error ratio, sampled at a fixed step, and what the
//! SLI recording rules compute on it.
//!
//! Every synthetic series grows by a whole number per step, so counter values are exact in
//! float64 however promtool expands `a+bxn`, and the error ratio of a window is the exact
//! ratio of summed increments (rate()'s extrapolation scales numerator and denominator alike,
//! as every series shares the same sample times and starts far above zero).

use super::synth::SynthSeries;
use crate::duration::Duration;

/// Every counter starts here, far above any window's increase, so that rate() never clamps
/// its extrapolation at a counter's zero point.
const BASE: f64 = 1e10;

/// A stretch of `steps` samples at one error ratio.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Phase {
    pub steps: u64,
    /// Per-series increase per step is `series.step(target)`, rounded to whole numbers.
    pub target: f64,
    /// Traffic relative to the synthetic default ([`super::synth::TRAFFIC`] events per step).
    pub scale: f64,
}

impl Phase {
    /// `steps` samples at error ratio `target` and the default traffic.
    pub fn new(steps: u64, target: f64) -> Self {
        Phase {
            steps,
            target,
            scale: 1.0,
        }
    }
}

/// Phases over one set of series, with sample step `step`.
#[derive(Debug, Clone)]
pub struct Scenario {
    pub step: Duration,
    pub phases: Vec<Phase>,
}

/// The increase per step of every series at error ratio `e` and traffic `scale`: whole
/// numbers, or thousandths when the traffic is below one event per step.
pub fn increments(series: &[SynthSeries], e: f64, scale: f64) -> Vec<f64> {
    series
        .iter()
        .map(|s| {
            if scale >= 1.0 {
                // Whole multiples of the default increments keep every ratio exact.
                s.step(e).round() * scale.round()
            } else {
                (s.step(e) * scale * 1000.0).round() / 1000.0
            }
        })
        .collect()
}

impl Scenario {
    /// The promtool `values:` string of series `i`: sample 0 is BASE, then each phase's
    /// increments.
    pub fn values(&self, series: &[SynthSeries], i: usize) -> String {
        let mut parts = Vec::new();
        let mut last = BASE;
        let mut first = true;
        for p in &self.phases {
            if p.steps == 0 {
                continue;
            }
            let inc = increments(series, p.target, p.scale)[i];
            if first {
                parts.push(format!("{last}+{inc}x{}", p.steps));
                first = false;
            } else {
                parts.push(format!("{}+{inc}x{}", last + inc, p.steps - 1));
            }
            last += inc * p.steps as f64;
        }
        parts.join(" ")
    }

    /// The (error, total) increase of step `k` (1-based) given `ratio_of(target)`.
    fn step_counts(&self, k: u64, counts: &dyn Fn(f64, f64) -> (f64, f64)) -> (f64, f64) {
        let mut end = 0;
        for p in &self.phases {
            end += p.steps;
            if k <= end {
                return counts(p.target, p.scale);
            }
        }
        (0.0, 0.0)
    }

    /// The SLI error ratio over `window` at step `k`, as `slo:sli_error:ratio_rate<window>`
    /// records it; None before two samples exist.
    pub fn window_ratio(
        &self,
        window: Duration,
        k: u64,
        counts: &dyn Fn(f64, f64) -> (f64, f64),
    ) -> Option<f64> {
        if k == 0 {
            return None;
        }
        let n = window.as_millis() / self.step.as_millis();
        let from = k.saturating_sub(n) + 1;
        let (mut e, mut t) = (0.0, 0.0);
        for j in from..=k {
            let (ej, tj) = self.step_counts(j, counts);
            e += ej;
            t += tj;
        }
        Some(e / t)
    }

    /// The mean of the `short` window ratios recorded from step 1 to `k`: Sloth's optimized
    /// period SLI while the scenario is shorter than the period.
    pub fn mean_ratio(
        &self,
        short: Duration,
        k: u64,
        counts: &dyn Fn(f64, f64) -> (f64, f64),
    ) -> f64 {
        let vals: Vec<f64> = (1..=k)
            .filter_map(|j| self.window_ratio(short, j, counts))
            .collect();
        vals.iter().sum::<f64>() / vals.len() as f64
    }

    /// The plain error ratio over every step up to `k`.
    pub fn overall_ratio(&self, k: u64, counts: &dyn Fn(f64, f64) -> (f64, f64)) -> f64 {
        let (mut e, mut t) = (0.0, 0.0);
        for j in 1..=k {
            let (ej, tj) = self.step_counts(j, counts);
            e += ej;
            t += tj;
        }
        e / t
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_continue_each_phase_from_the_last_sample() {
        let series = vec![SynthSeries {
            series: "x".into(),
            good: 0.0,
            bad: 100.0,
        }];
        let s = Scenario {
            step: Duration::from_millis(60_000),
            phases: vec![Phase::new(3, 0.0), Phase::new(2, 0.5), Phase::new(1, 0.0)],
        };
        assert_eq!(
            s.values(&series, 0),
            "10000000000+0x3 10000000050+50x1 10000000100+0x0"
        );
        let counts = |e: f64, _: f64| (100.0 * e, 100.0);
        let w = Duration::from_millis(120_000);
        assert_eq!(s.window_ratio(w, 4, &counts), Some(0.25));
        assert_eq!(s.window_ratio(w, 5, &counts), Some(0.5));
        assert_eq!(s.window_ratio(w, 0, &counts), None);
        assert!((s.overall_ratio(5, &counts) - 0.2).abs() < 1e-12);
    }
}
