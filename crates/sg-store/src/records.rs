//! The records the store reads and writes.

use serde::{Deserialize, Serialize};
use sg_domain::{
    AgeAtExploitation, CaseId, CaseKind, CaseReference, CaseState, CaseStatus, CompetentAuthority, DatedEvent,
    Jurisdiction, OrgId, Role, UserId,
};
use time::{Date, OffsetDateTime};

use crate::Coded;

sg_domain::coded_enum! {
    /// What kind of organisation this is: a first responder's kind, or another role in the NRM.
    pub enum OrgKind {
        GovernmentAgency = ("government-agency", "Government agency"),
        Ngo = ("ngo", "NGO and third sector"),
        Police = ("police", "Police"),
        LocalAuthority = ("local-authority", "Local Authority"),
        CompetentAuthority = ("competent-authority", "Competent authority"),
        SupportProvider = ("support-provider", "Support provider"),
        GuardianService = ("guardian-service", "Guardian service"),
        LegalPractice = ("legal-practice", "Legal practice"),
        Other = ("other", "Other"),
    }
}

impl OrgKind {
    /// The first responder type this organisation counts as in the statistics. Organisations
    /// that are not first responders by kind (a competent authority, say) count as government.
    pub fn first_responder_type(self) -> sg_domain::FirstResponderType {
        use sg_domain::FirstResponderType as F;
        match self {
            Self::Ngo | Self::SupportProvider | Self::GuardianService | Self::LegalPractice | Self::Other => {
                F::NgoThirdSector
            }
            Self::Police => F::Police,
            Self::LocalAuthority => F::LocalAuthority,
            Self::GovernmentAgency | Self::CompetentAuthority => F::GovernmentAgency,
        }
    }

    /// Whether a user of `role` may belong to an organisation of this kind: the one table of
    /// which roles work where, enforced wherever a user is made (the administrator's pages,
    /// `safeguard user add`, the demonstration users). A role's access follows its organisation,
    /// so a role in the wrong kind of organisation would carry its access somewhere it must not be.
    ///
    /// - administrator: `other` only, the operator's own organisation; never a police force or an
    ///   agency with an interest in survivors' records.
    /// - first responder: `ngo`, `police`, `local-authority`, `government-agency`,
    ///   `support-provider` (the statutory and designated first responders of the NRM).
    /// - decision maker: `competent-authority` only (decisions are the competent authorities').
    /// - support provider: `support-provider` or `ngo` (victim care contract subcontractors).
    /// - guardian: `guardian-service` or `ngo` (independent child trafficking guardians are run
    ///   by charities).
    /// - legal adviser: `legal-practice` or `ngo` (law centres); never a police force or an
    ///   agency, which would read identities as the survivor's own adviser.
    /// - police: `police` only; immigration enforcement: `government-agency` only. Neither can
    ///   sit anywhere that sees identities on another basis.
    /// - monitor: `other`, `ngo` or `government-agency` (independent monitors, the commissioner).
    pub fn allows(self, role: Role) -> bool {
        use OrgKind as K;
        match role {
            Role::Admin => self == K::Other,
            Role::FirstResponder => {
                matches!(self, K::Ngo | K::Police | K::LocalAuthority | K::GovernmentAgency | K::SupportProvider)
            }
            Role::DecisionMaker => self == K::CompetentAuthority,
            Role::SupportProvider => matches!(self, K::SupportProvider | K::Ngo),
            Role::Guardian => matches!(self, K::GuardianService | K::Ngo),
            Role::LegalAdviser => matches!(self, K::LegalPractice | K::Ngo),
            Role::Police => self == K::Police,
            Role::ImmigrationEnforcement => self == K::GovernmentAgency,
            Role::Monitor => matches!(self, K::Other | K::Ngo | K::GovernmentAgency),
        }
    }

    /// The kinds of organisation a user of `role` may belong to, in [`OrgKind::ALL`] order.
    pub fn allowed_for(role: Role) -> Vec<OrgKind> {
        Self::ALL.iter().copied().filter(|k| k.allows(role)).collect()
    }
}

/// An organisation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Organisation {
    /// Its id.
    pub id: OrgId,
    /// Its unique name.
    pub name: String,
    /// Its kind.
    pub kind: OrgKind,
}

/// A user to create.
#[derive(Debug, Clone)]
pub struct NewUser {
    /// The new id.
    pub id: UserId,
    /// Their organisation.
    pub org: OrgId,
    /// Their unique sign-in name.
    pub name: String,
    /// Their role.
    pub role: Role,
    /// When created.
    pub created_at: OffsetDateTime,
}

/// A user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct User {
    /// Their id.
    pub id: UserId,
    /// Their organisation.
    pub org: OrgId,
    /// Their organisation's name.
    pub org_name: String,
    /// Their organisation's kind.
    pub org_kind: OrgKind,
    /// Their sign-in name.
    pub name: String,
    /// Their role.
    pub role: Role,
    /// Whether they have set up a second factor (TOTP).
    pub has_second_factor: bool,
    /// Whether the account is disabled: no sign-in, session or token works.
    pub disabled: bool,
    /// For a decision maker's organisation: the competent authority it decides for.
    pub org_competent_authority: Option<sg_domain::CompetentAuthority>,
}

/// A signed-in browser session. Only the hash of its token is stored.
#[derive(Debug, Clone)]
pub struct Session {
    /// SHA-256 of the cookie's token.
    pub token_hash: Vec<u8>,
    /// Who is signed in.
    pub user: UserId,
    /// The form token that every state-changing form must echo back.
    pub csrf_token: String,
    /// When it began (for the absolute timeout).
    pub created_at: OffsetDateTime,
    /// Last activity (for the idle timeout).
    pub last_seen: OffsetDateTime,
    /// The id of the referral draft being filled in on this session, if any (the draft itself
    /// is in `referral_drafts`, sealed).
    pub draft: Option<String>,
    /// The password was right but the second factor is still to come: such a session opens
    /// only the second-factor page.
    pub second_factor_pending: bool,
}

/// Which part of a person's identifying record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VaultField {
    /// Names, date of birth, contact details.
    Identity,
    /// The person's account of what happened.
    Account,
    /// Context for gaps or inconsistencies in the account (released with the account).
    AccountContext,
}

impl VaultField {
    /// The stored name of the field.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Identity => "identity",
            Self::Account => "account",
            Self::AccountContext => "account_context",
        }
    }
}

/// A case to create.
#[derive(Debug, Clone)]
pub struct NewCase {
    /// The new id.
    pub id: CaseId,
    /// Its reference.
    pub reference: CaseReference,
    /// The first events (from `sg_domain::lifecycle::open_case`, and any later ones).
    pub events: Vec<DatedEvent>,
    /// The state those events fold into.
    pub state: CaseState,
    /// Who submitted it.
    pub created_by: UserId,
    /// The submitting user's organisation.
    pub created_by_org: OrgId,
    /// When it was recorded.
    pub created_at: OffsetDateTime,
    /// The identifying record's fields, sealed with the person's data key (none for a Duty to
    /// Notify report).
    pub vault: Vec<(VaultField, Vec<u8>)>,
    /// The person's data key, wrapped by the master key (with the vault).
    pub person_key: Option<Vec<u8>>,
    /// Audit records to append in the same transaction.
    pub audit: Vec<sg_audit::AuditRecord>,
    /// For a Duty to Notify report: the hash of its one-time conversion code.
    pub dtn_code_hash: Option<Vec<u8>>,
    /// The case's next open deadline, computed by `sg-app` from the dated rules (the store does
    /// not know them); kept in the projection so the list can sort by it.
    pub next_due: Option<NextDue>,
    /// The organisations related to the case (see [`CaseRelationship`]), computed by the
    /// application from the state, written with the projection.
    pub relationships: Vec<CaseRelationship>,
}

/// One row of `case_relationships`: an organisation related to a case (a legal adviser
/// instructed, a support provider, a guardian service), active or ended. Case lists of those
/// roles are served from the active rows, by an index on (organisation, relation).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct CaseRelationship {
    /// The organisation.
    pub org: OrgId,
    /// How it is related.
    pub relation: sg_domain::Relation,
    /// Whether the relationship holds now.
    pub active: bool,
}

/// An `Idempotency-Key` as scoped to one user, with a fingerprint of the request it came with.
#[derive(Debug, Clone)]
pub struct IdempotencyKey {
    /// Whose key.
    pub user: UserId,
    /// The key as sent.
    pub key: String,
    /// A hash of the request body, to tell a retry from a different request.
    pub fingerprint: Vec<u8>,
}

/// The result of creating a case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Created {
    /// The case's id.
    pub case_id: CaseId,
    /// The case's reference.
    pub reference: CaseReference,
    /// True when this repeats an earlier request with the same idempotency key.
    pub replayed: bool,
}

/// Events to append to a case, with the state they lead to.
#[derive(Debug, Clone)]
pub struct Append<'a> {
    /// The case.
    pub case: CaseId,
    /// The version the caller read; the write is refused if the case has moved on.
    pub expected_version: u32,
    /// The new events.
    pub events: &'a [DatedEvent],
    /// The state after the events.
    pub state: &'a CaseState,
    /// Who made the change (`None`: the person, in their own view).
    pub actor: Option<UserId>,
    /// When.
    pub now: OffsetDateTime,
    /// Identifying-record fields to write in the same transaction.
    pub vault: &'a [(VaultField, Vec<u8>)],
    /// A wrapped data key to store with them (a converted Duty to Notify report gains one).
    pub person_key: Option<&'a [u8]>,
    /// Audit records to append in the same transaction.
    pub audit: &'a [sg_audit::AuditRecord],
    /// Hands the case to another organisation (a report converted by someone else).
    pub new_owner_org: Option<OrgId>,
    /// A Duty to Notify conversion code to spend in the same transaction; the change is refused
    /// if it was already used.
    pub spend_dtn_code: Option<&'a [u8]>,
    /// The next open deadline after the events (see [`NewCase::next_due`]).
    pub next_due: Option<NextDue>,
    /// The case's relationships after the events; they replace the stored ones.
    pub relationships: &'a [CaseRelationship],
}

/// One stored event with its bookkeeping.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoredEvent {
    /// Its position in the case's stream, from 1.
    pub seq: u32,
    /// The event.
    #[serde(flatten)]
    pub event: DatedEvent,
    /// Who recorded it.
    pub actor: Option<UserId>,
    /// When it was recorded.
    #[serde(with = "time::serde::rfc3339")]
    pub recorded_at: OffsetDateTime,
}

/// A case as stored: its header and its event stream.
#[derive(Debug, Clone)]
pub struct CaseRecord {
    /// Its id.
    pub id: CaseId,
    /// Its reference.
    pub reference: CaseReference,
    /// The organisation that referred it.
    pub created_by_org: OrgId,
    /// The events, oldest first.
    pub events: Vec<StoredEvent>,
}

sg_domain::coded_enum! {
    /// Which deadline a case's next due date is: the codes of `sg_rules::DeadlineKind`, which the
    /// store cannot name because it does not depend on the rules.
    pub enum DueKind {
        RgDecision = ("rg-decision", "Reasonable-grounds decision target"),
        RecoveryPeriodEnd = ("recovery-period-end", "End of the recovery period"),
        ReconsiderationRequest = ("reconsideration-request", "Last day to ask for a reconsideration"),
        NegativeDecisionReview = ("negative-decision-review", "A negative decision waiting for its review, since"),
    }
}

/// A case's next open deadline: the day and which deadline it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct NextDue {
    /// The last day.
    pub on: Date,
    /// Which deadline.
    pub kind: DueKind,
}

/// A computed next deadline for one case's projection row, as of the case's version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NextDueUpdate {
    /// The case.
    pub case: CaseId,
    /// The version the deadline was computed from.
    pub version: u32,
    /// The next open deadline, or none.
    pub next_due: Option<NextDue>,
    /// The case's relationships as of that version (rows older than migration 0013 gain them).
    pub relationships: Vec<CaseRelationship>,
}

sg_domain::coded_enum! {
    /// The order of the case list.
    #[derive(Default)]
    pub enum CaseSort {
        /// Newest referral first (then id, descending).
        #[default]
        Newest = ("newest", "Newest referral first"),
        /// Soonest next deadline first, cases with no open deadline last, ties by id. Both
        /// backends order by `COALESCE(next_due, '9999-12-31'), id` (dates are ISO text), the
        /// expression migration 0011 indexes.
        Deadline = ("deadline", "Soonest deadline first"),
    }
}

/// Which cases to list.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct CaseFilter {
    /// Only this status.
    pub status: Option<CaseStatus>,
    /// Only open cases: awaiting a reasonable or conclusive grounds decision (the decision
    /// maker's queue by default).
    #[serde(default)]
    pub open_only: bool,
    /// Only this kind.
    pub kind: Option<CaseKind>,
    /// Only this jurisdiction.
    pub jurisdiction: Option<Jurisdiction>,
    /// Only this age group.
    pub age: Option<AgeAtExploitation>,
    /// Only this competent authority.
    pub competent_authority: Option<CompetentAuthority>,
    /// Only cases referred by this organisation.
    pub referred_by_org: Option<OrgId>,
    /// Only cases to which this organisation is related in this way now (an active row of
    /// `case_relationships`): a legal adviser's, support provider's or guardian's list.
    #[serde(skip)]
    pub related: Option<(OrgId, sg_domain::Relation)>,
    /// With `referred_by_org`: also the cases to which this organisation is related in this way
    /// now (a first responder's list: the Duty to Notify reports it made that another
    /// organisation converted).
    #[serde(skip)]
    pub or_related: Option<(OrgId, sg_domain::Relation)>,
    /// Only the case with this reference (exact, case-insensitive).
    pub reference: Option<String>,
    /// Referred on or after.
    pub referred_from: Option<Date>,
    /// Referred on or before.
    pub referred_to: Option<Date>,
    /// The order of the list.
    #[serde(default)]
    pub sort: CaseSort,
    /// Page size (1 to 200).
    pub limit: u32,
    /// Cases to skip (at most [`MAX_OFFSET`]; deeper pages use `after`).
    pub offset: u64,
    /// Keyset pagination: only the cases after this one in the list's order (the previous
    /// page's [`CasePage::next_after`]). An index range, however deep the page.
    #[serde(skip)]
    pub after: Option<CaseCursor>,
}

/// The deepest `offset` a case list takes: skipping rows costs as much as reading them, so
/// deeper pages are reached with a cursor ([`CaseFilter::after`]).
pub const MAX_OFFSET: u64 = 10_000;

/// A position in the case list: the order it belongs to, the sort key of a case there (its
/// referral date, or its next deadline with none as 9999-12-31) and its id. Written
/// `ORDER.KEY.ID` (`newest.2024-01-03.0190…`); clients pass it back without reading it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CaseCursor {
    /// The order the cursor was made in.
    pub sort: CaseSort,
    /// The case's sort key.
    pub key: Date,
    /// The case.
    pub id: CaseId,
}

/// The deadline order's key of a case with no open deadline: after every real date.
pub const NO_DEADLINE: Date = time::macros::date!(9999 - 12 - 31);

impl CaseCursor {
    /// The cursor just after `case` in the order `sort`.
    pub fn after_case(sort: CaseSort, case: &CaseSummary) -> Self {
        let key = match sort {
            CaseSort::Newest => case.referred_on,
            CaseSort::Deadline => case.next_due.map_or(NO_DEADLINE, |d| d.on),
        };
        Self { sort, key, id: case.id }
    }

    /// Reads a cursor written by [`CaseCursor`]'s `Display`; `None` if it is not one.
    pub fn parse(text: &str) -> Option<Self> {
        let mut parts = text.splitn(3, '.');
        let sort = CaseSort::from_code(parts.next()?)?;
        let format = time::macros::format_description!("[year]-[month]-[day]");
        let key = Date::parse(parts.next()?, format).ok()?;
        let id = CaseId::parse(parts.next()?)?;
        Some(Self { sort, key, id })
    }
}

impl std::fmt::Display for CaseCursor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (y, m, d) = (self.key.year(), u8::from(self.key.month()), self.key.day());
        write!(f, "{}.{y:04}-{m:02}-{d:02}.{}", self.sort.code(), self.id)
    }
}

/// A line of the case list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CaseSummary {
    /// The case id.
    pub id: CaseId,
    /// The reference.
    pub reference: CaseReference,
    /// Referral or Duty to Notify.
    pub kind: CaseKind,
    /// Status.
    pub status: CaseStatus,
    /// Jurisdiction.
    pub jurisdiction: Jurisdiction,
    /// Age group.
    pub age_at_exploitation: AgeAtExploitation,
    /// Competent authority.
    pub competent_authority: Option<CompetentAuthority>,
    /// Referral date.
    pub referred_on: Date,
    /// Date of the latest event.
    pub last_event_on: Date,
    /// The next open deadline, if the case has one.
    pub next_due: Option<NextDue>,
}

/// One page of the case list.
#[derive(Debug, Clone, Serialize)]
pub struct CasePage {
    /// The cases on this page.
    pub cases: Vec<CaseSummary>,
    /// How many cases match in all, counted up to [`COUNT_LIMIT`]: when more match, this is
    /// `COUNT_LIMIT` and `total_is_lower_bound` is set.
    pub total: u64,
    /// Whether more than `total` cases match (the count stopped at [`COUNT_LIMIT`]).
    pub total_is_lower_bound: bool,
    /// When the page is full: the cursor to pass as `after` for the next page.
    pub next_after: Option<String>,
}

/// The most matches a case-list page counts. Counting every match of a broad filter over a
/// million cases is a scan of a million rows on every page; counting up to a limit stops early.
pub const COUNT_LIMIT: u64 = 10_000;

impl CasePage {
    /// A page with `counted` matches counted by a query limited to `COUNT_LIMIT + 1` rows.
    pub fn with_count(cases: Vec<CaseSummary>, counted: u64) -> Self {
        Self { cases, total: counted.min(COUNT_LIMIT), total_is_lower_bound: counted > COUNT_LIMIT, next_after: None }
    }
}

/// Helper so backends can turn stored codes back into enums.
pub fn parse_code<T: Coded>(column: &str, value: &str) -> Result<T, crate::StoreError> {
    T::from_code(value).ok_or_else(|| crate::StoreError::Other(format!("bad {column} value {value:?} in database")))
}

/// A referral saved to finish later: its author, when, how far it got, and the answers sealed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferralDraft {
    /// The draft's id.
    pub id: uuid::Uuid,
    /// Its author: the only user who may open it.
    pub user: UserId,
    /// When it was started.
    pub created_at: OffsetDateTime,
    /// When it last changed.
    pub updated_at: OffsetDateTime,
    /// The code of the step reached (a question, never an answer).
    pub step: String,
    /// The answers, sealed (`sg_app::vault::seal_draft`).
    pub sealed: String,
}

/// A form sent after its session ended, kept until its user signs in again
/// (`sg_app::kept_forms`): whose it is, until when, and the form sealed.
#[derive(Clone, PartialEq, Eq)]
pub struct KeptFormRow {
    /// SHA-256 of the token the browser holds.
    pub token_hash: Vec<u8>,
    /// The user whose session it was: the only one who may take it back.
    pub user: UserId,
    /// When it was kept.
    pub kept_at: OffsetDateTime,
    /// When it is erased if not taken back.
    pub expires_at: OffsetDateTime,
    /// The path, body and draft, sealed (`sg_app::vault::seal_kept_form`).
    pub sealed: String,
}

impl std::fmt::Debug for KeptFormRow {
    // Sealed, but survivor's words all the same: never printed.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeptFormRow")
            .field("user", &self.user)
            .field("expires_at", &self.expires_at)
            .finish_non_exhaustive()
    }
}

/// How a pending consent was confirmed: by the person, or countersigned by a colleague of the
/// recorder with an attestation of how it was explained.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsentConfirmation {
    /// The person, or a countersignature.
    pub by: sg_domain::Confirmation,
    /// When.
    pub at: OffsetDateTime,
    /// The colleague who countersigned.
    pub countersigned_by: Option<UserId>,
    /// The language it was explained in (countersignature).
    pub language: Option<String>,
    /// The interpreter, or "none" (countersignature).
    pub interpreter: Option<String>,
}

/// A decision on an emergency request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmergencyDecisionRecord {
    /// Approved or declined.
    pub decision: sg_domain::EmergencyDecision,
    /// Who decided.
    pub by: UserId,
    /// When.
    pub at: OffsetDateTime,
    /// For an approval, the end of access.
    pub access_until: Option<OffsetDateTime>,
}

/// How busy a store is at one moment (for `/metrics`); counts only, nothing about cases.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PoolUse {
    /// Database connections open.
    pub connections: u32,
    /// Of those, idle.
    pub idle: u32,
    /// Writes queued for the next group commit (SQLite), waiting for the writer.
    pub write_queue: u32,
}
