//! The recommendation tracker (`/monitoring/recommendations`): every recommendation with its
//! status, evidence and linked indicators' live values, under the summary line, and a form to
//! record a new status and another to add a recommendation. Monitors and administrators only; the page shows indicator values, so
//! each view is recorded as a publication like `/monitoring`.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::response::{IntoResponse, Redirect, Response};
use sg_app::recommendations::{RecommendationInput, StatusInput, Tracker};
use sg_app::AppError;
use sg_store::RecommendationStatus;

use super::{csrf_refusal, error_page, message_for, render, FieldMessage, Layout};
use crate::extract::PageUser;
use crate::form::FormData;
use crate::AppState;

/// One recommendation as the page shows it: every value already in words.
struct Row {
    id: String,
    text: String,
    source: String,
    report_date: String,
    addressee: String,
    article: String,
    status: String,
    /// The govuk-tag colour modifier for the status.
    tag: &'static str,
    as_of: String,
    evidence: String,
    evidence_url: String,
    /// (as of, status, evidence) oldest first.
    history: Vec<(String, String, String)>,
    /// (title, id, value, interval).
    indicators: Vec<(String, String, String, String)>,
}

/// One option of a select box.
struct Opt {
    value: String,
    label: String,
    selected: bool,
}

#[derive(Template)]
#[template(path = "recommendations.html")]
struct RecommendationsPage {
    layout: Layout,
    /// Whether the title says "Error:" (the base template's convention).
    has_errors: bool,
    errors: Vec<FieldMessage>,
    summary: String,
    basis: String,
    legend: String,
    rows: Vec<Row>,
    recommendation_options: Vec<Opt>,
    status_options: Vec<Opt>,
    as_of: String,
    evidence: String,
    evidence_url: String,
    /// The add form's text fields: (name, label, hint, value typed).
    new_fields: Vec<(&'static str, String, String, String)>,
    /// The catalogue's indicators as checkboxes.
    indicator_options: Vec<Opt>,
    /// The success message after an act, or empty.
    done: String,
}

impl RecommendationsPage {
    fn error_for(&self, field: &str) -> super::FieldErr {
        message_for(&self.errors, field)
    }
}

/// The status in the page's language (catalogue `recommendation_status.{code}`).
fn status_label(s: RecommendationStatus) -> String {
    crate::i18n::coded_label("recommendation_status", s.code(), s.label())
}

fn tag(s: RecommendationStatus) -> &'static str {
    match s {
        RecommendationStatus::Implemented => "govuk-tag--green",
        RecommendationStatus::PartlyImplemented => "govuk-tag--yellow",
        RecommendationStatus::NotImplemented => "govuk-tag--red",
        RecommendationStatus::Rejected => "govuk-tag--grey",
        RecommendationStatus::Unknown => "govuk-tag--grey",
    }
}

/// What the page shows besides the tracker: errors, what was typed in either form, and the
/// success message after an act.
#[derive(Default)]
struct Shown {
    errors: Vec<FieldMessage>,
    sent: StatusInput,
    new: RecommendationInput,
    done: String,
}

fn page(who: &PageUser, t: &Tracker, shown: Shown) -> RecommendationsPage {
    let Shown { errors, sent, new, done } = shown;
    let sent = &sent;
    let tr = crate::i18n::tr;
    let new_fields = vec![
        ("source", tr("recommendations.source"), String::new(), new.source.clone()),
        ("date", tr("recommendations.date"), tr("recommendations.date_hint"), new.date.clone()),
        ("text", tr("recommendations.text"), String::new(), new.text.clone()),
        ("addressee", tr("recommendations.addressee"), tr("recommendations.addressee_hint"), new.addressee.clone()),
        ("article", tr("recommendations.article"), tr("recommendations.article_hint"), new.article.clone()),
    ];
    let chosen: Vec<&str> = new.indicators.split_whitespace().collect();
    let indicator_options = sg_stats::CATALOGUE
        .iter()
        .map(|i| Opt {
            value: i.id.into(),
            label: crate::i18n::coded_label("report.indicator", i.id, i.title),
            selected: chosen.contains(&i.id),
        })
        .collect();
    let rows = t
        .recommendations
        .iter()
        .map(|r| {
            let rec = &r.recommendation;
            Row {
                id: rec.id.clone(),
                text: rec.text.clone(),
                source: rec.source.clone(),
                report_date: rec.report_date.to_string(),
                addressee: rec.addressee.clone(),
                article: rec.article.clone(),
                status: status_label(r.status),
                tag: tag(r.status),
                as_of: r.current.as_ref().map(|s| s.as_of.to_string()).unwrap_or_default(),
                evidence: r.current.as_ref().map(|s| s.evidence.clone()).unwrap_or_default(),
                evidence_url: r.current.as_ref().and_then(|s| s.evidence_url.clone()).unwrap_or_default(),
                history: r
                    .history
                    .iter()
                    .map(|s| (s.as_of.to_string(), status_label(s.status), s.evidence.clone()))
                    .collect(),
                indicators: r
                    .indicators
                    .iter()
                    .map(|i| (i.title.clone(), i.id.clone(), i.value.clone(), i.interval.clone().unwrap_or_default()))
                    .collect(),
            }
        })
        .collect();
    let recommendation_options = t
        .recommendations
        .iter()
        .map(|r| {
            let text: String = r.recommendation.text.chars().take(90).collect();
            Opt {
                value: r.recommendation.id.clone(),
                label: format!("{} ({}, {})", text, r.recommendation.source, r.recommendation.report_date),
                selected: r.recommendation.id == sent.recommendation_id,
            }
        })
        .collect();
    let status_options = RecommendationStatus::ALL
        .iter()
        .map(|s| Opt { value: s.code().into(), label: status_label(*s), selected: s.code() == sent.status })
        .collect();
    RecommendationsPage {
        layout: Layout::for_user(crate::i18n::tr("recommendations.title"), who),
        has_errors: !errors.is_empty(),
        errors,
        summary: t.summary.clone(),
        basis: t.indicator_basis.clone(),
        legend: t.rule.legend(),
        rows,
        recommendation_options,
        status_options,
        as_of: sent.as_of.clone(),
        evidence: sent.evidence.clone(),
        evidence_url: sent.evidence_url.clone(),
        new_fields,
        indicator_options,
        done,
    }
}

/// Renders the page, recording the view as a publication first (what is not recorded is not
/// published).
async fn show(state: &AppState, who: &PageUser, shown: Shown) -> Response {
    let tracker = match state.app.recommendation_tracker(Some(&who.user)).await {
        Ok(t) => t,
        Err(e) => return error_page(e),
    };
    let p = page(who, &tracker, shown);
    let html = match p.render() {
        Ok(h) => h,
        Err(e) => return error_page(AppError::Internal(e.to_string())),
    };
    if let Err(e) =
        state.app.publish(Some(&who.user), "page", "own-cases", "all", "html", &tracker.rule, html.as_bytes()).await
    {
        return error_page(e);
    }
    render(&p)
}

/// `GET /monitoring/recommendations`, with `?done=added` or `?done=recorded` after an act.
pub(crate) async fn list(State(state): State<AppState>, who: PageUser, RawQuery(raw): RawQuery) -> Response {
    let done = match raw.as_deref() {
        Some("done=added") => crate::i18n::tr("recommendations.added"),
        Some("done=recorded") => crate::i18n::tr("recommendations.recorded"),
        _ => String::new(),
    };
    show(&state, &who, Shown { done, ..Shown::default() }).await
}

/// `POST /monitoring/recommendations/add`: adds a recommendation (the fields of a row of
/// `recommendations import`), then back to the list with a success message; a refused one
/// re-renders the page with the error summary and what was typed. The same roles as the
/// tracker's statistics access: `App::add_recommendation` checks them.
pub(crate) async fn add(State(state): State<AppState>, who: PageUser, body: Bytes) -> Response {
    let form = FormData::parse(&body);
    if let Some(r) = csrf_refusal(&who, &form) {
        return r;
    }
    let new = RecommendationInput {
        source: form.get("source"),
        date: form.get("date"),
        text: form.get("text"),
        addressee: form.get("addressee"),
        article: form.get("article"),
        indicators: form.all("indicators").join(" "),
    };
    match state.app.add_recommendation(Some(&who.user), &new).await {
        Ok(_) => Redirect::to("/monitoring/recommendations?done=added").into_response(),
        Err(AppError::Invalid(f)) => {
            let errors = vec![FieldMessage::from_error(f)];
            show(&state, &who, Shown { errors, new, ..Shown::default() }).await
        }
        Err(e) => error_page(e),
    }
}

/// `POST /monitoring/recommendations`: records a status, then back to the list; a refused
/// status re-renders the page with the error summary and what was typed.
pub(crate) async fn record(State(state): State<AppState>, who: PageUser, body: Bytes) -> Response {
    let form = FormData::parse(&body);
    if let Some(r) = csrf_refusal(&who, &form) {
        return r;
    }
    let sent = StatusInput {
        recommendation_id: form.get("recommendation"),
        status: form.get("status"),
        as_of: form.get("as_of"),
        evidence: form.get("evidence"),
        evidence_url: form.get("evidence_url"),
    };
    match state.app.record_recommendation_status(Some(&who.user), &sent).await {
        Ok(_) => Redirect::to("/monitoring/recommendations?done=recorded").into_response(),
        Err(AppError::Invalid(f)) => {
            let errors = vec![FieldMessage::from_error(f)];
            show(&state, &who, Shown { errors, sent, ..Shown::default() }).await
        }
        Err(AppError::Conflict(m)) => {
            let errors = vec![FieldMessage { lang: "", field: "as_of".into(), message: m }];
            show(&state, &who, Shown { errors, sent, ..Shown::default() }).await
        }
        Err(e) => error_page(e),
    }
}
