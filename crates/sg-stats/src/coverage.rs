//! What a breakdown's table gives of the period its indicator's headline counts (issue 21): the
//! Home Office publishes its headline series from 2009 but most breakdowns only in the quarterly
//! tables from 2022 Q2, so a breakdown from another table must say what it leaves out, and one
//! whose table has nothing in the period must say "not available" instead of a table of zeros.

use std::collections::BTreeSet;

use crate::cells::{Dim, Granularity, Measure, Month, Period, Table};
use crate::figures::month_of;

/// The months of `p` in which `t` counts `m`.
fn months_in(t: &Table, m: Measure, p: Period) -> BTreeSet<Month> {
    t.cells.iter().filter_map(|c| month_of(c, m)).filter(|mo| p.contains(*mo)).collect()
}

/// A month as its table knows it: a quarter (`2022 Q2`), a year, or a month.
fn shown(t: &Table, m: Month) -> String {
    match t.granularity {
        Granularity::Quarter => Period::quarter_of(m).to_string(),
        Granularity::Year => m.year.to_string(),
        Granularity::Month => m.to_string(),
    }
}

/// How much of the headline's months in the period a breakdown's table has.
pub(crate) enum Coverage {
    /// Every month the headline counts.
    Full,
    /// Some: the note says which.
    Partial(String),
    /// None: the breakdown is not available for the period.
    Nothing,
}

/// The coverage of `breakdown` (broken down by `dim`) against `headline`, for `m` in `p`.
pub(crate) fn coverage(headline: &Table, breakdown: &Table, dim: Dim, m: Measure, p: Period) -> Coverage {
    let want = months_in(headline, m, p);
    let have = months_in(breakdown, m, p);
    if want.is_subset(&have) {
        return Coverage::Full;
    }
    let (Some(first), Some(last)) = (have.first(), have.last()) else { return Coverage::Nothing };
    Coverage::Partial(format!(
        "{} is from table {}, which has {} to {} of this period; the headline is from table {}.",
        dim.label(),
        breakdown.name,
        shown(breakdown, *first),
        shown(breakdown, *last),
        headline.name
    ))
}

/// The note for the breakdowns `missing` has no table for in `p`.
pub(crate) fn not_available(missing: &[Dim], p: Period) -> Option<String> {
    let names: Vec<&str> = missing.iter().map(|d| d.label()).collect();
    (!names.is_empty()).then(|| format!("Not available for {p} (no published table covers it): {}.", names.join(", ")))
}
