//! The maintained statistics of the system's own cases: base rows (`case_marginals`) and
//! insert-only deltas (`case_marginal_deltas`), whose keys only `sg_store::MarginalDeltas`
//! computes (no trigger). Writers append deltas in the case's own transaction, so concurrent
//! referrals never update, and never wait on, the same rows. Readers sum both tables per key in
//! one statement (one snapshot). A compaction folds the deltas into the base rows and deletes
//! them in one transaction, one process at a time; a rebuild recomputes everything from the
//! cases when the keys' version changes (migration 0016, a corrected calendar) or after a
//! restore.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;

use sg_stats::cells::CaseRow;
use sg_stats::Table;
use sg_store::{marginal_tables, MarginalDeltas, MarginalRow, StoreResult, MARGINAL_KEYS_VERSION};
use sqlx::QueryBuilder;

use crate::convert::error;
use crate::db::{on, read, write, Conn, Db, Row};

/// Case changes (new cases and updates) between compactions. At about ten delta rows a change,
/// readers sum at most some 20,000 delta rows besides the base rows.
const COMPACT_EVERY: u64 = 2_000;

/// Rows per multi-row insert: 9 parameters each, under SQLite's and PostgreSQL's limits.
const ROWS_PER_INSERT: usize = 400;

/// Cases read per page by a rebuild.
const REBUILD_PAGE: i64 = 5_000;

/// PostgreSQL advisory locks (two-key form, class 2): one rebuild and one compaction at a time.
const REBUILD_LOCK: (i32, i32) = (2, 1);
const COMPACT_LOCK: (i32, i32) = (2, 2);

/// The projection columns a case's statistics are computed from, as [`case_row`] decodes them.
pub(crate) const CASE_ROW_COLUMNS: &str = "kind, status, jurisdiction, age, gender, nationality_1, nationality_2, \
     exploitation_types, exploitation_location, first_responder_type, competent_authority, referred_on, rg_outcome, \
     rg_on, cg_outcome, cg_on, rg_overturned, cg_overturned, re_referral, disqualified_on";

/// Decodes the [`CASE_ROW_COLUMNS`] of a `cases` row.
pub(crate) fn case_row(r: &impl Row) -> StoreResult<CaseRow> {
    use crate::convert::parse_date;
    use sg_domain::DecisionOutcome;
    use sg_store::{nationality, opt_code, parse_code};
    let decision = |outcome: &str, on: &str| -> StoreResult<_> {
        let o = opt_code::<DecisionOutcome>(outcome, r.get(outcome))?;
        let d = r.get::<Option<String>, _>(on).map(|s| parse_date(on, &s)).transpose()?;
        Ok(o.zip(d))
    };
    Ok(CaseRow {
        kind: parse_code("kind", r.get("kind"))?,
        status: parse_code("status", r.get("status"))?,
        jurisdiction: parse_code("jurisdiction", r.get("jurisdiction"))?,
        age: parse_code("age", r.get("age"))?,
        gender: parse_code("gender", r.get("gender"))?,
        nationalities: [nationality(r.get("nationality_1"))?, nationality(r.get("nationality_2"))?],
        exploitation: r.get::<i64, _>("exploitation_types") as u8,
        location: parse_code("exploitation_location", r.get("exploitation_location"))?,
        fr_type: parse_code("first_responder_type", r.get("first_responder_type"))?,
        ca: opt_code("competent_authority", r.get("competent_authority"))?,
        referred_on: parse_date("referred_on", r.get("referred_on"))?,
        rg: decision("rg_outcome", "rg_on")?,
        cg: decision("cg_outcome", "cg_on")?,
        rg_overturned: r.get::<i64, _>("rg_overturned") != 0,
        cg_overturned: r.get::<i64, _>("cg_overturned") != 0,
        re_referral: r.get::<i64, _>("re_referral") != 0,
        disqualified_on: r
            .get::<Option<String>, _>("disqualified_on")
            .map(|s| parse_date("disqualified_on", &s))
            .transpose()?,
    })
}

/// Reads the statistics (base rows plus deltas, summed per key) into tables.
pub(crate) async fn case_tables(db: &Db) -> StoreResult<Vec<Table>> {
    const SQL: &str = "SELECT measure, month, outcome, flag, dim, value, CAST(SUM(n) AS BIGINT) AS n, \
         CAST(SUM(sum_a) AS BIGINT) AS sum_a, CAST(SUM(sum_b) AS BIGINT) AS sum_b FROM ( \
         SELECT measure, month, outcome, flag, dim, value, n, sum_a, sum_b FROM case_marginals UNION ALL \
         SELECT measure, month, outcome, flag, dim, value, n, sum_a, sum_b FROM case_marginal_deltas) AS k \
         GROUP BY measure, month, outcome, flag, dim, value HAVING SUM(n) > 0";
    read!(db, |pool| {
        let rows = sqlx::query(SQL).fetch_all(pool).await.map_err(error)?;
        let mut rows: Vec<MarginalRow> = rows
            .iter()
            .map(|r| MarginalRow {
                measure: r.get(0),
                month: r.get(1),
                outcome: r.get(2),
                flag: r.get(3),
                dim: r.get(4),
                value: r.get(5),
                n: r.get(6),
                sum_a: r.get(7),
                sum_b: r.get(8),
            })
            .collect();
        // The same order on both engines, whatever their collations and plans.
        rows.sort_by(|a, b| {
            (&a.measure, &a.month, &a.outcome, a.flag, &a.dim, &a.value)
                .cmp(&(&b.measure, &b.month, &b.outcome, b.flag, &b.dim, &b.value))
        });
        marginal_tables(&rows)
    })
}

/// Inserts `rows` into `table` (`case_marginals` or `case_marginal_deltas`, never input).
async fn insert_rows(conn: Conn<'_>, table: &str, rows: &[MarginalRow]) -> Result<(), sqlx::Error> {
    on!(conn, |conn| {
        for chunk in rows.chunks(ROWS_PER_INSERT) {
            let mut q = QueryBuilder::new(format!(
                "INSERT INTO {table} (measure, month, outcome, flag, dim, value, n, sum_a, sum_b) "
            ));
            q.push_values(chunk, |mut b, r| {
                b.push_bind(r.measure.clone())
                    .push_bind(r.month.clone().unwrap_or_default())
                    .push_bind(r.outcome.clone().unwrap_or_default())
                    .push_bind(r.flag)
                    .push_bind(r.dim.clone())
                    .push_bind(r.value.clone())
                    .push_bind(r.n)
                    .push_bind(r.sum_a)
                    .push_bind(r.sum_b);
            });
            q.build().execute(&mut *conn).await?;
        }
        Ok(())
    })
}

/// Appends the statistics change `deltas` in the caller's transaction (nothing when no key
/// moved, as for most changes that are not decisions).
pub(crate) async fn append_deltas(conn: Conn<'_>, deltas: &MarginalDeltas) -> Result<(), sqlx::Error> {
    insert_rows(conn, "case_marginal_deltas", &deltas.rows()).await
}

/// Folds the deltas into the base rows and deletes them, in one transaction, so readers see
/// the same sums before and after. On PostgreSQL one process compacts at a time (the others
/// skip) and the delete returns exactly the rows it folds, so deltas committed meanwhile stay
/// for the next time; SQLite's single writer excludes every other write.
pub(crate) async fn compact(db: &Db) -> StoreResult<()> {
    // `{with}` is PostgreSQL's delete of the deltas it folds (a data-modifying WITH must be at
    // the top of the statement); SQLite deletes them in a second statement.
    const FOLD: &str =
        "{with}INSERT INTO case_marginals AS m (measure, month, outcome, flag, dim, value, n, sum_a, sum_b) \
         SELECT measure, month, outcome, flag, dim, value, SUM(n), SUM(sum_a), SUM(sum_b) FROM {source} \
         WHERE true GROUP BY measure, month, outcome, flag, dim, value \
         ON CONFLICT (measure, month, outcome, flag, dim, value) DO UPDATE \
         SET n = m.n + excluded.n, sum_a = m.sum_a + excluded.sum_a, sum_b = m.sum_b + excluded.sum_b";
    const DROP_ZEROS: &str = "DELETE FROM case_marginals WHERE n = 0 AND sum_a = 0 AND sum_b = 0";
    match db {
        Db::Postgres(pool) => {
            let mut tx = pool.begin().await.map_err(error)?;
            let ours: bool = sqlx::query_scalar("SELECT pg_try_advisory_xact_lock($1, $2)")
                .bind(COMPACT_LOCK.0)
                .bind(COMPACT_LOCK.1)
                .fetch_one(&mut *tx)
                .await
                .map_err(error)?;
            if !ours {
                return Ok(());
            }
            let with = "WITH moved AS (DELETE FROM case_marginal_deltas RETURNING *) ";
            let fold = FOLD.replace("{with}", with).replace("{source}", "moved");
            sqlx::query(&fold).execute(&mut *tx).await.map_err(error)?;
            sqlx::query(DROP_ZEROS).execute(&mut *tx).await.map_err(error)?;
            tx.commit().await.map_err(error)
        }
        Db::Sqlite { writer, .. } => {
            let mut tx = writer.begin().await.map_err(error)?;
            let fold = FOLD.replace("{with}", "").replace("{source}", "case_marginal_deltas");
            sqlx::query(&fold).execute(&mut *tx).await.map_err(error)?;
            sqlx::query("DELETE FROM case_marginal_deltas").execute(&mut *tx).await.map_err(error)?;
            sqlx::query(DROP_ZEROS).execute(&mut *tx).await.map_err(error)?;
            tx.commit().await.map_err(error)
        }
    }
}

/// Recomputes the statistics from every case in the caller's transaction: deltas and base rows
/// replaced by the sums of the Rust keys of each `cases` row. The caller keeps writers out
/// (SQLite's single writer; PostgreSQL: a `SHARE` lock on `cases`, or a restore's own
/// transaction into an empty database).
pub(crate) async fn rebuild_tx(conn: Conn<'_>) -> StoreResult<()> {
    on!(conn, |conn| {
        sqlx::query("DELETE FROM case_marginal_deltas").execute(&mut *conn).await.map_err(error)?;
        sqlx::query("DELETE FROM case_marginals").execute(&mut *conn).await.map_err(error)?;
        let sql = format!("SELECT id, {CASE_ROW_COLUMNS} FROM cases WHERE id > $1 ORDER BY id LIMIT $2");
        let mut deltas = MarginalDeltas::new();
        let mut after = String::new();
        loop {
            let rows = sqlx::query(&sql).bind(&after).bind(REBUILD_PAGE).fetch_all(&mut *conn).await.map_err(error)?;
            for r in &rows {
                deltas.add_case(&case_row(r)?, 1);
            }
            match rows.last() {
                Some(last) if rows.len() as i64 == REBUILD_PAGE => after = last.get("id"),
                _ => break,
            }
        }
        insert_rows(Conn::from(&mut *conn), "case_marginals", &deltas.rows()).await.map_err(error)?;
        sqlx::query("UPDATE case_marginals_state SET keys_version = $1 WHERE id = 1")
            .bind(MARGINAL_KEYS_VERSION)
            .execute(&mut *conn)
            .await
            .map_err(error)?;
        Ok(())
    })
}

/// Rebuilds the statistics when they were kept under another version of the keys (the
/// database's first opening after migration 0016, or after the keys or calendar changed);
/// returns whether it did. Several processes opening at once rebuild once.
pub(crate) async fn rebuild_if_stale(db: &Db) -> StoreResult<bool> {
    const VERSION: &str = "SELECT keys_version FROM case_marginals_state WHERE id = 1";
    let postgres = db.is_postgres();
    write!(db, |pool| {
        let mut tx = pool.begin().await.map_err(error)?;
        if postgres {
            sqlx::query("SELECT pg_advisory_xact_lock($1, $2)")
                .bind(REBUILD_LOCK.0)
                .bind(REBUILD_LOCK.1)
                .execute(&mut *tx)
                .await
                .map_err(error)?;
        }
        let version: i64 = sqlx::query_scalar(VERSION).fetch_one(&mut *tx).await.map_err(error)?;
        if version == MARGINAL_KEYS_VERSION {
            tx.commit().await.map_err(error)?;
            return Ok(false);
        }
        if postgres {
            // Writers of cases wait until the rebuild commits; those already running finish
            // first, so every committed change is either in the cases read or waits.
            sqlx::query("LOCK TABLE cases IN SHARE MODE").execute(&mut *tx).await.map_err(error)?;
        }
        rebuild_tx(Conn::from(&mut *tx)).await?;
        tx.commit().await.map_err(error)?;
        Ok(true)
    })
}

/// Counts case changes and starts a compaction in the background every [`COMPACT_EVERY`], one
/// at a time per process.
#[derive(Default)]
pub(crate) struct Compactor {
    changes: AtomicU64,
    running: AtomicBool,
}

impl Compactor {
    /// Notes `changes` committed case changes; past the threshold, compacts in the background.
    pub(crate) fn note(self: &Arc<Self>, db: &Db, changes: u64) {
        if self.changes.fetch_add(changes, Ordering::Relaxed) + changes < COMPACT_EVERY
            || self.running.swap(true, Ordering::AcqRel)
        {
            return;
        }
        self.changes.store(0, Ordering::Relaxed);
        let (db, me) = (db.clone(), self.clone());
        tokio::spawn(async move {
            match compact(&db).await {
                // Not lost: the deltas stay and are read, and the next compaction folds them.
                // A store closed meanwhile (a command ending after a bulk load) is no failure.
                Err(e) if !db.is_closed() => tracing::warn!(error = %e, "statistics compaction failed"),
                _ => {}
            }
            me.running.store(false, Ordering::Release);
        });
    }
}
