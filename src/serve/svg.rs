//! Charts as inline SVG: pure functions from series to SVG text.
//!
//! Three charts: a [`sparkline`] of the budget over the period for the overview, the
//! [`budget_chart`] (the remaining budget across the whole period, against the policy
//! levels' bounds) and the [`ratio_chart`] (the error ratio against the objective and the
//! burn-rate thresholds). Every text they carry (group labels come from Prometheus) is
//! escaped here, because the pages include the SVG as markup. `NaN` (no traffic) breaks a
//! line rather than drawing it at zero. Each drawn series is a `<path class="series">` with
//! a `data-points` count, so a test (or a person with developer tools) can see what it holds.

use std::fmt::Write;

use crate::budget::policy::colour::RED;
use crate::timefmt::rfc3339;

/// One line of a chart.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    /// Shown in the legend when a chart has several lines (a group's labels).
    pub label: String,
    /// `(Unix seconds, value)` in time order.
    pub points: Vec<(f64, f64)>,
}

/// A horizontal line at a value, e.g. a burn-rate threshold or a policy level's bound.
#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    pub label: String,
    pub value: f64,
    /// `#rrggbb`.
    pub colour: &'static str,
}

/// Colours of successive lines.
const PALETTE: [&str; 6] = [
    "#0969da", "#8250df", "#bf3989", "#1b7c83", "#953800", "#57606a",
];

/// Escapes text for SVG (XML) content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A ratio as a percentage with as many decimals as its size needs: `50%`, `1.44%`,
/// `0.05%`, `0.005%`.
pub fn percent_label(ratio: f64) -> String {
    let p = ratio * 100.0;
    let a = p.abs();
    let digits = if a >= 10.0 {
        1
    } else if a >= 0.1 {
        2
    } else {
        3
    };
    let s = format!("{p:.digits$}");
    let s = if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    };
    format!("{s}%")
}

/// Plot area and scales of a chart.
struct Frame {
    width: f64,
    height: f64,
    left: f64,
    right: f64,
    top: f64,
    bottom: f64,
    t0: f64,
    t1: f64,
    v0: f64,
    v1: f64,
}

impl Frame {
    /// The frame of a page's full-size chart over `t0..t1` and values `v0..v1`.
    fn chart(t0: f64, t1: f64, v0: f64, v1: f64) -> Frame {
        Frame {
            width: 720.0,
            height: 240.0,
            left: 48.0,
            right: 24.0,
            top: 20.0,
            bottom: 22.0,
            t0,
            t1,
            v0,
            v1,
        }
    }

    fn x(&self, t: f64) -> f64 {
        let w = self.width - self.left - self.right;
        self.left + (t - self.t0) / (self.t1 - self.t0).max(1.0) * w
    }

    fn y(&self, v: f64) -> f64 {
        let h = self.height - self.top - self.bottom;
        let clamped = v.clamp(self.v0, self.v1);
        self.top + h - (clamped - self.v0) / (self.v1 - self.v0).max(f64::MIN_POSITIVE) * h
    }

    /// The last finite point inside the time range, in chart coordinates.
    fn last(&self, points: &[(f64, f64)]) -> Option<(f64, f64)> {
        points
            .iter()
            .rev()
            .find(|(t, v)| v.is_finite() && *t >= self.t0 && *t <= self.t1)
            .map(|(t, v)| (self.x(*t), self.y(*v)))
    }

    /// A path through the finite points inside the time range, broken at each `NaN`.
    fn path(&self, points: &[(f64, f64)]) -> (String, usize) {
        let mut d = String::new();
        let mut pen_down = false;
        let mut drawn = 0;
        for &(t, v) in points {
            if t < self.t0 || t > self.t1 {
                continue;
            }
            if !v.is_finite() {
                pen_down = false;
                continue;
            }
            let cmd = if pen_down { 'L' } else { 'M' };
            let _ = write!(d, "{cmd}{:.1},{:.1}", self.x(t), self.y(v));
            pen_down = true;
            drawn += 1;
        }
        (d, drawn)
    }
}

fn open_svg(out: &mut String, f: &Frame, class: &str, label: &str) {
    let _ = write!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"{class}\" viewBox=\"0 0 {w} {h}\" \
         width=\"{w}\" height=\"{h}\" role=\"img\" aria-label=\"{label}\"><title>{label}</title>",
        w = f.width,
        h = f.height,
        label = escape(label),
    );
}

fn series(out: &mut String, f: &Frame, lines: &[Line], width: f64) {
    for (i, line) in lines.iter().enumerate() {
        let (d, n) = f.path(&line.points);
        if n == 0 {
            continue;
        }
        let colour = PALETTE[i % PALETTE.len()];
        let _ = write!(
            out,
            "<path class=\"series\" data-points=\"{n}\" data-label=\"{}\" d=\"{d}\" fill=\"none\" \
             stroke=\"{colour}\" stroke-width=\"{width}\" stroke-linejoin=\"round\"/>",
            escape(&line.label),
        );
        // The latest value, marked: it is what the page's figures say.
        if let Some((x, y)) = f.last(&line.points) {
            let _ = write!(
                out,
                "<circle class=\"last\" cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"{:.1}\" fill=\"{colour}\"/>",
                width + 0.5
            );
        }
    }
}

fn no_data(out: &mut String, f: &Frame) {
    let _ = write!(
        out,
        "<text class=\"no-data\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" font-size=\"12\" \
         fill=\"#57606a\">no data</text>",
        f.width / 2.0,
        f.height / 2.0 + 4.0
    );
}

fn finite_values(lines: &[Line], t0: f64, t1: f64) -> impl Iterator<Item = f64> + '_ {
    lines.iter().flat_map(move |l| {
        l.points
            .iter()
            .filter(move |(t, v)| v.is_finite() && *t >= t0 && *t <= t1)
            .map(|(_, v)| *v)
    })
}

/// A small chart of the budget left over the period (`start` to `end`, Unix seconds): 0 to
/// 100%, with a dashed 0% line when the budget went below it.
pub fn sparkline(lines: &[Line], start: f64, end: f64) -> String {
    let low = finite_values(lines, start, end).fold(0.0_f64, f64::min);
    let high = finite_values(lines, start, end).fold(1.0_f64, f64::max);
    let f = Frame {
        width: 120.0,
        height: 28.0,
        left: 1.0,
        right: 1.0,
        top: 2.0,
        bottom: 2.0,
        t0: start,
        t1: end,
        v0: low,
        v1: high,
    };
    let last = lines
        .first()
        .and_then(|l| l.points.iter().rev().find(|(_, v)| v.is_finite()))
        .map(|(_, v)| percent_label(*v));
    let label = match &last {
        Some(v) => format!("budget left over the period, now {v}"),
        None => "budget left over the period: no data".to_string(),
    };
    let mut out = String::new();
    open_svg(&mut out, &f, "chart sparkline", &label);
    if last.is_none() {
        no_data(&mut out, &f);
    } else {
        if low < 0.0 {
            let _ = write!(
                out,
                "<line x1=\"{l}\" x2=\"{r:.1}\" y1=\"{y:.1}\" y2=\"{y:.1}\" stroke=\"{RED}\" \
                 stroke-dasharray=\"2 2\"/>",
                l = f.left,
                r = f.width - f.right,
                y = f.y(0.0)
            );
        }
        series(&mut out, &f, lines, 1.5);
    }
    out.push_str("</svg>");
    out
}

/// Time ticks: a step from one hour to a week giving at most eight ticks, on UTC boundaries.
fn time_ticks(t0: f64, t1: f64) -> (f64, Vec<f64>) {
    let span = (t1 - t0).max(1.0);
    let steps = [
        3600.0,
        6.0 * 3600.0,
        86_400.0,
        2.0 * 86_400.0,
        7.0 * 86_400.0,
    ];
    let step = steps
        .into_iter()
        .find(|s| span / s <= 8.0)
        .unwrap_or(14.0 * 86_400.0);
    let mut t = (t0 / step).ceil() * step;
    let mut ticks = Vec::new();
    while t <= t1 {
        ticks.push(t);
        t += step;
    }
    (step, ticks)
}

/// `01-02` for day steps, `01-02 06:00` below.
fn tick_label(t: f64, step: f64) -> String {
    let s = rfc3339(t);
    if step >= 86_400.0 {
        s[5..10].to_string()
    } else {
        format!("{} {}", &s[5..10], &s[11..16])
    }
}

fn axes(out: &mut String, f: &Frame, y_ticks: &[f64]) {
    let (step, ticks) = time_ticks(f.t0, f.t1);
    let (l, r) = (f.left, f.width - f.right);
    let (top, base) = (f.top, f.height - f.bottom);
    for v in y_ticks {
        let y = f.y(*v);
        let _ = write!(
            out,
            "<line x1=\"{l}\" x2=\"{r}\" y1=\"{y:.1}\" y2=\"{y:.1}\" stroke=\"#d0d7de\" stroke-width=\"0.5\"/>\
             <text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\" font-size=\"10\" fill=\"#57606a\">{}</text>",
            l - 4.0,
            y + 3.0,
            escape(&percent_label(*v))
        );
    }
    for t in ticks {
        let x = f.x(t);
        let _ = write!(
            out,
            "<line x1=\"{x:.1}\" x2=\"{x:.1}\" y1=\"{top}\" y2=\"{base}\" stroke=\"#d0d7de\" stroke-width=\"0.5\"/>\
             <text x=\"{x:.1}\" y=\"{:.1}\" text-anchor=\"middle\" font-size=\"10\" fill=\"#57606a\">{}</text>",
            base + 14.0,
            tick_label(t, step)
        );
    }
    let _ = write!(
        out,
        "<rect x=\"{l}\" y=\"{top}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"none\" stroke=\"#8c959f\" stroke-width=\"0.5\"/>",
        r - l,
        base - top
    );
}

fn rules(out: &mut String, f: &Frame, rules: &[Rule]) {
    // Labels sit above their line, or below it when another label is already there. Their
    // text is the axis colour (a light level colour such as yellow does not read on white),
    // marked with a dash in the line's colour.
    let mut taken: Vec<f64> = Vec::new();
    for r in rules {
        if r.value < f.v0 || r.value > f.v1 {
            continue;
        }
        let y = f.y(r.value);
        let free = |ty: f64| taken.iter().all(|t| (t - ty).abs() >= 11.0);
        let ty = [y - 3.0, y + 11.0, y - 14.0, y + 22.0]
            .into_iter()
            .find(|ty| free(*ty))
            .unwrap_or(y - 3.0);
        taken.push(ty);
        let _ = write!(
            out,
            "<line class=\"rule\" x1=\"{l}\" x2=\"{x2:.1}\" y1=\"{y:.1}\" y2=\"{y:.1}\" stroke=\"{c}\" \
             stroke-dasharray=\"5 3\"/><text x=\"{tx:.1}\" y=\"{ty:.1}\" text-anchor=\"end\" \
             font-size=\"10\" fill=\"#57606a\"><tspan fill=\"{c}\" font-weight=\"700\">\u{2014} </tspan>{label}</text>",
            l = f.left,
            x2 = f.width - f.right,
            c = r.colour,
            tx = f.width - f.right - 3.0,
            label = escape(&r.label)
        );
    }
}

fn legend(out: &mut String, f: &Frame, lines: &[Line]) {
    if lines.len() < 2 {
        return;
    }
    let mut x = f.left;
    for (i, line) in lines.iter().enumerate() {
        let label = escape(&line.label);
        let _ = write!(
            out,
            "<rect x=\"{x:.1}\" y=\"4\" width=\"10\" height=\"10\" fill=\"{}\"/>\
             <text x=\"{:.1}\" y=\"13\" font-size=\"10\" fill=\"#24292f\">{label}</text>",
            PALETTE[i % PALETTE.len()],
            x + 13.0
        );
        x += 24.0 + 6.0 * line.label.chars().count().min(40) as f64;
    }
}

/// The budget left across the period (`start` to `end`): one line per series (each group of
/// a grouped SLO), the policy levels' bounds as coloured rules, a red 0% line.
pub fn budget_chart(lines: &[Line], start: f64, end: f64, bounds: &[Rule]) -> String {
    let low = finite_values(lines, start, end).fold(0.0_f64, f64::min);
    let high = finite_values(lines, start, end).fold(1.0_f64, f64::max);
    let f = Frame::chart(start, end, low, high);
    let drawn: usize = lines.iter().map(|l| f.path(&l.points).1).sum();
    let label = format!(
        "error budget left from {} to {}",
        tick_label(start, 86_400.0),
        tick_label(end, 86_400.0)
    );
    let mut out = String::new();
    open_svg(&mut out, &f, "chart budget-chart", &label);
    let mut y_ticks = vec![0.0, 0.25, 0.5, 0.75, 1.0];
    if low < 0.0 {
        y_ticks.push(low);
    }
    axes(&mut out, &f, &y_ticks);
    let mut all_rules = bounds.to_vec();
    all_rules.push(Rule {
        label: "budget spent".into(),
        value: 0.0,
        colour: RED,
    });
    rules(&mut out, &f, &all_rules);
    if drawn == 0 {
        no_data(&mut out, &f);
    }
    series(&mut out, &f, lines, 2.0);
    legend(&mut out, &f, lines);
    out.push_str("</svg>");
    out
}

/// Value ticks from 0 to `high`: four steps of a round size.
fn ratio_ticks(high: f64) -> Vec<f64> {
    if high <= 0.0 {
        return vec![0.0];
    }
    let raw = high / 4.0;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .into_iter()
        .map(|m| m * mag)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * mag);
    (0..)
        .map(|i| i as f64 * step)
        .take_while(|v| *v <= high * 1.0001)
        .collect()
}

/// The error ratio over time (`start` to `end`) against `thresholds`: the objective's error
/// budget (1×) and the burn-rate factors' error ratios. The scale reaches the highest
/// threshold that can fire, so each line shows how close the ratio came.
pub fn ratio_chart(lines: &[Line], start: f64, end: f64, thresholds: &[Rule]) -> String {
    let data_high = finite_values(lines, start, end).fold(0.0_f64, f64::max);
    let rule_high = thresholds
        .iter()
        .map(|r| r.value)
        .filter(|v| *v < 1.0)
        .fold(0.0_f64, f64::max);
    let high = (data_high.max(rule_high) * 1.1).clamp(1e-6, 1.0);
    let f = Frame::chart(start, end, 0.0, high);
    let drawn: usize = lines.iter().map(|l| f.path(&l.points).1).sum();
    let label = format!(
        "error ratio from {} to {}, highest {}",
        tick_label(start, 86_400.0),
        tick_label(end, 86_400.0),
        percent_label(data_high)
    );
    let mut out = String::new();
    open_svg(&mut out, &f, "chart ratio-chart", &label);
    axes(&mut out, &f, &ratio_ticks(high));
    rules(&mut out, &f, thresholds);
    if drawn == 0 {
        no_data(&mut out, &f);
    }
    series(&mut out, &f, lines, 1.5);
    legend(&mut out, &f, lines);
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: f64 = 86_400.0;
    /// 2026-01-01T00:00:00Z.
    const END: f64 = 1_767_225_600.0;

    fn line(label: &str, points: &[(f64, f64)]) -> Line {
        Line {
            label: label.into(),
            points: points.to_vec(),
        }
    }

    #[test]
    fn percent_labels_keep_the_digits_that_matter() {
        for (ratio, want) in [
            (0.5, "50%"),
            (1.0, "100%"),
            (0.0144, "1.44%"),
            (0.001, "0.1%"),
            (0.0005, "0.05%"),
            (0.00005, "0.005%"),
            (0.0, "0%"),
            (-0.25, "-25%"),
            (0.3009, "30.1%"),
        ] {
            assert_eq!(percent_label(ratio), want, "{ratio}");
        }
    }

    #[test]
    fn sparkline_breaks_at_nan_and_marks_overspending() {
        let svg = sparkline(
            &[line(
                "",
                &[
                    (END - 3.0 * DAY, 1.0),
                    (END - 2.0 * DAY, 0.5),
                    (END - DAY, f64::NAN),
                    (END, -0.2),
                ],
            )],
            END - 3.0 * DAY,
            END,
        );
        insta::assert_snapshot!(svg);
        assert!(svg.contains("data-points=\"3\""));
        assert!(svg.contains("stroke-dasharray"), "a 0% line when overspent");
        assert!(svg.contains("now -20%"));
    }

    #[test]
    fn sparkline_without_data_says_so() {
        let svg = sparkline(&[], END - DAY, END);
        assert!(svg.contains("no data"), "{svg}");
        assert!(!svg.contains("class=\"series\""));
        let nan = sparkline(&[line("", &[(END, f64::NAN)])], END - DAY, END);
        assert!(nan.contains("no data"), "{nan}");
    }

    #[test]
    fn budget_chart_draws_levels_groups_and_escapes_labels() {
        let bounds = [
            Rule {
                label: "ship freely".into(),
                value: 0.5,
                colour: crate::budget::policy::colour::GREEN,
            },
            Rule {
                label: "freeze".into(),
                value: 0.05,
                colour: RED,
            },
        ];
        let svg = budget_chart(
            &[
                line(
                    "route=\"<script>\"",
                    &[(END - 2.0 * DAY, 0.9), (END - DAY, 0.4), (END, 0.1)],
                ),
                line("route=\"/pay\"", &[(END - 2.0 * DAY, 0.95), (END, 0.6)]),
            ],
            END - 2.0 * DAY,
            END,
            &bounds,
        );
        insta::assert_snapshot!(svg);
        assert!(!svg.contains("<script>"));
        assert!(svg.contains("route=&quot;&lt;script&gt;&quot;"));
        assert_eq!(svg.matches("class=\"series\"").count(), 2);
    }

    #[test]
    fn ratio_chart_scales_to_the_highest_threshold_that_can_fire() {
        let thresholds = [
            Rule {
                label: "objective (1x)".into(),
                value: 0.001,
                colour: "#57606a",
            },
            Rule {
                label: "page 14.4x".into(),
                value: 0.0144,
                colour: RED,
            },
            Rule {
                label: "impossible".into(),
                value: 1.5,
                colour: RED,
            },
        ];
        let svg = ratio_chart(
            &[line(
                "",
                &[
                    (END - 2.0 * 3600.0, 0.0001),
                    (END - 3600.0, 0.0002),
                    (END, 0.0001),
                ],
            )],
            END - 2.0 * 3600.0,
            END,
            &thresholds,
        );
        insta::assert_snapshot!(svg);
        assert!(svg.contains("page 14.4x"));
        assert!(
            !svg.contains("impossible"),
            "a rule above 100% is off the scale"
        );
        assert_eq!(ratio_ticks(0.0158), vec![0.0, 0.005, 0.01, 0.015]);
        assert_eq!(ratio_ticks(0.08), vec![0.0, 0.02, 0.04, 0.06, 0.08]);
    }

    #[test]
    fn time_ticks_fit_the_span() {
        let (step, ticks) = time_ticks(END - 30.0 * DAY, END);
        assert_eq!(step, 7.0 * DAY);
        assert!(ticks.len() <= 8 && !ticks.is_empty());
        let (step, _) = time_ticks(END - 6.0 * 3600.0, END);
        assert_eq!(step, 3600.0);
        assert_eq!(tick_label(END, 86_400.0), "01-01");
        assert_eq!(tick_label(END + 6.0 * 3600.0, 3600.0), "01-01 06:00");
    }
}
