//! Built-in alert windows for periods Sloth has no catalogue for: 7d, 14d and 90d.
//!
//! Sloth's two catalogues (google-30d, google-28d) are the SRE Workbook's recommended
//! parameters: the page alerts spend 2% of the budget over 1h and 5% over 6h, the ticket
//! alerts 10% over 1d and 10% over 3d, and each short window is 1/12 of its long one. The
//! Workbook states them for 30 days, and Sloth keeps the same windows for 28 days.
//!
//! The other periods are derived the same way: the budget-spend points stay 2% / 5% / 10% /
//! 10% (so "budget spent when the alert fires" means the same thing for every period) and the
//! Workbook's long windows are scaled by `period / 30d`. A scaled window is rounded to the
//! nearest, in ratio, of [`NICE`], the durations people use for windows (all multiples of
//! 5m); its short window is the long one divided by 12, rounded the same way and never below
//! 5m. Applied to 30d and 28d this gives Sloth's catalogues exactly (a unit test checks it);
//! for 7d, 14d and 90d it gives:
//!
//! | period | page quick | page slow | ticket quick | ticket slow |
//! |---|---|---|---|---|
//! | 7d  | 15m / 5m, 13.44× | 1h30m / 10m, 5.6× | 6h / 30m, 2.8× | 18h / 1h30m, 0.9333× |
//! | 14d | 30m / 5m, 13.44× | 3h / 15m, 5.6× | 12h / 1h, 2.8× | 1d12h / 3h, 0.9333× |
//! | 90d | 3h / 15m, 14.4× | 18h / 1h30m, 6× | 3d / 6h, 3× | 9d / 18h, 1× |

use super::{AlertWindows, Window};
use crate::duration::Duration;

const MINUTE: u64 = 60_000;
const HOUR: u64 = 60 * MINUTE;
const DAY: u64 = 24 * HOUR;

/// The durations scaled windows round to, shortest first.
pub const NICE: [u64; 24] = [
    5 * MINUTE,
    10 * MINUTE,
    15 * MINUTE,
    20 * MINUTE,
    30 * MINUTE,
    45 * MINUTE,
    HOUR,
    90 * MINUTE,
    2 * HOUR,
    3 * HOUR,
    4 * HOUR,
    6 * HOUR,
    8 * HOUR,
    12 * HOUR,
    18 * HOUR,
    DAY,
    36 * HOUR,
    2 * DAY,
    3 * DAY,
    4 * DAY,
    6 * DAY,
    9 * DAY,
    12 * DAY,
    18 * DAY,
];

/// The periods with a derived built-in catalogue (28d and 30d are Sloth's own files).
pub const DERIVED_PERIODS: [u64; 3] = [7, 14, 90];

/// The Workbook's 30d parameters: (budget percent, long window).
const WORKBOOK_30D: [(f64, u64); 4] = [(2.0, HOUR), (5.0, 6 * HOUR), (10.0, DAY), (10.0, 3 * DAY)];

/// The nearest duration of [`NICE`] to `ms`, comparing ratios (ties go to the shorter).
fn nice(ms: f64) -> u64 {
    let mut best = NICE[0];
    for &n in &NICE {
        let (a, b) = ((best as f64 / ms).ln().abs(), (n as f64 / ms).ln().abs());
        if b < a {
            best = n;
        }
    }
    best
}

/// The alert windows of `period`, derived from the Workbook's 30d parameters.
pub fn derive(period: Duration) -> AlertWindows {
    let scale = period.as_millis() as f64 / (30 * DAY) as f64;
    let window = |(percent, long_30d): (f64, u64)| {
        let long = nice(long_30d as f64 * scale);
        let short = nice(long as f64 / 12.0).max(5 * MINUTE);
        Window {
            error_budget_percent: percent,
            short: Duration::from_millis(short),
            long: Duration::from_millis(long),
        }
    };
    AlertWindows {
        period,
        page_quick: window(WORKBOOK_30D[0]),
        page_slow: window(WORKBOOK_30D[1]),
        ticket_quick: window(WORKBOOK_30D[2]),
        ticket_slow: window(WORKBOOK_30D[3]),
    }
}

#[cfg(test)]
mod tests {
    use super::super::WindowCatalog;
    use super::*;

    fn d(s: &str) -> Duration {
        Duration::parse(s).unwrap()
    }

    #[test]
    fn reproduces_sloth_catalogues_for_30d_and_28d() {
        let sloth = WindowCatalog::sloth_default();
        for days in [30, 28] {
            let p = Duration::from_days(days);
            assert_eq!(derive(p), *sloth.get(p).unwrap(), "{days}d");
        }
    }

    #[test]
    fn derived_periods() {
        let pairs = |w: AlertWindows| {
            [w.page_quick, w.page_slow, w.ticket_quick, w.ticket_slow].map(|x| {
                (
                    x.long.to_string(),
                    x.short.to_string(),
                    x.error_budget_percent,
                )
            })
        };
        let s = |l: &str, sh: &str, p: f64| (l.to_string(), sh.to_string(), p);
        assert_eq!(
            pairs(derive(d("7d"))),
            [
                s("15m", "5m", 2.0),
                s("1h30m", "10m", 5.0),
                s("6h", "30m", 10.0),
                s("18h", "1h30m", 10.0)
            ]
        );
        assert_eq!(
            pairs(derive(d("14d"))),
            [
                s("30m", "5m", 2.0),
                s("3h", "15m", 5.0),
                s("12h", "1h", 10.0),
                s("1d12h", "3h", 10.0)
            ]
        );
        assert_eq!(
            pairs(derive(d("90d"))),
            [
                s("3h", "15m", 2.0),
                s("18h", "1h30m", 5.0),
                s("3d", "6h", 10.0),
                s("9d", "18h", 10.0)
            ]
        );
    }

    #[test]
    fn every_window_is_a_whole_number_of_5m_steps() {
        for days in DERIVED_PERIODS {
            let w = derive(Duration::from_days(days));
            for x in [w.page_quick, w.page_slow, w.ticket_quick, w.ticket_slow] {
                assert_eq!(x.short.as_millis() % (5 * MINUTE), 0);
                assert_eq!(x.long.as_millis() % (5 * MINUTE), 0);
                assert!(x.short < x.long);
            }
        }
    }
}
