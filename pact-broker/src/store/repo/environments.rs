// Environments, deployments and releases. Included per backend (see mod.rs).
//
// A deployment without an application instance is stored with `application_instance = ''`
// (the column is NOT NULL so that "the same instance" is plain equality, NULL never being
// equal to NULL); it is `None` in `Deployment`.

const ENVIRONMENT_COLUMNS: &str =
    "id, uuid, name, display_name, production, contacts, created_at, updated_at";

fn environment_from(row: &Row) -> Result<Environment> {
    let contacts: String = row.try_get("contacts")?;
    Ok(Environment {
        id: row.try_get("id")?,
        uuid: row.try_get("uuid")?,
        name: row.try_get("name")?,
        display_name: row.try_get("display_name")?,
        production: row.try_get("production")?,
        contacts: serde_json::from_str(&contacts).unwrap_or(serde_json::Value::Null),
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
    })
}

const DEPLOYMENT_SELECT: &str = "SELECT d.uuid, p.name AS pacticipant, v.number AS version, \
            v.id AS version_id, e.name AS environment, e.uuid AS environment_uuid, \
            d.application_instance, d.currently_deployed, d.created_at, d.undeployed_at \
     FROM deployed_versions d \
     JOIN versions v ON v.id = d.version_id \
     JOIN pacticipants p ON p.id = d.pacticipant_id \
     JOIN environments e ON e.id = d.environment_id";

fn deployment_from(row: &Row) -> Result<Deployment> {
    let instance: String = row.try_get("application_instance")?;
    Ok(Deployment {
        uuid: row.try_get("uuid")?,
        pacticipant: row.try_get("pacticipant")?,
        version: row.try_get("version")?,
        version_id: row.try_get("version_id")?,
        environment: row.try_get("environment")?,
        environment_uuid: row.try_get("environment_uuid")?,
        application_instance: Some(instance).filter(|i| !i.is_empty()),
        currently_deployed: row.try_get("currently_deployed")?,
        created_at: row.try_get("created_at")?,
        ended_at: row.try_get("undeployed_at")?,
    })
}

const RELEASE_SELECT: &str = "SELECT r.uuid, p.name AS pacticipant, v.number AS version, \
            v.id AS version_id, e.name AS environment, e.uuid AS environment_uuid, \
            r.currently_supported, r.created_at, r.support_ended_at \
     FROM released_versions r \
     JOIN versions v ON v.id = r.version_id \
     JOIN pacticipants p ON p.id = r.pacticipant_id \
     JOIN environments e ON e.id = r.environment_id";

fn release_from(row: &Row) -> Result<Release> {
    Ok(Release {
        uuid: row.try_get("uuid")?,
        pacticipant: row.try_get("pacticipant")?,
        version: row.try_get("version")?,
        version_id: row.try_get("version_id")?,
        environment: row.try_get("environment")?,
        environment_uuid: row.try_get("environment_uuid")?,
        currently_supported: row.try_get("currently_supported")?,
        created_at: row.try_get("created_at")?,
        ended_at: row.try_get("support_ended_at")?,
    })
}

fn duplicate_name(name: &str) -> StoreError {
    StoreError::Duplicate {
        field: "name".into(),
        message: format!("name '{name}' is already used by an existing environment."),
    }
}

/// The (pacticipant id, version id) of an existing version, and the id of an existing
/// environment: what a deployment or release needs.
async fn version_and_environment(
    conn: &mut Conn,
    pacticipant: &str,
    version: &str,
    environment_uuid: &str,
) -> Result<(i64, i64, i64)> {
    let row = sqlx::query(
        "SELECT p.id, v.id FROM versions v JOIN pacticipants p ON p.id = v.pacticipant_id \
         WHERE p.name = $1 AND v.number = $2",
    )
    .bind(pacticipant)
    .bind(version)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or_else(|| {
        StoreError::NotFound(format!(
            "No version {version} of pacticipant {pacticipant} found"
        ))
    })?;
    let (pacticipant_id, version_id): (i64, i64) = (row.try_get(0)?, row.try_get(1)?);
    let environment_id: i64 = sqlx::query("SELECT id FROM environments WHERE uuid = $1")
        .bind(environment_uuid)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or_else(|| {
            StoreError::NotFound(format!("No environment with UUID {environment_uuid} found"))
        })?
        .try_get(0)?;
    Ok((pacticipant_id, version_id, environment_id))
}

async fn deployment_by_uuid(conn: &mut Conn, uuid: &str) -> Result<Option<Deployment>> {
    let sql = format!("{DEPLOYMENT_SELECT} WHERE d.uuid = $1");
    sqlx::query(&sql)
        .bind(uuid)
        .fetch_optional(&mut *conn)
        .await?
        .map(|r| deployment_from(&r))
        .transpose()
}

async fn release_by_uuid(conn: &mut Conn, uuid: &str) -> Result<Option<Release>> {
    let sql = format!("{RELEASE_SELECT} WHERE r.uuid = $1");
    sqlx::query(&sql)
        .bind(uuid)
        .fetch_optional(&mut *conn)
        .await?
        .map(|r| release_from(&r))
        .transpose()
}

impl Repo {
    pub(crate) async fn environments(&self) -> Result<Vec<Environment>> {
        let sql = format!("SELECT {ENVIRONMENT_COLUMNS} FROM environments ORDER BY name");
        sqlx::query(&sql)
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(environment_from)
            .collect()
    }

    pub(crate) async fn environment(&self, uuid: &str) -> Result<Option<Environment>> {
        let sql = format!("SELECT {ENVIRONMENT_COLUMNS} FROM environments WHERE uuid = $1");
        sqlx::query(&sql)
            .bind(uuid)
            .fetch_optional(&self.pool)
            .await?
            .map(|r| environment_from(&r))
            .transpose()
    }

    pub(crate) async fn environment_by_name(&self, name: &str) -> Result<Option<Environment>> {
        let sql = format!("SELECT {ENVIRONMENT_COLUMNS} FROM environments WHERE name = $1");
        sqlx::query(&sql)
            .bind(name)
            .fetch_optional(&self.pool)
            .await?
            .map(|r| environment_from(&r))
            .transpose()
    }

    pub(crate) async fn create_environment(
        &self,
        uuid: &str,
        fields: &EnvironmentFields,
    ) -> Result<Environment> {
        let now = now();
        let mut tx = self.write().await?;
        let taken = sqlx::query("SELECT uuid, name FROM environments WHERE uuid = $1 OR name = $2")
            .bind(uuid)
            .bind(&fields.name)
            .fetch_all(&mut *tx)
            .await?;
        for row in &taken {
            let (u, n): (String, String) = (row.try_get(0)?, row.try_get(1)?);
            if n == fields.name {
                return Err(duplicate_name(&fields.name));
            }
            if u == uuid {
                return Err(StoreError::Duplicate {
                    field: "uuid".into(),
                    message: format!("uuid '{uuid}' is already used by an existing environment."),
                });
            }
        }
        let sql = format!(
            "INSERT INTO environments \
                 (uuid, name, display_name, production, contacts, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING {ENVIRONMENT_COLUMNS}"
        );
        let row = sqlx::query(&sql)
            .bind(uuid)
            .bind(&fields.name)
            .bind(&fields.display_name)
            .bind(fields.production)
            .bind(fields.contacts.to_string())
            .bind(&now)
            .fetch_one(&mut *tx)
            .await
            .map_err(StoreError::from)
            .map_err(|e| {
                if is_unique_violation(&e) {
                    duplicate_name(&fields.name)
                } else {
                    e
                }
            })?;
        let environment = environment_from(&row)?;
        tx.commit().await?;
        Ok(environment)
    }

    pub(crate) async fn update_environment(
        &self,
        uuid: &str,
        fields: &EnvironmentFields,
    ) -> Result<Option<Environment>> {
        let now = now();
        let mut tx = self.write().await?;
        let other = sqlx::query("SELECT id FROM environments WHERE name = $1 AND uuid <> $2")
            .bind(&fields.name)
            .bind(uuid)
            .fetch_optional(&mut *tx)
            .await?;
        if other.is_some() {
            return Err(duplicate_name(&fields.name));
        }
        let sql = format!(
            "UPDATE environments SET name = $2, display_name = $3, production = $4, \
                 contacts = $5, updated_at = $6 \
             WHERE uuid = $1 RETURNING {ENVIRONMENT_COLUMNS}"
        );
        let row = sqlx::query(&sql)
            .bind(uuid)
            .bind(&fields.name)
            .bind(&fields.display_name)
            .bind(fields.production)
            .bind(fields.contacts.to_string())
            .bind(&now)
            .fetch_optional(&mut *tx)
            .await
            .map_err(StoreError::from)
            .map_err(|e| {
                if is_unique_violation(&e) {
                    duplicate_name(&fields.name)
                } else {
                    e
                }
            })?;
        let environment = row.map(|r| environment_from(&r)).transpose()?;
        tx.commit().await?;
        Ok(environment)
    }

    pub(crate) async fn delete_environment(&self, uuid: &str) -> Result<bool> {
        let mut tx = self.write().await?;
        let deleted = sqlx::query("DELETE FROM environments WHERE uuid = $1")
            .bind(uuid)
            .execute(&mut *tx)
            .await?
            .rows_affected()
            > 0;
        tx.commit().await?;
        Ok(deleted)
    }

    pub(crate) async fn record_deployment(
        &self,
        pacticipant: &str,
        version: &str,
        environment_uuid: &str,
        application_instance: Option<&str>,
    ) -> Result<(Deployment, bool)> {
        // Two brokers recording deployments to one instance at once: the unique index
        // `deployed_versions_one_current` refuses the second insert, which then runs again
        // and sees the first.
        let mut attempt = 0;
        loop {
            attempt += 1;
            match self
                .record_deployment_once(
                    pacticipant,
                    version,
                    environment_uuid,
                    application_instance,
                )
                .await
            {
                Err(e) if attempt < 5 && is_unique_violation(&e) => continue,
                other => return other,
            }
        }
    }

    async fn record_deployment_once(
        &self,
        pacticipant: &str,
        version: &str,
        environment_uuid: &str,
        application_instance: Option<&str>,
    ) -> Result<(Deployment, bool)> {
        let now = now();
        let instance = application_instance.unwrap_or("");
        let mut tx = self.write().await?;
        let (pacticipant_id, version_id, environment_id) =
            version_and_environment(&mut tx, pacticipant, version, environment_uuid).await?;
        // Deployments to one environment take turns: this no-op update locks the
        // environment's row until commit on PostgreSQL (SQLite's `BEGIN IMMEDIATE` already
        // serialises writers), so the check below sees the deployment a concurrent
        // transaction just made.
        sqlx::query("UPDATE environments SET updated_at = updated_at WHERE id = $1")
            .bind(environment_id)
            .execute(&mut *tx)
            .await?;
        let current = sqlx::query(
            "SELECT uuid FROM deployed_versions \
             WHERE pacticipant_id = $1 AND environment_id = $2 AND application_instance = $3 \
               AND version_id = $4 AND currently_deployed = TRUE",
        )
        .bind(pacticipant_id)
        .bind(environment_id)
        .bind(instance)
        .bind(version_id)
        .fetch_optional(&mut *tx)
        .await?;
        let (uuid, created) = match current {
            Some(row) => (row.try_get::<String, _>(0)?, false),
            None => {
                sqlx::query(
                    "UPDATE deployed_versions SET currently_deployed = FALSE, undeployed_at = $4 \
                     WHERE pacticipant_id = $1 AND environment_id = $2 \
                       AND application_instance = $3 AND currently_deployed = TRUE",
                )
                .bind(pacticipant_id)
                .bind(environment_id)
                .bind(instance)
                .bind(&now)
                .execute(&mut *tx)
                .await?;
                let uuid = new_uuid();
                sqlx::query(
                    "INSERT INTO deployed_versions (uuid, version_id, pacticipant_id, \
                         environment_id, application_instance, currently_deployed, created_at) \
                     VALUES ($1, $2, $3, $4, $5, TRUE, $6)",
                )
                .bind(&uuid)
                .bind(version_id)
                .bind(pacticipant_id)
                .bind(environment_id)
                .bind(instance)
                .bind(&now)
                .execute(&mut *tx)
                .await?;
                (uuid, true)
            }
        };
        let deployment = deployment_by_uuid(&mut tx, &uuid)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("No deployed version {uuid} found")))?;
        tx.commit().await?;
        Ok((deployment, created))
    }

    pub(crate) async fn deployment(&self, uuid: &str) -> Result<Option<Deployment>> {
        let mut conn = self.pool.acquire().await?;
        deployment_by_uuid(&mut conn, uuid).await
    }

    pub(crate) async fn end_deployment(&self, uuid: &str) -> Result<Option<Deployment>> {
        let now = now();
        let mut tx = self.write().await?;
        sqlx::query(
            "UPDATE deployed_versions SET currently_deployed = FALSE, undeployed_at = $2 \
             WHERE uuid = $1 AND currently_deployed = TRUE",
        )
        .bind(uuid)
        .bind(&now)
        .execute(&mut *tx)
        .await?;
        let deployment = deployment_by_uuid(&mut tx, uuid).await?;
        tx.commit().await?;
        Ok(deployment)
    }

    pub(crate) async fn currently_deployed(
        &self,
        environment: &str,
        pacticipant: Option<&str>,
    ) -> Result<Vec<Deployment>> {
        let sql = format!(
            "{DEPLOYMENT_SELECT} WHERE e.name = $1 AND d.currently_deployed = TRUE \
             AND (CAST($2 AS TEXT) IS NULL OR p.name = $2) ORDER BY d.id"
        );
        sqlx::query(&sql)
            .bind(environment)
            .bind(pacticipant)
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(deployment_from)
            .collect()
    }

    pub(crate) async fn current_deployments_of_version(
        &self,
        pacticipant: &str,
        version: &str,
    ) -> Result<Vec<Deployment>> {
        let sql = format!(
            "{DEPLOYMENT_SELECT} WHERE p.name = $1 AND v.number = $2 \
             AND d.currently_deployed = TRUE ORDER BY e.name, d.id"
        );
        sqlx::query(&sql)
            .bind(pacticipant)
            .bind(version)
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(deployment_from)
            .collect()
    }

    pub(crate) async fn record_release(
        &self,
        pacticipant: &str,
        version: &str,
        environment_uuid: &str,
    ) -> Result<(Release, bool)> {
        let now = now();
        let mut tx = self.write().await?;
        let (pacticipant_id, version_id, environment_id) =
            version_and_environment(&mut tx, pacticipant, version, environment_uuid).await?;
        let inserted = sqlx::query(
            "INSERT INTO released_versions (uuid, version_id, pacticipant_id, environment_id, \
                 currently_supported, created_at) \
             VALUES ($1, $2, $3, $4, TRUE, $5) \
             ON CONFLICT (version_id, environment_id) DO NOTHING RETURNING uuid",
        )
        .bind(new_uuid())
        .bind(version_id)
        .bind(pacticipant_id)
        .bind(environment_id)
        .bind(&now)
        .fetch_optional(&mut *tx)
        .await?;
        let (uuid, created) = match inserted {
            Some(row) => (row.try_get::<String, _>(0)?, true),
            None => {
                let row = sqlx::query(
                    "UPDATE released_versions SET currently_supported = TRUE, \
                         support_ended_at = NULL \
                     WHERE version_id = $1 AND environment_id = $2 RETURNING uuid",
                )
                .bind(version_id)
                .bind(environment_id)
                .fetch_one(&mut *tx)
                .await?;
                (row.try_get::<String, _>(0)?, false)
            }
        };
        let release = release_by_uuid(&mut tx, &uuid)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("No released version {uuid} found")))?;
        tx.commit().await?;
        Ok((release, created))
    }

    pub(crate) async fn release(&self, uuid: &str) -> Result<Option<Release>> {
        let mut conn = self.pool.acquire().await?;
        release_by_uuid(&mut conn, uuid).await
    }

    pub(crate) async fn end_release(&self, uuid: &str) -> Result<Option<Release>> {
        let now = now();
        let mut tx = self.write().await?;
        sqlx::query(
            "UPDATE released_versions SET currently_supported = FALSE, support_ended_at = $2 \
             WHERE uuid = $1 AND currently_supported = TRUE",
        )
        .bind(uuid)
        .bind(&now)
        .execute(&mut *tx)
        .await?;
        let release = release_by_uuid(&mut tx, uuid).await?;
        tx.commit().await?;
        Ok(release)
    }

    pub(crate) async fn currently_released(
        &self,
        environment: &str,
        pacticipant: Option<&str>,
    ) -> Result<Vec<Release>> {
        let sql = format!(
            "{RELEASE_SELECT} WHERE e.name = $1 AND r.currently_supported = TRUE \
             AND (CAST($2 AS TEXT) IS NULL OR p.name = $2) ORDER BY r.id"
        );
        sqlx::query(&sql)
            .bind(environment)
            .bind(pacticipant)
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(release_from)
            .collect()
    }

    pub(crate) async fn current_releases_of_version(
        &self,
        pacticipant: &str,
        version: &str,
    ) -> Result<Vec<Release>> {
        let sql = format!(
            "{RELEASE_SELECT} WHERE p.name = $1 AND v.number = $2 \
             AND r.currently_supported = TRUE ORDER BY e.name, r.id"
        );
        sqlx::query(&sql)
            .bind(pacticipant)
            .bind(version)
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(release_from)
            .collect()
    }
}
