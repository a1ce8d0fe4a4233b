//! The events a case is made of. A case is its append-only stream of events; its current state
//! is a projection of them ([`crate::lifecycle::CaseState`]). Events are never changed or
//! removed once stored.

use serde::{Deserialize, Serialize};
use time::Date;

use crate::{AgeAssessor, AgeGroup, CaseFacts, CaseId, CompetentAuthority, OrgId};

mod codes;
pub use codes::{
    DecisionOutcome, DisqualificationGround, JudicialReviewOutcome, NegativeReview, Notified, PublicOrderBasis,
    Question, ReconsiderationOutcome, ReferralBasis, SupportExitReason,
};

/// One thing that happened to a case, on the day it happened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DatedEvent {
    /// The day the act took place (a decision's date, not the day it was typed in).
    pub on: Date,
    /// What happened.
    #[serde(flatten)]
    pub event: CaseEvent,
}

/// What can happen to a case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum CaseEvent {
    /// An NRM referral was received.
    ReferralReceived {
        /// The non-identifying facts given at referral.
        facts: CaseFacts,
        /// Consent, or why none was needed.
        basis: ReferralBasis,
    },
    /// An anonymous Duty to Notify report about an adult who did not consent (MSA 2015 s52).
    DutyToNotifyReceived {
        /// The non-identifying facts given in the report.
        facts: CaseFacts,
    },
    /// A Duty to Notify report became a referral after the adult consented.
    ConvertedToReferral {
        /// The organisation that made the report, when another organisation converted it: it
        /// keeps sight of the case it reported (never the identity given to the other).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reported_by: Option<OrgId>,
        /// That organisation's name at the time.
        #[serde(default, skip_serializing_if = "String::is_empty")]
        reporter_name: String,
    },
    /// The case was allocated to a competent authority.
    RoutedToCompetentAuthority {
        /// Who decides the case.
        authority: CompetentAuthority,
        /// Why this authority.
        reason: String,
    },
    /// A reasonable-grounds decision.
    ReasonableGroundsDecided {
        /// Positive or negative.
        outcome: DecisionOutcome,
        /// The decision maker's written reasons.
        reasons: String,
        /// The legal test (or standard of proof) in force on the decision's day in the case's
        /// nation, as the rules name it (`rg.test`, `cg.standard`); empty in events stored
        /// before it was recorded.
        #[serde(default, skip_serializing_if = "String::is_empty")]
        legal_test: String,
    },
    /// The recovery period began (after a positive reasonable-grounds decision).
    RecoveryPeriodStarted,
    /// A conclusive-grounds decision.
    ConclusiveGroundsDecided {
        /// Positive or negative.
        outcome: DecisionOutcome,
        /// The decision maker's written reasons.
        reasons: String,
        /// The legal test (or standard of proof) in force on the decision's day in the case's
        /// nation, as the rules name it (`rg.test`, `cg.standard`); empty in events stored
        /// before it was recorded.
        #[serde(default, skip_serializing_if = "String::is_empty")]
        legal_test: String,
    },
    /// A reconsideration of a negative decision was asked for.
    ReconsiderationRequested {
        /// Which decision.
        question: Question,
        /// Why it should be looked at again, and the new evidence (sealed like reasons); empty
        /// in events stored before grounds were recorded.
        #[serde(default, skip_serializing_if = "String::is_empty")]
        grounds: String,
        /// Asked after the window, on exceptional circumstances the grounds explain.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        exceptional_circumstances: bool,
    },
    /// A reconsideration was decided.
    ReconsiderationDecided {
        /// Which decision was reconsidered.
        question: Question,
        /// Upheld or overturned.
        outcome: ReconsiderationOutcome,
        /// Written reasons.
        reasons: String,
    },
    /// The person entered support.
    SupportEntered {
        /// The support provider's name.
        provider: String,
        /// The support provider's organisation (absent in events stored before it was recorded).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        provider_org: Option<OrgId>,
    },
    /// The person left support.
    SupportExited {
        /// Why, coded (absent in events stored before exits were coded).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        exit_reason: Option<SupportExitReason>,
        /// More about why, in words (in events stored before exits were coded, the only reason).
        reason: String,
    },
    /// Temporary permission to stay as a victim was applied for.
    PermissionToStayApplied,
    /// Temporary permission to stay was decided.
    PermissionToStayDecided {
        /// Granted or refused.
        granted: bool,
    },
    /// An Independent Child Trafficking Guardian service was assigned to a child.
    GuardianAssigned {
        /// The guardian service's organisation name.
        guardian: String,
        /// The guardian service's organisation (absent in events stored before it was recorded).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        guardian_org: Option<OrgId>,
    },
    /// The guardian service's assignment to the child ended; it no longer sees the case.
    GuardianAssignmentEnded {
        /// Why, if given.
        #[serde(default)]
        reason: String,
    },
    /// A legal adviser's organisation was instructed by the person (recorded by the person, or
    /// by their first responder or guardian with their agreement).
    LegalAdviserInstructed {
        /// The legal adviser's organisation.
        org: OrgId,
        /// Its name at the time.
        name: String,
        /// The organisation that recorded it with the person's agreement; `None`: the person.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        recorded_by: Option<OrgId>,
    },
    /// The legal adviser's instruction ended; the adviser no longer sees the case.
    LegalAdviserInstructionEnded {
        /// The legal adviser's organisation.
        org: OrgId,
    },
    /// Consideration of the case stopped, the person being missing (no decision is made
    /// while it is suspended).
    Suspended {
        /// Why, as written (sealed like reasons).
        reason: String,
        /// Who was told.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        notified: Vec<Notified>,
    },
    /// Consideration of a suspended case started again.
    Resumed {
        /// Why, as written (sealed like reasons).
        reason: String,
        /// Who was told.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        notified: Vec<Notified>,
    },
    /// The referral is of a person referred before (re-trafficking): the earlier case, as the
    /// referrer gave its reference. Its readers see the reference; the earlier case opens only
    /// to those it opens to.
    LinkedToEarlierCase {
        /// The earlier case.
        earlier: CaseId,
        /// Its reference.
        reference: String,
    },
    /// A claim for judicial review of a negative decision was lodged.
    JudicialReviewLodged {
        /// Which decision.
        question: Question,
    },
    /// The court decided whether the claim may go ahead; refused, the claim ends.
    JudicialReviewPermission {
        /// Which decision.
        question: Question,
        /// Permission granted.
        granted: bool,
    },
    /// A judicial review ended; a quashed decision is decided again as a reconsideration.
    JudicialReviewDecided {
        /// Which decision.
        question: Question,
        /// Quashed, dismissed, or withdrawn.
        outcome: JudicialReviewOutcome,
    },
    /// A decision maker wrote a negative decision that the rules hold until it is reviewed:
    /// it is not served, and the case waits, until the review agrees.
    NegativeDecisionProposed {
        /// Which decision.
        question: Question,
        /// The decision maker's written reasons (sealed like reasons).
        reasons: String,
        /// Who must review it.
        review: NegativeReview,
    },
    /// The review of a proposed negative decision: agreed (the decision is served, in the
    /// event that follows) or returned to the decision maker to decide again.
    NegativeDecisionReviewed {
        /// Which decision.
        question: Question,
        /// Who reviewed it.
        review: NegativeReview,
        /// Whether the review agreed with the negative decision.
        agreed: bool,
        /// The reviewer's comments (sealed like reasons).
        #[serde(default)]
        reasons: String,
    },
    /// The recovery period was made longer by the authority that may extend it (in Northern
    /// Ireland, the Department of Justice from 28 April 2022: "such longer period as the
    /// Department thinks necessary").
    RecoveryPeriodExtended {
        /// Calendar days added to the period's end.
        days: u32,
        /// Why (sealed like reasons).
        reason: String,
    },
    /// The competent authority determined that the protections of a person with a positive
    /// reasonable-grounds decision cease (NABA 2022 s63): the bar on removal during the
    /// recovery period and the duty to grant permission to stay no longer apply.
    Disqualified {
        /// Public order or bad faith.
        ground: DisqualificationGround,
        /// For public order, what in s63(3) it rests on (absent for bad faith, and in events
        /// stored before it was recorded).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        public_order_basis: Option<PublicOrderBasis>,
        /// A separate assessment of the risk of re-trafficking was made first (required by the
        /// policy revised in January 2024).
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        retrafficking_risk_assessed: bool,
        /// The written reasons (sealed like reasons).
        reasons: String,
    },
    /// Someone doubted the age the case gives (a person referred as an adult who may be a
    /// child, or the reverse): the person is treated as a child until their age is assessed
    /// (MSA 2015 s51).
    AgeDisputed {
        /// Why, as written (sealed like reasons).
        reason: String,
    },
    /// A person's age was assessed; the case follows it from this day.
    AgeAssessed {
        /// Who assessed it.
        assessed_by: AgeAssessor,
        /// Adult or child.
        outcome: AgeGroup,
    },
    /// The person turned 18 during the case: their case is an adult's from this day.
    TurnedEighteen,
    /// The person withdrew from the NRM.
    Withdrawn {
        /// Why, if given.
        reason: String,
    },
}

impl CaseEvent {
    /// The stable name of the event's kind, as stored.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::ReferralReceived { .. } => "referral-received",
            Self::DutyToNotifyReceived { .. } => "duty-to-notify-received",
            Self::ConvertedToReferral { .. } => "converted-to-referral",
            Self::RoutedToCompetentAuthority { .. } => "routed-to-competent-authority",
            Self::ReasonableGroundsDecided { .. } => "reasonable-grounds-decided",
            Self::RecoveryPeriodStarted => "recovery-period-started",
            Self::ConclusiveGroundsDecided { .. } => "conclusive-grounds-decided",
            Self::ReconsiderationRequested { .. } => "reconsideration-requested",
            Self::ReconsiderationDecided { .. } => "reconsideration-decided",
            Self::SupportEntered { .. } => "support-entered",
            Self::SupportExited { .. } => "support-exited",
            Self::PermissionToStayApplied => "permission-to-stay-applied",
            Self::PermissionToStayDecided { .. } => "permission-to-stay-decided",
            Self::GuardianAssigned { .. } => "guardian-assigned",
            Self::GuardianAssignmentEnded { .. } => "guardian-assignment-ended",
            Self::LegalAdviserInstructed { .. } => "legal-adviser-instructed",
            Self::LegalAdviserInstructionEnded { .. } => "legal-adviser-instruction-ended",
            Self::Suspended { .. } => "suspended",
            Self::Resumed { .. } => "resumed",
            Self::LinkedToEarlierCase { .. } => "linked-to-earlier-case",
            Self::JudicialReviewLodged { .. } => "judicial-review-lodged",
            Self::JudicialReviewPermission { .. } => "judicial-review-permission",
            Self::JudicialReviewDecided { .. } => "judicial-review-decided",
            Self::NegativeDecisionProposed { .. } => "negative-decision-proposed",
            Self::NegativeDecisionReviewed { .. } => "negative-decision-reviewed",
            Self::Disqualified { .. } => "disqualified",
            Self::RecoveryPeriodExtended { .. } => "recovery-period-extended",
            Self::AgeDisputed { .. } => "age-disputed",
            Self::AgeAssessed { .. } => "age-assessed",
            Self::TurnedEighteen => "turned-eighteen",
            Self::Withdrawn { .. } => "withdrawn",
        }
    }

    /// The written reasons or explanation the event carries, if any.
    pub fn detail(&self) -> Option<&str> {
        let text = match self {
            Self::ReasonableGroundsDecided { reasons, .. }
            | Self::ConclusiveGroundsDecided { reasons, .. }
            | Self::ReconsiderationDecided { reasons, .. }
            | Self::Disqualified { reasons, .. }
            | Self::NegativeDecisionProposed { reasons, .. }
            | Self::NegativeDecisionReviewed { reasons, .. } => reasons,
            Self::ReconsiderationRequested { grounds, .. } => grounds,
            Self::RoutedToCompetentAuthority { reason, .. }
            | Self::SupportExited { reason, .. }
            | Self::GuardianAssignmentEnded { reason }
            | Self::Suspended { reason, .. }
            | Self::Resumed { reason, .. }
            | Self::AgeDisputed { reason }
            | Self::RecoveryPeriodExtended { reason, .. }
            | Self::Withdrawn { reason } => reason,
            _ => return None,
        };
        Some(text.as_str()).filter(|t| !t.trim().is_empty())
    }

    /// The free text the event carries, to replace in place (the application seals it before
    /// it is stored and opens it when read).
    pub fn detail_mut(&mut self) -> Option<&mut String> {
        match self {
            Self::ReasonableGroundsDecided { reasons, .. }
            | Self::ConclusiveGroundsDecided { reasons, .. }
            | Self::ReconsiderationDecided { reasons, .. }
            | Self::Disqualified { reasons, .. }
            | Self::NegativeDecisionProposed { reasons, .. }
            | Self::NegativeDecisionReviewed { reasons, .. } => Some(reasons),
            Self::ReconsiderationRequested { grounds, .. } => Some(grounds),
            Self::RoutedToCompetentAuthority { reason, .. }
            | Self::SupportExited { reason, .. }
            | Self::GuardianAssignmentEnded { reason }
            | Self::Suspended { reason, .. }
            | Self::Resumed { reason, .. }
            | Self::AgeDisputed { reason }
            | Self::RecoveryPeriodExtended { reason, .. }
            | Self::Withdrawn { reason } => Some(reason),
            _ => None,
        }
    }

    /// A one-line English summary for timelines.
    pub fn summary(&self) -> String {
        use crate::Coded;
        match self {
            Self::ReferralReceived { basis, .. } => format!("NRM referral received ({})", basis.label().to_lowercase()),
            Self::DutyToNotifyReceived { .. } => "Duty to Notify report received (anonymous; no NRM referral)".into(),
            Self::ConvertedToReferral { .. } => "Converted to an NRM referral with the person's consent".into(),
            Self::RoutedToCompetentAuthority { authority, .. } => format!("Routed to the {}", authority.label()),
            Self::ReasonableGroundsDecided { outcome, .. } => {
                format!("{} reasonable grounds decision", outcome.label())
            }
            Self::RecoveryPeriodStarted => "Recovery period started".into(),
            Self::ConclusiveGroundsDecided { outcome, .. } => {
                format!("{} conclusive grounds decision", outcome.label())
            }
            Self::ReconsiderationRequested { question, .. } => {
                format!("Reconsideration of the {} decision requested", question.label().to_lowercase())
            }
            Self::ReconsiderationDecided { question, outcome, .. } => {
                format!(
                    "Reconsideration of the {} decision: {}",
                    question.label().to_lowercase(),
                    outcome.label().to_lowercase()
                )
            }
            Self::SupportEntered { provider, .. } => format!("Entered support with {provider}"),
            Self::SupportExited { .. } => "Left support".into(),
            Self::PermissionToStayApplied => "Applied for temporary permission to stay".into(),
            Self::PermissionToStayDecided { granted: true } => "Temporary permission to stay granted".into(),
            Self::PermissionToStayDecided { granted: false } => "Temporary permission to stay refused".into(),
            Self::GuardianAssigned { guardian, .. } => {
                format!("Independent child trafficking guardian assigned: {guardian}")
            }
            Self::GuardianAssignmentEnded { .. } => "Guardian service's assignment ended".into(),
            Self::LegalAdviserInstructed { name, .. } => format!("Legal adviser instructed: {name}"),
            Self::LegalAdviserInstructionEnded { .. } => "Legal adviser's instruction ended".into(),
            Self::Suspended { .. } => "Consideration suspended: the person is missing".into(),
            Self::Resumed { .. } => "Consideration resumed".into(),
            Self::LinkedToEarlierCase { reference, .. } => {
                format!("Referred again: the same person's earlier case is {reference}")
            }
            Self::JudicialReviewLodged { question } => {
                format!("Judicial review of the {} decision lodged", question.label().to_lowercase())
            }
            Self::JudicialReviewPermission { question, granted } => format!(
                "Judicial review of the {} decision: permission {}",
                question.label().to_lowercase(),
                if *granted { "granted" } else { "refused, the claim ends" }
            ),
            Self::JudicialReviewDecided { question, outcome } => format!(
                "Judicial review of the {} decision: {}",
                question.label().to_lowercase(),
                outcome.label().to_lowercase()
            ),
            Self::NegativeDecisionProposed { question, review, .. } => format!(
                "Negative {} decision written: held for review by {}",
                question.label().to_lowercase(),
                review.label().to_lowercase()
            ),
            Self::NegativeDecisionReviewed { question, agreed, .. } => {
                let q = question.label().to_lowercase();
                if *agreed {
                    format!("Review agreed the negative {q} decision: served")
                } else {
                    format!("Review returned the negative {q} decision to be decided again")
                }
            }
            Self::Disqualified { ground, .. } => {
                format!("Protections ceased: disqualified ({})", ground.label().to_lowercase())
            }
            Self::RecoveryPeriodExtended { days, .. } => format!("Recovery period extended by {days} days"),
            Self::AgeDisputed { .. } => "Age disputed: treated as a child until assessed".into(),
            Self::AgeAssessed { assessed_by, outcome } => {
                format!("Age assessed by {}: {}", assessed_by.label().to_lowercase(), outcome.label().to_lowercase())
            }
            Self::TurnedEighteen => "Turned 18: an adult's case from this day".into(),
            Self::Withdrawn { .. } => "Withdrawn from the NRM".into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::CaseEvent;

    #[test]
    fn a_conversion_stored_before_reporters_were_recorded_still_reads() {
        let old: CaseEvent = serde_json::from_str(r#"{"type":"converted-to-referral"}"#).unwrap();
        assert_eq!(old, CaseEvent::ConvertedToReferral { reported_by: None, reporter_name: String::new() });
        // And one without a reporter is stored as before.
        assert_eq!(serde_json::to_string(&old).unwrap(), r#"{"type":"converted-to-referral"}"#);
    }
}
