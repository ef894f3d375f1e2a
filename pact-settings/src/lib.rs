//! The settings of cargo-pact, read in one place: the `#[pact_interaction]` macro, the pact
//! writer, the provider's `build.rs` codegen and every `cargo pact` command call this crate,
//! so a setting means the same wherever it is read.
//!
//! A setting comes from, in order: a flag (the command's own), its environment variable,
//! `[package.metadata.pact]` of the package, `[workspace.metadata.pact]` of its workspace,
//! then its default. The keys ([`KEYS`]):
//!
//! | key | variable | what | default |
//! |---|---|---|---|
//! | `provider` | | the provider a consumer test's pact is with; the provider `cargo pact verify` verifies | the pacts' (files, dirs, URLs), else the package name |
//! | `consumer` | | the consumer a consumer test's pact is from | the package name |
//! | `pact-dir` | `PACT_OUTPUT_DIR` | where consumer tests write pacts and providers read them (relative: to the workspace root) | `<workspace root>/pacts` |
//! | `log-dir` | `PACT_LOG_DIR` | where the mock server appends `pact-mock-server.log` (relative: to the workspace root) | no log file |
//! | `log-level` | `PACT_LOG_LEVEL` | `error`, `warn`, `info`, `debug` or `trace` | `warn` |
//! | `provider-base-url` | | where `cargo pact verify` finds the provider | `http://localhost:8080` |
//! | `state-change-url` | | where `cargo pact verify` sets up provider states | none |
//! | `broker-url` | `PACT_BROKER_BASE_URL` | the Pact Broker | none |
//! | `consumer-version-selectors` | | the selectors `cargo pact verify` asks the broker for, e.g. `[{ mainBranch = true }, { deployedOrReleased = true }]` | the broker's default |
//! | `enable-pending` | `PACT_VERIFIER_ENABLE_PENDING` | ask the broker for pending pacts | `false` |
//! | `include-wip-pacts-since` | `PACT_VERIFIER_INCLUDE_WIP_PACTS_SINCE` | include work-in-progress pacts published since this date | none |
//!
//! ```
//! use pact_settings::{Settings, PACT_DIR, PROVIDER};
//! let settings = Settings::load(std::path::Path::new(env!("CARGO_MANIFEST_DIR"))).unwrap();
//! assert_eq!(settings.package_name(), Some("pact-settings"));
//! # if std::env::var_os("PACT_OUTPUT_DIR").is_none() {
//! assert_eq!(settings.dir(&PACT_DIR).unwrap(), Some(settings.workspace_root().join("pacts")));
//! # }
//! // This workspace names a provider for the pact tests of packages that name none.
//! assert_eq!(settings.string(&PROVIDER).unwrap().as_deref(), Some("WorkspaceProvider"));
//! ```

use std::path::{Path, PathBuf};

/// Where a setting may be written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// `[package.metadata.pact]`, then `[workspace.metadata.pact]`.
    PackageThenWorkspace,
    /// `[workspace.metadata.pact]` only: one value for the whole workspace.
    Workspace,
}

/// One setting: its key in `Cargo.toml`, its environment variable and where it may be
/// written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key {
    /// The key under `[package.metadata.pact]` / `[workspace.metadata.pact]`.
    pub name: &'static str,
    /// The environment variable that overrides the manifests, if any.
    pub env: Option<&'static str>,
    /// Where it may be written.
    pub scope: Scope,
    /// What it is, for help texts.
    pub doc: &'static str,
}

/// The provider a consumer test's pact is with; the provider `cargo pact verify` verifies.
pub const PROVIDER: Key = Key {
    name: "provider",
    env: None,
    scope: Scope::PackageThenWorkspace,
    doc: "the provider of the package's pact tests, or the provider it is",
};
/// The consumer a consumer test's pact is from (default: the package name).
pub const CONSUMER: Key = Key {
    name: "consumer",
    env: None,
    scope: Scope::PackageThenWorkspace,
    doc: "the consumer of the package's pact tests",
};
/// Where pacts are written and read.
pub const PACT_DIR: Key = Key {
    name: "pact-dir",
    env: Some("PACT_OUTPUT_DIR"),
    scope: Scope::Workspace,
    doc: "where pacts are written and read (relative: to the workspace root)",
};
/// Where the mock server's log file goes.
pub const LOG_DIR: Key = Key {
    name: "log-dir",
    env: Some("PACT_LOG_DIR"),
    scope: Scope::Workspace,
    doc: "where the mock server appends pact-mock-server.log (relative: to the workspace root)",
};
/// How much is logged.
pub const LOG_LEVEL: Key = Key {
    name: "log-level",
    env: Some("PACT_LOG_LEVEL"),
    scope: Scope::PackageThenWorkspace,
    doc: "error, warn, info, debug or trace",
};
/// Where `cargo pact verify` finds the provider.
pub const PROVIDER_BASE_URL: Key = Key {
    name: "provider-base-url",
    env: None,
    scope: Scope::PackageThenWorkspace,
    doc: "where cargo pact verify finds the provider",
};
/// Where `cargo pact verify` sets up provider states.
pub const STATE_CHANGE_URL: Key = Key {
    name: "state-change-url",
    env: None,
    scope: Scope::PackageThenWorkspace,
    doc: "where cargo pact verify sets up provider states",
};
/// The Pact Broker.
pub const BROKER_URL: Key = Key {
    name: "broker-url",
    env: Some("PACT_BROKER_BASE_URL"),
    scope: Scope::PackageThenWorkspace,
    doc: "the Pact Broker",
};

/// The consumer version selectors `cargo pact verify` asks the broker for.
pub const CONSUMER_VERSION_SELECTORS: Key = Key {
    name: "consumer-version-selectors",
    env: None,
    scope: Scope::PackageThenWorkspace,
    doc: "the selectors cargo pact verify asks the broker for, e.g. [{ mainBranch = true }]",
};
/// Whether `cargo pact verify` asks for pending pacts.
pub const ENABLE_PENDING: Key = Key {
    name: "enable-pending",
    env: Some("PACT_VERIFIER_ENABLE_PENDING"),
    scope: Scope::PackageThenWorkspace,
    doc: "whether cargo pact verify asks the broker for pending pacts (true or false)",
};
/// Since when `cargo pact verify` includes work-in-progress pacts.
pub const INCLUDE_WIP_PACTS_SINCE: Key = Key {
    name: "include-wip-pacts-since",
    env: Some("PACT_VERIFIER_INCLUDE_WIP_PACTS_SINCE"),
    scope: Scope::PackageThenWorkspace,
    doc: "the date (YYYY-MM-DD) since when cargo pact verify includes work-in-progress pacts",
};

/// Every setting, in the order the docs list them.
pub const KEYS: [Key; 11] = [
    PROVIDER,
    CONSUMER,
    PACT_DIR,
    LOG_DIR,
    LOG_LEVEL,
    PROVIDER_BASE_URL,
    STATE_CHANGE_URL,
    BROKER_URL,
    CONSUMER_VERSION_SELECTORS,
    ENABLE_PENDING,
    INCLUDE_WIP_PACTS_SINCE,
];

/// Why the settings could not be read.
#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    /// A manifest could not be read.
    #[error("cannot read {}", path.display())]
    Read {
        /// The `Cargo.toml`.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// A manifest is not valid TOML, or a setting has the wrong type.
    #[error("{}: {message}", path.display())]
    Manifest {
        /// The `Cargo.toml`.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// A setting's environment variable has a value the setting cannot take.
    #[error("{var} {message}")]
    Env {
        /// The variable.
        var: &'static str,
        /// What is wrong.
        message: String,
    },
}

/// Where a setting's value came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// An environment variable.
    Env(&'static str),
    /// A manifest (`[package.metadata.pact]` or `[workspace.metadata.pact]`).
    Manifest(PathBuf),
}

/// The settings of one package: its manifest's `[package.metadata.pact]` and its workspace's
/// `[workspace.metadata.pact]`, read once.
#[derive(Debug, Clone)]
pub struct Settings {
    package_manifest: Option<PathBuf>,
    package_name: Option<String>,
    package_version: Option<String>,
    package: Option<toml::Table>,
    workspace_manifest: Option<PathBuf>,
    workspace_root: PathBuf,
    workspace: Option<toml::Table>,
    /// `version.workspace = true` in the package: the version is `[workspace.package]`'s.
    inherits_version: bool,
    workspace_version: Option<String>,
    workspace_members: Vec<String>,
}

impl Settings {
    /// Reads the settings for `dir` (a package's directory, `CARGO_MANIFEST_DIR` in a test or
    /// a build script, or any directory inside one): the nearest `Cargo.toml` at or above it
    /// with a `[package]`, and the nearest at or above that with a `[workspace]` (the
    /// package's own when it is both). Outside any cargo project there is neither: every
    /// setting is then its variable's or its default, and the workspace root is `dir`.
    pub fn load(dir: &Path) -> Result<Settings, SettingsError> {
        let mut settings = Settings {
            package_manifest: None,
            package_name: None,
            package_version: None,
            package: None,
            workspace_manifest: None,
            workspace_root: dir.to_path_buf(),
            workspace: None,
            inherits_version: false,
            workspace_version: None,
            workspace_members: Vec::new(),
        };
        for ancestor in dir.ancestors() {
            let path = ancestor.join("Cargo.toml");
            let text = match std::fs::read_to_string(&path) {
                Ok(text) => text,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
                Err(source) => return Err(SettingsError::Read { path, source }),
            };
            let manifest: toml::Table =
                toml::from_str(&text).map_err(|e| SettingsError::Manifest {
                    path: path.clone(),
                    message: e.to_string(),
                })?;
            if settings.package_manifest.is_none() && settings.workspace_manifest.is_none() {
                if let Some(package) = manifest.get("package") {
                    let text = |k: &str| {
                        package
                            .get(k)
                            .and_then(toml::Value::as_str)
                            .map(str::to_string)
                    };
                    settings.package_name = text("name");
                    settings.package_version = text("version");
                    settings.inherits_version = package
                        .get("version")
                        .and_then(|v| v.get("workspace"))
                        .and_then(toml::Value::as_bool)
                        .unwrap_or(false);
                    settings.package = metadata(package);
                    settings.package_manifest = Some(path.clone());
                }
            }
            if let Some(workspace) = manifest.get("workspace") {
                settings.workspace = metadata(workspace);
                settings.workspace_version = workspace
                    .get("package")
                    .and_then(|p| p.get("version"))
                    .and_then(toml::Value::as_str)
                    .map(str::to_string);
                settings.workspace_members = workspace
                    .get("members")
                    .and_then(toml::Value::as_array)
                    .map(|m| {
                        m.iter()
                            .filter_map(toml::Value::as_str)
                            .map(str::to_string)
                            .collect()
                    })
                    .unwrap_or_default();
                settings.workspace_manifest = Some(path);
                settings.workspace_root = ancestor.to_path_buf();
                break;
            }
        }
        if settings.workspace_manifest.is_none() {
            // A package outside any workspace is its own root.
            if let Some(manifest) = &settings.package_manifest {
                settings.workspace_root = manifest.parent().unwrap_or(dir).to_path_buf();
            }
        }
        Ok(settings)
    }

    /// The package's name, when `dir` is in a package.
    pub fn package_name(&self) -> Option<&str> {
        self.package_name.as_deref()
    }

    /// The package's version, when `dir` is in a package and its version is written there
    /// (not inherited from the workspace).
    pub fn package_version(&self) -> Option<&str> {
        if self.inherits_version {
            return self.workspace_version.as_deref();
        }
        self.package_version.as_deref()
    }

    /// The directories of the workspace's members, as `[workspace] members` lists them (a
    /// trailing `/*` stands for every directory with a `Cargo.toml` below that one).
    pub fn member_dirs(&self) -> Vec<PathBuf> {
        let mut out = Vec::new();
        for member in &self.workspace_members {
            match member.strip_suffix("/*") {
                Some(parent) => {
                    let parent = self.workspace_root.join(parent);
                    let mut found: Vec<PathBuf> = std::fs::read_dir(&parent)
                        .into_iter()
                        .flatten()
                        .filter_map(|e| e.ok().map(|e| e.path()))
                        .filter(|p| p.join("Cargo.toml").is_file())
                        .collect();
                    found.sort();
                    out.extend(found);
                }
                None => out.push(self.workspace_root.join(member)),
            }
        }
        out
    }

    /// The package's directory, else the workspace root.
    pub fn package_dir(&self) -> &Path {
        self.package_manifest
            .as_deref()
            .and_then(Path::parent)
            .unwrap_or(&self.workspace_root)
    }

    /// The workspace root (the package's directory outside a workspace).
    pub fn workspace_root(&self) -> &Path {
        &self.workspace_root
    }

    /// The manifests read, for build scripts and macros to rebuild when they change.
    pub fn manifests(&self) -> impl Iterator<Item = &Path> {
        self.package_manifest
            .iter()
            .chain(self.workspace_manifest.iter())
            .map(PathBuf::as_path)
    }

    /// The value written for `key` and where: the package's manifest, else the workspace's
    /// (as its [`Scope`] allows). Variables are not looked at here.
    fn written(&self, key: &Key) -> Option<(&'static str, &toml::Value, &PathBuf)> {
        let package = match key.scope {
            Scope::PackageThenWorkspace => self.package.as_ref(),
            Scope::Workspace => None,
        };
        let tables = [
            ("package", package, &self.package_manifest),
            (
                "workspace",
                self.workspace.as_ref(),
                &self.workspace_manifest,
            ),
        ];
        tables
            .into_iter()
            .find_map(|(table_name, table, manifest)| {
                let value = table?.get(key.name)?;
                Some((table_name, value, manifest.as_ref()?))
            })
    }

    fn wrong_type(
        table_name: &str,
        key: &Key,
        manifest: &Path,
        want: &str,
        found: &toml::Value,
    ) -> SettingsError {
        SettingsError::Manifest {
            path: manifest.to_path_buf(),
            message: format!(
                "{table_name}.metadata.pact.{} must be {want}, found a {}",
                key.name,
                found.type_str()
            ),
        }
    }

    /// A string setting with where it came from: its variable (when set and not empty), else
    /// the package's manifest, else the workspace's (as its [`Scope`] allows).
    pub fn string_with_source(&self, key: &Key) -> Result<Option<(String, Source)>, SettingsError> {
        if let Some(var) = key.env {
            if let Some(value) = std::env::var_os(var).filter(|v| !v.is_empty()) {
                return Ok(Some((
                    value.to_string_lossy().into_owned(),
                    Source::Env(var),
                )));
            }
        }
        match self.written(key) {
            None => Ok(None),
            Some((_, toml::Value::String(s), manifest)) => {
                Ok(Some((s.clone(), Source::Manifest(manifest.clone()))))
            }
            Some((table_name, other, manifest)) => Err(Self::wrong_type(
                table_name, key, manifest, "a string", other,
            )),
        }
    }

    /// A boolean setting: its variable (`true`/`false`), else the manifests.
    ///
    /// ```
    /// let settings = pact_settings::Settings::load(std::path::Path::new(".")).unwrap();
    /// # if std::env::var_os("PACT_VERIFIER_ENABLE_PENDING").is_none() {
    /// assert_eq!(settings.bool(&pact_settings::ENABLE_PENDING).unwrap(), None);
    /// # }
    /// ```
    pub fn bool(&self, key: &Key) -> Result<Option<bool>, SettingsError> {
        if let Some(var) = key.env {
            if let Ok(value) = std::env::var(var) {
                match value.to_ascii_lowercase().as_str() {
                    "" => {}
                    "true" | "1" | "yes" => return Ok(Some(true)),
                    "false" | "0" | "no" => return Ok(Some(false)),
                    _ => {
                        return Err(SettingsError::Env {
                            var,
                            message: format!("must be true or false, found {value:?}"),
                        })
                    }
                }
            }
        }
        match self.written(key) {
            None => Ok(None),
            Some((_, toml::Value::Boolean(b), _)) => Ok(Some(*b)),
            Some((table_name, other, manifest)) => Err(Self::wrong_type(
                table_name,
                key,
                manifest,
                "true or false",
                other,
            )),
        }
    }

    /// An array-of-tables setting (`[{ mainBranch = true }]`), as the TOML written.
    pub fn tables(&self, key: &Key) -> Result<Option<Vec<toml::Table>>, SettingsError> {
        match self.written(key) {
            None => Ok(None),
            Some((table_name, toml::Value::Array(items), manifest)) => items
                .iter()
                .map(|item| match item {
                    toml::Value::Table(t) => Ok(t.clone()),
                    other => Err(Self::wrong_type(
                        table_name,
                        key,
                        manifest,
                        "an array of tables",
                        other,
                    )),
                })
                .collect::<Result<Vec<_>, _>>()
                .map(Some),
            Some((table_name, other, manifest)) => Err(Self::wrong_type(
                table_name,
                key,
                manifest,
                "an array of tables",
                other,
            )),
        }
    }

    /// A string setting (see [`Settings::string_with_source`]).
    pub fn string(&self, key: &Key) -> Result<Option<String>, SettingsError> {
        Ok(self.string_with_source(key)?.map(|(value, _)| value))
    }

    /// A directory setting, relative to the workspace root (an absolute one as it is), with
    /// the defaults of [`PACT_DIR`] (`<workspace root>/pacts`); None for a directory with no
    /// default that is not set.
    pub fn dir(&self, key: &Key) -> Result<Option<PathBuf>, SettingsError> {
        Ok(match self.string(key)? {
            Some(dir) => Some(self.workspace_root.join(dir)),
            None if *key == PACT_DIR => Some(self.workspace_root.join("pacts")),
            None => None,
        })
    }
}

/// The `metadata.pact` table under a `[package]` or `[workspace]` table.
fn metadata(section: &toml::Value) -> Option<toml::Table> {
    section
        .get("metadata")
        .and_then(|m| m.get("pact"))
        .and_then(toml::Value::as_table)
        .cloned()
}
