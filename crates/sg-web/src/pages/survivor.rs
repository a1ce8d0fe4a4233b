//! The survivor's own pages: enter a code, see consents and who accessed the case, withdraw.
//! Shown in the person's language (`crate::i18n`): every survivor language is offered.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use sg_app::survivor::{AccessLine, ConsentLine, WorkingOnLine};
use sg_app::{AppError, Refusal};
use sg_domain::CaseId;

use super::presession::{self, FormToken};
use super::{error_page, render, Layout};
use crate::extract::{cookie_token, ClientAddr};
use crate::form::FormData;
use crate::i18n::{negotiate, t, tf, Locale};
use crate::AppState;

/// `?lang=`, the language switcher's link.
#[derive(Deserialize)]
pub(crate) struct LangQuery {
    lang: Option<String>,
    /// The consent whose withdrawal is to be confirmed.
    withdraw: Option<String>,
    /// `withdrawn` after a withdrawal.
    done: Option<String>,
}

/// The person's language (`crate::i18n::choose_language` remembers a `?lang=` choice).
pub(crate) fn language(q: &LangQuery, headers: &HeaderMap) -> Locale {
    negotiate(q.lang.as_deref(), headers, &Locale::ALL).0
}

pub(crate) fn cookie_name(state: &AppState) -> &'static str {
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
    error: String,
    locale: Locale,
}

impl CodePage {
    fn new(locale: Locale, error: String) -> Self {
        let layout = Layout::anonymous(t(locale, "survivor.code.title")).localised(locale, &Locale::ALL);
        Self { layout, has_errors: !error.is_empty(), error, locale }
    }
    fn t(&self, key: &str) -> String {
        t(self.locale, key)
    }
}

/// `GET /survivor`.
pub(crate) async fn code_page(
    State(state): State<AppState>,
    Query(q): Query<LangQuery>,
    headers: HeaderMap,
) -> Response {
    let token = FormToken::for_form(&state, &headers);
    let mut page = CodePage::new(language(&q, &headers), String::new());
    page.layout.csrf = token.token.clone();
    token.respond(render(&page))
}

/// `POST /survivor`: opens the person's view with their code, in their language. A code that
/// cannot be one is told as such; wrong codes are throttled (`429` with `Retry-After`).
pub(crate) async fn use_code(
    State(state): State<AppState>,
    ClientAddr(client): ClientAddr,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let form = FormData::parse(&body);
    // Login CSRF: another site must not open a person's view of a case of its choosing.
    if let Some(refused) = presession::refusal(&state, &headers, &form) {
        return refused;
    }
    let locale = language(&LangQuery { lang: None, withdraw: None, done: None }, &headers);
    let typed = form.get("code");
    let refused = |message: String| {
        let mut page = CodePage::new(locale, message);
        page.layout.csrf = FormToken::for_form(&state, &headers).token;
        page
    };
    if typed.trim().is_empty() {
        return render(&refused(t(locale, "survivor.code.missing")));
    }
    if sg_app::survivor_code::normalise(&typed).is_none() {
        return render(&refused(t(locale, "survivor.code.format")));
    }
    match state.app.open_survivor_view(&typed, client).await {
        Ok((token, _)) => {
            let secure = if state.secure_cookies { "; Secure" } else { "" };
            let cookie = format!("{}={token}; Path=/; HttpOnly; SameSite=Strict{secure}", cookie_name(&state));
            ([(header::SET_COOKIE, cookie)], Redirect::to("/survivor/view")).into_response()
        }
        Err(AppError::Forbidden(Refusal::TooManyAttempts { seconds })) => {
            // Whole minutes, rounded up: "wait 0 minutes" is never said.
            let minutes = ((seconds + 59) / 60).to_string();
            let page = refused(tf(locale, "survivor.code.too_many", &[("minutes", &minutes)]));
            (StatusCode::TOO_MANY_REQUESTS, [(header::RETRY_AFTER, seconds.to_string())], render(&page)).into_response()
        }
        Err(AppError::Forbidden(_)) => render(&refused(t(locale, "survivor.code.invalid"))),
        Err(e) => error_page(e),
    }
}

pub(crate) async fn session(state: &AppState, headers: &HeaderMap) -> Result<(CaseId, String), Response> {
    let Some(token) = cookie_token(headers, cookie_name(state)) else {
        return Err(Redirect::to("/survivor").into_response());
    };
    match state.app.survivor_session(&token).await {
        Ok(Some(s)) => Ok(s),
        Ok(None) => Err(Redirect::to("/survivor").into_response()),
        Err(e) => Err(error_page(e)),
    }
}

/// One consent, worded in the person's language.
pub(crate) struct ConsentText {
    id: String,
    text: String,
    in_force: bool,
    pending: bool,
}

/// One access, worded in the person's language.
pub(crate) struct AccessText {
    when: String,
    who: String,
    what: String,
    why: String,
}

fn consent_text(l: Locale, c: &ConsentLine) -> ConsentText {
    let categories: Vec<String> = c.categories.iter().map(|k| t(l, &format!("category.{k}"))).collect();
    let words = |d: &str| super::survivor_status::iso_in_words(l, d);
    let until = match &c.until {
        Some(d) => tf(l, "survivor.view.until", &[("date", &words(d))]),
        None => t(l, "survivor.view.no_end"),
    };
    let mut text = tf(
        l,
        "survivor.view.consent",
        &[
            ("given_on", &words(&c.given_on)),
            ("recipient", &c.recipient),
            ("categories", &categories.join(&t(l, "survivor.view.and"))),
            ("purpose", &t(l, &format!("purpose.{}", c.purpose))),
            ("until", &until),
        ],
    );
    let pending = c.status == "pending";
    if let Some(d) = &c.withdrawn_on {
        text = format!("{text} {}", tf(l, "survivor.view.withdrawn", &[("date", &words(d))]));
    } else if pending {
        text = format!("{text} {}", t(l, "survivor.view.pending"));
    } else if !c.in_force {
        text = format!("{text} {}", t(l, "survivor.view.ended"));
    } else if c.confirmed_by == Some("survivor") {
        text = format!("{text} {}", t(l, "survivor.view.confirmed"));
    }
    ConsentText { id: c.id.clone(), text, in_force: c.in_force || pending, pending }
}

fn access_text(l: Locale, a: &AccessLine) -> AccessText {
    let who = if a.org.is_empty() {
        t(l, &format!("who.{}", a.role))
    } else {
        format!("{} ({})", a.org, t(l, &format!("role.{}", a.role)))
    };
    let purpose = t(l, &format!("purpose.{}", a.why_purpose));
    let reason = if a.why_reason.is_empty() { String::new() } else { t(l, &format!("why.reason.{}", a.why_reason)) };
    let why = tf(l, &format!("why.{}", a.why_code), &[("org", &a.why_org), ("purpose", &purpose), ("reason", &reason)]);
    AccessText {
        when: super::survivor_status::iso_in_words(l, &a.when),
        who,
        what: t(l, &format!("what.{}", a.what_code)),
        why,
    }
}

/// One organisation working on the case, worded in the person's language.
pub(crate) struct WorkText {
    text: String,
    /// For a legal adviser: the organisation's id, to end the instruction.
    adviser_org: Option<String>,
}

fn work_text(l: Locale, w: &WorkingOnLine) -> WorkText {
    WorkText {
        text: tf(l, &format!("survivor.works.{}", w.relation), &[("org", &w.org)]),
        adviser_org: w.adviser_org.clone(),
    }
}

#[derive(Template)]
#[template(path = "survivor_view.html")]
pub(crate) struct ViewPage {
    layout: Layout,
    has_errors: bool,
    locale: Locale,
    /// "Your case reference is …", the reference set apart for `<bdi>`.
    reference: crate::i18n::Isolated,
    /// "Where your case is": the stage, decisions and next dates, in sentences.
    status: Vec<String>,
    working_on: Vec<WorkText>,
    practices: Vec<(String, String)>,
    consents: Vec<ConsentText>,
    accesses: Vec<AccessText>,
    /// The consent the person asked to take back: its confirmation shows (`?withdraw=`).
    confirm_withdraw: String,
    /// The success message after taking one back (`?done=withdrawn`), or "".
    done: String,
}

impl ViewPage {
    fn t(&self, key: &str) -> String {
        t(self.locale, key)
    }
}

/// `GET /survivor/view`.
pub(crate) async fn view(State(state): State<AppState>, Query(q): Query<LangQuery>, headers: HeaderMap) -> Response {
    let (case, csrf) = match session(&state, &headers).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let locale = language(&q, &headers);
    match state.app.survivor_view(case).await {
        Ok(view) => {
            let mut layout = Layout::anonymous(t(locale, "survivor.view.title")).localised(locale, &Locale::ALL);
            layout.csrf = csrf;
            let page = ViewPage {
                layout,
                has_errors: false,
                locale,
                reference: crate::i18n::isolated(locale, "survivor.view.reference", "reference", &view.reference),
                status: super::survivor_status::sentences(locale, &view.status),
                working_on: view.working_on.iter().map(|w| work_text(locale, w)).collect(),
                practices: view.legal_practices.clone(),
                consents: view.consents.iter().map(|c| consent_text(locale, c)).collect(),
                accesses: view.accesses.iter().map(|a| access_text(locale, a)).collect(),
                // Only the id of one of the person's own consents is echoed.
                confirm_withdraw: q.withdraw.filter(|w| view.consents.iter().any(|c| c.id == *w)).unwrap_or_default(),
                done: if q.done.as_deref() == Some("withdrawn") {
                    t(locale, "survivor.withdraw.done")
                } else {
                    String::new()
                },
            };
            render(&page)
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
    let form = FormData::parse(&body);
    if form.get("csrf") != csrf {
        return error_page(AppError::Forbidden(sg_app::Refusal::FormExpired));
    }
    let Ok(consent) = uuid::Uuid::try_parse(&consent) else { return error_page(AppError::NotFound) };
    // From the page's button: ask first, on the same page, beside the agreement.
    if form.get("confirm") == "ask" {
        return Redirect::to(&format!("/survivor/view?withdraw={consent}#confirm-withdraw")).into_response();
    }
    match state.app.survivor_withdraw(case, consent).await {
        Ok(()) => Redirect::to("/survivor/view?done=withdrawn").into_response(),
        Err(e) => error_page(e),
    }
}

/// Checks the person's session and form token; the case, or the response to send instead.
async fn survivor_form(state: &AppState, headers: &HeaderMap, form: &FormData) -> Result<CaseId, Response> {
    let (case, csrf) = session(state, headers).await?;
    if form.get("csrf") != csrf {
        return Err(error_page(AppError::Forbidden(sg_app::Refusal::FormExpired)));
    }
    Ok(case)
}

/// `POST /survivor/legal-advisers`: the person instructs the legal practice they chose.
pub(crate) async fn instruct(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    let form = FormData::parse(&body);
    let case = match survivor_form(&state, &headers, &form).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    match state.app.survivor_instruct(case, &form.get("organisation")).await {
        Ok(()) => Redirect::to("/survivor/view").into_response(),
        Err(e) => error_page(e),
    }
}

/// `POST /survivor/legal-advisers/{org_id}/end`: the person ends a legal adviser's instruction.
pub(crate) async fn end_instruction(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(org): Path<String>,
    body: Bytes,
) -> Response {
    let form = FormData::parse(&body);
    let case = match survivor_form(&state, &headers, &form).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    match state.app.survivor_end_instruction(case, &org).await {
        Ok(()) => Redirect::to("/survivor/view").into_response(),
        Err(e) => error_page(e),
    }
}

/// `POST /survivor/consents/{consent_id}/confirm`: the person confirms a consent recorded for
/// them; from then it releases what it names.
pub(crate) async fn confirm(
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
        return error_page(AppError::Forbidden(sg_app::Refusal::FormExpired));
    }
    let Ok(consent) = uuid::Uuid::try_parse(&consent) else { return error_page(AppError::NotFound) };
    match state.app.survivor_confirm(case, consent).await {
        Ok(()) | Err(AppError::Conflict(_)) => Redirect::to("/survivor/view").into_response(),
        Err(e) => error_page(e),
    }
}
