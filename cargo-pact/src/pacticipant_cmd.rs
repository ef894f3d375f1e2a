//! `create-or-update-pacticipant`: GETs the index's `pb:pacticipant`; a pacticipant the
//! broker does not have is POSTed to the index's `pb:pacticipants`, one it has gets a merge
//! patch to its `self`, as the Ruby CLI does. Fields not given are left as they are.

use crate::broker_admin::{self, block_on, broker_failure, print, Session};
use crate::cli::CreateOrUpdatePacticipantArgs;
use crate::Failure;
use anyhow::anyhow;
use serde_json::{json, Map, Value};
use std::process::ExitCode;

/// The body: the name, and each field that was given.
pub fn pacticipant_body(
    name: &str,
    display_name: Option<&str>,
    main_branch: Option<&str>,
    repository_url: Option<&str>,
) -> Value {
    let mut body = Map::new();
    body.insert("name".into(), json!(name));
    for (key, value) in [
        ("repositoryUrl", repository_url),
        ("displayName", display_name),
        ("mainBranch", main_branch),
    ] {
        if let Some(v) = value {
            body.insert(key.into(), json!(v));
        }
    }
    Value::Object(body)
}

/// `cargo pact create-or-update-pacticipant`.
pub fn run(args: CreateOrUpdatePacticipantArgs) -> Result<ExitCode, Failure> {
    let mut meta = args.common.start();
    let name = broker_admin::pacticipant(args.name.as_deref(), &mut meta)?;
    if name.trim().is_empty() {
        return Err(Failure::input(anyhow!("--name cannot be blank")));
    }
    let body = pacticipant_body(
        &name,
        args.display_name.as_deref(),
        args.main_branch.as_deref(),
        args.repository_url.as_deref(),
    );
    block_on(async {
        let session = Session::open(&args.common.broker, &mut meta).await?;
        let href = session
            .link("pb:pacticipant")?
            .expand(&[("pacticipant", &name)]);
        let doing = format!("create or update pacticipant {name}");
        let (answer, action) = match session.broker.get(&href).await {
            Ok(existing) => {
                let own = existing
                    .link("self")
                    .map_or_else(|| existing.url().to_string(), |l| l.href);
                let answer = session
                    .broker
                    .patch(&own, &body)
                    .await
                    .map_err(|e| broker_failure(&doing, e))?;
                (answer, "updated")
            }
            Err(e) if e.is_not_found() => {
                let all = session.link("pb:pacticipants")?.href;
                let answer = session
                    .broker
                    .post_once(&all, &body)
                    .await
                    .map_err(|e| broker_failure(&doing, e))?;
                (answer, "created")
            }
            Err(e) => return Err(broker_failure(&doing, e)),
        };
        print(
            args.common.output,
            &format!("Pacticipant \"{name}\" {action}"),
            answer.json(),
        );
        Ok(ExitCode::SUCCESS)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_body_has_the_name_and_what_was_given() {
        assert_eq!(
            pacticipant_body("Web", None, None, None),
            json!({"name": "Web"})
        );
        assert_eq!(
            pacticipant_body(
                "Web",
                Some("Web app"),
                Some("main"),
                Some("https://git/web")
            ),
            json!({"name": "Web", "displayName": "Web app", "mainBranch": "main",
                   "repositoryUrl": "https://git/web"})
        );
    }
}
