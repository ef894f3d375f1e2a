//! Reading a pattern into tokens, and writing a [`DateTime`] with one.
//!
//! The tokens are those pact-reference recognises: the letters
//! `G y Y u M L D d Q q w W F E e c a h H k K m s S n A N x X Z O z V`,
//! quoted text (`''` is a quote), and runs of any other character except ASCII
//! letters, digits and `' { } [ ]` as literal text.

use std::fmt;
use std::fmt::Write as _;

use super::calendar::{
    DAYS_FULL, DAYS_SHORT, MONTHS_FULL, MONTHS_SHORT, QUARTERS_FULL, QUARTERS_SHORT,
};
use super::DateTime;

/// Error for a pattern that cannot be compiled, so that a bad matching rule or
/// generator can be reported to the user. Its message names the pattern and
/// what is wrong with it, e.g. `invalid date/time pattern 'yyyy-MM-bb':
/// unknown pattern letter 'b' at position 8` (positions count characters
/// from 0).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatternError {
    pub(super) pattern: String,
    pub(super) message: String,
}

impl PatternError {
    fn new(pattern: &str, message: String) -> PatternError {
        PatternError {
            pattern: pattern.to_string(),
            message,
        }
    }

    /// What is wrong with the pattern, without the pattern itself
    /// (`unknown pattern letter 'b' at position 8`).
    #[must_use]
    pub fn reason(&self) -> &str {
        &self.message
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
pub(super) enum Token {
    /// Text that must appear exactly.
    Literal(String),
    /// A run of `count` copies of a pattern letter.
    Field { letter: u8, count: usize },
}

/// A compiled Java-style date/time pattern (`SimpleDateFormat` /
/// `DateTimeFormatter` syntax), used to check values against Pact's `date`,
/// `time` and `timestamp` matching rules and to format generated values.
///
/// A pattern read with [`DateTimePattern::parse_lenient`] may be invalid; it
/// then matches nothing and [`DateTimePattern::problem`] says why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateTimePattern {
    pub(super) pattern: String,
    pub(super) tokens: Vec<Token>,
    pub(super) problem: Option<PatternError>,
}

/// The most letters a field may have, `None` for no limit.
fn max_letters(letter: u8) -> Option<Option<usize>> {
    Some(match letter {
        b'y' | b'Y' | b'u' | b'D' | b'S' | b'n' | b'A' | b'N' => None,
        b'a' | b'c' => Some(1),
        b'd' | b'h' | b'H' | b'k' | b'K' | b'm' | b's' | b'w' | b'W' | b'F' | b'q' | b'V' => {
            Some(2)
        }
        b'O' | b'z' => Some(4),
        b'G' | b'M' | b'L' | b'Q' | b'E' | b'e' | b'x' | b'X' | b'Z' => Some(5),
        _ => return None,
    })
}

/// Reads `pattern` into tokens, as pact-reference does.
fn tokenize(pattern: &str) -> Result<Vec<Token>, String> {
    if pattern.is_empty() {
        return Err("the pattern is empty".to_string());
    }
    let chars: Vec<char> = pattern.chars().collect();
    let mut tokens: Vec<Token> = Vec::new();
    let push_text = |tokens: &mut Vec<Token>, text: &str| match tokens.last_mut() {
        Some(Token::Literal(last)) => last.push_str(text),
        _ => tokens.push(Token::Literal(text.to_string())),
    };
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        if c == '\'' {
            if let Some((text, end)) = quoted_text(&chars, i) {
                push_text(&mut tokens, &text);
                i = end;
            } else if chars.get(i + 1) == Some(&'\'') {
                push_text(&mut tokens, "'");
                i += 2;
            } else {
                return Err(format!("unterminated quote at position {i}"));
            }
        } else if c.is_ascii_alphabetic() {
            let start = i;
            while chars.get(i) == Some(&c) {
                i += 1;
            }
            let count = i - start;
            let letter = c as u8;
            match max_letters(letter) {
                None => return Err(format!("unknown pattern letter '{c}' at position {start}")),
                Some(Some(max)) if count > max => {
                    return Err(format!(
                        "too many pattern letters '{c}' at position {start} (at most {max} allowed)"
                    ))
                }
                Some(_) => tokens.push(Token::Field { letter, count }),
            }
        } else if c.is_ascii_digit() || matches!(c, '{' | '}' | '[' | ']') {
            return Err(format!(
                "'{c}' at position {i} must be quoted to be literal text"
            ));
        } else {
            let start = i;
            while chars.get(i).is_some_and(|&c| {
                !(c.is_ascii_alphanumeric() || matches!(c, '\'' | '{' | '}' | '[' | ']'))
            }) {
                i += 1;
            }
            let text: String = chars.get(start..i).unwrap_or_default().iter().collect();
            push_text(&mut tokens, &text);
        }
    }
    Ok(tokens)
}

/// Quoted text starting with the quote at `start`: one or more pieces (`''` or
/// a run without quotes) and a closing quote. Returns the text and where it
/// ends. As in pact-reference, a run of quotes in the text becomes one quote.
fn quoted_text(chars: &[char], start: usize) -> Option<(String, usize)> {
    let mut text = String::new();
    let mut i = start + 1;
    let mut pieces = 0;
    loop {
        match (chars.get(i), chars.get(i + 1)) {
            (Some('\''), Some('\'')) => {
                if !text.ends_with('\'') {
                    text.push('\'');
                }
                i += 2;
            }
            (Some('\''), _) | (None, _) => break,
            (Some(_), _) => {
                while let Some(&c) = chars.get(i).filter(|c| **c != '\'') {
                    text.push(c);
                    i += 1;
                }
            }
        }
        pieces += 1;
    }
    (pieces > 0 && chars.get(i) == Some(&'\'')).then_some((text, i + 1))
}

impl DateTimePattern {
    /// Compiles `pattern`, so it can be used many times.
    ///
    /// # Errors
    ///
    /// A [`PatternError`] for what pact-reference refuses: an empty pattern,
    /// an ASCII letter outside quotes that is not a pattern letter, a digit or
    /// one of `{ } [ ]` outside quotes, an unterminated quote, or too many
    /// letters for a field (`aa`, `ddd`, `HHH`, `XXXXXX`...).
    pub fn parse(pattern: &str) -> Result<DateTimePattern, PatternError> {
        let parsed = DateTimePattern::parse_lenient(pattern);
        match parsed.problem {
            Some(problem) => Err(problem),
            None => Ok(parsed),
        }
    }

    /// Compiles `pattern` without refusing it: an invalid pattern gives a
    /// value that matches nothing and whose [`DateTimePattern::problem`] says
    /// what is wrong, as a matching rule read from a pact needs (pact-reference
    /// fails only the rule that uses a bad pattern).
    #[must_use]
    pub fn parse_lenient(pattern: &str) -> DateTimePattern {
        match tokenize(pattern) {
            Ok(tokens) => DateTimePattern {
                pattern: pattern.to_string(),
                tokens,
                problem: None,
            },
            Err(message) => DateTimePattern {
                pattern: pattern.to_string(),
                tokens: Vec::new(),
                problem: Some(PatternError::new(pattern, message)),
            },
        }
    }

    /// Why this pattern is invalid, for one read with
    /// [`DateTimePattern::parse_lenient`]; `None` for a valid one.
    #[must_use]
    pub fn problem(&self) -> Option<&PatternError> {
        self.problem.as_ref()
    }

    /// The pattern text this was compiled from, for messages and serialisation.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.pattern
    }

    /// `dt` written in this pattern, as the Pact date/time generators need.
    /// Numbers are zero-padded to the number of letters, names are English, and
    /// what is written is what [`DateTimePattern::matches`] accepts wherever
    /// pact-reference can accept it: `S` truncates the nanoseconds to its
    /// number of digits, `z` writes `GMT` for a zero offset (`GMT+hh:mm`
    /// otherwise, which no abbreviation check accepts), `VV` writes `Etc/UTC`
    /// for a zero offset, `ZZZZZ` writes `+00:00` rather than `Z`, and `e`/`c`
    /// write the ISO day of the week (Monday is 1). An invalid pattern writes
    /// nothing.
    #[must_use]
    pub fn format(&self, dt: &DateTime) -> String {
        let mut out = String::new();
        for token in &self.tokens {
            match token {
                Token::Literal(text) => out.push_str(text),
                Token::Field { letter, count } => format_field(&mut out, *letter, *count, dt),
            }
        }
        out
    }
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

fn format_field(out: &mut String, letter: u8, count: usize, dt: &DateTime) {
    let year = i64::from(dt.year);
    let month = i64::from(dt.month);
    let hour = i64::from(dt.hour);
    let day_of_week = i64::from(dt.day_of_week());
    let nanos_of_day = hour
        .saturating_mul(3600)
        .saturating_add(i64::from(dt.minute).saturating_mul(60))
        .saturating_add(i64::from(dt.second))
        .saturating_mul(1_000_000_000)
        .saturating_add(i64::from(dt.nanosecond));
    match letter {
        b'G' => out.push_str(if year <= 0 { "BC" } else { "AD" }),
        b'y' | b'Y' => {
            let year_of_era = if year <= 0 { 1 - year } else { year };
            if count == 2 {
                push_padded(out, year_of_era.rem_euclid(100), 2);
            } else {
                push_padded(out, year_of_era, count);
            }
        }
        b'u' => {
            if count == 2 {
                push_padded(out, year.rem_euclid(100), 2);
            } else {
                if year < 0 {
                    out.push('-');
                }
                push_padded(out, year.abs(), count);
            }
        }
        b'M' => match count {
            1 | 2 => push_padded(out, month, count),
            3 => push_name(out, &MONTHS_SHORT, month),
            _ => push_name(out, &MONTHS_FULL, month),
        },
        b'L' => push_padded(out, month, count.min(2)),
        b'd' => push_padded(out, i64::from(dt.day), count),
        b'D' => push_padded(out, dt.day_of_year(), count),
        b'E' => {
            let names: &[&str] = if count >= 4 { &DAYS_FULL } else { &DAYS_SHORT };
            push_name(out, names, day_of_week);
        }
        b'e' | b'c' => match count {
            1 | 2 => push_padded(out, day_of_week, 1),
            3 => push_name(out, &DAYS_SHORT, day_of_week),
            _ => push_name(out, &DAYS_FULL, day_of_week),
        },
        b'a' => out.push_str(if hour < 12 { "AM" } else { "PM" }),
        b'H' => push_padded(out, hour, count),
        b'k' => push_padded(out, if hour == 0 { 24 } else { hour }, count),
        b'K' => push_padded(out, hour % 12, count),
        b'h' => push_padded(out, if hour % 12 == 0 { 12 } else { hour % 12 }, count),
        b'm' => push_padded(out, i64::from(dt.minute), count),
        b's' => push_padded(out, i64::from(dt.second), count),
        b'S' => {
            let nanos = format!("{:09}", dt.nanosecond);
            out.extend(nanos.chars().chain(std::iter::repeat('0')).take(count));
        }
        b'n' => push_padded(out, i64::from(dt.nanosecond), count),
        b'A' => push_padded(out, nanos_of_day / 1_000_000, count),
        b'N' => push_padded(out, nanos_of_day, count),
        b'z' => {
            out.push_str("GMT");
            if dt.offset_minutes != 0 {
                push_offset(out, dt.offset_minutes, true, false);
            }
        }
        b'V' => {
            if dt.offset_minutes == 0 {
                out.push_str("Etc/UTC");
            } else {
                out.push_str("Etc/GMT");
                push_offset(out, -dt.offset_minutes, false, true);
            }
        }
        b'O' => {
            out.push_str("GMT");
            push_offset(out, dt.offset_minutes, true, count < 4);
        }
        b'Z' => match count {
            1..=3 => push_offset(out, dt.offset_minutes, false, false),
            4 => {
                out.push_str("GMT");
                if dt.offset_minutes != 0 {
                    push_offset(out, dt.offset_minutes, true, false);
                }
            }
            _ => push_offset(out, dt.offset_minutes, true, false),
        },
        b'X' | b'x' => {
            if letter == b'X' && dt.offset_minutes == 0 {
                out.push('Z');
            } else {
                push_offset(out, dt.offset_minutes, count == 3 || count == 5, count == 1);
            }
        }
        b'w' => push_padded(out, dt.iso_week(), count),
        b'W' => push_padded(out, dt.week_of_month(), count),
        b'F' => push_padded(out, (i64::from(dt.day) - 1).div_euclid(7) + 1, count),
        b'Q' | b'q' => {
            let quarter = (month - 1).div_euclid(3) + 1;
            match count {
                1 | 2 => push_padded(out, quarter, count),
                3 if letter == b'Q' => push_name(out, &QUARTERS_SHORT, quarter),
                _ if letter == b'Q' => push_name(out, &QUARTERS_FULL, quarter),
                _ => push_padded(out, quarter, 2),
            }
        }
        _ => {}
    }
}

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
pub(super) mod tests {
    use super::*;
    use crate::datetime::test_support::{dt, pattern, XorShift};

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
            ("G GGGG u k K e eee c", "AD AD 2023 10 10 3 Wed 3"),
            ("M/d/y H", "7/19/2023 10"),
            ("X xx xxx XXXXX ZZZZ", "+10 +1000 +10:00 +10:00 GMT+10:00"),
        ];
        for (text, expected) in cases {
            assert_eq!(pattern(text).format(&value), expected, "pattern '{text}'");
        }
        let utc = dt(2024, 1, 1, 0, 0, 0, 0, 0);
        let cases = [
            ("x xx xxx X XX XXX", "+00 +0000 +00:00 Z Z Z"),
            (
                "Z ZZZZ ZZZZZ z VV O OOOO",
                "+0000 GMT +00:00 GMT Etc/UTC GMT+00 GMT+00:00",
            ),
            ("hh a k A N", "12 AM 24 0 0"),
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

    pub(crate) const ROUND_TRIP_PATTERNS: [&str; 22] = [
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
        "yyyy-M-d H:m:s",
        "d.M.yyyy H:m:s.S",
        "yyyy-DDD",
        "G yyyy QQQ QQQQ Q",
        "kk:mm KK:mm a",
        "yyyy-MM-dd'T'HH:mm:ssX",
        "yyyy-MM-dd'T'HH:mm:ssxx",
        "uuuu-MM-dd'T'HH:mm:ss.nnnnnnnnnZZZZZ O",
        "YYYY-'W'ww-e",
        "LLL LLLL ZZZZ",
        "'Date: 'yyyy-MM-dd' Time: 'HH'h'mm",
        "EEE yyyy-D A N eee",
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
            // Instants between year 1 and 9999, with offsets up to ±11:45 (the
            // reference refuses offsets of 12 hours and more).
            let secs = -62_135_596_800 + i64::try_from(rng.below(315_537_897_599)).unwrap();
            let nanos = u32::try_from(rng.below(1_000_000_000)).unwrap();
            let offset = i32::try_from(rng.below(23 * 4 + 1)).unwrap() * 15 - (11 * 60 + 45);
            let value = DateTime::from_unix(secs, nanos);
            values.push(DateTime {
                offset_minutes: offset,
                ..value
            });
        }
        for text in ROUND_TRIP_PATTERNS {
            let p = pattern(text);
            // The reference refuses days of the year past 356 and `z` takes
            // only an abbreviation (`GMT` for a zero offset).
            let readable = |v: &DateTime| {
                (!text.contains('D') || v.day_of_year() <= 356)
                    && (!text.contains('z') || v.offset_minutes == 0)
            };
            for value in values.iter().filter(|v| readable(v)) {
                let formatted = p.format(value);
                assert!(
                    p.matches(&formatted),
                    "'{formatted}' (from {value:?}) should match '{text}'"
                );
            }
        }
    }

    #[test]
    fn what_the_reference_cannot_read_back() {
        // Written at full width, these are refused by pact-reference's reader,
        // so by `matches` too: `y` takes one digit, `F` is 0-4, `W` 1-5, `D`
        // at most 356, offsets at most 11 hours, and `z` only abbreviations.
        let value = dt(2024, 12, 31, 10, 0, 0, 0, 12 * 60);
        for text in ["y", "F", "W", "D", "XXX", "Z", "z", "VV"] {
            let p = pattern(text);
            assert!(!p.matches(&p.format(&value)), "'{text}'");
        }
        let utc = DateTime {
            offset_minutes: 0,
            ..value
        };
        for text in ["yyyy", "XXX", "Z", "z", "VV", "O"] {
            let p = pattern(text);
            assert!(p.matches(&p.format(&utc)), "'{text}'");
        }
    }

    #[test]
    fn pattern_errors() {
        let err = DateTimePattern::parse("yyyy-MM-bb").unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid date/time pattern 'yyyy-MM-bb': unknown pattern letter 'b' at position 8"
        );
        assert_eq!(err.reason(), "unknown pattern letter 'b' at position 8");
        let err = DateTimePattern::parse("yyyy-MM-dd'T").unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid date/time pattern 'yyyy-MM-dd'T': unterminated quote at position 10"
        );
        for bad in [
            "'''",
            "HH:mm:ss.fff",
            "",
            "aa",
            "ddd",
            "HHH",
            "MMMMMM",
            "XXXXXX",
            "cc",
            "qqq",
            "OOOOO",
            "VVV",
            "zzzzz",
            "yyyy[-MM]",
            "yyyy{MM}",
            "HH1",
            "T",
        ] {
            assert!(DateTimePattern::parse(bad).is_err(), "'{bad}'");
        }
        for good in [
            "VV",
            "DDDD",
            "SSSSSSSSSSSS",
            "nnn",
            "A",
            "N",
            "yyyy#MM",
            "''",
            "zzzz",
        ] {
            assert!(DateTimePattern::parse(good).is_ok(), "'{good}'");
        }
        let err = DateTimePattern::parse("XXXXXX").unwrap_err();
        assert!(
            err.to_string().contains("too many pattern letters 'X'"),
            "{err}"
        );
        let boxed: Box<dyn std::error::Error> = Box::new(err);
        assert!(boxed
            .to_string()
            .starts_with("invalid date/time pattern 'XXXXXX'"));
        // Lenient reading keeps the problem instead.
        let lenient = DateTimePattern::parse_lenient("b");
        assert_eq!(lenient.as_str(), "b");
        assert!(!lenient.matches("1"));
        assert_eq!(
            lenient.check("1").unwrap_err(),
            "unknown pattern letter 'b' at position 0"
        );
        assert!(DateTimePattern::parse_lenient("yyyy").problem().is_none());
    }

    #[test]
    fn quotes_read_as_in_the_reference() {
        let nine = dt(2024, 1, 1, 9, 0, 0, 0, 0);
        assert_eq!(pattern("'o''clock' HH").format(&nine), "o'clock 09");
        assert_eq!(pattern("''HH''").format(&nine), "'09'");
        assert_eq!(pattern("''''").format(&nine), "'");
    }
}
