//! The JSON API under `/api/v1`.

pub(crate) mod bodies;
pub(crate) mod cases;
pub(crate) mod consents;
pub(crate) mod emergency;
pub(crate) mod idempotency;
pub(crate) mod openapi;
pub(crate) mod referrals;

use axum::http::{header, StatusCode};
use axum::response::IntoResponse;

use crate::error::ApiError;

/// `GET /api/v1/openapi.json`: the OpenAPI description of the whole JSON API, generated
/// ([`openapi::ApiDoc`]).
#[utoipa::path(
    get, path = "/openapi.json", operation_id = "openapi", summary = "This description", security(()),
    responses((status = 200, description = "The OpenAPI document", body = openapi::schema::Document))
)]
pub(crate) async fn openapi() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "application/json")], openapi::DOCUMENT.as_str())
}

/// Any other path under `/api/v1`.
pub(crate) async fn not_found() -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, "not_found", "no such API endpoint; see /api/v1/openapi.json")
}
