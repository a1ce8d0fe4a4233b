//! The report as an OpenDocument spreadsheet (ODS), written by hand: an ODS file is a zip of
//! a `mimetype` entry (first, stored uncompressed, as the standard requires), a manifest and
//! `content.xml`. One sheet per indicator.

use std::io::Write;

use zip::write::SimpleFileOptions;

use crate::view::{Cell, ReportView};
use crate::RenderError;

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

fn text_cell(out: &mut String, text: &str) {
    out.push_str(&format!(
        "<table:table-cell office:value-type=\"string\"><text:p>{}</text:p></table:table-cell>",
        xml_escape(text)
    ));
}

fn cell(out: &mut String, c: &Cell) {
    match c.number {
        Some(v) => out.push_str(&format!(
            "<table:table-cell office:value-type=\"float\" office:value=\"{v}\"><text:p>{}</text:p></table:table-cell>",
            xml_escape(&c.text)
        )),
        None => text_cell(out, &c.text),
    }
}

fn row(out: &mut String, cells: impl FnOnce(&mut String)) {
    out.push_str("<table:table-row>");
    cells(out);
    out.push_str("</table:table-row>");
}

fn content(view: &ReportView) -> String {
    let mut s = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<office:document-content \
         xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" \
         xmlns:table=\"urn:oasis:names:tc:opendocument:xmlns:table:1.0\" \
         xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\" office:version=\"1.2\">\
         <office:body><office:spreadsheet>",
    );
    s.push_str("<table:table table:name=\"Cover\">");
    for line in [
        view.title.as_str(),
        &format!("Period: {}", view.period),
        &format!("Disclosure control: {}", view.rule),
        &view.legend,
    ] {
        row(&mut s, |s| text_cell(s, line));
    }
    s.push_str("</table:table>");
    for i in &view.indicators {
        s.push_str(&format!("<table:table table:name=\"{}\">", xml_escape(&i.id)));
        for line in [i.title.as_str(), &i.definition, &i.basis, &i.headline, &i.note] {
            if !line.is_empty() {
                row(&mut s, |s| text_cell(s, line));
            }
        }
        for f in &i.findings {
            row(&mut s, |s| text_cell(s, f));
        }
        for t in &i.tables {
            row(&mut s, |_| {});
            row(&mut s, |s| text_cell(s, &format!("{} (source: {})", t.title, t.source)));
            row(&mut s, |s| t.headers.iter().for_each(|h| text_cell(s, h)));
            for r in &t.rows {
                row(&mut s, |s| r.iter().for_each(|c| cell(s, c)));
            }
        }
        s.push_str("</table:table>");
    }
    s.push_str("</office:spreadsheet></office:body></office:document-content>");
    s
}

const MANIFEST: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<manifest:manifest \
    xmlns:manifest=\"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0\" manifest:version=\"1.2\">\
    <manifest:file-entry manifest:full-path=\"/\" manifest:version=\"1.2\" \
    manifest:media-type=\"application/vnd.oasis.opendocument.spreadsheet\"/>\
    <manifest:file-entry manifest:full-path=\"content.xml\" manifest:media-type=\"text/xml\"/>\
    </manifest:manifest>";

/// The spreadsheet's bytes.
pub(crate) fn ods(view: &ReportView) -> Result<Vec<u8>, RenderError> {
    let err = |e: &dyn std::fmt::Display| RenderError(e.to_string());
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let stored = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    let deflated = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    zip.start_file("mimetype", stored).map_err(|e| err(&e))?;
    zip.write_all(b"application/vnd.oasis.opendocument.spreadsheet").map_err(|e| err(&e))?;
    zip.start_file("META-INF/manifest.xml", deflated).map_err(|e| err(&e))?;
    zip.write_all(MANIFEST.as_bytes()).map_err(|e| err(&e))?;
    zip.start_file("content.xml", deflated).map_err(|e| err(&e))?;
    zip.write_all(content(view).as_bytes()).map_err(|e| err(&e))?;
    let cursor = zip.finish().map_err(|e| err(&e))?;
    Ok(cursor.into_inner())
}
