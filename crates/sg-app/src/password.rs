//! Choosing and changing a password from a signed-in session: the current password is asked
//! for when there is one, the user's other sessions end with the change, and the session it was
//! made from continues under a new token.

use std::net::IpAddr;

use sg_audit::{AuditAction, Outcome};
use sg_domain::UserId;
use sg_store::{Session, User};

use crate::auth::{hash_password, password_matches, MIN_PASSWORD_CHARS};
use crate::{App, AppError};

impl App {
    /// Sets a user's password from their session `keep`. A user who has a password must give
    /// it (`current`), so a stolen session cannot change it; such attempts are throttled as
    /// sign-ins are. Every other session of the user ends, and this one gets a new token
    /// (returned). API tokens stay: they are made and revoked on their own (`/account/tokens`,
    /// `user add --token`), and an administrator's reset revokes them.
    pub async fn change_password(
        &self,
        user: &User,
        keep: &Session,
        current: &str,
        password: &str,
        confirmation: &str,
        client: IpAddr,
    ) -> Result<String, AppError> {
        if let Some(stored) = self.store.password_hash(user.id).await? {
            self.take_attempt(&user.name, client).await?;
            if !password_matches(Some(&stored), current)? {
                self.audit(
                    Some(user),
                    AuditAction::PasswordChanged,
                    None,
                    Outcome::Refused,
                    "current password not right",
                )
                .await?;
                return Err(crate::messages::invalid("current-password", "password.current_wrong", vec![]));
            }
            self.attempt_succeeded(&user.name, client).await?;
        }
        if password.chars().count() < MIN_PASSWORD_CHARS {
            return Err(crate::messages::invalid(
                "password",
                "password.too_short",
                vec![("min", MIN_PASSWORD_CHARS.to_string())],
            ));
        }
        if password.len() > 1024 {
            return Err(crate::messages::invalid("password", "password.too_long", vec![]));
        }
        if password != confirmation {
            return Err(crate::messages::invalid("confirmation", "password.mismatch", vec![]));
        }
        let audit = self.audit_record(Some(user), AuditAction::PasswordChanged, None, Outcome::Allowed, "");
        self.store.change_password(user.id, &hash_password(password)?, Some(&keep.token_hash), &audit).await?;
        self.renew_session(keep, false).await
    }

    /// Whether the user has chosen a password (the password page then asks for it).
    pub async fn has_password(&self, user: UserId) -> Result<bool, AppError> {
        Ok(self.store.password_hash(user).await?.is_some())
    }
}
