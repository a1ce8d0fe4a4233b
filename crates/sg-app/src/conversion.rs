//! Turning an anonymous Duty to Notify report into a referral when the adult later consents,
//! with the report's one-time code: nobody retells what was already reported.

use base64::Engine;
use serde::Deserialize;
use sg_domain::{CaseCommand, CaseId, Identity, PersonalAccount};
use sg_store::User;

use crate::auth::hash_secret;
use crate::cases::{CaseView, Handover};
use crate::{App, AppError};

/// The code given when a Duty to Notify report is made: derived from the master key and the
/// case, so a repeated submission (same idempotency key) answers with the same code. Only its
/// hash is stored.
pub fn conversion_code(keys: &sg_crypto::KeyRing, case: CaseId) -> String {
    let derived = keys.derive("dtn-conversion-code", case.0.as_bytes());
    format!("DTN-{}", base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&derived[..16]))
}

/// A conversion as submitted.
#[derive(Debug, Clone, Deserialize)]
pub struct ConversionInput {
    /// The report's one-time code.
    pub conversion_code: String,
    /// Who the person is, now that they consent.
    pub identity: Identity,
    /// Their account, if they give it.
    #[serde(default)]
    pub account: PersonalAccount,
}

impl App {
    /// Converts the report that `input.conversion_code` names into a referral, by a first
    /// responder of any organisation, who then takes the case on.
    pub async fn convert_report(&self, user: &User, input: ConversionInput) -> Result<CaseView, AppError> {
        crate::access::check_convert(user)?;
        let hash = hash_secret(input.conversion_code.trim());
        let not_valid = || crate::messages::invalid("conversion_code", "conversion.code_invalid", vec![]);
        let case = self.store.dtn_code_case(&hash).await?.ok_or_else(not_valid)?;
        let record = self.store.case(case).await?.ok_or_else(not_valid)?;
        let handover = Handover {
            new_owner_org: (record.created_by_org != user.org).then_some(user.org),
            dtn_code_hash: Some(&hash),
            ..Handover::default()
        };
        // Another organisation converting: the one that made the report keeps sight of it.
        let reported_by = match handover.new_owner_org {
            Some(_) => {
                let reporter = self.store.org(record.created_by_org).await?;
                Some((record.created_by_org, reporter.map(|o| o.name).unwrap_or_default()))
            }
            None => None,
        };
        let person = Some((input.identity, input.account));
        let command = CaseCommand::ConvertToReferral { reported_by };
        self.commit_change(Some(user), &record, command, None, None, person, handover).await
    }
}

/// What the person who submitted a referral or report is shown afterwards.
#[derive(Debug, Clone)]
pub struct Receipt {
    /// The case id.
    pub case_id: CaseId,
    /// The reference to quote.
    pub reference: String,
    /// Referral or report.
    pub kind: sg_domain::CaseKind,
    /// For a report not yet converted: its one-time conversion code.
    pub conversion_code: Option<String>,
    /// Whether the submitter may open the case record itself.
    pub can_view_case: bool,
}

impl App {
    /// The receipt for a submission, for users of the submitting organisation only.
    pub async fn receipt(&self, user: &User, id: CaseId) -> Result<Receipt, AppError> {
        let record = self.store.case(id).await?.ok_or(AppError::NotFound)?;
        if record.created_by_org != user.org {
            return Err(AppError::NotFound);
        }
        let state = sg_domain::CaseState::replay(record.events.iter().map(|e| &e.event))
            .ok_or_else(|| AppError::Internal("case without events".into()))?;
        Ok(Receipt {
            case_id: id,
            reference: record.reference.to_string(),
            kind: state.kind,
            conversion_code: (state.kind == sg_domain::CaseKind::DutyToNotify).then(|| conversion_code(&self.keys, id)),
            can_view_case: crate::access::can_view_case(user, &record),
        })
    }
}
