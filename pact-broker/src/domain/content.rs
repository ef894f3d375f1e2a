//! Pact content rules: the content hash, interaction ids, `onConflict: merge`, and validation of
//! a `POST /contracts/publish` request.

use std::fmt::Write as _;

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use serde_json::{Map, Value};
use sha1::{Digest, Sha1};

use super::FieldErrors;

fn sha1_hex(bytes: &[u8]) -> String {
    let digest = Sha1::digest(bytes);
    let mut hex = String::with_capacity(40);
    for byte in digest.iter() {
        // Writing to a String cannot fail.
        let _ = write!(hex, "{byte:02x}");
    }
    hex
}

/// The pact-version sha: lowercase hex SHA-1 of the pact bytes exactly as published, so the same
/// bytes always name the same pact version (and re-publishing them is idempotent).
pub fn content_sha(bytes: &[u8]) -> String {
    sha1_hex(bytes)
}

/// `value` with every object's keys in sorted order, whatever map type serde_json was built
/// with: `preserve_order` (enabled anywhere in a build) would otherwise keep arrival order and
/// make the same interaction hash differently.
pub fn canonical(value: &Value) -> Value {
    match value {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            let sorted: Map<String, Value> = keys
                .into_iter()
                .map(|k| (k.clone(), canonical(&map[k])))
                .collect();
            Value::Object(sorted)
        }
        Value::Array(items) => Value::Array(items.iter().map(canonical).collect()),
        other => other.clone(),
    }
}

/// The canonical text of a JSON value: compact, keys sorted at every level.
pub fn canonical_json(value: &Value) -> String {
    canonical(value).to_string()
}

/// An interaction's `_id`: hex SHA-1 of its canonical JSON without any existing `_id`. The Rust
/// verifier reports results per `_id` (`testResults[].interactionId`), so the id must not depend
/// on key order or on a previously served id.
pub fn interaction_id(interaction: &Value) -> String {
    let mut stripped = interaction.clone();
    if let Value::Object(map) = &mut stripped {
        map.remove("_id");
    }
    sha1_hex(canonical_json(&stripped).as_bytes())
}

/// The pact as served: each object in `interactions` (and `messages`, for message pacts) gets
/// its `_id`. Anything that is not an object is left alone.
pub fn with_interaction_ids(pact: &Value) -> Value {
    let mut out = pact.clone();
    if let Value::Object(map) = &mut out {
        for list in ["interactions", "messages"] {
            if let Some(Value::Array(items)) = map.get_mut(list) {
                for item in items.iter_mut() {
                    let id = interaction_id(item);
                    if let Value::Object(fields) = item {
                        fields.insert("_id".to_string(), Value::String(id));
                    }
                }
            }
        }
    }
    out
}

/// What makes two interactions "the same" for a merge: description plus provider state(s).
fn merge_key(interaction: &Value) -> (String, String) {
    let description = interaction
        .get("description")
        .map(canonical_json)
        .unwrap_or_default();
    let states = match (
        interaction.get("providerStates"),
        interaction.get("providerState"),
    ) {
        (Some(states), _) => canonical_json(states),
        (None, Some(Value::String(state))) => {
            canonical_json(&serde_json::json!([{ "name": state }]))
        }
        (None, Some(other)) => canonical_json(other),
        (None, None) => String::new(),
    };
    (description, states)
}

fn merge_list(existing: Option<&Value>, new: Option<&Value>) -> Option<Value> {
    let mut merged: Vec<Value> = match existing {
        Some(Value::Array(items)) => items.clone(),
        _ => Vec::new(),
    };
    let Some(Value::Array(new_items)) = new else {
        return existing.cloned().or_else(|| new.cloned());
    };
    for item in new_items {
        let key = merge_key(item);
        match merged.iter_mut().find(|old| merge_key(old) == key) {
            Some(old) => *old = item.clone(),
            None => merged.push(item.clone()),
        }
    }
    Some(Value::Array(merged))
}

/// `onConflict: merge`: the new pact (its consumer, provider, metadata and any other top-level
/// fields) with the existing interactions kept in place, an existing interaction replaced by a
/// new one with the same description and provider state(s), and other new ones appended. The
/// same applies to `messages`. If either side is not an object the new one wins.
pub fn merge_pacts(existing: &Value, new: &Value) -> Value {
    let (Value::Object(old), Value::Object(new_map)) = (existing, new) else {
        return new.clone();
    };
    let mut out = new_map.clone();
    for list in ["interactions", "messages"] {
        if let Some(merged) = merge_list(old.get(list), new_map.get(list)) {
            out.insert(list.to_string(), merged);
        }
    }
    Value::Object(out)
}

/// What to do when content differs from what is already stored for the same consumer version and
/// provider.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OnConflict {
    /// Replace (the broker still refuses changed content unless configured to allow it).
    #[default]
    Overwrite,
    /// Merge the interactions with [`merge_pacts`].
    Merge,
}

/// One validated contract of a publish request.
#[derive(Debug, Clone, PartialEq)]
pub struct Contract {
    /// `consumerName` (equal to the request's pacticipant name).
    pub consumer_name: String,
    /// `providerName`.
    pub provider_name: String,
    /// The decoded bytes, exactly as sent: the content sha is over these.
    pub content_bytes: Vec<u8>,
    /// The decoded bytes parsed, always a JSON object.
    pub content_json: Value,
    /// `onConflict`, `overwrite` when absent.
    pub on_conflict: OnConflict,
}

/// A validated `POST /contracts/publish` request.
#[derive(Debug, Clone, PartialEq)]
pub struct PublishRequest {
    /// `pacticipantName`: the consumer publishing.
    pub pacticipant_name: String,
    /// `pacticipantVersionNumber`.
    pub version_number: String,
    /// `branch`, if given and not empty.
    pub branch: Option<String>,
    /// `tags`, in order.
    pub tags: Vec<String>,
    /// `buildUrl`, if given and not empty.
    pub build_url: Option<String>,
    /// The contracts, in order.
    pub contracts: Vec<Contract>,
}

fn is_blank(s: &str) -> bool {
    s.trim().is_empty()
}

fn has_newline(s: &str) -> bool {
    s.contains('\n') || s.contains('\r')
}

/// A required top-level name: dry-validation's `filled(:string)` plus the broker's
/// not-blank and single-line rules.
fn required_name(body: &Map<String, Value>, field: &str, errors: &mut FieldErrors) -> String {
    match body.get(field) {
        None => errors.add(field, "is missing"),
        Some(Value::Null) => errors.add(field, "must be filled"),
        Some(Value::String(s)) if s.is_empty() => errors.add(field, "must be filled"),
        Some(Value::String(s)) if is_blank(s) => errors.add(field, "cannot be blank"),
        Some(Value::String(s)) if has_newline(s) => {
            errors.add(field, "cannot contain multiple lines")
        }
        Some(Value::String(s)) => return s.clone(),
        Some(_) => errors.add(field, "must be a string"),
    }
    String::new()
}

fn optional_line(
    body: &Map<String, Value>,
    field: &str,
    check_blank: bool,
    errors: &mut FieldErrors,
) -> Option<String> {
    match body.get(field) {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) if s.is_empty() => None,
        Some(Value::String(s)) if check_blank && is_blank(s) => {
            errors.add(field, "cannot be blank");
            None
        }
        Some(Value::String(s)) if has_newline(s) => {
            errors.add(field, "cannot contain multiple lines");
            None
        }
        Some(Value::String(s)) => Some(s.clone()),
        Some(_) => {
            errors.add(field, "must be a string");
            None
        }
    }
}

fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Validates one contract; messages are prefixed with the field and suffixed with the index, as
/// the Ruby broker reports nested errors under `contracts`.
fn validate_contract(
    index: usize,
    value: &Value,
    pacticipant_name: Option<&str>,
    errors: &mut FieldErrors,
) -> Option<Contract> {
    let at = |message: String| format!("{message} (at index {index})");
    let Value::Object(contract) = value else {
        errors.add("contracts", at("must be an object".into()));
        return None;
    };
    let before = errors.0.get("contracts").map_or(0, Vec::len);
    let name = |field: &str, errors: &mut FieldErrors| -> Option<String> {
        match contract.get(field) {
            None => errors.add("contracts", at(format!("{field} is missing"))),
            Some(Value::String(s)) if s.is_empty() => {
                errors.add("contracts", at(format!("{field} must be filled")))
            }
            Some(Value::String(s)) if is_blank(s) => {
                errors.add("contracts", at(format!("{field} cannot be blank")))
            }
            Some(Value::String(s)) if has_newline(s) => errors.add(
                "contracts",
                at(format!("{field} cannot contain multiple lines")),
            ),
            Some(Value::String(s)) => return Some(s.clone()),
            Some(Value::Null) => errors.add("contracts", at(format!("{field} must be filled"))),
            Some(_) => errors.add("contracts", at(format!("{field} must be a string"))),
        }
        None
    };
    let consumer_name = name("consumerName", errors);
    let provider_name = name("providerName", errors);

    match contract.get("contentType") {
        Some(Value::String(s)) if s == "application/json" => {}
        None => errors.add("contracts", at("contentType is missing".into())),
        Some(_) => errors.add(
            "contracts",
            at("contentType must be one of: application/json".into()),
        ),
    }
    match contract.get("specification") {
        Some(Value::String(s)) if s == "pact" => {}
        None => errors.add("contracts", at("specification is missing".into())),
        Some(_) => errors.add("contracts", at("specification must be one of: pact".into())),
    }
    let on_conflict = match contract.get("onConflict") {
        None | Some(Value::Null) => OnConflict::Overwrite,
        Some(Value::String(s)) if s == "overwrite" => OnConflict::Overwrite,
        Some(Value::String(s)) if s == "merge" => OnConflict::Merge,
        Some(_) => {
            errors.add(
                "contracts",
                at("onConflict must be one of: overwrite, merge".into()),
            );
            OnConflict::Overwrite
        }
    };

    let decoded = match contract.get("content") {
        None => {
            errors.add("contracts", at("content is missing".into()));
            None
        }
        Some(Value::String(s)) if s.is_empty() => {
            errors.add("contracts", at("content must be filled".into()));
            None
        }
        Some(Value::String(s)) => match STANDARD.decode(s.as_bytes()) {
            Ok(bytes) => Some(bytes),
            Err(_) => {
                errors.add("contracts", at("content is not valid Base64".into()));
                None
            }
        },
        Some(_) => {
            errors.add("contracts", at("content must be a string".into()));
            None
        }
    };
    let parsed = decoded.as_ref().and_then(|bytes| {
        let text = match std::str::from_utf8(bytes) {
            Ok(text) => text,
            Err(e) => {
                let valid = &bytes[..e.valid_up_to()];
                let prefix = String::from_utf8_lossy(valid);
                let char_number = prefix.chars().count() + 1;
                let fragment: String = {
                    let chars: Vec<char> = prefix.chars().collect();
                    chars[chars.len().saturating_sub(100)..].iter().collect()
                };
                errors.add(
                    "contracts",
                    at(format!(
                        "contract content has a non UTF-8 character at char {char_number} and cannot be parsed as JSON. Fragment preceding invalid character is: '{fragment}'"
                    )),
                );
                return None;
            }
        };
        match serde_json::from_str::<Value>(text) {
            Ok(Value::Object(map)) => Some(Value::Object(map)),
            Ok(other) => {
                errors.add(
                    "contracts",
                    at(format!(
                        "content was expected to be a JSON object but was {}",
                        json_kind(&other)
                    )),
                );
                None
            }
            Err(_) => {
                errors.add(
                    "contracts",
                    at("content could not be parsed as application/json".into()),
                );
                None
            }
        }
    });

    if let Some(content) = &parsed {
        let in_content = |side: &str| content.get(side).and_then(|p| p.get("name"));
        if let (Some(found), Some(expected)) = (in_content("consumer"), &consumer_name) {
            if found.as_str() != Some(expected.as_str()) {
                errors.add(
                    "contracts",
                    at(format!(
                        "consumer name in contract content ('{}') must match consumerName in contract params ('{expected}')",
                        found.as_str().map_or_else(|| found.to_string(), str::to_string)
                    )),
                );
            }
        }
        if let (Some(found), Some(expected)) = (in_content("provider"), &provider_name) {
            if found.as_str() != Some(expected.as_str()) {
                errors.add(
                    "contracts",
                    at(format!(
                        "provider name in contract content ('{}') must match providerName in contract params ('{expected}')",
                        found.as_str().map_or_else(|| found.to_string(), str::to_string)
                    )),
                );
            }
        }
    }
    if let (Some(consumer), Some(pacticipant)) = (&consumer_name, pacticipant_name) {
        if consumer != pacticipant {
            errors.add(
                "contracts",
                at(format!(
                    "consumerName ('{consumer}') must match pacticipantName ('{pacticipant}')"
                )),
            );
        }
    }

    let after = errors.0.get("contracts").map_or(0, Vec::len);
    if after != before {
        return None;
    }
    Some(Contract {
        consumer_name: consumer_name?,
        provider_name: provider_name?,
        content_bytes: decoded?,
        content_json: parsed?,
        on_conflict,
    })
}

/// Validates a parsed `POST /contracts/publish` body against the broker's publish schema.
///
/// Errors are keyed by field (`{"pacticipantVersionNumber": ["is missing"]}`); a contract's
/// errors go under `contracts`, each naming its field and index ("content is not valid Base64
/// (at index 0)"), which is how the Ruby broker flattens nested errors.
pub fn validate_publish_request(body: &Value) -> Result<PublishRequest, FieldErrors> {
    let mut errors = FieldErrors::default();
    let Value::Object(body) = body else {
        errors.add("body", "must be a JSON object");
        return Err(errors);
    };
    let pacticipant_name = required_name(body, "pacticipantName", &mut errors);
    let version_number = required_name(body, "pacticipantVersionNumber", &mut errors);
    let branch = optional_line(body, "branch", true, &mut errors);
    let build_url = optional_line(body, "buildUrl", false, &mut errors);

    let mut tags = Vec::new();
    match body.get("tags") {
        None | Some(Value::Null) => {}
        Some(Value::Array(items)) => {
            for (i, item) in items.iter().enumerate() {
                match item {
                    Value::String(s) if s.is_empty() => {
                        errors.add("tags", format!("must be filled (at index {i})"))
                    }
                    Value::String(s) if is_blank(s) => {
                        errors.add("tags", format!("cannot be blank (at index {i})"))
                    }
                    Value::String(s) if has_newline(s) => errors.add(
                        "tags",
                        format!("cannot contain multiple lines (at index {i})"),
                    ),
                    Value::String(s) => tags.push(s.clone()),
                    _ => errors.add("tags", format!("must be a string (at index {i})")),
                }
            }
        }
        Some(_) => errors.add("tags", "must be an array"),
    }

    let name_for_match = (!pacticipant_name.is_empty()).then_some(pacticipant_name.as_str());
    let mut contracts = Vec::new();
    match body.get("contracts") {
        None => errors.add("contracts", "is missing"),
        Some(Value::Array(items)) => {
            for (i, item) in items.iter().enumerate() {
                if let Some(contract) = validate_contract(i, item, name_for_match, &mut errors) {
                    contracts.push(contract);
                }
            }
        }
        Some(_) => errors.add("contracts", "must be an array"),
    }

    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(PublishRequest {
        pacticipant_name,
        version_number,
        branch,
        tags,
        build_url,
        contracts,
    })
}

/// The sha a stored pact is known by: [`content_sha`] of the canonical JSON of the pact
/// without its `metadata`. Like the real broker (which by default compares only what
/// affects verification), the same contract published by another tool, with other
/// formatting, key order or library versions in `metadata`, is the same pact version, so
/// republishing it is idempotent rather than a 409; and a merged pact, which has no
/// published bytes, gets a sha the same way.
pub fn pact_sha(pact: &Value) -> String {
    let mut stripped = pact.clone();
    if let Value::Object(map) = &mut stripped {
        map.remove("metadata");
        for list in ["interactions", "messages"] {
            if let Some(Value::Array(items)) = map.get_mut(list) {
                for item in items {
                    if let Value::Object(i) = item {
                        i.remove("_id");
                    }
                }
            }
        }
    }
    content_sha(canonical_json(&stripped).as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn pact(consumer: &str, provider: &str) -> Value {
        json!({
            "consumer": {"name": consumer},
            "provider": {"name": provider},
            "interactions": [{"description": "a request", "request": {"method": "GET", "path": "/"}, "response": {"status": 200}}],
            "metadata": {"pactSpecification": {"version": "2.0.0"}}
        })
    }

    fn request(content: &Value) -> Value {
        json!({
            "pacticipantName": "Web",
            "pacticipantVersionNumber": "1",
            "branch": "main",
            "tags": ["a", "b"],
            "buildUrl": "http://ci/1",
            "contracts": [{
                "consumerName": "Web", "providerName": "API", "specification": "pact",
                "contentType": "application/json",
                "content": STANDARD.encode(content.to_string()),
                "onConflict": "merge"
            }]
        })
    }

    fn contract_errors(body: &Value) -> Vec<String> {
        validate_publish_request(body).unwrap_err().0["contracts"].clone()
    }

    #[test]
    fn content_sha_is_sha1_of_bytes() {
        assert_eq!(
            content_sha(b"abc"),
            "a9993e364706816aba3e25717850c26c9cd0d89d"
        );
        assert_ne!(content_sha(b"{\"a\":1}"), content_sha(b"{\"a\": 1}"));
    }

    #[test]
    fn interaction_id_ignores_key_order_and_existing_id() {
        let a = json!({"description": "x", "request": {"path": "/", "method": "GET"}});
        let b: Value = serde_json::from_str(
            r#"{"request":{"method":"GET","path":"/"},"description":"x","_id":"old"}"#,
        )
        .unwrap();
        assert_eq!(interaction_id(&a), interaction_id(&b));
        assert_eq!(
            interaction_id(&a),
            sha1_hex(br#"{"description":"x","request":{"method":"GET","path":"/"}}"#)
        );
        assert_ne!(
            interaction_id(&a),
            interaction_id(&json!({"description": "y"}))
        );
    }

    #[test]
    fn pact_sha_ignores_metadata_key_order_and_ids_but_not_interactions() {
        let a: Value = serde_json::from_str(
            r#"{"consumer":{"name":"Web"},"interactions":[{"description":"x","_id":"1"}],"metadata":{"v":1}}"#,
        )
        .unwrap();
        let b: Value = serde_json::from_str(
            r#"{"metadata":{"v":2},"interactions":[{"description":"x"}],"consumer":{"name":"Web"}}"#,
        )
        .unwrap();
        assert_eq!(pact_sha(&a), pact_sha(&b));
        assert_eq!(
            pact_sha(&a),
            content_sha(br#"{"consumer":{"name":"Web"},"interactions":[{"description":"x"}]}"#)
        );
        let c = json!({"consumer": {"name": "Web"}, "interactions": [{"description": "y"}]});
        assert_ne!(pact_sha(&a), pact_sha(&c));
    }

    #[test]
    fn canonical_sorts_nested_keys() {
        let v: Value = serde_json::from_str(r#"{"b":[{"d":1,"c":2}],"a":null}"#).unwrap();
        assert_eq!(canonical_json(&v), r#"{"a":null,"b":[{"c":2,"d":1}]}"#);
    }

    #[test]
    fn ids_are_added_to_interactions_and_messages() {
        let p =
            json!({"interactions": [{"description": "a"}, 3], "messages": [{"description": "m"}]});
        let out = with_interaction_ids(&p);
        assert_eq!(
            out["interactions"][0]["_id"],
            json!(interaction_id(&json!({"description": "a"})))
        );
        assert_eq!(out["interactions"][1], json!(3));
        assert!(out["messages"][0]["_id"].is_string());
        assert_eq!(with_interaction_ids(&json!([1])), json!([1]));
    }

    #[test]
    fn merge_replaces_same_description_and_state_and_appends_others() {
        let existing = json!({
            "consumer": {"name": "Web"}, "metadata": {"v": 1},
            "interactions": [
                {"description": "a", "providerState": "s", "response": {"status": 200}},
                {"description": "a", "providerState": "t", "response": {"status": 201}},
                {"description": "b", "response": {"status": 202}}
            ]
        });
        let new = json!({
            "consumer": {"name": "Web"}, "metadata": {"v": 2},
            "interactions": [
                {"description": "a", "providerStates": [{"name": "s"}], "response": {"status": 500}},
                {"description": "c", "response": {"status": 203}}
            ]
        });
        let merged = merge_pacts(&existing, &new);
        let statuses: Vec<i64> = merged["interactions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["response"]["status"].as_i64().unwrap())
            .collect();
        assert_eq!(statuses, vec![500, 201, 202, 203]);
        assert_eq!(merged["metadata"], json!({"v": 2}));
        assert_eq!(merge_pacts(&json!(1), &new), new);
    }

    #[test]
    fn merge_keeps_existing_list_when_new_has_none() {
        let existing = json!({"messages": [{"description": "m"}]});
        let merged = merge_pacts(&existing, &json!({"metadata": {}}));
        assert_eq!(merged["messages"], existing["messages"]);
    }

    #[test]
    fn valid_publish_request() {
        let content = pact("Web", "API");
        let req = validate_publish_request(&request(&content)).unwrap();
        assert_eq!(req.pacticipant_name, "Web");
        assert_eq!(req.version_number, "1");
        assert_eq!(req.branch.as_deref(), Some("main"));
        assert_eq!(req.tags, vec!["a", "b"]);
        assert_eq!(req.build_url.as_deref(), Some("http://ci/1"));
        let c = &req.contracts[0];
        assert_eq!(c.content_bytes, content.to_string().into_bytes());
        assert_eq!(c.content_json, content);
        assert_eq!(c.on_conflict, OnConflict::Merge);
        assert_eq!(
            (c.consumer_name.as_str(), c.provider_name.as_str()),
            ("Web", "API")
        );
    }

    #[test]
    fn on_conflict_defaults_to_overwrite_and_content_without_names_is_accepted() {
        let mut body = request(&json!({"interactions": []}));
        body["contracts"][0]
            .as_object_mut()
            .unwrap()
            .remove("onConflict");
        let req = validate_publish_request(&body).unwrap();
        assert_eq!(req.contracts[0].on_conflict, OnConflict::Overwrite);
    }

    #[test]
    fn missing_and_blank_top_level_fields() {
        let errors = validate_publish_request(&json!({})).unwrap_err();
        assert_eq!(errors.0["pacticipantName"], vec!["is missing"]);
        assert_eq!(errors.0["pacticipantVersionNumber"], vec!["is missing"]);
        assert_eq!(errors.0["contracts"], vec!["is missing"]);

        let mut body = request(&pact("Web", "API"));
        body["pacticipantVersionNumber"] = json!("1\n2");
        body["branch"] = json!("  ");
        body["tags"] = json!(["ok", ""]);
        body["buildUrl"] = json!(5);
        let errors = validate_publish_request(&body).unwrap_err();
        assert_eq!(
            errors.0["pacticipantVersionNumber"],
            vec!["cannot contain multiple lines"]
        );
        assert_eq!(errors.0["branch"], vec!["cannot be blank"]);
        assert_eq!(errors.0["tags"], vec!["must be filled (at index 1)"]);
        assert_eq!(errors.0["buildUrl"], vec!["must be a string"]);

        let mut body = request(&pact("Web", "API"));
        body["pacticipantName"] = json!(" ");
        body["contracts"] = json!({});
        let errors = validate_publish_request(&body).unwrap_err();
        assert_eq!(errors.0["pacticipantName"], vec!["cannot be blank"]);
        assert_eq!(errors.0["contracts"], vec!["must be an array"]);
        assert!(validate_publish_request(&json!([])).is_err());
    }

    #[test]
    fn contract_field_errors() {
        let mut body = request(&pact("Web", "API"));
        body["contracts"][0] = json!({"consumerName": "", "contentType": "text/plain", "specification": "openapi", "onConflict": "ignore"});
        let errors = contract_errors(&body);
        assert_eq!(
            errors,
            vec![
                "consumerName must be filled (at index 0)",
                "providerName is missing (at index 0)",
                "contentType must be one of: application/json (at index 0)",
                "specification must be one of: pact (at index 0)",
                "onConflict must be one of: overwrite, merge (at index 0)",
                "content is missing (at index 0)",
            ]
        );
        body["contracts"] = json!([1]);
        assert_eq!(
            contract_errors(&body),
            vec!["must be an object (at index 0)"]
        );
    }

    #[test]
    fn content_must_be_strict_base64_utf8_json_object() {
        let mut body = request(&pact("Web", "API"));
        body["contracts"][0]["content"] = json!("eyJ9"); // not padded correctly? valid b64 of `{"}`
        assert_eq!(
            contract_errors(&body),
            vec!["content could not be parsed as application/json (at index 0)"]
        );
        body["contracts"][0]["content"] = json!("e30"); // missing padding: strict decoding refuses
        assert_eq!(
            contract_errors(&body),
            vec!["content is not valid Base64 (at index 0)"]
        );
        body["contracts"][0]["content"] = json!("e3 0=");
        assert_eq!(
            contract_errors(&body),
            vec!["content is not valid Base64 (at index 0)"]
        );
        body["contracts"][0]["content"] = json!(STANDARD.encode("[1]"));
        assert_eq!(
            contract_errors(&body),
            vec!["content was expected to be a JSON object but was an array (at index 0)"]
        );
        body["contracts"][0]["content"] = json!(STANDARD.encode(b"{\"a\":\"\xff\"}"));
        let errors = contract_errors(&body);
        assert!(
            errors[0].starts_with("contract content has a non UTF-8 character at char 7"),
            "{errors:?}"
        );
        assert!(errors[0].contains("'{\"a\":\"'"));
    }

    #[test]
    fn names_must_match_content_and_pacticipant() {
        let body = request(&pact("Other", "Thing"));
        assert_eq!(
            contract_errors(&body),
            vec![
                "consumer name in contract content ('Other') must match consumerName in contract params ('Web') (at index 0)",
                "provider name in contract content ('Thing') must match providerName in contract params ('API') (at index 0)",
            ]
        );
        let mut body = request(&pact("Web", "API"));
        body["pacticipantName"] = json!("Mobile");
        assert_eq!(
            contract_errors(&body),
            vec!["consumerName ('Web') must match pacticipantName ('Mobile') (at index 0)"]
        );
    }
}
