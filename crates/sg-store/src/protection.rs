//! What protects the database at rest with keys kept outside it: the re-keying of idempotency
//! records written before their fingerprints were keyed, and the signed checkpoints of the
//! audit chain, and the sealing of case reasons written before they were sealed.

use async_trait::async_trait;
use sg_audit::Checkpoint;
use sg_domain::{CaseEvent, CaseId};

use crate::StoreResult;

/// An event stored before migration 0020 that may hold a plaintext reason: where it is, and
/// the event (given back with its reason sealed to [`Protection::seal_case_texts`]).
#[derive(Debug, Clone)]
pub struct PlainCaseText {
    /// The case.
    pub case: CaseId,
    /// Its position in the case's events.
    pub seq: u32,
    /// The event as stored.
    pub event: CaseEvent,
}

/// Turns an unkeyed SHA-256 fingerprint into a keyed one.
pub type Rekey<'a> = &'a (dyn Fn(&[u8]) -> Vec<u8> + Send + Sync);

/// Seals a kept answer; given the user id and key it belongs to, and the answer.
pub type SealAnswer<'a> = &'a (dyn Fn(&str, &str, &[u8]) -> Vec<u8> + Send + Sync);

/// Keys outside the database, applied to what is stored (`protection.rs`).
#[async_trait]
pub trait Protection: Send + Sync {
    /// Re-keys every idempotency fingerprint stored unkeyed (before migration 0020) and seals
    /// every kept answer stored in the clear, in one transaction; how many rows changed.
    async fn rekey_idempotency(&self, rekey: Rekey<'_>, seal: SealAnswer<'_>) -> StoreResult<u64>;
    /// Stores a signed checkpoint of the audit chain (checkpoints are append-only; one for a
    /// position already signed is ignored).
    async fn add_audit_checkpoint(&self, checkpoint: &Checkpoint) -> StoreResult<()>;
    /// The checkpoint of the highest position, if any.
    async fn last_audit_checkpoint(&self) -> StoreResult<Option<Checkpoint>>;
    /// Checkpoints after position `after`, in order, at most `limit`.
    async fn audit_checkpoints(&self, after: u64, limit: u32) -> StoreResult<Vec<Checkpoint>>;
    /// Events stored before migration 0020 that may still hold a plaintext reason (marked by
    /// migration 0023), at most `limit`, by case and position.
    async fn plain_case_texts(&self, limit: u32) -> StoreResult<Vec<PlainCaseText>>;
    /// Rewrites marked events with their reasons sealed and clears their mark, storing the
    /// wrapped data keys of cases that had none, in one transaction; then (SQLite) empties the
    /// WAL, so the plaintext is in neither the file (`secure_delete`) nor its WAL.
    async fn seal_case_texts(&self, sealed: &[PlainCaseText], new_keys: &[(CaseId, Vec<u8>)]) -> StoreResult<()>;
}
