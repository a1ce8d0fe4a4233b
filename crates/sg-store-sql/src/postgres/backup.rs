//! Online logical backup and restore: every table read in one `REPEATABLE READ` snapshot while
//! other processes keep writing, and written back into an empty database in one transaction.
//! Both stream ([`PgStore::dump_to`], [`PgStore::restore_from`]): at most [`DUMP_PAGE`] rows,
//! and about [`PAGE_BYTES`], are held at once, whatever the size of the database.

use std::io::{BufRead, Write};

use sg_store::{StoreError, StoreResult};
use sqlx::Connection;

use super::PgStore;
use crate::convert::error;

/// Every table a backup holds, parents before children so a restore can insert in this order.
/// The statistics (`case_marginals`, `case_marginal_deltas`, `case_marginals_state`) are left
/// out: a restore recomputes them from the restored cases, in its own transaction. So is the
/// sign-in throttle (`sign_in_throttle`): minutes of state, which a restore starts afresh.
pub const TABLES: [&str; 29] = [
    "organisations",
    "users",
    "api_tokens",
    "sign_in_codes",
    "sessions",
    "cases",
    "case_events",
    "case_relationships",
    "vault_entries",
    "idempotency_keys",
    "datasets",
    "dataset_tables",
    "dataset_cells",
    "publications",
    "person_keys",
    "consents",
    "audit_log",
    "survivor_codes",
    "survivor_sessions",
    "dtn_codes",
    "recommendations",
    "recommendation_status",
    "api_idempotency",
    "referral_drafts",
    "account_requests",
    "emergency_requests",
    "audit_checkpoints",
    "audit_pending",
    "kept_forms",
];

/// Rows read per `FETCH` while dumping, and inserted per statement while restoring: the most
/// rows a backup or a restore holds at once.
pub const DUMP_PAGE: usize = 1_000;

/// The most bytes of rows a page holds (about): a table of wide rows (kept answers, sealed
/// drafts) is read and restored in fewer rows per page, so memory is bounded by bytes too.
pub const PAGE_BYTES: usize = 4 << 20;

/// What a streamed dump's snapshot holds, known before its rows: the schema version, the row
/// count of each table, and the audit log's entry count and head hash (hex).
#[derive(Debug, Clone)]
pub struct DumpHead {
    /// The schema version.
    pub version: i64,
    /// Rows per table, in [`TABLES`] order.
    pub counts: Vec<(String, i64)>,
    /// The audit log's entry count and head.
    pub audit: (u64, Option<String>),
}

/// Writes the header of a streamed dump, given what the snapshot holds.
pub type WriteHead<'a> = &'a mut (dyn FnMut(&DumpHead, &mut (dyn Write + Send)) -> std::io::Result<()> + Send);

fn io(e: std::io::Error) -> StoreError {
    StoreError::Other(format!("cannot write the backup: {e}"))
}

fn damaged(what: &str) -> StoreError {
    StoreError::Other(format!("damaged backup: {what}"))
}

/// Identity columns whose sequences must move past the restored values.
const IDENTITIES: [(&str, &str); 5] = [
    ("cases", "row_no"),
    ("datasets", "id"),
    ("dataset_tables", "id"),
    ("recommendation_status", "id"),
    ("audit_pending", "id"),
];

/// One table's rows as a JSON array (bytes as `\x…` hex, as PostgreSQL writes them).
#[derive(Debug, Clone)]
pub struct TableDump {
    /// The table.
    pub table: String,
    /// How many rows.
    pub rows: i64,
    /// The rows, a JSON array of objects.
    pub json: String,
}

impl PgStore {
    /// Streams every table to `out` from one consistent snapshot, without stopping writers:
    /// `head` writes the header first (from the snapshot's version, counts and audit head), then
    /// each table is a line `{"table": …, "rows": N}` and its N rows, one JSON object a line
    /// (bytes as `\x…` hex), read [`DUMP_PAGE`] rows at a time through a cursor.
    pub async fn dump_to(&self, out: &mut (dyn Write + Send), head: WriteHead<'_>) -> StoreResult<DumpHead> {
        // Records still pending are dumped too, but the head reported is then the chained one.
        self.settle_audit().await?;
        let mut conn = self.pool().acquire().await.map_err(error)?;
        let mut tx = conn.begin().await.map_err(error)?;
        sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            .execute(&mut *tx)
            .await
            .map_err(error)?;
        let version: Option<i64> = sqlx::query_scalar("SELECT MAX(version) FROM _sqlx_migrations WHERE success")
            .fetch_one(&mut *tx)
            .await
            .map_err(error)?;
        let mut counts = Vec::with_capacity(TABLES.len());
        for table in TABLES {
            // Table names come from the constant list, never from input.
            let n: i64 = sqlx::query_scalar(&format!("SELECT count(*) FROM {table}"))
                .fetch_one(&mut *tx)
                .await
                .map_err(error)?;
            counts.push((table.to_string(), n));
        }
        let last: Option<(i64, Vec<u8>)> = sqlx::query_as("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")
            .fetch_optional(&mut *tx)
            .await
            .map_err(error)?;
        let audit = last.map(|(seq, hash)| (seq as u64, Some(hex::encode(hash)))).unwrap_or((0, None));
        let info = DumpHead { version: version.unwrap_or(0), counts, audit };
        head(&info, out).map_err(io)?;
        for (table, rows) in &info.counts {
            writeln!(out, "{}", serde_json::json!({"table": table, "rows": rows})).map_err(io)?;
            sqlx::query(&format!("DECLARE sg_dump NO SCROLL CURSOR FOR SELECT row_to_json(t)::text FROM {table} t"))
                .execute(&mut *tx)
                .await
                .map_err(error)?;
            let (mut written, mut asked, mut widest) = (0i64, 8usize, 1usize);
            loop {
                let page: Vec<String> = sqlx::query_scalar(&format!("FETCH {asked} FROM sg_dump"))
                    .fetch_all(&mut *tx)
                    .await
                    .map_err(error)?;
                for row in &page {
                    // JSON escapes newlines inside strings: one row is one line.
                    out.write_all(row.as_bytes()).map_err(io)?;
                    out.write_all(b"\n").map_err(io)?;
                    widest = widest.max(row.len());
                }
                written += page.len() as i64;
                if page.len() < asked {
                    break;
                }
                // Starts small and grows to what the widest row seen allows.
                asked = (PAGE_BYTES / widest).clamp(1, DUMP_PAGE);
            }
            sqlx::query("CLOSE sg_dump").execute(&mut *tx).await.map_err(error)?;
            if written != *rows {
                return Err(StoreError::Other(format!("{table}: {written} rows read, {rows} counted")));
            }
        }
        tx.commit().await.map_err(error)?;
        Ok(info)
    }

    /// Restores a dump streamed by [`PgStore::dump_to`] (after its header) into this database,
    /// which must be empty, in one transaction: all of it or nothing. Rows are inserted
    /// [`DUMP_PAGE`] at a time as they are read.
    pub async fn restore_from(&self, input: &mut (dyn BufRead + Send)) -> StoreResult<()> {
        self.refuse_used().await?;
        let mut tx = self.pool().begin().await.map_err(error)?;
        let mut line = String::new();
        loop {
            line.clear();
            if input.read_line(&mut line).map_err(|e| damaged(&e.to_string()))? == 0 {
                break;
            }
            let head: serde_json::Value =
                serde_json::from_str(line.trim_end()).map_err(|_| damaged("a table's line"))?;
            let (Some(table), Some(mut left)) = (head["table"].as_str(), head["rows"].as_i64()) else {
                return Err(damaged("a table's line"));
            };
            let Some(table) = TABLES.iter().find(|t| **t == table) else {
                return Err(StoreError::Other(format!("the backup holds an unknown table {table:?}")));
            };
            while left > 0 {
                let (mut n, mut batch) = (0i64, String::from("["));
                while n < left && n < DUMP_PAGE as i64 && batch.len() < PAGE_BYTES {
                    line.clear();
                    if input.read_line(&mut line).map_err(|e| damaged(&e.to_string()))? == 0 {
                        return Err(damaged(&format!("{table} ends early")));
                    }
                    if n > 0 {
                        batch.push(',');
                    }
                    batch.push_str(line.trim_end());
                    n += 1;
                }
                batch.push(']');
                sqlx::query(&format!(
                    "INSERT INTO {table} SELECT * FROM json_populate_recordset(NULL::{table}, $1::json)"
                ))
                .bind(&batch)
                .execute(&mut *tx)
                .await
                .map_err(error)?;
                left -= n;
            }
        }
        finish_restore(crate::Conn::from(&mut *tx)).await?;
        tx.commit().await.map_err(error)
    }

    /// Refuses a restore into a database already in use.
    async fn refuse_used(&self) -> StoreResult<()> {
        let used: i64 = sqlx::query_scalar(
            "SELECT (SELECT count(*) FROM organisations) + (SELECT count(*) FROM cases) + (SELECT \
                count(*) FROM audit_log)",
        )
        .fetch_one(self.pool())
        .await
        .map_err(error)?;
        if used > 0 {
            return Err(StoreError::Conflict(
                "the target database is not empty; restore into a new, empty database".into(),
            ));
        }
        Ok(())
    }

    /// Row counts of every table in [`TABLES`].
    pub async fn table_counts(&self) -> StoreResult<Vec<(String, i64)>> {
        let mut out = Vec::with_capacity(TABLES.len());
        for table in TABLES {
            let n: i64 = sqlx::query_scalar(&format!("SELECT count(*) FROM {table}"))
                .fetch_one(self.pool())
                .await
                .map_err(error)?;
            out.push((table.to_string(), n));
        }
        Ok(out)
    }

    /// Writes a dump into this database, which must be empty (no organisation, case or audit
    /// entry), in one transaction: all of it or nothing.
    pub async fn restore(&self, tables: &[TableDump]) -> StoreResult<()> {
        self.refuse_used().await?;
        let mut tx = self.pool().begin().await.map_err(error)?;
        for t in tables {
            if !TABLES.contains(&t.table.as_str()) {
                return Err(StoreError::Other(format!("the backup holds an unknown table {:?}", t.table)));
            }
            sqlx::query(&format!(
                "INSERT INTO {0} SELECT * FROM json_populate_recordset(NULL::{0}, $1::json)",
                t.table
            ))
            .bind(&t.json)
            .execute(&mut *tx)
            .await
            .map_err(error)?;
        }
        finish_restore(crate::Conn::from(&mut *tx)).await?;
        tx.commit().await.map_err(error)
    }
}

/// After the rows of a restore: identity sequences moved past the restored values, and the
/// statistics recomputed from the restored cases, in the restore's transaction.
async fn finish_restore(mut conn: crate::Conn<'_>) -> StoreResult<()> {
    let crate::Conn::Postgres(tx) = &mut conn else { unreachable!("a PostgreSQL restore") };
    for (table, column) in IDENTITIES {
        sqlx::query(&format!(
            "SELECT setval(pg_get_serial_sequence('{table}', '{column}'), coalesce((SELECT \
                max({column}) FROM {table}), 0) + 1, false)"
        ))
        .execute(&mut **tx)
        .await
        .map_err(error)?;
    }
    crate::marginals::rebuild_tx(conn).await
}
