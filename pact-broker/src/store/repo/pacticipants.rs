// Pacticipants, versions, branches and tags. Included per backend (see mod.rs).

const PACTICIPANT_COLUMNS: &str =
    "id, name, display_name, main_branch, repository_url, created_at, updated_at";

fn pacticipant_from(row: &Row) -> Result<Pacticipant> {
    Ok(Pacticipant {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        display_name: row.try_get("display_name")?,
        main_branch: row.try_get("main_branch")?,
        repository_url: row.try_get("repository_url")?,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
    })
}

/// The version row `row` (id, pacticipant, number, build_url, created_at) with its
/// branches and tags.
async fn version_from(conn: &mut Conn, row: &Row) -> Result<Version> {
    let id: i64 = row.try_get("id")?;
    let branches = sqlx::query(
        "SELECT b.name, \
                (SELECT MAX(l.version_id) FROM branch_versions l WHERE l.branch_id = b.id) AS latest \
         FROM branch_versions bv JOIN branches b ON b.id = bv.branch_id \
         WHERE bv.version_id = $1 ORDER BY bv.created_at, b.name",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|r| {
        Ok(BranchMembership {
            name: r.try_get(0)?,
            latest: r.try_get::<Option<i64>, _>(1)? == Some(id),
        })
    })
    .collect::<Result<Vec<_>>>()?;
    let tags = sqlx::query("SELECT name FROM tags WHERE version_id = $1 ORDER BY created_at, name")
        .bind(id)
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(|r| r.try_get(0))
        .collect::<Result<Vec<String>, _>>()?;
    Ok(Version {
        id,
        pacticipant: row.try_get("pacticipant")?,
        number: row.try_get("number")?,
        build_url: row.try_get("build_url")?,
        created_at: row.try_get("created_at")?,
        branches,
        tags,
    })
}

const VERSION_SELECT: &str = "SELECT v.id, p.name AS pacticipant, v.number, v.build_url, v.created_at \
     FROM versions v JOIN pacticipants p ON p.id = v.pacticipant_id";

impl Repo {
    pub(crate) async fn pacticipant(&self, name: &str) -> Result<Option<Pacticipant>> {
        let sql = format!("SELECT {PACTICIPANT_COLUMNS} FROM pacticipants WHERE name = $1");
        sqlx::query(&sql)
            .bind(name)
            .fetch_optional(&self.pool)
            .await?
            .map(|r| pacticipant_from(&r))
            .transpose()
    }

    pub(crate) async fn pacticipants(&self) -> Result<Vec<Pacticipant>> {
        let sql = format!("SELECT {PACTICIPANT_COLUMNS} FROM pacticipants ORDER BY name");
        sqlx::query(&sql)
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(pacticipant_from)
            .collect()
    }

    pub(crate) async fn upsert_pacticipant(
        &self,
        name: &str,
        update: &PacticipantUpdate,
    ) -> Result<bool> {
        let now = now();
        let mut tx = self.write().await?;
        let created = sqlx::query(
            "INSERT INTO pacticipants (name, created_at, updated_at) VALUES ($1, $2, $2) \
             ON CONFLICT (name) DO NOTHING RETURNING id",
        )
        .bind(name)
        .bind(&now)
        .fetch_optional(&mut *tx)
        .await?
        .is_some();
        sqlx::query(
            "UPDATE pacticipants SET display_name = COALESCE($2, display_name), \
                 main_branch = COALESCE($3, main_branch), \
                 repository_url = COALESCE($4, repository_url), updated_at = $5 \
             WHERE name = $1",
        )
        .bind(name)
        .bind(&update.display_name)
        .bind(&update.main_branch)
        .bind(&update.repository_url)
        .bind(&now)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(created)
    }

    pub(crate) async fn version(&self, pacticipant: &str, number: &str) -> Result<Option<Version>> {
        let mut conn = self.pool.acquire().await?;
        let sql = format!("{VERSION_SELECT} WHERE p.name = $1 AND v.number = $2");
        let row = sqlx::query(&sql)
            .bind(pacticipant)
            .bind(number)
            .fetch_optional(&mut *conn)
            .await?;
        match row {
            Some(row) => Ok(Some(version_from(&mut conn, &row).await?)),
            None => Ok(None),
        }
    }

    pub(crate) async fn latest_version(
        &self,
        pacticipant: &str,
        tag: Option<&str>,
    ) -> Result<Option<Version>> {
        let mut conn = self.pool.acquire().await?;
        let sql = match tag {
            None => format!("{VERSION_SELECT} WHERE p.name = $1 ORDER BY v.id DESC LIMIT 1"),
            Some(_) => format!(
                "{VERSION_SELECT} JOIN tags t ON t.version_id = v.id \
                 WHERE p.name = $1 AND t.name = $2 ORDER BY v.id DESC LIMIT 1"
            ),
        };
        let mut query = sqlx::query(&sql).bind(pacticipant);
        if let Some(tag) = tag {
            query = query.bind(tag);
        }
        let row = query.fetch_optional(&mut *conn).await?;
        match row {
            Some(row) => Ok(Some(version_from(&mut conn, &row).await?)),
            None => Ok(None),
        }
    }

    pub(crate) async fn ensure_version(&self, pacticipant: &str, number: &str) -> Result<bool> {
        let now = now();
        let mut tx = self.write().await?;
        let id = ensure_pacticipant(&mut tx, pacticipant, &now).await?;
        let (_, created) = ensure_version_row(&mut tx, id, number, &now).await?;
        tx.commit().await?;
        Ok(created)
    }

    pub(crate) async fn tag_version(
        &self,
        pacticipant: &str,
        number: &str,
        tag: &str,
    ) -> Result<bool> {
        let now = now();
        let mut tx = self.write().await?;
        let id = ensure_pacticipant(&mut tx, pacticipant, &now).await?;
        let (version_id, _) = ensure_version_row(&mut tx, id, number, &now).await?;
        let created = ensure_tag(&mut tx, version_id, tag, &now).await?;
        tx.commit().await?;
        Ok(created)
    }

    pub(crate) async fn add_branch_version(
        &self,
        pacticipant: &str,
        branch: &str,
        number: &str,
    ) -> Result<bool> {
        let now = now();
        let mut tx = self.write().await?;
        let id = ensure_pacticipant(&mut tx, pacticipant, &now).await?;
        let (version_id, _) = ensure_version_row(&mut tx, id, number, &now).await?;
        let added = ensure_branch_version(&mut tx, id, version_id, branch, &now).await?;
        tx.commit().await?;
        Ok(added)
    }

    pub(crate) async fn delete_branch(&self, pacticipant: &str, branch: &str) -> Result<bool> {
        let mut tx = self.write().await?;
        let deleted = sqlx::query(
            "DELETE FROM branches WHERE name = $2 \
             AND pacticipant_id = (SELECT id FROM pacticipants WHERE name = $1)",
        )
        .bind(pacticipant)
        .bind(branch)
        .execute(&mut *tx)
        .await?
        .rows_affected()
            > 0;
        tx.commit().await?;
        Ok(deleted)
    }
}
