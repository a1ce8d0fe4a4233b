//! Changing credentials and guarding sign-in: password and second-factor changes that end the
//! user's other sessions, single-use TOTP steps, and the sign-in throttle, each one transaction
//! (or one statement) so that simultaneous requests, from any process, cannot both pass.

use sg_audit::AuditRecord;
use sg_domain::UserId;
use sg_store::{StoreError, StoreResult, ThrottleRule, ThrottleState};
use time::OffsetDateTime;

use crate::audit::append_audit_tx;
use crate::convert::error;
use crate::db::{on, read, write, Conn, Db, Row};

/// After a credential of `user` changed, inside the caller's transaction: ends every session
/// but `keep`, and records the change in the audit log.
async fn credential_changed(
    conn: Conn<'_>,
    user: UserId,
    keep: Option<&[u8]>,
    audit: &AuditRecord,
    auditor: crate::audit::Auditor<'_>,
) -> Result<(), sqlx::Error> {
    on!(conn, |c| {
        end_other_sessions(Conn::from(&mut *c), user, keep).await?;
        append_audit_tx(Conn::from(&mut *c), std::slice::from_ref(audit), auditor).await
    })
}

/// Ends every session of `user` but `keep`, inside the caller's transaction.
async fn end_other_sessions(conn: Conn<'_>, user: UserId, keep: Option<&[u8]>) -> Result<(), sqlx::Error> {
    on!(conn, |c| {
        match keep {
            Some(keep) => sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2")
                .bind(user.to_string())
                .bind(keep)
                .execute(&mut *c)
                .await
                .map(|_| ()),
            None => sqlx::query("DELETE FROM sessions WHERE user_id = $1")
                .bind(user.to_string())
                .execute(&mut *c)
                .await
                .map(|_| ()),
        }
    })
}

pub(crate) async fn password_hash(db: &Db, user: UserId) -> StoreResult<Option<String>> {
    read!(db, |pool| {
        let v: Option<Option<String>> = sqlx::query_scalar("SELECT password_hash FROM users WHERE id = $1")
            .bind(user.to_string())
            .fetch_optional(pool)
            .await
            .map_err(error)?;
        Ok(v.flatten())
    })
}

pub(crate) async fn change_password(
    db: &Db,
    user: UserId,
    hash: &str,
    keep: Option<&[u8]>,
    audit: &AuditRecord,
    auditor: crate::audit::Auditor<'_>,
) -> StoreResult<()> {
    write!(db, |pool| {
        let mut tx = pool.begin().await.map_err(error)?;
        let done = sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
            .bind(hash)
            .bind(user.to_string())
            .execute(&mut *tx)
            .await
            .map_err(error)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        // A sign-in code works until its user has a password: this spends it.
        sqlx::query("UPDATE sign_in_codes SET used_at = $1 WHERE user_id = $2 AND used_at IS NULL")
            .bind(audit.at)
            .bind(user.to_string())
            .execute(&mut *tx)
            .await
            .map_err(error)?;
        credential_changed(Conn::from(&mut *tx), user, keep, audit, auditor).await.map_err(error)?;
        tx.commit().await.map_err(error)
    })
}

pub(crate) async fn change_second_factor(
    db: &Db,
    user: UserId,
    sealed: &[u8],
    step: i64,
    keep: Option<&[u8]>,
    audit: &AuditRecord,
    auditor: crate::audit::Auditor<'_>,
) -> StoreResult<()> {
    write!(db, |pool| {
        let mut tx = pool.begin().await.map_err(error)?;
        let done = sqlx::query(
            "UPDATE users SET totp_secret = $1, totp_last_step = CASE WHEN totp_last_step IS NULL OR \
             totp_last_step < $2 THEN $2 ELSE totp_last_step END WHERE id = $3",
        )
        .bind(sealed)
        .bind(step)
        .bind(user.to_string())
        .execute(&mut *tx)
        .await
        .map_err(error)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        credential_changed(Conn::from(&mut *tx), user, keep, audit, auditor).await.map_err(error)?;
        tx.commit().await.map_err(error)
    })
}

pub(crate) async fn accept_totp_step(db: &Db, user: UserId, step: i64) -> StoreResult<bool> {
    write!(db, |pool| {
        // The comparison and the write are one statement: of two uses of one code, the second
        // finds the step already taken.
        let done = sqlx::query(
            "UPDATE users SET totp_last_step = $1 WHERE id = $2 AND (totp_last_step IS NULL OR totp_last_step < $1)",
        )
        .bind(step)
        .bind(user.to_string())
        .execute(pool)
        .await
        .map_err(error)?;
        Ok(done.rows_affected() == 1)
    })
}

pub(crate) async fn take_sign_in_attempt(
    db: &Db,
    rules: &[ThrottleRule],
    now: OffsetDateTime,
) -> StoreResult<Option<time::Duration>> {
    // Keys are locked in one order, so two attempts never wait on each other's rows crosswise.
    let mut rules: Vec<&ThrottleRule> = rules.iter().collect();
    rules.sort_by(|a, b| a.key.cmp(&b.key));
    rules.dedup_by(|a, b| a.key == b.key);
    write!(db, |pool| {
        let mut tx = pool.begin().await.map_err(error)?;
        let mut states = Vec::with_capacity(rules.len());
        for rule in &rules {
            // A write first: it locks the key's row (PostgreSQL) or takes the database's write
            // lock (SQLite), so the row read is the one this transaction will change.
            let row = sqlx::query(
                "INSERT INTO sign_in_throttle (key, failures, blocked_until, last_at) VALUES ($1, 0, 0, $2) \
                 ON CONFLICT (key) DO UPDATE SET key = excluded.key RETURNING failures, blocked_until, last_at",
            )
            .bind(&rule.key)
            .bind(now.unix_timestamp())
            .fetch_one(&mut *tx)
            .await
            .map_err(error)?;
            states.push(ThrottleState {
                failures: row.get("failures"),
                blocked_until: row.get("blocked_until"),
                last_at: row.get("last_at"),
            });
        }
        let wait = rules.iter().zip(&states).filter_map(|(r, s)| r.refusal(*s, now)).max();
        if wait.is_some() {
            // Nothing is counted for a refused attempt (the rollback drops any new row).
            return Ok(wait);
        }
        for (rule, state) in rules.iter().zip(states) {
            let next = rule.counted(state, now);
            sqlx::query("UPDATE sign_in_throttle SET failures = $1, blocked_until = $2, last_at = $3 WHERE key = $4")
                .bind(next.failures)
                .bind(next.blocked_until)
                .bind(next.last_at)
                .bind(&rule.key)
                .execute(&mut *tx)
                .await
                .map_err(error)?;
        }
        tx.commit().await.map_err(error)?;
        Ok(None)
    })
}

pub(crate) async fn sign_in_succeeded(db: &Db, forget: &[Vec<u8>], undo: &[Vec<u8>]) -> StoreResult<()> {
    // In key order, as `take_sign_in_attempt` locks them: a success and another attempt at the
    // same moment (two browsers sending one code) must not wait on each other's rows crosswise,
    // which PostgreSQL ends as a deadlock (a 503 for one of them).
    let mut keys: Vec<(&[u8], bool)> = forget.iter().map(|k| (k.as_slice(), true)).collect();
    keys.extend(undo.iter().filter(|k| !forget.contains(k)).map(|k| (k.as_slice(), false)));
    keys.sort();
    keys.dedup();
    write!(db, |pool| {
        let mut tx = pool.begin().await.map_err(error)?;
        for (key, drop) in &keys {
            let sql = if *drop {
                "DELETE FROM sign_in_throttle WHERE key = $1"
            } else {
                "UPDATE sign_in_throttle SET failures = failures - 1 WHERE key = $1 AND failures > 0"
            };
            sqlx::query(sql).bind(*key).execute(&mut *tx).await.map_err(error)?;
        }
        tx.commit().await.map_err(error)
    })
}
