//! # pact-runtime
//!
//! What a Pact test links: the consumer builder API ([`consumer`]), the mock provider
//! ([`mock_server`]) and the race-free pact writer ([`pact_writer`]). The
//! `#[pact_interaction]` attribute expands to calls into this crate.
//!
//! ```
//! use pact_runtime::prelude::*;
//! let dir = std::env::temp_dir().join(format!("pact-lib-doc-{}", std::process::id()));
//! let mut pact = PactBuilder::new("Consumer", "Provider");
//! pact.output_dir(&dir).interaction("a request for build 3455", |i| {
//!     i.given("build 3455 exists");
//!     i.request.get("/builds/3455");
//!     i.response.json_body(Term::object([("name", like("#3455"))]));
//! });
//! let server = pact.start_mock_server();
//! assert!(server.url().starts_with("http://127.0.0.1:"));
//! // No request was made, so finishing reports the interaction as missing.
//! let failure = server.finish().unwrap_err().to_string();
//! assert!(failure.contains("expected but not received: GET /builds/3455"));
//! # let _ = std::fs::remove_dir_all(&dir);
//! ```
//!
//! ## Logs
//!
//! The mock server, the stub server and the verifier log each request through `tracing`;
//! `PACT_LOG_DIR` (or `log-dir` in `[workspace.metadata.pact]`) and `PACT_LOG_LEVEL` send
//! the mock server's records to `<dir>/pact-mock-server.log` (see the `log` module).
//!
//! ## Features
//!
//! - `consumer` (default): the builder and the warp mock server.
//! - `tls`: the mock server can serve HTTPS with a generated self-signed certificate.
//! - `provider`: the verifier ([`verifier`]), the warp filter serving provider states
//!   ([`provider_states::state_change_filter`]) and the stub server serving pacts to a
//!   front end ([`stub_server`]); includes `broker`.
//! - `codegen`: provider-state handlers generated from the pacts, for a provider's
//!   `build.rs` ([`codegen`]); compiles neither warp, tokio nor reqwest.
//! - `broker`: a Pact Broker client (`broker`): pacts for verification, fetching pacts,
//!   publishing verification results.

#[cfg(feature = "broker")]
pub mod broker;
#[cfg(feature = "codegen")]
pub mod codegen;
#[cfg(feature = "consumer")]
pub mod consumer;
#[cfg(any(feature = "consumer", feature = "provider"))]
pub mod log;
#[cfg(feature = "consumer")]
pub mod mock_server;
pub mod pact_writer;
pub mod provider_states;
#[cfg(any(feature = "consumer", feature = "provider"))]
mod server;
#[cfg(feature = "provider")]
pub mod stub_server;
#[cfg(feature = "provider")]
pub mod verifier;

pub use pact_core;
#[cfg(feature = "consumer")]
pub use pact_macros::pact_interaction;

/// What a consumer test needs in scope.
#[cfg(feature = "consumer")]
pub mod prelude {
    pub use crate::consumer::matchers::*;
    pub use crate::consumer::{InteractionBuilder, PactBuilder, Term};
    pub use crate::mock_server::{MockServer, MockServerOptions};
    pub use pact_core::model::SpecVersion;
    pub use pact_macros::pact_interaction;
}

/// What generated code names: `#[pact_interaction]`'s expansion and the provider-state
/// glue that [`codegen`](crate::codegen) writes. Not a stable API.
#[doc(hidden)]
pub mod __private {
    #[cfg(feature = "consumer")]
    pub use crate::consumer::macro_support::*;
    pub use crate::provider_states::{
        state_param, ProviderStates, StateChange, StateError, StateValues,
    };
    pub use serde_json;

    /// The provider-state filter, boxed so generated code can name its type.
    #[cfg(feature = "provider")]
    pub type StateFilter = warp::filters::BoxedFilter<(warp::reply::Response,)>;

    /// Serves `POST /api/_pact/state` with `states` (see
    /// [`state_change_filter`](crate::provider_states::state_change_filter)).
    #[cfg(feature = "provider")]
    pub fn state_filter<S: ProviderStates>(states: S) -> StateFilter {
        use warp::Filter;
        crate::provider_states::state_change_filter(std::sync::Arc::new(states)).boxed()
    }
}

/// An error and its causes, one per line after the first: what a test failure or the
/// binary prints.
///
/// ```
/// let e = std::io::Error::other("disk full");
/// assert_eq!(pact_runtime::error_chain(&e), "disk full");
/// ```
pub fn error_chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        out.push_str("\n  caused by: ");
        out.push_str(&s.to_string());
        source = s.source();
    }
    out
}
