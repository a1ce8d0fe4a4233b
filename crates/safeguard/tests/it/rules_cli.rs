//! `safeguard rules show|deadline|diff|check` and `safeguard simulate` as a user runs them.

use std::process::{Command, Output};

fn safeguard(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_safeguard")).env("RUST_LOG", "warn").args(args).output().unwrap()
}

fn ok(args: &[&str]) -> String {
    let out = safeguard(args);
    assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

fn fails(args: &[&str]) -> String {
    let out = safeguard(args);
    assert!(!out.status.success(), "{args:?} should fail");
    String::from_utf8(out.stderr).unwrap()
}

#[test]
fn deadline_prints_one_iso_date() {
    let deadline =
        |j: &str, k: &str, from: &str| ok(&["rules", "deadline", "--jurisdiction", j, "--kind", k, "--from", from]);
    // Friday 22 December 2023: Christmas, Boxing Day, New Year's Day and two weekends skipped.
    assert_eq!(deadline("england-wales", "rg-decision", "2023-12-22"), "2024-01-03\n");
    assert_eq!(deadline("scotland", "rg-decision", "2023-12-22"), "2024-01-04\n", "Scotland keeps 2 January");
    assert_eq!(deadline("england-wales", "recovery-period-end", "2022-12-12"), "2023-01-26\n", "45 days");
    assert_eq!(deadline("england-wales", "recovery-period-end", "2022-12-13"), "2023-01-12\n", "30 days");
    assert_eq!(deadline("scotland", "recovery-period-end", "2024-01-10"), "2024-04-09\n", "90 days");
    assert_eq!(deadline("northern-ireland", "recovery-period-end", "2024-01-10"), "2024-02-24\n", "45 days");
    assert_eq!(deadline("england-wales", "reconsideration-request", "2024-06-01"), "2024-07-01\n");
    let err = fails(&[
        "rules",
        "deadline",
        "--jurisdiction",
        "england-wales",
        "--kind",
        "reconsideration-request",
        "--from",
        "2023-06-01",
    ]);
    assert!(err.contains("no time limit") && err.contains("reconsideration.window_days"), "{err}");
    let err = fails(&["rules", "deadline", "--jurisdiction", "wales", "--kind", "rg-decision", "--from", "2024-01-01"]);
    assert!(err.contains("--jurisdiction") && err.contains("england-wales"), "{err}");
    let err = fails(&["rules", "deadline", "--jurisdiction", "scotland", "--kind", "rg", "--from", "2024-01-01"]);
    assert!(err.contains("--kind") && err.contains("rg-decision"), "{err}");
    let err =
        fails(&["rules", "deadline", "--jurisdiction", "scotland", "--kind", "rg-decision", "--from", "2040-01-01"]);
    assert!(err.contains("outside the working-day calendar"), "{err}");
}

#[test]
fn show_lists_the_rules_in_force_with_their_sources() {
    let text = ok(&["rules", "show", "--jurisdiction", "england-wales", "--at", "2024-03-01"]);
    assert!(text.contains("recovery_period.days = 30"), "{text}");
    assert!(text.contains("reconsideration.window_days = 30"), "{text}");
    assert!(text.contains("Source: Hansard written statement 13 Dec 2022"), "{text}");
    let old = ok(&["rules", "show", "--jurisdiction", "england-wales", "--at", "2020-01-01"]);
    assert!(old.contains("recovery_period.days = 45") && old.contains("[unconfirmed]"), "{old}");
    let json: serde_json::Value = serde_json::from_str(&ok(&[
        "rules",
        "show",
        "--jurisdiction",
        "scotland",
        "--at",
        "2024-03-01",
        "--format",
        "json",
    ]))
    .unwrap();
    let rp = json["in_force"].as_array().unwrap().iter().find(|r| r["key"] == "recovery_period.days").unwrap();
    assert_eq!(rp["value"], 90);
    assert!(rp["source"]["url"].as_str().unwrap().contains("ssi/2018/90"), "{rp}");
    let proposal = ok(&[
        "rules",
        "show",
        "--jurisdiction",
        "scotland",
        "--at",
        "2024-03-01",
        "--rules",
        "proposal-survivor-centred",
    ]);
    assert!(proposal.contains("THIS IS A PROPOSAL"), "{proposal}");
}

#[test]
fn diff_compares_two_rule_sets_or_two_dates() {
    let dates = ok(&["rules", "diff", "--rules", "england-wales", "--at", "2022-01-01", "--vs-at", "2024-03-01"]);
    assert!(dates.contains("recovery_period.days: 45 -> 30"), "{dates}");
    assert!(dates.contains("reconsideration.window_days: none -> 30"), "{dates}");
    assert!(!dates.contains("rg.target_working_days"), "unchanged rules are left out: {dates}");
    let sets = ok(&[
        "rules",
        "diff",
        "--rules",
        "england-wales",
        "--vs",
        "proposal-survivor-centred",
        "--at",
        "2025-10-01",
        "--format",
        "json",
    ]);
    let json: serde_json::Value = serde_json::from_str(&sets).unwrap();
    let keys: Vec<&str> = json["differences"].as_array().unwrap().iter().map(|d| d["key"].as_str().unwrap()).collect();
    assert!(
        keys.contains(&"routing.ieca_for_adults_in_remit") && keys.contains(&"disqualification.public_order"),
        "{keys:?}"
    );
    assert!(fails(&["rules", "diff", "--rules", "england-wales", "--at", "2024-01-01"]).contains("--vs"));
}

#[test]
fn bad_rule_files_are_refused_naming_file_key_and_problem() {
    let dir = tempfile::tempdir().unwrap();
    let good = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../rules/england-wales.toml")).unwrap();
    let cases = [
        (
            "unknown-key.toml",
            good.replacen("key = \"rg.test\"", "key = \"rg.tset\"", 1),
            vec!["rg.tset", "unknown rule key"],
        ),
        (
            "gap.toml",
            good.replacen("from = \"2022-12-13\"\nvalue = 30", "from = \"2022-12-20\"\nvalue = 30", 1),
            vec!["recovery_period.days", "gap"],
        ),
        (
            "overlap.toml",
            good.replacen("from = \"2022-12-13\"\nvalue = 30", "from = \"2022-12-01\"\nvalue = 30", 1),
            vec!["recovery_period.days", "overlaps"],
        ),
        (
            "no-source.toml",
            good.replacen("value = 30\nsource = \"hansard-2022-12-13\"\n", "value = 30\n", 1),
            vec!["recovery_period.days", "missing source"],
        ),
        (
            "range.toml",
            good.replacen("from = \"2022-12-13\"\nvalue = 30", "from = \"2036-01-01\"\nvalue = 30", 1),
            vec!["recovery_period.days", "outside the calendar"],
        ),
        ("field.toml", good.replacen("\nunconfirmed = true", "\nunconfirmd = true", 1), vec!["line", "unconfirmd"]),
    ];
    for (name, text, wanted) in cases {
        assert_ne!(text, good, "{name}: the edit did not apply");
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        let p = path.to_str().unwrap();
        for args in [
            vec!["rules", "check", p],
            vec!["rules", "show", "--jurisdiction", "england-wales", "--at", "2024-01-01", "--rules", p],
        ] {
            let err = fails(&args);
            assert!(err.contains(name), "{name}: the file is named: {err}");
            for w in &wanted {
                assert!(err.contains(w), "{name}: {err:?} should mention {w:?}");
            }
        }
    }
    assert!(ok(&["rules", "check", concat!(env!("CARGO_MANIFEST_DIR"), "/../../rules/scotland.toml")]).contains("ok"));
}

#[test]
fn simulate_replays_demo_cases_under_two_rule_sets() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();
    ok(&["demo", "--cases", "300", "--seed", "7", "--data-dir", data]);
    let json = ok(&[
        "simulate",
        "--data-dir",
        data,
        "--rules",
        "england-wales",
        "--vs",
        "proposal-survivor-centred",
        "--format",
        "json",
    ]);
    let report: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert!(report["cases"].as_u64().unwrap() > 100, "{report}");
    let rp = &report["recovery_period"];
    assert!(rp["days_b"].as_u64().unwrap() > rp["days_a"].as_u64().unwrap(), "45 days beats 30: {rp}");
    let out = dir.path().join("report.html");
    ok(&[
        "simulate",
        "--data-dir",
        data,
        "--rules",
        "england-wales",
        "--vs",
        "proposal-survivor-centred",
        "--from",
        "2023-01-01",
        "--output",
        out.to_str().unwrap(),
    ]);
    let html = std::fs::read_to_string(out).unwrap();
    assert!(html.contains("Policy simulation") && html.contains("proposal"), "{html}");
    let err = fails(&["simulate", "--data-dir", data, "--rules", "england-wales", "--vs", "scotland"]);
    assert!(err.contains("not covered by both"), "{err}");
}
