//! The maintained statistics of the system's own cases (`case_marginals`, kept by triggers),
//! read back as `sg_stats` tables: one table of totals, one per breakdown, and one each for
//! timeliness, time to decision and cases awaiting a decision. Every table is named
//! `own-cases`: they are one source cut several ways, as the Home Office's tables are.

use std::collections::BTreeMap;

use sg_domain::{CaseKind, CaseStatus, DecisionOutcome};
use sg_stats::cells::Granularity;
use sg_stats::{Cell, Dim, Measure, Table};
use sg_store::{parse_code, StoreError, StoreResult};
use sqlx::Row;

use crate::convert::error;
use crate::monitoring::{month, nationality, opt_code};
use crate::PgStore;

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
        "nationality" => {
            let (a, b) = value.split_once('|').unwrap_or((&value, ""));
            c.nationality =
                sg_stats::cells::nationality_label(&[nationality(Some(a.into()))?, nationality(Some(b.into()))?])
        }
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

/// Reads `case_marginals` into tables.
pub(crate) async fn case_tables(store: &PgStore) -> StoreResult<Vec<Table>> {
    let rows = sqlx::query(
        "SELECT measure, month, outcome, flag, dim, value, n, sum_a, sum_b FROM case_marginals WHERE n > 0",
    )
    .fetch_all(&store.pool)
    .await
    .map_err(error)?;
    use Measure::*;
    let mut totals = table(vec![], vec![Referrals, DutyToNotify, RgDecisions, CgDecisions]);
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
    for r in &rows {
        let measure: String = r.get(0);
        let m = month("month", r.get(1))?;
        let outcome = opt_code::<DecisionOutcome>("outcome", r.get(2))?;
        let flag: i64 = r.get(3);
        let dim: String = r.get(4);
        let mut c = Cell { n: r.get::<i64, _>(6) as u64, ..Cell::default() };
        let target = match measure.as_str() {
            "referral" | "duty-to-notify" => {
                c.kind = Some(parse_code::<CaseKind>("kind", &measure)?);
                c.referred = m;
                set_dim(&mut c, &dim, r.get(5))?;
                if dim.is_empty() {
                    &mut totals
                } else {
                    by.get_mut(dim.as_str()).ok_or_else(|| bad(&dim))?
                }
            }
            "rg" | "cg" => {
                let d = outcome.zip(m);
                if measure == "rg" {
                    c.rg = d;
                } else {
                    c.cg = d;
                }
                set_dim(&mut c, &dim, r.get(5))?;
                if dim.is_empty() {
                    &mut totals
                } else {
                    by.get_mut(dim.as_str()).ok_or_else(|| bad(&dim))?
                }
            }
            "rg-timeliness" => {
                c.rg = outcome.zip(m);
                c.rg_within_5wd = Some(flag == 1);
                set_dim(&mut c, &dim, r.get(5))?;
                &mut timeliness
            }
            "cg-time" => {
                c.cg = outcome.zip(m);
                c.cg_days_sum = r.get::<i64, _>(7) as u64;
                set_dim(&mut c, "competent-authority", r.get(5))?;
                &mut time_to_cg
            }
            "status" => {
                c.status = Some(parse_code::<CaseStatus>("status", &dim)?);
                c.referred_day_sum = r.get(8);
                set_dim(&mut c, "competent-authority", r.get(5))?;
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
