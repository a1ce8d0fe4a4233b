//! `GET`/`POST /api/v1/cases/{id}/consents`, `DELETE /api/v1/cases/{id}/consents/{consent_id}`
//! and `POST /api/v1/cases/{id}/consents/{consent_id}/countersign`.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use serde_json::{json, Value};
use sg_app::actions::parse_json;
use sg_app::consents::{ConsentInput, ConsentView, CountersignInput};
use sg_domain::CaseId;

use crate::error::ApiError;
use crate::extract::ApiUser;
use crate::AppState;

pub(crate) fn case_id(raw: &str) -> Result<CaseId, ApiError> {
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

pub(crate) fn uuid_of(field: &'static str, raw: &str) -> Result<uuid::Uuid, ApiError> {
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

/// Gives the person a one-time code for their own view (`/survivor`).
pub(crate) async fn survivor_code(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(raw): Path<String>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let code = state.app.issue_survivor_code(&user, case_id(&raw)?).await?;
    Ok((StatusCode::CREATED, Json(json!({ "code": code, "valid_days": 7, "where": "/survivor" }))))
}
