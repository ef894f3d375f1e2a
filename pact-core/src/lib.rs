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
