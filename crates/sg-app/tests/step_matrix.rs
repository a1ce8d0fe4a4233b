//! The authorisation matrix of lifecycle steps: every kind of step against every role and
//! relationship to the case, as `sg_app::access::check_command` decides it. A new step does not
//! compile until it has a row here (the `match` below), and a change of who may take a step
//! fails until its row says so.
//!
//! The case: a child's referral by "Hope NGO", routed to the SCA, with the person in support
//! with a provider, a guardian service assigned and a legal adviser instructed (recorded by the
//! referrer). The actors are those related to it, and as many who are not.

use sg_app::access::check_command;
use sg_domain::lifecycle::open_case;
use sg_domain::{
    AgeAtExploitation, CaseCommand, CaseFacts, CaseId, CaseReference, CaseState, Coded, CommandKind,
    CompetentAuthority, DecisionOutcome, ExploitationLocation, ExploitationType, FirstResponderType, Gender,
    Jurisdiction, OrgId, Question, Role, UserId,
};
use sg_store::{CaseRecord, OrgKind, StoredEvent, User};
use time::macros::date;

/// Who tries a step, by their relationship to the case.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Actor {
    /// A first responder of the referring organisation.
    Referrer,
    /// A first responder of another organisation.
    OtherResponder,
    /// A decision maker of the case's competent authority.
    DecisionMaker,
    /// A decision maker of the other competent authority.
    OtherAuthority,
    /// The support provider the person is in support with.
    Provider,
    /// A support provider with no relationship to the case.
    OtherProvider,
    /// The guardian service assigned to the child.
    Guardian,
    /// The legal adviser the person instructed.
    Adviser,
    /// A legal adviser not instructed.
    OtherAdviser,
    Police,
    ImmigrationEnforcement,
    Monitor,
    Admin,
}

const ACTORS: [Actor; 13] = [
    Actor::Referrer,
    Actor::OtherResponder,
    Actor::DecisionMaker,
    Actor::OtherAuthority,
    Actor::Provider,
    Actor::OtherProvider,
    Actor::Guardian,
    Actor::Adviser,
    Actor::OtherAdviser,
    Actor::Police,
    Actor::ImmigrationEnforcement,
    Actor::Monitor,
    Actor::Admin,
];

fn org(n: u128) -> OrgId {
    OrgId(uuid::Uuid::from_u128(n))
}

const NGO: u128 = 1;
const PROVIDER: u128 = 2;
const GUARDIAN: u128 = 3;
const ADVISER: u128 = 4;

fn user(actor: Actor) -> User {
    use Actor as A;
    let (role, org_n, authority) = match actor {
        A::Referrer => (Role::FirstResponder, NGO, None),
        A::OtherResponder => (Role::FirstResponder, 10, None),
        A::DecisionMaker => (Role::DecisionMaker, 11, Some(CompetentAuthority::Sca)),
        A::OtherAuthority => (Role::DecisionMaker, 12, Some(CompetentAuthority::Ieca)),
        A::Provider => (Role::SupportProvider, PROVIDER, None),
        A::OtherProvider => (Role::SupportProvider, 13, None),
        A::Guardian => (Role::Guardian, GUARDIAN, None),
        A::Adviser => (Role::LegalAdviser, ADVISER, None),
        A::OtherAdviser => (Role::LegalAdviser, 14, None),
        A::Police => (Role::Police, 15, None),
        A::ImmigrationEnforcement => (Role::ImmigrationEnforcement, 16, None),
        A::Monitor => (Role::Monitor, 17, None),
        A::Admin => (Role::Admin, 18, None),
    };
    User {
        id: UserId::from_uuid(uuid::Uuid::new_v4()),
        org: org(org_n),
        org_name: format!("Org {org_n}"),
        org_kind: OrgKind::Other,
        name: format!("{actor:?}"),
        role,
        has_second_factor: true,
        disabled: false,
        org_competent_authority: authority,
    }
}

fn the_case() -> CaseRecord {
    let day = date!(2025 - 03 - 03);
    let facts = CaseFacts {
        jurisdiction: Jurisdiction::EnglandWales,
        age_at_exploitation: AgeAtExploitation::Child,
        age_now: None,
        gender: Gender::Female,
        nationalities: vec![],
        exploitation_types: [ExploitationType::Labour].into(),
        exploitation_forms: Default::default(),
        exploitation_location: ExploitationLocation::Uk,
        first_responder_org: "Hope NGO".into(),
        first_responder_type: FirstResponderType::NgoThirdSector,
        referred_on: day,
        declined_because: Default::default(),
    };
    let mut events = open_case(facts, false, (CompetentAuthority::Sca, "children".into()), day);
    let mut state = CaseState::replay(&events).unwrap();
    let steps = [
        CaseCommand::EnterSupport { provider: "Safe House".into(), provider_org: Some(org(PROVIDER)) },
        CaseCommand::AssignGuardian { guardian: "Guardians".into(), guardian_org: Some(org(GUARDIAN)) },
        CaseCommand::InstructLegalAdviser {
            org: Some(org(ADVISER)),
            name: "Law Centre".into(),
            recorded_by: Some(org(NGO)),
            person_agreed: true,
        },
    ];
    for c in &steps {
        for e in state.decide(c, day, day).unwrap() {
            state.apply(&e);
            events.push(e);
        }
    }
    let id = CaseId::from_uuid(uuid::Uuid::new_v4());
    let events = events
        .into_iter()
        .enumerate()
        .map(|(i, event)| StoredEvent {
            seq: i as u32 + 1,
            event,
            actor: None,
            recorded_at: time::OffsetDateTime::UNIX_EPOCH,
        })
        .collect();
    CaseRecord { id, reference: CaseReference::for_case(id), created_by_org: org(NGO), events }
}

/// One command of `kind`, and who may send it on the case above.
fn row(kind: CommandKind) -> (CaseCommand, &'static [Actor]) {
    use Actor::*;
    use CaseCommand as C;
    use CommandKind as K;
    let text = || "text".to_string();
    const DM: &[Actor] = &[DecisionMaker];
    match kind {
        K::Route => (C::Route { authority: CompetentAuthority::Sca, reason: text() }, DM),
        K::DecideReasonableGrounds => {
            (C::DecideReasonableGrounds { outcome: DecisionOutcome::Positive, reasons: text() }, DM)
        }
        K::DecideConclusiveGrounds => {
            (C::DecideConclusiveGrounds { outcome: DecisionOutcome::Positive, reasons: text() }, DM)
        }
        K::DecideReconsideration => {
            (C::DecideReconsideration { outcome: sg_domain::ReconsiderationOutcome::Upheld, reasons: text() }, DM)
        }
        K::DecidePermissionToStay => (C::DecidePermissionToStay { granted: true }, DM),
        K::Disqualify => (
            C::Disqualify {
                ground: sg_domain::DisqualificationGround::BadFaith,
                public_order_basis: None,
                retrafficking_risk_assessed: true,
                reasons: text(),
            },
            DM,
        ),
        K::ReviewNegativeDecision => (C::ReviewNegativeDecision { agreed: true, reasons: text() }, DM),
        K::ExtendRecoveryPeriod => (C::ExtendRecoveryPeriod { days: 30, reason: text() }, DM),
        // A child's guardian asks on the child's behalf.
        K::RequestReconsideration => (
            C::RequestReconsideration {
                question: Question::ReasonableGrounds,
                grounds: text(),
                exceptional_circumstances: false,
            },
            &[Referrer, Provider, Guardian, Adviser],
        ),
        K::Withdraw => (C::Withdraw { reason: text() }, &[Referrer, Provider, Adviser]),
        K::Suspend => (C::Suspend { reason: text(), notified: vec![] }, &[Referrer, DecisionMaker, Provider, Guardian]),
        K::Resume => (C::Resume { reason: text(), notified: vec![] }, &[Referrer, DecisionMaker, Provider, Guardian]),
        K::EnterSupport => {
            (C::EnterSupport { provider: text(), provider_org: None }, &[Referrer, DecisionMaker, Provider])
        }
        K::ExitSupport => (
            C::ExitSupport { exit_reason: sg_domain::SupportExitReason::ChoseToLeave, reason: text() },
            &[Referrer, Provider],
        ),
        K::AssignGuardian => (C::AssignGuardian { guardian: text(), guardian_org: None }, &[Referrer, DecisionMaker]),
        K::EndGuardianAssignment => (C::EndGuardianAssignment { reason: text() }, &[Referrer, DecisionMaker, Guardian]),
        K::ApplyForPermissionToStay => (C::ApplyForPermissionToStay, &[Referrer, Adviser, Guardian]),
        K::ConvertToReferral => (C::ConvertToReferral { reported_by: None }, &[Referrer]),
        K::DisputeAge => (C::DisputeAge { reason: text() }, &[Referrer, DecisionMaker, Provider, Guardian, Adviser]),
        K::RecordAgeAssessment => (
            C::RecordAgeAssessment {
                assessed_by: sg_domain::AgeAssessor::LocalAuthority,
                outcome: sg_domain::AgeGroup::Adult,
            },
            &[Referrer, DecisionMaker],
        ),
        K::RecordEighteenthBirthday => (C::RecordEighteenthBirthday, &[Referrer, DecisionMaker, Provider, Guardian]),
        // The person's lawyer brings the claim; the lawyer or the authority records its stages.
        K::LodgeJudicialReview => (C::LodgeJudicialReview { question: Question::ReasonableGrounds }, &[Adviser]),
        K::RecordJudicialReviewPermission => {
            (C::RecordJudicialReviewPermission { granted: true }, &[DecisionMaker, Adviser])
        }
        K::RecordJudicialReviewOutcome => (
            C::RecordJudicialReviewOutcome { outcome: sg_domain::JudicialReviewOutcome::Dismissed },
            &[DecisionMaker, Adviser],
        ),
        // Recorded with the person's agreement, in the recorder's own name.
        K::InstructLegalAdviser => (
            C::InstructLegalAdviser { org: Some(org(14)), name: text(), recorded_by: None, person_agreed: true },
            &[Referrer, Guardian],
        ),
        // The instruction in force: its recorder or the practice itself ends it.
        K::EndLegalAdviserInstruction => {
            (C::EndLegalAdviserInstruction { org: Some(org(ADVISER)), name: text() }, &[Referrer, Adviser])
        }
    }
}

#[test]
fn every_step_as_every_role_and_relationship() {
    let case = the_case();
    let mut wrong = vec![];
    for &kind in CommandKind::ALL {
        let (command, allowed) = row(kind);
        assert_eq!(command.kind(), kind, "the row's command is of its kind");
        for actor in ACTORS {
            let got = check_command(&user(actor), &case, &command).is_ok();
            if got != allowed.contains(&actor) {
                wrong.push(format!("{} by {actor:?}: {}", kind.code(), if got { "allowed" } else { "refused" }));
            }
        }
    }
    assert!(wrong.is_empty(), "differs from the matrix:\n{}", wrong.join("\n"));
}
