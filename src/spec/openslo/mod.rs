//! Readers for OpenSLO documents: `openslo/v1alpha` as Sloth reads it, and `openslo/v1`.
//!
//! compat(sloth): v1alpha is decoded by yaml.v2 straight into oslo's structs: keys are exact,
//! unknown keys are ignored and string fields keep their source text (sloth-generation.md §9,
//! sloth-cli-validation.md §2.5), so both readers use [`Coercion::YamlV2`].
//!
//! Readers only report shape problems. Features of OpenSLO that slogen cannot map to Sloth's
//! model (calendar windows, timeslices, threshold metrics, composite SLOs…) are recorded as
//! [`Unsupported`] with their position, and `model::openslo` turns them into errors: they are
//! never silently dropped.

pub mod v1;
pub mod v1alpha;

use super::read::Reader;
use crate::source::Pos;
use crate::yaml::Node;

/// An OpenSLO feature that has no equivalent in Sloth's model, where it is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unsupported {
    pub pos: Pos,
    /// The dotted field path.
    pub field: String,
    /// What the feature is, in words (`calendar-aligned time windows`).
    pub feature: &'static str,
}

/// Records `feature` when `key` is present (and not null) in `node`.
pub(crate) fn flag_unsupported(
    r: &Reader,
    node: &Node,
    key: &str,
    field: &str,
    feature: &'static str,
    out: &mut Vec<Unsupported>,
) {
    if r.get(node, key).is_some_and(|v| !v.is_null()) {
        // Point at the key: the feature is the field itself.
        let pos = node
            .as_map()
            .and_then(|m| {
                m.iter()
                    .rev()
                    .find(|(k, _)| k.as_scalar().is_some_and(|s| s.text == key))
            })
            .map(|(k, _)| k.pos)
            .unwrap_or(node.pos);
        out.push(Unsupported {
            pos,
            field: format!("{field}.{key}"),
            feature,
        });
    }
}

/// A child map: `None` when absent or null (an error is recorded when it is not a map).
pub(crate) fn child<'a>(
    r: &mut Reader,
    node: &'a Node,
    key: &str,
    field: &str,
) -> Option<&'a Node> {
    let v = r.get(node, key)?;
    if r.expect_map(v, &format!("{field}.{key}")) {
        Some(v)
    } else {
        None
    }
}
