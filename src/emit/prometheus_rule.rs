//! `--output-format prometheusrule`: a rules file wrapped in a Prometheus Operator
//! `PrometheusRule` object, for GitOps tools that apply a folder to a cluster.
//!
//! `spec.groups` is the plain rules file's `groups:` block, byte for byte, indented under
//! `spec:`: the same writer writes it at column 0 and each line is shifted by two spaces, which
//! keeps every scalar's meaning (block scalars and folded lines are indented relative to their
//! parent). Kubernetes specs do not come here: they keep Sloth's own object ([`super::k8s`]).
//!
//! Also here: what Kubernetes accepts as an object name, a namespace and a label, and the
//! DNS-1123 name made from a service.

use std::sync::OnceLock;

use regex::Regex;

use super::yaml;
use super::{header, prometheus, EmitError};
use crate::plan::Plan;

/// Metadata of the objects `--output-format prometheusrule` writes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ObjectMeta {
    /// `--name`: the object's name; otherwise the document's service, as a DNS-1123 label.
    pub name: Option<String>,
    /// `--namespace`; omitted when `None`, so the object goes to the namespace it is applied
    /// in (an ArgoCD Application's destination).
    pub namespace: Option<String>,
    /// `--label`s, added to (and overriding) [`DEFAULT_LABELS`].
    pub labels: Vec<(String, String)>,
}

/// Labels every wrapped object carries, as Sloth's Kubernetes objects carry theirs
/// (`app.kubernetes.io/managed-by: sloth` there).
pub const DEFAULT_LABELS: [(&str, &str); 2] = [
    ("app.kubernetes.io/component", "SLO"),
    ("app.kubernetes.io/managed-by", "slogen"),
];

/// The header and a `PrometheusRule` named `name` holding the plan's rule groups.
pub fn document(plan: &Plan, name: &str, meta: &ObjectMeta) -> Result<String, EmitError> {
    let groups = prometheus::body(plan)?;
    let mut labels: Vec<(&str, &str)> = DEFAULT_LABELS.to_vec();
    for (k, v) in &meta.labels {
        labels.retain(|(lk, _)| lk != k);
        labels.push((k, v));
    }
    labels.sort_by(|a, b| yaml::natural_cmp(a.0, b.0));
    let mut w = yaml::Writer::new(header(&plan.info.version));
    w.map();
    w.entry("apiVersion", "monitoring.coreos.com/v1");
    w.entry("kind", "PrometheusRule");
    w.key("metadata");
    w.map();
    w.key("labels");
    w.map();
    for (k, v) in labels {
        w.entry(k, v);
    }
    w.end();
    w.entry("name", name);
    if let Some(ns) = &meta.namespace {
        w.entry("namespace", ns);
    }
    w.end();
    w.end();
    let mut out = w.finish();
    out.reserve(groups.len() + groups.len() / 16 + 8);
    out.push_str("spec:\n");
    for line in groups.split_inclusive('\n') {
        if line != "\n" {
            out.push_str("  ");
        }
        out.push_str(line);
    }
    Ok(out)
}

/// Longest Kubernetes label value, namespace and DNS-1123 label.
pub const MAX_LABEL: usize = 63;
/// Longest object name (a DNS-1123 subdomain).
pub const MAX_NAME: usize = 253;

/// The DNS-1123 label made from a service name: lower case; every run of characters other
/// than `a-z` and `0-9` becomes one `-`; no `-` at either end; at most 63 characters. `None`
/// when nothing is left (a service written only in other characters).
pub fn name_from_service(service: &str) -> Option<String> {
    let mut out = String::with_capacity(service.len());
    for c in service.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    out.truncate(MAX_LABEL);
    let trimmed = out.trim_end_matches('-');
    (!trimmed.is_empty()).then(|| trimmed.to_string())
}

/// `base` with the suffix `-n`, shortened so the result stays a valid name of at most `max`
/// characters: the second object of a file named after the same service is `<name>-2`.
pub fn numbered(base: &str, n: usize, max: usize) -> String {
    let suffix = format!("-{n}");
    let mut stem = base[..base.len().min(max.saturating_sub(suffix.len()))].to_string();
    while stem.ends_with(['-', '.']) {
        stem.pop();
    }
    format!("{stem}{suffix}")
}

fn re(cell: &'static OnceLock<Regex>, pattern: &str) -> &'static Regex {
    cell.get_or_init(|| Regex::new(pattern).expect("a valid pattern"))
}

const LABEL_RE: &str = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$";
const SUBDOMAIN_RE: &str = r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";
const QUALIFIED_RE: &str = "^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$";

fn dns_label(s: &str) -> bool {
    static RE: OnceLock<Regex> = OnceLock::new();
    s.len() <= MAX_LABEL && re(&RE, LABEL_RE).is_match(s)
}

fn dns_subdomain(s: &str) -> bool {
    static RE: OnceLock<Regex> = OnceLock::new();
    s.len() <= MAX_NAME && re(&RE, SUBDOMAIN_RE).is_match(s)
}

fn qualified(s: &str) -> bool {
    static RE: OnceLock<Regex> = OnceLock::new();
    s.len() <= MAX_LABEL && re(&RE, QUALIFIED_RE).is_match(s)
}

/// Checks an object name as the API server does (a DNS-1123 subdomain).
pub fn check_name(name: &str) -> Result<(), String> {
    if dns_subdomain(name) {
        return Ok(());
    }
    Err(format!(
        "invalid object name {name:?}: a Kubernetes name is at most {MAX_NAME} characters of \
         lower-case letters, digits, '-' and '.', starting and ending with a letter or digit \
         (for example {:?})",
        name_from_service(name).unwrap_or_else(|| "my-service".into())
    ))
}

/// Checks a namespace (a DNS-1123 label).
pub fn check_namespace(ns: &str) -> Result<(), String> {
    if dns_label(ns) {
        return Ok(());
    }
    Err(format!(
        "invalid namespace {ns:?}: a namespace is at most {MAX_LABEL} characters of lower-case \
         letters, digits and '-', starting and ending with a letter or digit (for example \
         \"monitoring\")"
    ))
}

/// Checks a label as the API server does: a key `[prefix/]name` (prefix a DNS-1123
/// subdomain, name at most 63 characters of letters, digits, `-`, `_`, `.`, alphanumeric at
/// both ends) and a value that is empty or shaped like a key's name.
pub fn check_label(key: &str, value: &str) -> Result<(), String> {
    let (prefix, name) = match key.rsplit_once('/') {
        Some((p, n)) => (Some(p), n),
        None => (None, key),
    };
    if prefix.is_some_and(|p| !dns_subdomain(p)) || !qualified(name) {
        return Err(format!(
            "invalid label key {key:?}: a key is an optional DNS subdomain prefix and `/`, then \
             a name of at most {MAX_LABEL} letters, digits, '-', '_' or '.', starting and ending \
             with a letter or digit (for example \"release\" or \"example.com/team\")"
        ));
    }
    if !value.is_empty() && !qualified(value) {
        return Err(format!(
            "invalid value {value:?} of label {key:?}: a value is empty or at most {MAX_LABEL} \
             letters, digits, '-', '_' or '.', starting and ending with a letter or digit"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_from_services() {
        for (service, name) in [
            ("tr-web", Some("tr-web")),
            ("My_Service.v2", Some("my-service-v2")),
            ("--a--b--", Some("a-b")),
            ("Ünïcode app", Some("n-code-app")),
            ("日本", None),
            ("", None),
        ] {
            assert_eq!(name_from_service(service).as_deref(), name, "{service}");
        }
        let long = "a".repeat(62) + "_b";
        assert_eq!(name_from_service(&long).unwrap(), "a".repeat(62));
        for s in ["x", "a.b", "A B", &"z".repeat(100)] {
            let n = name_from_service(s).unwrap();
            assert!(check_name(&n).is_ok() && check_namespace(&n).is_ok(), "{n}");
        }
    }

    #[test]
    fn numbered_names_stay_valid() {
        assert_eq!(numbered("shop", 2, MAX_LABEL), "shop-2");
        let long = "a".repeat(61) + "-b";
        let n = numbered(&long, 12, MAX_LABEL);
        assert_eq!(n, "a".repeat(60) + "-12");
        assert!(check_name(&n).is_ok());
    }

    #[test]
    fn kubernetes_metadata_rules() {
        assert!(check_name("slo.example-1").is_ok());
        for bad in ["", "Upper", "-a", "a-", "a_b", &"a".repeat(254)] {
            assert!(check_name(bad).is_err(), "{bad}");
        }
        assert!(check_namespace("monitoring").is_ok());
        assert!(check_namespace("a.b").is_err());
        assert!(check_label("release", "kube-prometheus-stack").is_ok());
        assert!(check_label("example.com/team", "").is_ok());
        assert!(check_label("Team_Name.x", "A.b_c-D").is_ok());
        for (k, v) in [
            ("", "x"),
            ("a/", "x"),
            ("Bad_Prefix/x", "y"),
            ("a b", "x"),
            ("k", "-x"),
            ("k", "x y"),
        ] {
            assert!(check_label(k, v).is_err(), "{k}={v}");
        }
        assert!(check_label("k", &"v".repeat(64)).is_err());
    }
}
