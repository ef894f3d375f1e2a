// The pact page's reads: the verifications of one content, and the pact a consumer
// published before a given version. Included per backend (see mod.rs).

impl Repo {
    pub(crate) async fn verifications_of_content(
        &self,
        provider: &str,
        consumer: &str,
        sha: &str,
        limit: i64,
    ) -> Result<Vec<VerificationRecord>> {
        // One row per provider version, its newest result: a provider re-running its
        // build replaces what it said about this content, it does not add a second voice.
        let sql = format!(
            "{VERIFICATION_SELECT} WHERE vr.id IN ( \
                 SELECT MAX(v2.id) FROM verifications v2 \
                 JOIN pact_contents pc2 ON pc2.id = v2.pact_content_id \
                 JOIN pacticipants c2 ON c2.id = pc2.consumer_id \
                 JOIN pacticipants p2 ON p2.id = pc2.provider_id \
                 WHERE p2.name = $1 AND c2.name = $2 AND pc2.sha = $3 \
                 GROUP BY v2.provider_version_id) \
             ORDER BY vr.id DESC LIMIT $4"
        );
        sqlx::query(&sql)
            .bind(provider)
            .bind(consumer)
            .bind(sha)
            .bind(limit)
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(verification_from)
            .collect()
    }

    pub(crate) async fn previous_pact(
        &self,
        provider: &str,
        consumer: &str,
        before_version_id: i64,
    ) -> Result<Option<PactRecord>> {
        let sql = format!(
            "{PACT_SELECT} WHERE p.name = $1 AND c.name = $2 AND v.id < $3 \
             ORDER BY v.id DESC LIMIT 1"
        );
        sqlx::query(&sql)
            .bind(provider)
            .bind(consumer)
            .bind(before_version_id)
            .fetch_optional(&self.pool)
            .await?
            .map(|r| pact_from(&r))
            .transpose()
    }
}
