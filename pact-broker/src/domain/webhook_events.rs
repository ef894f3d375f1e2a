//! Executing webhooks: which events a publication or a verification raises, which webhooks
//! they fire, how a webhook's request is rendered for an event, and when a failed
//! execution is tried again.
//!
//! # Events
//!
//! A publication raises, for each contract it stores:
//!
//! * `contract_published`, always (a republication of the same content included);
//! * `contract_content_changed` when the content is new for the integration: the version
//!   stored something (it was not the same content again) and the previous consumer
//!   version's pact for this provider had another content, or there was none;
//! * `contract_requiring_verification_published` when the version stored something and no
//!   provider version has verified this content successfully yet. (The real broker also
//!   works out *which* provider versions must verify it; this rule is the simple reading:
//!   unverified content needs a verification.)
//!
//! A verification raises `provider_verification_published` and then
//! `provider_verification_succeeded` or `provider_verification_failed`.
//!
//! # Templates
//!
//! `${pactbroker.NAME}` placeholders in the URL, the header values and the body are replaced
//! ([`render`]); a JSON body has every string inside it rendered, keys left alone. Unknown
//! placeholders are left as written. Values that do not apply to the event (the provider
//! version of a publication) render as the empty string.
//!
//! ```
//! use pact_broker::domain::webhook_events::{render, EventContext};
//! let ctx = EventContext {
//!     event: "contract_published".into(),
//!     consumer: "Web".into(),
//!     consumer_version: "1.2".into(),
//!     ..EventContext::default()
//! };
//! assert_eq!(
//!     render("https://ci/${pactbroker.consumerName}?v=${pactbroker.consumerVersionNumber}", &ctx),
//!     "https://ci/Web?v=1.2"
//! );
//! ```

use crate::store::{Webhook, WebhookPacticipant};
use serde_json::{json, Map, Value};
use std::time::Duration;

/// `contract_published`.
pub const CONTRACT_PUBLISHED: &str = "contract_published";
/// `contract_content_changed`.
pub const CONTRACT_CONTENT_CHANGED: &str = "contract_content_changed";
/// `contract_requiring_verification_published`.
pub const CONTRACT_REQUIRING_VERIFICATION_PUBLISHED: &str =
    "contract_requiring_verification_published";
/// `provider_verification_published`.
pub const PROVIDER_VERIFICATION_PUBLISHED: &str = "provider_verification_published";
/// `provider_verification_succeeded`.
pub const PROVIDER_VERIFICATION_SUCCEEDED: &str = "provider_verification_succeeded";
/// `provider_verification_failed`.
pub const PROVIDER_VERIFICATION_FAILED: &str = "provider_verification_failed";

/// What is known of one published contract when its events are decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PublishedContract {
    /// Whether the publication stored anything (false when the version published the same
    /// content again).
    pub stored: bool,
    /// Whether the previous consumer version's pact for this provider had this same content.
    pub same_as_previous: bool,
    /// Whether some provider version verified this content successfully.
    pub verified_successfully: bool,
}

/// The events one published contract raises (see the [module docs](self)).
///
/// ```
/// use pact_broker::domain::webhook_events::{publication_events, PublishedContract};
/// let first = PublishedContract { stored: true, same_as_previous: false, verified_successfully: false };
/// assert_eq!(publication_events(first).len(), 3);
/// ```
#[must_use]
pub fn publication_events(c: PublishedContract) -> Vec<&'static str> {
    let mut events = vec![CONTRACT_PUBLISHED];
    if c.stored && !c.same_as_previous {
        events.push(CONTRACT_CONTENT_CHANGED);
    }
    if c.stored && !c.verified_successfully {
        events.push(CONTRACT_REQUIRING_VERIFICATION_PUBLISHED);
    }
    events
}

/// The events a verification result raises.
#[must_use]
pub fn verification_events(success: bool) -> Vec<&'static str> {
    vec![
        PROVIDER_VERIFICATION_PUBLISHED,
        if success {
            PROVIDER_VERIFICATION_SUCCEEDED
        } else {
            PROVIDER_VERIFICATION_FAILED
        },
    ]
}

/// Whether `webhook` fires for `event` on the pact between `consumer` and `provider`: it is
/// enabled, lists the event, and each side it names is that pacticipant. A side limited to
/// a label never matches: this broker has no pacticipant labels yet.
#[must_use]
pub fn matches(webhook: &Webhook, event: &str, consumer: &str, provider: &str) -> bool {
    let side = |s: &Option<WebhookPacticipant>, name: &str| match s {
        None => true,
        Some(WebhookPacticipant::Name(n)) => n == name,
        Some(WebhookPacticipant::Label(_)) => false,
    };
    webhook.enabled
        && webhook.events.iter().any(|e| e == event)
        && side(&webhook.consumer, consumer)
        && side(&webhook.provider, provider)
}

/// The values a webhook's templates are rendered with.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EventContext {
    /// The event's name (`${pactbroker.eventName}`).
    pub event: String,
    /// `${pactbroker.consumerName}`.
    pub consumer: String,
    /// `${pactbroker.providerName}`.
    pub provider: String,
    /// `${pactbroker.consumerVersionNumber}`: the version that published the pact (for a
    /// verification, the latest version that published the verified content).
    pub consumer_version: String,
    /// `${pactbroker.consumerVersionBranch}`: that version's (latest) branch.
    pub consumer_branch: String,
    /// `${pactbroker.consumerVersionTags}`: its tags.
    pub consumer_tags: Vec<String>,
    /// `${pactbroker.providerVersionNumber}`: the verifying provider version.
    pub provider_version: String,
    /// `${pactbroker.providerVersionBranch}`.
    pub provider_branch: String,
    /// `${pactbroker.providerVersionTags}`.
    pub provider_tags: Vec<String>,
    /// `${pactbroker.pactUrl}`: the pact's permalink (its content).
    pub pact_url: String,
    /// `${pactbroker.verificationResultUrl}`.
    pub verification_result_url: String,
    /// The verification's outcome, `None` for a publication
    /// (`${pactbroker.githubVerificationStatus}`, `${pactbroker.bitbucketVerificationStatus}`).
    pub success: Option<bool>,
    /// `${pactbroker.buildUrl}`: the build that published the pact or the verification.
    pub build_url: String,
}

impl EventContext {
    /// The value of placeholder `name` (without `pactbroker.`), `None` when unknown.
    #[must_use]
    pub fn value(&self, name: &str) -> Option<String> {
        Some(match name {
            "eventName" => self.event.clone(),
            "consumerName" => self.consumer.clone(),
            "providerName" => self.provider.clone(),
            "consumerVersionNumber" => self.consumer_version.clone(),
            "consumerVersionBranch" => self.consumer_branch.clone(),
            "consumerVersionTags" => self.consumer_tags.join(", "),
            "providerVersionNumber" => self.provider_version.clone(),
            "providerVersionBranch" => self.provider_branch.clone(),
            "providerVersionTags" => self.provider_tags.join(", "),
            "pactUrl" => self.pact_url.clone(),
            "verificationResultUrl" => self.verification_result_url.clone(),
            "buildUrl" => self.build_url.clone(),
            "githubVerificationStatus" => match self.success {
                Some(true) => "success",
                Some(false) => "failure",
                None => "pending",
            }
            .to_string(),
            "bitbucketVerificationStatus" => match self.success {
                Some(true) => "SUCCESSFUL",
                Some(false) => "FAILED",
                None => "INPROGRESS",
            }
            .to_string(),
            "consumerLabels" | "providerLabels" => String::new(),
            _ => return None,
        })
    }
}

/// `template` with each `${pactbroker.NAME}` replaced by its value; unknown placeholders
/// and unclosed `${` stay as written.
#[must_use]
pub fn render(template: &str, ctx: &EventContext) -> String {
    const OPEN: &str = "${pactbroker.";
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(start) = rest.find(OPEN) {
        out.push_str(&rest[..start]);
        let after = &rest[start + OPEN.len()..];
        match after.find('}') {
            Some(end) => match ctx.value(&after[..end]) {
                Some(value) => {
                    out.push_str(&value);
                    rest = &after[end + 1..];
                }
                None => {
                    out.push_str(&rest[start..start + OPEN.len() + end + 1]);
                    rest = &after[end + 1..];
                }
            },
            None => {
                out.push_str(&rest[start..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// `value` with every string in it rendered (object keys are left alone).
#[must_use]
pub fn render_json(value: &Value, ctx: &EventContext) -> Value {
    match value {
        Value::String(s) => Value::String(render(s, ctx)),
        Value::Array(items) => Value::Array(items.iter().map(|v| render_json(v, ctx)).collect()),
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| (k.clone(), render_json(v, ctx)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// A webhook's request rendered for one event: what the worker sends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderedRequest {
    /// The method, upper case.
    pub method: String,
    /// The URL, rendered.
    pub url: String,
    /// The headers, values rendered, in the webhook's order.
    pub headers: Vec<(String, String)>,
    /// The body: a string body rendered, a JSON body rendered and serialised; `None` when
    /// the webhook has none.
    pub body: Option<String>,
    /// Basic auth user, when given.
    pub username: Option<String>,
    /// Basic auth password, when given.
    pub password: Option<String>,
}

/// Renders a stored webhook request (`{method, url, headers?, body?, username?,
/// password?}`, already validated) for `ctx`. A JSON body gets `Content-Type:
/// application/json` unless the webhook sets a content type.
#[must_use]
pub fn render_request(request: &Value, ctx: &EventContext) -> RenderedRequest {
    let text = |key: &str| request.get(key).and_then(Value::as_str).map(str::to_string);
    let mut headers: Vec<(String, String)> = request
        .get("headers")
        .and_then(Value::as_object)
        .map(|h| {
            h.iter()
                .map(|(k, v)| (k.clone(), render(v.as_str().unwrap_or_default(), ctx)))
                .collect()
        })
        .unwrap_or_default();
    let body = match request.get("body") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(render(s, ctx)),
        Some(json) => {
            if !headers
                .iter()
                .any(|(k, _)| k.eq_ignore_ascii_case("content-type"))
            {
                headers.push(("Content-Type".into(), "application/json".into()));
            }
            Some(render_json(json, ctx).to_string())
        }
    };
    RenderedRequest {
        method: text("method").unwrap_or_default().to_ascii_uppercase(),
        url: render(&text("url").unwrap_or_default(), ctx),
        headers,
        body,
        username: text("username"),
        password: text("password"),
    }
}

impl RenderedRequest {
    /// As stored in an execution row: `{method, url, headers, body, username, password}`.
    #[must_use]
    pub fn to_json(&self) -> Value {
        let headers: Map<String, Value> = self
            .headers
            .iter()
            .map(|(k, v)| (k.clone(), Value::String(v.clone())))
            .collect();
        json!({
            "method": self.method,
            "url": self.url,
            "headers": headers,
            "body": self.body,
            "username": self.username,
            "password": self.password,
        })
    }

    /// Read back from [`RenderedRequest::to_json`]; `None` when it is not that shape.
    #[must_use]
    pub fn from_json(value: &Value) -> Option<RenderedRequest> {
        let text = |key: &str| value.get(key).and_then(Value::as_str).map(str::to_string);
        Some(RenderedRequest {
            method: text("method")?,
            url: text("url")?,
            headers: value
                .get("headers")
                .and_then(Value::as_object)
                .map(|h| {
                    h.iter()
                        .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string()))
                        .collect()
                })
                .unwrap_or_default(),
            body: text("body"),
            username: text("username"),
            password: text("password"),
        })
    }
}

/// How failed executions are tried again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// The most attempts an execution gets, the first included.
    pub max_attempts: u32,
    /// The wait after the first failure; each later failure doubles it.
    pub base_delay: Duration,
}

impl Default for RetryPolicy {
    /// 5 attempts, waiting 1 s, 2 s, 4 s and 8 s between them.
    fn default() -> RetryPolicy {
        RetryPolicy {
            max_attempts: 5,
            base_delay: Duration::from_secs(1),
        }
    }
}

impl RetryPolicy {
    /// The wait before the next attempt once `attempts_made` attempts have failed; `None`
    /// when none is left.
    ///
    /// ```
    /// use pact_broker::domain::webhook_events::RetryPolicy;
    /// use std::time::Duration;
    /// let p = RetryPolicy::default();
    /// assert_eq!(p.next_delay(1), Some(Duration::from_secs(1)));
    /// assert_eq!(p.next_delay(4), Some(Duration::from_secs(8)));
    /// assert_eq!(p.next_delay(5), None);
    /// ```
    #[must_use]
    pub fn next_delay(&self, attempts_made: u32) -> Option<Duration> {
        if attempts_made == 0 || attempts_made >= self.max_attempts {
            return None;
        }
        let factor = 1u32.checked_shl(attempts_made - 1).unwrap_or(u32::MAX);
        Some(self.base_delay.saturating_mul(factor))
    }
}

/// Whether a response status counts as the webhook succeeding: any 2xx.
#[must_use]
pub fn is_success(status: u16) -> bool {
    (200..300).contains(&status)
}

/// At most `max` characters of `body`, for an execution's record of its last response.
#[must_use]
pub fn excerpt(body: &str, max: usize) -> String {
    match body.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", &body[..i]),
        None => body.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn webhook(events: &[&str]) -> Webhook {
        Webhook {
            uuid: "u".repeat(16),
            description: None,
            consumer: None,
            provider: None,
            enabled: true,
            events: events.iter().map(|e| e.to_string()).collect(),
            request: json!({}),
            created_at: String::new(),
            updated_at: String::new(),
        }
    }

    #[test]
    fn publication_events_follow_the_content() {
        let c = |stored, same_as_previous, verified_successfully| PublishedContract {
            stored,
            same_as_previous,
            verified_successfully,
        };
        assert_eq!(
            publication_events(c(true, false, false)),
            [
                CONTRACT_PUBLISHED,
                CONTRACT_CONTENT_CHANGED,
                CONTRACT_REQUIRING_VERIFICATION_PUBLISHED
            ]
        );
        assert_eq!(
            publication_events(c(true, true, false)),
            [
                CONTRACT_PUBLISHED,
                CONTRACT_REQUIRING_VERIFICATION_PUBLISHED
            ]
        );
        assert_eq!(
            publication_events(c(true, false, true)),
            [CONTRACT_PUBLISHED, CONTRACT_CONTENT_CHANGED]
        );
        assert_eq!(
            publication_events(c(false, false, false)),
            [CONTRACT_PUBLISHED]
        );
    }

    #[test]
    fn verification_events_follow_the_outcome() {
        assert_eq!(
            verification_events(true),
            [
                PROVIDER_VERIFICATION_PUBLISHED,
                PROVIDER_VERIFICATION_SUCCEEDED
            ]
        );
        assert_eq!(
            verification_events(false),
            [
                PROVIDER_VERIFICATION_PUBLISHED,
                PROVIDER_VERIFICATION_FAILED
            ]
        );
    }

    #[test]
    fn webhooks_match_on_event_sides_and_enabled() {
        let mut w = webhook(&[CONTRACT_PUBLISHED]);
        assert!(matches(&w, CONTRACT_PUBLISHED, "Web", "API"));
        assert!(!matches(&w, CONTRACT_CONTENT_CHANGED, "Web", "API"));
        w.consumer = Some(WebhookPacticipant::Name("Web".into()));
        assert!(matches(&w, CONTRACT_PUBLISHED, "Web", "API"));
        assert!(!matches(&w, CONTRACT_PUBLISHED, "Mobile", "API"));
        w.provider = Some(WebhookPacticipant::Name("Other".into()));
        assert!(!matches(&w, CONTRACT_PUBLISHED, "Web", "API"));
        w.provider = Some(WebhookPacticipant::Label("backend".into()));
        assert!(!matches(&w, CONTRACT_PUBLISHED, "Web", "API"));
        w.provider = None;
        w.enabled = false;
        assert!(!matches(&w, CONTRACT_PUBLISHED, "Web", "API"));
    }

    fn ctx() -> EventContext {
        EventContext {
            event: CONTRACT_PUBLISHED.into(),
            consumer: "Web".into(),
            provider: "API".into(),
            consumer_version: "1.0".into(),
            consumer_branch: "main".into(),
            consumer_tags: vec!["a".into(), "b".into()],
            pact_url: "http://broker/pacts/x".into(),
            ..EventContext::default()
        }
    }

    #[test]
    fn templates_are_rendered() {
        let c = ctx();
        assert_eq!(
            render(
                "${pactbroker.consumerName}/${pactbroker.consumerVersionBranch}:${pactbroker.consumerVersionTags}",
                &c
            ),
            "Web/main:a, b"
        );
        assert_eq!(render("${pactbroker.eventName}", &c), CONTRACT_PUBLISHED);
        assert_eq!(render("${pactbroker.providerVersionNumber}", &c), "");
        assert_eq!(
            render("${pactbroker.githubVerificationStatus}", &c),
            "pending"
        );
        let verified = EventContext {
            success: Some(false),
            ..ctx()
        };
        assert_eq!(
            render("${pactbroker.githubVerificationStatus}", &verified),
            "failure"
        );
        assert_eq!(
            render("x ${pactbroker.nope} ${other} ${pactbroker.pactUrl", &c),
            "x ${pactbroker.nope} ${other} ${pactbroker.pactUrl"
        );
        assert_eq!(render("ünï ${pactbroker.providerName}é", &c), "ünï APIé");
    }

    #[test]
    fn requests_are_rendered_everywhere() {
        let request = json!({
            "method": "post",
            "url": "https://ci/${pactbroker.consumerName}",
            "headers": {"X-Version": "${pactbroker.consumerVersionNumber}"},
            "body": {"${pactbroker.consumerName}": ["${pactbroker.pactUrl}", 1, {"n": "${pactbroker.providerName}"}]},
            "username": "u",
            "password": "p",
        });
        let r = render_request(&request, &ctx());
        assert_eq!(r.method, "POST");
        assert_eq!(r.url, "https://ci/Web");
        assert_eq!(
            r.headers,
            [
                ("X-Version".to_string(), "1.0".to_string()),
                ("Content-Type".to_string(), "application/json".to_string())
            ]
        );
        let body: Value = serde_json::from_str(r.body.as_deref().unwrap()).unwrap();
        assert_eq!(
            body,
            json!({"${pactbroker.consumerName}": ["http://broker/pacts/x", 1, {"n": "API"}]})
        );
        let mut back = RenderedRequest::from_json(&r.to_json()).unwrap();
        back.headers.sort();
        let mut sorted = r.clone();
        sorted.headers.sort();
        assert_eq!(back, sorted, "stored and read back, headers by name");
        let text = render_request(
            &json!({"method": "GET", "url": "https://x", "body": "v=${pactbroker.consumerVersionNumber}"}),
            &ctx(),
        );
        assert_eq!(text.body.as_deref(), Some("v=1.0"));
        assert!(text.headers.is_empty());
        assert_eq!(text.username, None);
    }

    #[test]
    fn retries_back_off_exponentially() {
        let p = RetryPolicy {
            max_attempts: 5,
            base_delay: Duration::from_millis(10),
        };
        let delays: Vec<_> = (1..=5).map(|n| p.next_delay(n)).collect();
        assert_eq!(
            delays,
            [
                Some(Duration::from_millis(10)),
                Some(Duration::from_millis(20)),
                Some(Duration::from_millis(40)),
                Some(Duration::from_millis(80)),
                None
            ]
        );
        assert_eq!(p.next_delay(0), None);
        assert!(is_success(204) && !is_success(500) && !is_success(302));
        assert_eq!(excerpt("abcdef", 3), "abc…");
        assert_eq!(excerpt("ab", 3), "ab");
    }
}
