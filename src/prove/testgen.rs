//! promtool unit-test files (`promtool test rules`) that prove an SLO's generated rules.
//!
//! For each SLO the generator synthesizes counters from the SLI's own queries ([`synth`]),
//! lays them out as scenarios ([`scenario`]) and asserts, with the maths of [`explain`]:
//! - each alert fires within the predicted detection time for an outage and for a burn just
//!   above each of its thresholds (absent one evaluation before the prediction, firing one
//!   after), and does not fire just below;
//! - alerts resolve within the short window once an outage stops;
//! - the SLI, burn-rate and budget-remaining recording rules take the expected values.
//!
//! Alert tests run at a 1m or 5m step; a 30d SLO's ticket tests need more than three days
//! of samples, so they get the coarser step and files of their own.
//!
//! [`synth`]: super::synth
//! [`scenario`]: super::scenario
//! [`explain`]: super::explain

use super::explain::{human, seconds};
use super::scenario::{Phase, Scenario};
use super::synth::{synthesize, Synth, SynthError, TRAFFIC};
use crate::duration::Duration;
use crate::emit::yaml::{self, Value};
use crate::gofmt::{format_g, quote_go};
use crate::model::{Labels, Slo};
use crate::plan::mwmb::{MwmbAlert, MwmbAlerts};
use crate::plan::plugins::slogen::Options;
use crate::plan::sli::record_name;
use crate::plan::{Rule, SloRules};

/// One generated test file.
#[derive(Debug, Clone, PartialEq)]
pub struct TestFile {
    /// File name, without folder: `<slo id>.<kind>.test.yml`.
    pub name: String,
    pub text: String,
}

/// The rules file the tests load, and the order its groups must be evaluated in (recording
/// rules before the rules that read them).
#[derive(Debug, Clone, Copy)]
pub struct RulesRef<'a> {
    pub file: &'a str,
    pub group_order: &'a [String],
}

const MINUTE: u64 = 60_000;

/// The promtool test files for one SLO and its planned rules.
pub fn slo_tests(
    slo: &Slo,
    rules: &SloRules,
    rules_ref: RulesRef<'_>,
) -> Result<Vec<TestFile>, SynthError> {
    let synth = synthesize(slo)?;
    let opts = Options::of(slo);
    let ctx = Ctx {
        slo,
        rules,
        alerts: MwmbAlerts::new(slo),
        budget: (100.0 - slo.objective) / 100.0,
        synth,
        opts,
    };
    let mut files = Vec::new();
    // exact_ratio's windows are sums of 5-minute steps: its tests sample every 5 minutes, as
    // the step group is evaluated.
    let rec_step = Duration::from_millis(if opts.exact { 5 * MINUTE } else { MINUTE });
    let mut groups: Vec<Group> = ctx.recording_test(rec_step).into_iter().collect();
    if opts.exact {
        groups.extend(ctx.exact_ratio_test());
    }
    groups.extend(ctx.latency_test(rec_step));
    if !groups.is_empty() {
        files.push(ctx.file("recordings", rec_step, groups, rules_ref));
    }
    for (severity, enabled, quick, slow) in [
        (
            "page",
            slo.page_alert.is_some(),
            ctx.alerts.page_quick,
            ctx.alerts.page_slow,
        ),
        (
            "ticket",
            slo.ticket_alert.is_some(),
            ctx.alerts.ticket_quick,
            ctx.alerts.ticket_slow,
        ),
    ] {
        if !enabled {
            continue;
        }
        let sev_rules: Vec<&Rule> = rules
            .alerts
            .rules
            .iter()
            .filter(|r| {
                !r.alert.is_empty()
                    && r.labels.get("sloth_severity").map(String::as_str) == Some(severity)
            })
            .collect();
        if sev_rules.is_empty() {
            continue;
        }
        let conds = [
            Cond::new("quick", quick, ctx.budget),
            Cond::new("slow", slow, ctx.budget),
        ];
        let for_ = sev_rules[0].for_;
        let mut windows = vec![quick.short, quick.long, slow.short, slow.long];
        if !for_.is_zero() {
            windows.push(for_);
        }
        let step = if opts.exact {
            Duration::from_millis(5 * MINUTE)
        } else {
            step_for(&windows)
        };
        let groups = ctx.alert_tests(severity, sev_rules, &conds, step);
        files.push(ctx.file(severity, step, groups, rules_ref));
    }
    Ok(files)
}

/// The sample and evaluation step for a set of windows: the coarsest of 30m, 15m, 10m, 5m
/// that divides every window and is no longer than the shortest, else 1m. promtool evaluates
/// every rule at every step, so the step sets the test's run time; detection is still
/// asserted to within one step of the prediction.
fn step_for(windows: &[Duration]) -> Duration {
    let min = windows.iter().map(|w| w.as_millis()).min().unwrap_or(0);
    let step = [30, 15, 10, 5]
        .into_iter()
        .map(|m| m * MINUTE)
        .find(|&s| s <= min && windows.iter().all(|w| w.as_millis() % s == 0))
        .unwrap_or(MINUTE);
    Duration::from_millis(step)
}

/// One alert condition with its error-ratio threshold.
#[derive(Debug, Clone, Copy)]
pub(super) struct Cond {
    pub(super) speed: &'static str,
    pub(super) a: MwmbAlert,
    pub(super) threshold: f64,
}

impl Cond {
    fn new(speed: &'static str, a: MwmbAlert, budget: f64) -> Self {
        Cond {
            speed,
            a,
            threshold: a.burn_rate_factor * budget,
        }
    }
}

/// Seconds until the first of `conds` fires at error ratio `e`.
fn predicted(conds: &[Cond], budget: f64, e: f64) -> Option<f64> {
    conds
        .iter()
        .filter_map(|c| super::explain::detection_seconds(&c.a, budget, e))
        .min_by(f64::total_cmp)
}

pub(super) struct Ctx<'a> {
    pub(super) slo: &'a Slo,
    pub(super) rules: &'a SloRules,
    pub(super) alerts: MwmbAlerts,
    pub(super) budget: f64,
    pub(super) synth: Synth,
    pub(super) opts: Options,
}

/// A test group being built: its scenario and assertions.
pub(super) struct Group {
    pub(super) name: String,
    pub(super) scenario: Scenario,
    pub(super) alert_checks: Vec<Value>,
    pub(super) expr_checks: Vec<Value>,
    /// Input series written out (`series`, `values`) instead of the synthesized ones.
    pub(super) series: Option<Vec<(String, String)>>,
}

impl Ctx<'_> {
    fn file(
        &self,
        kind: &str,
        step: Duration,
        groups: Vec<Group>,
        rules_ref: RulesRef<'_>,
    ) -> TestFile {
        let name = format!("{}.{kind}.test.yml", self.slo.id);
        let tests: Vec<Value> = groups.into_iter().map(|g| self.group_value(g)).collect();
        let doc = Value::Map(vec![
            ("rule_files".into(), Value::Seq(vec![rules_ref.file.into()])),
            ("evaluation_interval".into(), step.to_string().into()),
            (
                "group_eval_order".into(),
                Value::Seq(
                    rules_ref
                        .group_order
                        .iter()
                        .map(|g| g.as_str().into())
                        .collect(),
                ),
            ),
            ("tests".into(), Value::Seq(tests)),
        ]);
        let text = format!(
            "# Generated by slogen test-rules ({}): promtool unit tests for SLO {:?} ({kind}).\n# Run with: promtool test rules {name}\n{}",
            crate::VERSION,
            self.slo.id,
            yaml::to_string(&doc)
        );
        TestFile { name, text }
    }

    fn group_value(&self, g: Group) -> Value {
        let written = g.series.clone().unwrap_or_else(|| {
            (0..self.synth.series.len())
                .map(|i| {
                    (
                        self.synth.series[i].series.clone(),
                        g.scenario.values(&self.synth.series, i),
                    )
                })
                .collect()
        });
        let series: Vec<Value> = written
            .into_iter()
            .map(|(series, values)| {
                Value::Map(vec![
                    ("series".into(), series.into()),
                    ("values".into(), values.into()),
                ])
            })
            .collect();
        let mut m = vec![
            ("name".to_string(), Value::Str(g.name)),
            ("interval".into(), g.scenario.step.to_string().into()),
            ("input_series".into(), Value::Seq(series)),
        ];
        // Alerts whose annotations cannot be predicted are checked through ALERTS queries.
        let (exprs, alerts): (Vec<Value>, Vec<Value>) = g
            .alert_checks
            .into_iter()
            .partition(|v| matches!(v, Value::Map(m) if m[0].0 == "expr"));
        let mut exprs = exprs;
        exprs.extend(g.expr_checks);
        if !alerts.is_empty() {
            m.push(("alert_rule_test".into(), Value::Seq(alerts)));
        }
        if !exprs.is_empty() {
            m.push(("promql_expr_test".into(), Value::Seq(exprs)));
        }
        Value::Map(m)
    }

    pub(super) fn sli_rule(&self, window: Duration) -> Option<&Rule> {
        let name = record_name(window);
        self.rules.sli.rules.iter().find(|r| r.record == name)
    }

    fn meta_rule(&self, record: &str) -> Option<&Rule> {
        self.rules
            .metadata
            .rules
            .iter()
            .find(|r| r.record == record)
    }

    /// Checks that `record` (read through `selector`, labels `labels`) is `want` at `step`.
    pub(super) fn value_check(
        &self,
        record: &str,
        labels: &Labels,
        want: f64,
        at: Duration,
    ) -> Value {
        let sel = crate::plan::id_selector(self.slo);
        let tol = want.abs() * 1e-6 + 1e-12;
        Value::Map(vec![
            (
                "expr".into(),
                format!("abs({record}{sel} - {want:e}) < bool {tol:e}").into(),
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

    /// SLI, burn rate and budget remaining before and during a burn of 2.
    fn recording_test(&self, step: Duration) -> Option<Group> {
        let short = self.alerts.page_quick.short;
        let long = self.alerts.page_quick.long;
        let short_rule = self.sli_rule(short)?;
        let n_short = short.as_millis().div_ceil(step.as_millis());
        let target = if self.budget > 0.0 {
            (2.0 * self.budget).min(0.5)
        } else {
            0.01
        };
        let scenario = Scenario {
            step,
            phases: vec![
                Phase::new(2 * n_short, 0.0),
                Phase::new(2 * n_short, target),
            ],
        };
        let counts = |e: f64, scale: f64| self.synth.counts_at(e, scale);
        // compat(sloth): slo:error_budget:ratio is `vector(1-<objective ratio as %g>)`.
        let prom_budget = 1.0
            - format_g(self.slo.objective / 100.0)
                .parse::<f64>()
                .expect("%g parses");
        let mut checks = Vec::new();
        for k in [2 * n_short, 4 * n_short] {
            let at = Duration::from_millis(k * step.as_millis());
            let ratio = scenario.window_ratio(short, k, &counts).expect("k > 0");
            checks.push(self.value_check(&short_rule.record, &short_rule.labels, ratio, at));
            if let (Some(rule), Some(r)) =
                (self.sli_rule(long), scenario.window_ratio(long, k, &counts))
            {
                checks.push(self.value_check(&rule.record, &rule.labels, r, at));
            }
            // With a 100% objective the budget is zero and burn rates are infinite or NaN:
            // only the SLI itself has a value to check.
            if prom_budget <= 0.0 {
                continue;
            }
            if let Some(meta) = self.meta_rule("slo:current_burn_rate:ratio") {
                let labels = merged(&short_rule.labels, &meta.labels);
                checks.push(self.value_check(&meta.record, &labels, ratio / prom_budget, at));
            }
            let period_rule = self.sli_rule(self.slo.period);
            if let (Some(pr), Some(burn), Some(rem)) = (
                period_rule,
                self.meta_rule("slo:period_burn_rate:ratio"),
                self.meta_rule("slo:period_error_budget_remaining:ratio"),
            ) {
                // Sloth's optimized period rule is a mean of short-window ratios; the
                // exact_ratio one (also a sum_over_time) is a ratio of sums.
                let period_ratio = if pr.expr.contains("count_over_time(") {
                    scenario.mean_ratio(short, k, &counts)
                } else {
                    scenario.overall_ratio(k, &counts)
                };
                let labels = merged(&merged(&pr.labels, &burn.labels), &rem.labels);
                checks.push(self.value_check(
                    &rem.record,
                    &labels,
                    1.0 - period_ratio / prom_budget,
                    at,
                ));
            }
        }
        Some(Group {
            name: format!(
                "{}: recording rules with no errors, then at error ratio {}",
                self.slo.id,
                format_g(round6(self.synth.ratio(target)))
            ),
            scenario,
            alert_checks: Vec::new(),
            expr_checks: checks,
            series: None,
        })
    }

    fn alert_tests(
        &self,
        severity: &str,
        rules: Vec<&Rule>,
        conds: &[Cond; 2],
        step: Duration,
    ) -> Vec<Group> {
        let s = seconds(step);
        let max_long = conds
            .iter()
            .map(|c| c.a.long)
            .max()
            .expect("two conditions");
        let max_short = conds
            .iter()
            .map(|c| c.a.short)
            .max()
            .expect("two conditions");
        let warm = max_long.as_millis().div_ceil(step.as_millis());
        let saturate =
            (max_long.as_millis() + max_short.as_millis()).div_ceil(step.as_millis()) + 1;
        let for_ = rules[0].for_;
        let for_steps = for_.as_millis().div_ceil(step.as_millis());
        // With min_traffic, every scenario but the low-traffic one carries enough events.
        let scale = self.opts.min_events.map_or(1.0, |min| {
            let n = conds
                .iter()
                .map(|c| c.a.long.as_millis() / step.as_millis())
                .min()
                .unwrap_or(1)
                .max(1) as f64;
            (2.0 * min / (n * TRAFFIC)).ceil().max(1.0)
        });
        let check = AlertCheck {
            ctx: self,
            rules,
            conds,
            severity,
            step,
            for_steps,
        };
        let mut groups = Vec::new();
        for c in conds {
            if c.threshold >= 1.0 {
                continue;
            }
            for (word, mult) in [("above", 1.1), ("below", 0.9)] {
                // A 100% objective has a zero threshold: any error is "just above" it.
                let floor = if word == "above" { 1e-4 } else { 0.0 };
                let mut target = (mult * c.threshold)
                    .min((1.0 + c.threshold) / 2.0)
                    .max(floor);
                let mut e = self.synth.ratio(target);
                // Keep the predicted firing time clear of an evaluation, so that float noise
                // cannot move it to the other side.
                for _ in 0..20 {
                    let clear = predicted(conds, self.budget, e).is_none_or(|p| {
                        let f = (p / s).fract();
                        (0.03..=0.97).contains(&f)
                    });
                    let side_ok = if word == "above" {
                        e > c.threshold
                    } else {
                        e < c.threshold
                    };
                    if clear && side_ok {
                        break;
                    }
                    target *= if word == "above" { 1.011 } else { 0.989 };
                    e = self.synth.ratio(target);
                }
                let level = if self.budget > 0.0 {
                    format!("burn rate {}", format_g(round6(e / self.budget)))
                } else {
                    format!("error ratio {}", format_g(round6(e)))
                };
                let name = format!(
                    "{}: {severity} alert at {level} ({word} the {severity} {} threshold {}×)",
                    self.slo.id,
                    c.speed,
                    format_g(round6(c.a.burn_rate_factor))
                );
                let p = predicted(conds, self.budget, e);
                let mut scenario = Scenario {
                    step,
                    phases: vec![Phase::new(warm, 0.0), Phase::new(0, target)],
                };
                for ph in &mut scenario.phases {
                    ph.scale = scale;
                }
                let mut alert_checks = Vec::new();
                match p {
                    Some(p) => {
                        let m = (p / s).floor() as u64;
                        scenario.phases[1].steps = m + 1 + for_steps;
                        alert_checks.push(check.at(warm, m + for_steps, e));
                        alert_checks.push(check.at(warm, m + 1 + for_steps, e));
                    }
                    None => {
                        scenario.phases[1].steps = saturate;
                        alert_checks.push(check.at(warm, saturate / 2, e));
                        alert_checks.push(check.at(warm, saturate, e));
                    }
                }
                let name = match p {
                    Some(p) => format!("{name}: fires after {}", human(p + seconds(for_))),
                    None => format!("{name}: never fires"),
                };
                groups.push(Group {
                    name,
                    scenario,
                    alert_checks,
                    expr_checks: Vec::new(),
                    series: None,
                });
            }
        }
        groups.push(self.outage_test(&check, warm, saturate, scale));
        if let Some(min) = self.opts.min_events {
            groups.push(self.low_traffic_test(&check, warm, saturate, min));
        }
        if check.split() {
            groups.extend(self.burst_test(&check, warm, scale));
        }
        groups
    }

    /// A total outage: detection, then recovery within the short window. With `for:`, the
    /// alert is pending from the moment a condition holds until `for` has passed.
    fn outage_test(&self, check: &AlertCheck<'_>, warm: u64, saturate: u64, scale: f64) -> Group {
        let step = check.step;
        let for_steps = check.for_steps;
        let s = seconds(step);
        let e = self.synth.ratio(1.0);
        let firing: Vec<&Cond> = check.conds.iter().filter(|c| c.threshold < 1.0).collect();
        let name = format!(
            "{}: {} alert during a total outage",
            self.slo.id, check.severity
        );
        let scaled = |mut phases: Vec<Phase>| {
            for p in &mut phases {
                p.scale = scale;
            }
            phases
        };
        let Some(p) = predicted(check.conds, self.budget, e) else {
            let scenario = Scenario {
                step,
                phases: scaled(vec![Phase::new(warm, 0.0), Phase::new(saturate, 1.0)]),
            };
            return Group {
                name: format!("{name}: can never fire"),
                scenario,
                alert_checks: vec![check.at(warm, saturate, e)],
                expr_checks: Vec::new(),
                series: None,
            };
        };
        let m = (p / s).floor() as u64;
        let mut checks = vec![
            check.at(warm, m + for_steps, e),
            check.at(warm, m + 1 + for_steps, e),
        ];
        if for_steps > 0 {
            // The condition holds from step m + 1; the alert waits `for` before firing.
            checks.push(check.pending(warm, m + 1, e));
            checks.push(check.pending(warm, m + for_steps, e));
        }
        // Run the outage until every condition fires with a full short window of errors.
        let outage = firing
            .iter()
            .map(|c| {
                let detect = super::explain::detection_seconds(&c.a, self.budget, e).unwrap_or(0.0);
                ((detect / s).floor() as u64 + 1)
                    .max(c.a.short.as_millis().div_ceil(step.as_millis()))
            })
            .max()
            .unwrap_or(1)
            .max(m + 1)
            + for_steps;
        let resets: Vec<f64> = check
            .conds
            .iter()
            .map(|c| super::explain::reset_seconds(&c.a, self.budget, e).unwrap_or(0.0) / s)
            .collect();
        let r = resets.iter().copied().fold(0.0, f64::max);
        let end = warm + outage;
        checks.push(check.after(end, 0, &resets));
        let clear = (0.03..=0.97).contains(&r.fract());
        let resolved = if clear {
            r.ceil() as u64
        } else {
            r.ceil() as u64 + 1
        };
        if clear && r.floor() >= 1.0 {
            checks.push(check.after(end, r.floor() as u64, &resets));
        }
        checks.push(check.after(end, resolved, &resets));
        let scenario = Scenario {
            step,
            phases: scaled(vec![
                Phase::new(warm, 0.0),
                Phase::new(outage, 1.0),
                Phase::new(resolved, 0.0),
            ]),
        };
        let for_text = if for_steps > 0 {
            format!(
                " (pending for exactly `for: {}` first)",
                Duration::from_millis(for_steps * step.as_millis())
            )
        } else {
            String::new()
        };
        Group {
            name: format!(
                "{name}: fires after {}{for_text}, resolves {} after it ends",
                human(p + seconds(check.rules[0].for_)),
                human(r * s)
            ),
            scenario,
            alert_checks: checks,
            expr_checks: Vec::new(),
            series: None,
        }
    }
}

/// Builds the firing or not-firing assertion for one severity's alerts at one step.
pub(super) struct AlertCheck<'a> {
    pub(super) ctx: &'a Ctx<'a>,
    /// The severity's rule, or one rule per condition (`burn_window_label`), in order.
    pub(super) rules: Vec<&'a Rule>,
    pub(super) conds: &'a [Cond; 2],
    pub(super) severity: &'a str,
    pub(super) step: Duration,
    pub(super) for_steps: u64,
}

impl AlertCheck<'_> {
    /// True when each condition has its own rule.
    pub(super) fn split(&self) -> bool {
        self.rules.len() == self.conds.len() && self.rules.len() > 1
    }

    /// Which conditions hold `k` steps after error ratio `e` starts (after `warm` steps of
    /// no errors), by the detection maths; `extra` steps more are needed (`for`).
    fn holding(&self, k: u64, e: f64, extra: u64) -> [bool; 2] {
        let s = seconds(self.step);
        self.conds.map(|c| {
            super::explain::detection_seconds(&c.a, self.ctx.budget, e)
                .is_some_and(|d| (d / s).floor() as u64 + 1 + extra <= k)
        })
    }

    /// The alerts' state `k` steps after error ratio `e` starts.
    pub(super) fn at(&self, warm: u64, k: u64, e: f64) -> Value {
        let set = self.holding(k, e, self.for_steps);
        self.state(warm + k, set)
    }

    /// The pending alerts `k` steps after error ratio `e` starts: conditions that hold but
    /// have not yet held for `for`.
    fn pending(&self, warm: u64, k: u64, e: f64) -> Value {
        let holds = self.holding(k, e, 0);
        let fires = self.holding(k, e, self.for_steps);
        let set = [holds[0] && !fires[0], holds[1] && !fires[1]];
        let at = Duration::from_millis((warm + k) * self.step.as_millis());
        let sets = self.label_sets(set);
        self.alerts_query(at, "pending", &sets)
    }

    /// The alerts' state `j` steps after an outage that ended at step `end`, when every
    /// condition was firing: condition i still fires while `j < resets[i]` (in steps).
    fn after(&self, end: u64, j: u64, resets: &[f64]) -> Value {
        let set = [0, 1].map(|i| self.conds[i].threshold < 1.0 && (j as f64) < resets[i]);
        self.state(end + j, set)
    }

    /// The assertion that exactly the conditions in `set` fire at step `k`.
    pub(super) fn state(&self, k: u64, set: [bool; 2]) -> Value {
        let at = Duration::from_millis(k * self.step.as_millis());
        if self.split() {
            return self.alerts_query(at, "firing", &self.label_sets(set));
        }
        self.rule_check(at, set.iter().any(|x| *x))
    }

    /// The label sets of the alerts `set` says fire.
    fn label_sets(&self, set: [bool; 2]) -> Vec<Labels> {
        if self.split() {
            (0..2)
                .filter(|i| set[*i])
                .map(|i| self.labels(self.rules[i]))
                .collect()
        } else if set.iter().any(|x| *x) {
            vec![self.labels(self.rules[0])]
        } else {
            Vec::new()
        }
    }

    fn rule_check(&self, at: Duration, firing: bool) -> Value {
        let rule = self.rules[0];
        let labels = self.labels(rule);
        let annotations: Labels = rule
            .annotations
            .iter()
            .map(|(k, v)| (k.clone(), expand(v, &labels)))
            .collect();
        let shared_name = self
            .ctx
            .rules
            .alerts
            .rules
            .iter()
            .filter(|r| r.alert == rule.alert)
            .count()
            > 1;
        // promtool's alert tests select by alert name only: when page and ticket share a name
        // (Sloth's usual layout) or annotations use templates beyond `$labels`, check the
        // ALERTS series of this alert's labels instead.
        if shared_name || annotations.values().any(|v| v.contains("{{")) {
            let sets = if firing { vec![labels] } else { Vec::new() };
            return self.alerts_query_one(at, &self.labels(rule), &sets);
        }
        let exp = if firing {
            vec![Value::Map(vec![
                (
                    "exp_labels".into(),
                    crate::emit::prometheus::sorted_map(&labels),
                ),
                (
                    "exp_annotations".into(),
                    crate::emit::prometheus::sorted_map(&annotations),
                ),
            ])]
        } else {
            Vec::new()
        };
        Value::Map(vec![
            ("eval_time".into(), at.to_string().into()),
            ("alertname".into(), rule.alert.clone().into()),
            ("exp_alerts".into(), Value::Seq(exp)),
        ])
    }

    /// The ALERTS series of one rule's labels at `at`: `sets` holds the one expected, or none.
    fn alerts_query_one(&self, at: Duration, labels: &Labels, sets: &[Labels]) -> Value {
        let mut sel = labels.clone();
        sel.insert("alertname".into(), self.rules[0].alert.clone());
        sel.insert("alertstate".into(), "firing".into());
        let exp: Vec<Value> = sets
            .iter()
            .map(|_| {
                Value::Map(vec![
                    (
                        "labels".into(),
                        format!("ALERTS{}", label_text(&sel)).into(),
                    ),
                    ("value".into(), Value::Int(1)),
                ])
            })
            .collect();
        Value::Map(vec![
            ("expr".into(), format!("ALERTS{}", label_text(&sel)).into()),
            ("eval_time".into(), at.to_string().into()),
            ("exp_samples".into(), Value::Seq(exp)),
        ])
    }

    /// The ALERTS series of this severity in `state`: exactly `sets`, one sample each.
    fn alerts_query(&self, at: Duration, state: &str, sets: &[Labels]) -> Value {
        let mut sel = crate::plan::id_labels(self.ctx.slo);
        sel.insert("alertname".into(), self.rules[0].alert.clone());
        sel.insert("alertstate".into(), state.into());
        sel.insert("sloth_severity".into(), self.severity.into());
        let exp: Vec<Value> = sets
            .iter()
            .map(|l| {
                let mut full = l.clone();
                full.insert("alertname".into(), self.rules[0].alert.clone());
                full.insert("alertstate".into(), state.into());
                Value::Map(vec![
                    (
                        "labels".into(),
                        format!("ALERTS{}", label_text(&full)).into(),
                    ),
                    ("value".into(), Value::Int(1)),
                ])
            })
            .collect();
        Value::Map(vec![
            ("expr".into(), format!("ALERTS{}", label_text(&sel)).into()),
            ("eval_time".into(), at.to_string().into()),
            ("exp_samples".into(), Value::Seq(exp)),
        ])
    }

    /// A firing alert's labels: the SLI series' labels without `sloth_window`, then the
    /// rule's own.
    pub(super) fn labels(&self, rule: &Rule) -> Labels {
        let base = self
            .ctx
            .sli_rule(self.conds[0].a.short)
            .map(|r| r.labels.clone())
            .unwrap_or_else(|| crate::plan::id_labels(self.ctx.slo));
        let mut labels = base;
        labels.remove("sloth_window");
        merged(&labels, &rule.labels)
    }
}

/// Expands `{{$labels.name}}` the way Prometheus templates do for these values.
fn expand(text: &str, labels: &Labels) -> String {
    let re = regex::Regex::new(r"\{\{\s*\$labels\.([a-zA-Z_][a-zA-Z0-9_]*)\s*\}\}")
        .expect("valid regex");
    re.replace_all(text, |c: &regex::Captures<'_>| {
        labels.get(&c[1]).cloned().unwrap_or_default()
    })
    .into_owned()
}

pub(super) fn merged(base: &Labels, over: &Labels) -> Labels {
    let mut out = base.clone();
    out.extend(over.iter().map(|(k, v)| (k.clone(), v.clone())));
    out
}

/// `{a="1", b="2"}` for promtool's `labels:` field.
pub(super) fn label_text(labels: &Labels) -> String {
    let parts: Vec<String> = labels
        .iter()
        .map(|(k, v)| format!("{k}={}", quote_go(v)))
        .collect();
    format!("{{{}}}", parts.join(", "))
}

pub(super) fn round6(x: f64) -> f64 {
    if x == 0.0 || !x.is_finite() {
        return x;
    }
    let mag = 10f64.powi(5 - x.abs().log10().floor() as i32);
    (x * mag).round() / mag
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(minutes: u64) -> Duration {
        Duration::from_millis(minutes * MINUTE)
    }

    #[test]
    fn step_is_the_coarsest_that_divides_every_window() {
        // Default page windows 5m/1h, 30m/6h → 5m; ticket 2h/1d, 6h/3d → 30m.
        assert_eq!(step_for(&[d(5), d(60), d(30), d(360)]), d(5));
        assert_eq!(step_for(&[d(120), d(1440), d(360), d(4320)]), d(30));
        // A 7m window divides by nothing coarser than a minute.
        assert_eq!(step_for(&[d(7), d(60)]), d(1));
        assert_eq!(step_for(&[d(45), d(90)]), d(15));
    }

    #[test]
    fn prediction_is_the_fastest_condition_that_can_fire() {
        let slo = crate::prove::tests_support::slo(99.9);
        let a = MwmbAlerts::new(&slo);
        let conds = [
            Cond::new("quick", a.page_quick, 0.001),
            Cond::new("slow", a.page_slow, 0.001),
        ];
        // 2% errors: quick fires at 1h·1.44%/2% = 43.2 min, before slow (1.8 h).
        let p = predicted(&conds, 0.001, 0.02).expect("fires");
        assert!((p - 43.2 * 60.0).abs() < 1e-6);
        // 1% errors: only slow, at 3.6 h.
        let p = predicted(&conds, 0.001, 0.01).expect("fires");
        assert!((p - 3.6 * 3600.0).abs() < 1e-6);
        assert_eq!(predicted(&conds, 0.001, 0.005), None);
    }

    #[test]
    fn annotations_expand_label_templates() {
        let labels = Labels::from([("sloth_service".to_string(), "web".to_string())]);
        assert_eq!(
            expand(
                "{{$labels.sloth_service}} / {{ $labels.sloth_service }}",
                &labels
            ),
            "web / web"
        );
        assert_eq!(expand("{{ $value }}", &labels), "{{ $value }}");
    }
}
