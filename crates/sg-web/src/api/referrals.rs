//! `POST /api/v1/referrals`.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;
use sg_app::referrals::parse_referral_json;

use crate::error::ApiError;
use crate::extract::ApiUser;
use crate::AppState;

/// Submits a referral or Duty to Notify report. Honours `Idempotency-Key`.
pub(crate) async fn create(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let key = match headers.get("idempotency-key") {
        Some(v) => Some(v.to_str().map_err(|_| ApiError::invalid("Idempotency-Key", "must be visible ASCII"))?),
        None => None,
    };
    let input = parse_referral_json(&body).map_err(|e| ApiError::invalid(e.field, e.message))?;
    let submitted = state.app.submit_referral(&user, input, key).await?;
    let body = json!({
        "case_id": submitted.created.case_id,
        "reference": submitted.created.reference,
        "kind": submitted.kind,
        "status": submitted.status,
        "conversion_code": submitted.conversion_code,
    });
    let mut response = (StatusCode::CREATED, Json(body)).into_response();
    if submitted.created.replayed {
        response.headers_mut().insert("idempotent-replayed", "true".parse().expect("static header"));
    }
    Ok(response)
}

/// Turns a Duty to Notify report into a referral with its one-time code.
pub(crate) async fn convert(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    body: Bytes,
) -> Result<Json<sg_app::cases::CaseView>, ApiError> {
    let input: sg_app::conversion::ConversionInput =
        sg_app::actions::parse_json(&body).map_err(|e| ApiError::invalid(e.field, e.message))?;
    Ok(Json(state.app.convert_report(&user, input).await?))
}
