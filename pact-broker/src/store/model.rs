//! What storage returns and takes: plain records, the same for both backends.

use serde_json::Value;

/// An application that takes part in pacts, as consumer, provider or both.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pacticipant {
    /// Row id.
    pub id: i64,
    /// Its name, as published.
    pub name: String,
    /// The name to show, when set.
    pub display_name: Option<String>,
    /// The branch the `mainBranch` selectors mean; detected from the first of `develop`,
    /// `main` or `master` it publishes, unless set.
    pub main_branch: Option<String>,
    /// Where its code lives.
    pub repository_url: Option<String>,
    /// When it was first seen.
    pub created_at: String,
    /// When it last changed.
    pub updated_at: String,
}

/// The fields `POST`/`PATCH /pacticipants` may set; `None` leaves a field alone.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PacticipantUpdate {
    /// New display name.
    pub display_name: Option<String>,
    /// New main branch.
    pub main_branch: Option<String>,
    /// New repository URL.
    pub repository_url: Option<String>,
}

/// A version's membership of a branch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BranchMembership {
    /// Branch name.
    pub name: String,
    /// Whether this is the branch's latest version.
    pub latest: bool,
}

/// A version of a pacticipant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Version {
    /// Row id, also its order: later versions have larger ids.
    pub id: i64,
    /// The pacticipant's name.
    pub pacticipant: String,
    /// The version number, as published.
    pub number: String,
    /// The build that made it, when known.
    pub build_url: Option<String>,
    /// When it was first seen.
    pub created_at: String,
    /// The branches it is on, oldest first.
    pub branches: Vec<BranchMembership>,
    /// Its tags, oldest first.
    pub tags: Vec<String>,
}

/// One contract of a publication.
#[derive(Debug, Clone, PartialEq)]
pub struct NewContract {
    /// The provider's name.
    pub provider: String,
    /// The pact JSON as published (checked against the names already).
    pub content: Value,
    /// `onConflict: merge`: add these interactions to what the version already published.
    pub merge: bool,
}

/// A consumer version's publication: `POST /contracts/publish` or the legacy `PUT`.
#[derive(Debug, Clone, PartialEq)]
pub struct NewPublication {
    /// The consumer's name.
    pub consumer: String,
    /// The consumer version number.
    pub version: String,
    /// The branch the version is on, when given.
    pub branch: Option<String>,
    /// Tags for the version.
    pub tags: Vec<String>,
    /// The build that made the version.
    pub build_url: Option<String>,
    /// The pacts, one per provider.
    pub contracts: Vec<NewContract>,
    /// The broker's `--allow-dangerous-contract-modification`: a version may replace the
    /// content it published.
    pub allow_overwrite: bool,
}

/// What happened to one published contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContractChange {
    /// The version had no pact for this provider.
    Created,
    /// The same content again.
    Unchanged,
    /// The content was replaced (allowed by the broker's configuration).
    Overwritten,
    /// The interactions were merged into what the version had.
    Merged,
}

/// What a publication did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublishOutcome {
    /// Whether the consumer version is new.
    pub version_created: bool,
    /// Per contract, in the order given: the provider, the content sha, what changed.
    pub contracts: Vec<(String, String, ContractChange)>,
}

/// A pact as stored: one consumer version's publication for one provider.
#[derive(Debug, Clone, PartialEq)]
pub struct PactRecord {
    /// The consumer's name.
    pub consumer: String,
    /// The provider's name.
    pub provider: String,
    /// The consumer version that published it.
    pub consumer_version: String,
    /// That version's order.
    pub consumer_version_id: i64,
    /// The content's sha.
    pub sha: String,
    /// The content, as JSON text.
    pub content: String,
    /// When this version published it.
    pub published_at: String,
}

/// A verification result to record.
#[derive(Debug, Clone, PartialEq)]
pub struct NewVerification {
    /// The provider's name.
    pub provider: String,
    /// The consumer's name.
    pub consumer: String,
    /// The sha of the content verified.
    pub sha: String,
    /// The provider version that verified it.
    pub provider_version: String,
    /// Whether it passed.
    pub success: bool,
    /// The build that verified it.
    pub build_url: Option<String>,
    /// The result as posted (test results are opaque: an array from Rust, an object from Ruby).
    pub body: Value,
}

/// A recorded verification result.
#[derive(Debug, Clone, PartialEq)]
pub struct VerificationRecord {
    /// Row id, also its order.
    pub id: i64,
    /// The provider's name.
    pub provider: String,
    /// The consumer's name.
    pub consumer: String,
    /// The sha of the content verified.
    pub sha: String,
    /// The provider version that verified it.
    pub provider_version: String,
    /// Whether it passed.
    pub success: bool,
    /// The build that verified it.
    pub build_url: Option<String>,
    /// The result as posted.
    pub body: Value,
    /// When it was recorded.
    pub created_at: String,
}

/// A deployment environment (`production`, `test`, …).
#[derive(Debug, Clone, PartialEq)]
pub struct Environment {
    /// Row id.
    pub id: i64,
    /// Its UUID, in hrefs.
    pub uuid: String,
    /// Its unique name.
    pub name: String,
    /// The name to show, when set.
    pub display_name: Option<String>,
    /// Whether it is a production environment.
    pub production: bool,
    /// Its contacts, as posted (`[{name, details}]`).
    pub contacts: Value,
    /// When it was created.
    pub created_at: String,
    /// When it last changed.
    pub updated_at: String,
}

/// What `POST /environments` and `PUT /environments/{uuid}` set on an environment.
#[derive(Debug, Clone, PartialEq)]
pub struct EnvironmentFields {
    /// Its unique name (`production`).
    pub name: String,
    /// The name to show, when given.
    pub display_name: Option<String>,
    /// Whether it is a production environment.
    pub production: bool,
    /// Its contacts, as posted (`[{name, details}]`; `[]` when none).
    pub contacts: Value,
}

/// A version's deployment to an environment (`record-deployment`): one row of
/// `deployed_versions`. A pacticipant has at most one *currently deployed* version per
/// environment and application instance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deployment {
    /// Its UUID, in `/deployed-versions/{uuid}`.
    pub uuid: String,
    /// The pacticipant's name.
    pub pacticipant: String,
    /// The version number deployed.
    pub version: String,
    /// That version's row id (its order among the pacticipant's versions).
    pub version_id: i64,
    /// The environment's name.
    pub environment: String,
    /// The environment's UUID.
    pub environment_uuid: String,
    /// The application instance (`blue`, `customer-1`; the clients' old name is `target`),
    /// `None` for the pacticipant's one unnamed instance.
    pub application_instance: Option<String>,
    /// Whether it is still deployed: `false` once another version replaced it on the same
    /// instance, or `record-undeployment` ended it.
    pub currently_deployed: bool,
    /// When it was recorded.
    pub created_at: String,
    /// When it stopped being currently deployed.
    pub ended_at: Option<String>,
}

/// A version's release to an environment (`record-release`): one row of
/// `released_versions`. Several released versions of a pacticipant may be supported at once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Release {
    /// Its UUID, in `/released-versions/{uuid}`.
    pub uuid: String,
    /// The pacticipant's name.
    pub pacticipant: String,
    /// The version number released.
    pub version: String,
    /// That version's row id.
    pub version_id: i64,
    /// The environment's name.
    pub environment: String,
    /// The environment's UUID.
    pub environment_uuid: String,
    /// Whether it is still supported: `false` after `record-support-ended`.
    pub currently_supported: bool,
    /// When it was (first) recorded.
    pub created_at: String,
    /// When its support ended.
    pub ended_at: Option<String>,
}

/// Which pacticipants a webhook is about, on one side (consumer or provider).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WebhookPacticipant {
    /// The pacticipant with this name (which must exist).
    Name(String),
    /// Every pacticipant with this label.
    Label(String),
}

/// A webhook as posted, once validated (`domain::webhooks::parse_webhook`).
#[derive(Debug, Clone, PartialEq)]
pub struct NewWebhook {
    /// What it is for.
    pub description: Option<String>,
    /// The consumer it is limited to; every consumer when `None`.
    pub consumer: Option<WebhookPacticipant>,
    /// The provider it is limited to; every provider when `None`.
    pub provider: Option<WebhookPacticipant>,
    /// Whether it fires.
    pub enabled: bool,
    /// The event names it fires on.
    pub events: Vec<String>,
    /// The request it sends, as posted (`{method, url, headers?, body?, username?, password?}`),
    /// credentials included: only the API masks them.
    pub request: Value,
}

/// A stored webhook.
#[derive(Debug, Clone, PartialEq)]
pub struct Webhook {
    /// Its UUID, in `/webhooks/{uuid}`.
    pub uuid: String,
    /// What it is for.
    pub description: Option<String>,
    /// The consumer it is limited to.
    pub consumer: Option<WebhookPacticipant>,
    /// The provider it is limited to.
    pub provider: Option<WebhookPacticipant>,
    /// Whether it fires.
    pub enabled: bool,
    /// The event names it fires on.
    pub events: Vec<String>,
    /// The request it sends, unmasked.
    pub request: Value,
    /// When it was created.
    pub created_at: String,
    /// When it last changed.
    pub updated_at: String,
}

/// A webhook execution to enqueue: one webhook fired by one event, its request rendered.
#[derive(Debug, Clone, PartialEq)]
pub struct NewExecution {
    /// The webhook's UUID.
    pub webhook_uuid: String,
    /// The event that fired it.
    pub event: String,
    /// The rendered request (`RenderedRequest::to_json`), credentials included.
    pub request: Value,
    /// The consumer of the pact whose publication or verification fired it.
    pub consumer: String,
    /// Its provider.
    pub provider: String,
}

/// Where an execution stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExecutionStatus {
    /// Not attempted yet, or to be attempted again.
    Pending,
    /// An attempt got a 2xx.
    Succeeded,
    /// Every attempt failed.
    Failed,
}

impl ExecutionStatus {
    /// As stored and served: `pending`, `succeeded`, `failed`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            ExecutionStatus::Pending => "pending",
            ExecutionStatus::Succeeded => "succeeded",
            ExecutionStatus::Failed => "failed",
        }
    }

    /// Read back from [`ExecutionStatus::as_str`]; anything else is `Pending`.
    #[must_use]
    pub fn parse(s: &str) -> ExecutionStatus {
        match s {
            "succeeded" => ExecutionStatus::Succeeded,
            "failed" => ExecutionStatus::Failed,
            _ => ExecutionStatus::Pending,
        }
    }
}

/// An execution a worker claimed: it is its to attempt until the claim lapses.
#[derive(Debug, Clone, PartialEq)]
pub struct ClaimedExecution {
    /// Row id.
    pub id: i64,
    /// The webhook's UUID.
    pub webhook_uuid: String,
    /// The event that fired it.
    pub event: String,
    /// The rendered request, credentials included.
    pub request: Value,
    /// The attempts made before this one.
    pub attempts: i64,
}

/// What one attempt got.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttemptOutcome {
    /// Whether it succeeded (a 2xx).
    pub success: bool,
    /// The response status, `None` when no response came (connection refused, timeout).
    pub status: Option<u16>,
    /// The start of the response body, or why there was no response.
    pub body: String,
}

/// A recorded execution, as `GET /webhooks/{uuid}/executions` lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct WebhookExecution {
    /// Row id.
    pub id: i64,
    /// The webhook's UUID.
    pub webhook_uuid: String,
    /// The event that fired it.
    pub event: String,
    /// The rendered request, credentials included (the API masks them).
    pub request: Value,
    /// Where it stands.
    pub status: ExecutionStatus,
    /// The attempts made.
    pub attempts: i64,
    /// When it is next due (while pending).
    pub next_attempt_at: String,
    /// The last response's status, when one came.
    pub last_response_status: Option<i64>,
    /// The start of the last response's body, or why none came.
    pub last_response_body: Option<String>,
    /// When it was enqueued.
    pub created_at: String,
    /// When it last changed.
    pub updated_at: String,
}

/// What a publication's webhook events depend on, for one contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ContentHistory {
    /// Whether the previous consumer version's pact for this provider had the same content.
    pub same_as_previous: bool,
    /// Whether some provider version verified this content successfully.
    pub verified_successfully: bool,
}
