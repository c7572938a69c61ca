//! Stage 3: SLOs expanded into rule groups.
//!
//! For each SLO the planner computes the multi-window, multi-burn-rate alert set ([`mwmb`]),
//! then runs the SLO's plugin chain ([`plugins`]) over an empty [`SloRules`]: the default
//! chain's core plugins fill the SLI ([`sli`]), metadata ([`metadata`]) and alert
//! ([`alerts`]) groups, as Sloth's do. The result is data; [`crate::emit`] formats it.

pub mod alerts;
pub mod metadata;
pub mod mwmb;
pub mod plugins;
pub mod sli;

use std::collections::BTreeMap;

use crate::duration::Duration;
use crate::gofmt;
use crate::model::{Labels, SloGroup};
use crate::spec::sloth::KubeMetadata;
use crate::spec::SpecKind;

pub use plugins::{PlanError, SloPlugins};

/// One Prometheus rule: a recording rule (`record`) or an alerting rule (`alert`).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Rule {
    pub record: String,
    pub alert: String,
    pub expr: String,
    /// Zero when absent.
    pub for_: Duration,
    pub labels: Labels,
    pub annotations: Labels,
}

/// A Prometheus rule group.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RuleGroup {
    pub name: String,
    /// Zero when absent.
    pub interval: Duration,
    pub rules: Vec<Rule>,
}

/// The rules of one SLO, as Sloth's plugins see and change them.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SloRules {
    pub sli: RuleGroup,
    pub metadata: RuleGroup,
    pub alerts: RuleGroup,
    /// Groups added by plugins, in order.
    pub extra: Vec<RuleGroup>,
}

impl SloRules {
    /// The groups Sloth writes, in its order: SLI, metadata, alerts, extra; empty ones skipped.
    pub fn groups(&self) -> impl Iterator<Item = &RuleGroup> {
        [&self.sli, &self.metadata, &self.alerts]
            .into_iter()
            .chain(self.extra.iter())
            .filter(|g| !g.rules.is_empty())
    }
}

/// What generated the rules, as Sloth reports it in `sloth_slo_info` and the header.
#[derive(Debug, Clone, PartialEq)]
pub struct Info {
    pub version: String,
    pub mode: String,
    pub spec: String,
}

/// The rules for one spec document.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    pub kind: SpecKind,
    pub kube: Option<KubeMetadata>,
    pub info: Info,
    /// One entry per SLO, in spec order.
    pub slos: Vec<(String, SloRules)>,
}

/// What to leave out after generation (`--disable-recordings`, `--disable-alerts`).
#[derive(Debug, Clone, Copy, Default)]
pub struct Disable {
    pub recordings: bool,
    pub alerts: bool,
}

/// Expands every SLO of a group into rule groups.
pub fn build(
    group: &SloGroup,
    version: &str,
    slo_plugins: &SloPlugins,
    disable: Disable,
) -> Result<Plan, PlanError> {
    let info = Info {
        version: version.to_string(),
        mode: group.kind.mode().to_string(),
        spec: group.kind.spec_name().to_string(),
    };
    let mut slos = Vec::new();
    for slo in &group.slos {
        let alerts = mwmb::MwmbAlerts::new(slo);
        let mut rules = slo_plugins.run(slo, &alerts, &info)?;
        // compat(sloth): empty group names get Sloth's defaults after the chain; extra groups
        // keep theirs, even when empty (sloth-generation.md §4 step e).
        for (group, prefix) in [
            (&mut rules.sli, "sloth-slo-sli-recordings"),
            (&mut rules.metadata, "sloth-slo-meta-recordings"),
            (&mut rules.alerts, "sloth-slo-alerts"),
        ] {
            if group.name.is_empty() {
                group.name = format!("{prefix}-{}", slo.id);
            }
        }
        if disable.recordings {
            rules.sli.rules.clear();
            rules.metadata.rules.clear();
            // slogen/exact_ratio/v1's step recordings go with the rules that read them.
            rules.extra.retain(|g| {
                !g.name
                    .starts_with(plugins::slogen::exact_ratio::GROUP_PREFIX)
            });
        }
        if disable.alerts {
            rules.alerts.rules.clear();
        }
        slos.push((slo.id.clone(), rules));
    }
    Ok(Plan {
        kind: group.kind,
        kube: group.kube.clone(),
        info,
        slos,
    })
}

/// The three labels that identify an SLO's series.
pub fn id_labels(slo: &crate::model::Slo) -> Labels {
    BTreeMap::from([
        ("sloth_id".to_string(), slo.id.clone()),
        ("sloth_service".to_string(), slo.service.clone()),
        ("sloth_slo".to_string(), slo.name.clone()),
    ])
}

/// `{sloth_id="…", sloth_service="…", sloth_slo="…"}`.
pub fn id_selector(slo: &crate::model::Slo) -> String {
    let labels = id_labels(slo);
    gofmt::label_set(labels.iter().map(|(k, v)| (k.as_str(), v.as_str())))
}
