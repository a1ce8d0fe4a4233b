//! The caseworker's consent pages: the consents on a case, recording one the person gave,
//! withdrawing one, and giving the person a code for their own view. Who may do each is decided
//! by `sg_app` (`access::can_manage_consents`); these handlers only render what it answers.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use sg_app::consents::{ConsentInput, ConsentView, CountersignInput};
use sg_app::AppError;
use sg_domain::{AgreedBy, CaseId, Coded, ConsentStatus, DataCategory, EmergencyDecision, EmergencyRequest, Purpose};

use super::{csrf_refusal, error_page, message_for, render, Choice, FieldMessage, Layout};
use crate::extract::PageUser;
use crate::form::FormData;
use crate::AppState;

/// One consent as listed.
pub(crate) struct Row {
    id: String,
    purpose: String,
    recipient: String,
    categories: String,
    given_on: String,
    state: String,
    in_force: bool,
    pending: bool,
}

impl Row {
    fn new(v: &ConsentView, today: time::Date, now: time::OffsetDateTime) -> Self {
        let c = &v.consent;
        let mut state = match (c.withdrawn_at, c.expires_on) {
            (Some(at), _) => crate::i18n::trf("consents.state.withdrawn", &[("date", &at.date().to_string())]),
            (None, Some(e)) if e < today => crate::i18n::trf("consents.state.expired", &[("date", &e.to_string())]),
            (None, Some(e)) => crate::i18n::trf("consents.state.until", &[("date", &e.to_string())]),
            (None, None) => crate::i18n::tr("consents.state.in_force"),
        };
        match (v.status, c.confirmed_by) {
            // Not in force yet: say until when it would be, and what it waits for.
            (ConsentStatus::Pending, _) => {
                let until = c.expires_on.map(|e| e.to_string()).unwrap_or_default();
                state = format!(
                    "{} {}",
                    crate::i18n::trf("consents.state.pending_until", &[("date", &until)]),
                    crate::i18n::tr("consents.state.pending")
                )
            }
            (_, Some(how)) => state = format!("{state} {}", crate::i18n::tr(&format!("consents.state.{}", how.code()))),
            _ => {}
        }
        Self {
            id: c.id.to_string(),
            purpose: crate::i18n::label("consents.purpose", c.purpose),
            recipient: c.recipient_name.clone(),
            categories: c
                .categories
                .iter()
                .map(|x| crate::i18n::label("consents.category", *x))
                .collect::<Vec<_>>()
                .join("; "),
            given_on: c.given_on.to_string(),
            state,
            in_force: c.in_force(today, now) || v.status == ConsentStatus::Pending,
            pending: v.status == ConsentStatus::Pending,
        }
    }
}

/// One emergency request as listed to those who work on the case.
pub(crate) struct EmergencyRow {
    id: String,
    org: String,
    reason: String,
    reference: String,
    requested_at: String,
    status: String,
    pending: bool,
}

impl EmergencyRow {
    fn new(r: &EmergencyRequest, now: time::OffsetDateTime) -> Self {
        let status = r.status(now);
        let at = r.requested_at;
        Self {
            id: r.id.to_string(),
            org: r.requested_by_org.clone(),
            reason: crate::i18n::tr(&format!("consents.emergency.reason.{}", r.reason.code())),
            reference: r.reference.clone(),
            requested_at: format!("{} {:02}:{:02} UTC", at.date(), at.hour(), at.minute()),
            status: crate::i18n::tr(&format!("consents.emergency.status.{}", status.code())),
            pending: status == sg_domain::EmergencyStatus::Pending,
        }
    }
}

#[derive(Template)]
#[template(path = "consents.html")]
pub(crate) struct ConsentsPage {
    layout: Layout,
    has_errors: bool,
    errors: Vec<FieldMessage>,
    id: String,
    reference: String,
    rows: Vec<Row>,
    purpose: String,
    recipient_org: String,
    categories: Vec<String>,
    language: String,
    interpreter: bool,
    day: String,
    month: String,
    year: String,
    child: bool,
    agreed_by: String,
    emergency: Vec<EmergencyRow>,
    /// The languages a slip can be printed in: code and name.
    survivor_languages: Vec<(&'static str, String)>,
    /// The last day the person's code works, in words, if one is live.
    code_until: String,
    /// A success banner's words (`?done=`), or empty.
    done: String,
}

impl ConsentsPage {
    fn agreed_by_choices(&self) -> Vec<Choice> {
        AgreedBy::ALL
            .iter()
            .filter(|a| **a != AgreedBy::Person)
            .map(|a| Choice {
                value: a.code(),
                label: crate::i18n::label("consents.agreed_by", *a),
                checked: a.code() == self.agreed_by,
            })
            .collect()
    }
    fn error_for(&self, field: &str) -> super::FieldErr {
        message_for(&self.errors, field)
    }
    fn purposes(&self) -> Vec<Choice> {
        Purpose::ALL
            .iter()
            .map(|p| Choice {
                value: p.code(),
                label: crate::i18n::label("consents.purpose", *p),
                checked: p.code() == self.purpose,
            })
            .collect()
    }
    fn category_choices(&self) -> Vec<Choice> {
        DataCategory::ALL
            .iter()
            .map(|c| Choice {
                value: c.code(),
                label: crate::i18n::label("consents.category", *c),
                checked: self.categories.iter().any(|x| x == c.code()),
            })
            .collect()
    }
}

fn case_id(raw: &str) -> Result<CaseId, AppError> {
    CaseId::parse(raw).ok_or(AppError::NotFound)
}

async fn page(state: &AppState, who: &PageUser, id: CaseId) -> Result<ConsentsPage, AppError> {
    // The consents first: it refuses anyone who may not manage them before the case is read.
    let consents = state.app.consents(&who.user, id).await?;
    let emergency = state.app.emergency_requests(&who.user, id).await?;
    let case = state.app.case_view(&who.user, id).await?;
    let (today, now) = (state.app.clock.today(), state.app.clock.now());
    Ok(ConsentsPage {
        layout: Layout::for_user(crate::i18n::trf("consents.page", &[("reference", &case.reference.to_string())]), who),
        has_errors: false,
        errors: vec![],
        id: id.to_string(),
        reference: case.reference.to_string(),
        rows: consents.iter().map(|c| Row::new(c, today, now)).collect(),
        purpose: String::new(),
        recipient_org: String::new(),
        categories: vec![],
        language: String::new(),
        interpreter: false,
        day: String::new(),
        month: String::new(),
        year: String::new(),
        child: case.age_disputed_since.is_some() || case.age_now.treated_as_child(),
        agreed_by: String::new(),
        emergency: emergency.iter().map(|r| EmergencyRow::new(r, now)).collect(),
        code_until: state
            .app
            .live_survivor_code(&who.user, id)
            .await?
            .map(|at| crate::dates::in_words(crate::i18n::current(), at.date()))
            .unwrap_or_default(),
        done: String::new(),
        survivor_languages: survivor_languages(),
    })
}

/// The survivor languages for the slip: code and each one's own name.
fn survivor_languages() -> Vec<(&'static str, String)> {
    crate::i18n::Locale::ALL.into_iter().map(|l| (l.code(), crate::i18n::t(l, "language.name"))).collect()
}

/// `?done=` after an act on the consents page.
#[derive(serde::Deserialize)]
pub(crate) struct DoneQuery {
    done: Option<String>,
}

/// `GET /cases/{id}/consents`.
pub(crate) async fn list(
    State(state): State<AppState>,
    who: PageUser,
    Path(raw): Path<String>,
    Query(q): Query<DoneQuery>,
) -> Response {
    let result = match case_id(&raw) {
        Ok(id) => page(&state, &who, id).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(mut p) => {
            // Only known codes: the banner's words come from the catalogue, never the URL.
            if q.done.as_deref() == Some("code-ended") {
                p.done = crate::i18n::tr("code_end.done");
            }
            render(&p)
        }
        Err(e) => error_page(e),
    }
}

/// `POST /cases/{id}/consents`: records a consent the person gave.
pub(crate) async fn record(
    State(state): State<AppState>,
    who: PageUser,
    Path(raw): Path<String>,
    body: Bytes,
) -> Response {
    let id = match case_id(&raw) {
        Ok(id) => id,
        Err(e) => return error_page(e),
    };
    let form = FormData::parse(&body);
    if let Some(r) = csrf_refusal(&who, &form) {
        return r;
    }
    // Access first: someone who may not manage consents is refused before the form is read.
    let mut p = match page(&state, &who, id).await {
        Ok(p) => p,
        Err(e) => return error_page(e),
    };
    let mut errors = vec![];
    let purpose = Purpose::from_code(&form.get("purpose"));
    if purpose.is_none() {
        errors.push(FieldMessage::new("purpose", crate::i18n::tr("consents.error.purpose")));
    }
    let categories: Vec<DataCategory> =
        form.all("categories").iter().filter_map(|c| DataCategory::from_code(c)).collect();
    if categories.is_empty() {
        errors.push(FieldMessage::new("categories", crate::i18n::tr("consents.error.categories")));
    }
    let recipient_org = form.get("recipient_org");
    if recipient_org.is_empty() {
        errors.push(FieldMessage::new("recipient_org", crate::i18n::tr("consents.error.recipient")));
    }
    let expires_on = match super::referral::parse_date_input(&form, "expires_on") {
        Ok(Some(d)) => Some(d),
        Ok(None) => {
            errors.push(FieldMessage::new("expires_on", crate::i18n::tr("consents.error.expires_on")));
            None
        }
        Err(m) => {
            errors.push(FieldMessage::new("expires_on", m));
            None
        }
    };
    if errors.is_empty() {
        let input = ConsentInput {
            purpose: purpose.expect("checked above"),
            recipient_org: recipient_org.clone(),
            categories,
            expires_on,
            given_on: None,
            language: form.get("language"),
            interpreter: form.get("interpreter") == "yes",
            agreed_by: AgreedBy::from_code(&form.get("agreed_by")),
        };
        match state.app.add_consent(&who.user, id, input).await {
            Ok(_) => return Redirect::to(&format!("/cases/{id}/consents")).into_response(),
            Err(AppError::Invalid(f)) => errors.push(FieldMessage::from_error(f)),
            Err(e) => return error_page(e),
        }
    }
    p.has_errors = true;
    p.errors = errors;
    p.purpose = form.get("purpose");
    p.recipient_org = recipient_org;
    p.categories = form.all("categories");
    p.language = form.get("language");
    p.interpreter = form.get("interpreter") == "yes";
    p.day = form.get("expires_on-day");
    p.month = form.get("expires_on-month");
    p.year = form.get("expires_on-year");
    p.agreed_by = form.get("agreed_by");
    render(&p)
}

/// `POST /cases/{id}/consents/{consent_id}/countersign`: a colleague of the recorder attests
/// how a pending consent was explained, and it takes effect.
pub(crate) async fn countersign(
    State(state): State<AppState>,
    who: PageUser,
    Path((raw, consent)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    let form = FormData::parse(&body);
    if let Some(r) = csrf_refusal(&who, &form) {
        return r;
    }
    let (Ok(id), Ok(consent)) = (case_id(&raw), uuid::Uuid::try_parse(&consent)) else {
        return error_page(AppError::NotFound);
    };
    let input = CountersignInput { language: form.get("language"), interpreter: form.get("interpreter") };
    match state.app.countersign_consent(&who.user, id, consent, input).await {
        Ok(_) => Redirect::to(&format!("/cases/{id}/consents")).into_response(),
        Err(AppError::Invalid(f)) => match page(&state, &who, id).await {
            Ok(mut p) => {
                p.has_errors = true;
                p.errors =
                    vec![FieldMessage { field: format!("countersign-{}", f.field), ..FieldMessage::from_error(f) }];
                render(&p)
            }
            Err(e) => error_page(e),
        },
        Err(e) => error_page(e),
    }
}

/// `POST /cases/{id}/emergency-requests/{request_id}/decision`: approve or decline.
pub(crate) async fn decide_emergency(
    State(state): State<AppState>,
    who: PageUser,
    Path((raw, request)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    let form = FormData::parse(&body);
    if let Some(r) = csrf_refusal(&who, &form) {
        return r;
    }
    let (Ok(id), Ok(request)) = (case_id(&raw), uuid::Uuid::try_parse(&request)) else {
        return error_page(AppError::NotFound);
    };
    // Access first: only those who work on the case get further than this.
    if let Err(e) = state.app.emergency_requests(&who.user, id).await {
        return error_page(e);
    }
    let Some(decision) = EmergencyDecision::from_code(&form.get("decision")) else {
        return Redirect::to(&format!("/cases/{id}/consents")).into_response();
    };
    match state.app.decide_emergency_request(&who.user, id, request, decision).await {
        Ok(_) => Redirect::to(&format!("/cases/{id}/consents")).into_response(),
        Err(e) => error_page(e),
    }
}

/// `POST /cases/{id}/consents/{consent_id}/withdraw`: withdraws a consent at once.
pub(crate) async fn withdraw(
    State(state): State<AppState>,
    who: PageUser,
    Path((raw, consent)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    let form = FormData::parse(&body);
    if let Some(r) = csrf_refusal(&who, &form) {
        return r;
    }
    let (Ok(id), Ok(consent)) = (case_id(&raw), uuid::Uuid::try_parse(&consent)) else {
        return error_page(AppError::NotFound);
    };
    match state.app.withdraw_consent(&who.user, id, consent).await {
        Ok(()) => Redirect::to(&format!("/cases/{id}/consents")).into_response(),
        Err(e) => error_page(e),
    }
}
