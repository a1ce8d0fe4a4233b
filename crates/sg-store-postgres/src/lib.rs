//! The PostgreSQL backend, for a coalition, a region or a nation sharing one database behind
//! several server processes. It implements [`sg_store::Store`] with the same semantics as the
//! SQLite backend; what differs is how writers from several processes are kept apart:
//!
//! - a case's version is read with `SELECT … FOR UPDATE`, so a second writer waits, sees the new
//!   version, and gets `Conflict` (409) instead of overwriting;
//! - audit appends take a transaction-scoped advisory lock before reading the chain's head, so
//!   the one chain is never forked, whichever process appends;
//! - the statistics in `case_marginals` are kept by statement-level triggers that upsert their
//!   rows in key order, so concurrent transactions never lock them in opposite orders.
//!
//! Sessions, sign-in failures and idempotency records live in the database, so any process can
//! serve any request.

mod admin;
mod backup;
mod cases;
mod convert;
mod drafts;
mod emergency;
mod firewall;
mod idempotency;
mod marginals;
mod monitoring;
mod recommendations;
mod replay;
mod sessions;
pub mod testing;
mod users;

use std::str::FromStr;
use std::time::Duration;

pub use backup::{TableDump, TABLES};
use sg_store::StoreError;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};

/// The schema migrations compiled into the binary; same numbers and names as SQLite's.
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// A Safeguard database on a PostgreSQL server.
#[derive(Clone)]
pub struct PgStore {
    pool: PgPool,
}

impl PgStore {
    /// Connects to `url` (`postgres://…`) and brings the schema up to date. Refuses a database
    /// whose schema is newer than this binary.
    pub async fn open(url: &str) -> Result<Self, StoreError> {
        let store = Self::open_without_migrating(url).await?;
        store.migrate().await?;
        Ok(store)
    }

    /// Connects without touching the schema. Fails at once (not on first use) when the server
    /// cannot be reached.
    pub async fn open_without_migrating(url: &str) -> Result<Self, StoreError> {
        let options = PgConnectOptions::from_str(url)
            .map_err(|e| StoreError::Other(format!("bad database URL: {e}")))?
            .application_name("safeguard");
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(options)
            .await
            .map_err(convert::error)?;
        Ok(Self { pool })
    }

    /// Applies any migrations this binary has that the database lacks. sqlx takes an advisory
    /// lock while migrating, so several processes starting at once do not race.
    pub async fn migrate(&self) -> Result<(), StoreError> {
        MIGRATOR.run(&self.pool).await.map_err(|e| match e {
            sqlx::migrate::MigrateError::VersionMissing(v) => StoreError::Other(format!(
                "the database has schema version {v}, which this version of Safeguard does not know: \
                 it was written by a newer Safeguard; upgrade Safeguard instead"
            )),
            other => StoreError::Unavailable(format!("migration failed: {other}")),
        })
    }

    /// The schema version the database is at.
    pub async fn schema_version(&self) -> Result<i64, StoreError> {
        let v: Option<i64> = sqlx::query_scalar("SELECT MAX(version) FROM _sqlx_migrations WHERE success")
            .fetch_one(&self.pool)
            .await
            .map_err(convert::error)?;
        Ok(v.unwrap_or(0))
    }

    /// The connection pool, for backups and tests that inspect the tables.
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    /// Closes the pool.
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

#[async_trait::async_trait]
impl sg_store::Store for PgStore {
    async fn create_org(
        &self,
        org: &sg_store::NewOrg,
        audit: &sg_audit::AuditRecord,
    ) -> sg_store::StoreResult<sg_store::Organisation> {
        admin::create_org(self, org, audit).await
    }
    async fn reset_credentials(
        &self,
        user: sg_domain::UserId,
        code_hash: &[u8],
        now: time::OffsetDateTime,
        expires_at: time::OffsetDateTime,
        audit: &sg_audit::AuditRecord,
    ) -> sg_store::StoreResult<()> {
        admin::reset_credentials(self, user, code_hash, now, expires_at, audit).await
    }
    async fn list_organisations(&self) -> sg_store::StoreResult<Vec<sg_store::OrgSummary>> {
        admin::list_organisations(self).await
    }
    async fn list_users(&self) -> sg_store::StoreResult<Vec<sg_store::UserSummary>> {
        admin::list_users(self).await
    }
    async fn count_person_keys_with_prefix(&self, prefix: &[u8]) -> sg_store::StoreResult<u64> {
        admin::count_person_keys_with_prefix(self, prefix).await
    }
    async fn ensure_org(&self, name: &str, kind: sg_store::OrgKind) -> sg_store::StoreResult<sg_store::Organisation> {
        users::ensure_org(self, name, kind).await
    }
    async fn org(&self, id: sg_domain::OrgId) -> sg_store::StoreResult<Option<sg_store::Organisation>> {
        users::org(self, id).await
    }
    async fn create_user(&self, user: &sg_store::NewUser) -> sg_store::StoreResult<sg_store::User> {
        users::create_user(self, user).await
    }
    async fn user(&self, id: sg_domain::UserId) -> sg_store::StoreResult<Option<sg_store::User>> {
        users::user(self, id).await
    }
    async fn user_by_name(&self, name: &str) -> sg_store::StoreResult<Option<(sg_store::User, Option<String>)>> {
        users::user_by_name(self, name).await
    }
    async fn count_users_with_role(&self, role: sg_domain::Role) -> sg_store::StoreResult<u64> {
        users::count_users_with_role(self, role).await
    }
    async fn set_password_hash(&self, user: sg_domain::UserId, hash: &str) -> sg_store::StoreResult<()> {
        users::set_password_hash(self, user, hash).await
    }
    async fn add_api_token(
        &self,
        user: sg_domain::UserId,
        token_hash: &[u8],
        now: time::OffsetDateTime,
    ) -> sg_store::StoreResult<()> {
        users::add_api_token(self, user, token_hash, now).await
    }
    async fn user_by_api_token(&self, token_hash: &[u8]) -> sg_store::StoreResult<Option<sg_store::User>> {
        users::user_by_api_token(self, token_hash).await
    }
    async fn add_sign_in_code(
        &self,
        user: sg_domain::UserId,
        code_hash: &[u8],
        expires_at: time::OffsetDateTime,
    ) -> sg_store::StoreResult<()> {
        users::add_sign_in_code(self, user, code_hash, expires_at).await
    }
    async fn consume_sign_in_code(
        &self,
        code_hash: &[u8],
        now: time::OffsetDateTime,
    ) -> sg_store::StoreResult<Option<sg_store::User>> {
        users::consume_sign_in_code(self, code_hash, now).await
    }
    async fn create_session(&self, session: &sg_store::Session) -> sg_store::StoreResult<()> {
        sessions::create(self, session).await
    }
    async fn session(&self, token_hash: &[u8]) -> sg_store::StoreResult<Option<sg_store::Session>> {
        sessions::get(self, token_hash).await
    }
    async fn update_session(
        &self,
        token_hash: &[u8],
        last_seen: time::OffsetDateTime,
        draft: Option<&str>,
    ) -> sg_store::StoreResult<()> {
        sessions::update(self, token_hash, last_seen, draft).await
    }
    async fn delete_session(&self, token_hash: &[u8]) -> sg_store::StoreResult<()> {
        sessions::delete(self, token_hash).await
    }
    async fn save_referral_draft(
        &self,
        draft: &sg_store::ReferralDraft,
        audit: &sg_audit::AuditRecord,
    ) -> sg_store::StoreResult<()> {
        drafts::save(self, draft, audit).await
    }
    async fn referral_draft(&self, id: uuid::Uuid) -> sg_store::StoreResult<Option<sg_store::ReferralDraft>> {
        drafts::get(self, id).await
    }
    async fn referral_drafts(
        &self,
        user: sg_domain::UserId,
        since: time::OffsetDateTime,
    ) -> sg_store::StoreResult<Vec<sg_store::ReferralDraft>> {
        drafts::list(self, user, since).await
    }
    async fn delete_referral_draft(
        &self,
        id: uuid::Uuid,
        user: sg_domain::UserId,
        audit: &sg_audit::AuditRecord,
    ) -> sg_store::StoreResult<bool> {
        drafts::delete(self, id, user, audit).await
    }
    async fn delete_referral_drafts_before(&self, before: time::OffsetDateTime) -> sg_store::StoreResult<u64> {
        drafts::delete_before(self, before).await
    }
    async fn create_case(
        &self,
        case: &sg_store::NewCase,
        idempotency: Option<&sg_store::IdempotencyKey>,
    ) -> sg_store::StoreResult<sg_store::Created> {
        cases::create_case(self, case, idempotency).await
    }
    async fn create_cases_bulk(&self, cases: &[sg_store::NewCase]) -> sg_store::StoreResult<()> {
        cases::create_cases_bulk(self, cases).await
    }
    async fn append_events(&self, change: &sg_store::Append<'_>) -> sg_store::StoreResult<()> {
        cases::append_events(self, change).await
    }
    async fn case(&self, id: sg_domain::CaseId) -> sg_store::StoreResult<Option<sg_store::CaseRecord>> {
        cases::case(self, id).await
    }
    async fn all_case_events(
        &self,
        after: Option<sg_domain::CaseId>,
        limit: u32,
    ) -> sg_store::StoreResult<Vec<sg_store::CaseRecord>> {
        replay::all_case_events(self, after, limit).await
    }
    async fn cases_without_next_due(&self, limit: u32) -> sg_store::StoreResult<Vec<sg_store::CaseRecord>> {
        replay::cases_without_next_due(self, limit).await
    }
    async fn set_next_due(&self, updates: &[sg_store::NextDueUpdate]) -> sg_store::StoreResult<()> {
        replay::set_next_due(self, updates).await
    }
    async fn list_cases(&self, filter: &sg_store::CaseFilter) -> sg_store::StoreResult<sg_store::CasePage> {
        cases::list_cases(self, filter).await
    }
    async fn vault_get(
        &self,
        case: sg_domain::CaseId,
        field: sg_store::VaultField,
    ) -> sg_store::StoreResult<Option<Vec<u8>>> {
        cases::vault_get(self, case, field).await
    }
    async fn org_by_name(&self, name: &str) -> sg_store::StoreResult<Option<sg_store::Organisation>> {
        firewall::org_by_name(self, name).await
    }
    async fn person_key(&self, case: sg_domain::CaseId) -> sg_store::StoreResult<Option<Vec<u8>>> {
        firewall::person_key(self, case).await
    }
    async fn erase_person(&self, case: sg_domain::CaseId, audit: &sg_audit::AuditRecord) -> sg_store::StoreResult<()> {
        firewall::erase_person(self, case, audit).await
    }
    async fn person_keys_page(
        &self,
        after: Option<sg_domain::CaseId>,
        limit: u32,
    ) -> sg_store::StoreResult<Vec<(sg_domain::CaseId, Vec<u8>)>> {
        firewall::person_keys_page(self, after, limit).await
    }
    async fn replace_person_keys(&self, keys: &[(sg_domain::CaseId, Vec<u8>)]) -> sg_store::StoreResult<()> {
        firewall::replace_person_keys(self, keys).await
    }
    async fn add_consent(
        &self,
        consent: &sg_domain::Consent,
        recorded_by: sg_domain::UserId,
        audit: &sg_audit::AuditRecord,
    ) -> sg_store::StoreResult<()> {
        firewall::add_consent(self, consent, recorded_by, audit).await
    }
    async fn withdraw_consent(
        &self,
        case: sg_domain::CaseId,
        consent: uuid::Uuid,
        at: time::OffsetDateTime,
        audit: &sg_audit::AuditRecord,
    ) -> sg_store::StoreResult<bool> {
        firewall::withdraw_consent(self, case, consent, at, audit).await
    }
    async fn consents(&self, case: sg_domain::CaseId) -> sg_store::StoreResult<Vec<sg_domain::Consent>> {
        firewall::consents(self, case).await
    }
    async fn confirm_consent(
        &self,
        case: sg_domain::CaseId,
        consent: uuid::Uuid,
        confirmation: &sg_store::ConsentConfirmation,
        audit: &sg_audit::AuditRecord,
    ) -> sg_store::StoreResult<bool> {
        firewall::confirm_consent(self, case, consent, confirmation, audit).await
    }
    async fn add_emergency_request(
        &self,
        request: &sg_domain::EmergencyRequest,
        audit: &sg_audit::AuditRecord,
    ) -> sg_store::StoreResult<()> {
        emergency::add(self, request, audit).await
    }
    async fn decide_emergency_request(
        &self,
        case: sg_domain::CaseId,
        request: uuid::Uuid,
        decision: &sg_store::EmergencyDecisionRecord,
        audit: &sg_audit::AuditRecord,
    ) -> sg_store::StoreResult<bool> {
        emergency::decide(self, case, request, decision, audit).await
    }
    async fn emergency_requests(
        &self,
        case: sg_domain::CaseId,
    ) -> sg_store::StoreResult<Vec<sg_domain::EmergencyRequest>> {
        emergency::list(self, case).await
    }
    async fn append_audit(&self, records: &[sg_audit::AuditRecord]) -> sg_store::StoreResult<()> {
        firewall::append_audit(self, records).await
    }
    async fn audit_page(&self, after: u64, limit: u32) -> sg_store::StoreResult<Vec<sg_audit::AuditEntry>> {
        firewall::audit_page(self, after, limit).await
    }
    async fn audit_for_case(&self, case: sg_domain::CaseId) -> sg_store::StoreResult<Vec<sg_audit::AuditEntry>> {
        firewall::audit_for_case(self, case).await
    }
    async fn set_totp_secret(&self, user: sg_domain::UserId, sealed: &[u8]) -> sg_store::StoreResult<()> {
        users::set_totp_secret(self, user, sealed).await
    }
    async fn totp_secret(&self, user: sg_domain::UserId) -> sg_store::StoreResult<Option<Vec<u8>>> {
        users::totp_secret(self, user).await
    }
    async fn set_user_disabled(
        &self,
        user: sg_domain::UserId,
        at: Option<time::OffsetDateTime>,
    ) -> sg_store::StoreResult<()> {
        users::set_user_disabled(self, user, at).await
    }
    async fn record_sign_in_failure(&self, name_hash: &[u8], at: time::OffsetDateTime) -> sg_store::StoreResult<()> {
        users::record_sign_in_failure(self, name_hash, at).await
    }
    async fn sign_in_failures_since(
        &self,
        name_hash: &[u8],
        since: time::OffsetDateTime,
    ) -> sg_store::StoreResult<u64> {
        users::sign_in_failures_since(self, name_hash, since).await
    }
    async fn complete_second_factor(&self, token_hash: &[u8]) -> sg_store::StoreResult<()> {
        sessions::complete_second_factor(self, token_hash).await
    }
    async fn add_survivor_code(
        &self,
        case: sg_domain::CaseId,
        code_hash: &[u8],
        expires_at: time::OffsetDateTime,
    ) -> sg_store::StoreResult<()> {
        firewall::add_survivor_code(self, case, code_hash, expires_at).await
    }
    async fn open_survivor_session(
        &self,
        code_hash: &[u8],
        token_hash: &[u8],
        csrf: &str,
        now: time::OffsetDateTime,
    ) -> sg_store::StoreResult<Option<sg_domain::CaseId>> {
        firewall::open_survivor_session(self, code_hash, token_hash, csrf, now).await
    }
    async fn survivor_session(
        &self,
        token_hash: &[u8],
        not_before: time::OffsetDateTime,
    ) -> sg_store::StoreResult<Option<(sg_domain::CaseId, String)>> {
        firewall::survivor_session(self, token_hash, not_before).await
    }
    async fn identified_cases_inactive_since(
        &self,
        before: time::Date,
        limit: u32,
    ) -> sg_store::StoreResult<Vec<sg_domain::CaseId>> {
        firewall::identified_cases_inactive_since(self, before, limit).await
    }
    async fn dtn_code_case(&self, code_hash: &[u8]) -> sg_store::StoreResult<Option<sg_domain::CaseId>> {
        firewall::dtn_code_case(self, code_hash).await
    }
    async fn case_rows(
        &self,
        after: i64,
        limit: u32,
    ) -> sg_store::StoreResult<(Vec<sg_stats::cells::CaseRow>, Option<i64>)> {
        monitoring::case_rows(self, after, limit).await
    }
    async fn case_tables(&self) -> sg_store::StoreResult<Vec<sg_stats::Table>> {
        crate::marginals::case_tables(self).await
    }
    async fn save_dataset(&self, dataset: &sg_store::NewDataset) -> sg_store::StoreResult<sg_store::DatasetVersion> {
        monitoring::save_dataset(self, dataset).await
    }
    async fn datasets(&self) -> sg_store::StoreResult<Vec<sg_store::DatasetVersion>> {
        monitoring::datasets(self).await
    }
    async fn dataset_tables(
        &self,
        name: &str,
        version: Option<u32>,
    ) -> sg_store::StoreResult<Option<(sg_store::DatasetVersion, Vec<sg_stats::Table>)>> {
        monitoring::dataset_tables(self, name, version).await
    }
    async fn record_publication(&self, publication: &sg_store::Publication) -> sg_store::StoreResult<()> {
        monitoring::record_publication(self, publication).await
    }
    async fn publications(&self, limit: u32) -> sg_store::StoreResult<Vec<sg_store::Publication>> {
        monitoring::publications(self, limit).await
    }
    async fn idempotency_start(
        &self,
        request: &sg_store::IdempotentRequest<'_>,
    ) -> sg_store::StoreResult<sg_store::IdempotentStart> {
        idempotency::start(self, request).await
    }
    async fn idempotency_finish(
        &self,
        user: sg_domain::UserId,
        key: &str,
        status: u16,
        body: &[u8],
    ) -> sg_store::StoreResult<()> {
        idempotency::finish(self, user, key, status, body).await
    }
    async fn idempotency_abandon(&self, user: sg_domain::UserId, key: &str) -> sg_store::StoreResult<()> {
        idempotency::abandon(self, user, key).await
    }
    async fn set_org_competent_authority(
        &self,
        org: sg_domain::OrgId,
        authority: sg_domain::CompetentAuthority,
    ) -> sg_store::StoreResult<()> {
        users::set_org_competent_authority(self, org, authority).await
    }
    async fn add_recommendations(
        &self,
        recommendations: &[sg_store::Recommendation],
        statuses: &[sg_store::StatusRecord],
    ) -> sg_store::StoreResult<()> {
        recommendations::add_recommendations(self, recommendations, statuses).await
    }
    async fn add_recommendation_status(&self, status: &sg_store::StatusRecord) -> sg_store::StoreResult<()> {
        recommendations::add_status(self, status).await
    }
    async fn recommendations(&self) -> sg_store::StoreResult<Vec<sg_store::RecommendationHistory>> {
        recommendations::recommendations(self).await
    }
}
