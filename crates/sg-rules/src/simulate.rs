//! Policy simulation: replays stored cases under two rule sets and counts who would gain or
//! lose protection, with a few example case references for each count.
//!
//! Each measure is a yes-or-no question asked of every case under rule set A and under rule
//! set B ("would this case be routed to the IECA?"); the report gives how many cases answer
//! yes under each, and how many only under one of them. The recovery period is measured in
//! days. The questions use only what a case records: where the rules turn on a fact the
//! record does not hold, the measure says which proxy it uses.

use serde::Serialize;
use sg_domain::{CaseState, CompetentAuthority, DatedEvent, DecisionOutcome};
use time::Date;

use crate::check::authority_under;
use crate::deadline::{case_deadlines, negative_decisions, DeadlineKind};
use crate::params as p;
use crate::ruleset::RuleSet;

/// How many example references each count keeps.
const EXAMPLES: usize = 5;

/// A count with a few example case references.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Count {
    /// How many cases.
    pub cases: u64,
    /// Up to five of their references.
    pub examples: Vec<String>,
}

impl Count {
    fn add(&mut self, reference: &str) {
        self.cases += 1;
        if self.examples.len() < EXAMPLES {
            self.examples.push(reference.to_string());
        }
    }
}

/// One yes-or-no question asked of every case under both rule sets.
#[derive(Debug, Clone, Serialize)]
pub struct Measure {
    /// A stable name.
    pub key: &'static str,
    /// The question, in plain words.
    pub title: &'static str,
    /// How it is counted, and any proxy it uses.
    pub method: &'static str,
    /// Cases answering yes under A.
    pub under_a: u64,
    /// Cases answering yes under B.
    pub under_b: u64,
    /// Yes under A but not under B.
    pub only_a: Count,
    /// Yes under B but not under A.
    pub only_b: Count,
}

/// The recovery period under both rule sets.
#[derive(Debug, Clone, Default, Serialize)]
pub struct RecoveryDays {
    /// Cases with a recovery period.
    pub cases: u64,
    /// Total recovery-period days under A.
    pub days_a: u64,
    /// Total under B.
    pub days_b: u64,
    /// Cases with a longer period under B.
    pub longer_under_b: Count,
    /// Cases with a shorter period under B.
    pub shorter_under_b: Count,
    /// Days gained under B, summed over the cases gaining.
    pub days_gained: u64,
    /// Days lost under B, summed over the cases losing.
    pub days_lost: u64,
}

/// A rule set's name and title, for the report's header.
#[derive(Debug, Clone, Serialize)]
pub struct Named {
    /// Its name.
    pub name: String,
    /// Its title.
    pub title: String,
    /// Whether it is a proposal.
    pub proposal: bool,
}

/// The simulation's result.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// Rule set A (usually the rules in force).
    pub rules_a: Named,
    /// Rule set B (the alternative).
    pub rules_b: Named,
    /// The day deadlines were judged on.
    pub today: Date,
    /// Cases replayed.
    pub cases: u64,
    /// Cases left out: a jurisdiction a rule set does not cover, or a Duty to Notify report.
    pub skipped: u64,
    /// The recovery period.
    pub recovery_period: RecoveryDays,
    /// The yes-or-no measures.
    pub measures: Vec<Measure>,
}

type Question = (&'static str, &'static str, &'static str, fn(&RuleSet, &CaseState, &[DatedEvent], Date) -> bool);

const QUESTIONS: &[Question] = &[
    ("routed-to-ieca", "Decided by the Immigration Enforcement Competent Authority",
     "A case routed to the IECA stays there where the rules route to the IECA on its referral day, otherwise it goes to the single (or independent) authority. Cases routed to the SCA stay there: whether they met the IECA's criteria was not recorded.",
     |r, s, _, _| authority_under(r, s) == Some(CompetentAuthority::Ieca)),
    ("reconsideration-exclusion-exposure", "Excluded from reconsideration (removal to an ECAT and ECHR state)",
     "Proxy: a negative decision on a day the exclusion applies, in a case decided by the IECA (the Third Country Unit / inadmissibility process is within its remit); the intended-removal fact itself is not in the demonstration data.",
     |r, s, e, _| authority_under(r, s) == Some(CompetentAuthority::Ieca)
         && negative_decisions(e).iter().any(|(on, _)| r.flag(p::RECONSIDERATION_EXCLUDES_ECAT_ECHR_REMOVAL, *on))),
    ("reconsideration-out-of-time", "Asked for a reconsideration after the window closed",
     "A reconsideration requested after the window in force on the decision's day.",
     |r, _, e, today| breached(r, e, today, DeadlineKind::ReconsiderationRequest)),
    ("reconsideration-right", "Kept the right to ask for reconsideration of every negative decision",
     "Cases with a negative RG or CG decision, neither excluded (as above) nor out of time.",
     |r, s, e, today| !negative_decisions(e).is_empty()
         && !QUESTIONS[1].3(r, s, e, today) && !QUESTIONS[2].3(r, s, e, today)),
    ("disqualification-exposure", "Exposed to public order or bad faith disqualification",
     "A positive RG decision on a day a public order disqualification policy was in force (s63 'may' disqualify); the record holds no convictions, so this counts exposure, not disqualifications.",
     |r, s, _, _| s.reasonable_grounds.filter(|d| d.outcome == DecisionOutcome::Positive).is_some_and(|d| {
         matches!(r.choice(p::PUBLIC_ORDER_DISQUALIFICATION, d.decided_on).map(|c| c.0),
                  Some("discretionary" | "discretionary_with_retrafficking_risk_assessment"))
     })),
    ("permission-to-stay-as-of-right", "Confirmed non-British victim entitled to permission to stay without a necessity test",
     "A positive CG decision for a person with a known nationality other than British, where the rules grant permission to every confirmed victim.",
     |r, s, _, _| confirmed_foreign(s).is_some_and(|on| r.flag(p::PERMISSION_EVERY_VICTIM, on))),
    ("permission-to-stay-recovery-ground", "Confirmed non-British victim who could be granted permission to stay to recover",
     "A positive CG decision (non-British) on a day recovery-ground decisions were being made: discretionary leave before 2023, Appendix VTS 'all grounds' after, or the proposal's grant to every victim.",
     |r, s, _, _| confirmed_foreign(s).is_some_and(|on| recovery_ground_open(r, on))),
    ("breach-rg-decision", "Reasonable-grounds decision later than the target",
     "The RG decision after the target of working days (or none yet and the target has passed).",
     |r, _, e, today| breached(r, e, today, DeadlineKind::RgDecision)),
    ("breach-cg-before-recovery-end", "Conclusive-grounds decision before the recovery period ended",
     "Under a longer recovery period, a decision made earlier would have come before its end: the person would have had more time.",
     |r, _, e, today| breached(r, e, today, DeadlineKind::RecoveryPeriodEnd)),
];

fn breached(r: &RuleSet, e: &[DatedEvent], today: Date, kind: DeadlineKind) -> bool {
    case_deadlines(r, e, today).iter().any(|d| d.kind == kind && d.breached)
}

/// The CG decision's day for a confirmed victim with a known non-British nationality.
fn confirmed_foreign(s: &CaseState) -> Option<Date> {
    let foreign = !s.facts.nationalities.is_empty() && !s.facts.nationalities.iter().any(|n| n.code() == "GB");
    s.conclusive_grounds.filter(|d| d.outcome == DecisionOutcome::Positive && foreign).map(|d| d.decided_on)
}

fn recovery_ground_open(r: &RuleSet, on: Date) -> bool {
    r.flag(p::PERMISSION_EVERY_VICTIM, on)
        || match r.choice(p::PERMISSION_DECISIONS, on) {
            Some((c, _)) => c == "all_grounds",
            None => r.choice(p::PERMISSION_BASIS, on).is_some_and(|(c, _)| c == "discretionary_leave_policy"),
        }
}

/// A simulation in progress: add cases one by one, then [`Simulation::finish`].
pub struct Simulation<'a> {
    a: &'a RuleSet,
    b: &'a RuleSet,
    report: Report,
}

impl<'a> Simulation<'a> {
    /// A simulation of `a` against `b`, judging open deadlines as of `today`.
    pub fn new(a: &'a RuleSet, b: &'a RuleSet, today: Date) -> Self {
        let named = |r: &RuleSet| Named { name: r.name.clone(), title: r.title.clone(), proposal: r.proposal };
        let measures = QUESTIONS
            .iter()
            .map(|(key, title, method, _)| Measure {
                key,
                title,
                method,
                under_a: 0,
                under_b: 0,
                only_a: Count::default(),
                only_b: Count::default(),
            })
            .collect();
        let report = Report {
            rules_a: named(a),
            rules_b: named(b),
            today,
            cases: 0,
            skipped: 0,
            recovery_period: RecoveryDays::default(),
            measures,
        };
        Self { a, b, report }
    }

    /// Replays one case (its reference and events) under both rule sets.
    pub fn add(&mut self, reference: &str, events: &[DatedEvent]) {
        let Some(state) = CaseState::replay(events) else {
            self.report.skipped += 1;
            return;
        };
        let j = state.facts.jurisdiction;
        if !self.a.applies_to(j) || !self.b.applies_to(j) || state.kind != sg_domain::CaseKind::Referral {
            self.report.skipped += 1;
            return;
        }
        self.report.cases += 1;
        let today = self.report.today;
        for (m, q) in self.report.measures.iter_mut().zip(QUESTIONS) {
            let (ya, yb) = (q.3(self.a, &state, events, today), q.3(self.b, &state, events, today));
            m.under_a += u64::from(ya);
            m.under_b += u64::from(yb);
            if ya && !yb {
                m.only_a.add(reference);
            } else if yb && !ya {
                m.only_b.add(reference);
            }
        }
        if let Some(start) = state.recovery_period_started_on {
            let days = |r: &RuleSet| r.number(p::RECOVERY_PERIOD_DAYS, start).map(|(n, _)| u64::from(n));
            if let (Some(da), Some(db)) = (days(self.a), days(self.b)) {
                let rp = &mut self.report.recovery_period;
                rp.cases += 1;
                rp.days_a += da;
                rp.days_b += db;
                if db > da {
                    rp.longer_under_b.add(reference);
                    rp.days_gained += db - da;
                } else if db < da {
                    rp.shorter_under_b.add(reference);
                    rp.days_lost += da - db;
                }
            }
        }
    }

    /// The report.
    pub fn finish(self) -> Report {
        self.report
    }
}
