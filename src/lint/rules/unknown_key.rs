//! `L001 unknown-key`: keys Sloth silently ignores. Documentation: [`DOCS`].

use crate::diag::{Diagnostic, RuleInfo, Severity};
use crate::lint::context::DocCtx;
use crate::spec::schema_keys::{self, Shape};
use crate::spec::SpecKind;
use crate::yaml::{Node, NodeKind};

/// The rule's documentation: what it does, why it matters, an example.
pub(crate) const DOCS: &str = r#"## What it does
Flags keys that the spec format does not have, with a "did you mean" suggestion.

## Why is this bad?
Sloth decodes specs without rejecting unknown fields, so a misspelled key is silently
dropped: `ticker_alert:` leaves the ticket alert with its defaults, `disabled: true` leaves the
alert enabled. In `prometheus/v1` keys match regardless of letter case (`Service:` works) but
not regardless of underscores, so the Kubernetes spelling `pageAlert` is ignored there.

## Example
```yaml
alerting:
  ticker_alert:      # L001: did you mean `ticket_alert`?
    disabled: true   # L001: did you mean `disable`?
```

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
    let mut d = ctx
        .at(
            &RULE,
            k.pos,
            format!("unknown key `{key}` {place}; Sloth ignores it"),
        )
        .with_label("ignored by Sloth");
    match suggest(key, &keys) {
        Some(s) if same_words(key, s) && ctx.kind == SpecKind::PrometheusV1 => {
            d = d.with_help(format!(
                "did you mean `{s}`? `{key}` is the Kubernetes spelling; prometheus/v1 specs use snake_case"
            ));
        }
        Some(s) => d = d.with_help(format!("did you mean `{s}`?")),
        None => d = d.with_help(format!("known keys here: {}", keys.join(", "))),
    }
    d
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
