//! Test-only seeding of what has no API yet: environments, deployments and releases,
//! written with sqlx straight into the broker's database (SQLite or PostgreSQL).

#![allow(dead_code)]

/// Runs `sql` with text and integer binds on the database `url`, returning the first
/// column of the first row as an integer when the statement returns one.
async fn exec(url: &str, sql: &str, binds: &[Bind<'_>]) -> Option<i64> {
    use sqlx::Row as _;
    macro_rules! run {
        ($pool:expr) => {{
            let pool = $pool;
            let mut q = sqlx::query(sql);
            for b in binds {
                q = match b {
                    Bind::Text(s) => q.bind(s.to_string()),
                    Bind::Int(i) => q.bind(*i),
                    Bind::Bool(v) => q.bind(*v),
                };
            }
            let row = q.fetch_optional(&pool).await.expect(sql);
            pool.close().await;
            row.and_then(|r| r.try_get::<i64, _>(0).ok())
        }};
    }
    if url.starts_with("sqlite:") {
        run!(sqlx::SqlitePool::connect(url).await.expect("open sqlite"))
    } else {
        run!(sqlx::PgPool::connect(url).await.expect("open postgres"))
    }
}

enum Bind<'a> {
    Text(&'a str),
    Int(i64),
    Bool(bool),
}

/// The id of the environment `name`, created (non-production) if missing.
pub async fn environment(url: &str, name: &str) -> i64 {
    if let Some(id) = exec(
        url,
        "SELECT id FROM environments WHERE name = $1",
        &[Bind::Text(name)],
    )
    .await
    {
        return id;
    }
    let now = pact_broker::store::now();
    exec(
        url,
        "INSERT INTO environments (uuid, name, production, contacts, created_at, updated_at) \
         VALUES ($1, $2, $3, '[]', $4, $4) RETURNING id",
        &[
            Bind::Text(&pact_broker::store::new_uuid()),
            Bind::Text(name),
            Bind::Bool(name == "production"),
            Bind::Text(&now),
        ],
    )
    .await
    .expect("environment id")
}

async fn version_ids(url: &str, pacticipant: &str, version: &str) -> (i64, i64) {
    let p = exec(
        url,
        "SELECT id FROM pacticipants WHERE name = $1",
        &[Bind::Text(pacticipant)],
    )
    .await
    .expect("pacticipant exists");
    let v = exec(
        url,
        "SELECT id FROM versions WHERE pacticipant_id = $1 AND number = $2",
        &[Bind::Int(p), Bind::Text(version)],
    )
    .await
    .expect("version exists");
    (p, v)
}

/// Records `pacticipant` `version` as currently deployed to `env` (created if missing).
pub async fn deploy(url: &str, pacticipant: &str, version: &str, env: &str) {
    let e = environment(url, env).await;
    let (p, v) = version_ids(url, pacticipant, version).await;
    exec(
        url,
        "INSERT INTO deployed_versions (uuid, version_id, pacticipant_id, environment_id, \
             application_instance, currently_deployed, created_at) \
         VALUES ($1, $2, $3, $4, '', $5, $6)",
        &[
            Bind::Text(&pact_broker::store::new_uuid()),
            Bind::Int(v),
            Bind::Int(p),
            Bind::Int(e),
            Bind::Bool(true),
            Bind::Text(&pact_broker::store::now()),
        ],
    )
    .await;
}

/// Records `pacticipant` `version` as released and supported in `env`.
pub async fn release(url: &str, pacticipant: &str, version: &str, env: &str) {
    let e = environment(url, env).await;
    let (p, v) = version_ids(url, pacticipant, version).await;
    exec(
        url,
        "INSERT INTO released_versions (uuid, version_id, pacticipant_id, environment_id, \
             currently_supported, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
        &[
            Bind::Text(&pact_broker::store::new_uuid()),
            Bind::Int(v),
            Bind::Int(p),
            Bind::Int(e),
            Bind::Bool(true),
            Bind::Text(&pact_broker::store::now()),
        ],
    )
    .await;
}

pub mod http;
