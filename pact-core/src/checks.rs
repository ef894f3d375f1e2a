//! The invariants of matchers and generators, each written once.
//!
//! `#[pact_interaction]` calls these at compile time on the literals it is given, the
//! consumer builder (`pact_runtime::consumer::matchers`) calls them when a test builds its
//! terms, and the generators call them on what a pact file holds; all three print the
//! [`CheckError`] as it is, so a mistake reads the same wherever it is made.
//!
//! ```
//! use pact_core::checks;
//! assert!(checks::regex_example(r"\d+", "123").is_ok());
//! assert_eq!(
//!     checks::regex_example(r"\d+", "abc").unwrap_err().to_string(),
//!     "the example \"abc\" does not match the regex `\\d+`",
//! );
//! ```

use crate::datetime::DateTimePattern;
use crate::rules::{Pattern, StatusClass};
use std::fmt::Display;

/// The HTTP methods a consumer's request may use.
pub const METHODS: &[&str] = &[
    "GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH",
];

/// Why a matcher's or generator's arguments cannot make a pact.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CheckError {
    /// The regex does not compile.
    #[error("invalid regex: {message}")]
    InvalidRegex {
        /// The regex as written (the parser's message shows it too).
        regex: String,
        /// What the regex parser said.
        message: String,
    },
    /// The regex compiles but does not match its example (the whole of it).
    #[error("the example {example:?} does not match the regex `{regex}`")]
    RegexMismatch {
        /// The regex as written.
        regex: String,
        /// The example.
        example: String,
    },
    /// No string can be generated from the regex (a look-around, a back-reference...).
    #[error("cannot generate values from the regex `{regex}`: {message}")]
    RegexNotGenerable {
        /// The regex as written.
        regex: String,
        /// Why not.
        message: String,
    },
    /// A date, time or date-time format that is not a valid pattern.
    #[error("invalid {kind} format: {message}")]
    InvalidFormat {
        /// `date`, `time` or `datetime`.
        kind: String,
        /// The format as written.
        format: String,
        /// What the pattern parser said.
        message: String,
    },
    /// The format is valid but its example does not match it.
    #[error("the example {example:?} does not match the {kind} format {format:?}")]
    FormatMismatch {
        /// `date`, `time` or `datetime`.
        kind: String,
        /// The format as written.
        format: String,
        /// The example.
        example: String,
    },
    /// A number with a fractional part or an exponent where an integer is needed
    /// (`integer(1.5)`).
    #[error("{what} needs an integer, found `{found}`")]
    NotAnInteger {
        /// The matcher or generator that needs it.
        what: String,
        /// The number as written.
        found: String,
    },
    /// An integer outside what its position can hold.
    #[error("{what}: {value} is not within {min}..={max}")]
    OutOfRange {
        /// The matcher or generator that needs it.
        what: String,
        /// The integer.
        value: String,
        /// The least allowed.
        min: String,
        /// The greatest allowed.
        max: String,
    },
    /// NaN or an infinity, which JSON cannot hold.
    #[error("{value} is not a finite number")]
    NotFinite {
        /// The number as written or printed.
        value: String,
    },
    /// Bounds the wrong way round.
    #[error("{what}: min ({min}) is greater than max ({max})")]
    MinGreaterThanMax {
        /// The matcher or generator with the bounds.
        what: String,
        /// The lower bound.
        min: String,
        /// The upper bound.
        max: String,
    },
    /// An array of at most zero elements, which leaves no example.
    #[error("{what}: max must be at least 1")]
    ZeroMax {
        /// The matcher.
        what: String,
    },
    /// A random value of no digits.
    #[error("{what}: needs at least one digit")]
    ZeroDigits {
        /// The matcher or generator.
        what: String,
    },
    /// A status code outside 100..=599 (or not a number).
    #[error("status {code} is not within 100..=599")]
    Status {
        /// The status as written.
        code: String,
    },
    /// A status code outside the class a `statusCode` rule names.
    #[error("status {code} is not in the class {class}")]
    StatusNotInClass {
        /// The status.
        code: u16,
        /// The class, by its name (`ClientError`) or its codes (`[200, 201]`).
        class: String,
    },
    /// A method that is not one of [`METHODS`].
    #[error("unknown HTTP method `{method}`; expected one of: {}", METHODS.join(", "))]
    Method {
        /// The method as written.
        method: String,
    },
    /// A `semver` example that is not a semantic version.
    #[error("{example:?} is not a semantic version (such as \"1.2.3\")")]
    Semver {
        /// The example.
        example: String,
    },
}

/// Compiles `regex` as a `regex` rule does (anchored at both ends).
///
/// ```
/// use pact_core::checks::regex;
/// assert!(regex(r"\d+").is_ok());
/// assert!(regex("(").unwrap_err().to_string().starts_with("invalid regex: regex parse error"));
/// ```
pub fn regex(regex: &str) -> Result<Pattern, CheckError> {
    Pattern::new(regex).map_err(|e| CheckError::InvalidRegex {
        regex: regex.to_string(),
        message: e.to_string(),
    })
}

/// Compiles `regex` and checks that it matches the whole of `example`.
///
/// ```
/// use pact_core::checks::regex_example;
/// assert!(regex_example(r"/builds/\d+", "/builds/3455").is_ok());
/// assert!(regex_example(r"/builds/\d+", "/builds/latest").is_err());
/// ```
pub fn regex_example(regex_src: &str, example: &str) -> Result<Pattern, CheckError> {
    let pattern = regex(regex_src)?;
    if !pattern.is_match(example) {
        return Err(CheckError::RegexMismatch {
            regex: regex_src.to_string(),
            example: example.to_string(),
        });
    }
    Ok(pattern)
}

/// Checks that a `Regex` generator can produce strings from `regex`.
///
/// ```
/// use pact_core::checks::generable_regex;
/// assert!(generable_regex(r"[a-z]{3}\d").is_ok());
/// assert!(generable_regex(r"(a)\1").is_err());
/// ```
pub fn generable_regex(regex: &str) -> Result<(), CheckError> {
    // A fixed seed: whether a regex can generate does not depend on the draw.
    let mut rng = fastrand::Rng::with_seed(0);
    crate::generators::regex_string::generate(regex, &mut rng)
        .map(drop)
        .map_err(|e| CheckError::RegexNotGenerable {
            regex: regex.to_string(),
            message: e.to_string(),
        })
}

/// Parses a Java-style `format` for a `kind` (`date`, `time` or `datetime`) rule and checks
/// that `example` matches it.
///
/// ```
/// use pact_core::checks::datetime_example;
/// assert!(datetime_example("date", "yyyy-MM-dd", "2026-11-25").is_ok());
/// assert_eq!(
///     datetime_example("time", "HH:mm", "10:00:00").unwrap_err().to_string(),
///     "the example \"10:00:00\" does not match the time format \"HH:mm\"",
/// );
/// ```
pub fn datetime_example(
    kind: &str,
    format: &str,
    example: &str,
) -> Result<DateTimePattern, CheckError> {
    let pattern = DateTimePattern::parse(format).map_err(|e| CheckError::InvalidFormat {
        kind: kind.to_string(),
        format: format.to_string(),
        message: e.to_string(),
    })?;
    if !pattern.matches(example) {
        return Err(CheckError::FormatMismatch {
            kind: kind.to_string(),
            format: format.to_string(),
            example: example.to_string(),
        });
    }
    Ok(pattern)
}

/// Reads a number written in decimal (`123`, `-4`, `1.5`, `1e3`) as an integer within
/// `min..=max`, for `what` (a matcher or generator name); `1.5` is refused, as is a number
/// out of range.
///
/// ```
/// use pact_core::checks::integer;
/// assert_eq!(integer("integer", "-12", i64::MIN.into(), i64::MAX.into()), Ok(-12));
/// assert_eq!(
///     integer("integer", "1.5", i64::MIN.into(), i64::MAX.into()).unwrap_err().to_string(),
///     "integer needs an integer, found `1.5`",
/// );
/// ```
pub fn integer(what: &str, written: &str, min: i128, max: i128) -> Result<i128, CheckError> {
    let Ok(value) = written.parse::<i128>() else {
        return Err(CheckError::NotAnInteger {
            what: what.to_string(),
            found: written.to_string(),
        });
    };
    if value < min || value > max {
        return Err(CheckError::OutOfRange {
            what: what.to_string(),
            value: value.to_string(),
            min: min.to_string(),
            max: max.to_string(),
        });
    }
    Ok(value)
}

/// Checks that a `decimal` or `number` example is a number JSON can hold.
///
/// ```
/// use pact_core::checks::finite;
/// assert_eq!(finite(1.5), Ok(1.5));
/// assert_eq!(finite(f64::NAN).unwrap_err().to_string(), "NaN is not a finite number");
/// ```
pub fn finite(value: f64) -> Result<f64, CheckError> {
    if value.is_finite() {
        Ok(value)
    } else {
        Err(CheckError::NotFinite {
            value: value.to_string(),
        })
    }
}

/// Checks that bounds are the right way round (`each_like`'s lengths, `RandomInt`'s range).
///
/// ```
/// use pact_core::checks::min_max;
/// assert!(min_max("random_int", 1, 9).is_ok());
/// assert_eq!(
///     min_max("random_int", 9, 1).unwrap_err().to_string(),
///     "random_int: min (9) is greater than max (1)",
/// );
/// ```
pub fn min_max<T: PartialOrd + Display>(what: &str, min: T, max: T) -> Result<(), CheckError> {
    if min > max {
        return Err(CheckError::MinGreaterThanMax {
            what: what.to_string(),
            min: min.to_string(),
            max: max.to_string(),
        });
    }
    Ok(())
}

/// Checks that an array's maximum length leaves room for its example's one element.
///
/// ```
/// use pact_core::checks::max_length;
/// assert!(max_length("each_like", 1).is_ok());
/// assert_eq!(max_length("each_like", 0).unwrap_err().to_string(), "each_like: max must be at least 1");
/// ```
pub fn max_length(what: &str, max: usize) -> Result<(), CheckError> {
    if max == 0 {
        return Err(CheckError::ZeroMax {
            what: what.to_string(),
        });
    }
    Ok(())
}

/// Checks that a random decimal or hexadecimal value has at least one digit.
///
/// ```
/// use pact_core::checks::digits;
/// assert!(digits("random_decimal", 4).is_ok());
/// assert_eq!(
///     digits("random_hexadecimal", 0).unwrap_err().to_string(),
///     "random_hexadecimal: needs at least one digit",
/// );
/// ```
pub fn digits(what: &str, digits: usize) -> Result<(), CheckError> {
    if digits == 0 {
        return Err(CheckError::ZeroDigits {
            what: what.to_string(),
        });
    }
    Ok(())
}

/// Checks that `code` is an HTTP status, 100..=599.
///
/// ```
/// use pact_core::checks::status;
/// assert_eq!(status(204), Ok(204));
/// assert_eq!(status(600).unwrap_err().to_string(), "status 600 is not within 100..=599");
/// ```
pub fn status(code: i128) -> Result<u16, CheckError> {
    match u16::try_from(code) {
        Ok(c @ 100..=599) => Ok(c),
        _ => Err(CheckError::Status {
            code: code.to_string(),
        }),
    }
}

/// [`status`] for an example held as JSON (a string or a fraction is refused too).
///
/// ```
/// use pact_core::checks::status_json;
/// assert_eq!(status_json(&serde_json::json!(200)), Ok(200));
/// assert!(status_json(&serde_json::json!("200")).is_err());
/// ```
pub fn status_json(example: &serde_json::Value) -> Result<u16, CheckError> {
    match example.as_i64() {
        Some(code) => status(code.into()),
        None => Err(CheckError::Status {
            code: example.to_string(),
        }),
    }
}

/// The name of a status class as a user writes it: `ClientError`, or `[200, 201]`.
pub fn status_class_name(class: &StatusClass) -> String {
    match class {
        StatusClass::Codes(codes) => format!("{codes:?}"),
        // The variant names are what `status_code(ClientError, ..)` is written with.
        other => format!("{other:?}"),
    }
}

/// The status classes by the names a consumer writes them with, each with its name in a pact.
pub const STATUS_CLASSES: &[(&str, &str)] = &[
    ("Information", "info"),
    ("Success", "success"),
    ("Redirect", "redirect"),
    ("ClientError", "clientError"),
    ("ServerError", "serverError"),
    ("NonError", "nonError"),
    ("Error", "error"),
];

/// The status class named `name` (`ClientError` or, as in a pact, `clientError`).
///
/// ```
/// use pact_core::checks::status_class;
/// use pact_core::rules::StatusClass;
/// assert_eq!(status_class("Success"), Some(StatusClass::Success));
/// assert_eq!(status_class("serverError"), Some(StatusClass::ServerError));
/// assert_eq!(status_class("Teapot"), None);
/// ```
pub fn status_class(name: &str) -> Option<StatusClass> {
    let index = STATUS_CLASSES
        .iter()
        .position(|(ident, pact)| *ident == name || *pact == name)?;
    Some(match index {
        0 => StatusClass::Information,
        1 => StatusClass::Success,
        2 => StatusClass::Redirect,
        3 => StatusClass::ClientError,
        4 => StatusClass::ServerError,
        5 => StatusClass::NonError,
        _ => StatusClass::Error,
    })
}

/// Checks that a `status_code` example belongs to its class.
///
/// ```
/// use pact_core::checks::status_in_class;
/// use pact_core::rules::StatusClass;
/// assert!(status_in_class(404, &StatusClass::ClientError).is_ok());
/// assert_eq!(
///     status_in_class(200, &StatusClass::ClientError).unwrap_err().to_string(),
///     "status 200 is not in the class ClientError",
/// );
/// ```
pub fn status_in_class(code: u16, class: &StatusClass) -> Result<(), CheckError> {
    if !class.contains(code) {
        return Err(CheckError::StatusNotInClass {
            code,
            class: status_class_name(class),
        });
    }
    Ok(())
}

/// Checks an HTTP method, in any case, and gives it upper-cased.
///
/// ```
/// use pact_core::checks::method;
/// assert_eq!(method("get").as_deref(), Ok("GET"));
/// assert!(method("FETCH").unwrap_err().to_string().starts_with("unknown HTTP method `FETCH`"));
/// ```
pub fn method(method: &str) -> Result<String, CheckError> {
    let upper = method.to_ascii_uppercase();
    if !METHODS.contains(&upper.as_str()) {
        return Err(CheckError::Method {
            method: method.to_string(),
        });
    }
    Ok(upper)
}

/// Checks that a `semver` example is a semantic version.
///
/// ```
/// use pact_core::checks::semver;
/// assert!(semver("1.2.3").is_ok());
/// assert!(semver("1.2").is_err());
/// ```
pub fn semver(example: &str) -> Result<(), CheckError> {
    if !crate::matching::is_semver(example) {
        return Err(CheckError::Semver {
            example: example.to_string(),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message<T: std::fmt::Debug>(r: Result<T, CheckError>) -> String {
        r.expect_err("the check should fail").to_string()
    }

    #[test]
    fn regexes_compile_and_match_their_whole_example() {
        assert!(regex(r"[a-z]+").is_ok());
        assert!(message(regex("(")).starts_with("invalid regex: regex parse error:\n    (\n"));
        assert!(regex_example(r"\d+", "123").is_ok());
        assert_eq!(
            message(regex_example(r"\d+", "12a")),
            r#"the example "12a" does not match the regex `\d+`"#
        );
        assert!(message(regex_example("[a-", "a")).contains("[a-"));
    }

    #[test]
    fn generated_regexes_must_be_generable() {
        assert!(generable_regex(r"\d{3}-[a-f]+").is_ok());
        assert!(message(generable_regex(r"(a)\1"))
            .starts_with(r"cannot generate values from the regex `(a)\1`: "));
    }

    #[test]
    fn date_formats_are_valid_and_match_their_example() {
        assert!(
            datetime_example("datetime", "yyyy-MM-dd'T'HH:mm:ss", "2026-11-25T10:00:00").is_ok()
        );
        assert_eq!(
            message(datetime_example("date", "yyyy-MM-dd", "25/11/2026")),
            r#"the example "25/11/2026" does not match the date format "yyyy-MM-dd""#
        );
        assert_eq!(
            message(datetime_example("date", "yyyy-MM-bb", "2026-11-25")),
            "invalid date format: invalid date/time pattern 'yyyy-MM-bb': unknown pattern letter 'b' at position 8"
        );
    }

    #[test]
    fn integers_are_whole_and_in_range() {
        assert_eq!(integer("integer", "42", 0, 100), Ok(42));
        assert_eq!(integer("integer", "-42", -100, 100), Ok(-42));
        assert_eq!(
            message(integer("integer", "1.5", 0, 100)),
            "integer needs an integer, found `1.5`"
        );
        assert_eq!(
            message(integer("integer", "1e3", 0, 100)),
            "integer needs an integer, found `1e3`"
        );
        assert_eq!(
            message(integer("random_string", "-1", 0, 10)),
            "random_string: -1 is not within 0..=10"
        );
    }

    #[test]
    fn decimals_are_finite() {
        assert_eq!(finite(-0.25), Ok(-0.25));
        assert_eq!(message(finite(f64::INFINITY)), "inf is not a finite number");
        assert_eq!(message(finite(f64::NAN)), "NaN is not a finite number");
    }

    #[test]
    fn bounds_are_ordered_and_leave_an_element() {
        assert!(min_max("each_like", 1usize, 1).is_ok());
        assert_eq!(
            message(min_max("each_like", 3usize, 1)),
            "each_like: min (3) is greater than max (1)"
        );
        assert_eq!(
            message(min_max("RandomInt", 10i64, -1)),
            "RandomInt: min (10) is greater than max (-1)"
        );
        assert!(max_length("each_like", 1).is_ok());
        assert_eq!(
            message(max_length("each_like", 0)),
            "each_like: max must be at least 1"
        );
    }

    #[test]
    fn random_values_have_digits() {
        assert!(digits("random_decimal", 1).is_ok());
        assert_eq!(
            message(digits("random_decimal", 0)),
            "random_decimal: needs at least one digit"
        );
    }

    #[test]
    fn statuses_are_http_statuses_of_their_class() {
        assert_eq!(status(100), Ok(100));
        assert_eq!(status(599), Ok(599));
        assert_eq!(message(status(99)), "status 99 is not within 100..=599");
        assert_eq!(message(status(-1)), "status -1 is not within 100..=599");
        assert_eq!(
            message(status(70_000)),
            "status 70000 is not within 100..=599"
        );
        assert_eq!(status_json(&serde_json::json!(404)), Ok(404));
        assert_eq!(
            message(status_json(&serde_json::json!("abc"))),
            "status \"abc\" is not within 100..=599"
        );
        assert!(status_in_class(201, &StatusClass::Success).is_ok());
        assert_eq!(
            message(status_in_class(500, &StatusClass::Codes(vec![200, 201]))),
            "status 500 is not in the class [200, 201]"
        );
        assert_eq!(
            message(status_in_class(200, &StatusClass::ServerError)),
            "status 200 is not in the class ServerError"
        );
    }

    #[test]
    fn methods_are_known_and_upper_cased() {
        for m in METHODS {
            assert_eq!(method(&m.to_ascii_lowercase()).as_deref(), Ok(*m));
        }
        assert_eq!(
            message(method("fetch")),
            "unknown HTTP method `fetch`; expected one of: GET, HEAD, POST, PUT, DELETE, CONNECT, OPTIONS, TRACE, PATCH"
        );
    }

    #[test]
    fn semver_examples_are_versions() {
        assert!(semver("1.2.3-beta.1").is_ok());
        assert_eq!(
            message(semver("1.2")),
            r#""1.2" is not a semantic version (such as "1.2.3")"#
        );
    }
}
