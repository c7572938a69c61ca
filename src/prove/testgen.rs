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
use super::synth::{synthesize, Synth, SynthError};
use crate::duration::Duration;
use crate::emit::yaml::{self, Value};
use crate::gofmt::{format_g, quote_go};
use crate::model::{Labels, Slo};
use crate::plan::mwmb::{MwmbAlert, MwmbAlerts};
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
    let ctx = Ctx {
        slo,
        rules,
        alerts: MwmbAlerts::new(slo),
        budget: (100.0 - slo.objective) / 100.0,
        synth,
    };
    let mut files = Vec::new();
    if let Some(group) = ctx.recording_test() {
        files.push(ctx.file(
            "recordings",
            Duration::from_millis(MINUTE),
            vec![group],
            rules_ref,
        ));
    }
    let mut alert_rules = rules.alerts.rules.iter().filter(|r| !r.alert.is_empty());
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
        let Some(rule) = alert_rules.next() else {
            continue;
        };
        let conds = [
            Cond::new("quick", quick, ctx.budget),
            Cond::new("slow", slow, ctx.budget),
        ];
        let step = step_for(&[quick.short, quick.long, slow.short, slow.long]);
        let groups = ctx.alert_tests(severity, rule, &conds, step);
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
struct Cond {
    speed: &'static str,
    a: MwmbAlert,
    threshold: f64,
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

struct Ctx<'a> {
    slo: &'a Slo,
    rules: &'a SloRules,
    alerts: MwmbAlerts,
    budget: f64,
    synth: Synth,
}

/// A test group being built: its scenario and assertions.
struct Group {
    name: String,
    scenario: Scenario,
    alert_checks: Vec<Value>,
    expr_checks: Vec<Value>,
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
        let series: Vec<Value> = (0..self.synth.series.len())
            .map(|i| {
                Value::Map(vec![
                    ("series".into(), self.synth.series[i].series.clone().into()),
                    (
                        "values".into(),
                        g.scenario.values(&self.synth.series, i).into(),
                    ),
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

    fn sli_rule(&self, window: Duration) -> Option<&Rule> {
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
    fn value_check(&self, record: &str, labels: &Labels, want: f64, at: Duration) -> Value {
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
    fn recording_test(&self) -> Option<Group> {
        let short = self.alerts.page_quick.short;
        let long = self.alerts.page_quick.long;
        let step = Duration::from_millis(MINUTE);
        let short_rule = self.sli_rule(short)?;
        let n_short = short.as_millis().div_ceil(MINUTE);
        let target = if self.budget > 0.0 {
            (2.0 * self.budget).min(0.5)
        } else {
            0.01
        };
        let scenario = Scenario {
            step,
            phases: vec![
                Phase {
                    steps: 2 * n_short,
                    target: 0.0,
                },
                Phase {
                    steps: 2 * n_short,
                    target,
                },
            ],
        };
        let counts = |e: f64| self.synth.counts(e);
        // compat(sloth): slo:error_budget:ratio is `vector(1-<objective ratio as %g>)`.
        let prom_budget = 1.0
            - format_g(self.slo.objective / 100.0)
                .parse::<f64>()
                .expect("%g parses");
        let mut checks = Vec::new();
        for k in [2 * n_short, 4 * n_short] {
            let at = Duration::from_millis(k * MINUTE);
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
                let period_ratio = if pr.expr.starts_with("sum_over_time(") {
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
        })
    }

    fn alert_tests(
        &self,
        severity: &str,
        rule: &Rule,
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
        let for_steps = rule.for_.as_millis().div_ceil(step.as_millis());
        let check = AlertCheck {
            ctx: self,
            rule,
            conds,
            severity,
            step,
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
                    phases: vec![
                        Phase {
                            steps: warm,
                            target: 0.0,
                        },
                        Phase { steps: 0, target },
                    ],
                };
                let mut alert_checks = Vec::new();
                match p {
                    Some(p) => {
                        let m = (p / s).floor() as u64;
                        scenario.phases[1].steps = m + 1 + for_steps;
                        alert_checks.push(check.at(warm + m + for_steps, false));
                        alert_checks.push(check.at(warm + m + 1 + for_steps, true));
                    }
                    None => {
                        scenario.phases[1].steps = saturate;
                        alert_checks.push(check.at(warm + saturate / 2, false));
                        alert_checks.push(check.at(warm + saturate, false));
                    }
                }
                let name = match p {
                    Some(p) => format!("{name}: fires after {}", human(p + seconds(rule.for_))),
                    None => format!("{name}: never fires"),
                };
                groups.push(Group {
                    name,
                    scenario,
                    alert_checks,
                    expr_checks: Vec::new(),
                });
            }
        }
        groups.push(self.outage_test(&check, warm, saturate, for_steps));
        groups
    }

    /// A total outage: detection, then recovery within the short window.
    fn outage_test(
        &self,
        check: &AlertCheck<'_>,
        warm: u64,
        saturate: u64,
        for_steps: u64,
    ) -> Group {
        let step = check.step;
        let s = seconds(step);
        let e = self.synth.ratio(1.0);
        let firing: Vec<&Cond> = check.conds.iter().filter(|c| c.threshold < 1.0).collect();
        let name = format!(
            "{}: {} alert during a total outage",
            self.slo.id, check.severity
        );
        let Some(p) = predicted(check.conds, self.budget, e) else {
            let scenario = Scenario {
                step,
                phases: vec![
                    Phase {
                        steps: warm,
                        target: 0.0,
                    },
                    Phase {
                        steps: saturate,
                        target: 1.0,
                    },
                ],
            };
            return Group {
                name: format!("{name}: can never fire"),
                scenario,
                alert_checks: vec![check.at(warm + saturate, false)],
                expr_checks: Vec::new(),
            };
        };
        let m = (p / s).floor() as u64;
        let mut checks = vec![
            check.at(warm + m + for_steps, false),
            check.at(warm + m + 1 + for_steps, true),
        ];
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
        let reset = firing
            .iter()
            .filter_map(|c| super::explain::reset_seconds(&c.a, self.budget, e))
            .fold(0.0, f64::max);
        let r = reset / s;
        let end = warm + outage;
        checks.push(check.at(end, true));
        let clear = (0.03..=0.97).contains(&r.fract());
        let resolved = if clear {
            r.ceil() as u64
        } else {
            r.ceil() as u64 + 1
        };
        if clear && r.floor() >= 1.0 {
            checks.push(check.at(end + r.floor() as u64, true));
        }
        checks.push(check.at(end + resolved, false));
        let scenario = Scenario {
            step,
            phases: vec![
                Phase {
                    steps: warm,
                    target: 0.0,
                },
                Phase {
                    steps: outage,
                    target: 1.0,
                },
                Phase {
                    steps: resolved,
                    target: 0.0,
                },
            ],
        };
        Group {
            name: format!(
                "{name}: fires after {}, resolves {} after it ends",
                human(p + seconds(check.rule.for_)),
                human(reset)
            ),
            scenario,
            alert_checks: checks,
            expr_checks: Vec::new(),
        }
    }
}

/// Builds the firing or not-firing assertion for one alert at one step.
struct AlertCheck<'a> {
    ctx: &'a Ctx<'a>,
    rule: &'a Rule,
    conds: &'a [Cond; 2],
    severity: &'a str,
    step: Duration,
}

impl AlertCheck<'_> {
    fn at(&self, k: u64, firing: bool) -> Value {
        let at = Duration::from_millis(k * self.step.as_millis());
        let labels = self.labels();
        let annotations: Labels = self
            .rule
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
            .filter(|r| r.alert == self.rule.alert)
            .count()
            > 1;
        // promtool's alert tests select by alert name only: when page and ticket share a name
        // (Sloth's usual layout) or annotations use templates beyond `$labels`, check the
        // ALERTS series of this alert's labels instead.
        if shared_name || annotations.values().any(|v| v.contains("{{")) {
            return self.alerts_query(at, firing, &labels);
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
            ("alertname".into(), self.rule.alert.clone().into()),
            ("exp_alerts".into(), Value::Seq(exp)),
        ])
    }

    /// The same check through the `ALERTS` series, for annotations with templates beyond
    /// `$labels` (values, functions) that cannot be predicted.
    fn alerts_query(&self, at: Duration, firing: bool, labels: &Labels) -> Value {
        let mut sel = labels.clone();
        sel.insert("alertname".into(), self.rule.alert.clone());
        sel.insert("alertstate".into(), "firing".into());
        let exp = if firing {
            vec![Value::Map(vec![
                (
                    "labels".into(),
                    format!("ALERTS{}", label_text(&sel)).into(),
                ),
                ("value".into(), Value::Int(1)),
            ])]
        } else {
            Vec::new()
        };
        Value::Map(vec![
            ("expr".into(), format!("ALERTS{}", label_text(&sel)).into()),
            ("eval_time".into(), at.to_string().into()),
            ("exp_samples".into(), Value::Seq(exp)),
        ])
    }

    /// The firing alert's labels: the SLI series' labels without `sloth_window`, then the
    /// rule's own.
    fn labels(&self) -> Labels {
        let base = self
            .ctx
            .sli_rule(self.conds[0].a.short)
            .map(|r| r.labels.clone())
            .unwrap_or_else(|| crate::plan::id_labels(self.ctx.slo));
        let mut labels = base;
        labels.remove("sloth_window");
        merged(&labels, &self.rule.labels)
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

fn merged(base: &Labels, over: &Labels) -> Labels {
    let mut out = base.clone();
    out.extend(over.iter().map(|(k, v)| (k.clone(), v.clone())));
    out
}

/// `{a="1", b="2"}` for promtool's `labels:` field.
fn label_text(labels: &Labels) -> String {
    let parts: Vec<String> = labels
        .iter()
        .map(|(k, v)| format!("{k}={}", quote_go(v)))
        .collect();
    format!("{{{}}}", parts.join(", "))
}

fn round6(x: f64) -> f64 {
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
