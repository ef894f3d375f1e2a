//! The command line, as clap reads it. Flag names follow the pact-reference verifier and
//! pact-stub-server; the seed's spellings are aliases.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// Exit codes, documented in `--help`.
pub const EXIT_CODES: &str = "\
Exit codes:
  0  verified (verify), served until stopped (stub), tests passed (test), safe to deploy
     (can-i-deploy, and always with --dry-run)
  1  verification failed: an interaction did not match (pending ones aside); for
     can-i-deploy, the broker said no or could not tell
  2  bad arguments, settings or pacts (a malformed pact names its file, line and column);
     for can-i-deploy, also a pacticipant or environment the broker does not know
  3  the provider could not be reached (refused, timed out, or --provider-cmd failed)
  4  the broker failed or refused (includes publishing the results); for `broker`, its
     database could not be opened or migrated";

/// `cargo pact`: Pact contract testing for cargo projects.
#[derive(Debug, Parser)]
#[command(name = "cargo-pact", bin_name = "cargo pact", version, after_help = EXIT_CODES)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Verify a provider against its pacts.
    #[command(after_help = EXIT_CODES)]
    Verify(Box<VerifyArgs>),
    /// Serve the interactions of pacts as a stub provider.
    #[command(after_help = EXIT_CODES)]
    Stub(StubArgs),
    /// Run the consumer tests with their pacts cleared first, so removed interactions do
    /// not linger (other consumers' pacts in the pact dir stay).
    #[command(after_help = EXIT_CODES)]
    Test(TestArgs),
    /// Run a Pact Broker (SQLite by default, PostgreSQL for teams) that the official Pact
    /// clients accept.
    #[command(after_help = EXIT_CODES)]
    Broker(Box<BrokerArgs>),
    /// Publish the consumer's pacts to a Pact Broker, under the version and branch being
    /// built.
    #[command(after_help = EXIT_CODES)]
    Publish(Box<PublishArgs>),
    /// Ask the broker whether pacticipant versions can be deployed: the matrix of their
    /// verification results, and its verdict as the exit code.
    #[command(name = "can-i-deploy", after_help = EXIT_CODES)]
    CanIDeploy(Box<CanIDeployArgs>),

    // The broker administration commands (ADMIN_EXIT_CODES), as the Ruby CLI names them.
    /// Record that a pacticipant version was deployed to an environment; the version
    /// deployed before it (to the same application instance) stops being deployed there.
    #[command(after_help = ADMIN_EXIT_CODES)]
    RecordDeployment(Box<RecordDeploymentArgs>),
    /// Record that a pacticipant was removed from an environment (not needed when a new
    /// version replaces it: record-deployment ends the old one).
    #[command(after_help = ADMIN_EXIT_CODES)]
    RecordUndeployment(Box<RecordUndeploymentArgs>),
    /// Record that a pacticipant version was released to an environment (several released
    /// versions can be supported at once, e.g. mobile apps).
    #[command(after_help = ADMIN_EXIT_CODES)]
    RecordRelease(Box<RecordReleaseArgs>),
    /// Record that a released pacticipant version is no longer supported in an environment.
    #[command(after_help = ADMIN_EXIT_CODES)]
    RecordSupportEnded(Box<RecordReleaseArgs>),
    /// Create an environment to record deployments and releases to.
    #[command(after_help = ADMIN_EXIT_CODES)]
    CreateEnvironment(Box<CreateEnvironmentArgs>),
    /// Describe an environment.
    #[command(after_help = ADMIN_EXIT_CODES)]
    DescribeEnvironment(Box<DescribeEnvironmentArgs>),
    /// List the broker's environments.
    #[command(after_help = ADMIN_EXIT_CODES)]
    ListEnvironments(Box<ListEnvironmentsArgs>),
    /// Add tags to a pacticipant version.
    #[command(after_help = ADMIN_EXIT_CODES)]
    CreateVersionTag(Box<CreateVersionTagArgs>),
    /// Describe a pacticipant version: its branches and tags (default: the latest version).
    #[command(after_help = ADMIN_EXIT_CODES)]
    DescribeVersion(Box<DescribeVersionArgs>),
    /// Create a pacticipant, or update its display name, main branch or repository URL.
    #[command(after_help = ADMIN_EXIT_CODES)]
    CreateOrUpdatePacticipant(Box<CreateOrUpdatePacticipantArgs>),
    /// Create a webhook: an HTTP request the broker sends when pacts or verification results
    /// are published, given with curl's switches.
    #[command(after_help = ADMIN_EXIT_CODES)]
    CreateWebhook(Box<CreateWebhookArgs>),
}

/// When to color the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Color {
    /// When stdout is a terminal, NO_COLOR is not set and CARGO_TERM_COLOR does not say.
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

impl Color {
    /// Whether to color stdout, from the environment this process runs in (see
    /// [`Color::resolve`]).
    pub fn enabled(self) -> bool {
        use std::io::IsTerminal as _;
        self.resolve(
            std::env::var("CARGO_TERM_COLOR").ok().as_deref(),
            std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()),
            std::io::stdout().is_terminal(),
        )
    }

    /// Whether to color: the flag, else `CARGO_TERM_COLOR` (`always`/`never`, as cargo
    /// reads it), else not when `NO_COLOR` is set, else when stdout is a terminal.
    pub fn resolve(self, cargo_term_color: Option<&str>, no_color: bool, terminal: bool) -> bool {
        match self {
            Color::Always => true,
            Color::Never => false,
            Color::Auto => match cargo_term_color {
                Some("always") => true,
                Some("never") => false,
                _ => !no_color && terminal,
            },
        }
    }
}

/// How a command that reports prints its result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Output {
    /// Lines for people (the default; `text`, the Ruby CLI's name for it on most commands,
    /// is accepted).
    #[value(alias = "text")]
    Table,
    /// The broker's answer as JSON.
    Json,
}

/// Where pacts come from.
#[derive(Debug, Args, Default)]
pub struct SourceArgs {
    /// A pact file (repeatable).
    #[arg(short = 'f', long = "file", value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// A directory of pact files (repeatable).
    #[arg(short = 'd', long = "dir", value_name = "DIR")]
    pub dirs: Vec<PathBuf>,
    /// A pact URL (repeatable).
    #[arg(
        short = 'u',
        long = "url",
        visible_alias = "pact-url",
        value_name = "URL"
    )]
    pub urls: Vec<String>,
}

/// Credentials for a broker or pact URLs. Its `Debug` shows which were given, not them.
#[derive(Args, Default)]
pub struct AuthArgs {
    /// Username for basic auth.
    #[arg(long = "user", visible_aliases = ["broker-username", "pact-broker-username"], env = "PACT_BROKER_USERNAME", value_name = "USER")]
    pub username: Option<String>,
    /// Password for basic auth.
    #[arg(long = "password", visible_aliases = ["broker-password", "pact-broker-password"], env = "PACT_BROKER_PASSWORD", hide_env_values = true, value_name = "PASSWORD")]
    pub password: Option<String>,
    /// Bearer token.
    #[arg(
        short = 't',
        long = "token",
        visible_alias = "broker-token",
        env = "PACT_BROKER_TOKEN",
        hide_env_values = true,
        value_name = "TOKEN"
    )]
    pub token: Option<String>,
}

impl std::fmt::Debug for AuthArgs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let given = |v: &Option<String>| v.as_ref().map(|_| "<redacted>");
        f.debug_struct("AuthArgs")
            .field("username", &self.username)
            .field("password", &given(&self.password))
            .field("token", &given(&self.token))
            .finish()
    }
}

/// How to reach a Pact Broker: the same flags, variables and metadata key on every command
/// that talks to one, spelled as the official CLIs spell them. `Debug` shows which
/// credentials were given, never them.
#[derive(Args, Default, Clone)]
pub struct BrokerConnArgs {
    /// The Pact Broker's base URL (else `broker-url` in [package.metadata.pact] or
    /// [workspace.metadata.pact]).
    #[arg(
        short = 'b',
        long = "broker-url",
        visible_aliases = ["broker-base-url", "pact-broker-url"],
        env = "PACT_BROKER_BASE_URL",
        value_name = "URL",
        help_heading = "Broker"
    )]
    pub broker_url: Option<String>,
    /// Username for the broker's basic auth.
    #[arg(
        short = 'u',
        long = "broker-username",
        visible_aliases = ["user", "pact-broker-username"],
        env = "PACT_BROKER_USERNAME",
        value_name = "USER",
        help_heading = "Broker"
    )]
    pub username: Option<String>,
    /// Password for the broker's basic auth.
    #[arg(
        short = 'p',
        long = "broker-password",
        visible_aliases = ["password", "pact-broker-password"],
        env = "PACT_BROKER_PASSWORD",
        hide_env_values = true,
        value_name = "PASSWORD",
        help_heading = "Broker"
    )]
    pub password: Option<String>,
    /// Bearer token for the broker (PactFlow), used instead of basic auth.
    #[arg(
        short = 'k',
        long = "broker-token",
        visible_alias = "token",
        env = "PACT_BROKER_TOKEN",
        hide_env_values = true,
        value_name = "TOKEN",
        help_heading = "Broker"
    )]
    pub token: Option<String>,
}

impl std::fmt::Debug for BrokerConnArgs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let given = |v: &Option<String>| v.as_ref().map(|_| "<redacted>");
        f.debug_struct("BrokerConnArgs")
            .field(
                "broker_url",
                &self
                    .broker_url
                    .as_deref()
                    .map(pact_runtime::verifier::redact_url),
            )
            .field("username", &self.username)
            .field("password", &given(&self.password))
            .field("token", &given(&self.token))
            .finish()
    }
}

/// The short flags `verify` keeps from the pact-reference verifier (`-u` is `--url`, `-p`
/// is `--port`, `-t` is the token): the shared broker flags give way to them there.
pub fn command() -> clap::Command {
    use clap::CommandFactory as _;
    Cli::command().mut_subcommand("verify", |verify| {
        verify
            .mut_arg("username", |a| a.short(None))
            .mut_arg("password", |a| a.short(None))
            .mut_arg("token", |a| a.short('t').short_alias('k'))
    })
}

/// `cargo pact verify`.
#[derive(Debug, Args)]
pub struct VerifyArgs {
    #[command(flatten)]
    pub sources: SourceArgs,

    #[command(flatten)]
    pub broker: BrokerConnArgs,
    /// A consumer version selector as JSON, e.g. '{"mainBranch":true}' (repeatable); else
    /// `consumer-version-selectors` in [package.metadata.pact], e.g.
    /// [{ mainBranch = true }, { deployedOrReleased = true }].
    #[arg(
        long = "consumer-version-selectors",
        value_name = "JSON",
        help_heading = "Broker"
    )]
    pub consumer_version_selectors: Vec<String>,
    /// Consumer version tags (comma-separated or repeated).
    #[arg(
        long = "consumer-version-tags",
        value_delimiter = ',',
        value_name = "TAG",
        help_heading = "Broker"
    )]
    pub consumer_version_tags: Vec<String>,
    /// Ask the broker for pending pacts (their failures do not fail the run); else
    /// `enable-pending` in [package.metadata.pact] or PACT_VERIFIER_ENABLE_PENDING.
    #[arg(long = "enable-pending", help_heading = "Broker")]
    pub enable_pending: bool,
    /// Include work-in-progress pacts published since this date (needs a branch or tags;
    /// else `include-wip-pacts-since` in [package.metadata.pact]).
    /// WIP pacts are pending: this implies --enable-pending, and their failures never fail
    /// the run.
    #[arg(
        long = "include-wip-pacts-since",
        value_name = "DATE",
        help_heading = "Broker"
    )]
    pub include_wip_pacts_since: Option<String>,

    /// The provider's name (default: `provider` in [package.metadata.pact], else the package name).
    #[arg(
        short = 'n',
        long = "provider-name",
        visible_alias = "provider",
        value_name = "NAME",
        help_heading = "Provider"
    )]
    pub provider_name: Option<String>,
    /// The provider's base URL.
    #[arg(long = "provider-base-url", value_name = "URL", help_heading = "Provider", conflicts_with_all = ["hostname", "port"])]
    pub provider_base_url: Option<String>,
    /// The provider's host (with --port; default localhost).
    #[arg(long = "hostname", value_name = "HOST", help_heading = "Provider")]
    pub hostname: Option<String>,
    /// The provider's port (with --hostname).
    #[arg(
        short = 'p',
        long = "port",
        value_name = "PORT",
        help_heading = "Provider"
    )]
    pub port: Option<u16>,
    /// The provider's URL scheme (with --hostname/--port).
    #[arg(
        long = "scheme",
        default_value = "http",
        value_name = "SCHEME",
        help_heading = "Provider"
    )]
    pub scheme: String,
    /// A path prefix under the provider's base URL (with --hostname/--port).
    #[arg(long = "base-path", value_name = "PATH", help_heading = "Provider")]
    pub base_path: Option<String>,
    /// Where provider states are set up (POST {"consumer","state","states","params","action"}).
    #[arg(
        short = 's',
        long = "state-change-url",
        visible_alias = "provider-states-setup-url",
        value_name = "URL",
        help_heading = "Provider"
    )]
    pub state_change_url: Option<String>,
    /// Send state changes as query parameters instead of a JSON body.
    #[arg(long = "state-change-as-query", help_heading = "Provider")]
    pub state_change_as_query: bool,
    /// Start the provider with this shell command, wait until its base URL answers, verify, stop it.
    #[arg(
        long = "provider-cmd",
        value_name = "COMMAND",
        help_heading = "Provider"
    )]
    pub provider_cmd: Option<String>,
    /// How long --provider-cmd may take to answer, in seconds.
    #[arg(
        long = "provider-startup-timeout",
        default_value_t = 60,
        value_name = "SECONDS",
        help_heading = "Provider"
    )]
    pub provider_startup_timeout: u64,
    /// Timeout of each request to the provider, in milliseconds.
    #[arg(
        long = "request-timeout",
        default_value_t = 5000,
        value_name = "MS",
        help_heading = "Provider"
    )]
    pub request_timeout: u64,
    /// A header to add to every request, "Name: value" (repeatable).
    #[arg(
        short = 'H',
        long = "header",
        visible_alias = "custom-header",
        value_name = "HEADER",
        help_heading = "Provider"
    )]
    pub headers: Vec<String>,

    /// Only interactions whose description matches this regex.
    #[arg(
        long = "filter-description",
        env = "PACT_DESCRIPTION",
        value_name = "REGEX",
        help_heading = "Filters"
    )]
    pub filter_description: Option<String>,
    /// Only interactions with a provider state that matches this regex.
    #[arg(
        long = "filter-state",
        env = "PACT_PROVIDER_STATE",
        value_name = "REGEX",
        help_heading = "Filters"
    )]
    pub filter_state: Option<String>,
    /// Only interactions without a provider state.
    #[arg(
        long = "filter-no-state",
        env = "PACT_PROVIDER_NO_STATE",
        help_heading = "Filters"
    )]
    pub filter_no_state: bool,
    /// Only pacts of this consumer (repeatable).
    #[arg(
        short = 'c',
        long = "filter-consumer",
        value_name = "NAME",
        help_heading = "Filters"
    )]
    pub filter_consumers: Vec<String>,

    /// Exit 0 when nothing was verified (no pacts, or every interaction filtered out)
    /// instead of failing.
    #[arg(long = "ignore-no-pacts-error", help_heading = "Filters")]
    pub ignore_no_pacts_error: bool,

    /// Publish the verification results to the broker.
    #[arg(
        long = "publish",
        visible_alias = "publish-verification-results",
        help_heading = "Publishing"
    )]
    pub publish: bool,
    /// The provider version the results are for (default: the package's version and
    /// commit, `<version>+<short sha>`, the commit from the CI's variables or git).
    #[arg(
        long = "provider-version",
        visible_alias = "provider-app-version",
        value_name = "VERSION",
        help_heading = "Publishing"
    )]
    pub provider_version: Option<String>,
    /// The provider version's branch, also sent to the broker for pending and WIP (default:
    /// the CI's branch variable, else the git branch checked out).
    #[arg(
        long = "provider-branch",
        value_name = "BRANCH",
        help_heading = "Publishing"
    )]
    pub provider_branch: Option<String>,
    /// Tags for the provider version (comma-separated or repeated).
    #[arg(
        long = "provider-tags",
        value_delimiter = ',',
        value_name = "TAG",
        help_heading = "Publishing"
    )]
    pub provider_tags: Vec<String>,
    /// The URL of the CI build that verified (default: from the CI's variables).
    #[arg(long = "build-url", value_name = "URL", help_heading = "Publishing")]
    pub build_url: Option<String>,

    /// Also write the report as JSON to this file.
    #[arg(long = "json", value_name = "FILE", help_heading = "Output")]
    pub json: Option<PathBuf>,
    /// Also write the report as JUnit XML to this file.
    #[arg(long = "junit", value_name = "FILE", help_heading = "Output")]
    pub junit: Option<PathBuf>,
    /// Color the report.
    #[arg(long = "color", value_enum, default_value_t = Color::Auto, help_heading = "Output")]
    pub color: Color,
    #[command(flatten)]
    pub log: LogArgs,
    /// The package whose [package.metadata.pact] supplies settings not given as flags.
    #[arg(long = "manifest-path", value_name = "PATH")]
    pub manifest_path: Option<PathBuf>,
}

/// Where the log of requests goes.
#[derive(Debug, Args)]
pub struct LogArgs {
    /// Log each request and its response status to stderr at this level and above: off,
    /// error, warn, info (request lines and statuses), debug (also headers, credentials
    /// redacted, and bodies), trace.
    #[arg(
        long = "log-level",
        env = "PACT_LOG_LEVEL",
        default_value = "warn",
        value_name = "LEVEL",
        value_parser = |s: &str| pact_runtime::log::parse_level(s),
        help_heading = "Output"
    )]
    pub log_level: tracing::level_filters::LevelFilter,
}

impl LogArgs {
    /// Sends the records of the level asked for to stderr.
    pub fn install(&self) {
        // Fails only when a subscriber is already set, which only a second call would do.
        let _ = tracing::subscriber::set_global_default(pact_runtime::log::LineSubscriber::stderr(
            self.log_level,
        ));
    }
}

/// `cargo pact stub`.
#[derive(Debug, Args)]
pub struct StubArgs {
    #[command(flatten)]
    pub sources: SourceArgs,
    #[command(flatten)]
    pub log: LogArgs,
    #[command(flatten)]
    pub auth: AuthArgs,
    /// The port to listen on (0: any free port, printed at start).
    #[arg(
        short = 'p',
        long = "port",
        default_value_t = 8080,
        value_name = "PORT"
    )]
    pub port: u16,
    /// The address to listen on.
    #[arg(long = "host", default_value = "127.0.0.1", value_name = "ADDRESS")]
    pub host: std::net::IpAddr,
    /// Answer CORS preflight requests and allow any origin.
    #[arg(short = 'o', long = "cors")]
    pub cors: bool,
    /// Serve only interactions with a provider state matching this regex.
    #[arg(short = 's', long = "provider-state", value_name = "REGEX")]
    pub provider_state: Option<String>,
    /// A request header that chooses the provider state (a regex), per request.
    #[arg(
        long = "provider-state-header-name",
        default_value = "X-Pact-Provider-State",
        value_name = "NAME"
    )]
    pub provider_state_header_name: String,
    /// Only pacts of this consumer (repeatable).
    #[arg(short = 'c', long = "filter-consumer", value_name = "NAME")]
    pub filter_consumers: Vec<String>,
}

/// `cargo pact test`.
#[derive(Debug, Args)]
pub struct TestArgs {
    /// The pact dir (default: PACT_OUTPUT_DIR, else the workspace's pact dir; a relative one
    /// is relative to the workspace root, as the tests write it).
    #[arg(long = "pact-dir", value_name = "DIR")]
    pub pact_dir: Option<PathBuf>,
    /// Arguments passed to `cargo test` (after `--`).
    #[arg(last = true, value_name = "CARGO_TEST_ARGS")]
    pub cargo_args: Vec<String>,
}

/// An environment variable that is `true` when set to `true` (any case), as the official
/// broker image reads its boolean settings.
fn env_flag(s: &str) -> Result<bool, String> {
    match s.to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" => Ok(true),
        "false" | "0" | "no" | "" => Ok(false),
        other => Err(format!("expected true or false, got `{other}`")),
    }
}

/// `cargo pact broker`. Credentials come from the variables the official Docker image
/// reads; without any, everyone may read and write.
#[derive(Args)]
pub struct BrokerArgs {
    /// The port to listen on (0: any free port, printed at start).
    #[arg(
        long = "port",
        env = "PACT_BROKER_PORT",
        default_value_t = 9292,
        value_name = "PORT"
    )]
    pub port: u16,
    /// The address to listen on (0.0.0.0 to serve other machines).
    #[arg(long = "bind", default_value = "127.0.0.1", value_name = "ADDRESS")]
    pub bind: std::net::IpAddr,
    /// The database: sqlite://PATH (created if missing) or postgres://USER:PASSWORD@HOST/DB.
    #[arg(
        long = "database",
        env = "PACT_BROKER_DATABASE_URL",
        hide_env_values = true,
        default_value = "sqlite://pact-broker.sqlite",
        value_name = "URL"
    )]
    pub database: String,
    /// The URL clients reach the broker at, used in every link it serves (behind a proxy);
    /// without it, X-Forwarded-Proto/-Host or the request's Host.
    #[arg(long = "base-url", env = "PACT_BROKER_BASE_URL", value_name = "URL")]
    pub base_url: Option<String>,
    /// Let a version publish different content for a pact it already published (else 409).
    #[arg(long = "allow-dangerous-contract-modification", env = "PACT_BROKER_ALLOW_DANGEROUS_CONTRACT_MODIFICATION", value_parser = env_flag, num_args = 0..=1, default_missing_value = "true", default_value = "false")]
    pub allow_dangerous_contract_modification: bool,
    /// The largest request body accepted, in bytes (larger ones get 413).
    #[arg(long = "body-limit", env = "PACT_BROKER_BODY_LIMIT", default_value_t = pact_broker::DEFAULT_BODY_LIMIT, value_name = "BYTES")]
    pub body_limit: usize,
    /// Serve HTTPS with this PEM certificate chain (the broker's certificate first, then
    /// any intermediates); needs --tls-key.
    #[arg(
        long = "tls-cert",
        env = "PACT_BROKER_TLS_CERT",
        requires = "tls_key",
        value_name = "FILE",
        help_heading = "TLS"
    )]
    pub tls_cert: Option<PathBuf>,
    /// The PEM private key of --tls-cert (PKCS#8, PKCS#1 or SEC1); needs --tls-cert.
    #[arg(
        long = "tls-key",
        env = "PACT_BROKER_TLS_KEY",
        requires = "tls_cert",
        value_name = "FILE",
        help_heading = "TLS"
    )]
    pub tls_key: Option<PathBuf>,
    /// The user that may read and write.
    #[arg(
        long = "basic-auth-username",
        env = "PACT_BROKER_BASIC_AUTH_USERNAME",
        value_name = "USER",
        help_heading = "Auth"
    )]
    pub basic_auth_username: Option<String>,
    /// Its password.
    #[arg(
        long = "basic-auth-password",
        env = "PACT_BROKER_BASIC_AUTH_PASSWORD",
        hide_env_values = true,
        value_name = "PASSWORD",
        help_heading = "Auth"
    )]
    pub basic_auth_password: Option<String>,
    /// A user that may only read.
    #[arg(
        long = "basic-auth-read-only-username",
        env = "PACT_BROKER_BASIC_AUTH_READ_ONLY_USERNAME",
        value_name = "USER",
        help_heading = "Auth"
    )]
    pub basic_auth_read_only_username: Option<String>,
    /// Its password.
    #[arg(
        long = "basic-auth-read-only-password",
        env = "PACT_BROKER_BASIC_AUTH_READ_ONLY_PASSWORD",
        hide_env_values = true,
        value_name = "PASSWORD",
        help_heading = "Auth"
    )]
    pub basic_auth_read_only_password: Option<String>,
    /// A bearer token that may read and write (repeatable; the variable takes a comma-separated list).
    #[arg(
        long = "token",
        env = "PACT_BROKER_TOKEN",
        hide_env_values = true,
        value_delimiter = ',',
        value_name = "TOKEN",
        help_heading = "Auth"
    )]
    pub tokens: Vec<String>,
    /// A bearer token that may only read (repeatable; the variable takes a comma-separated list).
    #[arg(
        long = "read-only-token",
        env = "PACT_BROKER_READ_ONLY_TOKEN",
        hide_env_values = true,
        value_delimiter = ',',
        value_name = "TOKEN",
        help_heading = "Auth"
    )]
    pub read_only_tokens: Vec<String>,
    /// Anyone may read without credentials.
    #[arg(long = "allow-public-read", env = "PACT_BROKER_ALLOW_PUBLIC_READ", value_parser = env_flag, num_args = 0..=1, default_missing_value = "true", default_value = "false", help_heading = "Auth")]
    pub allow_public_read: bool,
    /// The heartbeat needs no credentials (for a load balancer's health check).
    #[arg(long = "public-heartbeat", env = "PACT_BROKER_PUBLIC_HEARTBEAT", value_parser = env_flag, num_args = 0..=1, default_missing_value = "true", default_value = "false", help_heading = "Auth")]
    pub public_heartbeat: bool,
    /// The badges (`…/badge`, `…/badge.svg`) need no credentials, for READMEs; nothing
    /// else opens, and wrong credentials are still refused.
    #[arg(long = "enable-public-badge-access", env = "PACT_BROKER_ENABLE_PUBLIC_BADGE_ACCESS", value_parser = env_flag, num_args = 0..=1, default_missing_value = "true", default_value = "false", help_heading = "Auth")]
    pub enable_public_badge_access: bool,
    #[command(flatten)]
    pub log: LogArgs,
}

impl std::fmt::Debug for BrokerArgs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BrokerArgs")
            .field("port", &self.port)
            .field("bind", &self.bind)
            .field("database", &pact_broker::store::redact(&self.database))
            .field("base_url", &self.base_url)
            .field("tls_cert", &self.tls_cert)
            .field("tls_key", &self.tls_key)
            .field("basic_auth_username", &self.basic_auth_username)
            .field("tokens", &self.tokens.len())
            .field("read_only_tokens", &self.read_only_tokens.len())
            .finish_non_exhaustive()
    }
}

/// `cargo pact publish`.
#[derive(Debug, Args)]
pub struct PublishArgs {
    /// Pact files or directories of them (default: the workspace's pact dir, as the consumer
    /// tests write it: PACT_OUTPUT_DIR, else `pact-dir` in [workspace.metadata.pact], else
    /// <workspace root>/pacts).
    #[arg(value_name = "PACT_DIR_OR_FILE")]
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub broker: BrokerConnArgs,
    /// The consumer version (default: the package version and the commit,
    /// `<version>+<short sha>`, the commit from the CI's variables or git).
    #[arg(
        short = 'a',
        long = "consumer-app-version",
        visible_alias = "consumer-version",
        value_name = "VERSION"
    )]
    pub consumer_app_version: Option<String>,
    /// The consumer version's branch (default: the CI's branch variable, else the git
    /// branch checked out).
    #[arg(
        long = "branch",
        visible_alias = "consumer-app-branch",
        value_name = "BRANCH"
    )]
    pub branch: Option<String>,
    /// Detect the version's commit, branch and build URL from the CI's variables and git.
    /// Always on in cargo pact; accepted for the official CLIs' scripts.
    #[arg(long = "auto-detect-version-properties", visible_short_alias = 'r')]
    pub auto_detect_version_properties: bool,
    /// A tag for the consumer version (repeatable, or comma-separated).
    #[arg(short = 't', long = "tag", value_delimiter = ',', value_name = "TAG")]
    pub tags: Vec<String>,
    /// The URL of the CI build that published (default: from the CI's variables).
    #[arg(long = "build-url", value_name = "URL")]
    pub build_url: Option<String>,
    /// Merge the interactions into the pact this version already published, instead of
    /// refusing changed content.
    #[arg(long = "merge")]
    pub merge: bool,
    /// How to print the result.
    #[arg(short = 'o', long = "output", value_enum, default_value_t = Output::Table)]
    pub output: Output,
    /// Color the notices.
    #[arg(long = "color", value_enum, default_value_t = Color::Auto)]
    pub color: Color,
    #[command(flatten)]
    pub log: LogArgs,
    /// The package whose settings (`broker-url`, the pact dir, the version) apply.
    #[arg(long = "manifest-path", value_name = "PATH")]
    pub manifest_path: Option<PathBuf>,
}

/// `cargo pact can-i-deploy`: the Ruby CLI's flags. `--pacticipant`, `--version`,
/// `--latest`, `--branch`, `--main-branch` and `--ignore` are read in the order given (see
/// [`crate::can_i_deploy::SelectorArgs`]).
#[derive(Debug, Args)]
pub struct CanIDeployArgs {
    #[command(flatten)]
    pub selectors: crate::can_i_deploy::SelectorArgs,
    /// The environment the versions are to be deployed to: they are checked against what is
    /// deployed or released there.
    #[arg(
        long = "to-environment",
        value_name = "ENVIRONMENT",
        conflicts_with = "to",
        help_heading = "Target"
    )]
    pub to_environment: Option<String>,
    /// Check against the latest version of each other pacticipant with this tag (the
    /// older, tag-based workflow; prefer --to-environment).
    #[arg(long = "to", value_name = "TAG", help_heading = "Target")]
    pub to: Option<String>,
    /// While the broker has no verification result for some integration, ask again this
    /// many times (the provider's verification may still be running).
    #[arg(
        long = "retry-while-unknown",
        default_value_t = 0,
        value_name = "TIMES",
        help_heading = "Retries"
    )]
    pub retry_while_unknown: u32,
    /// Seconds between the retries of --retry-while-unknown.
    #[arg(
        long = "retry-interval",
        default_value_t = 10,
        value_name = "SECONDS",
        help_heading = "Retries"
    )]
    pub retry_interval: u64,
    /// Print the broker's answer but exit 0 whatever it is (setting up a pipeline, or a
    /// deliberate deployment of a breaking change).
    #[arg(
        long = "dry-run",
        env = "PACT_BROKER_CAN_I_DEPLOY_DRY_RUN",
        action = clap::ArgAction::SetTrue,
        value_parser = clap::builder::BoolishValueParser::new(),
        help_heading = "Output"
    )]
    pub dry_run: bool,
    /// How to print the answer: a table of the matrix rows with the reason, or the broker's
    /// JSON.
    #[arg(
        short = 'o',
        long = "output",
        value_enum,
        default_value_t = Output::Table,
        help_heading = "Output"
    )]
    pub output: Output,
    /// Color the table (auto: when stdout is a terminal, unless CARGO_TERM_COLOR or
    /// NO_COLOR say otherwise).
    #[arg(long = "color", value_enum, default_value_t = Color::Auto, help_heading = "Output")]
    pub color: Color,
    #[command(flatten)]
    pub log: LogArgs,
    #[command(flatten)]
    pub broker: BrokerConnArgs,
    /// The package whose pacticipant name, version and broker-url are the defaults.
    #[arg(long = "manifest-path", value_name = "PATH")]
    pub manifest_path: Option<PathBuf>,
}

// ---------------------------------------------------------------------------------------
// The broker administration commands: environments, deployments and releases, version
// tags and descriptions, pacticipants, webhooks. Flags are spelled as the official Ruby
// CLI (pact-broker-client) spells them.

/// Exit codes of the broker administration commands, documented in their `--help`.
pub const ADMIN_EXIT_CODES: &str = "\
Exit codes:
  0  done
  2  bad arguments or settings, or a pacticipant, version or environment the broker does
     not know (the error names which), or nothing to end (record-undeployment,
     record-support-ended)
  4  the broker failed or refused";

/// What every broker administration command takes: the broker, the package the defaults
/// come from, how to print, and the request log.
#[derive(Debug, Args)]
pub struct AdminArgs {
    /// What to print: lines for people, or the broker's answer as JSON (an array when the
    /// command made several changes).
    #[arg(short = 'o', long = "output", value_enum, default_value_t = Output::Table, help_heading = "Output")]
    pub output: Output,
    #[command(flatten)]
    pub log: LogArgs,
    #[command(flatten)]
    pub broker: BrokerConnArgs,
    /// The package whose [package.metadata.pact] and version supply the defaults (default:
    /// the package in the current directory).
    #[arg(long = "manifest-path", value_name = "PATH")]
    pub manifest_path: Option<PathBuf>,
}

/// A pacticipant version, both defaulting from the package.
#[derive(Debug, Args, Default)]
pub struct PacticipantVersionArgs {
    /// The pacticipant (default: the package's `consumer` setting; for a provider, a
    /// package with `provider-base-url` or `state-change-url` set, its `provider` setting;
    /// else the package name).
    #[arg(short = 'a', long = "pacticipant", value_name = "NAME")]
    pub pacticipant: Option<String>,
    /// The pacticipant version (default: the package version plus the short git sha,
    /// `1.2.0+abc1234`, as `publish` gives it).
    #[arg(short = 'e', long = "version", value_name = "VERSION")]
    pub version: Option<String>,
}

/// `cargo pact record-deployment`.
#[derive(Debug, Args)]
pub struct RecordDeploymentArgs {
    #[command(flatten)]
    pub target: PacticipantVersionArgs,
    /// The name of the environment the version was deployed to.
    #[arg(long = "environment", value_name = "NAME")]
    pub environment: String,
    /// The application instance deployed to, when one environment runs several instances
    /// of the pacticipant (`--target` is its old name).
    #[arg(
        long = "application-instance",
        alias = "target",
        value_name = "INSTANCE"
    )]
    pub application_instance: Option<String>,
    #[command(flatten)]
    pub common: AdminArgs,
}

/// `cargo pact record-undeployment`.
#[derive(Debug, Args)]
pub struct RecordUndeploymentArgs {
    /// The pacticipant undeployed (default: the package's `consumer` setting; for a provider, a
    /// package with `provider-base-url` or `state-change-url` set, its `provider` setting;
    /// else the package name).
    #[arg(short = 'a', long = "pacticipant", value_name = "NAME")]
    pub pacticipant: Option<String>,
    /// Only end the deployment of this version (default: whichever is deployed).
    #[arg(short = 'e', long = "version", value_name = "VERSION")]
    pub version: Option<String>,
    /// The name of the environment it was removed from.
    #[arg(long = "environment", value_name = "NAME")]
    pub environment: String,
    /// The application instance removed (without it, the deployment recorded without an
    /// instance; `--target` is its old name).
    #[arg(
        long = "application-instance",
        alias = "target",
        value_name = "INSTANCE"
    )]
    pub application_instance: Option<String>,
    #[command(flatten)]
    pub common: AdminArgs,
}

/// `cargo pact record-release` and `cargo pact record-support-ended`.
#[derive(Debug, Args)]
pub struct RecordReleaseArgs {
    #[command(flatten)]
    pub target: PacticipantVersionArgs,
    /// The name of the environment (for a mobile app, say, the app store).
    #[arg(long = "environment", value_name = "NAME")]
    pub environment: String,
    #[command(flatten)]
    pub common: AdminArgs,
}

/// `cargo pact create-environment`.
#[derive(Debug, Args)]
pub struct CreateEnvironmentArgs {
    /// The environment's name, as deployment scripts give it (`production`, `test`).
    #[arg(long = "name", value_name = "NAME")]
    pub name: String,
    /// Its name for people (default: the broker's, from the name).
    #[arg(long = "display-name", value_name = "NAME")]
    pub display_name: Option<String>,
    /// It is a production environment.
    #[arg(long = "production", overrides_with = "no_production")]
    pub production: bool,
    /// It is not a production environment (the default).
    #[arg(long = "no-production", overrides_with = "production")]
    pub no_production: bool,
    /// The team or person responsible for it.
    #[arg(long = "contact-name", value_name = "NAME")]
    pub contact_name: Option<String>,
    /// Their email address.
    #[arg(long = "contact-email-address", value_name = "EMAIL")]
    pub contact_email_address: Option<String>,
    #[command(flatten)]
    pub common: AdminArgs,
}

/// `cargo pact describe-environment`.
#[derive(Debug, Args)]
pub struct DescribeEnvironmentArgs {
    /// The environment's UUID (list-environments shows them).
    #[arg(long = "uuid", value_name = "UUID")]
    pub uuid: String,
    #[command(flatten)]
    pub common: AdminArgs,
}

/// `cargo pact list-environments`.
#[derive(Debug, Args)]
pub struct ListEnvironmentsArgs {
    #[command(flatten)]
    pub common: AdminArgs,
}

/// `cargo pact create-version-tag`.
#[derive(Debug, Args)]
pub struct CreateVersionTagArgs {
    #[command(flatten)]
    pub target: PacticipantVersionArgs,
    /// A tag to add (repeatable).
    #[arg(short = 't', long = "tag", value_name = "TAG")]
    pub tags: Vec<String>,
    /// Also tag with the current git branch (the CI's branch variable, else `git`).
    #[arg(short = 'g', long = "tag-with-git-branch")]
    pub tag_with_git_branch: bool,
    /// Create the version when the broker does not have it (else that is an error).
    #[arg(long = "auto-create-version")]
    pub auto_create_version: bool,
    #[command(flatten)]
    pub common: AdminArgs,
}

/// `cargo pact describe-version`.
#[derive(Debug, Args)]
pub struct DescribeVersionArgs {
    /// The pacticipant (default: the package's `consumer` setting; for a provider, a
    /// package with `provider-base-url` or `state-change-url` set, its `provider` setting;
    /// else the package name).
    #[arg(short = 'a', long = "pacticipant", value_name = "NAME")]
    pub pacticipant: Option<String>,
    /// The version to describe (default: the latest).
    #[arg(
        short = 'e',
        long = "version",
        value_name = "VERSION",
        conflicts_with = "latest"
    )]
    pub version: Option<String>,
    /// Describe the latest version; with a TAG, the latest version with that tag.
    #[arg(short = 'l', long = "latest", value_name = "TAG", num_args = 0..=1)]
    pub latest: Option<Option<String>>,
    #[command(flatten)]
    pub common: AdminArgs,
}

/// `cargo pact create-or-update-pacticipant`.
#[derive(Debug, Args)]
pub struct CreateOrUpdatePacticipantArgs {
    /// The pacticipant's name (default: the package's `consumer` setting; for a provider, a
    /// package with `provider-base-url` or `state-change-url` set, its `provider` setting;
    /// else the package name).
    #[arg(long = "name", value_name = "NAME")]
    pub name: Option<String>,
    /// Its name for people.
    #[arg(long = "display-name", value_name = "NAME")]
    pub display_name: Option<String>,
    /// Its repository's main branch (what `{"mainBranch": true}` selectors pick).
    #[arg(long = "main-branch", value_name = "BRANCH")]
    pub main_branch: Option<String>,
    /// Its repository's URL.
    #[arg(long = "repository-url", value_name = "URL")]
    pub repository_url: Option<String>,
    #[command(flatten)]
    pub common: AdminArgs,
}

/// `cargo pact create-webhook`: the request to send, spelled as for curl.
#[derive(Debug, Args)]
pub struct CreateWebhookArgs {
    /// The URL the webhook requests.
    #[arg(value_name = "URL", required_unless_present = "url_flag")]
    pub url: Option<String>,
    /// The URL the webhook requests (instead of the positional URL).
    #[arg(long = "url", value_name = "URL", conflicts_with = "url")]
    pub url_flag: Option<String>,
    /// The webhook's HTTP method.
    #[arg(
        short = 'X',
        long = "request",
        value_name = "METHOD",
        default_value = "POST"
    )]
    pub request: String,
    /// A header of the webhook's request, "Name: value" (repeatable). Values of
    /// credential headers are stored by the broker and never printed.
    #[arg(short = 'H', long = "header", value_name = "HEADER")]
    pub headers: Vec<String>,
    /// The webhook's body: JSON (sent as JSON), other text, or @FILE to read it from a file.
    /// It may use the broker's placeholders, e.g. ${pactbroker.consumerName}.
    #[arg(short = 'd', long = "data", value_name = "BODY")]
    pub data: Option<String>,
    /// Only for pacts of this consumer (default: any consumer).
    #[arg(long = "consumer", value_name = "NAME")]
    pub consumer: Option<String>,
    /// Only for pacts with this provider (default: any provider).
    #[arg(long = "provider", value_name = "NAME")]
    pub provider: Option<String>,
    /// The webhook's description (shown by the broker).
    #[arg(long = "description", value_name = "TEXT")]
    pub description: Option<String>,
    /// Run when a pact is published with content that differs from its previous version.
    #[arg(
        long = "contract-content-changed",
        help_heading = "Events (at least one)"
    )]
    pub contract_content_changed: bool,
    /// Run whenever a pact is published.
    #[arg(long = "contract-published", help_heading = "Events (at least one)")]
    pub contract_published: bool,
    /// Run whenever a verification result is published.
    #[arg(
        long = "provider-verification-published",
        help_heading = "Events (at least one)"
    )]
    pub provider_verification_published: bool,
    /// Run when a successful verification result is published.
    #[arg(
        long = "provider-verification-succeeded",
        help_heading = "Events (at least one)"
    )]
    pub provider_verification_succeeded: bool,
    /// Run when a failed verification result is published.
    #[arg(
        long = "provider-verification-failed",
        help_heading = "Events (at least one)"
    )]
    pub provider_verification_failed: bool,
    /// Run when a pact is published that needs a verification (changed content, or a
    /// consumer version no provider version has verified).
    #[arg(
        long = "contract-requiring-verification-published",
        help_heading = "Events (at least one)"
    )]
    pub contract_requiring_verification_published: bool,
    #[command(flatten)]
    pub common: AdminArgs,
}

#[cfg(test)]
mod tests {
    /// Every subcommand, with the path of names leading to it.
    fn all(command: &clap::Command, path: String, out: &mut Vec<(String, clap::Command)>) {
        out.push((path.clone(), command.clone()));
        for sub in command.get_subcommands() {
            all(sub, format!("{path} {}", sub.get_name()), out);
        }
    }

    /// `--help` explains everything: each subcommand says what it does and each of its
    /// flags and arguments what it is for.
    #[test]
    fn every_subcommand_and_flag_has_help() {
        let mut commands = Vec::new();
        all(&super::command(), "cargo pact".to_string(), &mut commands);
        assert!(commands.len() > 15, "{} commands", commands.len());
        let mut missing = Vec::new();
        for (path, command) in &commands {
            if path != "cargo pact" && command.get_about().is_none() {
                missing.push(format!("{path}: no about"));
            }
            for arg in command.get_arguments().filter(|a| !a.is_hide_set()) {
                let help = arg.get_help().map(|h| h.to_string()).unwrap_or_default();
                if help.trim().len() < 10 {
                    missing.push(format!("{path} {}: {help:?}", arg.get_id()));
                }
            }
        }
        assert!(missing.is_empty(), "without help:\n{}", missing.join("\n"));
    }
}
