//! `apiVersion: openslo/v1` documents: `kind: SLO` and `kind: SLI` (slogen's extension; Sloth
//! reads only v1alpha).
//!
//! Only what maps to Sloth's model is read: a `ratioMetric` over Prometheus queries (`good` or
//! `bad` with `total`, or a `raw` ratio), a rolling time window, and `target` or
//! `targetPercent`. Everything else that changes meaning is recorded as [`Unsupported`].

use super::super::read::{Coercion, RawMap, Reader};
use super::super::{Spanned, SpecError};
use super::{child, flag_unsupported, Unsupported};
use crate::source::Pos;
use crate::yaml::Node;

/// A v1 document slogen reads.
#[derive(Debug, Clone, PartialEq)]
pub enum Object {
    Slo(Box<SloV1>),
    Sli(Box<SliV1>),
    /// `Service`, `DataSource`, `AlertPolicy`…: no rules of their own.
    Other {
        kind: String,
    },
}

/// `kind: SLO`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SloV1 {
    pub name: Spanned<String>,
    pub labels: RawMap,
    pub service: Spanned<String>,
    pub description: Spanned<String>,
    /// `spec.indicator`, inline.
    pub indicator: Option<SliV1>,
    /// `spec.indicatorRef`: the name of an SLI document in the same file.
    pub indicator_ref: Option<Spanned<String>>,
    /// `spec.timeWindow[*].duration`.
    pub time_windows: Vec<Spanned<String>>,
    pub objectives: Vec<ObjectiveV1>,
    pub objectives_pos: Pos,
    pub unsupported: Vec<Unsupported>,
    pub pos: Pos,
}

/// One entry of `spec.objectives`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ObjectiveV1 {
    pub target: Option<Spanned<f64>>,
    pub target_percent: Option<Spanned<f64>>,
    pub pos: Pos,
}

/// An SLI: `kind: SLI` or `spec.indicator`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SliV1 {
    pub name: Spanned<String>,
    pub ratio: Option<RatioMetricV1>,
    pub unsupported: Vec<Unsupported>,
    pub pos: Pos,
}

/// `spec.ratioMetric`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RatioMetricV1 {
    pub good: Option<MetricV1>,
    pub bad: Option<MetricV1>,
    pub total: Option<MetricV1>,
    pub raw: Option<MetricV1>,
    /// `rawType`: `success` or `failure`.
    pub raw_type: Spanned<String>,
    pub pos: Pos,
}

/// `metricSource` of one side of a ratio.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct MetricV1 {
    /// `metricSource.type`.
    pub source_type: Spanned<String>,
    /// `metricSource.spec.query`.
    pub query: Spanned<String>,
    /// The dotted path of the metric (for messages).
    pub field: String,
    pub pos: Pos,
}

/// Reads one v1 document; `kind` says which.
pub fn read(root: &Node) -> Result<Object, Vec<SpecError>> {
    let mut r = Reader::new(Coercion::YamlV2);
    if !r.expect_map(root, "") {
        r.error(root.pos, "", "spec is required");
        return Err(r.errors);
    }
    let kind = r.string(root, "kind", "kind").value;
    let object = match kind.as_str() {
        "SLO" => Object::Slo(Box::new(read_slo(&mut r, root))),
        "SLI" => {
            let mut sli = SliV1 {
                pos: root.pos,
                ..SliV1::default()
            };
            if let Some(meta) = child(&mut r, root, "metadata", "") {
                sli.name = r.string(meta, "name", "metadata.name");
            }
            if let Some(spec) = child(&mut r, root, "spec", "") {
                read_sli_spec(&mut r, spec, "spec", &mut sli);
            }
            Object::Sli(Box::new(sli))
        }
        _ => Object::Other { kind },
    };
    if r.errors.is_empty() {
        Ok(object)
    } else {
        Err(r.errors)
    }
}

fn read_slo(r: &mut Reader, root: &Node) -> SloV1 {
    let mut slo = SloV1 {
        pos: root.pos,
        objectives_pos: root.pos,
        ..SloV1::default()
    };
    if let Some(meta) = child(r, root, "metadata", "") {
        slo.name = r.string(meta, "name", "metadata.name");
        slo.labels = r.string_map(meta, "labels", "metadata.labels");
    }
    let Some(spec) = child(r, root, "spec", "") else {
        return slo;
    };
    let un = &mut slo.unsupported;
    slo.service = r.string(spec, "service", "spec.service");
    slo.description = r.string(spec, "description", "spec.description");
    let method = r.string(spec, "budgetingMethod", "spec.budgetingMethod");
    if method.value.to_ascii_lowercase().contains("timeslices") {
        un.push(Unsupported {
            pos: method.pos,
            field: "spec.budgetingMethod".into(),
            feature: "timeslice budgeting (budgetingMethod Timeslices or RatioTimeslices)",
        });
    }
    flag_unsupported(
        r,
        spec,
        "alertPolicies",
        "spec",
        "alert policies (Sloth's page and ticket alerts cannot be configured from OpenSLO)",
        un,
    );
    if let Some(ind) = child(r, spec, "indicator", "spec") {
        let mut sli = SliV1 {
            pos: ind.pos,
            ..SliV1::default()
        };
        if let Some(meta) = child(r, ind, "metadata", "spec.indicator") {
            sli.name = r.string(meta, "name", "spec.indicator.metadata.name");
        }
        if let Some(s) = child(r, ind, "spec", "spec.indicator") {
            read_sli_spec(r, s, "spec.indicator.spec", &mut sli);
        }
        slo.indicator = Some(sli);
    }
    if r.get(spec, "indicatorRef").is_some_and(|n| !n.is_null()) {
        slo.indicator_ref = Some(r.string(spec, "indicatorRef", "spec.indicatorRef"));
    }
    for (i, node) in r
        .seq(spec, "timeWindow", "spec.timeWindow")
        .into_iter()
        .enumerate()
    {
        let field = format!("spec.timeWindow[{i}]");
        if !r.expect_map(node, &field) {
            continue;
        }
        flag_unsupported(
            r,
            node,
            "calendar",
            &field,
            "calendar-aligned time windows",
            un,
        );
        let rolling = r.boolean(node, "isRolling", &format!("{field}.isRolling"));
        if r.get(node, "isRolling").is_some_and(|n| !n.is_null()) && !rolling.value {
            un.push(Unsupported {
                pos: rolling.pos,
                field: format!("{field}.isRolling"),
                feature: "calendar-aligned time windows (isRolling: false)",
            });
        }
        slo.time_windows
            .push(r.string(node, "duration", &format!("{field}.duration")));
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
        for (key, feature) in [
            ("timeSliceTarget", "timeslice objectives"),
            ("timeSliceWindow", "timeslice objectives"),
            ("indicator", "composite SLOs (an indicator per objective)"),
            (
                "indicatorRef",
                "composite SLOs (an indicator per objective)",
            ),
            ("compositeWeight", "composite SLOs (compositeWeight)"),
        ] {
            flag_unsupported(r, node, key, &field, feature, un);
        }
        slo.objectives.push(ObjectiveV1 {
            target: r.number(node, "target", &format!("{field}.target")),
            target_percent: r.number(node, "targetPercent", &format!("{field}.targetPercent")),
            pos: node.pos,
        });
    }
    slo
}

fn read_sli_spec(r: &mut Reader, spec: &Node, field: &str, sli: &mut SliV1) {
    flag_unsupported(
        r,
        spec,
        "thresholdMetric",
        field,
        "threshold metrics (thresholdMetric)",
        &mut sli.unsupported,
    );
    let Some(ratio) = child(r, spec, "ratioMetric", field) else {
        return;
    };
    let f = format!("{field}.ratioMetric");
    let mut metric = |key: &str| -> Option<MetricV1> {
        let side = child(r, ratio, key, &f)?;
        let sf = format!("{f}.{key}");
        let mut m = MetricV1 {
            field: format!("{sf}.metricSource"),
            pos: side.pos,
            ..MetricV1::default()
        };
        let Some(src) = child(r, side, "metricSource", &sf) else {
            r.error(side.pos, &sf, "metricSource is required");
            return Some(m);
        };
        let msf = format!("{sf}.metricSource");
        flag_unsupported(r, src, "metricSourceRef", &msf, "data source references (metricSourceRef); give `type: Prometheus` and `spec.query` inline", &mut sli.unsupported);
        m.source_type = r.string(src, "type", &format!("{msf}.type"));
        if let Some(s) = child(r, src, "spec", &msf) {
            m.query = r.string(s, "query", &format!("{msf}.spec.query"));
        }
        m.pos = src.pos;
        Some(m)
    };
    let good = metric("good");
    let bad = metric("bad");
    let total = metric("total");
    let raw = metric("raw");
    sli.ratio = Some(RatioMetricV1 {
        good,
        bad,
        total,
        raw,
        raw_type: r.string(ratio, "rawType", &format!("{f}.rawType")),
        pos: ratio.pos,
    });
}
