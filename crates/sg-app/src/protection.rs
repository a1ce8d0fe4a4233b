//! Keys kept outside the database, applied to what is stored: request fingerprints keyed with
//! the fingerprint key, kept API answers sealed under the master key, and the audit chain's
//! head signed with the audit signing key.

use sg_audit::{entry_hash, Broken, Checkpoint, GENESIS};

use crate::{App, AppError};

/// Audit entries read per page while checking the entries a new checkpoint covers.
const SIGN_PAGE: u32 = 10_000;

fn answer_aad(user: &str, key: &str) -> Vec<u8> {
    format!("api-idempotency|{user}|{key}").into_bytes()
}

impl App {
    /// The stored fingerprint of a request whose SHA-256 digest is `digest`: keyed, so that a
    /// copy of the database does not let anyone test guesses of a name and date of birth.
    pub fn request_fingerprint(&self, digest: &[u8]) -> Vec<u8> {
        self.fingerprint_key.fingerprint(digest)
    }

    /// Seals a kept answer (it may hold names) under the master key, bound to its user and key.
    pub fn seal_answer(&self, user: &str, key: &str, body: &[u8]) -> Vec<u8> {
        self.keys.seal(body, &answer_aad(user, key))
    }

    /// Opens a kept answer; `None` when it cannot be opened (then it is not replayed).
    pub fn open_answer(&self, user: &str, key: &str, sealed: &[u8]) -> Option<Vec<u8>> {
        self.keys.open(sealed, &answer_aad(user, key)).ok()
    }

    /// Re-keys idempotency records stored before their fingerprints were keyed and seals their
    /// answers; run when the binary opens a database. How many rows changed.
    pub async fn rekey_idempotency(&self) -> Result<u64, AppError> {
        let rekey = |digest: &[u8]| self.request_fingerprint(digest);
        let seal = |user: &str, key: &str, body: &[u8]| self.seal_answer(user, key, body);
        Ok(self.store.rekey_idempotency(&rekey, &seal).await?)
    }

    /// Signs the audit chain's head, when it moved since the last checkpoint and there is a
    /// signing key. The entries since the last checkpoint are checked first: they must follow
    /// on from the signed head, so a chain rewritten behind a checkpoint is never signed.
    /// Returns the new checkpoint; `Err` with the broken entry when the check fails.
    pub async fn sign_audit_head(&self) -> Result<Option<Checkpoint>, AppError> {
        let Some(signer) = self.audit_signer.as_deref() else { return Ok(None) };
        let last = self.store.last_audit_checkpoint().await?;
        if let Some(last) = &last {
            if !last.verifies(&signer.public_key()) {
                return Err(AppError::Internal(format!(
                    "the audit checkpoint of entry {} is not signed by this audit signing key",
                    last.seq
                )));
            }
        }
        let (start, mut head) = last.map(|c| (c.seq, c.hash)).unwrap_or((0, GENESIS));
        let mut seq = start;
        loop {
            let page = self.store.audit_page(seq, SIGN_PAGE).await?;
            if page.is_empty() {
                break;
            }
            for e in &page {
                let problem = if e.seq != seq + 1 {
                    Some("an entry is missing before it")
                } else if e.prev_hash != head {
                    Some("it does not follow on from the last signed checkpoint")
                } else if entry_hash(e.seq, &e.prev_hash, &e.record) != e.hash {
                    Some("its contents do not match its hash (altered)")
                } else {
                    None
                };
                if let Some(problem) = problem {
                    let broken = Broken { seq: seq + 1, problem: problem.into() };
                    return Err(AppError::Internal(format!("not signing the audit head: {broken}")));
                }
                seq = e.seq;
                head = e.hash;
            }
        }
        if seq == start {
            return Ok(None);
        }
        let checkpoint = signer.sign(seq, head, self.clock.now().unix_timestamp());
        self.store.add_audit_checkpoint(&checkpoint).await?;
        Ok(Some(checkpoint))
    }
}
