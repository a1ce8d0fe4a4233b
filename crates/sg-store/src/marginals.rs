//! The maintained statistics of the system's own cases (`case_marginals` and the deltas not yet
//! folded into it, written by each backend in the same transaction as every change from the
//! keys of `marginal_keys.rs`), turned into `sg_stats` tables: one table
//! of totals, one per breakdown, and one each for timeliness, time to decision and cases
//! awaiting a decision. Every table is named `own-cases`: they are one source cut several ways,
//! as the Home Office's tables are. Backends only read the rows; this is shared so both give
//! the same tables.

use std::collections::BTreeMap;

use sg_domain::{CaseKind, CaseStatus, Coded, DecisionOutcome, Nationality};
use sg_stats::cells::Granularity;
use sg_stats::{Cell, Dim, Measure, Month, Table};

use crate::{parse_code, StoreError, StoreResult};

/// One row of statistics: a stored row of `case_marginals` or `case_marginal_deltas`, or their
/// sum per key as a backend reads them.
#[derive(Debug, Clone, Default)]
pub struct MarginalRow {
    /// `referral`, `duty-to-notify`, `rg`, `cg`, `rg-timeliness`, `cg-time`, `status`,
    /// `re-referral` or `disqualification`.
    pub measure: String,
    /// `YYYY-MM`, or `None`/empty.
    pub month: Option<String>,
    /// A decision outcome code, or `None`/empty.
    pub outcome: Option<String>,
    /// 1 where an RG decision was within its target.
    pub flag: i64,
    /// The dimension (empty for totals), or the status code for `status` rows.
    pub dim: String,
    /// The dimension's value: a code, the exploitation bit set, or the statistics' nationality
    /// label; empty when not known.
    pub value: String,
    /// How many cases.
    pub n: i64,
    /// Days to a CG decision, summed (`cg-time`).
    pub sum_a: i64,
    /// Referral days since the epoch, summed (`status`).
    pub sum_b: i64,
}

/// A stored code, or `None` for a missing or empty value.
pub fn opt_code<T: Coded>(column: &str, v: Option<String>) -> StoreResult<Option<T>> {
    v.filter(|s| !s.is_empty()).map(|s| parse_code(column, &s)).transpose()
}

/// A stored nationality, or `None` for a missing or empty value.
pub fn nationality(v: Option<String>) -> StoreResult<Option<Nationality>> {
    v.filter(|s| !s.is_empty()).map(|s| Nationality::parse(&s).map_err(StoreError::Other)).transpose()
}

/// A stored `YYYY-MM` month, or `None` for a missing or empty value.
pub fn month(column: &str, v: Option<String>) -> StoreResult<Option<Month>> {
    v.filter(|s| !s.is_empty())
        .map(|s| Month::parse(&s).ok_or_else(|| StoreError::Other(format!("bad month {s:?} in {column}"))))
        .transpose()
}

/// The breakdown tables, in the order indicators should find them, with the decision
/// measures where the catalogue breaks decisions down by that dimension.
const BREAKDOWNS: [(&str, Dim, bool); 8] = [
    ("age", Dim::Age, true),
    ("gender", Dim::Gender, false),
    ("nationality", Dim::Nationality, true),
    ("exploitation", Dim::Exploitation, false),
    ("first-responder-type", Dim::FirstResponderType, true),
    ("competent-authority", Dim::CompetentAuthority, true),
    ("jurisdiction", Dim::Jurisdiction, false),
    ("location", Dim::Location, false),
];

fn table(dims: Vec<Dim>, measures: Vec<Measure>) -> Table {
    Table {
        name: "own-cases".into(),
        description: "The cases recorded in this Safeguard system".into(),
        measures,
        dims,
        granularity: Granularity::Month,
        cells: Vec::new(),
    }
}

/// Sets the dimension `dim` of a cell from its stored value.
fn set_dim(c: &mut Cell, dim: &str, value: String) -> StoreResult<()> {
    let v = Some(value.clone());
    match dim {
        "" => {}
        "age" => c.age = opt_code("age", v)?,
        "gender" => c.gender = opt_code("gender", v)?,
        // The statistics label (`Albanian`, `Albanian Greek`), as `Cell::from_case` gives it.
        "nationality" => c.nationality = v.filter(|s| !s.is_empty()),
        "exploitation" => {
            c.exploitation = Some(value.parse().map_err(|_| StoreError::Other("bad exploitation".into()))?)
        }
        "first-responder-type" => c.fr_type = opt_code("first_responder_type", v)?,
        "competent-authority" => c.ca = opt_code("competent_authority", v)?,
        "jurisdiction" => c.jurisdiction = opt_code("jurisdiction", v)?,
        "location" => c.location = opt_code("exploitation_location", v)?,
        other => return Err(StoreError::Other(format!("bad dimension {other:?} in case_marginals"))),
    }
    Ok(())
}

/// The tables of `case_marginals`' rows (those with `n > 0`).
pub fn marginal_tables(rows: &[MarginalRow]) -> StoreResult<Vec<Table>> {
    use Measure::*;
    let mut totals =
        table(vec![], vec![Referrals, DutyToNotify, RgDecisions, CgDecisions, ReReferrals, Disqualifications]);
    let mut by: BTreeMap<&str, Table> = BTreeMap::new();
    for (name, dim, decisions) in BREAKDOWNS {
        let mut dims = vec![dim];
        if dim == Dim::Nationality {
            dims.push(Dim::NationalityGroup);
        }
        let measures = if decisions {
            vec![Referrals, DutyToNotify, RgDecisions, CgDecisions]
        } else {
            vec![Referrals, DutyToNotify]
        };
        by.insert(name, table(dims, measures));
    }
    let mut timeliness = table(vec![Dim::Timeliness, Dim::CompetentAuthority], vec![RgDecisions]);
    let mut time_to_cg = table(vec![Dim::TimeToDecision, Dim::CompetentAuthority], vec![CgDecisions]);
    let mut awaiting = table(vec![Dim::CompetentAuthority], vec![Status]);
    for r in rows {
        let measure = r.measure.as_str();
        let m = month("month", r.month.clone())?;
        let outcome = opt_code::<DecisionOutcome>("outcome", r.outcome.clone())?;
        let flag = r.flag;
        let dim = r.dim.as_str();
        let mut c = Cell { n: r.n as u64, ..Cell::default() };
        let target = match measure {
            "referral" | "duty-to-notify" => {
                c.kind = Some(parse_code::<CaseKind>("kind", measure)?);
                c.referred = m;
                set_dim(&mut c, dim, r.value.clone())?;
                if dim.is_empty() {
                    &mut totals
                } else {
                    by.get_mut(dim).ok_or_else(|| bad(dim))?
                }
            }
            "rg" | "cg" => {
                let d = outcome.zip(m);
                let overturned = (flag >= 0).then_some(flag == 1);
                if measure == "rg" {
                    (c.rg, c.rg_overturned) = (d, overturned);
                } else {
                    (c.cg, c.cg_overturned) = (d, overturned);
                }
                set_dim(&mut c, dim, r.value.clone())?;
                if dim.is_empty() {
                    &mut totals
                } else {
                    by.get_mut(dim).ok_or_else(|| bad(dim))?
                }
            }
            "rg-timeliness" => {
                c.rg = outcome.zip(m);
                c.rg_within_5wd = Some(flag == 1);
                set_dim(&mut c, dim, r.value.clone())?;
                &mut timeliness
            }
            "cg-time" => {
                c.cg = outcome.zip(m);
                c.cg_days_sum = r.sum_a as u64;
                set_dim(&mut c, "competent-authority", r.value.clone())?;
                &mut time_to_cg
            }
            // Counts by month only: too few people to break down without disclosing them.
            "re-referral" => {
                c.re_referral = Some(true);
                c.referred = m;
                &mut totals
            }
            "disqualification" => {
                c.disqualified = m;
                &mut totals
            }
            "status" => {
                c.status = Some(parse_code::<CaseStatus>("status", dim)?);
                c.referred_day_sum = r.sum_b;
                set_dim(&mut c, "competent-authority", r.value.clone())?;
                &mut awaiting
            }
            other => return Err(StoreError::Other(format!("bad measure {other:?} in case_marginals"))),
        };
        target.cells.push(c);
    }
    let mut tables = vec![totals];
    tables.extend(BREAKDOWNS.iter().filter_map(|(name, _, _)| by.remove(name)));
    tables.extend([timeliness, time_to_cg, awaiting]);
    Ok(tables)
}

fn bad(dim: &str) -> StoreError {
    StoreError::Other(format!("bad dimension {dim:?} in case_marginals"))
}
