//! Settings not given as flags, through `pact_settings` (the one reading the macro and the
//! runtime share): `[package.metadata.pact]`, then `[workspace.metadata.pact]`, read only
//! when a setting is missing.

use pact_settings::{Key, Settings};
use std::path::{Path, PathBuf};

/// The settings of the package in the current directory (or at `--manifest-path`).
#[derive(Debug, Clone)]
pub struct Metadata {
    settings: Settings,
}

impl Metadata {
    /// Reads the settings of the package at `manifest_path`, or of the one whose directory
    /// contains the current directory.
    pub fn load(manifest_path: Option<&Path>) -> anyhow::Result<Metadata> {
        let dir = match manifest_path {
            Some(path) => {
                anyhow::ensure!(
                    path.is_file(),
                    "--manifest-path {} is not a file",
                    path.display()
                );
                path.parent()
                    .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
            }
            None => std::env::current_dir()?,
        };
        Ok(Metadata {
            settings: Settings::load(&dir)?,
        })
    }

    /// The package's name, when the directory is in a package.
    pub fn package_name(&self) -> Option<&str> {
        self.settings.package_name()
    }

    /// The package's version, when the directory is in a package.
    pub fn package_version(&self) -> Option<&str> {
        self.settings.package_version()
    }

    /// The package's directory (the workspace root when there is no package).
    pub fn package_dir(&self) -> &Path {
        self.settings.package_dir()
    }

    /// The package whose pacticipant is `name` (its `key` setting, `consumer` or
    /// `provider`, else its package name): this one, else a member of its workspace. From
    /// a workspace's root, the pacts in the shared pact dir lead to their own packages.
    pub fn package_of(&self, key: &Key, name: &str) -> anyhow::Result<Option<Metadata>> {
        let is_it = |s: &Settings| -> anyhow::Result<bool> {
            let own = s
                .string(key)?
                .or_else(|| s.package_name().map(str::to_string));
            Ok(s.package_name().is_some() && own.as_deref() == Some(name))
        };
        if is_it(&self.settings)? {
            return Ok(Some(self.clone()));
        }
        for dir in self.settings.member_dirs() {
            let settings = Settings::load(&dir)?;
            if is_it(&settings)? {
                return Ok(Some(Metadata { settings }));
            }
        }
        Ok(None)
    }

    /// A string setting: its variable, the package's, else the workspace's.
    pub fn string(&self, key: &Key) -> anyhow::Result<Option<String>> {
        Ok(self.settings.string(key)?)
    }
}

/// Metadata read on first use.
#[derive(Debug)]
pub struct LazyMetadata {
    manifest_path: Option<PathBuf>,
    /// The metadata, or why it could not be read (kept as text, to report it again).
    loaded: Option<Result<Metadata, String>>,
}

impl LazyMetadata {
    /// Nothing read yet.
    pub fn new(manifest_path: Option<PathBuf>) -> LazyMetadata {
        LazyMetadata {
            manifest_path,
            loaded: None,
        }
    }

    /// True once the metadata was read (or found unreadable).
    pub fn is_loaded(&self) -> bool {
        self.loaded.is_some()
    }

    fn load(&mut self) -> &Result<Metadata, String> {
        let manifest_path = self.manifest_path.as_deref();
        self.loaded.get_or_insert_with(|| {
            Metadata::load(manifest_path).map_err(|e| {
                e.chain()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(": ")
            })
        })
    }

    /// The metadata, read now if it was not.
    pub fn get(&mut self) -> anyhow::Result<&Metadata> {
        self.load().as_ref().map_err(|e| anyhow::anyhow!("{e}"))
    }

    /// An optional boolean setting, None outside a cargo project (as
    /// [`LazyMetadata::optional_string`]).
    pub fn optional_bool(&mut self, key: &Key) -> anyhow::Result<Option<bool>> {
        let named = self.manifest_path.is_some();
        match self.load() {
            Ok(m) => Ok(m.settings.bool(key)?),
            Err(_) if !named => Ok(None),
            Err(e) => Err(anyhow::anyhow!("{e}")),
        }
    }

    /// An optional array-of-tables setting as JSON objects, None outside a cargo project.
    pub fn optional_json_tables(
        &mut self,
        key: &Key,
    ) -> anyhow::Result<Option<Vec<serde_json::Value>>> {
        let named = self.manifest_path.is_some();
        match self.load() {
            Ok(m) => match m.settings.tables(key)? {
                None => Ok(None),
                Some(tables) => Ok(Some(
                    tables
                        .iter()
                        .map(serde_json::to_value)
                        .collect::<Result<_, _>>()?,
                )),
            },
            Err(_) if !named => Ok(None),
            Err(e) => Err(anyhow::anyhow!("{e}")),
        }
    }

    /// An optional string setting: None when it is not set, and also when there is no
    /// cargo project to read it from (outside one, flags give everything); a manifest named
    /// with `--manifest-path` must be readable.
    pub fn optional_string(&mut self, key: &Key) -> anyhow::Result<Option<String>> {
        let named = self.manifest_path.is_some();
        match self.load() {
            Ok(m) => m.string(key),
            Err(_) if !named => Ok(None),
            Err(e) => Err(anyhow::anyhow!("{e}")),
        }
    }
}
