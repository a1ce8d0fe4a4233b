//! Sign-in throttling as data: the rule for one key, and the pure step that a backend runs on
//! the key's row inside the transaction that takes an attempt. The rules themselves (which keys,
//! how many attempts, how long the waits) are the application's (`sg_app::second_factor`).

use time::{Duration, OffsetDateTime};

/// How attempts under one key are limited: the first `free` attempts pass at once; from then
/// on each attempt makes the next one wait, `first_wait` doubling up to `max_wait`. A key left
/// alone for `forget_after` starts again from nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ThrottleRule {
    /// The key: a hash, never a name or an address in clear.
    pub key: Vec<u8>,
    /// Attempts that pass without a wait.
    pub free: i64,
    /// The wait after the first attempt beyond the free ones.
    pub first_wait: Duration,
    /// The longest wait.
    pub max_wait: Duration,
    /// How long a key is remembered after its last attempt.
    pub forget_after: Duration,
}

/// A key's stored state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ThrottleState {
    /// Attempts counted (each counts until it succeeds).
    pub failures: i64,
    /// No attempt before this (Unix seconds).
    pub blocked_until: i64,
    /// The last attempt (Unix seconds).
    pub last_at: i64,
}

impl ThrottleRule {
    /// The wait after `failures` attempts, none while they are free.
    pub fn wait_after(&self, failures: i64) -> Duration {
        let beyond = failures - self.free;
        if beyond < 0 {
            return Duration::ZERO;
        }
        // Doubling, with the exponent bounded so the multiplication cannot overflow.
        let doubled = self.first_wait.saturating_mul(1_i32 << beyond.min(20) as u32);
        doubled.min(self.max_wait)
    }

    /// The state as of `now`: forgotten when left alone long enough.
    pub fn current(&self, state: ThrottleState, now: OffsetDateTime) -> ThrottleState {
        if now.unix_timestamp() - state.last_at > self.forget_after.whole_seconds() {
            ThrottleState::default()
        } else {
            state
        }
    }

    /// How long an attempt at `now` must still wait, if it must.
    pub fn refusal(&self, state: ThrottleState, now: OffsetDateTime) -> Option<Duration> {
        let state = self.current(state, now);
        let left = state.blocked_until - now.unix_timestamp();
        (left > 0).then(|| Duration::seconds(left))
    }

    /// The state after an attempt at `now` is counted (it counts as a failure until it succeeds).
    pub fn counted(&self, state: ThrottleState, now: OffsetDateTime) -> ThrottleState {
        let state = self.current(state, now);
        let failures = state.failures + 1;
        let wait = self.wait_after(failures);
        let blocked_until =
            if wait.is_positive() { now.unix_timestamp() + wait.whole_seconds() } else { state.blocked_until };
        ThrottleState { failures, blocked_until, last_at: now.unix_timestamp() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule() -> ThrottleRule {
        ThrottleRule {
            key: vec![1],
            free: 4,
            first_wait: Duration::seconds(30),
            max_wait: Duration::minutes(15),
            forget_after: Duration::hours(1),
        }
    }

    #[test]
    fn waits_double_after_the_free_attempts_up_to_the_most() {
        let r = rule();
        let waits: Vec<i64> = (1..=12).map(|n| r.wait_after(n).whole_seconds()).collect();
        assert_eq!(waits, [0, 0, 0, 30, 60, 120, 240, 480, 900, 900, 900, 900]);
        assert_eq!(r.wait_after(10_000), Duration::minutes(15));
    }

    #[test]
    fn an_attempt_while_blocked_is_refused_and_a_forgotten_key_starts_again() {
        let r = rule();
        let now = OffsetDateTime::from_unix_timestamp(1_000_000).unwrap();
        let mut s = ThrottleState::default();
        for _ in 0..4 {
            assert_eq!(r.refusal(s, now), None);
            s = r.counted(s, now);
        }
        assert_eq!(r.refusal(s, now), Some(Duration::seconds(30)));
        assert_eq!(r.refusal(s, now + Duration::seconds(30)), None);
        assert_eq!(r.current(s, now + Duration::hours(2)), ThrottleState::default());
    }
}
