//! Property and fuzz tests: about 150,000 generated inputs, from a fixed seed so that a
//! failure reproduces, fed to the pact reader and to the three matchers.
//!
//! * random bytes and mutated V2, V3 and V4 pacts (bytes flipped, inserted and deleted; JSON
//!   values swapped for other types; broken matchers, generators, date formats, versions and
//!   paths) to `read_pact_bytes`;
//! * random JSON bodies under random rules, and XML, form, multipart and binary bodies, to
//!   `match_request`, `match_response` and `match_message`.
//!
//! Besides "nothing panics", these properties are checked:
//!
//! * an error for malformed JSON is `PactError::Json`, names the source, and points at a line
//!   (>= 1) and column that exist in the input; an error for well-formed JSON is a
//!   `PactError::Field` naming the source;
//! * a V3 or V4 pact that was read, written with `to_json_string` in its own version and read
//!   again has the same interactions (but for what the writer fills in, see [`as_written`]),
//!   and a pact the writer wrote reads back exactly, whatever its version;
//! * matching rules read as part of a pact are those `MatchingRules::from_json` reads;
//! * a `RuleIndex` walk finds the rules `RuleCategory::best_for_path` finds;
//! * anything matched against itself without rules (and with only `type` and `equality`
//!   rules) gives no mismatch; a value changed somewhere gives at least one; an extra key is
//!   a mismatch in a request body and fine in a response or message body.
//!
//! Checks that fail because of a known bug are skipped and counted (see [`known_issue`] and
//! [`known_matching_issue`]). The seed is printed; set `PACT_FUZZ_SEED` to try another one.
//! An input that panics is printed before the panic is passed on.

use pact_core::datetime::DateTimePattern;
use pact_core::matching::{match_message, match_request, match_response, Mismatch};
use pact_core::model::{
    read_pact, read_pact_bytes, Body, ContentType, Interaction, MessageContents, MultiMap, Pact,
    Request, Response, SpecVersion,
};
use pact_core::rules::{
    ArrayVariant, Category, Cursor, MatchingRule, MatchingRules, Pattern, RuleCategory, RuleIndex,
    RuleList, RuleLogic, Segment, StatusClass,
};
use pact_core::PactError;
use serde_json::{json, Map, Value};
use std::io::Write as _;
use std::panic::{catch_unwind, resume_unwind, AssertUnwindSafe};
use std::time::Instant;

const DEFAULT_SEED: u64 = 0x00C0_FFEE_2024;
const SOURCE: &str = "fuzz-input.json";

/// Progress lines go straight to stderr, so that they show without `--nocapture`.
fn report(line: &str) {
    let _ = writeln!(std::io::stderr(), "{line}");
}

/// Runs `f`; if it panics, prints what it was running on first.
fn guarded<T>(what: &str, input: &dyn std::fmt::Debug, f: impl FnOnce() -> T) -> T {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(v) => v,
        Err(panic) => {
            report(&format!("fuzz: {what} panicked on input:\n{input:#?}"));
            resume_unwind(panic)
        }
    }
}

/// Bytes shown as text where they are text.
struct Shown<'a>(&'a [u8]);

impl std::fmt::Debug for Shown<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match std::str::from_utf8(self.0) {
            Ok(s) => write!(f, "{s:?}"),
            Err(_) => write!(f, "{:?}", self.0),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Seed pacts
// ---------------------------------------------------------------------------------------------

const V2_PACT: &str = r#"{
  "consumer": {"name": "Shop Frontend"},
  "provider": {"name": "User Service"},
  "interactions": [
    {
      "description": "a search for users",
      "providerState": "users exist",
      "request": {
        "method": "GET",
        "path": "/users/search/1234",
        "query": "q=smith&page=2&tag=a&tag=b",
        "headers": {"Accept": "application/json", "Authorization": "Bearer 0123456789abcdef"},
        "matchingRules": {
          "$.path": {"match": "regex", "regex": "/users/search/\\d+"},
          "$.query.q": {"match": "regex", "regex": "[a-z]+"},
          "$.headers.Authorization": {"match": "regex", "regex": "Bearer [0-9a-f]+"}
        }
      },
      "response": {
        "status": 200,
        "headers": {"Content-Type": "application/json; charset=utf-8"},
        "body": {
          "total": 2,
          "users": [
            {"id": 1, "name": "Ann Smith", "email": "ann@example.com", "roles": ["admin", "user"]},
            {"id": 2, "name": "Bob Smith", "email": "bob@example.com", "roles": []}
          ]
        },
        "matchingRules": {
          "$.body.total": {"match": "type"},
          "$.body.users": {"min": 1, "match": "type"},
          "$.body.users[*].id": {"match": "type"},
          "$.body.users[*].email": {"match": "regex", "regex": "[^@]+@[^@]+"}
        }
      }
    },
    {
      "description": "a new user",
      "request": {
        "method": "post",
        "path": "/users",
        "headers": {"Content-Type": "application/x-www-form-urlencoded"},
        "body": "name=Carl+Smith&email=carl%40example.com"
      },
      "response": {"status": 201, "headers": {"Location": "/users/3"}}
    },
    {
      "description": "a user's avatar",
      "request": {"method": "GET", "path": "/users/1/avatar.svg"},
      "response": {
        "status": 200,
        "headers": {"Content-Type": "image/svg+xml"},
        "body": "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\"><circle r=\"4\"/></svg>"
      }
    }
  ],
  "metadata": {"pactSpecification": {"version": "2.0.0"}}
}"#;

const V3_PACT: &str = r#"{
  "consumer": {"name": "Order Web"},
  "provider": {"name": "Order Service"},
  "interactions": [
    {
      "description": "a request to create an order",
      "providerStates": [
        {"name": "a customer exists", "params": {"customerId": 42, "name": "Ann"}},
        {"name": "stock is available"}
      ],
      "request": {
        "method": "POST",
        "path": "/customers/42/orders",
        "query": {"dryRun": ["false"], "source": ["web", "app"]},
        "headers": {"Content-Type": "application/json", "X-Request-Id": "req-17"},
        "body": {"customerId": 42, "lines": [{"sku": "SKU-000123", "quantity": 2, "unitPrice": 12.5}]},
        "matchingRules": {
          "path": {"combine": "AND", "matchers": [{"match": "regex", "regex": "/customers/\\d+/orders"}]},
          "header": {"X-Request-Id": {"combine": "AND", "matchers": [{"match": "regex", "regex": "req-\\d+"}]}},
          "query": {"source": {"combine": "OR", "matchers": [{"match": "type"}, {"match": "include", "value": "w"}]}},
          "body": {
            "$.customerId": {"combine": "AND", "matchers": [{"match": "integer"}]},
            "$.lines": {"combine": "AND", "matchers": [{"match": "type", "min": 1, "max": 10}]},
            "$.lines[*].sku": {"combine": "AND", "matchers": [{"match": "regex", "regex": "SKU-\\d{6}"}]},
            "$.lines[*].unitPrice": {"combine": "AND", "matchers": [{"match": "decimal"}]}
          }
        },
        "generators": {"body": {"$.customerId": {"type": "ProviderState", "expression": "${customerId}", "dataType": "INTEGER"}}}
      },
      "response": {
        "status": 201,
        "headers": {"Content-Type": "application/hal+json", "Location": "/orders/1001"},
        "body": {
          "id": 1001,
          "createdAt": "2024-03-01T10:15:00",
          "deliveryDate": "2024-03-05",
          "total": 25.0,
          "_links": {"self": {"href": "/orders/1001"}}
        },
        "matchingRules": {
          "status": {"combine": "AND", "matchers": [{"match": "statusCode", "status": "success"}]},
          "body": {
            "$.id": {"combine": "AND", "matchers": [{"match": "integer"}]},
            "$.createdAt": {"combine": "AND", "matchers": [{"match": "timestamp", "format": "yyyy-MM-dd'T'HH:mm:ss"}]},
            "$.deliveryDate": {"combine": "AND", "matchers": [{"match": "date", "format": "yyyy-MM-dd"}]},
            "$._links.self.href": {"combine": "AND", "matchers": [{"match": "include", "value": "/orders/"}]}
          }
        },
        "generators": {
          "body": {
            "$.id": {"type": "RandomInt", "min": 1, "max": 100000},
            "$.createdAt": {"type": "DateTime", "format": "yyyy-MM-dd'T'HH:mm:ss"},
            "$.deliveryDate": {"type": "Date", "format": "yyyy-MM-dd", "expression": "+ 2 days"}
          },
          "header": {"Location": {"type": "ProviderState", "expression": "/orders/${id}"}}
        }
      }
    }
  ],
  "messages": [
    {
      "description": "an order created event",
      "providerStates": [{"name": "an order was placed", "params": {"id": 1001}}],
      "contents": {"orderId": 1001, "status": "CREATED", "items": [{"sku": "SKU-000123"}]},
      "metaData": {"contentType": "application/json", "topic": "orders"},
      "matchingRules": {
        "body": {"$.orderId": {"combine": "AND", "matchers": [{"match": "integer"}]}},
        "metadata": {"topic": {"combine": "AND", "matchers": [{"match": "regex", "regex": "orders|returns"}]}}
      }
    }
  ],
  "metadata": {"pactSpecification": {"version": "3.0.0"}}
}"#;

const V4_PACT: &str = r#"{
  "consumer": {"name": "Catalogue App"},
  "provider": {"name": "Catalogue Service"},
  "interactions": [
    {
      "type": "Synchronous/HTTP",
      "description": "a request for a product",
      "key": "2f8a7c61d0b34e59",
      "pending": false,
      "comments": {"testname": "fetches a product", "text": ["cached for 60 s"]},
      "providerStates": [{"name": "product P-100 exists", "params": {"sku": "P-100"}}],
      "request": {
        "method": "GET",
        "path": "/products/P-100",
        "query": {"fields": ["name", "price"]},
        "headers": {"Accept": ["application/json", "application/hal+json"]},
        "matchingRules": {
          "path": {"combine": "AND", "matchers": [{"match": "regex", "regex": "/products/P-\\d+"}]},
          "header": {"$['Accept']": {"combine": "AND", "matchers": [{"match": "notEmpty"}]}}
        }
      },
      "response": {
        "status": 200,
        "headers": {"Content-Type": ["application/json"]},
        "body": {
          "contentType": "application/json",
          "encoded": false,
          "content": {
            "sku": "P-100",
            "version": "1.4.2",
            "tags": ["kitchen", "ceramic"],
            "prices": {"EUR": 12.5, "USD": 13.9},
            "variants": [{"sku": "P-100-W", "colour": "white"}, {"sku": "P-100-B", "colour": "black"}]
          }
        },
        "matchingRules": {
          "body": {
            "$.version": {"combine": "AND", "matchers": [{"match": "semver"}]},
            "$.tags": {"combine": "AND", "matchers": [{"match": "eachValue", "rules": [{"match": "regex", "regex": "[a-z]+"}]}]},
            "$.prices": {"combine": "AND", "matchers": [{"match": "eachKey", "rules": [{"match": "regex", "regex": "[A-Z]{3}"}]}, {"match": "values"}]},
            "$.variants": {"combine": "AND", "matchers": [{"match": "arrayContains", "variants": [
              {"index": 0, "rules": {"$.colour": {"combine": "AND", "matchers": [{"match": "regex", "regex": "white|black"}]}}, "generators": {}}
            ]}]}
          }
        }
      }
    },
    {
      "type": "Synchronous/HTTP",
      "description": "a product image",
      "request": {"method": "GET", "path": "/products/P-100/image"},
      "response": {
        "status": 200,
        "headers": {"Content-Type": "image/png"},
        "body": {"contentType": "image/png", "encoded": "base64", "content": "iVBORw0KGgoAAAANSUhEUg=="},
        "matchingRules": {"body": {"$": {"combine": "AND", "matchers": [{"match": "contentType", "value": "image/png"}]}}}
      }
    },
    {
      "type": "Asynchronous/Messages",
      "description": "a price change",
      "contents": {"contentType": "application/xml", "encoded": false, "content": "<price sku=\"P-100\" currency=\"EUR\">12.5</price>"},
      "metadata": {"contentType": "application/xml", "queue": "prices"},
      "matchingRules": {
        "content": {"$.price['@sku']": {"combine": "AND", "matchers": [{"match": "regex", "regex": "P-\\d+"}]}},
        "metadata": {"queue": {"combine": "AND", "matchers": [{"match": "type"}]}}
      }
    },
    {
      "type": "Synchronous/Messages",
      "description": "a stock query",
      "pending": true,
      "request": {"contents": {"contentType": "application/json", "encoded": false, "content": {"sku": "P-100"}}, "metadata": {"kind": "query"}},
      "response": [
        {"contents": {"contentType": "text/plain", "encoded": false, "content": "12 in stock"}, "metadata": {}},
        {"contents": {"contentType": "application/json", "encoded": false, "content": {"stock": 12}}}
      ]
    }
  ],
  "metadata": {"pactSpecification": {"version": "4.0"}, "pactRust": {"models": "1.0"}}
}"#;

const SEEDS: [&str; 3] = [V2_PACT, V3_PACT, V4_PACT];

// ---------------------------------------------------------------------------------------------
// Random JSON
// ---------------------------------------------------------------------------------------------

const KEYS: &[&str] = &[
    "id", "name", "items", "a", "b", "price", "0", "10", "", "a b", "@id", "#text", "x-y", "naïve",
    "日本", "$", "[", "'q'", "matchers", "value",
];

const STRINGS: &[&str] = &[
    "",
    "a",
    "hello world",
    "2024-02-29",
    "2023-02-29",
    "12:30:00",
    "2024-03-01T10:15:00",
    "1.2.3",
    "01.2.3",
    "100",
    "-7",
    "1.5",
    "true",
    "null",
    "<x/>",
    "{\"a\":1}",
    "SKU-000123",
    "ÄÖÜ ß",
    "🎉",
    "\u{0}",
    "line\nbreak",
    "\\",
    "'",
    "\"",
];

fn random_string(rng: &mut fastrand::Rng) -> String {
    if rng.bool() {
        return STRINGS[rng.usize(..STRINGS.len())].to_string();
    }
    let len = rng.usize(..12);
    (0..len)
        .map(|_| match rng.u8(..10) {
            0 => char::from_u32(rng.u32(0x80..0x3000)).unwrap_or('?'),
            1 => rng.digit(10),
            2 => rng
                .choice(['-', ':', '.', ' ', '/', '@', '$', '[', ']', '\'', '"'])
                .unwrap_or('-'),
            _ => rng.alphanumeric(),
        })
        .collect()
}

/// A number; floats may need all 17 digits or a large exponent (the round-trip checks rely
/// on serde_json's `float_roundtrip` reading them back exactly).
fn random_number(rng: &mut fastrand::Rng) -> Value {
    match rng.u8(..7) {
        0 => json!(rng.i64(-1000..1000)),
        1 => json!(rng.u64(..)),
        2 => json!(rng.i64(..)),
        3 => json!(f64::from(rng.i32(-10_000..10_000)) / 100.0),
        4 => json!(rng.f64() * 1e300),
        5 => json!(0),
        _ => json!(1.0),
    }
}

fn random_leaf(rng: &mut fastrand::Rng) -> Value {
    match rng.u8(..5) {
        0 => Value::Null,
        1 => Value::Bool(rng.bool()),
        2 => random_number(rng),
        _ => Value::String(random_string(rng)),
    }
}

fn random_json(rng: &mut fastrand::Rng, depth: usize) -> Value {
    let container = depth > 0 && rng.u8(..3) > 0;
    if !container {
        return random_leaf(rng);
    }
    if rng.bool() {
        let n = rng.usize(..5);
        Value::Array((0..n).map(|_| random_json(rng, depth - 1)).collect())
    } else {
        let n = rng.usize(..5);
        let mut m = Map::new();
        for _ in 0..n {
            let k = if rng.u8(..4) == 0 {
                random_string(rng)
            } else {
                KEYS[rng.usize(..KEYS.len())].to_string()
            };
            m.insert(k, random_json(rng, depth - 1));
        }
        Value::Object(m)
    }
}

/// Every path in a document, as path expressions (`$.a[0]['x y']`), with the value there.
fn paths(v: &Value) -> Vec<(String, &Value)> {
    fn walk<'v>(v: &'v Value, at: String, out: &mut Vec<(String, &'v Value)>) {
        out.push((at.clone(), v));
        match v {
            Value::Object(m) => {
                for (k, child) in m {
                    let plain = !k.is_empty()
                        && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                        && !k.bytes().all(|b| b.is_ascii_digit());
                    let step = if plain {
                        format!("{at}.{k}")
                    } else if !k.contains('\'') {
                        format!("{at}['{k}']")
                    } else {
                        continue;
                    };
                    walk(child, step, out);
                }
            }
            Value::Array(items) => {
                for (i, child) in items.iter().enumerate() {
                    walk(child, format!("{at}[{i}]"), out);
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(v, "$".to_string(), &mut out);
    out
}

/// A path to use for a rule: one of the document's, a wildcard form of one, or a random one.
fn random_rule_path(rng: &mut fastrand::Rng, doc_paths: &[(String, &Value)]) -> String {
    let base = doc_paths[rng.usize(..doc_paths.len())].0.clone();
    match rng.u8(..6) {
        0 => base.replace(|c: char| c.is_ascii_digit(), "*"),
        1 => format!("{base}.*"),
        2 => format!("{base}[*]"),
        3 => [
            "$",
            "$.*",
            "$[*]",
            "$.items[*].id",
            "$..a",
            "$.a[",
            "$['x",
            "a",
        ][rng.usize(..8)]
        .to_string(),
        _ => base,
    }
}

const REGEXES: &[&str] = &[
    ".*",
    "\\d+",
    "[a-z]+",
    "^x$",
    "a|b",
    "(a)(b)?",
    "\\w{2,5}",
    "[^@]+@[^@]+",
    "\\p{L}+",
    "",
];

const DATE_FORMATS: &[&str] = &[
    "yyyy-MM-dd",
    "HH:mm:ss",
    "yyyy-MM-dd'T'HH:mm:ss",
    "dd/MM/yyyy",
    "EEE, d MMM yyyy",
    "yyyyMMdd",
    "h:mm a",
    "yyyy-MM-dd'T'HH:mm:ss.SSSXXX",
    "QQQ yy",
    "D",
];

thread_local! {
    static PATTERNS: std::cell::RefCell<std::collections::HashMap<&'static str, Pattern>> =
        Default::default();
}

/// A compiled regex rule, compiled once: compiling is slow in a debug build.
fn pattern(source: &'static str) -> Pattern {
    PATTERNS.with(|p| {
        p.borrow_mut()
            .entry(source)
            .or_insert_with(|| Pattern::new(source).expect("valid regex"))
            .clone()
    })
}

fn random_rule(rng: &mut fastrand::Rng, depth: usize) -> MatchingRule {
    let nested = |rng: &mut fastrand::Rng| -> Vec<MatchingRule> {
        (0..rng.usize(..3)).map(|_| random_rule(rng, 0)).collect()
    };
    match rng.u8(..26) {
        0 => MatchingRule::Equality,
        1 => MatchingRule::Regex(pattern(REGEXES[rng.usize(..REGEXES.len())])),
        2 | 3 => MatchingRule::Type,
        4 => MatchingRule::MinType(rng.usize(..4)),
        5 => MatchingRule::MaxType(rng.usize(..4)),
        6 => {
            let a = rng.usize(..3);
            MatchingRule::MinMaxType(a, a + rng.usize(..3))
        }
        7 => MatchingRule::Include(random_string(rng)),
        8 => MatchingRule::Integer,
        9 => MatchingRule::Decimal,
        10 => MatchingRule::Number,
        11..=13 => {
            let p = DateTimePattern::parse(DATE_FORMATS[rng.usize(..DATE_FORMATS.len())])
                .expect("valid pattern");
            match rng.u8(..3) {
                0 => MatchingRule::Date(p),
                1 => MatchingRule::Time(p),
                _ => MatchingRule::Timestamp(p),
            }
        }
        14 => MatchingRule::Null,
        15 => MatchingRule::Boolean,
        16 => MatchingRule::ContentType(
            [
                "application/json",
                "image/png",
                "text/plain",
                "application/xml",
            ][rng.usize(..4)]
            .into(),
        ),
        17 => MatchingRule::Values,
        18 if depth > 0 => {
            let mut rules = RuleCategory::default();
            let path = ["$", "$.id", "$.a", "$[0]"][rng.usize(..4)];
            let _ = rules.insert(Category::Body, path, random_list(rng, depth - 1));
            MatchingRule::ArrayContains(vec![ArrayVariant {
                index: rng.usize(..3),
                rules,
                generators: json!({}),
            }])
        }
        19 => MatchingRule::StatusCode(StatusClass::Success),
        20 => MatchingRule::NotEmpty,
        21 => MatchingRule::Semver,
        22 => MatchingRule::EachKey(nested(rng)),
        23 => MatchingRule::EachValue(nested(rng)),
        _ => MatchingRule::Type,
    }
}

fn random_list(rng: &mut fastrand::Rng, depth: usize) -> RuleList {
    RuleList {
        rules: (0..1 + rng.usize(..3))
            .map(|_| random_rule(rng, depth))
            .collect(),
        logic: if rng.bool() {
            RuleLogic::And
        } else {
            RuleLogic::Or
        },
    }
}

/// Random body rules for a document, plus a few header, query, path, status and metadata ones.
fn random_rules(rng: &mut fastrand::Rng, doc: &Value, only_lenient: bool) -> MatchingRules {
    let doc_paths = paths(doc);
    let mut rules = MatchingRules::default();
    for _ in 0..rng.usize(..5) {
        let path = random_rule_path(rng, &doc_paths);
        let list = if only_lenient {
            let rule = if rng.bool() {
                MatchingRule::Type
            } else {
                MatchingRule::Equality
            };
            RuleList::single(rule)
        } else {
            random_list(rng, 1)
        };
        // Bad path expressions are refused; that is fine.
        let _ = rules.add(Category::Body, &path, list);
    }
    if !only_lenient {
        for (c, key) in [
            (Category::Header, "X-A"),
            (Category::Query, "q"),
            (Category::Path, ""),
            (Category::Status, ""),
            (Category::Metadata, "kind"),
        ] {
            if rng.u8(..4) == 0 {
                let _ = rules.add(c, key, random_list(rng, 0));
            }
        }
    }
    rules
}

/// A document with one value changed to a value of another type (None for an empty one).
fn changed(rng: &mut fastrand::Rng, doc: &Value) -> Option<Value> {
    let all = paths(doc);
    let (at, old) = all[rng.usize(..all.len())].clone();
    let new = match old {
        Value::String(_) => json!(12345),
        _ => json!("changed"),
    };
    let mut out = doc.clone();
    *pointer_of(&mut out, &at)? = new;
    Some(out)
}

/// The value at a path expression produced by [`paths`].
fn pointer_of<'v>(doc: &'v mut Value, path: &str) -> Option<&'v mut Value> {
    let mut at = doc;
    let mut rest = path.strip_prefix('$')?;
    while !rest.is_empty() {
        if let Some(r) = rest.strip_prefix("['") {
            let end = r.find("']")?;
            at = at.get_mut(&r[..end])?;
            rest = &r[end + 2..];
        } else if let Some(r) = rest.strip_prefix('[') {
            let end = r.find(']')?;
            at = at.get_mut(r[..end].parse::<usize>().ok()?)?;
            rest = &r[end + 1..];
        } else if let Some(r) = rest.strip_prefix('.') {
            let end = r.find(['.', '[']).unwrap_or(r.len());
            at = at.get_mut(&r[..end])?;
            rest = &r[end..];
        } else {
            return None;
        }
    }
    Some(at)
}

/// A document with a key added to its first object (None when there is no object).
fn with_extra_key(doc: &Value) -> Option<Value> {
    let mut out = doc.clone();
    fn first_object(v: &mut Value) -> Option<&mut Map<String, Value>> {
        match v {
            Value::Object(m) => Some(m),
            Value::Array(items) => items.iter_mut().find_map(first_object),
            _ => None,
        }
    }
    let m = first_object(&mut out)?;
    let mut key = "extra".to_string();
    while m.contains_key(&key) {
        key.push('x');
    }
    m.insert(key, json!("surprise"));
    Some(out)
}

// ---------------------------------------------------------------------------------------------
// Reading
// ---------------------------------------------------------------------------------------------

/// Reads `bytes` and checks the error or round-trip properties. `well_formed` is whether the
/// input is known to be well-formed JSON; None lets serde_json decide.
fn check_read(bytes: &[u8], stats: &mut Stats) {
    stats.inputs += 1;
    let result = guarded("read_pact_bytes", &Shown(bytes), || {
        read_pact_bytes(bytes, SOURCE)
    });
    let unbommed = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let well_formed = serde_json::from_slice::<Value>(unbommed).is_ok();
    match result {
        Err(e @ PactError::Json { .. }) => {
            stats.json_errors += 1;
            let PactError::Json {
                source_name,
                line,
                column,
                message,
            } = &e
            else {
                unreachable!()
            };
            assert!(
                !well_formed,
                "a JSON error for well-formed JSON: {e}\n{:?}",
                Shown(bytes)
            );
            assert_eq!(source_name, SOURCE, "{e}");
            assert!(!message.is_empty(), "{e}");
            assert!(e.to_string().contains(SOURCE), "{e}");
            assert!(*line >= 1, "line {line} in {e}\n{:?}", Shown(bytes));
            let lines: Vec<&[u8]> = unbommed.split(|&b| b == b'\n').collect();
            assert!(
                *line <= lines.len(),
                "line {line} of {} in {e}\n{:?}",
                lines.len(),
                Shown(bytes)
            );
            let width = lines[*line - 1].len();
            assert!(
                *column <= width + 1,
                "column {column} of a {width}-byte line in {e}\n{:?}",
                Shown(bytes)
            );
        }
        Err(e @ PactError::Field { .. }) => {
            stats.field_errors += 1;
            assert!(
                well_formed,
                "a field error for malformed JSON: {e}\n{:?}",
                Shown(bytes)
            );
            assert!(e.to_string().starts_with(SOURCE), "{e}");
        }
        Ok(pact) => {
            stats.read_ok += 1;
            assert!(well_formed);
            check_round_trip(&pact, bytes, stats);
        }
    }
}

/// Written in its own version and read again, a V3 or V4 pact has the same interactions (V3
/// when it has no synchronous messages), but for what that version's writer cannot express
/// or fills in; and any pact the writer wrote reads back exactly (a fixed point).
fn check_round_trip(pact: &Pact, input: &[u8], stats: &mut Stats) {
    if let Some(issue) = known_issue(pact) {
        *stats.known_issues.entry(issue).or_default() += 1;
        return;
    }
    stats.round_trips += 1;
    let again = write_and_read(pact, input);
    let comparable = match pact.spec {
        SpecVersion::V3 => !pact
            .interactions
            .iter()
            .any(|i| matches!(i, Interaction::SyncMessage(_))),
        SpecVersion::V4 => true,
        _ => false,
    };
    if comparable {
        let mut expected = pact.interactions.clone();
        let mut found = again.interactions.clone();
        for (e, f) in expected.iter_mut().zip(&mut found) {
            as_written(e, f, pact.spec);
        }
        assert_same(
            &expected,
            &found,
            input,
            "write then read changed the interactions",
        );
    }
    let third = write_and_read(&again, input);
    assert_same(
        &again.interactions,
        &third.interactions,
        input,
        "a pact the writer wrote changed when written and read again",
    );
}

/// `read` (an interaction as first read) as the writer of `spec` writes it, `found` being the
/// same interaction read back:
///
/// * V3 has no key, pending flag or comments, and writes a header's values as one string;
/// * V4 writes a key for every interaction, computed when there was none, and a content type
///   for every body, the detected one when none was declared (or an unreadable one was);
/// * a header with no value at all is written as an empty string;
/// * a JSON body whose text is `null` (a pact's `"body": "null"` under a JSON content type)
///   is written as `null`, which reads back as a null body.
///
/// Rules are compared whatever their order: the writer sorts them by path, and a pact may
/// list them in another order (`body` and V4's `content` rules are merged, for one).
fn as_written(read: &mut Interaction, found: &mut Interaction, spec: SpecVersion) {
    for i in [&mut *read, &mut *found] {
        for rules in rules_of(i) {
            *rules = sorted_rules(rules);
        }
    }
    for body in bodies(read) {
        if let Body::Present {
            bytes,
            content_type: Some(ct),
            ..
        } = &*body
        {
            if ct.is_json() && bytes.trim_ascii() == b"null" {
                *body = Body::Null;
            }
        }
    }
    let info = read.info_mut();
    if spec >= SpecVersion::V4 {
        info.key = Some(info.key());
        for (r, f) in bodies(read).into_iter().zip(bodies(found)) {
            if let (
                Body::Present {
                    content_type: None, ..
                },
                Body::Present { content_type, .. },
            ) = (&*r, f)
            {
                *content_type = None;
            }
        }
    } else {
        info.key = None;
        info.pending = false;
        info.comments = Map::new();
    }
    if let Interaction::Http(h) = read {
        for headers in [&mut h.request.headers, &mut h.response.headers]
            .into_iter()
            .flatten()
        {
            let joined: Vec<(String, Vec<String>)> = headers
                .iter()
                .filter(|(_, vs)| vs.is_empty() || (vs.len() > 1 && spec < SpecVersion::V4))
                .map(|(k, vs)| (k.to_string(), vec![vs.join(", ")]))
                .collect();
            for (k, vs) in joined {
                headers.set(&k, vs);
            }
        }
    }
}

/// Pacts that do not round-trip because of a known bug, which the checks skip (and count):
/// remove a case here once its bug is fixed.
fn known_issue(_pact: &Pact) -> Option<&'static str> {
    None
}

fn write_and_read(pact: &Pact, input: &[u8]) -> Pact {
    let written = guarded("to_json_string", &Shown(input), || {
        pact.to_json_string(pact.spec)
    });
    guarded("read_pact (round trip)", &written, || {
        read_pact(&written, "written.json")
    })
    .unwrap_or_else(|e| {
        panic!(
            "a written pact does not read: {e}\ninput: {:?}\nwritten: {written}",
            Shown(input)
        )
    })
}

fn assert_same(expected: &[Interaction], found: &[Interaction], input: &[u8], what: &str) {
    if expected != found {
        let before = format!("{expected:#?}");
        let after = format!("{found:#?}");
        panic!(
            "{what}\ninput: {:?}\n{}",
            Shown(input),
            first_difference(&before, &after)
        );
    }
}

/// The rules of an interaction.
fn rules_of(i: &mut Interaction) -> Vec<&mut MatchingRules> {
    match i {
        Interaction::Http(h) => vec![
            &mut h.request.matching_rules,
            &mut h.response.matching_rules,
        ],
        Interaction::AsyncMessage(m) => vec![&mut m.message.matching_rules],
        Interaction::SyncMessage(m) => std::iter::once(&mut m.request.matching_rules)
            .chain(m.responses.iter_mut().map(|r| &mut r.matching_rules))
            .collect(),
    }
}

/// The same rules, each category's in the order of their keys.
fn sorted_rules(rules: &MatchingRules) -> MatchingRules {
    let mut out = MatchingRules::default();
    for c in Category::ALL {
        let Some(cat) = rules.category(c) else {
            continue;
        };
        let mut entries: Vec<_> = cat.iter().collect();
        entries.sort_by(|a, b| a.0.cmp(b.0));
        for (key, _, list) in entries {
            out.add(c, key, list.clone())
                .expect("keys that were accepted once");
        }
    }
    out
}

/// The bodies of an interaction, in a fixed order.
fn bodies(i: &mut Interaction) -> Vec<&mut Body> {
    match i {
        Interaction::Http(h) => vec![&mut h.request.body, &mut h.response.body],
        Interaction::AsyncMessage(m) => vec![&mut m.message.contents],
        Interaction::SyncMessage(m) => std::iter::once(&mut m.request.contents)
            .chain(m.responses.iter_mut().map(|r| &mut r.contents))
            .collect(),
    }
}

/// The first line where two texts differ, with some context.
fn first_difference(before: &str, after: &str) -> String {
    let (b, a): (Vec<&str>, Vec<&str>) = (before.lines().collect(), after.lines().collect());
    let at = b.iter().zip(&a).take_while(|(x, y)| x == y).count();
    let from = at.saturating_sub(8);
    format!(
        "read first:\n{}\nread again:\n{}",
        b[from..(at + 3).min(b.len())].join("\n"),
        a[from..(at + 3).min(a.len())].join("\n")
    )
}

const TOKENS: &[&str] = &[
    "{",
    "}",
    "[",
    "]",
    ":",
    ",",
    "\"",
    "null",
    "true",
    "false",
    "0",
    "-1.5e3",
    "1e999",
    "\"a\"",
    "\"\\u12\"",
    "\"\\uD800\"",
    "\\",
    " ",
    "\n",
    "\r\n",
    "\t",
    "\u{FEFF}",
    "\"consumer\"",
    "\"interactions\"",
    "{\"name\":\"x\"}",
    "\"matchingRules\"",
];

fn random_bytes(rng: &mut fastrand::Rng) -> Vec<u8> {
    match rng.u8(..3) {
        0 => (0..rng.usize(..64)).map(|_| rng.u8(..)).collect(),
        1 => (0..rng.usize(..40))
            .flat_map(|_| TOKENS[rng.usize(..TOKENS.len())].bytes())
            .collect(),
        _ => {
            // A BOM or whitespace, then printable noise.
            let mut v = if rng.bool() {
                b"\xEF\xBB\xBF".to_vec()
            } else {
                b"  \n".to_vec()
            };
            v.extend((0..rng.usize(..32)).map(|_| rng.u8(0x20..0x7f)));
            v
        }
    }
}

fn mutate_bytes(rng: &mut fastrand::Rng, seed: &str) -> Vec<u8> {
    let mut b = seed.as_bytes().to_vec();
    for _ in 0..1 + rng.usize(..3) {
        if b.is_empty() {
            break;
        }
        let at = rng.usize(..b.len());
        match rng.u8(..7) {
            0 => b[at] ^= 1 << rng.u8(..8),
            1 => b.insert(at, rng.u8(..)),
            2 => {
                let end = (at + 1 + rng.usize(..8)).min(b.len());
                b.drain(at..end);
            }
            3 => {
                let t = TOKENS[rng.usize(..TOKENS.len())];
                b.splice(at..at, t.bytes());
            }
            4 => b.truncate(at),
            5 => {
                let end = (at + 1 + rng.usize(..16)).min(b.len());
                let copy = b[at..end].to_vec();
                b.splice(at..at, copy);
            }
            _ => b[at] = *rng.choice(b"{}[]\":,\\0").unwrap_or(&b'{'),
        }
    }
    b
}

const BAD_MATCHERS: &[&str] = &[
    r#"{"match": "regex", "regex": "("}"#,
    r#"{"match": "regex", "regex": "a)|(b"}"#,
    r#"{"match": "regex"}"#,
    r#"{"match": "bogus"}"#,
    r#"{"match": 7}"#,
    r#"{"match": "type", "min": "x"}"#,
    r#"{"match": "type", "min": 3, "max": 1}"#,
    r#"{"match": "type", "min": -1}"#,
    r#"{"match": "date", "format": "yyyy-MM-ddX!!"}"#,
    r#"{"match": "date", "format": "'unterminated"}"#,
    r#"{"match": "timestamp", "format": "XXXXXX"}"#,
    r#"{"match": "time", "format": 12}"#,
    r#"{"match": "include"}"#,
    r#"{"match": "contentType"}"#,
    r#"{"match": "statusCode", "status": "teapot"}"#,
    r#"{"match": "statusCode", "status": [200, 70000]}"#,
    r#"{"match": "arrayContains", "variants": [{"index": 9, "rules": {"$.a[": {"match": "type"}}}]}"#,
    r#"{"match": "arrayContains"}"#,
    r#"{"match": "eachKey", "rules": [{"match": "regex", "regex": "["}]}"#,
    r#"{"match": "eachValue", "rules": "nope"}"#,
    r#"{"combine": "XOR", "matchers": [{"match": "type"}]}"#,
    r#"{"combine": 1, "matchers": []}"#,
    r#"{"matchers": {"match": "type"}}"#,
    r#"{"match": "values"}"#,
    r#"{"match": "semver"}"#,
    r#"{"match": "notEmpty"}"#,
    r#"{"match": "number"}"#,
    r#"{"match": "regex", "regex": "\\d{1,1000}"}"#,
];

const BAD_GENERATORS: &[&str] = &[
    r#"{"type": "Nope"}"#,
    r#"{}"#,
    r#"{"type": "RandomInt", "min": 5, "max": 1}"#,
    r#"{"type": "RandomInt", "min": "a"}"#,
    r#"{"type": "RandomString", "size": -1}"#,
    r#"{"type": "RandomString", "size": 100000000}"#,
    r#"{"type": "RandomDecimal", "digits": 0}"#,
    r#"{"type": "Regex", "regex": "(["}"#,
    r#"{"type": "Regex", "regex": "[^\\x00-\\x{10FFFF}]"}"#,
    r#"{"type": "Uuid", "format": "weird"}"#,
    r#"{"type": "Date", "format": "yyyy-MM-ddQQQQQQQ"}"#,
    r#"{"type": "Date", "expression": "+ 2 fortnights"}"#,
    r#"{"type": "DateTime", "expression": "tomorrow +"}"#,
    r#"{"type": "Time", "format": "HH:mm", "expression": "now + 99999999999 hours"}"#,
    r#"{"type": "ProviderState", "expression": "${"}"#,
    r#"{"type": "ProviderState", "expression": "${a}", "dataType": "COMPLEX"}"#,
    r#"{"type": "MockServerURL", "example": "http://x/a", "regex": "("}"#,
    r#"{"type": "RandomBoolean"}"#,
];

const BAD_PATHS: &[&str] = &[
    "$.a[",
    "$[abc]",
    "$['x",
    "",
    "$..a",
    "a.b",
    "$.*.*[*]",
    "$[99999999999999999999]",
    "$.",
    "$['']",
    "$[*][*][*]",
    "$.日本",
    "$x",
    "$[-1]",
    "$['a']['b']",
    "headers",
    "$.body.x",
];

const VOCABULARY: &[&str] = &[
    "matchingRules",
    "generators",
    "body",
    "headers",
    "query",
    "status",
    "method",
    "path",
    "providerStates",
    "providerState",
    "metadata",
    "metaData",
    "contents",
    "type",
    "key",
    "pending",
    "comments",
    "request",
    "response",
    "encoded",
    "contentType",
    "content",
    "description",
    "messages",
    "interactions",
    "pactSpecification",
    "version",
    "params",
];

const VERSIONS: &[&str] = &[
    r#""1.0.0""#,
    r#""1.1.0""#,
    r#""2.0.0""#,
    r#""3.0.0""#,
    r#""4.0""#,
    r#""5.0""#,
    r#""x""#,
    "3",
    "4.0",
    "null",
    "[]",
    r#""v3""#,
];

fn parse(s: &str) -> Value {
    serde_json::from_str(s).expect("a valid literal")
}

/// Every container in the document, as a mutable reference, by a random walk.
fn random_node<'v>(rng: &mut fastrand::Rng, root: &'v mut Value) -> &'v mut Value {
    let mut at = root;
    loop {
        let stop = rng.u8(..4) == 0;
        let len = match &*at {
            Value::Object(m) => m.len(),
            Value::Array(a) => a.len(),
            _ => 0,
        };
        if stop || len == 0 {
            return at;
        }
        let i = rng.usize(..len);
        at = match at {
            Value::Object(m) => m.values_mut().nth(i).expect("in range"),
            Value::Array(a) => &mut a[i],
            _ => unreachable!(),
        };
    }
}

fn mutate_structure(rng: &mut fastrand::Rng, seed: &str) -> Value {
    let mut doc = parse(seed);
    for _ in 0..1 + rng.usize(..3) {
        match rng.u8(..9) {
            // Swap a value for one of another type.
            0 | 1 => {
                let node = random_node(rng, &mut doc);
                *node = match node {
                    Value::Object(_) => json!(["not", "an", "object"]),
                    Value::Array(_) => json!({"not": "a list"}),
                    Value::String(_) => random_number(rng),
                    Value::Number(_) | Value::Bool(_) | Value::Null => {
                        Value::String(random_string(rng))
                    }
                };
            }
            // Remove a key.
            2 => {
                if let Value::Object(m) = random_node(rng, &mut doc) {
                    if !m.is_empty() {
                        let k = m.keys().nth(rng.usize(..m.len())).cloned().expect("a key");
                        m.remove(&k);
                    }
                }
            }
            // Add a key of the pact vocabulary with a random value.
            3 => {
                let k = VOCABULARY[rng.usize(..VOCABULARY.len())];
                let v = match rng.u8(..4) {
                    0 => parse(BAD_MATCHERS[rng.usize(..BAD_MATCHERS.len())]),
                    1 => parse(BAD_GENERATORS[rng.usize(..BAD_GENERATORS.len())]),
                    _ => random_json(rng, 2),
                };
                if let Value::Object(m) = random_node(rng, &mut doc) {
                    m.insert(k.to_string(), v);
                }
            }
            // A broken or unusual matcher under a body path, good or bad.
            4 | 5 => {
                let path = if rng.bool() {
                    BAD_PATHS[rng.usize(..BAD_PATHS.len())].to_string()
                } else {
                    "$.id".to_string()
                };
                let matcher = parse(BAD_MATCHERS[rng.usize(..BAD_MATCHERS.len())]);
                let list = if matcher.get("matchers").is_some() {
                    matcher
                } else {
                    json!({"combine": "AND", "matchers": [matcher]})
                };
                insert_everywhere(rng, &mut doc, "matchingRules", |rules| {
                    if rules.keys().any(|k| k.starts_with('$')) {
                        rules.insert(
                            format!("$.body{}", path.trim_start_matches('$')),
                            list.clone(),
                        );
                    } else if let Some(Value::Object(body)) = rules.get_mut("body") {
                        body.insert(path.clone(), list.clone());
                    } else {
                        rules.insert("body".into(), json!({ path.clone(): list.clone() }));
                    }
                });
            }
            // A broken or unusual generator.
            6 => {
                let g = parse(BAD_GENERATORS[rng.usize(..BAD_GENERATORS.len())]);
                let path = BAD_PATHS[rng.usize(..BAD_PATHS.len())].to_string();
                let category =
                    ["body", "header", "query", "path", "status", "bogus"][rng.usize(..6)];
                insert_everywhere(rng, &mut doc, "generators", |gens| {
                    let key = if matches!(category, "path" | "status") {
                        gens.insert(category.into(), g.clone());
                        return;
                    } else if category == "body" {
                        path.clone()
                    } else {
                        "X-Name".to_string()
                    };
                    gens.insert(category.into(), json!({ key: g.clone() }));
                });
            }
            // Another specification version.
            7 => {
                let v = parse(VERSIONS[rng.usize(..VERSIONS.len())]);
                if let Some(Value::Object(spec)) = doc
                    .get_mut("metadata")
                    .and_then(|m| m.get_mut("pactSpecification"))
                {
                    spec.insert("version".into(), v);
                }
            }
            // A random body.
            _ => {
                if let Some(list) = doc.get_mut("interactions").and_then(Value::as_array_mut) {
                    if let Some(i) = list.first_mut() {
                        if let Some(req) = i.get_mut("request").and_then(Value::as_object_mut) {
                            req.insert("body".into(), random_json(rng, 3));
                        }
                    }
                }
            }
        }
    }
    doc
}

/// Calls `f` on the `key` object (created when absent) of some requests, responses and
/// messages of the document.
fn insert_everywhere(
    rng: &mut fastrand::Rng,
    doc: &mut Value,
    key: &str,
    mut f: impl FnMut(&mut Map<String, Value>),
) {
    let mut targets: Vec<&mut Map<String, Value>> = Vec::new();
    let Some(top) = doc.as_object_mut() else {
        return;
    };
    for (name, list) in top.iter_mut() {
        if name != "interactions" && name != "messages" {
            continue;
        }
        let Some(items) = list.as_array_mut() else {
            continue;
        };
        for item in items {
            let Some(item) = item.as_object_mut() else {
                continue;
            };
            if item.contains_key("contents") {
                targets.push(item);
                continue;
            }
            for (k, v) in item.iter_mut() {
                if k == "request" || k == "response" {
                    if let Some(o) = v.as_object_mut() {
                        targets.push(o);
                    }
                }
            }
        }
    }
    if targets.is_empty() {
        return;
    }
    let i = rng.usize(..targets.len());
    let target = &mut targets[i];
    if !matches!(target.get(key), Some(Value::Object(_))) {
        target.insert(key.to_string(), json!({}));
    }
    if let Some(Value::Object(o)) = target.get_mut(key) {
        f(o);
    }
}

/// Rules read as part of a pact are the rules `MatchingRules::from_json` reads, or the pact
/// fails with its error. (The reader remembers rule lists it has read, so this checks that
/// short cut against the plain reading.)
fn check_rules_reading(rng: &mut fastrand::Rng, stats: &mut Stats) {
    let rules = random_rules_json(rng);
    let reference = MatchingRules::from_json(&rules);
    let pact = json!({
        "consumer": {"name": "C"},
        "provider": {"name": "P"},
        "interactions": [{
            "description": "d",
            "request": {"method": "GET", "path": "/"},
            "response": {"status": 200, "matchingRules": rules},
        }],
        "metadata": {"pactSpecification": {"version": "3.0.0"}},
    });
    let bytes = serde_json::to_vec(&pact).expect("serialisable");
    stats.inputs += 1;
    let read = guarded("read_pact_bytes", &rules, || {
        read_pact_bytes(&bytes, SOURCE)
    });
    match (reference, read) {
        (Ok(expected), Ok(pact)) => {
            stats.read_ok += 1;
            let Interaction::Http(h) = &pact.interactions[0] else {
                panic!("not HTTP")
            };
            assert_eq!(
                h.response.matching_rules, expected,
                "rules read in a pact differ from MatchingRules::from_json: {rules:#}"
            );
        }
        (Err(expected), Err(PactError::Field { field, message, .. })) => {
            stats.field_errors += 1;
            assert_eq!(field, "interactions[0].response.matchingRules");
            assert_eq!(message, expected, "for {rules:#}");
        }
        (expected, read) => {
            panic!("MatchingRules::from_json gives {expected:?} but the pact reads as {read:?}\nrules: {rules:#}")
        }
    }
}

const RULE_LISTS: &[&str] = &[
    r#"{"match": "type"}"#,
    r#"{"match": "type", "min": 1}"#,
    r#"{"combine": "AND", "matchers": [{"match": "integer"}]}"#,
    r#"{"combine": "OR", "matchers": [{"match": "type"}, {"match": "null"}]}"#,
    r#"{"combine": "AND", "matchers": [{"match": "regex", "regex": "[a-z]+"}]}"#,
    r#"{"combine": "AND", "matchers": [{"match": "date", "format": "yyyy-MM-dd"}, {"match": "type"}]}"#,
    r#"{"combine": "AND", "matchers": [{"match": "include", "value": 12}]}"#,
    r#"{"combine": "AND", "matchers": []}"#,
    r#"{"matchers": [{"match": "equality"}]}"#,
    r#"{"combine": "AND", "matchers": [{"match": "arrayContains", "variants": [{"index": 0, "rules": {"$.a": {"match": "type"}}}]}]}"#,
    r#"{"combine": "AND", "matchers": [{"match": "eachValue", "rules": [{"match": "type"}]}]}"#,
    r#"{"combine": "AND", "matchers": [{"match": "statusCode", "status": [200, 201]}]}"#,
    r#"{"match": "type", "min": 1.0}"#,
    r#"{"match": "type", "min": 1}"#,
    r#"[]"#,
    r#"null"#,
];

fn random_rule_list_json(rng: &mut fastrand::Rng) -> Value {
    if rng.u8(..5) == 0 {
        parse(BAD_MATCHERS[rng.usize(..BAD_MATCHERS.len())])
    } else {
        parse(RULE_LISTS[rng.usize(..RULE_LISTS.len())])
    }
}

fn random_rules_json(rng: &mut fastrand::Rng) -> Value {
    let mut m = Map::new();
    for _ in 0..rng.usize(..6) {
        let list = random_rule_list_json(rng);
        if rng.u8(..3) == 0 {
            let key = [
                "$.body.a",
                "$.body",
                "$['body'].a",
                "$.body.items[*].id",
                "$.headers.X-A",
                "$.headers",
                "$.header.x-a",
                "$.query.q",
                "$.path",
                "$.status",
                "$.method",
                "$.bogus.x",
                "$.*.x",
                "$.body.a[",
                "$.metadata.kind",
                "$['headers']['X-B']",
                "$.body[0]",
                "$.bodyx",
            ][rng.usize(..18)];
            m.insert(key.to_string(), list);
            continue;
        }
        let cat = [
            "body", "content", "header", "headers", "query", "path", "status", "method",
            "metadata", "metaData", "bogus",
        ][rng.usize(..11)];
        let single = matches!(cat, "path" | "status" | "method");
        if single && rng.u8(..4) > 0 {
            m.insert(cat.to_string(), list);
            continue;
        }
        let entry = m.entry(cat.to_string()).or_insert_with(|| json!({}));
        let key = [
            "$.a",
            "$",
            "$.items[*].id",
            "id",
            "$['x y']",
            "$.a[",
            "X-A",
            "x-a",
            "$['X-A']",
            "$.q",
            "q",
            "",
        ][rng.usize(..12)];
        if let Some(o) = entry.as_object_mut() {
            o.insert(key.to_string(), list);
        }
    }
    Value::Object(m)
}

// ---------------------------------------------------------------------------------------------
// Matching
// ---------------------------------------------------------------------------------------------

fn random_spec(rng: &mut fastrand::Rng) -> SpecVersion {
    [
        SpecVersion::V1,
        SpecVersion::V1_1,
        SpecVersion::V2,
        SpecVersion::V3,
        SpecVersion::V4,
    ][rng.usize(..5)]
}

fn random_multimap(rng: &mut fastrand::Rng, names: &[&str]) -> MultiMap {
    let mut m = MultiMap::default();
    for _ in 0..rng.usize(..4) {
        let name = names[rng.usize(..names.len())];
        m.add(name, random_string(rng));
    }
    m
}

fn request_with(rng: &mut fastrand::Rng, body: Body, content_type: &str) -> Request {
    let mut headers = random_multimap(rng, &["X-A", "Accept", "x-a", "Date", "Set-Cookie"]);
    if !content_type.is_empty() {
        headers.set("Content-Type", vec![content_type.to_string()]);
    }
    Request {
        method: ["GET", "POST", "put", "DELETE"][rng.usize(..4)].to_string(),
        path: format!("/{}", random_string(rng)),
        query: rng
            .bool()
            .then(|| random_multimap(rng, &["q", "page", "", "a b"])),
        headers: Some(headers),
        body,
        ..Request::default()
    }
}

fn response_with(rng: &mut fastrand::Rng, body: Body, content_type: &str) -> Response {
    let mut headers = random_multimap(rng, &["X-A", "Location", "Date"]);
    if !content_type.is_empty() {
        headers.set("Content-Type", vec![content_type.to_string()]);
    }
    Response {
        status: rng.u16(100..600),
        headers: rng.bool().then_some(headers),
        body,
        ..Response::default()
    }
}

fn message_with(rng: &mut fastrand::Rng, body: Body, content_type: &str) -> MessageContents {
    let mut metadata = Map::new();
    for _ in 0..rng.usize(..3) {
        metadata.insert(
            ["kind", "topic", "n"][rng.usize(..3)].to_string(),
            random_leaf(rng),
        );
    }
    if !content_type.is_empty() {
        metadata.insert("contentType".into(), json!(content_type));
    }
    MessageContents {
        contents: body,
        metadata,
        ..MessageContents::default()
    }
}

/// The three matchers on expected and actual parts with the same bodies.
struct Parts {
    request: (Request, Request),
    response: (Response, Response),
    message: (MessageContents, MessageContents),
}

fn parts(
    rng: &mut fastrand::Rng,
    expected: Body,
    actual: Body,
    content_type: &str,
    rules: &MatchingRules,
) -> Parts {
    let req = request_with(rng, expected.clone(), content_type);
    let res = response_with(rng, expected.clone(), content_type);
    let msg = message_with(rng, expected, content_type);
    let mut parts = Parts {
        request: (
            req.clone(),
            Request {
                body: actual.clone(),
                ..req
            },
        ),
        response: (
            res.clone(),
            Response {
                body: actual.clone(),
                ..res
            },
        ),
        message: (
            msg.clone(),
            MessageContents {
                contents: actual,
                ..msg
            },
        ),
    };
    parts.request.0.matching_rules = rules.clone();
    parts.response.0.matching_rules = rules.clone();
    parts.message.0.matching_rules = rules.clone();
    parts
}

/// Runs the three matchers; returns their mismatches.
fn match_all(parts: &Parts, spec: SpecVersion, stats: &mut Stats) -> [Vec<Mismatch>; 3] {
    stats.inputs += 3;
    stats.matched += 3;
    let show = |what: &str| format!("{what} with {spec:?}");
    [
        guarded(&show("match_request"), &parts.request, || {
            match_request(&parts.request.0, &parts.request.1, spec)
        }),
        guarded(&show("match_response"), &parts.response, || {
            match_response(&parts.response.0, &parts.response.1, spec)
        }),
        guarded(&show("match_message"), &parts.message, || {
            match_message(&parts.message.0, &parts.message.1, spec)
        }),
    ]
}

fn assert_no_mismatch(found: &[Vec<Mismatch>; 3], parts: &Parts, why: &str, stats: &mut Stats) {
    let shown = [
        format!("{:#?}", parts.request),
        format!("{:#?}", parts.response),
        format!("{:#?}", parts.message),
    ];
    let headers = [
        parts.request.0.headers.as_ref(),
        parts.response.0.headers.as_ref(),
        None,
    ];
    let body = parts.response.0.body.as_bytes();
    for (k, name) in ["request", "response", "message"].iter().enumerate() {
        if found[k].is_empty() {
            continue;
        }
        if let Some(issue) = known_matching_issue(headers[k], body) {
            *stats.known_issues.entry(issue).or_default() += 1;
            continue;
        }
        panic!(
            "{why}: the {name} has mismatches {:#?}\nparts: {}",
            found[k], shown[k]
        );
    }
}

/// Matches that fail because of a known bug, which the checks skip (and count): remove a
/// case here once its bug is fixed.
fn known_matching_issue(_headers: Option<&MultiMap>, _body: &[u8]) -> Option<&'static str> {
    None
}

fn json_body(v: &Value) -> Body {
    Body::json(v)
}

fn check_json_matching(rng: &mut fastrand::Rng, stats: &mut Stats) {
    let doc = random_json(rng, 4);
    let spec = random_spec(rng);
    let none = MatchingRules::default();

    // Itself, without rules: no mismatch.
    let p = parts(
        rng,
        json_body(&doc),
        json_body(&doc),
        "application/json",
        &none,
    );
    let found = match_all(&p, spec, stats);
    assert_no_mismatch(&found, &p, "a body matched against itself", stats);

    // Itself, with only type and equality rules: no mismatch.
    let lenient = random_rules(rng, &doc, true);
    let p = parts(
        rng,
        json_body(&doc),
        json_body(&doc),
        "application/json",
        &lenient,
    );
    let found = match_all(&p, spec, stats);
    assert_no_mismatch(
        &found,
        &p,
        "a body matched against itself under type rules",
        stats,
    );

    // A value of another type somewhere: a mismatch, whatever the kind of part.
    if let Some(other) = changed(rng, &doc) {
        let p = parts(
            rng,
            json_body(&doc),
            json_body(&other),
            "application/json",
            &none,
        );
        let found = match_all(&p, spec, stats);
        for (name, m) in ["request", "response", "message"].iter().zip(&found) {
            assert!(
                !m.is_empty(),
                "a changed {name} body matched\nexpected {doc}\nactual {other}"
            );
        }
    }

    // An unexpected key: a mismatch in a request, fine in a response or a message.
    if let Some(other) = with_extra_key(&doc) {
        let p = parts(
            rng,
            json_body(&doc),
            json_body(&other),
            "application/json",
            &none,
        );
        let [req, res, msg] = match_all(&p, spec, stats);
        assert!(
            !req.is_empty(),
            "an unexpected key in a request body was accepted\nexpected {doc}\nactual {other}"
        );
        assert_no_mismatch(
            &[Vec::new(), res, msg],
            &p,
            "an unexpected key in a response or message body",
            stats,
        );
    }

    // Random rules, another random document: anything but a panic.
    let rules = random_rules(rng, &doc, false);
    check_rule_index(&rules, &doc, stats);
    let actual = if rng.bool() {
        random_json(rng, 4)
    } else {
        doc.clone()
    };
    let p = parts(
        rng,
        json_body(&doc),
        json_body(&actual),
        "application/json",
        &rules,
    );
    match_all(&p, spec, stats);
}

/// Walking a document with a [`RuleIndex`] finds, at every node, the rules that
/// `RuleCategory::best_for_path` finds for its path (where one expression is best: of two
/// equally good ones with different rules, each may pick another).
fn check_rule_index(rules: &MatchingRules, doc: &Value, stats: &mut Stats) {
    let Some(category) = rules.category(Category::Body) else {
        return;
    };
    let index = RuleIndex::new(Some(category));
    fn walk<'v>(
        index: &RuleIndex<'_>,
        category: &RuleCategory,
        cursor: &Cursor<'_>,
        path: &mut Vec<Segment<'v>>,
        v: &'v Value,
        stats: &mut Stats,
    ) {
        let mut best: Option<(u64, usize)> = None;
        let mut lists: Vec<&RuleList> = Vec::new();
        for (_, expr, list) in category.iter() {
            let Some(expr) = expr else { continue };
            let w = expr.weight(path);
            if w == 0 {
                continue;
            }
            let key = (w, expr.tokens().len());
            if best.is_none_or(|b| key > b) {
                best = Some(key);
                lists.clear();
            }
            if best == Some(key) {
                lists.push(list);
            }
        }
        if lists.windows(2).all(|w| w[0] == w[1]) {
            stats.index_checks += 1;
            assert_eq!(
                cursor.rules(),
                lists.first().copied(),
                "the rule index and best_for_path disagree at {path:?} with rules {category:#?}"
            );
        }
        let children: Vec<(Segment<'v>, &'v Value)> = match v {
            Value::Object(m) => m.iter().map(|(k, c)| (Segment::Field(k), c)).collect(),
            Value::Array(items) => items
                .iter()
                .enumerate()
                .map(|(i, c)| (Segment::Index(i), c))
                .collect(),
            _ => Vec::new(),
        };
        for (segment, child) in children {
            let next = index.step(cursor, segment);
            path.push(segment);
            walk(index, category, &next, path, child, stats);
            path.pop();
        }
    }
    let mut path = vec![Segment::Root];
    walk(&index, category, &index.root(), &mut path, doc, stats);
}

// XML, forms, multipart and other bodies.

fn random_name(rng: &mut fastrand::Rng) -> String {
    ["a", "item", "ns:b", "x-y", "c1", "日本"][rng.usize(..6)].to_string()
}

fn xml_text(rng: &mut fastrand::Rng) -> String {
    random_string(rng)
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .chars()
        .filter(|&c| c == '\t' || c == '\n' || c >= ' ')
        .collect()
}

fn random_xml_element(rng: &mut fastrand::Rng, depth: usize, out: &mut String) {
    let name = random_name(rng);
    out.push('<');
    out.push_str(&name);
    if name.starts_with("ns:") {
        out.push_str(" xmlns:ns=\"urn:n\"");
    }
    let mut attrs: Vec<&str> = Vec::new();
    for _ in 0..rng.usize(..3) {
        let a = ["id", "type", "lang"][rng.usize(..3)];
        if !attrs.contains(&a) {
            attrs.push(a);
            out.push_str(&format!(" {a}=\"{}\"", xml_text(rng)));
        }
    }
    out.push('>');
    for _ in 0..if depth > 0 { rng.usize(..4) } else { 0 } {
        if rng.bool() {
            out.push_str(&xml_text(rng));
        }
        random_xml_element(rng, depth - 1, out);
    }
    if rng.bool() {
        out.push_str(&xml_text(rng));
    }
    out.push_str(&format!("</{name}>"));
}

fn random_xml(rng: &mut fastrand::Rng) -> String {
    let mut s = String::new();
    if rng.bool() {
        s.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    }
    random_xml_element(rng, 3, &mut s);
    s
}

fn random_form(rng: &mut fastrand::Rng) -> String {
    let mut parts = Vec::new();
    for _ in 0..rng.usize(..6) {
        let k = ["a", "b", "name", "", "x%20y", "%zz", "c+d"][rng.usize(..7)];
        let v = ["1", "", "hello+world", "%41%", "=", "caf%C3%A9", "%FF"][rng.usize(..7)];
        parts.push(if rng.u8(..5) == 0 {
            k.to_string()
        } else {
            format!("{k}={v}")
        });
    }
    parts.join("&")
}

fn random_multipart(rng: &mut fastrand::Rng, boundary: &str, unique_names: bool) -> Vec<u8> {
    let mut out = Vec::new();
    let mut names: Vec<String> = Vec::new();
    if rng.bool() {
        out.extend_from_slice(b"preamble\r\n");
    }
    for i in 0..rng.usize(..4) {
        let mut name = ["file", "meta", "a", "b"][rng.usize(..4)].to_string();
        if unique_names {
            name = format!("{name}{i}");
        }
        names.push(name.clone());
        out.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
        out.extend_from_slice(
            format!("Content-Disposition: form-data; name=\"{name}\"\r\n").as_bytes(),
        );
        match rng.u8(..4) {
            0 => {
                out.extend_from_slice(b"Content-Type: application/json\r\n\r\n");
                out.extend_from_slice(random_json(rng, 2).to_string().as_bytes());
            }
            1 => {
                out.extend_from_slice(b"Content-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n");
                out.extend_from_slice(b"iVBORw0KGgo=");
            }
            2 => {
                out.extend_from_slice(b"Content-Type: text/plain\r\n\r\n");
                out.extend_from_slice(random_string(rng).as_bytes());
            }
            _ => {
                out.extend_from_slice(b"\r\n");
                out.extend((0..rng.usize(..16)).map(|_| rng.u8(..)));
            }
        }
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    out
}

fn mutate(rng: &mut fastrand::Rng, bytes: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(bytes).into_owned();
    mutate_bytes(rng, &text)
}

fn random_other_rules(rng: &mut fastrand::Rng) -> MatchingRules {
    let mut rules = MatchingRules::default();
    for _ in 0..rng.usize(..3) {
        let path = [
            "$",
            "$.a",
            "$.a.item",
            "$.a['@id']",
            "$.a.#text",
            "$.a.item[1]",
            "$.a.*",
            "$.name",
            "$.b",
            "$.item[*]",
            "$.a.item['@type']",
        ][rng.usize(..11)];
        let _ = rules.add(Category::Body, path, random_list(rng, 0));
    }
    rules
}

fn check_other_bodies(rng: &mut fastrand::Rng, stats: &mut Stats) {
    let spec = random_spec(rng);
    let none = MatchingRules::default();
    let (content_type, bytes, self_matches): (String, Vec<u8>, bool) = match rng.u8(..8) {
        0 | 1 => {
            let ct = ["application/xml", "text/xml", "application/atom+xml"][rng.usize(..3)];
            (ct.to_string(), random_xml(rng).into_bytes(), true)
        }
        2 => {
            let xml = random_xml(rng).into_bytes();
            ("application/xml".into(), mutate(rng, &xml), false)
        }
        3 => (
            "application/x-www-form-urlencoded".into(),
            random_form(rng).into_bytes(),
            true,
        ),
        4 | 5 => {
            let boundary = ["XyZ", "b-1", "----x"][rng.usize(..3)];
            let unique = rng.bool();
            let body = random_multipart(rng, boundary, unique);
            let ct = format!("multipart/form-data; boundary={boundary}");
            if rng.u8(..3) == 0 {
                (ct, mutate(rng, &body), false)
            } else {
                (ct, body, true)
            }
        }
        6 => {
            let ct = [
                "text/plain",
                "application/octet-stream",
                "image/png",
                "text/html",
            ][rng.usize(..4)];
            let body = (0..rng.usize(..48)).map(|_| rng.u8(..)).collect();
            (ct.to_string(), body, true)
        }
        _ => {
            let ct = [
                "application/xml",
                "application/x-www-form-urlencoded",
                "multipart/mixed; boundary=q",
                "application/json",
            ][rng.usize(..4)];
            (ct.to_string(), random_bytes(rng), false)
        }
    };
    let body = || Body::bytes(bytes.clone(), ContentType::parse(&content_type));
    if self_matches {
        let p = parts(rng, body(), body(), &content_type, &none);
        let found = match_all(&p, spec, stats);
        assert_no_mismatch(
            &found,
            &p,
            &format!("a {content_type} body matched against itself"),
            stats,
        );
    }
    // Under random rules, against itself and against another body of the kind.
    let rules = random_other_rules(rng);
    let p = parts(rng, body(), body(), &content_type, &rules);
    match_all(&p, spec, stats);
    let other = Body::bytes(mutate(rng, &bytes), ContentType::parse(&content_type));
    let p = parts(rng, body(), other, &content_type, &rules);
    match_all(&p, spec, stats);
}

// ---------------------------------------------------------------------------------------------
// The test
// ---------------------------------------------------------------------------------------------

#[derive(Default)]
struct Stats {
    inputs: usize,
    json_errors: usize,
    field_errors: usize,
    read_ok: usize,
    round_trips: usize,
    matched: usize,
    index_checks: usize,
    known_issues: std::collections::BTreeMap<&'static str, usize>,
}

#[test]
fn fuzz_reading_and_matching() {
    let seed = std::env::var("PACT_FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(DEFAULT_SEED);
    report(&format!(
        "fuzz: seed {seed} (PACT_FUZZ_SEED={seed} reproduces this run)"
    ));
    let start = Instant::now();
    let mut stats = Stats::default();

    // Each phase has its own generator, so that changing one leaves the others' inputs alone.
    let mut phase =
        |n: u64, what: &str, count: usize, f: &dyn Fn(usize, &mut fastrand::Rng, &mut Stats)| {
            let mut rng = fastrand::Rng::with_seed(seed.wrapping_add(n));
            let (t, before) = (Instant::now(), stats.inputs);
            for i in 0..count {
                f(i, &mut rng, &mut stats);
            }
            report(&format!(
                "fuzz: phase {n}, {what}: {} inputs in {:.1} s",
                stats.inputs - before,
                t.elapsed().as_secs_f64()
            ));
        };
    phase(1, "random bytes read", 25_000, &|_, rng, stats| {
        check_read(&random_bytes(rng), stats)
    });
    phase(2, "mutated pact bytes read", 20_000, &|i, rng, stats| {
        check_read(&mutate_bytes(rng, SEEDS[i % SEEDS.len()]), stats)
    });
    phase(
        3,
        "mutated pact structures read",
        8_000,
        &|i, rng, stats| {
            let doc = mutate_structure(rng, SEEDS[i % SEEDS.len()]);
            let text = if rng.bool() {
                serde_json::to_vec_pretty(&doc)
            } else {
                serde_json::to_vec(&doc)
            };
            check_read(&text.expect("serialisable"), stats);
        },
    );
    phase(
        4,
        "matching rules read in a pact",
        2_000,
        &|_, rng, stats| check_rules_reading(rng, stats),
    );
    phase(5, "JSON bodies matched", 4_500, &|_, rng, stats| {
        check_json_matching(rng, stats)
    });
    phase(
        6,
        "XML, form, multipart and other bodies matched",
        4_000,
        &|_, rng, stats| check_other_bodies(rng, stats),
    );
    for seed_pact in SEEDS {
        let pact = read_pact(seed_pact, "seed.json").expect("the seed pacts read");
        check_round_trip(&pact, seed_pact.as_bytes(), &mut stats);
    }
    report(&format!(
        "fuzz: {} inputs in {:.1} s: {} read ({} JSON errors, {} field errors, {} pacts, {} round trips), {} matched ({} rule index lookups checked)",
        stats.inputs,
        start.elapsed().as_secs_f64(),
        stats.json_errors + stats.field_errors + stats.read_ok,
        stats.json_errors,
        stats.field_errors,
        stats.read_ok,
        stats.round_trips,
        stats.matched,
        stats.index_checks,
    ));
    for (issue, n) in &stats.known_issues {
        report(&format!(
            "fuzz: {n} checks skipped for a known issue: {issue}"
        ));
    }
    assert!(stats.inputs >= 100_000, "only {} inputs", stats.inputs);
    assert!(stats.read_ok > 100, "too few inputs read as pacts");
    assert!(
        stats.field_errors > 1000,
        "too few inputs reach the pact reader"
    );
}
