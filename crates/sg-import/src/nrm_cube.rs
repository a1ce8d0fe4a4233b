//! The quarterly first responder × exploitation × age × gender × nationality tables (Home
//! Office Tables 11 to 14), one pair of files per quarter: the combined file, where police
//! appear only as `Police total` rows, and the police file, one police force per row.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use sg_domain::{CaseKind, FirstResponderType};
use sg_stats::cells::Granularity;
use sg_stats::{Cell, Dim, Measure, Table};

use crate::nrm::{age, each_row, fr_type, gender, nationality, parse_exploitation, period_in_name, Checks};
use crate::{count, ImportError, ImportReport};

const HEADER: [&str; 7] = [
    "First responder type",
    "First responder",
    "Exploitation type",
    "Age at exploitation",
    "Gender",
    "Nationality",
    "People",
];

/// The files in `dir` whose names start with `prefix`, sorted.
pub(crate) fn files(dir: &Path, prefix: &str) -> Result<Vec<PathBuf>, ImportError> {
    let read = std::fs::read_dir(dir)
        .map_err(|e| ImportError::Read { path: dir.display().to_string(), message: e.to_string() })?;
    let mut out: Vec<PathBuf> = read
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.file_name().is_some_and(|n| n.to_string_lossy().starts_with(prefix)))
        .filter(|p| !p.file_name().is_some_and(|n| n.to_string_lossy().contains("longitudinal")))
        .collect();
    out.sort();
    Ok(out)
}

/// Reads every quarter's pair of cube files in `dir/quarterly`.
pub(crate) fn cubes(dir: &Path, report: &mut ImportReport) -> Result<Table, ImportError> {
    let q = dir.join("quarterly");
    let mut cells = Vec::new();
    if q.is_dir() {
        for path in files(&q, "nrm_referrals_")? {
            let name = path.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
            if name.contains("police") {
                continue;
            }
            let police = q.join(name.replace("nrm_referrals_", "nrm_referrals_police_"));
            if !police.is_file() {
                return Err(ImportError::Layout {
                    path: path.display().to_string(),
                    message: format!("its police file {} is missing", police.display()),
                });
            }
            quarter_pair(&path, &police, &mut cells, report)?;
        }
    }
    Ok(Table {
        name: "referrals-by-first-responder".into(),
        description: "Home Office Tables 11 to 14 of each quarterly release: referrals by first responder, \
                      exploitation type, age at exploitation, gender and nationality"
            .into(),
        measures: vec![Measure::Referrals],
        dims: vec![
            Dim::Age,
            Dim::Gender,
            Dim::Nationality,
            Dim::NationalityGroup,
            Dim::Exploitation,
            Dim::FirstResponderType,
        ],
        granularity: Granularity::Quarter,
        cells,
    })
}

fn quarter_pair(
    main: &Path,
    police: &Path,
    cells: &mut Vec<Cell>,
    report: &mut ImportReport,
) -> Result<(), ImportError> {
    let name = main.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
    let m = period_in_name(&name).ok_or_else(|| ImportError::Layout {
        path: main.display().to_string(),
        message: "the file name does not give a quarter (nrm_referrals_YYYY_qN.csv.gz)".into(),
    })?;
    // Each first responder type's total by nationality must equal the sum of its detailed rows.
    let mut checks: Checks<(FirstResponderType, String)> = Checks::new();
    // Labels repeat on every row; look each up once.
    let mut labels: std::collections::HashMap<String, Result<Option<String>, String>> = Default::default();
    for (path, is_police) in [(main, false), (police, true)] {
        each_row(path, &HEADER, report, |r, line, report| {
            let t = fr_type(&r[0]).ok_or_else(|| format!("unknown first responder type {:?}", &r[0]))?;
            let n = count(&r[6], "People")?;
            let is_total_fr = r[1].to_ascii_lowercase().ends_with(" total");
            let any_total = (2..6).any(|i| &r[i] == "Total");
            if is_total_fr {
                if (is_police && t != FirstResponderType::Police) || (2..5).any(|i| &r[i] != "Total") {
                    return Err("a first responder total row must total every other column".into());
                }
                if !is_police {
                    checks.total((t, r[5].to_string()), line, n);
                }
                return Ok(());
            }
            if any_total {
                // A subtotal of one first responder; its parts are checked through the type total.
                report.subtotals_checked += 1;
                return Ok(());
            }
            if (t == FirstResponderType::Police) != is_police {
                return Err("police rows belong in the police file only".into());
            }
            let cell = Cell {
                n,
                kind: Some(CaseKind::Referral),
                referred: Some(m),
                age: Some(age(&r[3]).ok_or_else(|| format!("unknown age group {:?}", &r[3]))?),
                gender: Some(gender(&r[4]).ok_or_else(|| format!("unknown gender {:?}", &r[4]))?),
                nationality: labels.entry(r[5].to_string()).or_insert_with(|| nationality(&r[5])).clone()?,
                exploitation: Some(parse_exploitation(&r[2])?),
                fr_type: Some(t),
                ..Cell::default()
            };
            checks.part((t, r[5].to_string()), n);
            checks.part((t, "Total".to_string()), n);
            report.rows_imported += 1;
            if n > 0 {
                cells.push(cell);
            }
            Ok(())
        })?;
    }
    checks.finish(&name, report);
    // Merge cells with the same facts (several first responders of one type).
    let mut merged: BTreeMap<String, Cell> = BTreeMap::new();
    let start = cells.iter().position(|c| c.referred == Some(m)).unwrap_or(cells.len());
    for c in cells.drain(start..) {
        let key = format!("{:?}|{:?}|{:?}|{:?}|{:?}", c.fr_type, c.age, c.gender, c.nationality, c.exploitation);
        merged.entry(key).and_modify(|e| e.n += c.n).or_insert(c);
    }
    cells.extend(merged.into_values());
    Ok(())
}
