//! Who may see and do what. Every use case asks here; nothing else decides access.
//!
//! This is the deny-by-default core that the firewall work extends with consent records:
//! police and immigration enforcement see no case at all, monitors see only statistics, and a
//! first responder sees only the cases their own organisation referred.

use std::collections::BTreeSet;

use sg_domain::{CaseCommand, Coded, Consent, DataCategory, Purpose, Role};
use sg_store::{CaseRecord, User};
use time::{Date, OffsetDateTime};

use crate::AppError;

/// The competent authority a case is routed to now (its latest routing), if any.
pub fn routed_to(case: &CaseRecord) -> Option<sg_domain::CompetentAuthority> {
    case.events.iter().rev().find_map(|e| match &e.event.event {
        sg_domain::CaseEvent::RoutedToCompetentAuthority { authority, .. } => Some(*authority),
        _ => None,
    })
}

/// Whether the case ever entered support with the provider named `org_name`.
pub fn supported_by(case: &CaseRecord, org_name: &str) -> bool {
    case.events
        .iter()
        .any(|e| matches!(&e.event.event, sg_domain::CaseEvent::SupportEntered { provider } if provider == org_name))
}

/// Whether the guardian service named `org_name` was assigned to this child.
pub fn guardian_of(case: &CaseRecord, org_name: &str) -> bool {
    case.events
        .iter()
        .any(|e| matches!(&e.event.event, sg_domain::CaseEvent::GuardianAssigned { guardian } if guardian == org_name))
}

/// Whether `user` may see this case's non-identifying facts and timeline. A decision maker sees
/// only the cases routed to their organisation's competent authority; a support provider only
/// the people it supports or supported.
pub fn can_view_case(user: &User, case: &CaseRecord) -> bool {
    match user.role {
        Role::FirstResponder => case.created_by_org == user.org,
        Role::DecisionMaker => {
            user.org_competent_authority.is_some() && routed_to(case) == user.org_competent_authority
        }
        Role::SupportProvider => supported_by(case, &user.org_name),
        Role::Guardian => guardian_of(case, &user.org_name),
        Role::Admin | Role::LegalAdviser => true,
        Role::Police | Role::ImmigrationEnforcement | Role::Monitor => false,
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

/// Whether the case is a child's (or a person's whose age is unknown, treated as a child).
pub fn is_child_case(case: &CaseRecord) -> bool {
    sg_domain::CaseState::replay(case.events.iter().map(|e| &e.event))
        .is_none_or(|state| state.facts.age_at_exploitation.treated_as_child())
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
        return Err(AppError::Forbidden(format!("a {} cannot manage consents", user.role.label().to_lowercase())));
    }
    if consent.recorded_by == Some(user.id) {
        return Err(AppError::Forbidden("a second person countersigns, not the one who recorded the consent".into()));
    }
    if consent.recorded_by_org != Some(user.org) {
        return Err(AppError::Forbidden("only a colleague of the organisation that recorded it countersigns".into()));
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
    /// Cases referred by this organisation.
    ReferredBy(sg_domain::OrgId),
    /// Cases routed to this competent authority.
    RoutedTo(sg_domain::CompetentAuthority),
    /// Cases that entered support with this provider.
    SupportedBy(String),
    /// Children assigned to this guardian service.
    GuardianOf(String),
    /// None (a decision maker whose organisation names no competent authority).
    Nothing,
}

/// Whether `user` may list cases, and which.
pub fn case_list_scope(user: &User) -> Result<ListScope, AppError> {
    match user.role {
        Role::FirstResponder => Ok(ListScope::ReferredBy(user.org)),
        Role::DecisionMaker => Ok(user.org_competent_authority.map(ListScope::RoutedTo).unwrap_or(ListScope::Nothing)),
        Role::SupportProvider => Ok(ListScope::SupportedBy(user.org_name.clone())),
        Role::Guardian => Ok(ListScope::GuardianOf(user.org_name.clone())),
        Role::Admin | Role::LegalAdviser => Ok(ListScope::All),
        Role::Police | Role::ImmigrationEnforcement | Role::Monitor => {
            Err(AppError::Forbidden(format!("a {} user cannot see case records", user.role.label().to_lowercase())))
        }
    }
}

/// Checks that `user` may carry out `command` on a case they can see.
pub fn check_command(user: &User, case: &CaseRecord, command: &CaseCommand) -> Result<(), AppError> {
    use CaseCommand as C;
    let referrer = user.role == Role::FirstResponder && case.created_by_org == user.org;
    let allowed = match command {
        C::Route { .. }
        | C::DecideReasonableGrounds { .. }
        | C::DecideConclusiveGrounds { .. }
        | C::DecideReconsideration { .. }
        | C::DecidePermissionToStay { .. } => user.role == Role::DecisionMaker,
        C::RequestReconsideration { .. } | C::Withdraw { .. } => {
            referrer || matches!(user.role, Role::LegalAdviser | Role::SupportProvider)
        }
        // The referring organisation or the decision maker arranges support with a provider;
        // the provider records entry and exit on the cases it supports.
        C::EnterSupport { .. } => referrer || matches!(user.role, Role::DecisionMaker | Role::SupportProvider),
        C::ExitSupport { .. } => referrer || user.role == Role::SupportProvider,
        C::AssignGuardian { .. } => referrer || user.role == Role::DecisionMaker,
        C::ApplyForPermissionToStay => referrer || user.role == Role::LegalAdviser,
        C::ConvertToReferral => referrer,
    };
    if allowed {
        Ok(())
    } else {
        Err(AppError::Forbidden(format!("a {} cannot do this on this case", user.role.label().to_lowercase())))
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
        Err(AppError::Forbidden(format!("a {} cannot see monitoring statistics", user.role.label().to_lowercase())))
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
        Err(AppError::Forbidden(format!("a {} cannot administer the system", user.role.label().to_lowercase())))
    }
}
