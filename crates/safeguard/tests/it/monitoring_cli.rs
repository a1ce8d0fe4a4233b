//! `safeguard import`, `report` and `export cases --deidentified` as a user runs them.

use crate::common;

use std::path::Path;
use std::process::Command;

fn safeguard() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_safeguard"));
    c.env("RUST_LOG", "warn");
    c
}

/// Runs the binary; in the PostgreSQL lane on the database standing for `--data-dir`.
fn run(args: &[&str]) -> (bool, String, String) {
    let out = safeguard().args(common::lane_args(args)).output().unwrap();
    (out.status.success(), String::from_utf8_lossy(&out.stdout).into(), String::from_utf8_lossy(&out.stderr).into())
}

#[test]
fn a_report_in_every_format_is_recorded_as_a_publication() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    assert!(run(&["demo", "--cases", "400", "--data-dir", d]).0);
    for format in ["html", "csv", "json", "ods"] {
        let file = dir.path().join(format!("report.{format}"));
        let (ok, _, err) = run(&["report", "--data-dir", d, "--format", format, "--output", file.to_str().unwrap()]);
        assert!(ok, "{err}");
        assert!(err.contains("publication"), "{err}");
        assert!(std::fs::metadata(&file).unwrap().len() > 1000);
    }
    let (ok, json, _) = run(&["report", "--data-dir", d, "--format", "json", "--period", "2024"]);
    assert!(ok);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["period"], "2024");
    assert_eq!(v["rule"]["threshold"], 5);
    let rt = tokio::runtime::Runtime::new().unwrap();
    let published = rt.block_on(async { common::lane_store(dir.path()).await.publications(10).await.unwrap() });
    assert_eq!(published.len(), 5);
    assert!(published.iter().all(|p| p.rule.contains("secondary suppression") && p.sha256.len() == 64));
}

#[test]
fn bad_report_arguments_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    let (ok, _, err) = run(&["report", "--data-dir", d, "--period", "2023-Q5"]);
    assert!(!ok && err.contains("--period"), "{err}");
    let (ok, _, err) = run(&["report", "--data-dir", d, "--dataset", "nope"]);
    assert!(!ok && err.contains("no dataset"), "{err}");
    let (ok, _, err) = run(&["export", "cases", "--format", "csv", "--data-dir", d]);
    assert!(!ok && err.contains("--deidentified"), "{err}");
}

#[test]
fn the_deidentified_export_has_no_identifying_column_and_no_rare_combination() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    assert!(run(&["demo", "--cases", "500", "--data-dir", d]).0);
    let (ok, csv, err) = run(&["export", "cases", "--deidentified", "--format", "csv", "--data-dir", d]);
    assert!(ok, "{err}");
    let mut r = csv::Reader::from_reader(csv.as_bytes());
    let header: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
    for banned in ["name", "date_of_birth", "phone", "email", "account", "id", "reference", "referred_on"] {
        assert!(!header.iter().any(|h| h == banned), "{banned} exported");
    }
    let rows: Vec<csv::StringRecord> = r.records().map(|r| r.unwrap()).collect();
    assert!(!rows.is_empty());
    // Quasi-identifiers: age, gender, nationality, nation, exploitation, location, FR type, month.
    let key = |r: &csv::StringRecord| [3, 4, 5, 2, 7, 8, 9, 11].map(|i| r[i].to_string());
    let mut counts = std::collections::HashMap::new();
    for row in &rows {
        *counts.entry(key(row)).or_insert(0) += 1;
        assert!(row[11].len() <= 7, "referral dates are months or years");
    }
    assert!(counts.values().all(|n| *n >= 5), "a combination rarer than 5 was exported");
}

#[test]
fn nrm_statistics_import_as_versions_and_report() {
    let src = Path::new("../../../shared/data/uk-nrm");
    if !src.is_dir() {
        eprintln!("skipped: {} is absent", src.display());
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    let (ok, out, err) = run(&["import", "nrm-stats", src.to_str().unwrap(), "--data-dir", d]);
    assert!(ok, "{err}");
    assert!(out.contains("version 1") && out.contains("0 rejected"), "{out}");
    assert!(err.contains("rows read"), "{err}");
    let (ok, json, _) =
        run(&["report", "--data-dir", d, "--dataset", "uk-nrm@1", "--period", "2023", "--format", "json"]);
    assert!(ok);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["indicators"][0]["headline"], 17004);
}
