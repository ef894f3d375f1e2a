//! Logs: what the mock server, the stub server and the verifier did, through [`tracing`].
//!
//! Each request is logged: its request line and the interaction it matched (`info`), or why
//! it matched none (`warn`), and the status answered; headers and request bodies at
//! `debug`, response bodies at `trace`. The values of `Authorization`, `Cookie` and
//! `Proxy-Authorization` headers and the user information in URLs are never logged.
//!
//! The events go to whatever `tracing` subscriber the program has, and two settings send
//! them to a file or to stderr without one:
//!
//! - `PACT_LOG_LEVEL`: `off`, `error`, `warn` (the default), `info`, `debug` or `trace`.
//! - `PACT_LOG_DIR`, else `log-dir` in `[workspace.metadata.pact]` (relative to the
//!   workspace root, like `pact-dir`): the mock server appends its records to
//!   `<dir>/pact-mock-server.log`, one line a record, each naming the test (the name of the
//!   thread that started the server, which the test harness names after the test), so the
//!   file can be shared by every test and every test process.
//!
//! `cargo pact verify --log-level LEVEL` (or `PACT_LOG_LEVEL`) writes the verifier's records
//! to stderr through [`LineSubscriber::stderr`].
//!
//! ```
//! use pact_runtime::log::{parse_level, LineSubscriber};
//! let level = parse_level("debug").unwrap();
//! let subscriber = LineSubscriber::stderr(level);
//! tracing::subscriber::with_default(subscriber, || {
//!     tracing::debug!(target: "pact_runtime::doc", "written to stderr");
//! });
//! assert!(parse_level("loud").is_err());
//! ```

use std::fmt::{self, Write as _};
use std::fs::{File, OpenOptions};
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};
use tracing::level_filters::LevelFilter;
use tracing::span::{Attributes, Id, Record};
use tracing::subscriber::Interest;
use tracing::{Event, Metadata, Subscriber};

/// The name of the mock server's log file in the log dir.
pub const MOCK_SERVER_LOG: &str = "pact-mock-server.log";

/// Why logging could not be set up.
#[derive(Debug, Clone, thiserror::Error)]
pub enum LogError {
    /// `PACT_LOG_LEVEL` or `--log-level` is not a level.
    #[error("unknown log level {0:?}: expected off, error, warn, info, debug or trace")]
    Level(String),
    /// The log file could not be opened for appending.
    #[error("cannot open the log file {}: {message}", path.display())]
    Open {
        /// The file.
        path: PathBuf,
        /// The cause.
        message: String,
    },
    /// The log dir could not be worked out (a malformed `Cargo.toml`, say).
    #[error("could not work out the log dir: {0}")]
    Dir(String),
}

/// A level as `PACT_LOG_LEVEL` spells it, any case.
///
/// ```
/// use tracing::level_filters::LevelFilter;
/// assert_eq!(pact_runtime::log::parse_level("Info").unwrap(), LevelFilter::INFO);
/// ```
pub fn parse_level(text: &str) -> Result<LevelFilter, LogError> {
    text.trim()
        .parse()
        .map_err(|_| LogError::Level(text.to_string()))
}

/// The `log-level` setting of `settings` ([`pact_settings::LOG_LEVEL`]: `PACT_LOG_LEVEL`,
/// else `log-level` of `[package.metadata.pact]` or `[workspace.metadata.pact]`), `warn` when
/// unset.
pub fn level_setting(settings: &pact_settings::Settings) -> Result<LevelFilter, LogError> {
    match settings
        .string(&pact_settings::LOG_LEVEL)
        .map_err(|e| LogError::Dir(crate::error_chain(&e)))?
    {
        Some(v) if !v.trim().is_empty() => parse_level(&v),
        _ => Ok(LevelFilter::WARN),
    }
}

/// Where a record goes.
#[derive(Clone)]
enum Output {
    Stderr,
    File(Arc<File>),
}

/// A small `tracing` subscriber writing each event of this crate (targets `pact_*`) as one
/// line: time (UTC), level, the test's name when there is one, target, message and fields.
/// Spans are not recorded: the events carry what they need.
///
/// Lighter than `tracing-subscriber`, which a consumer test would otherwise compile.
#[derive(Clone)]
pub struct LineSubscriber {
    level: LevelFilter,
    output: Output,
    test: Option<Arc<str>>,
}

impl LineSubscriber {
    /// Records at `level` and above, to stderr.
    pub fn stderr(level: LevelFilter) -> LineSubscriber {
        LineSubscriber {
            level,
            output: Output::Stderr,
            test: None,
        }
    }

    /// Records at `level` and above, appended to the file at `path` (created with its
    /// directory when missing). Each record is one `write` to a file opened for appending,
    /// so records of concurrent processes never interleave.
    pub fn append_to(path: &Path, level: LevelFilter) -> Result<LineSubscriber, LogError> {
        let open = || -> std::io::Result<File> {
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir)?;
            }
            OpenOptions::new().create(true).append(true).open(path)
        };
        let file = open().map_err(|e| LogError::Open {
            path: path.to_path_buf(),
            message: e.to_string(),
        })?;
        Ok(LineSubscriber {
            level,
            output: Output::File(Arc::new(file)),
            test: None,
        })
    }

    /// The same destination, each record naming `test`.
    pub fn for_test(&self, test: impl Into<String>) -> LineSubscriber {
        LineSubscriber {
            test: Some(test.into().into()),
            ..self.clone()
        }
    }

    fn wants(&self, meta: &Metadata<'_>) -> bool {
        *meta.level() <= self.level && meta.target().starts_with("pact_")
    }
}

impl Subscriber for LineSubscriber {
    fn register_callsite(&self, meta: &'static Metadata<'static>) -> Interest {
        // `sometimes`, not `always`: this subscriber may be only one thread's default.
        if self.wants(meta) {
            Interest::sometimes()
        } else {
            Interest::never()
        }
    }

    fn max_level_hint(&self) -> Option<LevelFilter> {
        Some(self.level)
    }

    fn enabled(&self, meta: &Metadata<'_>) -> bool {
        self.wants(meta)
    }

    fn new_span(&self, _: &Attributes<'_>) -> Id {
        Id::from_u64(1)
    }

    fn record(&self, _: &Id, _: &Record<'_>) {}

    fn record_follows_from(&self, _: &Id, _: &Id) {}

    fn event(&self, event: &Event<'_>) {
        let meta = event.metadata();
        let mut line = String::with_capacity(160);
        write_time(&mut line, SystemTime::now());
        let _ = write!(line, " {:>5}", meta.level().as_str());
        if let Some(test) = &self.test {
            let _ = write!(line, " [{test}]");
        }
        let _ = write!(line, " {}:", meta.target());
        event.record(&mut LineVisitor(&mut line));
        line.push('\n');
        // A log that cannot be written must not fail the test or the run it records.
        let _ = match &self.output {
            Output::Stderr => std::io::stderr().lock().write_all(line.as_bytes()),
            Output::File(file) => (&**file).write_all(line.as_bytes()),
        };
    }

    fn enter(&self, _: &Id) {}

    fn exit(&self, _: &Id) {}
}

/// Writes the message, then `name=value` for each other field, all on one line.
struct LineVisitor<'a>(&'a mut String);

impl tracing::field::Visit for LineVisitor<'_> {
    fn record_str(&mut self, field: &tracing::field::Field, value: &str) {
        if field.name() == "message" {
            self.0.push(' ');
            one_line(self.0, value);
        } else {
            // Quoted and escaped: a body stays on its line.
            let _ = write!(self.0, " {}={value:?}", field.name());
        }
    }

    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn fmt::Debug) {
        if field.name() == "message" {
            self.0.push(' ');
            one_line(self.0, &format!("{value:?}"));
        } else {
            let _ = write!(self.0, " {}=", field.name());
            one_line(self.0, &format!("{value:?}"));
        }
    }
}

/// `text` with each line break and the indentation after it turned into `; `, so a
/// multi-line report (a request and its mismatches) stays one record.
fn one_line(out: &mut String, text: &str) {
    let mut lines = text.lines();
    if let Some(first) = lines.next() {
        out.push_str(first);
    }
    for rest in lines {
        out.push_str("; ");
        out.push_str(rest.trim_start());
    }
}

/// RFC 3339 in UTC with milliseconds: `2026-01-02T03:04:05.678Z`.
fn write_time(out: &mut String, now: SystemTime) {
    use pact_core::datetime::{DateTime, DateTimePattern};
    static PATTERN: std::sync::OnceLock<Option<DateTimePattern>> = std::sync::OnceLock::new();
    let since = now.duration_since(UNIX_EPOCH).unwrap_or_default();
    let at = DateTime::from_unix(
        i64::try_from(since.as_secs()).unwrap_or(i64::MAX),
        since.subsec_nanos(),
    );
    let pattern =
        PATTERN.get_or_init(|| DateTimePattern::parse("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").ok());
    if let Some(pattern) = pattern {
        out.push_str(&pattern.format(&at));
    }
}

/// Whether the value of header `name` is a credential, never to be logged.
pub fn is_secret_header(name: &str) -> bool {
    [
        "authorization",
        "proxy-authorization",
        "cookie",
        "set-cookie",
    ]
    .iter()
    .any(|s| name.eq_ignore_ascii_case(s))
}

/// `name: value` pairs for a log, credentials replaced by `[redacted]`.
///
/// ```
/// let h = [("Accept", "text/plain"), ("authorization", "Bearer s3cret")];
/// assert_eq!(
///     pact_runtime::log::redacted_headers(h),
///     "Accept: text/plain, authorization: [redacted]"
/// );
/// ```
pub fn redacted_headers<'a>(headers: impl IntoIterator<Item = (&'a str, &'a str)>) -> String {
    let mut out = String::new();
    for (name, value) in headers {
        if !out.is_empty() {
            out.push_str(", ");
        }
        let value = if is_secret_header(name) {
            "[redacted]"
        } else {
            value
        };
        let _ = write!(out, "{name}: {value}");
    }
    out
}

/// `url` without the user name and password it may carry.
///
/// ```
/// use pact_runtime::log::redacted_url;
/// assert_eq!(redacted_url("https://ci:s3cret@broker.example/pacts"), "https://[redacted]@broker.example/pacts");
/// assert_eq!(redacted_url("http://127.0.0.1:3001/a@b"), "http://127.0.0.1:3001/a@b");
/// ```
pub fn redacted_url(url: &str) -> String {
    let Some(scheme_end) = url.find("://") else {
        return url.to_string();
    };
    let authority_start = scheme_end + 3;
    let authority_end = url[authority_start..]
        .find(['/', '?', '#'])
        .map_or(url.len(), |i| authority_start + i);
    match url[authority_start..authority_end].rfind('@') {
        Some(at) => format!(
            "{}[redacted]{}",
            &url[..authority_start],
            &url[authority_start + at..]
        ),
        None => url.to_string(),
    }
}

/// How a body is logged: its text, or its size when it is not UTF-8.
pub(crate) fn body_text(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(text) => text.to_string(),
        Err(_) => format!("<{} bytes>", bytes.len()),
    }
}

/// The mock servers' log of this process: the settings are read once, by the first mock
/// server (an invalid setting fails each start with the same error).
#[cfg(feature = "consumer")]
pub(crate) fn mock_server_log(manifest_dir: &Path) -> Result<Option<LineSubscriber>, LogError> {
    static LOG: std::sync::OnceLock<Result<Option<LineSubscriber>, LogError>> =
        std::sync::OnceLock::new();
    LOG.get_or_init(|| {
        let settings = pact_settings::Settings::load(manifest_dir)
            .map_err(|e| LogError::Dir(crate::error_chain(&e)))?;
        let dir = settings
            .dir(&pact_settings::LOG_DIR)
            .map_err(|e| LogError::Dir(crate::error_chain(&e)))?;
        let Some(dir) = dir else { return Ok(None) };
        let level = level_setting(&settings)?;
        if level == LevelFilter::OFF {
            return Ok(None);
        }
        LineSubscriber::append_to(&dir.join(MOCK_SERVER_LOG), level).map(Some)
    })
    .clone()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn times_are_rfc3339_utc() {
        let mut s = String::new();
        write_time(
            &mut s,
            UNIX_EPOCH + Duration::from_millis(1_709_251_199_123),
        );
        assert_eq!(s, "2024-02-29T23:59:59.123Z");
        s.clear();
        write_time(&mut s, UNIX_EPOCH);
        assert_eq!(s, "1970-01-01T00:00:00.000Z");
    }

    #[test]
    fn multi_line_messages_stay_on_one_line() {
        let mut s = String::new();
        one_line(
            &mut s,
            "unexpected request: GET /x\n    closest: \"a\"\n      - path",
        );
        assert_eq!(s, "unexpected request: GET /x; closest: \"a\"; - path");
    }

    #[test]
    fn user_info_is_redacted_from_every_form_of_url() {
        assert_eq!(redacted_url("http://u@h/p"), "http://[redacted]@h/p");
        assert_eq!(redacted_url("http://u:p@h"), "http://[redacted]@h");
        assert_eq!(redacted_url("http://h/p?a=b@c"), "http://h/p?a=b@c");
        assert_eq!(redacted_url("not a url"), "not a url");
    }
}
