//! What Grafana does with a dashboard's queries before Prometheus sees them, for a view of the
//! last 30 days, written down from Grafana's Prometheus data source (grafana/grafana
//! `pkg/promlib/models/query.go`, `intervalv2`, and grafana-plugin-sdk-go `gtime`):
//!
//! - the step (`$__interval`): the range over the panel's data points (1,500 when the panel
//!   sets none), rounded to Grafana's table of intervals; the panel's min interval when that is
//!   longer; never finer than the range over 11,000 points;
//! - `$__rate_interval`: the larger of that interval plus the scrape interval (15s unless the
//!   data source says otherwise) and four scrape intervals, printed as a Go duration;
//! - `$__range`: the range in whole seconds followed by `s`;
//! - a multi-value variable: its "All" value (`allValue`) or the chosen value.
//!
//! Also here: every range and subquery of a query, read from its syntax tree, for the 768h
//! limit.

use std::collections::BTreeMap;

use promql_parser::parser::Expr;
use serde_json::Value;

/// Grafana's default number of points per panel.
const DEFAULT_POINTS: i64 = 1500;
/// Points that bound the finest step (`safeResolution`).
const SAFE_POINTS: i64 = 11_000;
/// The data source's scrape interval when it does not set one.
const SCRAPE_MS: i64 = 15_000;

/// A dashboard view: a time range, and the values chosen for the variables.
pub struct View {
    pub from: i64,
    pub to: i64,
    pub vars: BTreeMap<String, String>,
}

/// A panel query ready for Prometheus.
#[derive(Debug, Clone)]
pub struct Ready {
    pub expr: String,
    pub step_secs: i64,
    pub instant: bool,
}

/// `gtime.RoundInterval`, in milliseconds.
pub fn round_interval(ms: i64) -> i64 {
    const TABLE: [(i64, i64); 27] = [
        (15, 10),
        (35, 20),
        (75, 50),
        (150, 100),
        (350, 200),
        (750, 500),
        (1_500, 1_000),
        (3_500, 2_000),
        (7_500, 5_000),
        (12_500, 10_000),
        (17_500, 15_000),
        (25_000, 20_000),
        (45_000, 30_000),
        (90_000, 60_000),
        (210_000, 120_000),
        (450_000, 300_000),
        (750_000, 600_000),
        (1_050_000, 900_000),
        (1_500_000, 1_200_000),
        (2_700_000, 1_800_000),
        (5_400_000, 3_600_000),
        (9_000_000, 7_200_000),
        (16_200_000, 10_800_000),
        (32_400_000, 21_600_000),
        (86_400_000, 43_200_000),
        (172_800_000, 86_400_000),
        (604_800_000, 86_400_000),
    ];
    for (below, rounded) in TABLE {
        if ms < below {
            return rounded;
        }
    }
    if ms < 1_814_400_000 {
        604_800_000
    } else if ms < 3_628_800_000 {
        2_592_000_000
    } else {
        31_536_000_000
    }
}

/// `gtime.FormatInterval`: the largest whole unit.
pub fn format_interval(ms: i64) -> String {
    let units = [
        (31_536_000_000, "y"),
        (86_400_000, "d"),
        (3_600_000, "h"),
        (60_000, "m"),
        (1_000, "s"),
        (1, "ms"),
    ];
    for (size, unit) in units {
        if ms >= size {
            return format!("{}{unit}", ms / size);
        }
    }
    "1ms".into()
}

/// Go's `time.Duration.String()` for whole seconds: `30m15s`, `1h0m15s`, `45s`.
pub fn go_duration(ms: i64) -> String {
    let s = ms / 1000;
    let (h, m, sec) = (s / 3600, (s % 3600) / 60, s % 60);
    if h > 0 {
        format!("{h}h{m}m{sec}s")
    } else if m > 0 {
        format!("{m}m{sec}s")
    } else {
        format!("{sec}s")
    }
}

/// A Prometheus/Grafana duration such as `5m` or `1h30m`, in milliseconds.
pub fn parse_duration_ms(s: &str) -> i64 {
    slogen::duration::Duration::parse(s)
        .unwrap_or_else(|e| panic!("{s:?}: {e}"))
        .as_millis() as i64
}

impl View {
    /// The last 30 days up to `end`.
    pub fn thirty_days(end: i64) -> View {
        View {
            from: end - 30 * 86_400,
            to: end,
            vars: BTreeMap::new(),
        }
    }

    fn range_ms(&self) -> i64 {
        (self.to - self.from) * 1000
    }

    /// The interval the front end computes for a panel (its min interval applied).
    pub fn query_interval_ms(&self, panel_min: Option<&str>) -> i64 {
        let rounded = round_interval(self.range_ms() / DEFAULT_POINTS);
        let low = panel_min.map(parse_duration_ms).unwrap_or(SCRAPE_MS);
        rounded.max(low)
    }

    /// The step the back end runs the query with, `$__interval`.
    pub fn step_ms(&self, panel_min: Option<&str>) -> i64 {
        let min = self.query_interval_ms(panel_min);
        let raw = self.range_ms() / DEFAULT_POINTS;
        let calculated = if raw < min { min } else { round_interval(raw) };
        let safe = round_interval(self.range_ms() / SAFE_POINTS);
        calculated.max(safe)
    }

    /// `$__rate_interval`.
    pub fn rate_interval_ms(&self, panel_min: Option<&str>) -> i64 {
        (self.query_interval_ms(panel_min) + SCRAPE_MS).max(4 * SCRAPE_MS)
    }

    /// The query text with every variable filled in.
    pub fn substitute(&self, expr: &str, panel_min: Option<&str>) -> String {
        let step = self.step_ms(panel_min);
        let mut out = expr
            .replace(
                "$__rate_interval",
                &go_duration(self.rate_interval_ms(panel_min)),
            )
            .replace(
                "${__rate_interval}",
                &go_duration(self.rate_interval_ms(panel_min)),
            )
            .replace("$__interval", &format_interval(step))
            .replace("${__interval}", &format_interval(step))
            .replace("$__range", &format!("{}s", self.to - self.from))
            .replace("${__range}", &format!("{}s", self.to - self.from));
        // Longest names first, so `$route` never eats the start of `$routes`.
        let mut names: Vec<&String> = self.vars.keys().collect();
        names.sort_by_key(|n| std::cmp::Reverse(n.len()));
        for name in names {
            let value = &self.vars[name];
            out = out
                .replace(&format!("${{{name}}}"), value)
                .replace(&format!("${name}"), value);
        }
        let left = out.match_indices('$').any(|(i, _)| {
            out[i + 1..].starts_with(|c: char| c.is_ascii_alphabetic() || c == '_' || c == '{')
        });
        assert!(!left, "a Grafana variable is left in {out}");
        out
    }

    /// Every query of a panel, ready to run.
    pub fn panel_queries(&self, panel: &Value) -> Vec<Ready> {
        let min = panel["interval"].as_str();
        panel["targets"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|t| Ready {
                expr: self.substitute(t["expr"].as_str().expect("a query"), min),
                step_secs: self.step_ms(min) / 1000,
                instant: t["instant"].as_bool().unwrap_or(false),
            })
            .collect()
    }
}

/// Every range and subquery range of an expression, in seconds, and whether it has a subquery.
pub fn ranges(e: &Expr, out: &mut Vec<u64>, subqueries: &mut usize) {
    match e {
        Expr::MatrixSelector(m) => out.push(m.range.as_secs()),
        Expr::Subquery(s) => {
            *subqueries += 1;
            out.push(s.range.as_secs());
            ranges(&s.expr, out, subqueries);
        }
        Expr::Aggregate(a) => {
            ranges(&a.expr, out, subqueries);
            if let Some(p) = &a.param {
                ranges(p, out, subqueries);
            }
        }
        Expr::Binary(b) => {
            ranges(&b.lhs, out, subqueries);
            ranges(&b.rhs, out, subqueries);
        }
        Expr::Paren(p) => ranges(&p.expr, out, subqueries),
        Expr::Unary(u) => ranges(&u.expr, out, subqueries),
        Expr::Call(c) => {
            for a in &c.args.args {
                ranges(a, out, subqueries);
            }
        }
        _ => {}
    }
}

/// Every non-row panel of a dashboard.
pub fn panels(dashboard: &Value) -> Vec<&Value> {
    dashboard["panels"]
        .as_array()
        .expect("panels")
        .iter()
        .filter(|p| p["type"] != "row")
        .collect()
}

#[test]
fn a_thirty_day_view_gets_grafanas_figures() {
    let v = View::thirty_days(1_767_225_600);
    // 2,592,000 s over 1,500 points is 28.8 minutes, which Grafana rounds to 30 minutes.
    assert_eq!(format_interval(v.step_ms(None)), "30m");
    assert_eq!(format_interval(v.step_ms(Some("5m"))), "30m");
    assert_eq!(go_duration(v.rate_interval_ms(Some("5m"))), "30m15s");
    assert_eq!(v.substitute("x[$__range]", None), "x[2592000s]");
    // A one-hour view: the panel's min interval wins.
    let hour = View {
        from: 0,
        to: 3600,
        vars: BTreeMap::new(),
    };
    assert_eq!(format_interval(hour.step_ms(Some("5m"))), "5m");
    assert_eq!(go_duration(hour.rate_interval_ms(Some("5m"))), "5m15s");
    assert_eq!(go_duration(3_615_000), "1h0m15s");
}
