//! Environments, and the deployments and releases of versions to them (broker-api.md §1.6):
//!
//! * `POST`/`GET /environments`, `GET`/`PUT`/`DELETE /environments/{uuid}`;
//! * `POST /pacticipants/{p}/versions/{v}/deployed-versions/environment/{uuid}` and
//!   `…/released-versions/environment/{uuid}` (`record-deployment`, `record-release`);
//! * `GET /environments/{uuid}/deployed-versions/currently-deployed?pacticipant=P[&version=V]`
//!   and `…/released-versions/currently-supported` (how the Ruby CLI finds what to end);
//! * `GET`/`PATCH /deployed-versions/{uuid}` and `/released-versions/{uuid}`
//!   (`record-undeployment`, `record-support-ended`).

use super::links::named;
use super::{created, no_content, ok, ApiError, Reply, Req};
use crate::domain::environments::{
    application_instance, flag_patch, is_uuid_like, parse_environment, FlagPatch,
};
use crate::domain::query::parse_query_pairs;
use crate::domain::FieldErrors;
use crate::store::{new_uuid, Deployment, Environment, Release};
use crate::Broker;
use serde_json::{json, Value};

pub(super) async fn route(b: &Broker, req: &Req, m: &str, s: &[&str]) -> Result<Reply, ApiError> {
    match (m, s) {
        ("POST", ["environments"]) => create(b, req).await,
        ("GET", ["environments"]) => list(b, req).await,
        ("GET", ["environments", uuid]) => get(b, req, uuid).await,
        ("PUT", ["environments", uuid]) => put(b, req, uuid).await,
        ("DELETE", ["environments", uuid]) => delete(b, uuid).await,
        ("GET", ["environments", uuid, "deployed-versions", "currently-deployed"]) => {
            currently_deployed(b, req, uuid).await
        }
        ("GET", ["environments", uuid, "released-versions", "currently-supported"]) => {
            currently_supported(b, req, uuid).await
        }
        ("GET", ["deployed-versions", uuid]) => get_deployment(b, req, uuid).await,
        ("PATCH", ["deployed-versions", uuid]) => patch_deployment(b, req, uuid).await,
        ("GET", ["released-versions", uuid]) => get_release(b, req, uuid).await,
        ("PATCH", ["released-versions", uuid]) => patch_release(b, req, uuid).await,
        ("POST", ["pacticipants", p, "versions", v, "deployed-versions", "environment", uuid]) => {
            record_deployment(b, req, p, v, uuid).await
        }
        ("POST", ["pacticipants", p, "versions", v, "released-versions", "environment", uuid]) => {
            record_release(b, req, p, v, uuid).await
        }
        (_, ["environments"])
        | (_, ["environments", _])
        | (_, ["environments", _, "deployed-versions", "currently-deployed"])
        | (_, ["environments", _, "released-versions", "currently-supported"])
        | (_, ["deployed-versions" | "released-versions", _])
        | (
            _,
            ["pacticipants", _, "versions", _, "deployed-versions" | "released-versions", "environment", _],
        ) => Err(ApiError::MethodNotAllowed),
        _ => Err(ApiError::NotFound(format!(
            "No resource at {m} /{}",
            req.segments.join("/")
        ))),
    }
}

fn bad(errors: FieldErrors) -> ApiError {
    ApiError::BadRequest(errors.to_json()["errors"].clone())
}

fn missing_environment(uuid: &str) -> ApiError {
    ApiError::NotFound(format!("No environment with UUID {uuid} found"))
}

/// An environment as both CLIs read it, with the links the Ruby CLI follows to end a
/// deployment or a release.
pub(super) fn environment_json(req: &Req, e: &Environment) -> Value {
    let l = req.links();
    json!({
        "uuid": e.uuid,
        "name": e.name,
        "displayName": e.display_name.clone().unwrap_or_else(|| e.name.clone()),
        "production": e.production,
        "contacts": e.contacts,
        "createdAt": e.created_at,
        "updatedAt": e.updated_at,
        "_links": {
            "self": named("Environment", &e.name, l.environment(&e.uuid)),
            "pb:currently-deployed-deployed-versions": {
                "title": "Versions currently deployed to this environment",
                "href": l.currently_deployed(&e.uuid),
            },
            "pb:currently-supported-released-versions": {
                "title": "Versions released and supported in this environment",
                "href": l.currently_supported(&e.uuid),
            },
            "pb:environments": {"title": "Environments", "href": l.environments()},
        }
    })
}

async fn create(b: &Broker, req: &Req) -> Result<Reply, ApiError> {
    let parsed = parse_environment(&req.json_object()?).map_err(bad)?;
    let uuid = parsed.uuid.unwrap_or_else(new_uuid);
    let e = b.store.create_environment(&uuid, &parsed.fields).await?;
    created(&req.links().environment(&e.uuid), environment_json(req, &e))
}

async fn list(b: &Broker, req: &Req) -> Result<Reply, ApiError> {
    let l = req.links();
    let environments = b.store.environments().await?;
    let links: Vec<Value> = environments
        .iter()
        .map(|e| named("Environment", &e.name, l.environment(&e.uuid)))
        .collect();
    let items: Vec<Value> = environments
        .iter()
        .map(|e| environment_json(req, e))
        .collect();
    ok(json!({
        "_embedded": {"environments": items},
        "_links": {
            "self": {"title": "Environments", "href": l.environments()},
            "pb:environments": links,
        }
    }))
}

async fn environment(b: &Broker, uuid: &str) -> Result<Environment, ApiError> {
    b.store
        .environment(uuid)
        .await?
        .ok_or_else(|| missing_environment(uuid))
}

async fn get(b: &Broker, req: &Req, uuid: &str) -> Result<Reply, ApiError> {
    ok(environment_json(req, &environment(b, uuid).await?))
}

/// `PUT /environments/{uuid}`: replaces the fields of an existing environment (404 when
/// there is none); a `uuid` in the body must be the path's.
async fn put(b: &Broker, req: &Req, uuid: &str) -> Result<Reply, ApiError> {
    let parsed = parse_environment(&req.json_object()?).map_err(bad)?;
    if parsed.uuid.as_deref().is_some_and(|u| u != uuid) {
        return Err(ApiError::BadRequest(
            json!({"uuid": ["does not match the UUID in the path"]}),
        ));
    }
    let e = b
        .store
        .update_environment(uuid, &parsed.fields)
        .await?
        .ok_or_else(|| missing_environment(uuid))?;
    ok(environment_json(req, &e))
}

async fn delete(b: &Broker, uuid: &str) -> Result<Reply, ApiError> {
    if b.store.delete_environment(uuid).await? {
        no_content()
    } else {
        Err(missing_environment(uuid))
    }
}

/// The pacticipant of a deployment or release, embedded as the real broker embeds it: the
/// Rust CLI's `record-undeployment` and `record-support-ended` keep only the entries whose
/// `_embedded.pacticipant.name` is the one asked for.
fn pacticipant_json(req: &Req, name: &str) -> Value {
    json!({
        "name": name,
        "_links": {"self": named("Pacticipant", name, req.links().pacticipant(name))},
    })
}

fn version_json(req: &Req, pacticipant: &str, number: &str) -> Value {
    let l = req.links();
    json!({
        "number": number,
        "_links": {"self": named("Version", number, l.version(pacticipant, number))},
    })
}

fn deployment_json(req: &Req, d: &Deployment, e: &Environment) -> Value {
    let l = req.links();
    json!({
        "uuid": d.uuid,
        "currentlyDeployed": d.currently_deployed,
        "applicationInstance": d.application_instance,
        "target": d.application_instance,
        "createdAt": d.created_at,
        "undeployedAt": d.ended_at,
        "_embedded": {
            "pacticipant": pacticipant_json(req, &d.pacticipant),
            "version": version_json(req, &d.pacticipant, &d.version),
            "environment": environment_json(req, e),
        },
        "_links": {
            "self": {"title": "Deployed version", "href": l.deployed_version(&d.uuid)},
            "pb:version": named("Version", &d.version, l.version(&d.pacticipant, &d.version)),
            "pb:pacticipant": named("Pacticipant", &d.pacticipant, l.pacticipant(&d.pacticipant)),
            "pb:environment": named("Environment", &e.name, l.environment(&e.uuid)),
        }
    })
}

fn release_json(req: &Req, r: &Release, e: &Environment) -> Value {
    let l = req.links();
    json!({
        "uuid": r.uuid,
        "currentlySupported": r.currently_supported,
        "createdAt": r.created_at,
        "supportEndedAt": r.ended_at,
        "_embedded": {
            "pacticipant": pacticipant_json(req, &r.pacticipant),
            "version": version_json(req, &r.pacticipant, &r.version),
            "environment": environment_json(req, e),
        },
        "_links": {
            "self": {"title": "Released version", "href": l.released_version(&r.uuid)},
            "pb:version": named("Version", &r.version, l.version(&r.pacticipant, &r.version)),
            "pb:pacticipant": named("Pacticipant", &r.pacticipant, l.pacticipant(&r.pacticipant)),
            "pb:environment": named("Environment", &e.name, l.environment(&e.uuid)),
        }
    })
}

/// An environment UUID from a path, or 404: a malformed one names nothing.
async fn environment_in_path(b: &Broker, uuid: &str) -> Result<Environment, ApiError> {
    if !is_uuid_like(uuid) {
        return Err(missing_environment(uuid));
    }
    environment(b, uuid).await
}

async fn record_deployment(
    b: &Broker,
    req: &Req,
    p: &str,
    v: &str,
    uuid: &str,
) -> Result<Reply, ApiError> {
    let instance = application_instance(&req.json_object()?).map_err(bad)?;
    let e = environment_in_path(b, uuid).await?;
    let (d, is_new) = b
        .store
        .record_deployment(p, v, &e.uuid, instance.as_deref())
        .await?;
    let body = deployment_json(req, &d, &e);
    if is_new {
        created(&req.links().deployed_version(&d.uuid), body)
    } else {
        ok(body)
    }
}

async fn record_release(
    b: &Broker,
    req: &Req,
    p: &str,
    v: &str,
    uuid: &str,
) -> Result<Reply, ApiError> {
    req.json_object()?;
    let e = environment_in_path(b, uuid).await?;
    let (r, is_new) = b.store.record_release(p, v, &e.uuid).await?;
    let body = release_json(req, &r, &e);
    if is_new {
        created(&req.links().released_version(&r.uuid), body)
    } else {
        ok(body)
    }
}

/// The value of query parameter `name`, when given and not blank.
fn param(req: &Req, name: &str) -> Option<String> {
    parse_query_pairs(&req.query)
        .into_iter()
        .find(|(k, v)| k == name && !v.trim().is_empty())
        .map(|(_, v)| v)
}

async fn currently_deployed(b: &Broker, req: &Req, uuid: &str) -> Result<Reply, ApiError> {
    let e = environment_in_path(b, uuid).await?;
    let pacticipant = param(req, "pacticipant");
    let version = param(req, "version");
    let instance = param(req, "applicationInstance").or_else(|| param(req, "target"));
    let items: Vec<Value> = b
        .store
        .currently_deployed(&e.name, pacticipant.as_deref())
        .await?
        .iter()
        .filter(|d| version.as_ref().is_none_or(|v| *v == d.version))
        .filter(|d| instance.is_none() || d.application_instance == instance)
        .map(|d| deployment_json(req, d, &e))
        .collect();
    ok(json!({
        "_embedded": {"deployedVersions": items},
        "_links": {"self": {
            "title": format!("Currently deployed versions in {}", e.name),
            "href": format!("{}{}", req.links().currently_deployed(&e.uuid), query_suffix(req)),
        }},
    }))
}

async fn currently_supported(b: &Broker, req: &Req, uuid: &str) -> Result<Reply, ApiError> {
    let e = environment_in_path(b, uuid).await?;
    let pacticipant = param(req, "pacticipant");
    let version = param(req, "version");
    let items: Vec<Value> = b
        .store
        .currently_released(&e.name, pacticipant.as_deref())
        .await?
        .iter()
        .filter(|r| version.as_ref().is_none_or(|v| *v == r.version))
        .map(|r| release_json(req, r, &e))
        .collect();
    ok(json!({
        "_embedded": {"releasedVersions": items},
        "_links": {"self": {
            "title": format!("Currently supported released versions in {}", e.name),
            "href": format!("{}{}", req.links().currently_supported(&e.uuid), query_suffix(req)),
        }},
    }))
}

fn query_suffix(req: &Req) -> String {
    if req.query.is_empty() {
        String::new()
    } else {
        format!("?{}", req.query)
    }
}

fn missing_deployment(uuid: &str) -> ApiError {
    ApiError::NotFound(format!("No deployed version with UUID {uuid} found"))
}

fn missing_release(uuid: &str) -> ApiError {
    ApiError::NotFound(format!("No released version with UUID {uuid} found"))
}

async fn deployment_reply(b: &Broker, req: &Req, d: &Deployment) -> Result<Reply, ApiError> {
    let e = environment(b, &d.environment_uuid).await?;
    ok(deployment_json(req, d, &e))
}

async fn release_reply(b: &Broker, req: &Req, r: &Release) -> Result<Reply, ApiError> {
    let e = environment(b, &r.environment_uuid).await?;
    ok(release_json(req, r, &e))
}

async fn get_deployment(b: &Broker, req: &Req, uuid: &str) -> Result<Reply, ApiError> {
    let d = b
        .store
        .deployment(uuid)
        .await?
        .ok_or_else(|| missing_deployment(uuid))?;
    deployment_reply(b, req, &d).await
}

/// `PATCH /deployed-versions/{uuid}` with `{"currentlyDeployed": false}`
/// (`record-undeployment`).
async fn patch_deployment(b: &Broker, req: &Req, uuid: &str) -> Result<Reply, ApiError> {
    let body = req.json_object()?;
    let d = b
        .store
        .deployment(uuid)
        .await?
        .ok_or_else(|| missing_deployment(uuid))?;
    let d = match flag_patch(&body, "currentlyDeployed", d.currently_deployed).map_err(bad)? {
        FlagPatch::Keep => d,
        FlagPatch::End => b
            .store
            .end_deployment(uuid)
            .await?
            .ok_or_else(|| missing_deployment(uuid))?,
    };
    deployment_reply(b, req, &d).await
}

async fn get_release(b: &Broker, req: &Req, uuid: &str) -> Result<Reply, ApiError> {
    let r = b
        .store
        .release(uuid)
        .await?
        .ok_or_else(|| missing_release(uuid))?;
    release_reply(b, req, &r).await
}

/// `PATCH /released-versions/{uuid}` with `{"currentlySupported": false}`
/// (`record-support-ended`).
async fn patch_release(b: &Broker, req: &Req, uuid: &str) -> Result<Reply, ApiError> {
    let body = req.json_object()?;
    let r = b
        .store
        .release(uuid)
        .await?
        .ok_or_else(|| missing_release(uuid))?;
    let r = match flag_patch(&body, "currentlySupported", r.currently_supported).map_err(bad)? {
        FlagPatch::Keep => r,
        FlagPatch::End => b
            .store
            .end_release(uuid)
            .await?
            .ok_or_else(|| missing_release(uuid))?,
    };
    release_reply(b, req, &r).await
}
