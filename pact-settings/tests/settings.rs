//! The settings read from real manifests in temporary directories: precedence, scopes,
//! wrong types, and directories outside any cargo project.

use pact_settings::{Settings, Source, BROKER_URL, CONSUMER, LOG_LEVEL, PACT_DIR, PROVIDER};
use std::path::{Path, PathBuf};

struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        let dir = std::env::temp_dir().join(format!("pact-settings-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// A workspace with a member `crates/web` and the given metadata tables.
fn workspace(name: &str, workspace_pact: &str, package_pact: &str) -> (TempDir, PathBuf) {
    let dir = TempDir::new(name);
    write(
        &dir.0.join("Cargo.toml"),
        &format!("[workspace]\nmembers = [\"crates/*\"]\n\n[workspace.metadata.pact]\n{workspace_pact}\n"),
    );
    let member = dir.0.join("crates/web");
    write(
        &member.join("Cargo.toml"),
        &format!("[package]\nname = \"web\"\nversion = \"1.2.3\"\n\n[package.metadata.pact]\n{package_pact}\n"),
    );
    std::fs::create_dir_all(member.join("src")).unwrap();
    (dir, member)
}

#[test]
fn the_package_then_the_workspace_then_the_default() {
    let (dir, member) = workspace(
        "precedence",
        "provider = \"From workspace\"\nconsumer = \"Shared\"\npact-dir = \"contracts\"",
        "provider = \"From package\"\npact-dir = \"ignored: a workspace setting\"",
    );
    // From any directory inside the package.
    let settings = Settings::load(&member.join("src")).unwrap();
    assert_eq!(settings.package_name(), Some("web"));
    assert_eq!(settings.package_version(), Some("1.2.3"));
    assert_eq!(settings.package_dir(), member);
    assert_eq!(settings.workspace_root(), dir.0);
    assert_eq!(
        settings.string(&PROVIDER).unwrap().as_deref(),
        Some("From package")
    );
    assert_eq!(
        settings.string(&CONSUMER).unwrap().as_deref(),
        Some("Shared")
    );
    let (_, source) = settings.string_with_source(&CONSUMER).unwrap().unwrap();
    assert_eq!(source, Source::Manifest(dir.0.join("Cargo.toml")));
    assert_eq!(settings.string(&LOG_LEVEL).unwrap(), None);
    let manifests: Vec<&Path> = settings.manifests().collect();
    assert_eq!(
        manifests,
        [member.join("Cargo.toml"), dir.0.join("Cargo.toml")]
    );
    // pact-dir is one per workspace: the package's is not read.
    if std::env::var_os("PACT_OUTPUT_DIR").is_none() {
        assert_eq!(
            settings.dir(&PACT_DIR).unwrap(),
            Some(dir.0.join("contracts"))
        );
    }
    // The workspace root itself has no package.
    let root = Settings::load(&dir.0).unwrap();
    assert_eq!(root.package_name(), None);
    assert_eq!(root.package_dir(), dir.0);
    assert_eq!(
        root.string(&PROVIDER).unwrap().as_deref(),
        Some("From workspace")
    );
}

#[test]
fn a_variable_wins_over_the_manifests() {
    let (_dir, member) = workspace("variables", "broker-url = \"https://from-workspace\"", "");
    let settings = Settings::load(&member).unwrap();
    // The only test here that sets a variable (they are process-wide).
    std::env::set_var("PACT_BROKER_BASE_URL", "https://from-env");
    let found = settings.string_with_source(&BROKER_URL).unwrap();
    std::env::set_var("PACT_BROKER_BASE_URL", "");
    let empty_means_unset = settings.string(&BROKER_URL).unwrap();
    std::env::remove_var("PACT_BROKER_BASE_URL");
    assert_eq!(
        found,
        Some((
            "https://from-env".into(),
            Source::Env("PACT_BROKER_BASE_URL")
        ))
    );
    assert_eq!(empty_means_unset.as_deref(), Some("https://from-workspace"));
}

#[test]
fn a_setting_of_the_wrong_type_names_the_manifest_and_the_key() {
    let (_dir, member) = workspace("types", "", "provider = 3");
    let err = Settings::load(&member)
        .unwrap()
        .string(&PROVIDER)
        .unwrap_err()
        .to_string();
    assert!(err.contains("crates/web/Cargo.toml"), "{err}");
    assert!(
        err.contains("package.metadata.pact.provider must be a string, found a integer"),
        "{err}"
    );
    let dir = TempDir::new("broken");
    write(&dir.0.join("Cargo.toml"), "[package\n");
    let err = Settings::load(&dir.0).unwrap_err().to_string();
    assert!(err.contains("Cargo.toml"), "{err}");
}

#[test]
fn outside_any_project_every_setting_is_its_default() {
    let dir = TempDir::new("nowhere");
    // The temporary directory is in no cargo project (a check, in case one is above it).
    if dir.0.ancestors().any(|a| a.join("Cargo.toml").exists()) {
        eprintln!("skipped: {} is inside a cargo project", dir.0.display());
        return;
    }
    let settings = Settings::load(&dir.0).unwrap();
    assert_eq!(settings.package_name(), None);
    assert_eq!(settings.workspace_root(), dir.0);
    assert_eq!(settings.string(&PROVIDER).unwrap(), None);
    assert_eq!(settings.manifests().count(), 0);
}

#[test]
fn members_are_listed_and_an_inherited_version_is_the_workspace_s() {
    let dir = TempDir::new("members");
    write(
        &dir.0.join("Cargo.toml"),
        "[workspace]\nmembers = [\"crates/*\", \"tools/gen\"]\n\n[workspace.package]\nversion = \"4.5.6\"\n",
    );
    write(
        &dir.0.join("crates/web/Cargo.toml"),
        "[package]\nname = \"web\"\nversion.workspace = true\n",
    );
    write(
        &dir.0.join("crates/api/Cargo.toml"),
        "[package]\nname = \"api\"\nversion = \"0.1.0\"\n",
    );
    std::fs::create_dir_all(dir.0.join("crates/not-a-package")).unwrap();
    write(
        &dir.0.join("tools/gen/Cargo.toml"),
        "[package]\nname = \"gen\"\nversion = \"0.0.1\"\n",
    );
    let root = Settings::load(&dir.0).unwrap();
    assert_eq!(root.package_name(), None);
    assert_eq!(
        root.member_dirs(),
        [
            dir.0.join("crates/api"),
            dir.0.join("crates/web"),
            dir.0.join("tools/gen")
        ]
    );
    let web = Settings::load(&dir.0.join("crates/web")).unwrap();
    assert_eq!(web.package_version(), Some("4.5.6"));
    let api = Settings::load(&dir.0.join("crates/api")).unwrap();
    assert_eq!(api.package_version(), Some("0.1.0"));
}

#[test]
fn verification_settings_read_booleans_and_selector_tables() {
    let (_dir, member) = workspace(
        "verification",
        "consumer-version-selectors = [{ mainBranch = true }, { deployedOrReleased = true }]\nenable-pending = true",
        "include-wip-pacts-since = \"2026-01-01\"\nenable-pending = \"yes\"",
    );
    let settings = Settings::load(&member).unwrap();
    let selectors = settings
        .tables(&pact_settings::CONSUMER_VERSION_SELECTORS)
        .unwrap()
        .unwrap();
    assert_eq!(selectors.len(), 2);
    assert_eq!(selectors[0]["mainBranch"].as_bool(), Some(true));
    assert_eq!(
        settings
            .string(&pact_settings::INCLUDE_WIP_PACTS_SINCE)
            .unwrap()
            .as_deref(),
        Some("2026-01-01")
    );
    // The package's string where a boolean belongs is an error naming the key.
    let e = settings.bool(&pact_settings::ENABLE_PENDING).unwrap_err();
    assert!(
        e.to_string()
            .contains("package.metadata.pact.enable-pending must be true or false"),
        "{e}"
    );
}
