//! Checking a value against a pattern, with pact-reference's verdicts.
//!
//! The value is read left to right, one token at a time, without going back:
//! a numeric field takes as many digits as it can (up to its maximum) and the
//! number must then be in range, text fields compare case-insensitively,
//! literal text compares exactly, and nothing may be left over. The only check
//! across fields is the day of the month against the length of the month.

use std::fmt;

use super::calendar::days_in_month;
use super::pattern::{DateTimePattern, Token};
use super::zones::{ZONE_ABBREVIATIONS, ZONE_IDS};

const MONTHS_SHORT: [&[u8]; 12] = [
    b"jan", b"feb", b"mar", b"apr", b"may", b"jun", b"jul", b"aug", b"sep", b"oct", b"nov", b"dec",
];
const MONTHS_FULL: [&[u8]; 12] = [
    b"january",
    b"february",
    b"march",
    b"april",
    b"may",
    b"june",
    b"july",
    b"august",
    b"september",
    b"october",
    b"november",
    b"december",
];
const DAYS_SHORT: [&[u8]; 7] = [b"mon", b"tue", b"wed", b"thu", b"fri", b"sat", b"sun"];
const DAYS_FULL: [&[u8]; 7] = [
    b"monday",
    b"tuesday",
    b"wednesday",
    b"thursday",
    b"friday",
    b"saturday",
    b"sunday",
];
const QUARTERS_SHORT: [&[u8]; 4] = [b"q1", b"q2", b"q3", b"q4"];
const QUARTERS_FULL: [&[u8]; 4] = [b"1st", b"2nd", b"3rd", b"4th"];

/// Why a value does not match, for the mismatch message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Failure {
    /// The pattern itself is invalid.
    Pattern(String),
    /// The field or text `what` was expected at byte `at` of the value.
    Expected { what: &'static str, at: usize },
    /// Text was left over from byte `at`.
    Leftover { at: usize },
    /// The day does not exist in that month.
    Day { day: u64, month: u64, year: u64 },
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::Pattern(reason) => f.write_str(reason),
            Failure::Expected { what, at } => write!(f, "expected {what} at position {at}"),
            Failure::Leftover { at } => write!(f, "unexpected text at position {at}"),
            Failure::Day { day, month, year } => {
                write!(
                    f,
                    "{day} is not a valid day for month {month} in year {year}"
                )
            }
        }
    }
}

/// A cursor over the value's bytes.
struct Input<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl Input<'_> {
    fn rest(&self) -> &[u8] {
        self.bytes.get(self.pos..).unwrap_or_default()
    }

    /// Takes 1 to `max` digits and returns their value (saturating).
    fn digits(&mut self, max: usize) -> Option<u64> {
        let run = self
            .rest()
            .iter()
            .take(max)
            .take_while(|b| b.is_ascii_digit())
            .count();
        if run == 0 {
            return None;
        }
        let value = self.rest().iter().take(run).fold(0u64, |acc, b| {
            acc.saturating_mul(10).saturating_add(u64::from(b - b'0'))
        });
        self.pos += run;
        Some(value)
    }

    /// Takes 1 to `max` digits forming a number from `low` to `high`.
    fn number(&mut self, max: usize, low: u64, high: u64) -> Option<u64> {
        self.digits(max).filter(|v| (low..=high).contains(v))
    }

    /// Like [`Input::number`], but leaves the input alone when it fails.
    fn opt_number(&mut self, max: usize, low: u64, high: u64) -> bool {
        let start = self.pos;
        if self.number(max, low, high).is_some() {
            true
        } else {
            self.pos = start;
            false
        }
    }

    fn exact(&mut self, text: &[u8]) -> bool {
        if self.rest().starts_with(text) {
            self.pos += text.len();
            true
        } else {
            false
        }
    }

    fn ignore_case(&mut self, text: &[u8]) -> bool {
        match self.rest().get(..text.len()) {
            Some(head) if head.eq_ignore_ascii_case(text) => {
                self.pos += text.len();
                true
            }
            _ => false,
        }
    }

    /// The first of `names` the input starts with (ignoring case); its 1-based index.
    fn name(&mut self, names: &[&[u8]]) -> Option<u64> {
        let index = names.iter().position(|n| self.ignore_case(n))?;
        u64::try_from(index + 1).ok()
    }

    /// One or more of `+` and `-`.
    fn signs(&mut self) -> bool {
        let run = self
            .rest()
            .iter()
            .take_while(|b| matches!(b, b'+' | b'-'))
            .count();
        self.pos += run;
        run > 0
    }

    /// The hour of an offset: 0 to 11 only, as in pact-reference.
    fn offset_hour(&mut self) -> bool {
        self.number(2, 0, 11).is_some()
    }

    fn minute(&mut self) -> bool {
        self.number(2, 0, 59).is_some()
    }

    /// `[+-]h[h]:m[m]`.
    fn hour_colon_minute(&mut self) -> bool {
        self.signs() && self.offset_hour() && self.exact(b":") && self.minute()
    }

    fn gmt_or_utc(&mut self) -> bool {
        self.exact(b"GMT") || self.exact(b"UTC")
    }

    /// Optional `sep` followed by a number in range; all or nothing.
    fn opt_part(&mut self, sep: &[u8], high: u64) -> bool {
        let start = self.pos;
        if self.exact(sep) && self.number(2, 0, high).is_some() {
            true
        } else {
            self.pos = start;
            false
        }
    }

    /// The run of at most `max` bytes satisfying `pred`, consumed.
    fn run(&mut self, max: usize, pred: impl Fn(&u8) -> bool) -> &[u8] {
        let start = self.pos;
        let len = self.rest().iter().take(max).take_while(|b| pred(b)).count();
        self.pos += len;
        self.bytes.get(start..start + len).unwrap_or_default()
    }
}

/// Matches one field; `Err` names what was expected.
fn field(
    input: &mut Input<'_>,
    letter: u8,
    count: usize,
    seen: &mut Seen,
) -> Result<(), &'static str> {
    let ok = |b: bool, what: &'static str| if b { Ok(()) } else { Err(what) };
    match letter {
        b'G' => ok(input.name(&[b"ad", b"bc"]).is_some(), "an era (AD or BC)"),
        b'y' | b'Y' | b'u' => {
            let year = input.digits(count).ok_or("a year")?;
            seen.year.get_or_insert(year);
            Ok(())
        }
        b'M' => {
            let month = match count {
                1 | 2 => input.number(2, 1, 12),
                3 => input.name(&MONTHS_SHORT),
                _ => input.name(&MONTHS_FULL),
            }
            .ok_or("a month")?;
            seen.month.get_or_insert(month);
            Ok(())
        }
        b'L' => ok(input.number(2, 1, 12).is_some(), "a month"),
        b'd' => {
            let day = input.number(2, 1, 31).ok_or("a day of the month (1-31)")?;
            seen.day.get_or_insert(day);
            Ok(())
        }
        b'D' => ok(
            input.number(3, 1, 356).is_some(),
            "a day of the year (1-356)",
        ),
        b'Q' if count >= 3 => {
            let found = if count == 3 {
                input.name(&QUARTERS_SHORT).is_some()
            } else {
                input.name(&QUARTERS_FULL).is_some() && input.ignore_case(b" quarter")
            };
            ok(found, "a quarter")
        }
        b'Q' | b'q' => ok(input.number(2, 1, 4).is_some(), "a quarter (1-4)"),
        b'w' => ok(
            input.number(2, 1, 56).is_some(),
            "a week of the year (1-56)",
        ),
        b'W' => ok(input.number(2, 1, 5).is_some(), "a week of the month (1-5)"),
        b'F' => ok(input.number(2, 0, 4).is_some(), "a week of the month (0-4)"),
        b'e' | b'c' if count <= 2 => ok(input.number(1, 1, 7).is_some(), "a day of the week (1-7)"),
        b'E' | b'e' | b'c' => {
            let names: &[&[u8]] = if count <= 3 { &DAYS_SHORT } else { &DAYS_FULL };
            ok(input.name(names).is_some(), "a day name")
        }
        b'a' => ok(input.name(&[b"am", b"pm"]).is_some(), "AM or PM"),
        b'H' => ok(input.number(2, 0, 23).is_some(), "an hour (0-23)"),
        b'k' => ok(input.number(2, 1, 24).is_some(), "an hour (1-24)"),
        b'h' => ok(input.number(2, 1, 12).is_some(), "an hour (1-12)"),
        b'K' => ok(input.number(2, 0, 11).is_some(), "an hour (0-11)"),
        b'm' => ok(input.minute(), "a minute (0-59)"),
        b's' => ok(input.number(2, 0, 60).is_some(), "a second (0-60)"),
        b'S' => ok(input.digits(count).is_some(), "a fraction of a second"),
        b'n' | b'A' | b'N' => ok(input.digits(usize::MAX).is_some(), "a number"),
        b'Z' => ok(
            match count {
                1..=3 => input.signs() && input.offset_hour() && input.minute(),
                4 => {
                    input.gmt_or_utc() && {
                        let start = input.pos;
                        if !input.hour_colon_minute() {
                            input.pos = start;
                        }
                        true
                    }
                }
                _ => input.hour_colon_minute(),
            },
            "an offset (with hours 0-11)",
        ),
        b'X' | b'x' => {
            let found = (letter == b'X' && input.exact(b"Z"))
                || (input.signs()
                    && input.offset_hour()
                    && match count {
                        1 => {
                            input.opt_number(2, 0, 59);
                            true
                        }
                        2 => input.minute(),
                        3 => input.exact(b":") && input.minute(),
                        4 => {
                            input.minute() && {
                                input.opt_number(2, 0, 60);
                                true
                            }
                        }
                        _ => {
                            input.exact(b":") && input.minute() && {
                                input.opt_part(b":", 60);
                                true
                            }
                        }
                    });
            ok(found, "an offset (with hours 0-11)")
        }
        b'O' => ok(
            input.gmt_or_utc()
                && input.signs()
                && input.offset_hour()
                && if count < 4 {
                    input.opt_part(b":", 59);
                    true
                } else {
                    input.exact(b":") && input.minute()
                },
            "a GMT offset (with hours 0-11)",
        ),
        b'z' => {
            if count >= 4 {
                return Err("a time-zone abbreviation (full names are not supported)");
            }
            let name = input.run(4, u8::is_ascii_uppercase);
            let known = name.len() >= 3
                && std::str::from_utf8(name)
                    .is_ok_and(|n| ZONE_ABBREVIATIONS.binary_search(&n).is_ok());
            ok(known, "a known time-zone abbreviation")
        }
        b'V' => {
            let start = input.pos;
            let area = input.run(usize::MAX, u8::is_ascii_alphanumeric).len();
            let slash = area > 0 && input.exact(b"/");
            let location = input.run(usize::MAX, u8::is_ascii_alphanumeric).len();
            let id = input.bytes.get(start..input.pos).unwrap_or_default();
            let known = slash
                && location > 0
                && std::str::from_utf8(id).is_ok_and(|n| ZONE_IDS.binary_search(&n).is_ok());
            ok(known, "a known time-zone id")
        }
        _ => Err("a known pattern letter"),
    }
}

/// The fields the day-of-month check needs: the first of each.
#[derive(Default)]
struct Seen {
    year: Option<u64>,
    month: Option<u64>,
    day: Option<u64>,
}

impl DateTimePattern {
    /// Whether the whole of `value` is a date/time in this pattern, as a Pact
    /// date/time matching rule requires. The verdicts are pact-reference's:
    /// see the [module documentation](super) for its rules and quirks. An
    /// invalid pattern (read with [`DateTimePattern::parse_lenient`]) matches
    /// nothing.
    #[must_use]
    pub fn matches(&self, value: &str) -> bool {
        self.check(value).is_ok()
    }

    /// Like [`DateTimePattern::matches`], with the reason for a mismatch
    /// (`expected a month at position 5`) to append to a mismatch message.
    ///
    /// # Errors
    ///
    /// The reason `value` does not match, or what is wrong with the pattern.
    pub fn check(&self, value: &str) -> Result<(), String> {
        self.run(value).map_err(|f| f.to_string())
    }

    pub(super) fn run(&self, value: &str) -> Result<(), Failure> {
        if let Some(problem) = &self.problem {
            return Err(Failure::Pattern(problem.message.clone()));
        }
        let mut input = Input {
            bytes: value.as_bytes(),
            pos: 0,
        };
        let mut seen = Seen::default();
        for token in &self.tokens {
            let at = input.pos;
            match token {
                Token::Literal(text) => {
                    if !input.exact(text.as_bytes()) {
                        return Err(Failure::Expected {
                            what: "literal text",
                            at,
                        });
                    }
                }
                Token::Field { letter, count } => {
                    field(&mut input, *letter, *count, &mut seen)
                        .map_err(|what| Failure::Expected { what, at })?;
                }
            }
        }
        if input.pos < input.bytes.len() {
            return Err(Failure::Leftover { at: input.pos });
        }
        if let (Some(day), Some(month)) = (seen.day, seen.month) {
            let year = seen.year.unwrap_or(2001);
            let leap_year = i64::try_from(year).unwrap_or(i64::MAX);
            let length = days_in_month(leap_year, u32::try_from(month).unwrap_or(1));
            if day > u64::from(length) {
                return Err(Failure::Day { day, month, year });
            }
        }
        Ok(())
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
    use crate::datetime::pattern::tests::ROUND_TRIP_PATTERNS;
    use crate::datetime::test_support::{check, dt, pattern, XorShift};
    use crate::datetime::{evaluate_expression, ExpressionKind};

    #[test]
    fn date_pattern() {
        check(
            "yyyy-MM-dd",
            &[
                "2023-07-19",
                "2024-02-29",
                "2000-02-29",
                "0001-01-01",
                "0000-01-01",
                "2023-12-31",
                // Fewer digits are read.
                "2023-7-19",
                "2023-7-1",
                "23-07-19",
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
                "2023-07-19 ",
                " 2023-07-19",
                "2023-07-19T00:00",
                "20230-07-19",
                "2023-07-019",
                "",
            ],
        );
    }

    #[test]
    fn time_pattern() {
        check(
            "HH:mm:ss",
            &[
                "00:00:00", "23:59:59", "10:20:30", "23:59:60", "1:02:03", "1:2:3",
            ],
            &[
                "24:00:00",
                "12:60:00",
                "12:00:61",
                "12:00",
                "12:00:00.000",
                "ab:cd:ef",
                "012:00:00",
            ],
        );
    }

    #[test]
    fn fractions_and_offsets() {
        check(
            "yyyy-MM-dd'T'HH:mm:ss.SSSXXX",
            &[
                "2023-07-19T10:00:00.123Z",
                "2023-07-19T10:00:00.000+10:00",
                "2023-07-19T10:00:00.999-05:30",
                "2023-07-19T10:00:00.999+00:00",
                "2023-07-19T10:00:00.12Z",
                "2023-07-19T10:00:00.1+11:59",
                // The sign may be repeated, as in the reference.
                "2023-07-19T10:00:00.1+-01:00",
            ],
            &[
                "2023-07-19T10:00:00.123",
                "2023-07-19T10:00:00.1234Z",
                "2023-07-19T10:00:00.123+1000",
                "2023-07-19T10:00:00.123+10",
                "2023-07-19T10:00:00.123+12:00",
                "2023-07-19T10:00:00.123+14:00",
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
            &["10+10:30", "10+12"],
        );
        check("HHXX", &["10Z", "10+1000"], &["10+10", "10+10:00"]);
        check("HHxxx", &["10+00:00", "10-05:30"], &["10Z", "10+0000"]);
        check("HHxxxx", &["10+0000", "10+053015"], &["10Z", "10+05:30"]);
        check("HHxxxxx", &["10+05:30", "10+05:30:15"], &["10+0530"]);
        check(
            "HHZ",
            &["10+0000", "10-0530", "10+100"],
            &["10Z", "10+00:00", "10+1200"],
        );
        check("HHZZZZZ", &["10+05:30"], &["10Z", "10+05:30:15", "10+0530"]);
        check(
            "HH ZZZZ",
            &["10 GMT", "10 UTC", "10 GMT+10:00", "10 UTC-5:00"],
            &["10 GMT-5", "10 +10:00", "10 gmt"],
        );
        check(
            "HH O",
            &["10 GMT+1", "10 UTC-11", "10 GMT+10:30"],
            &["10 GMT", "10 GMT+12", "10 +01"],
        );
        check("HH OOOO", &["10 GMT+01:00"], &["10 GMT+1", "10 GMT"]);
    }

    #[test]
    fn zone_names_and_ids() {
        check(
            "HH z",
            &["10 GMT", "10 AEST", "10 EST", "10 PST", "10 CET", "10 PDT"],
            &[
                "10 UTC",
                "10 utc",
                "10 AB",
                "10 XYZ",
                "10 ABCDEF",
                "10 +10:00",
                "10 Z",
            ],
        );
        check("zzzz", &[], &["Pacific Standard Time", "PST", ""]);
        check(
            "VV",
            &["Europe/London", "Australia/Sydney", "Etc/UTC"],
            &[
                "Europe/london",
                "America/New_York",
                "UTC",
                "Nowhere/City",
                "Europe/",
            ],
        );
        // The generated lists are sorted, so binary search finds everything.
        assert!(super::ZONE_IDS.windows(2).all(|w| w[0] < w[1]));
        assert!(super::ZONE_ABBREVIATIONS.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn text_fields() {
        check(
            "EEE, dd MMM yyyy HH:mm:ss z",
            &[
                "Wed, 19 Jul 2023 10:00:00 GMT",
                "Wed, 19 Jul 2023 10:00:00 AEST",
                "Thu, 29 Feb 2024 23:59:59 GMT",
                "wed, 19 jul 2023 10:00:00 GMT",
                // Day names are never compared with the date.
                "Thu, 19 Jul 2023 10:00:00 GMT",
            ],
            &[
                "Wednesday, 19 Jul 2023 10:00:00 GMT",
                "Wed, 19 July 2023 10:00:00 GMT",
                "Wed, 19 Jul 2023 10:00:00",
                "Wed, 19 Jul 2023 10:00:00 gmt",
                "Xyz, 19 Jul 2023 10:00:00 GMT",
            ],
        );
        check(
            "EEEE d MMMM yyyy",
            &["Wednesday 19 July 2023", "friday 1 SEPTEMBER 2023"],
            &[
                "Wed 19 July 2023",
                "Wednesday 19 Jul 2023",
                "Wednesday 31 June 2023",
            ],
        );
        // Without a year the day is checked against 2001, not a leap year.
        check(
            "dd MMM",
            &["05 Sep", "28 Feb"],
            &["29 Feb", "30 Feb", "05 Sept"],
        );
        check("G yyyy", &["AD 2023", "bc 0044"], &["Anno Domini 2023"]);
        check("GGGG yyyy", &["AD 2023"], &["Anno Domini 2023"]);
        check(
            "QQQ QQQQ",
            &["Q3 3rd quarter", "q1 1ST QUARTER"],
            &["Q5 1st quarter"],
        );
        check("e c eee", &["1 7 Mon"], &["0 1 Mon", "8 1 Mon", "01 1 Mon"]);
    }

    #[test]
    fn hours_and_am_pm() {
        check(
            "h:mm a",
            &[
                "3:05 PM", "12:00 AM", "12:59 pm", "11:30 am", "03:05 PM", "3:5 PM",
            ],
            &["13:05 PM", "0:05 AM", "3:05", "3:05 XM", "3:05PM"],
        );
        // AM/PM is not compared with an hour of the day.
        check("HH:mm a", &["13:05 AM", "01:05 PM"], &["24:05 PM"]);
        check("kk:mm", &["24:00", "01:00"], &["00:00", "25:00"]);
        check("KK:mm", &["00:00", "11:59"], &["12:00"]);
    }

    #[test]
    fn widths_without_backtracking() {
        check(
            "yyyyMMddHHmmss",
            &["20230719100000", "2023071910000"],
            &["20231319100000", "202307191000000"],
        );
        // `H` takes two digits when it can and never gives one back.
        check("Hmm", &["1230", "000"], &["930", "2460", "12345"]);
        check("d.M.y", &["1.2.3", "9.9.9"], &["1.2.2023", "1.2.", "0.2.3"]);
        check(
            "yyyyD",
            &["2024356", "20231", "2023001"],
            &["2024357", "2024366"],
        );
        check("ssSSS", &["59999", "5999"], &["599999"]);
        check("n", &["0", "123456789", "1234567890123"], &[""]);
        check("A N", &["1 2", "86400000 0"], &["a 1", "1"]);
        check(
            "uuuu-MM-dd G",
            &["2023-07-19 AD", "2023-07-19 BC"],
            &["-0044-03-15 BC"],
        );
        check(
            "YYYY-'W'ww-e",
            &["2024-W01-1", "2024-W56-7"],
            &["2024-W57-1", "2024-W01-8"],
        );
        check("W F", &["1 0", "5 4"], &["0 0", "6 1", "1 5"]);
    }

    #[test]
    fn only_the_day_of_the_month_is_cross_checked() {
        // The first year, month and day fields are used; without a year, 2001.
        check("yyyy-MM-dd D", &["2023-02-01 200"], &["2023-02-30 032"]);
        check("yyyy-MM-dd Q", &["2023-07-19 1"], &["2023-07-19 5"]);
        check("yyyy yyyy", &["2023 2024"], &[]);
        check("MM-dd", &["02-28", "04-30"], &["02-29", "04-31"]);
        check(
            "yyyy-MM-dd yyyy",
            &["2024-02-29 2023"],
            &["2023-02-29 2024"],
        );
        // `L` is a month, but not one the check looks at.
        check("yyyy-LL-dd", &["2023-02-31"], &["2023-13-01"]);
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
        check("HH¦mm é", &["10¦30 é"], &["10|30 é"]);
        check("'['HH']'", &["[10]"], &["10"]);
        check("yyyy#MM", &["2024#01"], &["2024-01"]);
        assert_eq!(pattern("yyyy-MM-dd'T'HH").as_str(), "yyyy-MM-dd'T'HH");
    }

    #[test]
    fn mismatch_reasons() {
        let p = pattern("yyyy-MM-dd");
        assert_eq!(
            p.check("2024-13-01").unwrap_err(),
            "expected a month at position 5"
        );
        assert_eq!(
            p.check("2024-01-01x").unwrap_err(),
            "unexpected text at position 10"
        );
        assert_eq!(
            p.check("2024-02-30").unwrap_err(),
            "30 is not a valid day for month 2 in year 2024"
        );
        assert_eq!(
            pattern("HH'h'").check("10m").unwrap_err(),
            "expected literal text at position 2"
        );
        assert!(p.check("2024-02-29").is_ok());
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
    fn long_patterns_and_values_are_one_pass() {
        // Adjacent variable-width fields: one pass, no backtracking, so these
        // are quick whatever the verdict.
        let p = pattern(&"dM".repeat(60));
        assert!(!p.matches(&"1".repeat(150)));
        let p = pattern(&"nS".repeat(40));
        let started = std::time::Instant::now();
        assert!(!p.matches(&format!("{}x", "1".repeat(200))));
        assert!(started.elapsed() < std::time::Duration::from_secs(10));
        // `n` takes every digit, so nothing is left for the `S`.
        assert!(!p.matches(&"12".repeat(40)));
        assert!(pattern(&"n-S".repeat(40)).matches(&"12-3".repeat(40)));
        let long = "yyyy-MM-dd ".repeat(2000);
        let p = pattern(&long);
        assert!(p.matches(&"2024-02-29 ".repeat(2000)));
        assert!(!p.matches(&"2023-02-29 ".repeat(2000)));
    }
}
