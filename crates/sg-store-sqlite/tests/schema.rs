//! Schema handling: WAL and synchronous=FULL are on, a database from a newer Safeguard is refused
//! untouched, and the event log refuses updates and deletes.

use sg_store_sqlite::SqliteStore;
use sqlx::Connection;

#[tokio::test]
async fn the_database_runs_in_wal_mode_with_full_sync() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.db");
    let store = SqliteStore::open(&path).await.unwrap();
    store.close().await;
    let mut conn = sqlx::SqliteConnection::connect(&format!("sqlite://{}", path.display())).await.unwrap();
    let mode: String = sqlx::query_scalar("PRAGMA journal_mode").fetch_one(&mut conn).await.unwrap();
    assert_eq!(mode, "wal");
    let store = SqliteStore::open(&path).await.unwrap();
    assert_eq!(store.synchronous().await.unwrap(), 2, "synchronous must be FULL (2)");
    store.integrity_check().await.unwrap();
}

#[tokio::test]
async fn a_database_from_a_newer_version_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.db");
    SqliteStore::open(&path).await.unwrap().close().await;
    let mut conn = sqlx::SqliteConnection::connect(&format!("sqlite://{}", path.display())).await.unwrap();
    sqlx::query(
        "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) \
         VALUES (9999, 'from the future', TRUE, x'00', 0)",
    )
    .execute(&mut conn)
    .await
    .unwrap();
    conn.close().await.unwrap();
    let err = SqliteStore::open(&path).await.err().expect("a newer database was accepted");
    assert!(err.to_string().contains("newer Safeguard"), "{err}");
}

#[tokio::test]
async fn case_events_cannot_be_changed_or_deleted() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.db");
    SqliteStore::open(&path).await.unwrap().close().await;
    let mut conn = sqlx::SqliteConnection::connect(&format!("sqlite://{}", path.display())).await.unwrap();
    // With foreign keys off on this raw connection, a bare event row can go in.
    sqlx::query("PRAGMA foreign_keys = OFF").execute(&mut conn).await.unwrap();
    let insert =
        "INSERT INTO case_events (case_id, seq, kind, occurred_on, payload, actor_id, recorded_at, plain_text) \
                  VALUES ('c', $1, 'k', '2024-01-01', '{}', NULL, 0, $2)";
    sqlx::query(insert).bind(1).bind(None::<i64>).execute(&mut conn).await.unwrap();
    for sql in ["UPDATE case_events SET kind = 'x'", "UPDATE case_events SET payload = 'x'", "DELETE FROM case_events"]
    {
        let err = sqlx::query(sql).execute(&mut conn).await.unwrap_err();
        assert!(err.to_string().contains("append-only"), "{sql}: {err}");
    }
    // An event marked by migration 0023 (a reason stored in the clear) may have its payload
    // sealed, once, and nothing else changed.
    sqlx::query(insert).bind(2).bind(1).execute(&mut conn).await.unwrap();
    let err = sqlx::query("UPDATE case_events SET kind = 'x', plain_text = NULL WHERE seq = 2")
        .execute(&mut conn)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("append-only"), "{err}");
    sqlx::query("UPDATE case_events SET payload = 'sealed', plain_text = NULL WHERE seq = 2")
        .execute(&mut conn)
        .await
        .unwrap();
    let err =
        sqlx::query("UPDATE case_events SET payload = 'again' WHERE seq = 2").execute(&mut conn).await.unwrap_err();
    assert!(err.to_string().contains("append-only"), "{err}");
}

#[tokio::test]
async fn recommendation_status_history_is_append_only_and_moves_forward() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.db");
    SqliteStore::open(&path).await.unwrap().close().await;
    let mut conn = sqlx::SqliteConnection::connect(&format!("sqlite://{}", path.display())).await.unwrap();
    sqlx::query(
        "INSERT INTO recommendations VALUES ('r', 'Report', '2023-01-01', 'T', 'Home Office', 'ECAT Art. 10', '', 0)",
    )
    .execute(&mut conn)
    .await
    .unwrap();
    let insert = |as_of: &'static str| {
        sqlx::query(
            "INSERT INTO recommendation_status (recommendation_id, status, as_of, evidence, recorded_at) \
             VALUES ('r', 'implemented', ?, 'e', 0)",
        )
        .bind(as_of)
    };
    insert("2024-02-01").execute(&mut conn).await.unwrap();
    let err = insert("2024-01-31").execute(&mut conn).await.unwrap_err();
    assert!(err.to_string().contains("before the latest"), "{err}");
    // The store knows this refusal by its code, SQLITE_CONSTRAINT_TRIGGER, not by its words.
    let code = err.as_database_error().and_then(|d| d.code()).map(|c| c.to_string());
    assert_eq!(code.as_deref(), Some("1811"), "{err}");
    for sql in ["UPDATE recommendation_status SET status = 'rejected'", "DELETE FROM recommendation_status"] {
        let err = sqlx::query(sql).execute(&mut conn).await.unwrap_err();
        assert!(err.to_string().contains("append-only"), "{sql}: {err}");
    }
}
