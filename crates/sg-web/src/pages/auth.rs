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
        layout: Layout::anonymous(crate::i18n::tr("sign_in.title")),
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
        errors.push(FieldMessage { field: "name".into(), message: crate::i18n::tr("sign_in.error.name") });
    }
    if form.get("password").is_empty() {
        errors.push(FieldMessage { field: "password".into(), message: crate::i18n::tr("sign_in.error.password") });
    }
    if errors.is_empty() {
        match state.app.sign_in(&name, &form.get("password")).await {
            Ok(user) => {
                let next = if user.has_second_factor { "/sign-in/two-factor" } else { "/" };
                return start_session(&state, &user, next).await;
            }
            Err(AppError::Forbidden(m)) => {
                errors.push(FieldMessage { field: "name".into(), message: crate::i18n::refusal_message(m) })
            }
            Err(e) => return error_page(e),
        }
    }
    render(&SignInPage {
        layout: Layout::anonymous(crate::i18n::tr("sign_in.title")),
        has_errors: true,
        errors,
        name,
        expired: false,
    })
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
        layout: Layout::anonymous(crate::i18n::tr("sign_in.code_page")),
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
        crate::i18n::tr("sign_in.error.code")
    } else {
        match state.app.sign_in_with_code(&code).await {
            Ok(user) => return start_session(&state, &user, "/account/password").await,
            Err(AppError::Forbidden(m)) => crate::i18n::refusal_message(m),
            Err(e) => return error_page(e),
        }
    };
    render(&CodePage {
        layout: Layout::anonymous(crate::i18n::tr("sign_in.code_page")),
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
    render(&PasswordPage {
        layout: Layout::for_user(crate::i18n::tr("password.title"), &who),
        has_errors: false,
        errors: vec![],
    })
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
            layout: Layout::for_user(crate::i18n::tr("password.title"), &who),
            has_errors: true,
            errors: vec![FieldMessage { message: crate::i18n::field_message(&f), field: f.field }],
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

#[derive(Template)]
#[template(path = "two_factor.html")]
pub(crate) struct TwoFactorPage {
    layout: Layout,
    has_errors: bool,
    errors: Vec<FieldMessage>,
    /// Set while enrolling: the secret to type into an authenticator, and its address.
    secret: String,
    otpauth: String,
    action: &'static str,
}

/// `GET /sign-in/two-factor`: the second step of signing in.
pub(crate) async fn second_factor_page(who: crate::extract::PendingUser) -> Response {
    let mut layout = Layout::anonymous(crate::i18n::tr("two_factor.title"));
    layout.csrf = who.session.csrf_token.clone();
    render(&TwoFactorPage {
        layout,
        has_errors: false,
        errors: vec![],
        secret: String::new(),
        otpauth: String::new(),
        action: "/sign-in/two-factor",
    })
}

/// `POST /sign-in/two-factor`.
pub(crate) async fn second_factor(
    State(state): State<AppState>,
    who: crate::extract::PendingUser,
    body: Bytes,
) -> Response {
    let form = FormData::parse(&body);
    // The half-open session's own token guards this form, as every other.
    if form.get("csrf") != who.session.csrf_token {
        return error_page(AppError::Forbidden(sg_app::Refusal::FormExpired));
    }
    let message = match state.app.complete_second_factor(&who.session, &who.user, &form.get("code")).await {
        Ok(()) => return Redirect::to("/").into_response(),
        Err(AppError::Invalid(f)) => crate::i18n::field_message(&f),
        Err(AppError::Forbidden(m)) => crate::i18n::refusal_message(m),
        Err(e) => return error_page(e),
    };
    let mut page = TwoFactorPage {
        layout: Layout::anonymous(crate::i18n::tr("two_factor.title")),
        has_errors: true,
        errors: vec![FieldMessage { field: "code".into(), message }],
        secret: String::new(),
        otpauth: String::new(),
        action: "/sign-in/two-factor",
    };
    page.layout.csrf = who.session.csrf_token.clone();
    render(&page)
}

/// `GET /account/two-factor`: set up an authenticator.
pub(crate) async fn enrol_page(who: PageUser) -> Response {
    let (secret, otpauth) = sg_app::second_factor::new_enrolment(&who.user);
    render(&TwoFactorPage {
        layout: Layout::for_user(crate::i18n::tr("two_factor.enrol_title"), &who),
        has_errors: false,
        errors: vec![],
        secret,
        otpauth,
        action: "/account/two-factor",
    })
}

/// `POST /account/two-factor`.
pub(crate) async fn enrol(State(state): State<AppState>, who: PageUser, body: Bytes) -> Response {
    let form = FormData::parse(&body);
    if let Some(r) = csrf_refusal(&who, &form) {
        return r;
    }
    let secret = form.get("secret");
    match state.app.enrol_second_factor(&who.user, &secret, &form.get("code")).await {
        // Home: each role's own first page (an administrator's is the users page).
        Ok(()) => Redirect::to("/").into_response(),
        Err(AppError::Invalid(f)) => {
            let otpauth = sg_app::second_factor::otpauth_url(&who.user, &secret);
            render(&TwoFactorPage {
                layout: Layout::for_user(crate::i18n::tr("two_factor.enrol_title"), &who),
                has_errors: true,
                errors: vec![FieldMessage { field: "code".into(), message: crate::i18n::field_message(&f) }],
                secret,
                otpauth,
                action: "/account/two-factor",
            })
        }
        Err(e) => error_page(e),
    }
}
