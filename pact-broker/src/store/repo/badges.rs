// The reads of the matrix badge. Included per backend (see mod.rs).

impl Repo {
    pub(crate) async fn latest_tagged_verification(
        &self,
        provider: &str,
        consumer: &str,
        consumer_tag: &str,
        provider_tag: &str,
    ) -> Result<Option<(String, bool)>> {
        // Any content a consumer version with the tag published counts, not only the latest
        // one: a verification of an earlier content is what makes the latest one "changed".
        // Newest consumer version first, then newest provider version, then newest result.
        // Five relations, the names resolved apart: with the pacticipants and versions
        // joined too, PostgreSQL spent 50 ms planning the statement.
        let row = sqlx::query(
            "SELECT pc.sha, ve.success \
             FROM verifications ve \
             JOIN pact_contents pc ON pc.id = ve.pact_content_id \
             JOIN pact_publications pp ON pp.pact_content_id = pc.id \
             JOIN tags ct ON ct.version_id = pp.consumer_version_id AND ct.name = $3 \
             JOIN tags pt ON pt.version_id = ve.provider_version_id AND pt.name = $4 \
             WHERE pc.provider_id = (SELECT id FROM pacticipants WHERE name = $1) \
               AND pc.consumer_id = (SELECT id FROM pacticipants WHERE name = $2) \
             ORDER BY pp.consumer_version_id DESC, ve.provider_version_id DESC, ve.id DESC \
             LIMIT 1",
        )
        .bind(provider)
        .bind(consumer)
        .bind(consumer_tag)
        .bind(provider_tag)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| Ok((r.try_get(0)?, r.try_get(1)?))).transpose()
    }
}
