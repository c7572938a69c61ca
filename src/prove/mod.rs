//! Proof on Prometheus itself: what an SLO's alerts will do, and tests that check it.
//!
//! [`explain`] computes the multi-window, multi-burn-rate numbers of each alert (detection
//! and reset times, budget spent, impossible alerts). [`testgen`] writes `promtool test rules`
//! files that assert those numbers against the generated rules, on counters [`synth`]
//! builds from the SLI's own queries and [`scenario`] lays out in time. Everything here is
//! pure: the `explain` and `test-rules` commands in `cli` read and write the files.

pub mod explain;
mod plugin_tests;
pub mod scenario;
pub mod synth;
pub mod testgen;

use crate::model::SloGroup;
use crate::pipeline::{code, Generator, Problem};
use crate::plan::{self, Disable, Plan};
use crate::spec;

/// Every document of a spec file lowered and planned, as `generate` would (nothing disabled).
pub fn plan_file(generator: &Generator, text: &str) -> Result<Vec<(SloGroup, Plan)>, Vec<Problem>> {
    let docs = spec::split_documents(text);
    let ctx = generator.file_context(&docs)?;
    let mut out = Vec::new();
    let mut problems = Vec::new();
    for doc in &docs {
        let group = match generator.lower_document_in(doc, &ctx) {
            Ok(g) => g,
            Err(mut p) => {
                problems.append(&mut p);
                continue;
            }
        };
        if group.slos.is_empty() {
            continue;
        }
        match plan::build(
            &group,
            &generator.version,
            &generator.slo_plugins,
            Disable::default(),
        ) {
            Ok(p) => out.push((group, p)),
            Err(e) => problems.push(Problem {
                document: doc.index,
                pos: doc.origin,
                slo: Some(e.slo.clone()),
                field: String::new(),
                code: code::PLUGIN,
                message: format!("plugin {:?}: {}", e.plugin, e.message),
            }),
        }
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(problems)
    }
}

#[cfg(test)]
pub(crate) mod tests_support {
    use crate::duration::Duration;
    use crate::model::{AlertMeta, Sli, Slo};
    use crate::spec::windows::WindowCatalog;

    /// A 30d SLO with both alerts and the default windows.
    pub(crate) fn slo(objective: f64) -> Slo {
        let period = Duration::from_days(30);
        Slo {
            id: "svc-slo".into(),
            name: "slo".into(),
            service: "svc".into(),
            description: String::new(),
            sli: Sli::Events {
                error_query: r#"sum(rate(req_total{code=~"5.."}[{{.window}}]))"#.into(),
                total_query: "sum(rate(req_total[{{.window}}]))".into(),
            },
            sli_plugin: None,
            period,
            windows: WindowCatalog::sloth_default()
                .get(period)
                .copied()
                .expect("30d windows"),
            objective,
            labels: Default::default(),
            page_alert: Some(AlertMeta::default()),
            ticket_alert: Some(AlertMeta::default()),
            plugins: Vec::new(),
            pos: Default::default(),
            spans: Default::default(),
        }
    }
}
