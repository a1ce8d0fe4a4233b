//! Reads the Home Office tables of the `uk-nrm` folder (see its PROVENANCE.md): the longitudinal
//! referral, decision and Duty to Notify tables, and the seven quarterly referral cubes.
//!
//! Subtotals are rows in these files: `Total` in any category column, or a first-responder name
//! ending in `total`. Every such row is dropped before summing. Police forces appear in the main
//! cubes only as `Police total`, so their rows come from the separate police files instead.

use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use crate::labels::{self, age_index, AGES, LOCATIONS};
use crate::model::{Cell, QuarterCounts, FIRST_YEAR, LAST_YEAR, N_QUARTERS};
use crate::DemoError;

/// A CSV file read into memory: its header and rows, each row with its line number.
struct Table {
    path: PathBuf,
    header: Vec<String>,
    rows: Vec<(u64, csv::StringRecord)>,
}

impl Table {
    fn read(path: PathBuf) -> Result<Self, DemoError> {
        let file = std::fs::File::open(&path).map_err(|source| DemoError::Read { path: path.clone(), source })?;
        let reader: Box<dyn Read> = if path.extension().is_some_and(|e| e == "gz") {
            Box::new(flate2::read::GzDecoder::new(std::io::BufReader::new(file)))
        } else {
            Box::new(std::io::BufReader::new(file))
        };
        let mut csv = csv::ReaderBuilder::new().has_headers(true).from_reader(reader);
        let header = csv.headers().map_err(|e| parse_error(&path, &e))?.iter().map(|h| h.trim().to_string()).collect();
        let mut rows = Vec::new();
        for record in csv.records() {
            let record = record.map_err(|e| parse_error(&path, &e))?;
            let line = record.position().map_or(0, |p| p.line());
            rows.push((line, record));
        }
        Ok(Self { path, header, rows })
    }

    /// The index of a column, or an error naming the file and the missing column.
    fn column(&self, name: &str) -> Result<usize, DemoError> {
        self.header.iter().position(|h| h == name).ok_or_else(|| DemoError::Table {
            path: self.path.clone(),
            problem: format!("no column {name:?} (columns: {})", self.header.join(", ")),
        })
    }

    fn error(&self, line: u64, problem: impl Into<String>) -> DemoError {
        DemoError::Parse { path: self.path.clone(), line, problem: problem.into() }
    }

    fn number(&self, line: u64, record: &csv::StringRecord, col: usize) -> Result<u64, DemoError> {
        let text = record.get(col).unwrap_or("").trim();
        text.parse().map_err(|_| self.error(line, format!("{:?} is not a whole number in {}", text, self.header[col])))
    }
}

fn parse_error(path: &Path, e: &csv::Error) -> DemoError {
    let line = e.position().map_or(0, |p| p.line());
    DemoError::Parse { path: path.to_path_buf(), line, problem: e.to_string() }
}

/// The quarter a row is about, or `None` for a year-total row or a year outside the range.
fn quarter_of(table: &Table, line: u64, year: &str, quarter: &str) -> Result<Option<usize>, DemoError> {
    if quarter.trim() == "Total" {
        return Ok(None);
    }
    let year: i32 = year.trim().parse().map_err(|_| table.error(line, format!("bad year {year:?}")))?;
    let q: i32 = match quarter.trim() {
        "Q1" => 1,
        "Q2" => 2,
        "Q3" => 3,
        "Q4" => 4,
        other => return Err(table.error(line, format!("bad quarter {other:?}"))),
    };
    if !(FIRST_YEAR..=LAST_YEAR).contains(&year) {
        return Ok(None);
    }
    Ok(Some(((year - FIRST_YEAR) * 4 + q - 1) as usize))
}

/// Reads the four longitudinal tables into one row per quarter, checking that every quarter of
/// the range has referral, RG and CG counts.
pub(crate) fn read_quarters(dir: &Path) -> Result<Vec<QuarterCounts>, DemoError> {
    let mut quarters: Vec<QuarterCounts> = (0..N_QUARTERS)
        .map(|i| QuarterCounts { year: FIRST_YEAR + (i / 4) as i32, quarter: (i % 4) as u8 + 1, ..Default::default() })
        .collect();
    let mut seen = [[false; N_QUARTERS]; 3];

    let t = Table::read(dir.join("nrm_referrals_longitudinal.csv"))?;
    let (cy, cq, ca, cl, cn) = (
        t.column("Year")?,
        t.column("Quarter")?,
        t.column("Age at exploitation")?,
        t.column("Location of exploitation")?,
        t.column("NRM referrals")?,
    );
    for (line, r) in &t.rows {
        let Some(i) = quarter_of(&t, *line, &r[cy], &r[cq])? else { continue };
        if r[cl].trim() == "Total" {
            continue;
        }
        let age = labels::parse_age(r[ca].trim()).ok_or_else(|| t.error(*line, format!("unknown age {:?}", &r[ca])))?;
        let loc = labels::parse_location(r[cl].trim())
            .ok_or_else(|| t.error(*line, format!("unknown location {:?}", &r[cl])))?;
        let l = LOCATIONS.iter().position(|x| *x == loc).unwrap_or(3);
        quarters[i].referrals[age_index(age)][l] += t.number(*line, r, cn)?;
        seen[0][i] = true;
    }

    let t = Table::read(dir.join("nrm_duty_to_notify_longitudinal.csv"))?;
    let (cy, cq, cn) = (t.column("Year")?, t.column("Quarter")?, t.column("Total")?);
    for (line, r) in &t.rows {
        if let Some(i) = quarter_of(&t, *line, &r[cy], &r[cq])? {
            quarters[i].duty_to_notify = t.number(*line, r, cn)?;
        }
    }

    for (k, (file, question)) in
        [("nrm_reasonable_grounds.csv", "reasonable grounds"), ("nrm_conclusive_grounds.csv", "conclusive grounds")]
            .into_iter()
            .enumerate()
    {
        let t = Table::read(dir.join(file))?;
        let (cy, cq) = (t.column("Year")?, t.column("Quarter")?);
        let mut cols = [[0usize; 2]; 3];
        for (a, age) in AGES.iter().enumerate() {
            // The decision tables label unknown age "Age not specified or unknown".
            let label = if a == 2 { "Age not specified or unknown" } else { labels::age_label(*age) };
            cols[a] = [
                t.column(&format!("{label} - Negative {question}"))?,
                t.column(&format!("{label} - Positive {question}"))?,
            ];
        }
        for (line, r) in &t.rows {
            let Some(i) = quarter_of(&t, *line, &r[cy], &r[cq])? else { continue };
            let mut counts = [[0u64; 2]; 3];
            for a in 0..3 {
                counts[a] = [t.number(*line, r, cols[a][0])?, t.number(*line, r, cols[a][1])?];
            }
            if k == 0 {
                quarters[i].reasonable_grounds = counts;
            } else {
                quarters[i].conclusive_grounds = counts;
            }
            seen[k + 1][i] = true;
        }
    }

    let names = ["nrm_referrals_longitudinal.csv", "nrm_reasonable_grounds.csv", "nrm_conclusive_grounds.csv"];
    for (k, name) in names.iter().enumerate() {
        if let Some(i) = seen[k].iter().position(|s| !s) {
            let q = &quarters[i];
            return Err(DemoError::Table {
                path: dir.join(name),
                problem: format!("no rows for {} Q{} (need every quarter {FIRST_YEAR}–{LAST_YEAR})", q.year, q.quarter),
            });
        }
    }
    Ok(quarters)
}

/// The quarterly cube files, main and police, sorted by name so the pooled order is stable.
fn cube_files(dir: &Path) -> Result<Vec<PathBuf>, DemoError> {
    let folder = dir.join("quarterly");
    let entries = std::fs::read_dir(&folder).map_err(|source| DemoError::Read { path: folder.clone(), source })?;
    let mut files = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|source| DemoError::Read { path: folder.clone(), source })?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with("nrm_referrals_") && name.ends_with(".csv.gz") {
            files.push(entry.path());
        }
    }
    files.sort();
    if files.is_empty() {
        return Err(DemoError::Table { path: folder, problem: "no nrm_referrals_*.csv.gz files".into() });
    }
    Ok(files)
}

/// Reads and pools every quarterly cube into one list of cells with their people.
pub(crate) fn read_cells(dir: &Path) -> Result<Vec<Cell>, DemoError> {
    type Key = (String, String, String, String, String, String);
    let mut pooled: HashMap<Key, (u64, PathBuf, u64)> = HashMap::new();
    for path in cube_files(dir)? {
        let t = Table::read(path)?;
        let cols = [
            t.column("First responder type")?,
            t.column("First responder")?,
            t.column("Exploitation type")?,
            t.column("Age at exploitation")?,
            t.column("Gender")?,
            t.column("Nationality")?,
        ];
        let cp = t.column("People")?;
        for (line, r) in &t.rows {
            let v: Vec<&str> = cols.iter().map(|&c| r.get(c).unwrap_or("").trim()).collect();
            if v[2..].contains(&"Total") || v[1].to_ascii_lowercase().ends_with("total") {
                continue;
            }
            let people = t.number(*line, r, cp)?;
            if people == 0 {
                continue;
            }
            let key = (v[0].into(), v[1].into(), v[2].into(), v[3].into(), v[4].into(), v[5].into());
            pooled.entry(key).or_insert((0, t.path.clone(), *line)).0 += people;
        }
    }
    let mut cells = Vec::with_capacity(pooled.len());
    for ((ft, fr, ex, age, gender, nat), (people, path, line)) in pooled {
        let cell = Cell::from_labels(people, &ft, &fr, &ex, &age, &gender, &nat)
            .map_err(|problem| DemoError::Parse { path, line, problem })?;
        cells.push(cell);
    }
    Ok(cells)
}
