//! The audit log: what was done or attempted, by whom, to which case, allowed or refused.
//!
//! Entries form a hash chain: each entry's hash covers its fields and the previous entry's hash,
//! so changing, removing, reordering or inserting any entry breaks every later hash, and a head
//! hash kept outside the system (by a monitor, say) detects a rewritten or truncated log.
//! Entries never hold personal data: ids, codes and short fixed reasons only.

pub mod checkpoint;
pub mod packed;

pub use checkpoint::{AuditSigner, Checkpoint, PublicKey};

use serde::Serialize;
use sha2::{Digest, Sha256};

/// The hash before the first entry.
pub const GENESIS: [u8; 32] = [0; 32];

sg_domain::coded_enum! {
    /// What was done or attempted.
    pub enum AuditAction {
        CaseCreated = ("case-created", "Case created"),
        CaseChanged = ("case-changed", "Case changed"),
        CaseRead = ("case-read", "Case read"),
        IdentityRead = ("identity-read", "Identity read"),
        IdentityErased = ("identity-erased", "Identity erased"),
        ConsentGiven = ("consent-given", "Consent recorded"),
        ConsentWithdrawn = ("consent-withdrawn", "Consent withdrawn"),
        SignIn = ("sign-in", "Signed in"),
        UserCreated = ("user-created", "User created"),
        KeysRotated = ("keys-rotated", "Master key rotated"),
        Export = ("export", "Data exported"),
        RecommendationRecorded = ("recommendation-recorded", "Recommendation or its status recorded"),
        DraftSaved = ("draft-saved", "Referral draft saved"),
        DraftOpened = ("draft-opened", "Referral draft opened"),
        DraftDeleted = ("draft-deleted", "Referral draft deleted"),
        OrganisationCreated = ("organisation-created", "Organisation created"),
        UserDisabled = ("user-disabled", "User disabled"),
        CredentialsReset = ("credentials-reset", "Password and second factor reset, new sign-in code issued"),
        AdminRead = ("admin-read", "Administration page read"),
        AccountChangeRequested = ("account-change-requested", "Account change asked for, awaiting a second administrator"),
        AccountChangeApproved = ("account-change-approved", "Account change approved by a second administrator"),
        AccountChangeDeclined = ("account-change-declined", "Account change declined"),
        TokenRevoked = ("token-revoked", "API token revoked"),
        ConsentConfirmed = ("consent-confirmed", "Consent confirmed by the person or countersigned"),
        EmergencyRequested = ("emergency-requested", "Emergency access requested"),
        EmergencyDecided = ("emergency-decided", "Emergency access approved or declined"),
        BackupTaken = ("backup-taken", "Backup taken"),
        BackupRestored = ("backup-restored", "Backup restored into this database"),
        SignInFailed = ("sign-in-failed", "Sign-in refused"),
        SignOut = ("sign-out", "Signed out"),
        PasswordChanged = ("password-changed", "Password changed"),
        SecondFactorChanged = ("second-factor-changed", "Second factor set up or replaced"),
        IdempotentReplay = ("idempotent-replay", "Request repeated with its idempotency key: the first answer returned"),
    }
}

sg_domain::coded_enum! {
    /// Whether the attempt was allowed.
    pub enum Outcome {
        Allowed = ("allowed", "Allowed"),
        Refused = ("refused", "Refused"),
    }
}

/// An entry before it is chained: what the caller records.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditRecord {
    /// When, in Unix seconds.
    pub at: i64,
    /// Who (a user id), if anyone signed in.
    pub actor: Option<String>,
    /// Their role's code, or "" for none.
    pub role: String,
    /// What.
    pub action: AuditAction,
    /// Which case, if any.
    pub case_id: Option<String>,
    /// Allowed or refused.
    pub outcome: Outcome,
    /// A short reason or purpose: never personal data.
    pub detail: String,
}

/// A stored entry: the record, its position, and its chain hashes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditEntry {
    /// Position in the log, from 1, without gaps.
    pub seq: u64,
    /// The record.
    #[serde(flatten)]
    pub record: AuditRecord,
    /// The previous entry's hash ([`GENESIS`] for the first).
    #[serde(serialize_with = "as_hex")]
    pub prev_hash: [u8; 32],
    /// This entry's hash.
    #[serde(serialize_with = "as_hex")]
    pub hash: [u8; 32],
}

pub(crate) fn as_hex<S: serde::Serializer>(h: &[u8; 32], s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&hex::encode(h))
}

fn field(h: &mut Sha256, bytes: &[u8]) {
    // Length-prefixed, so that no two different records hash the same input.
    h.update((bytes.len() as u64).to_be_bytes());
    h.update(bytes);
}

/// The hash of entry `seq` holding `record`, chained to `prev`.
pub fn entry_hash(seq: u64, prev: &[u8; 32], record: &AuditRecord) -> [u8; 32] {
    use sg_domain::Coded;
    let mut h = Sha256::new();
    h.update(b"safeguard-audit-v1");
    h.update(prev);
    h.update(seq.to_be_bytes());
    h.update(record.at.to_be_bytes());
    field(&mut h, record.actor.as_deref().unwrap_or("").as_bytes());
    field(&mut h, record.role.as_bytes());
    field(&mut h, record.action.code().as_bytes());
    field(&mut h, record.case_id.as_deref().unwrap_or("").as_bytes());
    field(&mut h, record.outcome.code().as_bytes());
    field(&mut h, record.detail.as_bytes());
    h.finalize().into()
}

/// Chains a record after the entry `(seq, hash)` (or after nothing).
pub fn chain(previous: Option<(u64, [u8; 32])>, record: AuditRecord) -> AuditEntry {
    let (seq, prev_hash) = match previous {
        Some((seq, hash)) => (seq + 1, hash),
        None => (1, GENESIS),
    };
    AuditEntry { hash: entry_hash(seq, &prev_hash, &record), seq, record, prev_hash }
}

/// Where a chain is broken.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("audit entry {seq} is broken: {problem}")]
pub struct Broken {
    /// The first entry that does not verify (or the position where one is missing).
    pub seq: u64,
    /// What is wrong.
    pub problem: String,
}

/// Verifies entries read in order from the start of the log; returns how many verified and the
/// head hash. Call [`Verifier::push`] for each entry, then [`Verifier::finish`].
#[derive(Debug, Default)]
pub struct Verifier {
    count: u64,
    head: Option<[u8; 32]>,
}

impl Verifier {
    /// A verifier at the start of the log.
    pub fn new() -> Self {
        Self::default()
    }

    /// Checks the next entry.
    pub fn push(&mut self, e: &AuditEntry) -> Result<(), Broken> {
        let expected_seq = self.count + 1;
        if e.seq != expected_seq {
            return Err(Broken {
                seq: expected_seq,
                problem: format!("expected entry {expected_seq} but found entry {} (missing or reordered)", e.seq),
            });
        }
        let expected_prev = self.head.unwrap_or(GENESIS);
        if e.prev_hash != expected_prev {
            return Err(Broken { seq: e.seq, problem: "its previous-hash does not match the entry before it".into() });
        }
        if entry_hash(e.seq, &e.prev_hash, &e.record) != e.hash {
            return Err(Broken { seq: e.seq, problem: "its contents do not match its hash (altered)".into() });
        }
        self.count = e.seq;
        self.head = Some(e.hash);
        Ok(())
    }

    /// The number of entries verified and the head hash (`None` for an empty log).
    pub fn finish(self) -> (u64, Option<[u8; 32]>) {
        (self.count, self.head)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(i: i64) -> AuditRecord {
        AuditRecord {
            at: 1_700_000_000 + i,
            actor: Some(format!("user-{i}")),
            role: "decision-maker".into(),
            action: AuditAction::IdentityRead,
            case_id: Some("case".into()),
            outcome: Outcome::Allowed,
            detail: "deciding the case".into(),
        }
    }

    fn log(n: i64) -> Vec<AuditEntry> {
        let mut out: Vec<AuditEntry> = vec![];
        for i in 0..n {
            let prev = out.last().map(|e| (e.seq, e.hash));
            out.push(chain(prev, record(i)));
        }
        out
    }

    fn verify(entries: &[AuditEntry]) -> Result<u64, Broken> {
        let mut v = Verifier::new();
        for e in entries {
            v.push(e)?;
        }
        Ok(v.finish().0)
    }

    #[test]
    fn an_intact_log_verifies() {
        assert_eq!(verify(&log(50)), Ok(50));
        assert_eq!(verify(&[]), Ok(0));
    }

    #[test]
    fn an_altered_entry_is_named() {
        let mut l = log(10);
        l[4].record.detail.push('!');
        assert_eq!(verify(&l).unwrap_err().seq, 5);
        let mut l = log(10);
        l[6].record.outcome = Outcome::Refused;
        assert_eq!(verify(&l).unwrap_err().seq, 7);
    }

    #[test]
    fn deleted_reordered_and_rechained_entries_are_detected() {
        let mut l = log(10);
        l.remove(3);
        assert_eq!(verify(&l).unwrap_err().seq, 4);
        let mut l = log(10);
        l.swap(2, 3);
        assert_eq!(verify(&l).unwrap_err().seq, 3);
        // Rewriting an entry and recomputing its own hash still breaks the next link.
        let mut l = log(10);
        l[4].record.detail = "other".into();
        l[4].hash = entry_hash(5, &l[4].prev_hash, &l[4].record);
        assert_eq!(verify(&l).unwrap_err().seq, 6);
    }

    #[test]
    fn truncation_changes_the_head() {
        let l = log(10);
        let mut v = Verifier::new();
        for e in &l[..8] {
            v.push(e).unwrap();
        }
        assert_ne!(v.finish().1, Some(l[9].hash));
    }
}
