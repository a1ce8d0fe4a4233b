//! Survivors' own access: the codes caseworkers give (stored only as keyed hashes, live until
//! ended, replaced or expired) and the sessions they open. Reached from `Firewall`'s methods.

use sg_domain::CaseId;
use sg_store::StoreResult;
use time::OffsetDateTime;

use crate::convert::{case_id, error, unix};
use crate::db::{on, read, write, Conn, Db, Row};

pub(crate) async fn add_survivor_code(
    db: &Db,
    case: CaseId,
    hash: &[u8],
    now: OffsetDateTime,
    expires: OffsetDateTime,
) -> StoreResult<()> {
    write!(db, |pool| {
        let mut tx = pool.begin().await.map_err(error)?;
        sqlx::query("UPDATE survivor_codes SET ended_at = $1 WHERE case_id = $2 AND ended_at IS NULL")
            .bind(unix(now))
            .bind(case.to_string())
            .execute(&mut *tx)
            .await
            .map_err(error)?;
        sqlx::query("INSERT INTO survivor_codes (code_hash, case_id, expires_at) VALUES ($1, $2, $3)")
            .bind(hash)
            .bind(case.to_string())
            .bind(unix(expires))
            .execute(&mut *tx)
            .await
            .map_err(error)?;
        tx.commit().await.map_err(error)
    })
}

pub(crate) async fn survivor_code_case(db: &Db, hash: &[u8], now: OffsetDateTime) -> StoreResult<Option<CaseId>> {
    read!(db, |pool| {
        let id: Option<String> = sqlx::query_scalar(
            "SELECT case_id FROM survivor_codes WHERE code_hash = $1 AND ended_at IS NULL AND expires_at > $2",
        )
        .bind(hash)
        .bind(unix(now))
        .fetch_optional(pool)
        .await
        .map_err(error)?;
        id.as_deref().map(case_id).transpose()
    })
}

pub(crate) async fn live_survivor_code(
    db: &Db,
    case: CaseId,
    now: OffsetDateTime,
) -> StoreResult<Option<OffsetDateTime>> {
    read!(db, |pool| {
        let at: Option<i64> = sqlx::query_scalar(
            "SELECT MAX(expires_at) FROM survivor_codes WHERE case_id = $1 AND ended_at IS NULL AND expires_at > $2",
        )
        .bind(case.to_string())
        .bind(unix(now))
        .fetch_one(pool)
        .await
        .map_err(error)?;
        Ok(at.and_then(|s| OffsetDateTime::from_unix_timestamp(s).ok()))
    })
}

pub(crate) async fn end_survivor_codes(db: &Db, case: CaseId, now: OffsetDateTime) -> StoreResult<bool> {
    write!(db, |pool| {
        let mut tx = pool.begin().await.map_err(error)?;
        let ended = end_survivor_codes_tx(Conn::from(&mut *tx), case, unix(now)).await?;
        tx.commit().await.map_err(error)?;
        Ok(ended)
    })
}

pub(crate) async fn open_survivor_session(
    db: &Db,
    code_hash: &[u8],
    token_hash: &[u8],
    csrf: &str,
    now: OffsetDateTime,
) -> StoreResult<Option<CaseId>> {
    write!(db, |pool| {
        let mut tx = pool.begin().await.map_err(error)?;
        let row = sqlx::query(
            "UPDATE survivor_codes SET used_at = $1 WHERE code_hash = $2 AND ended_at IS NULL AND \
            expires_at > $3 RETURNING case_id",
        )
        .bind(unix(now))
        .bind(code_hash)
        .bind(unix(now))
        .fetch_optional(&mut *tx)
        .await
        .map_err(error)?;
        let Some(row) = row else { return Ok(None) };
        let case: String = row.get("case_id");
        sqlx::query(
            "INSERT INTO survivor_sessions (token_hash, case_id, csrf_token, created_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(token_hash)
        .bind(&case)
        .bind(csrf)
        .bind(unix(now))
        .execute(&mut *tx)
        .await
        .map_err(error)?;
        tx.commit().await.map_err(error)?;
        Ok(Some(case_id(&case)?))
    })
}

pub(crate) async fn survivor_session(
    db: &Db,
    token_hash: &[u8],
    not_before: OffsetDateTime,
) -> StoreResult<Option<(CaseId, String)>> {
    read!(db, |pool| {
        let row =
            sqlx::query("SELECT case_id, csrf_token FROM survivor_sessions WHERE token_hash = $1 AND created_at >= $2")
                .bind(token_hash)
                .bind(unix(not_before))
                .fetch_optional(pool)
                .await
                .map_err(error)?;
        match row {
            Some(r) => Ok(Some((case_id(r.get("case_id"))?, r.get("csrf_token")))),
            None => Ok(None),
        }
    })
}

pub(crate) async fn end_survivor_session(db: &Db, token_hash: &[u8]) -> StoreResult<()> {
    write!(db, |pool| {
        sqlx::query("DELETE FROM survivor_sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(pool)
            .await
            .map_err(error)?;
        Ok(())
    })
}

/// Ends a case's live survivor codes and deletes its survivor sessions inside a caller's
/// transaction; whether a code was live.
pub(crate) async fn end_survivor_codes_tx(conn: Conn<'_>, case: CaseId, now: i64) -> StoreResult<bool> {
    on!(conn, |c| {
        let ended = sqlx::query(
            "UPDATE survivor_codes SET ended_at = $1 WHERE case_id = $2 AND ended_at IS NULL AND expires_at > $1",
        )
        .bind(now)
        .bind(case.to_string())
        .execute(&mut *c)
        .await
        .map_err(error)?
        .rows_affected();
        sqlx::query("DELETE FROM survivor_sessions WHERE case_id = $1")
            .bind(case.to_string())
            .execute(&mut *c)
            .await
            .map_err(error)?;
        Ok(ended > 0)
    })
}
