//! `GET /matrix` and `GET /can-i-deploy` (broker-api.md §1.5): the query is parsed by
//! `domain::query`, each selector is resolved to versions in storage, the target decides
//! the versions of the other pacticipants of each integration, the rows are loaded filtered
//! by those versions, and `domain::matrix` de-duplicates, ignores, filters and judges them.
//! [`answer`] does all of that and [`details_of`] loads the shown versions' badges, so the
//! dashboard's matrix and environments pages answer exactly as the API does.

use super::links::link;
use super::{ok, ApiError, Reply, Req};
use crate::domain::matrix::{
    dedupe, filter_success, mark_ignored, summarize, EvaluatedRow, IgnoreResolution, Integration,
    MatrixFacts, MatrixRow, SelectorResolution, Verdict,
};
use crate::domain::query::{
    parse_can_i_deploy_query, parse_matrix_query, unknown_environment_message,
    unknown_pacticipant_message, MatrixQuery, MatrixSelector, Target,
};
use crate::store::{IntegrationRef, MatrixRowRecord, VersionDetails, VersionScope};
use crate::Broker;
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet, HashMap};

pub(super) async fn matrix(b: &Broker, req: &Req) -> Result<Reply, ApiError> {
    let query =
        parse_matrix_query(&req.query).map_err(|e| ApiError::BadRequest(json!(e.messages)))?;
    evaluate(b, req, &query, "/matrix").await
}

pub(super) async fn can_i_deploy(b: &Broker, req: &Req) -> Result<Reply, ApiError> {
    let query = parse_can_i_deploy_query(&req.query)
        .map_err(|e| ApiError::BadRequest(json!(e.messages)))?;
    evaluate(b, req, &query, "/can-i-deploy").await
}

/// The selector a target means for a pacticipant that was not named in `q[]`.
fn inferred_selector(target: &Target, pacticipant: &str) -> MatrixSelector {
    let mut s = MatrixSelector {
        pacticipant: pacticipant.to_string(),
        ..MatrixSelector::default()
    };
    match target {
        Target::Latest => s.latest = true,
        Target::Tag { name, latest } => {
            s.tag = Some(name.clone());
            s.latest = *latest;
        }
        Target::Branch { name, latest } => {
            s.branch = Some(name.clone());
            s.latest = *latest;
        }
        Target::MainBranch { latest } => {
            s.main_branch = true;
            s.latest = *latest;
        }
        Target::Environment(name) => s.environment = Some(name.clone()),
    }
    s
}

/// Merges a second selector's scope for the same pacticipant into the first.
fn union(a: VersionScope, b: VersionScope) -> VersionScope {
    match (a, b) {
        (VersionScope::Only(mut x), VersionScope::Only(y)) => {
            x.extend(y);
            x.sort_unstable();
            x.dedup();
            VersionScope::Only(x)
        }
        _ => VersionScope::Any,
    }
}

/// The names the query needs that the broker does not know: 400, as the Ruby broker does.
async fn unknown_names(
    b: &Broker,
    q: &MatrixQuery,
) -> Result<(Vec<crate::store::Pacticipant>, Vec<String>), ApiError> {
    let mut errors = Vec::new();
    let mut found = Vec::new();
    for s in &q.selectors {
        match b.store.pacticipant(&s.pacticipant).await? {
            Some(p) => found.push(p),
            None => errors.push(unknown_pacticipant_message(&s.pacticipant)),
        }
    }
    let mut environments: Vec<&str> = q
        .selectors
        .iter()
        .filter_map(|s| s.environment.as_deref())
        .collect();
    if let Some(Target::Environment(e)) = &q.target {
        environments.push(e);
    }
    if !environments.is_empty() {
        let known = b.store.environments().await?;
        for e in environments {
            if !known.iter().any(|k| k.name == e) {
                errors.push(unknown_environment_message(e));
            }
        }
    }
    let mut unique = Vec::new();
    for e in errors {
        if !unique.contains(&e) {
            unique.push(e);
        }
    }
    Ok((found, unique))
}

/// One row of an answer to show, with what its links and badges need.
pub(crate) struct ShownRow {
    /// The row, and whether an ignore selector matched it.
    pub row: EvaluatedRow,
    /// The sha of its pact content (the verification result's href has it).
    pub sha: String,
    /// The consumer version's id, for its branches, tags and environments.
    pub consumer_version_id: Option<i64>,
    /// The verifying provider version's id, if verified.
    pub provider_version_id: Option<i64>,
}

/// A matrix question answered: what `/matrix`, `/can-i-deploy` and the dashboard's
/// matrix and environments pages all show, computed once.
pub(crate) struct Answer {
    /// The verdict over every row that counts (the `success[]` filter and the limit do
    /// not change it).
    pub verdict: Verdict,
    /// The rows to show: filtered by `success[]`, newest first, at most the limit.
    pub rows: Vec<ShownRow>,
    /// How many rows the filter kept before the limit cut them, so a page can say so.
    pub matched: usize,
}

/// Answers a parsed matrix question from storage: resolves the selectors and the target
/// to versions, loads the rows of the integrations concerned, and applies the matrix
/// rules. Unknown pacticipants and environments are a 400 with the Ruby broker's texts.
pub(crate) async fn answer(b: &Broker, q: &MatrixQuery) -> Result<Answer, ApiError> {
    let (pacticipants, errors) = unknown_names(b, q).await?;
    if !errors.is_empty() {
        return Err(ApiError::BadRequest(json!(errors)));
    }

    // The q[] selectors: their versions, and each named pacticipant's scope.
    let mut scopes: BTreeMap<i64, VersionScope> = BTreeMap::new();
    let mut resolutions: Vec<SelectorResolution> = Vec::new();
    for (p, s) in pacticipants.iter().zip(&q.selectors) {
        let (scope, numbers) = if s.only_pacticipant_name() {
            let latest = b.store.latest_version(&p.name, None).await?;
            (
                VersionScope::Any,
                latest.map(|v| vec![v.number]).unwrap_or_default(),
            )
        } else {
            let versions = b.store.matrix_selector_versions(p.id, s).await?;
            (
                VersionScope::Only(versions.iter().map(|v| v.id).collect()),
                versions.into_iter().map(|v| v.number).collect(),
            )
        };
        let merged = match scopes.remove(&p.id) {
            Some(existing) => union(existing, scope),
            None => scope,
        };
        scopes.insert(p.id, merged);
        resolutions.push(SelectorResolution {
            selector: s.clone(),
            versions: numbers,
            specified: true,
            pacticipant_exists: true,
        });
    }
    let specified: BTreeSet<i64> = scopes.keys().copied().collect();
    let single = specified.len() == 1;

    // The integrations: with several selectors and no target, only those between them.
    let mut integrations: BTreeSet<IntegrationRef> = BTreeSet::new();
    for &id in &specified {
        for i in b.store.integrations_of(id).await? {
            let other = if i.consumer_id == id {
                i.provider_id
            } else {
                i.consumer_id
            };
            if specified.contains(&other) || q.target.is_some() || single {
                integrations.insert(i);
            }
        }
    }

    // The other side of each integration: the target's versions, else any version.
    for i in &integrations {
        for (id, name) in [(i.consumer_id, &i.consumer), (i.provider_id, &i.provider)] {
            if scopes.contains_key(&id) {
                continue;
            }
            let scope = match &q.target {
                None => VersionScope::Any,
                Some(target) => {
                    let selector = inferred_selector(target, name);
                    let versions = match target {
                        Target::Environment(e) => {
                            b.store.deployed_or_released_versions(id, e).await?
                        }
                        _ => b.store.matrix_selector_versions(id, &selector).await?,
                    };
                    let scope = VersionScope::Only(versions.iter().map(|v| v.id).collect());
                    resolutions.push(SelectorResolution {
                        selector,
                        versions: versions.into_iter().map(|v| v.number).collect(),
                        specified: false,
                        pacticipant_exists: true,
                    });
                    scope
                }
            };
            scopes.insert(id, scope);
        }
    }

    // The rows.
    let mut records: Vec<MatrixRowRecord> = Vec::new();
    let mut missing: Vec<Integration> = Vec::new();
    for i in &integrations {
        let (Some(cs), Some(ps)) = (scopes.get(&i.consumer_id), scopes.get(&i.provider_id)) else {
            continue;
        };
        let consumer_named = specified.contains(&i.consumer_id);
        // A consumer nobody named, with any version, only shows where it was verified.
        let unverified = consumer_named || !matches!(cs, VersionScope::Any);
        let rows = b
            .store
            .matrix_rows(i, cs, ps, q.latestby, unverified)
            .await?;
        if rows.is_empty() && consumer_named && ps.is_empty() && !specified.contains(&i.provider_id)
        {
            // The consumer versions need this provider, which has no version in the target.
            let needed = b
                .store
                .matrix_rows(
                    i,
                    cs,
                    &VersionScope::Any,
                    Some(crate::domain::query::LatestBy::Cvp),
                    true,
                )
                .await?;
            if !needed.is_empty() {
                missing.push(Integration {
                    consumer: i.consumer.clone(),
                    provider: i.provider.clone(),
                });
            }
        }
        records.extend(rows);
    }

    // The rules.
    type Key = (String, String, String, Option<i64>);
    let key = |r: &MatrixRow| -> Key {
        (
            r.consumer.clone(),
            r.consumer_version.clone(),
            r.provider.clone(),
            r.verification.as_ref().map(|v| v.id),
        )
    };
    let mut extra: HashMap<Key, (String, i64, Option<i64>)> = HashMap::new();
    let mut rows = Vec::with_capacity(records.len());
    for r in records {
        extra.insert(
            key(&r.row),
            (r.sha, r.consumer_version_id, r.provider_version_id),
        );
        rows.push(r.row);
    }
    let evaluated = mark_ignored(dedupe(rows, q.latestby), &q.ignore);
    let mut ignores = Vec::new();
    for s in &q.ignore {
        let exists = b.store.pacticipant(&s.pacticipant).await?.is_some();
        let version_exists = match (&s.version, exists) {
            (_, false) => false,
            (None, true) => true,
            (Some(v), true) => b.store.version(&s.pacticipant, v).await?.is_some(),
        };
        ignores.push(IgnoreResolution {
            selector: s.clone(),
            pacticipant_exists: exists,
            version_exists,
        });
    }
    let verdict = summarize(&MatrixFacts {
        rows: &evaluated,
        selectors: &resolutions,
        ignore: &ignores,
        missing_integrations: &missing,
        target: q.target.as_ref(),
    });
    let mut shown = filter_success(evaluated, &q.success);
    let matched = shown.len();
    shown.truncate(q.effective_limit());
    let rows = shown
        .into_iter()
        .map(|r| {
            let (sha, consumer_version_id, provider_version_id) = extra
                .get(&key(&r.row))
                .map(|(s, c, p)| (s.clone(), Some(*c), *p))
                .unwrap_or_default();
            ShownRow {
                row: r,
                sha,
                consumer_version_id,
                provider_version_id,
            }
        })
        .collect();
    Ok(Answer {
        verdict,
        rows,
        matched,
    })
}

/// The branches, tags and environments of the versions in `rows`, by version id: one
/// read for all of them.
pub(crate) async fn details_of(
    b: &Broker,
    rows: &[ShownRow],
) -> Result<HashMap<i64, VersionDetails>, ApiError> {
    let mut version_ids: Vec<i64> = rows
        .iter()
        .flat_map(|r| {
            r.consumer_version_id
                .into_iter()
                .chain(r.provider_version_id)
        })
        .collect();
    version_ids.sort_unstable();
    version_ids.dedup();
    Ok(b.store
        .version_details(&version_ids)
        .await?
        .into_iter()
        .map(|d| (d.id, d))
        .collect())
}

async fn evaluate(b: &Broker, req: &Req, q: &MatrixQuery, path: &str) -> Result<Reply, ApiError> {
    let Answer { verdict, rows, .. } = answer(b, q).await?;
    let details = details_of(b, &rows).await?;
    let matrix: Vec<Value> = rows
        .iter()
        .map(|r| {
            let mut row = row_json(
                req,
                &r.row.row,
                &r.sha,
                r.consumer_version_id.and_then(|id| details.get(&id)),
                r.provider_version_id.and_then(|id| details.get(&id)),
            );
            if r.row.ignored {
                row["ignored"] = json!(true);
            }
            row
        })
        .collect();
    let self_href = if req.query.is_empty() {
        req.links().at(path)
    } else {
        req.links().at(&format!("{path}?{}", req.query))
    };
    ok(json!({
        "summary": verdict.summary.to_json(),
        "notices": verdict.notices.iter().map(|n| n.to_json()).collect::<Vec<_>>(),
        "matrix": matrix,
        "_links": {"self": link(self_href)},
    }))
}

fn version_json(
    req: &Req,
    pacticipant: &str,
    number: &str,
    details: Option<&VersionDetails>,
) -> Value {
    let l = req.links();
    let empty = VersionDetails::default();
    let d = details.unwrap_or(&empty);
    let branches: Vec<Value> = d
        .branches
        .iter()
        .map(|b| json!({"name": b.name, "latest": b.latest, "_links": {"self": link(l.branch(pacticipant, &b.name))}}))
        .collect();
    let branch_versions: Vec<Value> = d
        .branches
        .iter()
        .map(|b| json!({"name": b.name, "latest": b.latest, "_links": {"self": link(l.branch_version(pacticipant, &b.name, number))}}))
        .collect();
    let tags: Vec<Value> = d
        .tags
        .iter()
        .map(|t| json!({"name": t.name, "latest": t.latest, "_links": {"self": link(l.version_tag(pacticipant, number, &t.name))}}))
        .collect();
    let environments: Vec<Value> = d
        .deployed_to
        .iter()
        .map(|e| json!({"name": e, "deployed": true}))
        .chain(
            d.released_to
                .iter()
                .map(|e| json!({"name": e, "released": true})),
        )
        .collect();
    json!({
        "number": number,
        "branch": d.branches.last().map(|b| b.name.clone()),
        "branches": branches,
        "branchVersions": branch_versions,
        "environments": environments,
        "tags": tags,
        "_links": {"self": {"title": "Version", "name": number, "href": l.version(pacticipant, number)}},
    })
}

fn row_json(
    req: &Req,
    r: &MatrixRow,
    sha: &str,
    consumer_version: Option<&VersionDetails>,
    provider_version: Option<&VersionDetails>,
) -> Value {
    let l = req.links();
    let provider_version_json = match &r.provider_version {
        Some(number) => version_json(req, &r.provider, number, provider_version),
        None => Value::Null,
    };
    let verification = match &r.verification {
        Some(v) => json!({
            "success": v.success,
            "verifiedAt": v.verified_at,
            "_links": {"self": {
                "title": "Verification result",
                "href": l.verification_result(&r.provider, &r.consumer, sha, v.number),
            }},
        }),
        None => Value::Null,
    };
    json!({
        "consumer": {
            "name": r.consumer,
            "version": version_json(req, &r.consumer, &r.consumer_version, consumer_version),
            "_links": {"self": link(l.pacticipant(&r.consumer))},
        },
        "provider": {
            "name": r.provider,
            "version": provider_version_json,
            "_links": {"self": link(l.pacticipant(&r.provider))},
        },
        "pact": {
            "createdAt": r.pact_created_at,
            "_links": {"self": {
                "title": "Pact",
                "href": l.pact_for_version(&r.provider, &r.consumer, &r.consumer_version),
            }},
        },
        "verificationResult": verification,
    })
}
