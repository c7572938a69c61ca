//! The shapes of Sloth's two spec formats: `prometheus/v1` and the Kubernetes CRD form.
//!
//! Both hold the same fields (sloth-generation.md §3.1, §3.2), so one macro declares both sets
//! of structs, each with its own key spelling and string type:
//!
//! - `prometheus/v1` keys are snake_case (plugin keys excepted) and, compat(sloth):
//!   sigs.k8s.io/yaml coerces numbers and booleans into string fields (`tier: 2` is `"2"`), so
//!   string leaves accept any scalar ([`StringLike`]).
//! - Kubernetes keys are camelCase and a number where a string belongs is a decode error, so
//!   string leaves are strict strings.
//!
//! Every object denies unknown keys: Sloth ignores them silently, which is how a misspelled
//! `ticker_alert` turns off a ticket alert's labels without anyone noticing.

use std::borrow::Cow;
use std::collections::BTreeMap;

use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde::Deserialize;

/// A string field of a `prometheus/v1` spec: a string, or a number or boolean that Sloth turns
/// into its text.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum StringLike {
    Str(String),
    Number(serde_json::Number),
    Bool(bool),
}

impl JsonSchema for StringLike {
    fn inline_schema() -> bool {
        true
    }

    fn schema_name() -> Cow<'static, str> {
        "StringLike".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({ "type": ["string", "number", "boolean"] })
    }
}

macro_rules! sloth_format {
    (
        rename = $rename:literal,
        string = $S:ty,
        spec_doc = $spec_doc:literal,
        alert_keys = ($page:literal, $ticket:literal),
        head = { $($head:tt)* },
    ) => {
        #[doc = $spec_doc]
        #[derive(Debug, Deserialize, JsonSchema)]
        #[serde(deny_unknown_fields, rename_all = $rename)]
        pub struct ServiceLevelSpec {
            $($head)*
            /// The service the SLOs belong to. With each SLO's name it forms the SLO ID
            /// (`<service>-<name>`), which must start and end with a letter or digit and
            /// contain only letters, digits, `.`, `_` and `-`.
            #[schemars(length(min = 1))]
            pub service: $S,
            /// Labels added to every SLO of this group (an SLO's own labels win).
            pub labels: Option<BTreeMap<String, $S>>,
            /// SLO plugins run for every SLO of this group, before each SLO's own plugins.
            pub slo_plugins: Option<PluginChain>,
            /// The SLOs. At least one.
            #[schemars(length(min = 1))]
            pub slos: Vec<Slo>,
        }

        /// One SLO.
        #[derive(Debug, Deserialize, JsonSchema)]
        #[serde(deny_unknown_fields, rename_all = $rename)]
        pub struct Slo {
            /// The SLO name, unique within the service; part of the SLO ID.
            #[schemars(length(min = 1))]
            pub name: $S,
            /// What the SLO means. Not written into the rules; shown to people.
            pub description: Option<$S>,
            /// The target, in percent of good events over the SLO period: `99.9` means 0.1% of
            /// events may fail. Greater than 0, at most 100. Write it unquoted.
            #[schemars(extend("exclusiveMinimum" = 0, "maximum" = 100))]
            pub objective: f64,
            /// Labels of this SLO, added to its recording rules and alerts.
            pub labels: Option<BTreeMap<String, $S>>,
            /// SLO plugins of this SLO, run after the group's `slo_plugins`.
            pub plugins: Option<PluginChain>,
            /// How good and bad events are measured: exactly one of `events`, `raw` or `plugin`.
            pub sli: Sli,
            /// The page and ticket alerts. Alerts are on unless disabled, and then need a name.
            pub alerting: Option<Alerting>,
        }

        /// The SLI: exactly one of `events`, `raw` or `plugin`.
        #[derive(Debug, Deserialize, JsonSchema)]
        #[serde(deny_unknown_fields, rename_all = $rename)]
        #[schemars(extend("minProperties" = 1, "maxProperties" = 1))]
        pub struct Sli {
            /// A ratio of error events over total events, as two PromQL queries.
            pub events: Option<SliEvents>,
            /// The error ratio as one PromQL query.
            pub raw: Option<SliRaw>,
            /// An SLI plugin that builds the error-ratio query from options.
            pub plugin: Option<SliPlugin>,
        }

        /// An events SLI.
        #[derive(Debug, Deserialize, JsonSchema)]
        #[serde(deny_unknown_fields, rename_all = $rename)]
        pub struct SliEvents {
            /// PromQL counting failed events over `{{.window}}`, e.g.
            /// `sum(rate(http_requests_total{code=~"5.."}[{{.window}}]))`.
            #[schemars(length(min = 1))]
            pub error_query: $S,
            /// PromQL counting all events over `{{.window}}`, e.g.
            /// `sum(rate(http_requests_total[{{.window}}]))`.
            #[schemars(length(min = 1))]
            pub total_query: $S,
        }

        /// A raw SLI.
        #[derive(Debug, Deserialize, JsonSchema)]
        #[serde(deny_unknown_fields, rename_all = $rename)]
        pub struct SliRaw {
            /// PromQL giving the error ratio (0 to 1) over `{{.window}}`.
            #[schemars(length(min = 1))]
            pub error_ratio_query: $S,
        }

        /// An SLI plugin call.
        #[derive(Debug, Deserialize, JsonSchema)]
        #[serde(deny_unknown_fields)]
        pub struct SliPlugin {
            /// The plugin ID, e.g. `sloth-common/kubernetes/apiserver/availability`.
            #[schemars(length(min = 1))]
            pub id: $S,
            /// The plugin's options, a map of strings.
            pub options: Option<BTreeMap<String, $S>>,
        }

        /// The alerts of an SLO.
        #[derive(Debug, Deserialize, JsonSchema)]
        #[serde(deny_unknown_fields, rename_all = $rename)]
        pub struct Alerting {
            /// The alert name (`alertname`) of both alerts; required while either is enabled.
            #[schemars(length(min = 1))]
            pub name: Option<$S>,
            /// Labels of both alerts.
            pub labels: Option<BTreeMap<String, $S>>,
            /// Annotations of both alerts.
            pub annotations: Option<BTreeMap<String, $S>>,
            /// The page alert: the fast, critical burn-rate alert.
            #[serde(rename = $page)]
            pub page_alert: Option<Alert>,
            /// The ticket alert: the slow, warning burn-rate alert.
            #[serde(rename = $ticket)]
            pub ticket_alert: Option<Alert>,
        }

        /// A page or ticket alert.
        #[derive(Debug, Deserialize, JsonSchema)]
        #[serde(deny_unknown_fields)]
        pub struct Alert {
            /// `true` turns this alert off.
            pub disable: Option<bool>,
            /// Labels of this alert only (they win over `alerting.labels`).
            pub labels: Option<BTreeMap<String, $S>>,
            /// Annotations of this alert only (they win over `alerting.annotations`).
            pub annotations: Option<BTreeMap<String, $S>>,
        }

        /// A chain of SLO plugins.
        #[derive(Debug, Deserialize, JsonSchema)]
        #[serde(deny_unknown_fields, rename_all = "camelCase")]
        pub struct PluginChain {
            /// `true` drops the plugins declared before (the default chain, or the group's).
            pub override_previous: Option<bool>,
            /// The plugins, run in priority order.
            pub chain: Option<Vec<PluginRef>>,
        }

        /// One SLO plugin in a chain.
        #[derive(Debug, Deserialize, JsonSchema)]
        #[serde(deny_unknown_fields)]
        pub struct PluginRef {
            /// The plugin ID, e.g. `sloth.dev/core/debug/v1`.
            #[schemars(length(min = 1))]
            pub id: $S,
            /// The plugin's configuration, any YAML; handed to the plugin as JSON.
            pub config: Option<serde_json::Value>,
            /// Order in the chain: lower runs first. Default 0.
            pub priority: Option<i64>,
        }
    };
}

/// `version: "prometheus/v1"` specs.
pub mod prometheus_v1 {
    use super::*;

    /// A `prometheus/v1` spec is its service level spec with a `version` key.
    pub type PrometheusV1Spec = ServiceLevelSpec;

    sloth_format! {
        rename = "snake_case",
        string = StringLike,
        spec_doc = "A Sloth `prometheus/v1` spec: one service and its SLOs.",
        alert_keys = ("page_alert", "ticket_alert"),
        head = {
            /// Always `prometheus/v1`.
            #[schemars(extend("const" = "prometheus/v1"))]
            pub version: String,
        },
    }
}

/// Kubernetes `sloth.slok.dev/v1` `PrometheusServiceLevel` objects.
pub mod kubernetes {
    use super::*;

    /// A Sloth `PrometheusServiceLevel` custom resource.
    #[derive(Debug, Deserialize, JsonSchema)]
    #[serde(deny_unknown_fields, rename_all = "camelCase")]
    pub struct PrometheusServiceLevel {
        /// Always `sloth.slok.dev/v1`.
        #[schemars(extend("const" = "sloth.slok.dev/v1"))]
        pub api_version: String,
        /// Always `PrometheusServiceLevel`.
        #[schemars(extend("const" = "PrometheusServiceLevel"))]
        pub kind: String,
        /// The object's metadata; its name, namespace, labels and annotations are copied to the
        /// generated `PrometheusRule`.
        pub metadata: Option<ObjectMeta>,
        /// The service and its SLOs.
        pub spec: ServiceLevelSpec,
        /// Written by the Sloth controller; ignored by slogen.
        pub status: Option<serde_json::Value>,
    }

    /// Kubernetes object metadata (other standard fields are allowed).
    #[derive(Debug, Deserialize, JsonSchema)]
    pub struct ObjectMeta {
        /// The object name; also the generated `PrometheusRule`'s name.
        pub name: Option<String>,
        /// The namespace of the generated `PrometheusRule`.
        pub namespace: Option<String>,
        /// Labels copied to the generated `PrometheusRule`.
        pub labels: Option<BTreeMap<String, String>>,
        /// Annotations copied to the generated `PrometheusRule`.
        pub annotations: Option<BTreeMap<String, String>>,
    }

    sloth_format! {
        rename = "camelCase",
        string = String,
        spec_doc = "The service and SLOs of a `PrometheusServiceLevel`.",
        alert_keys = ("pageAlert", "ticketAlert"),
        head = {},
    }
}
