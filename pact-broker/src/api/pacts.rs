//! Reading pacts: by consumer version, latest (per tag), by content, and the lists.

use super::links::{link, named, templated};
use super::{ok, ApiError, Reply, Req};
use crate::domain::content;
use crate::store::PactRecord;
use crate::Broker;
use serde_json::{json, Value};
use warp::http::HeaderValue;

/// The pact as served: its content with `_id` on each interaction (the Rust verifier
/// reports results by it) and the `_links` merged in at the top level, among them the
/// `pb:publish-verification-results` the verifiers post to.
pub(super) fn pact_json(req: &Req, r: &PactRecord) -> Result<Value, ApiError> {
    pact_json_at(req, r, None)
}

/// [`pact_json`], with verification results posted under `metadata` when the pact was
/// fetched through a pacts-for-verification link.
pub(super) fn pact_json_at(
    req: &Req,
    r: &PactRecord,
    metadata: Option<&str>,
) -> Result<Value, ApiError> {
    let l = req.links();
    let stored: Value = serde_json::from_str(&r.content)
        .map_err(|e| ApiError::Internal(format!("stored pact is not JSON: {e}")))?;
    let mut pact = content::with_interaction_ids(&stored);
    let pact_version = match metadata {
        Some(m) => l.pact_version_with_metadata(&r.provider, &r.consumer, &r.sha, m),
        None => l.pact_version(&r.provider, &r.consumer, &r.sha),
    };
    let title = format!(
        "Pact between {} ({}) and {}",
        r.consumer, r.consumer_version, r.provider
    );
    let links = json!({
        "self": named("Pact", &title, l.pact_for_version(&r.provider, &r.consumer, &r.consumer_version)),
        "pb:consumer": named("Consumer", &r.consumer, l.pacticipant(&r.consumer)),
        "pb:consumer-version": named("Consumer version", &r.consumer_version, l.version(&r.consumer, &r.consumer_version)),
        "pb:provider": named("Provider", &r.provider, l.pacticipant(&r.provider)),
        "pb:pact-version": named("Pact content version", &r.sha, l.pact_version(&r.provider, &r.consumer, &r.sha)),
        "pb:latest-pact-version": json!({"title": "Latest version of this pact", "href": l.latest_pact(&r.provider, &r.consumer)}),
        "pb:latest-tagged-pact-version": templated(
            "Latest version of this pact for a given tag",
            format!("{}/{{tag}}", l.latest_pact(&r.provider, &r.consumer)),
        ),
        "pb:publish-verification-results": json!({
            "title": "Publish verification results",
            "href": format!("{pact_version}/verification-results"),
        }),
        "pb:tag-prod-version": templated(
            "PUT to this resource to tag this consumer version as 'production'",
            l.version_tag(&r.consumer, &r.consumer_version, "prod"),
        ),
        "pb:tag-version": templated(
            "PUT to this resource to tag this consumer version",
            format!("{}/tags/{{tag}}", l.version(&r.consumer, &r.consumer_version)),
        ),
    });
    if let Value::Object(map) = &mut pact {
        map.insert("createdAt".into(), json!(r.published_at));
        map.insert("_links".into(), links);
    }
    Ok(pact)
}

/// Which pact between a consumer and a provider a URL names.
#[derive(Debug, Clone, Copy)]
pub(crate) enum PactAt<'a> {
    /// `…/version/{v}`: what a consumer version published.
    Version(&'a str),
    /// `…/latest[/{tag}]`: the latest, or the latest of a version with the tag.
    Latest(Option<&'a str>),
    /// `…/pact-version/{sha}`: the latest publication of a content.
    Sha(&'a str),
}

/// The pact a URL names, for the API and the pact page alike; a 404 naming what is missing.
pub(crate) async fn find(
    b: &Broker,
    provider: &str,
    consumer: &str,
    at: PactAt<'_>,
) -> Result<PactRecord, ApiError> {
    let (found, what) = match at {
        PactAt::Version(v) => (
            b.store.pact_for_version(provider, consumer, v).await?,
            format!("for version {v}"),
        ),
        PactAt::Latest(tag) => (
            b.store.latest_pact(provider, consumer, tag).await?,
            tag.map_or_else(|| "exists".to_string(), |t| format!("with tag {t}")),
        ),
        PactAt::Sha(sha) => (
            b.store.pact_by_sha(provider, consumer, sha).await?,
            format!("has the content {sha}"),
        ),
    };
    found.ok_or_else(|| {
        ApiError::NotFound(format!("No pact between {consumer} and {provider} {what}"))
    })
}

fn pact_reply(req: &Req, r: &PactRecord, metadata: Option<&str>) -> Result<Reply, ApiError> {
    let mut reply = ok(pact_json_at(req, r, metadata)?)?;
    if let Ok(v) = HeaderValue::from_str(&r.consumer_version) {
        reply.headers_mut().insert("X-Pact-Consumer-Version", v);
    }
    Ok(reply)
}

pub(super) async fn for_version(
    b: &Broker,
    req: &Req,
    provider: &str,
    consumer: &str,
    version: &str,
) -> Result<Reply, ApiError> {
    let record = find(b, provider, consumer, PactAt::Version(version)).await?;
    pact_reply(req, &record, None)
}

pub(super) async fn latest(
    b: &Broker,
    req: &Req,
    provider: &str,
    consumer: &str,
    tag: Option<&str>,
) -> Result<Reply, ApiError> {
    let record = find(b, provider, consumer, PactAt::Latest(tag)).await?;
    pact_reply(req, &record, None)
}

pub(super) async fn by_sha(
    b: &Broker,
    req: &Req,
    provider: &str,
    consumer: &str,
    sha: &str,
) -> Result<Reply, ApiError> {
    let record = find(b, provider, consumer, PactAt::Sha(sha)).await?;
    let metadata = match req.segments.as_slice() {
        [.., m, meta] if m == "metadata" => Some(meta.as_str()),
        _ => None,
    };
    pact_reply(req, &record, metadata)
}

/// `GET /pacts/provider/{p}/latest[/{tag}]`: the verifiers' legacy source, without
/// selectors. pact_verifier reads the deprecated `pacts` name, so both names are sent.
pub(super) async fn latest_for_provider(
    b: &Broker,
    req: &Req,
    provider: &str,
    tag: Option<&str>,
) -> Result<Reply, ApiError> {
    if b.store.pacticipant(provider).await?.is_none() {
        return Err(ApiError::NotFound(format!(
            "No provider with name '{provider}' found"
        )));
    }
    let l = req.links();
    let pacts: Vec<Value> = b
        .store
        .latest_pacts_for_provider(provider, tag)
        .await?
        .iter()
        .map(|r| {
            json!({
                "href": l.pact_for_version(&r.provider, &r.consumer, &r.consumer_version),
                "title": format!("Pact between {} (v{}) and {}", r.consumer, r.consumer_version, r.provider),
                "name": r.consumer,
            })
        })
        .collect();
    let self_href = match tag {
        Some(t) => format!(
            "{}/{}",
            l.latest_provider_pacts(provider),
            super::links::seg(t)
        ),
        None => l.latest_provider_pacts(provider),
    };
    let title = match tag {
        Some(t) => format!("Latest pact versions for the provider {provider} with tag '{t}'"),
        None => format!("Latest pact versions for the provider {provider}"),
    };
    let provider_link = json!({"title": provider, "href": l.pacticipant(provider)});
    ok(json!({
        "_links": {
            "self": {"title": title, "href": self_href},
            "provider": provider_link.clone(),
            "pb:provider": provider_link,
            "pb:pacts": pacts.clone(),
            "pacts": pacts,
        }
    }))
}

/// `GET /pacts/latest`: the latest pact of every integration.
pub(super) async fn latest_all(b: &Broker, req: &Req) -> Result<Reply, ApiError> {
    let l = req.links();
    let pacts: Vec<Value> = b
        .store
        .latest_pacts()
        .await?
        .iter()
        .map(|r| {
            json!({
                "createdAt": r.published_at,
                "_embedded": {
                    "consumer": {
                        "name": r.consumer,
                        "_embedded": {"version": {"number": r.consumer_version}},
                        "_links": {"self": link(l.pacticipant(&r.consumer))},
                    },
                    "provider": {"name": r.provider, "_links": {"self": link(l.pacticipant(&r.provider))}},
                },
                "_links": {"self": [
                    link(l.latest_pact(&r.provider, &r.consumer)),
                    link(l.pact_for_version(&r.provider, &r.consumer, &r.consumer_version)),
                ]},
            })
        })
        .collect();
    ok(json!({"_links": {"self": link(l.at("/pacts/latest"))}, "pacts": pacts}))
}
