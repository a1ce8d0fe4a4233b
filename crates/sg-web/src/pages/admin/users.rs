//! `/admin/users`: every user with their organisation, role and state; the form to add one,
//! which shows the new user's one-time sign-in code once; and disabling a user after a
//! confirmation step.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use sg_app::admin::{AddedUser, ResetOutcome, UserDirectory, UserInput};
use sg_app::AppError;
use sg_domain::{Coded, Role};
use sg_store::User;

use super::{field_error, when, Opt};
use crate::extract::PageUser;
use crate::form::FormData;
use crate::i18n::{label, tr, trf};
use crate::pages::{csrf_refusal, error_page, message_for, render, FieldMessage, Layout};
use crate::AppState;

/// One user, every value in words.
struct Line {
    id: String,
    name: String,
    org: String,
    role: String,
    /// Active, disabled, or awaiting first sign-in.
    state: String,
    /// The govuk-tag colour of the state (the state is also in words).
    tag: &'static str,
    two_factor: String,
    created: String,
    /// Whether the disable and new-code links are offered (not for oneself, not twice).
    can_disable: bool,
}

#[derive(Template)]
#[template(path = "admin_users.html")]
struct UsersPage {
    layout: Layout,
    has_errors: bool,
    errors: Vec<FieldMessage>,
    lines: Vec<Line>,
    orgs: Vec<Opt>,
    roles: Vec<Opt>,
    name: String,
    /// Set after a user was disabled: their name.
    disabled: String,
}

impl UsersPage {
    fn error_for(&self, field: &str) -> crate::pages::FieldErr {
        message_for(&self.errors, field)
    }
}

/// The one-time code of a new or reset user, shown once.
#[derive(Template)]
#[template(path = "admin_user_added.html")]
pub(crate) struct AddedPage {
    pub layout: Layout,
    /// A new user (true) or a new code for an existing one (false).
    pub added: bool,
    pub has_errors: bool,
    pub name: String,
    pub org: String,
    pub role: String,
    pub code: String,
}

#[derive(Template)]
#[template(path = "admin_confirm.html")]
struct ConfirmPage {
    layout: Layout,
    /// `disable` or `reset`: the action's URL segment and catalogue section.
    action: &'static str,
    heading: String,
    effect: String,
    confirm: String,
    has_errors: bool,
    errors: Vec<FieldMessage>,
    id: String,
    org: String,
    role: String,
}

fn page(who: &PageUser, dir: UserDirectory, errors: Vec<FieldMessage>, sent: &UserInput, disabled: &str) -> Response {
    let disabled =
        dir.users.iter().find(|u| u.user.id.to_string() == disabled && u.user.disabled).map(|u| u.user.name.clone());
    let lines = dir
        .users
        .iter()
        .map(|u| {
            let (state, tag) = if u.user.disabled {
                (tr("admin.users.state_disabled"), "govuk-tag--grey")
            } else if !u.has_password {
                (tr("admin.users.state_awaiting"), "govuk-tag--yellow")
            } else {
                (tr("admin.users.state_active"), "govuk-tag--green")
            };
            Line {
                id: u.user.id.to_string(),
                name: u.user.name.clone(),
                org: u.user.org_name.clone(),
                role: label("role", u.user.role),
                state,
                tag,
                two_factor: tr(if u.user.has_second_factor { "admin.users.yes" } else { "admin.users.no" }),
                created: when(u.created_at),
                can_disable: !u.user.disabled && u.user.id != who.user.id,
            }
        })
        .collect();
    let orgs = dir
        .organisations
        .iter()
        .map(|o| Opt {
            value: o.org.id.to_string(),
            label: o.org.name.clone(),
            selected: sent.org == o.org.id.to_string(),
        })
        .collect();
    let roles = Role::ALL
        .iter()
        .map(|r| Opt { value: r.code().into(), label: label("role", *r), selected: sent.role == r.code() })
        .collect();
    render(&UsersPage {
        layout: Layout::for_user(tr("admin.users.title"), who),
        has_errors: !errors.is_empty(),
        errors,
        lines,
        orgs,
        roles,
        name: sent.name.clone(),
        disabled: disabled.unwrap_or_default(),
    })
}

/// `GET /admin/users` (`?disabled=ID` after disabling one).
pub(crate) async fn list(
    State(state): State<AppState>,
    who: PageUser,
    axum::extract::RawQuery(query): axum::extract::RawQuery,
) -> Response {
    let disabled = form_urlencoded::parse(query.unwrap_or_default().as_bytes())
        .find(|(k, _)| k == "disabled")
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default();
    match state.app.admin_users(&who.user).await {
        Ok(dir) => page(&who, dir, vec![], &UserInput::default(), &disabled),
        Err(e) => error_page(e),
    }
}

/// `POST /admin/users`: adds a user and shows their one-time sign-in code, once (the answer is
/// never cached, and the code is stored only as a hash). A refused form comes back with the
/// error summary, and nothing is stored.
pub(crate) async fn add(State(state): State<AppState>, who: PageUser, body: Bytes) -> Response {
    let form = FormData::parse(&body);
    if let Some(r) = csrf_refusal(&who, &form) {
        return r;
    }
    let sent = UserInput { org: form.get("org"), role: form.get("role"), name: form.get("name") };
    let errors = match state.app.admin_add_user(&who.user, &sent).await {
        Ok(AddedUser::Created(created)) => {
            return render(&AddedPage {
                layout: Layout::for_user(tr("admin.added.title"), &who),
                added: true,
                has_errors: false,
                name: created.user.name.clone(),
                org: created.user.org_name.clone(),
                role: label("role", created.user.role),
                code: created.sign_in_code,
            })
        }
        Ok(AddedUser::Requested(request)) => return super::requests::requested_page(&who, &request),
        Err(e) => match field_error(e) {
            Ok(errors) => errors,
            Err(e) => return error_page(e),
        },
    };
    match state.app.admin_users(&who.user).await {
        Ok(dir) => page(&who, dir, errors, &sent, ""),
        Err(e) => error_page(e),
    }
}

/// The confirmation step of `action` for the user `id`, with any problems.
async fn confirm_step(
    state: &AppState,
    who: &PageUser,
    action: &'static str,
    id: &str,
    errors: Vec<FieldMessage>,
) -> Response {
    match state.app.admin_user(&who.user, id).await {
        Ok(user) => confirm_page(who, action, &user, errors),
        Err(e) => error_page(e),
    }
}

/// A refused `action`: a field problem comes back on its confirmation step, anything else is
/// the error page.
async fn refused(state: &AppState, who: &PageUser, action: &'static str, id: &str, e: AppError) -> Response {
    match field_error(e) {
        Ok(errors) => confirm_step(state, who, action, id, errors).await,
        Err(e) => error_page(e),
    }
}

fn confirm_page(who: &PageUser, action: &'static str, user: &User, errors: Vec<FieldMessage>) -> Response {
    render(&ConfirmPage {
        layout: Layout::for_user(tr(&format!("admin.{action}.title")), who),
        action,
        heading: trf(&format!("admin.{action}.heading"), &[("name", user.name.as_str())]),
        effect: tr(&format!("admin.{action}.effect")),
        confirm: tr(&format!("admin.{action}.confirm")),
        has_errors: !errors.is_empty(),
        errors,
        id: user.id.to_string(),
        org: user.org_name.clone(),
        role: label("role", user.role),
    })
}

/// `GET /admin/users/{user_id}/disable`: the confirmation step.
pub(crate) async fn confirm(State(state): State<AppState>, who: PageUser, Path(id): Path<String>) -> Response {
    confirm_step(&state, &who, "disable", &id, vec![]).await
}

/// `POST /admin/users/{user_id}/disable`: disables the user; their sessions and tokens stop at
/// once. Back to the list, which says so.
pub(crate) async fn disable(
    State(state): State<AppState>,
    who: PageUser,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let form = FormData::parse(&body);
    if let Some(r) = csrf_refusal(&who, &form) {
        return r;
    }
    match state.app.admin_disable_user(&who.user, &id).await {
        Ok(user) => Redirect::to(&format!("/admin/users?disabled={}", user.id)).into_response(),
        Err(e) => refused(&state, &who, "disable", &id, e).await,
    }
}

/// `GET /admin/users/{user_id}/reset`: the confirmation step before a new sign-in code.
pub(crate) async fn reset_confirm(State(state): State<AppState>, who: PageUser, Path(id): Path<String>) -> Response {
    confirm_step(&state, &who, "reset", &id, vec![]).await
}

/// `POST /admin/users/{user_id}/reset`: clears the user's password and second factor, ends
/// their sessions, and shows their new one-time code, once.
pub(crate) async fn reset(
    State(state): State<AppState>,
    who: PageUser,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let form = FormData::parse(&body);
    if let Some(r) = csrf_refusal(&who, &form) {
        return r;
    }
    match state.app.admin_reset_user(&who.user, &id).await {
        Ok(ResetOutcome::Done(user, code)) => render(&AddedPage {
            layout: Layout::for_user(tr("admin.reset.done"), &who),
            has_errors: false,
            added: false,
            name: user.name.clone(),
            org: user.org_name.clone(),
            role: label("role", user.role),
            code,
        }),
        Ok(ResetOutcome::Requested(request)) => super::requests::requested_page(&who, &request),
        Err(e) => refused(&state, &who, "reset", &id, e).await,
    }
}
