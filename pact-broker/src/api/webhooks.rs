//! Webhooks: `POST`/`GET /webhooks`, `POST`/`GET /webhooks/provider/{p}/consumer/{c}` and
//! `GET`/`PUT`/`DELETE /webhooks/{uuid}`, and executing them: `GET
//! /webhooks/{uuid}/executions` (the outbox rows of one webhook, newest last) and `POST
//! /webhooks/{uuid}/execute` (a test: the webhook rendered for its latest pact, sent now).
//!
//! Credentials are stored as given and never served back: the request's `password` and the
//! values of secret headers (`Authorization`, `*token*`) are masked
//! ([`crate::domain::webhooks::mask_request`]), and so is a password in a URL.
//!
//! `GET /webhooks/{uuid}/executions` answers
//! `{"_embedded": {"executions": [{id, eventName, status, attempts, nextAttemptAt, request,
//! lastResponse: {status, body} | null, createdAt, updatedAt}]}, "_links": {self, pb:webhook}}`,
//! `status` one of `pending`, `succeeded`, `failed`. `POST /webhooks/{uuid}/execute` answers
//! 200 `{request: {method, url, headers, body}, response: {status, headers, body} | null,
//! success, logs, _links}` whether the webhook's target succeeded or not (`success` says
//! which), as the real broker's "execute an unsaved webhook" answers.

use super::links::named;
use super::{created, no_content, ok, ApiError, Reply, Req};
use crate::domain::webhook_events::render_request;
use crate::domain::webhooks::{is_webhook_uuid, mask_request, parse_webhook, title};
use crate::domain::FieldErrors;
use crate::store::{
    new_uuid, now, redact, ExecutionStatus, NewWebhook, Webhook, WebhookPacticipant,
};
use crate::Broker;
use serde_json::{json, Value};

pub(super) async fn route(b: &Broker, req: &Req, m: &str, s: &[&str]) -> Result<Reply, ApiError> {
    match (m, s) {
        ("POST", ["webhooks"]) => create(b, req).await,
        ("GET", ["webhooks"]) => list(b, req, None).await,
        ("POST", ["webhooks", "provider", p, "consumer", c]) => create_for_pair(b, req, p, c).await,
        ("GET", ["webhooks", "provider", p, "consumer", c]) => list(b, req, Some((p, c))).await,
        ("GET", ["webhooks", uuid]) => get(b, req, uuid).await,
        ("PUT", ["webhooks", uuid]) => put(b, req, uuid).await,
        ("DELETE", ["webhooks", uuid]) => delete(b, uuid).await,
        ("GET", ["webhooks", uuid, "executions"]) => executions(b, req, uuid).await,
        ("POST", ["webhooks", uuid, "execute"]) => execute(b, req, uuid).await,
        (_, ["webhooks"])
        | (_, ["webhooks", _])
        | (_, ["webhooks", _, "executions" | "execute"])
        | (_, ["webhooks", "provider", _, "consumer", _]) => Err(ApiError::MethodNotAllowed),
        _ => Err(ApiError::NotFound(format!(
            "No resource at {m} /{}",
            req.segments.join("/")
        ))),
    }
}

fn bad(errors: FieldErrors) -> ApiError {
    ApiError::BadRequest(errors.to_json()["errors"].clone())
}

fn missing_webhook(uuid: &str) -> ApiError {
    ApiError::NotFound(format!("No webhook with UUID {uuid} found"))
}

fn side_json(req: &Req, side: &WebhookPacticipant) -> Value {
    match side {
        WebhookPacticipant::Name(name) => json!({
            "name": name,
            "_links": {"self": named("Pacticipant", name, req.links().pacticipant(name))},
        }),
        WebhookPacticipant::Label(label) => json!({"label": label}),
    }
}

/// A webhook as the API serves it, credentials masked.
fn webhook_json(req: &Req, w: &Webhook) -> Value {
    let l = req.links();
    let mut out = json!({
        "uuid": w.uuid,
        "description": w.description,
        "enabled": w.enabled,
        "events": w.events.iter().map(|e| json!({"name": e})).collect::<Vec<_>>(),
        "request": mask_request(&w.request),
        "createdAt": w.created_at,
        "updatedAt": w.updated_at,
        "_links": {
            "self": {
                "title": title(w.description.as_deref(), w.consumer.as_ref(), w.provider.as_ref()),
                "href": l.webhook(&w.uuid),
            },
            "pb:webhooks": {"title": "All webhooks", "href": l.webhooks()},
            "pb:execute": {
                "title": "Test the execution of the webhook with the latest matching pact by sending a POST request to this URL",
                "href": format!("{}/execute", l.webhook(&w.uuid)),
            },
            "pb:executions": {
                "title": "The executions of this webhook",
                "href": format!("{}/executions", l.webhook(&w.uuid)),
            },
        }
    });
    for (key, side) in [("consumer", &w.consumer), ("provider", &w.provider)] {
        if let Some(side) = side {
            out[key] = side_json(req, side);
            if let WebhookPacticipant::Name(name) = side {
                out["_links"][format!("pb:{key}")] = named(
                    if key == "consumer" {
                        "Consumer"
                    } else {
                        "Provider"
                    },
                    name,
                    l.pacticipant(name),
                );
            }
        }
    }
    out
}

/// 400 (`consumer.name`, `provider.name`) when the body names a pacticipant that does not
/// exist, as the Ruby client's pact expects.
async fn check_named_pacticipants(b: &Broker, w: &NewWebhook) -> Result<(), ApiError> {
    let mut errors = FieldErrors::default();
    for (key, side) in [("consumer", &w.consumer), ("provider", &w.provider)] {
        if let Some(WebhookPacticipant::Name(name)) = side {
            if b.store.pacticipant(name).await?.is_none() {
                errors.add(
                    &format!("{key}.name"),
                    format!("No pacticipant with name '{name}' found"),
                );
            }
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(bad(errors))
    }
}

async fn save(b: &Broker, req: &Req, uuid: &str, w: &NewWebhook) -> Result<Reply, ApiError> {
    let (saved, is_new) = b.store.save_webhook(uuid, w).await?;
    let body = webhook_json(req, &saved);
    if is_new {
        created(&req.links().webhook(uuid), body)
    } else {
        ok(body)
    }
}

async fn create(b: &Broker, req: &Req) -> Result<Reply, ApiError> {
    let w = parse_webhook(&req.json()?).map_err(bad)?;
    check_named_pacticipants(b, &w).await?;
    save(b, req, &new_uuid(), &w).await
}

/// `POST /webhooks/provider/{p}/consumer/{c}`: the path names the pacticipants, which must
/// exist (404 otherwise); the body's `consumer` and `provider` are ignored.
async fn create_for_pair(
    b: &Broker,
    req: &Req,
    provider: &str,
    consumer: &str,
) -> Result<Reply, ApiError> {
    for name in [provider, consumer] {
        if b.store.pacticipant(name).await?.is_none() {
            return Err(ApiError::NotFound(format!(
                "No pacticipant with name '{name}' found"
            )));
        }
    }
    let mut w = parse_webhook(&req.json()?).map_err(bad)?;
    w.consumer = Some(WebhookPacticipant::Name(consumer.to_string()));
    w.provider = Some(WebhookPacticipant::Name(provider.to_string()));
    save(b, req, &new_uuid(), &w).await
}

async fn list(b: &Broker, req: &Req, pair: Option<(&str, &str)>) -> Result<Reply, ApiError> {
    let l = req.links();
    let mut webhooks = b.store.webhooks().await?;
    if let Some((provider, consumer)) = pair {
        let is = |side: &Option<WebhookPacticipant>, name: &str| matches!(side, Some(WebhookPacticipant::Name(n)) if n == name);
        webhooks.retain(|w| is(&w.provider, provider) && is(&w.consumer, consumer));
    }
    let links: Vec<Value> = webhooks
        .iter()
        .map(|w| {
            json!({
                "title": title(w.description.as_deref(), w.consumer.as_ref(), w.provider.as_ref()),
                "href": l.webhook(&w.uuid),
            })
        })
        .collect();
    let self_href = match pair {
        Some((p, c)) => l.at(&format!(
            "/webhooks/provider/{}/consumer/{}",
            super::links::seg(p),
            super::links::seg(c)
        )),
        None => l.webhooks(),
    };
    ok(json!({
        "_embedded": {"webhooks": webhooks.iter().map(|w| webhook_json(req, w)).collect::<Vec<_>>()},
        "_links": {
            "self": {"title": "Webhooks", "href": self_href},
            "pb:create": {"title": "POST to create a webhook", "href": self_href},
            "pb:webhooks": links.clone(),
            "webhooks": links,
        }
    }))
}

async fn get(b: &Broker, req: &Req, uuid: &str) -> Result<Reply, ApiError> {
    let w = b
        .store
        .webhook(uuid)
        .await?
        .ok_or_else(|| missing_webhook(uuid))?;
    ok(webhook_json(req, &w))
}

/// `PUT /webhooks/{uuid}`: creates the webhook with this UUID (201) or replaces it (200).
async fn put(b: &Broker, req: &Req, uuid: &str) -> Result<Reply, ApiError> {
    if !is_webhook_uuid(uuid) {
        return Err(ApiError::BadRequest(json!({"uuid": [
            "must be 16 or more characters long and contain only letters, digits, '-' and '_'"
        ]})));
    }
    let w = parse_webhook(&req.json()?).map_err(bad)?;
    check_named_pacticipants(b, &w).await?;
    save(b, req, uuid, &w).await
}

async fn delete(b: &Broker, uuid: &str) -> Result<Reply, ApiError> {
    if b.store.delete_webhook(uuid).await? {
        no_content()
    } else {
        Err(missing_webhook(uuid))
    }
}

/// A rendered request as served: credentials masked, a password in the URL too.
fn masked_rendered(request: &Value) -> Value {
    let mut out = mask_request(request);
    if let Some(url) = out.get("url").and_then(Value::as_str) {
        out["url"] = Value::String(redact(url));
    }
    if let Some(map) = out.as_object_mut() {
        map.retain(|_, v| !v.is_null());
    }
    out
}

async fn executions(b: &Broker, req: &Req, uuid: &str) -> Result<Reply, ApiError> {
    let w = b
        .store
        .webhook(uuid)
        .await?
        .ok_or_else(|| missing_webhook(uuid))?;
    let l = req.links();
    let rows = b.store.webhook_executions(uuid).await?;
    let executions: Vec<Value> = rows
        .iter()
        .map(|e| {
            let mut out = json!({
                "id": e.id,
                "eventName": e.event,
                "status": e.status.as_str(),
                "attempts": e.attempts,
                "request": masked_rendered(&e.request),
                "lastResponse": match (&e.last_response_status, &e.last_response_body) {
                    (None, None) => Value::Null,
                    (status, body) => json!({"status": status, "body": body}),
                },
                "createdAt": e.created_at,
                "updatedAt": e.updated_at,
            });
            if e.status == ExecutionStatus::Pending {
                out["nextAttemptAt"] = json!(e.next_attempt_at);
            }
            out
        })
        .collect();
    let href = format!("{}/executions", l.webhook(uuid));
    ok(json!({
        "_embedded": {"executions": executions},
        "_links": {
            "self": {"title": "Webhook executions", "href": href},
            "pb:webhook": {
                "title": title(w.description.as_deref(), w.consumer.as_ref(), w.provider.as_ref()),
                "href": l.webhook(uuid),
            },
        }
    }))
}

/// `POST /webhooks/{uuid}/execute`: renders the webhook for its latest pact and sends it
/// now, outside the outbox (nothing is recorded).
async fn execute(b: &Broker, req: &Req, uuid: &str) -> Result<Reply, ApiError> {
    let w = b
        .store
        .webhook(uuid)
        .await?
        .ok_or_else(|| missing_webhook(uuid))?;
    let ctx = super::webhook_triggers::sample_context(b, req, &w).await?;
    let rendered = render_request(&w.request, &ctx);
    let sent = crate::worker::send(&b.http, &rendered).await;
    let success = sent.success();
    let request = masked_rendered(&rendered.to_json());
    let mut logs = format!(
        "[{}] INFO: {} {}\n",
        now(),
        rendered.method,
        redact(&rendered.url)
    );
    match sent.status {
        Some(status) => logs.push_str(&format!("[{}] INFO: HTTP {status}\n", now())),
        None => logs.push_str(&format!("[{}] ERROR: {}\n", now(), sent.body)),
    }
    let response = match sent.status {
        Some(status) => json!({
            "status": status,
            "headers": sent.headers.iter().map(|(k, v)| (k.clone(), Value::String(v.clone()))).collect::<serde_json::Map<_, _>>(),
            "body": sent.body,
        }),
        None => Value::Null,
    };
    ok(json!({
        "request": request,
        "response": response,
        "success": success,
        "logs": logs,
        "_links": {"pb:webhook": {"href": req.links().webhook(uuid)}},
    }))
}
