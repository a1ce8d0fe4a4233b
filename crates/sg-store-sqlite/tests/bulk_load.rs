//! A large demonstration load drops the secondary indexes of the tables it fills and builds them
//! again before its commit: afterwards the schema is exactly the one the migrations made, the
//! indexes agree with their tables, the event counter moved by every event, and the statistics
//! equal the case rows. A load that fails stores nothing and leaves every index in place. Both
//! hold whether the load had a new database to itself (it then writes through the rollback
//! journal, not the WAL) or another connection had it open (through the WAL), and both end in
//! WAL mode. A load into a database that already holds cases goes through the WAL.

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

async fn connect(path: &std::path::Path) -> sqlx::SqliteConnection {
    let url = format!("sqlite://{}", path.display());
    <sqlx::SqliteConnection as sqlx::Connection>::connect(&url).await.unwrap()
}

/// The size of the database's WAL file, 0 when there is none.
fn wal_bytes(path: &std::path::Path) -> u64 {
    std::fs::metadata(path.with_extension("db-wal")).map_or(0, |m| m.len())
}

/// A load of 1,500 cases into an empty database; `alone`: no other connection has the file open
/// while it runs.
async fn a_large_load(alone: bool) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.db");
    let store = SqliteStore::open(&path).await.unwrap();
    let mut conn = connect(&path).await;
    let before = schema(&mut conn).await;
    let open = if alone {
        <sqlx::SqliteConnection as sqlx::Connection>::close(conn).await.unwrap();
        None
    } else {
        Some(conn)
    };
    let keys = sg_crypto::KeyRing::new(vec![sg_crypto::MasterKey::generate("test-1")]).unwrap();
    let app = App::new(Arc::new(store.clone()), keys);
    // More than the rebuild threshold, into an empty database: the indexes are rebuilt.
    app.add_demo_cases(&sg_demo::Distributions::embedded(), 1_500, 5, |_| {}).await.unwrap();
    let (file, wal) = (std::fs::metadata(&path).unwrap().len(), wal_bytes(&path));
    if alone {
        assert!(
            wal < file / 8,
            "alone, the load's pages go to the file, not the WAL: {wal} bytes of WAL, {file} of file"
        );
    } else {
        assert!(wal > file / 2, "with another connection open, the load goes through the WAL: {wal} of {file} bytes");
    }
    let mut conn = match open {
        Some(conn) => conn,
        None => connect(&path).await,
    };
    let mode: String = sqlx::query_scalar("PRAGMA journal_mode").fetch_one(&mut conn).await.unwrap();
    assert_eq!(mode, "wal", "the load ends in WAL mode");
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
    // Readers of the store work again after the load.
    assert!(app.store.case_id_by_reference("SG-NONE").await.unwrap().is_none());

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

#[tokio::test]
async fn a_large_load_alone_writes_the_file_once_and_ends_with_the_migrations_schema() {
    a_large_load(true).await;
}

#[tokio::test]
async fn a_large_load_beside_another_connection_goes_through_the_wal_and_ends_with_the_migrations_schema() {
    a_large_load(false).await;
}

/// Gives an error instead of a batch, as a generator that stopped.
struct Failing;

#[async_trait::async_trait]
impl CaseBatches for Failing {
    async fn next_batch(&mut self) -> Option<StoreResult<Vec<NewCase>>> {
        Some(Err(StoreError::Other("the generator stopped".into())))
    }
}

/// A load whose generator fails at its first batch, into a new database; `alone` as in
/// [`a_large_load`].
async fn a_failed_load(alone: bool) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.db");
    let store = SqliteStore::open(&path).await.unwrap();
    let keys = sg_crypto::KeyRing::new(vec![sg_crypto::MasterKey::generate("test-1")]).unwrap();
    let app = App::new(Arc::new(store.clone()), keys);
    let mut conn = connect(&path).await;
    let before = schema(&mut conn).await;
    let open = if alone {
        <sqlx::SqliteConnection as sqlx::Connection>::close(conn).await.unwrap();
        None
    } else {
        Some(conn)
    };
    let failed = sg_store::Cases::load_cases(&store, 1_000_000, &mut Failing, &|_| {}).await;
    assert!(failed.is_err());
    let mut conn = match open {
        Some(conn) => conn,
        None => connect(&path).await,
    };
    assert_eq!(schema(&mut conn).await, before, "the dropped indexes come back with the rollback");
    assert_eq!(count(&mut conn, "SELECT COUNT(*) FROM cases").await, 0);
    let mode: String = sqlx::query_scalar("PRAGMA journal_mode").fetch_one(&mut conn).await.unwrap();
    assert_eq!(mode, "wal");
    let check: Vec<String> = sqlx::query_scalar("PRAGMA integrity_check").fetch_all(&mut conn).await.unwrap();
    assert_eq!(check, ["ok"]);
    // The store writes and reads again.
    app.add_demo_cases(&sg_demo::Distributions::embedded(), 5, 6, |_| {}).await.unwrap();
    assert_eq!(count(&mut conn, "SELECT COUNT(*) FROM cases").await, 5);
    store.close().await;
}

/// A large load into a database that already holds cases, with no other connection open, goes
/// through the WAL: the database may be in use by a process about to open it.
#[tokio::test]
async fn a_large_load_into_a_database_with_cases_goes_through_the_wal() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.db");
    let store = SqliteStore::open(&path).await.unwrap();
    let keys = sg_crypto::KeyRing::new(vec![sg_crypto::MasterKey::generate("test-1")]).unwrap();
    let app = App::new(Arc::new(store.clone()), keys);
    app.add_demo_cases(&sg_demo::Distributions::embedded(), 20, 5, |_| {}).await.unwrap();
    sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)").execute(&mut connect(&path).await).await.unwrap();
    // Larger than what is stored: the indexes are rebuilt, but through the WAL.
    app.add_demo_cases(&sg_demo::Distributions::embedded(), 1_500, 6, |_| {}).await.unwrap();
    let (file, wal) = (std::fs::metadata(&path).unwrap().len(), wal_bytes(&path));
    assert!(wal > file / 2, "through the WAL: {wal} bytes of WAL, {file} of file");
    let mut conn = connect(&path).await;
    assert_eq!(count(&mut conn, "SELECT COUNT(*) FROM cases").await, 1_520);
    let check: Vec<String> = sqlx::query_scalar("PRAGMA integrity_check").fetch_all(&mut conn).await.unwrap();
    assert_eq!(check, ["ok"]);
    store.close().await;
}

#[tokio::test]
async fn a_failed_load_alone_stores_nothing_and_keeps_every_index() {
    a_failed_load(true).await;
}

#[tokio::test]
async fn a_failed_load_beside_another_connection_stores_nothing_and_keeps_every_index() {
    a_failed_load(false).await;
}
