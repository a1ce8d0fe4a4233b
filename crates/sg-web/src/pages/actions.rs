//! The case's other lifecycle steps, one small form each (`/cases/{id}/act/{action}`): asking
//! for and deciding a reconsideration, support entry and exit, a child's guardian, permission to
//! stay, withdrawal and re-routing. One generic handler reads a table of the fields each step
//! asks for; `sg_app` decides who may take which step, and the domain whether the case allows it.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use sg_app::case_actions::ActionKind;
use sg_app::AppError;
use sg_domain::{CaseId, Coded};

use super::action_fields::{command, fields, tr, Field, Kind};
use super::action_rules::{rules_for, RuleLine};
use super::confirm::Ask;
use super::{csrf_refusal, error_page, message_for, render_with, Choice, FieldMessage, Layout};
use crate::extract::PageUser;
use crate::form::FormData;
use crate::AppState;

/// Where a step's page is: the decisions have their own.
pub(crate) fn href(id: CaseId, kind: ActionKind) -> String {
    match kind {
        ActionKind::DecideReasonableGrounds => format!("/cases/{id}/decide/reasonable-grounds"),
        ActionKind::DecideConclusiveGrounds => format!("/cases/{id}/decide/conclusive-grounds"),
        ActionKind::ConvertToReferral => "/referrals/convert".to_string(),
        k => format!("/cases/{id}/act/{}", k.code()),
    }
}

/// A field as the template shows it.
pub(crate) struct FieldView {
    name: &'static str,
    /// `radios`, `text`, `textarea` or `checkbox`.
    kind: &'static str,
    label: String,
    hint: String,
    value: String,
    choices: Vec<Choice>,
    /// A select box's options (value, selected): an organisation's name.
    options: Vec<(String, bool)>,
    error: super::FieldErr,
}

#[derive(Template)]
#[template(path = "act.html")]
pub(crate) struct ActPage {
    layout: Layout,
    has_errors: bool,
    errors: Vec<FieldMessage>,
    id: String,
    reference: String,
    action: &'static str,
    intro: String,
    /// The case does not allow this step now: said before the form, which the server would refuse.
    not_now: bool,
    rules: Vec<RuleLine>,
    fields: Vec<FieldView>,
    date_legend: String,
    day: String,
    month: String,
    year: String,
    submit: String,
    version: u32,
    /// What was typed was kept through an ended session: a banner says so.
    kept: bool,
}

impl ActPage {
    fn error_for(&self, field: &str) -> super::FieldErr {
        message_for(&self.errors, field)
    }
}

fn view(kind: ActionKind, f: &Field, value: String, errors: &[FieldMessage], orgs: Option<&Vec<String>>) -> FieldView {
    // An organisation field is a list of the organisations the server accepts; a text box only
    // when none is registered yet (the error then says so).
    let options: Vec<(String, bool)> = orgs
        .map(|names| names.iter().map(|n| (n.clone(), n.eq_ignore_ascii_case(value.trim()))).collect())
        .unwrap_or_default();
    let (kind_name, choices) = match f.kind {
        Kind::Text if !options.is_empty() => ("select", vec![]),
        Kind::Radios(codes) => (
            "radios",
            codes
                .iter()
                .map(|&c| Choice {
                    value: c,
                    label: crate::i18n::tr(&format!("act.choice.{}.{c}", f.name)),
                    checked: c == value,
                })
                .collect(),
        ),
        Kind::Text => ("text", vec![]),
        Kind::Textarea => ("textarea", vec![]),
        Kind::Checkbox => ("checkbox", vec![]),
        Kind::Number => ("number", vec![]),
    };
    FieldView {
        name: f.name,
        kind: kind_name,
        label: tr(kind, f.name),
        hint: tr(kind, &format!("{}_hint", f.name)),
        value,
        choices,
        options,
        error: message_for(errors, f.name),
    }
}

async fn page(
    state: &AppState,
    who: &PageUser,
    id: CaseId,
    kind: ActionKind,
    form: Option<&FormData>,
    errors: Vec<FieldMessage>,
) -> Result<ActPage, AppError> {
    let case = state.app.case_view(&who.user, id).await?;
    let actions = state.app.check_action(&who.user, id, kind).await?;
    let specs = fields(kind).ok_or(AppError::NotFound)?;
    let today = state.app.clock.today();
    let date = form.and_then(|f| super::referral::parse_date_input(f, "date").ok().flatten()).unwrap_or(today);
    let initial = |name: &str| match (form, kind, name) {
        (Some(f), _, _) => f.get(name),
        // A support provider records support with itself only.
        (None, ActionKind::EnterSupport, "provider") if sg_app::access::names_only_own_org(&who.user) => {
            who.user.org_name.clone()
        }
        // A legal adviser ends its own practice's instruction.
        (None, ActionKind::EndLegalAdviserInstruction, "organisation")
            if sg_app::access::ends_own_instruction(&who.user) =>
        {
            who.user.org_name.clone()
        }
        _ => String::new(),
    };
    let orgs = super::org_choices::for_step(state, who, kind, specs.iter().map(|f| f.name)).await?;
    let part = |p: &str| form.map(|f| f.get(&format!("date-{p}")));
    Ok(ActPage {
        layout: Layout::for_user(tr(kind, "title"), who),
        has_errors: !errors.is_empty(),
        fields: specs.iter().map(|f| view(kind, f, initial(f.name), &errors, orgs.get(f.name))).collect(),
        errors,
        id: id.to_string(),
        reference: case.reference.to_string(),
        action: kind.code(),
        intro: tr(kind, "intro"),
        not_now: !actions.available.contains(&kind),
        rules: rules_for(kind, &case, date, today),
        date_legend: tr(kind, "date"),
        day: part("day").unwrap_or_else(|| today.day().to_string()),
        month: part("month").unwrap_or_else(|| u8::from(today.month()).to_string()),
        year: part("year").unwrap_or_else(|| today.year().to_string()),
        submit: tr(kind, "submit"),
        version: case.version,
        kept: false,
    })
}

fn parse_kind(raw: &str) -> Option<ActionKind> {
    ActionKind::from_code(raw).filter(|k| fields(*k).is_some())
}

/// `GET /cases/{case_id}/act/{action}`.
pub(crate) async fn form(
    State(state): State<AppState>,
    who: PageUser,
    Path((raw, action)): Path<(String, String)>,
) -> Response {
    let (Some(id), Some(kind)) = (CaseId::parse(&raw), parse_kind(&action)) else {
        return error_page(AppError::NotFound);
    };
    match page(&state, &who, id, kind, None, vec![]).await {
        Ok(p) => render_with(StatusCode::OK, &p),
        Err(e) => error_page(e),
    }
}

/// A step's form kept through signing in again: shown again with what was typed.
pub(crate) async fn kept(state: &AppState, who: &PageUser, raw: &str, action: &str, form: &FormData) -> Response {
    let (Some(id), Some(kind)) = (CaseId::parse(raw), parse_kind(action)) else {
        return error_page(AppError::NotFound);
    };
    match page(state, who, id, kind, Some(form), vec![]).await {
        Ok(p) => render_with(StatusCode::OK, &ActPage { kept: true, ..p }),
        Err(e) => error_page(e),
    }
}

/// "Check before you record this" for a step whose fields are all right.
async fn confirmation(
    state: &AppState,
    who: &PageUser,
    id: CaseId,
    kind: ActionKind,
    form: &FormData,
    date: Option<time::Date>,
) -> Response {
    let case = match state.app.case_view(&who.user, id).await {
        Ok(c) => c,
        Err(e) => return error_page(e),
    };
    let mut rows = vec![];
    for f in fields(kind).unwrap_or(&[]) {
        let value = form.get(f.name);
        let shown = match f.kind {
            _ if value.is_empty() => continue,
            Kind::Radios(_) => crate::i18n::tr(&format!("act.choice.{}.{value}", f.name)),
            Kind::Checkbox => crate::i18n::tr("confirm.yes"),
            Kind::Text | Kind::Textarea | Kind::Number => value,
        };
        rows.push((tr(kind, f.name), shown));
    }
    let on = date.unwrap_or_else(|| state.app.clock.today());
    rows.push((tr(kind, "date"), crate::dates::staff(on)));
    let page = super::confirm::page(
        who,
        tr(kind, "title"),
        id.to_string(),
        case.reference.to_string(),
        href(id, kind),
        rows,
        form,
        tr(kind, "submit"),
    );
    render_with(StatusCode::OK, &page)
}

/// `POST /cases/{case_id}/act/{action}`: carries the step out and goes back to the case, or
/// shows the form again with each problem against its field. Nothing changes on a problem.
pub(crate) async fn record(
    State(state): State<AppState>,
    who: PageUser,
    Path((raw, action)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    let (Some(id), Some(kind)) = (CaseId::parse(&raw), parse_kind(&action)) else {
        return error_page(AppError::NotFound);
    };
    let form = FormData::parse(&body);
    if let Some(r) = csrf_refusal(&who, &form) {
        return r;
    }
    let ask = super::confirm::asked(&form);
    if ask == Ask::Change {
        return match page(&state, &who, id, kind, Some(&form), vec![]).await {
            Ok(p) => render_with(StatusCode::OK, &p),
            Err(e) => error_page(e),
        };
    }
    // Bounds (a text's length, a number's range) are checked before the confirmation page,
    // which should not show what will be refused.
    let (command, mut errors) = match command(kind, &form) {
        Ok(c) => match sg_app::actions::check_bounds(&c) {
            Ok(()) => (Some(c), vec![]),
            Err(f) => (None, vec![FieldMessage::from_error(f)]),
        },
        Err(e) => (None, e),
    };
    let date = match super::referral::parse_date_input(&form, "date") {
        Ok(d) => d,
        Err(m) => {
            errors.push(FieldMessage { lang: "", field: "date".into(), message: m });
            None
        }
    };
    if let (true, Some(command)) = (errors.is_empty(), command) {
        if ask == Ask::Confirmation {
            return confirmation(&state, &who, id, kind, &form, date).await;
        }
        let version: Option<u32> = form.get("version").parse().ok();
        let removal = !form.get("removal_to_ecat_echr_state").is_empty();
        let facts = sg_rules::RequestFacts { removal_to_ecat_echr_state: removal };
        // A problem with the case's state is shown against the step's main field.
        let first = fields(kind).and_then(|f| f.first()).map_or("date", |f| f.name);
        match state.app.change_case_with(&who.user, id, command, date, version, None, facts).await {
            // A step that ends the user's own relationship with the case (a re-routing to another
            // authority, support's end, an instruction or a guardian's assignment ended) takes the
            // case out of their sight: back to their list.
            Ok(_) => {
                let still_sees = state.app.case_actions(&who.user, id).await.is_ok();
                let to = if still_sees { format!("/cases/{id}") } else { "/cases".to_string() };
                let to = format!("{to}?done={}", kind.code());
                return Redirect::to(&to).into_response();
            }
            Err(AppError::Transition(t)) => errors.push(FieldMessage {
                lang: "",
                field: t.field().unwrap_or(first).to_string(),
                message: crate::i18n::transition_message(&t),
            }),
            Err(AppError::Invalid(f)) => errors.push(FieldMessage::from_error(f)),
            // Someone changed the case since the form was read: the form comes back with what
            // was typed and the case's new version, so nothing typed is lost.
            Err(AppError::Conflict(_)) => {
                errors.push(FieldMessage { lang: "", field: first.into(), message: crate::i18n::tr("act.stale") });
                return match page(&state, &who, id, kind, Some(&form), errors).await {
                    Ok(p) => render_with(StatusCode::CONFLICT, &p),
                    Err(e) => error_page(e),
                };
            }
            // A rule's refusal is the rule's own English (marked so on a Welsh page).
            Err(AppError::Rule(r)) => {
                let field = crate::error::rule_field(&r);
                errors.push(FieldMessage {
                    lang: "en",
                    field: field.into(),
                    message: super::action_rules::rule_refusal_text(&r),
                })
            }
            Err(e) => return error_page(e),
        }
    }
    match page(&state, &who, id, kind, Some(&form), errors).await {
        Ok(p) => render_with(StatusCode::OK, &p),
        Err(e) => error_page(e),
    }
}
