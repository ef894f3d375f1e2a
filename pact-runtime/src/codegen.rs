//! Provider-state handlers generated from the pacts, for a provider's `build.rs`.
//!
//! The generated file declares a trait with one method per provider state that the pacts
//! of the provider use, its parameters typed from their JSON values, and the glue that
//! routes state changes to it. A pact that gains a state makes the provider fail to compile
//! until it handles the state; a state no pact uses any more is an error too (its method is
//! no longer in the trait).
//!
//! `build.rs` of a provider, with `pact-runtime = { default-features = false, features =
//! ["codegen"] }` as a build dependency (which compiles neither warp, tokio nor reqwest):
//!
//! ```no_run
//! // build.rs
//! pact_runtime::codegen::build_script("Provider").unwrap();
//! ```
//!
//! and in the provider, with `pact-runtime = { features = ["provider"] }`:
//!
//! ```ignore
//! include!(concat!(env!("OUT_DIR"), "/pact_states.rs"));
//!
//! struct Builds;
//! impl ProviderStateHandlers for Builds {
//!     async fn build_3455_exists(&self, id: i64) -> Result<StateValues, StateError> { ... }
//! }
//! let routes = state_filter(Builds).or(api);
//! ```

use crate::pact_writer::{pact_dir, WriteError};
use pact_core::model::read_pact_bytes;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;
use std::path::{Path, PathBuf};

/// Why the handlers could not be generated.
#[derive(Debug, thiserror::Error)]
pub enum CodegenError {
    /// The pact dir could not be listed or a pact read.
    #[error("could not read {path}")]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// A pact is not valid; the message names the file and where.
    #[error(transparent)]
    Pact(#[from] pact_core::error::PactError),
    /// The pact dir could not be worked out.
    #[error(transparent)]
    PactDir(#[from] WriteError),
    /// `OUT_DIR` or `CARGO_MANIFEST_DIR` is not set: not running under cargo.
    #[error("{0} is not set: build_script() must run from a build script")]
    Env(&'static str),
}

/// The JSON types a parameter was seen with, to choose its Rust type.
#[derive(Debug, Default, Clone)]
struct ParamUse {
    kinds: BTreeSet<&'static str>,
    /// Interactions of the state that had this parameter.
    seen: usize,
}

#[derive(Debug, Default)]
struct StateUse {
    /// `Consumer: "description"` lines.
    needed_by: BTreeSet<String>,
    occurrences: usize,
    params: BTreeMap<String, ParamUse>,
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Number(n) if n.is_i64() => "i64",
        Value::Number(_) => "f64",
        Value::Bool(_) => "bool",
        Value::String(_) => "::std::string::String",
        _ => "::pact_runtime::__private::serde_json::Value",
    }
}

impl ParamUse {
    fn rust_type(&self, occurrences: usize) -> String {
        let base = match self.kinds.iter().copied().collect::<Vec<_>>()[..] {
            [one] => one.to_string(),
            ["f64", "i64"] => "f64".to_string(),
            _ => "::pact_runtime::__private::serde_json::Value".to_string(),
        };
        if self.seen < occurrences {
            format!("::core::option::Option<{base}>")
        } else {
            base
        }
    }
}

const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern",
    "false", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut",
    "pub", "ref", "return", "self", "Self", "static", "struct", "super", "trait", "true", "type",
    "unsafe", "use", "where", "while", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "typeof", "unsized", "virtual", "yield", "try", "teardown", "setup",
];

/// A snake_case identifier for free text: `"build 3455 exists"` → `build_3455_exists`.
///
/// ```
/// use pact_runtime::codegen::identifier;
/// assert_eq!(identifier("Build #3455 exists!"), "build_3455_exists");
/// assert_eq!(identifier("3 builds"), "state_3_builds");
/// assert_eq!(identifier("type"), "type_");
/// ```
pub fn identifier(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('_') && !out.is_empty() {
            out.push('_');
        }
    }
    let mut out = out.trim_end_matches('_').to_string();
    if out.is_empty() {
        out = "empty".into();
    }
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        out = format!("state_{out}");
    }
    if KEYWORDS.contains(&out.as_str()) {
        out.push('_');
    }
    out
}

/// Distinct identifiers for a state's parameters, in key order (`id` and `ID` would clash).
fn param_names(params: &BTreeMap<String, ParamUse>) -> Vec<String> {
    let mut taken = BTreeSet::new();
    params
        .keys()
        .map(|key| unique(&mut taken, identifier(key)))
        .collect()
}

/// `base`, or `base_2`, `base_3`... whichever is not taken yet; then it is.
fn unique(taken: &mut BTreeSet<String>, base: String) -> String {
    let mut name = base.clone();
    let mut n = 2;
    while !taken.insert(name.clone()) {
        name = format!("{base}_{n}");
        n += 1;
    }
    name
}

fn doc_text(s: &str) -> String {
    s.replace(['\n', '\r'], " ")
}

/// Generates the handlers for the states of `provider`'s pacts in `dir` (a missing dir
/// has no pacts). The output depends only on the pacts' contents, not on file order.
///
/// ```
/// let dir = std::env::temp_dir().join(format!("pact-codegen-doc-{}", std::process::id()));
/// let code = pact_runtime::codegen::generate(&dir, "Provider").unwrap();
/// assert!(code.contains("pub trait ProviderStateHandlers"));
/// ```
pub fn generate(dir: &Path, provider: &str) -> Result<String, CodegenError> {
    let mut states: BTreeMap<String, StateUse> = BTreeMap::new();
    let mut sources = BTreeSet::new();
    if dir.exists() {
        let entries = std::fs::read_dir(dir).map_err(|source| CodegenError::Io {
            path: dir.to_path_buf(),
            source,
        })?;
        let mut paths: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .collect();
        paths.sort();
        for path in paths {
            let bytes = std::fs::read(&path).map_err(|source| CodegenError::Io {
                path: path.clone(),
                source,
            })?;
            let pact = read_pact_bytes(&bytes, &path.display().to_string())?;
            if pact.provider != provider {
                continue;
            }
            sources.insert(pact.consumer.clone());
            for interaction in &pact.interactions {
                let info = interaction.info();
                for state in &info.provider_states {
                    let entry = states.entry(state.name.clone()).or_default();
                    entry
                        .needed_by
                        .insert(format!("{}: \"{}\"", pact.consumer, info.description));
                    entry.occurrences += 1;
                    for (name, value) in &state.params {
                        let p = entry.params.entry(name.clone()).or_default();
                        p.kinds.insert(kind(value));
                        p.seen += 1;
                    }
                }
            }
        }
    }
    Ok(render(dir, provider, &sources, &states))
}

fn render(
    dir: &Path,
    provider: &str,
    consumers: &BTreeSet<String>,
    states: &BTreeMap<String, StateUse>,
) -> String {
    const P: &str = "::pact_runtime::__private";
    let mut names = BTreeMap::new();
    let mut taken = BTreeSet::new();
    for state in states.keys() {
        names.insert(state.clone(), unique(&mut taken, identifier(state)));
    }
    let mut out = String::new();
    let _ = writeln!(
        out,
        "// @generated by pact-runtime's codegen from the pacts for {provider:?} in {:?}.\n\
         // Do not edit: implement `ProviderStateHandlers` instead.",
        dir.display().to_string()
    );
    let _ = writeln!(
        out,
        "\n/// The provider states that the pacts for {} need.\n///\n/// Consumers: {}.",
        doc_text(provider),
        if consumers.is_empty() {
            "none yet (no pacts found)".to_string()
        } else {
            consumers
                .iter()
                .map(|c| doc_text(c))
                .collect::<Vec<_>>()
                .join(", ")
        }
    );
    out.push_str("pub trait ProviderStateHandlers: ::core::marker::Send + ::core::marker::Sync + 'static {\n");
    for (state, usage) in states {
        let _ = writeln!(
            out,
            "    /// Sets up the provider state \"{}\".\n    ///\n    /// Needed by:",
            doc_text(state)
        );
        for n in &usage.needed_by {
            let _ = writeln!(out, "    /// - {}", doc_text(n));
        }
        let params: Vec<String> = param_names(&usage.params)
            .iter()
            .zip(usage.params.values())
            .map(|(name, p)| format!("{name}: {}", p.rust_type(usage.occurrences)))
            .collect();
        let _ = writeln!(
            out,
            "    fn {}(&self{}) -> impl ::core::future::Future<Output = ::core::result::Result<{P}::StateValues, {P}::StateError>> + ::core::marker::Send;\n",
            names[state],
            params.iter().map(|p| format!(", {p}")).collect::<String>()
        );
    }
    let _ = writeln!(
        out,
        "    /// Removes what a setup made: called after each interaction with its states.\n    /// Does nothing unless implemented.\n    fn teardown(&self, state: &str, params: &{P}::serde_json::Map<::std::string::String, {P}::serde_json::Value>) -> impl ::core::future::Future<Output = ::core::result::Result<(), {P}::StateError>> + ::core::marker::Send {{\n        let _ = (state, params);\n        async {{ ::core::result::Result::Ok(()) }}\n    }}\n}}\n"
    );
    let _ = writeln!(
        out,
        "/// Routes the verifier's state changes to a [`ProviderStateHandlers`].\npub struct StateRouter<T>(pub T);\n\nimpl<T: ProviderStateHandlers> {P}::ProviderStates for StateRouter<T> {{\n    async fn setup(&self, change: &{P}::StateChange) -> ::core::result::Result<{P}::StateValues, {P}::StateError> {{\n        match change.state.as_str() {{"
    );
    for (state, usage) in states {
        let args: String = usage
            .params
            .keys()
            .map(|name| format!(", {P}::state_param(change, {name:?})?"))
            .collect();
        let _ = writeln!(
            out,
            "            {state:?} => self.0.{}({}).await,",
            names[state],
            args.trim_start_matches(", ")
        );
    }
    let _ = writeln!(
        out,
        "            \"\" => ::core::result::Result::Ok({P}::StateValues::new()),\n            other => ::core::result::Result::Err({P}::StateError::unknown_state(other)),\n        }}\n    }}\n\n    async fn teardown(&self, change: &{P}::StateChange) -> ::core::result::Result<(), {P}::StateError> {{\n        self.0.teardown(&change.state, &change.params).await\n    }}\n}}\n"
    );
    let _ = writeln!(
        out,
        "/// Serves `POST /api/_pact/state` with `handlers`, for `cargo pact verify --provider-states-setup-url`.\npub fn state_filter<T: ProviderStateHandlers>(handlers: T) -> {P}::StateFilter {{\n    {P}::state_filter(StateRouter(handlers))\n}}"
    );
    out
}

/// For `build.rs`: generates the handlers for `provider` from the pact dir of the package
/// being built into `$OUT_DIR/pact_states.rs`, and tells cargo to run again when the pacts
/// change. Returns the generated file's path.
pub fn build_script(provider: &str) -> Result<PathBuf, CodegenError> {
    let manifest =
        std::env::var_os("CARGO_MANIFEST_DIR").ok_or(CodegenError::Env("CARGO_MANIFEST_DIR"))?;
    let out_dir = std::env::var_os("OUT_DIR").ok_or(CodegenError::Env("OUT_DIR"))?;
    let dir = pact_dir(Path::new(&manifest))?;
    println!("cargo::rerun-if-changed={}", dir.display());
    println!("cargo::rerun-if-env-changed=PACT_OUTPUT_DIR");
    let code = generate(&dir, provider)?;
    if !dir.exists() {
        println!(
            "cargo::warning=no pact dir at {}: no provider states for {provider}",
            dir.display()
        );
    }
    let path = Path::new(&out_dir).join("pact_states.rs");
    // Rewriting identical output would make cargo rebuild the crate for nothing.
    if std::fs::read_to_string(&path).ok().as_deref() != Some(code.as_str()) {
        std::fs::write(&path, code).map_err(|source| CodegenError::Io {
            path: path.clone(),
            source,
        })?;
    }
    Ok(path)
}
