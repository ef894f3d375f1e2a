//! `cargo pact test`: the consumer tests, with the pacts they write cleared first, so
//! interactions a test no longer declares do not linger. Only the pacts of the consumers
//! whose tests run are removed (a consumer is its package's name, as the macro has it):
//! other pacts in the dir, such as the committed ones a provider's `build.rs` reads, stay.

use crate::cli::TestArgs;
use crate::Failure;
use anyhow::{anyhow, Context};
use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Command, ExitCode};

/// Removes the pact files of `dir` (`*.json` files that read as pacts) whose consumer is
/// one of `consumers`, leaving anything else; returns how many.
fn clear_pacts(dir: &Path, consumers: &BTreeSet<String>) -> anyhow::Result<usize> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(0),
        Err(e) => return Err(anyhow!(e).context(format!("could not list {}", dir.display()))),
    };
    let mut removed = 0;
    for entry in entries {
        let path = entry?.path();
        if path.extension().is_none_or(|x| x != "json") {
            continue;
        }
        let Ok(bytes) = std::fs::read(&path) else {
            continue;
        };
        let ours = pact_runtime::pact_core::model::read_pact_bytes(&bytes, "")
            .is_ok_and(|pact| consumers.contains(&pact.consumer));
        if ours {
            std::fs::remove_file(&path)
                .with_context(|| format!("could not remove {}", path.display()))?;
            removed += 1;
        }
    }
    Ok(removed)
}

/// The packages `cargo test <cargo_args>` tests, as cargo picks them: `-p`/`--package`
/// (repeatable), `--workspace`/`--all` less `--exclude`, else the package of the current
/// directory, else (at a virtual workspace root) the default members.
fn tested_packages(cargo_args: &[String]) -> anyhow::Result<BTreeSet<String>> {
    let mut named = BTreeSet::new();
    let mut excluded = BTreeSet::new();
    let mut workspace = false;
    let mut manifest_path = None;
    let mut args = cargo_args.iter();
    // Arguments after `--` go to the test binaries, not to cargo.
    while let Some(arg) = args.next().filter(|a| *a != "--") {
        let mut value = |flag: &str| -> Option<String> {
            if arg == flag {
                return args.next().cloned();
            }
            arg.strip_prefix(&format!("{flag}="))
                .map(str::to_string)
                .or_else(|| {
                    (flag == "-p" && arg.len() > 2 && arg.starts_with("-p"))
                        .then(|| arg[2..].to_string())
                })
        };
        if let Some(p) = value("-p").or_else(|| value("--package")) {
            named.insert(p);
        } else if let Some(p) = value("--exclude") {
            excluded.insert(p);
        } else if let Some(p) = value("--manifest-path") {
            manifest_path = Some(p);
        } else if arg == "--workspace" || arg == "--all" {
            workspace = true;
        }
    }
    if !named.is_empty() && !workspace {
        return Ok(named);
    }
    let mut command = cargo_metadata::MetadataCommand::new();
    command.no_deps();
    if let Some(path) = &manifest_path {
        command.manifest_path(path);
    }
    let metadata = command
        .exec()
        .context("could not read the cargo metadata to find the packages tested")?;
    if workspace {
        return Ok(metadata
            .workspace_packages()
            .iter()
            .map(|p| p.name.to_string())
            .filter(|n| !excluded.contains(n))
            .collect());
    }
    let cwd = std::env::current_dir().context("could not read the current directory")?;
    let here = metadata
        .workspace_packages()
        .into_iter()
        .filter(|p| p.manifest_path.parent().is_some_and(|d| cwd.starts_with(d)))
        .max_by_key(|p| p.manifest_path.components().count());
    Ok(match here {
        Some(package) => BTreeSet::from([package.name.to_string()]),
        None => metadata
            .workspace_default_packages()
            .iter()
            .map(|p| p.name.to_string())
            .collect(),
    })
}

/// Clears the pacts of the consumers tested and runs `cargo test` with the given arguments.
pub fn run(args: TestArgs) -> Result<ExitCode, Failure> {
    let cwd = std::env::current_dir()
        .context("could not read the current directory")
        .map_err(Failure::input)?;
    // As the pact writer resolves it: a relative dir is relative to the workspace root.
    let dir = match &args.pact_dir {
        Some(dir) => pact_runtime::pact_writer::pact_dir_with(&cwd, Some(dir.as_os_str())),
        None => pact_runtime::pact_writer::pact_dir(&cwd),
    }
    .map_err(|e| Failure::input(anyhow!(e)))?;
    let consumers = tested_packages(&args.cargo_args).map_err(Failure::input)?;
    let removed = clear_pacts(&dir, &consumers).map_err(Failure::input)?;
    eprintln!(
        "cleared {removed} pact file(s) of {} from {}",
        consumers.iter().cloned().collect::<Vec<_>>().join(", "),
        dir.display()
    );
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
    use super::{clear_pacts, tested_packages};
    use std::collections::BTreeSet;

    #[test]
    fn clears_only_the_pacts_of_the_consumers_tested() {
        let dir = std::env::temp_dir().join(format!("cargo-pact-clear-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let pact = |c: &str| {
            format!(
                r#"{{"consumer":{{"name":"{c}"}},"provider":{{"name":"B"}},"interactions":[]}}"#
            )
        };
        std::fs::write(dir.join("A-B.json"), pact("A")).unwrap();
        std::fs::write(dir.join("Other-B.json"), pact("Other")).unwrap();
        std::fs::write(dir.join("notes.txt"), "keep").unwrap();
        std::fs::write(dir.join("package.json"), r#"{"name": "not a pact"}"#).unwrap();
        assert_eq!(
            clear_pacts(&dir, &BTreeSet::from(["A".to_string()])).unwrap(),
            1
        );
        assert!(!dir.join("A-B.json").exists());
        assert!(
            dir.join("Other-B.json").exists(),
            "another consumer's pact stays"
        );
        assert!(dir.join("notes.txt").exists() && dir.join("package.json").exists());
        assert_eq!(
            clear_pacts(&dir.join("absent"), &BTreeSet::new()).unwrap(),
            0
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn the_packages_tested_are_read_from_cargo_s_arguments() {
        let args = |a: &[&str]| a.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let set = |a: &[&str]| a.iter().map(|s| s.to_string()).collect::<BTreeSet<_>>();
        assert_eq!(
            tested_packages(&args(&[
                "-p",
                "a",
                "--package=b",
                "-pc",
                "--",
                "-p",
                "not-cargo"
            ]))
            .unwrap(),
            set(&["a", "b", "c"])
        );
        // This crate's own directory: its package.
        assert_eq!(
            tested_packages(&args(&["--lib"])).unwrap(),
            set(&["cargo-pact"])
        );
        let all = tested_packages(&args(&["--workspace", "--exclude", "pact-e2e"])).unwrap();
        assert!(
            all.contains("pact-runtime") && all.contains("cargo-pact"),
            "{all:?}"
        );
        assert!(!all.contains("pact-e2e"), "{all:?}");
    }
}
