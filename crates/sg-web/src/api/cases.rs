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

use crate::api::openapi::{schema, ErrorResponse};
use crate::error::ApiError;
use crate::extract::ApiUser;
use crate::AppState;

fn case_id(raw: &str) -> Result<CaseId, ApiError> {
    CaseId::parse(raw).ok_or_else(|| ApiError::invalid("case_id", "is not a case id (a UUID)"))
}

/// The case list's query string; its OpenAPI parameters are derived from it.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct ListQuery {
    #[param(value_type = Option<schema::Status>)]
    status: Option<CaseStatus>,
    #[param(value_type = Option<schema::Kind>)]
    kind: Option<CaseKind>,
    #[param(value_type = Option<schema::Jurisdiction>)]
    jurisdiction: Option<Jurisdiction>,
    #[param(value_type = Option<schema::Age>)]
    age: Option<AgeAtExploitation>,
    #[param(value_type = Option<schema::CompetentAuthority>)]
    competent_authority: Option<CompetentAuthority>,
    reference: Option<String>,
    #[param(value_type = Option<String>, format = Date)]
    referred_from: Option<Date>,
    #[param(value_type = Option<String>, format = Date)]
    referred_to: Option<Date>,
    /// newest (the default): newest referral first. deadline: the soonest next open deadline
    /// first (the reasonable-grounds target while that decision is awaited, the end of the
    /// recovery period while the conclusive-grounds decision is), cases with no open deadline
    /// last, ties by case id. Any other value is refused with 422 naming sort.
    // Read as text so that a bad value is answered naming `sort`.
    #[param(schema_with = sort_schema)]
    sort: Option<String>,
    #[param(minimum = 1, maximum = 200, default = 50)]
    limit: Option<u32>,
    /// Cases to skip, at most 10000. Deeper pages: pass `after`.
    #[param(minimum = 0, maximum = 10000, default = 0)]
    offset: Option<u64>,
    /// Keyset pagination: the `next_after` of the previous page (same filters and sort); the
    /// page starts just after it, as cheaply at any depth.
    after: Option<String>,
}

/// The `sort` parameter's schema: the codes of [`CaseSort`].
fn sort_schema() -> utoipa::openapi::Object {
    let codes: Vec<&str> = CaseSort::ALL.iter().map(|s| s.code()).collect();
    utoipa::openapi::ObjectBuilder::new()
        .schema_type(utoipa::openapi::Type::String)
        .enum_values(Some(codes))
        .default(Some(CaseSort::default().code().into()))
        .build()
}

/// One page of the cases the caller may see.
#[utoipa::path(
    get, path = "/cases", operation_id = "listCases",
    summary = "One page of the cases the caller may see, newest referral first or soonest deadline first",
    params(ListQuery),
    responses((status = 200, description = "A page of cases", body = schema::CasePage), (status = 401, response = ErrorResponse), (status = 403, response = ErrorResponse), (status = 422, response = ErrorResponse), (status = 503, response = ErrorResponse))
)]
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
    let after = match q.after.as_deref() {
        None => None,
        Some(text) => Some(
            sg_store::CaseCursor::parse(text)
                .ok_or_else(|| ApiError::invalid("after", "is not a cursor: pass a page's next_after unchanged"))?,
        ),
    };
    let filter = CaseFilter {
        status: q.status,
        open_only: false,
        kind: q.kind,
        jurisdiction: q.jurisdiction,
        age: q.age,
        competent_authority: q.competent_authority,
        referred_by_org: None,
        related: None,
        or_related: None,
        reference: q.reference,
        referred_from: q.referred_from,
        referred_to: q.referred_to,
        sort,
        limit: q.limit.unwrap_or(50),
        offset: q.offset.unwrap_or(0),
        after,
    };
    Ok(Json(state.app.list_cases(&user, filter).await?))
}

/// A case's non-identifying facts, status and timeline.
#[utoipa::path(
    get, path = "/cases/{case_id}", operation_id = "getCase",
    summary = "A case's non-identifying facts, status and timeline",
    params(("case_id" = uuid::Uuid, Path, description = "The case's id")),
    responses((status = 200, description = "The case", body = schema::Case), (status = 401, response = ErrorResponse), (status = 403, response = ErrorResponse), (status = 404, response = ErrorResponse), (status = 422, response = ErrorResponse), (status = 503, response = ErrorResponse))
)]
pub(crate) async fn show(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(raw): Path<String>,
) -> Result<Json<CaseView>, ApiError> {
    Ok(Json(state.app.case_view(&user, case_id(&raw)?).await?))
}

/// The person's identity and account, or `403`.
#[utoipa::path(
    get, path = "/cases/{case_id}/identity", operation_id = "getIdentity",
    summary = "The person's identity and account, or 403 where the firewall refuses",
    params(("case_id" = uuid::Uuid, Path, description = "The case's id")),
    responses((status = 200, description = "Identity and account", body = schema::Person), (status = 401, response = ErrorResponse), (status = 403, response = ErrorResponse), (status = 404, response = ErrorResponse), (status = 422, response = ErrorResponse), (status = 503, response = ErrorResponse))
)]
pub(crate) async fn identity(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(raw): Path<String>,
) -> Result<Json<PersonView>, ApiError> {
    Ok(Json(state.app.person(&user, case_id(&raw)?).await?))
}

/// Carries out one action (a decision, a reconsideration, support...) and returns the case.
#[utoipa::path(
    post, path = "/cases/{case_id}/actions", operation_id = "actOnCase",
    summary = "Record a decision, reconsideration, support change, permission to stay, conversion or withdrawal",
    params(("case_id" = uuid::Uuid, Path, description = "The case's id"), ("Idempotency-Key" = Option<String>, Header, min_length = 1, max_length = 255, description = "Makes a retry safe: a repeat of a request that succeeded, with the same key, gets the first answer again (with the header 'Idempotent-Replayed: true') and changes nothing; the same key with a different request is refused (422, code idempotency_key_reused, field Idempotency-Key); while the first is still being answered, 409 (idempotency_in_progress). Keys are scoped to the user. A survivor code is never replayed (it is a secret): a retry issues a fresh one.")),
    request_body = schema::Action,
    responses((status = 200, description = "The case after the change", body = schema::Case), (status = 401, response = ErrorResponse), (status = 403, response = ErrorResponse), (status = 404, response = ErrorResponse), (status = 409, response = ErrorResponse), (status = 422, response = ErrorResponse), (status = 503, response = ErrorResponse))
)]
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
