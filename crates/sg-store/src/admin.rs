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

sg_domain::coded_enum! {
    /// A change to accounts that needs a second administrator's approval.
    pub enum AccountChange {
        CreateUser = ("create-user", "New user"),
        ResetCredentials = ("reset-credentials", "New sign-in code for an existing user"),
    }
}

sg_domain::coded_enum! {
    /// How a second administrator answered a request.
    pub enum RequestOutcome {
        Approved = ("approved", "Approved"),
        Declined = ("declined", "Declined"),
    }
}

/// A request by one administrator for a change that gives a person sight of identities (a new
/// user, or a new sign-in code), waiting for, or answered by, a different administrator.
/// Names here are staff sign-in names, never a survivor's data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AccountRequest {
    /// Its id.
    pub id: uuid::Uuid,
    /// What is asked.
    pub change: AccountChange,
    /// The organisation concerned (the new user's, or the target's).
    pub org: OrgId,
    /// That organisation's name (filled on read).
    pub org_name: String,
    /// The role of the new or target user.
    pub role: sg_domain::Role,
    /// The sign-in name of the new or target user.
    pub name: String,
    /// The target user of a reset; the new user once a creation is approved.
    pub target_user: Option<sg_domain::UserId>,
    /// Who asked.
    pub requested_by: sg_domain::UserId,
    /// Their sign-in name (filled on read).
    pub requested_by_name: String,
    /// When.
    pub requested_at: OffsetDateTime,
    /// After this, the request can no longer be approved.
    pub expires_at: OffsetDateTime,
    /// Who answered, when, and how.
    pub decided_by: Option<sg_domain::UserId>,
    /// Their sign-in name (filled on read).
    pub decided_by_name: Option<String>,
    /// When answered.
    pub decided_at: Option<OffsetDateTime>,
    /// The answer.
    pub outcome: Option<RequestOutcome>,
}

/// One of a user's API tokens as their account page lists it: never the token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ApiTokenInfo {
    /// The token's id: the hex of its SHA-256 hash (the hash is not a secret: the token has 256
    /// bits of entropy).
    pub id: String,
    /// What it is for, as given when made.
    pub label: String,
    /// When made.
    pub created_at: OffsetDateTime,
    /// When it stops working.
    pub expires_at: OffsetDateTime,
    /// When revoked, if it was.
    pub revoked_at: Option<OffsetDateTime>,
}
