//! The hash-chained audit log: appending (chained now, or pending and chained after commit on
//! PostgreSQL), signing the head, and decoding entries.

use std::sync::Arc;

use sg_audit::{AuditEntry, AuditRecord, AuditSigner};
use sg_domain::Coded;
use sg_store::{parse_code, StoreError, StoreResult};
use sqlx::QueryBuilder;

use crate::convert::error;
use crate::db::{on, write, Conn, Db, Row};
use crate::postgres::chainer::Chainer;

/// The advisory lock that serialises chaining across every process on a PostgreSQL database.
pub(crate) const AUDIT_CHAIN_LOCK: i64 = 0x5afe_6a4d;

/// How a transaction's audit records reach the chain.
#[derive(Clone, Copy)]
pub(crate) enum Auditor<'a> {
    /// Chained in the caller's transaction, and the new head signed there when a signer is
    /// set (SQLite's single writer, and PostgreSQL's chainer).
    Chain(Option<&'a AuditSigner>),
    /// Chained in the caller's transaction, unsigned: SQLite's group commit signs the head
    /// once per batch, in the batch's own transaction ([`sign_head_tx`]).
    ChainUnsigned,
    /// Written to `audit_pending` in the caller's transaction and chained just after commit
    /// by the [`Chainer`] (PostgreSQL). No global lock is held until commit, so writers in
    /// several connections and processes commit side by side; the chain order is the order
    /// of chaining, and the record keeps the time it was written.
    Pending(&'a Arc<Chainer>),
}

/// Appends audit records inside the caller's transaction, as `auditor` says.
///
/// Chaining reads the head and appends after it. On SQLite the single writer connection
/// serialises transactions, so two appends cannot interleave; on PostgreSQL only the chainer
/// chains, under a transaction-scoped advisory lock, so two processes never read the same head
/// and fork the chain (the primary key on `seq` would refuse a fork anyway).
pub(crate) async fn append_audit_tx(
    conn: Conn<'_>,
    records: &[AuditRecord],
    auditor: Auditor<'_>,
) -> Result<(), sqlx::Error> {
    if records.is_empty() {
        return Ok(());
    }
    match auditor {
        Auditor::Pending(chainer) => {
            insert_pending(conn, records).await?;
            chainer.note();
            Ok(())
        }
        Auditor::Chain(signer) => chain_tx(conn, records, signer).await,
        Auditor::ChainUnsigned => chain_tx(conn, records, None).await,
    }
}

/// Chains `records` after the head and, with a `signer`, signs the new head in the same
/// transaction (`audit_checkpoints`), so every entry is covered by a signature from the moment
/// it is committed (only while the old head is signed: see [`head_is_signed`]).
pub(crate) async fn chain_tx(
    mut conn: Conn<'_>,
    records: &[AuditRecord],
    signer: Option<&AuditSigner>,
) -> Result<(), sqlx::Error> {
    let old = head(conn.reborrow()).await?;
    let signed = match signer {
        Some(s) => head_is_signed(conn.reborrow(), s, old).await?,
        None => false,
    };
    let mut previous = old;
    let entries: Vec<AuditEntry> = records
        .iter()
        .map(|r| {
            let e = sg_audit::chain(previous, r.clone());
            previous = Some((e.seq, e.hash));
            e
        })
        .collect();
    insert_entries(conn.reborrow(), &entries).await?;
    if let (Some(signer), Some(last), true) = (signer, entries.last(), signed) {
        insert_checkpoint(conn, &signer.sign(last.seq, last.hash, last.record.at)).await?;
    }
    Ok(())
}

/// Signs the current head inside the caller's transaction if `was_signed` (the head before the
/// caller appended was signed) and the head moved since `old`; gives the head it signed.
pub(crate) async fn sign_head_tx(
    conn: Conn<'_>,
    signer: &AuditSigner,
    old: Option<(u64, [u8; 32])>,
    was_signed: bool,
) -> Result<Option<(u64, [u8; 32])>, sqlx::Error> {
    if !was_signed {
        return Ok(None);
    }
    // The head and its time in one statement: this runs once per group-commit batch.
    let mut conn = conn;
    let row: Option<(i64, Vec<u8>, i64)> = on!(conn.reborrow(), |c| {
        sqlx::query_as("SELECT seq, hash, at FROM audit_log ORDER BY seq DESC LIMIT 1").fetch_optional(&mut *c).await?
    });
    let Some((seq, hash, at)) = row else { return Ok(None) };
    let (seq, hash): (u64, [u8; 32]) = (seq as u64, hash.try_into().unwrap_or([0u8; 32]));
    if old.is_some_and(|(s, _)| s == seq) {
        return Ok(None);
    }
    insert_checkpoint(conn, &signer.sign(seq, hash, at)).await?;
    Ok(Some((seq, hash)))
}

/// The chain's head (sequence number and hash), if any entry exists.
pub(crate) async fn head(conn: Conn<'_>) -> Result<Option<(u64, [u8; 32])>, sqlx::Error> {
    on!(conn, |c| {
        let row =
            sqlx::query("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1").fetch_optional(&mut *c).await?;
        Ok(row.map(|row| {
            let hash: Vec<u8> = Row::get(&row, "hash");
            (Row::get::<i64, _>(&row, "seq") as u64, hash.try_into().unwrap_or([0u8; 32]))
        }))
    })
}

/// Whether `head` is covered by a valid checkpoint of `signer`. Signing a new head vouches for
/// every entry before it, so it is done only when the old head is signed already: after entries
/// were appended without the key (or deleted, or rewritten), nothing is signed again and
/// verification keeps failing until someone looks. An empty log counts as signed.
pub(crate) async fn head_is_signed(
    conn: Conn<'_>,
    signer: &AuditSigner,
    head: Option<(u64, [u8; 32])>,
) -> Result<bool, sqlx::Error> {
    let Some((seq, hash)) = head else { return Ok(true) };
    on!(conn, |c| {
        // Its signature too: a row an attacker wrote for a rewritten head vouches for nothing.
        let row = sqlx::query("SELECT signed_at, signature FROM audit_checkpoints WHERE seq = $1 AND hash = $2")
            .bind(seq as i64)
            .bind(hash.to_vec())
            .fetch_optional(&mut *c)
            .await?;
        Ok(row.is_some_and(|r| {
            let c = sg_audit::Checkpoint {
                seq,
                hash,
                signed_at: Row::get(&r, "signed_at"),
                signature: Row::get(&r, "signature"),
            };
            c.verifies(&signer.public_key())
        }))
    })
}

async fn insert_entries(conn: Conn<'_>, entries: &[AuditEntry]) -> Result<(), sqlx::Error> {
    on!(conn, |c| {
        for chunk in entries.chunks(500) {
            let mut q = QueryBuilder::new(
                "INSERT INTO audit_log (seq, at, actor, role, action, case_id, outcome, detail, prev_hash, hash) ",
            );
            q.push_values(chunk, |mut b, e| {
                b.push_bind(e.seq as i64)
                    .push_bind(e.record.at)
                    .push_bind(e.record.actor.clone())
                    .push_bind(e.record.role.clone())
                    .push_bind(e.record.action.code())
                    .push_bind(e.record.case_id.clone())
                    .push_bind(e.record.outcome.code())
                    .push_bind(e.record.detail.clone())
                    .push_bind(e.prev_hash.to_vec())
                    .push_bind(e.hash.to_vec());
            });
            q.build().execute(&mut *c).await?;
        }
        Ok(())
    })
}

async fn insert_checkpoint(conn: Conn<'_>, c: &sg_audit::Checkpoint) -> Result<(), sqlx::Error> {
    on!(conn, |conn| {
        sqlx::query("INSERT INTO audit_checkpoints (seq, hash, signed_at, signature) VALUES ($1, $2, $3, $4)")
            .bind(c.seq as i64)
            .bind(c.hash.to_vec())
            .bind(c.signed_at)
            .bind(c.signature.clone())
            .execute(&mut *conn)
            .await?;
        Ok(())
    })
}

/// Columns of `audit_pending` besides its `id`, in the order [`record_from_row`] reads them.
pub(crate) const PENDING_COLUMNS: &str = "at, actor, role, action, case_id, outcome, detail";

async fn insert_pending(conn: Conn<'_>, records: &[AuditRecord]) -> Result<(), sqlx::Error> {
    on!(conn, |c| {
        for chunk in records.chunks(500) {
            let mut q = QueryBuilder::new(format!("INSERT INTO audit_pending ({PENDING_COLUMNS}) "));
            q.push_values(chunk, |mut b, r| {
                b.push_bind(r.at)
                    .push_bind(r.actor.clone())
                    .push_bind(r.role.clone())
                    .push_bind(r.action.code())
                    .push_bind(r.case_id.clone())
                    .push_bind(r.outcome.code())
                    .push_bind(r.detail.clone());
            });
            q.build().execute(&mut *c).await?;
        }
        Ok(())
    })
}

/// Appends audit records in a transaction of their own (SQLite's go through group commit).
pub(crate) async fn append_audit(db: &Db, records: &[AuditRecord], auditor: Auditor<'_>) -> StoreResult<()> {
    write!(db, |pool| {
        let mut tx = pool.begin().await.map_err(error)?;
        append_audit_tx(Conn::from(&mut *tx), records, auditor).await.map_err(error)?;
        tx.commit().await.map_err(error)
    })
}

/// Decodes an audit record from a row of `audit_log` or `audit_pending`.
pub(crate) fn record_from_row(r: &impl Row) -> StoreResult<AuditRecord> {
    Ok(AuditRecord {
        at: r.get("at"),
        actor: r.get("actor"),
        role: r.get("role"),
        action: parse_code("audit_log.action", r.get("action"))?,
        case_id: r.get("case_id"),
        outcome: parse_code("audit_log.outcome", r.get("outcome"))?,
        detail: r.get("detail"),
    })
}

/// Decodes an entry from a row of `audit_log` ([`AUDIT_COLUMNS`]).
pub(crate) fn entry_from_row(r: &impl Row) -> StoreResult<AuditEntry> {
    let bytes = |col: &str| -> StoreResult<[u8; 32]> {
        let v: Vec<u8> = r.get(col);
        v.try_into().map_err(|_| StoreError::Other(format!("audit_log.{col} is not 32 bytes")))
    };
    Ok(AuditEntry {
        seq: r.get::<i64, _>("seq") as u64,
        record: record_from_row(r)?,
        prev_hash: bytes("prev_hash")?,
        hash: bytes("hash")?,
    })
}

/// The columns [`entry_from_row`] reads.
pub(crate) const AUDIT_COLUMNS: &str = "seq, at, actor, role, action, case_id, outcome, detail, prev_hash, hash";
