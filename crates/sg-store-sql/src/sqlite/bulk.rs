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
//! (another process's writes wait for it, up to their busy timeout).
//!
//! A large load into a database with no cases yet also leaves WAL mode for its transaction when
//! no other connection has the file open (the usual case: `safeguard demo` filling a new
//! database, in a process of its own). Through the WAL every page is written twice, once to the
//! log and once more by the checkpoint (3.4 GB each for a million cases); with the rollback
//! journal the pages the load appends go straight to the file, and the journal keeps only the
//! few pages the load changes that existed before, which is what a crash rolls back. While it
//! runs, another process cannot open the file either (it waits up to its busy timeout), which is
//! why a database already holding cases, and so perhaps in use, is always loaded through the
//! WAL; so is one that another connection has open, as the mode cannot change then.

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

/// How long a large load waits for this process's readers to go idle before it gives up on
/// leaving the WAL.
const READERS_WAIT: std::time::Duration = std::time::Duration::from_millis(500);

/// A batch being prepared on a blocking thread.
type Preparing = tokio::task::JoinHandle<StoreResult<Prepared>>;

/// How many batches may wait, prepared or being prepared, for the writer.
const QUEUED: usize = 2;

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
    reader: &SqlitePool,
    expected: u64,
    batches: &mut dyn CaseBatches,
    progress: &(dyn Fn(u64) + Send + Sync),
    signer: Option<&sg_audit::AuditSigner>,
) -> StoreResult<u64> {
    let mut conn = writer.acquire().await.map_err(error)?;
    let cache = |kib: i64| format!("PRAGMA cache_size = -{kib}");
    sqlx::query(&cache(LOAD_CACHE_KIB)).execute(&mut *conn).await.map_err(error)?;
    let stored: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM cases").fetch_one(&mut *conn).await.map_err(error)?;
    let large = expected >= REBUILD_FROM && expected >= stored as u64;
    // Only a database being filled for the first time: one in use may have a reader starting
    // (a `serve`, a backup) that the journal would keep out until the commit.
    let journal = if large && stored == 0 { leave_wal(&mut conn, reader).await } else { false };
    let loaded = load_on(&mut conn, large, batches, progress, signer).await;
    if journal {
        if let Err(e) = back_to_wal(&mut conn).await {
            // What was loaded is committed either way; a writer left in another mode is closed
            // instead of reused, and the pool opens the next one in WAL mode.
            tracing::warn!(error = %e, "the writer did not return to WAL mode after a bulk load; reconnecting");
            conn.close_on_drop();
        }
    }
    let reset = sqlx::query(&cache(super::WRITER_CACHE_KIB)).execute(&mut *conn).await.map_err(error);
    let done = loaded?;
    reset?;
    Ok(done)
}

/// Switches `conn` to the rollback journal if no other connection has the file open, closing
/// this process's idle readers first (a reader opens again, in WAL mode, when next needed).
/// Whether it switched: if not, the load goes through the WAL.
async fn leave_wal(conn: &mut SqliteConnection, reader: &SqlitePool) -> bool {
    // A reader just used goes back to the pool a moment after its query: wait for it, a little;
    // one that stays busy (a request being served) keeps the load in the WAL.
    let deadline = std::time::Instant::now() + READERS_WAIT;
    loop {
        while let Some(idle) = reader.try_acquire() {
            // A reader that cannot close cleanly is dropped all the same.
            let _ = idle.close().await;
        }
        if reader.size() == 0 || std::time::Instant::now() >= deadline {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    // SQLite answers with the mode it is in after the request, or "database is locked" when
    // another connection holds the file open in WAL mode.
    let mode: Result<String, _> = sqlx::query_scalar("PRAGMA journal_mode = DELETE").fetch_one(&mut *conn).await;
    matches!(mode, Ok(m) if m.eq_ignore_ascii_case("delete"))
}

/// Puts `conn` back in WAL mode after a load through the rollback journal. Nothing else can
/// have opened the file meanwhile (a connection opening asks for WAL mode, and could not get it
/// while the load held its lock), so this waits at most for a reader that opened since the
/// commit, up to the busy timeout; failing that, the caller drops the connection.
async fn back_to_wal(conn: &mut SqliteConnection) -> StoreResult<()> {
    let mode: String = sqlx::query_scalar("PRAGMA journal_mode = WAL").fetch_one(&mut *conn).await.map_err(error)?;
    if mode.eq_ignore_ascii_case("wal") {
        Ok(())
    } else {
        Err(StoreError::Other(format!("after a bulk load the journal stayed in {mode} mode instead of WAL")))
    }
}

async fn load_on(
    conn: &mut SqliteConnection,
    rebuild: bool,
    batches: &mut dyn CaseBatches,
    progress: &(dyn Fn(u64) + Send + Sync),
    signer: Option<&sg_audit::AuditSigner>,
) -> StoreResult<u64> {
    // IMMEDIATE: the write lock is taken now, so another process's writer cannot slip in
    // between the reads of the schema below and the first insert.
    let mut tx = conn.begin_with("BEGIN IMMEDIATE").await.map_err(error)?;
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
    // The statistics of the whole load, written once: as many rows as keys, not per batch.
    // Each batch's are merged, and its cases dropped, on a thread of their own, so that the
    // writer is not kept waiting for them between batches.
    let (merge, merged) = std::sync::mpsc::channel::<(MarginalDeltas, Vec<NewCase>)>();
    let merger = tokio::task::spawn_blocking(move || {
        let mut all = MarginalDeltas::new();
        for (deltas, cases) in merged {
            all.merge(deltas);
            drop(cases);
        }
        all
    });
    // Batches are generated and prepared ahead of the writer, up to `QUEUED` at once, in a
    // future of their own beside the writer's: the writer takes the next batch as soon as it
    // has stored one, and waits only when none is ready.
    let (ready, queue) = tokio::sync::mpsc::channel::<Preparing>(QUEUED);
    let produce = async move {
        while let Some(batch) = batches.next_batch().await {
            if ready.send(tokio::task::spawn_blocking(move || batch.map(prepare))).await.is_err() {
                break; // the writer stopped at an error
            }
        }
    };
    let write = async {
        let mut queue = queue;
        let (mut done, mut events) = (0u64, 0i64);
        while let Some(p) = queue.recv().await {
            let p = p.await.map_err(|e| StoreError::Other(format!("a bulk load's batch was not prepared: {e}")))??;
            for mut q in p.inserts {
                q.build().execute(&mut *tx).await.map_err(error)?;
            }
            let cases: Vec<&NewCase> = p.cases.iter().collect();
            crate::cases::insert_audit_and_codes(Conn::from(&mut *tx), &cases, crate::audit::Auditor::Chain(signer))
                .await
                .map_err(error)?;
            events += cases.iter().map(|c| c.events.len() as i64).sum::<i64>();
            done += cases.len() as u64;
            // The merger ends only when this sender is dropped, so it is still receiving.
            let _ = merge.send((p.deltas, p.cases));
            progress(done);
        }
        StoreResult::Ok((done, events))
    };
    let ((), written) = tokio::join!(produce, write);
    let (done, events) = written?;
    drop(merge);
    let deltas =
        merger.await.map_err(|e| StoreError::Other(format!("a bulk load's statistics were not merged: {e}")))?;
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
