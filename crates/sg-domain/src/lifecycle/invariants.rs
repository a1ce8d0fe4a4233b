//! [`CaseState::check_invariants`]: what must be true of every case, whatever happened to it.

use super::*;

impl CaseState {
    /// Checks what must be true of every case, whatever happened to it. Used by the property
    /// tests; returns the first broken invariant.
    pub fn check_invariants(&self) -> Result<(), String> {
        if self.kind == CaseKind::DutyToNotify
            && (self.reasonable_grounds.is_some() || self.competent_authority.is_some())
        {
            return Err("a Duty to Notify report has a decision or a competent authority".into());
        }
        if let Some(cg) = self.conclusive_grounds {
            match self.reasonable_grounds {
                Some(rg) if rg.outcome == DecisionOutcome::Positive && rg.decided_on <= cg.decided_on => {}
                _ => {
                    return Err(
                        "a conclusive grounds decision without an earlier positive reasonable grounds one".into()
                    )
                }
            }
        }
        if self.reasonable_grounds.is_some() && self.competent_authority.is_none() {
            return Err("a decision without a competent authority".into());
        }
        if self.reasonable_grounds.map(|d| d.outcome) == Some(DecisionOutcome::Positive)
            && self.recovery_period_started_on.is_none()
        {
            return Err("a positive reasonable grounds decision without a recovery period".into());
        }
        if let Some((q, _)) = self.pending_reconsideration {
            let d = self.decision(q);
            if d.map(|d| d.outcome) != Some(DecisionOutcome::Negative) {
                return Err("a pending reconsideration of a decision that is not negative".into());
            }
        }
        if let Some((q, _, _)) = self.awaiting_review {
            let d = self.decision(q);
            if d.is_some() {
                return Err("a decision held for review that was already made".into());
            }
        }
        if self.permission_to_stay != PermissionToStay::NotApplied
            && self.conclusive_grounds.map(|d| d.outcome) != Some(DecisionOutcome::Positive)
        {
            return Err("permission to stay without a positive conclusive grounds decision".into());
        }
        if self.recovery_period_extended_days > 0 && self.recovery_period_started_on.is_none() {
            return Err("a recovery period extended that never started".into());
        }
        // A disqualification ends the duty to grant permission to stay (NABA s63). On the same
        // day the order is not known here: a grant may have come first.
        if let (Some((_, disqualified_on)), PermissionToStay::Decided { granted: true, on }) =
            (self.disqualified, self.permission_to_stay)
        {
            if disqualified_on < on {
                return Err("permission to stay granted after a disqualification".into());
            }
        }
        if self.competent_authority == Some(CompetentAuthority::Ieca) && self.treated_as_child() {
            return Err("a child's case, or that of a person of unknown age, with the IECA".into());
        }
        if self.guardian.is_some() && !self.treated_as_child() {
            return Err("a guardian on an adult's case".into());
        }
        if self.withdrawn_on.is_some() && self.in_support_with.is_some() {
            return Err("a withdrawn case still in support".into());
        }
        let active = |rel| self.active_relationships().filter(|r| r.relation == rel).count();
        if active(Relation::SupportProvider) != usize::from(self.in_support_with.is_some()) {
            return Err("the active support provider differs from the support the person is in".into());
        }
        if active(Relation::Guardian) != usize::from(self.guardian.is_some()) {
            return Err("the active guardian service differs from the guardian assigned".into());
        }
        Ok(())
    }
}
