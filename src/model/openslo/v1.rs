//! OpenSLO v1 (slogen's extension) lowered onto the same model as v1alpha: `good`/`total` as
//! Sloth's raw `1 - (good / total)` SLI, `bad`/`total` as an events SLI, `raw` as a raw SLI;
//! `indicatorRef` resolved through the file's `kind: SLI` documents.

use std::collections::BTreeMap;

use super::super::lower::{finish, Draft, LowerOptions};
use super::super::validate::SloSpans;
use super::super::{ModelError, Sli, SloGroup};
use super::{good_total_query, mapping_error, unsupported_errors};
use crate::duration::Duration;
use crate::source::Pos;
use crate::spec::openslo::v1::{MetricV1, SliV1, SloV1};
use crate::spec::{Spanned, SpecKind};

/// The `kind: SLI` documents of one file, by `metadata.name`.
pub type SliIndex = BTreeMap<String, SliV1>;

/// Lowers an `openslo/v1` SLO; `slis` holds the file's `kind: SLI` documents.
pub fn lower_v1(
    spec: &SloV1,
    slis: &SliIndex,
    opts: &LowerOptions,
) -> Result<SloGroup, Vec<ModelError>> {
    let mut errors = unsupported_errors(&spec.unsupported, None, "OpenSLO");
    if spec.objectives.is_empty() {
        errors.push(mapping_error(
            spec.objectives_pos,
            None,
            "spec.objectives",
            "at least one objective is required".into(),
        ));
    }
    let sli = match (&spec.indicator, &spec.indicator_ref) {
        (Some(_), Some(r)) => {
            errors.push(mapping_error(
                r.pos,
                None,
                "spec.indicatorRef",
                "give either spec.indicator or spec.indicatorRef, not both".into(),
            ));
            None
        }
        (Some(inline), None) => Some(inline),
        (None, Some(r)) => match slis.get(&r.value) {
            Some(sli) => Some(sli),
            None => {
                let known: Vec<&str> = slis.keys().map(String::as_str).collect();
                errors.push(mapping_error(
                    r.pos,
                    None,
                    "spec.indicatorRef",
                    format!(
                        "no `kind: SLI` document named {:?} in this file (SLIs here: {})",
                        r.value,
                        if known.is_empty() {
                            "none".to_string()
                        } else {
                            known.join(", ")
                        }
                    ),
                ));
                None
            }
        },
        (None, None) => {
            errors.push(mapping_error(spec.pos, None, "spec.indicator", "an indicator is required: spec.indicator (inline) or spec.indicatorRef (an SLI document in this file)".into()));
            None
        }
    };
    let mapped = sli.and_then(|s| {
        errors.extend(unsupported_errors(&s.unsupported, None, "OpenSLO"));
        match map_sli_v1(s) {
            Ok(v) => Some(v),
            Err(mut e) => {
                errors.append(&mut e);
                None
            }
        }
    });
    let mut period = None;
    match spec.time_windows.as_slice() {
        [] => {}
        [d] => match Duration::parse(&d.value) {
            Ok(p) if !p.is_zero() => period = Some(p),
            _ => errors.push(mapping_error(
                d.pos,
                None,
                "spec.timeWindow[0].duration",
                format!(
                    "invalid time window duration {:?} (use forms like 30d, 4w)",
                    d.value
                ),
            )),
        },
        [_, second, ..] => errors.push(mapping_error(
            second.pos,
            None,
            "spec.timeWindow",
            "only 1 time window is supported".into(),
        )),
    }
    let mut drafts = Vec::new();
    let labels: super::super::Labels = spec
        .labels
        .iter()
        .map(|(k, v)| (k.value.clone(), v.value.clone()))
        .collect();
    let label_spans: BTreeMap<String, Pos> = spec
        .labels
        .iter()
        .map(|(k, _)| (k.value.clone(), k.pos))
        .collect();
    for (i, obj) in spec.objectives.iter().enumerate() {
        let name = format!("{}-{i}", spec.name.value);
        let id = format!("{}-{name}", spec.service.value);
        let field = format!("spec.objectives[{i}]");
        let objective = match (&obj.target, &obj.target_percent) {
            (Some(t), None) => Spanned::new(t.value * 100.0, t.pos),
            (None, Some(p)) => Spanned::new(p.value, p.pos),
            (Some(_), Some(p)) => {
                errors.push(mapping_error(
                    p.pos,
                    Some(id),
                    &format!("{field}.targetPercent"),
                    "give either target or targetPercent, not both".into(),
                ));
                continue;
            }
            (None, None) => {
                errors.push(mapping_error(obj.pos, Some(id), &format!("{field}.target"), "target is required (the objective as a ratio, e.g. 0.999, or targetPercent: 99.9)".into()));
                continue;
            }
        };
        let Some((sli, sli_pos, eq_pos, tq_pos)) = &mapped else {
            continue;
        };
        drafts.push(Draft {
            name,
            service: spec.service.value.clone(),
            description: spec.description.value.clone(),
            slis: vec![sli.clone()],
            objective: objective.value,
            period,
            labels: labels.clone(),
            pos: obj.pos,
            spans: SloSpans {
                name: spec.name.pos,
                service: spec.service.pos,
                objective: objective.pos,
                sli: *sli_pos,
                error_query: *eq_pos,
                total_query: *tq_pos,
                page_alert: obj.pos,
                ticket_alert: obj.pos,
                alert_name: obj.pos,
                labels: label_spans.clone(),
            },
            id: Some(id),
            ..Draft::default()
        });
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    finish(drafts, SpecKind::OpenSloV1, None, opts)
}

/// The SLI of a v1 indicator, with the positions of its SLI and its two queries.
fn map_sli_v1(sli: &SliV1) -> Result<(Sli, Pos, Pos, Pos), Vec<ModelError>> {
    let Some(ratio) = &sli.ratio else {
        if !sli.unsupported.is_empty() {
            return Err(Vec::new());
        }
        return Err(vec![mapping_error(
            sli.pos,
            None,
            "spec.ratioMetric",
            "ratioMetric is required (over Prometheus queries)".into(),
        )]);
    };
    let mut errors = Vec::new();
    let mut query = |m: &MetricV1| -> String {
        if !m.source_type.value.eq_ignore_ascii_case("prometheus") {
            errors.push(mapping_error(
                m.source_type.pos,
                None,
                &format!("{}.type", m.field),
                format!(
                    "unsupported metric source type {:?}: only Prometheus queries can be mapped",
                    m.source_type.value
                ),
            ));
        }
        if m.query.value.trim().is_empty() {
            errors.push(mapping_error(
                m.pos,
                None,
                &format!("{}.spec.query", m.field),
                "a Prometheus query is required".into(),
            ));
        }
        m.query.value.clone()
    };
    let out = match (&ratio.good, &ratio.bad, &ratio.total, &ratio.raw) {
        (Some(good), None, Some(total), None) => {
            let (g, t) = (query(good), query(total));
            (
                Sli::Raw {
                    error_ratio_query: good_total_query(&g, &t),
                },
                ratio.pos,
                good.query.pos,
                total.query.pos,
            )
        }
        (None, Some(bad), Some(total), None) => {
            let (b, t) = (query(bad), query(total));
            (
                Sli::Events {
                    error_query: b,
                    total_query: t,
                },
                ratio.pos,
                bad.query.pos,
                total.query.pos,
            )
        }
        (None, None, None, Some(raw)) => {
            let q = query(raw);
            let text = match ratio.raw_type.value.as_str() {
                "failure" => q,
                "success" => format!("1 - (\n  {q}\n)"),
                other => {
                    errors.push(mapping_error(
                        ratio.raw_type.pos,
                        None,
                        "ratioMetric.rawType",
                        format!("rawType must be success or failure, got {other:?}"),
                    ));
                    q
                }
            };
            (
                Sli::Raw {
                    error_ratio_query: text,
                },
                ratio.pos,
                raw.query.pos,
                raw.query.pos,
            )
        }
        _ => {
            return Err(vec![mapping_error(
                ratio.pos,
                None,
                "ratioMetric",
                "ratioMetric needs `good` and `total`, `bad` and `total`, or `raw` with `rawType`"
                    .into(),
            )]);
        }
    };
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}
