//! The checks of slogen's SLO plugins on a spec as written, with positions: each config
//! problem at its key, a plugin chained before the default plugins, twice, or on an SLI it
//! cannot use. `pipeline` runs them for every `prometheus/v1` and Kubernetes document, so
//! `generate`, `validate` and `lint` report them alike (code V018).

use super::{check_config, ConfigProblem, EXACT_RATIO, MIN_TRAFFIC};
use crate::model::validate::code;
use crate::model::{ModelError, PluginDecl};
use crate::plugins::sli::EVENTS_PLUGINS;
use crate::source::Pos;
use crate::spec::sloth::{Flavor, PluginChain, PluginRef, SloSpec, SlothSpec};
use crate::yaml::Node;

/// Every problem of the slogen plugins declared in `spec` or on the command line (`cli`).
pub fn spec(spec: &SlothSpec, flavor: Flavor, cli: &[PluginDecl]) -> Vec<ModelError> {
    let mut out = Vec::new();
    let prefix = if flavor == Flavor::Kubernetes {
        "spec."
    } else {
        ""
    };
    let group_field = format!("{prefix}{}", flavor.key("slo_plugins"));
    chain_problems(&spec.plugins, &group_field, None, &mut out);
    for (i, slo) in spec.slos.iter().enumerate() {
        let id = format!("{}-{}", spec.service.value, slo.name.value);
        let field = format!("{prefix}slos[{i}].plugins");
        chain_problems(&slo.plugins, &field, Some(&id), &mut out);
        slo_problems(spec, slo, &id, cli, &mut out);
    }
    out
}

fn chain_problems(chain: &PluginChain, field: &str, slo: Option<&str>, out: &mut Vec<ModelError>) {
    for (i, p) in chain.chain.iter().enumerate() {
        let Some(problems) = check_config(&p.id.value, &p.config) else {
            continue;
        };
        let f = format!("{field}.chain[{i}]");
        for problem in problems {
            out.push(config_error(p, &f, slo, problem));
        }
        if p.priority < 0 {
            out.push(ModelError {
                code: code::SLOGEN_PLUGIN,
                pos: p.priority_pos,
                slo: slo.map(str::to_string),
                field: format!("{f}.priority"),
                message: format!(
                    "{} edits the rules of the default plugins, so it must run after them: \
                     use a priority of 0 or more (found {})",
                    p.id.value, p.priority
                ),
            });
        }
    }
}

fn config_error(
    p: &PluginRef,
    field: &str,
    slo: Option<&str>,
    problem: ConfigProblem,
) -> ModelError {
    let pos = p
        .config_node
        .as_ref()
        .and_then(|n| locate(n, &problem.path, problem.on_key))
        .unwrap_or(p.id.pos);
    let mut f = format!("{field}.config");
    for k in &problem.path {
        f.push('.');
        f.push_str(k);
    }
    ModelError {
        code: code::SLOGEN_PLUGIN,
        pos,
        slo: slo.map(str::to_string),
        field: f,
        message: format!("invalid {} config: {}", p.id.value, problem.message),
    }
}

/// Where the value (or key) at `path` is written inside a config node.
fn locate(node: &Node, path: &[String], on_key: bool) -> Option<Pos> {
    let mut cur = node;
    let mut key_pos = None;
    for seg in path {
        let (k, v) = cur
            .as_map()?
            .iter()
            .rev()
            .find(|(k, _)| k.as_scalar().is_some_and(|s| s.text == *seg))?;
        key_pos = Some(k.pos);
        cur = v;
    }
    Some(match (on_key, key_pos) {
        (true, Some(k)) => k,
        _ => cur.pos,
    })
}

/// The SLO's own chain checks: a slogen plugin twice, or one that needs events on another SLI.
fn slo_problems(
    spec: &SlothSpec,
    slo: &SloSpec,
    id: &str,
    cli: &[PluginDecl],
    out: &mut Vec<ModelError>,
) {
    let mut refs: Vec<&PluginRef> = Vec::new();
    if !slo.plugins.override_previous.value {
        refs.extend(&spec.plugins.chain);
    }
    refs.extend(&slo.plugins.chain);
    let cli_ids: Vec<&str> =
        if slo.plugins.override_previous.value || spec.plugins.override_previous.value {
            Vec::new()
        } else {
            cli.iter().map(|d| d.id.as_str()).collect()
        };
    let err = |pos: Pos, message: String| ModelError {
        code: code::SLOGEN_PLUGIN,
        pos,
        slo: Some(id.to_string()),
        field: "plugins".into(),
        message,
    };
    let mut seen: Vec<&str> = cli_ids
        .iter()
        .copied()
        .filter(|i| i.starts_with("slogen/"))
        .collect();
    for r in &refs {
        let rid = r.id.value.as_str();
        if !rid.starts_with("slogen/") {
            continue;
        }
        if seen.contains(&rid) {
            out.push(err(
                r.id.pos,
                format!("{rid} is chained twice for this SLO (group, SLO or -s plugins): keep one"),
            ));
        }
        seen.push(rid);
    }
    let events = slo.sli.events.is_some()
        || slo
            .sli
            .plugin
            .as_ref()
            .is_some_and(|p| EVENTS_PLUGINS.contains(&p.id.value.as_str()));
    let sli_known = slo.sli.events.is_some() || slo.sli.raw.is_some() || slo.sli.plugin.is_some();
    if events || !sli_known {
        return;
    }
    for need in [EXACT_RATIO, MIN_TRAFFIC] {
        let pos = refs.iter().find(|r| r.id.value == need).map(|r| r.id.pos);
        if pos.is_none() && !cli_ids.contains(&need) {
            continue;
        }
        out.push(err(
            pos.unwrap_or(slo.pos),
            format!(
                "{need} needs an events SLI (`events` with error and total queries, or the SLI \
                 plugins {}): this SLO's SLI is one error-ratio query, which has no event counts",
                EVENTS_PLUGINS.join(" or ")
            ),
        ));
    }
}
