// Verification results. Included per backend (see mod.rs).

const VERIFICATION_SELECT: &str = "SELECT vr.id, p.name AS provider, c.name AS consumer, pc.sha, \
            pv.number AS provider_version, vr.success, vr.build_url, vr.body, vr.created_at \
     FROM verifications vr \
     JOIN pact_contents pc ON pc.id = vr.pact_content_id \
     JOIN pacticipants c ON c.id = pc.consumer_id \
     JOIN pacticipants p ON p.id = pc.provider_id \
     JOIN versions pv ON pv.id = vr.provider_version_id";

fn verification_from(row: &Row) -> Result<VerificationRecord> {
    let body: String = row.try_get("body")?;
    Ok(VerificationRecord {
        id: row.try_get("id")?,
        provider: row.try_get("provider")?,
        consumer: row.try_get("consumer")?,
        sha: row.try_get("sha")?,
        provider_version: row.try_get("provider_version")?,
        success: row.try_get("success")?,
        build_url: row.try_get("build_url")?,
        body: serde_json::from_str(&body).unwrap_or(serde_json::Value::Null),
        created_at: row.try_get("created_at")?,
    })
}

impl Repo {
    pub(crate) async fn add_verification(
        &self,
        result: &NewVerification,
    ) -> Result<VerificationRecord> {
        let now = now();
        let mut tx = self.write().await?;
        let content_id: i64 = sqlx::query(
            "SELECT pc.id FROM pact_contents pc \
             JOIN pacticipants c ON c.id = pc.consumer_id \
             JOIN pacticipants p ON p.id = pc.provider_id \
             WHERE p.name = $1 AND c.name = $2 AND pc.sha = $3",
        )
        .bind(&result.provider)
        .bind(&result.consumer)
        .bind(&result.sha)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or_else(|| {
            StoreError::NotFound(format!(
                "No pact between {} and {} has the content {}",
                result.consumer, result.provider, result.sha
            ))
        })?
        .try_get(0)?;
        let provider_id = ensure_pacticipant(&mut tx, &result.provider, &now).await?;
        let (version_id, _) =
            ensure_version_row(&mut tx, provider_id, &result.provider_version, &now).await?;
        let body = result.body.to_string();
        let id: i64 = sqlx::query(
            "INSERT INTO verifications \
                 (pact_content_id, provider_version_id, success, build_url, body, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(content_id)
        .bind(version_id)
        .bind(result.success)
        .bind(&result.build_url)
        .bind(&body)
        .bind(&now)
        .fetch_one(&mut *tx)
        .await?
        .try_get(0)?;
        tx.commit().await?;
        Ok(VerificationRecord {
            id,
            provider: result.provider.clone(),
            consumer: result.consumer.clone(),
            sha: result.sha.clone(),
            provider_version: result.provider_version.clone(),
            success: result.success,
            build_url: result.build_url.clone(),
            body: result.body.clone(),
            created_at: now,
        })
    }

    pub(crate) async fn verification(&self, id: i64) -> Result<Option<VerificationRecord>> {
        let sql = format!("{VERIFICATION_SELECT} WHERE vr.id = $1");
        sqlx::query(&sql)
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .map(|r| verification_from(&r))
            .transpose()
    }
}
