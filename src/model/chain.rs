//! Sloth's SLO plugin chain order, in one function.
//!
//! compat(sloth): the chain is the CLI plugins (unless overridden) and then the spec's, stably
//! sorted by priority; those below 0 run before the default plugins and the rest after
//! (sloth-generation.md §6.1, slok/sloth `internal/app/generate/generate.go`).

/// The four plugins Sloth runs by default, in order.
pub const DEFAULT_PLUGINS: [&str; 4] = [
    "sloth.dev/core/validate/v1",
    "sloth.dev/core/sli_rules/v1",
    "sloth.dev/core/metadata_rules/v1",
    "sloth.dev/core/alert_rules/v1",
];

/// One SLO plugin to run, with its JSON config (`Null` when none was given).
#[derive(Debug, Clone, PartialEq)]
pub struct PluginDecl {
    pub id: String,
    pub config: serde_json::Value,
    pub priority: i64,
}

impl PluginDecl {
    /// A declaration with no config and priority 0.
    pub fn new(id: &str) -> Self {
        PluginDecl {
            id: id.to_string(),
            config: serde_json::Value::Null,
            priority: 0,
        }
    }
}

/// Builds the chain for one SLO.
///
/// `spec_plugins` is the group chain followed by the SLO chain (or only the SLO chain when the
/// SLO overrides). `overridden` drops the CLI plugins and the defaults.
pub fn build(
    cli_plugins: &[PluginDecl],
    spec_plugins: &[PluginDecl],
    overridden: bool,
    disable_defaults: bool,
) -> Vec<PluginDecl> {
    let mut metas: Vec<PluginDecl> = Vec::new();
    if !overridden {
        metas.extend(cli_plugins.iter().cloned());
    }
    metas.extend(spec_plugins.iter().cloned());
    metas.sort_by_key(|p| p.priority);
    let (pre, post): (Vec<_>, Vec<_>) = metas.into_iter().partition(|p| p.priority < 0);
    let mut chain = pre;
    if !overridden && !disable_defaults {
        chain.extend(DEFAULT_PLUGINS.iter().map(|id| PluginDecl::new(id)));
    }
    chain.extend(post);
    chain
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(id: &str, priority: i64) -> PluginDecl {
        PluginDecl {
            priority,
            ..PluginDecl::new(id)
        }
    }

    fn ids(chain: &[PluginDecl]) -> Vec<&str> {
        chain.iter().map(|p| p.id.as_str()).collect()
    }

    #[test]
    fn negative_before_defaults_rest_after_stably() {
        let chain = build(
            &[p("cli", 0)],
            &[p("a", 10), p("b", -5), p("c", 0), p("d", -5)],
            false,
            false,
        );
        assert_eq!(
            ids(&chain),
            vec![
                "b",
                "d",
                DEFAULT_PLUGINS[0],
                DEFAULT_PLUGINS[1],
                DEFAULT_PLUGINS[2],
                DEFAULT_PLUGINS[3],
                "cli",
                "c",
                "a"
            ]
        );
    }

    #[test]
    fn override_drops_cli_and_defaults() {
        let chain = build(&[p("cli", 0)], &[p("a", 0)], true, false);
        assert_eq!(ids(&chain), vec!["a"]);
    }

    #[test]
    fn disabled_defaults_keep_cli() {
        let chain = build(&[p("cli", 0)], &[], false, true);
        assert_eq!(ids(&chain), vec!["cli"]);
    }
}
