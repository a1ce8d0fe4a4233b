//! `GET`/`POST /api/v1/cases/{id}/emergency-requests` and
//! `POST /api/v1/cases/{id}/emergency-requests/{request_id}/decision`: emergency access where a
//! life is at risk (see `sg_app::emergency`).

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use serde_json::{json, Value};
use sg_app::actions::parse_json;
use sg_app::emergency::EmergencyInput;
use sg_domain::{EmergencyDecision, EmergencyRequest};

use super::consents::{case_id, uuid_of};
use crate::error::ApiError;
use crate::extract::ApiUser;
use crate::AppState;

/// A police user asks for emergency access to a case's identity.
pub(crate) async fn ask(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(raw): Path<String>,
    body: Bytes,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let id = case_id(&raw)?;
    if !sg_app::access::can_request_emergency_access(&user) {
        return Err(sg_app::AppError::Forbidden("only the police ask for emergency access".into()).into());
    }
    let input: EmergencyInput = parse_json(&body).map_err(|e| ApiError::invalid(e.field, e.message))?;
    let request = state.app.request_emergency_access(&user, id, input).await?;
    let status = request.status(state.app.clock.now());
    Ok((StatusCode::CREATED, Json(json!({ "request_id": request.id, "status": status, "request": request }))))
}

/// The emergency requests on a case, for those who work on it.
pub(crate) async fn list(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(raw): Path<String>,
) -> Result<Json<Vec<Value>>, ApiError> {
    let now = state.app.clock.now();
    let requests: Vec<EmergencyRequest> = state.app.emergency_requests(&user, case_id(&raw)?).await?;
    Ok(Json(requests.into_iter().map(|r| json!({ "status": r.status(now), "request": r })).collect()))
}

/// The body of a decision on an emergency request.
#[derive(serde::Deserialize)]
struct DecisionInput {
    decision: EmergencyDecision,
}

/// Someone who works on the case approves or declines an emergency request.
pub(crate) async fn decide(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path((raw, request)): Path<(String, String)>,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let (id, request) = (case_id(&raw)?, uuid_of("request_id", &request)?);
    // Access first: only those who work on the case learn anything from the body's checks.
    state.app.emergency_requests(&user, id).await?;
    let input: DecisionInput = parse_json(&body).map_err(|e| ApiError::invalid(e.field, e.message))?;
    let decided = state.app.decide_emergency_request(&user, id, request, input.decision).await?;
    let status = decided.status(state.app.clock.now());
    Ok(Json(json!({ "request_id": request, "status": status, "request": decided })))
}
