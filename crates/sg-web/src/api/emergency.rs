//! `GET`/`POST /api/v1/cases/{id}/emergency-requests` and
//! `POST /api/v1/cases/{id}/emergency-requests/{request_id}/decision`: emergency access where a
//! life is at risk (see `sg_app::emergency`).

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use sg_app::actions::parse_json;
use sg_app::emergency::EmergencyInput;
use sg_domain::EmergencyRequest;

use super::bodies::{DecisionInput, EmergencyAnswer, EmergencyRequestItem};
use super::consents::{case_id, uuid_of};
use super::openapi::{schema, ErrorResponse};
use crate::error::ApiError;
use crate::extract::ApiUser;
use crate::AppState;

/// A police user asks for emergency access to a case's identity.
#[utoipa::path(
    post, path = "/cases/{case_id}/emergency-requests", operation_id = "requestEmergencyAccess",
    summary = "A police user asks for emergency access to a case's identity where a life is at risk; someone who works on the case decides",
    params(("case_id" = uuid::Uuid, Path, description = "The case's id"), ("Idempotency-Key" = Option<String>, Header, min_length = 1, max_length = 255, description = "Makes a retry safe: a repeat of a request that succeeded, with the same key, gets the first answer again (with the header 'Idempotent-Replayed: true') and changes nothing; the same key with a different request is refused (422, code idempotency_key_reused, field Idempotency-Key); while the first is still being answered, 409 (idempotency_in_progress). Keys are scoped to the user. A survivor code is never replayed (it is a secret): a retry issues a fresh one.")),
    request_body = schema::EmergencyRequestInput,
    responses((status = 201, description = "Asked (pending)", body = EmergencyAnswer), (status = 401, response = ErrorResponse), (status = 403, response = ErrorResponse), (status = 404, response = ErrorResponse), (status = 409, response = ErrorResponse), (status = 422, response = ErrorResponse), (status = 503, response = ErrorResponse))
)]
pub(crate) async fn ask(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(raw): Path<String>,
    body: Bytes,
) -> Result<(StatusCode, Json<EmergencyAnswer>), ApiError> {
    let id = case_id(&raw)?;
    if !sg_app::access::can_request_emergency_access(&user) {
        return Err(sg_app::AppError::Forbidden(sg_app::Refusal::EmergencyRequest).into());
    }
    let input: EmergencyInput = parse_json(&body).map_err(|e| ApiError::invalid(e.field, e.message))?;
    let request = state.app.request_emergency_access(&user, id, input).await?;
    let status = request.status(state.app.clock.now());
    Ok((StatusCode::CREATED, Json(EmergencyAnswer { request_id: request.id, status, request })))
}

/// The emergency requests on a case, for those who work on it.
#[utoipa::path(
    get, path = "/cases/{case_id}/emergency-requests", operation_id = "listEmergencyRequests",
    summary = "Emergency access requests on a case, for those who work on it",
    params(("case_id" = uuid::Uuid, Path, description = "The case's id")),
    responses((status = 200, description = "Requests", body = Vec<EmergencyRequestItem>), (status = 401, response = ErrorResponse), (status = 403, response = ErrorResponse), (status = 404, response = ErrorResponse), (status = 409, response = ErrorResponse), (status = 422, response = ErrorResponse), (status = 503, response = ErrorResponse))
)]
pub(crate) async fn list(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(raw): Path<String>,
) -> Result<Json<Vec<EmergencyRequestItem>>, ApiError> {
    let now = state.app.clock.now();
    let requests: Vec<EmergencyRequest> = state.app.emergency_requests(&user, case_id(&raw)?).await?;
    Ok(Json(requests.into_iter().map(|r| EmergencyRequestItem { status: r.status(now), request: r }).collect()))
}

/// Someone who works on the case approves or declines an emergency request.
#[utoipa::path(
    post, path = "/cases/{case_id}/emergency-requests/{request_id}/decision", operation_id = "decideEmergencyRequest",
    summary = "Approve (the requester sees the identity category only, for the rules' emergency_access.hours) or decline; decided once",
    params(("case_id" = uuid::Uuid, Path, description = "The case's id"), ("request_id" = uuid::Uuid, Path, description = "The request's id"), ("Idempotency-Key" = Option<String>, Header, min_length = 1, max_length = 255, description = "Makes a retry safe: a repeat of a request that succeeded, with the same key, gets the first answer again (with the header 'Idempotent-Replayed: true') and changes nothing; the same key with a different request is refused (422, code idempotency_key_reused, field Idempotency-Key); while the first is still being answered, 409 (idempotency_in_progress). Keys are scoped to the user. A survivor code is never replayed (it is a secret): a retry issues a fresh one.")),
    request_body = DecisionInput,
    responses((status = 200, description = "Decided", body = EmergencyAnswer), (status = 401, response = ErrorResponse), (status = 403, response = ErrorResponse), (status = 404, response = ErrorResponse), (status = 409, response = ErrorResponse), (status = 422, response = ErrorResponse), (status = 503, response = ErrorResponse))
)]
pub(crate) async fn decide(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path((raw, request)): Path<(String, String)>,
    body: Bytes,
) -> Result<Json<EmergencyAnswer>, ApiError> {
    let (id, request) = (case_id(&raw)?, uuid_of("request_id", &request)?);
    // Access first: only those who work on the case learn anything from the body's checks.
    state.app.emergency_requests(&user, id).await?;
    let input: DecisionInput = parse_json(&body).map_err(|e| ApiError::invalid(e.field, e.message))?;
    let decided = state.app.decide_emergency_request(&user, id, request, input.decision).await?;
    let status = decided.status(state.app.clock.now());
    Ok(Json(EmergencyAnswer { request_id: request, status, request: decided }))
}
