//! Status badges for READMEs and wikis, drawn by the broker itself as SVG.
//!
//! The OSS broker fetches its badges from shields.io (or redirects there); this one draws
//! them, so a badge works on a network with no way out and tells no outside service which
//! pacts exist. They look like shields.io's "flat" badges: the label on grey on the left,
//! the message on the right in the state's colour, with the OSS broker's words and colours
//! (`verified` brightgreen, `failed` red, `changed` orange, `unknown` lightgrey; `main to
//! production` green or red for can-i-deploy). Everything here but [`answer`] is a plain
//! function of its arguments.
//!
//! Badges answer whatever the `Accept` header says (an `<img>` sends `image/*`, a README
//! proxy sends anything), with `Cache-Control: no-cache` so they follow the verifications.
//! Under `PACT_BROKER_ENABLE_PUBLIC_BADGE_ACCESS` they are the only URLs readable without
//! credentials ([`is_badge_path`]).

use super::xml_escape;
use crate::api::{ApiError, Reply, Req};
use crate::domain::matrix::Verdict;
use crate::domain::query::{parse_query_pairs, LatestBy, MatrixQuery, MatrixSelector, Target};
use crate::domain::status::VerificationState;
use crate::Broker;
use bytes::Bytes;
use warp::http::{HeaderValue, Method, StatusCode};

/// A badge's background colour, by its shields.io name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Colour {
    /// Success: verified, deployable.
    BrightGreen,
    /// Failure: a failed verification, not deployable.
    Red,
    /// The pact changed since its last successful verification.
    Orange,
    /// Nothing known: never verified, not found.
    LightGrey,
}

impl Colour {
    /// The shields.io colour of that name, so the badges look like the ones teams know.
    pub(crate) fn hex(self) -> &'static str {
        match self {
            Colour::BrightGreen => "#4c1",
            Colour::Red => "#e05d44",
            Colour::Orange => "#fe7d37",
            Colour::LightGrey => "#9f9f9f",
        }
    }

    /// The OSS broker's colour for a verification state: every failure is red, pending or
    /// not, as its badges show it.
    pub(crate) fn of_state(state: VerificationState) -> Colour {
        match state {
            VerificationState::Verified => Colour::BrightGreen,
            VerificationState::Failed | VerificationState::FailedPending => Colour::Red,
            VerificationState::Changed => Colour::Orange,
            VerificationState::Unverified => Colour::LightGrey,
        }
    }
}

/// What a badge says: the label on the left, the message on the right in `colour`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Badge {
    /// The left text, on grey.
    pub label: String,
    /// The right text, on the colour.
    pub message: String,
    /// The right side's colour.
    pub colour: Colour,
}

/// The grey of the label side, shields.io's.
const LABEL_GREY: &str = "#555";

/// Horizontal padding on each side of a text, in pixels.
const PADDING: u32 = 5;

impl Badge {
    /// A badge saying `label` and `message`.
    pub(crate) fn new(
        label: impl Into<String>,
        message: impl Into<String>,
        colour: Colour,
    ) -> Badge {
        Badge {
            label: label.into(),
            message: message.into(),
            colour,
        }
    }

    /// The badge as a standalone SVG document, 20 px high, each side as wide as its text
    /// is estimated to be plus padding. Screen readers read the `aria-label` and a mouse
    /// over shows the `<title>`, both "label: message". Every text is escaped.
    pub(crate) fn svg(&self) -> String {
        let label_text = text_width(&self.label);
        let message_text = text_width(&self.message);
        let label_width = label_text + 2 * PADDING;
        let message_width = message_text + 2 * PADDING;
        let width = label_width + message_width;
        let title = xml_escape(&format!("{}: {}", self.label, self.message));
        let label = text(&self.label, label_width, 0, label_text);
        let message = text(&self.message, message_width, label_width, message_text);
        let colour = self.colour.hex();
        format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"20\" \
             role=\"img\" aria-label=\"{title}\"><title>{title}</title>\
             <linearGradient id=\"s\" x2=\"0\" y2=\"100%\">\
             <stop offset=\"0\" stop-color=\"#bbb\" stop-opacity=\".1\"/>\
             <stop offset=\"1\" stop-opacity=\".1\"/></linearGradient>\
             <clipPath id=\"r\"><rect width=\"{width}\" height=\"20\" rx=\"3\" fill=\"#fff\"/></clipPath>\
             <g clip-path=\"url(#r)\">\
             <rect width=\"{label_width}\" height=\"20\" fill=\"{LABEL_GREY}\"/>\
             <rect x=\"{label_width}\" width=\"{message_width}\" height=\"20\" fill=\"{colour}\"/>\
             <rect width=\"{width}\" height=\"20\" fill=\"url(#s)\"/></g>\
             <g fill=\"#fff\" text-anchor=\"middle\" \
             font-family=\"Verdana,Geneva,DejaVu Sans,sans-serif\" \
             text-rendering=\"geometricPrecision\" font-size=\"110\">{label}{message}</g></svg>\n"
        )
    }
}

/// One side's text, centred in its `width` starting at `x`, drawn twice: a faint shadow a
/// pixel lower, then the text. Coordinates are in tenths of a pixel (the group is scaled
/// by .1) so the centre needs no fractions; `textLength` squeezes or stretches the text to
/// the estimated width, so an estimate that is off never overflows the badge.
fn text(content: &str, width: u32, x: u32, text_width: u32) -> String {
    let centre = x * 10 + width * 5;
    let length = text_width * 10;
    let t = xml_escape(content);
    format!(
        "<text aria-hidden=\"true\" x=\"{centre}\" y=\"150\" fill=\"#010101\" \
         fill-opacity=\".3\" transform=\"scale(.1)\" textLength=\"{length}\">{t}</text>\
         <text x=\"{centre}\" y=\"140\" transform=\"scale(.1)\" fill=\"#fff\" \
         textLength=\"{length}\">{t}</text>"
    )
}

/// The advance widths of ASCII `' '..='~'` in Verdana at 11 px, in hundredths of a pixel:
/// the font shields.io measures with, and the first of the badge's font list.
const ASCII_WIDTHS: [u16; 95] = [
    387, 443, 571, 901, 700, 1275, 804, 325, 549, 549, 700, 901, 400, 466, 400,
    669, // ' '..'/'
    700, 700, 700, 700, 700, 700, 700, 700, 700, 700, // '0'..'9'
    466, 466, 901, 901, 901, 597, 1100, // ':'..'@'
    752, 755, 768, 847, 695, 633, 852, 827, 463, 503, 762, 612, 928, // 'A'..'M'
    823, 866, 664, 866, 765, 752, 678, 805, 752, 1088, 754, 677, 754, // 'N'..'Z'
    549, 669, 549, 901, 700, 700, // '['..'`'
    660, 685, 573, 685, 655, 387, 685, 696, 303, 377, 651, 303, 1070, // 'a'..'m'
    696, 668, 685, 685, 469, 573, 433, 696, 651, 894, 651, 651, 584, // 'n'..'z'
    698, 549, 698, 901, // '{'..'~'
];

/// The estimated width of `s` in Verdana at 11 px, in whole pixels (rounded up). Outside
/// ASCII: nothing for combining marks, a full em for the wide East Asian scripts, and an
/// average letter for the rest.
pub(crate) fn text_width(s: &str) -> u32 {
    let hundredths: u32 = s
        .chars()
        .map(|c| match c {
            ' '..='~' => u32::from(ASCII_WIDTHS[c as usize - ' ' as usize]),
            '\u{0300}'..='\u{036f}' | '\u{200b}'..='\u{200f}' => 0,
            '\u{1100}'..='\u{115f}'
            | '\u{2e80}'..='\u{a4cf}'
            | '\u{ac00}'..='\u{d7a3}'
            | '\u{f900}'..='\u{faff}'
            | '\u{fe30}'..='\u{fe4f}'
            | '\u{ff00}'..='\u{ff60}'
            | '\u{ffe0}'..='\u{ffe6}'
            | '\u{1f300}'..='\u{1faff}'
            | '\u{20000}'..='\u{3fffd}' => 1100,
            _ => 700,
        })
        .sum();
    hundredths.div_ceil(100)
}

/// What the query string of a badge asks for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct BadgeOptions {
    /// `?label=`: for a pact badge, `consumer` or `provider` names only that side; for a
    /// can-i-deploy badge, the label itself. Empty is absent.
    pub label: Option<String>,
    /// `?initials=true`: names abbreviated to their initials.
    pub initials: bool,
}

impl BadgeOptions {
    /// The options of a raw query string.
    pub(crate) fn parse(query: &str) -> BadgeOptions {
        let pairs = parse_query_pairs(query);
        let first = |name: &str| {
            pairs
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.as_str())
        };
        BadgeOptions {
            label: first("label").filter(|v| !v.is_empty()).map(str::to_string),
            initials: first("initials") == Some("true"),
        }
    }
}

/// The separators the initials of a name are taken between: ASCII white space, `_`, `-`.
fn is_separator(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r' | '\x0b' | '\x0c' | '_' | '-')
}

/// `parts` without the empty ones at the end, as splitting a name keeps them only before
/// and between words: `"-web"` has two parts (so initials), `"web-"` one.
fn trimmed(mut parts: Vec<&str>) -> Vec<&str> {
    while parts.last().is_some_and(|p| p.is_empty()) {
        parts.pop();
    }
    parts
}

/// The words of a name written in one camelCase or PascalCase word: a boundary before an
/// upper-case letter that follows a lower-case letter or digit (`fooBar`, `v2Api`), or
/// that starts a word after an acronym (`HTTPServer` is `HTTP` and `Server`).
fn camel_words(name: &str) -> Vec<String> {
    let chars: Vec<char> = name.chars().collect();
    let mut words = vec![String::new()];
    for (i, &c) in chars.iter().enumerate() {
        let previous = i.checked_sub(1).map(|p| chars[p]);
        let next = chars.get(i + 1).copied();
        let boundary = c.is_ascii_uppercase()
            && match previous {
                Some(p) if p.is_ascii_lowercase() || p.is_ascii_digit() => true,
                Some(p) if p.is_ascii_uppercase() => next.is_some_and(|n| n.is_ascii_lowercase()),
                _ => false,
            };
        if boundary {
            words.push(String::new());
        }
        if c == '-' || c == '_' {
            words.push(String::new());
        } else if let Some(w) = words.last_mut() {
            w.push(c);
        }
    }
    while words.last().is_some_and(String::is_empty) {
        words.pop();
    }
    words
}

/// A name as a pact badge shows it, lower-cased as the OSS broker does, with `tag` after
/// it in brackets. With `initials`, a name of several words (space, kebab, snake or
/// camel case) becomes their first letters: `Foo-Bar` `fb`, `doAThing` `dat`; a
/// one-word name stays whole.
pub(crate) fn badge_name(name: &str, initials: bool, tag: Option<&str>) -> String {
    let mut shown = name.to_lowercase();
    if initials {
        let parts = trimmed(name.split(is_separator).collect());
        let letters: Option<String> = if parts.len() > 1 {
            Some(parts.iter().filter_map(|p| p.chars().next()).collect())
        } else {
            let words = camel_words(name);
            (words.len() > 1).then(|| words.iter().filter_map(|w| w.chars().next()).collect())
        };
        if let Some(letters) = letters {
            shown = letters.to_lowercase();
        }
    }
    match tag {
        Some(tag) => format!("{shown} ({})", tag.to_lowercase()),
        None => shown,
    }
}

/// The label of a pact badge, "consumer/provider pact" by default; `?label=consumer` or
/// `provider` (any case) names only that side, and any other label is ignored, as in the
/// OSS broker. The matrix badge passes the tags, shown after each name.
pub(crate) fn pact_label(
    consumer: &str,
    provider: &str,
    options: &BadgeOptions,
    tags: Option<(&str, &str)>,
) -> String {
    let consumer = badge_name(consumer, options.initials, tags.map(|t| t.0));
    let provider = badge_name(provider, options.initials, tags.map(|t| t.1));
    let side = options.label.as_deref().map(str::to_lowercase);
    let names = match side.as_deref() {
        Some("consumer") => consumer,
        Some("provider") => provider,
        _ => format!("{consumer}/{provider}"),
    };
    format!("{names} pact")
}

/// A pact badge: the pair's label and its state's word and colour.
pub(crate) fn pact_badge(
    consumer: &str,
    provider: &str,
    options: &BadgeOptions,
    tags: Option<(&str, &str)>,
    state: VerificationState,
) -> Badge {
    Badge::new(
        pact_label(consumer, provider, options, tags),
        state.badge_text(),
        Colour::of_state(state),
    )
}

/// The badge of a pair without a pact (an unknown consumer, provider or tag): a grey
/// "unknown" rather than a 404, so a README shows a badge before the first publication.
pub(crate) fn pact_not_found() -> Badge {
    Badge::new("pact not found", "unknown", Colour::LightGrey)
}

/// The state the matrix badge shows, as the OSS broker decides it from the latest tagged
/// pact's content and the latest verification of the tagged pacts by the tagged provider
/// (its content sha and outcome): none is unknown; a failure is failed; a success of this
/// very content is verified, of an earlier content changed.
pub(crate) fn matrix_state(
    latest_sha: &str,
    verification: Option<(&str, bool)>,
) -> VerificationState {
    match verification {
        None => VerificationState::Unverified,
        Some((_, false)) => VerificationState::Failed,
        Some((sha, true)) if sha == latest_sha => VerificationState::Verified,
        Some((_, true)) => VerificationState::Changed,
    }
}

/// A can-i-deploy badge: "can-i-deploy" (or `?label=`) and "`from` to `to`", green when
/// the verdict is deployable and red otherwise (an unknown verdict does not deploy).
pub(crate) fn can_i_deploy_badge(
    label: Option<&str>,
    from: &str,
    to: &str,
    deployable: bool,
) -> Badge {
    Badge::new(
        label.unwrap_or("can-i-deploy"),
        format!("{from} to {to}"),
        if deployable {
            Colour::BrightGreen
        } else {
            Colour::Red
        },
    )
}

/// The badge for a can-i-deploy question that names something missing ("branch", say).
pub(crate) fn not_found(what: &str) -> Badge {
    Badge::new(what, "not found", Colour::LightGrey)
}

/// A badge URL, its path parsed: the one list of badge routes, which both serving and the
/// public-badge-access rule read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum BadgeRoute<'a> {
    /// `/pacts/provider/{p}/consumer/{c}/latest[/{tag}]/badge`: the latest pact (with the
    /// tag) and its latest verification.
    Pact {
        /// The provider's name.
        provider: &'a str,
        /// The consumer's name.
        consumer: &'a str,
        /// The consumer version tag, if any.
        tag: Option<&'a str>,
    },
    /// `/matrix/provider/{p}/latest/{ptag}/consumer/{c}/latest/{ctag}/badge`: the latest
    /// pact of a consumer version tagged `ctag`, verified by a provider version tagged
    /// `ptag`.
    Matrix {
        /// The provider's name.
        provider: &'a str,
        /// The provider version tag.
        provider_tag: &'a str,
        /// The consumer's name.
        consumer: &'a str,
        /// The consumer version tag.
        consumer_tag: &'a str,
    },
    /// `/pacticipants/{p}/branches/{b}/latest-version/can-i-deploy/to-environment/{e}/badge`.
    CanIDeployBranch {
        /// The pacticipant's name.
        pacticipant: &'a str,
        /// The branch whose latest version is asked about.
        branch: &'a str,
        /// The environment's name.
        environment: &'a str,
    },
    /// `/pacticipants/{p}/latest-version/{tag}/can-i-deploy/to/{to}/badge`: the older form,
    /// from a tag to the versions with another tag.
    CanIDeployTag {
        /// The pacticipant's name.
        pacticipant: &'a str,
        /// The tag whose latest version is asked about.
        tag: &'a str,
        /// The tag of the versions it would be deployed with.
        to: &'a str,
    },
}

impl<'a> BadgeRoute<'a> {
    /// The badge a path's decoded segments name, if any; the last segment is `badge` or
    /// `badge.svg`.
    pub(crate) fn parse(segments: &'a [String]) -> Option<BadgeRoute<'a>> {
        let s: Vec<&str> = segments.iter().map(String::as_str).collect();
        let (last, path) = s.split_last()?;
        if !matches!(*last, "badge" | "badge.svg") {
            return None;
        }
        Some(match *path {
            ["pacts", "provider", provider, "consumer", consumer, "latest"] => BadgeRoute::Pact {
                provider,
                consumer,
                tag: None,
            },
            ["pacts", "provider", provider, "consumer", consumer, "latest", tag] => {
                BadgeRoute::Pact {
                    provider,
                    consumer,
                    tag: Some(tag),
                }
            }
            ["matrix", "provider", provider, "latest", provider_tag, "consumer", consumer, "latest", consumer_tag] => {
                BadgeRoute::Matrix {
                    provider,
                    provider_tag,
                    consumer,
                    consumer_tag,
                }
            }
            ["pacticipants", pacticipant, "branches", branch, "latest-version", "can-i-deploy", "to-environment", environment] => {
                BadgeRoute::CanIDeployBranch {
                    pacticipant,
                    branch,
                    environment,
                }
            }
            ["pacticipants", pacticipant, "latest-version", tag, "can-i-deploy", "to", to] => {
                BadgeRoute::CanIDeployTag {
                    pacticipant,
                    tag,
                    to,
                }
            }
            _ => return None,
        })
    }
}

/// Whether a request is for a badge: a `GET` of a [`BadgeRoute`]. The one rule that
/// `PACT_BROKER_ENABLE_PUBLIC_BADGE_ACCESS` opens to requests without credentials.
pub(crate) fn is_badge_path(method: &Method, segments: &[String]) -> bool {
    method == Method::GET && BadgeRoute::parse(segments).is_some()
}

/// Answers a badge request (see [`is_badge_path`]); a database failure is a grey "error"
/// badge with the API's status, so an `<img>` still shows something.
pub(crate) async fn answer(b: &Broker, req: &Req) -> Reply {
    let Some(route) = BadgeRoute::parse(&req.segments) else {
        return ApiError::NotFound(format!("No badge at /{}", req.segments.join("/"))).reply();
    };
    let options = BadgeOptions::parse(&req.query);
    match badge(b, &route, &options).await {
        Ok(badge) => svg(StatusCode::OK, &badge),
        Err(e) => error_badge(e),
    }
}

/// The badge a route shows, read from the store.
async fn badge(
    b: &Broker,
    route: &BadgeRoute<'_>,
    options: &BadgeOptions,
) -> Result<Badge, ApiError> {
    match *route {
        BadgeRoute::Pact {
            provider,
            consumer,
            tag,
        } => {
            let summaries = b
                .store()
                .integration_summaries(tag, Some((consumer, provider)))
                .await?;
            let found = summaries
                .iter()
                .find(|s| s.integration.consumer == consumer && s.integration.provider == provider);
            Ok(match found {
                Some(s) => pact_badge(
                    &s.integration.consumer,
                    &s.integration.provider,
                    options,
                    None,
                    s.state(),
                ),
                None => pact_not_found(),
            })
        }
        BadgeRoute::Matrix {
            provider,
            provider_tag,
            consumer,
            consumer_tag,
        } => {
            let Some(pact) = b
                .store()
                .latest_pact(provider, consumer, Some(consumer_tag))
                .await?
            else {
                return Ok(pact_not_found());
            };
            let verification = b
                .store()
                .latest_tagged_verification(provider, consumer, consumer_tag, provider_tag)
                .await?;
            let state = matrix_state(
                &pact.sha,
                verification.as_ref().map(|(sha, ok)| (sha.as_str(), *ok)),
            );
            Ok(pact_badge(
                &pact.consumer,
                &pact.provider,
                options,
                Some((consumer_tag, provider_tag)),
                state,
            ))
        }
        BadgeRoute::CanIDeployBranch {
            pacticipant,
            branch,
            environment,
        } => {
            let selector = MatrixSelector {
                pacticipant: pacticipant.to_string(),
                branch: Some(branch.to_string()),
                latest: true,
                ..MatrixSelector::default()
            };
            let Some(p) = b.store().pacticipant(pacticipant).await? else {
                return Ok(not_found("pacticipant"));
            };
            if b.store()
                .matrix_selector_versions(p.id, &selector)
                .await?
                .is_empty()
            {
                return Ok(not_found("branch"));
            }
            if b.store().environment_by_name(environment).await?.is_none() {
                return Ok(not_found("environment"));
            }
            // Every version deployed there counts, not only the newest: as the CLI's
            // `--to-environment` asks.
            let verdict = can_i_deploy(
                b,
                selector,
                Target::Environment(environment.to_string()),
                LatestBy::Cvpv,
            )
            .await?;
            Ok(can_i_deploy_badge(
                options.label.as_deref(),
                branch,
                environment,
                verdict.summary.deployable == Some(true),
            ))
        }
        BadgeRoute::CanIDeployTag {
            pacticipant,
            tag,
            to,
        } => {
            if b.store().pacticipant(pacticipant).await?.is_none() {
                return Ok(not_found("pacticipant"));
            }
            if b.store()
                .latest_version(pacticipant, Some(tag))
                .await?
                .is_none()
            {
                return Ok(not_found("version"));
            }
            let selector = MatrixSelector {
                pacticipant: pacticipant.to_string(),
                tag: Some(tag.to_string()),
                latest: true,
                ..MatrixSelector::default()
            };
            let target = Target::Tag {
                name: to.to_string(),
                latest: true,
            };
            let verdict = can_i_deploy(b, selector, target, LatestBy::Cvp).await?;
            Ok(can_i_deploy_badge(
                options.label.as_deref(),
                tag,
                to,
                verdict.summary.deployable == Some(true),
            ))
        }
    }
}

/// The verdict of can-i-deploy for one selector and target, by the one evaluation behind
/// `/matrix`, `/can-i-deploy` and the dashboard, so a badge never disagrees with the CLI.
async fn can_i_deploy(
    b: &Broker,
    selector: MatrixSelector,
    target: Target,
    latestby: LatestBy,
) -> Result<Verdict, ApiError> {
    let query = MatrixQuery {
        selectors: vec![selector],
        latestby: Some(latestby),
        target: Some(target),
        ..MatrixQuery::default()
    };
    Ok(crate::api::matrix::answer(b, &query).await?.verdict)
}

/// An SVG reply.
fn svg(status: StatusCode, badge: &Badge) -> Reply {
    let mut r = Reply::new(Bytes::from(badge.svg()));
    *r.status_mut() = status;
    let h = r.headers_mut();
    h.insert("Content-Type", HeaderValue::from_static("image/svg+xml"));
    h.insert("Cache-Control", HeaderValue::from_static("no-cache"));
    h.insert(
        "X-Content-Type-Options",
        HeaderValue::from_static("nosniff"),
    );
    // A badge opened on its own is a document: it may load and run nothing.
    h.insert(
        "Content-Security-Policy",
        HeaderValue::from_static("default-src 'none'"),
    );
    r
}

/// The badge for a failure to answer: the API's status (and `Retry-After`), logged as the
/// API logs it.
fn error_badge(e: ApiError) -> Reply {
    let api = e.reply();
    let message = if api.status() == StatusCode::SERVICE_UNAVAILABLE {
        "database unavailable"
    } else {
        "see the broker log"
    };
    let mut r = svg(
        api.status(),
        &Badge::new("error", message, Colour::LightGrey),
    );
    if let Some(retry) = api.headers().get("Retry-After") {
        r.headers_mut().insert("Retry-After", retry.clone());
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts(label: Option<&str>, initials: bool) -> BadgeOptions {
        BadgeOptions {
            label: label.map(str::to_string),
            initials,
        }
    }

    fn segments(path: &str) -> Vec<String> {
        path.split('/')
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect()
    }

    /// The value of attribute `name` on the first element `element` of `svg`.
    fn attribute<'a>(svg: &'a str, element: &str, name: &str) -> &'a str {
        let start = svg.find(&format!("<{element} ")).expect(element);
        let tag = &svg[start..start + svg[start..].find('>').unwrap()];
        let at = tag.find(&format!(" {name}=\"")).expect(name) + name.len() + 3;
        &tag[at..at + tag[at..].find('"').unwrap()]
    }

    #[test]
    fn a_badge_is_label_on_grey_and_message_on_the_colour() {
        let svg = Badge::new("foo/bar pact", "verified", Colour::BrightGreen).svg();
        assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
        assert!(
            svg.contains("<title>foo/bar pact: verified</title>"),
            "{svg}"
        );
        assert_eq!(attribute(&svg, "svg", "role"), "img");
        assert_eq!(
            attribute(&svg, "svg", "aria-label"),
            "foo/bar pact: verified"
        );
        assert!(svg.contains("fill=\"#555\"/><rect x="), "{svg}");
        assert!(svg.contains("fill=\"#4c1\""), "{svg}");
        assert_eq!(svg.matches(">foo/bar pact</text>").count(), 2);
        assert_eq!(svg.matches(">verified</text>").count(), 2);
        assert!(!svg.contains("<script"));
    }

    #[test]
    fn the_sides_are_as_wide_as_their_texts() {
        let svg = Badge::new("pact", "verified", Colour::Red).svg();
        let label = text_width("pact") + 10;
        let message = text_width("verified") + 10;
        assert_eq!(
            attribute(&svg, "svg", "width"),
            (label + message).to_string()
        );
        assert_eq!(
            attribute(&svg, "rect", "width"),
            (label + message).to_string()
        );
        assert!(
            svg.contains(&format!(
                "<rect x=\"{label}\" width=\"{message}\" height=\"20\" fill=\"#e05d44\"/>"
            )),
            "{svg}"
        );
        // Centred, in tenths of a pixel.
        assert!(
            svg.contains(&format!("x=\"{}\" y=\"140\"", label * 5)),
            "{svg}"
        );
        assert!(
            svg.contains(&format!("x=\"{}\" y=\"140\"", label * 10 + message * 5)),
            "{svg}"
        );
        assert!(svg.contains(&format!("textLength=\"{}\"", text_width("verified") * 10)));
    }

    #[test]
    fn widths_follow_the_font() {
        assert_eq!(text_width(""), 0);
        // 6.60 + 3.03 + 3.03: rounded up.
        assert_eq!(text_width("ail"), 13);
        assert!(text_width("mmmm") > text_width("iiii") * 3);
        assert!(text_width("WIDE") > text_width("wide"));
        assert_eq!(text_width("e\u{301}"), text_width("e"));
        assert_eq!(text_width("契約"), 22);
        assert_eq!(text_width("é"), 7);
        assert_eq!(text_width("verified"), 42);
    }

    #[test]
    fn every_text_is_escaped() {
        let svg = Badge::new("<a href=\"x\">&'", "\u{1}ok</text><script>", Colour::Orange).svg();
        assert!(!svg.contains("<script>"), "{svg}");
        assert!(!svg.contains("<a "), "{svg}");
        assert!(
            svg.contains("&lt;a href=&quot;x&quot;&gt;&amp;&#39;"),
            "{svg}"
        );
        assert!(
            svg.contains("\u{fffd}ok&lt;/text&gt;&lt;script&gt;"),
            "{svg}"
        );
        assert!(!svg.contains('\u{1}'));
        assert_eq!(
            attribute(&svg, "svg", "aria-label"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;: \u{fffd}ok&lt;/text&gt;&lt;script&gt;"
        );
        // Measured as shown, not as escaped.
        let plain = Badge::new("&", "x", Colour::Orange).svg();
        assert_eq!(
            attribute(&plain, "rect", "width"),
            (text_width("&") + text_width("x") + 20).to_string()
        );
    }

    #[test]
    fn states_have_the_oss_words_and_colours() {
        let cases = [
            (VerificationState::Verified, "verified", "#4c1"),
            (VerificationState::Failed, "failed", "#e05d44"),
            (VerificationState::FailedPending, "failed", "#e05d44"),
            (VerificationState::Changed, "changed", "#fe7d37"),
            (VerificationState::Unverified, "unknown", "#9f9f9f"),
        ];
        for (state, word, hex) in cases {
            let b = pact_badge("Foo", "Bar", &BadgeOptions::default(), None, state);
            assert_eq!(
                (b.label.as_str(), b.message.as_str(), b.colour.hex()),
                ("foo/bar pact", word, hex)
            );
        }
        assert_eq!(
            pact_not_found(),
            Badge::new("pact not found", "unknown", Colour::LightGrey)
        );
    }

    #[test]
    fn the_label_names_both_sides_or_the_one_asked_for() {
        let (c, p) = ("Foo-Bar", "Thing_Blah");
        let label = |l: Option<&str>, i: bool| pact_label(c, p, &opts(l, i), None);
        assert_eq!(label(None, false), "foo-bar/thing_blah pact");
        assert_eq!(label(None, true), "fb/tb pact");
        assert_eq!(label(Some("consumer"), false), "foo-bar pact");
        assert_eq!(label(Some("consumer"), true), "fb pact");
        assert_eq!(label(Some("Provider"), false), "thing_blah pact");
        assert_eq!(label(Some("provider"), true), "tb pact");
        // Any other label is not shown: the pact badge's label only chooses the side.
        assert_eq!(label(Some("my <label>"), false), "foo-bar/thing_blah pact");
        assert_eq!(
            pact_label(c, p, &opts(None, false), Some(("prod", "Master"))),
            "foo-bar (prod)/thing_blah (master) pact"
        );
        assert_eq!(
            pact_label(c, p, &opts(None, true), Some(("prod", "master"))),
            "fb (prod)/tb (master) pact"
        );
    }

    #[test]
    fn initials_follow_the_oss_rules() {
        let cases = [
            ("Foo", "foo"),
            ("FooApp", "fa"),
            ("barProvider", "bp"),
            ("doAThing", "dat"),
            ("HTTPServer", "hs"),
            ("ABC", "abc"),
            ("v2Api", "va"),
            ("Pricing Service", "ps"),
            ("pricing-service-api", "psa"),
            ("order_history", "oh"),
            ("Foo--Bar", "fb"),
            ("-Foo", "f"),
            ("Foo-", "foo-"),
            ("FooBar-", "fb"),
            ("", ""),
            ("Ünïcode Name", "ün"),
        ];
        for (name, expected) in cases {
            assert_eq!(badge_name(name, true, None), expected, "{name}");
        }
        assert_eq!(badge_name("FooApp", false, None), "fooapp");
        assert_eq!(badge_name("FooApp", true, Some("Prod")), "fa (prod)");
    }

    #[test]
    fn options_come_from_the_query() {
        assert_eq!(BadgeOptions::parse(""), BadgeOptions::default());
        assert_eq!(
            BadgeOptions::parse("label=consumer&initials=true"),
            opts(Some("consumer"), true)
        );
        assert_eq!(
            BadgeOptions::parse("label=&initials=yes"),
            opts(None, false)
        );
        assert_eq!(
            BadgeOptions::parse("label=my+custom%20label"),
            opts(Some("my custom label"), false)
        );
    }

    #[test]
    fn the_matrix_badge_compares_the_verified_content_with_the_latest() {
        use VerificationState::*;
        assert_eq!(matrix_state("a", None), Unverified);
        assert_eq!(matrix_state("a", Some(("a", true))), Verified);
        assert_eq!(matrix_state("b", Some(("a", true))), Changed);
        assert_eq!(matrix_state("a", Some(("a", false))), Failed);
        assert_eq!(matrix_state("b", Some(("a", false))), Failed);
    }

    #[test]
    fn can_i_deploy_badges_say_from_and_to() {
        assert_eq!(
            can_i_deploy_badge(None, "main", "production", true),
            Badge::new("can-i-deploy", "main to production", Colour::BrightGreen)
        );
        assert_eq!(
            can_i_deploy_badge(Some("web"), "main", "production", false),
            Badge::new("web", "main to production", Colour::Red)
        );
        assert_eq!(
            not_found("branch"),
            Badge::new("branch", "not found", Colour::LightGrey)
        );
    }

    #[test]
    fn badge_paths_are_recognised_and_nothing_else() {
        let route = |p: &str| BadgeRoute::parse(&segments(p)).map(|r| format!("{r:?}"));
        let p = segments("/pacts/provider/Bar/consumer/Foo/latest/badge");
        assert_eq!(
            BadgeRoute::parse(&p),
            Some(BadgeRoute::Pact {
                provider: "Bar",
                consumer: "Foo",
                tag: None
            })
        );
        let p = segments("/pacts/provider/Bar/consumer/Foo/latest/prod/badge.svg");
        assert_eq!(
            BadgeRoute::parse(&p),
            Some(BadgeRoute::Pact {
                provider: "Bar",
                consumer: "Foo",
                tag: Some("prod")
            })
        );
        let p = segments("/matrix/provider/Bar/latest/main/consumer/Foo/latest/prod/badge");
        assert_eq!(
            BadgeRoute::parse(&p),
            Some(BadgeRoute::Matrix {
                provider: "Bar",
                provider_tag: "main",
                consumer: "Foo",
                consumer_tag: "prod"
            })
        );
        let p = segments(
            "/pacticipants/Foo/branches/main/latest-version/can-i-deploy/to-environment/production/badge",
        );
        assert_eq!(
            BadgeRoute::parse(&p),
            Some(BadgeRoute::CanIDeployBranch {
                pacticipant: "Foo",
                branch: "main",
                environment: "production"
            })
        );
        let p = segments("/pacticipants/Foo/latest-version/main/can-i-deploy/to/prod/badge.svg");
        assert_eq!(
            BadgeRoute::parse(&p),
            Some(BadgeRoute::CanIDeployTag {
                pacticipant: "Foo",
                tag: "main",
                to: "prod"
            })
        );
        for other in [
            "/",
            "/badge",
            "/pacts/provider/Bar/consumer/Foo/latest",
            "/pacts/provider/Bar/consumer/Foo/latest/prod",
            "/pacts/provider/Bar/consumer/Foo/version/1/badge",
            "/pacts/provider/Bar/consumer/Foo/latest/badge/extra",
            "/pacts/provider/Bar/consumer/Foo/latest/badge.png",
            "/pacticipants/Foo/badge",
            "/pacticipants/Foo/branches/main/latest-version/can-i-deploy/to-environment/production",
            "/matrix/badge",
            "/ui/style.css",
        ] {
            assert_eq!(route(other), None, "{other}");
            assert!(!is_badge_path(&Method::GET, &segments(other)), "{other}");
        }
        let badge = segments("/pacts/provider/Bar/consumer/Foo/latest/badge");
        assert!(is_badge_path(&Method::GET, &badge));
        for method in [Method::POST, Method::PUT, Method::DELETE, Method::PATCH] {
            assert!(!is_badge_path(&method, &badge), "{method}");
        }
    }
}
