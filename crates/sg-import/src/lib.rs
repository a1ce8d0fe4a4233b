//! Importers of public statistics into [`sg_stats::Table`]s: the Home Office NRM tables
//! ([`nrm`]) and the CTDC k-anonymised global dataset ([`ctdc`]).
//!
//! An importer reads every file first and stores nothing: it returns the tables and an
//! [`ImportReport`] naming every rejected row with its file, line and reason. The caller stores
//! the result in one transaction, or nothing, so an import is never half done. Subtotal rows
//! are checked against the rows they total (a total that does not add up is rejected) and then
//! dropped, so nothing is counted twice.

pub mod ctdc;
pub mod nrm;
mod nrm_cube;

use std::fmt;
use std::path::Path;

use sg_stats::Table;

/// A row that was not imported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    /// The file, as named in the directory.
    pub file: String,
    /// The line in the file (the header is line 1).
    pub line: u64,
    /// Why, in plain words.
    pub reason: String,
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} line {}: {}", self.file, self.line, self.reason)
    }
}

/// What an import read, kept and refused.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportReport {
    /// Per file: (name, data rows read).
    pub files: Vec<(String, u64)>,
    /// Data rows read in all.
    pub rows_read: u64,
    /// Rows imported as counts.
    pub rows_imported: u64,
    /// Subtotal rows recognised, checked and left out.
    pub subtotals_checked: u64,
    /// Rows refused.
    pub rejections: Vec<Rejection>,
}

impl ImportReport {
    /// The report as text, for the command line and for storing with the dataset.
    pub fn text(&self) -> String {
        let mut s = format!(
            "rows read: {}\nrows imported: {}\nsubtotal rows checked and left out: {}\nrows rejected: {}\n",
            self.rows_read,
            self.rows_imported,
            self.subtotals_checked,
            self.rejections.len()
        );
        for (file, n) in &self.files {
            s.push_str(&format!("  {file}: {n} rows\n"));
        }
        for r in &self.rejections {
            s.push_str(&format!("rejected: {r}\n"));
        }
        s
    }

    pub(crate) fn reject(&mut self, file: &str, line: u64, reason: impl Into<String>) {
        self.rejections.push(Rejection { file: file.to_string(), line, reason: reason.into() });
    }
}

/// A file that cannot be imported at all.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The file or directory could not be read.
    #[error("cannot read {path}: {message}")]
    Read {
        /// Which.
        path: String,
        /// Why.
        message: String,
    },
    /// The file is not in the expected layout.
    #[error("{path}: unexpected layout: {message}")]
    Layout {
        /// Which.
        path: String,
        /// What was expected.
        message: String,
    },
}

/// An importer's result.
#[derive(Debug, Clone)]
pub struct Imported {
    /// The tables, in the order indicators should consult them.
    pub tables: Vec<Table>,
    /// What was read, kept and refused.
    pub report: ImportReport,
}

/// Opens a CSV file, decompressing `.gz`.
pub(crate) fn csv_reader(path: &Path) -> Result<csv::Reader<Box<dyn std::io::Read>>, ImportError> {
    let file = std::fs::File::open(path)
        .map_err(|e| ImportError::Read { path: path.display().to_string(), message: e.to_string() })?;
    let inner: Box<dyn std::io::Read> = if path.extension().is_some_and(|e| e == "gz") {
        Box::new(flate2::read::GzDecoder::new(std::io::BufReader::new(file)))
    } else {
        Box::new(std::io::BufReader::new(file))
    };
    Ok(csv::ReaderBuilder::new().flexible(false).from_reader(inner))
}

/// Checks a header against the expected columns.
pub(crate) fn expect_header(
    path: &Path,
    r: &mut csv::Reader<Box<dyn std::io::Read>>,
    expected: &[&str],
) -> Result<(), ImportError> {
    let header =
        r.headers().map_err(|e| ImportError::Layout { path: path.display().to_string(), message: e.to_string() })?;
    let got: Vec<&str> = header.iter().collect();
    if got != expected {
        return Err(ImportError::Layout {
            path: path.display().to_string(),
            message: format!("expected columns {expected:?}, found {got:?}"),
        });
    }
    Ok(())
}

/// Parses a count, or says why not.
pub(crate) fn count(field: &str, column: &str) -> Result<u64, String> {
    field.trim().parse::<u64>().map_err(|_| format!("{column}: {field:?} is not a count"))
}
