// The webhook outbox. Included per backend (see mod.rs); the one statement that differs,
// claiming due rows, is `CLAIM_DUE_EXECUTIONS` in each backend module.

const EXECUTION_SELECT: &str = "SELECT id, webhook_uuid, event_name, request, status, attempts, \
            next_attempt_at, last_response_status, last_response_body, created_at, updated_at \
     FROM webhook_executions";

fn execution_from(row: &Row) -> Result<WebhookExecution> {
    let request: String = row.try_get("request")?;
    let status: String = row.try_get("status")?;
    Ok(WebhookExecution {
        id: row.try_get("id")?,
        webhook_uuid: row.try_get("webhook_uuid")?,
        event: row.try_get("event_name")?,
        request: serde_json::from_str(&request).unwrap_or(serde_json::Value::Null),
        status: ExecutionStatus::parse(&status),
        attempts: row.try_get("attempts")?,
        next_attempt_at: row.try_get("next_attempt_at")?,
        last_response_status: row.try_get("last_response_status")?,
        last_response_body: row.try_get("last_response_body")?,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
    })
}

impl Repo {
    pub(crate) async fn latest_webhook_statuses(
        &self,
    ) -> Result<Vec<(String, String, ExecutionStatus, String)>> {
        let rows = sqlx::query(
            "SELECT consumer_name, provider_name, status, updated_at FROM webhook_executions \
             WHERE id IN (SELECT MAX(id) FROM webhook_executions \
                          WHERE consumer_name IS NOT NULL GROUP BY consumer_name, provider_name)",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                let status: String = row.try_get(2)?;
                Ok((
                    row.try_get(0)?,
                    row.try_get(1)?,
                    ExecutionStatus::parse(&status),
                    row.try_get(3)?,
                ))
            })
            .collect()
    }

    pub(crate) async fn enqueue_webhook_executions(
        &self,
        executions: &[NewExecution],
    ) -> Result<usize> {
        if executions.is_empty() {
            return Ok(0);
        }
        let now = now();
        let mut tx = self.write().await?;
        for e in executions {
            sqlx::query(
                "INSERT INTO webhook_executions (webhook_uuid, event_name, request, status, \
                     attempts, next_attempt_at, created_at, updated_at, consumer_name, provider_name) \
                 VALUES ($1, $2, $3, 'pending', 0, $4, $4, $4, $5, $6)",
            )
            .bind(&e.webhook_uuid)
            .bind(&e.event)
            .bind(e.request.to_string())
            .bind(&now)
            .bind(&e.consumer)
            .bind(&e.provider)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(executions.len())
    }

    pub(crate) async fn claim_webhook_executions(
        &self,
        limit: i64,
        lease: Duration,
    ) -> Result<Vec<ClaimedExecution>> {
        let now = now();
        let until = time_after(lease);
        let mut tx = self.write().await?;
        let rows = sqlx::query(CLAIM_DUE_EXECUTIONS)
            .bind(&until)
            .bind(&now)
            .bind(limit)
            .fetch_all(&mut *tx)
            .await?;
        tx.commit().await?;
        let mut claimed = rows
            .iter()
            .map(|row| {
                let request: String = row.try_get("request")?;
                Ok(ClaimedExecution {
                    id: row.try_get("id")?,
                    webhook_uuid: row.try_get("webhook_uuid")?,
                    event: row.try_get("event_name")?,
                    request: serde_json::from_str(&request).unwrap_or(serde_json::Value::Null),
                    attempts: row.try_get("attempts")?,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        claimed.sort_by_key(|c| c.id);
        Ok(claimed)
    }

    pub(crate) async fn record_webhook_attempt(
        &self,
        id: i64,
        outcome: &AttemptOutcome,
        retry_in: Option<Duration>,
    ) -> Result<()> {
        let now = now();
        let (status, next) = match (outcome.success, retry_in) {
            (true, _) => (ExecutionStatus::Succeeded, now.clone()),
            (false, Some(delay)) => (ExecutionStatus::Pending, time_after(delay)),
            (false, None) => (ExecutionStatus::Failed, now.clone()),
        };
        let mut tx = self.write().await?;
        sqlx::query(
            "UPDATE webhook_executions SET status = $2, attempts = attempts + 1, \
                 next_attempt_at = $3, claimed_until = NULL, last_response_status = $4, \
                 last_response_body = $5, updated_at = $6 \
             WHERE id = $1",
        )
        .bind(id)
        .bind(status.as_str())
        .bind(&next)
        .bind(outcome.status.map(i64::from))
        .bind(&outcome.body)
        .bind(&now)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    pub(crate) async fn webhook_executions(&self, uuid: &str) -> Result<Vec<WebhookExecution>> {
        let sql = format!("{EXECUTION_SELECT} WHERE webhook_uuid = $1 ORDER BY id");
        sqlx::query(&sql)
            .bind(uuid)
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(execution_from)
            .collect()
    }

    pub(crate) async fn content_history(
        &self,
        provider: &str,
        consumer: &str,
        version: &str,
        sha: &str,
    ) -> Result<ContentHistory> {
        let previous: Option<String> = sqlx::query(
            "SELECT pc.sha FROM pact_publications pp \
             JOIN versions v ON v.id = pp.consumer_version_id \
             JOIN pacticipants c ON c.id = v.pacticipant_id \
             JOIN pacticipants p ON p.id = pp.provider_id \
             JOIN pact_contents pc ON pc.id = pp.pact_content_id \
             WHERE p.name = $1 AND c.name = $2 AND v.id < ( \
                 SELECT v2.id FROM versions v2 WHERE v2.pacticipant_id = c.id AND v2.number = $3) \
             ORDER BY v.id DESC LIMIT 1",
        )
        .bind(provider)
        .bind(consumer)
        .bind(version)
        .fetch_optional(&self.pool)
        .await?
        .map(|r| r.try_get(0))
        .transpose()?;
        let verified = sqlx::query(
            "SELECT 1 FROM verifications vr \
             JOIN pact_contents pc ON pc.id = vr.pact_content_id \
             JOIN pacticipants c ON c.id = pc.consumer_id \
             JOIN pacticipants p ON p.id = pc.provider_id \
             WHERE p.name = $1 AND c.name = $2 AND pc.sha = $3 AND vr.success LIMIT 1",
        )
        .bind(provider)
        .bind(consumer)
        .bind(sha)
        .fetch_optional(&self.pool)
        .await?
        .is_some();
        Ok(ContentHistory {
            same_as_previous: previous.as_deref() == Some(sha),
            verified_successfully: verified,
        })
    }
}
