//! The report as HTML: a fragment for the monitoring pages, one indicator's fragment for its
//! own page, and a standalone page for files.

use askama::Template;

use crate::view::{IndicatorView, ReportView};
use crate::words::Words;
use crate::RenderError;

#[derive(Template)]
#[template(path = "report_body.html")]
struct Body<'a> {
    view: &'a ReportView,
}

#[derive(Template)]
#[template(path = "report.html")]
struct Page<'a> {
    view: &'a ReportView,
    body: String,
}

/// The words that explain an indicator's page to a reader who is not a statistician.
struct Explained {
    how_to_read: String,
    interval: String,
    hidden: String,
    warning: String,
    differences: String,
    notes: String,
}

#[derive(Template)]
#[template(path = "indicator.html")]
struct One<'a> {
    view: &'a ReportView,
    i: &'a IndicatorView,
    words: Explained,
}

/// The report's body.
pub(crate) fn fragment(view: &ReportView) -> Result<String, RenderError> {
    Body { view }.render().map_err(|e| RenderError(e.to_string()))
}

/// A standalone page with its own small stylesheet.
pub(crate) fn page(view: &ReportView) -> Result<String, RenderError> {
    Page { view, body: fragment(view)? }.render().map_err(|e| RenderError(e.to_string()))
}

/// One indicator's body, with the statistics explained in words; `None` if the view has no
/// indicator `id`.
pub(crate) fn indicator(
    view: &ReportView,
    id: &str,
    hidden: String,
    w: &Words<'_>,
) -> Result<Option<String>, RenderError> {
    let Some(i) = view.indicators.iter().find(|i| i.id == id) else { return Ok(None) };
    let words = Explained {
        how_to_read: w.t("report.how_to_read", "How to read these figures"),
        interval: w.t(
            "report.explain_interval",
            "A rate is followed by its likely range, for example “54.6% (52.1% to 57.0%)”. The counts \
             are complete, not a sample: the rate is exact for the people counted. The range is how far \
             it could move by chance alone were the same process to decide as many other people, so a \
             difference between groups within it is no evidence that they were treated differently. \
             The fewer people counted, the wider the range.",
        ),
        hidden,
        warning: w.t("report.warning", "Warning"),
        differences: w.t("report.differences", "Groups decided differently"),
        notes: w.t("report.notes", "Statistical notes: sources and tests"),
    };
    One { view, i, words }.render().map(Some).map_err(|e| RenderError(e.to_string()))
}
