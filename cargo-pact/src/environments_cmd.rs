//! `create-environment`, `describe-environment` and `list-environments`: the environments
//! deployments and releases are recorded to (broker-api.md §1.6), reached through the
//! index's `pb:environments` and `pb:environment` links.

use crate::broker_admin::{block_on, broker_failure, print, Session};
use crate::cli::{CreateEnvironmentArgs, DescribeEnvironmentArgs, ListEnvironmentsArgs};
use crate::Failure;
use anyhow::anyhow;
use serde_json::{json, Map, Value};
use std::process::ExitCode;

/// The `POST /environments` body, as the Ruby CLI builds it: `production` always (false
/// unless asked), `displayName` and `contacts` only when given; a contact email without a
/// name gets the name "unknown".
pub fn environment_body(
    name: &str,
    display_name: Option<&str>,
    production: bool,
    contact_name: Option<&str>,
    contact_email: Option<&str>,
) -> Value {
    let mut body = Map::new();
    body.insert("name".into(), json!(name));
    if let Some(display) = display_name {
        body.insert("displayName".into(), json!(display));
    }
    body.insert("production".into(), json!(production));
    if contact_name.is_some() || contact_email.is_some() {
        let mut contact = Map::new();
        contact.insert("name".into(), json!(contact_name.unwrap_or("unknown")));
        if let Some(email) = contact_email {
            contact.insert("details".into(), json!({"emailAddress": email}));
        }
        body.insert("contacts".into(), json!([contact]));
    }
    Value::Object(body)
}

/// `value` as a table cell: strings as they are, null as nothing.
fn cell(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// Rows under a header, columns padded to their widest cell.
fn table(header: &[&str], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (w, c) in widths.iter_mut().zip(row) {
            *w = (*w).max(c.chars().count());
        }
    }
    let line = |cells: Vec<String>| {
        let padded: Vec<String> = cells
            .iter()
            .zip(&widths)
            .map(|(c, w)| format!("{c:<w$}"))
            .collect();
        padded.join(" | ").trim_end().to_string()
    };
    let mut out = vec![
        line(header.iter().map(|h| h.to_string()).collect()),
        widths
            .iter()
            .map(|w| "-".repeat(*w))
            .collect::<Vec<_>>()
            .join("-|-"),
    ];
    out.extend(rows.iter().map(|r| line(r.clone())));
    out.join("\n")
}

/// The environment list as a table (UUID, name, display name, production), by name as
/// the Ruby CLI sorts it; nothing when there are none.
pub fn environments_table(list: &Value) -> String {
    let mut environments: Vec<&Value> = list
        .pointer("/_embedded/environments")
        .and_then(Value::as_array)
        .map(|a| a.iter().collect())
        .unwrap_or_default();
    if environments.is_empty() {
        return String::new();
    }
    environments.sort_by_key(|e| cell(&e["name"]).to_lowercase());
    let rows: Vec<Vec<String>> = environments
        .iter()
        .map(|e| {
            ["uuid", "name", "displayName", "production"]
                .iter()
                .map(|k| cell(&e[*k]))
                .collect()
        })
        .collect();
    table(&["UUID", "NAME", "DISPLAY NAME", "PRODUCTION"], &rows)
}

/// An environment as `Key: value` lines, its contacts one a line.
pub fn describe_environment(e: &Value) -> String {
    let mut lines = Vec::new();
    for (label, key) in [
        ("UUID", "uuid"),
        ("Name", "name"),
        ("Display name", "displayName"),
        ("Production", "production"),
        ("Created at", "createdAt"),
        ("Updated at", "updatedAt"),
    ] {
        if !e[key].is_null() {
            lines.push(format!("{label}: {}", cell(&e[key])));
        }
    }
    let contacts = e["contacts"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default();
    if !contacts.is_empty() {
        lines.push("Contacts:".to_string());
        for c in contacts {
            let details = c["details"]
                .as_object()
                .map(|d| {
                    d.values()
                        .map(cell)
                        .filter(|v| !v.is_empty())
                        .collect::<Vec<_>>()
                        .join(", ")
                })
                .filter(|d| !d.is_empty())
                .map(|d| format!(" ({d})"))
                .unwrap_or_default();
            lines.push(format!("  - {}{details}", cell(&c["name"])));
        }
    }
    lines.join("\n")
}

/// `cargo pact create-environment`: POSTs to the index's `pb:environments`.
pub fn create(args: CreateEnvironmentArgs) -> Result<ExitCode, Failure> {
    let mut meta = args.common.start();
    let body = environment_body(
        &args.name,
        args.display_name.as_deref(),
        args.production && !args.no_production,
        args.contact_name.as_deref(),
        args.contact_email_address.as_deref(),
    );
    block_on(async {
        let session = Session::open(&args.common.broker, &mut meta).await?;
        let href = session.link("pb:environments")?.href;
        let created = session
            .broker
            .post_once(&href, &body)
            .await
            .map_err(|e| broker_failure(&format!("create environment {}", args.name), e))?;
        let uuid = cell(&created.json()["uuid"]);
        print(
            args.common.output,
            &format!("Created {} environment with UUID {uuid}", args.name),
            created.json(),
        );
        Ok(ExitCode::SUCCESS)
    })
}

/// `cargo pact describe-environment`: GETs the index's `pb:environment` for the UUID.
pub fn describe(args: DescribeEnvironmentArgs) -> Result<ExitCode, Failure> {
    let mut meta = args.common.start();
    block_on(async {
        let session = Session::open(&args.common.broker, &mut meta).await?;
        let href = session
            .link("pb:environment")?
            .expand(&[("uuid", &args.uuid)]);
        let environment = session.broker.get(&href).await.map_err(|e| {
            if e.is_not_found() {
                Failure::input(anyhow!(
                    "no environment with UUID {} on the Pact Broker (list-environments shows them)",
                    args.uuid
                ))
            } else {
                broker_failure(&format!("read environment {}", args.uuid), e)
            }
        })?;
        print(
            args.common.output,
            &describe_environment(environment.json()),
            environment.json(),
        );
        Ok(ExitCode::SUCCESS)
    })
}

/// `cargo pact list-environments`: GETs the index's `pb:environments`.
pub fn list(args: ListEnvironmentsArgs) -> Result<ExitCode, Failure> {
    let mut meta = args.common.start();
    block_on(async {
        let session = Session::open(&args.common.broker, &mut meta).await?;
        let list = session.environments().await?;
        print(
            args.common.output,
            &environments_table(list.json()),
            list.json(),
        );
        Ok(ExitCode::SUCCESS)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_body_has_what_was_given_and_always_production() {
        // As the Ruby CLI and pact-broker-cli sent it (broker-recordings.jsonl).
        assert_eq!(
            environment_body("test", None, false, None, None),
            json!({"name": "test", "production": false})
        );
        assert_eq!(
            environment_body(
                "production",
                Some("Production"),
                true,
                Some("Ops"),
                Some("ops@x.io")
            ),
            json!({"name": "production", "displayName": "Production", "production": true,
                   "contacts": [{"name": "Ops", "details": {"emailAddress": "ops@x.io"}}]})
        );
        assert_eq!(
            environment_body("p", None, true, None, Some("ops@x.io"))["contacts"],
            json!([{"name": "unknown", "details": {"emailAddress": "ops@x.io"}}])
        );
        assert_eq!(
            environment_body("p", None, true, Some("Ops"), None)["contacts"],
            json!([{"name": "Ops"}])
        );
    }

    #[test]
    fn the_list_is_a_table_sorted_by_name() {
        let list = json!({"_embedded": {"environments": [
            {"uuid": "u2", "name": "test", "displayName": "Test", "production": false},
            {"uuid": "u1", "name": "Production", "displayName": "Production", "production": true}
        ]}});
        assert_eq!(
            environments_table(&list),
            "UUID | NAME       | DISPLAY NAME | PRODUCTION\n\
             -----|------------|--------------|-----------\n\
             u1   | Production | Production   | true\n\
             u2   | test       | Test         | false"
        );
        assert_eq!(
            environments_table(&json!({"_embedded": {"environments": []}})),
            ""
        );
    }

    #[test]
    fn a_description_lists_the_fields_and_contacts() {
        let e = json!({"uuid": "u1", "name": "production", "displayName": "Production",
            "production": true, "createdAt": "2026-01-01T00:00:00+00:00", "updatedAt": null,
            "contacts": [{"name": "Ops", "details": {"emailAddress": "ops@x.io"}}, {"name": "Dev"}],
            "_links": {}});
        assert_eq!(
            describe_environment(&e),
            "UUID: u1\nName: production\nDisplay name: Production\nProduction: true\n\
             Created at: 2026-01-01T00:00:00+00:00\nContacts:\n  - Ops (ops@x.io)\n  - Dev"
        );
    }
}
