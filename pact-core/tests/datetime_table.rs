//! Date/time pattern verdicts against those measured with pact-reference's
//! verifier (`PACT_REF_VERDICTS` points at the full measurement table).

use pact_core::datetime::{
    DateTimePattern, DEFAULT_DATE_PATTERN, DEFAULT_TIMESTAMP_PATTERN, DEFAULT_TIME_PATTERN,
};
use pact_core::matching::match_response;
use pact_core::model::{read_pact, Response};
use pact_core::{Interaction, SpecVersion};
use serde_json::{json, Value};

/// The value text the matcher sees: a string as is, `null` as the empty
/// string, anything else as its JSON text.
fn text_of(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

fn default_for(matcher: &str) -> &'static str {
    match matcher {
        "date" => DEFAULT_DATE_PATTERN,
        "time" => DEFAULT_TIME_PATTERN,
        _ => DEFAULT_TIMESTAMP_PATTERN,
    }
}

/// Our verdict through the path the matcher uses.
fn verdict(matcher: &str, pattern: &str, value: &str) -> bool {
    let pattern = if pattern.is_empty() {
        default_for(matcher)
    } else {
        pattern
    };
    DateTimePattern::parse_lenient(pattern).matches(value)
}

/// (matcher, pattern (empty: the default), value, pact-reference's verdict),
/// from /tmp/refverdicts/verdicts.tsv.
const TABLE: &[(&str, &str, &str, bool)] = &[
    ("date", "yyyy-MM-dd", "2024-02-03", true),
    ("date", "yyyy-MM-dd", "2024-2-03", true),
    ("time", "HH:mm", "09:05", true),
    ("time", "HH:mm", "9:05", true),
    ("time", "H:m", "9:5", true),
    ("time", "H:m", "09:05", true),
    ("time", "HH:mm:ss.SSS", "10:00:00.123", true),
    ("time", "HH:mm:ss.SSS", "10:00:00.1", true),
    ("time", "HH:mm:ss.S", "10:00:00.1", true),
    ("time", "HH:mm:ss.S", "10:00:00.123", false),
    ("time", "HH:mm:ss.SSSSSS", "10:00:00.123456", true),
    ("time", "HH:mm:ss.SSSSSS", "10:00:00.123", true),
    ("time", "HH:mm:ss.SSSSSSSSS", "10:00:00.123456789", true),
    ("time", "HH:mm:ss.SSSSSSSSS", "10:00:00.1234567891", false),
    ("time", "HH:mm:ss", "10:00:00", true),
    ("time", "HH:mm:ss", "10:00:60", true),
    (
        "timestamp",
        "yyyy-MM-dd'T'HH:mm:ss",
        "2024-01-01T01:02:03",
        true,
    ),
    ("timestamp", "yyyy-MM-dd'T'HH:mm:ss", "2024-1-1T1:2:3", true),
    ("date", "yyyyMMdd", "20240203", true),
    ("date", "yyyyMMdd", "2024213", false),
    ("time", "HHmm", "0905", true),
    ("time", "HHmm", "905", false),
    ("time", "HHmmss", "090500", true),
    ("time", "HHmmss", "90500", false),
    ("date", "d/M/yyyy", "3/2/2024", true),
    ("date", "d/M/yyyy", "03/02/2024", true),
    ("date", "dd/MM/yy", "03/02/24", true),
    ("date", "dd/MM/yy", "03/02/2024", false),
    ("date", "yy", "24", true),
    ("date", "yy", "2024", false),
    ("date", "yyyy", "2024", true),
    ("date", "yyyy", "24", true),
    ("date", "y", "2024", false),
    ("date", "y", "24", false),
    ("date", "yyy", "2024", false),
    ("date", "yyy", "024", true),
    ("date", "uuuu-MM-dd", "2024-01-01", true),
    ("date", "uuuu-MM-dd", "2024-1-1", true),
    ("date", "u", "1", true),
    ("date", "u", "7", true),
    ("date", "YYYY-'W'ww-u", "2024-W01-1", true),
    ("date", "YYYY-'W'ww-u", "2024-W1-1", true),
    ("date", "YYYY-'W'ww-e", "2024-W01-1", true),
    ("date", "YYYY-'W'ww-e", "2024-W01-7", true),
    ("date", "YYYY-ww", "2024-01", true),
    ("date", "YYYY-ww", "2024-1", true),
    ("date", "YYYY-'W'ww", "2024-W05", true),
    ("date", "YYYY-'W'ww", "2024-W5", true),
    ("date", "YYYY", "2024", true),
    ("date", "YYYY", "24", true),
    ("date", "ww", "05", true),
    ("date", "ww", "5", true),
    ("date", "EEE, dd MMM yyyy", "Mon, 01 Jan 2024", true),
    ("date", "EEE, dd MMM yyyy", "Tue, 01 Jan 2024", true),
    (
        "timestamp",
        "EEE, dd MMM yyyy HH:mm:ss z",
        "Mon, 01 Jan 2024 10:00:00 GMT",
        true,
    ),
    (
        "timestamp",
        "EEE, dd MMM yyyy HH:mm:ss z",
        "Tue, 01 Jan 2024 10:00:00 GMT",
        true,
    ),
    ("date", "EEEE", "Monday", true),
    ("date", "EEEE", "Mon", false),
    ("date", "EEE", "Mon", true),
    ("date", "EEE", "Monday", false),
    ("date", "E", "Mon", true),
    ("date", "E", "Monday", false),
    ("date", "EEEEE", "M", false),
    ("date", "EEEEE", "Mon", false),
    (
        "date",
        "EEEE, MMMM d, yyyy",
        "Monday, January 1, 2024",
        true,
    ),
    (
        "date",
        "EEEE, MMMM d, yyyy",
        "Tuesday, January 1, 2024",
        true,
    ),
    ("date", "MMMM", "January", true),
    ("date", "MMMM", "Jan", false),
    ("date", "MMM", "Jan", true),
    ("date", "MMM", "Sep", true),
    ("date", "MMMMM", "J", false),
    ("date", "MMMMM", "Jan", false),
    ("date", "M", "1", true),
    ("date", "M", "01", true),
    ("date", "MM", "01", true),
    ("date", "MM", "1", true),
    ("date", "LLL", "Jan", false),
    ("date", "LLL", "January", false),
    ("date", "LLLL", "January", false),
    ("date", "LLLL", "Jan", false),
    ("date", "L", "1", true),
    ("date", "L", "01", true),
    ("date", "LL", "01", true),
    ("date", "LL", "1", true),
    ("time", "hh:mm a", "09:05 AM", true),
    ("time", "hh:mm a", "09:05 am", true),
    ("time", "h:mm a", "9:05 PM", true),
    ("time", "h:mm a", "09:05 PM", true),
    ("time", "hh:mm", "09:05", true),
    ("time", "hh:mm", "13:05", false),
    ("time", "hh:mm aa", "09:05 AM", false),
    ("time", "a", "AM", true),
    ("time", "a", "PM", true),
    (
        "timestamp",
        "yyyy-MM-dd'T'HH:mm:ssXXX",
        "2024-01-01T10:00:00Z",
        true,
    ),
    (
        "timestamp",
        "yyyy-MM-dd'T'HH:mm:ssXXX",
        "2024-01-01T10:00:00+01:00",
        true,
    ),
    (
        "timestamp",
        "yyyy-MM-dd'T'HH:mm:ss.SSSXXX",
        "2024-01-01T10:00:00.123+01:00",
        true,
    ),
    (
        "timestamp",
        "yyyy-MM-dd'T'HH:mm:ss.SSSXXX",
        "2024-01-01T10:00:00.123Z",
        true,
    ),
    (
        "timestamp",
        "yyyy-MM-dd'T'HH:mm:ssZ",
        "2024-01-01T10:00:00+0100",
        true,
    ),
    (
        "timestamp",
        "yyyy-MM-dd'T'HH:mm:ssZ",
        "2024-01-01T10:00:00Z",
        false,
    ),
    (
        "timestamp",
        "yyyy-MM-dd'T'HH:mm:ssX",
        "2024-01-01T10:00:00Z",
        true,
    ),
    (
        "timestamp",
        "yyyy-MM-dd'T'HH:mm:ssX",
        "2024-01-01T10:00:00+01",
        true,
    ),
    ("timestamp", "X", "Z", true),
    ("timestamp", "X", "+01", true),
    ("timestamp", "XX", "+0100", true),
    ("timestamp", "XX", "Z", true),
    ("timestamp", "XXX", "+01:00", true),
    ("timestamp", "XXX", "Z", true),
    ("timestamp", "XXXX", "+0100", true),
    ("timestamp", "XXXX", "+010000", true),
    ("timestamp", "XXXXX", "+01:00", true),
    ("timestamp", "XXXXX", "+01:00:00", true),
    ("timestamp", "Z", "+0100", true),
    ("timestamp", "Z", "Z", false),
    ("timestamp", "ZZ", "+0100", true),
    ("timestamp", "ZZZ", "+0100", true),
    ("timestamp", "ZZZZ", "GMT+01:00", true),
    ("timestamp", "ZZZZ", "+0100", false),
    ("timestamp", "ZZZZZ", "+01:00", true),
    ("timestamp", "ZZZZZ", "Z", false),
    ("timestamp", "z", "UTC", false),
    ("timestamp", "z", "GMT", true),
    ("timestamp", "zzzz", "Pacific Standard Time", false),
    ("timestamp", "zzzz", "PST", false),
    ("timestamp", "VV", "Europe/London", true),
    ("timestamp", "VV", "Nowhere/City", false),
    ("timestamp", "O", "GMT+1", true),
    ("timestamp", "O", "GMT+01:00", true),
    ("timestamp", "OOOO", "GMT+01:00", true),
    ("timestamp", "OOOO", "GMT+1", false),
    ("timestamp", "x", "+01", true),
    ("timestamp", "x", "+0100", true),
    ("timestamp", "xx", "+0100", true),
    ("timestamp", "xx", "+01:00", false),
    ("timestamp", "xxx", "+01:00", true),
    ("timestamp", "xxx", "Z", false),
    (
        "timestamp",
        "yyyy-MM-dd'T'HH:mm:ss VV",
        "2024-01-01T10:00:00 Europe/London",
        true,
    ),
    (
        "timestamp",
        "yyyy-MM-dd'T'HH:mm:ss z",
        "2024-01-01T10:00:00 UTC",
        false,
    ),
    (
        "timestamp",
        "yyyy-MM-dd'T'HH:mm:ss z",
        "2024-01-01T10:00:00 PST",
        true,
    ),
    ("date", "e", "1", true),
    ("date", "e", "7", true),
    ("date", "ee", "01", false),
    ("date", "ee", "1", true),
    ("date", "eee", "Mon", true),
    ("date", "eee", "1", false),
    ("date", "c", "1", true),
    ("date", "c", "7", true),
    ("date", "ccc", "Mon", false),
    ("time", "n", "123456789", true),
    ("time", "n", "0", true),
    ("time", "HH:mm:ss.n", "10:00:00.5", true),
    ("time", "HH:mm:ss.n", "10:00:00.123456789", true),
    ("time", "N", "1000000", true),
    ("time", "N", "0", true),
    ("time", "A", "1000", true),
    ("time", "A", "0", true),
    ("date", "Q", "1", true),
    ("date", "Q", "3", true),
    ("date", "QQ", "01", true),
    ("date", "QQ", "1", true),
    ("date", "QQQ", "Q1", true),
    ("date", "QQQ", "1", false),
    ("date", "QQQQ", "1st quarter", true),
    ("date", "QQQQ", "Q1", false),
    ("date", "q", "2", true),
    ("date", "q", "5", false),
    ("date", "G", "AD", true),
    ("date", "G", "BC", true),
    ("date", "GGGG", "Anno Domini", false),
    ("date", "GGGG", "AD", true),
    ("date", "yyyy G", "2024 AD", true),
    ("date", "D", "032", true),
    ("date", "D", "32", true),
    ("date", "DDD", "032", true),
    ("date", "DDD", "32", true),
    ("date", "yyyy-DDD", "2024-032", true),
    ("date", "yyyy-DDD", "2024-32", true),
    ("time", "k", "24", true),
    ("time", "k", "0", false),
    ("time", "kk:mm", "24:00", true),
    ("time", "kk:mm", "01:00", true),
    ("time", "K", "0", true),
    ("time", "K", "11", true),
    ("time", "KK:mm a", "11:00 PM", true),
    ("time", "KK:mm a", "00:00 AM", true),
    ("date", "F", "1", true),
    ("date", "F", "5", false),
    ("date", "W", "1", true),
    ("date", "W", "5", true),
    ("date", "w", "5", true),
    ("date", "w", "53", true),
    ("date", "d", "1", true),
    ("date", "d", "01", true),
    ("date", "dd", "01", true),
    ("date", "dd", "1", true),
    ("time", "H", "9", true),
    ("time", "H", "09", true),
    ("time", "m", "5", true),
    ("time", "m", "59", true),
    ("time", "s", "5", true),
    ("time", "s", "60", true),
    ("time", "S", "1", true),
    ("time", "S", "12", false),
    ("time", "SSS", "123", true),
    ("time", "SSS", "12", true),
    ("timestamp", "b", "1", false),
    ("timestamp", "b", "b", false),
    ("timestamp", "B", "1", false),
    ("timestamp", "B", "B", false),
    ("timestamp", "l", "1", false),
    ("timestamp", "l", "l", false),
    ("timestamp", "t", "1", false),
    ("timestamp", "t", "t", false),
    ("timestamp", "p", "1", false),
    ("timestamp", "p", "p", false),
    ("timestamp", "f", "1", false),
    ("timestamp", "f", "f", false),
    ("timestamp", "g", "1", false),
    ("timestamp", "g", "g", false),
    ("timestamp", "j", "1", false),
    ("timestamp", "j", "j", false),
    ("timestamp", "J", "1", false),
    ("timestamp", "J", "J", false),
    ("timestamp", "C", "1", false),
    ("timestamp", "C", "C", false),
    ("timestamp", "I", "1", false),
    ("timestamp", "I", "I", false),
    ("timestamp", "P", "1", false),
    ("timestamp", "P", "P", false),
    ("timestamp", "R", "1", false),
    ("timestamp", "R", "R", false),
    ("timestamp", "T", "1", false),
    ("timestamp", "T", "T", false),
    ("timestamp", "U", "1", false),
    ("timestamp", "U", "U", false),
    ("timestamp", "o", "1", false),
    ("timestamp", "o", "o", false),
    ("timestamp", "r", "1", false),
    ("timestamp", "r", "r", false),
    ("timestamp", "v", "1", false),
    ("timestamp", "v", "v", false),
    ("timestamp", "i", "1", false),
    ("timestamp", "i", "i", false),
    (
        "timestamp",
        "yyyy-MM-dd 'at' HH:mm",
        "2024-01-01 at 10:00",
        true,
    ),
    (
        "timestamp",
        "yyyy-MM-dd 'at' HH:mm",
        "2024-01-01 At 10:00",
        false,
    ),
    ("time", "HH''mm", "10'05", true),
    ("time", "HH''mm", "1005", false),
    ("time", "HH'h'mm", "10h05", true),
    ("time", "'T'HH:mm", "T10:00", true),
    ("date", "yyyy-MM-dd'", "2024-01-01", false),
    ("date", "[yyyy]", "2024", false),
    ("date", "[yyyy]", "[2024]", false),
    ("date", "yyyy[-MM]", "2024", false),
    ("date", "yyyy[-MM]", "2024-01", false),
    ("date", "yyyy#MM", "2024#01", true),
    ("date", "yyyy{MM}", "2024{01}", false),
    ("date", "yyyy.MM.dd", "2024.01.01", true),
    ("date", "yyyy.MM.dd", "2024x01x01", false),
    (
        "timestamp",
        "yyyy-MM-dd'T'HH:mm:ss.SSS'Z'",
        "2024-01-01T10:00:00.123Z",
        true,
    ),
    (
        "timestamp",
        "yyyy-MM-dd'T'HH:mm:ss.SSS'Z'",
        "2024-01-01T10:00:00.123+01:00",
        false,
    ),
    ("time", "HH:mm:ss,SSS", "10:00:00,123", true),
    ("time", "HH:mm:ss,SSS", "10:00:00.123", false),
    ("date", "yyyy-MM-dd EEE", "2024-01-01 Mon", true),
    ("date", "yyyy-MM-dd EEE", "2024-01-01 Tue", true),
    ("date", "", "2024-01-01", true),
    ("date", "", "anything", false),
    ("timestamp", "", "2024-01-01T10:00:00Z", true),
    ("timestamp", "", "2024-01-01T10:00:00Z", true),
    ("timestamp", "", "2024-01-01T10:00:00", false),
    ("time", "", "10:00:00", true),
    ("time", "", "10:00", false),
];

#[test]
fn the_table_agrees_with_the_reference() {
    let wrong: Vec<String> = TABLE
        .iter()
        .filter(|(matcher, pattern, value, expected)| verdict(matcher, pattern, value) != *expected)
        .map(|row| format!("{row:?}"))
        .collect();
    assert!(TABLE.len() >= 80);
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// A response with a body `{"a": .., "b": ..}` and the given body rules.
fn response(body: &Value, rules: &Value) -> Response {
    let pact = json!({
        "consumer": {"name": "C"},
        "provider": {"name": "P"},
        "interactions": [{
            "description": "d",
            "request": {"method": "GET", "path": "/"},
            "response": {
                "status": 200,
                "headers": {"Content-Type": "application/json"},
                "body": body,
                "matchingRules": {"body": rules}
            }
        }],
        "metadata": {"pactSpecification": {"version": "3.0.0"}}
    });
    let pact = read_pact(&pact.to_string(), "t.json").expect("the pact reads");
    match pact.interactions.into_iter().next() {
        Some(Interaction::Http(i)) => i.response,
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_bad_pattern_fails_only_its_rule() {
    let rules = json!({
        "$.a": {"matchers": [{"match": "timestamp", "format": "b"}]},
        "$.b": {"matchers": [{"match": "date", "format": "yyyy-MM-dd"}]}
    });
    let expected = response(&json!({"a": "1", "b": "2024-01-01"}), &rules);
    let actual = response(&json!({"a": "1", "b": "2024-2-3"}), &json!({}));
    let mismatches = match_response(&expected, &actual, SpecVersion::V3);
    assert_eq!(mismatches.len(), 1, "{mismatches:?}");
    assert_eq!(mismatches[0].path, "$.a");
    assert_eq!(
        mismatches[0].description,
        "Expected '1' to match a timestamp pattern of 'b': unknown pattern letter 'b' at position 0"
    );
}

#[test]
fn a_boolean_rule_accepts_the_strings_true_and_false() {
    let rules = json!({"$.a": {"matchers": [{"match": "boolean"}]}});
    let expected = response(&json!({"a": true}), &rules);
    for (value, ok) in [
        ("false", true),
        ("true", true),
        ("True", false),
        ("yes", false),
    ] {
        let actual = response(&json!({"a": value}), &json!({}));
        let mismatches = match_response(&expected, &actual, SpecVersion::V3);
        assert_eq!(mismatches.is_empty(), ok, "{value}: {mismatches:?}");
    }
}

#[test]
fn every_measured_verdict_agrees() {
    let Ok(path) = std::env::var("PACT_REF_VERDICTS") else {
        println!("datetime-reference: skipped (set PACT_REF_VERDICTS to the verdicts.tsv file)");
        return;
    };
    let table = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let (mut passed, mut failed) = (0, Vec::new());
    for line in table.lines().skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        let [matcher, pattern, value, expected, ..] = cols[..] else {
            continue;
        };
        let matcher = matcher.split('[').next().unwrap_or_default();
        if !matches!(matcher, "date" | "time" | "timestamp") {
            continue;
        }
        let pattern = match pattern {
            "(none)" | "(empty)" => "",
            p => p,
        };
        let value: Value = serde_json::from_str(value).unwrap_or_else(|e| panic!("{line}: {e}"));
        let ours = verdict(matcher, pattern, &text_of(&value));
        if ours == (expected == "pass") {
            passed += 1;
        } else {
            failed.push(format!(
                "{matcher} '{pattern}' {value}: expected {expected}"
            ));
        }
    }
    println!(
        "datetime-reference: {passed} passed, {} failed",
        failed.len()
    );
    assert!(failed.is_empty(), "{}", failed.join("\n"));
}
