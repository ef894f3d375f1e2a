// The dashboard's reads: every integration's latest pact with its verification state, in
// four statements whatever the number of integrations and versions.

impl Repo {
    pub(crate) async fn integration_summaries(
        &self,
        tag: Option<&str>,
        pair: Option<(&str, &str)>,
    ) -> Result<Vec<IntegrationSummary>> {
        let mut conn = self.pool.acquire().await?;
        // The latest publication of each integration (by consumer version order), or the
        // latest of a consumer version with `tag`: a walk back over the consumer's versions
        // (`versions_by_pacticipant`) that stops at the first one that published for the
        // provider, where grouping every publication took 25 ms for 50,000 of them.
        let tag_clause = if tag.is_some() {
            " AND EXISTS (SELECT 1 FROM tags t WHERE t.version_id = v.id AND t.name = $1)"
        } else {
            ""
        };
        let first_name = if tag.is_some() { 2 } else { 1 };
        let integrations = if pair.is_some() {
            format!(
                "SELECT DISTINCT pc.consumer_id, pc.provider_id FROM pact_contents pc \
                 JOIN pacticipants c ON c.id = pc.consumer_id JOIN pacticipants p ON p.id = pc.provider_id \
                 WHERE c.name = ${first_name} AND p.name = ${}",
                first_name + 1
            )
        } else {
            "SELECT DISTINCT consumer_id, provider_id FROM pact_contents".to_string()
        };
        let latest = format!(
            "WITH integrations AS ({integrations}), \
             latest AS ( \
                 SELECT i.consumer_id, i.provider_id, \
                        (SELECT v.id FROM versions v WHERE v.pacticipant_id = i.consumer_id \
                             AND EXISTS (SELECT 1 FROM pact_publications pp \
                                 WHERE pp.consumer_version_id = v.id AND pp.provider_id = i.provider_id){tag_clause} \
                         ORDER BY v.id DESC LIMIT 1) AS cv \
                 FROM integrations i) \
             SELECT l.consumer_id, c.name, l.provider_id, p.name, cv.id, cv.number, \
                    pc.id, pc.sha, pp.updated_at \
             FROM latest l \
             JOIN pact_publications pp ON pp.consumer_version_id = l.cv AND pp.provider_id = l.provider_id \
             JOIN versions cv ON cv.id = l.cv \
             JOIN pact_contents pc ON pc.id = pp.pact_content_id \
             JOIN pacticipants c ON c.id = l.consumer_id \
             JOIN pacticipants p ON p.id = l.provider_id \
             ORDER BY c.name, p.name"
        );
        let mut query = sqlx::query(&latest);
        if let Some(tag) = tag {
            query = query.bind(tag);
        }
        if let Some((consumer, provider)) = pair {
            query = query.bind(consumer).bind(provider);
        }
        let mut content_ids = Vec::new();
        let mut summaries = Vec::new();
        for row in query.fetch_all(&mut *conn).await? {
            content_ids.push(row.try_get::<i64, _>(6)?);
            summaries.push(IntegrationSummary {
                integration: IntegrationRef {
                    consumer_id: row.try_get(0)?,
                    consumer: row.try_get(1)?,
                    provider_id: row.try_get(2)?,
                    provider: row.try_get(3)?,
                },
                consumer_version: VersionRef {
                    id: row.try_get(4)?,
                    number: row.try_get(5)?,
                },
                sha: row.try_get(7)?,
                published_at: row.try_get(8)?,
                latest_verification: None,
                facts: crate::domain::status::VerificationFacts::default(),
            });
        }
        if summaries.is_empty() {
            return Ok(summaries);
        }
        let ids = id_list(&content_ids);
        let position: std::collections::HashMap<i64, usize> =
            content_ids.iter().enumerate().map(|(i, &id)| (id, i)).collect();
        let verifications = format!(
            "SELECT ve.pact_content_id, ve.id, ve.success, ve.created_at, ve.build_url, pv.id, pv.number \
             FROM verifications ve JOIN versions pv ON pv.id = ve.provider_version_id \
             WHERE ve.id IN (SELECT MAX(id) FROM verifications \
                             WHERE pact_content_id IN ({ids}) GROUP BY pact_content_id)"
        );
        for row in sqlx::query(&verifications).persistent(false).fetch_all(&mut *conn).await? {
            let Some(&i) = position.get(&row.try_get::<i64, _>(0)?) else {
                continue;
            };
            let success: bool = row.try_get(2)?;
            summaries[i].facts.latest_content = Some(success);
            summaries[i].latest_verification = Some(VerificationSummary {
                id: row.try_get(1)?,
                success,
                created_at: row.try_get(3)?,
                build_url: row.try_get(4)?,
                provider_version: VersionRef {
                    id: row.try_get(5)?,
                    number: row.try_get(6)?,
                },
            });
        }
        let succeeded = format!(
            "SELECT DISTINCT pact_content_id FROM verifications \
             WHERE success AND pact_content_id IN ({ids})"
        );
        for row in sqlx::query(&succeeded).persistent(false).fetch_all(&mut *conn).await? {
            if let Some(&i) = position.get(&row.try_get::<i64, _>(0)?) {
                summaries[i].facts.content_ever_succeeded = true;
            }
        }
        // Integrations with any content verified successfully: for those whose latest
        // content is unverified, the pact changed since.
        let integrations: std::collections::HashMap<(i64, i64), usize> = summaries
            .iter()
            .enumerate()
            .map(|(i, s)| ((s.integration.consumer_id, s.integration.provider_id), i))
            .collect();
        let consumers: Vec<i64> = summaries.iter().map(|s| s.integration.consumer_id).collect();
        let providers: Vec<i64> = summaries.iter().map(|s| s.integration.provider_id).collect();
        let ever = format!(
            "SELECT DISTINCT pc.consumer_id, pc.provider_id FROM pact_contents pc \
             WHERE pc.consumer_id IN ({}) AND pc.provider_id IN ({}) \
               AND EXISTS (SELECT 1 FROM verifications ve WHERE ve.pact_content_id = pc.id AND ve.success)",
            id_list(&consumers),
            id_list(&providers)
        );
        for row in sqlx::query(&ever).persistent(false).fetch_all(&mut *conn).await? {
            let key = (row.try_get::<i64, _>(0)?, row.try_get::<i64, _>(1)?);
            if let Some(&i) = integrations.get(&key) {
                summaries[i].facts.earlier_content_succeeded = true;
            }
        }
        Ok(summaries)
    }
}
