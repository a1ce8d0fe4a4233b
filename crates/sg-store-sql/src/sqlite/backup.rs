//! Online backups: `VACUUM INTO` a new file from a read connection, so writers carry on.

use std::path::Path;

use sg_store::{StoreError, StoreResult};

use super::SqliteStore;
use crate::convert::error;

impl SqliteStore {
    /// Writes a consistent copy of the database to `path` (which must not exist) while other
    /// connections keep writing: the copy is one read transaction's snapshot.
    pub async fn backup_into(&self, path: &Path) -> StoreResult<()> {
        let target = path.to_str().ok_or_else(|| StoreError::Other("the backup path is not UTF-8".into()))?;
        let mut conn = self.reader().acquire().await.map_err(error)?;
        // The copy reads each page once: a small page cache on its connection keeps a backup's
        // memory bounded whatever the database's size (the pool's readers keep 32 MB each).
        sqlx::query("PRAGMA cache_size = -2048").execute(&mut *conn).await.map_err(error)?;
        let copied = sqlx::query("VACUUM INTO ?").bind(target).execute(&mut *conn).await.map_err(error);
        sqlx::query("PRAGMA cache_size = -32000").execute(&mut *conn).await.map_err(error)?;
        copied.map(|_| ())
    }

    /// Row counts of the named tables (names from a fixed list, never from input).
    pub async fn table_counts(&self, tables: &[&str]) -> StoreResult<Vec<(String, i64)>> {
        let mut out = Vec::with_capacity(tables.len());
        for table in tables {
            let n: i64 = sqlx::query_scalar(&format!("SELECT count(*) FROM {table}"))
                .fetch_one(self.reader())
                .await
                .map_err(error)?;
            out.push((table.to_string(), n));
        }
        Ok(out)
    }
}
