//! Referral drafts saved to finish later: sealed answers, one row per draft.

use sg_audit::AuditRecord;
use sg_domain::UserId;
use sg_store::{ReferralDraft, StoreError, StoreResult};
use time::OffsetDateTime;

use crate::audit::append_audit_tx;
use crate::convert::{error, from_unix, unix, user_id};
use crate::db::{read, write, Conn, Row};
use crate::SqlStore;

const COLUMNS: &str = "id, user_id, created_at, updated_at, step, sealed";

fn draft_of(row: &impl Row) -> StoreResult<ReferralDraft> {
    let id: String = row.get("id");
    Ok(ReferralDraft {
        id: uuid::Uuid::try_parse(&id).map_err(|_| StoreError::Other(format!("bad draft id {id:?}")))?,
        user: user_id(row.get("user_id"))?,
        created_at: from_unix(row.get("created_at")),
        updated_at: from_unix(row.get("updated_at")),
        step: row.get("step"),
        sealed: row.get("sealed"),
    })
}

#[async_trait::async_trait]
impl<E: 'static> sg_store::Drafts for SqlStore<E> {
    async fn save_referral_draft(&self, d: &ReferralDraft, audit: &AuditRecord) -> StoreResult<()> {
        write!(&self.db, |pool| {
            let mut tx = pool.begin().await.map_err(error)?;
            let done = sqlx::query(
                "INSERT INTO referral_drafts (id, user_id, created_at, updated_at, step, sealed) VALUES \
                ($1, $2, $3, $4, $5, $6) \
             ON CONFLICT (id) DO UPDATE SET updated_at = excluded.updated_at, step = excluded.step, \
             sealed = excluded.sealed WHERE referral_drafts.user_id = excluded.user_id",
            )
            .bind(d.id.to_string())
            .bind(d.user.to_string())
            .bind(unix(d.created_at))
            .bind(unix(d.updated_at))
            .bind(&d.step)
            .bind(&d.sealed)
            .execute(&mut *tx)
            .await
            .map_err(error)?;
            if done.rows_affected() == 0 {
                return Err(StoreError::NotFound);
            }
            append_audit_tx(Conn::from(&mut *tx), std::slice::from_ref(audit), self.auditor()).await.map_err(error)?;
            tx.commit().await.map_err(error)
        })
    }

    async fn referral_draft(&self, id: uuid::Uuid) -> StoreResult<Option<ReferralDraft>> {
        read!(&self.db, |pool| {
            let row = sqlx::query(&format!("SELECT {COLUMNS} FROM referral_drafts WHERE id = $1"))
                .bind(id.to_string())
                .fetch_optional(pool)
                .await
                .map_err(error)?;
            row.as_ref().map(draft_of).transpose()
        })
    }

    async fn referral_drafts(&self, user: UserId, since: OffsetDateTime) -> StoreResult<Vec<ReferralDraft>> {
        read!(&self.db, |pool| {
            let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM referral_drafts WHERE user_id = $1 AND updated_at >= $2 ORDER BY updated_at DESC, id"
        ))
            .bind(user.to_string())
            .bind(unix(since))
            .fetch_all(pool)
            .await
            .map_err(error)?;
            rows.iter().map(draft_of).collect()
        })
    }

    async fn delete_referral_draft(&self, id: uuid::Uuid, user: UserId, audit: &AuditRecord) -> StoreResult<bool> {
        write!(&self.db, |pool| {
            let mut tx = pool.begin().await.map_err(error)?;
            let done = sqlx::query("DELETE FROM referral_drafts WHERE id = $1 AND user_id = $2")
                .bind(id.to_string())
                .bind(user.to_string())
                .execute(&mut *tx)
                .await
                .map_err(error)?;
            if done.rows_affected() == 0 {
                return Ok(false);
            }
            append_audit_tx(Conn::from(&mut *tx), std::slice::from_ref(audit), self.auditor()).await.map_err(error)?;
            tx.commit().await.map_err(error)?;
            Ok(true)
        })
    }

    async fn delete_referral_drafts_before(&self, before: OffsetDateTime) -> StoreResult<u64> {
        write!(&self.db, |pool| {
            let done = sqlx::query("DELETE FROM referral_drafts WHERE updated_at < $1")
                .bind(unix(before))
                .execute(pool)
                .await
                .map_err(error)?;
            Ok(done.rows_affected())
        })
    }
}
