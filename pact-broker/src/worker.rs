//! The webhook worker: claims due executions from the outbox, sends their requests and
//! records what came back (see the crate docs, "Webhooks").

use crate::domain::webhook_events::{excerpt, is_success, RenderedRequest};
use crate::store::{AttemptOutcome, ClaimedExecution};
use crate::Broker;
use std::sync::Arc;
use std::time::Duration;

/// The most characters of a response body kept with an execution.
const BODY_EXCERPT: usize = 1000;

/// What sending one webhook request got.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Sent {
    /// The response status; `None` when no response came.
    pub status: Option<u16>,
    /// The response headers.
    pub headers: Vec<(String, String)>,
    /// The start of the response body, or why no response came.
    pub body: String,
}

impl Sent {
    /// Whether the webhook succeeded: a 2xx came back.
    pub fn success(&self) -> bool {
        self.status.is_some_and(is_success)
    }
}

/// Sends a rendered webhook request with `client` (whose timeout bounds it), with Basic
/// auth when the webhook has a username.
pub(crate) async fn send(client: &reqwest::Client, r: &RenderedRequest) -> Sent {
    let no_response = |why: String| Sent {
        status: None,
        headers: Vec::new(),
        body: why,
    };
    let method = match reqwest::Method::from_bytes(r.method.as_bytes()) {
        Ok(m) => m,
        Err(_) => return no_response(format!("'{}' is not an HTTP method", r.method)),
    };
    let mut builder = client.request(method, &r.url);
    for (name, value) in &r.headers {
        builder = builder.header(name, value);
    }
    if let Some(user) = &r.username {
        builder = builder.basic_auth(user, r.password.as_ref());
    }
    if let Some(body) = &r.body {
        builder = builder.body(body.clone());
    }
    match builder.send().await {
        Ok(resp) => {
            let status = resp.status().as_u16();
            let headers = resp
                .headers()
                .iter()
                .map(|(k, v)| {
                    (
                        k.as_str().to_string(),
                        String::from_utf8_lossy(v.as_bytes()).into_owned(),
                    )
                })
                .collect();
            let body = match resp.text().await {
                Ok(text) => excerpt(&text, BODY_EXCERPT),
                Err(e) => format!("the response body could not be read: {}", e.without_url()),
            };
            Sent {
                status: Some(status),
                headers,
                body,
            }
        }
        // Without the URL: it may carry credentials.
        Err(e) => no_response(format!("no response: {}", error_chain(&e.without_url()))),
    }
}

fn error_chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        out.push_str(": ");
        out.push_str(&s.to_string());
        source = s.source();
    }
    out
}

/// Runs until `stop` turns true (or its sender is gone): claims due executions, sends each
/// batch concurrently, and sleeps for the poll interval (or until woken) when none is due.
pub(crate) async fn run(broker: Arc<Broker>, mut stop: tokio::sync::watch::Receiver<bool>) {
    let config = broker.config.webhooks.clone();
    let batch = i64::try_from(config.batch.max(1)).unwrap_or(1);
    loop {
        if *stop.borrow() {
            break;
        }
        let claimed = match broker
            .store
            .claim_webhook_executions(batch, config.lease)
            .await
        {
            Ok(claimed) => claimed,
            Err(e) => {
                tracing::warn!(error = %e, "could not claim webhook executions");
                Vec::new()
            }
        };
        if claimed.is_empty() {
            tokio::select! {
                _ = tokio::time::sleep(config.poll_interval) => {}
                _ = broker.wakeup.notified() => {}
                changed = stop.changed() => {
                    if changed.is_err() {
                        break;
                    }
                }
            }
            continue;
        }
        futures_util::future::join_all(claimed.iter().map(|c| execute(&broker, c))).await;
    }
}

/// Attempts one claimed execution and records the outcome.
async fn execute(broker: &Broker, c: &ClaimedExecution) {
    let sent = match RenderedRequest::from_json(&c.request) {
        Some(request) => send(&broker.http, &request).await,
        None => Sent {
            status: None,
            headers: Vec::new(),
            body: "the stored request cannot be read".into(),
        },
    };
    let attempts_made = u32::try_from(c.attempts + 1).unwrap_or(u32::MAX);
    let success = sent.success();
    let retry_in: Option<Duration> = if success {
        None
    } else {
        broker.config.webhooks.retry.next_delay(attempts_made)
    };
    tracing::info!(
        webhook = %c.webhook_uuid,
        event = %c.event,
        execution = c.id,
        attempt = attempts_made,
        status = sent.status,
        success,
        "webhook executed"
    );
    let outcome = AttemptOutcome {
        success,
        status: sent.status,
        body: sent.body,
    };
    if let Err(e) = broker
        .store
        .record_webhook_attempt(c.id, &outcome, retry_in)
        .await
    {
        // The claim lapses and the execution is attempted again.
        tracing::warn!(execution = c.id, error = %e, "could not record a webhook attempt");
    }
}
