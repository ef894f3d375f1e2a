//! Small HTTP helpers for the verification and matrix tests.

#![allow(dead_code)]

use serde_json::{json, Value};

/// Sends a request; the status and the JSON body (Null when empty).
pub async fn send(method: reqwest::Method, url: &str, body: Option<&Value>) -> (u16, Value) {
    let mut req = reqwest::Client::new()
        .request(method, url)
        .header("Accept", "application/hal+json");
    if let Some(b) = body {
        req = req.json(b);
    }
    let resp = req.send().await.expect("request");
    let status = resp.status().as_u16();
    let text = resp.text().await.expect("body");
    let value = if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
    };
    (status, value)
}

/// GET.
pub async fn get(url: &str) -> (u16, Value) {
    send(reqwest::Method::GET, url, None).await
}

/// Publishes `pact` for consumer version `version`; returns the content sha.
pub async fn publish(
    base: &str,
    pact: &Value,
    version: &str,
    branch: Option<&str>,
    tags: &[&str],
) -> String {
    let body = crate::support::publish_body(pact, version, branch, tags);
    let (status, reply) = send(
        reqwest::Method::POST,
        &format!("{base}/contracts/publish"),
        Some(&body),
    )
    .await;
    assert_eq!(status, 200, "{reply}");
    let href = reply["_links"]["pb:contracts"][0]["href"]
        .as_str()
        .expect("contract href");
    let (status, served) = get(href).await;
    assert_eq!(status, 200, "{served}");
    served["_links"]["pb:pact-version"]["name"]
        .as_str()
        .expect("sha")
        .to_string()
}

/// Puts a provider version on a branch.
pub async fn branch(base: &str, pacticipant: &str, branch: &str, version: &str) {
    let url = format!("{base}/pacticipants/{pacticipant}/branches/{branch}/versions/{version}");
    let (status, body) = send(reqwest::Method::PUT, &url, Some(&json!({}))).await;
    assert!(status == 200 || status == 201, "{status} {body}");
}

/// Publishes a verification result of content `sha`; returns its self href.
pub async fn verify(
    base: &str,
    provider: &str,
    consumer: &str,
    sha: &str,
    version: &str,
    success: bool,
) -> String {
    let url = format!("{base}/pacts/provider/{provider}/consumer/{consumer}/pact-version/{sha}/verification-results");
    let body = json!({"success": success, "providerApplicationVersion": version});
    let (status, reply) = send(reqwest::Method::POST, &url, Some(&body)).await;
    assert_eq!(status, 201, "{reply}");
    reply["_links"]["self"]["href"]
        .as_str()
        .expect("href")
        .to_string()
}
