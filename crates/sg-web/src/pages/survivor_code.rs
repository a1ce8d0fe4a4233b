//! A caseworker's side of the person's code (issue 20): issuing it with the language of its
//! slip, the printable slip, and ending it (with a confirmation). The code is shown once and
//! never put in a URL: the slip is a `POST` of the code just shown, checked against the
//! case's live code.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use sg_app::AppError;
use sg_domain::CaseId;

use super::{csrf_refusal, error_page, render, render_with, Layout};
use crate::dates::in_words;
use crate::extract::PageUser;
use crate::form::FormData;
use crate::i18n::{t, tf, tr, Locale};
use crate::AppState;

fn case_id(raw: &str) -> Result<CaseId, AppError> {
    CaseId::parse(raw).ok_or(AppError::NotFound)
}

/// The full address of the person's page, as the caseworker's own request reached this
/// server: `https://` behind TLS (secure cookies), the `Host` it was sent to.
pub(crate) fn survivor_address(state: &AppState, headers: &HeaderMap) -> String {
    let scheme = if state.secure_cookies { "https" } else { "http" };
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("localhost");
    // Only what a host name may hold, so the printed address cannot carry markup or a path.
    let host: String =
        host.chars().filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']')).collect();
    format!("{scheme}://{host}/survivor")
}

/// The slip's language as chosen on the form: one of the survivor languages, exactly.
fn slip_language(form: &FormData) -> Result<Locale, AppError> {
    let raw = form.get("slip_lang");
    Locale::ALL.into_iter().find(|l| l.code() == raw).ok_or_else(|| {
        AppError::Invalid(sg_domain::FieldError::new("slip_lang", "Choose the language of the person's slip"))
    })
}

#[derive(Template)]
#[template(path = "survivor_code_issued.html")]
pub(crate) struct CodeIssuedPage {
    layout: Layout,
    has_errors: bool,
    id: String,
    code: String,
    until: String,
    address: String,
    slip_lang: &'static str,
    slip_language: String,
}

/// `POST /cases/{id}/survivor-code`: a code the person uses at `/survivor`, shown once.
pub(crate) async fn issue(
    State(state): State<AppState>,
    who: PageUser,
    Path(raw): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let form = FormData::parse(&body);
    if let Some(r) = csrf_refusal(&who, &form) {
        return r;
    }
    // The form offers English first and checked; a form without a choice gets English too.
    let lang = if form.get("slip_lang").is_empty() { Ok(Locale::En) } else { slip_language(&form) };
    let (id, lang) = match (case_id(&raw), lang) {
        (Ok(id), Ok(lang)) => (id, lang),
        (Err(e), _) | (_, Err(e)) => return error_page(e),
    };
    match state.app.issue_survivor_code(&who.user, id).await {
        Ok(issued) => render_with(
            StatusCode::CREATED,
            &CodeIssuedPage {
                layout: Layout::for_user(tr("code_issued.title"), &who),
                has_errors: false,
                id: id.to_string(),
                code: issued.code,
                until: in_words(crate::i18n::current(), issued.expires_at.date()),
                address: survivor_address(&state, &headers),
                slip_lang: lang.code(),
                slip_language: t(lang, "language.name"),
            },
        ),
        Err(e) => error_page(e),
    }
}

#[derive(Template)]
#[template(path = "survivor_slip.html")]
pub(crate) struct SlipPage {
    lang: &'static str,
    dir: &'static str,
    locale: Locale,
    id: String,
    code: String,
    address: String,
    until: String,
    /// The caseworker's own language, for the line above the slip that is not printed.
    staff_lang: &'static str,
    back: String,
    hint: String,
}

impl SlipPage {
    fn t(&self, key: &str) -> String {
        t(self.locale, key)
    }
    fn tf(&self, key: &str, args: &[(&str, &str)]) -> String {
        tf(self.locale, key, args)
    }
}

/// `POST /cases/{id}/survivor-code/slip`: the printable slip of the code just issued, in the
/// language chosen for it; only for the case's live code.
pub(crate) async fn slip(
    State(state): State<AppState>,
    who: PageUser,
    Path(raw): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let form = FormData::parse(&body);
    if let Some(r) = csrf_refusal(&who, &form) {
        return r;
    }
    let id = match case_id(&raw) {
        Ok(id) => id,
        Err(e) => return error_page(e),
    };
    // Who may see the slip is decided first, then what was sent.
    let code = form.get("code");
    let until = match state.app.is_live_survivor_code(&who.user, id, &code).await {
        Ok(true) => state.app.live_survivor_code(&who.user, id).await,
        Ok(false) => return error_page(AppError::Forbidden(sg_app::Refusal::SurvivorCodeInvalid)),
        Err(e) => Err(e),
    };
    let until = match until {
        Ok(Some(at)) => at,
        Ok(None) => return error_page(AppError::Forbidden(sg_app::Refusal::SurvivorCodeInvalid)),
        Err(e) => return error_page(e),
    };
    let locale = match slip_language(&form) {
        Ok(l) => l,
        Err(e) => return error_page(e),
    };
    let until = in_words(locale, until.date());
    let code = sg_app::survivor_code::normalise(&code).map(|c| sg_app::survivor_code::grouped(&c)).unwrap_or(code);
    render(&SlipPage {
        lang: locale.code(),
        dir: locale.dir(),
        locale,
        id: id.to_string(),
        code,
        address: survivor_address(&state, &headers),
        until,
        staff_lang: crate::i18n::current().code(),
        back: tr("code_issued.back"),
        hint: tr("code_issued.print"),
    })
}

#[derive(Template)]
#[template(path = "survivor_code_end.html")]
pub(crate) struct EndPage {
    layout: Layout,
    has_errors: bool,
    id: String,
    until: String,
}

/// `GET /cases/{id}/survivor-code/end`: asks before ending the person's code.
pub(crate) async fn ask_end(State(state): State<AppState>, who: PageUser, Path(raw): Path<String>) -> Response {
    let id = match case_id(&raw) {
        Ok(id) => id,
        Err(e) => return error_page(e),
    };
    match state.app.live_survivor_code(&who.user, id).await {
        Ok(Some(at)) => render(&EndPage {
            layout: Layout::for_user(tr("code_end.title"), &who),
            has_errors: false,
            id: id.to_string(),
            until: in_words(crate::i18n::current(), at.date()),
        }),
        // Nothing to end: back to the consents, which say there is no code.
        Ok(None) => Redirect::to(&format!("/cases/{id}/consents")).into_response(),
        Err(e) => error_page(e),
    }
}

/// `POST /cases/{id}/survivor-code/end`: ends the code and the sessions opened with it.
pub(crate) async fn end(
    State(state): State<AppState>,
    who: PageUser,
    Path(raw): Path<String>,
    body: Bytes,
) -> Response {
    let form = FormData::parse(&body);
    if let Some(r) = csrf_refusal(&who, &form) {
        return r;
    }
    let id = match case_id(&raw) {
        Ok(id) => id,
        Err(e) => return error_page(e),
    };
    match state.app.end_survivor_code(&who.user, id).await {
        Ok(_) => Redirect::to(&format!("/cases/{id}/consents?done=code-ended")).into_response(),
        Err(e) => error_page(e),
    }
}
