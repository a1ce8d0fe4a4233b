//! What is SQLite's own: one file, WAL journal, `synchronous=FULL` so that every acknowledged
//! commit survives power loss; pragmas, integrity check, `VACUUM INTO` backups.
//!
//! Writes go through a pool of exactly one connection, so write transactions queue in-process
//! instead of failing with `SQLITE_BUSY`; reads use a separate pool and see committed data
//! through WAL snapshots. New cases and audit entries are committed in groups (`group_commit`):
//! one `fsync` for every write waiting, each acknowledged only once durable.

mod backup;
pub(crate) mod bulk;
pub(crate) mod group_commit;

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sg_store::StoreError;

use crate::convert;
use crate::{Db, SqlStore};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous};

/// The schema migrations compiled into the binary.
/// They stay in `crates/sg-store-sqlite/migrations`, numbered in step with PostgreSQL's.
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../sg-store-sqlite/migrations");

/// The single writer's page cache, in KiB (128 MiB at most, used only as written).
pub(crate) const WRITER_CACHE_KIB: i64 = 131_072;

/// Marks a [`SqlStore`] on SQLite.
pub enum Sqlite {}

/// A Safeguard database in one SQLite file.
pub type SqliteStore = SqlStore<Sqlite>;

impl SqliteStore {
    /// Opens (creating if missing) the database at `path` and brings its schema up to date.
    /// Refuses a database whose schema is newer than this binary.
    pub async fn open(path: &Path) -> Result<Self, StoreError> {
        let store = Self::open_without_migrating(path).await?;
        store.migrate().await?;
        store.open_statistics().await?;
        Ok(store)
    }

    /// Opens the database without touching its schema.
    pub async fn open_without_migrating(path: &Path) -> Result<Self, StoreError> {
        private_files(path)?;
        let options = SqliteConnectOptions::from_str("sqlite://")
            .map_err(|e| StoreError::Other(e.to_string()))?
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10))
            .pragma("temp_store", "memory")
            // Deleted rows (an erased person's wrapped data key and sealed fields) are overwritten
            // with zeros in the file instead of staying readable on free pages.
            .pragma("secure_delete", "ON")
            .pragma("cache_size", "-32000")
            // The shared queries sort names `COLLATE "C"` (bytes, whatever the locale) so that
            // PostgreSQL orders as SQLite does; here "C" is SQLite's own byte order.
            .collation("C", |a: &str, b: &str| a.cmp(b));
        // No ping before each acquire (sqlx's default): the database is a file in this process,
        // not a server that can hang up, and the ping is a round trip to the connection's
        // worker thread (a wake-up each way) on every request and every group-commit batch.
        let writer = SqlitePoolOptions::new()
            .max_connections(1)
            .test_before_acquire(false)
            .acquire_timeout(Duration::from_secs(30))
            // The single writer gets a larger page cache (128 MiB at most, used only as written):
            // bulk loads touch every index of a growing file, and a cache miss there is a read.
            .connect_with(options.clone().pragma("cache_size", format!("-{WRITER_CACHE_KIB}")))
            .await
            .map_err(convert::error)?;
        let reader = SqlitePoolOptions::new()
            .max_connections(8)
            .test_before_acquire(false)
            .acquire_timeout(Duration::from_secs(30))
            .connect_with(options.read_only(true))
            .await
            .map_err(convert::error)?;
        let signer = crate::AuditSignerSlot::default();
        let new_writes = Some(group_commit::start(writer.clone(), signer.clone()));
        Ok(Self::new(Db::Sqlite { writer, reader }, new_writes, signer))
    }

    /// Applies any migrations this binary has that the database lacks.
    pub async fn migrate(&self) -> Result<(), StoreError> {
        MIGRATOR.run(self.writer()).await.map_err(|e| match e {
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
            .fetch_one(self.reader())
            .await
            .map_err(convert::error)?;
        Ok(v.unwrap_or(0))
    }

    /// The writer connection's `synchronous` setting (2 is FULL).
    pub async fn synchronous(&self) -> Result<i64, StoreError> {
        sqlx::query_scalar("PRAGMA synchronous").fetch_one(self.writer()).await.map_err(convert::error)
    }

    /// Runs SQLite's quick consistency check (`PRAGMA quick_check`: every page and b-tree, but
    /// not whether indexes match their tables; linear in the file's size); `Ok(())` when it
    /// reports `ok`, else the problems it lists (at most ten).
    pub async fn quick_check(&self) -> Result<(), StoreError> {
        // A page too damaged to read fails the check itself instead of being listed.
        let rows: Vec<String> = sqlx::query_scalar("PRAGMA quick_check(10)")
            .fetch_all(self.reader())
            .await
            .map_err(|e| StoreError::Other(format!("quick_check could not read the file: {}", convert::error(e))))?;
        if rows == ["ok"] {
            Ok(())
        } else {
            Err(StoreError::Other(format!("quick_check found damage: {}", rows.join("; "))))
        }
    }

    /// Runs SQLite's own consistency check; `Ok(())` when it reports `ok`.
    pub async fn integrity_check(&self) -> Result<(), StoreError> {
        // On a reader with a small page cache: the check reads every page once, and a restore's
        // memory stays bounded whatever the database's size (the writer keeps up to 128 MiB).
        let mut conn = self.reader().acquire().await.map_err(convert::error)?;
        sqlx::query("PRAGMA cache_size = -2048").execute(&mut *conn).await.map_err(convert::error)?;
        let checked = sqlx::query_scalar("PRAGMA integrity_check").fetch_all(&mut *conn).await.map_err(convert::error);
        sqlx::query("PRAGMA cache_size = -32000").execute(&mut *conn).await.map_err(convert::error)?;
        let rows: Vec<String> = checked?;
        if rows == ["ok"] {
            Ok(())
        } else {
            Err(StoreError::Other(format!("integrity check failed: {}", rows.join("; "))))
        }
    }

    /// The single writer's pool.
    pub(crate) fn writer(&self) -> &SqlitePool {
        match &self.db {
            Db::Sqlite { writer, .. } => writer,
            Db::Postgres(_) => unreachable!("a SqliteStore holds SQLite pools"),
        }
    }

    /// The read pool.
    pub(crate) fn reader(&self) -> &SqlitePool {
        match &self.db {
            Db::Sqlite { reader, .. } => reader,
            Db::Postgres(_) => unreachable!("a SqliteStore holds SQLite pools"),
        }
    }

    /// Copies every page of the WAL into the file and empties the WAL (`wal_checkpoint(TRUNCATE)`),
    /// so that what a change overwrote (an erasure, say) is no longer in the WAL's old frames.
    /// Readers in the middle of a snapshot may hold frames back; the next checkpoint takes them.
    pub async fn checkpoint(&self) -> Result<(), StoreError> {
        sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)").execute(self.writer()).await.map_err(convert::error)?;
        Ok(())
    }

    /// Closes both pools, checkpointing the WAL.
    pub async fn close(&self) {
        self.reader().close().await;
        self.writer().close().await;
    }
}

/// Makes the database file and its WAL and shared-memory files readable by the owner alone
/// (0600, or 0400 for a file made read-only). The file is created here, before SQLite opens it, because SQLite gives the WAL and
/// shared-memory files the database file's permissions.
fn private_files(path: &Path) -> Result<(), StoreError> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        let failed = |e: std::io::Error| StoreError::Other(format!("cannot restrict {}: {e}", path.display()));
        if !path.exists() {
            let created = std::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(path);
            match created {
                Ok(_) => {}
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
                Err(e) => return Err(failed(e)),
            }
        }
        let mut names = vec![path.to_path_buf()];
        for suffix in ["-wal", "-shm"] {
            let mut name = path.as_os_str().to_owned();
            name.push(suffix);
            names.push(name.into());
        }
        for name in &names {
            let Ok(meta) = std::fs::metadata(name) else { continue };
            let mode = meta.permissions().mode();
            if mode & 0o077 == 0 {
                continue;
            }
            // Best effort for a file someone else owns (a read-only copy opened by another
            // user): SQLite then refuses or reads it as it would have anyway.
            // The owner's own bits are kept: a file made read-only stays read-only.
            match std::fs::set_permissions(name, std::fs::Permissions::from_mode(mode & 0o700)) {
                Err(e) if e.kind() != std::io::ErrorKind::PermissionDenied && e.raw_os_error() != Some(1) => {
                    return Err(failed(e))
                }
                _ => {}
            }
        }
    }
    Ok(())
}
