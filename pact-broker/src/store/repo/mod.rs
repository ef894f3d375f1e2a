// Included into `store::sqlite` and `store::postgres`, each of which defines `Db`,
// `BEGIN_WRITE` and `MIGRATIONS`: the queries below compile once per backend.

use sqlx::Row as _;

type Conn = <Db as sqlx::Database>::Connection;
type Row = <Db as sqlx::Database>::Row;

/// The connection pool and every query on it.
#[derive(Clone, Debug)]
pub struct Repo {
    pool: sqlx::Pool<Db>,
}

impl Repo {
    /// Starts a write transaction (`BEGIN IMMEDIATE` on SQLite, so a transaction that
    /// reads before it writes waits for the write lock instead of failing).
    async fn write(&self) -> Result<sqlx::Transaction<'static, Db>> {
        Ok(self.pool.begin_with(BEGIN_WRITE).await?)
    }

    /// Closes the pool, waiting for connections in use to come back.
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// The id of the pacticipant `name`, created if missing.
async fn ensure_pacticipant(conn: &mut Conn, name: &str, now: &str) -> Result<i64> {
    sqlx::query(
        "INSERT INTO pacticipants (name, created_at, updated_at) VALUES ($1, $2, $2) \
         ON CONFLICT (name) DO NOTHING",
    )
    .bind(name)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(sqlx::query("SELECT id FROM pacticipants WHERE name = $1")
        .bind(name)
        .fetch_one(&mut *conn)
        .await?
        .try_get(0)?)
}

/// The id of version `number` of pacticipant `pacticipant_id`, created if missing, and
/// whether it was.
async fn ensure_version_row(
    conn: &mut Conn,
    pacticipant_id: i64,
    number: &str,
    now: &str,
) -> Result<(i64, bool)> {
    let created = sqlx::query(
        "INSERT INTO versions (pacticipant_id, number, created_at) VALUES ($1, $2, $3) \
         ON CONFLICT (pacticipant_id, number) DO NOTHING RETURNING id",
    )
    .bind(pacticipant_id)
    .bind(number)
    .bind(now)
    .fetch_optional(&mut *conn)
    .await?;
    if let Some(row) = created {
        return Ok((row.try_get(0)?, true));
    }
    let row = sqlx::query("SELECT id FROM versions WHERE pacticipant_id = $1 AND number = $2")
        .bind(pacticipant_id)
        .bind(number)
        .fetch_one(&mut *conn)
        .await?;
    Ok((row.try_get(0)?, false))
}

/// Puts version `version_id` on `branch` (created if missing); `true` when it was not on it.
/// The pacticipant's main branch is detected here, as the real broker does: the first of
/// `develop`, `main` or `master` it publishes, unless one was set.
async fn ensure_branch_version(
    conn: &mut Conn,
    pacticipant_id: i64,
    version_id: i64,
    branch: &str,
    now: &str,
) -> Result<bool> {
    sqlx::query(
        "INSERT INTO branches (pacticipant_id, name, created_at) VALUES ($1, $2, $3) \
         ON CONFLICT (pacticipant_id, name) DO NOTHING",
    )
    .bind(pacticipant_id)
    .bind(branch)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    let branch_id: i64 =
        sqlx::query("SELECT id FROM branches WHERE pacticipant_id = $1 AND name = $2")
            .bind(pacticipant_id)
            .bind(branch)
            .fetch_one(&mut *conn)
            .await?
            .try_get(0)?;
    let added = sqlx::query(
        "INSERT INTO branch_versions (branch_id, version_id, created_at) VALUES ($1, $2, $3) \
         ON CONFLICT (branch_id, version_id) DO NOTHING RETURNING branch_id",
    )
    .bind(branch_id)
    .bind(version_id)
    .bind(now)
    .fetch_optional(&mut *conn)
    .await?
    .is_some();
    if matches!(branch, "develop" | "main" | "master") {
        sqlx::query(
            "UPDATE pacticipants SET main_branch = $2, updated_at = $3 \
             WHERE id = $1 AND main_branch IS NULL",
        )
        .bind(pacticipant_id)
        .bind(branch)
        .bind(now)
        .execute(&mut *conn)
        .await?;
    }
    Ok(added)
}

/// Tags version `version_id`; `true` when the tag is new.
async fn ensure_tag(conn: &mut Conn, version_id: i64, tag: &str, now: &str) -> Result<bool> {
    Ok(sqlx::query(
        "INSERT INTO tags (version_id, name, created_at) VALUES ($1, $2, $3) \
         ON CONFLICT (version_id, name) DO NOTHING RETURNING version_id",
    )
    .bind(version_id)
    .bind(tag)
    .bind(now)
    .fetch_optional(&mut *conn)
    .await?
    .is_some())
}
