//! Who may see and do what. Every use case asks here; nothing else decides access.
//!
//! This is the deny-by-default core that the firewall work extends with consent records:
//! police and immigration enforcement see no case at all, monitors see only statistics, and a
//! first responder sees only the cases their own organisation referred.

use sg_domain::{CaseCommand, Coded, Role};
use sg_store::{CaseRecord, User};

use crate::AppError;

/// Whether `user` may see this case's non-identifying facts and timeline.
pub fn can_view_case(user: &User, case: &CaseRecord) -> bool {
    match user.role {
        Role::FirstResponder => case.created_by_org == user.org,
        Role::Admin | Role::DecisionMaker | Role::SupportProvider | Role::Guardian | Role::LegalAdviser => true,
        Role::Police | Role::ImmigrationEnforcement | Role::Monitor => false,
    }
}

/// Whether `user` may see the person's identity and account. Police and immigration enforcement
/// never do without the person's consent (consent records come with the firewall work); the
/// administrator runs the system and does not read survivors' records.
pub fn can_view_identity(user: &User, case: &CaseRecord) -> bool {
    match user.role {
        Role::FirstResponder => case.created_by_org == user.org,
        Role::DecisionMaker | Role::SupportProvider | Role::Guardian | Role::LegalAdviser => true,
        Role::Admin | Role::Police | Role::ImmigrationEnforcement | Role::Monitor => false,
    }
}

/// Whether `user` may list cases, and if so whether only their organisation's.
pub fn case_list_scope(user: &User) -> Result<Option<sg_domain::OrgId>, AppError> {
    match user.role {
        Role::FirstResponder => Ok(Some(user.org)),
        Role::Admin | Role::DecisionMaker | Role::SupportProvider | Role::Guardian | Role::LegalAdviser => Ok(None),
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
        C::EnterSupport { .. } | C::ExitSupport { .. } => user.role == Role::SupportProvider,
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
