//! Forms sent after the session ended, kept so that nothing typed is lost. The form (its path,
//! its body as typed, the referral draft its session was filling in) is sealed under a fresh
//! data key wrapped by the master key, bound to its user and its token's hash
//! ([`crate::vault::seal_kept_form`]), and stored in `kept_forms` (migration 0025) against the
//! SHA-256 of a fresh random token given to the browser in a cookie. It is handed back once, to
//! the user whose session it was, after they sign in again within [`KEPT_FORM_LIFETIME`], and
//! erased then, or at expiry. Never logged; the database holds no byte of it in the clear.

use serde::{Deserialize, Serialize};
use sg_domain::UserId;
use sg_store::{KeptFormRow, Session};
use time::Duration;

use crate::auth::{hash_secret, new_secret};
use crate::{App, AppError};

/// How long a kept form waits for its user to sign in again.
pub const KEPT_FORM_LIFETIME: Duration = Duration::hours(24);

/// The largest form body kept: the pages' own body limit.
pub const KEPT_FORM_MAX_BYTES: usize = 1024 * 1024;

/// A form body sent to `path` after the session ended.
#[derive(Clone, Serialize, Deserialize)]
pub struct KeptForm {
    /// The path the form was sent to.
    pub path: String,
    /// The body as sent (URL-encoded, so text).
    pub body: String,
    /// The referral draft the ended session was filling in, if any.
    pub draft: Option<String>,
}

impl std::fmt::Debug for KeptForm {
    // The body may hold personal data: it is never printed.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeptForm").field("path", &self.path).finish_non_exhaustive()
    }
}

/// What a sealed form is bound to: its user and its token's hash, so a sealed form cannot be
/// moved to another user or row.
fn binding(user: UserId, token_hash: &[u8]) -> Vec<u8> {
    let mut b = format!("{user}|").into_bytes();
    b.extend_from_slice(token_hash);
    b
}

impl App {
    /// The session behind a cookie token when it exists, was fully signed in (no second factor
    /// still to give) and has timed out (idle or absolute): the one case in which a form sent
    /// with it is kept. `None` for a live, half-open or unknown session.
    pub async fn ended_session(&self, token: &str) -> Result<Option<Session>, AppError> {
        let Some(session) = self.store.session(&hash_secret(token)).await? else { return Ok(None) };
        Ok((self.session_timed_out(&session) && !session.second_factor_pending).then_some(session))
    }

    /// Keeps a form sent to `path` with the ended `session`, sealed; returns the token for the
    /// browser, or `None` when the body is not kept (larger than [`KEPT_FORM_MAX_BYTES`], or
    /// not text). A newer form of the same user replaces an older one. The caller has checked
    /// that the form carried the ended session's own form token, so no other site's post is
    /// kept.
    pub async fn keep_form(&self, session: &Session, path: &str, body: &[u8]) -> Result<Option<String>, AppError> {
        if body.len() > KEPT_FORM_MAX_BYTES {
            return Ok(None);
        }
        let Ok(body) = std::str::from_utf8(body) else { return Ok(None) };
        let form = KeptForm { path: path.to_string(), body: body.to_string(), draft: session.draft.clone() };
        let plain =
            serde_json::to_vec(&form).map_err(|e| AppError::Internal(format!("cannot encode a kept form: {e}")))?;
        let token = new_secret();
        let token_hash = hash_secret(&token);
        let now = self.clock.now();
        let sealed = crate::vault::seal_kept_form(&self.keys, &binding(session.user, &token_hash), &plain);
        let row =
            KeptFormRow { token_hash, user: session.user, kept_at: now, expires_at: now + KEPT_FORM_LIFETIME, sealed };
        self.store.keep_form(&row).await?;
        Ok(Some(token))
    }

    /// Takes back the form kept under `token`, if it is `user`'s and still in time; it is
    /// erased as it is taken. A form of another user stays where it is, for its user.
    pub async fn take_kept_form(&self, token: &str, user: UserId) -> Result<Option<KeptForm>, AppError> {
        let Some(row) = self.store.take_kept_form(&hash_secret(token), user, self.clock.now()).await? else {
            return Ok(None);
        };
        let plain = match crate::vault::open_kept_form(&self.keys, &binding(row.user, &row.token_hash), &row.sealed) {
            Ok(plain) => plain,
            Err(e) => {
                // Its master key retired since: the user types again, as before forms were kept.
                tracing::warn!(error = %e, "a kept form could not be opened");
                return Ok(None);
            }
        };
        serde_json::from_slice(&plain).map(Some).map_err(|_| AppError::Internal("unreadable kept form".into()))
    }

    /// Erases every kept form past its [`KEPT_FORM_LIFETIME`]; how many. `serve` calls it every
    /// minute, and the retention policy with the drafts.
    pub async fn expire_kept_forms(&self) -> Result<u64, AppError> {
        Ok(self.store.delete_kept_forms_before(self.clock.now()).await?)
    }
}
