//! Pact files on disk: `<pact dir>/<Consumer>-<Provider>.json`.
//!
//! Tests run in parallel threads, and cargo-nextest runs each test in a process of its own,
//! so many writers may add interactions to one pact file at once. Each write holds an
//! exclusive lock on a lock file beside the pact across read, merge and write, and replaces
//! the pact with an atomic rename: no interaction is lost or duplicated, and a reader never
//! sees a torn file. An interaction replaces an earlier one with the same key (its
//! description and provider states), so a changed interaction updates the pact.

use pact_core::model::{read_pact, read_pact_bytes, Pact};
use pact_core::PactError;
use std::ffi::OsStr;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Write as _};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// Why a pact could not be written, or where to write it could not be found.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// The pact directory could not be created.
    #[error("cannot create the pact directory {}", path.display())]
    CreateDir {
        /// The directory.
        path: PathBuf,
        /// The cause.
        #[source]
        source: io::Error,
    },
    /// The lock file beside the pact could not be opened or locked.
    #[error("cannot lock {}", path.display())]
    Lock {
        /// The lock file.
        path: PathBuf,
        /// The cause.
        #[source]
        source: io::Error,
    },
    /// A pact file is already there but cannot be read as a pact. It is left as it is.
    #[error("the existing pact {} is not a valid pact (fix or delete it)", path.display())]
    InvalidExisting {
        /// The pact file.
        path: PathBuf,
        /// What is wrong with it.
        #[source]
        source: PactError,
    },
    /// Reading, writing or renaming a file failed (a full disk, permissions...).
    #[error("cannot {action} {}", path.display())]
    Io {
        /// What was being done: `read`, `write`, `replace`.
        action: &'static str,
        /// The file.
        path: PathBuf,
        /// The cause.
        #[source]
        source: io::Error,
    },
    /// The pact file for this pair already holds the pact of another pair whose names map
    /// to the same file name (`a-b`/`c` and `a`/`b-c`, `web/app` and `web_app`). Nothing is
    /// written: merging would mix two contracts.
    #[error(
        "{} holds the pact between \"{}\" and \"{}\", not between \"{}\" and \"{}\": the names map to one file name (rename a pacticipant or write to another pact dir)",
        path.display(), existing.0, existing.1, new.0, new.1
    )]
    PairClash {
        /// The pact file.
        path: PathBuf,
        /// The consumer and provider of the pact in the file.
        existing: (String, String),
        /// The consumer and provider of the pact being written.
        new: (String, String),
    },
    /// The pact uses what its specification version cannot hold ([`Pact::lost_in`]); writing
    /// it would drop that. Nothing is written.
    #[error("{} cannot be written as pact specification {spec} without losing: {}", path.display(), lost.join("; "))]
    Unsupported {
        /// The pact file.
        path: PathBuf,
        /// The version it would be written as.
        spec: pact_core::model::SpecVersion,
        /// What would be lost, one entry each.
        lost: Vec<String>,
    },
    /// The settings (`[workspace.metadata.pact] pact-dir`) could not be read.
    #[error(transparent)]
    Settings(#[from] pact_settings::SettingsError),
}

/// The file name of the pact between `consumer` and `provider`: `<consumer>-<provider>.json`,
/// as every Pact tool names it. Path separators, characters no Windows file name may hold
/// (`:*?"<>|`) and control characters become `_`, so a name can never place the file
/// elsewhere or fail to be a file name. Two pairs can map to one name (`a-b`/`c` and
/// `a`/`b-c`); [`write_pact`] refuses to merge them ([`WriteError::PairClash`]).
///
/// ```
/// use pact_runtime::pact_writer::pact_file_name;
/// assert_eq!(pact_file_name("web/app", "api"), "web_app-api.json");
/// assert_eq!(pact_file_name("C:web", "a<b>"), "C_web-a_b_.json");
/// ```
pub fn pact_file_name(consumer: &str, provider: &str) -> String {
    let clean = |s: &str| {
        s.chars()
            .map(|c| {
                if c.is_control() || "/\\:*?\"<>|".contains(c) {
                    '_'
                } else {
                    c
                }
            })
            .collect::<String>()
    };
    format!("{}-{}.json", clean(consumer), clean(provider))
}

/// Where pacts go for the package whose manifest directory is `manifest_dir` (a test's
/// `CARGO_MANIFEST_DIR`): the `pact-dir` setting ([`pact_settings::PACT_DIR`]):
/// `PACT_OUTPUT_DIR` when set, else `pact-dir` of `[workspace.metadata.pact]` (both relative
/// to the workspace root), else `<workspace root>/pacts`.
pub fn pact_dir(manifest_dir: &Path) -> Result<PathBuf, WriteError> {
    pact_dir_with(manifest_dir, None)
}

/// [`pact_dir`] for the package whose tests are running: `CARGO_MANIFEST_DIR` (which cargo
/// and nextest set for test processes), else the current directory.
pub fn default_pact_dir() -> Result<PathBuf, WriteError> {
    let manifest = std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_else(|| ".".into());
    pact_dir(Path::new(&manifest))
}

/// [`pact_dir`], with `dir` (a flag's value, say) in place of the setting when given: a
/// relative one is relative to the workspace root too, not to each test process's directory
/// (its package), so that one value gives one pact dir for the whole workspace.
pub fn pact_dir_with(manifest_dir: &Path, dir: Option<&OsStr>) -> Result<PathBuf, WriteError> {
    let settings = pact_settings::Settings::load(manifest_dir)?;
    if let Some(dir) = dir.filter(|d| !d.is_empty()) {
        return Ok(settings.workspace_root().join(dir));
    }
    let dir = settings.dir(&pact_settings::PACT_DIR)?;
    Ok(dir.unwrap_or_else(|| settings.workspace_root().join("pacts")))
}

/// Adds the interactions of `pact` to its file in `dir` (created if needed) and returns the
/// file's path. Safe to call from any number of threads and processes at once.
pub fn write_pact(dir: &Path, pact: &Pact) -> Result<PathBuf, WriteError> {
    fs::create_dir_all(dir).map_err(|source| WriteError::CreateDir {
        path: dir.to_path_buf(),
        source,
    })?;
    let name = pact_file_name(&pact.consumer, &pact.provider);
    let path = dir.join(&name);
    // The lock is on a file of its own: the pact itself is replaced by each write, and a lock
    // on a replaced file would no longer exclude anyone.
    let lock_path = dir.join(format!(".{name}.lock"));
    let lock = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock_path)
        .and_then(|f| f.lock().map(|()| f))
        .map_err(|source| WriteError::Lock {
            path: lock_path.clone(),
            source,
        })?;
    let merged = match fs::read(&path) {
        Ok(bytes) => {
            let existing =
                read_pact_bytes(&bytes, &path.display().to_string()).map_err(|source| {
                    WriteError::InvalidExisting {
                        path: path.clone(),
                        source,
                    }
                })?;
            if (existing.consumer.as_str(), existing.provider.as_str())
                != (pact.consumer.as_str(), pact.provider.as_str())
            {
                return Err(WriteError::PairClash {
                    path,
                    existing: (existing.consumer, existing.provider),
                    new: (pact.consumer.clone(), pact.provider.clone()),
                });
            }
            merge(existing, pact)
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => merge(
            Pact {
                interactions: Vec::new(),
                ..pact.clone()
            },
            pact,
        ),
        Err(source) => {
            return Err(WriteError::Io {
                action: "read",
                path,
                source,
            })
        }
    };
    // The new interactions as they are, in the version the file will have: the merge keeps
    // them as that version writes them, so what it cannot hold would be gone by then.
    let lost = pact.lost_in(merged.spec);
    if !lost.is_empty() {
        return Err(WriteError::Unsupported {
            path,
            spec: merged.spec,
            lost,
        });
    }
    replace(&path, merged.to_json_string(merged.spec).as_bytes())?;
    drop(lock);
    Ok(path)
}

/// `existing` with the interactions of `new` added, each replacing the one with its key (so
/// the last of several with one key wins).
fn merge(mut existing: Pact, new: &Pact) -> Pact {
    existing.spec = existing.spec.max(new.spec);
    for (k, v) in &new.metadata {
        existing.metadata.insert(k.clone(), v.clone());
    }
    // Keys are compared as the file holds them: a V2 pact keeps one state name and no
    // params, and a key computed from the builder's richer form would never match again,
    // adding a copy on every run.
    let as_written = read_pact(&new.to_json_string(existing.spec), "")
        .map(|p| p.interactions)
        .unwrap_or_else(|_| new.interactions.clone());
    for interaction in &as_written {
        let key = interaction.info().key();
        match existing
            .interactions
            .iter_mut()
            .find(|i| i.info().key() == key)
        {
            Some(slot) => *slot = interaction.clone(),
            None => existing.interactions.push(interaction.clone()),
        }
    }
    existing
}

/// Writes `bytes` to a temporary file beside `path`, flushes it to disk and renames it over
/// `path`, so the pact is always either the old or the new text.
fn replace(path: &Path, bytes: &[u8]) -> Result<(), WriteError> {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let file_name = path
        .file_name()
        .and_then(OsStr::to_str)
        .unwrap_or("pact.json");
    let tmp = path.with_file_name(format!(
        ".{file_name}.{}.{}.tmp",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    ));
    let written = File::create(&tmp)
        .and_then(|mut f| f.write_all(bytes).and_then(|()| f.sync_all()))
        .map_err(|source| WriteError::Io {
            action: "write",
            path: tmp.clone(),
            source,
        })
        .and_then(|()| {
            fs::rename(&tmp, path).map_err(|source| WriteError::Io {
                action: "replace",
                path: path.to_path_buf(),
                source,
            })
        });
    if written.is_err() {
        // Nothing is lost: the pact is untouched, and the partial temporary file goes.
        let _ = fs::remove_file(&tmp);
    }
    written
}
