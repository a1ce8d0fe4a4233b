//! Browser sessions, kept in the database so that any server process can serve any request, and
//! the forms sent after a session ended (`kept_forms`, migration 0025).

use sg_domain::UserId;
use sg_store::{KeptFormRow, Session, StoreResult};
use time::OffsetDateTime;

use crate::convert::{error, from_unix, unix, user_id};
use crate::db::{read, write, Row};
use crate::SqlStore;

#[async_trait::async_trait]
impl<E: 'static> sg_store::Sessions for SqlStore<E> {
    async fn create_session(&self, session: &Session) -> StoreResult<()> {
        write!(&self.db, |pool| {
            sqlx::query(
                "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, last_seen, draft, \
                second_factor_pending) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(&session.token_hash)
            .bind(session.user.to_string())
            .bind(&session.csrf_token)
            .bind(unix(session.created_at))
            .bind(unix(session.last_seen))
            .bind(&session.draft)
            .bind(session.second_factor_pending)
            .execute(pool)
            .await
            .map_err(error)?;
            Ok(())
        })
    }

    async fn session(&self, token_hash: &[u8]) -> StoreResult<Option<Session>> {
        read!(&self.db, |pool| {
            let row = sqlx::query(
                "SELECT token_hash, user_id, csrf_token, created_at, last_seen, draft, second_factor_pending \
             FROM sessions WHERE token_hash = $1",
            )
            .bind(token_hash)
            .fetch_optional(pool)
            .await
            .map_err(error)?;
            let Some(row) = row else { return Ok(None) };
            Ok(Some(Session {
                token_hash: row.get("token_hash"),
                user: user_id(row.get("user_id"))?,
                csrf_token: row.get("csrf_token"),
                created_at: from_unix(row.get("created_at")),
                last_seen: from_unix(row.get("last_seen")),
                draft: row.get("draft"),
                second_factor_pending: row.get("second_factor_pending"),
            }))
        })
    }

    async fn update_session(
        &self,
        token_hash: &[u8],
        last_seen: OffsetDateTime,
        draft: Option<&str>,
    ) -> StoreResult<()> {
        write!(&self.db, |pool| {
            sqlx::query("UPDATE sessions SET last_seen = $1, draft = $2 WHERE token_hash = $3")
                .bind(unix(last_seen))
                .bind(draft)
                .bind(token_hash)
                .execute(pool)
                .await
                .map_err(error)?;
            Ok(())
        })
    }

    async fn delete_session(&self, token_hash: &[u8]) -> StoreResult<()> {
        write!(&self.db, |pool| {
            sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
                .bind(token_hash)
                .execute(pool)
                .await
                .map_err(error)?;
            Ok(())
        })
    }

    async fn complete_second_factor(&self, token_hash: &[u8]) -> StoreResult<()> {
        write!(&self.db, |pool| {
            sqlx::query("UPDATE sessions SET second_factor_pending = false WHERE token_hash = $1")
                .bind(token_hash)
                .execute(pool)
                .await
                .map_err(error)?;
            Ok(())
        })
    }

    async fn renew_session(
        &self,
        old_hash: &[u8],
        new_hash: &[u8],
        csrf_token: &str,
        second_factor_done: bool,
    ) -> StoreResult<bool> {
        write!(&self.db, |pool| {
            // One statement: the old token stops working in the instant the new one starts.
            let done = sqlx::query(
                "UPDATE sessions SET token_hash = $1, csrf_token = $2, \
                 second_factor_pending = (second_factor_pending AND NOT $3) WHERE token_hash = $4",
            )
            .bind(new_hash)
            .bind(csrf_token)
            .bind(second_factor_done)
            .bind(old_hash)
            .execute(pool)
            .await
            .map_err(error)?;
            Ok(done.rows_affected() == 1)
        })
    }

    async fn keep_form(&self, form: &KeptFormRow) -> StoreResult<()> {
        write!(&self.db, |pool| {
            // One row per user: a newer form replaces the older one in the same statement.
            sqlx::query(
                "INSERT INTO kept_forms (token_hash, user_id, kept_at, expires_at, sealed) VALUES ($1, $2, $3, $4, $5) \
                 ON CONFLICT (user_id) DO UPDATE SET token_hash = excluded.token_hash, kept_at = excluded.kept_at, \
                 expires_at = excluded.expires_at, sealed = excluded.sealed",
            )
            .bind(&form.token_hash)
            .bind(form.user.to_string())
            .bind(unix(form.kept_at))
            .bind(unix(form.expires_at))
            .bind(&form.sealed)
            .execute(pool)
            .await
            .map_err(error)?;
        });
        // Keeping a form is also when the expired ones of every user go.
        self.delete_kept_forms_before(form.kept_at).await.map(|_| ())
    }

    async fn take_kept_form(
        &self,
        token_hash: &[u8],
        user: UserId,
        now: OffsetDateTime,
    ) -> StoreResult<Option<KeptFormRow>> {
        write!(&self.db, |pool| {
            let row = sqlx::query(
                "DELETE FROM kept_forms WHERE token_hash = $1 AND user_id = $2 AND expires_at > $3 \
                 RETURNING token_hash, user_id, kept_at, expires_at, sealed",
            )
            .bind(token_hash)
            .bind(user.to_string())
            .bind(unix(now))
            .fetch_optional(pool)
            .await
            .map_err(error)?;
            let Some(row) = row else { return Ok(None) };
            Ok(Some(KeptFormRow {
                token_hash: row.get("token_hash"),
                user: user_id(row.get("user_id"))?,
                kept_at: from_unix(row.get("kept_at")),
                expires_at: from_unix(row.get("expires_at")),
                sealed: row.get("sealed"),
            }))
        })
    }

    async fn delete_kept_forms_before(&self, now: OffsetDateTime) -> StoreResult<u64> {
        write!(&self.db, |pool| {
            let done = sqlx::query("DELETE FROM kept_forms WHERE expires_at <= $1")
                .bind(unix(now))
                .execute(pool)
                .await
                .map_err(error)?;
            Ok(done.rows_affected())
        })
    }
}
