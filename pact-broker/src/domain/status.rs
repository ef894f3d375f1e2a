//! The "last verified" state of an integration: what the dashboard's index, the network
//! graph's edges and the badges show, decided once here.

/// Where an integration's latest pact stands with its provider.
///
/// ```
/// use pact_broker::domain::status::{state, VerificationState, VerificationFacts};
/// let facts = VerificationFacts {
///     latest_content: Some(false),
///     content_ever_succeeded: false,
///     earlier_content_succeeded: true,
/// };
/// assert_eq!(state(&facts), VerificationState::FailedPending);
/// assert_eq!(state(&facts).label(), "failed (pending)");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum VerificationState {
    /// The latest verification of the latest pact's content failed, and that content was
    /// verified successfully before: the provider broke a contract it honoured.
    Failed,
    /// The latest verification of the latest pact's content failed, and that content was
    /// never verified successfully: the pact is pending, so the failure breaks no build.
    FailedPending,
    /// The latest pact's content was never verified, but an earlier content of the
    /// integration was verified successfully: the pact changed since.
    Changed,
    /// No content of the integration was ever verified successfully, and the latest one
    /// was not verified at all.
    Unverified,
    /// The latest verification of the latest pact's content succeeded.
    Verified,
}

/// What [`state`] decides from, read from the verifications of one integration.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct VerificationFacts {
    /// Whether the latest verification of the latest pact's content succeeded; `None` when
    /// that content was never verified.
    pub latest_content: Option<bool>,
    /// Whether the latest pact's content was ever verified successfully.
    pub content_ever_succeeded: bool,
    /// Whether an earlier content of the integration was verified successfully.
    pub earlier_content_succeeded: bool,
}

/// The state of an integration, from its facts.
#[must_use]
pub fn state(facts: &VerificationFacts) -> VerificationState {
    match facts.latest_content {
        Some(true) => VerificationState::Verified,
        Some(false) if facts.content_ever_succeeded => VerificationState::Failed,
        Some(false) => VerificationState::FailedPending,
        None if facts.earlier_content_succeeded => VerificationState::Changed,
        None => VerificationState::Unverified,
    }
}

impl VerificationState {
    /// The word shown beside the colour, so the state never relies on colour alone.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            VerificationState::Verified => "verified",
            VerificationState::Failed => "failed",
            VerificationState::FailedPending => "failed (pending)",
            VerificationState::Changed => "changed",
            VerificationState::Unverified => "never verified",
        }
    }

    /// The state's name as a CSS class and in query strings: `verified`, `failed`,
    /// `pending`, `changed` or `unverified`.
    #[must_use]
    pub fn slug(self) -> &'static str {
        match self {
            VerificationState::Verified => "verified",
            VerificationState::Failed => "failed",
            VerificationState::FailedPending => "pending",
            VerificationState::Changed => "changed",
            VerificationState::Unverified => "unverified",
        }
    }

    /// The badge text of the OSS broker: `verified`, `failed`, `changed` or `unknown`.
    #[must_use]
    pub fn badge_text(self) -> &'static str {
        match self {
            VerificationState::Verified => "verified",
            VerificationState::Failed | VerificationState::FailedPending => "failed",
            VerificationState::Changed => "changed",
            VerificationState::Unverified => "unknown",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(latest: Option<bool>, ever: bool, earlier: bool) -> VerificationFacts {
        VerificationFacts {
            latest_content: latest,
            content_ever_succeeded: ever,
            earlier_content_succeeded: earlier,
        }
    }

    #[test]
    fn the_latest_verification_of_the_latest_content_decides() {
        use VerificationState::*;
        assert_eq!(state(&facts(Some(true), true, false)), Verified);
        assert_eq!(state(&facts(Some(false), true, true)), Failed);
        assert_eq!(state(&facts(Some(false), false, true)), FailedPending);
        assert_eq!(state(&facts(None, false, true)), Changed);
        assert_eq!(state(&facts(None, false, false)), Unverified);
    }

    #[test]
    fn every_failure_is_a_failed_badge() {
        assert_eq!(VerificationState::FailedPending.badge_text(), "failed");
        assert_eq!(VerificationState::Unverified.badge_text(), "unknown");
    }
}
