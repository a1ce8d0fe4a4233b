//! Test support shared by the crates whose tests run in the PostgreSQL lane.

/// In the PostgreSQL lane (`SAFEGUARD_TEST_DATABASE_URL` names a server and a database to
/// connect to, e.g. `postgres://postgres@127.0.0.1/postgres`), creates a new empty database
/// `sg_t_…` on that server and returns its URL; `None` in the SQLite lane. The databases are
/// left for `.ci/run` to drop, so a failing test's data can be inspected.
pub async fn fresh_database() -> Option<String> {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let admin = std::env::var("SAFEGUARD_TEST_DATABASE_URL").ok().filter(|u| !u.is_empty())?;
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
    let name =
        format!("sg_t_{}_{}_{}", std::process::id(), nanos % 1_000_000_000_000, NEXT.fetch_add(1, Ordering::Relaxed));
    let mut conn = <sqlx::PgConnection as sqlx::Connection>::connect(&admin)
        .await
        .unwrap_or_else(|e| panic!("SAFEGUARD_TEST_DATABASE_URL: cannot connect: {e}"));
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut conn)
        .await
        .unwrap_or_else(|e| panic!("cannot create the test database {name}: {e}"));
    let (base, _) = admin.rsplit_once('/').expect("SAFEGUARD_TEST_DATABASE_URL ends in /DATABASE");
    Some(format!("{base}/{name}"))
}
