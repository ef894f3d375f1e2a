//! Drives the Pact compatibility suite (../shared/pact-compat-suite, or the folder in
//! `PACT_COMPAT_SUITE`) with the `cucumber` crate and prints
//! `compat-suite: N passed, M failed`.
//!
//! Features are added here as the capabilities they exercise land; scenarios whose steps have
//! no implementation count as failed, never as passed.

mod cells;
mod consumer;
mod matching;
mod provider;

use cucumber::writer::Stats as _;
use cucumber::World as _;
use pact_core::generators::GeneratorMode;
use pact_core::matching::Mismatch;
use pact_core::model::{Request, Response, SpecVersion};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// The features this harness runs, relative to `features/`.
const FEATURES: &[&str] = &[
    "V1/http_consumer.feature",
    "V2/http_consumer.feature",
    "V3/http_consumer.feature",
    "V4/http_consumer.feature",
    "V3/http_matching.feature",
    "V3/matching_rules.feature",
    "V3/generators.feature",
    "V3/http_generators.feature",
    "V4/matching_rules.feature",
    "V4/generators.feature",
    "V1/http_provider.feature",
    "V2/http_provider.feature",
    "V3/http_provider.feature",
    "V4/http_provider.feature",
];

/// The state of one scenario.
#[derive(Debug, Default, cucumber::World)]
pub struct CompatWorld {
    /// The suite folder (for fixtures).
    pub suite: PathBuf,
    /// The specification version of the feature being run.
    pub spec: SpecVersion,
    /// The expected request of a matching or generator scenario.
    pub expected_request: Request,
    /// The requests received.
    pub received_requests: Vec<Request>,
    /// The mismatches of each received request.
    pub request_results: Vec<Vec<Mismatch>>,
    /// The expected response.
    pub expected_response: Response,
    /// The response received.
    pub received_response: Response,
    /// The mismatches of the received response.
    pub response_mismatches: Vec<Mismatch>,
    /// Consumer or provider mode for generators.
    pub generator_mode: GeneratorMode,
    /// The request after generators ran.
    pub generated_request: Option<Request>,
    /// The response after generators ran.
    pub generated_response: Option<Response>,
    /// The consumer features' interactions, mock server and pact files.
    pub consumer: consumer::ConsumerWorld,
    /// The provider features' stub provider, pacts, verifier options and results.
    pub provider: provider::ProviderWorld,
}

fn suite_dir() -> PathBuf {
    match std::env::var_os("PACT_COMPAT_SUITE") {
        Some(d) => PathBuf::from(d),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/pact-compat-suite"),
    }
}

fn spec_of(feature: &str) -> SpecVersion {
    match feature.split('/').next() {
        Some("V1") => SpecVersion::V1,
        Some("V2") => SpecVersion::V2,
        Some("V3") => SpecVersion::V3,
        _ => SpecVersion::V4,
    }
}

fn main() -> ExitCode {
    let suite = suite_dir();
    if !suite.join("features").is_dir() {
        println!(
            "compat-suite: skipped: the compatibility suite was not found at {} (set PACT_COMPAT_SUITE to its folder)",
            suite.display()
        );
        println!("compat-suite: 0 passed, 0 failed");
        return ExitCode::SUCCESS;
    }
    let (mut passed, mut failed, mut skipped) = (0, 0, 0);
    for feature in FEATURES {
        let path = suite.join("features").join(feature);
        let spec = spec_of(feature);
        let suite_for_world = suite.clone();
        let writer = futures::executor::block_on(
            CompatWorld::cucumber()
                .with_cli(cucumber::cli::Opts::<_, _, _, cucumber::cli::Empty>::default())
                .max_concurrent_scenarios(1)
                .before(move |_, _, _, world| {
                    world.suite = suite_for_world.clone();
                    world.spec = spec;
                    Box::pin(async {})
                })
                .filter_run(path, |_, _, scenario| {
                    !scenario.tags.iter().any(|t| t == "wip")
                }),
        );
        let stats = writer.scenarios_stats();
        passed += stats.passed;
        failed += stats.failed + writer.parsing_errors() + writer.hook_errors();
        skipped += stats.skipped;
    }
    if skipped > 0 {
        println!("compat-suite: {skipped} scenario(s) had steps without an implementation; they count as failed (named above)");
    }
    println!("compat-suite: {passed} passed, {} failed", failed + skipped);
    if failed + skipped == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
