//! The official Pact tools the tests compare with, installed from PyPI by `.ci/install-peers`
//! into `<workspace>/target/pact-peers` (or named by an environment variable):
//! the reference implementation's CLI (`pact-python-cli==1!0.10.9`: `pact verifier`, `pact
//! stub`...) and pact-python 2.x (the seed's stack, with its Ruby mock service). A test that
//! needs one and finds none says it skipped; under CI (`CI` set) it fails instead.
//!
//! Included by path from `cargo-pact/tests/cli.rs` and `tests/differential/main.rs`.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

fn peers_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/pact-peers")
}

fn find(
    test: &str,
    variable: &str,
    default: PathBuf,
    fits: impl Fn(&Path) -> bool,
) -> Option<PathBuf> {
    let candidate = std::env::var_os(variable).map_or(default, PathBuf::from);
    if fits(&candidate) {
        return Some(candidate);
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "{test}: {} is not installed (run .ci/install-peers or set {variable})",
        candidate.display()
    );
    println!(
        "{test}: skipped: {} is not installed (run .ci/install-peers or set {variable})",
        candidate.display()
    );
    None
}

/// The reference CLI's `pact` binary (`PACT_REFERENCE_CLI`).
pub fn reference_cli(test: &str) -> Option<PathBuf> {
    find(
        test,
        "PACT_REFERENCE_CLI",
        peers_dir().join("reference/bin/pact"),
        Path::is_file,
    )
}

/// A directory holding pact-python 2.x, for PYTHONPATH (`PACT_PYTHON2_PATH`).
pub fn pact_python2(test: &str) -> Option<PathBuf> {
    find(
        test,
        "PACT_PYTHON2_PATH",
        peers_dir().join("pact-python2"),
        |p| p.join("pact/bin/pact-mock-service").is_file(),
    )
}
