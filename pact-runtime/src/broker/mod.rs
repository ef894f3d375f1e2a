//! A Pact Broker client (feature `broker`): find the pacts a provider must verify, fetch
//! them, and publish verification results, following the broker's HAL links as the
//! official clients do.
//!
//! ```no_run
//! use pact_runtime::broker::{
//!     Auth, BrokerClient, PactsForVerificationRequest, TestResult, VerificationResult,
//! };
//! # async fn run() -> Result<(), pact_runtime::broker::BrokerError> {
//! let broker = BrokerClient::new("https://broker.example.com", Some(Auth::bearer("token")))?
//!     .with_retries(3);
//! let request = PactsForVerificationRequest {
//!     consumer_version_selectors: vec![serde_json::json!({"mainBranch": true})],
//!     provider_version_branch: Some("main".into()),
//!     include_pending_status: true,
//!     ..PactsForVerificationRequest::default()
//! };
//! for to_verify in broker.pacts_for_verification("Pricing Service", &request).await? {
//!     for notice in &to_verify.notices {
//!         println!("{notice}");
//!     }
//!     let pact = broker.fetch_pact(&to_verify.url).await?;
//!     // ... verify pact.pact_text() against the provider ...
//!     let result = VerificationResult {
//!         success: true,
//!         provider_version: "1.2.3".into(),
//!         provider_branch: Some("main".into()),
//!         test_results: vec![TestResult {
//!             description: "a request for prices".into(),
//!             success: true,
//!             ..TestResult::default()
//!         }],
//!         ..VerificationResult::default()
//!     };
//!     broker.publish_verification_result(&pact, &result).await?;
//! }
//! # Ok(())
//! # }
//! ```
//!
//! ## Conventions
//!
//! - Links are followed, not built: the index's `pb:provider-pacts-for-verification`, the
//!   pact's `pb:provider` and `pb:publish-verification-results`, the pacticipant's
//!   `pb:branch-version` and `pb:version-tag`. Templates (`{provider}`, …) are filled with
//!   URL-encoded values.
//! - Of an absolute href only the path and query are kept, resolved against the configured
//!   broker URL (its context path kept, and not doubled when the href already has it), as
//!   the Rust verifier does: a broker that advertises its internal host name still works.
//! - GETs send `Accept: application/hal+json, application/json`; POSTs and PUTs send JSON
//!   with `Content-Type: application/json`, PATCHes a JSON merge patch with
//!   `Content-Type: application/merge-patch+json` (what the broker's deployed- and
//!   released-version resources accept, and the Ruby client sends).
//! - HTTP 5xx, 408 and 429 are retried with exponential backoff from 0.5 s (a 429's
//!   `Retry-After` in seconds is honoured), 3 times by default.
//! - Credentials never appear in errors or `Debug` output; credentials written in the URL
//!   (`https://user:pass@host`) are taken out of it and used as basic auth.
//!
//! The calls are async and need a tokio runtime (with time and I/O enabled).

mod error;
mod hal;
mod trust;
mod types;

pub use error::BrokerError;
pub use hal::{HalDocument, Link};
pub use trust::SSL_CERT_FILE;
pub use types::{
    FetchedPact, PactForVerification, PactsForVerificationRequest, TestResult, VerificationNotice,
    VerificationResult,
};

use reqwest::header::{HeaderMap, ACCEPT, CONTENT_TYPE, RETRY_AFTER};
use reqwest::{Method, StatusCode, Url};
use serde_json::{json, Value};
use std::fmt;
use std::time::Duration;

/// How to authenticate to the broker. `Debug` never shows the password or token.
#[derive(Clone, PartialEq, Eq)]
pub enum Auth {
    /// HTTP basic auth (the open-source broker).
    Basic {
        /// The username.
        username: String,
        /// The password.
        password: String,
    },
    /// A bearer token (PactFlow).
    Bearer(String),
}

impl Auth {
    /// Basic auth with `username` and `password`.
    pub fn basic(username: impl Into<String>, password: impl Into<String>) -> Auth {
        Auth::Basic {
            username: username.into(),
            password: password.into(),
        }
    }

    /// A bearer token.
    pub fn bearer(token: impl Into<String>) -> Auth {
        Auth::Bearer(token.into())
    }

    fn secret(&self) -> &str {
        match self {
            Auth::Basic { password, .. } => password,
            Auth::Bearer(token) => token,
        }
    }
}

impl fmt::Debug for Auth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Auth::Basic { username, .. } => f
                .debug_struct("Basic")
                .field("username", username)
                .field("password", &"<redacted>")
                .finish(),
            Auth::Bearer(_) => f.debug_tuple("Bearer").field(&"<redacted>").finish(),
        }
    }
}

/// A client for one Pact Broker. Cheap to clone (the connection pool is shared).
#[derive(Clone)]
pub struct BrokerClient {
    /// Scheme, host, port and context path (no trailing slash); no credentials.
    base: Url,
    auth: Option<Auth>,
    http: reqwest::Client,
    timeout: Duration,
    retries: u32,
    backoff: Duration,
}

impl fmt::Debug for BrokerClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BrokerClient")
            .field("base_url", &self.base.as_str())
            .field("auth", &self.auth)
            .field("timeout", &self.timeout)
            .field("retries", &self.retries)
            .finish()
    }
}

const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
const DEFAULT_RETRIES: u32 = 3;
const DEFAULT_BACKOFF: Duration = Duration::from_millis(500);
/// Whether a request may be sent again after a failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Resend {
    /// A read or a repeatable write: again after a connection failure, a 5xx, 408 or 429.
    Idempotent,
    /// A write that must not happen twice: again only after a connection failure.
    UnlessSent,
}

/// The longest wait between two attempts, whatever `Retry-After` or the backoff say.
const MAX_DELAY: Duration = Duration::from_secs(60);
const HAL_ACCEPT: &str = "application/hal+json, application/json";
const JSON: &str = "application/json";
const MERGE_PATCH: &str = "application/merge-patch+json";

impl BrokerClient {
    /// A client for the broker at `base_url` (`http` or `https`, optionally with a context
    /// path such as `https://host/broker`). Credentials in the URL are used as basic auth
    /// when `auth` is `None`, and removed from it in any case.
    pub fn new(base_url: &str, auth: Option<Auth>) -> Result<BrokerClient, BrokerError> {
        let invalid = |reason: String| BrokerError::InvalidUrl {
            url: redact_userinfo(base_url),
            reason,
        };
        let mut base = Url::parse(base_url.trim()).map_err(|e| invalid(e.to_string()))?;
        if !matches!(base.scheme(), "http" | "https") {
            return Err(invalid(format!(
                "the scheme must be http or https, not {}",
                base.scheme()
            )));
        }
        if base.host_str().is_none_or(str::is_empty) {
            return Err(invalid("it has no host".into()));
        }
        let url_auth = (!base.username().is_empty()).then(|| {
            let decode = |s: &str| {
                percent_encoding::percent_decode_str(s)
                    .decode_utf8_lossy()
                    .into_owned()
            };
            Auth::basic(
                decode(base.username()),
                decode(base.password().unwrap_or("")),
            )
        });
        // Cannot fail for an http(s) URL with a host.
        let _ = base.set_username("");
        let _ = base.set_password(None);
        base.set_query(None);
        base.set_fragment(None);
        let context = base.path().trim_end_matches('/').to_string();
        base.set_path(&context);
        let mut http = reqwest::Client::builder()
            .user_agent(concat!("cargo-pact/", env!("CARGO_PKG_VERSION")));
        for root in trust::extra_roots()? {
            http = http.add_root_certificate(root);
        }
        let http = http.build().map_err(BrokerError::Client)?;
        Ok(BrokerClient {
            base,
            auth: auth.or(url_auth),
            http,
            timeout: DEFAULT_TIMEOUT,
            retries: DEFAULT_RETRIES,
            backoff: DEFAULT_BACKOFF,
        })
    }

    /// Retries a request answered with 5xx, 408 or 429 up to `n` times (so `n + 1`
    /// attempts), waiting 0.5 s, 1 s, 2 s, … in between, or what a 429's `Retry-After`
    /// says. 3 by default; 0 disables retries.
    pub fn with_retries(mut self, n: u32) -> Self {
        self.retries = n;
        self
    }

    /// The time limit of each request, connecting included. 30 s by default.
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The wait before the first retry (doubled for each further one). 0.5 s by default.
    pub fn with_initial_backoff(mut self, backoff: Duration) -> Self {
        self.backoff = backoff;
        self
    }

    /// The broker's base URL, without credentials.
    pub fn base_url(&self) -> &str {
        self.base.as_str()
    }

    /// Where `href` points on this broker: a relative href is taken from the broker's base
    /// URL (context path included); of an absolute one only the path and query are kept.
    ///
    /// ```
    /// # fn main() -> Result<(), pact_runtime::broker::BrokerError> {
    /// use pact_runtime::broker::BrokerClient;
    /// let broker = BrokerClient::new("http://127.0.0.1:9292/broker", None)?;
    /// assert_eq!(
    ///     broker.resolve("http://internal:80/broker/pacticipants/Web")?,
    ///     "http://127.0.0.1:9292/broker/pacticipants/Web"
    /// );
    /// assert_eq!(
    ///     broker.resolve("/matrix?q[][pacticipant]=Web&latestby=cvp")?,
    ///     "http://127.0.0.1:9292/broker/matrix?q[][pacticipant]=Web&latestby=cvp"
    /// );
    /// # Ok(())
    /// # }
    /// ```
    pub fn resolve(&self, href: &str) -> Result<String, BrokerError> {
        self.resolve_url(href).map(String::from)
    }

    fn resolve_url(&self, href: &str) -> Result<Url, BrokerError> {
        let invalid = |reason: String| BrokerError::InvalidUrl {
            url: redact_userinfo(href),
            reason,
        };
        // An absolute href stays what it is; a relative one is read as from the root.
        let parsed = Url::parse("http://relative.invalid/")
            .and_then(|root| root.join(href))
            .map_err(|e| invalid(e.to_string()))?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(invalid(format!(
                "a broker link must be http or https, not {}",
                parsed.scheme()
            )));
        }
        let (path, query) = (
            parsed.path().to_string(),
            parsed.query().map(str::to_string),
        );
        let context = self.base.path().trim_end_matches('/');
        let in_context = context.is_empty()
            || path == context
            || path
                .strip_prefix(context)
                .is_some_and(|rest| rest.starts_with('/'));
        let mut url = self.base.clone();
        if in_context {
            url.set_path(&path);
        } else {
            url.set_path(&format!("{context}{path}"));
        }
        url.set_query(query.as_deref());
        Ok(url)
    }

    /// GETs `href` (resolved with [`BrokerClient::resolve`]).
    pub async fn get(&self, href: &str) -> Result<HalDocument, BrokerError> {
        self.send(
            Method::GET,
            self.resolve_url(href)?,
            None,
            Resend::Idempotent,
        )
        .await
    }

    /// POSTs `body` as JSON to `href`, a request that may be repeated (a query such as
    /// pacts-for-verification): sent again after a 5xx, 408 or 429, as a GET is.
    pub async fn post(&self, href: &str, body: &Value) -> Result<HalDocument, BrokerError> {
        self.send(
            Method::POST,
            self.resolve_url(href)?,
            Some(body),
            Resend::Idempotent,
        )
        .await
    }

    /// POSTs `body` as JSON to `href`, a write that must not happen twice (a verification
    /// result): sent again only when it certainly did not reach the broker (the connection
    /// failed), never after an answer, a 5xx included.
    pub async fn post_once(&self, href: &str, body: &Value) -> Result<HalDocument, BrokerError> {
        self.send(
            Method::POST,
            self.resolve_url(href)?,
            Some(body),
            Resend::UnlessSent,
        )
        .await
    }

    /// PUTs `body` as JSON to `href`.
    pub async fn put(&self, href: &str, body: &Value) -> Result<HalDocument, BrokerError> {
        self.send(
            Method::PUT,
            self.resolve_url(href)?,
            Some(body),
            Resend::Idempotent,
        )
        .await
    }

    /// PATCHes `body` to `href` as a JSON merge patch (RFC 7386, `Content-Type:
    /// application/merge-patch+json`), e.g. `{"currentlyDeployed": false}` to a deployed
    /// version to record its undeployment. Applying a merge patch twice gives what applying
    /// it once does, so it is retried as a GET is.
    pub async fn patch(&self, href: &str, body: &Value) -> Result<HalDocument, BrokerError> {
        self.send_as(
            Method::PATCH,
            self.resolve_url(href)?,
            Some((body, MERGE_PATCH)),
            Resend::Idempotent,
        )
        .await
    }

    /// The broker's index (`GET /`), whose links lead everywhere else.
    pub async fn index(&self) -> Result<HalDocument, BrokerError> {
        self.get("/").await
    }

    /// The pacts `provider` must verify.
    ///
    /// Follows the index's `pb:provider-pacts-for-verification` link (or its `beta:`
    /// alias) for `provider`, GETs it, and POSTs `request` to the `_links.self.href` of
    /// the answer. A broker without that relation gets the older flow instead: the pacts
    /// listed by `pb:latest-provider-pacts` (selectors, pending and WIP do not apply
    /// there). An unknown provider gives [`BrokerError::NotFound`].
    pub async fn pacts_for_verification(
        &self,
        provider: &str,
        request: &PactsForVerificationRequest,
    ) -> Result<Vec<PactForVerification>, BrokerError> {
        let index = self.index().await?;
        let values = [("provider", provider)];
        let link = index
            .link("pb:provider-pacts-for-verification")
            .or_else(|| index.link("beta:provider-pacts-for-verification"));
        let Some(link) = link else {
            return match index.link("pb:latest-provider-pacts") {
                Some(latest) => self.latest_provider_pacts(&latest.expand(&values)).await,
                None => Err(BrokerError::MissingLink {
                    url: index.url().to_string(),
                    relation: "pb:provider-pacts-for-verification".into(),
                }),
            };
        };
        let navigation = self.get(&link.expand(&values)).await?;
        let target = match navigation.link("self") {
            Some(own) => own.expand(&values),
            None => navigation.url().to_string(),
        };
        let body = serde_json::to_value(request).expect("the request serialises to JSON");
        let answer = self.post(&target, &body).await?;
        self.parse_pacts_for_verification(&answer)
    }

    fn parse_pacts_for_verification(
        &self,
        answer: &HalDocument,
    ) -> Result<Vec<PactForVerification>, BrokerError> {
        let invalid = |reason: String| BrokerError::InvalidResponse {
            method: "POST".into(),
            url: answer.url().to_string(),
            reason,
        };
        let pacts = answer
            .json()
            .pointer("/_embedded/pacts")
            .and_then(Value::as_array)
            .ok_or_else(|| invalid("it has no `_embedded.pacts` list".into()))?;
        let mut out = Vec::with_capacity(pacts.len());
        for (i, entry) in pacts.iter().enumerate() {
            let entry_doc = HalDocument::new(answer.url(), entry.clone());
            let own = entry_doc
                .link("self")
                .ok_or_else(|| invalid(format!("pact {i} has no `_links.self.href`")))?;
            let properties = entry.get("verificationProperties");
            let flag = |key: &str| {
                properties
                    .and_then(|p| p.get(key))
                    .and_then(Value::as_bool)
                    .unwrap_or(false)
            };
            let all_notices: Vec<VerificationNotice> = properties
                .and_then(|p| p.get("notices"))
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(|n| {
                    Some(VerificationNotice {
                        when: n.get("when").and_then(Value::as_str).unwrap_or("").into(),
                        text: n.get("text").and_then(Value::as_str)?.into(),
                    })
                })
                .collect();
            out.push(PactForVerification {
                url: self.resolve(&own.href)?,
                name: own.name,
                short_description: entry
                    .get("shortDescription")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string(),
                pending: flag("pending"),
                wip: flag("wip"),
                notices: all_notices
                    .iter()
                    .filter(|n| n.when == "before_verification")
                    .map(|n| n.text.clone())
                    .collect(),
                all_notices,
            });
        }
        Ok(out)
    }

    async fn latest_provider_pacts(
        &self,
        href: &str,
    ) -> Result<Vec<PactForVerification>, BrokerError> {
        let list = self.get(href).await?;
        let mut links = list.links("pacts");
        if links.is_empty() {
            links = list.links("pb:pacts");
        }
        links
            .into_iter()
            .map(|link| {
                Ok(PactForVerification {
                    url: self.resolve(&link.href)?,
                    short_description: "latest".into(),
                    name: link.name.or(link.title),
                    pending: false,
                    wip: false,
                    notices: Vec::new(),
                    all_notices: Vec::new(),
                })
            })
            .collect()
    }

    /// GETs the pact at `url`: the pact JSON with the broker's `_links` at the top level.
    pub async fn fetch_pact(&self, url: &str) -> Result<FetchedPact, BrokerError> {
        let doc = self.get(url).await?;
        if !doc.json().is_object() {
            return Err(BrokerError::InvalidResponse {
                method: "GET".into(),
                url: doc.url().to_string(),
                reason: "the pact is not a JSON object".into(),
            });
        }
        let link_url = |relation: &str| {
            doc.link(relation)
                .map(|l| self.resolve(&l.href))
                .transpose()
        };
        Ok(FetchedPact {
            publish_url: link_url("pb:publish-verification-results")?,
            provider_url: link_url("pb:provider")?,
            url: doc.url().to_string(),
            json: doc.into_json(),
        })
    }

    /// Publishes the result of verifying `pact`.
    ///
    /// With a provider branch or tags, first GETs the pact's `pb:provider` pacticipant and
    /// PUTs `{}` to its `pb:branch-version` (filled with branch and version) and to its
    /// `pb:version-tag` for each tag; then POSTs [`VerificationResult::to_json`] to the
    /// pact's `pb:publish-verification-results`.
    pub async fn publish_verification_result(
        &self,
        pact: &FetchedPact,
        result: &VerificationResult,
    ) -> Result<(), BrokerError> {
        let missing = |relation: &str| BrokerError::MissingLink {
            url: pact.url.clone(),
            relation: relation.into(),
        };
        let publish_url = pact
            .publish_url
            .as_deref()
            .ok_or_else(|| missing("pb:publish-verification-results"))?;
        if result.provider_branch.is_some() || !result.provider_tags.is_empty() {
            let provider_url = pact
                .provider_url
                .as_deref()
                .ok_or_else(|| missing("pb:provider"))?;
            let provider = self.get(provider_url).await?;
            let version = result.provider_version.as_str();
            if let Some(branch) = &result.provider_branch {
                let link = provider.require_link("pb:branch-version")?;
                let href = link.expand(&[("branch", branch), ("version", version)]);
                self.put(&href, &json!({})).await?;
            }
            for tag in &result.provider_tags {
                let link = provider.require_link("pb:version-tag")?;
                let href = link.expand(&[("version", version), ("tag", tag)]);
                self.put(&href, &json!({})).await?;
            }
        }
        self.post_once(publish_url, &result.to_json()).await?;
        Ok(())
    }

    /// Sends `body`, if any, as `application/json`.
    async fn send(
        &self,
        method: Method,
        url: Url,
        body: Option<&Value>,
        resend: Resend,
    ) -> Result<HalDocument, BrokerError> {
        self.send_as(method, url, body.map(|b| (b, JSON)), resend)
            .await
    }

    /// Sends `body`, if any, with its content type.
    async fn send_as(
        &self,
        method: Method,
        url: Url,
        body: Option<(&Value, &'static str)>,
        resend: Resend,
    ) -> Result<HalDocument, BrokerError> {
        let url_text = url.to_string();
        let body = body.map(|(b, content_type)| {
            (
                serde_json::to_vec(b).expect("JSON values serialise"),
                content_type,
            )
        });
        let mut attempt: u32 = 0;
        loop {
            attempt += 1;
            let mut request = self
                .http
                .request(method.clone(), url.clone())
                .timeout(self.timeout)
                .header(ACCEPT, HAL_ACCEPT);
            if let Some((body, content_type)) = &body {
                request = request
                    .header(CONTENT_TYPE, *content_type)
                    .body(body.clone());
            }
            request = match &self.auth {
                Some(Auth::Basic { username, password }) => {
                    request.basic_auth(username, Some(password))
                }
                Some(Auth::Bearer(token)) => request.bearer_auth(token),
                None => request,
            };
            let backoff = self
                .backoff
                .saturating_mul(2u32.saturating_pow(attempt - 1))
                .min(MAX_DELAY);
            let response = match request.send().await {
                Ok(response) => response,
                // Nothing reached the broker: safe to send again, whatever the request.
                Err(e) if e.is_connect() && attempt <= self.retries => {
                    tracing::info!("broker: {method} {url_text} could not connect; retrying");
                    tokio::time::sleep(backoff).await;
                    continue;
                }
                Err(e) => return Err(self.transport_error(&method, &url_text, e)),
            };
            let status = response.status();
            // The URL has no credentials (the client took them out); bodies are not
            // logged, as a webhook's may hold some.
            tracing::info!(
                "broker: {method} {url_text} -> {}{}",
                status.as_u16(),
                if attempt > 1 {
                    format!(" (attempt {attempt})")
                } else {
                    String::new()
                }
            );
            let retryable = resend == Resend::Idempotent
                && (status.is_server_error()
                    || status == StatusCode::REQUEST_TIMEOUT
                    || status == StatusCode::TOO_MANY_REQUESTS);
            if retryable && attempt <= self.retries {
                let delay = if status == StatusCode::TOO_MANY_REQUESTS {
                    retry_after(response.headers()).unwrap_or(backoff)
                } else {
                    backoff
                };
                drop(response);
                tokio::time::sleep(delay).await;
                continue;
            }
            let content_type = response
                .headers()
                .get(CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .map(str::to_ascii_lowercase);
            let bytes = response
                .bytes()
                .await
                .map_err(|e| self.transport_error(&method, &url_text, e))?;
            if status.is_success() {
                return self.parse_success(&method, url_text, status, content_type, &bytes);
            }
            let message =
                hal::error_message(&String::from_utf8_lossy(&bytes)).map(|m| self.redact(m));
            let method = method.to_string();
            let url = url_text;
            return Err(match status.as_u16() {
                status @ (401 | 403) => BrokerError::Unauthorized {
                    method,
                    url,
                    status,
                    credentials_sent: self.auth.is_some(),
                },
                404 => BrokerError::NotFound {
                    method,
                    url,
                    message,
                },
                status if retryable && attempt > 1 => BrokerError::RetriesExhausted {
                    method,
                    url,
                    status,
                    attempts: attempt,
                    message,
                },
                status => BrokerError::Status {
                    method,
                    url,
                    status,
                    message,
                },
            });
        }
    }

    fn parse_success(
        &self,
        method: &Method,
        url: String,
        status: StatusCode,
        content_type: Option<String>,
        bytes: &[u8],
    ) -> Result<HalDocument, BrokerError> {
        let invalid = |url: String, reason: String| BrokerError::InvalidResponse {
            method: method.to_string(),
            url,
            reason,
        };
        if bytes.iter().all(u8::is_ascii_whitespace)
            && (status == StatusCode::NO_CONTENT || *method != Method::GET)
        {
            return Ok(HalDocument::new(url, Value::Null));
        }
        // JSON under another content type is accepted: pact files served as plain text
        // (a repository's raw file view) are pacts all the same.
        match serde_json::from_slice(bytes) {
            Ok(json) => Ok(HalDocument::new(url, json)),
            Err(e) => Err(invalid(
                url,
                match content_type.filter(|k| !k.contains("json")) {
                    Some(kind) => format!("expected a JSON body, got content type {kind}"),
                    None => format!("the body is not JSON ({e})"),
                },
            )),
        }
    }

    fn transport_error(&self, method: &Method, url: &str, source: reqwest::Error) -> BrokerError {
        let (method, url) = (method.to_string(), url.to_string());
        if source.is_timeout() {
            BrokerError::Timeout {
                method,
                url,
                timeout: self.timeout,
                source: source.without_url(),
            }
        } else {
            BrokerError::Connection {
                method,
                url,
                source: source.without_url(),
            }
        }
    }

    /// `text` with the password or token, should the broker echo it, masked.
    fn redact(&self, text: String) -> String {
        match &self.auth {
            Some(auth) if auth.secret().len() >= 3 => text.replace(auth.secret(), "<redacted>"),
            _ => text,
        }
    }
}

/// The delay a `Retry-After: <seconds>` header asks for (dates are not understood and fall
/// back to the backoff), at most [`MAX_DELAY`].
fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let seconds: u64 = headers
        .get(RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()?;
    Some(Duration::from_secs(seconds).min(MAX_DELAY))
}

/// `text` with anything between `://` and an `@` masked, for errors about URLs that may
/// carry credentials.
fn redact_userinfo(text: &str) -> String {
    if let Some(start) = text.find("://") {
        let rest = &text[start + 3..];
        let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
        if let Some(at) = rest[..authority_end].rfind('@') {
            return format!("{}://***@{}", &text[..start], &rest[at + 1..]);
        }
    }
    text.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_hides_secrets() {
        let basic = Auth::basic("user", "hunter2-password");
        let bearer = Auth::bearer("tok-secret-123");
        let shown = format!("{basic:?} {bearer:?}");
        assert!(shown.contains("user"), "{shown}");
        assert!(
            !shown.contains("hunter2") && !shown.contains("tok-secret"),
            "{shown}"
        );
        let client = BrokerClient::new("http://u:pw-in-url@localhost:9292/", None).unwrap();
        let shown = format!("{client:?}");
        assert!(!shown.contains("pw-in-url"), "{shown}");
        assert_eq!(client.base_url(), "http://localhost:9292/");
        assert_eq!(client.auth, Some(Auth::basic("u", "pw-in-url")));
    }

    #[test]
    fn invalid_base_urls_are_refused_without_echoing_credentials() {
        let e = BrokerClient::new("ftp://u:secret@host/", None).unwrap_err();
        assert!(matches!(e, BrokerError::InvalidUrl { .. }));
        assert!(!e.to_string().contains("secret"), "{e}");
        assert!(BrokerClient::new("not a url", None).is_err());
        assert!(BrokerClient::new("http://:secret@/x", None).is_err());
    }

    #[test]
    fn hrefs_keep_path_and_query_and_the_context_path() {
        let root = BrokerClient::new("http://127.0.0.1:1234", None).unwrap();
        assert_eq!(
            root.resolve("http://localhost:9876/pacts/provider/p/consumer/c_1")
                .unwrap(),
            "http://127.0.0.1:1234/pacts/provider/p/consumer/c_1"
        );
        assert_eq!(root.resolve("/").unwrap(), "http://127.0.0.1:1234/");
        let ctx = BrokerClient::new("https://host/broker/", None).unwrap();
        assert_eq!(ctx.resolve("/").unwrap(), "https://host/broker/");
        assert_eq!(
            ctx.resolve("http://other/pacticipants/A%20B").unwrap(),
            "https://host/broker/pacticipants/A%20B"
        );
        assert_eq!(
            ctx.resolve("http://other/broker/pacticipants/A").unwrap(),
            "https://host/broker/pacticipants/A"
        );
        assert_eq!(
            ctx.resolve("http://other/brokerage/x").unwrap(),
            "https://host/broker/brokerage/x"
        );
        assert_eq!(
            ctx.resolve("pacticipants?x=1#frag").unwrap(),
            "https://host/broker/pacticipants?x=1"
        );
        assert!(ctx.resolve("mailto:a@b").is_err());
    }

    #[test]
    fn retry_after_is_read_in_seconds() {
        let mut headers = HeaderMap::new();
        headers.insert(RETRY_AFTER, "2".parse().unwrap());
        assert_eq!(retry_after(&headers), Some(Duration::from_secs(2)));
        headers.insert(RETRY_AFTER, "9999".parse().unwrap());
        assert_eq!(retry_after(&headers), Some(MAX_DELAY));
        headers.insert(
            RETRY_AFTER,
            "Wed, 21 Oct 2015 07:28:00 GMT".parse().unwrap(),
        );
        assert_eq!(retry_after(&headers), None);
    }
}
