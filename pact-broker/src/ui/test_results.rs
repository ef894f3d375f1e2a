//! The `testResults` of a published verification, read into one shape for the pact page.
//!
//! The broker keeps `testResults` as posted, and two shapes are in use. The Rust verifiers
//! (ours and pact-reference's) post an array, one entry per interaction:
//! `{interactionId, interactionDescription?, success, mismatches?: [{attribute,
//! identifier?, description}], exceptions?: [{message}]}`. The Ruby pact-provider-verifier
//! posts an object of RSpec examples, several per interaction: `{tests: [{testDescription,
//! status, interactionDescription, interactionProviderState, exception?: {message},
//! differences?: [{description}]}], summary: {testCount, failureCount}}`. Anything else
//! reads as no results.

use super::pact_view::InteractionView;
use serde_json::Value;

/// One interaction's result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TestResult {
    /// The interaction's `_id` (or V4 key) as the verifier reported it.
    pub interaction_id: Option<String>,
    /// The interaction's description as the verifier reported it.
    pub description: Option<String>,
    /// The provider state the verifier named (the Ruby verifier names one).
    pub provider_state: Option<String>,
    /// Whether it passed.
    pub success: bool,
    /// What did not match, and errors that stopped the check.
    pub mismatches: Vec<Mismatch>,
}

/// One mismatch or error, as text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Mismatch {
    /// What was compared: `body`, `status`, `header`, or the Ruby example's description.
    pub attribute: Option<String>,
    /// Where: a body path or a header name.
    pub identifier: Option<String>,
    /// What the verifier said.
    pub text: String,
}

/// The results of one verification.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct TestResults {
    /// Per interaction, in the order reported.
    pub results: Vec<TestResult>,
    /// The Ruby verifier's summary, in words (`6 tests, 2 failed`).
    pub summary: Option<String>,
}

/// The `testResults` value of a verification, whichever shape it has.
pub(crate) fn parse(test_results: Option<&Value>) -> TestResults {
    match test_results {
        Some(Value::Array(entries)) => TestResults {
            results: entries.iter().filter_map(rust_entry).collect(),
            summary: None,
        },
        Some(Value::Object(obj)) => TestResults {
            results: obj
                .get("tests")
                .and_then(Value::as_array)
                .map(|tests| ruby_tests(tests))
                .unwrap_or_default(),
            summary: obj.get("summary").and_then(ruby_summary),
        },
        _ => TestResults::default(),
    }
}

fn string(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Null | Value::String(_) => None,
        other => Some(other.to_string()),
    }
}

/// A mismatch entry: the Rust verifiers' `{attribute, identifier, description}`, or any
/// object with a message-like field, or a string.
fn mismatch(v: &Value) -> Mismatch {
    match v {
        Value::Object(o) => Mismatch {
            attribute: string(o.get("attribute")).or_else(|| string(o.get("type"))),
            identifier: string(o.get("identifier")).or_else(|| string(o.get("path"))),
            text: ["description", "mismatch", "message"]
                .into_iter()
                .find_map(|k| string(o.get(k)))
                .unwrap_or_else(|| v.to_string()),
        },
        other => Mismatch {
            attribute: None,
            identifier: None,
            text: string(Some(other)).unwrap_or_default(),
        },
    }
}

fn rust_entry(entry: &Value) -> Option<TestResult> {
    let o = entry.as_object()?;
    let mut mismatches: Vec<Mismatch> = o
        .get("mismatches")
        .and_then(Value::as_array)
        .map(|m| m.iter().map(mismatch).collect())
        .unwrap_or_default();
    if let Some(Value::Array(exceptions)) = o.get("exceptions") {
        mismatches.extend(exceptions.iter().map(|e| Mismatch {
            attribute: Some("error".into()),
            ..mismatch(e)
        }));
    }
    Some(TestResult {
        interaction_id: string(o.get("interactionId")).or_else(|| string(o.get("interactionKey"))),
        description: string(o.get("interactionDescription")),
        provider_state: None,
        success: o
            .get("success")
            .and_then(Value::as_bool)
            .unwrap_or(mismatches.is_empty()),
        mismatches,
    })
}

/// The Ruby verifier's examples, grouped by interaction in the order first seen.
fn ruby_tests(tests: &[Value]) -> Vec<TestResult> {
    let mut out: Vec<TestResult> = Vec::new();
    for test in tests {
        let Some(o) = test.as_object() else { continue };
        let id = string(o.get("interactionId"));
        let description = string(o.get("interactionDescription"));
        let state = string(o.get("interactionProviderState"));
        let passed = matches!(
            o.get("status").and_then(Value::as_str),
            Some("passed" | "pending")
        );
        let at = out.iter().position(|r| {
            r.interaction_id == id && r.description == description && r.provider_state == state
        });
        let result = match at {
            Some(i) => &mut out[i],
            None => {
                out.push(TestResult {
                    interaction_id: id,
                    description,
                    provider_state: state,
                    success: true,
                    mismatches: Vec::new(),
                });
                out.last_mut().expect("just pushed")
            }
        };
        if passed {
            continue;
        }
        result.success = false;
        let example = string(o.get("testDescription"));
        let mut texts: Vec<String> = ["differences", "mismatches"]
            .into_iter()
            .filter_map(|k| o.get(k).and_then(Value::as_array))
            .flatten()
            .map(|d| mismatch(d).text)
            .collect();
        if texts.is_empty() {
            let message = o
                .get("exception")
                .and_then(|e| string(e.get("message")).or_else(|| string(Some(e))))
                .map(|m| strip_ansi(&m).trim().to_string())
                .unwrap_or_else(|| "failed".into());
            texts.push(message);
        }
        result
            .mismatches
            .extend(texts.into_iter().map(|text| Mismatch {
                attribute: example.clone(),
                identifier: None,
                text,
            }));
    }
    out
}

fn ruby_summary(summary: &Value) -> Option<String> {
    let count = summary.get("testCount")?.as_u64()?;
    let failed = summary
        .get("failureCount")
        .and_then(Value::as_u64)
        .unwrap_or(0);
    Some(format!(
        "{count} test{}, {failed} failed",
        if count == 1 { "" } else { "s" }
    ))
}

/// `text` without terminal colour codes (`ESC [ … letter`), which RSpec puts in its
/// messages.
pub(crate) fn strip_ansi(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            if chars.peek() == Some(&'[') {
                chars.next();
                for c in chars.by_ref() {
                    if c.is_ascii_alphabetic() {
                        break;
                    }
                }
            }
            continue;
        }
        out.push(c);
    }
    out
}

/// The interaction (by index) each result is about: by the id the verifier reported (the
/// broker's `_id`, or the V4 key), else by description, preferring the interaction with the
/// provider state the verifier named. `None` for a result about no interaction of this
/// pact; the page still shows it.
pub(crate) fn match_results(
    interactions: &[InteractionView],
    results: &[TestResult],
) -> Vec<Option<usize>> {
    results
        .iter()
        .map(|r| {
            if let Some(id) = &r.interaction_id {
                if let Some(i) = interactions
                    .iter()
                    .position(|x| &x.id == id || x.key.as_ref() == Some(id))
                {
                    return Some(i);
                }
            }
            let description = r.description.as_ref()?;
            let same: Vec<usize> = interactions
                .iter()
                .enumerate()
                .filter(|(_, x)| &x.description == description)
                .map(|(i, _)| i)
                .collect();
            let by_state = r.provider_state.as_ref().and_then(|state| {
                same.iter()
                    .copied()
                    .find(|&i| interactions[i].states.iter().any(|s| &s.name == state))
            });
            by_state.or_else(|| same.first().copied())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::pact_view::PactView;
    use serde_json::json;

    #[test]
    fn the_rust_array_reads_per_interaction() {
        let parsed = parse(Some(&json!([
            {"interactionId": "a1", "success": true},
            {"interactionId": "b2", "interactionDescription": "a request for one item", "success": false,
             "mismatches": [
                {"attribute": "body", "identifier": "$", "description": "Actual map is missing the following keys: id, name"},
                {"attribute": "status", "description": "expected 200 but was 404"}
             ]},
            {"interactionDescription": "a broken state", "success": false,
             "exceptions": [{"message": "State change request failed: 500"}]},
            "not an entry"
        ])));
        assert_eq!(parsed.summary, None);
        assert_eq!(parsed.results.len(), 3);
        assert!(parsed.results[0].success);
        let failed = &parsed.results[1];
        assert!(!failed.success);
        assert_eq!(
            failed.mismatches[0],
            Mismatch {
                attribute: Some("body".into()),
                identifier: Some("$".into()),
                text: "Actual map is missing the following keys: id, name".into()
            }
        );
        assert_eq!(failed.mismatches[1].identifier, None);
        assert_eq!(parsed.results[2].interaction_id, None);
        assert_eq!(
            parsed.results[2].mismatches[0].text,
            "State change request failed: 500"
        );
        assert_eq!(
            parsed.results[2].mismatches[0].attribute.as_deref(),
            Some("error")
        );
    }

    #[test]
    fn the_ruby_object_groups_examples_by_interaction() {
        let parsed = parse(Some(&json!({
            "tests": [
                {"testDescription": "has status code 200", "status": "passed",
                 "interactionProviderState": "items exist", "interactionDescription": "a request for items"},
                {"testDescription": "has status code 200", "status": "failed",
                 "interactionProviderState": null, "interactionDescription": "a request for one item",
                 "exception": {"class": "RSpec::Expectations::ExpectationNotMetError",
                               "message": "\u{1b}[0m\nexpected: 200\n     got: 404\n\n(compared using eql?)\n"}},
                {"testDescription": "has a matching body", "status": "failed",
                 "interactionProviderState": null, "interactionDescription": "a request for one item",
                 "exception": {"message": "long diff"},
                 "differences": [{"description": "Could not find key \"id\" (keys present are: error) at $"}]}
            ],
            "summary": {"testCount": 3, "failureCount": 2}
        })));
        assert_eq!(parsed.summary.as_deref(), Some("3 tests, 2 failed"));
        assert_eq!(parsed.results.len(), 2);
        assert!(parsed.results[0].success);
        assert_eq!(
            parsed.results[0].provider_state.as_deref(),
            Some("items exist")
        );
        let failed = &parsed.results[1];
        assert!(!failed.success);
        assert_eq!(
            failed
                .mismatches
                .iter()
                .map(|m| (m.attribute.as_deref().unwrap(), m.text.as_str()))
                .collect::<Vec<_>>(),
            [
                (
                    "has status code 200",
                    "expected: 200\n     got: 404\n\n(compared using eql?)"
                ),
                (
                    "has a matching body",
                    "Could not find key \"id\" (keys present are: error) at $"
                ),
            ]
        );
    }

    #[test]
    fn other_shapes_read_as_no_results() {
        assert_eq!(parse(None), TestResults::default());
        assert_eq!(parse(Some(&json!("text"))), TestResults::default());
        assert_eq!(parse(Some(&json!({"tests": 3}))).results, []);
    }

    #[test]
    fn results_find_their_interactions() {
        let pact = PactView::new(&json!({
            "consumer": {"name": "C"}, "provider": {"name": "P"},
            "interactions": [
                {"description": "same", "providerState": "one", "request": {"path": "/"}, "response": {}},
                {"description": "same", "providerState": "two", "request": {"path": "/"}, "response": {}},
                {"type": "Synchronous/HTTP", "key": "k3", "description": "keyed", "request": {"path": "/"}, "response": {}}
            ]
        }));
        let id_of_second = pact.interactions[1].id.clone();
        let result = |id: Option<&str>, d: Option<&str>, s: Option<&str>| TestResult {
            interaction_id: id.map(str::to_string),
            description: d.map(str::to_string),
            provider_state: s.map(str::to_string),
            success: false,
            mismatches: Vec::new(),
        };
        let results = [
            result(Some(&id_of_second), None, None),
            result(Some("k3"), None, None),
            result(None, Some("same"), Some("two")),
            result(None, Some("same"), None),
            result(Some("gone"), Some("nowhere"), None),
            result(None, None, None),
        ];
        assert_eq!(
            match_results(&pact.interactions, &results),
            [Some(1), Some(2), Some(1), Some(0), None, None]
        );
    }

    #[test]
    fn colour_codes_are_stripped() {
        assert_eq!(strip_ansi("\u{1b}[31m-  x\u{1b}[0m ok"), "-  x ok");
    }
}
