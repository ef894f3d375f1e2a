//! Bodies of requests, responses and messages, with their content types.

use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};

/// A parsed media type: `type/subtype` plus parameters, compared without case.
///
/// ```
/// use pact_core::model::ContentType;
/// let ct = ContentType::parse("application/vnd.siren+json; charset=UTF-8").unwrap();
/// assert!(ct.is_json());
/// assert_eq!(ct.parameter("charset"), Some("UTF-8"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContentType {
    /// The main type, lower case (`application`).
    pub main: String,
    /// The subtype, lower case (`vnd.siren+json`).
    pub sub: String,
    /// Parameters in order, names lower case.
    pub parameters: Vec<(String, String)>,
}

impl ContentType {
    /// Parses `type/subtype; name=value; ...`; None when there is no `/`.
    pub fn parse(s: &str) -> Option<ContentType> {
        let (essence, parameters) = split_media_type(s);
        let (main, sub) = essence.split_once('/')?;
        let (main, sub) = (main.trim(), sub.trim());
        if main.is_empty() || sub.is_empty() {
            return None;
        }
        Some(ContentType {
            main: main.to_ascii_lowercase(),
            sub: sub.to_ascii_lowercase(),
            parameters,
        })
    }

    /// `application/json`.
    pub fn json() -> ContentType {
        ContentType::parse("application/json").expect("a valid literal")
    }

    /// `text/plain`.
    pub fn text() -> ContentType {
        ContentType::parse("text/plain").expect("a valid literal")
    }

    /// `type/subtype` without parameters.
    pub fn essence(&self) -> String {
        format!("{}/{}", self.main, self.sub)
    }

    /// A parameter's value by (case-insensitive) name.
    pub fn parameter(&self, name: &str) -> Option<&str> {
        self.parameters
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// JSON, including structured syntaxes such as `application/hal+json`.
    pub fn is_json(&self) -> bool {
        self.sub == "json" || self.sub.ends_with("+json") || self.sub == "x-json"
    }

    /// XML, including `+xml` syntaxes.
    pub fn is_xml(&self) -> bool {
        self.sub == "xml" || self.sub.ends_with("+xml")
    }

    /// `application/x-www-form-urlencoded`.
    pub fn is_form(&self) -> bool {
        self.main == "application" && self.sub == "x-www-form-urlencoded"
    }

    /// Any `multipart/*`.
    pub fn is_multipart(&self) -> bool {
        self.main == "multipart"
    }

    /// Content that is text: `text/*`, JSON, XML, forms and a few textual application types.
    pub fn is_text(&self) -> bool {
        self.main == "text"
            || self.is_json()
            || self.is_xml()
            || self.is_form()
            || matches!(
                self.sub.as_str(),
                "javascript" | "x-javascript" | "graphql" | "yaml" | "x-yaml"
            )
    }
}

impl fmt::Display for ContentType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.main, self.sub)?;
        for (k, v) in &self.parameters {
            write!(f, ";{k}={v}")?;
        }
        Ok(())
    }
}

/// Splits `type/sub; name=value; ...` into the media type as written and its parameters
/// (names lower case, values unquoted). Header matching needs the media type's original case.
pub fn split_media_type(s: &str) -> (&str, Vec<(String, String)>) {
    let mut parts = s.split(';');
    let essence = parts.next().unwrap_or("").trim();
    let parameters = parts
        .filter_map(|p| {
            let (k, v) = p.split_once('=')?;
            Some((
                k.trim().to_ascii_lowercase(),
                v.trim().trim_matches('"').to_string(),
            ))
        })
        .collect();
    (essence, parameters)
}

/// A body, keeping the distinctions Pact makes between absent, null, empty and present.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Body {
    /// No body was specified: in an expectation, anything is accepted.
    #[default]
    Missing,
    /// A JSON `null` body (also matches an empty body).
    Null,
    /// An explicitly empty body.
    Empty,
    /// Some bytes, with the content type they were declared or detected as.
    Present {
        /// The raw bytes.
        bytes: Vec<u8>,
        /// The declared content type, when the pact or message said one.
        content_type: Option<ContentType>,
        /// The bytes parsed as JSON, kept once a matcher needed them (see [`JsonCache`]).
        json: JsonCache,
    },
}

/// The parsed form of a JSON body, kept so that an expected body matched against many actual
/// ones (every request a mock server receives) is parsed once. The cache holds the bytes it
/// parsed and is used only while they are still the body's bytes, so changing `bytes` can
/// never give a stale document. Clones share it; it never takes part in equality.
#[derive(Clone, Default)]
pub struct JsonCache(Arc<Mutex<Option<Parsed>>>);

/// The bytes a document was parsed from, and the document.
type Parsed = (Vec<u8>, Arc<serde_json::Value>);

impl JsonCache {
    /// The document `bytes` parse to, from the cache when it was parsed from the same bytes.
    pub fn get_or_parse(&self, bytes: &[u8]) -> Result<Arc<serde_json::Value>, serde_json::Error> {
        let mut slot = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some((parsed_from, doc)) = slot.as_ref() {
            if parsed_from.as_slice() == bytes {
                return Ok(Arc::clone(doc));
            }
        }
        let doc = Arc::new(serde_json::from_slice(bytes)?);
        *slot = Some((bytes.to_vec(), Arc::clone(&doc)));
        Ok(doc)
    }
}

impl PartialEq for JsonCache {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl Eq for JsonCache {}

impl fmt::Debug for JsonCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("JsonCache")
    }
}

impl Body {
    /// A JSON body from a value.
    ///
    /// ```
    /// use pact_core::model::Body;
    /// let b = Body::json(&serde_json::json!({"id": 1}));
    /// assert_eq!(b.as_str(), Some("{\"id\":1}"));
    /// ```
    pub fn json(v: &serde_json::Value) -> Body {
        Body::Present {
            bytes: v.to_string().into_bytes(),
            content_type: Some(ContentType::json()),
            json: JsonCache::default(),
        }
    }

    /// A body of raw bytes with an optional content type.
    pub fn bytes(bytes: impl Into<Vec<u8>>, content_type: Option<ContentType>) -> Body {
        let bytes = bytes.into();
        if bytes.is_empty() {
            Body::Empty
        } else {
            Body::Present {
                bytes,
                content_type,
                json: JsonCache::default(),
            }
        }
    }

    /// The bytes, empty for all but [`Body::Present`].
    pub fn as_bytes(&self) -> &[u8] {
        match self {
            Body::Present { bytes, .. } => bytes,
            _ => &[],
        }
    }

    /// The body as UTF-8 text, when it is.
    pub fn as_str(&self) -> Option<&str> {
        std::str::from_utf8(self.as_bytes()).ok()
    }

    /// True for [`Body::Present`].
    pub fn is_present(&self) -> bool {
        matches!(self, Body::Present { .. })
    }

    /// The declared content type, if any.
    pub fn declared_content_type(&self) -> Option<&ContentType> {
        match self {
            Body::Present { content_type, .. } => content_type.as_ref(),
            _ => None,
        }
    }

    /// The content type from the bytes: JSON, XML or text when they look like it, otherwise
    /// the magic numbers of common binary formats.
    pub fn detect_content_type(&self) -> Option<ContentType> {
        let bytes = self.as_bytes();
        if bytes.is_empty() {
            return None;
        }
        crate::content_type::detect(bytes).and_then(ContentType::parse)
    }
}
