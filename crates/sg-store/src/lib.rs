//! The storage interface. The application layer talks only to [`Store`], the sum of one trait
//! per area ([`Accounts`], [`Admin`], [`Sessions`], [`Drafts`], [`Cases`], [`Replay`],
//! [`Firewall`], [`Monitoring`], [`Recommendations`], [`Idempotency`], [`Protection`]); `sg-store-sql`
//! implements them once for both SQLite and PostgreSQL, and both pass the same conformance tests.
//!
//! Every method that changes a case does it in one transaction: the events are appended, the
//! case's projection row is rewritten, and an idempotency record is kept, or nothing is.

mod admin;
mod idempotency;
mod marginal_keys;
mod marginals;
mod monitoring;
mod protection;
mod recommendations;
mod records;
mod throttle;

pub use admin::*;
pub use idempotency::*;
pub use marginal_keys::*;
pub use marginals::*;
pub use monitoring::*;
pub use protection::*;
pub use recommendations::*;
pub use records::*;
pub use sg_domain::Coded;
pub use throttle::*;

use async_trait::async_trait;
use sg_audit::{AuditEntry, AuditRecord};
use sg_domain::{CaseId, Consent, OrgId, UserId};
use time::OffsetDateTime;

/// What can go wrong in storage, in terms the application can act on.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The thing asked for does not exist.
    #[error("not found")]
    NotFound,
    /// A uniqueness rule or a stale version refused the write.
    #[error("conflict: {0}")]
    Conflict(String),
    /// The database could not be reached or is read-only or full: which, as the backend's error
    /// code said, and the detail for logs (never for users).
    #[error("database unavailable ({0:?}): {1}")]
    Unavailable(Outage, String),
    /// Anything else; the message is for logs, never for users.
    #[error("storage error: {0}")]
    Other(String),
}

/// Why the database cannot take a request, classified by the backend from its own error codes
/// where the error is produced, so that no one above has to read the database's English.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outage {
    /// The database (or its file) refuses writes.
    ReadOnly,
    /// The disk (or the server's memory) is full.
    Full,
    /// Anything else: unreachable, shutting down, busy, corrupt.
    Down,
    /// The database gave up this transaction because of concurrent ones (PostgreSQL's
    /// SQLSTATE class 40: deadlock, serialisation failure): running it again may succeed. The
    /// case transactions are retried before this reaches anyone.
    Contention,
}

/// Shorthand for storage results.
pub type StoreResult<T> = Result<T, StoreError>;

/// Organisations, users and their credentials (`users.rs`).
#[async_trait]
pub trait Accounts: Send + Sync {
    /// The organisation with this name, created with `kind` at `now` if missing.
    async fn ensure_org(&self, name: &str, kind: OrgKind, now: OffsetDateTime) -> StoreResult<Organisation>;
    /// The organisation with this id.
    async fn org(&self, id: OrgId) -> StoreResult<Option<Organisation>>;
    /// Creates a user; `Conflict` if the name is taken.
    async fn create_user(&self, user: &NewUser) -> StoreResult<User>;
    /// The user with this id.
    async fn user(&self, id: UserId) -> StoreResult<Option<User>>;
    /// The user with this sign-in name, with their password hash.
    async fn user_by_name(&self, name: &str) -> StoreResult<Option<(User, Option<String>)>>;
    /// How many users hold `role` (no administrator on first run).
    async fn count_users_with_role(&self, role: sg_domain::Role) -> StoreResult<u64>;
    /// Replaces a user's password hash.
    async fn set_password_hash(&self, user: UserId, hash: &str) -> StoreResult<()>;
    /// Records which competent authority an organisation decides for.
    async fn set_org_competent_authority(
        &self,
        org: OrgId,
        authority: sg_domain::CompetentAuthority,
    ) -> StoreResult<()>;
    /// Stores a user's sealed TOTP secret.
    async fn set_totp_secret(&self, user: UserId, sealed: &[u8]) -> StoreResult<()>;
    /// A user's sealed TOTP secret.
    async fn totp_secret(&self, user: UserId) -> StoreResult<Option<Vec<u8>>>;
    /// Disables (or, with `None`, re-enables) a user.
    async fn set_user_disabled(&self, user: UserId, at: Option<OffsetDateTime>) -> StoreResult<()>;
    /// Takes one sign-in attempt under every rule's key, in one transaction: refused (with the
    /// longest wait left) when any key must still wait, and then nothing is counted; otherwise
    /// counted under every key ([`ThrottleRule::counted`]). Simultaneous attempts, from any
    /// process, are counted one after the other.
    async fn take_sign_in_attempt(
        &self,
        rules: &[ThrottleRule],
        now: OffsetDateTime,
    ) -> StoreResult<Option<time::Duration>>;
    /// After an attempt succeeded: forgets the `forget` keys, and takes back the attempt just
    /// counted under the `undo` keys (an address many people share), in one transaction.
    async fn sign_in_succeeded(&self, forget: &[Vec<u8>], undo: &[Vec<u8>]) -> StoreResult<()>;
    /// A user's password hash, if they have chosen a password.
    async fn password_hash(&self, user: UserId) -> StoreResult<Option<String>>;
    /// Replaces a user's password hash, spends their sign-in codes, ends every session of
    /// theirs but `keep` (the one they changed it from), and appends the audit record, in one
    /// transaction.
    async fn change_password(
        &self,
        user: UserId,
        hash: &str,
        keep: Option<&[u8]>,
        audit: &AuditRecord,
    ) -> StoreResult<()>;
    /// Replaces a user's sealed TOTP secret, remembering `step` (the enrolment code's) as the
    /// last accepted unless a later one is, ends every session of theirs but `keep`, and appends the audit record, in
    /// one transaction.
    async fn change_second_factor(
        &self,
        user: UserId,
        sealed: &[u8],
        step: i64,
        keep: Option<&[u8]>,
        audit: &AuditRecord,
    ) -> StoreResult<()>;
    /// Accepts TOTP time step `step` for a user if it is later than the last one accepted, in
    /// one statement; false for a code already used (or older), so of two simultaneous uses of
    /// one code only one is accepted.
    async fn accept_totp_step(&self, user: UserId, step: i64) -> StoreResult<bool>;
    /// Stores the hash of a new API token for a user, with its label and expiry.
    async fn add_api_token(
        &self,
        user: UserId,
        token_hash: &[u8],
        label: &str,
        now: OffsetDateTime,
        expires_at: OffsetDateTime,
    ) -> StoreResult<()>;
    /// The user owning the API token with this hash, if the token is neither revoked nor expired
    /// at `now`.
    async fn user_by_api_token(&self, token_hash: &[u8], now: OffsetDateTime) -> StoreResult<Option<User>>;
    /// A user's API tokens, newest first, revoked and expired ones included.
    async fn api_tokens(&self, user: UserId) -> StoreResult<Vec<ApiTokenInfo>>;
    /// Revokes one of `user`'s tokens and appends the audit record, in one transaction; false
    /// when the user has no such unrevoked token.
    async fn revoke_api_token(
        &self,
        user: UserId,
        token_hash: &[u8],
        at: OffsetDateTime,
        audit: &AuditRecord,
    ) -> StoreResult<bool>;
    /// Stores a new account request and appends its audit record, in one transaction.
    async fn add_account_request(&self, request: &AccountRequest, audit: &AuditRecord) -> StoreResult<()>;
    /// One account request.
    async fn account_request(&self, id: uuid::Uuid) -> StoreResult<Option<AccountRequest>>;
    /// Account requests, newest first, at most `limit`: every organisation's, or one's.
    async fn account_requests(&self, org: Option<OrgId>, limit: u32) -> StoreResult<Vec<AccountRequest>>;
    /// Answers a pending, unexpired request (at `at`), with the audit record, in one
    /// transaction; `target_user` is recorded for an approved creation. False when it was
    /// already answered or has expired, so two administrators cannot both answer it.
    async fn decide_account_request(
        &self,
        id: uuid::Uuid,
        by: UserId,
        at: OffsetDateTime,
        outcome: RequestOutcome,
        target_user: Option<UserId>,
        audit: &AuditRecord,
    ) -> StoreResult<bool>;
    /// Stores the hash of a one-time sign-in code.
    async fn add_sign_in_code(&self, user: UserId, code_hash: &[u8], expires_at: OffsetDateTime) -> StoreResult<()>;
    /// The user of a one-time sign-in code, if it exists, is unexpired and unspent, and its
    /// user has no password: a code opens sessions until its user chooses a password, which
    /// spends it ([`Accounts::change_password`]), so a new user who signs out first can use it
    /// again.
    async fn user_for_sign_in_code(&self, code_hash: &[u8], now: OffsetDateTime) -> StoreResult<Option<User>>;
}

/// The administrator's overviews and changes (`admin.rs`).
#[async_trait]
pub trait Admin: Send + Sync {
    /// Creates an organisation and appends its audit record, in one transaction; `Conflict` if
    /// the name is taken.
    async fn create_org(&self, org: &NewOrg, audit: &AuditRecord) -> StoreResult<Organisation>;
    /// Resets a user's credentials for a fresh start, in one transaction: their password and
    /// second factor are cleared, their sessions ended, their unused sign-in codes spent, a new
    /// sign-in code stored (its hash) and the audit record appended. `NotFound` if there is no
    /// such active (not disabled) user.
    async fn reset_credentials(
        &self,
        user: UserId,
        code_hash: &[u8],
        now: OffsetDateTime,
        expires_at: OffsetDateTime,
        audit: &AuditRecord,
    ) -> StoreResult<()>;
    /// Every organisation, by name.
    async fn list_organisations(&self) -> StoreResult<Vec<OrgSummary>>;
    /// Every user, by organisation name then user name.
    async fn list_users(&self) -> StoreResult<Vec<UserSummary>>;
    /// How many wrapped data keys begin with `prefix` (an envelope's header names the master
    /// key that wraps it, so this counts the data keys under one master key).
    async fn count_person_keys_with_prefix(&self, prefix: &[u8]) -> StoreResult<u64>;
}

/// Staff sessions (`sessions.rs`).
#[async_trait]
pub trait Sessions: Send + Sync {
    /// Stores a new session.
    async fn create_session(&self, session: &Session) -> StoreResult<()>;
    /// The session with this token hash.
    async fn session(&self, token_hash: &[u8]) -> StoreResult<Option<Session>>;
    /// Records activity on a session, and saves its draft referral.
    async fn update_session(
        &self,
        token_hash: &[u8],
        last_seen: OffsetDateTime,
        draft: Option<&str>,
    ) -> StoreResult<()>;
    /// Ends a session.
    async fn delete_session(&self, token_hash: &[u8]) -> StoreResult<()>;
    /// Marks a session's second factor as done.
    async fn complete_second_factor(&self, token_hash: &[u8]) -> StoreResult<()>;
    /// Gives a session a new token and form token (its old token stops working at once), and
    /// marks its second factor done when `second_factor_done`; false when there was no such
    /// session.
    async fn renew_session(
        &self,
        old_hash: &[u8],
        new_hash: &[u8],
        csrf_token: &str,
        second_factor_done: bool,
    ) -> StoreResult<bool>;
    /// Keeps a form sent after its session ended, replacing any form kept earlier for the same
    /// user (one each).
    async fn keep_form(&self, form: &KeptFormRow) -> StoreResult<()>;
    /// Takes back the form kept under `token_hash` when it is `user`'s and has not expired by
    /// `now`: read and deleted in one statement, so it is given once. Another user's form stays.
    async fn take_kept_form(
        &self,
        token_hash: &[u8],
        user: UserId,
        now: OffsetDateTime,
    ) -> StoreResult<Option<KeptFormRow>>;
    /// Deletes every kept form expired by `now`; how many.
    async fn delete_kept_forms_before(&self, now: OffsetDateTime) -> StoreResult<u64>;
}

/// Saved referral drafts (`drafts.rs`).
#[async_trait]
pub trait Drafts: Send + Sync {
    /// Writes a draft (insert, or update of the author's own draft with that id; a draft of
    /// another user with the same id is left alone and `NotFound` returned), with its audit
    /// record, in one transaction. `created_at` is kept from the first write.
    async fn save_referral_draft(&self, draft: &ReferralDraft, audit: &AuditRecord) -> StoreResult<()>;
    /// One draft, whoever its author (the caller checks).
    async fn referral_draft(&self, id: uuid::Uuid) -> StoreResult<Option<ReferralDraft>>;
    /// The drafts of `user` changed at or after `since`, most recently changed first.
    async fn referral_drafts(&self, user: UserId, since: OffsetDateTime) -> StoreResult<Vec<ReferralDraft>>;
    /// Deletes the draft `id` of `user`, with its audit record, in one transaction; whether
    /// there was one (nothing is written, audit included, when there was not).
    async fn delete_referral_draft(&self, id: uuid::Uuid, user: UserId, audit: &AuditRecord) -> StoreResult<bool>;
    /// Deletes every draft last changed before `before` (the retention policy); how many.
    async fn delete_referral_drafts_before(&self, before: OffsetDateTime) -> StoreResult<u64>;
}

/// The cases of a bulk load ([`Cases::load_cases`]), batch by batch.
#[async_trait]
pub trait CaseBatches: Send {
    /// The next batch, `None` once every case was given, or the error that stopped the
    /// producer (the load then stops and returns it).
    async fn next_batch(&mut self) -> Option<StoreResult<Vec<NewCase>>>;
}

/// Cases: events, projection and identifying record (`cases.rs`).
#[async_trait]
pub trait Cases: Send + Sync {
    /// Creates a case from its first events, its projection and its identifying record, in one
    /// transaction. With an idempotency key, a repeat of the same request returns the first
    /// result and creates nothing; a different request under the same key is a `Conflict`.
    async fn create_case(&self, case: &NewCase, idempotency: Option<&IdempotencyKey>) -> StoreResult<Created>;
    /// Stores many new cases (demonstration data), taken batch by batch from `batches` in the
    /// order given, calling `progress` with the number stored so far; `expected` is how many
    /// will come. How many were stored. SQLite stores them in one transaction (all or nothing;
    /// a large load rebuilds the indexes of `cases` once after the rows instead of row by row,
    /// and, when no other connection has the file open, writes through the rollback journal,
    /// which keeps readers out until it commits: `batches` must not read the store meanwhile);
    /// PostgreSQL commits each batch.
    async fn load_cases(
        &self,
        expected: u64,
        batches: &mut dyn CaseBatches,
        progress: &(dyn Fn(u64) + Send + Sync),
    ) -> StoreResult<u64>;
    /// Appends events to a case whose version is still `expected_version`, rewrites its
    /// projection from `state`, in one transaction; `Conflict` if someone changed it first.
    /// Any vault fields in `change` are written in the same transaction.
    async fn append_events(&self, change: &Append<'_>) -> StoreResult<()>;
    /// A case's header and its whole event stream, oldest first.
    async fn case(&self, id: CaseId) -> StoreResult<Option<CaseRecord>>;
    /// The case with this reference (`SG-XXXXX-XXXXX`), if any.
    async fn case_id_by_reference(&self, reference: &str) -> StoreResult<Option<CaseId>>;
    /// One page of cases matching `filter`, newest referral first, and the total count.
    async fn list_cases(&self, filter: &CaseFilter) -> StoreResult<CasePage>;
    /// A field of the identifying record (`identity`, `account`), as stored (sealed).
    async fn vault_get(&self, case: CaseId, field: VaultField) -> StoreResult<Option<Vec<u8>>>;
}

/// Whole cases page by page, for replays and the start-up backfill (`replay.rs`).
#[async_trait]
pub trait Replay: Send + Sync {
    /// Up to `limit` whole cases (header and events) in id order, starting after the case
    /// `after` (from the first case when `None`): for replaying every case, page by page, as the
    /// policy simulation does.
    async fn all_case_events(&self, after: Option<CaseId>, limit: u32) -> StoreResult<Vec<CaseRecord>>;
    /// Up to `limit` whole cases whose projection has no computed next deadline yet (rows
    /// written before migration 0011), in id order, for the start-up backfill.
    async fn cases_without_next_due(&self, limit: u32) -> StoreResult<Vec<CaseRecord>>;
    /// Writes computed next deadlines into the projection, in one transaction. A row whose
    /// version is no longer the one given is left alone (a live change rewrote it meanwhile).
    async fn set_next_due(&self, updates: &[NextDueUpdate]) -> StoreResult<()>;
    /// A number that moves whenever case events are stored, by any process on the database
    /// (migration 0019), so that what is computed from every case (the policy simulation) can
    /// be kept until it moves. It may move without a new event (a rolled-back insert), never
    /// stay put across one.
    async fn events_version(&self) -> StoreResult<i64>;
}

/// The firewall: data keys, consents, the audit chain, survivors' own access (`firewall.rs`).
#[async_trait]
pub trait Firewall: Send + Sync {
    /// The organisation with this name, whatever its case (an exact match first).
    async fn org_by_name(&self, name: &str) -> StoreResult<Option<Organisation>>;
    /// The organisations with at least one enabled user of `role`, by name (the legal
    /// practices a person can instruct).
    async fn orgs_with_role(&self, role: sg_domain::Role) -> StoreResult<Vec<Organisation>>;
    /// A person's wrapped data key.
    async fn person_key(&self, case: CaseId) -> StoreResult<Option<Vec<u8>>>;
    /// Destroys a person's data key and identifying record; the case facts stay.
    async fn erase_person(&self, case: CaseId, audit: &AuditRecord) -> StoreResult<()>;
    /// Up to `limit` cases that still hold an identifying record and whose latest event is
    /// before `before` (for the retention policy).
    async fn identified_cases_inactive_since(&self, before: time::Date, limit: u32) -> StoreResult<Vec<CaseId>>;
    /// Up to `limit` wrapped data keys after `after`, in case id order (for key rotation).
    async fn person_keys_page(&self, after: Option<CaseId>, limit: u32) -> StoreResult<Vec<(CaseId, Vec<u8>)>>;
    /// Replaces wrapped data keys (re-wrapped under a new master key), in one transaction.
    async fn replace_person_keys(&self, keys: &[(CaseId, Vec<u8>)]) -> StoreResult<()>;
    /// Records a consent, at the time of its audit record (the application's clock).
    async fn add_consent(&self, consent: &Consent, recorded_by: UserId, audit: &AuditRecord) -> StoreResult<()>;
    /// Withdraws a consent at `at`; `false` if there is no such live consent on this case.
    async fn withdraw_consent(
        &self,
        case: CaseId,
        consent: uuid::Uuid,
        at: OffsetDateTime,
        audit: &AuditRecord,
    ) -> StoreResult<bool>;
    /// Every consent recorded on a case, withdrawn or not, oldest first.
    async fn consents(&self, case: CaseId) -> StoreResult<Vec<Consent>>;
    /// Confirms a pending consent (by the person, or countersigned), with its audit record, in
    /// one transaction; `false` if there is no such consent on this case that is neither
    /// withdrawn nor already confirmed.
    async fn confirm_consent(
        &self,
        case: CaseId,
        consent: uuid::Uuid,
        confirmation: &ConsentConfirmation,
        audit: &AuditRecord,
    ) -> StoreResult<bool>;
    /// Records a request for emergency access, with its audit record.
    async fn add_emergency_request(
        &self,
        request: &sg_domain::EmergencyRequest,
        audit: &AuditRecord,
    ) -> StoreResult<()>;
    /// Records the decision on a request not yet decided, with its audit record; `false` if
    /// there is no such undecided request on this case.
    async fn decide_emergency_request(
        &self,
        case: CaseId,
        request: uuid::Uuid,
        decision: &EmergencyDecisionRecord,
        audit: &AuditRecord,
    ) -> StoreResult<bool>;
    /// Every emergency request on a case, oldest first.
    async fn emergency_requests(&self, case: CaseId) -> StoreResult<Vec<sg_domain::EmergencyRequest>>;
    /// Appends audit records to the chain, in one transaction.
    async fn append_audit(&self, records: &[AuditRecord]) -> StoreResult<()>;
    /// Up to `limit` audit entries after position `after`, in order.
    async fn audit_page(&self, after: u64, limit: u32) -> StoreResult<Vec<AuditEntry>>;
    /// The audit entries about one case, in order.
    async fn audit_for_case(&self, case: CaseId) -> StoreResult<Vec<AuditEntry>>;
    /// Stores the keyed hash of a code that opens a survivor's view of `case` until it is ended
    /// or `expires_at`, ending the case's earlier codes (one live code per case), in one
    /// transaction.
    async fn add_survivor_code(
        &self,
        case: CaseId,
        code_hash: &[u8],
        now: OffsetDateTime,
        expires_at: OffsetDateTime,
    ) -> StoreResult<()>;
    /// The case a survivor code opens, if it is live (not ended, not expired) at `now`.
    async fn survivor_code_case(&self, code_hash: &[u8], now: OffsetDateTime) -> StoreResult<Option<CaseId>>;
    /// When the case's live survivor code expires, if it has one at `now`.
    async fn live_survivor_code(&self, case: CaseId, now: OffsetDateTime) -> StoreResult<Option<OffsetDateTime>>;
    /// Ends the case's live survivor codes and deletes its survivor sessions, in one
    /// transaction; whether a code was live.
    async fn end_survivor_codes(&self, case: CaseId, now: OffsetDateTime) -> StoreResult<bool>;
    /// Opens a survivor session with a live code (which stays live), noting its last use; the
    /// case it opens.
    async fn open_survivor_session(
        &self,
        code_hash: &[u8],
        token_hash: &[u8],
        csrf: &str,
        now: OffsetDateTime,
    ) -> StoreResult<Option<CaseId>>;
    /// The case and form token of a survivor session, if it began after `not_before`.
    async fn survivor_session(
        &self,
        token_hash: &[u8],
        not_before: OffsetDateTime,
    ) -> StoreResult<Option<(CaseId, String)>>;
    /// Ends a survivor session (quick exit or sign-out): its token no longer opens the view.
    async fn end_survivor_session(&self, token_hash: &[u8]) -> StoreResult<()>;
    /// The case an unused Duty to Notify conversion code belongs to.
    async fn dtn_code_case(&self, code_hash: &[u8]) -> StoreResult<Option<CaseId>>;
}

/// Monitoring: the statistics projection, public datasets, publications (`monitoring.rs`).
#[async_trait]
pub trait Monitoring: Send + Sync {
    /// How busy the database connections and the write queue are now, for operators' metrics.
    fn pool_use(&self) -> PoolUse {
        PoolUse::default()
    }
    /// Up to `limit` cases' non-identifying facts in storage order, after the position `after`
    /// (0 to start), and the position to continue from; `None` when there are no more. For
    /// exports and checks that need one row per case.
    async fn case_rows(&self, after: i64, limit: u32) -> StoreResult<(Vec<sg_stats::cells::CaseRow>, Option<i64>)>;
    /// The statistics of every case as tables of cells, one per breakdown the indicators use,
    /// kept current as cases change (the questions are known in advance, so their answers are
    /// maintained, not recomputed). The report over them equals the report over
    /// `sg_stats::Table::own_cases` of every case row.
    async fn case_tables(&self) -> StoreResult<Vec<sg_stats::Table>>;
    /// Stores a dataset as the next version of its name, all of it or nothing.
    async fn save_dataset(&self, dataset: &NewDataset) -> StoreResult<DatasetVersion>;
    /// Every stored dataset version, by name then version.
    async fn datasets(&self) -> StoreResult<Vec<DatasetVersion>>;
    /// A dataset's tables: the given version, or the latest.
    async fn dataset_tables(
        &self,
        name: &str,
        version: Option<u32>,
    ) -> StoreResult<Option<(DatasetVersion, Vec<sg_stats::Table>)>>;
    /// Records a publication. Publications are never changed or removed.
    async fn record_publication(&self, publication: &Publication) -> StoreResult<()>;
    /// The most recent publications, newest first.
    async fn publications(&self, limit: u32) -> StoreResult<Vec<Publication>>;
}

/// The recommendation tracker (`recommendations.rs`).
#[async_trait]
pub trait Recommendations: Send + Sync {
    /// Stores recommendations and their first statuses, all of them or none (an import is
    /// never half-done).
    async fn add_recommendations(
        &self,
        recommendations: &[Recommendation],
        statuses: &[StatusRecord],
    ) -> StoreResult<()>;
    /// Appends a status to a recommendation's history. There is no way to change or remove
    /// one: the history is the record of what was known when. Refused if its as-of date is
    /// before the latest already recorded.
    async fn add_recommendation_status(&self, status: &StatusRecord) -> StoreResult<()>;
    /// Every recommendation, by report date then text, each with its history oldest first.
    async fn recommendations(&self) -> StoreResult<Vec<RecommendationHistory>>;
}

/// Idempotency of the API's other state-changing calls (`idempotency.rs`).
#[async_trait]
pub trait Idempotency: Send + Sync {
    /// Looks up or reserves `request`'s key, in one transaction: `Started` when the caller
    /// should answer it (a new key, one abandoned, or one whose reservation's lease ran out,
    /// `IDEMPOTENCY_LEASE_SECONDS` after it was last renewed), with a lease held by
    /// `request.owner`; else what to answer instead (`InProgress` while another request,
    /// in this process or another, holds the lease).
    async fn idempotency_start(&self, request: &IdempotentRequest<'_>) -> StoreResult<IdempotentStart>;
    /// Renews `owner`'s lease on a key it is still answering, to `now` plus
    /// `IDEMPOTENCY_LEASE_SECONDS`; false when the reservation is no longer its own.
    async fn idempotency_renew(
        &self,
        user: UserId,
        key: &str,
        owner: &str,
        now: time::OffsetDateTime,
    ) -> StoreResult<bool>;
    /// Keeps the answer to a started request, to replay to retries; the first answer kept wins.
    async fn idempotency_finish(&self, user: UserId, key: &str, status: u16, body: &[u8]) -> StoreResult<()>;
    /// Forgets `owner`'s reservation of a request that changed nothing (it failed), so that it
    /// can be retried; a reservation taken over by another process is left to it.
    async fn idempotency_abandon(&self, user: UserId, key: &str, owner: &str) -> StoreResult<()>;
}

/// The whole storage interface every backend implements: one trait per area, so that a
/// backend implements each area in one place and a use case can ask for only what it needs.
/// Object-safe: the application holds an `Arc<dyn Store>`, and every area's methods can be
/// called on it.
pub trait Store:
    Accounts
    + Admin
    + Sessions
    + Drafts
    + Cases
    + Replay
    + Firewall
    + Monitoring
    + Recommendations
    + Idempotency
    + Protection
{
}

impl<
        T: Accounts
            + Admin
            + Sessions
            + Drafts
            + Cases
            + Replay
            + Firewall
            + Monitoring
            + Recommendations
            + Idempotency
            + Protection,
    > Store for T
{
}

/// Every area trait, for code that calls store methods on a concrete backend type (`use
/// sg_store::prelude::*;`); through `dyn Store` they need no import.
pub mod prelude {
    pub use super::{
        Accounts, Admin, Cases, Drafts, Firewall, Idempotency, Monitoring, Protection, Recommendations, Replay,
        Sessions, Store,
    };
}
