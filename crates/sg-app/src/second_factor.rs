//! The second factor: time-based one-time passwords (RFC 6238), required for every role that can
//! see identities or give others sight of them (all but monitors). Each code is accepted once:
//! the last time step accepted is remembered per user, and a code of that step or an earlier
//! one is refused (`Store::accept_totp_step`, one statement, so of two simultaneous uses of one
//! code only one passes).

use std::net::IpAddr;

use sg_audit::{AuditAction, Outcome};
use sg_domain::Role;
use sg_store::{Session, User};
use totp_rs::{Algorithm, Secret, TOTP};

use crate::Refusal;
use crate::{App, AppError};

/// Seconds per TOTP time step.
const STEP_SECS: i64 = 30;

/// Roles that must use a second factor to sign in to pages (decided in
/// [`crate::access::needs_second_factor`]).
pub fn required_for(role: Role) -> bool {
    crate::access::needs_second_factor(role)
}

fn totp(secret: Vec<u8>) -> Result<TOTP, AppError> {
    // Six digits, 30-second steps, one step of clock skew either side: what authenticator apps use.
    TOTP::new(Algorithm::SHA1, 6, 1, STEP_SECS as u64, secret)
        .map_err(|e| AppError::Internal(format!("bad TOTP secret: {e}")))
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

/// Whether two codes are equal, in a time that does not depend on where they differ.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn code_wrong() -> AppError {
    crate::messages::invalid("code", "second_factor.code_not_right", vec![])
}

impl App {
    /// Disables a user by name: their sessions and tokens stop working at once.
    pub async fn disable_user(&self, name: &str) -> Result<User, AppError> {
        let (user, _) = self.store.user_by_name(name.trim()).await?.ok_or(AppError::NotFound)?;
        self.store.set_user_disabled(user.id, Some(self.clock.now())).await?;
        Ok(user)
    }

    /// The time step whose code `code` is, within one step of the clock either side; `None`
    /// when it is no code of `secret` now. Later steps first, so the step remembered is the
    /// latest a code could stand for.
    fn code_step(&self, secret: Vec<u8>, code: &str) -> Result<Option<i64>, AppError> {
        let t = totp(secret)?;
        let now = self.clock.now().unix_timestamp().max(0) / STEP_SECS;
        let code = code.trim();
        Ok([now + 1, now, now - 1].into_iter().filter(|s| *s >= 0).find(|step| {
            let expected = t.generate((*step * STEP_SECS) as u64);
            same(expected.as_bytes(), code.as_bytes())
        }))
    }

    /// The user's own secret, opened.
    async fn user_secret(&self, user: &User) -> Result<Option<Vec<u8>>, AppError> {
        let Some(sealed) = self.store.totp_secret(user.id).await? else { return Ok(None) };
        let secret = self
            .keys
            .open(&sealed, &secret_aad(user))
            .map_err(|e| AppError::Internal(format!("cannot open the TOTP secret: {e}")))?;
        Ok(Some(secret))
    }

    /// Checks a code of the user's current secret and spends its time step: a wrong code, or
    /// one already used, is refused.
    async fn spend_code(&self, user: &User, code: &str) -> Result<(), AppError> {
        let secret = self.user_secret(user).await?.ok_or(AppError::Forbidden(Refusal::NoSecondFactor))?;
        match self.code_step(secret, code)? {
            Some(step) if self.store.accept_totp_step(user.id, step).await? => Ok(()),
            _ => Err(code_wrong()),
        }
    }

    /// Sets up or replaces the user's second factor: `code` must come from an authenticator
    /// holding `secret_b32`, and a user who already has a factor must also give a current code
    /// of it (`current_code`), so a stolen session cannot replace it; those codes are throttled
    /// as sign-ins from `client` are (six digits would not hold out long otherwise). Every other
    /// session of the user ends; the one in use (`keep`) stays.
    pub async fn enrol_second_factor(
        &self,
        user: &User,
        keep: &Session,
        secret_b32: &str,
        code: &str,
        current_code: &str,
        client: IpAddr,
    ) -> Result<(), AppError> {
        if user.has_second_factor {
            self.take_attempt(&user.name, client).await?;
            if let Err(e) = self.spend_code(user, current_code).await {
                self.audit(
                    Some(user),
                    AuditAction::SecondFactorChanged,
                    None,
                    Outcome::Refused,
                    "current code not right",
                )
                .await?;
                return Err(match e {
                    AppError::Invalid(_) => {
                        crate::messages::invalid("current-code", "second_factor.code_not_right", vec![])
                    }
                    other => other,
                });
            }
            self.attempt_succeeded(&user.name, client).await?;
        }
        let secret = Secret::Encoded(secret_b32.trim().to_string())
            .to_bytes()
            .ok()
            .filter(|s| s.len() >= 16)
            .ok_or_else(|| crate::messages::invalid("secret", "second_factor.secret_invalid", vec![]))?;
        let Some(step) = self.code_step(secret.clone(), code)? else {
            return Err(crate::messages::invalid("code", "second_factor.code_wrong", vec![]));
        };
        let detail = if user.has_second_factor { "replaced" } else { "set up" };
        let audit = self.audit_record(Some(user), AuditAction::SecondFactorChanged, None, Outcome::Allowed, detail);
        let sealed = self.keys.seal(&secret, &secret_aad(user));
        // The enrolment code's step counts as used, so it cannot also sign in.
        self.store.change_second_factor(user.id, &sealed, step, Some(&keep.token_hash), &audit).await?;
        Ok(())
    }

    /// Completes a sign-in waiting for its second factor, from `client`: the code is checked
    /// and spent, and the session gets a new token (returned; the half-open one stops working),
    /// so a token seen before the second factor opens nothing after it.
    pub async fn complete_second_factor(
        &self,
        session: &Session,
        user: &User,
        code: &str,
        client: IpAddr,
    ) -> Result<String, AppError> {
        if let Err(e) = self.take_attempt(&user.name, client).await {
            self.audit(
                None,
                AuditAction::SignInFailed,
                None,
                Outcome::Refused,
                format!("second factor: throttled, user {}", user.id),
            )
            .await?;
            return Err(e);
        }
        if let Err(e) = self.spend_code(user, code).await {
            self.audit(
                None,
                AuditAction::SignInFailed,
                None,
                Outcome::Refused,
                format!("second factor: code not right, user {}", user.id),
            )
            .await?;
            return Err(e);
        }
        self.attempt_succeeded(&user.name, client).await?;
        let token = self.renew_session(session, true).await?;
        self.audit(Some(user), AuditAction::SignIn, None, Outcome::Allowed, "second factor").await?;
        Ok(token)
    }
}
