//! Lint rules, one per file. Each file holds the rule's documentation (`DOCS`), its catalogue
//! entry (`RULE`) and a plain `check` function; [`super::registry`] lists them in order.

pub(crate) mod duplicate_slo_id;
pub(crate) mod hardcoded_range;
pub(crate) mod histogram_quantile;
pub(crate) mod impossible_alert;
pub(crate) mod integer_le;
pub(crate) mod invalid_label_name;
pub(crate) mod le_matchers;
pub(crate) mod metricsql_only;
pub(crate) mod mismatched_grouping;
pub(crate) mod mismatched_metrics;
pub(crate) mod missing_description;
pub(crate) mod objective_as_ratio;
pub(crate) mod query_length;
pub(crate) mod query_syntax;
pub(crate) mod reserved_label;
pub(crate) mod sloth_validation;
pub(crate) mod tiny_error_budget;
pub(crate) mod uncommon_bucket;
pub(crate) mod unknown_key;
