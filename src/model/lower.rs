//! Lowering: raw specs to the model, with Sloth's merges, ID rule and validation.
//!
//! compat(sloth): the order of checks is Sloth's (sloth-cli-validation.md §3.1): mapping (SLI
//! plugins run here), duplicate IDs within the document, then per SLO the extra labels, the
//! period's alert windows, the plugin chain and, when the chain holds a validator, the rules of
//! [`super::validate`]. Every problem is collected, not just the first.

use std::collections::{BTreeMap, BTreeSet};

use super::chain::{self, PluginDecl};
use super::validate::{self, code, Dialect, SloSpans};
use super::{AlertMeta, Labels, ModelError, Sli, Slo, SloGroup};
use crate::duration::Duration;
use crate::plugins::sli::{events_plugin, OptionProblem, SliPluginCall, SliPlugins};
use crate::source::Pos;
use crate::spec::read::RawMap;
use crate::spec::sloth::{AlertSpec, AlertingSpec, KubeMetadata, PluginChain, SlothSpec};
use crate::spec::windows::WindowCatalog;
use crate::spec::SpecKind;

/// Everything lowering needs besides the spec: the CLI's choices.
#[derive(Debug, Clone, Copy)]
pub struct LowerOptions<'a> {
    pub default_period: Duration,
    pub catalog: &'a WindowCatalog,
    pub extra_labels: &'a Labels,
    pub cli_plugins: &'a [PluginDecl],
    pub disable_default_plugins: bool,
    pub sli_plugins: &'a SliPlugins,
    /// The language Sloth's own validator (`sloth.dev/core/validate/v1`) parses queries in:
    /// PromQL, or MetricsQL with `--dialect metricsql` (for `--target vmalert`).
    pub dialect: Dialect,
}

/// An SLO mapped from its spec but not yet checked: what every format lowers to first.
#[derive(Debug, Clone, Default)]
pub struct Draft {
    pub name: String,
    pub service: String,
    pub description: String,
    /// The SLI kinds given; validation wants exactly one.
    pub slis: Vec<Sli>,
    /// A slogen SLI plugin's ID and options, when the SLI comes from one.
    pub sli_plugin: Option<(String, Labels)>,
    pub objective: f64,
    /// The SLO's own period (OpenSLO); `None` uses the default period.
    pub period: Option<Duration>,
    pub labels: Labels,
    pub page_alert: Option<AlertMeta>,
    pub ticket_alert: Option<AlertMeta>,
    pub spec_plugins: Vec<PluginDecl>,
    pub overridden: bool,
    pub pos: Pos,
    pub spans: SloSpans,
    /// Set when an ID is not `<service>-<name>` (OpenSLO's `-<index>` suffix).
    pub id: Option<String>,
}

impl Draft {
    /// The SLO's ID.
    pub fn id(&self) -> String {
        self.id
            .clone()
            .unwrap_or_else(|| format!("{}-{}", self.service, self.name))
    }
}

/// Lowers a `prometheus/v1` or Kubernetes spec.
pub fn lower(
    spec: &SlothSpec,
    kind: SpecKind,
    opts: &LowerOptions,
) -> Result<SloGroup, Vec<ModelError>> {
    let mut errors = Vec::new();
    let mut drafts = Vec::new();
    for slo in &spec.slos {
        let mut spans = SloSpans {
            name: slo.name.pos,
            service: spec.service.pos,
            objective: slo.objective.as_ref().map(|o| o.pos).unwrap_or(slo.pos),
            sli: slo.sli.pos,
            error_query: slo.sli.pos,
            total_query: slo.sli.pos,
            page_alert: slo.alerting.page_alert.pos,
            ticket_alert: slo.alerting.ticket_alert.pos,
            alert_name: slo.alerting.name.pos,
            labels: BTreeMap::new(),
        };
        let mut labels = Labels::new();
        for (k, v) in spec.labels.iter().chain(slo.labels.iter()) {
            labels.insert(k.value.clone(), v.value.clone());
            spans.labels.insert(k.value.clone(), k.pos);
        }
        let mut draft = Draft {
            name: slo.name.value.clone(),
            service: spec.service.value.clone(),
            description: slo.description.value.clone(),
            objective: slo.objective.as_ref().map(|o| o.value).unwrap_or(0.0),
            labels,
            pos: slo.pos,
            ..Draft::default()
        };
        if let Some((e, t)) = &slo.sli.events {
            draft.slis.push(Sli::Events {
                error_query: e.value.clone(),
                total_query: t.value.clone(),
            });
            spans.error_query = e.pos;
            spans.total_query = t.pos;
        }
        if let Some(raw) = &slo.sli.raw {
            spans.error_query = raw.pos;
            if slo.sli.plugin.is_none() {
                draft.slis.push(Sli::Raw {
                    error_ratio_query: raw.value.clone(),
                });
            }
        }
        if let Some(plugin) = &slo.sli.plugin {
            spans.error_query = plugin.id.pos;
            if let Some(result) = events_plugin(&plugin.id.value, &plain(&plugin.options)) {
                // slogen's own plugins give an events SLI: error and total queries.
                spans.total_query = plugin.id.pos;
                match result {
                    Ok((error_query, total_query)) => {
                        draft.slis.push(Sli::Events {
                            error_query,
                            total_query,
                        });
                        draft.sli_plugin = Some((plugin.id.value.clone(), plain(&plugin.options)));
                    }
                    Err(problems) => errors.extend(
                        problems
                            .into_iter()
                            .map(|p| option_error(&plugin.id, &plugin.options, &draft.id(), p)),
                    ),
                }
            } else {
                // compat(sloth): a plugin's query overwrites any `raw` query (§2.6).
                let call = SliPluginCall {
                    service: &spec.service.value,
                    slo: &slo.name.value,
                    objective: &format!("{:.6}", draft.objective),
                    labels: &plain(&spec.labels),
                    options: &plain(&plugin.options),
                };
                match opts.sli_plugins.call(&plugin.id.value, &call) {
                    Ok(q) => draft.slis.push(Sli::Raw {
                        error_ratio_query: q,
                    }),
                    Err(e) => errors.push(ModelError {
                        code: code::SLI_PLUGIN,
                        pos: plugin.id.pos,
                        slo: Some(draft.id()),
                        field: "sli.plugin".into(),
                        message: e.to_string(),
                    }),
                }
            }
        }
        draft.page_alert = alert_meta(&slo.alerting, &slo.alerting.page_alert);
        draft.ticket_alert = alert_meta(&slo.alerting, &slo.alerting.ticket_alert);
        let (plugins, overridden) = spec_chain(&spec.plugins, &slo.plugins);
        draft.spec_plugins = plugins;
        draft.overridden = overridden;
        draft.spans = spans;
        drafts.push(draft);
    }
    if !errors.is_empty() {
        // A failed SLI plugin leaves an SLO without its query; checking further would only
        // add noise about the missing SLI.
        return Err(errors);
    }
    finish(drafts, kind, spec.metadata.clone(), opts)
}

/// Checks and completes drafts of one document: the part shared by every format.
pub fn finish(
    drafts: Vec<Draft>,
    kind: SpecKind,
    kube: Option<KubeMetadata>,
    opts: &LowerOptions,
) -> Result<SloGroup, Vec<ModelError>> {
    let mut errors = Vec::new();
    let mut seen = BTreeSet::new();
    for d in &drafts {
        let id = d.id();
        if !seen.insert(id.clone()) {
            errors.push(ModelError {
                code: code::DUPLICATE_ID,
                pos: d.spans.name,
                slo: None,
                field: "name".into(),
                message: format!("invalid SLO group: SLO ID {id:?} is repeated"),
            });
        }
    }
    let mut slos = Vec::new();
    for d in drafts {
        let id = d.id();
        let err = |code: &'static str, pos: Pos, field: &str, message: String| ModelError {
            code,
            pos,
            slo: Some(id.clone()),
            field: field.to_string(),
            message,
        };
        let mut labels = d.labels.clone();
        for (k, v) in opts.extra_labels {
            labels.insert(k.clone(), v.clone());
        }
        let period = d.period.unwrap_or(opts.default_period);
        let Some(windows) = opts.catalog.get(period).copied() else {
            let known: Vec<String> = opts
                .catalog
                .periods()
                .iter()
                .map(|p| p.to_string())
                .collect();
            errors.push(err(
                code::UNSUPPORTED_PERIOD,
                d.pos,
                "",
                format!(
                    "could not generate SLO alerts: the {period} SLO period time window is not supported (the alert windows catalog has: {}; add one with --slo-period-windows-path)",
                    known.join(", ")
                ),
            ));
            continue;
        };
        let sli = match d.slis.len() {
            1 => d.slis[0].clone(),
            0 => {
                errors.push(err(
                    code::SLI_KIND,
                    d.spans.sli,
                    "sli",
                    "invalid SLI: at least one SLI type is required (events, raw or plugin)".into(),
                ));
                continue;
            }
            _ => {
                errors.push(err(
                    code::SLI_KIND,
                    d.spans.sli,
                    "sli",
                    "invalid SLI: only one SLI type is allowed (keep one of events, raw or plugin)"
                        .into(),
                ));
                continue;
            }
        };
        let plugins = chain::build(
            opts.cli_plugins,
            &d.spec_plugins,
            d.overridden,
            opts.disable_default_plugins,
        );
        if d.overridden && plugins.is_empty() {
            errors.push(err(
                code::PLUGINS,
                d.pos,
                "plugins",
                "invalid plugins: override plugins is set but no plugins are defined".into(),
            ));
        }
        let slo = Slo {
            id: id.clone(),
            name: d.name,
            service: d.service,
            description: d.description,
            sli,
            sli_plugin: d.sli_plugin,
            period,
            windows,
            objective: d.objective,
            labels,
            page_alert: d.page_alert,
            ticket_alert: d.ticket_alert,
            plugins,
            pos: d.pos,
            spans: d.spans,
        };
        for dialect in validators_in(&slo.plugins, opts.dialect) {
            errors.extend(validate::validate_slo(&slo, &slo.spans, dialect));
        }
        slos.push(slo);
    }
    if errors.is_empty() {
        Ok(SloGroup { kind, slos, kube })
    } else {
        Err(errors)
    }
}

/// The validators in a chain: Sloth validates only when the chain holds a validate plugin.
pub fn validators(plugins: &[PluginDecl]) -> Vec<Dialect> {
    validators_in(plugins, Dialect::PromQl)
}

/// The validators in a chain, Sloth's own validator parsing in `dialect`.
pub fn validators_in(plugins: &[PluginDecl], dialect: Dialect) -> Vec<Dialect> {
    let mut out = Vec::new();
    for p in plugins {
        let d = match p.id.as_str() {
            "sloth.dev/core/validate/v1" => dialect,
            "sloth.dev/contrib/validate_victoria_metrics/v1" => Dialect::MetricsQl,
            _ => continue,
        };
        if !out.contains(&d) {
            out.push(d);
        }
    }
    out
}

/// A problem with a slogen SLI plugin's options, at the option's key or value.
fn option_error(
    id: &crate::spec::Spanned<String>,
    options: &RawMap,
    slo: &str,
    p: OptionProblem,
) -> ModelError {
    let entry = p
        .option
        .as_ref()
        .and_then(|o| options.iter().rev().find(|(k, _)| k.value == *o));
    let pos = match entry {
        Some((k, _)) if p.on_key => k.pos,
        Some((_, v)) => v.pos,
        None => id.pos,
    };
    ModelError {
        code: code::SLI_PLUGIN,
        pos,
        slo: Some(slo.to_string()),
        field: match &p.option {
            Some(o) => format!("sli.plugin.options.{o}"),
            None => "sli.plugin.options".into(),
        },
        message: format!("plugin {:?}: {}", id.value, p.message),
    }
}

fn plain(raw: &RawMap) -> Labels {
    raw.iter()
        .map(|(k, v)| (k.value.clone(), v.value.clone()))
        .collect()
}

fn alert_meta(alerting: &AlertingSpec, alert: &AlertSpec) -> Option<AlertMeta> {
    if alert.disable.value {
        return None;
    }
    let mut meta = AlertMeta {
        name: alerting.name.value.clone(),
        ..AlertMeta::default()
    };
    for (k, v) in alerting.labels.iter().chain(alert.labels.iter()) {
        meta.labels.insert(k.value.clone(), v.value.clone());
    }
    for (k, v) in alerting.annotations.iter().chain(alert.annotations.iter()) {
        meta.annotations.insert(k.value.clone(), v.value.clone());
    }
    Some(meta)
}

/// compat(sloth): group plugins come first; an SLO that overrides drops them (§3.1).
fn spec_chain(group: &PluginChain, slo: &PluginChain) -> (Vec<PluginDecl>, bool) {
    let decl = |p: &crate::spec::sloth::PluginRef| PluginDecl {
        id: p.id.value.clone(),
        config: p.config.clone(),
        priority: p.priority,
    };
    if slo.override_previous.value {
        return (slo.chain.iter().map(decl).collect(), true);
    }
    let plugins = group
        .chain
        .iter()
        .chain(slo.chain.iter())
        .map(decl)
        .collect();
    (plugins, group.override_previous.value)
}
