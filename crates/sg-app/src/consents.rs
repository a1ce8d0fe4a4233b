//! Recording, confirming, listing and withdrawing a survivor's consents.
//!
//! Consent is the person's act. Only someone who works on the case records one; it is dated the
//! day it is recorded and always has an end, at most the rules' `consent.sharing_max_days`
//! away. A consent that releases anything to police or immigration enforcement is pending until
//! the person confirms it in their own view, or a second person of the recording organisation
//! countersigns it with how it was explained. On a child's case nothing goes to immigration
//! enforcement, and who agreed with the child is recorded.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};
use sg_audit::{AuditAction, Outcome};
use sg_domain::{AgreedBy, CaseId, Coded, Confirmation, Consent, ConsentStatus, DataCategory, Purpose};
use sg_store::{ConsentConfirmation, User};
use time::Date;
use uuid::Uuid;

use crate::messages::invalid;
use crate::Refusal;
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
    /// The last day it is valid (required).
    pub expires_on: Option<Date>,
    /// The day it was given: only today is accepted (a consent is dated when it is recorded).
    pub given_on: Option<Date>,
    /// The language it was explained in.
    #[serde(default)]
    pub language: String,
    /// Whether an interpreter was present.
    #[serde(default)]
    pub interpreter: bool,
    /// Who agreed: the person (an adult), or for a child who agreed with them.
    #[serde(default)]
    pub agreed_by: Option<AgreedBy>,
}

/// The attestation of a colleague who countersigns a pending consent.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct CountersignInput {
    /// The language the consent was explained in.
    #[serde(default)]
    pub language: String,
    /// The interpreter (a name or booking reference), or "none".
    #[serde(default)]
    pub interpreter: String,
}

/// A consent with where it stands today (`status`), as the API and pages show it.
#[derive(Debug, Clone, Serialize)]
pub struct ConsentView {
    /// The consent.
    #[serde(flatten)]
    pub consent: Consent,
    /// Pending, active, withdrawn or expired.
    pub status: ConsentStatus,
}

impl App {
    async fn consent_case(&self, user: &User, case: CaseId) -> Result<sg_store::CaseRecord, AppError> {
        let record = self.visible_case(user, case).await?;
        if !access::can_manage_consents(user, &record) {
            return Err(AppError::Forbidden(Refusal::CannotManageConsents(user.role)));
        }
        Ok(record)
    }

    /// The view of a consent today.
    pub fn consent_view(&self, consent: Consent) -> ConsentView {
        let status = consent.status(self.clock.today(), self.clock.now());
        ConsentView { consent, status }
    }

    /// Records a consent given by the person.
    pub async fn add_consent(&self, user: &User, case: CaseId, input: ConsentInput) -> Result<ConsentView, AppError> {
        self.add_consent_once(user, case, input, None).await
    }

    /// Records a consent sent with an `Idempotency-Key`: its id is derived from the user, case
    /// and key ([`App::consent_id_for`]), so a retry after a crash that lost the kept answer
    /// (the consent committed, its answer not) finds the consent instead of recording it twice.
    /// `key` is `None` without a key (a random id).
    pub async fn add_consent_once(
        &self,
        user: &User,
        case: CaseId,
        input: ConsentInput,
        key: Option<&str>,
    ) -> Result<ConsentView, AppError> {
        let record = self.consent_case(user, case).await?;
        let id = key.map_or_else(Uuid::new_v4, |k| self.consent_id_for(user, case, k));
        if key.is_some() {
            if let Some(done) = self.store.consents(case).await?.into_iter().find(|c| c.id == id) {
                return self.same_consent(done, &input);
            }
        }
        let today = self.clock.today();
        let child = access::is_child_case(&record);
        let Some(org) = self.store.org_by_name(input.recipient_org.trim()).await? else {
            return Err(invalid("recipient_org", "organisation.unknown", vec![]));
        };
        if !access::recipient_fits(input.purpose, org.kind) {
            return Err(invalid(
                "recipient_org",
                "consent.recipient.wrong_kind",
                vec![("kind", org.kind.label().to_lowercase()), ("purpose", input.purpose.label().to_lowercase())],
            ));
        }
        if child && input.purpose == Purpose::ShareWithImmigrationEnforcement {
            return Err(invalid("purpose", "consent.child_immigration", vec![]));
        }
        if input.given_on.is_some_and(|d| d != today) {
            return Err(invalid("given_on", "consent.given_on.not_today", vec![]));
        }
        let Some(expires_on) = input.expires_on else {
            return Err(invalid("expires_on", "consent.expires_on.required", vec![]));
        };
        let rules = sg_rules::official(self.jurisdiction_of(&record)).map_err(|e| AppError::Internal(e.to_string()))?;
        let (max_days, _) = rules
            .number(sg_rules::params::CONSENT_SHARING_MAX_DAYS, today)
            .ok_or_else(|| AppError::Internal("no consent.sharing_max_days rule in force".into()))?;
        if expires_on > today + time::Duration::days(i64::from(max_days)) {
            return Err(invalid("expires_on", "consent.expires_on.too_late", vec![("max", max_days.to_string())]));
        }
        let agreed_by = self.agreed_by(child, input.agreed_by, &record, today)?;
        let consent = Consent {
            id,
            case_id: case,
            purpose: input.purpose,
            recipient_org: org.id,
            recipient_name: org.name,
            categories: input.categories.into_iter().collect::<BTreeSet<_>>(),
            given_on: today,
            expires_on: Some(expires_on),
            withdrawn_at: None,
            language: input.language.trim().to_string(),
            interpreter: input.interpreter,
            agreed_by,
            confirmed_by: None,
            confirmed_at: None,
            recorded_by: Some(user.id),
            recorded_by_org: Some(user.org),
            countersigned_by: None,
        };
        consent.validate_new(today)?;
        let detail = format!("{} to organisation {}", consent.purpose.code(), consent.recipient_org);
        let audit = self.audit_record(Some(user), AuditAction::ConsentGiven, Some(case), Outcome::Allowed, detail);
        self.store.add_consent(&consent, user.id, &audit).await?;
        Ok(self.consent_view(consent))
    }

    /// The id of the consent a user records on a case with an `Idempotency-Key`: keyed with
    /// the fingerprint key (kept outside the database), so ids stay unpredictable to anyone who
    /// does not hold it, and the same for every retry of one request.
    pub fn consent_id_for(&self, user: &User, case: CaseId, key: &str) -> Uuid {
        use sha2::Digest;
        let digest = sha2::Sha256::digest(format!("safeguard/consent-id/v1|{}|{case}|{key}", user.id));
        let mac = self.fingerprint_key.fingerprint(&digest);
        let mut bytes = [0u8; 16];
        bytes.copy_from_slice(&mac[..16]);
        uuid::Builder::from_random_bytes(bytes).into_uuid()
    }

    /// The answer to a retry whose consent was already recorded (by an attempt whose answer
    /// was lost): that consent, if it is the one asked for.
    fn same_consent(&self, done: Consent, input: &ConsentInput) -> Result<ConsentView, AppError> {
        let same = done.purpose == input.purpose
            && done.recipient_name.trim().eq_ignore_ascii_case(input.recipient_org.trim())
            && done.categories == input.categories.iter().copied().collect::<BTreeSet<_>>()
            && done.expires_on == input.expires_on;
        if !same {
            return Err(AppError::Conflict("this Idempotency-Key already recorded a different consent".into()));
        }
        Ok(self.consent_view(done))
    }

    /// Who agreed, checked against the person's age and the rules for children.
    fn agreed_by(
        &self,
        child: bool,
        given: Option<AgreedBy>,
        record: &sg_store::CaseRecord,
        today: Date,
    ) -> Result<AgreedBy, AppError> {
        if !child {
            return match given {
                None | Some(AgreedBy::Person) => Ok(AgreedBy::Person),
                Some(_) => Err(invalid("agreed_by", "consent.agreed_by.adult", vec![])),
            };
        }
        let rules = sg_rules::official(self.jurisdiction_of(record)).map_err(|e| AppError::Internal(e.to_string()))?;
        let rule = rules.choice(sg_rules::params::CONSENT_CHILD_AGREED_BY, today).map(|(v, _)| v);
        let allowed: &[AgreedBy] = match rule {
            Some("child_with_parental_responsibility_or_local_authority") => {
                &[AgreedBy::ChildWithParentalResponsibility, AgreedBy::ChildWithLocalAuthority]
            }
            _ => &[
                AgreedBy::ChildWithParentalResponsibility,
                AgreedBy::ChildWithLocalAuthority,
                AgreedBy::ChildWithGuardian,
            ],
        };
        match given {
            Some(a) if allowed.contains(&a) => Ok(a),
            _ => {
                let codes: Vec<&str> = allowed.iter().map(|a| a.code()).collect();
                Err(invalid("agreed_by", "consent.agreed_by.child", vec![("allowed", codes.join(", "))]))
            }
        }
    }

    fn jurisdiction_of(&self, record: &sg_store::CaseRecord) -> sg_domain::Jurisdiction {
        sg_domain::CaseState::replay(record.events.iter().map(|e| &e.event))
            .map(|s| s.facts.jurisdiction)
            .unwrap_or(sg_domain::Jurisdiction::EnglandWales)
    }

    /// A colleague of the recorder, who also works on the case, countersigns a pending consent,
    /// attesting the language it was explained in and the interpreter (or "none").
    pub async fn countersign_consent(
        &self,
        user: &User,
        case: CaseId,
        id: Uuid,
        input: CountersignInput,
    ) -> Result<ConsentView, AppError> {
        let record = self.consent_case(user, case).await?;
        let consent = self.store.consents(case).await?.into_iter().find(|c| c.id == id).ok_or(AppError::NotFound)?;
        access::check_countersign(user, &record, &consent)?;
        let (language, interpreter) = (input.language.trim(), input.interpreter.trim());
        for (field, value) in [("language", language), ("interpreter", interpreter)] {
            if value.is_empty() {
                return Err(invalid(field, "required", vec![]));
            }
            if value.chars().count() > 100 {
                return Err(invalid(field, "too_long", vec![("max", "100".into())]));
            }
        }
        self.confirm(case, &consent, Some(user), Some((language, interpreter))).await
    }

    /// Confirms a pending consent, by the person (`by` is `None`) or countersigned by `by`.
    pub(crate) async fn confirm(
        &self,
        case: CaseId,
        consent: &Consent,
        by: Option<&User>,
        attestation: Option<(&str, &str)>,
    ) -> Result<ConsentView, AppError> {
        let (today, now) = (self.clock.today(), self.clock.now());
        if consent.status(today, now) != ConsentStatus::Pending {
            return Err(AppError::Conflict("this consent is not waiting for confirmation".into()));
        }
        let confirmation = ConsentConfirmation {
            by: if by.is_some() { Confirmation::Countersigned } else { Confirmation::Survivor },
            at: now,
            countersigned_by: by.map(|u| u.id),
            language: attestation.map(|a| a.0.to_string()),
            interpreter: attestation.map(|a| a.1.to_string()),
        };
        let detail = format!("{} {}", confirmation.by.code(), consent.id);
        let mut audit = self.audit_record(by, AuditAction::ConsentConfirmed, Some(case), Outcome::Allowed, detail);
        if by.is_none() {
            audit.role = "survivor".into();
        }
        if !self.store.confirm_consent(case, consent.id, &confirmation, &audit).await? {
            return Err(AppError::Conflict("this consent is not waiting for confirmation".into()));
        }
        let mut confirmed = consent.clone();
        confirmed.confirmed_by = Some(confirmation.by);
        confirmed.confirmed_at = Some(now);
        confirmed.countersigned_by = confirmation.countersigned_by;
        Ok(self.consent_view(confirmed))
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

    /// The consents on a case, with where each stands today.
    pub async fn consents(&self, user: &User, case: CaseId) -> Result<Vec<ConsentView>, AppError> {
        self.consent_case(user, case).await?;
        Ok(self.store.consents(case).await?.into_iter().map(|c| self.consent_view(c)).collect())
    }
}
