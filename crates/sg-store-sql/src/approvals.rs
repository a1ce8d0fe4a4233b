//! API tokens that expire and are revoked one by one, and account requests that a second
//! administrator answers.

use sg_audit::AuditRecord;
use sg_domain::{OrgId, UserId};
use sg_store::{parse_code, AccountRequest, ApiTokenInfo, Coded, RequestOutcome, StoreError, StoreResult, User};
use time::OffsetDateTime;

use crate::audit::append_audit_tx;
use crate::convert::{error, from_unix, org_id, unix, user_id};
use crate::db::{read, write, Conn, Db, Row};
use crate::users::{user_from_row, USER_COLUMNS};

pub(crate) async fn add_api_token(
    db: &Db,
    user: UserId,
    hash: &[u8],
    label: &str,
    now: OffsetDateTime,
    expires_at: OffsetDateTime,
) -> StoreResult<()> {
    write!(db, |pool| {
        sqlx::query(
            "INSERT INTO api_tokens (token_hash, user_id, created_at, expires_at, label) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(hash)
        .bind(user.to_string())
        .bind(unix(now))
        .bind(unix(expires_at))
        .bind(label)
        .execute(pool)
        .await
        .map_err(error)?;
        Ok(())
    })
}

pub(crate) async fn user_by_api_token(db: &Db, hash: &[u8], now: OffsetDateTime) -> StoreResult<Option<User>> {
    read!(db, |pool| {
        let row = sqlx::query(&format!(
            "SELECT {USER_COLUMNS} FROM api_tokens t JOIN users u ON u.id = t.user_id \
             JOIN organisations o ON o.id = u.org_id \
             WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND t.expires_at > $2"
        ))
        .bind(hash)
        .bind(unix(now))
        .fetch_optional(pool)
        .await
        .map_err(error)?;
        row.as_ref().map(user_from_row).transpose()
    })
}

pub(crate) async fn api_tokens(db: &Db, user: UserId) -> StoreResult<Vec<ApiTokenInfo>> {
    read!(db, |pool| {
        let rows = sqlx::query(
            "SELECT token_hash, label, created_at, expires_at, revoked_at FROM api_tokens \
             WHERE user_id = $1 ORDER BY created_at DESC, token_hash",
        )
        .bind(user.to_string())
        .fetch_all(pool)
        .await
        .map_err(error)?;
        Ok(rows
            .iter()
            .map(|r| ApiTokenInfo {
                id: hex::encode(r.get::<Vec<u8>, _>("token_hash")),
                label: r.get("label"),
                created_at: from_unix(r.get("created_at")),
                expires_at: from_unix(r.get::<Option<i64>, _>("expires_at").unwrap_or(0)),
                revoked_at: r.get::<Option<i64>, _>("revoked_at").map(from_unix),
            })
            .collect())
    })
}

pub(crate) async fn revoke_api_token(
    db: &Db,
    user: UserId,
    hash: &[u8],
    at: OffsetDateTime,
    audit: &AuditRecord,
    auditor: crate::audit::Auditor<'_>,
) -> StoreResult<bool> {
    write!(db, |pool| {
        let mut tx = pool.begin().await.map_err(error)?;
        let done = sqlx::query(
            "UPDATE api_tokens SET revoked_at = $1 WHERE token_hash = $2 AND user_id = $3 AND revoked_at IS NULL",
        )
        .bind(unix(at))
        .bind(hash)
        .bind(user.to_string())
        .execute(&mut *tx)
        .await
        .map_err(error)?;
        if done.rows_affected() == 0 {
            return Ok(false);
        }
        append_audit_tx(Conn::from(&mut *tx), std::slice::from_ref(audit), auditor).await.map_err(error)?;
        tx.commit().await.map_err(error)?;
        Ok(true)
    })
}

pub(crate) async fn add_account_request(
    db: &Db,
    r: &AccountRequest,
    audit: &AuditRecord,
    auditor: crate::audit::Auditor<'_>,
) -> StoreResult<()> {
    write!(db, |pool| {
        let mut tx = pool.begin().await.map_err(error)?;
        sqlx::query(
            "INSERT INTO account_requests (id, change, org_id, role, name, target_user, requested_by, requested_at, \
             expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(r.id.to_string())
        .bind(r.change.code())
        .bind(r.org.to_string())
        .bind(r.role.code())
        .bind(&r.name)
        .bind(r.target_user.map(|u| u.to_string()))
        .bind(r.requested_by.to_string())
        .bind(unix(r.requested_at))
        .bind(unix(r.expires_at))
        .execute(&mut *tx)
        .await
        .map_err(error)?;
        append_audit_tx(Conn::from(&mut *tx), std::slice::from_ref(audit), auditor).await.map_err(error)?;
        tx.commit().await.map_err(error)
    })
}

const REQUEST_COLUMNS: &str = "r.id, r.change, r.org_id, o.name AS org_name, r.role, r.name, r.target_user, \
     r.requested_by, q.name AS requested_by_name, r.requested_at, r.expires_at, r.decided_by, \
     d.name AS decided_by_name, r.decided_at, r.outcome \
     FROM account_requests r JOIN organisations o ON o.id = r.org_id JOIN users q ON q.id = r.requested_by \
     LEFT JOIN users d ON d.id = r.decided_by";

fn request_from_row(row: &impl Row) -> StoreResult<AccountRequest> {
    let id: String = row.get("id");
    Ok(AccountRequest {
        id: uuid::Uuid::parse_str(&id).map_err(|e| StoreError::Other(format!("account_requests.id: {e}")))?,
        change: parse_code("account_requests.change", &row.get::<String, _>("change"))?,
        org: org_id(&row.get::<String, _>("org_id"))?,
        org_name: row.get("org_name"),
        role: parse_code("account_requests.role", &row.get::<String, _>("role"))?,
        name: row.get("name"),
        target_user: row.get::<Option<String>, _>("target_user").as_deref().map(user_id).transpose()?,
        requested_by: user_id(&row.get::<String, _>("requested_by"))?,
        requested_by_name: row.get("requested_by_name"),
        requested_at: from_unix(row.get("requested_at")),
        expires_at: from_unix(row.get("expires_at")),
        decided_by: row.get::<Option<String>, _>("decided_by").as_deref().map(user_id).transpose()?,
        decided_by_name: row.get("decided_by_name"),
        decided_at: row.get::<Option<i64>, _>("decided_at").map(from_unix),
        outcome: row
            .get::<Option<String>, _>("outcome")
            .map(|c| parse_code::<RequestOutcome>("account_requests.outcome", &c))
            .transpose()?,
    })
}

pub(crate) async fn account_request(db: &Db, id: uuid::Uuid) -> StoreResult<Option<AccountRequest>> {
    read!(db, |pool| {
        let row = sqlx::query(&format!("SELECT {REQUEST_COLUMNS} WHERE r.id = $1"))
            .bind(id.to_string())
            .fetch_optional(pool)
            .await
            .map_err(error)?;
        row.as_ref().map(request_from_row).transpose()
    })
}

pub(crate) async fn account_requests(db: &Db, org: Option<OrgId>, limit: u32) -> StoreResult<Vec<AccountRequest>> {
    read!(db, |pool| {
        let rows = sqlx::query(&format!(
            "SELECT {REQUEST_COLUMNS} WHERE (CAST($1 AS TEXT) IS NULL OR r.org_id = $2) \
             ORDER BY r.requested_at DESC, r.id LIMIT $3"
        ))
        .bind(org.map(|o| o.to_string()))
        .bind(org.map(|o| o.to_string()))
        .bind(i64::from(limit))
        .fetch_all(pool)
        .await
        .map_err(error)?;
        rows.iter().map(request_from_row).collect()
    })
}

#[allow(clippy::too_many_arguments)]
pub(crate) async fn decide_account_request(
    db: &Db,
    id: uuid::Uuid,
    by: UserId,
    at: OffsetDateTime,
    outcome: RequestOutcome,
    target_user: Option<UserId>,
    audit: &AuditRecord,
    auditor: crate::audit::Auditor<'_>,
) -> StoreResult<bool> {
    write!(db, |pool| {
        let mut tx = pool.begin().await.map_err(error)?;
        let done = sqlx::query(
            "UPDATE account_requests SET decided_by = $1, decided_at = $2, outcome = $3, \
             target_user = COALESCE(target_user, $4) WHERE id = $5 AND decided_at IS NULL AND expires_at > $6",
        )
        .bind(by.to_string())
        .bind(unix(at))
        .bind(outcome.code())
        .bind(target_user.map(|u| u.to_string()))
        .bind(id.to_string())
        .bind(unix(at))
        .execute(&mut *tx)
        .await
        .map_err(error)?;
        if done.rows_affected() == 0 {
            return Ok(false);
        }
        append_audit_tx(Conn::from(&mut *tx), std::slice::from_ref(audit), auditor).await.map_err(error)?;
        tx.commit().await.map_err(error)?;
        Ok(true)
    })
}
