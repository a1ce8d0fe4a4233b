//! Online logical backup and restore: every table read in one `REPEATABLE READ` snapshot while
//! other processes keep writing, and written back into an empty database in one transaction.

use sg_store::{StoreError, StoreResult};
use sqlx::{Connection, Row};

use super::PgStore;
use crate::convert::error;

/// Every table a backup holds, parents before children so a restore can insert in this order.
/// The statistics (`case_marginals`, `case_marginal_deltas`, `case_marginals_state`) are left
/// out: a restore recomputes them from the restored cases, in its own transaction. So is the
/// sign-in throttle (`sign_in_throttle`): minutes of state, which a restore starts afresh.
pub const TABLES: [&str; 27] = [
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
];

/// Identity columns whose sequences must move past the restored values.
const IDENTITIES: [(&str, &str); 4] =
    [("cases", "row_no"), ("datasets", "id"), ("dataset_tables", "id"), ("recommendation_status", "id")];

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
    /// Reads every table in one consistent snapshot, without stopping writers: the schema
    /// version, the tables, and the audit log's entry count and head hash (hex) in that snapshot.
    pub async fn dump(&self) -> StoreResult<(i64, Vec<TableDump>, (u64, Option<String>))> {
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
        let mut out = Vec::with_capacity(TABLES.len());
        for table in TABLES {
            // Table names come from the constant list above, never from input.
            let row = sqlx::query(&format!(
                "SELECT count(*) AS n, coalesce(json_agg(t), '[]'::json)::text AS rows FROM {table} t"
            ))
            .fetch_one(&mut *tx)
            .await
            .map_err(error)?;
            out.push(TableDump { table: table.to_string(), rows: row.get("n"), json: row.get("rows") });
        }
        let head: Option<(i64, Vec<u8>)> = sqlx::query_as("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")
            .fetch_optional(&mut *tx)
            .await
            .map_err(error)?;
        tx.commit().await.map_err(error)?;
        let audit = head.map(|(seq, hash)| (seq as u64, Some(hex::encode(hash)))).unwrap_or((0, None));
        Ok((version.unwrap_or(0), out, audit))
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
        for (table, column) in IDENTITIES {
            sqlx::query(&format!(
                "SELECT setval(pg_get_serial_sequence('{table}', '{column}'), coalesce((SELECT \
                    max({column}) FROM {table}), 0) + 1, false)"
            ))
            .execute(&mut *tx)
            .await
            .map_err(error)?;
        }
        crate::marginals::rebuild_tx(crate::Conn::from(&mut *tx)).await?;
        tx.commit().await.map_err(error)
    }
}
