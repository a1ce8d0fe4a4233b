//! Administration: organisations, users and the master keys. Administrators only
//! ([`access::check_administer`]); nothing here reads a survivor's record.
//!
//! Every view, change and refusal is audited with ids only: the detail names the organisation
//! or user by id, never by name.

use std::collections::BTreeMap;

use sg_audit::{AuditAction, Outcome};
use sg_domain::{Coded, CompetentAuthority, OrgId, Role, UserId};
use sg_store::{AccountChange, AccountRequest, NewOrg, OrgKind, OrgSummary, Organisation, User, UserSummary};
use time::OffsetDateTime;

use crate::auth::NewCredentials;
use crate::{access, App, AppError};

/// An organisation with how many of its users hold each role.
#[derive(Debug, Clone)]
pub struct OrgRow {
    /// The organisation and its competent authority.
    pub summary: OrgSummary,
    /// Users by role (roles with none are left out), in role order.
    pub users_by_role: Vec<(Role, u64)>,
}

/// What the users page shows: every user, and the organisations a new user can join.
#[derive(Debug, Clone)]
pub struct UserDirectory {
    /// Every user, by organisation then name.
    pub users: Vec<UserSummary>,
    /// Every organisation, by name.
    pub organisations: Vec<OrgSummary>,
}

/// The add-an-organisation form as sent: codes still to be checked.
#[derive(Debug, Clone, Default)]
pub struct OrgInput {
    /// The name.
    pub name: String,
    /// An [`OrgKind`] code.
    pub kind: String,
    /// A [`CompetentAuthority`] code, or "" for none.
    pub competent_authority: String,
}

/// The add-a-user form as sent.
#[derive(Debug, Clone, Default)]
pub struct UserInput {
    /// The organisation's id.
    pub org: String,
    /// A [`Role`] code.
    pub role: String,
    /// The sign-in name.
    pub name: String,
}

/// What adding a user gave: the user and their one-time code, or a request awaiting a second
/// administrator.
#[derive(Debug)]
pub enum AddedUser {
    /// Made now (a monitor): the code to show once.
    Created(NewCredentials),
    /// Asked for: another administrator must approve.
    Requested(AccountRequest),
}

/// What a reset gave: the new code, or a request awaiting a second administrator.
#[derive(Debug)]
pub enum ResetOutcome {
    /// Done now: the user and their new code, to show once.
    Done(User, String),
    /// Asked for: another administrator must approve.
    Requested(AccountRequest),
}

/// One master key as the keys page shows it: never its material.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyInfo {
    /// The key's id (`master-0001`).
    pub id: String,
    /// Whether it seals new data (the newest key).
    pub seals_new_data: bool,
    /// When its file was written, where known.
    pub created: Option<OffsetDateTime>,
    /// How many people's data keys are wrapped under it.
    pub data_keys: u64,
}

/// A name of 1 to `max` characters, trimmed.
fn checked_name(field: &str, value: &str, max: usize) -> Result<String, AppError> {
    let value = value.trim();
    if value.is_empty() {
        return Err(AppError::invalid(field, "enter a name"));
    }
    if value.chars().count() > max || value.chars().any(char::is_control) {
        return Err(AppError::invalid(field, format!("the name must be at most {max} characters, on one line")));
    }
    Ok(value.to_string())
}

impl OrgInput {
    /// Checks the form: a name, a known kind, and a competent authority exactly when the
    /// organisation is a competent authority.
    pub fn validate(&self) -> Result<(String, OrgKind, Option<CompetentAuthority>), AppError> {
        let name = checked_name("name", &self.name, 200)?;
        let kind: OrgKind =
            self.kind.parse().map_err(|_| AppError::invalid("kind", "choose what kind of organisation this is"))?;
        let authority =
            match self.competent_authority.trim() {
                "" => None,
                code => Some(code.parse::<CompetentAuthority>().map_err(|_| {
                    AppError::invalid("competent_authority", "choose a competent authority from the list")
                })?),
            };
        match (kind, authority) {
            (OrgKind::CompetentAuthority, None) => Err(AppError::invalid(
                "competent_authority",
                "choose the competent authority this decision-making body decides for",
            )),
            (k, Some(_)) if k != OrgKind::CompetentAuthority => Err(AppError::invalid(
                "competent_authority",
                "only a competent authority decides for one: choose \"none\", or the kind \"Competent authority\"",
            )),
            _ => Ok((name, kind, authority)),
        }
    }
}

impl App {
    /// Checks that `user` may administer; a refusal is audited.
    pub(crate) async fn check_admin(&self, user: &User, action: AuditAction, detail: &str) -> Result<(), AppError> {
        if let Err(e) = access::check_administer(user) {
            self.audit(Some(user), action, None, Outcome::Refused, detail).await?;
            return Err(e);
        }
        Ok(())
    }

    /// Every organisation with its competent authority and its users counted by role.
    pub async fn admin_organisations(&self, user: &User) -> Result<Vec<OrgRow>, AppError> {
        self.check_admin(user, AuditAction::AdminRead, "organisations").await?;
        let orgs = self.store.list_organisations().await?;
        let users = self.store.list_users().await?;
        let mut counts: BTreeMap<(OrgId, usize), u64> = BTreeMap::new();
        for u in &users {
            let role_index = Role::ALL.iter().position(|r| *r == u.user.role).unwrap_or(0);
            *counts.entry((u.user.org, role_index)).or_default() += 1;
        }
        self.audit(Some(user), AuditAction::AdminRead, None, Outcome::Allowed, "organisations").await?;
        Ok(orgs
            .into_iter()
            .map(|summary| {
                let users_by_role = Role::ALL
                    .iter()
                    .enumerate()
                    .filter_map(|(i, r)| counts.get(&(summary.org.id, i)).map(|n| (*r, *n)))
                    .collect();
                OrgRow { summary, users_by_role }
            })
            .collect())
    }

    /// Adds an organisation; its audit record is written in the same transaction.
    pub async fn admin_add_organisation(&self, user: &User, input: &OrgInput) -> Result<Organisation, AppError> {
        self.check_admin(user, AuditAction::OrganisationCreated, "not an administrator").await?;
        let (name, kind, competent_authority) = input.validate()?;
        if self.store.org_by_name(&name).await?.is_some() {
            return Err(AppError::invalid("name", "an organisation with this name already exists"));
        }
        let id = OrgId(uuid::Uuid::new_v4());
        let audit = self.audit_record(
            Some(user),
            AuditAction::OrganisationCreated,
            None,
            Outcome::Allowed,
            format!("organisation {id} kind {}", kind.code()),
        );
        let org = NewOrg { id, name, kind, competent_authority, created_at: self.clock.now() };
        match self.store.create_org(&org, &audit).await {
            Ok(o) => Ok(o),
            // Another administrator added the same name a moment ago.
            Err(sg_store::StoreError::Conflict(_)) => {
                Err(AppError::invalid("name", "an organisation with this name already exists"))
            }
            Err(e) => Err(e.into()),
        }
    }

    /// Every user, and the organisations a new user can join.
    pub async fn admin_users(&self, user: &User) -> Result<UserDirectory, AppError> {
        self.check_admin(user, AuditAction::AdminRead, "users").await?;
        let users = self.store.list_users().await?;
        let organisations = self.store.list_organisations().await?;
        self.audit(Some(user), AuditAction::AdminRead, None, Outcome::Allowed, "users").await?;
        Ok(UserDirectory { users, organisations })
    }

    /// Adds a user to an existing organisation. A monitor is made at once, with the same use case
    /// as `safeguard user add` ([`App::create_user_for`]), and the answer holds the one-time code
    /// to show once; any other role can see identities (or, for an administrator, give others
    /// sight of them), so the answer is a request that a different administrator must approve
    /// ([`App::admin_approve`]).
    pub async fn admin_add_user(&self, admin: &User, input: &UserInput) -> Result<AddedUser, AppError> {
        self.check_admin(admin, AuditAction::UserCreated, "not an administrator").await?;
        let org = match uuid::Uuid::parse_str(input.org.trim()) {
            Ok(id) => self.store.org(OrgId(id)).await?,
            Err(_) => None,
        }
        .ok_or_else(|| AppError::invalid("org", "choose the organisation the user works for"))?;
        let role: Role = input.role.parse().map_err(|_| AppError::invalid("role", "choose the user's role"))?;
        let name = checked_name("name", &input.name, 100)?;
        crate::auth::check_org_kind(org.kind, role)?;
        if role == Role::DecisionMaker {
            let decides_for = self
                .store
                .list_organisations()
                .await?
                .into_iter()
                .find(|o| o.org.id == org.id)
                .and_then(|o| o.competent_authority);
            if decides_for.is_none() {
                return Err(AppError::invalid(
                    "role",
                    "a decision maker must work for a competent authority: choose such an organisation, or add it first",
                ));
            }
        }
        if self.store.user_by_name(&name).await?.is_some() {
            return Err(AppError::invalid("name", "a user with this name already exists: choose another"));
        }
        if crate::approvals::needs_second_administrator(role) {
            let request = self.request_change(admin, AccountChange::CreateUser, &org, role, &name, None).await?;
            return Ok(AddedUser::Requested(request));
        }
        let created = match self.create_user_for(&org.name, Some(org.kind), role, &name, false, None).await {
            Ok(c) => c,
            Err(AppError::Conflict(_)) => {
                return Err(AppError::invalid("name", "a user with this name already exists: choose another"))
            }
            Err(e) => return Err(e),
        };
        let detail = format!("user {} role {} organisation {}", created.user.id, role.code(), org.id);
        self.audit(Some(admin), AuditAction::UserCreated, None, Outcome::Allowed, detail).await?;
        Ok(AddedUser::Created(created))
    }

    /// The user an administrator is about to disable (for the confirmation page).
    pub async fn admin_user(&self, admin: &User, id: &str) -> Result<User, AppError> {
        self.check_admin(admin, AuditAction::AdminRead, "user").await?;
        let id = uuid::Uuid::parse_str(id.trim()).map_err(|_| AppError::NotFound)?;
        self.store.user(UserId(id)).await?.ok_or(AppError::NotFound)
    }

    /// Disables a user by id: their sessions and API tokens stop at once (every request checks
    /// the account). An administrator cannot disable their own account.
    pub async fn admin_disable_user(&self, admin: &User, id: &str) -> Result<User, AppError> {
        self.check_admin(admin, AuditAction::UserDisabled, "not an administrator").await?;
        let target = self.admin_user(admin, id).await?;
        if target.id == admin.id {
            return Err(AppError::invalid("confirm", "you cannot disable your own account: ask another administrator"));
        }
        if !target.disabled {
            self.store.set_user_disabled(target.id, Some(self.clock.now())).await?;
            let detail = format!("user {}", target.id);
            self.audit(Some(admin), AuditAction::UserDisabled, None, Outcome::Allowed, detail).await?;
        }
        Ok(target)
    }

    /// Issues a new one-time sign-in code to a user who lost their password or authenticator:
    /// their password and second factor are cleared, their sessions ended, their API tokens
    /// revoked and older codes spent, in one transaction with the audit record. A user who can
    /// see identities, or another administrator, gets a request for a different administrator
    /// to approve instead (whoever holds the code can sign in as them). Not for one's own
    /// account (ask another administrator), nor a disabled one.
    pub async fn admin_reset_user(&self, admin: &User, id: &str) -> Result<ResetOutcome, AppError> {
        self.check_admin(admin, AuditAction::CredentialsReset, "not an administrator").await?;
        let target = self.admin_user(admin, id).await?;
        if target.id == admin.id {
            return Err(AppError::invalid("confirm", "you cannot reset your own account: ask another administrator"));
        }
        if target.disabled {
            return Err(AppError::invalid("confirm", "this user is disabled, so they cannot be given a new code"));
        }
        if crate::approvals::needs_second_administrator(target.role) {
            let org = Organisation { id: target.org, name: target.org_name.clone(), kind: target.org_kind };
            let change = AccountChange::ResetCredentials;
            let request = self.request_change(admin, change, &org, target.role, &target.name, Some(target.id)).await?;
            return Ok(ResetOutcome::Requested(request));
        }
        let code = self.reset_now(admin, &target, "").await?;
        Ok(ResetOutcome::Done(target, code))
    }

    /// Resets `target`'s credentials now and returns the new code; `detail` adds to the audit.
    pub(crate) async fn reset_now(&self, actor: &User, target: &User, detail: &str) -> Result<String, AppError> {
        let code = crate::auth::new_secret();
        let now = self.clock.now();
        let detail = format!("user {}{detail}", target.id);
        let audit = self.audit_record(Some(actor), AuditAction::CredentialsReset, None, Outcome::Allowed, detail);
        let expires = now + crate::auth::SIGN_IN_CODE_LIFETIME;
        self.store.reset_credentials(target.id, &crate::auth::hash_secret(&code), now, expires, &audit).await?;
        Ok(code)
    }

    /// The master keys, newest first: id, when written, whether it seals new data, and how
    /// many data keys it wraps. Never key material.
    pub async fn admin_keys(&self, user: &User) -> Result<Vec<KeyInfo>, AppError> {
        self.check_admin(user, AuditAction::AdminRead, "keys").await?;
        let ids = self.keys.ids();
        let current = self.keys.current().id().to_string();
        let mut keys = Vec::with_capacity(ids.len());
        for id in ids.into_iter().rev() {
            let data_keys = self.store.count_person_keys_with_prefix(&sg_crypto::envelope_header(id)).await?;
            keys.push(KeyInfo {
                id: id.to_string(),
                seals_new_data: id == current,
                created: self.key_created.get(id).copied(),
                data_keys,
            });
        }
        self.audit(Some(user), AuditAction::AdminRead, None, Outcome::Allowed, "keys").await?;
        Ok(keys)
    }
}
