//! The session's end as a user meets it: a warning before the idle sign-out with "Stay signed
//! in" (`POST /session/keep-alive`), and a form sent after the session ended kept, sealed in the
//! database (`sg_app::kept_forms`), and returned to its user after they sign in again.

use axum::body::Bytes;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use sg_app::kept_forms::{KEPT_FORM_LIFETIME, KEPT_FORM_MAX_BYTES};
use uuid::Uuid;

use super::{constant_time_eq, csrf_refusal, error_page};
use crate::extract::{cookie_name, cookie_token, PageUser};
use crate::form::FormData;
use crate::AppState;

/// The cookie that holds a kept form's token: pinned to this host behind TLS.
fn kept_cookie_name(state: &AppState) -> &'static str {
    if state.secure_cookies {
        "__Host-safeguard-kept"
    } else {
        "safeguard-kept"
    }
}

fn kept_cookie(state: &AppState, token: Option<&str>) -> String {
    let secure = if state.secure_cookies { "; Secure" } else { "" };
    let name = kept_cookie_name(state);
    match token {
        Some(t) => format!(
            "{name}={t}; Path=/; HttpOnly; SameSite=Strict; Max-Age={}{secure}",
            KEPT_FORM_LIFETIME.whole_seconds()
        ),
        None => format!("{name}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0{secure}"),
    }
}

/// Whether a form sent to `path` is one that can be returned after signing in again: a
/// referral's question, a case's step or a decision. No other form is kept (a password, an
/// authenticator's secret or an administrator's change is typed again).
fn keeps_forms_of(path: &str) -> bool {
    let parts: Vec<&str> = path.split('/').collect();
    matches!(parts.as_slice(), ["", "referrals", "new", _] | ["", "cases", _, "act" | "decide", _])
}

/// Middleware: a page form sent with a session that has timed out, carrying that session's own
/// form token, is kept, and the browser is sent to sign in again with the kept form's token in
/// a cookie. A form without the session's token (another site's post riding on the cookie) is
/// not kept: the browser signs in again and nothing comes back.
pub(crate) async fn keep_forms(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if request.method() != Method::POST || !keeps_forms_of(request.uri().path()) {
        return next.run(request).await;
    }
    let Some(token) = cookie_token(request.headers(), cookie_name(&state)) else {
        return next.run(request).await;
    };
    let session = match state.app.ended_session(&token).await {
        Ok(Some(session)) => session,
        Ok(None) => return next.run(request).await,
        Err(e) => return error_page(e),
    };
    let path = request.uri().path().to_string();
    let body = match axum::body::to_bytes(request.into_body(), KEPT_FORM_MAX_BYTES).await {
        Ok(b) => b,
        Err(_) => return StatusCode::PAYLOAD_TOO_LARGE.into_response(),
    };
    // The ended session goes, as any request with it would end it.
    if let Err(e) = state.app.end_session(&token).await {
        return error_page(e);
    }
    let to = Redirect::to("/sign-in?expired=1");
    let sent = FormData::parse(&body).get("csrf");
    if sent.is_empty() || !constant_time_eq(sent.as_bytes(), session.csrf_token.as_bytes()) {
        return to.into_response();
    }
    match state.app.keep_form(&session, &path, &body).await {
        Ok(Some(kept)) => ([(header::SET_COOKIE, kept_cookie(&state, Some(&kept)))], to).into_response(),
        Ok(None) => to.into_response(),
        Err(e) => error_page(e),
    }
}

/// After signing in: the form kept for this user, if the browser holds one, taken back (once,
/// erased as it is taken) and returned to its page. `None` when there is none to return. A form
/// kept for another user is not shown and its cookie stays, so its own user still finds it
/// when they sign in on this browser.
pub(crate) async fn return_kept_form(state: &AppState, headers: &HeaderMap, who: &PageUser) -> Option<Response> {
    let token = cookie_token(headers, kept_cookie_name(state)).filter(|t| !t.is_empty())?;
    let clear = [(header::SET_COOKIE, kept_cookie(state, None))];
    let kept = match state.app.take_kept_form(&token, who.user.id).await {
        Ok(Some(kept)) => kept,
        Ok(None) => return None,
        Err(e) => return Some((clear, error_page(e)).into_response()),
    };
    let form = FormData::parse(kept.body.as_bytes());
    let to = match kept.path.strip_prefix("/referrals/new/") {
        Some(step) => {
            let draft = kept.draft.as_deref().and_then(|d| Uuid::try_parse(d).ok());
            match super::referral::restore(state, who, draft, step, &form).await {
                Ok(to) => to,
                Err(e) => return Some((clear, error_page(e)).into_response()),
            }
        }
        // A case's step or decision: its form again, with what was typed; any other form's
        // page is the user's first page.
        None => {
            let parts: Vec<&str> = kept.path.split('/').collect();
            let page = match parts.as_slice() {
                ["", "cases", id, "act", action] => super::actions::kept(state, who, id, action, &form).await,
                ["", "cases", id, "decide", q] => super::decisions::kept(state, who, id, q, &form).await,
                _ => Redirect::to("/").into_response(),
            };
            return Some((clear, page).into_response());
        }
    };
    Some((clear, Redirect::to(&to)).into_response())
}

/// `POST /session/keep-alive`: "Stay signed in" on the timeout warning.
pub(crate) async fn keep_alive(State(state): State<AppState>, who: PageUser, body: Bytes) -> Response {
    let form = FormData::parse(&body);
    if let Some(r) = csrf_refusal(&who, &form) {
        return r;
    }
    match state.app.keep_session_alive(&who.session).await {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(e) => error_page(e),
    }
}

/// `GET /favicon.ico`: browsers ask for it on every site, so it answers (an SVG, which the
/// pages' `<link rel="icon">` names) rather than a 404.
pub(crate) async fn favicon() -> Response {
    let svg: &[u8] = include_bytes!("../../static/favicon.svg");
    ([(header::CONTENT_TYPE, "image/svg+xml"), (header::CACHE_CONTROL, "public, max-age=86400")], svg).into_response()
}
