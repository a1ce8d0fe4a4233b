//! A trigger's refusal is known by its error code on both backends, not by its words: a
//! recommendation status dated before the latest one is a `Conflict` (SQLite's
//! SQLITE_CONSTRAINT_TRIGGER, PostgreSQL's P0001). SQLite always runs; PostgreSQL when
//! `SAFEGUARD_TEST_DATABASE_URL` names a server.

use std::sync::Arc;

use sg_store::{Recommendation, RecommendationStatus, StatusRecord, Store, StoreError};
use time::{Date, Month, OffsetDateTime};

fn status(day: u8) -> StatusRecord {
    StatusRecord {
        recommendation_id: "r1".into(),
        status: RecommendationStatus::PartlyImplemented,
        as_of: Date::from_calendar_date(2024, Month::February, day).unwrap(),
        evidence: "evidence".into(),
        evidence_url: None,
        recorded_by: None,
        recorded_at: OffsetDateTime::UNIX_EPOCH,
    }
}

/// Stores one recommendation and a status, then a status dated before it, straight to the
/// store (the application would refuse it first).
async fn story(store: Arc<dyn Store>) -> String {
    let r = Recommendation {
        id: "r1".into(),
        source: "GRETA".into(),
        report_date: Date::from_calendar_date(2023, Month::January, 1).unwrap(),
        text: "Do it".into(),
        addressee: "Home Office".into(),
        article: "ECAT Art. 10".into(),
        indicators: vec![],
        created_at: OffsetDateTime::UNIX_EPOCH,
    };
    store.add_recommendations(&[r], &[status(10)]).await.unwrap();
    match store.add_recommendation_status(&status(1)).await {
        Err(StoreError::Conflict(_)) => "conflict".into(),
        other => format!("{other:?}"),
    }
}

#[tokio::test]
async fn a_backwards_status_is_a_conflict_on_both_backends() {
    let dir = tempfile::tempdir().unwrap();
    let sqlite = sg_store_sqlite::SqliteStore::open(&dir.path().join("t.db")).await.unwrap();
    assert_eq!(story(Arc::new(sqlite.clone())).await, "conflict");
    sqlite.close().await;
    let Some(url) = sg_store_postgres::testing::fresh_database().await else {
        eprintln!("SAFEGUARD_TEST_DATABASE_URL unset: PostgreSQL not checked");
        return;
    };
    let pg = sg_store_postgres::PgStore::open(&url).await.unwrap();
    assert_eq!(story(Arc::new(pg.clone())).await, "conflict");
}
