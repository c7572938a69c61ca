//! Stage 1: spec files read into raw structs that keep positions.
//!
//! A file is cut into documents exactly as Sloth's `SplitYAML` cuts it, each document's format
//! is detected with Sloth's line-anchored regexes, and the document is read by the reader of
//! its format. Readers report shape problems (wrong type, missing section) as [`SpecError`]s,
//! all of them, and never judge meaning: that is [`crate::model`]'s job.

pub mod document;
pub mod openslo;
pub mod read;
pub mod schema_keys;
pub mod sloth;
pub mod windows;

use std::fmt;

use crate::source::Pos;

pub use document::{detect, split_documents, Document};

/// The input formats slogen reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SpecKind {
    /// `version: "prometheus/v1"`.
    PrometheusV1,
    /// Kubernetes `sloth.slok.dev/v1` `PrometheusServiceLevel`.
    Kubernetes,
    /// `openslo/v1alpha` `SLO`.
    OpenSloV1Alpha,
    /// `openslo/v1` `SLO` (with `SLI` documents): an extension beyond Sloth.
    OpenSloV1,
}

impl SpecKind {
    /// The spec name Sloth reports in `sloth_spec`.
    pub fn spec_name(self) -> &'static str {
        match self {
            SpecKind::PrometheusV1 => "prometheus/v1",
            SpecKind::Kubernetes => "sloth.slok.dev/v1",
            SpecKind::OpenSloV1Alpha => "openslo/v1alpha",
            SpecKind::OpenSloV1 => "openslo/v1",
        }
    }

    /// The generation mode Sloth reports in `sloth_mode`.
    pub fn mode(self) -> &'static str {
        match self {
            SpecKind::PrometheusV1 => "cli-gen-prom",
            SpecKind::Kubernetes => "cli-gen-k8s",
            SpecKind::OpenSloV1Alpha | SpecKind::OpenSloV1 => "cli-gen-openslo",
        }
    }
}

/// A value and where it was written.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Spanned<T> {
    pub value: T,
    pub pos: Pos,
}

impl<T> Spanned<T> {
    /// Wraps `value` found at `pos`.
    pub fn new(value: T, pos: Pos) -> Self {
        Spanned { value, pos }
    }
}

/// A shape problem in a spec: a YAML error, a wrong type, a missing required section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecError {
    pub pos: Pos,
    /// The dotted path of the field (`slos[0].objective`), empty for the document itself.
    pub field: String,
    pub message: String,
}

impl fmt::Display for SpecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.field.is_empty() {
            write!(f, "{}", self.message)
        } else {
            write!(f, "{}: {}", self.field, self.message)
        }
    }
}
