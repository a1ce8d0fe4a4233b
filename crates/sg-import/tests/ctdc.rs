//! The CTDC import reproduces the counts stated in its provenance note (skipped where the file
//! is absent), and bad values are named with their line.

use std::path::Path;

use sg_stats::Cell;

const FILE: &str = "../../../shared/data/ctdc/ctdc_global_kanon_2021-07-15.csv";

fn total(cells: &[Cell], f: impl Fn(&Cell) -> bool) -> u64 {
    cells.iter().filter(|c| f(c)).map(|c| c.n).sum()
}

#[test]
fn the_published_counts_are_reproduced() {
    if !Path::new(FILE).is_file() {
        eprintln!("skipped: {FILE} is absent");
        return;
    }
    let imp = sg_import::ctdc::import_file(Path::new(FILE)).unwrap();
    assert!(imp.report.rejections.is_empty(), "{}", imp.report.text());
    assert_eq!(imp.report.rows_read, 97_750);
    let cells = &imp.tables[0].cells;
    assert_eq!(total(cells, |_| true), 97_750);
    // PROVENANCE.md: gender Female 68,083 / Male 21,465 / Transgender 64 / blank 8,138.
    assert_eq!(total(cells, |c| c.gender == Some(sg_domain::Gender::Female)), 68_083);
    assert_eq!(total(cells, |c| c.gender == Some(sg_domain::Gender::Other)), 64);
    // isSexualExploit = 1: 45,582; isForcedLabour = 1: 19,980; no year: 2,011.
    assert_eq!(total(cells, |c| c.has_type(sg_domain::ExploitationType::Sexual)), 45_582);
    assert_eq!(total(cells, |c| c.has_type(sg_domain::ExploitationType::Labour)), 19_980);
    assert_eq!(total(cells, |c| c.referred.is_none()), 2_011);
}

#[test]
fn bad_values_are_rejected_with_their_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ctdc.csv");
    std::fs::write(
        &path,
        "yearOfRegistration,gender,majorityStatus,majorityStatusAtExploit,citizenship,isForcedLabour,isSexualExploit,\
         isOrganRemoval,typeOfLabourDomesticWork,typeOfLabourIllicitActivities,CountryOfExploitation\n\
         2019,Female,Adult,,PH,1,0,,,,US\n\
         20x9,Female,Adult,,PH,1,0,,,,US\n\
         2019,Female,Adult,,ZZ,1,0,,,,US\n\
         2019,Female,Adult,,PH,yes,0,,,,US\n",
    )
    .unwrap();
    let imp = sg_import::ctdc::import_file(&path).unwrap();
    let text: Vec<String> = imp.report.rejections.iter().map(|r| r.to_string()).collect();
    assert_eq!(
        text,
        [
            "ctdc.csv line 3: yearOfRegistration: \"20x9\" is not a year",
            "ctdc.csv line 4: citizenship: \"ZZ\" is not an ISO country code",
            "ctdc.csv line 5: isForcedLabour: \"yes\" is not 0, 1 or blank",
        ]
    );
    assert_eq!(imp.report.rows_imported, 1);
    std::fs::write(&path, "a,b\n1,2\n").unwrap();
    assert!(sg_import::ctdc::import_file(&path).unwrap_err().to_string().contains("not the CTDC"));
}

/// "All periods" counts every record, the 2,011 without a year of registration too (issue 21:
/// they were silently left out); a year counts only the records registered in it.
#[test]
fn all_periods_count_the_records_without_a_year() {
    if !Path::new(FILE).is_file() {
        eprintln!("skipped: {FILE} is absent");
        return;
    }
    let imp = sg_import::ctdc::import_file(Path::new(FILE)).unwrap();
    let report = |period| {
        let o = sg_stats::ReportOptions {
            title: "ctdc".into(),
            period,
            rule: sg_stats::Rule::default(),
            confidence: 0.95,
            top_nationalities: 10,
            as_of: time::macros::date!(2021 - 07 - 15),
        };
        let r = sg_stats::build_report(imp.tables.clone(), &o);
        let referrals = r.indicators.iter().find(|i| i.indicator.id == "referrals").unwrap().clone();
        referrals.headline.and_then(|h| h.value())
    };
    assert_eq!(report(sg_stats::Period::All), Some(97_750));
    let by_year: u64 = (2002..=2021).filter_map(|y| report(sg_stats::Period::Year(y))).sum();
    assert_eq!(by_year, 97_750 - 2_011);
}
