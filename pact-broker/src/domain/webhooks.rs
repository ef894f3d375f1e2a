//! The rules of webhooks: what a webhook body must hold, which events exist, and how
//! credentials are masked when a webhook is served back.
//!
//! ```
//! use pact_broker::domain::webhooks::{mask_request, parse_webhook};
//! let body = serde_json::json!({
//!     "events": [{"name": "contract_content_changed"}],
//!     "request": {"method": "POST", "url": "https://ci/build", "password": "s3cret",
//!                 "headers": {"Authorization": "Bearer s3cret"}},
//! });
//! let webhook = parse_webhook(&body).unwrap();
//! let served = mask_request(&webhook.request);
//! assert_eq!(served["password"], "**********");
//! assert_eq!(served["headers"]["Authorization"], "**********");
//! ```

use super::FieldErrors;
use crate::store::{NewWebhook, WebhookPacticipant};
use serde_json::Value;

/// The events a webhook may fire on, as the real broker names them.
pub const EVENTS: &[&str] = &[
    "contract_requiring_verification_published",
    "contract_content_changed",
    "contract_published",
    "provider_verification_published",
    "provider_verification_succeeded",
    "provider_verification_failed",
];

/// The HTTP methods a webhook request may use.
pub const METHODS: &[&str] = &["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];

/// What a masked credential is served as.
pub const MASK: &str = "**********";

/// Checks a webhook body (`POST /webhooks`, `PUT /webhooks/{uuid}`, `POST
/// /webhooks/provider/{p}/consumer/{c}`): `events` is a non-empty array of `{name}` with
/// known names; `request` an object with a known `method` and an `http(s)` `url`, and
/// optional string `headers`, `username` and `password` and any `body`; `description` an
/// optional string; `enabled` an optional boolean (true when absent); `consumer` and
/// `provider` optional, each `{name}` or `{label}`. Field errors are keyed as the real broker
/// keys them (`request.url`, `events[0].name`, `consumer.name`).
pub fn parse_webhook(body: &Value) -> Result<NewWebhook, FieldErrors> {
    let mut errors = FieldErrors::default();
    let Some(body) = body.as_object() else {
        errors.add("body", "must be a JSON object");
        return Err(errors);
    };
    let description = match body.get("description") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(_) => {
            errors.add("description", "must be a string");
            None
        }
    };
    let enabled = match body.get("enabled") {
        None | Some(Value::Null) => true,
        Some(Value::Bool(b)) => *b,
        Some(_) => {
            errors.add("enabled", "must be true or false");
            true
        }
    };
    let events = parse_events(body.get("events"), &mut errors);
    check_request(body.get("request"), &mut errors);
    let consumer = parse_side(body.get("consumer"), "consumer", &mut errors);
    let provider = parse_side(body.get("provider"), "provider", &mut errors);
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(NewWebhook {
        description,
        consumer,
        provider,
        enabled,
        events,
        request: body.get("request").cloned().unwrap_or(Value::Null),
    })
}

fn parse_events(events: Option<&Value>, errors: &mut FieldErrors) -> Vec<String> {
    let items = match events {
        Some(Value::Array(items)) if !items.is_empty() => items,
        Some(Value::Array(_)) | None | Some(Value::Null) => {
            errors.add("events", "must contain at least one event");
            return Vec::new();
        }
        Some(_) => {
            errors.add("events", "must be an array of {\"name\": event}");
            return Vec::new();
        }
    };
    let mut names = Vec::new();
    for (i, item) in items.iter().enumerate() {
        match item.get("name").and_then(Value::as_str) {
            Some(name) if EVENTS.contains(&name) => {
                if !names.iter().any(|n| n == name) {
                    names.push(name.to_string());
                }
            }
            Some(name) => errors.add(
                &format!("events[{i}].name"),
                format!(
                    "'{name}' is not a valid event name: use one of {}",
                    EVENTS.join(", ")
                ),
            ),
            None => errors.add(&format!("events[{i}].name"), "can't be blank"),
        }
    }
    names
}

fn check_request(request: Option<&Value>, errors: &mut FieldErrors) {
    let request = match request {
        Some(Value::Object(r)) => r,
        None | Some(Value::Null) => {
            errors.add("request", "can't be blank");
            return;
        }
        Some(_) => {
            errors.add("request", "must be an object");
            return;
        }
    };
    match request.get("method") {
        Some(Value::String(m)) if METHODS.contains(&m.to_ascii_uppercase().as_str()) => {}
        Some(Value::String(m)) if !m.trim().is_empty() => errors.add(
            "request.method",
            format!(
                "'{m}' is not an HTTP method: use one of {}",
                METHODS.join(", ")
            ),
        ),
        _ => errors.add("request.method", "can't be blank"),
    }
    match request.get("url") {
        Some(Value::String(u)) if is_webhook_url(u) => {}
        Some(Value::String(u)) if !u.trim().is_empty() => errors.add(
            "request.url",
            format!(
                "'{u}' is not a valid URL: it must start with http:// or https:// and name a host"
            ),
        ),
        _ => errors.add("request.url", "can't be blank"),
    }
    match request.get("headers") {
        None | Some(Value::Null) => {}
        Some(Value::Object(h)) if h.values().all(Value::is_string) => {}
        Some(_) => errors.add(
            "request.headers",
            "must be an object of header names to strings",
        ),
    }
    for field in ["username", "password"] {
        if !matches!(
            request.get(field),
            None | Some(Value::Null | Value::String(_))
        ) {
            errors.add(&format!("request.{field}"), "must be a string");
        }
    }
}

/// Whether `url` can be a webhook's URL: `http://` or `https://`, a host, no whitespace.
/// `${pactbroker.…}` placeholders may appear anywhere after the scheme.
pub fn is_webhook_url(url: &str) -> bool {
    let lower = url.to_ascii_lowercase();
    let rest = match lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"))
    {
        Some(rest) => rest,
        None => return false,
    };
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = host.rsplit('@').next().unwrap_or(host);
    !host.is_empty() && !host.starts_with(':') && !url.chars().any(char::is_whitespace)
}

fn parse_side(
    side: Option<&Value>,
    field: &str,
    errors: &mut FieldErrors,
) -> Option<WebhookPacticipant> {
    let side = match side {
        None | Some(Value::Null) => return None,
        Some(Value::Object(o)) => o,
        Some(_) => {
            errors.add(field, "must be an object with a name or a label");
            return None;
        }
    };
    let text = |key: &str| match side.get(key) {
        Some(Value::String(s)) if !s.trim().is_empty() => Some(s.clone()),
        _ => None,
    };
    match (text("name"), text("label")) {
        (Some(name), None) => Some(WebhookPacticipant::Name(name)),
        (None, Some(label)) => Some(WebhookPacticipant::Label(label)),
        (Some(_), Some(_)) => {
            errors.add(field, "cannot have both a name and a label");
            None
        }
        (None, None) => {
            errors.add(&format!("{field}.name"), "can't be blank");
            None
        }
    }
}

/// Whether a header's value is a credential, masked when served: `Authorization` and any
/// header whose name contains `token` (as the real broker does), in any case.
pub fn is_secret_header(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower.contains("authorization") || lower.contains("token")
}

/// A webhook's request as the API serves it: the `password` and secret header values
/// replaced by [`MASK`]; everything else as stored.
pub fn mask_request(request: &Value) -> Value {
    let mut out = request.clone();
    if let Some(map) = out.as_object_mut() {
        if map.get("password").is_some_and(|p| !p.is_null()) {
            map.insert("password".into(), Value::String(MASK.into()));
        }
        if let Some(Value::Object(headers)) = map.get_mut("headers") {
            for (name, value) in headers.iter_mut() {
                if is_secret_header(name) {
                    *value = Value::String(MASK.into());
                }
            }
        }
    }
    out
}

/// Whether `uuid` can name a webhook: 16 or more letters, digits, `-` and `_` (the real
/// broker's rule, so clients may choose their own).
pub fn is_webhook_uuid(uuid: &str) -> bool {
    uuid.len() >= 16
        && uuid.len() <= 128
        && uuid
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// The title of a webhook's `self` link: its description, or what it is about.
pub fn title(
    description: Option<&str>,
    consumer: Option<&WebhookPacticipant>,
    provider: Option<&WebhookPacticipant>,
) -> String {
    if let Some(d) = description.filter(|d| !d.trim().is_empty()) {
        return d.to_string();
    }
    let side = |s: Option<&WebhookPacticipant>, any: &str| match s {
        Some(WebhookPacticipant::Name(n)) => n.clone(),
        Some(WebhookPacticipant::Label(l)) => format!("pacticipants labelled {l}"),
        None => any.to_string(),
    };
    format!(
        "A webhook for the pact between {} and {}",
        side(consumer, "any consumer"),
        side(provider, "any provider")
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn valid() -> Value {
        json!({
            "description": "a webhook",
            "events": [{"name": "contract_content_changed"}],
            "request": {"method": "POST", "url": "https://webhook", "headers": {"Foo": "bar"},
                        "body": {"some": "body"}, "username": "username", "password": "password"},
        })
    }

    #[test]
    fn a_valid_body_is_read() {
        let w = parse_webhook(&valid()).unwrap();
        assert_eq!(w.events, ["contract_content_changed"]);
        assert!(w.enabled);
        assert_eq!(w.consumer, None);
        assert_eq!(w.request["password"], "password", "stored as given");
        let mut body = valid();
        body["consumer"] = json!({"label": "mobile"});
        body["provider"] = json!({"name": "Pricing Service"});
        body["enabled"] = json!(false);
        let w = parse_webhook(&body).unwrap();
        assert_eq!(w.consumer, Some(WebhookPacticipant::Label("mobile".into())));
        assert_eq!(
            w.provider,
            Some(WebhookPacticipant::Name("Pricing Service".into()))
        );
        assert!(!w.enabled);
    }

    #[test]
    fn every_event_is_accepted_and_others_refused() {
        for event in EVENTS {
            let mut body = valid();
            body["events"] = json!([{"name": event}]);
            assert!(parse_webhook(&body).is_ok(), "{event}");
        }
        let mut body = valid();
        body["events"] = json!([{"name": "contract_content_changed"}, {"name": "pact_changed"}]);
        let errors = parse_webhook(&body).unwrap_err();
        assert!(errors.0["events[1].name"][0].contains("pact_changed"));
        body["events"] = json!([]);
        assert!(parse_webhook(&body).unwrap_err().0.contains_key("events"));
    }

    #[test]
    fn request_fields_are_checked() {
        let mut body = valid();
        body["request"] = json!({"method": "FETCH", "url": "ftp://x", "headers": {"A": 1}});
        let errors = parse_webhook(&body).unwrap_err();
        let keys: Vec<&str> = errors.0.keys().map(String::as_str).collect();
        assert_eq!(keys, ["request.headers", "request.method", "request.url"]);
        body["request"] = json!({"method": "post"});
        assert_eq!(
            parse_webhook(&body).unwrap_err().0["request.url"],
            ["can't be blank"]
        );
        body.as_object_mut().unwrap().remove("request");
        assert!(parse_webhook(&body).unwrap_err().0.contains_key("request"));
        assert!(parse_webhook(&json!([])).is_err());
    }

    #[test]
    fn urls_need_a_scheme_and_a_host() {
        assert!(is_webhook_url(
            "https://ci.example.com/build?token=${pactbroker.pactUrl}"
        ));
        assert!(is_webhook_url("http://127.0.0.1:8080/hook"));
        assert!(is_webhook_url("https://u:p@host/x"));
        for bad in [
            "",
            "webhook",
            "https://",
            "https:///path",
            "ftp://host",
            "https://a b",
        ] {
            assert!(!is_webhook_url(bad), "{bad}");
        }
    }

    #[test]
    fn sides_are_a_name_or_a_label() {
        let mut body = valid();
        body["consumer"] = json!({});
        assert!(parse_webhook(&body)
            .unwrap_err()
            .0
            .contains_key("consumer.name"));
        body["consumer"] = json!({"name": "A", "label": "b"});
        assert!(parse_webhook(&body).unwrap_err().0.contains_key("consumer"));
    }

    #[test]
    fn credentials_are_masked_and_nothing_else() {
        let request = json!({"method": "POST", "url": "https://x", "username": "u", "password": "p",
            "headers": {"authorization": "Basic abc", "X-Auth-Token": "t", "Accept": "text/plain"}});
        let masked = mask_request(&request);
        assert_eq!(masked["password"], MASK);
        assert_eq!(masked["username"], "u");
        assert_eq!(masked["headers"]["authorization"], MASK);
        assert_eq!(masked["headers"]["X-Auth-Token"], MASK);
        assert_eq!(masked["headers"]["Accept"], "text/plain");
        assert_eq!(
            mask_request(&json!({"url": "https://x"})),
            json!({"url": "https://x"})
        );
    }

    #[test]
    fn uuids_and_titles() {
        assert!(is_webhook_uuid("696c5f93-1b7f-44bc-8d03-59440fcaa9a0"));
        assert!(!is_webhook_uuid("short"));
        assert!(!is_webhook_uuid("has spaces in it, many"));
        assert_eq!(title(Some("hi"), None, None), "hi");
        assert_eq!(
            title(None, Some(&WebhookPacticipant::Name("Condor".into())), None),
            "A webhook for the pact between Condor and any provider"
        );
    }
}
