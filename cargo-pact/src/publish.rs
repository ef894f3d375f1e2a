//! `cargo pact publish`: the consumer's pacts to a Pact Broker, under the version and branch
//! the pipeline builds, as the official CLIs publish them: all the contracts of a consumer
//! in one `POST /contracts/publish` (the older `PUT` of each pact, then its tags and branch,
//! on a broker whose index has no `pb:publish-contracts`).

use crate::cli::{Output, PublishArgs};
use crate::settings::LazyMetadata;
use crate::Failure;
use anyhow::anyhow;
use base64::Engine as _;
use pact_runtime::broker::{BrokerClient, BrokerError, HalDocument};
use serde_json::{json, Value};
use std::path::PathBuf;
use std::process::ExitCode;

/// One pact file, read and checked.
#[derive(Debug, Clone)]
pub struct Contract {
    /// Where it was read from.
    pub file: PathBuf,
    /// Its consumer's name.
    pub consumer: String,
    /// Its provider's name.
    pub provider: String,
    /// The file's bytes, sent as they are so the broker's content sha is the file's.
    pub bytes: Vec<u8>,
}

/// The pact files among `paths`: files as given, and the `*.json` files of directories
/// (sorted, not recursive), each read and checked as a pact. The first one that does not
/// read is the error, naming its file; nothing is sent until every file has been read.
pub fn read_contracts(paths: &[PathBuf]) -> anyhow::Result<Vec<Contract>> {
    let mut files = Vec::new();
    for path in paths {
        if path.is_dir() {
            let mut in_dir: Vec<PathBuf> = std::fs::read_dir(path)
                .map_err(|e| anyhow!("cannot read the pact dir {}: {e}", path.display()))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "json") && p.is_file())
                .collect();
            in_dir.sort();
            files.extend(in_dir);
        } else {
            files.push(path.clone());
        }
    }
    files
        .into_iter()
        .map(|file| {
            let bytes = std::fs::read(&file)
                .map_err(|e| anyhow!("cannot read the pact {}: {e}", file.display()))?;
            let pact = pact_runtime::pact_core::model::read_pact_bytes(
                &bytes,
                &file.display().to_string(),
            )?;
            Ok(Contract {
                consumer: pact.consumer.clone(),
                provider: pact.provider.clone(),
                file,
                bytes,
            })
        })
        .collect()
}

/// What is published with the contracts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Publication {
    /// The consumer version.
    pub version: String,
    /// Its branch.
    pub branch: Option<String>,
    /// Its tags.
    pub tags: Vec<String>,
    /// The CI build that published.
    pub build_url: Option<String>,
    /// Merge the interactions into a pact this version already published.
    pub merge: bool,
}

/// The `POST /contracts/publish` body for one consumer's contracts, shaped as the Ruby CLI
/// sends it (`tags` always, `onConflict` only to merge).
pub fn publish_body(consumer: &str, contracts: &[&Contract], p: &Publication) -> Value {
    let contracts: Vec<Value> = contracts
        .iter()
        .map(|c| {
            let mut contract = json!({
                "consumerName": c.consumer,
                "providerName": c.provider,
                "specification": "pact",
                "contentType": "application/json",
                "content": base64::engine::general_purpose::STANDARD.encode(&c.bytes),
            });
            if p.merge {
                contract["onConflict"] = json!("merge");
            }
            contract
        })
        .collect();
    let mut body = json!({
        "pacticipantName": consumer,
        "pacticipantVersionNumber": p.version,
        "tags": p.tags,
    });
    if let Some(branch) = &p.branch {
        body["branch"] = json!(branch);
    }
    if let Some(url) = &p.build_url {
        body["buildUrl"] = json!(url);
    }
    body["contracts"] = json!(contracts);
    body
}

/// The contracts grouped by consumer, in the order the consumers first appear.
pub fn by_consumer(contracts: &[Contract]) -> Vec<(&str, Vec<&Contract>)> {
    let mut groups: Vec<(&str, Vec<&Contract>)> = Vec::new();
    for c in contracts {
        match groups.iter_mut().find(|(name, _)| *name == c.consumer) {
            Some((_, list)) => list.push(c),
            None => groups.push((&c.consumer, vec![c])),
        }
    }
    groups
}

/// The broker's notices (`[{type, text}]`), as `(type, text)`.
pub fn notices(response: &Value) -> Vec<(String, String)> {
    response["notices"]
        .as_array()
        .map(|list| {
            list.iter()
                .map(|n| {
                    (
                        n["type"].as_str().unwrap_or("info").to_string(),
                        n["text"].as_str().unwrap_or_default().to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

/// A notice as a line, coloured by its type when `color`.
fn notice_line(kind: &str, text: &str, color: bool) -> String {
    let code = match kind {
        "success" => "32",
        "warning" | "prompt" => "33",
        "error" | "danger" => "31",
        _ => "",
    };
    if color && !code.is_empty() {
        format!("\x1b[{code}m{text}\x1b[0m")
    } else {
        text.to_string()
    }
}

/// The paths to publish: those given, else the workspace's pact dir.
fn paths(args: &PublishArgs, meta: &mut LazyMetadata) -> Result<Vec<PathBuf>, Failure> {
    if !args.paths.is_empty() {
        return Ok(args.paths.clone());
    }
    let m = meta.get().map_err(|e| {
        Failure::input(e.context("no pacts to publish: give pact files or a pact dir"))
    })?;
    let dir = pact_runtime::pact_writer::pact_dir(m.package_dir())
        .map_err(|e| Failure::input(anyhow!(e)))?;
    Ok(vec![dir])
}

/// The version, branch and build URL of `consumer`'s contracts: flags first, then the
/// consumer's package (found by its `consumer` setting or name, from the current package or
/// among the workspace's members), its version in front of the commit the CI's variables
/// or git give.
fn publication(
    args: &PublishArgs,
    meta: &mut LazyMetadata,
    consumer: &str,
) -> Result<Publication, Failure> {
    // Run in a package, that package is the consumer unless a member is named for it.
    let package = match meta.get() {
        Ok(m) => match m
            .package_of(&pact_settings::CONSUMER, consumer)
            .map_err(Failure::input)?
        {
            Some(found) => Some(found),
            None if m.package_name().is_some() => Some(m.clone()),
            None => None,
        },
        Err(_) => None,
    };
    let version = match (&args.consumer_app_version, &package) {
        (Some(v), _) => v.clone(),
        (None, Some(m)) => crate::vcs::package_version(m).ok_or_else(|| {
            Failure::input(anyhow!(
                "no consumer version for {consumer}: its package has no version; give \
                 --consumer-app-version"
            ))
        })?,
        (None, None) => {
            return Err(Failure::input(anyhow!(
                "no consumer version for {consumer}: give --consumer-app-version, or run in \
                 the workspace of the package whose `consumer` setting (or name) is {consumer}"
            )))
        }
    };
    let dir = match (&package, meta.get()) {
        (Some(m), _) => m.package_dir().to_path_buf(),
        (None, Ok(m)) => m.package_dir().to_path_buf(),
        (None, Err(_)) => PathBuf::from("."),
    };
    let branch = args.branch.clone().or_else(|| crate::vcs::branch(&dir));
    let build_url = args.build_url.clone().or_else(crate::vcs::build_url);
    Ok(Publication {
        version,
        branch,
        tags: args.tags.clone(),
        build_url,
        merge: args.merge,
    })
}

/// Runs `cargo pact publish`.
pub fn run(args: PublishArgs) -> Result<ExitCode, Failure> {
    args.log.install();
    let mut meta = LazyMetadata::new(args.manifest_path.clone());
    let paths = paths(&args, &mut meta)?;
    let contracts = read_contracts(&paths).map_err(Failure::input)?;
    if contracts.is_empty() {
        let shown: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
        return Err(Failure::input(anyhow!(
            "no pact files in {} (run the consumer tests first: cargo pact test)",
            shown.join(", ")
        )));
    }
    let mut publications = Vec::new();
    for (consumer, list) in by_consumer(&contracts) {
        publications.push((consumer, list, publication(&args, &mut meta, consumer)?));
    }
    let client = args.broker.client(&mut meta)?;
    let color = args.color.enabled();
    let responses = crate::broker_admin::block_on(async {
        publish_all(&client, &publications)
            .await
            .map_err(|(version, e)| {
                let conflict = e.status() == Some(409);
                let e = anyhow!(e);
                Failure::broker(if conflict {
                    e.context(format!(
                        "the broker refused to change the pact of version {version}. hint: a \
                     published version's pact cannot change; publish under a new version (the \
                     default one includes the git sha, so commit first), or pass --merge to \
                     add the interactions to it"
                    ))
                } else {
                    e.context("publishing failed")
                })
            })
    })?;
    match args.output {
        Output::Json => {
            let all: Vec<Value> = responses.iter().map(|r| r.json().clone()).collect();
            println!(
                "{}",
                serde_json::to_string_pretty(&if all.len() == 1 {
                    all[0].clone()
                } else {
                    Value::Array(all)
                })
                .unwrap_or_default()
            );
        }
        Output::Table => {
            for response in &responses {
                for (kind, text) in notices(response.json()) {
                    if kind != "debug" {
                        println!("{}", notice_line(&kind, &text, color));
                    }
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Publishes each consumer's contracts; a failure comes with the version it was for.
async fn publish_all(
    client: &BrokerClient,
    publications: &[(&str, Vec<&Contract>, Publication)],
) -> Result<Vec<HalDocument>, (String, BrokerError)> {
    let index = client.index().await.map_err(|e| (String::new(), e))?;
    let mut out = Vec::new();
    for (consumer, list, p) in publications {
        let shown: Vec<String> = list.iter().map(|c| c.file.display().to_string()).collect();
        eprintln!(
            "Publishing {} for {consumer} version {}{}",
            shown.join(", "),
            p.version,
            p.branch
                .as_deref()
                .map(|b| format!(" (branch {b})"))
                .unwrap_or_default()
        );
        let published = match index.link("pb:publish-contracts") {
            Some(link) => client
                .post(&link.href, &publish_body(consumer, list, p))
                .await
                .map(|r| vec![r]),
            None => publish_legacy(client, &index, consumer, list, p).await,
        };
        out.extend(published.map_err(|e| (p.version.clone(), e))?);
    }
    Ok(out)
}

/// The pre-2.86 flow: `PUT` each pact under its version, then the tags and the branch
/// through the index's templated links.
async fn publish_legacy(
    client: &BrokerClient,
    index: &HalDocument,
    consumer: &str,
    contracts: &[&Contract],
    p: &Publication,
) -> Result<Vec<HalDocument>, BrokerError> {
    let mut out = Vec::new();
    for c in contracts {
        let pact: Value = serde_json::from_slice(&c.bytes).unwrap_or(Value::Null);
        let href = format!(
            "/pacts/provider/{}/consumer/{}/version/{}",
            segment(&c.provider),
            segment(consumer),
            segment(&p.version)
        );
        let answer = client.put(&href, &pact).await?;
        let mut json = answer.json().clone();
        json["notices"] = json!([{"type": "success", "text": format!(
            "Pact successfully published for {consumer} version {} and provider {}.",
            p.version, c.provider
        )}]);
        out.push(HalDocument::new(answer.url(), json));
    }
    for tag in &p.tags {
        let link = index.require_link("pb:pacticipant-version-tag")?;
        let href = link.expand(&[
            ("pacticipant", consumer),
            ("version", &p.version),
            ("tag", tag),
        ]);
        client.put(&href, &json!({})).await?;
    }
    if let Some(branch) = &p.branch {
        if let Some(link) = index.link("pb:pacticipant-branch-version") {
            let href = link.expand(&[
                ("pacticipant", consumer),
                ("branch", branch),
                ("version", &p.version),
            ]);
            client.put(&href, &json!({})).await?;
        }
    }
    Ok(out)
}

/// A path segment with everything but unreserved characters escaped.
fn segment(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn contract(consumer: &str, provider: &str) -> Contract {
        Contract {
            file: PathBuf::from(format!("{consumer}-{provider}.json")),
            consumer: consumer.into(),
            provider: provider.into(),
            bytes: br#"{"consumer":{"name":"C"}}"#.to_vec(),
        }
    }

    #[test]
    fn the_body_is_shaped_as_the_ruby_cli_sends_it() {
        let a = contract("Web", "API");
        let b = contract("Web", "Search");
        let body = publish_body(
            "Web",
            &[&a, &b],
            &Publication {
                version: "1.0.0+abc1234".into(),
                branch: Some("main".into()),
                tags: vec!["prod".into()],
                build_url: None,
                merge: false,
            },
        );
        assert_eq!(body["pacticipantName"], "Web");
        assert_eq!(body["pacticipantVersionNumber"], "1.0.0+abc1234");
        assert_eq!(body["tags"], json!(["prod"]));
        assert_eq!(body["branch"], "main");
        assert!(body.get("buildUrl").is_none());
        let contracts = body["contracts"].as_array().unwrap();
        assert_eq!(contracts.len(), 2);
        assert_eq!(contracts[1]["providerName"], "Search");
        assert!(contracts[0].get("onConflict").is_none());
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(contracts[0]["content"].as_str().unwrap())
            .unwrap();
        assert_eq!(decoded, a.bytes, "the file's bytes, unchanged");
        let merged = publish_body(
            "Web",
            &[&a],
            &Publication {
                version: "1".into(),
                merge: true,
                ..Publication::default()
            },
        );
        assert_eq!(merged["contracts"][0]["onConflict"], "merge");
        assert!(merged.get("branch").is_none());
    }

    #[test]
    fn contracts_group_by_consumer_in_order() {
        let list = [
            contract("Web", "API"),
            contract("Mobile", "API"),
            contract("Web", "Search"),
        ];
        let groups = by_consumer(&list);
        let names: Vec<(&str, usize)> = groups.iter().map(|(c, l)| (*c, l.len())).collect();
        assert_eq!(names, [("Web", 2), ("Mobile", 1)]);
    }

    #[test]
    fn notices_read_type_and_text() {
        let n = notices(&json!({"notices": [{"type": "success", "text": "Published"}]}));
        assert_eq!(n, [("success".to_string(), "Published".to_string())]);
        assert_eq!(notice_line("success", "ok", true), "\x1b[32mok\x1b[0m");
        assert_eq!(notice_line("success", "ok", false), "ok");
    }

    #[test]
    fn segments_are_escaped() {
        assert_eq!(segment("1.0.0+abc/x y"), "1.0.0%2Babc%2Fx%20y");
    }
}
