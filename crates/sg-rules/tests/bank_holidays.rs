//! Each nation's computed bank holidays against the lists published on gov.uk/bank-holidays,
//! for years with every kind of irregularity: substitute days, moved and one-off holidays.

use sg_domain::Jurisdiction::{self, EnglandWales as EW, NorthernIreland as NI, Scotland as SC};
use sg_rules::calendar::{bank_holidays, easter_sunday};
use time::{Date, Month};

fn dates(j: Jurisdiction, year: i32) -> Vec<String> {
    bank_holidays(j, year).iter().map(|(d, _)| d.to_string()).collect()
}

/// (nation, year, the published list as month-day).
const PUBLISHED: &[(Jurisdiction, i32, &[&str])] = &[
    // 2011: New Year on a Saturday, the royal wedding, Christmas on a Sunday.
    (EW, 2011, &["01-03", "04-22", "04-25", "04-29", "05-02", "05-30", "08-29", "12-26", "12-27"]),
    (SC, 2011, &["01-03", "01-04", "04-22", "04-29", "05-02", "05-30", "08-01", "11-30", "12-26", "12-27"]),
    // 2012: the Diamond Jubilee and the moved spring holiday.
    (EW, 2012, &["01-02", "04-06", "04-09", "05-07", "06-04", "06-05", "08-27", "12-25", "12-26"]),
    (NI, 2012, &["01-02", "03-19", "04-06", "04-09", "05-07", "06-04", "06-05", "07-12", "08-27", "12-25", "12-26"]),
    // 2015: Boxing Day on a Saturday.
    (SC, 2015, &["01-01", "01-02", "04-03", "05-04", "05-25", "08-03", "11-30", "12-25", "12-28"]),
    // 2016: 2 January on a Saturday.
    (SC, 2016, &["01-01", "01-04", "03-25", "05-02", "05-30", "08-01", "11-30", "12-26", "12-27"]),
    // 2020: VE day moved the early May holiday; the Twelfth on a Sunday.
    (EW, 2020, &["01-01", "04-10", "04-13", "05-08", "05-25", "08-31", "12-25", "12-28"]),
    (SC, 2020, &["01-01", "01-02", "04-10", "05-08", "05-25", "08-03", "11-30", "12-25", "12-28"]),
    (NI, 2020, &["01-01", "03-17", "04-10", "04-13", "05-08", "05-25", "07-13", "08-31", "12-25", "12-28"]),
    // 2022: the Platinum Jubilee, the State Funeral, Christmas on a Sunday.
    (EW, 2022, &["01-03", "04-15", "04-18", "05-02", "06-02", "06-03", "08-29", "09-19", "12-26", "12-27"]),
    (SC, 2022, &["01-03", "01-04", "04-15", "05-02", "06-02", "06-03", "08-01", "09-19", "11-30", "12-26", "12-27"]),
    (
        NI,
        2022,
        &["01-03", "03-17", "04-15", "04-18", "05-02", "06-02", "06-03", "07-12", "08-29", "09-19", "12-26", "12-27"],
    ),
    // 2023: the coronation; New Year on a Sunday.
    (EW, 2023, &["01-02", "04-07", "04-10", "05-01", "05-08", "05-29", "08-28", "12-25", "12-26"]),
    (SC, 2023, &["01-02", "01-03", "04-07", "05-01", "05-08", "05-29", "08-07", "11-30", "12-25", "12-26"]),
    (NI, 2023, &["01-02", "03-17", "04-07", "04-10", "05-01", "05-08", "05-29", "07-12", "08-28", "12-25", "12-26"]),
    // 2024: St Patrick's Day on a Sunday, St Andrew's Day on a Saturday.
    (EW, 2024, &["01-01", "03-29", "04-01", "05-06", "05-27", "08-26", "12-25", "12-26"]),
    (SC, 2024, &["01-01", "01-02", "03-29", "05-06", "05-27", "08-05", "12-02", "12-25", "12-26"]),
    (NI, 2024, &["01-01", "03-18", "03-29", "04-01", "05-06", "05-27", "07-12", "08-26", "12-25", "12-26"]),
    // 2025: the Twelfth on a Saturday, St Andrew's Day on a Sunday.
    (EW, 2025, &["01-01", "04-18", "04-21", "05-05", "05-26", "08-25", "12-25", "12-26"]),
    (SC, 2025, &["01-01", "01-02", "04-18", "05-05", "05-26", "08-04", "12-01", "12-25", "12-26"]),
    (NI, 2025, &["01-01", "03-17", "04-18", "04-21", "05-05", "05-26", "07-14", "08-25", "12-25", "12-26"]),
    // 2026.
    (EW, 2026, &["01-01", "04-03", "04-06", "05-04", "05-25", "08-31", "12-25", "12-28"]),
    (SC, 2026, &["01-01", "01-02", "04-03", "05-04", "05-25", "08-03", "11-30", "12-25", "12-28"]),
];

#[test]
fn computed_holidays_match_the_published_lists() {
    for (j, year, published) in PUBLISHED {
        let expected: Vec<String> = published.iter().map(|md| format!("{year}-{md}")).collect();
        assert_eq!(dates(*j, *year), expected, "{j} {year}");
    }
}

#[test]
fn easter_matches_known_dates() {
    let known =
        [(2009, 4, 12), (2011, 4, 24), (2016, 3, 27), (2019, 4, 21), (2024, 3, 31), (2025, 4, 20), (2035, 3, 25)];
    for (y, m, d) in known {
        let expected = Date::from_calendar_date(y, Month::try_from(m).unwrap(), d).unwrap();
        assert_eq!(easter_sunday(y), expected, "{y}");
    }
}

#[test]
fn every_year_in_range_has_the_usual_number_of_holidays() {
    for year in 2009..=2035 {
        // Eight in England and Wales, nine in Scotland, ten in Northern Ireland, plus one-offs.
        let extra = match year {
            2011 | 2012 | 2023 => 1,
            2022 => 2,
            _ => 0,
        };
        assert_eq!(bank_holidays(EW, year).len(), 8 + extra, "{year}");
        assert_eq!(bank_holidays(SC, year).len(), 9 + extra, "{year}");
        assert_eq!(bank_holidays(NI, year).len(), 10 + extra, "{year}");
    }
    assert!(bank_holidays(EW, 2036).is_empty(), "outside the range there is no calendar");
}
