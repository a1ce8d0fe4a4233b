//! Faults of the database, as an operator meets them: a server that cannot be reached at
//! start, a schema from a newer Safeguard, and a database lost in the middle of serving.

use crate::common;

use std::process::Command;

use common::{adult_referral, data_args, fresh_postgres_database, TestApp};
use sg_domain::Role;

fn safeguard(args: &[String]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_safeguard")).env("RUST_LOG", "warn").args(args).output().unwrap()
}

/// Nothing listens on port 1: every command that needs the database says so and exits non-zero.
#[test]
fn an_unreachable_server_is_a_clear_error_and_a_failing_exit() {
    let dir = tempfile::tempdir().unwrap();
    let url = "postgres://safeguard:secret@127.0.0.1:1/safeguard";
    for command in [&["migrate"][..], &["audit", "verify"], &["serve", "--bind", "127.0.0.1:0"]] {
        let mut args: Vec<String> = command.iter().map(|s| s.to_string()).collect();
        args.extend(data_args(dir.path(), Some(url)));
        let out = safeguard(&args);
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{command:?} succeeded without a database");
        assert!(err.contains("cannot open the PostgreSQL database"), "{command:?}: {err}");
        assert!(!err.contains("secret"), "the password was printed: {err}");
    }
}

/// A database migrated by a newer Safeguard is refused, not written to.
#[tokio::test]
async fn a_schema_from_a_newer_safeguard_is_refused() {
    let Some(url) = fresh_postgres_database().await else { return };
    let dir = tempfile::tempdir().unwrap();
    let mut migrate = vec!["migrate".to_string()];
    migrate.extend(data_args(dir.path(), Some(&url)));
    let out = safeguard(&migrate);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let newest = sg_store_postgres::MIGRATOR.iter().map(|m| m.version).max().unwrap();
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(said.contains(&format!("version {newest}")), "{said}");

    let pool = sqlx::PgPool::connect(&url).await.unwrap();
    sqlx::query(
        "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) \
         VALUES (99, 'from the future', true, '\\x00', 0)",
    )
    .execute(&pool)
    .await
    .unwrap();
    pool.close().await;
    let out = safeguard(&migrate);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(err.contains("newer Safeguard"), "{err}");
}

/// The database goes away while the server runs: requests get a 503 with a JSON error, and
/// nothing half-written is left when it comes back.
#[tokio::test]
async fn a_database_lost_mid_request_gives_503_and_no_half_written_change() {
    let t = TestApp::start().await;
    let Some(url) = t.database_url.clone() else { return };
    let fr = t.api_user("Hope NGO", Role::FirstResponder, "fr").await;
    let name = url.rsplit('/').next().unwrap().to_string();
    let admin = std::env::var("SAFEGUARD_TEST_DATABASE_URL").unwrap();
    let admin = sqlx::PgPool::connect(&admin).await.unwrap();
    let cut = |allow: bool| format!("ALTER DATABASE {name} ALLOW_CONNECTIONS {allow}");
    sqlx::query(&cut(false)).execute(&admin).await.unwrap();
    sqlx::query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1")
        .bind(&name)
        .execute(&admin)
        .await
        .unwrap();

    let (status, body) = t.refer(&fr, &adult_referral(), None).await;
    assert_eq!(status, reqwest::StatusCode::SERVICE_UNAVAILABLE, "{body}");
    assert!(body["error"]["message"].is_string(), "{body}");

    sqlx::query(&cut(true)).execute(&admin).await.unwrap();
    assert_eq!(t.case_count().await, 0, "a referral was half-written");
    let (status, _) = t.refer(&fr, &adult_referral(), None).await;
    assert_eq!(status, reqwest::StatusCode::CREATED, "the server did not recover");
    admin.close().await;
}
