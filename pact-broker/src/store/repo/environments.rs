// Environments, deployments and releases. Included per backend (see mod.rs).

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
}
