//! `GET`/`POST /api/v1/cases/{id}/consents`, `DELETE /api/v1/cases/{id}/consents/{consent_id}`
//! and `POST /api/v1/cases/{id}/consents/{consent_id}/countersign`.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::{Extension, Json};
use sg_app::actions::parse_json;
use sg_app::consents::{ConsentInput, ConsentView, CountersignInput};
use sg_domain::CaseId;

use crate::api::bodies::{Countersigned, Recorded, SurvivorCode, Withdrawn};
use crate::api::idempotency::IdempotencyKey;
use crate::api::openapi::{schema, ErrorResponse};
use crate::error::ApiError;
use crate::extract::ApiUser;
use crate::AppState;

pub(crate) fn case_id(raw: &str) -> Result<CaseId, ApiError> {
    CaseId::parse(raw).ok_or_else(|| ApiError::invalid("case_id", "is not a case id (a UUID)"))
}

/// Records a consent given by the person.
#[utoipa::path(
    post, path = "/cases/{case_id}/consents", operation_id = "recordConsent",
    summary = "Record a consent the person gave: purpose, recipient organisation, data categories, expiry",
    params(("case_id" = uuid::Uuid, Path, description = "The case's id"), ("Idempotency-Key" = Option<String>, Header, min_length = 1, max_length = 255, description = "Makes a retry safe: a repeat of a request that succeeded, with the same key, gets the first answer again (with the header 'Idempotent-Replayed: true') and changes nothing; the same key with a different request is refused (422, code idempotency_key_reused, field Idempotency-Key); while the first is still being answered, 409 (idempotency_in_progress). Keys are scoped to the user. A survivor code is never replayed (it is a secret): a retry issues a fresh one.")),
    request_body = schema::ConsentInput,
    responses((status = 201, description = "Recorded", body = Recorded), (status = 401, response = ErrorResponse), (status = 403, response = ErrorResponse), (status = 404, response = ErrorResponse), (status = 409, response = ErrorResponse), (status = 422, response = ErrorResponse), (status = 503, response = ErrorResponse))
)]
pub(crate) async fn create(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(raw): Path<String>,
    key: Option<Extension<IdempotencyKey>>,
    body: Bytes,
) -> Result<(StatusCode, Json<Recorded>), ApiError> {
    let id = case_id(&raw)?;
    let input: ConsentInput = parse_json(&body).map_err(|e| ApiError::invalid(e.field, e.message))?;
    let key = key.map(|Extension(k)| k.0);
    let consent = state.app.add_consent_once(&user, id, input, key.as_deref()).await?;
    Ok((StatusCode::CREATED, Json(Recorded { consent_id: consent.consent.id, consent })))
}

/// The consents on a case.
#[utoipa::path(
    get, path = "/cases/{case_id}/consents", operation_id = "listConsents",
    summary = "The consents recorded on a case",
    params(("case_id" = uuid::Uuid, Path, description = "The case's id")),
    responses((status = 200, description = "Consents", body = Vec<schema::Consent>), (status = 401, response = ErrorResponse), (status = 403, response = ErrorResponse), (status = 404, response = ErrorResponse), (status = 422, response = ErrorResponse), (status = 503, response = ErrorResponse))
)]
pub(crate) async fn list(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(raw): Path<String>,
) -> Result<Json<Vec<ConsentView>>, ApiError> {
    Ok(Json(state.app.consents(&user, case_id(&raw)?).await?))
}

/// Withdraws a consent, at once.
#[utoipa::path(
    delete, path = "/cases/{case_id}/consents/{consent_id}", operation_id = "withdrawConsent",
    summary = "Withdraw a consent, at once",
    params(("case_id" = uuid::Uuid, Path, description = "The case's id"), ("consent_id" = uuid::Uuid, Path, description = "The consent's id"), ("Idempotency-Key" = Option<String>, Header, min_length = 1, max_length = 255, description = "Makes a retry safe: a repeat of a request that succeeded, with the same key, gets the first answer again (with the header 'Idempotent-Replayed: true') and changes nothing; the same key with a different request is refused (422, code idempotency_key_reused, field Idempotency-Key); while the first is still being answered, 409 (idempotency_in_progress). Keys are scoped to the user. A survivor code is never replayed (it is a secret): a retry issues a fresh one.")),
    responses((status = 200, description = "Withdrawn", body = Withdrawn), (status = 401, response = ErrorResponse), (status = 403, response = ErrorResponse), (status = 404, response = ErrorResponse), (status = 409, response = ErrorResponse), (status = 422, response = ErrorResponse), (status = 503, response = ErrorResponse))
)]
pub(crate) async fn withdraw(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path((raw, consent)): Path<(String, String)>,
) -> Result<Json<Withdrawn>, ApiError> {
    let consent = uuid::Uuid::try_parse(&consent).map_err(|_| ApiError::invalid("consent_id", "is not a UUID"))?;
    state.app.withdraw_consent(&user, case_id(&raw)?, consent).await?;
    Ok(Json(Withdrawn { consent_id: consent, withdrawn: true }))
}

pub(crate) fn uuid_of(field: &'static str, raw: &str) -> Result<uuid::Uuid, ApiError> {
    uuid::Uuid::try_parse(raw).map_err(|_| ApiError::invalid(field, "is not a UUID"))
}

/// A colleague of the recorder countersigns a pending consent.
#[utoipa::path(
    post, path = "/cases/{case_id}/consents/{consent_id}/countersign", operation_id = "countersignConsent",
    summary = "A colleague of the recorder, who works on the case, countersigns a pending consent, attesting the language it was explained in and the interpreter; it takes effect",
    params(("case_id" = uuid::Uuid, Path, description = "The case's id"), ("consent_id" = uuid::Uuid, Path, description = "The consent's id"), ("Idempotency-Key" = Option<String>, Header, min_length = 1, max_length = 255, description = "Makes a retry safe: a repeat of a request that succeeded, with the same key, gets the first answer again (with the header 'Idempotent-Replayed: true') and changes nothing; the same key with a different request is refused (422, code idempotency_key_reused, field Idempotency-Key); while the first is still being answered, 409 (idempotency_in_progress). Keys are scoped to the user. A survivor code is never replayed (it is a secret): a retry issues a fresh one.")),
    request_body = schema::Countersign,
    responses((status = 200, description = "Countersigned: in force", body = Countersigned), (status = 401, response = ErrorResponse), (status = 403, response = ErrorResponse), (status = 404, response = ErrorResponse), (status = 409, response = ErrorResponse), (status = 422, response = ErrorResponse), (status = 503, response = ErrorResponse))
)]
pub(crate) async fn countersign(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path((raw, consent)): Path<(String, String)>,
    body: Bytes,
) -> Result<Json<Countersigned>, ApiError> {
    let (id, consent) = (case_id(&raw)?, uuid_of("consent_id", &consent)?);
    let input: CountersignInput = parse_json(&body).map_err(|e| ApiError::invalid(e.field, e.message))?;
    let view = state.app.countersign_consent(&user, id, consent, input).await?;
    Ok(Json(Countersigned { consent_id: consent, consent: view }))
}

/// Gives the person a code for their own view (`/survivor`); the case's earlier code stops.
#[utoipa::path(
    post, path = "/cases/{case_id}/survivor-code", operation_id = "issueSurvivorCode",
    summary = "A code for the person's own view at /survivor: reusable until ended or replaced, for 90 days",
    params(("case_id" = uuid::Uuid, Path, description = "The case's id")),
    responses((status = 201, description = "The code", body = SurvivorCode), (status = 401, response = ErrorResponse), (status = 403, response = ErrorResponse), (status = 404, response = ErrorResponse), (status = 422, response = ErrorResponse), (status = 503, response = ErrorResponse))
)]
pub(crate) async fn survivor_code(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(raw): Path<String>,
    headers: axum::http::HeaderMap,
) -> Result<(StatusCode, Json<SurvivorCode>), ApiError> {
    let issued = state.app.issue_survivor_code(&user, case_id(&raw)?).await?;
    let days = sg_app::survivor_code::SURVIVOR_CODE_LIFETIME.whole_days() as u32;
    Ok((
        StatusCode::CREATED,
        Json(SurvivorCode {
            code: issued.code,
            valid_days: days,
            until: issued.expires_at.date().to_string(),
            at: "/survivor",
            address: crate::pages::survivor_code::survivor_address(&state, &headers),
        }),
    ))
}

/// Ends the person's code and the sessions opened with it.
#[utoipa::path(
    delete, path = "/cases/{case_id}/survivor-code", operation_id = "endSurvivorCode",
    summary = "Ends the person's code for their own view, and their sessions",
    params(("case_id" = uuid::Uuid, Path, description = "The case's id")),
    responses((status = 204, description = "Ended (or there was none)"), (status = 401, response = ErrorResponse), (status = 403, response = ErrorResponse), (status = 404, response = ErrorResponse), (status = 422, response = ErrorResponse), (status = 503, response = ErrorResponse))
)]
pub(crate) async fn end_code(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(raw): Path<String>,
) -> Result<StatusCode, ApiError> {
    state.app.end_survivor_code(&user, case_id(&raw)?).await?;
    Ok(StatusCode::NO_CONTENT)
}
