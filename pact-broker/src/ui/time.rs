//! Times as a page shows them: "3 minutes ago", with the exact time on hover.

use pact_core::datetime::DateTime;

/// A stored time, ready for a page: the exact text for `title` and `<time datetime>`, and
/// how long ago it was.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Moment {
    /// The time as stored, `2026-12-01T09:30:00.123456Z`.
    pub exact: String,
    /// How long before `now` it was: `just now`, `5 minutes ago`, `3 days ago`.
    pub relative: String,
}

impl Moment {
    /// `stored` (a time as the broker stores it) seen at `now` (likewise).
    pub fn new(stored: &str, now: &str) -> Moment {
        let relative = match (seconds(stored), seconds(now)) {
            (Some(t), Some(n)) => ago(n - t),
            _ => stored.to_string(),
        };
        Moment {
            exact: stored.to_string(),
            relative,
        }
    }
}

/// Seconds since 1970 of a stored time; `None` for any other text.
fn seconds(stored: &str) -> Option<i64> {
    let b = stored.as_bytes();
    if b.len() < 19 || b[4] != b'-' || b[7] != b'-' || b[10] != b'T' {
        return None;
    }
    let num = |range: std::ops::Range<usize>| stored.get(range)?.parse::<u32>().ok();
    let t = DateTime {
        year: i32::try_from(num(0..4)?).ok()?,
        month: num(5..7)?,
        day: num(8..10)?,
        hour: num(11..13)?,
        minute: num(14..16)?,
        second: num(17..19)?,
        nanosecond: 0,
        offset_minutes: 0,
    };
    Some(t.to_unix())
}

/// A duration in words, rounded down to its largest unit.
fn ago(seconds: i64) -> String {
    const UNITS: [(i64, &str); 6] = [
        (365 * 86_400, "year"),
        (30 * 86_400, "month"),
        (86_400, "day"),
        (3_600, "hour"),
        (60, "minute"),
        (1, "second"),
    ];
    if seconds < 10 {
        return "just now".to_string();
    }
    let (size, unit) = UNITS
        .iter()
        .copied()
        .find(|(size, _)| seconds >= *size)
        .unwrap_or((1, "second"));
    let n = seconds / size;
    format!("{n} {unit}{} ago", if n == 1 { "" } else { "s" })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_time_reads_as_how_long_ago() {
        let now = "2026-12-02T10:00:00.000000Z";
        assert_eq!(
            Moment::new("2026-12-02T09:59:58.000000Z", now).relative,
            "just now"
        );
        assert_eq!(
            Moment::new("2026-12-02T09:59:00.000000Z", now).relative,
            "1 minute ago"
        );
        assert_eq!(
            Moment::new("2026-12-02T07:00:00.000000Z", now).relative,
            "3 hours ago"
        );
        assert_eq!(
            Moment::new("2026-11-29T10:00:00.000000Z", now).relative,
            "3 days ago"
        );
        assert_eq!(
            Moment::new("2025-11-29T10:00:00.000000Z", now).relative,
            "1 year ago"
        );
        let odd = Moment::new("yesterday", now);
        assert_eq!(
            (odd.exact.as_str(), odd.relative.as_str()),
            ("yesterday", "yesterday")
        );
    }
}
