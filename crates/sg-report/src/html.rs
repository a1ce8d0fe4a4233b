//! The report as HTML: a fragment for the monitoring pages, and a standalone page for files.

use askama::Template;

use crate::view::ReportView;
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

/// The report's body.
pub(crate) fn fragment(view: &ReportView) -> Result<String, RenderError> {
    Body { view }.render().map_err(|e| RenderError(e.to_string()))
}

/// A standalone page with its own small stylesheet.
pub(crate) fn page(view: &ReportView) -> Result<String, RenderError> {
    Page { view, body: fragment(view)? }.render().map_err(|e| RenderError(e.to_string()))
}
