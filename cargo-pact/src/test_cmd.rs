//! `cargo pact test`: the consumer tests, with the pact dir cleared first.

use crate::cli::TestArgs;
use crate::Failure;
use anyhow::{anyhow, Context};
use std::path::Path;
use std::process::{Command, ExitCode};

/// Removes the pact files of `dir` (`*.json` files that read as pacts), leaving anything
/// else; returns how many.
fn clear_pacts(dir: &Path) -> anyhow::Result<usize> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(0),
        Err(e) => return Err(anyhow!(e).context(format!("could not list {}", dir.display()))),
    };
    let mut removed = 0;
    for entry in entries {
        let path = entry?.path();
        let is_pact = path.extension().is_some_and(|x| x == "json")
            && std::fs::read(&path).is_ok_and(|bytes| {
                pact_runtime::pact_core::model::read_pact_bytes(&bytes, "").is_ok()
            });
        if is_pact {
            std::fs::remove_file(&path)
                .with_context(|| format!("could not remove {}", path.display()))?;
            removed += 1;
        }
    }
    Ok(removed)
}

/// Clears the pact dir and runs `cargo test` with the given arguments.
pub fn run(args: TestArgs) -> Result<ExitCode, Failure> {
    let dir = match args.pact_dir {
        Some(dir) => dir,
        None => {
            let cwd = std::env::current_dir()
                .context("could not read the current directory")
                .map_err(Failure::input)?;
            pact_runtime::pact_writer::pact_dir(&cwd).map_err(|e| Failure::input(anyhow!(e)))?
        }
    };
    let removed = clear_pacts(&dir).map_err(Failure::input)?;
    eprintln!("cleared {removed} pact file(s) from {}", dir.display());
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let status = Command::new(cargo)
        .arg("test")
        .args(&args.cargo_args)
        .env("PACT_OUTPUT_DIR", &dir)
        .status()
        .context("could not run cargo test")
        .map_err(Failure::input)?;
    Ok(match status.code() {
        Some(0) => ExitCode::SUCCESS,
        Some(code) => ExitCode::from(u8::try_from(code).unwrap_or(1)),
        None => ExitCode::FAILURE,
    })
}

#[cfg(test)]
mod tests {
    use super::clear_pacts;

    #[test]
    fn clears_only_pact_files() {
        let dir = std::env::temp_dir().join(format!("cargo-pact-clear-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let pact = r#"{"consumer":{"name":"A"},"provider":{"name":"B"},"interactions":[]}"#;
        std::fs::write(dir.join("A-B.json"), pact).unwrap();
        std::fs::write(dir.join("notes.txt"), "keep").unwrap();
        std::fs::write(dir.join("package.json"), r#"{"name": "not a pact"}"#).unwrap();
        assert_eq!(clear_pacts(&dir).unwrap(), 1);
        assert!(!dir.join("A-B.json").exists());
        assert!(dir.join("notes.txt").exists() && dir.join("package.json").exists());
        assert_eq!(clear_pacts(&dir.join("absent")).unwrap(), 0);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
