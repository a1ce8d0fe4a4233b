//! Group commit for new cases: concurrent `create_case` calls are queued to one task that
//! writes as many as are waiting in one transaction, each inside its own savepoint, and
//! acknowledges every one only after that transaction's commit returned.
//!
//! Why: with `synchronous=FULL` every commit costs one `fsync`, so one referral per
//! transaction caps intake at the disk's fsyncs a second. A batch pays one `fsync` for all its
//! referrals. Nothing is acknowledged before it is durable, and a bad item (a conflicting
//! Idempotency-Key, a constraint) is rolled back to its savepoint and fails alone. The audit
//! hash chain stays one chain: items are appended in order, each reading the head the previous
//! one left inside the same transaction.

use sg_store::{Created, IdempotencyKey, NewCase, StoreError, StoreResult};
use sqlx::{Connection, SqlitePool};
use tokio::sync::{mpsc, oneshot};

use crate::convert::error;

/// Most cases written in one transaction: bounds the time a batch holds the writer.
const MAX_BATCH: usize = 256;

/// One queued `create_case`.
pub(crate) struct Pending {
    case: NewCase,
    idempotency: Option<IdempotencyKey>,
    reply: oneshot::Sender<StoreResult<Created>>,
}

/// The sending side, held by every clone of the store.
pub(crate) type Queue = mpsc::Sender<Pending>;

/// Starts the writer task on the current Tokio runtime; it ends when every store clone is gone.
pub(crate) fn start(writer: SqlitePool) -> Queue {
    let (tx, rx) = mpsc::channel(4 * MAX_BATCH);
    tokio::spawn(run(writer, rx));
    tx
}

/// Queues one case and waits until it is committed (or refused).
pub(crate) async fn create_case(queue: &Queue, case: &NewCase, idem: Option<&IdempotencyKey>) -> StoreResult<Created> {
    let (reply, answer) = oneshot::channel();
    let pending = Pending { case: case.clone(), idempotency: idem.cloned(), reply };
    queue.send(pending).await.map_err(|_| StoreError::Unavailable("the database writer has stopped".into()))?;
    answer.await.map_err(|_| StoreError::Unavailable("the database writer stopped before committing".into()))?
}

async fn run(writer: SqlitePool, mut rx: mpsc::Receiver<Pending>) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    // Waits for the first item, then takes whatever else is already queued: under load the
    // queue fills while the previous batch commits, so batches grow with the load by themselves.
    while rx.recv_many(&mut batch, MAX_BATCH).await > 0 {
        write_batch(&writer, std::mem::take(&mut batch)).await;
    }
}

async fn write_batch(writer: &SqlitePool, batch: Vec<Pending>) {
    let mut tx = match writer.begin().await {
        Ok(tx) => tx,
        Err(e) => return fail_all(batch, error(e)),
    };
    let mut done = Vec::with_capacity(batch.len());
    for p in batch {
        // A nested transaction is a SAVEPOINT: dropped without commit, it rolls back alone.
        let result = match tx.begin().await {
            Ok(mut item) => {
                let r = crate::cases::create_case_tx(&mut item, &p.case, p.idempotency.as_ref()).await;
                match r {
                    Ok(created) => item.commit().await.map(|_| created).map_err(error),
                    Err(e) => {
                        // Rolling back can only fail if the connection is gone; the outer
                        // commit then fails too and reports it to everyone.
                        let _ = item.rollback().await;
                        Err(e)
                    }
                }
            }
            Err(e) => Err(error(e)),
        };
        match result {
            Ok(created) => done.push((p.reply, created)),
            Err(e) => {
                let _ = p.reply.send(Err(e));
            }
        }
    }
    match tx.commit().await {
        Ok(()) => {
            for (reply, created) in done {
                let _ = reply.send(Ok(created));
            }
        }
        Err(e) => {
            let e = error(e);
            for (reply, _) in done {
                let _ = reply.send(Err(clone_error(&e)));
            }
        }
    }
}

fn fail_all(batch: Vec<Pending>, e: StoreError) {
    for p in batch {
        let _ = p.reply.send(Err(clone_error(&e)));
    }
}

fn clone_error(e: &StoreError) -> StoreError {
    match e {
        StoreError::NotFound => StoreError::NotFound,
        StoreError::Conflict(m) => StoreError::Conflict(m.clone()),
        StoreError::Unavailable(m) => StoreError::Unavailable(m.clone()),
        StoreError::Other(m) => StoreError::Other(m.clone()),
    }
}
