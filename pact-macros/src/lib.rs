//! # pact-macros
//!
//! The `#[pact_interaction(...)]` attribute: a Pact consumer test declared on the test
//! function, checked when it compiles. Use it through `pact-runtime`, which re-exports it
//! (`use pact_runtime::prelude::*;`) and provides what it expands to.
//!
//! ```
//! use pact_runtime::prelude::*;
//!
//! #[pact_interaction(
//!     provider = "Provider",
//!     description = "a request for build 3455",
//!     given("build 3455 exists", id = 3455),
//!     request(GET, "/builds/3455", headers = { "Accept": "application/json" }),
//!     response(200, json = {
//!         "name": like("#3455"),
//!         "completed": boolean(true),
//!         "info": { "build_time": regex(r"\d+", "123") },
//!         "artifacts": each_like({ "id": integer(1) }, min = 1),
//!     }),
//! )]
//! fn fetches_build_3455(mock: &MockServer) {
//!     let url = mock.path("/builds/3455");
//!     // ... call the client under test with `url` and check what it makes of the answer
//! #   let _ = url;
//! }
//! # fn main() {}
//! ```
//!
//! Mistakes that would only show when the test runs are compile errors, each at the token
//! at fault: a regex that does not compile or does not match its example, a date or time
//! format that is invalid or does not match its example, an example of the wrong kind
//! (`integer(1.5)`), `min` greater than `max`, an unknown key or matcher (the message lists
//! the valid ones), an unknown HTTP method, a status outside 100..=599, two interactions
//! with the same key, a missing description or provider.
//!
//! ```compile_fail
//! use pact_runtime::prelude::*;
//!
//! #[pact_interaction(
//!     provider = "Provider",
//!     description = "a request for build 3455",
//!     request(GET, "/builds/3455"),
//!     response(200, json = { "id": regex(r"\d+", "abc") }), // error: "abc" does not match
//! )]
//! fn fetches_build_3455(mock: &MockServer) {}
//! # fn main() {}
//! ```
//!
//! See [`pact_interaction`] for the whole syntax.

mod attr;
mod expand;
mod term;

use proc_macro::TokenStream;

/// Declares a Pact consumer test: the interactions the mock provider expects and answers,
/// and the test that exercises them.
///
/// The function becomes a test (`#[test]` is added unless it has a test attribute such as
/// `#[tokio::test]` already). It runs with a [`MockServer`] playing the provider, passed
/// as its argument (`mock: &MockServer`, or no argument at all). When it returns, the mock
/// server checks that every interaction was exercised and that no other request came, and
/// writes the pact to the pact dir (`PACT_OUTPUT_DIR`, else `pact-dir` of
/// `[workspace.metadata.pact]`, else `<workspace root>/pacts`); if not, the test fails
/// with the list of problems. A test that panics, or returns `Err`, writes no pact.
///
/// [`MockServer`]: https://docs.rs/pact-runtime/latest/pact_runtime/mock_server/struct.MockServer.html
///
/// # Keys
///
/// | key | meaning |
/// |---|---|
/// | `description = "..."` | **required**: the interaction's description |
/// | `given("state", name = value, ...)` | a provider state, with parameters (plain JSON values); repeatable. `given = "state"` for one without |
/// | `request(METHOD, path, ...)` | **required**: the request; see below |
/// | `response(status, ...)` | the response; a bare `200` when left out |
/// | `provider = "..."` | the provider; else `provider` of `[package.metadata.pact]` in the test crate's `Cargo.toml`, else of `[workspace.metadata.pact]` |
/// | `consumer = "..."` | the consumer; else `consumer` of `[package.metadata.pact]` or `[workspace.metadata.pact]`, else the package name |
/// | `spec = "V4"` | the pact's specification version: `V2`, `V3` (the default) or `V4` |
/// | `key = "..."`, `pending = true`, `comment = "..."` | V4 only: the interaction key, pending flag, comments (repeatable) |
/// | `crate = path` | where `pact_runtime` is, when it is re-exported under another path |
///
/// The request is `request(METHOD, path, query = { ... }, headers = { ... }, json = ...)`:
/// the method is an identifier or string (`GET HEAD POST PUT DELETE CONNECT OPTIONS TRACE
/// PATCH`), the path a string starting with `/` or a matcher
/// (`regex(r"/builds/\d+", "/builds/3455")`). `query` and `headers` map names to values:
/// strings, matchers, or arrays of them for repeated values. The body is `json = <term>`,
/// or `body = "text"` (or `b"bytes"`) with `content_type = "..."` (`text/plain` by
/// default); `content_type` with `json` sets a JSON content type of your own.
///
/// The response is `response(status, headers = { ... }, json = ...)` (or `body` and
/// `content_type`), where the status is a code or `status_code(Success, 200)`.
///
/// # Terms
///
/// A JSON body is written as JSON, with matchers anywhere a value goes: objects
/// `{ "key": term }`, arrays `[term, ...]`, strings, numbers, booleans, `null`, a matcher
/// call, or `(expr)`, any Rust expression that converts into a `Term`. The matchers are
/// the functions of `pact_runtime::consumer::matchers`:
///
/// | matcher | matches |
/// |---|---|
/// | `like(example)` | the example's type (cascading into objects and arrays) |
/// | `each_like(template)`, `each_like(template, min = 1, max = 10)` | arrays of elements like the template |
/// | `regex(regex, example)`, `regex_generated(regex, example)` | strings the regex matches whole (the second also generates them) |
/// | `integer(1)`, `decimal(1.5)`, `number(2)`, `boolean(true)`, `null()` | values of that type |
/// | `include("text")`, `equality(example)`, `not_empty(example)`, `semver("1.2.3")` | as named |
/// | `datetime(format, example)`, `date(..)`, `time(..)` | dates and times in a Java-style format (`yyyy-MM-dd'T'HH:mm:ss`) |
/// | `generated_datetime(format, example, expression = "now + 1 hour")`, `generated_date(..)`, `generated_time(..)` | the same, generated afresh |
/// | `values(example)`, `each_key(example, regex(..))`, `each_value(example, like(..))` | maps by their values or keys |
/// | `array_contains([term, ...])`, `all_of([..])`, `any_of([..])` | combinations |
/// | `content_type("image/png", example)` | bytes of that type |
/// | `status_code(class, example)` | statuses of a class: `Information`, `Success`, `Redirect`, `ClientError`, `ServerError`, `NonError`, `Error`, or `[200, 201]` |
/// | `random_int(min, max)`, `random_decimal(digits)`, `random_hexadecimal(digits)`, `random_string(size)`, `random_boolean()`, `uuid()` | generated values |
/// | `from_provider_state("${id}", example)`, `mock_server_url(regex, example)` | values the provider or mock server fills in |
///
/// # Several interactions
///
/// Stack the attribute to give one test several interactions on one mock server. Any of
/// the attributes may give `provider`, `consumer`, `spec` and `crate`; those that do must
/// agree. No two interactions may have the same description and provider states (or the
/// same `key`).
///
/// ```
/// use pact_runtime::prelude::*;
///
/// #[pact_interaction(
///     provider = "Provider",
///     description = "a request for build 1",
///     request(GET, "/builds/1"),
///     response(200, json = { "id": integer(1) }),
/// )]
/// #[pact_interaction(
///     description = "a request for a missing build",
///     request(GET, "/builds/2"),
///     response(404),
/// )]
/// fn fetches_builds(mock: &MockServer) {
///     // ... two requests
/// #   let _ = mock;
/// }
/// # fn main() {}
/// ```
///
/// # Async tests
///
/// An `async fn` runs on a fresh current-thread tokio runtime, or under its own runtime
/// attribute when it has one (`#[tokio::test]` below `#[pact_interaction]`):
///
/// ```
/// use pact_runtime::prelude::*;
///
/// #[pact_interaction(
///     provider = "Provider",
///     description = "a ping",
///     request(GET, "/ping"),
///     response(200, body = "pong"),
/// )]
/// async fn pings(mock: &MockServer) {
///     // ... an async client call
/// #   let _ = mock;
/// }
/// # fn main() {}
/// ```
///
/// A test may return a `Result`: `Ok` finishes the mock server as usual, `Err` fails the
/// test without writing the pact.
///
/// # Errors
///
/// When anything is wrong, the function is left as written (but not a test) next to the
/// errors, so that editors keep working on its body.
#[proc_macro_attribute]
pub fn pact_interaction(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::expand(args.into(), item.into()).into()
}
