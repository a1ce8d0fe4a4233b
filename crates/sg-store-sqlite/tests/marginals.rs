//! The migration's backfill of `case_marginals` (for a database upgraded from schema 1, whose
//! cases already exist) gives exactly what the triggers give as cases are written.

use std::sync::Arc;

use sg_app::App;
use sg_store_sqlite::SqliteStore;

/// The migration fills `case_marginals` from the cases already there when it runs (a database
/// upgraded from schema 1): that backfill must give what the triggers would have.
#[tokio::test]
async fn the_migration_backfill_equals_the_triggers() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.db");
    let store = SqliteStore::open(&path).await.unwrap();
    let keys = sg_crypto::KeyRing::new(vec![sg_crypto::MasterKey::generate("test-1")]).unwrap();
    let app = App::new(Arc::new(store.clone()), keys);
    app.add_demo_cases(&sg_demo::Distributions::embedded(), 500, 11, |_| {}).await.unwrap();
    let before = app.store.case_tables().await.unwrap();
    store.close().await;

    // Re-run the migration's backfill statement over an emptied table, as an upgrade would.
    let sql = include_str!("../migrations/0002_monitoring.sql");
    let start = sql.find("INSERT INTO case_marginals").unwrap();
    let end = start + sql[start..].find(";\n").unwrap() + 1;
    let url = format!("sqlite://{}", path.display());
    let mut conn = <sqlx::SqliteConnection as sqlx::Connection>::connect(&url).await.unwrap();
    sqlx::query("DELETE FROM case_marginals").execute(&mut conn).await.unwrap();
    sqlx::query(&sql[start..end]).execute(&mut conn).await.unwrap();
    drop(conn);

    let store = SqliteStore::open(&path).await.unwrap();
    let after = sg_store::Monitoring::case_tables(&store).await.unwrap();
    let cells = |t: &[sg_stats::Table]| {
        let mut v: Vec<String> = t.iter().flat_map(|t| t.cells.iter().map(|c| format!("{}{c:?}", t.name))).collect();
        v.sort();
        v
    };
    assert_eq!(cells(&after), cells(&before));
}
