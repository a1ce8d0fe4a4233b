//! Safeguard's domain: what a case is, what can happen to it, and which changes are allowed.
//!
//! This crate is pure: no IO, no async, no clock. Time comes in as arguments. Everything the
//! storage, application and web layers know about a case is built from the types here.

pub mod consent;
pub mod countries;
pub mod emergency;
pub mod event;
pub mod facts;
pub mod ids;
pub mod lifecycle;
pub mod messages;
pub mod person;
pub mod relationship;
pub mod role;
pub mod transition;
pub mod wire;

pub use consent::{AgreedBy, Confirmation, Consent, ConsentStatus, DataCategory, Purpose};
pub use emergency::{EmergencyDecision, EmergencyReason, EmergencyRequest, EmergencyStatus};
pub use event::{
    CaseEvent, DatedEvent, DecisionOutcome, DisqualificationGround, JudicialReviewOutcome, NegativeReview, Notified,
    PublicOrderBasis, Question, ReconsiderationOutcome, ReferralBasis, SupportExitReason,
};
pub use facts::{
    AgeAssessor, AgeAtExploitation, AgeGroup, CaseFacts, CompetentAuthority, DeclineReason, ExploitationForm,
    ExploitationLocation, ExploitationType, FirstResponderType, Gender, Jurisdiction, Nationality,
};
pub use ids::{CaseId, CaseReference, OrgId, UserId};
pub use lifecycle::{CaseCommand, CaseKind, CaseState, CaseStatus, CommandKind};
pub use person::{AccountContext, ContextFactor, Identity, PersonalAccount, Sensitive};
pub use relationship::{Relation, Relationship};
pub use role::Role;
pub use transition::{DateProblem, Decided, NotYet, TransitionError};
pub use wire::Coded;

/// An input value that could not be accepted, naming the field at fault.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct FieldError {
    /// The field, as named in the API (`nationalities`, `identity.date_of_birth`, ...).
    pub field: String,
    /// What is wrong with it, in plain English words (for the API and logs).
    pub message: String,
    /// The message's stable code, which the pages translate (see [`messages`]); empty for a
    /// message that has none yet, which the pages show in English.
    pub code: &'static str,
    /// The code's named arguments (`{max}`, `{date}`, ...).
    pub args: Vec<(&'static str, String)>,
}

impl FieldError {
    /// A new error for `field`, without a code.
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self { field: field.into(), message: message.into(), code: "", args: Vec::new() }
    }
}
