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
//! ## Features
//!
//! - `consumer` (default): the builder and the warp mock server.
//! - `tls`: the mock server can serve HTTPS with a generated self-signed certificate.
//! - `broker`: a Pact Broker client (`broker`): pacts for verification, fetching pacts,
//!   publishing verification results.

#[cfg(feature = "broker")]
pub mod broker;
#[cfg(feature = "consumer")]
pub mod consumer;
#[cfg(feature = "consumer")]
pub mod mock_server;
pub mod pact_writer;

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

/// What `#[pact_interaction]` expands to. Not a stable API: use [`consumer`] by hand.
#[doc(hidden)]
#[cfg(feature = "consumer")]
pub mod __private {
    pub use crate::consumer::{matchers, InteractionBuilder, PactBuilder, Term};
    pub use crate::mock_server::MockServer;
    pub use pact_core::model::SpecVersion;
    pub use pact_core::rules::StatusClass;
    pub use serde_json;

    /// A builder whose pact goes to the pact dir of the package at `manifest_dir` (the
    /// macro passes `env!("CARGO_MANIFEST_DIR")` of the test crate).
    pub fn builder(consumer: &str, provider: &str, manifest_dir: &str) -> PactBuilder {
        let mut builder = PactBuilder::new(consumer, provider);
        builder.package_dir(manifest_dir);
        builder
    }

    /// Stops the server and writes the pact; panics with the list of problems when an
    /// interaction was missed or a request matched none.
    #[track_caller]
    pub fn finish(server: MockServer) {
        if let Err(e) = server.finish() {
            panic!("{}", crate::error_chain(&e));
        }
    }

    /// What a test body returned, as far as the pact is concerned: a failed test (an
    /// `Err`) writes no pact.
    pub trait TestOutcome {
        /// True when the test failed.
        fn is_failure(&self) -> bool;
    }

    impl TestOutcome for () {
        fn is_failure(&self) -> bool {
            false
        }
    }

    impl<T, E> TestOutcome for Result<T, E> {
        fn is_failure(&self) -> bool {
            self.is_err()
        }
    }

    /// [`finish`] for a test body that returned `result`: when it failed, the server stops
    /// without writing the pact (its problems, if any, go to stderr) and the failure is
    /// returned for the test harness to report.
    #[track_caller]
    pub fn finish_with<R: TestOutcome>(server: MockServer, result: R) -> R {
        if result.is_failure() {
            let problems = server.discard();
            if !problems.is_empty() {
                eprintln!("the test failed; the pact mock server also saw:");
                for p in problems {
                    eprintln!("  - {p}");
                }
            }
        } else {
            finish(server);
        }
        result
    }

    /// Runs an async test body on a fresh current-thread runtime (for `async fn` tests
    /// without a runtime attribute of their own).
    pub fn block_on<F: std::future::Future>(future: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a current-thread tokio runtime")
            .block_on(future)
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
