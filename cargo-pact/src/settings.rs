//! Settings not given as flags: `[package.metadata.pact]`, then `[workspace.metadata.pact]`,
//! read with cargo_metadata only when a setting is missing (running `cargo metadata` costs
//! more than the rest of a verification's start).

use anyhow::Context;
use serde_json::Value;
use std::path::{Path, PathBuf};

/// The pact settings of the package in the current directory (or at `--manifest-path`).
#[derive(Debug, Default)]
pub struct Metadata {
    /// The package's name, when the directory is in a package.
    pub package_name: Option<String>,
    /// The package's directory (the workspace root when there is no package).
    pub package_dir: PathBuf,
    package: Value,
    workspace: Value,
}

impl Metadata {
    /// Runs `cargo metadata --no-deps` for the package at `manifest_path`, or the one whose
    /// directory contains the current directory.
    pub fn load(manifest_path: Option<&Path>) -> anyhow::Result<Metadata> {
        let mut command = cargo_metadata::MetadataCommand::new();
        command.no_deps();
        if let Some(path) = manifest_path {
            command.manifest_path(path);
        }
        let metadata = command
            .exec()
            .context("could not read the cargo metadata (run in a cargo project, or pass the settings as flags)")?;
        let cwd = std::env::current_dir().context("could not read the current directory")?;
        let wanted = manifest_path
            .map(|p| p.canonicalize().unwrap_or_else(|_| p.to_path_buf()))
            .and_then(|p| p.parent().map(Path::to_path_buf));
        let package = metadata
            .packages
            .iter()
            .filter_map(|p| {
                let dir = p.manifest_path.parent()?.as_std_path().to_path_buf();
                let fits = match &wanted {
                    Some(w) => *w == dir,
                    None => cwd.starts_with(&dir),
                };
                fits.then_some((dir, p))
            })
            .max_by_key(|(dir, _)| dir.components().count());
        let workspace_root = metadata.workspace_root.as_std_path().to_path_buf();
        Ok(Metadata {
            package_name: package.as_ref().map(|(_, p)| p.name.to_string()),
            package: package
                .as_ref()
                .map_or(Value::Null, |(_, p)| p.metadata["pact"].clone()),
            package_dir: package.map_or(workspace_root, |(d, _)| d),
            workspace: metadata.workspace_metadata["pact"].clone(),
        })
    }

    /// A setting: the package's, else the workspace's.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.package
            .get(key)
            .or_else(|| self.workspace.get(key))
            .filter(|v| !v.is_null())
    }

    /// A string setting; anything else is an error naming the key.
    pub fn string(&self, key: &str) -> anyhow::Result<Option<String>> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(other) => {
                anyhow::bail!("[package.metadata.pact] {key} must be a string, not {other}")
            }
        }
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

    /// An optional string setting: None when it is not set, and also when there is no
    /// cargo project to read it from (outside one, flags give everything); a manifest named
    /// with `--manifest-path` must be readable.
    pub fn optional_string(&mut self, key: &str) -> anyhow::Result<Option<String>> {
        let named = self.manifest_path.is_some();
        match self.load() {
            Ok(m) => m.string(key),
            Err(_) if !named => Ok(None),
            Err(e) => Err(anyhow::anyhow!("{e}")),
        }
    }
}
