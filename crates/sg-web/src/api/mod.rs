//! The JSON API under `/api/v1`.

pub(crate) mod cases;
pub(crate) mod consents;
pub(crate) mod emergency;
pub(crate) mod idempotency;
pub(crate) mod referrals;

use axum::http::{header, StatusCode};
use axum::response::IntoResponse;

use crate::error::ApiError;

/// `GET /api/v1/openapi.json`: the OpenAPI description of the whole JSON API.
pub(crate) async fn openapi() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "application/json")], include_str!("openapi.json"))
}

/// Any other path under `/api/v1`.
pub(crate) async fn not_found() -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, "not_found", "no such API endpoint; see /api/v1/openapi.json")
}
