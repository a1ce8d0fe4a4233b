//! Properties of working-day deadlines: never on a weekend or the nation's bank holiday, and
//! monotonic in the start date; and the worked examples from the contract.

use proptest::prelude::*;
use sg_domain::Jurisdiction;
use sg_rules::calendar::{add_working_days, is_working_day};
use sg_rules::{builtin, deadline, DeadlineKind};
use time::{Date, Duration, Weekday};

fn jurisdiction() -> impl Strategy<Value = Jurisdiction> {
    prop_oneof![Just(Jurisdiction::EnglandWales), Just(Jurisdiction::Scotland), Just(Jurisdiction::NorthernIreland)]
}

/// A day from 2009-04-01 to the end of 2034, leaving room for the deadline inside the calendar.
fn day() -> impl Strategy<Value = Date> {
    let first = Date::from_calendar_date(2009, time::Month::April, 1).unwrap();
    (0i64..9_400).prop_map(move |n| first + Duration::days(n))
}

proptest! {
    #[test]
    fn an_rg_deadline_is_a_working_day(j in jurisdiction(), from in day()) {
        let rules = builtin(sg_domain::Coded::code(j)).unwrap();
        let due = deadline(rules, j, DeadlineKind::RgDecision, from).unwrap().due_on;
        prop_assert!(!matches!(due.weekday(), Weekday::Saturday | Weekday::Sunday), "{due}");
        prop_assert!(is_working_day(j, due), "{due} is a bank holiday in {j}");
        prop_assert!(due > from);
    }

    #[test]
    fn working_day_deadlines_move_monotonically(j in jurisdiction(), from in day(), later in 0i64..40, n in 0u32..30) {
        let a = add_working_days(j, from, n).unwrap();
        let b = add_working_days(j, from + Duration::days(later), n).unwrap();
        prop_assert!(a <= b, "{from}+{n} = {a}, but {later} days later gives {b}");
        if n > 0 {
            prop_assert!(is_working_day(j, a));
        }
    }

    #[test]
    fn every_kind_moves_monotonically(j in jurisdiction(), from in day(), later in 0i64..60) {
        let rules = builtin(sg_domain::Coded::code(j)).unwrap();
        for kind in [DeadlineKind::RgDecision, DeadlineKind::RecoveryPeriodEnd, DeadlineKind::ReconsiderationRequest] {
            let (Ok(a), Ok(b)) = (deadline(rules, j, kind, from), deadline(rules, j, kind, from + Duration::days(later))) else { continue };
            // A rule change can shorten a period (45 to 30 days in December 2022); within one
            // version of the rule the deadline never moves backwards.
            if a.value == b.value {
                prop_assert!(a.due_on <= b.due_on, "{kind} {from}: {} then {}", a.due_on, b.due_on);
            }
        }
    }
}

fn d(s: &str) -> Date {
    Date::parse(s, time::macros::format_description!("[year]-[month]-[day]")).unwrap()
}

#[test]
fn an_rg_deadline_over_christmas_skips_the_holidays_and_the_weekend() {
    let ew = builtin("england-wales").unwrap();
    let due = |j, from| {
        deadline(builtin(sg_domain::Coded::code(j)).unwrap(), j, DeadlineKind::RgDecision, d(from)).unwrap().due_on
    };
    // Friday 22 December 2023: 25, 26 December and 1 January are holidays, 23-24 and 30-31 weekends.
    assert_eq!(due(Jurisdiction::EnglandWales, "2023-12-22"), d("2024-01-03"));
    // Scotland also keeps 2 January.
    assert_eq!(due(Jurisdiction::Scotland, "2023-12-22"), d("2024-01-04"));
    // Northern Ireland: St Patrick's Day (Monday 17 March 2025) does not count.
    assert_eq!(due(Jurisdiction::NorthernIreland, "2025-03-14"), d("2025-03-24"));
    assert_eq!(due(Jurisdiction::EnglandWales, "2025-03-14"), d("2025-03-21"));
    assert!(ew.number("rg.target_working_days", d("2025-03-14")).is_some());
}
