//! Synthetic NRM cases for demonstrations and load tests, drawn from the Home Office NRM statistics.
//!
//! [`Distributions`] holds the published tables, read from the `uk-nrm` data folder
//! ([`Distributions::from_nrm_dir`]) or from the compact summary compiled into the binary
//! ([`Distributions::embedded`]). [`generate`] turns `(seed, index)` into one [`DemoCase`]:
//! the same pair always gives the same case, and cases do not depend on each other, so callers
//! can generate in parallel chunks. The crate does no storage; the caller opens each case with
//! `sg_domain::lifecycle::open_case` and applies its steps.
//!
//! Every modelling choice, with its figure and source, is listed in [`assumptions`].

pub mod assumptions;
mod generate;
mod labels;
mod load;
mod model;
mod people;
mod summary;
mod weights;

use std::path::{Path, PathBuf};

use sg_domain::{CaseCommand, CaseFacts, CompetentAuthority, Identity, PersonalAccount};

pub use generate::generate;
pub use people::SUPPORT_PROVIDERS;
pub use summary::TOP_CELLS;

use model::{Cell, Compiled, PoliceNations, QuarterCounts, Remainder, FIRST_YEAR, LAST_YEAR, N_QUARTERS};

/// The embedded summary of the tables (see [`Distributions::summary_table`]).
pub const EMBEDDED_SUMMARY: &str = include_str!("nrm_summary.tsv");

/// Why the tables could not be read. Each variant names the file, and the line where there is one.
#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    /// A file or folder could not be opened or read.
    #[error("cannot read {}: {source}", path.display())]
    Read {
        /// The file or folder.
        path: PathBuf,
        /// The operating system's error.
        #[source]
        source: std::io::Error,
    },
    /// A line is malformed or holds a value we do not understand.
    #[error("{}, line {line}: {problem}", path.display())]
    Parse {
        /// The file.
        path: PathBuf,
        /// The line number (1 is the first line, the header in a CSV file).
        line: u64,
        /// What is wrong, in words.
        problem: String,
    },
    /// A file lacks something as a whole (a column, a quarter, any data).
    #[error("{}: {problem}", path.display())]
    Table {
        /// The file or folder.
        path: PathBuf,
        /// What is missing, in words.
        problem: String,
    },
}

/// The published distributions that synthetic cases are drawn from, with sampling tables
/// precomputed so that [`generate`] is cheap.
#[derive(Debug, Clone)]
pub struct Distributions {
    quarters: Vec<QuarterCounts>,
    /// Largest first, so the order (and so every draw) does not depend on how files were read.
    cells: Vec<Cell>,
    rest: Remainder,
    police: PoliceNations,
    compiled: Compiled,
}

impl Distributions {
    /// Parses the Home Office tables in `dir` (the uk-nrm folder).
    pub fn from_nrm_dir(dir: &Path) -> Result<Self, DemoError> {
        let quarters = load::read_quarters(dir)?;
        let cells = load::read_cells(dir)?;
        let mut police = PoliceNations::default();
        for c in cells.iter().filter(|c| c.responder_type == sg_domain::FirstResponderType::Police) {
            police.all += c.people;
            match labels::pinned_jurisdiction(&c.responder) {
                Some(sg_domain::Jurisdiction::Scotland) => police.scotland += c.people,
                Some(sg_domain::Jurisdiction::NorthernIreland) => police.northern_ireland += c.people,
                _ => {}
            }
        }
        Self::build(quarters, cells, Remainder::default(), police)
            .map_err(|problem| DemoError::Table { path: dir.to_path_buf(), problem })
    }

    /// A compact summary of the same tables compiled into the binary, for machines without the
    /// data folder.
    pub fn embedded() -> Self {
        // The summary is generated from the tables and checked by the `embedded_summary` test,
        // so failing to read it is a build defect, not a run-time condition.
        Self::from_summary(EMBEDDED_SUMMARY).expect("the embedded NRM summary is valid (checked by tests)")
    }

    /// Reads a summary written by [`Distributions::summary_table`].
    pub fn from_summary(text: &str) -> Result<Self, DemoError> {
        summary::read(text, "embedded NRM summary")
    }

    /// The compact summary of these tables that [`Distributions::embedded`] reads: every
    /// per-quarter count, the [`TOP_CELLS`] largest cells of the referral cube, and the rest of
    /// the cube as per-age distributions of each dimension. Reading it back and summarising
    /// again gives the same text.
    pub fn summary_table(&self) -> String {
        summary::write(self)
    }

    /// Nationality labels of the referral cube that name no known country (such as `Unknown`),
    /// with the people counted under each; cases drawn from them have no nationality.
    pub fn unmapped_nationality_labels(&self) -> Vec<(String, u64)> {
        let mut out: Vec<(String, u64)> = Vec::new();
        let cells = self.cells.iter().map(|c| (&c.nationality_label, &c.nationalities, c.people));
        let rest = self.rest.nationalities.iter().map(|(l, n, p)| (l, n, *p));
        for (label, nats, people) in cells.chain(rest) {
            if nats.is_empty() {
                match out.iter_mut().find(|(l, _)| l == label) {
                    Some(row) => row.1 += people,
                    None => out.push((label.clone(), people)),
                }
            }
        }
        out.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        out
    }

    /// People in the referral cube (pooled quarters), including the summarised tail.
    pub fn cube_people(&self) -> u64 {
        let tail: u64 = self.rest.responder_types.iter().flatten().map(|(_, p)| p).sum();
        self.cells.iter().map(|c| c.people).sum::<u64>() + tail
    }

    /// Share of children (17 or under) among NRM referrals from 2014 to 2023 in the longitudinal
    /// table, for checking the generator against the data.
    pub fn child_share_of_referrals(&self) -> f64 {
        let all: u64 = self.quarters.iter().flat_map(|q| q.referrals.iter().flatten()).sum();
        let children: u64 = self.quarters.iter().flat_map(|q| q.referrals[1].iter()).sum();
        if all == 0 {
            0.0
        } else {
            children as f64 / all as f64
        }
    }

    fn build(
        quarters: Vec<QuarterCounts>,
        mut cells: Vec<Cell>,
        rest: Remainder,
        police: PoliceNations,
    ) -> Result<Self, String> {
        let expected = (0..N_QUARTERS).map(|i| (FIRST_YEAR + (i / 4) as i32, (i % 4) as u8 + 1));
        if quarters.len() != N_QUARTERS || !quarters.iter().map(|q| (q.year, q.quarter)).eq(expected) {
            return Err(format!("need one row per quarter from {FIRST_YEAR} Q1 to {LAST_YEAR} Q4, in order"));
        }
        cells.sort_by(|a, b| {
            b.people.cmp(&a.people).then_with(|| {
                (a.responder_type, &a.responder, &a.exploitation_label, a.age, &a.gender_label, &a.nationality_label)
                    .cmp(&(
                        b.responder_type,
                        &b.responder,
                        &b.exploitation_label,
                        b.age,
                        &b.gender_label,
                        &b.nationality_label,
                    ))
            })
        });
        let compiled = model::compile(&quarters, &cells, &rest, police)?;
        Ok(Self { quarters, cells, rest, police, compiled })
    }
}

/// One synthetic case: what the caller needs to open it and replay what happened to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoCase {
    /// The non-identifying facts (`facts.validate()` passes).
    pub facts: CaseFacts,
    /// Whether the person consented to the referral: `false` for an adult means a Duty to Notify
    /// report; children and people of unknown age are referred without consent and get `false`.
    pub consent_to_referral: bool,
    /// The competent authority the referral is routed to (ignored for a Duty to Notify report).
    pub competent_authority: CompetentAuthority,
    /// Why the case went to that authority, for the routing event.
    pub routing_reason: String,
    /// Later commands in date order (RG decision, reconsiderations, support, CG decision,
    /// withdrawal); none after `today`. Empty for a Duty to Notify report.
    pub steps: Vec<(CaseCommand, time::Date)>,
    /// Synthetic, obviously fictional identity; empty for a Duty to Notify report.
    pub identity: Identity,
    /// A short synthetic account; empty for a Duty to Notify report.
    pub account: PersonalAccount,
}
