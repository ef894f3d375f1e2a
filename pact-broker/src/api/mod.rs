//! The HTTP API, one module per resource family, behind one router.
//!
//! Warp hands every request to [`handle`] whole; the router matches the method and the
//! decoded path segments as a slice pattern, so each route is one line and names with
//! spaces or slashes (`Pricing%20Service`) need no special care. Every 2xx answer is HAL
//! JSON with absolute links (`links`), and every client mistake gets a 4xx with the
//! broker's error shapes: the official clients retry 5xx for about a minute.

mod environments;
mod for_verification;
mod index;
pub(crate) mod links;
pub(crate) mod matrix;
mod pacticipants;
pub(crate) mod pacts;
mod publish;
mod verification_results;
mod webhook_triggers;
mod webhooks;

use crate::auth::Access;
use crate::store::StoreError;
use crate::Broker;
use bytes::Bytes;
use serde_json::{json, Value};
use warp::http::{HeaderMap, HeaderValue, Method, StatusCode};

/// What a handler answers.
pub(crate) type Reply = warp::http::Response<Bytes>;

/// A request as the handlers see it.
pub(crate) struct Req {
    /// The method.
    pub method: Method,
    /// The path, split on `/` and percent-decoded segment by segment.
    pub segments: Vec<String>,
    /// The raw query string, empty when none.
    pub query: String,
    /// The headers.
    pub headers: HeaderMap,
    /// The body.
    pub body: Bytes,
    /// The broker's base URL for this request, without a trailing slash.
    pub base: String,
}

impl Req {
    /// The body as a JSON value; malformed JSON is the client's mistake.
    pub fn json(&self) -> Result<Value, ApiError> {
        if self.body.iter().all(u8::is_ascii_whitespace) {
            return Ok(json!({}));
        }
        serde_json::from_slice(&self.body)
            .map_err(|e| ApiError::BadRequest(json!({"body": [format!("is not valid JSON: {e}")]})))
    }

    /// The body as a JSON object.
    pub fn json_object(&self) -> Result<serde_json::Map<String, Value>, ApiError> {
        match self.json()? {
            Value::Object(map) => Ok(map),
            _ => Err(ApiError::BadRequest(
                json!({"body": ["must be a JSON object"]}),
            )),
        }
    }

    /// The links of this request's broker.
    pub fn links(&self) -> links::Links<'_> {
        links::Links::new(&self.base)
    }
}

/// A request the broker refuses, or could not serve.
#[derive(Debug)]
pub(crate) enum ApiError {
    /// 400, with the `errors` value: `{field: [messages]}` or `[messages]`.
    BadRequest(Value),
    /// 401: no credentials, or wrong ones.
    Unauthorized,
    /// 403: credentials that may only read.
    Forbidden,
    /// 404, with what was not found.
    NotFound(String),
    /// 405.
    MethodNotAllowed,
    /// 409, with the whole body (notices and errors).
    Conflict(Value),
    /// 413: the body exceeds the configured limit.
    PayloadTooLarge(usize),
    /// 503: the database is down; the client may retry.
    Unavailable(String),
    /// 500: a defect of ours, never a client's mistake.
    Internal(String),
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> ApiError {
        match e {
            StoreError::Unavailable(why) => ApiError::Unavailable(why),
            StoreError::NotFound(what) => ApiError::NotFound(what),
            StoreError::Invalid(why) => ApiError::BadRequest(json!([why])),
            StoreError::Duplicate { field, message } => {
                ApiError::BadRequest(json!({ field: [message] }))
            }
            StoreError::Conflict(texts) => ApiError::Conflict(json!({
                "notices": texts.iter().map(|t| json!({"type": "error", "text": t})).collect::<Vec<_>>(),
                "errors": {"contracts": texts},
            })),
            other => ApiError::Internal(other.to_string()),
        }
    }
}

impl ApiError {
    /// The reply for this error.
    pub fn reply(self) -> Reply {
        let (status, body) = match self {
            ApiError::BadRequest(errors) => (StatusCode::BAD_REQUEST, json!({"errors": errors})),
            ApiError::Unauthorized => {
                let mut r = hal(
                    StatusCode::UNAUTHORIZED,
                    json!({"error": "Authentication required: send Basic credentials or a Bearer token"}),
                );
                r.headers_mut().insert(
                    "WWW-Authenticate",
                    HeaderValue::from_static("Basic realm=\"Pact Broker\""),
                );
                return r;
            }
            ApiError::Forbidden => (
                StatusCode::FORBIDDEN,
                json!({"error": "These credentials may only read from this broker"}),
            ),
            ApiError::NotFound(what) => (StatusCode::NOT_FOUND, json!({"error": what})),
            ApiError::MethodNotAllowed => (
                StatusCode::METHOD_NOT_ALLOWED,
                json!({"error": "Method not allowed"}),
            ),
            ApiError::Conflict(body) => (StatusCode::CONFLICT, body),
            ApiError::PayloadTooLarge(limit) => (
                StatusCode::PAYLOAD_TOO_LARGE,
                json!({"errors": [format!("The request body exceeds the broker's limit of {limit} bytes")]}),
            ),
            ApiError::Unavailable(why) => {
                tracing::warn!(reason = %why, "database unavailable");
                let mut r = hal(
                    StatusCode::SERVICE_UNAVAILABLE,
                    json!({"error": "The broker's database is unavailable; try again shortly"}),
                );
                r.headers_mut()
                    .insert("Retry-After", HeaderValue::from_static("1"));
                return r;
            }
            ApiError::Internal(why) => {
                tracing::error!(reason = %why, "internal error");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    json!({"error": "The broker failed to answer; see its log"}),
                )
            }
        };
        hal(status, body)
    }
}

/// The messages of a 400's `errors` value (`{field: [messages]}` or `[messages]`), each
/// prefixed with its field, for a page to show.
pub(crate) fn error_messages(errors: &Value) -> Vec<String> {
    let texts = |v: &Value| -> Vec<String> {
        match v {
            Value::Array(items) => items
                .iter()
                .map(|m| m.as_str().map_or_else(|| m.to_string(), str::to_string))
                .collect(),
            Value::String(s) => vec![s.clone()],
            other => vec![other.to_string()],
        }
    };
    match errors {
        Value::Object(fields) => fields
            .iter()
            .flat_map(|(field, v)| texts(v).into_iter().map(move |m| format!("{field} {m}")))
            .collect(),
        other => texts(other),
    }
}

/// A HAL JSON reply.
pub(crate) fn hal(status: StatusCode, body: Value) -> Reply {
    let mut r = Reply::new(Bytes::from(body.to_string()));
    *r.status_mut() = status;
    r.headers_mut().insert(
        "Content-Type",
        HeaderValue::from_static("application/hal+json;charset=utf-8"),
    );
    r
}

/// 200 with a HAL body.
pub(crate) fn ok(body: Value) -> Result<Reply, ApiError> {
    Ok(hal(StatusCode::OK, body))
}

/// 201 with a HAL body and its `Location`.
pub(crate) fn created(location: &str, body: Value) -> Result<Reply, ApiError> {
    let mut r = hal(StatusCode::CREATED, body);
    if let Ok(v) = HeaderValue::from_str(location) {
        r.headers_mut().insert("Location", v);
    }
    Ok(r)
}

/// 204, no body.
pub(crate) fn no_content() -> Result<Reply, ApiError> {
    let mut r = Reply::new(Bytes::new());
    *r.status_mut() = StatusCode::NO_CONTENT;
    Ok(r)
}

/// Answers one request: authorises it, routes it, and turns refusals into replies.
pub(crate) async fn handle(broker: &Broker, req: Req) -> Reply {
    let heartbeat = req.segments == ["diagnostic", "status", "heartbeat"];
    let auth = &broker.config.auth;
    let public = (heartbeat && auth.public_heartbeat)
        || (broker.config.public_badges
            && crate::ui::badge::is_badge_path(&req.method, &req.segments));
    let access = match auth.access_where(&req.headers, public) {
        Ok(access) => access,
        Err(crate::auth::Refusal::Unauthenticated) => return ApiError::Unauthorized.reply(),
    };
    let writes = !matches!(req.method, Method::GET | Method::HEAD | Method::OPTIONS);
    if writes && access == Access::Read {
        return ApiError::Forbidden.reply();
    }
    if let Some(answer) = crate::ui::route(broker, &req).await {
        return answer.unwrap_or_else(|e| crate::ui::error_page(&req, e));
    }
    match route(broker, &req).await {
        Ok(reply) => reply,
        Err(e) => e.reply(),
    }
}

async fn route(b: &Broker, req: &Req) -> Result<Reply, ApiError> {
    let s: Vec<&str> = req.segments.iter().map(String::as_str).collect();
    let m = req.method.as_str();
    match (m, s.as_slice()) {
        ("GET", []) => index::get(req),
        ("GET", ["diagnostic", "status", "heartbeat"]) => index::heartbeat(),

        ("POST", ["contracts", "publish"]) => publish::contracts(b, req).await,
        ("PUT", ["pacts", "provider", p, "consumer", c, "version", v]) => {
            publish::legacy(b, req, p, c, v).await
        }
        ("GET", ["pacts", "provider", p, "consumer", c, "version", v]) => {
            pacts::for_version(b, req, p, c, v).await
        }
        ("GET", ["pacts", "provider", p, "consumer", c, "latest"]) => {
            pacts::latest(b, req, p, c, None).await
        }
        ("GET", ["pacts", "provider", p, "consumer", c, "latest", tag]) => {
            pacts::latest(b, req, p, c, Some(tag)).await
        }
        ("GET", ["pacts", "provider", p, "consumer", c, "pact-version", sha])
        | ("GET", ["pacts", "provider", p, "consumer", c, "pact-version", sha, "metadata", _]) => {
            pacts::by_sha(b, req, p, c, sha).await
        }
        (
            "POST",
            ["pacts", "provider", p, "consumer", c, "pact-version", sha, "verification-results"],
        )
        | (
            "POST",
            ["pacts", "provider", p, "consumer", c, "pact-version", sha, "metadata", _, "verification-results"],
        ) => verification_results::create(b, req, p, c, sha).await,
        (
            "GET",
            ["pacts", "provider", p, "consumer", c, "pact-version", sha, "verification-results", id],
        ) => verification_results::get(b, req, p, c, sha, id).await,
        ("GET", ["pacts", "provider", p, "latest"]) => {
            pacts::latest_for_provider(b, req, p, None).await
        }
        ("GET", ["pacts", "provider", p, "latest", tag]) => {
            pacts::latest_for_provider(b, req, p, Some(tag)).await
        }
        ("GET", ["pacts", "latest"]) => pacts::latest_all(b, req).await,
        ("GET" | "POST", ["pacts", "provider", p, "for-verification"]) => {
            for_verification::handle(b, req, p).await
        }

        ("GET", ["pacticipants"]) => pacticipants::list(b, req).await,
        ("POST", ["pacticipants"]) => pacticipants::create(b, req).await,
        ("GET", ["pacticipants", p]) => pacticipants::get(b, req, p).await,
        ("PATCH" | "PUT", ["pacticipants", p]) => pacticipants::update(b, req, p).await,
        ("GET", ["pacticipants", p, "versions", v]) => pacticipants::version(b, req, p, v).await,
        ("PUT", ["pacticipants", p, "versions", v]) => {
            pacticipants::put_version(b, req, p, v).await
        }
        ("GET", ["pacticipants", p, "latest-version"]) => {
            pacticipants::latest_version(b, req, p, None).await
        }
        ("GET", ["pacticipants", p, "latest-version", tag]) => {
            pacticipants::latest_version(b, req, p, Some(tag)).await
        }
        ("PUT", ["pacticipants", p, "versions", v, "tags", t]) => {
            pacticipants::put_tag(b, req, p, v, t).await
        }
        ("GET", ["pacticipants", p, "versions", v, "tags", t]) => {
            pacticipants::get_tag(b, req, p, v, t).await
        }
        ("PUT", ["pacticipants", p, "branches", br, "versions", v]) => {
            pacticipants::put_branch_version(b, req, p, br, v).await
        }
        ("DELETE", ["pacticipants", p, "branches", br]) => {
            pacticipants::delete_branch(b, p, br).await
        }

        ("GET", ["matrix"]) => matrix::matrix(b, req).await,
        ("GET", ["can-i-deploy"]) => matrix::can_i_deploy(b, req).await,

        (_, ["environments", ..])
        | (_, ["deployed-versions", ..])
        | (_, ["released-versions", ..]) => environments::route(b, req, m, &s).await,
        (_, ["pacticipants", _, "versions", _, "deployed-versions" | "released-versions", ..]) => {
            environments::route(b, req, m, &s).await
        }
        (_, ["webhooks", ..]) => webhooks::route(b, req, m, &s).await,

        _ => Err(ApiError::NotFound(format!(
            "No resource at {} /{}",
            m,
            req.segments.join("/")
        ))),
    }
}
