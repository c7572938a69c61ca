//! The report as a Slack message: Block Kit, which Slack renders (it shows a Markdown table
//! as raw pipes).
//!
//! A header with the window, a context line with the counts and the link to the full report,
//! then one section per SLO at risk (a policy level other than ship freely, or alerts fired in
//! the window): its policy level and advice, budget left and consumed, SLI against objective,
//! alerts, and a link to its budget in Prometheus. Within Slack's limits (50 blocks, 150
//! characters of header, 3000 of section text); text is escaped for `mrkdwn`.

use serde_json::{json, Value};

use super::budget::objective_percent;
use super::report_render::{alerts_cell, coverage_notes, level, title};
use crate::budget::policy::{percent, PolicyLevel};
use crate::duration::Duration;
use crate::live::report::{Report, SloReport};

/// Slack's limits on a message (api.slack.com/reference/block-kit/blocks).
const MAX_BLOCKS: usize = 50;
const MAX_HEADER: usize = 150;
const MAX_SECTION: usize = 3000;

/// Where the message links to.
pub struct Links<'a> {
    /// The full report (`--report-url`), if published somewhere.
    pub report: Option<&'a str>,
    /// The Prometheus base URL, for each SLO's budget graph.
    pub prometheus: &'a str,
}

/// True for an SLO that needs attention: a policy level other than ship freely, or alerts
/// that fired in the window.
pub fn at_risk(s: &SloReport) -> bool {
    level(s).is_some_and(|l| l != PolicyLevel::ShipFreely) || !s.alert_firings.is_empty()
}

/// The Block Kit payload (`{"text": fallback, "blocks": [...]}`) of a report; `partial` is
/// the warning to show first when the engine answered from part of its data.
pub fn payload(r: &Report, since: &str, links: &Links, partial: Option<&str>) -> Value {
    let risky: Vec<&SloReport> = r.slos.iter().filter(|s| at_risk(s)).collect();
    let summary = format!(
        "{} SLO(s), {} at risk over the last {since}",
        r.slos.len(),
        risky.len()
    );
    let mut context = summary.clone();
    if let Some(url) = links.report {
        context.push_str(&format!(" · <{}|Full report>", esc(url)));
    }
    let mut blocks = vec![
        json!({
            "type": "header",
            "text": {"type": "plain_text", "text": cut(&title(r), MAX_HEADER), "emoji": true}
        }),
        json!({"type": "context", "elements": [{"type": "mrkdwn", "text": context}]}),
    ];
    if let Some(w) = partial {
        blocks.push(json!({"type": "section", "text": {"type": "mrkdwn",
            "text": cut(&format!(":warning: *PARTIAL DATA*: {}", esc(w)), MAX_SECTION)}}));
    }
    // Room for the overflow and coverage lines at the end.
    let room = MAX_BLOCKS - blocks.len() - 2;
    for s in risky.iter().take(room) {
        blocks.push(json!({
            "type": "section",
            "text": {"type": "mrkdwn", "text": cut(&section(s, since, links), MAX_SECTION)}
        }));
    }
    if risky.len() > room {
        let rest: Vec<&str> = risky[room..].iter().map(|s| s.status.id.as_str()).collect();
        blocks.push(json!({"type": "context", "elements": [{"type": "mrkdwn",
            "text": cut(&format!("…and {} more at risk: {}", rest.len(), esc(&rest.join(", "))), MAX_SECTION)}]}));
    }
    if risky.is_empty() {
        blocks.push(json!({"type": "section", "text": {"type": "mrkdwn",
            "text": format!(":large_green_circle: Every SLO ships freely: no alert fired in the last {since}.")}}));
    }
    let notes = coverage_notes(r);
    if !notes.is_empty() {
        blocks.push(json!({"type": "context", "elements": [{"type": "mrkdwn",
            "text": cut(&esc(&notes.join("\n")), MAX_SECTION)}]}));
    }
    json!({ "text": format!("{}: {summary}", title(r)), "blocks": blocks })
}

fn section(s: &SloReport, since: &str, links: &Links) -> String {
    let (emoji, name, advice) = match level(s) {
        Some(l) => (emoji(l), l.name(), l.advice()),
        None => (":white_circle:", "unknown", "no budget known"),
    };
    let left = s
        .status
        .known_budget()
        .map_or("unknown".to_string(), percent);
    let period = s
        .status
        .period_days
        .map_or(String::new(), |d| format!(" of its {d}d budget"));
    let consumed = s
        .budget_consumed
        .filter(|c| c.is_finite())
        .map_or("unknown".to_string(), percent);
    let sli = s
        .sli
        .filter(|v| v.is_finite())
        .map_or("unknown".to_string(), |v| format!("{:.4}%", v * 100.0));
    let mut text = format!(
        "{emoji} *{}* · policy *{name}*: {advice}\nBudget left *{left}*{period} · consumed *{consumed}* in {since} · SLI {sli} (objective {})",
        esc(&s.status.id),
        objective_percent(s.status.objective)
    );
    if !s.alert_firings.is_empty() {
        text.push_str(&format!("\nAlerts fired: {}", esc(&alerts_cell(s))));
    }
    text.push_str(&format!(
        "\n<{}|Budget in Prometheus>",
        esc(&budget_graph(links.prometheus, &s.status.id, since))
    ));
    text
}

fn emoji(l: PolicyLevel) -> &'static str {
    match l {
        PolicyLevel::ShipFreely => ":large_green_circle:",
        PolicyLevel::Cautious => ":large_yellow_circle:",
        PolicyLevel::FocusOnReliability => ":large_orange_circle:",
        PolicyLevel::Freeze => ":red_circle:",
    }
}

/// The Prometheus graph of an SLO's remaining budget over the report's window.
pub fn budget_graph(prometheus: &str, id: &str, since: &str) -> String {
    let expr = format!(
        "slo:period_error_budget_remaining:ratio{{sloth_id=\"{}\"}}",
        id.replace('\\', "\\\\").replace('"', "\\\"")
    );
    let range = Duration::parse(since).map_or("1w".to_string(), |d| d.to_string());
    format!(
        "{}/graph?g0.expr={}&g0.tab=0&g0.range_input={}",
        prometheus.trim_end_matches('/'),
        encode(&expr),
        encode(&range)
    )
}

/// Percent-encodes everything but unreserved characters (RFC 3986).
fn encode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Escapes the three characters `mrkdwn` gives a meaning to.
fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// At most `max` characters, with `…` when cut.
fn cut(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut out: String = s.chars().take(max - 1).collect();
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_and_text_are_escaped() {
        assert_eq!(esc("a<b>&c"), "a&lt;b&gt;&amp;c");
        assert_eq!(
            budget_graph("http://prom:9090/", "svc-a", "7d"),
            "http://prom:9090/graph?g0.expr=slo%3Aperiod_error_budget_remaining%3Aratio%7Bsloth_id%3D%22svc-a%22%7D&g0.tab=0&g0.range_input=1w"
        );
        assert_eq!(cut("abcdef", 4), "abc…");
        assert_eq!(cut("abc", 4), "abc");
    }
}
