//! Sign-in throttling: three keys per attempt, each with its own backoff, so that guessing is
//! slow and a stranger cannot keep an account's owner out for long.
//!
//! - name and address together: strict (a few attempts, then waits doubling up to 15 minutes),
//!   since that is one guesser at one account;
//! - the name alone, from any address: more attempts and short waits (at most a minute), so
//!   that guesses spread over many addresses stay slow while the owner, elsewhere, waits a
//!   minute at most however many attempts strangers make;
//! - the address alone, over every name: many attempts (offices share an address), then waits.
//!
//! Every attempt is counted before its password is checked, in one transaction
//! (`Store::take_sign_in_attempt`), so simultaneous attempts are counted one by one and none is
//! evaluated beyond the limit; a success takes back what it counted.

use std::net::IpAddr;

use sg_store::ThrottleRule;
use sha2::{Digest, Sha256};
use time::Duration;

use crate::{App, AppError, Refusal};

/// Attempts for one name from one address before the waits begin.
pub const NAME_AND_ADDRESS_FREE: i64 = 5;
/// Attempts for one name, from any address, before the waits begin.
pub const NAME_FREE: i64 = 10;
/// The longest wait a name alone can be given: how long strangers can keep its owner out.
pub const NAME_MAX_WAIT: Duration = Duration::minutes(1);
/// Attempts from one address, over every name, before the waits begin.
pub const ADDRESS_FREE: i64 = 30;

/// A key's digest; [`App::rules`] keys it, so that neither the name typed nor the address is
/// stored in clear, nor found from the table by hashing guesses.
fn key(kind: &str, parts: &[&str]) -> Vec<u8> {
    let mut h = Sha256::new();
    h.update(b"safeguard/sign-in-throttle/v1");
    for part in std::iter::once(&kind).chain(parts) {
        // Length-prefixed, so that no two different keys hash the same input.
        h.update((part.len() as u64).to_be_bytes());
        h.update(part.as_bytes());
    }
    h.finalize().to_vec()
}

/// The three rules of an attempt for `name` from `client`, with unkeyed digests as keys.
pub fn rules(name: &str, client: IpAddr) -> [ThrottleRule; 3] {
    let name = name.trim().to_lowercase();
    let addr = client.to_string();
    [
        ThrottleRule {
            key: key("name+address", &[&name, &addr]),
            free: NAME_AND_ADDRESS_FREE,
            first_wait: Duration::seconds(30),
            max_wait: Duration::minutes(15),
            forget_after: Duration::hours(1),
        },
        ThrottleRule {
            key: key("name", &[&name]),
            free: NAME_FREE,
            first_wait: Duration::seconds(5),
            max_wait: NAME_MAX_WAIT,
            forget_after: Duration::minutes(15),
        },
        ThrottleRule {
            key: key("address", &[&addr]),
            free: ADDRESS_FREE,
            first_wait: Duration::seconds(10),
            max_wait: Duration::minutes(15),
            forget_after: Duration::hours(1),
        },
    ]
}

impl App {
    /// [`rules`] with their keys keyed (HMAC-SHA256 under the fingerprint key, outside the
    /// database): staff names and addresses typed at sign-in cannot be recovered from
    /// `sign_in_throttle` by hashing a list of names.
    fn rules(&self, name: &str, client: IpAddr) -> [ThrottleRule; 3] {
        rules(name, client).map(|r| ThrottleRule { key: self.request_fingerprint(&r.key), ..r })
    }

    /// Takes one attempt for `name` from `client`, refused while any of its keys must wait.
    pub(crate) async fn take_attempt(&self, name: &str, client: IpAddr) -> Result<(), AppError> {
        match self.store.take_sign_in_attempt(&self.rules(name, client), self.clock.now()).await? {
            // Whole seconds, rounded up, so "wait 0 seconds" is never said.
            Some(wait) => Err(AppError::Forbidden(Refusal::TooManyAttempts { seconds: wait.whole_seconds().max(1) })),
            None => Ok(()),
        }
    }

    /// After a successful attempt: the name's keys forget their failures, and the address gives
    /// back the attempt (others share it).
    pub(crate) async fn attempt_succeeded(&self, name: &str, client: IpAddr) -> Result<(), AppError> {
        let [both, name, address] = self.rules(name, client);
        self.store.sign_in_succeeded(&[both.key, name.key], &[address.key]).await?;
        Ok(())
    }
}
