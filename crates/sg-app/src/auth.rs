//! Accounts and credentials: users, passwords (argon2id), API tokens, one-time sign-in codes and
//! browser sessions. Only hashes of secrets are stored.

use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use base64::Engine;
use rand::RngCore;
use std::net::IpAddr;

use sg_audit::{AuditAction, Outcome};
use sg_domain::{Role, UserId};
use sg_store::{NewUser, OrgKind, Session, User};
use sha2::{Digest, Sha256};
use time::Duration;

use crate::Refusal;
use crate::{App, AppError};

/// How long a one-time sign-in code stays valid.
pub const SIGN_IN_CODE_LIFETIME: Duration = Duration::hours(72);
/// A session ends after this long without activity.
pub const SESSION_IDLE_TIMEOUT: Duration = Duration::minutes(30);
/// A session ends this long after sign-in, whatever the activity.
pub const SESSION_ABSOLUTE_TIMEOUT: Duration = Duration::hours(12);
/// How long an API token works unless another lifetime is asked for.
pub const TOKEN_LIFETIME_DAYS: u32 = 90;
/// The longest lifetime a token may be given: a year and a day.
pub const MAX_TOKEN_DAYS: u32 = 366;
/// The shortest password accepted (NIST SP 800-63B asks for at least 8; we ask for more).
pub const MIN_PASSWORD_CHARS: usize = 12;

/// A new random secret: 32 bytes from the operating system, base64url without padding.
pub fn new_secret() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// The stored form of a high-entropy secret (token, code, session): SHA-256 is enough because the
/// secret itself has 256 bits of entropy; passwords get argon2id instead.
pub fn hash_secret(secret: &str) -> Vec<u8> {
    Sha256::digest(secret.as_bytes()).to_vec()
}

/// Whether `password` matches the stored hash. With no hash, a fixed one is checked instead,
/// so the time taken does not tell whether there was one.
pub(crate) fn password_matches(stored: Option<&str>, password: &str) -> Result<bool, AppError> {
    let fallback = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$9Ad0gP9Dv4mQm9D0K+oQGuYbQAvEoPqkIzA8Mu1fLzQ";
    let parsed = PasswordHash::new(stored.unwrap_or(fallback))
        .map_err(|e| AppError::Internal(format!("stored hash unreadable: {e}")))?;
    Ok(stored.is_some() && Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
}

pub(crate) fn hash_password(password: &str) -> Result<String, AppError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| AppError::Internal(format!("password hashing failed: {e}")))
}

/// The credentials printed when a user is created.
#[derive(Debug)]
pub struct NewCredentials {
    /// The user.
    pub user: User,
    /// A one-time code for choosing a password in the browser.
    pub sign_in_code: String,
    /// An API bearer token, when asked for.
    pub api_token: Option<String>,
}

/// The organisation kind a new organisation gets when none is given: what a user of this role
/// most often works for.
pub fn default_org_kind(role: Role) -> OrgKind {
    match role {
        Role::Police => OrgKind::Police,
        Role::ImmigrationEnforcement => OrgKind::GovernmentAgency,
        Role::DecisionMaker => OrgKind::CompetentAuthority,
        Role::SupportProvider => OrgKind::SupportProvider,
        Role::Guardian => OrgKind::GuardianService,
        Role::LegalAdviser => OrgKind::LegalPractice,
        Role::FirstResponder => OrgKind::Ngo,
        Role::Admin | Role::Monitor => OrgKind::Other,
    }
}

/// Refuses a role in an organisation of a kind that may not hold it ([`OrgKind::allows`]),
/// naming the `org` field and the kinds that may.
pub fn check_org_kind(kind: OrgKind, role: Role) -> Result<(), AppError> {
    use sg_domain::Coded;
    if kind.allows(role) {
        return Ok(());
    }
    let allowed: Vec<&str> = OrgKind::allowed_for(role).into_iter().map(|k| k.code()).collect();
    Err(AppError::invalid(
        "org",
        format!(
            "a {} cannot work for an organisation of kind {}: choose an organisation of kind {}",
            role.label().to_lowercase(),
            kind.code(),
            allowed.join(" or ")
        ),
    ))
}

impl App {
    /// Creates a user (and their organisation if missing), with a one-time sign-in code and,
    /// if asked, an API token.
    pub async fn create_user(
        &self,
        org_name: &str,
        org_kind: Option<OrgKind>,
        role: Role,
        name: &str,
        with_token: bool,
    ) -> Result<NewCredentials, AppError> {
        self.create_user_for(org_name, org_kind, role, name, with_token, None).await
    }

    /// [`App::create_user`], naming the competent authority a decision maker's organisation
    /// decides for (default: the one it already has, else the Single Competent Authority).
    pub async fn create_user_for(
        &self,
        org_name: &str,
        org_kind: Option<OrgKind>,
        role: Role,
        name: &str,
        with_token: bool,
        authority: Option<sg_domain::CompetentAuthority>,
    ) -> Result<NewCredentials, AppError> {
        let id = UserId(uuid::Uuid::new_v4());
        self.create_user_with_id(id, org_name, org_kind, role, name, with_token, authority).await
    }

    /// [`App::create_user_for`] with the new user's id chosen by the caller (an approved request
    /// records the id before the user is written).
    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn create_user_with_id(
        &self,
        id: UserId,
        org_name: &str,
        org_kind: Option<OrgKind>,
        role: Role,
        name: &str,
        with_token: bool,
        authority: Option<sg_domain::CompetentAuthority>,
    ) -> Result<NewCredentials, AppError> {
        let name = name.trim();
        let org_name = org_name.trim();
        if name.is_empty() || name.chars().count() > 100 {
            return Err(crate::messages::invalid("name", "user.name_length", vec![]));
        }
        if org_name.is_empty() || org_name.chars().count() > 200 {
            return Err(crate::messages::invalid("org", "user.org_length", vec![]));
        }
        let now = self.clock.now();
        if authority.is_some() && role != Role::DecisionMaker {
            return Err(AppError::invalid("competent-authority", "only applies to decision makers"));
        }
        // The kind is checked before anything is written, and again on the organisation found
        // or made (another process may have made it a moment ago).
        let kind = match self.store.org_by_name(org_name).await? {
            Some(existing) => existing.kind,
            None => org_kind.unwrap_or_else(|| default_org_kind(role)),
        };
        check_org_kind(kind, role)?;
        let org = self.store.ensure_org(org_name, kind, self.clock.now()).await?;
        check_org_kind(org.kind, role)?;
        let mut user =
            self.store.create_user(&NewUser { id, org: org.id, name: name.into(), role, created_at: now }).await?;
        // A decision maker's organisation decides for one competent authority.
        let wanted = match (role, authority, user.org_competent_authority) {
            (Role::DecisionMaker, Some(a), _) => Some(a),
            (Role::DecisionMaker, None, None) => Some(sg_domain::CompetentAuthority::Sca),
            _ => None,
        };
        if let Some(a) = wanted.filter(|a| Some(*a) != user.org_competent_authority) {
            self.store.set_org_competent_authority(org.id, a).await?;
            user.org_competent_authority = Some(a);
        }
        let sign_in_code = new_secret();
        self.store.add_sign_in_code(user.id, &hash_secret(&sign_in_code), now + SIGN_IN_CODE_LIFETIME).await?;
        let api_token =
            if with_token { Some(self.issue_api_token(user.id, "user add", TOKEN_LIFETIME_DAYS).await?) } else { None };
        tracing::info!(user = %user.id, role = %role, "user created");
        Ok(NewCredentials { user, sign_in_code, api_token })
    }

    /// On first run (no administrator yet), creates the first administrator and returns their
    /// credentials; otherwise `None`.
    pub async fn bootstrap_admin(&self) -> Result<Option<NewCredentials>, AppError> {
        if self.store.count_users_with_role(Role::Admin).await? > 0 {
            return Ok(None);
        }
        self.create_user("Safeguard administrators", Some(OrgKind::Other), Role::Admin, "admin", false).await.map(Some)
    }

    /// A new API token for `user`, valid for `days` days (1 to [`MAX_TOKEN_DAYS`]); only its hash
    /// is stored.
    pub async fn issue_api_token(&self, user: UserId, label: &str, days: u32) -> Result<String, AppError> {
        if !(1..=MAX_TOKEN_DAYS).contains(&days) {
            return Err(AppError::invalid(
                "token-days",
                format!("a token lasts from 1 to {MAX_TOKEN_DAYS} days; {days} is not in that range"),
            ));
        }
        let now = self.clock.now();
        let token = new_secret();
        let expires = now + Duration::days(i64::from(days));
        self.store.add_api_token(user, &hash_secret(&token), label, now, expires).await?;
        Ok(token)
    }

    /// The user owning an API bearer token; a revoked or expired token, or a disabled user's,
    /// no longer works.
    pub async fn user_for_api_token(&self, token: &str) -> Result<User, AppError> {
        match self.store.user_by_api_token(&hash_secret(token.trim()), self.clock.now()).await? {
            Some(user) if !user.disabled => Ok(user),
            _ => Err(AppError::Unauthenticated),
        }
    }

    /// Signs in with a sign-in code, audited either way. The code works until its user has
    /// chosen a password (which spends it, [`App::change_password`]), so a new user who signs
    /// out, or whose session ends, before choosing one can use it again; it still expires after
    /// [`SIGN_IN_CODE_LIFETIME`]. Codes have 256 bits, so guessing needs no throttle.
    pub async fn sign_in_with_code(&self, code: &str) -> Result<User, AppError> {
        match self.store.user_for_sign_in_code(&hash_secret(code.trim()), self.clock.now()).await? {
            Some(user) => {
                self.audit(Some(&user), AuditAction::SignIn, None, Outcome::Allowed, "one-time code").await?;
                Ok(user)
            }
            None => {
                self.audit(None, AuditAction::SignInFailed, None, Outcome::Refused, "one-time code: not valid").await?;
                Err(AppError::Forbidden(Refusal::SignInCodeInvalid))
            }
        }
    }

    /// Checks a name and password from `client`. The same error, and about the same time,
    /// whether the name is unknown or the password wrong, so that names cannot be discovered.
    /// The attempt is counted before the password is checked (`crate::throttle`), and audited
    /// either way, without the name typed (a failure names the account only when there is one).
    pub async fn sign_in(&self, name: &str, password: &str, client: IpAddr) -> Result<User, AppError> {
        if let Err(e) = self.take_attempt(name, client).await {
            self.audit(None, AuditAction::SignInFailed, None, Outcome::Refused, "password: throttled").await?;
            return Err(e);
        }
        let found = self.store.user_by_name(name.trim()).await?;
        let ok = password_matches(found.as_ref().and_then(|(_, h)| h.as_deref()), password)?;
        match found {
            Some((user, Some(_))) if ok && !user.disabled => {
                self.attempt_succeeded(name, client).await?;
                self.audit(Some(&user), AuditAction::SignIn, None, Outcome::Allowed, "password").await?;
                Ok(user)
            }
            found => {
                let detail = match found {
                    Some((user, _)) => format!("password: not right, user {}", user.id),
                    None => "password: no such name".to_string(),
                };
                self.audit(None, AuditAction::SignInFailed, None, Outcome::Refused, detail).await?;
                Err(AppError::Forbidden(Refusal::WrongPassword))
            }
        }
    }

    /// Starts a browser session; returns the cookie token (only its hash is stored). A user with
    /// a second factor gets a session that opens only the second-factor page until it is given.
    pub async fn start_session(&self, user: &User) -> Result<(String, Session), AppError> {
        let token = new_secret();
        let now = self.clock.now();
        let session = Session {
            token_hash: hash_secret(&token),
            user: user.id,
            csrf_token: new_secret(),
            created_at: now,
            last_seen: now,
            draft: None,
            second_factor_pending: user.has_second_factor,
        };
        self.store.create_session(&session).await?;
        Ok((token, session))
    }

    /// The live session for a cookie token and its user, recording the activity; `None` when
    /// missing or timed out (a timed-out session is deleted).
    pub async fn resume_session(&self, token: &str) -> Result<Option<(Session, User)>, AppError> {
        let hash = hash_secret(token);
        let Some(mut session) = self.store.session(&hash).await? else { return Ok(None) };
        let now = self.clock.now();
        if self.session_timed_out(&session) {
            self.store.delete_session(&hash).await?;
            return Ok(None);
        }
        let user = match self.store.user(session.user).await? {
            Some(user) if !user.disabled => user,
            _ => {
                self.store.delete_session(&hash).await?;
                return Ok(None);
            }
        };
        // Write activity at most once a minute (less when the idle timeout is shorter): reads
        // should not all become writes.
        if now - session.last_seen > (self.session_idle / 30_i32).min(Duration::minutes(1)) {
            self.store.update_session(&hash, now, session.draft.as_deref()).await?;
            session.last_seen = now;
        }
        Ok(Some((session, user)))
    }

    /// Whether `session` has ended by the idle or the absolute timeout.
    pub fn session_timed_out(&self, session: &Session) -> bool {
        let now = self.clock.now();
        now - session.last_seen > self.session_idle || now - session.created_at > SESSION_ABSOLUTE_TIMEOUT
    }

    /// Records activity on a live session now ("Stay signed in" on the timeout warning).
    pub async fn keep_session_alive(&self, session: &Session) -> Result<(), AppError> {
        self.store.update_session(&session.token_hash, self.clock.now(), session.draft.as_deref()).await?;
        Ok(())
    }

    /// Ends a session.
    pub async fn end_session(&self, token: &str) -> Result<(), AppError> {
        self.store.delete_session(&hash_secret(token)).await?;
        Ok(())
    }

    /// A user signs out: their session ends, audited.
    pub async fn sign_out(&self, user: &User, token: &str) -> Result<(), AppError> {
        self.end_session(token).await?;
        self.audit(Some(user), AuditAction::SignOut, None, Outcome::Allowed, "").await
    }

    /// Gives a session a new token and form token (returned; the old token stops working at
    /// once), marking its second factor done when `second_factor_done`: after each step that
    /// proves who the user is, so a token known before it opens nothing after it.
    pub async fn renew_session(&self, session: &Session, second_factor_done: bool) -> Result<String, AppError> {
        let token = new_secret();
        // The form token is renewed with the second factor (the half-open session's pages were
        // shown before the user was known); a session already signed in keeps its own, so the
        // user's other open forms still work.
        let csrf = if second_factor_done { new_secret() } else { session.csrf_token.clone() };
        if !self.store.renew_session(&session.token_hash, &hash_secret(&token), &csrf, second_factor_done).await? {
            return Err(AppError::Unauthenticated);
        }
        Ok(token)
    }
}
