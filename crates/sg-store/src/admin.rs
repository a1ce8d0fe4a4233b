//! The records of the administration pages: organisations and users as the administrator
//! lists them, and a new organisation.

use serde::Serialize;
use sg_domain::{CompetentAuthority, OrgId};
use time::OffsetDateTime;

use crate::{OrgKind, Organisation, User};

/// An organisation to create.
#[derive(Debug, Clone)]
pub struct NewOrg {
    /// The new id.
    pub id: OrgId,
    /// Its unique name.
    pub name: String,
    /// Its kind.
    pub kind: OrgKind,
    /// For a decision-making body: the competent authority it decides for.
    pub competent_authority: Option<CompetentAuthority>,
    /// When created.
    pub created_at: OffsetDateTime,
}

/// An organisation as the administrator lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OrgSummary {
    /// The organisation.
    pub org: Organisation,
    /// The competent authority it decides for, if it is a decision-making body.
    pub competent_authority: Option<CompetentAuthority>,
}

/// A user as the administrator lists them: the account's state, never a secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UserSummary {
    /// The user.
    pub user: User,
    /// Whether they have chosen a password (false: their one-time code is still to be used).
    pub has_password: bool,
    /// When the account was created.
    pub created_at: OffsetDateTime,
}
