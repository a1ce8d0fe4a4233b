//! Turning application errors into responses: the JSON error envelope for the API.
//!
//! Every error has a stable machine-readable `code`; `field` names the input at fault. Internal
//! details go to the log, never into a response.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;
use sg_app::AppError;
use sg_store::Outage;

/// An API error response.
#[derive(Debug)]
pub(crate) struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    pub field: Option<String>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self { status, code, message: message.into(), field: None }
    }

    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self { field: Some(field.into()), ..Self::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_input", message) }
    }
}

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        match e {
            AppError::Invalid(f) => Self::invalid(f.field, f.message),
            AppError::Transition(t) => Self {
                field: t.field().map(String::from),
                ..Self::new(StatusCode::CONFLICT, "invalid_transition", t.to_string())
            },
            AppError::Rule(r) => {
                // The exclusion turns on a fact of the request; every other rule on its date.
                let field = if r.rule == sg_rules::params::RECONSIDERATION_EXCLUDES_ECAT_ECHR_REMOVAL {
                    "removal_to_ecat_echr_state"
                } else {
                    "date"
                };
                Self { field: Some(field.into()), ..Self::new(StatusCode::CONFLICT, "refused_by_rule", r.to_string()) }
            }
            AppError::Unauthenticated => Self::new(
                StatusCode::UNAUTHORIZED,
                "unauthenticated",
                "send a valid API token as 'Authorization: Bearer TOKEN'",
            ),
            AppError::Forbidden(m) => Self::new(StatusCode::FORBIDDEN, "forbidden", m),
            AppError::NotFound => Self::new(StatusCode::NOT_FOUND, "not_found", "no such case, or not one you can see"),
            AppError::Conflict(m) => Self::new(StatusCode::CONFLICT, "conflict", m),
            AppError::Unavailable(why, detail) => {
                tracing::error!(%detail, ?why, "database unavailable");
                // Say which fault it is (never the database's own words): an operator must act.
                let message = match why {
                    Outage::ReadOnly => {
                        "the database is read-only, so nothing was changed; try again once it is writable"
                    }
                    Outage::Full => "the database's disk is full, so nothing was changed; try again once there is room",
                    Outage::Down => "the service is temporarily unavailable; try again",
                    Outage::Contention => "the database was busy with other changes, so nothing was changed; try again",
                };
                Self::new(StatusCode::SERVICE_UNAVAILABLE, "unavailable", message)
            }
            AppError::Internal(detail) => {
                tracing::error!(%detail, "internal error");
                Self::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", "something went wrong on our side")
            }
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut error = json!({ "code": self.code, "message": self.message });
        if let Some(field) = self.field {
            error["field"] = json!(field);
        }
        (self.status, Json(json!({ "error": error }))).into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The message follows the backend's classification, never the detail's words: a path
    /// with "readonly" in it once made an outage read as a read-only database.
    #[test]
    fn unavailable_is_worded_by_its_kind_not_its_detail() {
        let say = |why, detail: &str| ApiError::from(AppError::Unavailable(why, detail.into())).message;
        assert!(say(Outage::Down, "cannot open /srv/readonly-mount/full.db").contains("temporarily unavailable"));
        assert!(say(Outage::ReadOnly, "attempt to write").contains("read-only"));
        assert!(say(Outage::Full, "could not extend file").contains("disk is full"));
    }
}
