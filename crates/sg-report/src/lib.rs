//! The monitoring report as files: HTML with server-rendered SVG trend charts, CSV, JSON, and
//! ODS (the format the Home Office publishes its tables in).
//!
//! Rendering only formats a [`sg_stats::Report`], which has already been through disclosure
//! control; nothing here sees a raw count. The same view ([`view::ReportView`]) feeds every
//! format, so the HTML, CSV, JSON and ODS of one report always show the same figures.

pub mod axis;
mod csv_out;
mod html;
mod ods;
pub mod summary;
pub mod svg;
pub mod view;
pub mod words;

use sg_stats::Report;

/// An output format of `safeguard report`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// A standalone web page.
    Html,
    /// One line per published figure.
    Csv,
    /// The whole report.
    Json,
    /// An OpenDocument spreadsheet, one sheet per indicator.
    Ods,
}

impl Format {
    /// Parses `html`, `csv`, `json` or `ods`.
    pub fn parse(s: &str) -> Result<Format, String> {
        match s {
            "html" => Ok(Format::Html),
            "csv" => Ok(Format::Csv),
            "json" => Ok(Format::Json),
            "ods" => Ok(Format::Ods),
            other => Err(format!("unknown format {other:?}; expected html, csv, json or ods")),
        }
    }
    /// The format's name.
    pub fn name(self) -> &'static str {
        match self {
            Format::Html => "html",
            Format::Csv => "csv",
            Format::Json => "json",
            Format::Ods => "ods",
        }
    }
}

/// Rendering failed (a template or the zip writer); a fault, not bad input.
#[derive(Debug, thiserror::Error)]
#[error("cannot render the report: {0}")]
pub struct RenderError(pub String);

/// Renders a report.
pub fn render(report: &Report, format: Format) -> Result<Vec<u8>, RenderError> {
    let view = view::ReportView::of(report);
    match format {
        Format::Html => html::page(&view).map(String::into_bytes),
        Format::Csv => csv_out::csv(&view),
        Format::Json => serde_json::to_vec_pretty(report).map_err(|e| RenderError(e.to_string())),
        Format::Ods => ods::ods(&view),
    }
}

/// The report's body as an HTML fragment, for the monitoring pages.
pub fn html_fragment(report: &Report) -> Result<String, RenderError> {
    html::fragment(&view::ReportView::of(report))
}

/// The report's body as an HTML fragment with its headings and labels in `words`' language.
pub fn html_fragment_in(report: &Report, words: &words::Words<'_>) -> Result<String, RenderError> {
    html::fragment(&view::ReportView::of_in(report, words))
}

/// One indicator's body for its own page, with its statistics explained in words; `None`
/// when the catalogue has no indicator `id`.
pub fn indicator_fragment_in(
    report: &Report,
    id: &str,
    words: &words::Words<'_>,
) -> Result<Option<String>, RenderError> {
    html::indicator(&view::ReportView::of_in(report, words), id, summary::hidden_marker(report, words), words)
}
