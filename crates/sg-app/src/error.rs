//! The application's error type: what went wrong, in terms the web layer maps to responses.

use sg_domain::{FieldError, TransitionError};
use sg_store::StoreError;

/// Why a use case did not happen. Nothing was changed in any case.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The input was invalid; names the field.
    #[error("{0}")]
    Invalid(#[from] FieldError),
    /// The change is not allowed in the case's current state.
    #[error("{0}")]
    Transition(#[from] TransitionError),
    /// A dated rule forbids the change on that day; names the rule and its source.
    #[error("{0}")]
    Rule(Box<sg_rules::Refusal>),
    /// No valid credentials.
    #[error("sign in first")]
    Unauthenticated,
    /// Signed in, but not allowed; why, as a typed reason.
    #[error("{0}")]
    Forbidden(crate::Refusal),
    /// No such thing, or not visible to this user.
    #[error("not found")]
    NotFound,
    /// Someone else changed it first, or a unique name is taken.
    #[error("{0}")]
    Conflict(String),
    /// The database cannot be reached or written: why, as the backend classified it, and the
    /// detail for logs only.
    #[error("the service is temporarily unavailable")]
    Unavailable(sg_store::Outage, String),
    /// A fault; the detail is for logs only.
    #[error("internal error")]
    Internal(String),
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => Self::NotFound,
            StoreError::Conflict(m) => Self::Conflict(m),
            StoreError::Unavailable(why, m) => Self::Unavailable(why, m),
            StoreError::Other(m) => Self::Internal(m),
        }
    }
}

impl AppError {
    /// An invalid-input error for `field`.
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Invalid(FieldError::new(field, message))
    }
}
