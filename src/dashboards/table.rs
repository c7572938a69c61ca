//! The table of SLOs, most at risk first: the overview dashboard's, and the summary at the top
//! of each service's. One row per SLO; a grouped SLO shows its worst group.

use serde_json::{json, Value};

use super::levels;
use super::panel::{self, thresholds, Panel, Target};
use crate::budget::policy::{colour, Levels};

const BY: &str = "sloth_id, sloth_service, sloth_slo";

/// Columns: query (by `sloth_id, sloth_service, sloth_slo`), display name.
fn columns(filter: &str) -> Vec<(String, &'static str)> {
    let m = |agg: &str, metric: &str| format!("{agg} by ({BY}) ({metric}{{{filter}}})");
    let firing = |severity: &str| {
        format!("ALERTS{{alertstate=\"firing\", sloth_severity=\"{severity}\", {filter}}}")
    };
    vec![
        (m("min", "slo:objective:ratio"), "Objective"),
        (m("min", "slo:time_period:days"), "Period"),
        (
            m("min", "slo:period_error_budget_remaining:ratio"),
            "Budget left",
        ),
        (
            m("min", "slo:period_error_budget_remaining:ratio"),
            "Policy",
        ),
        (m("max", "slo:current_burn_rate:ratio"), "Burn rate"),
        (
            format!(
                "max by ({BY}) (2 * {} or {})\nor 0 * {}",
                firing("page"),
                firing("ticket"),
                m("min", "slo:objective:ratio")
            ),
            "Alerts firing",
        ),
    ]
}

/// A column's override: matched by its display name.
fn column(name: &str, properties: Vec<(&str, Value)>) -> Value {
    json!({
        "matcher": { "id": "byName", "options": name },
        "properties": properties
            .into_iter()
            .map(|(id, value)| json!({ "id": id, "value": value }))
            .collect::<Vec<_>>(),
    })
}

fn coloured_cells() -> Value {
    json!({ "type": "color-background" })
}

/// The table of the SLOs `filter` selects (PromQL label matchers, without braces).
/// `objective_decimals`: decimals that show every objective exactly.
pub fn slo_table(
    title: &str,
    description: &str,
    filter: &str,
    levels: &Levels,
    objective_decimals: u32,
) -> Panel {
    let cols = columns(filter);
    let mut p = panel::table(title, description, "Budget left");
    let mut index = serde_json::Map::new();
    let mut rename = serde_json::Map::new();
    index.insert("sloth_service".into(), json!(0));
    index.insert("sloth_slo".into(), json!(1));
    rename.insert("sloth_service".into(), json!("Service"));
    rename.insert("sloth_slo".into(), json!("SLO"));
    for (i, (expr, name)) in cols.iter().enumerate() {
        p = p.target(Target::table(expr.clone()));
        let value = format!("Value #{}", panel::ref_id(i));
        index.insert(value.clone(), json!(i + 2));
        rename.insert(value, json!(name));
    }
    p.transformations = vec![
        json!({ "id": "merge", "options": {} }),
        json!({
            "id": "organize",
            "options": {
                "excludeByName": { "Time": true, "sloth_id": true },
                "indexByName": index,
                "renameByName": rename,
            },
        }),
    ];
    let alert_states = json!([{
        "type": "value",
        "options": {
            "0": { "color": colour::GREEN, "index": 0, "text": "none" },
            "1": { "color": colour::ORANGE, "index": 1, "text": "ticket" },
            "2": { "color": colour::RED, "index": 2, "text": "page" },
        },
    }]);
    p.overrides = vec![
        column(
            "Objective",
            vec![
                ("unit", json!("percentunit")),
                ("decimals", json!(objective_decimals)),
            ],
        ),
        column(
            "Period",
            vec![("unit", json!("suffix:d")), ("decimals", json!(0))],
        ),
        column(
            "Budget left",
            vec![
                ("unit", json!("percentunit")),
                ("decimals", json!(2)),
                ("mappings", json!(levels::mappings(levels, false))),
                ("thresholds", levels::thresholds(levels)),
                ("color", json!({ "mode": "thresholds" })),
                ("custom.cellOptions", coloured_cells()),
            ],
        ),
        column(
            "Policy",
            vec![
                ("mappings", json!(levels::mappings(levels, true))),
                ("thresholds", levels::thresholds(levels)),
                ("color", json!({ "mode": "thresholds" })),
                ("custom.cellOptions", coloured_cells()),
            ],
        ),
        column(
            "Burn rate",
            vec![
                ("unit", json!("suffix:x")),
                ("decimals", json!(2)),
                (
                    "thresholds",
                    thresholds(colour::GREEN, &[(1.0, colour::ORANGE)]),
                ),
                ("color", json!({ "mode": "thresholds" })),
                ("custom.cellOptions", json!({ "type": "color-text" })),
            ],
        ),
        column(
            "Alerts firing",
            vec![
                ("mappings", alert_states),
                ("custom.cellOptions", coloured_cells()),
            ],
        ),
    ];
    p
}

/// Decimals that show an objective (percent) exactly, up to 4.
pub fn decimals_for(objective_percent: f64) -> u32 {
    (0..4)
        .find(|d| {
            let scale = 10f64.powi(*d as i32);
            ((objective_percent * scale).round() - objective_percent * scale).abs() < 1e-6
        })
        .unwrap_or(4)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn objective_decimals() {
        assert_eq!(decimals_for(99.0), 0);
        assert_eq!(decimals_for(99.9), 1);
        assert_eq!(decimals_for(99.95), 2);
        assert_eq!(decimals_for(99.999), 3);
        assert_eq!(decimals_for(99.99999), 4);
    }
}
