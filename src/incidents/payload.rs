//! Alertmanager's webhook payload, version 4, as serde types.
//!
//! The shape is Alertmanager's `notify/webhook` `Message` (checked against 0.25's output):
//! `version`, `groupKey`, `truncatedAlerts`, `status`, `receiver`, `groupLabels`,
//! `commonLabels`, `commonAnnotations`, `externalURL` and `alerts[]` (each with `status`,
//! `labels`, `annotations`, `startsAt`, `endsAt`, `generatorURL`, `fingerprint`). Unknown
//! fields are ignored, as a newer Alertmanager may add some; a missing required field, a
//! wrong type or another version is refused with a one-line reason.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The payload version this receiver reads.
pub const VERSION: &str = "4";

/// A notification's or an alert's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Firing,
    Resolved,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Firing => "firing",
            Status::Resolved => "resolved",
        }
    }
}

/// One webhook notification: one alert group.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Notification {
    pub version: String,
    pub group_key: String,
    #[serde(default)]
    pub truncated_alerts: u64,
    pub status: Status,
    #[serde(default)]
    pub receiver: String,
    #[serde(default)]
    pub group_labels: BTreeMap<String, String>,
    #[serde(default)]
    pub common_labels: BTreeMap<String, String>,
    #[serde(default)]
    pub common_annotations: BTreeMap<String, String>,
    #[serde(default, rename = "externalURL")]
    pub external_url: String,
    pub alerts: Vec<Alert>,
}

/// One alert of the group.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Alert {
    pub status: Status,
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
    #[serde(default)]
    pub annotations: BTreeMap<String, String>,
    /// RFC 3339.
    #[serde(default)]
    pub starts_at: String,
    /// RFC 3339; Alertmanager sends `0001-01-01T00:00:00Z` while the alert fires.
    #[serde(default)]
    pub ends_at: String,
    #[serde(default, rename = "generatorURL")]
    pub generator_url: String,
    #[serde(default)]
    pub fingerprint: String,
}

impl Notification {
    /// A label of the group: its group labels, then the labels every alert shares.
    pub fn label(&self, name: &str) -> Option<&str> {
        self.group_labels
            .get(name)
            .or_else(|| self.common_labels.get(name))
            .map(String::as_str)
    }

    /// The earliest `startsAt` of the group's alerts (RFC 3339 strings of one format order as
    /// times do).
    pub fn starts_at(&self) -> Option<&str> {
        self.alerts
            .iter()
            .map(|a| a.starts_at.as_str())
            .filter(|s| !s.is_empty())
            .min()
    }
}

/// Reads a notification; the error is one line saying what is wrong.
pub fn parse(body: &[u8]) -> Result<Notification, String> {
    // The version first, so that another version is named as such rather than as the first
    // field its shape lacks.
    #[derive(Deserialize)]
    struct Versioned {
        version: Option<serde_json::Value>,
    }
    let head: Versioned = serde_json::from_slice(body)
        .map_err(|e| format!("the body is not a JSON object: {}", one_line(&e)))?;
    match head.version {
        Some(serde_json::Value::String(v)) if v == VERSION => {}
        Some(v) => {
            return Err(format!(
                "payload version {v} is not supported: slogen incidents reads Alertmanager's webhook version \"4\""
            ))
        }
        None => {
            return Err(
                "the payload has no \"version\": expected an Alertmanager webhook notification (version \"4\")"
                    .into(),
            )
        }
    }
    let n: Notification = serde_json::from_slice(body)
        .map_err(|e| format!("not an Alertmanager webhook notification: {}", one_line(&e)))?;
    if n.group_key.is_empty() {
        return Err("the notification's groupKey is empty".into());
    }
    if n.alerts.is_empty() {
        return Err("the notification holds no alerts".into());
    }
    Ok(n)
}

fn one_line(e: &serde_json::Error) -> String {
    e.to_string().replace(['\r', '\n'], " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A notification in the shape Alertmanager 0.25 sends (`tests/integration/incidents_e2e.rs`
    /// receives real ones).
    pub(crate) const FIRING: &str = r#"{
      "receiver": "slo-page",
      "status": "firing",
      "alerts": [{
        "status": "firing",
        "labels": {"alertname": "TrWebHighErrorRate", "sloth_id": "tr-web-requests-availability",
                   "sloth_service": "tr-web", "sloth_slo": "requests-availability",
                   "sloth_severity": "page", "severity": "critical"},
        "annotations": {"summary": "tr-web requests-availability SLO error budget burn rate is over expected.",
                        "runbook": "https://runbooks.example.com/tr-web/availability"},
        "startsAt": "2026-12-03T10:00:05.123Z",
        "endsAt": "0001-01-01T00:00:00Z",
        "generatorURL": "http://prometheus:9090/graph?g0.expr=x",
        "fingerprint": "a1b2c3d4e5f60718"
      }],
      "groupLabels": {"sloth_id": "tr-web-requests-availability", "sloth_service": "tr-web",
                      "sloth_slo": "requests-availability", "sloth_severity": "page"},
      "commonLabels": {"alertname": "TrWebHighErrorRate", "severity": "critical"},
      "commonAnnotations": {},
      "externalURL": "http://alertmanager:9093",
      "version": "4",
      "groupKey": "{}/{sloth_id=~\"tr-web-requests-availability\"}/{sloth_severity=\"page\"}:{sloth_id=\"tr-web-requests-availability\", sloth_service=\"tr-web\", sloth_severity=\"page\", sloth_slo=\"requests-availability\"}",
      "truncatedAlerts": 0
    }"#;

    #[test]
    fn reads_alertmanagers_payload() {
        let n = parse(FIRING.as_bytes()).unwrap();
        assert_eq!(n.status, Status::Firing);
        assert_eq!(n.label("sloth_service"), Some("tr-web"));
        assert_eq!(n.label("alertname"), Some("TrWebHighErrorRate"));
        assert_eq!(n.external_url, "http://alertmanager:9093");
        assert_eq!(
            n.alerts[0].generator_url,
            "http://prometheus:9090/graph?g0.expr=x"
        );
        assert_eq!(n.starts_at(), Some("2026-12-03T10:00:05.123Z"));
    }

    #[test]
    fn refuses_other_versions_and_shapes_in_one_line() {
        let v3 = FIRING.replace("\"version\": \"4\"", "\"version\": \"3\"");
        let e = parse(v3.as_bytes()).unwrap_err();
        assert!(
            e.starts_with("payload version \"3\" is not supported"),
            "{e}"
        );
        let e = parse(b"{\"version\": 4}").unwrap_err();
        assert!(e.contains("version 4 is not supported"), "{e}");
        let e = parse(b"not json").unwrap_err();
        assert!(e.starts_with("the body is not a JSON object"), "{e}");
        let e = parse(b"{}").unwrap_err();
        assert!(e.contains("no \"version\""), "{e}");
        let bad_status = FIRING.replacen("\"status\": \"firing\"", "\"status\": \"burning\"", 1);
        let e = parse(bad_status.as_bytes()).unwrap_err();
        assert!(e.contains("unknown variant `burning`"), "{e}");
        assert!(!e.contains('\n'));
        let no_alerts = r#"{"version":"4","groupKey":"k","status":"firing","alerts":[]}"#;
        assert_eq!(
            parse(no_alerts.as_bytes()).unwrap_err(),
            "the notification holds no alerts"
        );
    }
}
