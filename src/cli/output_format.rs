//! `generate --output-format`: what each spec document is written as, the metadata of the
//! `PrometheusRule` objects slogen wraps rules in, and the two checks a folder of outputs
//! needs: no two objects with one name, and no mix of rules files and objects unnoticed.

use std::collections::BTreeMap;

use anyhow::bail;
use clap::{Args, ValueEnum};

use crate::emit::prometheus_rule::{check_label, check_name, check_namespace, ObjectMeta};
use crate::emit::{OutputFormat, Written};

/// `--output-format` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    /// As Sloth: a PrometheusRule for Kubernetes specs, a rules file for the others.
    Sloth,
    /// A Prometheus rules file (`groups:`) for every spec, Kubernetes specs included.
    Rules,
    /// A PrometheusRule object for every spec, for GitOps tools that apply a folder to a
    /// cluster (Kubernetes specs keep Sloth's object).
    Prometheusrule,
}

/// The output flags of `generate` (slogen extensions; without them the output is Sloth's).
#[derive(Debug, Clone, Default, Args)]
pub struct OutputArgs {
    /// What to write for each spec [default: sloth].
    #[arg(long = "output-format", value_enum, value_name = "FORMAT")]
    pub format: Option<FormatArg>,
    /// Name of the PrometheusRule (file input; default: the spec's service, as a DNS-1123 name).
    #[arg(long = "name", value_name = "NAME")]
    pub name: Option<String>,
    /// Namespace of the PrometheusRule objects (default: none, so the namespace they are
    /// applied in); with --target mimir, the Mimir rule namespace instead, where `{service}` is
    /// the SLO's service and `{file}` the spec file's name [default: {service}].
    #[arg(long = "namespace", value_name = "NAMESPACE")]
    pub namespace: Option<String>,
    /// A label on the PrometheusRule objects, for example the one your Prometheus' ruleSelector
    /// matches (repeatable). Not a rule label: that is -l/--extra-labels.
    #[arg(long = "label", value_name = "KEY=VALUE")]
    pub labels: Vec<String>,
}

impl OutputArgs {
    /// The output format these flags ask for; `folder` when the input is a folder.
    pub fn format(&self, folder: bool) -> anyhow::Result<OutputFormat> {
        let wrapped = self.format == Some(FormatArg::Prometheusrule);
        if !wrapped {
            for (flag, given) in [
                ("--name", self.name.is_some()),
                ("--namespace", self.namespace.is_some()),
                ("--label", !self.labels.is_empty()),
            ] {
                if given && flag == "--namespace" {
                    bail!("--namespace is the namespace of PrometheusRule objects or a Mimir rule namespace: it needs --output-format prometheusrule or --target mimir");
                }
                if given {
                    bail!("{flag} sets the metadata of PrometheusRule objects: it needs --output-format prometheusrule");
                }
            }
        }
        Ok(match self.format {
            None | Some(FormatArg::Sloth) => OutputFormat::Sloth,
            Some(FormatArg::Rules) => OutputFormat::Rules,
            Some(FormatArg::Prometheusrule) => OutputFormat::PrometheusRule(self.meta(folder)?),
        })
    }

    fn meta(&self, folder: bool) -> anyhow::Result<ObjectMeta> {
        if let Some(name) = &self.name {
            if folder {
                bail!("--name names one object: with a folder input each PrometheusRule is named after its spec's service");
            }
            check_name(name).map_err(anyhow::Error::msg)?;
        }
        if let Some(ns) = &self.namespace {
            check_namespace(ns).map_err(anyhow::Error::msg)?;
        }
        let mut labels = Vec::new();
        for kv in &self.labels {
            let Some((k, v)) = kv.split_once('=') else {
                bail!("invalid --label {kv:?}: expected KEY=VALUE, for example release=prometheus");
            };
            check_label(k, v).map_err(|e| anyhow::anyhow!("--label {kv:?}: {e}"))?;
            labels.retain(|(lk, _): &(String, String)| lk != k);
            labels.push((k.to_string(), v.to_string()));
        }
        Ok(ObjectMeta {
            name: self.name.clone(),
            namespace: self.namespace.clone(),
            labels,
        })
    }

    /// True when the user chose a format, so a mixed folder is what they asked for.
    pub fn chosen(&self) -> bool {
        self.format.is_some()
    }
}

/// One written document, for the checks below: output path, document index, what it is.
pub type Output<'a> = (&'a str, usize, &'a Written);

/// Objects that share a namespace and name; each message names every place. One namespace
/// cannot hold two, and a GitOps tool would apply one over the other.
pub fn name_clashes(outputs: &[Output]) -> Vec<String> {
    let mut by_id: BTreeMap<(&str, &str), Vec<String>> = BTreeMap::new();
    for (path, doc, w) in outputs {
        if let Written::Object { namespace, name } = w {
            by_id
                .entry((namespace.as_str(), name.as_str()))
                .or_default()
                .push(format!("{path} (document {})", doc + 1));
        }
    }
    by_id
        .into_iter()
        .filter(|(_, places)| places.len() > 1)
        .map(|((ns, name), places)| {
            let ns = if ns.is_empty() {
                "the namespace they are applied in".to_string()
            } else {
                format!("namespace {ns:?}")
            };
            format!(
                "{} PrometheusRule objects named {name:?} in {ns}: {}; give the services distinct names, or generate those files apart with --name",
                places.len(),
                places.join(", ")
            )
        })
        .collect()
}

/// The warning for a folder of outputs that holds both rules files and Kubernetes objects, or
/// `None`. A tool that applies the folder to a cluster (ArgoCD, `kubectl apply`) cannot apply
/// a rules file.
pub fn mixed_warning(out: &str, outputs: &[Output]) -> Option<String> {
    let mut rules: Vec<&str> = Vec::new();
    let mut objects: Vec<&str> = Vec::new();
    for (path, _, w) in outputs {
        let list = match w {
            Written::Rules => &mut rules,
            Written::Object { .. } => &mut objects,
        };
        if list.last() != Some(path) {
            list.push(path);
        }
    }
    if rules.is_empty() || objects.is_empty() {
        return None;
    }
    let some = |paths: &[&str]| {
        let mut s = paths.iter().take(2).copied().collect::<Vec<_>>().join(", ");
        if paths.len() > 2 {
            s.push_str(", …");
        }
        s
    };
    Some(format!(
        "warning: {out} mixes Prometheus rules files ({}: {}) and Kubernetes PrometheusRule objects ({}: {}); a tool that applies the folder to a cluster (ArgoCD, kubectl apply) cannot apply the rules files. Use --output-format prometheusrule to write every spec as a PrometheusRule, or --output-format sloth to keep this mix and silence this warning",
        rules.len(),
        some(&rules),
        objects.len(),
        some(&objects)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn obj(ns: &str, name: &str) -> Written {
        Written::Object {
            namespace: ns.into(),
            name: name.into(),
        }
    }

    #[test]
    fn clashes_name_every_place() {
        let (a, b, c) = (obj("", "shop"), obj("", "shop"), obj("monitoring", "shop"));
        let outputs = [
            ("o/a.yaml", 0, &a),
            ("o/b.yaml", 1, &b),
            ("o/c.yaml", 0, &c),
        ];
        let clashes = name_clashes(&outputs);
        assert_eq!(clashes.len(), 1, "{clashes:?}");
        assert!(clashes[0].starts_with("2 PrometheusRule objects named \"shop\""));
        assert!(clashes[0].contains("o/a.yaml (document 1), o/b.yaml (document 2)"));
    }

    #[test]
    fn warns_only_for_a_mix() {
        let (r, o) = (Written::Rules, obj("", "x"));
        assert!(mixed_warning("out", &[("a", 0, &r), ("b", 0, &r)]).is_none());
        assert!(mixed_warning("out", &[("a", 0, &o)]).is_none());
        let w = mixed_warning("out", &[("a", 0, &r), ("a", 1, &r), ("b", 0, &o)]).unwrap();
        assert!(w.contains("rules files (1: a)"), "{w}");
        assert!(w.contains("objects (1: b)"), "{w}");
    }

    #[test]
    fn metadata_flags_need_the_format() {
        let args = OutputArgs {
            namespace: Some("monitoring".into()),
            ..OutputArgs::default()
        };
        let e = args.format(false).unwrap_err().to_string();
        assert!(
            e.contains("--namespace") && e.contains("prometheusrule"),
            "{e}"
        );
        let args = OutputArgs {
            format: Some(FormatArg::Prometheusrule),
            name: Some("x".into()),
            ..OutputArgs::default()
        };
        assert!(args.format(true).is_err());
        assert!(args.format(false).is_ok());
    }
}
