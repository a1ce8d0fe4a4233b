//! The CTDC global k-anonymised dataset, release of 15 July 2021 (see
//! `shared/data/ctdc/PROVENANCE.md`): one row per identified or reported victim, from hotlines
//! and case management worldwide, registered by year.
//!
//! Mapped onto the catalogue's dimensions where they mean the same thing: gender; age at
//! exploitation (`majorityStatusAtExploit`, else `majorityStatus`); nationality (`citizenship`,
//! an ISO code); exploitation (forced labour → labour, sexual exploitation → sexual, domestic
//! work → domestic, illicit activities → criminal, organ removal → organ harvesting); and
//! location (UK if the country of exploitation is GB, else overseas). Blank means "not
//! recorded" and becomes unknown. Rows are counted as "referrals" in their year of
//! registration; the report names the table, so nobody mistakes them for NRM referrals. The
//! literal `NA` is Namibia, never a missing value, though this file already lost it (see the
//! provenance note).

use std::collections::HashMap;
use std::path::Path;

use sg_domain::{countries, AgeAtExploitation, CaseKind, Coded, ExploitationLocation, ExploitationType, Gender};
use sg_stats::cells::Granularity;
use sg_stats::{Cell, Dim, Measure, Month, Table};

use crate::{csv_reader, ImportError, ImportReport, Imported};

/// The columns read, with the position each must have.
const COLUMNS: [&str; 11] = [
    "yearOfRegistration",
    "gender",
    "majorityStatus",
    "majorityStatusAtExploit",
    "citizenship",
    "isForcedLabour",
    "isSexualExploit",
    "isOrganRemoval",
    "typeOfLabourDomesticWork",
    "typeOfLabourIllicitActivities",
    "CountryOfExploitation",
];

fn flag(v: &str, column: &str) -> Result<bool, String> {
    match v.trim() {
        "1" => Ok(true),
        "0" | "" | "-99" => Ok(false),
        other => Err(format!("{column}: {other:?} is not 0, 1 or blank")),
    }
}

fn country(v: &str, column: &str) -> Result<Option<&'static countries::Country>, String> {
    match v.trim() {
        "" | "-99" | "0" => Ok(None),
        code => {
            countries::by_code(code).map(Some).ok_or_else(|| format!("{column}: {code:?} is not an ISO country code"))
        }
    }
}

fn row(r: &csv::StringRecord, at: &[usize; 11]) -> Result<Cell, String> {
    let get = |i: usize| r.get(at[i]).unwrap_or("");
    let year = get(0).trim();
    let referred = if year.is_empty() {
        None
    } else {
        let y: i32 = year.parse().map_err(|_| format!("yearOfRegistration: {year:?} is not a year"))?;
        Some(Month { year: y, month: 1 })
    };
    let gender = match get(1).trim() {
        "Female" => Gender::Female,
        "Male" => Gender::Male,
        "Transgender/NonConforming" => Gender::Other,
        "" | "-99" => Gender::Unknown,
        other => return Err(format!("gender: unknown value {other:?}")),
    };
    let status = if get(3).trim().is_empty() { get(2) } else { get(3) };
    let age = match status.trim() {
        "Adult" => AgeAtExploitation::Adult,
        "Minor" => AgeAtExploitation::Child,
        "" | "-99" => AgeAtExploitation::Unknown,
        other => return Err(format!("majorityStatus: unknown value {other:?}")),
    };
    let nationality = country(get(4), "citizenship")?.map(|c| c.nrm_label.to_string());
    let types = [
        (5, ExploitationType::Labour),
        (6, ExploitationType::Sexual),
        (7, ExploitationType::OrganHarvesting),
        (8, ExploitationType::Domestic),
        (9, ExploitationType::Criminal),
    ];
    let mut bits = 0u8;
    for (i, t) in types {
        if flag(get(i), COLUMNS[i])? {
            bits |= 1 << ExploitationType::ALL.iter().position(|x| *x == t).unwrap_or(0);
        }
    }
    let location = match country(get(10), "CountryOfExploitation")? {
        None => ExploitationLocation::Unknown,
        Some(c) if c.code == "GB" => ExploitationLocation::Uk,
        Some(_) => ExploitationLocation::Overseas,
    };
    Ok(Cell {
        n: 1,
        kind: Some(CaseKind::Referral),
        referred,
        age: Some(age),
        gender: Some(gender),
        nationality,
        exploitation: Some(bits),
        location: Some(location),
        ..Cell::default()
    })
}

/// Imports the CTDC CSV.
pub fn import_file(path: &Path) -> Result<Imported, ImportError> {
    let name = path.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
    let mut r = csv_reader(path)?;
    let header = r
        .headers()
        .map_err(|e| ImportError::Layout { path: path.display().to_string(), message: e.to_string() })?
        .clone();
    let mut at = [0usize; 11];
    for (i, col) in COLUMNS.iter().enumerate() {
        at[i] = header.iter().position(|h| h == *col).ok_or_else(|| ImportError::Layout {
            path: path.display().to_string(),
            message: format!("no column {col:?}: this is not the CTDC k-anonymised global dataset"),
        })?;
    }
    let mut report = ImportReport::default();
    let mut merged: HashMap<String, Cell> = HashMap::new();
    let mut no_year = 0;
    for (i, rec) in r.records().enumerate() {
        let line = i as u64 + 2;
        report.rows_read += 1;
        let cell = rec.map_err(|e| format!("not a CSV row: {e}")).and_then(|rec| row(&rec, &at));
        match cell {
            Err(reason) => report.reject(&name, line, reason),
            Ok(cell) => {
                report.rows_imported += 1;
                no_year += u64::from(cell.referred.is_none());
                let key = format!("{:?}", Cell { n: 0, ..cell.clone() });
                merged.entry(key).and_modify(|c| c.n += 1).or_insert(cell);
            }
        }
    }
    report.files.push((name, report.rows_read));
    if no_year > 0 {
        report.files.push((format!("(of which without a year of registration, in no period: {no_year})"), no_year));
    }
    let mut cells: Vec<Cell> = merged.into_values().collect();
    cells.sort_by(|a, b| a.referred.cmp(&b.referred).then(b.n.cmp(&a.n)));
    let table = Table {
        name: "ctdc-victims".into(),
        description: "CTDC global k-anonymised dataset (15 July 2021): identified and reported victims by year of \
                      registration; counted here as referrals"
            .into(),
        measures: vec![Measure::Referrals],
        dims: vec![Dim::Age, Dim::Gender, Dim::Nationality, Dim::NationalityGroup, Dim::Exploitation, Dim::Location],
        granularity: Granularity::Year,
        cells,
    };
    Ok(Imported { tables: vec![table], report })
}
