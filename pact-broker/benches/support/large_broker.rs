//! A large broker written straight into its database, for the dashboard's benchmarks:
//! publishing 50,000 pacts through the API would take minutes of the bench's time to
//! measure a page that reads them in milliseconds.
//!
//! Included by path from `benches/dashboard.rs` (a folder of its own, so cargo does not
//! take it for a bench target).

/// Writes `consumers × providers` integrations into the (migrated, empty) database at
/// `url`: each consumer has `versions` versions on `main`, each publishing a pact for each
/// provider whose content changes every 10 versions; every content is verified by two
/// provider versions, and the latest content of one integration in seven fails.
pub async fn seed(url: &str, consumers: usize, providers: usize, versions: usize) {
    let now = "2026-12-01T09:00:00.000000Z";
    let mut sql = Vec::new();
    let mut rows = Vec::new();
    // Pacticipants: providers first (ids 1..=providers), then consumers.
    for p in 0..providers {
        rows.push(format!("({}, 'Provider-{p}', '{now}', '{now}')", p + 1));
    }
    for c in 0..consumers {
        rows.push(format!(
            "({}, 'Consumer-{c}', '{now}', '{now}')",
            providers + c + 1
        ));
    }
    sql.push(format!(
        "INSERT INTO pacticipants (id, name, created_at, updated_at) VALUES {}",
        rows.join(",")
    ));
    let consumer_id = |c: usize| providers + c + 1;
    // Versions: the consumers' first, then two per provider.
    let mut version_rows = Vec::new();
    let mut branch_rows = Vec::new();
    let mut branch_version_rows = Vec::new();
    let mut next_version = 1;
    let mut consumer_version = vec![vec![0; versions]; consumers];
    for (c, ids) in consumer_version.iter_mut().enumerate() {
        branch_rows.push(format!("({}, {}, 'main', '{now}')", c + 1, consumer_id(c)));
        for (v, id) in ids.iter_mut().enumerate() {
            *id = next_version;
            version_rows.push(format!(
                "({next_version}, {}, '1.{v}.0', '{now}')",
                consumer_id(c)
            ));
            branch_version_rows.push(format!("({}, {next_version}, '{now}')", c + 1));
            next_version += 1;
        }
    }
    let mut provider_versions = vec![[0; 2]; providers];
    for (p, ids) in provider_versions.iter_mut().enumerate() {
        for (k, id) in ids.iter_mut().enumerate() {
            *id = next_version;
            version_rows.push(format!("({next_version}, {}, 'p{k}', '{now}')", p + 1));
            next_version += 1;
        }
    }
    for chunk in version_rows.chunks(5000) {
        sql.push(format!(
            "INSERT INTO versions (id, pacticipant_id, number, created_at) VALUES {}",
            chunk.join(",")
        ));
    }
    sql.push(format!(
        "INSERT INTO branches (id, pacticipant_id, name, created_at) VALUES {}",
        branch_rows.join(",")
    ));
    for chunk in branch_version_rows.chunks(5000) {
        sql.push(format!(
            "INSERT INTO branch_versions (branch_id, version_id, created_at) VALUES {}",
            chunk.join(",")
        ));
    }
    // Contents, publications and verifications.
    let (mut contents, mut publications, mut verifications) = (Vec::new(), Vec::new(), Vec::new());
    let (mut content_id, mut verification_id) = (1, 1);
    for (c, versions_of_c) in consumer_version.iter().enumerate() {
        for (p, verifiers) in provider_versions.iter().enumerate() {
            let generations = versions.div_ceil(10);
            for g in 0..generations {
                let body = format!(
                    "{{\"consumer\":{{\"name\":\"Consumer-{c}\"}},\"provider\":{{\"name\":\"Provider-{p}\"}},\
                     \"interactions\":[{{\"description\":\"request {g}\",\"request\":{{\"method\":\"GET\",\"path\":\"/items/{g}\"}},\
                     \"response\":{{\"status\":200}}}}],\"metadata\":{{\"pactSpecification\":{{\"version\":\"3.0.0\"}}}}}}"
                );
                contents.push(format!(
                    "({content_id}, {}, {}, 'sha-{c}-{p}-{g}', '{body}', '{now}')",
                    consumer_id(c),
                    p + 1
                ));
                for version_id in versions_of_c.iter().skip(g * 10).take(10) {
                    publications.push(format!(
                        "({version_id}, {}, {content_id}, '{now}', '{now}')",
                        p + 1
                    ));
                }
                let latest = g + 1 == generations;
                for (k, pv) in verifiers.iter().enumerate() {
                    let success = !(latest && k == 1 && (c * providers + p).is_multiple_of(7));
                    verifications.push(format!(
                        "({verification_id}, {content_id}, {pv}, {success}, '{{\"success\":{success}}}', '{now}')"
                    ));
                    verification_id += 1;
                }
                content_id += 1;
            }
        }
    }
    for chunk in contents.chunks(2000) {
        sql.push(format!(
            "INSERT INTO pact_contents (id, consumer_id, provider_id, sha, content, created_at) VALUES {}",
            chunk.join(",")
        ));
    }
    for chunk in publications.chunks(5000) {
        sql.push(format!(
            "INSERT INTO pact_publications (consumer_version_id, provider_id, pact_content_id, created_at, updated_at) VALUES {}",
            chunk.join(",")
        ));
    }
    for chunk in verifications.chunks(5000) {
        sql.push(format!(
            "INSERT INTO verifications (id, pact_content_id, provider_version_id, success, body, created_at) VALUES {}",
            chunk.join(",")
        ));
    }
    macro_rules! run {
        ($pool:expr) => {{
            let pool = $pool;
            let mut tx = pool.begin().await.expect("begin");
            for statement in &sql {
                sqlx::raw_sql(statement)
                    .execute(&mut *tx)
                    .await
                    .expect("seed");
            }
            tx.commit().await.expect("commit");
            pool.close().await;
        }};
    }
    if url.starts_with("sqlite:") {
        run!(sqlx::SqlitePool::connect(url).await.expect("open sqlite"));
    } else {
        run!(sqlx::PgPool::connect(url).await.expect("open postgres"));
        // Explicit ids leave the identity sequences behind; nothing inserts afterwards, but
        // a broker that did would collide, so they are moved past the seeded rows.
        let pool = sqlx::PgPool::connect(url).await.expect("open postgres");
        for table in [
            "pacticipants",
            "versions",
            "branches",
            "pact_contents",
            "pact_publications",
            "verifications",
        ] {
            sqlx::raw_sql(&format!(
                "SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"
            ))
            .execute(&pool)
            .await
            .expect("sequence");
        }
        // What autovacuum would have done by the time anyone looked at a broker this size:
        // without statistics the planner takes tables for empty.
        sqlx::raw_sql("ANALYZE")
            .execute(&pool)
            .await
            .expect("analyze");
        pool.close().await;
    }
}
