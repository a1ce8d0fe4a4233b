//! The decision makers' queue: each case's next open deadline, kept in the `cases` projection
//! so the list can sort by it, and how urgent a deadline is on a given day.
//!
//! The store writes the projection but does not know the rules, so the next deadline is
//! computed here, from the case's events under the official rules of its jurisdiction, and
//! handed to the store with every write ([`next_due`]). Rows written before migration 0011 (and,
//! for their relationships, 0013) are filled in by [`backfill_next_due`] at start-up.

use sg_domain::{CaseState, CaseStatus, DatedEvent, Jurisdiction};
use sg_rules::{DeadlineKind, RuleSet};
use sg_store::{DueKind, NextDue, NextDueUpdate, Store};
use time::Date;

use crate::AppError;

/// How many working days ahead a deadline starts being flagged "due in N working days". Two
/// working days leave a decision maker the day of the warning and the next to make the
/// decision before the deadline passes, counted in the nation's calendar so a weekend or bank
/// holiday does not eat the notice.
pub const WARN_WORKING_DAYS: u32 = 2;

/// Cases replayed per page by the backfill: one read and one write transaction each.
const BACKFILL_PAGE: u32 = 500;

/// The next open deadline of the case whose events are `events`: a negative decision waiting
/// for its review, if there is one; otherwise the earliest of the decision maker's deadlines
/// not yet met: the reasonable-grounds target while that decision is awaited, the end of the
/// recovery period while the conclusive-grounds decision is.
///
/// A reconsideration window is left out: it is the person's time to ask, not a step the
/// decision maker owes; once it passes unused it simply closes (no breach), and a value that
/// changes with today's date cannot live in a projection rewritten only when the case changes:
/// closed windows would sit at the top of the queue for ever. A withdrawn case and a Duty to
/// Notify report have no open deadline.
pub fn next_due(events: &[DatedEvent]) -> Option<NextDue> {
    let state = CaseState::replay(events)?;
    let rules = sg_rules::official(state.facts.jurisdiction).ok()?;
    next_due_under(rules, &state, events)
}

fn next_due_under(rules: &RuleSet, state: &CaseState, events: &[DatedEvent]) -> Option<NextDue> {
    // A negative decision held for its review is the next thing a decision maker owes: the
    // case waits on it, so the queue shows it (from the day it was written, oldest first)
    // rather than a deadline nobody can act on until the review is done.
    if let Some((_, since, _)) = state.awaiting_review.filter(|_| state.withdrawn_on.is_none()) {
        return Some(NextDue { on: since, kind: DueKind::NegativeDecisionReview });
    }
    let status = state.status();
    // `today` only decides `breached`, which is not used here.
    sg_rules::case_deadlines(rules, events, state.last_event_on)
        .into_iter()
        .filter(|d| d.met_on.is_none())
        .filter_map(|d| match d.kind {
            DeadlineKind::RgDecision if status == CaseStatus::AwaitingReasonableGrounds => {
                Some(NextDue { on: d.due.due_on, kind: DueKind::RgDecision })
            }
            DeadlineKind::RecoveryPeriodEnd if status == CaseStatus::AwaitingConclusiveGrounds => {
                Some(NextDue { on: d.due.due_on, kind: DueKind::RecoveryPeriodEnd })
            }
            _ => None,
        })
        .min_by_key(|d| d.on)
}

/// How close a deadline is, on a given day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Urgency {
    /// The day has passed, by this many calendar days.
    Overdue(i64),
    /// It is today.
    DueToday,
    /// It is this many working days away, at most [`WARN_WORKING_DAYS`].
    DueSoon(u32),
    /// Further away than the warning threshold.
    Later,
}

/// How urgent a deadline due on `due` is on `today`, counting working days in the calendar of
/// `jurisdiction` (England and Wales, Scotland and Northern Ireland have different holidays).
pub fn urgency(jurisdiction: Jurisdiction, due: Date, today: Date) -> Urgency {
    if due < today {
        return Urgency::Overdue((today - due).whole_days());
    }
    if due == today {
        return Urgency::DueToday;
    }
    let mut working = 0;
    let mut day = today;
    while day < due {
        day = match day.next_day() {
            Some(d) => d,
            None => return Urgency::Later,
        };
        if sg_rules::calendar::is_working_day(jurisdiction, day) {
            working += 1;
            if working > WARN_WORKING_DAYS {
                return Urgency::Later;
            }
        }
    }
    // A deadline on a weekend or holiday after today's last working day is as near as that day.
    Urgency::DueSoon(working.max(1))
}

/// Computes the next deadline and the relationships (`case_relationships`) of every case whose
/// projection row predates migration 0011 or 0013 (which marks every row stale), a page at a time, calling `progress` with the running count after each page. Returns how many
/// cases were filled in. A case changed meanwhile keeps the value its change wrote. Run when
/// the database is opened (`safeguard serve`, `migrate` and every other command); once every
/// row is filled in, it costs one lookup in an empty partial index.
pub async fn backfill_next_due(store: &dyn Store, mut progress: impl FnMut(u64)) -> Result<u64, AppError> {
    let mut done = 0u64;
    let mut names = std::collections::HashMap::new();
    loop {
        let page = store.cases_without_next_due(BACKFILL_PAGE).await?;
        if page.is_empty() {
            return Ok(done);
        }
        let mut updates = Vec::with_capacity(page.len());
        for c in &page {
            let events: Vec<DatedEvent> = c.events.iter().map(|e| e.event.clone()).collect();
            let relationships = match CaseState::replay(&events) {
                Some(state) => crate::relationships::rows(store, &state, &mut names).await?,
                None => Vec::new(),
            };
            // A case's version is its number of events.
            updates.push(NextDueUpdate {
                case: c.id,
                version: events.len() as u32,
                next_due: next_due(&events),
                relationships,
            });
        }
        store.set_next_due(&updates).await?;
        done += updates.len() as u64;
        progress(done);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn urgency_counts_working_days_in_the_nations_calendar() {
        let ew = Jurisdiction::EnglandWales;
        // Friday 2024-01-05: Monday is one working day away, Tuesday two, Wednesday three.
        assert_eq!(urgency(ew, date!(2024 - 01 - 08), date!(2024 - 01 - 05)), Urgency::DueSoon(1));
        assert_eq!(urgency(ew, date!(2024 - 01 - 09), date!(2024 - 01 - 05)), Urgency::DueSoon(2));
        assert_eq!(urgency(ew, date!(2024 - 01 - 10), date!(2024 - 01 - 05)), Urgency::Later);
        assert_eq!(urgency(ew, date!(2024 - 01 - 05), date!(2024 - 01 - 05)), Urgency::DueToday);
        assert_eq!(urgency(ew, date!(2024 - 01 - 02), date!(2024 - 01 - 05)), Urgency::Overdue(3));
        // Friday 2023-12-29: New Year's Day is a holiday, so 2 January is one working day away;
        // in Scotland 2 January is a holiday too, so 3 January is one working day away.
        assert_eq!(urgency(ew, date!(2024 - 01 - 02), date!(2023 - 12 - 29)), Urgency::DueSoon(1));
        assert_eq!(urgency(Jurisdiction::Scotland, date!(2024 - 01 - 03), date!(2023 - 12 - 29)), Urgency::DueSoon(1));
    }
}
