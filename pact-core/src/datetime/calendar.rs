//! Calendar arithmetic and the [`DateTime`] value generators and patterns work on.

use std::time::{SystemTime, UNIX_EPOCH};

pub(crate) const NANOS_PER_SECOND: u32 = 1_000_000_000;
pub(crate) const SECONDS_PER_DAY: i64 = 86_400;
/// Day counts are clamped to this many days either side of 1970-01-01, which
/// keeps every computed year (about ±1.9 billion) inside an `i32`.
pub(crate) const MAX_DAYS: i64 = 700_000_000_000;

pub(crate) const MONTHS_FULL: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
pub(crate) const MONTHS_SHORT: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];
pub(crate) const DAYS_FULL: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];
pub(crate) const DAYS_SHORT: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
pub(crate) const QUARTERS_FULL: [&str; 4] =
    ["1st quarter", "2nd quarter", "3rd quarter", "4th quarter"];
pub(crate) const QUARTERS_SHORT: [&str; 4] = ["Q1", "Q2", "Q3", "Q4"];

// ---------------------------------------------------------------------------
// Calendar arithmetic
// ---------------------------------------------------------------------------

pub(crate) fn is_leap_year(year: i64) -> bool {
    year.rem_euclid(4) == 0 && (year.rem_euclid(100) != 0 || year.rem_euclid(400) == 0)
}

pub(crate) fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if is_leap_year(year) => 29,
        2 => 28,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
/// `days_from_civil`). Out-of-range months and days are not rejected; they just
/// give some day count, without overflowing.
pub(crate) fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let m = i64::from(month);
    let y = if m <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The proleptic Gregorian date `days` days after 1970-01-01 (Howard Hinnant's
/// `civil_from_days`), as (year, month, day).
pub(crate) fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days.clamp(-MAX_DAYS, MAX_DAYS) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, small_u32(month), small_u32(day))
}

/// Converts a value known to be small and non-negative.
pub(crate) fn small_u32(value: i64) -> u32 {
    u32::try_from(value).unwrap_or(0)
}

pub(crate) fn clamp_year(year: i64) -> i32 {
    i32::try_from(year).unwrap_or(if year < 0 { i32::MIN } else { i32::MAX })
}

/// Day of week of a day count since the epoch, 1 = Monday .. 7 = Sunday.
pub(crate) fn weekday_from_days(days: i64) -> u32 {
    small_u32((days + 3).rem_euclid(7) + 1)
}

/// Number of ISO-8601 weeks (52 or 53) in a week-based year.
pub(crate) fn iso_weeks_in_year(year: i64) -> i64 {
    let p = |y: i64| (y + y.div_euclid(4) - y.div_euclid(100) + y.div_euclid(400)).rem_euclid(7);
    if p(year) == 4 || p(year - 1) == 3 {
        53
    } else {
        52
    }
}

/// A calendar date and time of day with a UTC offset.
///
/// The fields hold the *local* wall-clock values and `offset_minutes` says how
/// far that wall clock is ahead of UTC (`+10:00` is `600`). The calendar is the
/// proleptic Gregorian one, so year `0` is 1 BC. This is plain data: nothing
/// stops a caller building an invalid value (say month 13), and every method
/// copes with one without panicking.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateTime {
    /// Proleptic Gregorian year (`0` is 1 BC, `-1` is 2 BC).
    pub year: i32,
    /// Month of the year, 1 (January) to 12 (December).
    pub month: u32,
    /// Day of the month, 1 to 31.
    pub day: u32,
    /// Hour of the day, 0 to 23.
    pub hour: u32,
    /// Minute of the hour, 0 to 59.
    pub minute: u32,
    /// Second of the minute, 0 to 59.
    pub second: u32,
    /// Nanosecond of the second, 0 to 999 999 999.
    pub nanosecond: u32,
    /// How far the local time is ahead of UTC, in minutes (`-300` for `-05:00`).
    pub offset_minutes: i32,
}

impl DateTime {
    /// The current instant in UTC from the system clock; generators use it as
    /// the base their expressions are evaluated against.
    #[must_use]
    pub fn now_utc() -> DateTime {
        let saturate = |secs: u64| i64::try_from(secs).unwrap_or(i64::MAX);
        match SystemTime::now().duration_since(UNIX_EPOCH) {
            Ok(elapsed) => DateTime::from_unix(saturate(elapsed.as_secs()), elapsed.subsec_nanos()),
            Err(err) => {
                // The clock is set before 1970.
                let before = err.duration();
                let secs = saturate(before.as_secs());
                match before.subsec_nanos() {
                    0 => DateTime::from_unix(-secs, 0),
                    nanos => {
                        DateTime::from_unix((-secs).saturating_sub(1), NANOS_PER_SECOND - nanos)
                    }
                }
            }
        }
    }

    /// The UTC date and time `seconds` (plus `nanos`) after 1970-01-01T00:00:00Z,
    /// so Unix timestamps can be turned into calendar fields. Negative seconds
    /// give dates before 1970; `nanos` of a second or more carry into the
    /// seconds. Instants too far out for an `i32` year saturate.
    #[must_use]
    pub fn from_unix(seconds: i64, nanos: u32) -> DateTime {
        DateTime::from_local_seconds(seconds, nanos, 0)
    }

    /// Seconds since 1970-01-01T00:00:00Z of this instant (the offset is taken
    /// into account; the nanoseconds are dropped), the inverse of [`DateTime::from_unix`].
    #[must_use]
    pub fn to_unix(&self) -> i64 {
        self.local_seconds() - i64::from(self.offset_minutes) * 60
    }

    /// This date-time moved by `n` whole days (negative goes back), keeping the
    /// time of day and offset; used by `+ N days` style expressions.
    #[must_use]
    pub fn add_days(self, n: i64) -> DateTime {
        let days = self.local_days().saturating_add(n);
        let (year, month, day) = civil_from_days(days);
        DateTime {
            year: clamp_year(year),
            month,
            day,
            ..self
        }
    }

    /// This date-time moved by `n` calendar months (negative goes back),
    /// keeping the time of day. The day is clamped to the length of the target
    /// month, so January 31st plus one month is the last day of February.
    #[must_use]
    pub fn add_months(self, n: i64) -> DateTime {
        let month_index = i64::from(self.month.clamp(1, 12)) - 1;
        let total = (i64::from(self.year) * 12 + month_index).saturating_add(n);
        let year = clamp_year(total.div_euclid(12));
        let month = small_u32(total.rem_euclid(12) + 1);
        let day = self.day.clamp(1, days_in_month(i64::from(year), month));
        DateTime {
            year,
            month,
            day,
            ..self
        }
    }

    /// This date-time moved by `n` seconds (negative goes back), carrying into
    /// minutes, hours and days; the offset and nanoseconds are kept.
    #[must_use]
    pub fn add_seconds(self, n: i64) -> DateTime {
        DateTime::from_local_seconds(
            self.local_seconds().saturating_add(n),
            self.nanosecond,
            self.offset_minutes,
        )
    }

    /// Day of the week of the (local) date, 1 = Monday .. 7 = Sunday, as the
    /// `E` pattern letter and `next monday` style expressions need.
    #[must_use]
    pub fn day_of_week(&self) -> u32 {
        weekday_from_days(self.local_days())
    }

    /// Builds a value from seconds since the epoch on the local wall clock.
    pub(crate) fn from_local_seconds(seconds: i64, nanos: u32, offset_minutes: i32) -> DateTime {
        let seconds = seconds.saturating_add(i64::from(nanos / NANOS_PER_SECOND));
        let days = seconds.div_euclid(SECONDS_PER_DAY);
        let second_of_day = seconds.rem_euclid(SECONDS_PER_DAY);
        let (year, month, day) = civil_from_days(days);
        DateTime {
            year: clamp_year(year),
            month,
            day,
            hour: small_u32(second_of_day / 3600),
            minute: small_u32(second_of_day % 3600 / 60),
            second: small_u32(second_of_day % 60),
            nanosecond: nanos % NANOS_PER_SECOND,
            offset_minutes,
        }
    }

    /// Days since 1970-01-01 of the local date.
    pub(crate) fn local_days(&self) -> i64 {
        days_from_civil(i64::from(self.year), self.month, self.day)
    }

    /// Seconds since 1970-01-01T00:00:00 of the local wall-clock time.
    pub(crate) fn local_seconds(&self) -> i64 {
        self.local_days() * SECONDS_PER_DAY
            + i64::from(self.hour) * 3600
            + i64::from(self.minute) * 60
            + i64::from(self.second)
    }

    /// This date-time moved by `n` milliseconds.
    pub(crate) fn add_millis(self, n: i64) -> DateTime {
        let nanos = i64::from(self.nanosecond) + n.rem_euclid(1000) * 1_000_000;
        let carry = nanos.div_euclid(i64::from(NANOS_PER_SECOND));
        let moved = DateTime {
            nanosecond: small_u32(nanos.rem_euclid(i64::from(NANOS_PER_SECOND))),
            ..self
        };
        moved.add_seconds(n.div_euclid(1000).saturating_add(carry))
    }

    /// The same date at `hour`:00:00.000.
    pub(crate) fn at_hour(self, hour: u32) -> DateTime {
        DateTime {
            hour,
            minute: 0,
            second: 0,
            nanosecond: 0,
            ..self
        }
    }

    /// Day of the year, 1 to 366.
    pub(crate) fn day_of_year(&self) -> i64 {
        self.local_days() - days_from_civil(i64::from(self.year), 1, 1) + 1
    }

    /// ISO-8601 week of the week-based year, 1 to 53.
    pub(crate) fn iso_week(&self) -> i64 {
        let year = i64::from(self.year);
        let week = (self.day_of_year() - i64::from(self.day_of_week()) + 10).div_euclid(7);
        if week < 1 {
            iso_weeks_in_year(year - 1)
        } else if week > iso_weeks_in_year(year) {
            1
        } else {
            week
        }
    }

    /// Week of the month with weeks starting on Monday, the first week being
    /// the one containing the 1st.
    pub(crate) fn week_of_month(&self) -> i64 {
        let first = weekday_from_days(days_from_civil(i64::from(self.year), self.month, 1));
        (i64::from(self.day) + i64::from(first) - 2).div_euclid(7) + 1
    }
}

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
mod tests {
    use super::*;
    use crate::datetime::test_support::{dt, pattern, XorShift};

    #[test]
    fn unix_round_trip() {
        let known = [
            (0, dt(1970, 1, 1, 0, 0, 0, 0, 0)),
            (-1, dt(1969, 12, 31, 23, 59, 59, 0, 0)),
            (951_782_400, dt(2000, 2, 29, 0, 0, 0, 0, 0)),
            (1_709_164_800, dt(2024, 2, 29, 0, 0, 0, 0, 0)),
            (1_706_696_430, dt(2024, 1, 31, 10, 20, 30, 0, 0)),
            (-2_203_891_200, dt(1900, 3, 1, 0, 0, 0, 0, 0)),
            (-62_135_596_800, dt(1, 1, 1, 0, 0, 0, 0, 0)),
            (-62_167_219_200, dt(0, 1, 1, 0, 0, 0, 0, 0)),
            (253_402_300_799, dt(9999, 12, 31, 23, 59, 59, 0, 0)),
        ];
        for (secs, expected) in known {
            assert_eq!(DateTime::from_unix(secs, 0), expected, "{secs}");
            assert_eq!(expected.to_unix(), secs, "{expected:?}");
        }
        assert_eq!(
            DateTime::from_unix(0, 1_500_000_000),
            dt(1970, 1, 1, 0, 0, 1, 500_000_000, 0)
        );
        // An offset shifts the wall clock, not the instant.
        assert_eq!(
            dt(2023, 7, 19, 10, 0, 0, 0, 600).to_unix(),
            dt(2023, 7, 19, 0, 0, 0, 0, 0).to_unix()
        );
        assert_eq!(
            dt(2023, 7, 18, 19, 0, 0, 0, -300).to_unix(),
            dt(2023, 7, 19, 0, 0, 0, 0, 0).to_unix()
        );

        let mut rng = XorShift(12345);
        let mut secs = -20_000_000_000_000i64;
        while secs < 20_000_000_000_000 {
            let value = DateTime::from_unix(secs, 0);
            assert_eq!(value.to_unix(), secs, "{value:?}");
            secs += i64::try_from(rng.below(20_000_000_000)).unwrap() + 1;
        }
        for secs in -100_000i64..100_000 {
            assert_eq!(DateTime::from_unix(secs * 997, 0).to_unix(), secs * 997);
        }
    }

    #[test]
    fn calendar_agrees_with_day_by_day_walk() {
        // Walk from 1599-12-31 to 2401-01-01 one day at a time with the simple
        // month-length rules and compare with the closed-form conversion.
        let mut days = days_from_civil(1599, 12, 31);
        let (mut y, mut m, mut d) = (1599i64, 12u32, 31u32);
        let mut weekday = DateTime::from_unix(days * SECONDS_PER_DAY, 0).day_of_week();
        let mut leap_days = 0;
        while y < 2401 {
            days += 1;
            d += 1;
            if d > days_in_month(y, m) {
                d = 1;
                m += 1;
                if m > 12 {
                    m = 1;
                    y += 1;
                }
            }
            if m == 2 && d == 29 {
                leap_days += 1;
            }
            weekday = weekday % 7 + 1;
            assert_eq!(civil_from_days(days), (y, m, d));
            assert_eq!(days_from_civil(y, m, d), days);
            let value = DateTime::from_unix(days * SECONDS_PER_DAY, 0);
            assert_eq!(value.day_of_week(), weekday);
        }
        // 1600..=2400: 201 multiples of 4, minus 1700, 1800, 1900, 2100, 2200, 2300.
        assert_eq!(leap_days, 195);
        assert_eq!(dt(1970, 1, 1, 0, 0, 0, 0, 0).day_of_week(), 4);
        assert_eq!(dt(2024, 1, 31, 0, 0, 0, 0, 0).day_of_week(), 3);
        assert_eq!(dt(2024, 2, 4, 0, 0, 0, 0, 0).day_of_week(), 7);
    }

    #[test]
    fn date_arithmetic() {
        let base = dt(2024, 1, 31, 10, 20, 30, 5, 60);
        assert_eq!(base.add_months(1), dt(2024, 2, 29, 10, 20, 30, 5, 60));
        assert_eq!(base.add_months(13), dt(2025, 2, 28, 10, 20, 30, 5, 60));
        assert_eq!(base.add_months(-2), dt(2023, 11, 30, 10, 20, 30, 5, 60));
        assert_eq!(base.add_months(-25), dt(2021, 12, 31, 10, 20, 30, 5, 60));
        assert_eq!(base.add_days(1), dt(2024, 2, 1, 10, 20, 30, 5, 60));
        assert_eq!(base.add_days(-31), dt(2023, 12, 31, 10, 20, 30, 5, 60));
        assert_eq!(base.add_days(366), dt(2025, 1, 31, 10, 20, 30, 5, 60));
        assert_eq!(
            base.add_seconds(13 * 3600 + 39 * 60 + 30),
            dt(2024, 2, 1, 0, 0, 0, 5, 60)
        );
        assert_eq!(
            base.add_seconds(-(10 * 3600 + 20 * 60 + 31)),
            dt(2024, 1, 30, 23, 59, 59, 5, 60)
        );
        assert_eq!(
            base.add_millis(1500),
            dt(2024, 1, 31, 10, 20, 31, 500_000_005, 60)
        );
        assert_eq!(
            base.add_millis(-1),
            dt(2024, 1, 31, 10, 20, 29, 999_000_005, 60)
        );
    }

    #[test]
    fn extreme_values_do_not_panic() {
        let weird = [
            dt(i32::MAX, 13, 0, 99, 99, 99, u32::MAX, i32::MIN),
            dt(i32::MIN, 0, 40, u32::MAX, u32::MAX, u32::MAX, 0, i32::MAX),
            DateTime::from_unix(i64::MAX, u32::MAX),
            DateTime::from_unix(i64::MIN, 0),
        ];
        let all_letters = "G GGGG GGGGG y yy yyyy u uu uuuu Y M MM MMM MMMM L d dd D DDD E EEEE a H k K h m s S SSSSSSSSSSSS n z Z ZZZZ ZZZZZ X XX XXX XXXX XXXXX x xxx w W F Q QQQ QQQQ q";
        let p = pattern(all_letters);
        for value in weird {
            let text = p.format(&value);
            let _ = p.matches(&text);
            let _ = value.to_unix();
            let _ = value.day_of_week();
            for n in [i64::MAX, i64::MIN, 0, 1, -1] {
                let _ = value.add_days(n);
                let _ = value.add_months(n);
                let _ = value.add_seconds(n);
                let _ = value.add_millis(n);
            }
        }
        assert_eq!(
            DateTime::from_unix(i64::MAX, 0).add_days(i64::MAX).year,
            DateTime::from_unix(i64::MAX, 0).year
        );
    }

    #[test]
    fn now_is_plausible() {
        let now = DateTime::now_utc();
        assert!(now.year >= 2024, "{now:?}");
        assert_eq!(now.offset_minutes, 0);
        assert_eq!(DateTime::from_unix(now.to_unix(), now.nanosecond), now);
    }
}
