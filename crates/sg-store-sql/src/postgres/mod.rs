//! What is PostgreSQL's own: one database shared by a coalition, a region or a nation behind
//! several server processes; logical backup and restore; test databases. The queries are the
//! shared ones; what differs is how writers from several processes are kept apart (the few
//! statements guarded by `Db::is_postgres`):
//!
//! - a case's version is read with `SELECT … FOR UPDATE`, so a second writer waits, sees the new
//!   version, and gets `Conflict` (409) instead of overwriting;
//! - audit records are written pending in each transaction and chained just after commit by
//!   one chainer at a time, under an advisory lock (`chainer.rs`), so the one chain is never
//!   forked and no writer waits for another's commit;
//! - the statistics are insert-only deltas written by each change (no shared row to wait on),
//!   folded into `case_marginals` by one process at a time under an advisory lock.
//!
//! Sessions, sign-in failures and idempotency records live in the database, so any process can
//! serve any request.

mod backup;
pub(crate) mod chainer;
pub(crate) mod intake;
pub mod testing;

use std::str::FromStr;
use std::time::Duration;

pub use backup::{DumpHead, TableDump, WriteHead, DUMP_PAGE, PAGE_BYTES, TABLES};
use sg_store::StoreError;

use crate::convert;
use crate::{Db, SqlStore};
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};

/// The schema migrations compiled into the binary; same numbers and names as SQLite's.
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../sg-store-postgres/migrations");

/// Marks a [`SqlStore`] on PostgreSQL.
pub enum Postgres {}

/// A Safeguard database on a PostgreSQL server.
pub type PgStore = SqlStore<Postgres>;

impl PgStore {
    /// Connects to `url` (`postgres://…`) and brings the schema up to date. Refuses a database
    /// whose schema is newer than this binary.
    pub async fn open(url: &str) -> Result<Self, StoreError> {
        let store = Self::open_without_migrating(url).await?;
        store.migrate().await?;
        store.open_statistics().await?;
        Ok(store)
    }

    /// Connects without touching the schema. Fails at once (not on first use) when the server
    /// cannot be reached.
    pub async fn open_without_migrating(url: &str) -> Result<Self, StoreError> {
        let options = PgConnectOptions::from_str(url)
            .map_err(|e| StoreError::Other(format!("bad database URL: {e}")))?
            .application_name("safeguard");
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(options)
            .await
            .map_err(convert::error)?;
        Ok(Self::new(Db::Postgres(pool), None, Default::default()))
    }

    /// Applies any migrations this binary has that the database lacks. sqlx takes an advisory
    /// lock while migrating, so several processes starting at once do not race.
    pub async fn migrate(&self) -> Result<(), StoreError> {
        MIGRATOR.run(self.pool()).await.map_err(|e| match e {
            sqlx::migrate::MigrateError::VersionMissing(v) => StoreError::Other(format!(
                "the database has schema version {v}, which this version of Safeguard does not know: \
                 it was written by a newer Safeguard; upgrade Safeguard instead"
            )),
            other => StoreError::Unavailable(sg_store::Outage::Down, format!("migration failed: {other}")),
        })
    }

    /// The schema version the database is at.
    pub async fn schema_version(&self) -> Result<i64, StoreError> {
        let v: Option<i64> = sqlx::query_scalar("SELECT MAX(version) FROM _sqlx_migrations WHERE success")
            .fetch_one(self.pool())
            .await
            .map_err(convert::error)?;
        Ok(v.unwrap_or(0))
    }

    /// The connection pool, for backups and tests that inspect the tables.
    pub fn pool(&self) -> &PgPool {
        match &self.db {
            Db::Postgres(pool) => pool,
            Db::Sqlite { .. } => unreachable!("a PgStore holds a PostgreSQL pool"),
        }
    }

    /// Closes the pool.
    pub async fn close(&self) {
        // A command that audited chains its records before it goes, so the next one (or a
        // monitor) finds them chained and signed by the process that had the key.
        if let Err(e) = self.settle_audit().await {
            tracing::warn!(error = %e, "pending audit records left for the next process to chain");
        }
        self.pool().close().await;
    }
}
