//! `/admin/organisations`: every organisation with its kind, competent authority and users by
//! role, and the form to add one.

use askama::Template;
use axum::body::Bytes;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use sg_app::admin::{OrgInput, OrgRow};
use sg_domain::{Coded, CompetentAuthority};
use sg_store::OrgKind;

use super::{field_error, Opt};
use crate::extract::PageUser;
use crate::form::FormData;
use crate::i18n::{coded_label, label, tr};
use crate::pages::{csrf_refusal, error_page, message_for, render, FieldMessage, Layout};
use crate::AppState;

/// One organisation, every value in words.
struct Line {
    name: String,
    kind: String,
    authority: String,
    /// "role: n" for each role with users.
    users: Vec<String>,
}

#[derive(Template)]
#[template(path = "admin_organisations.html")]
struct OrganisationsPage {
    layout: Layout,
    has_errors: bool,
    errors: Vec<FieldMessage>,
    lines: Vec<Line>,
    name: String,
    kinds: Vec<Opt>,
    authorities: Vec<Opt>,
    /// Set after an organisation was added: its name.
    added: String,
}

impl OrganisationsPage {
    fn error_for(&self, field: &str) -> crate::pages::FieldErr {
        message_for(&self.errors, field)
    }
}

/// The kind of organisation in the page's language.
pub(crate) fn kind_label(k: OrgKind) -> String {
    coded_label("admin.kind", k.code(), k.label())
}

/// The competent authority in the page's language, or "" for none.
pub(crate) fn authority_label(a: Option<CompetentAuthority>) -> String {
    a.map(|a| label("authority", a)).unwrap_or_default()
}

fn page(who: &PageUser, rows: Vec<OrgRow>, errors: Vec<FieldMessage>, sent: &OrgInput, added: &str) -> Response {
    // The banner names only an organisation that exists: the query carries its id, not words.
    let added = rows.iter().find(|r| r.summary.org.id.to_string() == added).map(|r| r.summary.org.name.clone());
    let added = added.unwrap_or_default();
    let lines = rows
        .into_iter()
        .map(|r| Line {
            name: r.summary.org.name.clone(),
            kind: kind_label(r.summary.org.kind),
            authority: authority_label(r.summary.competent_authority),
            users: r.users_by_role.iter().map(|(role, n)| format!("{}: {n}", label("role", *role))).collect(),
        })
        .collect();
    let kinds = OrgKind::ALL
        .iter()
        .map(|k| Opt { value: k.code().into(), label: kind_label(*k), selected: sent.kind == k.code() })
        .collect();
    let mut authorities = vec![Opt {
        value: String::new(),
        label: tr("admin.orgs.no_authority"),
        selected: sent.competent_authority.is_empty(),
    }];
    authorities.extend(CompetentAuthority::ALL.iter().map(|a| Opt {
        value: a.code().into(),
        label: label("authority", *a),
        selected: sent.competent_authority == a.code(),
    }));
    render(&OrganisationsPage {
        layout: Layout::for_user(tr("admin.orgs.title"), who),
        has_errors: !errors.is_empty(),
        errors,
        lines,
        name: sent.name.clone(),
        kinds,
        authorities,
        added,
    })
}

/// `GET /admin/organisations` (`?added=ID` after adding one).
pub(crate) async fn list(
    State(state): State<AppState>,
    who: PageUser,
    axum::extract::RawQuery(query): axum::extract::RawQuery,
) -> Response {
    let added = form_urlencoded::parse(query.unwrap_or_default().as_bytes())
        .find(|(k, _)| k == "added")
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default();
    match state.app.admin_organisations(&who.user).await {
        Ok(rows) => page(&who, rows, vec![], &OrgInput::default(), &added),
        Err(e) => error_page(e),
    }
}

/// `POST /admin/organisations`: adds one, then back to the list; a refused form comes back
/// with the error summary and what was typed, and nothing is stored.
pub(crate) async fn add(State(state): State<AppState>, who: PageUser, body: Bytes) -> Response {
    let form = FormData::parse(&body);
    if let Some(r) = csrf_refusal(&who, &form) {
        return r;
    }
    let sent = OrgInput {
        name: form.get("name"),
        kind: form.get("kind"),
        competent_authority: form.get("competent_authority"),
    };
    let errors = match state.app.admin_add_organisation(&who.user, &sent).await {
        Ok(org) => return Redirect::to(&format!("/admin/organisations?added={}", org.id)).into_response(),
        Err(e) => match field_error(e) {
            Ok(errors) => errors,
            Err(e) => return error_page(e),
        },
    };
    match state.app.admin_organisations(&who.user).await {
        Ok(rows) => page(&who, rows, errors, &sent, ""),
        Err(e) => error_page(e),
    }
}
