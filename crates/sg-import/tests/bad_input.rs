//! Bad input is reported row by row, with the file, line and reason; a wrong layout refuses the
//! whole folder.

use std::fs;

fn folder(longitudinal: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("nrm_referrals_longitudinal.csv"), longitudinal).unwrap();
    let ages = ["Adult (18 or over)", "Child (17 or under)", "Age not specified or unknown"];
    for (file, what) in
        [("nrm_reasonable_grounds.csv", "reasonable grounds"), ("nrm_conclusive_grounds.csv", "conclusive grounds")]
    {
        let mut h = vec!["Year".to_string(), "Quarter".to_string()];
        for a in ages {
            h.extend([format!("{a} - Negative {what}"), format!("{a} - Positive {what}"), format!("{a} - Total")]);
        }
        h.push("Total".into());
        fs::write(dir.path().join(file), format!("{}\n2023,Q1,1,2,3,0,0,0,0,0,0,3\n", h.join(","))).unwrap();
    }
    fs::write(dir.path().join("nrm_duty_to_notify_longitudinal.csv"), "Year,Quarter,Total\n2023,Q1,4\n2023,Total,5\n")
        .unwrap();
    fs::write(dir.path().join("nrm_duty_to_notify_2023_q1.csv"), "Nationality,Total\nAlbanian,3\nMartian,1\nTotal,4\n")
        .unwrap();
    dir
}

#[test]
fn bad_rows_are_named_with_line_and_reason() {
    let dir = folder(
        "Year,Quarter,Age at exploitation,Location of exploitation,NRM referrals\n\
         2023,Q1,Adult (18 or over),UK,10\n\
         2023,Q1,Adult (18 or over),Overseas,ten\n\
         2023,Q1,Adult (18 or over),Total,12\n\
         2023,Q1,Elderly,UK,1\n",
    );
    let imp = sg_import::nrm::import_dir(dir.path()).unwrap();
    let text: Vec<String> = imp.report.rejections.iter().map(|r| r.to_string()).collect();
    assert!(
        text.contains(&"nrm_referrals_longitudinal.csv line 3: NRM referrals: \"ten\" is not a count".to_string()),
        "{text:?}"
    );
    assert!(
        text.iter().any(|t| t.starts_with(
            "nrm_referrals_longitudinal.csv line 4: total does not add up: it says 12, its parts sum to 10"
        )),
        "{text:?}"
    );
    assert!(
        text.contains(&"nrm_referrals_longitudinal.csv line 5: unknown age group \"Elderly\"".to_string()),
        "{text:?}"
    );
    assert!(
        text.iter().any(|t| t.starts_with("nrm_duty_to_notify_longitudinal.csv line 3: total does not add up")),
        "{text:?}"
    );
    assert!(
        text.contains(&"nrm_duty_to_notify_2023_q1.csv line 3: unknown nationality \"Martian\"".to_string()),
        "{text:?}"
    );
    assert_eq!(imp.report.rows_imported, 1 + 1 + 1 + 1 + 1);
}

#[test]
fn an_unexpected_layout_refuses_the_folder() {
    let dir = folder("Year,Quarter,Age,Referrals\n2023,Q1,Adult,1\n");
    let err = sg_import::nrm::import_dir(dir.path()).unwrap_err().to_string();
    assert!(err.contains("unexpected layout"), "{err}");
    fs::remove_file(dir.path().join("nrm_reasonable_grounds.csv")).unwrap();
    let err = sg_import::nrm::import_dir(dir.path()).unwrap_err().to_string();
    assert!(err.contains("missing") || err.contains("unexpected layout"), "{err}");
}
