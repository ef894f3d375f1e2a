//! Mismatches: what differed between an expected and an actual request, response or message.

use std::fmt;

/// Which part of the interaction a mismatch is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum MismatchKind {
    /// The HTTP method.
    Method,
    /// The request path.
    Path,
    /// A query parameter.
    Query,
    /// A header.
    Header,
    /// The body or message contents.
    Body,
    /// The body's content type.
    BodyType,
    /// The response status.
    Status,
    /// Message metadata.
    Metadata,
}

impl MismatchKind {
    /// The name other Pact tools use (`query`, `body-content-type`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            MismatchKind::Method => "method",
            MismatchKind::Path => "path",
            MismatchKind::Query => "query",
            MismatchKind::Header => "header",
            MismatchKind::Body => "body",
            MismatchKind::BodyType => "body-content-type",
            MismatchKind::Status => "status",
            MismatchKind::Metadata => "metadata",
        }
    }
}

impl fmt::Display for MismatchKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One difference between expected and actual. Mismatches are values: a list of them is the
/// result of matching, and an empty list means a match.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mismatch {
    /// The part of the interaction.
    pub kind: MismatchKind,
    /// Where: a body path such as `$.items[0].id`, a header or query parameter name, or empty.
    pub path: String,
    /// The expected value, rendered as text.
    pub expected: String,
    /// The actual value, rendered as text.
    pub actual: String,
    /// A sentence in the wording of the reference implementation.
    pub description: String,
}

impl Mismatch {
    /// A mismatch with every field given.
    pub fn new(
        kind: MismatchKind,
        path: impl Into<String>,
        expected: impl Into<String>,
        actual: impl Into<String>,
        description: impl Into<String>,
    ) -> Mismatch {
        Mismatch {
            kind,
            path: path.into(),
            expected: expected.into(),
            actual: actual.into(),
            description: description.into(),
        }
    }
}

impl fmt::Display for Mismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            write!(f, "{}: {}", self.kind, self.description)
        } else {
            write!(f, "{} {}: {}", self.kind, self.path, self.description)
        }
    }
}
