//! The shape of an `AlertWindows` file (`--slo-period-windows-path`).
//!
//! compat(sloth): Sloth reads these files with yaml.v2 into structs: keys are case-sensitive
//! and every value is required and non-zero (sloth-cli-validation.md §3.4).

use schemars::JsonSchema;
use serde::Deserialize;

/// The multi-window, multi-burn-rate alert windows of one SLO period.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct AlertWindows {
    /// Always `sloth.slok.dev/v1`.
    #[schemars(extend("const" = "sloth.slok.dev/v1"))]
    pub api_version: String,
    /// Always `AlertWindows`.
    #[schemars(extend("const" = "AlertWindows"))]
    pub kind: String,
    /// The SLO period and its page and ticket windows.
    pub spec: WindowsSpec,
}

/// The windows of one SLO period.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct WindowsSpec {
    /// The SLO period these windows serve, as a Prometheus duration (`30d`, `28d`, `7d`). SLOs
    /// with this period (`--default-slo-period`, or an OpenSLO time window) use these windows.
    #[schemars(extend("pattern" = DURATION_PATTERN))]
    pub slo_period: String,
    /// Windows of the page (critical) alert.
    pub page: QuickSlow,
    /// Windows of the ticket (warning) alert.
    pub ticket: QuickSlow,
}

/// A quick and a slow window pair of one alert severity.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct QuickSlow {
    /// The window that catches fast, heavy burns.
    pub quick: Window,
    /// The window that catches slower, sustained burns.
    pub slow: Window,
}

/// One alert window.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Window {
    /// Share of the period's error budget (in percent) that this window alerts on, e.g. `2` for
    /// a page at 2% of a 30-day budget burnt in one hour.
    #[schemars(extend("exclusiveMinimum" = 0, "maximum" = 100))]
    pub error_budget_percent: f64,
    /// The short window, a Prometheus duration (`5m`); it makes the alert stop soon after the
    /// burn stops.
    #[schemars(extend("pattern" = DURATION_PATTERN))]
    pub short_window: String,
    /// The long window, a Prometheus duration (`1h`); it measures the burn rate.
    #[schemars(extend("pattern" = DURATION_PATTERN))]
    pub long_window: String,
}

/// A Prometheus duration such as `30d`, `1h30m` or `500ms`.
pub const DURATION_PATTERN: &str = "^([0-9]+(ms|y|w|d|h|m|s))+$";
