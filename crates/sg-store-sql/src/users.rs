//! Organisations, users, API tokens and one-time sign-in codes.

use sg_domain::{OrgId, UserId};
use sg_store::{parse_code, Coded, NewUser, OrgKind, Organisation, StoreError, StoreResult, User};
use time::OffsetDateTime;

use crate::convert::{error, org_id, unix, user_id};
use crate::db::{read, write, Row};
use crate::SqlStore;

pub(crate) const USER_COLUMNS: &str = "u.id, u.org_id, o.name AS org_name, o.kind AS org_kind, u.name, u.role, \
                            u.totp_secret IS NOT NULL AS has_second_factor, u.disabled_at IS NOT NULL AS disabled, \
                            o.competent_authority AS org_competent_authority";

pub(crate) fn user_from_row(row: &impl Row) -> StoreResult<User> {
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

fn org_from_row(row: &impl Row) -> StoreResult<Organisation> {
    Ok(Organisation {
        id: org_id(row.get("id"))?,
        name: row.get("name"),
        kind: parse_code("organisations.kind", row.get("kind"))?,
    })
}

#[async_trait::async_trait]
impl<E: 'static> sg_store::Accounts for SqlStore<E> {
    async fn ensure_org(&self, name: &str, kind: OrgKind, now: OffsetDateTime) -> StoreResult<Organisation> {
        write!(&self.db, |pool| {
            let id = OrgId(uuid::Uuid::new_v4());
            sqlx::query(
                "INSERT INTO organisations (id, name, kind, created_at) VALUES ($1, $2, $3, $4) ON \
                CONFLICT (name) DO NOTHING",
            )
            .bind(id.to_string())
            .bind(name)
            .bind(kind.code())
            .bind(unix(now))
            .execute(pool)
            .await
            .map_err(error)?;
            let row = sqlx::query("SELECT id, name, kind FROM organisations WHERE name = $1")
                .bind(name)
                .fetch_one(pool)
                .await
                .map_err(error)?;
            org_from_row(&row)
        })
    }

    async fn org(&self, id: OrgId) -> StoreResult<Option<Organisation>> {
        read!(&self.db, |pool| {
            let row = sqlx::query("SELECT id, name, kind FROM organisations WHERE id = $1")
                .bind(id.to_string())
                .fetch_optional(pool)
                .await
                .map_err(error)?;
            row.as_ref().map(org_from_row).transpose()
        })
    }

    async fn create_user(&self, u: &NewUser) -> StoreResult<User> {
        write!(&self.db, |pool| {
            sqlx::query("INSERT INTO users (id, org_id, name, role, created_at) VALUES ($1, $2, $3, $4, $5)")
                .bind(u.id.to_string())
                .bind(u.org.to_string())
                .bind(&u.name)
                .bind(u.role.code())
                .bind(unix(u.created_at))
                .execute(pool)
                .await
                .map_err(|e| match error(e) {
                    StoreError::Conflict(_) => {
                        StoreError::Conflict(format!("a user named {:?} already exists", u.name))
                    }
                    other => other,
                })?;
            let row = sqlx::query(&format!(
                "SELECT {USER_COLUMNS} FROM users u JOIN organisations o ON o.id = u.org_id WHERE u.id = $1"
            ))
            .bind(u.id.to_string())
            .fetch_one(pool)
            .await
            .map_err(error)?;
            user_from_row(&row)
        })
    }

    async fn user(&self, id: UserId) -> StoreResult<Option<User>> {
        read!(&self.db, |pool| {
            let row = sqlx::query(&format!(
                "SELECT {USER_COLUMNS} FROM users u JOIN organisations o ON o.id = u.org_id WHERE u.id = $1"
            ))
            .bind(id.to_string())
            .fetch_optional(pool)
            .await
            .map_err(error)?;
            row.as_ref().map(user_from_row).transpose()
        })
    }

    async fn user_by_name(&self, name: &str) -> StoreResult<Option<(User, Option<String>)>> {
        read!(&self.db, |pool| {
            let row = sqlx::query(&format!(
                "SELECT {USER_COLUMNS}, u.password_hash FROM users u JOIN organisations o ON o.id = \
                u.org_id WHERE u.name = $1"
            ))
            .bind(name)
            .fetch_optional(pool)
            .await
            .map_err(error)?;
            match row {
                Some(row) => Ok(Some((user_from_row(&row)?, row.get("password_hash")))),
                None => Ok(None),
            }
        })
    }

    async fn count_users_with_role(&self, role: sg_domain::Role) -> StoreResult<u64> {
        read!(&self.db, |pool| {
            let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE role = $1")
                .bind(role.code())
                .fetch_one(pool)
                .await
                .map_err(error)?;
            Ok(n as u64)
        })
    }

    async fn set_password_hash(&self, user: UserId, hash: &str) -> StoreResult<()> {
        write!(&self.db, |pool| {
            let done = sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
                .bind(hash)
                .bind(user.to_string())
                .execute(pool)
                .await
                .map_err(error)?;
            if done.rows_affected() == 0 {
                return Err(StoreError::NotFound);
            }
            Ok(())
        })
    }

    async fn add_api_token(
        &self,
        user: UserId,
        hash: &[u8],
        label: &str,
        now: OffsetDateTime,
        expires_at: OffsetDateTime,
    ) -> StoreResult<()> {
        crate::approvals::add_api_token(&self.db, user, hash, label, now, expires_at).await
    }

    async fn user_by_api_token(&self, hash: &[u8], now: OffsetDateTime) -> StoreResult<Option<User>> {
        crate::approvals::user_by_api_token(&self.db, hash, now).await
    }

    async fn api_tokens(&self, user: UserId) -> StoreResult<Vec<sg_store::ApiTokenInfo>> {
        crate::approvals::api_tokens(&self.db, user).await
    }

    async fn revoke_api_token(
        &self,
        user: UserId,
        hash: &[u8],
        at: OffsetDateTime,
        audit: &sg_audit::AuditRecord,
    ) -> StoreResult<bool> {
        crate::approvals::revoke_api_token(&self.db, user, hash, at, audit, self.auditor()).await
    }

    async fn add_account_request(
        &self,
        request: &sg_store::AccountRequest,
        audit: &sg_audit::AuditRecord,
    ) -> StoreResult<()> {
        crate::approvals::add_account_request(&self.db, request, audit, self.auditor()).await
    }

    async fn account_request(&self, id: uuid::Uuid) -> StoreResult<Option<sg_store::AccountRequest>> {
        crate::approvals::account_request(&self.db, id).await
    }

    async fn account_requests(
        &self,
        org: Option<sg_domain::OrgId>,
        limit: u32,
    ) -> StoreResult<Vec<sg_store::AccountRequest>> {
        crate::approvals::account_requests(&self.db, org, limit).await
    }

    async fn decide_account_request(
        &self,
        id: uuid::Uuid,
        by: UserId,
        at: OffsetDateTime,
        outcome: sg_store::RequestOutcome,
        target_user: Option<UserId>,
        audit: &sg_audit::AuditRecord,
    ) -> StoreResult<bool> {
        crate::approvals::decide_account_request(&self.db, id, by, at, outcome, target_user, audit, self.auditor())
            .await
    }

    async fn add_sign_in_code(&self, user: UserId, hash: &[u8], expires_at: OffsetDateTime) -> StoreResult<()> {
        write!(&self.db, |pool| {
            sqlx::query("INSERT INTO sign_in_codes (code_hash, user_id, expires_at) VALUES ($1, $2, $3)")
                .bind(hash)
                .bind(user.to_string())
                .bind(unix(expires_at))
                .execute(pool)
                .await
                .map_err(error)?;
            Ok(())
        })
    }

    async fn user_for_sign_in_code(&self, hash: &[u8], now: OffsetDateTime) -> StoreResult<Option<User>> {
        read!(&self.db, |pool| {
            // A code works until its user has a password: choosing one spends it
            // (`credentials::change_password`, in the same transaction).
            let row = sqlx::query(&format!(
                "SELECT {USER_COLUMNS} FROM sign_in_codes c JOIN users u ON u.id = c.user_id \
                 JOIN organisations o ON o.id = u.org_id \
                 WHERE c.code_hash = $1 AND c.used_at IS NULL AND c.expires_at > $2 AND u.password_hash IS NULL"
            ))
            .bind(hash)
            .bind(unix(now))
            .fetch_optional(pool)
            .await
            .map_err(error)?;
            row.map(|row| user_from_row(&row)).transpose()
        })
    }

    async fn set_totp_secret(&self, user: UserId, sealed: &[u8]) -> StoreResult<()> {
        write!(&self.db, |pool| {
            sqlx::query("UPDATE users SET totp_secret = $1 WHERE id = $2")
                .bind(sealed)
                .bind(user.to_string())
                .execute(pool)
                .await
                .map_err(error)?;
            Ok(())
        })
    }

    async fn totp_secret(&self, user: UserId) -> StoreResult<Option<Vec<u8>>> {
        read!(&self.db, |pool| {
            let v: Option<Option<Vec<u8>>> = sqlx::query_scalar("SELECT totp_secret FROM users WHERE id = $1")
                .bind(user.to_string())
                .fetch_optional(pool)
                .await
                .map_err(error)?;
            Ok(v.flatten())
        })
    }

    async fn set_user_disabled(&self, user: UserId, at: Option<OffsetDateTime>) -> StoreResult<()> {
        write!(&self.db, |pool| {
            let done = sqlx::query("UPDATE users SET disabled_at = $1 WHERE id = $2")
                .bind(at.map(unix))
                .bind(user.to_string())
                .execute(pool)
                .await
                .map_err(error)?;
            if done.rows_affected() == 0 {
                return Err(StoreError::NotFound);
            }
            Ok(())
        })
    }

    async fn take_sign_in_attempt(
        &self,
        rules: &[sg_store::ThrottleRule],
        now: OffsetDateTime,
    ) -> StoreResult<Option<time::Duration>> {
        crate::cases::retry_contention(|| crate::credentials::take_sign_in_attempt(&self.db, rules, now)).await
    }

    async fn sign_in_succeeded(&self, forget: &[Vec<u8>], undo: &[Vec<u8>]) -> StoreResult<()> {
        crate::credentials::sign_in_succeeded(&self.db, forget, undo).await
    }

    async fn password_hash(&self, user: UserId) -> StoreResult<Option<String>> {
        crate::credentials::password_hash(&self.db, user).await
    }

    async fn change_password(
        &self,
        user: UserId,
        hash: &str,
        keep: Option<&[u8]>,
        audit: &sg_audit::AuditRecord,
    ) -> StoreResult<()> {
        crate::credentials::change_password(&self.db, user, hash, keep, audit, self.auditor()).await
    }

    async fn change_second_factor(
        &self,
        user: UserId,
        sealed: &[u8],
        step: i64,
        keep: Option<&[u8]>,
        audit: &sg_audit::AuditRecord,
    ) -> StoreResult<()> {
        crate::credentials::change_second_factor(&self.db, user, sealed, step, keep, audit, self.auditor()).await
    }

    async fn accept_totp_step(&self, user: UserId, step: i64) -> StoreResult<bool> {
        crate::credentials::accept_totp_step(&self.db, user, step).await
    }

    async fn set_org_competent_authority(
        &self,
        org: OrgId,
        authority: sg_domain::CompetentAuthority,
    ) -> StoreResult<()> {
        write!(&self.db, |pool| {
            sqlx::query("UPDATE organisations SET competent_authority = $1 WHERE id = $2")
                .bind(authority.code())
                .bind(org.to_string())
                .execute(pool)
                .await
                .map_err(error)?;
            Ok(())
        })
    }
}
