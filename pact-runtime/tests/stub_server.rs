//! The stub server over real HTTP on loopback: dispatch through the index, path rules,
//! precedence, provider states, the 404 report, CORS, generators, and a pact of 1,000
//! interactions.

use pact_runtime::pact_core::model::{read_pact, Pact};
use pact_runtime::stub_server::{StubOptions, StubServer};
use serde_json::{json, Value};

#[path = "support/http.rs"]
mod http;
use http::Reply;

fn pact(consumer: &str, interactions: Value) -> Pact {
    let pact = json!({
        "consumer": {"name": consumer},
        "provider": {"name": "Api"},
        "interactions": interactions,
        "metadata": {"pactSpecification": {"version": "3.0.0"}}
    });
    read_pact(&pact.to_string(), "test").unwrap()
}

fn get(path: &str, status: u16, body: Value) -> Value {
    json!({
        "description": format!("GET {path} -> {status}"),
        "request": {"method": "GET", "path": path},
        "response": {"status": status, "headers": {"Content-Type": "application/json"}, "body": body}
    })
}

/// A request without a body over a fresh connection.
fn send(server: &StubServer, method: &str, target: &str, headers: &[(&str, &str)]) -> Reply {
    http::exchange(server.address(), method, target, headers, None)
}

fn http_get(server: &StubServer, path: &str) -> Reply {
    send(server, "GET", path, &[])
}

#[test]
fn requests_are_dispatched_by_method_and_path_across_pacts() {
    let first = pact(
        "Web",
        json!([
            get("/items/1", 200, json!({"id": 1})),
            get("/items/2", 200, json!({"id": 2})),
            {
                "description": "create an item",
                "request": {"method": "POST", "path": "/items", "headers": {"Content-Type": "application/json"}, "body": {"name": "x"}},
                "response": {"status": 201, "body": {"id": 3}}
            },
            {
                "description": "delete item 1",
                "request": {"method": "DELETE", "path": "/items/1"},
                "response": {"status": 204}
            }
        ]),
    );
    let second = pact(
        "Mobile",
        json!([
            get("/items/2", 200, json!({"id": "from the second pact"})),
            get("/orders/9", 200, json!({"order": 9}))
        ]),
    );
    let server = StubServer::start(vec![first, second], StubOptions::default()).unwrap();
    assert_eq!(server.interactions(), 6);
    assert!(server.url().starts_with("http://127.0.0.1:"));
    assert_eq!(http_get(&server, "/items/1").json(), json!({"id": 1}));
    // The same request in both pacts: the first pact wins.
    assert_eq!(http_get(&server, "/items/2").json(), json!({"id": 2}));
    assert_eq!(http_get(&server, "/orders/9").json(), json!({"order": 9}));
    let created = http::exchange(
        server.address(),
        "POST",
        "/items",
        &[("Content-Type", "application/json")],
        Some(r#"{"name":"x"}"#),
    );
    assert_eq!((created.status, created.json()), (201, json!({"id": 3})));
    let deleted = send(&server, "DELETE", "/items/1", &[]);
    assert_eq!((deleted.status, deleted.body.as_str()), (204, ""));
    // The method is part of the key.
    assert_eq!(send(&server, "PUT", "/items/1", &[]).status, 404);
    // The path is matched percent-decoded.
    let spaced = pact("Web", json!([get("/a b", 200, json!("spaced"))]));
    let spaced = StubServer::start(vec![spaced], StubOptions::default()).unwrap();
    assert_eq!(http_get(&spaced, "/a%20b").json(), json!("spaced"));
}

#[test]
fn a_path_with_a_regex_rule_matches_any_path_it_accepts() {
    let regex_path = |description: &str, regex: &str, example: &str, body: Value| {
        json!({
            "description": description,
            "request": {
                "method": "GET", "path": example,
                "matchingRules": {"path": {"matchers": [{"match": "regex", "regex": regex}]}}
            },
            "response": {"status": 200, "body": body}
        })
    };
    let p = pact(
        "Web",
        json!([
            regex_path("any user", r"^/users/\d+$", "/users/1", json!("by regex")),
            get("/users/me", 200, json!("me")),
            get("/users/7", 200, json!("literal 7")),
            regex_path(
                "a user's orders",
                r"^/users/\d+/orders$",
                "/users/1/orders",
                json!("orders")
            ),
        ]),
    );
    let server = StubServer::start(vec![p], StubOptions::default()).unwrap();
    assert_eq!(http_get(&server, "/users/42").body, "by regex");
    assert_eq!(http_get(&server, "/users/me").json(), json!("me"));
    // Same specificity: pact order decides, and the regex interaction comes first.
    assert_eq!(http_get(&server, "/users/7").body, "by regex");
    assert_eq!(http_get(&server, "/users/5/orders").body, "orders");
    assert_eq!(http_get(&server, "/users/x/orders").status, 404);
    assert_eq!(send(&server, "POST", "/users/42", &[]).status, 404);

    // Other path rules (a type matcher: any path), and regexes combined with OR.
    let p = pact(
        "Web",
        json!([
            {
                "description": "post anywhere",
                "request": {
                    "method": "POST", "path": "/anything",
                    "matchingRules": {"path": {"matchers": [{"match": "type"}]}}
                },
                "response": {"status": 202}
            },
            {
                "description": "a or b",
                "request": {
                    "method": "GET", "path": "/a",
                    "matchingRules": {"path": {"combine": "OR", "matchers": [
                        {"match": "regex", "regex": "/a"}, {"match": "regex", "regex": "/b"}
                    ]}}
                },
                "response": {"status": 200, "body": "a or b"}
            }
        ]),
    );
    let server = StubServer::start(vec![p], StubOptions::default()).unwrap();
    assert_eq!(send(&server, "POST", "/x/y", &[]).status, 202);
    assert_eq!(http_get(&server, "/b").body, "a or b");
    assert_eq!(http_get(&server, "/c").status, 404);
}

#[test]
fn query_and_headers_pick_between_interactions_of_one_path() {
    let p = pact(
        "Web",
        json!([
            get("/things", 200, json!("any")),
            {
                "description": "things as XML",
                "request": {"method": "GET", "path": "/things", "headers": {"Accept": "application/xml"}},
                "response": {"status": 200, "headers": {"Content-Type": "application/xml"}, "body": "<things/>"}
            },
            {
                "description": "things with token and accept",
                "request": {"method": "GET", "path": "/things", "headers": {"Accept": "application/xml", "Authorization": "Bearer t"}},
                "response": {"status": 200, "headers": {"Content-Type": "application/xml"}, "body": "<mine/>"}
            },
            {
                "description": "search a",
                "request": {"method": "GET", "path": "/search", "query": "q=a"},
                "response": {"status": 200, "body": "a"}
            },
            {
                "description": "search b",
                "request": {"method": "GET", "path": "/search", "query": "q=b"},
                "response": {"status": 200, "body": "b"}
            },
            {
                "description": "search b, page 2",
                "request": {"method": "GET", "path": "/search", "query": "q=b&page=2"},
                "response": {"status": 200, "body": "b2"}
            }
        ]),
    );
    let server = StubServer::start(vec![p], StubOptions::default()).unwrap();
    assert_eq!(http_get(&server, "/things").json(), json!("any"));
    let xml = send(&server, "GET", "/things", &[("Accept", "application/xml")]);
    assert_eq!(xml.body, "<things/>");
    assert_eq!(xml.header("content-type"), Some("application/xml"));
    let mine = send(
        &server,
        "GET",
        "/things",
        &[("Accept", "application/xml"), ("Authorization", "Bearer t")],
    );
    assert_eq!(mine.body, "<mine/>");
    let other = send(&server, "GET", "/things", &[("Accept", "text/plain")]);
    assert_eq!(other.json(), json!("any"));
    assert_eq!(http_get(&server, "/search?q=a").body, "a");
    assert_eq!(http_get(&server, "/search?q=b").body, "b");
    assert_eq!(http_get(&server, "/search?page=2&q=b").body, "b2");
    assert_eq!(http_get(&server, "/search?q=c").status, 404);
}

fn stateful_pact() -> Pact {
    let with_state = |state: &str, status: u16, body: Value| {
        json!({
            "description": format!("user 1 when {state}"),
            "providerStates": [{"name": state}],
            "request": {"method": "GET", "path": "/users/1"},
            "response": {"status": status, "body": body}
        })
    };
    pact(
        "Web",
        json!([
            with_state("user 1 exists", 200, json!({"id": 1})),
            with_state("no users", 404, json!({"error": "none"})),
            with_state("user 1 is an admin", 200, json!({"id": 1, "admin": true})),
            get("/health", 200, json!("up")),
        ]),
    )
}

#[test]
fn provider_states_filter_and_the_header_overrides_per_request() {
    // No filter: pact order.
    let server = StubServer::start(vec![stateful_pact()], StubOptions::default()).unwrap();
    assert_eq!(http_get(&server, "/users/1").json(), json!({"id": 1}));
    let admin = send(
        &server,
        "GET",
        "/users/1",
        &[("x-pact-provider-state", "admin")],
    );
    assert_eq!(admin.json(), json!({"id": 1, "admin": true}));
    drop(server);

    let options = StubOptions {
        provider_state: Some("^no users$".into()),
        ..StubOptions::default()
    };
    let server = StubServer::start(vec![stateful_pact()], options).unwrap();
    let none = http_get(&server, "/users/1");
    assert_eq!((none.status, none.json()), (404, json!({"error": "none"})));
    // An interaction without provider states is left out by a filter...
    let health = http_get(&server, "/health");
    assert_eq!(health.status, 404);
    let error = health.json()["error"].as_str().unwrap().to_string();
    assert!(
        error.contains("provider state matching /^no users$/"),
        "{error}"
    );
    assert!(error.ends_with("matches GET /health"), "{error}");
    // ...and the closest interaction says which states it has.
    let closest = &health.json()["closest"];
    assert_eq!(closest["description"], "GET /health -> 200");
    assert_eq!(closest["providerStates"], json!([]));
    // The header replaces the filter for its request, whatever its case.
    let exists = send(
        &server,
        "GET",
        "/users/1",
        &[("X-PACT-PROVIDER-STATE", "exists$")],
    );
    assert_eq!(exists.json(), json!({"id": 1}));
    let invalid = send(
        &server,
        "GET",
        "/users/1",
        &[("X-Pact-Provider-State", "(")],
    );
    assert_eq!(invalid.status, 400);
    assert!(
        invalid.json()["error"]
            .as_str()
            .unwrap()
            .contains("X-Pact-Provider-State header is not a valid regular expression"),
        "{}",
        invalid.body
    );

    // A header of another name.
    let options = StubOptions {
        provider_state_header: "X-State".into(),
        ..StubOptions::default()
    };
    let server = StubServer::start(vec![stateful_pact()], options).unwrap();
    let none = send(&server, "GET", "/users/1", &[("x-state", "no users")]);
    assert_eq!(none.status, 404);
    assert_eq!(none.json(), json!({"error": "none"}));
}

#[test]
fn a_request_matching_nothing_gets_a_404_naming_it_and_the_closest_interaction() {
    let p = pact(
        "Web",
        json!([{
            "description": "search a",
            "request": {"method": "GET", "path": "/search", "query": "q=a"},
            "response": {"status": 200, "body": "a"}
        }]),
    );
    let server = StubServer::start(vec![p], StubOptions::default()).unwrap();

    let unknown = http_get(&server, "/nope");
    assert_eq!(unknown.status, 404);
    assert_eq!(unknown.header("content-type"), Some("application/json"));
    let body = unknown.json();
    assert_eq!(
        body["error"],
        "pact stub server: no interaction matches GET /nope"
    );
    assert_eq!(
        body["request"],
        json!({"method": "GET", "path": "/nope", "query": ""})
    );
    assert!(body.get("closest").is_none(), "{body}");

    let wrong_query = http_get(&server, "/search?q=b");
    assert_eq!(wrong_query.status, 404);
    let body = wrong_query.json();
    assert_eq!(
        body["error"],
        "pact stub server: no interaction matches GET /search?q=b"
    );
    assert_eq!(body["closest"]["description"], "search a");
    assert_eq!(body["closest"]["mismatches"][0]["type"], "query");

    // Another method on a known path: the closest is the interaction of that path.
    let post = send(&server, "POST", "/search?q=a", &[]);
    assert_eq!(post.status, 404);
    let body = post.json();
    assert_eq!(body["closest"]["description"], "search a");
    assert_eq!(body["closest"]["mismatches"][0]["type"], "method");
}

#[test]
fn cors_answers_preflights_and_allows_any_origin() {
    let p = pact("Web", json!([get("/items/1", 200, json!({"id": 1}))]));
    let options = StubOptions {
        cors: true,
        ..StubOptions::default()
    };
    let server = StubServer::start(vec![p.clone()], options).unwrap();
    let preflight = send(
        &server,
        "OPTIONS",
        "/items/1",
        &[
            ("Origin", "http://localhost:3000"),
            ("Access-Control-Request-Method", "GET"),
            ("Access-Control-Request-Headers", "authorization"),
        ],
    );
    assert_eq!(preflight.status, 200);
    assert_eq!(
        preflight.header("access-control-allow-origin"),
        Some("http://localhost:3000")
    );
    assert_eq!(
        preflight.header("access-control-allow-credentials"),
        Some("true")
    );
    assert_eq!(
        preflight.header("access-control-allow-methods"),
        Some("GET")
    );
    assert_eq!(
        preflight.header("access-control-allow-headers"),
        Some("authorization")
    );
    // Without an Origin (not a browser), any origin.
    let reply = http_get(&server, "/items/1");
    assert_eq!(reply.status, 200);
    assert_eq!(reply.header("access-control-allow-origin"), Some("*"));
    assert_eq!(reply.header("access-control-allow-credentials"), None);
    let missing = http_get(&server, "/nope");
    assert_eq!(missing.status, 404);
    assert_eq!(missing.header("access-control-allow-origin"), Some("*"));

    let plain = StubServer::start(vec![p], StubOptions::default()).unwrap();
    assert_eq!(
        http_get(&plain, "/items/1").header("access-control-allow-origin"),
        None
    );
    let preflight = send(
        &plain,
        "OPTIONS",
        "/items/1",
        &[("Access-Control-Request-Method", "GET")],
    );
    assert_eq!(preflight.status, 404);
}

#[test]
fn response_generators_run_with_the_stub_url() {
    let p = pact(
        "Web",
        json!([{
            "description": "an order",
            "request": {"method": "GET", "path": "/orders/1"},
            "response": {
                "status": 200,
                "headers": {"Content-Type": "application/json"},
                "body": {"id": 1000, "self": "http://example.test/orders/1"},
                "generators": {"body": {
                    "$.id": {"type": "RandomInt", "min": 1, "max": 9},
                    "$.self": {"type": "MockServerURL", "example": "http://example.test/orders/1", "regex": ".*(/orders/\\d+)$"}
                }}
            }
        }]),
    );
    let server = StubServer::start(vec![p], StubOptions::default()).unwrap();
    let body = http_get(&server, "/orders/1").json();
    let id = body["id"].as_i64().unwrap();
    assert!((1..=9).contains(&id), "{body}");
    assert_eq!(body["self"], format!("{}/orders/1", server.url()));
}

fn big_pact(n: usize) -> Pact {
    let interactions: Vec<Value> = (0..n)
        .map(|i| get(&format!("/items/{i}"), 200, json!({"item": i})))
        .collect();
    pact("Web", Value::Array(interactions))
}

#[test]
fn a_pact_of_a_thousand_interactions_answers_first_middle_and_last() {
    let server = StubServer::start(vec![big_pact(1000)], StubOptions::default()).unwrap();
    assert_eq!(server.interactions(), 1000);
    for i in [0, 499, 500, 999] {
        let reply = http_get(&server, &format!("/items/{i}"));
        assert_eq!((reply.status, reply.json()), (200, json!({"item": i})));
    }
    assert_eq!(http_get(&server, "/items/1000").status, 404);
}

#[test]
fn dropping_the_server_stops_it() {
    let server = StubServer::start(vec![big_pact(1)], StubOptions::default()).unwrap();
    let address = server.address();
    assert_eq!(http_get(&server, "/items/0").status, 200);
    drop(server);
    assert!(std::net::TcpStream::connect(address).is_err());
}

#[test]
fn a_taken_port_is_a_bind_error() {
    let server = StubServer::start(vec![], StubOptions::default()).unwrap();
    let options = StubOptions {
        port: server.address().port(),
        ..StubOptions::default()
    };
    let err = StubServer::start(vec![], options).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("could not bind the stub server to 127.0.0.1:"),
        "{err}"
    );
}
