//! Where pacts to verify come from: files, directories, URLs and a Pact Broker.

use super::VerifierError;
use crate::broker::{Auth, BrokerClient, FetchedPact, PactsForVerificationRequest};
use pact_core::model::{read_pact, read_pact_bytes, Pact};
use serde_json::Value;
use std::path::{Path, PathBuf};

/// One place to read pacts from. Its `Debug` shows URLs without their credentials.
#[derive(Clone)]
pub enum PactSource {
    /// A pact file.
    File(PathBuf),
    /// Every pact file (`*.json`) in a directory whose provider is the one verified.
    Dir(PathBuf),
    /// A pact at a URL (a broker's pact URL publishes results when asked to).
    Url {
        /// The URL.
        url: String,
        /// Credentials, if the server needs them.
        auth: Option<Auth>,
    },
    /// The pacts a Pact Broker selects for this provider.
    Broker(BrokerSource),
    /// A pact given as text (`name` is used in messages).
    Json {
        /// What to call it in messages.
        name: String,
        /// The pact JSON.
        text: String,
    },
}

/// The pacts-for-verification query to a broker. Its `Debug` shows the URL without
/// credentials.
#[derive(Clone, Default)]
pub struct BrokerSource {
    /// The broker's base URL.
    pub url: String,
    /// Credentials.
    pub auth: Option<Auth>,
    /// Consumer version selectors (`{"mainBranch": true}`, `{"deployedOrReleased": true}`...).
    pub selectors: Vec<Value>,
    /// Consumer version tags (each becomes `{"tag": t, "latest": true}`).
    pub consumer_version_tags: Vec<String>,
    /// Ask the broker which pacts are pending.
    pub enable_pending: bool,
    /// Include work-in-progress pacts published since this date (`2026-01-01`). WIP pacts
    /// are pending: this asks for pending status too, and a WIP pact's failures never fail
    /// the run.
    pub include_wip_pacts_since: Option<String>,
    /// The provider's branch (for pending and WIP calculations).
    pub provider_branch: Option<String>,
    /// The provider version's tags.
    pub provider_tags: Vec<String>,
}

impl PactSource {
    /// The source a pact location names, as the Ruby verifier's `--pact-url` reads it: an
    /// `http(s)` URL (fetched with `auth`), a `file:` URL or a local path.
    ///
    /// ```
    /// use pact_runtime::verifier::PactSource;
    /// assert!(matches!(PactSource::from_location("https://broker/pacts/x", None), Ok(PactSource::Url { .. })));
    /// assert!(matches!(PactSource::from_location("file:///tmp/a.json", None), Ok(PactSource::File(p)) if p.ends_with("a.json")));
    /// assert!(matches!(PactSource::from_location("pacts/a.json", None), Ok(PactSource::File(_))));
    /// assert!(PactSource::from_location("ftp://host/a.json", None).is_err());
    /// let broken = PactSource::from_location("https://user:secret@/pacts/x", None).unwrap_err();
    /// assert!(!broken.to_string().contains("secret"), "{broken}");
    /// ```
    pub fn from_location(location: &str, auth: Option<Auth>) -> Result<PactSource, VerifierError> {
        let invalid = |reason: &str| VerifierError::Location {
            location: without_userinfo(location),
            reason: reason.to_string(),
        };
        match reqwest::Url::parse(location) {
            Ok(url) if matches!(url.scheme(), "http" | "https") => Ok(PactSource::Url {
                url: location.to_string(),
                auth,
            }),
            Ok(url) if url.scheme() == "file" => url
                .to_file_path()
                .map(PactSource::File)
                .map_err(|()| invalid("not a file URL of this machine (file:///absolute/path)")),
            // A Windows path (`C:\pacts\a.json`) parses with a one-letter scheme.
            Ok(url) if url.scheme().len() > 1 => Err(invalid(&format!(
                "the scheme {:?} is not supported (http, https, file, or a local path)",
                url.scheme()
            ))),
            // `scheme://` that does not parse is a broken URL, not a file name.
            Err(e) if location.contains("://") => Err(invalid(&e.to_string())),
            _ => Ok(PactSource::File(PathBuf::from(location))),
        }
    }
}

impl PactSource {
    /// Drops this URL source's credentials unless its URL has the scheme, host and port of
    /// `origin` (the broker's URL, say), so credentials meant for one server never go to
    /// another; true when it dropped them.
    ///
    /// ```
    /// use pact_runtime::broker::Auth;
    /// use pact_runtime::verifier::PactSource;
    /// let source = |url: &str| PactSource::Url { url: url.into(), auth: Some(Auth::bearer("t")) };
    /// let mut same = source("https://broker.example/pacts/a");
    /// assert!(!same.restrict_credentials("https://broker.example"));
    /// let mut other = source("https://elsewhere.example/pact.json");
    /// assert!(other.restrict_credentials("https://broker.example"));
    /// assert!(matches!(other, PactSource::Url { auth: None, .. }));
    /// ```
    pub fn restrict_credentials(&mut self, origin: &str) -> bool {
        let PactSource::Url { url, auth } = self else {
            return false;
        };
        let origin_of = |u: &str| reqwest::Url::parse(u).ok().map(|u| u.origin());
        let same = matches!((origin_of(url), origin_of(origin)), (Some(a), Some(b)) if a == b);
        if auth.is_some() && !same {
            *auth = None;
            return true;
        }
        false
    }
}

impl std::fmt::Debug for PactSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PactSource::File(p) => f.debug_tuple("File").field(p).finish(),
            PactSource::Dir(p) => f.debug_tuple("Dir").field(p).finish(),
            PactSource::Url { url, auth } => f
                .debug_struct("Url")
                .field("url", &without_userinfo(url))
                .field("auth", auth)
                .finish(),
            PactSource::Broker(b) => f.debug_tuple("Broker").field(b).finish(),
            PactSource::Json { name, .. } => f
                .debug_struct("Json")
                .field("name", name)
                .finish_non_exhaustive(),
        }
    }
}

impl std::fmt::Debug for BrokerSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BrokerSource")
            .field("url", &without_userinfo(&self.url))
            .field("auth", &self.auth)
            .field("selectors", &self.selectors)
            .field("consumer_version_tags", &self.consumer_version_tags)
            .field("enable_pending", &self.enable_pending)
            .field("include_wip_pacts_since", &self.include_wip_pacts_since)
            .field("provider_branch", &self.provider_branch)
            .field("provider_tags", &self.provider_tags)
            .finish()
    }
}

/// A pact from a broker: the client that fetched it, to publish the result with.
pub(crate) struct BrokerPact {
    pub(crate) client: BrokerClient,
    pub(crate) pact: FetchedPact,
}

/// A pact read from a source, with what the broker said about it.
pub(crate) struct LoadedPact {
    pub(crate) name: String,
    pub(crate) pact: Pact,
    pub(crate) pending: bool,
    pub(crate) notices: Vec<String>,
    /// What the broker listed it with, for the notices to show after verifying.
    pub(crate) listed: Option<crate::broker::PactForVerification>,
    pub(crate) broker: Option<BrokerPact>,
}

fn local(name: String, pact: Pact) -> LoadedPact {
    LoadedPact {
        name,
        pact,
        pending: false,
        notices: Vec::new(),
        listed: None,
        broker: None,
    }
}

fn pact_error(name: &str, e: impl std::error::Error + Send + Sync + 'static) -> VerifierError {
    VerifierError::Pact {
        source_name: name.to_string(),
        source: Box::new(e),
    }
}

fn read_file(path: &Path) -> Result<LoadedPact, VerifierError> {
    let name = path.display().to_string();
    let text = std::fs::read(path).map_err(|e| pact_error(&name, e))?;
    let pact = read_pact_bytes(&text, &name).map_err(|e| pact_error(&name, e))?;
    Ok(local(name, pact))
}

fn from_fetched(client: BrokerClient, fetched: FetchedPact) -> Result<LoadedPact, VerifierError> {
    let bytes = serde_json::to_vec(&fetched.json).unwrap_or_default();
    let pact = read_pact_bytes(&bytes, &fetched.url).map_err(|e| pact_error(&fetched.url, e))?;
    Ok(LoadedPact {
        name: fetched.url.clone(),
        pact,
        pending: false,
        notices: Vec::new(),
        listed: None,
        broker: fetched.publish_url.is_some().then_some(BrokerPact {
            client,
            pact: fetched,
        }),
    })
}

/// `url` without its credentials, to name it in messages; one that does not parse loses
/// whatever stands between `://` and an `@` before the path, in case it is credentials.
///
/// ```
/// use pact_runtime::verifier::redact_url;
/// assert_eq!(redact_url("https://ci:s3cret@broker.example/pacts"), "https://broker.example/pacts");
/// assert_eq!(redact_url("https://ci:s3cret@/broken"), "https:///broken");
/// ```
pub fn redact_url(url: &str) -> String {
    without_userinfo(url)
}

pub(crate) fn without_userinfo(url: &str) -> String {
    match reqwest::Url::parse(url) {
        Ok(mut parsed) => {
            let _ = parsed.set_username("");
            let _ = parsed.set_password(None);
            parsed.to_string()
        }
        Err(_) => match url.split_once("://") {
            Some((scheme, rest)) => {
                let authority_end = rest.find('/').unwrap_or(rest.len());
                match rest[..authority_end].rfind('@') {
                    Some(at) => format!("{scheme}://{}", &rest[at + 1..]),
                    None => url.to_string(),
                }
            }
            None => url.to_string(),
        },
    }
}

/// The root of a URL (`scheme://user:pass@host:port/`), the base a broker client resolves
/// links on; credentials in the URL become the client's basic auth.
fn root(url: &str) -> Result<String, VerifierError> {
    let mut parsed = reqwest::Url::parse(url).map_err(|e| pact_error(&without_userinfo(url), e))?;
    parsed.set_path("/");
    parsed.set_query(None);
    parsed.set_fragment(None);
    Ok(parsed.to_string())
}

/// Reads the pacts of `sources`, in order; a directory gives its pact files in name order.
/// A broker source needs the provider's name; a directory is filtered by it when given.
///
/// ```
/// use pact_runtime::verifier::{load_pacts, PactSource};
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// let text = r#"{"consumer":{"name":"C"},"provider":{"name":"P"},"interactions":[]}"#;
/// let pacts = load_pacts(&[PactSource::Json { name: "inline".into(), text: text.into() }], None)
///     .await
///     .unwrap();
/// assert_eq!(pacts[0].1.provider, "P");
/// # });
/// ```
pub async fn load_pacts(
    sources: &[PactSource],
    provider: Option<&str>,
) -> Result<Vec<(String, Pact)>, VerifierError> {
    let mut out = Vec::new();
    for s in sources {
        out.extend(
            load(s, provider)
                .await?
                .into_iter()
                .map(|l| (l.name, l.pact)),
        );
    }
    Ok(out)
}

pub(crate) async fn load(
    source: &PactSource,
    provider: Option<&str>,
) -> Result<Vec<LoadedPact>, VerifierError> {
    match source {
        PactSource::File(path) => Ok(vec![read_file(path)?]),
        PactSource::Dir(dir) => {
            let name = dir.display().to_string();
            let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
                .map_err(|e| pact_error(&name, e))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "json"))
                .collect();
            paths.sort();
            let mut out = Vec::new();
            for path in paths {
                let loaded = read_file(&path)?;
                if provider.is_none_or(|p| loaded.pact.provider == p) {
                    out.push(loaded);
                }
            }
            Ok(out)
        }
        PactSource::Json { name, text } => {
            let pact = read_pact(text, name).map_err(|e| pact_error(name, e))?;
            Ok(vec![local(name.clone(), pact)])
        }
        PactSource::Url { url, auth } => {
            let client = BrokerClient::new(&root(url)?, auth.clone())?;
            let fetched = client.fetch_pact(url).await?;
            Ok(vec![from_fetched(client, fetched)?])
        }
        PactSource::Broker(b) => {
            let client = BrokerClient::new(&b.url, b.auth.clone())?;
            let mut selectors = b.selectors.clone();
            selectors.extend(
                b.consumer_version_tags
                    .iter()
                    .map(|t| serde_json::json!({"tag": t, "latest": true})),
            );
            let request = PactsForVerificationRequest {
                consumer_version_selectors: selectors,
                provider_version_tags: b.provider_tags.clone(),
                provider_version_branch: b.provider_branch.clone(),
                // WIP pacts are pending by definition: asking for them asks for pending
                // status too (pact-jvm drops WIP without pending; pact_verifier sends both
                // flags as given and can then fail a build on a WIP pact).
                include_pending_status: b.enable_pending || b.include_wip_pacts_since.is_some(),
                include_wip_pacts_since: b.include_wip_pacts_since.clone(),
            };
            let mut out = Vec::new();
            let provider = provider.ok_or(VerifierError::NoProvider)?;
            for listed in client.pacts_for_verification(provider, &request).await? {
                let fetched = client.fetch_pact(&listed.url).await?;
                let mut loaded = from_fetched(client.clone(), fetched)?;
                // A WIP pact never fails the build, whatever the broker says of pending.
                loaded.pending = listed.pending || listed.wip;
                loaded.notices = listed.notices.clone();
                if !listed.short_description.is_empty() {
                    loaded.name = format!("{} ({})", loaded.name, listed.short_description);
                }
                loaded.listed = Some(listed);
                out.push(loaded);
            }
            Ok(out)
        }
    }
}
