//! Safeguard's application layer: the use cases, one function per thing a user means to do.
//!
//! Each use case checks who is asking ([`access`]), parses and validates input into domain
//! values, asks the domain whether the change is allowed, and hands the resulting events to the
//! store in one transaction. Nothing here knows about HTTP or SQL.

pub mod access;
pub mod actions;
pub mod admin;
pub mod approvals;
pub mod audit;
pub mod auth;
pub mod case_actions;
pub mod case_text;
pub mod cases;
pub mod consents;
pub mod conversion;
pub mod demo;
pub mod drafts;
pub mod emergency;
pub mod erasure;
mod error;
pub mod kept_forms;
pub mod messages;
pub mod monitoring;
pub mod password;
pub mod protection;
pub mod queue;
pub mod recommendations;
pub mod referrals;
mod refusal;
pub mod refusals;
pub mod relationships;
pub mod second_factor;
pub mod simulate;
pub mod survivor;
pub mod survivor_code;
pub mod survivor_status;
pub mod throttle;
pub mod vault;

use std::sync::Arc;

pub use error::AppError;
pub use refusal::Refusal;
use sg_store::Store;
use time::{Date, OffsetDateTime};

/// Where the application gets the time from; tests substitute a fixed clock.
pub trait Clock: Send + Sync {
    /// The current instant.
    fn now(&self) -> OffsetDateTime;
    /// Today's date (UTC).
    fn today(&self) -> Date {
        self.now().date()
    }
}

/// The real clock.
#[derive(Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> OffsetDateTime {
        OffsetDateTime::now_utc()
    }
}

/// The application: a store, the master keys and a clock, shared by every request.
#[derive(Clone)]
pub struct App {
    /// The database.
    pub store: Arc<dyn Store>,
    /// The master keys that wrap each person's data key; kept outside the database.
    pub keys: Arc<sg_crypto::KeyRing>,
    /// The time source.
    pub clock: Arc<dyn Clock>,
    /// When each master key's file was written, by key id, where known (the administrator's
    /// keys page shows it; the key ring itself holds no dates).
    pub key_created: Arc<std::collections::BTreeMap<String, OffsetDateTime>>,
    /// Refusals held back from the audit log and counted (`refusals.rs`), shared by every
    /// request of this process.
    pub refusals: Arc<refusals::RefusalLog>,
    /// Simulations already run, by data version (`simulate.rs`).
    pub simulations: Arc<simulate::SimulationCache>,
    /// How long a browser session lasts without activity ([`auth::SESSION_IDLE_TIMEOUT`] unless
    /// the operator shortens it, as the browser suite does).
    pub session_idle: time::Duration,
    /// Keys the fingerprints of requests kept for idempotency (`protection.rs`); kept outside
    /// the database. A random one unless the binary loads the key file.
    pub fingerprint_key: Arc<sg_crypto::FingerprintKey>,
    /// Signs checkpoints of the audit chain's head; kept outside the database. `None`: no
    /// checkpoints are signed (tests, read-only tools).
    pub audit_signer: Option<Arc<sg_audit::AuditSigner>>,
}

impl App {
    /// An application over `store` and `keys` with the system clock.
    pub fn new(store: Arc<dyn Store>, keys: sg_crypto::KeyRing) -> Self {
        Self {
            store,
            keys: Arc::new(keys),
            clock: Arc::new(SystemClock),
            key_created: Arc::default(),
            refusals: Arc::default(),
            simulations: Arc::default(),
            session_idle: auth::SESSION_IDLE_TIMEOUT,
            fingerprint_key: Arc::new(sg_crypto::FingerprintKey::generate()),
            audit_signer: None,
        }
    }
}
