//! Group commit for new cases and audit entries: concurrent `create_case` and `append_audit`
//! calls are queued to one task that writes as many as are waiting in one transaction, each
//! inside its own savepoint, and acknowledges every one only after that transaction's commit
//! returned. (Every read of a case page appends an audit entry, so reads need this as much as
//! referrals do.)
//!
//! Why: with `synchronous=FULL` every commit costs one `fsync`, so one referral per
//! transaction caps intake at the disk's fsyncs a second. A batch pays one `fsync` for all its
//! referrals. Nothing is acknowledged before it is durable, and a bad item (a conflicting
//! Idempotency-Key, a constraint) is rolled back to its savepoint and fails alone. The audit
//! hash chain stays one chain: items are appended in order, each reading the head the previous
//! one left inside the same transaction.

use sg_audit::AuditRecord;
use sg_store::{Created, IdempotencyKey, NewCase, StoreError, StoreResult};
use sqlx::{Connection, SqlitePool};
use tokio::sync::{mpsc, oneshot};

use crate::convert::error;
use crate::db::Conn;

/// Most cases written in one transaction: bounds the time a batch holds the writer.
const MAX_BATCH: usize = 256;

/// One queued write.
pub(crate) enum Pending {
    /// `create_case`.
    Case { case: Box<NewCase>, idempotency: Option<IdempotencyKey>, reply: oneshot::Sender<StoreResult<Created>> },
    /// `append_audit`.
    Audit { records: Vec<AuditRecord>, reply: oneshot::Sender<StoreResult<()>> },
}

/// A write done inside the open transaction, answered once it commits.
enum Done {
    Case(oneshot::Sender<StoreResult<Created>>, Created),
    Audit(oneshot::Sender<StoreResult<()>>),
}

impl Done {
    fn answer(self, result: Result<(), &StoreError>) {
        match (self, result) {
            (Done::Case(reply, created), Ok(())) => drop(reply.send(Ok(created))),
            (Done::Audit(reply), Ok(())) => drop(reply.send(Ok(()))),
            (Done::Case(reply, _), Err(e)) => drop(reply.send(Err(clone_error(e)))),
            (Done::Audit(reply), Err(e)) => drop(reply.send(Err(clone_error(e)))),
        }
    }
}

/// The sending side, held by every clone of the store.
pub(crate) type Queue = mpsc::Sender<Pending>;

/// Starts the writer task on the current Tokio runtime; it ends when every store clone is gone.
pub(crate) fn start(writer: SqlitePool, signer: crate::AuditSignerSlot) -> Queue {
    let (tx, rx) = mpsc::channel(4 * MAX_BATCH);
    tokio::spawn(run(writer, signer, rx));
    tx
}

/// Queues one case and waits until it is committed (or refused).
pub(crate) async fn create_case(queue: &Queue, case: &NewCase, idem: Option<&IdempotencyKey>) -> StoreResult<Created> {
    let (reply, answer) = oneshot::channel();
    let pending = Pending::Case { case: Box::new(case.clone()), idempotency: idem.cloned(), reply };
    queue.send(pending).await.map_err(|_| stopped())?;
    answer.await.map_err(|_| stopped())?
}

/// Queues audit entries and waits until they are committed.
pub(crate) async fn append_audit(queue: &Queue, records: &[AuditRecord]) -> StoreResult<()> {
    let (reply, answer) = oneshot::channel();
    queue.send(Pending::Audit { records: records.to_vec(), reply }).await.map_err(|_| stopped())?;
    answer.await.map_err(|_| stopped())?
}

fn stopped() -> StoreError {
    StoreError::Unavailable(sg_store::Outage::Down, "the database writer stopped before committing".into())
}

async fn run(writer: SqlitePool, signer: crate::AuditSignerSlot, mut rx: mpsc::Receiver<Pending>) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    // The head this writer signed in its last committed batch (see `signed_head`).
    let mut signed = None;
    // Waits for the first item, then takes whatever else is already queued: under load the
    // queue fills while the previous batch commits, so batches grow with the load by themselves.
    while rx.recv_many(&mut batch, MAX_BATCH).await > 0 {
        signed = write_batch(&writer, signer.get().map(|s| s.as_ref()), signed, std::mem::take(&mut batch)).await;
    }
}

/// Writes one batch in one transaction; gives the head it signed, once committed.
async fn write_batch(
    writer: &SqlitePool,
    signer: Option<&sg_audit::AuditSigner>,
    last_signed: Option<(u64, [u8; 32])>,
    batch: Vec<Pending>,
) -> Option<(u64, [u8; 32])> {
    let mut tx = match writer.begin().await {
        Ok(tx) => tx,
        Err(e) => {
            fail_all(batch, error(e));
            return None;
        }
    };
    // The items chain unsigned; the batch's last head is signed once, before its commit (an
    // Ed25519 signature and a verification per referral cost the writer more than the inserts).
    let old = match signer {
        Some(signer) => match signed_head(Conn::from(&mut *tx), signer, last_signed).await {
            Ok(old) => Some(old),
            Err(e) => {
                fail_all(batch, error(e));
                return None;
            }
        },
        None => None,
    };
    let auditor = crate::audit::Auditor::ChainUnsigned;
    let mut done = Vec::with_capacity(batch.len());
    // A batch of one (what a lone client always gets) needs no savepoint: if its item fails,
    // the whole transaction is rolled back, which is the same thing. Two round trips to the
    // connection's thread fewer.
    if batch.len() == 1 {
        let p = batch.into_iter().next().expect("one item");
        match write_item(Conn::from(&mut *tx), &p, auditor).await {
            Ok(created) => done.extend(p.done(created)),
            Err(e) => {
                // Rolling back can only fail if the connection is gone; the next batch's
                // BEGIN then reports it.
                let _ = tx.rollback().await;
                p.refuse(e);
                return None;
            }
        }
    } else {
        for p in batch {
            // A nested transaction is a SAVEPOINT: dropped without commit, it rolls back alone.
            let mut item = match tx.begin().await {
                Ok(item) => item,
                Err(e) => {
                    p.refuse(error(e));
                    continue;
                }
            };
            let result = match write_item(Conn::from(&mut *item), &p, auditor).await {
                Ok(created) => item.commit().await.map(|_| created).map_err(error),
                Err(e) => {
                    // As above: a failed rollback means the connection is gone, and the outer
                    // commit fails too and reports it to everyone.
                    let _ = item.rollback().await;
                    Err(e)
                }
            };
            match result {
                Ok(created) => done.extend(p.done(created)),
                Err(e) => p.refuse(e),
            }
        }
    }
    let mut signed_now = None;
    if let (Some(signer), Some((head, signed))) = (signer, old) {
        match crate::audit::sign_head_tx(Conn::from(&mut *tx), signer, head, signed).await {
            // Unchanged, the head stays the one signed before.
            Ok(new) => signed_now = new.or(head.filter(|_| signed)),
            Err(e) => {
                let e = error(e);
                for d in done {
                    d.answer(Err(&e));
                }
                return None;
            }
        }
    }
    let committed = tx.commit().await.map_err(error);
    for d in done {
        d.answer(committed.as_ref().map(|_| ()));
    }
    committed.ok().and(signed_now)
}

/// The head before the batch, and whether it is signed. A head equal to the one this writer
/// signed and committed last is not looked up and verified again (a statement and an Ed25519
/// verification per batch, which at one referral per batch cost more than its inserts); any
/// other head (another process appended, or rows were rewritten) is checked in full.
async fn signed_head(
    mut conn: Conn<'_>,
    signer: &sg_audit::AuditSigner,
    last_signed: Option<(u64, [u8; 32])>,
) -> Result<(Option<(u64, [u8; 32])>, bool), sqlx::Error> {
    let head = crate::audit::head(conn.reborrow()).await?;
    if head.is_some() && head == last_signed {
        return Ok((head, true));
    }
    Ok((head, crate::audit::head_is_signed(conn, signer, head).await?))
}

/// Writes one queued item in the open transaction (or savepoint): the case created, or `None`
/// for audit entries.
async fn write_item(conn: Conn<'_>, p: &Pending, auditor: crate::audit::Auditor<'_>) -> StoreResult<Option<Created>> {
    match p {
        Pending::Case { case, idempotency, .. } => {
            crate::cases::create_case_tx(conn, case, idempotency.as_ref(), auditor).await.map(Some)
        }
        Pending::Audit { records, .. } => {
            crate::audit::append_audit_tx(conn, records, auditor).await.map(|_| None).map_err(error)
        }
    }
}

impl Pending {
    /// The answer to give once the batch commits; a case written without its `Created` is
    /// refused now instead.
    fn done(self, created: Option<Created>) -> Option<Done> {
        match (self, created) {
            (Pending::Case { reply, .. }, Some(created)) => Some(Done::Case(reply, created)),
            (Pending::Audit { reply, .. }, _) => Some(Done::Audit(reply)),
            (p, None) => {
                p.refuse(StoreError::Other("no case was created".into()));
                None
            }
        }
    }

    fn refuse(self, e: StoreError) {
        match self {
            Pending::Case { reply, .. } => drop(reply.send(Err(e))),
            Pending::Audit { reply, .. } => drop(reply.send(Err(e))),
        }
    }
}

fn fail_all(batch: Vec<Pending>, e: StoreError) {
    for p in batch {
        p.refuse(clone_error(&e));
    }
}

pub(crate) fn clone_error(e: &StoreError) -> StoreError {
    match e {
        StoreError::NotFound => StoreError::NotFound,
        StoreError::Conflict(m) => StoreError::Conflict(m.clone()),
        StoreError::Unavailable(why, m) => StoreError::Unavailable(*why, m.clone()),
        StoreError::Other(m) => StoreError::Other(m.clone()),
    }
}
