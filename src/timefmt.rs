//! Times on the command line, in reports and in JSON: RFC 3339 or Unix seconds in, UTC text out.
//!
//! One place for every command: flags such as `--time` and `--at` parse with [`parse_time`],
//! JSON carries [`rfc3339`], human text [`format_utc`].

use anyhow::{bail, Context};

/// Parses `1767225600`, `1767225600.5`, `2026-01-01T00:00:00Z` or `2026-01-01T02:00:00+02:00`
/// into Unix seconds.
pub fn parse_time(raw: &str) -> anyhow::Result<f64> {
    let s = raw.trim();
    if let Ok(v) = s.parse::<f64>() {
        if v.is_finite() {
            return Ok(v);
        }
    }
    let bad = || {
        format!("{raw:?} is not a time (use RFC 3339 like 2026-01-01T00:00:00Z, or Unix seconds)")
    };
    if s.len() < 20 || !s.is_char_boundary(19) {
        bail!(bad());
    }
    let (date_time, zone) = s.split_at(19);
    let b = date_time.as_bytes();
    let shape_ok = b[4] == b'-'
        && b[7] == b'-'
        && matches!(b[10], b'T' | b't' | b' ')
        && b[13] == b':'
        && b[16] == b':';
    if !shape_ok {
        bail!(bad());
    }
    let num = |r: std::ops::Range<usize>| date_time[r].parse::<i64>().with_context(bad);
    let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (h, mi, sec) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || sec > 60 {
        bail!(bad());
    }
    let (frac, zone) = match zone.strip_prefix('.') {
        Some(rest) => {
            let digits = rest
                .find(|c: char| !c.is_ascii_digit())
                .unwrap_or(rest.len());
            let f: f64 = format!("0.{}", &rest[..digits]).parse().with_context(bad)?;
            (f, &rest[digits..])
        }
        None => (0.0, zone),
    };
    let offset = match zone {
        "Z" | "z" => 0,
        z if z.len() == 6 && (z.starts_with('+') || z.starts_with('-')) && &z[3..4] == ":" => {
            let oh: i64 = z[1..3].parse().with_context(bad)?;
            let om: i64 = z[4..6].parse().with_context(bad)?;
            let sign = if z.starts_with('-') { -1 } else { 1 };
            sign * (oh * 3600 + om * 60)
        }
        _ => bail!(bad()),
    };
    let days = days_from_civil(y, mo, d);
    Ok((days * 86400 + h * 3600 + mi * 60 + sec - offset) as f64 + frac)
}

/// Formats Unix seconds as `2026-01-01 00:00 UTC`.
pub fn format_utc(t: f64) -> String {
    let secs = t.floor() as i64;
    let (days, rem) = (secs.div_euclid(86400), secs.rem_euclid(86400));
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02} UTC",
        rem / 3600,
        rem % 3600 / 60
    )
}

/// Formats Unix seconds as RFC 3339 in UTC, to the second (`2026-11-27T10:00:00Z`).
pub fn rfc3339(t: f64) -> String {
    let secs = t.floor() as i64;
    let (days, rem) = (secs.div_euclid(86400), secs.rem_euclid(86400));
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// Serializes Unix seconds as an RFC 3339 string (serde `serialize_with`), so every time in
/// slogen's JSON reads the same way.
pub fn serialize_rfc3339<S: serde::Serializer>(t: &f64, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&rfc3339(*t))
}

/// [`serialize_rfc3339`] for an optional time (`null` when absent).
pub fn serialize_rfc3339_opt<S: serde::Serializer>(
    t: &Option<f64>,
    s: S,
) -> Result<S::Ok, S::Error> {
    match t {
        Some(t) => s.serialize_str(&rfc3339(*t)),
        None => s.serialize_none(),
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (
        if m <= 2 {
            yoe + era * 400 + 1
        } else {
            yoe + era * 400
        },
        m,
        d,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_matches_known_instants() {
        assert_eq!(rfc3339(0.0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(951_782_400.0), "2000-02-29T00:00:00Z");
        assert_eq!(rfc3339(1_700_000_000.5), "2023-11-14T22:13:20Z");
        assert_eq!(rfc3339(-1.0), "1969-12-31T23:59:59Z");
        for t in [0.0, 951_782_400.0, 1_767_225_600.0] {
            assert_eq!(parse_time(&rfc3339(t)).unwrap(), t);
        }
    }

    #[test]
    fn parses_rfc3339_and_unix_seconds() {
        for (raw, want) in [
            ("1767225600", 1_767_225_600.0),
            ("2026-01-01T00:00:00Z", 1_767_225_600.0),
            ("2026-01-01T02:00:00+02:00", 1_767_225_600.0),
            ("1970-01-01T00:00:00.5Z", 0.5),
            ("2024-02-29T12:00:00Z", 1_709_208_000.0),
        ] {
            assert_eq!(parse_time(raw).unwrap(), want, "{raw}");
        }
        for bad in [
            "yesterday",
            "2026-13-01T00:00:00Z",
            "2026-01-01T00:00:00",
            "",
        ] {
            assert!(parse_time(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn formats_utc() {
        assert_eq!(format_utc(1_767_225_600.0), "2026-01-01 00:00 UTC");
        assert_eq!(format_utc(1_709_208_000.0 + 59.0), "2024-02-29 12:00 UTC");
    }
}
