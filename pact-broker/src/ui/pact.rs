//! The pact page: what a browser gets at a pact's URL. The pact's interactions in words
//! with their rules beside the values, the verifications of its content with each failing
//! interaction's mismatches, and what changed since the consumer's previous pact.

use super::pact_diff::{diff, PactDiff};
use super::pact_view::{pretty, InteractionView, PactView};
use super::test_results::{self, match_results, Mismatch};
use super::{page, Moment, Nav};
use crate::api::links::seg;
use crate::api::pacts::{find, PactAt};
use crate::api::{ApiError, Reply, Req};
use crate::domain::status::VerificationState;
use crate::store::{PactRecord, VerificationRecord};
use crate::Broker;
use askama::Template;
use serde_json::Value;

/// The most verifications the page lists (the newest, one per provider version): a
/// provider verifying on every commit would otherwise make the page grow without end.
pub(crate) const VERIFICATIONS_SHOWN: usize = 20;

/// A pact's URL (`…/version/{v}`, `…/latest[/{tag}]`, `…/pact-version/{sha}`) in a browser.
pub(crate) async fn get(
    b: &Broker,
    req: &Req,
    provider: &str,
    consumer: &str,
    at: PactAt<'_>,
) -> Result<Reply, ApiError> {
    let record = find(b, provider, consumer, at).await?;
    show(b, req, record).await
}

#[derive(Template)]
#[template(path = "pact.html")]
struct PactPage<'a> {
    nav: Nav<'a>,
    record: &'a PactRecord,
    published: Moment,
    spec: String,
    /// This page's URL, where clients get the pact as HAL JSON.
    self_href: String,
    content_href: String,
    matrix_href: String,
    problems: Vec<String>,
    interactions: Vec<Shown>,
    verifications: Vec<VerificationRow>,
    more_verifications: bool,
    changes: Changes,
    /// The pact as published, indented.
    raw: String,
}

/// An interaction with how the latest verification found it.
struct Shown {
    view: InteractionView,
    /// Its failure in the latest verification.
    failure: Option<Failure>,
}

/// How an interaction failed: against which provider version, and what did not match.
struct Failure {
    provider_version: String,
    mismatches: Vec<Mismatch>,
}

/// One verification of the content.
struct VerificationRow {
    href: String,
    success: bool,
    state: VerificationState,
    provider_version: String,
    at: Moment,
    /// The build URL, when it is a web link (anything else is shown as text, never as an
    /// href a browser would follow).
    build_link: Option<String>,
    build_text: Option<String>,
    /// Who verified (`cargo-pact 0.1.0`, `Pact-Rust 1.4.7`).
    verified_by: Option<String>,
    summary: Option<String>,
    /// Each interaction's result, for a failed verification.
    results: Vec<ResultRow>,
}

/// One interaction's result in a verification.
struct ResultRow {
    label: String,
    /// The interaction's anchor on this page; `None` for a result about no interaction.
    anchor: Option<String>,
    success: bool,
    mismatches: Vec<Mismatch>,
}

/// The changes section.
struct Changes {
    /// The previous consumer version's pact; `None` when this is the consumer's first pact
    /// with the provider.
    previous: Option<Previous>,
    /// Same content as the previous version's.
    identical: bool,
    diff: PactDiff,
    /// This page's anchors of the new pact's interactions, by index.
    anchors: Vec<String>,
}

impl Changes {
    /// The anchor of the interaction at `index` of this pact.
    fn anchor(&self, index: &usize) -> String {
        self.anchors.get(*index).cloned().unwrap_or_default()
    }
}

/// The consumer version compared with.
struct Previous {
    version: String,
    href: String,
}

/// Whether a build URL is safe to link: http or https only.
fn web_link(url: &str) -> bool {
    let lower = url.to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://")
}

/// `verifiedBy` in words: `{implementation, version}` as the verifiers send it, anything
/// else as JSON.
fn verified_by(body: &Value) -> Option<String> {
    let v = body.get("verifiedBy")?;
    let part = |k: &str| v.get(k).and_then(Value::as_str);
    match (part("implementation"), part("version")) {
        (Some(i), Some(ver)) => Some(format!("{i} {ver}")),
        (Some(i), None) => Some(i.to_string()),
        _ if v.is_null() => None,
        _ => Some(v.to_string()),
    }
}

fn verification_row(
    req: &Req,
    v: &VerificationRecord,
    interactions: &[InteractionView],
    now: &str,
) -> (VerificationRow, Vec<(usize, Vec<Mismatch>)>) {
    let parsed = test_results::parse(v.body.get("testResults"));
    let matches = match_results(interactions, &parsed.results);
    let mut failures = Vec::new();
    let mut results = Vec::new();
    for (r, at) in parsed.results.into_iter().zip(matches) {
        if !r.success {
            if let Some(i) = at {
                failures.push((i, r.mismatches.clone()));
            }
        }
        results.push(ResultRow {
            label: at
                .map(|i| interactions[i].description.clone())
                .or(r.description)
                .or(r.interaction_id.map(|id| format!("interaction {id}")))
                .unwrap_or_else(|| "(an interaction the verifier did not name)".into()),
            anchor: at.map(|i| interactions[i].anchor.clone()),
            success: r.success,
            mismatches: r.mismatches,
        });
    }
    let (build_link, build_text) = match &v.build_url {
        Some(u) if web_link(u) => (Some(u.clone()), None),
        Some(u) => (None, Some(u.clone())),
        None => (None, None),
    };
    let row = VerificationRow {
        href: req
            .links()
            .verification_result(&v.provider, &v.consumer, &v.sha, v.id),
        success: v.success,
        state: if v.success {
            VerificationState::Verified
        } else {
            VerificationState::Failed
        },
        provider_version: v.provider_version.clone(),
        at: Moment::new(&v.created_at, now),
        build_link,
        build_text,
        verified_by: verified_by(&v.body),
        summary: parsed.summary,
        // A passing run's results say only "passed" for each interaction.
        results: if v.success { Vec::new() } else { results },
    };
    (row, failures)
}

async fn show(b: &Broker, req: &Req, record: PactRecord) -> Result<Reply, ApiError> {
    let (p, c) = (record.provider.as_str(), record.consumer.as_str());
    let limit = i64::try_from(VERIFICATIONS_SHOWN + 1).unwrap_or(i64::MAX);
    let (verifications, previous) = futures_util::future::try_join(
        b.store.verifications_of_content(p, c, &record.sha, limit),
        b.store.previous_pact(p, c, record.consumer_version_id),
    )
    .await?;
    let now = crate::store::now();
    let content: Value = serde_json::from_str(&record.content).unwrap_or(Value::Null);
    let mut view = PactView::new(&content);
    let interactions = std::mem::take(&mut view.interactions);

    let more_verifications = verifications.len() > VERIFICATIONS_SHOWN;
    let mut rows = Vec::new();
    let mut latest_failures = Vec::new();
    for (n, v) in verifications.iter().take(VERIFICATIONS_SHOWN).enumerate() {
        let (row, failures) = verification_row(req, v, &interactions, &now);
        if n == 0 && !v.success {
            latest_failures = failures
                .into_iter()
                .map(|(i, mismatches)| {
                    let provider_version = v.provider_version.clone();
                    (
                        i,
                        Failure {
                            provider_version,
                            mismatches,
                        },
                    )
                })
                .collect();
        }
        rows.push(row);
    }

    let changes = Changes {
        identical: previous.as_ref().is_some_and(|prev| prev.sha == record.sha),
        diff: previous
            .as_ref()
            .map(|prev| {
                let old: Value = serde_json::from_str(&prev.content).unwrap_or(Value::Null);
                diff(&old, &content)
            })
            .unwrap_or_default(),
        previous: previous.as_ref().map(|prev| Previous {
            version: prev.consumer_version.clone(),
            href: req.links().pact_for_version(p, c, &prev.consumer_version),
        }),
        anchors: interactions.iter().map(|i| i.anchor.clone()).collect(),
    };

    let mut shown: Vec<Shown> = interactions
        .into_iter()
        .map(|view| Shown {
            view,
            failure: None,
        })
        .collect();
    for (i, failure) in latest_failures {
        let slot = &mut shown[i].failure;
        match slot {
            // Two failing results for one interaction (the Ruby verifier's examples are
            // grouped already; a Rust run reports each once): keep every mismatch.
            Some(f) => f.mismatches.extend(failure.mismatches),
            None => *slot = Some(failure),
        }
    }

    let l = req.links();
    let self_path = format!(
        "/{}",
        req.segments
            .iter()
            .map(|s| seg(s))
            .collect::<Vec<_>>()
            .join("/")
    );
    page(&PactPage {
        nav: Nav::new(req, ""),
        published: Moment::new(&record.published_at, &now),
        spec: view.spec,
        self_href: l.at(&self_path),
        content_href: l.pact_version(p, c, &record.sha),
        matrix_href: l.at(&format!("/matrix/provider/{}/consumer/{}", seg(p), seg(c))),
        problems: view.problems,
        interactions: shown,
        verifications: rows,
        more_verifications,
        changes,
        raw: pretty(&content),
        record: &record,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn only_web_build_urls_are_links() {
        assert!(web_link("https://ci.example/build/1"));
        assert!(web_link("HTTP://ci.example"));
        assert!(!web_link("javascript://%0aalert(1)"));
        assert!(!web_link("ftp://ci.example"));
    }

    #[test]
    fn the_verifier_reads_in_words() {
        assert_eq!(
            verified_by(
                &json!({"verifiedBy": {"implementation": "Pact-Rust", "version": "1.4.7"}})
            ),
            Some("Pact-Rust 1.4.7".into())
        );
        assert_eq!(verified_by(&json!({})), None);
        assert_eq!(
            verified_by(&json!({"verifiedBy": "me"})),
            Some("\"me\"".into())
        );
    }
}
