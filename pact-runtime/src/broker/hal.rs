//! HAL documents as the Pact Broker serves them: JSON with a `_links` object whose values
//! are a link or an array of links.

use super::BrokerError;
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde_json::Value;

/// What a template value is encoded with: everything but the unreserved characters
/// (`A-Z a-z 0-9 - . _ ~`), so a value stays one path segment or query value.
const TEMPLATE_VALUE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// A HAL link: `{href, title?, name?, templated?}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    /// The target; may hold `{name}` placeholders when [`Link::templated`].
    pub href: String,
    /// A human-readable title.
    pub title: Option<String>,
    /// The link's name (e.g. a pact's "Pact between Web (1) and API").
    pub name: Option<String>,
    /// Whether `href` is a template.
    pub templated: bool,
}

impl Link {
    fn from_json(value: &Value) -> Option<Link> {
        let text = |key: &str| value.get(key).and_then(Value::as_str).map(str::to_string);
        Some(Link {
            href: text("href")?,
            title: text("title"),
            name: text("name"),
            templated: value
                .get("templated")
                .and_then(Value::as_bool)
                .unwrap_or(false),
        })
    }

    /// The href with every `{name}` placeholder that has a value in `values` replaced by
    /// that value, URL-encoded. Placeholders without a value are left as they are.
    ///
    /// ```
    /// use pact_runtime::broker::Link;
    /// let link = Link {
    ///     href: "http://b/pacts/provider/{provider}/for-verification".into(),
    ///     title: None,
    ///     name: None,
    ///     templated: true,
    /// };
    /// assert_eq!(
    ///     link.expand(&[("provider", "Pricing Service")]),
    ///     "http://b/pacts/provider/Pricing%20Service/for-verification"
    /// );
    /// ```
    pub fn expand(&self, values: &[(&str, &str)]) -> String {
        expand_template(&self.href, values)
    }

    /// The href with `params` added to its query string, each name and value URL-encoded,
    /// as the Ruby client adds parameters to a link it GETs (e.g. `?pacticipant=Web` to an
    /// environment's `pb:currently-deployed-deployed-versions`).
    ///
    /// ```
    /// use pact_runtime::broker::Link;
    /// let link = Link {
    ///     href: "http://b/environments/1/deployed-versions/currently-deployed".into(),
    ///     title: None,
    ///     name: None,
    ///     templated: false,
    /// };
    /// assert_eq!(
    ///     link.with_query(&[("pacticipant", "Pricing Service"), ("version", "1+a")]),
    ///     "http://b/environments/1/deployed-versions/currently-deployed\
    ///      ?pacticipant=Pricing%20Service&version=1%2Ba"
    /// );
    /// ```
    pub fn with_query(&self, params: &[(&str, &str)]) -> String {
        let mut out = self.href.clone();
        for (i, (name, value)) in params.iter().enumerate() {
            let separator = if i == 0 && !self.href.contains('?') {
                '?'
            } else {
                '&'
            };
            out.push(separator);
            out.extend(utf8_percent_encode(name, TEMPLATE_VALUE));
            out.push('=');
            out.extend(utf8_percent_encode(value, TEMPLATE_VALUE));
        }
        out
    }
}

/// Fills `{name}` placeholders (`name` being word characters) of `template` from `values`,
/// URL-encoding each value; unknown placeholders stay.
pub(crate) fn expand_template(template: &str, values: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let name_len = after
            .find(|c: char| !(c.is_alphanumeric() || c == '_'))
            .unwrap_or(after.len());
        let name = &after[..name_len];
        let closed = after[name_len..].starts_with('}');
        match values.iter().find(|(k, _)| *k == name) {
            Some((_, value)) if closed && !name.is_empty() => {
                out.extend(utf8_percent_encode(value, TEMPLATE_VALUE));
                rest = &after[name_len + 1..];
            }
            _ => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// A JSON document from the broker and the URL it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct HalDocument {
    url: String,
    json: Value,
}

impl HalDocument {
    /// A document read from `url`.
    pub fn new(url: impl Into<String>, json: Value) -> HalDocument {
        HalDocument {
            url: url.into(),
            json,
        }
    }

    /// Where the document was read from.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The whole JSON body.
    pub fn json(&self) -> &Value {
        &self.json
    }

    /// The JSON body, by value.
    pub fn into_json(self) -> Value {
        self.json
    }

    /// The link for `relation`; the first one when the relation holds an array.
    pub fn link(&self, relation: &str) -> Option<Link> {
        self.links(relation).into_iter().next()
    }

    /// Every link for `relation` (one, several for an array relation such as `pb:pacts`,
    /// or none). Entries without an `href` are skipped.
    pub fn links(&self, relation: &str) -> Vec<Link> {
        match self.json.get("_links").and_then(|l| l.get(relation)) {
            Some(Value::Array(items)) => items.iter().filter_map(Link::from_json).collect(),
            Some(one) => Link::from_json(one).into_iter().collect(),
            None => Vec::new(),
        }
    }

    /// The link for `relation`, or [`BrokerError::MissingLink`] naming it.
    pub fn require_link(&self, relation: &str) -> Result<Link, BrokerError> {
        self.link(relation).ok_or_else(|| BrokerError::MissingLink {
            url: self.url.clone(),
            relation: relation.to_string(),
        })
    }
}

/// The broker's explanation in an error body: the `errors` shapes of the API
/// (`{field: [msg…]}`, `[msg…]`, `"msg"`), else error/warning `notices`, else `error` or
/// `message`, else a short excerpt of the body.
pub(crate) fn error_message(body: &str) -> Option<String> {
    const EXCERPT: usize = 200;
    let body = body.trim();
    if body.is_empty() {
        return None;
    }
    let Ok(json) = serde_json::from_str::<Value>(body) else {
        return Some(excerpt(body, EXCERPT));
    };
    let mut parts = Vec::new();
    match json.get("errors") {
        Some(Value::Object(fields)) => {
            for (field, messages) in fields {
                for m in strings(messages) {
                    parts.push(format!("{field}: {m}"));
                }
            }
        }
        Some(other) => parts.extend(strings(other)),
        None => {}
    }
    if parts.is_empty() {
        if let Some(Value::Array(notices)) = json.get("notices") {
            for n in notices {
                let kind = n.get("type").and_then(Value::as_str).unwrap_or("");
                if matches!(kind, "error" | "danger" | "warning" | "") {
                    parts.extend(n.get("text").and_then(Value::as_str).map(str::to_string));
                }
            }
        }
    }
    if parts.is_empty() {
        for key in ["error", "message"] {
            parts.extend(json.get(key).map(|v| match v {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            }));
        }
    }
    if parts.is_empty() {
        return Some(excerpt(body, EXCERPT));
    }
    Some(excerpt(&parts.join("; "), 2 * EXCERPT))
}

fn strings(value: &Value) -> Vec<String> {
    match value {
        Value::String(s) => vec![s.clone()],
        Value::Array(items) => items.iter().flat_map(strings).collect(),
        Value::Null => Vec::new(),
        other => vec![other.to_string()],
    }
}

fn excerpt(text: &str, max: usize) -> String {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    match text.char_indices().nth(max) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn templates_encode_values_and_keep_unknown_placeholders() {
        assert_eq!(
            expand_template(
                "/pacticipants/{pacticipant}/versions/{version}/tags/{tag}",
                &[
                    ("pacticipant", "a/b c"),
                    ("version", "1.0+x"),
                    ("tag", "t~1")
                ]
            ),
            "/pacticipants/a%2Fb%20c/versions/1.0%2Bx/tags/t~1"
        );
        assert_eq!(
            expand_template("/x/{other}/{", &[("p", "v")]),
            "/x/{other}/{"
        );
        assert_eq!(expand_template("{p}{p}", &[("p", "é")]), "%C3%A9%C3%A9");
    }

    #[test]
    fn query_parameters_are_appended_encoded() {
        let link = |href: &str| Link {
            href: href.into(),
            title: None,
            name: None,
            templated: false,
        };
        assert_eq!(link("/x?a=1").with_query(&[("p", "A&B")]), "/x?a=1&p=A%26B");
        assert_eq!(link("/x").with_query(&[]), "/x");
        assert_eq!(
            link("/x").with_query(&[("p", "a b"), ("q", "é")]),
            "/x?p=a%20b&q=%C3%A9"
        );
    }

    #[test]
    fn links_may_be_one_or_an_array() {
        let doc = HalDocument::new(
            "u",
            json!({"_links": {
                "self": {"href": "/a", "title": "A"},
                "pb:pacts": [{"href": "/p1", "name": "one"}, {"title": "no href"}, {"href": "/p2"}],
                "t": {"href": "/x/{provider}", "templated": true}
            }}),
        );
        assert_eq!(doc.link("self").unwrap().title.as_deref(), Some("A"));
        let pacts: Vec<_> = doc.links("pb:pacts").into_iter().map(|l| l.href).collect();
        assert_eq!(pacts, ["/p1", "/p2"]);
        assert!(doc.link("t").unwrap().templated);
        let missing = doc.require_link("pb:nope").unwrap_err().to_string();
        assert!(missing.contains("`pb:nope`"), "{missing}");
    }

    #[test]
    fn error_bodies_of_every_documented_shape() {
        assert_eq!(
            error_message(r#"{"errors":{"pacticipantVersionNumber":["is missing"]}}"#).unwrap(),
            "pacticipantVersionNumber: is missing"
        );
        assert_eq!(error_message(r#"{"errors":["a","b"]}"#).unwrap(), "a; b");
        assert_eq!(error_message(r#"{"errors":"oops"}"#).unwrap(), "oops");
        assert_eq!(
            error_message(
                r#"{"notices":[{"type":"debug","text":"d"},{"type":"error","text":"Cannot change"}],"errors":{}}"#
            )
            .unwrap(),
            "Cannot change"
        );
        assert_eq!(
            error_message(r#"{"error":"unauthorised"}"#).unwrap(),
            "unauthorised"
        );
        assert_eq!(error_message("  "), None);
        let long = "x".repeat(500);
        assert_eq!(error_message(&long).unwrap().chars().count(), 201);
    }
}
