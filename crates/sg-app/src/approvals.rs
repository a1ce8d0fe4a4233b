//! Changes to accounts that need two administrators, and API tokens their users revoke.
//!
//! Anything that would give a new person sight of survivors' identities (a new user of a role
//! that sees them, or a new sign-in code for such a user or for another administrator) is asked
//! for by one administrator and approved by a different one; only then is the one-time code made,
//! and shown once to the approver, who hands it over. A single administrator, or someone who
//! took over one administrator's account, can therefore not make themselves a way in. Requests
//! expire after [`REQUEST_LIFETIME`]. Every request and answer is audited, and the organisation
//! concerned sees them ([`App::organisation_changes`]). `safeguard user add` on the server stays
//! the bootstrap and break-glass path: it needs no approval, and is audited.

use sg_audit::{AuditAction, Outcome};
use sg_domain::{Coded, Role, UserId};
use sg_store::{AccountChange, AccountRequest, ApiTokenInfo, Organisation, RequestOutcome, User};
use time::Duration;

use crate::auth::NewCredentials;
use crate::{App, AppError};

/// How long a request waits for a second administrator.
pub const REQUEST_LIFETIME: Duration = Duration::days(7);

/// How many requests the pages list.
const LIST_LIMIT: u32 = 200;

/// Whether making, or giving a new code to, a user of `role` needs a second administrator: every
/// role that can see identities, and administrators themselves (one administrator could
/// otherwise make a second to approve their own requests). Monitors see statistics only.
pub fn needs_second_administrator(role: Role) -> bool {
    crate::access::needs_second_administrator(role)
}

/// What an approval gave: the user and the one-time code to hand over, shown once.
#[derive(Debug)]
pub struct Approved {
    /// The request, as answered.
    pub request: AccountRequest,
    /// The new or reset user.
    pub user: User,
    /// Their one-time sign-in code.
    pub code: String,
}

impl App {
    /// Stores a request by `admin`, audited in the same transaction.
    pub(crate) async fn request_change(
        &self,
        admin: &User,
        change: AccountChange,
        org: &Organisation,
        role: Role,
        name: &str,
        target: Option<UserId>,
    ) -> Result<AccountRequest, AppError> {
        let now = self.clock.now();
        let request = AccountRequest {
            id: uuid::Uuid::new_v4(),
            change,
            org: org.id,
            org_name: org.name.clone(),
            role,
            name: name.to_string(),
            target_user: target,
            requested_by: admin.id,
            requested_by_name: admin.name.clone(),
            requested_at: now,
            expires_at: now + REQUEST_LIFETIME,
            decided_by: None,
            decided_by_name: None,
            decided_at: None,
            outcome: None,
        };
        let detail = format!("request {} {} role {} organisation {}", request.id, change.code(), role.code(), org.id);
        let audit = self.audit_record(Some(admin), AuditAction::AccountChangeRequested, None, Outcome::Allowed, detail);
        self.store.add_account_request(&request, &audit).await?;
        Ok(request)
    }

    /// Every organisation's account requests, newest first, for administrators.
    pub async fn admin_requests(&self, admin: &User) -> Result<Vec<AccountRequest>, AppError> {
        self.check_admin(admin, AuditAction::AdminRead, "requests").await?;
        let requests = self.store.account_requests(None, LIST_LIMIT).await?;
        self.audit(Some(admin), AuditAction::AdminRead, None, Outcome::Allowed, "requests").await?;
        Ok(requests)
    }

    /// One request, for its confirmation step; `NotFound` for an unknown id.
    pub async fn admin_request(&self, admin: &User, id: &str) -> Result<AccountRequest, AppError> {
        self.check_admin(admin, AuditAction::AdminRead, "request").await?;
        let id = uuid::Uuid::parse_str(id.trim()).map_err(|_| AppError::NotFound)?;
        self.store.account_request(id).await?.ok_or(AppError::NotFound)
    }

    /// Checks a request can still be answered by `admin`.
    fn check_pending(&self, admin: &User, request: &AccountRequest, approving: bool) -> Result<(), AppError> {
        if request.outcome.is_some() {
            return Err(AppError::invalid("confirm", "this request has already been answered"));
        }
        if request.expires_at <= self.clock.now() {
            return Err(AppError::invalid("confirm", "this request has expired: ask for the change again"));
        }
        if approving && request.requested_by == admin.id {
            return Err(AppError::invalid(
                "confirm",
                "you asked for this change, so a different administrator must approve it",
            ));
        }
        if approving && request.target_user == Some(admin.id) {
            return Err(AppError::invalid(
                "confirm",
                "this change is to your own account: another administrator must approve it",
            ));
        }
        Ok(())
    }

    /// A second administrator approves a request: the user is made, or their credentials reset,
    /// and the one-time code is returned to show once. Refused (and audited) for the
    /// administrator who asked, an answered or expired request.
    pub async fn admin_approve(&self, admin: &User, id: &str) -> Result<Approved, AppError> {
        self.check_admin(admin, AuditAction::AccountChangeApproved, "not an administrator").await?;
        let request = self.admin_request(admin, id).await?;
        if let Err(e) = self.check_pending(admin, &request, true) {
            let detail = format!("request {}", request.id);
            self.audit(Some(admin), AuditAction::AccountChangeApproved, None, Outcome::Refused, detail).await?;
            return Err(e);
        }
        let now = self.clock.now();
        let detail = format!("request {} asked by {}", request.id, request.requested_by);
        let audit = self.audit_record(Some(admin), AuditAction::AccountChangeApproved, None, Outcome::Allowed, detail);
        match request.change {
            AccountChange::CreateUser => {
                let org = self.store.org(request.org).await?.ok_or(AppError::NotFound)?;
                crate::auth::check_org_kind(org.kind, request.role)?;
                if self.store.user_by_name(&request.name).await?.is_some() {
                    return Err(AppError::invalid("confirm", "a user with this name now exists: decline the request"));
                }
                let new_id = UserId(uuid::Uuid::new_v4());
                let (outcome, target) = (RequestOutcome::Approved, Some(new_id));
                if !self.store.decide_account_request(request.id, admin.id, now, outcome, target, &audit).await? {
                    return Err(AppError::invalid("confirm", "this request has already been answered"));
                }
                let NewCredentials { user, sign_in_code, .. } = self
                    .create_user_with_id(new_id, &org.name, Some(org.kind), request.role, &request.name, false, None)
                    .await?;
                let detail = format!(
                    "user {} role {} organisation {} request {}",
                    user.id,
                    user.role.code(),
                    org.id,
                    request.id
                );
                self.audit(Some(admin), AuditAction::UserCreated, None, Outcome::Allowed, detail).await?;
                let request = self.store.account_request(request.id).await?.ok_or(AppError::NotFound)?;
                Ok(Approved { request, user, code: sign_in_code })
            }
            AccountChange::ResetCredentials => {
                let target = request.target_user.ok_or(AppError::NotFound)?;
                let user = self.store.user(target).await?.ok_or(AppError::NotFound)?;
                if user.disabled {
                    return Err(AppError::invalid(
                        "confirm",
                        "this user is disabled, so they cannot be given a new code",
                    ));
                }
                let outcome = RequestOutcome::Approved;
                if !self.store.decide_account_request(request.id, admin.id, now, outcome, None, &audit).await? {
                    return Err(AppError::invalid("confirm", "this request has already been answered"));
                }
                let code = self.reset_now(admin, &user, &format!(" request {}", request.id)).await?;
                let request = self.store.account_request(request.id).await?.ok_or(AppError::NotFound)?;
                Ok(Approved { request, user, code })
            }
        }
    }

    /// An administrator declines a request (the one who asked may withdraw it this way).
    pub async fn admin_decline(&self, admin: &User, id: &str) -> Result<AccountRequest, AppError> {
        self.check_admin(admin, AuditAction::AccountChangeDeclined, "not an administrator").await?;
        let request = self.admin_request(admin, id).await?;
        self.check_pending(admin, &request, false)?;
        let detail = format!("request {}", request.id);
        let audit = self.audit_record(Some(admin), AuditAction::AccountChangeDeclined, None, Outcome::Allowed, detail);
        let outcome = RequestOutcome::Declined;
        if !self.store.decide_account_request(request.id, admin.id, self.clock.now(), outcome, None, &audit).await? {
            return Err(AppError::invalid("confirm", "this request has already been answered"));
        }
        self.store.account_request(request.id).await?.ok_or(AppError::NotFound)
    }

    /// The account requests that concern `user`'s own organisation, newest first: who asked for
    /// which account change, who approved or declined it, and when. Any signed-in user sees
    /// their organisation's, so that a way in made for someone there does not go unseen.
    pub async fn organisation_changes(&self, user: &User) -> Result<Vec<AccountRequest>, AppError> {
        Ok(self.store.account_requests(Some(user.org), LIST_LIMIT).await?)
    }

    /// `safeguard user add`: the operator's bootstrap and break-glass path, run with the
    /// server's files and keys. It needs no approval but is audited (no actor: the operator).
    /// With `token_days`, an API token valid that many days is made too.
    pub async fn operator_add_user(
        &self,
        org_name: &str,
        org_kind: Option<sg_store::OrgKind>,
        role: Role,
        name: &str,
        token_days: Option<u32>,
        authority: Option<sg_domain::CompetentAuthority>,
    ) -> Result<NewCredentials, AppError> {
        if let Some(days) = token_days {
            if !(1..=crate::auth::MAX_TOKEN_DAYS).contains(&days) {
                return Err(AppError::invalid(
                    "token-days",
                    format!("a token lasts from 1 to {} days", crate::auth::MAX_TOKEN_DAYS),
                ));
            }
        }
        let mut created = self.create_user_for(org_name, org_kind, role, name, false, authority).await?;
        if let Some(days) = token_days {
            created.api_token = Some(self.issue_api_token(created.user.id, "user add", days).await?);
        }
        let detail = format!(
            "user {} role {} organisation {} by the operator on the command line",
            created.user.id,
            role.code(),
            created.user.org
        );
        self.audit(None, AuditAction::UserCreated, None, Outcome::Allowed, detail).await?;
        Ok(created)
    }

    /// The user's own API tokens, newest first (never the tokens themselves).
    pub async fn my_api_tokens(&self, user: &User) -> Result<Vec<ApiTokenInfo>, AppError> {
        Ok(self.store.api_tokens(user.id).await?)
    }

    /// Revokes one of the user's own tokens: it answers 401 from the next request. `NotFound`
    /// for another user's token, an unknown or an already revoked one.
    pub async fn revoke_my_api_token(&self, user: &User, id: &str) -> Result<(), AppError> {
        let hash = hex::decode(id.trim()).map_err(|_| AppError::NotFound)?;
        let detail = format!("token {}", &id.trim()[..id.trim().len().min(12)]);
        let audit = self.audit_record(Some(user), AuditAction::TokenRevoked, None, Outcome::Allowed, detail);
        if self.store.revoke_api_token(user.id, &hash, self.clock.now(), &audit).await? {
            Ok(())
        } else {
            Err(AppError::NotFound)
        }
    }
}
