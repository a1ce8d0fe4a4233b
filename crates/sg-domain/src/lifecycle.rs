//! The case state machine: which commands are allowed in which state, the events each produces,
//! and the state as a fold over events.
//!
//! `decide` never changes anything; it returns the events to append or a [`TransitionError`].
//! `apply` folds one event into the state. Storing the events and re-folding them gives the same
//! state (a property test checks this), so the stored stream is the only source of truth.
//! Dated rules (recovery periods, reconsideration windows) are checked by the rules layer on top;
//! this module holds what is true of every version of the NRM.

use serde::Serialize;
use time::Date;

use crate::event::{DatedEvent, ReferralBasis};
use crate::relationship::{Relation, Relationship};
use crate::transition::{DateProblem, Decided, NotYet, TransitionError};
mod decide;
mod invariants;

use crate::{
    coded_enum, AgeAssessor, AgeGroup, CaseEvent, CaseFacts, CompetentAuthority, DecisionOutcome,
    DisqualificationGround, JudicialReviewOutcome, NegativeReview, Notified, OrgId, Question, ReconsiderationOutcome,
    SupportExitReason,
};

coded_enum! {
    /// Whether a case is an NRM referral or an anonymous Duty to Notify report.
    pub enum CaseKind {
        Referral = ("referral", "NRM referral"),
        DutyToNotify = ("duty-to-notify", "Duty to Notify report"),
    }
}

coded_enum! {
    /// Where a case stands, derived from its events.
    pub enum CaseStatus {
        DutyToNotify = ("duty-to-notify", "Duty to Notify report"),
        AwaitingReasonableGrounds = ("awaiting-rg", "Awaiting reasonable grounds decision"),
        NegativeReasonableGrounds = ("negative-rg", "Negative reasonable grounds"),
        AwaitingConclusiveGrounds = ("awaiting-cg", "Recovery period: awaiting conclusive grounds decision"),
        PositiveConclusiveGrounds = ("positive-cg", "Confirmed victim (positive conclusive grounds)"),
        NegativeConclusiveGrounds = ("negative-cg", "Negative conclusive grounds"),
        Withdrawn = ("withdrawn", "Withdrawn"),
    }
}

/// A decision as it stands now, and as it was first made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Decision {
    /// Positive or negative (after any reconsideration).
    pub outcome: DecisionOutcome,
    /// The outcome as first decided, on `decided_on`: never rewritten, so first-decision rates
    /// can be counted (the Home Office's tables count first decisions; the final outcome is the
    /// case's status).
    pub first_outcome: DecisionOutcome,
    /// The day of the first decision.
    pub decided_on: Date,
    /// Whether a reconsideration overturned the first decision.
    pub overturned_on_reconsideration: bool,
}

/// The state of temporary permission to stay.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "kebab-case")]
pub enum PermissionToStay {
    /// No application.
    NotApplied,
    /// Applied, awaiting a decision.
    Applied {
        /// The day of the application.
        on: Date,
    },
    /// Decided.
    Decided {
        /// Granted or refused.
        granted: bool,
        /// The day of the decision.
        on: Date,
    },
}

/// A case's current state: the fold of its events.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CaseState {
    /// Referral or Duty to Notify report.
    pub kind: CaseKind,
    /// The non-identifying facts.
    pub facts: CaseFacts,
    /// How the referral came to be (none for a Duty to Notify report).
    pub basis: Option<ReferralBasis>,
    /// The competent authority deciding the case.
    pub competent_authority: Option<CompetentAuthority>,
    /// The reasonable-grounds decision.
    pub reasonable_grounds: Option<Decision>,
    /// The first day of the recovery period.
    pub recovery_period_started_on: Option<Date>,
    /// Calendar days added to the recovery period by extensions (Northern Ireland).
    pub recovery_period_extended_days: u32,
    /// The conclusive-grounds decision.
    pub conclusive_grounds: Option<Decision>,
    /// A reconsideration waiting for its decision.
    pub pending_reconsideration: Option<(Question, Date)>,
    /// The support provider, while the person is in support.
    pub in_support_with: Option<String>,
    /// Temporary permission to stay.
    pub permission_to_stay: PermissionToStay,
    /// The day the person withdrew.
    pub withdrawn_on: Option<Date>,
    /// The day a Duty to Notify report became a referral: the referral's clocks start then.
    pub converted_on: Option<Date>,
    /// Since when consideration is suspended (the person missing), while it is.
    pub suspended_since: Option<Date>,
    /// A judicial review waiting for its outcome: of which decision, lodged when.
    pub pending_judicial_review: Option<(Question, Date)>,
    /// Whether the pending judicial review was given permission to go ahead, once decided.
    pub judicial_review_permission: Option<bool>,
    /// A negative decision written and held for the review the rules require: which, since
    /// when, and who reviews it.
    pub awaiting_review: Option<(Question, Date, NegativeReview)>,
    /// Whether the referral was linked to an earlier case of the same person (a re-referral).
    pub re_referral: bool,
    /// The ground and day of a public order or bad faith disqualification, once made.
    pub disqualified: Option<(DisqualificationGround, Date)>,
    /// The person's age group now: as referred, then as assessed or after their 18th birthday.
    pub age_now: AgeGroup,
    /// Since when the person's age is disputed, until it is assessed.
    pub age_disputed_since: Option<Date>,
    /// The child's guardian service, while assigned.
    pub guardian: Option<String>,
    /// Every relationship an organisation had with the case, active or ended, oldest first.
    pub relationships: Vec<Relationship>,
    /// The day of the most recent event.
    pub last_event_on: Date,
    /// How many events the case has: its version for optimistic concurrency.
    pub version: u32,
}

/// A change someone asks for. Each is checked by [`CaseState::decide`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CaseCommand {
    /// Allocate or re-allocate the case (only before the reasonable-grounds decision).
    Route { authority: CompetentAuthority, reason: String },
    /// Record a reasonable-grounds decision.
    DecideReasonableGrounds { outcome: DecisionOutcome, reasons: String },
    /// Record a conclusive-grounds decision.
    DecideConclusiveGrounds { outcome: DecisionOutcome, reasons: String },
    /// Ask for a negative decision to be reconsidered, with the grounds (why, and the new
    /// evidence); `exceptional_circumstances` asks after the window has passed, which the
    /// grounds must then explain.
    RequestReconsideration { question: Question, grounds: String, exceptional_circumstances: bool },
    /// Decide a pending reconsideration.
    DecideReconsideration { outcome: ReconsiderationOutcome, reasons: String },
    /// The person entered support with a provider (its name, and its organisation once known).
    EnterSupport { provider: String, provider_org: Option<OrgId> },
    /// The person left support: why, coded, and any more in words.
    ExitSupport { exit_reason: SupportExitReason, reason: String },
    /// Apply for temporary permission to stay.
    ApplyForPermissionToStay,
    /// Decide the application for permission to stay.
    DecidePermissionToStay { granted: bool },
    /// A Duty to Notify report becomes a referral because the adult now consents;
    /// `reported_by` is the organisation that made the report (and its name) when another
    /// organisation converts it.
    ConvertToReferral { reported_by: Option<(OrgId, String)> },
    /// The person withdraws from the NRM.
    Withdraw { reason: String },
    /// Assign an Independent Child Trafficking Guardian service (children only).
    AssignGuardian { guardian: String, guardian_org: Option<OrgId> },
    /// End the guardian service's assignment.
    EndGuardianAssignment { reason: String },
    /// Record that the person instructed a legal adviser's organisation (`org`, resolved by the
    /// application from what was chosen, `name` as typed or chosen); `recorded_by` is the
    /// organisation recording it with the person's agreement (`person_agreed` confirms it),
    /// `None` when the person records it themselves.
    InstructLegalAdviser { org: Option<OrgId>, name: String, recorded_by: Option<OrgId>, person_agreed: bool },
    /// End a legal adviser's instruction (`org` resolved by the application from `name`, an
    /// organisation's id or name).
    EndLegalAdviserInstruction { org: Option<OrgId>, name: String },
    /// Suspend consideration of the case because the person is missing, saying who was told.
    Suspend { reason: String, notified: Vec<Notified> },
    /// Resume consideration of a suspended case, saying who was told.
    Resume { reason: String, notified: Vec<Notified> },
    /// Record that a claim for judicial review of a negative decision was lodged.
    LodgeJudicialReview { question: Question },
    /// Record whether the court gave the pending judicial review permission to go ahead.
    RecordJudicialReviewPermission { granted: bool },
    /// Record how the pending judicial review ended; a quashed decision is decided again.
    RecordJudicialReviewOutcome { outcome: JudicialReviewOutcome },
    /// Review a negative decision held for review: agree (it is served on this day) or return
    /// it to be decided again, with comments (required when returning).
    ReviewNegativeDecision { agreed: bool, reasons: String },
    /// Determine that a person's protections cease on a public order or bad faith ground
    /// (NABA 2022 s63), saying whether the risk of re-trafficking was assessed first.
    /// A public order ground names what in s63(3) it rests on (`public_order_basis`).
    Disqualify {
        ground: DisqualificationGround,
        public_order_basis: Option<crate::PublicOrderBasis>,
        retrafficking_risk_assessed: bool,
        reasons: String,
    },
    /// Doubt the person's age, saying why: they are treated as a child until it is assessed.
    DisputeAge { reason: String },
    /// Record an age assessment's outcome (adult or child) and who made it.
    RecordAgeAssessment { assessed_by: AgeAssessor, outcome: AgeGroup },
    /// Record that the person turned 18 on the command's day.
    RecordEighteenthBirthday,
    /// Make the recovery period `days` calendar days longer, saying why (where the rules let
    /// the authority extend it).
    ExtendRecoveryPeriod { days: u32, reason: String },
}

coded_enum! {
    /// The kind of a [`CaseCommand`], by the stable code the API's `action` tag, the pages'
    /// addresses and audit records use. [`CaseCommand::kind`] is the one exhaustive list: a new
    /// command does not compile until it has a kind, and every table keyed by kind (the API's
    /// input, the pages' forms, the example commands) is a `match` the compiler checks.
    pub enum CommandKind {
        DecideReasonableGrounds = ("decide-reasonable-grounds", "Record a reasonable grounds decision"),
        DecideConclusiveGrounds = ("decide-conclusive-grounds", "Record a conclusive grounds decision"),
        RequestReconsideration = ("request-reconsideration", "Request a reconsideration"),
        DecideReconsideration = ("decide-reconsideration", "Decide a reconsideration"),
        EnterSupport = ("enter-support", "Record that the person entered support"),
        ExitSupport = ("exit-support", "Record that the person left support"),
        AssignGuardian = ("assign-guardian", "Assign an independent child trafficking guardian"),
        EndGuardianAssignment = ("end-guardian-assignment", "End the guardian service's assignment"),
        InstructLegalAdviser = ("instruct-legal-adviser", "Record that the person instructed a legal adviser"),
        EndLegalAdviserInstruction = ("end-legal-adviser-instruction", "End a legal adviser's instruction"),
        ApplyForPermissionToStay = ("apply-for-permission-to-stay", "Apply for temporary permission to stay"),
        DecidePermissionToStay = ("decide-permission-to-stay", "Decide temporary permission to stay"),
        Withdraw = ("withdraw", "Record withdrawal from the NRM"),
        Route = ("route", "Re-route to another competent authority"),
        ConvertToReferral = ("convert-to-referral", "Convert a Duty to Notify report into a referral"),
        Suspend = ("suspend", "Suspend consideration: the person is missing"),
        Resume = ("resume", "Resume consideration"),
        LodgeJudicialReview = ("lodge-judicial-review", "Record a claim for judicial review"),
        RecordJudicialReviewPermission = ("record-judicial-review-permission", "Record whether a judicial review has permission"),
        RecordJudicialReviewOutcome = ("record-judicial-review-outcome", "Record a judicial review's outcome"),
        ReviewNegativeDecision = ("review-negative-decision", "Review a negative decision before it is served"),
        Disqualify = ("disqualify", "Disqualify: protections cease (public order or bad faith)"),
        DisputeAge = ("dispute-age", "Dispute the person's age"),
        RecordAgeAssessment = ("record-age-assessment", "Record an age assessment"),
        RecordEighteenthBirthday = ("record-eighteenth-birthday", "Record that the person turned 18"),
        ExtendRecoveryPeriod = ("extend-recovery-period", "Extend the recovery period"),
    }
}

impl CaseCommand {
    /// This command's kind (for audit records: never its text, which may be personal).
    pub fn kind(&self) -> CommandKind {
        use CaseCommand as C;
        use CommandKind as K;
        match self {
            C::Route { .. } => K::Route,
            C::DecideReasonableGrounds { .. } => K::DecideReasonableGrounds,
            C::DecideConclusiveGrounds { .. } => K::DecideConclusiveGrounds,
            C::RequestReconsideration { .. } => K::RequestReconsideration,
            C::DecideReconsideration { .. } => K::DecideReconsideration,
            C::EnterSupport { .. } => K::EnterSupport,
            C::ExitSupport { .. } => K::ExitSupport,
            C::ApplyForPermissionToStay => K::ApplyForPermissionToStay,
            C::DecidePermissionToStay { .. } => K::DecidePermissionToStay,
            C::ConvertToReferral { .. } => K::ConvertToReferral,
            C::Withdraw { .. } => K::Withdraw,
            C::AssignGuardian { .. } => K::AssignGuardian,
            C::EndGuardianAssignment { .. } => K::EndGuardianAssignment,
            C::InstructLegalAdviser { .. } => K::InstructLegalAdviser,
            C::EndLegalAdviserInstruction { .. } => K::EndLegalAdviserInstruction,
            C::Suspend { .. } => K::Suspend,
            C::Resume { .. } => K::Resume,
            C::LodgeJudicialReview { .. } => K::LodgeJudicialReview,
            C::RecordJudicialReviewPermission { .. } => K::RecordJudicialReviewPermission,
            C::RecordJudicialReviewOutcome { .. } => K::RecordJudicialReviewOutcome,
            C::ReviewNegativeDecision { .. } => K::ReviewNegativeDecision,
            C::Disqualify { .. } => K::Disqualify,
            C::DisputeAge { .. } => K::DisputeAge,
            C::RecordAgeAssessment { .. } => K::RecordAgeAssessment,
            C::RecordEighteenthBirthday => K::RecordEighteenthBirthday,
            C::ExtendRecoveryPeriod { .. } => K::ExtendRecoveryPeriod,
        }
    }
}

/// Opens a case from a referral or report: the first events of its stream.
///
/// An adult without consent becomes a Duty to Notify report; a child or a person of unknown age
/// is referred whatever the consent answer, because children do not consent to the NRM.
/// `route` is the competent authority chosen for a referral.
pub fn open_case(
    facts: CaseFacts,
    consent_to_referral: bool,
    route: (CompetentAuthority, String),
    on: Date,
) -> Vec<DatedEvent> {
    let at = |event| DatedEvent { on, event };
    // Consent follows the age now; the statistics count the age at exploitation.
    let child = facts.age_at_referral().treated_as_child();
    if child || consent_to_referral {
        let basis = if child { ReferralBasis::ChildNoConsentNeeded } else { ReferralBasis::AdultConsent };
        vec![
            at(CaseEvent::ReferralReceived { facts, basis }),
            at(CaseEvent::RoutedToCompetentAuthority { authority: route.0, reason: route.1 }),
        ]
    } else {
        vec![at(CaseEvent::DutyToNotifyReceived { facts })]
    }
}

impl CaseState {
    /// Folds a stream of events into a state. `None` when the stream does not start with a
    /// referral or report.
    pub fn replay<'a>(events: impl IntoIterator<Item = &'a DatedEvent>) -> Option<Self> {
        let mut events = events.into_iter();
        let first = events.next()?;
        let mut state = Self::start(first)?;
        for e in events {
            state.apply(e);
        }
        Some(state)
    }

    fn start(first: &DatedEvent) -> Option<Self> {
        let (kind, facts, basis) = match &first.event {
            CaseEvent::ReferralReceived { facts, basis } => (CaseKind::Referral, facts.clone(), Some(*basis)),
            CaseEvent::DutyToNotifyReceived { facts } => (CaseKind::DutyToNotify, facts.clone(), None),
            _ => return None,
        };
        let age_now = facts.age_at_referral();
        Some(Self {
            kind,
            facts,
            basis,
            competent_authority: None,
            reasonable_grounds: None,
            recovery_period_started_on: None,
            recovery_period_extended_days: 0,
            conclusive_grounds: None,
            pending_reconsideration: None,
            in_support_with: None,
            permission_to_stay: PermissionToStay::NotApplied,
            withdrawn_on: None,
            converted_on: None,
            suspended_since: None,
            pending_judicial_review: None,
            judicial_review_permission: None,
            awaiting_review: None,
            disqualified: None,
            re_referral: false,
            age_now,
            age_disputed_since: None,
            guardian: None,
            relationships: Vec::new(),
            last_event_on: first.on,
            version: 1,
        })
    }

    /// Folds one more event into the state.
    pub fn apply(&mut self, e: &DatedEvent) {
        let on = e.on;
        match &e.event {
            CaseEvent::ReferralReceived { .. } | CaseEvent::DutyToNotifyReceived { .. } => {}
            // The earlier case is read from the event itself; the statistics count the link.
            CaseEvent::LinkedToEarlierCase { .. } => self.re_referral = true,
            CaseEvent::ConvertedToReferral { reported_by, reporter_name } => {
                self.kind = CaseKind::Referral;
                self.basis = Some(ReferralBasis::AdultConsent);
                self.converted_on = Some(on);
                if reported_by.is_some() {
                    self.begin(Relation::Reporter, *reported_by, reporter_name, on, None);
                }
            }
            CaseEvent::RoutedToCompetentAuthority { authority, .. } => self.competent_authority = Some(*authority),
            CaseEvent::ReasonableGroundsDecided { outcome, .. } => {
                self.reasonable_grounds = Some(Decision {
                    outcome: *outcome,
                    first_outcome: *outcome,
                    decided_on: on,
                    overturned_on_reconsideration: false,
                })
            }
            CaseEvent::RecoveryPeriodStarted => self.recovery_period_started_on = Some(on),
            CaseEvent::RecoveryPeriodExtended { days, .. } => {
                self.recovery_period_extended_days = self.recovery_period_extended_days.saturating_add(*days)
            }
            CaseEvent::ConclusiveGroundsDecided { outcome, .. } => {
                self.conclusive_grounds = Some(Decision {
                    outcome: *outcome,
                    first_outcome: *outcome,
                    decided_on: on,
                    overturned_on_reconsideration: false,
                })
            }
            CaseEvent::ReconsiderationRequested { question, .. } => {
                self.pending_reconsideration = Some((*question, on))
            }
            CaseEvent::ReconsiderationDecided { question, outcome, .. } => {
                self.pending_reconsideration = None;
                if *outcome == ReconsiderationOutcome::Overturned {
                    let decision = match question {
                        Question::ReasonableGrounds => &mut self.reasonable_grounds,
                        Question::ConclusiveGrounds => &mut self.conclusive_grounds,
                    };
                    if let Some(d) = decision {
                        d.outcome = DecisionOutcome::Positive;
                        d.overturned_on_reconsideration = true;
                    }
                }
            }
            CaseEvent::SupportEntered { provider, provider_org } => {
                self.in_support_with = Some(provider.clone());
                self.begin(Relation::SupportProvider, *provider_org, provider, on, None);
            }
            CaseEvent::SupportExited { .. } => {
                self.in_support_with = None;
                self.end(Relation::SupportProvider, None, on);
            }
            CaseEvent::PermissionToStayApplied => self.permission_to_stay = PermissionToStay::Applied { on },
            CaseEvent::PermissionToStayDecided { granted } => {
                self.permission_to_stay = PermissionToStay::Decided { granted: *granted, on }
            }
            CaseEvent::GuardianAssigned { guardian, guardian_org } => {
                // A new assignment replaces the one before.
                self.end(Relation::Guardian, None, on);
                self.guardian = Some(guardian.clone());
                self.begin(Relation::Guardian, *guardian_org, guardian, on, None);
            }
            CaseEvent::GuardianAssignmentEnded { .. } => {
                self.guardian = None;
                self.end(Relation::Guardian, None, on);
            }
            CaseEvent::LegalAdviserInstructed { org, name, recorded_by } => {
                self.begin(Relation::LegalAdviser, Some(*org), name, on, *recorded_by)
            }
            CaseEvent::LegalAdviserInstructionEnded { org } => self.end(Relation::LegalAdviser, Some(*org), on),
            CaseEvent::Suspended { .. } => self.suspended_since = Some(on),
            CaseEvent::Resumed { .. } => self.suspended_since = None,
            CaseEvent::JudicialReviewLodged { question } => {
                self.pending_judicial_review = Some((*question, on));
                self.judicial_review_permission = None;
            }
            CaseEvent::JudicialReviewPermission { granted, .. } => {
                self.judicial_review_permission = Some(*granted);
                if !granted {
                    self.pending_judicial_review = None;
                }
            }
            CaseEvent::JudicialReviewDecided { question, outcome } => {
                self.pending_judicial_review = None;
                // Quashed: the authority decides again, as it does a reconsideration (only while
                // the decision is still negative and no reconsideration is pending).
                let decision = self.decision(*question);
                let negative = decision.map(|d| d.outcome) == Some(DecisionOutcome::Negative);
                if *outcome == JudicialReviewOutcome::Quashed && negative && self.pending_reconsideration.is_none() {
                    self.pending_reconsideration = Some((*question, on));
                }
            }
            CaseEvent::NegativeDecisionProposed { question, review, .. } => {
                self.awaiting_review = Some((*question, on, *review))
            }
            CaseEvent::NegativeDecisionReviewed { .. } => self.awaiting_review = None,
            CaseEvent::Disqualified { ground, .. } => self.disqualified = Some((*ground, on)),
            CaseEvent::AgeDisputed { .. } => self.age_disputed_since = Some(on),
            CaseEvent::AgeAssessed { outcome, .. } => {
                self.age_now = *outcome;
                self.age_disputed_since = None;
            }
            CaseEvent::TurnedEighteen => self.age_now = AgeGroup::Adult,
            CaseEvent::Withdrawn { .. } => {
                self.withdrawn_on = Some(on);
                self.in_support_with = None;
                self.end(Relation::SupportProvider, None, on);
            }
        }
        self.last_event_on = self.last_event_on.max(on);
        self.version += 1;
    }

    fn begin(&mut self, relation: Relation, org: Option<OrgId>, name: &str, on: Date, recorded_by: Option<OrgId>) {
        let name = name.to_string();
        self.relationships.push(Relationship { relation, org, name, since: on, until: None, recorded_by });
    }

    /// Ends the active relationships of this kind (of organisation `org`, if given).
    fn end(&mut self, relation: Relation, org: Option<OrgId>, on: Date) {
        for r in &mut self.relationships {
            if r.relation == relation && r.is_active() && (org.is_none() || r.org == org) {
                r.until = Some(on);
            }
        }
    }

    /// Whether the person is treated as a child now: a child or of unknown age, or an age in
    /// dispute (MSA 2015 s51: a child until the age is decided). Consent, guardians,
    /// withdrawal and the IECA's remit follow this; the statistics follow the age at
    /// exploitation.
    pub fn treated_as_child(&self) -> bool {
        self.age_disputed_since.is_some() || self.age_now.treated_as_child()
    }

    /// The decision on `question`, as it stands now.
    pub fn decision(&self, question: Question) -> Option<Decision> {
        match question {
            Question::ReasonableGrounds => self.reasonable_grounds,
            Question::ConclusiveGrounds => self.conclusive_grounds,
        }
    }

    /// The relationships in force now.
    pub fn active_relationships(&self) -> impl Iterator<Item = &Relationship> {
        self.relationships.iter().filter(|r| r.is_active())
    }

    /// The active instruction of the legal adviser's organisation `org`, if any.
    pub fn instruction_of(&self, org: OrgId) -> Option<&Relationship> {
        self.active_relationships().find(|r| r.relation == Relation::LegalAdviser && r.org == Some(org))
    }

    /// Where the case stands.
    pub fn status(&self) -> CaseStatus {
        use DecisionOutcome::*;
        if self.withdrawn_on.is_some() {
            return CaseStatus::Withdrawn;
        }
        if self.kind == CaseKind::DutyToNotify {
            return CaseStatus::DutyToNotify;
        }
        match (self.reasonable_grounds.map(|d| d.outcome), self.conclusive_grounds.map(|d| d.outcome)) {
            (None, _) => CaseStatus::AwaitingReasonableGrounds,
            (Some(Negative), _) => CaseStatus::NegativeReasonableGrounds,
            (Some(Positive), None) => CaseStatus::AwaitingConclusiveGrounds,
            (Some(Positive), Some(Positive)) => CaseStatus::PositiveConclusiveGrounds,
            (Some(Positive), Some(Negative)) => CaseStatus::NegativeConclusiveGrounds,
        }
    }
}
