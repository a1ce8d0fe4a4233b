//! Emergency access where a life is at risk (GlobaLeaks' custodian pattern): a police user asks
//! for a case's identity with a coded reason and their own reference; a second person, who works
//! on the case, approves or declines; an approval opens the identity category to that one user
//! until the rules' `emergency_access.hours` have passed. Each step is audited with the reason's
//! code and the request's id, never personal data, and the person sees it in their own view.

use serde::Deserialize;
use sg_audit::{AuditAction, Outcome};
use sg_domain::{CaseId, Coded, EmergencyDecision, EmergencyReason, EmergencyRequest};
use sg_store::{EmergencyDecisionRecord, User};
use uuid::Uuid;

use crate::messages::invalid;
use crate::Refusal;
use crate::{access, App, AppError};

/// A request as submitted.
#[derive(Debug, Clone, Deserialize)]
pub struct EmergencyInput {
    /// Why.
    pub reason: EmergencyReason,
    /// The requester's own reference (incident or log number): 1 to 40 letters, digits,
    /// spaces, `/` or `-`, so that it cannot carry a description of the person.
    pub reference: String,
}

/// Whether a reference is short and plain enough to hold no description of anyone.
fn plain_reference(s: &str) -> bool {
    let n = s.chars().count();
    (1..=40).contains(&n) && s.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, ' ' | '/' | '-'))
}

impl App {
    /// A police user asks for emergency access to a case's identity.
    pub async fn request_emergency_access(
        &self,
        user: &User,
        case: CaseId,
        input: EmergencyInput,
    ) -> Result<EmergencyRequest, AppError> {
        if !access::can_request_emergency_access(user) {
            return Err(AppError::Forbidden(Refusal::EmergencyRequest));
        }
        self.store.case(case).await?.ok_or(AppError::NotFound)?;
        let reference = input.reference.trim().to_string();
        if !plain_reference(&reference) {
            return Err(invalid("reference", "emergency.reference.invalid", vec![]));
        }
        let request = EmergencyRequest {
            id: Uuid::new_v4(),
            case_id: case,
            requested_by: user.id,
            requested_by_org: user.org_name.clone(),
            reason: input.reason,
            reference,
            requested_at: self.clock.now(),
            decision: None,
            decided_by: None,
            decided_at: None,
            access_until: None,
        };
        let detail = format!("{} {}", request.reason.code(), request.id);
        let audit =
            self.audit_record(Some(user), AuditAction::EmergencyRequested, Some(case), Outcome::Allowed, detail);
        self.store.add_emergency_request(&request, &audit).await?;
        Ok(request)
    }

    /// The emergency requests on a case, for those who work on it.
    pub async fn emergency_requests(&self, user: &User, case: CaseId) -> Result<Vec<EmergencyRequest>, AppError> {
        let record = self.visible_case(user, case).await?;
        if !access::can_decide_emergency_access(user, &record) {
            return Err(AppError::Forbidden(Refusal::EmergencyDecide));
        }
        Ok(self.store.emergency_requests(case).await?)
    }

    /// Someone who works on the case approves or declines a pending request. An approval opens
    /// the identity to the requester for the hours the rules give.
    pub async fn decide_emergency_request(
        &self,
        user: &User,
        case: CaseId,
        id: Uuid,
        decision: EmergencyDecision,
    ) -> Result<EmergencyRequest, AppError> {
        let record = self.visible_case(user, case).await?;
        if !access::can_decide_emergency_access(user, &record) {
            return Err(AppError::Forbidden(Refusal::EmergencyDecide));
        }
        let mut request =
            self.store.emergency_requests(case).await?.into_iter().find(|r| r.id == id).ok_or(AppError::NotFound)?;
        let now = self.clock.now();
        let access_until = match decision {
            EmergencyDecision::Approved => {
                let state = sg_domain::CaseState::replay(record.events.iter().map(|e| &e.event));
                let jurisdiction = state.map(|s| s.facts.jurisdiction).unwrap_or(sg_domain::Jurisdiction::EnglandWales);
                let rules = sg_rules::official(jurisdiction).map_err(|e| AppError::Internal(e.to_string()))?;
                let (hours, _) = rules
                    .number(sg_rules::params::EMERGENCY_ACCESS_HOURS, self.clock.today())
                    .ok_or_else(|| AppError::Internal("no emergency_access.hours rule in force".into()))?;
                Some(now + time::Duration::hours(i64::from(hours)))
            }
            EmergencyDecision::Declined => None,
        };
        let record = EmergencyDecisionRecord { decision, by: user.id, at: now, access_until };
        let detail = format!("{} {} {}", decision.code(), request.reason.code(), request.id);
        let audit = self.audit_record(Some(user), AuditAction::EmergencyDecided, Some(case), Outcome::Allowed, detail);
        if !self.store.decide_emergency_request(case, id, &record, &audit).await? {
            return Err(AppError::Conflict("this request has already been decided".into()));
        }
        request.decision = Some(decision);
        request.decided_by = Some(user.id);
        request.decided_at = Some(now);
        request.access_until = access_until;
        Ok(request)
    }
}
