//! Recording, listing and withdrawing a survivor's consents.

use std::collections::BTreeSet;

use serde::Deserialize;
use sg_audit::{AuditAction, Outcome};
use sg_domain::{CaseId, Coded, Consent, DataCategory, Purpose};
use sg_store::User;
use time::Date;
use uuid::Uuid;

use crate::{access, App, AppError};

/// A consent as submitted.
#[derive(Debug, Clone, Deserialize)]
pub struct ConsentInput {
    /// What for.
    pub purpose: Purpose,
    /// The recipient organisation's name, as given to `safeguard user add --org`.
    pub recipient_org: String,
    /// Which data.
    pub categories: Vec<DataCategory>,
    /// The last day it is valid.
    pub expires_on: Option<Date>,
    /// The day it was given (default today).
    pub given_on: Option<Date>,
    /// The language it was explained in.
    #[serde(default)]
    pub language: String,
    /// Whether an interpreter was present.
    #[serde(default)]
    pub interpreter: bool,
}

impl App {
    async fn consent_case(&self, user: &User, case: CaseId) -> Result<sg_store::CaseRecord, AppError> {
        let record = self.visible_case(user, case).await?;
        if !access::can_manage_consents(user, &record) {
            return Err(AppError::Forbidden(format!("a {} cannot manage consents", user.role.label().to_lowercase())));
        }
        Ok(record)
    }

    /// Records a consent given by the person.
    pub async fn add_consent(&self, user: &User, case: CaseId, input: ConsentInput) -> Result<Consent, AppError> {
        self.consent_case(user, case).await?;
        let Some(org) = self.store.org_by_name(input.recipient_org.trim()).await? else {
            return Err(crate::messages::invalid("recipient_org", "organisation.unknown", vec![]));
        };
        let today = self.clock.today();
        let consent = Consent {
            id: Uuid::new_v4(),
            case_id: case,
            purpose: input.purpose,
            recipient_org: org.id,
            recipient_name: org.name,
            categories: input.categories.into_iter().collect::<BTreeSet<_>>(),
            given_on: input.given_on.unwrap_or(today),
            expires_on: input.expires_on,
            withdrawn_at: None,
            language: input.language.trim().to_string(),
            interpreter: input.interpreter,
        };
        consent.validate_new(today)?;
        let detail = format!("{} to organisation {}", consent.purpose.code(), consent.recipient_org);
        let audit = self.audit_record(Some(user), AuditAction::ConsentGiven, Some(case), Outcome::Allowed, detail);
        self.store.add_consent(&consent, user.id, &audit).await?;
        Ok(consent)
    }

    /// Withdraws a consent; it stops releasing data from the next request.
    pub async fn withdraw_consent(&self, user: &User, case: CaseId, id: Uuid) -> Result<(), AppError> {
        self.consent_case(user, case).await?;
        let audit =
            self.audit_record(Some(user), AuditAction::ConsentWithdrawn, Some(case), Outcome::Allowed, id.to_string());
        if self.store.withdraw_consent(case, id, self.clock.now(), &audit).await? {
            Ok(())
        } else {
            Err(AppError::NotFound)
        }
    }

    /// The consents on a case.
    pub async fn consents(&self, user: &User, case: CaseId) -> Result<Vec<Consent>, AppError> {
        self.consent_case(user, case).await?;
        Ok(self.store.consents(case).await?)
    }
}
