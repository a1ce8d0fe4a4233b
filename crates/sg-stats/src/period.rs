//! Months and reporting periods.

use serde::{Deserialize, Serialize};
use time::Date;

/// A calendar month, the finest time unit a cell keeps (dates are coarsened on purpose: a day
/// of referral can help identify someone; a month seldom does).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Month {
    /// The year.
    pub year: i32,
    /// 1 to 12.
    pub month: u8,
}

impl Month {
    /// The month a date falls in.
    pub fn of(date: Date) -> Self {
        Month { year: date.year(), month: date.month() as u8 }
    }
    /// The first month of a quarter (1 to 4).
    pub fn quarter_start(year: i32, quarter: u8) -> Self {
        Month { year, month: (quarter - 1) * 3 + 1 }
    }
    /// The quarter, 1 to 4.
    pub fn quarter(self) -> u8 {
        (self.month - 1) / 3 + 1
    }
    /// Parses `YYYY-MM`.
    pub fn parse(text: &str) -> Option<Self> {
        let (y, m) = text.split_once('-')?;
        let (year, month) = (y.parse().ok()?, m.get(..2).unwrap_or(m).parse().ok()?);
        (1..=12).contains(&month).then_some(Month { year, month })
    }
}

impl std::fmt::Display for Month {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

/// A reporting period: a year, a quarter, or everything.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum Period {
    /// Every month.
    All,
    /// A calendar year.
    Year(i32),
    /// A calendar quarter (1 to 4).
    Quarter(i32, u8),
}

impl Period {
    /// Parses `2023`, `2023-Q4`, `2023Q4` or `2023 Q4`.
    pub fn parse(text: &str) -> Result<Self, String> {
        let t = text.trim().to_ascii_uppercase().replace([' ', '-'], "");
        let bad = || format!("period {text:?}: expected a year (2023) or a quarter (2023-Q4)");
        match t.split_once('Q') {
            None => t.parse().map(Period::Year).map_err(|_| bad()),
            Some((y, q)) => {
                let year = y.parse().map_err(|_| bad())?;
                let q: u8 = q.parse().map_err(|_| bad())?;
                if (1..=4).contains(&q) {
                    Ok(Period::Quarter(year, q))
                } else {
                    Err(bad())
                }
            }
        }
    }
    /// Whether a month falls in the period.
    pub fn contains(self, m: Month) -> bool {
        match self {
            Period::All => true,
            Period::Year(y) => m.year == y,
            Period::Quarter(y, q) => m.year == y && m.quarter() == q,
        }
    }
    /// The quarter a month falls in.
    pub fn quarter_of(m: Month) -> Self {
        Period::Quarter(m.year, m.quarter())
    }
}

impl std::fmt::Display for Period {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Period::All => f.write_str("all periods"),
            Period::Year(y) => write!(f, "{y}"),
            Period::Quarter(y, q) => write!(f, "{y} Q{q}"),
        }
    }
}

/// The periods a source's tables have figures for, newest first: every period, then each
/// year, and each quarter where the tables count by month or quarter (a table by year gives
/// years only).
pub fn periods_in(tables: &[crate::cells::Table]) -> Vec<Period> {
    use std::collections::BTreeSet;
    let mut found = BTreeSet::new();
    for t in tables {
        let by_year = t.granularity == crate::cells::Granularity::Year;
        let months = t
            .cells
            .iter()
            .filter(|c| c.n > 0)
            .flat_map(|c| [c.referred, c.rg.map(|(_, m)| m), c.cg.map(|(_, m)| m)].into_iter().flatten());
        for m in months {
            found.insert(Period::Year(m.year));
            if !by_year {
                found.insert(Period::quarter_of(m));
            }
        }
    }
    // Newest first; a year before its own quarters.
    let mut out: Vec<Period> = found.into_iter().collect();
    out.sort_by_key(|p| match *p {
        Period::Year(y) => std::cmp::Reverse((y, 5)),
        Period::Quarter(y, q) => std::cmp::Reverse((y, q)),
        Period::All => std::cmp::Reverse((i32::MAX, 0)),
    });
    out.insert(0, Period::All);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cells::{Cell, Table};

    #[test]
    fn periods_are_those_with_figures_newest_first() {
        let cell = |y, m| Cell { n: 1, referred: Some(Month { year: y, month: m }), ..Cell::default() };
        let t = Table::own_cases(vec![cell(2023, 11), cell(2024, 2)]);
        let p = periods_in(&[t]);
        assert_eq!(
            p,
            vec![
                Period::All,
                Period::Year(2024),
                Period::Quarter(2024, 1),
                Period::Year(2023),
                Period::Quarter(2023, 4)
            ]
        );
    }
}
