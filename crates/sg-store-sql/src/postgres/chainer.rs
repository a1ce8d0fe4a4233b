//! Chaining PostgreSQL's pending audit records (migration 0024).
//!
//! A transaction that audits writes its records to `audit_pending` and commits without taking
//! any global lock, so referrals from many connections and processes commit side by side (with
//! the chain's lock held to commit, intake stayed at about one commit at a time). Just after,
//! one chainer at a time (an advisory lock) moves the committed pending records into
//! `audit_log` in batches, hash-chained and with the new head signed, in one transaction: a
//! record is either pending or chained, never lost or chained twice. Every read of the log or
//! its checkpoints chains what is pending first ([`Chainer::settle`]), so readers see their
//! own writes; a crash leaves pending records for the next chaining.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Weak};
use std::time::{Duration, Instant};

use sg_audit::AuditRecord;
use sg_store::StoreResult;
use tokio::sync::Notify;

use crate::audit::{append_audit_tx, record_from_row, Auditor, AUDIT_CHAIN_LOCK, PENDING_COLUMNS};
use crate::convert::error;
use crate::db::{Conn, Db, Row};
use crate::AuditSignerSlot;

/// Pending records chained per transaction.
const BATCH: i64 = 2_000;

/// How long after the last write the chainer keeps looking for records whose transaction had
/// not committed yet when it was woken.
const LINGER: Duration = Duration::from_secs(5);

/// Chains pending audit records in the background after each write, one pass at a time per
/// process (and one chaining transaction at a time across processes).
pub(crate) struct Chainer {
    db: Db,
    signer: AuditSignerSlot,
    wake: Notify,
    started: AtomicBool,
}

impl Chainer {
    /// A chainer for `db`, signing with the key in `signer` once it is set.
    pub(crate) fn new(db: Db, signer: AuditSignerSlot) -> Arc<Self> {
        Arc::new(Self { db, signer, wake: Notify::new(), started: AtomicBool::new(false) })
    }

    /// Notes that a transaction wrote pending records (it is about to commit): starts the
    /// background task on first use, and wakes it.
    pub(crate) fn note(self: &Arc<Self>) {
        if !self.started.swap(true, Ordering::AcqRel) {
            tokio::spawn(run(Arc::downgrade(self)));
        }
        self.wake.notify_one();
    }

    /// Chains everything pending now, so a read that follows sees every committed record.
    pub(crate) async fn settle(&self) -> StoreResult<()> {
        while chain_pending(&self.db, &self.signer).await? == BATCH as usize {}
        Ok(())
    }
}

/// The background task: ends within a second of the last store clone being dropped.
async fn run(me: Weak<Chainer>) {
    let mut last_note = Instant::now();
    let mut dirty = true;
    let mut wait = Duration::ZERO;
    loop {
        let Some(chainer) = me.upgrade() else { return };
        // The store was closed (its process is ending): nothing more can be chained here.
        if chainer.db.is_closed() {
            return;
        }
        let woken = tokio::time::timeout(wait.max(Duration::from_millis(1)), chainer.wake.notified()).await.is_ok();
        if woken {
            last_note = Instant::now();
            dirty = true;
            // The writer noted before its commit: give the commit a moment to land.
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        if !dirty {
            wait = Duration::from_secs(1);
            continue;
        }
        wait = match chain_pending(&chainer.db, &chainer.signer).await {
            Ok(n) if n > 0 => Duration::ZERO,
            Ok(_) if last_note.elapsed() > LINGER => {
                dirty = false;
                Duration::from_secs(1)
            }
            // Nothing committed yet: a writer may still be committing.
            Ok(_) => Duration::from_millis(50),
            // Closed while this pass ran: `close` chained what was pending before it closed.
            Err(_) if chainer.db.is_closed() => return,
            Err(e) => {
                // Not lost: the records stay pending, and the next pass or read chains them.
                tracing::warn!(error = %e, "chaining pending audit records failed");
                Duration::from_millis(500)
            }
        };
    }
}

/// Chains up to [`BATCH`] committed pending records in one transaction and returns how many.
/// Without a signing key, a log that has signed checkpoints is left alone: chaining unsigned
/// would stop the signing for good (see `audit::head_is_signed`), so a process with the key
/// does it.
pub(crate) async fn chain_pending(db: &Db, signer: &AuditSignerSlot) -> StoreResult<usize> {
    let Db::Postgres(pool) = db else { return Ok(0) };
    let mut tx = pool.begin().await.map_err(error)?;
    let signer = signer.get().map(|s| s.as_ref());
    match chain_in(Conn::from(&mut *tx), signer).await {
        Ok(Some(n)) => {
            tx.commit().await.map_err(error)?;
            Ok(n)
        }
        other => {
            // Ended here, not on drop: sqlx sends a dropped transaction's rollback only when its
            // connection is next used, and until then it would hold the chain's lock.
            tx.rollback().await.map_err(error)?;
            other.map(|n| n.unwrap_or(0))
        }
    }
}

/// The body of [`chain_pending`]: `Some(n)` to commit, `None` when there is nothing to do.
async fn chain_in(mut conn: Conn<'_>, signer: Option<&sg_audit::AuditSigner>) -> StoreResult<Option<usize>> {
    let Conn::Postgres(c) = conn.reborrow() else { return Ok(None) };
    sqlx::query("SELECT pg_advisory_xact_lock($1)").bind(AUDIT_CHAIN_LOCK).execute(&mut *c).await.map_err(error)?;
    if signer.is_none() {
        let signed: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM audit_checkpoints)")
            .fetch_one(&mut *c)
            .await
            .map_err(error)?;
        if signed {
            return Ok(None);
        }
    }
    let rows = sqlx::query(&format!("SELECT id, {PENDING_COLUMNS} FROM audit_pending ORDER BY id LIMIT $1"))
        .bind(BATCH)
        .fetch_all(&mut *c)
        .await
        .map_err(error)?;
    if rows.is_empty() {
        return Ok(None);
    }
    let ids: Vec<i64> = rows.iter().map(|r| Row::get(r, "id")).collect();
    let records = rows.iter().map(record_from_row).collect::<StoreResult<Vec<AuditRecord>>>()?;
    append_audit_tx(conn.reborrow(), &records, Auditor::Chain(signer)).await.map_err(error)?;
    let Conn::Postgres(c) = conn else { return Ok(None) };
    // By id, not by range: a record with a smaller id may still be committing.
    sqlx::query("DELETE FROM audit_pending WHERE id = ANY($1)").bind(&ids).execute(&mut *c).await.map_err(error)?;
    Ok(Some(ids.len()))
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::time::Duration;

    use sg_audit::{AuditAction, AuditRecord, AuditSigner, Outcome, Verifier};
    use sg_store::{Firewall, Protection};

    use crate::audit::append_audit_tx;
    use crate::db::{Conn, Db};
    use crate::PgStore;

    fn record(detail: &str) -> AuditRecord {
        AuditRecord {
            at: 1_700_000_000,
            actor: None,
            role: String::new(),
            action: AuditAction::CaseRead,
            case_id: None,
            outcome: Outcome::Allowed,
            detail: detail.into(),
        }
    }

    async fn store() -> Option<(PgStore, Arc<AuditSigner>)> {
        let url = crate::postgres::testing::fresh_database().await?;
        let store = PgStore::open(&url).await.expect("open");
        let signer = Arc::new(AuditSigner::from_bytes(&[7; 32]));
        store.set_audit_signer(signer.clone());
        Some((store, signer))
    }

    /// With the chain's lock held from the audit append to commit, a transaction still open
    /// held up every other writer's audit (and so its commit), in every process.
    #[tokio::test]
    async fn an_open_transaction_that_audited_holds_up_no_other_writer() {
        let Some((store, signer)) = store().await else { return };
        let Db::Postgres(pool) = store.db() else { unreachable!() };
        let mut open = pool.begin().await.unwrap();
        append_audit_tx(Conn::from(&mut *open), &[record("first")], store.auditor()).await.unwrap();

        tokio::time::timeout(Duration::from_secs(10), store.append_audit(&[record("second")]))
            .await
            .expect("another writer's audit waited for an open transaction")
            .unwrap();
        let log = store.audit_page(0, 10).await.unwrap();
        assert_eq!(log.iter().map(|e| e.record.detail.as_str()).collect::<Vec<_>>(), ["second"]);

        open.commit().await.unwrap();
        let log = store.audit_page(0, 10).await.unwrap();
        assert_eq!(log.iter().map(|e| e.record.detail.as_str()).collect::<Vec<_>>(), ["second", "first"]);
        let mut verifier = Verifier::new();
        log.iter().for_each(|e| verifier.push(e).unwrap());
        let head = store.last_audit_checkpoint().await.unwrap().expect("a signed head");
        assert_eq!((head.seq, Some(head.hash)), verifier.finish());
        assert!(head.verifies(&signer.public_key()));
    }

    /// Records a crash left pending are chained by the next read, and only by a process that
    /// can sign a log that is signed.
    #[tokio::test]
    async fn records_left_pending_are_chained_before_a_read_and_only_with_the_key() {
        let Some((store, signer)) = store().await else { return };
        store.append_audit(&[record("signed")]).await.unwrap();
        assert_eq!(store.audit_page(0, 10).await.unwrap().len(), 1);
        let url = pool_url(&store).await;
        // The process that wrote ends first: its background chainer, which keeps looking for
        // pending records for a few seconds after a write, would otherwise chain the leftover
        // below before the keyless process reads (a race this test lost on a fast machine).
        store.close().await;
        let keyless = PgStore::open_without_migrating(&url).await.unwrap();
        let leftover = "INSERT INTO audit_pending (at, actor, role, action, case_id, outcome, detail) \
                        VALUES (1700000000, NULL, '', 'case-read', NULL, 'allowed', 'left by a crash')";
        sqlx::query(leftover).execute(keyless.pool()).await.unwrap();
        assert_eq!(keyless.audit_page(0, 10).await.unwrap().len(), 1, "chained without the signing key");

        let keyed = PgStore::open_without_migrating(&url).await.unwrap();
        keyed.set_audit_signer(signer);
        let log = keyed.audit_page(0, 10).await.unwrap();
        assert_eq!(log.last().map(|e| e.record.detail.as_str()), Some("left by a crash"));
        assert_eq!(keyed.last_audit_checkpoint().await.unwrap().map(|c| c.seq), Some(2));
    }

    async fn pool_url(store: &PgStore) -> String {
        let Db::Postgres(pool) = store.db() else { unreachable!() };
        let name: String = sqlx::query_scalar("SELECT current_database()").fetch_one(pool).await.unwrap();
        let admin = std::env::var("SAFEGUARD_TEST_DATABASE_URL").unwrap();
        format!("{}/{name}", admin.rsplit_once('/').unwrap().0)
    }
}
