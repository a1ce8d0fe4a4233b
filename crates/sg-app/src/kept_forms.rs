//! Forms sent after the session ended, kept so that nothing typed is lost: the form is held in
//! this process's memory (never written to disk, the database or a log) against a fresh random
//! token given to the browser in a cookie, for the user whose session it was, and handed back
//! once, to that user, after they sign in again within [`KEPT_FORM_LIFETIME`].

use std::collections::HashMap;
use std::sync::Mutex;

use sg_domain::UserId;
use sg_store::Session;
use time::{Duration, OffsetDateTime};

use crate::auth::{hash_secret, new_secret};
use crate::{App, AppError};

/// How long a kept form waits for its user to sign in again.
pub const KEPT_FORM_LIFETIME: Duration = Duration::hours(1);
/// The most forms kept at once in one process; more are not kept (the user signs in again and
/// types again, as before this feature), so memory stays bounded.
pub const KEPT_FORMS_MAX: usize = 10_000;

/// A form body sent to `path` after the session ended.
#[derive(Clone)]
pub struct KeptForm {
    /// The path the form was sent to.
    pub path: String,
    /// The body as sent (URL-encoded).
    pub body: Vec<u8>,
    /// The referral draft the ended session was filling in, if any.
    pub draft: Option<String>,
    user: UserId,
    until: OffsetDateTime,
}

impl std::fmt::Debug for KeptForm {
    // The body may hold personal data: it is never printed.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeptForm").field("path", &self.path).finish_non_exhaustive()
    }
}

/// The kept forms, by SHA-256 of their token.
#[derive(Default)]
pub struct KeptForms(Mutex<HashMap<Vec<u8>, KeptForm>>);

impl App {
    /// The session behind a cookie token when it exists but has timed out (idle or absolute):
    /// the one case in which a form sent with it is kept. `None` for a live or unknown session.
    pub async fn ended_session(&self, token: &str) -> Result<Option<Session>, AppError> {
        let Some(session) = self.store.session(&hash_secret(token)).await? else { return Ok(None) };
        Ok(self.session_timed_out(&session).then_some(session))
    }

    /// Keeps a form sent to `path` with the ended `session`; returns the token for the browser,
    /// or `None` when too many forms are kept already. A newer form of the same user replaces
    /// an older one.
    pub fn keep_form(&self, session: &Session, path: &str, body: Vec<u8>) -> Option<String> {
        let now = self.clock.now();
        let mut kept = self.kept_forms.0.lock().unwrap_or_else(|e| e.into_inner());
        kept.retain(|_, f| f.until > now && f.user != session.user);
        if kept.len() >= KEPT_FORMS_MAX {
            return None;
        }
        let token = new_secret();
        let form = KeptForm {
            path: path.to_string(),
            body,
            draft: session.draft.clone(),
            user: session.user,
            until: now + KEPT_FORM_LIFETIME,
        };
        kept.insert(hash_secret(&token), form);
        Some(token)
    }

    /// Takes back the form kept under `token`, if it is `user`'s and still in time. Once only:
    /// a form of another user stays where it is.
    pub fn take_kept_form(&self, token: &str, user: UserId) -> Option<KeptForm> {
        let now = self.clock.now();
        let mut kept = self.kept_forms.0.lock().unwrap_or_else(|e| e.into_inner());
        let hash = hash_secret(token);
        match kept.get(&hash) {
            Some(f) if f.user == user && f.until > now => kept.remove(&hash),
            _ => None,
        }
    }
}
