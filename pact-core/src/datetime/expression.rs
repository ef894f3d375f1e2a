//! The generator expression language (`today + 1 day @ noon`).

use super::calendar::*;
use super::DateTime;
use std::fmt;

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
    use crate::datetime::test_support::dt;

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
}
