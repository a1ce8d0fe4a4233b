//! Safeguard's SQL store: every query written once and run on SQLite or PostgreSQL.
//!
//! [`SqlStore`] implements each area trait of [`sg_store::Store`] in the module of the same
//! name (`users.rs` is `Accounts`, `cases.rs` is `Cases`, `firewall.rs` is `Firewall`, …). A
//! query's body is written once inside `read!`/`write!`/`on!` (see `db.rs`), which expand it for
//! each engine with that engine's own sqlx types, so there is no dynamic dispatch per value and
//! no query rewriting: both engines read the same text with `$1, $2, …` parameters.
//!
//! What really differs between the engines lives apart: `sqlite/` (pragmas, the single writer,
//! group commit of new cases and audit entries, `VACUUM INTO` backups) and `postgres/` (pool,
//! logical backup and restore, test databases); row locks (`FOR UPDATE`) and advisory locks are
//! the few statements guarded by [`Db::is_postgres`]. Each engine's migrations stay in its own
//! crate's `migrations/` folder, numbered in step.

mod admin;
mod approvals;
mod audit;
mod cases;
mod convert;
mod credentials;
mod db;
mod drafts;
mod emergency;
mod firewall;
mod idempotency;
mod marginals;
mod monitoring;
mod new_rows;
pub mod postgres;
mod projection;
mod protection;
mod recommendations;
mod replay;
mod sessions;
pub mod sqlite;
mod survivor_codes;
mod users;

use std::marker::PhantomData;

pub use db::{Column, Conn, Db, Row};
pub use postgres::PgStore;
pub use sqlite::SqliteStore;

/// A Safeguard database on either engine. `E` names the engine ([`sqlite::Sqlite`] or
/// [`postgres::Postgres`]) so that each has its own opening and maintenance methods; the
/// queries themselves are the same for both.
pub struct SqlStore<E> {
    db: Db,
    /// New cases and audit entries queue here to be committed together (SQLite only).
    new_writes: Option<sqlite::group_commit::Queue>,
    /// Folds the statistics' deltas into their base rows now and then.
    compactor: std::sync::Arc<marginals::Compactor>,
    /// Signs the audit chain's head in every transaction that appends to it, once set.
    signer: AuditSignerSlot,
    /// Chains the audit records left pending by each transaction (PostgreSQL only).
    chainer: Option<std::sync::Arc<postgres::chainer::Chainer>>,
    /// New cases without an Idempotency-Key queue here to be written in batches (PostgreSQL).
    intake: Option<postgres::intake::Intake>,
    engine: PhantomData<fn() -> E>,
}

/// Where a store (and its group-commit task) finds the audit signing key, set once after
/// opening: the key lives in a file the binary reads, not in the database.
pub(crate) type AuditSignerSlot = std::sync::Arc<std::sync::OnceLock<std::sync::Arc<sg_audit::AuditSigner>>>;

impl<E> Clone for SqlStore<E> {
    fn clone(&self) -> Self {
        Self {
            db: self.db.clone(),
            new_writes: self.new_writes.clone(),
            compactor: self.compactor.clone(),
            signer: self.signer.clone(),
            chainer: self.chainer.clone(),
            intake: self.intake.clone(),
            engine: PhantomData,
        }
    }
}

impl<E> SqlStore<E> {
    /// A store over `db`.
    fn new(db: Db, new_writes: Option<sqlite::group_commit::Queue>, signer: AuditSignerSlot) -> Self {
        let chainer = db.is_postgres().then(|| postgres::chainer::Chainer::new(db.clone(), signer.clone()));
        let intake = chainer.as_ref().map(|c| postgres::intake::Intake::start(db.clone(), c.clone()));
        Self { db, new_writes, compactor: Default::default(), signer, chainer, intake, engine: PhantomData }
    }

    /// From now on, every transaction that appends to the audit chain also stores a checkpoint
    /// of the new head signed with `signer` (`audit_checkpoints`). Set once; later calls are
    /// ignored.
    pub fn set_audit_signer(&self, signer: std::sync::Arc<sg_audit::AuditSigner>) {
        let _ = self.signer.set(signer);
    }

    /// The audit signing key, if set.
    pub(crate) fn signer(&self) -> Option<&sg_audit::AuditSigner> {
        self.signer.get().map(|s| s.as_ref())
    }

    /// How this store's transactions append to the audit log: pending, chained after commit,
    /// on PostgreSQL; chained and signed in the transaction on SQLite.
    pub(crate) fn auditor(&self) -> audit::Auditor<'_> {
        match &self.chainer {
            Some(chainer) => audit::Auditor::Pending(chainer),
            None => audit::Auditor::Chain(self.signer()),
        }
    }

    /// Chains any pending audit records, so that a read of the log or its checkpoints that
    /// follows sees every committed record (PostgreSQL; nothing to do on SQLite).
    pub(crate) async fn settle_audit(&self) -> Result<(), sg_store::StoreError> {
        match &self.chainer {
            Some(chainer) => chainer.settle().await,
            None => Ok(()),
        }
    }

    /// The engine's pools.
    pub fn db(&self) -> &Db {
        &self.db
    }

    /// Brings the statistics up to date after the schema: rebuilds them from the cases when
    /// they were kept under another version of their keys (the first opening after migration
    /// 0016), then folds in the deltas left by earlier processes.
    async fn open_statistics(&self) -> Result<(), sg_store::StoreError> {
        marginals::rebuild_if_stale(&self.db).await?;
        marginals::compact(&self.db).await
    }

    /// Folds the statistics' deltas into their base rows now (it also happens every few
    /// thousand changes in the background); the statistics read the same before and after.
    pub async fn compact_statistics(&self) -> Result<(), sg_store::StoreError> {
        marginals::compact(&self.db).await
    }
}
