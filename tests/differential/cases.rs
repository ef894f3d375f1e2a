//! The generated cases: an expected response (with its matching rules) and what the provider
//! answers. Families: a matcher against values of every JSON type, structural differences
//! without rules, status codes and classes, headers, and date/time patterns against values
//! derived from their own examples (fewer and more digits, wrong names, shifted fields).

use serde_json::{json, Value};

/// What the provider answers.
#[derive(Debug, Clone)]
pub struct Actual {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Actual {
    fn json(body: &Value) -> Actual {
        Actual {
            status: 200,
            headers: vec![("Content-Type".into(), "application/json".into())],
            body: body.to_string().into_bytes(),
        }
    }

    /// The whole HTTP/1.1 response.
    pub fn to_http(&self) -> Vec<u8> {
        let mut out = format!("HTTP/1.1 {} Answer\r\n", self.status);
        for (name, value) in &self.headers {
            out.push_str(&format!("{name}: {value}\r\n"));
        }
        out.push_str(&format!(
            "Content-Length: {}\r\nConnection: close\r\n\r\n",
            self.body.len()
        ));
        let mut bytes = out.into_bytes();
        bytes.extend_from_slice(&self.body);
        bytes
    }
}

/// One generated case.
#[derive(Debug, Clone)]
pub struct Case {
    /// What it tries, for the report.
    pub label: String,
    /// The pact's specification version: `3.0.0` or `4.0`.
    pub spec: &'static str,
    /// The interaction's response (status, headers, body, matchingRules).
    pub expected: Value,
    pub actual: Actual,
}

fn body_case(label: String, expected_body: Value, rules: Value, actual: &Value) -> Case {
    let mut expected = json!({
        "status": 200,
        "headers": {"Content-Type": "application/json"},
        "body": expected_body,
    });
    if !rules.is_null() {
        expected["matchingRules"] = json!({"body": rules});
    }
    Case {
        label,
        spec: "3.0.0",
        expected,
        actual: Actual::json(actual),
    }
}

/// Values of every JSON type, and strings that look like other types.
fn values() -> Vec<Value> {
    vec![
        json!(1),
        json!(0),
        json!(-5),
        json!(1.5),
        json!(100.0),
        json!(12345678901u64),
        json!("1"),
        json!("1.5"),
        json!("abc"),
        json!("ab"),
        json!(""),
        json!(" "),
        json!(true),
        json!(false),
        json!("true"),
        json!("false"),
        json!(null),
        json!("null"),
        json!([]),
        json!([1]),
        json!([1, 2]),
        json!(["a", 1]),
        json!({}),
        json!({"a": 1}),
        json!("2024-01-01"),
        json!("1.2.3"),
    ]
}

/// A matcher on `$.v`, with the example it is written with.
fn matchers() -> Vec<(&'static str, Value, Value)> {
    vec![
        ("type", json!({"match": "type"}), json!(1)),
        ("type on a string", json!({"match": "type"}), json!("s")),
        ("type on an array", json!({"match": "type"}), json!([1])),
        (
            "type on an object",
            json!({"match": "type"}),
            json!({"a": 2}),
        ),
        ("integer", json!({"match": "integer"}), json!(1)),
        ("decimal", json!({"match": "decimal"}), json!(1.5)),
        ("number", json!({"match": "number"}), json!(1)),
        ("boolean", json!({"match": "boolean"}), json!(true)),
        ("null", json!({"match": "null"}), json!(null)),
        (
            "regex digits",
            json!({"match": "regex", "regex": "\\d+"}),
            json!("12"),
        ),
        (
            "regex letters",
            json!({"match": "regex", "regex": "[a-z]+"}),
            json!("ab"),
        ),
        (
            "include",
            json!({"match": "include", "value": "b"}),
            json!("abc"),
        ),
        ("equality", json!({"match": "equality"}), json!("abc")),
        ("min 1", json!({"match": "type", "min": 1}), json!([1])),
        ("max 1", json!({"match": "type", "max": 1}), json!([1])),
        (
            "date",
            json!({"match": "date", "date": "yyyy-MM-dd"}),
            json!("2024-01-01"),
        ),
        ("semver", json!({"match": "semver"}), json!("1.0.0")),
        ("no rule", Value::Null, json!(1)),
    ]
}

fn matcher_family() -> Vec<Case> {
    let mut out = Vec::new();
    for (name, matcher, example) in matchers() {
        for value in values() {
            let rules = if matcher.is_null() {
                Value::Null
            } else {
                json!({"$.v": {"matchers": [matcher]}})
            };
            out.push(body_case(
                format!("{name} on {value}"),
                json!({"v": example}),
                rules,
                &json!({"v": value}),
            ));
        }
    }
    out
}

/// The expected document, and changes to it.
fn structural_family() -> Vec<Case> {
    let expected = json!({"a": 1, "b": {"c": "x", "d": [1, 2]}, "e": [{"f": true}]});
    let changes: Vec<(&str, Value)> = vec![
        ("the same", expected.clone()),
        (
            "an extra key",
            json!({"a": 1, "b": {"c": "x", "d": [1, 2]}, "e": [{"f": true}], "z": 0}),
        ),
        (
            "an extra nested key",
            json!({"a": 1, "b": {"c": "x", "d": [1, 2], "y": 1}, "e": [{"f": true}]}),
        ),
        ("a missing key", json!({"a": 1, "e": [{"f": true}]})),
        (
            "a changed value",
            json!({"a": 2, "b": {"c": "x", "d": [1, 2]}, "e": [{"f": true}]}),
        ),
        (
            "a changed type",
            json!({"a": "1", "b": {"c": "x", "d": [1, 2]}, "e": [{"f": true}]}),
        ),
        (
            "a longer array",
            json!({"a": 1, "b": {"c": "x", "d": [1, 2, 3]}, "e": [{"f": true}]}),
        ),
        (
            "a shorter array",
            json!({"a": 1, "b": {"c": "x", "d": [1]}, "e": [{"f": true}]}),
        ),
        (
            "reordered array",
            json!({"a": 1, "b": {"c": "x", "d": [2, 1]}, "e": [{"f": true}]}),
        ),
        (
            "null for an object",
            json!({"a": 1, "b": null, "e": [{"f": true}]}),
        ),
        (
            "an array for an object",
            json!({"a": 1, "b": [], "e": [{"f": true}]}),
        ),
        (
            "1.0 for 1",
            json!({"a": 1.0, "b": {"c": "x", "d": [1, 2]}, "e": [{"f": true}]}),
        ),
        (
            "more array elements of the type",
            json!({"a": 1, "b": {"c": "x", "d": [1, 2]}, "e": [{"f": true}, {"f": false}]}),
        ),
    ];
    let rule_sets: Vec<(&str, Value)> = vec![
        ("no rules", Value::Null),
        (
            "type at the root",
            json!({"$": {"matchers": [{"match": "type"}]}}),
        ),
        (
            "type on e[*]",
            json!({"$.e": {"matchers": [{"match": "type", "min": 1}]}}),
        ),
        (
            "type on b.d",
            json!({"$.b.d": {"matchers": [{"match": "type"}]}}),
        ),
        (
            "values on b",
            json!({"$.b": {"matchers": [{"match": "values"}]}}),
        ),
    ];
    let mut out = Vec::new();
    for (rules_name, rules) in &rule_sets {
        for (change, actual) in &changes {
            out.push(body_case(
                format!("{change}, {rules_name}"),
                expected.clone(),
                rules.clone(),
                actual,
            ));
        }
    }
    out
}

fn status_family() -> Vec<Case> {
    let mut out = Vec::new();
    let classes = [
        ("no rule", Value::Null),
        ("success", json!("success")),
        ("clientError", json!("clientError")),
        ("nonError", json!("nonError")),
        ("error", json!("error")),
        ("redirect", json!("redirect")),
        ("codes", json!([200, 204])),
    ];
    for (name, class) in &classes {
        for actual in [200u16, 201, 204, 400, 404, 500, 503] {
            let mut expected = json!({"status": 200});
            if !class.is_null() {
                expected["matchingRules"] = json!({"status": {"$": {"combine": "AND", "matchers": [
                    {"match": "statusCode", "status": class}
                ]}}});
            }
            out.push(Case {
                label: format!("status {actual}, {name}"),
                spec: "4.0",
                expected,
                actual: Actual {
                    status: actual,
                    headers: Vec::new(),
                    body: Vec::new(),
                },
            });
        }
    }
    out
}

fn header_family() -> Vec<Case> {
    let expected_headers: Vec<(&str, Value, Value)> = vec![
        ("plain", json!({"X-Id": "abc"}), Value::Null),
        (
            "content type",
            json!({"Content-Type": "application/json"}),
            Value::Null,
        ),
        ("two values", json!({"X-List": "a, b"}), Value::Null),
        (
            "regex",
            json!({"X-Id": "abc"}),
            json!({"X-Id": {"matchers": [{"match": "regex", "regex": "[a-z]+"}]}}),
        ),
        (
            "integer",
            json!({"X-Count": "3"}),
            json!({"X-Count": {"matchers": [{"match": "integer"}]}}),
        ),
    ];
    let actual_headers: Vec<Vec<(&str, &str)>> = vec![
        vec![("X-Id", "abc")],
        vec![("x-id", "abc")],
        vec![("X-Id", "ABC")],
        vec![("X-Id", "abc "), ("Content-Type", "application/json")],
        vec![("Content-Type", "application/json; charset=utf-8")],
        vec![("Content-Type", "application/json;charset=UTF-8")],
        vec![("Content-Type", "text/plain")],
        vec![("X-List", "a,b")],
        vec![("X-List", "a"), ("X-List", "b")],
        vec![("X-List", "b, a")],
        vec![("X-Count", "3")],
        vec![("X-Count", "3.5")],
        vec![("X-Count", "x")],
        vec![],
    ];
    let mut out = Vec::new();
    for (name, headers, rules) in &expected_headers {
        for actual in &actual_headers {
            let mut expected = json!({"status": 200, "headers": headers});
            if !rules.is_null() {
                expected["matchingRules"] = json!({"header": rules});
            }
            out.push(Case {
                label: format!("header {name} against {actual:?}"),
                spec: "3.0.0",
                expected,
                actual: Actual {
                    status: 200,
                    headers: actual
                        .iter()
                        .map(|(n, v)| (n.to_string(), v.to_string()))
                        .collect(),
                    body: Vec::new(),
                },
            });
        }
    }
    out
}

/// Patterns with an example, and values derived from the example.
fn date_family() -> Vec<Case> {
    let patterns: Vec<(&str, &str, &str)> = vec![
        ("date", "yyyy-MM-dd", "2024-02-03"),
        ("date", "dd/MM/yyyy", "03/02/2024"),
        ("date", "d MMM yyyy", "3 Feb 2024"),
        ("date", "EEE, d MMM yyyy", "Sat, 3 Feb 2024"),
        ("date", "EEEE, MMMM d, yyyy", "Saturday, February 3, 2024"),
        ("date", "yyyyMMdd", "20240203"),
        ("date", "YYYY-'W'ww-e", "2024-W05-6"),
        ("date", "yyyy-DDD", "2024-034"),
        ("time", "HH:mm", "09:05"),
        ("time", "HH:mm:ss.SSS", "09:05:00.100"),
        ("time", "h:mm a", "9:05 AM"),
        ("time", "HHmmss", "090500"),
        ("time", "kk:mm", "24:00"),
        (
            "timestamp",
            "yyyy-MM-dd'T'HH:mm:ssXXX",
            "2024-02-03T09:05:00+01:00",
        ),
        (
            "timestamp",
            "yyyy-MM-dd'T'HH:mm:ss.SSSZ",
            "2024-02-03T09:05:00.100+0100",
        ),
        (
            "timestamp",
            "yyyy-MM-dd HH:mm:ss z",
            "2024-02-03 09:05:00 GMT",
        ),
        (
            "timestamp",
            "yyyy-MM-dd'T'HH:mm:ss'['VV']'",
            "2024-02-03T09:05:00[Europe/Paris]",
        ),
        ("timestamp", "yyyy-MM-dd'T'HH:mmO", "2024-02-03T09:05GMT+1"),
        ("timestamp", "", "2024-02-03T09:05:00Z"),
        ("date", "", "2024-02-03"),
        ("time", "", "09:05:00"),
    ];
    let mut out = Vec::new();
    for (kind, pattern, example) in patterns {
        let mut rule = json!({"match": kind});
        if !pattern.is_empty() {
            rule[kind] = json!(pattern);
        }
        for value in variants(example) {
            out.push(body_case(
                format!("{kind} '{pattern}' on {value:?}"),
                json!({"v": example}),
                json!({"$.v": {"matchers": [rule.clone()]}}),
                &json!({"v": value}),
            ));
        }
    }
    out
}

/// The example, and changes to it: a leading zero dropped or added per number, a digit
/// changed up, names swapped and recased, a suffix, a prefix, truncated.
fn variants(example: &str) -> Vec<String> {
    let mut out = vec![example.to_string()];
    let chars: Vec<char> = example.chars().collect();
    for (i, c) in chars.iter().enumerate() {
        let starts_number = c.is_ascii_digit() && (i == 0 || !chars[i - 1].is_ascii_digit());
        if starts_number && *c == '0' {
            let mut v = chars.clone();
            v.remove(i);
            out.push(v.into_iter().collect());
        }
        if starts_number {
            let mut v = chars.clone();
            v.insert(i, '0');
            out.push(v.into_iter().collect());
        }
        if c.is_ascii_digit() && *c < '9' {
            let mut v = chars.clone();
            v[i] = '9';
            out.push(v.into_iter().collect());
        }
    }
    for (from, to) in [
        ("Sat", "Mon"),
        ("Saturday", "Monday"),
        ("Feb", "feb"),
        ("Feb", "Sept"),
        ("February", "FEBRUARY"),
        ("AM", "pm"),
        ("GMT", "UTC"),
        ("+01:00", "+13:00"),
        ("+01:00", "Z"),
        ("+0100", "+01:00"),
        ("Z", "+00:00"),
        ("Europe/Paris", "America/New_York"),
        ("T", " "),
        ("-", "/"),
    ] {
        if example.contains(from) {
            out.push(example.replacen(from, to, 1));
        }
    }
    out.push(format!("{example}x"));
    out.push(format!(" {example}"));
    out.push(chars[..chars.len() - 1].iter().collect());
    out.sort();
    out.dedup();
    out
}

/// What the rules that apply to a whole object or array (`values`, `eachValue`,
/// `eachKey`, type with min) mean for what lies below them.
fn cascade_family() -> Vec<Case> {
    let expected = json!({"b": {"c": "x", "d": [1, 2], "n": {"m": 1}}});
    let changes: Vec<(&str, Value)> = vec![
        ("the same", expected.clone()),
        (
            "c changed",
            json!({"b": {"c": "y", "d": [1, 2], "n": {"m": 1}}}),
        ),
        (
            "c a number",
            json!({"b": {"c": 1, "d": [1, 2], "n": {"m": 1}}}),
        ),
        (
            "d shorter",
            json!({"b": {"c": "x", "d": [1], "n": {"m": 1}}}),
        ),
        (
            "d longer",
            json!({"b": {"c": "x", "d": [1, 2, 3], "n": {"m": 1}}}),
        ),
        (
            "d changed",
            json!({"b": {"c": "x", "d": [1, 5], "n": {"m": 1}}}),
        ),
        (
            "d of strings",
            json!({"b": {"c": "x", "d": ["a"], "n": {"m": 1}}}),
        ),
        (
            "m changed",
            json!({"b": {"c": "x", "d": [1, 2], "n": {"m": 2}}}),
        ),
        (
            "m a string",
            json!({"b": {"c": "x", "d": [1, 2], "n": {"m": "1"}}}),
        ),
        (
            "n extra key",
            json!({"b": {"c": "x", "d": [1, 2], "n": {"m": 1, "o": 2}}}),
        ),
        (
            "n missing m",
            json!({"b": {"c": "x", "d": [1, 2], "n": {}}}),
        ),
        (
            "b extra key",
            json!({"b": {"c": "x", "d": [1, 2], "n": {"m": 1}, "z": "x"}}),
        ),
        ("b missing c", json!({"b": {"d": [1, 2], "n": {"m": 1}}})),
    ];
    let rules: Vec<(&str, Value)> = vec![
        (
            "values on b",
            json!({"$.b": {"matchers": [{"match": "values"}]}}),
        ),
        (
            "type on b",
            json!({"$.b": {"matchers": [{"match": "type"}]}}),
        ),
        (
            "eachValue type on b",
            json!({"$.b": {"matchers": [{"match": "eachValue", "rules": [{"match": "type"}]}]}}),
        ),
        (
            "eachKey regex on b",
            json!({"$.b": {"matchers": [{"match": "eachKey", "rules": [{"match": "regex", "regex": "[a-z]"}]}]}}),
        ),
        (
            "min 1 on b.d",
            json!({"$.b.d": {"matchers": [{"match": "type", "min": 1}]}}),
        ),
        (
            "equality on b.d under type on b",
            json!({
                "$.b": {"matchers": [{"match": "type"}]},
                "$.b.d": {"matchers": [{"match": "equality"}]}
            }),
        ),
    ];
    let mut out = Vec::new();
    for (rules_name, rules) in &rules {
        for (change, actual) in &changes {
            out.push(body_case(
                format!("{change}, {rules_name}"),
                expected.clone(),
                rules.clone(),
                actual,
            ));
        }
    }
    out
}

/// Every case, in a fixed order.
pub fn all() -> Vec<Case> {
    let mut out = matcher_family();
    out.extend(structural_family());
    out.extend(cascade_family());
    out.extend(status_family());
    out.extend(header_family());
    out.extend(date_family());
    out
}
