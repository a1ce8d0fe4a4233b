//! `api_idempotency`: keys of the API's state-changing calls and their first answers. Several
//! processes may hold the same key at once: the row is reserved with `ON CONFLICT DO NOTHING`
//! and otherwise read (`FOR UPDATE` on PostgreSQL), so exactly one of them starts the request.
//! A reservation is a lease (`lease_until`, migration 0022) that its owner renews while it
//! answers: another process (or request) takes the key over only once the lease ran out.

use sg_domain::UserId;
use sg_store::{IdempotentRequest, IdempotentStart, StoreResult, IDEMPOTENCY_LEASE_SECONDS};
use time::OffsetDateTime;

use crate::convert::{error, unix};
use crate::db::{write, Row};
use crate::SqlStore;

#[async_trait::async_trait]
impl<E: 'static> sg_store::Idempotency for SqlStore<E> {
    async fn idempotency_start(&self, r: &IdempotentRequest<'_>) -> StoreResult<IdempotentStart> {
        // SQLite's single writer already serialises this transaction; PostgreSQL locks the row.
        let sql = if self.db.is_postgres() {
            "SELECT fingerprint, status, response, lease_until FROM api_idempotency \
             WHERE user_id = $1 AND key = $2 FOR UPDATE"
        } else {
            "SELECT fingerprint, status, response, lease_until FROM api_idempotency WHERE \
                user_id = $1 AND key = $2"
        };
        let lease = unix(r.now) + IDEMPOTENCY_LEASE_SECONDS;
        write!(&self.db, |pool| {
            let mut tx = pool.begin().await.map_err(error)?;
            let inserted = sqlx::query(
                "INSERT INTO api_idempotency (user_id, key, fingerprint, owner, created_at, keyed, lease_until) \
                 VALUES ($1, $2, $3, $4, $5, 1, $6) ON CONFLICT (user_id, key) DO NOTHING",
            )
            .bind(r.user.to_string())
            .bind(r.key)
            .bind(r.fingerprint)
            .bind(r.owner)
            .bind(unix(r.now))
            .bind(lease)
            .execute(&mut *tx)
            .await
            .map_err(error)?
            .rows_affected();
            if inserted == 1 {
                tx.commit().await.map_err(error)?;
                return Ok(IdempotentStart::Started);
            }
            let row = sqlx::query(sql).bind(r.user.to_string()).bind(r.key).fetch_one(&mut *tx).await.map_err(error)?;
            let outcome = if row.get::<Vec<u8>, _>("fingerprint") != r.fingerprint {
                IdempotentStart::Mismatch
            } else if let Some(status) = row.get::<Option<i64>, _>("status") {
                IdempotentStart::Replay {
                    status: u16::try_from(status).unwrap_or(200),
                    body: row.get::<Option<Vec<u8>>, _>("response").unwrap_or_default(),
                }
            } else {
                // Whoever holds it (this process or another), a lease not yet run out means the
                // request may still be running: it must not run twice.
                if row.get::<i64, _>("lease_until") >= unix(r.now) {
                    return Ok(IdempotentStart::InProgress);
                }
                sqlx::query("UPDATE api_idempotency SET owner = $1, lease_until = $2 WHERE user_id = $3 AND key = $4")
                    .bind(r.owner)
                    .bind(lease)
                    .bind(r.user.to_string())
                    .bind(r.key)
                    .execute(&mut *tx)
                    .await
                    .map_err(error)?;
                IdempotentStart::Started
            };
            tx.commit().await.map_err(error)?;
            Ok(outcome)
        })
    }

    async fn idempotency_renew(&self, user: UserId, key: &str, owner: &str, now: OffsetDateTime) -> StoreResult<bool> {
        write!(&self.db, |pool| {
            let renewed = sqlx::query(
                "UPDATE api_idempotency SET lease_until = $1 \
                 WHERE user_id = $2 AND key = $3 AND owner = $4 AND status IS NULL",
            )
            .bind(unix(now) + IDEMPOTENCY_LEASE_SECONDS)
            .bind(user.to_string())
            .bind(key)
            .bind(owner)
            .execute(pool)
            .await
            .map_err(error)?
            .rows_affected();
            Ok(renewed == 1)
        })
    }

    async fn idempotency_finish(&self, user: UserId, key: &str, status: u16, body: &[u8]) -> StoreResult<()> {
        write!(&self.db, |pool| {
            // The first answer kept wins, whichever process gave it.
            sqlx::query(
                "UPDATE api_idempotency SET status = $1, response = $2 \
                 WHERE user_id = $3 AND key = $4 AND status IS NULL",
            )
            .bind(i64::from(status))
            .bind(body)
            .bind(user.to_string())
            .bind(key)
            .execute(pool)
            .await
            .map_err(error)?;
            Ok(())
        })
    }

    async fn idempotency_abandon(&self, user: UserId, key: &str, owner: &str) -> StoreResult<()> {
        write!(&self.db, |pool| {
            sqlx::query(
                "DELETE FROM api_idempotency WHERE user_id = $1 AND key = $2 AND owner = $3 AND status IS NULL",
            )
            .bind(user.to_string())
            .bind(key)
            .bind(owner)
            .execute(pool)
            .await
            .map_err(error)?;
            Ok(())
        })
    }
}
