//! The matrix page: `/matrix?…` in a browser, and `/matrix/provider/{p}/consumer/{c}` (the
//! rows of one pair).
//!
//! The page reads the same query as the API (`q[][pacticipant]`, `q[][version]`,
//! `q[][latest]`, `q[][tag]`, `q[][branch]`, `q[][environment]`, `latestby`, `limit`, the
//! target options) with the API's parser, and answers it with the API's evaluation
//! (`api::matrix::answer`), so a URL copied from `can-i-deploy`'s log shows the rows and the
//! verdict the CLI printed. Its filter form is a plain GET form whose fields are those
//! parameters; the rows the form leaves blank are dropped before parsing. Without any
//! selector the page shows the latest pact of every integration with its latest
//! verification, limited.

use super::{Moment, Nav};
use crate::api::links::seg;
use crate::api::matrix::{answer, details_of, Answer, ShownRow};
use crate::api::{error_messages, ApiError, Reply, Req};
use crate::domain::matrix::Verdict;
use crate::domain::query::{
    nested_array, parse_limit, parse_matrix_query, parse_query_pairs, unknown_environment_message,
    MatrixQuery, MatrixSelector, Target, DEFAULT_MATRIX_LIMIT,
};
use crate::domain::status::VerificationState;
use crate::store::{IntegrationSummary, VersionDetails};
use crate::Broker;
use askama::Template;
use serde_json::json;
use std::borrow::Cow;
use std::collections::HashMap;

/// `GET /matrix` for a browser.
pub(super) async fn page(b: &Broker, req: &Req) -> Result<Reply, ApiError> {
    let raw = without_blank_selectors(&req.query);
    let pairs = parse_query_pairs(&raw);
    if nested_array(&pairs, "q").is_empty() && nested_array(&pairs, "ignore").is_empty() {
        return latest_of_every_integration(b, req, &pairs).await;
    }
    let q = parse_matrix_query(&raw).map_err(|e| naming_parameters(e.messages, None))?;
    let heading = if q.asks_can_i_deploy() {
        question(&q)
    } else {
        "Matrix".to_string()
    };
    answered(b, req, &q, heading, String::new()).await
}

/// `GET /matrix/provider/{p}/consumer/{c}` for a browser: every row between the two, newest
/// first, with the query's `latestby` and `limit` when given.
pub(super) async fn pair(
    b: &Broker,
    req: &Req,
    provider: &str,
    consumer: &str,
) -> Result<Reply, ApiError> {
    for name in [consumer, provider] {
        if b.store.pacticipant(name).await?.is_none() {
            return Err(ApiError::NotFound(format!("No pacticipant named {name}")));
        }
    }
    let options: Vec<String> = parse_query_pairs(&req.query)
        .iter()
        .filter(|(k, _)| !k.starts_with("q[") && !k.starts_with("ignore["))
        .map(|(k, v)| format!("{}={}", seg(k), seg(v)))
        .collect();
    let mut raw = format!(
        "q[][pacticipant]={}&q[][pacticipant]={}",
        seg(consumer),
        seg(provider)
    );
    for option in options {
        raw.push('&');
        raw.push_str(&option);
    }
    let q = parse_matrix_query(&raw).map_err(|e| naming_parameters(e.messages, None))?;
    let heading = format!("{consumer} and {provider}");
    let intro =
        format!("Every pact {consumer} published for {provider}, with each verification of it.");
    answered(b, req, &q, heading, intro).await
}

/// The page for a parsed query: its rows, and the verdict when it asks can-i-deploy's
/// question.
async fn answered(
    b: &Broker,
    req: &Req,
    q: &MatrixQuery,
    heading: String,
    intro: String,
) -> Result<Reply, ApiError> {
    let Answer {
        verdict,
        rows,
        matched,
    } = answer(b, q).await.map_err(|e| name_store_errors(e, q))?;
    let details = details_of(b, &rows).await?;
    let nav = Nav::new(req, "matrix");
    let now = crate::store::now();
    let views: Vec<RowView> = rows
        .iter()
        .map(|r| RowView::of_answer(&nav, r, &details, &now))
        .collect();
    let shown = views.len();
    let form = Form::of(b, req, Some(q)).await?;
    let page = MatrixPage {
        answer: q.asks_can_i_deploy().then(|| AnswerView::of(&verdict)),
        heading,
        intro,
        count: if shown == 0 {
            "No rows match this selection.".to_string()
        } else if shown < matched {
            format!(
                "The first {shown} of {matched} rows (limit {}).",
                q.effective_limit()
            )
        } else {
            format!("{shown} {}.", plural(shown, "row", "rows"))
        },
        rows: views,
        form,
        nav,
    };
    super::page(&page)
}

/// The page without a selector: the latest pact of every integration, limited.
async fn latest_of_every_integration(
    b: &Broker,
    req: &Req,
    pairs: &[(String, String)],
) -> Result<Reply, ApiError> {
    let given = pairs
        .iter()
        .find(|(k, v)| k == "limit" && !v.is_empty())
        .map(|(_, v)| v.as_str());
    let limit = parse_limit(given)
        .map_err(|m| naming_parameters(vec![m], None))?
        .unwrap_or(DEFAULT_MATRIX_LIMIT);
    let mut summaries = b.store.integration_summaries(None, None).await?;
    let total = summaries.len();
    summaries.truncate(limit);
    let details = super::version_details_of(b, &summaries).await?;
    let nav = Nav::new(req, "matrix");
    let now = crate::store::now();
    let rows: Vec<RowView> = summaries
        .iter()
        .map(|s| RowView::of_summary(&nav, s, &details, &now))
        .collect();
    let shown = rows.len();
    let form = Form::of(b, req, None).await?;
    let page = MatrixPage {
        heading: "Matrix".to_string(),
        intro: "The latest pact of every integration, with its latest verification. Choose \
                pacticipants and versions above to see more rows, or to ask whether versions \
                can be deployed together."
            .to_string(),
        answer: None,
        count: if total == 0 {
            "No pacts have been published yet.".to_string()
        } else if shown < total {
            format!("The first {shown} of {total} integrations (limit {limit}).")
        } else {
            format!("{shown} {}.", plural(shown, "integration", "integrations"))
        },
        rows,
        form,
        nav,
    };
    super::page(&page)
}

fn plural(n: usize, one: &'static str, many: &'static str) -> &'static str {
    if n == 1 {
        one
    } else {
        many
    }
}

/// The query without the selector rows a form submitted blank (every field empty), so an
/// unused row of the form is not a selector without a pacticipant. Any other query is
/// returned as it is, for the parser to judge.
fn without_blank_selectors(raw: &str) -> Cow<'_, str> {
    let pairs = parse_query_pairs(raw);
    let elements = nested_array(&pairs, "q");
    let blank = |e: &Vec<(String, String)>| e.iter().all(|(_, v)| v.is_empty());
    if !elements.iter().any(blank) {
        return Cow::Borrowed(raw);
    }
    let mut out: Vec<String> = pairs
        .iter()
        .filter(|(k, _)| !k.starts_with("q["))
        .map(|(k, v)| format!("{}={}", seg(k), seg(v)))
        .collect();
    // Explicit indexes keep each row whole whatever keys it has.
    for (i, element) in elements.iter().filter(|e| !blank(e)).enumerate() {
        for (k, v) in element {
            out.push(format!("q[{i}][{}]={}", seg(k), seg(v)));
        }
    }
    Cow::Owned(out.join("&"))
}

/// The query parameter a parser or store message is about, so the 400 page can name it.
fn parameter_of(message: &str, q: Option<&MatrixQuery>) -> Option<&'static str> {
    let starts = |prefix: &str| message.starts_with(prefix);
    if starts("Please specify the pacticipant name to ignore") {
        Some("ignore[][pacticipant]")
    } else if starts("Please specify the pacticipant name")
        || starts("Please provide 1 or more version selectors")
        || (starts("Pacticipant ") && message.ends_with(" not found"))
    {
        Some("q[][pacticipant]")
    } else if starts("A version number and latest flag cannot both be specified") {
        Some("q[][version]")
    } else if starts("Cannot specify more than one of tag, environment and mainBranch") {
        Some("tag, environment, branch, mainBranch")
    } else if starts("Cannot specify both latest=true and an environment") {
        Some("latest")
    } else if starts("The limit must be") {
        Some("limit")
    } else if starts("Environment with name ") {
        let target = match q.and_then(|q| q.target.as_ref()) {
            Some(Target::Environment(e)) => unknown_environment_message(e) == message,
            _ => false,
        };
        Some(if target {
            "environment"
        } else {
            "q[][environment]"
        })
    } else {
        None
    }
}

/// A 400 whose messages each start with the parameter they are about.
fn naming_parameters(messages: Vec<String>, q: Option<&MatrixQuery>) -> ApiError {
    let named: Vec<String> = messages
        .into_iter()
        .map(|m| match parameter_of(&m, q) {
            Some(p) => format!("{p}: {m}"),
            None => m,
        })
        .collect();
    ApiError::BadRequest(json!(named))
}

/// The evaluation's 400 (an unknown pacticipant or environment) with its parameters named;
/// any other error as it is.
fn name_store_errors(error: ApiError, q: &MatrixQuery) -> ApiError {
    match error {
        ApiError::BadRequest(errors) => naming_parameters(error_messages(&errors), Some(q)),
        other => other,
    }
}

/// What a selector names, in words: `version 1`, `the latest of branch main`.
fn describe_versions(s: &MatrixSelector) -> String {
    let mut parts: Vec<String> = Vec::new();
    if let Some(v) = &s.version {
        parts.push(format!("version {v}"));
    }
    let latest = if s.latest { "the latest " } else { "" };
    if let Some(b) = &s.branch {
        parts.push(format!(
            "{latest}{}of branch {b}",
            if s.latest { "" } else { "versions " }
        ));
    } else if s.main_branch {
        parts.push(format!(
            "{latest}{}of the main branch",
            if s.latest { "" } else { "versions " }
        ));
    } else if let Some(t) = &s.tag {
        parts.push(if s.latest {
            format!("the latest with tag {t}")
        } else {
            format!("versions with tag {t}")
        });
    } else if s.latest {
        parts.push("the latest version".to_string());
    }
    if let Some(e) = &s.environment {
        parts.push(format!("in {e}"));
    }
    if parts.is_empty() {
        "every version".to_string()
    } else {
        parts.join(", ")
    }
}

/// The question a can-i-deploy query asks, as the page's heading.
fn question(q: &MatrixQuery) -> String {
    let who: Vec<String> = q
        .selectors
        .iter()
        .map(|s| format!("{} ({})", s.pacticipant, describe_versions(s)))
        .collect();
    let to = match &q.target {
        Some(Target::Environment(e)) => format!("be deployed to {e}"),
        Some(Target::Tag { name, latest: true }) => {
            format!("be deployed with the latest versions tagged {name}")
        }
        Some(Target::Tag {
            name,
            latest: false,
        }) => {
            format!("be deployed with the versions tagged {name}")
        }
        Some(Target::Branch { name, latest }) => format!(
            "be deployed with {} of branch {name}",
            if *latest {
                "the latest versions"
            } else {
                "the versions"
            }
        ),
        Some(Target::MainBranch { latest }) => format!(
            "be merged into the main branch{}",
            if *latest {
                " (its latest versions)"
            } else {
                ""
            }
        ),
        Some(Target::Latest) => "be deployed with the latest versions of the others".into(),
        None if who.len() > 1 => "be deployed together".into(),
        None => "be deployed".into(),
    };
    format!("Can {} {to}?", who.join(" and "))
}

/// A branch, tag or environment of a version, as a badge.
pub(super) struct Badge {
    /// `badge-branch`, `badge-tag` or `badge-env`.
    pub class: &'static str,
    /// The name.
    pub text: String,
    /// What it means, on hover.
    pub title: String,
}

/// The badges of a version's branches, tags and environments.
pub(super) fn badges(d: Option<&VersionDetails>) -> Vec<Badge> {
    let Some(d) = d else {
        return Vec::new();
    };
    let latest = |yes: bool, what: &str| {
        if yes {
            format!("{what} (its latest version)")
        } else {
            what.to_string()
        }
    };
    let branches = d.branches.iter().map(|b| Badge {
        class: "badge-branch",
        text: b.name.clone(),
        title: latest(b.latest, &format!("on branch {}", b.name)),
    });
    let tags = d.tags.iter().map(|t| Badge {
        class: "badge-tag",
        text: t.name.clone(),
        title: latest(t.latest, &format!("tagged {}", t.name)),
    });
    let deployed = d.deployed_to.iter().map(|e| Badge {
        class: "badge-env",
        text: e.clone(),
        title: format!("currently deployed to {e}"),
    });
    let released = d.released_to.iter().map(|e| Badge {
        class: "badge-env",
        text: e.clone(),
        title: format!("released and supported in {e}"),
    });
    branches
        .chain(tags)
        .chain(deployed)
        .chain(released)
        .collect()
}

/// `{base}/matrix?k=v&…`, each value encoded; the keys are the parser's own.
pub(super) fn matrix_href(nav: &Nav<'_>, pairs: &[(&str, &str)]) -> String {
    let query: Vec<String> = pairs
        .iter()
        .map(|(k, v)| format!("{k}={}", seg(v)))
        .collect();
    nav.at(&format!("/matrix?{}", query.join("&")))
}

/// A row's verification cell.
struct VerifiedView {
    class: &'static str,
    word: &'static str,
    href: String,
    when: Moment,
}

/// One row of the table.
struct RowView {
    consumer: String,
    consumer_href: String,
    consumer_version: String,
    consumer_version_href: String,
    consumer_badges: Vec<Badge>,
    published: Moment,
    pact_href: String,
    sha: String,
    sha_short: String,
    sha_href: String,
    provider: String,
    provider_href: String,
    provider_version: Option<String>,
    provider_version_href: String,
    provider_badges: Vec<Badge>,
    verified: Option<VerifiedView>,
    ignored: bool,
    pair_href: String,
}

impl RowView {
    #[allow(clippy::too_many_arguments)]
    fn new(
        nav: &Nav<'_>,
        consumer: &str,
        consumer_version: &str,
        provider: &str,
        provider_version: Option<&str>,
        sha: &str,
        published: &str,
        verified: Option<(bool, i64, &str)>,
        now: &str,
    ) -> RowView {
        let l = crate::api::links::Links::new(nav.base);
        let version_href =
            |p: &str, v: &str| matrix_href(nav, &[("q[][pacticipant]", p), ("q[][version]", v)]);
        let now_verified = verified.map(|(success, id, at)| {
            let state = if success {
                VerificationState::Verified
            } else {
                VerificationState::Failed
            };
            VerifiedView {
                class: state.slug(),
                word: state.label(),
                href: l.verification_result(provider, consumer, sha, id),
                when: Moment::new(at, now),
            }
        });
        RowView {
            consumer: consumer.to_string(),
            consumer_href: matrix_href(nav, &[("q[][pacticipant]", consumer)]),
            consumer_version: consumer_version.to_string(),
            consumer_version_href: version_href(consumer, consumer_version),
            consumer_badges: Vec::new(),
            pact_href: l.pact_for_version(provider, consumer, consumer_version),
            sha: sha.to_string(),
            sha_short: sha.chars().take(8).collect(),
            sha_href: l.pact_version(provider, consumer, sha),
            provider: provider.to_string(),
            provider_href: matrix_href(nav, &[("q[][pacticipant]", provider)]),
            provider_version: provider_version.map(str::to_string),
            provider_version_href: provider_version
                .map(|v| version_href(provider, v))
                .unwrap_or_default(),
            provider_badges: Vec::new(),
            verified: now_verified,
            ignored: false,
            pair_href: nav.at(&format!(
                "/matrix/provider/{}/consumer/{}",
                seg(provider),
                seg(consumer)
            )),
            published: Moment::new(published, now),
        }
    }

    fn of_answer(
        nav: &Nav<'_>,
        r: &ShownRow,
        details: &HashMap<i64, VersionDetails>,
        now: &str,
    ) -> RowView {
        let row = &r.row.row;
        let mut view = RowView::new(
            nav,
            &row.consumer,
            &row.consumer_version,
            &row.provider,
            row.provider_version.as_deref(),
            &r.sha,
            &row.pact_created_at,
            row.verification
                .as_ref()
                .map(|v| (v.success, v.number, v.verified_at.as_str())),
            now,
        );
        view.ignored = r.row.ignored;
        view.consumer_badges = badges(r.consumer_version_id.and_then(|id| details.get(&id)));
        view.provider_badges = badges(r.provider_version_id.and_then(|id| details.get(&id)));
        view
    }

    fn of_summary(
        nav: &Nav<'_>,
        s: &IntegrationSummary,
        details: &HashMap<i64, VersionDetails>,
        now: &str,
    ) -> RowView {
        let v = s.latest_verification.as_ref();
        let mut view = RowView::new(
            nav,
            &s.integration.consumer,
            &s.consumer_version.number,
            &s.integration.provider,
            v.map(|v| v.provider_version.number.as_str()),
            &s.sha,
            &s.published_at,
            v.map(|v| (v.success, v.id, v.created_at.as_str())),
            now,
        );
        view.consumer_badges = badges(details.get(&s.consumer_version.id));
        view.provider_badges = badges(v.and_then(|v| details.get(&v.provider_version.id)));
        view
    }
}

/// The verdict, as the page shows it.
struct AnswerView {
    class: &'static str,
    word: &'static str,
    reasons: Vec<String>,
    success: usize,
    failed: usize,
    unknown: usize,
    ignored: Option<usize>,
}

impl AnswerView {
    fn of(verdict: &Verdict) -> AnswerView {
        let s = &verdict.summary;
        let (class, word) = deployable_state(s.deployable);
        AnswerView {
            class,
            word,
            reasons: s.reason.lines().map(str::to_string).collect(),
            success: s.success,
            failed: s.failed,
            unknown: s.unknown,
            ignored: s.ignored,
        }
    }
}

/// The state class and word of a `deployable` answer: yes, no, or unknown (a result is
/// missing).
pub(super) fn deployable_state(deployable: Option<bool>) -> (&'static str, &'static str) {
    match deployable {
        Some(true) => (VerificationState::Verified.slug(), "deployable"),
        Some(false) => (VerificationState::Failed.slug(), "not deployable"),
        None => (VerificationState::Unverified.slug(), "unknown"),
    }
}

/// An option of a `<select>`.
struct Choice {
    value: String,
    label: String,
    selected: bool,
}

fn choices(options: &[(&str, &str)], current: &str) -> Vec<Choice> {
    options
        .iter()
        .map(|(value, label)| Choice {
            value: value.to_string(),
            label: label.to_string(),
            selected: *value == current,
        })
        .collect()
}

fn environment_choices(names: &[String], none: &str, current: &str) -> Vec<Choice> {
    std::iter::once(("", none))
        .chain(names.iter().map(|n| (n.as_str(), n.as_str())))
        .map(|(value, label)| Choice {
            value: value.to_string(),
            label: label.to_string(),
            selected: value == current,
        })
        .collect()
}

/// One selector row of the form.
struct FormRow {
    number: usize,
    pacticipant: String,
    which: Vec<Choice>,
    version: String,
    branch: String,
    tag: String,
    main_branch: bool,
    environments: Vec<Choice>,
}

/// The filter form, filled in with the query.
struct Form {
    action: String,
    rows: Vec<FormRow>,
    latestby: Vec<Choice>,
    limit: String,
    target: Vec<Choice>,
    pacticipants: Vec<String>,
}

impl Form {
    /// The form for `q` (blank rows without one): a row per selector and one more, at
    /// least two.
    async fn of(b: &Broker, req: &Req, q: Option<&MatrixQuery>) -> Result<Form, ApiError> {
        let pacticipants: Vec<String> = b
            .store
            .pacticipants()
            .await?
            .into_iter()
            .map(|p| p.name)
            .collect();
        let environments: Vec<String> = b
            .store
            .environments()
            .await?
            .into_iter()
            .map(|e| e.name)
            .collect();
        let selectors: &[MatrixSelector] = q.map(|q| q.selectors.as_slice()).unwrap_or(&[]);
        let count = (selectors.len() + 1).max(2);
        let blank = MatrixSelector::default();
        let rows = (0..count)
            .map(|i| {
                let s = selectors.get(i).unwrap_or(&blank);
                FormRow {
                    number: i + 1,
                    pacticipant: s.pacticipant.clone(),
                    which: choices(
                        &[("", "all versions"), ("true", "the latest")],
                        if s.latest { "true" } else { "" },
                    ),
                    version: s.version.clone().unwrap_or_default(),
                    branch: s.branch.clone().unwrap_or_default(),
                    tag: s.tag.clone().unwrap_or_default(),
                    main_branch: s.main_branch,
                    environments: environment_choices(
                        &environments,
                        "any",
                        s.environment.as_deref().unwrap_or(""),
                    ),
                }
            })
            .collect();
        let latestby = match q.and_then(|q| q.latestby) {
            Some(crate::domain::query::LatestBy::Cvp) => "cvp",
            Some(crate::domain::query::LatestBy::Cvpv) => "cvpv",
            None => "",
        };
        let target = match q.and_then(|q| q.target.as_ref()) {
            Some(Target::Environment(e)) => e.as_str(),
            _ => "",
        };
        let nav = Nav::new(req, "matrix");
        Ok(Form {
            action: nav.at("/matrix"),
            rows,
            latestby: choices(
                &[
                    ("", "every verification"),
                    ("cvp", "the latest per consumer version and provider"),
                    (
                        "cvpv",
                        "the latest per consumer version and provider version",
                    ),
                ],
                latestby,
            ),
            limit: q
                .and_then(|q| q.limit)
                .map(|l| l.to_string())
                .unwrap_or_default(),
            target: environment_choices(&environments, "no environment", target),
            pacticipants,
        })
    }
}

/// The matrix page.
#[derive(Template)]
#[template(path = "matrix.html")]
struct MatrixPage<'a> {
    nav: Nav<'a>,
    heading: String,
    intro: String,
    form: Form,
    answer: Option<AnswerView>,
    count: String,
    rows: Vec<RowView>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(raw: &str) -> MatrixQuery {
        parse_matrix_query(raw).unwrap()
    }

    #[test]
    fn blank_form_rows_are_dropped_and_others_kept_whole() {
        let form = "q[][pacticipant]=Web&q[][latest]=&q[][version]=1&q[][branch]=&q[][tag]=\
                    &q[][environment]=&q[][pacticipant]=&q[][latest]=&q[][version]=\
                    &q[][branch]=&q[][tag]=&q[][environment]=&latestby=cvp&limit=";
        let cleaned = without_blank_selectors(form);
        let q = parsed(&cleaned);
        assert_eq!(q.selectors.len(), 1);
        assert_eq!(q.selectors[0].pacticipant, "Web");
        assert_eq!(q.selectors[0].version.as_deref(), Some("1"));
        assert_eq!(q.limit, None);
        assert!(q.latestby.is_some());

        // A row with a version but no pacticipant stays, for the parser to refuse.
        let half = "q[][pacticipant]=&q[][version]=2&q[][pacticipant]=API&q[][version]=\
                    &q[][pacticipant]=&q[][version]=";
        let err = parse_matrix_query(&without_blank_selectors(half)).unwrap_err();
        assert_eq!(err.messages, vec!["Please specify the pacticipant name"]);

        // Nothing blank: the query is untouched (sorted keys still read by position).
        let sorted = "q[][pacticipant]=A&q[][pacticipant]=B&q[][version]=1&q[][version]=2";
        assert!(matches!(without_blank_selectors(sorted), Cow::Borrowed(_)));
        assert!(nested_array(
            &parse_query_pairs(&without_blank_selectors("q[][pacticipant]=&limit=5")),
            "q"
        )
        .is_empty());
    }

    #[test]
    fn every_parser_message_names_its_parameter() {
        let named = |raw: &str| -> Vec<Option<&'static str>> {
            parse_matrix_query(raw)
                .unwrap_err()
                .messages
                .iter()
                .map(|m| parameter_of(m, None))
                .collect()
        };
        assert_eq!(named("q[][version]=1"), vec![Some("q[][pacticipant]")]);
        assert_eq!(named(""), vec![Some("q[][pacticipant]")]);
        assert_eq!(
            named("q[][pacticipant]=A&q[][version]=1&q[][latest]=true"),
            vec![Some("q[][version]")]
        );
        assert_eq!(named("q[][pacticipant]=A&limit=0"), vec![Some("limit")]);
        assert_eq!(
            named("q[][pacticipant]=A&ignore[][version]=1"),
            vec![Some("ignore[][pacticipant]")]
        );
        assert_eq!(
            named("q[][pacticipant]=A&tag=x&environment=y"),
            vec![Some("tag, environment, branch, mainBranch")]
        );
        assert_eq!(
            named("q[][pacticipant]=A&latest=true&environment=y"),
            vec![Some("latest")]
        );

        let q = parsed("q[][pacticipant]=A&q[][environment]=qa&environment=prod");
        assert_eq!(
            parameter_of(&unknown_environment_message("prod"), Some(&q)),
            Some("environment")
        );
        assert_eq!(
            parameter_of(&unknown_environment_message("qa"), Some(&q)),
            Some("q[][environment]")
        );
        assert_eq!(
            parameter_of(
                &crate::domain::query::unknown_pacticipant_message("Nope"),
                Some(&q)
            ),
            Some("q[][pacticipant]")
        );
        assert_eq!(parameter_of("something else", None), None);
        let ApiError::BadRequest(v) =
            naming_parameters(vec!["The limit must be 1 or greater.".into()], None)
        else {
            panic!("a 400");
        };
        assert_eq!(v, json!(["limit: The limit must be 1 or greater."]));
    }

    #[test]
    fn the_heading_asks_the_question_in_words() {
        assert_eq!(
            question(&parsed(
                "q[][pacticipant]=Web&q[][version]=1&latestby=cvp&environment=production"
            )),
            "Can Web (version 1) be deployed to production?"
        );
        assert_eq!(
            question(&parsed(
                "q[][pacticipant]=Web&q[][version]=2&q[][pacticipant]=API&q[][latest]=true&q[][branch]=main"
            )),
            "Can Web (version 2) and API (the latest of branch main) be deployed together?"
        );
        assert_eq!(
            question(&parsed(
                "q[][pacticipant]=Web&q[][tag]=prod&q[][latest]=true&latest=true&tag=prod"
            )),
            "Can Web (the latest with tag prod) be deployed with the latest versions tagged prod?"
        );
        assert_eq!(
            describe_versions(&MatrixSelector {
                pacticipant: "X".into(),
                environment: Some("qa".into()),
                ..MatrixSelector::default()
            }),
            "in qa"
        );
        assert_eq!(
            describe_versions(&MatrixSelector::default()),
            "every version"
        );
    }

    #[test]
    fn the_answer_is_a_state_and_a_word() {
        assert_eq!(deployable_state(Some(true)), ("verified", "deployable"));
        assert_eq!(deployable_state(Some(false)), ("failed", "not deployable"));
        assert_eq!(deployable_state(None), ("unverified", "unknown"));
    }

    #[test]
    fn badges_say_what_a_version_is_on() {
        let d = VersionDetails {
            id: 1,
            branches: vec![crate::store::BranchMembership {
                name: "main".into(),
                latest: true,
            }],
            tags: vec![crate::store::BranchMembership {
                name: "prod".into(),
                latest: false,
            }],
            deployed_to: vec!["production".into()],
            released_to: vec!["mobile".into()],
        };
        let b = badges(Some(&d));
        let seen: Vec<(&str, &str, &str)> = b
            .iter()
            .map(|b| (b.class, b.text.as_str(), b.title.as_str()))
            .collect();
        assert_eq!(
            seen,
            vec![
                (
                    "badge-branch",
                    "main",
                    "on branch main (its latest version)"
                ),
                ("badge-tag", "prod", "tagged prod"),
                (
                    "badge-env",
                    "production",
                    "currently deployed to production"
                ),
                ("badge-env", "mobile", "released and supported in mobile"),
            ]
        );
        assert!(badges(None).is_empty());
    }
}
