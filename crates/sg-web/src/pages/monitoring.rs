//! The monitor's dashboard: `/monitoring` answers the main questions for a period in a
//! sentence each, and `/monitoring/indicators/{indicator}` shows one indicator's breakdowns,
//! chart and statistical notes in plain words. Both read the same disclosure-controlled
//! report, for the system's own cases or an imported dataset. Monitors and administrators
//! only; every view is recorded as a publication before it is shown.

use askama::Template;
use axum::extract::{Path, RawQuery, State};
use axum::response::{IntoResponse, Response};
use sg_app::monitoring::{BuiltReport, ReportRequest, Source};
use sg_report::summary::{Answer, Flagged, Summary};
use sg_stats::{Period, Rule};

use super::{error_page, render, Layout};
use crate::extract::PageUser;
use crate::i18n::tr;
use crate::AppState;

/// One option of a select box: (value, label, selected).
type Opt = (String, String, bool);

/// The choices above both pages: the source and the period.
struct Choice {
    sources: Vec<Opt>,
    periods: Vec<Opt>,
    /// `?dataset=…&period=…`, for links that keep the choice.
    query: String,
    /// The period in words.
    period: String,
}

#[derive(Template)]
#[template(path = "monitoring.html")]
pub(crate) struct SummaryPage {
    layout: Layout,
    has_errors: bool,
    error: String,
    choice: Choice,
    answers: Vec<Answer>,
    flagged: Vec<Flagged>,
    hidden: String,
    /// (id, title) of every indicator.
    indicators: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "monitoring_indicator.html")]
pub(crate) struct IndicatorPage {
    layout: Layout,
    /// Always false (the base template's convention): a bad period is refused on the summary.
    has_errors: bool,
    title: String,
    choice: Choice,
    body: String,
}

/// The URL value of a period (`2023-Q4`, `2023`, empty for every period).
fn period_value(p: Period) -> String {
    match p {
        Period::All => String::new(),
        Period::Year(y) => y.to_string(),
        Period::Quarter(y, q) => format!("{y}-Q{q}"),
    }
}

fn period_label(p: Period) -> String {
    match p {
        Period::All => tr("monitoring.all_periods"),
        other => other.to_string(),
    }
}

/// A report for the page, or why not: a message for the period field with the choices to
/// show again, or an error page.
enum Built {
    Ready(Box<BuiltReport>, Period, Choice),
    Refused(String, Choice),
    Failed(Response),
}

/// Reads `dataset` and `period`, builds the report, and checks the period is one the source
/// has figures for (an unknown one is refused, naming the field, and nothing is published).
async fn build(state: &AppState, who: &PageUser, raw: Option<String>) -> Built {
    let q: Vec<(String, String)> = form_urlencoded::parse(raw.unwrap_or_default().as_bytes()).into_owned().collect();
    let get = |name: &str| q.iter().find(|(k, v)| k == name && !v.trim().is_empty()).map(|(_, v)| v.trim().to_string());
    let datasets = match state.app.statistics_datasets(&who.user).await {
        Ok(d) => d,
        Err(e) => return Built::Failed(error_page(e)),
    };
    let dataset = get("dataset");
    let period_text = get("period").unwrap_or_default();
    let mut sources = vec![(String::new(), tr("monitoring.own_cases"), dataset.is_none())];
    for d in &datasets {
        let value = format!("{}@{}", d.name, d.version);
        let label = format!("{} version {} ({} rows)", d.name, d.version, d.rows_imported);
        sources.push((value.clone(), label, dataset.as_deref() == Some(value.as_str())));
    }
    let asked = if period_text.is_empty() { Ok(Period::All) } else { Period::parse(&period_text) };
    let mut choice = Choice { sources, periods: vec![], query: String::new(), period: String::new() };
    let source = match Source::parse(dataset.as_deref()) {
        Ok(s) => s,
        Err(e) => return Built::Refused(e.to_string(), choice),
    };
    let rule = Rule::default();
    let period = *asked.as_ref().unwrap_or(&Period::All);
    let built = match state.app.monitoring_report(Some(&who.user), &ReportRequest { source, period, rule }).await {
        Ok(b) => b,
        Err(sg_app::AppError::Invalid(e)) => return Built::Refused(e.message, choice),
        Err(e) => return Built::Failed(error_page(e)),
    };
    let known = sg_stats::period::periods_in(&built.report.tables);
    let chosen = asked.ok().filter(|p| known.contains(p));
    choice.periods = known
        .iter()
        .map(|p| (period_value(*p), period_label(*p), Some(*p) == chosen && !period_text.is_empty()))
        .collect();
    let Some(period) = chosen else {
        return Built::Refused(
            crate::i18n::tf(crate::i18n::staff(), "monitoring.period_unknown", &[("period", &period_text)]),
            choice,
        );
    };
    let mut query = form_urlencoded::Serializer::new(String::new());
    if let Some(d) = &dataset {
        query.append_pair("dataset", d);
    }
    if period != Period::All {
        query.append_pair("period", &period_value(period));
    }
    let query = query.finish();
    choice.query = if query.is_empty() { query } else { format!("?{query}") };
    choice.period = period_label(period);
    Built::Ready(Box::new(built), period, choice)
}

/// Records the page as a publication, then sends it: what is not recorded is not published.
async fn publish_and_render(
    state: &AppState,
    who: &PageUser,
    built: &BuiltReport,
    period: Period,
    page: &impl Template,
) -> Response {
    let html = match page.render() {
        Ok(h) => h,
        Err(e) => return error_page(sg_app::AppError::Internal(e.to_string())),
    };
    let rule = &built.report.rule;
    if let Err(e) = state
        .app
        .publish(Some(&who.user), "page", &built.source, &period.to_string(), "html", rule, html.as_bytes())
        .await
    {
        return error_page(e);
    }
    render(page)
}

/// `GET /monitoring?dataset=NAME@VERSION&period=2023-Q4`: the summary.
pub(crate) async fn dashboard(State(state): State<AppState>, who: PageUser, RawQuery(raw): RawQuery) -> Response {
    let layout = || Layout::for_user(tr("nav.monitoring"), &who);
    let indicators = sg_stats::CATALOGUE
        .iter()
        .map(|i| (i.id.to_string(), crate::i18n::coded_label("report.indicator", i.id, i.title)))
        .collect::<Vec<_>>();
    let empty = |error: String, choice: Choice| SummaryPage {
        layout: layout(),
        has_errors: true,
        error,
        choice,
        answers: vec![],
        flagged: vec![],
        hidden: String::new(),
        indicators: vec![],
    };
    let (built, period, choice) = match build(&state, &who, raw).await {
        Built::Ready(b, p, c) => (b, p, c),
        Built::Refused(error, choice) => return render(&empty(error, choice)),
        Built::Failed(r) => return r,
    };
    // The report's words in the page's language (a block of its own: the lookup is not
    // `Send`, so it must not live across an await).
    let summary = {
        let lookup = crate::i18n::staff_lookup;
        let words = sg_report::words::Words::new(crate::i18n::staff().code(), &lookup);
        Summary::of(&built.report, period, &words)
    };
    let page = SummaryPage {
        layout: layout(),
        has_errors: false,
        error: String::new(),
        choice,
        answers: summary.answers,
        flagged: summary.flagged,
        hidden: summary.hidden,
        indicators,
    };
    publish_and_render(&state, &who, &built, period, &page).await
}

/// `GET /monitoring/indicators/{indicator}?dataset=…&period=…`: one indicator in detail.
pub(crate) async fn indicator(
    State(state): State<AppState>,
    who: PageUser,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Response {
    let Some(ind) = sg_stats::catalogue::indicator(&id) else {
        // Still only for those who may see statistics: others learn nothing from a 404.
        if let Err(e) = sg_app::access::check_statistics(&who.user) {
            return error_page(e);
        }
        return error_page(sg_app::AppError::NotFound);
    };
    let (built, period, choice) = match build(&state, &who, raw.clone()).await {
        Built::Ready(b, p, c) => (b, p, c),
        // The period is chosen on the summary, which names the field with the same query.
        Built::Refused(..) => {
            let to = format!("/monitoring?{}", raw.unwrap_or_default());
            return axum::response::Redirect::to(&to).into_response();
        }
        Built::Failed(r) => return r,
    };
    let body = {
        let lookup = crate::i18n::staff_lookup;
        let words = sg_report::words::Words::new(crate::i18n::staff().code(), &lookup);
        sg_report::indicator_fragment_in(&built.report, ind.id, &words)
    };
    let body = match body {
        Ok(Some(b)) => b,
        Ok(None) => return error_page(sg_app::AppError::NotFound),
        Err(e) => return error_page(sg_app::AppError::Internal(e.to_string())),
    };
    let title = crate::i18n::coded_label("report.indicator", ind.id, ind.title);
    let page = IndicatorPage { layout: Layout::for_user(title.clone(), &who), has_errors: false, title, choice, body };
    publish_and_render(&state, &who, &built, period, &page).await
}
