//! `GET /cases/{id}/identity`: the person's identifying record on its own page, as far as the
//! firewall allows. The decision is `sg_app::App::person`'s; a refusal is a 403 page saying why,
//! and is audited there.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use sg_app::cases::PersonView;
use sg_app::AppError;
use sg_domain::CaseId;

use super::{error_page, render, render_with, Layout, MessagePage};
use crate::extract::PageUser;
use crate::AppState;

#[derive(Template)]
#[template(path = "identity.html")]
pub(crate) struct IdentityPage {
    layout: Layout,
    has_errors: bool,
    id: String,
    person: PersonView,
}

/// `GET /cases/{id}/identity`.
pub(crate) async fn show(State(state): State<AppState>, who: PageUser, Path(raw): Path<String>) -> Response {
    let Some(id) = CaseId::parse(&raw) else { return error_page(AppError::NotFound) };
    match state.app.person(&who.user, id).await {
        Ok(person) => render(&IdentityPage {
            layout: Layout::for_user(crate::i18n::tr("person.title"), &who),
            has_errors: false,
            id: id.to_string(),
            person,
        }),
        Err(AppError::Forbidden(m)) => render_with(
            StatusCode::FORBIDDEN,
            &MessagePage {
                layout: Layout::for_user(crate::i18n::tr("person.refused"), &who),
                has_errors: false,
                message: format!(
                    "{}. {}",
                    crate::i18n::refusal_message(m),
                    crate::i18n::tr("errors.identity_refused_detail")
                ),
                link: None,
            },
        ),
        Err(e) => error_page(e),
    }
}
