//! The survivor's own pages: enter a code, see consents and who accessed the case, withdraw.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Redirect, Response};
use sg_app::survivor::SurvivorView;
use sg_app::AppError;
use sg_domain::CaseId;

use super::{error_page, render, FieldMessage, Layout};
use crate::extract::cookie_token;
use crate::form::FormData;
use crate::AppState;

fn cookie_name(state: &AppState) -> &'static str {
    if state.secure_cookies {
        "__Host-safeguard-survivor"
    } else {
        "safeguard-survivor"
    }
}

#[derive(Template)]
#[template(path = "survivor_code.html")]
pub(crate) struct CodePage {
    layout: Layout,
    has_errors: bool,
    errors: Vec<FieldMessage>,
}

/// `GET /survivor`.
pub(crate) async fn code_page() -> Response {
    render(&CodePage { layout: Layout::anonymous("See your information"), has_errors: false, errors: vec![] })
}

/// `POST /survivor`: spends the code and opens the person's view.
pub(crate) async fn use_code(State(state): State<AppState>, body: Bytes) -> Response {
    let form = FormData::parse(&body);
    let message = match state.app.open_survivor_view(&form.get("code")).await {
        Ok((token, _)) => {
            let secure = if state.secure_cookies { "; Secure" } else { "" };
            let cookie = format!("{}={token}; Path=/; HttpOnly; SameSite=Strict{secure}", cookie_name(&state));
            return ([(header::SET_COOKIE, cookie)], Redirect::to("/survivor/view")).into_response();
        }
        Err(AppError::Forbidden(m)) => super::auth::capitalise(&m),
        Err(e) => return error_page(e),
    };
    render(&CodePage {
        layout: Layout::anonymous("See your information"),
        has_errors: true,
        errors: vec![FieldMessage { field: "code".into(), message }],
    })
}

async fn session(state: &AppState, headers: &HeaderMap) -> Result<(CaseId, String), Response> {
    let Some(token) = cookie_token(headers, cookie_name(state)) else {
        return Err(Redirect::to("/survivor").into_response());
    };
    match state.app.survivor_session(&token).await {
        Ok(Some(s)) => Ok(s),
        Ok(None) => Err(Redirect::to("/survivor").into_response()),
        Err(e) => Err(error_page(e)),
    }
}

#[derive(Template)]
#[template(path = "survivor_view.html")]
pub(crate) struct ViewPage {
    layout: Layout,
    has_errors: bool,
    view: SurvivorView,
}

/// `GET /survivor/view`.
pub(crate) async fn view(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let (case, csrf) = match session(&state, &headers).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    match state.app.survivor_view(case).await {
        Ok(view) => {
            let mut layout = Layout::anonymous("Your information");
            layout.csrf = csrf;
            render(&ViewPage { layout, has_errors: false, view })
        }
        Err(e) => error_page(e),
    }
}

/// `POST /survivor/consents/{consent_id}/withdraw`.
pub(crate) async fn withdraw(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(consent): Path<String>,
    body: Bytes,
) -> Response {
    let (case, csrf) = match session(&state, &headers).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    if FormData::parse(&body).get("csrf") != csrf {
        return error_page(AppError::Forbidden("the form has expired: reload the page".into()));
    }
    let Ok(consent) = uuid::Uuid::try_parse(&consent) else { return error_page(AppError::NotFound) };
    match state.app.survivor_withdraw(case, consent).await {
        Ok(()) => Redirect::to("/survivor/view").into_response(),
        Err(e) => error_page(e),
    }
}
