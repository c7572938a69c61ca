//! Renders a [`Report`] as Markdown (with sparklines) or a standalone HTML page (with inline
//! SVG charts). Pure functions of the report: no IO.

use std::fmt::Write as _;

use crate::budget::policy::percent;
use crate::live::report::{Report, SloReport};

use super::budget::{budget_cell, objective_percent};
use crate::timefmt::format_utc;

const SPARKS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/// One character per point, on a fixed 0–100% scale so SLOs compare; `·` marks no data.
pub fn sparkline(points: &[(f64, f64)]) -> String {
    points
        .iter()
        .map(|(_, v)| {
            if v.is_nan() {
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
    ratio_cell(s.budget_consumed, percent)
}

fn alerts_cell(s: &SloReport) -> String {
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

/// The Markdown report, also the Slack summary.
pub fn markdown(r: &Report, since: &str) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# SLO report: {} to {}\n",
        format_utc(r.start),
        format_utc(r.end)
    );
    let _ = writeln!(
        out,
        "| SLO | Objective | SLI ({since}) | Budget consumed ({since}) | Budget left | Alerts fired | Budget trend |"
    );
    let _ = writeln!(out, "|---|---|---|---|---|---|---|");
    for s in &r.slos {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} ({}) | {} | {} |",
            s.status.id,
            objective_percent(s.status.objective),
            sli_cell(s),
            consumed_cell(s),
            budget_cell(&s.status),
            period_cell(s),
            alerts_cell(s),
            sparkline(&s.budget_series),
        );
    }
    let worst: Vec<&SloReport> = r
        .slos
        .iter()
        .filter(|s| !s.worst_periods.is_empty())
        .collect();
    if !worst.is_empty() {
        let _ = writeln!(out, "\n## Worst hours\n");
        for s in worst {
            for w in &s.worst_periods {
                let _ = writeln!(
                    out,
                    "- {}: {} to {}: error ratio {:.4}%, burn rate {:.2}x",
                    s.status.id,
                    format_utc(w.start),
                    format_utc(w.end),
                    w.error_ratio * 100.0,
                    w.burn_rate
                );
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
pub fn svg_chart(points: &[(f64, f64)]) -> String {
    const W: f64 = 240.0;
    const H: f64 = 48.0;
    let finite: Vec<(f64, f64)> = points
        .iter()
        .copied()
        .filter(|(_, v)| v.is_finite())
        .collect();
    if finite.len() < 2 {
        return format!("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{W}\" height=\"{H}\" role=\"img\" aria-label=\"no data\"><text x=\"4\" y=\"28\" font-size=\"12\">no data</text></svg>");
    }
    let (t0, t1) = (finite[0].0, finite[finite.len() - 1].0);
    let low = finite.iter().map(|p| p.1).fold(0.0_f64, f64::min);
    let high = finite.iter().map(|p| p.1).fold(1.0_f64, f64::max);
    let x = |t: f64| (t - t0) / (t1 - t0).max(1.0) * W;
    let y = |v: f64| H - (v - low) / (high - low) * H;
    let pts: Vec<String> = finite
        .iter()
        .map(|(t, v)| format!("{:.1},{:.1}", x(*t), y(*v)))
        .collect();
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{W}\" height=\"{H}\" viewBox=\"0 0 {W} {H}\" role=\"img\" aria-label=\"error budget remaining\">\
<line x1=\"0\" y1=\"{z:.1}\" x2=\"{W}\" y2=\"{z:.1}\" stroke=\"#c00\" stroke-dasharray=\"3\"/>\
<polyline fill=\"none\" stroke=\"#2a6\" stroke-width=\"2\" points=\"{}\"/></svg>",
        pts.join(" "),
        z = y(0.0)
    )
}

/// A standalone HTML page.
pub fn html(r: &Report, since: &str) -> String {
    let mut out = String::new();
    let title = format!(
        "SLO report: {} to {}",
        format_utc(r.start),
        format_utc(r.end)
    );
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>{t}</title>\
<style>body{{font-family:sans-serif}}td,th{{padding:4px 8px;border-bottom:1px solid #ddd;text-align:left}}</style>\
</head><body>\n<h1>{t}</h1>\n<table>\n<tr><th>SLO</th><th>Objective</th><th>SLI ({s})</th><th>Budget consumed ({s})</th>\
<th>Budget left</th><th>Alerts fired</th><th>Worst hour</th><th>Budget remaining</th></tr>\n",
        t = esc(&title),
        s = esc(since)
    );
    for s in &r.slos {
        let worst = s.worst_periods.first().map_or("none".to_string(), |w| {
            format!("{} ({:.2}x)", format_utc(w.start), w.burn_rate)
        });
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{} ({})</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&s.status.id),
            objective_percent(s.status.objective),
            sli_cell(s),
            consumed_cell(s),
            budget_cell(&s.status),
            period_cell(s),
            esc(&alerts_cell(s)),
            esc(&worst),
            svg_chart(&s.budget_series),
        );
    }
    out.push_str("</table>\n</body></html>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sparkline_uses_a_fixed_scale() {
        assert_eq!(
            sparkline(&[
                (0.0, 1.0),
                (1.0, 0.5),
                (2.0, 0.0),
                (3.0, -0.2),
                (4.0, f64::NAN)
            ]),
            "█▅▁▁·"
        );
    }

    #[test]
    fn svg_chart_draws_a_polyline() {
        let svg = svg_chart(&[(0.0, 1.0), (10.0, 0.5)]);
        assert!(svg.contains("points=\"0.0,0.0 240.0,24.0\""), "{svg}");
        assert!(svg_chart(&[]).contains("no data"));
    }
}
