//! The JSON that passes between slogen and an executable SLO plugin (documented in
//! `docs/plugins.md`).
//!
//! The request holds the plugin's ID and config, Sloth's request (info, the SLO, its MWMB
//! alert windows) and the rules so far; the response holds the rules after the plugin, or an
//! error message. Durations are Prometheus duration strings (`"5m"`, `"0s"` for none).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::super::Request;
use crate::duration::Duration;
use crate::model::{AlertMeta, Sli};
use crate::plan::mwmb::MwmbAlert;
use crate::plan::{Rule, RuleGroup, SloRules};

/// The protocol version, in requests and manifests.
pub const VERSION: &str = "slogen/slo-plugin/v1";

#[derive(Debug, Default, Serialize, Deserialize)]
struct WireRule {
    #[serde(default)]
    record: String,
    #[serde(default)]
    alert: String,
    #[serde(default)]
    expr: String,
    #[serde(rename = "for", default)]
    for_: Option<String>,
    #[serde(default)]
    labels: Option<BTreeMap<String, String>>,
    #[serde(default)]
    annotations: Option<BTreeMap<String, String>>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct WireGroup {
    #[serde(default)]
    name: String,
    #[serde(default)]
    interval: Option<String>,
    #[serde(default)]
    rules: Vec<WireRule>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct WireRules {
    sli: WireGroup,
    metadata: WireGroup,
    alerts: WireGroup,
    #[serde(default)]
    extra: Vec<WireGroup>,
}

#[derive(Debug, Deserialize)]
struct Response {
    #[serde(default)]
    rules: Option<WireRules>,
    #[serde(default)]
    error: Option<String>,
}

/// The request for one SLO, as JSON text.
pub fn request(id: &str, config: &Value, req: &Request, rules: &SloRules) -> String {
    let slo = req.slo;
    let sli = match &slo.sli {
        Sli::Events {
            error_query,
            total_query,
        } => json!({"events": {"error_query": error_query, "total_query": total_query}}),
        Sli::Raw { error_ratio_query } => json!({"raw": {"error_ratio_query": error_ratio_query}}),
    };
    let alert = |a: &Option<AlertMeta>| match a {
        None => Value::Null,
        Some(a) => json!({"name": a.name, "labels": a.labels, "annotations": a.annotations}),
    };
    let window = |w: &MwmbAlert| {
        json!({
            "short_window": w.short.to_string(),
            "long_window": w.long.to_string(),
            "burn_rate_factor": w.burn_rate_factor,
            "error_budget_percent": w.error_budget_percent,
            "error_budget": w.error_budget,
        })
    };
    let a = req.alerts;
    let body = json!({
        "version": VERSION,
        "plugin": {"id": id, "config": config},
        "info": {"version": req.info.version, "mode": req.info.mode, "spec": req.info.spec},
        "slo": {
            "id": slo.id,
            "name": slo.name,
            "service": slo.service,
            "description": slo.description,
            "period": slo.period.to_string(),
            "objective": slo.objective,
            "labels": slo.labels,
            "sli": sli,
            "page_alert": alert(&slo.page_alert),
            "ticket_alert": alert(&slo.ticket_alert),
        },
        "mwmb_alerts": {
            "page_quick": window(&a.page_quick),
            "page_slow": window(&a.page_slow),
            "ticket_quick": window(&a.ticket_quick),
            "ticket_slow": window(&a.ticket_slow),
        },
        "rules": to_wire(rules),
    });
    body.to_string()
}

fn to_wire(rules: &SloRules) -> WireRules {
    let group = |g: &RuleGroup| WireGroup {
        name: g.name.clone(),
        interval: Some(g.interval.to_string()),
        rules: g
            .rules
            .iter()
            .map(|r| WireRule {
                record: r.record.clone(),
                alert: r.alert.clone(),
                expr: r.expr.clone(),
                for_: Some(r.for_.to_string()),
                labels: Some(r.labels.clone()),
                annotations: Some(r.annotations.clone()),
            })
            .collect(),
    };
    WireRules {
        sli: group(&rules.sli),
        metadata: group(&rules.metadata),
        alerts: group(&rules.alerts),
        extra: rules.extra.iter().map(group).collect(),
    }
}

/// Reads a plugin's stdout: the new rules, or the plugin's own error message.
pub fn response(stdout: &[u8]) -> Result<SloRules, String> {
    let resp: Response = serde_json::from_slice(stdout).map_err(|e| {
        let shown = String::from_utf8_lossy(&stdout[..stdout.len().min(200)]).into_owned();
        format!("invalid JSON on stdout ({e}); it starts with {shown:?}")
    })?;
    if let Some(message) = resp.error {
        return Err(format!("the plugin reported an error: {message}"));
    }
    let wire = resp
        .rules
        .ok_or("the response has neither `rules` nor `error`")?;
    Ok(SloRules {
        sli: from_wire(wire.sli, "rules.sli")?,
        metadata: from_wire(wire.metadata, "rules.metadata")?,
        alerts: from_wire(wire.alerts, "rules.alerts")?,
        extra: wire
            .extra
            .into_iter()
            .enumerate()
            .map(|(i, g)| from_wire(g, &format!("rules.extra[{i}]")))
            .collect::<Result<_, _>>()?,
    })
}

fn duration(value: Option<String>, field: &str) -> Result<Duration, String> {
    match value.as_deref() {
        None | Some("") => Ok(Duration::default()),
        Some(s) => Duration::parse(s).map_err(|e| format!("{field}: {e}")),
    }
}

fn from_wire(g: WireGroup, field: &str) -> Result<RuleGroup, String> {
    let mut rules = Vec::with_capacity(g.rules.len());
    for (i, r) in g.rules.into_iter().enumerate() {
        let f = format!("{field}.rules[{i}]");
        if r.record.is_empty() == r.alert.is_empty() {
            return Err(format!(
                "{f}: a rule needs exactly one of `record` and `alert`"
            ));
        }
        if r.expr.is_empty() {
            return Err(format!("{f}.expr: an expression is required"));
        }
        rules.push(Rule {
            record: r.record,
            alert: r.alert,
            expr: r.expr,
            for_: duration(r.for_, &format!("{f}.for"))?,
            labels: r.labels.unwrap_or_default(),
            annotations: r.annotations.unwrap_or_default(),
        });
    }
    Ok(RuleGroup {
        name: g.name,
        interval: duration(g.interval, &format!("{field}.interval"))?,
        rules,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_round_trip() {
        let rules = SloRules {
            sli: RuleGroup {
                name: "g".into(),
                interval: Duration::parse("1m").unwrap(),
                rules: vec![Rule {
                    record: "r".into(),
                    expr: "e".into(),
                    labels: [("k".to_string(), "v".to_string())].into(),
                    ..Rule::default()
                }],
            },
            alerts: RuleGroup {
                rules: vec![Rule {
                    alert: "A".into(),
                    expr: "x > 0".into(),
                    for_: Duration::parse("5m").unwrap(),
                    ..Rule::default()
                }],
                ..RuleGroup::default()
            },
            extra: vec![RuleGroup::default()],
            ..SloRules::default()
        };
        let text = json!({"rules": to_wire(&rules)}).to_string();
        assert_eq!(response(text.as_bytes()).unwrap(), rules);
    }

    #[test]
    fn bad_responses_say_what_is_wrong() {
        let err = |s: &str| response(s.as_bytes()).unwrap_err();
        assert!(err("not json").starts_with("invalid JSON on stdout"));
        assert_eq!(
            err(r#"{"error": "boom"}"#),
            "the plugin reported an error: boom"
        );
        assert_eq!(err("{}"), "the response has neither `rules` nor `error`");
        let missing_expr =
            r#"{"rules": {"sli": {"rules": [{"record": "r"}]}, "metadata": {}, "alerts": {}}}"#;
        assert_eq!(
            err(missing_expr),
            "rules.sli.rules[0].expr: an expression is required"
        );
        let bad_for = r#"{"rules": {"sli": {}, "metadata": {}, "alerts": {"rules": [{"alert": "a", "expr": "e", "for": "soon"}]}}}"#;
        assert!(err(bad_for).starts_with("rules.alerts.rules[0].for: not a valid duration"));
    }
}
