//! Integration tests of the pact model: hand-written pact files of every specification version
//! (under `tests/pacts/`) read, written and read again; clear errors for bad input; and
//! generators applied to requests, responses and messages with a seeded random source and a
//! fixed clock.

use pact_core::datetime::DateTime;
use pact_core::generators::{
    DataType, Generator, GeneratorContext, GeneratorMode, Generators, UuidFormat,
};
use pact_core::model::{
    read_pact, read_pact_bytes, AsyncMessage, Body, ContentType, HttpInteraction, Interaction,
    MessageContents, MultiMap, Pact, Request, Response, SpecVersion, SyncMessage,
};
use pact_core::rules::{Category, MatchingRule, RuleList, RuleLogic, StatusClass};
use pact_core::PactError;
use serde_json::{json, Value};
use std::collections::BTreeSet;

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

fn fixture(name: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/pacts")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn load(name: &str) -> Pact {
    read_pact(&fixture(name), name).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn http(p: &Pact, i: usize) -> &HttpInteraction {
    match &p.interactions[i] {
        Interaction::Http(h) => h,
        other => panic!("interaction {i} is {}, not HTTP", other.type_name()),
    }
}

fn async_message(p: &Pact, i: usize) -> &AsyncMessage {
    match &p.interactions[i] {
        Interaction::AsyncMessage(m) => m,
        other => panic!(
            "interaction {i} is {}, not an async message",
            other.type_name()
        ),
    }
}

fn sync_message(p: &Pact, i: usize) -> &SyncMessage {
    match &p.interactions[i] {
        Interaction::SyncMessage(m) => m,
        other => panic!(
            "interaction {i} is {}, not a sync message",
            other.type_name()
        ),
    }
}

fn body_json(b: &Body) -> Value {
    serde_json::from_slice(b.as_bytes())
        .unwrap_or_else(|e| panic!("body is not JSON ({e}): {:?}", b.as_str()))
}

/// The single rule list for `key` (a body path, a header, query or metadata name, or `""`).
fn rules<'a>(rules: &'a pact_core::rules::MatchingRules, c: Category, key: &str) -> &'a RuleList {
    let cat = rules
        .category(c)
        .unwrap_or_else(|| panic!("no {} rules", c.name()));
    let found = if c.is_single() {
        cat.single()
    } else {
        cat.iter().find(|(k, _, _)| *k == key).map(|(_, _, r)| r)
    };
    found.unwrap_or_else(|| panic!("no {} rule for '{key}'", c.name()))
}

fn generator<'a>(g: &'a Generators, c: Category, key: &str) -> &'a Generator {
    g.category(c)
        .find(|(k, _)| *k == key)
        .map(|(_, g)| g)
        .unwrap_or_else(|| panic!("no {} generator for '{key}'", c.name()))
}

/// The V4 writer always writes a key; the model only has one when the file gave it.
fn with_keys(p: &Pact) -> Pact {
    let mut p = p.clone();
    for i in &mut p.interactions {
        let key = i.info().key();
        i.info_mut().key = Some(key);
    }
    p
}

fn assert_same_pact(expected: &Pact, actual: &Pact, what: &str) {
    assert_eq!(actual.consumer, expected.consumer, "{what}: consumer");
    assert_eq!(actual.provider, expected.provider, "{what}: provider");
    assert_eq!(actual.metadata, expected.metadata, "{what}: metadata");
    assert_eq!(
        actual.interactions.len(),
        expected.interactions.len(),
        "{what}: number of interactions"
    );
    for (i, (a, e)) in actual
        .interactions
        .iter()
        .zip(&expected.interactions)
        .enumerate()
    {
        assert_eq!(a, e, "{what}: interaction {i}");
    }
}

/// Writes `pact` as `spec`, checks the text is deterministic, sorted and canonical, reads it
/// back and checks it is a fixed point of writing. Returns the pact read back.
fn write_and_read(pact: &Pact, spec: SpecVersion, what: &str) -> Pact {
    let text = pact.to_json_string(spec);
    assert_eq!(
        text,
        pact.to_json_string(spec),
        "{what}: writing twice differs"
    );
    assert!(text.ends_with("}\n"), "{what}: no final newline");
    assert_keys_sorted(&text, what);
    let value: Value = serde_json::from_str(&text).unwrap();
    let mut reserialised = serde_json::to_string_pretty(&value).unwrap();
    reserialised.push('\n');
    assert_eq!(
        reserialised, text,
        "{what}: output is not canonical (sorted) JSON"
    );
    assert_eq!(
        value.pointer("/metadata/pactSpecification/version"),
        Some(&json!(spec.max(SpecVersion::V2).as_str())),
        "{what}: declared version"
    );
    let back = read_pact(&text, what).unwrap_or_else(|e| panic!("{what}: re-reading: {e}\n{text}"));
    assert_eq!(
        back.spec,
        spec.max(SpecVersion::V2),
        "{what}: version read back"
    );
    assert_eq!(
        back.to_json_string(spec),
        text,
        "{what}: not a fixed point of writing"
    );
    back
}

/// Round trip through each version in `specs`, comparing the model read back with the original.
fn round_trip(name: &str, specs: &[SpecVersion]) -> Pact {
    let pact = load(name);
    for &spec in specs {
        let what = format!("{name} as {spec}");
        let back = write_and_read(&pact, spec, &what);
        let mut expected = pact.clone();
        if spec == SpecVersion::V4 {
            expected = with_keys(&expected);
        }
        assert_same_pact(&expected, &back, &what);
    }
    pact
}

/// Checks that the keys of every object of `text` are in ascending (byte) order, by reading
/// the text itself so that the check does not depend on how serde_json orders its maps.
fn assert_keys_sorted(text: &str, what: &str) {
    struct Scanner<'a> {
        s: &'a [u8],
        i: usize,
        what: &'a str,
    }
    impl Scanner<'_> {
        fn ws(&mut self) {
            while self.i < self.s.len() && self.s[self.i].is_ascii_whitespace() {
                self.i += 1;
            }
        }
        fn expect(&mut self, b: u8) {
            self.ws();
            assert_eq!(
                self.s.get(self.i),
                Some(&b),
                "{}: expected '{}' at byte {}",
                self.what,
                b as char,
                self.i
            );
            self.i += 1;
        }
        fn string(&mut self) -> String {
            self.ws();
            let start = self.i;
            self.expect(b'"');
            while self.s[self.i] != b'"' {
                self.i += if self.s[self.i] == b'\\' { 2 } else { 1 };
            }
            self.i += 1;
            serde_json::from_slice(&self.s[start..self.i]).unwrap()
        }
        fn value(&mut self, path: &str) {
            self.ws();
            match self.s[self.i] {
                b'{' => {
                    self.i += 1;
                    let mut previous: Option<String> = None;
                    self.ws();
                    if self.s[self.i] == b'}' {
                        self.i += 1;
                        return;
                    }
                    loop {
                        let key = self.string();
                        if let Some(p) = &previous {
                            assert!(
                                p < &key,
                                "{}: at {path}, key '{key}' comes after '{p}'",
                                self.what
                            );
                        }
                        self.expect(b':');
                        self.value(&format!("{path}.{key}"));
                        previous = Some(key);
                        self.ws();
                        match self.s[self.i] {
                            b',' => self.i += 1,
                            b'}' => {
                                self.i += 1;
                                return;
                            }
                            c => panic!(
                                "{}: unexpected '{}' at byte {}",
                                self.what, c as char, self.i
                            ),
                        }
                    }
                }
                b'[' => {
                    self.i += 1;
                    self.ws();
                    if self.s[self.i] == b']' {
                        self.i += 1;
                        return;
                    }
                    let mut n = 0;
                    loop {
                        self.value(&format!("{path}[{n}]"));
                        n += 1;
                        self.ws();
                        match self.s[self.i] {
                            b',' => self.i += 1,
                            b']' => {
                                self.i += 1;
                                return;
                            }
                            c => panic!(
                                "{}: unexpected '{}' at byte {}",
                                self.what, c as char, self.i
                            ),
                        }
                    }
                }
                b'"' => {
                    self.string();
                }
                _ => {
                    while self.i < self.s.len() && !b",]} \n\r\t".contains(&self.s[self.i]) {
                        self.i += 1;
                    }
                }
            }
        }
    }
    let mut s = Scanner {
        s: text.as_bytes(),
        i: 0,
        what,
    };
    s.value("$");
    s.ws();
    assert_eq!(s.i, text.len(), "{what}: trailing text");
}

#[test]
fn the_key_order_check_can_fail() {
    assert_keys_sorted(
        r#"{"a": {"x": [1, {"b": 2, "c": "}"}]}, "b": null}"#,
        "sorted",
    );
    let unsorted =
        std::panic::catch_unwind(|| assert_keys_sorted(r#"{"a": [{"c": 1, "b": 2}]}"#, "t"));
    assert!(unsorted.is_err());
}

// ---------------------------------------------------------------------------------------------
// 1. Round trips of hand-written pact files
// ---------------------------------------------------------------------------------------------

const V2_UP: &[SpecVersion] = &[SpecVersion::V2, SpecVersion::V3, SpecVersion::V4];
const V3_UP: &[SpecVersion] = &[SpecVersion::V3, SpecVersion::V4];

#[test]
fn v1_pact_round_trips_through_v2_v3_and_v4() {
    let p = round_trip("v1.json", V2_UP);
    assert_eq!(p.spec, SpecVersion::V1);
    assert_eq!(p.consumer, "Zoo App");
    assert_eq!(p.provider, "Alligator Service");
    assert!(
        p.metadata.is_empty(),
        "pactSpecificationVersion is not kept as metadata"
    );
    assert_eq!(p.interactions.len(), 3);

    let get = http(&p, 0);
    assert_eq!(get.info.description, "a request for an alligator");
    assert_eq!(get.info.provider_states.len(), 1);
    assert_eq!(
        get.info.provider_states[0].name,
        "there is an alligator named Mary"
    );
    assert_eq!(get.request.method, "GET", "method is upper-cased");
    let q = get.request.query.as_ref().unwrap();
    assert_eq!(q.get("include").unwrap(), ["teeth", "tail"]);
    assert_eq!(q.get("q").unwrap(), ["hello world"], "%20 is decoded");
    assert_eq!(
        get.request.headers.as_ref().unwrap().get("Accept").unwrap(),
        ["application/json"]
    );
    assert_eq!(get.request.body, Body::Missing);
    assert_eq!(get.response.status, 200);
    let ct = get.response.content_type().unwrap();
    assert_eq!(ct.essence(), "application/json");
    assert_eq!(ct.parameter("charset"), Some("utf-8"));
    let body = body_json(&get.response.body);
    assert_eq!(
        body["teeth"][1],
        json!({"position": "back", "sharp": false})
    );
    assert_eq!(body["weight"], json!(361.5));
    assert_eq!(body["nickname"], Value::Null);

    let post = http(&p, 1);
    assert_eq!(post.request.body.as_str(), Some("two chickens and a fish"));
    assert_eq!(post.request.content_type().unwrap().essence(), "text/plain");
    assert_eq!(post.response.status, 201);
    assert_eq!(post.response.body.as_str(), Some("Meal 17 served"));

    let missing = http(&p, 2);
    assert!(missing.info.provider_states.is_empty());
    assert_eq!(missing.request.query, None);
    assert_eq!(missing.request.headers, None);
    assert_eq!(missing.response.status, 404);
    assert_eq!(missing.response.body, Body::Missing);

    // V1 is written as V2: query as a string, providerState as a string.
    assert_eq!(
        p.to_json_string(SpecVersion::V1),
        p.to_json_string(SpecVersion::V2)
    );
    let v2 = p.to_json(SpecVersion::V2);
    assert_eq!(
        v2["interactions"][0]["request"]["query"],
        json!("q=hello+world&include=teeth&include=tail")
    );
    assert_eq!(
        v2["interactions"][0]["providerState"],
        json!("there is an alligator named Mary")
    );
    assert_eq!(
        v2["interactions"][1]["request"]["body"],
        json!("two chickens and a fish")
    );
    assert!(v2["interactions"][2]["response"].get("body").is_none());
    let v3 = p.to_json(SpecVersion::V3);
    assert_eq!(
        v3["interactions"][0]["request"]["query"],
        json!({"include": ["teeth", "tail"], "q": ["hello world"]})
    );
    assert_eq!(
        v3["interactions"][0]["providerStates"],
        json!([{"name": "there is an alligator named Mary"}])
    );
    let v4 = p.to_json(SpecVersion::V4);
    assert_eq!(v4["interactions"][0]["type"], json!("Synchronous/HTTP"));
    assert_eq!(
        v4["interactions"][0]["response"]["body"]["contentType"],
        json!("application/json;charset=utf-8")
    );
    assert_eq!(
        v4["interactions"][0]["response"]["body"]["encoded"],
        json!(false)
    );
    assert_eq!(
        v4["interactions"][1]["request"]["body"]["content"],
        json!("two chickens and a fish")
    );
}

#[test]
fn v1_1_pact_round_trips_through_v2_v3_and_v4() {
    let p = round_trip("v1_1.json", V2_UP);
    assert_eq!(p.spec, SpecVersion::V1_1);
    assert_eq!(
        p.metadata,
        *json!({"pact-jvm": {"version": "2.2.9"}})
            .as_object()
            .unwrap()
    );
    assert_eq!(p.interactions.len(), 3);

    let list = http(&p, 0);
    assert_eq!(
        list.info.provider_states[0].name, "customer 42 has two invoices",
        "provider_state"
    );
    let q = list.request.query.as_ref().unwrap();
    assert_eq!(q.get("status").unwrap(), ["open"]);
    assert_eq!(q.get("sort").unwrap(), ["-date"]);
    let h = list.request.headers.as_ref().unwrap();
    assert_eq!(
        h.get_ignore_case("accept").unwrap(),
        ["application/json, text/plain"]
    );
    assert_eq!(h.get("Authorization").unwrap(), ["Bearer abc.def.ghi"]);
    let body = body_json(&list.response.body);
    assert_eq!(body.as_array().unwrap().len(), 2);
    assert_eq!(body[1]["lines"][0]["qty"], json!(2));

    let delete = http(&p, 1);
    assert_eq!(delete.request.method, "DELETE");
    assert_eq!(delete.response.status, 204);
    assert_eq!(delete.response.body, Body::Empty);

    let void = http(&p, 2);
    assert_eq!(void.request.body, Body::Null);
    assert!(void.info.provider_states.is_empty());
    assert_eq!(void.response.status, 409);
    assert_eq!(void.response.body.as_str(), Some("invoice already paid"));
    assert_eq!(
        void.response.content_type().unwrap().parameter("charset"),
        Some("UTF-8")
    );

    let v2 = p.to_json(SpecVersion::V2);
    assert_eq!(v2["interactions"][1]["response"]["body"], json!(""));
    assert_eq!(v2["interactions"][2]["request"]["body"], Value::Null);
    assert_eq!(v2["metadata"]["pact-jvm"], json!({"version": "2.2.9"}));
}

#[test]
fn v2_pact_round_trips_and_its_flat_rules_land_in_their_categories() {
    let p = round_trip("v2.json", V2_UP);
    assert_eq!(p.spec, SpecVersion::V2);
    let search = http(&p, 0);
    let req = &search.request.matching_rules;
    let path = rules(req, Category::Path, "");
    assert_eq!(path.rules.len(), 1);
    assert!(matches!(&path.rules[0], MatchingRule::Regex(r) if r.as_str() == "/users/search/\\d+"));
    assert!(
        matches!(&rules(req, Category::Query, "q").rules[0], MatchingRule::Regex(r) if r.as_str() == "[a-z]+")
    );
    assert!(
        matches!(&rules(req, Category::Query, "page").rules[0], MatchingRule::Regex(r) if r.as_str() == "\\d+")
    );
    let auth = req
        .category(Category::Header)
        .unwrap()
        .for_name("authorization", true)
        .unwrap();
    assert!(matches!(&auth.rules[0], MatchingRule::Regex(r) if r.as_str() == "Bearer [0-9a-f]+"));
    assert!(req.category(Category::Body).is_none());

    let resp = &search.response.matching_rules;
    assert_eq!(resp.category(Category::Header).unwrap().iter().count(), 2);
    assert!(resp.category(Category::Query).is_none());
    assert!(resp.category(Category::Path).is_none());
    let body = resp.category(Category::Body).unwrap();
    let keys: Vec<&str> = body.iter().map(|(k, _, _)| k).collect();
    for k in [
        "$.total",
        "$.users",
        "$.users[*].id",
        "$.users[*].email",
        "$.users[*].roles",
        "$.links",
        "$['links'].next",
    ] {
        assert!(keys.contains(&k), "body rule '{k}' missing from {keys:?}");
    }
    assert_eq!(keys.len(), 7);
    assert_eq!(
        rules(resp, Category::Body, "$.total").rules,
        [MatchingRule::Type]
    );
    assert_eq!(
        rules(resp, Category::Body, "$.users").rules,
        [MatchingRule::MinType(1)],
        "min without match is a type rule"
    );
    assert_eq!(
        rules(resp, Category::Body, "$.users[*].roles").rules,
        [MatchingRule::MinMaxType(1, 5)]
    );
    assert_eq!(
        rules(resp, Category::Body, "$.links").rules,
        [MatchingRule::MaxType(3)]
    );
    assert_eq!(
        rules(
            &http(&p, 1).request.matching_rules,
            Category::Body,
            "$.tags"
        )
        .rules,
        [MatchingRule::MaxType(10)]
    );

    // Written back as V2, the flat keys are what the file had.
    let v2 = p.to_json(SpecVersion::V2);
    let flat = v2["interactions"][0]["response"]["matchingRules"]
        .as_object()
        .unwrap();
    let flat_keys: BTreeSet<&str> = flat.keys().map(String::as_str).collect();
    let expected: BTreeSet<&str> = [
        "$.headers.Content-Type",
        "$.headers.X-Request-Id",
        "$.body.total",
        "$.body.users",
        "$.body.users[*].id",
        "$.body.users[*].email",
        "$.body.users[*].roles",
        "$.body.links",
        "$.body['links'].next",
    ]
    .into_iter()
    .collect();
    assert_eq!(flat_keys, expected);
    assert_eq!(
        flat["$.body.users[*].roles"],
        json!({"match": "type", "min": 1, "max": 5})
    );
    let req_flat = &v2["interactions"][0]["request"]["matchingRules"];
    assert_eq!(
        req_flat["$.path"],
        json!({"match": "regex", "regex": "/users/search/\\d+"})
    );
    assert_eq!(
        req_flat["$.query.q"],
        json!({"match": "regex", "regex": "[a-z]+"})
    );
    assert_eq!(
        req_flat["$.headers.Authorization"],
        json!({"match": "regex", "regex": "Bearer [0-9a-f]+"})
    );
    assert!(v2["interactions"][0]["request"].get("generators").is_none());

    // And as V3 they are grouped by category.
    let v3 = p.to_json(SpecVersion::V3);
    let v3_rules = &v3["interactions"][0]["response"]["matchingRules"];
    assert_eq!(
        v3_rules["body"]["$.users"],
        json!({"combine": "AND", "matchers": [{"match": "type", "min": 1}]})
    );
    assert_eq!(
        v3_rules["header"]["X-Request-Id"]["matchers"][0]["regex"],
        json!("[0-9a-f-]{36}")
    );
    assert_eq!(
        v3["interactions"][0]["request"]["matchingRules"]["path"]["matchers"][0]["match"],
        json!("regex")
    );
}

fn rule_kind(r: &MatchingRule) -> &'static str {
    match r {
        MatchingRule::Equality => "equality",
        MatchingRule::Regex(_) => "regex",
        MatchingRule::Type => "type",
        MatchingRule::MinType(_) => "min",
        MatchingRule::MaxType(_) => "max",
        MatchingRule::MinMaxType(..) => "minmax",
        MatchingRule::Include(_) => "include",
        MatchingRule::Integer => "integer",
        MatchingRule::Decimal => "decimal",
        MatchingRule::Number => "number",
        MatchingRule::Timestamp(_) => "timestamp",
        MatchingRule::Date(_) => "date",
        MatchingRule::Time(_) => "time",
        MatchingRule::Null => "null",
        MatchingRule::Boolean => "boolean",
        MatchingRule::ContentType(_) => "contentType",
        MatchingRule::Values => "values",
        MatchingRule::ArrayContains(_) => "arrayContains",
        MatchingRule::StatusCode(_) => "statusCode",
        MatchingRule::NotEmpty => "notEmpty",
        MatchingRule::Semver => "semver",
        MatchingRule::EachKey(_) => "eachKey",
        MatchingRule::EachValue(_) => "eachValue",
    }
}

fn all_rule_kinds(p: &Pact) -> BTreeSet<&'static str> {
    fn add(out: &mut BTreeSet<&'static str>, r: &pact_core::rules::MatchingRules) {
        for c in Category::ALL {
            for (_, _, list) in r.category(c).into_iter().flat_map(|c| c.iter()) {
                for rule in &list.rules {
                    out.insert(rule_kind(rule));
                    if let MatchingRule::EachKey(n) | MatchingRule::EachValue(n) = rule {
                        out.extend(n.iter().map(rule_kind));
                    }
                }
            }
        }
    }
    let mut out = BTreeSet::new();
    for i in &p.interactions {
        match i {
            Interaction::Http(h) => {
                add(&mut out, &h.request.matching_rules);
                add(&mut out, &h.response.matching_rules);
            }
            Interaction::AsyncMessage(m) => add(&mut out, &m.message.matching_rules),
            Interaction::SyncMessage(m) => {
                add(&mut out, &m.request.matching_rules);
                for r in &m.responses {
                    add(&mut out, &r.matching_rules);
                }
            }
        }
    }
    out
}

#[test]
fn v3_pact_round_trips_with_every_matcher_and_generator() {
    let p = round_trip("v3.json", V3_UP);
    assert_eq!(p.spec, SpecVersion::V3);
    assert_eq!(p.metadata["pact-jvm"], json!({"version": "4.6.5"}));
    let order = http(&p, 0);
    let states = &order.info.provider_states;
    assert_eq!(states.len(), 2);
    assert_eq!(states[0].name, "an order exists");
    assert_eq!(
        Value::Object(states[0].params.clone()),
        json!({"id": 1234, "status": "open"})
    );
    assert_eq!(states[1].name, "the user is logged in");
    assert!(states[1].params.is_empty());
    assert_eq!(
        Value::Object(http(&p, 1).info.provider_states[0].params.clone()),
        json!({"name": "Mary", "tags": ["vip"], "address": {"city": "Sydney"}})
    );

    let q = order.request.query.as_ref().unwrap();
    assert_eq!(q.get("status").unwrap(), ["open", "pending"]);
    assert_eq!(q.get("limit").unwrap(), ["10"]);

    // Rules: categories, combination, and every V3 matcher type.
    let req = &order.request.matching_rules;
    let status_q = rules(req, Category::Query, "status");
    assert_eq!(status_q.logic, RuleLogic::Or);
    assert_eq!(status_q.rules.len(), 2);
    assert_eq!(
        rules(req, Category::Query, "limit").rules,
        [MatchingRule::Integer]
    );
    assert!(matches!(
        &rules(req, Category::Path, "").rules[0],
        MatchingRule::Regex(_)
    ));
    assert!(req
        .category(Category::Header)
        .unwrap()
        .for_name("x-request-id", true)
        .is_some());

    let resp = &order.response.matching_rules;
    let id = rules(resp, Category::Body, "$.id");
    assert_eq!(id.logic, RuleLogic::And);
    assert_eq!(id.rules, [MatchingRule::Type, MatchingRule::Integer]);
    let reference = rules(resp, Category::Body, "$.reference");
    assert_eq!(reference.rules[1], MatchingRule::Include("ORD-".into()));
    assert_eq!(
        rules(resp, Category::Body, "$.currency").logic,
        RuleLogic::And,
        "AND by default"
    );
    assert_eq!(rules(resp, Category::Body, "$.status").logic, RuleLogic::Or);
    assert!(
        matches!(&rules(resp, Category::Body, "$.createdAt").rules[0], MatchingRule::Timestamp(f) if f.as_str() == "yyyy-MM-dd'T'HH:mm:ss")
    );
    assert!(
        matches!(&rules(resp, Category::Body, "$.deliveryDate").rules[0], MatchingRule::Date(f) if f.as_str() == "yyyy-MM-dd")
    );
    assert!(
        matches!(&rules(resp, Category::Body, "$.deliveryWindow").rules[0], MatchingRule::Time(f) if f.as_str() == "HH:mm")
    );
    assert_eq!(
        rules(resp, Category::Body, "$.items").rules,
        [MatchingRule::MinType(1)]
    );
    assert_eq!(
        rules(resp, Category::Body, "$.tags").rules,
        [MatchingRule::MaxType(3)]
    );
    assert_eq!(
        rules(resp, Category::Body, "$.sizes").rules,
        [MatchingRule::MinMaxType(1, 4)]
    );
    assert_eq!(
        rules(resp, Category::Body, "$.attributes").rules,
        [MatchingRule::Values]
    );
    assert_eq!(
        rules(&http(&p, 1).response.matching_rules, Category::Body, "$").rules,
        [MatchingRule::ContentType("text/plain".into())]
    );
    let kinds = all_rule_kinds(&p);
    let every_v3: BTreeSet<&str> = [
        "equality",
        "regex",
        "type",
        "min",
        "max",
        "minmax",
        "include",
        "integer",
        "decimal",
        "number",
        "timestamp",
        "date",
        "time",
        "null",
        "boolean",
        "contentType",
        "values",
    ]
    .into_iter()
    .collect();
    assert_eq!(kinds, every_v3);

    // Generators of every type, in the categories the file put them.
    let rg = &order.request.generators;
    assert_eq!(
        *generator(rg, Category::Path, ""),
        Generator::ProviderState {
            expression: "/orders/${id}".into(),
            data_type: Some(DataType::String)
        }
    );
    assert_eq!(
        *generator(rg, Category::Query, "limit"),
        Generator::RandomInt { min: 1, max: 50 }
    );
    assert_eq!(
        *generator(rg, Category::Header, "X-Request-Id"),
        Generator::Uuid(UuidFormat::LowerCaseHyphenated)
    );
    let g = &order.response.generators;
    let body = |k: &str| generator(g, Category::Body, k).clone();
    assert_eq!(body("$.id"), Generator::RandomInt { min: 1, max: 9999 });
    assert_eq!(
        body("$.orderId"),
        Generator::ProviderState {
            expression: "${id}".into(),
            data_type: Some(DataType::Integer)
        }
    );
    assert_eq!(body("$.total"), Generator::RandomDecimal { digits: 4 });
    assert_eq!(body("$.hexId"), Generator::RandomHexadecimal { digits: 6 });
    assert_eq!(body("$.token"), Generator::RandomString { size: 9 });
    assert_eq!(body("$.code"), Generator::Regex("[A-Z]{2}-\\d{4}".into()));
    assert_eq!(
        body("$.uuid"),
        Generator::Uuid(UuidFormat::LowerCaseHyphenated)
    );
    assert_eq!(body("$.trackingId"), Generator::Uuid(UuidFormat::Simple));
    assert_eq!(
        body("$.deliveryDate"),
        Generator::Date {
            format: Some("yyyy-MM-dd".into()),
            expression: Some("today + 2 days".into())
        }
    );
    assert_eq!(
        body("$.deliveryWindow"),
        Generator::Time {
            format: Some("HH:mm".into()),
            expression: Some("now + 1 hour".into())
        }
    );
    assert_eq!(
        body("$.createdAt"),
        Generator::DateTime {
            format: Some("yyyy-MM-dd'T'HH:mm:ss".into()),
            expression: Some("tomorrow @ noon".into())
        }
    );
    assert_eq!(body("$.gift"), Generator::RandomBoolean);
    assert_eq!(
        body("$.links.self"),
        Generator::MockServerUrl {
            example: "http://localhost:8080/orders/1234".into(),
            regex: ".*(/orders/\\d+)$".into()
        }
    );
    assert_eq!(
        *generator(g, Category::Status, ""),
        Generator::RandomInt { min: 200, max: 200 }
    );
    assert_eq!(g.category(Category::Body).count(), 13);

    // Text bodies stay text.
    let greeting = http(&p, 1);
    assert_eq!(greeting.request.body.as_str(), Some("Mary"));
    assert_eq!(greeting.response.body.as_str(), Some("Hello, Mary"));

    // V3 output keeps query values as lists and writes generators; V2 output has neither.
    let v3 = p.to_json(SpecVersion::V3);
    assert_eq!(
        v3["interactions"][0]["request"]["query"]["status"],
        json!(["open", "pending"])
    );
    assert_eq!(
        v3["interactions"][0]["response"]["generators"]["status"],
        json!({"type": "RandomInt", "min": 200, "max": 200})
    );
    assert_eq!(
        v3["interactions"][0]["response"]["matchingRules"]["body"]["$.status"]["combine"],
        json!("OR")
    );
    let v2 = p.to_json(SpecVersion::V2);
    assert_eq!(
        v2["interactions"][0]["request"]["query"],
        json!("limit=10&status=open&status=pending")
    );
    assert!(v2["interactions"][0]["response"]
        .get("generators")
        .is_none());
    assert_eq!(
        v2["interactions"][0]["providerState"],
        json!("an order exists")
    );
}

#[test]
fn v3_message_pact_round_trips() {
    let p = round_trip("v3_message.json", V3_UP);
    assert_eq!(p.spec, SpecVersion::V3);
    assert_eq!(p.interactions.len(), 2);
    let created = async_message(&p, 0);
    assert_eq!(created.info.description, "an order created event");
    assert_eq!(created.info.provider_states[0].params["id"], json!(1234));
    let m = &created.message;
    assert_eq!(
        Value::Object(m.metadata.clone()),
        json!({"contentType": "application/json", "topic": "orders", "partition": 3})
    );
    assert_eq!(m.content_type().unwrap().essence(), "application/json");
    assert_eq!(body_json(&m.contents)["items"][0]["sku"], json!("A-1"));
    assert!(
        matches!(&rules(&m.matching_rules, Category::Metadata, "topic").rules[0], MatchingRule::Regex(r) if r.as_str() == "orders|invoices")
    );
    assert!(
        matches!(&rules(&m.matching_rules, Category::Body, "$.occurredAt").rules[0], MatchingRule::Timestamp(f) if f.as_str() == "yyyy-MM-dd'T'HH:mm:ssXXX")
    );
    assert_eq!(
        *generator(&m.generators, Category::Metadata, "partition"),
        Generator::RandomInt { min: 0, max: 7 }
    );
    assert_eq!(
        *generator(&m.generators, Category::Body, "$.eventId"),
        Generator::Uuid(UuidFormat::LowerCaseHyphenated)
    );

    let shipped = async_message(&p, 1);
    assert_eq!(
        shipped.message.contents.as_str(),
        Some("Order 1234 has shipped")
    );
    assert_eq!(
        shipped.message.content_type().unwrap().essence(),
        "text/plain"
    );
    assert!(shipped.message.matching_rules.is_empty());

    // V3 writes a message pact with `messages` and `metaData`; V4 as typed interactions.
    let v3 = p.to_json(SpecVersion::V3);
    assert!(v3.get("interactions").is_none());
    assert_eq!(v3["messages"].as_array().unwrap().len(), 2);
    assert_eq!(v3["messages"][0]["metaData"]["topic"], json!("orders"));
    assert_eq!(
        v3["messages"][1]["contents"],
        json!("Order 1234 has shipped")
    );
    let v4 = p.to_json(SpecVersion::V4);
    assert!(v4.get("messages").is_none());
    assert_eq!(
        v4["interactions"][0]["type"],
        json!("Asynchronous/Messages")
    );
    assert_eq!(v4["interactions"][0]["metadata"]["partition"], json!(3));
    assert_eq!(
        v4["interactions"][0]["contents"]["contentType"],
        json!("application/json")
    );
    assert_eq!(
        v4["interactions"][1]["contents"]["content"],
        json!("Order 1234 has shipped")
    );
    // Messages cannot be written as V2.
    assert_eq!(p.to_json(SpecVersion::V2)["interactions"], json!([]));
}

#[test]
fn v4_pact_round_trips_with_all_interaction_kinds() {
    let p = round_trip("v4.json", &[SpecVersion::V4]);
    assert_eq!(p.spec, SpecVersion::V4);
    let kinds: Vec<&str> = p.interactions.iter().map(Interaction::type_name).collect();
    assert_eq!(
        kinds,
        [
            "Synchronous/HTTP",
            "Synchronous/HTTP",
            "Asynchronous/Messages",
            "Synchronous/Messages"
        ]
    );
    assert_eq!(p.metadata["pactRust"], json!({"models": "1.1.19"}));

    // Keys, pending flags and comments.
    let product = http(&p, 0);
    assert_eq!(product.info.key.as_deref(), Some("2f8a7c61d0b34e59"));
    assert_eq!(product.info.key(), "2f8a7c61d0b34e59");
    assert!(!product.info.pending);
    assert_eq!(
        product.info.comments["testname"],
        json!("catalogue::product::fetches_a_product")
    );
    assert_eq!(product.info.comments["text"].as_array().unwrap().len(), 2);
    assert!(http(&p, 1).info.pending);
    let stock = sync_message(&p, 3);
    assert_eq!(stock.info.key, None);
    assert_eq!(stock.info.key().len(), 16);
    assert!(!stock.info.pending);

    // Multi-valued headers, V4 JSON body, V4-only matchers.
    let h = product.request.headers.as_ref().unwrap();
    assert_eq!(
        h.get("Accept").unwrap(),
        ["application/json", "application/hal+json"]
    );
    assert_eq!(h.get("X-Trace").unwrap(), ["abc123"]);
    assert_eq!(
        rules(&product.request.matching_rules, Category::Header, "X-Trace").rules,
        [MatchingRule::NotEmpty]
    );
    assert_eq!(
        body_json(&product.response.body)["prices"]["USD"],
        json!(13.9)
    );
    let resp = &product.response.matching_rules;
    assert_eq!(
        rules(resp, Category::Status, "").rules,
        [MatchingRule::StatusCode(StatusClass::Success)]
    );
    assert_eq!(
        rules(resp, Category::Body, "$.version").rules,
        [MatchingRule::Semver]
    );
    let tags = rules(resp, Category::Body, "$.tags");
    assert_eq!(tags.rules[0], MatchingRule::NotEmpty);
    assert!(
        matches!(&tags.rules[1], MatchingRule::EachValue(r) if matches!(&r[..], [MatchingRule::Regex(_)]))
    );
    let prices = rules(resp, Category::Body, "$.prices");
    assert!(
        matches!(&prices.rules[0], MatchingRule::EachKey(r) if matches!(&r[..], [MatchingRule::Regex(re)] if re.as_str() == "[A-Z]{3}"))
    );
    assert!(
        matches!(&prices.rules[1], MatchingRule::EachValue(r) if r[..] == [MatchingRule::Number])
    );
    let MatchingRule::ArrayContains(variants) = &rules(resp, Category::Body, "$.variants").rules[0]
    else {
        panic!("not arrayContains");
    };
    assert_eq!(variants.len(), 2);
    assert_eq!(variants[0].index, 0);
    assert_eq!(variants[1].index, 1);
    let (key, _, colour) = variants[1].rules.iter().next().unwrap();
    assert_eq!(key, "$.colour");
    assert_eq!(colour.logic, RuleLogic::Or);
    assert_eq!(
        colour.rules,
        [MatchingRule::Equality, MatchingRule::Include("bla".into())]
    );
    assert_eq!(
        variants[1].generators,
        json!({"$.sku": {"type": "RandomString", "size": 8}})
    );
    let kinds = all_rule_kinds(&p);
    for k in [
        "statusCode",
        "notEmpty",
        "semver",
        "eachKey",
        "eachValue",
        "arrayContains",
        "contentType",
    ] {
        assert!(kinds.contains(k), "{k} missing from {kinds:?}");
    }

    // A base64 binary body decodes to its bytes; an XML body stays text.
    let upload = http(&p, 1);
    let png: &[u8] = &[
        137, 80, 78, 71, 13, 10, 26, 10, 0, 0, 0, 13, 73, 72, 68, 82, 255, 254, 0, 1,
    ];
    assert_eq!(upload.request.body.as_bytes(), png);
    assert_eq!(
        upload
            .request
            .body
            .declared_content_type()
            .unwrap()
            .essence(),
        "image/png"
    );
    assert_eq!(
        rules(&upload.response.matching_rules, Category::Status, "").rules,
        [MatchingRule::StatusCode(StatusClass::Codes(vec![201, 202]))]
    );
    let xml = upload.response.body.as_str().unwrap();
    assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?><image id=\"77\""));
    assert!(upload.response.content_type().unwrap().is_xml());
    assert!(
        rules(
            &upload.response.matching_rules,
            Category::Body,
            "$.image['@id']"
        )
        .rules
            == [MatchingRule::Integer]
    );

    // The async message.
    let price = async_message(&p, 2);
    assert_eq!(
        price.message.metadata["destination"],
        json!("catalogue.prices")
    );
    assert_eq!(body_json(&price.message.contents)["newPrice"], json!(11.0));
    assert_eq!(
        *generator(&price.message.generators, Category::Body, "$.eventId"),
        Generator::Uuid(UuidFormat::UpperCaseHyphenated)
    );

    // The sync message: one request, two responses.
    assert_eq!(
        body_json(&stock.request.contents),
        json!({"sku": "P-100", "warehouse": "SYD"})
    );
    assert_eq!(stock.request.metadata["replyTo"], json!("stock.replies"));
    assert_eq!(stock.responses.len(), 2);
    assert_eq!(body_json(&stock.responses[0].contents)["stock"], json!(7));
    assert_eq!(
        rules(
            &stock.responses[0].matching_rules,
            Category::Body,
            "$.stock"
        )
        .rules,
        [MatchingRule::Integer]
    );
    assert_eq!(
        *generator(&stock.responses[0].generators, Category::Body, "$.stock"),
        Generator::RandomInt { min: 0, max: 100 }
    );
    assert_eq!(
        stock.responses[1].contents.as_str(),
        Some("stock level sent")
    );
    assert_eq!(
        stock.info.comments["testname"],
        json!("catalogue::stock::queries_stock_over_the_bus")
    );
    assert_eq!(
        stock.info.provider_states[0].params["warehouses"],
        json!(["SYD", "MEL"])
    );

    // What the V4 writer produces.
    let v4 = p.to_json(SpecVersion::V4);
    let image = &v4["interactions"][1]["request"]["body"];
    assert_eq!(
        *image,
        json!({"content": "iVBORw0KGgoAAAANSUhEUv/+AAE=", "contentType": "image/png", "encoded": "base64"})
    );
    assert_eq!(
        v4["interactions"][1]["response"]["body"]["encoded"],
        json!(false)
    );
    assert_eq!(
        v4["interactions"][1]["response"]["body"]["contentType"],
        json!("application/xml")
    );
    assert_eq!(v4["interactions"][1]["pending"], json!(true));
    assert_eq!(
        v4["interactions"][0]["request"]["headers"]["Accept"],
        json!(["application/json", "application/hal+json"])
    );
    assert_eq!(
        v4["interactions"][0]["request"]["headers"]["X-Trace"],
        json!("abc123")
    );
    assert_eq!(v4["interactions"][3]["key"], json!(stock.info.key()));
    assert_eq!(
        v4["interactions"][3]["response"].as_array().unwrap().len(),
        2
    );
    assert_eq!(
        v4["interactions"][0]["response"]["matchingRules"]["status"]["$"]["matchers"][0],
        json!({"match": "statusCode", "status": "success"})
    );

    // Written as V3 the synchronous message (which V3 cannot express) is left out.
    let v3 = p.to_json(SpecVersion::V3);
    assert_eq!(v3["interactions"].as_array().unwrap().len(), 2);
    assert_eq!(v3["messages"].as_array().unwrap().len(), 1);
    assert_eq!(
        v3["messages"][0]["description"],
        json!("a price changed event")
    );
}

#[test]
fn query_strings_keep_their_order_and_maps_are_written_sorted() {
    let text = json!({
        "consumer": {"name": "C"}, "provider": {"name": "P"},
        "interactions": [{
            "description": "d",
            "request": {"method": "GET", "path": "/", "query": "z=1&a=2&z=3"},
            "response": {}
        }],
        "metadata": {"pactSpecification": {"version": "2.0.0"}}
    });
    let p = read_pact(&text.to_string(), "q.json").unwrap();
    let q = http(&p, 0).request.query.clone().unwrap();
    let names: Vec<&str> = q.iter().map(|(k, _)| k).collect();
    assert_eq!(names, ["z", "a"]);
    assert_eq!(q.get("z").unwrap(), ["1", "3"]);
    let v2 = p.to_json(SpecVersion::V2);
    assert_eq!(
        v2["interactions"][0]["request"]["query"],
        json!("z=1&a=2&z=3"),
        "a V2 query string is written back as it was read"
    );
    let v3 = p.to_json_string(SpecVersion::V3);
    assert!(
        v3.contains(
            "\"query\": {\n          \"a\": [\n            \"2\"\n          ],\n          \"z\": ["
        ),
        "{v3}"
    );
    // V3 writes the query as a map: the names come back sorted, the values in order, and the
    // model is equal because name order carries no meaning after V1.
    let back = read_pact(&v3, "q3.json").unwrap();
    let Interaction::Http(h) = &back.interactions[0] else {
        panic!("an HTTP interaction")
    };
    let names: Vec<&str> = h
        .request
        .query
        .as_ref()
        .unwrap()
        .iter()
        .map(|(k, _)| k)
        .collect();
    assert_eq!(names, ["a", "z"]);
    assert_eq!(back.interactions, p.interactions);
}

#[test]
fn binary_bodies_survive_v2_and_v3_files_as_base64() {
    // A JPEG's first bytes: not UTF-8.
    let jpeg = vec![
        0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 0x4A, 0x46, 0x49, 0x46, 0x80,
    ];
    let mut headers = MultiMap::default();
    headers.add("Content-Type", "image/jpeg");
    let pact = Pact {
        consumer: "C".into(),
        provider: "P".into(),
        interactions: vec![Interaction::Http(HttpInteraction {
            response: Response {
                headers: Some(headers),
                body: Body::bytes(jpeg.clone(), ContentType::parse("image/jpeg")),
                ..Response::default()
            },
            ..HttpInteraction::default()
        })],
        ..Pact::default()
    };
    for spec in [SpecVersion::V2, SpecVersion::V3] {
        let json = pact.to_json(spec);
        assert_eq!(
            json["interactions"][0]["response"]["body"],
            json!("/9j/4AAQSkZJRoA="),
            "{spec:?}"
        );
        let back = read_pact(&json.to_string(), "bin.json").unwrap();
        assert_eq!(http(&back, 0).response.body.as_bytes(), jpeg, "{spec:?}");
    }
    // Strings that are not base64, or under a text type, stay as written.
    let read_body = |ct: &str, body: &str| {
        let text = json!({
            "consumer": {"name": "C"}, "provider": {"name": "P"},
            "interactions": [{"description": "d", "request": {"method": "GET", "path": "/"},
                              "response": {"headers": {"Content-Type": ct}, "body": body}}],
            "metadata": {"pactSpecification": {"version": "3.0.0"}}
        });
        let p = read_pact(&text.to_string(), "s.json").unwrap();
        http(&p, 0).response.body.as_bytes().to_vec()
    };
    assert_eq!(
        read_body("application/octet-stream", "not base64!"),
        b"not base64!"
    );
    assert_eq!(read_body("text/plain", "YWJj"), b"YWJj");
    assert_eq!(read_body("application/octet-stream", "YWJj"), b"abc");
}

#[test]
fn every_fixture_reads_the_same_with_a_byte_order_mark() {
    for name in [
        "v1.json",
        "v1_1.json",
        "v2.json",
        "v3.json",
        "v3_message.json",
        "v4.json",
    ] {
        let mut bytes = b"\xEF\xBB\xBF".to_vec();
        bytes.extend_from_slice(fixture(name).as_bytes());
        assert_eq!(read_pact_bytes(&bytes, name).unwrap(), load(name), "{name}");
    }
}

// ---------------------------------------------------------------------------------------------
// 2. Bad input
// ---------------------------------------------------------------------------------------------

/// Reads `text`, which must fail; returns the error and its Display text.
fn read_err(text: &str, source: &str) -> (PactError, String) {
    match read_pact(text, source) {
        Ok(p) => panic!("{source}: expected an error, read {p:?}"),
        Err(e) => {
            let s = e.to_string();
            (e, s)
        }
    }
}

#[test]
fn malformed_json_names_the_source_line_and_column() {
    // A missing comma at the end of line 3: the parser stops at the next token, line 4 column 3.
    let text = "{\n  \"consumer\": {\"name\": \"A\"},\n  \"provider\": {\"name\": \"B\"}\n  \"interactions\": []\n}\n";
    let (e, s) = read_err(text, "pacts/A-B.json");
    match &e {
        PactError::Json {
            source_name,
            line,
            column,
            message,
        } => {
            assert_eq!(source_name, "pacts/A-B.json");
            assert_eq!((*line, *column), (4, 3));
            assert_eq!(message, "expected `,` or `}`");
        }
        other => panic!("not a JSON error: {other:?}"),
    }
    assert_eq!(
        s,
        "pacts/A-B.json: invalid JSON at line 4, column 3: expected `,` or `}`"
    );

    // A missing comma within line 3.
    let text = "{\n  \"consumer\": {\"name\": \"A\"},\n  \"provider\": {\"name\": \"B\"} \"interactions\": []\n}";
    let (_, s) = read_err(text, "x.json");
    assert_eq!(
        s,
        "x.json: invalid JSON at line 3, column 29: expected `,` or `}`"
    );

    // A trailing comma, an unterminated string, a bare word, trailing text, an empty file.
    let (_, s) = read_err("{\"consumer\": {\"name\": \"A\"},}", "t.json");
    assert!(
        s.starts_with("t.json: invalid JSON at line 1, column 28: trailing comma"),
        "{s}"
    );
    let (_, s) = read_err("{\n\"consumer\": {\"name\": \"A", "u.json");
    assert!(
        s.starts_with("u.json: invalid JSON at line 2, column 23: EOF while parsing a string"),
        "{s}"
    );
    let (_, s) = read_err("{\"a\": nope}", "w.json");
    assert!(
        s.starts_with("w.json: invalid JSON at line 1, column 8: expected ident"),
        "{s}"
    );
    let (_, s) = read_err("{}\n{}", "two.json");
    assert!(
        s.starts_with("two.json: invalid JSON at line 2, column 1: trailing characters"),
        "{s}"
    );
    let (_, s) = read_err("", "empty.json");
    assert!(
        s.starts_with("empty.json: invalid JSON at line 1, column 0: EOF while parsing a value"),
        "{s}"
    );

    // Invalid UTF-8, and nesting deep enough to stop the parser, are errors too.
    match read_pact_bytes(b"{\"consumer\": \"\xff\"}", "bin.json") {
        Err(PactError::Json {
            source_name,
            line: 1,
            ..
        }) => assert_eq!(source_name, "bin.json"),
        other => panic!("{other:?}"),
    }
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let (e, s) = read_err(&deep, "deep.json");
    assert!(matches!(e, PactError::Json { .. }), "{s}");
    assert!(s.contains("recursion limit exceeded"), "{s}");
}

fn base_pact() -> Value {
    json!({
        "consumer": {"name": "C"},
        "provider": {"name": "P"},
        "interactions": [{
            "description": "a request",
            "request": {"method": "GET", "path": "/"},
            "response": {"status": 200, "body": {"a": [1, 2]}}
        }],
        "metadata": {"pactSpecification": {"version": "3.0.0"}}
    })
}

/// Sets the value at a JSON pointer of the base pact, reads it, and returns the error.
fn field_err(pointer: &str, value: Value) -> (String, String, String) {
    let mut doc = base_pact();
    let (parent, key) = pointer.rsplit_once('/').unwrap();
    let target = doc
        .pointer_mut(parent)
        .unwrap_or_else(|| panic!("no {parent}"));
    match target {
        Value::Object(m) => {
            m.insert(key.to_string(), value);
        }
        Value::Array(a) => a[key.parse::<usize>().unwrap()] = value,
        other => panic!("{parent} is {other}"),
    }
    let (e, s) = read_err(&doc.to_string(), "C-P.json");
    match e {
        PactError::Field {
            source_name,
            field,
            message,
        } => {
            assert_eq!(source_name, "C-P.json");
            assert_eq!(s, format!("C-P.json: {field}: {message}"));
            (field, message, s)
        }
        other => panic!("{pointer}: not a field error: {other:?}"),
    }
}

#[test]
fn the_base_pact_of_the_error_tests_is_valid() {
    let p = read_pact(&base_pact().to_string(), "C-P.json").unwrap();
    assert_eq!(http(&p, 0).response.status, 200);
}

#[test]
fn a_field_of_the_wrong_type_names_its_path() {
    let cases: Vec<(&str, Value, &str, &str)> = vec![
        ("/interactions", json!({}), "interactions", "must be a list"),
        ("/messages", json!("x"), "messages", "must be a list"),
        (
            "/interactions/0",
            json!("x"),
            "interactions[0]",
            "an interaction must be an object",
        ),
        (
            "/interactions/0/request",
            json!([]),
            "interactions[0].request",
            "a request must be an object",
        ),
        (
            "/interactions/0/response",
            json!(1),
            "interactions[0].response",
            "a response must be an object",
        ),
        (
            "/interactions/0/response/status",
            json!("abc"),
            "interactions[0].response.status",
            "invalid status \"abc\"",
        ),
        (
            "/interactions/0/response/status",
            json!(-1),
            "interactions[0].response.status",
            "invalid status -1",
        ),
        (
            "/interactions/0/response/status",
            json!(70000),
            "interactions[0].response.status",
            "invalid status 70000",
        ),
        (
            "/interactions/0/response/status",
            json!(20.5),
            "interactions[0].response.status",
            "invalid status 20.5",
        ),
        (
            "/interactions/0/response/status",
            json!(99),
            "interactions[0].response.status",
            "invalid status 99",
        ),
        (
            "/interactions/0/providerStates",
            json!("x"),
            "interactions[0].providerStates",
            "must be a list",
        ),
        (
            "/interactions/0/providerStates",
            json!([{"params": {}}]),
            "interactions[0].providerStates[0].name",
            "missing or not a string",
        ),
        (
            "/interactions/0/providerStates",
            json!([{"name": "s", "params": [1]}]),
            "interactions[0].providerStates[0].params",
            "must be an object",
        ),
        (
            "/interactions/0/providerStates",
            json!([3]),
            "interactions[0].providerStates[0]",
            "must be an object with a name",
        ),
        (
            "/interactions/0/providerState",
            json!(7),
            "interactions[0].providerState",
            "must be a string",
        ),
        (
            "/interactions/0/description",
            json!(7),
            "interactions[0].description",
            "must be a string",
        ),
        (
            "/interactions/0/pending",
            json!("yes"),
            "interactions[0].pending",
            "must be true or false",
        ),
        (
            "/interactions/0/comments",
            json!([]),
            "interactions[0].comments",
            "must be an object",
        ),
        (
            "/interactions/0/request/method",
            json!(1),
            "interactions[0].request.method",
            "must be a string",
        ),
        (
            "/interactions/0/request/path",
            json!(["/"]),
            "interactions[0].request.path",
            "must be a string",
        ),
        (
            "/interactions/0/request/query",
            json!(5),
            "interactions[0].request.query",
            "must be a string or an object",
        ),
        (
            "/interactions/0/request/query",
            json!({"a": [{}]}),
            "interactions[0].request.query.a",
            "expected a string, found {}",
        ),
        (
            "/interactions/0/request/headers",
            json!([]),
            "interactions[0].request.headers",
            "must be an object",
        ),
        (
            "/interactions/0/response/headers",
            json!({"X": {"y": 1}}),
            "interactions[0].response.headers.X",
            "expected a string, found {\"y\":1}",
        ),
        (
            "/interactions/0/type",
            json!("Synchronous/Carrier-Pigeon"),
            "interactions[0].type",
            "unknown interaction type 'Synchronous/Carrier-Pigeon'",
        ),
        (
            "/interactions/0/type",
            json!(4),
            "interactions[0].type",
            "must be a string",
        ),
        (
            "/interactions/0/key",
            json!(17),
            "interactions[0].key",
            "must be a string",
        ),
        (
            "/consumer",
            json!("C"),
            "consumer",
            "must be an object with a name",
        ),
        (
            "/provider",
            json!({"name": 1}),
            "provider.name",
            "missing or not a string",
        ),
        ("/metadata", json!([]), "metadata", "must be an object"),
    ];
    for (pointer, value, field, message) in cases {
        let (f, m, s) = field_err(pointer, value.clone());
        assert_eq!(
            (f.as_str(), m.as_str()),
            (field, message),
            "{pointer} = {value}: {s}"
        );
    }

    // Missing parts.
    let mut doc = base_pact();
    doc["interactions"][0]
        .as_object_mut()
        .unwrap()
        .remove("description");
    let (_, s) = read_err(&doc.to_string(), "C-P.json");
    assert_eq!(s, "C-P.json: interactions[0].description: missing");
    let mut doc = base_pact();
    doc["interactions"][0]
        .as_object_mut()
        .unwrap()
        .remove("response");
    let (_, s) = read_err(&doc.to_string(), "C-P.json");
    assert_eq!(s, "C-P.json: interactions[0].response: missing");
    let mut doc = base_pact();
    doc.as_object_mut().unwrap().remove("provider");
    let (_, s) = read_err(&doc.to_string(), "C-P.json");
    assert_eq!(s, "C-P.json: provider: missing");
    let (_, s) = read_err("[]", "list.json");
    assert_eq!(s, "list.json: $: a pact must be a JSON object");
}

#[test]
fn v4_specific_fields_of_the_wrong_type_name_their_path() {
    let v4 = |interaction: Value| {
        json!({
            "consumer": {"name": "C"}, "provider": {"name": "P"},
            "interactions": [interaction],
            "metadata": {"pactSpecification": {"version": "4.0"}}
        })
        .to_string()
    };
    let cases = [
        (
            json!({"type": "Synchronous/HTTP", "description": "d", "request": {"body": {"content": "!!", "encoded": "base64"}}, "response": {}}),
            "C-P.json: interactions[0].request.body.content: invalid base64",
        ),
        (
            json!({"type": "Synchronous/HTTP", "description": "d", "request": {"body": {"content": "x", "encoded": "gzip"}}, "response": {}}),
            "C-P.json: interactions[0].request.body.encoded: unknown encoding 'gzip'",
        ),
        (
            json!({"type": "Synchronous/HTTP", "description": "d", "request": {"body": {"content": "x", "encoded": 3}}, "response": {}}),
            "C-P.json: interactions[0].request.body.encoded: expected false or an encoding name, found 3",
        ),
        (
            json!({"type": "Synchronous/HTTP", "description": "d", "request": {}, "response": {"body": {"content": "x", "contentType": 3}}}),
            "C-P.json: interactions[0].response.body.contentType: must be a string, found 3",
        ),
        (
            json!({"type": "Synchronous/Messages", "description": "d", "request": {"contents": "x"}, "response": "y"}),
            "C-P.json: interactions[0].response: must be a list",
        ),
        (
            json!({"type": "Synchronous/Messages", "description": "d", "request": {"contents": "x"}, "response": [{"metadata": []}]}),
            "C-P.json: interactions[0].response[0].metadata: must be an object",
        ),
        (
            json!({"type": "Synchronous/Messages", "description": "d"}),
            "C-P.json: interactions[0].request: missing",
        ),
        (
            json!({"type": "Asynchronous/Messages", "description": "d", "contents": "x", "key": 17}),
            "C-P.json: interactions[0].key: must be a string",
        ),
    ];
    for (interaction, expected) in cases {
        let (_, s) = read_err(&v4(interaction.clone()), "C-P.json");
        assert!(
            s.starts_with(expected),
            "{interaction}:\n  got {s}\n  want {expected}"
        );
    }
}

/// Reads the base pact with `rules` as the response's matchingRules; returns the error text.
fn rules_err(rules: Value) -> String {
    let mut doc = base_pact();
    doc["interactions"][0]["response"]["matchingRules"] = rules.clone();
    let (e, s) = read_err(&doc.to_string(), "C-P.json");
    match e {
        PactError::Field { field, .. } => {
            assert_eq!(field, "interactions[0].response.matchingRules", "{rules}")
        }
        other => panic!("{rules}: {other:?}"),
    }
    s
}

fn generators_err(generators: Value) -> String {
    let mut doc = base_pact();
    doc["interactions"][0]["response"]["generators"] = generators.clone();
    let (e, s) = read_err(&doc.to_string(), "C-P.json");
    match e {
        PactError::Field { field, .. } => {
            assert_eq!(field, "interactions[0].response.generators", "{generators}")
        }
        other => panic!("{generators}: {other:?}"),
    }
    s
}

fn assert_contains(s: &str, parts: &[&str]) {
    for p in parts {
        assert!(s.contains(p), "'{p}' not in: {s}");
    }
}

#[test]
fn bad_matching_rules_are_clear_errors() {
    let body = |m: Value| json!({"body": {"$.a": {"combine": "AND", "matchers": [m]}}});
    let s = rules_err(body(json!({"match": "bogus"})));
    assert_eq!(
        s,
        "C-P.json: interactions[0].response.matchingRules: body: $.a: unknown matcher type 'bogus'"
    );
    let s = rules_err(json!({"$.body.a": {"match": "bogus"}}));
    assert_contains(&s, &["$.body.a", "unknown matcher type 'bogus'"]);

    let s = rules_err(body(json!({"match": "regex", "regex": "[a-z"})));
    assert_contains(
        &s,
        &[
            "body: $.a: invalid regex '[a-z'",
            "unclosed character class",
        ],
    );
    let s = rules_err(body(json!({"match": "regex", "regex": "("})));
    assert_contains(&s, &["invalid regex '('"]);
    // A regex that is only valid once wrapped in the anchoring group is still invalid.
    let s = rules_err(body(json!({"match": "regex", "regex": "a)|(b"})));
    assert_contains(&s, &["invalid regex 'a)|(b'"]);
    let s = rules_err(body(json!({"match": "regex"})));
    assert_contains(&s, &["a regex matcher needs a 'regex' string"]);

    // As in pact-reference, a bad date/time pattern is not an error when the
    // pact is read: the rule keeps it and fails only when it is used.
    match MatchingRule::from_json(&json!({"match": "date", "format": "yyyy-MM-bb"})) {
        Ok(MatchingRule::Date(p)) => {
            assert_eq!(p.as_str(), "yyyy-MM-bb");
            let problem = p.problem().expect("the pattern is invalid").to_string();
            assert_contains(
                &problem,
                &[
                    "invalid date/time pattern 'yyyy-MM-bb'",
                    "unknown pattern letter 'b'",
                ],
            );
        }
        other => panic!("{other:?}"),
    }
    match MatchingRule::from_json(&json!({"match": "timestamp", "format": "yyyy-MM-dd'T"})) {
        Ok(MatchingRule::Timestamp(p)) => assert_contains(
            &p.problem().expect("the pattern is invalid").to_string(),
            &["'yyyy-MM-dd'T'", "unterminated quote"],
        ),
        other => panic!("{other:?}"),
    }
    let s = rules_err(body(json!({"match": "type", "min": 5, "max": 2})));
    assert_contains(&s, &["min (5) is greater than max (2)"]);
    let s = rules_err(body(json!({"match": "type", "min": -1})));
    assert_contains(&s, &["'min' must be a non-negative integer, found -1"]);
    let s = rules_err(body(json!({"match": "date", "format": 5})));
    assert_contains(&s, &["'format' must be a string, found 5"]);
    let s = rules_err(body(json!({"match": "regex", "regex": ["a"]})));
    assert_contains(&s, &["'regex' must be a string, found [\"a\"]"]);
    let s = rules_err(body(json!({"match": 3})));
    assert_contains(&s, &["'match' must be a string, found 3"]);
    let s = rules_err(body(json!({"match": "statusCode", "status": "teapot"})));
    assert_contains(&s, &["unknown status class 'teapot'"]);
    let s = rules_err(body(
        json!({"match": "arrayContains", "variants": [{"rules": {"$.x": {"matchers": [{"match": "nope"}]}}}]}),
    ));
    assert_contains(&s, &["unknown matcher type 'nope'"]);
    let s = rules_err(json!({"body": {"$.a": {"combine": "XOR", "matchers": []}}}));
    assert_contains(&s, &["unknown rule combination 'XOR'"]);
    let s = rules_err(json!({"body": {"$.a": {"combine": true, "matchers": []}}}));
    assert_contains(&s, &["unknown rule combination true"]);

    // Rule paths that do not parse, in both forms, and unknown categories.
    let s = rules_err(json!({"body": {"$.a[": {"matchers": [{"match": "type"}]}}}));
    assert_contains(&s, &["invalid path expression '$.a['", "unterminated '['"]);
    let s = rules_err(json!({"$.body.a[": {"match": "type"}}));
    assert_contains(&s, &["invalid path expression '$.body.a['"]);
    let s = rules_err(json!({"body": {"$.a b": {"matchers": [{"match": "type"}]}}}));
    assert_contains(
        &s,
        &["invalid path expression '$.a b': unexpected character ' ' at position 3"],
    );
    let s = rules_err(json!({"body": {"$.a]": {"matchers": [{"match": "type"}]}}}));
    assert_contains(&s, &["invalid path expression '$.a]'"]);
    let s = rules_err(json!({"$.bogus.a": {"match": "type"}}));
    assert_contains(&s, &["unknown rule path '$.bogus.a'"]);
    let s = rules_err(json!({"cookies": {}}));
    assert_contains(&s, &["unknown matching rule category 'cookies'"]);
    let s = rules_err(json!([1]));
    assert_contains(&s, &["matchingRules must be an object"]);
}

#[test]
fn bad_generators_are_clear_errors() {
    let body = |g: Value| json!({"body": {"$.a": g}});
    let s = generators_err(body(json!({"type": "Bogus"})));
    assert_eq!(
        s,
        "C-P.json: interactions[0].response.generators: body.$.a: unknown generator type 'Bogus'"
    );
    let s = generators_err(body(json!({"type": "RandomInt", "min": 10, "max": 1})));
    assert_contains(&s, &["body.$.a:", "min (10) is greater than max (1)"]);
    let s = generators_err(body(json!({"type": "RandomInt", "min": "ten"})));
    assert_contains(&s, &["'min' must be an integer, found \"ten\""]);
    let s = generators_err(body(json!({"type": "RandomString", "size": -3})));
    assert_contains(&s, &["'size' must be between 0 and 10000"]);
    let s = generators_err(body(json!({"type": "Regex", "regex": "[a-"})));
    assert_contains(&s, &["[a-"]);
    let s = generators_err(body(json!({"type": "Uuid", "format": "hex"})));
    assert_contains(&s, &["unknown UUID format 'hex'"]);
    let s = generators_err(body(json!({"type": "Date", "format": "yyyy-MM-bb"})));
    assert_contains(&s, &["invalid date/time pattern 'yyyy-MM-bb'"]);
    let s = generators_err(body(
        json!({"type": "DateTime", "expression": "today + 3 fortnights @ teatime"}),
    ));
    assert_contains(
        &s,
        &[
            "invalid datetime expression 'today + 3 fortnights @ teatime'",
            "teatime",
        ],
    );
    let s = generators_err(body(
        json!({"type": "Date", "expression": "tomorrow @ noon"}),
    ));
    assert_contains(&s, &["invalid date expression 'tomorrow @ noon'"]);
    let s = generators_err(body(json!({"type": "Date", "format": 1})));
    assert_contains(&s, &["'format' must be a string, found 1"]);
    let s = generators_err(body(json!({"type": "DateTime", "expression": {"plus": 1}})));
    assert_contains(&s, &["'expression' must be a string, found {\"plus\":1}"]);
    let s = generators_err(body(json!({"type": "ProviderState"})));
    assert_contains(&s, &["a ProviderState generator needs an 'expression'"]);
    let s = generators_err(body(
        json!({"type": "ProviderState", "expression": "${a}", "dataType": "UUID"}),
    ));
    assert_contains(&s, &["unknown dataType 'UUID'"]);
    let s = generators_err(body(
        json!({"type": "MockServerURL", "example": "http://x", "regex": "(.*"}),
    ));
    assert_contains(&s, &["invalid regex '(.*'"]);
    let s = generators_err(body(json!({"min": 1})));
    assert_contains(&s, &["a generator needs a 'type'"]);
    let s = generators_err(json!({"body": {"$.a[": {"type": "RandomBoolean"}}}));
    assert_contains(&s, &["invalid path expression '$.a['"]);
    let s = generators_err(json!({"cookies": {}}));
    assert_contains(&s, &["unknown generator category 'cookies'"]);
    let s = generators_err(json!({"status": {"type": "Nope"}}));
    assert_contains(&s, &["status: unknown generator type 'Nope'"]);
}

#[test]
fn an_unknown_specification_version_is_an_error() {
    for (metadata, field, message) in [
        (
            json!({"pactSpecification": {"version": "9.0.0"}}),
            "metadata.pactSpecification.version",
            "'9.0.0'",
        ),
        (
            json!({"pactSpecification": {"version": ""}}),
            "metadata.pactSpecification.version",
            "''",
        ),
        (
            json!({"pact-specification": {"version": "banana"}}),
            "metadata.pact-specification.version",
            "'banana'",
        ),
        (
            json!({"pactSpecificationVersion": "0.9"}),
            "metadata.pactSpecificationVersion",
            "'0.9'",
        ),
        (
            json!({"pactSpecification": {"version": true}}),
            "metadata.pactSpecification.version",
            "true",
        ),
        (
            json!({"pactSpecification": {"version": 9}}),
            "metadata.pactSpecification.version",
            "9",
        ),
        (
            json!({"pactSpecification": {"version": ["4.0"]}}),
            "metadata.pactSpecification.version",
            "[\"4.0\"]",
        ),
    ] {
        let (f, m, s) = field_err("/metadata", metadata);
        assert_eq!(f, field, "{s}");
        assert_eq!(m, format!("unknown specification version {message}"));
    }

    // Versions in the other accepted spellings.
    for (metadata, spec) in [
        (
            json!({"pactSpecification": {"version": "v4"}}),
            SpecVersion::V4,
        ),
        (
            json!({"pactSpecification": {"version": "1.1"}}),
            SpecVersion::V1_1,
        ),
        (
            json!({"pactSpecification": {"version": 2}}),
            SpecVersion::V2,
        ),
        (
            json!({"pact-specification": {"version": "3.0.0"}}),
            SpecVersion::V3,
        ),
        (
            json!({"pactSpecificationVersion": "1.0.0"}),
            SpecVersion::V1,
        ),
        (json!({}), SpecVersion::V2),
    ] {
        let mut doc = base_pact();
        doc["metadata"] = metadata.clone();
        assert_eq!(
            read_pact(&doc.to_string(), "m").unwrap().spec,
            spec,
            "{metadata}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// 3. Generators
// ---------------------------------------------------------------------------------------------

/// 2024-02-28T13:45:30Z, a Wednesday, the day before a leap day.
const NOW: i64 = 1_709_127_930;

fn ctx(mode: GeneratorMode, seed: u64) -> GeneratorContext {
    GeneratorContext {
        mode,
        provider_state: serde_json::Map::new(),
        mock_server_url: None,
        rng: fastrand::Rng::with_seed(seed),
        now: DateTime::from_unix(NOW, 0),
    }
}

fn regex(re: &str) -> regex::Regex {
    regex::Regex::new(re).unwrap()
}

fn body_generators(pairs: &[(&str, Generator)]) -> Generators {
    let mut g = Generators::default();
    for (k, gen) in pairs {
        g.add(Category::Body, k, gen.clone()).unwrap();
    }
    g
}

fn response_with(body: Value, generators: Generators) -> Response {
    Response {
        body: Body::json(&body),
        generators,
        ..Response::default()
    }
}

fn generated_body(body: Value, pairs: &[(&str, Generator)], c: &mut GeneratorContext) -> Value {
    let g = body_generators(pairs);
    let resp = response_with(body, g.clone());
    body_json(&g.apply_to_response(&resp, c).unwrap().body)
}

#[test]
fn the_clock_of_the_generator_tests_is_what_it_says() {
    let now = DateTime::from_unix(NOW, 0);
    assert_eq!(
        (now.year, now.month, now.day, now.hour, now.minute, now.second),
        (2024, 2, 28, 13, 45, 30)
    );
    assert_eq!(now.offset_minutes, 0);
}

#[test]
fn random_values_are_in_range_and_reproducible_with_a_seed() {
    let pairs = [
        ("$.int", Generator::RandomInt { min: -5, max: 5 }),
        ("$.dec", Generator::RandomDecimal { digits: 6 }),
        ("$.hex", Generator::RandomHexadecimal { digits: 12 }),
        ("$.str", Generator::RandomString { size: 20 }),
        ("$.re", Generator::Regex("[A-Z]{3}-\\d{2,4}(x|y)".into())),
        ("$.bool", Generator::RandomBoolean),
    ];
    let example = json!({"int": 100, "dec": "x", "hex": "x", "str": "x", "re": "x", "bool": "x", "kept": "as is"});
    let mut seen_ints = BTreeSet::new();
    let mut seen_bools = BTreeSet::new();
    for seed in 0..200 {
        let out = generated_body(
            example.clone(),
            &pairs,
            &mut ctx(GeneratorMode::Provider, seed),
        );
        let n = out["int"].as_i64().unwrap();
        assert!((-5..=5).contains(&n), "{n}");
        seen_ints.insert(n);
        let dec = out["dec"].to_string();
        assert!(out["dec"].is_f64(), "{dec}");
        assert_eq!(dec.chars().filter(char::is_ascii_digit).count(), 6, "{dec}");
        assert!(regex("^[0-9a-f]{12}$").is_match(out["hex"].as_str().unwrap()));
        assert!(regex("^[A-Za-z0-9]{20}$").is_match(out["str"].as_str().unwrap()));
        assert!(
            regex(r"^[A-Z]{3}-\d{2,4}(x|y)$").is_match(out["re"].as_str().unwrap()),
            "{}",
            out["re"]
        );
        seen_bools.insert(out["bool"].as_bool().unwrap());
        assert_eq!(out["kept"], json!("as is"));
        // The same seed gives the same values.
        assert_eq!(
            out,
            generated_body(
                example.clone(),
                &pairs,
                &mut ctx(GeneratorMode::Provider, seed)
            )
        );
    }
    assert_eq!(
        seen_ints.len(),
        11,
        "every value of -5..=5 is drawn: {seen_ints:?}"
    );
    assert_eq!(seen_bools.len(), 2);
    // Different seeds give different values.
    let a = generated_body(
        example.clone(),
        &pairs,
        &mut ctx(GeneratorMode::Provider, 1),
    );
    let b = generated_body(example, &pairs, &mut ctx(GeneratorMode::Provider, 2));
    assert_ne!(a["str"], b["str"]);
}

#[test]
fn uuids_come_in_every_format() {
    let v4 = "[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}";
    let pairs = [
        ("$.simple", Generator::Uuid(UuidFormat::Simple)),
        ("$.lower", Generator::Uuid(UuidFormat::LowerCaseHyphenated)),
        ("$.upper", Generator::Uuid(UuidFormat::UpperCaseHyphenated)),
        ("$.urn", Generator::Uuid(UuidFormat::Urn)),
    ];
    let example = json!({"simple": "", "lower": "", "upper": "", "urn": ""});
    for seed in 0..50 {
        let out = generated_body(
            example.clone(),
            &pairs,
            &mut ctx(GeneratorMode::Consumer, seed),
        );
        assert!(
            regex("^[0-9a-f]{12}4[0-9a-f]{3}[89ab][0-9a-f]{15}$")
                .is_match(out["simple"].as_str().unwrap()),
            "{}",
            out["simple"]
        );
        assert!(
            regex(&format!("^{v4}$")).is_match(out["lower"].as_str().unwrap()),
            "{}",
            out["lower"]
        );
        let upper = out["upper"].as_str().unwrap();
        assert!(
            regex("^[0-9A-F]{8}-[0-9A-F]{4}-4[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}$")
                .is_match(upper),
            "{upper}"
        );
        assert!(
            regex(&format!("^urn:uuid:{v4}$")).is_match(out["urn"].as_str().unwrap()),
            "{}",
            out["urn"]
        );
    }
}

#[test]
fn dates_and_times_are_exact_for_a_fixed_now() {
    let d = |format: Option<&str>, expression: Option<&str>| Generator::Date {
        format: format.map(String::from),
        expression: expression.map(String::from),
    };
    let t = |format: Option<&str>, expression: Option<&str>| Generator::Time {
        format: format.map(String::from),
        expression: expression.map(String::from),
    };
    let dt = |format: Option<&str>, expression: Option<&str>| Generator::DateTime {
        format: format.map(String::from),
        expression: expression.map(String::from),
    };
    let cases = [
        (d(None, None), "2024-02-28"),
        (d(Some("dd/MM/yyyy"), None), "28/02/2024"),
        (d(Some("yyyy-MM-dd"), Some("today + 1 day")), "2024-02-29"),
        (d(Some("yyyy-MM-dd"), Some("today + 2 days")), "2024-03-01"),
        (d(Some("yyyy-MM-dd"), Some("yesterday")), "2024-02-27"),
        (d(Some("yyyy-MM-dd"), Some("today - 1 month")), "2024-01-28"),
        (d(Some("yyyy-MM-dd"), Some("today + 1 year")), "2025-02-28"),
        (
            d(Some("EEEE d MMMM yyyy"), Some("next monday")),
            "Monday 4 March 2024",
        ),
        (t(None, None), "13:45:30"),
        (t(Some("HH:mm"), Some("now + 1 hour")), "14:45"),
        (t(Some("HH:mm:ss"), Some("noon")), "12:00:00"),
        (t(Some("h:mm a"), Some("now - 2 hours")), "11:45 AM"),
        (t(Some("HH:mm"), Some("midnight + 90 minutes")), "01:30"),
        // Without a format, the timestamp rule's default (`yyyy-MM-dd'T'HH:mm:ssXXX`).
        (dt(None, None), "2024-02-28T13:45:30Z"),
        (
            dt(Some("yyyy-MM-dd'T'HH:mm:ss"), Some("tomorrow @ noon")),
            "2024-02-29T12:00:00",
        ),
        (
            dt(
                Some("yyyy-MM-dd'T'HH:mm:ssXXX"),
                Some("today + 1 day @ midnight"),
            ),
            "2024-02-29T00:00:00Z",
        ),
        (
            dt(Some("yyyy-MM-dd HH:mm"), Some("now + 12 hours")),
            "2024-02-29 01:45",
        ),
        (
            dt(
                Some("yyyy-MM-dd'T'HH:mm:ss.SSS"),
                Some("yesterday @ now + 1 second"),
            ),
            "2024-02-27T13:45:31.000",
        ),
    ];
    for (g, expected) in cases {
        let out = generated_body(
            json!({"v": "example"}),
            &[("$.v", g.clone())],
            &mut ctx(GeneratorMode::Provider, 0),
        );
        assert_eq!(out["v"], json!(expected), "{g:?}");
        // The clock, not the mode, decides.
        let out = generated_body(
            json!({"v": "example"}),
            &[("$.v", g.clone())],
            &mut ctx(GeneratorMode::Consumer, 9),
        );
        assert_eq!(out["v"], json!(expected), "{g:?}");
    }

    // The offset of `now` is kept.
    let mut c = ctx(GeneratorMode::Provider, 0);
    c.now = DateTime {
        offset_minutes: 600,
        hour: 23,
        ..DateTime::from_unix(NOW, 0)
    };
    let out = generated_body(
        json!({"v": ""}),
        &[(
            "$.v",
            dt(Some("yyyy-MM-dd'T'HH:mm:ssXXX"), Some("now + 1 hour")),
        )],
        &mut c,
    );
    assert_eq!(out["v"], json!("2024-02-29T00:45:30+10:00"));
}

#[test]
fn provider_state_values_are_used_only_in_provider_mode() {
    let pairs = [
        (
            "$.id",
            Generator::ProviderState {
                expression: "${id}".into(),
                data_type: None,
            },
        ),
        (
            "$.name",
            Generator::ProviderState {
                expression: "${user.name}".into(),
                data_type: None,
            },
        ),
        (
            "$.flags",
            Generator::ProviderState {
                expression: "${flags}".into(),
                data_type: None,
            },
        ),
        (
            "$.href",
            Generator::ProviderState {
                expression: "/users/${id}/orders/${order}".into(),
                data_type: None,
            },
        ),
        (
            "$.count",
            Generator::ProviderState {
                expression: "${count}".into(),
                data_type: Some(DataType::Integer),
            },
        ),
        (
            "$.idText",
            Generator::ProviderState {
                expression: "${id}".into(),
                data_type: Some(DataType::String),
            },
        ),
        (
            "$.missing",
            Generator::ProviderState {
                expression: "${nope}".into(),
                data_type: None,
            },
        ),
        (
            "$.missingInTemplate",
            Generator::ProviderState {
                expression: "/a/${nope}".into(),
                data_type: None,
            },
        ),
    ];
    let example = json!({
        "id": 1, "name": "example", "flags": [], "href": "/users/1/orders/2", "count": 0,
        "idText": "1", "missing": "keep me", "missingInTemplate": "/a/b"
    });
    let state = json!({"id": 42, "order": "o-7", "user": {"name": "Mary"}, "flags": [true, false], "count": "17"});

    let mut provider = ctx(GeneratorMode::Provider, 0);
    provider.provider_state = state.as_object().unwrap().clone();
    let out = generated_body(example.clone(), &pairs, &mut provider);
    assert_eq!(out["id"], json!(42), "`${{id}}` keeps the JSON type");
    assert_eq!(
        out["name"],
        json!("Mary"),
        "dotted names reach into objects"
    );
    assert_eq!(out["flags"], json!([true, false]));
    assert_eq!(
        out["href"],
        json!("/users/42/orders/o-7"),
        "a template gives a string"
    );
    assert_eq!(out["count"], json!(17), "INTEGER converts the string");
    assert_eq!(out["idText"], json!("42"), "STRING converts the number");
    assert_eq!(
        out["missing"],
        json!("keep me"),
        "a missing value leaves the example"
    );
    assert_eq!(out["missingInTemplate"], json!("/a/b"));

    let mut consumer = ctx(GeneratorMode::Consumer, 0);
    consumer.provider_state = state.as_object().unwrap().clone();
    assert_eq!(
        generated_body(example.clone(), &pairs, &mut consumer),
        example,
        "nothing changes in consumer mode"
    );
}

#[test]
fn mock_server_urls_are_used_only_in_consumer_mode() {
    let g = Generator::MockServerUrl {
        example: "http://localhost:8080/orders/1234".into(),
        regex: ".*(/orders/\\d+)$".into(),
    };
    let example = json!({"links": {"self": "http://localhost:8080/orders/1234", "other": "http://localhost:8080/orders/1"}});
    let pairs = [("$.links.self", g.clone())];

    let mut consumer = ctx(GeneratorMode::Consumer, 0);
    consumer.mock_server_url = Some("http://127.0.0.1:41234/".into());
    let out = generated_body(example.clone(), &pairs, &mut consumer);
    assert_eq!(
        out["links"]["self"],
        json!("http://127.0.0.1:41234/orders/1234")
    );
    assert_eq!(out["links"]["other"], example["links"]["other"]);

    let mut provider = ctx(GeneratorMode::Provider, 0);
    provider.mock_server_url = Some("http://127.0.0.1:41234".into());
    assert_eq!(
        generated_body(example.clone(), &pairs, &mut provider),
        example
    );
    // Consumer mode without a mock server URL leaves the example too.
    assert_eq!(
        generated_body(
            example.clone(),
            &pairs,
            &mut ctx(GeneratorMode::Consumer, 0)
        ),
        example
    );
}

#[test]
fn request_path_header_and_query_generators() {
    let mut req = Request {
        method: "GET".into(),
        path: "/orders/1".into(),
        query: Some(
            [("limit", "10"), ("limit", "20"), ("q", "x")]
                .into_iter()
                .collect(),
        ),
        headers: Some(
            [("x-request-id", "old"), ("Accept", "application/json")]
                .into_iter()
                .collect(),
        ),
        body: Body::Missing,
        ..Request::default()
    };
    let g = &mut req.generators;
    g.add(
        Category::Path,
        "",
        Generator::ProviderState {
            expression: "/orders/${id}".into(),
            data_type: None,
        },
    )
    .unwrap();
    g.add(
        Category::Header,
        "X-Request-ID",
        Generator::Uuid(UuidFormat::Simple),
    )
    .unwrap();
    g.add(
        Category::Header,
        "X-New",
        Generator::RandomString { size: 5 },
    )
    .unwrap();
    g.add(
        Category::Query,
        "limit",
        Generator::RandomInt { min: 100, max: 199 },
    )
    .unwrap();
    g.add(
        Category::Query,
        "page",
        Generator::RandomInt { min: 1, max: 1 },
    )
    .unwrap();
    let gens = req.generators.clone();

    let mut c = ctx(GeneratorMode::Provider, 7);
    c.provider_state.insert("id".into(), json!(987));
    let out = gens.apply_to_request(&req, &mut c).unwrap();
    assert_eq!(out.path, "/orders/987");
    let h = out.headers.as_ref().unwrap();
    let id = h.get_ignore_case("x-request-id").unwrap();
    assert_eq!(id.len(), 1);
    assert!(regex("^[0-9a-f]{32}$").is_match(&id[0]), "{id:?}");
    assert_eq!(
        h.get("x-request-id").unwrap(),
        id,
        "the header keeps the case it was written with"
    );
    assert_eq!(h.len(), 3);
    assert!(regex("^[A-Za-z0-9]{5}$").is_match(&h.get("X-New").unwrap()[0]));
    assert_eq!(h.get("Accept").unwrap(), ["application/json"]);
    let q = out.query.as_ref().unwrap();
    let limits = q.get("limit").unwrap();
    assert_eq!(limits.len(), 2, "each value is replaced");
    for l in limits {
        let n: i64 = l.parse().unwrap();
        assert!((100..=199).contains(&n), "{l}");
    }
    assert_eq!(q.get("q").unwrap(), ["x"]);
    assert_eq!(
        q.get("page").unwrap(),
        ["1"],
        "a generator for an absent parameter adds it"
    );
    assert_eq!(out.method, "GET");
    assert_eq!(out.body, Body::Missing);
    assert_eq!(req.path, "/orders/1", "the input is not changed");

    // Consumer mode: the provider-state path generator does nothing, the others still run.
    let out = gens
        .apply_to_request(&req, &mut ctx(GeneratorMode::Consumer, 7))
        .unwrap();
    assert_eq!(out.path, "/orders/1");
    assert_ne!(
        out.query.as_ref().unwrap().get("limit").unwrap(),
        ["10", "20"]
    );
}

#[test]
fn response_status_and_header_generators() {
    let mut resp = Response {
        status: 200,
        headers: Some([("Location", "/items/1")].into_iter().collect::<MultiMap>()),
        ..Response::default()
    };
    resp.generators
        .add(
            Category::Status,
            "",
            Generator::RandomInt { min: 500, max: 599 },
        )
        .unwrap();
    resp.generators
        .add(
            Category::Header,
            "Location",
            Generator::ProviderState {
                expression: "/items/${id}".into(),
                data_type: None,
            },
        )
        .unwrap();
    let gens = resp.generators.clone();
    let mut c = ctx(GeneratorMode::Provider, 3);
    c.provider_state.insert("id".into(), json!("abc"));
    let out = gens.apply_to_response(&resp, &mut c).unwrap();
    assert!((500..=599).contains(&out.status), "{}", out.status);
    assert_eq!(
        out.headers.as_ref().unwrap().get("Location").unwrap(),
        ["/items/abc"]
    );
    assert_eq!(out.body, Body::Missing);

    // A status generator giving something that is not a status leaves the status alone.
    let mut odd = Response::default();
    odd.generators
        .add(Category::Status, "", Generator::RandomString { size: 3 })
        .unwrap();
    let gens = odd.generators.clone();
    assert_eq!(
        gens.apply_to_response(&odd, &mut ctx(GeneratorMode::Provider, 0))
            .unwrap()
            .status,
        200
    );
}

#[test]
fn wildcard_body_paths_replace_every_element() {
    let example = json!({
        "items": [{"id": 1, "name": "a"}, {"id": 2, "name": "b"}, {"id": 3, "name": "c"}],
        "other": {"id": 0},
        "matrix": [[1, 1], [1, 1]],
        "map": {"x": {"v": 0}, "y": {"v": 0}}
    });
    let pairs = [
        (
            "$.items[*].id",
            Generator::RandomInt {
                min: 1000,
                max: 1999,
            },
        ),
        ("$.matrix[*][*]", Generator::RandomInt { min: 5, max: 5 }),
        ("$.map.*.v", Generator::RandomInt { min: 7, max: 7 }),
        ("$.items[1].name", Generator::RandomString { size: 4 }),
    ];
    let out = generated_body(
        example.clone(),
        &pairs,
        &mut ctx(GeneratorMode::Provider, 11),
    );
    let items = out["items"].as_array().unwrap();
    assert_eq!(items.len(), 3);
    for item in items {
        let id = item["id"].as_i64().unwrap();
        assert!((1000..=1999).contains(&id), "{item}");
    }
    assert_eq!(items[0]["name"], json!("a"));
    assert_ne!(items[1]["name"], json!("b"));
    assert_eq!(items[1]["name"].as_str().unwrap().len(), 4);
    assert_eq!(items[2]["name"], json!("c"));
    assert_eq!(
        out["other"],
        json!({"id": 0}),
        "only the selected paths change"
    );
    assert_eq!(out["matrix"], json!([[5, 5], [5, 5]]));
    assert_eq!(out["map"], json!({"x": {"v": 7}, "y": {"v": 7}}));

    // A generator for the whole of a text body replaces the text.
    let g = body_generators(&[("$", Generator::Regex("ok-[0-9]{3}".into()))]);
    let resp = Response {
        body: Body::bytes("plain text", Some(ContentType::text())),
        generators: g.clone(),
        ..Response::default()
    };
    let out = g
        .apply_to_response(&resp, &mut ctx(GeneratorMode::Provider, 0))
        .unwrap();
    assert!(
        regex("^ok-[0-9]{3}$").is_match(out.body.as_str().unwrap()),
        "{:?}",
        out.body
    );
    assert_eq!(
        out.body.declared_content_type().unwrap().essence(),
        "text/plain"
    );
}

#[test]
fn generators_of_the_v3_fixture_apply_in_both_modes() {
    let p = load("v3.json");
    let order = http(&p, 0);

    let mut provider = ctx(GeneratorMode::Provider, 5);
    provider.provider_state.insert("id".into(), json!(777));
    provider.mock_server_url = Some("http://127.0.0.1:9999".into());
    let req = order
        .request
        .generators
        .apply_to_request(&order.request, &mut provider)
        .unwrap();
    assert_eq!(req.path, "/orders/777");
    let limit: i64 = req.query.as_ref().unwrap().get("limit").unwrap()[0]
        .parse()
        .unwrap();
    assert!((1..=50).contains(&limit));
    assert_eq!(
        req.query.as_ref().unwrap().get("status").unwrap(),
        ["open", "pending"]
    );
    let id = &req.headers.as_ref().unwrap().get("X-Request-Id").unwrap()[0];
    assert!(
        regex("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$").is_match(id),
        "{id}"
    );
    assert_ne!(id, "8d2f0a3e-3c1b-4d8a-9f0e-2b7c6a5d4e3f");

    let resp = order
        .response
        .generators
        .apply_to_response(&order.response, &mut provider)
        .unwrap();
    assert_eq!(resp.status, 200);
    let body = body_json(&resp.body);
    let id = body["id"].as_i64().unwrap();
    assert!((1..=9999).contains(&id));
    assert_eq!(body["orderId"], json!(777));
    assert_eq!(body["deliveryDate"], json!("2024-03-01"));
    assert_eq!(body["deliveryWindow"], json!("14:45"));
    assert_eq!(body["createdAt"], json!("2024-02-29T12:00:00"));
    assert!(regex(r"^[A-Z]{2}-\d{4}$").is_match(body["code"].as_str().unwrap()));
    assert!(regex("^[0-9a-f]{6}$").is_match(body["hexId"].as_str().unwrap()));
    assert!(regex("^[A-Za-z0-9]{9}$").is_match(body["token"].as_str().unwrap()));
    assert!(regex("^[0-9a-f]{32}$").is_match(body["trackingId"].as_str().unwrap()));
    assert!(body["gift"].is_boolean());
    assert!(body["total"].is_number());
    assert_eq!(
        body["links"]["self"],
        json!("http://localhost:8080/orders/1234"),
        "no mock server URL in provider mode"
    );
    assert_eq!(
        body["reference"],
        json!("ORD-2024-0001"),
        "no generator, no change"
    );
    assert_eq!(resp.headers, order.response.headers);

    let mut consumer = ctx(GeneratorMode::Consumer, 5);
    consumer.provider_state.insert("id".into(), json!(777));
    consumer.mock_server_url = Some("http://127.0.0.1:9999".into());
    let req = order
        .request
        .generators
        .apply_to_request(&order.request, &mut consumer)
        .unwrap();
    assert_eq!(req.path, "/orders/1234");
    let resp = order
        .response
        .generators
        .apply_to_response(&order.response, &mut consumer)
        .unwrap();
    let body = body_json(&resp.body);
    assert_eq!(
        body["orderId"],
        json!(1234),
        "no provider state in consumer mode"
    );
    assert_eq!(
        body["links"]["self"],
        json!("http://127.0.0.1:9999/orders/1234")
    );
    assert_eq!(body["createdAt"], json!("2024-02-29T12:00:00"));
}

#[test]
fn message_generators_apply_to_contents_and_metadata() {
    let p = load("v3_message.json");
    let m = &async_message(&p, 0).message;
    let mut provider = ctx(GeneratorMode::Provider, 21);
    provider.provider_state.insert("id".into(), json!(4321));
    let out = m.generators.apply_to_message(m, &mut provider).unwrap();
    let body = body_json(&out.contents);
    assert_eq!(body["orderId"], json!(4321));
    assert!(
        regex("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
            .is_match(body["eventId"].as_str().unwrap())
    );
    assert_eq!(body["type"], json!("OrderCreated"));
    let partition = out.metadata["partition"].as_i64().unwrap();
    assert!((0..=7).contains(&partition));
    assert_eq!(out.metadata["topic"], json!("orders"));
    assert_eq!(out.content_type().unwrap().essence(), "application/json");

    let out = m
        .generators
        .apply_to_message(m, &mut ctx(GeneratorMode::Consumer, 21))
        .unwrap();
    assert_eq!(body_json(&out.contents)["orderId"], json!(1234));

    // A generator for a metadata key that is absent adds it.
    let mut msg = MessageContents {
        contents: Body::json(&json!({"a": 1})),
        ..MessageContents::default()
    };
    msg.generators
        .add(
            Category::Metadata,
            "traceId",
            Generator::RandomHexadecimal { digits: 16 },
        )
        .unwrap();
    let gens = msg.generators.clone();
    let out = gens
        .apply_to_message(&msg, &mut ctx(GeneratorMode::Consumer, 1))
        .unwrap();
    assert!(regex("^[0-9a-f]{16}$").is_match(out.metadata["traceId"].as_str().unwrap()));
    assert_eq!(body_json(&out.contents), json!({"a": 1}));

    // And generators of a V4 sync message response.
    let v4 = load("v4.json");
    let stock = sync_message(&v4, 3);
    let r = &stock.responses[0];
    let out = r
        .generators
        .apply_to_message(r, &mut ctx(GeneratorMode::Provider, 2))
        .unwrap();
    let n = body_json(&out.contents)["stock"].as_i64().unwrap();
    assert!((0..=100).contains(&n));
}

#[test]
fn an_unterminated_provider_state_template_is_an_error() {
    let err = pact_core::generators::Generator::from_json(
        &json!({"type": "ProviderState", "expression": "/items/${id"}),
    )
    .unwrap_err();
    assert_eq!(err, "unterminated '${' in expression '/items/${id'");
    assert!(pact_core::generators::Generator::from_json(
        &json!({"type": "ProviderState", "expression": "/items/${id}/${name}"})
    )
    .is_ok());
}

/// A V3 or V4 pact with `status`, `method` and `path` rules in `form`: flat
/// (`{"combine", "matchers"}`) or keyed by the root path (`{"$": {...}}`).
fn single_category_pact(spec: &str, keyed: bool) -> String {
    let list = |matcher: Value| json!({"combine": "AND", "matchers": [matcher]});
    let form = |matcher: Value| {
        if keyed {
            json!({"$": list(matcher)})
        } else {
            list(matcher)
        }
    };
    let request_rules = json!({
        "method": form(json!({"match": "regex", "regex": "GET|HEAD"})),
        "path": form(json!({"match": "regex", "regex": "/builds/\\d+"})),
    });
    let (status_rule, http_type) = if spec == "4.0" {
        (
            json!({"match": "statusCode", "status": "success"}),
            json!("Synchronous/HTTP"),
        )
    } else {
        (json!({"match": "type"}), Value::Null)
    };
    let mut interaction = json!({
        "description": "a request for a build",
        "request": {"method": "GET", "path": "/builds/1", "matchingRules": request_rules},
        "response": {"status": 200, "matchingRules": {"status": form(status_rule)}},
    });
    if !http_type.is_null() {
        interaction["type"] = http_type;
    }
    json!({
        "consumer": {"name": "C"},
        "provider": {"name": "P"},
        "interactions": [interaction],
        "metadata": {"pactSpecification": {"version": spec}},
    })
    .to_string()
}

#[test]
fn status_method_and_path_rules_read_in_both_forms_and_write_as_pact_reference_does() {
    for spec in ["3.0.0", "4.0"] {
        let mut read = Vec::new();
        for keyed in [false, true] {
            let what = format!("V{spec} {}", if keyed { "keyed by $" } else { "flat" });
            let pact = read_pact(&single_category_pact(spec, keyed), &what)
                .unwrap_or_else(|e| panic!("{what}: {e}"));
            let i = http(&pact, 0);
            let regex = |c: Category| match rules(&i.request.matching_rules, c, "").rules.as_slice()
            {
                [MatchingRule::Regex(p)] => p.as_str().to_string(),
                other => panic!("{what}: {c:?} rules {other:?}"),
            };
            assert_eq!(regex(Category::Method), "GET|HEAD", "{what}");
            assert_eq!(regex(Category::Path), "/builds/\\d+", "{what}");
            let status = &rules(&i.response.matching_rules, Category::Status, "").rules;
            assert_eq!(status.len(), 1, "{what}: {status:?}");
            let version = if spec == "4.0" {
                SpecVersion::V4
            } else {
                SpecVersion::V3
            };
            let back = write_and_read(&pact, version, &what);
            assert_same_pact(&with_keys(&pact), &with_keys(&back), &what);
            // Written as pact-reference writes them: path flat, status and method under `$`.
            let written = pact.to_json(version);
            let interaction = &written["interactions"][0];
            let request_rules = &interaction["request"]["matchingRules"];
            assert_eq!(
                request_rules["path"]["matchers"][0]["regex"],
                json!("/builds/\\d+"),
                "{what}"
            );
            assert_eq!(
                request_rules["method"]["$"]["matchers"][0]["regex"],
                json!("GET|HEAD"),
                "{what}"
            );
            assert!(
                interaction["response"]["matchingRules"]["status"]["$"]["matchers"].is_array(),
                "{what}: {interaction}"
            );
            read.push(with_keys(&pact));
        }
        assert_same_pact(&read[0], &read[1], &format!("V{spec}: both forms"));
    }
    // The `$` key is the only key these categories take: anything else names what it found.
    let bad =
        single_category_pact("4.0", true).replace(r#"{"$":{"combine""#, r#"{"$.x":{"combine""#);
    assert_ne!(bad, single_category_pact("4.0", true));
    let (_, message) = read_err(&bad, "bad.json");
    assert!(
        message.contains("rule list or {\"$\": rule list}, found keys '$.x'"),
        "{message}"
    );
}
