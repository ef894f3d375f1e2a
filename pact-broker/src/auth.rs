//! Who may read and who may write, as the official Docker image configures it: a
//! read-write and a read-only Basic user, bearer tokens of both kinds (every official
//! client sends `--broker-token` as `Authorization: Bearer`), public read, and a public
//! heartbeat for a load balancer's health checks.
//!
//! Credentials are compared in constant time and never logged: this module is the only
//! one that sees the `Authorization` header.

use base64::Engine as _;
use warp::http::HeaderMap;

/// What a request may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// `GET` only.
    Read,
    /// Everything.
    ReadWrite,
}

/// A Basic user.
#[derive(Clone, PartialEq, Eq)]
pub struct BasicUser {
    /// User name.
    pub username: String,
    /// Password.
    pub password: String,
}

impl std::fmt::Debug for BasicUser {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "BasicUser({}, ***)", self.username)
    }
}

/// The broker's access rules. With nothing configured, everyone may read and write, as
/// the OSS broker without auth does.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct AuthConfig {
    /// `PACT_BROKER_BASIC_AUTH_USERNAME`/`_PASSWORD`: may read and write.
    pub read_write_user: Option<BasicUser>,
    /// `PACT_BROKER_BASIC_AUTH_READ_ONLY_USERNAME`/`_PASSWORD`: may read.
    pub read_only_user: Option<BasicUser>,
    /// `--token`/`PACT_BROKER_TOKEN`: bearer tokens that may read and write.
    pub read_write_tokens: Vec<String>,
    /// `--read-only-token`/`PACT_BROKER_READ_ONLY_TOKEN`: bearer tokens that may read.
    pub read_only_tokens: Vec<String>,
    /// `PACT_BROKER_ALLOW_PUBLIC_READ=true`: reading needs no credentials.
    pub allow_public_read: bool,
    /// `PACT_BROKER_PUBLIC_HEARTBEAT=true`: the heartbeat needs no credentials.
    pub public_heartbeat: bool,
}

impl std::fmt::Debug for AuthConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuthConfig")
            .field("read_write_user", &self.read_write_user)
            .field("read_only_user", &self.read_only_user)
            .field("read_write_tokens", &self.read_write_tokens.len())
            .field("read_only_tokens", &self.read_only_tokens.len())
            .field("allow_public_read", &self.allow_public_read)
            .field("public_heartbeat", &self.public_heartbeat)
            .finish()
    }
}

/// Why a request was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// No credentials, or wrong ones: 401.
    Unauthenticated,
}

impl AuthConfig {
    /// Whether any credentials are configured; without any, the broker is open.
    #[must_use]
    pub fn is_open(&self) -> bool {
        self.read_write_user.is_none()
            && self.read_only_user.is_none()
            && self.read_write_tokens.is_empty()
            && self.read_only_tokens.is_empty()
    }

    /// What the request's credentials allow.
    ///
    /// ```
    /// use pact_broker::auth::{Access, AuthConfig, BasicUser};
    /// let auth = AuthConfig {
    ///     read_write_user: Some(BasicUser { username: "ci".into(), password: "s3cret".into() }),
    ///     allow_public_read: true,
    ///     ..AuthConfig::default()
    /// };
    /// let mut headers = warp::http::HeaderMap::new();
    /// assert_eq!(auth.access(&headers, false), Ok(Access::Read));
    /// headers.insert("authorization", "Basic Y2k6czNjcmV0".parse().unwrap());
    /// assert_eq!(auth.access(&headers, false), Ok(Access::ReadWrite));
    /// ```
    pub fn access(&self, headers: &HeaderMap, heartbeat: bool) -> Result<Access, Refusal> {
        self.access_where(headers, heartbeat && self.public_heartbeat)
    }

    /// What the request's credentials allow at a URL that reading needs none for when
    /// `public` (the heartbeat under `public_heartbeat`, the badges under public badge
    /// access): without credentials it may read; wrong credentials are refused as
    /// anywhere else.
    ///
    /// ```
    /// use pact_broker::auth::{Access, AuthConfig, BasicUser, Refusal};
    /// let auth = AuthConfig {
    ///     read_write_user: Some(BasicUser { username: "ci".into(), password: "s3cret".into() }),
    ///     ..AuthConfig::default()
    /// };
    /// let mut headers = warp::http::HeaderMap::new();
    /// assert_eq!(auth.access_where(&headers, true), Ok(Access::Read));
    /// assert_eq!(auth.access_where(&headers, false), Err(Refusal::Unauthenticated));
    /// headers.insert("authorization", "Basic d3Jvbmc6d3Jvbmc=".parse().unwrap());
    /// assert_eq!(auth.access_where(&headers, true), Err(Refusal::Unauthenticated));
    /// ```
    pub fn access_where(&self, headers: &HeaderMap, public: bool) -> Result<Access, Refusal> {
        if self.is_open() {
            return Ok(Access::ReadWrite);
        }
        let presented = headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .map(str::trim);
        if let Some(header) = presented {
            if let Some(access) = self.credentials(header) {
                return Ok(access);
            }
            // Wrong credentials are refused even where none are needed, as the real
            // broker does: a client with a stale password learns it at once.
            return Err(Refusal::Unauthenticated);
        }
        if self.allow_public_read || public {
            return Ok(Access::Read);
        }
        Err(Refusal::Unauthenticated)
    }

    fn credentials(&self, header: &str) -> Option<Access> {
        let (scheme, value) = header.split_once(' ')?;
        let value = value.trim();
        if scheme.eq_ignore_ascii_case("basic") {
            let decoded = base64::engine::general_purpose::STANDARD
                .decode(value)
                .ok()?;
            let decoded = String::from_utf8(decoded).ok()?;
            let (user, pass) = decoded.split_once(':')?;
            let matches = |u: &Option<BasicUser>| {
                u.as_ref().is_some_and(|u| {
                    // Both compared, so the time taken does not tell which one was wrong.
                    let name = same(u.username.as_bytes(), user.as_bytes());
                    let password = same(u.password.as_bytes(), pass.as_bytes());
                    name & password
                })
            };
            if matches(&self.read_write_user) {
                return Some(Access::ReadWrite);
            }
            if matches(&self.read_only_user) {
                return Some(Access::Read);
            }
            None
        } else if scheme.eq_ignore_ascii_case("bearer") {
            let found = |tokens: &[String]| {
                tokens
                    .iter()
                    .fold(false, |hit, t| hit | same(t.as_bytes(), value.as_bytes()))
            };
            if found(&self.read_write_tokens) {
                return Some(Access::ReadWrite);
            }
            if found(&self.read_only_tokens) {
                return Some(Access::Read);
            }
            None
        } else {
            None
        }
    }
}

/// Equal bytes, compared in time that depends only on the lengths.
fn same(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(auth: Option<&str>) -> HeaderMap {
        let mut h = HeaderMap::new();
        if let Some(a) = auth {
            h.insert("authorization", a.parse().unwrap());
        }
        h
    }

    fn basic(user: &str, pass: &str) -> String {
        format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(format!("{user}:{pass}"))
        )
    }

    fn config() -> AuthConfig {
        AuthConfig {
            read_write_user: Some(BasicUser {
                username: "rw".into(),
                password: "rw-pass".into(),
            }),
            read_only_user: Some(BasicUser {
                username: "ro".into(),
                password: "ro-pass".into(),
            }),
            read_write_tokens: vec!["rw-token".into()],
            read_only_tokens: vec!["ro-token".into()],
            allow_public_read: false,
            public_heartbeat: true,
        }
    }

    #[test]
    fn an_open_broker_lets_everyone_write() {
        let open = AuthConfig::default();
        assert_eq!(open.access(&headers(None), false), Ok(Access::ReadWrite));
    }

    #[test]
    fn each_credential_gets_its_access() {
        let c = config();
        let cases = [
            (Some(basic("rw", "rw-pass")), Ok(Access::ReadWrite)),
            (Some(basic("ro", "ro-pass")), Ok(Access::Read)),
            (Some("Bearer rw-token".to_string()), Ok(Access::ReadWrite)),
            (Some("bearer ro-token".to_string()), Ok(Access::Read)),
            (Some(basic("rw", "ro-pass")), Err(Refusal::Unauthenticated)),
            (Some(basic("ro", "rw-pass")), Err(Refusal::Unauthenticated)),
            (
                Some("Bearer nope".to_string()),
                Err(Refusal::Unauthenticated),
            ),
            (Some("Basic !!!".to_string()), Err(Refusal::Unauthenticated)),
            (Some("Digest x".to_string()), Err(Refusal::Unauthenticated)),
            (None, Err(Refusal::Unauthenticated)),
        ];
        for (header, expected) in cases {
            assert_eq!(
                c.access(&headers(header.as_deref()), false),
                expected,
                "{header:?}"
            );
        }
    }

    #[test]
    fn public_read_and_heartbeat_need_no_credentials_but_wrong_ones_are_refused() {
        let mut c = config();
        assert_eq!(c.access(&headers(None), true), Ok(Access::Read));
        assert_eq!(
            c.access(&headers(None), false),
            Err(Refusal::Unauthenticated)
        );
        c.allow_public_read = true;
        assert_eq!(c.access(&headers(None), false), Ok(Access::Read));
        assert_eq!(
            c.access(&headers(Some("Bearer wrong")), false),
            Err(Refusal::Unauthenticated)
        );
    }

    #[test]
    fn debug_output_hides_secrets() {
        let shown = format!("{:?}", config());
        for secret in ["rw-pass", "ro-pass", "rw-token", "ro-token"] {
            assert!(!shown.contains(secret), "{secret} in {shown}");
        }
    }
}
