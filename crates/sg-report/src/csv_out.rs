//! The report as CSV: one line per published figure, in long form so that it loads straight
//! into R, pandas or a spreadsheet's pivot table.

use crate::view::ReportView;
use crate::RenderError;

/// Lines of `indicator, table, source, row, column, value`.
pub(crate) fn csv(view: &ReportView) -> Result<Vec<u8>, RenderError> {
    let err = |e: csv::Error| RenderError(e.to_string());
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(["indicator", "table", "source", "row", "column", "value", "period"]).map_err(err)?;
    for i in &view.indicators {
        if !i.available {
            w.write_record([i.id.as_str(), "", "", "", "", "not available", &view.period]).map_err(err)?;
            continue;
        }
        for t in &i.tables {
            for row in &t.rows {
                for (j, c) in row.iter().enumerate().skip(1) {
                    if c.text.is_empty() {
                        continue;
                    }
                    w.write_record([&i.id, &t.title, &t.source, &row[0].text, &t.headers[j], &c.text, &view.period])
                        .map_err(err)?;
                }
            }
        }
    }
    // The rule applied travels with the figures, as the last line.
    w.write_record(["disclosure-control", "", "", "", "", &format!("{} {}", view.rule, view.legend), &view.period])
        .map_err(err)?;
    w.into_inner().map_err(|e| RenderError(e.to_string()))
}
