//! The text of an incident: its title, the GitHub issue body and comments, in Markdown.
//!
//! Everything that comes from alerts (labels, annotations, URLs) is escaped: Markdown
//! punctuation is backslash-escaped, so an annotation cannot inject HTML, links or tables;
//! only `http(s)` URLs become links, without any user:password part. No secret reaches the
//! receiver's incidents: tokens are only ever request headers.

use std::fmt::Write;

use super::sink::{Explained, Incident, Live};
use crate::gofmt::format_g;
use crate::prove::explain::human;

/// `SLO page: tr-web / requests-availability is burning its error budget`; for alerts that
/// are not SLO alerts, the alert name.
pub fn title(severity: &str, service: &str, slo: &str, alertname: &str) -> String {
    let t = if !service.is_empty() && !slo.is_empty() {
        let sev = if severity.is_empty() {
            String::new()
        } else {
            format!(" {severity}")
        };
        format!("SLO{sev}: {service} / {slo} is burning its error budget")
    } else if !alertname.is_empty() {
        format!("Alert: {alertname}")
    } else {
        "Alert group firing".to_string()
    };
    // GitHub titles are one line, 256 characters at most.
    let one_line = t.replace(['\r', '\n'], " ");
    one_line.chars().take(250).collect()
}

/// The GitHub issue body.
pub fn body(inc: &Incident, previous: Option<(&str, Option<&str>)>) -> String {
    let mut b = String::new();
    if inc.service.is_empty() {
        let _ = writeln!(b, "An alert group is firing.\n");
    } else {
        let _ = writeln!(
            b,
            "**{} / {}** is burning its error budget too fast: its **{}** alert fired.\n",
            md(&inc.service),
            md(&inc.slo),
            md(if inc.severity.is_empty() {
                "SLO"
            } else {
                &inc.severity
            })
        );
    }
    let _ = writeln!(b, "| | |\n|---|---|");
    for (k, v) in figures(inc) {
        let _ = writeln!(b, "| {k} | {v} |");
    }
    let _ = writeln!(b, "| Started | {} |", md(&inc.starts_at));
    if let Some(url) = inc.alertmanager_url.as_deref().and_then(safe_url) {
        let _ = writeln!(b, "| Alertmanager | [this alert group]({url}) |");
    }
    if let Some((id, url)) = previous {
        let link = match url.and_then(safe_url) {
            Some(u) => format!("[#{}]({u})", md(id)),
            None => format!("#{}", md(id)),
        };
        let _ = writeln!(
            b,
            "| Previously | {link} (the same alert group, resolved since) |"
        );
    }
    b.push('\n');
    explain_section(&mut b, inc);
    alerts_section(&mut b, inc);
    if !inc.annotations.is_empty() {
        let _ = writeln!(b, "### Annotations\n");
        for (k, v) in &inc.annotations {
            let _ = writeln!(b, "- **{}**: {}", md(k), value(v));
        }
        b.push('\n');
    }
    let _ = writeln!(
        b,
        "<sub>Opened by slogen incidents for the Alertmanager group {}.</sub>",
        code(&inc.group_key)
    );
    let _ = writeln!(b, "<!-- slogen-incident: {} -->", inc.marker);
    b
}

/// The comment that closes an issue.
pub fn resolved_comment(inc: &Incident) -> String {
    let mut b = format!(
        "Resolved{}: the {} alert of **{} / {}** stopped firing.\n",
        inc.resolved_at
            .as_deref()
            .map(|t| format!(" at {}", md(t)))
            .unwrap_or_default(),
        md(if inc.severity.is_empty() {
            "SLO"
        } else {
            &inc.severity
        }),
        md(&inc.service),
        md(&inc.slo),
    );
    let fig = figures(inc);
    if !fig.is_empty() && matches!(inc.live, Live::Figures { .. }) {
        b.push('\n');
        for (k, v) in fig {
            let _ = writeln!(b, "- {k}: {v}");
        }
    }
    b
}

/// The comment for a burn rate that moved a lot since it was last reported.
pub fn burn_comment(was: f64, now: f64, live: &Live) -> String {
    let direction = if now > was { "rose" } else { "fell" };
    let mut c = format!(
        "The burn rate {direction} from {} to **{}** (1× spends the error budget exactly over the SLO period).",
        rate(was),
        rate(now)
    );
    if let Live::Figures {
        budget_remaining: Some(left),
        ..
    } = live
    {
        let _ = write!(c, " Error budget left: {}.", percent(*left));
    }
    c.push('\n');
    c
}

/// The live figures as (name, rendered value) rows.
fn figures(inc: &Incident) -> Vec<(&'static str, String)> {
    let mut rows = Vec::new();
    match &inc.live {
        Live::Figures {
            objective,
            period_days,
            burn_rate,
            budget_remaining,
        } => {
            let over = period_days
                .filter(|d| d.is_finite() && *d > 0.0)
                .map(|d| {
                    let ms = (d * 86_400_000.0).round() as u64;
                    format!(" over {}", crate::duration::Duration::from_millis(ms))
                })
                .unwrap_or_default();
            rows.push(("Objective", format!("{}{over}", percent(*objective))));
            rows.push((
                "Burn rate now",
                burn_rate.map_or("not recorded".into(), |b| {
                    format!("{} (1× spends the budget exactly over the period)", rate(b))
                }),
            ));
            rows.push((
                "Error budget left",
                budget_remaining.map_or("not recorded".into(), percent),
            ));
        }
        Live::Unavailable(why) => {
            if let Explained::Conditions {
                objective_percent,
                period,
                ..
            } = &inc.explain
            {
                rows.push((
                    "Objective",
                    format!("{}% over {}", format_g(*objective_percent), md(period)),
                ));
            }
            rows.push((
                "Burn rate, budget left",
                format!("Prometheus did not answer: {}", md(why)),
            ));
        }
        Live::NotConfigured => {
            if let Explained::Conditions {
                objective_percent,
                period,
                ..
            } = &inc.explain
            {
                rows.push((
                    "Objective",
                    format!("{}% over {}", format_g(*objective_percent), md(period)),
                ));
            }
        }
    }
    rows
}

fn explain_section(b: &mut String, inc: &Incident) {
    let Explained::Conditions { conditions, .. } = &inc.explain else {
        if inc.explain == Explained::UnknownSlo && !inc.slo_id.is_empty() {
            let _ = writeln!(
                b,
                "_The receiver's specs hold no SLO {}, so the alert's windows are not explained here._\n",
                code(&inc.slo_id)
            );
        }
        return;
    };
    let _ = writeln!(
        b,
        "### Why it fired (`slogen explain`)\n\nThe {} alert fires when the error ratio over both windows of a pair is above the pair's threshold (burn factor × error budget).\n",
        md(&inc.severity)
    );
    let _ = writeln!(
        b,
        "| Window pair | Burn factor | Error ratio above | Budget spent when it fires | Fires after, at 100% errors |\n|---|---|---|---|---|"
    );
    for c in conditions {
        let _ = writeln!(
            b,
            "| {} / {} ({}){} | {}× | {} | {}% | {} |",
            md(&c.short_window),
            md(&c.long_window),
            md(&c.speed),
            if c.fired { " **fired**" } else { "" },
            format_g(round(c.burn_rate_factor, 4)),
            percent(c.error_ratio_threshold),
            format_g(round(c.budget_consumed_percent, 3)),
            c.detection_seconds_at_outage.map_or("never".into(), human)
        );
    }
    b.push('\n');
}

fn alerts_section(b: &mut String, inc: &Incident) {
    let _ = writeln!(b, "### Alerts\n");
    for a in &inc.alerts {
        let mut line = format!(
            "- {} {} since {}",
            code(&a.name),
            md(&a.status),
            md(&a.starts_at)
        );
        if let Some(w) = &a.window {
            let _ = write!(line, ", window pair ending in {}", md(w));
        }
        if let Some(u) = safe_url(&a.generator_url) {
            let _ = write!(line, " ([source]({u}))");
        }
        let _ = writeln!(b, "{line}");
        for (k, v) in &a.annotations {
            if inc.annotations.get(k) == Some(v) {
                continue;
            }
            let _ = writeln!(b, "  - **{}**: {}", md(k), value(v));
        }
    }
    if inc.truncated_alerts > 0 {
        let _ = writeln!(
            b,
            "- … and {} more alert(s) Alertmanager left out of the notification",
            inc.truncated_alerts
        );
    }
    b.push('\n');
}

/// A value: a link when it is an http(s) URL, escaped text otherwise (line breaks kept as
/// Markdown hard breaks inside a list item).
fn value(v: &str) -> String {
    let t = v.trim();
    if !t.contains(char::is_whitespace) {
        if let Some(u) = safe_url(t) {
            return format!("[{}]({u})", md(&strip_userinfo(t)));
        }
    }
    t.lines().map(md).collect::<Vec<_>>().join("  \n    ")
}

/// Markdown-escaped text on one line: inline punctuation always, and the characters that
/// would start a block (`#`, `-`, `+`, `1.`) where the text starts.
pub fn md(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    let chars: Vec<char> = s.chars().collect();
    let digits = chars.iter().take_while(|c| c.is_ascii_digit()).count();
    for (i, &c) in chars.iter().enumerate() {
        let at_start = i == 0 && matches!(c, '#' | '-' | '+' | '=' | '!');
        let ordered = i == digits && digits > 0 && matches!(c, '.' | ')');
        match c {
            '\r' | '\n' => out.push(' '),
            '\\' | '`' | '*' | '_' | '{' | '}' | '[' | ']' | '<' | '>' | '(' | ')' | '|' | '~'
            | '&' | '"' => {
                out.push('\\');
                out.push(c);
            }
            c if at_start || ordered => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

/// A code span that holds `s` whatever backticks it contains.
pub fn code(s: &str) -> String {
    let one = s.replace(['\r', '\n'], " ");
    let mut fence = "`".to_string();
    while one.contains(&fence) {
        fence.push('`');
    }
    let pad = if one.starts_with('`') || one.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{one}{pad}{fence}")
}

/// A link target for an `http(s)` URL: user:password removed, and the characters that would
/// end a Markdown link destination percent-encoded. `None` for anything else.
pub fn safe_url(u: &str) -> Option<String> {
    let u = u.trim();
    let lower = u.to_ascii_lowercase();
    if !(lower.starts_with("http://") || lower.starts_with("https://")) {
        return None;
    }
    let clean = strip_userinfo(u);
    let mut out = String::with_capacity(clean.len());
    for c in clean.chars() {
        match c {
            ' ' => out.push_str("%20"),
            '<' => out.push_str("%3C"),
            '>' => out.push_str("%3E"),
            '(' => out.push_str("%28"),
            ')' => out.push_str("%29"),
            '"' => out.push_str("%22"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    Some(out)
}

/// `scheme://user:pass@host/…` → `scheme://host/…`.
pub fn strip_userinfo(u: &str) -> String {
    let Some(i) = u.find("://") else {
        return u.to_string();
    };
    let (scheme, rest) = u.split_at(i + 3);
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        Some(at) => format!("{scheme}{}", &rest[at + 1..]),
        None => u.to_string(),
    }
}

/// `14.2×`.
pub fn rate(b: f64) -> String {
    format!("{}×", format_g(round(b, 2)))
}

/// A ratio as a percentage: `0.613` → `61.3%`.
pub fn percent(r: f64) -> String {
    if r.is_nan() {
        return "unknown (no traffic)".into();
    }
    format!("{}%", format_g(round(r * 100.0, 3)))
}

fn round(v: f64, digits: i32) -> f64 {
    crate::live::round(v, digits)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markdown_and_html_from_alerts() {
        assert_eq!(md("<img src=x>|a_b*"), r"\<img src=x\>\|a\_b\*");
        assert_eq!(md("two\nlines"), "two lines");
        assert_eq!(md("tr-web 99.9"), "tr-web 99.9");
        assert_eq!(md("# not a heading"), r"\# not a heading");
        assert_eq!(md("- item"), r"\- item");
        assert_eq!(md("12. item"), r"12\. item");
        assert_eq!(code("a`b"), "``a`b``");
        assert_eq!(code("`x"), "`` `x ``");
    }

    #[test]
    fn links_only_http_urls_without_credentials() {
        assert_eq!(
            safe_url("https://user:pw@am.example.com/#/alerts?x=(1)").as_deref(),
            Some("https://am.example.com/#/alerts?x=%281%29")
        );
        assert_eq!(safe_url("javascript:alert(1)"), None);
        assert_eq!(value("javascript:alert(1)"), r"javascript:alert\(1\)");
        assert_eq!(
            value("https://runbooks.example.com/a b"),
            "https://runbooks.example.com/a b"
        );
        assert_eq!(
            value("https://runbooks.example.com/x"),
            "[https://runbooks.example.com/x](https://runbooks.example.com/x)"
        );
        assert_eq!(strip_userinfo("http://a@b/c@d"), "http://b/c@d");
    }

    #[test]
    fn titles_name_service_slo_and_severity() {
        assert_eq!(
            title("page", "tr-web", "requests-availability", "X"),
            "SLO page: tr-web / requests-availability is burning its error budget"
        );
        assert_eq!(title("", "", "", "HighLoad"), "Alert: HighLoad");
        assert!(title("page", "s\nx", &"y".repeat(400), "").len() <= 250);
        assert!(!title("page", "s\nx", "y", "").contains('\n'));
    }

    #[test]
    fn figures_read_as_people_write_them() {
        assert_eq!(rate(14.199999), "14.2×");
        assert_eq!(percent(0.6131234), "61.312%");
        assert_eq!(percent(-1.5), "-150%");
        assert_eq!(percent(f64::NAN), "unknown (no traffic)");
        let c = burn_comment(
            10.0,
            25.0,
            &Live::Figures {
                objective: 0.999,
                period_days: Some(30.0),
                burn_rate: Some(25.0),
                budget_remaining: Some(0.5),
            },
        );
        assert_eq!(
            c,
            "The burn rate rose from 10× to **25×** (1× spends the error budget exactly over the SLO period). Error budget left: 50%.\n"
        );
    }
}
