//! The server-rendered pages, following GOV.UK Design System patterns (question pages, error
//! summary, check your answers), with the GOV.UK brand turned off. Every page works without
//! JavaScript.

pub(crate) mod account;
pub(crate) mod action_fields;
pub(crate) mod action_rules;
pub(crate) mod actions;
pub(crate) mod admin;
pub(crate) mod auth;
pub(crate) mod cases;
pub(crate) mod confirm;
pub(crate) mod consents;
pub(crate) mod convert;
pub(crate) mod decisions;
pub(crate) mod monitoring;
pub(crate) mod org_choices;
pub(crate) mod person;
pub(crate) mod presession;
pub(crate) mod recommendations;
pub(crate) mod referral;
pub(crate) mod rules;
pub(crate) mod session;
pub(crate) mod simulation;
pub(crate) mod survivor;
pub(crate) mod survivor_code;
pub(crate) mod survivor_exit;
mod survivor_status;
pub(crate) mod timeline;
pub(crate) mod two_factor;

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use sg_app::AppError;

use crate::extract::PageUser;
use crate::i18n::{t, tr, Locale};

/// What the page frame needs: the title and who is signed in.
pub(crate) struct Layout {
    pub title: String,
    pub user_name: Option<String>,
    pub role: String,
    pub csrf: String,
    pub can_refer: bool,
    /// Whether to show the link to the monitoring pages.
    pub can_monitor: bool,
    pub can_read_cases: bool,
    /// Whether to link to the Duty to Notify conversion page.
    pub can_convert: bool,
    /// Whether to link to the administration pages.
    pub can_administer: bool,
    /// The page's language and direction, for `<html lang dir>`.
    pub lang: &'static str,
    pub dir: &'static str,
    /// The frame's own words, in the page's language.
    pub skip: String,
    pub footer: String,
    /// The language switcher: (code, name in itself, whether current); empty when the page is
    /// in one language only.
    pub languages: Vec<(&'static str, String, bool)>,
    pub language_label: String,
    /// A note that the translation awaits professional review, or "".
    pub review: String,
    /// The page's language, for the templates' `layout.t("key")`.
    pub locale: Locale,
    /// Seconds until a signed-in user's session ends without activity, and how long before
    /// that the timeout warning shows; 0 when nobody is signed in (no warning).
    pub idle_seconds: i64,
    pub warn_seconds: i64,
}

impl Layout {
    /// The frame for a signed-in user.
    pub fn for_user(title: impl Into<String>, who: &PageUser) -> Self {
        Self {
            title: title.into(),
            user_name: Some(who.user.name.clone()),
            role: crate::i18n::label("role", who.user.role),
            csrf: who.session.csrf_token.clone(),
            can_refer: sg_app::access::can_refer(&who.user),
            can_monitor: sg_app::access::can_view_statistics(&who.user),
            can_read_cases: sg_app::access::case_list_scope(&who.user).is_ok(),
            can_convert: sg_app::access::can_convert(&who.user),
            can_administer: sg_app::access::can_administer(&who.user),
            idle_seconds: who.idle.whole_seconds(),
            // Two minutes' warning, or a third of a shortened timeout.
            warn_seconds: (who.idle.whole_seconds() / 3).min(120),
            ..Self::staff_frame()
        }
    }
    /// The frame for someone not signed in.
    pub fn anonymous(title: impl Into<String>) -> Self {
        Self {
            title: title.into(),
            user_name: None,
            role: String::new(),
            csrf: String::new(),
            can_refer: false,
            can_monitor: false,
            can_read_cases: false,
            can_convert: false,
            can_administer: false,
            ..Self::staff_frame()
        }
    }
    /// The frame of a staff page: English or Welsh, with a switcher between them.
    fn staff_frame() -> Self {
        let locale = crate::i18n::staff();
        Self::frame(locale).localised(locale, &[Locale::En, Locale::Cy])
    }
    /// The text for `key` in the page's language.
    pub fn t(&self, key: &str) -> String {
        t(self.locale, key)
    }
    /// The context factors recorded with an account, in the page's language, joined.
    pub fn context_factors(&self, c: &sg_domain::AccountContext) -> String {
        let labels: Vec<String> = c.factors.iter().map(|f| crate::pages::referral::factor_label(*f)).collect();
        labels.join("; ")
    }
    /// The text for `key` in the page's language, with `{name}` placeholders filled in.
    pub fn tf(&self, key: &str, args: &[(&str, &str)]) -> String {
        crate::i18n::tf(self.locale, key, args)
    }
    /// Like [`Layout::tf`] with one placeholder, set apart for `<bdi>` (a case reference).
    pub fn isolated(&self, key: &str, name: &str, value: &str) -> crate::i18n::Isolated {
        crate::i18n::isolated(self.locale, key, name, value)
    }
    /// The frame's language fields for `locale`, with no switcher.
    fn frame(locale: Locale) -> Self {
        Self {
            title: String::new(),
            user_name: None,
            role: String::new(),
            csrf: String::new(),
            can_refer: false,
            can_monitor: false,
            can_read_cases: false,
            can_convert: false,
            can_administer: false,
            lang: locale.code(),
            dir: locale.dir(),
            skip: t(locale, "frame.skip"),
            footer: t(locale, "frame.footer"),
            languages: vec![],
            language_label: t(locale, "language.label"),
            review: if locale.reviewed() { String::new() } else { t(locale, "language.review") },
            locale,
            idle_seconds: 0,
            warn_seconds: 0,
        }
    }
    /// The page in `locale`, with a switcher among `offered`.
    pub fn localised(self, locale: Locale, offered: &[Locale]) -> Self {
        let languages = offered.iter().map(|l| (l.code(), l.native_name(), *l == locale)).collect();
        let (title, csrf, idle_seconds, warn_seconds) = (self.title, self.csrf, self.idle_seconds, self.warn_seconds);
        Self { languages, ..Self { title, csrf, idle_seconds, warn_seconds, ..Self::frame(locale) } }
    }
    /// The timeout warning's words: how long before the sign-out it shows.
    pub fn timeout_warning(&self) -> String {
        if self.warn_seconds >= 60 {
            self.tf("timeout.warning_minutes", &[("n", &(self.warn_seconds / 60).to_string())])
        } else {
            self.tf("timeout.warning_seconds", &[("n", &self.warn_seconds.to_string())])
        }
    }
}

/// One error in a form, pointing at the field's id.
#[derive(Debug, Clone)]
pub(crate) struct FieldMessage {
    pub field: String,
    pub message: String,
    /// The message's language when it is not the page's (`"en"` for a rule's own English
    /// refusal on a Welsh page), or "".
    pub lang: &'static str,
}

impl FieldMessage {
    /// An error on `field` in the page's language.
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self { field: field.into(), message: message.into(), lang: "" }
    }
    /// A use case's field error, in the page's language where the catalogue has it, else
    /// in English marked `lang="en"` on a page in another language.
    pub fn from_error(e: sg_domain::FieldError) -> Self {
        let (message, lang) = crate::i18n::field_message_lang(&e);
        Self { field: e.field, message, lang }
    }
    /// Where the error summary's link goes: a date input's first field (its day), since the
    /// date's own id names the group, which cannot take focus; any other field's id.
    pub fn anchor(&self) -> String {
        if DATE_INPUTS.contains(&self.field.as_str()) {
            format!("{}-day", self.field)
        } else {
            self.field.clone()
        }
    }
}

/// The ids of the pages' date inputs (`date_input.html`).
const DATE_INPUTS: &[&str] = &["date", "dob", "expires_on"];

/// One radio button or select option, with whether it is chosen.
pub(crate) struct Choice {
    pub value: &'static str,
    pub label: String,
    pub checked: bool,
}

/// The choices for `options`, with `selected` marked.
pub(crate) fn choices(options: &[(&'static str, &'static str)], selected: &str) -> Vec<Choice> {
    options
        .iter()
        .map(|(value, label)| Choice { value, label: label.to_string(), checked: *value == selected })
        .collect()
}

/// The first error on `field`, or an empty one (templates test `is_empty()`).
pub(crate) fn message_for(errors: &[FieldMessage], field: &str) -> FieldErr {
    errors
        .iter()
        .find(|e| e.field == field)
        .map_or_else(FieldErr::default, |e| FieldErr { message: e.message.clone(), lang: e.lang })
}

/// A field's error as the templates print it (`{{ err }}`): the message escaped, inside
/// `<span lang="en">` when it is not in the page's language (a rule's English on a Welsh
/// page), so that a screen reader reads it in the right voice.
#[derive(Debug, Clone, Default)]
pub(crate) struct FieldErr {
    message: String,
    lang: &'static str,
}

impl FieldErr {
    /// Whether the field has no error.
    pub fn is_empty(&self) -> bool {
        self.message.is_empty()
    }
}

impl std::fmt::Display for FieldErr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let text = askama::filters::escape(&self.message, askama::filters::Html).map_err(|_| std::fmt::Error)?;
        if self.lang.is_empty() {
            write!(f, "{text}")
        } else {
            write!(f, "<span lang=\"{}\">{text}</span>", self.lang)
        }
    }
}

// The message is escaped by `Display` itself, and the language is one of the catalogue's codes.
impl askama::filters::HtmlSafe for FieldErr {}

/// Renders a template, or a plain error page if rendering fails.
pub(crate) fn render(t: &impl Template) -> Response {
    render_with(StatusCode::OK, t)
}

/// Renders a template with a status code.
pub(crate) fn render_with(status: StatusCode, t: &impl Template) -> Response {
    match t.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "something went wrong on our side").into_response()
        }
    }
}

#[derive(Template)]
#[template(path = "message.html")]
pub(crate) struct MessagePage {
    pub layout: Layout,
    pub has_errors: bool,
    pub message: String,
    pub link: Option<(String, String)>,
}

/// A page for an application error (refusals, missing cases, faults).
pub(crate) fn error_page(e: AppError) -> Response {
    let (status, title, message) = match e {
        AppError::NotFound => (StatusCode::NOT_FOUND, tr("error.not_found"), tr("error.not_found_detail")),
        AppError::Forbidden(m) => (StatusCode::FORBIDDEN, tr("error.forbidden"), crate::i18n::refusal_message(m)),
        // A step the case's state does not allow, worded from the catalogue by its code.
        AppError::Transition(t) => (StatusCode::CONFLICT, tr("error.conflict"), crate::i18n::transition_message(&t)),
        AppError::Unauthenticated => return Redirect::to("/sign-in").into_response(),
        AppError::Unavailable(_, detail) => {
            tracing::error!(%detail, "database unavailable");
            (StatusCode::SERVICE_UNAVAILABLE, tr("error.unavailable"), tr("error.unavailable_detail"))
        }
        AppError::Internal(detail) => {
            tracing::error!(%detail, "internal error");
            (StatusCode::INTERNAL_SERVER_ERROR, tr("error.internal"), tr("error.try_later"))
        }
        other => (StatusCode::CONFLICT, tr("error.conflict"), other.to_string()),
    };
    render_with(
        status,
        &MessagePage {
            layout: Layout::anonymous(title),
            has_errors: false,
            message,
            link: Some(("/cases".into(), tr("error.go_to_cases"))),
        },
    )
}

/// `GET /`: each role's first page, or, just after signing in again, the form that was sent
/// after the session ended, with what was typed.
pub(crate) async fn home(
    axum::extract::State(state): axum::extract::State<crate::AppState>,
    headers: axum::http::HeaderMap,
    who: Result<PageUser, Response>,
) -> Response {
    if let Ok(who) = &who {
        if let Some(r) = session::return_kept_form(&state, &headers, who).await {
            return r;
        }
    }
    match who {
        // A monitor sees statistics only: their home is the monitoring dashboard.
        Ok(who) if !sg_app::access::can_read_cases(&who.user) && sg_app::access::can_view_statistics(&who.user) => {
            Redirect::to("/monitoring").into_response()
        }
        // An administrator sees no case: their home is the users page.
        Ok(who) if sg_app::access::can_administer(&who.user) => Redirect::to("/admin/users").into_response(),
        Ok(_) => Redirect::to("/cases").into_response(),
        // Not signed in, or a second factor to give or set up: where the extractor sends them.
        Err(redirect) => redirect,
    }
}

/// Any unknown page.
pub(crate) async fn not_found() -> Response {
    error_page(AppError::NotFound)
}

/// Checks the form token against the session's: `Some(refusal page)` on a mismatch, which the
/// handler returns without changing anything.
pub(crate) fn csrf_refusal(who: &PageUser, form: &crate::form::FormData) -> Option<Response> {
    let sent = form.get("csrf");
    if !sent.is_empty() && constant_time_eq(sent.as_bytes(), who.session.csrf_token.as_bytes()) {
        None
    } else {
        Some(render_with(
            StatusCode::FORBIDDEN,
            &MessagePage {
                layout: Layout::for_user(tr("error.form_expired"), who),
                has_errors: false,
                message: tr("error.form_expired_detail"),
                link: None,
            },
        ))
    }
}

pub(crate) fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_field_error_is_escaped_and_marked_when_not_in_the_pages_language() {
        let errors = vec![
            FieldMessage { field: "a".into(), message: "Enter <b>&</b>".into(), lang: "en" },
            FieldMessage::new("b", "Rhowch <i>"),
        ];
        assert_eq!(
            message_for(&errors, "a").to_string(),
            "<span lang=\"en\">Enter &#60;b&#62;&#38;&#60;/b&#62;</span>"
        );
        assert_eq!(message_for(&errors, "b").to_string(), "Rhowch &#60;i&#62;");
        assert!(message_for(&errors, "c").is_empty());
        assert_eq!(message_for(&errors, "c").to_string(), "");
    }
}
