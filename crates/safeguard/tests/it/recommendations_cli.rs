//! `safeguard recommendations import` and `list` as an operator runs them: a file with a bad
//! row is refused whole, naming the line; a good file lists after the summary line.

use crate::common;

use std::process::Command;

/// Runs the binary; in the PostgreSQL lane on the database standing for `--data-dir`.
fn run(args: &[&str]) -> (bool, String, String) {
    let args = common::lane_args(args);
    let out = Command::new(env!("CARGO_BIN_EXE_safeguard")).env("RUST_LOG", "warn").args(args).output().unwrap();
    (out.status.success(), String::from_utf8_lossy(&out.stdout).into(), String::from_utf8_lossy(&out.stderr).into())
}

const HEADER: &str = "source,date,text,addressee,article,indicators,status,status_date,evidence\n";
const GOOD: &str = "\
\"ATMG: Time to Deliver\",2023-03-01,Make reasonable-grounds decisions within five working days,Home Office,ECAT Art. 10,referrals rg-within-5-working-days,partly-implemented,2024-01-15,\"Response, see https://www.gov.uk/x\"
\"ATMG: Time to Deliver\",2023-03-01,Give every survivor a guardian,Home Office,ECAT Art. 12,,not-implemented,2023-09-01,No plan published
ATMG 2021,2021-10-18,Publish the outcomes of support,Home Office,ECAT Art. 12,referrals,,,
";

#[test]
fn a_bad_row_refuses_the_whole_file_and_a_good_file_lists_with_the_summary() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    assert!(run(&["demo", "--cases", "200", "--data-dir", d]).0);

    let bad = dir.path().join("bad.csv");
    let bad_row = "ATMG 2021,2021-10-18,Something,Home Office,ECAT Art. 12,no-such-indicator,,,\n";
    std::fs::write(&bad, format!("{HEADER}{GOOD}{bad_row}")).unwrap();
    let (ok, _, err) = run(&["recommendations", "import", bad.to_str().unwrap(), "--data-dir", d]);
    assert!(!ok, "a bad row was accepted");
    assert!(err.contains("line 5: indicators: unknown indicator \"no-such-indicator\""), "{err}");
    assert!(err.contains("nothing was imported"), "{err}");
    let (ok, out, err) = run(&["recommendations", "list", "--data-dir", d]);
    assert!(ok, "{err}");
    assert!(out.starts_with("0 recommendations, 0 implemented partly or fully\n"), "{out}");

    let good = dir.path().join("good.csv");
    std::fs::write(&good, format!("{HEADER}{GOOD}")).unwrap();
    let (ok, out, err) = run(&["recommendations", "import", good.to_str().unwrap(), "--data-dir", d]);
    assert!(ok, "{err}");
    assert!(out.contains("imported 3 recommendations"), "{out}");
    let (ok, out, err) = run(&["recommendations", "list", "--data-dir", d]);
    assert!(ok, "{err}");
    assert!(out.starts_with("3 recommendations, 1 implemented partly or fully\n"), "{out}");
    assert!(out.contains("[Partly implemented as of 2024-01-15]") && out.contains("<https://www.gov.uk/x>"), "{out}");
    assert!(out.contains("NRM referrals [referrals]: "), "{out}");
    let (ok, json, _) = run(&["recommendations", "list", "--format", "json", "--data-dir", d]);
    assert!(ok);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["summary"], "3 recommendations, 1 implemented partly or fully");
    assert_eq!(v["recommendations"][0]["recommendation"]["article"], "ECAT Art. 12");
}

#[test]
fn a_wrong_header_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("r.csv");
    std::fs::write(&f, "source,date,text\nA,2023-01-01,B\n").unwrap();
    let (ok, _, err) =
        run(&["recommendations", "import", f.to_str().unwrap(), "--data-dir", dir.path().to_str().unwrap()]);
    assert!(!ok && err.contains("line 1: the header must be source,date,text,addressee"), "{err}");
}
