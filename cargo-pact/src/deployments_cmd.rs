//! `record-deployment`, `record-undeployment`, `record-release` and `record-support-ended`,
//! navigating as the official clients do (broker-api.md §1.6):
//!
//! * recording: the index's `pb:pacticipant-version`, then the version's
//!   `pb:record-deployment` (or `pb:record-release`) link named for the environment, POSTed
//!   to;
//! * ending: the index's `pb:environments`, the environment named, its
//!   `pb:currently-deployed-deployed-versions` (or
//!   `pb:currently-supported-released-versions`) with `?pacticipant=` (and `&version=`),
//!   then a merge-patch `{"currentlyDeployed": false}` (or `{"currentlySupported": false}`)
//!   to each entry's `self`.

use crate::broker_admin::{
    self, block_on, broker_failure, find_environment, print, unknown_environment, Session,
};
use crate::cli::{RecordDeploymentArgs, RecordReleaseArgs, RecordUndeploymentArgs};
use crate::Failure;
use anyhow::anyhow;
use serde_json::{json, Value};
use std::process::ExitCode;

/// The body of a deployment: `{}`, or the instance under both its names (`target` is what
/// brokers before 2.84 read), as the Ruby CLI sends it.
pub fn deployment_body(application_instance: Option<&str>) -> Value {
    match application_instance {
        Some(instance) => json!({"applicationInstance": instance, "target": instance}),
        None => json!({}),
    }
}

/// " (application instance blue)", or nothing.
fn instance_suffix(application_instance: Option<&str>) -> String {
    application_instance
        .map(|i| format!(" (application instance {i})"))
        .unwrap_or_default()
}

/// An entry's application instance (`target` in older brokers).
fn instance_of(entry: &Value) -> Option<&str> {
    entry["applicationInstance"]
        .as_str()
        .or_else(|| entry["target"].as_str())
}

/// Whether an entry is of `pacticipant` (entries that do not embed it are, as the list was
/// asked for that pacticipant) and, when `version` is given, of that version.
fn is_of(entry: &Value, pacticipant: &str, version: Option<&str>) -> bool {
    let name = entry.pointer("/_embedded/pacticipant/name");
    let number = entry
        .pointer("/_embedded/version/number")
        .and_then(Value::as_str);
    name.is_none_or(|n| n == pacticipant) && version.is_none_or(|v| number == Some(v))
}

/// The currently deployed versions to end: those of the pacticipant (and version, if
/// given) on the instance given, or, without one, those recorded without an instance.
pub fn deployments_to_end<'a>(
    deployed: &'a [Value],
    pacticipant: &str,
    version: Option<&str>,
    application_instance: Option<&str>,
) -> Vec<&'a Value> {
    deployed
        .iter()
        .filter(|d| is_of(d, pacticipant, version))
        .filter(|d| instance_of(d) == application_instance)
        .collect()
}

/// Why there is nothing to undeploy, naming the instances there are when the pacticipant
/// is deployed to the environment on other ones.
pub fn nothing_to_undeploy(
    deployed: &[Value],
    pacticipant: &str,
    version: Option<&str>,
    environment: &str,
    application_instance: Option<&str>,
) -> String {
    let mine: Vec<&Value> = deployed
        .iter()
        .filter(|d| is_of(d, pacticipant, version))
        .collect();
    let what = match version {
        Some(v) => format!("{pacticipant} version {v}"),
        None => pacticipant.to_string(),
    };
    if mine.is_empty() {
        return format!(
            "{what} is not currently deployed to {environment}; there is no deployment to end"
        );
    }
    let mut instances: Vec<&str> = mine.iter().filter_map(|d| instance_of(d)).collect();
    instances.sort_unstable();
    instances.dedup();
    let without_instance = mine.iter().any(|d| instance_of(d).is_none());
    let mut options = Vec::new();
    if without_instance {
        options.push("leave out --application-instance".to_string());
    }
    if !instances.is_empty() {
        options.push(format!(
            "give --application-instance {}",
            instances.join(" or ")
        ));
    }
    match application_instance {
        Some(i) => format!(
            "{what} is not currently deployed to application instance {i} in {environment}: {}",
            options.join(", or ")
        ),
        None => format!(
            "{what} is deployed to {environment} only on application instances: {}",
            options.join(", or ")
        ),
    }
}

/// The currently supported releases to end: those of the pacticipant version.
pub fn releases_to_end<'a>(
    released: &'a [Value],
    pacticipant: &str,
    version: &str,
) -> Vec<&'a Value> {
    released
        .iter()
        .filter(|r| is_of(r, pacticipant, Some(version)))
        .collect()
}

/// Which kind of recording.
#[derive(Clone, Copy)]
enum Kind {
    Deployment,
    Release,
}

impl Kind {
    fn relation(self) -> &'static str {
        match self {
            Kind::Deployment => "pb:record-deployment",
            Kind::Release => "pb:record-release",
        }
    }

    fn noun(self) -> &'static str {
        match self {
            Kind::Deployment => "deployment",
            Kind::Release => "release",
        }
    }
}

/// Records a deployment or release of a version to an environment.
async fn record(
    session: &Session,
    kind: Kind,
    pacticipant: &str,
    version: &str,
    environment: &str,
    body: &Value,
) -> Result<Value, Failure> {
    let version_doc = session.version(pacticipant, version).await?;
    let links = version_doc.links(kind.relation());
    let Some(link) = links
        .iter()
        .find(|l| l.name.as_deref() == Some(environment))
    else {
        // Not offered for this version: the environment does not exist, or (PactFlow)
        // this user may not record to it.
        let list = session.environments().await?;
        return Err(match find_environment(list.json(), environment) {
            Err(known) => unknown_environment(environment, &known),
            Ok(_) => Failure::broker(anyhow!(
                "the Pact Broker does not offer to record a {} of {pacticipant} to {environment} \
                 (no `{}` link named {environment} on version {version})",
                kind.noun(),
                kind.relation()
            )),
        });
    };
    let recorded = session
        .broker
        .post_once(&link.href, body)
        .await
        .map_err(|e| {
            broker_failure(
                &format!(
                    "record the {} of {pacticipant} version {version} to {environment}",
                    kind.noun()
                ),
                e,
            )
        })?;
    Ok(recorded.into_json())
}

/// `cargo pact record-deployment`.
pub fn record_deployment(args: RecordDeploymentArgs) -> Result<ExitCode, Failure> {
    let mut meta = args.common.start();
    let pacticipant = broker_admin::pacticipant(args.target.pacticipant.as_deref(), &mut meta)?;
    let version = broker_admin::version(args.target.version.as_deref(), &mut meta)?;
    let instance = args.application_instance.as_deref();
    block_on(async {
        let session = Session::open(&args.common.broker, &mut meta).await?;
        let recorded = record(
            &session,
            Kind::Deployment,
            &pacticipant,
            &version,
            &args.environment,
            &deployment_body(instance),
        )
        .await?;
        let text = format!(
            "Recorded deployment of {pacticipant} version {version} to {}{}",
            args.environment,
            instance_suffix(instance)
        );
        print(args.common.output, &text, &recorded);
        Ok(ExitCode::SUCCESS)
    })
}

/// `cargo pact record-release`.
pub fn record_release(args: RecordReleaseArgs) -> Result<ExitCode, Failure> {
    let mut meta = args.common.start();
    let pacticipant = broker_admin::pacticipant(args.target.pacticipant.as_deref(), &mut meta)?;
    let version = broker_admin::version(args.target.version.as_deref(), &mut meta)?;
    block_on(async {
        let session = Session::open(&args.common.broker, &mut meta).await?;
        let recorded = record(
            &session,
            Kind::Release,
            &pacticipant,
            &version,
            &args.environment,
            &json!({}),
        )
        .await?;
        let text = format!(
            "Recorded release of {pacticipant} version {version} to {}",
            args.environment
        );
        print(args.common.output, &text, &recorded);
        Ok(ExitCode::SUCCESS)
    })
}

/// The `_embedded.{key}` list of the document at the environment's `relation` (or its
/// older name), with `query` added.
async fn current_entries(
    session: &Session,
    environment: &str,
    relations: [&str; 2],
    query: &[(&str, &str)],
    key: &str,
) -> Result<Vec<Value>, Failure> {
    let env = session.environment_named(environment).await?;
    let link = env
        .link(relations[0])
        .or_else(|| env.link(relations[1]))
        .ok_or_else(|| {
            Failure::broker(anyhow!(
                "this Pact Broker cannot end deployments or releases (environment {environment} \
                 has no `{}` link; the Pact Broker has it since 2.80.0)",
                relations[0]
            ))
        })?;
    let list = session
        .broker
        .get(&link.with_query(query))
        .await
        .map_err(|e| broker_failure(&format!("list what is current in {environment}"), e))?;
    Ok(list
        .json()
        .pointer(&format!("/_embedded/{key}"))
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default())
}

/// PATCHes `patch` to each entry's `self`, returning the answers; `doing` says what for
/// errors ("end the deployment").
async fn end_each(
    session: &Session,
    entries: &[&Value],
    patch: &Value,
    doing: &str,
) -> Result<Vec<Value>, Failure> {
    let mut ended = Vec::with_capacity(entries.len());
    for entry in entries {
        let href = entry
            .pointer("/_links/self/href")
            .and_then(Value::as_str)
            .ok_or_else(|| {
                Failure::broker(anyhow!(
                    "the Pact Broker listed an entry without a self link: {entry}"
                ))
            })?;
        let answer = session
            .broker
            .patch(href, patch)
            .await
            .map_err(|e| broker_failure(&format!("{doing} at {href}"), e))?;
        ended.push(answer.into_json());
    }
    Ok(ended)
}

/// Fails naming the pacticipant when the broker does not know it, else with `why`.
async fn nothing_to_end(session: &Session, pacticipant: &str, why: String) -> Failure {
    match session.has_pacticipant(pacticipant).await {
        Ok(false) => Failure::input(anyhow!(
            "pacticipant {pacticipant} not found on the Pact Broker"
        )),
        Ok(true) => Failure::input(anyhow!("{why}")),
        Err(f) => f,
    }
}

/// `cargo pact record-undeployment`.
pub fn record_undeployment(args: RecordUndeploymentArgs) -> Result<ExitCode, Failure> {
    let mut meta = args.common.start();
    let pacticipant = broker_admin::pacticipant(args.pacticipant.as_deref(), &mut meta)?;
    let version = args.version.as_deref();
    let instance = args.application_instance.as_deref();
    let environment = &args.environment;
    block_on(async {
        let session = Session::open(&args.common.broker, &mut meta).await?;
        let deployed = current_entries(
            &session,
            environment,
            [
                "pb:currently-deployed-deployed-versions",
                "pb:currently-deployed-versions",
            ],
            &[("pacticipant", &pacticipant)],
            "deployedVersions",
        )
        .await?;
        let to_end = deployments_to_end(&deployed, &pacticipant, version, instance);
        if to_end.is_empty() {
            let why = nothing_to_undeploy(&deployed, &pacticipant, version, environment, instance);
            return Err(nothing_to_end(&session, &pacticipant, why).await);
        }
        let ended = end_each(
            &session,
            &to_end,
            &json!({"currentlyDeployed": false}),
            "end the deployment",
        )
        .await?;
        let text: Vec<String> = ended
            .iter()
            .map(|d| {
                let number = d
                    .pointer("/_embedded/version/number")
                    .and_then(Value::as_str)
                    .map(|v| format!(" version {v}"))
                    .unwrap_or_default();
                format!(
                    "Recorded undeployment of {pacticipant}{number} from {environment}{}",
                    instance_suffix(instance)
                )
            })
            .collect();
        print(args.common.output, &text.join("\n"), &Value::Array(ended));
        Ok(ExitCode::SUCCESS)
    })
}

/// `cargo pact record-support-ended`.
pub fn record_support_ended(args: RecordReleaseArgs) -> Result<ExitCode, Failure> {
    let mut meta = args.common.start();
    let pacticipant = broker_admin::pacticipant(args.target.pacticipant.as_deref(), &mut meta)?;
    let version = broker_admin::version(args.target.version.as_deref(), &mut meta)?;
    let environment = &args.environment;
    block_on(async {
        let session = Session::open(&args.common.broker, &mut meta).await?;
        let released = current_entries(
            &session,
            environment,
            [
                "pb:currently-supported-released-versions",
                "pb:currently-supported-versions",
            ],
            &[("pacticipant", &pacticipant), ("version", &version)],
            "releasedVersions",
        )
        .await?;
        let to_end = releases_to_end(&released, &pacticipant, &version);
        if to_end.is_empty() {
            let why = format!(
                "{pacticipant} version {version} is not currently released to {environment}; \
                 there is no support to end"
            );
            return Err(nothing_to_end(&session, &pacticipant, why).await);
        }
        let ended = end_each(
            &session,
            &to_end,
            &json!({"currentlySupported": false}),
            "end the support of the release",
        )
        .await?;
        let text =
            format!("Recorded support ended for {pacticipant} version {version} in {environment}");
        print(args.common.output, &text, &Value::Array(ended));
        Ok(ExitCode::SUCCESS)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn deployed(pacticipant: &str, version: &str, instance: Option<&str>) -> Value {
        json!({
            "applicationInstance": instance, "target": instance,
            "_embedded": {"pacticipant": {"name": pacticipant}, "version": {"number": version}},
            "_links": {"self": {"href": format!("/deployed-versions/{pacticipant}-{version}")}}
        })
    }

    #[test]
    fn a_deployment_body_names_the_instance_twice_or_nothing() {
        assert_eq!(deployment_body(None), json!({}));
        assert_eq!(
            deployment_body(Some("blue")),
            json!({"applicationInstance": "blue", "target": "blue"})
        );
    }

    #[test]
    fn undeploying_picks_the_instance_given_or_the_one_without() {
        let list = [
            deployed("Web", "1", None),
            deployed("Web", "2", Some("blue")),
            deployed("Other", "9", None),
        ];
        let versions = |picked: Vec<&Value>| -> Vec<String> {
            picked
                .iter()
                .map(|d| {
                    d["_embedded"]["version"]["number"]
                        .as_str()
                        .unwrap()
                        .to_string()
                })
                .collect()
        };
        assert_eq!(
            versions(deployments_to_end(&list, "Web", None, None)),
            ["1"]
        );
        assert_eq!(
            versions(deployments_to_end(&list, "Web", None, Some("blue"))),
            ["2"]
        );
        assert_eq!(
            versions(deployments_to_end(&list, "Web", Some("2"), None)),
            Vec::<String>::new()
        );
        // Older brokers name the instance `target` only, and may not embed the pacticipant.
        let old = [json!({"target": "green", "_links": {"self": {"href": "/d"}}})];
        assert_eq!(
            deployments_to_end(&old, "Web", None, Some("green")).len(),
            1
        );
    }

    #[test]
    fn nothing_to_undeploy_says_which_instances_there_are() {
        let list = [
            deployed("Web", "1", None),
            deployed("Web", "2", Some("blue")),
        ];
        assert_eq!(
            nothing_to_undeploy(&list, "Web", None, "production", Some("green")),
            "Web is not currently deployed to application instance green in production: \
             leave out --application-instance, or give --application-instance blue"
        );
        let blue_only = [deployed("Web", "2", Some("blue"))];
        assert_eq!(
            nothing_to_undeploy(&blue_only, "Web", None, "production", None),
            "Web is deployed to production only on application instances: \
             give --application-instance blue"
        );
        assert_eq!(
            nothing_to_undeploy(&[], "Web", Some("3"), "production", None),
            "Web version 3 is not currently deployed to production; there is no deployment to end"
        );
    }

    #[test]
    fn ending_support_picks_the_version() {
        let list = [deployed("Web", "1", None), deployed("Web", "2", None)];
        let picked = releases_to_end(&list, "Web", "2");
        assert_eq!(picked.len(), 1);
        assert_eq!(picked[0]["_embedded"]["version"]["number"], "2");
        assert!(releases_to_end(&list, "Other", "2").is_empty());
    }
}
