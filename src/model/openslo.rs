//! Lowering OpenSLO documents to drafts, then through the shared [`finish`].
//!
//! compat(sloth): v1alpha is mapped exactly as Sloth maps it (sloth-generation.md §9,
//! sloth-cli-validation.md §2.5): one SLO per objective, named `<name>-<index>`, with a raw SLI
//! `1 - (good / total)`, no labels, no alerts and no spec plugins. Sloth panics on a missing
//! `target`; slogen reports it. v1 (an extension) maps onto the same model the same way, so
//! one SLO written in either version gives the same rules.

use std::collections::BTreeMap;

use super::lower::{finish, Draft, LowerOptions};
use super::validate::{code, SloSpans};
use super::{ModelError, Sli, SloGroup};
use crate::duration::Duration;
use crate::source::Pos;
use crate::spec::openslo::v1::{MetricV1, SliV1, SloV1};
use crate::spec::openslo::v1alpha::SloV1Alpha;
use crate::spec::openslo::Unsupported;
use crate::spec::{Spanned, SpecKind};

/// The `kind: SLI` documents of one file, by `metadata.name`.
pub type SliIndex = BTreeMap<String, SliV1>;

/// compat(sloth): the error-ratio query Sloth builds from good and total events (§9).
pub fn good_total_query(good: &str, total: &str) -> String {
    format!("\n  1 - (\n    (\n      {good}\n    )\n    /\n    (\n      {total}\n    )\n  )\n")
}

fn mapping_error(pos: Pos, slo: Option<String>, field: &str, message: String) -> ModelError {
    ModelError {
        code: code::OPENSLO,
        pos,
        slo,
        field: field.to_string(),
        message,
    }
}

fn unsupported_errors(list: &[Unsupported], slo: Option<String>, spec: &str) -> Vec<ModelError> {
    list.iter()
        .map(|u| {
            mapping_error(
                u.pos,
                slo.clone(),
                &u.field,
                format!(
                    "{spec} feature not supported: {}; Sloth's rules cannot express it",
                    u.feature
                ),
            )
        })
        .collect()
}

/// Lowers an `openslo/v1alpha` SLO.
pub fn lower_v1alpha(spec: &SloV1Alpha, opts: &LowerOptions) -> Result<SloGroup, Vec<ModelError>> {
    let mut errors = unsupported_errors(&spec.unsupported, None, "OpenSLO");
    if spec.api_version.value != "openslo/v1alpha" {
        errors.push(mapping_error(
            spec.api_version.pos,
            None,
            "apiVersion",
            "invalid spec version, should be \"openslo/v1alpha\"".into(),
        ));
    }
    if spec.objectives.is_empty() {
        errors.push(mapping_error(
            spec.objectives_pos,
            None,
            "spec.objectives",
            "at least one SLO is required (add an objective with ratioMetrics and target)".into(),
        ));
    }
    let mut period = None;
    match spec.time_windows.as_slice() {
        [] => {}
        [tw] => {
            if !tw.unit.value.eq_ignore_ascii_case("day") {
                errors.push(mapping_error(
                    tw.unit.pos,
                    None,
                    "spec.timeWindows[0].unit",
                    format!("invalid SLO time windows: only days based time windows are supported (unit: Day), got {:?}", tw.unit.value),
                ));
            } else if tw.count.value <= 0 {
                errors.push(mapping_error(
                    tw.count.pos,
                    None,
                    "spec.timeWindows[0].count",
                    format!(
                        "invalid SLO time windows: count must be a positive number of days, got {}",
                        tw.count.value
                    ),
                ));
            } else {
                period = Some(Duration::from_days(tw.count.value as u64));
            }
        }
        [_, second, ..] => errors.push(mapping_error(
            second.pos,
            None,
            "spec.timeWindows",
            "invalid SLO time windows: only 1 time window is supported".into(),
        )),
    }
    let mut drafts = Vec::new();
    for (i, obj) in spec.objectives.iter().enumerate() {
        let name = format!("{}-{i}", spec.name.value);
        let id = format!("{}-{name}", spec.service.value);
        let field = format!("spec.objectives[{i}]");
        let err = |pos: Pos, f: &str, m: String| mapping_error(pos, Some(id.clone()), f, m);
        let Some(target) = &obj.target else {
            // compat(sloth): Sloth dereferences a nil target and panics (§2.5).
            errors.push(err(
                obj.pos,
                &format!("{field}.target"),
                "target is required (the objective as a ratio, e.g. 0.999)".into(),
            ));
            continue;
        };
        let Some(rm) = &obj.ratio_metrics else {
            errors.push(err(
                obj.pos,
                &format!("{field}.ratioMetrics"),
                "could not map SLI: missing ratioMetrics (only ratio metrics are supported)".into(),
            ));
            continue;
        };
        let (good, total) = (&rm.good, &rm.total);
        let rf = format!("{field}.ratioMetrics");
        let mut ok = true;
        if good.source.value != "prometheus" && good.source.value != "sloth" {
            errors.push(err(
                good.source.pos,
                &format!("{rf}.good.source"),
                "could not map SLI: prometheus or sloth query ratio 'good' source is required"
                    .into(),
            ));
            ok = false;
        }
        // compat(sloth): Sloth's check tests `good.source` where it means `total.source` (§2.5).
        if total.source.value != "prometheus" && good.source.value != "sloth" {
            errors.push(err(
                total.source.pos,
                &format!("{rf}.total.source"),
                "could not map SLI: prometheus or sloth query ratio 'total' source is required"
                    .into(),
            ));
            ok = false;
        }
        for (side, m) in [("good", good), ("total", total)] {
            if m.query_type.value != "promql" {
                errors.push(err(m.query_type.pos, &format!("{rf}.{side}.queryType"), format!("could not map SLI: unsupported '{side}' indicator query type: {} (expected promql)", m.query_type.value)));
                ok = false;
            }
        }
        if !ok {
            continue;
        }
        drafts.push(Draft {
            name,
            service: spec.service.value.clone(),
            description: spec.description.value.clone(),
            slis: vec![Sli::Raw {
                error_ratio_query: good_total_query(&good.query.value, &total.query.value),
            }],
            objective: target.value * 100.0,
            period,
            pos: obj.pos,
            spans: SloSpans {
                name: spec.name.pos,
                service: spec.service.pos,
                objective: target.pos,
                sli: rm.pos,
                error_query: good.query.pos,
                total_query: total.query.pos,
                page_alert: obj.pos,
                ticket_alert: obj.pos,
                labels: BTreeMap::new(),
            },
            id: Some(id),
            ..Draft::default()
        });
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    finish(drafts, SpecKind::OpenSloV1Alpha, None, opts)
}

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
    let labels: super::Labels = spec
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
