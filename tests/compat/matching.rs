//! Steps for the pure matching and generator features: V3 `http_matching`,
//! `matching_rules`, `generators`, `http_generators`; V4 `matching_rules`, `generators`.

use crate::cells;
use crate::CompatWorld;
use cucumber::gherkin::Step;
use cucumber::{given, then, when};
use pact_core::generators::{GeneratorContext, GeneratorMode};
use pact_core::matching::{match_request, match_response};
use pact_core::model::{Request, Response};
use regex::Regex;
use serde_json::Value;

#[given(regex = r#"^an expected request with an? "([^"]*)" header of "([^"]*)"$"#)]
fn expected_header(world: &mut CompatWorld, name: String, value: String) {
    world.expected_request = Request {
        method: "GET".into(),
        path: "/".into(),
        headers: Some(std::iter::once((name, value)).collect()),
        ..Request::default()
    };
}

#[given(regex = r#"^a request is received with an? "([^"]*)" header of "([^"]*)"$"#)]
fn received_header(world: &mut CompatWorld, name: String, value: String) {
    world.received_requests = vec![Request {
        method: "GET".into(),
        path: "/".into(),
        headers: Some(std::iter::once((name, value)).collect()),
        ..Request::default()
    }];
}

#[given(regex = r"^an expected request configured with the following:$")]
fn expected_request_table(world: &mut CompatWorld, step: &Step) {
    let row = cells::rows(step).remove(0);
    world.expected_request = cells::request(&world.suite, &row);
}

#[given(
    regex = r"^(?:a request is received with the following|the following requests are received):$"
)]
fn received_requests_table(world: &mut CompatWorld, step: &Step) {
    world.received_requests = cells::rows(step)
        .iter()
        .map(|row| cells::request(&world.suite, row))
        .collect();
}

#[given(regex = r"^an expected response configured with the following:$")]
fn expected_response_table(world: &mut CompatWorld, step: &Step) {
    let row = cells::rows(step).remove(0);
    world.expected_response = cells::response(&world.suite, &row);
}

#[given(regex = r"^a status (\d+) response is received$")]
fn status_received(world: &mut CompatWorld, status: u16) {
    world.received_response = Response {
        status,
        ..Response::default()
    };
}

#[when(regex = r"^the requests? (?:is|are) compared to the expected one$")]
fn compare_requests(world: &mut CompatWorld) {
    world.request_results = world
        .received_requests
        .iter()
        .map(|r| match_request(&world.expected_request, r, world.spec))
        .collect();
}

#[when(regex = r"^the response is compared to the expected one$")]
fn compare_response(world: &mut CompatWorld) {
    world.response_mismatches = match_response(
        &world.expected_response,
        &world.received_response,
        world.spec,
    );
}

#[then(regex = r"^the comparison should( NOT)? be OK$")]
fn comparison_ok(world: &mut CompatWorld, not: String) {
    assert!(!world.request_results.is_empty(), "no request was compared");
    for (i, m) in world.request_results.iter().enumerate() {
        if not.is_empty() {
            assert!(m.is_empty(), "request {i} should match, mismatches: {m:#?}");
        } else {
            assert!(!m.is_empty(), "request {i} should not match");
        }
    }
}

#[then(regex = r"^the response comparison should( NOT)? be OK$")]
fn response_comparison_ok(world: &mut CompatWorld, not: String) {
    let m = &world.response_mismatches;
    assert_eq!(m.is_empty(), not.is_empty(), "mismatches: {m:#?}");
}

#[then(regex = r#"^the mismatches will contain a mismatch with error "(.*)" -> "(.*)"$"#)]
fn mismatch_with_path(world: &mut CompatWorld, path: String, error: String) {
    let error = cells::unescape(&error);
    let all: Vec<_> = world.request_results.iter().flatten().collect();
    assert!(
        all.iter()
            .any(|m| m.path == path && m.description.contains(&error)),
        "no mismatch at {path} containing {error:?} in {all:#?}"
    );
}

#[then(regex = r#"^the response mismatches will contain a "([^"]*)" mismatch with error "(.*)"$"#)]
fn response_mismatch_kind(world: &mut CompatWorld, kind: String, error: String) {
    let error = cells::unescape(&error);
    let m = &world.response_mismatches;
    assert!(
        m.iter()
            .any(|m| m.kind.as_str() == kind && m.description == error),
        "no {kind} mismatch {error:?} in {m:#?}"
    );
}

// Generators.

#[given(regex = r"^a request configured with the following generators:$")]
fn request_with_generators(world: &mut CompatWorld, step: &Step) {
    let row = cells::rows(step).remove(0);
    world.expected_request = cells::request(&world.suite, &row);
}

#[given(regex = r"^a response configured with the following generators:$")]
fn response_with_generators(world: &mut CompatWorld, step: &Step) {
    let row = cells::rows(step).remove(0);
    world.expected_response = cells::response(&world.suite, &row);
}

#[given(regex = r#"^the generator test mode is set as "([^"]*)"$"#)]
fn generator_mode(world: &mut CompatWorld, mode: String) {
    world.generator_mode = match mode.as_str() {
        "Consumer" => GeneratorMode::Consumer,
        _ => GeneratorMode::Provider,
    };
}

fn context(world: &CompatWorld) -> GeneratorContext {
    GeneratorContext::new(world.generator_mode)
}

#[when(regex = r#"^the request is prepared for use(?: with a "([^"]*)" context:)?$"#)]
fn prepare_request(world: &mut CompatWorld, kind: String, step: &Step) {
    let mut ctx = context(world);
    if !kind.is_empty() {
        let data: Value = serde_json::from_str(&cells::single_cell(step)).expect("a JSON context");
        match kind.as_str() {
            "providerState" => ctx.provider_state = data.as_object().cloned().unwrap_or_default(),
            "mockServer" => ctx.mock_server_url = data["href"].as_str().map(String::from),
            other => panic!("unknown generator context {other}"),
        }
    }
    let req = &world.expected_request;
    world.generated_request = Some(
        req.generators
            .apply_to_request(req, &mut ctx)
            .expect("generators run"),
    );
}

#[when(regex = r"^the response is prepared for use$")]
fn prepare_response(world: &mut CompatWorld) {
    let mut ctx = context(world);
    let resp = &world.expected_response;
    world.generated_response = Some(
        resp.generators
            .apply_to_response(resp, &mut ctx)
            .expect("generators run"),
    );
}

fn generated_body(world: &CompatWorld) -> Value {
    let body = match (&world.generated_request, &world.generated_response) {
        (Some(r), _) => r.body.as_bytes().to_vec(),
        (None, Some(r)) => r.body.as_bytes().to_vec(),
        _ => panic!("nothing was prepared"),
    };
    serde_json::from_slice(&body).expect("a JSON body")
}

fn body_value(world: &CompatWorld, path: &str) -> String {
    let doc = generated_body(world);
    let pointer = format!("/{}", path.trim_start_matches("$.").replace('.', "/"));
    match doc.pointer(&pointer) {
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
        None => panic!("no value at {path} in {doc}"),
    }
}

#[then(regex = r#"^the body value for "([^"]*)" will have been replaced with an? "([^"]*)"$"#)]
fn replaced_with_type(world: &mut CompatWorld, path: String, kind: String) {
    let value = body_value(world, &path);
    let pattern = match kind.as_str() {
        "integer" => r"^-?\d+$",
        "decimal number" => r"^-?\d+\.\d+$",
        "hexadecimal number" => r"^[0-9a-fA-F]+$",
        "random string" => r"^.+$",
        "string from the regex" => r"^\d{1,8}$",
        "date" => r"^\d{4}-\d{2}-\d{2}$",
        "time" => r"^\d{2}:\d{2}:\d{2}$",
        "date-time" => r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})?$",
        "UUID" => {
            r"^(urn:uuid:)?[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$"
        }
        "simple UUID" => r"^[0-9a-f]{32}$",
        "lower-case-hyphenated UUID" => {
            r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
        }
        "upper-case-hyphenated UUID" => {
            r"^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$"
        }
        "URN UUID" => r"^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$",
        "boolean" => r"^(true|false)$",
        other => panic!("unknown generated type {other}"),
    };
    let re = Regex::new(pattern).expect("a valid pattern");
    assert!(re.is_match(&value), "{path} = {value:?} is not a {kind}");
    if kind == "random string" {
        assert_eq!(value.chars().count(), 6, "{path} = {value:?}");
    }
    let original = serde_json::from_slice::<Value>(world.expected_request.body.as_bytes())
        .or_else(|_| serde_json::from_slice::<Value>(world.expected_response.body.as_bytes()))
        .ok();
    if let Some(orig) = original {
        let pointer = format!("/{}", path.trim_start_matches("$.").replace('.', "/"));
        assert_ne!(
            orig.pointer(&pointer).map(|v| v.to_string()),
            Some(format!("\"{value}\"")),
            "the value was not replaced"
        );
    }
}

#[then(regex = r#"^the body value for "([^"]*)" will have been replaced with "([^"]*)"$"#)]
fn replaced_with_value(world: &mut CompatWorld, path: String, value: String) {
    assert_eq!(body_value(world, &path), value);
}

/// `path`, `status`, `header[X]` or `queryParameter[x]` of the prepared request or response.
fn prepared_part(world: &CompatWorld, which: &str, selector: &str) -> String {
    let (headers, query, path, status) = match which {
        "request" => {
            let r = world
                .generated_request
                .as_ref()
                .expect("a prepared request");
            (
                r.headers.as_ref(),
                r.query.as_ref(),
                Some(r.path.clone()),
                None,
            )
        }
        _ => {
            let r = world
                .generated_response
                .as_ref()
                .expect("a prepared response");
            (r.headers.as_ref(), None, None, Some(r.status.to_string()))
        }
    };
    let inner = |prefix: &str| {
        selector
            .strip_prefix(prefix)
            .and_then(|s| s.strip_suffix(']'))
    };
    let found = match selector {
        "path" => path,
        "status" => status,
        _ => match (inner("header["), inner("queryParameter[")) {
            (Some(name), _) => headers
                .and_then(|h| h.get_ignore_case(name))
                .map(|v| v.join(", ")),
            (_, Some(name)) => query.and_then(|q| q.get(name)).map(|v| v.join(", ")),
            _ => None,
        },
    };
    found.unwrap_or_else(|| panic!("the {which} has no {selector}"))
}

#[then(regex = r#"^the (request|response) "([^"]*)" will be set as "([^"]*)"$"#)]
fn part_set_as(world: &mut CompatWorld, which: String, selector: String, value: String) {
    assert_eq!(prepared_part(world, &which, &selector), value);
}

#[then(regex = r#"^the (request|response) "([^"]*)" will not be "([^"]*)"$"#)]
fn part_not(world: &mut CompatWorld, which: String, selector: String, value: String) {
    assert_ne!(prepared_part(world, &which, &selector), value);
}

#[then(regex = r#"^the (request|response) "([^"]*)" will match "([^"]*)"$"#)]
fn part_matches(world: &mut CompatWorld, which: String, selector: String, pattern: String) {
    let v = prepared_part(world, &which, &selector);
    let re = Regex::new(&format!("^(?:{pattern})$")).expect("a valid pattern");
    assert!(
        re.is_match(&v),
        "{selector} = {v:?} does not match {pattern}"
    );
}
