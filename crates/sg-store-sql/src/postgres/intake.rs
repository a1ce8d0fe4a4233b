//! Batched intake on PostgreSQL: the new cases a process receives at the same moment are
//! written by one transaction, with one multi-row statement per table.
//!
//! Why: each referral written alone costs about ten round trips to the server and one commit,
//! and the server's CPU for each statement; under load most of PostgreSQL's work was that
//! overhead. A few workers take whatever is queued when they are free (so batches grow with the
//! load by themselves, and a lone referral is written at once), write it in one transaction and
//! answer every referral only after the commit. A batch that fails is written again one case
//! per transaction, so a bad case fails alone. Cases with an Idempotency-Key take the direct
//! path (their key is locked and looked up in their own transaction).

use std::sync::Arc;

use sg_store::{Created, NewCase, StoreError, StoreResult};
use tokio::sync::{mpsc, oneshot, Mutex};

use crate::audit::Auditor;
use crate::convert::error;
use crate::db::{Conn, Db};
use crate::postgres::chainer::Chainer;

/// Most cases in one transaction.
const MAX_BATCH: usize = 128;

/// Transactions in flight at once per process: while one commits, the next batch gathers.
const WORKERS: usize = 3;

struct Item {
    case: Box<NewCase>,
    reply: oneshot::Sender<StoreResult<Created>>,
}

/// The sending side, held by every clone of the store; the workers end when it is dropped.
#[derive(Clone)]
pub(crate) struct Intake(mpsc::Sender<Item>);

impl Intake {
    /// Starts the workers on the current Tokio runtime.
    pub(crate) fn start(db: Db, chainer: Arc<Chainer>) -> Self {
        let (tx, rx) = mpsc::channel(4 * MAX_BATCH);
        let rx = Arc::new(Mutex::new(rx));
        for _ in 0..WORKERS {
            tokio::spawn(work(rx.clone(), db.clone(), chainer.clone()));
        }
        Self(tx)
    }

    /// Queues one new case and waits until it is committed (or refused).
    pub(crate) async fn create(&self, case: &NewCase) -> StoreResult<Created> {
        let (reply, answer) = oneshot::channel();
        self.0.send(Item { case: Box::new(case.clone()), reply }).await.map_err(|_| stopped())?;
        answer.await.map_err(|_| stopped())?
    }

    /// New cases waiting for a worker.
    pub(crate) fn queued(&self) -> usize {
        self.0.max_capacity() - self.0.capacity()
    }
}

fn stopped() -> StoreError {
    StoreError::Unavailable(sg_store::Outage::Down, "the database writer stopped before committing".into())
}

async fn work(rx: Arc<Mutex<mpsc::Receiver<Item>>>, db: Db, chainer: Arc<Chainer>) {
    loop {
        let mut batch = Vec::with_capacity(MAX_BATCH);
        if rx.lock().await.recv_many(&mut batch, MAX_BATCH).await == 0 {
            return;
        }
        let cases: Vec<&NewCase> = batch.iter().map(|i| i.case.as_ref()).collect();
        let auditor = Auditor::Pending(&chainer);
        let together = crate::cases::retry_contention(|| write(&db, &cases, auditor)).await;
        match together {
            Err(e) if batch.len() > 1 => {
                tracing::warn!(error = %e, cases = batch.len(), "a batch of new cases failed; writing them one by one");
                for item in batch {
                    let one = [item.case.as_ref()];
                    let result = crate::cases::retry_contention(|| write(&db, &one, auditor)).await;
                    let _ = item.reply.send(result.map(|()| created(&item.case)));
                }
            }
            result => {
                for item in batch {
                    let _ = item.reply.send(match &result {
                        Ok(()) => Ok(created(&item.case)),
                        Err(e) => Err(crate::sqlite::group_commit::clone_error(e)),
                    });
                }
            }
        }
    }
}

fn created(case: &NewCase) -> Created {
    Created { case_id: case.id, reference: case.reference.clone(), replayed: false }
}

async fn write(db: &Db, cases: &[&NewCase], auditor: Auditor<'_>) -> StoreResult<()> {
    let Db::Postgres(pool) = db else { unreachable!("batched intake is PostgreSQL's") };
    let mut tx = pool.begin().await.map_err(error)?;
    match crate::cases::insert_cases(Conn::from(&mut *tx), cases, auditor).await {
        Ok(()) => tx.commit().await.map_err(error),
        Err(e) => {
            // Ended now: sqlx sends a dropped transaction's rollback only when its connection
            // is next used.
            let _ = tx.rollback().await;
            Err(error(e))
        }
    }
}
