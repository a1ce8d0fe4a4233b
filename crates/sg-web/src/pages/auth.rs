//! Sign in with a name and password, use a one-time code, choose a password, sign out.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use sg_app::AppError;
use sg_store::User;

use super::{csrf_refusal, error_page, message_for, render, FieldMessage, Layout};
use crate::extract::{cookie_name, cookie_token, session_cookie, PageUser};
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

/// `GET /sign-in`.
pub(crate) async fn sign_in_page(Query(q): Query<SignInQuery>) -> Response {
    render(&SignInPage {
        layout: Layout::anonymous("Sign in"),
        has_errors: false,
        errors: vec![],
        name: String::new(),
        expired: q.expired.is_some(),
    })
}

async fn start_session(state: &AppState, user: &User, to: &str) -> Response {
    match state.app.start_session(user).await {
        Ok((token, _)) => {
            ([(header::SET_COOKIE, session_cookie(state, Some(&token)))], Redirect::to(to)).into_response()
        }
        Err(e) => error_page(e),
    }
}

/// `POST /sign-in`.
pub(crate) async fn sign_in(State(state): State<AppState>, body: Bytes) -> Response {
    let form = FormData::parse(&body);
    let name = form.get("name");
    let mut errors = vec![];
    if name.is_empty() {
        errors.push(FieldMessage { field: "name".into(), message: "Enter your name".into() });
    }
    if form.get("password").is_empty() {
        errors.push(FieldMessage { field: "password".into(), message: "Enter your password".into() });
    }
    if errors.is_empty() {
        match state.app.sign_in(&name, &form.get("password")).await {
            Ok(user) => return start_session(&state, &user, "/").await,
            Err(AppError::Forbidden(m)) => errors.push(FieldMessage { field: "name".into(), message: capitalise(&m) }),
            Err(e) => return error_page(e),
        }
    }
    render(&SignInPage { layout: Layout::anonymous("Sign in"), has_errors: true, errors, name, expired: false })
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
pub(crate) async fn code_page() -> Response {
    render(&CodePage {
        layout: Layout::anonymous("Use a sign-in code"),
        has_errors: false,
        errors: vec![],
        code: String::new(),
    })
}

/// `POST /sign-in/code`: spends the code, signs in, and asks for a password.
pub(crate) async fn use_code(State(state): State<AppState>, body: Bytes) -> Response {
    let form = FormData::parse(&body);
    let code = form.get("code");
    let message = if code.is_empty() {
        "Enter the sign-in code".to_string()
    } else {
        match state.app.sign_in_with_code(&code).await {
            Ok(user) => return start_session(&state, &user, "/account/password").await,
            Err(AppError::Forbidden(m)) => capitalise(&m),
            Err(e) => return error_page(e),
        }
    };
    render(&CodePage {
        layout: Layout::anonymous("Use a sign-in code"),
        has_errors: true,
        errors: vec![FieldMessage { field: "code".into(), message }],
        code: String::new(),
    })
}

#[derive(Template)]
#[template(path = "password.html")]
pub(crate) struct PasswordPage {
    layout: Layout,
    has_errors: bool,
    errors: Vec<FieldMessage>,
}

impl PasswordPage {
    fn error_for(&self, field: &str) -> &str {
        message_for(&self.errors, field)
    }
}

/// `GET /account/password`.
pub(crate) async fn password_page(who: PageUser) -> Response {
    render(&PasswordPage { layout: Layout::for_user("Choose your password", &who), has_errors: false, errors: vec![] })
}

/// `POST /account/password`.
pub(crate) async fn set_password(State(state): State<AppState>, who: PageUser, body: Bytes) -> Response {
    let form = FormData::parse(&body);
    if let Some(r) = csrf_refusal(&who, &form) {
        return r;
    }
    match state.app.set_password(who.user.id, &form.get("password"), &form.get("confirmation")).await {
        Ok(()) => Redirect::to("/").into_response(),
        Err(AppError::Invalid(f)) => render(&PasswordPage {
            layout: Layout::for_user("Choose your password", &who),
            has_errors: true,
            errors: vec![FieldMessage { message: format!("The {} {}", f.field, f.message), field: f.field }],
        }),
        Err(e) => error_page(e),
    }
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
        if let Err(e) = state.app.end_session(&token).await {
            return error_page(e);
        }
    }
    ([(header::SET_COOKIE, session_cookie(&state, None))], Redirect::to("/sign-in")).into_response()
}

pub(crate) fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(first) => first.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}
