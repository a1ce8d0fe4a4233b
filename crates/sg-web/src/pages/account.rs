//! A user's own account and organisation: `/account/tokens` lists their API tokens and revokes
//! one; `/organisation` shows the changes administrators asked for and approved to the
//! accounts of the user's organisation, so that a way in made for someone there is seen.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};

use crate::extract::PageUser;
use crate::form::FormData;
use crate::i18n::tr;
use crate::pages::admin::requests::{line, Line};
use crate::pages::admin::when;
use crate::pages::{csrf_refusal, error_page, render, Layout};
use crate::AppState;

/// One API token, never the token itself.
struct TokenLine {
    id: String,
    label: String,
    created: String,
    expires: String,
    /// Active, expired or revoked, in words.
    state: String,
    /// Whether it can still be revoked.
    active: bool,
}

#[derive(Template)]
#[template(path = "tokens.html")]
struct TokensPage {
    layout: Layout,
    has_errors: bool,
    lines: Vec<TokenLine>,
    revoked: bool,
}

#[derive(Template)]
#[template(path = "organisation.html")]
struct OrganisationPage {
    layout: Layout,
    has_errors: bool,
    org: String,
    lines: Vec<Line>,
}

/// `GET /account/tokens` (`?revoked=1` after revoking one).
pub(crate) async fn tokens(
    State(state): State<AppState>,
    who: PageUser,
    axum::extract::RawQuery(query): axum::extract::RawQuery,
) -> Response {
    let revoked = query.unwrap_or_default().contains("revoked=1");
    let now = state.app.clock.now();
    match state.app.my_api_tokens(&who.user).await {
        Ok(tokens) => render(&TokensPage {
            layout: Layout::for_user(tr("tokens.title"), &who),
            has_errors: false,
            lines: tokens
                .into_iter()
                .map(|t| {
                    let active = t.revoked_at.is_none() && t.expires_at > now;
                    let state = match t.revoked_at {
                        Some(at) => format!("{} {}", tr("tokens.revoked_on"), when(at)),
                        None if !active => tr("tokens.expired"),
                        None => tr("tokens.active"),
                    };
                    TokenLine {
                        id: t.id,
                        label: t.label,
                        created: when(t.created_at),
                        expires: when(t.expires_at),
                        state,
                        active,
                    }
                })
                .collect(),
            revoked,
        }),
        Err(e) => error_page(e),
    }
}

/// `POST /account/tokens/{token_id}/revoke`: the token answers 401 from the next request.
pub(crate) async fn revoke(
    State(state): State<AppState>,
    who: PageUser,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let form = FormData::parse(&body);
    if let Some(r) = csrf_refusal(&who, &form) {
        return r;
    }
    match state.app.revoke_my_api_token(&who.user, &id).await {
        Ok(()) => Redirect::to("/account/tokens?revoked=1").into_response(),
        Err(e) => error_page(e),
    }
}

/// `GET /organisation`: changes to the accounts of the user's organisation.
pub(crate) async fn organisation(State(state): State<AppState>, who: PageUser) -> Response {
    let now = state.app.clock.now();
    match state.app.organisation_changes(&who.user).await {
        Ok(requests) => render(&OrganisationPage {
            layout: Layout::for_user(tr("organisation.title"), &who),
            has_errors: false,
            org: who.user.org_name.clone(),
            lines: requests.iter().map(|r| line(r, now)).collect(),
        }),
        Err(e) => error_page(e),
    }
}
