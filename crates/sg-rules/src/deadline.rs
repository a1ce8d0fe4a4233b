//! Deadlines: the kinds in `shared/CONTRACT.md`, computed from a start date under the rules in
//! force on that date, and every deadline of a case with whether it was met or breached.
//!
//! Counting, in one place so that every caller agrees:
//! - `rg-decision`: N working days after the referral; day 1 is the first working day after
//!   the referral day, in the nation's calendar. A Duty to Notify report converted into a
//!   referral counts from the day of its conversion.
//! - `recovery-period-end`: day 1 is the day after the positive RG decision; the period's last
//!   day, day N, is the decision date plus N calendar days. Where the rules hold the CG decision
//!   until then (`cg.not_before_recovery_period_end`), a CG decision dated before it is refused:
//!   on day N, N days have passed since the RG decision, which is what the guidance's "after at
//!   least 30 calendar days from the date of the RG decision have passed" asks. Elsewhere the
//!   period ends at the CG decision if earlier (`check::cg_earliest` gives its earliest day).
//! - `reconsideration-request`: the last day to ask is the decision date plus N calendar days
//!   (day 1 is the day after the decision). Calendar days do not move off weekends: the
//!   guidance counts calendar days.

use serde::Serialize;
use sg_domain::{CaseKind, CaseState, Coded, DatedEvent, DecisionOutcome, Jurisdiction, Question};
use time::Date;

use crate::calendar::{self, OutOfRange};
use crate::params as p;
use crate::ruleset::{RuleSet, Source};

sg_domain::coded_enum! {
    /// The kinds of deadline (`shared/CONTRACT.md`).
    pub enum DeadlineKind {
        RgDecision = ("rg-decision", "Reasonable-grounds decision target"),
        RecoveryPeriodEnd = ("recovery-period-end", "End of the recovery period"),
        ReconsiderationRequest = ("reconsideration-request", "Last day to ask for a reconsideration"),
    }
}

/// Why a deadline cannot be given.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DeadlineError {
    /// The rule set has no such rule on that date.
    #[error("{rules} sets no {what} on {on}")]
    NoRule {
        /// The rule set's name.
        rules: String,
        /// The rule, in words.
        what: &'static str,
        /// The date asked about.
        on: Date,
    },
    /// The rules in force set no time limit.
    #[error("no time limit: under {rules} on {on} a reconsideration request has no fixed deadline ({cite})")]
    NoLimit {
        /// The rule set's name.
        rules: String,
        /// The date asked about.
        on: Date,
        /// The rule and its source.
        cite: String,
    },
    /// The answer is outside the calendar.
    #[error(transparent)]
    OutOfRange(#[from] OutOfRange),
}

/// A computed deadline with the rule behind it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Due {
    /// The last day.
    pub due_on: Date,
    /// The rule's key.
    pub rule: &'static str,
    /// The rule's value, e.g. "30".
    pub value: String,
    /// Where the rule comes from.
    pub source: Source,
    /// Whether the reference marks the rule unconfirmed.
    pub unconfirmed: bool,
}

/// The deadline of `kind` starting on `from` for a case in `jurisdiction`, under `rules` as in
/// force on `from`.
pub fn deadline(
    rules: &RuleSet,
    jurisdiction: Jurisdiction,
    kind: DeadlineKind,
    from: Date,
) -> Result<Due, DeadlineError> {
    let no_rule = |what| DeadlineError::NoRule { rules: rules.name.clone(), what, on: from };
    let due = |due_on, r: crate::InForce<'_>| Due {
        due_on,
        rule: r.key,
        value: r.version.value.to_string(),
        source: r.version.source.clone(),
        unconfirmed: r.version.unconfirmed,
    };
    match kind {
        DeadlineKind::RgDecision => {
            let (n, r) =
                rules.number(p::RG_TARGET_WORKING_DAYS, from).ok_or_else(|| no_rule("reasonable-grounds target"))?;
            Ok(due(calendar::add_working_days(rules.calendar_for(jurisdiction), from, n)?, r))
        }
        DeadlineKind::RecoveryPeriodEnd => {
            let (n, r) = rules.number(p::RECOVERY_PERIOD_DAYS, from).ok_or_else(|| no_rule("recovery period"))?;
            Ok(due(calendar::add_calendar_days(from, n)?, r))
        }
        DeadlineKind::ReconsiderationRequest => {
            let (n, r) =
                rules.limit(p::RECONSIDERATION_WINDOW_DAYS, from).ok_or_else(|| no_rule("reconsideration window"))?;
            match n {
                Some(n) => Ok(due(calendar::add_calendar_days(from, n)?, r)),
                None => Err(DeadlineError::NoLimit { rules: rules.name.clone(), on: from, cite: r.cite() }),
            }
        }
    }
}

/// One deadline of a case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CaseDeadline {
    /// Which deadline.
    pub kind: DeadlineKind,
    /// In words.
    pub label: &'static str,
    /// The day its clock started.
    pub starts_on: Date,
    /// The deadline and its rule.
    #[serde(flatten)]
    pub due: Due,
    /// Calendar days added to the rule's length by extensions (the recovery period in
    /// Northern Ireland); `due_on` includes them.
    #[serde(skip_serializing_if = "is_zero")]
    pub extended_by_days: u32,
    /// The day the step happened (the decision, the request), if it did.
    pub met_on: Option<Date>,
    /// The step happened late (or, for the recovery period, the CG decision came too early),
    /// or it has not happened and the day has passed (the RG target only).
    pub breached: bool,
}

/// Every deadline of the case whose events are `events`, under `rules`, as of `today`.
/// Deadlines the rules do not set (no reconsideration limit, dates outside the calendar) are
/// left out.
pub fn case_deadlines(rules: &RuleSet, events: &[DatedEvent], today: Date) -> Vec<CaseDeadline> {
    let Some(state) = CaseState::replay(events) else { return Vec::new() };
    let j = state.facts.jurisdiction;
    let mut out = Vec::new();
    let mut push = |kind: DeadlineKind,
                    starts_on: Date,
                    extended_by_days: u32,
                    met_on: Option<Date>,
                    breached: fn(Date, Option<Date>, Date) -> bool| {
        if let Ok(mut due) = deadline(rules, j, kind, starts_on) {
            match calendar::add_calendar_days(due.due_on, extended_by_days) {
                Ok(d) => due.due_on = d,
                Err(_) => return,
            }
            let breached = breached(due.due_on, met_on, today);
            out.push(CaseDeadline { kind, label: kind.label(), starts_on, due, extended_by_days, met_on, breached });
        }
    };
    if state.kind == CaseKind::Referral {
        let rg_on = state.reasonable_grounds.map(|d| d.decided_on);
        // A converted Duty to Notify report became a referral on the day of its conversion.
        let referred_on = state.converted_on.unwrap_or(state.facts.referred_on);
        push(DeadlineKind::RgDecision, referred_on, 0, rg_on, |due, met, today| match met {
            Some(m) => m > due,
            None => today > due,
        });
    }
    if let Some(start) = state.recovery_period_started_on {
        let cg_on = state.conclusive_grounds.map(|d| d.decided_on);
        // A decision before the period's end is early only where the rules in force on its day
        // hold it until then: Scotland's and Northern Ireland's support ends at the decision if
        // earlier.
        let held = cg_on.is_none_or(|on| rules.flag(p::CG_NOT_BEFORE_RECOVERY_END, on));
        let early: fn(Date, Option<Date>, Date) -> bool =
            if held { |due, met, _| met.is_some_and(|m| m < due) } else { |_, _, _| false };
        push(DeadlineKind::RecoveryPeriodEnd, start, state.recovery_period_extended_days, cg_on, early);
    }
    for (decided_on, request) in negative_decisions(events) {
        push(DeadlineKind::ReconsiderationRequest, decided_on, 0, request, |due, met, _| met.is_some_and(|m| m > due));
    }
    out
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

/// Each negative RG or CG decision's date, with the day a reconsideration of it was asked for.
pub fn negative_decisions(events: &[DatedEvent]) -> Vec<(Date, Option<Date>)> {
    use sg_domain::CaseEvent as E;
    let mut out: Vec<(Question, Date, Option<Date>)> = Vec::new();
    for e in events {
        match &e.event {
            E::ReasonableGroundsDecided { outcome: DecisionOutcome::Negative, .. } => {
                out.push((Question::ReasonableGrounds, e.on, None))
            }
            E::ConclusiveGroundsDecided { outcome: DecisionOutcome::Negative, .. } => {
                out.push((Question::ConclusiveGrounds, e.on, None))
            }
            E::ReconsiderationRequested { question, .. } => {
                if let Some(d) = out.iter_mut().rev().find(|d| d.0 == *question && d.2.is_none()) {
                    d.2 = Some(e.on);
                }
            }
            _ => {}
        }
    }
    out.into_iter().map(|(_, on, req)| (on, req)).collect()
}
