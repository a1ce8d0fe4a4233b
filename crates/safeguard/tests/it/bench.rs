//! `safeguard bench` at a tiny size, so the suite that gives BENCHMARKS.md its figures keeps
//! working: every benchmark runs and writes its figures.

use std::path::Path;
use std::process::Command;

#[test]
fn the_benchmark_suite_runs_at_a_tiny_size() {
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("figures.json");
    let shared = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data");
    let mut only = "fsync,intake,demo,audit,footprint,reads,report".to_string();
    if shared.join("uk-nrm").is_dir() {
        only.push_str(",import");
    }
    let out = Command::new(env!("CARGO_BIN_EXE_safeguard"))
        .args(["bench", "--cases", "40", "--seconds", "0.3", "--intake-clients", "1,4", "--read-clients", "4"])
        .args(["--no-peers", "--only", &only, "--work-dir", dir.path().join("work").to_str().unwrap()])
        .args(["--json", json.to_str().unwrap()])
        .args(["--ctdc", shared.join("ctdc/ctdc_global_kanon_2021-07-15.csv").to_str().unwrap()])
        .args(["--nrm-dir", shared.join("uk-nrm").to_str().unwrap()])
        .env("RUST_LOG", "warn")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    let f: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert!(f["fsync_per_sec"].as_f64().unwrap() > 0.0);
    for run in f["intake"]["runs"].as_array().unwrap() {
        assert!(run["ok"].as_u64().unwrap() > 0, "no referral was accepted: {run}");
        assert_eq!(run["errors"].as_u64().unwrap(), 0, "{run}");
    }
    assert_eq!(f["demo"]["cases"], 40);
    assert!(f["audit"]["entries"].as_f64().unwrap() >= 40.0, "{}", f["audit"]);
    for what in ["case_page", "case_list_search"] {
        let r = &f["reads"][what];
        assert!(r["ok"].as_u64().unwrap() > 0 && r["errors"] == 0, "{what}: {r}");
    }
    assert!(f["footprint"]["idle"]["first_answer_secs"].as_f64().unwrap() > 0.0);
    assert!(f["report"]["secs"].as_f64().unwrap() > 0.0);
    assert!(f["binary_mib"].as_f64().unwrap() > 0.0);
    if only.ends_with("import") {
        assert!(f["import"]["ctdc_secs"].as_f64().unwrap() > 0.0);
    }
}
