//! Working-day calendars for England & Wales, Scotland and Northern Ireland, 2009 to 2035.
//!
//! Bank holidays are computed, not listed, so that the calendar covers every year in range the
//! same way: fixed days with their substitute days (the Banking and Financial Dealings Act 1971
//! and royal proclamations), Easter by the Gregorian computus, the Monday holidays, and the
//! one-off holidays proclaimed in recent years. Tests check the result against the lists
//! published on gov.uk/bank-holidays.

use sg_domain::Jurisdiction;
use time::{Date, Duration, Month, Weekday};

/// The first year the calendars cover (the NRM began on 1 April 2009).
pub const FIRST_YEAR: i32 = 2009;
/// The last year the calendars cover.
pub const LAST_YEAR: i32 = 2035;

/// A date the calendars cannot answer for.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0} is outside the working-day calendar ({FIRST_YEAR}-01-01 to {LAST_YEAR}-12-31)")]
pub struct OutOfRange(pub Date);

/// Whether `on` is inside the calendars' range.
pub fn in_range(on: Date) -> bool {
    (FIRST_YEAR..=LAST_YEAR).contains(&on.year())
}

fn ymd(year: i32, month: Month, day: u8) -> Date {
    // Every call passes a real day of a year in range, so this cannot fail; fall back to
    // 1 January rather than panic in a request path.
    Date::from_calendar_date(year, month, day).unwrap_or(Date::MIN)
}

/// Easter Sunday of `year` (the anonymous Gregorian algorithm, Meeus/Jones/Butcher).
pub fn easter_sunday(year: i32) -> Date {
    let a = year % 19;
    let b = year / 100;
    let c = year % 100;
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    let month = if month == 3 { Month::March } else { Month::April };
    ymd(year, month, day as u8)
}

/// The first `weekday` on or after `from`.
fn next_weekday(from: Date, weekday: Weekday) -> Date {
    let mut d = from;
    while d.weekday() != weekday {
        d = d.next_day().unwrap_or(d);
    }
    d
}

/// The last Monday of `month` in `year`.
fn last_monday(year: i32, month: Month) -> Date {
    let first_of_next = match month {
        Month::December => ymd(year + 1, Month::January, 1),
        m => ymd(year, m.next(), 1),
    };
    let mut d = first_of_next - Duration::days(1);
    while d.weekday() != Weekday::Monday {
        d -= Duration::days(1);
    }
    d
}

/// Adds fixed-date holidays in order, each moved to the next weekday not already a holiday
/// when it falls on a weekend or is taken (the substitute-day rule: 25 and 26 December falling
/// on a weekend give the following Monday and Tuesday).
fn add_with_substitutes(days: &mut Vec<(Date, &'static str)>, fixed: &[(Date, &'static str)]) {
    for &(date, name) in fixed {
        let mut d = date;
        while matches!(d.weekday(), Weekday::Saturday | Weekday::Sunday) || days.iter().any(|(x, _)| *x == d) {
            d += Duration::days(1);
        }
        let name = if d == date { name } else { substitute_name(name) };
        days.push((d, name));
    }
}

fn substitute_name(name: &'static str) -> &'static str {
    match name {
        "New Year's Day" => "New Year's Day (substitute day)",
        "2nd January" => "2nd January (substitute day)",
        "St Patrick's Day" => "St Patrick's Day (substitute day)",
        "Battle of the Boyne (Orangemen's Day)" => "Battle of the Boyne (Orangemen's Day) (substitute day)",
        "St Andrew's Day" => "St Andrew's Day (substitute day)",
        "Christmas Day" => "Christmas Day (substitute day)",
        "Boxing Day" => "Boxing Day (substitute day)",
        other => other,
    }
}

/// The bank holidays of `year` in `jurisdiction`, in date order, with their gov.uk names.
/// Empty outside the calendar's range.
pub fn bank_holidays(jurisdiction: Jurisdiction, year: i32) -> Vec<(Date, &'static str)> {
    if !(FIRST_YEAR..=LAST_YEAR).contains(&year) {
        return Vec::new();
    }
    let scotland = jurisdiction == Jurisdiction::Scotland;
    let ni = jurisdiction == Jurisdiction::NorthernIreland;
    let mut days = Vec::new();

    // New Year, and in Scotland 2 January, with substitutes.
    let mut new_year = vec![(ymd(year, Month::January, 1), "New Year's Day")];
    if scotland {
        new_year.push((ymd(year, Month::January, 2), "2nd January"));
    }
    add_with_substitutes(&mut days, &new_year);

    if ni {
        add_with_substitutes(&mut days, &[(ymd(year, Month::March, 17), "St Patrick's Day")]);
    }
    let easter = easter_sunday(year);
    days.push((easter - Duration::days(2), "Good Friday"));
    if !scotland {
        days.push((easter + Duration::days(1), "Easter Monday"));
    }

    // Early May: first Monday, moved to Friday 8 May in 2020 for the 75th anniversary of VE day.
    if year == 2020 {
        days.push((ymd(2020, Month::May, 8), "Early May bank holiday (VE day)"));
    } else {
        days.push((next_weekday(ymd(year, Month::May, 1), Weekday::Monday), "Early May bank holiday"));
    }
    // Spring: last Monday of May, moved for the Diamond (2012) and Platinum (2022) Jubilees.
    match year {
        2012 => days.push((ymd(2012, Month::June, 4), "Spring bank holiday")),
        2022 => days.push((ymd(2022, Month::June, 2), "Spring bank holiday")),
        _ => days.push((last_monday(year, Month::May), "Spring bank holiday")),
    }
    if ni {
        add_with_substitutes(&mut days, &[(ymd(year, Month::July, 12), "Battle of the Boyne (Orangemen's Day)")]);
    }
    if scotland {
        days.push((next_weekday(ymd(year, Month::August, 1), Weekday::Monday), "Summer bank holiday"));
        add_with_substitutes(&mut days, &[(ymd(year, Month::November, 30), "St Andrew's Day")]);
    } else {
        days.push((last_monday(year, Month::August), "Summer bank holiday"));
    }
    add_with_substitutes(
        &mut days,
        &[(ymd(year, Month::December, 25), "Christmas Day"), (ymd(year, Month::December, 26), "Boxing Day")],
    );

    // One-off holidays proclaimed for the whole United Kingdom.
    let one_off: &[(Date, &'static str)] = &[
        (ymd(2011, Month::April, 29), "Royal wedding"),
        (ymd(2012, Month::June, 5), "Queen's Diamond Jubilee"),
        (ymd(2022, Month::June, 3), "Platinum Jubilee bank holiday"),
        (ymd(2022, Month::September, 19), "Bank Holiday for the State Funeral of Queen Elizabeth II"),
        (ymd(2023, Month::May, 8), "Bank holiday for the coronation of King Charles III"),
    ];
    days.extend(one_off.iter().filter(|(d, _)| d.year() == year).copied());
    days.sort();
    days
}

/// Whether `on` is a bank holiday in `jurisdiction`.
pub fn is_bank_holiday(jurisdiction: Jurisdiction, on: Date) -> bool {
    holidays_of(jurisdiction).binary_search(&on).is_ok()
}

/// Every bank holiday of `jurisdiction` in the calendars' range, sorted: computed once, as
/// working days are counted for every case the statistics see (a million for a large load).
fn holidays_of(jurisdiction: Jurisdiction) -> &'static [Date] {
    static ALL: std::sync::OnceLock<[Vec<Date>; 3]> = std::sync::OnceLock::new();
    let all = ALL.get_or_init(|| {
        [Jurisdiction::EnglandWales, Jurisdiction::Scotland, Jurisdiction::NorthernIreland].map(|j| {
            let mut days: Vec<Date> =
                (FIRST_YEAR..=LAST_YEAR).flat_map(|y| bank_holidays(j, y)).map(|(d, _)| d).collect();
            days.sort();
            days
        })
    });
    match jurisdiction {
        Jurisdiction::EnglandWales => &all[0],
        Jurisdiction::Scotland => &all[1],
        Jurisdiction::NorthernIreland => &all[2],
    }
}

/// Whether `on` is a working day: not a Saturday, Sunday or bank holiday.
pub fn is_working_day(jurisdiction: Jurisdiction, on: Date) -> bool {
    !matches!(on.weekday(), Weekday::Saturday | Weekday::Sunday) && !is_bank_holiday(jurisdiction, on)
}

/// The `n`th working day after `from`: day 1 is the first working day after `from` (the day of
/// `from` itself never counts, as a referral made on a Friday evening gives no working day).
/// With `n = 0`, `from` itself. Fails when the answer would leave the calendar's range.
pub fn add_working_days(jurisdiction: Jurisdiction, from: Date, n: u32) -> Result<Date, OutOfRange> {
    if !in_range(from) {
        return Err(OutOfRange(from));
    }
    let mut d = from;
    let mut left = n;
    while left > 0 {
        d = d.next_day().ok_or(OutOfRange(d))?;
        if !in_range(d) {
            return Err(OutOfRange(d));
        }
        if is_working_day(jurisdiction, d) {
            left -= 1;
        }
    }
    Ok(d)
}

/// `from` plus `n` calendar days, inside the calendar's range.
pub fn add_calendar_days(from: Date, n: u32) -> Result<Date, OutOfRange> {
    let to = from.checked_add(Duration::days(i64::from(n))).ok_or(OutOfRange(from))?;
    if !in_range(from) {
        return Err(OutOfRange(from));
    }
    if !in_range(to) {
        return Err(OutOfRange(to));
    }
    Ok(to)
}
