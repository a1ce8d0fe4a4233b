//! The second factor: the second step of signing in (`/sign-in/two-factor`, which renews the
//! session), and setting up or replacing an authenticator (`/account/two-factor`, which needs
//! a current code when there is a factor already).

use askama::Template;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use sg_app::AppError;

use super::{csrf_refusal, error_page, render, FieldMessage, Layout};
use crate::extract::{session_cookie, ClientAddr, PageUser, PendingUser};
use crate::form::FormData;
use crate::AppState;

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
    /// Replacing a factor: the form asks for a code of the current one too.
    replacing: bool,
}

impl TwoFactorPage {
    fn error_for(&self, field: &str) -> super::FieldErr {
        super::message_for(&self.errors, field)
    }
}

fn sign_in_step(who: &PendingUser, errors: Vec<FieldMessage>) -> Response {
    let mut layout = Layout::anonymous(crate::i18n::tr("two_factor.title"));
    layout.csrf = who.session.csrf_token.clone();
    render(&TwoFactorPage {
        layout,
        has_errors: !errors.is_empty(),
        errors,
        secret: String::new(),
        otpauth: String::new(),
        action: "/sign-in/two-factor",
        replacing: false,
    })
}

/// `GET /sign-in/two-factor`: the second step of signing in.
pub(crate) async fn second_factor_page(who: PendingUser) -> Response {
    sign_in_step(&who, vec![])
}

/// `POST /sign-in/two-factor`: the code is checked and spent, and the session gets a new token.
pub(crate) async fn second_factor(
    State(state): State<AppState>,
    ClientAddr(client): ClientAddr,
    who: PendingUser,
    body: Bytes,
) -> Response {
    let form = FormData::parse(&body);
    // The half-open session's own token guards this form, as every other.
    if !super::constant_time_eq(form.get("csrf").as_bytes(), who.session.csrf_token.as_bytes()) {
        return error_page(AppError::Forbidden(sg_app::Refusal::FormExpired));
    }
    let message = match state.app.complete_second_factor(&who.session, &who.user, &form.get("code"), client).await {
        Ok(token) => {
            return ([(header::SET_COOKIE, session_cookie(&state, Some(&token)))], Redirect::to("/")).into_response()
        }
        Err(AppError::Invalid(f)) => FieldMessage { field: "code".into(), ..FieldMessage::from_error(f) },
        Err(AppError::Forbidden(m)) => FieldMessage::new("code", crate::i18n::refusal_message(m)),
        Err(e) => return error_page(e),
    };
    sign_in_step(&who, vec![message])
}

fn enrol_form(who: &PageUser, secret: String, errors: Vec<FieldMessage>) -> Response {
    let otpauth = sg_app::second_factor::otpauth_url(&who.user, &secret);
    render(&TwoFactorPage {
        layout: Layout::for_user(crate::i18n::tr("two_factor.enrol_title"), who),
        has_errors: !errors.is_empty(),
        errors,
        secret,
        otpauth,
        action: "/account/two-factor",
        replacing: who.user.has_second_factor,
    })
}

/// `GET /account/two-factor`: set up (or replace) an authenticator.
pub(crate) async fn enrol_page(who: PageUser) -> Response {
    let (secret, _) = sg_app::second_factor::new_enrolment(&who.user);
    enrol_form(&who, secret, vec![])
}

/// `POST /account/two-factor`.
pub(crate) async fn enrol(
    State(state): State<AppState>,
    ClientAddr(client): ClientAddr,
    who: PageUser,
    body: Bytes,
) -> Response {
    let form = FormData::parse(&body);
    if let Some(r) = csrf_refusal(&who, &form) {
        return r;
    }
    let secret = form.get("secret");
    let (code, current) = (form.get("code"), form.get("current-code"));
    match state.app.enrol_second_factor(&who.user, &who.session, &secret, &code, &current, client).await {
        // Home: each role's own first page (an administrator's is the users page).
        Ok(()) => Redirect::to("/").into_response(),
        Err(AppError::Invalid(f)) => {
            let field = if f.field == "current-code" { "current-code" } else { "code" };
            enrol_form(&who, secret, vec![FieldMessage { field: field.into(), ..FieldMessage::from_error(f) }])
        }
        Err(AppError::Forbidden(m)) => enrol_form(
            &who,
            secret,
            vec![FieldMessage { lang: "", field: "current-code".into(), message: crate::i18n::refusal_message(m) }],
        ),
        Err(e) => error_page(e),
    }
}
