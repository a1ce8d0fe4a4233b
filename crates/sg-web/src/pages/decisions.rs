//! Recording a reasonable- or conclusive-grounds decision, with written reasons.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use sg_app::case_actions::ActionKind;
use sg_app::AppError;
use sg_domain::{CaseCommand, CaseId, Coded, DecisionOutcome, Question};

use super::confirm::Ask;
use super::{csrf_refusal, error_page, message_for, render, render_with, FieldMessage, Layout};
use crate::extract::PageUser;
use crate::form::FormData;
use crate::AppState;

#[derive(Template)]
#[template(path = "decide.html")]
pub(crate) struct DecidePage {
    layout: Layout,
    has_errors: bool,
    errors: Vec<FieldMessage>,
    id: String,
    reference: String,
    question_code: &'static str,
    /// The test in force on the decision date; `None` if the date is outside the rules.
    rule: Option<RuleText>,
    outcome: String,
    reasons: String,
    day: String,
    month: String,
    year: String,
    version: u32,
    outcomes: Vec<(&'static str, &'static str)>,
    /// What was typed was kept through an ended session: a banner says so.
    kept: bool,
}

impl DecidePage {
    fn error_for(&self, field: &str) -> super::FieldErr {
        message_for(&self.errors, field)
    }
    fn outcome_choices(&self) -> Vec<super::Choice> {
        let mut choices = super::choices(&self.outcomes, &self.outcome);
        for c in &mut choices {
            c.label = crate::i18n::coded_label("decide.choice", c.value, &c.label);
        }
        choices
    }
}

fn question(raw: &str) -> Option<Question> {
    Question::from_code(raw)
}

/// The test in force for a decision: the rule's value on the decision date in the case's
/// jurisdiction, worded from the catalogue (`decide.rule.{value}`), linked to its entry on the
/// rules page (since when, source, earlier versions).
pub(crate) struct RuleText {
    /// The test, in the page's language.
    text: String,
    /// The rule's entry on `/rules`.
    link: String,
}

fn rule_text(jurisdiction: sg_domain::Jurisdiction, q: Question, on: time::Date) -> Option<RuleText> {
    let key = match q {
        Question::ReasonableGrounds => sg_rules::params::RG_TEST,
        Question::ConclusiveGrounds => sg_rules::params::CG_STANDARD,
    };
    let rule = sg_rules::official(jurisdiction).ok()?.get(key, on)?;
    Some(RuleText {
        text: crate::i18n::tr(&format!("decide.rule.test.{}", rule.version.value)),
        link: super::rules::link(jurisdiction, rule.key),
    })
}

async fn page(
    state: &AppState,
    who: &PageUser,
    id: CaseId,
    q: Question,
    on: time::Date,
) -> Result<DecidePage, AppError> {
    let case = state.app.case_view(&who.user, id).await?;
    let kind = match q {
        Question::ReasonableGrounds => ActionKind::DecideReasonableGrounds,
        Question::ConclusiveGrounds => ActionKind::DecideConclusiveGrounds,
    };
    state.app.check_action(&who.user, id, kind).await?;
    let today = state.app.clock.today();
    Ok(DecidePage {
        layout: Layout::for_user(crate::i18n::label("decide.title", q), who),
        has_errors: false,
        errors: vec![],
        id: id.to_string(),
        reference: case.reference.to_string(),
        question_code: q.code(),
        rule: rule_text(case.facts.jurisdiction, q, on),
        outcome: String::new(),
        reasons: String::new(),
        day: today.day().to_string(),
        month: u8::from(today.month()).to_string(),
        year: today.year().to_string(),
        version: case.version,
        outcomes: vec![("positive", "Positive: the person is recognised"), ("negative", "Negative")],
        kept: false,
    })
}

/// `GET /cases/{id}/decide/{question}`.
pub(crate) async fn form(
    State(state): State<AppState>,
    who: PageUser,
    Path((raw, q)): Path<(String, String)>,
) -> Response {
    let (Some(id), Some(q)) = (CaseId::parse(&raw), question(&q)) else { return error_page(AppError::NotFound) };
    match page(&state, &who, id, q, state.app.clock.today()).await {
        Ok(p) => render(&p),
        Err(e) => error_page(e),
    }
}

/// A decision's form kept through signing in again: shown again with what was typed.
pub(crate) async fn kept(state: &AppState, who: &PageUser, raw: &str, q: &str, form: &FormData) -> Response {
    let (Some(id), Some(q)) = (CaseId::parse(raw), question(q)) else { return error_page(AppError::NotFound) };
    kept_or_changed(state, who, id, q, form, true).await
}

/// The decision's form again with what was typed (`kept`: through signing in again).
async fn kept_or_changed(
    state: &AppState,
    who: &PageUser,
    id: CaseId,
    q: Question,
    form: &FormData,
    kept: bool,
) -> Response {
    match page(state, who, id, q, state.app.clock.today()).await {
        Ok(p) => render(&DecidePage {
            kept,
            outcome: form.get("outcome"),
            reasons: form.get("reasons"),
            day: form.get("date-day"),
            month: form.get("date-month"),
            year: form.get("date-year"),
            ..p
        }),
        Err(e) => error_page(e),
    }
}

/// `POST /cases/{id}/decide/{question}`.
pub(crate) async fn record(
    State(state): State<AppState>,
    who: PageUser,
    Path((raw, q)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    let (Some(id), Some(q)) = (CaseId::parse(&raw), question(&q)) else { return error_page(AppError::NotFound) };
    let form = FormData::parse(&body);
    if let Some(r) = csrf_refusal(&who, &form) {
        return r;
    }
    let ask = super::confirm::asked(&form);
    if ask == Ask::Change {
        return kept_or_changed(&state, &who, id, q, &form, false).await;
    }
    let mut errors = vec![];
    let mut stale = false;
    let outcome = DecisionOutcome::from_code(&form.get("outcome"));
    if outcome.is_none() {
        errors.push(FieldMessage {
            lang: "",
            field: "outcome".into(),
            message: crate::i18n::tr("decide.error.outcome"),
        });
    }
    let reasons = form.get("reasons");
    if reasons.is_empty() {
        errors.push(FieldMessage {
            lang: "",
            field: "reasons".into(),
            message: crate::i18n::tr("decide.error.reasons"),
        });
    }
    let date = match super::referral::parse_date_input(&form, "date") {
        Ok(d) => d,
        Err(m) => {
            errors.push(FieldMessage { lang: "", field: "date".into(), message: m });
            None
        }
    };
    let version: Option<u32> = form.get("version").parse().ok();
    if errors.is_empty() && ask == Ask::Confirmation {
        let case = match state.app.case_view(&who.user, id).await {
            Ok(c) => c,
            Err(e) => return error_page(e),
        };
        let outcome_label = crate::i18n::coded_label("decide.choice", &form.get("outcome"), &form.get("outcome"));
        let on = date.unwrap_or_else(|| state.app.clock.today());
        let rows = vec![
            (crate::i18n::tr("decide.outcome"), outcome_label),
            (crate::i18n::tr("decide.reasons"), reasons.clone()),
            (crate::i18n::tr("decide.date"), crate::dates::staff(on)),
        ];
        let title = crate::i18n::label("decide.title", q);
        let action = format!("/cases/{id}/decide/{}", q.code());
        let submit = crate::i18n::tr("decide.submit");
        let page =
            super::confirm::page(&who, title, id.to_string(), case.reference.to_string(), action, rows, &form, submit);
        return render(&page);
    }
    if errors.is_empty() {
        let outcome = outcome.expect("checked above");
        let command = match q {
            Question::ReasonableGrounds => CaseCommand::DecideReasonableGrounds { outcome, reasons: reasons.clone() },
            Question::ConclusiveGrounds => CaseCommand::DecideConclusiveGrounds { outcome, reasons: reasons.clone() },
        };
        match state.app.change_case(&who.user, id, command, date, version, None).await {
            Ok(_) => {
                let kind = match q {
                    Question::ReasonableGrounds => ActionKind::DecideReasonableGrounds,
                    Question::ConclusiveGrounds => ActionKind::DecideConclusiveGrounds,
                };
                return Redirect::to(&format!("/cases/{id}?done={}", kind.code())).into_response();
            }
            Err(AppError::Transition(t)) => errors.push(FieldMessage {
                lang: "",
                field: t.field().unwrap_or("outcome").to_string(),
                message: crate::i18n::transition_message(&t),
            }),
            Err(AppError::Invalid(f)) => errors.push(FieldMessage::from_error(f)),
            // A rule's refusal is the rule's own English (marked so on a Welsh page).
            Err(AppError::Rule(r)) => errors.push(FieldMessage {
                lang: "en",
                field: "date".into(),
                message: super::action_rules::rule_refusal_text(&r),
            }),
            // Someone changed the case since the form was read: the form comes back with what was
            // typed and the case's new version, so nothing typed is lost.
            Err(AppError::Conflict(_)) => {
                errors.push(FieldMessage { lang: "", field: "outcome".into(), message: crate::i18n::tr("act.stale") });
                stale = true;
            }
            Err(e) => return error_page(e),
        }
    }
    match page(&state, &who, id, q, date.unwrap_or_else(|| state.app.clock.today())).await {
        Ok(mut p) => {
            p.has_errors = true;
            p.errors = errors;
            p.outcome = form.get("outcome");
            p.reasons = reasons;
            p.day = form.get("date-day");
            p.month = form.get("date-month");
            p.year = form.get("date-year");
            if stale {
                render_with(StatusCode::CONFLICT, &p)
            } else {
                render(&p)
            }
        }
        Err(e) => error_page(e),
    }
}
