//! The storage interface. The application layer talks only to [`Store`]; each backend
//! (SQLite now, PostgreSQL later) implements it and passes the same conformance tests.
//!
//! Every method that changes a case does it in one transaction: the events are appended, the
//! case's projection row is rewritten, and an idempotency record is kept, or nothing is.

mod records;

pub use records::*;
pub use sg_domain::Coded;

use async_trait::async_trait;
use sg_domain::{CaseId, OrgId, UserId};
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
    /// The database could not be reached or is read-only or full.
    #[error("database unavailable: {0}")]
    Unavailable(String),
    /// Anything else; the message is for logs, never for users.
    #[error("storage error: {0}")]
    Other(String),
}

/// Shorthand for storage results.
pub type StoreResult<T> = Result<T, StoreError>;

/// The storage interface every backend implements.
#[async_trait]
pub trait Store: Send + Sync {
    // --- organisations, users and credentials ---

    /// The organisation with this name, created with `kind` if missing.
    async fn ensure_org(&self, name: &str, kind: OrgKind) -> StoreResult<Organisation>;
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
    /// Stores the hash of a new API token for a user.
    async fn add_api_token(&self, user: UserId, token_hash: &[u8], now: OffsetDateTime) -> StoreResult<()>;
    /// The user owning the API token with this hash.
    async fn user_by_api_token(&self, token_hash: &[u8]) -> StoreResult<Option<User>>;
    /// Stores the hash of a one-time sign-in code.
    async fn add_sign_in_code(&self, user: UserId, code_hash: &[u8], expires_at: OffsetDateTime) -> StoreResult<()>;
    /// Consumes a one-time sign-in code: its user if it exists, is unused and unexpired; it can
    /// never be used again.
    async fn consume_sign_in_code(&self, code_hash: &[u8], now: OffsetDateTime) -> StoreResult<Option<User>>;

    // --- sessions ---

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

    // --- cases ---

    /// Creates a case from its first events, its projection and its identifying record, in one
    /// transaction. With an idempotency key, a repeat of the same request returns the first
    /// result and creates nothing; a different request under the same key is a `Conflict`.
    async fn create_case(&self, case: &NewCase, idempotency: Option<&IdempotencyKey>) -> StoreResult<Created>;
    /// Creates many cases in few transactions (demonstration data, imports).
    async fn create_cases_bulk(&self, cases: &[NewCase]) -> StoreResult<()>;
    /// Appends events to a case whose version is still `expected_version`, rewrites its
    /// projection from `state`, in one transaction; `Conflict` if someone changed it first.
    /// Any vault fields in `change` are written in the same transaction.
    async fn append_events(&self, change: &Append<'_>) -> StoreResult<()>;
    /// A case's header and its whole event stream, oldest first.
    async fn case(&self, id: CaseId) -> StoreResult<Option<CaseRecord>>;
    /// One page of cases matching `filter`, newest referral first, and the total count.
    async fn list_cases(&self, filter: &CaseFilter) -> StoreResult<CasePage>;
    /// Up to `limit` whole cases (header and events) in id order, starting after the case
    /// `after` (from the first case when `None`): for replaying every case, page by page, as the
    /// policy simulation does.
    async fn all_case_events(&self, after: Option<CaseId>, limit: u32) -> StoreResult<Vec<CaseRecord>>;
    /// A field of the identifying record (`identity`, `account`), as stored.
    async fn vault_get(&self, case: CaseId, field: VaultField) -> StoreResult<Option<Vec<u8>>>;
}
