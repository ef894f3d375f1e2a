//! `GET /`, the relations clients start from, and the heartbeat.

use super::links::templated;
use super::{ok, ApiError, Reply, Req};
use serde_json::json;

/// The index: every relation an official client follows, with absolute templated hrefs.
pub(super) fn get(req: &Req) -> Result<Reply, ApiError> {
    let l = req.links();
    let t = |title: &str, path: &str| templated(title, l.at(path));
    let plain =
        |title: &str, path: &str| json!({"title": title, "href": l.at(path), "templated": false});
    ok(json!({
        "_links": {
            "self": {"title": "Index", "href": l.base()},
            "pb:publish-contracts": plain("Publish contracts", "/contracts/publish"),
            "pb:latest-pact-versions": plain("Latest pact versions", "/pacts/latest"),
            "pb:pacticipants": plain("Pacticipants", "/pacticipants"),
            "pb:pacticipant": t("Fetch pacticipant by name", "/pacticipants/{pacticipant}"),
            "pb:latest-provider-pacts": t(
                "Latest pacts by provider",
                "/pacts/provider/{provider}/latest"
            ),
            "pb:latest-provider-pacts-with-tag": t(
                "Latest pacts for provider with the specified tag",
                "/pacts/provider/{provider}/latest/{tag}"
            ),
            "pb:provider-pacts-for-verification": t(
                "Pact versions to be verified for the specified provider",
                "/pacts/provider/{provider}/for-verification"
            ),
            "beta:provider-pacts-for-verification": t(
                "Pact versions to be verified for the specified provider",
                "/pacts/provider/{provider}/for-verification"
            ),
            "pb:latest-version": t(
                "Latest pacticipant version",
                "/pacticipants/{pacticipant}/latest-version"
            ),
            "pb:latest-tagged-version": t(
                "Latest pacticipant version with the specified tag",
                "/pacticipants/{pacticipant}/latest-version/{tag}"
            ),
            "pb:pacticipant-version": t(
                "Get, create or delete a pacticipant version",
                "/pacticipants/{pacticipant}/versions/{version}"
            ),
            "pb:pacticipant-version-tag": t(
                "Get, create or delete a tag for a pacticipant version",
                "/pacticipants/{pacticipant}/versions/{version}/tags/{tag}"
            ),
            "pb:pacticipant-branch": t(
                "Get or delete a pacticipant branch",
                "/pacticipants/{pacticipant}/branches/{branch}"
            ),
            "pb:pacticipant-branch-version": t(
                "Get or add/create a pacticipant version for a branch",
                "/pacticipants/{pacticipant}/branches/{branch}/versions/{version}"
            ),
            "pb:environments": plain("Environments", "/environments"),
            "pb:environment": t("Environment", "/environments/{uuid}"),
            "pb:can-i-deploy-pacticipant-version-to-environment": t(
                "Determine if a pacticipant version can be deployed to an environment",
                "/can-i-deploy?pacticipant={pacticipant}&version={version}&environment={environment}"
            ),
            "pb:matrix": plain("The matrix of verification results", "/matrix"),
            "pb:webhooks": plain("Webhooks", "/webhooks"),
            "pb:webhook": t("Webhook", "/webhooks/{uuid}"),
            "pb:heartbeat": plain("Heartbeat", "/diagnostic/status/heartbeat"),
            "curies": [{"name": "pb", "href": l.at("/doc/{rel}?context=index"), "templated": true}],
        }
    }))
}

/// `GET /diagnostic/status/heartbeat`: answered without touching the database, so a load
/// balancer's health check measures the process, not the database.
pub(super) fn heartbeat() -> Result<Reply, ApiError> {
    ok(json!({"ok": true, "_links": {}}))
}
