//! One spec file through the whole pipeline: split, detect, read, lower, plan, emit.
//!
//! This is the library entry point the commands share (`generate`, `validate`, `--check`,
//! benchmarks, MCP): it does no IO of its own and returns either the generated text or every
//! problem found, each with its document, position and field.

use std::fmt;
use std::path::Path;

use crate::duration::Duration;
use crate::emit::{self, prometheus_rule, OutputFormat, Written};
use crate::model::{self, Labels, LowerOptions, ModelError, PluginDecl, SloGroup};
use crate::plan::{self, Disable, SloPlugins};
use crate::plugins::sli::SliPlugins;
use crate::source::Pos;
use crate::spec::windows::WindowCatalog;
use crate::spec::{self, openslo, sloth, Document, SpecKind};
use crate::yaml;

/// Everything that shapes generation besides the specs themselves.
pub struct Generator {
    pub version: String,
    pub default_period: Duration,
    pub catalog: WindowCatalog,
    pub extra_labels: Labels,
    pub cli_plugins: Vec<PluginDecl>,
    pub disable_default_plugins: bool,
    pub sli_plugins: SliPlugins,
    pub slo_plugins: SloPlugins,
    pub disable: Disable,
    /// Parse every generated expression with a PromQL parser before writing (an extension:
    /// Sloth validates only the SLI queries it is given).
    pub verify_exprs: bool,
    /// What each document is written as (`--output-format`; Sloth's choice by default).
    pub output: OutputFormat,
    /// The ruler the output is for (`--target`); Prometheus writes Sloth's bytes.
    pub target: emit::engine::TargetOptions,
    /// The language SLI queries are validated in (`--dialect`): Sloth's validator
    /// (`sloth.dev/core/validate/v1`) parses them as this.
    pub dialect: model::Dialect,
}

impl Default for Generator {
    fn default() -> Self {
        Generator {
            version: crate::VERSION.to_string(),
            default_period: Duration::from_days(30),
            catalog: WindowCatalog::builtin(),
            extra_labels: Labels::new(),
            cli_plugins: Vec::new(),
            disable_default_plugins: false,
            sli_plugins: SliPlugins::builtin(),
            slo_plugins: SloPlugins::builtin(),
            disable: Disable::default(),
            verify_exprs: false,
            output: OutputFormat::default(),
            target: emit::engine::TargetOptions::default(),
            dialect: model::Dialect::PromQl,
        }
    }
}

/// What the documents of one file share.
#[derive(Debug, Clone, Default)]
pub struct FileContext {
    /// OpenSLO v1 `kind: SLI` documents, by `metadata.name`.
    pub slis: model::openslo::SliIndex,
}

/// A problem in one spec file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The document's index in the file, from 0.
    pub document: usize,
    pub pos: Pos,
    /// The SLO's ID, when the problem belongs to one.
    pub slo: Option<String>,
    /// The dotted field path, when known.
    pub field: String,
    /// A stable code (`V005`), or `P001` for YAML and format problems.
    pub code: &'static str,
    pub message: String,
}

impl Problem {
    /// Renders as `path:line:col: document N: slo "id": field: message`.
    pub fn display<'a>(&'a self, path: &'a Path) -> impl fmt::Display + 'a {
        ProblemDisplay {
            problem: self,
            path,
        }
    }
}

struct ProblemDisplay<'a> {
    problem: &'a Problem,
    path: &'a Path,
}

impl fmt::Display for ProblemDisplay<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let p = self.problem;
        write!(f, "{}", self.path.display())?;
        if !p.pos.is_unknown() {
            write!(f, ":{}", p.pos)?;
        }
        write!(f, ": document {}", p.document + 1)?;
        if let Some(slo) = &p.slo {
            write!(f, ": slo {slo:?}")?;
        }
        if !p.field.is_empty() {
            write!(f, ": {}", p.field)?;
        }
        write!(f, ": {} [{}]", p.message, p.code)
    }
}

/// Stable codes for problems found before the model.
pub mod code {
    pub const YAML: &str = "P001";
    pub const UNKNOWN_SPEC: &str = "P002";
    pub const SHAPE: &str = "P003";
    pub const PLUGIN: &str = "P004";
    pub const EMIT: &str = "P005";
    pub const EXPR: &str = "P006";
    /// Input over one of slogen's documented size limits.
    pub const LIMIT: &str = "P007";
}

/// Most SLOs one spec file may hold. Each SLO generates about 10 KB of rules, so the limit
/// keeps one file's output (built in memory before it is written) near 100 MB at most.
/// Sloth has no limit; real files hold a few dozen SLOs.
pub const MAX_SLOS_PER_FILE: usize = 10_000;

fn too_many_slos() -> String {
    format!("more than {MAX_SLOS_PER_FILE} SLOs in one spec file; split them into several files")
}

/// The problem of a file that holds more SLOs than [`MAX_SLOS_PER_FILE`] once `doc` is read.
fn over_slo_limit(out: &FileOutput, doc: &spec::Document) -> Option<Problem> {
    (out.slos.len() > MAX_SLOS_PER_FILE).then(|| Problem {
        document: doc.index,
        pos: doc.origin,
        slo: None,
        field: String::new(),
        code: code::LIMIT,
        message: too_many_slos(),
    })
}

/// What one file generated.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FileOutput {
    /// The generated text, every document's header included.
    pub text: String,
    /// Number of documents read.
    pub documents: usize,
    /// `(id, service, name)` of every SLO, for duplicate detection across files.
    pub slos: Vec<(String, String, String)>,
    /// What each document that produced rules was written as, with its index in the file.
    pub written: Vec<(usize, Written)>,
    /// `--target mimir`: the rule namespaces the output declares.
    pub namespaces: Vec<String>,
}

/// One document generated: its text, its model, and (unless it holds no SLO) its plan and
/// what it was written as.
type Generated = (String, SloGroup, Option<(plan::Plan, Written)>);

/// One SLO document after planning: its model and the rules planned for it.
#[derive(Debug, Clone, PartialEq)]
pub struct Planned {
    pub group: SloGroup,
    pub plan: plan::Plan,
}

impl Generator {
    /// Generates every document of one file's text; fails with every problem found.
    pub fn generate_file(&self, text: &str) -> Result<FileOutput, Vec<Problem>> {
        self.generate_file_named(text, "")
    }

    /// [`Generator::generate_file`] for a spec file named `file_name` (what `{file}` stands
    /// for in a Mimir `--namespace`).
    pub fn generate_file_named(
        &self,
        text: &str,
        file_name: &str,
    ) -> Result<FileOutput, Vec<Problem>> {
        if self.target.target != emit::engine::Target::Prometheus {
            return self.generate_file_for_engine(text, file_name);
        }
        self.run_file(text, |_| {})
    }

    /// Generates one file as [`Generator::generate_file`] does (the same problems, the same
    /// checks) and keeps each SLO document's model and plan, for generators that read them
    /// (dashboards). Documents without SLOs are left out.
    pub fn plan_file(&self, text: &str) -> Result<(FileOutput, Vec<Planned>), Vec<Problem>> {
        let mut planned = Vec::new();
        let out = self.run_file(text, |p| planned.push(p))?;
        Ok((out, planned))
    }

    /// Every document of a file through [`Generator::generate_named`], each SLO document's
    /// model and plan handed to `keep`.
    fn run_file(
        &self,
        text: &str,
        mut keep: impl FnMut(Planned),
    ) -> Result<FileOutput, Vec<Problem>> {
        let mut out = FileOutput::default();
        let docs = spec::split_documents(text);
        let (ctx, mut problems) = match self.file_context(&docs) {
            Ok(ctx) => (ctx, Vec::new()),
            Err(p) => (FileContext::default(), p),
        };
        let mut names = Vec::new();
        for doc in &docs {
            out.documents += 1;
            match self.generate_named(doc, &ctx, &mut names) {
                Ok((text, group, built)) => {
                    out.text.push_str(&text);
                    out.slos.extend(
                        group
                            .slos
                            .iter()
                            .map(|s| (s.id.clone(), s.service.clone(), s.name.clone())),
                    );
                    if let Some((plan, written)) = built {
                        out.written.push((doc.index, written));
                        keep(Planned { group, plan });
                    }
                }
                Err(mut p) => problems.append(&mut p),
            }
            if let Some(p) = over_slo_limit(&out, doc) {
                problems.push(p);
                break;
            }
        }
        if problems.is_empty() {
            Ok(out)
        } else {
            Err(problems)
        }
    }

    /// [`Generator::generate_file`] for a ruler other than Prometheus: every document is
    /// planned, then the whole file is written at once in the engine's layout
    /// ([`emit::engine`]).
    fn generate_file_for_engine(
        &self,
        text: &str,
        file_name: &str,
    ) -> Result<FileOutput, Vec<Problem>> {
        let mut out = FileOutput::default();
        let docs = spec::split_documents(text);
        let (ctx, mut problems) = match self.file_context(&docs) {
            Ok(ctx) => (ctx, Vec::new()),
            Err(p) => (FileContext::default(), p),
        };
        let mut planned = Vec::new();
        let mut origin = None;
        for doc in &docs {
            out.documents += 1;
            origin.get_or_insert((doc.index, doc.origin));
            match self.plan_document_in(doc, &ctx) {
                Ok((Some(plan), group)) => {
                    out.slos.extend(
                        group
                            .slos
                            .iter()
                            .map(|s| (s.id.clone(), s.service.clone(), s.name.clone())),
                    );
                    planned.push((plan, group));
                }
                Ok((None, _)) => {}
                Err(mut p) => problems.append(&mut p),
            }
            if let Some(p) = over_slo_limit(&out, doc) {
                problems.push(p);
                break;
            }
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        let slos: Vec<emit::engine::SloOutput> = planned
            .iter()
            .flat_map(|(plan, group)| {
                plan.slos
                    .iter()
                    .zip(&group.slos)
                    .map(|((_, rules), slo)| emit::engine::SloOutput {
                        service: &slo.service,
                        rules,
                    })
            })
            .collect();
        let (document, pos) = origin.unwrap_or((0, Pos::default()));
        if slos.is_empty() {
            // Only documents without SLOs (OpenSLO `SLI`s): nothing to write, as for Prometheus.
            return Ok(out);
        }
        if self.target.target == emit::engine::Target::Mimir {
            out.namespaces =
                emit::engine::namespaces(&slos, self.target.namespace.as_deref(), file_name)
                    .into_iter()
                    .map(|(ns, _)| ns)
                    .collect();
        }
        out.text =
            emit::engine::file(&slos, &self.target, file_name, &self.version).map_err(|e| {
                vec![Problem {
                    document,
                    pos,
                    slo: None,
                    field: String::new(),
                    code: code::EMIT,
                    message: e.to_string(),
                }]
            })?;
        Ok(out)
    }

    /// Reads and lowers one document to the model, alone: an OpenSLO v1 `indicatorRef` finds
    /// nothing. [`Generator::generate_file`] uses [`Generator::lower_document_in`].
    pub fn lower_document(&self, doc: &Document) -> Result<SloGroup, Vec<Problem>> {
        self.lower_document_in(doc, &FileContext::default())
    }

    /// What documents of one file share: OpenSLO v1 `kind: SLI` documents, by name.
    ///
    /// Documents that fail to read are left out here; lowering them reports why.
    pub fn file_context(&self, docs: &[Document]) -> Result<FileContext, Vec<Problem>> {
        let mut ctx = FileContext::default();
        let mut problems = Vec::new();
        for doc in docs {
            if spec::detect(&doc.text) != Some(SpecKind::OpenSloV1) {
                continue;
            }
            let Ok(root) = yaml::parse_one(&doc.text, doc.origin) else {
                continue;
            };
            let Ok(openslo::v1::Object::Sli(sli)) = openslo::v1::read(&root) else {
                continue;
            };
            if ctx.slis.contains_key(&sli.name.value) {
                problems.push(Problem {
                    document: doc.index,
                    pos: sli.name.pos,
                    slo: None,
                    field: "metadata.name".into(),
                    code: code::SHAPE,
                    message: format!("SLI {:?} is defined twice in this file", sli.name.value),
                });
                continue;
            }
            ctx.slis.insert(sli.name.value.clone(), *sli);
        }
        if problems.is_empty() {
            Ok(ctx)
        } else {
            Err(problems)
        }
    }

    /// Reads and lowers one document to the model, with what its file shares. A document that
    /// holds no SLO (an OpenSLO v1 `SLI`) lowers to a group without SLOs.
    pub fn lower_document_in(
        &self,
        doc: &Document,
        ctx: &FileContext,
    ) -> Result<SloGroup, Vec<Problem>> {
        let doc_problem = |pos: Pos, code: &'static str, field: String, message: String| Problem {
            document: doc.index,
            pos,
            slo: None,
            field,
            code,
            message,
        };
        let Some(kind) = spec::detect(&doc.text) else {
            return Err(vec![doc_problem(
                doc.origin,
                code::UNKNOWN_SPEC,
                String::new(),
                "invalid spec, could not load with any of the supported spec types (expected `version: \"prometheus/v1\"`, `apiVersion: sloth.slok.dev/v1` with `kind: PrometheusServiceLevel`, `apiVersion: openslo/v1alpha` with `kind: SLO`, or `apiVersion: openslo/v1` with `kind: SLO` or `SLI`, each at the start of a line and without a trailing comment)".into(),
            )]);
        };
        let root = yaml::parse_one(&doc.text, doc.origin).map_err(|e| {
            vec![doc_problem(
                e.pos,
                code::YAML,
                String::new(),
                format!("invalid YAML: {e}"),
            )]
        })?;
        let opts = LowerOptions {
            default_period: self.default_period,
            catalog: &self.catalog,
            extra_labels: &self.extra_labels,
            cli_plugins: &self.cli_plugins,
            disable_default_plugins: self.disable_default_plugins,
            sli_plugins: &self.sli_plugins,
            dialect: self.dialect,
        };
        let shape = |errs: Vec<spec::SpecError>| -> Vec<Problem> {
            errs.into_iter()
                .map(|e| doc_problem(e.pos, code::SHAPE, e.field, e.message))
                .collect()
        };
        let lowered = match kind {
            SpecKind::PrometheusV1 | SpecKind::Kubernetes => {
                let flavor = if kind == SpecKind::Kubernetes {
                    sloth::Flavor::Kubernetes
                } else {
                    sloth::Flavor::PrometheusV1
                };
                let raw = sloth::read(&root, flavor).map_err(shape)?;
                let slogen = plan::plugins::slogen::check::spec(&raw, flavor, &self.cli_plugins);
                match model::lower(&raw, kind, &opts) {
                    Ok(_) if !slogen.is_empty() => Err(slogen),
                    Ok(group) => Ok(group),
                    Err(mut errs) => {
                        errs.extend(slogen);
                        Err(errs)
                    }
                }
            }
            SpecKind::OpenSloV1Alpha => {
                let raw = openslo::v1alpha::read(&root).map_err(shape)?;
                model::openslo::lower_v1alpha(&raw, &opts)
            }
            SpecKind::OpenSloV1 => match openslo::v1::read(&root).map_err(shape)? {
                openslo::v1::Object::Slo(raw) => model::openslo::lower_v1(&raw, &ctx.slis, &opts),
                // SLI, Service, DataSource… documents hold no SLO: they produce no rules.
                _ => Ok(SloGroup {
                    kind,
                    slos: Vec::new(),
                    kube: None,
                }),
            },
        };
        lowered.map_err(|errs| {
            errs.into_iter()
                .map(|e: ModelError| Problem {
                    document: doc.index,
                    pos: e.pos,
                    slo: e.slo,
                    field: e.field,
                    code: e.code,
                    message: e.message,
                })
                .collect()
        })
    }

    /// How many SLOs a document declares, read from the spec as written (before validation),
    /// so a document with one invalid SLO still counts all of them; `None` when the document
    /// cannot be read that far (unknown format, bad YAML, wrong shape).
    pub fn declared_slos(&self, doc: &Document) -> Option<usize> {
        let kind = spec::detect(&doc.text)?;
        let root = yaml::parse_one(&doc.text, doc.origin).ok()?;
        match kind {
            SpecKind::PrometheusV1 => Some(
                sloth::read(&root, sloth::Flavor::PrometheusV1)
                    .ok()?
                    .slos
                    .len(),
            ),
            SpecKind::Kubernetes => Some(
                sloth::read(&root, sloth::Flavor::Kubernetes)
                    .ok()?
                    .slos
                    .len(),
            ),
            SpecKind::OpenSloV1Alpha => openslo::v1alpha::read(&root).ok().map(|_| 1),
            SpecKind::OpenSloV1 => match openslo::v1::read(&root).ok()? {
                openslo::v1::Object::Slo(_) => Some(1),
                _ => Some(0),
            },
        }
    }

    /// Generates one document alone: its header and rules.
    pub fn generate_document(&self, doc: &Document) -> Result<(String, SloGroup), Vec<Problem>> {
        self.generate_document_in(doc, &FileContext::default())
    }

    /// Generates one document of a file: its header and rules, or nothing for a document
    /// without SLOs (an OpenSLO v1 `SLI`).
    pub fn generate_document_in(
        &self,
        doc: &Document,
        ctx: &FileContext,
    ) -> Result<(String, SloGroup), Vec<Problem>> {
        self.generate_named(doc, ctx, &mut Vec::new())
            .map(|(text, group, _)| (text, group))
    }

    /// [`Generator::generate_document_in`], naming a wrapped `PrometheusRule` apart from the
    /// `names` earlier documents of the file took (`shop`, then `shop-2`); with the document's
    /// plan and what it was written as, unless it holds no SLO.
    fn generate_named(
        &self,
        doc: &Document,
        ctx: &FileContext,
        names: &mut Vec<String>,
    ) -> Result<Generated, Vec<Problem>> {
        let (plan, group) = match self.plan_document_in(doc, ctx)? {
            (Some(plan), group) => (plan, group),
            (None, group) => return Ok((String::new(), group, None)),
        };
        let problem = |code: &'static str, message: String| Problem {
            document: doc.index,
            pos: doc.origin,
            slo: None,
            field: String::new(),
            code,
            message,
        };
        let name = match &self.output {
            OutputFormat::PrometheusRule(meta) if group.kind != SpecKind::Kubernetes => {
                let service = &group.slos[0].service;
                let Some(base) = meta
                    .name
                    .clone()
                    .or_else(|| prometheus_rule::name_from_service(service))
                else {
                    return Err(vec![problem(
                        code::EMIT,
                        format!(
                            "service {service:?} gives no Kubernetes object name (a name needs \
                             letters a-z or digits); name the PrometheusRule with --name"
                        ),
                    )]);
                };
                let max = if meta.name.is_some() {
                    prometheus_rule::MAX_NAME
                } else {
                    prometheus_rule::MAX_LABEL
                };
                let name = (1..)
                    .map(|n| match n {
                        1 => base.clone(),
                        n => prometheus_rule::numbered(&base, n, max),
                    })
                    .find(|n| !names.contains(n))
                    .expect("an unused name");
                names.push(name.clone());
                name
            }
            _ => String::new(),
        };
        let (text, written) = emit::document_as(&plan, &self.output, &name)
            .map_err(|e| vec![problem(code::EMIT, e.to_string())])?;
        Ok((text, group, Some((plan, written))))
    }

    /// Lowers and plans one document of a file, its expressions checked; no plan for a
    /// document without SLOs (an OpenSLO v1 `SLI`).
    pub fn plan_document_in(
        &self,
        doc: &Document,
        ctx: &FileContext,
    ) -> Result<(Option<plan::Plan>, SloGroup), Vec<Problem>> {
        let group = self.lower_document_in(doc, ctx)?;
        if group.slos.is_empty() {
            return Ok((None, group));
        }
        let problem = |code: &'static str, slo: Option<String>, message: String| Problem {
            document: doc.index,
            pos: doc.origin,
            slo,
            field: String::new(),
            code,
            message,
        };
        if group.slos.len() > MAX_SLOS_PER_FILE {
            return Err(vec![problem(code::LIMIT, None, too_many_slos())]);
        }
        let plan =
            plan::build(&group, &self.version, &self.slo_plugins, self.disable).map_err(|e| {
                // Point at the SLO whose chain failed.
                let pos = group.slos.iter().find(|s| s.id == e.slo).map(|s| s.pos);
                vec![Problem {
                    pos: pos.unwrap_or(doc.origin),
                    ..problem(
                        code::PLUGIN,
                        Some(e.slo.clone()),
                        format!("plugin {:?}: {}", e.plugin, e.message),
                    )
                }]
            })?;
        verify_exprs(&group, &plan, self.verify_exprs, self.dialect).map_err(
            |(slo, pos, message)| {
                vec![Problem {
                    pos,
                    ..problem(code::EXPR, Some(slo), message)
                }]
            },
        )?;
        Ok((Some(plan), group))
    }
}

/// Parses the generated rule expressions of every SLO when `all` (`--verify-exprs`), else of
/// the SLOs whose queries glue `{{.window}}` to other text, the one way a query validated in
/// `1m` can still give an expression Prometheus rejects in another window
/// ([`model::validate::window_glued`]). SLOs validated as MetricsQL are checked with slogen's
/// MetricsQL checker ([`crate::metricsql`]).
fn verify_exprs(
    group: &SloGroup,
    plan: &plan::Plan,
    all: bool,
    dialect: model::Dialect,
) -> Result<(), (String, Pos, String)> {
    for (slo, (id, rules)) in group.slos.iter().zip(&plan.slos) {
        let glued = match &slo.sli {
            model::Sli::Events {
                error_query,
                total_query,
            } => [error_query, total_query]
                .into_iter()
                .any(|q| model::validate::window_glued(q)),
            model::Sli::Raw { error_ratio_query } => {
                model::validate::window_glued(error_ratio_query)
            }
        };
        let validators = model::lower::validators_in(&slo.plugins, dialect);
        if !(all || glued) {
            continue;
        }
        let dialect = if validators.contains(&model::Dialect::MetricsQl) {
            model::Dialect::MetricsQl
        } else {
            model::Dialect::PromQl
        };
        for group in rules.groups() {
            for rule in &group.rules {
                if let Err(e) = model::validate::parse_expr(&rule.expr, dialect) {
                    let name = if rule.record.is_empty() {
                        &rule.alert
                    } else {
                        &rule.record
                    };
                    let hint = if glued {
                        "; a `{{.window}}` in the SLI queries touches the text around it, and \
                         this window, substituted as text, does not make a valid expression"
                    } else {
                        ""
                    };
                    return Err((
                        id.clone(),
                        slo.pos,
                        format!(
                            "generated expression of {name:?} in group {:?} does not parse as \
                             {}: {e}{hint}",
                            group.name,
                            match dialect {
                                model::Dialect::PromQl => "PromQL",
                                model::Dialect::MetricsQl => "MetricsQL",
                            }
                        ),
                    ));
                }
            }
        }
    }
    Ok(())
}
