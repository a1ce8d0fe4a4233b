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
    /// The server process answering it: it holds the key's lease while it answers, and
    /// renews it (`Idempotency::idempotency_renew`); another process takes the key over only
    /// once the lease has run out (the holder was killed, or lost the database).
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

/// How long a reservation holds without being renewed: a retry of a key reserved by a server
/// that stopped renewing it (killed, or cut off from the database) runs again after this.
/// Servers sharing a database must keep their clocks within `IDEMPOTENCY_LEASE_SECONDS -
/// IDEMPOTENCY_RENEW_SECONDS` of each other (NTP does far better).
pub const IDEMPOTENCY_LEASE_SECONDS: i64 = 30;

/// How often the server answering a request renews its reservation while the request runs:
/// well within the lease, so a live server's reservation never runs out, however long the
/// request takes (the request timeout is a server setting).
pub const IDEMPOTENCY_RENEW_SECONDS: u64 = 10;
