//! Publishing: `POST /contracts/publish` and the legacy `PUT` of one pact.

use super::links::named;
use super::{hal, ApiError, Reply, Req};
use crate::domain::content;
use crate::store::{ContractChange, NewContract, NewPublication, PublishOutcome};
use crate::Broker;
use serde_json::{json, Value};
use warp::http::StatusCode;

/// `POST /contracts/publish`: pacticipants, version, branch, tags and pacts in one
/// transaction, answered with the notices and links both CLIs print.
pub(super) async fn contracts(b: &Broker, req: &Req) -> Result<Reply, ApiError> {
    let body = req.json()?;
    let request = content::validate_publish_request(&body)
        .map_err(|errors| ApiError::BadRequest(errors.to_json()["errors"].clone()))?;
    let publication = NewPublication {
        consumer: request.pacticipant_name.clone(),
        version: request.version_number.clone(),
        branch: request.branch.clone(),
        tags: request.tags.clone(),
        build_url: request.build_url.clone(),
        contracts: request
            .contracts
            .iter()
            .map(|c| NewContract {
                provider: c.provider_name.clone(),
                content: c.content_json.clone(),
                merge: c.on_conflict == content::OnConflict::Merge,
            })
            .collect(),
        allow_overwrite: b.config.allow_dangerous_contract_modification,
    };
    let outcome = b.store.publish(&publication).await?;
    super::webhook_triggers::publication(b, req, &publication, &outcome).await;
    Ok(hal(
        StatusCode::OK,
        publish_reply(req, &publication, &outcome),
    ))
}

/// `PUT /pacts/provider/{p}/consumer/{c}/version/{v}` with the pact as the body: the API
/// the Ruby client falls back to, and the one very old clients use. 201 when the version
/// had no pact for the provider, 200 otherwise.
pub(super) async fn legacy(
    b: &Broker,
    req: &Req,
    provider: &str,
    consumer: &str,
    version: &str,
) -> Result<Reply, ApiError> {
    let pact = req.json()?;
    check_names(&pact, consumer, provider)?;
    let publication = NewPublication {
        consumer: consumer.to_string(),
        version: version.to_string(),
        branch: None,
        tags: Vec::new(),
        build_url: None,
        contracts: vec![NewContract {
            provider: provider.to_string(),
            content: pact,
            merge: false,
        }],
        allow_overwrite: b.config.allow_dangerous_contract_modification,
    };
    let outcome = b.store.publish(&publication).await?;
    super::webhook_triggers::publication(b, req, &publication, &outcome).await;
    let record = b
        .store
        .pact_for_version(provider, consumer, version)
        .await?
        .ok_or_else(|| ApiError::Internal("a published pact could not be read back".into()))?;
    let status = match outcome.contracts.first() {
        Some((_, _, ContractChange::Created)) => StatusCode::CREATED,
        _ => StatusCode::OK,
    };
    Ok(hal(status, super::pacts::pact_json(req, &record)?))
}

/// The legacy `PUT` names the pacticipants in its path; a pact naming others is refused.
fn check_names(pact: &Value, consumer: &str, provider: &str) -> Result<(), ApiError> {
    let mut errors = serde_json::Map::new();
    for (role, expected) in [("consumer", consumer), ("provider", provider)] {
        match pact[role]["name"].as_str() {
            Some(name) if name == expected => {}
            Some(name) => {
                errors.insert(
                    role.to_string(),
                    json!([format!(
                        "name in pact '{name}' does not match {role} name in path '{expected}'"
                    )]),
                );
            }
            None => {
                errors.insert(role.to_string(), json!(["name is missing from the pact"]));
            }
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ApiError::BadRequest(Value::Object(errors)))
    }
}

fn publish_reply(req: &Req, p: &NewPublication, outcome: &PublishOutcome) -> Value {
    let l = req.links();
    let mut notices = Vec::new();
    let branch = p
        .branch
        .as_deref()
        .map(|b| format!(" with branch {b}"))
        .unwrap_or_default();
    let tags = match p.tags.as_slice() {
        [] => String::new(),
        [one] => format!(" and tag {one}"),
        many => format!(" and tags {}", many.join(", ")),
    };
    let verb = if outcome.version_created {
        "Created"
    } else {
        "Updated"
    };
    notices.push(json!({"type": "debug", "text": format!("{verb} {} version {}{branch}{tags}", p.consumer, p.version)}));
    for (provider, _, change) in &outcome.contracts {
        let text = match change {
            ContractChange::Created => format!(
                "Pact successfully published for {} version {} and provider {provider}.",
                p.consumer, p.version
            ),
            ContractChange::Unchanged => format!(
                "Pact published for {} version {} and provider {provider} is the same as the one already published: nothing changed.",
                p.consumer, p.version
            ),
            ContractChange::Overwritten => format!(
                "Pact for {} version {} and provider {provider} was replaced (the broker allows contract modification).",
                p.consumer, p.version
            ),
            ContractChange::Merged => format!(
                "Pact successfully merged into the pact of {} version {} and provider {provider}.",
                p.consumer, p.version
            ),
        };
        notices.push(json!({"type": "success", "text": text}));
    }
    let logs: Vec<Value> = notices
        .iter()
        .map(|n| {
            json!({"level": n["type"], "message": n["text"], "deprecationWarning": "Replaced by notices"})
        })
        .collect();
    let version_href = l.version(&p.consumer, &p.version);
    json!({
        "notices": notices,
        "logs": logs,
        "_embedded": {
            "pacticipant": {"name": p.consumer, "_links": {"self": {"href": l.pacticipant(&p.consumer)}}},
            "version": {"number": p.version, "_links": {"self": named("Version", &p.version, version_href.clone())}},
        },
        "_links": {
            "pb:pacticipant": named("Pacticipant", &p.consumer, l.pacticipant(&p.consumer)),
            "pb:pacticipant-version": named("Pacticipant version", &p.version, version_href),
            "pb:pacticipant-version-tags": p.tags.iter()
                .map(|t| named("Tag", t, l.version_tag(&p.consumer, &p.version, t)))
                .collect::<Vec<_>>(),
            "pb:contracts": outcome.contracts.iter()
                .map(|(provider, _, _)| named(
                    "Pact",
                    &format!("Pact between {} ({}) and {provider}", p.consumer, p.version),
                    l.pact_for_version(provider, &p.consumer, &p.version),
                ))
                .collect::<Vec<_>>(),
        }
    })
}
