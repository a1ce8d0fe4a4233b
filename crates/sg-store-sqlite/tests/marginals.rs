//! The statistics of a database whose keys were kept under another version (the first opening
//! after migration 0016, which leaves the version at 0) are rebuilt from its cases when it is
//! opened, and give exactly what the writes kept; a compaction changes nothing read.

use std::sync::Arc;

use sg_app::App;
use sg_store_sqlite::SqliteStore;

fn cells(t: &[sg_stats::Table]) -> Vec<String> {
    let mut v: Vec<String> = t.iter().flat_map(|t| t.cells.iter().map(|c| format!("{}{c:?}", t.name))).collect();
    v.sort();
    v
}

async fn count(conn: &mut sqlx::SqliteConnection, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(conn).await.unwrap()
}

#[tokio::test]
async fn the_rebuild_at_open_equals_what_the_writes_kept() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.db");
    let store = SqliteStore::open(&path).await.unwrap();
    let keys = sg_crypto::KeyRing::new(vec![sg_crypto::MasterKey::generate("test-1")]).unwrap();
    let app = App::new(Arc::new(store.clone()), keys);
    app.add_demo_cases(&sg_demo::Distributions::embedded(), 500, 11, |_| {}).await.unwrap();
    let before = app.store.case_tables().await.unwrap();
    store.close().await;

    // As migration 0016 leaves an older database: statistics kept under version 0 (here,
    // emptied, so that only a rebuild from the cases can give them back).
    let url = format!("sqlite://{}", path.display());
    let mut conn = <sqlx::SqliteConnection as sqlx::Connection>::connect(&url).await.unwrap();
    for sql in [
        "DELETE FROM case_marginals",
        "DELETE FROM case_marginal_deltas",
        "UPDATE case_marginals_state SET keys_version = 0",
    ] {
        sqlx::query(sql).execute(&mut conn).await.unwrap();
    }

    let store = SqliteStore::open(&path).await.unwrap();
    let after = sg_store::Monitoring::case_tables(&store).await.unwrap();
    assert_eq!(cells(&after), cells(&before));
    let version = count(&mut conn, "SELECT keys_version FROM case_marginals_state").await;
    assert_eq!(version, sg_store::MARGINAL_KEYS_VERSION);
    store.close().await;
}

#[tokio::test]
async fn a_compaction_folds_the_deltas_and_changes_nothing_read() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.db");
    let store = SqliteStore::open(&path).await.unwrap();
    let keys = sg_crypto::KeyRing::new(vec![sg_crypto::MasterKey::generate("test-1")]).unwrap();
    let app = App::new(Arc::new(store.clone()), keys);
    // Fewer changes than start a compaction by themselves.
    app.add_demo_cases(&sg_demo::Distributions::embedded(), 300, 3, |_| {}).await.unwrap();
    let url = format!("sqlite://{}", path.display());
    let mut conn = <sqlx::SqliteConnection as sqlx::Connection>::connect(&url).await.unwrap();
    assert!(count(&mut conn, "SELECT COUNT(*) FROM case_marginal_deltas").await > 0);
    let before = app.store.case_tables().await.unwrap();
    store.compact_statistics().await.unwrap();
    assert_eq!(count(&mut conn, "SELECT COUNT(*) FROM case_marginal_deltas").await, 0);
    assert!(count(&mut conn, "SELECT COUNT(*) FROM case_marginals WHERE n = 0").await == 0);
    assert_eq!(cells(&app.store.case_tables().await.unwrap()), cells(&before));
    store.close().await;
}
