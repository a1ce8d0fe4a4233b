//! `Protection`: idempotency records re-keyed in place, and the audit chain's signed
//! checkpoints (`audit_checkpoints`, migration 0020), and case reasons written before 0020
//! sealed in place (migration 0023).

use sg_audit::Checkpoint;
use sg_domain::{CaseEvent, CaseId};
use sg_store::{PlainCaseText, Rekey, SealAnswer, StoreError, StoreResult};

use crate::convert::{case_id, error};
use crate::db::{read, write, Conn, Db, Row};
use crate::firewall::insert_person_keys;
use crate::SqlStore;

fn checkpoint(row: &impl Row) -> Checkpoint {
    let hash: Vec<u8> = row.get("hash");
    Checkpoint {
        seq: row.get::<i64, _>("seq") as u64,
        hash: hash.try_into().unwrap_or([0u8; 32]),
        signed_at: row.get("signed_at"),
        signature: row.get("signature"),
    }
}

#[async_trait::async_trait]
impl<E: 'static> sg_store::Protection for SqlStore<E> {
    async fn rekey_idempotency(&self, rekey: Rekey<'_>, seal: SealAnswer<'_>) -> StoreResult<u64> {
        write!(&self.db, |pool| {
            let mut tx = pool.begin().await.map_err(error)?;
            let mut changed = 0;
            let rows = sqlx::query("SELECT user_id, key, fingerprint FROM idempotency_keys WHERE keyed = 0")
                .fetch_all(&mut *tx)
                .await
                .map_err(error)?;
            for row in &rows {
                let (user, key): (String, String) = (row.get("user_id"), row.get("key"));
                sqlx::query("UPDATE idempotency_keys SET fingerprint = $1, keyed = 1 WHERE user_id = $2 AND key = $3")
                    .bind(rekey(&row.get::<Vec<u8>, _>("fingerprint")))
                    .bind(&user)
                    .bind(&key)
                    .execute(&mut *tx)
                    .await
                    .map_err(error)?;
                changed += 1;
            }
            let rows = sqlx::query("SELECT user_id, key, fingerprint, response FROM api_idempotency WHERE keyed = 0")
                .fetch_all(&mut *tx)
                .await
                .map_err(error)?;
            for row in &rows {
                let (user, key): (String, String) = (row.get("user_id"), row.get("key"));
                let response = row.get::<Option<Vec<u8>>, _>("response").map(|r| seal(&user, &key, &r));
                sqlx::query(
                    "UPDATE api_idempotency SET fingerprint = $1, response = $2, keyed = 1 WHERE user_id = $3 AND key = $4",
                )
                .bind(rekey(&row.get::<Vec<u8>, _>("fingerprint")))
                .bind(response)
                .bind(&user)
                .bind(&key)
                .execute(&mut *tx)
                .await
                .map_err(error)?;
                changed += 1;
            }
            tx.commit().await.map_err(error)?;
            Ok(changed)
        })
    }

    async fn add_audit_checkpoint(&self, c: &Checkpoint) -> StoreResult<()> {
        write!(&self.db, |pool| {
            sqlx::query(
                "INSERT INTO audit_checkpoints (seq, hash, signed_at, signature) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (seq) DO NOTHING",
            )
            .bind(c.seq as i64)
            .bind(c.hash.to_vec())
            .bind(c.signed_at)
            .bind(c.signature.clone())
            .execute(pool)
            .await
            .map_err(error)?;
            Ok(())
        })
    }

    async fn last_audit_checkpoint(&self) -> StoreResult<Option<Checkpoint>> {
        read!(&self.db, |pool| {
            let row =
                sqlx::query("SELECT seq, hash, signed_at, signature FROM audit_checkpoints ORDER BY seq DESC LIMIT 1")
                    .fetch_optional(pool)
                    .await
                    .map_err(error)?;
            Ok(row.as_ref().map(checkpoint))
        })
    }

    async fn audit_checkpoints(&self, after: u64, limit: u32) -> StoreResult<Vec<Checkpoint>> {
        self.settle_audit().await?;
        read!(&self.db, |pool| {
            let rows = sqlx::query(
                "SELECT seq, hash, signed_at, signature FROM audit_checkpoints WHERE seq > $1 ORDER BY seq LIMIT $2",
            )
            .bind(after as i64)
            .bind(i64::from(limit))
            .fetch_all(pool)
            .await
            .map_err(error)?;
            Ok(rows.iter().map(checkpoint).collect())
        })
    }

    async fn plain_case_texts(&self, limit: u32) -> StoreResult<Vec<PlainCaseText>> {
        read!(&self.db, |pool| {
            let rows = sqlx::query(
                "SELECT case_id, seq, payload FROM case_events WHERE plain_text = 1 ORDER BY case_id, seq LIMIT $1",
            )
            .bind(i64::from(limit))
            .fetch_all(pool)
            .await
            .map_err(error)?;
            rows.iter()
                .map(|row| {
                    let case = case_id(row.get("case_id"))?;
                    let event: CaseEvent = serde_json::from_str(row.get("payload"))
                        .map_err(|e| StoreError::Other(format!("unreadable event in case {case}: {e}")))?;
                    Ok(PlainCaseText { case, seq: row.get::<i64, _>("seq") as u32, event })
                })
                .collect()
        })
    }

    async fn seal_case_texts(&self, sealed: &[PlainCaseText], new_keys: &[(CaseId, Vec<u8>)]) -> StoreResult<()> {
        write!(&self.db, |pool| {
            let mut tx = pool.begin().await.map_err(error)?;
            let keys: Vec<(CaseId, &[u8])> = new_keys.iter().map(|(c, k)| (*c, k.as_slice())).collect();
            insert_person_keys(Conn::from(&mut *tx), &keys).await.map_err(error)?;
            for e in sealed {
                // The one update the append-only trigger lets through (migration 0023).
                sqlx::query(
                    "UPDATE case_events SET payload = $1, plain_text = NULL \
                     WHERE case_id = $2 AND seq = $3 AND plain_text = 1",
                )
                .bind(serde_json::to_string(&e.event).expect("events serialise"))
                .bind(e.case.to_string())
                .bind(i64::from(e.seq))
                .execute(&mut *tx)
                .await
                .map_err(error)?;
            }
            tx.commit().await.map_err(error)
        })?;
        if let Db::Sqlite { writer, .. } = &self.db {
            sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)").execute(writer).await.map_err(error)?;
        }
        Ok(())
    }
}
