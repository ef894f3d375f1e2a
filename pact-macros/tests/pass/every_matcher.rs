//! Every key and matcher, accepted.

use pact_runtime::prelude::*;

const ANSWER: i64 = 42;

#[pact_interaction(
    provider = "Provider",
    consumer = "Consumer",
    spec = "V4",
    crate = ::pact_runtime,
    description = "every matcher",
    given("a state", id = 1, name = "x", ratio = 0.5, ok = true, nested = { "a": [1, null] }),
    given = "another state",
    request(
        post,
        regex(r"/builds/\d+", "/builds/1"),
        query = { "a": "1", "b": ["1", "2"], "c": regex(r"\d", "3") },
        headers = { "Accept": "application/json", "X-Id": uuid() },
        json = { "a": 1 },
        content_type = "application/vnd.api+json",
    ),
    response(
        status_code([200, 201], 201),
        headers = { "Location": mock_server_url(r".*(/builds/\d+)$", "http://localhost/builds/1") },
        json = {
            "like": like({ "a": integer(-1) }),
            "each_like": each_like("x"),
            "each_like_max": each_like("x", max = 3),
            "each_like_both": each_like("x", min = 0, max = 3),
            "regex": regex(r"[a-z]+", "abc"),
            "integer": integer(9223372036854775807),
            "decimal": decimal(1),
            "number": number(1.5),
            "number_int": number(-2),
            "boolean": boolean(false),
            "null": null(),
            "bare_null": null,
            "include": include("needle"),
            "equality": equality([1, 2]),
            "datetime": datetime("yyyy-MM-dd'T'HH:mm:ss", "2026-11-25T10:00:00"),
            "date": date("yyyy-MM-dd", "2026-11-25"),
            "time": time("HH:mm:ss", "10:00:00"),
            "values": values({ "k": 1 }),
            "array_contains": array_contains([like("a"), integer(2)]),
            "not_empty": not_empty("x"),
            "semver": semver("1.2.3-rc.1+build.5"),
            "content_type": content_type("text/plain", "hello"),
            "each_key": each_key({ "k1": 1 }, regex(r"k\d", "k1")),
            "each_value": each_value({ "k1": 1 }, integer(1)),
            "all_of": all_of(like("a"), include("a")),
            "any_of": any_of([regex("a+", "a"), regex("b+", "b")]),
            "random_int": random_int(1, 10),
            "random_decimal": random_decimal(4),
            "random_hexadecimal": random_hexadecimal(8),
            "random_string": random_string(5),
            "random_boolean": random_boolean(),
            "regex_generated": regex_generated(r"\d{3}", "123"),
            "uuid": uuid(),
            "generated_date": generated_date("yyyy-MM-dd", "2026-11-25", expression = "today + 1 day"),
            "generated_time": generated_time("HH:mm", "10:00", "now + 1 hour"),
            "generated_datetime": generated_datetime("yyyy-MM-dd HH:mm", "2026-11-25 10:00"),
            "from_provider_state": from_provider_state("${id}", 1),
            "expression": (ANSWER),
            "array": [1, "two", 3.0, true, { "nested": like(1) }],
        },
    ),
    key = "k",
    pending = false,
    comment = "one",
    comment = "two",
)]
async fn every_matcher(_mock: &MockServer) {}

#[pact_interaction(
    provider = "Provider",
    description = "a text body",
    request(PUT, "/text", body = "hello", content_type = "text/plain"),
    response(204, body = b"\x00\x01", content_type = "application/octet-stream"),
)]
#[pact_interaction(description = "no response given", request("GET", "/none"))]
#[test]
fn no_argument() {}

fn main() {}
