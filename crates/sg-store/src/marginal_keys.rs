//! The keys each case adds to the maintained statistics, computed here in Rust and nowhere else
//! (no SQL trigger or function): from `sg_stats::Cell::from_case`, whose timeliness counts
//! working days in the case's nation's calendar (`sg_rules::calendar`). Backends write them as
//! insert-only deltas in the case's own transaction (a new case adds its keys; a change takes
//! away the old row's keys and adds the new row's), and [`crate::marginal_tables`] reads them
//! back.

use std::collections::HashMap;

use sg_domain::Coded;
use sg_stats::cells::{code_of, CaseRow};
use sg_stats::Cell;

use crate::MarginalRow;

/// The version of the keys below and of the calendar they use. Bump it when either changes (a
/// new dimension, a corrected bank holiday): a database whose statistics were kept under
/// another version has them rebuilt from its cases when it is opened.
/// Version 2 (migration 0027): decisions are counted as first made, not as a reconsideration
/// left them. Version 3 (migration 0029): re-referrals and disqualifications are counted.
/// Version 4 (migration 0030): a decision's row says whether it was overturned since (`flag`).
pub const MARGINAL_KEYS_VERSION: i64 = 4;

/// One statistics key: what a stored row counts, without its amounts.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
struct Key {
    measure: &'static str,
    month: String,
    outcome: &'static str,
    flag: i64,
    dim: &'static str,
    value: String,
}

impl Key {
    fn new(
        measure: &'static str,
        month: String,
        outcome: &'static str,
        flag: i64,
        dim: &'static str,
        value: String,
    ) -> Self {
        Key { measure, month, outcome, flag, dim, value }
    }
}

/// Statistics amounts summed per key (count, `sum_a`, `sum_b`): the change a set of cases
/// makes, ready to be written as rows.
/// A hash map, not a b-tree: every case adds about twenty keys, and finding each by hash is
/// cheaper than comparing strings down a tree; [`MarginalDeltas::rows`] sorts once.
#[derive(Debug, Clone, Default)]
pub struct MarginalDeltas(HashMap<Key, [i64; 3]>);

impl MarginalDeltas {
    /// No change.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds the keys of the case `row` (`sign` 1), or takes them away (`sign` -1).
    pub fn add_case(&mut self, row: &CaseRow, sign: i64) {
        self.add_cell(&Cell::from_case(row), sign);
    }

    /// Adds every amount of `other` (the deltas of more cases, computed apart).
    pub fn merge(&mut self, other: MarginalDeltas) {
        for (key, amounts) in other.0 {
            self.add(key, amounts);
        }
    }

    fn add(&mut self, key: Key, amounts: [i64; 3]) {
        let sums = self.0.entry(key).or_default();
        for (s, a) in sums.iter_mut().zip(amounts) {
            *s += a;
        }
    }

    /// The keys of one cell, each counted `sign × n` times.
    fn add_cell(&mut self, c: &Cell, sign: i64) {
        let n = c.n as i64 * sign;
        let code = |v: Option<&'static str>| v.unwrap_or("").to_string();
        let ca = code(code_of(c.ca));
        let nationality = c.nationality.clone().unwrap_or_default();
        let (age, fr_type) = (code(code_of(c.age)), code(code_of(c.fr_type)));
        if let (Some(kind), Some(month)) = (c.kind, c.referred) {
            let month = month.to_string();
            let dims = [
                ("", String::new()),
                ("age", age.clone()),
                ("gender", code(code_of(c.gender))),
                ("nationality", nationality.clone()),
                ("exploitation", c.exploitation.map(|b| b.to_string()).unwrap_or_default()),
                ("first-responder-type", fr_type.clone()),
                ("competent-authority", ca.clone()),
                ("jurisdiction", code(code_of(c.jurisdiction))),
                ("location", code(code_of(c.location))),
            ];
            for (dim, value) in dims {
                self.add(Key::new(kind.code(), month.clone(), "", -1, dim, value), [n, 0, 0]);
            }
        }
        for (measure, decision, overturned) in [("rg", c.rg, c.rg_overturned), ("cg", c.cg, c.cg_overturned)] {
            let Some((outcome, month)) = decision else { continue };
            // 1 where the decision was overturned after it was first made, 0 where it stood.
            let flag = overturned.map_or(-1, i64::from);
            let dims = [
                ("", String::new()),
                ("competent-authority", ca.clone()),
                ("nationality", nationality.clone()),
                ("age", age.clone()),
                ("first-responder-type", fr_type.clone()),
            ];
            for (dim, value) in dims {
                self.add(Key::new(measure, month.to_string(), outcome.code(), flag, dim, value), [n, 0, 0]);
            }
        }
        if let (Some((outcome, month)), Some(on_time)) = (c.rg, c.rg_within_5wd) {
            let flag = i64::from(on_time);
            self.add(
                Key::new("rg-timeliness", month.to_string(), outcome.code(), flag, "competent-authority", ca.clone()),
                [n, 0, 0],
            );
        }
        if let Some((outcome, month)) = c.cg {
            let days = c.cg_days_sum as i64 * sign;
            self.add(
                Key::new("cg-time", month.to_string(), outcome.code(), -1, "competent-authority", ca.clone()),
                [n, days, 0],
            );
        }
        if let (Some(true), Some(month)) = (c.re_referral, c.referred) {
            self.add(Key::new("re-referral", month.to_string(), "", -1, "", String::new()), [n, 0, 0]);
        }
        if let Some(month) = c.disqualified {
            self.add(Key::new("disqualification", month.to_string(), "", -1, "", String::new()), [n, 0, 0]);
        }
        if let Some(status) = c.status {
            self.add(Key::new("status", String::new(), "", -1, status.code(), ca), [n, 0, c.referred_day_sum * sign]);
        }
    }

    /// The rows whose amounts are not all zero, in key order (so concurrent writers touch keys
    /// in the same order).
    pub fn rows(&self) -> Vec<MarginalRow> {
        let mut keys: Vec<(&Key, &[i64; 3])> = self.0.iter().filter(|(_, a)| a.iter().any(|x| *x != 0)).collect();
        keys.sort_unstable_by(|a, b| a.0.cmp(b.0));
        keys.into_iter()
            .map(|(k, [n, sum_a, sum_b])| MarginalRow {
                measure: k.measure.to_string(),
                month: Some(k.month.clone()),
                outcome: Some(k.outcome.to_string()),
                flag: k.flag,
                dim: k.dim.to_string(),
                value: k.value.clone(),
                n: *n,
                sum_a: *sum_a,
                sum_b: *sum_b,
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sg_domain::{
        AgeAtExploitation, CaseKind, CaseStatus, DecisionOutcome, ExploitationLocation, FirstResponderType, Gender,
        Jurisdiction,
    };
    use time::macros::date;

    fn case() -> CaseRow {
        CaseRow {
            kind: CaseKind::Referral,
            status: CaseStatus::AwaitingConclusiveGrounds,
            jurisdiction: Jurisdiction::EnglandWales,
            age: AgeAtExploitation::Adult,
            gender: Gender::Female,
            nationalities: [None, None],
            exploitation: 1,
            location: ExploitationLocation::Uk,
            fr_type: FirstResponderType::NgoThirdSector,
            ca: None,
            referred_on: date!(2025 - 04 - 14),
            rg: Some((DecisionOutcome::Positive, date!(2025 - 04 - 23))),
            cg: None,
            rg_overturned: false,
            cg_overturned: false,
            re_referral: false,
            disqualified_on: None,
        }
    }

    #[test]
    fn a_case_taken_away_leaves_nothing() {
        let mut d = MarginalDeltas::new();
        d.add_case(&case(), 1);
        assert_eq!(d.rows().len(), 9 + 5 + 1 + 1);
        d.add_case(&case(), -1);
        assert!(d.rows().is_empty());
    }

    #[test]
    fn a_change_writes_only_the_keys_that_moved() {
        let mut d = MarginalDeltas::new();
        d.add_case(&case(), -1);
        let mut decided = case();
        decided.status = CaseStatus::PositiveConclusiveGrounds;
        decided.cg = Some((DecisionOutcome::Positive, date!(2025 - 06 - 02)));
        d.add_case(&decided, 1);
        let rows = d.rows();
        // Two status rows (old out, new in), five CG breakdowns and the time to decision.
        assert_eq!(rows.len(), 2 + 5 + 1, "{rows:?}");
        assert!(rows.iter().any(|r| r.measure == "cg-time" && r.sum_a == 49));
    }

    #[test]
    fn timeliness_uses_the_nations_bank_holidays() {
        let flag = |j| {
            let mut d = MarginalDeltas::new();
            d.add_case(&CaseRow { jurisdiction: j, ..case() }, 1);
            d.rows().into_iter().find(|r| r.measure == "rg-timeliness").map(|r| r.flag)
        };
        // Easter Monday 2025 is a bank holiday in England and Wales, not in Scotland.
        assert_eq!(flag(Jurisdiction::EnglandWales), Some(1));
        assert_eq!(flag(Jurisdiction::Scotland), Some(0));
    }
}
