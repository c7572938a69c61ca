//! `L001 unknown-key`: keys Sloth silently ignores. Documentation: [`DOCS`].

use crate::diag::{Diagnostic, RuleInfo, Severity};
use crate::lint::context::DocCtx;
use crate::lint::context::PathStep;
use crate::spec::schema_keys::{self, Shape};
use crate::spec::SpecKind;
use crate::yaml::{Node, NodeKind};

/// The rule's documentation: what it does, why it matters, an example.
pub(crate) const DOCS: &str = r#"## What it does
Flags keys that the spec format does not have, with a "did you mean" suggestion. A key that is
a near miss of a known key (another spelling of the same words, or a small typo) is an error
when that key shapes the generated rules (everything but `description` and `status`): the
rules silently differ from what was written.

## Why is this bad?
Sloth decodes specs without rejecting unknown fields, so a misspelled key is silently
dropped: `ticker_alert:` leaves the ticket alert with its defaults, `disabled: true` leaves the
alert enabled. In `prometheus/v1` keys match regardless of letter case (`Service:` works) but
not regardless of underscores, so the Kubernetes spelling `pageAlert` is ignored there.

## Example
```yaml
alerting:
  ticker_alert:      # L001 (error): did you mean `ticket_alert`?
    disabled: true   # L001 (error): did you mean `disable`?
  runbook: https://… # L001 (warning): not a key of `alerting`
```
In a Kubernetes spec, `page_alert:` (the prometheus/v1 spelling) is an error: the page alert
loses its labels, `severity: critical` included, which Alertmanager routes on.

## References
- Sloth reads `prometheus/v1` through sigs.k8s.io/yaml (non-strict, case-insensitive keys).
"#;

/// The catalogue entry.
pub(crate) const RULE: RuleInfo = RuleInfo {
    code: "L001",
    name: "unknown-key",
    severity: Severity::Warning,
    summary: "A key the spec format does not have; Sloth silently ignores it",
    docs: DOCS,
};

/// Walks the document against the format's key tables.
pub(crate) fn check(ctx: &DocCtx, out: &mut Vec<Diagnostic>) {
    let (Some(root), Some(shape)) = (ctx.root, schema_keys::document(ctx.kind)) else {
        return;
    };
    walk(ctx, root, shape, "", out);
}

fn walk(ctx: &DocCtx, node: &Node, shape: &'static Shape, path: &str, out: &mut Vec<Diagnostic>) {
    match (shape, &node.kind) {
        (Shape::Map(_), NodeKind::Map(entries)) => {
            for (k, v) in entries {
                let Some(key) = k.as_scalar().map(|s| s.text.as_str()) else {
                    continue;
                };
                match shape.child(key, ctx.kind) {
                    Some(child) => {
                        let p = if path.is_empty() {
                            key.to_string()
                        } else {
                            format!("{path}.{key}")
                        };
                        walk(ctx, v, child, &p, out);
                    }
                    None => out.push(report(ctx, k, key, shape, path)),
                }
            }
        }
        (Shape::Seq(item), NodeKind::Seq(items)) => {
            for (i, n) in items.iter().enumerate() {
                walk(ctx, n, item, &format!("{path}[{i}]"), out);
            }
        }
        _ => {}
    }
}

fn report(ctx: &DocCtx, k: &Node, key: &str, shape: &Shape, path: &str) -> Diagnostic {
    let keys = shape.keys();
    let place = if path.is_empty() {
        "at the top level".to_string()
    } else {
        format!("in `{path}`")
    };
    let suggestion = suggest(key, &keys);
    let shapes_output = suggestion.is_some_and(schema_keys::shapes_output);
    let message = if shapes_output {
        format!("unknown key `{key}` {place}; Sloth ignores it, so the generated rules differ from the spec")
    } else {
        format!("unknown key `{key}` {place}; Sloth ignores it")
    };
    let mut d = ctx.at(&RULE, k.pos, message).with_label("ignored by Sloth");
    if shapes_output {
        d.severity = Severity::Error;
    }
    let other_spelling = match ctx.kind {
        SpecKind::PrometheusV1 => "the Kubernetes spelling; prometheus/v1 specs use snake_case",
        _ => "the prometheus/v1 spelling; Kubernetes specs use camelCase",
    };
    match suggestion {
        Some(s) if same_words(key, s) && !s.eq_ignore_ascii_case(key) => {
            d = d.with_help(format!("did you mean `{s}`? `{key}` is {other_spelling}"));
        }
        Some(s) => d = d.with_help(format!("did you mean `{s}`?")),
        None => d = d.with_help(format!("known keys here: {}", keys.join(", "))),
    }
    d
}

/// The unknown key in the map at `path` that is a near miss of `wanted`, with its node: the
/// likely reason why `wanted` is missing.
pub(crate) fn near_miss<'n>(
    ctx: &DocCtx<'n>,
    path: &[PathStep],
    wanted: &str,
) -> Option<(&'n Node, String)> {
    let root = ctx.root?;
    let mut shape = schema_keys::document(ctx.kind)?;
    let mut node = root;
    for step in path {
        match (step, &node.kind, shape) {
            (PathStep::Key(k), NodeKind::Map(entries), _) => {
                shape = shape.child(k, ctx.kind)?;
                node = entries.iter().find_map(|(key, v)| {
                    let text = key.as_scalar()?.text.as_str();
                    let same = text == *k
                        || (schema_keys::case_insensitive(ctx.kind)
                            && text.eq_ignore_ascii_case(k));
                    same.then_some(v)
                })?;
            }
            (PathStep::Index(i), NodeKind::Seq(items), Shape::Seq(item)) => {
                shape = item;
                node = items.get(*i)?;
            }
            _ => return None,
        }
    }
    let NodeKind::Map(entries) = &node.kind else {
        return None;
    };
    entries.iter().find_map(|(k, _)| {
        let key = k.as_scalar()?.text.as_str();
        let unknown = shape.child(key, ctx.kind).is_none();
        (unknown && suggest(key, &shape.keys()) == Some(wanted)).then(|| (k, key.to_string()))
    })
}

fn normalize(s: &str) -> String {
    s.chars()
        .filter(|c| *c != '_' && *c != '-')
        .flat_map(|c| c.to_lowercase())
        .collect()
}

fn same_words(a: &str, b: &str) -> bool {
    normalize(a) == normalize(b)
}

/// The known key closest to `key`: same words in another spelling, or a small edit away.
pub(crate) fn suggest<'k>(key: &str, known: &[&'k str]) -> Option<&'k str> {
    if let Some(k) = known.iter().find(|k| same_words(key, k)) {
        return Some(k);
    }
    let key_n = normalize(key);
    let mut best: Option<(usize, &str)> = None;
    for k in known {
        let d = distance(&key_n, &normalize(k));
        let limit = (k.len() / 3).clamp(1, 3);
        if d <= limit && best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, k));
        }
    }
    best.map(|(_, k)| k)
}

/// Levenshtein distance over characters.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != *cb);
            cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions() {
        let alerting = [
            "name",
            "labels",
            "annotations",
            "page_alert",
            "ticket_alert",
        ];
        assert_eq!(suggest("ticker_alert", &alerting), Some("ticket_alert"));
        assert_eq!(suggest("pageAlert", &alerting), Some("page_alert"));
        assert_eq!(
            suggest("disabled", &["disable", "labels", "annotations"]),
            Some("disable")
        );
        assert_eq!(suggest("lables", &["name", "labels"]), Some("labels"));
        assert_eq!(suggest("runbook", &alerting), None);
    }
}
