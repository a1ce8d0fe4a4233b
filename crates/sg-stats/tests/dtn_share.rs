//! The Duty to Notify share (issue 21): reports against the adults the duty concerns, in the
//! months since it began. Before, the share divided by every referral, children included, and
//! the all-periods share set reports from 2015 against referrals from 2009.

use sg_domain::{AgeAtExploitation, CaseKind};
use sg_stats::cells::{Dim, Granularity, Measure, Month};
use sg_stats::{build_report, Cell, Period, ReportOptions, Rule, Table};
use time::macros::date;

fn month(s: &str) -> Option<Month> {
    Month::parse(s)
}

fn referrals(n: u64, at: &str, age: AgeAtExploitation) -> Cell {
    Cell { n, kind: Some(CaseKind::Referral), referred: month(at), age: Some(age), ..Cell::default() }
}

fn reports(n: u64, at: &str) -> Cell {
    Cell { n, kind: Some(CaseKind::DutyToNotify), referred: month(at), ..Cell::default() }
}

fn table(name: &str, measure: Measure, dims: Vec<Dim>, cells: Vec<Cell>) -> Table {
    Table {
        name: name.into(),
        description: name.into(),
        measures: vec![measure],
        dims,
        granularity: Granularity::Quarter,
        cells,
    }
}

fn share(period: Period) -> (u64, u64, Option<String>) {
    use sg_domain::AgeGroup::*;
    let tables = vec![
        table("dtn", Measure::DutyToNotify, vec![], vec![reports(300, "2023-01"), reports(100, "2016-04")]),
        table(
            "referrals-by-age",
            Measure::Referrals,
            vec![Dim::Age],
            vec![
                referrals(900, "2023-01", Adult),
                referrals(700, "2023-01", Child),
                referrals(50, "2023-01", Unknown),
                referrals(400, "2016-04", Adult),
                // Before the duty began (1 November 2015): no report could be made.
                referrals(2_000, "2012-07", Adult),
            ],
        ),
    ];
    let options = ReportOptions {
        title: String::new(),
        period,
        rule: Rule::default(),
        confidence: 0.95,
        top_nationalities: 10,
        as_of: date!(2024 - 01 - 01),
    };
    let report = build_report(tables, &options);
    let dtn = report.indicators.iter().find(|i| i.indicator.id == "duty-to-notify-share").unwrap();
    let rate = dtn.headline_rate.expect("a share");
    (rate.numerator, rate.denominator, dtn.note.clone())
}

#[test]
fn the_share_is_of_adults_since_the_duty_began() {
    // 2023: 300 reports against 300 + 900 adults (not 300 + 1,650 with the children and the
    // people of unknown age).
    let (d, all, note) = share(Period::Year(2023));
    assert_eq!((d, all), (300, 1_200));
    let note = note.unwrap();
    assert!(note.contains("Adults only, from November 2015"), "{note}");
    // All periods: 2012's referrals are left out, there being no duty to report them under.
    let (d, all, _) = share(Period::All);
    assert_eq!((d, all), (400, 1_700));
}
