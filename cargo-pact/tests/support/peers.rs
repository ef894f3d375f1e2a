//! The official Pact tools the tests compare with, installed from PyPI by `.ci/install-peers`
//! into `<workspace>/target/pact-peers` (or named by an environment variable):
//! the reference implementation's CLI (`pact-python-cli==1!0.10.9`: `pact verifier`, `pact
//! stub`...), pact-python 2.x (the seed's stack, with its Ruby mock service) and the Ruby
//! standalone (`pact-python-cli==2.6.4.0`: `pact-broker`, the broker's official client). A test
//! that needs one and finds none says it skipped; under CI (`CI` set) it fails instead.
//! Also the throwaway PostgreSQL the broker suite runs on, which `.ci/run` starts
//! (`.ci/postgres`) and names in `PACT_BROKER_TEST_POSTGRES_URL`.
//!
//! Included by path from `cargo-pact/tests/cli.rs`, `tests/differential/main.rs` and the
//! `pact-broker` tests; each uses only some of it, hence `allow(dead_code)`.

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

/// The Ruby standalone's `pact-broker` CLI (`PACT_RUBY_BROKER_CLI`).
pub fn ruby_broker_cli(test: &str) -> Option<PathBuf> {
    find(
        test,
        "PACT_RUBY_BROKER_CLI",
        peers_dir().join("ruby/pact_cli/bin/pact-broker"),
        Path::is_file,
    )
}

/// The URL of the throwaway PostgreSQL database the broker suite runs on as it does on SQLite
/// (`PACT_BROKER_TEST_POSTGRES_URL`, empty counting as unset). Without it the caller says
/// that its PostgreSQL run skipped; under CI (`CI` set) it fails instead.
pub fn postgres_url() -> Option<String> {
    let url = std::env::var("PACT_BROKER_TEST_POSTGRES_URL")
        .ok()
        .filter(|url| !url.is_empty());
    assert!(
        url.is_some() || std::env::var_os("CI").is_none(),
        "CI runs the broker suite on PostgreSQL: .ci/run sets PACT_BROKER_TEST_POSTGRES_URL"
    );
    url
}

/// The databases a broker test runs on: an SQLite file in `dir`, and a new database on the
/// throwaway PostgreSQL when there is one (created with `psql`; see [`postgres_url`]).
pub fn databases(dir: &std::path::Path) -> Vec<String> {
    let mut out = vec![format!("sqlite://{}", dir.join("broker.sqlite").display())];
    match postgres_url() {
        Some(admin) => {
            static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
            let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let name = format!("cargo_pact_broker_{}_{n}", std::process::id());
            let created = std::process::Command::new("psql")
                .args([admin.as_str(), "-qc", &format!("CREATE DATABASE {name}")])
                .status()
                .expect("psql");
            assert!(created.success(), "could not create {name}");
            let base = admin.rsplit_once('/').map(|(b, _)| b).unwrap_or(&admin);
            out.push(format!("{base}/{name}"));
        }
        None => println!("skipped PostgreSQL: PACT_BROKER_TEST_POSTGRES_URL is not set"),
    }
    out
}
