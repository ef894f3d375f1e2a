//! What can go wrong talking to a Pact Broker.

use std::time::Duration;

/// Why a broker call failed. Every variant names the URL it was about; none ever contains a
/// password or token (the client strips credentials from URLs and never echoes the
/// `Authorization` header).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BrokerError {
    /// The broker base URL (or a link) is not a usable `http`/`https` URL.
    #[error("invalid Pact Broker URL {url:?}: {reason}")]
    InvalidUrl {
        /// The URL, credentials removed.
        url: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The extra root certificates to trust (`SSL_CERT_FILE`) could not be read.
    #[error("could not read the certificates to trust in SSL_CERT_FILE={file:?}: {reason}")]
    TrustedRoots {
        /// The file `SSL_CERT_FILE` names.
        file: String,
        /// Why: unreadable, not PEM, or no certificate in it.
        reason: String,
    },
    /// The HTTP client could not be set up (TLS backend initialisation).
    #[error("could not set up the HTTP client for the Pact Broker")]
    Client(#[source] reqwest::Error),
    /// The broker could not be reached: connection refused, DNS, TLS, or the connection
    /// dropped mid-reply.
    #[error("could not connect to the Pact Broker: {method} {url} failed")]
    Connection {
        /// The HTTP method.
        method: String,
        /// The URL.
        url: String,
        /// The cause from the HTTP client.
        #[source]
        source: reqwest::Error,
    },
    /// The broker did not answer in time.
    #[error("the Pact Broker did not answer {method} {url} within {timeout:?}")]
    Timeout {
        /// The HTTP method.
        method: String,
        /// The URL.
        url: String,
        /// The configured timeout.
        timeout: Duration,
        /// The cause from the HTTP client.
        #[source]
        source: reqwest::Error,
    },
    /// HTTP 401 or 403.
    #[error("{} (HTTP {status} for {method} {url})", unauthorized_text(*credentials_sent, *status))]
    Unauthorized {
        /// The HTTP method.
        method: String,
        /// The URL.
        url: String,
        /// 401 or 403.
        status: u16,
        /// Whether the request carried credentials.
        credentials_sent: bool,
    },
    /// HTTP 404: the resource does not exist (for pacts for verification: the provider is
    /// unknown or has no pacts).
    #[error(
        "not found on the Pact Broker (HTTP 404 for {method} {url}){}",
        detail_suffix(message)
    )]
    NotFound {
        /// The HTTP method.
        method: String,
        /// The URL.
        url: String,
        /// The broker's explanation, if it gave one.
        message: Option<String>,
    },
    /// Any other non-2xx status (after retries, for the retried ones when `retries` is 0).
    #[error(
        "the Pact Broker answered HTTP {status} to {method} {url}{}",
        detail_suffix(message)
    )]
    Status {
        /// The HTTP method.
        method: String,
        /// The URL.
        url: String,
        /// The status code.
        status: u16,
        /// The broker's `errors` (or `notices`), or a short excerpt of the body.
        message: Option<String>,
    },
    /// A retried status (5xx, 408, 429) persisted through every attempt.
    #[error(
        "the Pact Broker answered HTTP {status} to {method} {url} {attempts} times; giving up{}",
        detail_suffix(message)
    )]
    RetriesExhausted {
        /// The HTTP method.
        method: String,
        /// The URL.
        url: String,
        /// The last status code.
        status: u16,
        /// How many requests were made.
        attempts: u32,
        /// The broker's explanation in the last answer, if any.
        message: Option<String>,
    },
    /// A 2xx answer that is not JSON, or JSON of an unexpected shape.
    #[error("did not get a valid HAL response from {method} {url}: {reason}")]
    InvalidResponse {
        /// The HTTP method.
        method: String,
        /// The URL.
        url: String,
        /// What was wrong.
        reason: String,
    },
    /// A HAL document lacks a link relation the flow needs.
    #[error("the Pact Broker document at {url} has no `{relation}` link")]
    MissingLink {
        /// The document's URL.
        url: String,
        /// The relation (or relations) looked for.
        relation: String,
    },
}

impl BrokerError {
    /// True for HTTP 404 (e.g. a provider the broker does not know or without pacts).
    pub fn is_not_found(&self) -> bool {
        matches!(self, BrokerError::NotFound { .. })
    }

    /// The HTTP status the broker answered with, when the error is about one.
    pub fn status(&self) -> Option<u16> {
        match self {
            BrokerError::Unauthorized { status, .. }
            | BrokerError::Status { status, .. }
            | BrokerError::RetriesExhausted { status, .. } => Some(*status),
            BrokerError::NotFound { .. } => Some(404),
            _ => None,
        }
    }
}

fn unauthorized_text(credentials_sent: bool, status: u16) -> &'static str {
    match (credentials_sent, status) {
        (true, 403) => "the Pact Broker refused the credentials: not allowed",
        (true, _) => "the Pact Broker refused the credentials",
        (false, _) => {
            "the Pact Broker needs credentials (a username and password, or a token) and none were given"
        }
    }
}

fn detail_suffix(message: &Option<String>) -> String {
    match message {
        Some(m) if !m.is_empty() => format!(": {m}"),
        _ => String::new(),
    }
}
