// The matrix: which versions a selector names, which versions are in an environment,
// the integrations of a pacticipant, and the rows of one integration between version
// scopes. Rows are filtered in SQL by the resolved version ids (written into the SQL as
// integers from our own rows, never client text) and, with `latestby`, reduced to the
// latest verification per content (and provider version) before they leave the database.
// Included per backend (see mod.rs).

/// `ids` as a SQL list, `1,2,3`; the ids are our own row ids, never client text.
fn id_list(ids: &[i64]) -> String {
    let mut out = String::with_capacity(ids.len() * 6);
    for (i, id) in ids.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&id.to_string());
    }
    out
}

fn version_refs(rows: &[Row]) -> Result<Vec<VersionRef>> {
    rows.iter()
        .map(|r| {
            Ok(VersionRef {
                id: r.try_get(0)?,
                number: r.try_get(1)?,
            })
        })
        .collect()
}

/// The versions of pacticipant `$1` currently deployed or released to the environment
/// named by parameter `$n`, as a subquery of version ids.
fn in_environment(n: usize) -> String {
    format!(
        "SELECT d.version_id FROM deployed_versions d \
         JOIN environments e ON e.id = d.environment_id \
         WHERE d.pacticipant_id = $1 AND e.name = ${n} AND d.currently_deployed \
         UNION SELECT r.version_id FROM released_versions r \
         JOIN environments e ON e.id = r.environment_id \
         WHERE r.pacticipant_id = $1 AND e.name = ${n} AND r.currently_supported"
    )
}

impl Repo {
    pub(crate) async fn matrix_selector_versions(
        &self,
        pacticipant_id: i64,
        selector: &crate::domain::query::MatrixSelector,
    ) -> Result<Vec<VersionRef>> {
        let mut sql = "SELECT v.id, v.number FROM versions v WHERE v.pacticipant_id = $1".to_string();
        let mut binds: Vec<&str> = Vec::new();
        if let Some(number) = &selector.version {
            binds.push(number);
            sql.push_str(&format!(" AND v.number = ${}", binds.len() + 1));
        }
        if let Some(tag) = &selector.tag {
            binds.push(tag);
            sql.push_str(&format!(
                " AND v.id IN (SELECT t.version_id FROM tags t WHERE t.name = ${})",
                binds.len() + 1
            ));
        }
        if let Some(branch) = &selector.branch {
            binds.push(branch);
            sql.push_str(&format!(
                " AND v.id IN (SELECT bv.version_id FROM branch_versions bv \
                 JOIN branches b ON b.id = bv.branch_id \
                 WHERE b.pacticipant_id = $1 AND b.name = ${})",
                binds.len() + 1
            ));
        }
        if selector.main_branch {
            sql.push_str(
                " AND v.id IN (SELECT bv.version_id FROM branch_versions bv \
                 JOIN branches b ON b.id = bv.branch_id \
                 WHERE b.pacticipant_id = $1 \
                   AND b.name = (SELECT main_branch FROM pacticipants WHERE id = $1))",
            );
        }
        if let Some(environment) = &selector.environment {
            binds.push(environment);
            sql.push_str(&format!(" AND v.id IN ({})", in_environment(binds.len() + 1)));
        }
        sql.push_str(" ORDER BY v.id DESC");
        if selector.latest {
            sql.push_str(" LIMIT 1");
        }
        let mut query = sqlx::query(&sql).persistent(false).bind(pacticipant_id);
        for value in binds {
            query = query.bind(value);
        }
        version_refs(&query.fetch_all(&self.pool).await?)
    }

    pub(crate) async fn deployed_or_released_versions(
        &self,
        pacticipant_id: i64,
        environment: &str,
    ) -> Result<Vec<VersionRef>> {
        let sql = format!(
            "SELECT v.id, v.number FROM versions v WHERE v.id IN ({}) ORDER BY v.id DESC",
            in_environment(2)
        );
        let rows = sqlx::query(&sql)
            .bind(pacticipant_id)
            .bind(environment)
            .fetch_all(&self.pool)
            .await?;
        version_refs(&rows)
    }

    pub(crate) async fn integrations_of(&self, pacticipant_id: i64) -> Result<Vec<IntegrationRef>> {
        let rows = sqlx::query(
            "SELECT DISTINCT pc.consumer_id, c.name, pc.provider_id, p.name FROM pact_contents pc \
             JOIN pacticipants c ON c.id = pc.consumer_id \
             JOIN pacticipants p ON p.id = pc.provider_id \
             WHERE (pc.consumer_id = $1 OR pc.provider_id = $1) AND pc.consumer_id <> pc.provider_id \
             ORDER BY 2, 4",
        )
        .bind(pacticipant_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(IntegrationRef {
                    consumer_id: r.try_get(0)?,
                    consumer: r.try_get(1)?,
                    provider_id: r.try_get(2)?,
                    provider: r.try_get(3)?,
                })
            })
            .collect()
    }

    pub(crate) async fn matrix_rows(
        &self,
        integration: &IntegrationRef,
        consumer_scope: &VersionScope,
        provider_scope: &VersionScope,
        latestby: Option<crate::domain::query::LatestBy>,
        unverified: bool,
    ) -> Result<Vec<MatrixRowRecord>> {
        use crate::domain::query::LatestBy;
        if consumer_scope.is_empty() || provider_scope.is_empty() {
            return Ok(Vec::new());
        }
        let provider_filter = match provider_scope {
            VersionScope::Any => String::new(),
            VersionScope::Only(ids) => format!(" AND vr.provider_version_id IN ({})", id_list(ids)),
        };
        let mut sql = "SELECT v.id, v.number, pc.sha, pp.pact_content_id, pp.created_at \
             FROM pact_publications pp \
             JOIN versions v ON v.id = pp.consumer_version_id \
             JOIN pact_contents pc ON pc.id = pp.pact_content_id \
             WHERE pp.provider_id = $1 AND v.pacticipant_id = $2"
            .to_string();
        if let VersionScope::Only(ids) = consumer_scope {
            sql.push_str(&format!(" AND pp.consumer_version_id IN ({})", id_list(ids)));
        }
        if !unverified {
            sql.push_str(&format!(
                " AND EXISTS (SELECT 1 FROM verifications vr \
                 WHERE vr.pact_content_id = pp.pact_content_id{provider_filter})"
            ));
        }
        let mut conn = self.pool.acquire().await?;
        let publications = sqlx::query(&sql)
            .persistent(false)
            .bind(integration.provider_id)
            .bind(integration.consumer_id)
            .fetch_all(&mut *conn)
            .await?;
        if publications.is_empty() {
            return Ok(Vec::new());
        }
        let mut contents: Vec<i64> = publications
            .iter()
            .map(|r| r.try_get::<i64, _>(3))
            .collect::<Result<_, _>>()?;
        contents.sort_unstable();
        contents.dedup();
        let contents = id_list(&contents);
        let latest_only = match latestby {
            None => String::new(),
            Some(by) => format!(
                " AND vr.id IN (SELECT MAX(vr.id) FROM verifications vr \
                 WHERE vr.pact_content_id IN ({contents}){provider_filter} \
                 GROUP BY vr.pact_content_id{})",
                if by == LatestBy::Cvpv { ", vr.provider_version_id" } else { "" }
            ),
        };
        let sql = format!(
            "SELECT vr.id, vr.pact_content_id, vr.success, vr.created_at, pv.id, pv.number \
             FROM verifications vr JOIN versions pv ON pv.id = vr.provider_version_id \
             WHERE vr.pact_content_id IN ({contents}){provider_filter}{latest_only} \
             ORDER BY vr.id"
        );
        let mut by_content: std::collections::HashMap<i64, Vec<(crate::domain::matrix::VerificationCell, i64, String)>> =
            Default::default();
        for row in sqlx::query(&sql).persistent(false).fetch_all(&mut *conn).await? {
            let id: i64 = row.try_get(0)?;
            by_content.entry(row.try_get(1)?).or_default().push((
                crate::domain::matrix::VerificationCell {
                    success: row.try_get(2)?,
                    id,
                    number: id,
                    verified_at: row.try_get(3)?,
                },
                row.try_get(4)?,
                row.try_get(5)?,
            ));
        }
        let mut out = Vec::new();
        for publication in &publications {
            let consumer_version_id: i64 = publication.try_get(0)?;
            let consumer_version: String = publication.try_get(1)?;
            let sha: String = publication.try_get(2)?;
            let content_id: i64 = publication.try_get(3)?;
            let pact_created_at: String = publication.try_get(4)?;
            let row = |verification: Option<&(crate::domain::matrix::VerificationCell, i64, String)>| {
                MatrixRowRecord {
                    row: crate::domain::matrix::MatrixRow {
                        consumer: integration.consumer.clone(),
                        consumer_version: consumer_version.clone(),
                        consumer_version_order: consumer_version_id,
                        provider: integration.provider.clone(),
                        provider_version: verification.map(|v| v.2.clone()),
                        provider_version_order: verification.map(|v| v.1),
                        pact_created_at: pact_created_at.clone(),
                        verification: verification.map(|v| v.0.clone()),
                    },
                    sha: sha.clone(),
                    consumer_version_id,
                    provider_version_id: verification.map(|v| v.1),
                }
            };
            match by_content.get(&content_id) {
                Some(verifications) if !verifications.is_empty() => {
                    out.extend(verifications.iter().map(|v| row(Some(v))));
                }
                _ if unverified => out.push(row(None)),
                _ => {}
            }
        }
        Ok(out)
    }

    pub(crate) async fn version_details(&self, version_ids: &[i64]) -> Result<Vec<VersionDetails>> {
        if version_ids.is_empty() {
            return Ok(Vec::new());
        }
        let ids = id_list(version_ids);
        let mut conn = self.pool.acquire().await?;
        let mut details: Vec<VersionDetails> = version_ids
            .iter()
            .map(|&id| VersionDetails {
                id,
                ..VersionDetails::default()
            })
            .collect();
        let position: std::collections::HashMap<i64, usize> =
            version_ids.iter().enumerate().map(|(i, &id)| (id, i)).collect();
        let branches = format!(
            "SELECT bv.version_id, b.name, \
                    (SELECT MAX(l.version_id) FROM branch_versions l WHERE l.branch_id = b.id) \
             FROM branch_versions bv JOIN branches b ON b.id = bv.branch_id \
             WHERE bv.version_id IN ({ids}) ORDER BY bv.created_at, b.name"
        );
        for row in sqlx::query(&branches).persistent(false).fetch_all(&mut *conn).await? {
            let id: i64 = row.try_get(0)?;
            if let Some(&i) = position.get(&id) {
                details[i].branches.push(BranchMembership {
                    name: row.try_get(1)?,
                    latest: row.try_get::<Option<i64>, _>(2)? == Some(id),
                });
            }
        }
        let tags = format!(
            "SELECT t.version_id, t.name, \
                    (SELECT MAX(t2.version_id) FROM tags t2 JOIN versions v2 ON v2.id = t2.version_id \
                     WHERE t2.name = t.name AND v2.pacticipant_id = v.pacticipant_id) \
             FROM tags t JOIN versions v ON v.id = t.version_id \
             WHERE t.version_id IN ({ids}) ORDER BY t.created_at, t.name"
        );
        for row in sqlx::query(&tags).persistent(false).fetch_all(&mut *conn).await? {
            let id: i64 = row.try_get(0)?;
            if let Some(&i) = position.get(&id) {
                details[i].tags.push(BranchMembership {
                    name: row.try_get(1)?,
                    latest: row.try_get::<Option<i64>, _>(2)? == Some(id),
                });
            }
        }
        let environments = format!(
            "SELECT d.version_id, e.name, 1 FROM deployed_versions d \
             JOIN environments e ON e.id = d.environment_id \
             WHERE d.version_id IN ({ids}) AND d.currently_deployed \
             UNION SELECT r.version_id, e.name, 0 FROM released_versions r \
             JOIN environments e ON e.id = r.environment_id \
             WHERE r.version_id IN ({ids}) AND r.currently_supported ORDER BY 2"
        );
        for row in sqlx::query(&environments).persistent(false).fetch_all(&mut *conn).await? {
            let id: i64 = row.try_get(0)?;
            let name: String = row.try_get(1)?;
            let deployed: i32 = row.try_get(2)?;
            if let Some(&i) = position.get(&id) {
                let list = if deployed == 1 {
                    &mut details[i].deployed_to
                } else {
                    &mut details[i].released_to
                };
                if !list.contains(&name) {
                    list.push(name);
                }
            }
        }
        Ok(details)
    }
}
