//! Pacts for verification: consumer version selectors, which pacts they select, pending and
//! work-in-progress status, and the notices the verifiers print.
//!
//! The store loads [`PublicationFacts`] (one per consumer version with a pact for the provider)
//! and [`VerificationFacts`]; [`select`], [`pending_status`] and [`wip`] decide the list, and
//! [`verification_notices`] words it as the Ruby broker's `VerifiablePactMessages` does.

use std::collections::BTreeMap;

use serde_json::Value;

use super::FieldErrors;

/// One consumer version selector of a pacts-for-verification request.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConsumerVersionSelector {
    /// `mainBranch: true`: the latest version from each consumer's main branch.
    pub main_branch: bool,
    /// `branch`: versions from this branch.
    pub branch: Option<String>,
    /// `fallbackBranch`: used when no version from `branch` exists.
    pub fallback_branch: Option<String>,
    /// `matchingBranch: true`: versions from the branch named like `providerVersionBranch`.
    pub matching_branch: bool,
    /// `tag`: versions with this tag.
    pub tag: Option<String>,
    /// `fallbackTag`: used when no version with `tag` exists.
    pub fallback_tag: Option<String>,
    /// `latest`, as given.
    pub latest: Option<bool>,
    /// `deployed: true`: versions currently deployed.
    pub deployed: bool,
    /// `released: true`: versions currently released and supported.
    pub released: bool,
    /// `deployedOrReleased: true`: either.
    pub deployed_or_released: bool,
    /// `environment`: only that environment (alone, it means deployed or released there).
    pub environment: Option<String>,
    /// `consumer`: only this consumer.
    pub consumer: Option<String>,
}

/// A validated pacts-for-verification request body.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VerificationRequest {
    /// The selectors; empty means [`default_selectors`].
    pub selectors: Vec<ConsumerVersionSelector>,
    /// `providerVersionBranch`.
    pub provider_version_branch: Option<String>,
    /// `providerVersionTags`.
    pub provider_version_tags: Vec<String>,
    /// `includePendingStatus`.
    pub include_pending_status: bool,
    /// `includeWipPactsSince` as a `YYYY-MM-DD` date: times compare against it as text.
    pub include_wip_pacts_since: Option<String>,
}

const SELECTOR_KEYS: [&str; 12] = [
    "mainBranch",
    "branch",
    "fallbackBranch",
    "matchingBranch",
    "tag",
    "fallbackTag",
    "latest",
    "deployed",
    "released",
    "deployedOrReleased",
    "environment",
    "consumer",
];
const BRANCH_KEYS: [&str; 7] = [
    "latest",
    "tag",
    "fallbackTag",
    "branch",
    "fallbackBranch",
    "matchingBranch",
    "mainBranch",
];
const ENVIRONMENT_KEYS: [&str; 4] = ["environment", "deployed", "released", "deployedOrReleased"];

fn is_leap(year: u32) -> bool {
    (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400)
}

/// Reads the date part of `YYYY-MM-DD[THH:MM...]`, checking it is a real calendar date.
fn parse_date(value: &str) -> Option<String> {
    let date = value.get(..10)?;
    let rest = &value[10..];
    if !(rest.is_empty() || rest.starts_with('T') || rest.starts_with(' ')) {
        return None;
    }
    let bytes = date.as_bytes();
    if bytes[4] != b'-' || bytes[7] != b'-' {
        return None;
    }
    let num = |s: &str| -> Option<u32> {
        s.bytes()
            .all(|b| b.is_ascii_digit())
            .then(|| s.parse().ok())
            .flatten()
    };
    let (year, month, day) = (num(&date[..4])?, num(&date[5..7])?, num(&date[8..10])?);
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        2 => 28,
        _ => return None,
    };
    (1..=days).contains(&day).then(|| date.to_string())
}

fn plural(word: &str, count: usize) -> String {
    if count == 1 {
        word.to_string()
    } else {
        format!("{word}s")
    }
}

/// Validates one selector; the messages are the Ruby broker's, without the index suffix.
fn parse_selector(
    value: &Value,
    provider_version_branch: Option<&str>,
) -> Result<ConsumerVersionSelector, Vec<String>> {
    let Value::Object(map) = value else {
        return Err(vec!["must be an object".into()]);
    };
    let mut errors = Vec::new();
    let mut s = ConsumerVersionSelector::default();
    for (key, v) in map {
        let string = |errors: &mut Vec<String>| -> Option<String> {
            match v {
                Value::String(text) if !text.trim().is_empty() => Some(text.clone()),
                Value::String(text) if text.is_empty() => {
                    errors.push(format!("{key} must be filled"));
                    None
                }
                Value::String(_) => {
                    errors.push(format!("{key} cannot be blank"));
                    None
                }
                Value::Null => {
                    errors.push(format!("{key} must be filled"));
                    None
                }
                _ => {
                    errors.push(format!("{key} must be a string"));
                    None
                }
            }
        };
        let only_true = |errors: &mut Vec<String>| -> bool {
            match v {
                Value::Bool(true) => true,
                Value::Null => {
                    errors.push(format!("{key} must be filled"));
                    false
                }
                _ => {
                    errors.push(format!("{key} must be one of: true"));
                    false
                }
            }
        };
        match key.as_str() {
            "mainBranch" => s.main_branch = only_true(&mut errors),
            "matchingBranch" => s.matching_branch = only_true(&mut errors),
            "deployed" => s.deployed = only_true(&mut errors),
            "released" => s.released = only_true(&mut errors),
            "deployedOrReleased" => s.deployed_or_released = only_true(&mut errors),
            "branch" => s.branch = string(&mut errors),
            "fallbackBranch" => s.fallback_branch = string(&mut errors),
            "tag" => s.tag = string(&mut errors),
            "fallbackTag" => s.fallback_tag = string(&mut errors),
            "environment" => s.environment = string(&mut errors),
            "consumer" => s.consumer = string(&mut errors),
            "latest" => match v {
                Value::Bool(b) => s.latest = Some(*b),
                Value::Null => errors.push("latest must be filled".into()),
                _ => errors.push("latest must be one of: true, false".into()),
            },
            // Unknown keys are ignored, as the Ruby schema does, so newer clients keep working.
            _ => {}
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let given: Vec<&str> = SELECTOR_KEYS
        .iter()
        .copied()
        .filter(|k| map.get(*k).is_some_and(|v| !v.is_null()))
        .collect();
    let has = |k: &str| given.contains(&k);

    if !s.main_branch
        && s.tag.is_none()
        && s.branch.is_none()
        && s.environment.is_none()
        && !s.matching_branch
        && !s.deployed
        && !s.released
        && !s.deployed_or_released
        && s.latest != Some(true)
    {
        errors.push("must specify a value for environment or tag or branch, or specify mainBranch=true, matchingBranch=true, latest=true, deployed=true, released=true or deployedOrReleased=true".into());
    }
    if s.main_branch
        && given
            .iter()
            .any(|k| !["consumer", "mainBranch", "latest"].contains(k))
    {
        errors.push(
            "cannot specify mainBranch=true with any other criteria apart from consumer".into(),
        );
    }
    if s.main_branch && s.latest == Some(false) {
        errors.push("cannot specify mainBranch=true with latest=false".into());
    }
    if s.matching_branch
        && given
            .iter()
            .any(|k| !["consumer", "matchingBranch"].contains(k))
    {
        errors.push(
            "cannot specify matchingBranch=true with any other criteria apart from consumer".into(),
        );
    }
    if s.matching_branch && provider_version_branch.is_none_or(|b| b.trim().is_empty()) {
        errors.push("the providerVersionBranch must be specified when the selector matchingBranch=true is used".into());
    }
    if s.tag.is_some() && s.branch.is_some() {
        errors.push("cannot specify both a tag and a branch".into());
    }
    let mut branch_fields: Vec<&str> = BRANCH_KEYS.iter().copied().filter(|k| has(k)).collect();
    let mut env_fields: Vec<&str> = ENVIRONMENT_KEYS
        .iter()
        .copied()
        .filter(|k| has(k))
        .collect();
    if !branch_fields.is_empty() && !env_fields.is_empty() {
        branch_fields.sort_unstable();
        env_fields.sort_unstable();
        errors.push(format!(
            "cannot specify the {} {} with the {} {}",
            plural("field", branch_fields.len()),
            branch_fields.join("/"),
            plural("field", env_fields.len()),
            env_fields.join("/")
        ));
    }
    if s.fallback_tag.is_some() && s.latest != Some(true) {
        errors.push("fallbackTag can only be set if latest is true".into());
    }
    if s.fallback_tag.is_some() && s.tag.is_none() {
        errors.push("a tag must be specified when a fallbackTag is specified".into());
    }
    if s.fallback_branch.is_some() && s.branch.is_none() {
        errors.push("a branch must be specified when a fallbackBranch is specified".into());
    }
    if s.fallback_branch.is_some() && s.latest == Some(false) {
        errors.push("fallbackBranch can only be set if latest is true".into());
    }
    if s.deployed && s.released {
        errors.push("cannot specify both deployed=true and released=true".into());
    }
    if s.deployed && s.deployed_or_released {
        errors.push("cannot specify both deployed=true and deployedOrReleased=true".into());
    }
    if s.released && s.deployed_or_released {
        errors.push("cannot specify both released=true and deployedOrReleased=true".into());
    }
    if errors.is_empty() {
        Ok(s)
    } else {
        Err(errors)
    }
}

/// Validates a `POST /pacts/provider/{p}/for-verification` body.
///
/// Errors are keyed by field; selector errors go under `consumerVersionSelectors` with an
/// `(at index N)` suffix, as the Ruby broker reports them ("cannot specify both a tag and a
/// branch (at index 0)"). Unlike Ruby, `branch` with `latest: false` is accepted and selects
/// every version of the branch (broker-api.md §1.4).
pub fn parse_verification_request(body: &Value) -> Result<VerificationRequest, FieldErrors> {
    let mut errors = FieldErrors::default();
    let Value::Object(map) = body else {
        errors.add("body", "must be a JSON object");
        return Err(errors);
    };
    let mut req = VerificationRequest::default();
    match map.get("providerVersionBranch") {
        None | Some(Value::Null) => {}
        Some(Value::String(b)) => req.provider_version_branch = Some(b.clone()),
        Some(_) => errors.add("providerVersionBranch", "must be a string"),
    }
    match map.get("providerVersionTags") {
        None | Some(Value::Null) => {}
        Some(Value::Array(items)) => {
            for (i, item) in items.iter().enumerate() {
                match item {
                    Value::String(t) => req.provider_version_tags.push(t.clone()),
                    _ => errors.add(
                        "providerVersionTags",
                        format!("must be a string (at index {i})"),
                    ),
                }
            }
        }
        Some(_) => errors.add("providerVersionTags", "must be an array"),
    }
    match map.get("includePendingStatus") {
        None => {}
        Some(Value::Bool(b)) => req.include_pending_status = *b,
        Some(Value::Null) => errors.add("includePendingStatus", "must be filled"),
        Some(_) => errors.add("includePendingStatus", "must be one of: true, false"),
    }
    match map.get("includeWipPactsSince") {
        None => {}
        Some(Value::String(d)) => match parse_date(d) {
            Some(date) => req.include_wip_pacts_since = Some(date),
            None => errors.add("includeWipPactsSince", "must be a date"),
        },
        Some(Value::Null) => errors.add("includeWipPactsSince", "must be filled"),
        Some(_) => errors.add("includeWipPactsSince", "must be a date"),
    }
    if let Some(branch) = &req.provider_version_branch {
        if !branch.is_empty() && branch.trim().is_empty() {
            errors.add("providerVersionBranch", "cannot be blank");
        } else if branch.is_empty()
            && req.provider_version_tags.is_empty()
            && (req.include_pending_status || req.include_wip_pacts_since.is_some())
        {
            errors.add("providerVersionBranch", "when pending or WIP pacts are enabled and there are no tags provided, the provider version branch must not be an empty string, as it is used in the calculations for WIP/pending. A value must be provided (recommended), or it must not be set at all.");
        }
    }
    match map.get("consumerVersionSelectors") {
        None | Some(Value::Null) => {}
        Some(Value::Array(items)) => {
            for (i, item) in items.iter().enumerate() {
                match parse_selector(item, req.provider_version_branch.as_deref()) {
                    Ok(s) => req.selectors.push(s),
                    Err(messages) => {
                        for m in messages {
                            errors.add("consumerVersionSelectors", format!("{m} (at index {i})"));
                        }
                    }
                }
            }
        }
        Some(_) => errors.add("consumerVersionSelectors", "must be an array"),
    }
    // An empty branch only matters for the checks above; treat it as unset from here on.
    if req.provider_version_branch.as_deref() == Some("") {
        req.provider_version_branch = None;
    }
    if errors.is_empty() {
        Ok(req)
    } else {
        Err(errors)
    }
}

/// Which publications selection must look at. Most requests select only the latest version
/// per branch, tag or consumer and what is deployed or released, and so does WIP; loading
/// just those keeps a provider with a long history as fast as one with a short one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FactScope {
    /// The newest publication of each (consumer, branch) and (consumer, tag), of each
    /// consumer when `overall_latest`, and every currently deployed or released one.
    Heads {
        /// A selector (or the defaults) asks for each consumer's latest version.
        overall_latest: bool,
    },
    /// Every publication: a selector asks for all versions of a branch or tag.
    Every,
}

/// The [`FactScope`] that answers `req` exactly as the whole history would.
///
/// ```
/// use pact_broker::domain::selectors::{fact_scope, parse_verification_request, FactScope};
/// let latest = parse_verification_request(&serde_json::json!({
///     "consumerVersionSelectors": [{"mainBranch": true}, {"deployedOrReleased": true}]
/// })).unwrap();
/// assert_eq!(fact_scope(&latest), FactScope::Heads { overall_latest: false });
/// let all_tagged = parse_verification_request(&serde_json::json!({
///     "consumerVersionSelectors": [{"tag": "prod"}]
/// })).unwrap();
/// assert_eq!(fact_scope(&all_tagged), FactScope::Every);
/// let newest = parse_verification_request(&serde_json::json!({
///     "consumerVersionSelectors": [{"latest": true}]
/// })).unwrap();
/// assert_eq!(fact_scope(&newest), FactScope::Heads { overall_latest: true });
/// ```
pub fn fact_scope(req: &VerificationRequest) -> FactScope {
    let every_version = |s: &ConsumerVersionSelector| {
        let branch_or_tag = !s.main_branch && !s.matching_branch;
        let all_for_branch = branch_or_tag && s.branch.is_some() && s.latest == Some(false);
        let all_for_tag =
            branch_or_tag && s.branch.is_none() && s.tag.is_some() && s.latest != Some(true);
        all_for_branch || all_for_tag
    };
    // As `apply_selector` reads a selector: `latest` alone, with none of the other kinds.
    let overall_latest = |s: &ConsumerVersionSelector| {
        !s.main_branch
            && !s.matching_branch
            && s.branch.is_none()
            && s.tag.is_none()
            && !(s.deployed || s.released || s.deployed_or_released || s.environment.is_some())
            && s.latest == Some(true)
    };
    if req.selectors.iter().any(every_version) {
        FactScope::Every
    } else {
        FactScope::Heads {
            overall_latest: req.selectors.is_empty() || req.selectors.iter().any(overall_latest),
        }
    }
}

/// One consumer version with a pact for the provider: what selection needs to know about it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PublicationFacts {
    /// Consumer name.
    pub consumer: String,
    /// The consumer's main branch, if set or detected.
    pub consumer_main_branch: Option<String>,
    /// Consumer version number.
    pub version_number: String,
    /// Consumer version order; larger is newer.
    pub version_order: i64,
    /// Sha of the pact content this version has for the provider.
    pub sha: String,
    /// When that pact was published (RFC 3339 UTC, so text order is time order).
    pub published_at: String,
    /// Branches of the consumer version.
    pub branches: Vec<String>,
    /// Tags of the consumer version.
    pub tags: Vec<String>,
    /// Environments the version is currently deployed to.
    pub deployed_to: Vec<String>,
    /// Environments the version is currently released to and supported in.
    pub released_to: Vec<String>,
}

/// Why a selector chose a pact; drives the descriptions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReasonKind {
    /// Latest from the consumer's main branch.
    LatestForMainBranch {
        /// The main branch name.
        branch: String,
    },
    /// Latest from a branch; `fallback` when the fallback branch was used.
    LatestForBranch {
        /// The selector's branch.
        branch: String,
        /// The fallback branch, when it was used.
        fallback: Option<String>,
    },
    /// Every version from a branch (`latest: false`).
    AllForBranch {
        /// The branch.
        branch: String,
    },
    /// Latest from the branch matching the provider's branch.
    MatchingBranch {
        /// The branch.
        branch: String,
    },
    /// Currently deployed to an environment.
    CurrentlyDeployed {
        /// The environment.
        environment: String,
    },
    /// Currently released and supported in an environment.
    CurrentlySupported {
        /// The environment.
        environment: String,
    },
    /// Latest with a tag; `fallback` when the fallback tag was used.
    LatestForTag {
        /// The selector's tag.
        tag: String,
        /// The fallback tag, when it was used.
        fallback: Option<String>,
    },
    /// Every version with a tag.
    AllForTag {
        /// The tag.
        tag: String,
    },
    /// The latest version of each consumer.
    OverallLatest,
}

impl ReasonKind {
    /// Ordering used when listing reasons, as the Ruby broker groups them by selector type.
    fn rank(&self) -> u8 {
        match self {
            Self::LatestForMainBranch { .. } => 0,
            Self::LatestForBranch { .. } => 1,
            Self::AllForBranch { .. } => 2,
            Self::MatchingBranch { .. } => 3,
            Self::CurrentlyDeployed { .. } => 4,
            Self::CurrentlySupported { .. } => 5,
            Self::LatestForTag { .. } => 6,
            Self::AllForTag { .. } => 7,
            Self::OverallLatest => 8,
        }
    }
}

/// One selector choosing one consumer version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SelectionReason {
    /// What kind of selection it was.
    pub kind: ReasonKind,
    /// The selector's `consumer` filter, if any (changes the wording).
    pub consumer_filter: Option<String>,
    /// The consumer version it chose.
    pub consumer_version: String,
}

/// A pact to verify: one (consumer, content sha), with every reason it was chosen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SelectedPact {
    /// Consumer name.
    pub consumer: String,
    /// The consumer's main branch (for "from the main branch 'main'").
    pub consumer_main_branch: Option<String>,
    /// Pact content sha.
    pub sha: String,
    /// The newest of the chosen consumer versions (the pact is served under it).
    pub consumer_version: String,
    /// Order of `consumer_version`.
    pub consumer_version_order: i64,
    /// Every reason, in selection order.
    pub reasons: Vec<SelectionReason>,
    /// The `shortDescription` ("latest from main branch, deployed to production").
    pub short_description: String,
    /// Included as work in progress (see [`wip`]).
    pub wip: bool,
}

fn latest_per_consumer<'a>(
    pubs: impl Iterator<Item = &'a PublicationFacts>,
) -> Vec<&'a PublicationFacts> {
    let mut best: Vec<&PublicationFacts> = Vec::new();
    for p in pubs {
        match best.iter_mut().find(|b| b.consumer == p.consumer) {
            Some(b) => {
                if p.version_order > b.version_order {
                    *b = p;
                }
            }
            None => best.push(p),
        }
    }
    best
}

/// Selectors used when the request has none: each consumer's main branch (or its latest version
/// when it has no main branch or nothing on it), plus deployed and released versions, as the
/// Ruby broker's `default_selectors`.
pub fn default_selectors(pubs: &[PublicationFacts]) -> Vec<ConsumerVersionSelector> {
    let mut consumers: Vec<&PublicationFacts> = Vec::new();
    for p in pubs {
        if !consumers.iter().any(|c| c.consumer == p.consumer) {
            consumers.push(p);
        }
    }
    let mut out: Vec<ConsumerVersionSelector> = consumers
        .iter()
        .map(|c| {
            let main = c.consumer_main_branch.as_deref();
            let of_consumer = || pubs.iter().filter(|p| p.consumer == c.consumer);
            let consumer = Some(c.consumer.clone());
            match main {
                Some(m) if of_consumer().any(|p| p.branches.iter().any(|b| b == m)) => {
                    ConsumerVersionSelector {
                        main_branch: true,
                        consumer,
                        ..Default::default()
                    }
                }
                Some(m) if of_consumer().any(|p| p.tags.iter().any(|t| t == m)) => {
                    ConsumerVersionSelector {
                        tag: Some(m.to_string()),
                        latest: Some(true),
                        consumer,
                        ..Default::default()
                    }
                }
                _ => ConsumerVersionSelector {
                    latest: Some(true),
                    consumer,
                    ..Default::default()
                },
            }
        })
        .collect();
    out.push(ConsumerVersionSelector {
        deployed: true,
        ..Default::default()
    });
    out.push(ConsumerVersionSelector {
        released: true,
        ..Default::default()
    });
    out
}

fn reason(kind: ReasonKind, s: &ConsumerVersionSelector, p: &PublicationFacts) -> SelectionReason {
    SelectionReason {
        kind,
        consumer_filter: s.consumer.clone(),
        consumer_version: p.version_number.clone(),
    }
}

fn has(list: &[String], name: &str) -> bool {
    list.iter().any(|x| x == name)
}

/// What one selector chooses.
fn apply_selector<'a>(
    s: &ConsumerVersionSelector,
    pubs: &'a [PublicationFacts],
    provider_branch: Option<&str>,
) -> Vec<(&'a PublicationFacts, SelectionReason)> {
    let candidates = || {
        pubs.iter()
            .filter(move |p| s.consumer.as_deref().is_none_or(|c| c == p.consumer))
    };
    let latest = s.latest;
    let mut out = Vec::new();
    if s.main_branch {
        let on_main = candidates().filter(|p| {
            p.consumer_main_branch
                .as_deref()
                .is_some_and(|m| has(&p.branches, m))
        });
        for p in latest_per_consumer(on_main) {
            let branch = p.consumer_main_branch.clone().unwrap_or_default();
            out.push((p, reason(ReasonKind::LatestForMainBranch { branch }, s, p)));
        }
    } else if s.matching_branch {
        if let Some(branch) = provider_branch {
            for p in latest_per_consumer(candidates().filter(|p| has(&p.branches, branch))) {
                let kind = ReasonKind::MatchingBranch {
                    branch: branch.to_string(),
                };
                out.push((p, reason(kind, s, p)));
            }
        }
    } else if let Some(branch) = &s.branch {
        if latest == Some(false) {
            for p in candidates().filter(|p| has(&p.branches, branch)) {
                let kind = ReasonKind::AllForBranch {
                    branch: branch.clone(),
                };
                out.push((p, reason(kind, s, p)));
            }
        } else {
            let mut found = latest_per_consumer(candidates().filter(|p| has(&p.branches, branch)));
            let mut fallback = None;
            if found.is_empty() {
                if let Some(fb) = &s.fallback_branch {
                    found = latest_per_consumer(candidates().filter(|p| has(&p.branches, fb)));
                    fallback = Some(fb.clone());
                }
            }
            for p in found {
                let kind = ReasonKind::LatestForBranch {
                    branch: branch.clone(),
                    fallback: fallback.clone(),
                };
                out.push((p, reason(kind, s, p)));
            }
        }
    } else if let Some(tag) = &s.tag {
        if latest == Some(true) {
            let mut found = latest_per_consumer(candidates().filter(|p| has(&p.tags, tag)));
            let mut fallback = None;
            if found.is_empty() {
                if let Some(ft) = &s.fallback_tag {
                    found = latest_per_consumer(candidates().filter(|p| has(&p.tags, ft)));
                    fallback = Some(ft.clone());
                }
            }
            for p in found {
                let kind = ReasonKind::LatestForTag {
                    tag: tag.clone(),
                    fallback: fallback.clone(),
                };
                out.push((p, reason(kind, s, p)));
            }
        } else {
            for p in candidates().filter(|p| has(&p.tags, tag)) {
                out.push((p, reason(ReasonKind::AllForTag { tag: tag.clone() }, s, p)));
            }
        }
    } else if s.deployed || s.released || s.deployed_or_released || s.environment.is_some() {
        let neither = !s.deployed && !s.released && !s.deployed_or_released;
        let want_deployed = s.deployed || s.deployed_or_released || neither;
        let want_released = s.released || s.deployed_or_released || neither;
        let env_ok = |e: &String| s.environment.as_deref().is_none_or(|want| want == e);
        for p in candidates() {
            if want_deployed {
                for e in p.deployed_to.iter().filter(|e| env_ok(e)) {
                    let kind = ReasonKind::CurrentlyDeployed {
                        environment: e.clone(),
                    };
                    out.push((p, reason(kind, s, p)));
                }
            }
            if want_released {
                for e in p.released_to.iter().filter(|e| env_ok(e)) {
                    let kind = ReasonKind::CurrentlySupported {
                        environment: e.clone(),
                    };
                    out.push((p, reason(kind, s, p)));
                }
            }
        }
    } else if latest == Some(true) {
        for p in latest_per_consumer(candidates()) {
            out.push((p, reason(ReasonKind::OverallLatest, s, p)));
        }
    }
    out
}

/// Merges choices by (consumer, sha): the served version is the newest chosen one, and every
/// reason is kept (once).
fn merge(chosen: Vec<(&PublicationFacts, SelectionReason)>, wip_flag: bool) -> Vec<SelectedPact> {
    let mut out: Vec<SelectedPact> = Vec::new();
    for (p, r) in chosen {
        match out
            .iter_mut()
            .find(|s| s.consumer == p.consumer && s.sha == p.sha)
        {
            Some(existing) => {
                if p.version_order > existing.consumer_version_order {
                    existing.consumer_version = p.version_number.clone();
                    existing.consumer_version_order = p.version_order;
                }
                if !existing.reasons.contains(&r) {
                    existing.reasons.push(r);
                }
            }
            None => out.push(SelectedPact {
                consumer: p.consumer.clone(),
                consumer_main_branch: p.consumer_main_branch.clone(),
                sha: p.sha.clone(),
                consumer_version: p.version_number.clone(),
                consumer_version_order: p.version_order,
                reasons: vec![r],
                short_description: String::new(),
                wip: wip_flag,
            }),
        }
    }
    for s in &mut out {
        s.reasons.sort_by_key(|r| r.kind.rank());
        s.short_description = s
            .reasons
            .iter()
            .map(short_description)
            .collect::<Vec<_>>()
            .join(", ");
    }
    out
}

/// The pacts a provider must verify for `req`: each selector (or [`default_selectors`]) applied
/// to `pubs`, merged by (consumer, content sha). WIP pacts are added separately by [`wip`].
pub fn select(pubs: &[PublicationFacts], req: &VerificationRequest) -> Vec<SelectedPact> {
    let defaults;
    let selectors = if req.selectors.is_empty() {
        defaults = default_selectors(pubs);
        &defaults
    } else {
        &req.selectors
    };
    let chosen = selectors
        .iter()
        .flat_map(|s| apply_selector(s, pubs, req.provider_version_branch.as_deref()))
        .collect();
    merge(chosen, false)
}

/// The Ruby broker's short description of one reason (used by Pact Go as a test name).
pub fn short_description(r: &SelectionReason) -> String {
    match &r.kind {
        ReasonKind::OverallLatest => "latest".into(),
        ReasonKind::LatestForTag { tag, fallback } => {
            format!("latest with tag {}", fallback.as_ref().unwrap_or(tag))
        }
        ReasonKind::LatestForMainBranch { .. } => "latest from main branch".into(),
        ReasonKind::LatestForBranch { branch, fallback } => {
            format!("latest from branch {}", fallback.as_ref().unwrap_or(branch))
        }
        ReasonKind::MatchingBranch { branch } => format!("latest from matching branch {branch}"),
        ReasonKind::AllForBranch { branch } => match &r.consumer_filter {
            Some(c) => format!("one of {c} branch {branch}"),
            None => format!("one of branch {branch}"),
        },
        ReasonKind::AllForTag { tag } => match &r.consumer_filter {
            Some(c) => format!("one of {c} {tag}"),
            None => format!("one of {tag}"),
        },
        ReasonKind::CurrentlyDeployed { environment } => format!("deployed to {environment}"),
        ReasonKind::CurrentlySupported { environment } => format!("released in {environment}"),
    }
}

/// A successful or failed verification of some pact content.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VerificationFacts {
    /// The verified content's sha.
    pub sha: String,
    /// Whether it passed.
    pub success: bool,
    /// Branches of the verifying provider version.
    pub provider_branches: Vec<String>,
    /// Tags of the verifying provider version.
    pub provider_tags: Vec<String>,
    /// When it was published (RFC 3339 UTC).
    pub verified_at: String,
    /// Whether the pact was being verified as work in progress; such results do not take a
    /// pact out of the WIP list (Ruby's "successfully verified ... when not WIP").
    pub wip: bool,
}

/// When a provider branch or tag was first created.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProviderBranchFacts {
    /// The branch or tag name.
    pub name: String,
    /// When it was created (RFC 3339 UTC).
    pub created_at: String,
}

/// The provider side of a verification run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProviderContext {
    /// Provider name (for the notices).
    pub provider: String,
    /// `providerVersionBranch`.
    pub branch: Option<String>,
    /// `providerVersionTags`.
    pub tags: Vec<String>,
    /// When `branch` was created, if it exists yet.
    pub branch_created_at: Option<String>,
    /// When each of `tags` was first used, for those that exist.
    pub tags_created_at: Vec<ProviderBranchFacts>,
}

/// Pending status of one pact content for a provider run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PendingStatus {
    /// Whether failures must not fail the build.
    pub pending: bool,
    /// With tags only: the tags for which it is pending.
    pub pending_tags: Vec<String>,
    /// With tags only: the tags for which it is not.
    pub non_pending_tags: Vec<String>,
}

/// Whether a successful verification from a version on `name` exists, or (inheriting from
/// where the branch was cut) one from a version on another branch made before `name` was
/// created (any time, if it does not exist yet).
fn verified_for(
    successes: &[&VerificationFacts],
    name: &str,
    created_at: Option<&str>,
    names_of: fn(&VerificationFacts) -> &[String],
) -> bool {
    successes.iter().any(|v| has(names_of(v), name))
        || successes.iter().any(|v| {
            names_of(v).iter().any(|n| n != name)
                && created_at.is_none_or(|c| v.verified_at.as_str() < c)
        })
}

fn branches_of(v: &VerificationFacts) -> &[String] {
    &v.provider_branches
}

fn tags_of(v: &VerificationFacts) -> &[String] {
    &v.provider_tags
}

/// Pending status per broker-api.md §1.4: with a provider branch, pending unless verified for
/// that branch (see the inheritance rule on [`ProviderContext::branch_created_at`]); with tags
/// only, the same per tag, pending if pending for any tag; with neither, pending unless some
/// provider version ever verified it successfully.
pub fn pending_status(
    sha: &str,
    verifications: &[VerificationFacts],
    ctx: &ProviderContext,
) -> PendingStatus {
    let successes: Vec<&VerificationFacts> = verifications
        .iter()
        .filter(|v| v.sha == sha && v.success)
        .collect();
    if let Some(branch) = &ctx.branch {
        let pending = !verified_for(
            &successes,
            branch,
            ctx.branch_created_at.as_deref(),
            branches_of,
        );
        return PendingStatus {
            pending,
            ..PendingStatus::default()
        };
    }
    if !ctx.tags.is_empty() {
        let (mut pending_tags, mut non_pending_tags) = (Vec::new(), Vec::new());
        for tag in &ctx.tags {
            let created = ctx
                .tags_created_at
                .iter()
                .find(|t| t.name == *tag)
                .map(|t| t.created_at.as_str());
            if verified_for(&successes, tag, created, tags_of) {
                non_pending_tags.push(tag.clone());
            } else {
                pending_tags.push(tag.clone());
            }
        }
        return PendingStatus {
            pending: !pending_tags.is_empty(),
            pending_tags,
            non_pending_tags,
        };
    }
    PendingStatus {
        pending: successes.is_empty(),
        ..PendingStatus::default()
    }
}

/// Shorthand for [`pending_status`]`.pending`.
pub fn is_pending(sha: &str, verifications: &[VerificationFacts], ctx: &ProviderContext) -> bool {
    pending_status(sha, verifications, ctx).pending
}

/// Work-in-progress pacts: only with `since` and a provider branch or tags. The latest pact of
/// every consumer branch and every consumer tag published on or after `since` (a `YYYY-MM-DD`
/// date or RFC 3339 time), not already selected (same consumer and sha), and not successfully
/// verified outside WIP for this provider branch (or, with tags only, for at least one tag
/// still pending). They come back with `wip: true`; they are always pending.
pub fn wip(
    pubs: &[PublicationFacts],
    already_selected: &[SelectedPact],
    since: &str,
    verifications: &[VerificationFacts],
    ctx: &ProviderContext,
) -> Vec<SelectedPact> {
    if ctx.branch.is_none() && ctx.tags.is_empty() {
        return Vec::new();
    }
    // Heads: latest publication per (consumer, branch) and per (consumer, tag).
    let mut heads: BTreeMap<(String, bool, String), &PublicationFacts> = BTreeMap::new();
    for p in pubs {
        let names = p
            .branches
            .iter()
            .map(|b| (true, b))
            .chain(p.tags.iter().map(|t| (false, t)));
        for (is_branch, name) in names {
            let key = (p.consumer.clone(), is_branch, name.clone());
            let newer = heads
                .get(&key)
                .is_none_or(|h| p.version_order > h.version_order);
            if newer {
                heads.insert(key, p);
            }
        }
    }
    let non_wip: Vec<VerificationFacts> =
        verifications.iter().filter(|v| !v.wip).cloned().collect();
    let mut chosen = Vec::new();
    for ((_, is_branch, name), p) in heads {
        if p.published_at.as_str() < since {
            continue;
        }
        if already_selected
            .iter()
            .any(|s| s.consumer == p.consumer && s.sha == p.sha)
        {
            continue;
        }
        if !is_pending(&p.sha, &non_wip, ctx) {
            continue;
        }
        let kind = if is_branch {
            ReasonKind::LatestForBranch {
                branch: name,
                fallback: None,
            }
        } else {
            ReasonKind::LatestForTag {
                tag: name,
                fallback: None,
            }
        };
        chosen.push((
            p,
            SelectionReason {
                kind,
                consumer_filter: None,
                consumer_version: p.version_number.clone(),
            },
        ));
    }
    // Oldest consumer version first, per consumer, so the list is stable whatever the store's
    // order.
    chosen.sort_by(|(a, _), (b, _)| {
        (&a.consumer, a.version_order).cmp(&(&b.consumer, b.version_order))
    });
    merge(chosen, true)
}

/// A `{"when", "text"}` verification notice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerificationNotice {
    /// `before_verification` or `after_verification:success_{bool}_published_{bool}`.
    pub when: String,
    /// The text.
    pub text: String,
}

impl VerificationNotice {
    /// The notice as JSON (string values only, as pact_verifier requires).
    pub fn to_json(&self) -> Value {
        serde_json::json!({"when": self.when, "text": self.text})
    }
}

const READ_MORE_PENDING: &str = "Read more at https://docs.pact.io/go/pending";
const READ_MORE_WIP: &str = "Read more at https://docs.pact.io/go/wip";

fn join_quoted(list: &[String]) -> String {
    let quoted: Vec<String> = list.iter().map(|w| format!("'{w}'")).collect();
    join_unquoted(&quoted, " and ")
}

fn join_unquoted(list: &[String], last: &str) -> String {
    match list.len() {
        0 => String::new(),
        1 => list[0].clone(),
        n => format!("{}{last}{}", list[..n - 1].join(", "), list[n - 1]),
    }
}

fn version_label(r: &SelectionReason) -> String {
    match &r.consumer_filter {
        Some(c) => format!("version of {c}"),
        None => "version".into(),
    }
}

fn reason_description(r: &SelectionReason, provider: &str, main_branch: Option<&str>) -> String {
    let text = match &r.kind {
        ReasonKind::OverallLatest => format!(
            "latest version of {} that has a pact with {provider}",
            r.consumer_filter.as_deref().unwrap_or("a consumer")
        ),
        ReasonKind::LatestForTag { tag, fallback: Some(fb) } => format!(
            "latest {} tagged '{fb}' (fallback tag used as no pact was found with tag '{tag}')",
            version_label(r)
        ),
        ReasonKind::LatestForTag { tag, fallback: None } => {
            format!("latest {} tagged '{tag}'", version_label(r))
        }
        ReasonKind::LatestForMainBranch { branch } => format!(
            "latest {} from the main branch '{}'",
            version_label(r),
            main_branch.unwrap_or(branch)
        ),
        ReasonKind::LatestForBranch { branch, fallback: Some(fb) } => format!(
            "latest {} from branch '{fb}' (fallback branch used as no pact was found from branch '{branch}')",
            version_label(r)
        ),
        ReasonKind::LatestForBranch { branch, fallback: None } => {
            format!("latest {} from branch '{branch}'", version_label(r))
        }
        ReasonKind::MatchingBranch { branch } => format!(
            "latest {} from branch '{branch}' (matching the provider version branch)",
            version_label(r)
        ),
        ReasonKind::AllForBranch { branch } => match &r.consumer_filter {
            Some(c) => format!("all {c} versions from branch '{branch}'"),
            None => format!("all consumer versions from branch '{branch}'"),
        },
        ReasonKind::AllForTag { tag } => match &r.consumer_filter {
            Some(c) => format!("all {c} versions tagged '{tag}'"),
            None => format!("all consumer versions tagged '{tag}'"),
        },
        // Grouped by the caller.
        ReasonKind::CurrentlyDeployed { environment }
        | ReasonKind::CurrentlySupported { environment } => environment.clone(),
    };
    format!("{text} ({})", r.consumer_version)
}

fn selector_descriptions(pact: &SelectedPact, provider: &str) -> String {
    let mut lines = Vec::new();
    let mut grouped: Vec<(bool, Option<String>, Vec<String>)> = Vec::new();
    for r in &pact.reasons {
        let deployed = match &r.kind {
            ReasonKind::CurrentlyDeployed { environment } => Some((true, environment)),
            ReasonKind::CurrentlySupported { environment } => Some((false, environment)),
            _ => None,
        };
        match deployed {
            Some((is_deployed, env)) => {
                let entry = format!("{env} ({})", r.consumer_version);
                match grouped
                    .iter_mut()
                    .find(|(d, c, _)| *d == is_deployed && *c == r.consumer_filter)
                {
                    Some((_, _, envs)) => envs.push(entry),
                    None => grouped.push((is_deployed, r.consumer_filter.clone(), vec![entry])),
                }
            }
            None => {
                flush(&mut grouped, &mut lines);
                lines.push(reason_description(
                    r,
                    provider,
                    pact.consumer_main_branch.as_deref(),
                ));
            }
        }
    }
    flush(&mut grouped, &mut lines);
    lines
        .iter()
        .map(|l| format!("    * {l}"))
        .collect::<Vec<_>>()
        .join("\n")
}

fn flush(grouped: &mut Vec<(bool, Option<String>, Vec<String>)>, lines: &mut Vec<String>) {
    for (deployed, consumer, envs) in grouped.drain(..) {
        let who = match consumer {
            Some(c) => format!("version(s) of {c}"),
            None => "consumer version(s)".into(),
        };
        let envs = join_unquoted(&envs, " and ");
        if deployed {
            lines.push(format!("{who} currently deployed to {envs}"));
        } else {
            lines.push(format!("{who} released and supported in {envs}"));
        }
    }
}

/// The branches and tags a WIP pact is the head of, for its inclusion notice.
fn wip_heads(pact: &SelectedPact) -> (Vec<String>, Vec<String>) {
    let mut branches = Vec::new();
    let mut tags = Vec::new();
    for r in &pact.reasons {
        match &r.kind {
            ReasonKind::LatestForBranch { branch, .. } => branches.push(branch.clone()),
            ReasonKind::LatestForTag { tag, .. } => tags.push(tag.clone()),
            _ => {}
        }
    }
    (branches, tags)
}

/// Everything the notices depend on besides the pact.
#[derive(Debug, Clone, Copy)]
pub struct NoticeContext<'a> {
    /// The provider run.
    pub provider: &'a ProviderContext,
    /// The pact's URL as served in the list (its `_links.self.href`).
    pub pact_url: &'a str,
    /// `includePendingStatus`: pending notices are only given when asked for.
    pub include_pending_status: bool,
    /// The pact's pending status (forced pending for WIP pacts).
    pub pending: &'a PendingStatus,
}

fn pending_target(ctx: &ProviderContext, pending_tags: &[String], any_or_a: &str) -> String {
    let p = &ctx.provider;
    if let Some(branch) = &ctx.branch {
        return format!("{any_or_a} version of {p} from branch '{branch}'");
    }
    match pending_tags.len() {
        0 => p.clone(),
        1 => format!("{any_or_a} version of {p} with tag '{}'", pending_tags[0]),
        _ => format!(
            "{any_or_a} versions of {p} with tags {}",
            join_quoted(pending_tags)
        ),
    }
}

fn non_pending_target(ctx: &ProviderContext, tags: &[String]) -> String {
    let p = &ctx.provider;
    if let Some(branch) = &ctx.branch {
        return format!("a version of {p} from branch '{branch}'");
    }
    match tags.len() {
        0 => p.clone(),
        1 => format!("a version of {p} with tag '{}'", tags[0]),
        _ => format!("a version of {p} with tag {}", join_quoted(tags)),
    }
}

/// The notices of one pact in the pacts-for-verification response, in the Ruby broker's order
/// and wording: why it is included, and (with `includePendingStatus`) whether it is pending and
/// what publishing a result will change.
pub fn verification_notices(
    pact: &SelectedPact,
    ctx: &NoticeContext<'_>,
) -> Vec<VerificationNotice> {
    let provider = &ctx.provider.provider;
    let consumer = &pact.consumer;
    let url = ctx.pact_url;
    let pending = pact.wip || ctx.pending.pending;
    let pending_tags = if pact.wip && ctx.pending.pending_tags.is_empty() {
        ctx.provider.tags.clone()
    } else {
        ctx.pending.pending_tags.clone()
    };
    let mut notices = Vec::new();
    let mut add = |when: &str, text: String| {
        notices.push(VerificationNotice {
            when: when.to_string(),
            text,
        })
    };

    let inclusion = if pact.wip {
        let (branches, tags) = wip_heads(pact);
        let version_text = if branches.len() == 1 || tags.len() == 1 {
            "version"
        } else {
            "versions"
        };
        let mut parts = Vec::new();
        if !branches.is_empty() {
            let word = if branches.len() == 1 {
                "branch"
            } else {
                "branches"
            };
            parts.push(format!("from {word} {}", join_quoted(&branches)));
        }
        if !tags.is_empty() {
            parts.push(format!("tagged with {}", join_quoted(&tags)));
        }
        let same = match pact.reasons.len() {
            0 | 1 => "",
            2 => " (both have the same content)",
            _ => " (all have the same content)",
        };
        format!(
            "The pact at {url} is being verified because it is a 'work in progress' pact (ie. it is the pact for the latest {version_text} of {consumer} {}{same} and it has not yet been successfully verified by {} when the pact's application version was explicitly specified in the consumer version selectors). {READ_MORE_WIP}",
            parts.join(" and "),
            pending_target(ctx.provider, &pending_tags, "a")
        )
    } else {
        let n = pact.reasons.len();
        let criteria = if n > 1 { "criteria" } else { "criterion" };
        format!(
            "The pact at {url} is being verified because the pact content belongs to {} matching the following {criteria}:\n{}",
            plural("the consumer version", n),
            selector_descriptions(pact, provider)
        )
    };
    add("before_verification", inclusion);

    if !ctx.include_pending_status {
        return notices;
    }
    let any_target = pending_target(ctx.provider, &pending_tags, "any");
    let with_these_tags = if ctx.provider.branch.is_some() {
        ""
    } else {
        match pending_tags.len() {
            0 => "",
            1 => "with this tag ",
            _ => "with these tags ",
        }
    };
    let pending_text = if pending && pact.wip {
        format!("This pact is in pending state for this version of {provider} because it was included as a 'work in progress' pact. If this verification fails, it will not cause the overall build to fail. {READ_MORE_PENDING}")
    } else if pending {
        format!(
            "This pact is in pending state for this version of {provider} because a successful verification result for {} has not yet been published. If this verification fails, it will not cause the overall build to fail. {READ_MORE_PENDING}",
            pending_target(ctx.provider, &pending_tags, "a")
        )
    } else {
        format!(
            "This pact has previously been successfully verified by {}. If this verification fails, it will fail the build. {READ_MORE_PENDING}",
            non_pending_target(ctx.provider, &ctx.pending.non_pending_tags)
        )
    };
    add("before_verification", pending_text);
    if pending {
        add(
            "after_verification:success_true_published_false",
            format!("This pact is still in pending state for {any_target} as the successful verification results {with_these_tags}have not yet been published."),
        );
        let still = format!("This pact is still in pending state for {any_target} as a successful verification result {with_these_tags}has not yet been published");
        add(
            "after_verification:success_false_published_false",
            still.clone(),
        );
        add(
            "after_verification:success_true_published_true",
            format!("This pact is no longer in pending state for {any_target}, as a successful verification result {with_these_tags}has been published. If a verification for a version of {provider} {with_these_tags}fails in the future, it will fail the build. {READ_MORE_PENDING}"),
        );
        add("after_verification:success_false_published_true", still);
    }
    notices
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn publication(consumer: &str, version: &str, order: i64, sha: &str) -> PublicationFacts {
        PublicationFacts {
            consumer: consumer.into(),
            consumer_main_branch: Some("main".into()),
            version_number: version.into(),
            version_order: order,
            sha: sha.into(),
            published_at: format!("2024-01-{:02}T00:00:00Z", order.clamp(1, 28)),
            ..Default::default()
        }
    }

    fn on_branch(mut p: PublicationFacts, b: &str) -> PublicationFacts {
        p.branches.push(b.into());
        p
    }

    fn tagged(mut p: PublicationFacts, t: &str) -> PublicationFacts {
        p.tags.push(t.into());
        p
    }

    fn req(selectors: Value) -> VerificationRequest {
        parse_verification_request(&json!({ "consumerVersionSelectors": selectors })).unwrap()
    }

    fn selector_errors(selector: Value, extra: Value) -> Vec<String> {
        let mut body = json!({ "consumerVersionSelectors": [selector] });
        if let (Some(b), Some(e)) = (body.as_object_mut(), extra.as_object()) {
            b.extend(e.clone());
        }
        parse_verification_request(&body).unwrap_err().0["consumerVersionSelectors"].clone()
    }

    fn versions(selected: &[SelectedPact]) -> Vec<(String, String)> {
        selected
            .iter()
            .map(|s| (s.consumer.clone(), s.consumer_version.clone()))
            .collect()
    }

    #[test]
    fn parses_the_recorded_pact_verifier_request() {
        let r = parse_verification_request(&json!({
            "providerVersionTags": ["main"], "providerVersionBranch": "main", "includePendingStatus": true,
            "includeWipPactsSince": "2020-01-01", "consumerVersionSelectors": [{"mainBranch": true}, {"deployedOrReleased": true}]
        }))
        .unwrap();
        assert_eq!(r.provider_version_branch.as_deref(), Some("main"));
        assert_eq!(r.provider_version_tags, vec!["main"]);
        assert!(r.include_pending_status);
        assert_eq!(r.include_wip_pacts_since.as_deref(), Some("2020-01-01"));
        assert!(r.selectors[0].main_branch);
        assert!(r.selectors[1].deployed_or_released);
        assert_eq!(
            parse_verification_request(&json!({})).unwrap(),
            VerificationRequest::default()
        );
    }

    #[test]
    fn selector_combination_errors() {
        let none = json!({});
        assert_eq!(
            selector_errors(json!({"tag": "a", "branch": "b"}), none.clone()),
            vec!["cannot specify both a tag and a branch (at index 0)"]
        );
        assert_eq!(
            selector_errors(json!({"mainBranch": true, "tag": "x"}), none.clone()),
            vec!["cannot specify mainBranch=true with any other criteria apart from consumer (at index 0)"]
        );
        assert!(parse_verification_request(
            &json!({"consumerVersionSelectors": [{"mainBranch": true, "consumer": "Web"}]})
        )
        .is_ok());
        assert!(selector_errors(json!({}), none.clone())[0]
            .starts_with("must specify a value for environment or tag or branch"));
        assert!(selector_errors(json!({"consumer": "Web"}), none.clone())[0]
            .starts_with("must specify a value"));
        assert_eq!(
            selector_errors(json!({"matchingBranch": true}), none.clone()),
            vec!["the providerVersionBranch must be specified when the selector matchingBranch=true is used (at index 0)"]
        );
        assert!(parse_verification_request(&json!({"providerVersionBranch": "f", "consumerVersionSelectors": [{"matchingBranch": true}]})).is_ok());
        assert_eq!(
            selector_errors(json!({"latest": true, "environment": "prod"}), none.clone()),
            vec!["cannot specify the field latest with the field environment (at index 0)"]
        );
        assert_eq!(
            selector_errors(json!({"latest": true, "tag": "t", "environment": "p", "deployed": true}), none.clone()),
            vec!["cannot specify the fields latest/tag with the fields deployed/environment (at index 0)"]
        );
        assert_eq!(
            selector_errors(json!({"tag": "t", "fallbackTag": "x"}), none.clone()),
            vec!["fallbackTag can only be set if latest is true (at index 0)"]
        );
        assert_eq!(
            selector_errors(
                json!({"branch": "b", "fallbackBranch": "x", "latest": false}),
                none.clone()
            ),
            vec!["fallbackBranch can only be set if latest is true (at index 0)"]
        );
        assert_eq!(
            selector_errors(json!({"latest": true, "fallbackBranch": "x"}), none.clone()),
            vec!["a branch must be specified when a fallbackBranch is specified (at index 0)"]
        );
        assert_eq!(
            selector_errors(json!({"deployed": true, "released": true}), none.clone()),
            vec!["cannot specify both deployed=true and released=true (at index 0)"]
        );
        assert_eq!(
            selector_errors(json!({"deployed": false}), none.clone())[0],
            "deployed must be one of: true (at index 0)"
        );
        assert_eq!(
            selector_errors(json!({"tag": 1, "consumer": " "}), none)[..],
            [
                "consumer cannot be blank (at index 0)",
                "tag must be a string (at index 0)"
            ]
        );
        // §1.4: branch with latest:false selects every version of the branch.
        assert!(parse_verification_request(
            &json!({"consumerVersionSelectors": [{"branch": "b", "latest": false}]})
        )
        .is_ok());
    }

    #[test]
    fn top_level_field_errors() {
        let e = parse_verification_request(&json!({"includeWipPactsSince": "2020-02-30", "includePendingStatus": "yes", "providerVersionTags": "x", "consumerVersionSelectors": {}})).unwrap_err();
        assert_eq!(e.0["includeWipPactsSince"], vec!["must be a date"]);
        assert_eq!(
            e.0["includePendingStatus"],
            vec!["must be one of: true, false"]
        );
        assert_eq!(e.0["providerVersionTags"], vec!["must be an array"]);
        assert_eq!(e.0["consumerVersionSelectors"], vec!["must be an array"]);
        let e = parse_verification_request(
            &json!({"providerVersionBranch": "", "includePendingStatus": true}),
        )
        .unwrap_err();
        assert!(
            e.0["providerVersionBranch"][0].starts_with("when pending or WIP pacts are enabled")
        );
        let r = parse_verification_request(&json!({"providerVersionBranch": ""})).unwrap();
        assert_eq!(r.provider_version_branch, None);
        let r = parse_verification_request(
            &json!({"includeWipPactsSince": "2013-02-13T20:04:45.000+11:00"}),
        )
        .unwrap();
        assert_eq!(r.include_wip_pacts_since.as_deref(), Some("2013-02-13"));
        assert!(parse_verification_request(&json!({"includeWipPactsSince": "2024-02-29"})).is_ok());
        assert!(
            parse_verification_request(&json!({"includeWipPactsSince": "2023-02-29"})).is_err()
        );
        assert!(parse_verification_request(&json!({"includeWipPactsSince": "20240101"})).is_err());
        assert!(parse_verification_request(&json!(["x"])).is_err());
    }

    #[test]
    fn branch_selectors_pick_the_latest_unless_latest_false() {
        let pubs = vec![
            on_branch(publication("Web", "1", 1, "a"), "main"),
            on_branch(publication("Web", "2", 2, "b"), "main"),
            on_branch(publication("Web", "3", 3, "c"), "feat"),
            on_branch(publication("Mobile", "9", 9, "d"), "main"),
        ];
        let s = select(&pubs, &req(json!([{"branch": "main"}])));
        assert_eq!(
            versions(&s),
            vec![("Web".into(), "2".into()), ("Mobile".into(), "9".into())]
        );
        assert_eq!(s[0].short_description, "latest from branch main");
        let s = select(
            &pubs,
            &req(json!([{"branch": "main", "latest": false, "consumer": "Web"}])),
        );
        assert_eq!(
            versions(&s),
            vec![("Web".into(), "1".into()), ("Web".into(), "2".into())]
        );
        assert_eq!(s[0].short_description, "one of Web branch main");
        let s = select(&pubs, &req(json!([{"mainBranch": true}])));
        assert_eq!(s.len(), 2);
        assert_eq!(s[0].short_description, "latest from main branch");
        let s = select(
            &pubs,
            &req(json!([{"branch": "nope", "fallbackBranch": "feat"}])),
        );
        assert_eq!(versions(&s), vec![("Web".into(), "3".into())]);
        assert_eq!(s[0].short_description, "latest from branch feat");
        let mut r = parse_verification_request(&json!({"providerVersionBranch": "none", "consumerVersionSelectors": [{"matchingBranch": true}]})).unwrap();
        assert!(select(&pubs, &r).is_empty());
        r.provider_version_branch = Some("feat".into());
        let s = select(&pubs, &r);
        assert_eq!(versions(&s), vec![("Web".into(), "3".into())]);
    }

    #[test]
    fn tag_environment_and_latest_selectors() {
        let mut deployed = tagged(publication("Web", "1", 1, "a"), "prod");
        deployed.deployed_to = vec!["production".into()];
        let mut released = tagged(publication("Web", "2", 2, "b"), "prod");
        released.released_to = vec!["production".into(), "test".into()];
        let newest = publication("Web", "3", 3, "c");
        let pubs = vec![deployed, released, newest];
        let v = |sel: Value| versions(&select(&pubs, &req(sel)));
        let web = |n: &str| ("Web".to_string(), n.to_string());
        assert_eq!(v(json!([{"tag": "prod", "latest": true}])), vec![web("2")]);
        assert_eq!(v(json!([{"tag": "prod"}])), vec![web("1"), web("2")]);
        assert_eq!(
            v(json!([{"tag": "x", "latest": true, "fallbackTag": "prod"}])),
            vec![web("2")]
        );
        assert_eq!(v(json!([{"deployed": true}])), vec![web("1")]);
        assert_eq!(
            v(json!([{"released": true, "environment": "test"}])),
            vec![web("2")]
        );
        assert_eq!(
            v(json!([{"deployedOrReleased": true}])),
            vec![web("1"), web("2")]
        );
        assert_eq!(
            v(json!([{"environment": "production"}])),
            vec![web("1"), web("2")]
        );
        assert_eq!(v(json!([{"latest": true}])), vec![web("3")]);
        assert_eq!(
            v(json!([{"latest": true, "consumer": "Other"}])),
            Vec::<(String, String)>::new()
        );
        let s = select(&pubs, &req(json!([{"released": true}])));
        assert_eq!(
            s[0].short_description,
            "released in production, released in test"
        );
        let s = select(
            &pubs,
            &req(json!([{"tag": "x", "latest": true, "fallbackTag": "prod"}])),
        );
        assert_eq!(s[0].short_description, "latest with tag prod");
    }

    #[test]
    fn same_content_is_merged_with_all_reasons() {
        let mut a = on_branch(publication("Web", "1", 1, "same"), "main");
        a.deployed_to = vec!["production".into()];
        let b = on_branch(publication("Web", "2", 2, "same"), "main");
        let pubs = vec![a, b];
        let s = select(
            &pubs,
            &req(json!([{"deployed": true}, {"mainBranch": true}])),
        );
        assert_eq!(s.len(), 1);
        assert_eq!(s[0].consumer_version, "2");
        assert_eq!(s[0].reasons.len(), 2);
        assert_eq!(
            s[0].short_description,
            "latest from main branch, deployed to production"
        );
    }

    #[test]
    fn defaults_are_main_branch_or_latest_plus_deployed_and_released() {
        let mut pubs = vec![
            on_branch(publication("Web", "1", 1, "a"), "main"),
            publication("Web", "2", 2, "b"),
            tagged(publication("Tagged", "5", 5, "t"), "main"),
            publication("Lone", "7", 7, "l"),
        ];
        pubs[3].consumer_main_branch = None;
        pubs[1].deployed_to = vec!["prod".into()];
        let d = default_selectors(&pubs);
        assert!(d[0].main_branch && d[0].consumer.as_deref() == Some("Web"));
        assert_eq!(d[1].tag.as_deref(), Some("main"));
        assert_eq!(d[2].latest, Some(true));
        assert!(d[3].deployed && d[4].released);
        let s = select(&pubs, &VerificationRequest::default());
        assert_eq!(
            versions(&s),
            vec![
                ("Web".into(), "1".into()),
                ("Tagged".into(), "5".into()),
                ("Lone".into(), "7".into()),
                ("Web".into(), "2".into())
            ]
        );
    }

    fn verification(
        sha: &str,
        success: bool,
        branch: Option<&str>,
        tag: Option<&str>,
        at: &str,
    ) -> VerificationFacts {
        VerificationFacts {
            sha: sha.into(),
            success,
            provider_branches: branch.into_iter().map(String::from).collect(),
            provider_tags: tag.into_iter().map(String::from).collect(),
            verified_at: at.into(),
            wip: false,
        }
    }

    fn branch_ctx(branch: &str, created: Option<&str>) -> ProviderContext {
        ProviderContext {
            provider: "API".into(),
            branch: Some(branch.into()),
            branch_created_at: created.map(String::from),
            ..Default::default()
        }
    }

    #[test]
    fn pending_with_branch() {
        let v = [
            verification("a", true, Some("main"), None, "2024-01-05T00:00:00Z"),
            verification("b", false, Some("feat"), None, "2024-01-05T00:00:00Z"),
        ];
        assert!(!is_pending(
            "a",
            &v,
            &branch_ctx("main", Some("2024-01-01T00:00:00Z"))
        ));
        assert!(
            is_pending("b", &v, &branch_ctx("feat", Some("2024-01-01T00:00:00Z"))),
            "failures do not count"
        );
        // Verified on main before feat was cut: inherited.
        assert!(!is_pending(
            "a",
            &v,
            &branch_ctx("feat", Some("2024-02-01T00:00:00Z"))
        ));
        // Verified on main after feat was cut: not inherited.
        assert!(is_pending(
            "a",
            &v,
            &branch_ctx("feat", Some("2024-01-02T00:00:00Z"))
        ));
        // A branch that does not exist yet inherits everything.
        assert!(!is_pending("a", &v, &branch_ctx("new", None)));
        assert!(is_pending("zzz", &v, &branch_ctx("main", None)));
        // A verification from a version without a branch is not "another branch".
        let untracked = [verification(
            "c",
            true,
            None,
            Some("x"),
            "2024-01-05T00:00:00Z",
        )];
        assert!(is_pending("c", &untracked, &branch_ctx("new", None)));
    }

    #[test]
    fn pending_with_tags_and_with_neither() {
        let v = [verification(
            "a",
            true,
            None,
            Some("dev"),
            "2024-01-05T00:00:00Z",
        )];
        let ctx = ProviderContext {
            provider: "API".into(),
            tags: vec!["dev".into(), "prod".into()],
            tags_created_at: vec![ProviderBranchFacts {
                name: "prod".into(),
                created_at: "2024-01-01T00:00:00Z".into(),
            }],
            ..Default::default()
        };
        let status = pending_status("a", &v, &ctx);
        assert!(status.pending);
        assert_eq!(status.pending_tags, vec!["prod"]);
        assert_eq!(status.non_pending_tags, vec!["dev"]);
        let later = ProviderContext {
            tags_created_at: vec![ProviderBranchFacts {
                name: "prod".into(),
                created_at: "2024-02-01T00:00:00Z".into(),
            }],
            ..ctx
        };
        assert!(!is_pending("a", &v, &later));
        let neither = ProviderContext::default();
        assert!(!is_pending("a", &v, &neither));
        assert!(is_pending("b", &v, &neither));
    }

    #[test]
    fn wip_adds_pending_heads_published_since() {
        let pubs = vec![
            on_branch(publication("Web", "1", 1, "main1"), "main"),
            on_branch(publication("Web", "5", 5, "feat5"), "feat"),
            on_branch(publication("Web", "6", 6, "feat6"), "feat"),
            on_branch(publication("Web", "7", 7, "other7"), "other"),
            tagged(publication("Web", "8", 8, "tag8"), "dev"),
            on_branch(publication("Web", "9", 9, "done"), "done"),
            on_branch(publication("Web", "10", 10, "wipdone"), "wipdone"),
        ];
        let selected = select(
            &pubs,
            &req(json!([{"mainBranch": true}, {"branch": "other"}])),
        );
        let mut verifs = vec![verification(
            "done",
            true,
            Some("main"),
            None,
            "2024-01-20T00:00:00Z",
        )];
        let mut wip_verified =
            verification("wipdone", true, Some("main"), None, "2024-01-20T00:00:00Z");
        wip_verified.wip = true;
        verifs.push(wip_verified);
        let ctx = branch_ctx("main", Some("2023-01-01T00:00:00Z"));
        let w = wip(&pubs, &selected, "2024-01-03", &verifs, &ctx);
        let shas: Vec<&str> = w.iter().map(|p| p.sha.as_str()).collect();
        assert_eq!(shas, vec!["feat6", "tag8", "wipdone"]);
        assert!(w.iter().all(|p| p.wip));
        assert_eq!(w[0].short_description, "latest from branch feat");
        assert!(wip(
            &pubs,
            &selected,
            "2024-01-03",
            &verifs,
            &ProviderContext::default()
        )
        .is_empty());
        assert!(wip(&pubs, &selected, "2025-01-01", &verifs, &ctx).is_empty());
    }

    #[test]
    fn wip_with_tags_only_keeps_pacts_pending_for_some_tag() {
        let pubs = vec![
            tagged(publication("Web", "5", 5, "x"), "feat"),
            tagged(publication("Web", "6", 6, "y"), "other"),
        ];
        let verifs = [verification(
            "y",
            true,
            None,
            Some("dev"),
            "2024-01-20T00:00:00Z",
        )];
        let ctx = ProviderContext {
            provider: "API".into(),
            tags: vec!["dev".into()],
            tags_created_at: vec![ProviderBranchFacts {
                name: "dev".into(),
                created_at: "2023-01-01T00:00:00Z".into(),
            }],
            ..Default::default()
        };
        let w = wip(&pubs, &[], "2024-01-01", &verifs, &ctx);
        assert_eq!(
            w.iter().map(|p| p.sha.as_str()).collect::<Vec<_>>(),
            vec!["x"]
        );
        assert_eq!(w[0].short_description, "latest with tag feat");
    }

    #[test]
    fn notices_for_a_pending_pact() {
        let mut p = on_branch(publication("Web", "2", 2, "s"), "main");
        p.deployed_to = vec!["production".into()];
        let selected = select(
            &[p],
            &req(json!([{"mainBranch": true}, {"deployed": true}])),
        );
        let ctx = branch_ctx("main", None);
        let pending = PendingStatus {
            pending: true,
            ..Default::default()
        };
        let notices = verification_notices(
            &selected[0],
            &NoticeContext {
                provider: &ctx,
                pact_url: "http://b/pacts/1",
                include_pending_status: true,
                pending: &pending,
            },
        );
        assert_eq!(notices.len(), 6);
        assert_eq!(
            notices[0].text,
            "The pact at http://b/pacts/1 is being verified because the pact content belongs to the consumer versions matching the following criteria:\n    * latest version from the main branch 'main' (2)\n    * consumer version(s) currently deployed to production (2)"
        );
        assert_eq!(
            notices[1].text,
            "This pact is in pending state for this version of API because a successful verification result for a version of API from branch 'main' has not yet been published. If this verification fails, it will not cause the overall build to fail. Read more at https://docs.pact.io/go/pending"
        );
        assert_eq!(
            notices[2].when,
            "after_verification:success_true_published_false"
        );
        assert_eq!(
            notices[2].text,
            "This pact is still in pending state for any version of API from branch 'main' as the successful verification results have not yet been published."
        );
        assert_eq!(
            notices[4].when,
            "after_verification:success_true_published_true"
        );
        assert!(notices[4].text.starts_with("This pact is no longer in pending state for any version of API from branch 'main', as a successful verification result has been published."));
        assert_eq!(
            notices[5].when,
            "after_verification:success_false_published_true"
        );
        assert_eq!(notices[0].to_json()["when"], json!("before_verification"));
    }

    #[test]
    fn notices_without_pending_status_and_when_not_pending() {
        let p = tagged(publication("Web", "2", 2, "s"), "prod");
        let selected = select(
            &[p],
            &req(json!([{"tag": "prod", "latest": true, "consumer": "Web"}])),
        );
        let ctx = ProviderContext {
            provider: "API".into(),
            tags: vec!["dev".into()],
            ..Default::default()
        };
        let status = PendingStatus {
            pending: false,
            pending_tags: vec![],
            non_pending_tags: vec!["dev".into()],
        };
        let mut nc = NoticeContext {
            provider: &ctx,
            pact_url: "u",
            include_pending_status: false,
            pending: &status,
        };
        let notices = verification_notices(&selected[0], &nc);
        assert_eq!(notices.len(), 1);
        assert!(notices[0]
            .text
            .ends_with("criterion:\n    * latest version of Web tagged 'prod' (2)"));
        nc.include_pending_status = true;
        let notices = verification_notices(&selected[0], &nc);
        assert_eq!(notices.len(), 2);
        assert_eq!(
            notices[1].text,
            "This pact has previously been successfully verified by a version of API with tag 'dev'. If this verification fails, it will fail the build. Read more at https://docs.pact.io/go/pending"
        );
    }

    #[test]
    fn notices_for_a_wip_pact() {
        let pubs = vec![on_branch(publication("Web", "5", 5, "f"), "feat")];
        let ctx = branch_ctx("main", None);
        let w = wip(&pubs, &[], "2020-01-01", &[], &ctx);
        let status = pending_status("f", &[], &ctx);
        let notices = verification_notices(
            &w[0],
            &NoticeContext {
                provider: &ctx,
                pact_url: "u",
                include_pending_status: true,
                pending: &status,
            },
        );
        assert_eq!(
            notices[0].text,
            "The pact at u is being verified because it is a 'work in progress' pact (ie. it is the pact for the latest version of Web from branch 'feat' and it has not yet been successfully verified by a version of API from branch 'main' when the pact's application version was explicitly specified in the consumer version selectors). Read more at https://docs.pact.io/go/wip"
        );
        assert!(notices[1]
            .text
            .contains("because it was included as a 'work in progress' pact"));
        assert_eq!(notices.len(), 6);
    }

    #[test]
    fn descriptions_of_other_reasons() {
        let r = |kind: ReasonKind, consumer: Option<&str>| SelectionReason {
            kind,
            consumer_filter: consumer.map(String::from),
            consumer_version: "1".into(),
        };
        assert_eq!(
            short_description(&r(ReasonKind::OverallLatest, None)),
            "latest"
        );
        assert_eq!(
            short_description(&r(ReasonKind::AllForTag { tag: "t".into() }, None)),
            "one of t"
        );
        assert_eq!(
            short_description(&r(ReasonKind::MatchingBranch { branch: "f".into() }, None)),
            "latest from matching branch f"
        );
        assert_eq!(
            reason_description(&r(ReasonKind::OverallLatest, None), "API", None),
            "latest version of a consumer that has a pact with API (1)"
        );
        assert_eq!(
            reason_description(
                &r(ReasonKind::AllForTag { tag: "t".into() }, Some("Web")),
                "API",
                None
            ),
            "all Web versions tagged 't' (1)"
        );
        assert_eq!(
            reason_description(
                &r(
                    ReasonKind::LatestForTag {
                        tag: "t".into(),
                        fallback: Some("f".into())
                    },
                    None
                ),
                "API",
                None
            ),
            "latest version tagged 'f' (fallback tag used as no pact was found with tag 't') (1)"
        );
        assert_eq!(
            join_unquoted(&["a".into(), "b".into(), "c".into()], " and "),
            "a, b and c"
        );
    }
}
