//! The rules of environments, deployments and releases: what an environment body must hold,
//! which application instance a deployment names, and how a deployment or a release ends.
//!
//! ```
//! use pact_broker::domain::environments::{parse_environment, flag_patch, FlagPatch};
//! let body = serde_json::json!({"name": "production", "production": true});
//! let env = parse_environment(body.as_object().unwrap()).unwrap();
//! assert_eq!((env.fields.name.as_str(), env.fields.production), ("production", true));
//!
//! let patch = serde_json::json!({"currentlyDeployed": false});
//! assert_eq!(flag_patch(patch.as_object().unwrap(), "currentlyDeployed", true), Ok(FlagPatch::End));
//! ```

use super::FieldErrors;
use crate::store::EnvironmentFields;
use serde_json::{Map, Value};

/// A valid `POST /environments` or `PUT /environments/{uuid}` body.
#[derive(Debug, Clone, PartialEq)]
pub struct EnvironmentRequest {
    /// The UUID the client chose (`POST` only; the broker makes one otherwise).
    pub uuid: Option<String>,
    /// The environment's fields.
    pub fields: EnvironmentFields,
}

/// Checks an environment body: `name` is required, non-blank and without whitespace;
/// `displayName` is an optional string; `production` an optional boolean (false when
/// absent); `contacts` an optional array of `{name, details?}`; `uuid` an optional string of
/// letters, digits, `-` and `_`.
pub fn parse_environment(body: &Map<String, Value>) -> Result<EnvironmentRequest, FieldErrors> {
    let mut errors = FieldErrors::default();
    let name = match body.get("name") {
        Some(Value::String(s)) if s.trim().is_empty() => {
            errors.add("name", "can't be blank");
            String::new()
        }
        Some(Value::String(s)) if s.chars().any(char::is_whitespace) => {
            errors.add("name", "cannot contain spaces");
            String::new()
        }
        Some(Value::String(s)) => s.clone(),
        None | Some(Value::Null) => {
            errors.add("name", "can't be blank");
            String::new()
        }
        Some(_) => {
            errors.add("name", "must be a string");
            String::new()
        }
    };
    let display_name = match body.get("displayName") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) if s.trim().is_empty() => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(_) => {
            errors.add("displayName", "must be a string");
            None
        }
    };
    let production = match body.get("production") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(_) => {
            errors.add("production", "must be true or false");
            false
        }
    };
    let contacts = match body.get("contacts") {
        None | Some(Value::Null) => Value::Array(Vec::new()),
        Some(Value::Array(items)) => {
            for (i, item) in items.iter().enumerate() {
                match item.get("name") {
                    Some(Value::String(s)) if !s.trim().is_empty() => {}
                    _ => errors.add(&format!("contacts[{i}].name"), "can't be blank"),
                }
                if !matches!(
                    item.get("details"),
                    None | Some(Value::Null | Value::Object(_))
                ) {
                    errors.add(&format!("contacts[{i}].details"), "must be an object");
                }
            }
            Value::Array(items.clone())
        }
        Some(_) => {
            errors.add("contacts", "must be an array");
            Value::Array(Vec::new())
        }
    };
    let uuid = match body.get("uuid") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) if is_uuid_like(s) => Some(s.clone()),
        Some(_) => {
            errors.add("uuid", "must contain only letters, digits, '-' and '_'");
            None
        }
    };
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(EnvironmentRequest {
        uuid,
        fields: EnvironmentFields {
            name,
            display_name,
            production,
            contacts,
        },
    })
}

/// Whether `s` can be a UUID in a path: non-empty, letters, digits, `-` and `_` only.
pub fn is_uuid_like(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 128
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// The application instance a `record-deployment` body names: `applicationInstance`, or
/// `target` (its old name) when that is absent. A blank one is no instance.
pub fn application_instance(body: &Map<String, Value>) -> Result<Option<String>, FieldErrors> {
    let mut errors = FieldErrors::default();
    let mut pick = |field: &str| match body.get(field) {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) if s.trim().is_empty() => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(_) => {
            errors.add(field, "must be a string");
            None
        }
    };
    let instance = pick("applicationInstance");
    let target = pick("target");
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(instance.or(target))
}

/// What a merge-patch of `currentlyDeployed` or `currentlySupported` asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlagPatch {
    /// Nothing changes (the field is absent, or already has the value sent).
    Keep,
    /// The deployment is no longer deployed, or the release no longer supported.
    End,
}

/// The rule for `PATCH /deployed-versions/{uuid}` (`field` = `currentlyDeployed`) and
/// `PATCH /released-versions/{uuid}` (`currentlySupported`), given whether the record is
/// current now: `false` ends it (again, harmlessly); `true` is refused once it has ended,
/// because a version becomes current only by being deployed or released again.
pub fn flag_patch(
    body: &Map<String, Value>,
    field: &str,
    current: bool,
) -> Result<FlagPatch, FieldErrors> {
    let mut errors = FieldErrors::default();
    match body.get(field) {
        None | Some(Value::Null) => Ok(FlagPatch::Keep),
        Some(Value::Bool(false)) => Ok(FlagPatch::End),
        Some(Value::Bool(true)) if current => Ok(FlagPatch::Keep),
        Some(Value::Bool(true)) => {
            errors.add(
                field,
                "cannot be set back to true: record the deployment or release again instead",
            );
            Err(errors)
        }
        Some(_) => {
            errors.add(field, "must be true or false");
            Err(errors)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn obj(v: Value) -> Map<String, Value> {
        v.as_object().cloned().unwrap_or_default()
    }

    #[test]
    fn a_full_body_is_read() {
        let e = parse_environment(&obj(json!({
            "name": "test", "displayName": "Test", "production": false, "uuid": "abc-1",
            "contacts": [{"name": "Foo team", "details": {"emailAddress": "foo@bar.com"}}]
        })))
        .unwrap();
        assert_eq!(e.uuid.as_deref(), Some("abc-1"));
        assert_eq!(e.fields.display_name.as_deref(), Some("Test"));
        assert_eq!(e.fields.contacts[0]["name"], "Foo team");
    }

    #[test]
    fn defaults_apply_to_a_minimal_body() {
        let e = parse_environment(&obj(json!({"name": "prod"}))).unwrap();
        assert_eq!(e.uuid, None);
        assert!(!e.fields.production);
        assert_eq!(e.fields.display_name, None);
        assert_eq!(e.fields.contacts, json!([]));
    }

    #[test]
    fn bad_fields_are_reported_by_name() {
        let errors = parse_environment(&obj(
            json!({"production": "yes", "contacts": [{}], "uuid": "a b"}),
        ))
        .unwrap_err();
        let keys: Vec<&str> = errors.0.keys().map(String::as_str).collect();
        assert_eq!(keys, ["contacts[0].name", "name", "production", "uuid"]);
        for name in [json!(""), json!("  "), json!("a b"), json!(3)] {
            let errors = parse_environment(&obj(json!({ "name": name }))).unwrap_err();
            assert!(errors.0.contains_key("name"), "{name}");
        }
    }

    #[test]
    fn application_instance_prefers_the_new_name() {
        let pick = |v: Value| application_instance(&obj(v));
        assert_eq!(pick(json!({})), Ok(None));
        assert_eq!(pick(json!({"target": "blue"})), Ok(Some("blue".into())));
        assert_eq!(
            pick(json!({"applicationInstance": "green", "target": "blue"})),
            Ok(Some("green".into()))
        );
        assert_eq!(pick(json!({"applicationInstance": " "})), Ok(None));
        assert!(pick(json!({"applicationInstance": 1})).is_err());
    }

    #[test]
    fn a_flag_only_goes_from_true_to_false() {
        let f = "currentlyDeployed";
        assert_eq!(
            flag_patch(&obj(json!({f: false})), f, true),
            Ok(FlagPatch::End)
        );
        assert_eq!(
            flag_patch(&obj(json!({f: false})), f, false),
            Ok(FlagPatch::End)
        );
        assert_eq!(
            flag_patch(&obj(json!({f: true})), f, true),
            Ok(FlagPatch::Keep)
        );
        assert_eq!(flag_patch(&obj(json!({})), f, false), Ok(FlagPatch::Keep));
        assert!(flag_patch(&obj(json!({f: true})), f, false)
            .unwrap_err()
            .0
            .contains_key(f));
        assert!(flag_patch(&obj(json!({f: "no"})), f, true).is_err());
    }
}
