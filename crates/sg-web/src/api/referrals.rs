//! `POST /api/v1/referrals`.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use sg_app::referrals::parse_referral_json;

use crate::api::openapi::{schema, ErrorResponse};
use crate::error::ApiError;
use crate::extract::ApiUser;
use crate::AppState;

/// Submits a referral or Duty to Notify report. Honours `Idempotency-Key`.
#[utoipa::path(
    post, path = "/referrals", operation_id = "createReferral",
    summary = "Submit an NRM referral, or a Duty to Notify report for an adult who does not consent",
    params(("Idempotency-Key" = Option<String>, Header, min_length = 1, max_length = 255, description = "The same key with the same body returns the first response and creates nothing; with a different body it is refused (409).")),
    request_body = schema::Referral,
    responses(
        (status = 201, description = "Created (or replayed for a repeated Idempotency-Key)", body = super::bodies::Created),
        (status = 401, response = ErrorResponse), (status = 403, response = ErrorResponse), (status = 409, response = ErrorResponse), (status = 422, response = ErrorResponse), (status = 503, response = ErrorResponse)
    )
)]
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
    let body = super::bodies::Created {
        case_id: submitted.created.case_id,
        reference: submitted.created.reference,
        kind: submitted.kind,
        status: submitted.status,
        conversion_code: submitted.conversion_code,
    };
    let mut response = (StatusCode::CREATED, Json(body)).into_response();
    if submitted.created.replayed {
        response.headers_mut().insert("idempotent-replayed", "true".parse().expect("static header"));
    }
    Ok(response)
}

/// Turns a Duty to Notify report into a referral with its one-time code.
#[utoipa::path(
    post, path = "/referrals/convert", operation_id = "convertReport",
    summary = "Turn a Duty to Notify report into a referral when the adult now consents, with the report's one-time conversion code (given in the 201 response that created it). The converting first responder's organisation takes the case on.",
    params(("Idempotency-Key" = Option<String>, Header, min_length = 1, max_length = 255, description = "Makes a retry safe: a repeat of a request that succeeded, with the same key, gets the first answer again (with the header 'Idempotent-Replayed: true') and changes nothing; the same key with a different request is refused (422, code idempotency_key_reused, field Idempotency-Key); while the first is still being answered, 409 (idempotency_in_progress). Keys are scoped to the user. A survivor code is never replayed (it is a secret): a retry issues a fresh one.")),
    request_body = schema::Conversion,
    responses(
        (status = 200, description = "The case, now a referral", body = schema::Case),
        (status = 401, response = ErrorResponse), (status = 403, response = ErrorResponse), (status = 409, response = ErrorResponse), (status = 422, response = ErrorResponse), (status = 503, response = ErrorResponse)
    )
)]
pub(crate) async fn convert(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    body: Bytes,
) -> Result<Json<sg_app::cases::CaseView>, ApiError> {
    let input: sg_app::conversion::ConversionInput =
        sg_app::actions::parse_json(&body).map_err(|e| ApiError::invalid(e.field, e.message))?;
    Ok(Json(state.app.convert_report(&user, input).await?))
}
