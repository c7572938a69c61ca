//! Lowering OpenSLO documents to drafts, then through the shared [`finish`].
//!
//! compat(sloth): v1alpha is mapped exactly as Sloth maps it (sloth-generation.md §9,
//! sloth-cli-validation.md §2.5): one SLO per objective, named `<name>-<index>`, with a raw SLI
//! `1 - (good / total)`, no labels, no alerts and no spec plugins. Sloth panics on a missing
//! `target`; slogen reports it. v1 (an extension) maps onto the same model the same way, so
//! one SLO written in either version gives the same rules ([`v1`]).

pub mod v1;

pub use v1::{lower_v1, SliIndex};

use std::collections::BTreeMap;

use super::lower::{finish, Draft, LowerOptions};
use super::validate::{code, SloSpans};
use super::{ModelError, Sli, SloGroup};
use crate::duration::Duration;
use crate::source::Pos;
use crate::spec::openslo::v1alpha::SloV1Alpha;
use crate::spec::openslo::Unsupported;
use crate::spec::SpecKind;

/// compat(sloth): the error-ratio query Sloth builds from good and total events (§9).
pub fn good_total_query(good: &str, total: &str) -> String {
    format!("\n  1 - (\n    (\n      {good}\n    )\n    /\n    (\n      {total}\n    )\n  )\n")
}

pub(super) fn mapping_error(
    pos: Pos,
    slo: Option<String>,
    field: &str,
    message: String,
) -> ModelError {
    ModelError {
        code: code::OPENSLO,
        pos,
        slo,
        field: field.to_string(),
        message,
    }
}

pub(super) fn unsupported_errors(
    list: &[Unsupported],
    slo: Option<String>,
    spec: &str,
) -> Vec<ModelError> {
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
                alert_name: obj.pos,
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
