//! Firing webhooks: after a publication or a verification committed, the executions of the
//! webhooks its events match are rendered and enqueued in the outbox, and this process's
//! worker is woken. Firing never fails the request that fired: what was published stays
//! published, and an outbox that cannot be written is logged.

use super::Req;
use crate::domain::webhook_events::{
    matches, publication_events, render_request, verification_events, EventContext,
    PublishedContract,
};
use crate::store::{
    ContractChange, NewExecution, NewPublication, PublishOutcome, StoreError, VerificationRecord,
    Version, Webhook,
};
use crate::Broker;

/// A version's latest branch and its tags, for the templates.
fn branch_and_tags(v: Option<&Version>) -> (String, Vec<String>) {
    match v {
        Some(v) => (
            v.branches
                .last()
                .map(|b| b.name.clone())
                .unwrap_or_default(),
            v.tags.clone(),
        ),
        None => (String::new(), Vec::new()),
    }
}

/// The executions `events` fire for the pact between the context's pacticipants.
fn executions(webhooks: &[Webhook], events: &[&str], ctx: &EventContext) -> Vec<NewExecution> {
    let mut out = Vec::new();
    for event in events {
        let ctx = EventContext {
            event: (*event).to_string(),
            ..ctx.clone()
        };
        for w in webhooks {
            if matches(w, event, &ctx.consumer, &ctx.provider) {
                out.push(NewExecution {
                    webhook_uuid: w.uuid.clone(),
                    event: (*event).to_string(),
                    request: render_request(&w.request, &ctx).to_json(),
                    consumer: ctx.consumer.clone(),
                    provider: ctx.provider.clone(),
                });
            }
        }
    }
    out
}

async fn enqueue(b: &Broker, executions: Vec<NewExecution>) -> Result<(), StoreError> {
    if b.store.enqueue_webhook_executions(&executions).await? > 0 {
        b.wakeup.notify_one();
    }
    Ok(())
}

/// Fires the webhooks of a committed publication.
pub(super) async fn publication(b: &Broker, req: &Req, p: &NewPublication, o: &PublishOutcome) {
    if let Err(e) = fire_publication(b, req, p, o).await {
        tracing::error!(error = %e, consumer = %p.consumer, version = %p.version,
            "could not enqueue the webhooks of a publication");
    }
}

async fn fire_publication(
    b: &Broker,
    req: &Req,
    p: &NewPublication,
    o: &PublishOutcome,
) -> Result<(), StoreError> {
    let webhooks = b.store.webhooks().await?;
    if !webhooks.iter().any(|w| w.enabled) {
        return Ok(());
    }
    let version = b.store.version(&p.consumer, &p.version).await?;
    let (branch, tags) = branch_and_tags(version.as_ref());
    let build_url = p
        .build_url
        .clone()
        .or_else(|| version.as_ref().and_then(|v| v.build_url.clone()))
        .unwrap_or_default();
    let mut out = Vec::new();
    for (provider, sha, change) in &o.contracts {
        let history = b
            .store
            .content_history(provider, &p.consumer, &p.version, sha)
            .await?;
        let events = publication_events(PublishedContract {
            stored: *change != ContractChange::Unchanged,
            same_as_previous: history.same_as_previous,
            verified_successfully: history.verified_successfully,
        });
        let ctx = EventContext {
            consumer: p.consumer.clone(),
            provider: provider.clone(),
            consumer_version: p.version.clone(),
            consumer_branch: p.branch.clone().unwrap_or_else(|| branch.clone()),
            consumer_tags: tags.clone(),
            pact_url: req.links().pact_version(provider, &p.consumer, sha),
            build_url: build_url.clone(),
            ..EventContext::default()
        };
        out.extend(executions(&webhooks, &events, &ctx));
    }
    enqueue(b, out).await
}

/// Fires the webhooks of a committed verification result.
pub(super) async fn verification(b: &Broker, req: &Req, r: &VerificationRecord) {
    if let Err(e) = fire_verification(b, req, r).await {
        tracing::error!(error = %e, provider = %r.provider, id = r.id,
            "could not enqueue the webhooks of a verification");
    }
}

async fn fire_verification(
    b: &Broker,
    req: &Req,
    r: &VerificationRecord,
) -> Result<(), StoreError> {
    let webhooks = b.store.webhooks().await?;
    if !webhooks.iter().any(|w| w.enabled) {
        return Ok(());
    }
    let consumer_version = b
        .store
        .pact_by_sha(&r.provider, &r.consumer, &r.sha)
        .await?
        .map(|p| p.consumer_version)
        .unwrap_or_default();
    let cv = b.store.version(&r.consumer, &consumer_version).await?;
    let (consumer_branch, consumer_tags) = branch_and_tags(cv.as_ref());
    let pv = b.store.version(&r.provider, &r.provider_version).await?;
    let (provider_branch, provider_tags) = branch_and_tags(pv.as_ref());
    let l = req.links();
    let ctx = EventContext {
        consumer: r.consumer.clone(),
        provider: r.provider.clone(),
        consumer_version,
        consumer_branch,
        consumer_tags,
        provider_version: r.provider_version.clone(),
        provider_branch,
        provider_tags,
        pact_url: l.pact_version(&r.provider, &r.consumer, &r.sha),
        verification_result_url: l.verification_result(&r.provider, &r.consumer, &r.sha, r.id),
        success: Some(r.success),
        build_url: r.build_url.clone().unwrap_or_default(),
        ..EventContext::default()
    };
    enqueue(
        b,
        executions(&webhooks, &verification_events(r.success), &ctx),
    )
    .await
}

/// The context `POST /webhooks/{uuid}/execute` renders a webhook with: the latest pact the
/// webhook could fire for (and its latest verification's outcome is not looked up), or
/// example values when there is none.
pub(super) async fn sample_context(
    b: &Broker,
    req: &Req,
    w: &Webhook,
) -> Result<EventContext, StoreError> {
    let event = w.events.first().cloned().unwrap_or_default();
    let pacts = b.store.latest_pacts().await?;
    let probe = Webhook {
        enabled: true,
        ..w.clone()
    };
    let pact = pacts
        .iter()
        .rev()
        .find(|p| matches(&probe, &event, &p.consumer, &p.provider));
    let l = req.links();
    Ok(match pact {
        Some(p) => {
            let v = b.store.version(&p.consumer, &p.consumer_version).await?;
            let (consumer_branch, consumer_tags) = branch_and_tags(v.as_ref());
            EventContext {
                event,
                consumer: p.consumer.clone(),
                provider: p.provider.clone(),
                consumer_version: p.consumer_version.clone(),
                consumer_branch,
                consumer_tags,
                pact_url: l.pact_version(&p.provider, &p.consumer, &p.sha),
                ..EventContext::default()
            }
        }
        None => {
            let name = |side: &Option<crate::store::WebhookPacticipant>, example: &str| match side {
                Some(crate::store::WebhookPacticipant::Name(n)) => n.clone(),
                _ => example.to_string(),
            };
            let consumer = name(&w.consumer, "Example Consumer");
            let provider = name(&w.provider, "Example Provider");
            EventContext {
                event,
                pact_url: l.pact_version(
                    &provider,
                    &consumer,
                    "0000000000000000000000000000000000000000",
                ),
                consumer,
                provider,
                consumer_version: "1.0.0".into(),
                consumer_branch: "main".into(),
                ..EventContext::default()
            }
        }
    })
}
