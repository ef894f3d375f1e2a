// The facts pacts-for-verification decides on: every publication for a provider with its
// consumer version's branches, tags and environments, the provider's successful
// verifications, and when its branches and tags were created. A handful of queries each,
// never one per row: the lists are assembled here by version id. Included per backend (see
// mod.rs).

/// Appends `(version_id, name)` rows to the list `pick` chooses of the facts with that id.
fn attach_names(
    rows: &[Row],
    index: &std::collections::HashMap<i64, Vec<usize>>,
    facts: &mut [crate::domain::selectors::PublicationFacts],
    pick: fn(&mut crate::domain::selectors::PublicationFacts) -> &mut Vec<String>,
) -> Result<()> {
    for row in rows {
        let id: i64 = row.try_get(0)?;
        let name: String = row.try_get(1)?;
        for &i in index.get(&id).map(Vec::as_slice).unwrap_or_default() {
            let list = pick(&mut facts[i]);
            if !list.contains(&name) {
                list.push(name.clone());
            }
        }
    }
    Ok(())
}

/// The consumer versions [`FactScope::Heads`](crate::domain::selectors::FactScope) keeps, for
/// the provider bound to `$1`: grouped in the database, so the rows that come back are only
/// those the selectors can choose. [`OVERALL_LATEST`] is added when a selector wants it.
const HEADS: &str = "SELECT MAX(pp.consumer_version_id) FROM pact_publications pp \
     JOIN branch_versions bv ON bv.version_id = pp.consumer_version_id \
     WHERE pp.provider_id = $1 GROUP BY bv.branch_id \
     UNION SELECT MAX(pp.consumer_version_id) FROM pact_publications pp \
     JOIN tags t ON t.version_id = pp.consumer_version_id \
     JOIN versions v ON v.id = pp.consumer_version_id \
     WHERE pp.provider_id = $1 GROUP BY v.pacticipant_id, t.name \
     UNION SELECT d.version_id FROM deployed_versions d \
     JOIN pact_publications pp ON pp.consumer_version_id = d.version_id \
     WHERE pp.provider_id = $1 AND d.currently_deployed \
     UNION SELECT r.version_id FROM released_versions r \
     JOIN pact_publications pp ON pp.consumer_version_id = r.version_id \
     WHERE pp.provider_id = $1 AND r.currently_supported";

/// The newest consumer version of each consumer, for `latest: true` alone and the defaults.
const OVERALL_LATEST: &str = " UNION SELECT MAX(pp.consumer_version_id) FROM pact_publications pp \
     JOIN versions v ON v.id = pp.consumer_version_id \
     WHERE pp.provider_id = $1 GROUP BY v.pacticipant_id";

impl Repo {
    pub(crate) async fn publication_facts(
        &self,
        provider_id: i64,
        scope: crate::domain::selectors::FactScope,
    ) -> Result<Vec<crate::domain::selectors::PublicationFacts>> {
        let within = match scope {
            crate::domain::selectors::FactScope::Every => String::new(),
            crate::domain::selectors::FactScope::Heads { overall_latest } => {
                // Read once and written into the five queries as a list of integers (ids
                // from the database, nothing a client sent), rather than grouped five times.
                let heads = if overall_latest {
                    format!("{HEADS}{OVERALL_LATEST}")
                } else {
                    HEADS.to_string()
                };
                let ids: Vec<i64> = sqlx::query_scalar(&heads)
                    .bind(provider_id)
                    .fetch_all(&self.pool)
                    .await?;
                if ids.is_empty() {
                    return Ok(Vec::new());
                }
                let list: Vec<String> = ids.iter().map(i64::to_string).collect();
                format!(" AND pp.consumer_version_id IN ({})", list.join(","))
            }
        };
        // Five independent reads, run at once on separate connections: the driver's cost
        // is per row, and each connection has a thread of its own.
        let queries = [
            "SELECT v.id, c.name, c.main_branch, v.number, pc.sha, pp.created_at \
             FROM pact_publications pp \
             JOIN versions v ON v.id = pp.consumer_version_id \
             JOIN pacticipants c ON c.id = v.pacticipant_id \
             JOIN pact_contents pc ON pc.id = pp.pact_content_id \
             WHERE pp.provider_id = $1{within} ORDER BY v.id",
            "SELECT bv.version_id, b.name FROM pact_publications pp \
             JOIN branch_versions bv ON bv.version_id = pp.consumer_version_id \
             JOIN branches b ON b.id = bv.branch_id \
             WHERE pp.provider_id = $1{within} ORDER BY bv.created_at, b.name",
            "SELECT t.version_id, t.name FROM pact_publications pp \
             JOIN tags t ON t.version_id = pp.consumer_version_id \
             WHERE pp.provider_id = $1{within} ORDER BY t.created_at, t.name",
            "SELECT d.version_id, e.name FROM pact_publications pp \
             JOIN deployed_versions d ON d.version_id = pp.consumer_version_id \
             JOIN environments e ON e.id = d.environment_id \
             WHERE pp.provider_id = $1{within} AND d.currently_deployed ORDER BY e.name",
            "SELECT r.version_id, e.name FROM pact_publications pp \
             JOIN released_versions r ON r.version_id = pp.consumer_version_id \
             JOIN environments e ON e.id = r.environment_id \
             WHERE pp.provider_id = $1{within} AND r.currently_supported ORDER BY e.name",
        ]
        .map(|sql| sql.replace("{within}", &within));
        let by_provider = |sql: &str| {
            let sql = sql.to_string();
            let pool = self.pool.clone();
            async move { sqlx::query(&sql).bind(provider_id).fetch_all(&pool).await }
        };
        let (rows, branches, tags, deployed, released) = futures_util::future::try_join5(
            by_provider(&queries[0]),
            by_provider(&queries[1]),
            by_provider(&queries[2]),
            by_provider(&queries[3]),
            by_provider(&queries[4]),
        )
        .await?;
        let mut facts = Vec::with_capacity(rows.len());
        let mut index: std::collections::HashMap<i64, Vec<usize>> = Default::default();
        for row in &rows {
            let id: i64 = row.try_get(0)?;
            index.entry(id).or_default().push(facts.len());
            facts.push(crate::domain::selectors::PublicationFacts {
                consumer: row.try_get(1)?,
                consumer_main_branch: row.try_get(2)?,
                version_number: row.try_get(3)?,
                version_order: id,
                sha: row.try_get(4)?,
                published_at: row.try_get(5)?,
                ..Default::default()
            });
        }
        attach_names(&branches, &index, &mut facts, |f| &mut f.branches)?;
        attach_names(&tags, &index, &mut facts, |f| &mut f.tags)?;
        attach_names(&deployed, &index, &mut facts, |f| &mut f.deployed_to)?;
        attach_names(&released, &index, &mut facts, |f| &mut f.released_to)?;
        Ok(facts)
    }

    pub(crate) async fn successful_verification_facts(
        &self,
        provider_id: i64,
    ) -> Result<Vec<crate::domain::selectors::VerificationFacts>> {
        let mut conn = self.pool.acquire().await?;
        // One fact per (content, provider version): its first success is what the
        // "verified before the branch was created" rule compares.
        let rows = sqlx::query(
            "SELECT pc.sha, vr.provider_version_id, MIN(vr.created_at) \
             FROM verifications vr JOIN pact_contents pc ON pc.id = vr.pact_content_id \
             WHERE pc.provider_id = $1 AND vr.success \
             GROUP BY pc.sha, vr.provider_version_id ORDER BY 3",
        )
        .bind(provider_id)
        .fetch_all(&mut *conn)
        .await?;
        if rows.is_empty() {
            return Ok(Vec::new());
        }
        let verifying = "SELECT vr.provider_version_id FROM verifications vr \
             JOIN pact_contents pc ON pc.id = vr.pact_content_id \
             WHERE pc.provider_id = $1 AND vr.success";
        let mut branches: std::collections::HashMap<i64, Vec<String>> = Default::default();
        for row in sqlx::query(&format!(
            "SELECT bv.version_id, b.name FROM branch_versions bv \
             JOIN branches b ON b.id = bv.branch_id \
             WHERE b.pacticipant_id = $1 AND bv.version_id IN ({verifying})"
        ))
        .bind(provider_id)
        .fetch_all(&mut *conn)
        .await?
        {
            branches
                .entry(row.try_get(0)?)
                .or_default()
                .push(row.try_get(1)?);
        }
        let mut tags: std::collections::HashMap<i64, Vec<String>> = Default::default();
        for row in sqlx::query(&format!(
            "SELECT t.version_id, t.name FROM tags t WHERE t.version_id IN ({verifying})"
        ))
        .bind(provider_id)
        .fetch_all(&mut *conn)
        .await?
        {
            tags.entry(row.try_get(0)?)
                .or_default()
                .push(row.try_get(1)?);
        }
        rows.iter()
            .map(|row| {
                let version_id: i64 = row.try_get(1)?;
                Ok(crate::domain::selectors::VerificationFacts {
                    sha: row.try_get(0)?,
                    success: true,
                    provider_branches: branches.get(&version_id).cloned().unwrap_or_default(),
                    provider_tags: tags.get(&version_id).cloned().unwrap_or_default(),
                    verified_at: row.try_get(2)?,
                    wip: false,
                })
            })
            .collect()
    }

    pub(crate) async fn provider_context(
        &self,
        provider_id: i64,
        provider: &str,
        branch: Option<&str>,
        tags: &[String],
    ) -> Result<crate::domain::selectors::ProviderContext> {
        let mut conn = self.pool.acquire().await?;
        let branch_created_at = match branch {
            None => None,
            Some(name) => sqlx::query(
                "SELECT created_at FROM branches WHERE pacticipant_id = $1 AND name = $2",
            )
            .bind(provider_id)
            .bind(name)
            .fetch_optional(&mut *conn)
            .await?
            .map(|r| r.try_get::<String, _>(0))
            .transpose()?,
        };
        let mut tags_created_at = Vec::new();
        if !tags.is_empty() {
            for row in sqlx::query(
                "SELECT t.name, MIN(t.created_at) FROM tags t \
                 JOIN versions v ON v.id = t.version_id \
                 WHERE v.pacticipant_id = $1 GROUP BY t.name",
            )
            .bind(provider_id)
            .fetch_all(&mut *conn)
            .await?
            {
                let name: String = row.try_get(0)?;
                if tags.contains(&name) {
                    tags_created_at.push(crate::domain::selectors::ProviderBranchFacts {
                        name,
                        created_at: row.try_get(1)?,
                    });
                }
            }
        }
        Ok(crate::domain::selectors::ProviderContext {
            provider: provider.to_string(),
            branch: branch.map(str::to_string),
            tags: tags.to_vec(),
            branch_created_at,
            tags_created_at,
        })
    }
}
