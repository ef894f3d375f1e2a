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
        let row = sqlx::query(
            "SELECT pc.sha, ve.success \
             FROM verifications ve \
             JOIN pact_contents pc ON pc.id = ve.pact_content_id \
             JOIN pacticipants p ON p.id = pc.provider_id \
             JOIN pacticipants c ON c.id = pc.consumer_id \
             JOIN pact_publications pp ON pp.pact_content_id = pc.id AND pp.provider_id = pc.provider_id \
             JOIN versions cv ON cv.id = pp.consumer_version_id AND cv.pacticipant_id = pc.consumer_id \
             JOIN tags ct ON ct.version_id = cv.id AND ct.name = $3 \
             JOIN tags pt ON pt.version_id = ve.provider_version_id AND pt.name = $4 \
             WHERE p.name = $1 AND c.name = $2 \
             ORDER BY cv.id DESC, ve.provider_version_id DESC, ve.id DESC LIMIT 1",
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
