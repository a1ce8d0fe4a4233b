//! Emergency access where a life is at risk (the custodian pattern): someone who does not work
//! on the case asks for the person's identity with a coded reason; a second person who works on
//! the case approves or declines; an approval lets that one requester see the identity
//! category only, until a time set by the rules.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::{coded_enum, CaseId, UserId};

coded_enum! {
    /// Why the request is made. Coded, so that the audit log and the person's own view can say
    /// why without free text that could hold personal data.
    pub enum EmergencyReason {
        RiskToLifeOfPerson = ("risk-to-life-of-person", "The person's life is believed to be at risk"),
        RiskToLifeOfAnother = ("risk-to-life-of-another", "Another person's life is believed to be at risk"),
        MissingAndAtRisk = ("missing-and-at-risk", "The person is missing and believed to be at risk of serious harm"),
    }
}

coded_enum! {
    /// What the person who works on the case decided.
    pub enum EmergencyDecision {
        Approved = ("approved", "Approved"),
        Declined = ("declined", "Declined"),
    }
}

coded_enum! {
    /// Where a request stands at a moment.
    pub enum EmergencyStatus {
        Pending = ("pending", "Waiting for a decision"),
        Approved = ("approved", "Approved: access open"),
        Declined = ("declined", "Declined"),
        Ended = ("ended", "Approved: access has ended"),
    }
}

/// A request for emergency access to one case's identity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmergencyRequest {
    /// Its id.
    pub id: Uuid,
    /// The case.
    pub case_id: CaseId,
    /// Who asked: the only user an approval opens access to.
    pub requested_by: UserId,
    /// The requester's organisation's name, for display.
    pub requested_by_org: String,
    /// Why.
    pub reason: EmergencyReason,
    /// The requester's own reference (an incident or log number), never personal data.
    pub reference: String,
    /// When it was asked.
    #[serde(with = "time::serde::rfc3339")]
    pub requested_at: OffsetDateTime,
    /// The decision, once made.
    pub decision: Option<EmergencyDecision>,
    /// Who decided.
    pub decided_by: Option<UserId>,
    /// When.
    #[serde(with = "time::serde::rfc3339::option")]
    pub decided_at: Option<OffsetDateTime>,
    /// For an approval, the end of access.
    #[serde(with = "time::serde::rfc3339::option")]
    pub access_until: Option<OffsetDateTime>,
}

impl EmergencyRequest {
    /// Where it stands at `now`.
    pub fn status(&self, now: OffsetDateTime) -> EmergencyStatus {
        match (self.decision, self.access_until) {
            (None, _) => EmergencyStatus::Pending,
            (Some(EmergencyDecision::Declined), _) => EmergencyStatus::Declined,
            (Some(EmergencyDecision::Approved), Some(until)) if now < until => EmergencyStatus::Approved,
            (Some(EmergencyDecision::Approved), _) => EmergencyStatus::Ended,
        }
    }

    /// Whether it opens the identity to `user` at `now`: approved, theirs, not ended.
    pub fn grants(&self, user: UserId, now: OffsetDateTime) -> bool {
        self.requested_by == user && self.status(now) == EmergencyStatus::Approved
    }
}
