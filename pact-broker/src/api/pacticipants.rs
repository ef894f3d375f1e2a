//! Pacticipants, their versions, branches and tags.

use super::links::{link, named, templated};
use super::{created, no_content, ok, ApiError, Reply, Req};
use crate::store::{Pacticipant, PacticipantUpdate, Version};
use crate::Broker;
use serde_json::{json, Map, Value};

fn pacticipant_json(req: &Req, p: &Pacticipant, latest: Option<&Version>) -> Value {
    let l = req.links();
    let versions = l.versions(&p.name);
    let mut out = json!({
        "name": p.name,
        "displayName": p.display_name.clone().unwrap_or_else(|| p.name.clone()),
        "mainBranch": p.main_branch,
        "repositoryUrl": p.repository_url,
        "createdAt": p.created_at,
        "updatedAt": p.updated_at,
        "_links": {
            "self": link(l.pacticipant(&p.name)),
            "pb:versions": link(versions.clone()),
            // The older clients follow the un-prefixed name.
            "versions": link(versions),
            "pb:version": templated("Get, create or delete a pacticipant version", format!("{}/versions/{{version}}", l.pacticipant(&p.name))),
            "pb:version-tag": templated("Get, create or delete a tag for a version", format!("{}/versions/{{version}}/tags/{{tag}}", l.pacticipant(&p.name))),
            "pb:branch-version": templated("Get or add/create a version for a branch", format!("{}/branches/{{branch}}/versions/{{version}}", l.pacticipant(&p.name))),
            "pb:latest-version": link(format!("{}/latest-version", l.pacticipant(&p.name))),
        }
    });
    if let Some(v) = latest {
        out["_embedded"] = json!({"latest-version": {"number": v.number, "_links": {"self": link(l.version(&p.name, &v.number))}}});
    }
    out
}

/// A version as the CLIs read it: its branches and tags, and for each environment the
/// `pb:record-deployment` and `pb:record-release` links the CLIs follow by name.
pub(super) async fn version_json(b: &Broker, req: &Req, v: &Version) -> Result<Value, ApiError> {
    let l = req.links();
    let environments = b.store.environments().await?;
    let record = |kind: &str| -> Vec<Value> {
        environments
            .iter()
            .map(|e| {
                named(
                    &format!(
                        "Record {kind} to {}",
                        e.display_name.as_deref().unwrap_or(&e.name)
                    ),
                    &e.name,
                    format!(
                        "{}/{}-versions/environment/{}",
                        l.version(&v.pacticipant, &v.number),
                        kind,
                        super::links::seg(&e.uuid)
                    ),
                )
            })
            .collect()
    };
    Ok(json!({
        "number": v.number,
        "buildUrl": v.build_url,
        "createdAt": v.created_at,
        "_embedded": {
            "branchVersions": v.branches.iter().map(|br| json!({
                "name": br.name,
                "latest": br.latest,
                "_links": {"self": link(l.branch_version(&v.pacticipant, &br.name, &v.number))},
            })).collect::<Vec<_>>(),
            "tags": v.tags.iter().map(|t| json!({
                "name": t,
                "_links": {"self": link(l.version_tag(&v.pacticipant, &v.number, t))},
            })).collect::<Vec<_>>(),
        },
        "_links": {
            "self": named("Version", &v.number, l.version(&v.pacticipant, &v.number)),
            "pb:pacticipant": named("Pacticipant", &v.pacticipant, l.pacticipant(&v.pacticipant)),
            "pb:tag": templated("Get, create or delete a tag for this version", format!("{}/tags/{{tag}}", l.version(&v.pacticipant, &v.number))),
            "pb:record-deployment": record("deployed"),
            "pb:record-release": record("released"),
        }
    }))
}

fn update_from(body: &Map<String, Value>) -> Result<PacticipantUpdate, ApiError> {
    let field = |camel: &str, snake: &str| -> Result<Option<String>, ApiError> {
        match body.get(camel).or_else(|| body.get(snake)) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(ApiError::BadRequest(json!({camel: ["must be a string"]}))),
        }
    };
    Ok(PacticipantUpdate {
        display_name: field("displayName", "display_name")?,
        main_branch: field("mainBranch", "main_branch")?,
        repository_url: field("repositoryUrl", "repository_url")?,
    })
}

async fn pacticipant_reply(
    b: &Broker,
    req: &Req,
    name: &str,
    created_now: bool,
) -> Result<Reply, ApiError> {
    let p = b
        .store
        .pacticipant(name)
        .await?
        .ok_or_else(|| missing_pacticipant(name))?;
    let latest = b.store.latest_version(name, None).await?;
    let body = pacticipant_json(req, &p, latest.as_ref());
    if created_now {
        created(&req.links().pacticipant(name), body)
    } else {
        ok(body)
    }
}

fn missing_pacticipant(name: &str) -> ApiError {
    ApiError::NotFound(format!("No pacticipant with name '{name}' found"))
}

pub(super) async fn list(b: &Broker, req: &Req) -> Result<Reply, ApiError> {
    let l = req.links();
    let mut items = Vec::new();
    for p in b.store.pacticipants().await? {
        let latest = b.store.latest_version(&p.name, None).await?;
        items.push(pacticipant_json(req, &p, latest.as_ref()));
    }
    let links: Vec<Value> = items
        .iter()
        .map(
            |p| json!({"href": p["_links"]["self"]["href"], "title": p["name"], "name": p["name"]}),
        )
        .collect();
    ok(json!({
        "_embedded": {"pacticipants": items.clone()},
        "pacticipants": items,
        "_links": {"self": link(l.at("/pacticipants")), "pb:pacticipants": links.clone(), "pacticipants": links},
    }))
}

pub(super) async fn create(b: &Broker, req: &Req) -> Result<Reply, ApiError> {
    let body = req.json_object()?;
    let name = match body.get("name") {
        Some(Value::String(s)) if !s.trim().is_empty() => s.clone(),
        _ => return Err(ApiError::BadRequest(json!({"name": ["can't be blank"]}))),
    };
    let update = update_from(&body)?;
    let created_now = b.store.upsert_pacticipant(&name, &update).await?;
    pacticipant_reply(b, req, &name, created_now).await
}

pub(super) async fn get(b: &Broker, req: &Req, name: &str) -> Result<Reply, ApiError> {
    pacticipant_reply(b, req, name, false).await
}

/// `PATCH` (and `PUT`) `/pacticipants/{p}`: 201 when it creates the pacticipant, 200 when
/// it updates it. A `name` in the body must be the path's.
pub(super) async fn update(b: &Broker, req: &Req, name: &str) -> Result<Reply, ApiError> {
    let body = req.json_object()?;
    if let Some(other) = body.get("name").and_then(Value::as_str) {
        if other != name {
            return Err(ApiError::BadRequest(json!({"name": [format!(
                "does not match the name in the path ({other} != {name})"
            )]})));
        }
    }
    let update = update_from(&body)?;
    let created_now = b.store.upsert_pacticipant(name, &update).await?;
    pacticipant_reply(b, req, name, created_now).await
}

fn missing_version(p: &str, v: &str) -> ApiError {
    ApiError::NotFound(format!("No version {v} of pacticipant {p} found"))
}

pub(super) async fn version(b: &Broker, req: &Req, p: &str, v: &str) -> Result<Reply, ApiError> {
    let version = b
        .store
        .version(p, v)
        .await?
        .ok_or_else(|| missing_version(p, v))?;
    ok(version_json(b, req, &version).await?)
}

pub(super) async fn put_version(
    b: &Broker,
    req: &Req,
    p: &str,
    v: &str,
) -> Result<Reply, ApiError> {
    req.json()?;
    let created_now = b.store.ensure_version(p, v).await?;
    let version = b
        .store
        .version(p, v)
        .await?
        .ok_or_else(|| missing_version(p, v))?;
    let body = version_json(b, req, &version).await?;
    if created_now {
        created(&req.links().version(p, v), body)
    } else {
        ok(body)
    }
}

pub(super) async fn latest_version(
    b: &Broker,
    req: &Req,
    p: &str,
    tag: Option<&str>,
) -> Result<Reply, ApiError> {
    let version = b
        .store
        .latest_version(p, tag)
        .await?
        .ok_or_else(|| match tag {
            Some(t) => ApiError::NotFound(format!("No version of {p} with tag {t} found")),
            None => ApiError::NotFound(format!("No version of {p} found")),
        })?;
    ok(version_json(b, req, &version).await?)
}

fn tag_json(req: &Req, p: &str, v: &str, t: &str) -> Value {
    let l = req.links();
    json!({
        "name": t,
        "_links": {
            "self": named("Tag", t, l.version_tag(p, v, t)),
            "pb:version": named("Version", v, l.version(p, v)),
            "pb:pacticipant": named("Pacticipant", p, l.pacticipant(p)),
        }
    })
}

/// `PUT /pacticipants/{p}/versions/{v}/tags/{t}`: creates what is missing; 201 for a new
/// tag, 200 for one the version had.
pub(super) async fn put_tag(
    b: &Broker,
    req: &Req,
    p: &str,
    v: &str,
    t: &str,
) -> Result<Reply, ApiError> {
    req.json()?;
    let created_now = b.store.tag_version(p, v, t).await?;
    let body = tag_json(req, p, v, t);
    if created_now {
        created(&req.links().version_tag(p, v, t), body)
    } else {
        ok(body)
    }
}

pub(super) async fn get_tag(
    b: &Broker,
    req: &Req,
    p: &str,
    v: &str,
    t: &str,
) -> Result<Reply, ApiError> {
    let version = b
        .store
        .version(p, v)
        .await?
        .ok_or_else(|| missing_version(p, v))?;
    if !version.tags.iter().any(|x| x == t) {
        return Err(ApiError::NotFound(format!(
            "Version {v} of {p} has no tag {t}"
        )));
    }
    ok(tag_json(req, p, v, t))
}

/// `PUT /pacticipants/{p}/branches/{b}/versions/{v}`: 201 when the version joins the
/// branch, 200 when it was on it; a JSON body either way (pact_verifier needs one).
pub(super) async fn put_branch_version(
    b: &Broker,
    req: &Req,
    p: &str,
    branch: &str,
    v: &str,
) -> Result<Reply, ApiError> {
    req.json()?;
    let added = b.store.add_branch_version(p, branch, v).await?;
    let l = req.links();
    let body = json!({
        "name": branch,
        "_links": {
            "self": link(l.branch_version(p, branch, v)),
            "pb:branch": named("Branch", branch, l.branch(p, branch)),
            "pb:version": named("Version", v, l.version(p, v)),
        }
    });
    if added {
        created(&l.branch_version(p, branch, v), body)
    } else {
        ok(body)
    }
}

pub(super) async fn delete_branch(b: &Broker, p: &str, branch: &str) -> Result<Reply, ApiError> {
    if b.store.delete_branch(p, branch).await? {
        no_content()
    } else {
        Err(ApiError::NotFound(format!(
            "No branch {branch} of {p} found"
        )))
    }
}
