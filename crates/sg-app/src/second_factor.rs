//! The second factor: time-based one-time passwords (RFC 6238), required for every role that can
//! see identities or give others sight of them (all but monitors), and sign-in throttling.

use sg_domain::Role;
use sg_store::{Session, User};
use sha2::{Digest, Sha256};
use time::Duration;
use totp_rs::{Algorithm, Secret, TOTP};

use crate::Refusal;
use crate::{App, AppError};

/// Failed sign-ins allowed for one name within [`THROTTLE_WINDOW`] before it is locked.
pub const MAX_FAILURES: u64 = 5;
/// The window over which failures are counted, and the lock's length.
pub const THROTTLE_WINDOW: Duration = Duration::minutes(15);

/// Roles that must use a second factor to sign in to pages (decided in
/// [`crate::access::needs_second_factor`]).
pub fn required_for(role: Role) -> bool {
    crate::access::needs_second_factor(role)
}

fn totp(secret: Vec<u8>) -> Result<TOTP, AppError> {
    // Six digits, 30-second steps, one step of clock skew either side: what authenticator apps use.
    TOTP::new(Algorithm::SHA1, 6, 1, 30, secret).map_err(|e| AppError::Internal(format!("bad TOTP secret: {e}")))
}

fn secret_aad(user: &User) -> Vec<u8> {
    format!("safeguard/totp/v1|{}", user.id).into_bytes()
}

/// A new secret to show at enrolment: base32 text and the `otpauth://` address for QR codes.
pub fn new_enrolment(user: &User) -> (String, String) {
    let mut bytes = [0u8; 20];
    rand::RngCore::fill_bytes(&mut rand::rng(), &mut bytes);
    let b32 = match Secret::Raw(bytes.to_vec()).to_encoded() {
        Secret::Encoded(s) => s,
        Secret::Raw(_) => unreachable!("to_encoded gives an encoded secret"),
    };
    (b32.clone(), otpauth_url(user, &b32))
}

/// The `otpauth://` address of a secret, which authenticator apps open.
pub fn otpauth_url(user: &User, secret_b32: &str) -> String {
    let account: String = form_urlencoded::byte_serialize(user.name.as_bytes()).collect();
    let secret: String = form_urlencoded::byte_serialize(secret_b32.as_bytes()).collect();
    format!("otpauth://totp/Safeguard:{account}?secret={secret}&issuer=Safeguard&digits=6&period=30")
}

fn name_hash(name: &str) -> Vec<u8> {
    Sha256::digest(name.trim().to_lowercase().as_bytes()).to_vec()
}

impl App {
    /// Disables a user by name: their sessions and tokens stop working at once.
    pub async fn disable_user(&self, name: &str) -> Result<User, AppError> {
        let (user, _) = self.store.user_by_name(name.trim()).await?.ok_or(AppError::NotFound)?;
        self.store.set_user_disabled(user.id, Some(self.clock.now())).await?;
        Ok(user)
    }

    /// Refuses a name locked after too many failures.
    pub(crate) async fn check_throttle(&self, name: &str) -> Result<(), AppError> {
        let since = self.clock.now() - THROTTLE_WINDOW;
        if self.store.sign_in_failures_since(&name_hash(name), since).await? >= MAX_FAILURES {
            return Err(AppError::Forbidden(Refusal::TooManyAttempts { minutes: THROTTLE_WINDOW.whole_minutes() }));
        }
        Ok(())
    }

    /// Counts a failed attempt against a name.
    pub(crate) async fn record_failure(&self, name: &str) -> Result<(), AppError> {
        self.store.record_sign_in_failure(&name_hash(name), self.clock.now()).await?;
        Ok(())
    }

    fn check_code(&self, secret: Vec<u8>, code: &str) -> Result<bool, AppError> {
        let t = totp(secret)?;
        Ok(t.check(code.trim(), self.clock.now().unix_timestamp().max(0) as u64))
    }

    /// Confirms enrolment: `code` must come from an authenticator holding `secret_b32`.
    pub async fn enrol_second_factor(&self, user: &User, secret_b32: &str, code: &str) -> Result<(), AppError> {
        let secret = Secret::Encoded(secret_b32.trim().to_string())
            .to_bytes()
            .ok()
            .filter(|s| s.len() >= 16)
            .ok_or_else(|| crate::messages::invalid("secret", "second_factor.secret_invalid", vec![]))?;
        if !self.check_code(secret.clone(), code)? {
            return Err(crate::messages::invalid("code", "second_factor.code_wrong", vec![]));
        }
        self.store.set_totp_secret(user.id, &self.keys.seal(&secret, &secret_aad(user))).await?;
        Ok(())
    }

    /// Completes a sign-in waiting for its second factor.
    pub async fn complete_second_factor(&self, session: &Session, user: &User, code: &str) -> Result<(), AppError> {
        self.check_throttle(&user.name).await?;
        let Some(sealed) = self.store.totp_secret(user.id).await? else {
            return Err(AppError::Forbidden(Refusal::NoSecondFactor));
        };
        let secret = self
            .keys
            .open(&sealed, &secret_aad(user))
            .map_err(|e| AppError::Internal(format!("cannot open the TOTP secret: {e}")))?;
        if !self.check_code(secret, code)? {
            self.record_failure(&user.name).await?;
            return Err(crate::messages::invalid("code", "second_factor.code_not_right", vec![]));
        }
        self.store.complete_second_factor(&session.token_hash).await?;
        Ok(())
    }
}
