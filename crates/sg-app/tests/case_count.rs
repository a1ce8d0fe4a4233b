//! The case list counts its matches only up to `COUNT_LIMIT`, so that a broad filter over a
//! million cases does not scan them all on every page; past the limit it says so (SQLite, or
//! PostgreSQL in its lane).

use std::sync::Arc;

use sg_app::App;
use sg_store::{CaseFilter, COUNT_LIMIT};
use sg_store_sqlite::SqliteStore;

#[tokio::test]
async fn the_count_stops_past_the_limit_and_says_it_is_a_lower_bound() {
    let dir = tempfile::tempdir().unwrap();
    let store: Arc<dyn sg_store::Store> = match sg_store_postgres::testing::fresh_database().await {
        Some(url) => Arc::new(sg_store_postgres::PgStore::open(&url).await.unwrap()),
        None => Arc::new(SqliteStore::open(&dir.path().join("t.db")).await.unwrap()),
    };
    let keys = sg_crypto::KeyRing::new(vec![sg_crypto::MasterKey::generate("test-1")]).unwrap();
    let app = App::new(store, keys);
    let n = COUNT_LIMIT + 5;
    app.add_demo_cases(&sg_demo::Distributions::embedded(), n, 3, |_| {}).await.unwrap();

    let all = app.store.list_cases(&CaseFilter { limit: 10, ..Default::default() }).await.unwrap();
    assert_eq!((all.total, all.total_is_lower_bound), (COUNT_LIMIT, true));
    assert_eq!(all.cases.len(), 10);
    // The page itself is still the newest referrals first.
    assert!(all.cases.windows(2).all(|w| w[0].referred_on >= w[1].referred_on));

    // A narrower filter below the limit is counted exactly.
    let reference = all.cases[0].reference.clone();
    let filter = CaseFilter { reference: Some(reference.to_string()), limit: 10, ..Default::default() };
    let one = app.store.list_cases(&filter).await.unwrap();
    assert_eq!((one.total, one.total_is_lower_bound, one.cases.len()), (1, false, 1));
}
