//! `slogen alertmanager` on alerts split per window pair by `slogen/burn_window_label/v1`
//! (`sloth_window: <long window>`), checked by Alertmanager itself: `amtool check-config`,
//! `amtool config routes test` on every label set `generate` writes, and a real
//! `prometheus-alertmanager` holding those alerts, whose API says which are inhibited, by
//! what, and how they are grouped.
//!
//! The label sets come from `slogen generate`'s output (`alert_label_sets`), never from the
//! configuration under test. Fails (never skips) when Alertmanager or amtool is missing.

use std::collections::BTreeMap;
use std::time::Duration;

use serde_json::{json, Value};

use crate::alertmanager_cfg::{alert_label_sets, amtool, routes_test};
use crate::incidents_e2e::start_alertmanager;
use crate::procs::{get, post, wait_for};
use crate::support::{root, server_port, slogen, text};

const SPEC: &str = "tests/fixtures/alertmanager/window-pairs.yaml";
const CHECKOUT: &str = "checkout-requests-availability";
const PAYMENTS: &str = "checkout-payments-availability";

type Labels = BTreeMap<String, String>;

/// The alert of `slo` with `severity` and `window` among `sets`.
fn pick<'a>(sets: &'a [Labels], slo: &str, severity: &str, window: &str) -> &'a Labels {
    sets.iter()
        .find(|l| {
            l["sloth_id"] == slo && l["sloth_severity"] == severity && l["sloth_window"] == window
        })
        .unwrap_or_else(|| panic!("generate wrote no {severity} alert of {slo} for {window}"))
}

/// Alertmanager's view of every alert: labels → (state, labels of the inhibiting alerts).
fn am_states(port: u16) -> Vec<(Labels, String, usize)> {
    let (_, body) = get(&format!("http://127.0.0.1:{port}/api/v2/alerts")).unwrap();
    let alerts: Vec<Value> = serde_json::from_str(&body).unwrap();
    alerts
        .iter()
        .map(|a| {
            let labels: Labels = serde_json::from_value(a["labels"].clone()).unwrap();
            let state = a["status"]["state"].as_str().unwrap().to_string();
            let by = a["status"]["inhibitedBy"].as_array().map_or(0, Vec::len);
            (labels, state, by)
        })
        .collect()
}

#[test]
fn window_pairs_inhibit_within_an_slo_and_group_by_slo_on_a_real_alertmanager() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("alertmanager.yml");
    let out = slogen(
        &root(),
        &[
            "alertmanager",
            "-i",
            SPEC,
            "-o",
            &config.to_string_lossy(),
            "--page-group-wait",
            "0s",
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let check = amtool(&["check-config", &config.to_string_lossy()]);
    assert!(
        check.status.success(),
        "{}{}",
        text(&check.stdout),
        text(&check.stderr)
    );

    // Every alert rule generate writes: 2 SLOs × 2 severities × 2 window pairs, each routed
    // to its severity's receiver whatever its window.
    let sets = alert_label_sets(SPEC);
    assert_eq!(sets.len(), 8, "{sets:?}");
    let mut windows: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for labels in &sets {
        let want = match labels["sloth_severity"].as_str() {
            "page" => "slo-page",
            "ticket" => "slo-ticket",
            other => panic!("unexpected severity {other}"),
        };
        assert_eq!(routes_test(&config, labels), [want], "{labels:?}");
        windows
            .entry(labels["sloth_severity"].as_str())
            .or_default()
            .push(labels["sloth_window"].as_str());
    }
    // Sloth's 30-day catalog: page pairs end in 1h (quick) and 6h, ticket pairs in 1d and 3d.
    for w in windows.values_mut() {
        w.sort();
        w.dedup();
    }
    assert_eq!(windows["page"], ["1h", "6h"]);
    assert_eq!(windows["ticket"], ["1d", "3d"]);

    // A real Alertmanager holding: every alert of checkout's availability SLO; only the slow
    // pairs of payments'.
    let port = server_port();
    let _am = start_alertmanager(dir.path(), port, &config);
    let mut firing: Vec<&Labels> = ["page", "ticket"]
        .iter()
        .flat_map(|sev| {
            let (q, s) = if *sev == "page" {
                ("1h", "6h")
            } else {
                ("1d", "3d")
            };
            [pick(&sets, CHECKOUT, sev, q), pick(&sets, CHECKOUT, sev, s)]
        })
        .collect();
    firing.push(pick(&sets, PAYMENTS, "page", "6h"));
    firing.push(pick(&sets, PAYMENTS, "ticket", "3d"));
    let body: Vec<Value> = firing
        .iter()
        .map(|l| json!({"labels": l, "generatorURL": "http://prometheus:9090/graph"}))
        .collect();
    let (status, answer) = post(
        &format!("http://127.0.0.1:{port}/api/v2/alerts"),
        &[("Content-Type", "application/json")],
        serde_json::to_string(&body).unwrap().as_bytes(),
    );
    assert_eq!(status, 200, "{answer}");

    // What Alertmanager must conclude, per (SLO, severity, window): muted or not.
    let expected: BTreeMap<(&str, &str, &str), bool> = [
        // The quick page pair fires: it is the one notification.
        ((CHECKOUT, "page", "1h"), false),
        // ... and mutes the slow page pair of the same SLO,
        ((CHECKOUT, "page", "6h"), true),
        // ... and (the page firing) both ticket pairs.
        ((CHECKOUT, "ticket", "1d"), true),
        ((CHECKOUT, "ticket", "3d"), true),
        // Another SLO's slow page is not muted by checkout's quick one (equal: sloth_id).
        ((PAYMENTS, "page", "6h"), false),
        // Its own page mutes its ticket.
        ((PAYMENTS, "ticket", "3d"), true),
    ]
    .into_iter()
    .collect();
    let states = wait_for(
        Duration::from_secs(30),
        "Alertmanager to settle the inhibitions",
        || {
            let states = am_states(port);
            let got: BTreeMap<(&str, &str, &str), bool> = states
                .iter()
                .map(|(l, state, by)| {
                    let key = expected
                        .keys()
                        .find(|(id, sev, w)| {
                            l["sloth_id"] == *id
                                && l["sloth_severity"] == *sev
                                && l["sloth_window"] == *w
                        })
                        .copied()
                        .unwrap_or_else(|| panic!("an alert nobody sent: {l:?}"));
                    (key, state == "suppressed" && *by > 0)
                })
                .collect();
            (got == expected).then_some(states)
        },
    );
    assert_eq!(states.len(), 6);

    // Grouping is per SLO and severity, not per window pair: checkout's two page pairs are
    // one group (one notification, one incident), payments' page another.
    let (_, body) = get(&format!("http://127.0.0.1:{port}/api/v2/alerts/groups")).unwrap();
    let groups: Vec<Value> = serde_json::from_str(&body).unwrap();
    let pages: BTreeMap<String, usize> = groups
        .iter()
        .filter(|g| g["receiver"]["name"] == "slo-page")
        .map(|g| {
            assert!(g["labels"].get("sloth_window").is_none(), "{g}");
            (
                g["labels"]["sloth_id"].as_str().unwrap().to_string(),
                g["alerts"].as_array().unwrap().len(),
            )
        })
        .collect();
    let want: BTreeMap<String, usize> =
        [(CHECKOUT.to_string(), 2), (PAYMENTS.to_string(), 1)].into();
    assert_eq!(pages, want, "{body}");
}
