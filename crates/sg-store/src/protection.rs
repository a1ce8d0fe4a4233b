//! What protects the database at rest with keys kept outside it: the re-keying of idempotency
//! records written before their fingerprints were keyed, and the signed checkpoints of the
//! audit chain.

use async_trait::async_trait;
use sg_audit::Checkpoint;

use crate::StoreResult;

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
}
