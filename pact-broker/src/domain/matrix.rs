//! The matrix rules behind `/matrix` and can-i-deploy: which rows count, and the verdict.
//!
//! The store resolves the query's selectors to versions and loads the rows (one per consumer
//! version, provider and verification, or with no verification); these functions then
//! de-duplicate, mark ignored rows, filter, and summarise exactly as the Ruby broker's
//! `DeploymentStatusSummary` does, including its reason texts, which both CLIs print.

use std::cmp::Reverse;

use super::query::{IgnoreSelector, LatestBy, MatrixSelector, Target};

/// A verification result in a matrix row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerificationCell {
    /// Whether the verification passed.
    pub success: bool,
    /// Store id; larger means published later, which decides "latest".
    pub id: i64,
    /// The result's number for its pact (the `/verification-results/{n}` path segment).
    pub number: i64,
    /// When it was published (RFC 3339).
    pub verified_at: String,
}

/// One matrix row: a consumer version's pact with a provider, and one verification of it by a
/// provider version (or none).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MatrixRow {
    /// Consumer name.
    pub consumer: String,
    /// Consumer version number.
    pub consumer_version: String,
    /// Consumer version order; larger is newer.
    pub consumer_version_order: i64,
    /// Provider name.
    pub provider: String,
    /// The verifying provider version, if verified.
    pub provider_version: Option<String>,
    /// Its order; larger is newer.
    pub provider_version_order: Option<i64>,
    /// When the pact was published (RFC 3339).
    pub pact_created_at: String,
    /// The verification, if any.
    pub verification: Option<VerificationCell>,
}

impl MatrixRow {
    /// The row's verification outcome: `None` when not verified.
    pub fn success(&self) -> Option<bool> {
        self.verification.as_ref().map(|v| v.success)
    }
}

/// A row after the ignore selectors were applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvaluatedRow {
    /// The row.
    pub row: MatrixRow,
    /// True when an ignore selector matched it: it is shown (with `"ignored": true`) but does
    /// not count towards the verdict.
    pub ignored: bool,
}

fn row_rank(row: &MatrixRow) -> (Option<i64>, &str, Option<i64>) {
    (
        row.verification.as_ref().map(|v| v.id),
        row.pact_created_at.as_str(),
        row.provider_version_order,
    )
}

/// `latestby`: keeps, per consumer version and provider (`cvp`) or per consumer version, provider
/// and provider version (`cvpv`), only the row with the latest verification (a verified row wins
/// over an unverified one). `None` keeps every row. The result is ordered newest first: by
/// consumer, consumer version order descending, provider, provider version order descending.
pub fn dedupe(rows: Vec<MatrixRow>, latestby: Option<LatestBy>) -> Vec<MatrixRow> {
    let mut kept: Vec<MatrixRow> = Vec::new();
    match latestby {
        None => kept = rows,
        Some(by) => {
            for row in rows {
                let same = |other: &MatrixRow| {
                    other.consumer == row.consumer
                        && other.consumer_version == row.consumer_version
                        && other.provider == row.provider
                        && (by == LatestBy::Cvp || other.provider_version == row.provider_version)
                };
                match kept.iter_mut().find(|k| same(k)) {
                    Some(existing) => {
                        if row_rank(&row) > row_rank(existing) {
                            *existing = row;
                        }
                    }
                    None => kept.push(row),
                }
            }
        }
    }
    kept.sort_by(|a, b| {
        (
            &a.consumer,
            Reverse(a.consumer_version_order),
            &a.provider,
            Reverse(a.provider_version_order),
            Reverse(a.verification.as_ref().map(|v| v.id)),
        )
            .cmp(&(
                &b.consumer,
                Reverse(b.consumer_version_order),
                &b.provider,
                Reverse(b.provider_version_order),
                Reverse(b.verification.as_ref().map(|v| v.id)),
            ))
    });
    kept
}

/// Whether `selector` names this pacticipant (and version, when it gives one).
fn ignore_matches(selector: &IgnoreSelector, pacticipant: &str, version: Option<&str>) -> bool {
    selector.pacticipant == pacticipant
        && match &selector.version {
            None => true,
            Some(v) => version == Some(v.as_str()),
        }
}

/// Marks rows whose consumer (version) or provider (version) matches an ignore selector, as Ruby's
/// `RowIgnorer` does; an unverified row's provider side only matches a name-only selector.
/// The rows that count come first and the ignored ones after, each in their order, as the
/// Ruby broker lists them (clients read the rows in that order).
pub fn mark_ignored(rows: Vec<MatrixRow>, ignore: &[IgnoreSelector]) -> Vec<EvaluatedRow> {
    let mut marked: Vec<EvaluatedRow> = rows
        .into_iter()
        .map(|row| {
            let ignored = ignore.iter().any(|s| {
                ignore_matches(s, &row.consumer, Some(&row.consumer_version))
                    || ignore_matches(s, &row.provider, row.provider_version.as_deref())
            });
            EvaluatedRow { row, ignored }
        })
        .collect();
    marked.sort_by_key(|r| r.ignored);
    marked
}

/// `success[]`: keeps rows whose outcome is listed (`None` = unverified). An empty list keeps all.
pub fn filter_success(rows: Vec<EvaluatedRow>, success: &[Option<bool>]) -> Vec<EvaluatedRow> {
    if success.is_empty() {
        return rows;
    }
    rows.into_iter()
        .filter(|r| success.contains(&r.row.success()))
        .collect()
}

/// What one query selector resolved to, as computed by the store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SelectorResolution {
    /// The selector: as given in `q[]`, or inferred from the target option for another
    /// pacticipant (for example `{pacticipant: Bar, tag: prod, latest: true}` for `tag=prod`).
    pub selector: MatrixSelector,
    /// The version numbers it matched; empty when it matched none.
    pub versions: Vec<String>,
    /// True for a `q[]` selector, false for one inferred from the target.
    pub specified: bool,
    /// Whether the named pacticipant exists (for the description text).
    pub pacticipant_exists: bool,
}

/// What one ignore selector resolved to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IgnoreResolution {
    /// The selector as given.
    pub selector: IgnoreSelector,
    /// Whether the pacticipant exists.
    pub pacticipant_exists: bool,
    /// Whether the version exists (true when no version was given and the pacticipant exists).
    pub version_exists: bool,
}

/// A consumer/provider pair.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Integration {
    /// Consumer name.
    pub consumer: String,
    /// Provider name.
    pub provider: String,
}

/// Everything the verdict depends on.
#[derive(Debug, Clone, Copy)]
pub struct MatrixFacts<'a> {
    /// The rows, de-duplicated and with ignores marked (the `success[]` filter does not apply to
    /// the verdict in Ruby; pass filtered rows only if that is intended).
    pub rows: &'a [EvaluatedRow],
    /// Each query selector (given or inferred) and what it resolved to.
    pub selectors: &'a [SelectorResolution],
    /// Each ignore selector and whether it exists.
    pub ignore: &'a [IgnoreResolution],
    /// Integrations the selected versions require (a consumer needs its provider) for which no
    /// row exists at all.
    pub missing_integrations: &'a [Integration],
    /// The query's target option, for the "no environment specified" warning.
    pub target: Option<&'a Target>,
}

/// A notice's severity, as the clients print it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoticeType {
    /// Everything needed is verified.
    Success,
    /// Advice: the answer may be unreliable.
    Warning,
    /// Why the answer is no (or unknown).
    Error,
    /// Information only.
    Info,
}

impl NoticeType {
    /// The JSON value of `type`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Success => "success",
            Self::Warning => "warning",
            Self::Error => "error",
            Self::Info => "info",
        }
    }
}

/// A `{"type", "text"}` notice of a matrix response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    /// Severity.
    pub kind: NoticeType,
    /// Text.
    pub text: String,
}

impl Notice {
    /// The notice as JSON.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({"type": self.kind.as_str(), "text": self.text})
    }
}

/// The `summary` of a matrix response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    /// `true`, `false`, or `null` when a result is missing (unknown).
    pub deployable: Option<bool>,
    /// The notices' texts joined with newlines.
    pub reason: String,
    /// Considered rows that passed.
    pub success: usize,
    /// Considered rows that failed.
    pub failed: usize,
    /// Considered rows without a result, plus required integrations without a row.
    pub unknown: usize,
    /// Ignored rows; present only when ignore selectors were given.
    pub ignored: Option<usize>,
}

impl Summary {
    /// The `summary` JSON; `ignored` is left out when `None`.
    pub fn to_json(&self) -> serde_json::Value {
        let mut value = serde_json::json!({
            "deployable": self.deployable,
            "reason": self.reason,
            "success": self.success,
            "failed": self.failed,
            "unknown": self.unknown,
        });
        if let (Some(ignored), Some(map)) = (self.ignored, value.as_object_mut()) {
            map.insert("ignored".into(), ignored.into());
        }
        value
    }
}

/// The verdict: summary plus notices (the reasons, typed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    /// The summary.
    pub summary: Summary,
    /// The notices, warnings first.
    pub notices: Vec<Notice>,
}

/// One selector resolved to one version (or to none), as Ruby's `ResolvedSelector`.
#[derive(Debug, Clone, Copy)]
struct Resolved<'a> {
    resolution: Option<&'a SelectorResolution>,
    pacticipant: &'a str,
    version: Option<&'a str>,
    one_of_many: bool,
}

fn expand<'a>(selectors: &'a [SelectorResolution]) -> Vec<Resolved<'a>> {
    let mut out = Vec::new();
    for r in selectors {
        if r.versions.is_empty() {
            out.push(Resolved {
                resolution: Some(r),
                pacticipant: &r.selector.pacticipant,
                version: r.selector.version.as_deref(),
                one_of_many: false,
            });
        }
        for v in &r.versions {
            out.push(Resolved {
                resolution: Some(r),
                pacticipant: &r.selector.pacticipant,
                version: Some(v),
                one_of_many: r.versions.len() > 1,
            });
        }
    }
    out
}

/// The Ruby broker's description of a resolved selector ("the latest version of Bar with tag
/// prod (4.5.6)", "version 1.2.3 of Foo", ...).
fn describe(r: &Resolved<'_>) -> String {
    let p = r.pacticipant;
    let Some(res) = r.resolution else {
        return match r.version {
            Some(v) => format!("version {v} of {p}"),
            None => format!("any version of {p}"),
        };
    };
    let s = &res.selector;
    let exists = !res.versions.is_empty();
    let version = if exists { r.version } else { None };
    let one = if r.one_of_many {
        "one of the versions"
    } else {
        "the version"
    };
    match (s, version) {
        (MatrixSelector { latest: true, tag: Some(t), .. }, Some(v)) => {
            format!("the latest version of {p} with tag {t} ({v})")
        }
        (MatrixSelector { latest: true, tag: Some(t), .. }, None) => {
            format!("the latest version of {p} with tag {t} (no such version exists)")
        }
        (MatrixSelector { latest: true, main_branch: true, .. }, None) => {
            format!("the latest version of {p} from the main branch (no versions exist for this branch)")
        }
        (MatrixSelector { main_branch: true, .. }, None) => {
            format!("any version of {p} from the main branch (no versions exist for this branch)")
        }
        (MatrixSelector { latest: true, main_branch: true, .. }, Some(v)) => {
            format!("the latest version of {p} from the main branch ({v})")
        }
        (MatrixSelector { main_branch: true, .. }, Some(v)) => {
            format!("{one} of {p} from the main branch ({v})")
        }
        (MatrixSelector { latest: true, branch: Some(b), .. }, Some(v)) => {
            format!("the latest version of {p} from branch {b} ({v})")
        }
        (MatrixSelector { latest: true, branch: Some(b), .. }, None) => {
            format!("the latest version of {p} from branch {b} (no such version exists)")
        }
        (MatrixSelector { branch: Some(b), .. }, Some(v)) => {
            let prefix = if r.one_of_many {
                "one of the versions"
            } else {
                "the version"
            };
            format!("{prefix} of {p} from branch {b} ({v})")
        }
        (MatrixSelector { branch: Some(b), .. }, None) => {
            format!("a version of {p} from branch {b} (no such version exists)")
        }
        (MatrixSelector { latest: true, .. }, Some(v)) => {
            format!("the latest version of {p} ({v})")
        }
        (MatrixSelector { latest: true, .. }, None) => {
            format!("the latest version of {p} (no such version exists)")
        }
        (MatrixSelector { tag: Some(t), .. }, Some(v)) => {
            format!("a version of {p} with tag {t} ({v})")
        }
        (MatrixSelector { tag: Some(t), .. }, None) => {
            format!("a version of {p} with tag {t} (no such version exists)")
        }
        (MatrixSelector { environment: Some(e), .. }, Some(v)) => {
            format!("{one} of {p} currently in {e} ({v})")
        }
        (MatrixSelector { environment: Some(e), .. }, None) => format!(
            "a version of {p} currently in {e} (no version is currently recorded as deployed/released in this environment)"
        ),
        (MatrixSelector { version: Some(v), .. }, _) if !exists => {
            format!("version {v} of {p} (no such version exists)")
        }
        (_, Some(v)) if s.version.is_some() => format!("version {v} of {p}"),
        _ if !res.pacticipant_exists => format!("any version of {p} (no such pacticipant exists)"),
        _ => format!("any version of {p}"),
    }
}

/// The Ruby broker's text for a specified selector that matched no version.
pub fn version_does_not_exist_description(selector: &MatrixSelector) -> String {
    let p = &selector.pacticipant;
    if let Some(t) = &selector.tag {
        format!("No version with tag {t} exists for {p}")
    } else if let Some(b) = &selector.branch {
        format!("No version of {p} from branch {b} exists")
    } else if selector.main_branch {
        format!("No version of {p} from the main branch exists")
    } else if let Some(e) = &selector.environment {
        format!(
            "No version of {p} is currently recorded as deployed or released in environment {e}"
        )
    } else if let Some(v) = &selector.version {
        format!("No pacts or verifications have been published for version {v} of {p}")
    } else {
        format!("No pacts or verifications have been published for {p}")
    }
}

fn describe_ignore(r: &IgnoreResolution) -> String {
    let p = &r.selector.pacticipant;
    match &r.selector.version {
        _ if !r.pacticipant_exists => format!("any version of {p} (no such pacticipant exists)"),
        Some(v) if !r.version_exists => format!("version {v} of {p} (no such version exists)"),
        Some(v) => format!("version {v} of {p}"),
        None => format!("any version of {p}"),
    }
}

/// Finds the selector that produced one side of a row, as Ruby's `selector_for`.
fn selector_for<'a>(
    resolved: &[Resolved<'a>],
    pacticipant: &'a str,
    version: Option<&'a str>,
) -> Resolved<'a> {
    let found: Vec<&Resolved<'a>> = resolved
        .iter()
        .filter(|r| r.pacticipant == pacticipant)
        .collect();
    if found.len() == 1 {
        return *found[0];
    }
    let exact = version.and_then(|v| {
        found
            .iter()
            .find(|r| r.version == Some(v) && r.resolution.is_some_and(|s| !s.versions.is_empty()))
    });
    match exact {
        Some(r) => **r,
        None => Resolved {
            resolution: None,
            pacticipant,
            version,
            one_of_many: false,
        },
    }
}

/// The selectors that produced a row's consumer and provider sides.
fn row_sides<'a>(resolved: &[Resolved<'a>], row: &'a MatrixRow) -> (Resolved<'a>, Resolved<'a>) {
    (
        selector_for(resolved, &row.consumer, Some(&row.consumer_version)),
        selector_for(resolved, &row.provider, row.provider_version.as_deref()),
    )
}

fn ignored_by(selector: &Resolved<'_>, ignore: &[IgnoreResolution]) -> bool {
    ignore.iter().any(|i| {
        i.selector.pacticipant == selector.pacticipant
            && match &i.selector.version {
                None => true,
                Some(v) => selector.version == Some(v.as_str()),
            }
    })
}

/// The verdict, per the broker's `DeploymentStatusSummary`:
///
/// * `deployable` is `false` if a specified, not ignored selector matched no version; else
///   `null` if a considered row has no verification or a required integration has no row
///   (unknown wins over failed); else `true` when every considered row passed (no rows: `true`).
/// * The notices are the warnings followed by either the error reasons or the success reason,
///   worded as the Ruby broker words them; `reason` is their texts joined by newlines.
pub fn summarize(facts: &MatrixFacts<'_>) -> Verdict {
    let resolved = expand(facts.selectors);
    let considered: Vec<&MatrixRow> = facts
        .rows
        .iter()
        .filter(|r| !r.ignored)
        .map(|r| &r.row)
        .collect();
    let ignored_count = facts.rows.iter().filter(|r| r.ignored).count();

    let missing_versions: Vec<&Resolved<'_>> = resolved
        .iter()
        .filter(|r| {
            r.resolution
                .is_some_and(|s| s.specified && s.versions.is_empty())
                && !ignored_by(r, facts.ignore)
        })
        .collect();

    let unverified = considered.iter().filter(|r| r.success().is_none()).count();
    let passed = considered
        .iter()
        .filter(|r| r.success() == Some(true))
        .count();
    let failed = considered
        .iter()
        .filter(|r| r.success() == Some(false))
        .count();

    let deployable = if !missing_versions.is_empty() {
        Some(false)
    } else if unverified > 0 || !facts.missing_integrations.is_empty() {
        None
    } else {
        Some(failed == 0)
    };

    let mut warnings: Vec<String> = facts
        .ignore
        .iter()
        .filter(|i| !i.pacticipant_exists || (i.selector.version.is_some() && !i.version_exists))
        .map(|i| format!("WARN: Cannot ignore {}", describe_ignore(i)))
        .collect();
    let specified: Vec<&SelectorResolution> =
        facts.selectors.iter().filter(|s| s.specified).collect();
    let has_destination = matches!(
        facts.target,
        Some(Target::Tag { .. } | Target::Environment(_) | Target::MainBranch { .. })
    );
    if specified.len() == 1 && !has_destination {
        warnings.push("WARN: It is recommended to specify the environment into which you are deploying. Without the environment, this result will not be reliable.".into());
    }
    let narrowing = specified
        .iter()
        .any(|s| !s.selector.only_pacticipant_name());
    if narrowing && specified.iter().all(|s| s.selector.version.is_none()) {
        warnings.push("WARN: It is recommended to specify the version number (rather than the tag or branch) of the pacticipant you wish to deploy to avoid race conditions. Without a version number, this result will not be reliable.".into());
    }

    let mut errors: Vec<String> = missing_versions
        .iter()
        .filter_map(|r| r.resolution)
        .map(|s| version_does_not_exist_description(&s.selector))
        .collect();
    if errors.is_empty() {
        let pair =
            |c: Resolved<'_>, p: Resolved<'_>| format!("{} and {}", describe(&c), describe(&p));
        for integration in facts.missing_integrations {
            let c = selector_for(&resolved, &integration.consumer, None);
            let p = selector_for(&resolved, &integration.provider, None);
            errors.push(format!("There is no verified pact between {}", pair(c, p)));
        }
        for row in considered.iter().filter(|r| r.success() == Some(false)) {
            let (c, p) = row_sides(&resolved, row);
            errors.push(format!(
                "The verification for the pact between {} failed",
                pair(c, p)
            ));
        }
        for row in considered.iter().filter(|r| r.success().is_none()) {
            let (c, p) = row_sides(&resolved, row);
            errors.push(format!("There is no verified pact between {}", pair(c, p)));
        }
    }
    let mut unique_errors: Vec<String> = Vec::new();
    for e in errors {
        if !unique_errors.contains(&e) {
            unique_errors.push(e);
        }
    }

    let mut notices: Vec<Notice> = warnings
        .into_iter()
        .map(|text| Notice {
            kind: NoticeType::Warning,
            text,
        })
        .collect();
    if !unique_errors.is_empty() {
        notices.extend(unique_errors.into_iter().map(|text| Notice {
            kind: NoticeType::Error,
            text,
        }));
    } else if failed == 0 && unverified == 0 && facts.missing_integrations.is_empty() {
        let text = if considered.is_empty() {
            "There are no missing dependencies"
        } else {
            "All required verification results are published and successful"
        };
        notices.push(Notice {
            kind: NoticeType::Success,
            text: text.into(),
        });
    }

    let reason = notices
        .iter()
        .map(|n| n.text.as_str())
        .collect::<Vec<_>>()
        .join("\n");
    Verdict {
        summary: Summary {
            deployable,
            reason,
            success: passed,
            failed,
            unknown: unverified + facts.missing_integrations.len(),
            ignored: (!facts.ignore.is_empty()).then_some(ignored_count),
        },
        notices,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(
        c: &str,
        cv: &str,
        cvo: i64,
        p: &str,
        pv: Option<(&str, i64)>,
        v: Option<(bool, i64)>,
    ) -> MatrixRow {
        MatrixRow {
            consumer: c.into(),
            consumer_version: cv.into(),
            consumer_version_order: cvo,
            provider: p.into(),
            provider_version: pv.map(|(n, _)| n.to_string()),
            provider_version_order: pv.map(|(_, o)| o),
            pact_created_at: "2024-01-01T00:00:00Z".into(),
            verification: v.map(|(success, id)| VerificationCell {
                success,
                id,
                number: id,
                verified_at: "2024-01-02T00:00:00Z".into(),
            }),
        }
    }

    fn specified(p: &str, version: &str, exists: bool) -> SelectorResolution {
        SelectorResolution {
            selector: MatrixSelector {
                pacticipant: p.into(),
                version: Some(version.into()),
                ..MatrixSelector::default()
            },
            versions: if exists { vec![version.into()] } else { vec![] },
            specified: true,
            pacticipant_exists: true,
        }
    }

    fn considered(rows: Vec<MatrixRow>) -> Vec<EvaluatedRow> {
        rows.into_iter()
            .map(|row| EvaluatedRow {
                row,
                ignored: false,
            })
            .collect()
    }

    fn facts<'a>(rows: &'a [EvaluatedRow], selectors: &'a [SelectorResolution]) -> MatrixFacts<'a> {
        MatrixFacts {
            rows,
            selectors,
            ignore: &[],
            missing_integrations: &[],
            target: None,
        }
    }

    #[test]
    fn dedupe_cvp_keeps_latest_verification_per_consumer_version_and_provider() {
        let rows = vec![
            row("Foo", "1", 1, "Bar", Some(("5", 5)), Some((false, 1))),
            row("Foo", "1", 1, "Bar", Some(("6", 6)), Some((true, 3))),
            row("Foo", "1", 1, "Bar", Some(("5", 5)), Some((true, 2))),
            row("Foo", "2", 2, "Bar", None, None),
        ];
        let out = dedupe(rows.clone(), Some(LatestBy::Cvp));
        assert_eq!(out.len(), 2);
        assert_eq!(out[0].consumer_version, "2");
        assert_eq!(out[1].verification.as_ref().unwrap().id, 3);

        let out = dedupe(rows.clone(), Some(LatestBy::Cvpv));
        assert_eq!(out.len(), 3);
        assert_eq!(out[1].provider_version.as_deref(), Some("6"));
        assert_eq!(out[2].verification.as_ref().unwrap().id, 2);

        assert_eq!(dedupe(rows, None).len(), 4);
    }

    #[test]
    fn dedupe_prefers_a_verified_row_over_an_unverified_one() {
        let rows = vec![
            row("Foo", "1", 1, "Bar", Some(("5", 5)), Some((true, 1))),
            row("Foo", "1", 1, "Bar", None, None),
        ];
        let out = dedupe(rows, Some(LatestBy::Cvp));
        assert_eq!(out.len(), 1);
        assert!(out[0].verification.is_some());
    }

    #[test]
    fn ignored_rows_come_after_the_rows_that_count() {
        let rows = dedupe(
            vec![
                row(
                    "Foo",
                    "1.2.3",
                    1,
                    "Bar",
                    Some(("4.5.6", 1)),
                    Some((true, 1)),
                ),
                row(
                    "Foo",
                    "3.4.5",
                    2,
                    "Bar",
                    Some(("4.5.6", 1)),
                    Some((false, 2)),
                ),
            ],
            Some(LatestBy::Cvpv),
        );
        assert_eq!(
            rows[0].consumer_version, "3.4.5",
            "newest consumer version first"
        );
        let ignore = [IgnoreSelector {
            pacticipant: "Foo".into(),
            version: Some("3.4.5".into()),
        }];
        let marked = mark_ignored(rows, &ignore);
        let order: Vec<(&str, bool)> = marked
            .iter()
            .map(|r| (r.row.consumer_version.as_str(), r.ignored))
            .collect();
        assert_eq!(order, [("1.2.3", false), ("3.4.5", true)]);
    }

    #[test]
    fn ignore_marks_rows_by_either_side() {
        let rows = vec![
            row(
                "Foo",
                "1.2.3",
                1,
                "Bar",
                Some(("4.5.6", 1)),
                Some((true, 1)),
            ),
            row(
                "Foo",
                "3.4.5",
                2,
                "Bar",
                Some(("4.5.6", 1)),
                Some((false, 2)),
            ),
            row("Baz", "1", 1, "Qux", None, None),
        ];
        let ignore = [
            IgnoreSelector {
                pacticipant: "Foo".into(),
                version: Some("3.4.5".into()),
            },
            IgnoreSelector {
                pacticipant: "Qux".into(),
                version: None,
            },
        ];
        let marked = mark_ignored(rows, &ignore);
        assert_eq!(
            marked.iter().map(|r| r.ignored).collect::<Vec<_>>(),
            vec![false, true, true]
        );
        let versioned = [IgnoreSelector {
            pacticipant: "Qux".into(),
            version: Some("1".into()),
        }];
        let marked = mark_ignored(vec![row("Baz", "1", 1, "Qux", None, None)], &versioned);
        assert!(
            !marked[0].ignored,
            "an unverified provider side has no version to match"
        );
    }

    #[test]
    fn success_filter() {
        let rows = considered(vec![
            row("Foo", "1", 1, "Bar", Some(("1", 1)), Some((true, 1))),
            row("Foo", "2", 2, "Bar", Some(("9", 9)), Some((false, 2))),
            row("Foo", "3", 3, "Bar", None, None),
        ]);
        assert_eq!(filter_success(rows.clone(), &[]).len(), 3);
        let only = filter_success(rows.clone(), &[Some(true)]);
        assert_eq!(only.len(), 1);
        assert_eq!(only[0].row.consumer_version, "1");
        assert_eq!(filter_success(rows, &[None, Some(false)]).len(), 2);
    }

    #[test]
    fn all_verified_is_deployable() {
        let rows = considered(vec![row(
            "Foo",
            "1.2.3",
            1,
            "Bar",
            Some(("4.5.6", 1)),
            Some((true, 1)),
        )]);
        let sels = [
            specified("Foo", "1.2.3", true),
            specified("Bar", "4.5.6", true),
        ];
        let v = summarize(&facts(&rows, &sels));
        assert_eq!(v.summary.deployable, Some(true));
        assert_eq!(
            v.summary.reason,
            "All required verification results are published and successful"
        );
        assert_eq!(
            (v.summary.success, v.summary.failed, v.summary.unknown),
            (1, 0, 0)
        );
        assert_eq!(v.summary.ignored, None);
        assert_eq!(v.notices[0].kind, NoticeType::Success);
        assert_eq!(
            v.summary.to_json(),
            serde_json::json!({"deployable": true, "reason": v.summary.reason, "success": 1, "failed": 0, "unknown": 0})
        );
    }

    #[test]
    fn empty_rows_are_deployable_with_no_missing_dependencies() {
        let sels = [specified("Foo", "1", true)];
        let target = Target::Environment("production".into());
        let mut f = facts(&[], &sels);
        f.target = Some(&target);
        let v = summarize(&f);
        assert_eq!(v.summary.deployable, Some(true));
        assert_eq!(v.summary.reason, "There are no missing dependencies");
    }

    #[test]
    fn missing_specified_version_is_not_deployable() {
        let rows = considered(vec![row("Foo", "1.2.3", 1, "Bar", None, None)]);
        let sels = [
            specified("Foo", "1.2.3", true),
            specified("Bar", "9.9.9", false),
        ];
        let v = summarize(&facts(&rows, &sels));
        assert_eq!(v.summary.deployable, Some(false));
        assert_eq!(
            v.summary.reason,
            "No pacts or verifications have been published for version 9.9.9 of Bar"
        );
        assert_eq!(v.notices[0].kind, NoticeType::Error);
        assert_eq!(v.summary.unknown, 1);
    }

    #[test]
    fn ignored_missing_version_does_not_block() {
        let sels = [
            specified("Foo", "1", true),
            specified("Bar", "9.9.9", false),
        ];
        let ignore = [IgnoreResolution {
            selector: IgnoreSelector {
                pacticipant: "Bar".into(),
                version: None,
            },
            pacticipant_exists: true,
            version_exists: true,
        }];
        let mut f = facts(&[], &sels);
        f.ignore = &ignore;
        let v = summarize(&f);
        assert_eq!(v.summary.deployable, Some(true));
        assert_eq!(v.summary.ignored, Some(0));
    }

    #[test]
    fn unknown_wins_over_failed() {
        let rows = considered(vec![
            row("Foo", "1", 1, "Bar", Some(("2", 2)), Some((false, 1))),
            row("Foo", "1", 1, "Baz", None, None),
        ]);
        let sels = [specified("Foo", "1", true)];
        let v = summarize(&facts(&rows, &sels));
        assert_eq!(v.summary.deployable, None);
        assert_eq!(
            (v.summary.success, v.summary.failed, v.summary.unknown),
            (0, 1, 1)
        );
        let texts: Vec<&str> = v.notices.iter().map(|n| n.text.as_str()).collect();
        assert_eq!(
            texts,
            vec![
                "WARN: It is recommended to specify the environment into which you are deploying. Without the environment, this result will not be reliable.",
                "The verification for the pact between version 1 of Foo and version 2 of Bar failed",
                "There is no verified pact between version 1 of Foo and any version of Baz",
            ]
        );
        assert_eq!(v.notices[0].kind, NoticeType::Warning);
    }

    #[test]
    fn failure_is_not_deployable() {
        let rows = considered(vec![row(
            "Foo",
            "1",
            1,
            "Bar",
            Some(("2", 2)),
            Some((false, 1)),
        )]);
        let sels = [specified("Foo", "1", true), specified("Bar", "2", true)];
        let v = summarize(&facts(&rows, &sels));
        assert_eq!(v.summary.deployable, Some(false));
        assert_eq!(
            v.summary.reason,
            "The verification for the pact between version 1 of Foo and version 2 of Bar failed"
        );
    }

    #[test]
    fn required_integration_without_row_is_unknown() {
        let sels = [specified("Foo", "1", true)];
        let missing = [Integration {
            consumer: "Foo".into(),
            provider: "Bar".into(),
        }];
        let mut f = facts(&[], &sels);
        f.missing_integrations = &missing;
        let target = Target::Environment("prod".into());
        f.target = Some(&target);
        let v = summarize(&f);
        assert_eq!(v.summary.deployable, None);
        assert_eq!(v.summary.unknown, 1);
        assert_eq!(
            v.summary.reason,
            "There is no verified pact between version 1 of Foo and any version of Bar"
        );
    }

    #[test]
    fn ignored_failures_do_not_count_and_ignored_is_reported() {
        let rows = vec![
            EvaluatedRow {
                row: row(
                    "Foo",
                    "1.2.3",
                    1,
                    "Bar",
                    Some(("4.5.6", 1)),
                    Some((true, 1)),
                ),
                ignored: false,
            },
            EvaluatedRow {
                row: row(
                    "Foo",
                    "3.4.5",
                    2,
                    "Bar",
                    Some(("4.5.6", 1)),
                    Some((false, 2)),
                ),
                ignored: true,
            },
        ];
        let sels = [
            specified("Bar", "4.5.6", true),
            SelectorResolution {
                selector: MatrixSelector {
                    pacticipant: "Foo".into(),
                    tag: Some("prod".into()),
                    ..MatrixSelector::default()
                },
                versions: vec!["1.2.3".into(), "3.4.5".into()],
                specified: true,
                pacticipant_exists: true,
            },
        ];
        let ignore = [
            IgnoreResolution {
                selector: IgnoreSelector {
                    pacticipant: "Foo".into(),
                    version: Some("3.4.5".into()),
                },
                pacticipant_exists: true,
                version_exists: true,
            },
            IgnoreResolution {
                selector: IgnoreSelector {
                    pacticipant: "Nope".into(),
                    version: None,
                },
                pacticipant_exists: false,
                version_exists: false,
            },
        ];
        let mut f = facts(&rows, &sels);
        f.ignore = &ignore;
        let v = summarize(&f);
        assert_eq!(v.summary.deployable, Some(true));
        assert_eq!(v.summary.ignored, Some(1));
        assert_eq!((v.summary.success, v.summary.failed), (1, 0));
        assert_eq!(
            v.notices[0].text,
            "WARN: Cannot ignore any version of Nope (no such pacticipant exists)"
        );
        assert_eq!(v.notices.last().unwrap().kind, NoticeType::Success);
        assert_eq!(v.summary.to_json()["ignored"], serde_json::json!(1));
    }

    #[test]
    fn inferred_target_selector_descriptions() {
        let rows = considered(vec![row("Foo", "1.2.3", 1, "Bar", None, None)]);
        let sels = [
            specified("Foo", "1.2.3", true),
            SelectorResolution {
                selector: MatrixSelector {
                    pacticipant: "Bar".into(),
                    tag: Some("prod".into()),
                    latest: true,
                    ..MatrixSelector::default()
                },
                versions: vec!["4.5.6".into()],
                specified: false,
                pacticipant_exists: true,
            },
        ];
        let target = Target::Tag {
            name: "prod".into(),
            latest: true,
        };
        let mut f = facts(&rows, &sels);
        f.target = Some(&target);
        let v = summarize(&f);
        assert_eq!(v.summary.deployable, None);
        assert_eq!(
            v.summary.reason,
            "There is no verified pact between version 1.2.3 of Foo and the latest version of Bar with tag prod (4.5.6)"
        );
    }

    #[test]
    fn inferred_selector_matching_nothing_does_not_block() {
        let sels = [
            specified("Foo", "1", true),
            SelectorResolution {
                selector: MatrixSelector {
                    pacticipant: "Bar".into(),
                    environment: Some("prod".into()),
                    ..MatrixSelector::default()
                },
                versions: vec![],
                specified: false,
                pacticipant_exists: true,
            },
        ];
        let target = Target::Environment("prod".into());
        let mut f = facts(&[], &sels);
        f.target = Some(&target);
        assert_eq!(summarize(&f).summary.deployable, Some(true));
    }

    #[test]
    fn version_less_question_warns() {
        let sels = [SelectorResolution {
            selector: MatrixSelector {
                pacticipant: "Foo".into(),
                branch: Some("main".into()),
                latest: true,
                ..MatrixSelector::default()
            },
            versions: vec!["7".into()],
            specified: true,
            pacticipant_exists: true,
        }];
        let v = summarize(&facts(&[], &sels));
        assert!(v.notices.iter().any(|n| n
            .text
            .starts_with("WARN: It is recommended to specify the version number")));
    }

    #[test]
    fn does_not_exist_descriptions() {
        let base = MatrixSelector {
            pacticipant: "Foo".into(),
            ..MatrixSelector::default()
        };
        let with = |f: &dyn Fn(&mut MatrixSelector)| {
            let mut s = base.clone();
            f(&mut s);
            version_does_not_exist_description(&s)
        };
        assert_eq!(
            with(&|s| s.tag = Some("prod".into())),
            "No version with tag prod exists for Foo"
        );
        assert_eq!(
            with(&|s| s.branch = Some("b".into())),
            "No version of Foo from branch b exists"
        );
        assert_eq!(
            with(&|s| s.main_branch = true),
            "No version of Foo from the main branch exists"
        );
        assert_eq!(
            with(&|s| s.environment = Some("e".into())),
            "No version of Foo is currently recorded as deployed or released in environment e"
        );
        assert_eq!(
            with(&|_| {}),
            "No pacts or verifications have been published for Foo"
        );
    }

    #[test]
    fn descriptions_of_resolved_selectors() {
        let res = |f: &dyn Fn(&mut MatrixSelector), versions: Vec<&str>| SelectorResolution {
            selector: {
                let mut s = MatrixSelector {
                    pacticipant: "P".into(),
                    ..MatrixSelector::default()
                };
                f(&mut s);
                s
            },
            versions: versions.into_iter().map(String::from).collect(),
            specified: true,
            pacticipant_exists: true,
        };
        let d = |r: &SelectorResolution| describe(&expand(std::slice::from_ref(r))[0]);
        assert_eq!(
            d(&res(&|s| s.environment = Some("prod".into()), vec!["1"])),
            "the version of P currently in prod (1)"
        );
        assert_eq!(
            d(&res(
                &|s| s.environment = Some("prod".into()),
                vec!["1", "2"]
            )),
            "one of the versions of P currently in prod (1)"
        );
        assert_eq!(
            d(&res(&|s| s.branch = Some("b".into()), vec![])),
            "a version of P from branch b (no such version exists)"
        );
        assert_eq!(
            d(&res(
                &|s| {
                    s.main_branch = true;
                    s.latest = true
                },
                vec![]
            )),
            "the latest version of P from the main branch (no versions exist for this branch)"
        );
        assert_eq!(
            d(&res(&|s| s.latest = true, vec!["3"])),
            "the latest version of P (3)"
        );
        assert_eq!(
            d(&res(&|s| s.tag = Some("t".into()), vec!["3"])),
            "a version of P with tag t (3)"
        );
        assert_eq!(
            d(&res(&|s| s.version = Some("9".into()), vec![])),
            "version 9 of P (no such version exists)"
        );
        assert_eq!(d(&res(&|_| {}, vec!["1"])), "any version of P");
        let mut unknown = res(&|_| {}, vec![]);
        unknown.pacticipant_exists = false;
        assert_eq!(d(&unknown), "any version of P (no such pacticipant exists)");
        assert_eq!(
            Notice {
                kind: NoticeType::Info,
                text: "x".into()
            }
            .to_json(),
            serde_json::json!({"type": "info", "text": "x"})
        );
    }
}
