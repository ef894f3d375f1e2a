//! `GET` and `POST /pacts/provider/{p}/for-verification`: the pacts a provider must verify,
//! chosen by consumer version selectors, with pending and work-in-progress status and the
//! notices the verifiers print (broker-api.md §1.4). The rules are `domain::selectors`;
//! this module loads their facts and renders the shape pact_verifier's serde structs need
//! (`shortDescription` required, notices with string values only).

use super::{ok, ApiError, Reply, Req};
use crate::domain::selectors::{
    fact_scope, parse_verification_request, pending_status, select, verification_notices, wip,
    NoticeContext, PendingStatus, SelectedPact,
};
use crate::Broker;
use base64::Engine as _;
use serde_json::{json, Value};
use warp::http::Method;

/// The opaque `/metadata/{m}` segment of a selected pact's URL: base64url of a query string
/// naming the consumer version it was selected under and whether it is work in progress,
/// as the real broker does. Clients never decode it.
pub(super) fn encode_metadata(consumer_version: &str, wip: bool) -> String {
    let mut query = format!(
        "cv={}",
        percent_encoding::utf8_percent_encode(consumer_version, percent_encoding::NON_ALPHANUMERIC)
    );
    if wip {
        query.push_str("&w=true");
    }
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(query)
}

pub(super) async fn handle(b: &Broker, req: &Req, provider: &str) -> Result<Reply, ApiError> {
    let p =
        b.store.pacticipant(provider).await?.ok_or_else(|| {
            ApiError::NotFound(format!("No provider with name '{provider}' found"))
        })?;
    let l = req.links();
    let self_link = json!({"href": l.for_verification(provider), "title": "Pacts to be verified"});
    if req.method == Method::GET {
        return ok(json!({"_links": {"self": self_link}}));
    }
    let body = req.json()?;
    let request = parse_verification_request(&body)
        .map_err(|e| ApiError::BadRequest(e.to_json()["errors"].clone()))?;
    let wip_since = request.include_wip_pacts_since.as_deref().filter(|_| {
        request.provider_version_branch.is_some() || !request.provider_version_tags.is_empty()
    });
    let needs_verifications = request.include_pending_status || wip_since.is_some();
    // Three independent reads at once: on PostgreSQL each is a round trip of its own.
    let (pubs, ctx, verifications) = futures_util::future::try_join3(
        b.store.publication_facts(p.id, fact_scope(&request)),
        b.store.provider_context(
            p.id,
            provider,
            request.provider_version_branch.as_deref(),
            &request.provider_version_tags,
        ),
        async {
            if needs_verifications {
                b.store.successful_verification_facts(p.id).await
            } else {
                Ok(Vec::new())
            }
        },
    )
    .await?;
    let selected = select(&pubs, &request);
    let wip_pacts = match wip_since {
        Some(since) => wip(&pubs, &selected, since, &verifications, &ctx),
        None => Vec::new(),
    };
    let pacts: Vec<Value> = selected
        .iter()
        .chain(&wip_pacts)
        .map(|pact| {
            let status = if pact.wip {
                PendingStatus {
                    pending: true,
                    ..pending_status(&pact.sha, &verifications, &ctx)
                }
            } else if request.include_pending_status {
                pending_status(&pact.sha, &verifications, &ctx)
            } else {
                PendingStatus::default()
            };
            entry(
                req,
                provider,
                pact,
                &status,
                request.include_pending_status,
                &ctx,
            )
        })
        .collect();
    ok(json!({"_embedded": {"pacts": pacts}, "_links": {"self": self_link}}))
}

fn entry(
    req: &Req,
    provider: &str,
    pact: &SelectedPact,
    status: &PendingStatus,
    include_pending_status: bool,
    ctx: &crate::domain::selectors::ProviderContext,
) -> Value {
    let metadata = encode_metadata(&pact.consumer_version, pact.wip);
    let href =
        req.links()
            .pact_version_with_metadata(provider, &pact.consumer, &pact.sha, &metadata);
    let notices: Vec<Value> = verification_notices(
        pact,
        &NoticeContext {
            provider: ctx,
            pact_url: &href,
            include_pending_status,
            pending: status,
        },
    )
    .iter()
    .map(|n| n.to_json())
    .collect();
    let mut properties = json!({"notices": notices});
    if include_pending_status || pact.wip {
        properties["pending"] = json!(status.pending);
    }
    if pact.wip {
        properties["wip"] = json!(true);
    }
    json!({
        "shortDescription": pact.short_description,
        "verificationProperties": properties,
        "_links": {"self": {
            "href": href,
            "name": format!("Pact between {} ({}) and {provider}", pact.consumer, pact.consumer_version),
        }},
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metadata_is_url_safe_and_names_the_version() {
        let m = encode_metadata("1.0.0+build/7", true);
        assert!(m
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'));
        let decoded = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(&m)
            .unwrap();
        assert_eq!(
            String::from_utf8(decoded).unwrap(),
            "cv=1%2E0%2E0%2Bbuild%2F7&w=true"
        );
        assert_ne!(encode_metadata("1", false), encode_metadata("1", true));
    }
}
