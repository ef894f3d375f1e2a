//! Webhooks: `POST`/`GET /webhooks`, `POST`/`GET /webhooks/provider/{p}/consumer/{c}` and
//! `GET`/`PUT`/`DELETE /webhooks/{uuid}`.
//!
//! Credentials are stored as given and never served back: the request's `password` and the
//! values of secret headers (`Authorization`, `*token*`) are masked
//! ([`crate::domain::webhooks::mask_request`]).

use super::links::named;
use super::{created, no_content, ok, ApiError, Reply, Req};
use crate::domain::webhooks::{is_webhook_uuid, mask_request, parse_webhook, title};
use crate::domain::FieldErrors;
use crate::store::{new_uuid, NewWebhook, Webhook, WebhookPacticipant};
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
        (_, ["webhooks"])
        | (_, ["webhooks", _])
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
