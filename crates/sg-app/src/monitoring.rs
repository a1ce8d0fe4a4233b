//! Independent monitoring: the report over the system's own cases or an imported dataset,
//! imports of public statistics, de-identified exports, and the record of every publication.
//!
//! Nothing leaves the system without disclosure control: the report is built by
//! `sg_stats::build_report`, which protects every table it makes, and the export by
//! `sg_stats::deidentify`. Every output is recorded with its rule and hash before it is handed
//! out ([`App::publish`]).

use serde::Serialize;
use sg_stats::cells::CaseRow;
use sg_stats::deidentify::DeidentifiedRow;
use sg_stats::{build_report, Period, Report, ReportOptions, Rule, Table};
use sg_store::{DatasetVersion, NewDataset, Publication, User};
use sha2::Digest;

use crate::{access, App, AppError};

/// What a report is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// The cases recorded in this system.
    OwnCases,
    /// An imported dataset: the given version, or the latest.
    Dataset {
        /// Its name.
        name: String,
        /// Its version.
        version: Option<u32>,
    },
}

impl Source {
    /// Parses `NAME` or `NAME@VERSION`; `None` means the system's own cases.
    pub fn parse(dataset: Option<&str>) -> Result<Source, AppError> {
        let Some(d) = dataset else { return Ok(Source::OwnCases) };
        match d.split_once('@') {
            None => Ok(Source::Dataset { name: d.to_string(), version: None }),
            Some((name, v)) => {
                let version = v.parse().map_err(|_| AppError::invalid("dataset", "give NAME or NAME@VERSION"))?;
                Ok(Source::Dataset { name: name.to_string(), version: Some(version) })
            }
        }
    }
}

/// What to publish: the report's period and rule.
#[derive(Debug, Clone)]
pub struct ReportRequest {
    /// The source.
    pub source: Source,
    /// The period.
    pub period: Period,
    /// The disclosure rule.
    pub rule: Rule,
}

/// The result of building a report: the report and the name of its source for the record.
#[derive(Debug, Clone, Serialize)]
pub struct BuiltReport {
    /// `own-cases` or `NAME@VERSION`.
    pub source: String,
    /// The report.
    pub report: Report,
}

impl App {
    /// The tables of a source.
    async fn tables(&self, source: &Source) -> Result<(String, String, Vec<Table>), AppError> {
        match source {
            Source::OwnCases => {
                let tables = self.store.case_tables().await?;
                Ok(("own-cases".into(), "Cases recorded in this Safeguard".into(), tables))
            }
            Source::Dataset { name, version } => {
                let (v, tables) = self.store.dataset_tables(name, *version).await?.ok_or_else(|| {
                    AppError::invalid("dataset", format!("no dataset {name:?}; import one with safeguard import"))
                })?;
                let title = format!("Dataset {} version {} (imported from {})", v.name, v.version, v.source);
                Ok((format!("{}@{}", v.name, v.version), title, tables))
            }
        }
    }

    /// Builds the monitoring report. `user` is `None` on the command line (the operator of the
    /// system), else it must be allowed to see statistics.
    pub async fn monitoring_report(&self, user: Option<&User>, req: &ReportRequest) -> Result<BuiltReport, AppError> {
        if let Some(u) = user {
            access::check_statistics(u)?;
        }
        let (source, title, tables) = self.tables(&req.source).await?;
        // Disclosure control protects the system's own cases; a published dataset is shown as
        // published (the rule recorded with each publication says which applied).
        let rule = match req.source {
            Source::OwnCases => req.rule.clone(),
            Source::Dataset { .. } => Rule::as_published(),
        };
        let options = ReportOptions {
            title: format!("Safeguard monitoring report: {title}"),
            period: req.period,
            rule,
            confidence: 0.95,
            top_nationalities: 10,
            as_of: self.clock.today(),
        };
        Ok(BuiltReport { source, report: build_report(tables, &options) })
    }

    /// Records that `bytes` were published, with the rule applied and their hash. Call before
    /// handing the bytes out: what is not recorded is not published.
    #[allow(clippy::too_many_arguments)]
    pub async fn publish(
        &self,
        user: Option<&User>,
        kind: &str,
        source: &str,
        period: &str,
        format: &str,
        rule: &Rule,
        bytes: &[u8],
    ) -> Result<Publication, AppError> {
        let p = Publication {
            id: uuid::Uuid::now_v7().to_string(),
            created_at: self.clock.now().replace_nanosecond(0).unwrap_or(self.clock.now()),
            created_by: user.map(|u| u.id),
            kind: kind.into(),
            source: source.into(),
            period: period.into(),
            format: format.into(),
            rule: serde_json::to_string(rule).map_err(|e| AppError::Internal(e.to_string()))?,
            sha256: hex(&sha2::Sha256::digest(bytes)),
            bytes: bytes.len() as u64,
        };
        self.store.record_publication(&p).await?;
        // Every export is also in the tamper-evident audit chain, with no personal data.
        let detail = format!("{kind} {source} {period} {format} sha256:{}", p.sha256);
        self.audit(user, sg_audit::AuditAction::Export, None, sg_audit::Outcome::Allowed, detail).await?;
        Ok(p)
    }

    /// Stores an import as the next version of `name`, in one transaction.
    pub async fn import_dataset(
        &self,
        name: &str,
        source: &str,
        imported: sg_import::Imported,
    ) -> Result<DatasetVersion, AppError> {
        let r = &imported.report;
        let d = NewDataset {
            name: name.into(),
            source: source.into(),
            imported_at: self.clock.now(),
            rows_read: r.rows_read,
            rows_imported: r.rows_imported,
            rows_rejected: r.rejections.len() as u64,
            report: r.text(),
            tables: imported.tables,
        };
        Ok(self.store.save_dataset(&d).await?)
    }

    /// Every case's non-identifying facts, read page by page.
    pub async fn all_case_rows(&self) -> Result<Vec<CaseRow>, AppError> {
        let mut out = Vec::new();
        let mut after = 0;
        loop {
            let (rows, next) = self.store.case_rows(after, 10_000).await?;
            out.extend(rows);
            match next {
                Some(n) => after = n,
                None => return Ok(out),
            }
        }
    }

    /// The de-identified export: rows, and how many cases were left out for being too rare.
    pub async fn deidentified_cases(&self, k: u64) -> Result<(Vec<DeidentifiedRow>, u64), AppError> {
        let rows = self.all_case_rows().await?;
        Ok(sg_stats::deidentify::deidentify(&rows, k))
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

impl App {
    /// The imported datasets a user may report on.
    pub async fn statistics_datasets(&self, user: &User) -> Result<Vec<DatasetVersion>, AppError> {
        access::check_statistics(user)?;
        Ok(self.store.datasets().await?)
    }
}
