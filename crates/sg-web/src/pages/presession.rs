//! Login CSRF: the forms sent before there is a session (`/sign-in`, `/sign-in/code`,
//! `/survivor`) carry a token too, so another site cannot sign a browser in to an account of
//! its choosing (whose work the victim would then do, and whose history the attacker reads).
//! A double-submit cookie: showing the form sets a random token in a `SameSite=Strict`,
//! `HttpOnly` cookie (`__Host-` behind TLS, so no other site or subdomain can set it) and in
//! the form; a form is taken only when both came back equal.

use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Response};
use sg_app::{AppError, Refusal};

use super::error_page;
use crate::extract::cookie_token;
use crate::form::FormData;
use crate::AppState;

/// The pre-session token's cookie: pinned to this host behind TLS.
fn cookie_name(state: &AppState) -> &'static str {
    if state.secure_cookies {
        "__Host-safeguard-form"
    } else {
        "safeguard-form"
    }
}

/// A form's token: the browser's own, or a new one with the `Set-Cookie` value that gives it.
pub(crate) struct FormToken {
    /// The value for the form's `csrf` field.
    pub token: String,
    /// Set when the browser had none yet.
    pub set_cookie: Option<String>,
}

impl FormToken {
    /// The token for a form shown to this browser. An existing one is kept, so two tabs'
    /// forms both work.
    pub(crate) fn for_form(state: &AppState, headers: &HeaderMap) -> Self {
        if let Some(token) = cookie_token(headers, cookie_name(state)).filter(|t| t.len() >= 32) {
            return Self { token, set_cookie: None };
        }
        let token = sg_app::auth::new_secret();
        let secure = if state.secure_cookies { "; Secure" } else { "" };
        let cookie = format!("{}={token}; Path=/; HttpOnly; SameSite=Strict{secure}", cookie_name(state));
        Self { token, set_cookie: Some(cookie) }
    }

    /// `page` with the cookie set, when a new token was made.
    pub(crate) fn respond(self, page: Response) -> Response {
        match self.set_cookie {
            Some(cookie) => ([(header::SET_COOKIE, cookie)], page).into_response(),
            None => page,
        }
    }
}

/// `Some(refusal page)` unless the form's `csrf` field equals the browser's token cookie; the
/// handler returns it without doing anything.
pub(crate) fn refusal(state: &AppState, headers: &HeaderMap, form: &FormData) -> Option<Response> {
    let sent = form.get("csrf");
    let kept = cookie_token(headers, cookie_name(state)).unwrap_or_default();
    if sent.len() >= 32 && super::constant_time_eq(sent.as_bytes(), kept.as_bytes()) {
        None
    } else {
        Some(error_page(AppError::Forbidden(Refusal::FormExpired)))
    }
}
