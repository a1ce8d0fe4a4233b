//! The administration pages' reads and writes: organisations, users, data-key counts.

use sg_audit::AuditRecord;
use sg_domain::UserId;
use sg_store::{parse_code, Coded, NewOrg, OrgSummary, Organisation, StoreError, StoreResult, UserSummary};
use time::OffsetDateTime;

use crate::audit::append_audit_tx;
use crate::convert::{error, from_unix, org_id, unix};
use crate::db::{read, write, Conn, Row};
use crate::users::{user_from_row, USER_COLUMNS};
use crate::SqlStore;

#[async_trait::async_trait]
impl<E: 'static> sg_store::Admin for SqlStore<E> {
    async fn create_org(&self, org: &NewOrg, audit: &AuditRecord) -> StoreResult<Organisation> {
        write!(&self.db, |pool| {
            let mut tx = pool.begin().await.map_err(error)?;
            sqlx::query(
            "INSERT INTO organisations (id, name, kind, created_at, competent_authority) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(org.id.to_string())
        .bind(&org.name)
        .bind(org.kind.code())
        .bind(unix(org.created_at))
        .bind(org.competent_authority.map(|a| a.code()))
        .execute(&mut *tx)
        .await
        .map_err(|e| match error(e) {
            StoreError::Conflict(_) => StoreError::Conflict(format!("an organisation named {:?} \
                already exists", org.name)),
            other => other,
        })?;
            append_audit_tx(Conn::from(&mut *tx), std::slice::from_ref(audit), self.auditor()).await.map_err(error)?;
            tx.commit().await.map_err(error)?;
            Ok(Organisation { id: org.id, name: org.name.clone(), kind: org.kind })
        })
    }

    // Ordered by bytes ("C"), as SQLite's default collation does, whatever the database's locale.
    async fn list_organisations(&self) -> StoreResult<Vec<OrgSummary>> {
        read!(&self.db, |pool| {
            let rows = sqlx::query(
                "SELECT id, name, kind, competent_authority FROM organisations ORDER BY name COLLATE \"C\"",
            )
            .fetch_all(pool)
            .await
            .map_err(error)?;
            rows.iter()
                .map(|row| {
                    Ok(OrgSummary {
                        org: Organisation {
                            id: org_id(row.get("id"))?,
                            name: row.get("name"),
                            kind: parse_code("organisations.kind", row.get("kind"))?,
                        },
                        competent_authority: row
                            .get::<Option<String>, _>("competent_authority")
                            .map(|c| parse_code("organisations.competent_authority", &c))
                            .transpose()?,
                    })
                })
                .collect()
        })
    }

    async fn list_users(&self) -> StoreResult<Vec<UserSummary>> {
        read!(&self.db, |pool| {
            let rows = sqlx::query(&format!(
                "SELECT {USER_COLUMNS}, u.password_hash IS NOT NULL AS has_password, u.created_at \
             FROM users u JOIN organisations o ON o.id = u.org_id ORDER BY o.name COLLATE \"C\", u.name COLLATE \"C\""
            ))
            .fetch_all(pool)
            .await
            .map_err(error)?;
            rows.iter()
                .map(|row| {
                    Ok(UserSummary {
                        user: user_from_row(row)?,
                        has_password: row.get("has_password"),
                        created_at: from_unix(row.get("created_at")),
                    })
                })
                .collect()
        })
    }

    async fn count_person_keys_with_prefix(&self, prefix: &[u8]) -> StoreResult<u64> {
        read!(&self.db, |pool| {
            // substr counts bytes on a BLOB and on a bytea (an int4 length, as PostgreSQL's substr wants).
            let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM person_keys WHERE substr(wrapped_key, 1, $1) = $2")
                .bind(i32::try_from(prefix.len()).unwrap_or(i32::MAX))
                .bind(prefix)
                .fetch_one(pool)
                .await
                .map_err(error)?;
            Ok(n as u64)
        })
    }

    async fn reset_credentials(
        &self,
        user: UserId,
        code_hash: &[u8],
        now: OffsetDateTime,
        expires_at: OffsetDateTime,
        audit: &AuditRecord,
    ) -> StoreResult<()> {
        write!(&self.db, |pool| {
            let id = user.to_string();
            let mut tx = pool.begin().await.map_err(error)?;
            let done = sqlx::query(
                "UPDATE users SET password_hash = NULL, totp_secret = NULL WHERE id = $1 AND disabled_at IS NULL",
            )
            .bind(&id)
            .execute(&mut *tx)
            .await
            .map_err(error)?;
            if done.rows_affected() == 0 {
                return Err(StoreError::NotFound);
            }
            sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(&id).execute(&mut *tx).await.map_err(error)?;
            // A reset is for a lost or stolen account: its API tokens stop too.
            sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL")
                .bind(unix(now))
                .bind(&id)
                .execute(&mut *tx)
                .await
                .map_err(error)?;
            sqlx::query("UPDATE sign_in_codes SET used_at = $1 WHERE user_id = $2 AND used_at IS NULL")
                .bind(unix(now))
                .bind(&id)
                .execute(&mut *tx)
                .await
                .map_err(error)?;
            sqlx::query("INSERT INTO sign_in_codes (code_hash, user_id, expires_at) VALUES ($1, $2, $3)")
                .bind(code_hash)
                .bind(&id)
                .bind(unix(expires_at))
                .execute(&mut *tx)
                .await
                .map_err(error)?;
            append_audit_tx(Conn::from(&mut *tx), std::slice::from_ref(audit), self.auditor()).await.map_err(error)?;
            tx.commit().await.map_err(error)
        })
    }
}
