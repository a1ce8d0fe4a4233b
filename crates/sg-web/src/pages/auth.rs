//! Sign in with a name and password, use a one-time code, choose a password, sign out.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use sg_app::{AppError, Refusal};
use sg_store::User;

use super::presession::{self, FormToken};
use super::{csrf_refusal, error_page, message_for, render, FieldMessage, Layout};
use crate::extract::{cookie_name, cookie_token, session_cookie, ClientAddr, PageUser};
use crate::form::FormData;
use crate::AppState;

#[derive(Template)]
#[template(path = "sign_in.html")]
pub(crate) struct SignInPage {
    layout: Layout,
    has_errors: bool,
    errors: Vec<FieldMessage>,
    name: String,
    expired: bool,
}

#[derive(Deserialize)]
pub(crate) struct SignInQuery {
    expired: Option<String>,
}

/// An anonymous page's layout, carrying the browser's pre-session form token.
fn anonymous(title: &str, token: &FormToken) -> Layout {
    let mut layout = Layout::anonymous(crate::i18n::tr(title));
    layout.csrf = token.token.clone();
    layout
}

/// `GET /sign-in`.
pub(crate) async fn sign_in_page(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<SignInQuery>,
) -> Response {
    let token = FormToken::for_form(&state, &headers);
    let page = render(&SignInPage {
        layout: anonymous("sign_in.title", &token),
        has_errors: false,
        errors: vec![],
        name: String::new(),
        expired: q.expired.is_some(),
    });
    token.respond(page)
}

/// A new session for `user`, ending the one this browser held, if any: signing in always
/// gives a new session token, so a token planted in the browser beforehand opens nothing.
async fn start_session(state: &AppState, headers: &HeaderMap, user: &User, to: &str) -> Response {
    if let Some(old) = cookie_token(headers, cookie_name(state)) {
        if let Err(e) = state.app.end_session(&old).await {
            return error_page(e);
        }
    }
    match state.app.start_session(user).await {
        Ok((token, _)) => {
            ([(header::SET_COOKIE, session_cookie(state, Some(&token)))], Redirect::to(to)).into_response()
        }
        Err(e) => error_page(e),
    }
}

/// `POST /sign-in`.
pub(crate) async fn sign_in(
    State(state): State<AppState>,
    ClientAddr(client): ClientAddr,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let form = FormData::parse(&body);
    if let Some(refused) = presession::refusal(&state, &headers, &form) {
        return refused;
    }
    let token = FormToken::for_form(&state, &headers);
    let mut retry_after = None;
    let name = form.get("name");
    let mut errors = vec![];
    if name.is_empty() {
        errors.push(FieldMessage { lang: "", field: "name".into(), message: crate::i18n::tr("sign_in.error.name") });
    }
    if form.get("password").is_empty() {
        errors.push(FieldMessage {
            lang: "",
            field: "password".into(),
            message: crate::i18n::tr("sign_in.error.password"),
        });
    }
    if errors.is_empty() {
        match state.app.sign_in(&name, &form.get("password"), client).await {
            Ok(user) => {
                let next = if user.has_second_factor { "/sign-in/two-factor" } else { "/" };
                return start_session(&state, &headers, &user, next).await;
            }
            Err(AppError::Forbidden(m)) => {
                if let Refusal::TooManyAttempts { seconds } = m {
                    retry_after = Some(seconds);
                }
                errors.push(FieldMessage { lang: "", field: "name".into(), message: crate::i18n::refusal_message(m) })
            }
            Err(e) => return error_page(e),
        }
    }
    let page = render(&SignInPage {
        layout: anonymous("sign_in.title", &token),
        has_errors: true,
        errors,
        name,
        expired: false,
    });
    match retry_after {
        // Told as HTTP says it too, for clients that wait by themselves.
        Some(seconds) => {
            (StatusCode::TOO_MANY_REQUESTS, [(header::RETRY_AFTER, seconds.to_string())], page).into_response()
        }
        None => page,
    }
}

#[derive(Template)]
#[template(path = "sign_in_code.html")]
pub(crate) struct CodePage {
    layout: Layout,
    has_errors: bool,
    errors: Vec<FieldMessage>,
    code: String,
}

/// `GET /sign-in/code`.
pub(crate) async fn code_page(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let token = FormToken::for_form(&state, &headers);
    let page = render(&CodePage {
        layout: anonymous("sign_in.code_page", &token),
        has_errors: false,
        errors: vec![],
        code: String::new(),
    });
    token.respond(page)
}

/// `POST /sign-in/code`: spends the code, signs in, and asks for a password.
pub(crate) async fn use_code(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    let form = FormData::parse(&body);
    if let Some(refused) = presession::refusal(&state, &headers, &form) {
        return refused;
    }
    let code = form.get("code");
    let message = if code.is_empty() {
        crate::i18n::tr("sign_in.error.code")
    } else {
        match state.app.sign_in_with_code(&code).await {
            Ok(user) => return start_session(&state, &headers, &user, "/account/password").await,
            Err(AppError::Forbidden(m)) => crate::i18n::refusal_message(m),
            Err(e) => return error_page(e),
        }
    };
    let token = FormToken::for_form(&state, &headers);
    render(&CodePage {
        layout: anonymous("sign_in.code_page", &token),
        has_errors: true,
        errors: vec![FieldMessage { lang: "", field: "code".into(), message }],
        code: String::new(),
    })
}

#[derive(Template)]
#[template(path = "password.html")]
pub(crate) struct PasswordPage {
    layout: Layout,
    has_errors: bool,
    errors: Vec<FieldMessage>,
    /// The user has a password: the form asks for it before a new one.
    has_password: bool,
}

impl PasswordPage {
    fn error_for(&self, field: &str) -> super::FieldErr {
        message_for(&self.errors, field)
    }
}

/// `GET /account/password`.
pub(crate) async fn password_page(State(state): State<AppState>, who: PageUser) -> Response {
    let has_password = match state.app.has_password(who.user.id).await {
        Ok(has) => has,
        Err(e) => return error_page(e),
    };
    render(&PasswordPage {
        layout: Layout::for_user(crate::i18n::tr("password.title"), &who),
        has_errors: false,
        errors: vec![],
        has_password,
    })
}

/// `POST /account/password`: needs the current password when there is one; ends the user's
/// other sessions and gives this one a new token.
pub(crate) async fn set_password(
    State(state): State<AppState>,
    ClientAddr(client): ClientAddr,
    who: PageUser,
    body: Bytes,
) -> Response {
    let form = FormData::parse(&body);
    if let Some(r) = csrf_refusal(&who, &form) {
        return r;
    }
    let (current, password, confirmation) =
        (form.get("current-password"), form.get("password"), form.get("confirmation"));
    let message =
        match state.app.change_password(&who.user, &who.session, &current, &password, &confirmation, client).await {
            Ok(token) => {
                return ([(header::SET_COOKIE, session_cookie(&state, Some(&token)))], Redirect::to("/"))
                    .into_response()
            }
            Err(AppError::Invalid(f)) => FieldMessage::from_error(f),
            Err(AppError::Forbidden(m)) => {
                FieldMessage { lang: "", field: "current-password".into(), message: crate::i18n::refusal_message(m) }
            }
            Err(e) => return error_page(e),
        };
    let has_password = match state.app.has_password(who.user.id).await {
        Ok(has) => has,
        Err(e) => return error_page(e),
    };
    render(&PasswordPage {
        layout: Layout::for_user(crate::i18n::tr("password.title"), &who),
        has_errors: true,
        errors: vec![message],
        has_password,
    })
}

/// `POST /sign-out`.
pub(crate) async fn sign_out(
    State(state): State<AppState>,
    headers: HeaderMap,
    who: PageUser,
    body: Bytes,
) -> Response {
    let form = FormData::parse(&body);
    if let Some(r) = csrf_refusal(&who, &form) {
        return r;
    }
    if let Some(token) = cookie_token(&headers, cookie_name(&state)) {
        if let Err(e) = state.app.sign_out(&who.user, &token).await {
            return error_page(e);
        }
    }
    ([(header::SET_COOKIE, session_cookie(&state, None))], Redirect::to("/sign-in")).into_response()
}

/// Capitalises the first letter (a refusal's English sentence on a page).
pub(crate) fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(first) => first.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}
