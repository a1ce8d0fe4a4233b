//! Organisations, users, API tokens and one-time sign-in codes.

use sg_domain::{OrgId, UserId};
use sg_store::{parse_code, Coded, NewUser, OrgKind, Organisation, StoreError, StoreResult, User};
use sqlx::Row;
use time::OffsetDateTime;

use crate::convert::{error, org_id, unix, user_id};
use crate::PgStore;

pub(crate) const USER_COLUMNS: &str = "u.id, u.org_id, o.name AS org_name, o.kind AS org_kind, u.name, u.role, \
                            u.totp_secret IS NOT NULL AS has_second_factor, u.disabled_at IS NOT NULL AS disabled, \
                            o.competent_authority AS org_competent_authority";

pub(crate) fn user_from_row(row: &sqlx::postgres::PgRow) -> StoreResult<User> {
    Ok(User {
        id: user_id(row.get("id"))?,
        org: org_id(row.get("org_id"))?,
        org_name: row.get("org_name"),
        org_kind: parse_code("organisations.kind", row.get("org_kind"))?,
        name: row.get("name"),
        role: parse_code("users.role", row.get("role"))?,
        has_second_factor: row.get("has_second_factor"),
        disabled: row.get("disabled"),
        org_competent_authority: row
            .get::<Option<String>, _>("org_competent_authority")
            .map(|c| parse_code("organisations.competent_authority", &c))
            .transpose()?,
    })
}

fn org_from_row(row: &sqlx::postgres::PgRow) -> StoreResult<Organisation> {
    Ok(Organisation {
        id: org_id(row.get("id"))?,
        name: row.get("name"),
        kind: parse_code("organisations.kind", row.get("kind"))?,
    })
}

pub(crate) async fn ensure_org(s: &PgStore, name: &str, kind: OrgKind) -> StoreResult<Organisation> {
    let id = OrgId(uuid::Uuid::new_v4());
    sqlx::query(
        "INSERT INTO organisations (id, name, kind, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT (name) DO NOTHING",
    )
    .bind(id.to_string())
    .bind(name)
    .bind(kind.code())
    .bind(unix(OffsetDateTime::now_utc()))
    .execute(&s.pool)
    .await
    .map_err(error)?;
    let row = sqlx::query("SELECT id, name, kind FROM organisations WHERE name = $1")
        .bind(name)
        .fetch_one(&s.pool)
        .await
        .map_err(error)?;
    org_from_row(&row)
}

pub(crate) async fn org(s: &PgStore, id: OrgId) -> StoreResult<Option<Organisation>> {
    let row = sqlx::query("SELECT id, name, kind FROM organisations WHERE id = $1")
        .bind(id.to_string())
        .fetch_optional(&s.pool)
        .await
        .map_err(error)?;
    row.as_ref().map(org_from_row).transpose()
}

pub(crate) async fn create_user(s: &PgStore, u: &NewUser) -> StoreResult<User> {
    sqlx::query("INSERT INTO users (id, org_id, name, role, created_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(u.id.to_string())
        .bind(u.org.to_string())
        .bind(&u.name)
        .bind(u.role.code())
        .bind(unix(u.created_at))
        .execute(&s.pool)
        .await
        .map_err(|e| match error(e) {
            StoreError::Conflict(_) => StoreError::Conflict(format!("a user named {:?} already exists", u.name)),
            other => other,
        })?;
    let row = sqlx::query(&format!(
        "SELECT {USER_COLUMNS} FROM users u JOIN organisations o ON o.id = u.org_id WHERE u.id = $1"
    ))
    .bind(u.id.to_string())
    .fetch_one(&s.pool)
    .await
    .map_err(error)?;
    user_from_row(&row)
}

pub(crate) async fn user(s: &PgStore, id: UserId) -> StoreResult<Option<User>> {
    let row = sqlx::query(&format!(
        "SELECT {USER_COLUMNS} FROM users u JOIN organisations o ON o.id = u.org_id WHERE u.id = $1"
    ))
    .bind(id.to_string())
    .fetch_optional(&s.pool)
    .await
    .map_err(error)?;
    row.as_ref().map(user_from_row).transpose()
}

pub(crate) async fn user_by_name(s: &PgStore, name: &str) -> StoreResult<Option<(User, Option<String>)>> {
    let row = sqlx::query(&format!(
        "SELECT {USER_COLUMNS}, u.password_hash FROM users u JOIN organisations o ON o.id = u.org_id WHERE u.name = $1"
    ))
    .bind(name)
    .fetch_optional(&s.pool)
    .await
    .map_err(error)?;
    match row {
        Some(row) => Ok(Some((user_from_row(&row)?, row.get("password_hash")))),
        None => Ok(None),
    }
}

pub(crate) async fn count_users_with_role(s: &PgStore, role: sg_domain::Role) -> StoreResult<u64> {
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE role = $1")
        .bind(role.code())
        .fetch_one(&s.pool)
        .await
        .map_err(error)?;
    Ok(n as u64)
}

pub(crate) async fn set_password_hash(s: &PgStore, user: UserId, hash: &str) -> StoreResult<()> {
    let done = sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
        .bind(hash)
        .bind(user.to_string())
        .execute(&s.pool)
        .await
        .map_err(error)?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

pub(crate) async fn add_sign_in_code(
    s: &PgStore,
    user: UserId,
    hash: &[u8],
    expires_at: OffsetDateTime,
) -> StoreResult<()> {
    sqlx::query("INSERT INTO sign_in_codes (code_hash, user_id, expires_at) VALUES ($1, $2, $3)")
        .bind(hash)
        .bind(user.to_string())
        .bind(unix(expires_at))
        .execute(&s.pool)
        .await
        .map_err(error)?;
    Ok(())
}

pub(crate) async fn consume_sign_in_code(s: &PgStore, hash: &[u8], now: OffsetDateTime) -> StoreResult<Option<User>> {
    // One UPDATE both checks and spends the code, so two concurrent uses cannot both succeed.
    let row = sqlx::query(
        "UPDATE sign_in_codes SET used_at = $1 WHERE code_hash = $2 AND used_at IS NULL AND expires_at > $3 RETURNING user_id",
    )
    .bind(unix(now))
    .bind(hash)
    .bind(unix(now))
    .fetch_optional(&s.pool)
    .await
    .map_err(error)?;
    match row {
        Some(row) => {
            let id = user_id(row.get("user_id"))?;
            let row = sqlx::query(&format!(
                "SELECT {USER_COLUMNS} FROM users u JOIN organisations o ON o.id = u.org_id WHERE u.id = $1"
            ))
            .bind(id.to_string())
            .fetch_one(&s.pool)
            .await
            .map_err(error)?;
            Ok(Some(user_from_row(&row)?))
        }
        None => Ok(None),
    }
}

pub(crate) async fn set_totp_secret(s: &PgStore, user: UserId, sealed: &[u8]) -> StoreResult<()> {
    sqlx::query("UPDATE users SET totp_secret = $1 WHERE id = $2")
        .bind(sealed)
        .bind(user.to_string())
        .execute(&s.pool)
        .await
        .map_err(error)?;
    Ok(())
}

pub(crate) async fn totp_secret(s: &PgStore, user: UserId) -> StoreResult<Option<Vec<u8>>> {
    let v: Option<Option<Vec<u8>>> = sqlx::query_scalar("SELECT totp_secret FROM users WHERE id = $1")
        .bind(user.to_string())
        .fetch_optional(&s.pool)
        .await
        .map_err(error)?;
    Ok(v.flatten())
}

pub(crate) async fn set_user_disabled(s: &PgStore, user: UserId, at: Option<OffsetDateTime>) -> StoreResult<()> {
    let done = sqlx::query("UPDATE users SET disabled_at = $1 WHERE id = $2")
        .bind(at.map(unix))
        .bind(user.to_string())
        .execute(&s.pool)
        .await
        .map_err(error)?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

pub(crate) async fn record_sign_in_failure(s: &PgStore, name_hash: &[u8], at: OffsetDateTime) -> StoreResult<()> {
    sqlx::query("INSERT INTO sign_in_failures (name_hash, at) VALUES ($1, $2)")
        .bind(name_hash)
        .bind(unix(at))
        .execute(&s.pool)
        .await
        .map_err(error)?;
    Ok(())
}

pub(crate) async fn sign_in_failures_since(s: &PgStore, name_hash: &[u8], since: OffsetDateTime) -> StoreResult<u64> {
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sign_in_failures WHERE name_hash = $1 AND at >= $2")
        .bind(name_hash)
        .bind(unix(since))
        .fetch_one(&s.pool)
        .await
        .map_err(error)?;
    Ok(n as u64)
}

pub(crate) async fn set_org_competent_authority(
    s: &PgStore,
    org: OrgId,
    authority: sg_domain::CompetentAuthority,
) -> StoreResult<()> {
    sqlx::query("UPDATE organisations SET competent_authority = $1 WHERE id = $2")
        .bind(authority.code())
        .bind(org.to_string())
        .execute(&s.pool)
        .await
        .map_err(error)?;
    Ok(())
}
