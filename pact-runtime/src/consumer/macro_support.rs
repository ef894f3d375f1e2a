//! What `#[pact_interaction]` expands to (through `__private`). Not a stable API: use
//! [`consumer`](crate::consumer) by hand.

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
        server.report_to_stderr("returned an error");
        let _ = server.discard();
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
