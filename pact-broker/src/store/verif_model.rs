//! What the pacts-for-verification and matrix queries take and return.

use crate::domain::matrix::MatrixRow;

/// A version by row id (its order) and number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionRef {
    /// Row id, also its order.
    pub id: i64,
    /// The version number.
    pub number: String,
}

/// Which versions of a pacticipant a matrix question is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VersionScope {
    /// Every version.
    Any,
    /// Only these version ids (none, when a selector matched nothing).
    Only(Vec<i64>),
}

impl VersionScope {
    /// Whether the scope holds no version at all.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        matches!(self, VersionScope::Only(ids) if ids.is_empty())
    }
}

/// One matrix row as loaded, with the ids and sha its links and details need.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MatrixRowRecord {
    /// The row the domain rules work on.
    pub row: MatrixRow,
    /// The sha of the pact content.
    pub sha: String,
    /// The consumer version's id.
    pub consumer_version_id: i64,
    /// The verifying provider version's id, if verified.
    pub provider_version_id: Option<i64>,
}

/// What a matrix row shows of one of its versions.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VersionDetails {
    /// Row id.
    pub id: i64,
    /// Its branches, with whether it is each one's latest version.
    pub branches: Vec<super::BranchMembership>,
    /// Its tags, with whether it is the pacticipant's latest version with each one.
    pub tags: Vec<super::BranchMembership>,
    /// The environments it is currently deployed to.
    pub deployed_to: Vec<String>,
    /// The environments it is currently released to and supported in.
    pub released_to: Vec<String>,
}

/// A pair of pacticipants with a pact between them, by id and name.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct IntegrationRef {
    /// The consumer's id.
    pub consumer_id: i64,
    /// The consumer's name.
    pub consumer: String,
    /// The provider's id.
    pub provider_id: i64,
    /// The provider's name.
    pub provider: String,
}

/// One integration as the dashboard shows it: its latest pact and where that pact stands
/// with the provider.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IntegrationSummary {
    /// The consumer and the provider.
    pub integration: IntegrationRef,
    /// The consumer version that published the latest pact.
    pub consumer_version: VersionRef,
    /// The latest pact's content sha.
    pub sha: String,
    /// When that version published it (or last changed it).
    pub published_at: String,
    /// The latest verification of the latest pact's content, if any.
    pub latest_verification: Option<VerificationSummary>,
    /// What the verification state is decided from.
    pub facts: crate::domain::status::VerificationFacts,
}

impl IntegrationSummary {
    /// The integration's "last verified" state.
    #[must_use]
    pub fn state(&self) -> crate::domain::status::VerificationState {
        crate::domain::status::state(&self.facts)
    }
}

/// A verification as the dashboard shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerificationSummary {
    /// Its id (its result is at `…/verification-results/{id}`).
    pub id: i64,
    /// The provider version that verified.
    pub provider_version: VersionRef,
    /// Whether it passed.
    pub success: bool,
    /// When it was published.
    pub created_at: String,
    /// The build that verified, when given.
    pub build_url: Option<String>,
}

/// The versions of one pacticipant the environments page asks can-i-deploy about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LatestVersions {
    /// The pacticipant's id.
    pub pacticipant_id: i64,
    /// Its latest version, if it has any.
    pub latest: Option<VersionRef>,
    /// The latest version of its main branch, when it has a main branch with a version.
    pub main_branch: Option<VersionRef>,
}
