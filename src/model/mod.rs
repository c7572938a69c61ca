//! Stage 2: validated SLOs, the one model every format lowers into.
//!
//! [`lower`] turns a raw spec into a [`SloGroup`] and runs Sloth's validation on it
//! ([`validate`]). `generate`, `validate`, `lint` and `mcp` all reach validation through here,
//! so each rule lives in one place.

pub mod chain;
pub mod lower;
pub mod openslo;
pub mod template;
pub mod validate;

use std::collections::BTreeMap;
use std::fmt;

use crate::duration::Duration;
use crate::source::Pos;
use crate::spec::sloth::KubeMetadata;
use crate::spec::windows::AlertWindows;
use crate::spec::SpecKind;

pub use chain::PluginDecl;
pub use lower::{lower, LowerOptions};
pub use validate::{Dialect, SloSpans};

/// Labels or annotations. Kept in byte order; writers re-sort as Sloth's output needs.
pub type Labels = BTreeMap<String, String>;

/// The SLOs of one spec document.
#[derive(Debug, Clone, PartialEq)]
pub struct SloGroup {
    pub kind: SpecKind,
    pub slos: Vec<Slo>,
    /// The Kubernetes object's metadata, for Kubernetes input.
    pub kube: Option<KubeMetadata>,
}

/// One SLO, valid by Sloth's rules (unless the plugin chain left validation out, as Sloth
/// allows).
#[derive(Debug, Clone, PartialEq)]
pub struct Slo {
    /// `<service>-<name>`.
    pub id: String,
    pub name: String,
    pub service: String,
    pub description: String,
    pub sli: Sli,
    /// The slogen SLI plugin the SLI comes from, with its options (`slogen/latency/v1`…).
    pub sli_plugin: Option<(String, Labels)>,
    pub period: Duration,
    pub windows: AlertWindows,
    /// Percent, in (0, 100].
    pub objective: f64,
    /// Spec, SLO and extra labels, merged with Sloth's precedence.
    pub labels: Labels,
    pub page_alert: Option<AlertMeta>,
    pub ticket_alert: Option<AlertMeta>,
    /// The final, ordered plugin chain (defaults included).
    pub plugins: Vec<PluginDecl>,
    /// Where the SLO is written.
    pub pos: Pos,
    /// Where its fields are written.
    pub spans: SloSpans,
}

/// How the SLI is measured.
#[derive(Debug, Clone, PartialEq)]
pub enum Sli {
    /// Ratio of bad events to all events.
    Events {
        error_query: String,
        total_query: String,
    },
    /// A query that is already the error ratio.
    Raw { error_ratio_query: String },
}

/// An enabled alert's name, labels and annotations.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct AlertMeta {
    pub name: String,
    pub labels: Labels,
    pub annotations: Labels,
}

/// A reason an SLO is invalid, with where it is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelError {
    /// A stable code (`V005`) shared with `lint`.
    pub code: &'static str,
    pub pos: Pos,
    /// The SLO's ID, when the problem belongs to one SLO.
    pub slo: Option<String>,
    /// The dotted field path, when known.
    pub field: String,
    pub message: String,
}

impl fmt::Display for ModelError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(slo) = &self.slo {
            write!(f, "invalid slo {slo:?}: ")?;
        }
        if !self.field.is_empty() {
            write!(f, "{}: ", self.field)?;
        }
        f.write_str(&self.message)
    }
}
