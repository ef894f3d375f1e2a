//! Throughput of the pact model and the matching engine, timed with `std::time::Instant`.
//!
//! Run with `cargo bench -p pact-core`. Every figure is the median of several runs after a
//! warm-up run. Measured:
//!
//! * reading a generated 10,000-interaction V3 pact (`read_pact`), in MB/s;
//! * matching a ~1 MB JSON response body under 1,000 body rules (`match_response`), with
//!   the scaling in body size and in number of rules;
//! * writing the 10,000-interaction pact back as V3 (`Pact::to_json_string`), in MB/s.

use pact_core::matching::match_response;
use pact_core::model::{read_pact, Body, MultiMap, Response, SpecVersion};
use pact_core::rules::{Category, MatchingRule, RuleList};
use serde_json::{json, Value};
use std::hint::black_box;
use std::time::{Duration, Instant};

/// A megabyte here is 2^20 bytes (the conservative reading of the targets).
const MB: f64 = 1024.0 * 1024.0;

/// Runs `f` once to warm up, then `runs` times; returns the median duration and the last
/// result. Dropping a result is not timed (dropping the inputs `f` builds on the way is), and
/// the previous result is dropped before the next run starts, so that each run finds the
/// heap as a process that has just one result to build would.
fn median<T>(runs: usize, mut f: impl FnMut() -> T) -> (Duration, T) {
    let mut out = black_box(f());
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs {
        drop(out);
        let start = Instant::now();
        out = black_box(f());
        times.push(start.elapsed());
    }
    times.sort_unstable();
    (times[times.len() / 2], out)
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn mb_per_s(bytes: usize, d: Duration) -> f64 {
    bytes as f64 / MB / d.as_secs_f64()
}

// ---------------------------------------------------------------------------------------------
// (a) and (c): a large V3 pact.
// ---------------------------------------------------------------------------------------------

const WORDS: &[&str] = &[
    "alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliet",
    "kilo", "lima", "mike", "november", "oscar", "papa", "quebec", "romeo", "sierra", "tango",
];

fn word(rng: &mut fastrand::Rng) -> &'static str {
    WORDS[rng.usize(..WORDS.len())]
}

fn date(rng: &mut fastrand::Rng) -> String {
    format!(
        "{}-{:02}-{:02}",
        rng.u32(2000..2030),
        rng.u32(1..13),
        rng.u32(1..29)
    )
}

/// One V3 interaction of a realistic shape: provider states with parameters, a request with
/// query and headers and a JSON body, a response with a nested JSON body, rules in the V3
/// category form, and a few generators.
fn interaction(i: usize, rng: &mut fastrand::Rng) -> Value {
    let order = 10_000 + i;
    let customer = rng.u32(1..100_000);
    let lines: Vec<Value> = (0..rng.usize(2..5))
        .map(|n| {
            json!({
                "line": n + 1,
                "sku": format!("SKU-{:06}", rng.u32(..1_000_000)),
                "quantity": rng.u32(1..20),
                "unitPrice": f64::from(rng.u32(100..100_000)) / 100.0,
                "tags": [word(rng), word(rng)],
            })
        })
        .collect();
    let request_body = json!({
        "customerId": customer,
        "currency": "EUR",
        "shipping": {
            "name": format!("{} {}", word(rng), word(rng)),
            "address": {"street": format!("{} street {}", word(rng), rng.u32(1..200)), "city": word(rng), "postcode": format!("{:05}", rng.u32(..100_000))},
            "express": rng.bool(),
        },
        "lines": lines,
    });
    let response_body = json!({
        "id": order,
        "status": "CREATED",
        "createdAt": format!("{}T{:02}:{:02}:{:02}", date(rng), rng.u32(..24), rng.u32(..60), rng.u32(..60)),
        "deliveryDate": date(rng),
        "total": f64::from(rng.u32(100..1_000_000)) / 100.0,
        "customer": {"id": customer, "name": format!("{} {}", word(rng), word(rng)), "vip": rng.bool()},
        "lines": request_body["lines"].clone(),
        "links": {"self": {"href": format!("/orders/{order}")}, "customer": {"href": format!("/customers/{customer}")}},
    });
    let m = |v: Value| json!({"combine": "AND", "matchers": [v]});
    json!({
        "description": format!("a request to create order {order}"),
        "providerStates": [
            {"name": "a customer exists", "params": {"customerId": customer, "name": word(rng)}},
            {"name": "the stock is available", "params": {"warehouse": word(rng), "skus": rng.u32(1..50)}},
        ],
        "request": {
            "method": "POST",
            "path": format!("/customers/{customer}/orders"),
            "query": {"dryRun": ["false"], "source": [word(rng)]},
            "headers": {"Content-Type": "application/json", "Accept": "application/hal+json", "X-Request-Id": format!("req-{i}")},
            "body": request_body,
            "matchingRules": {
                "path": m(json!({"match": "regex", "regex": "/customers/\\d+/orders"})),
                "header": {"X-Request-Id": m(json!({"match": "regex", "regex": "req-\\d+"}))},
                "query": {"source": m(json!({"match": "type"}))},
                "body": {
                    "$.customerId": m(json!({"match": "integer"})),
                    "$.lines": m(json!({"match": "type", "min": 1})),
                    "$.lines[*].sku": m(json!({"match": "regex", "regex": "SKU-\\d{6}"})),
                    "$.lines[*].unitPrice": m(json!({"match": "decimal"})),
                    "$.shipping.address.postcode": m(json!({"match": "regex", "regex": "\\d{5}"})),
                },
            },
        },
        "response": {
            "status": 201,
            "headers": {"Content-Type": "application/hal+json; charset=utf-8", "Location": format!("/orders/{order}")},
            "body": response_body,
            "matchingRules": {
                "header": {"Location": m(json!({"match": "regex", "regex": "/orders/\\d+"}))},
                "body": {
                    "$.id": m(json!({"match": "integer"})),
                    "$.createdAt": m(json!({"match": "timestamp", "format": "yyyy-MM-dd'T'HH:mm:ss"})),
                    "$.deliveryDate": m(json!({"match": "date", "format": "yyyy-MM-dd"})),
                    "$.total": m(json!({"match": "decimal"})),
                    "$.customer.name": m(json!({"match": "type"})),
                    "$.lines": m(json!({"match": "type", "min": 1})),
                    "$.links.self.href": m(json!({"match": "include", "value": "/orders/"})),
                },
            },
            "generators": {
                "body": {
                    "$.id": {"type": "RandomInt", "min": 1, "max": 1_000_000},
                    "$.createdAt": {"type": "DateTime", "format": "yyyy-MM-dd'T'HH:mm:ss"},
                    "$.deliveryDate": {"type": "Date", "format": "yyyy-MM-dd", "expression": "+ 2 days"},
                },
                "header": {"Location": {"type": "ProviderState", "expression": "/orders/${id}"}},
            },
        },
    })
}

fn pact_text(interactions: usize) -> String {
    let mut rng = fastrand::Rng::with_seed(0x5EED);
    let list: Vec<Value> = (0..interactions)
        .map(|i| interaction(i, &mut rng))
        .collect();
    let pact = json!({
        "consumer": {"name": "OrderWeb"},
        "provider": {"name": "OrderService"},
        "interactions": list,
        "metadata": {"pactSpecification": {"version": "3.0.0"}, "pact-rust": {"version": "0.1.0"}},
    });
    serde_json::to_string_pretty(&pact).expect("serialisable")
}

// ---------------------------------------------------------------------------------------------
// (b): a large response body under many rules.
// ---------------------------------------------------------------------------------------------

/// The fields of a record that rules are written for (`color` stands for `attributes.color`).
/// The other fields (`attributes.size`, `attributes.weight`, `description`) have no rule
/// and are equal in the expected and actual bodies.
const FIELDS: &[&str] = &[
    "id", "sku", "name", "price", "quantity", "created", "tags", "color",
];

fn record(i: usize, actual: bool) -> Value {
    // Expected and actual differ in every value a rule covers; the rest is equal.
    let n = if actual { i * 7 + 3 } else { i };
    json!({
        "id": n,
        "sku": format!("SKU-{:06}", n % 1_000_000),
        "name": if actual { format!("product number {i} (renamed)") } else { format!("product number {i}") },
        "price": n as f64 + 0.25,
        "quantity": (n % 50) + 1,
        "created": format!("20{:02}-{:02}-{:02}", n % 30, n % 12 + 1, n % 28 + 1),
        "tags": if actual { json!(["new", "sale", "x"]) } else { json!(["new", "sale"]) },
        "attributes": {"color": if actual { "dark red" } else { "red" }, "size": "M", "weight": 1.5},
        "description": "A product with a reasonably long description text",
    })
}

fn body(records: usize, actual: bool) -> Value {
    json!({
        "page": 1,
        "total": records,
        "items": (0..records).map(|i| record(i, actual)).collect::<Vec<_>>(),
    })
}

/// The rule a field gets, on a wildcard path or an exact one.
fn field_rule(field: &str) -> (&'static str, MatchingRule) {
    let re = |s: &str| MatchingRule::Regex(pact_core::rules::Pattern::new(s).expect("valid regex"));
    match field {
        "id" => ("id", MatchingRule::Integer),
        "sku" => ("sku", re("SKU-\\d{6}")),
        "name" => ("name", MatchingRule::Type),
        "price" => ("price", MatchingRule::Decimal),
        "quantity" => ("quantity", MatchingRule::Integer),
        "created" => (
            "created",
            MatchingRule::Date(
                pact_core::datetime::DateTimePattern::parse("yyyy-MM-dd").expect("valid pattern"),
            ),
        ),
        "tags" => ("tags", MatchingRule::MinType(1)),
        _ => ("attributes.color", MatchingRule::Include("red".into())),
    }
}

/// An expected response with `records` records and `rules` body rules on distinct paths:
/// wildcard paths for every field (up to 8 of them), then exact `$.items[N].field` paths.
fn expected_response(records: usize, rules: usize) -> Response {
    let mut r = Response {
        headers: Some(MultiMap::from_iter([("Content-Type", "application/json")])),
        body: Body::json(&body(records, false)),
        ..Response::default()
    };
    let wildcards = rules.min(FIELDS.len());
    for f in &FIELDS[..wildcards] {
        let (path, rule) = field_rule(f);
        r.matching_rules
            .add(
                Category::Body,
                &format!("$.items[*].{path}"),
                RuleList::single(rule),
            )
            .expect("valid path");
    }
    // Exact paths, spread evenly over the records and cycling through the fields: the k-th
    // goes to record k * records / exact, field k mod 8, so no two are the same.
    let exact = rules - wildcards;
    assert!(exact <= records * FIELDS.len(), "not enough distinct paths");
    let rules_cat = r.matching_rules.category_mut(Category::Body);
    for k in 0..exact {
        let (i, f) = (k * records / exact, FIELDS[k % FIELDS.len()]);
        let (path, rule) = field_rule(f);
        rules_cat
            .insert(
                Category::Body,
                &format!("$.items[{i}].{path}"),
                RuleList::single(rule),
            )
            .expect("valid path");
    }
    r
}

fn actual_response(records: usize) -> Response {
    Response {
        headers: Some(MultiMap::from_iter([("Content-Type", "application/json")])),
        body: Body::json(&body(records, true)),
        ..Response::default()
    }
}

/// The actual body with `n` deliberate differences that the rules reject, one per record.
fn broken_response(records: usize) -> (Response, usize) {
    let mut doc = body(records, true);
    let items = doc["items"].as_array_mut().expect("items");
    let breaks: [(&str, Value); 5] = [
        ("price", json!("12.50")),        // decimal: a string
        ("id", json!(12.5)),              // integer: a decimal
        ("created", json!("31/12/2020")), // date: wrong format
        ("sku", json!("sku-1")),          // regex: no match
        ("description", json!("other")),  // no rule: equality
    ];
    let n = breaks.len();
    for (k, (field, v)) in breaks.into_iter().enumerate() {
        items[(k + 1) * records / (n + 1)][field] = v;
    }
    let r = Response {
        headers: Some(MultiMap::from_iter([("Content-Type", "application/json")])),
        body: Body::json(&doc),
        ..Response::default()
    };
    (r, n)
}

/// Records needed for a body of about `mb` megabytes.
fn records_for(mb: f64) -> usize {
    let one = serde_json::to_vec(&record(0, false))
        .expect("serialisable")
        .len()
        + 1;
    ((mb * MB) / one as f64).round() as usize
}

fn bench_match(records: usize, rules: usize, runs: usize) -> (Duration, usize) {
    let expected = expected_response(records, rules);
    let actual = actual_response(records);
    let (t, mismatches) = median(runs, || match_response(&expected, &actual, SpecVersion::V3));
    assert!(
        mismatches.is_empty(),
        "unexpected mismatches: {:#?}",
        &mismatches[..mismatches.len().min(5)]
    );
    (t, expected.body.as_bytes().len())
}

fn main() {
    // `cargo bench -p pact-core -- read match` runs only the sections named (read, steps,
    // write, match, scaling); `cargo bench` itself passes `--bench`, which is ignored.
    let filters: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    let wanted = |s: &str| filters.is_empty() || filters.iter().any(|f| f == s);
    println!("pact-core benchmarks (median of several runs after a warm-up)");
    if wanted("read") || wanted("steps") || wanted("write") {
        bench_pact(&wanted);
    }
    if wanted("match") {
        bench_match_1mb();
    }
    if wanted("scaling") {
        bench_scaling();
    }
}

fn bench_pact(wanted: &dyn Fn(&str) -> bool) {
    // (a) read.
    let n = 10_000;
    let text = pact_text(n);
    let (t, pact) = median(5, || {
        read_pact(&text, "bench.json").expect("the generated pact reads")
    });
    assert_eq!(pact.interactions.len(), n);
    let rate = mb_per_s(text.len(), t);
    println!(
        "read {n}-interaction pact: {:.1} MB in {:.1} ms = {:.0} MB/s (target >= 100 MB/s){}",
        text.len() as f64 / MB,
        ms(t),
        rate,
        if rate >= 100.0 { "" } else { "  MISSED" }
    );
    if wanted("steps") {
        read_steps(&text);
    }

    // (c) write.
    if !wanted("write") {
        return;
    }
    let (t, written) = median(5, || pact.to_json_string(SpecVersion::V3));
    println!(
        "write {n}-interaction pact (V3): {:.1} MB in {:.1} ms = {:.0} MB/s",
        written.len() as f64 / MB,
        ms(t),
        mb_per_s(written.len(), t)
    );
    let again = read_pact(&written, "written.json").expect("the written pact reads");
    assert_eq!(
        again.interactions, pact.interactions,
        "write then read changes the pact"
    );
}

/// Where reading spends its time: JSON text to a `serde_json::Value`, dropping that tree,
/// and building the model from it; and what a regex rule costs to compile.
fn read_steps(text: &str) {
    let (t, json) = median(5, || {
        serde_json::from_str::<Value>(text).expect("valid JSON")
    });
    println!(
        "  step: parse the pact JSON to a serde_json::Value: {:.1} ms = {:.0} MB/s",
        ms(t),
        mb_per_s(text.len(), t)
    );
    let (t_drop, _) = median(5, || {
        drop(serde_json::from_str::<Value>(text).expect("valid JSON"));
    });
    println!(
        "  step: parse, then drop the Value: {:.1} ms (the drop: {:.1} ms)",
        ms(t_drop),
        ms(t_drop) - ms(t)
    );
    let reader = pact_core::model::Reader::new("bench.json", SpecVersion::V3);
    let (t, _) = median(5, || reader.pact(&json).expect("the generated pact reads"));
    println!(
        "  step: build the model from the Value (Reader::pact): {:.1} ms",
        ms(t)
    );
    let (t, _) = median(5, || {
        for _ in 0..1000 {
            black_box(pact_core::rules::Pattern::new("SKU-\\d{6}").expect("valid"));
        }
    });
    println!(
        "  step: compile 1000 regex rules ('SKU-\\d{{6}}'), as every read did before rule lists were memoised: {:.1} ms",
        ms(t)
    );
}

fn bench_match_1mb() {
    // (b) match.
    let records = records_for(1.0);
    let (t, size) = bench_match(records, 1_000, 11);
    println!(
        "match ~1 MB response body ({records} records, {:.2} MB) with 1000 rules: {:.2} ms = {:.0} MB/s (target < 20 ms){}",
        size as f64 / MB,
        ms(t),
        mb_per_s(size, t),
        if ms(t) < 20.0 { "" } else { "  MISSED" }
    );
    let expected = expected_response(records, 1_000);
    let actual = actual_response(records);
    // The expected body keeps its parsed form once matched (a mock server matches it against
    // every request); a fresh copy of its bytes shows the cost of the first match.
    let (t, _) = median(11, || {
        let mut fresh = expected.clone();
        fresh.body = pact_core::model::Body::bytes(
            expected.body.as_bytes().to_vec(),
            expected.body.declared_content_type().cloned(),
        );
        match_response(&fresh, &actual, SpecVersion::V3)
    });
    println!(
        "  first match of that expectation (its body parsed too): {:.2} ms",
        ms(t)
    );
    let (t, _) = median(11, || {
        let e: Value = serde_json::from_slice(expected.body.as_bytes()).expect("JSON");
        let a: Value = serde_json::from_slice(actual.body.as_bytes()).expect("JSON");
        (e, a)
    });
    println!(
        "  step: parse both bodies to serde_json::Value: {:.2} ms",
        ms(t)
    );
    let (t, _) = median(11, || {
        let e: Value = serde_json::from_slice(expected.body.as_bytes()).expect("JSON");
        let a: Value = serde_json::from_slice(actual.body.as_bytes()).expect("JSON");
        drop((e, a));
    });
    println!("  step: parse, then drop both bodies: {:.2} ms", ms(t));
    let (broken, n_broken) = broken_response(records);
    let (t, mismatches) = median(11, || match_response(&expected, &broken, SpecVersion::V3));
    assert_eq!(
        mismatches.len(),
        n_broken,
        "expected {n_broken} mismatches, got {:#?}",
        mismatches
    );
    println!(
        "match ~1 MB response body with 1000 rules and {n_broken} deliberate differences: {:.2} ms, {} mismatches ({})",
        ms(t),
        mismatches.len(),
        mismatches.iter().map(|m| m.path.as_str()).collect::<Vec<_>>().join(", ")
    );
}

fn bench_scaling() {
    let records = records_for(1.0);
    println!("scaling in body size (1000 rules):");
    let mut per_mb = Vec::new();
    for mb in [0.25, 0.5, 1.0] {
        let records = records_for(mb);
        let (t, size) = bench_match(records, 1_000, 11);
        per_mb.push(ms(t) / (size as f64 / MB));
        println!(
            "  match {:>4} MB body ({records:>5} records) with 1000 rules: {:>6.2} ms = {:.2} ms/MB",
            mb,
            ms(t),
            ms(t) / (size as f64 / MB)
        );
    }
    println!("scaling in number of rules (~1 MB body):");
    let mut by_rules = Vec::new();
    for rules in [10, 100, 1_000, 10_000] {
        let (t, _) = bench_match(records, rules, 11);
        by_rules.push(ms(t));
        let expected = expected_response(records, rules);
        let category = expected.matching_rules.category(Category::Body);
        let (t_index, _) = median(11, || pact_core::rules::RuleIndex::new(category));
        println!(
            "  match ~1 MB body with {rules:>5} rules: {:>6.2} ms (of which {:.2} ms indexing the rules)",
            ms(t),
            ms(t_index)
        );
    }
    let spread = |v: &[f64]| {
        let max = v.iter().cloned().fold(f64::MIN, f64::max);
        let min = v.iter().cloned().fold(f64::MAX, f64::min);
        max / min
    };
    println!(
        "  cost per MB varies {:.2}x over 0.25-1 MB; cost varies {:.2}x over 10-10000 rules",
        spread(&per_mb),
        spread(&by_rules)
    );
}
