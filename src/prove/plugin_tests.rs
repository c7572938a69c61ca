//! promtool tests that prove what slogen's plugins mean, on Prometheus's own evaluator:
//! `min_traffic` stays quiet below its floor, `burn_window_label` fires only the pair a burst
//! crosses, `exact_ratio` records the ratio of sums where Sloth's rules record the mean of
//! 5-minute ratios, and `slogen/latency/v1` counts exactly the requests above `le`. (`for:` is
//! proven in each total-outage test: pending from the moment a condition holds, firing exactly
//! `for` later.)

use super::explain::human;
use super::scenario::{Phase, Scenario};
use super::synth::{example_labels, series_text, TRAFFIC};
use super::testgen::{label_text, round6, AlertCheck, Ctx, Group};
use crate::duration::Duration;
use crate::emit::yaml::Value;
use crate::gofmt::format_g;
use crate::model::Labels;

impl Ctx<'_> {
    /// A total outage at so little traffic that the long windows stay below `min` events:
    /// nothing fires. (The total-outage test runs the same error ratio with enough traffic.)
    pub(super) fn low_traffic_test(
        &self,
        check: &AlertCheck<'_>,
        warm: u64,
        saturate: u64,
        min: f64,
    ) -> Group {
        let step = check.step.as_millis();
        let longest = check.conds.iter().map(|c| c.a.long).max().expect("two");
        let n = (longest.as_millis() / step).max(1) as f64;
        let per_step = min / (2.0 * n);
        let scale = per_step / TRAFFIC;
        let mut phases = vec![Phase::new(warm, 0.0), Phase::new(saturate, 1.0)];
        for p in &mut phases {
            p.scale = scale;
        }
        let events = self.synth.counts_at(1.0, scale).1;
        Group {
            name: format!(
                "{}: {} alert during a total outage at {} events per step ({} over {}, below min_events {}): never fires",
                self.slo.id,
                check.severity,
                format_g(round6(events)),
                format_g(round6(events * n)),
                longest,
                format_g(min)
            ),
            scenario: Scenario {
                step: check.step,
                phases,
            },
            alert_checks: vec![
                check.state(warm + saturate / 2, [false, false]),
                check.state(warm + saturate, [false, false]),
            ],
            expr_checks: Vec::new(),
            series: None,
        }
    }

    /// A burst long enough for the quick pair and too short for the slow pair: only the quick
    /// pair's rule (`sloth_window: <quick long window>`) fires.
    pub(super) fn burst_test(
        &self,
        check: &AlertCheck<'_>,
        warm: u64,
        scale: f64,
    ) -> Option<Group> {
        let [quick, slow] = *check.conds;
        if quick.threshold >= 1.0 || slow.threshold >= 1.0 {
            return None;
        }
        let step = check.step.as_millis();
        let steps = |d: Duration| (d.as_millis() / step).max(1) as f64;
        let (nq, mq, ns) = (
            steps(quick.a.long),
            steps(quick.a.short),
            steps(slow.a.long),
        );
        let counts = |e: f64, s: f64| self.synth.counts_at(e, s);
        let tail = check.for_steps + 2;
        for len in 1..=(nq as u64) {
            let l = len as f64;
            let lo = quick.threshold * (nq / l.min(nq)).max(mq / l.min(mq));
            let hi = (slow.threshold * ns / l.min(ns)).min(1.0);
            if lo * 1.2 >= hi {
                continue;
            }
            let target = (lo * hi).sqrt();
            let mut phases = vec![
                Phase::new(warm, 0.0),
                Phase::new(len, target),
                Phase::new(tail, 0.0),
            ];
            for p in &mut phases {
                p.scale = scale;
            }
            let scenario = Scenario {
                step: check.step,
                phases,
            };
            // Which pairs hold at step j, with a margin so float noise cannot flip them.
            let holds = |c: &super::testgen::Cond, j: u64| -> Option<bool> {
                let s = scenario.window_ratio(c.a.short, j, &counts)?;
                let l = scenario.window_ratio(c.a.long, j, &counts)?;
                let near = |r: f64| (r - c.threshold).abs() <= 1e-6 * c.threshold.max(1e-12);
                if near(s) || near(l) {
                    return None;
                }
                Some(s > c.threshold && l > c.threshold)
            };
            let fires = |c: &super::testgen::Cond, k: u64| -> Option<bool> {
                let mut all = true;
                for j in k.saturating_sub(check.for_steps)..=k {
                    all &= holds(c, j)?;
                }
                Some(all)
            };
            let end = warm + len + tail;
            let at = (warm + 1..=end).find(|&k| fires(&quick, k) == Some(true));
            let Some(k) = at else { continue };
            let slow_never = (warm + 1..=end).all(|j| fires(&slow, j) == Some(false));
            if !slow_never {
                continue;
            }
            let e = self.synth.ratio(target);
            return Some(Group {
                name: format!(
                    "{}: a {} burst at error ratio {} crosses only the {} pair {}/{}: only the sloth_window={} rule fires",
                    self.slo.id,
                    Duration::from_millis(len * step),
                    format_g(round6(e)),
                    check.severity,
                    quick.a.long,
                    quick.a.short,
                    quick.a.long
                ),
                scenario,
                alert_checks: vec![check.state(warm, [false, false]), check.state(k, [true, false])],
                expr_checks: Vec::new(),
                series: None,
            });
        }
        None
    }

    /// Traffic that varies by time of day, errors mostly at night: the period SLI is the ratio
    /// of sums, and the mean of 5m ratios (what Sloth's period rule computes, evaluated here
    /// on the same recorded 5m series) is shown and checked beside it.
    pub(super) fn exact_ratio_test(&self) -> Option<Group> {
        let step = Duration::from_millis(300_000);
        let short = self.sli_rule(step)?;
        let period = self.sli_rule(self.slo.period)?;
        let hour = self.sli_rule(Duration::from_hours(1));
        let (day, night) = (
            self.budget.max(1e-4) * 0.5,
            (self.budget.max(1e-4) * 20.0).min(0.5),
        );
        let mut phases = Vec::new();
        for _ in 0..3 {
            let mut d = Phase::new(12, day);
            d.scale = 8.0;
            phases.push(d);
            phases.push(Phase::new(12, night));
        }
        let scenario = Scenario { step, phases };
        let counts = |e: f64, s: f64| self.synth.counts_at(e, s);
        let k = 72;
        let at = Duration::from_millis(k * step.as_millis());
        let exact = scenario.overall_ratio(k, &counts);
        let mean = scenario.mean_ratio(step, k, &counts);
        let sel = crate::plan::id_selector(self.slo);
        let p = self.slo.period;
        let mean_expr = format!(
            "sum_over_time({}{sel}[{p}]) / count_over_time({}{sel}[{p}])",
            short.record, short.record
        );
        let mut checks = vec![
            self.value_check(&period.record, &period.labels, exact, at),
            self.expr_check(&mean_expr, &short.labels, mean, at),
        ];
        if let (Some(h), Some(r)) = (
            hour,
            scenario.window_ratio(Duration::from_hours(1), k, &counts),
        ) {
            checks.push(self.value_check(&h.record, &h.labels, r, at));
        }
        Some(Group {
            name: format!(
                "{}: exact_ratio over 6h of traffic that varies by time of day (8x by day at error ratio {}, 1x by night at {}): the period SLI is the ratio of sums {}; Sloth's mean of 5m ratios on the same series gives {}",
                self.slo.id,
                format_g(round6(self.synth.ratio(day))),
                format_g(round6(self.synth.ratio(night))),
                format_g(round6(exact)),
                format_g(round6(mean))
            ),
            scenario,
            alert_checks: Vec::new(),
            expr_checks: checks,
            series: None,
        })
    }

    /// `slogen/latency/v1` on a classic histogram written out bucket by bucket, the `le`
    /// bucket spelled as Prometheus 2 stores a client's `0.30`: the SLI is exactly the share of
    /// requests above `le`.
    pub(super) fn latency_test(&self, step: Duration) -> Option<Group> {
        let (id, options) = self.slo.sli_plugin.as_ref()?;
        if id != "slogen/latency/v1" || options.get("native").map(|s| s.trim()) == Some("true") {
            return None;
        }
        let metric = options.get("metric")?.trim();
        let le: f64 = options.get("le")?.trim().parse().ok()?;
        let sel = options
            .get("selector")
            .map(|s| {
                s.trim()
                    .trim_start_matches('{')
                    .trim_end_matches('}')
                    .trim_matches(',')
                    .to_string()
            })
            .unwrap_or_default();
        let expr = crate::promql::parse(&format!("{metric}_count{{{sel}}}")).ok()?;
        let promql_parser::parser::Expr::VectorSelector(vs) = expr else {
            return None;
        };
        let mut labels = example_labels(&vs).ok()?;
        let spelled = {
            let d = format!("{le}");
            if d.contains('.') {
                format!("{d}0")
            } else {
                format!("{d}.0")
            }
        };
        // Per step: 600 requests up to le/2, 250 up to le, 100 up to 2·le, 50 slower.
        let buckets = [
            (format!("{}", le / 2.0), 600),
            (spelled.clone(), 850),
            (format!("{}", le * 2.0), 950),
            ("+Inf".to_string(), 1000),
        ];
        let steps = 24;
        let values = |per: u64| format!("0+{per}x{steps}");
        let mut series = vec![(series_text(&labels), values(1000))];
        labels.insert("__name__".into(), format!("{metric}_bucket"));
        for (b, n) in &buckets {
            let mut l = labels.clone();
            l.insert("le".into(), b.clone());
            series.push((series_text(&l), values(*n)));
        }
        let short = self.sli_rule(self.alerts.page_quick.short)?;
        let at = Duration::from_millis(12 * step.as_millis());
        let checks = vec![self.value_check(&short.record, &short.labels, 0.15, at)];
        Some(Group {
            name: format!(
                "{}: slogen/latency/v1 counts exactly the requests slower than le={le}: 150 of 1000 per step (bucket stored as le=\"{spelled}\"), error ratio 0.15 after {}",
                self.slo.id,
                human(12.0 * step.as_millis() as f64 / 1000.0)
            ),
            scenario: Scenario {
                step,
                phases: vec![Phase::new(steps, 0.0)],
            },
            alert_checks: Vec::new(),
            expr_checks: checks,
            series: Some(series),
        })
    }

    /// Checks that `expr` (labels `labels`) is `want` at `at`.
    fn expr_check(&self, expr: &str, labels: &Labels, want: f64, at: Duration) -> Value {
        let tol = want.abs() * 1e-6 + 1e-12;
        Value::Map(vec![
            (
                "expr".into(),
                format!("abs(({expr}) - {want:e}) < bool {tol:e}").into(),
            ),
            ("eval_time".into(), at.to_string().into()),
            (
                "exp_samples".into(),
                Value::Seq(vec![Value::Map(vec![
                    ("labels".into(), label_text(labels).into()),
                    ("value".into(), Value::Int(1)),
                ])]),
            ),
        ])
    }
}
