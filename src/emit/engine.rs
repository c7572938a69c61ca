//! Rules files for the rulers of distributed engines: `generate --target vmalert|mimir|thanos`.
//!
//! Each engine reads the Prometheus rule group format with its own envelope, and each reads a
//! file differently from Prometheus, so a whole spec file (every document) becomes one output
//! laid out the way that engine loads it:
//!
//! - **vmalert** (VictoriaMetrics 1.79) decodes only the *first* YAML document of a rule file
//!   (measured: a broken group in a second document passes `vmalert -dryRun` unseen), so every
//!   group of every document goes into one `groups:` list.
//! - **Mimir** (`mimirtool rules load|sync|check`) decodes each YAML document as a
//!   `RuleNamespace` (`namespace:`, `groups:`; `pkg/mimirtool/rules/rules.go`) and refuses a
//!   namespace repeated in any file it is given (`parser.go`, "repeated namespace attempted to
//!   be loaded") or a group name repeated within a namespace. So each namespace (the SLO's
//!   service, or `--namespace`) is one document holding all of its groups.
//! - **Thanos** ruler reads one document (`groups:`), each group with
//!   `partial_response_strategy: warn|abort` (`pkg/rules/rules.go`, `RuleGroup.UnmarshalYAML`;
//!   Thanos' own default is `abort`).
//!
//! Rules, labels and annotations are written exactly as for Prometheus ([`super::prometheus`]).

use super::prometheus::rule;
use super::{header, yaml, EmitError};
use crate::plan::{RuleGroup, SloRules};

/// Which ruler the rules are for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Target {
    /// Prometheus (and everything that reads its files as they are); Sloth's output.
    #[default]
    Prometheus,
    Vmalert,
    Mimir,
    Thanos,
}

impl Target {
    /// The name used on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Target::Prometheus => "prometheus",
            Target::Vmalert => "vmalert",
            Target::Mimir => "mimir",
            Target::Thanos => "thanos",
        }
    }
}

/// Thanos' `partial_response_strategy`: what a rule evaluation does when a store is missing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PartialResponse {
    /// Evaluate on what answered, with a warning.
    Warn,
    /// Fail the evaluation (Thanos' default for rules: an alert must not be computed from
    /// half the data).
    #[default]
    Abort,
}

impl PartialResponse {
    /// The value Thanos reads.
    pub fn name(self) -> &'static str {
        match self {
            PartialResponse::Warn => "warn",
            PartialResponse::Abort => "abort",
        }
    }
}

/// How to lay out one output file for a target other than Prometheus.
#[derive(Debug, Clone, Default)]
pub struct TargetOptions {
    pub target: Target,
    /// Mimir: the namespace of every group, where `{service}` stands for the SLO's service
    /// and `{file}` for the spec file's name; `None` is `{service}`.
    pub namespace: Option<String>,
    /// Thanos: the strategy written on every group.
    pub partial_response: PartialResponse,
}

/// One SLO's rules and the service it belongs to, in spec order.
pub struct SloOutput<'a> {
    pub service: &'a str,
    pub rules: &'a SloRules,
}

/// Writes every SLO of one spec file as one rules file for `opts.target`.
///
/// `Target::Prometheus` is not written here: its output is one document per spec document,
/// as Sloth writes it ([`super::document`]).
pub fn file(
    slos: &[SloOutput],
    opts: &TargetOptions,
    file_name: &str,
    version: &str,
) -> Result<String, EmitError> {
    if slos.iter().all(|s| s.rules.groups().next().is_none()) {
        return Err(EmitError::NoRules);
    }
    let mut w = yaml::Writer::new(header(version));
    match opts.target {
        Target::Mimir => {
            let namespaces = namespaces(slos, opts.namespace.as_deref(), file_name);
            for (i, (ns, members)) in namespaces.iter().enumerate() {
                if i > 0 {
                    // A new document: the writer continues after the previous one's last line.
                    w = yaml::Writer::new(w.finish() + "---\n");
                }
                w.map();
                w.entry("namespace", ns);
                w.key("groups");
                w.seq_of(members.iter().flat_map(|s| s.rules.groups()), |w, g| {
                    group(w, g, None)
                });
                w.end();
            }
        }
        Target::Vmalert | Target::Prometheus | Target::Thanos => {
            let strategy = (opts.target == Target::Thanos).then_some(opts.partial_response);
            w.map();
            w.key("groups");
            w.seq_of(slos.iter().flat_map(|s| s.rules.groups()), |w, g| {
                group(w, g, strategy)
            });
            w.end();
        }
    }
    Ok(w.finish())
}

/// The Mimir namespaces of a file, in order of first appearance, each with its SLOs that
/// have rules.
pub fn namespaces<'a, 'b>(
    slos: &'b [SloOutput<'a>],
    template: Option<&str>,
    file_name: &str,
) -> Vec<(String, Vec<&'b SloOutput<'a>>)> {
    let mut out: Vec<(String, Vec<&SloOutput>)> = Vec::new();
    for s in slos.iter().filter(|s| s.rules.groups().next().is_some()) {
        let ns = namespace(template, s.service, file_name);
        match out.iter_mut().find(|(n, _)| *n == ns) {
            Some((_, members)) => members.push(s),
            None => out.push((ns, vec![s])),
        }
    }
    out
}

/// The Mimir namespace of an SLO of `service` in the spec file `file_name`.
pub fn namespace(template: Option<&str>, service: &str, file_name: &str) -> String {
    template
        .unwrap_or("{service}")
        .replace("{service}", service)
        .replace("{file}", file_name)
}

fn group(w: &mut yaml::Writer, g: &RuleGroup, strategy: Option<PartialResponse>) {
    w.map();
    w.entry("name", &g.name);
    if !g.interval.is_zero() {
        w.entry("interval", &g.interval.to_string());
    }
    if let Some(s) = strategy {
        w.entry("partial_response_strategy", s.name());
    }
    w.key("rules");
    w.seq_of(&g.rules, rule);
    w.end();
}
