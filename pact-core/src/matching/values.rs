//! One matching rule applied to one value: a JSON value, a header or query value (string
//! form, where numbers and booleans may be coerced), or raw bytes.

use crate::datetime::DateTimePattern;
use crate::rules::{MatchingRule, RuleList, RuleLogic};
use serde_json::Value;

/// `'text' (String)`, `100 (Integer)`, `1.5 (Decimal)`, `[1] (Array)`... as the reference
/// implementation describes values in mismatches.
pub(crate) fn describe(v: &Value) -> String {
    match v {
        Value::String(s) => format!("'{s}' (String)"),
        Value::Number(n) if n.is_f64() => format!("{n} (Decimal)"),
        Value::Number(n) => format!("{n} (Integer)"),
        Value::Bool(b) => format!("{b} (Boolean)"),
        Value::Null => "null (Null)".into(),
        Value::Array(_) => format!("{v} (Array)"),
        Value::Object(_) => format!("{v} (Object)"),
    }
}

/// The value as text for rules that look at text (regex, include, dates).
fn text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(_) | Value::Bool(_) => Some(v.to_string()),
        Value::Null => Some(String::new()),
        _ => None,
    }
}

fn quoted(v: &Value) -> String {
    match v {
        Value::String(s) => format!("'{s}'"),
        other => other.to_string(),
    }
}

fn list_text(items: &[Value]) -> String {
    let parts: Vec<String> = items.iter().map(Value::to_string).collect();
    format!("[{}]", parts.join(", "))
}

fn same_type(e: &Value, a: &Value) -> bool {
    std::mem::discriminant(e) == std::mem::discriminant(a)
}

/// Checks `actual` against one rule. `from_string` is set for header, query and path values,
/// which are strings on the wire: there `"100"` is a number and `"true"` a boolean.
pub(crate) fn check_rule(
    rule: &MatchingRule,
    expected: &Value,
    actual: &Value,
    from_string: bool,
) -> Result<(), String> {
    let number_text = || match actual {
        Value::String(s) if from_string => Some(s.trim()),
        _ => None,
    };
    match rule {
        MatchingRule::Equality => {
            let equal = match (expected, actual) {
                // Integers compare exactly (ids above 2^53 differ); an integer never equals a
                // decimal, so 1 and 1.0 differ, as in pact-reference.
                (Value::Number(e), Value::Number(a)) => {
                    match (e.as_i64(), a.as_i64(), e.as_u64(), a.as_u64()) {
                        (Some(x), Some(y), _, _) => x == y,
                        (_, _, Some(x), Some(y)) => x == y,
                        _ if e.is_f64() && a.is_f64() => e.as_f64() == a.as_f64(),
                        _ => false,
                    }
                }
                _ => expected == actual,
            };
            if equal {
                Ok(())
            } else {
                Err(format!(
                    "Expected {} to be equal to {}",
                    describe(actual),
                    describe(expected)
                ))
            }
        }
        MatchingRule::Regex(p) => {
            // A null is matched as its JSON text, `null`, as pact-reference does.
            let value = if actual.is_null() {
                Some("null".to_string())
            } else {
                text(actual)
            };
            match value {
                Some(s) if p.is_match(&s) => Ok(()),
                _ => Err(format!(
                    "Expected {} to match '{}'",
                    quoted(actual),
                    p.as_str()
                )),
            }
        }
        MatchingRule::Type => {
            if same_type(expected, actual) || (from_string && actual.is_string()) {
                Ok(())
            } else {
                Err(format!(
                    "Expected {} to be the same type as {}",
                    describe(actual),
                    describe(expected)
                ))
            }
        }
        MatchingRule::MinType(min) => {
            check_rule(&MatchingRule::Type, expected, actual, from_string)?;
            check_size(actual, Some(*min), None)
        }
        MatchingRule::MaxType(max) => {
            check_rule(&MatchingRule::Type, expected, actual, from_string)?;
            check_size(actual, None, Some(*max))
        }
        MatchingRule::MinMaxType(min, max) => {
            check_rule(&MatchingRule::Type, expected, actual, from_string)?;
            check_size(actual, Some(*min), Some(*max))
        }
        MatchingRule::Include(s) => match text(actual) {
            Some(t) if t.contains(s.as_str()) => Ok(()),
            _ => Err(format!("Expected {} to include '{s}'", quoted(actual))),
        },
        MatchingRule::Integer => {
            let ok = match actual {
                Value::Number(n) => n.is_i64() || n.is_u64(),
                _ => number_text().is_some_and(|s| s.parse::<i128>().is_ok()),
            };
            ok.then_some(())
                .ok_or_else(|| format!("Expected {} to be an integer", describe(actual)))
        }
        MatchingRule::Decimal => {
            let ok = match actual {
                Value::Number(n) => n.is_f64(),
                _ => number_text().is_some_and(|s| s.contains('.') && s.parse::<f64>().is_ok()),
            };
            ok.then_some(())
                .ok_or_else(|| format!("Expected {} to be a decimal number", describe(actual)))
        }
        MatchingRule::Number => {
            let ok = match actual {
                Value::Number(_) => true,
                _ => number_text().is_some_and(|s| s.parse::<f64>().is_ok_and(f64::is_finite)),
            };
            ok.then_some(())
                .ok_or_else(|| format!("Expected {} to be a number", describe(actual)))
        }
        MatchingRule::Timestamp(p) => check_pattern(p, "timestamp", actual),
        MatchingRule::Date(p) => check_pattern(p, "date", actual),
        MatchingRule::Time(p) => check_pattern(p, "time", actual),
        MatchingRule::Null => {
            let ok = actual.is_null() || (from_string && actual.as_str() == Some("null"));
            ok.then_some(())
                .ok_or_else(|| format!("Expected {} to be a null value", describe(actual)))
        }
        MatchingRule::Boolean => {
            // The V4 specification: "a boolean value, or the string values true and false".
            let ok = actual.is_boolean() || matches!(actual.as_str(), Some("true" | "false"));
            ok.then_some(())
                .ok_or_else(|| format!("Expected {} to match a boolean", describe(actual)))
        }
        MatchingRule::ContentType(ct) => match actual {
            Value::String(s) => check_bytes(rule, s.as_bytes(), ""),
            _ => Err(format!(
                "Expected {} to have content type '{ct}'",
                describe(actual)
            )),
        },
        MatchingRule::NotEmpty => {
            let empty = match actual {
                Value::String(s) => s.is_empty(),
                Value::Array(a) => a.is_empty(),
                Value::Object(o) => o.is_empty(),
                Value::Null => true,
                _ => false,
            };
            if empty {
                Err(format!("Expected {} to not be empty", describe(actual)))
            } else {
                Ok(())
            }
        }
        MatchingRule::Semver => match actual {
            Value::String(s) if is_semver(s) => Ok(()),
            other => Err(format!("{} is not a valid semantic version", quoted(other))),
        },
        MatchingRule::StatusCode(class) => {
            match actual.as_u64().and_then(|n| u16::try_from(n).ok()) {
                Some(status) if class.contains(status) => Ok(()),
                _ => Err(format!(
                    "Expected status code {} to be {class}",
                    text(actual).unwrap_or_default()
                )),
            }
        }
        // Structural rules act where the structure is walked; on a single value they pass.
        MatchingRule::Values
        | MatchingRule::ArrayContains(_)
        | MatchingRule::EachKey(_)
        | MatchingRule::EachValue(_) => Ok(()),
    }
}

fn check_size(actual: &Value, min: Option<usize>, max: Option<usize>) -> Result<(), String> {
    let Value::Array(items) = actual else {
        return Ok(());
    };
    let n = items.len();
    if let Some(min) = min.filter(|m| n < *m) {
        return Err(format!(
            "Expected {} (size {n}) to have minimum size of {min}",
            list_text(items)
        ));
    }
    if let Some(max) = max.filter(|m| n > *m) {
        return Err(format!(
            "Expected {} (size {n}) to have maximum size of {max}",
            list_text(items)
        ));
    }
    Ok(())
}

/// As in pact-reference, a value that is not a string is matched as its JSON
/// text (`null` as the empty string).
fn check_pattern(p: &DateTimePattern, what: &str, actual: &Value) -> Result<(), String> {
    let text = match actual {
        Value::String(s) => std::borrow::Cow::Borrowed(s.as_str()),
        Value::Null => std::borrow::Cow::Borrowed(""),
        other => std::borrow::Cow::Owned(other.to_string()),
    };
    p.check(&text).map_err(|reason| {
        format!(
            "Expected '{text}' to match a {what} pattern of '{}': {reason}",
            p.as_str()
        )
    })
}

/// Semantic Versioning 2.0.0: `MAJOR.MINOR.PATCH[-pre][+build]`, no leading zeros: what
/// the `semver` rule accepts.
///
/// ```
/// use pact_core::matching::is_semver;
/// assert!(is_semver("1.2.3-rc.1+build.5"));
/// assert!(!is_semver("1.02.3"));
/// ```
pub fn is_semver(s: &str) -> bool {
    let (core, build) = match s.split_once('+') {
        Some((c, b)) => (c, Some(b)),
        None => (s, None),
    };
    let (core, pre) = match core.split_once('-') {
        Some((c, p)) => (c, Some(p)),
        None => (core, None),
    };
    let numeric = |p: &str| {
        !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) && (p == "0" || !p.starts_with('0'))
    };
    let ident =
        |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
    let parts: Vec<&str> = core.split('.').collect();
    parts.len() == 3
        && parts.iter().all(|p| numeric(p))
        && pre.is_none_or(|p| {
            p.split('.')
                .all(|i| ident(i) && (!i.bytes().all(|b| b.is_ascii_digit()) || numeric(i)))
        })
        && build.is_none_or(|b| b.split('.').all(ident))
}

/// Checks raw bytes (a binary body) against one rule.
pub(crate) fn check_bytes(
    rule: &MatchingRule,
    actual: &[u8],
    expected_ct: &str,
) -> Result<(), String> {
    match rule {
        MatchingRule::ContentType(ct) => {
            let detected = crate::content_type::detect(actual);
            match detected {
                Some(d) if crate::content_type::is_compatible(ct, d) => Ok(()),
                _ => Err(format!(
                    "Expected binary contents to have content type '{ct}' but detected contents was '{}'",
                    detected.unwrap_or("unknown")
                )),
            }
        }
        MatchingRule::NotEmpty => {
            if actual.is_empty() {
                Err("Expected [] (0 bytes) to not be empty".to_string())
            } else {
                Ok(())
            }
        }
        MatchingRule::Type
        | MatchingRule::MinType(_)
        | MatchingRule::MaxType(_)
        | MatchingRule::MinMaxType(..) => Ok(()),
        other => match std::str::from_utf8(actual) {
            Ok(s) => check_rule(
                other,
                &Value::String(String::new()),
                &Value::String(s.to_string()),
                true,
            ),
            Err(_) => Err(format!(
                "Expected binary contents [{expected_ct}, {} bytes] to match {}",
                actual.len(),
                other.to_json()
            )),
        },
    }
}

/// Applies a rule list with its AND/OR logic; returns the failure descriptions.
pub(crate) fn check_list(
    list: &RuleList,
    mut check: impl FnMut(&MatchingRule) -> Result<(), String>,
) -> Vec<String> {
    let mut errors = Vec::new();
    for rule in &list.rules {
        match check(rule) {
            Ok(()) if list.logic == RuleLogic::Or => return Vec::new(),
            Ok(()) => {}
            Err(e) => errors.push(e),
        }
    }
    errors
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn semver() {
        for ok in [
            "1.0.0",
            "0.0.1",
            "1.2.3-alpha.1",
            "1.2.3+build.5",
            "10.20.30-rc.1+x",
        ] {
            assert!(is_semver(ok), "{ok}");
        }
        for bad in ["1.0", "1.0abc", "01.0.0", "1.0.0-", "1.0.0-01", "", "a.b.c"] {
            assert!(!is_semver(bad), "{bad}");
        }
    }

    #[test]
    fn descriptions_use_the_reference_wording() {
        let e = |r: MatchingRule, a: Value| check_rule(&r, &json!("a"), &a, false).unwrap_err();
        assert_eq!(
            e(MatchingRule::Number, json!(true)),
            "Expected true (Boolean) to be a number"
        );
        assert_eq!(
            e(MatchingRule::Integer, json!(100.1)),
            "Expected 100.1 (Decimal) to be an integer"
        );
        assert_eq!(
            e(MatchingRule::Decimal, json!(100)),
            "Expected 100 (Integer) to be a decimal number"
        );
        assert_eq!(
            e(MatchingRule::Null, json!("")),
            "Expected '' (String) to be a null value"
        );
        assert_eq!(
            e(MatchingRule::Type, json!(100)),
            "Expected 100 (Integer) to be the same type as 'a' (String)"
        );
        assert_eq!(
            check_rule(
                &MatchingRule::MaxType(4),
                &json!([1]),
                &json!([1, 2, 3, 4, 5]),
                false
            )
            .unwrap_err(),
            "Expected [1, 2, 3, 4, 5] (size 5) to have maximum size of 4"
        );
    }

    #[test]
    fn strings_coerce_only_from_headers_and_queries() {
        assert!(check_rule(&MatchingRule::Integer, &json!(1), &json!("100"), true).is_ok());
        assert!(check_rule(&MatchingRule::Integer, &json!(1), &json!("100"), false).is_err());
        assert!(check_rule(&MatchingRule::Decimal, &json!(1.0), &json!("100.2"), true).is_ok());
        assert!(check_rule(&MatchingRule::Decimal, &json!(1.0), &json!("100"), true).is_err());
    }
}
