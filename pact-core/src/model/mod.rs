//! The Pact model: pacts, interactions of the three V4 kinds, requests, responses, messages,
//! provider states, and reading and writing them as pact JSON of every specification version.

mod body;
mod read;
mod write;

pub use body::{split_media_type, Body, ContentType, JsonCache};
pub use read::{infer_spec_version, parse_query_string, read_pact, read_pact_bytes, Reader};

use crate::generators::Generators;
use crate::rules::MatchingRules;
use serde_json::{Map, Value};
use std::fmt;

/// A version of the Pact specification.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum SpecVersion {
    /// 1.0.0
    V1,
    /// 1.1.0
    V1_1,
    /// 2.0.0
    V2,
    /// 3.0.0
    #[default]
    V3,
    /// 4.0
    V4,
}

impl SpecVersion {
    /// Reads `1.0.0`, `1.1`, `2`, `v3`, `4.0`...
    pub fn parse(s: &str) -> Option<SpecVersion> {
        let s = s.trim().trim_start_matches(['v', 'V']);
        let mut parts = s.split('.');
        let major = parts.next()?;
        let minor = parts.next().unwrap_or("0");
        Some(match (major, minor) {
            ("1", "1") => SpecVersion::V1_1,
            ("1", _) => SpecVersion::V1,
            ("2", _) => SpecVersion::V2,
            ("3", _) => SpecVersion::V3,
            ("4", _) => SpecVersion::V4,
            _ => return None,
        })
    }

    /// The version string written into pact metadata.
    pub fn as_str(self) -> &'static str {
        match self {
            SpecVersion::V1 => "1.0.0",
            SpecVersion::V1_1 => "1.1.0",
            SpecVersion::V2 => "2.0.0",
            SpecVersion::V3 => "3.0.0",
            SpecVersion::V4 => "4.0",
        }
    }
}

impl fmt::Display for SpecVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Names with lists of values, in order: headers and query parameters.
///
/// Lookups by name can ignore case (headers) or not (query parameters).
///
/// ```
/// use pact_core::model::MultiMap;
/// let mut h = MultiMap::default();
/// h.add("Accept", "application/json");
/// h.add("Accept", "text/plain");
/// assert_eq!(h.get_ignore_case("ACCEPT").unwrap(), ["application/json", "text/plain"]);
/// assert!(h.get("accept").is_none());
/// ```
#[derive(Debug, Clone, Eq, Default)]
pub struct MultiMap {
    entries: Vec<(String, Vec<String>)>,
    /// The entry of each value in the order the values were added, so that a query string
    /// like `q[][a]=1&q[][b]=2&q[][a]=3` can be sent again as written: Rack-style servers
    /// read repeated nested keys by their position. Empty once a name's values are
    /// replaced, and then [`MultiMap::pairs`] falls back to grouping by name.
    order: Vec<usize>,
}

/// Two maps are equal when they hold the same names with the same values in the same order
/// per name; the order of the names does not matter (a V3 pact writes them sorted). Only the
/// V1 matcher looks at name order, and it does so on purpose.
impl PartialEq for MultiMap {
    fn eq(&self, other: &Self) -> bool {
        self.entries.len() == other.entries.len()
            && self
                .entries
                .iter()
                .all(|(k, v)| other.get(k).is_some_and(|o| o == v.as_slice()))
    }
}

impl MultiMap {
    /// Appends a value, to the existing entry of the same name (exact match) if any.
    pub fn add(&mut self, name: &str, value: impl Into<String>) {
        match self.entries.iter().position(|(k, _)| k == name) {
            Some(i) => {
                self.entries[i].1.push(value.into());
                self.order.push(i);
            }
            None => {
                self.order.push(self.entries.len());
                self.entries.push((name.to_string(), vec![value.into()]));
            }
        }
    }

    /// Replaces all the values of a name.
    pub fn set(&mut self, name: &str, values: Vec<String>) {
        match self.entries.iter().position(|(k, _)| k == name) {
            Some(i) => {
                // Same number of values: each keeps its place among the pairs.
                if self.entries[i].1.len() != values.len() {
                    self.order.clear();
                }
                self.entries[i].1 = values;
            }
            None => {
                let i = self.entries.len();
                self.order.extend(values.iter().map(|_| i));
                self.entries.push((name.to_string(), values));
            }
        }
    }

    /// Replaces every entry whose name equals `name` ignoring ASCII case with one entry:
    /// how an HTTP header is overridden.
    ///
    /// ```
    /// use pact_core::model::MultiMap;
    /// let mut h: MultiMap = [("authorization", "Bearer old")].into_iter().collect();
    /// h.replace_ignore_case("Authorization", vec!["Bearer new".into()]);
    /// assert_eq!(h.all_ignore_case("AUTHORIZATION").unwrap(), ["Bearer new"]);
    /// ```
    pub fn replace_ignore_case(&mut self, name: &str, values: Vec<String>) {
        self.order.clear();
        self.entries.retain(|(k, _)| !k.eq_ignore_ascii_case(name));
        self.entries.push((name.to_string(), values));
    }

    /// Values by exact name.
    pub fn get(&self, name: &str) -> Option<&[String]> {
        self.entries
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_slice())
    }

    /// Values by name, ignoring ASCII case.
    pub fn get_ignore_case(&self, name: &str) -> Option<&[String]> {
        self.entries
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_slice())
    }

    /// All the values of every entry whose name equals `name` ignoring ASCII case, in order
    /// (HTTP allows `X-A` and `x-a` in one message; they are one header).
    pub fn all_ignore_case(&self, name: &str) -> Option<Vec<String>> {
        let values: Vec<String> = self
            .entries
            .iter()
            .filter(|(k, _)| k.eq_ignore_ascii_case(name))
            .flat_map(|(_, v)| v.iter().cloned())
            .collect();
        self.entries
            .iter()
            .any(|(k, _)| k.eq_ignore_ascii_case(name))
            .then_some(values)
    }

    /// Mutable values by name, ignoring ASCII case.
    pub fn get_mut_ignore_case(&mut self, name: &str) -> Option<&mut Vec<String>> {
        self.order.clear();
        self.entries
            .iter_mut()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v)
    }

    /// Names and values in insertion order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &[String])> {
        self.entries.iter().map(|(k, v)| (k.as_str(), v.as_slice()))
    }

    /// Every name and value pair in the order the values were added (`a=1&b=2&a=3` stays in
    /// that order), or grouped by name once values have been replaced.
    ///
    /// ```
    /// use pact_core::model::parse_query_string;
    /// let q = parse_query_string("q[][p]=Foo&q[][v]=1&q[][p]=Bar", false);
    /// let pairs: Vec<_> = q.pairs().collect();
    /// assert_eq!(pairs, [("q[][p]", "Foo"), ("q[][v]", "1"), ("q[][p]", "Bar")]);
    /// assert_eq!(q.get("q[][p]").unwrap(), ["Foo", "Bar"]);
    /// ```
    pub fn pairs(&self) -> impl Iterator<Item = (&str, &str)> {
        let total: usize = self.entries.iter().map(|(_, vs)| vs.len()).sum();
        let in_order = (!self.order.is_empty() && self.order.len() == total).then(|| {
            let mut next = vec![0usize; self.entries.len()];
            self.order.iter().map(move |&i| {
                let (k, vs) = &self.entries[i];
                next[i] += 1;
                (k.as_str(), vs[next[i] - 1].as_str())
            })
        });
        let grouped = in_order.is_none().then(|| {
            self.entries
                .iter()
                .flat_map(|(k, vs)| vs.iter().map(move |v| (k.as_str(), v.as_str())))
        });
        in_order
            .into_iter()
            .flatten()
            .chain(grouped.into_iter().flatten())
    }

    /// True when there is no entry.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Number of names.
    pub fn len(&self) -> usize {
        self.entries.len()
    }
}

impl<K: Into<String>, V: Into<String>> FromIterator<(K, V)> for MultiMap {
    fn from_iter<T: IntoIterator<Item = (K, V)>>(iter: T) -> Self {
        let mut m = MultiMap::default();
        for (k, v) in iter {
            m.add(&k.into(), v);
        }
        m
    }
}

/// An HTTP request, expected (with rules and generators) or actual.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Request {
    /// Upper-case method.
    pub method: String,
    /// Path, starting with `/`.
    pub path: String,
    /// Query parameters; None when the pact said nothing about the query.
    pub query: Option<MultiMap>,
    /// Headers; None when the pact said nothing about them.
    pub headers: Option<MultiMap>,
    /// The body.
    pub body: Body,
    /// Matching rules (expectations only).
    pub matching_rules: MatchingRules,
    /// Generators (expectations only).
    pub generators: Generators,
}

/// An HTTP response, expected (with rules and generators) or actual.
#[derive(Debug, Clone, PartialEq)]
pub struct Response {
    /// Status code.
    pub status: u16,
    /// Headers; None when the pact said nothing about them.
    pub headers: Option<MultiMap>,
    /// The body.
    pub body: Body,
    /// Matching rules (expectations only).
    pub matching_rules: MatchingRules,
    /// Generators (expectations only).
    pub generators: Generators,
}

impl Default for Response {
    fn default() -> Self {
        Response {
            status: 200,
            headers: None,
            body: Body::Missing,
            matching_rules: MatchingRules::default(),
            generators: Generators::default(),
        }
    }
}

impl Request {
    /// The content type: the `Content-Type` header, else the body's own, else detected.
    pub fn content_type(&self) -> Option<ContentType> {
        content_type_of(self.headers.as_ref(), &self.body)
    }
}

impl Response {
    /// The content type: the `Content-Type` header, else the body's own, else detected.
    pub fn content_type(&self) -> Option<ContentType> {
        content_type_of(self.headers.as_ref(), &self.body)
    }
}

pub(crate) fn content_type_of(headers: Option<&MultiMap>, body: &Body) -> Option<ContentType> {
    headers
        .and_then(|h| h.get_ignore_case("content-type"))
        .and_then(|v| v.first())
        .and_then(|v| ContentType::parse(v))
        .or_else(|| body.declared_content_type().cloned())
        .or_else(|| body.detect_content_type())
}

/// The contents of a message with its metadata, rules and generators.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct MessageContents {
    /// The payload.
    pub contents: Body,
    /// Metadata (`contentType` among others).
    pub metadata: Map<String, Value>,
    /// Matching rules for `body` (the contents) and `metadata`.
    pub matching_rules: MatchingRules,
    /// Generators for `body` and `metadata`.
    pub generators: Generators,
}

impl MessageContents {
    /// The content type: from metadata (`contentType` or `content-type`), else the body's.
    pub fn content_type(&self) -> Option<ContentType> {
        self.metadata
            .iter()
            .find(|(k, _)| {
                k.eq_ignore_ascii_case("contentType") || k.eq_ignore_ascii_case("content-type")
            })
            .and_then(|(_, v)| v.as_str())
            .and_then(ContentType::parse)
            .or_else(|| self.contents.declared_content_type().cloned())
            .or_else(|| self.contents.detect_content_type())
    }
}

/// A provider state an interaction needs, with its parameters.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ProviderState {
    /// The state's name, e.g. `build 3455 exists`.
    pub name: String,
    /// Parameters, e.g. `{"id": 3455}`.
    pub params: Map<String, Value>,
}

impl ProviderState {
    /// A state without parameters.
    pub fn new(name: impl Into<String>) -> ProviderState {
        ProviderState {
            name: name.into(),
            params: Map::new(),
        }
    }
}

/// What every kind of interaction has.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct InteractionInfo {
    /// What the interaction is, unique with the provider states within a pact.
    pub description: String,
    /// States the provider must be in.
    pub provider_states: Vec<ProviderState>,
    /// V4 key; computed from description and states when absent.
    pub key: Option<String>,
    /// V4 pending flag: a failure is reported but does not fail verification.
    pub pending: bool,
    /// V4 comments (`text`, `testname`, ...).
    pub comments: Map<String, Value>,
    /// Fields this model does not interpret, kept so that a rewrite loses nothing.
    pub extra: Map<String, Value>,
}

impl InteractionInfo {
    /// An interaction description with no states.
    pub fn new(description: impl Into<String>) -> InteractionInfo {
        InteractionInfo {
            description: description.into(),
            ..InteractionInfo::default()
        }
    }

    /// The V4 key: the one given, else a stable hash of description and provider states.
    pub fn key(&self) -> String {
        if let Some(k) = &self.key {
            return k.clone();
        }
        // FNV-1a over a canonical rendering: stable across runs and platforms.
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        let mut feed = |s: &str| {
            for b in s.bytes().chain(std::iter::once(0xff)) {
                h ^= u64::from(b);
                h = h.wrapping_mul(0x0100_0000_01b3);
            }
        };
        feed(&self.description);
        for s in &self.provider_states {
            feed(&s.name);
            feed(&Value::Object(s.params.clone()).to_string());
        }
        format!("{h:016x}")
    }
}

/// A synchronous HTTP request/response interaction.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct HttpInteraction {
    /// Description, states and V4 fields.
    pub info: InteractionInfo,
    /// The expected request.
    pub request: Request,
    /// The response to give back.
    pub response: Response,
}

/// An asynchronous message (V3 message pacts, V4 `Asynchronous/Messages`).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct AsyncMessage {
    /// Description, states and V4 fields.
    pub info: InteractionInfo,
    /// The message.
    pub message: MessageContents,
}

/// A request message with its response messages (V4 `Synchronous/Messages`).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SyncMessage {
    /// Description, states and V4 fields.
    pub info: InteractionInfo,
    /// The request message.
    pub request: MessageContents,
    /// The response messages.
    pub responses: Vec<MessageContents>,
}

/// One interaction of a pact.
// HTTP interactions are by far the most common kind; boxing them to even out the variant
// sizes would add an indirection to every access for a saving only message pacts see.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
pub enum Interaction {
    /// `Synchronous/HTTP`.
    Http(HttpInteraction),
    /// `Asynchronous/Messages`.
    AsyncMessage(AsyncMessage),
    /// `Synchronous/Messages`.
    SyncMessage(SyncMessage),
}

impl Interaction {
    /// The fields all kinds share.
    pub fn info(&self) -> &InteractionInfo {
        match self {
            Interaction::Http(i) => &i.info,
            Interaction::AsyncMessage(i) => &i.info,
            Interaction::SyncMessage(i) => &i.info,
        }
    }

    /// Mutable access to the fields all kinds share.
    pub fn info_mut(&mut self) -> &mut InteractionInfo {
        match self {
            Interaction::Http(i) => &mut i.info,
            Interaction::AsyncMessage(i) => &mut i.info,
            Interaction::SyncMessage(i) => &mut i.info,
        }
    }

    /// The V4 type name.
    pub fn type_name(&self) -> &'static str {
        match self {
            Interaction::Http(_) => "Synchronous/HTTP",
            Interaction::AsyncMessage(_) => "Asynchronous/Messages",
            Interaction::SyncMessage(_) => "Synchronous/Messages",
        }
    }
}

/// A pact: the contract between one consumer and one provider.
///
/// ```
/// use pact_core::model::{read_pact, SpecVersion};
/// let json = r##"{
///   "consumer": {"name": "Consumer"}, "provider": {"name": "Provider"},
///   "interactions": [{
///     "description": "a request for build 3455",
///     "providerState": "build 3455 exists",
///     "request": {"method": "GET", "path": "/builds/3455"},
///     "response": {"status": 200, "body": {"name": "#3455"}}
///   }],
///   "metadata": {"pactSpecification": {"version": "2.0.0"}}
/// }"##;
/// let pact = read_pact(json, "Consumer-Provider.json").unwrap();
/// assert_eq!(pact.spec, SpecVersion::V2);
/// assert_eq!(pact.interactions[0].info().provider_states[0].name, "build 3455 exists");
/// let v3 = pact.to_json_string(SpecVersion::V3);
/// assert_eq!(read_pact(&v3, "v3").unwrap().interactions, pact.interactions);
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Pact {
    /// The consumer's name.
    pub consumer: String,
    /// The provider's name.
    pub provider: String,
    /// The interactions, in file order.
    pub interactions: Vec<Interaction>,
    /// Metadata other than the specification version.
    pub metadata: Map<String, Value>,
    /// The specification version the file declared (or was inferred as).
    pub spec: SpecVersion,
}
