//! Referral drafts saved to finish later: a first responder's own unfinished referrals,
//! sealed at rest, listed without personal data, deleted when sent or after
//! [`DRAFT_RETENTION_DAYS`].
//!
//! The browser session holds only the id of the draft being filled in; the answers live in
//! `referral_drafts`, sealed under a fresh data key bound to the draft's id and author.

use sg_audit::{AuditAction, Outcome};
use sg_store::{ReferralDraft, Session, User};
use time::{Date, Duration, OffsetDateTime};
use uuid::Uuid;

use crate::{access, App, AppError};

/// Days a draft is kept after it last changed. A draft holds a person's name and account
/// before any case, consent record or review exists; a month covers a first responder's leave
/// or a wait for an interpreter, and beyond that unfinished personal data should not linger
/// (UK GDPR storage limitation). Applied on every read and by `safeguard retention`.
pub const DRAFT_RETENTION_DAYS: i64 = 30;

/// A draft as listed: nothing in it identifies the person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DraftSummary {
    /// The draft's id.
    pub id: Uuid,
    /// A short reference to tell drafts apart (from the id, not from any answer).
    pub reference: String,
    /// When it was started.
    pub created_at: OffsetDateTime,
    /// When it last changed.
    pub updated_at: OffsetDateTime,
    /// The code of the step reached.
    pub step: String,
    /// The last day it is kept unless changed.
    pub expires_on: Date,
}

/// The short reference of a draft: `D-` and the first six hex digits of its id.
pub fn draft_reference(id: Uuid) -> String {
    format!("D-{}", &id.simple().to_string()[..6].to_uppercase())
}

fn binding(id: Uuid, author: sg_domain::UserId) -> Vec<u8> {
    format!("{id}|{author}").into_bytes()
}

impl App {
    fn draft_cutoff(&self) -> OffsetDateTime {
        self.clock.now() - Duration::days(DRAFT_RETENTION_DAYS)
    }

    fn summary(&self, d: &ReferralDraft) -> DraftSummary {
        DraftSummary {
            id: d.id,
            reference: draft_reference(d.id),
            created_at: d.created_at,
            updated_at: d.updated_at,
            step: d.step.clone(),
            expires_on: (d.updated_at + Duration::days(DRAFT_RETENTION_DAYS)).date(),
        }
    }

    /// The author's live draft `id`, or `NotFound` (another user's draft, an expired one, or
    /// none); a refusal of someone else's draft is audited.
    async fn own_draft(&self, user: &User, id: Uuid) -> Result<ReferralDraft, AppError> {
        crate::access::check_refer(user)?;
        let draft = self.store.referral_draft(id).await?.filter(|d| d.updated_at >= self.draft_cutoff());
        match draft {
            Some(d) if access::may_open_draft(user, d.user) => Ok(d),
            Some(_) => {
                self.audit(Some(user), AuditAction::DraftOpened, None, Outcome::Refused, "not the author").await?;
                Err(AppError::NotFound)
            }
            None => Err(AppError::NotFound),
        }
    }

    /// Starts a new draft with `answers` (JSON), makes it this session's current draft, and
    /// returns its id. Another draft the user had stays in their list.
    pub async fn start_draft(
        &self,
        user: &User,
        session: &Session,
        step: &str,
        answers: &str,
    ) -> Result<Uuid, AppError> {
        crate::access::check_refer(user)?;
        let id = Uuid::new_v4();
        self.write_draft(user, id, step, answers, "started").await?;
        self.store.update_session(&session.token_hash, self.clock.now(), Some(&id.to_string())).await?;
        Ok(id)
    }

    async fn write_draft(&self, user: &User, id: Uuid, step: &str, answers: &str, why: &str) -> Result<(), AppError> {
        let now = self.clock.now();
        let draft = ReferralDraft {
            id,
            user: user.id,
            created_at: now,
            updated_at: now,
            step: step.to_string(),
            sealed: crate::vault::seal_draft(&self.keys, &binding(id, user.id), answers),
        };
        let audit = self.audit_record(
            Some(user),
            AuditAction::DraftSaved,
            None,
            Outcome::Allowed,
            format!("{} {why} at {step}", draft_reference(id)),
        );
        match self.store.save_referral_draft(&draft, &audit).await {
            Err(sg_store::StoreError::NotFound) => Err(AppError::NotFound),
            other => Ok(other?),
        }
    }

    /// Saves the answers of the author's draft `id`, reached `step`; `why` is a word for the
    /// audit log (never an answer).
    pub async fn save_draft(
        &self,
        user: &User,
        id: Uuid,
        step: &str,
        answers: &str,
        why: &str,
    ) -> Result<(), AppError> {
        self.own_draft(user, id).await?;
        self.write_draft(user, id, step, answers, why).await
    }

    /// This session's current draft: its id and answers (JSON), if it has a live one of the
    /// user's. A draft that cannot be opened (its key retired) counts as none.
    pub async fn current_draft(&self, user: &User, session: &Session) -> Result<Option<(Uuid, String)>, AppError> {
        let Some(id) = session.draft.as_deref().and_then(|s| Uuid::try_parse(s).ok()) else { return Ok(None) };
        let draft = match self.own_draft(user, id).await {
            Ok(d) => d,
            Err(AppError::NotFound) => return Ok(None),
            Err(e) => return Err(e),
        };
        match crate::vault::open_draft(&self.keys, &binding(id, draft.user), &draft.sealed) {
            Ok(answers) => Ok(Some((id, answers))),
            Err(e) => {
                tracing::warn!(error = %e, "a saved draft could not be opened; starting afresh");
                Ok(None)
            }
        }
    }

    /// The user's live drafts, most recently changed first.
    pub async fn referral_drafts(&self, user: &User) -> Result<Vec<DraftSummary>, AppError> {
        crate::access::check_refer(user)?;
        let drafts = self.store.referral_drafts(user.id, self.draft_cutoff()).await?;
        Ok(drafts.iter().map(|d| self.summary(d)).collect())
    }

    /// One of the user's own drafts, as listed (for the delete confirmation).
    pub async fn draft_summary(&self, user: &User, id: Uuid) -> Result<DraftSummary, AppError> {
        Ok(self.summary(&self.own_draft(user, id).await?))
    }

    /// Makes the author's draft `id` this session's current draft; returns the step reached.
    /// Audited as a read.
    pub async fn continue_draft(&self, user: &User, session: &Session, id: Uuid) -> Result<String, AppError> {
        let draft = self.own_draft(user, id).await?;
        self.store.update_session(&session.token_hash, self.clock.now(), Some(&id.to_string())).await?;
        self.audit(Some(user), AuditAction::DraftOpened, None, Outcome::Allowed, draft_reference(id)).await?;
        Ok(draft.step)
    }

    /// Deletes the author's draft `id` (`why`: "deleted" or "sent"), and forgets it as this
    /// session's current draft.
    pub async fn delete_draft(&self, user: &User, session: &Session, id: Uuid, why: &str) -> Result<(), AppError> {
        self.own_draft(user, id).await?;
        let audit = self.audit_record(
            Some(user),
            AuditAction::DraftDeleted,
            None,
            Outcome::Allowed,
            format!("{} {why}", draft_reference(id)),
        );
        if !self.store.delete_referral_draft(id, user.id, &audit).await? {
            return Err(AppError::NotFound);
        }
        if session.draft.as_deref() == Some(id.to_string().as_str()) {
            self.store.update_session(&session.token_hash, self.clock.now(), None).await?;
        }
        Ok(())
    }

    /// Deletes every draft untouched for [`DRAFT_RETENTION_DAYS`]; how many.
    pub async fn expire_drafts(&self) -> Result<u64, AppError> {
        Ok(self.store.delete_referral_drafts_before(self.draft_cutoff()).await?)
    }
}
