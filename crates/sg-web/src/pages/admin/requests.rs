//! `/admin/requests`: account changes asked for by one administrator, which a different one
//! approves (after a confirmation step, seeing the one-time code once) or declines.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use sg_app::AppError;
use sg_domain::Coded;
use sg_store::{AccountChange, AccountRequest, RequestOutcome};

use super::users::AddedPage;
use super::{field_error, when};
use crate::extract::PageUser;
use crate::form::FormData;
use crate::i18n::{label, tr, trf};
use crate::pages::{csrf_refusal, error_page, render, FieldMessage, Layout, MessagePage};
use crate::AppState;

/// One request, every value in words.
pub(crate) struct Line {
    pub id: String,
    pub asked: String,
    pub change: String,
    pub name: String,
    pub role: String,
    pub org: String,
    pub asked_by: String,
    /// Pending, approved by …, declined by …, expired.
    pub state: String,
    /// Whether approve and decline are offered.
    pub open: bool,
}

/// A request in words, as of `now`.
pub(crate) fn line(r: &AccountRequest, now: time::OffsetDateTime) -> Line {
    let by = r.decided_by_name.clone().unwrap_or_default();
    let at = r.decided_at.map(when).unwrap_or_default();
    let state = match r.outcome {
        Some(RequestOutcome::Approved) => trf("admin.requests.approved_by", &[("name", &by), ("when", &at)]),
        Some(RequestOutcome::Declined) => trf("admin.requests.declined_by", &[("name", &by), ("when", &at)]),
        None if r.expires_at <= now => tr("admin.requests.expired"),
        None => trf("admin.requests.pending_until", &[("when", &when(r.expires_at))]),
    };
    Line {
        id: r.id.to_string(),
        asked: when(r.requested_at),
        change: tr(&format!("admin.requests.change_{}", r.change.code())),
        name: r.name.clone(),
        role: label("role", r.role),
        org: r.org_name.clone(),
        asked_by: r.requested_by_name.clone(),
        state,
        open: r.outcome.is_none() && r.expires_at > now,
    }
}

#[derive(Template)]
#[template(path = "admin_requests.html")]
struct RequestsPage {
    layout: Layout,
    has_errors: bool,
    lines: Vec<Line>,
}

#[derive(Template)]
#[template(path = "admin_request_confirm.html")]
struct ConfirmPage {
    layout: Layout,
    /// `approve` or `decline`: the action's URL segment and catalogue section.
    action: &'static str,
    effect: String,
    confirm: String,
    has_errors: bool,
    errors: Vec<FieldMessage>,
    line: Line,
}

/// The page after asking: nothing was made yet; a second administrator must approve.
pub(crate) fn requested_page(who: &PageUser, request: &AccountRequest) -> Response {
    let key = match request.change {
        AccountChange::CreateUser => "admin.requests.asked_create",
        AccountChange::ResetCredentials => "admin.requests.asked_reset",
    };
    render(&MessagePage {
        layout: Layout::for_user(tr("admin.requests.asked_title"), who),
        has_errors: false,
        message: trf(key, &[("name", request.name.as_str()), ("when", &when(request.expires_at))]),
        link: Some(("/admin/requests".into(), tr("admin.requests.title"))),
    })
}

/// `GET /admin/requests`: every request, newest first.
pub(crate) async fn list(State(state): State<AppState>, who: PageUser) -> Response {
    match state.app.admin_requests(&who.user).await {
        Ok(requests) => {
            let now = state.app.clock.now();
            render(&RequestsPage {
                layout: Layout::for_user(tr("admin.requests.title"), &who),
                has_errors: false,
                lines: requests.iter().map(|r| line(r, now)).collect(),
            })
        }
        Err(e) => error_page(e),
    }
}

async fn confirm_step(
    state: &AppState,
    who: &PageUser,
    action: &'static str,
    id: &str,
    errors: Vec<FieldMessage>,
) -> Response {
    match state.app.admin_request(&who.user, id).await {
        Ok(request) => render(&ConfirmPage {
            layout: Layout::for_user(tr(&format!("admin.{action}.title")), who),
            action,
            effect: tr(&format!("admin.{action}.effect")),
            confirm: tr(&format!("admin.{action}.confirm")),
            has_errors: !errors.is_empty(),
            errors,
            line: line(&request, state.app.clock.now()),
        }),
        Err(e) => error_page(e),
    }
}

async fn refused(state: &AppState, who: &PageUser, action: &'static str, id: &str, e: AppError) -> Response {
    match field_error(e) {
        Ok(errors) => confirm_step(state, who, action, id, errors).await,
        Err(e) => error_page(e),
    }
}

/// `GET /admin/requests/{request_id}/approve`: the confirmation step.
pub(crate) async fn approve_confirm(State(state): State<AppState>, who: PageUser, Path(id): Path<String>) -> Response {
    confirm_step(&state, &who, "approve", &id, vec![]).await
}

/// `POST /admin/requests/{request_id}/approve`: makes the user or resets their credentials and
/// shows the one-time code, once. The administrator who asked is refused.
pub(crate) async fn approve(
    State(state): State<AppState>,
    who: PageUser,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let form = FormData::parse(&body);
    if let Some(r) = csrf_refusal(&who, &form) {
        return r;
    }
    match state.app.admin_approve(&who.user, &id).await {
        Ok(done) => {
            let added = done.request.change == AccountChange::CreateUser;
            render(&AddedPage {
                layout: Layout::for_user(tr(if added { "admin.added.title" } else { "admin.reset.done" }), &who),
                added,
                has_errors: false,
                name: done.user.name.clone(),
                org: done.user.org_name.clone(),
                role: label("role", done.user.role),
                code: done.code,
            })
        }
        Err(e) => refused(&state, &who, "approve", &id, e).await,
    }
}

/// `GET /admin/requests/{request_id}/decline`: the confirmation step.
pub(crate) async fn decline_confirm(State(state): State<AppState>, who: PageUser, Path(id): Path<String>) -> Response {
    confirm_step(&state, &who, "decline", &id, vec![]).await
}

/// `POST /admin/requests/{request_id}/decline`: declines (or, for the one who asked,
/// withdraws) the request. Back to the list.
pub(crate) async fn decline(
    State(state): State<AppState>,
    who: PageUser,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let form = FormData::parse(&body);
    if let Some(r) = csrf_refusal(&who, &form) {
        return r;
    }
    match state.app.admin_decline(&who.user, &id).await {
        Ok(_) => axum::response::Redirect::to("/admin/requests").into_response(),
        Err(e) => refused(&state, &who, "decline", &id, e).await,
    }
}
