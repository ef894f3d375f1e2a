//! Java-style date/time patterns and Pact date/time expressions.
//!
//! Pact's `date`, `time` and `timestamp`/`datetime` matching rules carry a
//! pattern written in the syntax of Java's `SimpleDateFormat` /
//! `DateTimeFormatter` (for example `yyyy-MM-dd'T'HH:mm:ss.SSSXXX`), and Pact's
//! `Date`, `Time` and `DateTime` generators produce the current date/time in
//! such a format, optionally shifted by an expression such as
//! `today + 1 day @ noon`. This module implements all of that with `std` only:
//!
//! * [`DateTime`]: a small proleptic-Gregorian date and time with a UTC offset;
//! * [`DateTimePattern`]: compiles a pattern, checks values against it
//!   ([`DateTimePattern::matches`]) and formats values with it
//!   ([`DateTimePattern::format`]);
//! * [`evaluate_expression`]: evaluates generator expressions.
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

use std::collections::HashSet;
use std::fmt;
use std::fmt::Write as _;
use std::time::{SystemTime, UNIX_EPOCH};

const NANOS_PER_SECOND: u32 = 1_000_000_000;
const SECONDS_PER_DAY: i64 = 86_400;
/// Day counts are clamped to this many days either side of 1970-01-01, which
/// keeps every computed year (about ±1.9 billion) inside an `i32`.
const MAX_DAYS: i64 = 700_000_000_000;

const MONTHS_FULL: [&str; 12] = [
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
const MONTHS_SHORT: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];
const DAYS_FULL: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];
const DAYS_SHORT: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
const QUARTERS_FULL: [&str; 4] = ["1st quarter", "2nd quarter", "3rd quarter", "4th quarter"];
const QUARTERS_SHORT: [&str; 4] = ["Q1", "Q2", "Q3", "Q4"];

// ---------------------------------------------------------------------------
// Calendar arithmetic
// ---------------------------------------------------------------------------

fn is_leap_year(year: i64) -> bool {
    year.rem_euclid(4) == 0 && (year.rem_euclid(100) != 0 || year.rem_euclid(400) == 0)
}

fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if is_leap_year(year) => 29,
        2 => 28,
        _ => 31,
    }
}

fn days_in_year(year: i64) -> i64 {
    if is_leap_year(year) {
        366
    } else {
        365
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
/// `days_from_civil`). Out-of-range months and days are not rejected; they just
/// give some day count, without overflowing.
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
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
fn civil_from_days(days: i64) -> (i64, u32, u32) {
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
fn small_u32(value: i64) -> u32 {
    u32::try_from(value).unwrap_or(0)
}

fn clamp_year(year: i64) -> i32 {
    i32::try_from(year).unwrap_or(if year < 0 { i32::MIN } else { i32::MAX })
}

/// Day of week of a day count since the epoch, 1 = Monday .. 7 = Sunday.
fn weekday_from_days(days: i64) -> u32 {
    small_u32((days + 3).rem_euclid(7) + 1)
}

/// Number of ISO-8601 weeks (52 or 53) in a week-based year.
fn iso_weeks_in_year(year: i64) -> i64 {
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
    fn from_local_seconds(seconds: i64, nanos: u32, offset_minutes: i32) -> DateTime {
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
    fn local_days(&self) -> i64 {
        days_from_civil(i64::from(self.year), self.month, self.day)
    }

    /// Seconds since 1970-01-01T00:00:00 of the local wall-clock time.
    fn local_seconds(&self) -> i64 {
        self.local_days() * SECONDS_PER_DAY
            + i64::from(self.hour) * 3600
            + i64::from(self.minute) * 60
            + i64::from(self.second)
    }

    /// This date-time moved by `n` milliseconds.
    fn add_millis(self, n: i64) -> DateTime {
        let nanos = i64::from(self.nanosecond) + n.rem_euclid(1000) * 1_000_000;
        let carry = nanos.div_euclid(i64::from(NANOS_PER_SECOND));
        let moved = DateTime {
            nanosecond: small_u32(nanos.rem_euclid(i64::from(NANOS_PER_SECOND))),
            ..self
        };
        moved.add_seconds(n.div_euclid(1000).saturating_add(carry))
    }

    /// The same date at `hour`:00:00.000.
    fn at_hour(self, hour: u32) -> DateTime {
        DateTime {
            hour,
            minute: 0,
            second: 0,
            nanosecond: 0,
            ..self
        }
    }

    /// Day of the year, 1 to 366.
    fn day_of_year(&self) -> i64 {
        self.local_days() - days_from_civil(i64::from(self.year), 1, 1) + 1
    }

    /// ISO-8601 week of the week-based year, 1 to 53.
    fn iso_week(&self) -> i64 {
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
    fn week_of_month(&self) -> i64 {
        let first = weekday_from_days(days_from_civil(i64::from(self.year), self.month, 1));
        (i64::from(self.day) + i64::from(first) - 2).div_euclid(7) + 1
    }
}

// ---------------------------------------------------------------------------
// Patterns
// ---------------------------------------------------------------------------

/// The pattern letters this module understands.
const PATTERN_LETTERS: &str = "GyuYMLdDEaHkKhmsSnzZXxwWFQq";

/// Error for a pattern that cannot be compiled, so that a bad matching rule or
/// generator can be reported to the user. Its message names the pattern and
/// what is wrong with it, e.g. `invalid date/time pattern 'yyyy-MM-bb':
/// unknown pattern letter 'b' at position 8` (positions count characters
/// from 0).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatternError {
    pattern: String,
    message: String,
}

impl PatternError {
    fn new(pattern: &str, message: String) -> PatternError {
        PatternError {
            pattern: pattern.to_string(),
            message,
        }
    }
}

impl fmt::Display for PatternError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "invalid date/time pattern '{}': {}",
            self.pattern, self.message
        )
    }
}

impl std::error::Error for PatternError {}

/// One element of a compiled pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Item {
    /// Text that must appear as-is.
    Literal(Vec<char>),
    /// A run of `count` copies of a pattern letter.
    Field { letter: char, count: usize },
}

/// A compiled Java-style date/time pattern (`SimpleDateFormat` /
/// `DateTimeFormatter` syntax), used to check values against Pact's `date`,
/// `time` and `timestamp` matching rules and to format generated values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateTimePattern {
    pattern: String,
    items: Vec<Item>,
}

impl DateTimePattern {
    /// Compiles `pattern`, so it can be used many times.
    ///
    /// # Errors
    ///
    /// A [`PatternError`] for an ASCII letter outside quotes that is not a
    /// pattern letter, an unterminated quote, or an offset field (`X`, `x`,
    /// `Z`) of more than five letters.
    pub fn parse(pattern: &str) -> Result<DateTimePattern, PatternError> {
        let chars: Vec<char> = pattern.chars().collect();
        let mut items = Vec::new();
        let mut literal = Vec::new();
        let mut i = 0;
        while let Some(&c) = chars.get(i) {
            if c == '\'' {
                if chars.get(i + 1) == Some(&'\'') {
                    literal.push('\'');
                    i += 2;
                    continue;
                }
                let start = i;
                i += 1;
                loop {
                    match chars.get(i) {
                        None => {
                            return Err(PatternError::new(
                                pattern,
                                format!("unterminated quote starting at position {start}"),
                            ))
                        }
                        Some('\'') if chars.get(i + 1) == Some(&'\'') => {
                            literal.push('\'');
                            i += 2;
                        }
                        Some('\'') => {
                            i += 1;
                            break;
                        }
                        Some(&other) => {
                            literal.push(other);
                            i += 1;
                        }
                    }
                }
            } else if c.is_ascii_alphabetic() {
                let start = i;
                while chars.get(i) == Some(&c) {
                    i += 1;
                }
                let count = i - start;
                if !PATTERN_LETTERS.contains(c) {
                    return Err(PatternError::new(
                        pattern,
                        format!("unknown pattern letter '{c}' at position {start}"),
                    ));
                }
                if matches!(c, 'X' | 'x' | 'Z') && count > 5 {
                    return Err(PatternError::new(
                        pattern,
                        format!(
                            "too many pattern letters '{c}' at position {start} (at most 5 allowed)"
                        ),
                    ));
                }
                if !literal.is_empty() {
                    items.push(Item::Literal(std::mem::take(&mut literal)));
                }
                items.push(Item::Field { letter: c, count });
            } else {
                literal.push(c);
                i += 1;
            }
        }
        if !literal.is_empty() {
            items.push(Item::Literal(literal));
        }
        Ok(DateTimePattern {
            pattern: pattern.to_string(),
            items,
        })
    }

    /// The pattern text this was compiled from, for messages and serialisation.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.pattern
    }

    /// Whether the whole of `value` is a date/time in this pattern, as a Pact
    /// date/time matching rule requires.
    ///
    /// Fields are range-checked (month 1-12, hour 0-23 for `H`, 1-12 for `h`,
    /// ...) and, once parsed, checked against each other: the day must exist
    /// in that month and year, and a day name, day of year, quarter or AM/PM
    /// marker must agree with the rest of the value. Numeric fields of
    /// variable width are matched with backtracking, so `yyyyMMdd` or `Hmm`
    /// work; a value needing an absurd amount of backtracking is treated as
    /// not matching.
    #[must_use]
    pub fn matches(&self, value: &str) -> bool {
        if let Some(verdict) = self.matches_fixed_width(value) {
            return verdict;
        }
        self.matches_general(value)
    }

    /// The common ISO layouts (`yyyy-MM-dd`, `HH:mm:ss`, `yyyy-MM-dd'T'HH:mm:ss.SSS`...) are
    /// fixed-width numbers between literals: checked in one pass, without the backtracking
    /// search. None when the pattern has any other field, and the general matcher decides.
    fn matches_fixed_width(&self, value: &str) -> Option<bool> {
        let mut rest = value.as_bytes();
        let (mut year, mut month, mut day) = (None, None, None);
        let mut seen = [false; 7];
        for item in &self.items {
            match item {
                Item::Literal(text) => {
                    for c in text {
                        let c = u8::try_from(u32::from(*c)).ok().filter(u8::is_ascii)?;
                        match rest.split_first() {
                            Some((b, tail)) if *b == c => rest = tail,
                            _ => return Some(false),
                        }
                    }
                }
                Item::Field { letter, count } => {
                    let (max, width) = match (letter, count) {
                        ('y', 4) => (9999, 4),
                        ('M', 2) => (12, 2),
                        ('d', 2) => (31, 2),
                        ('H', 2) => (23, 2),
                        ('m', 2) => (59, 2),
                        ('s', 2) => (60, 2),
                        ('S', n) if *n <= 9 => (u32::MAX, *n),
                        _ => return None,
                    };
                    // A field written twice must agree with itself: the general matcher knows how.
                    let slot = "yMdHmsS".find(*letter).and_then(|i| seen.get_mut(i))?;
                    if std::mem::replace(slot, true) {
                        return None;
                    }
                    let Some((digits, tail)) = rest.split_at_checked(width) else {
                        return Some(false);
                    };
                    if !digits.iter().all(u8::is_ascii_digit) {
                        return Some(false);
                    }
                    let n = digits.iter().fold(0u32, |n, d| {
                        n.saturating_mul(10).saturating_add(u32::from(d - b'0'))
                    });
                    let min = u32::from(matches!(letter, 'y' | 'M' | 'd'));
                    if n < min || n > max {
                        return Some(false);
                    }
                    match letter {
                        'y' => year = Some(n),
                        'M' => month = Some(n),
                        'd' => day = Some(n),
                        _ => {}
                    }
                    rest = tail;
                }
            }
        }
        if !rest.is_empty() {
            return Some(false);
        }
        if let (Some(d), Some(m)) = (day, month) {
            // Without a year, 29 February is possible.
            let y = year.map_or(2000, i64::from);
            if d > days_in_month(y, m) {
                return Some(false);
            }
        }
        Some(true)
    }

    fn matches_general(&self, value: &str) -> bool {
        // Dates are short: decode them on the stack, as this runs once per value matched.
        let mut small = ['\0'; 48];
        let owned: Vec<char>;
        let input: &[char] = if value.len() <= small.len() {
            let mut n = 0;
            for (slot, c) in small.iter_mut().zip(value.chars()) {
                *slot = c;
                n += 1;
            }
            small.get(..n).unwrap_or_default()
        } else {
            owned = value.chars().collect();
            &owned
        };
        let mut budget = 50_000usize.saturating_add(self.items.len().saturating_mul(4));
        // States (item, position, fields so far) already known not to lead
        // to a match; remembering them keeps the search polynomial.
        let mut failed: HashSet<(usize, usize, Parsed)> = HashSet::new();
        let mut stack = vec![Frame {
            item: 0,
            pos: 0,
            parsed: Parsed::default(),
            next_alternative: 0,
        }];
        while let Some(frame) = stack.last_mut() {
            if budget == 0 {
                return false;
            }
            budget -= 1;
            let alternative = match self.items.get(frame.item) {
                None => {
                    if frame.pos == input.len() && frame.parsed.is_consistent() {
                        return true;
                    }
                    None
                }
                Some(Item::Literal(text)) => {
                    let end = frame.pos + text.len();
                    let found = frame.next_alternative == 0
                        && input.get(frame.pos..end) == Some(text.as_slice());
                    found.then_some((end, frame.parsed))
                }
                Some(Item::Field { letter, count }) => {
                    field_candidates(*letter, *count, input, frame.pos, &frame.parsed)
                        .into_iter()
                        .nth(frame.next_alternative)
                }
            };
            if let Some((pos, parsed)) = alternative {
                frame.next_alternative += 1;
                let item = frame.item + 1;
                if !failed.contains(&(item, pos, parsed)) {
                    stack.push(Frame {
                        item,
                        pos,
                        parsed,
                        next_alternative: 0,
                    });
                }
            } else {
                failed.insert((frame.item, frame.pos, frame.parsed));
                stack.pop();
            }
        }
        false
    }

    /// `dt` written in this pattern, as the Pact date/time generators need.
    /// Names are English, `S` truncates the nanoseconds to its number of
    /// digits, and `z` writes `UTC` for a zero offset and `GMT+hh:mm` otherwise.
    #[must_use]
    pub fn format(&self, dt: &DateTime) -> String {
        let mut out = String::new();
        for item in &self.items {
            match item {
                Item::Literal(text) => out.extend(text.iter()),
                Item::Field { letter, count } => format_field(&mut out, *letter, *count, dt),
            }
        }
        out
    }
}

/// A choice point of the matcher: the state before `item`, and which of the
/// item's alternatives to try next.
struct Frame {
    item: usize,
    pos: usize,
    parsed: Parsed,
    next_alternative: usize,
}

/// The fields a value can set while being matched.
#[derive(Debug, Clone, Copy)]
enum Slot {
    Era,
    YearOfEra,
    ProlepticYear,
    /// The last two digits of the year, from `yy` or `uu`.
    TwoDigitYear,
    Month,
    Day,
    DayOfYear,
    DayOfWeek,
    AmPm,
    HourOfDay,
    HourOfAmPm,
    Minute,
    Second,
    Offset,
    WeekOfYear,
    WeekOfMonth,
    DayOfWeekInMonth,
    Quarter,
}

const SLOT_COUNT: usize = 18;

/// Field values read so far while matching.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
struct Parsed {
    values: [Option<i64>; SLOT_COUNT],
}

impl Parsed {
    fn get(&self, slot: Slot) -> Option<i64> {
        self.values.get(slot as usize).copied().flatten()
    }

    /// A copy with `slot` set to `value`, or `None` when the slot already holds
    /// a different value (the same field appearing twice in a pattern).
    fn with(&self, slot: Slot, value: i64) -> Option<Parsed> {
        let mut copy = *self;
        let cell = copy.values.get_mut(slot as usize)?;
        match *cell {
            Some(existing) if existing != value => None,
            _ => {
                *cell = Some(value);
                Some(copy)
            }
        }
    }

    /// Cross-field validation once the whole value has been read.
    fn is_consistent(&self) -> bool {
        let era = self.get(Slot::Era);
        let mut year = self
            .get(Slot::YearOfEra)
            .map(|yoe| if era == Some(0) { 1 - yoe } else { yoe });
        if let Some(proleptic) = self.get(Slot::ProlepticYear) {
            match year {
                Some(y) if y != proleptic => return false,
                None if era.is_some_and(|e| (e == 0) != (proleptic <= 0)) => return false,
                _ => {}
            }
            year = Some(proleptic);
        }
        // A two-digit year must agree with a full year; on its own it is
        // taken to be in 2000-2099, so the century is only a guess.
        let mut century_guessed = false;
        if let Some(two_digits) = self.get(Slot::TwoDigitYear) {
            if let Some(y) = year {
                let year_of_era = if y <= 0 { 1 - y } else { y };
                if year_of_era % 100 != two_digits && y.rem_euclid(100) != two_digits {
                    return false;
                }
            } else {
                year = Some(2000 + two_digits);
                century_guessed = true;
            }
        }
        let month = self.get(Slot::Month).map(small_u32);
        let day = self.get(Slot::Day);
        if let (Some(m), Some(d)) = (month, day) {
            if d > i64::from(days_in_month(year.unwrap_or(2000), m)) {
                return false;
            }
        }
        let day_of_year = self.get(Slot::DayOfYear);
        if let Some(doy) = day_of_year {
            if doy > year.map_or(366, days_in_year) {
                return false;
            }
        }
        // The date as a day count, when enough is known to pin it down.
        let date = match (year, month, day, day_of_year) {
            (Some(y), Some(m), Some(d), doy) => {
                let days = days_from_civil(y, m, small_u32(d));
                if doy.is_some_and(|doy| doy != days - days_from_civil(y, 1, 1) + 1) {
                    return false;
                }
                Some(days)
            }
            (Some(y), None, None, Some(doy)) => Some(days_from_civil(y, 1, 1) + doy - 1),
            _ => None,
        };
        if let (Some(days), Some(dow)) = (date, self.get(Slot::DayOfWeek)) {
            // With a guessed century the day name cannot be checked.
            if !century_guessed && i64::from(weekday_from_days(days)) != dow {
                return false;
            }
        }
        if let (Some(d), Some(f)) = (day, self.get(Slot::DayOfWeekInMonth)) {
            if (d - 1) / 7 + 1 != f {
                return false;
            }
        }
        if let (Some(m), Some(q)) = (self.get(Slot::Month), self.get(Slot::Quarter)) {
            if (m - 1).div_euclid(3) + 1 != q {
                return false;
            }
        }
        if let Some(hour) = self.get(Slot::HourOfDay) {
            if self
                .get(Slot::AmPm)
                .is_some_and(|pm| (hour >= 12) != (pm == 1))
            {
                return false;
            }
            if self.get(Slot::HourOfAmPm).is_some_and(|h| hour % 12 != h) {
                return false;
            }
        }
        true
    }
}

/// Length of the run of ASCII digits at `pos`, looking at most `max` characters.
fn digit_run(input: &[char], pos: usize, max: usize) -> usize {
    input
        .get(pos..)
        .unwrap_or_default()
        .iter()
        .take(max)
        .take_while(|c| c.is_ascii_digit())
        .count()
}

/// The value of the `width` ASCII digits at `pos`, if they are all there and fit.
fn digits_value(input: &[char], pos: usize, width: usize) -> Option<i64> {
    let digits = input.get(pos..pos.checked_add(width)?)?;
    digits.iter().try_fold(0i64, |acc, c| {
        let digit = i64::from(c.to_digit(10)?);
        acc.checked_mul(10)?.checked_add(digit)
    })
}

/// Every way to read between `min` and `max` digits at `pos`, longest first,
/// as (end position, value).
fn number_candidates(input: &[char], pos: usize, min: usize, max: usize) -> Vec<(usize, i64)> {
    let run = digit_run(input, pos, max);
    (min.max(1)..=run)
        .rev()
        .filter_map(|width| Some((pos + width, digits_value(input, pos, width)?)))
        .collect()
}

/// The accepted widths of a numeric field: one letter accepts 1 to
/// `single_max` digits, more letters require exactly that many.
fn widths(count: usize, single_max: usize) -> (usize, usize) {
    if count == 1 {
        (1, single_max)
    } else {
        (count, count)
    }
}

/// End position of `text` at `pos`, compared ignoring ASCII case.
fn starts_with_ignore_case(input: &[char], pos: usize, text: &str) -> Option<usize> {
    let mut end = pos;
    for expected in text.chars() {
        if !input.get(end)?.eq_ignore_ascii_case(&expected) {
            return None;
        }
        end += 1;
    }
    Some(end)
}

/// End position of `text` at `pos`, compared exactly.
fn starts_with_exact(input: &[char], pos: usize, text: &str) -> Option<usize> {
    let mut end = pos;
    for expected in text.chars() {
        if *input.get(end)? != expected {
            return None;
        }
        end += 1;
    }
    Some(end)
}

/// Every name of `names` found at `pos`, with the value of its index (plus `first`).
fn name_candidates(input: &[char], pos: usize, names: &[&str], first: i64) -> Vec<(usize, i64)> {
    names
        .iter()
        .zip(first..)
        .filter_map(|(name, value)| Some((starts_with_ignore_case(input, pos, name)?, value)))
        .collect()
}

/// Years for the `y`, `Y` and `u` letters, as (end, year, two-digit?); a
/// two-digit year is just those two digits.
fn year_candidates(
    count: usize,
    input: &[char],
    pos: usize,
    signed: bool,
) -> Vec<(usize, i64, bool)> {
    if count == 2 {
        return number_candidates(input, pos, 2, 2)
            .into_iter()
            .map(|(end, v)| (end, v, true))
            .collect();
    }
    let (min, max) = match count {
        1 => (1, 9),
        3 => (3, 9),
        _ => (count, count),
    };
    if signed && input.get(pos) == Some(&'-') {
        number_candidates(input, pos + 1, min, max)
            .into_iter()
            .map(|(end, v)| (end, -v, false))
            .collect()
    } else {
        number_candidates(input, pos, min, max)
            .into_iter()
            .map(|(end, v)| (end, v, false))
            .collect()
    }
}

/// How a numeric offset such as `+10:00` is written.
#[derive(Clone, Copy)]
#[allow(clippy::struct_excessive_bools)]
struct OffsetStyle {
    /// `:` between hours, minutes and seconds.
    colon: bool,
    /// Minutes must be present (otherwise optional).
    minutes_required: bool,
    /// Optional seconds may follow the minutes.
    seconds_allowed: bool,
    /// The hour may be a single digit.
    short_hour: bool,
}

/// Every way to read a signed offset at `pos`, longest first, as (end, minutes).
fn signed_offset_candidates(input: &[char], pos: usize, style: OffsetStyle) -> Vec<(usize, i64)> {
    let sign = match input.get(pos) {
        Some('+') => 1,
        Some('-') => -1,
        _ => return Vec::new(),
    };
    let separator = |at: usize| !style.colon || input.get(at) == Some(&':');
    let skip = usize::from(style.colon);
    let hour_widths: &[usize] = if style.short_hour { &[2, 1] } else { &[2] };
    let mut out = Vec::new();
    for &width in hour_widths {
        let Some(hours) = digits_value(input, pos + 1, width).filter(|h| *h <= 18) else {
            continue;
        };
        let after_hours = pos + 1 + width;
        let minutes = if separator(after_hours) {
            digits_value(input, after_hours + skip, 2).filter(|m| *m < 60)
        } else {
            None
        };
        if let Some(minutes) = minutes {
            let after_minutes = after_hours + skip + 2;
            let total = sign * (hours * 60 + minutes);
            if style.seconds_allowed
                && separator(after_minutes)
                && digits_value(input, after_minutes + skip, 2).is_some_and(|s| s < 60)
            {
                out.push((after_minutes + skip + 2, total));
            }
            out.push((after_minutes, total));
        }
        if !style.minutes_required {
            out.push((after_hours, sign * hours * 60));
        }
    }
    out
}

/// Offsets for the `Z`, `X` and `x` letters, as (end, minutes).
fn offset_candidates(letter: char, count: usize, input: &[char], pos: usize) -> Vec<(usize, i64)> {
    let style = |colon, minutes_required, seconds_allowed| OffsetStyle {
        colon,
        minutes_required,
        seconds_allowed,
        short_hour: false,
    };
    let mut out = Vec::new();
    let (allow_z, style) = match (letter, count) {
        ('Z', 1..=3) => (false, style(false, true, false)),
        ('Z', 4) => {
            if let Some(end) = starts_with_exact(input, pos, "GMT") {
                let lenient = OffsetStyle {
                    colon: true,
                    minutes_required: false,
                    seconds_allowed: true,
                    short_hour: true,
                };
                out.extend(signed_offset_candidates(input, end, lenient));
                out.push((end, 0));
            }
            return out;
        }
        ('Z', _) => (true, style(true, true, true)),
        (_, 1) => (letter == 'X', style(false, false, false)),
        (_, 2) => (letter == 'X', style(false, true, false)),
        (_, 3) => (letter == 'X', style(true, true, false)),
        (_, 4) => (letter == 'X', style(false, true, true)),
        _ => (letter == 'X', style(true, true, true)),
    };
    if allow_z && input.get(pos) == Some(&'Z') {
        out.push((pos + 1, 0));
    }
    out.extend(signed_offset_candidates(input, pos, style));
    out
}

/// Time zones for the `z` letter, as (end, offset if known): `UTC`/`GMT`
/// optionally followed by an offset, `Z`, or an abbreviation of 3 to 5
/// upper-case letters such as `AEST`.
fn zone_candidates(input: &[char], pos: usize) -> Vec<(usize, Option<i64>)> {
    let mut out = Vec::new();
    for prefix in ["UTC", "GMT"] {
        if let Some(end) = starts_with_exact(input, pos, prefix) {
            for colon in [true, false] {
                let style = OffsetStyle {
                    colon,
                    minutes_required: false,
                    seconds_allowed: false,
                    short_hour: true,
                };
                out.extend(
                    signed_offset_candidates(input, end, style)
                        .into_iter()
                        .map(|(end, minutes)| (end, Some(minutes))),
                );
            }
            out.push((end, Some(0)));
        }
    }
    let letters = input
        .get(pos..)
        .unwrap_or_default()
        .iter()
        .take(5)
        .take_while(|c| c.is_ascii_uppercase())
        .count();
    out.extend((3..=letters).rev().map(|len| (pos + len, None)));
    if input.get(pos) == Some(&'Z') {
        out.push((pos + 1, Some(0)));
    }
    out
}

/// Every way field `letter` × `count` can be read at `pos`, in preference
/// order, as (end position, updated fields).
#[allow(clippy::too_many_lines)]
fn field_candidates(
    letter: char,
    count: usize,
    input: &[char],
    pos: usize,
    parsed: &Parsed,
) -> Vec<(usize, Parsed)> {
    // Candidates as (end, value), stored into `slot` when in `lo..=hi`.
    let mut found: Vec<(usize, i64)> = Vec::new();
    let mut slot = None;
    let (mut lo, mut hi) = (i64::MIN, i64::MAX);
    let number = |single_max: usize| {
        let (min, max) = widths(count, single_max);
        number_candidates(input, pos, min, max)
    };
    match letter {
        'G' => {
            let names: &[&str] = match count {
                1..=3 => &["BC", "AD"],
                4 => &["Before Christ", "Anno Domini"],
                _ => &["B", "A"],
            };
            found = name_candidates(input, pos, names, 0);
            slot = Some(Slot::Era);
        }
        'y' | 'Y' | 'u' => {
            let proleptic = letter == 'u';
            return year_candidates(count, input, pos, proleptic)
                .into_iter()
                .filter(|(_, year, two_digit)| proleptic || *two_digit || *year >= 1)
                .filter_map(|(end, year, two_digit)| {
                    let slot = if two_digit {
                        Slot::TwoDigitYear
                    } else if proleptic {
                        Slot::ProlepticYear
                    } else {
                        Slot::YearOfEra
                    };
                    Some((end, parsed.with(slot, year)?))
                })
                .collect();
        }
        'M' | 'L' => {
            found = match count {
                1 | 2 => number(2),
                3 => {
                    let mut names = name_candidates(input, pos, &MONTHS_SHORT, 1);
                    names.extend(starts_with_ignore_case(input, pos, "Sept").map(|end| (end, 9)));
                    names
                }
                _ => name_candidates(input, pos, &MONTHS_FULL, 1),
            };
            (slot, lo, hi) = (Some(Slot::Month), 1, 12);
        }
        'd' => (found, slot, lo, hi) = (number(2), Some(Slot::Day), 1, 31),
        'D' => {
            let (min, max) = match count {
                1 => (1, 3),
                2 => (2, 3),
                _ => (count, count),
            };
            found = number_candidates(input, pos, min, max);
            (slot, lo, hi) = (Some(Slot::DayOfYear), 1, 366);
        }
        'E' => {
            let names: &[&str] = if count >= 4 { &DAYS_FULL } else { &DAYS_SHORT };
            found = name_candidates(input, pos, names, 1);
            slot = Some(Slot::DayOfWeek);
        }
        'a' => {
            found = name_candidates(input, pos, &["AM", "PM"], 0);
            slot = Some(Slot::AmPm);
        }
        'H' => (found, slot, lo, hi) = (number(2), Some(Slot::HourOfDay), 0, 23),
        'k' => {
            found = number(2)
                .into_iter()
                .filter(|(_, v)| (1..=24).contains(v))
                .map(|(end, v)| (end, v % 24))
                .collect();
            slot = Some(Slot::HourOfDay);
        }
        'K' => (found, slot, lo, hi) = (number(2), Some(Slot::HourOfAmPm), 0, 11),
        'h' => {
            found = number(2)
                .into_iter()
                .filter(|(_, v)| (1..=12).contains(v))
                .map(|(end, v)| (end, v % 12))
                .collect();
            slot = Some(Slot::HourOfAmPm);
        }
        'm' => (found, slot, lo, hi) = (number(2), Some(Slot::Minute), 0, 59),
        's' => (found, slot, lo, hi) = (number(2), Some(Slot::Second), 0, 60),
        // Fractions are only validated, never cross-checked, so they are not
        // stored (`ss.SSS` and `n` in one pattern need not agree on precision).
        'S' => {
            return fraction_candidate(input, pos, count)
                .map(|end| (end, *parsed))
                .into_iter()
                .collect();
        }
        'n' => {
            let (min, max) = if count == 1 {
                (1, 9)
            } else {
                (count, count.max(9))
            };
            return number_candidates(input, pos, min, max)
                .into_iter()
                .filter(|(_, v)| *v < i64::from(NANOS_PER_SECOND))
                .map(|(end, _)| (end, *parsed))
                .collect();
        }
        'z' => {
            return zone_candidates(input, pos)
                .into_iter()
                .filter_map(|(end, offset)| match offset {
                    Some(minutes) => Some((end, parsed.with(Slot::Offset, minutes)?)),
                    None => Some((end, *parsed)),
                })
                .collect();
        }
        'Z' | 'X' | 'x' => {
            found = offset_candidates(letter, count, input, pos);
            slot = Some(Slot::Offset);
        }
        'w' => (found, slot, lo, hi) = (number(2), Some(Slot::WeekOfYear), 1, 53),
        'W' => (found, slot, lo, hi) = (number(2), Some(Slot::WeekOfMonth), 0, 6),
        'F' => (found, slot, lo, hi) = (number(2), Some(Slot::DayOfWeekInMonth), 1, 5),
        'Q' | 'q' => {
            found = match count {
                1 | 2 => number(1),
                3 => name_candidates(input, pos, &QUARTERS_SHORT, 1),
                _ => name_candidates(input, pos, &QUARTERS_FULL, 1),
            };
            (slot, lo, hi) = (Some(Slot::Quarter), 1, 4);
        }
        _ => {}
    }
    let Some(slot) = slot else {
        return Vec::new();
    };
    found
        .into_iter()
        .filter(|(_, value)| (lo..=hi).contains(value))
        .filter_map(|(end, value)| Some((end, parsed.with(slot, value)?)))
        .collect()
}

/// End of a fraction of a second of exactly `count` digits at `pos`.
fn fraction_candidate(input: &[char], pos: usize, count: usize) -> Option<usize> {
    let end = pos.checked_add(count)?;
    let digits = input.get(pos..end)?;
    digits.iter().all(char::is_ascii_digit).then_some(end)
}

/// Appends `value` zero-padded to at least `width` digits.
fn push_padded(out: &mut String, value: i64, width: usize) {
    let _ = write!(out, "{value:0width$}");
}

/// Appends an offset as `+hh`, `+hhmm` or `+hh:mm`; `hour_only_when_whole`
/// drops zero minutes (the `X`/`x` single-letter form).
fn push_offset(out: &mut String, offset_minutes: i32, colon: bool, hour_only_when_whole: bool) {
    let minutes = i64::from(offset_minutes);
    out.push(if minutes < 0 { '-' } else { '+' });
    let (hours, minutes) = (minutes.abs() / 60, minutes.abs() % 60);
    push_padded(out, hours, 2);
    if hour_only_when_whole && minutes == 0 {
        return;
    }
    if colon {
        out.push(':');
    }
    push_padded(out, minutes, 2);
}

/// Appends an English name from `names` for the 1-based `index`, or the number
/// when the index is out of range.
fn push_name(out: &mut String, names: &[&str], index: i64) {
    let name = usize::try_from(index - 1).ok().and_then(|i| names.get(i));
    match name {
        Some(name) => out.push_str(name),
        None => push_padded(out, index, 1),
    }
}

fn format_field(out: &mut String, letter: char, count: usize, dt: &DateTime) {
    let year = i64::from(dt.year);
    let month = i64::from(dt.month);
    let hour = i64::from(dt.hour);
    match letter {
        'G' => {
            let names: [&str; 2] = match count {
                1..=3 => ["BC", "AD"],
                4 => ["Before Christ", "Anno Domini"],
                _ => ["B", "A"],
            };
            out.push_str(if year <= 0 { names[0] } else { names[1] });
        }
        'y' | 'Y' => {
            let year_of_era = if year <= 0 { 1 - year } else { year };
            if count == 2 {
                push_padded(out, year_of_era.rem_euclid(100), 2);
            } else {
                push_padded(out, year_of_era, count);
            }
        }
        'u' => {
            if count == 2 {
                push_padded(out, year.rem_euclid(100), 2);
            } else {
                if year < 0 {
                    out.push('-');
                }
                push_padded(out, year.abs(), count);
            }
        }
        'M' | 'L' => match count {
            1 | 2 => push_padded(out, month, count),
            3 => push_name(out, &MONTHS_SHORT, month),
            _ => push_name(out, &MONTHS_FULL, month),
        },
        'd' => push_padded(out, i64::from(dt.day), count),
        'D' => push_padded(out, dt.day_of_year(), count),
        'E' => {
            let names: &[&str] = if count >= 4 { &DAYS_FULL } else { &DAYS_SHORT };
            push_name(out, names, i64::from(dt.day_of_week()));
        }
        'a' => out.push_str(if hour < 12 { "AM" } else { "PM" }),
        'H' => push_padded(out, hour, count),
        'k' => push_padded(out, if hour == 0 { 24 } else { hour }, count),
        'K' => push_padded(out, hour % 12, count),
        'h' => push_padded(out, if hour % 12 == 0 { 12 } else { hour % 12 }, count),
        'm' => push_padded(out, i64::from(dt.minute), count),
        's' => push_padded(out, i64::from(dt.second), count),
        'S' => {
            let nanos = format!("{:09}", dt.nanosecond);
            out.extend(nanos.chars().chain(std::iter::repeat('0')).take(count));
        }
        'n' => push_padded(out, i64::from(dt.nanosecond), count),
        'z' => {
            if dt.offset_minutes == 0 {
                out.push_str("UTC");
            } else {
                out.push_str("GMT");
                push_offset(out, dt.offset_minutes, true, false);
            }
        }
        'Z' => match count {
            1..=3 => push_offset(out, dt.offset_minutes, false, false),
            4 if dt.offset_minutes == 0 => out.push_str("GMT"),
            4 => {
                out.push_str("GMT");
                push_offset(out, dt.offset_minutes, true, false);
            }
            _ if dt.offset_minutes == 0 => out.push('Z'),
            _ => push_offset(out, dt.offset_minutes, true, false),
        },
        'X' | 'x' => {
            if letter == 'X' && dt.offset_minutes == 0 {
                out.push('Z');
            } else {
                push_offset(out, dt.offset_minutes, count == 3 || count == 5, count == 1);
            }
        }
        'w' => push_padded(out, dt.iso_week(), count),
        'W' => push_padded(out, dt.week_of_month(), count),
        'F' => push_padded(out, (i64::from(dt.day) - 1).div_euclid(7) + 1, count),
        'Q' | 'q' => {
            let quarter = (month - 1).div_euclid(3) + 1;
            match count {
                1 | 2 => push_padded(out, quarter, count),
                3 => push_name(out, &QUARTERS_SHORT, quarter),
                _ => push_name(out, &QUARTERS_FULL, quarter),
            }
        }
        _ => {}
    }
}

// ---------------------------------------------------------------------------
// Expressions
// ---------------------------------------------------------------------------

/// Which generator an expression is for, which decides the base it may start
/// from and the keywords and units it may use: `Date` takes only a date part
/// (`tomorrow + 2 weeks`), `Time` only a time part (`noon + 15 minutes`), and
/// `DateTime` both, separated by `@` (`today + 1 day @ noon`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExpressionKind {
    /// A `Date` generator expression: date part only.
    Date,
    /// A `Time` generator expression: time part only (a leading `@` is allowed).
    Time,
    /// A `DateTime` generator expression: `[date part] ['@' time part]`.
    DateTime,
}

impl ExpressionKind {
    fn name(self) -> &'static str {
        match self {
            ExpressionKind::Date => "date",
            ExpressionKind::Time => "time",
            ExpressionKind::DateTime => "datetime",
        }
    }
}

/// Error for an expression that cannot be evaluated, so a bad generator can be
/// reported. Its message names the expression and the offending token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpressionError {
    expression: String,
    kind: ExpressionKind,
    message: String,
}

impl fmt::Display for ExpressionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "invalid {} expression '{}': {}",
            self.kind.name(),
            self.expression,
            self.message
        )
    }
}

impl std::error::Error for ExpressionError {}

/// A lexical token of an expression.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    Plus,
    Minus,
    At,
    /// A run of digits, as written.
    Number(String),
    /// A word, lower-cased (`o'clock` keeps its apostrophe).
    Word(String),
}

impl Token {
    fn describe(&self) -> String {
        match self {
            Token::Plus => "+".to_string(),
            Token::Minus => "-".to_string(),
            Token::At => "@".to_string(),
            Token::Number(text) | Token::Word(text) => text.clone(),
        }
    }
}

fn tokenize(expression: &str) -> Result<Vec<Token>, String> {
    let mut tokens = Vec::new();
    let mut chars = expression.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            c if c.is_whitespace() => {}
            '+' => tokens.push(Token::Plus),
            '-' => tokens.push(Token::Minus),
            '@' => tokens.push(Token::At),
            c if c.is_ascii_digit() => {
                let mut text = c.to_string();
                while let Some(d) = chars.next_if(char::is_ascii_digit) {
                    text.push(d);
                }
                tokens.push(Token::Number(text));
            }
            c if c.is_ascii_alphabetic() => {
                let mut text = c.to_ascii_lowercase().to_string();
                loop {
                    if let Some(l) = chars.next_if(char::is_ascii_alphabetic) {
                        text.push(l.to_ascii_lowercase());
                    } else if let Some(quote) = chars.next_if(|q| *q == '\'' || *q == '\u{2019}') {
                        // Only inside a word, as in o'clock.
                        match chars.next_if(char::is_ascii_alphabetic) {
                            Some(l) => {
                                text.push('\'');
                                text.push(l.to_ascii_lowercase());
                            }
                            None => return Err(format!("unexpected character '{quote}'")),
                        }
                    } else {
                        break;
                    }
                }
                tokens.push(Token::Word(text));
            }
            other => return Err(format!("unexpected character '{other}'")),
        }
    }
    Ok(tokens)
}

/// Where evaluation of a part starts from.
#[derive(Debug, Clone, Copy)]
enum Base {
    /// `now` or `today`: unchanged.
    Unchanged,
    Tomorrow,
    Yesterday,
    /// `midnight`, `noon`, `N o'clock`, `N am/pm`: that hour, on the hour.
    Hour(u32),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Unit {
    Day,
    Week,
    Fortnight,
    Month,
    Year,
    Hour,
    Minute,
    Second,
    Millisecond,
}

impl Unit {
    fn from_word(word: &str) -> Option<Unit> {
        Some(match word {
            "day" | "days" => Unit::Day,
            "week" | "weeks" => Unit::Week,
            "fortnight" | "fortnights" => Unit::Fortnight,
            "month" | "months" => Unit::Month,
            "year" | "years" => Unit::Year,
            "hour" | "hours" => Unit::Hour,
            "minute" | "minutes" => Unit::Minute,
            "second" | "seconds" => Unit::Second,
            "millisecond" | "milliseconds" => Unit::Millisecond,
            _ => return None,
        })
    }

    fn is_date(self) -> bool {
        matches!(
            self,
            Unit::Day | Unit::Week | Unit::Fortnight | Unit::Month | Unit::Year
        )
    }
}

#[derive(Debug, Clone, Copy)]
enum Op {
    /// Move by a (signed) number of units.
    Add(Unit, i64),
    /// To the next (`true`) or last (`false`) given weekday, 1 = Monday.
    Weekday(bool, u32),
    /// To the 1st of the next (`true`) or last (`false`) given month.
    MonthOfYear(bool, u32),
}

/// A parsed date or time part: an optional base followed by operations.
#[derive(Debug, Default)]
struct Part {
    base: Option<Base>,
    ops: Vec<Op>,
}

/// What a part may contain.
#[derive(Clone, Copy)]
struct Allowed {
    date: bool,
    time: bool,
    /// Expression kind, for messages.
    kind: ExpressionKind,
}

fn weekday_from_word(word: &str) -> Option<u32> {
    Some(match word {
        "mon" | "monday" => 1,
        "tue" | "tues" | "tuesday" => 2,
        "wed" | "wednesday" => 3,
        "thu" | "thur" | "thurs" | "thursday" => 4,
        "fri" | "friday" => 5,
        "sat" | "saturday" => 6,
        "sun" | "sunday" => 7,
        _ => return None,
    })
}

fn month_from_word(word: &str) -> Option<u32> {
    Some(match word {
        "jan" | "january" => 1,
        "feb" | "february" => 2,
        "mar" | "march" => 3,
        "apr" | "april" => 4,
        "may" => 5,
        "jun" | "june" => 6,
        "jul" | "july" => 7,
        "aug" | "august" => 8,
        "sep" | "sept" | "september" => 9,
        "oct" | "october" => 10,
        "nov" | "november" => 11,
        "dec" | "december" => 12,
        _ => return None,
    })
}

fn parse_number(text: &str) -> Result<i64, String> {
    text.parse::<i64>()
        .map_err(|_| format!("number '{text}' is too large"))
}

/// Parses `N o'clock [am|pm]` or `N am|pm` (the number already consumed);
/// returns the hour of day and the number of tokens used after the number.
fn parse_clock(text: &str, rest: &[Token]) -> Result<(u32, usize), String> {
    let n = parse_number(text)?;
    let word = |i: usize| match rest.get(i) {
        Some(Token::Word(w)) => Some(w.as_str()),
        _ => None,
    };
    let twelve_hour = |n: i64, pm: bool| -> Result<u32, String> {
        if (1..=12).contains(&n) {
            Ok(small_u32(n % 12 + if pm { 12 } else { 0 }))
        } else {
            Err(format!("hour '{text}' must be 1 to 12 with am/pm"))
        }
    };
    match word(0) {
        Some("o'clock" | "oclock") => match word(1) {
            Some("am") => Ok((twelve_hour(n, false)?, 2)),
            Some("pm") => Ok((twelve_hour(n, true)?, 2)),
            _ if (0..=23).contains(&n) => Ok((small_u32(n), 1)),
            _ => Err(format!("hour '{text}' must be 0 to 23")),
        },
        Some("am") => Ok((twelve_hour(n, false)?, 1)),
        Some("pm") => Ok((twelve_hour(n, true)?, 1)),
        _ => Err(format!("expected o'clock, am or pm after '{text}'")),
    }
}

fn parse_part(tokens: &[Token], allowed: Allowed) -> Result<Part, String> {
    let kind = allowed.kind.name();
    let mut part = Part::default();
    let mut i = 0;
    match tokens.first() {
        Some(Token::Word(w)) => {
            let base = match w.as_str() {
                "now" => Some(Base::Unchanged),
                "today" if allowed.date => Some(Base::Unchanged),
                "tomorrow" if allowed.date => Some(Base::Tomorrow),
                "yesterday" if allowed.date => Some(Base::Yesterday),
                "midnight" if allowed.time => Some(Base::Hour(0)),
                "noon" if allowed.time => Some(Base::Hour(12)),
                "today" | "tomorrow" | "yesterday" | "midnight" | "noon" => {
                    return Err(format!("'{w}' is not allowed in a {kind} expression"))
                }
                _ => None,
            };
            if base.is_some() {
                part.base = base;
                i = 1;
            }
        }
        Some(Token::Number(text)) => {
            if !allowed.time {
                return Err(format!("unexpected number '{text}'"));
            }
            let (hour, used) = parse_clock(text, tokens.get(1..).unwrap_or_default())?;
            part.base = Some(Base::Hour(hour));
            i = 1 + used;
        }
        _ => {}
    }
    while let Some(token) = tokens.get(i) {
        match token {
            Token::Plus | Token::Minus => {
                let sign = if *token == Token::Plus { 1 } else { -1 };
                let symbol = token.describe();
                let Some(Token::Number(text)) = tokens.get(i + 1) else {
                    return Err(match tokens.get(i + 1) {
                        Some(other) => {
                            format!(
                                "expected a number after '{symbol}', found '{}'",
                                other.describe()
                            )
                        }
                        None => format!("expected a number after '{symbol}'"),
                    });
                };
                let n = parse_number(text)?;
                let unit = match tokens.get(i + 2) {
                    Some(Token::Word(w)) => {
                        Unit::from_word(w).ok_or_else(|| format!("unknown unit '{w}'"))?
                    }
                    Some(other) => return Err(format!("unknown unit '{}'", other.describe())),
                    None => return Err(format!("expected a unit after '{text}'")),
                };
                check_unit(unit, tokens.get(i + 2), allowed)?;
                part.ops.push(Op::Add(unit, sign * n));
                i += 3;
            }
            Token::Word(w) if w == "next" || w == "last" => {
                let forward = w == "next";
                let Some(Token::Word(target)) = tokens.get(i + 1) else {
                    return Err(match tokens.get(i + 1) {
                        Some(other) => format!("unknown unit '{}'", other.describe()),
                        None => format!("expected a unit after '{w}'"),
                    });
                };
                let op = if let Some(unit) = Unit::from_word(target) {
                    check_unit(unit, tokens.get(i + 1), allowed)?;
                    Op::Add(unit, if forward { 1 } else { -1 })
                } else if let Some(day) = weekday_from_word(target) {
                    check_date_word(target, allowed)?;
                    Op::Weekday(forward, day)
                } else if let Some(month) = month_from_word(target) {
                    check_date_word(target, allowed)?;
                    Op::MonthOfYear(forward, month)
                } else {
                    return Err(format!("unknown unit '{target}'"));
                };
                part.ops.push(op);
                i += 2;
            }
            other => return Err(format!("unexpected '{}'", other.describe())),
        }
    }
    Ok(part)
}

fn check_unit(unit: Unit, token: Option<&Token>, allowed: Allowed) -> Result<(), String> {
    let ok = if unit.is_date() {
        allowed.date
    } else {
        allowed.time
    };
    if ok {
        Ok(())
    } else {
        let word = token.map(Token::describe).unwrap_or_default();
        Err(format!(
            "unit '{word}' is not allowed in a {} expression",
            allowed.kind.name()
        ))
    }
}

fn check_date_word(word: &str, allowed: Allowed) -> Result<(), String> {
    if allowed.date {
        Ok(())
    } else {
        Err(format!(
            "'{word}' is not allowed in a {} expression",
            allowed.kind.name()
        ))
    }
}

fn apply_part(dt: DateTime, part: &Part) -> Result<DateTime, String> {
    let mut dt = match part.base {
        None | Some(Base::Unchanged) => dt,
        Some(Base::Tomorrow) => dt.add_days(1),
        Some(Base::Yesterday) => dt.add_days(-1),
        Some(Base::Hour(hour)) => dt.at_hour(hour),
    };
    for op in &part.ops {
        dt = match *op {
            Op::Add(unit, n) => {
                let scaled = |factor: i64| {
                    n.checked_mul(factor)
                        .ok_or_else(|| format!("adjustment of {n} is out of range"))
                };
                match unit {
                    Unit::Day => dt.add_days(n),
                    Unit::Week => dt.add_days(scaled(7)?),
                    Unit::Fortnight => dt.add_days(scaled(14)?),
                    Unit::Month => dt.add_months(n),
                    Unit::Year => dt.add_months(scaled(12)?),
                    Unit::Hour => dt.add_seconds(scaled(3600)?),
                    Unit::Minute => dt.add_seconds(scaled(60)?),
                    Unit::Second => dt.add_seconds(n),
                    Unit::Millisecond => dt.add_millis(n),
                }
            }
            Op::Weekday(forward, target) => {
                let current = i64::from(dt.day_of_week());
                let target = i64::from(target);
                let distance = if forward {
                    (target - current).rem_euclid(7)
                } else {
                    (current - target).rem_euclid(7)
                };
                let distance = if distance == 0 { 7 } else { distance };
                dt.add_days(if forward { distance } else { -distance })
            }
            Op::MonthOfYear(forward, target) => {
                let current = i64::from(dt.month);
                let target = i64::from(target);
                let distance = if forward {
                    (target - current).rem_euclid(12)
                } else {
                    (current - target).rem_euclid(12)
                };
                let distance = if distance == 0 { 12 } else { distance };
                DateTime { day: 1, ..dt }.add_months(if forward { distance } else { -distance })
            }
        };
    }
    Ok(dt)
}

/// Evaluates a Pact date/time generator expression relative to `base`
/// (normally [`DateTime::now_utc`]), giving the date-time to generate.
///
/// The grammar, case-insensitive and whitespace-tolerant:
///
/// * `DateTime`: `[date part] ['@' time part]`; without `@` the date and time
///   keywords and units may be mixed (`now - 30 seconds`);
/// * `Date`: a date part only; `Time`: a time part only (`@` optional);
/// * date part: an optional base `today`, `tomorrow`, `yesterday` or `now`,
///   then any number of `+ N unit`, `- N unit`, `next unit`, `last unit` with
///   unit one of `day(s)`, `week(s)`, `fortnight(s)`, `month(s)`, `year(s)`;
///   `next`/`last` also take a weekday (`next monday`: the following Monday)
///   or a month (`last december`: the 1st of the previous December);
/// * time part: an optional base `now`, `midnight`, `noon`, `N o'clock`
///   (N = 0-23), `N o'clock am|pm` or `N am|pm` (N = 1-12), then operations
///   with `hour(s)`, `minute(s)`, `second(s)`, `millisecond(s)`.
///
/// An empty expression leaves `base` unchanged. Months and years clamp the
/// day to the length of the target month (`2024-01-31 + 1 month` is
/// `2024-02-29`). The offset of `base` is kept.
///
/// # Errors
///
/// An [`ExpressionError`] naming the offending token for anything outside
/// the grammar, a keyword or unit not allowed for `kind`, an hour out of
/// range, or a number too large to apply.
pub fn evaluate_expression(
    expression: &str,
    kind: ExpressionKind,
    base: DateTime,
) -> Result<DateTime, ExpressionError> {
    evaluate(expression, kind, base).map_err(|message| ExpressionError {
        expression: expression.to_string(),
        kind,
        message,
    })
}

fn evaluate(expression: &str, kind: ExpressionKind, base: DateTime) -> Result<DateTime, String> {
    let tokens = tokenize(expression)?;
    let mut split = tokens.split(|t| *t == Token::At);
    let before_at = split.next().unwrap_or_default();
    let after_at = split.next();
    if split.next().is_some() {
        return Err("more than one '@'".to_string());
    }
    let allowed = |date, time| Allowed { date, time, kind };
    match (kind, after_at) {
        (ExpressionKind::Date, None) => {
            apply_part(base, &parse_part(before_at, allowed(true, false))?)
        }
        (ExpressionKind::Date, Some(_)) => {
            Err("'@' (a time part) is not allowed in a date expression".to_string())
        }
        (ExpressionKind::Time, None) => {
            apply_part(base, &parse_part(before_at, allowed(false, true))?)
        }
        (ExpressionKind::Time, Some(time)) => match before_at.first() {
            Some(token) => Err(format!(
                "unexpected '{}' before '@' in a time expression",
                token.describe()
            )),
            None => apply_part(base, &parse_part(time, allowed(false, true))?),
        },
        (ExpressionKind::DateTime, None) => {
            apply_part(base, &parse_part(before_at, allowed(true, true))?)
        }
        (ExpressionKind::DateTime, Some(time)) => {
            let date_part = parse_part(before_at, allowed(true, false))?;
            let time_part = parse_part(time, allowed(false, true))?;
            apply_part(apply_part(base, &date_part)?, &time_part)
        }
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

    #[allow(clippy::too_many_arguments)]
    fn dt(
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

    fn pattern(text: &str) -> DateTimePattern {
        DateTimePattern::parse(text).unwrap_or_else(|e| panic!("{e}"))
    }

    /// Asserts which values match `text`.
    fn check(text: &str, good: &[&str], bad: &[&str]) {
        let p = pattern(text);
        for value in good {
            assert!(p.matches(value), "'{value}' should match '{text}'");
        }
        for value in bad {
            assert!(!p.matches(value), "'{value}' should not match '{text}'");
        }
    }

    /// Minimal xorshift64 generator for reproducible pseudo-random tests.
    struct XorShift(u64);

    impl XorShift {
        fn next(&mut self) -> u64 {
            let mut x = self.0;
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            self.0 = x;
            x
        }

        fn below(&mut self, n: u64) -> u64 {
            self.next() % n
        }
    }

    #[test]
    fn date_pattern() {
        check(
            "yyyy-MM-dd",
            &[
                "2023-07-19",
                "2024-02-29",
                "2000-02-29",
                "0001-01-01",
                "2023-12-31",
            ],
            &[
                "23/07/19",
                "2023-02-30",
                "2023-02-29",
                "1900-02-29",
                "2023-13-01",
                "2023-00-10",
                "2023-04-31",
                "2023-07-00",
                "2023-7-19",
                "2023-07-19 ",
                " 2023-07-19",
                "2023-07-19T00:00",
                "20230-07-19",
                "0000-01-01",
                "",
            ],
        );
    }

    #[test]
    fn time_pattern() {
        check(
            "HH:mm:ss",
            &["00:00:00", "23:59:59", "10:20:30", "23:59:60"],
            &[
                "24:00:00",
                "12:60:00",
                "12:00:61",
                "1:02:03",
                "12:00",
                "12:00:00.000",
                "ab:cd:ef",
            ],
        );
    }

    #[test]
    fn iso_date_time_pattern() {
        check(
            "yyyy-MM-dd'T'HH:mm:ss",
            &["2023-07-19T10:00:00", "2024-02-29T23:59:59"],
            &[
                "2023-07-19 10:00:00",
                "2023-07-19T10:00",
                "2023-02-29T10:00:00",
                "2023-07-19t10:00:00",
            ],
        );
    }

    #[test]
    fn iso_with_fraction_and_offset() {
        check(
            "yyyy-MM-dd'T'HH:mm:ss.SSSXXX",
            &[
                "2023-07-19T10:00:00.123Z",
                "2023-07-19T10:00:00.000+10:00",
                "2023-07-19T10:00:00.999-05:30",
                "2023-07-19T10:00:00.999+00:00",
            ],
            &[
                "2023-07-19T10:00:00.123",
                "2023-07-19T10:00:00.12Z",
                "2023-07-19T10:00:00.1234Z",
                "2023-07-19T10:00:00.123+1000",
                "2023-07-19T10:00:00.123+10",
                "2023-07-19T10:00:00.123+19:00",
                "2023-07-19T10:00:00.123+10:60",
                "2023-07-19T10:00:00.123z",
                "2023-07-19T10:00:00Z",
            ],
        );
    }

    #[test]
    fn offset_letters() {
        check(
            "HHX",
            &["10Z", "10+10", "10+1030", "10-05"],
            &["10+10:30", "10+1"],
        );
        check("HHXX", &["10Z", "10+1000"], &["10+10", "10+10:00"]);
        check("HHxxx", &["10+00:00", "10-05:30"], &["10Z", "10+0000"]);
        check("HHZ", &["10+0000", "10-0530"], &["10Z", "10+00:00"]);
        check("HHZZZZZ", &["10Z", "10+05:30", "10+05:30:15"], &["10+0530"]);
        check(
            "HH ZZZZ",
            &["10 GMT", "10 GMT+10:00", "10 GMT-5"],
            &["10 UTC", "10 +10:00"],
        );
        check(
            "HH z",
            &[
                "10 UTC",
                "10 GMT",
                "10 AEST",
                "10 EST",
                "10 GMT+10:00",
                "10 Z",
            ],
            &["10 utc", "10 AB", "10 ABCDEF", "10 +10:00"],
        );
    }

    #[test]
    fn rfc_1123_pattern() {
        check(
            "EEE, dd MMM yyyy HH:mm:ss z",
            &[
                "Wed, 19 Jul 2023 10:00:00 GMT",
                "Wed, 19 Jul 2023 10:00:00 UTC",
                "Wed, 19 Jul 2023 10:00:00 AEST",
                "Thu, 29 Feb 2024 23:59:59 GMT",
                "wed, 19 jul 2023 10:00:00 GMT",
            ],
            &[
                "Thu, 19 Jul 2023 10:00:00 GMT",
                "Wednesday, 19 Jul 2023 10:00:00 GMT",
                "Wed, 19 July 2023 10:00:00 GMT",
                "Wed, 19 Jul 2023 10:00:00",
                "Wed, 19 Jul 2023 10:00:00 gmt",
                "Xyz, 19 Jul 2023 10:00:00 GMT",
            ],
        );
        check(
            "EEEE d MMMM yyyy",
            &["Wednesday 19 July 2023", "Friday 1 September 2023"],
            &["Wed 19 July 2023", "Wednesday 19 Jul 2023"],
        );
        check(
            "dd MMM",
            &["05 Sep", "05 Sept", "29 Feb"],
            &["30 Feb", "05 Sepember"],
        );
    }

    #[test]
    fn two_digit_year_pattern() {
        check(
            "dd/MM/yy",
            &["19/07/23", "29/02/24", "31/12/99", "29/02/00"],
            &["19/7/23", "19/07/2023", "29/02/23", "32/01/23", "19-07-23"],
        );
    }

    #[test]
    fn twelve_hour_pattern() {
        check(
            "h:mm a",
            &["3:05 PM", "12:00 AM", "12:59 pm", "11:30 am", "03:05 PM"],
            &["13:05 PM", "0:05 AM", "3:5 PM", "3:05", "3:05 XM", "3:05PM"],
        );
        // An hour of day must agree with the AM/PM marker.
        check(
            "HH:mm a",
            &["13:05 PM", "01:05 AM"],
            &["13:05 AM", "01:05 PM"],
        );
        check("kk:mm", &["24:00", "01:00"], &["00:00", "25:00"]);
        check("KK:mm", &["00:00", "11:59"], &["12:00"]);
    }

    #[test]
    fn variable_width_fields_backtrack() {
        check(
            "yyyyMMddHHmmss",
            &["20230719100000"],
            &["2023071910000", "20231319100000"],
        );
        check("Hmm", &["930", "1230", "000"], &["2460", "12345"]);
        check(
            "d.M.y",
            &["1.2.2023", "31.12.99999", "9.9.9"],
            &["1.2.", "0.2.2023", "1.13.2023"],
        );
        check(
            "yyyyMd",
            &["202311", "2023111", "20231231", "2024229"],
            &["2023230", "202312311"],
        );
        check(
            "yyyyD",
            &["2024366", "20231", "2023365"],
            &["2023366", "2023367"],
        );
        check("ssSSS", &["59999"], &["5999"]);
        check("n", &["0", "123456789"], &["1234567890", ""]);
        check(
            "uuuu-MM-dd G",
            &["2023-07-19 AD", "-0044-03-15 BC"],
            &["2023-07-19 BC"],
        );
    }

    #[test]
    fn cross_field_checks() {
        check("yyyy-MM-dd D", &["2023-02-01 032"], &["2023-02-01 033"]);
        check("yyyy-MM-dd Q", &["2023-07-19 3"], &["2023-07-19 2"]);
        check("yyyy-MM-dd QQQ", &["2023-07-19 Q3"], &["2023-07-19 Q1"]);
        check(
            "yyyy-MM-dd QQQQ",
            &["2023-01-19 1st quarter"],
            &["2023-01-19 2nd quarter"],
        );
        check("yyyy-MM-dd F", &["2023-07-19 3"], &["2023-07-19 2"]);
        check("yyyy yyyy", &["2023 2023"], &["2023 2024"]);
        check("yyyy/yy", &["2023/23", "1999/99"], &["2023/24", "1999/00"]);
        check(
            "EEE dd/MM/yy",
            &["Wed 19/07/23", "Thu 19/07/23"],
            &["Wed 30/02/23"],
        );
        check(
            "EEE dd/MM/yy yyyy",
            &["Wed 19/07/23 2023"],
            &["Thu 19/07/23 2023"],
        );
        check("yyyy-D EEE", &["2023-200 Wed"], &["2023-200 Thu"]);
        check(
            "GGGG yyyy",
            &["Anno Domini 2023", "Before Christ 0044"],
            &["AD 2023"],
        );
    }

    #[test]
    fn literals_and_quotes() {
        check(
            "'o''clock' HH",
            &["o'clock 10"],
            &["oclock 10", "o''clock 10"],
        );
        check("''HH''", &["'10'"], &["10"]);
        check("HH'h'mm", &["10h30"], &["10H30", "1030"]);
        check("'yyyy'", &["yyyy"], &["2023"]);
        check("", &[""], &["x"]);
        check("HH¦mm é", &["10¦30 é"], &["10|30 é"]);
        check("[HH]", &["[10]"], &["10"]);
        assert_eq!(pattern("yyyy-MM-dd'T'HH").as_str(), "yyyy-MM-dd'T'HH");
    }

    #[test]
    fn pattern_errors() {
        let err = DateTimePattern::parse("yyyy-MM-bb").unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid date/time pattern 'yyyy-MM-bb': unknown pattern letter 'b' at position 8"
        );
        let err = DateTimePattern::parse("yyyy-MM-dd'T").unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid date/time pattern 'yyyy-MM-dd'T': unterminated quote starting at position 10"
        );
        assert!(DateTimePattern::parse("'''").is_err());
        assert!(DateTimePattern::parse("HH:mm:ss.fff").is_err());
        assert!(DateTimePattern::parse("VV").is_err());
        let err = DateTimePattern::parse("XXXXXX").unwrap_err();
        assert!(
            err.to_string().contains("too many pattern letters 'X'"),
            "{err}"
        );
        let boxed: Box<dyn std::error::Error> = Box::new(err);
        assert!(boxed
            .to_string()
            .starts_with("invalid date/time pattern 'XXXXXX'"));
    }

    #[test]
    fn format_known_values() {
        let value = dt(2023, 7, 19, 10, 5, 9, 123_456_789, 600);
        let cases = [
            (
                "yyyy-MM-dd'T'HH:mm:ss.SSSXXX",
                "2023-07-19T10:05:09.123+10:00",
            ),
            (
                "yyyy-MM-dd'T'HH:mm:ss.SSSSSSZ",
                "2023-07-19T10:05:09.123456+1000",
            ),
            (
                "EEE, dd MMM yyyy HH:mm:ss z",
                "Wed, 19 Jul 2023 10:05:09 GMT+10:00",
            ),
            ("EEEE d MMMM yy h:mm a", "Wednesday 19 July 23 10:05 AM"),
            ("D w Q QQQ QQQQ F W", "200 29 3 Q3 3rd quarter 3 4"),
            ("''yyyy'' 'o''clock'", "'2023' o'clock"),
            ("S SSSSSSSSSSSS n", "1 123456789000 123456789"),
            ("G GGGG u k K", "AD Anno Domini 2023 10 10"),
            ("M/d/y H", "7/19/2023 10"),
            ("X xx xxx XXXXX ZZZZ", "+10 +1000 +10:00 +10:00 GMT+10:00"),
        ];
        for (text, expected) in cases {
            assert_eq!(pattern(text).format(&value), expected, "pattern '{text}'");
        }
        let utc = dt(2024, 1, 1, 0, 0, 0, 0, 0);
        let cases = [
            ("x xx xxx X XX XXX", "+00 +0000 +00:00 Z Z Z"),
            ("Z ZZZZ ZZZZZ z", "+0000 GMT Z UTC"),
            ("hh a k", "12 AM 24"),
            ("EEE DDD D w", "Mon 001 1 1"),
        ];
        for (text, expected) in cases {
            assert_eq!(pattern(text).format(&utc), expected, "pattern '{text}'");
        }
        let afternoon = dt(-43, 3, 15, 15, 0, 0, 0, -330);
        assert_eq!(
            pattern("h a G yyyy uuuu XXX").format(&afternoon),
            "3 PM BC 0044 -0043 -05:30"
        );
        // 2021-01-03 is a Sunday in ISO week 53 of 2020.
        assert_eq!(pattern("w").format(&dt(2021, 1, 3, 0, 0, 0, 0, 0)), "53");
    }

    const ROUND_TRIP_PATTERNS: [&str; 22] = [
        "yyyy-MM-dd",
        "HH:mm:ss",
        "yyyy-MM-dd'T'HH:mm:ss",
        "yyyy-MM-dd'T'HH:mm:ss.SSSXXX",
        "yyyy-MM-dd'T'HH:mm:ss.SSSSSSSSSZ",
        "EEE, dd MMM yyyy HH:mm:ss z",
        "EEEE, d MMMM yyyy h:mm:ss a",
        "dd/MM/yy",
        "h:mm a",
        "yyyyMMddHHmmss",
        "yMd Hms",
        "d.M.y H:m:s.S",
        "yyyy-DDD",
        "G yyyy QQQ QQQQ Q",
        "kk:mm KK:mm a",
        "yyyy-MM-dd'T'HH:mm:ssX",
        "yyyy-MM-dd'T'HH:mm:ssxx",
        "uuuu-MM-dd'T'HH:mm:ss.nnnnnnnnnZZZZZ",
        "YYYY-'W'ww-F W",
        "LLL LLLL ZZZZ",
        "'Date: 'yyyy-MM-dd' Time: 'HH'h'mm",
        "EEE yyyy-D",
    ];

    #[test]
    fn format_then_match_round_trip() {
        let now = DateTime::now_utc();
        let mut rng = XorShift(0x9E37_79B9_7F4A_7C15);
        let mut values = vec![
            now,
            dt(2024, 2, 29, 0, 0, 0, 0, 0),
            dt(2023, 12, 31, 23, 59, 59, 999_999_999, 0),
        ];
        for _ in 0..300 {
            // Instants between year 1 and 9999, with offsets up to ±14:00.
            let secs = -62_135_596_800 + i64::try_from(rng.below(315_537_897_599)).unwrap();
            let nanos = u32::try_from(rng.below(1_000_000_000)).unwrap();
            let offset = i32::try_from(rng.below(28 * 4 + 1)).unwrap() * 15 - 14 * 60;
            let value = DateTime::from_unix(secs, nanos);
            values.push(DateTime {
                offset_minutes: offset,
                ..value
            });
        }
        for text in ROUND_TRIP_PATTERNS {
            let p = pattern(text);
            for value in &values {
                let formatted = p.format(value);
                assert!(
                    p.matches(&formatted),
                    "'{formatted}' (from {value:?}) should match '{text}'"
                );
            }
        }
    }

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

    const BASE: DateTime = DateTime {
        year: 2024,
        month: 1,
        day: 31,
        hour: 10,
        minute: 20,
        second: 30,
        nanosecond: 0,
        offset_minutes: 0,
    };

    fn eval(expression: &str, kind: ExpressionKind) -> DateTime {
        evaluate_expression(expression, kind, BASE).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn date_expressions() {
        use ExpressionKind::Date;
        let on = |y, m, d| dt(y, m, d, 10, 20, 30, 0, 0);
        let cases = [
            ("", BASE),
            ("   ", BASE),
            ("today", BASE),
            ("now", BASE),
            ("today + 1 day", on(2024, 2, 1)),
            ("tomorrow", on(2024, 2, 1)),
            ("yesterday", on(2024, 1, 30)),
            ("yesterday - 1 week", on(2024, 1, 23)),
            ("+ 1 month", on(2024, 2, 29)),
            ("- 1 month", on(2023, 12, 31)),
            ("next year", on(2025, 1, 31)),
            ("last year", on(2023, 1, 31)),
            ("next week", on(2024, 2, 7)),
            ("next fortnight", on(2024, 2, 14)),
            ("+ 2 fortnights", on(2024, 2, 28)),
            ("+1day", on(2024, 2, 1)),
            ("TODAY + 1 DAY", on(2024, 2, 1)),
            ("tomorrow + 4 years", on(2028, 2, 1)),
            ("+ 1 day - 2 weeks", on(2024, 1, 18)),
            ("next monday", on(2024, 2, 5)),
            ("last monday", on(2024, 1, 29)),
            ("next wed", on(2024, 2, 7)),
            ("last wednesday", on(2024, 1, 24)),
            ("next thursday", on(2024, 2, 1)),
            ("next february", on(2024, 2, 1)),
            ("next jan", on(2025, 1, 1)),
            ("last december", on(2023, 12, 1)),
            ("last january", on(2023, 1, 1)),
            ("next june + 2 weeks", on(2024, 6, 15)),
            ("\ttoday\n+\t2\tdays ", on(2024, 2, 2)),
        ];
        for (expression, expected) in cases {
            assert_eq!(eval(expression, Date), expected, "'{expression}'");
        }
        let leap = dt(2024, 2, 29, 0, 0, 0, 0, 0);
        assert_eq!(
            evaluate_expression("+ 1 year", Date, leap).unwrap(),
            dt(2025, 2, 28, 0, 0, 0, 0, 0)
        );
    }

    #[test]
    fn time_expressions() {
        use ExpressionKind::Time;
        let at = |h, m, s| dt(2024, 1, 31, h, m, s, 0, 0);
        let cases = [
            ("", BASE),
            ("now", BASE),
            ("now + 2 hours", at(12, 20, 30)),
            ("midnight", at(0, 0, 0)),
            ("noon", at(12, 0, 0)),
            ("noon + 15 minutes", at(12, 15, 0)),
            ("10 o'clock", at(10, 0, 0)),
            ("3 o'clock", at(3, 0, 0)),
            ("15 o'clock", at(15, 0, 0)),
            ("1 o'clock pm", at(13, 0, 0)),
            ("1 O'CLOCK AM", at(1, 0, 0)),
            ("12 o'clock am", at(0, 0, 0)),
            ("3 pm", at(15, 0, 0)),
            ("3pm", at(15, 0, 0)),
            ("12 pm", at(12, 0, 0)),
            ("12 am + 1 second", at(0, 0, 1)),
            ("9 am", at(9, 0, 0)),
            ("@ noon", at(12, 0, 0)),
            ("next hour", at(11, 20, 30)),
            ("last minute", at(10, 19, 30)),
            ("- 2 minutes", at(10, 18, 30)),
            ("now + 2 hours - 4 minutes", at(12, 16, 30)),
            ("midnight - 1 hour", dt(2024, 1, 30, 23, 0, 0, 0, 0)),
            ("+ 14 hours", dt(2024, 2, 1, 0, 20, 30, 0, 0)),
        ];
        for (expression, expected) in cases {
            assert_eq!(eval(expression, Time), expected, "'{expression}'");
        }
        assert_eq!(
            eval("+ 4 milliseconds", Time),
            dt(2024, 1, 31, 10, 20, 30, 4_000_000, 0)
        );
        assert_eq!(
            eval("- 1 millisecond", Time),
            dt(2024, 1, 31, 10, 20, 29, 999_000_000, 0)
        );
    }

    #[test]
    fn date_time_expressions() {
        use ExpressionKind::DateTime as Dt;
        let cases = [
            ("", BASE),
            ("@", BASE),
            ("now", BASE),
            ("today + 1 day @ noon", dt(2024, 2, 1, 12, 0, 0, 0, 0)),
            ("now - 30 seconds", dt(2024, 1, 31, 10, 20, 0, 0, 0)),
            ("tomorrow @ noon", dt(2024, 2, 1, 12, 0, 0, 0, 0)),
            ("+ 1 week @ 10 o'clock", dt(2024, 2, 7, 10, 0, 0, 0, 0)),
            (
                "yesterday @ midnight - 1 hour",
                dt(2024, 1, 29, 23, 0, 0, 0, 0),
            ),
            ("@ now + 1 hour", dt(2024, 1, 31, 11, 20, 30, 0, 0)),
            ("tomorrow @", dt(2024, 2, 1, 10, 20, 30, 0, 0)),
            ("next month @ last hour", dt(2024, 2, 29, 9, 20, 30, 0, 0)),
            ("tomorrow + 1 hour", dt(2024, 2, 1, 11, 20, 30, 0, 0)),
            ("noon + 1 day", dt(2024, 2, 1, 12, 0, 0, 0, 0)),
            (
                "tomorrow+ 4 years @ 3 o'clock + 40 milliseconds",
                dt(2028, 2, 1, 3, 0, 0, 40_000_000, 0),
            ),
        ];
        for (expression, expected) in cases {
            assert_eq!(eval(expression, Dt), expected, "'{expression}'");
        }
        // The offset is carried through untouched.
        let local = DateTime {
            offset_minutes: 600,
            ..BASE
        };
        assert_eq!(
            evaluate_expression("today @ noon", Dt, local).unwrap(),
            DateTime {
                hour: 12,
                minute: 0,
                second: 0,
                ..local
            }
        );
    }

    #[test]
    fn bad_expressions() {
        use ExpressionKind::{Date, DateTime as Dt, Time};
        let err = evaluate_expression("today + 1 dya", Date, BASE).unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid date expression 'today + 1 dya': unknown unit 'dya'"
        );
        let cases: [(&str, ExpressionKind, &str); 26] = [
            ("tomorrow @ noon", Date, "'@'"),
            (
                "+ 1 hour",
                Date,
                "unit 'hour' is not allowed in a date expression",
            ),
            ("noon", Date, "'noon' is not allowed"),
            ("3 o'clock", Date, "unexpected number '3'"),
            ("today", Time, "'today' is not allowed in a time expression"),
            ("+ 1 day", Time, "unit 'day' is not allowed"),
            ("next monday", Time, "'monday' is not allowed"),
            ("today @ noon", Time, "unexpected 'today' before '@'"),
            ("+ day", Date, "expected a number after '+', found 'day'"),
            ("+ 1", Date, "expected a unit after '1'"),
            ("+", Date, "expected a number after '+'"),
            ("next", Date, "expected a unit after 'next'"),
            ("next 1", Date, "unknown unit '1'"),
            ("next blursday", Date, "unknown unit 'blursday'"),
            ("13 pm", Time, "must be 1 to 12"),
            ("0 am", Time, "must be 1 to 12"),
            ("25 o'clock", Time, "must be 0 to 23"),
            ("10", Time, "expected o'clock, am or pm after '10'"),
            ("today today", Date, "unexpected 'today'"),
            ("foo", Dt, "unexpected 'foo'"),
            ("today @ noon @ midnight", Dt, "more than one '@'"),
            ("today # 1", Dt, "unexpected character '#'"),
            (
                "+ 99999999999999999999 days",
                Date,
                "number '99999999999999999999' is too large",
            ),
            ("+ 9223372036854775807 weeks", Date, "out of range"),
            ("today + 1 hour @ noon", Dt, "unit 'hour' is not allowed"),
            ("o'", Time, "unexpected character '''"),
        ];
        for (expression, kind, message) in cases {
            match evaluate_expression(expression, kind, BASE) {
                Ok(value) => panic!("'{expression}' ({kind:?}) should fail, gave {value:?}"),
                Err(err) => {
                    let text = err.to_string();
                    assert!(text.contains(message), "'{expression}': {text}");
                    assert!(text.contains(&format!("'{expression}'")), "{text}");
                }
            }
        }
        let err = evaluate_expression("foo", Dt, BASE).unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid datetime expression 'foo': unexpected 'foo'"
        );
        let err = evaluate_expression("foo", Time, BASE).unwrap_err();
        assert!(err.to_string().starts_with("invalid time expression"));
        // Huge but representable adjustments saturate rather than panic.
        let far = evaluate_expression("+ 9223372036854775807 days", Date, BASE).unwrap();
        assert!(far.year > 1_000_000_000);
        let _ = evaluate_expression("- 9223372036854775807 milliseconds", Time, BASE).unwrap();
        let _ = evaluate_expression("+ 9223372036854775807 months", Date, BASE).unwrap();
    }

    #[test]
    fn random_input_never_panics() {
        let mut rng = XorShift(0xDEAD_BEEF_CAFE_F00D);
        let patterns: Vec<DateTimePattern> =
            ROUND_TRIP_PATTERNS.iter().map(|p| pattern(p)).collect();
        let value = dt(2023, 7, 19, 10, 5, 9, 123_456_789, 600);
        let pattern_alphabet: Vec<char> = "GyuYMLdDEaHkKhmsSnzZXxwWFQqbV'''-:., T0123456789+Zé"
            .chars()
            .collect();
        let words = [
            "today",
            "tomorrow",
            "yesterday",
            "now",
            "midnight",
            "noon",
            "+",
            "-",
            "@",
            "1",
            "12",
            "99999999999999999999",
            "day",
            "weeks",
            "month",
            "years",
            "hour",
            "minutes",
            "next",
            "last",
            "monday",
            "dec",
            "o'clock",
            "am",
            "pm",
            "fortnight",
            "'",
            "#",
        ];
        let mut accepted = 0;
        for i in 0..4000 {
            let text = match i % 3 {
                0 => {
                    let len = rng.below(40);
                    let bytes: Vec<u8> = (0..len).map(|_| (rng.next() & 0xFF) as u8).collect();
                    String::from_utf8_lossy(&bytes).into_owned()
                }
                1 => (0..rng.below(30))
                    .map(|_| pattern_alphabet[rng.below(pattern_alphabet.len() as u64) as usize])
                    .collect(),
                _ => (0..rng.below(8))
                    .map(|_| words[rng.below(words.len() as u64) as usize])
                    .collect::<Vec<_>>()
                    .join(if rng.below(2) == 0 { " " } else { "" }),
            };
            if let Ok(p) = DateTimePattern::parse(&text) {
                accepted += 1;
                let formatted = p.format(&value);
                let _ = p.matches(&formatted);
                let _ = p.matches(&text);
                assert_eq!(p.as_str(), text);
            }
            for p in &patterns {
                let _ = p.matches(&text);
            }
            for kind in [
                ExpressionKind::Date,
                ExpressionKind::Time,
                ExpressionKind::DateTime,
            ] {
                if let Err(err) = evaluate_expression(&text, kind, value) {
                    assert!(err.to_string().contains(&format!("'{text}'")));
                }
            }
        }
        // The generator reached valid patterns too, not just errors.
        assert!(accepted > 100, "{accepted}");
    }

    #[test]
    fn pathological_backtracking_terminates() {
        // Many adjacent variable-width fields: the matcher gives up after its
        // step budget instead of running for an exponential time.
        let p = pattern(&"dM".repeat(60));
        assert!(!p.matches(&"1".repeat(150)));
        // `n` takes 1 to 9 digits and is not cross-checked, so without the
        // budget this would try on the order of 9^40 splits.
        let p = pattern(&"nS".repeat(40));
        let started = std::time::Instant::now();
        assert!(!p.matches(&format!("{}x", "1".repeat(200))));
        assert!(started.elapsed() < std::time::Duration::from_secs(10));
        assert!(p.matches(&"12".repeat(40)));
        let long = "yyyy-MM-dd ".repeat(2000);
        let p = pattern(&long);
        assert!(p.matches(&"2024-02-29 ".repeat(2000)));
    }
    #[test]
    fn the_fixed_width_path_agrees_with_the_general_matcher() {
        let patterns = [
            "yyyy-MM-dd",
            "HH:mm:ss",
            "yyyy-MM-dd'T'HH:mm:ss",
            "yyyy-MM-dd'T'HH:mm:ss.SSS",
            "dd/MM/yyyy",
            "MM-dd",
            "yyyyMMdd",
        ];
        let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for p in patterns {
            let pattern = DateTimePattern::parse(p).unwrap();
            assert!(
                pattern.matches_fixed_width("").is_some(),
                "{p} takes the fast path"
            );
            let example = pattern.format(&DateTime::from_unix(1_700_000_000, 0));
            for _ in 0..3000 {
                let mut v: Vec<u8> = example.clone().into_bytes();
                for _ in 0..(next() % 3) {
                    if v.is_empty() {
                        break;
                    }
                    let at = (next() % v.len() as u64) as usize;
                    match next() % 4 {
                        0 => v[at] = b'0' + (next() % 10) as u8,
                        1 => v[at] = b"-:/T.x 9"[(next() % 8) as usize],
                        2 => {
                            v.remove(at);
                        }
                        _ => v.insert(at, b'0' + (next() % 10) as u8),
                    }
                }
                let v = String::from_utf8_lossy(&v).into_owned();
                assert_eq!(
                    pattern.matches_fixed_width(&v),
                    Some(pattern.matches_general(&v)),
                    "{p} on {v:?}"
                );
            }
        }
        for (p, v, ok) in [
            ("yyyy-MM-dd", "2024-02-29", true),
            ("yyyy-MM-dd", "2023-02-29", false),
            ("yyyy-MM-dd", "2023-13-01", false),
            ("HH:mm:ss", "24:00:00", false),
            ("yyyy-MM-dd'T'HH:mm:ss.SSS", "2024-01-31T10:20:30.123", true),
        ] {
            assert_eq!(DateTimePattern::parse(p).unwrap().matches(v), ok, "{p} {v}");
        }
    }
}
