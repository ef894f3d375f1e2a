// Webhooks. Included per backend (see mod.rs).
//
// A webhook names its consumer and provider by pacticipant id (`consumer_id`) or by label
// (`consumer_label`), or neither (every pacticipant). Its events and request are JSON text.

const WEBHOOK_SELECT: &str = "SELECT w.uuid, w.description, c.name AS consumer_name, \
            p.name AS provider_name, w.consumer_label, w.provider_label, w.enabled, w.events, \
            w.request, w.created_at, w.updated_at \
     FROM webhooks w \
     LEFT JOIN pacticipants c ON c.id = w.consumer_id \
     LEFT JOIN pacticipants p ON p.id = w.provider_id";

fn webhook_from(row: &Row) -> Result<Webhook> {
    let side = |name: &str, label: &str| -> Result<Option<WebhookPacticipant>> {
        let name: Option<String> = row.try_get(name)?;
        let label: Option<String> = row.try_get(label)?;
        Ok(name
            .map(WebhookPacticipant::Name)
            .or(label.map(WebhookPacticipant::Label)))
    };
    let events: String = row.try_get("events")?;
    let request: String = row.try_get("request")?;
    Ok(Webhook {
        uuid: row.try_get("uuid")?,
        description: row.try_get("description")?,
        consumer: side("consumer_name", "consumer_label")?,
        provider: side("provider_name", "provider_label")?,
        enabled: row.try_get("enabled")?,
        events: serde_json::from_str(&events).unwrap_or_default(),
        request: serde_json::from_str(&request).unwrap_or(serde_json::Value::Null),
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
    })
}

/// The id of the pacticipant a webhook names, or its label.
async fn webhook_side(
    conn: &mut Conn,
    side: Option<&WebhookPacticipant>,
) -> Result<(Option<i64>, Option<String>)> {
    match side {
        None => Ok((None, None)),
        Some(WebhookPacticipant::Label(label)) => Ok((None, Some(label.clone()))),
        Some(WebhookPacticipant::Name(name)) => {
            let id: i64 = sqlx::query("SELECT id FROM pacticipants WHERE name = $1")
                .bind(name)
                .fetch_optional(&mut *conn)
                .await?
                .ok_or_else(|| {
                    StoreError::NotFound(format!("No pacticipant with name '{name}' found"))
                })?
                .try_get(0)?;
            Ok((Some(id), None))
        }
    }
}

async fn webhook_by_uuid(conn: &mut Conn, uuid: &str) -> Result<Option<Webhook>> {
    let sql = format!("{WEBHOOK_SELECT} WHERE w.uuid = $1");
    sqlx::query(&sql)
        .bind(uuid)
        .fetch_optional(&mut *conn)
        .await?
        .map(|r| webhook_from(&r))
        .transpose()
}

impl Repo {
    pub(crate) async fn webhooks(&self) -> Result<Vec<Webhook>> {
        let sql = format!("{WEBHOOK_SELECT} ORDER BY w.id");
        sqlx::query(&sql)
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(webhook_from)
            .collect()
    }

    pub(crate) async fn webhook(&self, uuid: &str) -> Result<Option<Webhook>> {
        let mut conn = self.pool.acquire().await?;
        webhook_by_uuid(&mut conn, uuid).await
    }

    pub(crate) async fn save_webhook(
        &self,
        uuid: &str,
        webhook: &NewWebhook,
    ) -> Result<(Webhook, bool)> {
        let now = now();
        let mut tx = self.write().await?;
        let (consumer_id, consumer_label) =
            webhook_side(&mut tx, webhook.consumer.as_ref()).await?;
        let (provider_id, provider_label) =
            webhook_side(&mut tx, webhook.provider.as_ref()).await?;
        let events = serde_json::Value::from(webhook.events.clone()).to_string();
        let request = webhook.request.to_string();
        let created = sqlx::query(
            "INSERT INTO webhooks (uuid, description, consumer_id, provider_id, consumer_label, \
                 provider_label, enabled, events, request, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) \
             ON CONFLICT (uuid) DO NOTHING RETURNING id",
        )
        .bind(uuid)
        .bind(&webhook.description)
        .bind(consumer_id)
        .bind(provider_id)
        .bind(&consumer_label)
        .bind(&provider_label)
        .bind(webhook.enabled)
        .bind(&events)
        .bind(&request)
        .bind(&now)
        .fetch_optional(&mut *tx)
        .await?
        .is_some();
        if !created {
            sqlx::query(
                "UPDATE webhooks SET description = $2, consumer_id = $3, provider_id = $4, \
                     consumer_label = $5, provider_label = $6, enabled = $7, events = $8, \
                     request = $9, updated_at = $10 \
                 WHERE uuid = $1",
            )
            .bind(uuid)
            .bind(&webhook.description)
            .bind(consumer_id)
            .bind(provider_id)
            .bind(&consumer_label)
            .bind(&provider_label)
            .bind(webhook.enabled)
            .bind(&events)
            .bind(&request)
            .bind(&now)
            .execute(&mut *tx)
            .await?;
        }
        let saved = webhook_by_uuid(&mut tx, uuid)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("No webhook {uuid} found")))?;
        tx.commit().await?;
        Ok((saved, created))
    }

    pub(crate) async fn delete_webhook(&self, uuid: &str) -> Result<bool> {
        let mut tx = self.write().await?;
        sqlx::query("DELETE FROM webhook_executions WHERE webhook_uuid = $1")
            .bind(uuid)
            .execute(&mut *tx)
            .await?;
        let deleted = sqlx::query("DELETE FROM webhooks WHERE uuid = $1")
            .bind(uuid)
            .execute(&mut *tx)
            .await?
            .rows_affected()
            > 0;
        tx.commit().await?;
        Ok(deleted)
    }
}
