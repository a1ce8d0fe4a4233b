//! Recording and verifying the audit log.

use std::collections::BTreeMap;

use sg_audit::{AuditAction, AuditRecord, Broken, Outcome, Verifier};
use sg_domain::{CaseId, Coded};
use sg_store::User;

use crate::{App, AppError};

/// Audit entries read per page while verifying.
const VERIFY_PAGE: u32 = 10_000;

/// The result of verifying the whole log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verification {
    /// Intact: how many entries, and the head hash (hex) to keep.
    Intact { entries: u64, head: Option<String> },
    /// Broken at an entry.
    Broken(Broken),
}

impl App {
    /// An audit record of `action` by `user` on `case`, now.
    pub fn audit_record(
        &self,
        user: Option<&User>,
        action: AuditAction,
        case: Option<CaseId>,
        outcome: Outcome,
        detail: impl Into<String>,
    ) -> AuditRecord {
        AuditRecord {
            at: self.clock.now().unix_timestamp(),
            actor: user.map(|u| u.id.to_string()),
            role: user.map(|u| u.role.code().to_string()).unwrap_or_default(),
            action,
            case_id: case.map(|c| c.to_string()),
            outcome,
            detail: detail.into(),
        }
    }

    /// Appends one audit record on its own (reads and refusals; changes carry theirs in their
    /// own transaction). A refusal repeated many times in a short window is counted and
    /// summarised instead (`crate::refusals`).
    pub async fn audit(
        &self,
        user: Option<&User>,
        action: AuditAction,
        case: Option<CaseId>,
        outcome: Outcome,
        detail: impl Into<String>,
    ) -> Result<(), AppError> {
        let record = self.audit_record(user, action, case, outcome, detail);
        if outcome == Outcome::Refused {
            // Repetitions are counted, not written one by one (`refusals.rs`).
            return self.audit_refusal(record).await;
        }
        self.store.append_audit(&[record]).await?;
        Ok(())
    }

    /// Audits an API request answered again from its idempotency record (`what`: the method
    /// and path, which hold ids only).
    pub async fn audit_replay(&self, user: &User, what: &str) -> Result<(), AppError> {
        self.audit(Some(user), AuditAction::IdempotentReplay, None, Outcome::Allowed, what).await
    }

    /// Verifies the whole chain from the first entry; with `expected_head`, also checks that a
    /// head hash kept earlier is still in the chain (so the log was not rewritten or truncated).
    pub async fn verify_audit(&self, expected_head: Option<&str>) -> Result<Verification, AppError> {
        self.verify_audit_signed(expected_head, None).await
    }

    /// As [`App::verify_audit`]; with `public`, also checks the signed checkpoints: each must be
    /// signed with that key and match the entry it names, and the last entry must be covered by
    /// one. A log whose entries were deleted or rewritten and whose chain was recomputed fails,
    /// without any head kept earlier.
    pub async fn verify_audit_signed(
        &self,
        expected_head: Option<&str>,
        public: Option<&sg_audit::PublicKey>,
    ) -> Result<Verification, AppError> {
        let checkpoints = match public {
            Some(public) => match self.checkpoints(public).await? {
                Ok(c) => Some(c),
                Err(broken) => return Ok(Verification::Broken(broken)),
            },
            None => None,
        };
        let mut verifier = Verifier::new();
        // Compared as bytes: a head that is not 64 hexadecimal digits matches no entry.
        let expected: Option<Option<[u8; 32]>> = expected_head.map(|h| {
            let mut out = [0u8; 32];
            hex::decode_to_slice(h, &mut out).ok().map(|_| out)
        });
        let mut head_seen = expected.is_none();
        let mut pages = vec![self.store.audit_page(0, VERIFY_PAGE).await?];
        while pages.iter().any(|p| !p.is_empty()) {
            let after = pages.iter().rev().find_map(|p| p.last()).map(|e| e.seq).unwrap_or(0);
            // The next two pages are read on two connections (two threads for SQLite) while
            // these are hashed. Positions have no gaps in an intact log, so the second page
            // starts VERIFY_PAGE after the first; where they do have gaps, the verifier stops
            // at the first one before any later page matters.
            let (first, second, broken) = tokio::join!(
                self.store.audit_page(after, VERIFY_PAGE),
                self.store.audit_page(after + u64::from(VERIFY_PAGE), VERIFY_PAGE),
                async {
                    for e in pages.iter().flatten() {
                        if let Err(broken) = verifier.push(e) {
                            return Some(broken);
                        }
                        if expected == Some(Some(e.hash)) {
                            head_seen = true;
                        }
                        let signed = checkpoints.as_ref().and_then(|c| c.get(&e.seq));
                        if signed.is_some_and(|hash| *hash != e.hash) {
                            return Some(Broken {
                                seq: e.seq,
                                problem: "it differs from the signed checkpoint of this position (rewritten)".into(),
                            });
                        }
                    }
                    None
                }
            );
            if let Some(broken) = broken {
                return Ok(Verification::Broken(broken));
            }
            pages = vec![first?, second?];
        }
        let (entries, head) = verifier.finish();
        if !head_seen {
            return Ok(Verification::Broken(Broken {
                seq: entries + 1,
                problem: "the head hash kept earlier is not in the log: it was rewritten or truncated".into(),
            }));
        }
        if let Some(checkpoints) = &checkpoints {
            let last = checkpoints.keys().next_back().copied().unwrap_or(0);
            if last > entries {
                return Ok(Verification::Broken(Broken {
                    seq: entries + 1,
                    problem: format!("entry {last} was signed but is missing: the log was truncated"),
                }));
            }
            if last < entries {
                return Ok(Verification::Broken(Broken {
                    seq: last + 1,
                    problem: "no signed checkpoint covers it or any later entry: entries were deleted or \
                              rewritten and the chain recomputed, or added without the signing key"
                        .into(),
                }));
            }
        }
        Ok(Verification::Intact { entries, head: head.map(hex::encode) })
    }

    /// Every signed checkpoint's hash, by position. The last one's signature is checked against
    /// `public`: it vouches for the head, and through the chain for every entry before it, so a
    /// checkpoint an attacker adds or keeps cannot cover a rewritten chain. The others locate a
    /// rewrite (their hashes must match their entries); checking each signature would cost one
    /// Ed25519 verification per append and prove nothing more.
    async fn checkpoints(
        &self,
        public: &sg_audit::PublicKey,
    ) -> Result<Result<BTreeMap<u64, [u8; 32]>, Broken>, AppError> {
        let mut out = BTreeMap::new();
        let mut last = None;
        loop {
            let after = out.keys().next_back().copied().unwrap_or(0);
            let page = self.store.audit_checkpoints(after, VERIFY_PAGE).await?;
            let Some(newest) = page.last().cloned() else { break };
            out.extend(page.into_iter().map(|c| (c.seq, c.hash)));
            last = Some(newest);
        }
        if let Some(c) = last.filter(|c| !c.verifies(public)) {
            let problem = "its signed checkpoint does not verify with this public key (forged)".into();
            return Ok(Err(Broken { seq: c.seq, problem }));
        }
        Ok(Ok(out))
    }
}
