//! `GET /api/v1/cases`, `GET /api/v1/cases/{id}`, its identity, and actions on it.

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::Json;
use serde::Deserialize;
use sg_app::actions::{parse_json, ActionRequest};
use sg_app::cases::{CaseView, PersonView};
use sg_domain::{AgeAtExploitation, CaseId, CaseKind, CaseStatus, CompetentAuthority, Jurisdiction};
use sg_store::{CaseFilter, CasePage, CaseSort, Coded};
use time::Date;

use crate::error::ApiError;
use crate::extract::ApiUser;
use crate::AppState;

fn case_id(raw: &str) -> Result<CaseId, ApiError> {
    CaseId::parse(raw).ok_or_else(|| ApiError::invalid("case_id", "is not a case id (a UUID)"))
}

/// The case list's query string.
#[derive(Debug, Deserialize)]
pub(crate) struct ListQuery {
    status: Option<CaseStatus>,
    kind: Option<CaseKind>,
    jurisdiction: Option<Jurisdiction>,
    age: Option<AgeAtExploitation>,
    competent_authority: Option<CompetentAuthority>,
    reference: Option<String>,
    referred_from: Option<Date>,
    referred_to: Option<Date>,
    /// Read as text so that a bad value is answered naming `sort`.
    sort: Option<String>,
    limit: Option<u32>,
    offset: Option<u64>,
}

/// One page of the cases the caller may see.
pub(crate) async fn list(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    query: Result<Query<ListQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<CasePage>, ApiError> {
    let Query(q) = query.map_err(|e| ApiError::invalid("query", e.body_text()))?;
    if let Some(limit) = q.limit {
        if !(1..=200).contains(&limit) {
            return Err(ApiError::invalid("limit", "must be between 1 and 200"));
        }
    }
    let sort = match q.sort.as_deref() {
        None => CaseSort::default(),
        Some(v) => CaseSort::from_code(v)
            .ok_or_else(|| ApiError::invalid("sort", format!("must be one of: {}", CaseSort::expected())))?,
    };
    let filter = CaseFilter {
        status: q.status,
        kind: q.kind,
        jurisdiction: q.jurisdiction,
        age: q.age,
        competent_authority: q.competent_authority,
        referred_by_org: None,
        related: None,
        reference: q.reference,
        referred_from: q.referred_from,
        referred_to: q.referred_to,
        sort,
        limit: q.limit.unwrap_or(50),
        offset: q.offset.unwrap_or(0),
    };
    Ok(Json(state.app.list_cases(&user, filter).await?))
}

/// A case's non-identifying facts, status and timeline.
pub(crate) async fn show(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(raw): Path<String>,
) -> Result<Json<CaseView>, ApiError> {
    Ok(Json(state.app.case_view(&user, case_id(&raw)?).await?))
}

/// The person's identity and account, or `403`.
pub(crate) async fn identity(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(raw): Path<String>,
) -> Result<Json<PersonView>, ApiError> {
    Ok(Json(state.app.person(&user, case_id(&raw)?).await?))
}

/// Carries out one action (a decision, a reconsideration, support...) and returns the case.
pub(crate) async fn act(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(raw): Path<String>,
    body: Bytes,
) -> Result<Json<CaseView>, ApiError> {
    let id = case_id(&raw)?;
    let request: ActionRequest = parse_json(&body).map_err(|e| ApiError::invalid(e.field, e.message))?;
    let (date, version, facts) = (request.date, request.version, request.request_facts());
    let (command, person) = request.into_command();
    Ok(Json(state.app.change_case_with(&user, id, command, date, version, person, facts).await?))
}
