//! The records of independent monitoring: imported public datasets, and publications.

use serde::Serialize;
use sg_domain::UserId;
use time::OffsetDateTime;

/// A public dataset to store as a new version of `name`.
#[derive(Debug, Clone)]
pub struct NewDataset {
    /// The dataset's name (`uk-nrm`, `ctdc`).
    pub name: String,
    /// Where it came from (a directory or file, as given).
    pub source: String,
    /// When it was imported.
    pub imported_at: OffsetDateTime,
    /// Data rows read.
    pub rows_read: u64,
    /// Data rows accepted.
    pub rows_imported: u64,
    /// Data rows rejected (with their reasons in `report`).
    pub rows_rejected: u64,
    /// The import report: counts per file, subtotals checked, rejections with line and reason.
    pub report: String,
    /// The tables of weighted cells.
    pub tables: Vec<sg_stats::Table>,
}

/// A stored version of a dataset.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DatasetVersion {
    /// The dataset's name.
    pub name: String,
    /// 1 for the first import, then 2, ...
    pub version: u32,
    /// Where it came from.
    pub source: String,
    /// When it was imported.
    #[serde(with = "time::serde::rfc3339")]
    pub imported_at: OffsetDateTime,
    /// Data rows read.
    pub rows_read: u64,
    /// Data rows accepted.
    pub rows_imported: u64,
    /// Data rows rejected.
    pub rows_rejected: u64,
}

/// A record of something published: a report, an export, a page of statistics.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Publication {
    /// Its id (a UUID).
    pub id: String,
    /// When.
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    /// Who, when a signed-in user asked; `None` from the command line.
    pub created_by: Option<UserId>,
    /// `report`, `export` or `page`.
    pub kind: String,
    /// The source: `own-cases` or `DATASET@VERSION`.
    pub source: String,
    /// The period reported on.
    pub period: String,
    /// `html`, `csv`, `json`, `ods`.
    pub format: String,
    /// The disclosure rule applied, as JSON.
    pub rule: String,
    /// SHA-256 of the output, hex.
    pub sha256: String,
    /// Size of the output in bytes.
    pub bytes: u64,
}
