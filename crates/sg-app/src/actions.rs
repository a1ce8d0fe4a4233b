//! Case actions as the API and pages send them, parsed into domain commands.

use serde::Deserialize;
use sg_domain::{
    CaseCommand, CompetentAuthority, DecisionOutcome, FieldError, Identity, PersonalAccount, Question,
    ReconsiderationOutcome, SupportExitReason,
};
use time::Date;

/// One action on a case, tagged by `action`.
#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "action", rename_all = "kebab-case")]
pub enum ActionInput {
    /// Allocate to a competent authority.
    Route { competent_authority: CompetentAuthority, reason: String },
    /// Record a reasonable-grounds decision.
    DecideReasonableGrounds { outcome: DecisionOutcome, reasons: String },
    /// Record a conclusive-grounds decision.
    DecideConclusiveGrounds { outcome: DecisionOutcome, reasons: String },
    /// Ask for a negative decision to be reconsidered.
    RequestReconsideration {
        question: Question,
        /// The Home Office intends to remove the person to a country that has signed both ECAT
        /// and the ECHR: from 17 September 2025 no reconsideration can be asked.
        #[serde(default)]
        removal_to_ecat_echr_state: bool,
        /// Why the decision should be looked at again, and the new evidence.
        #[serde(default)]
        grounds: String,
        /// Asked after the window on exceptional circumstances, which `grounds` explains.
        #[serde(default)]
        exceptional_circumstances: bool,
    },
    /// Decide the pending reconsideration.
    DecideReconsideration { outcome: ReconsiderationOutcome, reasons: String },
    /// The person entered support with a provider (an organisation's id or name, of kind
    /// `support-provider` or `ngo`).
    EnterSupport { provider: String },
    /// The person left support: why, as a code (`move-on-ended`, `exit-support-ended`,
    /// `chose-to-leave`, `other-support`, `lost-contact`, `disqualified`), and any more in words.
    ExitSupport {
        exit_reason: SupportExitReason,
        #[serde(default)]
        reason: String,
    },
    /// Apply for temporary permission to stay.
    ApplyForPermissionToStay,
    /// Decide the application for permission to stay.
    DecidePermissionToStay { granted: bool },
    /// Turn a Duty to Notify report into a referral: the adult now consents.
    ConvertToReferral {
        identity: Identity,
        #[serde(default)]
        account: PersonalAccount,
    },
    /// Assign an Independent Child Trafficking Guardian service (an organisation's id or name,
    /// of kind `guardian-service`).
    AssignGuardian { guardian: String },
    /// End the guardian service's assignment.
    EndGuardianAssignment {
        #[serde(default)]
        reason: String,
    },
    /// Record, with the person's agreement, that they instructed a legal adviser's organisation
    /// (its id or name; it must have legal advisers).
    InstructLegalAdviser {
        organisation: String,
        /// Confirms that the person agreed to instruct this legal adviser; required.
        #[serde(default)]
        person_agreed: bool,
    },
    /// End a legal adviser's instruction (the organisation's id or name).
    EndLegalAdviserInstruction { organisation: String },
    /// The person withdraws.
    Withdraw {
        #[serde(default)]
        reason: String,
    },
    /// Make the recovery period `days` calendar days longer (1 to [`MAX_EXTENSION_DAYS`]),
    /// where the rules give the power (Northern Ireland from 28 April 2022).
    ExtendRecoveryPeriod { days: u32, reason: String },
    /// Suspend consideration: the person is missing. `notified`: who was told (codes).
    Suspend {
        reason: String,
        #[serde(default)]
        notified: Vec<sg_domain::Notified>,
    },
    /// Resume consideration of a suspended case.
    Resume {
        reason: String,
        #[serde(default)]
        notified: Vec<sg_domain::Notified>,
    },
    /// Record that a claim for judicial review of a negative decision was lodged.
    LodgeJudicialReview { question: Question },
    /// Record whether the court gave the pending judicial review permission to go ahead.
    RecordJudicialReviewPermission { granted: bool },
    /// Record how the pending judicial review ended: `quashed`, `dismissed` or `withdrawn`.
    RecordJudicialReviewOutcome { outcome: sg_domain::JudicialReviewOutcome },
    /// Review a negative decision held for review: agree (it is served) or return it, with
    /// comments (required when returning).
    ReviewNegativeDecision {
        agreed: bool,
        #[serde(default)]
        reasons: String,
    },
    /// Determine that the person's protections cease (NABA s63): public order or bad faith.
    Disqualify {
        ground: sg_domain::DisqualificationGround,
        /// For `public-order`: what in s63(3) it rests on.
        #[serde(default)]
        public_order_basis: Option<sg_domain::PublicOrderBasis>,
        /// A separate re-trafficking risk assessment was made first (required from January 2024).
        #[serde(default)]
        retrafficking_risk_assessed: bool,
        reasons: String,
    },
    /// Doubt the age the case gives, saying why: the person is treated as a child until assessed.
    DisputeAge { reason: String },
    /// Record an age assessment: who made it and whether it found an adult or a child.
    RecordAgeAssessment { assessed_by: sg_domain::AgeAssessor, outcome: sg_domain::AgeGroup },
    /// Record that the person turned 18 on `date` (checked against the date of birth, if known).
    RecordEighteenthBirthday,
}

/// An action with its date and the version the caller read.
#[derive(Debug, Clone, Deserialize)]
pub struct ActionRequest {
    /// What to do.
    #[serde(flatten)]
    pub action: ActionInput,
    /// The day it happened (default today).
    pub date: Option<Date>,
    /// The case version the caller last read; a stale one is refused with a conflict.
    pub version: Option<u32>,
}

impl ActionRequest {
    /// The facts the dated rules need that the domain command does not carry.
    pub fn request_facts(&self) -> sg_rules::RequestFacts {
        match self.action {
            ActionInput::RequestReconsideration { removal_to_ecat_echr_state, .. } => {
                sg_rules::RequestFacts { removal_to_ecat_echr_state }
            }
            _ => sg_rules::RequestFacts::default(),
        }
    }

    /// Splits the request into the domain command and the identifying data it carries.
    pub fn into_command(self) -> (CaseCommand, Option<(Identity, PersonalAccount)>) {
        use ActionInput as A;
        use CaseCommand as C;
        let command = match self.action {
            A::Route { competent_authority, reason } => C::Route { authority: competent_authority, reason },
            A::DecideReasonableGrounds { outcome, reasons } => C::DecideReasonableGrounds { outcome, reasons },
            A::DecideConclusiveGrounds { outcome, reasons } => C::DecideConclusiveGrounds { outcome, reasons },
            A::Suspend { reason, notified } => C::Suspend { reason, notified },
            A::ExtendRecoveryPeriod { days, reason } => C::ExtendRecoveryPeriod { days, reason },
            A::Resume { reason, notified } => C::Resume { reason, notified },
            A::DisputeAge { reason } => C::DisputeAge { reason },
            A::LodgeJudicialReview { question } => C::LodgeJudicialReview { question },
            A::RecordJudicialReviewPermission { granted } => C::RecordJudicialReviewPermission { granted },
            A::RecordJudicialReviewOutcome { outcome } => C::RecordJudicialReviewOutcome { outcome },
            A::ReviewNegativeDecision { agreed, reasons } => C::ReviewNegativeDecision { agreed, reasons },
            A::Disqualify { ground, public_order_basis, retrafficking_risk_assessed, reasons } => {
                C::Disqualify { ground, public_order_basis, retrafficking_risk_assessed, reasons }
            }
            A::RecordAgeAssessment { assessed_by, outcome } => C::RecordAgeAssessment { assessed_by, outcome },
            A::RecordEighteenthBirthday => C::RecordEighteenthBirthday,
            A::RequestReconsideration { question, grounds, exceptional_circumstances, .. } => {
                C::RequestReconsideration { question, grounds, exceptional_circumstances }
            }
            A::DecideReconsideration { outcome, reasons } => C::DecideReconsideration { outcome, reasons },
            A::EnterSupport { provider } => C::EnterSupport { provider, provider_org: None },
            A::ExitSupport { exit_reason, reason } => C::ExitSupport { exit_reason, reason },
            A::ApplyForPermissionToStay => C::ApplyForPermissionToStay,
            A::DecidePermissionToStay { granted } => C::DecidePermissionToStay { granted },
            A::ConvertToReferral { identity, account } => {
                // Through a case's actions only its own organisation converts it: no one else reported it.
                return (C::ConvertToReferral { reported_by: None }, Some((identity, account)));
            }
            A::Withdraw { reason } => C::Withdraw { reason },
            A::AssignGuardian { guardian } => C::AssignGuardian { guardian, guardian_org: None },
            A::EndGuardianAssignment { reason } => C::EndGuardianAssignment { reason },
            A::InstructLegalAdviser { organisation, person_agreed } => {
                C::InstructLegalAdviser { org: None, name: organisation, recorded_by: None, person_agreed }
            }
            A::EndLegalAdviserInstruction { organisation } => {
                C::EndLegalAdviserInstruction { org: None, name: organisation }
            }
        };
        (command, None)
    }
}

/// The longest reason a command takes, in characters: a page of reasons, not a document store.
pub const MAX_REASON_CHARS: usize = 5_000;
/// The longest organisation name a command takes, in characters.
pub const MAX_ORG_NAME_CHARS: usize = 200;
/// The most days one extension of the recovery period adds: a year. A longer need is a further
/// extension, decided again.
pub const MAX_EXTENSION_DAYS: u32 = 365;

/// Refuses a command whose free text is longer than its bound, or whose number is out of its
/// range, naming the field as the API does (`reason`, `reasons`, `provider`, `guardian`,
/// `organisation`, `days`).
pub fn check_bounds(command: &CaseCommand) -> Result<(), FieldError> {
    use CaseCommand as C;
    if let C::ExtendRecoveryPeriod { days, .. } = command {
        if !(1..=MAX_EXTENSION_DAYS).contains(days) {
            let args = vec![("min", "1".to_string()), ("max", MAX_EXTENSION_DAYS.to_string())];
            return Err(FieldError::coded("days", "days.out_of_range", args));
        }
    }
    let (field, text, max) = match command {
        C::Route { reason, .. }
        | C::ExitSupport { reason, .. }
        | C::Withdraw { reason }
        | C::Suspend { reason, .. }
        | C::Resume { reason, .. }
        | C::DisputeAge { reason }
        | C::ExtendRecoveryPeriod { reason, .. } => ("reason", reason, MAX_REASON_CHARS),
        C::EndGuardianAssignment { reason } => ("reason", reason, MAX_REASON_CHARS),
        C::DecideReasonableGrounds { reasons, .. }
        | C::DecideConclusiveGrounds { reasons, .. }
        | C::DecideReconsideration { reasons, .. }
        | C::Disqualify { reasons, .. }
        | C::ReviewNegativeDecision { reasons, .. } => ("reasons", reasons, MAX_REASON_CHARS),
        C::EnterSupport { provider, .. } => ("provider", provider, MAX_ORG_NAME_CHARS),
        C::AssignGuardian { guardian, .. } => ("guardian", guardian, MAX_ORG_NAME_CHARS),
        C::InstructLegalAdviser { name, .. } | C::EndLegalAdviserInstruction { name, .. } => {
            ("organisation", name, MAX_ORG_NAME_CHARS)
        }
        C::RequestReconsideration { grounds, .. } => ("grounds", grounds, MAX_REASON_CHARS),
        C::ApplyForPermissionToStay
        | C::DecidePermissionToStay { .. }
        | C::ConvertToReferral { .. }
        | C::RecordAgeAssessment { .. }
        | C::LodgeJudicialReview { .. }
        | C::RecordJudicialReviewOutcome { .. }
        | C::RecordJudicialReviewPermission { .. }
        | C::RecordEighteenthBirthday => return Ok(()),
    };
    if text.chars().count() > max {
        return Err(FieldError::coded(field, "too_long", vec![("max", max.to_string())]));
    }
    Ok(())
}

/// Parses a JSON body with serde, naming the field at fault when it does not fit.
pub fn parse_json<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, FieldError> {
    let de = &mut serde_json::Deserializer::from_slice(body);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let message = e.inner().to_string();
        // serde_json appends " at line 1 column 42"; the field name says more.
        let message = message.split(" at line ").next().unwrap_or(&message).to_string();
        let field = if path == "." {
            missing_field(&message).map(String::from).or_else(|| field_holding(body, &message)).unwrap_or("body".into())
        } else {
            path
        };
        FieldError::new(field, message)
    })
}

/// The text between the first two `mark`s of `s`.
fn between(s: &str, mark: char) -> Option<&str> {
    s.split_once(mark).and_then(|(_, r)| r.split_once(mark)).map(|(v, _)| v)
}

/// An internally tagged enum (a case action) loses the path of a bad value; serde's message
/// still shows the value (``invalid value: integer `-3` ``, `invalid type: string "x"`,
/// ``unknown variant `maybe` ``), so the one top-level field holding it is the field at fault.
fn field_holding(body: &[u8], message: &str) -> Option<String> {
    let shown = between(message, '`').or_else(|| between(message, '"'))?;
    let serde_json::Value::Object(map) = serde_json::from_slice(body).ok()? else { return None };
    let mut hits = map
        .iter()
        .filter(|(_, v)| serde_json::to_string(v).ok().as_deref() == Some(shown) || v.as_str() == Some(shown))
        .map(|(k, _)| k.clone());
    let first = hits.next()?;
    hits.next().is_none().then_some(first)
}

/// serde reports a missing field at the parent's path; pull the name out of its message.
fn missing_field(message: &str) -> Option<&str> {
    message.strip_prefix("missing field `")?.split('`').next()
}

#[cfg(test)]
mod tests {
    use super::*;
    use sg_domain::{Coded, CommandKind};

    /// The API takes every kind of command under its kind's code: a new `CaseCommand` fails
    /// here until `ActionInput` has a variant tagged with its code (`into_command`'s `match`
    /// then names the rest).
    #[test]
    fn a_bad_value_in_an_action_is_named_by_its_field() {
        let field = |body: &str| parse_json::<ActionRequest>(body.as_bytes()).unwrap_err().field;
        assert_eq!(field(r#"{"action": "extend-recovery-period", "days": -3, "reason": "r"}"#), "days");
        assert_eq!(field(r#"{"action": "extend-recovery-period", "days": "thirty", "reason": "r"}"#), "days");
        assert_eq!(field(r#"{"action": "decide-permission-to-stay", "granted": "yes"}"#), "granted");
        assert_eq!(field(r#"{"action": "lodge-judicial-review", "question": "maybe"}"#), "question");
        assert_eq!(field(r#"{"action": "extend-recovery-period", "reason": "r"}"#), "days");
    }

    #[test]
    fn every_command_kind_is_an_api_action() {
        for &kind in CommandKind::ALL {
            let body = serde_json::json!({ "action": kind.code() }).to_string();
            if let Err(e) = parse_json::<ActionRequest>(body.as_bytes()) {
                assert!(!e.message.contains("unknown variant"), "{}: {}", kind.code(), e.message);
            }
        }
        let body = br#"{"action": "decide-permission-to-stay", "granted": true}"#;
        let (command, _) = parse_json::<ActionRequest>(body).unwrap().into_command();
        assert_eq!(command.kind(), CommandKind::DecidePermissionToStay);
    }
}
