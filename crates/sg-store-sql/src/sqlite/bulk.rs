//! SQLite's bulk load of new cases (demonstration data): every batch in one transaction, and for
//! a load at least as large as what is already stored, the secondary indexes of the tables it
//! fills dropped first and built again once the rows are in, from the SQL the migrations created
//! them with (read back from `sqlite_master`), so the schema after the load is the one before.
//!
//! One transaction makes the load all or nothing: a crash before the commit leaves the database
//! as it was, with every index, and nothing to repair; the commit is `synchronous=FULL` like any
//! other. Building an index from the finished table is one sort, where maintaining it row by
//! row is a b-tree search and insert per index per row (12 on `cases`), which is where the
//! writer spent its time. The price: the load holds the write lock from its start to its commit
//! (another process's writes wait for it, up to their busy timeout), and the WAL grows to the
//! size of everything it writes until the checkpoint after the commit.

use sg_store::{CaseBatches, MarginalDeltas, NewCase, StoreError, StoreResult};
use sqlx::sqlite::{Sqlite, SqliteConnection, SqlitePool};
use sqlx::Connection;

use crate::convert::error;
use crate::db::Conn;
use crate::new_rows::{self, Insert};

/// The smallest load that rebuilds the indexes instead of maintaining them: below it, the
/// rebuild's fixed cost (a sort of every row already stored) is not worth it.
pub(crate) const REBUILD_FROM: u64 = 1_000;

/// The tables a load of cases fills whose secondary indexes are rebuilt after it. The others it
/// fills (`case_events`, `vault_entries`, `person_keys`) have only their primary key, in case id
/// order, which a load of ascending ids appends to.
const REBUILT_TABLES: &str = "('cases', 'case_relationships', 'audit_log')";

/// The trigger that counts stored events (migration 0019, `Replay::events_version`).
const EVENTS_TRIGGER: &str = "case_events_move_data_version";

/// The single writer's page cache during a load (KiB, as `cache_size` takes it negated):
/// pages the load touches again (the unique index of references, the b-trees' right edges)
/// stay in memory instead of being written to the WAL and read back, and building an index
/// sorts in memory instead of through temporary files.
const LOAD_CACHE_KIB: i64 = 1 << 20;

/// A batch made ready off the writer: its inserts built and its statistics keys computed on a
/// blocking thread while the writer stores the batch before it.
struct Prepared {
    cases: Vec<NewCase>,
    inserts: Vec<Insert<Sqlite>>,
    deltas: MarginalDeltas,
}

fn prepare(cases: Vec<NewCase>) -> Prepared {
    let refs: Vec<&NewCase> = cases.iter().collect();
    let (inserts, deltas) = (new_rows::of_cases(&refs), new_rows::deltas(&refs));
    Prepared { cases, inserts, deltas }
}

/// Stores every batch `batches` gives in one transaction on `writer`, calling `progress` with
/// the number stored so far; with at least [`REBUILD_FROM`] cases `expected`, and no fewer than
/// the cases already stored, the indexes of [`REBUILT_TABLES`] are built after the rows.
pub(crate) async fn load(
    writer: &SqlitePool,
    expected: u64,
    batches: &mut dyn CaseBatches,
    progress: &(dyn Fn(u64) + Send + Sync),
    signer: Option<&sg_audit::AuditSigner>,
) -> StoreResult<u64> {
    let mut conn = writer.acquire().await.map_err(error)?;
    let cache = |kib: i64| format!("PRAGMA cache_size = -{kib}");
    sqlx::query(&cache(LOAD_CACHE_KIB)).execute(&mut *conn).await.map_err(error)?;
    let loaded = load_on(&mut conn, expected, batches, progress, signer).await;
    let reset = sqlx::query(&cache(super::WRITER_CACHE_KIB)).execute(&mut *conn).await.map_err(error);
    let done = loaded?;
    reset?;
    Ok(done)
}

async fn load_on(
    conn: &mut SqliteConnection,
    expected: u64,
    batches: &mut dyn CaseBatches,
    progress: &(dyn Fn(u64) + Send + Sync),
    signer: Option<&sg_audit::AuditSigner>,
) -> StoreResult<u64> {
    // IMMEDIATE: the write lock is taken now, so another process's writer cannot slip in
    // between the reads below and the first insert.
    let mut tx = conn.begin_with("BEGIN IMMEDIATE").await.map_err(error)?;
    let stored: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM cases").fetch_one(&mut *tx).await.map_err(error)?;
    let rebuild = expected >= REBUILD_FROM && expected >= stored as u64;
    let indexes: Vec<(String, String)> = if rebuild {
        // `sql` is NULL for the indexes of PRIMARY KEY and UNIQUE constraints, which are part
        // of their table and stay.
        sqlx::query_as(&format!(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL \
             AND tbl_name IN {REBUILT_TABLES} ORDER BY rowid"
        ))
        .fetch_all(&mut *tx)
        .await
        .map_err(error)?
    } else {
        Vec::new()
    };
    for (name, _) in &indexes {
        sqlx::query(&format!("DROP INDEX \"{name}\"")).execute(&mut *tx).await.map_err(error)?;
    }
    // The trigger of migration 0019 updates `data_version` once per event row (millions of
    // updates of one row); the load adds the count of its events once instead, and puts the
    // trigger back from the same SQL before the commit, so no other connection ever sees it
    // missing.
    let counter: Option<String> =
        sqlx::query_scalar("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = $1")
            .bind(EVENTS_TRIGGER)
            .fetch_optional(&mut *tx)
            .await
            .map_err(error)?;
    if counter.is_some() {
        sqlx::query(&format!("DROP TRIGGER {EVENTS_TRIGGER}")).execute(&mut *tx).await.map_err(error)?;
    }
    let mut events = 0i64;
    // The statistics of the whole load, written once: as many rows as keys, not per batch.
    let mut deltas = MarginalDeltas::new();
    let mut done = 0u64;
    let mut preparing: Option<tokio::task::JoinHandle<StoreResult<Prepared>>> = None;
    loop {
        let next = batches.next_batch().await.map(|batch| tokio::task::spawn_blocking(move || batch.map(prepare)));
        if let Some(p) = preparing.take() {
            let p = p.await.map_err(|e| StoreError::Other(format!("a bulk load's batch was not prepared: {e}")))??;
            for mut q in p.inserts {
                q.build().execute(&mut *tx).await.map_err(error)?;
            }
            let cases: Vec<&NewCase> = p.cases.iter().collect();
            crate::cases::insert_audit_and_codes(Conn::from(&mut *tx), &cases, crate::audit::Auditor::Chain(signer))
                .await
                .map_err(error)?;
            deltas.merge(p.deltas);
            events += cases.iter().map(|c| c.events.len() as i64).sum::<i64>();
            done += cases.len() as u64;
            progress(done);
        }
        match next {
            Some(handle) => preparing = Some(handle),
            None => break,
        }
    }
    crate::marginals::append_deltas(Conn::from(&mut *tx), &deltas).await.map_err(error)?;
    if let Some(sql) = counter {
        sqlx::query("UPDATE data_version SET events = events + $1 WHERE id = 1")
            .bind(events)
            .execute(&mut *tx)
            .await
            .map_err(error)?;
        sqlx::query(&sql).execute(&mut *tx).await.map_err(error)?;
    }
    for (_, sql) in &indexes {
        sqlx::query(sql).execute(&mut *tx).await.map_err(error)?;
    }
    tx.commit().await.map_err(error)?;
    Ok(done)
}
