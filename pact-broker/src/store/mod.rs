//! Storage: one set of queries over SQLite (the default, a file that needs nothing
//! installed) and PostgreSQL (for teams, and for several brokers behind a load balancer).
//!
//! The queries are written once, in `repo/`, and compiled twice: `include!`d into the
//! [`sqlite`] and [`postgres`] modules, each with its own `Db` type, so every query is
//! type-checked against both drivers and no generic bound soup is needed. sqlx's `Any`
//! driver was the other way, and a poor fit (no `RETURNING` ids on every backend, no typed
//! columns). What differs per backend is only how a write transaction starts (`BEGIN
//! IMMEDIATE` on SQLite, so a transaction that reads then writes waits for the lock rather
//! than failing with `SQLITE_BUSY`) and the migrations, two paired folders with the same
//! tables, columns and indexes.
//!
//! Times are RFC 3339 UTC text with microseconds ([`now`]), so ordering them as text
//! orders them in time on both backends. A version's id is its order.

mod model;
mod verif_model;

pub use model::*;
pub use verif_model::*;

use std::borrow::Cow;
use std::time::Duration;

/// Why storage could not do what was asked.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database could not be reached, or timed out: the broker answers 503 and keeps
    /// running, so a database that comes back is used again.
    #[error("the database is unavailable: {0}")]
    Unavailable(String),
    /// A URL that names no database this broker can use.
    #[error("unsupported database URL `{0}`: use sqlite://PATH or postgres://USER@HOST/DB")]
    UnsupportedUrl(String),
    /// The migrations could not be applied.
    #[error("could not migrate the database: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// Publishing changed the content of a pact that a version already published.
    #[error("{}", .0.join(" "))]
    Conflict(Vec<String>),
    /// What was named does not exist.
    #[error("{0}")]
    NotFound(String),
    /// A request that names things consistently but asks for something the data forbids
    /// (a duplicate environment name, say).
    #[error("{0}")]
    Invalid(String),
    /// A value that must be unique already is (an environment's name, say): the API
    /// answers 400 with `{"errors": {field: [message]}}`.
    #[error("{message}")]
    Duplicate {
        /// The request field at fault (`name`).
        field: String,
        /// What is wrong, as the broker words it.
        message: String,
    },
    /// Any other database error.
    #[error("database error: {0}")]
    Database(sqlx::Error),
}

/// Whether `e` is the database refusing a row that breaks a unique constraint.
fn is_unique_violation(e: &StoreError) -> bool {
    matches!(e, StoreError::Database(sqlx::Error::Database(d)) if d.is_unique_violation())
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> StoreError {
        match e {
            sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) => {
                StoreError::Unavailable(e.to_string())
            }
            sqlx::Error::Tls(_) | sqlx::Error::Protocol(_) | sqlx::Error::WorkerCrashed => {
                StoreError::Unavailable(e.to_string())
            }
            sqlx::Error::Database(ref d) if server_unavailable(d.as_ref()) => {
                StoreError::Unavailable(e.to_string())
            }
            other => StoreError::Database(other),
        }
    }
}

/// Whether PostgreSQL answered that it cannot serve now rather than that the query is
/// wrong: a session it terminated as it shut down (`57P01` admin_shutdown, `57P02`
/// crash_shutdown), one it refuses while starting or stopping (`57P03`), no connection
/// slot left (`53300`), or any connection exception (class `08`). The pool replaces such a
/// connection, so the same request succeeds once the server is back.
fn server_unavailable(e: &dyn sqlx::error::DatabaseError) -> bool {
    let Some(pg) = e.try_downcast_ref::<sqlx::postgres::PgDatabaseError>() else {
        return false;
    };
    let code = pg.code();
    code.starts_with("08") || matches!(code, "57P01" | "57P02" | "57P03" | "53300")
}

/// What storage answers.
pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// The current time as the broker stores it: `2026-12-01T09:30:00.123456Z`.
///
/// ```
/// let t = pact_broker::store::now();
/// assert_eq!(t.len(), 27);
/// assert!(t.ends_with('Z'));
/// ```
#[must_use]
pub fn now() -> String {
    format_time(&pact_core::datetime::DateTime::now_utc())
}

/// The time `delay` from now, as the broker stores times (see [`now`]).
///
/// ```
/// use std::time::Duration;
/// let (now, later) = (pact_broker::store::now(), pact_broker::store::time_after(Duration::from_secs(60)));
/// assert!(later > now);
/// ```
#[must_use]
pub fn time_after(delay: Duration) -> String {
    let now = pact_core::datetime::DateTime::now_utc();
    let nanos = u64::from(now.nanosecond) + u64::from(delay.subsec_nanos());
    let secs = now
        .to_unix()
        .saturating_add(i64::try_from(delay.as_secs()).unwrap_or(i64::MAX / 2))
        .saturating_add((nanos / 1_000_000_000) as i64);
    format_time(&pact_core::datetime::DateTime::from_unix(
        secs,
        (nanos % 1_000_000_000) as u32,
    ))
}

fn format_time(t: &pact_core::datetime::DateTime) -> String {
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}Z",
        t.year,
        t.month,
        t.day,
        t.hour,
        t.minute,
        t.second,
        t.nanosecond / 1000
    )
}

/// A random UUID (version 4), for environments, deployments and webhooks.
#[must_use]
pub fn new_uuid() -> String {
    let mut b: [u8; 16] = fastrand::u128(..).to_be_bytes();
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

fn migrations(files: &[(i64, &'static str, &'static str)]) -> sqlx::migrate::Migrator {
    use sqlx::migrate::{Migration, MigrationType, Migrator};
    let migrations = files
        .iter()
        .map(|(version, description, sql)| {
            Migration::new(
                *version,
                Cow::Borrowed(*description),
                MigrationType::Simple,
                Cow::Borrowed(*sql),
                false,
            )
        })
        .collect::<Vec<_>>();
    Migrator {
        migrations: Cow::Owned(migrations),
        ..Migrator::DEFAULT
    }
}

/// The SQLite backend.
pub mod sqlite {
    use super::*;
    use sqlx::sqlite::{
        SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous,
    };
    use std::str::FromStr;

    type Db = sqlx::Sqlite;
    const BEGIN_WRITE: &str = "BEGIN IMMEDIATE";
    const MIGRATIONS: &[(i64, &str, &str)] = &[
        (
            1,
            "schema",
            include_str!("../../migrations/sqlite/0001_schema.sql"),
        ),
        (
            2,
            "deployments and webhooks",
            include_str!("../../migrations/sqlite/0002_deployments_webhooks.sql"),
        ),
        (
            3,
            "webhook executions",
            include_str!("../../migrations/sqlite/0003_webhook_executions.sql"),
        ),
        (
            4,
            "execution integrations",
            include_str!("../../migrations/sqlite/0004_execution_integrations.sql"),
        ),
    ];

    /// Claims up to `$3` due webhook executions until `$1` (the time now is `$2`), in one
    /// statement under `BEGIN IMMEDIATE`: SQLite lets one writer in at a time, so two
    /// brokers on one file never claim the same row. Paired with the PostgreSQL one.
    const CLAIM_DUE_EXECUTIONS: &str = "UPDATE webhook_executions \
         SET claimed_until = $1, updated_at = $2 \
         WHERE id IN (SELECT id FROM webhook_executions \
             WHERE status = 'pending' AND next_attempt_at <= $2 \
               AND (claimed_until IS NULL OR claimed_until <= $2) \
             ORDER BY id LIMIT $3) \
         RETURNING id, webhook_uuid, event_name, request, attempts";

    include!("repo/mod.rs");
    include!("repo/pacticipants.rs");
    include!("repo/pacts.rs");
    include!("repo/verifications.rs");
    include!("repo/environments.rs");
    include!("repo/webhooks.rs");
    include!("repo/webhook_executions.rs");
    include!("repo/for_verification.rs");
    include!("repo/matrix.rs");
    include!("repo/dashboard.rs");
    include!("repo/latest_versions.rs");
    include!("repo/pact_page.rs");
    include!("repo/badges.rs");

    impl Repo {
        /// Opens (creating it if missing) the SQLite file that `url` names, in WAL mode with
        /// foreign keys on, and brings its schema up to date.
        pub async fn open(url: &str) -> Result<Repo> {
            let options = SqliteConnectOptions::from_str(url)
                .map_err(|e| StoreError::Unavailable(format!("{url}: {e}")))?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(10));
            let pool = SqlitePoolOptions::new()
                .max_connections(8)
                .acquire_timeout(Duration::from_secs(10))
                .connect_with(options)
                .await?;
            migrations(MIGRATIONS).run(&pool).await?;
            Ok(Repo { pool })
        }
    }
}

/// The PostgreSQL backend.
pub mod postgres {
    use super::*;
    use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
    use sqlx::Connection;
    use std::str::FromStr;

    type Db = sqlx::Postgres;
    const BEGIN_WRITE: &str = "BEGIN";
    const MIGRATIONS: &[(i64, &str, &str)] = &[
        (
            1,
            "schema",
            include_str!("../../migrations/postgres/0001_schema.sql"),
        ),
        (
            2,
            "deployments and webhooks",
            include_str!("../../migrations/postgres/0002_deployments_webhooks.sql"),
        ),
        (
            3,
            "webhook executions",
            include_str!("../../migrations/postgres/0003_webhook_executions.sql"),
        ),
        (
            4,
            "execution integrations",
            include_str!("../../migrations/postgres/0004_execution_integrations.sql"),
        ),
    ];

    /// Claims up to `$3` due webhook executions until `$1` (the time now is `$2`), in one
    /// statement: `FOR UPDATE SKIP LOCKED` makes brokers claiming at once take disjoint
    /// rows, so each row is executed by one broker. Paired with the SQLite one.
    const CLAIM_DUE_EXECUTIONS: &str = "UPDATE webhook_executions \
         SET claimed_until = $1, updated_at = $2 \
         WHERE id IN (SELECT id FROM webhook_executions \
             WHERE status = 'pending' AND next_attempt_at <= $2 \
               AND (claimed_until IS NULL OR claimed_until <= $2) \
             ORDER BY id LIMIT $3 FOR UPDATE SKIP LOCKED) \
         RETURNING id, webhook_uuid, event_name, request, attempts";

    include!("repo/mod.rs");
    include!("repo/pacticipants.rs");
    include!("repo/pacts.rs");
    include!("repo/verifications.rs");
    include!("repo/environments.rs");
    include!("repo/webhooks.rs");
    include!("repo/webhook_executions.rs");
    include!("repo/for_verification.rs");
    include!("repo/matrix.rs");
    include!("repo/dashboard.rs");
    include!("repo/latest_versions.rs");
    include!("repo/pact_page.rs");
    include!("repo/badges.rs");

    impl Repo {
        /// Connects to the PostgreSQL database that `url` names and brings its schema up to
        /// date. The migrator holds an advisory lock, so brokers started at once on one
        /// database migrate it once; it runs on a connection of its own, closed afterwards,
        /// so a lock left by a failed run never goes back into the pool.
        pub async fn open(url: &str) -> Result<Repo> {
            let options = PgConnectOptions::from_str(url)
                .map_err(|e| StoreError::Unavailable(format!("{}: {e}", redact(url))))?;
            let mut conn = sqlx::PgConnection::connect_with(&options).await?;
            migrations(MIGRATIONS).run(&mut conn).await?;
            conn.close().await?;
            // A database that goes away drops the pool's connections: each is pinged
            // before use (sqlx's default, stated because recovery depends on it) and a
            // dead one replaced. While the server refuses connections, sqlx retries until
            // the acquire timeout, so that is how long a request waits for its 503: kept
            // short, but long enough to queue for a free connection under load.
            let pool = PgPoolOptions::new()
                .max_connections(16)
                .test_before_acquire(true)
                .acquire_timeout(Duration::from_secs(5))
                .connect_with(options)
                .await?;
            Ok(Repo { pool })
        }
    }
}

/// `url` with any password replaced by `***`, for messages and logs.
///
/// ```
/// assert_eq!(
///     pact_broker::store::redact("postgres://u:secret@db/pact"),
///     "postgres://u:***@db/pact"
/// );
/// ```
#[must_use]
pub fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let (authority, tail) = match rest.find(['/', '?']) {
        Some(i) => rest.split_at(i),
        None => (rest, ""),
    };
    match authority.rsplit_once('@') {
        Some((userinfo, host)) => match userinfo.split_once(':') {
            Some((user, _)) => format!("{scheme}://{user}:***@{host}{tail}"),
            None => url.to_string(),
        },
        None => url.to_string(),
    }
}

/// The broker's storage: SQLite or PostgreSQL, chosen by the URL's scheme.
#[derive(Clone)]
pub enum Store {
    /// An SQLite file.
    Sqlite(sqlite::Repo),
    /// A PostgreSQL database.
    Postgres(postgres::Repo),
}

impl Store {
    /// Opens the database `url` names (`sqlite://path`, `sqlite:path`, `postgres://…` or
    /// `postgresql://…`) and migrates it.
    pub async fn open(url: &str) -> Result<Store> {
        if url.starts_with("sqlite:") {
            Ok(Store::Sqlite(sqlite::Repo::open(url).await?))
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Store::Postgres(postgres::Repo::open(url).await?))
        } else {
            Err(StoreError::UnsupportedUrl(redact(url)))
        }
    }

    /// Closes the connections, waiting for those in use.
    pub async fn close(&self) {
        match self {
            Store::Sqlite(r) => r.close().await,
            Store::Postgres(r) => r.close().await,
        }
    }

    /// Which backend this is, for the startup line: `sqlite` or `postgres`.
    #[must_use]
    pub fn backend(&self) -> &'static str {
        match self {
            Store::Sqlite(_) => "sqlite",
            Store::Postgres(_) => "postgres",
        }
    }
}

/// Each storage operation, implemented once in `repo/` and dispatched here to the backend.
macro_rules! operations {
    ($( $(#[$doc:meta])* fn $name:ident(&self $(, $arg:ident : $ty:ty)* $(,)?) -> $ret:ty; )*) => {
        impl Store {
            $(
                $(#[$doc])*
                pub async fn $name(&self $(, $arg: $ty)*) -> Result<$ret> {
                    match self {
                        Store::Sqlite(r) => r.$name($($arg),*).await,
                        Store::Postgres(r) => r.$name($($arg),*).await,
                    }
                }
            )*
        }
    };
}

operations! {
    /// The pacticipant named `name`.
    fn pacticipant(&self, name: &str) -> Option<Pacticipant>;
    /// Every pacticipant, by name.
    fn pacticipants(&self) -> Vec<Pacticipant>;
    /// Creates the pacticipant or updates the fields given; `true` when it was created.
    fn upsert_pacticipant(&self, name: &str, update: &PacticipantUpdate) -> bool;
    /// One version of a pacticipant, with its branches and tags.
    fn version(&self, pacticipant: &str, number: &str) -> Option<Version>;
    /// The latest version of a pacticipant, or the latest with `tag`.
    fn latest_version(&self, pacticipant: &str, tag: Option<&str>) -> Option<Version>;
    /// Creates the version (and its pacticipant); `true` when it was created.
    fn ensure_version(&self, pacticipant: &str, number: &str) -> bool;
    /// Tags a version, creating pacticipant and version if missing; `true` when the tag is new.
    fn tag_version(&self, pacticipant: &str, number: &str, tag: &str) -> bool;
    /// Puts a version on a branch, creating what is missing; `true` when it was not on it.
    fn add_branch_version(&self, pacticipant: &str, branch: &str, number: &str) -> bool;
    /// Deletes a branch (its versions stay); `false` when there was none.
    fn delete_branch(&self, pacticipant: &str, branch: &str) -> bool;
    /// Publishes contracts for one consumer version, all in one transaction.
    fn publish(&self, publication: &NewPublication) -> PublishOutcome;
    /// The pact a consumer version published for a provider.
    fn pact_for_version(&self, provider: &str, consumer: &str, version: &str) -> Option<PactRecord>;
    /// The latest pact between the two, or the latest of a consumer version with `tag`.
    fn latest_pact(&self, provider: &str, consumer: &str, tag: Option<&str>) -> Option<PactRecord>;
    /// The latest publication of the content with `sha` between the two.
    fn pact_by_sha(&self, provider: &str, consumer: &str, sha: &str) -> Option<PactRecord>;
    /// The latest pact of each consumer of `provider` (with `tag` when given).
    fn latest_pacts_for_provider(&self, provider: &str, tag: Option<&str>) -> Vec<PactRecord>;
    /// The latest pact of every integration.
    fn latest_pacts(&self) -> Vec<PactRecord>;
    /// Records a verification result of the content with `sha`, creating the provider version.
    fn add_verification(&self, result: &NewVerification) -> VerificationRecord;
    /// One verification result, by id.
    fn verification(&self, id: i64) -> Option<VerificationRecord>;
}

// Environments, deployments and releases. The matrix and the `deployed`, `released` and
// `deployedOrReleased` selectors read the `currently_*` and `current_*_of_version`
// operations.
operations! {
    /// Every environment, by name.
    fn environments(&self) -> Vec<Environment>;
    /// The environment with this UUID.
    fn environment(&self, uuid: &str) -> Option<Environment>;
    /// The environment with this name.
    fn environment_by_name(&self, name: &str) -> Option<Environment>;
    /// Creates an environment with this UUID; [`StoreError::Duplicate`] when the name or the
    /// UUID is taken.
    fn create_environment(&self, uuid: &str, fields: &EnvironmentFields) -> Environment;
    /// Replaces an environment's fields; `None` when there is none with this UUID,
    /// [`StoreError::Duplicate`] when another one has the new name.
    fn update_environment(&self, uuid: &str, fields: &EnvironmentFields) -> Option<Environment>;
    /// Deletes an environment with its deployments and releases; `false` when there was none.
    fn delete_environment(&self, uuid: &str) -> bool;
    /// Records that version `version` of `pacticipant` is deployed to the environment with
    /// UUID `environment_uuid`, on `application_instance`. In one transaction, the version
    /// that was currently deployed there (same pacticipant, environment and instance) stops
    /// being so. Deploying the version that is already current changes nothing. Returns the
    /// deployment and whether it is new; [`StoreError::NotFound`] for an unknown version or
    /// environment.
    fn record_deployment(&self, pacticipant: &str, version: &str, environment_uuid: &str, application_instance: Option<&str>) -> (Deployment, bool);
    /// The deployment with this UUID.
    fn deployment(&self, uuid: &str) -> Option<Deployment>;
    /// Marks a deployment as no longer currently deployed (`record-undeployment`); `None`
    /// when there is none with this UUID. Ending an ended deployment changes nothing.
    fn end_deployment(&self, uuid: &str) -> Option<Deployment>;
    /// The deployments currently deployed to the environment *named* `environment`, of
    /// `pacticipant` or of every pacticipant, oldest first.
    fn currently_deployed(&self, environment: &str, pacticipant: Option<&str>) -> Vec<Deployment>;
    /// The current deployments of one version: the environments it is deployed to now.
    fn current_deployments_of_version(&self, pacticipant: &str, version: &str) -> Vec<Deployment>;
    /// Records that version `version` of `pacticipant` is released to the environment with
    /// UUID `environment_uuid` (supported again if its support had ended). Returns the
    /// release and whether it is new; [`StoreError::NotFound`] for an unknown version or
    /// environment.
    fn record_release(&self, pacticipant: &str, version: &str, environment_uuid: &str) -> (Release, bool);
    /// The release with this UUID.
    fn release(&self, uuid: &str) -> Option<Release>;
    /// Marks a release as no longer supported (`record-support-ended`); `None` when there is
    /// none with this UUID.
    fn end_release(&self, uuid: &str) -> Option<Release>;
    /// The releases currently supported in the environment *named* `environment`, of
    /// `pacticipant` or of every pacticipant, oldest first.
    fn currently_released(&self, environment: &str, pacticipant: Option<&str>) -> Vec<Release>;
    /// The current releases of one version: the environments it is supported in now.
    fn current_releases_of_version(&self, pacticipant: &str, version: &str) -> Vec<Release>;
}

// Webhooks.
operations! {
    /// Every webhook, oldest first.
    fn webhooks(&self) -> Vec<Webhook>;
    /// The webhook with this UUID.
    fn webhook(&self, uuid: &str) -> Option<Webhook>;
    /// Creates the webhook with this UUID, or replaces it; `true` when it was created.
    /// [`StoreError::NotFound`] when a pacticipant it names does not exist.
    fn save_webhook(&self, uuid: &str, webhook: &NewWebhook) -> (Webhook, bool);
    /// Deletes a webhook with its executions; `false` when there was none.
    fn delete_webhook(&self, uuid: &str) -> bool;
}

// The webhook outbox: executions are enqueued after the publication or verification that
// fired them committed, and claimed from the database by whichever broker's worker gets
// them first (see `CLAIM_DUE_EXECUTIONS`, the one statement written per backend).
operations! {
    /// Enqueues executions, due now; the number enqueued.
    fn enqueue_webhook_executions(&self, executions: &[NewExecution]) -> usize;
    /// Atomically claims up to `limit` due executions (pending, due, unclaimed or with a
    /// lapsed claim) for `lease`: no other broker gets them until the lease ends.
    fn claim_webhook_executions(&self, limit: i64, lease: Duration) -> Vec<ClaimedExecution>;
    /// Records an attempt of execution `id` and releases its claim: succeeded, pending
    /// again in `retry_in`, or failed when the attempt failed and `retry_in` is `None`.
    fn record_webhook_attempt(&self, id: i64, outcome: &AttemptOutcome, retry_in: Option<Duration>) -> ();
    /// The executions of one webhook, oldest first.
    fn webhook_executions(&self, uuid: &str) -> Vec<WebhookExecution>;
    /// The latest execution each integration's publications and verifications fired:
    /// `(consumer, provider, status, when it last changed)`.
    fn latest_webhook_statuses(&self) -> Vec<(String, String, ExecutionStatus, String)>;
    /// Whether the consumer version before `version` published the content `sha` for this
    /// provider too, and whether that content was ever verified successfully.
    fn content_history(&self, provider: &str, consumer: &str, version: &str, sha: &str) -> ContentHistory;
}

operations! {
    /// The pact publications for the provider with id `provider_id` within `scope`, oldest
    /// consumer version first, with each consumer version's branches, tags and the
    /// environments it is currently deployed or released to: what the selectors choose from.
    fn publication_facts(&self, provider_id: i64, scope: crate::domain::selectors::FactScope) -> Vec<crate::domain::selectors::PublicationFacts>;
    /// The provider's successful verifications, one per (content, provider version) with its
    /// first success, and the branches and tags of the verifying version (failures change
    /// no pending or WIP status, so they are not loaded).
    fn successful_verification_facts(&self, provider_id: i64) -> Vec<crate::domain::selectors::VerificationFacts>;
    /// The provider side of a verification run: when `branch` was created and when each of
    /// `tags` was first used by a version of the provider.
    fn provider_context(&self, provider_id: i64, provider: &str, branch: Option<&str>, tags: &[String]) -> crate::domain::selectors::ProviderContext;
    /// The versions of a pacticipant a matrix selector names, newest first (only the newest
    /// with `latest`). The selector's name is not looked at: the pacticipant is `pacticipant_id`.
    fn matrix_selector_versions(&self, pacticipant_id: i64, selector: &crate::domain::query::MatrixSelector) -> Vec<VersionRef>;
    /// The versions of a pacticipant currently deployed to, or released and supported in,
    /// the environment named `environment`, newest first.
    fn deployed_or_released_versions(&self, pacticipant_id: i64, environment: &str) -> Vec<VersionRef>;
    /// Every pair with a pact in which the pacticipant is the consumer or the provider.
    fn integrations_of(&self, pacticipant_id: i64) -> Vec<IntegrationRef>;
    /// The matrix rows of one integration: each pact the consumer versions in scope
    /// published, with each verification of its content by a provider version in scope
    /// (only the latest per content, or per content and provider version, with `latestby`),
    /// and with a row without verification when there is none and `unverified` is set.
    fn matrix_rows(&self, integration: &IntegrationRef, consumer_scope: &VersionScope, provider_scope: &VersionScope, latestby: Option<crate::domain::query::LatestBy>, unverified: bool) -> Vec<MatrixRowRecord>;
    /// The branches, tags and environments of these versions, in the order given.
    fn version_details(&self, version_ids: &[i64]) -> Vec<VersionDetails>;
    /// Every integration's latest pact (or the latest of a consumer version with `tag`),
    /// with its latest verification and what its verification state is decided from, by
    /// consumer and provider name; only the integration of `pair` (consumer, provider)
    /// when given.
    fn integration_summaries(&self, tag: Option<&str>, pair: Option<(&str, &str)>) -> Vec<IntegrationSummary>;
    /// The latest version of each of these pacticipants and of its main branch, in the
    /// order given (a pacticipant that does not exist is left out): what the environments
    /// page asks can-i-deploy about, in one read for a whole page.
    fn latest_versions_of(&self, pacticipant_ids: &[i64]) -> Vec<LatestVersions>;
}

// The pact page.
operations! {
    /// The verifications of the content `sha` between the two, the newest of each provider
    /// version, newest first, at most `limit`: what the pact page lists under the pact.
    fn verifications_of_content(&self, provider: &str, consumer: &str, sha: &str, limit: i64) -> Vec<VerificationRecord>;
    /// The pact of the newest consumer version older than the version with id
    /// `before_version_id` that published one for this provider: what the pact page
    /// compares against to show what changed.
    fn previous_pact(&self, provider: &str, consumer: &str, before_version_id: i64) -> Option<PactRecord>;
}

// The matrix badge's read.
operations! {
    /// The latest verification, by a provider version tagged `provider_tag`, of a content
    /// that a consumer version tagged `consumer_tag` published: its content sha and whether
    /// it succeeded. Newest consumer version first, then newest provider version: the
    /// matrix badge's "how does the tagged consumer stand with the tagged provider".
    fn latest_tagged_verification(&self, provider: &str, consumer: &str, consumer_tag: &str, provider_tag: &str) -> Option<(String, bool)>;
}
