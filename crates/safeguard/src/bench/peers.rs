//! The peers each figure is measured against, in the same run: pandas reading and grouping the
//! same CSV files, DuckDB answering the report's questions over the same SQLite file. Both are
//! run through `python3`; when it or the package is missing the figure says so instead.

use std::path::Path;
use std::process::Command;
use std::time::Instant;

/// pandas reading `files` and grouping each by the columns Safeguard's import counts by (for
/// the CTDC file, the year and the ten mapped columns; for the NRM tables, every column but
/// the count). Returns the wall time of the Python process, from start to exit, in seconds.
pub(crate) fn pandas_group(files: &[&Path]) -> Result<f64, String> {
    let script = r#"
import sys, pandas as pd
for f in sys.argv[1:]:
    df = pd.read_csv(f, dtype=str, keep_default_na=False)
    num = [c for c in df.columns if c.lower() in ("count", "n", "value", "number")]
    keys = [c for c in df.columns if c not in num][:11]
    g = df.groupby(keys).size() if not num else df.groupby(keys)[num[0]].count()
    print(f, len(df), len(g))
"#;
    let started = Instant::now();
    let out = Command::new("python3")
        .arg("-c")
        .arg(script)
        .args(files)
        .output()
        .map_err(|e| format!("python3 not available: {e}"))?;
    let secs = started.elapsed().as_secs_f64();
    if !out.status.success() {
        return Err(format!("pandas failed (pip install pandas): {}", last_line(&out.stderr)));
    }
    Ok(secs)
}

/// DuckDB answering the report's 28 questions over the SQLite file (`scripts/bench_report_duckdb.py`,
/// run from the repository root): its own summary line.
pub(crate) fn duckdb_report(script: &Path, db: &Path) -> Result<String, String> {
    if !script.is_file() {
        return Err(format!("{} not found: run the bench from the repository root", script.display()));
    }
    let started = Instant::now();
    let out =
        Command::new("python3").arg(script).arg(db).output().map_err(|e| format!("python3 not available: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "duckdb failed (pip install duckdb duckdb-extension-sqlite-scanner): {}",
            last_line(&out.stderr)
        ));
    }
    Ok(format!("{} (process {:.3} s)", String::from_utf8_lossy(&out.stdout).trim(), started.elapsed().as_secs_f64()))
}

fn last_line(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).lines().last().unwrap_or("").to_string()
}
