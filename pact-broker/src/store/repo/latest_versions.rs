// The latest version of many pacticipants at once, and of their main branches: the rows of
// the dashboard's environments table in one statement, whatever the page size.
// Included per backend (see mod.rs).

impl Repo {
    pub(crate) async fn latest_versions_of(&self, pacticipant_ids: &[i64]) -> Result<Vec<LatestVersions>> {
        if pacticipant_ids.is_empty() {
            return Ok(Vec::new());
        }
        // Our own row ids, never client text (see `id_list`).
        let ids = id_list(pacticipant_ids);
        let sql = format!(
            "SELECT p.id, lv.id, lv.number, mv.id, mv.number FROM pacticipants p \
             LEFT JOIN versions lv ON lv.id = (SELECT MAX(v.id) FROM versions v WHERE v.pacticipant_id = p.id) \
             LEFT JOIN versions mv ON mv.id = (SELECT MAX(bv.version_id) FROM branch_versions bv \
                 JOIN branches b ON b.id = bv.branch_id \
                 WHERE b.pacticipant_id = p.id AND b.name = p.main_branch) \
             WHERE p.id IN ({ids})"
        );
        let rows = sqlx::query(&sql).persistent(false).fetch_all(&self.pool).await?;
        let version = |row: &Row, id: usize| -> Result<Option<VersionRef>> {
            Ok(match row.try_get::<Option<i64>, _>(id)? {
                Some(vid) => Some(VersionRef {
                    id: vid,
                    number: row.try_get(id + 1)?,
                }),
                None => None,
            })
        };
        let mut found: std::collections::HashMap<i64, LatestVersions> = std::collections::HashMap::new();
        for row in &rows {
            let pacticipant_id: i64 = row.try_get(0)?;
            found.insert(
                pacticipant_id,
                LatestVersions {
                    pacticipant_id,
                    latest: version(row, 1)?,
                    main_branch: version(row, 3)?,
                },
            );
        }
        Ok(pacticipant_ids.iter().filter_map(|id| found.remove(id)).collect())
    }
}
