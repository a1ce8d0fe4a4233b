//! The monitoring dashboard (`/monitoring`): indicators with their intervals, disparities and
//! SVG trend charts, for the system's own cases or an imported dataset. Monitors and
//! administrators only; every view is disclosure-controlled and recorded as a publication.

use askama::Template;
use axum::extract::{RawQuery, State};
use axum::response::Response;
use sg_app::monitoring::{ReportRequest, Source};
use sg_stats::{Period, Rule};

use super::{error_page, render, Layout};
use crate::extract::PageUser;
use crate::AppState;

#[derive(Template)]
#[template(path = "monitoring.html")]
pub(crate) struct MonitoringPage {
    layout: Layout,
    has_errors: bool,
    error: String,
    /// (value, label, selected) for the source select box.
    sources: Vec<(String, String, bool)>,
    period: String,
    body: String,
}

/// `GET /monitoring?dataset=NAME@VERSION&period=2023-Q4`.
pub(crate) async fn dashboard(State(state): State<AppState>, who: PageUser, RawQuery(raw): RawQuery) -> Response {
    let q: Vec<(String, String)> = form_urlencoded::parse(raw.unwrap_or_default().as_bytes()).into_owned().collect();
    let get = |name: &str| q.iter().find(|(k, v)| k == name && !v.trim().is_empty()).map(|(_, v)| v.trim().to_string());
    let datasets = match state.app.statistics_datasets(&who.user).await {
        Ok(d) => d,
        Err(e) => return error_page(e),
    };
    let dataset = get("dataset");
    let period_text = get("period").unwrap_or_default();
    let mut sources = vec![(String::new(), crate::i18n::tr("monitoring.own_cases"), dataset.is_none())];
    for d in &datasets {
        let value = format!("{}@{}", d.name, d.version);
        let label = format!("{} version {} ({} rows)", d.name, d.version, d.rows_imported);
        sources.push((value.clone(), label, dataset.as_deref() == Some(value.as_str())));
    }
    let period = if period_text.is_empty() { Ok(Period::All) } else { Period::parse(&period_text) };
    let page = |error: String, body: String| MonitoringPage {
        layout: Layout::for_user(crate::i18n::tr("nav.monitoring"), &who),
        has_errors: !error.is_empty(),
        error,
        sources: sources.clone(),
        period: period_text.clone(),
        body,
    };
    let period = match period {
        Ok(p) => p,
        Err(e) => return render(&page(e, String::new())),
    };
    let source = match Source::parse(dataset.as_deref()) {
        Ok(s) => s,
        Err(e) => return render(&page(e.to_string(), String::new())),
    };
    let rule = Rule::default();
    let built =
        match state.app.monitoring_report(Some(&who.user), &ReportRequest { source, period, rule: rule.clone() }).await
        {
            Ok(b) => b,
            Err(sg_app::AppError::Invalid(e)) => return render(&page(e.message, String::new())),
            Err(e) => return error_page(e),
        };
    // The report's headings and labels in the page's language; the command line stays English.
    // (In a block of its own: the lookup is not `Send`, so it must not live across an await.)
    let fragment = {
        let lookup = crate::i18n::staff_lookup;
        let words = sg_report::words::Words::new(crate::i18n::staff().code(), &lookup);
        sg_report::html_fragment_in(&built.report, &words)
    };
    let body = match fragment {
        Ok(b) => b,
        Err(e) => return error_page(sg_app::AppError::Internal(e.to_string())),
    };
    if let Err(e) = state
        .app
        .publish(Some(&who.user), "page", &built.source, &period.to_string(), "html", &rule, body.as_bytes())
        .await
    {
        return error_page(e);
    }
    render(&page(String::new(), body))
}
