//! Function names: MetricsQL's (VictoriaMetrics' `metricsql` package, v0.87: `aggrFuncs`,
//! `rollupFuncs`, `transformFuncs`) and Prometheus' (3.x, `promql/parser/functions.go` and the
//! aggregation operators). Names are lower case; both languages match them without case in
//! MetricsQL and exactly in PromQL.

/// MetricsQL aggregate functions.
const AGGREGATE: &str = "any avg bottomk bottomk_avg bottomk_max bottomk_median bottomk_last \
    bottomk_min count count_values distinct geomean group histogram limitk mad max median min \
    mode outliers_iqr outliers_mad outliersk quantile quantiles share stddev stdvar sum sum2 \
    topk topk_avg topk_max topk_median topk_last topk_min zscore";

/// MetricsQL rollup functions (they take a range: `f(m[5m])`).
const ROLLUP: &str = "absent_over_time aggr_over_time ascent_over_time avg_over_time changes \
    changes_prometheus count_eq_over_time count_gt_over_time count_le_over_time \
    count_ne_over_time count_over_time count_values_over_time decreases_over_time default_rollup \
    delta delta_prometheus deriv deriv_fast descent_over_time distinct_over_time \
    duration_over_time first_over_time geomean_over_time histogram_over_time \
    hoeffding_bound_lower hoeffding_bound_upper holt_winters idelta ideriv increase \
    increase_prometheus increase_pure increases_over_time integrate irate lag last_over_time \
    lifetime mad_over_time max_over_time median_over_time min_over_time mode_over_time \
    outlier_iqr_over_time predict_linear present_over_time quantile_over_time \
    quantiles_over_time range_over_time rate rate_prometheus rate_over_sum resets rollup \
    rollup_candlestick rollup_delta rollup_deriv rollup_increase rollup_rate \
    rollup_scrape_interval scrape_interval share_gt_over_time share_le_over_time \
    share_eq_over_time stale_samples_over_time stddev_over_time stdvar_over_time \
    sum_eq_over_time sum_gt_over_time sum_le_over_time sum_over_time sum2_over_time \
    tfirst_over_time timestamp timestamp_with_name tlast_change_over_time tlast_over_time \
    tmax_over_time tmin_over_time zscore_over_time";

/// MetricsQL transform functions.
const TRANSFORM: &str = "abs absent acos acosh asin asinh atan atanh bitmap_and bitmap_or \
    bitmap_xor buckets_limit ceil clamp clamp_max clamp_min cos cosh day_of_month day_of_week \
    day_of_year days_in_month deg drop_common_labels drop_empty_series end exp floor \
    histogram_avg histogram_fraction histogram_quantile histogram_quantiles histogram_share \
    histogram_stddev histogram_stdvar hour interpolate keep_last_value keep_next_value \
    label_copy label_del label_graphite_group label_join label_keep label_lowercase label_map \
    label_match label_mismatch label_move label_replace label_set label_transform \
    label_uppercase label_value labels_equal limit_offset ln log2 log10 minute month now pi \
    prometheus_buckets rad rand rand_exponential rand_normal range_avg range_first range_last \
    range_linear_regression range_mad range_max range_min range_normalize range_quantile \
    range_stddev range_stdvar range_sum range_trim_outliers range_trim_spikes \
    range_trim_zscore range_zscore remove_resets round running_avg running_max running_min \
    running_sum scalar sgn sin sinh smooth_exponential sort sort_by_label sort_by_label_desc \
    sort_by_label_numeric sort_by_label_numeric_desc sort_desc sqrt start step tan tanh time \
    timezone_offset union vector year";

/// Prometheus 3.x functions and aggregation operators (experimental ones included: a query
/// that uses one is PromQL, whether or not the server enables it).
const PROMETHEUS: &str = "abs absent absent_over_time acos acosh asin asinh atan atanh \
    avg_over_time ceil changes clamp clamp_max clamp_min cos cosh count_over_time day_of_month \
    day_of_week day_of_year days_in_month deg delta deriv double_exponential_smoothing exp \
    first_over_time floor histogram_avg histogram_count histogram_fraction histogram_quantile \
    histogram_stddev histogram_stdvar histogram_sum holt_winters hour idelta increase info \
    irate label_join label_replace last_over_time ln log10 log2 mad_over_time max_over_time \
    min_over_time minute month pi predict_linear present_over_time quantile_over_time rad \
    rate resets round scalar sgn sin sinh sort sort_by_label sort_by_label_desc sort_desc sqrt \
    stddev_over_time stdvar_over_time sum_over_time tan tanh time timestamp \
    ts_of_first_over_time ts_of_last_over_time ts_of_max_over_time ts_of_min_over_time vector \
    year avg bottomk count count_values group limit_ratio limitk max min quantile stddev \
    stdvar sum topk";

fn has(list: &str, name: &str) -> bool {
    list.split_ascii_whitespace().any(|n| n == name)
}

/// True when `name` is a MetricsQL function (any letter case).
pub fn is_metricsql(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    has(AGGREGATE, &name) || has(ROLLUP, &name) || has(TRANSFORM, &name)
}

/// True when `name` (as written) is a Prometheus function or aggregation.
pub fn is_prometheus(name: &str) -> bool {
    has(PROMETHEUS, name)
}

/// True when `name` is an aggregate function in MetricsQL (`sum`, `topk_max`, …): it may
/// take `by (…)`/`without (…)` before or after its arguments.
pub fn is_aggregate(name: &str) -> bool {
    has(AGGREGATE, &name.to_ascii_lowercase())
}

/// True when Prometheus would not know `name` but VictoriaMetrics would: a MetricsQL-only
/// function (`histogram_share`, `range_avg`, `increase_pure`, …).
pub fn is_metricsql_only(name: &str) -> bool {
    is_metricsql(name) && !is_prometheus(&name.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tells_the_languages_apart() {
        assert!(is_metricsql("rate") && is_prometheus("rate"));
        assert!(is_metricsql("HISTOGRAM_SHARE") && is_metricsql_only("histogram_share"));
        assert!(!is_metricsql_only("histogram_quantile"));
        assert!(is_metricsql_only("range_avg") && is_metricsql_only("increase_pure"));
        assert!(!is_metricsql("histogram_count") && is_prometheus("histogram_count"));
        assert!(is_aggregate("topk_max") && !is_aggregate("rate"));
        assert!(!is_metricsql("up"));
    }
}
