//! The request and result types of the verification flow.

use serde::Serialize;
use serde_json::{json, Map, Value};

/// The body of `POST /pacts/provider/{provider}/for-verification`: which pacts the
/// provider wants to verify.
///
/// Serialised in camelCase as the broker expects: `consumerVersionSelectors` and
/// `includePendingStatus` are always sent, `providerVersionTags` only when not empty,
/// `providerVersionBranch` and `includeWipPactsSince` only when set.
///
/// ```
/// use pact_runtime::broker::PactsForVerificationRequest;
/// let request = PactsForVerificationRequest {
///     provider_version_branch: Some("main".into()),
///     include_pending_status: true,
///     ..PactsForVerificationRequest::default()
/// }
/// .with_consumer_version_tags(["prod"]);
/// assert_eq!(
///     serde_json::to_value(&request).unwrap(),
///     serde_json::json!({
///         "consumerVersionSelectors": [{"tag": "prod", "latest": true}],
///         "providerVersionBranch": "main",
///         "includePendingStatus": true
///     })
/// );
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PactsForVerificationRequest {
    /// Consumer version selectors, as JSON objects (`{"mainBranch": true}`,
    /// `{"deployedOrReleased": true}`, `{"branch": "x"}`, …). Empty: the broker's defaults.
    pub consumer_version_selectors: Vec<Value>,
    /// The tags the provider version will get (for pending status by tag).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub provider_version_tags: Vec<String>,
    /// The branch of the provider version (for pending status, WIP and `matchingBranch`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provider_version_branch: Option<String>,
    /// Ask the broker which pacts are pending.
    pub include_pending_status: bool,
    /// Include work-in-progress pacts published since this date (`YYYY-MM-DD`); needs a
    /// provider branch or tags.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub include_wip_pacts_since: Option<String>,
}

impl PactsForVerificationRequest {
    /// Adds a selector `{"tag": t, "latest": true}` for each tag, as `--consumer-version-tags`
    /// does.
    pub fn with_consumer_version_tags<I, S>(mut self, tags: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.consumer_version_selectors.extend(
            tags.into_iter()
                .map(|t| json!({"tag": t.into(), "latest": true})),
        );
        self
    }
}

/// A notice attached to a pact for verification: `when` is `before_verification` or
/// `after_verification:success_{true|false}_published_{true|false}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerificationNotice {
    /// When to show the text.
    pub when: String,
    /// The text.
    pub text: String,
}

/// One pact the broker says to verify.
#[derive(Debug, Clone, PartialEq)]
pub struct PactForVerification {
    /// Where to fetch it (resolved against the broker URL): pass to
    /// [`BrokerClient::fetch_pact`](super::BrokerClient::fetch_pact).
    pub url: String,
    /// The link's name, e.g. `Pact between Web (1) and API`.
    pub name: Option<String>,
    /// Why it was selected, e.g. `latest from main branch`.
    pub short_description: String,
    /// The pact is pending: a failure should not fail the build.
    pub pending: bool,
    /// The pact is work in progress (always pending too).
    pub wip: bool,
    /// The `before_verification` notices, to print before verifying.
    pub notices: Vec<String>,
    /// Every notice, including the `after_verification:…` ones.
    pub all_notices: Vec<VerificationNotice>,
}

impl PactForVerification {
    /// The notices to print after verifying, for that outcome and whether the result was
    /// published.
    pub fn after_verification_notices(&self, success: bool, published: bool) -> Vec<&str> {
        let when = format!("after_verification:success_{success}_published_{published}");
        self.all_notices
            .iter()
            .filter(|n| n.when == when)
            .map(|n| n.text.as_str())
            .collect()
    }
}

/// A pact fetched from the broker.
#[derive(Debug, Clone, PartialEq)]
pub struct FetchedPact {
    /// The URL it was fetched from.
    pub url: String,
    /// The whole document: the pact, with the broker's `_links` merged in at the top level.
    pub json: Value,
    /// Where to publish verification results (`pb:publish-verification-results`, resolved).
    pub publish_url: Option<String>,
    /// The provider pacticipant (`pb:provider`, resolved): branches and tags go there.
    pub provider_url: Option<String>,
}

impl FetchedPact {
    /// The pact text without the broker's `_links`, ready for
    /// `pact_core::model::read_pact`.
    pub fn pact_text(&self) -> String {
        let mut json = self.json.clone();
        if let Value::Object(map) = &mut json {
            map.remove("_links");
        }
        json.to_string()
    }
}

/// The outcome of verifying one pact, to publish.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct VerificationResult {
    /// Every interaction passed.
    pub success: bool,
    /// The provider version that was verified (`providerApplicationVersion`).
    pub provider_version: String,
    /// The provider version's branch: PUT to `pb:branch-version` before publishing.
    pub provider_branch: Option<String>,
    /// Tags for the provider version: PUT to `pb:version-tag` each, before publishing.
    pub provider_tags: Vec<String>,
    /// The CI build that verified (`buildUrl`).
    pub build_url: Option<String>,
    /// One entry per interaction.
    pub test_results: Vec<TestResult>,
}

/// The outcome of one interaction.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TestResult {
    /// The interaction's `_id` as served by the broker.
    pub interaction_id: Option<String>,
    /// The interaction's description.
    pub description: String,
    /// It passed.
    pub success: bool,
    /// Mismatches, each `{"attribute", "identifier"?, "description"}`.
    pub mismatches: Vec<Value>,
    /// Errors while verifying (e.g. a failing provider state callback).
    pub exceptions: Vec<String>,
}

impl VerificationResult {
    /// The JSON body of the results POST:
    /// `{success, providerApplicationVersion, buildUrl?, verifiedBy, testResults}`, each
    /// test result `{interactionId?, interactionDescription?, success, mismatches?,
    /// exceptions?: [{message}]}`.
    ///
    /// ```
    /// use pact_runtime::broker::{TestResult, VerificationResult};
    /// let result = VerificationResult {
    ///     success: true,
    ///     provider_version: "1.0.0".into(),
    ///     test_results: vec![TestResult {
    ///         interaction_id: Some("d3c5".into()),
    ///         description: "a request for items".into(),
    ///         success: true,
    ///         ..TestResult::default()
    ///     }],
    ///     ..VerificationResult::default()
    /// };
    /// let body = result.to_json();
    /// assert_eq!(body["testResults"], serde_json::json!([{"interactionId": "d3c5", "success": true}]));
    /// assert_eq!(body["verifiedBy"]["implementation"], "cargo-pact");
    /// ```
    pub fn to_json(&self) -> Value {
        let mut body = Map::new();
        body.insert("success".into(), json!(self.success));
        body.insert(
            "providerApplicationVersion".into(),
            json!(self.provider_version),
        );
        if let Some(url) = &self.build_url {
            body.insert("buildUrl".into(), json!(url));
        }
        body.insert(
            "verifiedBy".into(),
            json!({"implementation": "cargo-pact", "version": env!("CARGO_PKG_VERSION")}),
        );
        body.insert(
            "testResults".into(),
            self.test_results
                .iter()
                .map(|t| t.to_json(!self.success))
                .collect(),
        );
        Value::Object(body)
    }
}

impl TestResult {
    /// The entry of `testResults`. As pact_verifier does, the description is left out of a
    /// passing run's entries that have an `interactionId` (the compat suite's mock broker
    /// insists on that); `describe` (the run failed) or a missing id puts it in.
    fn to_json(&self, describe: bool) -> Value {
        let mut entry = Map::new();
        if let Some(id) = &self.interaction_id {
            entry.insert("interactionId".into(), json!(id));
        }
        if describe || self.interaction_id.is_none() {
            entry.insert("interactionDescription".into(), json!(self.description));
        }
        entry.insert("success".into(), json!(self.success));
        if !self.mismatches.is_empty() {
            entry.insert("mismatches".into(), Value::Array(self.mismatches.clone()));
        }
        if !self.exceptions.is_empty() {
            entry.insert(
                "exceptions".into(),
                self.exceptions
                    .iter()
                    .map(|m| json!({ "message": m }))
                    .collect(),
            );
        }
        Value::Object(entry)
    }
}
