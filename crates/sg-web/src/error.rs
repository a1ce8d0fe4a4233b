//! Turning application errors into responses: the JSON error envelope for the API.
//!
//! Every error has a stable machine-readable `code` (a refusal or a refused step its own reason's
//! code, `refusal.*`, `not_yet.*`, `transition.*`); `field` names the input at fault. Internal
//! details go to the log, never into a response.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;
use sg_app::{AppError, Refusal};
use sg_domain::{Coded, NotYet, TransitionError};
use sg_store::Outage;
use utoipa::ToSchema;

/// The codes of errors that are not a refusal or a refused step (those name their reason).
pub(crate) const CLASS_CODES: &[&str] = &[
    "invalid_input",
    "refused_by_rule",
    "unauthenticated",
    "not_found",
    "conflict",
    "unavailable",
    "internal",
    "too_large",
    "idempotency_key_reused",
    "idempotency_in_progress",
    // The per-user request budget's 429 (server limits).
    "rate_limited",
];

/// Every code an API error can have: [`CLASS_CODES`], each [`Refusal`]'s and each
/// [`TransitionError`]'s.
pub(crate) fn all_codes() -> Vec<&'static str> {
    let refusals = Refusal::EXAMPLES.iter().map(|r| r.code());
    let steps = NotYet::ALL.iter().map(|r| r.code()).chain(TransitionError::CODES.iter().copied());
    CLASS_CODES.iter().copied().chain(refusals).chain(steps).collect()
}

/// The body of every API error: `{"error": {"code", "message", "field"}}`.
#[derive(Serialize, ToSchema)]
#[schema(as = Error)]
pub(crate) struct ErrorBody {
    #[schema(inline)]
    error: ErrorDetail,
}

/// What went wrong.
#[derive(Serialize, ToSchema)]
pub(crate) struct ErrorDetail {
    /// Stable and machine-readable: a refusal (`refusal.*`) or a refused step (`not_yet.*`,
    /// `transition.*`) names its reason; the pages word the same code in each language.
    #[schema(schema_with = code_schema)]
    code: &'static str,
    /// The same in English words.
    message: String,
    /// The input at fault, where one was.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    field: Option<String>,
}

/// The `code` property's schema: every code, generated from the types.
fn code_schema() -> utoipa::openapi::Object {
    utoipa::openapi::ObjectBuilder::new()
        .schema_type(utoipa::openapi::Type::String)
        .enum_values(Some(all_codes()))
        .build()
}

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

/// The request field a rule's refusal turns on: a fact the request gave (the removal to an ECAT
/// and ECHR state, the re-trafficking risk assessment a disqualification needs), otherwise its
/// date, on which every other rule depends.
pub(crate) fn rule_field(r: &sg_rules::Refusal) -> &'static str {
    use sg_rules::params as p;
    if r.rule == p::RECONSIDERATION_EXCLUDES_ECAT_ECHR_REMOVAL {
        "removal_to_ecat_echr_state"
    } else if r.rule == p::PUBLIC_ORDER_DISQUALIFICATION && r.value.contains("retrafficking_risk_assessment") {
        "retrafficking_risk_assessed"
    } else {
        "date"
    }
}

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        match e {
            AppError::Invalid(f) => Self::invalid(f.field, f.message),
            // The reason's own code, so a client can tell "not routed yet" from "already decided".
            AppError::Transition(t) => {
                Self { field: t.field().map(String::from), ..Self::new(StatusCode::CONFLICT, t.code(), t.to_string()) }
            }
            AppError::Rule(r) => {
                let field = rule_field(&r);
                Self { field: Some(field.into()), ..Self::new(StatusCode::CONFLICT, "refused_by_rule", r.to_string()) }
            }
            AppError::Unauthenticated => Self::new(
                StatusCode::UNAUTHORIZED,
                "unauthenticated",
                "send a valid API token as 'Authorization: Bearer TOKEN'",
            ),
            AppError::Forbidden(r) => Self::new(StatusCode::FORBIDDEN, r.code(), r.to_string()),
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
        let error = ErrorDetail { code: self.code, message: self.message, field: self.field };
        (self.status, Json(ErrorBody { error })).into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every code the web layer gives an error itself is listed for the document.
    #[test]
    fn every_code_used_is_listed() {
        let sources = [include_str!("api/idempotency.rs"), include_str!("api/mod.rs"), include_str!("error.rs")];
        let mut seen = 0;
        for source in sources {
            for (i, _) in source.match_indices("StatusCode::") {
                let rest = &source[i..];
                let Some(code) = rest.split(',').nth(1).map(str::trim) else { continue };
                if let Some(code) = code.strip_prefix('"').and_then(|c| c.strip_suffix('"')) {
                    assert!(CLASS_CODES.contains(&code), "{code} is not in CLASS_CODES");
                    seen += 1;
                }
            }
        }
        assert!(seen >= 5, "found only {seen} codes");
        let all = all_codes();
        assert!(all.contains(&"refusal.cannot_see_cases") && all.contains(&"not_yet.not_routed"));
    }

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
