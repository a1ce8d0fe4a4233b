//! A large demonstration load drops the secondary indexes of the tables it fills and builds them
//! again before its commit: afterwards the schema is exactly the one the migrations made, the
//! indexes agree with their tables, the event counter moved by every event, and the statistics
//! equal the case rows. A load that fails stores nothing and leaves every index in place.

use std::sync::Arc;

use sg_app::App;
use sg_store::{CaseBatches, NewCase, StoreError, StoreResult};
use sg_store_sqlite::SqliteStore;

/// Every schema object with its SQL, in name order.
async fn schema(conn: &mut sqlx::SqliteConnection) -> Vec<(String, String, String, Option<String>)> {
    sqlx::query_as("SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name")
        .fetch_all(conn)
        .await
        .unwrap()
}

async fn count(conn: &mut sqlx::SqliteConnection, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(conn).await.unwrap()
}

fn cells(t: &[sg_stats::Table]) -> Vec<String> {
    let mut v: Vec<String> = t.iter().flat_map(|t| t.cells.iter().map(|c| format!("{}{c:?}", t.name))).collect();
    v.sort();
    v
}

#[tokio::test]
async fn a_large_load_ends_with_the_schema_the_migrations_made() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.db");
    let store = SqliteStore::open(&path).await.unwrap();
    let url = format!("sqlite://{}", path.display());
    let mut conn = <sqlx::SqliteConnection as sqlx::Connection>::connect(&url).await.unwrap();
    let before = schema(&mut conn).await;
    let keys = sg_crypto::KeyRing::new(vec![sg_crypto::MasterKey::generate("test-1")]).unwrap();
    let app = App::new(Arc::new(store.clone()), keys);
    // More than the rebuild threshold, into an empty database: the indexes are rebuilt.
    app.add_demo_cases(&sg_demo::Distributions::embedded(), 1_500, 5, |_| {}).await.unwrap();

    assert_eq!(schema(&mut conn).await, before, "the load must leave the migrations' schema");
    let check: Vec<String> = sqlx::query_scalar("PRAGMA integrity_check").fetch_all(&mut conn).await.unwrap();
    assert_eq!(check, ["ok"], "every index must hold exactly its table's rows");
    assert_eq!(count(&mut conn, "SELECT COUNT(*) FROM cases").await, 1_500);
    let events = count(&mut conn, "SELECT COUNT(*) FROM case_events").await;
    assert_eq!(count(&mut conn, "SELECT events FROM data_version").await, events);
    match app.verify_audit(None).await.unwrap() {
        sg_app::audit::Verification::Intact { entries, .. } => assert_eq!(entries, 1_500),
        broken => panic!("the load's audit entries must chain: {broken:?}"),
    }

    // The statistics written once for the whole load equal a rebuild from every case row.
    let kept = app.store.case_tables().await.unwrap();
    store.close().await;
    for sql in [
        "DELETE FROM case_marginals",
        "DELETE FROM case_marginal_deltas",
        "UPDATE case_marginals_state SET keys_version = 0",
    ] {
        sqlx::query(sql).execute(&mut conn).await.unwrap();
    }
    let store = SqliteStore::open(&path).await.unwrap();
    let rebuilt = sg_store::Monitoring::case_tables(&store).await.unwrap();
    assert_eq!(cells(&rebuilt), cells(&kept));
    store.close().await;
}

/// Gives an error instead of a batch, as a generator that stopped.
struct Failing;

#[async_trait::async_trait]
impl CaseBatches for Failing {
    async fn next_batch(&mut self) -> Option<StoreResult<Vec<NewCase>>> {
        Some(Err(StoreError::Other("the generator stopped".into())))
    }
}

#[tokio::test]
async fn a_failed_load_stores_nothing_and_keeps_every_index() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.db");
    let store = SqliteStore::open(&path).await.unwrap();
    let url = format!("sqlite://{}", path.display());
    let mut conn = <sqlx::SqliteConnection as sqlx::Connection>::connect(&url).await.unwrap();
    let before = schema(&mut conn).await;
    let failed = sg_store::Cases::load_cases(&store, 1_000_000, &mut Failing, &|_| {}).await;
    assert!(failed.is_err());
    assert_eq!(schema(&mut conn).await, before, "the dropped indexes come back with the rollback");
    assert_eq!(count(&mut conn, "SELECT COUNT(*) FROM cases").await, 0);
    store.close().await;
}
