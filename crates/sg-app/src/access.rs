//! Who may see and do what. Every use case asks here; nothing else decides access.
//!
//! This is the deny-by-default core that the firewall work extends with consent records:
//! police and immigration enforcement see no case at all, monitors see only statistics, and a
//! first responder sees only the cases their own organisation referred.

use std::collections::BTreeSet;

use sg_domain::{CaseCommand, CaseState, Consent, DataCategory, Purpose, Relation, Role};
use sg_store::{CaseRecord, User};
use time::{Date, OffsetDateTime};

use crate::AppError;
use crate::Refusal;

/// The competent authority a case is routed to now (its latest routing), if any.
pub fn routed_to(case: &CaseRecord) -> Option<sg_domain::CompetentAuthority> {
    case.events.iter().rev().find_map(|e| match &e.event.event {
        sg_domain::CaseEvent::RoutedToCompetentAuthority { authority, .. } => Some(*authority),
        _ => None,
    })
}

/// The case's state, folded from its events (`None` only for a case with no opening event).
fn state_of(case: &CaseRecord) -> Option<CaseState> {
    CaseState::replay(case.events.iter().map(|e| &e.event))
}

/// Whether the organisation of `user` holds an active relationship of this kind with the case
/// now: ended relationships (support exited, a guardian's assignment or a legal adviser's
/// instruction ended) give no sight.
pub fn related_now(user: &User, case: &CaseRecord, relation: Relation) -> bool {
    state_of(case)
        .is_some_and(|s| s.active_relationships().any(|r| r.relation == relation && r.is_org(user.org, &user.org_name)))
}

/// Whether the case is in support with the provider `user` works for, now.
pub fn supported_by(user: &User, case: &CaseRecord) -> bool {
    related_now(user, case, Relation::SupportProvider)
}

/// Whether the guardian service `user` works for is assigned to this child, now.
pub fn guardian_of(user: &User, case: &CaseRecord) -> bool {
    related_now(user, case, Relation::Guardian)
}

/// Whether the person instructed the legal practice `user` works for, and the instruction holds.
pub fn instructed(user: &User, case: &CaseRecord) -> bool {
    related_now(user, case, Relation::LegalAdviser)
}

/// Whether `user` works on this case now: the single answer to "may see this case's
/// non-identifying facts and timeline" (and, for those who work on it, its identity). A first
/// responder sees its organisation's referrals; a decision maker the cases routed to its
/// organisation's competent authority; a support provider, a guardian service and a legal
/// adviser only while their organisation's relationship with the case is active.
pub fn can_view_case(user: &User, case: &CaseRecord) -> bool {
    match user.role {
        // The organisation that made a Duty to Notify report another organisation converted
        // keeps sight of it (not of the identity: see `identity_access`).
        Role::FirstResponder => case.created_by_org == user.org || related_now(user, case, Relation::Reporter),
        Role::DecisionMaker => {
            user.org_competent_authority.is_some() && routed_to(case) == user.org_competent_authority
        }
        Role::SupportProvider => supported_by(user, case),
        Role::Guardian => guardian_of(user, case),
        Role::LegalAdviser => instructed(user, case),
        // Administrators run the system, not cases: they never see a case record.
        Role::Admin => false,
        Role::Police | Role::ImmigrationEnforcement | Role::Monitor => false,
    }
}

/// Whether `user`, who may view the case ([`can_view_case`]), may also read its free texts: the
/// written reasons of decisions, reconsideration grounds, a suspension's or withdrawal's reason.
/// They may describe the person and their account, so the organisation that made a Duty to
/// Notify report another organisation converted, which never had the person's consent, sees
/// the case's facts and steps without them.
pub fn can_read_case_texts(user: &User, case: &CaseRecord) -> bool {
    match user.role {
        Role::FirstResponder => case.created_by_org == user.org,
        _ => can_view_case(user, case),
    }
}

/// The answer to "may this user see this person's identifying data?".
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdentityAccess {
    /// Yes, these categories, on this basis (for the audit log).
    Allowed { categories: BTreeSet<DataCategory>, basis: &'static str },
    /// No, for this reason (for the audit log and the refusal).
    Refused(&'static str),
}

/// The one decision on identifying data, used by every path (API, pages, exports).
///
/// Those who work on the case see it; police and immigration enforcement see only what a
/// consent in force releases to their own organisation, for their purpose, in its categories;
/// the administrator runs the system and does not read survivors' records; monitors never.
pub fn identity_access(
    user: &User,
    case: &CaseRecord,
    consents: &[Consent],
    today: Date,
    now: OffsetDateTime,
) -> IdentityAccess {
    let all = || [DataCategory::Identity, DataCategory::Account].into_iter().collect();
    let purpose = match user.role {
        Role::FirstResponder if case.created_by_org == user.org => {
            return IdentityAccess::Allowed { categories: all(), basis: "referring organisation" }
        }
        // Including the organisation that made the report of a converted one: the person gave
        // their identity to the organisation that referred them.
        Role::FirstResponder => return IdentityAccess::Refused("not the referring organisation"),
        Role::DecisionMaker if !can_view_case(user, case) => {
            return IdentityAccess::Refused("not routed to this decision maker's competent authority")
        }
        Role::SupportProvider if !can_view_case(user, case) => {
            return IdentityAccess::Refused("not supported by this organisation")
        }
        Role::Guardian if !can_view_case(user, case) => {
            return IdentityAccess::Refused("not a child assigned to this guardian service")
        }
        Role::LegalAdviser if !can_view_case(user, case) => {
            return IdentityAccess::Refused("not instructed on this case")
        }
        Role::DecisionMaker | Role::SupportProvider | Role::Guardian | Role::LegalAdviser => {
            return IdentityAccess::Allowed { categories: all(), basis: "works on the case" }
        }
        Role::Admin => return IdentityAccess::Refused("administrators do not read survivors' records"),
        Role::Monitor => return IdentityAccess::Refused("monitors see statistics only"),
        Role::Police => Purpose::ShareWithPolice,
        // Nothing about a child reaches immigration enforcement, whatever consent row exists.
        Role::ImmigrationEnforcement if is_child_case(case) => {
            return IdentityAccess::Refused("nothing about a child is released to immigration enforcement")
        }
        Role::ImmigrationEnforcement => Purpose::ShareWithImmigrationEnforcement,
    };
    let categories: BTreeSet<DataCategory> = [DataCategory::Identity, DataCategory::Account]
        .into_iter()
        .filter(|&cat| consents.iter().any(|c| c.releases(user.org, purpose, cat, today, now)))
        .collect();
    if categories.is_empty() {
        IdentityAccess::Refused("no consent in force releases this person's data to this organisation for this purpose")
    } else {
        IdentityAccess::Allowed { categories, basis: "the person's consent" }
    }
}

/// Whether `user` may record or withdraw consents on this case: only people who work on it
/// (the survivor gives consent; these are the people who record it with them). The referring
/// organisation's first responders, and support providers, guardians and legal advisers for
/// whom [`can_view_case`] holds: the relationship to the case decides, never the role alone.
pub fn can_manage_consents(user: &User, case: &CaseRecord) -> bool {
    match user.role {
        Role::FirstResponder => case.created_by_org == user.org,
        Role::SupportProvider | Role::Guardian | Role::LegalAdviser => can_view_case(user, case),
        _ => false,
    }
}

/// Whether the case is a child's now (or a person's whose age is unknown or disputed, treated
/// as a child).
pub fn is_child_case(case: &CaseRecord) -> bool {
    sg_domain::CaseState::replay(case.events.iter().map(|e| &e.event)).is_none_or(|state| state.treated_as_child())
}

/// Whether an organisation of `kind` may receive data for `purpose`: the police purpose goes
/// only to a police organisation, immigration enforcement's only to the government agency its
/// users belong to; the others to the kinds that do that work.
pub fn recipient_fits(purpose: Purpose, kind: sg_store::OrgKind) -> bool {
    use sg_store::OrgKind as K;
    match purpose {
        Purpose::ShareWithPolice => kind == K::Police,
        Purpose::ShareWithImmigrationEnforcement => kind == K::GovernmentAgency,
        Purpose::Referral => matches!(kind, K::CompetentAuthority | K::GovernmentAgency),
        Purpose::Support => matches!(kind, K::SupportProvider | K::Ngo | K::LocalAuthority),
        Purpose::DecisionLetterToRepresentative => matches!(kind, K::Ngo | K::Other | K::SupportProvider),
        Purpose::Research => matches!(kind, K::Other | K::Ngo),
    }
}

/// Checks that `user` may countersign `consent` on this case: someone who works on the case,
/// of the organisation that recorded it, and not the person who recorded it.
pub fn check_countersign(user: &User, case: &CaseRecord, consent: &Consent) -> Result<(), AppError> {
    if !can_manage_consents(user, case) {
        return Err(AppError::Forbidden(Refusal::CannotManageConsents(user.role)));
    }
    if consent.recorded_by == Some(user.id) {
        return Err(AppError::Forbidden(Refusal::CountersignSelf));
    }
    if consent.recorded_by_org != Some(user.org) {
        return Err(AppError::Forbidden(Refusal::CountersignOtherOrg));
    }
    Ok(())
}

/// Whether `user` may ask for emergency access to a case's identity: the police, who do not
/// work on cases and see none.
pub fn can_request_emergency_access(user: &User) -> bool {
    user.role == Role::Police
}

/// Whether `user` may see and decide emergency requests on this case: those who work on it.
pub fn can_decide_emergency_access(user: &User, case: &CaseRecord) -> bool {
    can_manage_consents(user, case)
}

/// The identity category for `user` while an approved emergency request of theirs is open.
/// Never the account, never another user, never after it ends.
pub fn emergency_access(
    user: &User,
    requests: &[sg_domain::EmergencyRequest],
    now: OffsetDateTime,
) -> Option<(IdentityAccess, sg_domain::EmergencyReason)> {
    let open = requests.iter().find(|r| r.grants(user.id, now))?;
    let categories = [DataCategory::Identity].into_iter().collect();
    Some((IdentityAccess::Allowed { categories, basis: "emergency access" }, open.reason))
}

/// Which cases a user's case list holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ListScope {
    /// Every case.
    All,
    /// Cases referred by this organisation, and the Duty to Notify reports it made that another
    /// organisation converted into referrals.
    ReferredOrReportedBy(sg_domain::OrgId),
    /// Cases routed to this competent authority.
    RoutedTo(sg_domain::CompetentAuthority),
    /// Cases in support with this provider now.
    SupportedBy(sg_domain::OrgId),
    /// Children assigned to this guardian service now.
    GuardianOf(sg_domain::OrgId),
    /// Cases on which the person instructed this legal practice, while instructed.
    InstructedOn(sg_domain::OrgId),
    /// None (a decision maker whose organisation names no competent authority).
    Nothing,
}

/// Whether `user` may list cases, and which.
pub fn case_list_scope(user: &User) -> Result<ListScope, AppError> {
    match user.role {
        Role::FirstResponder => Ok(ListScope::ReferredOrReportedBy(user.org)),
        Role::DecisionMaker => Ok(user.org_competent_authority.map(ListScope::RoutedTo).unwrap_or(ListScope::Nothing)),
        Role::SupportProvider => Ok(ListScope::SupportedBy(user.org)),
        Role::Guardian => Ok(ListScope::GuardianOf(user.org)),
        Role::LegalAdviser => Ok(ListScope::InstructedOn(user.org)),
        Role::Admin => Err(AppError::Forbidden(Refusal::CannotSeeCases(Role::Admin))),
        Role::Police | Role::ImmigrationEnforcement | Role::Monitor => {
            Err(AppError::Forbidden(Refusal::CannotSeeCases(user.role)))
        }
    }
}

/// Checks that `user` may carry out `command` on a case. Only someone who works on the case now
/// ([`can_view_case`]) may change it; then each command has its own people.
pub fn check_command(user: &User, case: &CaseRecord, command: &CaseCommand) -> Result<(), AppError> {
    use CaseCommand as C;
    let works_on = can_view_case(user, case) && user.role != Role::Admin;
    let referrer = user.role == Role::FirstResponder && case.created_by_org == user.org;
    let allowed = works_on
        && match command {
            C::Route { .. }
            | C::DecideReasonableGrounds { .. }
            | C::DecideConclusiveGrounds { .. }
            | C::DecideReconsideration { .. }
            | C::DecidePermissionToStay { .. } => user.role == Role::DecisionMaker,
            // A child's guardian asks on the child's behalf (only while assigned: `works_on`).
            C::RequestReconsideration { .. } => {
                referrer || matches!(user.role, Role::LegalAdviser | Role::SupportProvider | Role::Guardian)
            }
            C::Withdraw { .. } => referrer || matches!(user.role, Role::LegalAdviser | Role::SupportProvider),
            // The competent authority stops and restarts consideration; those who are with the
            // person (their first responder, support provider, a child's guardian) record that
            // they are missing or back.
            C::Suspend { .. } | C::Resume { .. } => {
                referrer || matches!(user.role, Role::DecisionMaker | Role::SupportProvider | Role::Guardian)
            }
            // The referring organisation or the decision maker arranges support with a provider;
            // the provider records entry and exit on the cases it supports.
            C::EnterSupport { .. } => referrer || matches!(user.role, Role::DecisionMaker | Role::SupportProvider),
            C::ExitSupport { .. } => referrer || user.role == Role::SupportProvider,
            C::AssignGuardian { .. } => referrer || user.role == Role::DecisionMaker,
            C::EndGuardianAssignment { .. } => referrer || matches!(user.role, Role::DecisionMaker | Role::Guardian),
            // A child's guardian applies on the child's behalf (only while assigned: `works_on`).
            C::ApplyForPermissionToStay => referrer || matches!(user.role, Role::LegalAdviser | Role::Guardian),
            C::ConvertToReferral { .. } => referrer,
            // Anyone working with the person may doubt the age the case gives; the referring
            // organisation (a local authority's assessment) or the competent authority (the
            // board's, or the authority's own) records the outcome.
            C::DisputeAge { .. } => {
                referrer
                    || matches!(
                        user.role,
                        Role::DecisionMaker | Role::SupportProvider | Role::Guardian | Role::LegalAdviser
                    )
            }
            C::RecordAgeAssessment { .. } => referrer || user.role == Role::DecisionMaker,
            // The authority that may extend the recovery period (Northern Ireland's Department
            // of Justice) decides an extension, as it decides the case.
            C::Disqualify { .. } | C::ReviewNegativeDecision { .. } | C::ExtendRecoveryPeriod { .. } => {
                user.role == Role::DecisionMaker
            }
            // The person's lawyer brings the claim; the lawyer or the authority records the end.
            C::LodgeJudicialReview { .. } => user.role == Role::LegalAdviser,
            C::RecordJudicialReviewPermission { .. } | C::RecordJudicialReviewOutcome { .. } => {
                matches!(user.role, Role::LegalAdviser | Role::DecisionMaker)
            }
            C::RecordEighteenthBirthday => {
                referrer || matches!(user.role, Role::DecisionMaker | Role::SupportProvider | Role::Guardian)
            }
            // With the person's agreement, their first responder or guardian records it, in
            // their own organisation's name (the person records theirs in their own view).
            C::InstructLegalAdviser { recorded_by, .. } => {
                (referrer || user.role == Role::Guardian) && recorded_by.is_none_or(|by| by == user.org)
            }
            // The recorder, or the legal practice itself, may end it (and the person).
            C::EndLegalAdviserInstruction { org: Some(org), .. } => {
                (user.role == Role::LegalAdviser && user.org == *org)
                    || state_of(case)
                        .and_then(|s| s.instruction_of(*org).map(|r| r.recorded_by))
                        .is_some_and(|by| by == Some(user.org))
            }
            // Not resolved to an organisation yet: the people who may end some instruction.
            C::EndLegalAdviserInstruction { org: None, .. } => {
                user.role == Role::LegalAdviser
                    || state_of(case).is_some_and(|s| {
                        s.active_relationships()
                            .any(|r| r.relation == Relation::LegalAdviser && r.recorded_by == Some(user.org))
                    })
            }
        };
    if allowed {
        Ok(())
    } else {
        Err(AppError::Forbidden(Refusal::CannotAct(user.role)))
    }
}

/// Whether `user` may see monitoring statistics (indicators, reports, publications). Monitors
/// and administrators only; statistics are disclosure-controlled but still not everyone's.
pub fn can_view_statistics(user: &User) -> bool {
    matches!(user.role, Role::Monitor | Role::Admin)
}

/// [`can_view_statistics`] as an error for use cases.
pub fn check_statistics(user: &User) -> Result<(), AppError> {
    if can_view_statistics(user) {
        Ok(())
    } else {
        Err(AppError::Forbidden(Refusal::CannotSeeStatistics(user.role)))
    }
}

/// Whether `user` may open, change or delete a saved referral draft written by `author`. Only
/// its author: a draft is unfinished work holding a person's name and account before any case
/// or consent record exists, so it is not shared even within the organisation. A colleague
/// covering a shift is a real need, but the safer default is that the author finishes or
/// deletes their own drafts; sharing would need its own recorded decision.
pub fn may_open_draft(user: &User, author: sg_domain::UserId) -> bool {
    user.role.can_refer() && user.id == author
}

/// Whether `user` may administer the system: organisations, users and keys. Administrators
/// only; administering gives no sight of survivors' records (see [`identity_access`]).
pub fn can_administer(user: &User) -> bool {
    user.role == Role::Admin
}

/// [`can_administer`] as an error for use cases.
pub fn check_administer(user: &User) -> Result<(), AppError> {
    if can_administer(user) {
        Ok(())
    } else {
        Err(AppError::Forbidden(Refusal::CannotAdminister(user.role)))
    }
}

// --- Decisions moved here from the use cases and pages that made them (issue 14), so that
// --- this file stays the one place that decides access. Behaviour unchanged.

/// Whether `user` may submit referrals and Duty to Notify reports (and keep drafts of them).
pub fn can_refer(user: &User) -> bool {
    user.role.can_refer()
}

/// Whether `user` may read case records at all (monitors, police and immigration enforcement
/// see none, except what a survivor's consent releases through [`identity_access`]).
pub fn can_read_cases(user: &User) -> bool {
    user.role.can_read_cases()
}

/// [`can_refer`] as an error, for the draft use cases and the referral pages.
pub fn check_refer(user: &User) -> Result<(), AppError> {
    if can_refer(user) {
        Ok(())
    } else {
        Err(AppError::Forbidden(Refusal::RoleCannotRefer))
    }
}

/// Whether `user` may run the policy simulation over every case: monitors and administrators.
pub fn can_simulate(user: &User) -> bool {
    matches!(user.role, Role::Monitor | Role::Admin)
}

/// [`can_simulate`] as an error for the use case.
pub fn check_simulate(user: &User) -> Result<(), AppError> {
    if can_simulate(user) {
        Ok(())
    } else {
        Err(AppError::Forbidden(Refusal::OnlyMonitorsSimulate))
    }
}

/// Whether `user` may convert a Duty to Notify report into a referral: first responders only.
/// Police and immigration enforcement make reports but do not hold survivors' cases.
pub fn can_convert(user: &User) -> bool {
    user.role == Role::FirstResponder
}

/// [`can_convert`] as an error, for the use case and its pages.
pub fn check_convert(user: &User) -> Result<(), AppError> {
    if can_convert(user) {
        Ok(())
    } else {
        Err(AppError::Forbidden(Refusal::OnlyFirstRespondersConvert))
    }
}

/// Whether `user`'s role is one that records consents with the survivor on the cases it may
/// manage ([`can_manage_consents`] decides for one case). Pages use it to offer the link.
pub fn role_manages_consents(user: &User) -> bool {
    matches!(user.role, Role::FirstResponder | Role::SupportProvider | Role::Guardian | Role::LegalAdviser)
}

/// Whether `user` may name only its own organisation as a case's support provider or guardian:
/// a support provider records support with itself only, so that it sees only the people it
/// supports.
pub fn names_only_own_org(user: &User) -> bool {
    user.role == Role::SupportProvider
}

/// Whether `role` must sign in with a second factor (TOTP): every role that can read a
/// survivor's identity (on the case, or through a consent), and administrators, who give others
/// accounts. Monitors see only disclosure-controlled statistics, so a password is enough.
pub fn needs_second_factor(role: Role) -> bool {
    role != Role::Monitor
}

/// Whether making, or giving a new code to, a user of `role` needs a second administrator: every
/// role that can see identities, and administrators themselves (one administrator could
/// otherwise make a second to approve their own requests). Monitors see statistics only.
pub fn needs_second_administrator(role: Role) -> bool {
    role != Role::Monitor
}

/// Whether `user` ends instructions only for their own practice (a legal adviser withdrawing
/// from a case), so the form starts with their organisation's name.
pub fn ends_own_instruction(user: &User) -> bool {
    user.role == Role::LegalAdviser
}
