//! Every href the broker serves, built in one place from the request's base URL: the
//! Ruby client parses hrefs with `URI()`, so they are absolute, and names are
//! percent-encoded as path segments (`Pricing%20Service`).

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde_json::{json, Value};

/// Bytes kept as they are in a path segment: RFC 3986's unreserved characters.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// `s` encoded as one path segment.
pub(crate) fn seg(s: &str) -> String {
    utf8_percent_encode(s, SEGMENT).to_string()
}

/// The hrefs of one broker.
pub(crate) struct Links<'a> {
    base: &'a str,
}

impl<'a> Links<'a> {
    pub fn new(base: &'a str) -> Links<'a> {
        Links { base }
    }

    /// The base URL itself.
    pub fn base(&self) -> &str {
        self.base
    }

    /// `{base}{path}`, `path` already encoded.
    pub fn at(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub fn pacticipant(&self, p: &str) -> String {
        self.at(&format!("/pacticipants/{}", seg(p)))
    }

    pub fn versions(&self, p: &str) -> String {
        self.at(&format!("/pacticipants/{}/versions", seg(p)))
    }

    pub fn version(&self, p: &str, v: &str) -> String {
        self.at(&format!("/pacticipants/{}/versions/{}", seg(p), seg(v)))
    }

    pub fn version_tag(&self, p: &str, v: &str, t: &str) -> String {
        self.at(&format!(
            "/pacticipants/{}/versions/{}/tags/{}",
            seg(p),
            seg(v),
            seg(t)
        ))
    }

    pub fn branch(&self, p: &str, b: &str) -> String {
        self.at(&format!("/pacticipants/{}/branches/{}", seg(p), seg(b)))
    }

    pub fn branch_version(&self, p: &str, b: &str, v: &str) -> String {
        self.at(&format!(
            "/pacticipants/{}/branches/{}/versions/{}",
            seg(p),
            seg(b),
            seg(v)
        ))
    }

    /// A pact by the consumer version that published it.
    pub fn pact_for_version(&self, provider: &str, consumer: &str, version: &str) -> String {
        self.at(&format!(
            "/pacts/provider/{}/consumer/{}/version/{}",
            seg(provider),
            seg(consumer),
            seg(version)
        ))
    }

    /// A pact by its content.
    pub fn pact_version(&self, provider: &str, consumer: &str, sha: &str) -> String {
        self.at(&format!(
            "/pacts/provider/{}/consumer/{}/pact-version/{}",
            seg(provider),
            seg(consumer),
            seg(sha)
        ))
    }

    /// A pact by its content, with the opaque metadata of why it was selected.
    pub fn pact_version_with_metadata(
        &self,
        provider: &str,
        consumer: &str,
        sha: &str,
        metadata: &str,
    ) -> String {
        format!(
            "{}/metadata/{}",
            self.pact_version(provider, consumer, sha),
            seg(metadata)
        )
    }

    pub fn latest_pact(&self, provider: &str, consumer: &str) -> String {
        self.at(&format!(
            "/pacts/provider/{}/consumer/{}/latest",
            seg(provider),
            seg(consumer)
        ))
    }

    pub fn verification_result(
        &self,
        provider: &str,
        consumer: &str,
        sha: &str,
        id: i64,
    ) -> String {
        format!(
            "{}/verification-results/{id}",
            self.pact_version(provider, consumer, sha)
        )
    }

    pub fn latest_provider_pacts(&self, provider: &str) -> String {
        self.at(&format!("/pacts/provider/{}/latest", seg(provider)))
    }

    pub fn for_verification(&self, provider: &str) -> String {
        self.at(&format!(
            "/pacts/provider/{}/for-verification",
            seg(provider)
        ))
    }

    pub fn environments(&self) -> String {
        self.at("/environments")
    }

    pub fn environment(&self, uuid: &str) -> String {
        self.at(&format!("/environments/{}", seg(uuid)))
    }

    pub fn currently_deployed(&self, environment_uuid: &str) -> String {
        format!(
            "{}/deployed-versions/currently-deployed",
            self.environment(environment_uuid)
        )
    }

    pub fn currently_supported(&self, environment_uuid: &str) -> String {
        format!(
            "{}/released-versions/currently-supported",
            self.environment(environment_uuid)
        )
    }

    pub fn deployed_version(&self, uuid: &str) -> String {
        self.at(&format!("/deployed-versions/{}", seg(uuid)))
    }

    pub fn released_version(&self, uuid: &str) -> String {
        self.at(&format!("/released-versions/{}", seg(uuid)))
    }

    pub fn webhooks(&self) -> String {
        self.at("/webhooks")
    }

    pub fn webhook(&self, uuid: &str) -> String {
        self.at(&format!("/webhooks/{}", seg(uuid)))
    }
}

/// A HAL link.
pub(crate) fn link(href: impl Into<String>) -> Value {
    json!({"href": href.into()})
}

/// A HAL link with a title and a name.
pub(crate) fn named(title: &str, name: &str, href: impl Into<String>) -> Value {
    json!({"title": title, "name": name, "href": href.into()})
}

/// A templated HAL link (`{pacticipant}`-style placeholders).
pub(crate) fn templated(title: &str, href: impl Into<String>) -> Value {
    json!({"title": title, "href": href.into(), "templated": true})
}
