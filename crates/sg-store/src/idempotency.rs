//! `Idempotency-Key` records for the state-changing API calls other than a referral (whose key
//! is stored with its case, see `Store::create_case`): the first successful answer is kept and
//! replayed to a retry.

use sg_domain::UserId;
use time::OffsetDateTime;

/// A request carrying an `Idempotency-Key`, about to be answered.
#[derive(Debug, Clone)]
pub struct IdempotentRequest<'a> {
    /// Whose key: keys are scoped to one user.
    pub user: UserId,
    /// The key as sent.
    pub key: &'a str,
    /// A hash of the method, path and body, to tell a retry from a different request.
    pub fingerprint: &'a [u8],
    /// The server process answering it: a record left unfinished by another process (one
    /// that was killed) may be taken over at once.
    pub owner: &'a str,
    /// When.
    pub now: OffsetDateTime,
}

/// What to do with a request carrying an `Idempotency-Key`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdempotentStart {
    /// First time (or an earlier attempt was abandoned): answer it, then `idempotency_finish`.
    Started,
    /// Answered before: send this answer again.
    Replay {
        /// The HTTP status.
        status: u16,
        /// The JSON body.
        body: Vec<u8>,
    },
    /// The same key is being answered right now by another request.
    InProgress,
    /// The key was used for a different request.
    Mismatch,
}

/// How long an unfinished record of the same process blocks a retry (after that it is taken
/// to be abandoned).
pub const IDEMPOTENCY_PENDING_SECONDS: i64 = 60;
