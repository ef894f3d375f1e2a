//! Date/time pattern verdicts against those measured with pact-reference's
//! verifier (`PACT_REF_VERDICTS` points at the full measurement table).

use pact_core::datetime::{
    DateTimePattern, DEFAULT_DATE_PATTERN, DEFAULT_TIMESTAMP_PATTERN, DEFAULT_TIME_PATTERN,
};
use serde_json::Value;

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
