//! Renders a [`Report`] as text (an aligned table), Markdown (with sparklines) or a standalone
//! HTML page (with inline SVG charts). Pure functions of the report: no IO. The Slack post is
//! [`super::report_slack`].

use std::fmt::Write as _;

use crate::budget::policy::{percent, Levels, PolicyLevel};
use crate::live::report::{BudgetPoint, Report, SloReport};

use super::budget::{align, budget_cell, level_of, objective_percent};
use super::format::Paint;
use crate::timefmt::format_utc;

const SPARKS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/// One character per point, on a fixed 0–100% scale so SLOs compare; `·` marks a point
/// without data, and a series without any data is `no data`, as the HTML chart says.
pub fn sparkline(points: &[BudgetPoint]) -> String {
    if !points.iter().any(|p| p.budget_remaining_ratio.is_finite()) {
        return "no data".into();
    }
    points
        .iter()
        .map(|p| {
            let v = p.budget_remaining_ratio;
            if !v.is_finite() {
                return '·';
            }
            let idx = (v.clamp(0.0, 1.0) * 7.0).round() as usize;
            SPARKS[idx]
        })
        .collect()
}

fn ratio_cell(v: Option<f64>, fmt: impl Fn(f64) -> String) -> String {
    match v {
        None => "no data".into(),
        Some(x) if x.is_nan() => "NaN (no traffic)".into(),
        Some(x) => fmt(x),
    }
}

/// The SLI as a percentage with four decimals (`99.9130%`).
fn sli_cell(s: &SloReport) -> String {
    ratio_cell(s.sli, |x| format!("{:.4}%", x * 100.0))
}

fn consumed_cell(s: &SloReport) -> String {
    let cell = ratio_cell(s.budget_consumed, percent);
    if s.budget_consumed_capped {
        format!("{cell}*")
    } else {
        cell
    }
}

/// The policy level of the SLO's budget left, as its advice (`unknown` without a budget).
pub fn level(s: &SloReport) -> Option<PolicyLevel> {
    level_of(&s.status, &Levels::default())
}

fn policy_cell(s: &SloReport) -> String {
    level(s).map_or("unknown".into(), |l| l.advice().to_string())
}

/// Fired alerts, `none` when none fired.
pub fn alerts_cell(s: &SloReport) -> String {
    if s.alert_firings.is_empty() {
        return "none".into();
    }
    let parts: Vec<String> = s
        .alert_firings
        .iter()
        .map(|a| match a.severity.as_str() {
            "" => format!("{} ×{}", a.name, a.count),
            sev => format!("{} ({sev}) ×{}", a.name, a.count),
        })
        .collect();
    parts.join(", ")
}

fn period_cell(s: &SloReport) -> String {
    s.status
        .period_days
        .map_or("period".into(), |d| format!("{d}d"))
}

/// The title: `SLO report: <start> to <end>`.
pub fn title(r: &Report) -> String {
    format!(
        "SLO report: {} to {}",
        format_utc(r.start),
        format_utc(r.end)
    )
}

/// Lines about data coverage and capped figures; empty when every SLO's window and period
/// have data throughout.
pub fn coverage_notes(r: &Report) -> Vec<String> {
    let mut notes = Vec::new();
    for s in &r.slos {
        let w = &s.window_coverage;
        if !w.complete {
            let since = w
                .covered_from
                .map_or(String::new(), |t| format!(" (since {})", format_utc(t)));
            notes.push(format!(
                "{}: {}{since}; the SLI and the budget consumed are computed over those",
                s.status.id,
                w.describe()
            ));
        }
        if let Some(p) = s
            .period_coverage
            .filter(|p| !p.complete && p.covered_from.is_some())
        {
            notes.push(format!(
                "{}: its period's {}; the budget left is computed over those",
                s.status.id,
                p.describe()
            ));
        }
        if s.budget_consumed_capped {
            notes.push(format!(
                "{}: * the budget consumed is shown as what the period has used (1 − budget left); the window's data claimed more",
                s.status.id
            ));
        }
    }
    notes
}

fn worst_lines(r: &Report) -> Vec<String> {
    let mut lines = Vec::new();
    for s in r.slos.iter().filter(|s| !s.worst_periods.is_empty()) {
        for w in &s.worst_periods {
            lines.push(format!(
                "{}: {} to {}: error ratio {:.4}%, burn rate {:.2}x",
                s.status.id,
                format_utc(w.start),
                format_utc(w.end),
                w.error_ratio * 100.0,
                w.burn_rate
            ));
        }
    }
    lines
}

/// The report for a terminal: an aligned table, the worst hours and the coverage notes.
pub fn text(r: &Report, since: &str, paint: Paint) -> String {
    let mut out = format!("{}\n\n", title(r));
    let mut rows = vec![vec![
        "SLO".to_string(),
        "OBJECTIVE".into(),
        format!("SLI ({since})"),
        format!("CONSUMED ({since})"),
        "BUDGET LEFT".into(),
        "POLICY".into(),
        "ALERTS FIRED".into(),
    ]];
    let mut levels = vec![None];
    for s in &r.slos {
        rows.push(vec![
            s.status.id.clone(),
            objective_percent(s.status.objective),
            sli_cell(s),
            consumed_cell(s),
            format!("{} ({})", budget_cell(&s.status), period_cell(s)),
            policy_cell(s),
            alerts_cell(s),
        ]);
        levels.push(level(s));
    }
    out.push_str(&align(&rows, |row, col, cell| match (col, levels[row]) {
        (5, Some(l)) => paint.level(l, cell),
        _ => cell.to_string(),
    }));
    for (heading, lines) in [
        ("Worst hours", worst_lines(r)),
        ("Data coverage", coverage_notes(r)),
    ] {
        if !lines.is_empty() {
            let _ = writeln!(out, "\n{heading}:");
            for l in lines {
                let _ = writeln!(out, "- {l}");
            }
        }
    }
    out
}

/// The Markdown report.
pub fn markdown(r: &Report, since: &str) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# {}\n", title(r));
    let _ = writeln!(
        out,
        "| SLO | Objective | SLI ({since}) | Budget consumed ({since}) | Budget left | Policy | Alerts fired | Budget trend |"
    );
    let _ = writeln!(out, "|---|---|---|---|---|---|---|---|");
    for s in &r.slos {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} ({}) | {} | {} | {} |",
            s.status.id,
            objective_percent(s.status.objective),
            sli_cell(s),
            consumed_cell(s),
            budget_cell(&s.status),
            period_cell(s),
            policy_cell(s),
            alerts_cell(s),
            sparkline(&s.budget_series),
        );
    }
    for (heading, lines) in [
        ("Worst hours", worst_lines(r)),
        ("Data coverage", coverage_notes(r)),
    ] {
        if !lines.is_empty() {
            let _ = writeln!(out, "\n## {heading}\n");
            for l in lines {
                let _ = writeln!(out, "- {l}");
            }
        }
    }
    out
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// An inline SVG line chart of the remaining budget (0–100%, with a 0% line when overspent).
/// It draws whenever the Markdown sparkline does: a single point is a dot, and only a series
/// without any data says `no data`.
pub fn svg_chart(points: &[BudgetPoint]) -> String {
    const W: f64 = 240.0;
    const H: f64 = 48.0;
    let finite: Vec<(f64, f64)> = points
        .iter()
        .map(|p| (p.time, p.budget_remaining_ratio))
        .filter(|(_, v)| v.is_finite())
        .collect();
    if finite.is_empty() {
        return format!("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{W}\" height=\"{H}\" role=\"img\" aria-label=\"no data\"><text x=\"4\" y=\"28\" font-size=\"12\">no data</text></svg>");
    }
    // The time axis spans every point, with data or not, as the sparkline's characters do.
    let t0 = points.first().map_or(finite[0].0, |p| p.time);
    let t1 = points.last().map_or(finite[0].0, |p| p.time);
    let low = finite.iter().map(|p| p.1).fold(0.0_f64, f64::min);
    let high = finite.iter().map(|p| p.1).fold(1.0_f64, f64::max);
    let x = |t: f64| (t - t0) / (t1 - t0).max(1.0) * W;
    let y = |v: f64| H - (v - low) / (high - low) * H;
    let pts: Vec<String> = finite
        .iter()
        .map(|(t, v)| format!("{:.1},{:.1}", x(*t), y(*v)))
        .collect();
    let line = if finite.len() == 1 {
        format!(
            "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"3\" fill=\"#2a6\"/>",
            x(finite[0].0),
            y(finite[0].1)
        )
    } else {
        format!(
            "<polyline fill=\"none\" stroke=\"#2a6\" stroke-width=\"2\" points=\"{}\"/>",
            pts.join(" ")
        )
    };
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{W}\" height=\"{H}\" viewBox=\"0 0 {W} {H}\" role=\"img\" aria-label=\"error budget remaining\">\
<line x1=\"0\" y1=\"{z:.1}\" x2=\"{W}\" y2=\"{z:.1}\" stroke=\"#c00\" stroke-dasharray=\"3\"/>{line}</svg>",
        z = y(0.0)
    )
}

/// A standalone HTML page.
pub fn html(r: &Report, since: &str) -> String {
    let mut out = String::new();
    let title = title(r);
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>{t}</title>\
<style>body{{font-family:sans-serif}}td,th{{padding:4px 8px;border-bottom:1px solid #ddd;text-align:left}}</style>\
</head><body>\n<h1>{t}</h1>\n<table>\n<tr><th>SLO</th><th>Objective</th><th>SLI ({s})</th><th>Budget consumed ({s})</th>\
<th>Budget left</th><th>Policy</th><th>Alerts fired</th><th>Worst hour</th><th>Budget remaining</th></tr>\n",
        t = esc(&title),
        s = esc(since)
    );
    for s in &r.slos {
        let worst = s.worst_periods.first().map_or("none".to_string(), |w| {
            format!("{} ({:.2}x)", format_utc(w.start), w.burn_rate)
        });
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{} ({})</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&s.status.id),
            objective_percent(s.status.objective),
            sli_cell(s),
            esc(&consumed_cell(s)),
            budget_cell(&s.status),
            period_cell(s),
            esc(&policy_cell(s)),
            esc(&alerts_cell(s)),
            esc(&worst),
            svg_chart(&s.budget_series),
        );
    }
    out.push_str("</table>\n");
    let notes = coverage_notes(r);
    if !notes.is_empty() {
        out.push_str("<h2>Data coverage</h2>\n<ul>\n");
        for n in notes {
            let _ = writeln!(out, "<li>{}</li>", esc(&n));
        }
        out.push_str("</ul>\n");
    }
    out.push_str("</body></html>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn points(values: &[f64]) -> Vec<BudgetPoint> {
        values
            .iter()
            .enumerate()
            .map(|(i, v)| BudgetPoint {
                time: i as f64 * 10.0,
                budget_remaining_ratio: *v,
            })
            .collect()
    }

    #[test]
    fn sparkline_uses_a_fixed_scale() {
        assert_eq!(
            sparkline(&points(&[1.0, 0.5, 0.0, -0.2, f64::NAN])),
            "█▅▁▁·"
        );
        assert_eq!(sparkline(&points(&[f64::NAN, f64::NAN])), "no data");
        assert_eq!(sparkline(&[]), "no data");
    }

    #[test]
    fn svg_chart_draws_wherever_the_sparkline_does() {
        let svg = svg_chart(&points(&[1.0, 0.5]));
        assert!(svg.contains("points=\"0.0,0.0 240.0,24.0\""), "{svg}");
        // One point with data among gaps: a dot, where a sparkline shows one bar.
        let one = points(&[f64::NAN, 0.5, f64::NAN]);
        assert_eq!(sparkline(&one), "·▅·");
        let svg = svg_chart(&one);
        assert!(svg.contains("<circle cx=\"120.0\" cy=\"24.0\""), "{svg}");
        assert!(!svg.contains("no data"));
        for empty in [points(&[]), points(&[f64::NAN])] {
            assert_eq!(sparkline(&empty), "no data");
            assert!(svg_chart(&empty).contains("aria-label=\"no data\""));
        }
    }
}
