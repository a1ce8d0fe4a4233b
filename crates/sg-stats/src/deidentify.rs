//! De-identified case rows for research: one row per case, only non-identifying facts, coarsened
//! until every combination of the facts an outsider could know is shared by at least `k` cases.
//!
//! The quasi-identifiers (facts someone who knows a survivor might know) are age group, gender,
//! nationality, UK nation, exploitation type, location, first responder type and the month of
//! referral. Decision outcomes are what researchers study and are kept. Dates are months, never
//! days. A row whose combination is rarer than `k` is generalised in steps: nationality becomes
//! its group (UK, EU/EEA, other); then the month of referral becomes the year and the
//! exploitation type is withheld; a row still rarer than `k` is left out, and the count of rows
//! left out is reported with the export.

use std::collections::HashMap;

use serde::Serialize;
use sg_domain::Coded;

use crate::cells::{nationality_label, CaseRow, Month, NationalityGroup};
use crate::figures::exploitation_label;

/// One exported row.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct DeidentifiedRow {
    /// Referral or Duty to Notify report.
    pub kind: &'static str,
    /// Current status.
    pub status: &'static str,
    /// UK nation.
    pub jurisdiction: &'static str,
    /// Age group.
    pub age: &'static str,
    /// Gender.
    pub gender: &'static str,
    /// Nationality label, or its group where the nationality is rare.
    pub nationality: String,
    /// UK, EU/EEA, other.
    pub nationality_group: &'static str,
    /// Exploitation types, or "withheld".
    pub exploitation: String,
    /// Location of exploitation.
    pub location: &'static str,
    /// First responder type.
    pub first_responder_type: &'static str,
    /// Competent authority, or empty.
    pub competent_authority: &'static str,
    /// Month (YYYY-MM) or year of referral.
    pub referred: String,
    /// Reasonable-grounds outcome, or empty.
    pub rg_outcome: &'static str,
    /// Month of the reasonable-grounds decision, or empty.
    pub rg_month: String,
    /// Conclusive-grounds outcome, or empty.
    pub cg_outcome: &'static str,
    /// Month of the conclusive-grounds decision, or empty.
    pub cg_month: String,
}

impl DeidentifiedRow {
    fn key(&self) -> (&'static str, &'static str, &str, &'static str, &str, &'static str, &'static str, &str) {
        (
            self.age,
            self.gender,
            &self.nationality,
            self.jurisdiction,
            &self.exploitation,
            self.location,
            self.first_responder_type,
            &self.referred,
        )
    }
}

fn row(c: &CaseRow) -> DeidentifiedRow {
    let nat = nationality_label(&c.nationalities);
    let group = nat.as_deref().map(NationalityGroup::of_label).unwrap_or(NationalityGroup::Unknown);
    DeidentifiedRow {
        kind: c.kind.code(),
        status: c.status.code(),
        jurisdiction: c.jurisdiction.code(),
        age: c.age.code(),
        gender: c.gender.code(),
        nationality: nat.unwrap_or_else(|| "Not known".into()),
        nationality_group: group.label(),
        exploitation: exploitation_label(Some(c.exploitation)),
        location: c.location.code(),
        first_responder_type: c.fr_type.code(),
        competent_authority: c.ca.map(|a| a.code()).unwrap_or(""),
        referred: Month::of(c.referred_on).to_string(),
        rg_outcome: c.rg.map(|(o, _)| o.code()).unwrap_or(""),
        rg_month: c.rg.map(|(_, d)| Month::of(d).to_string()).unwrap_or_default(),
        cg_outcome: c.cg.map(|(o, _)| o.code()).unwrap_or(""),
        cg_month: c.cg.map(|(_, d)| Month::of(d).to_string()).unwrap_or_default(),
    }
}

/// The export: rows that meet `k`, and how many rows were left out.
pub fn deidentify(cases: &[CaseRow], k: u64) -> (Vec<DeidentifiedRow>, u64) {
    let mut rows: Vec<DeidentifiedRow> = cases.iter().map(row).collect();
    let steps: [fn(&mut DeidentifiedRow); 2] = [
        |r| r.nationality = r.nationality_group.to_string(),
        |r| {
            r.referred.truncate(4);
            r.exploitation = "withheld".into();
        },
    ];
    for step in steps {
        let rare = rare_rows(&rows, k);
        for (r, is_rare) in rows.iter_mut().zip(rare) {
            if is_rare {
                step(r);
            }
        }
    }
    let rare = rare_rows(&rows, k);
    let dropped = rare.iter().filter(|r| **r).count() as u64;
    let kept = rows.into_iter().zip(rare).filter(|(_, r)| !r).map(|(row, _)| row).collect();
    (kept, dropped)
}

fn rare_rows(rows: &[DeidentifiedRow], k: u64) -> Vec<bool> {
    let mut counts: HashMap<_, u64> = HashMap::new();
    for r in rows {
        *counts.entry(r.key()).or_default() += 1;
    }
    rows.iter().map(|r| counts[&r.key()] < k).collect()
}
