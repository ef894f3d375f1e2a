//! What a verification found, rendered for people (colored text with a diff per mismatch),
//! for tools (JSON) and for CI (JUnit XML).

use pact_core::matching::{Mismatch, MismatchKind};
use pact_core::model::Response;
use serde_json::{json, Value};
use std::fmt::Write;
use std::time::Duration;

/// How one interaction fared.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// The response matched.
    Passed,
    /// The response differed.
    Failed {
        /// Each difference.
        mismatches: Vec<Mismatch>,
        /// What the provider answered.
        actual: Box<Response>,
    },
    /// A provider state could not be set up; the request was not sent.
    StateChangeFailed(String),
    /// The request could not be sent or got no answer.
    RequestFailed {
        /// The URL.
        url: String,
        /// Why.
        message: String,
        /// The provider refused the connection or did not answer in time.
        unreachable: bool,
    },
}

impl Outcome {
    /// True for [`Outcome::Passed`].
    pub fn is_success(&self) -> bool {
        matches!(self, Outcome::Passed)
    }

    /// The reference verifier's error categories for this outcome: `Response status did not
    /// match`, `Headers had differences`, `Body had differences`, `State change request
    /// failed`, `Request failed`.
    pub fn error_categories(&self) -> Vec<&'static str> {
        match self {
            Outcome::Passed => Vec::new(),
            Outcome::StateChangeFailed(_) => vec!["State change request failed"],
            Outcome::RequestFailed { .. } => vec!["Request failed"],
            Outcome::Failed { mismatches, .. } => {
                let mut out = Vec::new();
                for m in mismatches {
                    let category = match m.kind {
                        MismatchKind::Status => "Response status did not match",
                        MismatchKind::Header => "Headers had differences",
                        MismatchKind::Metadata => "Metadata had differences",
                        _ => "Body had differences",
                    };
                    if !out.contains(&category) {
                        out.push(category);
                    }
                }
                out
            }
        }
    }

    /// The mismatches as the broker's `testResults[].mismatches` entries:
    /// `{"attribute", "identifier", "description"}`, without `identifier` for a mismatch that
    /// has no path (the status), as the reference verifier sends them.
    pub fn mismatches_json(&self) -> Vec<Value> {
        match self {
            Outcome::Failed { mismatches, .. } => mismatches
                .iter()
                .map(|m| {
                    let mut entry = json!({
                        "attribute": m.kind.as_str(),
                        "description": m.description,
                    });
                    if !m.path.is_empty() {
                        entry["identifier"] = json!(m.path);
                    }
                    entry
                })
                .collect(),
            _ => Vec::new(),
        }
    }

    /// The failure that is not a mismatch, as a message.
    pub fn exception(&self) -> Option<String> {
        match self {
            Outcome::StateChangeFailed(reason) => {
                Some(format!("State change request failed: {reason}"))
            }
            Outcome::RequestFailed { url, message, .. } => {
                Some(format!("Request to {url} failed: {message}"))
            }
            _ => None,
        }
    }
}

/// One interaction's result.
#[derive(Debug, Clone, PartialEq)]
pub struct InteractionResult {
    /// The description.
    pub description: String,
    /// Its provider states.
    pub states: Vec<String>,
    /// The broker's `_id` for it, when it came from a broker.
    pub interaction_id: Option<String>,
    /// A V4 pending interaction: its failure does not fail the run.
    pub pending: bool,
    /// V4 comments.
    pub comments: Vec<String>,
    /// The V4 `testname` comment: the consumer test that wrote it.
    pub test_name: Option<String>,
    /// How it fared.
    pub outcome: Outcome,
    /// How long it took, state changes included.
    pub duration: Duration,
}

/// One pact's results.
#[derive(Debug, Clone, PartialEq)]
pub struct PactResult {
    /// The consumer.
    pub consumer: String,
    /// The file or URL.
    pub source: String,
    /// The broker says the pact is pending: its failures do not fail the run.
    pub pending: bool,
    /// The broker's notices (why this pact is verified).
    pub notices: Vec<String>,
    /// The broker's notices for after the verification, for how it went and whether its
    /// result was published (what the result means for the pact: pending, WIP...).
    pub after_notices: Vec<String>,
    /// Each interaction verified.
    pub interactions: Vec<InteractionResult>,
    /// Whether publishing the result worked, when it was asked for.
    pub published: Option<Result<(), String>>,
}

/// The whole verification.
#[derive(Debug, Clone, PartialEq)]
pub struct VerificationReport {
    /// The provider verified.
    pub provider: String,
    /// Each pact.
    pub pacts: Vec<PactResult>,
    /// Things the user should know that failed nothing (a state without a handler).
    pub warnings: Vec<String>,
    /// What the sources held that was not verified, and why.
    pub not_verified: NotVerified,
}

/// What the sources held that was not verified: a run that verified nothing proves nothing,
/// and these say why it verified nothing.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct NotVerified {
    /// The consumers of the pacts the consumer filter left out.
    pub consumers: Vec<String>,
    /// Interactions the description and state filters left out.
    pub filtered_out: usize,
    /// Interactions of a kind the verifier does not replay (messages).
    pub not_http: usize,
    /// The filters in force, described (`description /x/, no state`); empty when none.
    pub filters: String,
}

impl InteractionResult {
    fn counts_as_failure(&self, pact: &PactResult) -> bool {
        !self.outcome.is_success() && !self.pending && !pact.pending
    }
}

impl VerificationReport {
    /// True when every interaction passed, failures of pending ones aside.
    pub fn success(&self) -> bool {
        self.pacts
            .iter()
            .all(|p| p.interactions.iter().all(|i| !i.counts_as_failure(p)))
    }

    /// True when some request could not reach the provider at all.
    pub fn provider_unreachable(&self) -> bool {
        self.interactions().any(|(p, i)| {
            i.counts_as_failure(p)
                && matches!(
                    i.outcome,
                    Outcome::RequestFailed {
                        unreachable: true,
                        ..
                    }
                )
        })
    }

    /// Every interaction with its pact.
    pub fn interactions(&self) -> impl Iterator<Item = (&PactResult, &InteractionResult)> {
        self.pacts
            .iter()
            .flat_map(|p| p.interactions.iter().map(move |i| (p, i)))
    }

    /// Why nothing was verified, when no interaction was: the pacts the consumer filter
    /// left out, the interactions the other filters left out, or only messages in the pacts.
    ///
    /// ```
    /// use pact_runtime::verifier::{NotVerified, VerificationReport};
    /// let report = VerificationReport {
    ///     provider: "P".into(),
    ///     pacts: vec![],
    ///     warnings: vec![],
    ///     not_verified: NotVerified {
    ///         consumers: vec!["Web".into()],
    ///         filters: "consumer Typo".into(),
    ///         ..NotVerified::default()
    ///     },
    /// };
    /// assert_eq!(
    ///     report.nothing_verified().unwrap(),
    ///     "no interaction was verified: the filters (consumer Typo) left out every pact \
    ///      (the pacts are of the consumers Web)"
    /// );
    /// ```
    pub fn nothing_verified(&self) -> Option<String> {
        if self.interactions().next().is_some() {
            return None;
        }
        let n = &self.not_verified;
        let filters = if n.filters.is_empty() {
            String::new()
        } else {
            format!(" ({})", n.filters)
        };
        let why = if self.pacts.is_empty() && !n.consumers.is_empty() {
            let mut consumers = n.consumers.clone();
            consumers.dedup();
            format!(
                "the filters{filters} left out every pact (the pacts are of the consumers {})",
                consumers.join(", ")
            )
        } else if n.filtered_out > 0 {
            format!(
                "the filters{filters} left out every interaction ({} in all)",
                n.filtered_out + n.not_http
            )
        } else if n.not_http > 0 {
            format!(
                "the pacts hold no HTTP interaction ({} message {} skipped)",
                n.not_http,
                plural(n.not_http, "interaction")
            )
        } else {
            "the pacts hold no interactions".to_string()
        };
        Some(format!("no interaction was verified: {why}"))
    }

    /// `(passed, failed, pending failures)`.
    pub fn counts(&self) -> (usize, usize, usize) {
        let mut counts = (0, 0, 0);
        for (p, i) in self.interactions() {
            if i.outcome.is_success() {
                counts.0 += 1;
            } else if i.counts_as_failure(p) {
                counts.1 += 1;
            } else {
                counts.2 += 1;
            }
        }
        counts
    }

    /// The report for people; ANSI colors when `color`.
    ///
    /// ```
    /// use pact_runtime::verifier::VerificationReport;
    /// use pact_runtime::verifier::NotVerified;
    /// let empty = VerificationReport {
    ///     provider: "P".into(),
    ///     pacts: vec![],
    ///     warnings: vec![],
    ///     not_verified: NotVerified::default(),
    /// };
    /// assert!(empty.render(false).contains("0 interactions verified"));
    /// ```
    pub fn render(&self, color: bool) -> String {
        let paint = |code: &str, text: &str| {
            if color {
                format!("\x1b[{code}m{text}\x1b[0m")
            } else {
                text.to_string()
            }
        };
        let mut out = String::new();
        for w in &self.warnings {
            let _ = writeln!(out, "{} {w}", paint("33", "warning:"));
        }
        let mut failures = Vec::new();
        for pact in &self.pacts {
            let _ = writeln!(
                out,
                "\nVerifying a pact between {} and {}{}",
                pact.consumer,
                self.provider,
                if pact.pending { " [PENDING]" } else { "" }
            );
            let _ = writeln!(out, "  [from {}]", pact.source);
            for n in &pact.notices {
                let _ = writeln!(out, "  {n}");
            }
            for i in &pact.interactions {
                let verdict = match (&i.outcome, i.pending || pact.pending) {
                    (Outcome::Passed, _) => paint("32", "OK"),
                    (_, true) => paint("33", "FAILED (pending)"),
                    (_, false) => paint("31", "FAILED"),
                };
                let _ = writeln!(
                    out,
                    "  {}{} ({} ms) {verdict}",
                    i.description,
                    if i.pending { " [PENDING]" } else { "" },
                    i.duration.as_millis()
                );
                if let Some(name) = &i.test_name {
                    let _ = writeln!(out, "    Test Name: {name}");
                }
                for c in &i.comments {
                    let _ = writeln!(out, "    {c}");
                }
                for s in &i.states {
                    let _ = writeln!(out, "    Given {s}");
                }
                if !i.outcome.is_success() {
                    failures.push((pact, i));
                }
            }
            if let Some(published) = &pact.published {
                match published {
                    Ok(()) => {
                        let _ = writeln!(out, "  verification result published");
                    }
                    Err(e) => {
                        let _ = writeln!(
                            out,
                            "  {} publishing the verification result failed: {e}",
                            paint("31", "error:")
                        );
                    }
                }
            }
            for n in &pact.after_notices {
                let _ = writeln!(out, "  {n}");
            }
        }
        if !failures.is_empty() {
            let _ = writeln!(out, "\nFailures:");
        }
        for (n, (pact, i)) in failures.iter().enumerate() {
            let _ = writeln!(
                out,
                "\n{}) {} - {}{}",
                n + 1,
                pact.consumer,
                i.description,
                if i.pending || pact.pending {
                    " (pending: does not fail the run)"
                } else {
                    ""
                }
            );
            match &i.outcome {
                Outcome::Failed { mismatches, .. } => {
                    for (k, m) in mismatches.iter().enumerate() {
                        let place = if m.path.is_empty() {
                            m.kind.to_string()
                        } else {
                            format!("{} {}", m.kind, m.path)
                        };
                        let _ = writeln!(out, "   {}.{}) {place}: {}", n + 1, k + 1, m.description);
                        let _ = writeln!(
                            out,
                            "        {}",
                            paint("32", &format!("- expected: {}", m.expected))
                        );
                        let _ = writeln!(
                            out,
                            "        {}",
                            paint("31", &format!("+ actual:   {}", m.actual))
                        );
                    }
                }
                other => {
                    let _ = writeln!(out, "   {}", other.exception().unwrap_or_default());
                }
            }
        }
        let (passed, failed, pending) = self.counts();
        let total = passed + failed + pending;
        let _ = writeln!(
            out,
            "\n{total} {} verified: {passed} passed, {failed} failed{}",
            plural(total, "interaction"),
            if pending > 0 {
                format!(", {pending} pending failed")
            } else {
                String::new()
            }
        );
        out
    }

    /// The report as JSON, for tools.
    pub fn to_json(&self) -> Value {
        let (passed, failed, pending) = self.counts();
        json!({
            "provider": self.provider,
            "success": self.success(),
            "summary": {"passed": passed, "failed": failed, "pendingFailed": pending},
            "warnings": self.warnings,
            "pacts": self.pacts.iter().map(|p| json!({
                "consumer": p.consumer,
                "source": p.source,
                "pending": p.pending,
                "notices": p.notices,
                "afterNotices": p.after_notices,
                "published": p.published.as_ref().map(|r| match r {
                    Ok(()) => json!({"success": true}),
                    Err(e) => json!({"success": false, "error": e}),
                }),
                "interactions": p.interactions.iter().map(|i| json!({
                    "description": i.description,
                    "providerStates": i.states,
                    "pending": i.pending,
                    "comments": i.comments,
                    "testName": i.test_name,
                    "success": i.outcome.is_success(),
                    "durationMs": i.duration.as_secs_f64() * 1000.0,
                    "errors": i.outcome.error_categories(),
                    "mismatches": match &i.outcome {
                        Outcome::Failed { mismatches, .. } => mismatches.iter().map(|m| json!({
                            "type": m.kind.as_str(),
                            "path": m.path,
                            "expected": m.expected,
                            "actual": m.actual,
                            "description": m.description,
                        })).collect::<Vec<_>>(),
                        _ => Vec::new(),
                    },
                    "exception": i.outcome.exception(),
                })).collect::<Vec<_>>(),
            })).collect::<Vec<_>>(),
        })
    }

    /// The report as JUnit XML: a test suite per pact, a test case per interaction.
    pub fn to_junit(&self) -> String {
        let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n");
        for p in &self.pacts {
            let failures = p
                .interactions
                .iter()
                .filter(|i| i.counts_as_failure(p))
                .count();
            let skipped = p
                .interactions
                .iter()
                .filter(|i| !i.outcome.is_success() && !i.counts_as_failure(p))
                .count();
            let time: f64 = p
                .interactions
                .iter()
                .map(|i| i.duration.as_secs_f64())
                .sum();
            let _ = writeln!(
                out,
                "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{failures}\" skipped=\"{skipped}\" time=\"{time:.3}\">",
                xml_escape(&format!("{} - {}", p.consumer, self.provider)),
                p.interactions.len()
            );
            for i in &p.interactions {
                let _ = write!(
                    out,
                    "    <testcase classname=\"{}\" name=\"{}\" time=\"{:.3}\"",
                    xml_escape(&p.consumer),
                    xml_escape(&i.description),
                    i.duration.as_secs_f64()
                );
                if i.outcome.is_success() {
                    out.push_str("/>\n");
                    continue;
                }
                let body = match &i.outcome {
                    Outcome::Failed { mismatches, .. } => mismatches
                        .iter()
                        .map(|m| format!("{} {}: {}", m.kind, m.path, m.description))
                        .collect::<Vec<_>>()
                        .join("\n"),
                    other => other.exception().unwrap_or_default(),
                };
                let tag = if i.pending || p.pending {
                    "skipped"
                } else {
                    "failure"
                };
                let _ = writeln!(
                    out,
                    ">\n      <{tag} message=\"{}\">{}</{tag}>\n    </testcase>",
                    xml_escape(&i.outcome.error_categories().join(", ")),
                    xml_escape(&body)
                );
            }
            out.push_str("  </testsuite>\n");
        }
        out.push_str("</testsuites>\n");
        out
    }
}

fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if (c as u32) < 0x20 && !matches!(c, '\n' | '\t' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}

/// `word`, or `words` unless there is exactly one.
fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        word.to_string()
    } else {
        format!("{word}s")
    }
}
