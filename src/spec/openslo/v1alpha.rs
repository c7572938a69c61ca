//! `apiVersion: openslo/v1alpha` `kind: SLO`, read into the fields Sloth uses (oslo v0.12.0
//! `pkg/manifest/v1alpha`), plus the ones slogen refuses rather than drop.

use super::super::read::{Coercion, Reader};
use super::super::{Spanned, SpecError};
use super::{child, flag_unsupported, Unsupported};
use crate::source::Pos;
use crate::yaml::Node;

/// One v1alpha SLO document.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SloV1Alpha {
    pub api_version: Spanned<String>,
    /// `metadata.name`.
    pub name: Spanned<String>,
    pub service: Spanned<String>,
    pub description: Spanned<String>,
    pub time_windows: Vec<TimeWindow>,
    pub objectives: Vec<Objective>,
    /// Where `spec.objectives` is written (the document when absent).
    pub objectives_pos: Pos,
    pub unsupported: Vec<Unsupported>,
    pub pos: Pos,
}

/// One entry of `spec.timeWindows`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TimeWindow {
    pub unit: Spanned<String>,
    pub count: Spanned<i64>,
    pub pos: Pos,
}

/// One entry of `spec.objectives`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Objective {
    pub ratio_metrics: Option<RatioMetrics>,
    pub target: Option<Spanned<f64>>,
    pub pos: Pos,
}

/// `ratioMetrics`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RatioMetrics {
    pub good: MetricSource,
    pub total: MetricSource,
    pub pos: Pos,
}

/// `ratioMetrics.good` or `ratioMetrics.total`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct MetricSource {
    pub source: Spanned<String>,
    pub query_type: Spanned<String>,
    pub query: Spanned<String>,
    pub pos: Pos,
}

/// Reads one document; all shape problems are returned together.
pub fn read(root: &Node) -> Result<SloV1Alpha, Vec<SpecError>> {
    let mut r = Reader::new(Coercion::YamlV2);
    let mut slo = SloV1Alpha {
        pos: root.pos,
        objectives_pos: root.pos,
        ..SloV1Alpha::default()
    };
    if !r.expect_map(root, "") {
        r.error(root.pos, "", "spec is required");
        return Err(r.errors);
    }
    slo.api_version = r.string(root, "apiVersion", "apiVersion");
    if let Some(meta) = child(&mut r, root, "metadata", "") {
        slo.name = r.string(meta, "name", "metadata.name");
    }
    if let Some(spec) = child(&mut r, root, "spec", "") {
        read_spec(&mut r, spec, &mut slo);
    }
    if r.errors.is_empty() {
        Ok(slo)
    } else {
        Err(r.errors)
    }
}

fn read_spec(r: &mut Reader, spec: &Node, slo: &mut SloV1Alpha) {
    slo.service = r.string(spec, "service", "spec.service");
    slo.description = r.string(spec, "description", "spec.description");
    // compat(sloth): Sloth ignores the budgeting method; timeslice budgeting cannot be
    // expressed in its rules, so slogen refuses it instead of dropping it (docs/deviations.md).
    let method = r.string(spec, "budgetingMethod", "spec.budgetingMethod");
    if method.value.eq_ignore_ascii_case("timeslices") {
        slo.unsupported.push(Unsupported {
            pos: method.pos,
            field: "spec.budgetingMethod".into(),
            feature: "timeslice budgeting (budgetingMethod: Timeslices)",
        });
    }
    for (i, node) in r
        .seq(spec, "timeWindows", "spec.timeWindows")
        .into_iter()
        .enumerate()
    {
        let field = format!("spec.timeWindows[{i}]");
        if !r.expect_map(node, &field) {
            continue;
        }
        flag_unsupported(
            r,
            node,
            "calendar",
            &field,
            "calendar-aligned time windows",
            &mut slo.unsupported,
        );
        let rolling = r.boolean(node, "isRolling", &format!("{field}.isRolling"));
        if r.get(node, "isRolling").is_some_and(|n| !n.is_null()) && !rolling.value {
            slo.unsupported.push(Unsupported {
                pos: rolling.pos,
                field: format!("{field}.isRolling"),
                feature: "calendar-aligned time windows (isRolling: false)",
            });
        }
        let count_pos = r.get(node, "count").map(|n| n.pos).unwrap_or(node.pos);
        slo.time_windows.push(TimeWindow {
            unit: r.string(node, "unit", &format!("{field}.unit")),
            count: Spanned::new(
                r.integer(node, "count", &format!("{field}.count")),
                count_pos,
            ),
            pos: node.pos,
        });
    }
    if let Some(objectives) = r.get(spec, "objectives") {
        slo.objectives_pos = objectives.pos;
    }
    for (i, node) in r
        .seq(spec, "objectives", "spec.objectives")
        .into_iter()
        .enumerate()
    {
        let field = format!("spec.objectives[{i}]");
        if !r.expect_map(node, &field) {
            continue;
        }
        flag_unsupported(
            r,
            node,
            "timeSliceTarget",
            &field,
            "timeslice objectives",
            &mut slo.unsupported,
        );
        let ratio_metrics = child(r, node, "ratioMetrics", &field).map(|rm| {
            let f = format!("{field}.ratioMetrics");
            RatioMetrics {
                good: read_source(r, rm, "good", &f),
                total: read_source(r, rm, "total", &f),
                pos: rm.pos,
            }
        });
        slo.objectives.push(Objective {
            ratio_metrics,
            target: r.number(node, "target", &format!("{field}.target")),
            pos: node.pos,
        });
    }
}

fn read_source(r: &mut Reader, parent: &Node, key: &str, field: &str) -> MetricSource {
    let Some(node) = child(r, parent, key, field) else {
        return MetricSource {
            pos: parent.pos,
            ..MetricSource::default()
        };
    };
    let f = format!("{field}.{key}");
    MetricSource {
        source: r.string(node, "source", &format!("{f}.source")),
        query_type: r.string(node, "queryType", &format!("{f}.queryType")),
        query: r.string(node, "query", &format!("{f}.query")),
        pos: node.pos,
    }
}
