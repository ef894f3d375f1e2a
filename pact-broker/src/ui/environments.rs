//! The environments page: `/environments` in a browser.
//!
//! Each environment with what is deployed, and released and supported, in it now; then a
//! table of pacticipants saying, for each one's latest version (and its main branch's
//! latest version), whether it can be deployed to each environment. Each cell is the
//! answer `can-i-deploy --to-environment` gets (the API's evaluation of the query the cell
//! links to), so a cell and the matrix page it opens never disagree.
//!
//! The reads are bounded: the environments and their deployments (two reads an
//! environment), the pacticipants, and the versions of one page of them in one read; the
//! can-i-deploy evaluations, one a cell, run a few at a time over a page of at most
//! [`PAGE_SIZE`] pacticipants.

use super::matrix::{deployable_state, matrix_href};
use super::{Moment, Nav};
use crate::api::matrix::answer;
use crate::api::{ApiError, Reply, Req};
use crate::domain::query::{parse_matrix_query, parse_query_pairs};
use crate::store::{Deployment, Environment, Pacticipant, Release, VersionRef};
use crate::Broker;
use askama::Template;
use futures_util::{StreamExt as _, TryStreamExt as _};
use serde_json::json;

/// Pacticipants a page: each costs up to two rows of one can-i-deploy evaluation per
/// environment.
pub(crate) const PAGE_SIZE: usize = 20;

/// Evaluations in flight at once: enough to overlap the database's round trips, few enough
/// to leave most of the pool (8 connections on SQLite) to other requests. (Measured on two
/// cores, 8 at once was no faster than 4: the evaluations are bound by CPU there.)
const CONCURRENCY: usize = 4;

/// `GET /environments` for a browser.
pub(super) async fn page(b: &Broker, req: &Req) -> Result<Reply, ApiError> {
    let page =
        page_number(&req.query).map_err(|m| ApiError::BadRequest(json!([format!("page: {m}")])))?;
    let nav = Nav::new(req, "environments");
    let now = crate::store::now();

    let environments = b.store.environments().await?;
    let contents: Vec<(Vec<Deployment>, Vec<Release>)> =
        futures_util::future::try_join_all(environments.iter().map(|e| async {
            futures_util::future::try_join(
                b.store.currently_deployed(&e.name, None),
                b.store.currently_released(&e.name, None),
            )
            .await
        }))
        .await?;

    let pacticipants = b.store.pacticipants().await?;
    let total = pacticipants.len();
    let pages = page_count(total, PAGE_SIZE);
    let range = page_range(total, page, PAGE_SIZE);
    let on_page: &[Pacticipant] = &pacticipants[range];
    let ids: Vec<i64> = on_page.iter().map(|p| p.id).collect();
    let latest = b.store.latest_versions_of(&ids).await?;

    let mut candidates: Vec<Candidate> = Vec::new();
    for p in on_page {
        let found = latest.iter().find(|l| l.pacticipant_id == p.id);
        let versions = candidate_versions(
            found.and_then(|l| l.latest.as_ref()),
            found.and_then(|l| l.main_branch.as_ref()),
            p.main_branch.as_deref(),
        );
        if versions.is_empty() {
            candidates.push(Candidate {
                pacticipant: p.name.clone(),
                version: None,
                labels: Vec::new(),
            });
        }
        for (version, labels) in versions {
            candidates.push(Candidate {
                pacticipant: p.name.clone(),
                version: Some(version),
                labels,
            });
        }
    }

    // Every cell's question, answered a few at a time, in order.
    let questions: Vec<(usize, usize, String)> = candidates
        .iter()
        .enumerate()
        .filter_map(|(i, c)| c.version.as_ref().map(|v| (i, c, v)))
        .flat_map(|(i, c, v)| {
            environments
                .iter()
                .enumerate()
                .map(move |(j, e)| (i, j, cell_query(&c.pacticipant, &v.number, &e.name)))
        })
        .collect();
    let answers: Vec<(usize, usize, String, Option<bool>, String)> =
        futures_util::stream::iter(questions.into_iter().map(|(i, j, raw)| async move {
            let q =
                parse_matrix_query(&raw).map_err(|e| ApiError::BadRequest(json!(e.messages)))?;
            let a = answer(b, &q).await?;
            Ok::<_, ApiError>((
                i,
                j,
                raw,
                a.verdict.summary.deployable,
                a.verdict.summary.reason,
            ))
        }))
        .buffered(CONCURRENCY)
        .try_collect()
        .await?;

    let mut rows: Vec<CandidateView> = candidates
        .iter()
        .enumerate()
        .map(|(i, c)| CandidateView {
            first: i == 0 || candidates[i - 1].pacticipant != c.pacticipant,
            pacticipant: c.pacticipant.clone(),
            pacticipant_href: matrix_href(&nav, &[("q[][pacticipant]", &c.pacticipant)]),
            version: c.version.as_ref().map(|v| v.number.clone()),
            version_href: c
                .version
                .as_ref()
                .map(|v| {
                    matrix_href(
                        &nav,
                        &[
                            ("q[][pacticipant]", &c.pacticipant),
                            ("q[][version]", &v.number),
                        ],
                    )
                })
                .unwrap_or_default(),
            labels: c.labels.clone(),
            cells: Vec::new(),
        })
        .collect();
    for (i, j, raw, deployable, reason) in answers {
        let (class, word) = deployable_state(deployable);
        let (deployed, released) = &contents[j];
        let c = &candidates[i];
        let number = c.version.as_ref().map(|v| v.number.as_str());
        let here = if deployed
            .iter()
            .any(|d| d.pacticipant == c.pacticipant && Some(d.version.as_str()) == number)
        {
            Some("deployed here")
        } else if released
            .iter()
            .any(|r| r.pacticipant == c.pacticipant && Some(r.version.as_str()) == number)
        {
            Some("released here")
        } else {
            None
        };
        rows[i].cells.push(CellView {
            class,
            word,
            reasons: reason.lines().map(str::to_string).collect(),
            reason,
            href: nav.at(&format!("/matrix?{raw}")),
            here,
        });
    }

    let views: Vec<EnvironmentView> = environments
        .iter()
        .zip(&contents)
        .map(|(e, (deployed, released))| EnvironmentView::new(&nav, e, deployed, released, &now))
        .collect();
    let columns: Vec<ColumnView> = environments
        .iter()
        .map(|e| ColumnView {
            title: title(e),
            production: e.production,
        })
        .collect();
    let pager = Pager {
        page,
        pages,
        previous: (page > 1).then(|| page_href(&nav, page - 1)),
        next: (page < pages).then(|| page_href(&nav, page + 1)),
    };
    let template = EnvironmentsPage {
        environments: views,
        columns,
        rows,
        total,
        pager,
        nav,
    };
    super::page(&template)
}

/// The can-i-deploy question of one cell, as `can-i-deploy --to-environment` asks it
/// (`latestby=cvpv`, as the API's `/can-i-deploy` does for an environment: every version
/// deployed there counts).
fn cell_query(pacticipant: &str, version: &str, environment: &str) -> String {
    use crate::api::links::seg;
    format!(
        "q[][pacticipant]={}&q[][version]={}&latestby=cvpv&environment={}",
        seg(pacticipant),
        seg(version),
        seg(environment)
    )
}

/// The versions of a pacticipant to ask about, each with what it is: its latest version,
/// and its main branch's latest version when that is another one.
fn candidate_versions(
    latest: Option<&VersionRef>,
    main: Option<&VersionRef>,
    main_branch: Option<&str>,
) -> Vec<(VersionRef, Vec<String>)> {
    let main_label = |b: &str| format!("latest of {b}");
    match (latest, main) {
        (Some(l), Some(m)) if l.id == m.id => {
            let mut labels = vec!["latest".to_string()];
            labels.extend(main_branch.map(main_label));
            vec![(l.clone(), labels)]
        }
        (latest, main) => latest
            .map(|l| (l.clone(), vec!["latest".to_string()]))
            .into_iter()
            .chain(main.map(|m| {
                (
                    m.clone(),
                    vec![main_label(main_branch.unwrap_or("the main branch"))],
                )
            }))
            .collect(),
    }
}

/// The `page` parameter: 1 when absent, else a whole number of 1 or more.
fn page_number(query: &str) -> Result<usize, String> {
    match parse_query_pairs(query)
        .into_iter()
        .find(|(k, v)| k == "page" && !v.is_empty())
    {
        None => Ok(1),
        Some((_, v)) => match v.trim().parse::<usize>() {
            Ok(n) if n >= 1 => Ok(n),
            _ => Err(format!("must be a whole number of 1 or more, not {v:?}")),
        },
    }
}

/// How many pages `total` items fill (one, when there are none).
fn page_count(total: usize, size: usize) -> usize {
    total.div_ceil(size).max(1)
}

/// The items of page `page` (1-based) of `total`; empty past the last page.
fn page_range(total: usize, page: usize, size: usize) -> std::ops::Range<usize> {
    let start = page.saturating_sub(1).saturating_mul(size).min(total);
    start..start.saturating_add(size).min(total)
}

fn page_href(nav: &Nav<'_>, page: usize) -> String {
    nav.at(&format!("/environments?page={page}"))
}

/// An environment's name as people read it.
fn title(e: &Environment) -> String {
    e.display_name.clone().unwrap_or_else(|| e.name.clone())
}

/// A pacticipant version asked about.
struct Candidate {
    pacticipant: String,
    version: Option<VersionRef>,
    labels: Vec<String>,
}

/// One row of the can-i-deploy table.
struct CandidateView {
    /// The first row of its pacticipant (the name is shown once).
    first: bool,
    pacticipant: String,
    pacticipant_href: String,
    version: Option<String>,
    version_href: String,
    labels: Vec<String>,
    cells: Vec<CellView>,
}

/// One cell: can this version be deployed to this environment.
struct CellView {
    class: &'static str,
    word: &'static str,
    reason: String,
    reasons: Vec<String>,
    href: String,
    here: Option<&'static str>,
}

/// A column of the table.
struct ColumnView {
    title: String,
    production: bool,
}

/// A version deployed, or released, to an environment.
struct InstalledView {
    pacticipant: String,
    version: String,
    version_href: String,
    instance: Option<String>,
    when: Moment,
}

/// An environment with what is in it.
struct EnvironmentView {
    name: String,
    title: String,
    production: bool,
    uuid: String,
    deployed: Vec<InstalledView>,
    released: Vec<InstalledView>,
}

impl EnvironmentView {
    fn new(
        nav: &Nav<'_>,
        e: &Environment,
        deployed: &[Deployment],
        released: &[Release],
        now: &str,
    ) -> EnvironmentView {
        let version_href =
            |p: &str, v: &str| matrix_href(nav, &[("q[][pacticipant]", p), ("q[][version]", v)]);
        EnvironmentView {
            name: e.name.clone(),
            title: title(e),
            production: e.production,
            uuid: e.uuid.clone(),
            deployed: deployed
                .iter()
                .map(|d| InstalledView {
                    version_href: version_href(&d.pacticipant, &d.version),
                    pacticipant: d.pacticipant.clone(),
                    version: d.version.clone(),
                    instance: d.application_instance.clone().filter(|i| !i.is_empty()),
                    when: Moment::new(&d.created_at, now),
                })
                .collect(),
            released: released
                .iter()
                .map(|r| InstalledView {
                    version_href: version_href(&r.pacticipant, &r.version),
                    pacticipant: r.pacticipant.clone(),
                    version: r.version.clone(),
                    instance: None,
                    when: Moment::new(&r.created_at, now),
                })
                .collect(),
        }
    }
}

/// Where this page is among the pages of pacticipants.
struct Pager {
    page: usize,
    pages: usize,
    previous: Option<String>,
    next: Option<String>,
}

/// The environments page.
#[derive(Template)]
#[template(path = "environments.html")]
struct EnvironmentsPage<'a> {
    nav: Nav<'a>,
    environments: Vec<EnvironmentView>,
    columns: Vec<ColumnView>,
    rows: Vec<CandidateView>,
    total: usize,
    pager: Pager,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(id: i64, number: &str) -> VersionRef {
        VersionRef {
            id,
            number: number.into(),
        }
    }

    #[test]
    fn the_latest_and_the_main_branch_latest_are_asked_about_once_each() {
        let labels = |c: Vec<(VersionRef, Vec<String>)>| -> Vec<(String, Vec<String>)> {
            c.into_iter().map(|(v, l)| (v.number, l)).collect()
        };
        assert_eq!(
            labels(candidate_versions(
                Some(&v(3, "3")),
                Some(&v(3, "3")),
                Some("main")
            )),
            vec![("3".into(), vec!["latest".into(), "latest of main".into()])]
        );
        assert_eq!(
            labels(candidate_versions(
                Some(&v(4, "4-feat")),
                Some(&v(3, "3")),
                Some("main")
            )),
            vec![
                ("4-feat".into(), vec!["latest".into()]),
                ("3".into(), vec!["latest of main".into()])
            ]
        );
        assert_eq!(
            labels(candidate_versions(Some(&v(4, "4")), None, None)),
            vec![("4".into(), vec!["latest".into()])]
        );
        assert!(candidate_versions(None, None, None).is_empty());
    }

    #[test]
    fn pages_of_pacticipants() {
        assert_eq!(page_number(""), Ok(1));
        assert_eq!(page_number("page=3"), Ok(3));
        assert_eq!(page_number("page="), Ok(1));
        assert!(page_number("page=0").is_err());
        assert!(page_number("page=two").unwrap_err().contains("\"two\""));
        assert_eq!(page_count(0, 20), 1);
        assert_eq!(page_count(20, 20), 1);
        assert_eq!(page_count(21, 20), 2);
        assert_eq!(page_range(45, 1, 20), 0..20);
        assert_eq!(page_range(45, 3, 20), 40..45);
        assert_eq!(page_range(45, 4, 20), 45..45);
        assert_eq!(page_range(45, usize::MAX, 20), 45..45);
    }

    #[test]
    fn a_cell_asks_what_can_i_deploy_asks() {
        let raw = cell_query("Web App", "1.0+build", "prod");
        assert_eq!(
            raw,
            "q[][pacticipant]=Web%20App&q[][version]=1.0%2Bbuild&latestby=cvpv&environment=prod"
        );
        let q = parse_matrix_query(&raw).unwrap();
        assert!(q.asks_can_i_deploy());
        assert_eq!(q.selectors[0].pacticipant, "Web App");
        assert_eq!(q.selectors[0].version.as_deref(), Some("1.0+build"));
        assert_eq!(
            q.target,
            Some(crate::domain::query::Target::Environment("prod".into()))
        );
    }
}
