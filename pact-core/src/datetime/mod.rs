//! Java-style date/time patterns and Pact date/time expressions.
//!
//! Pact's `date`, `time` and `timestamp`/`datetime` matching rules carry a
//! pattern written in the syntax of Java's `DateTimeFormatter` (for example
//! `yyyy-MM-dd'T'HH:mm:ss.SSSXXX`), and Pact's `Date`, `Time` and `DateTime`
//! generators produce the current date/time in such a format, optionally
//! shifted by an expression such as `today + 1 day @ noon`. This module
//! implements all of that with `std` only:
//!
//! * [`DateTime`]: a small proleptic-Gregorian date and time with a UTC offset;
//! * [`DateTimePattern`]: compiles a pattern, checks values against it
//!   ([`DateTimePattern::matches`]) and formats values with it
//!   ([`DateTimePattern::format`]);
//! * [`evaluate_expression`]: evaluates generator expressions.
//!
//! # Matching follows pact-reference
//!
//! [`DateTimePattern::matches`] gives exactly the verdicts of pact-reference
//! (the Rust implementation most Pact languages use through its FFI), so a
//! pact verifies the same way here as there. That means reading the value
//! once, left to right, with no going back:
//!
//! * a numeric field takes from one digit up to its maximum (`yyyy` 4, `MM`
//!   and most others 2, `D` 3, `e`/`c` exactly 1, `S`×n n, `n`/`A`/`N` any),
//!   so `2024-2-3` matches `yyyy-MM-dd` while `2024-02-031` does not, and
//!   `y` takes a single digit, so `2024` does not match `y`;
//! * each number is range-checked alone: month 1-12, day 1-31, `D` 1-**356**
//!   (days 357-366 are refused), `H` 0-23, `k` 1-24, `h` 1-12, `K` 0-11,
//!   `m` 0-59, `s` 0-60, `w` 1-56, `W` 1-5, `F` 0-4, `e`/`c` 1-7, quarters 1-4;
//! * names (months, days, AM/PM, AD/BC, `Q1`, `1st quarter`) compare without
//!   case, literal text exactly;
//! * the hours of an offset (`X`, `x`, `Z`, `O`) are 0-**11** only, so
//!   `+12:00` and above are refused, and the sign may be repeated;
//! * `z` takes three or four capital letters that must be an abbreviation the
//!   tz database uses after a zone's first transition (`GMT`, `PST`, `CET`,
//!   but not `UTC`); `zzzz` matches nothing;
//! * `VV` takes `Area/Location` made of ASCII letters and digits only (so no
//!   `America/New_York`, which has a `_`) that must be a known zone id;
//! * nothing may be left over, and the only check across fields is the day
//!   of the month against the month's length (in the first year field's year,
//!   or 2001 without one): day names, days of the year, quarters, weeks and
//!   AM/PM are never compared with the date.
//!
//! Patterns are read the same way: an unknown ASCII letter, a digit or one of
//! `{ } [ ]` outside quotes, an unterminated quote or too many letters for a
//! field make a pattern invalid. A rule read from a pact keeps such a pattern
//! ([`DateTimePattern::parse_lenient`]) and fails only when it is used.
//!
//! Nothing here panics on any input string: bad patterns and expressions give
//! an error, and a value that does not conform simply does not match.

#![forbid(unsafe_code)]
#![deny(
    missing_docs,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod calendar;
mod expression;
mod pattern;
mod validate;
mod zones;

pub use calendar::DateTime;
pub use expression::{evaluate_expression, ExpressionError, ExpressionKind};
pub use pattern::{DateTimePattern, PatternError};

/// The pattern a `date` rule or generator uses when it has none.
pub const DEFAULT_DATE_PATTERN: &str = "yyyy-MM-dd";
/// The pattern a `time` rule or generator uses when it has none.
pub const DEFAULT_TIME_PATTERN: &str = "HH:mm:ss";
/// The pattern a `timestamp` rule or generator uses when it has none.
pub const DEFAULT_TIMESTAMP_PATTERN: &str = "yyyy-MM-dd'T'HH:mm:ssXXX";

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)]
pub(crate) mod test_support {
    use super::{DateTime, DateTimePattern};

    #[allow(clippy::too_many_arguments)]
    pub(crate) fn dt(
        year: i32,
        month: u32,
        day: u32,
        hour: u32,
        minute: u32,
        second: u32,
        nanosecond: u32,
        offset_minutes: i32,
    ) -> DateTime {
        DateTime {
            year,
            month,
            day,
            hour,
            minute,
            second,
            nanosecond,
            offset_minutes,
        }
    }

    pub(crate) fn pattern(text: &str) -> DateTimePattern {
        DateTimePattern::parse(text).unwrap_or_else(|e| panic!("{e}"))
    }

    /// Asserts which values match `text`.
    pub(crate) fn check(text: &str, good: &[&str], bad: &[&str]) {
        let p = pattern(text);
        for value in good {
            assert!(p.matches(value), "'{value}' should match '{text}'");
        }
        for value in bad {
            assert!(!p.matches(value), "'{value}' should not match '{text}'");
        }
    }

    /// Minimal xorshift64 generator for reproducible pseudo-random tests.
    pub(crate) struct XorShift(pub(crate) u64);

    impl XorShift {
        pub(crate) fn next(&mut self) -> u64 {
            let mut x = self.0;
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            self.0 = x;
            x
        }

        pub(crate) fn below(&mut self, n: u64) -> u64 {
            self.next() % n
        }
    }
}
