//! Where the person's case is, for their own view: the stage, each decision and its date, and
//! the dates that matter to them next (the decision target, the recovery period, the last day
//! to ask for a reconsideration), from the case's events and the dated rules of its
//! jurisdiction. Codes and dates only: `sg-web` words them in the person's language.

use serde::Serialize;
use sg_domain::{CaseKind, CaseState, CaseStatus, Coded, DecisionOutcome};
use sg_rules::{CaseDeadline, DeadlineKind, RuleSet};
use time::Date;

/// A decision as the person is told it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct DecisionLine {
    /// `positive` or `negative`, as it stands now.
    pub outcome: &'static str,
    /// The day of the decision.
    pub decided_on: Date,
    /// A reconsideration changed the first decision.
    pub changed_on_reconsideration: bool,
}

impl DecisionLine {
    fn of(d: sg_domain::lifecycle::Decision) -> Self {
        Self {
            outcome: d.outcome.code(),
            decided_on: d.decided_on,
            changed_on_reconsideration: d.overturned_on_reconsideration,
        }
    }
}

/// Where the case is, in codes and dates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SurvivorStatus {
    /// The case's status code (`sg_domain::CaseStatus`): which stage the page describes.
    pub stage: &'static str,
    /// The day the referral was made.
    pub referred_on: Date,
    /// The reasonable-grounds decision, once made.
    pub reasonable_grounds: Option<DecisionLine>,
    /// The conclusive-grounds decision, once made.
    pub conclusive_grounds: Option<DecisionLine>,
    /// Before the reasonable-grounds decision: the day the rules aim to have it by.
    pub decision_target: Option<Date>,
    /// That target has passed with no decision.
    pub decision_late: bool,
    /// While waiting for the conclusive-grounds decision: the recovery period's first day and
    /// the earliest day it may end.
    pub recovery_period: Option<(Date, Date)>,
    /// While waiting for the conclusive-grounds decision: the first day the rules allow it
    /// (`sg_rules::cg_earliest`), and whether that is the recovery period's end. Where it is
    /// not (Scotland, Northern Ireland), support runs until the period's end or the decision,
    /// whichever comes first.
    pub final_decision_not_before: Option<(Date, bool)>,
    /// A reconsideration the person (or someone for them) asked for: which decision
    /// (`reasonable-grounds` or `conclusive-grounds`) and when.
    pub reconsideration_asked: Option<(&'static str, Date)>,
    /// After a negative decision not yet asked about: the last day to ask for a
    /// reconsideration, while it has not passed.
    pub reconsideration_until: Option<Date>,
    /// The day the person withdrew from the process.
    pub withdrawn_on: Option<Date>,
}

/// The status of a case whose state is `state` and deadlines `deadlines` (`sg_rules::case_deadlines`
/// of the same events, under `rules`), as of `today`.
pub fn status_of(rules: &RuleSet, state: &CaseState, deadlines: &[CaseDeadline], today: Date) -> SurvivorStatus {
    let due = |kind: DeadlineKind| deadlines.iter().rev().find(|d| d.kind == kind);
    // A withdrawn case waits for nothing.
    let open = state.withdrawn_on.is_none();
    let waiting_rg = open && state.kind == CaseKind::Referral && state.reasonable_grounds.is_none();
    let rg_target = due(DeadlineKind::RgDecision).filter(|_| waiting_rg);
    let recovery_period = match (state.recovery_period_started_on, state.conclusive_grounds) {
        (Some(start), None) if open => due(DeadlineKind::RecoveryPeriodEnd).map(|d| (start, d.due.due_on)),
        _ => None,
    };
    // Only the latest negative decision can still be asked about, and only if nobody has yet.
    let reconsideration_until = due(DeadlineKind::ReconsiderationRequest)
        .filter(|d| d.met_on.is_none() && d.due.due_on >= today && state.pending_reconsideration.is_none())
        .filter(|_| latest_decision_is_negative(state))
        .map(|d| d.due.due_on);
    SurvivorStatus {
        stage: state.status().code(),
        referred_on: state.facts.referred_on,
        reasonable_grounds: state.reasonable_grounds.map(DecisionLine::of),
        conclusive_grounds: state.conclusive_grounds.map(DecisionLine::of),
        decision_target: rg_target.map(|d| d.due.due_on),
        decision_late: rg_target.is_some_and(|d| d.due.due_on < today),
        recovery_period,
        final_decision_not_before: recovery_period
            .and_then(|(start, _)| sg_rules::cg_earliest(rules, start, today))
            .map(|e| (e.day, e.waits_for_recovery_period)),
        reconsideration_asked: state.pending_reconsideration.map(|(q, on)| (q.code(), on)),
        reconsideration_until,
        withdrawn_on: state.withdrawn_on,
    }
}

/// The decision that stands last (conclusive grounds if made, else reasonable grounds) is
/// negative.
fn latest_decision_is_negative(state: &CaseState) -> bool {
    let last = state.conclusive_grounds.or(state.reasonable_grounds);
    last.is_some_and(|d| d.outcome == DecisionOutcome::Negative) && state.status() != CaseStatus::Withdrawn
}
