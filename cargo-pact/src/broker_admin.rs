//! What the broker administration commands share: the defaults they take from the package
//! (pacticipant, version), a broker session that starts at the index and follows its links
//! as the official clients do, errors that name what the broker does not know, and output.
//!
//! A name the broker does not know (a pacticipant, a version, an environment) is the
//! user's mistake and exits 2 (`Failure::input`); anything else the broker refuses or
//! fails at exits 4 (`Failure::broker`).

use crate::cli::{AdminArgs, BrokerConnArgs, Output};
use crate::settings::LazyMetadata;
use crate::Failure;
use anyhow::anyhow;
use pact_runtime::broker::{BrokerClient, BrokerError, HalDocument, Link};
use serde_json::Value;
use std::future::Future;

/// Runs a command's broker calls on a runtime of their own.
pub fn block_on<T>(work: impl Future<Output = Result<T, Failure>>) -> Result<T, Failure> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::input(anyhow!(e).context("could not start the async runtime")))?
        .block_on(work)
}

/// A broker error while `doing` something, as the command's failure (exit 4).
pub fn broker_failure(doing: &str, error: BrokerError) -> Failure {
    Failure::broker(anyhow::Error::new(error).context(format!("could not {doing}")))
}

/// The pacticipant given, else the package's, by the rule `can-i-deploy` follows
/// ([`crate::can_i_deploy::own_pacticipant`]): a provider package (one that says where
/// `verify` finds it) is its `provider` setting, any other its `consumer` setting (its
/// `provider` setting names the other side), else the package name.
pub fn pacticipant(given: Option<&str>, meta: &mut LazyMetadata) -> Result<String, Failure> {
    if let Some(name) = given {
        return Ok(name.to_string());
    }
    let setting = |meta: &mut LazyMetadata, key| meta.optional_string(key).map_err(Failure::input);
    let is_provider = setting(meta, &pact_settings::PROVIDER_BASE_URL)?.is_some()
        || setting(meta, &pact_settings::STATE_CHANGE_URL)?.is_some();
    let consumer = setting(meta, &pact_settings::CONSUMER)?;
    let provider = setting(meta, &pact_settings::PROVIDER)?;
    let package_name = meta
        .get()
        .ok()
        .and_then(|m| m.package_name().map(str::to_string));
    crate::can_i_deploy::own_pacticipant(is_provider, consumer, provider, package_name.as_deref())
        .ok_or_else(|| {
            Failure::input(anyhow!(
            "no pacticipant: give --pacticipant (there is no cargo package here to take it from)"
        ))
        })
}

/// The version given, else the package's pipeline version (`<version>+<short sha>`).
pub fn version(given: Option<&str>, meta: &mut LazyMetadata) -> Result<String, Failure> {
    if let Some(v) = given {
        return Ok(v.to_string());
    }
    let m = meta
        .get()
        .map_err(|e| Failure::input(e.context("no version: give --version")))?;
    crate::vcs::package_version(m).ok_or_else(|| {
        Failure::input(anyhow!(
            "no version: give --version (there is no cargo package here to take it from)"
        ))
    })
}

/// The href of the environment called `name` in the broker's environment list: the
/// `pb:environments` link with that name (how the Ruby CLI finds it), else the
/// `_links.self` of the `_embedded.environments` entry with that name (how the Rust CLI
/// does). `Err` holds the names there are, to say which would do.
pub fn find_environment(list: &Value, name: &str) -> Result<String, Vec<String>> {
    let doc = HalDocument::new("", list.clone());
    if let Some(link) = doc
        .links("pb:environments")
        .into_iter()
        .find(|l| l.name.as_deref() == Some(name))
    {
        return Ok(link.href);
    }
    let embedded = list
        .pointer("/_embedded/environments")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default();
    if let Some(href) = embedded
        .iter()
        .find(|e| e["name"] == name)
        .and_then(|e| e.pointer("/_links/self/href"))
        .and_then(Value::as_str)
    {
        return Ok(href.to_string());
    }
    let mut names: Vec<String> = embedded
        .iter()
        .filter_map(|e| e["name"].as_str().map(str::to_string))
        .chain(
            doc.links("pb:environments")
                .into_iter()
                .filter_map(|l| l.name),
        )
        .collect();
    names.sort();
    names.dedup();
    Err(names)
}

/// "no environment named 'x' on the broker (it has: a, b)".
pub fn unknown_environment(name: &str, known: &[String]) -> Failure {
    let known = if known.is_empty() {
        "it has none; create-environment makes one".to_string()
    } else {
        format!("it has: {}", known.join(", "))
    };
    Failure::input(anyhow!(
        "no environment named '{name}' on the Pact Broker ({known})"
    ))
}

/// A broker reached through its index.
pub struct Session {
    /// The client.
    pub broker: BrokerClient,
    /// The index, where every flow starts.
    pub index: HalDocument,
}

impl Session {
    /// Connects (broker URL and credentials from the flags, variables or settings) and
    /// reads the index.
    pub async fn open(conn: &BrokerConnArgs, meta: &mut LazyMetadata) -> Result<Session, Failure> {
        let broker = conn.client(meta)?;
        let index = broker
            .index()
            .await
            .map_err(|e| broker_failure("read the Pact Broker's index", e))?;
        Ok(Session { broker, index })
    }

    /// The index's link for `relation`; a broker without it cannot do what was asked.
    pub fn link(&self, relation: &str) -> Result<Link, Failure> {
        self.index.require_link(relation).map_err(|e| {
            Failure::broker(anyhow::Error::new(e).context("this Pact Broker does not offer it"))
        })
    }

    /// Whether the broker has pacticipant `name` (through the index's `pb:pacticipant`).
    pub async fn has_pacticipant(&self, name: &str) -> Result<bool, Failure> {
        let href = self
            .link("pb:pacticipant")?
            .expand(&[("pacticipant", name)]);
        match self.broker.get(&href).await {
            Ok(_) => Ok(true),
            Err(e) if e.is_not_found() => Ok(false),
            Err(e) => Err(broker_failure(&format!("look up pacticipant {name}"), e)),
        }
    }

    /// The failure for a 404 on a version of `pacticipant`: naming the pacticipant when
    /// the broker does not know it, else `what` (the version).
    pub async fn missing(&self, pacticipant: &str, what: String) -> Failure {
        match self.has_pacticipant(pacticipant).await {
            Ok(false) => Failure::input(anyhow!(
                "pacticipant {pacticipant} not found on the Pact Broker"
            )),
            Ok(true) => Failure::input(anyhow!("{what} not found on the Pact Broker")),
            Err(f) => f,
        }
    }

    /// Version `version` of `pacticipant`, through the index's `pb:pacticipant-version`.
    pub async fn version(&self, pacticipant: &str, version: &str) -> Result<HalDocument, Failure> {
        let href = self
            .link("pb:pacticipant-version")?
            .expand(&[("pacticipant", pacticipant), ("version", version)]);
        match self.broker.get(&href).await {
            Ok(doc) => Ok(doc),
            Err(e) if e.is_not_found() => Err(self
                .missing(pacticipant, format!("version {version} of {pacticipant}"))
                .await),
            Err(e) => Err(broker_failure(
                &format!("read version {version} of {pacticipant}"),
                e,
            )),
        }
    }

    /// The broker's environment list (the index's `pb:environments`).
    pub async fn environments(&self) -> Result<HalDocument, Failure> {
        let href = self.link("pb:environments")?.href;
        self.broker
            .get(&href)
            .await
            .map_err(|e| broker_failure("list the environments", e))
    }

    /// The environment called `name`, found in the list and then read.
    pub async fn environment_named(&self, name: &str) -> Result<HalDocument, Failure> {
        let list = self.environments().await?;
        let href = find_environment(list.json(), name)
            .map_err(|known| unknown_environment(name, &known))?;
        self.broker
            .get(&href)
            .await
            .map_err(|e| broker_failure(&format!("read environment {name}"), e))
    }
}

impl AdminArgs {
    /// Sends the request log (`--log-level`) to stderr, and returns the settings of the
    /// package at `--manifest-path` (else the current directory's), read only if a default
    /// is needed.
    pub fn start(&self) -> LazyMetadata {
        self.log.install();
        LazyMetadata::new(self.manifest_path.clone())
    }
}

/// Prints `text` (lines for people) or `json` (the broker's answer), as `output` says.
pub fn print(output: Output, text: &str, json: &Value) {
    match output {
        Output::Table => {
            if !text.is_empty() {
                println!("{}", text.trim_end());
            }
        }
        Output::Json => println!(
            "{}",
            serde_json::to_string_pretty(json).expect("JSON values serialise")
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// The list as both a recorded broker and ours serve it.
    fn list() -> Value {
        json!({
            "_embedded": {"environments": [
                {"uuid": "u1", "name": "production", "_links": {"self": {"href": "http://b/environments/u1"}}},
                {"uuid": "u2", "name": "test", "_links": {"self": {"href": "http://b/environments/u2"}}}
            ]},
            "_links": {"pb:environments": [
                {"title": "Environment", "name": "production", "href": "http://b/environments/u1"},
                {"title": "Environment", "name": "test", "href": "http://b/environments/u2"}
            ]}
        })
    }

    #[test]
    fn environments_are_found_by_exact_name() {
        assert_eq!(
            find_environment(&list(), "test").unwrap(),
            "http://b/environments/u2"
        );
        assert_eq!(
            find_environment(&list(), "Production").unwrap_err(),
            ["production", "test"]
        );
        let embedded_only = json!({"_embedded": list()["_embedded"].clone()});
        assert_eq!(
            find_environment(&embedded_only, "production").unwrap(),
            "http://b/environments/u1"
        );
        assert_eq!(
            find_environment(&json!({}), "x").unwrap_err(),
            Vec::<String>::new()
        );
    }

    #[test]
    fn an_unknown_environment_is_named_with_the_known_ones() {
        let f = unknown_environment("staging", &["production".into(), "test".into()]);
        assert_eq!(f.code, 2);
        assert_eq!(
            f.error.to_string(),
            "no environment named 'staging' on the Pact Broker (it has: production, test)"
        );
        let none = unknown_environment("staging", &[]);
        assert!(
            none.error.to_string().contains("create-environment"),
            "{}",
            none.error
        );
    }
}
