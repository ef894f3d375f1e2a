//! `create-webhook`: the request the broker sends on an event, given with curl's switches
//! (`-X`, `-H`, `-d`), POSTed to the index's `pb:webhooks` with the consumer and provider in
//! the body. (The Ruby CLI POSTs to `/webhooks/provider/{p}/consumer/{c}` when both are
//! given, a path it builds itself; the index's link serves both cases.)
//!
//! The headers may carry credentials (`Authorization: Bearer …`): they go to the broker,
//! which stores them and masks them in what it serves, and are never printed here.

use crate::broker_admin::{block_on, broker_failure, print, Session};
use crate::cli::CreateWebhookArgs;
use crate::Failure;
use anyhow::{anyhow, Context as _};
use serde_json::{json, Map, Value};
use std::process::ExitCode;

/// The events the flags ask for, in the Ruby CLI's order.
pub fn events(args: &CreateWebhookArgs) -> Vec<&'static str> {
    [
        (args.contract_content_changed, "contract_content_changed"),
        (args.contract_published, "contract_published"),
        (
            args.provider_verification_published,
            "provider_verification_published",
        ),
        (
            args.provider_verification_succeeded,
            "provider_verification_succeeded",
        ),
        (
            args.provider_verification_failed,
            "provider_verification_failed",
        ),
        (
            args.contract_requiring_verification_published,
            "contract_requiring_verification_published",
        ),
    ]
    .into_iter()
    .filter_map(|(on, name)| on.then_some(name))
    .collect()
}

/// A "Name: value" header, both sides trimmed. The error names the header by its name
/// only: its value may be a secret.
pub fn parse_header(header: &str) -> Result<(String, String), String> {
    match header.split_once(':') {
        Some((name, value)) if !name.trim().is_empty() => {
            Ok((name.trim().to_string(), value.trim().to_string()))
        }
        _ => Err("a --header must be \"Name: value\"".to_string()),
    }
}

/// The webhook's body from `--data`: JSON is sent as JSON, anything else as a string.
pub fn body_value(data: &str) -> Value {
    serde_json::from_str(data).unwrap_or_else(|_| Value::String(data.to_string()))
}

/// A webhook, as the flags give it.
#[derive(Debug, Default)]
pub struct WebhookSpec<'a> {
    /// The URL requested.
    pub url: &'a str,
    /// The HTTP method.
    pub method: &'a str,
    /// "Name: value" headers, split.
    pub headers: Vec<(String, String)>,
    /// The body, if any.
    pub body: Option<Value>,
    /// The events it runs on.
    pub events: Vec<&'static str>,
    /// Its description.
    pub description: Option<&'a str>,
    /// Only for pacts of this consumer.
    pub consumer: Option<&'a str>,
    /// Only for pacts with this provider.
    pub provider: Option<&'a str>,
}

/// The broker's webhook body, as the Ruby CLI builds it: `{events: [{name}], request:
/// {url, method, headers, body?}, description?, consumer?: {name}, provider?: {name}}`.
pub fn webhook_body(spec: &WebhookSpec<'_>) -> Value {
    let mut request = Map::new();
    request.insert("url".into(), json!(spec.url));
    request.insert("method".into(), json!(spec.method.to_ascii_uppercase()));
    let headers: Map<String, Value> = spec
        .headers
        .iter()
        .map(|(k, v)| (k.clone(), json!(v)))
        .collect();
    request.insert("headers".into(), Value::Object(headers));
    if let Some(b) = &spec.body {
        request.insert("body".into(), b.clone());
    }
    let mut out = Map::new();
    out.insert(
        "events".into(),
        spec.events.iter().map(|e| json!({"name": e})).collect(),
    );
    out.insert("request".into(), Value::Object(request));
    if let Some(d) = spec.description {
        out.insert("description".into(), json!(d));
    }
    if let Some(c) = spec.consumer {
        out.insert("consumer".into(), json!({"name": c}));
    }
    if let Some(p) = spec.provider {
        out.insert("provider".into(), json!({"name": p}));
    }
    Value::Object(out)
}

/// `cargo pact create-webhook`.
pub fn run(args: CreateWebhookArgs) -> Result<ExitCode, Failure> {
    let mut meta = args.common.start();
    let url = args
        .url
        .clone()
        .or_else(|| args.url_flag.clone())
        .ok_or_else(|| Failure::input(anyhow!("no webhook URL: give it, or --url")))?;
    let events = events(&args);
    if events.is_empty() {
        return Err(Failure::input(anyhow!(
            "no event: give at least one of --contract-content-changed, --contract-published, \
             --provider-verification-published, --provider-verification-succeeded, \
             --provider-verification-failed, --contract-requiring-verification-published"
        )));
    }
    let headers = args
        .headers
        .iter()
        .map(|h| parse_header(h))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| Failure::input(anyhow!(e)))?;
    let body = match args.data.as_deref() {
        Some(data) => Some(match data.strip_prefix('@') {
            Some(path) => body_value(
                &std::fs::read_to_string(path)
                    .with_context(|| format!("could not read the --data file {path}"))
                    .map_err(Failure::input)?,
            ),
            None => body_value(data),
        }),
        None => None,
    };
    let request = webhook_body(&WebhookSpec {
        url: &url,
        method: &args.request,
        headers,
        body,
        events,
        description: args.description.as_deref(),
        consumer: args.consumer.as_deref(),
        provider: args.provider.as_deref(),
    });
    block_on(async {
        let session = Session::open(&args.common.broker, &mut meta).await?;
        let href = session.link("pb:webhooks")?.href;
        let created = session
            .broker
            .post_once(&href, &request)
            .await
            .map_err(|e| broker_failure("create the webhook", e))?;
        let json = created.json();
        let name = json["description"]
            .as_str()
            .filter(|d| !d.is_empty())
            .or_else(|| json.pointer("/_links/self/title").and_then(Value::as_str))
            .unwrap_or("");
        let uuid = json["uuid"].as_str().unwrap_or("?");
        print(
            args.common.output,
            &format!("Webhook {name:?} created with UUID {uuid}"),
            json,
        );
        Ok(ExitCode::SUCCESS)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_are_split_at_the_first_colon() {
        assert_eq!(
            parse_header("Authorization: Bearer a:b").unwrap(),
            ("Authorization".to_string(), "Bearer a:b".to_string())
        );
        let e = parse_header("Bearer s3cret").unwrap_err();
        assert!(!e.contains("s3cret"), "{e}");
        assert!(parse_header(": x").is_err());
    }

    #[test]
    fn the_body_is_json_when_it_parses() {
        assert_eq!(body_value(r#"{"a": 1}"#), json!({"a": 1}));
        assert_eq!(
            body_value("plain ${pactbroker.consumerName}"),
            json!("plain ${pactbroker.consumerName}")
        );
    }

    #[test]
    fn the_webhook_body_has_the_ruby_cli_shape() {
        let headers = vec![("Content-Type".to_string(), "application/json".to_string())];
        assert_eq!(
            webhook_body(&WebhookSpec {
                url: "https://ci/build",
                method: "post",
                headers,
                body: Some(json!({"a": 1})),
                events: vec![
                    "contract_content_changed",
                    "provider_verification_published"
                ],
                description: Some("Trigger CI"),
                consumer: Some("Web"),
                provider: Some("API"),
            }),
            json!({
                "events": [{"name": "contract_content_changed"}, {"name": "provider_verification_published"}],
                "request": {"url": "https://ci/build", "method": "POST",
                            "headers": {"Content-Type": "application/json"}, "body": {"a": 1}},
                "description": "Trigger CI",
                "consumer": {"name": "Web"},
                "provider": {"name": "API"}
            })
        );
        let bare = webhook_body(&WebhookSpec {
            url: "https://ci",
            method: "GET",
            events: vec!["contract_published"],
            ..WebhookSpec::default()
        });
        assert_eq!(
            bare,
            json!({"events": [{"name": "contract_published"}],
                   "request": {"url": "https://ci", "method": "GET", "headers": {}}})
        );
    }
}
