//! Leaving the survivor's pages: the quick exit and signing out (issue 20).
//!
//! A person may be reading on a borrowed phone, near someone they fear. The quick exit (a link
//! on every survivor page, and Shift pressed three times with `static/init.js`) goes through
//! `GET /survivor/exit`, which ends the session and sends the browser to a neutral site.
//! Signing out ends the session and says how to get back in.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Redirect, Response};

use super::survivor::{cookie_name, language, session, LangQuery};
use super::{error_page, render, Layout};
use crate::extract::cookie_token;
use crate::form::FormData;
use crate::i18n::{t, Locale};
use crate::AppState;

/// Where the quick exit lands: a busy, unrelated site that is unremarkable in any history.
pub(crate) const NEUTRAL_SITE: &str = "https://www.bbc.co.uk/weather";

/// The survivor cookie, emptied.
fn cleared_cookie(state: &AppState) -> String {
    let secure = if state.secure_cookies { "; Secure" } else { "" };
    format!("{}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0{secure}", cookie_name(state))
}

/// Ends the session the request's cookie names, if any.
async fn end_session(state: &AppState, headers: &HeaderMap, quick: bool) -> Result<(), sg_app::AppError> {
    match cookie_token(headers, cookie_name(state)) {
        Some(token) => state.app.end_survivor_session(&token, quick).await,
        None => Ok(()),
    }
}

/// `GET /survivor/exit`: ends the session, if there is one, and leaves for the neutral site.
/// A failure to end it does not hold the person back: they leave all the same.
pub(crate) async fn exit(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if end_session(&state, &headers, true).await.is_err() {
        tracing::warn!("quick exit: the survivor session could not be ended");
    }
    (
        [(header::SET_COOKIE, cleared_cookie(&state)), (header::REFERRER_POLICY, "no-referrer".to_string())],
        Redirect::to(NEUTRAL_SITE),
    )
        .into_response()
}

#[derive(Template)]
#[template(path = "survivor_signed_out.html")]
pub(crate) struct SignedOutPage {
    layout: Layout,
    has_errors: bool,
    locale: Locale,
}

impl SignedOutPage {
    fn t(&self, key: &str) -> String {
        t(self.locale, key)
    }
}

/// `POST /survivor/sign-out`: ends the session and says so, in the person's language.
pub(crate) async fn sign_out(
    State(state): State<AppState>,
    Query(q): Query<LangQuery>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let (_, csrf) = match session(&state, &headers).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    if FormData::parse(&body).get("csrf") != csrf {
        return error_page(sg_app::AppError::Forbidden(sg_app::Refusal::FormExpired));
    }
    if let Err(e) = end_session(&state, &headers, false).await {
        return error_page(e);
    }
    let locale = language(&q, &headers);
    let layout = Layout::anonymous(t(locale, "survivor.signed_out.title")).localised(locale, &Locale::ALL);
    let page = SignedOutPage { layout, has_errors: false, locale };
    ([(header::SET_COOKIE, cleared_cookie(&state))], render(&page)).into_response()
}
