//! Reaching a Pact Broker from any command: the broker URL from `--broker-url`,
//! `PACT_BROKER_BASE_URL` or the `broker-url` setting, and the credentials from the flags
//! and variables the official CLIs read.

use crate::cli::{AuthArgs, BrokerConnArgs};
use crate::settings::LazyMetadata;
use crate::Failure;
use anyhow::anyhow;
use pact_runtime::broker::{Auth, BrokerClient, BrokerError};

/// A bearer token wins over basic auth, as in the official clients; a username without a
/// password sends an empty one.
fn credentials(
    username: Option<&String>,
    password: Option<&String>,
    token: Option<&String>,
) -> Option<Auth> {
    if let Some(token) = token {
        return Some(Auth::bearer(token.clone()));
    }
    username.map(|u| Auth::basic(u.clone(), password.cloned().unwrap_or_default()))
}

impl AuthArgs {
    /// The credentials given, bearer token first.
    pub fn auth(&self) -> Option<Auth> {
        credentials(
            self.username.as_ref(),
            self.password.as_ref(),
            self.token.as_ref(),
        )
    }
}

impl BrokerConnArgs {
    /// The credentials given, bearer token first.
    pub fn auth(&self) -> Option<Auth> {
        credentials(
            self.username.as_ref(),
            self.password.as_ref(),
            self.token.as_ref(),
        )
    }

    /// The broker URL: the flag (or `PACT_BROKER_BASE_URL`), else the `broker-url` setting.
    pub fn url(&self, meta: &mut LazyMetadata) -> Result<Option<String>, Failure> {
        match &self.broker_url {
            Some(url) => Ok(Some(url.clone())),
            None => meta
                .optional_string(&pact_settings::BROKER_URL)
                .map_err(Failure::input),
        }
    }

    /// A client for the broker, which must be named somewhere.
    pub fn client(&self, meta: &mut LazyMetadata) -> Result<BrokerClient, Failure> {
        let url = self.url(meta)?.ok_or_else(|| {
            Failure::input(anyhow!(
                "no Pact Broker: give --broker-url, set PACT_BROKER_BASE_URL, or set \
                 broker-url in [workspace.metadata.pact]"
            ))
        })?;
        BrokerClient::new(&url, self.auth()).map_err(|e| match e {
            BrokerError::TrustedRoots { .. } => Failure::input(anyhow!(e)),
            _ => Failure::input(anyhow!(e).context("invalid --broker-url")),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_wins_over_basic_auth() {
        let user = Some("ci".to_string());
        let pass = Some("pw".to_string());
        let token = Some("tok".to_string());
        assert_eq!(
            credentials(user.as_ref(), pass.as_ref(), token.as_ref()),
            Some(Auth::bearer("tok"))
        );
        assert_eq!(
            credentials(user.as_ref(), None, None),
            Some(Auth::basic("ci", ""))
        );
        assert_eq!(credentials(None, pass.as_ref(), None), None);
    }
}
