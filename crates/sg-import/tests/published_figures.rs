//! The importer and the report reproduce the Home Office's published figures from the files in
//! `shared/data/uk-nrm` (skipped, with a note, where that folder is absent).

use std::path::Path;

use sg_stats::{build_report, Dim, Period, Published, ReportOptions, Rule};

const DIR: &str = "../../../shared/data/uk-nrm";

/// The folder, imported once for all the tests here.
fn imported() -> Option<sg_import::Imported> {
    static IMPORTED: std::sync::OnceLock<Option<sg_import::Imported>> = std::sync::OnceLock::new();
    let imp = IMPORTED.get_or_init(|| {
        if !Path::new(DIR).is_dir() {
            eprintln!("skipped: {DIR} is absent");
            return None;
        }
        Some(sg_import::nrm::import_dir(Path::new(DIR)).expect("the folder imports"))
    });
    imp.clone()
}

fn report(period: Period) -> Option<sg_stats::Report> {
    let imp = imported()?;
    let o = ReportOptions {
        title: "uk-nrm".into(),
        period,
        rule: Rule::default(),
        confidence: 0.95,
        top_nationalities: 10,
        as_of: time::macros::date!(2024 - 01 - 01),
    };
    Some(build_report(imp.tables, &o))
}

fn indicator<'a>(r: &'a sg_stats::Report, id: &str) -> &'a sg_stats::report::IndicatorResult {
    r.indicators.iter().find(|i| i.indicator.id == id).unwrap()
}

#[test]
fn every_row_is_accepted_and_subtotals_are_left_out() {
    let Some(imp) = imported() else { return };
    let r = &imp.report;
    assert!(r.rejections.is_empty(), "{}", r.text());
    assert!(r.subtotals_checked > 1000, "{}", r.text());
    assert_eq!(r.files.len(), 1 + 14 + 2 + 1 + 7, "{}", r.text());
}

#[test]
fn referrals_in_2023_are_17004() {
    let Some(r) = report(Period::Year(2023)) else { return };
    assert_eq!(indicator(&r, "referrals").headline, Some(Published::Count(17_004)));
}

#[test]
fn referrals_in_2023_q4_are_4141_in_the_cube_and_4142_in_the_longitudinal_table() {
    let Some(r) = report(Period::Quarter(2023, 4)) else { return };
    let referrals = indicator(&r, "referrals");
    assert_eq!(referrals.headline, Some(Published::Count(4_142)));
    let by_fr = referrals.breakdowns.iter().find(|b| b.dim == Dim::FirstResponderType).unwrap();
    assert_eq!(by_fr.source_table, "referrals-by-first-responder");
    assert_eq!(by_fr.table.col_totals.as_ref().unwrap()[0], Published::Count(4_141));
}

fn pct(rate: Option<sg_stats::report::Rate>) -> String {
    format!("{:.1}", rate.unwrap().estimate * 100.0)
}

#[test]
fn positive_reasonable_grounds_rates_match_the_bulletins() {
    let Some(r) = report(Period::Year(2022)) else { return };
    assert_eq!(pct(indicator(&r, "rg-positive-rate").headline_rate), "88.5");
    let Some(r) = report(Period::Year(2023)) else { return };
    let rg = indicator(&r, "rg-positive-rate");
    assert_eq!(pct(rg.headline_rate), "54.6");
    let by_age = rg.breakdowns.iter().find(|b| b.dim == Dim::Age).unwrap();
    let rate_of = |label: &str| by_age.rates[by_age.table.row_labels.iter().position(|l| l == label).unwrap()];
    assert_eq!(pct(rate_of("Adult (18 or over)")), "41.4");
    assert_eq!(pct(rate_of("Child (17 or under)")), "73.9");
    // Adults against children is flagged as a disparity.
    assert!(rg.findings.iter().any(|f| f.dim == Dim::Age && f.higher == "Child (17 or under)"));
}

/// A breakdown only the quarterly tables give (from 2022 Q2) is "not available" before then,
/// not a table of zeros, and says which quarters it has when it has only some of the period
/// (issue 21: 2022's breakdowns summed 13,174 against a headline of 16,921 without a word).
#[test]
fn breakdowns_say_what_their_tables_do_not_cover() {
    let Some(r) = report(Period::Year(2019)) else { return };
    let referrals = indicator(&r, "referrals");
    assert!(referrals.breakdowns.iter().all(|b| b.dim != Dim::Gender), "no gender table for 2019");
    let note = referrals.note.clone().unwrap_or_default();
    assert!(note.contains("Not available for 2019") && note.contains("Gender"), "{note}");
    assert!(referrals.breakdowns.iter().any(|b| b.dim == Dim::Age), "the longitudinal table has age");

    let Some(r) = report(Period::Year(2022)) else { return };
    let referrals = indicator(&r, "referrals");
    let note = referrals.note.clone().unwrap_or_default();
    assert!(note.contains("Gender is from table") && note.contains("2022 Q2 to 2022 Q4"), "{note}");
    assert!(!note.contains("Age at exploitation is from"), "age covers the year: {note}");
}
