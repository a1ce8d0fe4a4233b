//! A first responder's saved referrals: the list, continue, and delete with a confirmation.
//! The list shows a short reference, dates and the step reached: nothing about the person.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::response::{IntoResponse, Redirect, Response};
use sg_app::drafts::{DraftSummary, DRAFT_RETENTION_DAYS};
use sg_app::AppError;
use uuid::Uuid;

use super::refuse_non_referrers;
use crate::extract::PageUser;
use crate::form::FormData;
use crate::i18n::{tr, trf};
use crate::pages::{csrf_refusal, error_page, render, Layout};
use crate::AppState;

/// A draft as the list shows it: (id, reference, started, last changed, step reached, kept until).
type Row = (String, String, String, String, String, String);

/// A time in words in the page's language: "3 December 2026, 09:12" (UTC).
fn when(t: time::OffsetDateTime) -> String {
    let format = time::macros::format_description!("[hour]:[minute]");
    format!("{}, {}", crate::dates::staff(t.date()), t.format(format).unwrap_or_default())
}

/// The name of the question a draft reached, in the page's language.
fn step_name(step: &str) -> String {
    match step {
        "check" => tr("check.title"),
        "about" | "consent" | "declined" | "person" | "exploitation" | "identity" | "context" => {
            tr(&format!("referral.{step}.title"))
        }
        _ => tr("referral.other.title"),
    }
}

fn row(d: &DraftSummary) -> Row {
    (
        d.id.to_string(),
        trf("banner.draft_name", &[("started", &when(d.created_at)), ("reference", &d.reference)]),
        when(d.created_at),
        when(d.updated_at),
        step_name(&d.step),
        crate::dates::staff(d.expires_on),
    )
}

#[derive(Template)]
#[template(path = "referral/drafts.html")]
pub(crate) struct DraftsPage {
    layout: Layout,
    has_errors: bool,
    rows: Vec<Row>,
    /// The confirmation banner's text, or "".
    banner: String,
    retention: String,
}

/// `GET /referrals/drafts`: the user's saved referrals; `?saved=D-…` or `?deleted=D-…` shows
/// a confirmation (only for a reference of the user's own, so nothing is echoed from the URL).
pub(crate) async fn list(State(state): State<AppState>, who: PageUser, RawQuery(raw): RawQuery) -> Response {
    if let Some(r) = refuse_non_referrers(&who) {
        return r;
    }
    let drafts = match state.app.referral_drafts(&who.user).await {
        Ok(d) => d,
        Err(e) => return error_page(e),
    };
    let query = FormData::parse(raw.unwrap_or_default().as_bytes());
    let saved = query.get("saved");
    let banner = if query.get("deleted") == "yes" {
        tr("drafts.deleted_banner")
    } else if let Some(d) = drafts.iter().find(|d| !saved.is_empty() && d.reference == saved) {
        trf("drafts.saved_banner", &[("reference", &d.reference), ("date", &crate::dates::staff(d.expires_on))])
    } else {
        String::new()
    };
    render(&DraftsPage {
        layout: Layout::for_user(tr("drafts.title"), &who),
        has_errors: false,
        rows: drafts.iter().map(row).collect(),
        banner,
        retention: trf("drafts.retention", &[("days", &DRAFT_RETENTION_DAYS.to_string())]),
    })
}

fn draft_id(raw: &str) -> Result<Uuid, AppError> {
    Uuid::try_parse(raw).map_err(|_| AppError::NotFound)
}

/// `GET /referrals/drafts/{draft_id}`: continues a saved referral where it stopped.
pub(crate) async fn continue_draft(State(state): State<AppState>, who: PageUser, Path(raw): Path<String>) -> Response {
    let result = match draft_id(&raw) {
        Ok(id) => state.app.continue_draft(&who.user, &who.session, id).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(step) => Redirect::to(&format!("/referrals/new/{step}")).into_response(),
        Err(e) => error_page(e),
    }
}

#[derive(Template)]
#[template(path = "referral/delete_draft.html")]
pub(crate) struct DeletePage {
    layout: Layout,
    has_errors: bool,
    id: String,
    row: Row,
}

/// `GET /referrals/drafts/{draft_id}/delete`: asks to confirm.
pub(crate) async fn confirm_delete(State(state): State<AppState>, who: PageUser, Path(raw): Path<String>) -> Response {
    let result = match draft_id(&raw) {
        Ok(id) => state.app.draft_summary(&who.user, id).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(d) => render(&DeletePage {
            layout: Layout::for_user(trf("drafts.delete_title", &[("reference", &d.reference)]), &who),
            has_errors: false,
            id: d.id.to_string(),
            row: row(&d),
        }),
        Err(e) => error_page(e),
    }
}

/// `POST /referrals/drafts/{draft_id}/delete`: deletes the draft.
pub(crate) async fn delete(
    State(state): State<AppState>,
    who: PageUser,
    Path(raw): Path<String>,
    body: Bytes,
) -> Response {
    let form = FormData::parse(&body);
    if let Some(r) = csrf_refusal(&who, &form) {
        return r;
    }
    let result = match draft_id(&raw) {
        Ok(id) => state.app.delete_draft(&who.user, &who.session, id, "deleted").await,
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => Redirect::to("/referrals/drafts?deleted=yes").into_response(),
        Err(e) => error_page(e),
    }
}
