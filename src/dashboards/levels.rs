//! The error-budget policy as Grafana shows it: the levels and colours of
//! [`crate::budget::policy`], turned into value mappings and thresholds.
//!
//! Grafana matches range mappings with both ends included and takes the first that matches,
//! while [`Levels::level`] gives each shared boundary to one of its two levels. The mappings
//! are ordered so that a boundary value meets its own level first: the same budget gets the
//! same level in `slogen budget`, `gate` and every dashboard.

use serde_json::{json, Value};

use crate::budget::policy::{colour, Levels, PolicyLevel};

/// Range mappings from a remaining budget (ratio) to its level's colour, and to its advice
/// when `with_text`; NaN (no traffic) shows as such.
pub fn mappings(levels: &Levels, with_text: bool) -> Vec<Value> {
    let mut out: Vec<Value> = ordered_bands(levels)
        .into_iter()
        .map(|(level, lo, hi)| {
            let mut result = json!({ "color": level.colour() });
            if with_text {
                result["text"] = json!(level.advice());
            }
            json!({
                "type": "range",
                "options": { "from": lo, "to": hi, "result": result },
            })
        })
        .collect();
    out.push(json!({
        "type": "special",
        "options": {
            "match": "nan",
            "result": { "color": colour::GREY, "text": "no traffic" },
        },
    }));
    out
}

/// Threshold steps for the levels, lowest first (Grafana starts with a `null` base step).
pub fn thresholds(levels: &Levels) -> Value {
    let mut steps = vec![json!({ "color": PolicyLevel::Freeze.colour(), "value": null })];
    for (level, lo, _) in levels.bands().into_iter().rev() {
        if let Some(lo) = lo {
            steps.push(json!({ "color": level.colour(), "value": lo }));
        }
    }
    json!({ "mode": "absolute", "steps": steps })
}

/// A level and the budgets it covers, both ends included.
type Band = (PolicyLevel, Option<f64>, Option<f64>);

/// The bands in the order Grafana must try them: those owning more of their boundaries first.
fn ordered_bands(levels: &Levels) -> Vec<Band> {
    let mut bands: Vec<(usize, Band)> = levels
        .bands()
        .into_iter()
        .map(|band| {
            let (level, lo, hi) = band;
            let owned = [lo, hi]
                .into_iter()
                .flatten()
                .filter(|b| levels.level(*b) == level)
                .count();
            (owned, band)
        })
        .collect();
    bands.sort_by_key(|b| std::cmp::Reverse(b.0));
    bands.into_iter().map(|(_, band)| band).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Grafana's rule: the first range mapping whose closed range holds the value.
    fn grafana_colour(mappings: &[Value], v: f64) -> Option<String> {
        mappings.iter().find_map(|m| {
            let o = &m["options"];
            let (from, to) = (o["from"].as_f64(), o["to"].as_f64());
            let hit =
                m["type"] == "range" && from.is_none_or(|f| v >= f) && to.is_none_or(|t| v <= t);
            hit.then(|| o["result"]["color"].as_str().unwrap().to_string())
        })
    }

    #[test]
    fn every_budget_gets_the_level_the_policy_gives_it() {
        for levels in [
            Levels::default(),
            Levels {
                ship_freely: 0.75,
                cautious: 0.4,
                focus_on_reliability: 0.1,
            },
            Levels {
                ship_freely: 0.3,
                cautious: 0.3,
                focus_on_reliability: 0.3,
            },
        ] {
            let maps = mappings(&levels, true);
            let mut values = vec![-1.0, 0.0, 1.0, 0.3];
            for (_, lo, hi) in levels.bands() {
                for b in [lo, hi].into_iter().flatten() {
                    values.extend([b, b - 1e-9, b + 1e-9]);
                }
            }
            for v in values {
                let want = levels.level(v).colour().to_string();
                assert_eq!(grafana_colour(&maps, v), Some(want), "{levels:?} at {v}");
            }
        }
    }

    #[test]
    fn thresholds_rise_through_the_levels() {
        let t = thresholds(&Levels::default());
        let steps: Vec<(String, Option<f64>)> = t["steps"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| (s["color"].as_str().unwrap().into(), s["value"].as_f64()))
            .collect();
        assert_eq!(
            steps,
            [
                (colour::RED.to_string(), None),
                (colour::ORANGE.to_string(), Some(0.05)),
                (colour::YELLOW.to_string(), Some(0.2)),
                (colour::GREEN.to_string(), Some(0.5)),
            ]
        );
    }
}
