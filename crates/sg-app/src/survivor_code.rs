//! Survivor codes (issue 20): what a caseworker gives a person for their own view, made to be
//! read off a printed slip and typed on a borrowed phone.
//!
//! - Twelve characters of Crockford's base 32 (digits and letters without I, L, O and U), shown
//!   in groups of four; typed in any case, with or without spaces and hyphens, and with O for 0
//!   and I or L for 1. 60 random bits from the OS-seeded generator `new_secret` uses too.
//! - Stored only as an HMAC under the fingerprint key (in the key directory, not the
//!   database): 60 bits hashed plainly could be found from a stolen database by trying them.
//! - Reusable until the caseworker ends it, a new code replaces it (one live code per case), or
//!   [`SURVIVOR_CODE_LIFETIME`] passes; the person's erasure or withdrawn case ends it too.
//! - Wrong codes are throttled per client address and over all addresses, in the database's
//!   `sign_in_throttle` (shared by every `serve` process on it), under keyed keys.

use std::net::IpAddr;

use rand::RngCore;
use sg_audit::{AuditAction, AuditRecord, Outcome};
use sg_domain::{CaseId, CaseStatus};
use sg_store::{ThrottleRule, User};
use time::{Duration, OffsetDateTime};

use crate::auth::{hash_secret, new_secret};
use crate::{access, App, AppError, Refusal};

/// The characters of a code: Crockford's base 32, with no I, L, O or U to misread.
pub const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
/// How many characters a code has (60 bits).
pub const CODE_LENGTH: usize = 12;
/// How long a code works unless ended first: long enough for a person in the recovery period
/// (and a reconsideration) to come back many times without a new slip.
pub const SURVIVOR_CODE_LIFETIME: Duration = Duration::days(90);
/// Wrong codes from one address before it must wait.
pub const ADDRESS_FREE: i64 = 5;
/// How long an address waits after its wrong codes (doubling up to an hour if it goes on).
pub const ADDRESS_WAIT: Duration = Duration::minutes(15);
/// Wrong codes over all addresses, within a minute of each other, before everyone waits.
pub const GLOBAL_FREE: i64 = 120;

/// A new code, without its hyphens.
pub fn new_code() -> String {
    let mut bytes = [0u8; CODE_LENGTH];
    rand::rng().fill_bytes(&mut bytes);
    // 256 is a multiple of 32, so each byte's low five bits are uniform.
    bytes.iter().map(|b| ALPHABET[usize::from(b & 31)] as char).collect()
}

/// A code as shown and printed: `K7QM-3WXD-9HPA`.
pub fn grouped(code: &str) -> String {
    let chars: Vec<char> = code.chars().collect();
    chars.chunks(4).map(|c| c.iter().collect::<String>()).collect::<Vec<_>>().join("-")
}

/// A typed code in its stored form, or `None` when it cannot be a code: case ignored, spaces
/// and hyphens dropped, O read as 0 and I or L as 1 (Crockford's reading).
pub fn normalise(typed: &str) -> Option<String> {
    let mut out = String::with_capacity(CODE_LENGTH);
    for c in typed.chars() {
        let c = match c.to_ascii_uppercase() {
            c if c.is_whitespace() || c == '-' => continue,
            'O' => '0',
            'I' | 'L' => '1',
            c if c.is_ascii() && ALPHABET.contains(&(c as u8)) => c,
            _ => return None,
        };
        out.push(c);
    }
    (out.len() == CODE_LENGTH).then_some(out)
}

/// The throttle's two rules for a code typed from `client`, with unkeyed digests as keys.
fn rules(client: IpAddr) -> [ThrottleRule; 2] {
    [
        ThrottleRule {
            key: hash_secret(&format!("safeguard/survivor-code/address/{client}")),
            free: ADDRESS_FREE,
            first_wait: ADDRESS_WAIT,
            max_wait: Duration::hours(1),
            forget_after: Duration::hours(1),
        },
        ThrottleRule {
            key: hash_secret("safeguard/survivor-code/all"),
            free: GLOBAL_FREE,
            first_wait: Duration::seconds(5),
            max_wait: Duration::minutes(1),
            forget_after: Duration::minutes(1),
        },
    ]
}

/// A code given to a person: as shown (grouped) and its last day of use.
#[derive(Debug, Clone)]
pub struct IssuedCode {
    /// The code, grouped for reading.
    pub code: String,
    /// When it stops working unless ended first.
    pub expires_at: OffsetDateTime,
}

impl App {
    /// The stored form of a code: HMAC-SHA256 under the fingerprint key.
    pub fn survivor_code_hash(&self, code: &str) -> Vec<u8> {
        self.request_fingerprint(&hash_secret(&format!("safeguard/survivor-code/v2/{code}")))
    }

    /// Gives the person a code for their own view (by someone who records consents); the
    /// case's earlier code stops working.
    pub async fn issue_survivor_code(&self, user: &User, case: CaseId) -> Result<IssuedCode, AppError> {
        let record = self.visible_case(user, case).await?;
        if !access::can_manage_consents(user, &record) {
            return Err(AppError::Forbidden(Refusal::OnlyCaseworkersGiveCodes));
        }
        let code = new_code();
        let (now, expires_at) = (self.clock.now(), self.clock.now() + SURVIVOR_CODE_LIFETIME);
        self.store.add_survivor_code(case, &self.survivor_code_hash(&code), now, expires_at).await?;
        self.audit(Some(user), AuditAction::CaseRead, Some(case), Outcome::Allowed, "survivor code issued").await?;
        Ok(IssuedCode { code: grouped(&code), expires_at })
    }

    /// Whether `code` is the case's live code (the printable slip is made only for it).
    pub async fn is_live_survivor_code(&self, user: &User, case: CaseId, code: &str) -> Result<bool, AppError> {
        let record = self.visible_case(user, case).await?;
        if !access::can_manage_consents(user, &record) {
            return Err(AppError::Forbidden(Refusal::OnlyCaseworkersGiveCodes));
        }
        let Some(code) = normalise(code) else { return Ok(false) };
        let found = self.store.survivor_code_case(&self.survivor_code_hash(&code), self.clock.now()).await?;
        Ok(found == Some(case))
    }

    /// When the case's live code stops working, if it has one (for its caseworkers).
    pub async fn live_survivor_code(&self, user: &User, case: CaseId) -> Result<Option<OffsetDateTime>, AppError> {
        let record = self.visible_case(user, case).await?;
        if !access::can_manage_consents(user, &record) {
            return Err(AppError::Forbidden(Refusal::OnlyCaseworkersGiveCodes));
        }
        Ok(self.store.live_survivor_code(case, self.clock.now()).await?)
    }

    /// Ends the case's code and the sessions opened with it; whether there was a live one.
    pub async fn end_survivor_code(&self, user: &User, case: CaseId) -> Result<bool, AppError> {
        let record = self.visible_case(user, case).await?;
        if !access::can_manage_consents(user, &record) {
            return Err(AppError::Forbidden(Refusal::OnlyCaseworkersGiveCodes));
        }
        let ended = self.store.end_survivor_codes(case, self.clock.now()).await?;
        if ended {
            self.audit(Some(user), AuditAction::CaseChanged, Some(case), Outcome::Allowed, crate::survivor::CODE_ENDED)
                .await?;
        }
        Ok(ended)
    }

    /// Opens the person's view with a code typed from `client`: the session token and form
    /// token. Refused while the address (or everyone) must wait after wrong codes.
    pub async fn open_survivor_view(&self, typed: &str, client: IpAddr) -> Result<(String, String), AppError> {
        let code = normalise(typed).ok_or(AppError::Forbidden(Refusal::SurvivorCodeInvalid))?;
        let rules = rules(client).map(|r| ThrottleRule { key: self.request_fingerprint(&r.key), ..r });
        let now = self.clock.now();
        if let Some(wait) = self.store.take_sign_in_attempt(&rules, now).await? {
            return Err(AppError::Forbidden(Refusal::TooManyAttempts { seconds: wait.whole_seconds().max(1) }));
        }
        let hash = self.survivor_code_hash(&code);
        let Some(case) = self.store.survivor_code_case(&hash, now).await? else {
            return Err(AppError::Forbidden(Refusal::SurvivorCodeInvalid));
        };
        // A right code: the address's wrong codes were the person's own slips (an attacker
        // would need a live code to clear them, and each use is in the person's trail), and
        // the count over everyone takes the attempt back.
        let [address, all] = rules;
        self.store.sign_in_succeeded(&[address.key], &[all.key]).await?;
        let state = self.case_record(case).await?.map(|r| crate::cases::state_of(&r)).transpose()?;
        if state.is_none_or(|s| s.status() == CaseStatus::Withdrawn) {
            // The person left the NRM: their code stops with the case.
            self.store.end_survivor_codes(case, now).await?;
            return Err(AppError::Forbidden(Refusal::SurvivorCodeInvalid));
        }
        let (token, csrf) = (new_secret(), new_secret());
        self.store
            .open_survivor_session(&hash, &hash_secret(&token), &csrf, now)
            .await?
            .ok_or(AppError::Forbidden(Refusal::SurvivorCodeInvalid))?;
        self.audit(None, AuditAction::CaseRead, Some(case), Outcome::Allowed, crate::survivor::OWN_VIEW).await?;
        Ok((token, csrf))
    }

    /// Ends a survivor's session (`quick`: the quick exit, else signing out), recorded in the
    /// case's access trail as the person's own act; an unknown token is no error.
    pub async fn end_survivor_session(&self, token: &str, quick: bool) -> Result<(), AppError> {
        let hash = hash_secret(token);
        let Some((case, _)) = self.store.survivor_session(&hash, OffsetDateTime::UNIX_EPOCH).await? else {
            return Ok(());
        };
        self.store.end_survivor_session(&hash).await?;
        let record = AuditRecord {
            at: self.clock.now().unix_timestamp(),
            actor: None,
            role: "survivor".into(),
            action: AuditAction::SignOut,
            case_id: Some(case.to_string()),
            outcome: Outcome::Allowed,
            detail: if quick { crate::survivor::QUICK_EXIT } else { crate::survivor::SIGNED_OUT }.into(),
        };
        self.store.append_audit(&[record]).await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_twelve_characters_of_the_alphabet_in_groups_of_four() {
        let code = new_code();
        assert_eq!(code.len(), CODE_LENGTH);
        assert!(code.bytes().all(|b| ALPHABET.contains(&b)));
        let shown = grouped(&code);
        assert_eq!(shown.len(), 14);
        assert_eq!(shown.matches('-').count(), 2);
        assert_ne!(new_code(), new_code());
    }

    #[test]
    fn typing_is_forgiving_but_not_loose() {
        assert_eq!(normalise("k7qm-3wxd-9hpa").as_deref(), Some("K7QM3WXD9HPA"));
        assert_eq!(normalise(" K7QM 3WXD 9HPA ").as_deref(), Some("K7QM3WXD9HPA"));
        assert_eq!(normalise("oOiI-lL23-4567").as_deref(), Some("001111234567"));
        assert_eq!(normalise("K7QM-3WXD-9HP"), None, "too short");
        assert_eq!(normalise("K7QM-3WXD-9HPAA"), None, "too long");
        assert_eq!(normalise("U7QM-3WXD-9HPA"), None, "U is in no code");
        assert_eq!(normalise("K7QM_3WXD_9HPA"), None);
        assert_eq!(normalise("K7QM-3WXD-9HPÄ"), None);
    }
}
