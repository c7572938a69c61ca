//! A small metrics registry written in the Prometheus text exposition format (0.0.4).
//!
//! Counters, gauges and summaries (sum and count) keyed by label sets, enough for a server's
//! own figures: requests, notifications, incidents, sink errors. Families are described once
//! and rendered in name order, series in label order, so `/metrics` is stable.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;

/// The kind of a metric family.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Counter,
    Gauge,
    /// `_sum` and `_count` series.
    Summary,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Counter => "counter",
            Kind::Gauge => "gauge",
            Kind::Summary => "summary",
        }
    }
}

type LabelSet = Vec<(String, String)>;

#[derive(Debug)]
struct Family {
    help: String,
    kind: Kind,
    /// Value (counter, gauge) or `(sum, count)` (summary).
    series: BTreeMap<LabelSet, (f64, u64)>,
}

/// Metric families, shared by a server's handlers.
#[derive(Debug, Default)]
pub struct Registry {
    families: Mutex<BTreeMap<String, Family>>,
}

impl Registry {
    pub fn new() -> Registry {
        Registry::default()
    }

    /// Declares a family; series appear once they are touched. Describing again keeps the
    /// series.
    pub fn describe(&self, name: &str, help: &str, kind: Kind) {
        let mut f = self.lock();
        f.entry(name.to_string()).or_insert_with(|| Family {
            help: help.to_string(),
            kind,
            series: BTreeMap::new(),
        });
    }

    /// Adds 1 to a counter.
    pub fn inc(&self, name: &str, labels: &[(&str, &str)]) {
        self.add(name, labels, 1.0);
    }

    /// Adds `v` to a counter (or a gauge).
    pub fn add(&self, name: &str, labels: &[(&str, &str)], v: f64) {
        self.update(name, labels, |s| s.0 += v);
    }

    /// Sets a gauge.
    pub fn set(&self, name: &str, labels: &[(&str, &str)], v: f64) {
        self.update(name, labels, |s| s.0 = v);
    }

    /// Records one observation of a summary.
    pub fn observe(&self, name: &str, labels: &[(&str, &str)], v: f64) {
        self.update(name, labels, |s| {
            s.0 += v;
            s.1 += 1;
        });
    }

    /// The current value of a counter or gauge series (0 when never touched).
    pub fn value(&self, name: &str, labels: &[(&str, &str)]) -> f64 {
        let key = label_set(labels);
        self.lock()
            .get(name)
            .and_then(|f| f.series.get(&key))
            .map_or(0.0, |s| s.0)
    }

    fn update(&self, name: &str, labels: &[(&str, &str)], f: impl FnOnce(&mut (f64, u64))) {
        let mut fams = self.lock();
        let fam = fams.entry(name.to_string()).or_insert_with(|| Family {
            help: String::new(),
            kind: Kind::Counter,
            series: BTreeMap::new(),
        });
        f(fam.series.entry(label_set(labels)).or_insert((0.0, 0)));
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<String, Family>> {
        // A panic while holding the lock leaves plain numbers behind; keep serving them.
        self.families.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The text exposition of every family.
    pub fn render(&self) -> String {
        let fams = self.lock();
        let mut out = String::new();
        for (name, fam) in fams.iter() {
            if !fam.help.is_empty() {
                let _ = writeln!(out, "# HELP {name} {}", escape_help(&fam.help));
            }
            let _ = writeln!(out, "# TYPE {name} {}", fam.kind.name());
            for (labels, (v, count)) in &fam.series {
                let l = render_labels(labels);
                match fam.kind {
                    Kind::Summary => {
                        let _ = writeln!(out, "{name}_sum{l} {}", number(*v));
                        let _ = writeln!(out, "{name}_count{l} {count}");
                    }
                    _ => {
                        let _ = writeln!(out, "{name}{l} {}", number(*v));
                    }
                }
            }
        }
        out
    }
}

fn label_set(labels: &[(&str, &str)]) -> LabelSet {
    let mut v: LabelSet = labels
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    v.sort();
    v
}

fn render_labels(labels: &LabelSet) -> String {
    if labels.is_empty() {
        return String::new();
    }
    let inner: Vec<String> = labels
        .iter()
        .map(|(k, v)| format!("{k}=\"{}\"", escape_value(v)))
        .collect();
    format!("{{{}}}", inner.join(","))
}

fn escape_value(v: &str) -> String {
    v.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

fn escape_help(v: &str) -> String {
    v.replace('\\', "\\\\").replace('\n', "\\n")
}

fn number(v: f64) -> String {
    if v.is_nan() {
        "NaN".into()
    } else if v.is_infinite() {
        if v > 0.0 { "+Inf" } else { "-Inf" }.into()
    } else {
        format!("{v}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_families_in_order_with_escaped_labels() {
        let r = Registry::new();
        r.describe("b_total", "Things.", Kind::Counter);
        r.describe("a_seconds", "Time.", Kind::Summary);
        r.inc("b_total", &[("sink", "github")]);
        r.add("b_total", &[("sink", "git\"hub\n")], 2.0);
        r.observe("a_seconds", &[], 0.25);
        r.observe("a_seconds", &[], 0.5);
        assert_eq!(
            r.render(),
            "# HELP a_seconds Time.\n# TYPE a_seconds summary\na_seconds_sum 0.75\na_seconds_count 2\n\
             # HELP b_total Things.\n# TYPE b_total counter\nb_total{sink=\"git\\\"hub\\n\"} 2\nb_total{sink=\"github\"} 1\n"
        );
        assert_eq!(r.value("b_total", &[("sink", "github")]), 1.0);
        assert_eq!(r.value("b_total", &[("sink", "none")]), 0.0);
    }
}
