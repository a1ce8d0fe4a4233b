//! The Home Office NRM and Duty to Notify statistics, in the layout of `shared/data/uk-nrm`
//! (the tables of the quarterly ODS releases as reshaped by the British Red Cross `asylum`
//! package; see that folder's PROVENANCE.md).

use std::collections::BTreeMap;
use std::path::Path;

use sg_domain::{AgeAtExploitation, CaseKind, DecisionOutcome, ExploitationLocation, FirstResponderType, Gender};
use sg_stats::cells::{parse_exploitation_label, Granularity, NationalityGroup};
use sg_stats::{Cell, Dim, Measure, Month, Table};

use crate::{count, csv_reader, expect_header, ImportError, ImportReport, Imported};

pub(crate) fn age(label: &str) -> Option<AgeAtExploitation> {
    match label {
        "Adult (18 or over)" => Some(AgeAtExploitation::Adult),
        "Child (17 or under)" => Some(AgeAtExploitation::Child),
        "Not specified or unknown" | "Age not specified or unknown" => Some(AgeAtExploitation::Unknown),
        _ => None,
    }
}

fn location(label: &str) -> Option<ExploitationLocation> {
    match label {
        "UK" => Some(ExploitationLocation::Uk),
        "Overseas" => Some(ExploitationLocation::Overseas),
        "UK and Overseas" => Some(ExploitationLocation::UkAndOverseas),
        "Not specified or unknown" => Some(ExploitationLocation::Unknown),
        _ => None,
    }
}

pub(crate) fn gender(label: &str) -> Option<Gender> {
    match label {
        "Female" => Some(Gender::Female),
        "Male" => Some(Gender::Male),
        "Other" => Some(Gender::Other),
        "Unknown" | "Not Recorded" | "Not recorded" | "Not known" => Some(Gender::Unknown),
        _ => None,
    }
}

pub(crate) fn fr_type(label: &str) -> Option<FirstResponderType> {
    match label {
        "Government agency" => Some(FirstResponderType::GovernmentAgency),
        "NGO and third sector" => Some(FirstResponderType::NgoThirdSector),
        "Police" => Some(FirstResponderType::Police),
        "Local Authority" => Some(FirstResponderType::LocalAuthority),
        _ => None,
    }
}

/// A nationality label: `None` for "not known", an error for a label that names no country.
pub(crate) fn nationality(label: &str) -> Result<Option<String>, String> {
    match label.trim() {
        "Unknown" | "Not Known" | "Not known" | "Not specified or unknown" => Ok(None),
        l if NationalityGroup::of_label(l) != NationalityGroup::Unknown => Ok(Some(l.to_string())),
        l => Err(format!("unknown nationality {l:?}")),
    }
}

fn quarter(year: &str, q: &str) -> Result<Option<Month>, String> {
    let y: i32 = year.trim().parse().map_err(|_| format!("Year: {year:?} is not a year"))?;
    match q.trim() {
        "Total" => Ok(None),
        "Q1" | "Q2" | "Q3" | "Q4" => Ok(Some(Month::quarter_start(y, q.as_bytes()[1] - b'0'))),
        other => Err(format!("Quarter: {other:?} is not Q1 to Q4 or Total")),
    }
}

/// The period in a file name like `nrm_referrals_2023_q4.csv.gz`.
pub(crate) fn period_in_name(name: &str) -> Option<Month> {
    let parts: Vec<&str> = name.split(['_', '.']).collect();
    let qi = parts.iter().position(|p| p.len() == 2 && p.starts_with('q'))?;
    let year: i32 = parts.get(qi.checked_sub(1)?)?.parse().ok()?;
    let q = parts[qi].as_bytes()[1].checked_sub(b'0').filter(|q| (1..=4).contains(q))?;
    Some(Month::quarter_start(year, q))
}

fn table(name: &str, description: &str, measure: Measure, dims: &[Dim], cells: Vec<Cell>) -> Table {
    Table {
        name: name.into(),
        description: description.into(),
        measures: vec![measure],
        dims: dims.to_vec(),
        granularity: Granularity::Quarter,
        cells,
    }
}

/// A subtotal seen in a file, to check once all its parts are read.
struct Subtotal {
    line: u64,
    total: u64,
}

/// Sums of parts and the subtotals that should equal them, by key.
pub(crate) struct Checks<K: Ord> {
    parts: BTreeMap<K, u64>,
    totals: BTreeMap<K, Subtotal>,
}

impl<K: Ord + std::fmt::Debug> Checks<K> {
    pub(crate) fn new() -> Self {
        Checks { parts: BTreeMap::new(), totals: BTreeMap::new() }
    }
    pub(crate) fn part(&mut self, k: K, n: u64) {
        *self.parts.entry(k).or_default() += n;
    }
    pub(crate) fn total(&mut self, k: K, line: u64, total: u64) {
        self.totals.insert(k, Subtotal { line, total });
    }
    pub(crate) fn finish(self, file: &str, report: &mut ImportReport) {
        for (k, t) in &self.totals {
            let sum = self.parts.get(k).copied().unwrap_or(0);
            report.subtotals_checked += 1;
            if sum != t.total {
                report.reject(
                    file,
                    t.line,
                    format!("total does not add up: it says {}, its parts sum to {sum} ({k:?})", t.total),
                );
            }
        }
    }
}

/// Reads every row of a file, handing each record and its line to `row`.
pub(crate) fn each_row(
    path: &Path,
    header: &[&str],
    report: &mut ImportReport,
    mut row: impl FnMut(&csv::StringRecord, u64, &mut ImportReport) -> Result<(), String>,
) -> Result<(), ImportError> {
    let name = path.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
    let mut r = csv_reader(path)?;
    expect_header(path, &mut r, header)?;
    let mut n = 0;
    for (i, rec) in r.records().enumerate() {
        let line = i as u64 + 2;
        n += 1;
        report.rows_read += 1;
        match rec {
            Err(e) => report.reject(&name, line, format!("not a CSV row: {e}")),
            Ok(rec) => {
                if let Err(reason) = row(&rec, line, report) {
                    report.reject(&name, line, reason);
                }
            }
        }
    }
    report.files.push((name, n));
    Ok(())
}

fn required(dir: &Path, name: &str) -> Result<std::path::PathBuf, ImportError> {
    let p = dir.join(name);
    if p.is_file() {
        Ok(p)
    } else {
        Err(ImportError::Layout { path: dir.display().to_string(), message: format!("{name} is missing") })
    }
}

/// Imports the NRM statistics folder.
pub fn import_dir(dir: &Path) -> Result<Imported, ImportError> {
    let mut report = ImportReport::default();
    let mut tables = Vec::new();
    tables.push(longitudinal(&required(dir, "nrm_referrals_longitudinal.csv")?, &mut report)?);
    tables.push(crate::nrm_cube::cubes(dir, &mut report)?);
    for (file, name, measure) in [
        ("nrm_reasonable_grounds.csv", "reasonable grounds", Measure::RgDecisions),
        ("nrm_conclusive_grounds.csv", "conclusive grounds", Measure::CgDecisions),
    ] {
        tables.push(decisions(&required(dir, file)?, name, measure, &mut report)?);
    }
    tables.push(dtn_longitudinal(&required(dir, "nrm_duty_to_notify_longitudinal.csv")?, &mut report)?);
    tables.push(dtn_by_nationality(dir, &mut report)?);
    Ok(Imported { tables, report })
}

fn longitudinal(path: &Path, report: &mut ImportReport) -> Result<Table, ImportError> {
    let header = ["Year", "Quarter", "Age at exploitation", "Location of exploitation", "NRM referrals"];
    let mut cells = Vec::new();
    let mut checks = Checks::new();
    each_row(path, &header, report, |r, line, report| {
        let m = quarter(&r[0], &r[1])?.ok_or("Quarter: Total rows are not expected in this table")?;
        let a = age(&r[2]).ok_or_else(|| format!("unknown age group {:?}", &r[2]))?;
        let n = count(&r[4], "NRM referrals")?;
        if &r[3] == "Total" {
            checks.total((m, a), line, n);
            return Ok(());
        }
        let loc = location(&r[3]).ok_or_else(|| format!("unknown location {:?}", &r[3]))?;
        checks.part((m, a), n);
        report.rows_imported += 1;
        cells.push(Cell {
            n,
            kind: Some(CaseKind::Referral),
            referred: Some(m),
            age: Some(a),
            location: Some(loc),
            ..Cell::default()
        });
        Ok(())
    })?;
    checks.finish("nrm_referrals_longitudinal.csv", report);
    Ok(table(
        "referrals-longitudinal",
        "Home Office Table 2: NRM referrals by quarter, age at exploitation and location of exploitation",
        Measure::Referrals,
        &[Dim::Age, Dim::Location],
        cells,
    ))
}

fn decisions(path: &Path, what: &str, measure: Measure, report: &mut ImportReport) -> Result<Table, ImportError> {
    let ages = ["Adult (18 or over)", "Child (17 or under)", "Age not specified or unknown"];
    let mut header = vec!["Year".to_string(), "Quarter".to_string()];
    for a in ages {
        header.push(format!("{a} - Negative {what}"));
        header.push(format!("{a} - Positive {what}"));
        header.push(format!("{a} - Total"));
    }
    header.push("Total".into());
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    let file = path.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
    let mut cells = Vec::new();
    let mut checks = Checks::new();
    each_row(path, &header, report, |r, line, report| {
        let year: i32 = r[0].parse().map_err(|_| format!("Year: {:?} is not a year", &r[0]))?;
        let m = quarter(&r[0], &r[1])?;
        let mut row_cells = Vec::new();
        let mut grand = 0;
        for (i, a) in ages.iter().enumerate() {
            let neg = count(&r[2 + 3 * i], header[2 + 3 * i])?;
            let pos = count(&r[3 + 3 * i], header[3 + 3 * i])?;
            let tot = count(&r[4 + 3 * i], header[4 + 3 * i])?;
            if neg + pos != tot {
                return Err(format!("total does not add up: {a}: {neg} negative + {pos} positive is not {tot}"));
            }
            grand += tot;
            for (o, n) in [(DecisionOutcome::Negative, neg), (DecisionOutcome::Positive, pos)] {
                row_cells.push((age(a), o, n));
                if m.is_none() {
                    checks.total((year, i, o), line, n);
                } else {
                    checks.part((year, i, o), n);
                }
            }
        }
        let total = count(&r[11], "Total")?;
        if grand != total {
            return Err(format!("total does not add up: the age groups sum to {grand}, the row says {total}"));
        }
        let Some(m) = m else { return Ok(()) };
        report.rows_imported += 1;
        for (a, o, n) in row_cells.into_iter().filter(|c| c.2 > 0) {
            let d = Some((o, m));
            let (rg, cg) = if measure == Measure::RgDecisions { (d, None) } else { (None, d) };
            cells.push(Cell { n, age: a, rg, cg, ..Cell::default() });
        }
        Ok(())
    })?;
    let before = report.subtotals_checked;
    checks.finish(&file, report);
    // Year rows are one subtotal per year, not one per (age, outcome) checked inside them.
    report.subtotals_checked = before + (report.subtotals_checked - before) / 6;
    let (name, table_no) = if measure == Measure::RgDecisions { ("rg-decisions", 16) } else { ("cg-decisions", 28) };
    Ok(table(
        name,
        &format!("Home Office Table {table_no}: {what} decisions by quarter, outcome and age at exploitation"),
        measure,
        &[Dim::Age],
        cells,
    ))
}

fn dtn_longitudinal(path: &Path, report: &mut ImportReport) -> Result<Table, ImportError> {
    let mut cells = Vec::new();
    let mut checks = Checks::new();
    each_row(path, &["Year", "Quarter", "Total"], report, |r, line, report| {
        let year: i32 = r[0].parse().map_err(|_| format!("Year: {:?} is not a year", &r[0]))?;
        let n = count(&r[2], "Total")?;
        match quarter(&r[0], &r[1])? {
            None => checks.total(year, line, n),
            Some(m) => {
                checks.part(year, n);
                report.rows_imported += 1;
                cells.push(Cell { n, kind: Some(CaseKind::DutyToNotify), referred: Some(m), ..Cell::default() });
            }
        }
        Ok(())
    })?;
    checks.finish("nrm_duty_to_notify_longitudinal.csv", report);
    Ok(table(
        "dtn-longitudinal",
        "Home Office Table 40: Duty to Notify reports by quarter",
        Measure::DutyToNotify,
        &[],
        cells,
    ))
}

fn dtn_by_nationality(dir: &Path, report: &mut ImportReport) -> Result<Table, ImportError> {
    let mut cells = Vec::new();
    for path in crate::nrm_cube::files(dir, "nrm_duty_to_notify_")? {
        let name = path.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
        let Some(m) = period_in_name(&name) else { continue };
        let mut checks = Checks::new();
        each_row(&path, &["Nationality", "Total"], report, |r, line, report| {
            let n = count(&r[1], "Total")?;
            if &r[0] == "Total" {
                checks.total((), line, n);
                return Ok(());
            }
            let nat = nationality(&r[0])?;
            checks.part((), n);
            report.rows_imported += 1;
            if n > 0 {
                cells.push(Cell {
                    n,
                    kind: Some(CaseKind::DutyToNotify),
                    referred: Some(m),
                    nationality: nat,
                    ..Cell::default()
                });
            }
            Ok(())
        })?;
        checks.finish(&name, report);
    }
    Ok(table(
        "dtn-by-nationality",
        "Home Office Table 41 of each quarterly release: Duty to Notify reports by nationality",
        Measure::DutyToNotify,
        &[Dim::Nationality, Dim::NationalityGroup],
        cells,
    ))
}

/// Parses an exploitation label or says why not.
pub(crate) fn parse_exploitation(label: &str) -> Result<u8, String> {
    parse_exploitation_label(label).ok_or_else(|| format!("unknown exploitation type {label:?}"))
}
