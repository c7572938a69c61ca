//! Prometheus durations, as Sloth parses and prints them.
//!
//! Sloth stores periods and windows as Go `time.Duration` but reads and writes them through
//! `prometheus/common/model.Duration` (sloth-generation.md §5.1). Milliseconds are the unit
//! of that type, so a duration here is a whole number of milliseconds.

use std::fmt;

/// A non-negative span of time with millisecond resolution.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Duration(u64);

const MS: u64 = 1;
const SECOND: u64 = 1000 * MS;
const MINUTE: u64 = 60 * SECOND;
const HOUR: u64 = 60 * MINUTE;
const DAY: u64 = 24 * HOUR;
const WEEK: u64 = 7 * DAY;
const YEAR: u64 = 365 * DAY;

/// Why a duration string was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a valid duration string: {0:?} (use forms like 5m, 1h30m, 30d, 4w)")]
pub struct ParseDurationError(pub String);

impl Duration {
    /// A duration of `ms` milliseconds.
    pub const fn from_millis(ms: u64) -> Self {
        Duration(ms)
    }

    /// A duration of `h` hours.
    pub const fn from_hours(h: u64) -> Self {
        Duration(h * HOUR)
    }

    /// A duration of `d` days.
    pub const fn from_days(d: u64) -> Self {
        Duration(d * DAY)
    }

    /// The length in milliseconds.
    pub const fn as_millis(self) -> u64 {
        self.0
    }

    /// True for the zero duration.
    pub const fn is_zero(self) -> bool {
        self.0 == 0
    }

    /// Hours as Go's `time.Duration.Hours()` computes them.
    ///
    /// compat(sloth): Go splits whole hours from the remainder in nanoseconds before dividing,
    /// and burn-rate factors are computed from this value (sloth-generation.md §4.1), so the
    /// last bit of every factor depends on reproducing it.
    pub fn go_hours(self) -> f64 {
        let nanos: u128 = u128::from(self.0) * 1_000_000;
        let hour_ns: u128 = 3_600_000_000_000;
        let whole = (nanos / hour_ns) as f64;
        let rest = (nanos % hour_ns) as f64;
        whole + rest / 3.6e12
    }

    /// Parses Prometheus duration syntax: `0`, or `<n><unit>` groups with units
    /// `y w d h m s ms` in strictly decreasing order.
    pub fn parse(s: &str) -> Result<Self, ParseDurationError> {
        let err = || ParseDurationError(s.to_string());
        if s == "0" {
            return Ok(Duration(0));
        }
        if s.is_empty() {
            return Err(err());
        }
        let units: [(&str, u64); 7] = [
            ("y", YEAR),
            ("w", WEEK),
            ("d", DAY),
            ("h", HOUR),
            ("m", MINUTE),
            ("s", SECOND),
            ("ms", MS),
        ];
        let bytes = s.as_bytes();
        let mut i = 0;
        let mut total: u64 = 0;
        let mut last_unit = usize::MAX;
        while i < bytes.len() {
            let start = i;
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                i += 1;
            }
            if start == i {
                return Err(err());
            }
            let n: u64 = s[start..i].parse().map_err(|_| err())?;
            let ustart = i;
            while i < bytes.len() && bytes[i].is_ascii_alphabetic() {
                i += 1;
            }
            let unit = &s[ustart..i];
            let idx = units.iter().position(|(u, _)| *u == unit).ok_or_else(err)?;
            if last_unit != usize::MAX && idx <= last_unit {
                return Err(err());
            }
            last_unit = idx;
            let part = n.checked_mul(units[idx].1).ok_or_else(err)?;
            total = total.checked_add(part).ok_or_else(err)?;
        }
        // Go's time.Duration holds at most ~292 years of nanoseconds.
        if total > (i64::MAX as u64) / 1_000_000 {
            return Err(err());
        }
        Ok(Duration(total))
    }
}

impl fmt::Display for Duration {
    /// compat(sloth): `model.Duration.String()`: years and weeks only when they divide
    /// exactly, then greedy days, hours, minutes, seconds, milliseconds (28d → `4w`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut ms = self.0;
        if ms == 0 {
            return f.write_str("0s");
        }
        let mut out = String::new();
        let mut unit = |ms: &mut u64, size: u64, name: &str, exact: bool| {
            if exact {
                if (*ms).is_multiple_of(size) && *ms >= size {
                    out.push_str(&format!("{}{}", *ms / size, name));
                    *ms = 0;
                }
                return;
            }
            if *ms >= size {
                out.push_str(&format!("{}{}", *ms / size, name));
                *ms %= size;
            }
        };
        unit(&mut ms, YEAR, "y", true);
        unit(&mut ms, WEEK, "w", true);
        unit(&mut ms, DAY, "d", false);
        unit(&mut ms, HOUR, "h", false);
        unit(&mut ms, MINUTE, "m", false);
        unit(&mut ms, SECOND, "s", false);
        unit(&mut ms, MS, "ms", false);
        f.write_str(&out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prints_like_prometheus() {
        let cases = [
            (Duration::from_days(30), "30d"),
            (Duration::from_days(28), "4w"),
            (Duration::from_days(7), "1w"),
            (Duration::from_days(14), "2w"),
            (Duration::from_days(365), "1y"),
            (Duration::from_hours(36), "1d12h"),
            (Duration::from_hours(24), "1d"),
            (Duration::from_millis(90 * MINUTE), "1h30m"),
            (Duration::from_millis(90 * SECOND), "1m30s"),
            (Duration::from_millis(5 * MINUTE), "5m"),
            (Duration::from_millis(0), "0s"),
            (Duration::from_millis(1500), "1s500ms"),
        ];
        for (d, want) in cases {
            assert_eq!(d.to_string(), want, "{d:?}");
        }
    }

    #[test]
    fn parses_prometheus_syntax() {
        assert_eq!(Duration::parse("30d").unwrap(), Duration::from_days(30));
        assert_eq!(Duration::parse("4w").unwrap(), Duration::from_days(28));
        assert_eq!(Duration::parse("1h30m").unwrap().as_millis(), 90 * MINUTE);
        assert_eq!(Duration::parse("0").unwrap(), Duration::from_millis(0));
        assert_eq!(Duration::parse("250ms").unwrap().as_millis(), 250);
        for bad in [
            "",
            "1",
            "m",
            "5m1h",
            "1.5h",
            "-5m",
            "5mm",
            "1h1h",
            "99999999999999999y",
        ] {
            assert!(Duration::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn go_hours_matches_go() {
        assert_eq!(Duration::from_days(30).go_hours(), 720.0);
        assert_eq!(Duration::from_millis(5 * MINUTE).go_hours(), 5.0 / 60.0);
        assert_eq!(Duration::from_millis(30 * MINUTE).go_hours(), 0.5);
    }
}
