//! The `cases` projection row, built in one place from a `CaseState`: the insert of a new case
//! and the update after a change both write every column listed here, so a fact can never be
//! left stale by one of them (the update used to skip age, gender and the other referral facts).

use std::sync::LazyLock;

use sg_domain::{CaseState, Coded};
use sg_store::NextDue;

use crate::convert::date_text;

/// The columns of `cases` that are a function of the case's state, in binding order.
pub(crate) const COLUMNS: [&str; 24] = [
    "kind",
    "status",
    "jurisdiction",
    "age",
    "gender",
    "nationality_1",
    "nationality_2",
    "exploitation_types",
    "exploitation_location",
    "first_responder_type",
    "competent_authority",
    "referred_on",
    "rg_outcome",
    "rg_on",
    "cg_outcome",
    "cg_on",
    "rg_overturned",
    "cg_overturned",
    "re_referral",
    "disqualified_on",
    "last_event_on",
    "version",
    "next_due",
    "next_due_kind",
];

/// The values of [`COLUMNS`] for one case.
pub(crate) struct Projection {
    pub kind: &'static str,
    pub status: &'static str,
    pub jurisdiction: &'static str,
    pub age: &'static str,
    pub gender: &'static str,
    pub nationality_1: Option<&'static str>,
    pub nationality_2: Option<&'static str>,
    pub exploitation_types: i64,
    pub exploitation_location: &'static str,
    pub first_responder_type: &'static str,
    pub competent_authority: Option<&'static str>,
    pub referred_on: String,
    pub rg_outcome: Option<&'static str>,
    pub rg_on: Option<String>,
    pub cg_outcome: Option<&'static str>,
    pub cg_on: Option<String>,
    pub rg_overturned: i64,
    pub cg_overturned: i64,
    pub re_referral: i64,
    pub disqualified_on: Option<String>,
    pub last_event_on: String,
    pub version: i64,
    pub next_due: Option<String>,
    pub next_due_kind: Option<&'static str>,
}

impl Projection {
    /// The row for a case in `state` whose next open deadline is `next_due`.
    pub(crate) fn of(state: &CaseState, next_due: Option<NextDue>) -> Self {
        let f = &state.facts;
        let (rg, cg) = (state.reasonable_grounds, state.conclusive_grounds);
        Self {
            kind: state.kind.code(),
            status: state.status().code(),
            jurisdiction: f.jurisdiction.code(),
            age: f.age_at_exploitation.code(),
            gender: f.gender.code(),
            nationality_1: f.nationalities.first().map(|n| n.code()),
            nationality_2: f.nationalities.get(1).map(|n| n.code()),
            exploitation_types: i64::from(sg_stats::cells::exploitation_bits(&f.exploitation_types)),
            exploitation_location: f.exploitation_location.code(),
            first_responder_type: f.first_responder_type.code(),
            competent_authority: state.competent_authority.map(|a| a.code()),
            referred_on: date_text(f.referred_on),
            // The first decisions, as counted; the final outcome is `status`.
            rg_outcome: rg.map(|d| d.first_outcome.code()),
            rg_on: rg.map(|d| date_text(d.decided_on)),
            cg_outcome: cg.map(|d| d.first_outcome.code()),
            cg_on: cg.map(|d| date_text(d.decided_on)),
            rg_overturned: i64::from(rg.is_some_and(|d| d.overturned_on_reconsideration)),
            cg_overturned: i64::from(cg.is_some_and(|d| d.overturned_on_reconsideration)),
            re_referral: i64::from(state.re_referral),
            disqualified_on: state.disqualified.map(|(_, on)| date_text(on)),
            last_event_on: date_text(state.last_event_on),
            version: i64::from(state.version),
            next_due: next_due.map(|d| date_text(d.on)),
            next_due_kind: next_due.map(|d| d.kind.code()),
        }
    }
}

/// Binds a [`Projection`]'s values in [`COLUMNS`] order: `bind_projection!(query, p, bind)` on a
/// query, `bind_projection!(separated, p, push_bind)` in a multi-row insert.
macro_rules! bind_projection {
    ($q:expr, $p:expr, $bind:ident) => {
        $q.$bind($p.kind)
            .$bind($p.status)
            .$bind($p.jurisdiction)
            .$bind($p.age)
            .$bind($p.gender)
            .$bind($p.nationality_1)
            .$bind($p.nationality_2)
            .$bind($p.exploitation_types)
            .$bind($p.exploitation_location)
            .$bind($p.first_responder_type)
            .$bind($p.competent_authority)
            .$bind($p.referred_on)
            .$bind($p.rg_outcome)
            .$bind($p.rg_on)
            .$bind($p.cg_outcome)
            .$bind($p.cg_on)
            .$bind($p.rg_overturned)
            .$bind($p.cg_overturned)
            .$bind($p.re_referral)
            .$bind($p.disqualified_on)
            .$bind($p.last_event_on)
            .$bind($p.version)
            .$bind($p.next_due)
            .$bind($p.next_due_kind)
    };
}
pub(crate) use bind_projection;

/// The start of the multi-row insert of new cases: the columns not derived from the state, then
/// [`COLUMNS`].
pub(crate) static INSERT: LazyLock<String> = LazyLock::new(|| {
    format!(
        "INSERT INTO cases (id, reference, created_by, created_by_org, created_at, next_due_stale, {}) ",
        COLUMNS.join(", ")
    )
});

/// The rewrite of a case's row after a change: every column of [`COLUMNS`] (`$1…$24`), the
/// next deadline marked computed, for the case `$25`.
pub(crate) static UPDATE: LazyLock<String> = LazyLock::new(|| {
    let set: Vec<String> = COLUMNS.iter().enumerate().map(|(i, c)| format!("{c} = ${}", i + 1)).collect();
    format!("UPDATE cases SET {}, next_due_stale = 0 WHERE id = ${}", set.join(", "), COLUMNS.len() + 1)
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_update_sets_every_projected_column_once() {
        for c in COLUMNS {
            assert_eq!(UPDATE.matches(&format!(" {c} = $")).count(), 1, "{c} in {}", *UPDATE);
        }
        assert!(UPDATE.ends_with("WHERE id = $25"));
    }
}
