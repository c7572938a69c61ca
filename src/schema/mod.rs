//! JSON Schemas for slogen's input formats, for editors and CI.
//!
//! Sloth decodes specs loosely: an unknown or misspelled key (`ticker_alert`, `pageAlert` in a
//! `prometheus/v1` file) is dropped without a word. A JSON Schema with
//! `additionalProperties: false` lets an editor running yaml-language-server underline such a key
//! while the spec is typed, before `slogen lint` ever runs.
//!
//! The schemas are derived with schemars from serde structs that mirror each format
//! ([`sloth`] for `prometheus/v1` and the Kubernetes CRD form, [`windows`] for `AlertWindows`
//! files). They describe shapes, not meaning: value rules that need more than one field (an
//! alert name required only while an alert is enabled) stay with `validate` and `lint`.
//! Schemas are emitted as JSON Schema draft 7, the draft editors support best.

pub mod slogen;
pub mod sloth;
pub mod windows;

use schemars::generate::SchemaSettings;
use schemars::JsonSchema;

/// The input formats a schema exists for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SchemaKind {
    /// `version: "prometheus/v1"` specs.
    #[value(name = "prometheus-v1")]
    PrometheusV1,
    /// Kubernetes `sloth.slok.dev/v1` `PrometheusServiceLevel` objects.
    Kubernetes,
    /// `AlertWindows` files read by `--slo-period-windows-path`.
    Windows,
}

impl SchemaKind {
    /// Every kind, in the order the CLI lists them.
    pub const ALL: [SchemaKind; 3] = [
        SchemaKind::PrometheusV1,
        SchemaKind::Kubernetes,
        SchemaKind::Windows,
    ];

    /// The name used on the command line and in file names.
    pub fn name(self) -> &'static str {
        match self {
            SchemaKind::PrometheusV1 => "prometheus-v1",
            SchemaKind::Kubernetes => "kubernetes",
            SchemaKind::Windows => "windows",
        }
    }
}

/// The JSON Schema (draft 7) of one input format.
pub fn schema(kind: SchemaKind) -> serde_json::Value {
    let (schema, title) = match kind {
        SchemaKind::PrometheusV1 => (
            root::<sloth::prometheus_v1::PrometheusV1Spec>(),
            "Sloth prometheus/v1 SLO spec",
        ),
        SchemaKind::Kubernetes => (
            root::<sloth::kubernetes::PrometheusServiceLevel>(),
            "Sloth PrometheusServiceLevel (sloth.slok.dev/v1)",
        ),
        SchemaKind::Windows => (
            root::<windows::AlertWindows>(),
            "Sloth AlertWindows (sloth.slok.dev/v1)",
        ),
    };
    let mut value = schema.to_value();
    match kind {
        SchemaKind::PrometheusV1 => slogen::add_plugin_conditions(&mut value, false),
        SchemaKind::Kubernetes => slogen::add_plugin_conditions(&mut value, true),
        SchemaKind::Windows => {}
    }
    if let Some(obj) = value.as_object_mut() {
        obj.insert("title".into(), title.into());
    }
    value
}

/// The schema as pretty-printed JSON with a final newline, as `slogen schema` prints it.
pub fn render(kind: SchemaKind) -> String {
    let mut text = serde_json::to_string_pretty(&schema(kind)).expect("a schema serialises");
    text.push('\n');
    text
}

fn root<T: JsonSchema>() -> schemars::Schema {
    // Inlined rather than `$ref`ed: an optional section is then `type: [object, null]`
    // instead of an `anyOf`, so validators and editors point at the offending key itself.
    let mut settings = SchemaSettings::draft07();
    settings.inline_subschemas = true;
    settings.into_generator().into_root_schema_for::<T>()
}
