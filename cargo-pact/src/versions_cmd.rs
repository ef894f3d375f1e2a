//! `create-version-tag` and `describe-version`: a pacticipant version's tags, and what the
//! broker knows of a version, through the index's `pb:pacticipant-version`,
//! `pb:pacticipant-version-tag`, `pb:latest-version` and `pb:latest-tagged-version`.

use crate::broker_admin::{self, block_on, broker_failure, print, Session};
use crate::cli::{CreateVersionTagArgs, DescribeVersionArgs};
use crate::Failure;
use anyhow::anyhow;
use serde_json::{json, Value};
use std::process::ExitCode;

/// The tags to add: those given, then the git branch when asked for; blanks trimmed away
/// and repeats dropped. None at all is a mistake.
pub fn tags_to_add(given: &[String], git_branch: Option<String>) -> Result<Vec<String>, String> {
    let mut tags: Vec<String> = Vec::new();
    for tag in given.iter().map(|t| t.trim().to_string()).chain(git_branch) {
        if tag.is_empty() {
            return Err("a tag cannot be blank".into());
        }
        if !tags.contains(&tag) {
            tags.push(tag);
        }
    }
    if tags.is_empty() {
        return Err("no tag: give --tag (repeatable) or --tag-with-git-branch".into());
    }
    Ok(tags)
}

/// The names in `_embedded.{key}` of a version.
fn names(version: &Value, key: &str) -> Vec<String> {
    version
        .pointer(&format!("/_embedded/{key}"))
        .and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .filter_map(|i| i["name"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// A version for people: its number, then its branches, tags and creation time.
pub fn describe_version(pacticipant: &str, version: &Value) -> String {
    let number = version["number"].as_str().unwrap_or("?");
    let list = |items: Vec<String>| {
        if items.is_empty() {
            "(none)".to_string()
        } else {
            items.join(", ")
        }
    };
    let mut lines = vec![
        format!("{pacticipant} version {number}"),
        format!("  Branches: {}", list(names(version, "branchVersions"))),
        format!("  Tags: {}", list(names(version, "tags"))),
    ];
    if let Some(created) = version["createdAt"].as_str() {
        lines.push(format!("  Created at: {created}"));
    }
    if let Some(url) = version["buildUrl"].as_str() {
        lines.push(format!("  Build: {url}"));
    }
    lines.join("\n")
}

/// `cargo pact create-version-tag`: checks that the version exists (unless
/// `--auto-create-version`), then PUTs `{}` to the index's `pb:pacticipant-version-tag` for
/// each tag, as the Ruby CLI does.
pub fn create_tag(args: CreateVersionTagArgs) -> Result<ExitCode, Failure> {
    let mut meta = args.common.start();
    let pacticipant = broker_admin::pacticipant(args.target.pacticipant.as_deref(), &mut meta)?;
    let version = broker_admin::version(args.target.version.as_deref(), &mut meta)?;
    let git_branch = if args.tag_with_git_branch {
        let dir = match meta.get() {
            Ok(m) => m.package_dir().to_path_buf(),
            Err(_) => std::env::current_dir().map_err(Failure::input)?,
        };
        Some(crate::vcs::branch(&dir).ok_or_else(|| {
            Failure::input(anyhow!(
                "--tag-with-git-branch: no branch (not a git checkout, or a detached HEAD, \
                 and no CI branch variable)"
            ))
        })?)
    } else {
        None
    };
    let tags = tags_to_add(&args.tags, git_branch).map_err(|e| Failure::input(anyhow!(e)))?;
    block_on(async {
        let session = Session::open(&args.common.broker, &mut meta).await?;
        if !args.auto_create_version {
            session.version(&pacticipant, &version).await?;
        }
        let link = session.link("pb:pacticipant-version-tag")?;
        let mut created = Vec::new();
        let mut lines = Vec::new();
        for tag in &tags {
            let href = link.expand(&[
                ("pacticipant", &pacticipant),
                ("version", &version),
                ("tag", tag),
            ]);
            let answer = session.broker.put(&href, &json!({})).await.map_err(|e| {
                broker_failure(&format!("tag {pacticipant} version {version} as {tag}"), e)
            })?;
            lines.push(format!("Tagged {pacticipant} version {version} as {tag}"));
            created.push(answer.into_json());
        }
        print(
            args.common.output,
            &lines.join("\n"),
            &Value::Array(created),
        );
        Ok(ExitCode::SUCCESS)
    })
}

/// `cargo pact describe-version`.
pub fn describe(args: DescribeVersionArgs) -> Result<ExitCode, Failure> {
    let mut meta = args.common.start();
    let pacticipant = broker_admin::pacticipant(args.pacticipant.as_deref(), &mut meta)?;
    let tag = args.latest.clone().flatten();
    block_on(async {
        let session = Session::open(&args.common.broker, &mut meta).await?;
        let p = pacticipant.as_str();
        let (href, what) = match (&args.version, &tag) {
            (Some(v), _) => (
                session
                    .link("pb:pacticipant-version")?
                    .expand(&[("pacticipant", p), ("version", v)]),
                format!("version {v} of {p}"),
            ),
            (None, Some(t)) => (
                session
                    .link("pb:latest-tagged-version")?
                    .expand(&[("pacticipant", p), ("tag", t)]),
                format!("a version of {p} tagged {t}"),
            ),
            (None, None) => (
                session
                    .link("pb:latest-version")?
                    .expand(&[("pacticipant", p)]),
                format!("a version of {p}"),
            ),
        };
        let version = match session.broker.get(&href).await {
            Ok(doc) => doc,
            Err(e) if e.is_not_found() => return Err(session.missing(p, what).await),
            Err(e) => return Err(broker_failure(&format!("read {what}"), e)),
        };
        print(
            args.common.output,
            &describe_version(p, version.json()),
            version.json(),
        );
        Ok(ExitCode::SUCCESS)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_are_the_given_then_the_branch_without_repeats() {
        let given = vec!["prod".to_string(), " blue ".to_string(), "prod".to_string()];
        assert_eq!(
            tags_to_add(&given, Some("main".into())).unwrap(),
            ["prod", "blue", "main"]
        );
        assert!(tags_to_add(&[], None).unwrap_err().contains("--tag"));
        assert!(tags_to_add(&[" ".to_string()], None)
            .unwrap_err()
            .contains("blank"));
    }

    #[test]
    fn a_version_is_described_with_its_branches_and_tags() {
        // The version as broker-recordings.jsonl shows it.
        let v = json!({"number": "1", "createdAt": "2026-11-25T16:43:24+00:00",
            "_embedded": {"branchVersions": [{"name": "main", "latest": true}], "tags": [{"name": "prod"}, {"name": "blue"}]},
            "_links": {}});
        assert_eq!(
            describe_version("Web", &v),
            "Web version 1\n  Branches: main\n  Tags: prod, blue\n  Created at: 2026-11-25T16:43:24+00:00"
        );
        let bare = json!({"number": "2"});
        assert_eq!(
            describe_version("Web", &bare),
            "Web version 2\n  Branches: (none)\n  Tags: (none)"
        );
    }
}
