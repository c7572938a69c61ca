//! Reader for Sloth's own formats: `prometheus/v1` and Kubernetes `PrometheusServiceLevel`.
//!
//! The two formats hold the same fields; Kubernetes nests them under `spec`, spells keys in
//! camelCase and decodes without coercion (sloth-generation.md §3.1, §3.2). One reader serves
//! both, parameterised by [`Flavor`].

use super::read::{to_json, Coercion, RawMap, Reader};
use super::{Spanned, SpecError};
use crate::source::Pos;
use crate::yaml::Node;

/// Which of Sloth's two formats a document is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavor {
    PrometheusV1,
    Kubernetes,
}

impl Flavor {
    fn coercion(self) -> Coercion {
        match self {
            Flavor::PrometheusV1 => Coercion::SigsYaml,
            Flavor::Kubernetes => Coercion::KubeJson,
        }
    }

    /// The key for a field, given its snake_case (prometheus/v1) name.
    pub fn key(self, snake: &'static str) -> &'static str {
        if self == Flavor::PrometheusV1 {
            return snake;
        }
        match snake {
            "slo_plugins" => "sloPlugins",
            "error_ratio_query" => "errorRatioQuery",
            "error_query" => "errorQuery",
            "total_query" => "totalQuery",
            "page_alert" => "pageAlert",
            "ticket_alert" => "ticketAlert",
            other => other,
        }
    }
}

/// A spec group as written: one `prometheus/v1` document or one Kubernetes object.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SlothSpec {
    pub service: Spanned<String>,
    pub labels: RawMap,
    pub plugins: PluginChain,
    pub slos: Vec<SloSpec>,
    /// Kubernetes metadata, kept for the output `PrometheusRule`.
    pub metadata: Option<KubeMetadata>,
    /// Where the document starts.
    pub pos: Pos,
}

/// `metadata` of a Kubernetes object.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct KubeMetadata {
    pub name: String,
    pub namespace: String,
    pub labels: Option<Vec<(String, String)>>,
    pub annotations: Option<Vec<(String, String)>>,
}

/// A plugin chain: `slo_plugins` of a group or `plugins` of an SLO.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PluginChain {
    pub override_previous: Spanned<bool>,
    pub chain: Vec<PluginRef>,
}

/// One declared SLO plugin.
#[derive(Debug, Clone, PartialEq)]
pub struct PluginRef {
    pub id: Spanned<String>,
    /// The config as JSON; `Null` when absent.
    pub config: serde_json::Value,
    pub priority: i64,
    pub pos: Pos,
    /// The config as written, for pointing at its keys.
    pub config_node: Option<Node>,
    /// Where `priority` is written (the entry's position when absent).
    pub priority_pos: Pos,
}

/// One SLO as written.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SloSpec {
    pub name: Spanned<String>,
    pub description: Spanned<String>,
    pub objective: Option<Spanned<f64>>,
    pub labels: RawMap,
    pub plugins: PluginChain,
    pub sli: SliSpec,
    pub alerting: AlertingSpec,
    pub pos: Pos,
}

/// The SLI section: Sloth accepts several kinds and validation refuses more than one.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SliSpec {
    pub raw: Option<Spanned<String>>,
    pub events: Option<(Spanned<String>, Spanned<String>)>,
    pub plugin: Option<SliPluginSpec>,
    pub pos: Pos,
}

/// `sli.plugin`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SliPluginSpec {
    pub id: Spanned<String>,
    pub options: RawMap,
    pub pos: Pos,
}

/// The `alerting` section.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct AlertingSpec {
    pub name: Spanned<String>,
    pub labels: RawMap,
    pub annotations: RawMap,
    pub page_alert: AlertSpec,
    pub ticket_alert: AlertSpec,
    pub pos: Pos,
}

/// `page_alert` or `ticket_alert`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct AlertSpec {
    pub disable: Spanned<bool>,
    pub labels: RawMap,
    pub annotations: RawMap,
    pub pos: Pos,
}

/// Reads one document of either flavor. All shape problems are returned together.
pub fn read(root: &Node, flavor: Flavor) -> Result<SlothSpec, Vec<SpecError>> {
    let mut r = Reader::new(flavor.coercion());
    let spec = read_group(&mut r, root, flavor);
    if r.errors.is_empty() {
        Ok(spec)
    } else {
        Err(r.errors)
    }
}

fn read_group(r: &mut Reader, root: &Node, flavor: Flavor) -> SlothSpec {
    let mut spec = SlothSpec {
        pos: root.pos,
        ..SlothSpec::default()
    };
    if !r.expect_map(root, "") {
        r.error(root.pos, "", "spec is required");
        return spec;
    }
    let (body, prefix) = match flavor {
        Flavor::PrometheusV1 => (root, String::new()),
        Flavor::Kubernetes => {
            spec.metadata = Some(read_metadata(r, root));
            match r.get(root, "spec") {
                Some(s) if r.expect_map(s, "spec") => (s, "spec.".to_string()),
                _ => {
                    r.error(root.pos, "spec", "spec is required");
                    return spec;
                }
            }
        }
    };
    spec.service = r.string(body, "service", &format!("{prefix}service"));
    spec.labels = r.string_map(body, "labels", &format!("{prefix}labels"));
    spec.plugins = read_chain(
        r,
        body,
        flavor.key("slo_plugins"),
        &format!("{prefix}{}", flavor.key("slo_plugins")),
    );
    let slos_key = format!("{prefix}slos");
    for (i, node) in r.seq(body, "slos", &slos_key).into_iter().enumerate() {
        let field = format!("{slos_key}[{i}]");
        spec.slos.push(read_slo(r, node, flavor, &field));
    }
    if spec.slos.is_empty() {
        let pos = r.get(body, "slos").map(|n| n.pos).unwrap_or(body.pos);
        r.error(pos, &slos_key, "at least one SLO is required");
    }
    spec
}

fn read_metadata(r: &mut Reader, root: &Node) -> KubeMetadata {
    let mut meta = KubeMetadata::default();
    let Some(m) = r.get(root, "metadata") else {
        return meta;
    };
    if !r.expect_map(m, "metadata") {
        return meta;
    }
    meta.name = r.string(m, "name", "metadata.name").value;
    meta.namespace = r.string(m, "namespace", "metadata.namespace").value;
    let plain = |raw: RawMap| raw.into_iter().map(|(k, v)| (k.value, v.value)).collect();
    if r.get(m, "labels").is_some_and(|n| !n.is_null()) {
        meta.labels = Some(plain(r.string_map(m, "labels", "metadata.labels")));
    }
    if r.get(m, "annotations").is_some_and(|n| !n.is_null()) {
        meta.annotations = Some(plain(r.string_map(
            m,
            "annotations",
            "metadata.annotations",
        )));
    }
    meta
}

fn read_chain(r: &mut Reader, parent: &Node, key: &str, field: &str) -> PluginChain {
    let mut chain = PluginChain::default();
    let Some(node) = r.get(parent, key) else {
        return chain;
    };
    if !r.expect_map(node, field) {
        return chain;
    }
    chain.override_previous = r.boolean(
        node,
        "overridePrevious",
        &format!("{field}.overridePrevious"),
    );
    for (i, item) in r
        .seq(node, "chain", &format!("{field}.chain"))
        .into_iter()
        .enumerate()
    {
        let f = format!("{field}.chain[{i}]");
        if !r.expect_map(item, &f) {
            continue;
        }
        let config_node = r.get(item, "config").cloned();
        let config = config_node
            .as_ref()
            .map(to_json)
            .unwrap_or(serde_json::Value::Null);
        chain.chain.push(PluginRef {
            id: r.string(item, "id", &format!("{f}.id")),
            config,
            priority: r.integer(item, "priority", &format!("{f}.priority")),
            pos: item.pos,
            config_node,
            priority_pos: r.get(item, "priority").map_or(item.pos, |n| n.pos),
        });
    }
    chain
}

fn read_slo(r: &mut Reader, node: &Node, flavor: Flavor, field: &str) -> SloSpec {
    let mut slo = SloSpec {
        pos: node.pos,
        ..SloSpec::default()
    };
    if !r.expect_map(node, field) {
        return slo;
    }
    slo.name = r.string(node, "name", &format!("{field}.name"));
    slo.description = r.string(node, "description", &format!("{field}.description"));
    slo.objective = r.number(node, "objective", &format!("{field}.objective"));
    slo.labels = r.string_map(node, "labels", &format!("{field}.labels"));
    slo.plugins = read_chain(r, node, "plugins", &format!("{field}.plugins"));
    if let Some(sli) = r.get(node, "sli") {
        slo.sli = read_sli(r, sli, flavor, &format!("{field}.sli"));
    } else {
        slo.sli.pos = node.pos;
    }
    if let Some(alerting) = r.get(node, "alerting") {
        slo.alerting = read_alerting(r, alerting, flavor, &format!("{field}.alerting"));
    } else {
        slo.alerting.pos = node.pos;
    }
    slo
}

fn read_sli(r: &mut Reader, node: &Node, flavor: Flavor, field: &str) -> SliSpec {
    let mut sli = SliSpec {
        pos: node.pos,
        ..SliSpec::default()
    };
    if !r.expect_map(node, field) {
        return sli;
    }
    if let Some(raw) = r.get(node, "raw").filter(|n| !n.is_null()) {
        if r.expect_map(raw, &format!("{field}.raw")) {
            let key = flavor.key("error_ratio_query");
            sli.raw = Some(r.string(raw, key, &format!("{field}.raw.{key}")));
        } else {
            sli.raw = Some(Spanned::new(String::new(), raw.pos));
        }
    }
    if let Some(events) = r.get(node, "events").filter(|n| !n.is_null()) {
        let ek = flavor.key("error_query");
        let tk = flavor.key("total_query");
        if r.expect_map(events, &format!("{field}.events")) {
            sli.events = Some((
                r.string(events, ek, &format!("{field}.events.{ek}")),
                r.string(events, tk, &format!("{field}.events.{tk}")),
            ));
        } else {
            let empty = Spanned::new(String::new(), events.pos);
            sli.events = Some((empty.clone(), empty));
        }
    }
    if let Some(plugin) = r.get(node, "plugin").filter(|n| !n.is_null()) {
        if r.expect_map(plugin, &format!("{field}.plugin")) {
            sli.plugin = Some(SliPluginSpec {
                id: r.string(plugin, "id", &format!("{field}.plugin.id")),
                options: r.string_map(plugin, "options", &format!("{field}.plugin.options")),
                pos: plugin.pos,
            });
        }
    }
    sli
}

fn read_alerting(r: &mut Reader, node: &Node, flavor: Flavor, field: &str) -> AlertingSpec {
    let mut a = AlertingSpec {
        pos: node.pos,
        ..AlertingSpec::default()
    };
    if !r.expect_map(node, field) {
        return a;
    }
    a.name = r.string(node, "name", &format!("{field}.name"));
    a.labels = r.string_map(node, "labels", &format!("{field}.labels"));
    a.annotations = r.string_map(node, "annotations", &format!("{field}.annotations"));
    a.page_alert = read_alert(r, node, flavor.key("page_alert"), field);
    a.ticket_alert = read_alert(r, node, flavor.key("ticket_alert"), field);
    a
}

fn read_alert(r: &mut Reader, parent: &Node, key: &str, field: &str) -> AlertSpec {
    let mut alert = AlertSpec {
        pos: parent.pos,
        ..AlertSpec::default()
    };
    let Some(node) = r.get(parent, key) else {
        return alert;
    };
    alert.pos = node.pos;
    let f = format!("{field}.{key}");
    if !r.expect_map(node, &f) {
        return alert;
    }
    alert.disable = r.boolean(node, "disable", &format!("{f}.disable"));
    alert.labels = r.string_map(node, "labels", &format!("{f}.labels"));
    alert.annotations = r.string_map(node, "annotations", &format!("{f}.annotations"));
    alert
}
