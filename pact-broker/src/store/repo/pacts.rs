// Publishing and reading pacts. Included per backend (see mod.rs).

const PACT_SELECT: &str = "SELECT c.name AS consumer, p.name AS provider, v.number AS consumer_version, \
            v.id AS consumer_version_id, pc.sha, pc.content, pp.created_at AS published_at \
     FROM pact_publications pp \
     JOIN versions v ON v.id = pp.consumer_version_id \
     JOIN pacticipants c ON c.id = v.pacticipant_id \
     JOIN pacticipants p ON p.id = pp.provider_id \
     JOIN pact_contents pc ON pc.id = pp.pact_content_id";

fn pact_from(row: &Row) -> Result<PactRecord> {
    Ok(PactRecord {
        consumer: row.try_get("consumer")?,
        provider: row.try_get("provider")?,
        consumer_version: row.try_get("consumer_version")?,
        consumer_version_id: row.try_get("consumer_version_id")?,
        sha: row.try_get("sha")?,
        content: row.try_get("content")?,
        published_at: row.try_get("published_at")?,
    })
}

impl Repo {
    pub(crate) async fn publish(&self, publication: &NewPublication) -> Result<PublishOutcome> {
        let now = now();
        let mut tx = self.write().await?;
        let consumer_id = ensure_pacticipant(&mut tx, &publication.consumer, &now).await?;
        let (version_id, version_created) =
            ensure_version_row(&mut tx, consumer_id, &publication.version, &now).await?;
        if let Some(url) = &publication.build_url {
            sqlx::query("UPDATE versions SET build_url = $2 WHERE id = $1")
                .bind(version_id)
                .bind(url)
                .execute(&mut *tx)
                .await?;
        }
        if let Some(branch) = &publication.branch {
            ensure_branch_version(&mut tx, consumer_id, version_id, branch, &now).await?;
        }
        for tag in &publication.tags {
            ensure_tag(&mut tx, version_id, tag, &now).await?;
        }
        let mut contracts = Vec::new();
        let mut conflicts = Vec::new();
        for contract in &publication.contracts {
            let provider_id = ensure_pacticipant(&mut tx, &contract.provider, &now).await?;
            let existing = sqlx::query(
                "SELECT pc.sha, pc.content FROM pact_publications pp \
                 JOIN pact_contents pc ON pc.id = pp.pact_content_id \
                 WHERE pp.consumer_version_id = $1 AND pp.provider_id = $2",
            )
            .bind(version_id)
            .bind(provider_id)
            .fetch_optional(&mut *tx)
            .await?
            .map(|r| Ok::<_, StoreError>((r.try_get::<String, _>(0)?, r.try_get::<String, _>(1)?)))
            .transpose()?;
            let (content, change) = match (&existing, contract.merge) {
                (Some((_, old)), true) => {
                    let old: serde_json::Value = serde_json::from_str(old)
                        .map_err(|e| StoreError::Invalid(format!("stored pact is not JSON: {e}")))?;
                    (crate::domain::content::merge_pacts(&old, &contract.content), ContractChange::Merged)
                }
                _ => (contract.content.clone(), ContractChange::Created),
            };
            let sha = crate::domain::content::pact_sha(&content);
            let change = match (&existing, change) {
                (None, _) => ContractChange::Created,
                (Some((old_sha, _)), _) if *old_sha == sha => ContractChange::Unchanged,
                (Some(_), ContractChange::Merged) => ContractChange::Merged,
                (Some(_), _) if publication.allow_overwrite => ContractChange::Overwritten,
                (Some(_), _) => {
                    conflicts.push(format!(
                        "Cannot change the content of the pact for {} version {} and provider {}, \
                         as race conditions will cause unreliable results for can-i-deploy. \
                         Each pact must be published with a unique consumer version number. \
                         Some Pact libraries generate random data when a concrete value for a type \
                         matcher is not specified, and this can cause the contract to mutate - \
                         ensure you have given example values for all type matchers. \
                         For more information see https://docs.pact.io/go/versioning",
                        publication.consumer, publication.version, contract.provider
                    ));
                    continue;
                }
            };
            if change != ContractChange::Unchanged {
                let text = serde_json::to_string(&content)
                    .map_err(|e| StoreError::Invalid(format!("pact cannot be stored: {e}")))?;
                sqlx::query(
                    "INSERT INTO pact_contents (consumer_id, provider_id, sha, content, created_at) \
                     VALUES ($1, $2, $3, $4, $5) \
                     ON CONFLICT (consumer_id, provider_id, sha) DO NOTHING",
                )
                .bind(consumer_id)
                .bind(provider_id)
                .bind(&sha)
                .bind(&text)
                .bind(&now)
                .execute(&mut *tx)
                .await?;
                let content_id: i64 = sqlx::query(
                    "SELECT id FROM pact_contents \
                     WHERE consumer_id = $1 AND provider_id = $2 AND sha = $3",
                )
                .bind(consumer_id)
                .bind(provider_id)
                .bind(&sha)
                .fetch_one(&mut *tx)
                .await?
                .try_get(0)?;
                sqlx::query(
                    "INSERT INTO pact_publications \
                         (consumer_version_id, provider_id, pact_content_id, created_at, updated_at) \
                     VALUES ($1, $2, $3, $4, $4) \
                     ON CONFLICT (consumer_version_id, provider_id) \
                     DO UPDATE SET pact_content_id = excluded.pact_content_id, \
                                   updated_at = excluded.updated_at",
                )
                .bind(version_id)
                .bind(provider_id)
                .bind(content_id)
                .bind(&now)
                .execute(&mut *tx)
                .await?;
            }
            contracts.push((contract.provider.clone(), sha, change));
        }
        if !conflicts.is_empty() {
            tx.rollback().await?;
            return Err(StoreError::Conflict(conflicts));
        }
        tx.commit().await?;
        Ok(PublishOutcome {
            version_created,
            contracts,
        })
    }

    pub(crate) async fn pact_for_version(
        &self,
        provider: &str,
        consumer: &str,
        version: &str,
    ) -> Result<Option<PactRecord>> {
        let sql = format!("{PACT_SELECT} WHERE p.name = $1 AND c.name = $2 AND v.number = $3");
        sqlx::query(&sql)
            .bind(provider)
            .bind(consumer)
            .bind(version)
            .fetch_optional(&self.pool)
            .await?
            .map(|r| pact_from(&r))
            .transpose()
    }

    pub(crate) async fn latest_pact(
        &self,
        provider: &str,
        consumer: &str,
        tag: Option<&str>,
    ) -> Result<Option<PactRecord>> {
        let sql = match tag {
            None => format!(
                "{PACT_SELECT} WHERE p.name = $1 AND c.name = $2 ORDER BY v.id DESC LIMIT 1"
            ),
            Some(_) => format!(
                "{PACT_SELECT} JOIN tags t ON t.version_id = v.id \
                 WHERE p.name = $1 AND c.name = $2 AND t.name = $3 ORDER BY v.id DESC LIMIT 1"
            ),
        };
        let mut query = sqlx::query(&sql).bind(provider).bind(consumer);
        if let Some(tag) = tag {
            query = query.bind(tag);
        }
        query
            .fetch_optional(&self.pool)
            .await?
            .map(|r| pact_from(&r))
            .transpose()
    }

    pub(crate) async fn pact_by_sha(
        &self,
        provider: &str,
        consumer: &str,
        sha: &str,
    ) -> Result<Option<PactRecord>> {
        let sql = format!(
            "{PACT_SELECT} WHERE p.name = $1 AND c.name = $2 AND pc.sha = $3 \
             ORDER BY v.id DESC LIMIT 1"
        );
        sqlx::query(&sql)
            .bind(provider)
            .bind(consumer)
            .bind(sha)
            .fetch_optional(&self.pool)
            .await?
            .map(|r| pact_from(&r))
            .transpose()
    }

    pub(crate) async fn latest_pacts_for_provider(
        &self,
        provider: &str,
        tag: Option<&str>,
    ) -> Result<Vec<PactRecord>> {
        let sql = match tag {
            None => format!(
                "{PACT_SELECT} WHERE p.name = $1 AND v.id = ( \
                     SELECT MAX(v2.id) FROM pact_publications pp2 \
                     JOIN versions v2 ON v2.id = pp2.consumer_version_id \
                     WHERE pp2.provider_id = pp.provider_id AND v2.pacticipant_id = v.pacticipant_id) \
                 ORDER BY c.name"
            ),
            Some(_) => format!(
                "{PACT_SELECT} WHERE p.name = $1 AND v.id = ( \
                     SELECT MAX(v2.id) FROM pact_publications pp2 \
                     JOIN versions v2 ON v2.id = pp2.consumer_version_id \
                     JOIN tags t ON t.version_id = v2.id \
                     WHERE pp2.provider_id = pp.provider_id AND v2.pacticipant_id = v.pacticipant_id \
                       AND t.name = $2) \
                 ORDER BY c.name"
            ),
        };
        let mut query = sqlx::query(&sql).bind(provider);
        if let Some(tag) = tag {
            query = query.bind(tag);
        }
        query
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(pact_from)
            .collect()
    }

    pub(crate) async fn latest_pacts(&self) -> Result<Vec<PactRecord>> {
        let sql = format!(
            "{PACT_SELECT} WHERE v.id = ( \
                 SELECT MAX(v2.id) FROM pact_publications pp2 \
                 JOIN versions v2 ON v2.id = pp2.consumer_version_id \
                 WHERE pp2.provider_id = pp.provider_id AND v2.pacticipant_id = v.pacticipant_id) \
             ORDER BY c.name, p.name"
        );
        sqlx::query(&sql)
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(pact_from)
            .collect()
    }
}
