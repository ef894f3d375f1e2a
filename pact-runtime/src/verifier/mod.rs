//! The verifier: replays each interaction of the pacts against the real provider and
//! checks the responses with pact-core.
//!
//! Per interaction, in pact order: the provider states are set up (through a state URL or
//! a [`ProviderStates`] handler in process), the request is sent with provider-mode
//! generators applied (`ProviderState` values from what the setup returned), the response
//! is matched, and the states are torn down. An interaction without provider states gets a
//! setup and a teardown of the empty state `""`, so the provider can reset. Interactions run
//! one at a time, because state setups mutate the provider.
//!
//! ```no_run
//! use pact_runtime::verifier::{PactSource, Verifier};
//! # async fn run() -> Result<(), pact_runtime::verifier::VerifierError> {
//! let report = Verifier::new("Provider", "http://127.0.0.1:3001")
//!     .source(PactSource::Dir("pacts".into()))
//!     .state_change_url("http://127.0.0.1:3001/api/_pact/state")
//!     .verify()
//!     .await?;
//! print!("{}", report.render(false));
//! assert!(report.success());
//! # Ok(())
//! # }
//! ```

mod report;
mod source;

pub use report::{InteractionResult, NotVerified, Outcome, PactResult, VerificationReport};
pub use source::{load_pacts, redact_url, BrokerSource, PactSource};

use crate::broker::{BrokerError, TestResult, VerificationResult};
use crate::provider_states::{self, ProviderStates, StateAction, StateChange, StateError};
use pact_core::generators::{GeneratorContext, GeneratorMode};
use pact_core::matching::match_response;
use pact_core::model::{Body, HttpInteraction, Interaction, MultiMap, Request, Response};
use regex::Regex;
use serde_json::{Map, Value};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Why a verification could not run at all (as opposed to interactions that failed, which
/// are in the [`VerificationReport`]).
#[derive(Debug, thiserror::Error)]
pub enum VerifierError {
    /// A pact could not be read or parsed; the message names the file or URL and where.
    #[error("could not load the pact {source_name}")]
    Pact {
        /// The file or URL.
        source_name: String,
        /// The cause.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// The broker refused or failed.
    #[error(transparent)]
    Broker(#[from] BrokerError),
    /// A broker source was given without a provider name to ask for.
    #[error("a Pact Broker source needs the provider's name")]
    NoProvider,
    /// No provider name was given and the pacts name several providers.
    #[error("the pacts are for several providers ({}): name the one to verify", .0.join(", "))]
    SeveralProviders(Vec<String>),
    /// No pact was found in the sources (for the provider, when one was named).
    #[error("no pacts found{} in the given sources", .0.as_ref().map(|p| format!(" for provider \"{p}\"")).unwrap_or_default())]
    NoPacts(Option<String>),
    /// The HTTP client could not be built.
    #[error("could not create the HTTP client")]
    Client(#[source] reqwest::Error),
    /// A filter is not a valid regex.
    #[error("the {what} filter {regex:?} is not a valid regex: {reason}")]
    InvalidFilter {
        /// Which: `description`, `state`.
        what: &'static str,
        /// The regex.
        regex: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A pact location is neither an HTTP(S) URL, a `file:` URL nor a path.
    #[error("{location}: {reason}")]
    Location {
        /// The location, without credentials.
        location: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A URL the verifier was given is not an `http`/`https` URL.
    #[error("the {what} {url:?} is not a valid http(s) URL: {reason}")]
    InvalidUrl {
        /// Which: `provider base URL`, `state change URL`, `pact URL`, `Pact Broker URL`.
        what: &'static str,
        /// The URL, without credentials.
        url: String,
        /// What is wrong with it.
        reason: String,
    },
}

/// Which interactions to verify. The regexes are checked by [`Verifier::check`].
#[derive(Debug, Clone, Default)]
pub struct Filters {
    /// Only interactions whose description matches this regex.
    pub description: Option<String>,
    /// Only interactions with a state that matches this regex; an empty one selects the
    /// interactions without a state, as in the reference verifier.
    pub state: Option<String>,
    /// Only interactions without a provider state.
    pub no_state: bool,
    /// Only pacts of these consumers (all when empty).
    pub consumers: Vec<String>,
}

/// [`Filters`] with their regexes compiled.
#[derive(Debug, Clone, Default)]
struct CompiledFilters {
    description: Option<Regex>,
    state: Option<Regex>,
    no_state: bool,
}

impl CompiledFilters {
    fn accepts(&self, interaction: &HttpInteraction) -> bool {
        let info = &interaction.info;
        if self.no_state && !info.provider_states.is_empty() {
            return false;
        }
        if let Some(re) = &self.description {
            if !re.is_match(&info.description) {
                return false;
            }
        }
        match &self.state {
            Some(re) if re.as_str().is_empty() => info.provider_states.is_empty(),
            Some(re) => info.provider_states.iter().any(|s| re.is_match(&s.name)),
            None => true,
        }
    }
}

impl Filters {
    fn compile(&self) -> Result<CompiledFilters, VerifierError> {
        let regex = |what: &'static str, re: &Option<String>| {
            re.as_deref()
                .map(|text| {
                    Regex::new(text).map_err(|e| VerifierError::InvalidFilter {
                        what,
                        regex: text.to_string(),
                        reason: e.to_string(),
                    })
                })
                .transpose()
        };
        Ok(CompiledFilters {
            description: regex("description", &self.description)?,
            state: regex("state", &self.state)?,
            no_state: self.no_state,
        })
    }

    /// True when some interactions may be left out, so a run proves less than the pact.
    fn is_partial(&self) -> bool {
        self.no_state || self.description.is_some() || self.state.is_some()
    }

    /// The filters that leave interactions out, for messages: `description /x/, no state`.
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        if !self.consumers.is_empty() {
            parts.push(format!("consumer {}", self.consumers.join(" or ")));
        }
        if let Some(re) = &self.description {
            parts.push(format!("description /{}/", re.as_str()));
        }
        match &self.state {
            Some(re) if re.as_str().is_empty() => {
                parts.push("no state (empty state filter)".into())
            }
            Some(re) => parts.push(format!("state /{}/", re.as_str())),
            None => {}
        }
        if self.no_state {
            parts.push("no state".into());
        }
        parts.join(", ")
    }
}

/// Where verification results go.
#[derive(Debug, Clone, Default)]
pub struct PublishOptions {
    /// The provider's version (required by the broker).
    pub provider_version: String,
    /// The provider's branch.
    pub provider_branch: Option<String>,
    /// Tags for the provider version.
    pub provider_tags: Vec<String>,
    /// The CI build that verified.
    pub build_url: Option<String>,
}

/// A state change handler in process, boxed so the verifier can hold any implementation.
type DynStates = dyn Fn(StateChange) -> Pin<Box<dyn Future<Output = Result<Map<String, Value>, StateError>> + Send>>
    + Send
    + Sync;

/// A hook that may change each request before it is sent (to add an auth token, say).
pub type RequestFilter = Arc<dyn Fn(&mut Request) + Send + Sync>;

enum States {
    None,
    Url { url: String, as_query: bool },
    InProcess(Arc<DynStates>),
}

/// A verification to run: the provider, the pact sources and the options.
pub struct Verifier {
    /// None: the provider the pacts name.
    provider: Option<String>,
    base_url: String,
    sources: Vec<PactSource>,
    filters: Filters,
    states: States,
    timeout: Duration,
    headers: Vec<(String, String)>,
    request_filter: Option<RequestFilter>,
    publish: Option<PublishOptions>,
}

impl std::fmt::Debug for Verifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Verifier")
            .field("provider", &self.provider)
            .field("base_url", &self.base_url)
            .field("sources", &self.sources)
            .finish_non_exhaustive()
    }
}

impl Verifier {
    /// Verifies `provider`, which answers at `base_url` (`http://127.0.0.1:3001`, or with a
    /// path prefix).
    pub fn new(provider: impl Into<String>, base_url: impl Into<String>) -> Verifier {
        let mut verifier = Verifier::for_provider_of_pacts(base_url);
        verifier.provider = Some(provider.into());
        verifier
    }

    /// Verifies the provider that the pacts name, as the reference verifier does for files
    /// and URLs: they must all name the same one ([`VerifierError::SeveralProviders`]
    /// otherwise), and a broker source, which needs a name to ask for, is refused
    /// ([`VerifierError::NoProvider`]).
    ///
    /// ```
    /// use pact_runtime::verifier::{PactSource, Verifier, VerifierError};
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let pact = |p: &str| PactSource::Json {
    ///     name: p.into(),
    ///     text: format!(r#"{{"consumer":{{"name":"C"}},"provider":{{"name":"{p}"}},"interactions":[]}}"#),
    /// };
    /// let report = Verifier::for_provider_of_pacts("http://127.0.0.1:1")
    ///     .source(pact("P"))
    ///     .verify()
    ///     .await
    ///     .unwrap();
    /// assert_eq!(report.provider, "P");
    /// let two = Verifier::for_provider_of_pacts("http://127.0.0.1:1").source(pact("P")).source(pact("Q"));
    /// assert!(matches!(two.verify().await, Err(VerifierError::SeveralProviders(names)) if names == ["P", "Q"]));
    /// # });
    /// ```
    pub fn for_provider_of_pacts(base_url: impl Into<String>) -> Verifier {
        Verifier {
            provider: None,
            base_url: base_url.into().trim_end_matches('/').to_string(),
            sources: Vec::new(),
            filters: Filters::default(),
            states: States::None,
            timeout: Duration::from_secs(5),
            headers: Vec::new(),
            request_filter: None,
            publish: None,
        }
    }

    /// Adds a pact source.
    pub fn source(mut self, source: PactSource) -> Self {
        self.sources.push(source);
        self
    }

    /// Keeps only the interactions that pass `filters`.
    pub fn filters(mut self, filters: Filters) -> Self {
        self.filters = filters;
        self
    }

    /// Provider states are changed by posting to `url`.
    pub fn state_change_url(mut self, url: impl Into<String>) -> Self {
        self.states = States::Url {
            url: url.into(),
            as_query: false,
        };
        self
    }

    /// Provider states are changed by posting to `url` with the change as query parameters.
    pub fn state_change_url_as_query(mut self, url: impl Into<String>) -> Self {
        self.states = States::Url {
            url: url.into(),
            as_query: true,
        };
        self
    }

    /// Provider states are changed by calling `states` in this process.
    pub fn state_handler<S: ProviderStates>(mut self, states: Arc<S>) -> Self {
        self.states = States::InProcess(Arc::new(move |change: StateChange| {
            let states = states.clone();
            Box::pin(async move { provider_states::apply(&*states, &change).await })
        }));
        self
    }

    /// How long to wait for each request (state changes included); 5 s by default.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Adds a header to every request (replacing the pact's value of that header).
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Lets `filter` change each request before it is sent.
    pub fn request_filter(mut self, filter: impl Fn(&mut Request) + Send + Sync + 'static) -> Self {
        self.request_filter = Some(Arc::new(filter));
        self
    }

    /// Publishes one verification result per broker pact.
    pub fn publish(mut self, options: PublishOptions) -> Self {
        self.publish = Some(options);
        self
    }

    /// Checks what can be checked before any request: the provider's and the state change
    /// URLs (a pact source is checked when it is read). [`Verifier::verify`] does this first.
    ///
    /// ```
    /// use pact_runtime::verifier::{Verifier, VerifierError};
    /// let bad = Verifier::new("P", "http://127.0.0.1:1").state_change_url("localhost:1/state");
    /// assert!(matches!(bad.check(), Err(VerifierError::InvalidUrl { what: "state change URL", .. })));
    /// assert!(Verifier::new("P", "http://127.0.0.1:1").check().is_ok());
    /// ```
    pub fn check(&self) -> Result<(), VerifierError> {
        self.filters.compile()?;
        check_http_url("provider base URL", &self.base_url)?;
        if let States::Url { url, .. } = &self.states {
            check_http_url("state change URL", url)?;
        }
        for source in &self.sources {
            match source {
                PactSource::Url { url, .. } => check_http_url("pact URL", url)?,
                PactSource::Broker(broker) => check_http_url("Pact Broker URL", &broker.url)?,
                _ => {}
            }
        }
        Ok(())
    }

    /// Runs the verification.
    pub async fn verify(&self) -> Result<VerificationReport, VerifierError> {
        self.check()?;
        let filters = self.filters.compile()?;
        // A redirect is a response to check, not to follow.
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(self.timeout)
            .build()
            .map_err(VerifierError::Client)?;
        let mut pacts = Vec::new();
        for s in &self.sources {
            pacts.extend(source::load(s, self.provider.as_deref()).await?);
        }
        if pacts.is_empty() {
            return Err(VerifierError::NoPacts(self.provider.clone()));
        }
        let provider = match &self.provider {
            Some(name) => name.clone(),
            None => provider_of(&pacts)?,
        };
        let mut report = VerificationReport {
            provider,
            pacts: Vec::new(),
            warnings: Vec::new(),
            not_verified: NotVerified {
                filters: self.filters.describe(),
                ..NotVerified::default()
            },
        };
        for loaded in pacts {
            if !self.filters.consumers.is_empty()
                && !self.filters.consumers.contains(&loaded.pact.consumer)
            {
                report
                    .not_verified
                    .consumers
                    .push(loaded.pact.consumer.clone());
                continue;
            }
            let mut result = PactResult {
                consumer: loaded.pact.consumer.clone(),
                source: loaded.name.clone(),
                pending: loaded.pending,
                notices: loaded.notices.clone(),
                after_notices: Vec::new(),
                interactions: Vec::new(),
                published: None,
            };
            let mut skipped = false;
            for interaction in &loaded.pact.interactions {
                let Interaction::Http(http) = interaction else {
                    skipped = true;
                    report.not_verified.not_http += 1;
                    report.warnings.push(format!(
                        "{}: skipping the {} interaction \"{}\": only HTTP interactions are verified",
                        loaded.name,
                        interaction.type_name(),
                        interaction.info().description
                    ));
                    continue;
                };
                if !filters.accepts(http) {
                    report.not_verified.filtered_out += 1;
                    continue;
                }
                let r = self
                    .verify_interaction(
                        &client,
                        &loaded.pact.consumer,
                        http,
                        loaded.pact.spec,
                        &mut report.warnings,
                    )
                    .await;
                result.interactions.push(r);
            }
            match (&self.publish, &loaded.broker) {
                // A result says the whole pact was verified; can-i-deploy relies on it.
                (Some(_), Some(_)) if self.filters.is_partial() || skipped => {
                    report.warnings.push(format!(
                        "{}: not publishing the result: interactions were filtered out or skipped",
                        loaded.name
                    ));
                }
                (Some(publish), Some(broker)) => {
                    result.published = Some(
                        publish_result(broker, publish, &result)
                            .await
                            .map_err(|e| crate::error_chain(&e)),
                    );
                }
                (Some(_), None) => report.warnings.push(format!(
                    "{}: not publishing the result: the pact did not come from a broker",
                    loaded.name
                )),
                (None, _) => {}
            }
            if let Some(listed) = &loaded.listed {
                let success = result.interactions.iter().all(|i| i.outcome.is_success());
                let published = matches!(result.published, Some(Ok(())));
                result.after_notices = listed
                    .after_verification_notices(success, published)
                    .into_iter()
                    .map(str::to_string)
                    .collect();
            }
            report.pacts.push(result);
        }
        Ok(report)
    }

    async fn verify_interaction(
        &self,
        client: &reqwest::Client,
        consumer: &str,
        interaction: &HttpInteraction,
        spec: pact_core::model::SpecVersion,
        warnings: &mut Vec<String>,
    ) -> InteractionResult {
        let started = Instant::now();
        let info = &interaction.info;
        let mut result = InteractionResult {
            description: info.description.clone(),
            states: info
                .provider_states
                .iter()
                .map(|s| s.name.clone())
                .collect(),
            interaction_id: info
                .extra
                .get("_id")
                .and_then(Value::as_str)
                .map(str::to_string),
            pending: info.pending,
            comments: comment_texts(&info.comments),
            test_name: info
                .comments
                .get("testname")
                .and_then(Value::as_str)
                .map(str::to_string),
            outcome: Outcome::Passed,
            duration: Duration::ZERO,
        };
        let changes = self.state_changes(consumer, interaction, warnings);
        // ProviderState generators see the states' params, then what the setups returned.
        let mut values: Map<String, Value> = info
            .provider_states
            .iter()
            .flat_map(|s| s.params.clone())
            .collect();
        let mut set_up = 0;
        let mut failed = None;
        for change in &changes {
            match self.change_state(client, change).await {
                Ok(v) => {
                    values.extend(v);
                    set_up += 1;
                }
                Err(failure) => {
                    failed = Some(failure);
                    break;
                }
            }
        }
        result.outcome = match failed {
            // The provider is down, not its state handler.
            Some(StateFailure {
                message,
                unreachable: Some(url),
            }) => Outcome::RequestFailed {
                url,
                message: format!("State change request failed: {message}"),
                unreachable: true,
            },
            Some(failure) => Outcome::StateChangeFailed(failure.message),
            None => self.exchange(client, interaction, spec, values).await,
        };
        // Only the states that were set up are torn down (none when the first one failed).
        for change in changes[..set_up].iter().rev() {
            let teardown = StateChange {
                action: StateAction::Teardown,
                ..change.clone()
            };
            if let Err(failure) = self.change_state(client, &teardown).await {
                warnings.push(format!(
                    "teardown of provider state \"{}\" failed: {}",
                    teardown.state, failure.message
                ));
            }
        }
        result.duration = started.elapsed();
        result
    }

    /// The setup changes for an interaction: one per state; one with an empty state when
    /// there is none and a state URL or handler is configured (so the provider can reset),
    /// as the reference verifier does.
    fn state_changes(
        &self,
        consumer: &str,
        interaction: &HttpInteraction,
        warnings: &mut Vec<String>,
    ) -> Vec<StateChange> {
        let states = &interaction.info.provider_states;
        let names: Vec<String> = states.iter().map(|s| s.name.clone()).collect();
        if matches!(self.states, States::None) {
            for s in states {
                let warning = format!(
                    "no provider state callback is configured for provider state \"{}\"",
                    s.name
                );
                if !warnings.contains(&warning) {
                    warnings.push(warning);
                }
            }
            return Vec::new();
        }
        let change = |state: String, params: Map<String, Value>| StateChange {
            consumer: consumer.to_string(),
            state,
            states: names.clone(),
            params,
            action: StateAction::Setup,
        };
        if states.is_empty() {
            return vec![change(String::new(), Map::new())];
        }
        states
            .iter()
            .map(|s| change(s.name.clone(), s.params.clone()))
            .collect()
    }

    async fn change_state(
        &self,
        client: &reqwest::Client,
        change: &StateChange,
    ) -> Result<Map<String, Value>, StateFailure> {
        match &self.states {
            States::None => Ok(Map::new()),
            States::InProcess(handler) => handler(change.clone())
                .await
                .map_err(|e| StateFailure::new(e.to_string())),
            States::Url { url, as_query } => {
                let request = if *as_query {
                    client.post(url).query(&change.to_query())
                } else {
                    client.post(url).json(&change.to_json())
                };
                // Named in messages without the credentials it may carry.
                let shown = source::without_userinfo(url);
                let response = eager(request.send()).await.map_err(|e| StateFailure {
                    unreachable: e.is_connect().then(|| shown.clone()),
                    message: format!("{shown}: {}", crate::error_chain(&e.without_url())),
                })?;
                let status = response.status();
                let body = response.bytes().await.unwrap_or_default();
                tracing::info!(
                    "state change {:?} of {:?}: {} answered {}",
                    change.action,
                    change.state,
                    crate::log::redacted_url(url),
                    status.as_u16()
                );
                if !status.is_success() {
                    let text = String::from_utf8_lossy(&body);
                    return Err(StateFailure::new(format!(
                        "{shown} answered {status}: {}",
                        excerpt(&text)
                    )));
                }
                Ok(match serde_json::from_slice::<Value>(&body) {
                    Ok(Value::Object(values)) => values,
                    _ => Map::new(),
                })
            }
        }
    }

    async fn exchange(
        &self,
        client: &reqwest::Client,
        interaction: &HttpInteraction,
        spec: pact_core::model::SpecVersion,
        values: Map<String, Value>,
    ) -> Outcome {
        let expected = &interaction.request;
        let mut ctx = GeneratorContext::new(GeneratorMode::Provider);
        ctx.provider_state = values;
        let mut request = match expected.generators.apply_to_request(expected, &mut ctx) {
            Ok(r) => r,
            Err(e) => {
                return Outcome::RequestFailed {
                    url: source::without_userinfo(&self.base_url),
                    message: format!("a request generator failed: {}", e.0),
                    unreachable: false,
                }
            }
        };
        for (name, value) in &self.headers {
            let headers = request.headers.get_or_insert_with(MultiMap::default);
            headers.replace_ignore_case(name, vec![value.clone()]);
        }
        if let Some(filter) = &self.request_filter {
            filter(&mut request);
        }
        let slash = if request.path.starts_with('/') {
            ""
        } else {
            "/"
        };
        let url = format!("{}{slash}{}", self.base_url, encode_path(&request.path));
        let line = format!("{} {}", request.method, crate::log::redacted_url(&url));
        tracing::debug!(
            headers = %log_headers(request.headers.as_ref()),
            body = %log_body(&request.body),
            "sending {line} for \"{}\"",
            interaction.info.description
        );
        let response = match eager(send(client, &url, &request)).await {
            Ok(r) => {
                tracing::info!("{line}: answered {}", r.status);
                tracing::debug!(
                    headers = %log_headers(r.headers.as_ref()),
                    body = %log_body(&r.body),
                    "response to {line}"
                );
                r
            }
            Err(e) => {
                let unreachable = e.is_connect();
                let message = crate::error_chain(&e.without_url());
                tracing::warn!("{line}: {message}");
                return Outcome::RequestFailed {
                    unreachable,
                    message,
                    url: source::without_userinfo(&url),
                };
            }
        };
        let mismatches = match_response(&interaction.response, &response, spec);
        if mismatches.is_empty() {
            Outcome::Passed
        } else {
            Outcome::Failed {
                mismatches,
                actual: Box::new(response),
            }
        }
    }
}

/// `url` is an `http` or `https` URL with a host.
fn check_http_url(what: &'static str, url: &str) -> Result<(), VerifierError> {
    let invalid = |reason: String| VerifierError::InvalidUrl {
        what,
        url: source::without_userinfo(url),
        reason,
    };
    let parsed = reqwest::Url::parse(url).map_err(|e| invalid(e.to_string()))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(invalid(format!(
            "the scheme {:?} is not http or https",
            parsed.scheme()
        )));
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err(invalid("it names no host".into()));
    }
    Ok(())
}

/// Headers as logged, credentials redacted.
fn log_headers(headers: Option<&MultiMap>) -> String {
    let pairs = headers
        .into_iter()
        .flat_map(|h| h.iter())
        .flat_map(|(name, values)| values.iter().map(move |v| (name, v.as_str())));
    crate::log::redacted_headers(pairs)
}

/// A body as logged.
fn log_body(body: &Body) -> String {
    match body {
        Body::Present { bytes, .. } => crate::log::body_text(bytes),
        _ => String::new(),
    }
}

/// The one provider all `pacts` name, in the order first named.
fn provider_of(pacts: &[source::LoadedPact]) -> Result<String, VerifierError> {
    let mut names: Vec<String> = Vec::new();
    for loaded in pacts {
        if !names.contains(&loaded.pact.provider) {
            names.push(loaded.pact.provider.clone());
        }
    }
    match <[String; 1]>::try_from(names) {
        Ok([name]) => Ok(name),
        Err(names) => Err(VerifierError::SeveralProviders(names)),
    }
}

/// Why a state change failed; `unreachable` holds the state URL when nothing answered there.
struct StateFailure {
    message: String,
    unreachable: Option<String>,
}

impl StateFailure {
    fn new(message: String) -> StateFailure {
        StateFailure {
            message,
            unreachable: None,
        }
    }
}

/// How long [`eager`] keeps polling before letting the thread sleep.
const EAGER_WINDOW: Duration = Duration::from_micros(500);

/// Awaits `future`, polling it without letting the thread sleep for up to [`EAGER_WINDOW`].
///
/// A provider on the same machine answers in tens of microseconds, but waking a thread
/// that went to sleep waiting for the answer costs about as much again on a virtual machine;
/// verifications replay their interactions one at a time, so that cost adds up. A slower
/// (remote) provider costs half a millisecond of spinning per request, then the usual wait.
async fn eager<F: Future>(future: F) -> F::Output {
    let mut future = std::pin::pin!(future);
    let until = Instant::now() + EAGER_WINDOW;
    while Instant::now() < until {
        let polled =
            std::future::poll_fn(|cx| std::task::Poll::Ready(future.as_mut().poll(cx))).await;
        if let std::task::Poll::Ready(output) = polled {
            return output;
        }
        tokio::task::yield_now().await;
    }
    future.await
}

fn comment_texts(comments: &Map<String, Value>) -> Vec<String> {
    match comments.get("text") {
        Some(Value::Array(list)) => list
            .iter()
            .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_string))
            .collect(),
        Some(Value::String(s)) => vec![s.clone()],
        _ => Vec::new(),
    }
}

fn excerpt(text: &str) -> String {
    let text = text.trim();
    match text.char_indices().nth(200) {
        Some((i, _)) => format!("{}...", &text[..i]),
        None => text.to_string(),
    }
}

/// The pact's path as it goes on the request line. A `%` that starts an escape (`%20`)
/// is kept, as the reference verifier's URL parser keeps it: pacts written by the Ruby
/// and FFI clients hold paths such as `/pacticipants/Pricing%20Service`. Any other `%`,
/// and characters a request line cannot carry, are escaped.
fn encode_path(path: &str) -> String {
    use percent_encoding::{utf8_percent_encode, AsciiSet, CONTROLS};
    const PATH: &AsciiSet = &CONTROLS
        .add(b' ')
        .add(b'"')
        .add(b'#')
        .add(b'<')
        .add(b'>')
        .add(b'?')
        .add(b'`')
        .add(b'{')
        .add(b'}');
    let mut out = String::with_capacity(path.len());
    let mut rest = path;
    while let Some(i) = rest.find('%') {
        out.push_str(&utf8_percent_encode(&rest[..i], PATH).to_string());
        let after = &rest.as_bytes()[i + 1..];
        let escape =
            after.len() >= 2 && after[0].is_ascii_hexdigit() && after[1].is_ascii_hexdigit();
        out.push_str(if escape { "%" } else { "%25" });
        rest = &rest[i + 1..];
    }
    out.push_str(&utf8_percent_encode(rest, PATH).to_string());
    out
}

async fn send(
    client: &reqwest::Client,
    url: &str,
    request: &Request,
) -> Result<Response, reqwest::Error> {
    let method =
        reqwest::Method::from_bytes(request.method.as_bytes()).unwrap_or(reqwest::Method::GET);
    let mut builder = client.request(method, url);
    if let Some(query) = &request.query {
        // As written: a Rack-style provider reads `q[][a]=1&q[][b]=2&q[][a]=3` by position.
        let pairs: Vec<(&str, &str)> = query.pairs().collect();
        builder = builder.query(&pairs);
    }
    if let Some(headers) = &request.headers {
        for (name, values) in headers.iter() {
            for v in values {
                builder = builder.header(name, v);
            }
        }
    }
    match &request.body {
        Body::Present {
            bytes,
            content_type,
            ..
        } => {
            let has_ct = request
                .headers
                .as_ref()
                .is_some_and(|h| h.get_ignore_case("content-type").is_some());
            if !has_ct {
                if let Some(ct) = content_type {
                    builder = builder.header("Content-Type", ct.to_string());
                }
            }
            builder = builder.body(bytes.clone());
        }
        // `null` is a JSON body; anything else declared null has no body.
        Body::Null if request.content_type().is_some_and(|ct| ct.is_json()) => {
            builder = builder.body("null")
        }
        Body::Null => {}
        Body::Missing | Body::Empty => {}
    }
    let response = builder.send().await?;
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let bytes = response.bytes().await?;
    let (headers, body) = crate::server::received(&headers, &bytes);
    Ok(Response {
        status,
        headers,
        body,
        ..Response::default()
    })
}

async fn publish_result(
    broker: &source::BrokerPact,
    options: &PublishOptions,
    result: &PactResult,
) -> Result<(), BrokerError> {
    let test_results = result
        .interactions
        .iter()
        .map(|i| TestResult {
            interaction_id: i.interaction_id.clone(),
            description: i.description.clone(),
            success: i.outcome.is_success(),
            mismatches: i.outcome.mismatches_json(),
            exceptions: i.outcome.exception().into_iter().collect(),
        })
        .collect();
    let verification = VerificationResult {
        success: result.interactions.iter().all(|i| i.outcome.is_success()),
        provider_version: options.provider_version.clone(),
        provider_branch: options.provider_branch.clone(),
        provider_tags: options.provider_tags.clone(),
        build_url: options.build_url.clone(),
        test_results,
    };
    broker
        .client
        .publish_verification_result(&broker.pact, &verification)
        .await
}
