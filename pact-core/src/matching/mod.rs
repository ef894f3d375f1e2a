//! Matching: does an actual request, response or message satisfy the expected one?
//!
//! Each function returns the list of [`Mismatch`]es; an empty list is a match. Requests are
//! matched strictly (no unexpected query parameters, no unexpected JSON keys); responses and
//! messages follow Postel's law (extra keys, headers and XML elements are fine).
//!
//! ```
//! use pact_core::matching::match_request;
//! use pact_core::model::{Body, Request, SpecVersion};
//! let expected = Request { method: "GET".into(), path: "/builds/3455".into(), ..Request::default() };
//! let mut actual = expected.clone();
//! assert!(match_request(&expected, &actual, SpecVersion::V3).is_empty());
//! actual.path = "/builds/1".into();
//! let mismatches = match_request(&expected, &actual, SpecVersion::V3);
//! assert_eq!(mismatches[0].description, "Expected '/builds/3455' but received '/builds/1'");
//! ```

mod body;
mod json;
mod mismatch;
mod values;
mod xml;

pub use mismatch::{Mismatch, MismatchKind};
pub use values::is_semver;

use crate::model::split_media_type;
use crate::model::{Body, ContentType, MessageContents, MultiMap, Request, Response, SpecVersion};
use crate::rules::{Category, MatchingRules, RuleList};
use body::{compare_bodies, BodyContext};
use serde_json::Value;
use values::{check_list, check_rule};

/// Headers whose values may contain commas and are therefore never split into a list.
const SINGLE_VALUE_HEADERS: &[&str] = &[
    "date",
    "accept-datetime",
    "if-modified-since",
    "if-unmodified-since",
    "expires",
    "retry-after",
    "last-modified",
    "set-cookie",
    "user-agent",
];

/// Headers whose values carry `;` parameters that compare leniently (charset case, extra `q`).
const PARAMETERISED_HEADERS: &[&str] = &["content-type", "accept"];

/// Matches an actual request against the expected one.
pub fn match_request(expected: &Request, actual: &Request, spec: SpecVersion) -> Vec<Mismatch> {
    let rules = &expected.matching_rules;
    let mut out = Vec::new();
    if !expected.method.eq_ignore_ascii_case(&actual.method) {
        out.push(Mismatch::new(
            MismatchKind::Method,
            "",
            expected.method.as_str(),
            actual.method.as_str(),
            format!(
                "Expected {} but received {}",
                expected.method, actual.method
            ),
        ));
    }
    out.extend(match_path(&expected.path, &actual.path, rules));
    let empty = MultiMap::default();
    out.extend(match_query(
        expected.query.as_ref().unwrap_or(&empty),
        actual.query.as_ref().unwrap_or(&empty),
        rules,
        spec,
    ));
    out.extend(match_headers_and_body(
        (
            expected.headers.as_ref(),
            &expected.body,
            expected.content_type(),
        ),
        (actual.headers.as_ref(), &actual.body),
        rules,
        false,
    ));
    out
}

/// Matches an actual response against the expected one.
pub fn match_response(expected: &Response, actual: &Response, _spec: SpecVersion) -> Vec<Mismatch> {
    let rules = &expected.matching_rules;
    let mut out = Vec::new();
    match rules.category(Category::Status).and_then(|c| c.single()) {
        Some(list) => {
            let (e, a) = (Value::from(expected.status), Value::from(actual.status));
            for d in check_list(list, |r| check_rule(r, &e, &a, false)) {
                out.push(Mismatch::new(
                    MismatchKind::Status,
                    "",
                    e.to_string(),
                    a.to_string(),
                    d,
                ));
            }
        }
        None if expected.status != actual.status => out.push(Mismatch::new(
            MismatchKind::Status,
            "",
            expected.status.to_string(),
            actual.status.to_string(),
            format!(
                "Expected status {} but was {}",
                expected.status, actual.status
            ),
        )),
        None => {}
    }
    out.extend(match_headers_and_body(
        (
            expected.headers.as_ref(),
            &expected.body,
            expected.content_type(),
        ),
        (actual.headers.as_ref(), &actual.body),
        rules,
        true,
    ));
    out
}

/// What requests and responses share: headers, then the body (whose content type the actual
/// message must declare, or it is taken to be the expected one).
fn match_headers_and_body(
    (eh, eb, ect): (Option<&MultiMap>, &Body, Option<ContentType>),
    (ah, ab): (Option<&MultiMap>, &Body),
    rules: &MatchingRules,
    allow_unexpected: bool,
) -> Vec<Mismatch> {
    let mut out = match_headers(eh, ah, rules);
    let ctx = BodyContext {
        rules: rules.category(Category::Body),
        allow_unexpected,
        kind: MismatchKind::Body,
    };
    out.extend(compare_bodies(&ctx, eb, ect, ab, declared_type(ah, ab)));
    out
}

/// Matches an actual message (contents and metadata) against the expected one.
pub fn match_message(
    expected: &MessageContents,
    actual: &MessageContents,
    _spec: SpecVersion,
) -> Vec<Mismatch> {
    let rules = &expected.matching_rules;
    let mut out = Vec::new();
    let meta_rules = rules.category(Category::Metadata);
    for (key, ev) in &expected.metadata {
        let Some(av) = actual.metadata.get(key) else {
            out.push(Mismatch::new(
                MismatchKind::Metadata,
                key.as_str(),
                ev.to_string(),
                "",
                format!("Expected message metadata '{key}' but was missing"),
            ));
            continue;
        };
        let as_text = |v: &Value| match v {
            Value::String(s) => Value::String(s.clone()),
            other => Value::String(other.to_string()),
        };
        match meta_rules.and_then(|c| c.for_name(key, false)) {
            Some(list) => {
                for d in check_list(list, |r| {
                    check_rule(r, ev, av, false)
                        .or_else(|_| check_rule(r, &as_text(ev), &as_text(av), true))
                }) {
                    out.push(Mismatch::new(
                        MismatchKind::Metadata,
                        key.as_str(),
                        ev.to_string(),
                        av.to_string(),
                        d,
                    ));
                }
            }
            None => {
                let equal = if key.eq_ignore_ascii_case("contentType")
                    || key.eq_ignore_ascii_case("content-type")
                {
                    let ct =
                        |v: &Value| v.as_str().and_then(ContentType::parse).map(|c| c.essence());
                    ev == av || (ct(ev).is_some() && ct(ev) == ct(av))
                } else {
                    ev == av || as_text(ev) == as_text(av)
                };
                if !equal {
                    out.push(Mismatch::new(
                        MismatchKind::Metadata,
                        key.as_str(),
                        ev.to_string(),
                        av.to_string(),
                        format!(
                            "Expected message metadata '{key}' to have value {ev} but was {av}"
                        ),
                    ));
                }
            }
        }
    }
    let ctx = BodyContext {
        rules: rules.category(Category::Body),
        allow_unexpected: true,
        kind: MismatchKind::Body,
    };
    let actual_ct = actual
        .metadata
        .iter()
        .find(|(k, _)| {
            k.eq_ignore_ascii_case("contentType") || k.eq_ignore_ascii_case("content-type")
        })
        .and_then(|(_, v)| v.as_str())
        .and_then(ContentType::parse)
        .or_else(|| actual.contents.declared_content_type().cloned());
    out.extend(compare_bodies(
        &ctx,
        &expected.contents,
        expected.content_type(),
        &actual.contents,
        actual_ct,
    ));
    out
}

/// The content type an actual message declares (header or body), without guessing.
fn declared_type(headers: Option<&MultiMap>, body: &Body) -> Option<ContentType> {
    headers
        .and_then(|h| h.get_ignore_case("content-type"))
        .and_then(|v| v.first())
        .and_then(|v| ContentType::parse(v))
        .or_else(|| body.declared_content_type().cloned())
}

fn match_path(expected: &str, actual: &str, rules: &MatchingRules) -> Vec<Mismatch> {
    let mismatch = |d: String| Mismatch::new(MismatchKind::Path, "", expected, actual, d);
    match rules.category(Category::Path).and_then(|c| c.single()) {
        Some(list) => {
            let (e, a) = (Value::String(expected.into()), Value::String(actual.into()));
            check_list(list, |r| check_rule(r, &e, &a, true))
                .into_iter()
                .map(mismatch)
                .collect()
        }
        None if expected != actual => vec![mismatch(format!(
            "Expected '{expected}' but received '{actual}'"
        ))],
        None => Vec::new(),
    }
}

fn check_strings(list: &RuleList, expected: &[String], actual: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    let fallback = String::new();
    for (i, a) in actual.iter().enumerate() {
        let e = expected.get(i).or(expected.first()).unwrap_or(&fallback);
        let (ev, av) = (Value::String(e.clone()), Value::String(a.clone()));
        out.extend(check_list(list, |r| check_rule(r, &ev, &av, true)));
    }
    out
}

fn match_query(
    expected: &MultiMap,
    actual: &MultiMap,
    rules: &MatchingRules,
    spec: SpecVersion,
) -> Vec<Mismatch> {
    let mut out = Vec::new();
    let query_rules = rules.category(Category::Query);
    for (name, evs) in expected.iter() {
        let Some(avs) = actual.get(name) else {
            out.push(Mismatch::new(
                MismatchKind::Query,
                name,
                evs.join(", "),
                "",
                format!("Expected query parameter '{name}' but was missing"),
            ));
            continue;
        };
        match query_rules.and_then(|c| c.for_name(name, false)) {
            Some(list) => {
                for d in check_strings(list, evs, avs) {
                    out.push(Mismatch::new(
                        MismatchKind::Query,
                        name,
                        evs.join(", "),
                        avs.join(", "),
                        d,
                    ));
                }
            }
            None => {
                for (ev, av) in evs.iter().zip(avs) {
                    if ev != av {
                        out.push(Mismatch::new(
                            MismatchKind::Query,
                            name,
                            ev.as_str(),
                            av.as_str(),
                            format!("Expected query parameter '{name}' with value '{ev}' but was '{av}'"),
                        ));
                    }
                }
                if evs.len() != avs.len() {
                    out.push(Mismatch::new(
                        MismatchKind::Query,
                        name,
                        evs.join(", "),
                        avs.join(", "),
                        format!(
                            "Expected query parameter '{name}' with {} value(s) but received {} value(s)",
                            evs.len(),
                            avs.len()
                        ),
                    ));
                }
            }
        }
    }
    for (name, avs) in actual.iter() {
        if expected.get(name).is_none() {
            out.push(Mismatch::new(
                MismatchKind::Query,
                name,
                "",
                avs.join(", "),
                format!("Unexpected query parameter '{name}' received"),
            ));
        }
    }
    // Version 1 compares the query string as written, so parameter order matters.
    if spec == SpecVersion::V1 && out.is_empty() {
        let order = |q: &MultiMap| q.iter().map(|(k, _)| k.to_string()).collect::<Vec<_>>();
        if order(expected) != order(actual) {
            out.push(Mismatch::new(
                MismatchKind::Query,
                "",
                order(expected).join("&"),
                order(actual).join("&"),
                format!(
                    "Expected query parameters in the order [{}] but received [{}]",
                    order(expected).join(", "),
                    order(actual).join(", ")
                ),
            ));
        }
    }
    out
}

/// Splits header values on commas, except for headers whose values contain commas.
fn header_values(name: &str, values: &[String]) -> Vec<String> {
    if SINGLE_VALUE_HEADERS.contains(&name.to_ascii_lowercase().as_str()) {
        return values.iter().map(|v| v.trim().to_string()).collect();
    }
    values
        .iter()
        .flat_map(|v| v.split(','))
        .map(|v| v.trim().to_string())
        .collect()
}

/// `type/sub;\s*param=value`: the rendering the reference uses in content-type mismatches.
fn render_parameterised(v: &str) -> String {
    v.split(';')
        .map(str::trim)
        .collect::<Vec<_>>()
        .join(";\\s*")
}

/// One parameterised value: the same media type (header values are case-sensitive), and every
/// expected parameter present in the actual value (charset compared without case). Extra
/// actual parameters, such as an Accept header's `q`, are fine.
fn parameterised_equal(expected: &str, actual: &str) -> bool {
    let ((em, ep), (am, ap)) = (split_media_type(expected), split_media_type(actual));
    em == am
        && ep.iter().all(|(k, v)| {
            ap.iter().any(|(ak, av)| {
                ak == k
                    && if k == "charset" {
                        av.eq_ignore_ascii_case(v)
                    } else {
                        av == v
                    }
            })
        })
}

fn match_headers(
    expected: Option<&MultiMap>,
    actual: Option<&MultiMap>,
    rules: &MatchingRules,
) -> Vec<Mismatch> {
    let mut out = Vec::new();
    let Some(expected) = expected else { return out };
    let header_rules = rules.category(Category::Header);
    let mut seen: Vec<&str> = Vec::new();
    for (name, _) in expected.iter() {
        if seen.iter().any(|s| s.eq_ignore_ascii_case(name)) {
            continue;
        }
        seen.push(name);
        let evs = expected.all_ignore_case(name).unwrap_or_default();
        let Some(avs) = actual.and_then(|a| a.all_ignore_case(name)) else {
            out.push(Mismatch::new(
                MismatchKind::Header,
                name,
                evs.join(", "),
                "",
                format!("Expected a header '{name}' but was missing"),
            ));
            continue;
        };
        let (evs, avs) = (evs.as_slice(), avs.as_slice());
        let (ev, av) = (header_values(name, evs), header_values(name, avs));
        if let Some(list) = header_rules.and_then(|c| c.for_name(name, true)) {
            for d in check_strings(list, &ev, &av) {
                out.push(Mismatch::new(
                    MismatchKind::Header,
                    name,
                    evs.join(", "),
                    avs.join(", "),
                    d,
                ));
            }
            continue;
        }
        let lower = name.to_ascii_lowercase();
        let equal = if PARAMETERISED_HEADERS.contains(&lower.as_str()) {
            ev.len() == av.len() && ev.iter().zip(&av).all(|(e, a)| parameterised_equal(e, a))
        } else {
            // Value by value as sent (pact-reference's verdict): `a, b` on one line equals
            // `a,b`, but not `a` and `b` on two lines.
            evs.len() == avs.len()
                && evs.iter().zip(avs).all(|(e, a)| {
                    header_values(name, std::slice::from_ref(e))
                        == header_values(name, std::slice::from_ref(a))
                })
        };
        if !equal {
            let (e, a) = (evs.join(", "), avs.join(", "));
            let (re, ra) = if lower == "content-type" {
                (render_parameterised(&e), render_parameterised(&a))
            } else {
                (e.clone(), a.clone())
            };
            out.push(Mismatch::new(
                MismatchKind::Header,
                name,
                e,
                a,
                format!("Expected header '{name}' to have value '{re}' but was '{ra}'"),
            ));
        }
    }
    out
}
