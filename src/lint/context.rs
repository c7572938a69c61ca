//! What a rule sees: one document of one file, and its SLOs as uniform views.
//!
//! A [`SloView`] is built from the raw spec (so rules run even when Sloth's validation failed
//! and positions are those of the keys as written) or, for formats read only through the
//! model, from the lowered SLO. Rules never read YAML themselves.

use std::path::Path;

use super::span;
use super::LintOptions;
use crate::diag::{Diagnostic, RuleInfo, Span};
use crate::model::{self, Sli};
use crate::source::Pos;
use crate::spec::read::RawMap;
use crate::spec::sloth::{AlertSpec, SlothSpec};
use crate::spec::windows::AlertWindows;
use crate::spec::{Spanned, SpecKind};
use crate::yaml::Node;

/// Which query of an SLI.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum QueryRole {
    Error,
    Total,
    ErrorRatio,
}

impl QueryRole {
    /// The field name as the format spells it.
    pub fn field(self, kind: SpecKind) -> &'static str {
        match (self, kind) {
            (QueryRole::Error, SpecKind::Kubernetes) => "errorQuery",
            (QueryRole::Total, SpecKind::Kubernetes) => "totalQuery",
            (QueryRole::ErrorRatio, SpecKind::Kubernetes) => "errorRatioQuery",
            (QueryRole::Error, _) => "error_query",
            (QueryRole::Total, _) => "total_query",
            (QueryRole::ErrorRatio, _) => "error_ratio_query",
        }
    }
}

/// One step of a path from a document's root: a map key (as the format spells it) or a list
/// index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PathStep {
    Key(&'static str),
    Index(usize),
}

/// The path of the SLI map holding `role`'s query (`events` or `raw`) of the `index`th SLO.
pub(crate) fn sli_path(kind: SpecKind, index: usize, role: QueryRole) -> Vec<PathStep> {
    let mut path = Vec::new();
    if kind == SpecKind::Kubernetes {
        path.push(PathStep::Key("spec"));
    }
    let map = match role {
        QueryRole::ErrorRatio => "raw",
        QueryRole::Error | QueryRole::Total => "events",
    };
    path.extend([
        PathStep::Key("slos"),
        PathStep::Index(index),
        PathStep::Key("sli"),
        PathStep::Key(map),
    ]);
    path
}

/// One SLI query as written.
#[derive(Debug, Clone)]
pub(crate) struct QueryRef {
    pub role: QueryRole,
    pub text: String,
    pub pos: Pos,
    /// False when only the SLO's position is known (a query made by an SLI plugin).
    pub written: bool,
}

/// A label key and value, and where it is set.
#[derive(Debug, Clone)]
pub(crate) struct LabelRef {
    pub key: Spanned<String>,
    /// `labels`, `alerting.labels`, `alerting.page_alert.labels`, …
    pub scope: String,
}

/// One SLO, as rules see it.
#[derive(Debug, Clone)]
pub(crate) struct SloView {
    pub id: String,
    pub name: Spanned<String>,
    /// Where the SLO's map starts.
    pub pos: Pos,
    pub description: Spanned<String>,
    pub objective: Option<Spanned<f64>>,
    pub queries: Vec<QueryRef>,
    pub labels: Vec<LabelRef>,
    /// Whether the page alert is enabled.
    pub page: bool,
    /// Whether the ticket alert is enabled.
    pub ticket: bool,
    pub windows: Option<AlertWindows>,
    /// The `le` option of a classic-histogram `slogen/latency/v1` SLI, as written.
    pub latency_le: Option<Spanned<String>>,
}

/// One document of one file, as rules see it.
pub(crate) struct DocCtx<'a> {
    pub file: &'a Path,
    pub text: &'a str,
    pub kind: SpecKind,
    pub root: Option<&'a Node>,
    pub slos: &'a [SloView],
    pub opts: &'a LintOptions<'a>,
    /// True when the document or the `-s` flags declare Sloth's VictoriaMetrics validator.
    pub vm_declared: bool,
    /// Queries (by position) that the shared validator refused as PromQL (V009/V010).
    pub model_refused: Vec<Pos>,
}

impl DocCtx<'_> {
    /// The language query `q` is parsed in: `--dialect metricsql`, or MetricsQL when the
    /// VictoriaMetrics validator is declared and Sloth's PromQL validator did not refuse it
    /// (with both validators in the chain, Sloth parses as PromQL too).
    pub fn dialect(&self, q: &QueryRef) -> crate::model::Dialect {
        use crate::model::Dialect;
        if self.opts.dialect == Dialect::MetricsQl
            || (self.vm_declared && !self.model_refused.contains(&q.pos))
        {
            Dialect::MetricsQl
        } else {
            Dialect::PromQl
        }
    }
}

impl DocCtx<'_> {
    /// A diagnostic of `rule` at the key or value starting at `pos`.
    pub fn at(&self, rule: &RuleInfo, pos: Pos, message: impl Into<String>) -> Diagnostic {
        self.span(rule, span::token(self.text, pos), message)
    }

    /// A diagnostic of `rule` over `span`.
    pub fn span(&self, rule: &RuleInfo, span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(rule.code, rule.severity, self.file, span, message)
    }

    /// The span of `len` bytes at `offset` inside query `q`.
    pub fn in_query(&self, q: &QueryRef, offset: usize, len: usize) -> Span {
        if !q.written {
            return span::token(self.text, q.pos);
        }
        let layout = span::layout(self.text, q.pos);
        let len = q.text[offset.min(q.text.len())..]
            .chars()
            .take(len)
            .count()
            .max(1);
        span::inside(self.text, layout, &q.text, offset, len)
    }

    /// The span of query `q` as a whole (every line of a multi-line query).
    pub fn query_span(&self, q: &QueryRef) -> Span {
        if !q.written {
            return span::token(self.text, q.pos);
        }
        span::value(self.text, q.pos, &q.text)
    }
}

/// Views of the SLOs of a `prometheus/v1` or Kubernetes spec.
pub(crate) fn views_from_spec(
    spec: &SlothSpec,
    kind: SpecKind,
    windows: Option<AlertWindows>,
) -> Vec<SloView> {
    let alert_key = |k: &'static str| match kind {
        SpecKind::Kubernetes => {
            if k == "page_alert" {
                "pageAlert"
            } else {
                "ticketAlert"
            }
        }
        _ => k,
    };
    let mut out = Vec::new();
    for slo in &spec.slos {
        let mut queries = Vec::new();
        if let Some((e, t)) = &slo.sli.events {
            queries.push(query(QueryRole::Error, e));
            queries.push(query(QueryRole::Total, t));
        }
        if let Some(r) = &slo.sli.raw {
            if slo.sli.plugin.is_none() {
                queries.push(query(QueryRole::ErrorRatio, r));
            }
        }
        let mut labels = Vec::new();
        push_labels(&mut labels, &spec.labels, "labels");
        push_labels(&mut labels, &slo.labels, "slos[].labels");
        let a = &slo.alerting;
        push_labels(&mut labels, &a.labels, "alerting.labels");
        push_labels(
            &mut labels,
            &a.page_alert.labels,
            &format!("alerting.{}.labels", alert_key("page_alert")),
        );
        push_labels(
            &mut labels,
            &a.ticket_alert.labels,
            &format!("alerting.{}.labels", alert_key("ticket_alert")),
        );
        let alert = |x: &AlertSpec| !x.disable.value;
        out.push(SloView {
            id: format!("{}-{}", spec.service.value, slo.name.value),
            name: slo.name.clone(),
            pos: slo.pos,
            description: slo.description.clone(),
            objective: slo.objective.clone(),
            queries,
            labels,
            page: alert(&a.page_alert),
            ticket: alert(&a.ticket_alert),
            windows,
            latency_le: latency_le(&slo.sli),
        });
    }
    out
}

/// The `le` option of a `slogen/latency/v1` plugin on a classic histogram.
fn latency_le(sli: &crate::spec::sloth::SliSpec) -> Option<Spanned<String>> {
    let plugin = sli
        .plugin
        .as_ref()
        .filter(|p| p.id.value == "slogen/latency/v1")?;
    let opt = |k: &str| plugin.options.iter().rev().find(|(key, _)| key.value == k);
    if opt("native").is_some_and(|(_, v)| v.value.trim() == "true") {
        return None;
    }
    opt("le").map(|(_, v)| v.clone())
}

fn query(role: QueryRole, q: &Spanned<String>) -> QueryRef {
    QueryRef {
        role,
        text: q.value.clone(),
        pos: q.pos,
        written: true,
    }
}

fn push_labels(out: &mut Vec<LabelRef>, raw: &RawMap, scope: &str) {
    for (k, _) in raw {
        out.push(LabelRef {
            key: k.clone(),
            scope: scope.to_string(),
        });
    }
}

/// Views of lowered SLOs, for formats that lint reads only through the model.
pub(crate) fn views_from_model(group: &model::SloGroup) -> Vec<SloView> {
    group
        .slos
        .iter()
        .map(|s| {
            let queries = match &s.sli {
                Sli::Events {
                    error_query,
                    total_query,
                } => vec![
                    QueryRef {
                        role: QueryRole::Error,
                        text: error_query.clone(),
                        pos: s.spans.error_query,
                        written: false,
                    },
                    QueryRef {
                        role: QueryRole::Total,
                        text: total_query.clone(),
                        pos: s.spans.total_query,
                        written: false,
                    },
                ],
                Sli::Raw { error_ratio_query } => vec![QueryRef {
                    role: QueryRole::ErrorRatio,
                    text: error_ratio_query.clone(),
                    pos: s.spans.error_query,
                    written: false,
                }],
            };
            SloView {
                id: s.id.clone(),
                name: Spanned::new(s.name.clone(), s.spans.name),
                pos: s.pos,
                description: Spanned::new(s.description.clone(), s.pos),
                objective: Some(Spanned::new(s.objective, s.spans.objective)),
                queries,
                labels: Vec::new(),
                page: s.page_alert.is_some(),
                ticket: s.ticket_alert.is_some(),
                windows: Some(s.windows),
                latency_le: None,
            }
        })
        .collect()
}
