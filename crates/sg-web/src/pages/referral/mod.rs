//! The referral journey: question pages, check your answers, submit. One journey covers an
//! adult who consents (a referral), an adult who does not (a Duty to Notify report), a child,
//! and a person of unknown age (treated as a child: no consent asked).
//!
//! Answers are kept on the server, never in hidden fields: each answer saves the user's draft
//! (`sg_app::drafts`, sealed in `referral_drafts`), the session holds only which draft is being
//! filled in, and "Save and come back later" lands on the list of drafts (`drafts.rs`).

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::{Deserialize, Serialize};
use sg_app::AppError;
use sg_domain::{Coded, ContextFactor, DeclineReason, ExploitationForm, ExploitationLocation, Jurisdiction};
use time::{Date, Month};
use uuid::Uuid;

mod answers;
mod drafts;
mod submit;

use super::{csrf_refusal, error_page, message_for, render, Choice, FieldMessage, Layout};
use crate::extract::PageUser;
use crate::form::FormData;
use crate::AppState;
use answers::{err, take_answers};
pub(crate) use drafts::{confirm_delete as confirm, continue_draft, delete, list};
pub(crate) use submit::sent;
use submit::{check_page, submit};

/// The answers so far, as typed.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub(crate) struct Draft {
    /// Idempotency key for the submission, so a double click makes one case.
    key: String,
    jurisdiction: String,
    /// Age now: `adult`, `child` or `unknown` (not sure).
    age: String,
    /// For an adult now, age during the exploitation: `adult`, `child` or `unknown`.
    age_then: String,
    consent: String,
    /// For a Duty to Notify report: why the adult did not consent (reason codes).
    declined: Vec<String>,
    gender: String,
    nationality: String,
    nationality_second: String,
    forms: Vec<String>,
    location: String,
    ieca: String,
    full_name: String,
    nickname: String,
    dob_day: String,
    dob_month: String,
    dob_year: String,
    phone: String,
    email: String,
    account: String,
    /// The earlier case's reference, for a person referred before.
    previous_reference: String,
    /// `yes` when the person agreed to the link.
    link_agreed: String,
    /// Context for gaps or inconsistencies in the account: factor codes and notes.
    context_factors: Vec<String>,
    context_notes: String,
}

impl Draft {
    fn is_adult(&self) -> bool {
        self.age == "adult"
    }
    /// The age during the exploitation: asked of an adult; a child now was a child then, and
    /// "not sure" now is not sure then.
    fn age_at_exploitation(&self) -> Option<sg_domain::AgeGroup> {
        let code = if self.is_adult() { &self.age_then } else { &self.age };
        sg_domain::AgeGroup::from_code(code)
    }
    /// A Duty to Notify report: an adult who does not consent.
    fn is_dtn(&self) -> bool {
        self.is_adult() && self.consent == "no"
    }
    /// The steps this draft goes through, in order.
    fn steps(&self) -> Vec<&'static str> {
        let mut steps = vec!["about"];
        if self.is_adult() || self.age.is_empty() {
            steps.push("consent");
        }
        if self.is_dtn() {
            steps.push("declined");
        }
        steps.extend(["person", "exploitation"]);
        if !self.is_dtn() {
            steps.extend(["identity", "context"]);
        }
        steps.push("check");
        steps
    }
    fn next_after(&self, step: &str) -> &'static str {
        let steps = self.steps();
        let i = steps.iter().position(|s| *s == step).unwrap_or(0);
        steps.get(i + 1).copied().unwrap_or("check")
    }
    fn previous_before(&self, step: &str) -> Option<&'static str> {
        let steps = self.steps();
        let i = steps.iter().position(|s| *s == step)?;
        i.checked_sub(1).map(|j| steps[j])
    }
}

/// Reads a GOV.UK date input (`{id}-day`, `{id}-month`, `{id}-year`); `Ok(None)` when blank.
pub(crate) fn parse_date_input(form: &FormData, id: &str) -> Result<Option<Date>, String> {
    date_from_parts(
        &form.get(&format!("{id}-day")),
        &form.get(&format!("{id}-month")),
        &form.get(&format!("{id}-year")),
    )
}

fn date_from_parts(day: &str, month: &str, year: &str) -> Result<Option<Date>, String> {
    if day.is_empty() && month.is_empty() && year.is_empty() {
        return Ok(None);
    }
    let (Ok(d), Ok(m), Ok(y)) = (day.parse::<u8>(), month.parse::<u8>(), year.parse::<i32>()) else {
        return Err(crate::i18n::tr("common.date.numbers"));
    };
    if !(1000..=9999).contains(&y) {
        return Err(crate::i18n::tr("common.date.year"));
    }
    let month = Month::try_from(m).map_err(|_| crate::i18n::tr("common.date.month"))?;
    Date::from_calendar_date(y, month, d).map(Some).map_err(|_| crate::i18n::tr("common.date.real"))
}

/// The draft this session is filling in: its id and answers.
async fn load(state: &AppState, who: &PageUser) -> Result<Option<(Uuid, Draft)>, AppError> {
    let current = state.app.current_draft(&who.user, &who.session).await?;
    Ok(current.map(|(id, json)| (id, serde_json::from_str(&json).unwrap_or_default())))
}

/// Saves the answers of draft `id`, which reached `step`; `why` goes to the audit log.
async fn save(state: &AppState, who: &PageUser, id: Uuid, step: &str, d: &Draft, why: &str) -> Result<(), AppError> {
    let json = serde_json::to_string(d).map_err(|e| AppError::Internal(format!("cannot encode a draft: {e}")))?;
    state.app.save_draft(&who.user, id, step, &json, why).await
}

/// `GET /referrals/new`: starts a new referral (a new draft; any other stays in the list).
pub(crate) async fn start(State(state): State<AppState>, who: PageUser) -> Response {
    if let Some(r) = refuse_non_referrers(&who) {
        return r;
    }
    // A draft started on this session and left unanswered is reused, so following "New
    // referral" twice does not leave empty drafts in the list.
    if let Ok(Some((_, d))) = load(&state, &who).await {
        if !d.key.is_empty() && d.jurisdiction.is_empty() && d.age.is_empty() {
            return Redirect::to("/referrals/new/about").into_response();
        }
    }
    let draft = Draft { key: Uuid::new_v4().to_string(), ..Default::default() };
    let json = serde_json::to_string(&draft).unwrap_or_default();
    match state.app.start_draft(&who.user, &who.session, "about", &json).await {
        Ok(_) => Redirect::to("/referrals/new/about").into_response(),
        Err(e) => error_page(e),
    }
}

#[derive(Template)]
#[template(path = "referral/step.html")]
pub(crate) struct StepPage {
    layout: Layout,
    has_errors: bool,
    errors: Vec<FieldMessage>,
    step: &'static str,
    back: String,
    d: Draft,
    jurisdictions: Vec<(&'static str, &'static str)>,
    ages: Vec<(&'static str, &'static str)>,
    ages_then: Vec<(&'static str, &'static str)>,
    consents: Vec<(&'static str, &'static str)>,
    genders: Vec<(&'static str, &'static str)>,
    locations: Vec<(&'static str, &'static str)>,
    nationality_fields: Vec<(&'static str, String, String, Vec<Choice>)>,
    form_groups: Vec<CheckboxGroup>,
    /// The context step's checkboxes: (code, label, ticked).
    context_factors: Vec<(&'static str, String, bool)>,
    /// The Duty to Notify step's checkboxes: (code, label, ticked).
    decline_reasons: Vec<(&'static str, String, bool)>,
    /// The answers were kept through an ended session: a banner says so.
    kept: bool,
    /// Reached by "Change" on Check your answers: the answer returns there.
    returning: bool,
}

/// A heading and its checkboxes: (value, label, ticked).
type CheckboxGroup = (String, Vec<(&'static str, String, bool)>);

impl StepPage {
    fn error_for(&self, field: &str) -> crate::pages::FieldErr {
        message_for(&self.errors, field)
    }
    /// The radio choices of one question, with the draft's answer marked.
    fn choices(&self, options: &[(&'static str, &'static str)], field: &str) -> Vec<Choice> {
        let d = &self.d;
        let selected = match field {
            "jurisdiction" => &d.jurisdiction,
            "age" => &d.age,
            "age_then" => &d.age_then,
            "consent" => &d.consent,
            "gender" => &d.gender,
            "location" => &d.location,
            _ => "",
        };
        // Each question's answers are catalogued under its own name, keyed by the answer's code.
        let prefix = match field {
            "jurisdiction" | "location" => field.to_string(),
            _ => format!("referral.choice.{field}"),
        };
        let mut choices = super::choices(options, selected);
        for c in &mut choices {
            c.label = crate::i18n::coded_label(&prefix, c.value, &c.label);
        }
        choices
    }
}

fn coded<T: Coded>() -> Vec<(&'static str, &'static str)> {
    T::ALL.iter().map(|v| (v.code(), v.label())).collect()
}

fn step_page(who: &PageUser, step: &'static str, d: Draft, errors: Vec<FieldMessage>) -> StepPage {
    let title = match step {
        "about" => "referral.about.title",
        "consent" => "referral.consent.title",
        "person" => "referral.person.title",
        "exploitation" => "referral.exploitation.title",
        "identity" => "referral.identity.title",
        "context" => "referral.context.title",
        "declined" => "referral.declined.title",
        _ => "referral.other.title",
    };
    use ExploitationForm as E;
    let ticked = |f: E| d.forms.iter().any(|x| x == f.code());
    let group = |name: &str, forms: &[E]| {
        (
            crate::i18n::tr(name),
            forms.iter().map(|f| (f.code(), crate::i18n::label("exploitation_form", *f), ticked(*f))).collect(),
        )
    };
    let form_groups = vec![
        group("referral.exploitation.group.labour", &[E::ForcedToWork, E::WagesTaken, E::ForcedToCommitFraud]),
        group("referral.exploitation.group.sexual", &[E::Prostitution, E::ChildExploitation, E::TakenSomewhere]),
        group("referral.exploitation.group.criminal", &[E::ForcedToCommitCrime]),
        group("referral.exploitation.group.organs", &[E::OrgansRemoved]),
        group("referral.exploitation.group.domestic", &[E::UnpaidHouseholdWork]),
    ];
    // The names in the page's language, sorted by them; "Not known" first.
    let countries: Vec<(&'static str, String)> =
        std::iter::once(("", crate::i18n::tr("countries.not_known"))).chain(crate::i18n::sorted_countries()).collect();
    let country_choices = |selected: &str| -> Vec<super::Choice> {
        countries
            .iter()
            .map(|(value, label)| super::Choice { value, label: label.clone(), checked: *value == selected })
            .collect()
    };
    StepPage {
        layout: Layout::for_user(crate::i18n::tr(title), who),
        has_errors: !errors.is_empty(),
        errors,
        step,
        back: d.previous_before(step).map(|s| format!("/referrals/new/{s}")).unwrap_or_else(|| "/cases".into()),
        jurisdictions: coded::<Jurisdiction>(),
        ages: vec![("adult", "No, they are 18 or over"), ("child", "Yes, they are under 18"), ("unknown", "Not sure")],
        ages_then: vec![
            ("child", "Yes, they were under 18 at some time during it"),
            ("adult", "No, they were 18 or over throughout"),
            ("unknown", "Not sure"),
        ],
        consents: vec![
            ("yes", "Yes, they consent to being referred to the NRM"),
            ("no", "No, they do not consent (send an anonymous Duty to Notify report)"),
        ],
        genders: vec![
            ("female", "Female"),
            ("male", "Male"),
            ("other", "They do not identify as male or female"),
            ("unknown", "Not known"),
        ],
        locations: coded::<ExploitationLocation>(),
        nationality_fields: vec![
            (
                "nationality",
                crate::i18n::tr("referral.person.nationality"),
                crate::i18n::tr("referral.person.nationality_hint"),
                country_choices(&d.nationality),
            ),
            (
                "nationality_second",
                crate::i18n::tr("referral.person.nationality_second"),
                crate::i18n::tr("referral.person.nationality_second_hint"),
                country_choices(&d.nationality_second),
            ),
        ],
        form_groups,
        context_factors: ContextFactor::ALL
            .iter()
            .map(|f| (f.code(), factor_label(*f), d.context_factors.iter().any(|x| x == f.code())))
            .collect(),
        decline_reasons: DeclineReason::ALL
            .iter()
            .map(|r| (r.code(), decline_label(*r), d.declined.iter().any(|x| x == r.code())))
            .collect(),
        d,
        kept: false,
        returning: false,
    }
}

/// A reason for not consenting, in the page's language.
pub(crate) fn decline_label(r: DeclineReason) -> String {
    crate::i18n::label("referral.declined.reason", r)
}

/// A context factor's label in the page's language.
pub(crate) fn factor_label(f: ContextFactor) -> String {
    crate::i18n::label("referral.context.factor", f)
}

fn refuse_non_referrers(who: &PageUser) -> Option<Response> {
    sg_app::access::check_refer(&who.user).err().map(error_page)
}

/// `GET /referrals/new/{step}` (`?kept=yes` after a form kept through signing in again).
pub(crate) async fn question(
    State(state): State<AppState>,
    who: PageUser,
    Path(step): Path<String>,
    RawQuery(query): RawQuery,
) -> Response {
    if let Some(r) = refuse_non_referrers(&who) {
        return r;
    }
    let d = match load(&state, &who).await {
        Ok(Some((_, d))) if !d.key.is_empty() => d,
        Ok(_) => return Redirect::to("/referrals/new").into_response(),
        Err(e) => return error_page(e),
    };
    let Some(step) = d.steps().into_iter().find(|s| *s == step) else {
        return error_page(AppError::NotFound);
    };
    if step == "check" {
        return render(&check_page(&who, d, vec![]));
    }
    let query = FormData::parse(query.unwrap_or_default().as_bytes());
    let (kept, returning) = (query.get("kept") == "yes", query.get("change") == "yes");
    let page = step_page(&who, step, d, vec![]);
    let back = if returning { "/referrals/new/check".to_string() } else { page.back.clone() };
    render(&StepPage { kept, returning, back, ..page })
}

/// After signing in again: the draft the ended session was filling in becomes this session's,
/// the answers sent to `step` are taken into it (without moving on, so the user checks them),
/// and the question page is where to go next.
pub(crate) async fn restore(
    state: &AppState,
    who: &PageUser,
    draft: Option<Uuid>,
    step: &str,
    form: &FormData,
) -> Result<String, AppError> {
    let Some(id) = draft else { return Ok("/referrals/new".into()) };
    state.app.continue_draft(&who.user, &who.session, id).await?;
    let session = sg_store::Session { draft: Some(id.to_string()), ..who.session.clone() };
    let Some((_, json)) = state.app.current_draft(&who.user, &session).await? else {
        return Ok("/referrals/drafts".into());
    };
    let mut d: Draft = serde_json::from_str(&json).unwrap_or_default();
    let Some(step) = d.steps().into_iter().find(|s| *s == step) else {
        return Ok("/referrals/drafts".into());
    };
    if step != "check" {
        take_answers(step, form, &mut d);
        save(state, who, id, step, &d, "kept through signing in again").await?;
    }
    Ok(format!("/referrals/new/{step}?kept=yes"))
}

/// `POST /referrals/new/{step}`.
pub(crate) async fn answer(
    State(state): State<AppState>,
    who: PageUser,
    Path(step): Path<String>,
    body: Bytes,
) -> Response {
    let form = FormData::parse(&body);
    if let Some(r) = csrf_refusal(&who, &form).or_else(|| refuse_non_referrers(&who)) {
        return r;
    }
    let (id, mut d) = match load(&state, &who).await {
        Ok(Some((id, d))) if !d.key.is_empty() => (id, d),
        Ok(_) => return Redirect::to("/referrals/new").into_response(),
        Err(e) => return error_page(e),
    };
    let Some(step) = d.steps().into_iter().find(|s| *s == step) else {
        return error_page(AppError::NotFound);
    };
    if step == "check" {
        return submit(&state, &who, id, d).await;
    }
    let steps_before = d.steps();
    let errors = take_answers(step, &form, &mut d);
    // "Change" on Check your answers returns there, unless the answer adds questions (a
    // Duty to Notify report becoming a referral asks for the person's details).
    let returning = form.get("return") == "check";
    let back_to_check = returning && d.steps().iter().all(|s| steps_before.contains(s));
    // "Save and come back later" keeps whatever was typed, answered or not, and returns here.
    if form.get("later") == "yes" {
        return match save(&state, &who, id, step, &d, "saved for later").await {
            Ok(()) => Redirect::to(&format!("/referrals/drafts?saved={}", sg_app::drafts::draft_reference(id)))
                .into_response(),
            Err(e) => error_page(e),
        };
    }
    let reached = match (errors.is_empty(), back_to_check) {
        (false, _) => step,
        (true, true) => "check",
        (true, false) => d.next_after(step),
    };
    if let Err(e) = save(&state, &who, id, reached, &d, "answered").await {
        return error_page(e);
    }
    if !errors.is_empty() {
        let page = step_page(&who, step, d, errors);
        let back = if returning { "/referrals/new/check".to_string() } else { page.back.clone() };
        return render(&StepPage { returning, back, ..page });
    }
    Redirect::to(&format!("/referrals/new/{reached}")).into_response()
}

/// Takes one form body through every step of the journey into a fresh draft, as
/// `POST /referrals/new/{step}` does, then turns the draft into a referral as sending it
/// does; the number of fields refused. For the fuzz target `referral_form`.
pub fn decode_form(body: &[u8]) -> usize {
    let form = FormData::parse(body);
    let mut d = Draft::default();
    let mut refused = 0;
    for step in ["about", "consent", "declined", "person", "exploitation", "identity", "context", "elsewhere"] {
        refused += take_answers(step, &form, &mut d).len();
    }
    refused + usize::from(submit::input_of(&d).is_err())
}
