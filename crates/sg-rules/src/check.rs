//! The rule checks on a lifecycle command: what the dated rules forbid on top of the domain's
//! structural state machine, and routing by date.
//!
//! The domain's `CaseState::decide` says what is possible in any version of the NRM; these
//! checks say what the rules in force on the day allow. They are applied to live changes only:
//! stored histories are historical data, recorded under whatever was done at the time.

use sg_domain::{
    AgeAssessor, CaseCommand, CaseFacts, CaseState, CompetentAuthority, DecisionOutcome, SupportExitReason,
};
use time::Date;

use crate::calendar;
use crate::params as p;
use crate::ruleset::{InForce, RuleSet, Source};

/// Facts about a request that the rules need and the domain command does not carry.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RequestFacts {
    /// The Home Office intends to remove the person to a country that has signed both ECAT and
    /// the ECHR (statutory guidance para 14.216, from 17 September 2025).
    pub removal_to_ecat_echr_state: bool,
}

/// A command refused by a rule: what, which rule, and its source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// What is refused and why, in plain words.
    pub message: String,
    /// The rule's key.
    pub rule: &'static str,
    /// The rule's value.
    pub value: String,
    /// The rule set's title.
    pub rules: String,
    /// Where the rule comes from.
    pub source: Source,
    /// Whether the reference marks the rule unconfirmed.
    pub unconfirmed: bool,
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let unconfirmed = if self.unconfirmed { " (unconfirmed in the reference)" } else { "" };
        write!(
            f,
            "{}. Rule: {} = {} in {}; source: {} <{}>{unconfirmed}",
            self.message, self.rule, self.value, self.rules, self.source.title, self.source.url
        )
    }
}

// Not `thiserror`: it would take the field called `source` for the error's cause.
impl std::error::Error for Refusal {}

fn refuse(rules: &RuleSet, r: &InForce<'_>, message: String) -> Box<Refusal> {
    Box::new(Refusal {
        message,
        rule: r.key,
        value: r.version.value.to_string(),
        rules: rules.title.clone(),
        source: r.version.source.clone(),
        unconfirmed: r.version.unconfirmed,
    })
}

/// Checks `command` on day `on` against the rules in force, for a case in `state`.
/// Commands the rules say nothing about pass.
pub fn check_command(
    rules: &RuleSet,
    state: &CaseState,
    command: &CaseCommand,
    on: Date,
    facts: RequestFacts,
) -> Result<(), Box<Refusal>> {
    match command {
        CaseCommand::DecideConclusiveGrounds { .. } => {
            let Some(start) = state.recovery_period_started_on else { return Ok(()) };
            let Some(earliest) = cg_earliest(rules, start, on) else { return Ok(()) };
            if on >= earliest.day {
                return Ok(());
            }
            let (first, days) = (earliest.day, earliest.days);
            let message = if earliest.waits_for_recovery_period {
                format!(
                    "a conclusive grounds decision cannot be made before the recovery period ends: the recovery \
                     period of {days} days from the positive reasonable grounds decision of {start} ends on {first}, \
                     and this decision is dated {on}"
                )
            } else {
                format!(
                    "a conclusive grounds decision cannot be made until {days} calendar days after the positive \
                     reasonable grounds decision of {start}, that is before {first}, and this decision is dated {on}"
                )
            };
            Err(refuse(rules, &earliest.rule, message))
        }
        CaseCommand::RequestReconsideration { question, exceptional_circumstances, .. } => {
            let Some(decision) = state.decision(*question).filter(|d| d.outcome == DecisionOutcome::Negative) else {
                return Ok(());
            };
            if facts.removal_to_ecat_echr_state && rules.flag(p::RECONSIDERATION_EXCLUDES_ECAT_ECHR_REMOVAL, on) {
                if let Some(r) = rules.get(p::RECONSIDERATION_EXCLUDES_ECAT_ECHR_REMOVAL, on) {
                    return Err(refuse(
                        rules,
                        &r,
                        "no reconsideration can be asked for a person whom the Home Office intends to remove to a \
                         country that has signed both the Council of Europe trafficking convention (ECAT) and the \
                         ECHR; the decision can be challenged by judicial review"
                            .into(),
                    ));
                }
            }
            // The window is the one in force on the day of the decision being reconsidered.
            if let Some((Some(days), r)) = rules.limit(p::RECONSIDERATION_WINDOW_DAYS, decision.decided_on) {
                if let Ok(last) = calendar::add_calendar_days(decision.decided_on, days) {
                    // The guidance that set the window allows a late request in exceptional
                    // circumstances (the domain makes the grounds explain them).
                    let excepted = *exceptional_circumstances
                        && rules.flag(p::RECONSIDERATION_EXCEPTIONAL_EXTENSION, decision.decided_on);
                    if on > last && !excepted {
                        return Err(refuse(
                            rules,
                            &r,
                            format!(
                                "the time to ask for a reconsideration has passed: requests must be made within \
                                 {days} calendar days of the decision of {}, that is by {last}, and this request is \
                                 dated {on}",
                                decision.decided_on
                            ),
                        ));
                    }
                }
            }
            Ok(())
        }
        CaseCommand::ExitSupport { exit_reason: SupportExitReason::MoveOnEnded, .. } => {
            // The least move-on support is the one in force on the day of the positive decision.
            let Some(cg) = state.conclusive_grounds.filter(|d| d.outcome == DecisionOutcome::Positive) else {
                return Ok(());
            };
            let Some((Some(days), r)) = rules.limit(p::MOVE_ON_DAYS, cg.decided_on) else { return Ok(()) };
            match calendar::add_calendar_days(cg.decided_on, days) {
                Ok(first) if on < first => Err(refuse(
                    rules,
                    &r,
                    format!(
                        "move-on support lasts at least {days} days after the positive conclusive grounds decision of \
                         {}: it cannot have ended before {first}, and this exit is dated {on}; if the person chose to \
                         leave, or other support took over, record that instead",
                        cg.decided_on
                    ),
                )),
                _ => Ok(()),
            }
        }
        CaseCommand::ApplyForPermissionToStay | CaseCommand::DecidePermissionToStay { .. } => {
            // Temporary permission to stay as a victim is the statutory leave of NABA s65; before
            // it, leave for victims was discretionary, which this step does not record.
            match rules.get(p::PERMISSION_BASIS, on) {
                Some(r) if r.version.value.to_string().trim_matches('"') == "discretionary_leave_policy" => {
                    Err(refuse(
                        rules,
                        &r,
                        format!(
                        "temporary permission to stay as a victim began on 30 January 2023 (Nationality and Borders \
                         Act 2022, section 65); on {on} leave for victims was discretionary (the Discretionary Leave \
                         policy), which is not this step"
                    ),
                    ))
                }
                _ => Ok(()),
            }
        }
        CaseCommand::Route { authority: CompetentAuthority::Ieca, .. } => {
            // Every routing is checked, a re-routing too: the IECA's remit is adults, so a child
            // or a person whose age is unknown (treated as a child) is never routed there.
            if state.treated_as_child() {
                if let Some(r) = rules.get(p::ROUTING_IECA, on).or_else(|| rules.get(p::ROUTING_AUTHORITIES, on)) {
                    return Err(refuse(
                        rules,
                        &r,
                        "a child's case, or the case of a person whose age is unknown, cannot be routed to the \
                         Immigration Enforcement Competent Authority: its remit is adults; children's cases are \
                         decided by the Single Competent Authority"
                            .into(),
                    ));
                }
            }
            if rules.flag(p::ROUTING_IECA, on) {
                return Ok(());
            }
            match rules.get(p::ROUTING_IECA, on).or_else(|| rules.get(p::ROUTING_AUTHORITIES, on)) {
                Some(r) => Err(refuse(
                    rules,
                    &r,
                    format!("the Immigration Enforcement Competent Authority does not decide cases on {on}"),
                )),
                None => Ok(()),
            }
        }
        CaseCommand::Disqualify { retrafficking_risk_assessed, .. } => {
            let Some(r) = rules.get(p::PUBLIC_ORDER_DISQUALIFICATION, on) else { return Ok(()) };
            let message = match r.version.value.to_string().trim_matches('"') {
                "none" => format!("no one could be disqualified on {on}: public order and bad faith disqualification began on 30 January 2023 (NABA s63)"),
                "withdrawn_pending_revision" => format!(
                    "no one could be disqualified on {on}: the public order disqualification policy was withdrawn after interim relief on 26 July 2023, until its revision"
                ),
                "discretionary_with_retrafficking_risk_assessment" if !retrafficking_risk_assessed => {
                    "a disqualification needs a separate assessment of the risk of re-trafficking first (the policy revised in January 2024); make it, then record that it was made".to_string()
                }
                _ => return Ok(()),
            };
            Err(refuse(rules, &r, message))
        }
        CaseCommand::ExtendRecoveryPeriod { .. } => check_extension(rules, state, on),
        CaseCommand::RecordAgeAssessment { assessed_by: AgeAssessor::NationalAgeAssessmentBoard, .. } => {
            match rules.get(p::AGE_ASSESSMENT_NAAB, on) {
                Some(r) if !rules.flag(p::AGE_ASSESSMENT_NAAB, on) => Err(refuse(
                    rules,
                    &r,
                    format!("the National Age Assessment Board did not assess ages on {on}; a local authority did"),
                )),
                _ => Ok(()),
            }
        }
        _ => Ok(()),
    }
}

/// An extension of the recovery period needs a power to extend it in force on its day
/// (`recovery_period.extendable`: Northern Ireland from 28 April 2022), and is made while the
/// period runs.
fn check_extension(rules: &RuleSet, state: &CaseState, on: Date) -> Result<(), Box<Refusal>> {
    let Some(start) = state.recovery_period_started_on else { return Ok(()) };
    if !rules.flag(p::RECOVERY_PERIOD_EXTENDABLE, on) {
        let rule = rules.get(p::RECOVERY_PERIOD_EXTENDABLE, on).or_else(|| rules.get(p::RECOVERY_PERIOD_DAYS, start));
        return match rule {
            Some(r) => Err(refuse(
                rules,
                &r,
                format!("the rules in force on {on} give no power to extend the recovery period: its length is set"),
            )),
            None => Ok(()),
        };
    }
    let Some((days, r)) = rules.number(p::RECOVERY_PERIOD_DAYS, start) else { return Ok(()) };
    let total = days.saturating_add(state.recovery_period_extended_days);
    let Ok(end) = calendar::add_calendar_days(start, total) else { return Ok(()) };
    if on > end {
        return Err(refuse(
            rules,
            &r,
            format!(
                "the recovery period that began on {start} ended on {end}; it is extended while it runs, and this \
                 extension is dated {on}"
            ),
        ));
    }
    Ok(())
}

/// The first day a conclusive-grounds decision may be made, and the rule that sets it.
#[derive(Debug, Clone)]
pub struct CgEarliest<'a> {
    /// The first day it may be made.
    pub day: Date,
    /// The calendar days after the positive reasonable-grounds decision that sets it.
    pub days: u32,
    /// Whether it is the recovery period's end (`cg.not_before_recovery_period_end`), rather
    /// than a minimum shorter than the support period (`cg.min_days_after_rg`).
    pub waits_for_recovery_period: bool,
    /// The rule giving the number of days.
    pub rule: InForce<'a>,
}

/// When a conclusive-grounds decision made on `on` may come at the earliest, for a case whose
/// recovery period began with the positive reasonable-grounds decision of `start`: the
/// recovery period's end where the rules in force on `on` hold the decision until then
/// (England and Wales), otherwise the minimum after the reasonable-grounds decision (Scotland's
/// 90 days and Northern Ireland's 45 run "until the conclusive determination if earlier").
/// Both lengths are those in force on `start`. `None` where the rules set neither.
pub fn cg_earliest(rules: &RuleSet, start: Date, on: Date) -> Option<CgEarliest<'_>> {
    let waits = rules.flag(p::CG_NOT_BEFORE_RECOVERY_END, on);
    let key = if waits { p::RECOVERY_PERIOD_DAYS } else { p::CG_MIN_DAYS_AFTER_RG };
    let (days, rule) = rules.number(key, start)?;
    let day = calendar::add_calendar_days(start, days).ok()?;
    Some(CgEarliest { day, days, waits_for_recovery_period: waits, rule })
}

/// Chooses the competent authority for a referral under `rules` on the referral day. Children
/// always go to the SCA; adults within the IECA's remit go to the IECA where the rules route
/// them there.
pub fn route(rules: &RuleSet, facts: &CaseFacts, ieca_criteria: bool) -> (CompetentAuthority, String) {
    if facts.age_at_referral().treated_as_child() {
        (CompetentAuthority::Sca, "children's cases are decided by the Single Competent Authority".into())
    } else if ieca_criteria && rules.flag(p::ROUTING_IECA, facts.referred_on) {
        (CompetentAuthority::Ieca, "adult within the Immigration Enforcement Competent Authority's remit".into())
    } else {
        (CompetentAuthority::Sca, "all cases not allocated to the IECA go to the Single Competent Authority".into())
    }
}

/// The authority that would decide a stored case under `rules`: an IECA case goes to the
/// single authority where `rules` do not route to the IECA on its referral day. A case routed
/// to the SCA stays there, because whether it met the IECA's criteria was not recorded.
pub fn authority_under(rules: &RuleSet, state: &CaseState) -> Option<CompetentAuthority> {
    match state.competent_authority? {
        CompetentAuthority::Ieca if !rules.flag(p::ROUTING_IECA, state.facts.referred_on) => {
            Some(CompetentAuthority::Sca)
        }
        a => Some(a),
    }
}
