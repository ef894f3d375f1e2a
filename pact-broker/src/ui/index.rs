//! The index page: one row per integration with its latest pact and whether the provider
//! honours it, searchable, sortable by any column and paginated on the server, so a broker
//! with thousands of versions answers as fast as one with ten (the OSS index's timeouts,
//! pact_broker #518 and #360, came from rendering every version).

use super::{page, Moment, Nav};
use crate::api::{ApiError, Reply, Req};
use crate::domain::query::parse_query_pairs;
use crate::domain::status::VerificationState;
use crate::store::{ExecutionStatus, IntegrationSummary, VersionDetails};
use crate::Broker;
use askama::Template;
use serde_json::json;
use std::collections::HashMap;

/// The rows a page shows when the query names no page size.
pub(crate) const DEFAULT_PAGE_SIZE: usize = 50;
/// The most rows a page shows.
pub(crate) const MAX_PAGE_SIZE: usize = 500;

/// A column the index sorts by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SortKey {
    Consumer,
    Provider,
    Published,
    Verified,
    ProviderVersion,
    Webhook,
}

impl SortKey {
    const ALL: [(SortKey, &'static str); 6] = [
        (SortKey::Consumer, "consumer"),
        (SortKey::Provider, "provider"),
        (SortKey::Published, "published"),
        (SortKey::Verified, "verified"),
        (SortKey::ProviderVersion, "provider-version"),
        (SortKey::Webhook, "webhook"),
    ];

    fn name(self) -> &'static str {
        SortKey::ALL
            .iter()
            .find(|(k, _)| *k == self)
            .map_or("consumer", |(_, n)| n)
    }
}

/// What the index's query string asks for: `?search=&sort=&order=&page=&size=`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct IndexQuery {
    /// Rows whose consumer or provider name contains this, ignoring case.
    pub search: String,
    /// The column sorted by.
    pub sort: SortKey,
    /// Descending rather than ascending.
    pub descending: bool,
    /// The page, from 1.
    pub page: usize,
    /// Rows per page.
    pub size: usize,
}

impl IndexQuery {
    /// Reads the query string; a bad value is a 400 naming the parameter.
    pub fn parse(raw: &str) -> Result<IndexQuery, ApiError> {
        let mut q = IndexQuery {
            search: String::new(),
            sort: SortKey::Consumer,
            descending: false,
            page: 1,
            size: DEFAULT_PAGE_SIZE,
        };
        let bad = |name: &str, message: String| ApiError::BadRequest(json!({ name: [message] }));
        for (name, value) in parse_query_pairs(raw) {
            match name.as_str() {
                "search" => q.search = value.trim().to_string(),
                "sort" if value.is_empty() => {}
                "sort" => {
                    q.sort = SortKey::ALL
                        .iter()
                        .find(|(_, n)| *n == value)
                        .map(|(k, _)| *k)
                        .ok_or_else(|| {
                            let names: Vec<_> = SortKey::ALL.iter().map(|(_, n)| *n).collect();
                            bad("sort", format!("must be one of {}", names.join(", ")))
                        })?;
                }
                "order" => {
                    q.descending = match value.as_str() {
                        "asc" | "" => false,
                        "desc" => true,
                        _ => return Err(bad("order", "must be asc or desc".to_string())),
                    }
                }
                "page" => {
                    q.page = value
                        .parse()
                        .ok()
                        .filter(|p| *p >= 1)
                        .ok_or_else(|| bad("page", "must be a number from 1".to_string()))?;
                }
                "size" => {
                    q.size = value
                        .parse()
                        .ok()
                        .filter(|s| (1..=MAX_PAGE_SIZE).contains(s))
                        .ok_or_else(|| {
                            bad(
                                "size",
                                format!("must be a number from 1 to {MAX_PAGE_SIZE}"),
                            )
                        })?;
                }
                _ => {}
            }
        }
        Ok(q)
    }

    /// This query's string with some parameters changed, for the sort and pager links.
    fn with(&self, sort: SortKey, descending: bool, page: usize) -> String {
        let mut out = format!(
            "?sort={}&order={}&page={page}",
            sort.name(),
            if descending { "desc" } else { "asc" }
        );
        if self.size != DEFAULT_PAGE_SIZE {
            out.push_str(&format!("&size={}", self.size));
        }
        if !self.search.is_empty() {
            out.push_str("&search=");
            out.push_str(&crate::api::links::seg(&self.search));
        }
        out
    }
}

/// One integration with what the index sorts and shows beyond its summary.
#[derive(Debug, Clone)]
pub(crate) struct IndexRow {
    pub summary: IntegrationSummary,
    /// The latest webhook execution its events fired: status and when.
    pub webhook: Option<(ExecutionStatus, String)>,
}

/// The rows of one page, and how many matched in all.
pub(crate) fn select(mut rows: Vec<IndexRow>, q: &IndexQuery) -> (Vec<IndexRow>, usize) {
    if !q.search.is_empty() {
        let needle = q.search.to_lowercase();
        rows.retain(|r| {
            r.summary
                .integration
                .consumer
                .to_lowercase()
                .contains(&needle)
                || r.summary
                    .integration
                    .provider
                    .to_lowercase()
                    .contains(&needle)
        });
    }
    let names = |r: &IndexRow| {
        (
            r.summary.integration.consumer.to_lowercase(),
            r.summary.integration.provider.to_lowercase(),
        )
    };
    rows.sort_by(|a, b| {
        let primary = match q.sort {
            SortKey::Consumer => std::cmp::Ordering::Equal,
            SortKey::Provider => names(a).1.cmp(&names(b).1),
            SortKey::Published => a.summary.published_at.cmp(&b.summary.published_at),
            // Worst first when ascending: failures are what people look for.
            SortKey::Verified => a.summary.state().cmp(&b.summary.state()).then_with(|| {
                let at = |r: &IndexRow| {
                    r.summary
                        .latest_verification
                        .as_ref()
                        .map(|v| v.created_at.clone())
                };
                at(a).cmp(&at(b))
            }),
            SortKey::ProviderVersion => {
                let id = |r: &IndexRow| {
                    r.summary
                        .latest_verification
                        .as_ref()
                        .map(|v| v.provider_version.id)
                };
                id(a).cmp(&id(b))
            }
            SortKey::Webhook => {
                let rank = |r: &IndexRow| {
                    r.webhook
                        .as_ref()
                        .map(|(s, at)| (webhook_rank(*s), at.clone()))
                };
                rank(a).cmp(&rank(b))
            }
        };
        let primary = if q.descending {
            primary.reverse()
        } else {
            primary
        };
        let tie = if q.sort == SortKey::Consumer && q.descending {
            names(b).cmp(&names(a))
        } else {
            names(a).cmp(&names(b))
        };
        primary.then(tie)
    });
    let total = rows.len();
    let start = (q.page - 1).saturating_mul(q.size).min(total);
    let end = start.saturating_add(q.size).min(total);
    (rows.drain(start..end).collect(), total)
}

fn webhook_rank(status: ExecutionStatus) -> u8 {
    match status {
        ExecutionStatus::Failed => 0,
        ExecutionStatus::Pending => 1,
        ExecutionStatus::Succeeded => 2,
    }
}

/// A version with its badges, as a cell shows it.
pub(crate) struct VersionCell {
    pub number: String,
    pub href: String,
    pub badges: Vec<(&'static str, String)>,
}

impl VersionCell {
    fn new(number: &str, href: String, details: Option<&VersionDetails>) -> VersionCell {
        let mut badges = Vec::new();
        if let Some(d) = details {
            badges.extend(d.branches.iter().map(|b| ("branch", b.name.clone())));
            badges.extend(d.tags.iter().map(|t| ("tag", t.name.clone())));
            badges.extend(d.deployed_to.iter().map(|e| ("env", e.clone())));
            badges.extend(
                d.released_to
                    .iter()
                    .map(|e| ("env", format!("{e} (released)"))),
            );
        }
        VersionCell {
            number: number.to_string(),
            href,
            badges,
        }
    }
}

/// One row as the template shows it.
pub(crate) struct RowView {
    pub consumer: String,
    pub consumer_href: String,
    pub provider: String,
    pub provider_href: String,
    pub pact_href: String,
    pub matrix_href: String,
    pub published: Moment,
    pub consumer_version: VersionCell,
    pub state: VerificationState,
    pub verified: Option<Moment>,
    pub verification_href: Option<String>,
    pub provider_version: Option<VersionCell>,
    pub webhook: Option<(&'static str, Moment)>,
}

/// A sortable column header.
pub(crate) struct Column {
    pub title: &'static str,
    pub href: String,
    /// `ascending`, `descending` or `none`, for `aria-sort`.
    pub aria_sort: &'static str,
    pub arrow: &'static str,
}

#[derive(Template)]
#[template(path = "index.html")]
struct IndexPage<'a> {
    nav: Nav<'a>,
    search: String,
    columns: Vec<Column>,
    rows: Vec<RowView>,
    total: usize,
    first: usize,
    last: usize,
    previous: Option<String>,
    next: Option<String>,
    page: usize,
    pages: usize,
}

/// `GET /` for a browser.
pub(crate) async fn get(b: &Broker, req: &Req) -> Result<Reply, ApiError> {
    let q = IndexQuery::parse(&req.query)?;
    let (summaries, webhooks) = futures_util::future::try_join(
        b.store.integration_summaries(None, None),
        b.store.latest_webhook_statuses(),
    )
    .await?;
    let mut webhook_of: HashMap<(String, String), (ExecutionStatus, String)> = webhooks
        .into_iter()
        .map(|(c, p, s, at)| ((c, p), (s, at)))
        .collect();
    let rows = summaries
        .into_iter()
        .map(|summary| {
            let key = (
                summary.integration.consumer.clone(),
                summary.integration.provider.clone(),
            );
            IndexRow {
                webhook: webhook_of.remove(&key),
                summary,
            }
        })
        .collect();
    let (rows, total) = select(rows, &q);
    // Badges for this page's versions only: one read whatever the broker's size.
    let details = super::version_details_of(b, rows.iter().map(|r| &r.summary)).await?;
    let now = crate::store::now();
    let l = req.links();
    let views = rows
        .iter()
        .map(|r| {
            let s = &r.summary;
            let (c, p) = (&s.integration.consumer, &s.integration.provider);
            let v = s.latest_verification.as_ref();
            RowView {
                consumer: c.clone(),
                consumer_href: l.at(&format!(
                    "/pacticipants/{}/network",
                    crate::api::links::seg(c)
                )),
                provider: p.clone(),
                provider_href: l.at(&format!(
                    "/pacticipants/{}/network",
                    crate::api::links::seg(p)
                )),
                pact_href: l.pact_for_version(p, c, &s.consumer_version.number),
                matrix_href: l.at(&format!(
                    "/matrix/provider/{}/consumer/{}",
                    crate::api::links::seg(p),
                    crate::api::links::seg(c)
                )),
                published: Moment::new(&s.published_at, &now),
                consumer_version: VersionCell::new(
                    &s.consumer_version.number,
                    l.version(c, &s.consumer_version.number),
                    details.get(&s.consumer_version.id),
                ),
                state: s.state(),
                verified: v.map(|v| Moment::new(&v.created_at, &now)),
                verification_href: v.map(|v| l.verification_result(p, c, &s.sha, v.id)),
                provider_version: v.map(|v| {
                    VersionCell::new(
                        &v.provider_version.number,
                        l.version(p, &v.provider_version.number),
                        details.get(&v.provider_version.id),
                    )
                }),
                webhook: r
                    .webhook
                    .as_ref()
                    .map(|(status, at)| (status.as_str(), Moment::new(at, &now))),
            }
        })
        .collect();
    let home = l.at("/");
    let column = |title: &'static str, key: SortKey| {
        let current = q.sort == key;
        // A click on the current column flips its order; any other starts ascending.
        let descending = current && !q.descending;
        Column {
            title,
            href: format!("{home}{}", q.with(key, descending, 1)),
            aria_sort: match (current, q.descending) {
                (false, _) => "none",
                (true, false) => "ascending",
                (true, true) => "descending",
            },
            arrow: match (current, q.descending) {
                (false, _) => "",
                (true, false) => " \u{25B2}",
                (true, true) => " \u{25BC}",
            },
        }
    };
    let pages = total.div_ceil(q.size).max(1);
    let first = if total == 0 {
        0
    } else {
        (q.page - 1) * q.size + 1
    };
    page(&IndexPage {
        nav: Nav::new(req, "index"),
        search: q.search.clone(),
        columns: vec![
            column("Consumer", SortKey::Consumer),
            column("Provider", SortKey::Provider),
            column("Latest pact published", SortKey::Published),
            column("Last verified", SortKey::Verified),
            column("Provider version", SortKey::ProviderVersion),
            column("Webhook", SortKey::Webhook),
        ],
        first,
        last: if rows.is_empty() {
            0
        } else {
            first + rows.len() - 1
        },
        rows: views,
        total,
        previous: (q.page > 1)
            .then(|| format!("{home}{}", q.with(q.sort, q.descending, q.page - 1))),
        next: (q.page < pages)
            .then(|| format!("{home}{}", q.with(q.sort, q.descending, q.page + 1))),
        page: q.page,
        pages,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::status::VerificationFacts;
    use crate::store::{IntegrationRef, VerificationSummary, VersionRef};

    fn row(consumer: &str, provider: &str, published: &str, verified: Option<bool>) -> IndexRow {
        IndexRow {
            summary: IntegrationSummary {
                integration: IntegrationRef {
                    consumer_id: 1,
                    consumer: consumer.into(),
                    provider_id: 2,
                    provider: provider.into(),
                },
                consumer_version: VersionRef {
                    id: 1,
                    number: "1".into(),
                },
                sha: "s".into(),
                published_at: published.into(),
                latest_verification: verified.map(|success| VerificationSummary {
                    id: 1,
                    provider_version: VersionRef {
                        id: 3,
                        number: "p".into(),
                    },
                    success,
                    created_at: published.into(),
                    build_url: None,
                }),
                facts: VerificationFacts {
                    latest_content: verified,
                    content_ever_succeeded: verified == Some(true),
                    earlier_content_succeeded: false,
                },
            },
            webhook: None,
        }
    }

    fn names(rows: &[IndexRow]) -> Vec<String> {
        rows.iter()
            .map(|r| {
                format!(
                    "{}/{}",
                    r.summary.integration.consumer, r.summary.integration.provider
                )
            })
            .collect()
    }

    fn sample() -> Vec<IndexRow> {
        vec![
            row("web", "orders", "2026-01-03", Some(true)),
            row("Mobile", "orders", "2026-01-01", Some(false)),
            row("web", "billing", "2026-01-02", None),
        ]
    }

    #[test]
    fn rows_sort_by_the_column_asked_with_names_breaking_ties() {
        let q = |raw: &str| IndexQuery::parse(raw).unwrap();
        assert_eq!(
            names(&select(sample(), &q("")).0),
            ["Mobile/orders", "web/billing", "web/orders"]
        );
        assert_eq!(
            names(&select(sample(), &q("sort=published&order=desc")).0),
            ["web/orders", "web/billing", "Mobile/orders"]
        );
        // Ascending by state puts failures first.
        assert_eq!(
            names(&select(sample(), &q("sort=verified")).0),
            ["Mobile/orders", "web/billing", "web/orders"]
        );
        assert_eq!(
            names(&select(sample(), &q("sort=provider")).0),
            ["web/billing", "Mobile/orders", "web/orders"]
        );
    }

    #[test]
    fn search_and_pages_cut_the_rows_and_count_all_matches() {
        let (rows, total) = select(sample(), &IndexQuery::parse("search=WEB").unwrap());
        assert_eq!((names(&rows).len(), total), (2, 2));
        let (rows, total) = select(sample(), &IndexQuery::parse("size=2&page=2").unwrap());
        assert_eq!((names(&rows), total), (vec!["web/orders".to_string()], 3));
        let (rows, total) = select(sample(), &IndexQuery::parse("size=2&page=9").unwrap());
        assert_eq!((rows.len(), total), (0, 3));
    }

    #[test]
    fn a_bad_parameter_is_refused_by_name() {
        for (raw, name) in [
            ("sort=colour", "sort"),
            ("order=up", "order"),
            ("page=0", "page"),
            ("size=9999", "size"),
        ] {
            match IndexQuery::parse(raw) {
                Err(ApiError::BadRequest(errors)) => {
                    assert!(errors.get(name).is_some(), "{raw}: {errors}")
                }
                other => panic!("{raw}: {other:?}"),
            }
        }
    }

    #[test]
    fn links_keep_the_search_and_size() {
        let q = IndexQuery::parse("search=a%26b&size=10").unwrap();
        assert_eq!(
            q.with(SortKey::Published, true, 2),
            "?sort=published&order=desc&page=2&size=10&search=a%26b"
        );
    }
}
