//! # pact-core
//!
//! The Pact model and matching engine, with no I/O and no async: read and write pact files of
//! every specification version (V1 to V4), apply matching rules and generators, and match
//! actual requests, responses and messages against expected ones.
//!
//! ```
//! use pact_core::matching::match_response;
//! use pact_core::model::{Body, Response, SpecVersion};
//! use pact_core::rules::{Category, MatchingRule, RuleList};
//!
//! let mut expected = Response { body: Body::json(&serde_json::json!({"id": 1, "name": "a"})), ..Response::default() };
//! expected.matching_rules.add(Category::Body, "$.id", RuleList::single(MatchingRule::Integer)).unwrap();
//! let actual = Response { body: Body::json(&serde_json::json!({"id": 42, "name": "b"})), ..Response::default() };
//! let mismatches = match_response(&expected, &actual, SpecVersion::V3);
//! assert_eq!(mismatches.len(), 1);
//! assert_eq!(mismatches[0].path, "$.name");
//! assert_eq!(mismatches[0].description, "Expected 'b' (String) to be equal to 'a' (String)");
//! ```
//!
//! ## Decisions where the specification leaves room
//!
//! - A `regex` rule must match the whole value (`^(?:re)$`), as Pact JVM and the
//!   compatibility suite expect (`Expected '9999X' to match '\d{1,4}'`).
//! - Rules cascade from a path to its children, the most specific path winning (weight 2 per
//!   exact step, 1 per wildcard; ties to the longer path). What cascades is the type
//!   semantics only: `min`/`max` sizes and the structural rules (`values`, `arrayContains`,
//!   `eachKey`, `eachValue`) hold only at the path they were written for. `equality` resets a
//!   cascade.
//! - Requests are strict (no unexpected JSON keys, query parameters or XML elements);
//!   responses and messages accept extras. Arrays without a rule must have the same length
//!   in both.
//! - Header values are split on commas except for headers whose values contain commas
//!   (`Date`, `Expires`, `Set-Cookie`, ...); names that differ only in case are one header.
//!   `Content-Type` and `Accept` compare by media type, with expected parameters required and
//!   extra actual ones (`q`, a charset when none was expected) accepted; charset values
//!   compare without case.
//! - Query parameter order matters only in V1, as the V1 test cases require.
//! - A V4 interaction without a `key` gets a stable one (a hash of description and
//!   provider states) when written.
//! - Pacts are written with sorted keys; JSON bodies are written as JSON, other text bodies
//!   as strings, and (V4) binary bodies as base64. V2 can hold one matcher per path, so a V2
//!   file gets the first rule of each list.

pub mod checks;
pub mod content_type;
pub mod datetime;
pub mod error;
pub mod generators;
pub mod matching;
pub mod model;
pub mod rules;

pub use error::PactError;
pub use matching::{match_message, match_request, match_response, Mismatch, MismatchKind};
pub use model::{Interaction, Pact, SpecVersion};
