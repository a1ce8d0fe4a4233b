//! Reading and changing cases: the case view, the case list, identity, and every lifecycle
//! command (decisions, reconsiderations, support, permission to stay, withdrawal).

use serde::Serialize;
use sg_audit::{AuditAction, Outcome};
use sg_domain::lifecycle::{Decision, PermissionToStay};
use sg_domain::{
    AccountContext, CaseCommand, CaseFacts, CaseId, CaseKind, CaseReference, CaseState, CaseStatus, CompetentAuthority,
    Identity, PersonalAccount,
};
use sg_domain::{DataCategory, Relation};
use sg_store::{Append, CaseFilter, CasePage, CaseRecord, StoredEvent, User, VaultField};
use time::Date;

use crate::Refusal;
use crate::{access, App, AppError};

/// A case as its readers see it: non-identifying facts, status and timeline.
#[derive(Debug, Clone, Serialize)]
pub struct CaseView {
    /// The id.
    pub case_id: CaseId,
    /// The reference.
    pub reference: CaseReference,
    /// Referral or Duty to Notify report.
    pub kind: CaseKind,
    /// Where the case stands.
    pub status: CaseStatus,
    /// The status in words.
    pub status_label: &'static str,
    /// The non-identifying facts.
    pub facts: CaseFacts,
    /// Who decides.
    pub competent_authority: Option<CompetentAuthority>,
    /// The reasonable-grounds decision.
    pub reasonable_grounds: Option<Decision>,
    /// Start of the recovery period.
    pub recovery_period_started_on: Option<Date>,
    /// The conclusive-grounds decision.
    pub conclusive_grounds: Option<Decision>,
    /// A pending reconsideration: which decision, requested when.
    pub pending_reconsideration: Option<(sg_domain::Question, Date)>,
    /// Support provider while in support.
    pub in_support_with: Option<String>,
    /// Since when consideration is suspended (the person missing), while it is.
    pub suspended_since: Option<Date>,
    /// A pending judicial review: of which decision, lodged when.
    pub pending_judicial_review: Option<(sg_domain::Question, Date)>,
    /// A negative decision held for review: which, since when, and who reviews it.
    pub awaiting_review: Option<(sg_domain::Question, Date, sg_domain::NegativeReview)>,
    /// The ground and day of a public order or bad faith disqualification, once made.
    pub disqualified: Option<(sg_domain::DisqualificationGround, Date)>,
    /// The person's age group now (as referred, assessed, or after their 18th birthday).
    pub age_now: sg_domain::AgeGroup,
    /// Since when the person's age is disputed, until assessed: treated as a child meanwhile.
    pub age_disputed_since: Option<Date>,
    /// Temporary permission to stay.
    pub permission_to_stay: PermissionToStay,
    /// The version to send back with a change (optimistic concurrency).
    pub version: u32,
    /// Every event, oldest first.
    pub timeline: Vec<TimelineEntry>,
    /// The case's deadlines under the rules in force in its jurisdiction, with whether each
    /// was met or breached, and the rule and source behind it.
    pub deadlines: Vec<sg_rules::CaseDeadline>,
}

/// What else changes hands with a change: a converted report can move to the converting
/// organisation, spending its one-time code.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct Handover<'a> {
    /// The organisation that takes the case on.
    pub new_owner_org: Option<sg_domain::OrgId>,
    /// The conversion code to spend.
    pub dtn_code_hash: Option<&'a [u8]>,
    /// Facts the dated rules need about the request.
    pub rule_facts: sg_rules::RequestFacts,
}

/// One line of a case's timeline.
#[derive(Debug, Clone, Serialize)]
pub struct TimelineEntry {
    /// The event with its bookkeeping.
    #[serde(flatten)]
    pub stored: StoredEvent,
    /// A one-line English summary.
    pub summary: String,
    /// Written reasons, where the event has them.
    pub detail: Option<String>,
}

/// Identity and account, for those allowed to see them; a category the user may not see is
/// absent (`null`).
#[derive(Debug, Clone, Serialize)]
pub struct PersonView {
    /// Names, date of birth, contact details.
    pub identity: Option<Identity>,
    /// The person's account.
    pub account: Option<PersonalAccount>,
    /// Context for gaps or inconsistencies in the account, released with the account.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account_context: Option<AccountContext>,
}

pub(crate) fn state_of(record: &CaseRecord) -> Result<CaseState, AppError> {
    CaseState::replay(record.events.iter().map(|e| &e.event))
        .ok_or_else(|| AppError::Internal(format!("case {} has no opening event", record.id)))
}

fn view_of(record: CaseRecord, today: Date) -> Result<CaseView, AppError> {
    let state = state_of(&record)?;
    let status = state.status();
    let events: Vec<_> = record.events.iter().map(|e| e.event.clone()).collect();
    let deadlines = sg_rules::official(state.facts.jurisdiction)
        .map(|rules| sg_rules::case_deadlines(rules, &events, today))
        .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(CaseView {
        case_id: record.id,
        reference: record.reference,
        kind: state.kind,
        status,
        status_label: sg_domain::Coded::label(status),
        facts: state.facts,
        competent_authority: state.competent_authority,
        reasonable_grounds: state.reasonable_grounds,
        recovery_period_started_on: state.recovery_period_started_on,
        conclusive_grounds: state.conclusive_grounds,
        pending_reconsideration: state.pending_reconsideration,
        in_support_with: state.in_support_with,
        suspended_since: state.suspended_since,
        pending_judicial_review: state.pending_judicial_review,
        awaiting_review: state.awaiting_review,
        disqualified: state.disqualified,
        age_now: state.age_now,
        age_disputed_since: state.age_disputed_since,
        permission_to_stay: state.permission_to_stay,
        version: state.version,
        timeline: record
            .events
            .into_iter()
            .map(|stored| TimelineEntry {
                summary: stored.event.event.summary(),
                detail: stored.event.event.detail().map(String::from),
                stored,
            })
            .collect(),
        deadlines,
    })
}

impl App {
    /// The case as `user` may see it. Roles that see no case record are refused outright; a case
    /// of another organisation is reported as not found, so that its existence is not revealed.
    pub(crate) async fn visible_case(&self, user: &User, id: CaseId) -> Result<CaseRecord, AppError> {
        if !access::can_read_cases(user) {
            return Err(AppError::Forbidden(Refusal::CannotSeeCases(user.role)));
        }
        let mut record = self.store.case(id).await?.ok_or(AppError::NotFound)?;
        if !access::can_view_case(user, &record) {
            return Err(AppError::NotFound);
        }
        // Only now, for someone who works on the case: its sealed reasons opened; for one who
        // only keeps sight of a report it made, withheld.
        if access::can_read_case_texts(user, &record) {
            self.open_event_texts(&mut record).await?;
        } else {
            record.events.iter_mut().filter_map(|e| e.event.event.detail_mut()).for_each(String::clear);
        }
        Ok(record)
    }

    /// A case's facts, status and timeline. The read, or its refusal, is audited.
    pub async fn case_view(&self, user: &User, id: CaseId) -> Result<CaseView, AppError> {
        let result = self.case_view_unaudited(user, id).await;
        let outcome = if result.is_ok() { Outcome::Allowed } else { Outcome::Refused };
        if !matches!(result, Err(AppError::Unavailable(..) | AppError::Internal(_))) {
            self.audit(Some(user), AuditAction::CaseRead, Some(id), outcome, "").await?;
        }
        result
    }

    async fn case_view_unaudited(&self, user: &User, id: CaseId) -> Result<CaseView, AppError> {
        view_of(self.visible_case(user, id).await?, self.clock.today())
    }

    /// The person's identity and account, as far as the firewall allows (`access::identity_access`).
    /// Every read and every refusal is audited.
    pub async fn person(&self, user: &User, id: CaseId) -> Result<PersonView, AppError> {
        let Some(record) = self.store.case(id).await? else {
            // One answer for "no such case" and "not yours": a role that sees no case record
            // (police, immigration enforcement, monitors) gets the refusal it gets for a case
            // that exists without a consent for it; the others "not found", as for a case they
            // may not see.
            if !access::can_read_cases(user) {
                return Err(AppError::Forbidden(Refusal::Identity));
            }
            return Err(AppError::NotFound);
        };
        let consents = self.store.consents(id).await?;
        let mut decision = access::identity_access(user, &record, &consents, self.clock.today(), self.clock.now());
        let mut basis_detail = None;
        if matches!(decision, access::IdentityAccess::Refused(_)) && access::can_request_emergency_access(user) {
            // An approved emergency request of this user's opens the identity category alone.
            let requests = self.store.emergency_requests(id).await?;
            if let Some((allowed, reason)) = access::emergency_access(user, &requests, self.clock.now()) {
                decision = allowed;
                basis_detail = Some(format!("emergency access: {}", sg_domain::Coded::code(reason)));
            }
        }
        let categories = match decision {
            access::IdentityAccess::Allowed { categories, basis } => {
                let detail = basis_detail.unwrap_or_else(|| basis.to_string());
                self.audit(Some(user), AuditAction::IdentityRead, Some(id), Outcome::Allowed, detail).await?;
                categories
            }
            access::IdentityAccess::Refused(reason) => {
                tracing::warn!(case = %id, user = %user.id, role = %user.role, reason, "identity access refused");
                self.audit(Some(user), AuditAction::IdentityRead, Some(id), Outcome::Refused, reason).await?;
                // A user who may not even see the case learns nothing about whether it exists.
                if !access::can_view_case(user, &record) && access::can_read_cases(user) {
                    return Err(AppError::NotFound);
                }
                return Err(AppError::Forbidden(Refusal::Identity));
            }
        };
        let Some(wrapped) = self.store.person_key(id).await? else {
            return Err(AppError::Forbidden(Refusal::NoIdentity));
        };
        let dk = crate::vault::data_key(&self.keys, id, &wrapped)?;
        let mut view = PersonView { identity: None, account: None, account_context: None };
        if categories.contains(&DataCategory::Identity) {
            if let Some(sealed) = self.store.vault_get(id, VaultField::Identity).await? {
                view.identity = Some(crate::vault::open(&dk, id, VaultField::Identity, &sealed)?);
            }
        }
        if categories.contains(&DataCategory::Account) {
            if let Some(sealed) = self.store.vault_get(id, VaultField::Account).await? {
                view.account = Some(crate::vault::open(&dk, id, VaultField::Account, &sealed)?);
            }
            if let Some(sealed) = self.store.vault_get(id, VaultField::AccountContext).await? {
                view.account_context = Some(crate::vault::open(&dk, id, VaultField::AccountContext, &sealed)?);
            }
        }
        Ok(view)
    }

    /// One page of the cases `user` may see.
    pub async fn list_cases(&self, user: &User, mut filter: CaseFilter) -> Result<CasePage, AppError> {
        if filter.offset > sg_store::MAX_OFFSET {
            let max = sg_store::MAX_OFFSET;
            return Err(AppError::invalid(
                "offset",
                format!("must be at most {max}; for deeper pages pass the previous page's next_after as after"),
            ));
        }
        if filter.after.is_some_and(|a| a.sort != filter.sort) {
            return Err(AppError::invalid("after", "was made for another sort order; start again from the first page"));
        }
        let scope = match access::case_list_scope(user) {
            Ok(scope) => scope,
            Err(e) => {
                // A refused case list is audited: an administrator or police user trying is a signal.
                self.audit(Some(user), AuditAction::CaseRead, None, Outcome::Refused, "case list").await?;
                return Err(e);
            }
        };
        match scope {
            access::ListScope::All => {}
            access::ListScope::ReferredOrReportedBy(org) => {
                filter.referred_by_org = Some(org);
                filter.or_related = Some((org, Relation::Reporter));
            }
            access::ListScope::RoutedTo(authority) => filter.competent_authority = Some(authority),
            access::ListScope::SupportedBy(org) => filter.related = Some((org, Relation::SupportProvider)),
            access::ListScope::GuardianOf(org) => filter.related = Some((org, Relation::Guardian)),
            access::ListScope::InstructedOn(org) => filter.related = Some((org, Relation::LegalAdviser)),
            access::ListScope::Nothing => return Ok(CasePage::with_count(vec![], 0)),
        }
        if filter.limit == 0 {
            filter.limit = 25;
        }
        let page = self.store.list_cases(&filter).await?;
        // The same action as a refused list (a read of cases, no one case); the survivor's view
        // lists only entries about their own case, so lists do not appear there.
        // A list shows no identities: when the database takes no writes (a full disk) the list
        // is still answered, as every read is, and the missing entry is logged.
        match self.audit(Some(user), AuditAction::CaseRead, None, Outcome::Allowed, "case list").await {
            Err(AppError::Unavailable(outage, _)) => tracing::warn!(?outage, "a case list read went unaudited"),
            other => other?,
        }
        Ok(page)
    }

    /// Carries out `command` on day `on` (default today). With `expected_version`, refuses with a
    /// conflict if the case changed since the caller read it. A Duty to Notify report being
    /// converted needs `person`, written in the same transaction.
    pub async fn change_case(
        &self,
        user: &User,
        id: CaseId,
        command: CaseCommand,
        on: Option<Date>,
        expected_version: Option<u32>,
        person: Option<(Identity, PersonalAccount)>,
    ) -> Result<CaseView, AppError> {
        let facts = sg_rules::RequestFacts::default();
        self.change_case_with(user, id, command, on, expected_version, person, facts).await
    }

    /// [`App::change_case`] with the facts the dated rules need (for example that the person is
    /// to be removed to an ECAT and ECHR state). The rules in force in the case's jurisdiction
    /// on day `on` are checked before the domain's state machine: a refusal names the rule and
    /// its source. Only live changes are checked; stored histories are historical data.
    #[allow(clippy::too_many_arguments)]
    pub async fn change_case_with(
        &self,
        user: &User,
        id: CaseId,
        command: CaseCommand,
        on: Option<Date>,
        expected_version: Option<u32>,
        person: Option<(Identity, PersonalAccount)>,
        facts: sg_rules::RequestFacts,
    ) -> Result<CaseView, AppError> {
        let record = self.visible_case(user, id).await?;
        // Before anything else is looked up or audited; `commit_change` checks again for its
        // other callers.
        crate::actions::check_bounds(&command).map_err(AppError::Invalid)?;
        if let Err(refused) = access::check_command(user, &record, &command) {
            let detail = format!("{} not permitted", sg_domain::Coded::code(command.kind()));
            self.audit(Some(user), AuditAction::CaseChanged, Some(id), Outcome::Refused, detail).await?;
            return Err(refused);
        }
        if let CaseCommand::ReviewNegativeDecision { .. } = command {
            check_second_reviewer(user, &record)?;
        }
        let command = self.resolve_orgs(user, &record, command).await?;
        let handover = Handover { rule_facts: facts, ..Handover::default() };
        self.commit_change(Some(user), &record, command, on, expected_version, person, handover).await
    }

    /// Checks `command` against the case's state and stores its events, with any identifying
    /// record it carries and any handover, in one transaction. Access was checked by the caller.
    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn commit_change(
        &self,
        user: Option<&User>,
        record: &CaseRecord,
        command: CaseCommand,
        on: Option<Date>,
        expected_version: Option<u32>,
        person: Option<(Identity, PersonalAccount)>,
        handover: Handover<'_>,
    ) -> Result<CaseView, AppError> {
        crate::actions::check_bounds(&command).map_err(AppError::Invalid)?;
        let id = record.id;
        let mut state = state_of(record)?;
        if let Some(v) = expected_version {
            if v != state.version {
                return Err(AppError::Conflict(format!(
                    "the case changed since you read it (you had version {v}, it is now at {}); reload it and try again",
                    state.version
                )));
            }
        }
        let today = self.clock.today();
        let on = on.unwrap_or(today);
        let rules = sg_rules::official(state.facts.jurisdiction).map_err(|e| AppError::Internal(e.to_string()))?;
        sg_rules::check_command(rules, &state, &command, on, handover.rule_facts).map_err(AppError::Rule)?;
        let mut events = state.decide(&command, on, today)?;
        if matches!(command, CaseCommand::DecideReasonableGrounds { .. } | CaseCommand::DecideConclusiveGrounds { .. })
        {
            // A negative decision the rules hold for review waits for it.
            sg_rules::hold_for_review(rules, &mut events);
        }
        stamp_legal_tests(rules, &mut events);
        if matches!(command, CaseCommand::ConvertToReferral { .. }) {
            // A converted report is routed at once, as a new referral would be.
            let mut converted = state.clone();
            events.iter().for_each(|e| converted.apply(e));
            let (authority, reason) = crate::referrals::route(&converted.facts, false);
            events.extend(converted.decide(&CaseCommand::Route { authority, reason }, on, today)?);
        }
        let sealed = match (&command, person) {
            (CaseCommand::ConvertToReferral { .. }, Some((identity, account))) => {
                identity.validate(today)?;
                account.validate()?;
                let dk = self.data_key(id).await?.unwrap_or_else(sg_crypto::DataKey::generate);
                Some((crate::vault::seal_under(&self.keys, id, &dk, &identity, &account, None)?, dk))
            }
            (CaseCommand::ConvertToReferral { .. }, None) => {
                return Err(crate::messages::invalid("identity", "conversion.identity_required", vec![]))
            }
            _ => None,
        };
        let expected = state.version;
        for e in &events {
            state.apply(e);
        }
        // Sealed once the state is folded (the state keeps no text); the stored events hold
        // only the sealed form.
        let mut stored_events = events.clone();
        let new_key = self.seal_event_texts(id, &mut stored_events, sealed.as_ref().map(|(_, dk)| dk)).await?;
        let sealed = sealed.map(|(s, _)| s);
        if let Err(broken) = state.check_invariants() {
            return Err(AppError::Internal(format!("refused a change that would break an invariant: {broken}")));
        }
        let kinds: Vec<&str> = events.iter().map(|e| e.event.kind()).collect();
        let all_events: Vec<sg_domain::DatedEvent> =
            record.events.iter().map(|e| e.event.clone()).chain(events.iter().cloned()).collect();
        let next_due = crate::queue::next_due(&all_events);
        let mut audit =
            [self.audit_record(user, AuditAction::CaseChanged, Some(id), Outcome::Allowed, kinds.join(","))];
        if user.is_none() {
            // The person, in their own view.
            audit[0].role = "survivor".into();
        }
        let relationships = crate::relationships::rows(self.store.as_ref(), &state, &mut Default::default()).await?;
        self.store
            .append_events(&Append {
                case: id,
                expected_version: expected,
                events: &stored_events,
                state: &state,
                actor: user.map(|u| u.id),
                now: self.clock.now(),
                vault: sealed.as_ref().map(|s| s.fields.as_slice()).unwrap_or(&[]),
                person_key: sealed.as_ref().map(|s| s.person_key.as_slice()).or(new_key.as_deref()),
                audit: &audit,
                new_owner_org: handover.new_owner_org,
                spend_dtn_code: handover.dtn_code_hash,
                next_due,
                relationships: &relationships,
            })
            .await?;
        tracing::info!(case = %id, events = events.len(), "case changed");
        // The case as it now stands, for the one who changed it, even when the change took it
        // out of their sight (a decision maker re-routing it to another authority).
        let record = self.case_record(id).await?.ok_or(AppError::NotFound)?;
        view_of(record, today)
    }
}

/// A second caseworker's review is someone else's than the one who wrote the decision (a
/// panel's view may be recorded by anyone of the authority).
fn check_second_reviewer(user: &User, record: &CaseRecord) -> Result<(), AppError> {
    use sg_domain::CaseEvent as E;
    let proposal = record.events.iter().rev().find(|e| matches!(e.event.event, E::NegativeDecisionProposed { .. }));
    match proposal {
        Some(p)
            if p.actor == Some(user.id)
                && matches!(
                    p.event.event,
                    E::NegativeDecisionProposed { review: sg_domain::NegativeReview::SecondCaseworker, .. }
                ) =>
        {
            Err(AppError::Forbidden(Refusal::ReviewOwnDecision))
        }
        _ => Ok(()),
    }
}

/// Writes into each decision the legal test (`rg.test`) or standard of proof (`cg.standard`)
/// in force on its day under `rules`, so the decision keeps the test it was made under when the
/// rules change again.
fn stamp_legal_tests(rules: &sg_rules::RuleSet, events: &mut [sg_domain::DatedEvent]) {
    use sg_domain::CaseEvent as E;
    for e in events {
        let (key, legal_test) = match &mut e.event {
            E::ReasonableGroundsDecided { legal_test, .. } => (sg_rules::params::RG_TEST, legal_test),
            E::ConclusiveGroundsDecided { legal_test, .. } => (sg_rules::params::CG_STANDARD, legal_test),
            _ => continue,
        };
        if let Some(rule) = rules.get(key, e.on) {
            *legal_test = rule.version.value.to_string();
        }
    }
}
