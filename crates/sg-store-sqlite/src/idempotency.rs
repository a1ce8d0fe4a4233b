//! `api_idempotency`: keys of the API's state-changing calls and their first answers.

use sg_domain::UserId;
use sg_store::{IdempotentRequest, IdempotentStart, StoreResult, IDEMPOTENCY_PENDING_SECONDS};
use sqlx::Row;

use crate::convert::{error, unix};
use crate::SqliteStore;

pub(crate) async fn start(s: &SqliteStore, r: &IdempotentRequest<'_>) -> StoreResult<IdempotentStart> {
    let mut tx = s.writer.begin().await.map_err(error)?;
    let row = sqlx::query(
        "SELECT fingerprint, owner, status, response, created_at FROM api_idempotency WHERE user_id = ? AND key = ?",
    )
    .bind(r.user.to_string())
    .bind(r.key)
    .fetch_optional(&mut *tx)
    .await
    .map_err(error)?;
    let outcome = match row {
        None => {
            sqlx::query(
                "INSERT INTO api_idempotency (user_id, key, fingerprint, owner, created_at) VALUES (?, ?, ?, ?, ?)",
            )
            .bind(r.user.to_string())
            .bind(r.key)
            .bind(r.fingerprint)
            .bind(r.owner)
            .bind(unix(r.now))
            .execute(&mut *tx)
            .await
            .map_err(error)?;
            IdempotentStart::Started
        }
        Some(row) if row.get::<Vec<u8>, _>("fingerprint") != r.fingerprint => IdempotentStart::Mismatch,
        Some(row) => match row.get::<Option<i64>, _>("status") {
            Some(status) => IdempotentStart::Replay {
                status: u16::try_from(status).unwrap_or(200),
                body: row.get::<Option<Vec<u8>>, _>("response").unwrap_or_default(),
            },
            None => {
                let stale = row.get::<String, _>("owner") != r.owner
                    || row.get::<i64, _>("created_at") < unix(r.now) - IDEMPOTENCY_PENDING_SECONDS;
                if !stale {
                    return Ok(IdempotentStart::InProgress);
                }
                sqlx::query("UPDATE api_idempotency SET owner = ?, created_at = ? WHERE user_id = ? AND key = ?")
                    .bind(r.owner)
                    .bind(unix(r.now))
                    .bind(r.user.to_string())
                    .bind(r.key)
                    .execute(&mut *tx)
                    .await
                    .map_err(error)?;
                IdempotentStart::Started
            }
        },
    };
    tx.commit().await.map_err(error)?;
    Ok(outcome)
}

pub(crate) async fn finish(s: &SqliteStore, user: UserId, key: &str, status: u16, body: &[u8]) -> StoreResult<()> {
    sqlx::query("UPDATE api_idempotency SET status = ?, response = ? WHERE user_id = ? AND key = ?")
        .bind(i64::from(status))
        .bind(body)
        .bind(user.to_string())
        .bind(key)
        .execute(&s.writer)
        .await
        .map_err(error)?;
    Ok(())
}

pub(crate) async fn abandon(s: &SqliteStore, user: UserId, key: &str) -> StoreResult<()> {
    sqlx::query("DELETE FROM api_idempotency WHERE user_id = ? AND key = ? AND status IS NULL")
        .bind(user.to_string())
        .bind(key)
        .execute(&s.writer)
        .await
        .map_err(error)?;
    Ok(())
}
