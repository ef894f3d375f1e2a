//! Verification results: `POST …/pact-version/{sha}[/metadata/{m}]/verification-results`
//! and reading one back.

use super::{created, ok, ApiError, Reply, Req};
use crate::store::{NewVerification, VerificationRecord};
use crate::Broker;
use serde_json::{json, Map, Value};

/// The field errors of a posted result, as the broker words them; empty when it is valid.
/// `testResults` is kept as posted: Rust sends an array, the Ruby verifier an object.
fn check(body: &Map<String, Value>) -> Map<String, Value> {
    let mut errors = Map::new();
    match body.get("success") {
        Some(Value::Bool(_)) => {}
        None | Some(Value::Null) => {
            errors.insert("success".into(), json!(["can't be blank"]));
        }
        Some(_) => {
            errors.insert("success".into(), json!(["must be true or false"]));
        }
    }
    match body.get("providerApplicationVersion") {
        Some(Value::String(s)) if !s.trim().is_empty() => {}
        Some(Value::String(_)) | None | Some(Value::Null) => {
            errors.insert(
                "providerApplicationVersion".into(),
                json!(["can't be blank"]),
            );
        }
        Some(_) => {
            errors.insert(
                "providerApplicationVersion".into(),
                json!(["must be a string"]),
            );
        }
    }
    match body.get("buildUrl") {
        None | Some(Value::Null) => {}
        Some(Value::String(s)) if is_url(s) => {}
        Some(_) => {
            errors.insert("buildUrl".into(), json!(["is not a valid URL"]));
        }
    }
    errors
}

fn is_url(s: &str) -> bool {
    match s.split_once("://") {
        Some((scheme, rest)) => {
            !scheme.is_empty()
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
                && !rest.is_empty()
                && !s.chars().any(char::is_whitespace)
        }
        None => false,
    }
}

pub(super) fn result_json(req: &Req, r: &VerificationRecord) -> Value {
    let l = req.links();
    let mut out = json!({
        "providerName": r.provider,
        "providerApplicationVersion": r.provider_version,
        "success": r.success,
        "verificationDate": r.created_at,
        "_links": {
            "self": {
                "title": "Verification result",
                "name": format!("Verification result {} for Pact between {} and {}", r.id, r.consumer, r.provider),
                "href": l.verification_result(&r.provider, &r.consumer, &r.sha, r.id),
            },
            "pb:pact-version": {"title": "Pact", "href": l.pact_version(&r.provider, &r.consumer, &r.sha)},
            "pb:provider-version": {"title": "Provider version", "name": r.provider_version, "href": l.version(&r.provider, &r.provider_version)},
        }
    });
    for key in ["testResults", "verifiedBy", "buildUrl"] {
        if let Some(v) = r.body.get(key) {
            out[key] = v.clone();
        }
    }
    out
}

pub(super) async fn create(
    b: &Broker,
    req: &Req,
    provider: &str,
    consumer: &str,
    sha: &str,
) -> Result<Reply, ApiError> {
    let body = req.json_object()?;
    let errors = check(&body);
    if !errors.is_empty() {
        return Err(ApiError::BadRequest(Value::Object(errors)));
    }
    let new = NewVerification {
        provider: provider.to_string(),
        consumer: consumer.to_string(),
        sha: sha.to_string(),
        provider_version: body["providerApplicationVersion"]
            .as_str()
            .unwrap_or_default()
            .to_string(),
        success: body["success"].as_bool().unwrap_or(false),
        build_url: body
            .get("buildUrl")
            .and_then(Value::as_str)
            .map(str::to_string),
        body: Value::Object(body),
    };
    let record = b.store.add_verification(&new).await?;
    super::webhook_triggers::verification(b, req, &record).await;
    let json = result_json(req, &record);
    let href = json["_links"]["self"]["href"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    created(&href, json)
}

pub(super) async fn get(
    b: &Broker,
    req: &Req,
    provider: &str,
    consumer: &str,
    sha: &str,
    id: &str,
) -> Result<Reply, ApiError> {
    let missing = || ApiError::NotFound(format!("No verification result {id}"));
    let id: i64 = id.parse().map_err(|_| missing())?;
    let record = b.store.verification(id).await?.ok_or_else(missing)?;
    if record.provider != provider || record.consumer != consumer || record.sha != sha {
        return Err(missing());
    }
    ok(result_json(req, &record))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errors(v: Value) -> Value {
        Value::Object(check(v.as_object().unwrap()))
    }

    #[test]
    fn a_result_needs_success_and_a_provider_version() {
        assert_eq!(
            errors(json!({"success": true, "providerApplicationVersion": "1"})),
            json!({})
        );
        assert_eq!(
            errors(json!({})),
            json!({"success": ["can't be blank"], "providerApplicationVersion": ["can't be blank"]})
        );
        assert_eq!(
            errors(json!({"success": "yes", "providerApplicationVersion": " "})),
            json!({"success": ["must be true or false"], "providerApplicationVersion": ["can't be blank"]})
        );
    }

    #[test]
    fn a_build_url_must_be_a_url() {
        let base = json!({"success": true, "providerApplicationVersion": "1"});
        let mut ok = base.clone();
        ok["buildUrl"] = json!("http://ci/1");
        assert_eq!(errors(ok), json!({}));
        let mut bad = base;
        bad["buildUrl"] = json!("not a url");
        assert_eq!(errors(bad), json!({"buildUrl": ["is not a valid URL"]}));
    }
}
