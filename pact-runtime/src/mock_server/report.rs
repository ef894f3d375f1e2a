//! What went wrong at a mock server, as values with a text and a JSON rendering.

use crate::server::{mismatch_json, RequestLine};
use pact_core::matching::Mismatch;
use serde_json::{json, Value};
use std::fmt;

/// The interaction a request came closest to, and how it differed.
#[derive(Debug, Clone, PartialEq)]
pub struct Closest {
    /// The interaction's description.
    pub description: String,
    /// Every difference between it and the request.
    pub mismatches: Vec<Mismatch>,
}

/// One problem a mock server saw.
#[derive(Debug, Clone, PartialEq)]
pub enum Problem {
    /// An interaction no request exercised.
    Missing {
        /// The interaction's description.
        description: String,
        /// Its request line.
        request: RequestLine,
    },
    /// A request with the method and path of an interaction whose other parts differed.
    Mismatch {
        /// The request received.
        request: RequestLine,
        /// The interaction it was meant for.
        closest: Closest,
    },
    /// A request whose method or path no interaction has.
    Unexpected {
        /// The request received.
        request: RequestLine,
        /// The interaction with the fewest differences, when there is any interaction.
        closest: Option<Closest>,
    },
    /// A request matched an interaction whose response could not be served: a generator
    /// failed, or the response is not valid HTTP. The client got a 500 instead.
    InvalidResponse {
        /// The request received.
        request: RequestLine,
        /// The interaction it matched.
        description: String,
        /// What went wrong.
        message: String,
    },
    /// The server failed while handling a request (a bug: please report it).
    Internal {
        /// The request received.
        request: RequestLine,
        /// The panic's message.
        message: String,
    },
}

impl Problem {
    /// `missing`, `request-mismatch`, `request-not-found`, `invalid-response` or `internal`.
    pub fn kind(&self) -> &'static str {
        match self {
            Problem::Missing { .. } => "missing",
            Problem::Mismatch { .. } => "request-mismatch",
            Problem::Unexpected { .. } => "request-not-found",
            Problem::InvalidResponse { .. } => "invalid-response",
            Problem::Internal { .. } => "internal",
        }
    }

    /// The interaction a request came closest to, for the problems that have one.
    pub fn closest(&self) -> Option<&Closest> {
        match self {
            Problem::Mismatch { closest, .. } => Some(closest),
            Problem::Unexpected { closest, .. } => closest.as_ref(),
            _ => None,
        }
    }

    /// The problem as JSON, for tools and for the 500 response's JSON form.
    pub fn to_json(&self) -> Value {
        let line = RequestLine::to_json;
        let closest = |c: &Closest| {
            json!({
                "description": c.description,
                "mismatches": c.mismatches.iter().map(mismatch_json).collect::<Vec<_>>(),
            })
        };
        match self {
            Problem::Missing {
                description,
                request,
            } => json!({"type": self.kind(), "description": description, "request": line(request)}),
            Problem::Mismatch {
                request,
                closest: c,
            } => {
                json!({"type": self.kind(), "request": line(request), "closest": closest(c)})
            }
            Problem::Unexpected {
                request,
                closest: c,
            } => json!({
                "type": self.kind(),
                "request": line(request),
                "closest": c.as_ref().map(closest),
            }),
            Problem::InvalidResponse {
                request,
                description,
                message,
            } => json!({
                "type": self.kind(),
                "request": line(request),
                "description": description,
                "message": message,
            }),
            Problem::Internal { request, message } => {
                json!({"type": self.kind(), "request": line(request), "message": message})
            }
        }
    }
}

fn write_closest(f: &mut fmt::Formatter<'_>, c: &Closest) -> fmt::Result {
    write!(f, "closest interaction: \"{}\"", c.description)?;
    for m in &c.mismatches {
        write!(f, "\n      - {}", m.kind)?;
        if !m.path.is_empty() {
            write!(f, " {}", m.path)?;
        }
        write!(f, ": {}", m.description)?;
    }
    Ok(())
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::Missing {
                description,
                request,
            } => write!(
                f,
                "expected but not received: {request} (interaction \"{description}\")"
            ),
            Problem::Mismatch { request, closest } => {
                write!(f, "request did not match: {request}\n    ")?;
                write_closest(f, closest)
            }
            Problem::Unexpected { request, closest } => {
                write!(f, "unexpected request: {request}")?;
                if let Some(c) = closest {
                    f.write_str("\n    ")?;
                    write_closest(f, c)?;
                }
                Ok(())
            }
            Problem::InvalidResponse {
                request,
                description,
                message,
            } => write!(
                f,
                "could not serve the response of interaction \"{description}\" to {request}: {message}"
            ),
            Problem::Internal { request, message } => {
                write!(f, "the mock server failed on {request}: {message}")
            }
        }
    }
}
