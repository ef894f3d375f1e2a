//! The dashboard: HTML pages for people, beside the HAL API for clients, on the same URLs.
//!
//! A browser asks for `text/html` and gets a page; a client asks for HAL JSON (or for
//! anything, as curl does) and gets the resource, so a pact's URL in a browser shows the
//! pact page and the same URL in `pact-broker describe-…` still answers JSON. Pages are
//! askama templates under `templates/` sharing `layout.html`, styled by one stylesheet the
//! broker serves itself: no script, no font, no image from anywhere else (the
//! `Content-Security-Policy` of every page says so to the browser too).

pub(crate) mod badge;
mod environments;
mod graph;
mod index;
mod matrix;
mod network;
mod pact;
mod pact_diff;
mod pact_view;
mod test_results;
mod time;

use crate::api::pacts::PactAt;
use crate::api::{ApiError, Reply, Req};
use crate::Broker;
use askama::Template;
use bytes::Bytes;
use warp::http::header::ACCEPT;
use warp::http::{HeaderMap, HeaderValue, StatusCode};

pub(crate) use time::Moment;

/// The stylesheet every page links to, served at `/ui/style.css`.
const STYLESHEET: &str = include_str!("../../templates/style.css");

/// What every page's browser may load: this broker's stylesheet and images, nothing else,
/// and no script at all.
const CONTENT_SECURITY_POLICY: &str =
    "default-src 'none'; style-src 'self'; img-src 'self' data:; \
     form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/// Whether the client asked for a page rather than a resource: `text/html` accepted, and
/// not after a JSON type it prefers (a client that lists HAL first gets HAL).
///
/// ```ignore
/// browser: "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8" -> page
/// client:  "application/hal+json, application/json, */*; q=0.01"           -> JSON
/// curl:    "*/*"                                                             -> JSON
/// ```
pub(crate) fn wants_html(headers: &HeaderMap) -> bool {
    let accept = headers
        .get_all(ACCEPT)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect::<Vec<_>>()
        .join(",");
    let position = |ty: &str| {
        accept
            .split(',')
            .map(|part| part.split(';').next().unwrap_or("").trim())
            .position(|t| t.eq_ignore_ascii_case(ty))
    };
    match position("text/html") {
        None => false,
        Some(html) => [
            position("application/hal+json"),
            position("application/json"),
        ]
        .into_iter()
        .flatten()
        .all(|json| json > html),
    }
}

/// Answers the requests the dashboard serves: pages for browsers, the stylesheet. `None`
/// hands the request to the API.
pub(crate) async fn route(b: &Broker, req: &Req) -> Option<Result<Reply, ApiError>> {
    if req.method != warp::http::Method::GET {
        return None;
    }
    let s: Vec<&str> = req.segments.iter().map(String::as_str).collect();
    let html = wants_html(&req.headers);
    // One line a page; pages answer browsers only, so the API keeps its URLs.
    match s.as_slice() {
        ["ui", "style.css"] => Some(Ok(asset("text/css; charset=utf-8", STYLESHEET))),
        // Badges are images whatever the client accepts.
        _ if badge::is_badge_path(&req.method, &req.segments) => {
            Some(Ok(badge::answer(b, req).await))
        }
        _ if !html => None,
        [] => Some(index::get(b, req).await),
        ["matrix"] => Some(matrix::page(b, req).await),
        ["matrix", "provider", p, "consumer", c] => Some(matrix::pair(b, req, p, c).await),
        ["environments"] => Some(environments::page(b, req).await),
        ["pacts", "provider", p, "consumer", c, "version", v] => {
            Some(pact::get(b, req, p, c, PactAt::Version(v)).await)
        }
        ["pacts", "provider", p, "consumer", c, "latest"] => {
            Some(pact::get(b, req, p, c, PactAt::Latest(None)).await)
        }
        ["pacts", "provider", p, "consumer", c, "latest", tag] => {
            Some(pact::get(b, req, p, c, PactAt::Latest(Some(tag))).await)
        }
        ["pacts", "provider", p, "consumer", c, "pact-version", sha] => {
            Some(pact::get(b, req, p, c, PactAt::Sha(sha)).await)
        }
        ["network"] => Some(network::whole(b, req).await),
        ["pacticipants", p, "network"] => Some(network::of_pacticipant(b, req, p).await),
        _ => None,
    }
}

/// A page: the template rendered, as `text/html`, with the dashboard's security headers.
pub(crate) fn page(template: &impl Template) -> Result<Reply, ApiError> {
    let body = template
        .render()
        .map_err(|e| ApiError::Internal(format!("rendering a page: {e}")))?;
    Ok(html(StatusCode::OK, body))
}

/// An HTML reply.
pub(crate) fn html(status: StatusCode, body: String) -> Reply {
    let mut r = Reply::new(Bytes::from(body));
    *r.status_mut() = status;
    let h = r.headers_mut();
    h.insert(
        "Content-Type",
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    h.insert(
        "Content-Security-Policy",
        HeaderValue::from_static(CONTENT_SECURITY_POLICY),
    );
    h.insert(
        "X-Content-Type-Options",
        HeaderValue::from_static("nosniff"),
    );
    h.insert("Vary", HeaderValue::from_static("Accept"));
    r
}

/// A static asset, cacheable for an hour.
fn asset(content_type: &'static str, body: &'static str) -> Reply {
    let mut r = Reply::new(Bytes::from_static(body.as_bytes()));
    let h = r.headers_mut();
    h.insert("Content-Type", HeaderValue::from_static(content_type));
    h.insert(
        "Cache-Control",
        HeaderValue::from_static("public, max-age=3600"),
    );
    r
}

/// The page a browser gets for a refusal (a 404, a 400 on a bad filter): the same status
/// as the API's, with the reason in words.
#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    nav: Nav<'a>,
    status: u16,
    title: &'static str,
    message: String,
}

/// The reply a browser gets for `error`.
pub(crate) fn error_page(req: &Req, error: ApiError) -> Reply {
    let (status, title, message) = match &error {
        ApiError::NotFound(what) => (StatusCode::NOT_FOUND, "Not found", what.clone()),
        ApiError::BadRequest(errors) => (
            StatusCode::BAD_REQUEST,
            "Bad request",
            crate::api::error_messages(errors).join("; "),
        ),
        // The API's reply carries what these need (WWW-Authenticate, Retry-After) and
        // logs the internal reason; a browser shows its JSON text well enough.
        _ => return error.reply(),
    };
    let body = ErrorPage {
        nav: Nav::new(req, ""),
        status: status.as_u16(),
        title,
        message,
    }
    .render()
    .unwrap_or_else(|e| format!("{title}: {e}"));
    html(status, body)
}

/// `s` safe as XML text and as a quoted attribute value. Characters XML forbids even
/// escaped (most control characters) become U+FFFD, so a name with one still gives
/// well-formed SVG (badges, the network graph).
pub(crate) fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if c < ' ' || c == '\u{fffe}' || c == '\u{ffff}' => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

/// The branches, tags and environments of the summaries' consumer versions and of the
/// provider versions that verified them, by version id: one read for a page's rows.
pub(crate) async fn version_details_of<'s>(
    b: &Broker,
    summaries: impl IntoIterator<Item = &'s crate::store::IntegrationSummary>,
) -> Result<std::collections::HashMap<i64, crate::store::VersionDetails>, ApiError> {
    let mut ids: Vec<i64> = summaries
        .into_iter()
        .flat_map(|s| {
            std::iter::once(s.consumer_version.id).chain(
                s.latest_verification
                    .as_ref()
                    .map(|v| v.provider_version.id),
            )
        })
        .collect();
    ids.sort_unstable();
    ids.dedup();
    Ok(b.store
        .version_details(&ids)
        .await?
        .into_iter()
        .map(|d| (d.id, d))
        .collect())
}

/// What the layout's header needs: the broker's links and which section is current.
pub(crate) struct Nav<'a> {
    /// The broker's base URL, without a trailing slash.
    pub base: &'a str,
    /// The current section: `index`, `network`, `matrix` or `environments` (or empty).
    pub current: &'static str,
}

impl<'a> Nav<'a> {
    /// The header of a page in section `current`.
    pub fn new(req: &'a Req, current: &'static str) -> Nav<'a> {
        Nav {
            base: &req.base,
            current,
        }
    }

    /// `aria-current` for the section's link.
    pub fn aria(&self, section: &str) -> &'static str {
        if self.current == section {
            "page"
        } else {
            "false"
        }
    }

    /// An absolute href for `path` on this broker.
    pub fn at(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The value of a `--name: #rrggbb` custom property of the stylesheet, as RGB.
    fn colour(name: &str) -> [f64; 3] {
        let at = STYLESHEET
            .find(&format!("--{name}: #"))
            .unwrap_or_else(|| panic!("no --{name}"));
        let hex = &STYLESHEET[at + name.len() + 5..at + name.len() + 11];
        let c = |i: usize| f64::from(u8::from_str_radix(&hex[i..i + 2], 16).unwrap()) / 255.0;
        [c(0), c(2), c(4)]
    }

    /// WCAG 2's contrast ratio of two colours.
    fn contrast(a: [f64; 3], b: [f64; 3]) -> f64 {
        let luminance = |c: [f64; 3]| {
            let l = |v: f64| {
                if v <= 0.039_28 {
                    v / 12.92
                } else {
                    ((v + 0.055) / 1.055).powf(2.4)
                }
            };
            0.2126 * l(c[0]) + 0.7152 * l(c[1]) + 0.0722 * l(c[2])
        };
        let (x, y) = (luminance(a), luminance(b));
        (x.max(y) + 0.05) / (x.min(y) + 0.05)
    }

    #[test]
    fn state_colours_pass_wcag_aa_against_their_text() {
        let white = [1.0, 1.0, 1.0];
        // `.state` is white text on the state colour, but `.state-changed` is --fg on yellow.
        for (state, text) in [
            ("verified", white),
            ("failed", white),
            ("unverified", white),
            ("changed", colour("fg")),
        ] {
            let ratio = contrast(colour(state), text);
            assert!(ratio >= 4.5, "--{state}: {ratio:.2}:1");
        }
        for name in ["fg", "muted", "link"] {
            let ratio = contrast(colour(name), colour("bg"));
            assert!(ratio >= 4.5, "--{name} on --bg: {ratio:.2}:1");
        }
    }

    fn accept(value: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(ACCEPT, HeaderValue::from_str(value).unwrap());
        h
    }

    #[test]
    fn browsers_get_pages_and_clients_get_hal() {
        assert!(wants_html(&accept(
            "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
        )));
        assert!(!wants_html(&accept(
            "application/hal+json, application/json, */*; q=0.01"
        )));
        assert!(!wants_html(&accept("*/*")));
        assert!(!wants_html(&HeaderMap::new()));
        assert!(!wants_html(&accept("application/hal+json, text/html")));
        assert!(wants_html(&accept("text/html, application/json")));
    }
}
