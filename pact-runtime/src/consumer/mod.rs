//! The consumer side: build a pact's interactions, play the provider with a
//! [`MockServer`](crate::mock_server::MockServer), write the pact when every interaction
//! was exercised.
//!
//! ```
//! use pact_runtime::consumer::{matchers::*, PactBuilder, Term};
//! let mut pact = PactBuilder::new("Consumer", "Provider");
//! pact.interaction("a request for build 3455", |i| {
//!     i.given_with_params("build 3455 exists", serde_json::json!({"id": 3455}));
//!     i.request.get("/builds/3455").header("Accept", "application/json");
//!     i.response.status(200).json_body(Term::object([
//!         ("name", like("#3455")),
//!         ("completed", boolean(true)),
//!     ]));
//! });
//! assert_eq!(pact.build().interactions.len(), 1);
//! ```

#[doc(hidden)]
pub mod macro_support;
mod term;

pub use term::{matchers, FlatTerm, Term};

use pact_core::generators::Generators;
use pact_core::model::{
    Body, ContentType, HttpInteraction, Interaction, InteractionInfo, MultiMap, Pact,
    ProviderState, Request, Response, SpecVersion,
};
use pact_core::rules::{Category, MatchingRules, RuleList};
use serde_json::Value;
use std::path::PathBuf;

/// A pact under construction: consumer, provider, spec version and interactions.
#[derive(Debug, Clone)]
pub struct PactBuilder {
    pact: Pact,
    output_dir: Option<PathBuf>,
    package_dir: Option<PathBuf>,
}

impl PactBuilder {
    /// A V3 pact between `consumer` and `provider`.
    pub fn new(consumer: impl Into<String>, provider: impl Into<String>) -> PactBuilder {
        PactBuilder {
            pact: Pact {
                consumer: consumer.into(),
                provider: provider.into(),
                spec: SpecVersion::V3,
                ..Pact::default()
            },
            output_dir: None,
            package_dir: None,
        }
    }

    /// Writes the pact in another specification version (V2 or V4).
    ///
    /// ```
    /// use pact_runtime::consumer::PactBuilder;
    /// use pact_runtime::pact_core::model::SpecVersion;
    /// let mut pact = PactBuilder::new("C", "P");
    /// pact.spec(SpecVersion::V4);
    /// assert_eq!(pact.build().spec, SpecVersion::V4);
    /// ```
    pub fn spec(&mut self, spec: SpecVersion) -> &mut Self {
        self.pact.spec = spec;
        self
    }

    /// Where the pact is written; by default the pact dir of the test's workspace
    /// (see [`pact_dir`](crate::pact_writer::pact_dir)).
    pub fn output_dir(&mut self, dir: impl Into<PathBuf>) -> &mut Self {
        self.output_dir = Some(dir.into());
        self
    }

    /// Adds an interaction, described by `description` and built by `build`.
    pub fn interaction(
        &mut self,
        description: impl Into<String>,
        build: impl FnOnce(&mut InteractionBuilder),
    ) -> &mut Self {
        let mut builder = InteractionBuilder::new(description);
        build(&mut builder);
        self.push(builder.build());
        self
    }

    /// Adds an interaction already built.
    pub fn push(&mut self, interaction: HttpInteraction) -> &mut Self {
        self.pact.interactions.push(Interaction::Http(interaction));
        self
    }

    /// What the interactions use that the pact's specification version cannot hold, one
    /// line each; writing the pact would drop them (see [`Pact::lost_in`], which the pact
    /// writer checks too).
    ///
    /// ```
    /// use pact_runtime::consumer::{matchers::integer, PactBuilder, Term};
    /// use pact_runtime::pact_core::model::SpecVersion;
    /// let mut pact = PactBuilder::new("C", "P");
    /// pact.spec(SpecVersion::V2).interaction("a request", |i| {
    ///     i.response.json_body(Term::object([("id", integer(1))]));
    /// });
    /// assert_eq!(pact.unsupported(), ["a request: response body $.id: the integer rule"]);
    /// ```
    pub fn unsupported(&self) -> Vec<String> {
        self.pact.lost_in(self.pact.spec)
    }

    /// The pact as built so far.
    pub fn build(&self) -> Pact {
        self.pact.clone()
    }

    /// Writes the pact to the pact dir of the package whose manifest is in `manifest_dir`
    /// (rather than of `CARGO_MANIFEST_DIR` at run time).
    pub fn package_dir(&mut self, manifest_dir: impl Into<PathBuf>) -> &mut Self {
        self.package_dir = Some(manifest_dir.into());
        self
    }

    /// The package set by [`PactBuilder::package_dir`], whose settings (pact dir, log dir)
    /// apply.
    pub(crate) fn package(&self) -> Option<&std::path::Path> {
        self.package_dir.as_deref()
    }

    /// Where the pact will be written: the output dir if set, else the pact dir of the
    /// package (see [`pact_dir`](crate::pact_writer::pact_dir)).
    pub fn resolve_output_dir(&self) -> Result<PathBuf, crate::pact_writer::WriteError> {
        match (&self.output_dir, &self.package_dir) {
            (Some(dir), _) => Ok(dir.clone()),
            (None, Some(package)) => crate::pact_writer::pact_dir(package),
            (None, None) => crate::pact_writer::default_pact_dir(),
        }
    }
}

/// One HTTP interaction under construction.
#[derive(Debug, Clone)]
pub struct InteractionBuilder {
    info: InteractionInfo,
    /// The request the consumer sends.
    pub request: RequestBuilder,
    /// The response the provider answers with.
    pub response: ResponseBuilder,
}

impl InteractionBuilder {
    /// An interaction with this description, a `GET /` request and a 200 response.
    pub fn new(description: impl Into<String>) -> InteractionBuilder {
        InteractionBuilder {
            info: InteractionInfo::new(description),
            request: RequestBuilder::default(),
            response: ResponseBuilder::default(),
        }
    }

    /// Adds a provider state.
    pub fn given(&mut self, state: impl Into<String>) -> &mut Self {
        self.info.provider_states.push(ProviderState::new(state));
        self
    }

    /// Adds a provider state with parameters (a JSON object).
    #[track_caller]
    pub fn given_with_params(&mut self, state: impl Into<String>, params: Value) -> &mut Self {
        let mut s = ProviderState::new(state);
        match params {
            Value::Object(map) => s.params = map,
            other => panic!(
                "provider state \"{}\": params must be a JSON object, not {other}",
                s.name
            ),
        }
        self.info.provider_states.push(s);
        self
    }

    /// Sets the V4 interaction key (by default a hash of description and states).
    pub fn key(&mut self, key: impl Into<String>) -> &mut Self {
        self.info.key = Some(key.into());
        self
    }

    /// Marks the interaction pending (V4): its failure does not fail a verification.
    pub fn pending(&mut self, pending: bool) -> &mut Self {
        self.info.pending = pending;
        self
    }

    /// Adds a V4 comment.
    pub fn comment(&mut self, text: impl Into<String>) -> &mut Self {
        let text = Value::String(text.into());
        match self.info.comments.get_mut("text") {
            Some(Value::Array(list)) => list.push(text),
            _ => {
                self.info
                    .comments
                    .insert("text".into(), Value::Array(vec![text]));
            }
        }
        self
    }

    /// Sets the V4 test name comment.
    pub fn test_name(&mut self, name: impl Into<String>) -> &mut Self {
        self.info
            .comments
            .insert("testname".into(), Value::String(name.into()));
        self
    }

    /// The interaction.
    pub fn build(self) -> HttpInteraction {
        HttpInteraction {
            info: self.info,
            request: self.request.0,
            response: self.response.0,
        }
    }
}

/// Adds a term's rules and generators under `key` of `category` (`$`-rooted paths are
/// re-rooted for bodies and reduced to the key for headers, query and path).
#[track_caller]
fn add_term(
    rules: &mut MatchingRules,
    generators: &mut Generators,
    category: Category,
    key: &str,
    flat: &FlatTerm,
) {
    for (path, list) in &flat.rules {
        let k = rule_key(category, key, path);
        if matches!(category, Category::Header | Category::Query) {
            let existing = rules
                .category(category)
                .and_then(|c| c.for_name(&k, category == Category::Header));
            if existing.is_some_and(|e| e != list) {
                panic!(
                    "{} '{key}' has values with different matchers, but a pact holds one rule \
                     list per name",
                    category.name()
                );
            }
        }
        // The keys come from flatten() or a header/query name, which the category accepts.
        let _ = rules.add(category, &k, list.clone());
    }
    for (path, g) in &flat.generators {
        let k = rule_key(category, key, path);
        let _ = generators.add(category, &k, g.clone());
    }
}

fn rule_key(category: Category, key: &str, path: &str) -> String {
    match category {
        Category::Body => path.to_string(),
        Category::Path | Category::Status | Category::Method => String::new(),
        // A header or query value is one string: its rules are the name's.
        _ => key.to_string(),
    }
}

fn body_from(bytes: Vec<u8>, content_type: Option<ContentType>) -> Body {
    if bytes.is_empty() {
        return Body::Empty;
    }
    Body::Present {
        bytes,
        content_type,
        json: Default::default(),
    }
}

/// Shared by [`RequestBuilder`] and [`ResponseBuilder`]: headers and bodies.
macro_rules! headers_and_body {
    ($t:ty) => {
        impl $t {
            /// Adds a header value (a literal or a matcher such as `regex(..)`). A
            /// `Content-Type` replaces the one a body set.
            #[track_caller]
            pub fn header(&mut self, name: &str, value: impl Into<Term>) -> &mut Self {
                let flat = value.into().flatten();
                let example = flat.example_string();
                let headers = self.0.headers.get_or_insert_with(MultiMap::default);
                if name.eq_ignore_ascii_case("content-type") {
                    headers.replace_ignore_case(name, vec![example]);
                } else {
                    headers.add(name, example);
                }
                add_term(
                    &mut self.0.matching_rules,
                    &mut self.0.generators,
                    Category::Header,
                    name,
                    &flat,
                );
                self
            }

            /// A JSON body (with `Content-Type: application/json` unless one was set).
            #[track_caller]
            pub fn json_body(&mut self, body: impl Into<Term>) -> &mut Self {
                let flat = body.into().flatten();
                let bytes = serde_json::to_vec(&flat.example).unwrap_or_default();
                self.set_body(bytes, ContentType::json());
                add_term(
                    &mut self.0.matching_rules,
                    &mut self.0.generators,
                    Category::Body,
                    "",
                    &flat,
                );
                self
            }

            /// A body of any content type, matched as that type (text, XML, form, binary).
            #[track_caller]
            pub fn body(&mut self, bytes: impl Into<Vec<u8>>, content_type: &str) -> &mut Self {
                let ct = ContentType::parse(content_type)
                    .unwrap_or_else(|| panic!("{content_type:?} is not a content type"));
                self.set_body(bytes.into(), ct);
                self
            }

            /// A body with rules of its own (for XML or multipart), keyed by body path.
            #[track_caller]
            pub fn body_with_rules(
                &mut self,
                bytes: impl Into<Vec<u8>>,
                content_type: &str,
                rules: impl IntoIterator<Item = (String, RuleList)>,
            ) -> &mut Self {
                self.body(bytes, content_type);
                for (path, list) in rules {
                    if let Err(e) = self.0.matching_rules.add(Category::Body, &path, list) {
                        panic!("body rule path {path:?}: {e}");
                    }
                }
                self
            }

            fn set_body(&mut self, bytes: Vec<u8>, ct: ContentType) {
                let headers = self.0.headers.get_or_insert_with(MultiMap::default);
                if headers.get_ignore_case("content-type").is_none() {
                    headers.add("Content-Type", ct.to_string());
                }
                self.0.body = body_from(bytes, Some(ct));
            }
        }
    };
}

/// The expected request.
#[derive(Debug, Clone)]
pub struct RequestBuilder(Request);

impl Default for RequestBuilder {
    fn default() -> Self {
        RequestBuilder(Request {
            method: "GET".into(),
            path: "/".into(),
            ..Request::default()
        })
    }
}

headers_and_body!(RequestBuilder);

impl RequestBuilder {
    /// Sets the method, one of [`METHODS`](pact_core::checks::METHODS) in any case
    /// (upper-cased); another panics, as `#[pact_interaction]` refuses it at compile time.
    ///
    /// ```
    /// use pact_runtime::consumer::InteractionBuilder;
    /// let mut i = InteractionBuilder::new("a request");
    /// i.request.method("patch");
    /// assert_eq!(i.build().request.method, "PATCH");
    /// ```
    #[track_caller]
    pub fn method(&mut self, method: &str) -> &mut Self {
        self.0.method = pact_core::checks::method(method).unwrap_or_else(|e| panic!("{e}"));
        self
    }

    /// `GET path`.
    pub fn get(&mut self, path: impl Into<Term>) -> &mut Self {
        self.method("GET").path(path)
    }

    /// `POST path`.
    pub fn post(&mut self, path: impl Into<Term>) -> &mut Self {
        self.method("POST").path(path)
    }

    /// `PUT path`.
    pub fn put(&mut self, path: impl Into<Term>) -> &mut Self {
        self.method("PUT").path(path)
    }

    /// `DELETE path`.
    pub fn delete(&mut self, path: impl Into<Term>) -> &mut Self {
        self.method("DELETE").path(path)
    }

    /// Sets the path (a literal or a matcher such as `regex(r"/builds/\d+", "/builds/3455")`).
    pub fn path(&mut self, path: impl Into<Term>) -> &mut Self {
        let flat = path.into().flatten();
        self.0.path = flat.example_string();
        add_term(
            &mut self.0.matching_rules,
            &mut self.0.generators,
            Category::Path,
            "",
            &flat,
        );
        self
    }

    /// Adds a query parameter value (repeat for several values).
    #[track_caller]
    pub fn query_param(&mut self, name: &str, value: impl Into<Term>) -> &mut Self {
        let flat = value.into().flatten();
        let example = flat.example_string();
        self.0
            .query
            .get_or_insert_with(MultiMap::default)
            .add(name, example);
        add_term(
            &mut self.0.matching_rules,
            &mut self.0.generators,
            Category::Query,
            name,
            &flat,
        );
        self
    }
}

/// The expected response.
#[derive(Debug, Clone, Default)]
pub struct ResponseBuilder(Response);

headers_and_body!(ResponseBuilder);

impl ResponseBuilder {
    /// Sets the status (a code, or `status_code(StatusClass::Success, 200)`).
    #[track_caller]
    pub fn status(&mut self, status: impl Into<Term>) -> &mut Self {
        let flat = status.into().flatten();
        self.0.status =
            pact_core::checks::status_json(&flat.example).unwrap_or_else(|e| panic!("{e}"));
        add_term(
            &mut self.0.matching_rules,
            &mut self.0.generators,
            Category::Status,
            "",
            &flat,
        );
        self
    }
}

impl From<u16> for Term {
    fn from(v: u16) -> Term {
        Term::Value(Value::from(v))
    }
}
