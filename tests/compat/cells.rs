//! The suite's table-cell mini-language and fixtures: `file: NAME`, `JSON: {...}`,
//! `XML: <...>`, `EMPTY`, bare text, `'Name: value'` header lists, `a=1&b=2` queries, and
//! requests and responses built from table rows.

use pact_core::generators::Generators;
use pact_core::model::{parse_query_string, Body, ContentType, MultiMap, Request, Response};
use pact_core::rules::MatchingRules;
use serde_json::Value;
use std::path::{Path, PathBuf};

/// The fixtures folder of the suite.
pub fn fixtures_dir(suite: &Path) -> PathBuf {
    suite.join("fixtures")
}

/// Replaces the `\"` escapes the feature files use inside step strings.
pub fn unescape(s: &str) -> String {
    s.replace("\\\"", "\"")
}

fn read_fixture(suite: &Path, name: &str) -> Vec<u8> {
    let path = fixtures_dir(suite).join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("fixture {}: {e}", path.display()))
}

/// A `*-body.xml` descriptor: `<body><contentType>..</contentType><contents eol=".."
/// encoding="..">CDATA</contents></body>`.
fn body_descriptor(text: &str) -> (Vec<u8>, ContentType) {
    let doc = roxmltree::Document::parse(text).expect("a valid body descriptor");
    let root = doc.root_element();
    let child = |n: &str| root.children().find(|c| c.has_tag_name(n));
    let ct = child("contentType")
        .and_then(|c| c.text())
        .and_then(|t| ContentType::parse(t.trim()))
        .unwrap_or_else(ContentType::text);
    let contents = child("contents").expect("a contents element");
    let mut body: String = contents
        .children()
        .filter_map(|c| c.text())
        .collect::<String>();
    // The CDATA starts and ends on their own lines.
    body = body.strip_prefix('\n').unwrap_or(&body).to_string();
    if let Some(i) = body.rfind('\n') {
        if body[i..].trim().is_empty() {
            body.truncate(i);
        }
    }
    if contents.attribute("eol") == Some("CRLF") {
        body = body.replace("\r\n", "\n").replace('\n', "\r\n");
        if !body.ends_with("\r\n") {
            body.push_str("\r\n");
        }
    }
    let bytes = if contents.attribute("encoding") == Some("base64") {
        use base64::Engine as _;
        base64::engine::general_purpose::STANDARD
            .decode(body.split_whitespace().collect::<String>())
            .expect("base64 contents")
    } else {
        body.into_bytes()
    };
    (bytes, ct)
}

/// A body cell with the content type it implies.
pub fn body(suite: &Path, cell: &str) -> Body {
    let cell = cell.trim();
    if let Some(name) = cell.strip_prefix("file: ") {
        let name = name.trim();
        let bytes = read_fixture(suite, name);
        if name.ends_with("-body.xml") {
            let (bytes, ct) = body_descriptor(&String::from_utf8_lossy(&bytes));
            return Body::bytes(bytes, Some(ct));
        }
        let ct = match Path::new(name).extension().and_then(|e| e.to_str()) {
            Some("json") => "application/json",
            Some("xml") => "application/xml",
            Some("jpg" | "jpeg") => "image/jpeg",
            Some("pdf") => "application/pdf",
            Some("txt") => "text/plain",
            _ => "application/octet-stream",
        };
        return Body::bytes(bytes, ContentType::parse(ct));
    }
    if let Some(json) = cell.strip_prefix("JSON: ") {
        let v: Value = serde_json::from_str(&unescape(json)).expect("a JSON cell");
        return Body::json(&v);
    }
    if let Some(xml) = cell.strip_prefix("XML: ") {
        return Body::bytes(
            unescape(xml).into_bytes(),
            ContentType::parse("application/xml"),
        );
    }
    if cell == "EMPTY" {
        return Body::Empty;
    }
    Body::bytes(cell.as_bytes().to_vec(), Some(ContentType::text()))
}

/// True when a body cell names its own content type (`file:`, `JSON:`, `XML:`); bare text
/// takes the content type of the part it goes into, text/plain when that has none.
pub fn declares_content_type(cell: &str) -> bool {
    let cell = cell.trim();
    ["file: ", "JSON: ", "XML: "]
        .iter()
        .any(|p| cell.starts_with(p))
}

/// A JSON document cell: `file: NAME` or `JSON: {...}`.
pub fn json_document(suite: &Path, cell: &str) -> Value {
    let cell = cell.trim();
    let text = match cell.strip_prefix("file: ") {
        Some(name) => String::from_utf8_lossy(&read_fixture(suite, name.trim())).into_owned(),
        None => match cell.strip_prefix("JSON: ") {
            Some(j) => unescape(j),
            None => String::from_utf8_lossy(&read_fixture(suite, cell)).into_owned(),
        },
    };
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("JSON cell {cell}: {e}"))
}

/// `'X-A: 1', 'X-B: 2'`.
pub fn headers(cell: &str) -> MultiMap {
    let mut m = MultiMap::default();
    for item in cell.split("',") {
        let item = item.trim().trim_matches('\'');
        if let Some((k, v)) = item.split_once(':') {
            m.add(k.trim(), v.trim());
        }
    }
    m
}

/// `a=1&b=2`.
pub fn query(cell: &str) -> MultiMap {
    parse_query_string(cell.trim(), false)
}

/// A table as a list of rows keyed by the header row.
pub fn rows(step: &cucumber::gherkin::Step) -> Vec<Vec<(String, String)>> {
    let table = step.table.as_ref().expect("the step has a table");
    let header = &table.rows[0];
    table.rows[1..]
        .iter()
        .map(|r| {
            header
                .iter()
                .cloned()
                .zip(r.iter().cloned())
                .collect::<Vec<(String, String)>>()
        })
        .collect()
}

/// A table of parameter names over one row of JSON literals, as a JSON object.
pub fn parameters(step: &cucumber::gherkin::Step) -> Value {
    let row = rows(step).remove(0);
    let params: serde_json::Map<String, Value> = row
        .into_iter()
        .map(|(k, v)| {
            let value = serde_json::from_str(v.trim())
                .unwrap_or_else(|e| panic!("parameter {k} = {v} is not JSON: {e}"));
            (k, value)
        })
        .collect();
    Value::Object(params)
}

/// The single cell of a one-cell table.
pub fn single_cell(step: &cucumber::gherkin::Step) -> String {
    let table = step.table.as_ref().expect("the step has a table");
    table.rows[0][0].clone()
}

/// Sets the `Content-Type` header, replacing any value it had.
pub fn set_content_type(headers: &mut Option<MultiMap>, ct: &str) {
    let headers = headers.get_or_insert_with(MultiMap::default);
    match headers.get_mut_ignore_case("content-type") {
        Some(values) => *values = vec![ct.to_string()],
        None => headers.add("Content-Type", ct),
    }
}

/// Adds a `Content-Type` header from the body's declared content type, unless there is one.
pub fn with_body_content_type(headers: &mut Option<MultiMap>, body: &Body) {
    if let Some(ct) = body.declared_content_type() {
        if headers
            .as_ref()
            .and_then(|h| h.get_ignore_case("content-type"))
            .is_none()
        {
            set_content_type(headers, &ct.to_string());
        }
    }
}

fn matching_rules(suite: &Path, cell: &str) -> MatchingRules {
    MatchingRules::from_json(&json_document(suite, cell)).expect("valid matching rules")
}

fn generators(suite: &Path, cell: &str) -> Generators {
    Generators::from_json(&json_document(suite, cell)).expect("valid generators")
}

/// A request from a row (`method`, `path`, `query`, `headers`, `body`, `content type`,
/// `matching rules`, `generators`; other columns are ignored, and so are empty cells). It is
/// a `GET /` unless the row says otherwise, and its `Content-Type` header is the `content
/// type` cell, else the body's.
pub fn request(suite: &Path, row: &[(String, String)]) -> Request {
    let mut req = Request {
        method: "GET".into(),
        path: "/".into(),
        ..Request::default()
    };
    for (k, v) in row.iter().filter(|(_, v)| !v.trim().is_empty()) {
        match k.as_str() {
            "method" => req.method = v.trim().to_uppercase(),
            "path" => req.path = v.trim().to_string(),
            "body" => req.body = body(suite, v),
            "query" => req.query = Some(query(v)),
            "headers" => req.headers = Some(headers(v)),
            "content type" => set_content_type(&mut req.headers, v.trim()),
            "matching rules" => req.matching_rules = matching_rules(suite, v),
            "generators" => req.generators = generators(suite, v),
            _ => {}
        }
    }
    with_body_content_type(&mut req.headers, &req.body);
    req
}

/// A response from a row (`status`, `headers`, `content type`, `body`, `matching rules`,
/// `generators`; other columns and empty cells are ignored), 200 unless the row says
/// otherwise. Its `Content-Type` header is the `content type` cell, else the body's.
pub fn response(suite: &Path, row: &[(String, String)]) -> Response {
    let mut resp = Response::default();
    for (k, v) in row.iter().filter(|(_, v)| !v.trim().is_empty()) {
        match k.as_str() {
            "status" => resp.status = v.trim().parse().expect("a status"),
            "headers" => resp.headers = Some(headers(v)),
            "body" => resp.body = body(suite, v),
            "content type" => set_content_type(&mut resp.headers, v.trim()),
            "matching rules" => resp.matching_rules = matching_rules(suite, v),
            "generators" => resp.generators = generators(suite, v),
            _ => {}
        }
    }
    with_body_content_type(&mut resp.headers, &resp.body);
    resp
}
