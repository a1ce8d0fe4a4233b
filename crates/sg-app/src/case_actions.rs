//! Which lifecycle steps a user may take on a case now, for pages that offer them.
//!
//! The answer combines the one access rule (`access::check_command`) with the domain's state
//! machine, asked with example commands of each kind; nothing here adds a rule of its own. The
//! server still checks every real command when it is sent.

use sg_audit::{AuditAction, Outcome};
use sg_domain::{
    CaseCommand, CaseId, CaseState, Coded, CompetentAuthority, DecisionOutcome, Question, ReconsiderationOutcome,
};
use sg_store::{CaseRecord, User};
use time::Date;

use crate::Refusal;
use crate::{access, App, AppError};

/// A kind of lifecycle step: the domain's [`sg_domain::CommandKind`], declared once with
/// [`CaseCommand::kind`]. Converting a report has its own page and check
/// ([`crate::access::check_convert`]), so it has no example here and is never offered.
pub use sg_domain::CommandKind as ActionKind;

/// Example commands of `kind`. A kind is possible when one of them would be accepted; the
/// texts are placeholders, never stored. A `match`, so a new kind does not compile without
/// its examples; the test below checks each example is of its kind.
fn examples(kind: ActionKind) -> Vec<CaseCommand> {
    let text = || "example".to_string();
    use ActionKind as K;
    match kind {
        K::DecideReasonableGrounds => {
            vec![CaseCommand::DecideReasonableGrounds { outcome: DecisionOutcome::Positive, reasons: text() }]
        }
        K::DecideConclusiveGrounds => {
            vec![CaseCommand::DecideConclusiveGrounds { outcome: DecisionOutcome::Positive, reasons: text() }]
        }
        K::RequestReconsideration => {
            let ask = |question| CaseCommand::RequestReconsideration {
                question,
                grounds: text(),
                exceptional_circumstances: false,
            };
            Question::ALL.iter().map(|&question| ask(question)).collect()
        }
        K::DecideReconsideration => {
            vec![CaseCommand::DecideReconsideration { outcome: ReconsiderationOutcome::Upheld, reasons: text() }]
        }
        K::EnterSupport => vec![CaseCommand::EnterSupport { provider: text(), provider_org: None }],
        // Choosing to leave is possible whenever the person is in support.
        K::ExitSupport => {
            vec![CaseCommand::ExitSupport { exit_reason: sg_domain::SupportExitReason::ChoseToLeave, reason: text() }]
        }
        K::AssignGuardian => vec![CaseCommand::AssignGuardian { guardian: text(), guardian_org: None }],
        K::EndGuardianAssignment => vec![CaseCommand::EndGuardianAssignment { reason: text() }],
        // An example organisation id: the state machine only asks that one is chosen.
        K::InstructLegalAdviser => vec![CaseCommand::InstructLegalAdviser {
            org: Some(sg_domain::OrgId(uuid::Uuid::nil())),
            name: text(),
            recorded_by: None,
            person_agreed: true,
        }],
        // Replaced by the instructions in force (see `case_actions`).
        K::EndLegalAdviserInstruction => vec![],
        K::ApplyForPermissionToStay => vec![CaseCommand::ApplyForPermissionToStay],
        // Refusing is possible where granting is not (after a disqualification).
        K::DecidePermissionToStay => {
            [true, false].into_iter().map(|granted| CaseCommand::DecidePermissionToStay { granted }).collect()
        }
        K::ExtendRecoveryPeriod => vec![CaseCommand::ExtendRecoveryPeriod { days: 30, reason: text() }],
        K::Withdraw => vec![CaseCommand::Withdraw { reason: text() }],
        K::Route => {
            CompetentAuthority::ALL.iter().map(|&authority| CaseCommand::Route { authority, reason: text() }).collect()
        }
        K::ConvertToReferral => vec![],
        K::Suspend => vec![CaseCommand::Suspend { reason: text(), notified: vec![] }],
        K::Resume => vec![CaseCommand::Resume { reason: text(), notified: vec![] }],
        K::DisputeAge => vec![CaseCommand::DisputeAge { reason: text() }],
        K::LodgeJudicialReview => {
            Question::ALL.iter().map(|&question| CaseCommand::LodgeJudicialReview { question }).collect()
        }
        K::RecordJudicialReviewPermission => vec![CaseCommand::RecordJudicialReviewPermission { granted: true }],
        K::RecordJudicialReviewOutcome => {
            vec![CaseCommand::RecordJudicialReviewOutcome { outcome: sg_domain::JudicialReviewOutcome::Dismissed }]
        }
        K::ReviewNegativeDecision => vec![CaseCommand::ReviewNegativeDecision { agreed: true, reasons: text() }],
        K::Disqualify => vec![CaseCommand::Disqualify {
            ground: sg_domain::DisqualificationGround::PublicOrder,
            public_order_basis: Some(sg_domain::PublicOrderBasis::Schedule4Offence),
            retrafficking_risk_assessed: true,
            reasons: text(),
        }],
        K::RecordAgeAssessment => vec![CaseCommand::RecordAgeAssessment {
            assessed_by: sg_domain::AgeAssessor::LocalAuthority,
            outcome: sg_domain::AgeGroup::Adult,
        }],
        K::RecordEighteenthBirthday => vec![CaseCommand::RecordEighteenthBirthday],
    }
}

/// What a user may do on one case.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CaseActions {
    /// The kinds the user's role and organisation may take on this case at all.
    pub permitted: Vec<ActionKind>,
    /// Of those, the kinds the case's current state accepts today.
    pub available: Vec<ActionKind>,
}

/// The kinds `user` may take on `case` (whose state is `state`), and those possible on `today`.
pub fn case_actions(user: &User, case: &CaseRecord, state: &CaseState, today: Date) -> CaseActions {
    let mut out = CaseActions::default();
    // A step the dated rules would refuse today (a conclusive grounds decision before the
    // recovery period ends) is not offered either.
    let rules = sg_rules::official(state.facts.jurisdiction).ok();
    let allowed = |c: &CaseCommand| {
        state.decide(c, today, today).is_ok()
            && rules.is_none_or(|r| sg_rules::check_command(r, state, c, today, Default::default()).is_ok())
    };
    for &kind in ActionKind::ALL {
        let mut examples = examples(kind);
        if kind == ActionKind::EndLegalAdviserInstruction {
            // Each instruction in force, so that the recorder and the practice see theirs.
            examples = state
                .active_relationships()
                .filter(|r| r.relation == sg_domain::Relation::LegalAdviser)
                .map(|r| CaseCommand::EndLegalAdviserInstruction { org: r.org, name: r.name.clone() })
                .collect();
        }
        if !examples.iter().any(|c| access::check_command(user, case, c).is_ok()) {
            continue;
        }
        out.permitted.push(kind);
        if examples.iter().any(allowed) {
            out.available.push(kind);
        }
    }
    out
}

impl App {
    /// What `user` may do on the case now. Not audited: pages ask this beside `case_view`,
    /// which records the read.
    pub async fn case_actions(&self, user: &User, id: CaseId) -> Result<CaseActions, AppError> {
        let record = self.visible_case(user, id).await?;
        let state = crate::cases::state_of(&record)?;
        Ok(case_actions(user, &record, &state, self.clock.today()))
    }

    /// Refuses (`403`, audited) unless `user` may take steps of `kind` on the case; returns
    /// what they may do. For forms that are shown before a command is sent.
    pub async fn check_action(&self, user: &User, id: CaseId, kind: ActionKind) -> Result<CaseActions, AppError> {
        let actions = self.case_actions(user, id).await?;
        if actions.permitted.contains(&kind) {
            return Ok(actions);
        }
        self.audit(Some(user), AuditAction::CaseChanged, Some(id), Outcome::Refused, format!("{kind} not permitted"))
            .await?;
        Err(AppError::Forbidden(Refusal::CannotAct(user.role)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sg_domain::lifecycle::open_case;
    use sg_domain::{
        AgeAtExploitation, CaseFacts, CaseReference, ExploitationLocation, ExploitationType, FirstResponderType,
        Gender, Jurisdiction, OrgId, Role, UserId,
    };
    use sg_store::{OrgKind, StoredEvent};
    use time::Month;

    fn day() -> Date {
        Date::from_calendar_date(2025, Month::March, 3).unwrap()
    }

    /// A case referred by `org`, after `commands` (all dated the referral day).
    fn case(org: OrgId, age: AgeAtExploitation, commands: &[CaseCommand]) -> (CaseRecord, CaseState) {
        let facts = CaseFacts {
            jurisdiction: Jurisdiction::EnglandWales,
            age_at_exploitation: age,
            age_now: None,
            gender: Gender::Female,
            nationalities: vec![],
            exploitation_types: [ExploitationType::Labour].into(),
            exploitation_forms: Default::default(),
            exploitation_location: ExploitationLocation::Uk,
            first_responder_org: "Hope NGO".into(),
            first_responder_type: FirstResponderType::NgoThirdSector,
            referred_on: day(),
            declined_because: Default::default(),
        };
        let mut events = open_case(facts, true, (CompetentAuthority::Sca, "test".into()), day());
        let mut state = CaseState::replay(&events).unwrap();
        for c in commands {
            for e in state.decide(c, day(), day()).unwrap() {
                state.apply(&e);
                events.push(e);
            }
        }
        let id = CaseId::from_uuid(uuid::Uuid::new_v4());
        let stored = events
            .into_iter()
            .enumerate()
            .map(|(i, event)| StoredEvent {
                seq: i as u32 + 1,
                event,
                actor: None,
                recorded_at: time::OffsetDateTime::UNIX_EPOCH,
            })
            .collect();
        (CaseRecord { id, reference: CaseReference::for_case(id), created_by_org: org, events: stored }, state)
    }

    fn user(role: Role, org: OrgId) -> User {
        User {
            id: UserId::from_uuid(uuid::Uuid::new_v4()),
            org,
            org_name: "Org".into(),
            org_kind: OrgKind::Other,
            name: "someone".into(),
            role,
            has_second_factor: true,
            disabled: false,
            org_competent_authority: Some(CompetentAuthority::Sca),
        }
    }

    #[test]
    fn each_example_is_of_its_kind() {
        for &kind in ActionKind::ALL {
            for example in examples(kind) {
                assert_eq!(example.kind(), kind, "{example:?}");
            }
        }
    }

    #[test]
    fn each_role_is_offered_what_it_may_do_in_the_case_s_state() {
        let ngo = OrgId::from_uuid(uuid::Uuid::new_v4());
        let negative = CaseCommand::DecideReasonableGrounds { outcome: DecisionOutcome::Negative, reasons: "r".into() };
        let other = OrgId::from_uuid(uuid::Uuid::new_v4());
        let (uninstructed, state) = case(ngo, AgeAtExploitation::Adult, std::slice::from_ref(&negative));
        let nothing = case_actions(&user(Role::LegalAdviser, other), &uninstructed, &state, day());
        assert_eq!(nothing, CaseActions::default(), "a legal adviser not instructed may do nothing");
        let instruct = CaseCommand::InstructLegalAdviser {
            org: Some(other),
            name: "Law".into(),
            recorded_by: None,
            person_agreed: true,
        };
        let (record, state) = case(ngo, AgeAtExploitation::Adult, &[negative, instruct]);

        let la = case_actions(&user(Role::LegalAdviser, other), &record, &state, day());
        let expected = [
            ActionKind::RequestReconsideration,
            ActionKind::EndLegalAdviserInstruction,
            ActionKind::Withdraw,
            ActionKind::LodgeJudicialReview,
            ActionKind::DisputeAge,
        ];
        let why = "reconsideration, withdrawal, ending its own instruction, judicial review, doubting the age";
        assert_eq!(la.available, expected, "{why}");
        assert!(la.permitted.contains(&ActionKind::ApplyForPermissionToStay), "permitted, but not now");
        assert!(!la.permitted.contains(&ActionKind::DecideReconsideration));

        let dm = case_actions(&user(Role::DecisionMaker, other), &record, &state, day());
        assert_eq!(
            dm.available,
            vec![ActionKind::EnterSupport, ActionKind::Suspend, ActionKind::DisputeAge],
            "no reconsideration is pending yet; the person may go missing; the age may be doubted"
        );
        assert!(dm.permitted.contains(&ActionKind::DecideReconsideration));

        let (record, state) = case(ngo, AgeAtExploitation::Child, &[]);
        let referrer = case_actions(&user(Role::FirstResponder, ngo), &record, &state, day());
        assert!(referrer.available.contains(&ActionKind::AssignGuardian));
        assert!(!referrer.available.contains(&ActionKind::Withdraw), "a child's referral is not withdrawn");
        assert!(referrer.available.contains(&ActionKind::RecordEighteenthBirthday));
        assert!(!referrer.available.contains(&ActionKind::RecordAgeAssessment), "a child's age is not in doubt");
        assert!(referrer.permitted.contains(&ActionKind::Withdraw));
        let admin = case_actions(&user(Role::Admin, other), &record, &state, day());
        assert_eq!(admin, CaseActions::default(), "administrators take no step on a case");
    }
}
