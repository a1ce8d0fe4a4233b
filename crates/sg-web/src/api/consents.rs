//! `GET`/`POST /api/v1/cases/{id}/consents`, `DELETE /api/v1/cases/{id}/consents/{consent_id}`,
//! `POST /api/v1/cases/{id}/consents/{consent_id}/countersign`, and emergency requests.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use serde_json::{json, Value};
use sg_app::actions::parse_json;
use sg_app::consents::{ConsentInput, ConsentView, CountersignInput};
use sg_app::emergency::EmergencyInput;
use sg_domain::{CaseId, EmergencyDecision, EmergencyRequest};

use crate::error::ApiError;
use crate::extract::ApiUser;
use crate::AppState;

fn case_id(raw: &str) -> Result<CaseId, ApiError> {
    CaseId::parse(raw).ok_or_else(|| ApiError::invalid("case_id", "is not a case id (a UUID)"))
}

/// Records a consent given by the person.
pub(crate) async fn create(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(raw): Path<String>,
    body: Bytes,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let id = case_id(&raw)?;
    let input: ConsentInput = parse_json(&body).map_err(|e| ApiError::invalid(e.field, e.message))?;
    let consent = state.app.add_consent(&user, id, input).await?;
    Ok((StatusCode::CREATED, Json(json!({ "consent_id": consent.consent.id, "consent": consent }))))
}

/// The consents on a case.
pub(crate) async fn list(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(raw): Path<String>,
) -> Result<Json<Vec<ConsentView>>, ApiError> {
    Ok(Json(state.app.consents(&user, case_id(&raw)?).await?))
}

/// Withdraws a consent, at once.
pub(crate) async fn withdraw(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path((raw, consent)): Path<(String, String)>,
) -> Result<Json<Value>, ApiError> {
    let consent = uuid::Uuid::try_parse(&consent).map_err(|_| ApiError::invalid("consent_id", "is not a UUID"))?;
    state.app.withdraw_consent(&user, case_id(&raw)?, consent).await?;
    Ok(Json(json!({ "consent_id": consent, "withdrawn": true })))
}

fn uuid_of(field: &'static str, raw: &str) -> Result<uuid::Uuid, ApiError> {
    uuid::Uuid::try_parse(raw).map_err(|_| ApiError::invalid(field, "is not a UUID"))
}

/// A colleague of the recorder countersigns a pending consent.
pub(crate) async fn countersign(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path((raw, consent)): Path<(String, String)>,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let (id, consent) = (case_id(&raw)?, uuid_of("consent_id", &consent)?);
    let input: CountersignInput = parse_json(&body).map_err(|e| ApiError::invalid(e.field, e.message))?;
    let view = state.app.countersign_consent(&user, id, consent, input).await?;
    Ok(Json(json!({ "consent_id": consent, "consent": view })))
}

/// A police user asks for emergency access to a case's identity.
pub(crate) async fn request_emergency(
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
pub(crate) async fn list_emergency(
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
pub(crate) async fn decide_emergency(
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

/// Gives the person a one-time code for their own view (`/survivor`).
pub(crate) async fn survivor_code(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(raw): Path<String>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let code = state.app.issue_survivor_code(&user, case_id(&raw)?).await?;
    Ok((StatusCode::CREATED, Json(json!({ "code": code, "valid_days": 7, "where": "/survivor" }))))
}
