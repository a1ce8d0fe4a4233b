//! [`CaseState::decide`]: which commands are allowed in which state, and the events each gives.

use time::Date;

use super::*;

impl CaseState {
    /// Checks `command` on day `on` against the state, with `today` as the latest allowed date,
    /// and returns the events that carry it out. Changes nothing.
    pub fn decide(&self, command: &CaseCommand, on: Date, today: Date) -> Result<Vec<DatedEvent>, TransitionError> {
        if on > today {
            return Err(TransitionError::BadDate { on, problem: DateProblem::InFuture });
        }
        if on < self.last_event_on {
            return Err(TransitionError::BadDate { on, problem: DateProblem::BeforeLatest(self.last_event_on) });
        }
        if let Some(w) = self.withdrawn_on {
            return Err(TransitionError::Withdrawn(w));
        }
        let is_dtn = self.kind == CaseKind::DutyToNotify;
        let one = |event| Ok(vec![DatedEvent { on, event }]);
        use CaseCommand as C;
        match command {
            C::ConvertToReferral { reported_by } => {
                if !is_dtn {
                    return Err(TransitionError::NotYet(NotYet::OnlyReportConverts));
                }
                let (reported_by, reporter_name) = match reported_by {
                    Some((org, name)) => (Some(*org), name.clone()),
                    None => (None, String::new()),
                };
                one(CaseEvent::ConvertedToReferral { reported_by, reporter_name })
            }
            _ if is_dtn => Err(TransitionError::DutyToNotify),
            // No decision is made about a person while they are missing.
            C::DecideReasonableGrounds { .. }
            | C::DecideConclusiveGrounds { .. }
            | C::DecideReconsideration { .. }
            | C::Disqualify { .. }
            | C::ReviewNegativeDecision { .. }
                if self.suspended_since.is_some() =>
            {
                Err(TransitionError::NotYet(NotYet::Suspended))
            }
            // A held negative decision is agreed or returned before anything else is decided.
            C::DecideReasonableGrounds { .. }
            | C::DecideConclusiveGrounds { .. }
            | C::Route { .. }
            | C::Disqualify { .. }
                if self.awaiting_review.is_some() =>
            {
                Err(TransitionError::NotYet(NotYet::AwaitingReview))
            }
            C::LodgeJudicialReview { question } => {
                if self.pending_judicial_review.is_some() {
                    return Err(TransitionError::NotYet(NotYet::JudicialReviewAlreadyPending));
                }
                let decision = self.decision(*question);
                match decision {
                    Some(d) if d.outcome == DecisionOutcome::Negative => {}
                    Some(_) => return Err(TransitionError::NotYet(NotYet::OnlyNegativeChallenged)),
                    None => return Err(TransitionError::NotYet(NotYet::DecisionNotMade)),
                }
                if *question == Question::ReasonableGrounds && self.conclusive_grounds.is_some() {
                    return Err(TransitionError::NotYet(NotYet::CgMade));
                }
                one(CaseEvent::JudicialReviewLodged { question: *question })
            }
            C::RecordJudicialReviewPermission { granted } => {
                let Some((question, _)) = self.pending_judicial_review else {
                    return Err(TransitionError::NotYet(NotYet::NoJudicialReviewPending));
                };
                if self.judicial_review_permission.is_some() {
                    return Err(TransitionError::NotYet(NotYet::JudicialReviewPermissionDecided));
                }
                one(CaseEvent::JudicialReviewPermission { question, granted: *granted })
            }
            C::RecordJudicialReviewOutcome { outcome } => {
                let Some((question, _)) = self.pending_judicial_review else {
                    return Err(TransitionError::NotYet(NotYet::NoJudicialReviewPending));
                };
                one(CaseEvent::JudicialReviewDecided { question, outcome: *outcome })
            }
            C::ReviewNegativeDecision { agreed, reasons } => {
                let Some((question, _, review)) = self.awaiting_review else {
                    return Err(TransitionError::NotYet(NotYet::NoReviewPending));
                };
                if !agreed {
                    require_text(reasons, "reasons")?;
                }
                let reviewed =
                    CaseEvent::NegativeDecisionReviewed { question, review, agreed: *agreed, reasons: reasons.clone() };
                let mut events = vec![DatedEvent { on, event: reviewed }];
                if *agreed {
                    // Served today; its reasons are the proposal's, shown with it.
                    let (outcome, reasons, legal_test) = (DecisionOutcome::Negative, String::new(), String::new());
                    events.push(DatedEvent {
                        on,
                        event: match question {
                            Question::ReasonableGrounds => {
                                CaseEvent::ReasonableGroundsDecided { outcome, reasons, legal_test }
                            }
                            Question::ConclusiveGrounds => {
                                CaseEvent::ConclusiveGroundsDecided { outcome, reasons, legal_test }
                            }
                        },
                    });
                }
                Ok(events)
            }
            C::Suspend { reason, notified } => {
                if self.suspended_since.is_some() {
                    return Err(TransitionError::NotYet(NotYet::Suspended));
                }
                require_text(reason, "reason")?;
                one(CaseEvent::Suspended { reason: reason.clone(), notified: who(notified) })
            }
            C::Resume { reason, notified } => {
                if self.suspended_since.is_none() {
                    return Err(TransitionError::NotYet(NotYet::NotSuspended));
                }
                require_text(reason, "reason")?;
                one(CaseEvent::Resumed { reason: reason.clone(), notified: who(notified) })
            }
            C::Route { authority, reason } => {
                if let Some(d) = self.reasonable_grounds {
                    return Err(TransitionError::AlreadyDecided(Decided::ReasonableGrounds, d.decided_on));
                }
                // The IECA's remit has only ever been adults; a person whose age is unknown is
                // treated as a child. (The dated rules say when the IECA decides at all.)
                if *authority == CompetentAuthority::Ieca && self.treated_as_child() {
                    return Err(TransitionError::NotYet(NotYet::IecaAdultsOnly));
                }
                require_text(reason, "reason")?;
                one(CaseEvent::RoutedToCompetentAuthority { authority: *authority, reason: reason.clone() })
            }
            C::DecideReasonableGrounds { outcome, reasons } => {
                if let Some(d) = self.reasonable_grounds {
                    return Err(TransitionError::AlreadyDecided(Decided::ReasonableGrounds, d.decided_on));
                }
                if self.competent_authority.is_none() {
                    return Err(TransitionError::NotYet(NotYet::NotRouted));
                }
                require_text(reasons, "reasons")?;
                let mut events = vec![DatedEvent {
                    on,
                    event: CaseEvent::ReasonableGroundsDecided {
                        outcome: *outcome,
                        reasons: reasons.clone(),
                        legal_test: String::new(),
                    },
                }];
                if *outcome == DecisionOutcome::Positive {
                    events.push(DatedEvent { on, event: CaseEvent::RecoveryPeriodStarted });
                }
                Ok(events)
            }
            C::DecideConclusiveGrounds { outcome, reasons } => {
                if let Some(d) = self.conclusive_grounds {
                    return Err(TransitionError::AlreadyDecided(Decided::ConclusiveGrounds, d.decided_on));
                }
                match self.reasonable_grounds {
                    Some(d) if d.outcome == DecisionOutcome::Positive => {}
                    _ => return Err(TransitionError::NotYet(NotYet::CgNeedsPositiveRg)),
                }
                if self.pending_reconsideration.is_some() {
                    return Err(TransitionError::NotYet(NotYet::ReconsiderationPendingDecide));
                }
                require_text(reasons, "reasons")?;
                one(CaseEvent::ConclusiveGroundsDecided {
                    outcome: *outcome,
                    reasons: reasons.clone(),
                    legal_test: String::new(),
                })
            }
            C::RequestReconsideration { question, grounds, exceptional_circumstances } => {
                if self.pending_reconsideration.is_some() {
                    return Err(TransitionError::NotYet(NotYet::ReconsiderationAlreadyPending));
                }
                let decision = self.decision(*question);
                match decision {
                    Some(d) if d.outcome == DecisionOutcome::Negative => {}
                    Some(_) => return Err(TransitionError::NotYet(NotYet::OnlyNegativeReconsidered)),
                    None => return Err(TransitionError::NotYet(NotYet::DecisionNotMade)),
                }
                if *question == Question::ReasonableGrounds && self.conclusive_grounds.is_some() {
                    return Err(TransitionError::NotYet(NotYet::CgMade));
                }
                if *exceptional_circumstances {
                    require_text(grounds, "grounds")?;
                }
                one(CaseEvent::ReconsiderationRequested {
                    question: *question,
                    grounds: grounds.clone(),
                    exceptional_circumstances: *exceptional_circumstances,
                })
            }
            C::DecideReconsideration { outcome, reasons } => {
                let Some((question, _)) = self.pending_reconsideration else {
                    return Err(TransitionError::NotYet(NotYet::NoReconsiderationPending));
                };
                require_text(reasons, "reasons")?;
                let mut events = vec![DatedEvent {
                    on,
                    event: CaseEvent::ReconsiderationDecided { question, outcome: *outcome, reasons: reasons.clone() },
                }];
                if question == Question::ReasonableGrounds && *outcome == ReconsiderationOutcome::Overturned {
                    events.push(DatedEvent { on, event: CaseEvent::RecoveryPeriodStarted });
                }
                Ok(events)
            }
            C::EnterSupport { provider, provider_org } => {
                if self.in_support_with.is_some() {
                    return Err(TransitionError::NotYet(NotYet::AlreadyInSupport));
                }
                require_text(provider, "provider")?;
                one(CaseEvent::SupportEntered { provider: provider.clone(), provider_org: *provider_org })
            }
            C::ExitSupport { exit_reason, reason } => {
                if self.in_support_with.is_none() {
                    return Err(TransitionError::NotYet(NotYet::NotInSupport));
                }
                // A reason that names a decision or a disqualification needs it on the case
                // (how long after it is a rule: `sg_rules::check_command`).
                let negative = [self.reasonable_grounds, self.conclusive_grounds]
                    .iter()
                    .flatten()
                    .any(|d| d.outcome == DecisionOutcome::Negative);
                let refused = match exit_reason {
                    SupportExitReason::MoveOnEnded if self.status() != CaseStatus::PositiveConclusiveGrounds => {
                        Some(NotYet::MoveOnNeedsPositiveCg)
                    }
                    SupportExitReason::ExitSupportEnded if !negative => Some(NotYet::ExitSupportNeedsNegative),
                    SupportExitReason::Disqualified if self.disqualified.is_none() => Some(NotYet::NotDisqualified),
                    _ => None,
                };
                if let Some(not_yet) = refused {
                    return Err(TransitionError::NotYet(not_yet));
                }
                one(CaseEvent::SupportExited { exit_reason: Some(*exit_reason), reason: reason.clone() })
            }
            C::ApplyForPermissionToStay => {
                if self.status() != CaseStatus::PositiveConclusiveGrounds {
                    return Err(TransitionError::NotYet(NotYet::StayNeedsPositiveCg));
                }
                // Permission to stay is for a person who is not a British citizen (NABA s65).
                if self.facts.nationalities.iter().any(|n| n.code() == "GB") {
                    return Err(TransitionError::NotYet(NotYet::BritishNationalNoStay));
                }
                match self.permission_to_stay {
                    PermissionToStay::Applied { .. } => Err(TransitionError::NotYet(NotYet::StayAlreadyPending)),
                    PermissionToStay::Decided { on: d, .. } => {
                        Err(TransitionError::AlreadyDecided(Decided::PermissionToStay, d))
                    }
                    PermissionToStay::NotApplied => one(CaseEvent::PermissionToStayApplied),
                }
            }
            // A disqualification ends the duty to grant permission to stay as a victim (s63).
            C::DecidePermissionToStay { granted: true } if self.disqualified.is_some() => {
                Err(TransitionError::NotYet(NotYet::DisqualifiedNoStay))
            }
            C::DecidePermissionToStay { granted } => match self.permission_to_stay {
                PermissionToStay::Applied { .. } => one(CaseEvent::PermissionToStayDecided { granted: *granted }),
                _ => Err(TransitionError::NotYet(NotYet::NoStayPending)),
            },
            C::AssignGuardian { guardian, guardian_org } => {
                if !self.treated_as_child() {
                    return Err(TransitionError::NotYet(NotYet::GuardianChildOnly));
                }
                require_text(guardian, "guardian")?;
                let same = |r: &Relationship| r.relation == Relation::Guardian && r.org == *guardian_org;
                if guardian_org.is_some() && self.active_relationships().any(same) {
                    return Err(TransitionError::NotYet(NotYet::GuardianAlreadyAssigned));
                }
                one(CaseEvent::GuardianAssigned { guardian: guardian.clone(), guardian_org: *guardian_org })
            }
            C::EndGuardianAssignment { reason } => {
                if self.guardian.is_none() {
                    return Err(TransitionError::NotYet(NotYet::NoGuardian));
                }
                one(CaseEvent::GuardianAssignmentEnded { reason: reason.clone() })
            }
            C::InstructLegalAdviser { org, name, recorded_by, .. } => {
                require_text(name, "organisation")?;
                let Some(org) = org else { return Err(TransitionError::Empty("organisation")) };
                if self.instruction_of(*org).is_some() {
                    return Err(TransitionError::NotYet(NotYet::AdviserAlreadyInstructed));
                }
                one(CaseEvent::LegalAdviserInstructed { org: *org, name: name.clone(), recorded_by: *recorded_by })
            }
            C::EndLegalAdviserInstruction { org, .. } => {
                let Some(org) = org else { return Err(TransitionError::Empty("organisation")) };
                if self.instruction_of(*org).is_none() {
                    return Err(TransitionError::NotYet(NotYet::AdviserNotInstructed));
                }
                one(CaseEvent::LegalAdviserInstructionEnded { org: *org })
            }
            C::Disqualify { ground, public_order_basis, retrafficking_risk_assessed, reasons } => {
                if self.reasonable_grounds.map(|d| d.outcome) != Some(DecisionOutcome::Positive) {
                    return Err(TransitionError::NotYet(NotYet::DisqualifyNeedsPositiveRg));
                }
                if self.disqualified.is_some() {
                    return Err(TransitionError::NotYet(NotYet::AlreadyDisqualified));
                }
                let public_order_basis = match ground {
                    DisqualificationGround::PublicOrder => {
                        Some(public_order_basis.ok_or(TransitionError::Empty("public_order_basis"))?)
                    }
                    DisqualificationGround::BadFaith => None,
                };
                require_text(reasons, "reasons")?;
                let (ground, retrafficking_risk_assessed) = (*ground, *retrafficking_risk_assessed);
                one(CaseEvent::Disqualified {
                    ground,
                    public_order_basis,
                    retrafficking_risk_assessed,
                    reasons: reasons.clone(),
                })
            }
            C::DisputeAge { reason } => {
                if self.age_disputed_since.is_some() {
                    return Err(TransitionError::NotYet(NotYet::AgeAlreadyDisputed));
                }
                require_text(reason, "reason")?;
                let mut events = vec![DatedEvent { on, event: CaseEvent::AgeDisputed { reason: reason.clone() } }];
                // Treated as a child from now: out of the IECA's remit, whatever was decided.
                if self.competent_authority == Some(CompetentAuthority::Ieca) {
                    let reason = "age disputed: the person is treated as a child until assessed, and children's \
                                  cases are decided by the Single Competent Authority";
                    let authority = CompetentAuthority::Sca;
                    events.push(DatedEvent {
                        on,
                        event: CaseEvent::RoutedToCompetentAuthority { authority, reason: reason.into() },
                    });
                }
                Ok(events)
            }
            C::RecordAgeAssessment { assessed_by, outcome } => {
                if *outcome == AgeGroup::Unknown {
                    return Err(TransitionError::NotYet(NotYet::AssessedAgeUnknown));
                }
                if self.age_disputed_since.is_none() && self.age_now != AgeGroup::Unknown {
                    return Err(TransitionError::NotYet(NotYet::AgeNotInDoubt));
                }
                let mut events = vec![DatedEvent {
                    on,
                    event: CaseEvent::AgeAssessed { assessed_by: *assessed_by, outcome: *outcome },
                }];
                if *outcome == AgeGroup::Adult {
                    events.extend(self.guardian_ends(on));
                }
                Ok(events)
            }
            C::RecordEighteenthBirthday => {
                if self.age_disputed_since.is_some() {
                    return Err(TransitionError::NotYet(NotYet::AgeAlreadyDisputed));
                }
                if self.age_now != AgeGroup::Child {
                    return Err(TransitionError::NotYet(NotYet::NotAChild));
                }
                let mut events = vec![DatedEvent { on, event: CaseEvent::TurnedEighteen }];
                events.extend(self.guardian_ends(on));
                Ok(events)
            }
            C::ExtendRecoveryPeriod { days, reason } => {
                if self.recovery_period_started_on.is_none() {
                    return Err(TransitionError::NotYet(NotYet::NoRecoveryPeriod));
                }
                // After the conclusive grounds decision the period is over (a positive decision
                // is followed by move-on support, not a longer recovery period).
                if self.conclusive_grounds.is_some() {
                    return Err(TransitionError::NotYet(NotYet::CgMade));
                }
                require_text(reason, "reason")?;
                one(CaseEvent::RecoveryPeriodExtended { days: *days, reason: reason.clone() })
            }
            C::Withdraw { reason } => {
                if self.treated_as_child() {
                    return Err(TransitionError::NotYet(NotYet::ChildCannotWithdraw));
                }
                one(CaseEvent::Withdrawn { reason: reason.clone() })
            }
        }
    }
}

impl CaseState {
    /// A guardian service's assignment ends when the person is found, or becomes, an adult.
    fn guardian_ends(&self, on: Date) -> Option<DatedEvent> {
        self.guardian
            .is_some()
            .then(|| DatedEvent { on, event: CaseEvent::GuardianAssignmentEnded { reason: String::new() } })
    }
}

/// Who was told, each once, in a stable order.
fn who(notified: &[Notified]) -> Vec<Notified> {
    let mut out = notified.to_vec();
    out.sort();
    out.dedup();
    out
}

fn require_text(s: &str, field: &'static str) -> Result<(), TransitionError> {
    if s.trim().is_empty() {
        Err(TransitionError::Empty(field))
    } else {
        Ok(())
    }
}
