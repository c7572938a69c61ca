//! ArgoCD through its own CLI: an application's sync status, and a guarded rollback.
//!
//! Takes an application name; runs `argocd app get NAME -o json` (and, for a confirmed
//! rollback with writes allowed, `argocd app rollback NAME ID`) and produces plain data.
//! The CLI reads its server and `ARGOCD_AUTH_TOKEN` from the environment we inherit, so no
//! secret ever appears in argv. Blocking; the server runs it off the async threads.

use std::process::Command;

use schemars::JsonSchema;
use serde::Serialize;
use serde_json::Value;

/// What `argocd app get` says about an application.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub(crate) struct SyncStatus {
    pub app: String,
    /// `Synced`, `OutOfSync` or `Unknown`.
    pub sync_status: String,
    /// `Healthy`, `Progressing`, `Degraded`, `Suspended`, `Missing` or `Unknown`.
    pub health_status: String,
    /// The revision the application is synced to.
    pub revision: Option<String>,
    pub repo_url: Option<String>,
    pub target_revision: Option<String>,
    /// The phase of the last operation (`Succeeded`, `Running`, `Failed`…).
    pub operation_phase: Option<String>,
    /// Deployment history, newest first.
    pub history: Vec<HistoryEntry>,
}

/// One entry of an application's deployment history.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub(crate) struct HistoryEntry {
    /// The history ID `argocd app rollback` takes.
    pub id: i64,
    pub revision: String,
    pub deployed_at: Option<String>,
}

/// A rollback: planned, or done.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub(crate) struct Rollback {
    pub app: String,
    /// The history entry rolled back to.
    pub to_history_id: i64,
    pub to_revision: String,
    /// The revision deployed now.
    pub from_revision: Option<String>,
    /// The command that is (or would be) run.
    pub command: String,
    /// True when the command ran.
    pub executed: bool,
    /// What the CLI printed, when it ran.
    pub output: Option<String>,
}

/// Application names as Kubernetes allows them, optionally `namespace/name`; anything else
/// (an option such as `--server`, spaces) is refused before it reaches the CLI.
fn check_app(app: &str) -> Result<(), String> {
    let ok = |part: &str| {
        !part.is_empty()
            && part.len() <= 253
            && part
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.')
            && part
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphanumeric())
    };
    let valid = match app.split_once('/') {
        Some((ns, name)) => ok(ns) && ok(name),
        None => ok(app),
    };
    if valid {
        Ok(())
    } else {
        Err(format!(
            "invalid application name {app:?}: use lower-case letters, digits, '-' and '.', optionally as namespace/name"
        ))
    }
}

fn run(bin: &str, args: &[&str]) -> Result<String, String> {
    let out = Command::new(bin).args(args).output().map_err(|e| {
        format!("cannot run `{bin}` (is the argocd CLI installed and on PATH?): {e}")
    })?;
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr);
        return Err(format!(
            "`{bin} {}` failed ({}): {}",
            args.join(" "),
            out.status,
            err.trim()
        ));
    }
    String::from_utf8(out.stdout)
        .map_err(|_| format!("`{bin} {}` printed invalid UTF-8", args.join(" ")))
}

/// Runs `argocd app get APP -o json`.
pub(crate) fn sync_status(bin: &str, app: &str) -> Result<SyncStatus, String> {
    check_app(app)?;
    let text = run(bin, &["app", "get", app, "-o", "json"])?;
    parse_app(app, &text)
}

fn parse_app(app: &str, text: &str) -> Result<SyncStatus, String> {
    let v: Value = serde_json::from_str(text)
        .map_err(|e| format!("`argocd app get {app} -o json` did not print an Application: {e}"))?;
    let s = |p: &str| v.pointer(p).and_then(Value::as_str).map(str::to_string);
    let mut history: Vec<HistoryEntry> = v
        .pointer("/status/history")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|h| {
                    Some(HistoryEntry {
                        id: h.get("id")?.as_i64()?,
                        revision: h
                            .get("revision")
                            .and_then(Value::as_str)
                            .unwrap_or("")
                            .to_string(),
                        deployed_at: h
                            .get("deployedAt")
                            .and_then(Value::as_str)
                            .map(str::to_string),
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    history.sort_by_key(|h| std::cmp::Reverse(h.id));
    Ok(SyncStatus {
        app: s("/metadata/name").unwrap_or_else(|| app.to_string()),
        sync_status: s("/status/sync/status").unwrap_or_else(|| "Unknown".into()),
        health_status: s("/status/health/status").unwrap_or_else(|| "Unknown".into()),
        revision: s("/status/sync/revision"),
        repo_url: s("/spec/source/repoURL"),
        target_revision: s("/spec/source/targetRevision"),
        operation_phase: s("/status/operationState/phase"),
        history,
    })
}

/// Plans a rollback of `app` to `revision` (a history ID or a git revision, at least 7
/// characters of it), and runs it when `execute` is true.
pub(crate) fn rollback(
    bin: &str,
    app: &str,
    revision: &str,
    execute: bool,
) -> Result<Rollback, String> {
    let status = sync_status(bin, app)?;
    let wanted = revision.trim();
    let entry = status
        .history
        .iter()
        .find(|h| h.id.to_string() == wanted)
        .or_else(|| {
            status
                .history
                .iter()
                .find(|h| wanted.len() >= 7 && h.revision.starts_with(wanted))
        })
        .ok_or_else(|| {
            let known: Vec<String> = status
                .history
                .iter()
                .map(|h| format!("{} ({})", h.id, short(&h.revision)))
                .collect();
            format!(
                "revision {wanted:?} is not in the history of {app} (history IDs: {})",
                if known.is_empty() {
                    "none".to_string()
                } else {
                    known.join(", ")
                }
            )
        })?;
    let id = entry.id.to_string();
    let mut plan = Rollback {
        app: app.to_string(),
        to_history_id: entry.id,
        to_revision: entry.revision.clone(),
        from_revision: status.revision.clone(),
        command: format!("argocd app rollback {app} {id}"),
        executed: false,
        output: None,
    };
    if execute {
        let out = run(bin, &["app", "rollback", app, &id])?;
        plan.executed = true;
        plan.output = Some(out.trim().to_string());
    }
    Ok(plan)
}

fn short(rev: &str) -> &str {
    rev.get(..7).unwrap_or(rev)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn app_names_cannot_smuggle_options() {
        assert!(check_app("tr-web").is_ok());
        assert!(check_app("argocd/tr-web.prod").is_ok());
        for bad in ["--server=evil", "", "a b", "Tr-Web", "a/b/c", "-x"] {
            assert!(check_app(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn reads_the_application_json() {
        let text = r#"{"metadata":{"name":"tr-web"},"spec":{"source":{"repoURL":"https://git.example/tr-web","targetRevision":"HEAD"}},
            "status":{"sync":{"status":"Synced","revision":"bbbbbbb2"},"health":{"status":"Healthy"},
            "history":[{"id":1,"revision":"aaaaaaa1","deployedAt":"2026-11-20T10:00:00Z"},{"id":2,"revision":"bbbbbbb2"}]}}"#;
        let s = parse_app("tr-web", text).expect("parses");
        assert_eq!(s.sync_status, "Synced");
        assert_eq!(s.health_status, "Healthy");
        assert_eq!(s.revision.as_deref(), Some("bbbbbbb2"));
        assert_eq!(s.history.iter().map(|h| h.id).collect::<Vec<_>>(), [2, 1]);
        assert!(parse_app("x", "not json").is_err());
    }
}
